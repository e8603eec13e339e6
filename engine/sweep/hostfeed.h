/* hostfeed.h -- hosts discovery finds up, handed to the sweep running beside it, and the send rate both share. */
#ifndef FATHOM_HOSTFEED_H
#define FATHOM_HOSTFEED_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "engine/sweep/ratelimit.h"

/*
 * Streaming (docs/DESIGN-flow.md, "Discovery and the sweep at once"):
 * discovery and the sweep of one host group run at the same time, each
 * with its own capture and receive thread. Discovery adds a host here
 * the moment it is found up; the sweep's pass 0 takes the hosts in the
 * order they came (engine/sweep/stream.c). Both send loops draw their
 * probes from one rate budget, so the two together keep --max-rate.
 *
 * One producer (discovery: its set-up, then its receive thread, never
 * both at once), any number of readers. A host's entry is written
 * before the count that publishes it (release / acquire), and never
 * changes after.
 */
struct hostfeed {
	uint64_t nt;            /* the group's targets */
	uint32_t *order;        /* [i]: the target index of the i-th host up */
	_Atomic uint32_t *rank; /* [ti]: its place in order + 1; 0: not up */
	_Atomic uint64_t n;     /* hosts up so far */
	/* Next hops are resolved: the sweep may read the neighbour table. */
	_Atomic int ready;
	_Atomic int closed; /* discovery is over: n is final */
	/* When discovery's pass 0 was sent (--host-timeout): 0 before. */
	_Atomic uint64_t pass0_end;
	pthread_mutex_t lock; /* the shared rate */
	struct ratelimit rl;
};

/* Largest group that streams: order and rank cost 8 bytes a target. */
#define HOSTFEED_MAX_TARGETS (1ull << 22)

/* A feed for nt (<= HOSTFEED_MAX_TARGETS) targets sharing rate pps. */
void hostfeed_init(struct hostfeed *f, uint64_t nt, double rate, uint64_t now);
void hostfeed_destroy(struct hostfeed *f);

/* Target ti is up (again: nothing). The producer only. */
void hostfeed_add(struct hostfeed *f, uint64_t ti);

/* The neighbour table is complete (producer); hostfeed_close implies it. */
void hostfeed_ready(struct hostfeed *f);

/* No more hosts will come (producer). */
void hostfeed_close(struct hostfeed *f);

/* Hosts up so far; the entries below it are readable. */
uint64_t hostfeed_count(const struct hostfeed *f);

/* ti's place among the hosts up + 1, or 0 (not up, or not yet). */
uint64_t hostfeed_rank(const struct hostfeed *f, uint64_t ti);

/*
 * Up to max probes from the shared budget at now (thread-safe); 0 with
 * *wait_ns as ratelimit_take() says.
 */
uint64_t hostfeed_take(struct hostfeed *f, uint64_t now, uint64_t max,
		       uint64_t *wait_ns);

#endif
