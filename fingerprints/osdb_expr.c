/* osdb_expr.c -- the compiled parts of an osdb: arena, interned (attribute, expression) pairs, expression compiler. */
#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netstack/base/util.h"
#include "fingerprints/osdb_int.h"

#define OSDB_MAX_ALTS 64

/* ---- arena: one per load, spliced into the db when the load succeeds */

struct osdb_chunk {
	struct osdb_chunk *next;
	size_t used, cap;
	_Alignas(16) unsigned char mem[];
};

void *osdb_arena_alloc(struct osdb_chunk **head, size_t n)
{
	struct osdb_chunk *c = *head;

	n = (n + 15) & ~(size_t)15;
	if (c == NULL || c->cap - c->used < n) {
		size_t cap = n > 65536 ? n : 65536;

		c = xmalloc(sizeof(*c) + cap);
		c->cap = cap;
		c->used = 0;
		c->next = *head;
		*head = c;
	}
	void *p = c->mem + c->used;

	c->used += n;
	memset(p, 0, n);
	return p;
}

char *osdb_arena_strndup(struct osdb_chunk **head, const char *s, size_t n)
{
	char *p = osdb_arena_alloc(head, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void osdb_arena_splice(struct osdb_chunk **into, struct osdb_chunk *from)
{
	struct osdb_chunk *tail = from;

	if (from == NULL)
		return;
	while (tail->next != NULL)
		tail = tail->next;
	tail->next = *into;
	*into = from;
}

void osdb_arena_free(struct osdb_chunk *c)
{
	while (c != NULL) {
		struct osdb_chunk *next = c->next;

		free(c);
		c = next;
	}
}

/* ---- distinct (attribute, expression) pairs */

uint32_t osdb_pair_hash(const struct osdb_attr *a)
{
	uint32_t h = 2166136261u ^ a->slot; /* FNV-1a */

	for (uint32_t i = 0; i < a->srclen; i++)
		h = (h ^ (unsigned char)a->src[i]) * 16777619u;
	return h;
}

static int pair_eq(const struct osdb_attr *x, const struct osdb_attr *y)
{
	return x->hash == y->hash && x->slot == y->slot &&
	       x->srclen == y->srclen && memcmp(x->src, y->src, x->srclen) == 0;
}

/* The number of a pair equal to a (hash filled in), or -1. */
long osdb_table_find(const struct osdb_table *t, const struct osdb_attr *a)
{
	if (t->icap == 0)
		return -1;
	for (size_t i = a->hash & (t->icap - 1);; i = (i + 1) & (t->icap - 1)) {
		uint32_t k = t->index[i];

		if (k == 0)
			return -1;
		if (pair_eq(&t->v[k - 1], a))
			return (long)k - 1;
	}
}

static void table_index(struct osdb_table *t, uint32_t id)
{
	size_t i = t->v[id].hash & (t->icap - 1);

	while (t->index[i] != 0)
		i = (i + 1) & (t->icap - 1);
	t->index[i] = id + 1;
}

/* Appends a (not yet present) and returns its number. */
uint32_t osdb_table_add(struct osdb_table *t, const struct osdb_attr *a)
{
	uint32_t id = (uint32_t)t->n;

	t->v = xgrow(t->v, &t->cap, t->n + 1, sizeof(*t->v));
	t->v[t->n++] = *a;
	if (t->n * 2 > t->icap) {
		free(t->index);
		t->icap = t->icap ? t->icap * 2 : 1024;
		t->index = xcalloc(t->icap, sizeof(*t->index));
		for (uint32_t k = 0; k < t->n; k++)
			table_index(t, k);
	} else {
		table_index(t, id);
	}
	return id;
}

void osdb_table_free(struct osdb_table *t)
{
	free(t->v);
	free(t->index);
	memset(t, 0, sizeof(*t));
}

/* ---- expressions */

static int reason(char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int reason(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return -1;
}

static int is_hex(char c)
{
	return isxdigit((unsigned char)c) != 0;
}

/* Hex digits s[0..n) as strtol would read them, saturating like it. */
static uint64_t hex_value(const char *s, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++) {
		int d = isdigit((unsigned char)s[i])
				? s[i] - '0'
				: (tolower((unsigned char)s[i]) - 'a' + 10);

		if (v > (uint64_t)LONG_MAX >> 4)
			return (uint64_t)LONG_MAX;
		v = v << 4 | (uint64_t)d;
	}
	return v > (uint64_t)LONG_MAX ? (uint64_t)LONG_MAX : v;
}

static size_t hex_run(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && is_hex(s[i]))
		i++;
	return i;
}

/* "HEX", "HEX-HEX", ">HEX", "<HEX" inside brackets; 0 or -1. */
static int parse_numalt(const char *s, size_t n, struct osdb_numalt *na)
{
	size_t k;

	if (n > 0 && (s[0] == '<' || s[0] == '>')) {
		k = hex_run(s + 1, n - 1);
		if (k == 0 || k != n - 1)
			return -1;
		na->kind = s[0] == '<' ? OSDB_NUM_LT : OSDB_NUM_GT;
		na->lo = na->hi = hex_value(s + 1, k);
		return 0;
	}
	k = hex_run(s, n);
	if (k == 0)
		return -1;
	na->lo = na->hi = hex_value(s, k);
	if (k == n) {
		na->kind = OSDB_NUM_TEXT;
		return 0;
	}
	size_t k2 = hex_run(s + k + 1, n - k - 1);

	if (s[k] != '-' || k2 == 0 || k + 1 + k2 != n)
		return -1;
	na->kind = OSDB_NUM_RANGE;
	na->hi = hex_value(s + k + 1, k2);
	return na->hi > na->lo ? 0 : -1;
}

/* Compiles "M[>500]ST11W[1-5]" into segments; 0 or -1 with err. */
static int compile_nested(struct osdb_chunk **arena, struct osdb_alt *a,
			  char *why, size_t whylen)
{
	struct osdb_seg segs[16];
	int nseg = 0;

	memset(segs, 0, sizeof(segs));
	const char *p = a->text, *end = a->text + a->len;

	while (p <= end) {
		const char *b = memchr(p, '[', (size_t)(end - p));
		struct osdb_seg *sg = &segs[nseg];

		if (nseg == 16)
			return reason(why, whylen, "too many [...]");
		sg->lit = p;
		sg->litlen = (uint16_t)((b ? b : end) - p);
		if (memchr(p, ']', sg->litlen) != NULL)
			return reason(why, whylen, "']' without '['");
		nseg++;
		if (b == NULL)
			break;
		const char *c = memchr(b, ']', (size_t)(end - b));

		if (c == NULL)
			return reason(why, whylen, "unterminated '['");
		struct osdb_numalt na[OSDB_MAX_ALTS];
		int nn = 0;

		for (const char *q = b + 1; q <= c; nn++) {
			const char *bar = memchr(q, '|', (size_t)(c - q));
			const char *e = bar ? bar : c;

			if (nn == OSDB_MAX_ALTS ||
			    parse_numalt(q, (size_t)(e - q), &na[nn]) < 0)
				return reason(why, whylen, "bad [%.*s]",
					      (int)(c - b - 1), b + 1);
			q = e + 1;
		}
		struct osdb_numalt *num =
			osdb_arena_alloc(arena, sizeof(*num) * (size_t)nn);

		memcpy(num, na, sizeof(*num) * (size_t)nn);
		sg->num = num;
		sg->nnum = (uint16_t)nn;
		p = c + 1;
	}
	struct osdb_seg *out =
		osdb_arena_alloc(arena, sizeof(*out) * (size_t)nseg);

	memcpy(out, segs, sizeof(*out) * (size_t)nseg);
	a->seg = out;
	a->nseg = (uint16_t)nseg;
	return 0;
}

/* Splits s (n bytes) at '|' outside brackets into alts; 0 or -1 with why. */
static int split_alts(const char *s, size_t n, struct osdb_alt *alts, int *nalt,
		      char *why, size_t whylen)
{
	int k = 0, depth = 0;
	size_t start = 0;

	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] == '[')
			depth++;
		else if (i < n && s[i] == ']')
			depth--;
		if (i < n && (s[i] != '|' || depth > 0))
			continue;
		if (k == OSDB_MAX_ALTS)
			return reason(why, whylen, "too many alternatives");
		alts[k].text = s + start;
		alts[k].len = (uint16_t)(i - start);
		alts[k].prefix = i < n;
		k++;
		start = i + 1;
	}
	*nalt = k;
	return 0;
}

/*
 * An alternative when it or a later one has a '-': "LO-HI" is a range,
 * one without a '-' never matches a number. 0 or -1 with why.
 */
static int compile_range(struct osdb_alt *a, char *why, size_t whylen)
{
	const char *t = a->text;
	size_t len = a->len, h = hex_run(t, len), h2;

	if (memchr(t, '-', len) == NULL) {
		a->numkind = OSDB_NUM_NEVER;
		return 0;
	}
	h2 = h < len ? hex_run(t + h + 1, len - h - 1) : 0;
	if (h == 0 || t[h] != '-' || h2 == 0 || h + 1 + h2 != len)
		return reason(why, whylen, "bad range '%.*s'", (int)len, t);
	a->numkind = OSDB_NUM_RANGE;
	a->lo = (uint32_t)hex_value(t, h);
	a->hi = (uint32_t)hex_value(t + h + 1, h2);
	if (a->hi <= a->lo) /* nmap asserts hi > lo */
		return reason(why, whylen, "empty range '%.*s'", (int)len, t);
	return 0;
}

/* How alternative k of nalt treats numbers; 0 or -1 with why. */
static int compile_alt(struct osdb_chunk **arena, struct osdb_alt *alts,
		       int nalt, int k, char *why, size_t whylen)
{
	struct osdb_alt *a = &alts[k];
	const char *t = a->text;
	size_t len = a->len, h;
	int dash_later = 0;

	if (memchr(t, '[', len) || memchr(t, ']', len)) {
		if (compile_nested(arena, a, why, whylen) < 0)
			return -1;
		a->numkind = OSDB_NUM_TEXT;
		return 0;
	}
	for (int j = k; j < nalt && !dash_later; j++)
		dash_later = memchr(alts[j].text, '-', alts[j].len) != NULL;
	if (len > 0 && (t[0] == '<' || t[0] == '>')) {
		h = hex_run(t + 1, len - 1);
		if (h == 0 || h != len - 1)
			return reason(why, whylen, "bad comparison '%.*s'",
				      (int)len, t);
		a->numkind = t[0] == '<' ? OSDB_NUM_LT : OSDB_NUM_GT;
		a->lo = a->hi = (uint32_t)hex_value(t + 1, h);
	} else if (dash_later) {
		return compile_range(a, why, whylen);
	} else {
		a->numkind = OSDB_NUM_TEXT;
	}
	return 0;
}

/*
 * Splits an expression at '|' outside brackets and decides, once, how
 * each alternative treats numeric values (the 7.93 rules in osdb_int.h).
 */
int osdb_compile_expr(struct osdb_chunk **arena, struct osdb_attr *at,
		      const char *s, size_t n, char *why, size_t whylen)
{
	struct osdb_alt alts[OSDB_MAX_ALTS];
	int nalt = 0;

	memset(alts, 0, sizeof(alts));
	if (split_alts(s, n, alts, &nalt, why, whylen) < 0)
		return -1;
	for (int k = 0; k < nalt; k++)
		if (compile_alt(arena, alts, nalt, k, why, whylen) < 0)
			return -1;
	struct osdb_alt *out =
		osdb_arena_alloc(arena, sizeof(*out) * (size_t)nalt);

	memcpy(out, alts, sizeof(*out) * (size_t)nalt);
	at->alt = out;
	at->nalt = (uint16_t)nalt;
	return 0;
}
