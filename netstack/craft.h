/* craft.h -- frame templates built with libnet, patched per probe. */
#ifndef FATHOM_CRAFT_H
#define FATHOM_CRAFT_H

#include <stddef.h>
#include <stdint.h>

#define CRAFT_MAX 128 /* Ethernet + IPv4 + TCP with 40 bytes of options */

/*
 * A frame built once by libnet (headers, options, lengths, constant fields)
 * and then copied and patched for each probe: only the per-target fields
 * and the two checksums change, as zmap and masscan do, so the send path
 * never calls into libnet's allocator.
 */
struct craft_tmpl {
	uint8_t frame[CRAFT_MAX];
	size_t len;
	size_t l4_len; /* TCP header + options */
};

struct craft_tcp_opts {
	uint8_t flags;
	uint16_t win;
	uint8_t ttl;
	int df;
	const uint8_t *opts; /* raw TCP options, padded by the caller to x4 */
	size_t optlen;
};

/*
 * Builds the template with libnet on ln (a libnet_t in LIBNET_LINK_ADV
 * mode, from pktio_libnet()). smac/saddr are our side (saddr host order).
 * Returns 0, or -1 with err = "libnet: ...".
 */
int craft_tcp_template(void *ln, struct craft_tmpl *t, const uint8_t smac[6],
		       uint32_t saddr, const struct craft_tcp_opts *o,
		       char *err, size_t errlen);

/*
 * Writes the probe into out (t->len bytes): destination MAC and address,
 * ports, seq, ack, IP ID, then the IPv4 and TCP checksums.
 */
void craft_tcp_fill(const struct craft_tmpl *t, uint8_t *out,
		    const uint8_t dmac[6], uint32_t daddr, uint16_t sport,
		    uint16_t dport, uint32_t seq, uint32_t ack, uint16_t ipid);

/*
 * Writes a whole Ethernet + IPv4 + UDP frame into out (CRAFT_MAX bytes;
 * plen at most CRAFT_MAX - 42) without libnet: DF set, TTL ttl, both
 * checksums. Returns the frame's length.
 */
size_t craft_udp_frame(uint8_t *out, const uint8_t smac[6],
		       const uint8_t dmac[6], uint32_t saddr, uint32_t daddr,
		       uint16_t sport, uint16_t dport, uint16_t ipid,
		       uint8_t ttl, const uint8_t *payload, size_t plen);

/*
 * An ARP request "who-has target tell saddr" (broadcast), built with libnet.
 * out must hold 64 bytes; *len gets the frame length. 0 or -1 with err.
 */
int craft_arp_request(void *ln, uint8_t *out, size_t *len,
		      const uint8_t smac[6], uint32_t saddr, uint32_t target,
		      char *err, size_t errlen);

/* An ARP reply "saddr is-at smac" to (dmac, daddr), for -S spoofing. */
int craft_arp_reply(void *ln, uint8_t *out, size_t *len,
		    const uint8_t smac[6], uint32_t saddr,
		    const uint8_t dmac[6], uint32_t daddr, char *err,
		    size_t errlen);

#endif
