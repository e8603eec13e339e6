/* stream.h -- discovery and the sweep of one host group at once: a host found up is swept without waiting for discovery's end. */
#ifndef FATHOM_STREAM_H
#define FATHOM_STREAM_H

#include <stddef.h>

#include "engine/cli/cli.h"
#include "engine/disc/discovery.h"
#include "engine/sweep/synscan.h"

/*
 * Whether g's discovery streams into its sweep: discovery by raw
 * probes (not -Pn, -sn, the connect ping or --dry-run) followed by a
 * raw sweep (-sS and the other raw TCP types, -sU; not -sT, whose
 * phase is another's), with a group of at most HOSTFEED_MAX_TARGETS.
 */
int stream_wanted(const struct scan *g);

/*
 * disc_run() on io with the sweep (synscan_run) beside it in its own
 * thread over the group's targets, fed each host as discovery finds it
 * up (engine/sweep/hostfeed.h); both keep one rate. Returns once both
 * are over: discovery's answer in r and st as disc_run's, the sweep's
 * results in g->res, its counts in *sweep_st, its one-pass SYN-ACKs in
 * g->handoffs. 0 (also when interrupted), or -1 with err when either
 * failed.
 */
int stream_run(struct scan *g, struct pktio *io, struct disc_results *r,
	       struct disc_stats *st, struct scan_stats *sweep_st, char *err,
	       size_t errlen);

#endif
