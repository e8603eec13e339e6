/* phase_os.c -- OS detection (-O) as a phase: nmap's probes to up hosts. */
#include <stdio.h>
#include <stdlib.h>

#include "engine/core/phase.h"
#include "engine/core/scanreport.h"
#include "engine/oscan/oscan.h"
#include "engine/report/outputs.h"
#include "netstack/base/util.h"
#include "netstack/pktio.h"

static int os_enabled(const struct scan_opts *o)
{
	return o->os_detect;
}

/* The capture of its replies and the run's random source-port base. */
static int os_priv_setup(struct phase_inst *ph, struct phase_run *run,
			 char *err, size_t errlen)
{
	struct privsetup *ps = &run->priv;

	(void)ph;
	if (run->top.opt->dry_run) /* nothing is up: no work for -O */
		return 0;
	ps->os = oscan_open_capture(run->top.opt, &ps->hop, &ps->os_port0, err,
				    errlen);
	if (ps->os == NULL)
		return -1;
	return pktio_pause(ps->os, err, errlen);
}

static void screen_line(void *arg, const char *text)
{
	outputs_screen(arg, text);
}

/* Every host waits for it (the default holds): its result is per host. */
static int os_run(struct phase_inst *ph, struct phase_run *run, struct scan *g,
		  char *err, size_t errlen)
{
	static const struct os_results ran; /* the footer: "OS" */
	uint64_t t0 = now_ns();
	struct scan_stats before = g->st;
	struct os_results *ores = xcalloc(1, sizeof(*ores));
	int rc;

	ph->ctx = ores;
	/* nmap writes no task events for it: only its -v round lines. */
	g->screen = screen_line;
	g->screen_arg = run->out;
	rc = oscan_run(g, g->opt->osdb, ores, err, errlen);
	g->screen = NULL;
	/* The run's totals took the sweep's counts already: add -O's. */
	run->top.st.sent += g->st.sent - before.sent;
	run->top.st.bytes_sent += g->st.bytes_sent - before.bytes_sent;
	run->top.st.recv += g->st.recv - before.recv;
	run->top.st.bytes_recv += g->st.bytes_recv - before.bytes_recv;
	run->top.os = (struct os_results *)&ran;
	if (rc < 0)
		return -1;
	g->os = ores;
	scanreport_os(g); /* the table: each host's result */
	if (g->opt->debug)
		fprintf(stderr, "OS detection: %.3fs\n", (now_ns() - t0) / 1e9);
	return 0;
}

static void os_group_end(struct phase_inst *ph, struct phase_run *run,
			 struct scan *g)
{
	(void)run;
	if (ph->ctx)
		oscan_results_free(ph->ctx);
	free(ph->ctx);
	ph->ctx = NULL;
	g->os = NULL;
}

const struct phase phase_os = {
	.name = "os",
	.enabled = os_enabled,
	.priv_setup = os_priv_setup,
	.run = os_run,
	.group_end = os_group_end,
};
