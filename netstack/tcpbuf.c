/* tcpbuf.c -- the bounded send queue and reassembly store of a TCP conn. */
#include "netstack/tcpbuf.h"

#include <stdlib.h>
#include <string.h>

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (p == NULL)
		abort(); /* the CLI's policy: OOM is fatal */
	return p;
}

int tcpq_push(struct tcpq *q, const void *d, size_t n, size_t max)
{
	size_t need;

	if (n == 0)
		return 0;
	if (n > max || q->len > max - n)
		return -1;
	need = (size_t)q->len + n;
	if ((size_t)q->off + need > q->size && q->off > 0) {
		memmove(q->buf, q->buf + q->off, q->len);
		q->off = 0;
	}
	if (need > q->size) {
		size_t sz = q->size ? (size_t)q->size * 2 : 512;

		while (sz < need)
			sz *= 2;
		if (sz > max)
			sz = max;
		q->buf = xrealloc(q->buf, sz);
		q->size = (uint32_t)sz;
	}
	memcpy(q->buf + q->off + q->len, d, n);
	q->len += (uint32_t)n;
	return 0;
}

void tcpq_drop(struct tcpq *q, size_t n)
{
	if (n >= q->len) {
		tcpq_free(q);
		return;
	}
	q->off += (uint32_t)n;
	q->len -= (uint32_t)n;
}

const uint8_t *tcpq_at(const struct tcpq *q, size_t i)
{
	return q->buf + q->off + i;
}

void tcpq_free(struct tcpq *q)
{
	free(q->buf);
	q->buf = NULL;
	q->off = q->len = q->size = 0;
}

struct tcpra_range {
	uint32_t lo, hi; /* [lo, hi) as offsets from base */
};

struct tcpra {
	uint32_t base; /* sequence number of buf[0] */
	uint32_t size; /* bytes allocated in buf */
	uint32_t held;
	uint32_t n; /* ranges in use: sorted, disjoint, not touching */
	struct tcpra_range r[TCPRA_RANGES];
	uint8_t buf[];
};

/* Moves the store's start up to rcv_nxt, dropping what lies before it. */
static void ra_rebase(struct tcpra *ra, uint32_t rcv_nxt)
{
	uint32_t d = rcv_nxt - ra->base, k = 0;

	/* rcv_nxt never moves back; a "negative" step means nothing to do. */
	if (d == 0 || d > INT32_MAX)
		return;
	ra->held = 0;
	for (uint32_t i = 0; i < ra->n; i++) {
		if (ra->r[i].hi <= d)
			continue;
		ra->r[k].lo = ra->r[i].lo > d ? ra->r[i].lo - d : 0;
		ra->r[k].hi = ra->r[i].hi - d;
		ra->held += ra->r[k].hi - ra->r[k].lo;
		k++;
	}
	ra->n = k;
	if (k > 0)
		memmove(ra->buf, ra->buf + d, ra->r[k - 1].hi);
	ra->base = rcv_nxt;
}

size_t tcpra_add(struct tcpra **rap, uint32_t rcv_nxt, uint32_t seq,
		 const uint8_t *d, size_t len, size_t cap)
{
	struct tcpra *ra = *rap;
	uint64_t off = (uint32_t)(seq - rcv_nxt), end;
	uint32_t i, j, lo, hi, nn;

	if (cap > INT32_MAX)
		cap = INT32_MAX;
	if (len == 0 || off >= cap)
		return 0;
	end = off + len;
	if (end > cap)
		end = cap;
	len = (size_t)(end - off);
	if (ra == NULL) {
		ra = xrealloc(NULL, sizeof(*ra));
		memset(ra, 0, sizeof(*ra));
		ra->base = rcv_nxt;
		*rap = ra;
	}
	ra_rebase(ra, rcv_nxt);

	/* Ranges i..j-1 touch [off, end) and merge with it. */
	for (i = 0; i < ra->n && ra->r[i].hi < off; i++)
		;
	for (j = i; j < ra->n && ra->r[j].lo <= end; j++)
		;
	nn = ra->n - (j - i) + 1;
	if (nn > TCPRA_RANGES) {
		if (ra->n == 0) {
			tcpra_free(ra);
			*rap = NULL;
		}
		return 0;
	}
	lo = (uint32_t)off;
	hi = (uint32_t)end;
	if (j > i) {
		if (ra->r[i].lo < lo)
			lo = ra->r[i].lo;
		if (ra->r[j - 1].hi > hi)
			hi = ra->r[j - 1].hi;
	}

	if (end > ra->size) {
		size_t sz = ra->size ? (size_t)ra->size * 2 : 1024;

		while (sz < end)
			sz *= 2;
		if (sz > cap)
			sz = cap;
		ra = xrealloc(ra, sizeof(*ra) + sz);
		ra->size = (uint32_t)sz;
		*rap = ra;
	}
	memcpy(ra->buf + off, d, len);

	memmove(&ra->r[i + 1], &ra->r[j], (ra->n - j) * sizeof(ra->r[0]));
	ra->r[i].lo = lo;
	ra->r[i].hi = hi;
	ra->n = nn;
	ra->held = 0;
	for (i = 0; i < ra->n; i++)
		ra->held += ra->r[i].hi - ra->r[i].lo;
	return len;
}

size_t tcpra_peek(struct tcpra *ra, uint32_t rcv_nxt, const uint8_t **p)
{
	*p = NULL;
	if (ra == NULL)
		return 0;
	ra_rebase(ra, rcv_nxt);
	if (ra->n == 0 || ra->r[0].lo != 0)
		return 0;
	*p = ra->buf;
	return ra->r[0].hi;
}

void tcpra_trim(struct tcpra **rap, uint32_t rcv_nxt)
{
	if (*rap == NULL)
		return;
	ra_rebase(*rap, rcv_nxt);
	if ((*rap)->n == 0) {
		tcpra_free(*rap);
		*rap = NULL;
	}
}

size_t tcpra_held(const struct tcpra *ra)
{
	return ra ? ra->held : 0;
}

void tcpra_free(struct tcpra *ra)
{
	free(ra);
}
