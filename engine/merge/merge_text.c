/* merge_text.c -- fathom merge's readers and writers of normal, grepable and NDJSON output. */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "engine/merge/merge_int.h"
#include "engine/report/report.h"
#include "netstack/base/util.h"

/* What a reader keeps between lines. */
struct tstate {
	struct merge_doc *d;
	int sections;
	int partial;            /* past this section's interruption marker */
	struct merge_host *cur; /* normal, grepable: the host being read */
	char *pend;             /* NDJSON: records waiting for their host */
	size_t npend;
	size_t seq;
	struct merge_fpblock fp; /* normal: the batch's unrecognised prints */
};

static int starts(const char *l, size_t n, const char *p)
{
	size_t k = strlen(p);

	return n >= k && memcmp(l, p, k) == 0;
}

static const char *find(const char *l, size_t n, const char *p)
{
	size_t k = strlen(p);

	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(l + i, p, k) == 0)
			return l + i;
	return NULL;
}

static char *dupn(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* Appends n bytes and a newline to *buf (length *len). */
static void append_line(char **buf, size_t *len, const char *l, size_t n)
{
	*buf = xrealloc(*buf, *len + n + 2);
	memcpy(*buf + *len, l, n);
	(*buf)[*len + n] = '\n';
	*len += n + 1;
	(*buf)[*len] = '\0';
}

/* ctime text as hostiter_ctime writes it ("Sat Dec  5 07:02:03 2026"). */
static time_t parse_when(const char *s, size_t n)
{
	char buf[64];
	struct tm tm;

	if (n >= sizeof(buf))
		return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	memset(&tm, 0, sizeof(tm));
	tm.tm_isdst = -1;
	if (strptime(buf, "%a %b %e %H:%M:%S %Y", &tm) == NULL)
		return 0;
	return mktime(&tm);
}

/* "# fathom V scan initiated WHEN as: CMD": a new section. */
static void section_start(struct tstate *t, const char *l, size_t n)
{
	const char *w = find(l, n, " scan initiated ");
	const char *as = find(l, n, " as: ");

	t->partial = 0;
	t->cur = NULL;
	if (t->sections++ > 0 || w == NULL || as == NULL || as < w)
		return;
	w += strlen(" scan initiated ");
	t->d->start = parse_when(w, (size_t)(as - w));
	as += 5;
	t->d->cmdline = dupn(as, (size_t)(l + n - as));
}

/* "# fathom done at WHEN -- N IP address...": the section's footer. */
static void section_end(struct tstate *t, const char *l, size_t n)
{
	const char *w = find(l, n, " done at "), *dd = find(l, n, " -- ");
	uint64_t total = 0;

	t->cur = NULL;
	if (w == NULL || dd == NULL || dd < w)
		return;
	w += strlen(" done at ");
	t->d->end = parse_when(w, (size_t)(dd - w));
	for (dd += 4; dd < l + n && *dd >= '0' && *dd <= '9'; dd++)
		total = total * 10 + (uint64_t)(*dd - '0');
	t->d->total = total;
	t->d->finished = !t->partial;
}

/* Header lines every text format shares; 1 if l was one, -1 on error. */
static int header_line(struct tstate *t, const char *l, size_t n, char *err,
		       size_t errlen)
{
	if (!starts(l, n, "# "))
		return 0;
	if (find(l, n, " scan initiated ")) {
		section_start(t, l, n);
	} else if (starts(l, n, "# fathom-shard: ")) {
		struct merge_meta m;

		if (merge_meta_parse(l + 16, n - 16, &m) < 0) {
			snprintf(err, errlen, "bad fathom-shard line");
			return -1;
		}
		if (t->d->meta.have && memcmp(&m, &t->d->meta, sizeof(m))) {
			snprintf(err, errlen, "two shards' runs in one file");
			return -1;
		}
		t->d->meta = m;
	} else if (starts(l, n, REPORT_PARTIAL_LINE)) {
		t->partial = 1;
		t->cur = NULL;
	} else if (find(l, n, " done at ")) {
		section_end(t, l, n);
	} else if (starts(l, n, "# Ports scanned:") && !t->d->extra) {
		t->d->extra = dupn(l, n);
	}
	return 1;
}

/* A new host; a partial one (past the marker) is read but not kept. */
static int new_host(struct tstate *t, const char *a, size_t an, int up,
		    char *err, size_t errlen)
{
	char buf[ADDR_STRLEN];
	struct addr addr;

	if (an == 0 || an >= sizeof(buf)) {
		snprintf(err, errlen, "bad host address");
		return -1;
	}
	memcpy(buf, a, an);
	buf[an] = '\0';
	if (addr_parse(buf, &addr) < 0) {
		snprintf(err, errlen, "bad host address '%s'", buf);
		return -1;
	}
	t->cur = t->partial ? NULL : merge_doc_add(t->d, &addr, up, NULL, NULL);
	if (t->cur)
		t->cur->seq = t->seq++;
	return 0;
}

static void host_text(struct merge_host *h, const char *l, size_t n)
{
	size_t len = h->text ? strlen(h->text) : 0;

	append_line(&h->text, &len, l, n);
}

/* Normal output: "Nmap scan report for [NAME (]ADDR[)][ [host down...]]". */
static int normal_line(struct tstate *t, const char *l, size_t n, char *err,
		       size_t errlen)
{
	static const char rep[] = "Nmap scan report for ";
	const char *a, *e, *e2, *open;

	if (starts(l, n, rep)) {
		a = l + strlen(rep);
		e = find(a, (size_t)(l + n - a), " [");
		e = e ? e : l + n;
		/* The last " (": a name may hold one itself. */
		for (open = NULL;
		     (e2 = find(open ? open + 2 : a,
				(size_t)(e - (open ? open + 2 : a)), " (")) !=
		     NULL;)
			open = e2;
		if (open && e[-1] == ')') {
			a = open + 2;
			e--;
		}
		if (new_host(t, a, (size_t)(e - a),
			     find(l, n, "[host down") == NULL, err, errlen) < 0)
			return -1;
		if (t->cur)
			host_text(t->cur, l, n);
		return 0;
	}
	/* What follows the hosts: detection line, unknown fingerprints. */
	if (find(l, n, " detection performed")) {
		if (!t->d->extra)
			t->d->extra = dupn(l, n);
		t->cur = NULL;
	} else if (t->cur) {
		host_text(t->cur, l, n);
	}
	return 0;
}

/* Grepable: "Host: ADDR (NAME)\t...", a host's lines one after another. */
static int grep_line(struct tstate *t, const char *l, size_t n, char *err,
		     size_t errlen)
{
	const char *a, *e;
	int up;

	if (!starts(l, n, "Host: "))
		return 0;
	a = l + 6;
	for (e = a; e < l + n && *e != ' ' && *e != '\t'; e++)
		;
	up = find(l, n, "\tStatus: Up") || find(l, n, "\tPorts: ");
	if (t->cur) {
		char buf[ADDR_STRLEN];
		struct addr addr;
		size_t an = (size_t)(e - a);

		if (an < sizeof(buf)) {
			memcpy(buf, a, an);
			buf[an] = '\0';
			if (addr_parse(buf, &addr) == 0 &&
			    addr_cmp(&addr, &t->cur->addr) == 0) {
				t->cur->up |= up;
				host_text(t->cur, l, n);
				return 0;
			}
		}
	}
	if (new_host(t, a, (size_t)(e - a), up, err, errlen) < 0)
		return -1;
	if (t->cur)
		host_text(t->cur, l, n);
	return 0;
}

/* NDJSON: the value after "key": (a string's content, or a bare token). */
static int json_get(const char *l, size_t n, const char *key, char *out,
		    size_t outlen)
{
	char pat[40];
	const char *v, *e;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	v = find(l, n, pat);
	if (v == NULL)
		return -1;
	v += strlen(pat);
	if (v < l + n && *v == '"') {
		for (e = ++v; e < l + n && *e != '"'; e++)
			if (*e == '\\' && e + 1 < l + n)
				e++;
	} else {
		for (e = v; e < l + n && *e != ',' && *e != '}'; e++)
			;
	}
	if (e >= l + n || (size_t)(e - v) >= outlen)
		return -1;
	memcpy(out, v, (size_t)(e - v));
	out[e - v] = '\0';
	return 0;
}

static uint64_t json_u64(const char *l, size_t n, const char *key)
{
	char buf[32];
	uint64_t v;

	if (json_get(l, n, key, buf, sizeof(buf)) < 0 ||
	    parse_u64(buf, UINT64_MAX, &v) < 0)
		return 0;
	return v;
}

/* The begin record's shard fields, as cli_shard_describe() has them. */
static int json_meta(struct tstate *t, const char *l, size_t n, char *err,
		     size_t errlen)
{
	char s[400], b[4][80];
	struct merge_meta m;

	if (json_get(l, n, "shards", b[0], sizeof(b[0])) < 0)
		return 0;
	if (json_get(l, n, "shard", b[1], sizeof(b[1])) < 0 ||
	    json_get(l, n, "seed", b[2], sizeof(b[2])) < 0 ||
	    json_get(l, n, "fingerprint", b[3], sizeof(b[3])) < 0) {
		snprintf(err, errlen, "shard fields incomplete");
		return -1;
	}
	snprintf(s, sizeof(s), "shard=%s shards=%s seed=%s fingerprint=%s",
		 b[1], b[0], b[2], b[3]);
	if (json_get(l, n, "scan_id", b[0], sizeof(b[0])) == 0)
		snprintf(s + strlen(s), sizeof(s) - strlen(s), " scan-id=%s",
			 b[0]);
	if (merge_meta_parse(s, strlen(s), &m) < 0) {
		snprintf(err, errlen, "bad shard fields");
		return -1;
	}
	if (t->d->meta.have && memcmp(&m, &t->d->meta, sizeof(m))) {
		snprintf(err, errlen, "two shards' runs in one file");
		return -1;
	}
	t->d->meta = m;
	return 0;
}

static int json_line(struct tstate *t, const char *l, size_t n, char *err,
		     size_t errlen)
{
	char type[16], ip[ADDR_STRLEN], st[16];

	if (n == 0)
		return 0;
	if (json_get(l, n, "type", type, sizeof(type)) < 0) {
		snprintf(err, errlen, "not a fathom NDJSON record");
		return -1;
	}
	if (strcmp(type, "begin") == 0) {
		t->partial = 0;
		t->npend = 0;
		if (t->sections++ == 0) {
			t->d->start = (time_t)json_u64(l, n, "start");
			t->d->extra = dupn(l, n);
		}
		return json_meta(t, l, n, err, errlen);
	}
	if (strcmp(type, "interrupted") == 0) {
		t->partial = 1;
	} else if (strcmp(type, "end") == 0) {
		t->d->end = (time_t)json_u64(l, n, "time");
		t->d->total = json_u64(l, n, "hosts_total");
		t->d->finished = !t->partial &&
				 find(l, n, "\"exit\":\"success\"");
		t->npend = 0;
	} else if (strcmp(type, "task") != 0 && strcmp(type, "stats") != 0) {
		/* task and stats (a shard's sweep completeness) describe one
		 * shard's run, not a host: the merged report has neither. */
		if (json_get(l, n, "ip", ip, sizeof(ip)) < 0) {
			snprintf(err, errlen, "%s record without an ip", type);
			return -1;
		}
		append_line(&t->pend, &t->npend, l, n);
		if (strcmp(type, "host") != 0)
			return 0;
		/* The host record closes the host's records. */
		if (new_host(t, ip, strlen(ip),
			     json_get(l, n, "status", st, sizeof(st)) == 0 &&
				     strcmp(st, "up") == 0,
			     err, errlen) < 0)
			return -1;
		if (t->cur)
			t->cur->text = dupn(t->pend, t->npend);
		t->cur = NULL;
		t->npend = 0;
	}
	return 0;
}

int merge_parse_text(struct merge_doc *d, const char *buf, size_t len,
		     char *err, size_t errlen)
{
	struct tstate t = { .d = d };
	size_t lineno = 0;
	char why[160] = "";
	int rc = 0;

	for (const char *l = buf, *e; l < buf + len && rc == 0; l = e + 1) {
		size_t n;

		e = memchr(l, '\n', (size_t)(buf + len - l));
		e = e ? e : buf + len;
		n = (size_t)(e - l);
		lineno++;
		if (d->fmt == MF_JSON) {
			rc = json_line(&t, l, n, why, sizeof(why));
			continue;
		}
		if (d->fmt == MF_NORMAL &&
		    merge_fp_line(d, &t.fp, t.partial, l, n)) {
			t.cur = NULL;
			continue;
		}
		rc = header_line(&t, l, n, why, sizeof(why));
		if (rc != 0) {
			rc = rc < 0 ? -1 : 0;
			continue;
		}
		rc = d->fmt == MF_NORMAL
			     ? normal_line(&t, l, n, why, sizeof(why))
			     : grep_line(&t, l, n, why, sizeof(why));
	}
	free(t.pend);
	merge_fp_close(d, &t.fp, t.partial, NULL, 0);
	if (rc < 0)
		snprintf(err, errlen, "line %zu: %s", lineno, why);
	else if (t.sections == 0)
		snprintf(err, errlen, "no scan header: not fathom's output");
	return rc < 0 || t.sections == 0 ? -1 : 0;
}

static void put_header(FILE *f, const struct merge_sum *sum)
{
	char when[64], meta[200];
	struct tm tm;

	localtime_r(&sum->start, &tm);
	strftime(when, sizeof(when), "%a %b %e %H:%M:%S %Y", &tm);
	merge_meta_line(sum->meta, meta, sizeof(meta));
	fprintf(f, "# fathom %s scan initiated %s as: %s\n# fathom-merge: %s\n",
		PACKAGE_VERSION, when, sum->cmdline ? sum->cmdline : "fathom",
		meta);
}

static void put_footer(FILE *f, const struct merge_sum *sum)
{
	char when[64], what[160];
	struct tm tm;

	localtime_r(&sum->end, &tm);
	strftime(when, sizeof(when), "%a %b %e %H:%M:%S %Y", &tm);
	merge_summary(sum, what, sizeof(what));
	fprintf(f, "# fathom done at %s -- %s\n", when, what);
}

/* The first shard's begin record less its "shard" key. */
static void json_begin_line(FILE *f, const char *begin)
{
	const char *k = strstr(begin, ",\"shard\":"), *e;

	if (k == NULL) {
		fprintf(f, "%s\n", begin);
		return;
	}
	for (e = k + 9; *e >= '0' && *e <= '9'; e++)
		;
	fprintf(f, "%.*s%s\n", (int)(k - begin), begin, e);
}

int merge_write_text(FILE *f, enum merge_fmt fmt, const struct merge_doc *d0,
		     struct merge_host *const *h, size_t n,
		     const struct merge_sum *sum)
{
	if (fmt == MF_JSON)
		json_begin_line(f,
				d0->extra ? d0->extra : "{\"type\":\"begin\"}");
	else
		put_header(f, sum);
	if (fmt == MF_GREP && d0->extra)
		fprintf(f, "%s\n", d0->extra);
	for (size_t i = 0; i < n; i++)
		fputs(h[i]->text ? h[i]->text : "", f);
	if (fmt == MF_NORMAL)
		merge_fp_write(f, h, n, sum->fp_unseen);
	if (fmt == MF_NORMAL && d0->extra && sum->up)
		fprintf(f, "%s\n", d0->extra);
	if (fmt == MF_JSON)
		fprintf(f,
			"{\"type\":\"end\",\"time\":%llu,\"elapsed\":%.2f,"
			"\"hosts_up\":%llu,\"hosts_down\":%llu,"
			"\"hosts_total\":%llu,\"exit\":\"success\"}\n",
			(unsigned long long)sum->end,
			difftime(sum->end, sum->start),
			(unsigned long long)sum->up,
			(unsigned long long)(sum->total - sum->up),
			(unsigned long long)sum->total);
	else
		put_footer(f, sum);
	return fflush(f) == 0 && !ferror(f) ? 0 : -1;
}
