/* oscan.h -- the OS detection phase (-O): nmap's probes to every up host. */
#ifndef FATHOM_OSCAN_H
#define FATHOM_OSCAN_H

#include <stddef.h>
#include <stdint.h>

#include "engine/sweep/synscan.h"
#include "fingerprints/osmatch.h"
#include "fingerprints/osresult.h"

/* One os_result per host OS detection looked at, in address order. */
struct os_results {
	struct os_result *r;
	size_t n;
};

/* The host's result, or NULL (no -O, or the host was skipped). */
const struct os_result *oscan_find(const struct os_results * or,
				   const struct addr *addr);
void oscan_results_free(struct os_results * or); /* frees submissions too */

struct pktio;

/*
 * -O's privileged set-up, called once a run by its phase (phase_os.c): picks
 * the run's random source-port base (*port0) and opens the capture of
 * whole frames for its replies. Returns NULL with err on failure.
 */
struct pktio *oscan_open_capture(const struct scan_opts *o,
				 const struct route_hop *hop, uint16_t *port0,
				 char *err, size_t errlen);

/*
 * Runs OS detection on every host the sweep found up (after -sV when both
 * ran, so a tcpwrapped port is not used as the open port). Per host: the
 * first open TCP port, a known closed one (else a random 30000-44780), a
 * random closed UDP port; rounds of nmap's probes (SEQ 100 ms apart, the
 * rest >= 25 ms apart per host, retried up to 3 times), every host of a
 * group at once, at most opt->max_os_tries rounds, stopping at the first
 * perfect match against db (which may be NULL: fingerprint only). The
 * run's capture (s->priv), filtered to the probes' ports. Returns 0, or
 * -1 with err for a runtime failure.
 */
int oscan_run(struct scan *s, const struct osdb *db, struct os_results *out,
	      char *err, size_t errlen);

#endif
