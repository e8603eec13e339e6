/* phase_sweep.c -- the SYN/UDP sweep as a phase: every (target, port). */
#include <stdio.h>
#include <stdlib.h>

#include "engine/core/hostdeadline.h"
#include "engine/core/phase.h"
#include "engine/core/scanreport.h"
#include "engine/disc/discovery.h"
#include "engine/report/outputs.h"
#include "netstack/base/util.h"

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
	pass_counts_add(&to->pc, &g->pc);
	to->interrupted |= g->interrupted;
	to->timed_out |= g->timed_out;
}

static int sweep_group(struct phase_run *run, struct scan *g, char *err,
		       size_t errlen);

static void screen_line(void *arg, const char *text)
{
	outputs_screen(arg, text);
}

/*
 * The sweep stopped at its deadline (--host-timeout): a host with a port
 * still unanswered is out of time; one whose every port answered is
 * complete, as nmap's would have been before its clock ran out.
 */
static size_t mark_timed_out(struct phase_run *run, struct scan *g)
{
	struct hostiter *it = hostiter_new(g->tab, g->opt);
	const struct hostiter_host *h;
	uint64_t now = now_ns();
	struct addr *out = NULL;
	size_t n = 0, cap = 0;

	while ((h = hostiter_next(it)) != NULL) {
		if (h->down || h->nres >= h->nrows ||
		    !hostdeadline_expired(g->hd, &h->addr, now))
			continue;
		out = xgrow(out, &cap, n + 1, sizeof(*out));
		out[n++] = h->addr;
	}
	hostiter_free(it);
	/* nmap -v: one line per host, the hosts still to go counted down. */
	for (size_t i = 0; i < n && g->opt->verbose; i++) {
		char ip[ADDR_STRLEN], line[160];

		snprintf(line, sizeof(line),
			 "%s timed out during %s (%zu host%s left)\n",
			 addr_format(&out[i], ip), synscan_task_name(g->opt),
			 n - i - 1, n - i - 1 == 1 ? "" : "s");
		outputs_screen(run->out, line);
	}
	free(out);
	return n;
}

/*
 * Its handle and route are the run's shared ones (privsetup_open), so
 * it has no privileged set-up of its own.
 */
static int sweep_run(struct phase_inst *ph, struct phase_run *run,
		     struct scan *g, char *err, size_t errlen)
{
	const struct scan_opts *orig = g->opt;
	struct scan_opts udp_only;
	int rc;

	(void)ph;
	if (orig->tcp_scan != TCP_SCAN_CONNECT)
		return sweep_group(run, g, err, errlen);
	/*
	 * -sT -sU: the connect phase after it does the TCP ports; the sweep
	 * sees a TCP list of none, so its keys stay below the connect
	 * scan's, and runs first: its passes end when its own store is
	 * full, so it must not hold the connect scan's results yet.
	 */
	udp_only = *orig;
	udp_only.ports.proto[SVC_TCP].n = 0;
	g->opt = &udp_only;
	rc = sweep_group(run, g, err, errlen);
	g->opt = orig;
	return rc;
}

static int sweep_group(struct phase_run *run, struct scan *g, char *err,
		       size_t errlen)
{
	const struct scan_opts *o = g->opt;
	uint64_t count = targets_count(o->targets), t0 = now_ns();
	size_t pph = synscan_ports_per_host(o), up, nto = 0;
	char info[96];
	int rc;

	/* Discovery found no host up: nothing to sweep, nobody to count. */
	if (g->disc && !g->disc->user_set && g->disc->nup == 0)
		return 0;
	phase_task(run, REPORT_TASK_BEGIN, synscan_task_name(o), 0, NULL);
	if (o->verbose && count == 1) { /* nmap names a lone host */
		char ip[ADDR_STRLEN];
		struct addr a = targets_at(o->targets, 0);

		snprintf(info, sizeof(info), "Scanning %s [%zu port%s]\n",
			 addr_format(&a, ip), pph, pph == 1 ? "" : "s");
		outputs_screen(run->out, info);
	} else if (o->verbose) {
		snprintf(info, sizeof(info),
			 "Scanning %llu hosts [%zu port%s/host]\n",
			 (unsigned long long)count, pph, pph == 1 ? "" : "s");
		outputs_screen(run->out, info);
	}
	g->screen = screen_line; /* -v pass lines: not onto -oX - */
	g->screen_arg = run->out;
	/* Streaming: it ran beside discovery (engine/core/stream.h). */
	rc = g->swept ? 0 : synscan_run(g, err, errlen);
	if (g->swept)
		t0 = g->st.start_ns;
	g->swept = 0;
	g->screen = NULL;
	if (rc < 0)
		return -1;
	scanreport_ports(g); /* the table: answers, MACs, why, times */
	if (g->st.timed_out && !g->st.interrupted)
		nto = mark_timed_out(run, g);
	add_stats(&run->top.st, &g->st);
	if (g->st.sent == 0 && g->st.noroute > 0 && !o->dry_run) {
		snprintf(err, errlen, "no route to any target via %s",
			 g->hop.ifname);
		return -1;
	}
	/* nmap's extrainfo when hosts ran out of time. */
	if (nto)
		snprintf(info, sizeof(info), "%zu host%s timed out", nto,
			 nto == 1 ? "" : "s");
	else
		snprintf(info, sizeof(info), "%llu total ports",
			 (unsigned long long)(count * pph));
	if (!g->st.interrupted)
		phase_task(run, REPORT_TASK_END, synscan_task_name(o),
			   (now_ns() - t0) / 1e9, info);
	/* -sT -sU: the connect phase after it counts the hosts up, once. */
	if (o->syn_scan && o->tcp_scan == TCP_SCAN_CONNECT)
		return 0;
	up = hostiter_count_up(g->tab, g->opt);
	run->top.hosts_up += up;
	atomic_fetch_add(&run->counts.up, up);
	/* The hosts found down are complete now. */
	atomic_fetch_add(&run->counts.completed, count - up);
	atomic_store(&run->counts.undergoing, up);
	return 0;
}

/* Off with -sn (discovery only), and with -sT alone (phase_connect.c). */
static int sweep_enabled(const struct scan_opts *o)
{
	if (o->syn_scan && o->tcp_scan == TCP_SCAN_CONNECT)
		return !o->ping_only && o->udp_scan;
	return !o->ping_only;
}

/* Every host waits for it (the default holds). */
const struct phase phase_sweep = {
	.name = "sweep",
	.enabled = sweep_enabled,
	.run = sweep_run,
};
