/* phase_trace.c -- --traceroute as a phase: every up host's hops, after -O. */
#include <stdio.h>
#include <stdlib.h>

#include "engine/core/phase.h"
#include "engine/core/scanreport.h"
#include "engine/report/outputs.h"
#include "engine/trace/trace.h"
#include "netstack/base/util.h"
#include "netstack/pktio.h"

static int trace_enabled(const struct scan_opts *o)
{
	return o->traceroute;
}

/* The capture of time exceeded and the targets' answers, and its ports. */
static int trace_priv_setup(struct phase_inst *ph, struct phase_run *run,
			    char *err, size_t errlen)
{
	struct privsetup *ps = &run->priv;

	(void)ph;
	if (run->top.opt->dry_run) /* nothing is up: nothing to trace */
		return 0;
	ps->trace = trace_open_capture(run->top.opt, &ps->hop, &ps->trace_port0,
				       err, errlen);
	if (ps->trace == NULL)
		return -1;
	return pktio_pause(ps->trace, err, errlen);
}

/* Every host waits for it (the default holds): its hops are per host. */
static int trace_run_group(struct phase_inst *ph, struct phase_run *run,
			   struct scan *g, char *err, size_t errlen)
{
	struct trace_results *tr = xcalloc(1, sizeof(*tr));
	struct scan_stats before = g->st;
	uint64_t t0 = now_ns();
	int rc;

	ph->ctx = tr;
	/* nmap's task name, as its -v lines and XML tasks say it. */
	phase_task(run, REPORT_TASK_BEGIN, "Traceroute", 0, NULL);
	rc = trace_run(g, tr, err, errlen);
	phase_task(run, REPORT_TASK_END, "Traceroute", (now_ns() - t0) / 1e9,
		   NULL);
	run->top.st.sent += g->st.sent - before.sent;
	run->top.st.bytes_sent += g->st.bytes_sent - before.bytes_sent;
	run->top.st.recv += g->st.recv - before.recv;
	run->top.st.bytes_recv += g->st.bytes_recv - before.bytes_recv;
	if (rc < 0)
		return -1;
	g->trace = tr;
	scanreport_trace(g); /* the table: each host's path */
	if (g->opt->debug)
		fprintf(stderr, "Traceroute: %.3fs\n", (now_ns() - t0) / 1e9);
	return 0;
}

static void trace_group_end(struct phase_inst *ph, struct phase_run *run,
			    struct scan *g)
{
	(void)run;
	trace_results_free(ph->ctx);
	free(ph->ctx);
	ph->ctx = NULL;
	g->trace = NULL;
}

const struct phase phase_trace = {
	.name = "trace",
	.enabled = trace_enabled,
	.priv_setup = trace_priv_setup,
	.run = trace_run_group,
	.group_end = trace_group_end,
};
