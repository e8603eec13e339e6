/* services.h -- fathom's port/service name table with open frequencies. */
#ifndef FATHOM_SERVICES_H
#define FATHOM_SERVICES_H

#include <stddef.h>
#include <stdint.h>

enum svc_proto {
	SVC_TCP = 0,
	SVC_UDP = 1,
	SVC_NPROTO = 2
};

/*
 * The table file (probes/fathom-services) has one entry per line:
 *     NAME  PORT/PROTO  FREQUENCY  [# comment]
 * NAME is [A-Za-z0-9][A-Za-z0-9_.+:-]*, PORT 0-65535, PROTO tcp|udp
 * (sctp lines are skipped, so nmap's nmap-services loads as it is),
 * FREQUENCY a decimal fraction in [0,1] (how often the port is found open
 * on the Internet; only the order matters). Blank lines and '#' lines are
 * skipped. A (port, proto) pair may appear once.
 */
struct services;

/* Loads PATH. Returns NULL with err = "PATH:LINE: reason" on any error. */
struct services *services_load(const char *path, char *err, size_t errlen);
/* Parses an in-memory buffer; `name` is used in error messages. */
struct services *services_parse(const char *buf, size_t len, const char *name,
				char *err, size_t errlen);
void services_free(struct services *s); /* accepts NULL */

/* Service name for port/proto, or NULL if the table has none. */
const char *services_name(const struct services *s, int proto, uint16_t port);

/*
 * The n most frequent ports for proto, written to out (caller provides
 * n slots) sorted ascending by port number; returns how many were written
 * (fewer if the table has fewer entries for proto). Ties are broken by
 * lower port first, so the result is deterministic.
 */
size_t services_top(const struct services *s, int proto, size_t n,
		    uint16_t *out);

/*
 * Calls fn for every port whose name matches the glob pattern (nmap's -p
 * names: "http", "http*", "*sql*"; '*' and '?' wildcards, case-insensitive).
 * Returns the number of matches.
 */
size_t services_match(const struct services *s, int proto, const char *pattern,
		      void (*fn)(uint16_t port, void *arg), void *arg);

#endif
