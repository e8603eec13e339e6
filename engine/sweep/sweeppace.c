/* sweeppace.c -- the sweep's side of pacing (passes.h): the midpoint's climb, a trial's replies, the halves' counts. */
#include "engine/sweep/synscan_int.h"

#include <stdatomic.h>
#include <time.h>

#include "netstack/base/util.h"

/* The receive thread's poll interval (sweeprx.c): sweep_trial_wait(). */
#define TRIAL_RX_SLACK_US 5000

void sweep_mid_decide(struct sweep *w, int pass)
{
	int st = 0;

	if (!atomic_compare_exchange_strong(&w->mid_state, &st, 1)) {
		/* The other lane decides: a few loads. */
		while (atomic_load_explicit(&w->mid_state,
					    memory_order_acquire) != 2)
			;
		return;
	}
	if (pace_mid_trial(&w->pace, atomic_load(&w->half_drawn[0]),
			   atomic_load(&w->pass_drawn[pass_slot(pass - 1)])))
		w->half_rate[1] = pace_rate(&w->pace, 1);
	atomic_store_explicit(&w->mid_state, 2, memory_order_release);
}

/*
 * Twice the 99th percentile RTT, and the receive thread's poll interval,
 * lets in all but a few of the second half's last replies (those still
 * count for the pass, only not for its half); the RTO, mostly its floor
 * (--min-rtt-timeout, 100 ms at -T3 where the lab's p99 is 0.3 ms),
 * would leave the sender idle for a tenth of a second per trial.
 */
void sweep_trial_wait(struct sweep *w, int (*stop)(struct sweep *w))
{
	struct rto_stats st;
	uint64_t us, end;

	rto_get_stats(&w->rto, &st);
	us = st.n ? 2 * st.p99_us + TRIAL_RX_SLACK_US : st.rto_ms * 1000;
	if (us > st.rto_ms * 1000)
		us = st.rto_ms * 1000;
	end = now_ns() + us * 1000;
	for (uint64_t now = now_ns(); now < end && !stop(w); now = now_ns()) {
		uint64_t ns = end - now > 5000000ull ? 5000000ull : end - now;
		struct timespec ts = { 0, (long)ns };

		nanosleep(&ts, NULL);
	}
}

void sweep_halves(struct sweep *w, struct pass_halves *h)
{
	for (int k = 0; k < 2; k++) {
		uint64_t ns = atomic_load(&w->half_ns[k]);

		h->sent[k] = atomic_load(&w->half_sent[k]);
		h->drawn[k] = atomic_load(&w->half_drawn[k]);
		h->rate[k] = w->half_rate[k];
		/* Each lane timed its own share: the lanes' mean time. */
		h->reached[k] =
			ns ? (double)h->sent[k] * 1e9 * w->lanes / (double)ns
			   : 0;
	}
}
