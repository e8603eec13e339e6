/* targets_int.h -- what targets.c (the set) shares with targets_parse.c (the syntax). */
#ifndef FATHOM_TARGETS_INT_H
#define FATHOM_TARGETS_INT_H

#include <stddef.h>
#include <stdint.h>

#include "engine/cli/targets.h"
#include "netstack/addr.h"

/* Inclusive, one family: merging never joins across families because
 * the last IPv4 address has no successor (addr_add fails). */
struct target_iv {
	struct addr first, last;
	/* Host order, set by finalize for IPv4 intervals: the sweep's
	 * lookups stay integer arithmetic, as before struct addr. */
	uint32_t v4first, v4last;
};

struct target_ivs {
	struct target_iv *v;
	size_t n, cap;
};

struct target_name {
	struct addr addr;
	size_t seq; /* order given: the first name for an address wins */
	char *name;
};

struct target_set {
	int family; /* ADDR_V4, ADDR_V6, or 0: either (see targets.h) */
	struct target_ivs inc, exc; /* exc is only used until finalize */
	uint64_t *before; /* before[k]: addresses in intervals 0..k-1 */
	uint64_t count;
	int all_v4; /* every interval IPv4: index_of may use v4first/last */
	struct target_name *names;
	size_t nnames, capnames;
	int finalized;
};

/*
 * Appends [first, last], merging into the previous interval when they
 * overlap or touch: tokens expand in ascending order, so
 * "198.18.0-255.0-255" collapses to one interval as it is generated.
 */
void targets_push(struct target_ivs *l, const struct addr *first,
		  const struct addr *last);
/* The same for an IPv4 interval in host order (the octet expander). */
void targets_push_v4(struct target_ivs *l, uint32_t first, uint32_t last);

/* Remembers the name the user typed for addr (first one wins). */
void targets_add_name(struct target_set *ts, const struct addr *addr,
		      const char *name);

/*
 * Parses one token into out (targets_parse.c); records hostnames in ts
 * when names != 0. On error writes only the reason to why; the caller
 * adds the token.
 */
int targets_token(struct target_set *ts, const char *token, int no_dns,
		  struct target_ivs *out, int names, char *why, size_t whylen);

#endif
