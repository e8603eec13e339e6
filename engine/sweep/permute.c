/* permute.c -- a seeded bijection on [0, n): the order probes are sent in. */
#include "engine/sweep/permute.h"

static uint64_t mix64(uint64_t x)
{
	/* The splitmix64 finaliser: full avalanche in three multiplies. */
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return x;
}

void permute_init(struct permute *p, uint64_t n, uint64_t seed)
{
	unsigned bits = 0;

	p->n = n ? n : 1;
	while (bits < 64 && (1ull << bits) < p->n)
		bits++;
	p->half = (bits + 1) / 2;
	if (p->half == 0)
		p->half = 1;
	p->mask = (1ull << p->half) - 1;
	for (int r = 0; r < PERMUTE_ROUNDS; r++) {
		seed = mix64(seed + 0x9e3779b97f4a7c15ull * (uint64_t)(r + 1));
		p->key[r] = seed;
	}
}

static uint64_t feistel_fwd(const struct permute *p, uint64_t x)
{
	uint64_t l = (x >> p->half) & p->mask, r = x & p->mask, t;

	for (int i = 0; i < PERMUTE_ROUNDS; i++) {
		t = r;
		r = l ^ (mix64(r ^ p->key[i]) & p->mask);
		l = t;
	}
	return (l << p->half) | r;
}

static uint64_t feistel_inv(const struct permute *p, uint64_t x)
{
	uint64_t l = (x >> p->half) & p->mask, r = x & p->mask, t;

	for (int i = PERMUTE_ROUNDS - 1; i >= 0; i--) {
		t = l;
		l = r ^ (mix64(l ^ p->key[i]) & p->mask);
		r = t;
	}
	return (l << p->half) | r;
}

uint64_t permute_at(const struct permute *p, uint64_t i)
{
	/* Cycle-walking: the cycle through i must re-enter [0, n). */
	do
		i = feistel_fwd(p, i);
	while (i >= p->n);
	return i;
}

uint64_t permute_index(const struct permute *p, uint64_t v)
{
	do
		v = feistel_inv(p, v);
	while (v >= p->n);
	return v;
}

uint32_t permute_slice(const struct permute *p, uint64_t v, uint32_t nslices)
{
	return (uint32_t)(permute_index(p, v) % (nslices ? nslices : 1));
}
