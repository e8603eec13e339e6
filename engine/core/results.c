/* results.c -- what the scan learned, per (host, port), kept by replies. */
#include "engine/core/results.h"

#include <stdlib.h>
#include <string.h>

#include "netstack/base/util.h"

static const char *const state_names[PS_NSTATES] = {
	"unknown",    "open",          "closed",          "filtered",
	"unfiltered", "open|filtered", "closed|filtered",
};

static const char *const reason_names[RS_NREASONS] = {
	"unknown",         "syn-ack",          "reset",
	"no-response",     "net-unreach",      "host-unreach",
	"proto-unreach",   "port-unreach",     "net-prohibited",
	"host-prohibited", "admin-prohibited", "time-exceeded",
	"user-set",        "udp-response",     "conn-refused",
};

const char *port_state_name(int state)
{
	return state >= 0 && state < PS_NSTATES ? state_names[state]
						: "unknown";
}

const char *port_reason_name(int reason)
{
	return reason >= 0 && reason < RS_NREASONS ? reason_names[reason]
						   : "unknown";
}

int port_reason_from_icmp(uint8_t type, uint8_t code)
{
	if (type == 11)
		return RS_TIME_EXCEEDED;
	if (type != 3)
		return RS_NONE;
	switch (code) {
	case 0:
		return RS_NET_UNREACH;
	case 1:
		return RS_HOST_UNREACH;
	case 2:
		return RS_PROTO_UNREACH;
	case 3:
		return RS_PORT_UNREACH;
	case 9:
		return RS_NET_PROHIBITED;
	case 10:
		return RS_HOST_PROHIBITED;
	case 13:
		return RS_ADMIN_PROHIBITED;
	default:
		return RS_HOST_UNREACH;
	}
}

/* Open addressing on idx+1 (0 marks an empty slot), linear probing. */
struct results {
	pthread_mutex_t lock;
	uint64_t *keys;
	size_t cap, used; /* cap is a power of two */
	struct port_result *items;
	size_t nitems, items_cap;
	int sorted; /* items unchanged since the last results_sorted() */
};

struct results *results_new(void)
{
	struct results *r = xmalloc(sizeof(*r));

	pthread_mutex_init(&r->lock, NULL);
	r->cap = 1024;
	r->keys = xcalloc(r->cap, sizeof(*r->keys));
	return r;
}

void results_free(struct results *r)
{
	if (r == NULL)
		return;
	pthread_mutex_destroy(&r->lock);
	free(r->keys);
	free(r->items);
	free(r);
}

static inline size_t slot_of(uint64_t key, size_t mask)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdull;
	key ^= key >> 33;
	return (size_t)key & mask;
}

/* Returns the slot holding key, or the empty slot where it would go. */
static size_t find(const uint64_t *keys, size_t cap, uint64_t key)
{
	size_t mask = cap - 1, s = slot_of(key, mask);

	while (keys[s] != 0 && keys[s] != key)
		s = (s + 1) & mask;
	return s;
}

static void grow(struct results *r)
{
	size_t ncap = r->cap * 2;
	uint64_t *nk = xcalloc(ncap, sizeof(*nk));

	for (size_t i = 0; i < r->cap; i++)
		if (r->keys[i])
			nk[find(nk, ncap, r->keys[i])] = r->keys[i];
	free(r->keys);
	r->keys = nk;
	r->cap = ncap;
}

int results_add(struct results *r, uint64_t idx, const struct port_result *pr)
{
	uint64_t key = idx + 1;
	size_t s;
	int added = 0;

	pthread_mutex_lock(&r->lock);
	s = find(r->keys, r->cap, key);
	if (r->keys[s] == 0) {
		r->keys[s] = key;
		r->used++;
		if (r->used * 2 > r->cap)
			grow(r);
		r->items = xgrow(r->items, &r->items_cap, r->nitems + 1,
				 sizeof(*r->items));
		r->items[r->nitems++] = *pr;
		r->sorted = 0;
		added = 1;
	}
	pthread_mutex_unlock(&r->lock);
	return added;
}

int results_seen(struct results *r, uint64_t idx)
{
	int seen;

	pthread_mutex_lock(&r->lock);
	seen = r->keys[find(r->keys, r->cap, idx + 1)] != 0;
	pthread_mutex_unlock(&r->lock);
	return seen;
}

size_t results_count(struct results *r)
{
	size_t n;

	pthread_mutex_lock(&r->lock);
	n = r->nitems;
	pthread_mutex_unlock(&r->lock);
	return n;
}

static int cmp_result(const void *a, const void *b)
{
	const struct port_result *x = a, *y = b;
	int c = addr_cmp(&x->addr, &y->addr);

	if (c != 0)
		return c;
	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	return (int)x->port - (int)y->port;
}

const struct port_result *results_sorted(struct results *r, size_t *n)
{
	/*
	 * Reports ask several times; millions of results sort once. No
	 * results (a dead host, --dry-run) leave items NULL, and qsort's
	 * base must not be NULL even for zero elements (UBSan aborts).
	 */
	if (!r->sorted && r->nitems > 0)
		qsort(r->items, r->nitems, sizeof(*r->items), cmp_result);
	r->sorted = 1;
	*n = r->nitems;
	return r->items;
}
