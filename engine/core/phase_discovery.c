/* phase_discovery.c -- host discovery as a phase: who is up, before the sweep. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/phase.h"
#include "engine/core/scanreport.h"
#include "engine/core/stream.h"
#include "engine/disc/discovery.h"
#include "engine/report/outputs.h"
#include "netstack/base/util.h"
#include "netstack/pktio.h"

#define TASK "Ping Scan"

/* The group being worked on (the handle is run->priv.disc). */
struct disc_phase {
	struct disc_results res;      /* the group's, until group_end */
	struct scan_opts narrow_opt;  /* the group's, targets narrowed */
	const struct scan_opts *orig; /* what g->opt was; NULL: not swapped */
};

/* Off with -Pn, except -Pn -sn: then it only says every host is up. */
static int disc_enabled(const struct scan_opts *o)
{
	return !o->skip_ping || o->ping_only;
}

/*
 * Its own capture (ARP replies to us; TCP, UDP and ICMP to us), so the
 * sweep's filter stays the sweep's; -S an address the kernel does not
 * own is answered here too, as the sweep's handle does.
 */
static int disc_priv_setup(struct phase_inst *ph, struct phase_run *run,
			   char *err, size_t errlen)
{
	const struct scan_opts *o = run->top.opt;
	const struct route_hop *hop = &run->priv.hop;
	struct disc_phase *dp = xcalloc(1, sizeof(*dp));
	struct in_addr in = { .s_addr = htonl(hop->src) };
	char bpf[PKTIO_FILTER6_MAX], src[INET_ADDRSTRLEN];
	int v6 = addr_is_v6(&hop->saddr);

	ph->ctx = dp;
	/*
	 * The connect ping (disc_connect.c) uses the kernel's sockets; a
	 * dry run sends nothing (disc_run_phase()).
	 */
	if (o->skip_ping || o->unprivileged || o->dry_run)
		return 0;
	inet_ntop(AF_INET, &in, src, sizeof(src));
	if (v6 && pktio_filter6(bpf, sizeof(bpf), &hop->saddr,
				PKTIO_F6_ND | PKTIO_F6_TCP | PKTIO_F6_UDP |
					PKTIO_F6_ICMP6) < 0) {
		snprintf(err, errlen, "discovery: capture filter too long");
		return -1;
	}
	if (!v6)
		snprintf(bpf, sizeof(bpf),
			 "(arp and arp[6:2] = 2 and arp[24:4] = 0x%08x) or "
			 "(dst host %s and (tcp or udp or icmp))",
			 hop->src, src);
	/* Into the run's set-up: privsetup_close() closes it. */
	run->priv.disc =
		pktio_open(hop->ifname, bpf, PKTIO_SNAP_HEADERS, err, errlen);
	if (run->priv.disc == NULL)
		return -1;
	if (!o->dry_run && !route_is_local(&hop->saddr) &&
	    (v6 ? pktio_answer_nd(run->priv.disc, &hop->saddr, hop->if_mac, err,
				  errlen)
		: pktio_answer_arp(run->priv.disc, hop->src, hop->if_mac, err,
				   errlen)) < 0)
		return -1;
	return pktio_pause(run->priv.disc, err, errlen);
}

static void add_stats(struct scan_stats *to, const struct disc_stats *st)
{
	to->sent += st->sent;
	to->bytes_sent += st->bytes_sent;
	to->arp_sent += st->arp_sent;
	to->recv += st->recv;
	to->bytes_recv += st->bytes_recv;
	to->valid += st->valid;
	to->pcap_drops += st->pcap_drops;
	to->noroute += st->noroute;
	if (st->passes > to->passes)
		to->passes = st->passes;
}

/* The sweep (and -sV, -O) after it see only the hosts found up. */
static void narrow(struct disc_phase *dp, struct scan *g)
{
	struct addr *keep = xcalloc(dp->res.nup + 1, sizeof(*keep));
	struct target_set *ts;

	for (size_t i = 0; i < dp->res.nup; i++)
		keep[i] = dp->res.up[i].addr;
	ts = targets_subset(g->opt->targets, keep, dp->res.nup);
	free(keep);
	if (ts == NULL)
		return; /* nobody up: the sweep has nothing to do */
	dp->narrow_opt = *g->opt;
	dp->narrow_opt.targets = ts;
	dp->orig = g->opt;
	g->opt = &dp->narrow_opt;
}

/*
 * Counts for the status lines and the footer. last: no sweep follows
 * to count the hosts up (-sn, or an interruption).
 */
static void count(struct phase_run *run, const struct scan *g, uint64_t nt,
		  size_t up, int last)
{
	const struct scan_opts *o = g->opt;

	/* Down hosts are complete now, unless -v writes them. */
	if (!(o->verbose && !o->open_only))
		atomic_fetch_add(&run->counts.completed, nt - up);
	/* Without -sn the sweep counts the hosts up (the same ones). */
	if (!o->ping_only && !last)
		return;
	run->top.hosts_up += up;
	atomic_fetch_add(&run->counts.up, up);
	atomic_store(&run->counts.undergoing, up);
}

static void screen_line(void *arg, const char *text)
{
	outputs_screen(arg, text);
}

/*
 * The probes: nmap's connect ping without privileges, else raw ones,
 * with the sweep beside them when the group streams (stream.h): then
 * g->st becomes the sweep's, as the sweep's phase would have made it,
 * and g->swept tells that phase so.
 */
static int probe(struct phase_run *run, struct disc_phase *dp, struct scan *g,
		 struct disc_stats *st, char *err, size_t errlen)
{
	struct scan_stats sweep_st;
	int rc;

	if (g->opt->unprivileged)
		return disc_connect_run(g, &dp->res, st, err, errlen);
	if (!stream_wanted(g))
		return disc_run(g, run->priv.disc, &dp->res, st, err, errlen);
	g->screen = screen_line; /* -v pass lines: not onto -oX - */
	g->screen_arg = run->out;
	rc = stream_run(g, run->priv.disc, &dp->res, st, &sweep_st, err,
			errlen);
	g->screen = NULL;
	if (rc == 0) {
		g->st = sweep_st;
		g->swept = 1;
	}
	return rc;
}

static int disc_run_phase(struct phase_inst *ph, struct phase_run *run,
			  struct scan *g, char *err, size_t errlen)
{
	struct disc_phase *dp = ph->ctx;
	const struct scan_opts *o = g->opt;
	uint64_t nt = targets_count(o->targets), t0 = now_ns();
	struct disc_stats st;
	char info[96];

	memset(&dp->res, 0, sizeof(dp->res));
	dp->res.all = o->targets;
	g->disc = &dp->res;
	/*
	 * -Pn -sn: every target, nothing sent. --dry-run sends nothing
	 * either: every target goes on to the sweep's probes, with no
	 * record per target (a /12 kept 25 MB of them, and 17 MB more in
	 * a narrowed copy); none is up, since none answered.
	 */
	if (o->skip_ping || o->dry_run) {
		dp->res.user_set = 1;
		count(run, g, nt, (size_t)nt, 0);
		return 0;
	}
	/* nmap writes the ping scan's task lines at -v only. */
	if (o->verbose)
		phase_task(run, REPORT_TASK_BEGIN, TASK, 0, NULL);
	if (o->verbose) {
		snprintf(info, sizeof(info),
			 "Scanning %llu host%s [%zu port%s/host]\n",
			 (unsigned long long)nt, nt == 1 ? "" : "s", o->disc.n,
			 o->disc.n == 1 ? "" : "s");
		outputs_screen(run->out, info);
	}
	if (g->st.start_ns == 0) {
		g->st.start_ns = t0;
		g->st.start_wall = time(NULL);
	}
	if (probe(run, dp, g, &st, err, errlen) < 0)
		return -1;
	run->top.st.connects += o->unprivileged ? g->st.connects : 0;
	add_stats(&run->top.st, &st);
	if (!g->swept) {
		g->st.passes = st.passes;
		g->st.end_ns = now_ns();
		g->st.end_wall = time(NULL);
	}
	scanreport_discovery(g); /* the table: who is up, why */
	/*
	 * The sweep ran beside it: its answers go in now, since an
	 * interrupted run ends here and the sweep phase never runs.
	 */
	if (g->swept)
		scanreport_ports(g);
	if (*g->stop) {
		/* The runner writes what was found, after its marker. */
		g->st.interrupted = 1;
		count(run, g, nt, dp->res.nup, 1);
		return 0;
	}
	snprintf(info, sizeof(info), "%llu total hosts",
		 (unsigned long long)nt);
	if (o->verbose)
		phase_task(run, REPORT_TASK_END, TASK, (now_ns() - t0) / 1e9,
			   info);
	count(run, g, nt, dp->res.nup, 0);
	if (!o->ping_only)
		narrow(dp, g);
	return 0;
}

static void disc_group_end(struct phase_inst *ph, struct phase_run *run,
			   struct scan *g)
{
	struct disc_phase *dp = ph->ctx;

	(void)run;
	if (dp->orig) {
		targets_free(dp->narrow_opt.targets);
		g->opt = dp->orig;
		dp->orig = NULL;
	}
	disc_results_free(&dp->res);
	g->disc = NULL;
	g->swept = 0;
}

/*
 * Every host waits for the end of discovery (the default holds), and
 * when it streams, for the sweep's end with it.
 */
const struct phase phase_discovery = {
	.name = "discovery",
	.enabled = disc_enabled,
	.priv_setup = disc_priv_setup,
	.run = disc_run_phase,
	.group_end = disc_group_end,
};
