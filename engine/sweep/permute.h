/* permute.h -- a seeded bijection on [0, n): the order probes are sent in. */
#ifndef FATHOM_PERMUTE_H
#define FATHOM_PERMUTE_H

#include <stdint.h>

#define PERMUTE_ROUNDS 6

/*
 * A balanced Feistel network over the smallest domain 2^(2h) >= n, made to
 * fit [0, n) by cycle-walking (re-encrypt while the result is >= n; the
 * domain is < 4n, so a few walks on average). Memory is O(1) whatever n
 * is, any index can be computed on its own (shards, resume, retries), and
 * the inverse exists, which the receive path uses to find when a probe
 * was sent. Any round function makes a Feistel network a bijection; this
 * one is a 64-bit mixer keyed per round from the seed.
 */
struct permute {
	uint64_t n;
	unsigned half; /* bits per half */
	uint64_t mask; /* (1 << half) - 1 */
	uint64_t key[PERMUTE_ROUNDS];
};

/* n >= 1. The same (n, seed) always gives the same order. */
void permute_init(struct permute *p, uint64_t n, uint64_t seed);

/* The i-th element of the order; i < n, result < n. */
uint64_t permute_at(const struct permute *p, uint64_t i);

/* The position of v in the order: permute_at(p, permute_index(p, v)) == v. */
uint64_t permute_index(const struct permute *p, uint64_t v);

/*
 * Which of nslices (>= 1) slices of the order holds element v: slice s is
 * the positions s, s + nslices, s + 2 * nslices, ... (zmap's striding), so
 * the slices are disjoint, their union is [0, n), and their sizes differ
 * by at most one. --shard runs slice I of the targets' order.
 */
uint32_t permute_slice(const struct permute *p, uint64_t v, uint32_t nslices);

#endif
