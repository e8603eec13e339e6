/* tcpseg.c -- build one Ethernet/IPv4-or-IPv6/TCP frame with its checksums. */
#include "netstack/tcpseg.h"

#include <string.h>

#include "netstack/packet.h"

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void wr32(uint8_t *p, uint32_t v)
{
	wr16(p, (uint16_t)(v >> 16));
	wr16(p + 2, (uint16_t)v);
}

/* The TCP header and data at th, checksum left zero. */
static void put_tcp(uint8_t *th, size_t thl, const struct tcpseg *s)
{
	wr16(th, s->sport);
	wr16(th + 2, s->dport);
	wr32(th + 4, s->seq);
	wr32(th + 8, s->ack);
	th[12] = (uint8_t)(thl / 4 << 4);
	th[13] = s->flags;
	wr16(th + 14, s->win);
	wr16(th + 16, 0);
	wr16(th + 18, 0);
	if (s->mss) {
		th[20] = 2;
		th[21] = 4;
		wr16(th + 22, s->mss);
	}
	if (s->len)
		memcpy(th + thl, s->data, s->len);
}

static size_t build4(uint8_t *out, size_t cap, const struct tcpseg *s,
		     size_t thl)
{
	size_t tot = 20 + thl + s->len;
	uint8_t *ip = out + 14, *th = ip + 20, pseudo[12];
	uint32_t sum;

	if (tot > 65535 || 14 + tot > cap)
		return 0;
	wr16(out + 12, 0x0800);
	ip[0] = 0x45;
	ip[1] = 0;
	wr16(ip + 2, (uint16_t)tot);
	wr16(ip + 4, s->ipid);
	wr16(ip + 6, 0x4000); /* DF: we size segments to the MSS */
	ip[8] = s->ttl;
	ip[9] = 6;
	wr16(ip + 10, 0);
	wr32(ip + 12, addr_v4(&s->saddr));
	wr32(ip + 16, addr_v4(&s->daddr));
	wr16(ip + 10, pkt_csum_fold(pkt_csum_add(0, ip, 20)));
	put_tcp(th, thl, s);
	memcpy(pseudo, ip + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = 6;
	wr16(pseudo + 10, (uint16_t)(thl + s->len));
	sum = pkt_csum_add(0, pseudo, sizeof(pseudo));
	sum = pkt_csum_add(sum, th, thl + s->len);
	wr16(th + 16, pkt_csum_fold(sum));
	return 14 + tot;
}

static size_t build6(uint8_t *out, size_t cap, const struct tcpseg *s,
		     size_t thl)
{
	size_t plen = thl + s->len;
	uint8_t *ip = out + 14, *th = ip + 40;
	uint32_t sum;

	if (plen > 65535 || 14 + 40 + plen > cap)
		return 0;
	wr16(out + 12, 0x86dd);
	wr32(ip, 6u << 28);
	wr16(ip + 4, (uint16_t)plen);
	ip[6] = 6;
	ip[7] = s->ttl;
	memcpy(ip + 8, s->saddr.b, 16);
	memcpy(ip + 24, s->daddr.b, 16);
	put_tcp(th, thl, s);
	sum = pkt_csum_pseudo6(&s->saddr, &s->daddr, (uint32_t)plen, 6);
	sum = pkt_csum_add(sum, th, plen);
	wr16(th + 16, pkt_csum_fold(sum));
	return 14 + 40 + plen;
}

size_t tcpseg_build(uint8_t *out, size_t cap, const struct tcpseg *s)
{
	size_t thl = s->mss ? 24 : 20;

	if (s->saddr.family != s->daddr.family || cap < 14)
		return 0;
	memcpy(out, s->dmac, 6);
	memcpy(out + 6, s->smac, 6);
	if (addr_is_v6(&s->saddr))
		return build6(out, cap, s, thl);
	return build4(out, cap, s, thl);
}

uint16_t tcpseg_find_mss(const uint8_t *opts, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint8_t kind = opts[i], olen;

		if (kind == 0) /* end of list */
			break;
		if (kind == 1) { /* no-op padding */
			i++;
			continue;
		}
		if (i + 1 >= len)
			break;
		olen = opts[i + 1];
		if (olen < 2 || i + olen > len)
			break;
		if (kind == 2 && olen == 4)
			return (uint16_t)(opts[i + 2] << 8 | opts[i + 3]);
		i += olen;
	}
	return 0;
}

size_t tcpseg_rst_for_synack(uint8_t *out, size_t cap, const struct pkt_info *p)
{
	struct tcpseg s = { 0 };

	if (p->kind != PKT_TCP || p->eth_src == NULL || p->eth_dst == NULL ||
	    (p->tcp.flags & (PKT_SYN | PKT_ACK | PKT_RST)) !=
		    (PKT_SYN | PKT_ACK))
		return 0;
	s.smac = p->eth_dst;
	s.dmac = p->eth_src;
	s.saddr = p->ip.daddr;
	s.daddr = p->ip.saddr;
	s.sport = p->tcp.dport;
	s.dport = p->tcp.sport;
	s.seq = p->tcp.ack;
	s.flags = PKT_RST;
	s.ttl = 64;
	return tcpseg_build(out, cap, &s);
}
