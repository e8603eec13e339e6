/* traceprobe.c -- traceroute probes and how their answers read (pure). */
#include "engine/trace/trace.h"

#include <netinet/in.h>
#include <string.h>

#define ETH_LEN 14
#define ICMP4_ECHO_REPLY 0
#define ICMP4_UNREACH 3
#define ICMP4_TIME_EXCEEDED 11
#define ICMP6_ECHO_REQUEST 128
#define ICMP6_ECHO_REPLY 129
#define ICMP6_UNREACH 1
#define ICMP6_TIME_EXCEEDED 3

static uint8_t kind_proto(int kind, int v6)
{
	switch (kind) {
	case TRACE_TCP:
		return IPPROTO_TCP;
	case TRACE_UDP:
		return IPPROTO_UDP;
	default:
		return v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
	}
}

/* The probe's cookie: TCP seq; its 16-bit fold is the IPv4 ID and the
 * ICMP id, its low 20 bits the IPv6 flow label. */
static uint32_t cookie_of(const struct trace_ctx *c, const struct addr *dst,
			  int kind, uint16_t port)
{
	return cookie_make_addr(&c->key, &c->src, dst, port,
				kind_proto(kind, addr_is_v6(dst)), c->port0, 1)
		.seq;
}

static uint16_t fold16(uint32_t v)
{
	return (uint16_t)(v ^ (v >> 16));
}

/* Sets an IPv6 frame's flow label (no checksum covers it). */
static void put_flow(uint8_t *frame, uint32_t cookie)
{
	uint8_t *ip = frame + ETH_LEN;
	uint32_t fl = cookie & 0xfffff;

	ip[1] = (uint8_t)((ip[1] & 0xf0) | (fl >> 16));
	ip[2] = (uint8_t)(fl >> 8);
	ip[3] = (uint8_t)fl;
}

/* A filled TCP frame with its TTL (hop limit) set, the IPv4 header
 * checksum redone (the TCP checksum does not cover the TTL). */
static void set_ttl(uint8_t *frame, int v6, uint8_t ttl)
{
	uint8_t *ip = frame + ETH_LEN;
	uint16_t sum;

	if (v6) {
		ip[7] = ttl;
		return;
	}
	ip[8] = ttl;
	ip[10] = ip[11] = 0;
	sum = pkt_csum_fold(pkt_csum_add(0, ip, (size_t)(ip[0] & 0x0f) * 4));
	ip[10] = (uint8_t)(sum >> 8);
	ip[11] = (uint8_t)sum;
}

size_t trace_build(const struct trace_ctx *c, const struct trace_target *t,
		   uint8_t ttl, uint8_t *out)
{
	int v6 = addr_is_v6(&t->addr);
	uint32_t ck = cookie_of(c, &t->addr, t->kind, t->port);
	uint16_t sport = (uint16_t)(c->port0 + ttl);
	size_t n = 0;

	if (ttl == 0 || ttl > TRACE_MAX_TTL)
		return 0;
	switch (t->kind) {
	case TRACE_TCP:
		if (c->syn.len == 0 || (c->syn.ver == 6) != v6)
			return 0;
		craft_tcp_fill_addr(&c->syn, out, t->dmac, &t->addr, sport,
				    t->port, ck, 0, fold16(ck));
		set_ttl(out, v6, ttl);
		n = c->syn.len;
		break;
	case TRACE_UDP:
		n = v6 ? craft_udp6_frame(out, c->smac, t->dmac, &c->src,
					  &t->addr, sport, t->port, ttl, NULL,
					  0)
		       : craft_udp_frame(out, c->smac, t->dmac,
					 addr_v4(&c->src), addr_v4(&t->addr),
					 sport, t->port, fold16(ck), ttl, NULL,
					 0);
		break;
	case TRACE_ICMP:
		n = v6 ? craft_icmp6_echo(out, CRAFT_MAX, c->smac, t->dmac,
					  &c->src, &t->addr, fold16(ck), ttl,
					  ttl, NULL, 0)
		       : craft_icmp4_query(out, CRAFT_MAX, c->smac, t->dmac,
					   addr_v4(&c->src), addr_v4(&t->addr),
					   CRAFT_ICMP_ECHO, fold16(ck), ttl,
					   fold16(ck), ttl);
		break;
	default:
		return 0;
	}
	if (n && v6)
		put_flow(out, ck);
	return n;
}

/* The target's own TCP answer to a SYN: SYN-ACK or RST acking our seq. */
static int match_tcp(const struct trace_ctx *c, const struct pkt_info *p,
		     struct trace_reply *r)
{
	uint16_t ttl = (uint16_t)(p->tcp.dport - c->port0);

	if (ttl == 0 || ttl > TRACE_MAX_TTL ||
	    !(p->tcp.flags & (PKT_RST | PKT_SYN)) ||
	    p->tcp.ack - 1 !=
		    cookie_of(c, &p->ip.saddr, TRACE_TCP, p->tcp.sport))
		return 0;
	r->target = r->from = p->ip.saddr;
	r->ttl = (uint8_t)ttl;
	r->kind = TRACE_TCP;
	r->port = p->tcp.sport;
	r->dest = 1;
	return 1;
}

/* The target's echo reply: our id, the TTL in the sequence. */
static int match_echo(const struct trace_ctx *c, const struct pkt_info *p,
		      struct trace_reply *r)
{
	uint8_t want = p->ip.ver == 6 ? ICMP6_ECHO_REPLY : ICMP4_ECHO_REPLY;

	if (p->icmp.type != want || p->icmp.seq == 0 ||
	    p->icmp.seq > TRACE_MAX_TTL ||
	    p->icmp.id != fold16(cookie_of(c, &p->ip.saddr, TRACE_ICMP, 0)))
		return 0;
	r->target = r->from = p->ip.saddr;
	r->ttl = (uint8_t)p->icmp.seq;
	r->kind = TRACE_ICMP;
	r->port = 0;
	r->dest = 1;
	return 1;
}

/* The quoted probe of an ICMP error: kind, port and TTL, if ours. */
static int match_quote(const struct trace_ctx *c, const struct pkt_info *p,
		       struct trace_reply *r)
{
	const struct addr *dst = &p->inner.ip.daddr;
	int v6 = p->inner.ip.ver == 6;
	uint32_t ck, ttl;

	if (!p->inner.has_l4 || !addr_eq(&p->inner.ip.saddr, &c->src))
		return 0;
	switch (p->inner.ip.proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
		r->kind = p->inner.ip.proto == IPPROTO_TCP ? TRACE_TCP
							   : TRACE_UDP;
		r->port = p->inner.dport;
		ttl = (uint16_t)(p->inner.sport - c->port0);
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		/* inner.sport is type << 8 | code, seq is id << 16 | seq. */
		if (p->inner.sport >> 8 !=
		    (v6 ? ICMP6_ECHO_REQUEST : CRAFT_ICMP_ECHO))
			return 0;
		r->kind = TRACE_ICMP;
		r->port = 0;
		ttl = p->inner.seq & 0xffff;
		break;
	default:
		return 0;
	}
	if (ttl == 0 || ttl > TRACE_MAX_TTL)
		return 0;
	ck = cookie_of(c, dst, r->kind, r->port);
	if ((v6 ? p->inner.ip.flow != (ck & 0xfffff)
		: p->inner.ip.id != fold16(ck)) ||
	    (r->kind == TRACE_TCP && p->inner.seq != ck) ||
	    (r->kind == TRACE_ICMP && p->inner.seq >> 16 != fold16(ck)))
		return 0;
	r->target = *dst;
	r->from = p->ip.saddr;
	r->ttl = (uint8_t)ttl;
	return 1;
}

int trace_match(const struct trace_ctx *c, const struct pkt_info *p,
		struct trace_reply *r)
{
	memset(r, 0, sizeof(*r));
	if (!addr_eq(&p->ip.daddr, &c->src))
		return 0;
	switch (p->kind) {
	case PKT_TCP:
		return match_tcp(c, p, r);
	case PKT_ICMP:
	case PKT_ICMP6:
		return match_echo(c, p, r);
	case PKT_ICMP_ERR:
	case PKT_ICMP6_ERR:
		break;
	default:
		return 0;
	}
	if (!match_quote(c, p, r))
		return 0;
	{
		int v6 = p->kind == PKT_ICMP6_ERR;
		uint8_t te = v6 ? ICMP6_TIME_EXCEEDED : ICMP4_TIME_EXCEEDED;
		uint8_t un = v6 ? ICMP6_UNREACH : ICMP4_UNREACH;

		if (p->icmp.type == un) {
			/* The target's own unreachable (a closed UDP port)
			 * ends the path at it; a router's ends it there. */
			r->dest = addr_eq(&r->from, &r->target);
			r->unreach = !r->dest;
		} else if (p->icmp.type != te) {
			return 0;
		}
	}
	return 1;
}

const char *trace_proto_name(const struct trace_result *r, int *protonum)
{
	int v6 = addr_is_v6(&r->addr);

	*protonum = r->kind == TRACE_NONE ? 0 : kind_proto(r->kind, v6);
	switch (r->kind) {
	case TRACE_TCP:
		return "tcp";
	case TRACE_UDP:
		return "udp";
	case TRACE_ICMP:
		return v6 ? "ipv6-icmp" : "icmp";
	default:
		return NULL;
	}
}
