/* neigh.h -- IPv4 address to MAC address table, filled by ARP replies. */
#ifndef FATHOM_NEIGH_H
#define FATHOM_NEIGH_H

#include <stddef.h>
#include <stdint.h>

/*
 * Written by one thread while neighbours are resolved, then only read:
 * no locking. Open addressing; grows as entries arrive.
 */
struct neigh;

struct neigh *neigh_new(void);
void neigh_free(struct neigh *n); /* accepts NULL */
/* Stores (or replaces) the MAC of addr (host order). */
void neigh_put(struct neigh *n, uint32_t addr, const uint8_t mac[6]);
/* The MAC of addr, or NULL. */
const uint8_t *neigh_get(const struct neigh *n, uint32_t addr);
size_t neigh_count(const struct neigh *n);

#endif
