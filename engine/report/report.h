/* report.h -- nmap's normal output: the interactive screen and -oN files. */
#ifndef FATHOM_REPORT_H
#define FATHOM_REPORT_H

#include <stdio.h>

#include "engine/core/runinfo.h"

/*
 * Interactive output (file == 0) starts with "Starting fathom ..." and ends
 * with "fathom done: ..."; an -oN file (file == 1) gets nmap's "# ... scan
 * initiated ... as: ARGS" header and "# ... done at ..." footer instead.
 * Everything between is the same: one block per host that is up, in
 * address order, laid out like nmap's (PORT STATE SERVICE [REASON] table,
 * "Not shown:" lines for ports in ignored states).
 */
void report_header(FILE *f, const struct run_info *ri, int file);

/*
 * pre + cli_shard_describe() + post when the run is a shard (--shard),
 * nothing otherwise: the line every format's header carries so that
 * fathom merge can tell shards of one scan from another's.
 */
void report_shard_line(FILE *f, const struct scan_opts *o, const char *pre,
		       const char *post);
/*
 * The hosts, for output that streams: one host's block
 * (nothing for a hidden host), and the unrecognised services'
 * fingerprints that close a batch of hosts.
 */
struct hostiter_host;
void report_host(FILE *f, const struct run_info *ri,
		 const struct hostiter_host *h);
void report_fingerprints(FILE *f, const struct run_info *ri);
/*
 * In a shard's -oN file, after report_fingerprints(): whose each printed
 * fingerprint is, "# fathom-shard-fp: ADDR/PORT ..." in the block's order,
 * so fathom merge can place them among other shards' (nmap's text names
 * the port, never the address). Nothing when the run is no shard or the
 * batch had no fingerprint.
 */
void report_fingerprint_owners(FILE *f, const struct run_info *ri);
void report_footer(FILE *f, const struct run_info *ri, int file);

/*
 * The comment line -oN and -oG files get before hosts that an
 * interruption cut short; --resume scans those hosts again.
 */
#define REPORT_PARTIAL_LINE \
	"# fathom: interrupted; the hosts below are incomplete"

/*
 * The fingerprints' block: "N service[s]" + REPORT_FP_TAIL, then at most
 * REPORT_FP_MAX times REPORT_FP_SEP and one fingerprint (fathom merge
 * writes the same block).
 */
#define REPORT_FP_TAIL                                           \
	" unrecognized despite returning data. If you know the " \
	"service/version, please add a signature to fathom-service-probes:"
#define REPORT_FP_SEP                                                  \
	"==============NEXT SERVICE FINGERPRINT (SUBMIT INDIVIDUALLY)" \
	"=============="
#define REPORT_FP_MAX 9
#define REPORT_FP_OWNERS "# fathom-shard-fp: "

/*
 * Formats v with `digits` significant digits and no exponent, as nmap
 * prints latencies ("0.00011", "1.2", "120"). For tests.
 */
void report_sigdigits(double v, int digits, char *buf, size_t len);

#endif
