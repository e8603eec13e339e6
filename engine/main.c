/* main.c -- fathom: parse, outputs, set-up, drop, groups x phases, report. */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/cli/cli.h"
#include "engine/core/phase.h"
#include "engine/core/privs.h"
#include "engine/core/privsetup.h"
#include "engine/core/scanreport.h"
#include "engine/diff/diff.h"
#include "engine/merge/merge.h"
#include "engine/report/outputs.h"
#include "engine/report/stats.h"
#include "netstack/base/util.h"

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void write_host(struct phase_run *run, const struct scan *g,
		       const struct hostiter_host *h)
{
	struct run_info ri;

	runinfo_of(g, &ri);
	outputs_host(run->out, &ri, h);
}

static void write_partial(struct phase_run *run, const struct scan *g)
{
	(void)g;
	outputs_partial(run->out);
}

static void flush_outputs(struct phase_run *run)
{
	outputs_flush(run->out);
}

/*
 * One host group: every phase over a slice of the targets, its hosts
 * written as they complete. Returns 0, or -1 with err for a runtime
 * failure.
 */
static int run_group(struct phase_list *pl, struct phase_run *r, uint64_t first,
		     uint64_t count, char *err, size_t errlen)
{
	const struct scan_opts *o = r->top.opt;
	struct scan_opts gopt = *o; /* shallow: only targets differ */
	struct scan g;
	int rc;

	if (count < targets_count(o->targets)) {
		gopt.targets = targets_slice(o->targets, first, count);
		if (gopt.targets == NULL)
			return 0;
	}
	scan_init(&g, &gopt, &stop_flag);
	g.priv = &r->priv;
	atomic_store(&r->counts.undergoing, count);
	rc = phase_list_run_group(pl, r, &g, err, errlen);
	if (rc == 0) {
		struct run_info ri;

		runinfo_of(&g, &ri);
		outputs_batch_end(r->out, &ri);
	}
	phase_list_end_group(pl, r, &g);
	scan_free(&g);
	if (gopt.targets != o->targets)
		targets_free(gopt.targets);
	return rc;
}

/*
 * Everything privileged, once, then the privileges go: before any
 * thread starts, after the outputs, -iL and --resume files are open.
 * Returns 0, or -1 with err.
 */
static int setup_and_drop(struct phase_list *pl, struct phase_run *r, char *err,
			  size_t errlen)
{
	const struct scan_opts *o = r->top.opt;
	char what[160], why[256];

	if (privsetup_open(&r->priv, o, err, errlen) < 0)
		return -1;
	if (phase_list_priv_setup(pl, r, err, errlen) < 0 ||
	    privsetup_seal(&r->priv, err, errlen) < 0) {
		privsetup_close(&r->priv);
		return -1;
	}
	if (o->no_drop) {
		if (o->debug)
			fprintf(stderr, "privileges: kept (--no-drop)\n");
		return 0;
	}
	if (privs_drop(what, sizeof(what), why, sizeof(why)) < 0) {
		snprintf(err, errlen, "cannot drop privileges: %s", why);
		return -1;
	}
	if (o->debug)
		fprintf(stderr, "privileges: dropped: %s\n", what);
	return 0;
}

/* What the run says on its way out: skipped probes, the packet count. */
static void end_messages(struct phase_run *r, int failed)
{
	const struct scan_opts *opt = r->top.opt;
	const struct scan_stats *st = &r->top.st;

	if (st->unresolved)
		fprintf(stderr,
			"Warning: %llu probes skipped: their next hop did not "
			"answer ARP\n",
			(unsigned long long)st->unresolved);
	if (st->noroute && !failed)
		fprintf(stderr,
			"Warning: %llu probes skipped: no route to their "
			"targets\n",
			(unsigned long long)st->noroute);
	if (st->interrupted && !failed)
		fprintf(stderr, "fathom: interrupted; reporting what was "
				"found so far\n");
	/* nmap: no raw packets, no line (-sT alone, unprivileged). */
	if (opt->verbose && !failed &&
	    (st->sent || st->arp_sent || !opt->unprivileged)) {
		char line[256];

		snprintf(line, sizeof(line),
			 "Raw packets sent: %llu (%.3fKB) | Rcvd: %llu "
			 "(%.3fKB) | Dropped by capture: %llu | Passes: %d\n",
			 (unsigned long long)(st->sent + st->arp_sent),
			 st->bytes_sent / 1000.0, (unsigned long long)st->recv,
			 st->bytes_recv / 1000.0,
			 (unsigned long long)st->pcap_drops, st->passes);
		outputs_screen(r->out, line);
	}
}

/*
 * The targets in host groups (--max-hostgroup; all at once without it),
 * from where --resume left off, each group through every phase. Stops
 * after a group on a signal (st.interrupted). Returns 0, or -1 with err.
 */
static int run_groups(struct phase_list *pl, struct phase_run *r, char *err,
		      size_t errlen)
{
	const struct scan_opts *opt = r->top.opt;
	uint64_t nt = targets_count(opt->targets), group = nt;

	if (opt->max_hostgroup && opt->max_hostgroup < nt)
		group = opt->max_hostgroup;
	atomic_store(&r->counts.completed, opt->resume_done);
	for (uint64_t first = opt->resume_done; first < nt; first += group) {
		uint64_t n = nt - first < group ? nt - first : group;

		if (run_group(pl, r, first, n, err, errlen) < 0)
			return -1;
		if (stop_flag || r->top.st.interrupted) {
			r->top.st.interrupted = 1;
			break;
		}
	}
	return 0;
}

/*
 * The top-level run: its counters, its clock and its outputs. Returns 0,
 * or -1 (nothing left to free but opt) when the outputs cannot be opened.
 */
static int run_open(struct phase_run *r, const struct scan_opts *opt)
{
	memset(r, 0, sizeof(*r));
	scan_init(&r->top, opt, &stop_flag);
	r->top.grouped = 1;
	r->top.hosts_up =
		opt->resume_up; /* the summary counts the whole scan */
	r->top.st.start_wall = time(NULL);
	r->top.st.start_ns = now_ns();
	r->host = write_host;
	r->partial = write_partial;
	r->flush = flush_outputs;
	r->out = outputs_open(opt, r->top.st.start_wall);
	if (r->out == NULL) {
		scan_free(&r->top);
		return -1;
	}
	return 0;
}

/* SIGINT/SIGTERM end the run after the current group; SIGPIPE is ignored. */
static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/*
 * The outputs' headers, the privileged set-up and the groups, with the
 * stats thread running alongside. Returns 1 if the run failed (err says
 * why, already on stderr), else 0.
 */
static int run_scan(struct phase_list *pl, struct phase_run *r, char *err,
		    size_t errlen)
{
	struct stats *stats;
	struct run_info ri;
	int failed = 0;

	runinfo_of(&r->top, &ri);
	outputs_begin(r->out, &ri);
	if (setup_and_drop(pl, r, err, errlen) < 0) {
		fprintf(stderr, "fathom: %s\n", err);
		failed = 1;
	}
	stats = stats_start(r->out, r->top.st.start_ns, &r->counts,
			    r->top.opt->stats_every_ms);
	if (!failed && run_groups(pl, r, err, errlen) < 0) {
		fprintf(stderr, "fathom: %s\n", err);
		failed = 1;
	}
	stats_stop(stats);
	privsetup_close(&r->priv); /* the nft guard's table goes with it */
	return failed;
}

/*
 * The end of the run: the closing messages and documents. Returns the
 * exit status.
 */
static int run_close(struct phase_run *r, int failed, const char *err)
{
	const char *why = NULL; /* why the run ended early, for the outputs */
	int rc = FATHOM_EXIT_OK;
	struct run_info ri;

	if (r->top.st.interrupted)
		outputs_partial(r->out); /* once: between groups too */
	r->top.st.end_ns = now_ns();
	r->top.st.end_wall = time(NULL);
	end_messages(r, failed);
	if (failed) {
		rc = FATHOM_EXIT_FAIL;
		why = err[0] ? err : "scan failed";
	} else if (r->top.st.interrupted) {
		rc = 128 + SIGINT;
		why = "interrupted";
	}
	/* A failed run still closes its documents: exit="error". */
	runinfo_of(&r->top, &ri);
	if (outputs_close(r->out, &ri, why != NULL, why) < 0 && rc == 0)
		rc = FATHOM_EXIT_FAIL;
	return rc;
}

int main(int argc, char **argv)
{
	struct scan_opts opt;
	struct phase_run r;
	struct phase_list *pl;
	char err[512] = "";
	int rc, failed;

	/* Subcommands: no scan, no privileges. */
	if (argc >= 2 && strcmp(argv[1], "diff") == 0)
		return diff_main(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "merge") == 0)
		return merge_main(argc - 1, argv + 1);
	rc = cli_parse(argc, argv, &opt);
	if (rc != 0) {
		cli_free(&opt);
		return rc == 1 ? FATHOM_EXIT_OK : FATHOM_EXIT_USAGE;
	}
	/* nmap's unprivileged run: -sT, the connect ping, or a refusal. */
	if (!privs_have_net_raw() && cli_unprivileged(&opt) < 0) {
		cli_free(&opt);
		return FATHOM_EXIT_FAIL;
	}
	if (run_open(&r, &opt) < 0) {
		cli_free(&opt);
		return FATHOM_EXIT_FAIL;
	}
	pl = phase_list_new(&opt);
	catch_signals();
	failed = run_scan(pl, &r, err, sizeof(err));
	rc = run_close(&r, failed, err);
	/* The phases' footer markers (top.svc, top.os) are static. */
	r.top.svc = NULL;
	r.top.os = NULL;
	phase_list_free(pl, &r);
	scan_free(&r.top);
	cli_free(&opt);
	return rc;
}
