/* merge_fp.c -- fathom merge: the unrecognised services' SF-Port prints of normal output, read per host and written as one block. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "engine/merge/merge_int.h"
#include "engine/report/report.h"
#include "netstack/base/util.h"

static int starts(const char *l, size_t n, const char *p)
{
	size_t k = strlen(p);

	return n >= k && memcmp(l, p, k) == 0;
}

/* The port an SF-Port print is about ("SF-Port8080-TCP:..."), 0 if none. */
static unsigned fp_port(const char *t)
{
	unsigned p = 0;

	if (strncmp(t, "SF-Port", 7) != 0)
		return 0;
	for (t += 7; *t >= '0' && *t <= '9' && p < 65536; t++)
		p = p * 10 + (unsigned)(*t - '0');
	return p < 65536 ? p : 0;
}

static void host_add_fp(struct merge_host *h, char *t)
{
	h->fp = xrealloc(h->fp, (h->nfp + 1) * sizeof(*h->fp));
	h->fp[h->nfp++] = t;
}

/* The host at addr among the block's batch (the latest first). */
static struct merge_host *owner_by_addr(struct merge_doc *d, size_t first,
					const char *a, size_t an)
{
	char buf[ADDR_STRLEN];
	struct addr addr;

	if (an == 0 || an >= sizeof(buf))
		return NULL;
	memcpy(buf, a, an);
	buf[an] = '\0';
	if (addr_parse(buf, &addr) < 0)
		return NULL;
	for (size_t i = d->nh; i-- > first;)
		if (addr_cmp(&d->h[i].addr, &addr) == 0)
			return &d->h[i];
	return NULL;
}

/*
 * Without an owners line (a file fathom wrote before it had one): the
 * prints come in address, then port order, so each goes to the first
 * host from the last owner on (past it when the port does not rise)
 * that lists its port open. Exact unless an earlier host of the batch
 * has that port open without a print.
 */
static struct merge_host *owner_by_port(struct merge_doc *d, size_t *pos,
					unsigned *last, unsigned port)
{
	char pat[24];

	snprintf(pat, sizeof(pat), "\n%u/tcp ", port);
	for (size_t i = *pos + (port <= *last); port && i < d->nh; i++)
		if (d->h[i].text && strstr(d->h[i].text, pat)) {
			*pos = i;
			*last = port;
			return &d->h[i];
		}
	return NULL;
}

void merge_fp_close(struct merge_doc *d, struct merge_fpblock *b, int partial,
		    const char *owners, size_t len)
{
	const char *o = owners, *end = owners ? owners + len : NULL;
	size_t pos = b->first;
	unsigned last = 0;

	if (!b->on)
		return;
	for (size_t k = 0; k < b->n; k++) {
		struct merge_host *h = NULL;

		if (o) {
			const char *e = o, *slash = NULL;

			while (e < end && *e != ' ')
				e++;
			for (const char *c = o; c < e; c++)
				if (*c == '/')
					slash = c;
			if (slash)
				h = owner_by_addr(d, b->first, o,
						  (size_t)(slash - o));
			o = e < end ? e + 1 : end;
		} else {
			h = owner_by_port(d, &pos, &last, fp_port(b->t[k]));
		}
		/* Not found: a host past the interruption, not kept. */
		if (h)
			host_add_fp(h, b->t[k]);
		else
			free(b->t[k]);
	}
	if (!partial && b->declared > b->n)
		d->fp_unseen += b->declared - b->n;
	free(b->t);
	memset(b, 0, sizeof(*b));
	b->first = d->nh;
}

int merge_fp_line(struct merge_doc *d, struct merge_fpblock *b, int partial,
		  const char *l, size_t n)
{
	static const char tail[] = REPORT_FP_TAIL;
	size_t k = strlen(tail);

	if (n > k && memcmp(l + n - k, tail, k) == 0) {
		merge_fp_close(d, b, partial, NULL, 0);
		b->on = 1;
		for (size_t i = 0; i < n && l[i] >= '0' && l[i] <= '9'; i++)
			b->declared = b->declared * 10 + (uint64_t)(l[i] - '0');
		return 1;
	}
	if (!b->on)
		return 0;
	if (starts(l, n, REPORT_FP_SEP)) {
		b->t = xrealloc(b->t, (b->n + 1) * sizeof(*b->t));
		b->t[b->n++] = xstrdup("");
		return 1;
	}
	if (b->n && (starts(l, n, "SF-Port") || starts(l, n, "SF:"))) {
		char **t = &b->t[b->n - 1];
		size_t have = strlen(*t);

		*t = xrealloc(*t, have + n + 2);
		if (have)
			(*t)[have++] = '\n';
		memcpy(*t + have, l, n);
		(*t)[have + n] = '\0';
		return 1;
	}
	if (starts(l, n, REPORT_FP_OWNERS)) {
		k = strlen(REPORT_FP_OWNERS);
		merge_fp_close(d, b, partial, l + k, n - k);
		return 1;
	}
	merge_fp_close(d, b, partial, NULL, 0);
	return 0;
}

static int fp_cmp(const void *x, const void *y)
{
	unsigned a = fp_port(*(char *const *)x), b = fp_port(*(char *const *)y);

	return a < b ? -1 : a > b;
}

void merge_fp_write(FILE *f, struct merge_host *const *h, size_t n,
		    uint64_t unseen)
{
	uint64_t total = unseen;
	size_t shown = 0;

	for (size_t i = 0; i < n; i++)
		total += h[i]->nfp;
	if (total == 0)
		return;
	fprintf(f, "%llu service%s" REPORT_FP_TAIL "\n",
		(unsigned long long)total, total == 1 ? "" : "s");
	/* As one run's: address, then port order, the first 9. */
	for (size_t i = 0; i < n && shown < REPORT_FP_MAX; i++) {
		qsort(h[i]->fp, h[i]->nfp, sizeof(*h[i]->fp), fp_cmp);
		for (size_t k = 0; k < h[i]->nfp && shown < REPORT_FP_MAX;
		     k++, shown++)
			fprintf(f, REPORT_FP_SEP "\n%s\n", h[i]->fp[k]);
	}
}
