/* frames.h -- Ethernet/IP/TCP/UDP/ICMP frames built by hand for unit tests. */
#ifndef FATHOM_TESTS_FRAMES_H
#define FATHOM_TESTS_FRAMES_H

/*
 * Replies a peer would send, written byte by byte without netstack/ so a
 * bug in the crafting code cannot hide the same bug in the parser under
 * test. Every frame goes from FRAME_MAC_PEER to FRAME_MAC_US, TTL/hop limit
 * 64, checksums left 0 (the classifiers do not check them). Static
 * functions: each test includes this once.
 */
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>

#include "netstack/addr.h"

static const uint8_t FRAME_MAC_US[6] = { 2, 0x66, 0x78, 0, 0, 2 };
static const uint8_t FRAME_MAC_PEER[6] = { 2, 0x66, 0x78, 0, 0, 0x0a };

/* Ethernet + IP header (the family of src) + l4; returns the length. */
static inline size_t frame_ip(uint8_t *out, const struct addr *src,
			      const struct addr *dst, uint8_t proto,
			      const uint8_t *l4, size_t l4len)
{
	uint8_t *ip = out + 14;
	size_t hl = addr_is_v6(src) ? 40 : 20;

	memcpy(out, FRAME_MAC_US, 6);
	memcpy(out + 6, FRAME_MAC_PEER, 6);
	out[12] = addr_is_v6(src) ? 0x86 : 0x08;
	out[13] = addr_is_v6(src) ? 0xdd : 0x00;
	memset(ip, 0, hl);
	if (addr_is_v6(src)) {
		ip[0] = 0x60;
		ip[4] = (uint8_t)(l4len >> 8);
		ip[5] = (uint8_t)l4len;
		ip[6] = proto;
		ip[7] = 64;
		memcpy(ip + 8, src->b, 16);
		memcpy(ip + 24, dst->b, 16);
	} else {
		ip[0] = 0x45;
		ip[2] = (uint8_t)((20 + l4len) >> 8);
		ip[3] = (uint8_t)(20 + l4len);
		ip[8] = 64;
		ip[9] = proto;
		memcpy(ip + 12, src->b, 4);
		memcpy(ip + 16, dst->b, 4);
	}
	memcpy(ip + hl, l4, l4len);
	return 14 + hl + l4len;
}

static inline void frame_put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (24 - 8 * i));
}

/* A TCP segment (no options) from src:sport to dst:dport. */
static inline size_t frame_tcp(uint8_t *out, const struct addr *src,
			       const struct addr *dst, uint16_t sport,
			       uint16_t dport, uint32_t seq, uint32_t ack,
			       uint8_t flags, uint16_t win)
{
	uint8_t t[20] = { 0 };

	t[0] = (uint8_t)(sport >> 8);
	t[1] = (uint8_t)sport;
	t[2] = (uint8_t)(dport >> 8);
	t[3] = (uint8_t)dport;
	frame_put32(t + 4, seq);
	frame_put32(t + 8, ack);
	t[12] = 0x50;
	t[13] = flags;
	t[14] = (uint8_t)(win >> 8);
	t[15] = (uint8_t)win;
	return frame_ip(out, src, dst, IPPROTO_TCP, t, sizeof(t));
}

/*
 * An ICMP or ICMPv6 error from src to dst quoting the IP datagram of
 * probe (a whole frame: its Ethernet header is skipped), at most qmax
 * (<= 160) bytes of it.
 */
static inline size_t frame_icmp_err(uint8_t *out, const struct addr *src,
				    const struct addr *dst, uint8_t type,
				    uint8_t code, const uint8_t *probe,
				    size_t plen, size_t qmax)
{
	uint8_t m[8 + 160] = { 0 };
	size_t q = plen - 14 < qmax ? plen - 14 : qmax;

	if (q > 160)
		q = 160;
	m[0] = type;
	m[1] = code;
	memcpy(m + 8, probe + 14, q);
	return frame_ip(out, src, dst,
			addr_is_v6(src) ? IPPROTO_ICMPV6 : IPPROTO_ICMP, m,
			8 + q);
}

/* A UDP datagram (payload at most 64 bytes) from src:sport to dst:dport. */
static inline size_t frame_udp(uint8_t *out, const struct addr *src,
			       const struct addr *dst, uint16_t sport,
			       uint16_t dport, const uint8_t *pl, size_t n)
{
	uint8_t u[8 + 64] = { 0 };

	if (n > 64)
		n = 64;
	u[0] = (uint8_t)(sport >> 8);
	u[1] = (uint8_t)sport;
	u[2] = (uint8_t)(dport >> 8);
	u[3] = (uint8_t)dport;
	u[4] = (uint8_t)((8 + n) >> 8);
	u[5] = (uint8_t)(8 + n);
	memcpy(u + 8, pl, n);
	return frame_ip(out, src, dst, IPPROTO_UDP, u, 8 + n);
}

#endif
