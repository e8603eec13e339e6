/* main.c -- fathom's entry point: parse, check privileges, scan, report. */
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
#include "engine/core/hostiter.h"
#include "engine/oscan/oscan.h"
#include "engine/report/outputs.h"
#include "engine/core/privs.h"
#include "engine/core/privsetup.h"
#include "engine/report/stats.h"
#include "engine/sweep/synscan.h"
#include "netstack/base/util.h"
#include "engine/vscan/vscan.h"

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

/* The whole run: its totals, its outputs, its status counters. */
struct run {
	struct scan top; /* totals only: its results stay empty */
	struct outputs *out;
	struct privsetup priv; /* every group's route and handles */
	struct stats_counts counts;
	uint64_t noroute, unresolved;
	int version_ran, os_ran;
};

/*
 * Writes a group's hosts in address order, each as soon as it is
 * complete: at once when it has no open port (or no -sV), else when
 * version detection has answered its last open port.
 */
struct emitter {
	struct run *run;
	const struct scan *g;
	struct hostiter *it;
	const struct hostiter_host *h; /* next to write; NULL at the end */
	struct addr *pending;          /* hosts with open ports, sorted */
	uint8_t *done;                 /* their answers are all in */
	size_t npending;
	int hold;                      /* -O: nothing is complete before it */
};

static int is_pending(const struct emitter *em, const struct addr *addr)
{
	size_t lo = 0, hi = em->npending;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = addr_cmp(&em->pending[mid], addr);

		if (c == 0)
			return !em->done[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static void emit_one(struct emitter *em)
{
	outputs_host(em->run->out, em->g, em->h);
	atomic_fetch_add(&em->run->counts.completed, 1);
	if (atomic_load(&em->run->counts.undergoing) > 0)
		atomic_fetch_sub(&em->run->counts.undergoing, 1);
	em->h = hostiter_next(em->it);
}

static void emit_ready(struct emitter *em)
{
	if (em->hold)
		return;
	while (em->h && !is_pending(em, &em->h->addr))
		emit_one(em);
}

static void on_host_done(void *arg, const struct addr *addr)
{
	struct emitter *em = arg;
	size_t lo = 0, hi = em->npending;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = addr_cmp(&em->pending[mid], addr);

		if (c == 0) {
			em->done[mid] = 1;
			break;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	emit_ready(em);
}

static void task(struct run *r, int event, const char *name, double elapsed,
		 const char *extrainfo)
{
	struct report_task t = { .event = event, .task = name,
				 .time = time(NULL), .elapsed = elapsed,
				 .extrainfo = extrainfo };

	outputs_task(r->out, &r->top, &t);
}

/* Adds a group's counters to the run's. */
static void add_stats(struct scan_stats *to, const struct scan_stats *g)
{
	to->sent += g->sent;
	to->bytes_sent += g->bytes_sent;
	to->recv += g->recv;
	to->bytes_recv += g->bytes_recv;
	to->valid += g->valid;
	to->bogus += g->bogus;
	to->pcap_drops += g->pcap_drops;
	to->arp_sent += g->arp_sent;
	to->noroute += g->noroute;
	to->unresolved += g->unresolved;
	to->passes = g->passes > to->passes ? g->passes : to->passes;
	to->interrupted |= g->interrupted;
	to->timed_out |= g->timed_out;
}

/* Version detection over a group, writing hosts as they complete. */
static int group_versions(struct run *r, struct scan *g, struct emitter *em,
			  struct vscan_results *vres, char *err, size_t errlen)
{
	const struct scan_opts *o = g->opt;
	size_t nres, nopen = 0, cap = 0;
	const struct port_result *pr = results_sorted(g->res, &nres);
	uint64_t t0 = now_ns();
	char info[96];
	int rc;

	for (size_t i = 0; i < nres; i++) {
		/* -sV probes TCP only: an open UDP port waits for nothing. */
		if (pr[i].state != PS_OPEN || pr[i].proto != IPPROTO_TCP)
			continue;
		nopen++;
		if (em->npending &&
		    addr_eq(&em->pending[em->npending - 1], &pr[i].addr))
			continue;
		em->pending = xgrow(em->pending, &cap, em->npending + 1,
				    sizeof(*em->pending));
		em->pending[em->npending++] = pr[i].addr;
	}
	em->done = xcalloc(em->npending + 1, 1);
	emit_ready(em); /* the hosts with nothing to identify */
	snprintf(info, sizeof(info), "%zu service%s on %zu host%s", nopen,
		 nopen == 1 ? "" : "s", em->npending,
		 em->npending == 1 ? "" : "s");
	task(r, REPORT_TASK_BEGIN, "Service scan", 0, NULL);
	if (o->verbose) {
		char line[128];

		snprintf(line, sizeof(line), "Scanning %s\n", info);
		outputs_screen(r->out, line);
	}
	g->svc = vres;
	g->host_done = on_host_done;
	g->host_done_arg = em;
	rc = vscan_run(g, o->svcdb, vres, err, errlen);
	g->host_done = NULL;
	r->version_ran = 1;
	if (rc < 0)
		return -1;
	if (!*g->stop)
		task(r, REPORT_TASK_END, "Service scan", (now_ns() - t0) / 1e9, info);
	return 0;
}

static void screen_line(void *arg, const char *text)
{
	outputs_screen(arg, text);
}

/* OS detection over a group; its hosts are written after it. */
static int group_os(struct run *r, struct scan *g, struct os_results *ores,
		    char *err, size_t errlen)
{
	uint64_t t0 = now_ns();
	struct scan_stats before = g->st;
	int rc;

	/* nmap writes no task events for it: only its -v round lines. */
	g->screen = screen_line;
	g->screen_arg = r->out;
	rc = oscan_run(g, g->opt->osdb, ores, err, errlen);
	g->screen = NULL;
	/* The run's totals took the sweep's counts already: add -O's. */
	r->top.st.sent += g->st.sent - before.sent;
	r->top.st.bytes_sent += g->st.bytes_sent - before.bytes_sent;
	r->top.st.recv += g->st.recv - before.recv;
	r->top.st.bytes_recv += g->st.bytes_recv - before.bytes_recv;
	r->os_ran = 1;
	if (rc < 0)
		return -1;
	g->os = ores;
	if (g->opt->debug)
		fprintf(stderr, "OS detection: %.3fs\n",
			(now_ns() - t0) / 1e9);
	return 0;
}

/*
 * One host group: sweep, identify, write. Returns 0, or -1 with err for
 * a runtime failure.
 */
static int run_group(struct run *r, uint64_t first, uint64_t count, char *err,
		     size_t errlen)
{
	const struct scan_opts *o = r->top.opt;
	struct scan_opts gopt = *o; /* shallow: only targets differ */
	struct scan g;
	struct vscan_results vres = { 0 };
	struct os_results ores = { 0 };
	struct emitter em = { .run = r, .hold = o->os_detect };
	char info[96];
	uint64_t t0 = now_ns();
	int rc = -1;

	if (count < targets_count(o->targets)) {
		gopt.targets = targets_slice(o->targets, first, count);
		if (gopt.targets == NULL)
			return 0;
	}
	scan_init(&g, &gopt, &stop_flag);
	g.priv = &r->priv;
	atomic_store(&r->counts.undergoing, count);
	task(r, REPORT_TASK_BEGIN, synscan_task_name(o), 0, NULL);
	if (o->verbose) {
		snprintf(info, sizeof(info),
			 "Scanning %llu host%s [%zu port%s/host]\n",
			 (unsigned long long)count, count == 1 ? "" : "s",
			 synscan_ports_per_host(o),
			 synscan_ports_per_host(o) == 1 ? "" : "s");
		outputs_screen(r->out, info);
	}
	if (synscan_run(&g, err, errlen) < 0)
		goto out;
	add_stats(&r->top.st, &g.st);
	if (g.st.sent == 0 && g.st.noroute > 0 && !o->dry_run) {
		snprintf(err, errlen, "no route to any target via %s",
			 g.hop.ifname);
		goto out;
	}
	snprintf(info, sizeof(info), "%llu total ports",
		 (unsigned long long)(count * synscan_ports_per_host(o)));
	if (!g.st.interrupted)
		task(r, REPORT_TASK_END, synscan_task_name(o),
		     (now_ns() - t0) / 1e9, info);

	em.g = &g;
	em.it = hostiter_new(&g);
	em.h = hostiter_next(em.it);
	{
		size_t up = hostiter_count_up(&g);

		r->top.hosts_up += up;
		atomic_fetch_add(&r->counts.up, up);
		/* The hosts found down are complete now. */
		atomic_fetch_add(&r->counts.completed, count - up);
		atomic_store(&r->counts.undergoing, up);
	}
	if (o->version_detect && !g.st.interrupted) {
		if (group_versions(r, &g, &em, &vres, err, errlen) < 0)
			goto out;
		if (stop_flag)
			r->top.st.interrupted = 1;
	}
	if (o->os_detect && !g.st.interrupted && !r->top.st.interrupted) {
		if (group_os(r, &g, &ores, err, errlen) < 0)
			goto out;
		if (stop_flag)
			r->top.st.interrupted = 1;
	}
	if (em.hold) {
		/* Walk again: the first host was read before -O's results. */
		hostiter_free(em.it);
		em.it = hostiter_new(&g);
		em.h = hostiter_next(em.it);
		em.hold = 0;
	}
	/* Always marked, so --resume knows the run did not finish. */
	if (r->top.st.interrupted || g.st.interrupted)
		outputs_partial(r->out, &g);
	while (em.h)
		emit_one(&em);
	outputs_batch_end(r->out, &g);
	rc = 0;
out:
	hostiter_free(em.it);
	free(em.pending);
	free(em.done);
	vscan_results_free(&vres);
	oscan_results_free(&ores);
	scan_free(&g);
	if (gopt.targets != o->targets)
		targets_free(gopt.targets);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct vscan_results no_services;
	static const struct os_results no_os;
	struct scan_opts opt;
	struct run r;
	struct stats *stats;
	struct sigaction sa;
	char err[512] = "";
	uint64_t nt, group;
	int rc = FATHOM_EXIT_OK, failed = 0;

	rc = cli_parse(argc, argv, &opt);
	if (rc != 0) {
		cli_free(&opt);
		return rc == 1 ? FATHOM_EXIT_OK : FATHOM_EXIT_USAGE;
	}
	if (!privs_have_net_raw()) {
		fprintf(stderr,
			"fathom: the SYN scan needs the CAP_NET_RAW capability "
			"(run as root, or setcap cap_net_raw+ep on fathom)\n");
		cli_free(&opt);
		return FATHOM_EXIT_FAIL;
	}
	memset(&r, 0, sizeof(r));
	scan_init(&r.top, &opt, &stop_flag);
	r.top.grouped = 1;
	r.top.hosts_up = opt.resume_up; /* the summary counts the whole scan */
	r.top.st.start_wall = time(NULL);
	r.top.st.start_ns = now_ns();
	r.out = outputs_open(&opt, r.top.st.start_wall);
	if (r.out == NULL) {
		scan_free(&r.top);
		cli_free(&opt);
		return FATHOM_EXIT_FAIL;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	outputs_begin(r.out, &r.top);
	/*
	 * Everything privileged, once, then the privileges go: before any
	 * thread starts, after the outputs, -iL and --resume files are open.
	 */
	if (privsetup_open(&r.priv, &opt, err, sizeof(err)) < 0) {
		failed = 1;
	} else if (!opt.no_drop) {
		char what[160];

		if (privs_drop(what, sizeof(what), err, sizeof(err)) < 0) {
			char why[sizeof(err)];

			snprintf(why, sizeof(why), "cannot drop privileges: %s",
				 err);
			snprintf(err, sizeof(err), "%s", why);
			failed = 1;
		} else if (opt.debug) {
			fprintf(stderr, "privileges: dropped: %s\n", what);
		}
	} else if (opt.debug) {
		fprintf(stderr, "privileges: kept (--no-drop)\n");
	}
	if (failed)
		fprintf(stderr, "fathom: %s\n", err);
	stats = stats_start(r.out, &r.top, &r.counts, opt.stats_every_ms);
	nt = targets_count(opt.targets);
	group = opt.max_hostgroup && opt.max_hostgroup < nt ? opt.max_hostgroup
							     : nt;
	atomic_store(&r.counts.completed, opt.resume_done);
	for (uint64_t first = opt.resume_done; first < nt && !failed;
	     first += group) {
		if (run_group(&r, first, nt - first < group ? nt - first : group,
			      err, sizeof(err)) < 0) {
			fprintf(stderr, "fathom: %s\n", err);
			failed = 1;
			break;
		}
		if (stop_flag || r.top.st.interrupted) {
			r.top.st.interrupted = 1;
			break;
		}
	}
	stats_stop(stats);
	privsetup_close(&r.priv); /* the nft guard's table goes with it */
	if (r.top.st.interrupted)
		outputs_partial(r.out, &r.top); /* once: between groups too */
	r.top.st.end_ns = now_ns();
	r.top.st.end_wall = time(NULL);
	if (r.version_ran)
		r.top.svc = (struct vscan_results *)&no_services;
	if (r.os_ran)
		r.top.os = (struct os_results *)&no_os;
	if (r.top.st.unresolved)
		fprintf(stderr,
			"Warning: %llu probes skipped: their next hop did not "
			"answer ARP\n",
			(unsigned long long)r.top.st.unresolved);
	if (r.top.st.noroute && !failed)
		fprintf(stderr,
			"Warning: %llu probes skipped: no route to their "
			"targets\n",
			(unsigned long long)r.top.st.noroute);
	if (r.top.st.interrupted && !failed)
		fprintf(stderr, "fathom: interrupted; reporting what was "
				"found so far\n");
	if (opt.verbose && !failed) {
		char line[256];

		snprintf(line, sizeof(line),
			 "Raw packets sent: %llu (%.3fKB) | Rcvd: %llu "
			 "(%.3fKB) | Dropped by capture: %llu | Passes: %d\n",
			 (unsigned long long)(r.top.st.sent + r.top.st.arp_sent),
			 r.top.st.bytes_sent / 1000.0,
			 (unsigned long long)r.top.st.recv,
			 r.top.st.bytes_recv / 1000.0,
			 (unsigned long long)r.top.st.pcap_drops,
			 r.top.st.passes);
		outputs_screen(r.out, line);
	}
	if (failed)
		rc = FATHOM_EXIT_FAIL;
	else if (r.top.st.interrupted)
		rc = 128 + SIGINT;
	/* A failed run still closes its documents: exit="error". */
	if (outputs_close(r.out, &r.top, failed || r.top.st.interrupted,
			  failed ? (err[0] ? err : "scan failed")
				 : r.top.st.interrupted ? "interrupted" : NULL) <
		    0 &&
	    rc == 0)
		rc = FATHOM_EXIT_FAIL;
	r.top.svc = NULL;
	r.top.os = NULL;
	scan_free(&r.top);
	cli_free(&opt);
	return rc;
}
