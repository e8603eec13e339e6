/* tcpseg.h -- build one Ethernet/IPv4/TCP frame with its checksums. */
#ifndef FATHOM_TCPSEG_H
#define FATHOM_TCPSEG_H

#include <stddef.h>
#include <stdint.h>

/* Ethernet + IPv4 + TCP + the MSS option: the most a header takes here. */
#define TCPSEG_HDR_MAX (14 + 20 + 24)

struct tcpseg {
	const uint8_t *smac, *dmac;
	uint32_t saddr, daddr; /* host order */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags; /* PKT_SYN etc. */
	uint16_t win;
	uint8_t ttl;
	uint16_t ipid;
	uint16_t mss; /* nonzero: add the MSS option (SYNs only) */
	const uint8_t *data;
	size_t len;
};

/*
 * Writes the frame into out (cap bytes): IPv4 with DF and no options, TCP
 * with the MSS option when s->mss is set, both checksums filled in.
 * Returns the frame length, or 0 if it does not fit in cap or in an IPv4
 * datagram.
 */
size_t tcpseg_build(uint8_t *out, size_t cap, const struct tcpseg *s);

/*
 * The MSS option's value in a TCP option block, or 0 when absent. Walks
 * the options with bounds checks; malformed blocks end the walk.
 */
uint16_t tcpseg_find_mss(const uint8_t *opts, size_t len);

#endif
