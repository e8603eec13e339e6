/* handoff.c -- the sweep's validated SYN-ACKs, kept for -sV's first connection. */
#include "engine/sweep/handoff.h"

#include <stdlib.h>
#include <string.h>

#include "netstack/base/util.h"
#include "netstack/tcpseg.h"

void handoffs_init(struct handoffs *t, size_t max)
{
	memset(t, 0, sizeof(*t));
	t->max = max;
}

void handoffs_free(struct handoffs *t)
{
	size_t max = t->max;

	free(t->e);
	handoffs_init(t, max);
}

int handoffs_note(struct handoffs *t, const struct pkt_info *p, uint64_t at_ms)
{
	struct handoff_entry *e;

	if (p->kind != PKT_TCP ||
	    (p->tcp.flags & (PKT_SYN | PKT_ACK | PKT_RST)) !=
		    (PKT_SYN | PKT_ACK))
		return 0;
	/* A repeat (the peer's retransmission) is kept already: the table
	 * is small (ONEPASS_MAX), so a look through it is cheap. */
	for (size_t i = 0; i < t->n; i++)
		if (t->e[i].h.dport == p->tcp.sport &&
		    t->e[i].h.sport == p->tcp.dport &&
		    addr_eq(&t->e[i].h.daddr, &p->ip.saddr))
			return 1;
	if (t->n >= t->max) {
		t->dropped++;
		return 0;
	}
	t->e = xgrow(t->e, &t->cap, t->n + 1, sizeof(*t->e));
	e = &t->e[t->n++];
	memset(e, 0, sizeof(*e));
	e->h.daddr = p->ip.saddr;
	e->h.dport = p->tcp.sport;
	e->h.sport = p->tcp.dport;
	e->h.iss = p->tcp.ack - 1;
	e->h.irs = p->tcp.seq;
	e->h.win = p->tcp.win;
	e->h.mss = tcpseg_find_mss(p->tcp.opts, p->tcp.optlen);
	if (p->eth_src)
		memcpy(e->mac, p->eth_src, 6);
	if (p->eth_dst)
		memcpy(e->smac, p->eth_dst, 6);
	e->saddr = p->ip.daddr;
	e->at_ms = at_ms;
	t->sorted = 0;
	return 1;
}

/* By address, port, then arrival: a port's earliest handshake first. */
static int cmp_entry(const void *a, const void *b)
{
	const struct handoff_entry *x = a, *y = b;
	int c = addr_cmp(&x->h.daddr, &y->h.daddr);

	if (c)
		return c;
	if (x->h.dport != y->h.dport)
		return x->h.dport < y->h.dport ? -1 : 1;
	if (x->at_ms != y->at_ms)
		return x->at_ms < y->at_ms ? -1 : 1;
	return x->h.sport < y->h.sport ? -1 : x->h.sport > y->h.sport;
}

/*
 * Sorts once the sweep is over, and marks every repeat of an earlier
 * entry's 4-tuple taken: one handshake, one adoption or one RST.
 */
static void settle(struct handoffs *t)
{
	if (t->sorted)
		return;
	if (t->n > 1)
		qsort(t->e, t->n, sizeof(*t->e), cmp_entry);
	for (size_t i = 0; i < t->n; i++)
		for (size_t j = i; j-- > 0;) {
			const struct handoff_entry *a = &t->e[i], *b = &t->e[j];

			if (b->h.dport != a->h.dport ||
			    !addr_eq(&b->h.daddr, &a->h.daddr))
				break;
			if (b->h.sport == a->h.sport) {
				t->e[i].taken = 1;
				break;
			}
		}
	t->sorted = 1;
}

/* The first entry for addr:port (sorted order), or t->n. */
static size_t lower_bound(const struct handoffs *t, const struct addr *addr,
			  uint16_t port)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct handoff_entry *e = &t->e[mid];
		int c = addr_cmp(&e->h.daddr, addr);

		if (c < 0 || (c == 0 && e->h.dport < port))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int handoffs_take(struct handoffs *t, const struct addr *addr, uint16_t port,
		  struct handoff_entry *out)
{
	settle(t);
	for (size_t i = lower_bound(t, addr, port);
	     i < t->n && t->e[i].h.dport == port &&
	     addr_eq(&t->e[i].h.daddr, addr);
	     i++) {
		if (t->e[i].taken)
			continue;
		t->e[i].taken = 1;
		*out = t->e[i];
		return 1;
	}
	return 0;
}

int handoffs_next_before(struct handoffs *t, uint64_t at_ms,
			 struct handoff_entry *out)
{
	settle(t);
	for (size_t i = 0; i < t->n; i++) {
		if (t->e[i].taken || t->e[i].at_ms >= at_ms)
			continue;
		t->e[i].taken = 1;
		*out = t->e[i];
		return 1;
	}
	return 0;
}

int handoffs_next_left(struct handoffs *t, struct handoff_entry *out)
{
	return handoffs_next_before(t, UINT64_MAX, out);
}

size_t handoff_rst_frame(const struct handoff_entry *e, uint8_t *out,
			 size_t cap)
{
	struct tcpseg s = {
		.smac = e->smac,
		.dmac = e->mac,
		.saddr = e->saddr,
		.daddr = e->h.daddr,
		.sport = e->h.sport,
		.dport = e->h.dport,
		.seq = e->h.iss + 1,
		.ack = e->h.irs + 1,
		.flags = PKT_RST | PKT_ACK,
		.ttl = 64,
	};

	return tcpseg_build(out, cap, &s);
}
