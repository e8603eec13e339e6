/* servicedb.c -- parses nmap-service-probes into probes and compiled lines. */
#include "probes/servicedb.h"

#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netstack/base/util.h"
#include "probes/svcmatch.h"

/*
 * nmap HEAD's PCRE2 limits: a pathological pattern or a megabyte banner
 * costs a bounded amount of work and simply does not match.
 */
#define SVC_MATCH_LIMIT 50000
#define SVC_DEPTH_LIMIT 1000
#define SVC_HEAP_LIMIT_KIB 10240

struct svcdb {
	struct svc_probe **probes; /* the NULL probe is kept apart */
	size_t nprobes, pcap;
	struct svc_probe *null_probe;
	char **files; /* names given to loads; answers point into them */
	size_t nfiles, fcap;
	uint8_t excl[2][65536 / 8]; /* [0] TCP, [1] UDP */
	pcre2_match_context *mctx;
	pcre2_match_data *empty_md; /* for the load-time empty-match test */
	uint32_t max_captures;
	size_t nmatches;
	unsigned loads;
	int jit;
};

/* The state of one svcdb_load_buf() call. */
struct load {
	struct svcdb *db;
	const char *file;
	int line;
	unsigned id;
	struct svc_probe *cur; /* probe the following directives belong to */
	int seen_exclude;
	char *err;
	size_t errlen;
};

static int lerr(struct load *ld, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int lerr(struct load *ld, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	errf(ld->err, ld->errlen, "%s:%d: %s", ld->file, ld->line, msg);
	return -1;
}

static char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return (char *)s;
}

static void rtrim(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

static const char *intern_file(struct svcdb *db, const char *name)
{
	db->files =
		xgrow(db->files, &db->fcap, db->nfiles + 1, sizeof(*db->files));
	db->files[db->nfiles] = xstrdup(name);
	return db->files[db->nfiles++];
}

/* Name lookup the way nmap resolves fallbacks: exact protocol first. */
static struct svc_probe *lookup(const struct svcdb *db, int proto,
				const char *name, int any_proto)
{
	struct svc_probe *nul = db->null_probe;
	size_t i;

	if (nul && nul->proto == proto && strcmp(nul->name, name) == 0)
		return nul;
	for (i = 0; i < db->nprobes; i++)
		if (db->probes[i]->proto == proto &&
		    strcmp(db->probes[i]->name, name) == 0)
			return db->probes[i];
	if (!any_proto)
		return NULL;
	if (nul && strcmp(nul->name, name) == 0)
		return nul;
	for (i = 0; i < db->nprobes; i++)
		if (strcmp(db->probes[i]->name, name) == 0)
			return db->probes[i];
	return NULL;
}

/*
 * A probe named again by a later file (nmap-service-probes plus the
 * user's --service-db files): what follows extends it.
 */
static int extend_probe(struct load *ld, struct svc_probe *p, uint8_t *payload,
			size_t plen, int no_payload)
{
	int same = p->payload_len == plen &&
		   memcmp(p->payload, payload, plen) == 0;

	free(payload);
	if (p->load_id == ld->id)
		return lerr(ld, "duplicate %s probe %s (first at line %d)",
			    p->proto == IPPROTO_TCP ? "TCP" : "UDP", p->name,
			    p->line);
	if (!same)
		return lerr(ld, "probe %s: different string than at %s:%d",
			    p->name, p->file, p->line);
	p->no_payload |= no_payload;
	p->load_id = ld->id;
	ld->cur = p;
	return 0;
}

/*
 * The q<delim>...<delim> string at s and the options after it: the bytes
 * into *payload (the caller's to free), "no-payload" into *no_payload.
 */
static int probe_payload(struct load *ld, char *s, uint8_t **payload,
			 size_t *plen, int *no_payload)
{
	char *end, why[128];
	char d;

	if (s[0] != 'q' || s[1] == '\0' || isspace((unsigned char)s[1]))
		return lerr(ld, "probe string must be q<delim>...<delim>");
	d = s[1];
	end = strchr(s + 2, d);
	if (end == NULL)
		return lerr(ld, "unterminated probe string (no closing '%c')",
			    d);
	*payload = xmalloc((size_t)(end - (s + 2)) + 1);
	if (svc_unescape(s + 2, (size_t)(end - (s + 2)), *payload, plen, why,
			 sizeof(why)) < 0) {
		free(*payload);
		return lerr(ld, "bad probe string: %s", why);
	}
	for (s = skip_ws(end + 1); *s; s = skip_ws(s)) {
		char *tok = s;

		while (*s && *s != ' ' && *s != '\t')
			s++;
		if ((size_t)(s - tok) == 10 &&
		    strncmp(tok, "no-payload", 10) == 0) {
			*no_payload = 1;
			continue;
		}
		free(*payload);
		/* nmap skips unknown words; a typo should not pass silently. */
		return lerr(ld, "unknown probe option '%.*s'", (int)(s - tok),
			    tok);
	}
	return 0;
}

/* A new probe (it takes payload), or the NULL probe if the string is empty. */
static int add_probe(struct load *ld, int proto, const char *name,
		     uint8_t *payload, size_t plen, int no_payload)
{
	struct svcdb *db = ld->db;
	struct svc_probe *p;

	if (proto == IPPROTO_TCP && plen == 0 && db->null_probe != NULL) {
		free(payload);
		return lerr(ld, "duplicate NULL probe (first at %s:%d)",
			    db->null_probe->file, db->null_probe->line);
	}
	p = xmalloc(sizeof(*p));
	p->proto = proto;
	p->name = xstrdup(name);
	p->payload = payload;
	p->payload_len = plen;
	p->no_payload = no_payload;
	p->rarity = 5;
	p->totalwaitms = 5000;
	p->tcpwrappedms = 2000;
	p->file = ld->file;
	p->line = ld->line;
	p->load_id = ld->id;
	if (proto == IPPROTO_TCP && plen == 0) {
		db->null_probe = p;
	} else {
		db->probes = xgrow(db->probes, &db->pcap, db->nprobes + 1,
				   sizeof(*db->probes));
		db->probes[db->nprobes++] = p;
	}
	ld->cur = p;
	return 0;
}

static int parse_probe(struct load *ld, char *s)
{
	struct svc_probe *p;
	char *name;
	uint8_t *payload = NULL;
	size_t namelen, plen;
	int proto, no_payload = 0;

	if (strncmp(s, "TCP", 3) == 0 && (s[3] == ' ' || s[3] == '\t'))
		proto = IPPROTO_TCP;
	else if (strncmp(s, "UDP", 3) == 0 && (s[3] == ' ' || s[3] == '\t'))
		proto = IPPROTO_UDP;
	else
		return lerr(ld, "Probe protocol must be TCP or UDP");
	name = skip_ws(s + 3);
	for (s = name; *s && *s != ' ' && *s != '\t'; s++)
		;
	namelen = (size_t)(s - name);
	if (namelen == 0 || !isalnum((unsigned char)name[0]) ||
	    namelen > SVC_NAME_MAX || memchr(name, ',', namelen))
		return lerr(ld, "bad probe name '%.*s'", (int)namelen, name);
	if (probe_payload(ld, skip_ws(s), &payload, &plen, &no_payload) < 0)
		return -1;
	name[namelen] = '\0';

	p = lookup(ld->db, proto, name, 0);
	if (p != NULL)
		return extend_probe(ld, p, payload, plen, no_payload);
	return add_probe(ld, proto, name, payload, plen, no_payload);
}

static int parse_match(struct load *ld, char *s, int soft)
{
	struct svcdb *db = ld->db;
	struct svc_probe *p = ld->cur;
	struct svc_match m;
	char why[256];

	if (svc_match_parse(&m, s, soft, db->jit, db->mctx, db->empty_md, why,
			    sizeof(why)) < 0)
		return lerr(ld, "%s", why);
	m.file = ld->file;
	m.line = ld->line;
	p->matches = xgrow(p->matches, &p->mcap, p->nmatches + 1,
			   sizeof(*p->matches));
	p->matches[p->nmatches++] = m;
	if (m.ncaptures > db->max_captures)
		db->max_captures = m.ncaptures;
	db->nmatches++;
	return 0;
}

static int parse_port(const char **sp, unsigned long *v)
{
	const char *s = *sp;
	unsigned long n = 0;

	if (!isdigit((unsigned char)*s))
		return -1;
	for (; isdigit((unsigned char)*s); s++) {
		n = n * 10 + (unsigned long)(*s - '0');
		if (n > 65535)
			return -1;
	}
	*sp = s;
	*v = n;
	return 0;
}

/* "21-25,53,80" as nmap's ports/sslports lines spell it. */
static int parse_portlist(const char *s, struct svc_portlist *pl)
{
	do {
		unsigned long lo, hi;

		s = skip_ws(s);
		if (parse_port(&s, &lo) < 0)
			return -1;
		hi = lo;
		s = skip_ws(s);
		if (*s == '-') {
			s = skip_ws(s + 1);
			if (parse_port(&s, &hi) < 0 || hi < lo)
				return -1;
		}
		pl->r = xgrow(pl->r, &pl->cap, pl->n + 1, sizeof(*pl->r));
		pl->r[pl->n].lo = (uint16_t)lo;
		pl->r[pl->n].hi = (uint16_t)hi;
		pl->n++;
		s = skip_ws(s);
		if (*s == ',')
			s++;
		else if (*s != '\0')
			return -1;
	} while (*s != '\0');
	return 0;
}

/*
 * Exclude takes nmap -p syntax: "T:" and "U:" prefixes stay in force
 * for the items after them; items before any prefix cover both.
 */
static int parse_exclude(struct load *ld, const char *s)
{
	int tcp = 1, udp = 1;

	do {
		unsigned long lo = 1, hi = 65535, v;

		s = skip_ws(s);
		if ((s[0] == 'T' || s[0] == 'U') && s[1] == ':') {
			tcp = s[0] == 'T';
			udp = !tcp;
			s = skip_ws(s + 2);
		}
		if (*s != '-' && parse_port(&s, &lo) < 0)
			goto bad;
		hi = lo;
		if (*s == '-') {
			s++;
			hi = 65535;
			if (isdigit((unsigned char)*s) &&
			    parse_port(&s, &hi) < 0)
				goto bad;
			if (hi < lo)
				goto bad;
		}
		for (v = lo; v <= hi; v++) {
			uint8_t bit = (uint8_t)(1u << (v % 8));

			if (tcp)
				ld->db->excl[0][v / 8] |= bit;
			if (udp)
				ld->db->excl[1][v / 8] |= bit;
		}
		s = skip_ws(s);
		if (*s == ',')
			s++;
		else if (*s != '\0')
			goto bad;
	} while (*s != '\0');
	return 0;
bad:
	return lerr(ld, "bad Exclude port spec near '%s'", s);
}

static int parse_ms(struct load *ld, const char *kw, char *s, unsigned *out)
{
	uint64_t v;

	rtrim(s);
	if (parse_u64(s, 300000, &v) < 0 || v < 100)
		return lerr(ld, "%s must be 100-300000 ms, got '%s'", kw, s);
	*out = (unsigned)v;
	return 0;
}

static int parse_fallback(struct load *ld, char *s)
{
	struct svc_probe *p = ld->cur;
	int n = 0;
	char *t;

	rtrim(s);
	for (t = s; *t;) {
		size_t len = strcspn(t, ", \t");

		if (len > SVC_NAME_MAX)
			return lerr(ld, "fallback name too long");
		if (len > 0)
			n++;
		t += len;
		t += strspn(t, ", \t");
	}
	if (n == 0)
		return lerr(ld, "fallback needs a probe name");
	if (n > SVC_MAX_FALLBACKS)
		return lerr(ld, "more than %d fallbacks", SVC_MAX_FALLBACKS);
	free(p->fallback);
	p->fallback = xstrdup(s);
	p->fallback_file = ld->file;
	p->fallback_line = ld->line;
	return 0;
}

/*
 * fathom-sourceports LO-HI: the probe's connections come from a source
 * port in LO-HI, a range of the reserved ports 1-1023 (the BSD
 * r-commands' trust rule: rlogind and rshd drop any other client).
 */
static int parse_sourceports(struct load *ld, char *s)
{
	struct svc_probe *p = ld->cur;
	const char *t = s;
	unsigned long lo, hi;

	rtrim(s);
	if (parse_port(&t, &lo) < 0 || *t != '-')
		goto bad;
	t++;
	if (parse_port(&t, &hi) < 0 || *t != '\0' || lo == 0 || hi < lo ||
	    hi > SVC_SPORT_MAX)
		goto bad;
	if (p->proto != IPPROTO_TCP)
		return lerr(ld, "fathom-sourceports is for TCP probes only");
	p->sport_lo = (uint16_t)lo;
	p->sport_hi = (uint16_t)hi;
	return 0;
bad:
	return lerr(ld,
		    "fathom-sourceports must be LO-HI within 1-%d, got '%s'",
		    SVC_SPORT_MAX, s);
}

/*
 * fathom-script NAME: the probe finds what nmap's version script NAME
 * adds to -sV; it comes along when another file replaces fathom's own.
 */
static int parse_script(struct load *ld, char *s)
{
	size_t n;

	rtrim(s);
	n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-");
	if (n == 0 || s[n] != '\0' || n > SVC_NAME_MAX)
		return lerr(ld,
			    "fathom-script wants a script name "
			    "([a-z0-9-], at most %d), got '%s'",
			    SVC_NAME_MAX, s);
	free(ld->cur->script);
	ld->cur->script = xstrdup(s);
	return 0;
}

/* nmap's directives, then fathom's own (the "fathom-" namespace). */
static int known_directive(const char *kw)
{
	static const char *const kws[] = {
		"Exclude",
		"Probe",
		"match",
		"softmatch",
		"ports",
		"sslports",
		"rarity",
		"fallback",
		"totalwaitms",
		"tcpwrappedms",
		"fathom-sourceports",
		"fathom-script",
	};

	for (size_t i = 0; i < sizeof(kws) / sizeof(kws[0]); i++)
		if (strcmp(kw, kws[i]) == 0)
			return 1;
	return 0;
}

static int parse_line(struct load *ld, char *s)
{
	struct svc_probe *p = ld->cur;
	char *kw, *arg;
	size_t kwlen;
	uint64_t v;

	s = skip_ws(s);
	if (*s == '\0' || *s == '#')
		return 0;
	kw = s;
	while (*s && *s != ' ' && *s != '\t')
		s++;
	kwlen = (size_t)(s - kw);
	arg = skip_ws(s);
	kw[kwlen] = '\0';
	if (!known_directive(kw))
		return lerr(ld, "unknown directive '%s'", kw);
	if (*arg == '\0')
		return lerr(ld, "%s needs an argument", kw);
	if (strcmp(kw, "Exclude") == 0) {
		if (p != NULL)
			return lerr(ld, "Exclude must come before any Probe");
		if (ld->seen_exclude++)
			return lerr(ld, "only one Exclude directive per file");
		return parse_exclude(ld, arg);
	}
	if (strcmp(kw, "Probe") == 0)
		return parse_probe(ld, arg);
	if (p == NULL)
		return lerr(ld, "%s before the first Probe", kw);
	if (strcmp(kw, "match") == 0 || strcmp(kw, "softmatch") == 0)
		return parse_match(ld, arg, kw[0] == 's');
	if (strcmp(kw, "ports") == 0 || strcmp(kw, "sslports") == 0) {
		rtrim(arg);
		if (parse_portlist(arg, kw[0] == 's' ? &p->sslports
						     : &p->ports) == 0)
			return 0;
		return lerr(ld, "bad port list '%s' (want e.g. 21-25,53,80)",
			    arg);
	}
	if (strcmp(kw, "rarity") == 0) {
		rtrim(arg);
		if (parse_u64(arg, 9, &v) < 0 || v < 1)
			return lerr(ld, "rarity must be 1-9, got '%s'", arg);
		p->rarity = (int)v;
		return 0;
	}
	if (strcmp(kw, "totalwaitms") == 0)
		return parse_ms(ld, kw, arg, &p->totalwaitms);
	if (strcmp(kw, "tcpwrappedms") == 0)
		return parse_ms(ld, kw, arg, &p->tcpwrappedms);
	if (strcmp(kw, "fathom-sourceports") == 0)
		return parse_sourceports(ld, arg);
	if (strcmp(kw, "fathom-script") == 0)
		return parse_script(ld, arg);
	return parse_fallback(ld, arg);
}

struct svcdb *svcdb_new(void)
{
	struct svcdb *db = xmalloc(sizeof(*db));
	uint32_t jit = 0;

	db->mctx = pcre2_match_context_create(NULL);
	db->empty_md = pcre2_match_data_create(1, NULL);
	if (db->mctx == NULL || db->empty_md == NULL) {
		fprintf(stderr, "fathom: out of memory (pcre2)\n");
		abort();
	}
	pcre2_set_match_limit(db->mctx, SVC_MATCH_LIMIT);
	pcre2_set_depth_limit(db->mctx, SVC_DEPTH_LIMIT);
	pcre2_set_heap_limit(db->mctx, SVC_HEAP_LIMIT_KIB);
	if (pcre2_config(PCRE2_CONFIG_JIT, &jit) >= 0)
		db->jit = jit != 0;
	return db;
}

int svcdb_load_buf(struct svcdb *db, const char *buf, size_t len,
		   const char *name, char *err, size_t errlen)
{
	struct load ld;
	char *line = xmalloc(SVC_LINE_MAX + 1);
	size_t pos = 0;
	int rc = 0;

	memset(&ld, 0, sizeof(ld));
	ld.db = db;
	ld.file = intern_file(db, name);
	ld.id = ++db->loads;
	ld.err = err;
	ld.errlen = errlen;
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t raw = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		size_t n = raw;

		ld.line++;
		if (n > 0 && buf[pos + n - 1] == '\r')
			n--;
		if (n > SVC_LINE_MAX) {
			rc = lerr(&ld, "line longer than %d bytes",
				  SVC_LINE_MAX);
			break;
		}
		if (memchr(buf + pos, '\0', n) != NULL) {
			rc = lerr(&ld, "NUL byte in line");
			break;
		}
		memcpy(line, buf + pos, n);
		line[n] = '\0';
		pos += raw + (nl != NULL);
		rc = parse_line(&ld, line);
		if (rc != 0)
			break;
	}
	free(line);
	return rc;
}

int svcdb_load_file(struct svcdb *db, const char *path, char *err,
		    size_t errlen)
{
	char *buf;
	size_t len;
	int rc;

	buf = read_file(path, READ_MAX_DB, &len, err, errlen);
	if (buf == NULL)
		return -1;
	rc = svcdb_load_buf(db, buf, len, path, err, errlen);
	free(buf);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void chain_add(struct svc_probe *p, const struct svc_probe *q)
{
	size_t i;

	for (i = 0; i < p->nchain; i++)
		if (p->chain[i] == q)
			return;
	p->chain[p->nchain++] = q;
}

static int finalize_probe(struct svcdb *db, struct svc_probe *p, char *err,
			  size_t errlen)
{
	size_t i, n;

	free(p->chain);
	p->chain = xcalloc(SVC_MAX_FALLBACKS + 2, sizeof(*p->chain));
	p->nchain = 0;
	chain_add(p, p);
	for (const char *t = p->fallback; t && *t;) {
		char name[SVC_NAME_MAX + 1];
		size_t len = strcspn(t, ", \t");
		const struct svc_probe *q;

		if (len > 0) {
			memcpy(name, t, len);
			name[len] = '\0';
			q = lookup(db, p->proto, name, 1);
			if (q == NULL) {
				errf(err, errlen,
				     "%s:%d: unknown fallback probe '%s'",
				     p->fallback_file, p->fallback_line, name);
				return -1;
			}
			chain_add(p, q);
		}
		t += len;
		t += strspn(t, ", \t");
	}
	if (p->proto == IPPROTO_TCP && db->null_probe != NULL)
		chain_add(p, db->null_probe);

	for (i = 0; i < p->nservices; i++)
		free(p->services[i]);
	free(p->services);
	p->services = xcalloc(p->nmatches + 1, sizeof(*p->services));
	for (i = 0; i < p->nmatches; i++)
		p->services[i] = p->matches[i].service;
	qsort(p->services, p->nmatches, sizeof(*p->services), cmp_str);
	for (i = 0, n = 0; i < p->nmatches; i++)
		if (n == 0 || strcmp(p->services[n - 1], p->services[i]) != 0)
			p->services[n++] = p->services[i];
	for (i = 0; i < n; i++)
		p->services[i] = xstrdup(p->services[i]);
	p->nservices = n;
	return 0;
}

int svcdb_finalize(struct svcdb *db, char *err, size_t errlen)
{
	size_t i;

	if (db->null_probe &&
	    finalize_probe(db, db->null_probe, err, errlen) < 0)
		return -1;
	for (i = 0; i < db->nprobes; i++)
		if (finalize_probe(db, db->probes[i], err, errlen) < 0)
			return -1;
	return 0;
}

static void probe_free(struct svc_probe *p)
{
	size_t i;

	if (p == NULL)
		return;
	free(p->name);
	free(p->payload);
	free(p->ports.r);
	free(p->sslports.r);
	for (i = 0; i < p->nmatches; i++)
		svc_match_free(&p->matches[i]);
	free(p->matches);
	free(p->chain);
	for (i = 0; i < p->nservices; i++)
		free(p->services[i]);
	free(p->services);
	free(p->fallback);
	free(p->script);
	free(p);
}

void svcdb_free(struct svcdb *db)
{
	size_t i;

	if (db == NULL)
		return;
	probe_free(db->null_probe);
	for (i = 0; i < db->nprobes; i++)
		probe_free(db->probes[i]);
	free(db->probes);
	for (i = 0; i < db->nfiles; i++)
		free(db->files[i]);
	free(db->files);
	pcre2_match_context_free(db->mctx);
	pcre2_match_data_free(db->empty_md);
	free(db);
}

size_t svcdb_nprobes(const struct svcdb *db)
{
	return db->nprobes;
}

const struct svc_probe *svcdb_probe(const struct svcdb *db, size_t i)
{
	return i < db->nprobes ? db->probes[i] : NULL;
}

const struct svc_probe *svcdb_null_probe(const struct svcdb *db)
{
	return db->null_probe;
}

const struct svc_probe *svcdb_find(const struct svcdb *db, int proto,
				   const char *name)
{
	return lookup(db, proto, name, 0);
}

int svcdb_sourceports(const struct svcdb *db, uint16_t *lo, uint16_t *hi)
{
	*lo = *hi = 0;
	for (size_t i = 0; i < db->nprobes; i++) {
		const struct svc_probe *p = db->probes[i];

		if (p->sport_lo == 0)
			continue;
		if (*lo == 0 || p->sport_lo < *lo)
			*lo = p->sport_lo;
		if (p->sport_hi > *hi)
			*hi = p->sport_hi;
	}
	return *lo != 0;
}

size_t svcdb_nmatches(const struct svcdb *db)
{
	return db->nmatches;
}

int svcdb_excluded(const struct svcdb *db, int proto, uint16_t port)
{
	int i = proto == IPPROTO_UDP;

	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return 0;
	return (db->excl[i][port / 8] >> (port % 8)) & 1;
}

const pcre2_match_context *svcdb_match_context(const struct svcdb *db)
{
	return db->mctx;
}

uint32_t svcdb_max_captures(const struct svcdb *db)
{
	return db->max_captures;
}

int svc_probe_port_listed(const struct svc_probe *p, uint16_t port, int ssl)
{
	const struct svc_portlist *pl = ssl ? &p->sslports : &p->ports;
	size_t i;

	for (i = 0; i < pl->n; i++)
		if (port >= pl->r[i].lo && port <= pl->r[i].hi)
			return 1;
	return 0;
}

int svc_probe_can_match(const struct svc_probe *p, const char *service)
{
	return service != NULL &&
	       bsearch(&service, p->services, p->nservices,
		       sizeof(*p->services), cmp_str) != NULL;
}
