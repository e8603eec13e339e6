/* ratelimit.c -- pace sends to a packet rate, from a schedule, not sleeps. */
#include "engine/sweep/ratelimit.h"

void ratelimit_init(struct ratelimit *rl, double rate, uint64_t burst,
		    uint64_t now_ns)
{
	rl->rate = rate > 0 ? rate : 1;
	rl->start = now_ns;
	rl->sent = 0;
	rl->burst = burst ? burst : 1;
}

uint64_t ratelimit_take(struct ratelimit *rl, uint64_t now_ns, uint64_t max,
			uint64_t *wait_ns)
{
	double elapsed = now_ns > rl->start ? (double)(now_ns - rl->start) : 0;
	uint64_t due = (uint64_t)(elapsed * rl->rate / 1e9) + 1, n;

	if (due > rl->sent + rl->burst) {
		/*
		 * We fell behind by more than a burst: move the schedule so the
		 * backlog is forgiven rather than sent as a flood.
		 */
		rl->sent = due - rl->burst;
	}
	n = due > rl->sent ? due - rl->sent : 0;
	if (n > max)
		n = max;
	rl->sent += n;
	if (n == 0 && wait_ns) {
		double next = (double)rl->sent * 1e9 / rl->rate;

		*wait_ns = next > elapsed ? (uint64_t)(next - elapsed) : 0;
	}
	return n;
}
