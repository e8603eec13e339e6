/* phase_version.c -- version detection (-sV) as a phase: open TCP ports. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine/core/hostdeadline.h"
#include "engine/core/phase.h"
#include "engine/core/scanreport.h"
#include "engine/report/outputs.h"
#include "engine/vscan/vscan.h"
#include "netstack/base/util.h"
#include "netstack/pktio.h"

static int version_enabled(const struct scan_opts *o)
{
	return o->version_detect;
}

/*
 * Decides how the kernel is kept from resetting fathom's connections
 * (the nft guard's table is handed to privsetup's monitor afterwards)
 * and opens the capture the userspace modes use, paused.
 */
static int version_priv_setup(struct phase_inst *ph, struct phase_run *run,
			      char *err, size_t errlen)
{
	struct privsetup *ps = &run->priv;
	int m, onepass;

	(void)ph;
	/* A dry run finds nothing open: no work for -sV. */
	if (run->top.opt->dry_run)
		return 0;
	/*
	 * Without privileges kernel sockets are the only way, as nmap's
	 * -sV always goes: nothing to warn about.
	 */
	if (run->top.opt->unprivileged) {
		ps->vmode = VSCAN_SOCKETS;
		ps->vwarned = 1;
		return 0;
	}
	/*
	 * One pass: the guard must cover the sweep's ports before it sends,
	 * or the kernel resets the SYN-ACKs -sV would finish.
	 */
	onepass = synscan_onepass_wanted(run->top.opt);
	m = vscan_setup(&ps->hop, run->top.opt->svcdb, &ps->guard, onepass,
			&ps->vscan, ps->vwhy, sizeof(ps->vwhy), err, errlen);
	if (m < 0)
		return -1;
	ps->vmode = (enum vscan_mode)m;
	ps->onepass = onepass && m != VSCAN_SOCKETS;
	return ps->vscan ? pktio_pause(ps->vscan, err, errlen) : 0;
}

/* -sV probes TCP only: an open UDP port waits for nothing. */
static int is_open_tcp(const struct port_result *r)
{
	return r->state == PS_OPEN && r->proto == IPPROTO_TCP;
}

static int version_holds(struct phase_inst *ph, const struct scan *g,
			 const struct hostiter_host *h)
{
	(void)ph, (void)g;
	for (size_t i = 0; i < h->nres; i++)
		if (is_open_tcp(&h->res[i]))
			return 1;
	return 0;
}

/* The runner's host_done, behind the table's write (version_run()). */
struct version_done {
	struct scan *g;
	void (*done)(void *arg, const struct addr *addr);
	void *arg;
};

/* A host -sV is done with: its services into the table, then written. */
static void version_host_done(void *arg, const struct addr *addr)
{
	struct version_done *vd = arg;

	scanreport_services_of(vd->g, addr);
	if (vd->done)
		vd->done(vd->arg, addr);
}

static int version_run(struct phase_inst *ph, struct phase_run *run,
		       struct scan *g, char *err, size_t errlen)
{
	static const struct vscan_results ran; /* the footer: "Service" */
	const struct scan_opts *o = g->opt;
	size_t nres, nopen = 0, nhosts = 0, last = 0, nto;
	const struct port_result *pr = results_sorted(g->res, &nres);
	uint64_t t0 = now_ns();
	struct version_done vd;
	char info[96], ip[ADDR_STRLEN];
	int rc;

	for (size_t i = 0; i < nres; i++) {
		if (!is_open_tcp(&pr[i]))
			continue;
		nhosts += nopen++ == 0 || !addr_eq(&pr[i].addr, &pr[last].addr);
		last = i;
	}
	snprintf(info, sizeof(info), "%zu service%s on %zu host%s", nopen,
		 nopen == 1 ? "" : "s", nhosts, nhosts == 1 ? "" : "s");
	phase_task(run, REPORT_TASK_BEGIN, "Service scan", 0, NULL);
	if (o->verbose) {
		char line[160];

		/* nmap names the host when there is one. */
		if (nhosts == 1)
			addr_format(&pr[last].addr, ip);
		else
			snprintf(ip, sizeof(ip), "%zu hosts", nhosts);
		snprintf(line, sizeof(line), "Scanning %zu service%s on %s\n",
			 nopen, nopen == 1 ? "" : "s", ip);
		outputs_screen(run->out, line);
	}
	ph->ctx = xcalloc(1, sizeof(struct vscan_results));
	g->svc = ph->ctx;
	nto = hostdeadline_count(g->hd);
	vd = (struct version_done){ g, g->host_done, g->host_done_arg };
	g->host_done = version_host_done;
	g->host_done_arg = &vd;
	rc = vscan_run(g, o->svcdb, g->svc, err, errlen);
	g->host_done = vd.done;
	g->host_done_arg = vd.arg;
	/* Also when interrupted: the hosts written then say what it found. */
	scanreport_services(g);
	/* nmap's extrainfo when hosts ran out of time during -sV. */
	nto = hostdeadline_count(g->hd) - nto;
	if (nto)
		snprintf(info, sizeof(info), "%zu host%s timed out", nto,
			 nto == 1 ? "" : "s");
	/* One pass: handshakes no service took (its host timed out, the
	 * run stopped) end now, not when the group does. */
	sweep_onepass_reset(g);
	run->top.svc = (struct vscan_results *)&ran;
	if (rc < 0)
		return -1;
	if (!*g->stop)
		phase_task(run, REPORT_TASK_END, "Service scan",
			   (now_ns() - t0) / 1e9, info);
	return 0;
}

static void version_group_end(struct phase_inst *ph, struct phase_run *run,
			      struct scan *g)
{
	(void)run;
	if (ph->ctx)
		vscan_results_free(ph->ctx);
	free(ph->ctx);
	ph->ctx = NULL;
	g->svc = NULL;
}

const struct phase phase_version = {
	.name = "version",
	.enabled = version_enabled,
	.priv_setup = version_priv_setup,
	.holds = version_holds,
	.run = version_run,
	.group_end = version_group_end,
};
