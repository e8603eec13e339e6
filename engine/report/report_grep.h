/* report_grep.h -- nmap's grepable output (-oG). */
#ifndef FATHOM_REPORT_GREP_H
#define FATHOM_REPORT_GREP_H

#include <stdio.h>

#include "engine/core/hostiter.h"
#include "engine/report/report_writer.h"
#include "engine/core/runinfo.h"

/*
 * nmap's field layout, TAB-separated, one line per host status and one
 * per host's ports:
 *
 *   # fathom 0.1.0 scan initiated <ctime> as: <args>
 *   Host: 198.18.0.10 (name)\tStatus: Up
 *   Host: 198.18.0.10 (name)\tPorts: 22/open/tcp//ssh//OpenSSH 9.2p1/,
 *       80/closed/tcp//http///\tIgnored State: filtered (3)
 *   # fathom done at <ctime> -- 1 IP address (1 host up) scanned in ...
 *
 * Port entries are port/state/proto/owner/service/rpc/version/ joined by
 * ", "; '/' in the service and version becomes '|' (nmap's rule), and
 * "Ignored State" appears only when exactly one state is ignored. The
 * name in parentheses is the one the user typed (nmap puts its rDNS name
 * there; fathom does no rDNS). Text from the network is printable ASCII
 * with \xHH for every other byte, so no banner can add a line.
 *
 * Use: grep_begin() once, grep_host() for each host hostiter_next()
 * yields, grep_end() once; each flushes f.
 */
void grep_begin(FILE *f, const struct run_info *ri);
/* Hidden hosts write nothing; a timed-out host is "Status: Timeout". */
void grep_host(FILE *f, const struct run_info *ri,
	       const struct hostiter_host *h);
/* The grepable format has no error field: error and errmsg are unused. */
void grep_end(FILE *f, const struct run_info *ri, int error,
	      const char *errmsg);
/* REPORT_PARTIAL_LINE: the hosts after it were cut short (--resume). */
void grep_partial(FILE *f);

#endif
