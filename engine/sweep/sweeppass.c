/* sweeppass.c -- between the sweep's passes: their counts, the -d and -v lines, whether and when another pass. */
#include "engine/sweep/synscan_int.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "engine/report/progress.h"
#include "netstack/base/util.h"

/*
 * -g only (every pass from one source port): how long after the first
 * probe an empty retransmission pass may end a lossy sweep. A peer whose
 * SYN-ACK was lost holds the half-open connection and ignores our
 * duplicate SYNs for 500 ms after each SYN-ACK (Linux:
 * net.ipv4.tcp_invalid_ratelimit); it answers again only with its own
 * retransmission, 1 s after the first (RFC 6298's initial RTO). With
 * fathom's own ports each pass is a new 4-tuple, answered at once.
 */
#define SWEEP_PEER_RETRY_NS 1200000000ull

/* This group's pass counts so far (passes.h), from the counters. */
void sweep_collect(struct sweep *w, int npass, struct pass_counts *pc)
{
	memset(pc, 0, sizeof(*pc));
	pc->n = npass;
	/* Sent once at least: pass 0's, and those whose next hop
	 * answered only later (sweep_late_resolve). */
	pc->probes = atomic_load(&w->pass_sent[0]);
	if (npass > 1 && w->unresolved0 > atomic_load(&w->unresolved))
		pc->probes += w->unresolved0 - atomic_load(&w->unresolved);
	pc->answered = results_count(w->s->res);
	pc->open = atomic_load(&w->open);
	for (int k = 0; k < PASS_SLOTS; k++) {
		pc->sent[k] = atomic_load(&w->pass_sent[k]);
		pc->drawn[k] = atomic_load(&w->pass_drawn[k]);
	}
}

/* -d: what a pass drew, the estimate, and the pace of the next one. */
void sweep_debug_pass(struct sweep *w, int pass, const struct pass_counts *pc,
		      const struct pass_halves *h)
{
	char why[256], est[256];

	rto_describe(&w->rto, why, sizeof(why));
	passes_describe(pc, est, sizeof(est));
	fprintf(stderr,
		"pass %d: waited until %.3fs (%s), %zu replies; sent %llu, "
		"drew %llu (halves %llu/%llu at %.0f pps, reached %.0f, "
		"%llu/%llu at %.0f pps, reached %.0f); next %.0f/%.0f pps "
		"(%d climbs, %d backoffs, %d recoveries)\n%s\n",
		pass, (now_ns() - w->s->st.start_ns) / 1e9, why,
		results_count(w->s->res),
		(unsigned long long)pc->sent[pass_slot(pass)],
		(unsigned long long)pc->drawn[pass_slot(pass)],
		(unsigned long long)h->drawn[0], (unsigned long long)h->sent[0],
		h->rate[0], h->reached[0], (unsigned long long)h->drawn[1],
		(unsigned long long)h->sent[1], h->rate[1], h->reached[1],
		pace_rate(&w->pace, 0), pace_rate(&w->pace, 1), w->pace.climbs,
		w->pace.backoffs, w->pace.recoveries, est);
}

/* -v: what a retransmission pass drew, through the run's screen. */
void sweep_say_pass(struct sweep *w, int pass, const struct pass_counts *pc)
{
	char est[256], line[384];

	snprintf(line, sizeof(line),
		 "Sweep pass %d drew %llu new answers. "
		 "%s\n",
		 pass + 1, (unsigned long long)pc->drawn[pass_slot(pass)],
		 passes_describe(pc, est, sizeof(est)));
	progress_clear();
	if (w->s->screen) {
		w->s->screen(w->s->screen_arg, line);
	} else {
		fputs(line, stdout);
		fflush(stdout);
	}
}

/*
 * Whether to make pass `done` + 1: passes_more() (the estimate), else
 * for -sU while the last retransmission still drew port unreachables,
 * or when a next hop asked again has answered, else with -g the peers'
 * own retransmission after loss.
 */
int sweep_want_more(struct sweep *w, int done, const struct pass_counts *pc,
		    uint64_t closed0, uint64_t t0)
{
	const struct scan_opts *o = w->o;
	uint64_t left = w->total - results_count(w->s->res);

	unsigned late;

	if (left == 0)
		return 0;
	if (passes_more(pc, done, o->max_retries, left))
		return 1;
	/* A next hop answered only now: its targets get their pass. */
	pthread_mutex_lock(&w->late_lock);
	late = w->nlate;
	pthread_mutex_unlock(&w->late_lock);
	if (late > 0 && done < o->max_retries)
		return 1;
	/*
	 * -sU: a target's ICMP rate limit (Linux: net.ipv4.icmp_ratelimit,
	 * one per second per peer after a burst of 6), not loss, holds the
	 * closed ports back; each such pass records at least one more
	 * result, so this ends, at about a second per closed port beyond
	 * the burst, as nmap's -sU does. --max-retries 0 sends once.
	 */
	if (w->np > w->ntcp && done >= 1 &&
	    atomic_load(&w->udp_closed) != closed0)
		return 1;
	return w->sport_count == 1 && w->ntcp && done >= 1 &&
	       done < o->max_retries && pc->drawn[pass_slot(1)] > 0 &&
	       now_ns() - t0 < SWEEP_PEER_RETRY_NS;
}

/*
 * Whether pass `done` + 1 may start at once, without the RTO's wait: the
 * counts so far already call for it (late replies only add to this
 * pass's draws, which keeps the answer yes), and TCP alone (-sU's passes
 * wait for the ICMP rate limit). Each resend still waits for its own due
 * time (synscan.c's wait_due()). A pacing trial's halves get their replies first
 * (sweep_trial_wait).
 */
int sweep_early_next(struct sweep *w, int done)
{
	struct pass_counts pc;

	if (done < 1 || w->np > w->ntcp)
		return 0;
	sweep_collect(w, done + 1, &pc);
	return passes_more(&pc, done, w->o->max_retries,
			   w->total - results_count(w->s->res));
}
