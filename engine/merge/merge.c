/* merge.c -- fathom merge: reads one scan's shards, checks they belong together, writes one report. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/merge/merge.h"
#include "engine/merge/merge_int.h"
#include "netstack/base/util.h"

#define MERGE_MAX_INPUT (1ull << 31) /* bytes per input file */
#define MERGE_MAX_SHARDS 65536u      /* a missing-shard list stays short */

static const char *const fmt_name[MF_NFMT] = { "XML", "normal", "grepable",
					       "NDJSON" };
static const char *const fmt_opt[MF_NFMT] = { "-oX", "-oN", "-oG", "-oJ" };
static const char *const fmt_ext[MF_NFMT] = { ".xml", ".nmap", ".gnmap",
					      ".ndjson" };

struct merge_run {
	char *out[MF_NFMT];  /* requested outputs */
	int by_a[MF_NFMT];   /* from -oA: written only if an input has it */
	struct merge_doc *d; /* inputs */
	size_t nd;
};

/* One line on stderr; the usage/bad-input exit status. */
__attribute__((format(printf, 1, 2))) static int fail(const char *fmt, ...)
{
	va_list ap;

	fputs("fathom merge: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return FATHOM_EXIT_USAGE;
}

int merge_meta_parse(const char *s, size_t len, struct merge_meta *m)
{
	char buf[256], *save = NULL, *tok;
	unsigned seen = 0;
	uint64_t v;

	memset(m, 0, sizeof(*m));
	if (len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	for (tok = strtok_r(buf, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(tok, '=');

		if (eq == NULL)
			return -1;
		*eq++ = '\0';
		if (strcmp(tok, "scan-id") == 0) {
			if (strlen(eq) >= sizeof(m->scan_id))
				return -1;
			memcpy(m->scan_id, eq, strlen(eq) + 1);
			continue;
		}
		if (strcmp(tok, "fingerprint") == 0) {
			char *end;

			errno = 0;
			m->fingerprint = strtoull(eq, &end, 16);
			if (*end || errno || !*eq)
				return -1;
			seen |= 8;
			continue;
		}
		if (parse_u64(eq, UINT64_MAX, &v) < 0)
			return -1;
		if (strcmp(tok, "shard") == 0 && v < UINT32_MAX) {
			m->shard = (uint32_t)v;
			seen |= 1;
		} else if (strcmp(tok, "shards") == 0 && v && v <= UINT32_MAX) {
			m->shards = (uint32_t)v;
			seen |= 2;
		} else if (strcmp(tok, "seed") == 0) {
			m->seed = v;
			seen |= 4;
		} else {
			return -1;
		}
	}
	if (seen != 15 || m->shard >= m->shards)
		return -1;
	m->have = 1;
	return 0;
}

void merge_meta_line(const struct merge_meta *m, char *buf, size_t len)
{
	snprintf(buf, len, "shards=%u seed=%llu fingerprint=%016llx%s%s",
		 m->shards, (unsigned long long)m->seed,
		 (unsigned long long)m->fingerprint,
		 m->scan_id[0] ? " scan-id=" : "", m->scan_id);
}

void merge_summary(const struct merge_sum *sum, char *buf, size_t len)
{
	snprintf(buf, len,
		 "%llu IP address%s (%llu host%s up) scanned in %.2f seconds",
		 (unsigned long long)sum->total, sum->total == 1 ? "" : "es",
		 (unsigned long long)sum->up, sum->up == 1 ? "" : "s",
		 difftime(sum->end, sum->start));
}

struct merge_host *merge_doc_add(struct merge_doc *d, const struct addr *a,
				 int up, char *text, void *node)
{
	struct merge_host *h;

	if (d->nh == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 64;
		d->h = xrealloc(d->h, d->cap * sizeof(*d->h));
	}
	h = &d->h[d->nh++];
	memset(h, 0, sizeof(*h));
	h->addr = *a;
	h->up = up;
	h->text = text;
	h->node = node;
	return h;
}

void merge_doc_free(struct merge_doc *d)
{
	for (size_t i = 0; i < d->nh; i++) {
		free(d->h[i].text);
		for (size_t k = 0; k < d->h[i].nfp; k++)
			free(d->h[i].fp[k]);
		free(d->h[i].fp);
	}
	free(d->h);
	free(d->cmdline);
	free(d->extra);
	free(d->name);
	merge_xml_free(d->xml);
	memset(d, 0, sizeof(*d));
}

/* The format by content; the file's name only tells normal from
 * grepable when neither has a host line. */
static enum merge_fmt sniff(const char *name, const char *buf, size_t len)
{
	size_t k = strlen(name);

	while (len && (*buf == ' ' || *buf == '\n' || *buf == '\r')) {
		buf++;
		len--;
	}
	if (len && *buf == '<')
		return MF_XML;
	if (len && *buf == '{')
		return MF_JSON;
	for (const char *l = buf; l && l < buf + len;) {
		size_t n = (size_t)(buf + len - l);

		if (n >= 6 && memcmp(l, "Host: ", 6) == 0)
			return MF_GREP;
		if (n >= 21 && memcmp(l, "Nmap scan report for ", 21) == 0)
			return MF_NORMAL;
		l = memchr(l, '\n', n);
		l = l ? l + 1 : NULL;
	}
	return k > 6 && strcmp(name + k - 6, ".gnmap") == 0 ? MF_GREP
							    : MF_NORMAL;
}

/* Parses bytes named name into d: 0, or -1 with err. */
int merge_parse(struct merge_doc *d, const char *name, const char *buf,
		size_t len, char *err, size_t errlen)
{
	memset(d, 0, sizeof(*d));
	d->name = xstrdup(name);
	d->fmt = sniff(name, buf, len);
	return d->fmt == MF_XML ? merge_parse_xml(d, buf, len, err, errlen)
				: merge_parse_text(d, buf, len, err, errlen);
}

static int add_file(struct merge_run *m, const char *path)
{
	char err[256];
	size_t len;
	char *buf = read_file(path, MERGE_MAX_INPUT, &len, err, sizeof(err));
	struct merge_doc *d;

	if (buf == NULL)
		return fail("%s", err);
	m->d = xrealloc(m->d, (m->nd + 1) * sizeof(*m->d));
	d = &m->d[m->nd++];
	if (merge_parse(d, path, buf, len, err, sizeof(err)) < 0) {
		free(buf);
		return fail("%s: %s", path, err);
	}
	free(buf);
	if (!d->meta.have)
		return fail("%s: no fathom-shard header: not the output of a "
			    "fathom --shard run",
			    path);
	return 0;
}

/* IN: a file, else an -oA base name whose BASE.xml etc. exist. */
static int add_input(struct merge_run *m, const char *in)
{
	struct stat st;
	int found = 0, rc;

	if (stat(in, &st) == 0)
		return add_file(m, in);
	for (int f = 0; f < MF_NFMT; f++) {
		char path[4096];

		snprintf(path, sizeof(path), "%s%s", in, fmt_ext[f]);
		if (stat(path, &st) != 0)
			continue;
		found = 1;
		if ((rc = add_file(m, path)) != 0)
			return rc;
	}
	if (!found)
		return fail("%s: no such file, nor %s.xml, .nmap, .gnmap or "
			    ".ndjson",
			    in, in);
	return 0;
}

/* Every input of the same scan as the first: 0, or the exit status. */
static int check_same_scan(const struct merge_run *m)
{
	const struct merge_doc *a = &m->d[0];

	for (size_t i = 0; i < m->nd; i++) {
		const struct merge_doc *b = &m->d[i];
		char x[200], y[200], msg[1024];

		if (!b->finished) {
			snprintf(msg, sizeof(msg),
				 "%s: shard %u was interrupted or is "
				 "unfinished; finish it first: fathom "
				 "--resume %s",
				 b->name, b->meta.shard, b->name);
			return fail("%s", msg);
		}
		if (b->meta.seed == a->meta.seed &&
		    b->meta.shards == a->meta.shards &&
		    b->meta.fingerprint == a->meta.fingerprint &&
		    strcmp(b->meta.scan_id, a->meta.scan_id) == 0)
			continue;
		merge_meta_line(&b->meta, x, sizeof(x));
		merge_meta_line(&a->meta, y, sizeof(y));
		snprintf(msg, sizeof(msg),
			 "%s is not a shard of the same scan as %s (%s, but "
			 "%s): shards must share --seed or --scan-id, "
			 "--shards and every option that changes the probes",
			 b->name, a->name, x, y);
		return fail("%s", msg);
	}
	return 0;
}

/* Every shard among fmt's inputs: 0, or the exit status after naming
 * the missing ones in one line. */
static int check_complete(const struct merge_run *m, enum merge_fmt fmt)
{
	uint32_t n = m->d[0].meta.shards;
	uint8_t *have;
	char list[512] = "";
	size_t len = 0, missing = 0;
	int rc = 0;

	if (n > MERGE_MAX_SHARDS)
		return fail("%u shards: at most %u can be merged", n,
			    MERGE_MAX_SHARDS);
	have = xcalloc(n, 1);
	for (size_t i = 0; i < m->nd; i++)
		if (m->d[i].fmt == fmt)
			have[m->d[i].meta.shard] = 1;
	for (uint32_t s = 0; s < n; s++) {
		if (have[s])
			continue;
		if (missing++ < 32 && len < sizeof(list) - 16)
			len += (size_t)snprintf(list + len, sizeof(list) - len,
						"%s%u", missing > 1 ? ", " : "",
						s);
	}
	free(have);
	if (missing) {
		char msg[640];

		snprintf(msg, sizeof(msg),
			 "missing shard%s %s%s of %u (0-based) among the %s "
			 "inputs",
			 missing == 1 ? "" : "s", list,
			 missing > 32 ? ", ..." : "", n, fmt_name[fmt]);
		rc = fail("%s", msg);
	}
	return rc;
}

static int host_cmp(const void *x, const void *y)
{
	const struct merge_host *a = *(struct merge_host *const *)x;
	const struct merge_host *b = *(struct merge_host *const *)y;
	int c = addr_cmp(&a->addr, &b->addr);

	return c ? c : a->seq < b->seq ? -1 : a->seq > b->seq;
}

/*
 * fmt's hosts in address order, one per address (of two, the later
 * input's: a resumed part after the first), and the run's figures.
 */
static size_t collect(const struct merge_run *m, enum merge_fmt fmt,
		      struct merge_host ***out, struct merge_sum *sum)
{
	struct merge_host **v = NULL;
	size_t n = 0, k = 0, seq = 0;

	memset(sum, 0, sizeof(*sum));
	sum->meta = &m->d[0].meta;
	for (size_t i = 0; i < m->nd; i++) {
		const struct merge_doc *d = &m->d[i];

		if (d->fmt != fmt)
			continue;
		if (sum->cmdline == NULL)
			sum->cmdline = d->cmdline;
		if (sum->start == 0 || (d->start && d->start < sum->start))
			sum->start = d->start;
		if (d->end > sum->end)
			sum->end = d->end;
		/* The same shard twice (given again): its targets once. */
		sum->total += d->total;
		sum->fp_unseen += d->fp_unseen;
		for (size_t e = 0; e < i; e++)
			if (m->d[e].fmt == fmt &&
			    m->d[e].meta.shard == d->meta.shard) {
				sum->total -= d->total;
				sum->fp_unseen -= d->fp_unseen;
				break;
			}
		v = xrealloc(v, (n + d->nh + 1) * sizeof(*v));
		for (size_t j = 0; j < d->nh; j++) {
			d->h[j].seq = seq++;
			v[n++] = &d->h[j];
		}
	}
	qsort(v, n, sizeof(*v), host_cmp);
	for (size_t i = 0; i < n; i++) {
		if (i + 1 < n && addr_cmp(&v[i]->addr, &v[i + 1]->addr) == 0)
			continue;
		v[k++] = v[i];
		sum->up += v[i]->up != 0;
	}
	if (sum->total < k) /* a shard without a footer's count */
		sum->total = k;
	if (sum->end < sum->start)
		sum->end = sum->start;
	*out = v;
	return k;
}

/* The input whose format-specific extras the output takes: the first
 * that has them (a shard with no host up has no detection line). */
static const struct merge_doc *first_of(const struct merge_run *m,
					enum merge_fmt fmt)
{
	const struct merge_doc *d0 = NULL;

	for (size_t i = 0; i < m->nd; i++) {
		if (m->d[i].fmt != fmt)
			continue;
		if (d0 == NULL)
			d0 = &m->d[i];
		if (m->d[i].extra) {
			d0 = &m->d[i];
			break;
		}
	}
	return d0;
}

static int write_fmt(const struct merge_run *m, enum merge_fmt fmt,
		     const char *path)
{
	struct merge_host **v;
	struct merge_sum sum;
	size_t n = collect(m, fmt, &v, &sum);
	const struct merge_doc *d0 = first_of(m, fmt);
	char err[256];
	FILE *f;
	int rc;

	if (fmt == MF_XML) {
		rc = merge_write_xml(path, d0, v, n, &sum, err, sizeof(err));
		free(v);
		if (rc < 0)
			fprintf(stderr, "fathom merge: %s\n", err);
		return rc < 0 ? FATHOM_EXIT_FAIL : 0;
	}
	f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
	if (f == NULL) {
		fprintf(stderr, "fathom merge: cannot write %s: %s\n", path,
			strerror(errno));
		free(v);
		return FATHOM_EXIT_FAIL;
	}
	rc = merge_write_text(f, fmt, d0, v, n, &sum);
	if (f != stdout && fclose(f) != 0)
		rc = -1;
	free(v);
	if (rc < 0) {
		fprintf(stderr, "fathom merge: cannot write %s\n", path);
		return FATHOM_EXIT_FAIL;
	}
	return 0;
}

/* -oX/-oN/-oG/-oJ FILE, -oA BASE (a separate argument, or attached). */
static int parse_args(struct merge_run *m, int argc, char **argv, int *first)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *o = argv[i], *arg;
		int f;

		if (strcmp(o, "--") == 0) {
			i++;
			break;
		}
		if (strlen(o) < 3 || o[1] != 'o' || !strchr("XNGJA", o[2]))
			return fail("unrecognized option '%s' (fathom merge "
				    "-oA BASE|-oX|-oN|-oG|-oJ FILE IN...)",
				    o);
		arg = o[3] ? o + 3 : i + 1 < argc ? argv[++i] : NULL;
		if (arg == NULL)
			return fail("option '%s' needs an argument", o);
		for (f = 0; f < MF_NFMT; f++) {
			char *p;

			if (o[2] != 'A' && o[2] != fmt_opt[f][2])
				continue;
			free(m->out[f]);
			p = xmalloc(strlen(arg) + 8);
			snprintf(p, strlen(arg) + 8, "%s%s", arg,
				 o[2] == 'A' ? fmt_ext[f] : "");
			m->out[f] = p;
			m->by_a[f] = o[2] == 'A';
		}
	}
	*first = i;
	if (i >= argc)
		return fail("no input: fathom merge -oA BASE IN...");
	for (int f = 0; f < MF_NFMT; f++)
		if (m->out[f])
			return 0;
	return fail("no output: give -oA BASE, -oX, -oN, -oG or -oJ FILE");
}

/* Which outputs are written: 0, or the exit status. */
static int plan(struct merge_run *m)
{
	int any = 0, rc;

	for (int f = 0; f < MF_NFMT; f++) {
		int have = 0;

		if (m->out[f] == NULL)
			continue;
		for (size_t i = 0; i < m->nd; i++)
			have |= m->d[i].fmt == (enum merge_fmt)f;
		if (!have && m->by_a[f]) {
			free(m->out[f]);
			m->out[f] = NULL;
			continue;
		}
		if (!have)
			return fail("%s needs the shards' %s output among the "
				    "inputs: none is",
				    fmt_opt[f], fmt_name[f]);
		if ((rc = check_complete(m, (enum merge_fmt)f)) != 0)
			return rc;
		any = 1;
	}
	return any ? 0 : fail("nothing to write");
}

int merge_main(int argc, char **argv)
{
	struct merge_run m;
	int first = 0, rc;

	memset(&m, 0, sizeof(m));
	rc = parse_args(&m, argc, argv, &first);
	for (int i = first; rc == 0 && i < argc; i++)
		rc = add_input(&m, argv[i]);
	if (rc == 0)
		rc = check_same_scan(&m);
	if (rc == 0)
		rc = plan(&m);
	/* Every check passed before the first output is opened. */
	for (int f = 0; rc == 0 && f < MF_NFMT; f++)
		if (m.out[f])
			rc = write_fmt(&m, (enum merge_fmt)f, m.out[f]);
	for (size_t i = 0; i < m.nd; i++)
		merge_doc_free(&m.d[i]);
	free(m.d);
	for (int f = 0; f < MF_NFMT; f++)
		free(m.out[f]);
	return rc;
}
