/* osmatch.c -- scores a fingerprint against a loaded osdb as nmap 7.93 does. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netstack/base/util.h"
#include "fingerprints/osdb_int.h"

/* nmap's OSSCAN_GUESS_THRESHOLD: worse entries are never listed. */
#define OSMATCH_THRESHOLD 0.85

/* A run of hex digits compared as a number in a bracket (nmap 7.95). */
static int num_match(const struct osdb_seg *sg, uint64_t v)
{
	for (int i = 0; i < sg->nnum; i++) {
		const struct osdb_numalt *na = &sg->num[i];

		switch (na->kind) {
		case OSDB_NUM_LT:
			if (v < na->hi)
				return 1;
			break;
		case OSDB_NUM_GT:
			if (v > na->lo)
				return 1;
			break;
		case OSDB_NUM_RANGE:
			if (v >= na->lo && v <= na->hi)
				return 1;
			break;
		default:
			if (v == na->lo)
				return 1;
			break;
		}
	}
	return 0;
}

/*
 * "M[>500]ST11W[1-5]": each literal must follow exactly, each bracket
 * takes the longest run of hex digits (at least one) and compares it as
 * a number; nothing may be left over.
 */
static int nested_match(const struct osdb_alt *a, const char *s, size_t n)
{
	size_t pos = 0;

	for (int i = 0; i < a->nseg; i++) {
		const struct osdb_seg *sg = &a->seg[i];

		if (n - pos < sg->litlen ||
		    memcmp(s + pos, sg->lit, sg->litlen) != 0)
			return 0;
		pos += sg->litlen;
		if (sg->nnum == 0)
			continue;
		size_t k = pos;
		uint64_t v = 0;

		while (k < n && ((s[k] >= '0' && s[k] <= '9') ||
				 (s[k] >= 'A' && s[k] <= 'F') ||
				 (s[k] >= 'a' && s[k] <= 'f'))) {
			int d = s[k] <= '9'   ? s[k] - '0'
				: s[k] <= 'F' ? s[k] - 'A' + 10
					      : s[k] - 'a' + 10;

			v = v >> 60 ? UINT64_MAX : v << 4 | (uint64_t)d;
			k++;
		}
		if (k == pos || !num_match(sg, v))
			return 0;
		pos = k;
	}
	return pos == n;
}

int osdb_attr_match(const struct osdb_attr *at, const struct osdb_value *v)
{
	for (int i = 0; i < at->nalt; i++) {
		const struct osdb_alt *a = &at->alt[i];

		if (a->seg != NULL) {
			if (nested_match(a, v->s, v->len))
				return 1;
			continue;
		}
		if (v->isnum) {
			switch (a->numkind) {
			case OSDB_NUM_LT:
				if (v->num < a->hi)
					return 1;
				continue;
			case OSDB_NUM_GT:
				if (v->num > a->lo)
					return 1;
				continue;
			case OSDB_NUM_RANGE:
				if (v->num >= a->lo && v->num <= a->hi)
					return 1;
				continue;
			case OSDB_NUM_NEVER:
				continue;
			default:
				break;
			}
		}
		if (a->prefix ? v->len >= a->len : v->len == a->len) {
			if (memcmp(v->s, a->text, a->len) == 0)
				return 1;
		}
	}
	return 0;
}

/* nmap reads a subject value with strtol(val, &end, 16): all of it hex. */
static void set_value(struct osdb_value *v, const char *s)
{
	uint64_t num = 0;
	size_t n = strlen(s);

	v->s = s;
	v->len = (uint16_t)n;
	v->present = 1;
	v->isnum = 1;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		int d = (c >= '0' && c <= '9')   ? c - '0'
			: (c >= 'A' && c <= 'F') ? c - 'A' + 10
			: (c >= 'a' && c <= 'f') ? c - 'a' + 10
						 : -1;

		if (d < 0) {
			v->isnum = 0;
			return;
		}
		/* strtol saturates at LONG_MAX; nmap then keeps 32 bits */
		num = num > (uint64_t)INT64_MAX >> 4 ? (uint64_t)INT64_MAX
						     : num << 4 | (uint64_t)d;
	}
	v->num = (uint32_t)num;
}

static void subject_values(const struct osfp *fp, struct osdb_value *val)
{
	memset(val, 0, sizeof(*val) * OSDB_NSLOTS);
	for (int t = 0; t < OSFP_NTESTS; t++) {
		const struct osfp_test *ft = &fp->test[t];

		if (!ft->present)
			continue;
		for (int i = 0; i < ft->nattrs; i++) {
			const char *name = ft->attr[i].name;
			int s = osdb_slot(t, name, strlen(name));

			if (s >= 0)
				set_value(&val[s], ft->attr[i].value);
		}
	}
}

/*
 * Accuracy of one entry, or -1 once its mismatched weight exceeds what
 * still allows floor: possible never exceeds the entry's total, so the
 * entry cannot reach floor any more (nmap HEAD's shortcut, #2050).
 */
static double score(const struct osdb *db, const struct osdb_entry *e,
		    const struct osdb_value *val, uint8_t *memo, double floor)
{
	uint32_t possible = 0, matched = 0, missed = 0;
	uint32_t max_miss = (uint32_t)((1.0 - floor) * e->total);

	for (int i = 0; i < e->nattrs; i++) {
		uint32_t id = e->attrs[i];
		const struct osdb_attr *at = &db->pairs.v[id];
		const struct osdb_value *v = &val[at->slot];

		if (!v->present)
			continue;
		uint32_t w = db->weight[at->slot];

		possible += w;
		/* memo: 0 not yet asked, 1 matches, 2 does not */
		if (memo[id] == 0)
			memo[id] = osdb_attr_match(at, v) ? 1 : 2;
		if (memo[id] == 1) {
			matched += w;
		} else {
			missed += w;
			if (missed > max_miss)
				return -1;
		}
	}
	return possible ? (double)matched / possible : 0;
}

/*
 * nmap's list discipline (match_fingerprint): one entry per OS name,
 * keeping the better; ties keep database order; once the list is full
 * only a strictly better accuracy gets in.
 */
static int insert(struct osmatch_list *out, const struct osdb_entry *e,
		  double acc)
{
	int n = out->n, pos = 0;

	for (int i = 0; i < n; i++) {
		if (strcmp(out->m[i].name, e->m.name) != 0)
			continue;
		if (out->m[i].accuracy >= acc)
			return 0;
		memmove(&out->m[i], &out->m[i + 1],
			sizeof(out->m[0]) * (size_t)(n - 1 - i));
		n = --out->n;
		break;
	}
	if (acc == 1.0) {
		if (out->nperfect == OSMATCH_MAX)
			return -1; /* nmap: "too many matches", stop */
		out->nperfect++;
	}
	while (pos < n && out->m[pos].accuracy >= acc)
		pos++;
	if (pos >= OSMATCH_MAX)
		return 0;
	if (n == OSMATCH_MAX)
		n--; /* the last one falls off */
	memmove(&out->m[pos + 1], &out->m[pos],
		sizeof(out->m[0]) * (size_t)(n - pos));
	out->m[pos] = e->m;
	out->m[pos].accuracy = acc;
	out->n = n + 1;
	return 0;
}

void osdb_match(const struct osdb *db, const struct osfp *fp,
		struct osmatch_list *out)
{
	struct osdb_value val[OSDB_NSLOTS];
	double entrance = OSMATCH_THRESHOLD;
	uint8_t *memo = xcalloc(db->pairs.n + 1, 1);

	memset(out, 0, sizeof(*out));
	subject_values(fp, val);
	for (size_t i = 0; i < db->n; i++) {
		const struct osdb_entry *e = db->entries[i];
		double acc = score(db, e, val, memo,
				   entrance < 1.0 ? entrance : 1.0);

		if (acc < 0 || (acc < entrance && acc != 1.0))
			continue;
		if (insert(out, e, acc) < 0)
			break;
		if (out->n == OSMATCH_MAX)
			entrance = out->m[OSMATCH_MAX - 1].accuracy + 0.00001;
	}
	free(memo);
}

int osdb_match_best(const struct osdb *db, const struct osfp *fps, int n,
		    struct osmatch_list *out)
{
	struct osmatch_list l;
	double best = 0;
	int at = 0;

	memset(out, 0, sizeof(*out));
	for (int i = 0; i < n; i++) {
		osdb_match(db, &fps[i], &l);
		if (i == 0)
			*out = l;
		if (l.n > 0 && l.nperfect < OSMATCH_MAX &&
		    l.m[0].accuracy > best) {
			best = l.m[0].accuracy;
			at = i;
			*out = l;
			if (l.nperfect > 0)
				break;
		}
	}
	return at;
}
