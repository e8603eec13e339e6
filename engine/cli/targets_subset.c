/* targets_subset.c -- a target set narrowed to chosen addresses (discovery's up hosts). */
#include "engine/cli/targets_int.h"

struct target_set *targets_subset(const struct target_set *ts,
				  const struct addr *keep, size_t n)
{
	struct target_set *out;
	char err[64];

	if (n == 0)
		return NULL;
	out = targets_new();
	out->family = ts->family;
	/* Ascending: neighbours merge into one interval as they come. */
	for (size_t i = 0; i < n; i++)
		targets_push(&out->inc, &keep[i], &keep[i]);
	/* finalize keeps only the names of addresses in the subset. */
	for (size_t i = 0; i < ts->nnames; i++)
		targets_add_name(out, &ts->names[i].addr, ts->names[i].name);
	if (targets_finalize(out, err, sizeof(err)) < 0) {
		targets_free(out);
		return NULL;
	}
	return out;
}
