/* stream.c -- the sweep's order when hosts come while it runs: pass 0 in chunks of the hosts discovery found up since the last. */
#include "engine/sweep/synscan_int.h"

#include <stdlib.h>
#include <time.h>

#include "netstack/base/util.h"

#define SEG_SIZE (1u << SWEEP_CHUNK_SEG_BITS)
#define WAIT_NS 1000000ull /* a poll for new hosts: 1 ms */

static struct sweep_chunk *chunk_at(struct sweep *w, uint64_t k)
{
	return &w->chunk_seg[k >> SWEEP_CHUNK_SEG_BITS][k & (SEG_SIZE - 1)];
}

/* The chunk holding position x (< total), from *hint on. */
static struct sweep_chunk *chunk_of_pos(struct sweep *w, uint64_t x,
					uint64_t *hint)
{
	uint64_t n = atomic_load_explicit(&w->nchunk, memory_order_acquire);
	uint64_t lo = 0, hi = n;
	struct sweep_chunk *c;

	if (*hint < n) {
		c = chunk_at(w, *hint);
		if (x >= c->pos0 && x < c->pos0 + c->nhost * w->np)
			return c;
		if (*hint + 1 < n) {
			c = chunk_at(w, *hint + 1);
			if (x >= c->pos0 && x < c->pos0 + c->nhost * w->np) {
				++*hint;
				return c;
			}
		}
	}
	/* The last chunk whose pos0 <= x. */
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (chunk_at(w, mid)->pos0 <= x)
			lo = mid;
		else
			hi = mid;
	}
	*hint = lo;
	return chunk_at(w, lo);
}

/* The chunk holding feed place h. */
static struct sweep_chunk *chunk_of_host(struct sweep *w, uint64_t h)
{
	uint64_t n = atomic_load_explicit(&w->nchunk, memory_order_acquire);
	uint64_t lo = 0, hi = n;

	if (n == 0)
		return NULL;
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (chunk_at(w, mid)->host0 <= h)
			lo = mid;
		else
			hi = mid;
	}
	{
		struct sweep_chunk *c = chunk_at(w, lo);

		return h >= c->host0 && h < c->host0 + c->nhost ? c : NULL;
	}
}

uint64_t sweep_idx_at(struct sweep *w, uint64_t x, uint64_t *hint)
{
	struct sweep_chunk *c;
	uint64_t l, h;

	if (w->feed == NULL)
		return w->o->sequential ? x : permute_at(&w->perm, x);
	c = chunk_of_pos(w, x, hint);
	l = x - c->pos0;
	if (!w->o->sequential)
		l = permute_at(&c->perm, l);
	h = c->host0 + l % c->nhost;
	return (uint64_t)w->feed->order[h] + (l / c->nhost) * w->nt;
}

uint64_t sweep_pos_of(struct sweep *w, uint64_t idx)
{
	struct sweep_chunk *c;
	uint64_t ti = idx % w->nt, slot = idx / w->nt, r, l;

	if (w->feed == NULL)
		return w->o->sequential ? idx : permute_index(&w->perm, idx);
	r = hostfeed_rank(w->feed, ti);
	if (r == 0 || (c = chunk_of_host(w, r - 1)) == NULL)
		return UINT64_MAX;
	l = (r - 1 - c->host0) + slot * c->nhost;
	return c->pos0 + (w->o->sequential ? l : permute_index(&c->perm, l));
}

/* Places the feed's hosts [w->hosts_placed, n) as one chunk. */
static void place(struct sweep *w, uint64_t n)
{
	uint64_t k = atomic_load(&w->nchunk);
	struct sweep_chunk *c;

	if ((k >> SWEEP_CHUNK_SEG_BITS) >= SWEEP_CHUNK_SEGS)
		abort(); /* more chunks than hosts: cannot happen */
	if (w->chunk_seg[k >> SWEEP_CHUNK_SEG_BITS] == NULL)
		w->chunk_seg[k >> SWEEP_CHUNK_SEG_BITS] =
			xcalloc(SEG_SIZE, sizeof(struct sweep_chunk));
	c = chunk_at(w, k);
	c->host0 = w->hosts_placed;
	c->nhost = n - w->hosts_placed;
	c->pos0 = c->host0 * w->np;
	/* Each chunk its own order; the run's seed makes it repeatable. */
	permute_init(&c->perm, c->nhost * w->np, w->o->seed + k);
	w->hosts_placed = n;
	/* The chunk, then its count, then the positions it adds. */
	atomic_store_explicit(&w->nchunk, k + 1, memory_order_release);
	atomic_store_explicit(&w->total, n * w->np, memory_order_release);
}

int sweep_stream_more(struct sweep *w, int (*stop)(struct sweep *w))
{
	struct timespec ts = { 0, (long)WAIT_NS };

	if (w->feed == NULL || w->np == 0)
		return 0;
	for (;;) {
		/* Closed first: the count read after it is final. */
		int closed = atomic_load(&w->feed->closed);
		uint64_t n = hostfeed_count(w->feed);

		if (n > w->hosts_placed) {
			place(w, n);
			return 1;
		}
		if (closed || stop(w))
			return 0;
		nanosleep(&ts, NULL);
	}
}

void sweep_stream_free(struct sweep *w)
{
	for (size_t i = 0; i < SWEEP_CHUNK_SEGS && w->chunk_seg[i]; i++) {
		free(w->chunk_seg[i]);
		w->chunk_seg[i] = NULL;
	}
}
