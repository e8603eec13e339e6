/* services.c -- the port/service table: parsing, names, top-N, globs. */
#include "engine/core/services.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netstack/base/util.h"

/* Longer names are certainly typos or binary junk, not service names. */
#define SVC_NAME_MAX 63
/* The whole table is a few hundred kilobytes; refuse anything absurd. */

struct svc_entry {
	uint16_t port;
	double freq;
	char *name;
};

struct svc_table {
	struct svc_entry *e; /* sorted by port after parsing */
	size_t n, cap;
	uint16_t *rank; /* ports by frequency, highest first */
};

struct services {
	struct svc_table t[SVC_NPROTO];
};

static int svc_cmp_port(const void *a, const void *b)
{
	const struct svc_entry *x = a, *y = b;

	return (int)x->port - (int)y->port;
}

/* Highest frequency first; equal frequencies by lower port for determinism. */
static int svc_cmp_freq(const void *a, const void *b)
{
	const struct svc_entry *x = a, *y = b;

	if (x->freq > y->freq)
		return -1;
	if (x->freq < y->freq)
		return 1;
	return (int)x->port - (int)y->port;
}

static int svc_cmp_u16(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

static int svc_name_ok(const char *s)
{
	size_t i;

	if (!isalnum((unsigned char)s[0]))
		return 0;
	for (i = 1; s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		/* ':' for nmap's X11:1 ... X11:59 */
		if (!isalnum(c) && !strchr("_.+-:", c))
			return 0;
	}
	return i <= SVC_NAME_MAX;
}

/*
 * FREQUENCY is [0-9]+(.[0-9]*)? or .[0-9]+, value <= 1. Parsed by hand so
 * the result does not depend on the C locale's decimal point (strtod does).
 */
static int svc_parse_freq(const char *s, double *out)
{
	double v = 0, scale = 1;
	int digits = 0;

	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		v = v * 10 + (*s - '0');
		if (v > 1)
			return -1;
	}
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++, digits++) {
			scale /= 10;
			v += (*s - '0') * scale;
		}
	}
	if (*s != '\0' || digits == 0 || v > 1)
		return -1;
	*out = v;
	return 0;
}

/* Splits off the next whitespace-separated field of *p (NUL-terminating it). */
static char *svc_field(char **p)
{
	char *s = *p, *start;

	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	if (*s == '\0')
		return NULL;
	start = s;
	while (*s && *s != ' ' && *s != '\t' && *s != '\r')
		s++;
	if (*s)
		*s++ = '\0';
	*p = s;
	return start;
}

/*
 * Parses one line (NUL-terminated, no newline) into s. seen[] holds one bit
 * per (proto, port) to catch duplicates. Returns 0 or -1 with err set to
 * the reason only; the caller prefixes "PATH:LINE: ".
 */
static int svc_parse_line(struct services *s, char *line, uint8_t *seen,
			  char *err, size_t errlen)
{
	char *p = line, *name, *pp, *freq, *extra, *slash;
	struct svc_table *t;
	uint64_t port;
	double f;
	int proto;
	size_t bit;

	name = svc_field(&p);
	if (name == NULL || name[0] == '#')
		return 0;
	if (!svc_name_ok(name)) {
		errf(err, errlen, "bad name '%s'", name);
		return -1;
	}
	pp = svc_field(&p);
	if (pp == NULL || pp[0] == '#') {
		errf(err, errlen, "missing PORT/PROTO after '%s'", name);
		return -1;
	}
	slash = strchr(pp, '/');
	if (slash)
		*slash = '\0';
	if (parse_u64(pp, 65535, &port) < 0) {
		errf(err, errlen, "bad port '%s'", pp);
		return -1;
	}
	if (slash == NULL) {
		errf(err, errlen, "bad proto: '%s' lacks '/tcp' or '/udp'", pp);
		return -1;
	}
	if (strcmp(slash + 1, "tcp") == 0) {
		proto = SVC_TCP;
	} else if (strcmp(slash + 1, "udp") == 0) {
		proto = SVC_UDP;
	} else if (strcmp(slash + 1, "sctp") == 0) {
		return 0; /* nmap's file lists SCTP; fathom scans no SCTP */
	} else {
		errf(err, errlen, "bad proto '%s'", slash + 1);
		return -1;
	}
	freq = svc_field(&p);
	if (freq == NULL || freq[0] == '#') {
		errf(err, errlen, "missing frequency for %s/%s", pp, slash + 1);
		return -1;
	}
	if (svc_parse_freq(freq, &f) < 0) {
		errf(err, errlen, "bad frequency '%s'", freq);
		return -1;
	}
	extra = svc_field(&p);
	if (extra != NULL && extra[0] != '#') {
		errf(err, errlen, "unexpected '%s' after frequency", extra);
		return -1;
	}
	bit = (size_t)proto * 65536 + port;
	if (seen[bit / 8] & (1u << (bit % 8))) {
		errf(err, errlen, "duplicate port/proto %s/%s", pp, slash + 1);
		return -1;
	}
	seen[bit / 8] |= (uint8_t)(1u << (bit % 8));

	t = &s->t[proto];
	t->e = xgrow(t->e, &t->cap, t->n + 1, sizeof(*t->e));
	t->e[t->n].port = (uint16_t)port;
	t->e[t->n].freq = f;
	t->e[t->n].name = xstrdup(name);
	t->n++;
	return 0;
}

/* Sorts by port for lookups and precomputes the frequency ranking. */
static void svc_index(struct svc_table *t)
{
	struct svc_entry *tmp;
	size_t i;

	if (t->n == 0)
		return;
	tmp = xcalloc(t->n, sizeof(*tmp));
	memcpy(tmp, t->e, t->n * sizeof(*tmp));
	qsort(tmp, t->n, sizeof(*tmp), svc_cmp_freq);
	t->rank = xcalloc(t->n, sizeof(*t->rank));
	for (i = 0; i < t->n; i++)
		t->rank[i] = tmp[i].port;
	free(tmp);
	qsort(t->e, t->n, sizeof(*t->e), svc_cmp_port);
}

struct services *services_parse(const char *buf, size_t len, const char *name,
				char *err, size_t errlen)
{
	struct services *s = xmalloc(sizeof(*s));
	uint8_t *seen = xcalloc(SVC_NPROTO * 65536 / 8, 1);
	char *line = NULL, why[160];
	size_t pos = 0, cap = 0, lineno = 0;
	int i;

	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - (buf + pos)) : len - pos;

		lineno++;
		if (memchr(buf + pos, '\0', ll) != NULL) {
			errf(err, errlen, "%s:%zu: NUL byte in line", name,
			     lineno);
			goto fail;
		}
		line = xgrow(line, &cap, ll + 1, 1);
		memcpy(line, buf + pos, ll);
		line[ll] = '\0';
		if (svc_parse_line(s, line, seen, why, sizeof(why)) < 0) {
			errf(err, errlen, "%s:%zu: %s", name, lineno, why);
			goto fail;
		}
		pos += ll + (nl != NULL);
	}
	free(line);
	free(seen);
	for (i = 0; i < SVC_NPROTO; i++)
		svc_index(&s->t[i]);
	return s;
fail:
	free(line);
	free(seen);
	services_free(s);
	return NULL;
}

struct services *services_load(const char *path, char *err, size_t errlen)
{
	struct services *s = NULL;
	char *buf;
	size_t len;
	FILE *f = fopen(path, "rb");

	if (f == NULL) {
		errf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	buf = read_all(f, READ_MAX_DB, &len);
	fclose(f);
	if (buf == NULL) {
		errf(err, errlen, "%s: %s", path,
		     errno == EFBIG ? "file too large" : "read error");
		return NULL;
	}
	s = services_parse(buf, len, path, err, errlen);
	free(buf);
	return s;
}

void services_free(struct services *s)
{
	size_t i;
	int p;

	if (s == NULL)
		return;
	for (p = 0; p < SVC_NPROTO; p++) {
		for (i = 0; i < s->t[p].n; i++)
			free(s->t[p].e[i].name);
		free(s->t[p].e);
		free(s->t[p].rank);
	}
	free(s);
}

const char *services_name(const struct services *s, int proto, uint16_t port)
{
	const struct svc_entry *e;
	struct svc_entry key = { .port = port };

	if (s == NULL || proto < 0 || proto >= SVC_NPROTO || s->t[proto].n == 0)
		return NULL;
	e = bsearch(&key, s->t[proto].e, s->t[proto].n, sizeof(key),
		    svc_cmp_port);
	return e ? e->name : NULL;
}

size_t services_top(const struct services *s, int proto, size_t n,
		    uint16_t *out)
{
	size_t m;

	if (s == NULL || proto < 0 || proto >= SVC_NPROTO)
		return 0;
	m = n < s->t[proto].n ? n : s->t[proto].n;
	if (m == 0)
		return 0;
	memcpy(out, s->t[proto].rank, m * sizeof(*out));
	qsort(out, m, sizeof(*out), svc_cmp_u16);
	return m;
}

/* Case-insensitive glob with '*' and '?'; backtracks only to the last '*'. */
static int svc_glob(const char *pat, const char *str)
{
	const char *star = NULL, *retry = NULL;

	while (*str) {
		if (*pat == '*') {
			star = ++pat;
			retry = str;
		} else if (*pat == '?' ||
			   tolower((unsigned char)*pat) ==
				   tolower((unsigned char)*str)) {
			pat++;
			str++;
		} else if (star) {
			pat = star;
			str = ++retry;
		} else {
			return 0;
		}
	}
	while (*pat == '*')
		pat++;
	return *pat == '\0';
}

size_t services_match(const struct services *s, int proto, const char *pattern,
		      void (*fn)(uint16_t port, void *arg), void *arg)
{
	const struct svc_table *t;
	size_t i, hits = 0;

	if (s == NULL || proto < 0 || proto >= SVC_NPROTO)
		return 0;
	t = &s->t[proto];
	for (i = 0; i < t->n; i++) {
		if (!svc_glob(pattern, t->e[i].name))
			continue;
		hits++;
		if (fn)
			fn(t->e[i].port, arg);
	}
	return hits;
}
