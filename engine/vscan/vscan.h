/* vscan.h -- version detection over fathom's userspace TCP (and TLS). */
#ifndef FATHOM_VSCAN_H
#define FATHOM_VSCAN_H

#include <stddef.h>
#include <stdint.h>

#include "netstack/addr.h"

#include "engine/sweep/synscan.h"
#include "probes/servicedb.h"
#include "probes/svcmatch.h"

enum vs_state {
	VS_NOMATCH = 0, /* nothing matched: the table's name with '?' */
	VS_MATCHED,     /* hard match */
	VS_SOFT,        /* softmatch only */
	VS_TCPWRAPPED,  /* closed on us without a byte, as tcpwrappers do */
	VS_EXCLUDED,    /* Exclude directive (printers) */
};

/* What version detection concluded about one open port. */
struct svc_result {
	struct addr addr;
	uint16_t port;
	uint8_t state;  /* enum vs_state */
	uint8_t tunnel; /* answered through TLS: "ssl/" */
	struct svc_answer ans;
	char *fp; /* SF-Port fingerprint when it answered but matched nothing */
	/* SunRPC program found by grinding or rpcbind's DUMP (0: none). */
	uint32_t rpc_prog, rpc_low, rpc_high;
};

struct vscan_results {
	struct svc_result *r; /* sorted by address, then port */
	size_t n;
};

/* The svc_result for addr:port, or NULL. */
const struct svc_result *vscan_find(const struct vscan_results *vr,
				    const struct addr *addr, uint16_t port);
void vscan_results_free(struct vscan_results *vr);

struct pktio;
struct rstguard;

/*
 * -sV's privileged set-up, called once a run by its phase's priv_setup
 * (engine/core/phase_version.c): picks how the kernel is kept from
 * resetting fathom's connections (a foreign -S: fathom answers ARP; else
 * the nft guard; when nft refuses: kernel sockets, with its refusal in
 * why) and opens the capture the userspace modes use (*io; NULL for
 * sockets). With onepass the guard and the capture cover the sweep's
 * source ports too, before the sweep sends (one pass), and both cover
 * the reserved ports db's probes connect from (svcdb_sourceports; db
 * may be NULL). Returns the enum vscan_mode, or -1 with err when the
 * capture cannot be opened.
 */
int vscan_setup(const struct route_hop *hop, const struct svcdb *db,
		struct rstguard *guard, int onepass, struct pktio **io,
		char *why, size_t whylen, char *err, size_t errlen);

/*
 * Probes every open TCP port in s->res: a fresh userspace TCP connection
 * per probe, the NULL probe, the TLS-detecting probes and the port's
 * favoured probes in parallel, then the rest by rarity up to the
 * intensity (narrowed after a softmatch), through TLS once a TLS probe
 * hard-matches "ssl". Many services run at once. The transport and
 * the capture are the run's, from s->priv (vscan_setup()).
 * Returns 0, or -1 with err (runtime failure).
 */
int vscan_run(struct scan *s, const struct svcdb *db, struct vscan_results *out,
	      char *err, size_t errlen);

#endif
