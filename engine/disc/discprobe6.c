/* discprobe6.c -- discovery's IPv6 probes and the replies they draw, as pure functions. */
#include <netinet/in.h>
#include <string.h>

#include "engine/disc/disc_int.h"
#include "engine/disc/discovery.h"
#include "probes/udpprobe.h"

/* The ACK probe's cookie tag (discprobe.c's): not a protocol we send. */
#define TAG_ACK 0xfe
#define ICMP6_ECHO 128
#define ICMP6_ECHO_REPLY 129
#define HLIM 64

int disc_templates6(struct disc_tmpls *t, const uint8_t smac[6],
		    const struct addr *saddr)
{
	static const uint8_t mss[4] = { 2, 4, 0x05, 0xb4 }; /* MSS 1460 */
	struct craft_tcp_opts syn = { .flags = PKT_SYN,
				      .win = 1024,
				      .ttl = HLIM,
				      .opts = mss,
				      .optlen = sizeof(mss) };
	struct craft_tcp_opts ack = { .flags = PKT_ACK,
				      .win = 1024,
				      .ttl = HLIM };

	if (craft_tcp6_template(&t->syn6, smac, saddr, &syn) < 0 ||
	    craft_tcp6_template(&t->ack6, smac, saddr, &ack) < 0)
		return -1;
	return 0;
}

/* The cookie of probe kind/port to daddr (discprobe.c's, over IPv6). */
static struct cookie cookie6(const struct disc_keys *ks,
			     const struct addr *daddr, int kind, uint16_t port)
{
	switch (kind) {
	case DK_SYN:
		return cookie_make_addr(&ks->key, &ks->our6, daddr, port,
					IPPROTO_TCP, ks->sport_base,
					ks->sport_count);
	case DK_ACK:
		return cookie_make_addr(&ks->key, &ks->our6, daddr, port,
					TAG_ACK, ks->sport_base,
					ks->sport_count);
	case DK_UDP:
		return cookie_make_addr(&ks->key, &ks->our6, daddr, port,
					IPPROTO_UDP, ks->sport_base,
					ks->sport_count);
	default: /* ICMPv6: the kind stands for the port */
		return cookie_make_addr(&ks->key, &ks->our6, daddr,
					(uint16_t)kind, IPPROTO_ICMPV6, 0, 1);
	}
}

size_t disc_build6(const struct disc_keys *ks, const struct disc_tmpls *t,
		   size_t k, const struct addr *daddr, const uint8_t smac[6],
		   const uint8_t dmac[6], uint8_t *out)
{
	const struct disc_probe *pr;
	struct cookie c;

	if (k >= ks->np)
		return 0;
	pr = &ks->probes[k];
	c = cookie6(ks, daddr, pr->kind, pr->port);
	switch (pr->kind) {
	case DK_SYN:
		craft_tcp6_fill(&t->syn6, out, dmac, daddr, c.sport, pr->port,
				c.seq, 0);
		return t->syn6.len;
	case DK_ACK:
		craft_tcp6_fill(&t->ack6, out, dmac, daddr, c.sport, pr->port,
				c.seq, c.seq);
		return t->ack6.len;
	case DK_UDP: {
		uint8_t pl[UDPPROBE_MAX];
		size_t plen = udpprobe_payload(pr->port, c.seq, pl);

		return craft_udp6_frame(out, smac, dmac, &ks->our6, daddr,
					c.sport, pr->port, HLIM, pl, plen);
	}
	case DK_ECHO:
		return craft_icmp6_echo(out, CRAFT_MAX, smac, dmac, &ks->our6,
					daddr, (uint16_t)(c.seq >> 16),
					(uint16_t)c.seq, HLIM, NULL, 0);
	default: /* -PP, -PM: IPv4 only */
		return 0;
	}
}

static int set6(struct disc_reply *out, const struct addr *target, long slot,
		int reason, uint8_t ttl, int up)
{
	out->taddr = *target;
	out->slot = (size_t)slot;
	out->reason = (uint8_t)reason;
	out->ttl = ttl;
	out->up = up;
	return 1;
}

static int on_tcp6(const struct disc_keys *ks, const struct pkt_info *p,
		   struct disc_reply *out)
{
	const struct addr *t = &p->ip.saddr;
	uint16_t port = p->tcp.sport;
	long k = disc_slot_of(ks, DK_SYN, port);
	struct cookie c;

	if (k >= 0) {
		c = cookie6(ks, t, DK_SYN, port);
		if (p->tcp.dport == c.sport && p->tcp.ack == c.seq + 1) {
			if ((p->tcp.flags & (PKT_SYN | PKT_ACK)) ==
			    (PKT_SYN | PKT_ACK))
				return set6(out, t, k, DR_SYN_ACK, p->ip.ttl,
					    1);
			if (p->tcp.flags & PKT_RST)
				return set6(out, t, k, DR_RESET, p->ip.ttl, 1);
		}
	}
	k = disc_slot_of(ks, DK_ACK, port);
	if (k < 0 || !(p->tcp.flags & PKT_RST))
		return 0;
	c = cookie6(ks, t, DK_ACK, port);
	if (p->tcp.dport != c.sport || p->tcp.seq != c.seq)
		return 0;
	return set6(out, t, k, DR_RESET, p->ip.ttl, 1);
}

/* Which of our probes an ICMPv6 error quotes, or -1. */
static long quoted6(const struct disc_keys *ks, const struct pkt_info *p)
{
	const struct addr *t = &p->inner.ip.daddr;
	struct cookie c;
	long k;

	switch (p->inner.ip.proto) {
	case IPPROTO_TCP:
		k = disc_slot_of(ks, DK_SYN, p->inner.dport);
		if (k >= 0) {
			c = cookie6(ks, t, DK_SYN, p->inner.dport);
			if (p->inner.sport == c.sport && p->inner.seq == c.seq)
				return k;
		}
		k = disc_slot_of(ks, DK_ACK, p->inner.dport);
		if (k < 0)
			return -1;
		c = cookie6(ks, t, DK_ACK, p->inner.dport);
		return p->inner.sport == c.sport && p->inner.seq == c.seq ? k
									  : -1;
	case IPPROTO_UDP:
		k = disc_slot_of(ks, DK_UDP, p->inner.dport);
		if (k < 0)
			return -1;
		c = cookie6(ks, t, DK_UDP, p->inner.dport);
		return p->inner.sport == c.sport ? k : -1;
	case IPPROTO_ICMPV6:
		/* The quoted header: type, code, checksum, id, seq. */
		if ((p->inner.sport >> 8) != ICMP6_ECHO ||
		    (k = disc_slot_of(ks, DK_ECHO, 0)) < 0)
			return -1;
		c = cookie6(ks, t, DK_ECHO, 0);
		return p->inner.seq == c.seq ? k : -1;
	default:
		return -1;
	}
}

int disc_classify6(const struct disc_keys *ks, const struct pkt_info *p,
		   struct disc_reply *out)
{
	long k;
	uint8_t t4, c4;
	int reason;
	struct cookie c;

	if (p->ip.ver != 6 || !addr_eq(&p->ip.daddr, &ks->our6))
		return 0;
	switch (p->kind) {
	case PKT_TCP:
		return on_tcp6(ks, p, out);
	case PKT_ICMP6:
		if (p->icmp.type != ICMP6_ECHO_REPLY || p->icmp.code != 0 ||
		    (k = disc_slot_of(ks, DK_ECHO, 0)) < 0)
			return 0;
		c = cookie6(ks, &p->ip.saddr, DK_ECHO, 0);
		if (p->icmp.id != (uint16_t)(c.seq >> 16) ||
		    p->icmp.seq != (uint16_t)c.seq)
			return 0;
		return set6(out, &p->ip.saddr, k, DR_ECHO_REPLY, p->ip.ttl, 1);
	case PKT_UDP:
		k = disc_slot_of(ks, DK_UDP, p->udp.sport);
		if (k < 0)
			return 0;
		c = cookie6(ks, &p->ip.saddr, DK_UDP, p->udp.sport);
		if (p->udp.dport != c.sport ||
		    !udpprobe_reply_ok(p->udp.sport, c.seq, p->payload,
				       p->payload_len))
			return 0;
		return set6(out, &p->ip.saddr, k, DR_UDP_RESPONSE, p->ip.ttl,
			    1);
	case PKT_ICMP6_ERR:
		if (p->inner.ip.ver != 6 ||
		    !addr_eq(&p->inner.ip.saddr, &ks->our6) || !p->inner.has_l4)
			return 0;
		k = quoted6(ks, p);
		pkt_icmp6_as_icmp4(p->icmp.type, p->icmp.code, &t4, &c4);
		reason = disc_reason_icmp(t4, c4);
		if (k < 0 || reason == DR_NONE)
			return 0;
		return set6(out, &p->inner.ip.daddr, k, reason, p->ip.ttl,
			    addr_eq(&p->ip.saddr, &p->inner.ip.daddr));
	default:
		return 0;
	}
}
