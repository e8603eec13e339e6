/* phase_connect.c -- the -sT connect scan as a phase. */
#include <stdio.h>

#include "engine/core/phase.h"
#include "engine/core/scanreport.h"
#include "engine/disc/discovery.h"
#include "engine/report/outputs.h"
#include "engine/sweep/connect.h"
#include "engine/sweep/module.h"
#include "netstack/base/util.h"

/* On with -sT (asked for, or the default without CAP_NET_RAW). */
static int connect_enabled(const struct scan_opts *o)
{
	return !o->ping_only && o->syn_scan && o->tcp_scan == TCP_SCAN_CONNECT;
}

/*
 * The kernel's sockets need no privileged set-up; the results' keys
 * start past a -sU sweep's (targets x UDP ports, the sweep phase runs
 * first), so both share the group's store.
 */
static int connect_run(struct phase_inst *ph, struct phase_run *run,
		       struct scan *g, char *err, size_t errlen)
{
	const struct scan_opts *o = g->opt;
	uint64_t count = targets_count(o->targets), t0 = now_ns();
	size_t ntcp = o->ports.proto[SVC_TCP].n, up;
	uint64_t base = o->udp_scan ? count * o->ports.proto[SVC_UDP].n : 0;
	const char *task = sweep_mod_connect.scan_type;
	uint64_t c0 = g->st.connects; /* discovery's connect ping's */
	char info[96];

	(void)ph;
	/* Discovery found no host up: nothing to scan, nobody to count. */
	if (g->disc && !g->disc->user_set && g->disc->nup == 0)
		return 0;
	phase_task(run, REPORT_TASK_BEGIN, task, 0, NULL);
	if (o->verbose) {
		snprintf(info, sizeof(info),
			 "Scanning %llu host%s [%zu port%s/host]\n",
			 (unsigned long long)count, count == 1 ? "" : "s", ntcp,
			 ntcp == 1 ? "" : "s");
		outputs_screen(run->out, info);
	}
	if (connect_scan_run(g, base, err, errlen) < 0)
		return -1;
	scanreport_ports(g); /* the table: the sweep's and its answers */
	run->top.st.connects += g->st.connects - c0;
	if (g->st.passes > run->top.st.passes)
		run->top.st.passes = g->st.passes;
	run->top.st.interrupted |= g->st.interrupted;
	run->top.st.timed_out |= g->st.timed_out;
	snprintf(info, sizeof(info), "%llu total ports",
		 (unsigned long long)(count * ntcp));
	if (!g->st.interrupted)
		phase_task(run, REPORT_TASK_END, task, (now_ns() - t0) / 1e9,
			   info);
	/* It runs last of the port scans (after a -sU sweep): it counts. */
	up = hostiter_count_up(g->tab, g->opt);
	run->top.hosts_up += up;
	atomic_fetch_add(&run->counts.up, up);
	atomic_fetch_add(&run->counts.completed, count - up);
	atomic_store(&run->counts.undergoing, up);
	return 0;
}

/* Every host waits for it (the default holds). */
const struct phase phase_connect = {
	.name = "connect",
	.enabled = connect_enabled,
	.run = connect_run,
};
