/* targets.c -- target specs of either family kept as merged intervals. */
#include "config.h"

#include "engine/cli/targets.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/cli/targets_int.h"
#include "netstack/base/util.h"

/*
 * The most addresses a set may hold: the whole IPv4 space. Indices,
 * the permutation and the results index are sized for it (targets x
 * ports), and IPv6 sets are held to the same (targets_parse.c).
 */
#define TARGETS_MAX_COUNT (1ull << 32)

struct target_set *targets_new(void)
{
	struct target_set *ts = xmalloc(sizeof(struct target_set));

	ts->family = ADDR_V4;
	return ts;
}

void targets_set_family(struct target_set *ts, int family)
{
	if (ts->inc.n || ts->exc.n || ts->finalized ||
	    (family != 0 && family != ADDR_V4 && family != ADDR_V6)) {
		fprintf(stderr, "fathom: bad targets_set_family\n");
		abort();
	}
	ts->family = family;
}

int targets_family(const struct target_set *ts)
{
	return ts->family;
}

void targets_free(struct target_set *ts)
{
	size_t i;

	if (ts == NULL)
		return;
	for (i = 0; i < ts->nnames; i++)
		free(ts->names[i].name);
	free(ts->names);
	free(ts->inc.v);
	free(ts->exc.v);
	free(ts->before);
	free(ts);
}

/* a - 1; a must not be its family's lowest address. */
static struct addr targets_pred(const struct addr *a)
{
	struct addr r = *a;

	for (int i = (int)addr_bits(a) / 8 - 1; i >= 0; i--)
		if (r.b[i]-- != 0)
			break;
	return r;
}

/* Does an interval starting at first continue or overlap t? */
static int targets_touches(const struct target_iv *t, const struct addr *first)
{
	struct addr next;

	if (addr_cmp(first, &t->first) < 0)
		return 0;
	if (addr_cmp(first, &t->last) <= 0)
		return 1;
	return addr_add(&t->last, 1, &next) == 0 && addr_eq(&next, first);
}

void targets_push(struct target_ivs *l, const struct addr *first,
		  const struct addr *last)
{
	struct target_iv *t;

	if (l->n > 0) {
		t = &l->v[l->n - 1];
		if (targets_touches(t, first)) {
			if (addr_cmp(last, &t->last) > 0)
				t->last = *last;
			return;
		}
	}
	l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
	l->v[l->n].first = *first;
	l->v[l->n].last = *last;
	l->n++;
}

void targets_push_v4(struct target_ivs *l, uint32_t first, uint32_t last)
{
	struct addr f = addr_from_v4(first), t = addr_from_v4(last);

	targets_push(l, &f, &t);
}

void targets_add_name(struct target_set *ts, const struct addr *addr,
		      const char *name)
{
	ts->names = xgrow(ts->names, &ts->capnames, ts->nnames + 1,
			  sizeof(*ts->names));
	ts->names[ts->nnames].addr = *addr;
	ts->names[ts->nnames].seq = ts->nnames;
	ts->names[ts->nnames].name = xstrdup(name);
	ts->nnames++;
}

static int targets_one(struct target_set *ts, const char *token, int exclude,
		       int no_dns, char *err, size_t errlen)
{
	char why[160];

	if (ts->finalized) {
		fprintf(stderr, "fathom: targets changed after finalize\n");
		abort();
	}
	if (targets_token(ts, token, no_dns, exclude ? &ts->exc : &ts->inc,
			  !exclude, why, sizeof(why)) < 0) {
		errf(err, errlen, "bad target '%s': %s", token, why);
		return -1;
	}
	return 0;
}

int targets_add(struct target_set *ts, const char *token, int no_dns, char *err,
		size_t errlen)
{
	return targets_one(ts, token, 0, no_dns, err, errlen);
}

int targets_exclude(struct target_set *ts, const char *token, int no_dns,
		    char *err, size_t errlen)
{
	return targets_one(ts, token, 1, no_dns, err, errlen);
}

/* A piece continues the previous token's last octet list ("…1,2"). */
/* A piece continues the previous token's last octet list ("…1,2"); an
 * IPv6 piece never does (its hex digits may be all decimal). */
static int targets_continues(const char *piece, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (piece[i] == '.' || piece[i] == ':' ||
		    isalpha((unsigned char)piece[i]))
			return 0;
	return 1;
}

int targets_exclude_list(struct target_set *ts, const char *list, int no_dns,
			 char *err, size_t errlen)
{
	const char *p = list;
	char *tok = NULL;
	size_t cap = 0, n = 0;
	int rc = 0, have = 0;

	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		if (have && targets_continues(p, len)) {
			tok = xgrow(tok, &cap, n + len + 2, 1);
			tok[n++] = ',';
		} else {
			if (have &&
			    targets_exclude(ts, tok, no_dns, err, errlen) < 0) {
				rc = -1;
				break;
			}
			n = 0;
			have = 1;
			tok = xgrow(tok, &cap, len + 1, 1);
		}
		memcpy(tok + n, p, len);
		n += len;
		tok[n] = '\0';
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	if (rc == 0 && have)
		rc = targets_exclude(ts, tok, no_dns, err, errlen);
	free(tok);
	return rc;
}

int targets_add_file(struct target_set *ts, const char *path, int exclude,
		     int no_dns, char *err, size_t errlen)
{
	const char *shown = strcmp(path, "-") == 0 ? "stdin" : path;
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	char *tok = NULL, inner[512];
	size_t cap = 0, n = 0, line = 1, tokline = 1;
	int c, rc = 0, comment = 0;

	if (f == NULL) {
		errf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	do {
		c = getc(f);
		if (c == '#')
			comment = 1;
		if (c != EOF && !comment && !isspace(c)) {
			if (n == 0)
				tokline = line;
			/* No target is this long: stop a file with no
			 * blanks (or /dev/zero) from growing without end. */
			if (n >= 4096) {
				errf(err, errlen,
				     "%s:%zu: target longer than "
				     "4096 bytes",
				     shown, tokline);
				rc = -1;
				break;
			}
			tok = xgrow(tok, &cap, n + 2, 1);
			tok[n++] = (char)c;
			continue;
		}
		if (n > 0) {
			tok[n] = '\0';
			n = 0;
			if (targets_one(ts, tok, exclude, no_dns, inner,
					sizeof(inner)) < 0) {
				errf(err, errlen, "%s:%zu: %s", shown, tokline,
				     inner);
				rc = -1;
				break;
			}
		}
		if (c == '\n') {
			line++;
			comment = 0;
		}
	} while (c != EOF);
	if (rc == 0 && ferror(f)) {
		errf(err, errlen, "%s: read error", shown);
		rc = -1;
	}
	if (f != stdin)
		fclose(f);
	free(tok);
	return rc;
}

static int targets_cmp_iv(const void *a, const void *b)
{
	const struct target_iv *x = a, *y = b;

	return addr_cmp(&x->first, &y->first);
}

static int targets_cmp_name(const void *a, const void *b)
{
	const struct target_name *x = a, *y = b;
	int c = addr_cmp(&x->addr, &y->addr);

	if (c != 0)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Sorts and merges overlapping or adjacent intervals in place. */
static void targets_normalize(struct target_ivs *l)
{
	struct target_ivs m = { 0 };
	size_t i;

	if (l->n < 2)
		return;
	qsort(l->v, l->n, sizeof(*l->v), targets_cmp_iv);
	m.v = xcalloc(l->n, sizeof(*m.v));
	m.cap = l->n;
	for (i = 0; i < l->n; i++)
		targets_push(&m, &l->v[i].first, &l->v[i].last);
	free(l->v);
	*l = m;
}

/*
 * One included interval minus the excluded ones from *j on (both lists
 * normalized; *j only moves forward) into out.
 */
static void targets_cut(const struct target_iv *iv,
			const struct target_ivs *exc, size_t *j,
			struct target_ivs *out)
{
	struct addr cur = iv->first, prev;
	const struct addr *end = &iv->last;

	while (*j < exc->n && addr_cmp(&exc->v[*j].last, &cur) < 0)
		(*j)++;
	for (size_t k = *j; k < exc->n; k++) {
		const struct target_iv *x = &exc->v[k];

		if (addr_cmp(&x->first, end) > 0)
			break;
		if (addr_cmp(&x->first, &cur) > 0) {
			prev = targets_pred(&x->first);
			targets_push(out, &cur, &prev);
		}
		if (addr_cmp(&x->last, &cur) >= 0 &&
		    (addr_add(&x->last, 1, &cur) < 0 ||
		     addr_cmp(&cur, end) > 0))
			return; /* excluded to the end of the interval */
	}
	targets_push(out, &cur, end);
}

/* inc minus exc, both normalized. */
static void targets_subtract(struct target_set *ts)
{
	struct target_ivs out = { 0 };
	size_t i, j = 0;

	for (i = 0; i < ts->inc.n; i++)
		targets_cut(&ts->inc.v[i], &ts->exc, &j, &out);
	free(ts->inc.v);
	ts->inc = out;
}

/* Prefix sums; -1 past TARGETS_MAX_COUNT addresses in all. */
static int targets_index(struct target_set *ts)
{
	ts->before = xcalloc(ts->inc.n, sizeof(*ts->before));
	ts->count = 0;
	ts->all_v4 = 1;
	for (size_t i = 0; i < ts->inc.n; i++) {
		struct target_iv *iv = &ts->inc.v[i];
		uint64_t d;

		if (addr_is_v6(&iv->first)) {
			ts->all_v4 = 0;
		} else {
			iv->v4first = addr_v4(&iv->first);
			iv->v4last = addr_v4(&iv->last);
		}
		ts->before[i] = ts->count;
		if (addr_diff(&ts->inc.v[i].last, &ts->inc.v[i].first, &d) <
			    0 ||
		    d >= TARGETS_MAX_COUNT - ts->count) {
			ts->count = 0;
			return -1;
		}
		ts->count += d + 1;
	}
	return 0;
}

/* Keep the first name given per address, and only for kept ones. */
static void targets_prune_names(struct target_set *ts)
{
	size_t i, k;

	if (ts->nnames > 1)
		qsort(ts->names, ts->nnames, sizeof(*ts->names),
		      targets_cmp_name);
	for (i = k = 0; i < ts->nnames; i++) {
		if ((k > 0 &&
		     addr_eq(&ts->names[k - 1].addr, &ts->names[i].addr)) ||
		    targets_index_of(ts, &ts->names[i].addr) < 0) {
			free(ts->names[i].name);
			continue;
		}
		ts->names[k++] = ts->names[i];
	}
	ts->nnames = k;
}

int targets_finalize(struct target_set *ts, char *err, size_t errlen)
{
	if (ts->finalized) {
		fprintf(stderr, "fathom: targets finalized twice\n");
		abort();
	}
	ts->finalized = 1;
	targets_normalize(&ts->inc);
	targets_normalize(&ts->exc);
	if (ts->inc.n == 0) {
		errf(err, errlen, "no targets were specified");
		return -1;
	}
	targets_subtract(ts);
	free(ts->exc.v);
	memset(&ts->exc, 0, sizeof(ts->exc));
	if (ts->inc.n == 0) {
		errf(err, errlen, "no targets left after exclusions");
		return -1;
	}
	if (targets_index(ts) < 0) {
		errf(err, errlen,
		     "the targets add up to more than %llu "
		     "addresses (2^32), the most fathom enumerates",
		     (unsigned long long)TARGETS_MAX_COUNT);
		return -1;
	}
	targets_prune_names(ts);
	return 0;
}

uint64_t targets_count(const struct target_set *ts)
{
	return ts->count;
}

/* The interval holding target index i (< count): largest k, before[k] <= i. */
static size_t interval_of_index(const struct target_set *ts, uint64_t i)
{
	size_t lo = 0, hi = ts->inc.n - 1;

	while (lo < hi) {
		size_t mid = lo + (hi - lo + 1) / 2;

		if (ts->before[mid] <= i)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/* first + off within one interval (off never leaves it). */
static struct addr targets_offset(const struct addr *first, uint64_t off)
{
	struct addr a;

	addr_add(first, off, &a);
	return a;
}

/* The interval holding index i, which must be in range. */
static const struct target_iv *targets_iv_at(const struct target_set *ts,
					     uint64_t i, uint64_t *off)
{
	size_t k;

	if (i >= ts->count) {
		fprintf(stderr, "fathom: target index %llu out of range\n",
			(unsigned long long)i);
		abort();
	}
	k = interval_of_index(ts, i);
	*off = i - ts->before[k];
	return &ts->inc.v[k];
}

struct addr targets_at(const struct target_set *ts, uint64_t i)
{
	uint64_t off;
	const struct target_iv *iv = targets_iv_at(ts, i, &off);
	uint32_t v;
	struct addr a = { .family = ADDR_V4 };

	if (addr_is_v6(&iv->first))
		return targets_offset(&iv->first, off);
	/* Once a probe: integer arithmetic, no call into addr.c. */
	v = iv->v4first + (uint32_t)off;
	a.b[0] = (uint8_t)(v >> 24);
	a.b[1] = (uint8_t)(v >> 16);
	a.b[2] = (uint8_t)(v >> 8);
	a.b[3] = (uint8_t)v;
	return a;
}

uint32_t targets_at_v4(const struct target_set *ts, uint64_t i)
{
	uint64_t off;
	const struct target_iv *iv = targets_iv_at(ts, i, &off);

	if (addr_is_v6(&iv->first)) {
		fprintf(stderr, "fathom: targets_at_v4 on an IPv6 target\n");
		abort();
	}
	return iv->v4first + (uint32_t)off;
}

/* index_of for a set of IPv4 intervals: integer compares only. */
static int64_t targets_index_of_v4(const struct target_set *ts, uint32_t v)
{
	size_t lo = 0, hi = ts->inc.n - 1;

	if (v < ts->inc.v[0].v4first)
		return -1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo + 1) / 2;

		if (ts->inc.v[mid].v4first <= v)
			lo = mid;
		else
			hi = mid - 1;
	}
	if (v > ts->inc.v[lo].v4last)
		return -1;
	return (int64_t)(ts->before[lo] + (v - ts->inc.v[lo].v4first));
}

int64_t targets_index_of(const struct target_set *ts, const struct addr *addr)
{
	size_t lo = 0, hi;
	uint64_t off;

	if (ts->count == 0)
		return -1;
	if (ts->all_v4)
		return addr_is_v6(addr)
			       ? -1
			       : targets_index_of_v4(ts, addr_v4(addr));
	if (addr_cmp(addr, &ts->inc.v[0].first) < 0)
		return -1;
	/* Largest k with first <= addr. */
	hi = ts->inc.n - 1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo + 1) / 2;

		if (addr_cmp(&ts->inc.v[mid].first, addr) <= 0)
			lo = mid;
		else
			hi = mid - 1;
	}
	if (addr_cmp(addr, &ts->inc.v[lo].last) > 0 ||
	    addr_diff(addr, &ts->inc.v[lo].first, &off) < 0)
		return -1;
	return (int64_t)(ts->before[lo] + off);
}

const char *targets_name(const struct target_set *ts, const struct addr *addr)
{
	size_t lo = 0, hi = ts->nnames;

	/* Sorted and unique per address only once finalize succeeded. */
	if (ts->count == 0)
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = addr_cmp(&ts->names[mid].addr, addr);

		if (c == 0)
			return ts->names[mid].name;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

size_t targets_nintervals(const struct target_set *ts)
{
	return ts->inc.n;
}

void targets_interval(const struct target_set *ts, size_t k, struct addr *first,
		      struct addr *last)
{
	*first = ts->inc.v[k].first;
	*last = ts->inc.v[k].last;
}

struct target_set *targets_slice(const struct target_set *ts, uint64_t first,
				 uint64_t count)
{
	struct target_set *out = targets_new();
	uint64_t end = first + count;
	char err[64];

	out->family = ts->family;
	if (end > ts->count)
		end = ts->count;
	/*
	 * Interval by interval: a /8 slice stays one interval. Only the
	 * first needs a search; the slice then walks the intervals.
	 */
	if (first < end) {
		size_t k = interval_of_index(ts, first);
		struct addr a = targets_offset(&ts->inc.v[k].first,
					       first - ts->before[k]);

		for (;;) {
			uint64_t run;
			struct addr b;

			addr_diff(&ts->inc.v[k].last, &a, &run);
			run++;
			if (run > end - first)
				run = end - first;
			b = targets_offset(&a, run - 1);
			targets_push(&out->inc, &a, &b);
			first += run;
			if (first >= end || ++k >= ts->inc.n)
				break;
			a = ts->inc.v[k].first;
		}
	}
	/* finalize keeps only the names of addresses in the slice. */
	for (size_t i = 0; i < ts->nnames; i++)
		targets_add_name(out, &ts->names[i].addr, ts->names[i].name);
	if (targets_finalize(out, err, sizeof(err)) < 0) {
		targets_free(out);
		return NULL;
	}
	return out;
}
