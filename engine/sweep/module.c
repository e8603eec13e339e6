/* module.c -- what the sweep modules share: cookies, quotes, reasons. */
#include "engine/sweep/module.h"

#include <netinet/in.h>

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

struct cookie sweep_cookie(const struct sweep_ctx *c,
			   const struct addr *target, uint16_t dport,
			   uint8_t proto)
{
	/* The same cookie either way; the IPv4 form hashes without copies. */
	if (!addr_is_v6(target))
		return cookie_make(c->key, c->our4, addr_v4(target), dport,
				   proto, c->sport_base, c->sport_count);
	return cookie_make_addr(c->key, &c->our, target, dport, proto,
				c->sport_base, c->sport_count);
}

const char *synscan_task_name(const struct scan_opts *o)
{
	if (!o->udp_scan)
		return sweep_mod_syn.scan_type;
	return o->ports.proto[SVC_TCP].n ? "SYN Stealth and UDP Scan"
					 : sweep_mod_udp.scan_type;
}

size_t synscan_ports_per_host(const struct scan_opts *o)
{
	return o->ports.proto[SVC_TCP].n +
	       (o->udp_scan ? o->ports.proto[SVC_UDP].n : 0);
}
