/* neigh.c -- IPv4 address to MAC address table, filled by ARP replies. */
#include "netstack/neigh.h"

#include <stdlib.h>
#include <string.h>

struct neigh_slot {
	uint32_t addr;
	uint8_t used;
	uint8_t mac[6];
};

struct neigh {
	struct neigh_slot *slot;
	size_t cap, used;
};

static void *zalloc(size_t n)
{
	void *p = calloc(1, n);

	if (p == NULL)
		abort(); /* the CLI's policy: OOM is fatal */
	return p;
}

struct neigh *neigh_new(void)
{
	struct neigh *n = zalloc(sizeof(*n));

	n->cap = 64;
	n->slot = zalloc(n->cap * sizeof(*n->slot));
	return n;
}

void neigh_free(struct neigh *n)
{
	if (n == NULL)
		return;
	free(n->slot);
	free(n);
}

static size_t hash32(uint32_t a, size_t mask)
{
	return (size_t)((a * 0x9e3779b1u) >> 7) & mask;
}

static struct neigh_slot *find(struct neigh_slot *s, size_t cap, uint32_t a)
{
	size_t i = hash32(a, cap - 1);

	while (s[i].used && s[i].addr != a)
		i = (i + 1) & (cap - 1);
	return &s[i];
}

void neigh_put(struct neigh *n, uint32_t addr, const uint8_t mac[6])
{
	struct neigh_slot *s;

	if ((n->used + 1) * 2 > n->cap) {
		size_t ncap = n->cap * 2;
		struct neigh_slot *ns = zalloc(ncap * sizeof(*ns));

		for (size_t i = 0; i < n->cap; i++)
			if (n->slot[i].used)
				*find(ns, ncap, n->slot[i].addr) = n->slot[i];
		free(n->slot);
		n->slot = ns;
		n->cap = ncap;
	}
	s = find(n->slot, n->cap, addr);
	if (!s->used) {
		s->used = 1;
		s->addr = addr;
		n->used++;
	}
	memcpy(s->mac, mac, 6);
}

const uint8_t *neigh_get(const struct neigh *n, uint32_t addr)
{
	struct neigh_slot *s = find(n->slot, n->cap, addr);

	return s->used ? s->mac : NULL;
}

size_t neigh_count(const struct neigh *n)
{
	return n->used;
}
