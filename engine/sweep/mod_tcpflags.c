/* mod_tcpflags.c -- nmap's firewall-mapping TCP scans: -sA -sW -sF -sN -sX -sM. */
#include "engine/sweep/module.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

/*
 * These probes draw no SYN-ACK: a RST, an ICMP error or nothing. What a
 * RST means depends on the scan type, as nmap reads it:
 *
 *   -sA  RST: unfiltered              silence: filtered
 *   -sW  RST: open if its window > 0, closed if 0; silence: filtered
 *   -sF -sN -sX -sM  RST: closed      silence: open|filtered
 *   --scanflags alone: -sS's reading (SYN-ACK open, RST closed)
 *
 * and an ICMP unreachable or time exceeded quoting the probe is filtered
 * with the error's reason, for every type. -sM (FIN/ACK) finds open ports
 * only on BSD-derived stacks, which drop such a probe to a listening
 * port; every other stack answers it with a RST (closed).
 *
 * The cookie: the probe's sequence number is the cookie, and with the ACK
 * flag its acknowledgment number too. RFC 9293 (3.10.7.1) has the RST to a
 * segment with ACK carry seq = that ACK number, and the RST to one without
 * carry ack = its seq + 1 per SYN or FIN; as nmap does (nmap-os-db shows
 * stacks that bend the rule), either relation and ack = seq count.
 */

/* How a module reads a RST (and a SYN-ACK). */
enum rst_means {
	RST_UNFILTERED, /* -sA */
	RST_WINDOW,     /* -sW: the RST's window decides */
	RST_CLOSED,     /* -sF, -sN, -sX, -sM */
	RST_SYNSCAN,    /* --scanflags read as -sS */
};

/* No window advertised beyond what a small host would (nmap: 1024). */
#define FLAGS_WIN 1024

/* MSS 1460 on probes that carry SYN, as on -sS's. */
static const uint8_t mss_opt[4] = { 2, 4, 0x05, 0xb4 };

static int flags_filter(char *buf, size_t len, const struct addr *our)
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

int sweep_flags_build(struct sweep_tmpl *t, void *ln, const uint8_t smac[6],
		      const struct addr *saddr, uint8_t flags, char *err,
		      size_t errlen)
{
	struct craft_tcp_opts co = {
		.flags = flags,
		.win = FLAGS_WIN,
		.ttl = 64,
		.df = 1,
	};

	if (flags & PKT_SYN) {
		co.opts = mss_opt;
		co.optlen = sizeof(mss_opt);
	}
	memset(t, 0, sizeof(*t));
	memcpy(t->smac, smac, 6);
	t->saddr = *saddr;
	t->ttl = co.ttl;
	t->tcp_flags = flags;
	if (addr_is_v6(saddr)) {
		if (craft_tcp6_template(&t->craft, smac, saddr, &co) < 0) {
			snprintf(err, errlen, "cannot build the IPv6 probe");
			return -1;
		}
	} else {
		t->saddr4 = addr_v4(saddr);
		if (craft_tcp_template(ln, &t->craft, smac, t->saddr4, &co, err,
				       errlen) < 0)
			return -1;
	}
	return 0;
}

/* The ACK number of a probe: the cookie when the ACK flag is set. */
static inline uint32_t probe_ack(const struct sweep_tmpl *t, uint32_t seq)
{
	return (t->tcp_flags & PKT_ACK) ? seq : 0;
}

static size_t flags_patch4(const struct sweep_tmpl *t, uint8_t *out,
			   const uint8_t dmac[6], uint32_t daddr,
			   uint16_t dport, struct cookie c, uint16_t ipid)
{
	craft_tcp_fill(&t->craft, out, dmac, daddr, c.sport, dport, c.seq,
		       probe_ack(t, c.seq), ipid);
	return t->craft.len;
}

static size_t flags_patch6(const struct sweep_tmpl *t, uint8_t *out,
			   const uint8_t dmac[6], const struct addr *daddr,
			   uint16_t dport, struct cookie c)
{
	craft_tcp6_fill(&t->craft, out, dmac, daddr, c.sport, dport, c.seq,
			probe_ack(t, c.seq));
	return t->craft.len;
}

/*
 * A reply acknowledges our probe with cookie seq (see the top): its seq
 * is our ACK number, or its ack our seq plus nothing, one, or what the
 * probe's SYN and FIN take (two with --scanflags SYNFIN).
 */
static int acks_cookie(const struct pkt_info *p, uint32_t seq,
		       uint8_t probe_flags)
{
	uint32_t next =
		seq + !!(probe_flags & PKT_SYN) + !!(probe_flags & PKT_FIN);

	if ((probe_flags & PKT_ACK) && p->tcp.seq == seq)
		return 1;
	return p->tcp.ack == seq || p->tcp.ack == seq + 1 || p->tcp.ack == next;
}

/* nmap's state for a validated TCP reply, or PS_UNKNOWN to ignore it. */
static int tcp_state(enum rst_means m, const struct pkt_info *p,
		     uint8_t probe_flags, uint8_t *reason)
{
	uint8_t f = p->tcp.flags;

	/* A SYN-ACK answers only a probe that carried SYN, read as -sS. */
	if ((f & (PKT_SYN | PKT_ACK)) == (PKT_SYN | PKT_ACK)) {
		if (m != RST_SYNSCAN || !(probe_flags & PKT_SYN))
			return PS_UNKNOWN;
		*reason = RS_SYN_ACK;
		return PS_OPEN;
	}
	if (!(f & PKT_RST))
		return PS_UNKNOWN;
	*reason = RS_RESET;
	switch (m) {
	case RST_UNFILTERED:
		return PS_UNFILTERED;
	case RST_WINDOW:
		return p->tcp.win ? PS_OPEN : PS_CLOSED;
	default:
		return PS_CLOSED;
	}
}

static enum sweep_verdict flags_tcp(enum rst_means m, const struct sweep_ctx *c,
				    const struct pkt_info *p,
				    struct port_result *pr)
{
	struct cookie k;
	uint8_t reason = RS_NONE;
	int state, pass;

	if (c->index[p->tcp.sport] < 0 || !addr_eq(&p->ip.daddr, &c->our))
		return SWEEP_NOT_OURS;
	k = sweep_cookie(c, &p->ip.saddr, p->tcp.sport, IPPROTO_TCP);
	pass = sweep_sport_pass(c, k.sport, p->tcp.dport);
	if (pass < 0 || !acks_cookie(p, k.seq, c->probe_flags))
		return SWEEP_BOGUS;
	state = tcp_state(m, p, c->probe_flags, &reason);
	if (state == PS_UNKNOWN)
		return SWEEP_NOT_OURS;
	pr->state = (uint8_t)state;
	pr->reason = reason;
	pr->addr = pr->from = p->ip.saddr;
	pr->port = p->tcp.sport;
	pr->pass = (uint8_t)pass;
	pr->proto = IPPROTO_TCP;
	pr->ttl = p->ip.ttl;
	return SWEEP_MINE;
}

static enum sweep_verdict flags_classify(enum rst_means m,
					 const struct sweep_ctx *c,
					 const struct pkt_info *p,
					 struct port_result *pr)
{
	if (p->kind == PKT_TCP)
		return flags_tcp(m, c, p, pr);
	return sweep_tcp_icmp(c, p, pr);
}

/* One build and one classify per module: the flags and the reading. */
#define FLAGS_MODULE(id, nmap_name, task, flags, means, silent)                \
	static int id##_build(struct sweep_tmpl *t, void *ln,                  \
			      const uint8_t smac[6], const struct addr *saddr, \
			      char *err, size_t errlen)                        \
	{                                                                      \
		return sweep_flags_build(t, ln, smac, saddr, (flags), err,     \
					 errlen);                              \
	}                                                                      \
	static enum sweep_verdict id##_classify(const struct sweep_ctx *c,     \
						const struct pkt_info *p,      \
						struct port_result *pr)        \
	{                                                                      \
		return flags_classify((means), c, p, pr);                      \
	}                                                                      \
	const struct sweep_module sweep_mod_##id = {                           \
		.name = (nmap_name),                                           \
		.scan_type = (task),                                           \
		.proto = IPPROTO_TCP,                                          \
		.silent_state = (silent),                                      \
		.needs_raw = true,                                             \
		.filter = flags_filter,                                        \
		.build = id##_build,                                           \
		.patch4 = flags_patch4,                                        \
		.patch6 = flags_patch6,                                        \
		.classify = id##_classify,                                     \
	}

FLAGS_MODULE(ack, "ack", "ACK Scan", PKT_ACK, RST_UNFILTERED, PS_FILTERED);
FLAGS_MODULE(window, "window", "Window Scan", PKT_ACK, RST_WINDOW, PS_FILTERED);
FLAGS_MODULE(fin, "fin", "FIN Scan", PKT_FIN, RST_CLOSED, PS_OPEN_FILTERED);
FLAGS_MODULE(null, "null", "NULL Scan", 0, RST_CLOSED, PS_OPEN_FILTERED);
FLAGS_MODULE(xmas, "xmas", "XMAS Scan", PKT_FIN | PKT_PSH | PKT_URG, RST_CLOSED,
	     PS_OPEN_FILTERED);
FLAGS_MODULE(maimon, "maimon", "Maimon Scan", PKT_FIN | PKT_ACK, RST_CLOSED,
	     PS_OPEN_FILTERED);
FLAGS_MODULE(synflags, "syn", "SYN Stealth Scan", PKT_SYN, RST_SYNSCAN,
	     PS_FILTERED);
