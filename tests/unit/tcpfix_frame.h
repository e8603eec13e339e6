/* tcpfix_frame.h -- the TCP tests' two ends and their frame builder, without the fixture. */
#ifndef FATHOM_TCPFIX_FRAME_H
#define FATHOM_TCPFIX_FRAME_H

/*
 * tcpfix.h's part that has no state: the fuzz harness (fuzz_tcp.c) builds
 * its peer's segments with it, the unit tests through tcpfix.h. The bytes
 * are laid out here, not by netstack/'s builders, so a mistake there shows
 * up as a disagreement with the parser instead of being shared by both.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "netstack/packet.h"

#define OUR_IP 0x0a000001u
#define PEER_IP 0x0a000002u

static const uint8_t our_mac[6] = { 2, 0, 0, 0, 0, 1 };
static const uint8_t peer_mac[6] = { 2, 0, 0, 0, 0, 2 };

/* One TCP/IPv4 frame's fields, for tcpfix_frame. */
struct tcpfix_seg {
	const uint8_t *smac, *dmac;
	uint32_t saddr, daddr;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags, ttl;
	uint16_t win;
	const uint8_t *opt; /* optlen bytes, a multiple of 4, up to 40 */
	size_t optlen;
	const void *data;
	size_t len;
};

/*
 * Builds s into out (room for 14 + 40 + optlen + len bytes), DF set and
 * both checksums filled; returns the frame's length.
 */
static inline size_t tcpfix_frame(uint8_t *out, const struct tcpfix_seg *s)
{
	uint8_t *ip = out + 14, *th = ip + 20, ph[12];
	size_t thl = 20 + s->optlen, tot = 20 + thl + s->len;
	uint32_t sum;

	memset(out, 0, 14 + 20 + thl);
	memcpy(out, s->dmac, 6);
	memcpy(out + 6, s->smac, 6);
	out[12] = 0x08;
	ip[0] = 0x45;
	ip[2] = (uint8_t)(tot >> 8);
	ip[3] = (uint8_t)tot;
	ip[6] = 0x40;
	ip[8] = s->ttl;
	ip[9] = 6;
	for (int i = 0; i < 4; i++) {
		ip[12 + i] = (uint8_t)(s->saddr >> (24 - 8 * i));
		ip[16 + i] = (uint8_t)(s->daddr >> (24 - 8 * i));
	}
	sum = pkt_csum_fold(pkt_csum_add(0, ip, 20));
	ip[10] = (uint8_t)(sum >> 8);
	ip[11] = (uint8_t)sum;
	th[0] = (uint8_t)(s->sport >> 8);
	th[1] = (uint8_t)s->sport;
	th[2] = (uint8_t)(s->dport >> 8);
	th[3] = (uint8_t)s->dport;
	for (int i = 0; i < 4; i++) {
		th[4 + i] = (uint8_t)(s->seq >> (24 - 8 * i));
		th[8 + i] = (uint8_t)(s->ack >> (24 - 8 * i));
	}
	th[12] = (uint8_t)((thl / 4) << 4);
	th[13] = s->flags;
	th[14] = (uint8_t)(s->win >> 8);
	th[15] = (uint8_t)s->win;
	if (s->optlen)
		memcpy(th + 20, s->opt, s->optlen);
	if (s->len)
		memcpy(th + thl, s->data, s->len);
	memcpy(ph, ip + 12, 8);
	ph[8] = 0;
	ph[9] = 6;
	ph[10] = (uint8_t)((thl + s->len) >> 8);
	ph[11] = (uint8_t)(thl + s->len);
	sum = pkt_csum_fold(
		pkt_csum_add(pkt_csum_add(0, ph, 12), th, thl + s->len));
	th[16] = (uint8_t)(sum >> 8);
	th[17] = (uint8_t)sum;
	return 14 + tot;
}

#endif
