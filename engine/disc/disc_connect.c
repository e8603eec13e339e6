/* disc_connect.c -- host discovery without privileges: nmap's connect ping. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "engine/disc/discovery.h"
#include "engine/sweep/connscan.h"
#include "engine/sweep/synscan.h"
#include "netstack/base/util.h"

/* One answer: the host's reason is its earliest probe's (nmap's order). */
struct dc_answer {
	struct disc_host h;
	uint64_t pi;
};

/* One group's connect ping: who answered, and how. */
struct dc {
	const struct scan_opts *o;
	uint64_t nt;
	uint8_t *up;           /* a bit per target */
	struct dc_answer *ans; /* in the order found */
	size_t nans, cap;
	_Atomic int pass;
};

static struct addr dc_target(void *arg, uint64_t ti)
{
	struct dc *d = arg;

	return targets_at(d->o->targets, ti);
}

static uint16_t dc_port(void *arg, uint64_t pi)
{
	struct dc *d = arg;

	return d->o->disc.probes[pi].port;
}

static int is_up(const struct dc *d, uint64_t ti)
{
	return (d->up[ti / 8] >> (ti % 8)) & 1;
}

/*
 * A host found up is not retried. The first pass sends every probe, so
 * the reason does not depend on which answer happened to come first.
 */
static int dc_skip(void *arg, uint64_t ti, uint64_t pi)
{
	struct dc *d = arg;

	(void)pi;
	return atomic_load(&d->pass) > 0 && is_up(d, ti);
}

static void dc_result(void *arg, uint64_t ti, uint64_t pi, int outcome,
		      uint32_t rtt_us)
{
	struct dc *d = arg;
	struct dc_answer *a;

	/*
	 * nmap's rule: an answer either way, the handshake or a refusal,
	 * is the host's own; an unreachable (perhaps a router's) is not.
	 */
	if (outcome != CONN_OPEN && outcome != CONN_REFUSED)
		return;
	d->up[ti / 8] |= (uint8_t)(1u << (ti % 8));
	d->ans = xgrow(d->ans, &d->cap, d->nans + 1, sizeof(*d->ans));
	a = &d->ans[d->nans++];
	memset(a, 0, sizeof(*a));
	a->h.addr = targets_at(d->o->targets, ti);
	a->h.reason = outcome == CONN_OPEN ? DR_SYN_ACK : DR_CONN_REFUSED;
	a->h.rtt_us = rtt_us ? rtt_us : 1;
	a->pi = pi;
}

/* By address, then probe: each host's first entry is its reason. */
static int answer_cmp(const void *x, const void *y)
{
	const struct dc_answer *a = x, *b = y;
	int c = addr_cmp(&a->h.addr, &b->h.addr);

	if (c)
		return c;
	return a->pi < b->pi ? -1 : a->pi > b->pi;
}

/* The hosts up, in address order, one entry each. */
static void gather(struct dc *d, struct disc_results *r)
{
	qsort(d->ans, d->nans, sizeof(*d->ans), answer_cmp);
	r->up = xcalloc(d->nans + 1, sizeof(*r->up));
	for (size_t i = 0; i < d->nans; i++)
		if (r->nup == 0 ||
		    !addr_eq(&r->up[r->nup - 1].addr, &d->ans[i].h.addr))
			r->up[r->nup++] = d->ans[i].h;
	free(d->ans);
}

int disc_connect_run(struct scan *g, struct disc_results *r,
		     struct disc_stats *st, char *err, size_t errlen)
{
	const struct scan_opts *o = g->opt;
	struct dc d = { .o = o, .nt = targets_count(o->targets) };
	struct connscan_stats cs;
	struct connscan_job j = {
		.nt = d.nt,
		.np = o->disc.n,
		.target = dc_target,
		.port = dc_port,
		.skip = dc_skip,
		.result = dc_result,
		.arg = &d,
		.src = o->src_set ? &o->src : NULL,
		.rate = o->rate > 0 ? o->rate : 1,
		.parallelism = connscan_parallelism(o->max_parallelism,
						    o->timing.level),
		/* nmap gives a ping probe two tries before a host is down. */
		.max_retries = o->max_retries < 1 ? o->max_retries : 1,
		.init_rtt_ms = o->timing.init_rtt_ms,
		.min_rtt_ms = o->timing.min_rtt_ms,
		.max_rtt_ms = o->timing.max_rtt_ms,
		.seed = o->seed,
		.sequential = o->sequential,
		.stop = g->stop,
		.pass = &d.pass,
	};
	int rc;

	memset(st, 0, sizeof(*st));
	r->up = NULL;
	r->nup = 0;
	d.up = xcalloc(d.nt / 8 + 1, 1);
	rc = connscan_run(&j, &cs, err, errlen);
	free(d.up);
	st->passes = cs.passes;
	g->st.connects += cs.sent;
	if (rc < 0) {
		free(d.ans);
		return -1;
	}
	gather(&d, r);
	return 0;
}
