/* discovery.c -- host discovery over one group: ARP, then a stateless ping sweep. */
#include "engine/disc/discovery.h"

#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

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
#define ARP_TRIES 3
#define MAX_ONLINK_ARP (1u << 20) /* the sweep's bound (synscan.c) */
#define SENDLOG_BITS 16

struct sendlog_slot {
	_Atomic uint64_t pos; /* permutation position + 1 */
	_Atomic uint64_t t;   /* send time, ns */
};

/* An address ARP must resolve, and when it was last asked. */
struct arp_ent {
	uint32_t addr;
	int target;         /* a target (on-link), not only a gateway */
	uint64_t sent_ns;
	uint32_t rtt_us;    /* of the first answer; 0 = none */
	int answered;
};

struct disc {
	struct scan *s;
	const struct scan_opts *o;
	struct pktio *io;
	struct route_table rt;
	struct disc_keys ks;
	struct disc_tmpls tm;
	struct permute perm;
	uint64_t nt, total;
	struct results *res;  /* probe index -> first valid reply */
	struct results *seen; /* target index -> answered at all */
	struct rto rto;
	struct sendlog_slot *sendlog;
	uint64_t wall_minus_mono;
	struct arp_ent *arp;  /* sorted by address */
	size_t narp;
	int arp_ping;         /* on-link targets: ARP decides */
	/*
	 * One pass guards fathom's ports from the kernel's RSTs before any
	 * probe (privsetup.h onepass): a SYN-ACK to a -PS probe then gets
	 * its RST from here, as the kernel would send it, so the peer
	 * keeps no half-open connection a sweep SYN could run into.
	 */
	int rst_synack;
	_Atomic int rx_stop;
	_Atomic int pass;     /* > 0: retransmissions, not timed (Karn) */
	_Atomic uint64_t sent, bytes_sent, recv, bytes_recv, valid;
	uint64_t noroute, unresolved;
};

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000ull),
			       (long)(ns % 1000000000ull) };

	nanosleep(&ts, NULL);
}

/* Ctrl-C, or every host out of time (--host-timeout: s->until_ns). */
static int stopped(const struct disc *d)
{
	return *d->s->stop != 0 ||
	       (d->s->until_ns && now_ns() >= d->s->until_ns);
}

/* ---- ARP: every on-link target and every gateway ---- */

static struct arp_ent *arp_find(struct disc *d, uint32_t a)
{
	size_t lo = 0, hi = d->narp;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (d->arp[mid].addr < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < d->narp && d->arp[lo].addr == a ? &d->arp[lo] : NULL;
}

static int cmp_arp(const void *a, const void *b)
{
	const struct arp_ent *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* The next hop of every target: the targets on the link, the gateways. */
static int collect_arp(struct disc *d, char *err, size_t errlen)
{
	uint32_t gws[64]; /* the gateways seen: a route table has few */
	size_t cap = 0, ngw = 0, k = 0;

	for (uint64_t t = 0; t < d->nt; t++) {
		uint32_t a = targets_at_v4(d->o->targets, t), gw;
		size_t g = 0;

		if (route_table_nexthop(&d->rt, a, &gw) < 0)
			continue;
		while (gw && g < ngw && gws[g] != gw)
			g++;
		if (gw && g < ngw)
			continue;
		if (gw && ngw < sizeof(gws) / sizeof(*gws))
			gws[ngw++] = gw;
		if (d->narp >= MAX_ONLINK_ARP) {
			snprintf(err, errlen, "more than %u on-link targets to "
				 "resolve with ARP", MAX_ONLINK_ARP);
			return -1;
		}
		d->arp = xgrow(d->arp, &cap, d->narp + 1, sizeof(*d->arp));
		memset(&d->arp[d->narp], 0, sizeof(*d->arp));
		d->arp[d->narp].addr = gw ? gw : a;
		d->arp[d->narp].target = gw == 0;
		d->narp++;
	}
	qsort(d->arp, d->narp, sizeof(*d->arp), cmp_arp);
	/* A gateway may also be a target: one entry, a target's. */
	for (size_t i = 0; i < d->narp; i++) {
		if (k && d->arp[k - 1].addr == d->arp[i].addr) {
			d->arp[k - 1].target |= d->arp[i].target;
			continue;
		}
		d->arp[k++] = d->arp[i];
	}
	d->narp = k;
	return 0;
}

static void on_arp(const uint8_t *frame, size_t caplen, uint64_t ts,
		   void *arg)
{
	struct disc *d = arg;
	struct pkt_info p;
	struct arp_ent *e;

	if (pkt_parse(frame, caplen, &p) != PKT_ARP || p.arp.op != 2 ||
	    p.arp.tpa != d->s->hop.src)
		return;
	e = arp_find(d, p.arp.spa);
	if (e == NULL)
		return;
	neigh_put(d->s->neigh, p.arp.spa, p.arp.sha);
	if (!e->answered) {
		/* The kernel's arrival stamp, not when the loop got to it. */
		uint64_t now = ts - d->wall_minus_mono;

		e->answered = 1;
		e->rtt_us = now > e->sent_ns
				    ? (uint32_t)((now - e->sent_ns) / 1000)
				    : 1;
		if (e->rtt_us == 0)
			e->rtt_us = 1;
	}
}

static int resolve(struct disc *d, struct disc_stats *st, char *err,
		   size_t errlen)
{
	double rate = d->o->rate < 1000 ? 1000 : d->o->rate;
	uint8_t frame[64];
	size_t flen;

	for (int t = 0; t < ARP_TRIES && !stopped(d); t++) {
		struct ratelimit rl;
		size_t pending = 0, answered = 0;

		ratelimit_init(&rl, rate, 1, now_ns());
		for (size_t i = 0; i < d->narp && !stopped(d); i++) {
			struct iovec iov;
			uint64_t wait;

			if (d->arp[i].answered)
				continue;
			pending++;
			if (craft_arp_request(pktio_libnet(d->io), frame, &flen,
					      d->s->hop.if_mac, d->s->hop.src,
					      d->arp[i].addr, err,
					      errlen) < 0)
				return -1;
			while (ratelimit_take(&rl, now_ns(), 1, &wait) == 0)
				sleep_ns(wait);
			iov.iov_base = frame;
			iov.iov_len = flen;
			d->arp[i].sent_ns = now_ns();
			if (pktio_send(d->io, &iov, 1) == 1)
				st->arp_sent++;
			pktio_dispatch(d->io, -1, on_arp, d);
		}
		if (pending == 0)
			break;
		/* A LAN answers ARP in well under this. */
		for (uint64_t end = now_ns() + (t + 1) * 200ull * 1000000ull;
		     now_ns() < end && !stopped(d);) {
			pktio_wait(d->io, 10);
			pktio_dispatch(d->io, -1, on_arp, d);
			answered = 0;
			for (size_t i = 0; i < d->narp; i++)
				answered += d->arp[i].answered;
			if (answered == d->narp)
				break;
		}
	}
	return 0;
}

/* ---- the probes: receive ---- */

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
	atomic_fetch_add_explicit(&d->bytes_recv, caplen,
				  memory_order_relaxed);
	pkt_parse(frame, caplen, &p);
	if (!disc_classify(&d->ks, &p, &r))
		return;
	if (d->rst_synack) {
		uint8_t rst[TCPSEG_HDR_MAX];
		struct iovec iov = { rst, tcpseg_rst_for_synack(rst, sizeof(rst),
								&p) };

		if (iov.iov_len)
			pktio_send(d->io, &iov, 1);
	}
	if (!r.up)
		return;
	pr.addr = pr.from = addr_from_v4(r.target);
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
	results_add(d->res, idx, &pr);
	results_add(d->seen, (uint64_t)ti, &pr);
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
			sleep_ns(20000); /* the queue is full: let it drain */
	}
	for (unsigned i = 0; i < done; i++)
		bytes += iov[i].iov_len;
	atomic_fetch_add(&d->sent, done);
	atomic_fetch_add(&d->bytes_sent, bytes);
}

/* Next-hop MAC for a target the probes go to, or NULL (skip it). */
static const uint8_t *probe_mac(struct disc *d, uint32_t a)
{
	uint32_t gw;

	if (route_table_nexthop(&d->rt, a, &gw) < 0) {
		d->noroute++;
		return NULL;
	}
	/* On the link with ARP ping: ARP alone said up or down. */
	if (gw == 0 && d->arp_ping)
		return NULL;
	{
		const uint8_t *mac = neigh_get(d->s->neigh, gw ? gw : a);

		if (mac == NULL)
			d->unresolved++;
		return mac;
	}
}

static void send_pass(struct disc *d, int pass)
{
	static _Thread_local uint8_t frames[BATCH][CRAFT_MAX];
	struct iovec iov[BATCH];
	struct ratelimit rl;
	uint64_t burst = d->o->rate >= 20000 ? BATCH : 1, credit = 0;
	unsigned n = 0;
	uint32_t ipid;

	if (getrandom(&ipid, sizeof(ipid), 0) != sizeof(ipid))
		ipid = (uint32_t)now_ns();
	ratelimit_init(&rl, d->o->rate, 4 * burst, now_ns());
	for (uint64_t x = 0; x < d->total; x++) {
		uint64_t idx = d->o->sequential ? x : permute_at(&d->perm, x);
		uint64_t ti = idx % d->nt, k = idx / d->nt, wait;
		uint32_t a = targets_at_v4(d->o->targets, ti);
		const uint8_t *mac;
		struct sendlog_slot *sl;

		if ((x & 255) == 0 && stopped(d))
			break;
		if (pass > 0 && results_seen(d->seen, ti))
			continue;
		mac = probe_mac(d, a);
		if (mac == NULL)
			continue;
		while (credit == 0) {
			if (n) {
				flush(d, iov, n);
				n = 0;
			}
			credit = ratelimit_take(&rl, now_ns(), burst, &wait);
			if (credit)
				break;
			if (wait > 30000)
				sleep_ns(wait - 10000);
			if (stopped(d))
				goto out;
		}
		credit--;
		ipid = ipid * 1103515245u + 12345u;
		iov[n].iov_len = disc_build(&d->ks, &d->tm, k, a,
					    d->s->hop.if_mac, mac,
					    (uint16_t)(ipid >> 16), frames[n]);
		iov[n].iov_base = frames[n];
		if (iov[n].iov_len == 0)
			continue;
		/* Invalidate, write, publish (the receiver rereads pos). */
		sl = &d->sendlog[x & ((1u << SENDLOG_BITS) - 1)];
		atomic_store_explicit(&sl->pos, 0, memory_order_relaxed);
		atomic_store_explicit(&sl->t, now_ns(), memory_order_release);
		atomic_store_explicit(&sl->pos, x + 1, memory_order_release);
		if (++n == burst) {
			flush(d, iov, n);
			n = 0;
		}
	}
out:
	if (n)
		flush(d, iov, n);
}

/* One retransmission timeout for the pass's replies. */
static void linger(struct disc *d)
{
	uint64_t start = now_ns();

	while (!stopped(d)) {
		uint64_t end = start + rto_ms(&d->rto) * 1000000ull, now;

		now = now_ns();
		if (now >= end || results_count(d->seen) >= d->nt)
			break;
		sleep_ns(end - now > 5000000ull ? 5000000ull : end - now);
	}
}

/*
 * Passes while retransmissions still find hosts: a dead address costs
 * one retransmission, as a filtered port does in the sweep.
 */
static void probe_passes(struct disc *d, struct disc_stats *st)
{
	int maxp = d->o->max_retries < 1 ? d->o->max_retries : 2;

	for (int pass = 0; pass <= maxp && !stopped(d); pass++) {
		size_t before = results_count(d->seen);
		uint64_t sent0 = atomic_load(&d->sent);

		if (pass > 0 && before >= d->nt)
			break;
		st->passes = pass + 1;
		atomic_store(&d->pass, pass);
		send_pass(d, pass);
		/* All on the link (ARP decided), or all found: no wait. */
		if (atomic_load(&d->sent) == sent0)
			break;
		linger(d);
		if (pass >= 1 && results_count(d->seen) == before)
			break;
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
		uint32_t ra = i < nres ? addr_v4(&res[i].addr) : 0;

		while (j < d->narp && !(d->arp_ping && d->arp[j].target &&
					d->arp[j].answered))
			j++;
		if (i >= nres && j >= d->narp)
			break;
		if (j < d->narp && (i >= nres || d->arp[j].addr < ra)) {
			h.addr = addr_from_v4(d->arp[j].addr);
			h.reason = DR_ARP;
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

/* --dry-run: nothing is sent; every target goes on to the sweep. */
static void all_up(const struct scan_opts *o, struct disc_results *r)
{
	uint64_t nt = targets_count(o->targets);

	r->up = xcalloc(nt ? nt : 1, sizeof(*r->up));
	for (uint64_t t = 0; t < nt; t++)
		r->up[t].addr = targets_at(o->targets, t);
	r->nup = nt;
}

static int setup(struct disc *d, struct scan *g, struct pktio *io,
		 char *err, size_t errlen)
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
	d->ks.sport_base = o->src_port > 0 ? (uint16_t)o->src_port
					   : SPORT_BASE;
	d->ks.sport_count = o->src_port > 0 ? 1 : SPORT_COUNT;
	d->ks.probes = o->disc.probes;
	d->ks.np = o->disc.n;
	d->total = d->nt * d->ks.np;
	d->arp_ping = !o->disc.no_arp;
	d->res = results_new();
	d->seen = results_new();
	d->sendlog = xcalloc(1u << SENDLOG_BITS, sizeof(*d->sendlog));
	rto_init(&d->rto, o->timing.init_rtt_ms, o->timing.min_rtt_ms,
		 o->timing.max_rtt_ms);
	permute_init(&d->perm, d->total ? d->total : 1, o->seed ^ 0x5049u);
	disc_templates(&d->tm, g->hop.if_mac, g->hop.src);
	clock_gettime(CLOCK_REALTIME, &rt);
	d->wall_minus_mono = (uint64_t)rt.tv_sec * 1000000000ull +
			     (uint64_t)rt.tv_nsec - now_ns();
	if (cookie_key_random(&d->ks.key) < 0) {
		snprintf(err, errlen, "getrandom: %s", strerror(errno));
		return -1;
	}
	return route_table_load(g->hop.ifname, &d->rt, err, errlen);
}

static void teardown(struct disc *d)
{
	route_table_free(&d->rt);
	results_free(d->res);
	results_free(d->seen);
	rto_destroy(&d->rto);
	free(d->sendlog);
	free(d->arp);
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
	if (g->opt->dry_run) {
		all_up(g->opt, r);
		free(d);
		return 0;
	}
	if (setup(d, g, io, err, errlen) < 0 ||
	    pktio_resume(io, err, errlen) < 0)
		goto out;
	drops0 = pktio_drops(io);
	if (collect_arp(d, err, errlen) < 0 || resolve(d, st, err, errlen) < 0)
		goto out;
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
