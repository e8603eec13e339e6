/* ratelimit.h -- pace sends to a packet rate, from a schedule, not sleeps. */
#ifndef FATHOM_RATELIMIT_H
#define FATHOM_RATELIMIT_H

#include <stdint.h>

/*
 * Packet k is due at start + k / rate. The limiter answers "how many may go
 * now" from that schedule, so errors in sleeping never accumulate over a
 * scan; after a stall (the sender was descheduled) it lets at most `burst`
 * packets catch up at once instead of a flood. Time is passed in, so the
 * limiter is a pure function of its inputs and is tested without a clock.
 */
struct ratelimit {
	double rate;    /* packets per second, > 0 */
	uint64_t start; /* ns */
	uint64_t sent;  /* packets granted since start */
	uint64_t burst; /* most packets granted by one call */
};

void ratelimit_init(struct ratelimit *rl, double rate, uint64_t burst,
		    uint64_t now_ns);

/*
 * Grants up to max packets at time now_ns and counts them as sent. When it
 * grants 0, *wait_ns (if not NULL) is the time until the next is due.
 */
uint64_t ratelimit_take(struct ratelimit *rl, uint64_t now_ns, uint64_t max,
			uint64_t *wait_ns);

#endif
