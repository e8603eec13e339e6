/* craft.c -- frame templates built with libnet, patched per probe. */
#include "netstack/craft.h"

#include <arpa/inet.h>
#include <libnet.h>
#include <stdio.h>
#include <string.h>

#include "netstack/packet.h"

#define ETH_LEN 14
#define IP_LEN 20

static int cull(libnet_t *l, uint8_t *out, size_t cap, size_t *len, char *err,
		size_t errlen)
{
	uint8_t *pkt = NULL;
	uint32_t n = 0;

	if (libnet_adv_cull_packet(l, &pkt, &n) < 0) {
		snprintf(err, errlen, "libnet: %s", libnet_geterror(l));
		libnet_clear_packet(l);
		return -1;
	}
	if (n > cap) {
		snprintf(err, errlen, "libnet: frame of %u bytes too large", n);
		libnet_adv_free_packet(l, pkt);
		libnet_clear_packet(l);
		return -1;
	}
	memcpy(out, pkt, n);
	*len = n;
	libnet_adv_free_packet(l, pkt);
	libnet_clear_packet(l);
	return 0;
}

int craft_tcp_template(void *ln, struct craft_tmpl *t, const uint8_t smac[6],
		       uint32_t saddr, const struct craft_tcp_opts *o,
		       char *err, size_t errlen)
{
	libnet_t *l = ln;
	static const uint8_t zero_mac[6];
	uint32_t tcp_len = (uint32_t)(LIBNET_TCP_H + o->optlen);

	memset(t, 0, sizeof(*t));
	if (o->optlen > 40 || (o->optlen & 3)) {
		snprintf(err, errlen, "TCP options must be <= 40, x4 bytes");
		return -1;
	}
	libnet_clear_packet(l);
	if (o->optlen &&
	    libnet_build_tcp_options(o->opts, (uint32_t)o->optlen, l, 0) == -1)
		goto lerr;
	if (libnet_build_tcp(0, 0, 0, 0, o->flags, o->win, 0, 0, tcp_len, NULL,
			     0, l, 0) == -1)
		goto lerr;
	if (libnet_build_ipv4((uint16_t)(LIBNET_IPV4_H + tcp_len), 0, 0,
			      o->df ? IP_DF : 0, o->ttl, IPPROTO_TCP, 0,
			      htonl(saddr), 0, NULL, 0, l, 0) == -1)
		goto lerr;
	if (libnet_build_ethernet(zero_mac, smac, ETHERTYPE_IP, NULL, 0, l,
				  0) == -1)
		goto lerr;
	if (cull(l, t->frame, sizeof(t->frame), &t->len, err, errlen) < 0)
		return -1;
	t->l4_len = tcp_len;
	t->ver = 4;
	return 0;
lerr:
	snprintf(err, errlen, "libnet: %s", libnet_geterror(l));
	libnet_clear_packet(l);
	return -1;
}

static inline void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

void craft_tcp_fill(const struct craft_tmpl *t, uint8_t *out,
		    const uint8_t dmac[6], uint32_t daddr, uint16_t sport,
		    uint16_t dport, uint32_t seq, uint32_t ack, uint16_t ipid)
{
	uint8_t *ip = out + ETH_LEN, *tcp = ip + IP_LEN, pseudo[12];
	uint32_t sum;

	memcpy(out, t->frame, t->len);
	memcpy(out, dmac, 6);
	wr16(ip + 4, ipid);
	wr32(ip + 16, daddr);
	wr16(ip + 10, 0);
	wr16(ip + 10, pkt_csum_fold(pkt_csum_add(0, ip, IP_LEN)));
	wr16(tcp, sport);
	wr16(tcp + 2, dport);
	wr32(tcp + 4, seq);
	wr32(tcp + 8, ack);
	wr16(tcp + 16, 0);
	memcpy(pseudo, ip + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_TCP;
	wr16(pseudo + 10, (uint16_t)t->l4_len);
	sum = pkt_csum_add(0, pseudo, sizeof(pseudo));
	sum = pkt_csum_add(sum, tcp, t->l4_len);
	wr16(tcp + 16, pkt_csum_fold(sum));
}

size_t craft_udp_frame(uint8_t *out, const uint8_t smac[6],
		       const uint8_t dmac[6], uint32_t saddr, uint32_t daddr,
		       uint16_t sport, uint16_t dport, uint16_t ipid,
		       uint8_t ttl, const uint8_t *payload, size_t plen)
{
	uint8_t *ip = out + ETH_LEN, *udp = ip + IP_LEN, pseudo[12];
	size_t ulen = 8 + plen;
	uint32_t sum;
	uint16_t csum;

	memcpy(out, dmac, 6);
	memcpy(out + 6, smac, 6);
	wr16(out + 12, 0x0800);
	ip[0] = 0x45;
	ip[1] = 0;
	wr16(ip + 2, (uint16_t)(IP_LEN + ulen));
	wr16(ip + 4, ipid);
	wr16(ip + 6, 0x4000); /* DF */
	ip[8] = ttl;
	ip[9] = IPPROTO_UDP;
	wr16(ip + 10, 0);
	wr32(ip + 12, saddr);
	wr32(ip + 16, daddr);
	wr16(ip + 10, pkt_csum_fold(pkt_csum_add(0, ip, IP_LEN)));
	wr16(udp, sport);
	wr16(udp + 2, dport);
	wr16(udp + 4, (uint16_t)ulen);
	wr16(udp + 6, 0);
	if (plen)
		memcpy(udp + 8, payload, plen);
	memcpy(pseudo, ip + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_UDP;
	wr16(pseudo + 10, (uint16_t)ulen);
	sum = pkt_csum_add(0, pseudo, sizeof(pseudo));
	sum = pkt_csum_add(sum, udp, ulen);
	csum = pkt_csum_fold(sum);
	/* RFC 768: a computed zero is sent as all ones. */
	wr16(udp + 6, csum ? csum : 0xffff);
	return ETH_LEN + IP_LEN + ulen;
}

static int build_arp(libnet_t *l, uint16_t op, uint8_t *out, size_t *len,
		     const uint8_t smac[6], uint32_t saddr,
		     const uint8_t tha[6], const uint8_t edst[6],
		     uint32_t target, char *err, size_t errlen)
{
	uint32_t spa = htonl(saddr), tpa = htonl(target);

	libnet_clear_packet(l);
	if (libnet_build_arp(ARPHRD_ETHER, ETHERTYPE_IP, 6, 4, op, smac,
			     (const uint8_t *)&spa, tha, (const uint8_t *)&tpa,
			     NULL, 0, l, 0) == -1 ||
	    libnet_build_ethernet(edst, smac, ETHERTYPE_ARP, NULL, 0, l, 0) ==
		    -1) {
		snprintf(err, errlen, "libnet: %s", libnet_geterror(l));
		libnet_clear_packet(l);
		return -1;
	}
	return cull(l, out, 64, len, err, errlen);
}

int craft_arp_request(void *ln, uint8_t *out, size_t *len,
		      const uint8_t smac[6], uint32_t saddr, uint32_t target,
		      char *err, size_t errlen)
{
	static const uint8_t zero[6],
		bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	return build_arp(ln, ARPOP_REQUEST, out, len, smac, saddr, zero, bcast,
			 target, err, errlen);
}

int craft_arp_reply(void *ln, uint8_t *out, size_t *len, const uint8_t smac[6],
		    uint32_t saddr, const uint8_t dmac[6], uint32_t daddr,
		    char *err, size_t errlen)
{
	return build_arp(ln, ARPOP_REPLY, out, len, smac, saddr, dmac, dmac,
			 daddr, err, errlen);
}
