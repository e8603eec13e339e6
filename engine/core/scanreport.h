/* scanreport.h -- from a scan's phases to the host table and the run info. */
#ifndef FATHOM_SCANREPORT_H
#define FATHOM_SCANREPORT_H

#include <stdio.h>

#include "engine/core/hostiter.h"
#include "engine/core/runinfo.h"
#include "engine/report/report_writer.h"
#include "engine/sweep/synscan.h"

/*
 * The small calls by which each phase (engine/core/phase_*.c) writes
 * what it learned about g's hosts into g->tab, the group's host table.
 * Each is called when the phase's results are complete (or, for -sV,
 * per host as it finishes), also after an interruption, so the hosts
 * written then say what was found.
 */
/* Discovery: who is up and why, the -v walk of the down ones, MACs. */
void scanreport_discovery(struct scan *g);
/* The sweep or connect scan: answers, MACs (ARP/ND), why, times. */
void scanreport_ports(struct scan *g);
/* -sV: a's services (a host done early), or all of them and the
 * SF-Port prints in -sV's order (the phase's end). */
void scanreport_services_of(struct scan *g, const struct addr *a);
void scanreport_services(struct scan *g);
void scanreport_os(struct scan *g);
void scanreport_trace(struct scan *g);

/*
 * Every write above in phase order, into a new s->tab (an old one is
 * freed): for a scan whose phases' results were set by hand (unit
 * tests). The caller frees s->tab (hosttab_free()).
 */
void scanreport_all(struct scan *s);

/*
 * The run info of s (the run's totals, or one group) as of now: end
 * times are now's while s has not ended; hosts_up is s->hosts_up for a
 * grouped run (the run's), else 0 (a group's hosts are not counted for
 * each host written: hostiter_count_up() when needed).
 */
void runinfo_of(const struct scan *s, struct run_info *ri);

/* A walk over s's hosts (its table, its options). */
struct hostiter *scanreport_hosts(const struct scan *s);

/*
 * A whole file after the scan (tests): begin, every host, end (error
 * when s was interrupted).
 */
/* The normal output's hosts and the batch's fingerprints (tests). */
void report_hosts(FILE *f, const struct scan *s);
void report_write_all(const struct report_writer *w, FILE *f,
		      const struct scan *s);

#endif
