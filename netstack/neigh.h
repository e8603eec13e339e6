/* neigh.h -- IP to MAC table, filled by ARP replies and NAs. */
#ifndef FATHOM_NEIGH_H
#define FATHOM_NEIGH_H

#include <stddef.h>
#include <stdint.h>

#include "netstack/addr.h"

/*
 * Written by one thread while neighbours are resolved, then only read:
 * no locking. Open addressing; grows as entries arrive. Keyed by struct
 * addr, so one table holds IPv4 next hops (from ARP) and IPv6 ones (from
 * NAs); an IPv4 address and its IPv4-mapped IPv6 form are different keys.
 */
struct neigh;
struct pkt_info;

struct neigh *neigh_new(void);
void neigh_free(struct neigh *n); /* accepts NULL */
/* Stores (or replaces) the MAC of addr. */
void neigh_put_addr(struct neigh *n, const struct addr *addr,
		    const uint8_t mac[6]);
/* The MAC of addr, or NULL. */
const uint8_t *neigh_get_addr(const struct neigh *n, const struct addr *addr);
/* IPv4 forms (addr host order), the same entries as addr_from_v4(addr). */
void neigh_put(struct neigh *n, uint32_t addr, const uint8_t mac[6]);
const uint8_t *neigh_get(const struct neigh *n, uint32_t addr);
size_t neigh_count(const struct neigh *n);

/*
 * Learns from a parsed frame: an ARP reply (sender address is-at sender
 * MAC) or a neighbour advertisement (target is-at its target link-layer
 * option; without the option, a solicited NA's Ethernet source). Frames
 * naming a multicast/broadcast MAC teach nothing. Returns 1 if an entry
 * was stored, else 0.
 */
int neigh_learn(struct neigh *n, const struct pkt_info *p);

#endif
