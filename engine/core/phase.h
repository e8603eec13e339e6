/* phase.h -- a scan phase as a struct of callbacks, and the run's list. */
#ifndef FATHOM_PHASE_H
#define FATHOM_PHASE_H

#include <signal.h>
#include <stddef.h>

#include "engine/cli/cli.h"
#include "engine/core/hostiter.h"
#include "engine/core/privsetup.h"
#include "engine/report/stats.h"
#include "engine/sweep/synscan.h"

/*
 * A run is: privileged set-up of every phase, the privilege drop, then
 * for each host group every phase in list order (discovery, sweep,
 * connect, -sV, -O), the group's hosts written as soon as no phase
 * still holds them. A phase fills only the callbacks it needs; the
 * ones it leaves NULL behave as the phase_default_* below (curl's
 * Curl_cf_def_* idea), so the runner calls every callback without a
 * NULL check. Adding a phase is its own
 * file (one `const struct phase`) plus one line in phase.c's PHASE_LIST.
 */

struct outputs;
struct phase;

/* What every phase of one run shares, made by main. */
struct phase_run {
	struct scan top;            /* totals only: its results stay empty */
	struct outputs *out;        /* every format (phases write tasks) */
	struct privsetup priv;      /* every group's route and handles */
	struct stats_counts counts; /* the status lines' host counts */
	/*
	 * Where a group's complete hosts go, in address order, once each
	 * (main: outputs_host); partial: once, before the hosts an
	 * interruption cut short (main: outputs_partial). Unit tests
	 * record them instead.
	 */
	void (*host)(struct phase_run *run, const struct scan *g,
		     const struct hostiter_host *h);
	void (*partial)(struct phase_run *run, const struct scan *g);
	/* After each batch of hosts: write out buffers (NULL: nothing). */
	void (*flush)(struct phase_run *run);
};

/* One enabled phase of a run: its type and its own state. */
struct phase_inst {
	const struct phase *type;
	void *ctx; /* the phase's per-run state; NULL until it sets one */
};

/*
 * 1 when the options ask for this phase. Called once, when the list is
 * built; a phase it refuses is left out of the list, so none of its
 * other callbacks is ever called. Default: always.
 */
typedef int phase_enabled_fn(const struct scan_opts *o);

/*
 * Once a run, before privileges are dropped and before any thread
 * starts: opens what the phase needs privileges for into run->priv
 * (whose route and sweep handle are open already), left paused
 * (pktio_pause) until the phase's run resumes it. Returns 0, or -1 with
 * err: the run ends before any packet (privsetup_close cleans up).
 * Default: nothing to open.
 */
typedef int phase_priv_setup_fn(struct phase_inst *ph, struct phase_run *run,
				char *err, size_t errlen);

/*
 * Whether host h of group g is incomplete until this phase is done
 * with it. Asked only while the phase has not finished the group: after
 * the phases before it, and while it runs (then a host it has reported
 * through g->host_done counts as done). A pure function of g and h.
 * Default: every host waits for the phase's end.
 */
typedef int phase_holds_fn(struct phase_inst *ph, const struct scan *g,
			   const struct hostiter_host *h);

/*
 * The phase's work on one host group g (g->priv is run->priv). May call
 * g->host_done(g->host_done_arg, addr) once per host it holds when it
 * is done with that host, so the host is written at once. Not called
 * when an earlier phase of the group was interrupted. Returns 0 (also
 * when interrupted: *g->stop), or -1 with err for a runtime failure:
 * the run ends. Default: nothing to do.
 */
typedef int phase_run_fn(struct phase_inst *ph, struct phase_run *run,
			 struct scan *g, char *err, size_t errlen);

/*
 * After group g's hosts are written and the group's outputs are
 * finished (or after a failure): frees what the phase kept for the
 * group (its results table). Called for every phase of the list,
 * whether its run was called or not. Default: nothing kept.
 */
typedef void phase_group_end_fn(struct phase_inst *ph, struct phase_run *run,
				struct scan *g);

/* Once, at the end of the run: frees ph->ctx. Default: free(ph->ctx). */
typedef void phase_free_fn(struct phase_inst *ph, struct phase_run *run);

struct phase {
	const char *name;
	phase_enabled_fn *enabled;
	phase_priv_setup_fn *priv_setup;
	phase_holds_fn *holds;
	phase_run_fn *run;
	phase_group_end_fn *group_end;
	phase_free_fn *free;
};

/* The defaults a NULL callback stands for. */
phase_enabled_fn phase_default_enabled;
phase_priv_setup_fn phase_default_priv_setup;
phase_holds_fn phase_default_holds;
phase_run_fn phase_default_run;
phase_group_end_fn phase_default_group_end;
phase_free_fn phase_default_free;

/* The built-in phases (one file each: engine/core/phase_*.c). */
extern const struct phase phase_discovery, phase_sweep, phase_connect,
	phase_version, phase_os, phase_trace;

struct phase_list;

/*
 * The phases o asks for, in the built-in order (PHASE_LIST in phase.c).
 * phase_list_from() does the same with any order (unit tests).
 */
struct phase_list *phase_list_new(const struct scan_opts *o);
struct phase_list *phase_list_from(const struct phase *const *order, size_t n,
				   const struct scan_opts *o);
size_t phase_list_count(const struct phase_list *pl);
const struct phase *phase_list_at(const struct phase_list *pl, size_t i);

/* Every phase's priv_setup, in order; stops at the first failure. */
int phase_list_priv_setup(struct phase_list *pl, struct phase_run *run,
			  char *err, size_t errlen);

/*
 * Runs every phase on group g and writes its hosts through run->host:
 * each as soon as no phase still holds it, the rest (after
 * run->partial when interrupted) at the end. Sets
 * run->top.st.interrupted when *g->stop was set. Returns 0, or -1 with
 * err when a phase failed (its hosts are not written then).
 */
int phase_list_run_group(struct phase_list *pl, struct phase_run *run,
			 struct scan *g, char *err, size_t errlen);

/* Every phase's group_end for g, once g's hosts are all written. */
void phase_list_end_group(struct phase_list *pl, struct phase_run *run,
			  struct scan *g);

/*
 * A phase's event (REPORT_TASK_BEGIN/END: XML <taskbegin>/<taskend>,
 * NDJSON task records, -v "Initiating"/"Completed" lines) to every
 * output of the run.
 */
void phase_task(struct phase_run *run, int event, const char *name,
		double elapsed, const char *extrainfo);

/* Every phase's free, then the list. Accepts NULL. */
void phase_list_free(struct phase_list *pl, struct phase_run *run);

#endif
