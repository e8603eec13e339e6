/* osdb.c -- loads nmap-os-db files into precompiled entries (osmatch.h). */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netstack/base/util.h"
#include "fingerprints/osdb_int.h"

/*
 * The grammar, as nmap 7.93 reads it (parse_fingerprint_file):
 *
 *   # comment                   anywhere, '#' in column 1
 *   MatchPoints                 then test lines giving integer weights
 *   Fingerprint <name>          a '#' ends the name
 *   Class vendor | family | generation | device type   (generation may
 *                               be empty), one or more
 *   CPE cpe:/... [auto]         belongs to the Class above it
 *   TEST(NAME=expr%NAME=expr)   expressions: see osdb_int.h
 *
 * A blank line ends a block. nmap skips a bad line with a warning and
 * goes on; we refuse the whole file so nothing is half-loaded.
 */
#define OSDB_LINE_MAX 65536
#define OSDB_MAX_CLASSES 64

/* Attribute names per test, in nmap's order; slots number them. */
static const char *const attr_names[OSFP_NTESTS][12] = {
	{ "SP", "GCD", "ISR", "TI", "CI", "II", "SS", "TS" },
	{ "O1", "O2", "O3", "O4", "O5", "O6" },
	{ "W1", "W2", "W3", "W4", "W5", "W6" },
	{ "R", "DF", "T", "TG", "W", "O", "CC", "Q" },
	{ "R", "DF", "T", "TG", "S", "A", "F", "RD", "Q" },
	{ "R", "DF", "T", "TG", "W", "S", "A", "F", "O", "RD", "Q" },
	{ "R", "DF", "T", "TG", "W", "S", "A", "F", "O", "RD", "Q" },
	{ "R", "DF", "T", "TG", "W", "S", "A", "F", "O", "RD", "Q" },
	{ "R", "DF", "T", "TG", "W", "S", "A", "F", "O", "RD", "Q" },
	{ "R", "DF", "T", "TG", "W", "S", "A", "F", "O", "RD", "Q" },
	{ "R", "DF", "T", "TG", "W", "S", "A", "F", "O", "RD", "Q" },
	{ "R", "DF", "T", "TG", "IPL", "UN", "RIPL", "RID", "RIPCK", "RUCK",
	  "RUD" },
	{ "R", "DFI", "T", "TG", "CD" },
};

/*
 * nmap 7.93's MatchPoints, used until a file brings its own, so a small
 * database of fathom's (fingerprints/fathom-os-db) needs none.
 */
static const uint16_t default_weights[OSDB_NSLOTS] = {
	25,  75, 25, 100, 50,  100, 80,  100,                /* SEQ */
	20,  20, 20, 20,  20,  20,                           /* OPS */
	15,  15, 15, 15,  15,  15,                           /* WIN */
	100, 20, 15, 15,  15,  15,  100, 20,                 /* ECN */
	100, 20, 15, 15,  20,  20,  30,  20,  20,            /* T1 */
	80,  20, 15, 15,  25,  20,  20,  30,  10,  20,  20,  /* T2 */
	80,  20, 15, 15,  25,  20,  20,  30,  10,  20,  20,  /* T3 */
	100, 20, 15, 15,  25,  20,  20,  30,  10,  20,  20,  /* T4 */
	100, 20, 15, 15,  25,  20,  20,  30,  10,  20,  20,  /* T5 */
	100, 20, 15, 15,  25,  20,  20,  30,  10,  20,  20,  /* T6 */
	80,  20, 15, 15,  25,  20,  20,  30,  10,  20,  20,  /* T7 */
	50,  20, 15, 15,  100, 100, 100, 100, 100, 100, 100, /* U1 */
	50,  40, 15, 15,  100,                               /* IE */
};

/* Where each test's attributes start among the slots; the last is the end. */
static const int first_slot[OSFP_NTESTS + 1] = {
	0, 8, 14, 20, 28, 37, 48, 59, 70, 81, 92, 103, 114, OSDB_NSLOTS,
};

int osdb_slot(int test, const char *name, size_t len)
{
	if (test < 0 || test >= OSFP_NTESTS)
		return -1;
	for (int i = 0; i < 12 && attr_names[test][i]; i++)
		if (strlen(attr_names[test][i]) == len &&
		    memcmp(attr_names[test][i], name, len) == 0)
			return first_slot[test] + i;
	return -1;
}

int osdb_slot_test(int slot)
{
	for (int t = OSFP_NTESTS - 1; t >= 0; t--)
		if (slot >= first_slot[t])
			return t;
	return -1;
}

const char *osdb_slot_name(int slot)
{
	int t = osdb_slot_test(slot);

	if (t < 0 || slot >= OSDB_NSLOTS)
		return NULL;
	return attr_names[t][slot - first_slot[t]];
}

struct osdb *osdb_new(void)
{
	struct osdb *db = xmalloc(sizeof(*db));

	memcpy(db->weight, default_weights, sizeof(db->weight));
	return db;
}

void osdb_free(struct osdb *db)
{
	if (db == NULL)
		return;
	osdb_arena_free(db->chunks);
	osdb_table_free(&db->pairs);
	free(db->entries);
	free(db);
}

size_t osdb_count(const struct osdb *db)
{
	return db->n;
}

/* ---- one load */

struct load {
	const char *file; /* arena copy */
	int line;
	char *err;
	size_t errlen;
	struct osdb_chunk *arena;
	struct osdb_entry **entries;
	size_t n, cap;
	struct osdb_entry *cur;     /* entry being read, or NULL */
	int cur_tests[OSFP_NTESTS]; /* test lines seen in cur */
	struct osdb_table pairs;    /* this file's distinct pairs */
	struct {
		uint16_t slot;
		uint32_t id;
	} attrs[OSDB_NSLOTS];
	int nattrs;
	struct osclass classes[OSDB_MAX_CLASSES];
	int nclasses;
	int in_points;   /* inside a MatchPoints block */
	int points_line; /* this file's MatchPoints, 0 none */
	uint16_t weight[OSDB_NSLOTS];
};

static int lerr(struct load *L, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int lerr(struct load *L, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	errf(L->err, L->errlen, "%s:%d: %s", L->file, L->line, msg);
	return -1;
}

/* "T1(R=Y%DF=N)": test id and body; -1 with err. */
static int split_test(struct load *L, const char *s, size_t n, int *id,
		      const char **body, size_t *blen)
{
	const char *open = memchr(s, '(', n);
	char name[8];

	if (open == NULL || s[n - 1] != ')')
		return lerr(L, "expected TEST(NAME=value%%...) or a directive");
	if ((size_t)(open - s) >= sizeof(name) || open == s)
		return lerr(L, "unknown test '%.*s'", (int)(open - s), s);
	memcpy(name, s, (size_t)(open - s));
	name[open - s] = '\0';
	*id = osfp_test_lookup(name);
	if (*id < 0)
		return lerr(L, "unknown test '%s'", name);
	*body = open + 1;
	*blen = (size_t)(s + n - 1 - *body);
	if (memchr(*body, '(', *blen) || memchr(*body, ')', *blen))
		return lerr(L, "stray parenthesis in %s(...)", name);
	return 0;
}

/*
 * Walks "NAME=value%NAME=value" calling fn for each; rejects unknown and
 * repeated names. An empty body ("T2()") has no attributes.
 */
static int each_attr(struct load *L, int id, const char *b, size_t n,
		     int (*fn)(struct load *, int, const char *, size_t,
			       const char *),
		     uint8_t *seen)
{
	const char *tn = osfp_test_name(id);
	size_t i = 0;

	while (i < n) {
		const char *pct = memchr(b + i, '%', n - i);
		size_t e = pct ? (size_t)(pct - b) : n;
		const char *eq = memchr(b + i, '=', e - i);
		char what[24];

		if (eq == NULL || eq == b + i)
			return lerr(L, "expected NAME=value in %s(...)", tn);
		int slot = osdb_slot(id, b + i, (size_t)(eq - (b + i)));

		if (slot < 0)
			return lerr(L, "%s has no attribute '%.*s'", tn,
				    (int)(eq - (b + i)), b + i);
		snprintf(what, sizeof(what), "%s.%s", tn, osdb_slot_name(slot));
		if (seen[slot])
			return lerr(L, "attribute %s given twice", what);
		seen[slot] = 1;
		if (fn(L, slot, eq + 1, (size_t)(b + e - eq - 1), what) < 0)
			return -1;
		if (pct != NULL && e + 1 == n)
			return lerr(L, "expected NAME=value in %s(...)", tn);
		i = e + 1;
	}
	return 0;
}

static int add_weight(struct load *L, int slot, const char *v, size_t n,
		      const char *what)
{
	uint64_t w = 0;

	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)v[i]) || w > 9999)
			return lerr(L, "weight of %s must be 1-65535", what);
		w = w * 10 + (uint64_t)(v[i] - '0');
	}
	if (n == 0 || w == 0 || w > 65535)
		return lerr(L, "weight of %s must be 1-65535", what);
	L->weight[slot] = (uint16_t)w;
	return 0;
}

static int add_expr(struct load *L, int slot, const char *v, size_t n,
		    const char *what)
{
	struct osdb_attr at;
	long id;

	memset(&at, 0, sizeof(at));
	at.slot = (uint16_t)slot;
	at.src = v;
	at.srclen = (uint32_t)n;
	at.hash = osdb_pair_hash(&at);
	id = osdb_table_find(&L->pairs, &at);
	if (id < 0) {
		char why[160];

		at.src = osdb_arena_strndup(&L->arena, v, n); /* caller's */
		if (osdb_compile_expr(&L->arena, &at, at.src, n, why,
				      sizeof(why)) < 0)
			return lerr(L, "%s in %s", why, what);
		id = (long)osdb_table_add(&L->pairs, &at);
	}
	L->attrs[L->nattrs].slot = (uint16_t)slot;
	L->attrs[L->nattrs].id = (uint32_t)id;
	L->nattrs++;
	return 0;
}

static int test_line(struct load *L, const char *s, size_t n)
{
	int id = -1;
	const char *body = NULL;
	size_t blen = 0;
	uint8_t seen[OSDB_NSLOTS];

	if (split_test(L, s, n, &id, &body, &blen) < 0)
		return -1;
	memset(seen, 0, sizeof(seen));
	if (L->in_points) {
		/* weights only for what this block names: see osmatch.h */
		return each_attr(L, id, body, blen, add_weight, seen);
	}
	if (L->cur_tests[id])
		return lerr(L, "test %s given twice", osfp_test_name(id));
	L->cur_tests[id] = 1;
	/*
	 * nmap-os-db writes "OPS(R=N)" for SEQ, OPS and WIN, which have no R
	 * attribute: nmap reads it as a test with nothing to compare.
	 */
	if (blen == 3 && memcmp(body, "R=N", 3) == 0 &&
	    osdb_slot(id, "R", 1) < 0)
		return 0;
	return each_attr(L, id, body, blen, add_expr, seen);
}

static int cmp_attr(const void *a, const void *b)
{
	const uint16_t *x = a, *y = b; /* each element starts with its slot */

	return (int)*x - (int)*y;
}

/* Ends the current Fingerprint: checks it and stores it. */
static int finish_entry(struct load *L)
{
	struct osdb_entry *e = L->cur;
	int line = L->line;

	if (e == NULL)
		return 0;
	L->cur = NULL;
	L->line = e->m.line;
	if (L->nclasses == 0)
		return lerr(L, "Fingerprint %s has no Class line", e->m.name);
	if (L->nattrs == 0)
		return lerr(L, "Fingerprint %s has no test lines", e->m.name);
	L->line = line;
	qsort(L->attrs, (size_t)L->nattrs, sizeof(L->attrs[0]), cmp_attr);
	uint32_t *at =
		osdb_arena_alloc(&L->arena, sizeof(*at) * (size_t)L->nattrs);
	struct osclass *cl =
		osdb_arena_alloc(&L->arena, sizeof(*cl) * (size_t)L->nclasses);

	for (int i = 0; i < L->nattrs; i++)
		at[i] = L->attrs[i].id; /* this file's numbers until commit */
	memcpy(cl, L->classes, sizeof(*cl) * (size_t)L->nclasses);
	e->attrs = at;
	e->nattrs = (uint16_t)L->nattrs;
	e->m.classes = cl;
	e->m.nclasses = L->nclasses;
	L->entries = xgrow(L->entries, &L->cap, L->n + 1, sizeof(*L->entries));
	L->entries[L->n++] = e;
	return 0;
}

static const char *skip_sp(const char *s, const char *end)
{
	while (s < end && isspace((unsigned char)*s))
		s++;
	return s;
}

static const char *strip_end(const char *s, const char *end)
{
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	return end;
}

static int fingerprint_line(struct load *L, const char *s, size_t n)
{
	const char *p = skip_sp(s + 11, s + n), *e;
	struct osdb_entry *ent;

	if (finish_entry(L) < 0)
		return -1;
	L->in_points = 0;
	e = memchr(p, '#', (size_t)(s + n - p)); /* nmap ends names there */
	e = strip_end(p, e ? e : s + n);
	if (e == p)
		return lerr(L, "Fingerprint without a name");
	ent = osdb_arena_alloc(&L->arena, sizeof(*ent));
	ent->m.name = osdb_arena_strndup(&L->arena, p, (size_t)(e - p));
	ent->m.file = L->file;
	ent->m.line = L->line;
	L->cur = ent;
	L->nattrs = 0;
	L->nclasses = 0;
	memset(L->cur_tests, 0, sizeof(L->cur_tests));
	return 0;
}

static int class_line(struct load *L, const char *s, size_t n)
{
	const char *f[4], *fe[4], *p = s + 6, *end = s + n;
	struct osclass *c;

	for (int i = 0; i < 4; i++) {
		const char *bar = i < 3 ? memchr(p, '|', (size_t)(end - p))
					: NULL;

		if (i < 3 && bar == NULL)
			return lerr(L, "Class needs 'vendor | family | "
				       "generation | device type'");
		if (i == 3 && memchr(p, '|', (size_t)(end - p)))
			return lerr(L, "Class has more than four fields");
		f[i] = skip_sp(p, bar ? bar : end);
		fe[i] = strip_end(f[i], bar ? bar : end);
		p = bar ? bar + 1 : end;
	}
	if (fe[0] == f[0] || fe[1] == f[1] || fe[3] == f[3])
		return lerr(L, "Class with an empty vendor, family or device "
			       "type");
	if (L->nclasses == OSDB_MAX_CLASSES)
		return lerr(L, "more than %d Class lines", OSDB_MAX_CLASSES);
	c = &L->classes[L->nclasses++];
	memset(c, 0, sizeof(*c));
	c->vendor = osdb_arena_strndup(&L->arena, f[0], (size_t)(fe[0] - f[0]));
	c->family = osdb_arena_strndup(&L->arena, f[1], (size_t)(fe[1] - f[1]));
	c->gen = osdb_arena_strndup(&L->arena, f[2], (size_t)(fe[2] - f[2]));
	c->devtype =
		osdb_arena_strndup(&L->arena, f[3], (size_t)(fe[3] - f[3]));
	return 0;
}

static int cpe_line(struct load *L, const char *s, size_t n)
{
	const char *p = skip_sp(s + 4, s + n), *end = s + n, *w, *fl;
	struct osclass *c;

	if (L->nclasses == 0)
		return lerr(L, "CPE without a Class line before it");
	c = &L->classes[L->nclasses - 1];
	w = p;
	while (w < end && !isspace((unsigned char)*w))
		w++;
	if (w - p < 6 || memcmp(p, "cpe:/", 5) != 0)
		return lerr(L, "CPE must be cpe:/...");
	fl = skip_sp(w, end);
	if (fl < end && !(end - fl == 4 && memcmp(fl, "auto", 4) == 0))
		return lerr(L, "unknown CPE flag '%.*s'", (int)(end - fl), fl);
	if (c->ncpe == OSCLASS_MAX_CPE)
		return lerr(L, "more than %d CPE lines for one Class",
			    OSCLASS_MAX_CPE);
	c->cpe[c->ncpe++] = osdb_arena_strndup(&L->arena, p, (size_t)(w - p));
	return 0;
}

static int one_line(struct load *L, const char *s, size_t n)
{
	int inside = L->cur != NULL || L->in_points;

	if (n >= 11 && memcmp(s, "Fingerprint", 11) == 0 &&
	    (n == 11 || isspace((unsigned char)s[11])))
		return fingerprint_line(L, s, n);
	if (n >= 11 && memcmp(s, "MatchPoints", 11) == 0 &&
	    (n == 11 || isspace((unsigned char)s[11]))) {
		if (L->cur != NULL || L->in_points)
			return lerr(L, "MatchPoints must follow a blank line");
		if (skip_sp(s + 11, s + n) != s + n)
			return lerr(L, "MatchPoints takes no arguments");
		if (L->points_line)
			return lerr(L,
				    "second MatchPoints block (first at "
				    "line %d)",
				    L->points_line);
		L->in_points = 1;
		L->points_line = L->line;
		memset(L->weight, 0, sizeof(L->weight));
		return 0;
	}
	if (!inside)
		return lerr(L, "expected Fingerprint or MatchPoints");
	if (n >= 6 && memcmp(s, "Class ", 6) == 0) {
		if (L->in_points)
			return lerr(L, "Class inside MatchPoints");
		return class_line(L, s, n);
	}
	if (n >= 4 && memcmp(s, "CPE ", 4) == 0) {
		if (L->in_points)
			return lerr(L, "CPE inside MatchPoints");
		return cpe_line(L, s, n);
	}
	return test_line(L, s, n);
}

static uint32_t entry_total(const struct osdb *db, const struct osdb_entry *e)
{
	uint32_t t = 0;

	for (int i = 0; i < e->nattrs; i++)
		t += db->weight[db->pairs.v[e->attrs[i]].slot];
	return t;
}

static int run_load(struct load *L, const char *buf, size_t len)
{
	size_t pos = 0;

	while (pos < len) {
		const char *s = buf + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;

		pos += n + (nl != NULL);
		L->line++;
		if (n >= OSDB_LINE_MAX)
			return lerr(L, "line longer than %d bytes",
				    OSDB_LINE_MAX);
		if (memchr(s, '\0', n) != NULL)
			return lerr(L, "NUL byte");
		n = (size_t)(strip_end(s, s + n) - s);
		if (n > 0 && s[0] == '#')
			continue;
		if (n == 0) { /* a blank line ends a block */
			if (finish_entry(L) < 0)
				return -1;
			L->in_points = 0;
			continue;
		}
		if (one_line(L, s, n) < 0)
			return -1;
	}
	return finish_entry(L);
}

int osdb_load_buf(struct osdb *db, const char *name, const char *buf,
		  size_t len, char *err, size_t errlen)
{
	struct load *L = xmalloc(sizeof(*L));
	int rc;

	L->err = err;
	L->errlen = errlen;
	L->file = osdb_arena_strndup(&L->arena, name, strlen(name));
	rc = run_load(L, buf, len);
	if (rc == 0 && L->points_line) {
		if (db->have_points &&
		    memcmp(db->weight, L->weight, sizeof(L->weight)) != 0) {
			L->line = L->points_line;
			rc = lerr(L, "MatchPoints differ from %s:%d",
				  db->points_file, db->points_line);
		}
	}
	if (rc < 0) {
		osdb_arena_free(L->arena);
		osdb_table_free(&L->pairs);
		free(L->entries);
		free(L);
		return -1;
	}
	/* Commit: nothing above touched db. */
	if (L->points_line && !db->have_points) {
		memcpy(db->weight, L->weight, sizeof(db->weight));
		db->have_points = 1;
		db->points_file = L->file;
		db->points_line = L->points_line;
		for (size_t i = 0; i < db->n; i++)
			db->entries[i]->total = entry_total(db, db->entries[i]);
	}
	/* Renumber this file's pairs into the db's, sharing equal ones. */
	uint32_t *remap = xcalloc(L->pairs.n + 1, sizeof(*remap));

	for (size_t i = 0; i < L->pairs.n; i++) {
		long id = osdb_table_find(&db->pairs, &L->pairs.v[i]);

		remap[i] = id >= 0 ? (uint32_t)id
				   : osdb_table_add(&db->pairs, &L->pairs.v[i]);
	}
	for (size_t i = 0; i < L->n; i++) {
		uint32_t *ids = (uint32_t *)L->entries[i]->attrs; /* ours */

		for (int k = 0; k < L->entries[i]->nattrs; k++)
			ids[k] = remap[ids[k]];
	}
	free(remap);
	osdb_table_free(&L->pairs);
	db->entries = xgrow(db->entries, &db->cap, db->n + L->n,
			    sizeof(*db->entries));
	for (size_t i = 0; i < L->n; i++) {
		L->entries[i]->total = entry_total(db, L->entries[i]);
		db->entries[db->n++] = L->entries[i];
	}
	osdb_arena_splice(&db->chunks, L->arena);
	L->arena = NULL; /* transferred */
	free(L->entries);
	free(L);
	return 0;
}

int osdb_load_file(struct osdb *db, const char *path, char *err, size_t errlen)
{
	char *buf;
	size_t len;
	int rc;

	buf = read_file(path, READ_MAX_DB, &len, err, errlen);
	if (buf == NULL)
		return -1;
	rc = osdb_load_buf(db, path, buf, len, err, errlen);
	free(buf);
	return rc;
}
