/* cookie.h -- stateless probe validation: a keyed hash of the 4-tuple. */
#ifndef FATHOM_COOKIE_H
#define FATHOM_COOKIE_H

#include <stdint.h>

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

#endif
