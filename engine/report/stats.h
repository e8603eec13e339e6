/* stats.h -- nmap's "Stats:" status on a key press and with --stats-every. */
#ifndef FATHOM_STATS_H
#define FATHOM_STATS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "engine/report/outputs.h"

/* What a status report says; a pure function formats it. */
struct stats_snap {
	double elapsed;      /* seconds since the scan began */
	uint64_t completed;  /* targets finished (reported, or found down) */
	uint64_t up;         /* of those and the current group, up */
	uint64_t undergoing; /* targets of the phase running now */
	const char *task;    /* that phase's nmap name, or NULL */
	double frac;         /* how far the phase is, 0-1 */
	double task_elapsed; /* seconds since the phase began */
	time_t now;          /* wall clock, for the ETC */
};

/*
 * nmap's two lines (the second only while a phase runs):
 *   Stats: 0:00:12 elapsed; 0 hosts completed (1 up), 1 undergoing SYN
 *   Stealth Scan
 *   SYN Stealth Scan Timing: About 45.20% done; ETC: 05:10 (0:00:15
 *   remaining)
 * each ending in '\n'. Below 1% there is no ETC; past 10 days it is
 * "ETC: Unknown (>10 days remaining)". *remaining and *etc get the
 * estimate (0 when none) for XML's <taskprogress>. Returns strlen(buf).
 */
size_t stats_format(const struct stats_snap *s, char *buf, size_t len,
		    uint64_t *remaining, time_t *etc);

/* Counters the scan keeps current for the status thread. */
struct stats_counts {
	_Atomic uint64_t completed, up, undergoing;
};

/*
 * Starts the status thread when there is something to do: a key press
 * on stdin when it is a terminal in the foreground (put in
 * non-canonical, no-echo mode until stats_stop), and every every_ms
 * milliseconds when every_ms != 0. Each report goes to the screen
 * (stdout) and, while a phase runs, to the XML/NDJSON files as
 * <taskprogress>. Returns NULL when neither applies.
 */
struct stats *stats_start(struct outputs *out, uint64_t start_ns,
			  struct stats_counts *counts, uint64_t every_ms);
/* Stops the thread and restores the terminal. Accepts NULL. */
void stats_stop(struct stats *st);

#endif
