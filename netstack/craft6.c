/* craft6.c -- IPv6 frames: TCP template and fill, UDP, echo, NS and NA. */
#include "netstack/craft.h"

#include <string.h>

#include "netstack/packet.h"

#define ETH_LEN 14
#define IP6_LEN 40

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

/*
 * Ethernet + IPv6 header for l4_len bytes of next header nh; returns
 * where L4 starts.
 */
static uint8_t *put_ip6(uint8_t *out, const uint8_t smac[6],
			const uint8_t dmac[6], const struct addr *saddr,
			const struct addr *daddr, uint8_t nh, uint8_t hlim,
			size_t l4_len)
{
	uint8_t *ip = out + ETH_LEN;

	memcpy(out, dmac, 6);
	memcpy(out + 6, smac, 6);
	wr16(out + 12, 0x86dd);
	wr32(ip, 6u << 28); /* version 6, traffic class 0, flow label 0 */
	wr16(ip + 4, (uint16_t)l4_len);
	ip[6] = nh;
	ip[7] = hlim;
	memcpy(ip + 8, saddr->b, 16);
	memcpy(ip + 24, daddr->b, 16);
	return ip + IP6_LEN;
}

/* Fills the checksum at l4 + at over len bytes of next header nh. */
static void l4_csum6(uint8_t *l4, size_t len, size_t at,
		     const struct addr *saddr, const struct addr *daddr,
		     uint8_t nh)
{
	uint32_t sum = pkt_csum_pseudo6(saddr, daddr, (uint32_t)len, nh);
	uint16_t c;

	wr16(l4 + at, 0);
	c = pkt_csum_fold(pkt_csum_add(sum, l4, len));
	/* UDP's zero means "none", which IPv6 forbids; 0xffff is the same
	 * sum in ones' complement (also harmless for TCP and ICMPv6, which
	 * never fold to zero over a nonzero pseudo-header anyway). */
	wr16(l4 + at, c ? c : 0xffff);
}

int craft_tcp6_template(struct craft_tmpl *t, const uint8_t smac[6],
			const struct addr *saddr,
			const struct craft_tcp_opts *o)
{
	static const uint8_t zero_mac[6];
	static const struct addr unset = { .family = ADDR_V6 };
	size_t tcp_len = 20 + o->optlen;
	uint8_t *th;

	memset(t, 0, sizeof(*t));
	if (o->optlen > 40 || (o->optlen & 3) || !addr_is_v6(saddr))
		return -1;
	th = put_ip6(t->frame, smac, zero_mac, saddr, &unset, 6, o->ttl,
		     tcp_len);
	th[12] = (uint8_t)(tcp_len / 4 << 4);
	th[13] = o->flags;
	wr16(th + 14, o->win);
	if (o->optlen)
		memcpy(th + 20, o->opts, o->optlen);
	t->len = ETH_LEN + IP6_LEN + tcp_len;
	t->l4_len = tcp_len;
	t->ver = 6;
	return 0;
}

void craft_tcp6_fill(const struct craft_tmpl *t, uint8_t *out,
		     const uint8_t dmac[6], const struct addr *daddr,
		     uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack)
{
	uint8_t *ip = out + ETH_LEN, *tcp = ip + IP6_LEN;
	struct addr saddr = { .family = ADDR_V6 };

	memcpy(out, t->frame, t->len);
	memcpy(out, dmac, 6);
	memcpy(ip + 24, daddr->b, 16);
	memcpy(saddr.b, ip + 8, 16);
	wr16(tcp, sport);
	wr16(tcp + 2, dport);
	wr32(tcp + 4, seq);
	wr32(tcp + 8, ack);
	l4_csum6(tcp, t->l4_len, 16, &saddr, daddr, 6);
}

void craft_tcp_fill_addr(const struct craft_tmpl *t, uint8_t *out,
			 const uint8_t dmac[6], const struct addr *daddr,
			 uint16_t sport, uint16_t dport, uint32_t seq,
			 uint32_t ack, uint16_t ipid)
{
	if (t->ver == 6)
		craft_tcp6_fill(t, out, dmac, daddr, sport, dport, seq, ack);
	else
		craft_tcp_fill(t, out, dmac, addr_v4(daddr), sport, dport, seq,
			       ack, ipid);
}

size_t craft_udp6_frame(uint8_t *out, const uint8_t smac[6],
			const uint8_t dmac[6], const struct addr *saddr,
			const struct addr *daddr, uint16_t sport,
			uint16_t dport, uint8_t hlim, const uint8_t *payload,
			size_t plen)
{
	size_t ulen = 8 + plen;
	uint8_t *udp;

	if (plen > CRAFT_UDP6_MAXPAYLOAD)
		return 0;
	udp = put_ip6(out, smac, dmac, saddr, daddr, 17, hlim, ulen);
	wr16(udp, sport);
	wr16(udp + 2, dport);
	wr16(udp + 4, (uint16_t)ulen);
	if (plen)
		memcpy(udp + 8, payload, plen);
	l4_csum6(udp, ulen, 6, saddr, daddr, 17);
	return ETH_LEN + IP6_LEN + ulen;
}

size_t craft_icmp6_echo(uint8_t *out, size_t cap, const uint8_t smac[6],
			const uint8_t dmac[6], const struct addr *saddr,
			const struct addr *daddr, uint16_t id, uint16_t seq,
			uint8_t hlim, const uint8_t *payload, size_t plen)
{
	size_t ilen = 8 + plen;
	uint8_t *ic;

	if (plen > 65535 - 8 || cap < ETH_LEN + IP6_LEN + 8 ||
	    plen > cap - (ETH_LEN + IP6_LEN + 8))
		return 0;
	ic = put_ip6(out, smac, dmac, saddr, daddr, 58, hlim, ilen);
	ic[0] = 128;
	ic[1] = 0;
	wr16(ic + 4, id);
	wr16(ic + 6, seq);
	if (plen)
		memcpy(ic + 8, payload, plen);
	l4_csum6(ic, ilen, 2, saddr, daddr, 58);
	return ETH_LEN + IP6_LEN + ilen;
}

struct addr craft_nd_group(const struct addr *target)
{
	struct addr g = { .family = ADDR_V6 };

	g.b[0] = 0xff;
	g.b[1] = 0x02;
	g.b[11] = 0x01;
	g.b[12] = 0xff;
	memcpy(g.b + 13, target->b + 13, 3);
	return g;
}

void craft_nd_group_mac(const struct addr *group, uint8_t mac[6])
{
	mac[0] = 0x33;
	mac[1] = 0x33;
	memcpy(mac + 2, group->b + 12, 4);
}

/* NS (type 135, option 1) or NA (136, option 2) around target. */
static void put_nd(uint8_t out[CRAFT_ND_LEN], const uint8_t smac[6],
		   const uint8_t dmac[6], const struct addr *saddr,
		   const struct addr *daddr, uint8_t type, uint8_t flags,
		   const struct addr *target)
{
	uint8_t *nd = put_ip6(out, smac, dmac, saddr, daddr, 58, 255, 32);

	memset(nd, 0, 32);
	nd[0] = type;
	nd[4] = flags;
	memcpy(nd + 8, target->b, 16);
	nd[24] = type == 135 ? 1 : 2;
	nd[25] = 1; /* 8 bytes */
	memcpy(nd + 26, smac, 6);
	l4_csum6(nd, 32, 2, saddr, daddr, 58);
}

void craft_nd_solicit(uint8_t out[CRAFT_ND_LEN], const uint8_t smac[6],
		      const struct addr *saddr, const struct addr *target)
{
	struct addr group = craft_nd_group(target);
	uint8_t gmac[6];

	craft_nd_group_mac(&group, gmac);
	put_nd(out, smac, gmac, saddr, &group, 135, 0, target);
}

void craft_nd_advert(uint8_t out[CRAFT_ND_LEN], const uint8_t smac[6],
		     const struct addr *target, const uint8_t dmac[6],
		     const struct addr *daddr, uint8_t flags)
{
	put_nd(out, smac, dmac, target, daddr, 136, flags, target);
}
