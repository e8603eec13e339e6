/* connect.c -- the -sT port scan on connscan: results, progress, counters. */
#include "config.h"

#include "engine/sweep/connect.h"

#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "engine/cli/targetfile.h"
#include "engine/core/privsetup.h"
#include "engine/report/progress.h"
#include "engine/sweep/connscan.h"
#include "engine/sweep/module.h"
#include "netstack/base/util.h"

const struct sweep_module sweep_mod_connect = {
	.name = "connect",
	.scan_type = "Connect Scan",
	.proto = IPPROTO_TCP,
	.silent_state = PS_FILTERED,
	.needs_raw = false,
};

/* What the engine's callbacks need: the group and its TCP list. */
struct cx {
	struct scan *s;
	const struct scan_opts *o;
	uint64_t nt, base;
	const uint16_t *ports;
	_Atomic uint64_t pos, sent;
	_Atomic int pass;
};

static struct addr cx_target(void *arg, uint64_t ti)
{
	struct cx *c = arg;

	return targets_at(c->o->targets, ti);
}

static uint16_t cx_port(void *arg, uint64_t pi)
{
	struct cx *c = arg;

	return c->ports[pi];
}

static int cx_skip(void *arg, uint64_t ti, uint64_t pi)
{
	struct cx *c = arg;

	/* -iL host:port: this host is scanned on its own ports. */
	if (c->o->pairs) {
		struct addr a = targets_at(c->o->targets, ti);

		if (!pairs_wanted(c->o->pairs, &a, c->ports[pi]))
			return 1;
	}
	return results_seen(c->s->res, c->base + ti + pi * c->nt);
}

static void cx_result(void *arg, uint64_t ti, uint64_t pi, int outcome,
		      uint32_t rtt_us)
{
	struct cx *c = arg;
	struct port_result pr = { 0 };

	pr.addr = targets_at(c->o->targets, ti);
	/*
	 * A handshake or a refusal is the target's own answer (it is up,
	 * its RTT counts); an unreachable may be a router's, and the
	 * kernel does not say whose.
	 */
	if (outcome == CONN_OPEN || outcome == CONN_REFUSED) {
		pr.from = pr.addr;
		pr.rtt_us = rtt_us ? rtt_us : 1;
	}
	pr.port = c->ports[pi];
	pr.proto = IPPROTO_TCP;
	connscan_state(outcome, &pr.state, &pr.reason);
	if (!results_add(c->s->res, c->base + ti + pi * c->nt, &pr))
		return;
	if (c->o->verbose && pr.state == PS_OPEN) {
		char a[ADDR_STRLEN];

		addr_format(&pr.addr, a);
		progress_clear();
		printf("Discovered open port %u/tcp on %s\n", pr.port, a);
		fflush(stdout);
	}
}

/* The engine's job for group s: c's callbacks, the run's pace. */
static struct connscan_job cx_job(struct cx *c)
{
	const struct scan_opts *o = c->o;
	struct scan *s = c->s;

	return (struct connscan_job){
		.nt = c->nt,
		.np = o->ports.proto[SVC_TCP].n,
		.target = cx_target,
		.port = cx_port,
		.skip = cx_skip,
		.result = cx_result,
		.arg = c,
		.src = o->src_set ? &o->src : NULL,
		.rate = o->rate > 0 ? o->rate : 1,
		.parallelism = connscan_parallelism(o->max_parallelism,
						    o->timing.level),
		.max_retries = o->max_retries,
		.init_rtt_ms = o->timing.init_rtt_ms,
		.min_rtt_ms = o->timing.min_rtt_ms,
		.max_rtt_ms = o->timing.max_rtt_ms,
		.seed = o->seed,
		.sequential = o->sequential,
		.deadline_ns = o->host_timeout_ms
				       ? s->st.start_ns +
						 o->host_timeout_ms * 1000000ull
				       : 0,
		.stop = s->stop,
		.pos = &c->pos,
		.pass = &c->pass,
		.sent = &c->sent,
		/* Its callbacks are thread-safe (results.h): two cores. */
		.lanes = 2,
	};
}

/* -d's line, then the engine's counts into the run's statistics. */
static void cx_done(struct scan *s, const struct connscan_job *j,
		    const struct connscan_stats *st)
{
	if (s->opt->debug)
		fprintf(stderr,
			"connect: %llu connects, %llu answers (%llu at the "
			"timeout), %d passes, peak %zu sockets (limit %zu)\n",
			(unsigned long long)st->sent,
			(unsigned long long)st->answered,
			(unsigned long long)st->late, st->passes, st->peak,
			j->parallelism);
	s->st.connects += st->sent;
	if (st->passes > s->st.passes)
		s->st.passes = st->passes;
	s->st.timed_out |= st->timed_out;
	s->st.interrupted = *s->stop != 0;
	s->st.end_ns = now_ns();
	s->st.end_wall = time(NULL);
}

int connect_scan_run(struct scan *s, uint64_t index_base, char *err,
		     size_t errlen)
{
	const struct scan_opts *o = s->opt;
	struct cx c = { .s = s, .o = o, .base = index_base };
	struct connscan_job j;
	struct connscan_stats st;
	int rc = 0;

	/* The run's route: -sV after it reads the interface from it. */
	s->hop = s->priv->hop;
	c.nt = targets_count(o->targets);
	c.ports = o->ports.proto[SVC_TCP].ports;
	if (s->st.start_ns == 0) {
		s->st.start_ns = now_ns();
		s->st.start_wall = time(NULL);
	}
	j = cx_job(&c);
	if (o->dry_run) {
		/* Nothing is sent: every probe is counted as written. */
		s->st.sent += j.nt * j.np;
		s->st.passes = 1;
		return 0;
	}
	progress_task_set(sweep_mod_connect.scan_type, &c.pos, c.nt * j.np);
	progress_start(&c.pos, &c.pass, c.nt * j.np, &c.sent, s->res);
	if (connscan_run(&j, &st, err, errlen) < 0)
		rc = -1;
	progress_stop();
	progress_task_clear();
	cx_done(s, &j, &st);
	return rc;
}
