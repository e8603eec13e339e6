/* osresult.h -- what OS detection learned about one host, for the reports. */
#ifndef FATHOM_OSRESULT_H
#define FATHOM_OSRESULT_H

#include <stdint.h>
#include <time.h>

#include "netstack/addr.h"
#include "osfp.h"
#include "osmatch.h"

#define OSRESULT_MAX_SEQ 6

/*
 * Filled by engine/oscan/oscan.c, read by the report writers (normal, XML,
 * grepable, NDJSON) and by fingerprints/osreport.c. Plain data: no
 * pointers except into the osdb, which outlives the reports.
 */
struct os_result {
	struct addr addr;
	int done; /* OS detection ran for this host */

	int open_port;   /* portused: -1 none */
	int closed_port; /* -1 none */
	int closed_udp;  /* -1 none */
	int unreliable;  /* lacked 1 open and 1 closed TCP port */

	int have_fp; /* fp holds a measured fingerprint */
	struct osfp fp;
	char *submission; /* osfp_format_submission() text, malloc'd, or NULL */
	int good_conditions; /* G=Y; otherwise guesses are printed as nmap does */
	const char *
		omit_reason; /* why not (nmap's OmitSubmissionFP text), or NULL */
	struct osmatch_list matches;

	int distance;     /* hops, -1 unknown */
	char dist_method; /* 'L' local (on-link), 'I' from U1, 'D' direct */

	/* TCP sequence: index is nmap's SP-derived "Difficulty" number. */
	int seq_index;              /* -1 unknown */
	const char *seq_difficulty; /* "Good luck!" ..., NULL unknown */
	uint32_t isn[OSRESULT_MAX_SEQ];
	int nisn;

	/* IP ID and TCP timestamp sequence classes, as nmap names them. */
	const char *ipid_class; /* "All zeros", "Incremental", ..., NULL */
	uint16_t ipid[OSRESULT_MAX_SEQ];
	int nipid;
	const char *ts_class; /* "1000HZ", "other", ... NULL */
	uint32_t tsval[OSRESULT_MAX_SEQ];
	int ntsval;

	uint32_t uptime_s; /* 0 unknown */
	time_t lastboot;   /* 0 unknown */
};

#endif
