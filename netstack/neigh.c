/* neigh.c -- IP to MAC table, filled by ARP replies and NAs. */
#include "netstack/neigh.h"

#include <stdlib.h>
#include <string.h>

#include "netstack/packet.h"

struct neigh_slot {
	struct addr addr;
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

/*
 * Multiplicative hash of the 16 bytes and the family. Not keyed: the
 * addresses are next hops and targets the user chose, not peers' picks.
 */
static size_t hash_addr(const struct addr *a, size_t mask)
{
	uint64_t h = a->family;

	for (int i = 0; i < 16; i += 4) {
		uint32_t w = (uint32_t)a->b[i] << 24 |
			     (uint32_t)a->b[i + 1] << 16 |
			     (uint32_t)a->b[i + 2] << 8 | a->b[i + 3];

		h = (h ^ w) * 0x9e3779b97f4a7c15ull;
	}
	return (size_t)(h >> 32) & mask;
}

static struct neigh_slot *find(struct neigh_slot *s, size_t cap,
			       const struct addr *a)
{
	size_t i = hash_addr(a, cap - 1);

	while (s[i].used && !addr_eq(&s[i].addr, a))
		i = (i + 1) & (cap - 1);
	return &s[i];
}

void neigh_put_addr(struct neigh *n, const struct addr *addr,
		    const uint8_t mac[6])
{
	struct neigh_slot *s;

	if ((n->used + 1) * 2 > n->cap) {
		size_t ncap = n->cap * 2;
		struct neigh_slot *ns = zalloc(ncap * sizeof(*ns));

		for (size_t i = 0; i < n->cap; i++)
			if (n->slot[i].used)
				*find(ns, ncap, &n->slot[i].addr) = n->slot[i];
		free(n->slot);
		n->slot = ns;
		n->cap = ncap;
	}
	s = find(n->slot, n->cap, addr);
	if (!s->used) {
		s->used = 1;
		s->addr = *addr;
		n->used++;
	}
	memcpy(s->mac, mac, 6);
}

const uint8_t *neigh_get_addr(const struct neigh *n, const struct addr *addr)
{
	struct neigh_slot *s = find(n->slot, n->cap, addr);

	return s->used ? s->mac : NULL;
}

void neigh_put(struct neigh *n, uint32_t addr, const uint8_t mac[6])
{
	struct addr a = addr_from_v4(addr);

	neigh_put_addr(n, &a, mac);
}

const uint8_t *neigh_get(const struct neigh *n, uint32_t addr)
{
	struct addr a = addr_from_v4(addr);

	return neigh_get_addr(n, &a);
}

size_t neigh_count(const struct neigh *n)
{
	return n->used;
}

int neigh_learn(struct neigh *n, const struct pkt_info *p)
{
	const uint8_t *mac = NULL;
	struct addr a;

	if (p->kind == PKT_ARP && p->arp.op == 2) {
		a = addr_from_v4(p->arp.spa);
		mac = p->arp.sha;
	} else if (p->kind == PKT_ND && p->icmp.type == 136) {
		a = p->nd.target;
		mac = p->nd.lladdr;
		/* RFC 4861 4.4: a solicited NA to a unicast NS may leave the
		 * option out; the link-layer source is then the answer. */
		if (mac == NULL && (p->nd.flags & 0x40))
			mac = p->eth_src;
	}
	if (mac == NULL || (mac[0] & 1))
		return 0;
	neigh_put_addr(n, &a, mac);
	return 1;
}
