/* discprobe.c -- discovery probes and the replies they draw, as pure functions. */
#include "engine/disc/discovery.h"
#include "engine/disc/disc_int.h"

#include <netinet/in.h>
#include <string.h>

#include "engine/core/results.h"
#include "probes/udpprobe.h"

#define ETH_LEN 14
#define IP_LEN 20
#define TCP_LEN 20

/* The ACK probe's cookie tag: not a protocol number fathom sends. */
#define TAG_ACK 0xfe

static const char *const names[] = {
	[DR_NONE] = "unknown-response",
	[DR_ARP] = "arp-response",
	[DR_ECHO_REPLY] = "echo-reply",
	[DR_TS_REPLY] = "timestamp-reply",
	[DR_MASK_REPLY] = "addressmask-reply",
	[DR_SYN_ACK] = "syn-ack",
	[DR_RESET] = "reset",
	[DR_UDP_RESPONSE] = "udp-response",
	[DR_CONN_REFUSED] = "conn-refused",
	[DR_ND] = "nd-response",
	[DR_LOCALHOST] = "localhost-response",
};

const char *disc_reason_name(int r)
{
	if (r >= DR_ICMP_BASE && r < DR_ICMP_BASE + RS_NREASONS)
		return port_reason_name(r - DR_ICMP_BASE);
	if (r > DR_NONE && r < DR_ICMP_BASE)
		return names[r];
	return names[DR_NONE];
}

int disc_reason_icmp(uint8_t type, uint8_t code)
{
	int rs = port_reason_from_icmp(type, code);

	return rs == RS_NONE ? DR_NONE : DR_ICMP_BASE + rs;
}

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

/* An IPv4 TCP template by hand: what craft_tcp_fill() patches. */
static void tcp_tmpl(struct craft_tmpl *t, const uint8_t smac[6],
		     uint32_t saddr, uint8_t flags, const uint8_t *opts,
		     size_t optlen)
{
	uint8_t *ip = t->frame + ETH_LEN, *tcp = ip + IP_LEN;

	memset(t, 0, sizeof(*t));
	t->l4_len = TCP_LEN + optlen;
	t->len = ETH_LEN + IP_LEN + t->l4_len;
	t->ver = 4;
	memcpy(t->frame + 6, smac, 6);
	wr16(t->frame + 12, 0x0800);
	ip[0] = 0x45;
	wr16(ip + 2, (uint16_t)(IP_LEN + t->l4_len));
	wr16(ip + 6, 0x4000); /* DF */
	ip[8] = 64;
	ip[9] = IPPROTO_TCP;
	wr32(ip + 12, saddr);
	tcp[12] = (uint8_t)((t->l4_len / 4) << 4);
	tcp[13] = flags;
	wr16(tcp + 14, 1024); /* nmap's ping window */
	if (optlen)
		memcpy(tcp + TCP_LEN, opts, optlen);
}

void disc_templates(struct disc_tmpls *t, const uint8_t smac[6], uint32_t saddr)
{
	static const uint8_t mss[4] = { 2, 4, 0x05, 0xb4 }; /* MSS 1460 */

	tcp_tmpl(&t->syn, smac, saddr, PKT_SYN, mss, sizeof(mss));
	tcp_tmpl(&t->ack, smac, saddr, PKT_ACK, NULL, 0);
}

/* The cookie of probe kind/port to daddr. */
static struct cookie probe_cookie(const struct disc_keys *ks, uint32_t daddr,
				  int kind, uint16_t port)
{
	switch (kind) {
	case DK_SYN:
		return cookie_make(&ks->key, ks->our, daddr, port, IPPROTO_TCP,
				   ks->sport_base, ks->sport_count);
	case DK_ACK:
		return cookie_make(&ks->key, ks->our, daddr, port, TAG_ACK,
				   ks->sport_base, ks->sport_count);
	case DK_UDP:
		return cookie_make(&ks->key, ks->our, daddr, port, IPPROTO_UDP,
				   ks->sport_base, ks->sport_count);
	default: /* ICMP: the kind stands for the port */
		return cookie_make(&ks->key, ks->our, daddr, (uint16_t)kind,
				   IPPROTO_ICMP, 0, 1);
	}
}

static const uint8_t icmp_type[DK_NKINDS] = {
	[DK_ECHO] = CRAFT_ICMP_ECHO,
	[DK_TS] = CRAFT_ICMP_TIMESTAMP,
	[DK_MASK] = CRAFT_ICMP_MASK,
};

size_t disc_build(const struct disc_keys *ks, const struct disc_tmpls *t,
		  size_t k, uint32_t daddr, const uint8_t smac[6],
		  const uint8_t dmac[6], uint16_t ipid, uint8_t *out)
{
	const struct disc_probe *pr;
	struct cookie c;

	if (k >= ks->np)
		return 0;
	pr = &ks->probes[k];
	c = probe_cookie(ks, daddr, pr->kind, pr->port);
	switch (pr->kind) {
	case DK_SYN:
		craft_tcp_fill(&t->syn, out, dmac, daddr, c.sport, pr->port,
			       c.seq, 0, ipid);
		return t->syn.len;
	case DK_ACK:
		craft_tcp_fill(&t->ack, out, dmac, daddr, c.sport, pr->port,
			       c.seq, c.seq, ipid);
		return t->ack.len;
	case DK_UDP: {
		uint8_t pl[UDPPROBE_MAX];
		size_t plen = udpprobe_payload(pr->port, c.seq, pl);

		return craft_udp_frame(out, smac, dmac, ks->our, daddr, c.sport,
				       pr->port, ipid, 64, pl, plen);
	}
	default:
		return craft_icmp4_query(out, CRAFT_MAX, smac, dmac, ks->our,
					 daddr, icmp_type[pr->kind],
					 (uint16_t)(c.seq >> 16),
					 (uint16_t)c.seq, ipid, 64);
	}
}

double disc_missed_estimate(const uint64_t *answered, size_t np, uint64_t up)
{
	uint64_t sum = 0, tot;
	size_t m = 0;
	double r, all;

	if (up == 0)
		return -1;
	for (size_t k = 0; k < np; k++)
		if (2 * answered[k] >= up) {
			m++;
			sum += answered[k] < up ? answered[k] : up;
		}
	tot = m * up;
	if (m < 2 || sum < 20)
		return -1;
	r = (double)(tot - sum + 1) / (double)(tot + 1);
	all = 1;
	for (size_t i = 0; i < m; i++)
		all *= r;
	return all >= 1 ? -1 : (double)up * all / (1 - all);
}

long disc_slot_of(const struct disc_keys *ks, int kind, uint16_t port)
{
	for (size_t i = 0; i < ks->np; i++)
		if (ks->probes[i].kind == kind &&
		    (kind == DK_ECHO || kind == DK_TS || kind == DK_MASK ||
		     ks->probes[i].port == port))
			return (long)i;
	return -1;
}

static int set(struct disc_reply *out, uint32_t target, long slot, int reason,
	       uint8_t ttl, int up)
{
	out->target = target;
	out->taddr = addr_from_v4(target);
	out->slot = (size_t)slot;
	out->reason = (uint8_t)reason;
	out->ttl = ttl;
	out->up = up;
	return 1;
}

/* A SYN-ACK or RST: to which probe, if ours. */
static int on_tcp(const struct disc_keys *ks, const struct pkt_info *p,
		  struct disc_reply *out)
{
	uint32_t t = p->ip.src;
	uint16_t port = p->tcp.sport;
	long k = disc_slot_of(ks, DK_SYN, port);
	struct cookie c;

	if (k >= 0) {
		c = probe_cookie(ks, t, DK_SYN, port);
		if (p->tcp.dport == c.sport && p->tcp.ack == c.seq + 1) {
			if ((p->tcp.flags & (PKT_SYN | PKT_ACK)) ==
			    (PKT_SYN | PKT_ACK))
				return set(out, t, k, DR_SYN_ACK, p->ip.ttl, 1);
			if (p->tcp.flags & PKT_RST)
				return set(out, t, k, DR_RESET, p->ip.ttl, 1);
		}
	}
	k = disc_slot_of(ks, DK_ACK, port);
	if (k < 0 || !(p->tcp.flags & PKT_RST))
		return 0;
	c = probe_cookie(ks, t, DK_ACK, port);
	if (p->tcp.dport != c.sport || p->tcp.seq != c.seq)
		return 0;
	return set(out, t, k, DR_RESET, p->ip.ttl, 1);
}

static int on_icmp(const struct disc_keys *ks, const struct pkt_info *p,
		   struct disc_reply *out)
{
	static const struct {
		uint8_t type, kind, reason;
	} replies[] = {
		{ 0, DK_ECHO, DR_ECHO_REPLY },
		{ 14, DK_TS, DR_TS_REPLY },
		{ 18, DK_MASK, DR_MASK_REPLY },
	};

	for (size_t i = 0; i < sizeof(replies) / sizeof(*replies); i++) {
		long k;
		struct cookie c;

		if (p->icmp.type != replies[i].type || p->icmp.code != 0)
			continue;
		k = disc_slot_of(ks, replies[i].kind, 0);
		if (k < 0)
			return 0;
		c = probe_cookie(ks, p->ip.src, replies[i].kind, 0);
		if (p->icmp.id != (uint16_t)(c.seq >> 16) ||
		    p->icmp.seq != (uint16_t)c.seq)
			return 0;
		return set(out, p->ip.src, k, replies[i].reason, p->ip.ttl, 1);
	}
	return 0;
}

/* Which of our probes an ICMP error quotes, or -1. */
static long quoted_slot(const struct disc_keys *ks, const struct pkt_info *p)
{
	uint32_t t = p->inner.ip.dst;
	struct cookie c;
	long k;

	switch (p->inner.ip.proto) {
	case IPPROTO_TCP:
		k = disc_slot_of(ks, DK_SYN, p->inner.dport);
		if (k >= 0) {
			c = probe_cookie(ks, t, DK_SYN, p->inner.dport);
			if (p->inner.sport == c.sport && p->inner.seq == c.seq)
				return k;
		}
		k = disc_slot_of(ks, DK_ACK, p->inner.dport);
		if (k < 0)
			return -1;
		c = probe_cookie(ks, t, DK_ACK, p->inner.dport);
		return p->inner.sport == c.sport && p->inner.seq == c.seq ? k
									  : -1;
	case IPPROTO_UDP:
		k = disc_slot_of(ks, DK_UDP, p->inner.dport);
		if (k < 0)
			return -1;
		c = probe_cookie(ks, t, DK_UDP, p->inner.dport);
		return p->inner.sport == c.sport ? k : -1;
	case IPPROTO_ICMP: {
		/* The quoted header: type, code, checksum, id, seq. */
		uint8_t type = (uint8_t)(p->inner.sport >> 8);
		int kind = type == CRAFT_ICMP_ECHO        ? DK_ECHO
			   : type == CRAFT_ICMP_TIMESTAMP ? DK_TS
			   : type == CRAFT_ICMP_MASK      ? DK_MASK
							  : -1;

		if (kind < 0 || (k = disc_slot_of(ks, kind, 0)) < 0)
			return -1;
		c = probe_cookie(ks, t, kind, 0);
		return p->inner.seq == c.seq ? k : -1;
	}
	default:
		return -1;
	}
}

int disc_classify(const struct disc_keys *ks, const struct pkt_info *p,
		  struct disc_reply *out)
{
	long k;
	int reason;

	memset(out, 0, sizeof(*out));
	if (ks->our6.family)
		return disc_classify6(ks, p, out);
	if (p->ip.ver != 4 || p->ip.dst != ks->our)
		return 0;
	switch (p->kind) {
	case PKT_TCP:
		return on_tcp(ks, p, out);
	case PKT_ICMP:
		return on_icmp(ks, p, out);
	case PKT_UDP:
		k = disc_slot_of(ks, DK_UDP, p->udp.sport);
		if (k < 0)
			return 0;
		{
			struct cookie c = probe_cookie(ks, p->ip.src, DK_UDP,
						       p->udp.sport);

			if (p->udp.dport != c.sport ||
			    !udpprobe_reply_ok(p->udp.sport, c.seq, p->payload,
					       p->payload_len))
				return 0;
		}
		return set(out, p->ip.src, k, DR_UDP_RESPONSE, p->ip.ttl, 1);
	case PKT_ICMP_ERR:
		if (p->inner.ip.ver != 4 || p->inner.ip.src != ks->our ||
		    !p->inner.has_l4)
			return 0;
		k = quoted_slot(ks, p);
		reason = disc_reason_icmp(p->icmp.type, p->icmp.code);
		if (k < 0 || reason == DR_NONE)
			return 0;
		return set(out, p->inner.ip.dst, k, reason, p->ip.ttl,
			   p->ip.src == p->inner.ip.dst);
	default:
		return 0;
	}
}
