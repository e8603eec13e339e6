/* rstguard.h -- keep the kernel from resetting connections fathom owns. */
#ifndef FATHOM_RSTGUARD_H
#define FATHOM_RSTGUARD_H

#include <stddef.h>
#include <stdint.h>

#include "netstack/addr.h"

/*
 * fathom's TCP lives in userspace, so the host's kernel sees SYN-ACKs for
 * connections it never opened and answers them with RSTs. The guard is a
 * narrowly-scoped nftables table of fathom's own, "inet fathom_<pid>"
 * (one table for both families), whose one rule drops outgoing RSTs from
 * fathom's source address (ip or ip6 saddr) and port range
 * (fathom's own frames bypass netfilter, so only the kernel's are hit).
 * It lives for the scan: rstguard_remove() runs at exit and from the
 * SIGINT/SIGTERM path, and rstguard_install() first deletes the tables of
 * fathom processes that no longer exist (a crash's leftovers, inet or the
 * ip tables of older builds).
 */
struct rstguard {
	char table[32];
	int active;
};

/* A source-port range the rule covers (lo <= hi). */
struct rstguard_ports {
	uint16_t lo, hi;
};
#define RSTGUARD_MAX_RANGES 4

/*
 * Installs the table with `nft -f -`. Returns 0, or -1 with err when nft
 * is missing or refuses (the caller falls back and warns).
 */
int rstguard_install(struct rstguard *g, const struct addr *saddr,
		     const struct rstguard_ports *r, size_t nr, char *err,
		     size_t errlen);

/*
 * The nft script rstguard_install feeds nft for table, saddr (either
 * family) and the nr (1..RSTGUARD_MAX_RANGES) port ranges r: one is
 * "tcp sport LO-HI", more an anonymous set "tcp sport { LO-HI, ... }"
 * (pure; for tests). Returns its length, or -1 when saddr has no
 * family, nr is out of bounds, a range is reversed or buf is too small
 * (512 always fits).
 */
int rstguard_script(char *buf, size_t len, const char *table,
		    const struct addr *saddr, const struct rstguard_ports *r,
		    size_t nr);

/* Deletes the table if installed; safe to call twice. */
void rstguard_remove(struct rstguard *g);

#endif
