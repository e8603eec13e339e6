/* trace.h -- --traceroute: every up host's path, hop by hop, all at once. */
#ifndef FATHOM_TRACE_H
#define FATHOM_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "netstack/addr.h"
#include "netstack/cookie.h"
#include "netstack/craft.h"
#include "netstack/packet.h"

/*
 * nmap's traceroute, done the stateless way: each up host gets probes of
 * one kind (nmap's choice: SYN to an open TCP port, else to a closed
 * one, else UDP to a closed UDP port, else ICMP echo) with TTLs (hop
 * limits) 1, 2, ... all in flight at once, every host in parallel. A
 * probe carries what maps its reply back without a table: the TTL in the
 * TCP/UDP source port (port0 + ttl) or the ICMP sequence, and a cookie
 * of (our address, target, port, protocol) under the run's key in the
 * TCP seq, the ICMP id and the IP header every router quotes (IPv4 ID,
 * IPv6 flow label). A router's time exceeded gives a hop, the target's
 * own answer (SYN-ACK, RST, echo reply, port unreachable) the last one.
 */

/* nmap traces up to 30 hops ("1   ... 30" for a path that never ends). */
#define TRACE_MAX_TTL 30

enum trace_kind {
	TRACE_NONE = 0, /* directly connected: no probe, one hop */
	TRACE_TCP,      /* SYN to port */
	TRACE_UDP,      /* to a closed UDP port */
	TRACE_ICMP,     /* echo request (ICMPv6 for IPv6) */
};

/* What every probe of a run shares (trace_ctx_init). */
struct trace_ctx {
	struct cookie_key key;
	struct addr src; /* our address, the run's family */
	uint8_t smac[6];
	uint16_t port0;        /* source ports port0 + 1 .. + TRACE_MAX_TTL */
	struct craft_tmpl syn; /* the run's SYN, its TTL patched per probe */
};

/* One traced host's probe. */
struct trace_target {
	struct addr addr;
	uint8_t dmac[6]; /* next hop's */
	uint8_t kind;    /* enum trace_kind, not TRACE_NONE */
	uint16_t port;   /* TCP or UDP port; 0 for ICMP */
};

/*
 * The probe to t with TTL ttl (1..TRACE_MAX_TTL) into out (CRAFT_MAX
 * bytes). Returns its length, 0 if t's kind is not one to send.
 */
size_t trace_build(const struct trace_ctx *c, const struct trace_target *t,
		   uint8_t ttl, uint8_t *out);

/* What a reply says about one of our probes. */
struct trace_reply {
	struct addr target; /* whom the probe was sent to */
	struct addr from;   /* who answered: a router, or the target */
	uint8_t ttl;        /* the probe's TTL */
	uint8_t kind;       /* enum trace_kind of the probe */
	uint16_t port;      /* its port (0 for ICMP) */
	int dest;           /* the target itself answered: the path's end */
	int unreach;        /* a router's unreachable: the path ends there */
};

/*
 * 1 when p is an answer to a probe of this run (the cookie holds, the
 * TTL is in range), filled into r; 0 for anything else. The caller
 * still checks that r->target is traced with r->kind and r->port. A
 * pure function of c and p.
 */
int trace_match(const struct trace_ctx *c, const struct pkt_info *p,
		struct trace_reply *r);

/* One hop of a path. */
struct trace_hop {
	uint8_t ttl;
	uint8_t timedout; /* no answer at this TTL: addr unset */
	struct addr addr;
	int64_t rtt_us; /* -1: unknown */
};

/* One host's path: hops by TTL, from 1 up to the target, or to the
 * router whose unreachable ended it, or (never reached) to the last TTL
 * probed, silent ones included, as nmap lists them. */
struct trace_result {
	struct addr addr;
	uint8_t kind; /* enum trace_kind: the probe used */
	uint16_t port;
	int nhops;
	struct trace_hop hop[TRACE_MAX_TTL];
};

struct trace_results {
	struct trace_result *r; /* sorted by address */
	size_t n;
};

/* s's trace of addr, or NULL (no --traceroute, or not traced). */
const struct trace_result *trace_find(const struct trace_results *tr,
				      const struct addr *addr);
void trace_results_free(struct trace_results *tr); /* accepts NULL */

/*
 * nmap's name of the probe: "tcp", "udp", "icmp" or "ipv6-icmp" (for
 * "using proto 1/icmp"), and its protocol number; NULL/0 for TRACE_NONE.
 */
const char *trace_proto_name(const struct trace_result *r, int *protonum);

struct scan;
struct scan_opts;
struct route_hop;
struct pktio;

/*
 * The capture of the replies (privileged: the phase's priv_setup): ICMP
 * or ICMPv6 to our address, TCP to the run's port range, whose base it
 * picks at random into *port0. NULL with err on failure.
 */
struct pktio *trace_open_capture(const struct scan_opts *o,
				 const struct route_hop *hop, uint16_t *port0,
				 char *err, size_t errlen);

/*
 * Traces every up host of s (its ports from the sweep, its next hop from
 * the sweep's neighbours) over s->priv->trace, into out (sorted by
 * address). Returns 0 (also when interrupted), or -1 with err.
 */
int trace_run(struct scan *s, struct trace_results *out, char *err,
	      size_t errlen);

#endif
