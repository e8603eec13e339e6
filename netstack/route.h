/* route.h -- the kernel's answer to "how would you reach this address". */
#ifndef FATHOM_ROUTE_H
#define FATHOM_ROUTE_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

/* Where packets to one destination leave from, and via whom. */
struct route_hop {
	char ifname[IF_NAMESIZE];
	int ifindex;
	uint8_t if_mac[6];
	uint32_t src;     /* our address, host order */
	uint32_t gateway; /* next hop, host order; 0 = destination on-link */
	int mtu;
};

/*
 * Asks the kernel which source address and interface it would use for dst
 * (a connect(2) on a UDP socket: no packet leaves), then reads the main
 * routing table (/proc/net/route) for the gateway by longest-prefix match.
 * ifname, if not NULL, forces the interface (-e): the gateway is then the
 * one of the best route through that interface, if any.
 * Returns 0, or -1 with err = "no route to DST" / "interface X: reason".
 */
int route_get(uint32_t dst, const char *ifname, struct route_hop *out,
	      char *err, size_t errlen);

/*
 * Fills MAC, index, MTU and first IPv4 address of ifname; fails with a
 * clear message when the interface does not exist or is down.
 */
int route_iface(const char *ifname, struct route_hop *out, char *err,
		size_t errlen);

/*
 * The routes through one interface, for per-target next-hop decisions in
 * the send loop (an in-memory longest-prefix match over a handful of
 * entries, instead of a system call per target).
 */
struct route_entry {
	uint32_t prefix, mask, gateway; /* host order; gateway 0 = on-link */
};

struct route_table {
	struct route_entry *e; /* sorted by mask length, longest first */
	size_t n;
};

/* Loads the main table's routes via ifname. 0, or -1 with err. */
int route_table_load(const char *ifname, struct route_table *rt, char *err,
		     size_t errlen);
void route_table_free(struct route_table *rt);

/* Next hop for addr: 0 and *gw (0 = on-link), or -1 when no route. */
static inline int route_table_nexthop(const struct route_table *rt,
				      uint32_t addr, uint32_t *gw)
{
	for (size_t i = 0; i < rt->n; i++) {
		if ((addr & rt->e[i].mask) == rt->e[i].prefix) {
			*gw = rt->e[i].gateway;
			return 0;
		}
	}
	return -1;
}

/* 1 if addr (host order) is one of this host's own addresses. */
int route_is_local_addr(uint32_t addr);

#endif
