/* udpscan.c -- the -sU side of the sweep: validating UDP replies and ICMP. */
#include "engine/sweep/synscan_int.h"

#include <netinet/in.h>

#include "probes/udpprobe.h"

/* A UDP reply to a -sU probe: open, if it answers our cookie. */
void udpscan_on_reply(struct sweep *w, const struct pkt_info *p,
		      uint64_t mono)
{
	uint32_t our = w->s->hop.src;
	struct port_result pr = { 0 };
	struct cookie c;

	if (w->np == w->ntcp || p->ip.dst != our ||
	    w->udp_index[p->udp.sport] < 0)
		return;
	c = cookie_make(&w->key, our, p->ip.src, p->udp.sport, IPPROTO_UDP,
			w->sport_base, w->sport_count);
	if (p->udp.dport != c.sport ||
	    !udpprobe_reply_ok(p->udp.sport, c.seq, p->payload,
			       p->payload_len)) {
		atomic_fetch_add(&w->bogus, 1);
		return;
	}
	pr.state = PS_OPEN;
	pr.reason = RS_UDP_RESPONSE;
	/* The IPv4 frame's edge: its addresses become struct addr here. */
	pr.addr = pr.from = addr_from_v4(p->ip.src);
	pr.port = p->udp.sport;
	pr.proto = IPPROTO_UDP;
	pr.ttl = p->ip.ttl;
	atomic_fetch_add(&w->valid, 1);
	sweep_record(w, &pr.addr, p->udp.sport, &pr, mono);
}

/*
 * An ICMP error quoting a -sU probe. The quote carries our source port
 * (the cookie) and the datagram's length, both checked. Port unreachable
 * from the target itself is nmap's "closed"; every other unreachable (or
 * a port unreachable from a router) is "filtered".
 */
void udpscan_on_icmp(struct sweep *w, const struct pkt_info *p,
		     uint64_t mono)
{
	uint32_t our = w->s->hop.src, dst = p->inner.ip.dst;
	uint8_t scratch[UDPPROBE_MAX];
	struct port_result pr = { 0 };
	struct cookie c;
	size_t plen;

	if (w->np == w->ntcp || p->ip.dst != our || p->inner.ip.src != our ||
	    !p->inner.has_l4 || w->udp_index[p->inner.dport] < 0)
		return;
	c = cookie_make(&w->key, our, dst, p->inner.dport, IPPROTO_UDP,
			w->sport_base, w->sport_count);
	if (p->inner.sport != c.sport) {
		atomic_fetch_add(&w->bogus, 1);
		return;
	}
	/*
	 * Only a quote that passed the cookie costs a payload build: the
	 * length is the payload's, and inner.seq holds the quoted UDP
	 * length and checksum.
	 */
	plen = udpprobe_payload(p->inner.dport, c.seq, scratch);
	if ((p->inner.seq >> 16) != 8 + plen) {
		atomic_fetch_add(&w->bogus, 1);
		return;
	}
	pr.reason = (uint8_t)port_reason_from_icmp(p->icmp.type,
						   p->icmp.code);
	if (pr.reason == RS_NONE)
		return;
	pr.state = pr.reason == RS_PORT_UNREACH && p->ip.src == dst
			   ? PS_CLOSED
			   : PS_FILTERED;
	pr.addr = addr_from_v4(dst);
	pr.from = addr_from_v4(p->ip.src);
	pr.port = p->inner.dport;
	pr.proto = IPPROTO_UDP;
	pr.ttl = p->ip.ttl;
	atomic_fetch_add(&w->valid, 1);
	sweep_record(w, &pr.addr, p->inner.dport, &pr, mono);
}

const char *synscan_task_name(const struct scan_opts *o)
{
	if (!o->udp_scan)
		return "SYN Stealth Scan";
	return o->ports.proto[SVC_TCP].n ? "SYN Stealth and UDP Scan"
					 : "UDP Scan";
}

size_t synscan_ports_per_host(const struct scan_opts *o)
{
	return o->ports.proto[SVC_TCP].n +
	       (o->udp_scan ? o->ports.proto[SVC_UDP].n : 0);
}
