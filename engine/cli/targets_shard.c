/* targets_shard.c -- a target set narrowed to one shard's slice of a seeded permutation. */
#include "engine/cli/targets_int.h"
#include "engine/sweep/permute.h"

struct target_set *targets_shard(const struct target_set *ts, uint64_t seed,
				 uint32_t nshards, uint32_t shard)
{
	struct target_set *out;
	struct permute p;
	char err[64];

	if (ts->count == 0 || nshards == 0 || shard >= nshards)
		return NULL;
	permute_init(&p, ts->count, seed);
	out = targets_new();
	out->family = ts->family;
	/*
	 * Walk the set in address order and keep what the slice holds:
	 * ascending, so neighbours merge into one interval as they come,
	 * and the result needs no sort.
	 */
	for (uint64_t i = 0; i < ts->count; i++) {
		struct addr a;

		if (permute_slice(&p, i, nshards) != shard)
			continue;
		a = targets_at(ts, i);
		targets_push(&out->inc, &a, &a);
	}
	if (out->inc.n == 0) {
		targets_free(out);
		return NULL;
	}
	for (size_t i = 0; i < ts->nnames; i++)
		targets_add_name(out, &ts->names[i].addr, ts->names[i].name);
	if (targets_finalize(out, err, sizeof(err)) < 0) {
		targets_free(out);
		return NULL;
	}
	return out;
}
