/* scanreport.c -- from a scan's phases to the host table and the run info. */
#include "config.h"

#include "engine/core/scanreport.h"

#include <netinet/in.h>
#include <time.h>

#include "engine/disc/discovery.h"
#include "engine/oscan/oscan.h"
#include "engine/sweep/module.h"
#include "engine/report/report.h"
#include "engine/trace/trace.h"
#include "engine/vscan/vscan.h"
#include "netstack/base/util.h"
#include "netstack/neigh.h"

/*
 * The MACs of g's targets that answered ARP or ND. The walk goes only
 * as far as the answers: they are usually far fewer than the targets.
 */
static void note_macs(struct scan *g)
{
	const struct target_set *ts = g->opt->targets;
	uint64_t nt = targets_count(ts);
	size_t want = neigh_count(g->neigh), got = 0;

	for (uint64_t i = 0; i < nt && got < want; i++) {
		struct addr a = targets_at(ts, i);
		const uint8_t *mac = neigh_get_addr(g->neigh, &a);

		if (mac) {
			hosttab_set_mac(g->tab, &a, mac);
			got++;
		}
	}
}

void scanreport_discovery(struct scan *g)
{
	const struct disc_results *d = g->disc;
	const struct scan_opts *o = g->opt;

	/* -Pn -sn: nothing was asked; -Pn's walk reports every target. */
	if (d == NULL || d->user_set)
		return;
	/* Its verdict by reference: see hosttab.h. */
	hosttab_set_discovery(g->tab, d, o->verbose && !o->open_only);
	note_macs(g);
}

void scanreport_ports(struct scan *g)
{
	size_t n;
	const struct port_result *res = results_sorted(g->res, &n);

	/* MACs first: a host that answered ARP is up for that reason. */
	note_macs(g);
	hosttab_set_ports(g->tab, res, n, g->opt->skip_ping);
}

void scanreport_services_of(struct scan *g, const struct addr *a)
{
	const struct hosttab_host *h = hosttab_find(g->tab, a);

	for (size_t i = 0; h && i < h->nres; i++) {
		const struct port_result *pr = &h->res[i];
		const struct svc_result *r;

		/* Version detection probes open TCP ports only. */
		if (pr->state != PS_OPEN || pr->proto != IPPROTO_TCP)
			continue;
		r = vscan_find(g->svc, a, pr->port);
		if (r)
			hosttab_set_service(g->tab, a, IPPROTO_TCP, pr->port,
					    r);
	}
}

void scanreport_services(struct scan *g)
{
	const struct vscan_results *v = g->svc;

	for (size_t i = 0; v && i < v->n; i++) {
		const struct svc_result *r = &v->r[i];

		hosttab_set_service(g->tab, &r->addr, IPPROTO_TCP, r->port, r);
		if (r->fp)
			hosttab_add_fp(g->tab, &r->addr, r->port, r->fp);
	}
}

void scanreport_os(struct scan *g)
{
	const struct os_results *o = g->os;

	/* A host -O skipped has no result (oscan_find()'s rule). */
	for (size_t i = 0; o && i < o->n; i++)
		if (o->r[i].done)
			hosttab_set_os(g->tab, &o->r[i].addr, &o->r[i]);
}

void scanreport_trace(struct scan *g)
{
	const struct trace_results *t = g->trace;

	for (size_t i = 0; t && i < t->n; i++)
		hosttab_set_trace(g->tab, &t->r[i].addr, &t->r[i]);
	hosttab_set_traces(g->tab, t);
}

void scanreport_all(struct scan *s)
{
	hosttab_free(s->tab);
	s->tab = hosttab_new(s->opt->timing.min_rtt_ms,
			     s->opt->timing.max_rtt_ms, s->hd);
	scanreport_discovery(s);
	scanreport_ports(s);
	scanreport_services(s);
	scanreport_os(s);
	scanreport_trace(s);
}

void runinfo_of(const struct scan *s, struct run_info *ri)
{
	uint64_t end = s->st.end_ns ? s->st.end_ns : now_ns();

	ri->opt = s->opt;
	ri->total = targets_count(s->opt->targets);
	/* Counting a group's walks it: only where a footer needs it. */
	ri->hosts_up = s->grouped ? s->hosts_up : 0;
	ri->start_ns = s->st.start_ns;
	ri->end_ns = s->st.end_ns;
	ri->start_wall = s->st.start_wall;
	ri->end_wall = s->st.end_wall ? s->st.end_wall : time(NULL);
	/* start_ns is 0 when the sweep never began (an early error). */
	ri->elapsed = s->st.start_ns == 0 || end < s->st.start_ns
			      ? 0.0
			      : (double)(end - s->st.start_ns) / 1e9;
	ri->interrupted = s->st.interrupted;
	ri->pc = &s->st.pc;
	ri->tcp_type = synscan_tcp_module(s->opt)->name;
	ri->scanflags[0] = '\0';
	if (s->opt->scanflags >= 0)
		synscan_flags_name(s->opt->scanflags, ri->scanflags,
				   sizeof(ri->scanflags));
	ri->versioned = s->svc != NULL;
	ri->os_ran = s->os != NULL;
	ri->tab = s->tab;
}

struct hostiter *scanreport_hosts(const struct scan *s)
{
	return hostiter_new(s->tab, s->opt);
}

void report_hosts(FILE *f, const struct scan *s)
{
	struct hostiter *it = scanreport_hosts(s);
	const struct hostiter_host *h;
	struct run_info ri;

	runinfo_of(s, &ri);
	while ((h = hostiter_next(it)) != NULL)
		report_host(f, &ri, h);
	hostiter_free(it);
	report_fingerprints(f, &ri);
}

void report_write_all(const struct report_writer *w, FILE *f,
		      const struct scan *s)
{
	struct hostiter *it = scanreport_hosts(s);
	const struct hostiter_host *h;
	struct run_info ri;

	runinfo_of(s, &ri);
	w->begin(f, &ri);
	while ((h = hostiter_next(it)) != NULL)
		w->host(f, &ri, h);
	hostiter_free(it);
	runinfo_of(s, &ri);
	if (!s->grouped)
		ri.hosts_up = hostiter_count_up(s->tab, s->opt);
	w->end(f, &ri, s->st.interrupted,
	       s->st.interrupted ? "interrupted" : NULL);
}
