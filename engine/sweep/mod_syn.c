/* mod_syn.c -- the SYN module: a SYN per port; SYN-ACK open, RST closed. */
#include "engine/sweep/module.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

/* MSS 1460, as a host on an Ethernet LAN would offer. */
static const uint8_t syn_opts[4] = { 2, 4, 0x05, 0xb4 };

static const struct craft_tcp_opts syn_co = {
	.flags = PKT_SYN,
	.win = 64240,
	.ttl = 64,
	.df = 1,
	.opts = syn_opts,
	.optlen = sizeof(syn_opts),
};

static int syn_filter(char *buf, size_t len, const struct addr *our)
{
	char a[ADDR_STRLEN];
	int n;

	addr_format(our, a);
	if (addr_is_v6(our))
		n = snprintf(buf, len, "(ip6 dst host %s and (tcp or icmp6))",
			     a);
	else
		n = snprintf(buf, len, "(dst host %s and (tcp or icmp))", a);
	return n < 0 || (size_t)n >= len ? -1 : n;
}

static int syn_build(struct sweep_tmpl *t, void *ln, const uint8_t smac[6],
		     const struct addr *saddr, char *err, size_t errlen)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->smac, smac, 6);
	t->saddr = *saddr;
	t->ttl = syn_co.ttl;
	t->tcp_flags = syn_co.flags;
	if (addr_is_v6(saddr)) {
		if (craft_tcp6_template(&t->craft, smac, saddr, &syn_co) < 0) {
			snprintf(err, errlen, "cannot build the IPv6 SYN");
			return -1;
		}
		return 0;
	}
	t->saddr4 = addr_v4(saddr);
	return craft_tcp_template(ln, &t->craft, smac, t->saddr4, &syn_co, err,
				  errlen);
}

static size_t syn_patch4(const struct sweep_tmpl *t, uint8_t *out,
			 const uint8_t dmac[6], uint32_t daddr, uint16_t dport,
			 struct cookie c, uint16_t ipid)
{
	craft_tcp_fill(&t->craft, out, dmac, daddr, c.sport, dport, c.seq, 0,
		       ipid);
	return t->craft.len;
}

static size_t syn_patch6(const struct sweep_tmpl *t, uint8_t *out,
			 const uint8_t dmac[6], const struct addr *daddr,
			 uint16_t dport, struct cookie c)
{
	craft_tcp6_fill(&t->craft, out, dmac, daddr, c.sport, dport, c.seq, 0);
	return t->craft.len;
}

/* A SYN-ACK or RST from the target, acknowledging our cookie. */
static enum sweep_verdict syn_tcp(const struct sweep_ctx *c,
				  const struct pkt_info *p,
				  struct port_result *pr)
{
	struct cookie k;
	int pass;

	if (c->index[p->tcp.sport] < 0 || !addr_eq(&p->ip.daddr, &c->our))
		return SWEEP_NOT_OURS;
	k = sweep_cookie(c, &p->ip.saddr, p->tcp.sport, IPPROTO_TCP);
	pass = sweep_sport_pass(c, k.sport, p->tcp.dport);
	if (pass < 0 || p->tcp.ack != k.seq + 1)
		return SWEEP_BOGUS;
	if ((p->tcp.flags & (PKT_SYN | PKT_ACK)) == (PKT_SYN | PKT_ACK)) {
		pr->state = PS_OPEN;
		pr->reason = RS_SYN_ACK;
	} else if (p->tcp.flags & PKT_RST) {
		pr->state = PS_CLOSED;
		pr->reason = RS_RESET;
	} else {
		return SWEEP_NOT_OURS;
	}
	pr->addr = pr->from = p->ip.saddr;
	pr->port = p->tcp.sport;
	pr->pass = (uint8_t)pass;
	pr->proto = IPPROTO_TCP;
	pr->ttl = p->ip.ttl;
	return SWEEP_MINE;
}

static enum sweep_verdict syn_classify(const struct sweep_ctx *c,
				       const struct pkt_info *p,
				       struct port_result *pr)
{
	if (p->kind == PKT_TCP)
		return syn_tcp(c, p, pr);
	return sweep_tcp_icmp(c, p, pr);
}

const struct sweep_module sweep_mod_syn = {
	.name = "syn",
	.scan_type = "SYN Stealth Scan",
	.proto = IPPROTO_TCP,
	.silent_state = PS_FILTERED,
	.needs_raw = true,
	.filter = syn_filter,
	.build = syn_build,
	.patch4 = syn_patch4,
	.patch6 = syn_patch6,
	.classify = syn_classify,
};
