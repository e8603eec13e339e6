/* synscan_int.h -- the sweep's shared state (synscan, family, nexthop). */
#ifndef FATHOM_SYNSCAN_INT_H
#define FATHOM_SYNSCAN_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "engine/sweep/hostfeed.h"
#include "engine/sweep/module.h"
#include "engine/sweep/passes.h"
#include "engine/sweep/permute.h"
#include "engine/sweep/rto.h"
#include "engine/sweep/synscan.h"
#include "netstack/cookie.h"
#include "netstack/craft.h"
#include "netstack/packet.h"
#include "netstack/route.h"

#define SENDLOG_BITS 16
#define SWEEP_PEND_MAX 4096 /* next hops asked again between passes */
#define SWEEP_LATE_MAX \
	256 /* their answers held until a pass starts */ /* send times of the last 65536 probes, for RTT */

/*
 * pos's top byte: the pass that sent the probe last (254 at most). A
 * reply is timed only if it answers that very copy (its port names the
 * pass, passes.h); when no port tells (-g), only a probe sent once is
 * timed (Karn's rule, engine/sweep/rto.h).
 */
/* A peer's initial retransmission timeout (RFC 6298): 1 s. */
#define SWEEP_PEER_RTO_NS 1000000000ull

#define SENDLOG_PASS_SHIFT 56
#define SENDLOG_POS_MASK ((1ull << SENDLOG_PASS_SHIFT) - 1)

struct sendlog_slot {
	_Atomic uint64_t pos; /* position + 1 | pass << SENDLOG_PASS_SHIFT */
	_Atomic uint64_t t;   /* send time, ns */
};

/*
 * Streaming (stream.c): pass 0 places the hosts discovery found up in
 * chunks, each the hosts that came since the last, in the order they
 * came. A chunk's probes (its hosts x every slot) are positions
 * [pos0, pos0 + nhost * np), in its own seeded permutation.
 */
struct sweep_chunk {
	uint64_t host0, nhost; /* places in the feed's order */
	uint64_t pos0;         /* host0 * np */
	struct permute perm;   /* over nhost * np */
};

#define SWEEP_CHUNK_SEG_BITS 12
#define SWEEP_CHUNK_SEGS 1024 /* 4M chunks: HOSTFEED_MAX_TARGETS */

struct sweep;

/* Shared between the sending and the receiving thread of one sweep. */
struct sweep {
	struct scan *s;
	const struct scan_opts *o;
	struct pktio *io;
	struct route_table rt;   /* IPv4 runs */
	struct route_table6 rt6; /* IPv6 runs */
	struct permute perm;
	struct cookie_key key;
	/*
	 * The modules: mod[0] the TCP scan type's (SYN, ACK, ...,
	 * synscan_tcp_module()) for the TCP slots, mod[1] UDP for the
	 * rest (-sU); nmod of them are in use. Each has its template, built
	 * once for the run's family, and its context for classify();
	 * mod_lo is 1 when no TCP port is probed (-sU alone).
	 */
	const struct sweep_module *mod[2];
	struct sweep_tmpl tmpl[2];
	struct sweep_ctx ctx[2];
	int mod_lo, nmod;
	/*
	 * The family's half of a probe, chosen once (family.c): writes the
	 * frame for probe (target ti, slot pi) into out and returns its
	 * length, or 0 when it is skipped (no route, no next hop, not an
	 * -iL pair).
	 */
	size_t (*probe)(struct sweep *w, uint64_t ti, uint64_t pi, uint8_t *out,
			uint16_t ipid);
	/*
	 * The probe space is targets x slots: slots [0, ntcp) are the TCP
	 * ports, [ntcp, np) the UDP ports (-sU), so one permutation and one
	 * results index cover both protocols.
	 */
	uint64_t nt, np; /* targets, slots */
	/* Probes placed: nt * np, or with a feed those of the hosts up so
	 * far (grows while pass 0 runs). */
	_Atomic uint64_t total;
	/* Positions from mid on are the pass's second half (pacing). */
	_Atomic uint64_t mid;
	/*
	 * Streaming (stream.c): the hosts come from discovery while pass 0
	 * runs, and the probes are placed in chunks; NULL: every target of
	 * the group, one permutation (perm).
	 */
	struct hostfeed *feed;
	struct sweep_chunk *chunk_seg[SWEEP_CHUNK_SEGS];
	_Atomic uint64_t nchunk;
	uint64_t hosts_placed; /* the sender's: feed places in chunks */
	uint64_t ntcp;
	uint16_t *ports;           /* per slot */
	const int32_t *port_index; /* TCP port -> slot, or -1 */
	const int32_t *udp_index;  /* UDP port -> slot - ntcp, or -1 */
	uint16_t sport_base, sport_count;
	struct sendlog_slot *sendlog;
	uint64_t wall_minus_mono; /* CLOCK_REALTIME - CLOCK_MONOTONIC, ns */

	_Atomic int rx_stop;
	_Atomic uint64_t pos; /* sender's position in the current pass */
	_Atomic int pass;     /* the pass being sent, for classify() too */
	int send_pass;        /* the same, for the send path (family.c) */
	struct rto rto;       /* sampled by rx, read by tx */
	/*
	 * passes.h's counts: copies sent and new answers drawn per pass,
	 * and per half of the current pass (its two rates: pace).
	 */
	struct pace pace;
	double half_rate[2];
	_Atomic uint64_t pass_sent[PASS_SLOTS], pass_drawn[PASS_SLOTS];
	_Atomic uint64_t half_sent[2], half_drawn[2];
	/* Per half, the lanes' time spent sending (not waiting for a
	 * resend's due time), summed: the rate it reached (pace). */
	_Atomic uint64_t half_ns[2];
	unsigned lanes; /* sending threads of the current pass */
	/* The midpoint's climbing decision (synscan.c mid_decide): 0 not
	 * yet, 1 a lane is deciding, 2 decided (half_rate[1] set). */
	_Atomic int mid_state;
	_Atomic uint64_t open; /* open ports recorded */
	/*
	 * Next hops still silent after resolution (at most SWEEP_PEND_MAX)
	 * are asked again after each pass (sweep_late_resolve); their
	 * answers, seen by rx, wait in late[] until the next pass starts,
	 * since the neighbour table is read by tx without a lock.
	 */
	struct addr *pend;
	size_t npend;
	pthread_mutex_t late_lock;
	struct {
		struct addr a;
		uint8_t mac[6];
	} late[SWEEP_LATE_MAX];
	unsigned nlate;
	uint64_t unresolved0; /* pass 0's skipped probes */
	/* One pass: where rx keeps SYN-ACKs for -sV (NULL: nowhere). */
	struct handoffs *handoffs;
	/* Counters written by rx. */
	_Atomic uint64_t recv, bytes_recv, valid, bogus;
	_Atomic uint64_t udp_closed; /* UDP port-unreachables recorded */
	/* Counters written by tx. */
	_Atomic uint64_t sent, bytes_sent, noroute, unresolved;
};

/*
 * sweeprx.c: when the probe at position pos was last sent, from the
 * send log: 1 with *t and *pass (the pass that sent it), or 0 if the
 * log no longer holds it.
 */
int sweep_sent_at(struct sweep *w, uint64_t pos, uint64_t *t, int *pass);

/* sweeprx.c: the receive thread's loop (arg: the sweep) until rx_stop. */
void *sweep_rx_main(void *arg);

/*
 * sweeprx.c: records a validated reply for (target, pr_in->proto, port) under its
 * probe index, with the RTT from the send log (receive thread only).
 */
void sweep_record(struct sweep *w, const struct addr *target, uint16_t port,
		  const struct port_result *pr_in, uint64_t ts);

/*
 * stream.c: the probe index (target + slot * nt) at position x, and
 * back (UINT64_MAX: not placed yet). Without a feed: the permutation
 * (or x itself with -r), as always. *hint (start at 0) keeps the chunk
 * of the caller's last position, so a walk costs no search.
 */
uint64_t sweep_idx_at(struct sweep *w, uint64_t x, uint64_t *hint);
uint64_t sweep_pos_of(struct sweep *w, uint64_t idx);

/*
 * stream.c, pass 0 with a feed, once the sender reached position x =
 * total: places the hosts found up since as a new chunk (1), else
 * waits for some while discovery runs; 0 when discovery is over and
 * every host is placed, or when stop() says so.
 */
int sweep_stream_more(struct sweep *w, int (*stop)(struct sweep *w));

/*
 * sweeppace.c, at a resend pass's midpoint, once for both lanes (the
 * lane that comes second waits for the first's answer): whether its
 * second half climbs (pace_mid_trial(), from what the first half drew so
 * far); if so, half_rate[1] is its rate.
 */
void sweep_mid_decide(struct sweep *w, int pass);

/*
 * sweeppace.c, after a pacing trial's pass that the next starts early:
 * waits for the replies to its second half's last probes, so that its
 * halves compare complete counts (2 x the p99 RTT, at most the RTO),
 * or until stop() says so.
 */
void sweep_trial_wait(struct sweep *w, int (*stop)(struct sweep *w));

/* sweeppace.c: the pass's halves' counts and the rates they reached. */
void sweep_halves(struct sweep *w, struct pass_halves *h);

/* stream.c: the chunks' memory. */
void sweep_stream_free(struct sweep *w);

/* family.c: w->probe for w's family (its address family's cookies,
 * next hops and patch callbacks). */
void sweep_pick_family(struct sweep *w);

/*
 * nexthop.c: resolves every gateway in use and every on-link target with
 * ARP (IPv4) or neighbour solicitations (IPv6), 3 tries paced at the
 * scan's rate (>= 1000/s); answers land in s->neigh. 0, or -1 with err.
 */
int sweep_resolve_nexthops(struct sweep *w, char *err, size_t errlen);

/*
 * nexthop.c: rx hands an ARP reply or NA to us here; if it answers a
 * next hop still pending it is kept for sweep_late_resolve (thread-safe).
 */
void sweep_late_note(struct sweep *w, const struct pkt_info *p);

/*
 * nexthop.c, tx between passes: stores the answers kept so far in the
 * neighbour table and, with ask, asks every next hop still silent once
 * more.
 */
void sweep_late_resolve(struct sweep *w, int ask);

/*
 * onepass.c: sweep_onepass_begin, before rx starts, points w->handoffs
 * at the group's table (made empty) when set-up guarded the sweep's
 * ports for one pass; sweep_onepass_note (rx) keeps a SYN-ACK that
 * validated as open, received at mono (ns); sweep_onepass_free resets
 * what is left in a scan's table (sweep_onepass_reset) and frees it.
 */
void sweep_onepass_begin(struct sweep *w);
void sweep_onepass_note(struct sweep *w, const struct pkt_info *p,
			uint64_t mono);
void sweep_onepass_free(struct scan *s);

/* nexthop.c: the routes via the run's interface, of the run's family. */
int sweep_routes_load(struct sweep *w, char *err, size_t errlen);
void sweep_routes_free(struct sweep *w);
/* 0 if target t0 has a route (either family). */
int sweep_has_route(struct sweep *w, const struct addr *t0);

/*
 * sweeppass.c, between passes: sweep_collect fills *pc with the counts
 * of the group's npass passes so far; sweep_debug_pass (-d) and
 * sweep_say_pass (-v) report pass `pass`; sweep_want_more says whether
 * to make pass done + 1 (closed0: udp_closed before pass done; t0: the
 * sweep's start), sweep_early_next whether it may start at once,
 * without waiting one RTO for pass done's replies.
 */
void sweep_collect(struct sweep *w, int npass, struct pass_counts *pc);
void sweep_debug_pass(struct sweep *w, int pass, const struct pass_counts *pc,
		      const struct pass_halves *h);
void sweep_say_pass(struct sweep *w, int pass, const struct pass_counts *pc);
int sweep_want_more(struct sweep *w, int done, const struct pass_counts *pc,
		    uint64_t closed0, uint64_t t0);
int sweep_early_next(struct sweep *w, int done);

#endif
