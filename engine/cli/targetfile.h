/* targetfile.h -- -iL files: targets, host:port lines, masscan -oL, NDJSON. */
#ifndef FATHOM_TARGETFILE_H
#define FATHOM_TARGETFILE_H

#include <stddef.h>
#include <stdint.h>

#include "engine/cli/ports.h"
#include "engine/cli/targets.h"

/*
 * Ports given per host (host:port, masscan's and fathom's own results):
 * such a host is scanned on its ports only. Targets given without a port
 * (on the command line or in the file) are also kept in `bare`, and get
 * the -p ports (or the default ones).
 */
struct port_pair {
	struct addr addr;
	uint16_t port;
};

struct port_pairs {
	struct port_pair *v; /* sorted by address, then port; unique */
	size_t n, cap;
	struct target_set *bare; /* the targets given without a port */
	int bare_empty;          /* no target came without a port */
	uint8_t base[65536];     /* the ports bare targets get */
};

struct port_pairs *pairs_new(void);
void pairs_free(struct port_pairs *pp); /* accepts NULL */
void pairs_add(struct port_pairs *pp, const struct addr *addr, uint16_t port);
/* Sorts and deduplicates; finalizes bare (bare_empty when it is empty). */
void pairs_finalize(struct port_pairs *pp);

/* Is port to be probed on addr? (The send loop asks, once a probe.) */
int pairs_wanted(const struct port_pairs *pp, const struct addr *addr,
		 uint16_t port);

/*
 * Finalizes *ppp and fits the port list to it: the scanned ports become
 * the -p ports (when some target came without a port) plus every listed
 * port, less --exclude-ports (exclports, may be NULL). Without any
 * host:port entry *ppp is freed and set to NULL and nothing changes.
 * Returns 0, or -1 with err.
 */
int pairs_apply(struct port_pairs **ppp, struct port_spec *ports,
		const struct services *svc, const char *exclports, char *err,
		size_t errlen);

/*
 * Reads an -iL file ("-" = stdin) of lines in any mix of:
 *   nmap target tokens, whitespace-separated, '#' comments  -> ts, bare
 *   HOST:PORT tokens (one address or hostname each; an IPv6
 *                address in brackets: [fd5a::1]:80)          -> ts, pairs
 *   masscan -oL: "open tcp PORT ADDR TIME" ("#masscan", "# end" and
 *                banner/closed lines are skipped)            -> ts, pairs
 *   fathom NDJSON (-oJ): {"type":"port","ip":..,"port":..} -> ts, pairs
 *                (other record types are skipped)
 * Errors: "FILE:LINE: reason" (one line), or "cannot open FILE: ...".
 * Returns 0 or -1.
 */
int targetfile_load(struct target_set *ts, struct port_pairs *pp,
		    const char *path, int no_dns, char *err, size_t errlen);

/* The same over bytes in memory; name is used in messages. */
int targetfile_parse(struct target_set *ts, struct port_pairs *pp,
		     const char *name, const char *buf, size_t len, int no_dns,
		     char *err, size_t errlen);

#endif
