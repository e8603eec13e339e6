/* seqmatch.c -- Python difflib's SequenceMatcher opcodes, for ndiff's OS lists. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "engine/diff/diff_int.h"
#include "netstack/base/util.h"

struct block {
	size_t i, j, k;
};

/*
 * The longest common run of a[alo..ahi) and b[blo..bhi): of the
 * longest, the one starting first in a, then first in b (difflib's
 * find_longest_match without junk).
 */
static struct block longest(char *const *a, char *const *b, size_t alo,
			    size_t ahi, size_t blo, size_t bhi)
{
	struct block best = { alo, blo, 0 };
	size_t w = bhi - blo + 1;
	size_t *prev = xcalloc(w, sizeof(*prev)),
	       *cur = xcalloc(w, sizeof(*cur));

	/* prev[t + 1]: the run ending at (i - 1, blo + t); [0] stays 0. */
	for (size_t i = alo; i < ahi; i++) {
		size_t *t;

		for (size_t j = blo; j < bhi; j++) {
			size_t k = strcmp(a[i], b[j]) == 0 ? prev[j - blo] + 1
							   : 0;

			cur[j - blo + 1] = k;
			if (k > best.k) {
				best.i = i - k + 1;
				best.j = j - k + 1;
				best.k = k;
			}
		}
		t = prev;
		prev = cur;
		cur = t;
		memset(cur, 0, w * sizeof(*cur));
	}
	free(prev);
	free(cur);
	return best;
}

static int block_cmp(const void *x, const void *y)
{
	const struct block *p = x, *q = y;

	if (p->i != q->i)
		return p->i < q->i ? -1 : 1;
	if (p->j != q->j)
		return p->j < q->j ? -1 : 1;
	return p->k < q->k ? -1 : p->k > q->k;
}

/* get_matching_blocks(): sorted, adjacent ones joined, (na, nb, 0) last. */
static size_t matching(char *const *a, size_t na, char *const *b, size_t nb,
		       struct block *out)
{
	struct block *q = xmalloc((na + nb + 2) * sizeof(*q));
	struct block *mb = xmalloc((na + nb + 2) * sizeof(*mb));
	size_t nq = 0, nm = 0, n = 0;
	struct block cur = { 0, 0, 0 };

	q[nq++] = (struct block){ 0, na, 0 }; /* alo, ahi, blo; bhi below */
	{
		size_t *bhi = xmalloc((na + nb + 2) * sizeof(*bhi));

		bhi[0] = nb;
		while (nq) {
			struct block r = q[--nq];
			size_t hi = bhi[nq];
			struct block x = longest(a, b, r.i, r.j, r.k, hi);

			if (x.k == 0)
				continue;
			mb[nm++] = x;
			if (r.i < x.i && r.k < x.j) {
				q[nq] = (struct block){ r.i, x.i, r.k };
				bhi[nq++] = x.j;
			}
			if (x.i + x.k < r.j && x.j + x.k < hi) {
				q[nq] = (struct block){ x.i + x.k, r.j,
							x.j + x.k };
				bhi[nq++] = hi;
			}
		}
		free(bhi);
	}
	qsort(mb, nm, sizeof(*mb), block_cmp);
	for (size_t t = 0; t < nm; t++) {
		if (cur.i + cur.k == mb[t].i && cur.j + cur.k == mb[t].j) {
			cur.k += mb[t].k;
		} else {
			if (cur.k)
				out[n++] = cur;
			cur = mb[t];
		}
	}
	if (cur.k)
		out[n++] = cur;
	out[n++] = (struct block){ na, nb, 0 };
	free(q);
	free(mb);
	return n;
}

size_t seqmatch_opcodes(char *const *a, size_t na, char *const *b, size_t nb,
			struct seq_op *op, size_t max)
{
	struct block *mb = xmalloc((na + nb + 2) * sizeof(*mb));
	size_t nm = matching(a, na, b, nb, mb), n = 0, i = 0, j = 0;

	for (size_t t = 0; t < nm; t++) {
		char tag = 0;

		if (i < mb[t].i && j < mb[t].j)
			tag = 'r';
		else if (i < mb[t].i)
			tag = 'd';
		else if (j < mb[t].j)
			tag = 'i';
		if (tag && n < max)
			op[n++] =
				(struct seq_op){ tag, i, mb[t].i, j, mb[t].j };
		i = mb[t].i + mb[t].k;
		j = mb[t].j + mb[t].k;
		if (mb[t].k && n < max)
			op[n++] =
				(struct seq_op){ 'e', mb[t].i, i, mb[t].j, j };
	}
	free(mb);
	return n;
}
