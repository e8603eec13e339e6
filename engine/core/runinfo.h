/* runinfo.h -- what the report writers read about the run as a whole. */
#ifndef FATHOM_RUNINFO_H
#define FATHOM_RUNINFO_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "engine/cli/cli.h"
#include "engine/sweep/passes.h"

struct hosttab;

/*
 * A read-only snapshot, taken (runinfo_of() in engine/core/scanreport.h)
 * just before each call into the writers: the writers see the run
 * through this and the host table only, never the phases' state.
 */
struct run_info {
	const struct scan_opts *opt; /* options; opt->cmdline the command */
	/*
	 * The run's targets (with --resume, also those the interrupted run
	 * had finished: the summary counts the whole scan).
	 */
	uint64_t total;
	size_t hosts_up;           /* hosts up so far, every group's */
	uint64_t start_ns, end_ns; /* now_ns()'s clock; end 0: running */
	time_t start_wall;
	time_t end_wall; /* now while the run has not ended */
	/*
	 * Seconds from the start to the end (to now while it has not
	 * ended); 0 when it never began (an early error).
	 */
	double elapsed;
	int interrupted;              /* SIGINT/SIGTERM */
	const struct pass_counts *pc; /* the sweep's passes (passes.h) */
	/* The TCP scan type as nmap's XML names it ("syn", "ack"...). */
	const char *tcp_type;
	/* --scanflags as nmap's XML names them ("FINACK"); "" without. */
	char scanflags[32];
	int versioned; /* -sV ran (or runs) */
	int os_ran;    /* -O ran */
	/* The group's table (its SF-Port prints), or NULL (the run's). */
	const struct hosttab *tab;
};

/* "2 IP addresses (1 host up) scanned in 0.21 seconds" */
void runinfo_summary(const struct run_info *ri, size_t up, char *buf,
		     size_t len);

#endif
