/* tcpseg.h -- build one Ethernet/IPv4-or-IPv6/TCP frame with its checksums. */
#ifndef FATHOM_TCPSEG_H
#define FATHOM_TCPSEG_H

#include <stddef.h>
#include <stdint.h>

#include "netstack/addr.h"

/* Ethernet + IPv6 + TCP + the MSS option: the most a header takes here
 * (IPv4's is 20 bytes less). */
#define TCPSEG_HDR_MAX (14 + 40 + 24)

struct tcpseg {
	const uint8_t *smac, *dmac;
	struct addr saddr, daddr; /* one family: it picks IPv4 or IPv6 */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags; /* PKT_SYN etc. */
	uint16_t win;
	uint8_t ttl;   /* IPv6: the hop limit */
	uint16_t ipid; /* IPv4 only */
	uint16_t mss;  /* nonzero: add the MSS option (SYNs only) */
	const uint8_t *data;
	size_t len;
};

/*
 * Writes the frame into out (cap bytes): IPv4 with DF and no options (or
 * IPv6 without extension headers, traffic class and flow label 0), TCP
 * with the MSS option when s->mss is set, the checksums filled in.
 * Returns the frame length, or 0 if it does not fit in cap or in one
 * datagram, or the addresses' families differ.
 */
size_t tcpseg_build(uint8_t *out, size_t cap, const struct tcpseg *s);

struct pkt_info;

/*
 * The RST a host's kernel answers an unexpected SYN-ACK with (RFC 9293
 * 3.10.7.1: sequence = the segment's ACK, no ACK flag), for the SYN-ACK
 * in p (parsed, of either family), from its destination back to its
 * source. For a capture that must do the kernel's part while the nft
 * guard silences the kernel (one pass). Returns the frame length, or 0
 * when p is no SYN-ACK or the frame does not fit.
 */
size_t tcpseg_rst_for_synack(uint8_t *out, size_t cap,
			     const struct pkt_info *p);

/*
 * The MSS option's value in a TCP option block, or 0 when absent. Walks
 * the options with bounds checks; malformed blocks end the walk.
 */
uint16_t tcpseg_find_mss(const uint8_t *opts, size_t len);

#endif
