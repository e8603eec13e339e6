/* module.c -- what the sweep modules share: cookies, quotes, reasons. */
#include "engine/sweep/module.h"

#include <netinet/in.h>
#include <string.h>

#include "engine/sweep/synscan.h"

int sweep_icmp_reason(const struct pkt_info *p)
{
	uint8_t type = p->icmp.type, code = p->icmp.code;

	/* One table of states and reasons serves both families. */
	if (p->kind == PKT_ICMP6_ERR)
		pkt_icmp6_as_icmp4(p->icmp.type, p->icmp.code, &type, &code);
	else if (p->kind != PKT_ICMP_ERR)
		return RS_NONE;
	return port_reason_from_icmp(type, code);
}

int sweep_quote_ours(const struct sweep_ctx *c, const struct pkt_info *p,
		     uint8_t proto, struct addr *target)
{
	if (p->kind != PKT_ICMP_ERR && p->kind != PKT_ICMP6_ERR)
		return 0;
	/* The error must reach us and quote a datagram we sent. */
	if (p->inner.ip.proto != proto || !p->inner.has_l4 ||
	    c->index[p->inner.dport] < 0 || !addr_eq(&p->ip.daddr, &c->our) ||
	    !addr_eq(&p->inner.ip.saddr, &c->our))
		return 0;
	*target = p->inner.ip.daddr;
	return 1;
}

enum sweep_verdict sweep_tcp_icmp(const struct sweep_ctx *c,
				  const struct pkt_info *p,
				  struct port_result *pr)
{
	struct addr target;
	struct cookie k;
	int reason, pass;

	if (!sweep_quote_ours(c, p, IPPROTO_TCP, &target))
		return SWEEP_NOT_OURS;
	k = sweep_cookie(c, &target, p->inner.dport, IPPROTO_TCP);
	pass = sweep_sport_pass(c, k.sport, p->inner.sport);
	if (pass < 0 || p->inner.seq != k.seq)
		return SWEEP_BOGUS;
	reason = sweep_icmp_reason(p);
	if (reason == RS_NONE)
		return SWEEP_NOT_OURS;
	pr->state = PS_FILTERED;
	pr->reason = (uint8_t)reason;
	pr->addr = target;
	pr->from = p->ip.saddr;
	pr->port = p->inner.dport;
	pr->pass = (uint8_t)pass;
	pr->proto = IPPROTO_TCP;
	pr->ttl = p->ip.ttl;
	return SWEEP_MINE;
}

struct cookie sweep_cookie(const struct sweep_ctx *c, const struct addr *target,
			   uint16_t dport, uint8_t proto)
{
	/* The same cookie either way; the IPv4 form hashes without copies. */
	if (!addr_is_v6(target))
		return cookie_make(c->key, c->our4, addr_v4(target), dport,
				   proto, c->sport_base, c->sport_count);
	return cookie_make_addr(c->key, &c->our, target, dport, proto,
				c->sport_base, c->sport_count);
}

uint16_t sweep_sport_at(uint16_t sport0, uint16_t sport_base,
			uint16_t sport_count, int pass)
{
	uint32_t off;

	if (sport_count <= 1 || pass <= 0)
		return sport0;
	off = ((uint32_t)(uint16_t)(sport0 - sport_base) + (uint32_t)pass) %
	      sport_count;
	return (uint16_t)(sport_base + off);
}

int sweep_sport_pass(const struct sweep_ctx *c, uint16_t sport0, uint16_t got)
{
	int max = c->pass ? atomic_load(c->pass) : 0;
	uint32_t off;

	if (c->sport_count <= 1)
		return got == sport0 ? PASS_UNKNOWN : -1;
	if ((uint16_t)(got - c->sport_base) >= c->sport_count)
		return -1;
	off = ((uint32_t)(uint16_t)(got - c->sport_base) + c->sport_count -
	       (uint32_t)(uint16_t)(sport0 - c->sport_base)) %
	      c->sport_count;
	if (off > (uint32_t)max)
		return -1;
	return off > 254 ? 254 : (int)off; /* fits pr->pass */
}

const struct sweep_module *synscan_tcp_module(const struct scan_opts *o)
{
	static const struct sweep_module *const by_type[TCP_SCAN_NTYPES] = {
		[TCP_SCAN_SYN] = &sweep_mod_syn,
		[TCP_SCAN_ACK] = &sweep_mod_ack,
		[TCP_SCAN_WINDOW] = &sweep_mod_window,
		[TCP_SCAN_FIN] = &sweep_mod_fin,
		[TCP_SCAN_NULL] = &sweep_mod_null,
		[TCP_SCAN_XMAS] = &sweep_mod_xmas,
		[TCP_SCAN_MAIMON] = &sweep_mod_maimon,
		[TCP_SCAN_CONNECT] = &sweep_mod_connect,
	};

	if (o->tcp_scan < 0 || o->tcp_scan >= TCP_SCAN_NTYPES)
		return &sweep_mod_syn;
	/* -sS's own cookie sits in seq alone: other flags need the flags
	 * modules' (the cookie in ack too). */
	if (o->tcp_scan == TCP_SCAN_SYN && o->scanflags >= 0)
		return &sweep_mod_synflags;
	return by_type[o->tcp_scan];
}

const char *synscan_task_name(const struct scan_opts *o)
{
	/* nmap's names; a TCP type with -sU is fathom's one sweep of both. */
	static const char *const with_udp[TCP_SCAN_NTYPES] = {
		[TCP_SCAN_SYN] = "SYN Stealth and UDP Scan",
		[TCP_SCAN_ACK] = "ACK and UDP Scan",
		[TCP_SCAN_WINDOW] = "Window and UDP Scan",
		[TCP_SCAN_FIN] = "FIN and UDP Scan",
		[TCP_SCAN_NULL] = "NULL and UDP Scan",
		[TCP_SCAN_XMAS] = "XMAS and UDP Scan",
		[TCP_SCAN_MAIMON] = "Maimon and UDP Scan",
		[TCP_SCAN_CONNECT] = "Connect and UDP Scan",
	};

	if (!o->udp_scan)
		return synscan_tcp_module(o)->scan_type;
	if (o->ports.proto[SVC_TCP].n == 0)
		return sweep_mod_udp.scan_type;
	return o->tcp_scan >= 0 && o->tcp_scan < TCP_SCAN_NTYPES
		       ? with_udp[o->tcp_scan]
		       : with_udp[TCP_SCAN_SYN];
}

const char *synscan_flags_name(int flags, char *buf, size_t len)
{
	/* nmap's order: the bits from FIN up. */
	static const char names[8][4] = { "FIN", "SYN", "RST", "PSH",
					  "ACK", "URG", "ECE", "CWR" };
	size_t k = 0;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	for (int b = 0; b < 8; b++) {
		if (!(flags & (1 << b)) || k + 4 > len)
			continue;
		memcpy(buf + k, names[b], 4); /* with its NUL */
		k += 3;
	}
	return buf;
}

int synscan_needs_capture(const struct scan_opts *o)
{
	if (o->unprivileged)
		return 0;
	return o->udp_scan || synscan_tcp_module(o)->needs_raw;
}

size_t synscan_ports_per_host(const struct scan_opts *o)
{
	return o->ports.proto[SVC_TCP].n +
	       (o->udp_scan ? o->ports.proto[SVC_UDP].n : 0);
}
