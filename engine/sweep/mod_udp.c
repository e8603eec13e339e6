/* mod_udp.c -- the -sU module: a datagram per port, replies, ICMP errors. */
#include "engine/sweep/module.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "probes/udpprobe.h"

static int udp_filter(char *buf, size_t len, const struct addr *our)
{
	char a[ADDR_STRLEN];
	int n;

	addr_format(our, a);
	if (addr_is_v6(our))
		n = snprintf(buf, len, "(ip6 dst host %s and (udp or icmp6))",
			     a);
	else
		n = snprintf(buf, len, "(dst host %s and (udp or icmp))", a);
	return n < 0 || (size_t)n >= len ? -1 : n;
}

/* No frame to keep: each payload depends on the port and the cookie. */
static int udp_build(struct sweep_tmpl *t, void *ln, const uint8_t smac[6],
		     const struct addr *saddr, char *err, size_t errlen)
{
	(void)ln;
	(void)err;
	(void)errlen;
	memset(t, 0, sizeof(*t));
	memcpy(t->smac, smac, 6);
	t->saddr = *saddr;
	t->saddr4 = addr_is_v6(saddr) ? 0 : addr_v4(saddr);
	t->ttl = 64;
	return 0;
}

static size_t udp_patch4(const struct sweep_tmpl *t, uint8_t *out,
			 const uint8_t dmac[6], uint32_t daddr, uint16_t dport,
			 struct cookie c, uint16_t ipid)
{
	uint8_t pl[UDPPROBE_MAX];
	/* The cookie is also the request ID of ports that have one. */
	size_t plen = udpprobe_payload(dport, c.seq, pl);

	return craft_udp_frame(out, t->smac, dmac, t->saddr4, daddr, c.sport,
			       dport, ipid, t->ttl, pl, plen);
}

static size_t udp_patch6(const struct sweep_tmpl *t, uint8_t *out,
			 const uint8_t dmac[6], const struct addr *daddr,
			 uint16_t dport, struct cookie c)
{
	uint8_t pl[UDPPROBE_MAX];
	size_t plen = udpprobe_payload(dport, c.seq, pl);

	return craft_udp6_frame(out, t->smac, dmac, &t->saddr, daddr, c.sport,
				dport, t->ttl, pl, plen);
}

/* A UDP reply to a -sU probe: open, if it answers our cookie. */
static enum sweep_verdict udp_reply(const struct sweep_ctx *c,
				    const struct pkt_info *p,
				    struct port_result *pr)
{
	struct cookie k;

	if (c->index[p->udp.sport] < 0 || !addr_eq(&p->ip.daddr, &c->our))
		return SWEEP_NOT_OURS;
	k = sweep_cookie(c, &p->ip.saddr, p->udp.sport, IPPROTO_UDP);
	if (p->udp.dport != k.sport ||
	    !udpprobe_reply_ok(p->udp.sport, k.seq, p->payload, p->payload_len))
		return SWEEP_BOGUS;
	pr->state = PS_OPEN;
	pr->reason = RS_UDP_RESPONSE;
	pr->addr = pr->from = p->ip.saddr;
	pr->port = p->udp.sport;
	/* -sU sends every pass from the cookie's port (nothing half-open
	 * to avoid, and the port is the whole cookie of an ICMP quote). */
	pr->pass = PASS_UNKNOWN;
	pr->proto = IPPROTO_UDP;
	pr->ttl = p->ip.ttl;
	return SWEEP_MINE;
}

/*
 * An ICMP or ICMPv6 error quoting a -sU probe. The quote carries our
 * source port (the cookie) and the datagram's length, both checked. Port
 * unreachable from the target itself is nmap's "closed"; every other
 * unreachable (or a port unreachable from a router) is "filtered".
 */
static enum sweep_verdict udp_icmp(const struct sweep_ctx *c,
				   const struct pkt_info *p,
				   struct port_result *pr)
{
	uint8_t scratch[UDPPROBE_MAX];
	struct addr target;
	struct cookie k;
	size_t plen;
	int reason;

	if (!sweep_quote_ours(c, p, IPPROTO_UDP, &target))
		return SWEEP_NOT_OURS;
	k = sweep_cookie(c, &target, p->inner.dport, IPPROTO_UDP);
	if (p->inner.sport != k.sport)
		return SWEEP_BOGUS;
	/*
	 * Only a quote that passed the cookie costs a payload build: the
	 * length is the payload's, and inner.seq holds the quoted UDP
	 * length and checksum.
	 */
	plen = udpprobe_payload(p->inner.dport, k.seq, scratch);
	if ((p->inner.seq >> 16) != 8 + plen)
		return SWEEP_BOGUS;
	reason = sweep_icmp_reason(p);
	if (reason == RS_NONE)
		return SWEEP_NOT_OURS;
	pr->reason = (uint8_t)reason;
	pr->pass = PASS_UNKNOWN;
	pr->state = reason == RS_PORT_UNREACH && addr_eq(&p->ip.saddr, &target)
			    ? PS_CLOSED
			    : PS_FILTERED;
	pr->addr = target;
	pr->from = p->ip.saddr;
	pr->port = p->inner.dport;
	pr->proto = IPPROTO_UDP;
	pr->ttl = p->ip.ttl;
	return SWEEP_MINE;
}

static enum sweep_verdict udp_classify(const struct sweep_ctx *c,
				       const struct pkt_info *p,
				       struct port_result *pr)
{
	if (p->kind == PKT_UDP)
		return udp_reply(c, p, pr);
	return udp_icmp(c, p, pr);
}

const struct sweep_module sweep_mod_udp = {
	.name = "udp",
	.scan_type = "UDP Scan",
	.proto = IPPROTO_UDP,
	.silent_state = PS_OPEN_FILTERED,
	.needs_raw = true,
	.filter = udp_filter,
	.build = udp_build,
	.patch4 = udp_patch4,
	.patch6 = udp_patch6,
	.classify = udp_classify,
};
