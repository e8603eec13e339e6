/* craft_icmp.c -- ICMPv4 query frames (echo, timestamp, address mask). */
#include "netstack/craft.h"

#include <string.h>

#include "netstack/packet.h"

#define ETH_LEN 14
#define IP4_LEN 20
#define ICMP_HDR 8

static inline void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void wr32(uint8_t *p, uint32_t v)
{
	wr16(p, (uint16_t)(v >> 16));
	wr16(p + 2, (uint16_t)v);
}

/* The query's body after id and seq (RFC 792, RFC 950). */
static size_t body_len(uint8_t type)
{
	switch (type) {
	case CRAFT_ICMP_ECHO:
		return 0;
	case CRAFT_ICMP_TIMESTAMP:
		return 12; /* originate, receive, transmit */
	case CRAFT_ICMP_MASK:
		return 4;
	default:
		return (size_t)-1;
	}
}

size_t craft_icmp4_query(uint8_t *out, size_t cap, const uint8_t smac[6],
			 const uint8_t dmac[6], uint32_t saddr, uint32_t daddr,
			 uint8_t type, uint16_t id, uint16_t seq, uint16_t ipid,
			 uint8_t ttl)
{
	size_t blen = body_len(type), ilen, flen;
	uint8_t *ip = out + ETH_LEN, *ic;

	if (blen == (size_t)-1)
		return 0;
	ilen = IP4_LEN + ICMP_HDR + blen;
	flen = ETH_LEN + ilen;
	if (flen > cap)
		return 0;
	memset(out, 0, flen);
	memcpy(out, dmac, 6);
	memcpy(out + 6, smac, 6);
	wr16(out + 12, 0x0800);
	ip[0] = 0x45;
	wr16(ip + 2, (uint16_t)ilen);
	wr16(ip + 4, ipid);
	ip[8] = ttl;
	ip[9] = 1; /* ICMP */
	wr32(ip + 12, saddr);
	wr32(ip + 16, daddr);
	wr16(ip + 10, pkt_csum_fold(pkt_csum_add(0, ip, IP4_LEN)));
	ic = ip + IP4_LEN;
	ic[0] = type;
	wr16(ic + 4, id);
	wr16(ic + 6, seq);
	/* Timestamp and mask bodies stay zero: the target fills its own. */
	wr16(ic + 2, pkt_csum_fold(pkt_csum_add(0, ic, ICMP_HDR + blen)));
	return flen;
}
