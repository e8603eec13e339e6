/* hostfeed.c -- hosts discovery finds up, handed to the sweep running beside it, and the shared rate. */
#include "engine/sweep/hostfeed.h"

#include <stdlib.h>
#include <string.h>

#include "netstack/base/util.h"

void hostfeed_init(struct hostfeed *f, uint64_t nt, double rate, uint64_t now)
{
	memset(f, 0, sizeof(*f));
	f->nt = nt;
	f->order = xcalloc(nt ? nt : 1, sizeof(*f->order));
	f->rank = xcalloc(nt ? nt : 1, sizeof(*f->rank));
	pthread_mutex_init(&f->lock, NULL);
	/* A batch each for both senders, as each would allow alone. */
	ratelimit_init(&f->rl, rate, 8 * 64, now);
}

void hostfeed_destroy(struct hostfeed *f)
{
	free(f->order);
	free(f->rank);
	pthread_mutex_destroy(&f->lock);
	memset(f, 0, sizeof(*f));
}

void hostfeed_add(struct hostfeed *f, uint64_t ti)
{
	uint64_t n = atomic_load_explicit(&f->n, memory_order_relaxed);

	if (ti >= f->nt ||
	    atomic_load_explicit(&f->rank[ti], memory_order_relaxed) != 0)
		return;
	f->order[n] = (uint32_t)ti;
	atomic_store_explicit(&f->rank[ti], (uint32_t)(n + 1),
			      memory_order_release);
	atomic_store_explicit(&f->n, n + 1, memory_order_release);
}

void hostfeed_ready(struct hostfeed *f)
{
	atomic_store(&f->ready, 1);
}

void hostfeed_close(struct hostfeed *f)
{
	atomic_store(&f->ready, 1);
	atomic_store(&f->closed, 1);
}

uint64_t hostfeed_count(const struct hostfeed *f)
{
	return atomic_load_explicit(&f->n, memory_order_acquire);
}

uint64_t hostfeed_rank(const struct hostfeed *f, uint64_t ti)
{
	if (ti >= f->nt)
		return 0;
	return atomic_load_explicit(&f->rank[ti], memory_order_acquire);
}

uint64_t hostfeed_take(struct hostfeed *f, uint64_t now, uint64_t max,
		       uint64_t *wait_ns)
{
	uint64_t n;

	pthread_mutex_lock(&f->lock);
	n = ratelimit_take(&f->rl, now, max, wait_ns);
	pthread_mutex_unlock(&f->lock);
	return n;
}
