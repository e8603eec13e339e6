/* ports.h -- nmap-style port specifications (-p, -F, --top-ports). */
#ifndef FATHOM_PORTS_H
#define FATHOM_PORTS_H

#include <stddef.h>
#include <stdint.h>

#include "engine/core/services.h"

/*
 * The ports to scan, per protocol, each list sorted ascending and without
 * duplicates. index[] maps a port number to its position in the list, or
 * -1: the receive path checks "is this a port we probed" in O(1).
 */
struct port_list {
	uint16_t *ports;
	size_t n;
	int32_t *index; /* 65536 entries, built by ports_finalize() */
};

struct port_spec {
	struct port_list proto[SVC_NPROTO]; /* SVC_TCP, SVC_UDP */
};

/*
 * Parses an nmap -p argument into spec (which must be zeroed or freshly
 * freed). Grammar: comma-separated items; an item is
 *   N | N-M | -M (1-M) | N- (N-65535) | - (1-65535) | NAME | GLOB
 * optionally preceded by a protocol prefix T: U: (S: and P: are accepted
 * and rejected with "SCTP/IP protocol scans are not supported").
 * A prefix stays in force for following items until the next prefix;
 * without any prefix items are TCP. Port 0 only when given explicitly.
 * Names and globs look up svc (may be NULL: then names are errors).
 * Returns 0, or -1 with err = "bad port spec 'ITEM': reason".
 * "[-1024]" style (only ports in the table) is accepted too.
 */
int ports_parse(const char *arg, const struct services *svc,
		struct port_spec *spec, char *err, size_t errlen);

/* Removes ports (same grammar) from spec: --exclude-ports. */
int ports_exclude(const char *arg, const struct services *svc,
		  struct port_spec *spec, char *err, size_t errlen);

/* Fills the top n ports of proto from the table (-F: 100, default: 1000). */
void ports_top(const struct services *svc, int proto, size_t n,
	       struct port_spec *spec);

/* Sorts, deduplicates and builds index[] for both protocols. */
void ports_finalize(struct port_spec *spec);

void ports_free(struct port_spec *spec); /* leaves spec zeroed */

/*
 * Formats a list as nmap's compact range string "1,3-4,6-7" into buf
 * (for XML scaninfo@services, grepable headers). Truncates safely.
 */
size_t ports_format(const struct port_list *pl, char *buf, size_t buflen);

#endif
