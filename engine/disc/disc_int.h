/* disc_int.h -- what engine/disc's files share (not a public contract): the run's state, probe helpers. */
#ifndef FATHOM_DISC_INT_H
#define FATHOM_DISC_INT_H

#include <stdatomic.h>

#include "engine/core/results.h"
#include "engine/disc/discovery.h"
#include "engine/sweep/hostfeed.h"
#include "engine/sweep/permute.h"
#include "engine/sweep/rto.h"
#include "netstack/route.h"

#define SENDLOG_BITS 16

/* The slot of (kind, port) in ks, or -1 when no such probe is sent. */
long disc_slot_of(const struct disc_keys *ks, int kind, uint16_t port);

/* disc_classify() for IPv6 frames (ks->our6 set). */
int disc_classify6(const struct disc_keys *ks, const struct pkt_info *p,
		   struct disc_reply *out);

struct sendlog_slot {
	_Atomic uint64_t pos; /* permutation position + 1 */
	_Atomic uint64_t t;   /* send time, ns */
};

/* An address ARP (IPv6: ND) must resolve, and when it was last asked. */
struct arp_ent {
	struct addr addr;
	int target; /* a target (on-link), not only a gateway */
	uint64_t sent_ns;
	uint32_t rtt_us; /* of the first answer; 0 = none */
	int answered;
};

struct disc {
	struct scan *s;
	const struct scan_opts *o;
	struct pktio *io;
	struct route_table rt;
	struct route_table6 rt6;
	int v6; /* an IPv6 run: ND, ICMPv6, rt6 */
	struct disc_keys ks;
	struct disc_tmpls tm;
	struct permute perm;
	uint64_t nt, total;
	struct results *res;        /* probe index -> first valid reply */
	struct results *seen;       /* target index -> answered at all */
	_Atomic uint64_t *answered; /* per slot: (host, slot) answers */
	struct rto rto;
	struct sendlog_slot *sendlog;
	uint64_t wall_minus_mono;
	struct arp_ent *arp; /* sorted by address */
	size_t narp;
	int arp_ping; /* on-link targets: ARP decides */
	/*
	 * One pass guards fathom's ports from the kernel's RSTs before any
	 * probe (privsetup.h onepass): a SYN-ACK to a -PS probe then gets
	 * its RST from here, as the kernel would send it, so the peer
	 * keeps no half-open connection a sweep SYN could run into.
	 */
	int rst_synack;
	_Atomic int rx_stop;
	_Atomic int pass;           /* > 0: retransmissions, not timed (Karn) */
	_Atomic uint64_t pass0_ns;  /* when pass 0 began sending */
	_Atomic uint64_t pass0_end; /* when it was done; 0 before */
	/* Pass 0 had reached position prog_pos at prog_ns. */
	_Atomic uint64_t prog_pos, prog_ns;
	_Atomic uint64_t sent, bytes_sent, recv, bytes_recv, valid;
	uint64_t noroute, unresolved;
	/*
	 * Streaming (engine/sweep/hostfeed.h): each host found up goes to
	 * the sweep at once, the probes share its rate, and a host's
	 * --host-timeout clock keeps running past its answer (the sweep is
	 * at it); NULL: discovery alone.
	 */
	struct hostfeed *feed;
};

/*
 * --host-timeout: host a, a target found up, was first probed at from
 * and answered at to; alone, discovery charges it from..to; streaming,
 * its clock runs on from `from`. Both by the thread that found it.
 */
void disc_host_clock(struct disc *d, const struct addr *a, uint64_t from,
		     uint64_t to);

/* Sleeps ns nanoseconds. */
void disc_sleep_ns(uint64_t ns);

/* Ctrl-C, or every host out of time (--host-timeout). */
int disc_stopped(const struct disc *d);

/* disc_arp.c: a's next hop into *gw (family 0: on the link); -1
 * without a route. */
int disc_nexthop(const struct disc *d, const struct addr *a, struct addr *gw);

/* The next hop of every target into d->arp: the on-link targets and the
 * gateways, sorted, once each. 0, or -1 with err (too many). */
int disc_collect_nexthops(struct disc *d, char *err, size_t errlen);

/* ARP (IPv6: ND) for d->arp, ARP_TRIES rounds: answers go to the
 * scan's neighbour table; an on-link target's is its arp-response or
 * nd-response. 0, or -1 with err. */
int disc_resolve(struct disc *d, struct disc_stats *st, char *err,
		 size_t errlen);

#endif
