/* route.h -- the kernel's answer to "how would you reach this address". */
#ifndef FATHOM_ROUTE_H
#define FATHOM_ROUTE_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#include "netstack/addr.h"

/* Where packets to one destination leave from, and via whom. */
struct route_hop {
	char ifname[IF_NAMESIZE];
	int ifindex;
	uint8_t if_mac[6];
	uint32_t src;     /* our IPv4 address, host order */
	uint32_t gateway; /* IPv4 next hop, host order; 0 = on-link */
	int mtu;
	/* Either family (route_get fills them from src/gateway too). */
	struct addr saddr; /* our address towards the destination */
	struct addr gw;    /* next hop; family 0 = destination on-link */
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

/*
 * IPv6 (route6.c).
 *
 * route_get6: the kernel's route to dst (IPv6): source address from a UDP
 * connect (no packet leaves), gateway and interface from netlink
 * RTM_GETROUTE (AF_INET6); ifname, if not NULL, forces the interface
 * (-e). Fills saddr, gw (often link-local), ifname, ifindex, if_mac, mtu
 * (src/gateway stay IPv4's: src may hold the interface's IPv4 address).
 * Returns 0, or -1 with err = "no route to DST ..." / "DST is an address
 * of this host ..." / "interface X: reason".
 */
int route_get6(const struct addr *dst, const char *ifname,
	       struct route_hop *out, char *err, size_t errlen);

/* route_get or route_get6 by dst's family. */
int route_get_addr(const struct addr *dst, const char *ifname,
		   struct route_hop *out, char *err, size_t errlen);

/* 1 if addr (either family) is one of this host's own addresses. */
int route_is_local(const struct addr *addr);

/*
 * Our source address towards dst (either family), from a UDP connect on
 * ifname (NULL: any), which sends nothing. 0, or -1 with err: "no route
 * to ADDR (reason)", or the socket's or interface's error.
 */
int route_source(const struct addr *dst, const char *ifname, struct addr *src,
		 char *err, size_t errlen);

/* One IPv6 route through an interface. */
struct route_entry6 {
	struct addr prefix; /* host bits clear */
	unsigned plen;
	struct addr gw; /* family 0 = on-link */
};

struct route_table6 {
	struct route_entry6 *e; /* longest prefix first */
	size_t n;
};

/*
 * The IPv6 routes via ifname from /proc/net/ipv6_route (every table;
 * local, rejecting and down routes left out). 0, or -1 with err.
 */
int route_table6_load(const char *ifname, struct route_table6 *rt, char *err,
		      size_t errlen);

/*
 * The parser route_table6_load runs on the file's text (pure; for
 * tests). Malformed lines are skipped. 0, or -1 with err (out of memory).
 */
int route_table6_parse(const char *text, const char *ifname,
		       struct route_table6 *rt, char *err, size_t errlen);
void route_table6_free(struct route_table6 *rt); /* the table may be empty */

/* Next hop for addr (IPv6): 0 and *gw (family 0 = on-link), or -1. */
int route_table6_nexthop(const struct route_table6 *rt, const struct addr *addr,
			 struct addr *gw);

#endif
