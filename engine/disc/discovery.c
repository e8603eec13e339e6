/* discovery.c -- host discovery over one group: next hops (disc_arp.c), then a stateless ping sweep. */
#include "engine/disc/discovery.h"
#include "engine/disc/disc_int.h"

#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "engine/core/hostdeadline.h"
#include "engine/core/privsetup.h"
#include "netstack/tcpseg.h"
#include "engine/core/results.h"
#include "engine/sweep/permute.h"
#include "engine/sweep/ratelimit.h"
#include "engine/sweep/rto.h"
#include "engine/sweep/synscan.h"
#include "netstack/base/util.h"
#include "netstack/pktio.h"

/* The sweep's source ports (synscan.c): one firewall rule names both. */
#define SPORT_BASE 61000
#define SPORT_COUNT 1024
#define BATCH 64
#define FEW_SILENT 4096 /* silent targets that always get every pass */

void disc_sleep_ns(uint64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000ull),
			       (long)(ns % 1000000000ull) };

	nanosleep(&ts, NULL);
}

/*
 * Ctrl-C, or every host out of time (--host-timeout). A host's clock
 * starts at its first probe (host_up_at()), so none runs out before
 * pass 0 has reached them all; the last ones probed have the timeout
 * from the end of pass 0.
 */
int disc_stopped(const struct disc *d)
{
	uint64_t until = d->s->until_ns, end0 = atomic_load(&d->pass0_end);
	uint64_t to = d->o->host_timeout_ms * 1000000ull;

	if (*d->s->stop != 0)
		return 1;
	if (until == 0 || end0 == 0)
		return 0;
	if (to && end0 + to > until)
		until = end0 + to;
	return now_ns() >= until;
}

/* ---- the probes: receive ---- */

/*
 * When pass 0 sent target ti its first probe: its earliest position in
 * the permutation, at the pace pass 0 really kept so far (a loaded
 * machine sends slower than the rate asks).
 */
static uint64_t first_probe_ns(struct disc *d, uint64_t ti)
{
	uint64_t best = UINT64_MAX, t0 = atomic_load(&d->pass0_ns);
	uint64_t pp = atomic_load(&d->prog_pos), pn = atomic_load(&d->prog_ns);

	for (size_t k = 0; k < d->ks.np; k++) {
		uint64_t idx = ti + k * d->nt;
		uint64_t pos = d->o->sequential ? idx
						: permute_index(&d->perm, idx);

		best = pos < best ? pos : best;
	}
	if (best == UINT64_MAX)
		return t0;
	if (pp > 0 && pn > t0 && best <= pp)
		return t0 + (uint64_t)((double)best * (double)(pn - t0) /
				       (double)pp);
	if (d->o->rate <= 0)
		return t0;
	return t0 + (uint64_t)((double)best * 1e9 / d->o->rate);
}

void disc_host_clock(struct disc *d, const struct addr *a, uint64_t from,
		     uint64_t to)
{
	if (!hostdeadline_enabled(d->s->hd))
		return;
	if (d->feed)
		hostdeadline_begin(d->s->hd, a, from);
	else
		hostdeadline_span(d->s->hd, a, from, to);
}

/*
 * --host-timeout: a host found up is charged from its first probe to
 * its answer, not from the start of discovery to its end (issue 12).
 * The receive thread is the table's only user while discovery runs.
 * Streaming: the sweep takes it now.
 */
static void host_up_at(struct disc *d, const struct addr *a, uint64_t ti,
		       uint64_t when)
{
	if (hostdeadline_enabled(d->s->hd))
		disc_host_clock(d, a, first_probe_ns(d, ti), when);
	if (d->feed)
		hostfeed_add(d->feed, ti);
}

static void on_frame(const uint8_t *frame, size_t caplen, uint64_t ts,
		     void *arg)
{
	struct disc *d = arg;
	struct pkt_info p;
	struct disc_reply r;
	struct port_result pr = { 0 };
	struct sendlog_slot *sl;
	uint64_t mono = ts - d->wall_minus_mono, idx, pos, t, sp;
	int64_t ti;

	atomic_fetch_add_explicit(&d->recv, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&d->bytes_recv, caplen, memory_order_relaxed);
	pkt_parse(frame, caplen, &p);
	if (!disc_classify(&d->ks, &p, &r))
		return;
	if (d->rst_synack) {
		uint8_t rst[TCPSEG_HDR_MAX];
		struct iovec iov = { rst, tcpseg_rst_for_synack(
						  rst, sizeof(rst), &p) };

		if (iov.iov_len)
			pktio_send(d->io, &iov, 1);
	}
	if (!r.up)
		return;
	pr.addr = pr.from = r.taddr;
	ti = targets_index_of(d->o->targets, &pr.addr);
	if (ti < 0)
		return;
	atomic_fetch_add(&d->valid, 1);
	idx = (uint64_t)ti + r.slot * d->nt;
	pos = d->o->sequential ? idx : permute_index(&d->perm, idx);
	sl = &d->sendlog[pos & ((1u << SENDLOG_BITS) - 1)];
	sp = atomic_load(&sl->pos);
	t = atomic_load(&sl->t);
	if (sp == pos + 1 && t && mono > t && atomic_load(&sl->pos) == sp) {
		pr.rtt_us = (uint32_t)((mono - t) / 1000);
		rto_sample(&d->rto, t, mono, atomic_load(&d->pass) > 0);
	}
	/* The slot is the "port": sorted results put nmap's first first. */
	pr.port = (uint16_t)r.slot;
	pr.reason = r.reason;
	pr.ttl = r.ttl;
	pr.state = PS_OPEN;
	if (results_add(d->res, idx, &pr))
		atomic_fetch_add_explicit(&d->answered[r.slot], 1,
					  memory_order_relaxed);
	if (results_add(d->seen, (uint64_t)ti, &pr))
		host_up_at(d, &pr.addr, (uint64_t)ti, mono);
}

static void *rx_main(void *arg)
{
	struct disc *d = arg;

	while (!atomic_load(&d->rx_stop)) {
		pktio_wait(d->io, 5);
		if (pktio_dispatch(d->io, 4096, on_frame, d) < 0)
			break;
	}
	while (pktio_dispatch(d->io, 4096, on_frame, d) > 0)
		;
	return NULL;
}

/* ---- the probes: send ---- */

static void flush(struct disc *d, struct iovec *iov, unsigned n)
{
	unsigned done = 0;
	uint64_t bytes = 0;

	for (int tries = 0; done < n && tries < 1000; tries++) {
		int r = pktio_send(d->io, iov + done, n - done);

		if (r < 0)
			break;
		done += (unsigned)r;
		if (done < n)
			/* The queue is full: let it drain. */
			disc_sleep_ns(20000);
	}
	for (unsigned i = 0; i < done; i++)
		bytes += iov[i].iov_len;
	atomic_fetch_add(&d->sent, done);
	atomic_fetch_add(&d->bytes_sent, bytes);
}

/* Next-hop MAC for a target the probes go to, or NULL (skip it). */
static const uint8_t *probe_mac(struct disc *d, const struct addr *a)
{
	struct addr gw;

	if (disc_nexthop(d, a, &gw) < 0) {
		d->noroute++;
		return NULL;
	}
	/* On the link with ARP ping: ARP (ND) alone said up or down. */
	if (gw.family == 0 && d->arp_ping)
		return NULL;
	{
		const uint8_t *mac =
			neigh_get_addr(d->s->neigh, gw.family ? &gw : a);

		if (mac == NULL)
			d->unresolved++;
		return mac;
	}
}

/*
 * --host-timeout: a retransmission to a host whose own clock (from its
 * first probe, first_probe_ns()) has run out is not sent; nmap sends a
 * timed-out host nothing more.
 */
static int out_of_time(struct disc *d, uint64_t ti)
{
	uint64_t to = d->o->host_timeout_ms * 1000000ull;

	return to && first_probe_ns(d, ti) + to <= now_ns();
}

/* One pass's sending: the batch and the rate's credit. */
struct disc_tx {
	struct disc *d;
	struct iovec iov[BATCH];
	unsigned n; /* frames queued in iov */
	struct ratelimit rl;
	uint64_t burst, credit;
	uint32_t ipid;
};

static void disc_tx_init(struct disc_tx *t, struct disc *d)
{
	memset(t, 0, sizeof(*t));
	t->d = d;
	t->burst = d->o->rate >= 20000 ? BATCH : 1;
	if (getrandom(&t->ipid, sizeof(t->ipid), 0) != sizeof(t->ipid))
		t->ipid = (uint32_t)now_ns();
	ratelimit_init(&t->rl, d->o->rate, 4 * t->burst, now_ns());
}

static inline void disc_tx_flush(struct disc_tx *t)
{
	if (t->n) {
		flush(t->d, t->iov, t->n);
		t->n = 0;
	}
}

/*
 * Waits for the credit to send (a batch at a time above 20 kpps; with a
 * feed, the budget shared with the sweep). 0: stopped meanwhile.
 */
static int disc_tx_credit(struct disc_tx *t)
{
	struct disc *d = t->d;
	uint64_t wait;

	while (t->credit == 0) {
		disc_tx_flush(t);
		t->credit = d->feed ? hostfeed_take(d->feed, now_ns(), t->burst,
						    &wait)
				    : ratelimit_take(&t->rl, now_ns(), t->burst,
						     &wait);
		if (t->credit)
			break;
		if (wait > 30000)
			disc_sleep_ns(wait - 10000);
		if (disc_stopped(d))
			return 0;
	}
	return 1;
}

/*
 * Builds probe k to target a (next hop mac) in frame, for position x,
 * and queues it. Its credit is spent even if nothing could be built.
 */
static inline void disc_tx_queue(struct disc_tx *t, uint64_t x, uint64_t k,
				 const struct addr *a, const uint8_t *mac,
				 uint8_t *frame)
{
	struct disc *d = t->d;
	struct iovec *v = &t->iov[t->n];
	struct sendlog_slot *sl;

	t->credit--;
	t->ipid = t->ipid * 1103515245u + 12345u;
	v->iov_len = d->v6 ? disc_build6(&d->ks, &d->tm, k, a, d->s->hop.if_mac,
					 mac, frame)
			   : disc_build(&d->ks, &d->tm, k, addr_v4(a),
					d->s->hop.if_mac, mac,
					(uint16_t)(t->ipid >> 16), frame);
	v->iov_base = frame;
	if (v->iov_len == 0)
		return;
	/* Invalidate, write, publish (the receiver rereads pos). */
	sl = &d->sendlog[x & ((1u << SENDLOG_BITS) - 1)];
	atomic_store_explicit(&sl->pos, 0, memory_order_relaxed);
	atomic_store_explicit(&sl->t, now_ns(), memory_order_release);
	atomic_store_explicit(&sl->pos, x + 1, memory_order_release);
	if (++t->n == t->burst)
		disc_tx_flush(t);
}

/*
 * Every 256 positions: whether to go on, and pass 0's progress (the
 * pace first_probe_ns() reads). 0: stop.
 */
static int pass_tick(struct disc *d, int pass, uint64_t x)
{
	if (disc_stopped(d))
		return 0;
	if (pass == 0) {
		atomic_store(&d->prog_ns, now_ns());
		atomic_store(&d->prog_pos, x);
	}
	return 1;
}

static void send_pass(struct disc *d, int pass)
{
	static _Thread_local uint8_t frames[BATCH][CRAFT_MAX];
	struct disc_tx t;

	disc_tx_init(&t, d);
	for (uint64_t x = 0; x < d->total; x++) {
		uint64_t idx = d->o->sequential ? x : permute_at(&d->perm, x);
		uint64_t ti = idx % d->nt, k = idx / d->nt;
		struct addr a = targets_at(d->o->targets, ti);
		const uint8_t *mac;

		if ((x & 255) == 0 && !pass_tick(d, pass, x))
			break;
		if (pass > 0 &&
		    (results_seen(d->seen, ti) || out_of_time(d, ti)))
			continue;
		mac = probe_mac(d, &a);
		if (mac == NULL)
			continue;
		if (t.credit == 0 && !disc_tx_credit(&t))
			break;
		disc_tx_queue(&t, x, k, &a, mac, frames[t.n]);
	}
	disc_tx_flush(&t);
}

/* One retransmission timeout for the pass's replies. */
static void linger(struct disc *d)
{
	uint64_t start = now_ns();

	while (!disc_stopped(d)) {
		uint64_t end = start + rto_ms(&d->rto) * 1000000ull, now;

		now = now_ns();
		if (now >= end || results_count(d->seen) >= d->nt)
			break;
		disc_sleep_ns(end - now > 5000000ull ? 5000000ull : end - now);
	}
}

/* Pass 0's estimate of the live hosts it missed (-1: unknown). */
static double missed(struct disc *d)
{
	uint64_t a[64];
	size_t np = d->ks.np < 64 ? d->ks.np : 64;

	for (size_t k = 0; k < np; k++)
		a[k] = atomic_load(&d->answered[k]);
	return disc_missed_estimate(a, np, results_count(d->seen));
}

/*
 * Passes while retransmissions may still find hosts. After pass 0 the
 * probes the up hosts left unanswered estimate the loss: when it says
 * no live host can be missing (a clean LAN), dead addresses cost no
 * retransmission; otherwise they cost one, as a filtered port does in
 * the sweep, and more while retransmissions still find hosts.
 */
static void probe_passes(struct disc *d, struct disc_stats *st)
{
	int maxp = d->o->max_retries < 1 ? d->o->max_retries : 2;

	for (int pass = 0; pass <= maxp && !disc_stopped(d); pass++) {
		size_t before = results_count(d->seen);
		uint64_t sent0 = atomic_load(&d->sent), t0 = now_ns(), t_sent;

		if (pass > 0 && before >= d->nt)
			break;
		st->passes = pass + 1;
		atomic_store(&d->pass, pass);
		if (pass == 0)
			atomic_store(&d->pass0_ns, now_ns());
		send_pass(d, pass);
		t_sent = now_ns();
		if (pass == 0)
			atomic_store(&d->pass0_end, t_sent);
		if (pass == 0 && d->feed)
			atomic_store(&d->feed->pass0_end, t_sent);
		/* All on the link (ARP decided), or all found: no wait. */
		if (atomic_load(&d->sent) == sent0)
			break;
		linger(d);
		if (d->o->debug) {
			char why[256];

			rto_describe(&d->rto, why, sizeof(why));
			fprintf(stderr,
				"discovery pass %d: sent %llu in "
				"%.3fs, waited %.3fs (%s); %zu hosts up\n",
				pass,
				(unsigned long long)(atomic_load(&d->sent) -
						     sent0),
				(t_sent - t0) / 1e9, (now_ns() - t_sent) / 1e9,
				why, results_count(d->seen));
		}
		/* A pass that drew nothing ends them, unless few are silent
		 * and others answered (the RTO is measured): then another
		 * costs one short wait, and a host whose only answering port
		 * was busy (a full accept queue) gets its chance. */
		if (pass >= 1 && results_count(d->seen) == before &&
		    (before == 0 || d->nt - before > FEW_SILENT))
			break;
		if (pass == 0) {
			double m = missed(d);

			if (d->o->debug)
				fprintf(stderr,
					"discovery: expected missed "
					"hosts after pass 0: %.3g%s\n",
					m, m < 0 ? " (unknown)" : "");
			if (m >= 0 && m < DISC_MISS_GOAL)
				break;
		}
	}
}

/* ---- results ---- */

const struct disc_host *disc_find(const struct disc_results *r,
				  const struct addr *a)
{
	size_t lo = 0, hi = r ? r->nup : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = addr_cmp(&r->up[mid].addr, a);

		if (c == 0)
			return &r->up[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void disc_results_free(struct disc_results *r)
{
	if (r == NULL)
		return;
	free(r->up);
	r->up = NULL;
	r->nup = 0;
}

/* The up hosts: ARP's and the probes' (first probe in nmap's order). */
static void gather(struct disc *d, struct disc_results *r)
{
	size_t nres, cap = 0, i = 0, j = 0;
	const struct port_result *res = results_sorted(d->res, &nres);

	for (;;) {
		struct disc_host h = { 0 };

		while (j < d->narp &&
		       !(d->arp_ping && d->arp[j].target && d->arp[j].answered))
			j++;
		if (i >= nres && j >= d->narp)
			break;
		if (j < d->narp && (i >= nres || addr_cmp(&d->arp[j].addr,
							  &res[i].addr) < 0)) {
			h.addr = d->arp[j].addr;
			h.reason = d->v6 ? DR_ND : DR_ARP;
			h.rtt_us = d->arp[j++].rtt_us;
		} else {
			h.addr = res[i].addr;
			h.reason = res[i].reason;
			h.ttl = res[i].ttl;
			h.rtt_us = res[i].rtt_us;
			while (i < nres && addr_eq(&res[i].addr, &h.addr))
				i++;
		}
		r->up = xgrow(r->up, &cap, r->nup + 1, sizeof(*r->up));
		r->up[r->nup++] = h;
	}
}

/*
 * -sn with our own address among the targets (a range holding it): up,
 * as nmap says of it, though nothing answers a probe to it on the wire.
 * Not for a port scan: the sweep's raw frames cannot reach this host.
 */
static void add_self(struct disc *d, struct disc_results *r)
{
	struct addr me = d->v6 ? d->s->hop.saddr : addr_from_v4(d->s->hop.src);
	size_t i = 0, cap = r->nup;

	if (!d->o->ping_only || targets_index_of(d->o->targets, &me) < 0 ||
	    disc_find(r, &me))
		return;
	while (i < r->nup && addr_cmp(&r->up[i].addr, &me) < 0)
		i++;
	r->up = xgrow(r->up, &cap, r->nup + 1, sizeof(*r->up));
	memmove(&r->up[i + 1], &r->up[i], (r->nup - i) * sizeof(*r->up));
	memset(&r->up[i], 0, sizeof(*r->up));
	r->up[i].addr = me;
	r->up[i].reason = DR_LOCALHOST;
	r->nup++;
}

static int setup(struct disc *d, struct scan *g, struct pktio *io, char *err,
		 size_t errlen)
{
	const struct scan_opts *o = g->opt;
	struct timespec rt;

	memset(d, 0, sizeof(*d));
	d->s = g;
	d->o = o;
	d->io = io;
	d->rst_synack = d->s->priv != NULL && d->s->priv->onepass;
	d->nt = targets_count(o->targets);
	d->ks.our = g->hop.src;
	d->v6 = o->family == ADDR_V6;
	if (d->v6)
		d->ks.our6 = g->hop.saddr;
	d->ks.sport_base = o->src_port > 0 ? (uint16_t)o->src_port : SPORT_BASE;
	d->ks.sport_count = o->src_port > 0 ? 1 : SPORT_COUNT;
	d->ks.probes = o->disc.probes;
	d->ks.np = o->disc.n;
	d->total = d->nt * d->ks.np;
	d->arp_ping = !o->disc.no_arp;
	d->feed = g->feed;
	d->res = results_new();
	d->seen = results_new();
	d->sendlog = xcalloc(1u << SENDLOG_BITS, sizeof(*d->sendlog));
	d->answered = xcalloc(d->ks.np ? d->ks.np : 1, sizeof(*d->answered));
	rto_init(&d->rto, o->timing.init_rtt_ms, o->timing.min_rtt_ms,
		 o->timing.max_rtt_ms);
	permute_init(&d->perm, d->total ? d->total : 1, o->seed ^ 0x5049u);
	disc_templates(&d->tm, g->hop.if_mac, g->hop.src);
	if (d->v6 &&
	    (!addr_is_v6(&g->hop.saddr) ||
	     disc_templates6(&d->tm, g->hop.if_mac, &g->hop.saddr) < 0)) {
		snprintf(err, errlen, "no IPv6 source address on %s",
			 g->hop.ifname);
		return -1;
	}
	clock_gettime(CLOCK_REALTIME, &rt);
	d->wall_minus_mono = (uint64_t)rt.tv_sec * 1000000000ull +
			     (uint64_t)rt.tv_nsec - now_ns();
	if (cookie_key_random(&d->ks.key) < 0) {
		snprintf(err, errlen, "getrandom: %s", strerror(errno));
		return -1;
	}
	if (d->v6)
		return route_table6_load(g->hop.ifname, &d->rt6, err, errlen);
	return route_table_load(g->hop.ifname, &d->rt, err, errlen);
}

static void teardown(struct disc *d)
{
	route_table_free(&d->rt);
	route_table6_free(&d->rt6);
	results_free(d->res);
	results_free(d->seen);
	rto_destroy(&d->rto);
	free(d->sendlog);
	free((void *)d->answered);
	free(d->arp);
}

/*
 * Streaming: the on-link targets ARP (ND) found up go to the sweep
 * first, and the neighbour table is complete: the sweep may start.
 */
static void feed_arp(struct disc *d)
{
	if (d->feed == NULL)
		return;
	for (size_t j = 0; j < d->narp && d->arp_ping; j++) {
		int64_t ti;

		if (!d->arp[j].target || !d->arp[j].answered)
			continue;
		ti = targets_index_of(d->o->targets, &d->arp[j].addr);
		if (ti >= 0)
			hostfeed_add(d->feed, (uint64_t)ti);
	}
	hostfeed_ready(d->feed);
}

int disc_run(struct scan *g, struct pktio *io, struct disc_results *r,
	     struct disc_stats *st, char *err, size_t errlen)
{
	struct disc *d = xmalloc(sizeof(*d));
	pthread_t rx;
	uint64_t drops0;
	int rc = -1, rx_started = 0;

	memset(r, 0, sizeof(*r));
	memset(st, 0, sizeof(*st));
	r->all = g->opt->targets;
	g->hop = g->priv->hop;
	if (setup(d, g, io, err, errlen) < 0 ||
	    pktio_resume(io, err, errlen) < 0)
		goto out;
	drops0 = pktio_drops(io);
	if (disc_collect_nexthops(d, err, errlen) < 0 ||
	    disc_resolve(d, st, err, errlen) < 0)
		goto out;
	feed_arp(d);
	if (pthread_create(&rx, NULL, rx_main, d) != 0) {
		snprintf(err, errlen, "cannot start receive thread");
		goto out;
	}
	rx_started = 1;
	probe_passes(d, st);
	atomic_store(&d->rx_stop, 1);
	pthread_join(rx, NULL);
	rx_started = 0;
	st->pcap_drops = pktio_drops(io) - drops0;
	gather(d, r);
	add_self(d, r);
	rc = 0;
out:
	if (rx_started) {
		atomic_store(&d->rx_stop, 1);
		pthread_join(rx, NULL);
	}
	st->sent = atomic_load(&d->sent);
	st->bytes_sent = atomic_load(&d->bytes_sent);
	st->recv = atomic_load(&d->recv);
	st->bytes_recv = atomic_load(&d->bytes_recv);
	st->valid = atomic_load(&d->valid);
	st->noroute = d->noroute;
	st->unresolved = d->unresolved;
	if (d->io) {
		char perr[256];

		if (pktio_pause(io, perr, sizeof(perr)) < 0 && rc == 0) {
			snprintf(err, errlen, "%s", perr);
			rc = -1;
		}
	}
	teardown(d);
	free(d);
	return rc;
}
