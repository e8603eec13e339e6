/* cookie.h -- stateless probe validation: a keyed hash of the 4-tuple. */
#ifndef FATHOM_COOKIE_H
#define FATHOM_COOKIE_H

#include <stdint.h>

#include "netstack/addr.h"

/*
 * Every probe fathom sends carries a cookie: the SYN's sequence number and
 * its source port are both derived from SipHash-2-4 of (our address, their
 * address, their port, protocol) under a per-run random key. A reply is
 * believed only if it names the same source port and acknowledges the same
 * sequence number, so forged or stray packets (a previous run, another
 * scanner, a spoofer without the key) never produce a result, and no state
 * per probe is kept. The key never leaves the process.
 */
struct cookie_key {
	uint64_t k0, k1;
};

struct cookie {
	uint32_t seq;   /* our ISN for the probe */
	uint16_t sport; /* our source port for the probe */
};

/* Fills key from getrandom(2). Returns 0, or -1 (errno set). */
int cookie_key_random(struct cookie_key *key);

/*
 * The cookie for a probe from saddr to daddr:dport over proto (IPPROTO_TCP
 * ...), addresses in host order. The source port is sport_base +
 * (hash % sport_count); with sport_count 1 (-g PORT) it is sport_base.
 */
struct cookie cookie_make(const struct cookie_key *key, uint32_t saddr,
			  uint32_t daddr, uint16_t dport, uint8_t proto,
			  uint16_t sport_base, uint16_t sport_count);

/*
 * The same for either family. IPv4 addresses give exactly cookie_make's
 * cookie (the same 11 hashed bytes), so a run can switch to struct addr
 * without changing a probe. IPv6 hashes both 16-byte addresses as on the
 * wire, then dport (little-endian) and proto: 35 bytes, the same
 * construction and key.
 */
struct cookie cookie_make_addr(const struct cookie_key *key,
			       const struct addr *saddr,
			       const struct addr *daddr, uint16_t dport,
			       uint8_t proto, uint16_t sport_base,
			       uint16_t sport_count);

/*
 * 1 if a reply to our probe (saddr -> daddr:dport over proto) is ours:
 * it went to the cookie's source port and acknowledges (TCP) or echoes
 * (a quoted probe's seq, a UDP request ID's 32 bits) value, which must be
 * the cookie's seq + delta (1 for a SYN-ACK/RST's ack, 0 for a quote).
 */
int cookie_check(const struct cookie_key *key, const struct addr *saddr,
		 const struct addr *daddr, uint16_t dport, uint8_t proto,
		 uint16_t sport_base, uint16_t sport_count, uint16_t our_port,
		 uint32_t value, uint32_t delta);

#endif
