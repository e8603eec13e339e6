/* synscan.c -- the stateless sweep: send loop and passes (the receive thread is sweeprx.c, the streaming order stream.c, the counts between passes sweeppass.c). */
#include "engine/sweep/synscan.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "engine/sweep/permute.h"
#include "engine/core/privsetup.h"
#include "engine/report/progress.h"
#include "engine/sweep/ratelimit.h"
#include "engine/sweep/synscan_int.h"
#include "engine/cli/targetfile.h"
#include "netstack/base/util.h"
#include "netstack/cookie.h"
#include "netstack/craft.h"
#include "netstack/packet.h"
#include "netstack/pktio.h"

#define BATCH 64
/*
 * -sU: how long a pass waits at least for its replies, Linux's default
 * icmp_ratelimit interval (see sweep_loop()).
 */
#define UDP_LINGER_MS 1000

void scan_init(struct scan *s, const struct scan_opts *o,
	       volatile sig_atomic_t *stop)
{
	memset(s, 0, sizeof(*s));
	s->opt = o;
	s->res = results_new();
	s->neigh = neigh_new();
	s->stop = stop;
}

void scan_free(struct scan *s)
{
	results_free(s->res);
	neigh_free(s->neigh);
	sweep_onepass_free(s);
	memset(s, 0, sizeof(*s));
}

/* ---- send path ---------------------------------------------------- */

/*
 * Ctrl-C, or the deadline (--host-timeout). Streaming: a host's clock
 * starts at its first discovery probe, so the last hosts probed have
 * the timeout from the end of discovery's pass 0, and the sweep runs
 * until then.
 */
static int stopped(struct sweep *w)
{
	uint64_t until = w->s->until_ns;

	if (*w->s->stop)
		return 1;
	if (until && w->feed) {
		uint64_t end0 = atomic_load(&w->feed->pass0_end);
		uint64_t to = w->o->host_timeout_ms * 1000000ull;

		if (end0 == 0)
			return 0;
		if (to && end0 + to > until)
			until = end0 + to;
	}
	if (until && now_ns() >= until) {
		w->s->st.timed_out = 1;
		return 1;
	}
	return 0;
}

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000ull),
			       (long)(ns % 1000000000ull) };

	nanosleep(&ts, NULL);
}

/*
 * Waits one retransmission timeout after a pass for its replies. The RTO
 * is re-read while waiting: on a small scan the first RTT samples arrive
 * only now, and the initial 1 s guess would otherwise be waited in full.
 */
static void linger(struct sweep *w)
{
	uint64_t start = now_ns();

	while (!stopped(w)) {
		uint64_t wait_ms = rto_ms(&w->rto), now = now_ns(), end;

		/*
		 * -sU: a Linux target sends port unreachables from a token
		 * bucket (net.ipv4.icmp_ratelimit, 1 per second after a burst
		 * of 6). Waiting a whole second lets the next pass draw at
		 * least one more answer per host instead of none.
		 */
		if (w->np > w->ntcp && wait_ms < UDP_LINGER_MS)
			wait_ms = UDP_LINGER_MS;
		end = start + wait_ms * 1000000ull;

		if (now >= end || results_count(w->s->res) >= w->total)
			break;
		sleep_ns(end - now > 5000000ull ? 5000000ull : end - now);
	}
}

static void flush(struct sweep *w, struct iovec *iov, unsigned n)
{
	unsigned done = 0;
	int tries = 0;

	if (w->o->dry_run)
		done = n;
	while (done < n && tries < 1000) {
		int r = pktio_send(w->io, iov + done, n - done);

		if (r < 0)
			break;
		done += (unsigned)r;
		if (done < n) {
			/* The socket queue is full: let the NIC drain it. */
			sleep_ns(20000);
			tries++;
		}
	}
	{
		uint64_t bytes = 0;

		/* One shared-counter update per batch, not per frame. */
		for (unsigned i = 0; i < done; i++)
			bytes += iov[i].iov_len;
		atomic_fetch_add_explicit(&w->sent, done, memory_order_relaxed);
		atomic_fetch_add_explicit(&w->bytes_sent, bytes,
					  memory_order_relaxed);
	}
}

/*
 * A resend is due one RTO after the copy before it (the send log says
 * when): a pass that starts without lingering (sweep_early_next()) waits here
 * for the few probes of the last pass's tail that are not due yet.
 * Returns the ns slept.
 */
static uint64_t wait_due(struct sweep *w, uint64_t x)
{
	uint64_t t, due, now;
	int p;

	if (!sweep_sent_at(w, x, &t, &p))
		return 0; /* long ago: the log holds the last 65536 only */
	due = t + rto_ms(&w->rto) * 1000000ull;
	now = now_ns();
	if (due <= now || stopped(w))
		return 0;
	sleep_ns(due - now);
	return due - now;
}

/* One lane's state through a pass: send_pass() and its helpers. */
struct lane_tx {
	struct sweep *w;
	int pass;
	unsigned lane, nlanes;
	struct iovec iov[BATCH];
	unsigned n; /* frames queued in iov */
	struct ratelimit rl;
	double rate;
	uint64_t burst, credit;
	/* Streaming pass 0: one budget with discovery (hostfeed.h). */
	struct hostfeed *shared;
	uint64_t mid, hsent[2], hint;
	/* Time spent in each half, less the resends' due waits (pace). */
	uint64_t t_half, spent[2], slept[2];
	int half;
	uint64_t tag; /* the pass, as the send log records it */
	uint32_t ipid;
};

static void lane_tx_init(struct lane_tx *t, struct sweep *w, int pass,
			 unsigned lane, unsigned nlanes)
{
	memset(t, 0, sizeof(*t));
	t->w = w;
	t->pass = pass;
	t->lane = lane;
	t->nlanes = nlanes;
	t->rate = w->half_rate[0];
	t->burst = t->rate >= 20000 ? BATCH : 1;
	t->mid = atomic_load(&w->mid);
	t->t_half = now_ns();
	t->shared = pass == 0 ? w->feed : NULL;
	t->tag = (uint64_t)(pass > 254 ? 254 : pass) << SENDLOG_PASS_SHIFT;
	if (getrandom(&t->ipid, sizeof(t->ipid), 0) != sizeof(t->ipid))
		t->ipid = (uint32_t)now_ns();
	/* Forgive up to 4 batches of oversleep; grant a batch at a time. */
	ratelimit_init(&t->rl, t->rate / nlanes, 4 * t->burst, now_ns());
}

static inline void lane_tx_flush(struct lane_tx *t)
{
	if (t->n) {
		flush(t->w, t->iov, t->n);
		t->n = 0;
	}
}

/*
 * Position x is past the targets placed so far. Streaming: the hosts
 * found up since come next, or wait. 0: the pass is over.
 */
static int lane_tx_more(struct lane_tx *t, uint64_t x)
{
	while (x >= atomic_load(&t->w->total)) {
		lane_tx_flush(t);
		if (!t->shared || !sweep_stream_more(t->w, stopped))
			return 0;
	}
	return 1;
}

/* The second half runs at its own rate (the pacing trial). */
static void lane_tx_second_half(struct lane_tx *t)
{
	struct sweep *w = t->w;
	uint64_t now = now_ns();

	t->spent[0] = now - t->t_half;
	t->t_half = now;
	t->half = 1;
	if (t->pass > 0)
		sweep_mid_decide(w, t->pass);
	if (w->half_rate[1] != t->rate) {
		t->rate = w->half_rate[1];
		t->credit = 0;
		ratelimit_init(&t->rl, t->rate / t->nlanes, 4 * t->burst, now);
	}
}

/*
 * Waits for the credit to send (a batch at a time above 20 kpps) before
 * position x. 0: stopped meanwhile.
 */
static int lane_tx_credit(struct lane_tx *t, uint64_t x)
{
	struct sweep *w = t->w;
	uint64_t wait = 0;

	while (t->credit == 0) {
		/* Waiting anyway: a slow scan's progress stays fresh. */
		if (t->lane == 0)
			atomic_store_explicit(&w->pos, x, memory_order_relaxed);
		/* Do not hold packets while waiting. */
		lane_tx_flush(t);
		t->credit = t->shared ? hostfeed_take(t->shared, now_ns(),
						      t->burst, &wait)
				      : ratelimit_take(&t->rl, now_ns(),
						       t->burst, &wait);
		if (t->credit)
			break;
		/*
		 * Sleep until a whole batch is due rather than spin per
		 * packet: the receive thread needs the other core.
		 */
		wait += (uint64_t)((double)(t->burst - 1) * 1e9 * t->nlanes /
				   t->rate);
		if (wait > 30000)
			sleep_ns(wait - 10000);
		if (stopped(w))
			return 0;
	}
	return 1;
}

/* Queues frame (len bytes, built for position x) and logs when it left. */
static inline void lane_tx_queue(struct lane_tx *t, uint64_t x, uint8_t *frame,
				 size_t len)
{
	struct sweep *w = t->w;
	struct sendlog_slot *sl;

	t->credit--;
	t->hsent[x >= t->mid]++;
	t->iov[t->n].iov_len = len;
	t->iov[t->n].iov_base = frame;
	/*
	 * Invalidate, write, publish: the receiver reads pos, t, pos and
	 * trusts t only if pos did not change. Release order is enough,
	 * not a full fence per probe.
	 */
	sl = &w->sendlog[x & ((1u << SENDLOG_BITS) - 1)];
	atomic_store_explicit(&sl->pos, 0, memory_order_relaxed);
	atomic_store_explicit(&sl->t, now_ns(), memory_order_release);
	atomic_store_explicit(&sl->pos, (x + 1) | t->tag, memory_order_release);
	if (++t->n == t->burst)
		lane_tx_flush(t);
}

/* Sends what is queued and adds the lane's counts to the pass's. */
static void lane_tx_finish(struct lane_tx *t)
{
	struct sweep *w = t->w;

	lane_tx_flush(t);
	t->spent[t->half] = now_ns() - t->t_half;
	for (int k = 0; k < 2; k++)
		atomic_fetch_add(&w->half_ns[k],
				 t->spent[k] > t->slept[k]
					 ? t->spent[k] - t->slept[k]
					 : 0);
	atomic_fetch_add(&w->half_sent[0], t->hsent[0]);
	atomic_fetch_add(&w->half_sent[1], t->hsent[1]);
	atomic_fetch_add(&w->pass_sent[pass_slot(t->pass)],
			 t->hsent[0] + t->hsent[1]);
	if (t->lane == 0)
		atomic_store(&w->pos, w->total);
}

/* Sends pass `pass`'s positions lane, lane + nlanes, ... at the rate. */
static void send_pass(struct sweep *w, int pass, unsigned lane, unsigned nlanes)
{
	static _Thread_local uint8_t frames[BATCH][CRAFT_MAX];
	struct lane_tx t;

	lane_tx_init(&t, w, pass, lane, nlanes);
	for (uint64_t x = lane;; x += nlanes) {
		uint64_t idx;
		size_t len;

		if (x >= atomic_load(&w->total) && !lane_tx_more(&t, x))
			break;
		if (x >= t.mid && !t.half)
			lane_tx_second_half(&t);
		if ((x & 255) < nlanes) {
			if (lane == 0)
				atomic_store(&w->pos, x);
			if (stopped(w))
				break;
		}
		idx = sweep_idx_at(w, x, &t.hint);
		if (pass > 0 && results_seen(w->s->res, idx))
			continue;
		if (pass > 0)
			t.slept[t.half] += wait_due(w, x);
		if (t.credit == 0 && !lane_tx_credit(&t, x))
			break;
		/* Random IP IDs: nothing ties the probes together. */
		t.ipid = t.ipid * 1103515245u + 12345u;
		/* The family's half (family.c) and the module's patch. */
		len = w->probe(w, idx % w->nt, idx / w->nt, frames[t.n],
			       (uint16_t)(t.ipid >> 16));
		if (len == 0)
			continue; /* skipped: its credit stays */
		lane_tx_queue(&t, x, frames[t.n], len);
	}
	lane_tx_finish(&t);
}

struct lane {
	struct sweep *w;
	int pass;
	unsigned id, n;
};

static void *lane_main(void *arg)
{
	struct lane *l = arg;

	send_pass(l->w, l->pass, l->id, l->n);
	return NULL;
}

/*
 * Sends one pass. Above 200 kpps two threads share it (even and odd
 * positions, half the rate each): on Linux the kernel's work for a frame
 * sent on a veth or a local bridge runs in the sender's context, and one
 * core tops out near 250 kpps here.
 */
static void run_pass(struct sweep *w, int pass)
{
	struct lane second = { w, pass, 1, 2 };
	pthread_t th;

	double rate = w->half_rate[0] > w->half_rate[1] ? w->half_rate[0]
							: w->half_rate[1];

	/* A resend pass may climb from its midpoint (pace_mid_trial). */
	if (pass > 0 && !w->pace.trial && pace_climb_rate(&w->pace) > rate)
		rate = pace_climb_rate(&w->pace);

	/* Streaming pass 0: one lane places the hosts as they come. */
	w->lanes = 1;
	if (rate < 200000 || w->total < 4096 || (w->feed && pass == 0) ||
	    pthread_create(&th, NULL, lane_main, &second) != 0) {
		send_pass(w, pass, 0, 1);
		return;
	}
	w->lanes = 2;
	send_pass(w, pass, 0, 2);
	pthread_join(th, NULL);
}

/* Starts pass `pass`: its number for both threads, its halves' rates. */
static void pass_begin(struct sweep *w, int pass)
{
	if (pass == 1)
		w->unresolved0 = atomic_load(&w->unresolved);
	if (pass > 0 && w->npend) {
		/* The answers of the next hops asked again: this pass
		 * reaches their targets. The warning counts the last pass. */
		sweep_late_resolve(w, 0);
		atomic_store(&w->unresolved, 0);
	}
	for (int k = 0; k < 2; k++) {
		w->half_rate[k] = pace_rate(&w->pace, k);
		atomic_store(&w->half_sent[k], 0);
		atomic_store(&w->half_drawn[k], 0);
		atomic_store(&w->half_ns[k], 0);
	}
	atomic_store(&w->mid_state, 0);
	/* Streaming pass 0 has no halves: its length is not known. */
	atomic_store(&w->mid, w->feed && pass == 0 ? UINT64_MAX : w->total / 2);
	w->send_pass = pass;
	atomic_store(&w->pass, pass);
	w->s->st.passes = pass + 1;
}

static void sweep_loop(struct sweep *w)
{
	const struct scan_opts *o = w->o;
	uint64_t t0 = now_ns();
	struct pass_counts pc;

	/* -sU's passes follow the targets' ICMP rate limit, not loss. */
	pace_init(&w->pace, o->rate, o->min_rate, o->max_rate,
		  w->np > w->ntcp ? o->rate : o->rate_climb);
	for (int pass = 0;; pass++) {
		uint64_t closed0 = atomic_load(&w->udp_closed);
		struct pass_halves h;

		pass_begin(w, pass);
		run_pass(w, pass);
		if (w->npend && !o->dry_run)
			sweep_late_resolve(
				w, 1); /* answers come while lingering */
		if (o->debug)
			fprintf(stderr, "pass %d: sent by %.3fs, %zu replies\n",
				pass, (now_ns() - w->s->st.start_ns) / 1e9,
				results_count(w->s->res));
		if (stopped(w))
			break;
		if (!sweep_early_next(w, pass))
			linger(w);
		else if (w->half_rate[0] != w->half_rate[1])
			sweep_trial_wait(w, stopped);
		sweep_collect(w, pass + 1, &pc);
		sweep_halves(w, &h);
		pace_after_pass(&w->pace, &h, pass_loss(&pc, pass));
		if (o->debug)
			sweep_debug_pass(w, pass, &pc, &h);
		if (o->verbose && pass >= 1 && !o->dry_run)
			sweep_say_pass(w, pass, &pc);
		if (stopped(w) || !sweep_want_more(w, pass, &pc, closed0, t0))
			break;
	}
}

/* ---- the run ------------------------------------------------------ */

/*
 * The run's modules: the TCP scan type's for the TCP slots (also with
 * none, so a -sU run's layout is the same), UDP for -sU; each template
 * built once for the run's family, with --scanflags' flags in place of
 * the TCP module's own.
 */
static int setup_modules(struct sweep *w, char *err, size_t errlen)
{
	const struct scan_opts *o = w->o;
	const int32_t *index[2] = { o->ports.proto[SVC_TCP].index,
				    o->ports.proto[SVC_UDP].index };
	void *ln = pktio_libnet(w->io);
	const struct route_hop *hop = &w->s->hop;

	w->mod[0] = synscan_tcp_module(o);
	w->mod[1] = &sweep_mod_udp;
	w->nmod = w->np > w->ntcp ? 2 : 1;
	w->mod_lo = w->ntcp == 0 && w->nmod == 2; /* -sU alone */
	for (int m = w->mod_lo; m < w->nmod; m++) {
		int rc = m == 0 && o->scanflags >= 0
				 ? sweep_flags_build(&w->tmpl[m], ln,
						     hop->if_mac, &hop->saddr,
						     (uint8_t)o->scanflags, err,
						     errlen)
				 : w->mod[m]->build(&w->tmpl[m], ln,
						    hop->if_mac, &hop->saddr,
						    err, errlen);

		if (rc < 0)
			return -1;
		w->ctx[m] = (struct sweep_ctx){
			.key = &w->key,
			.sport_base = w->sport_base,
			.sport_count = w->sport_count,
			.our = hop->saddr,
			.our4 = w->tmpl[m].saddr4,
			.index = index[m],
			.probe_flags = w->tmpl[m].tcp_flags,
			.pass = &w->pass,
		};
	}
	return 0;
}

/*
 * Next hops before the first probe: the sweep's own ARP / ND; or,
 * streaming, discovery's (its neighbour table is complete once the
 * feed says ready, and no host the sweep gets needs another). 0, or
 * -1 with err.
 */
static int prepare_nexthops(struct sweep *w, char *err, size_t errlen)
{
	const struct scan_opts *o = w->o;
	struct addr t0 = targets_at(o->targets, 0);

	if (w->feed) {
		while (!atomic_load(&w->feed->ready) && !stopped(w))
			sleep_ns(1000000);
		return 0;
	}
	if (sweep_has_route(w, &t0) < 0 && targets_count(o->targets) == 1) {
		char a[ADDR_STRLEN];

		addr_format(&t0, a);
		snprintf(err, errlen, "no route to %s via %s", a,
			 w->s->hop.ifname);
		return -1;
	}
	return sweep_resolve_nexthops(w, err, errlen);
}

/* The probe space: targets x slots (TCP ports, then UDP ones). */
static void init_space(struct sweep *w)
{
	const struct scan_opts *o = w->o;

	w->nt = targets_count(o->targets);
	w->ntcp = o->ports.proto[SVC_TCP].n;
	w->np = w->ntcp + (o->udp_scan ? o->ports.proto[SVC_UDP].n : 0);
	/* Streaming: nothing placed until discovery finds a host up. */
	w->feed = w->s->feed;
	w->total = w->feed ? 0 : w->nt * w->np;
	if (!w->feed)
		permute_init(&w->perm, w->total, o->seed);
	w->ports = xcalloc(w->np ? w->np : 1, sizeof(*w->ports));
	if (w->ntcp) /* -sU alone: the TCP list may be NULL */
		memcpy(w->ports, o->ports.proto[SVC_TCP].ports,
		       w->ntcp * sizeof(*w->ports));
	if (w->np > w->ntcp)
		memcpy(w->ports + w->ntcp, o->ports.proto[SVC_UDP].ports,
		       (w->np - w->ntcp) * sizeof(*w->ports));
	w->port_index = o->ports.proto[SVC_TCP].index;
	w->udp_index = o->ports.proto[SVC_UDP].index;
}

/* A sweep of s's group: its probe space, source ports, logs and RTO. */
static struct sweep *sweep_new(struct scan *s)
{
	const struct scan_opts *o = s->opt;
	struct sweep *w = xmalloc(sizeof(*w));

	w->s = s;
	w->o = o;
	init_space(w);
	w->sport_base = o->src_port > 0 ? (uint16_t)o->src_port
					: SYNSCAN_SPORT_BASE;
	w->sport_count = o->src_port > 0 ? 1 : SYNSCAN_SPORT_COUNT;
	w->sendlog = xcalloc(1u << SENDLOG_BITS, sizeof(*w->sendlog));
	w->pend = xcalloc(SWEEP_PEND_MAX, sizeof(*w->pend));
	pthread_mutex_init(&w->late_lock, NULL);
	rto_init(&w->rto, o->timing.init_rtt_ms, o->timing.min_rtt_ms,
		 o->timing.max_rtt_ms);
	return w;
}

/* Frees w and what it holds (the run's capture, w->io, stays). */
static void sweep_free(struct sweep *w)
{
	sweep_routes_free(w);
	sweep_stream_free(w);
	free(w->sendlog);
	free(w->pend);
	pthread_mutex_destroy(&w->late_lock);
	rto_destroy(&w->rto);
	free(w->ports);
	free(w);
}

/* The run's start, and the wall clock's offset from now_ns()'s. */
static void start_clocks(struct scan *s, struct sweep *w)
{
	struct timespec rt;

	s->st.start_ns = now_ns();
	s->st.start_wall = time(NULL);
	clock_gettime(CLOCK_REALTIME, &rt);
	w->wall_minus_mono = (uint64_t)rt.tv_sec * 1000000000ull +
			     (uint64_t)rt.tv_nsec - now_ns();
}

/*
 * Everything before the first probe but the receive thread: routes,
 * capture (w->io, its drop count so far in *drops0), modules, family,
 * next hops. 0, or -1 with err.
 */
static int sweep_prepare(struct sweep *w, uint64_t *drops0, char *err,
			 size_t errlen)
{
	struct scan *s = w->s;

	/* The route and the capture were set up once for the run. */
	s->hop = s->priv->hop;
	if (sweep_routes_load(w, err, errlen) < 0)
		return -1;
	if (pktio_resume(s->priv->sweep, err, errlen) < 0)
		return -1;
	w->io = s->priv->sweep;
	*drops0 = pktio_drops(w->io);
	if (setup_modules(w, err, errlen) < 0)
		return -1;
	sweep_pick_family(w);
	sweep_onepass_begin(w);
	if (!w->o->dry_run && prepare_nexthops(w, err, errlen) < 0)
		return -1;
	return 0;
}

/* The sweep's counters into the run's statistics, at its end. */
static void sweep_stats(struct scan *s, struct sweep *w)
{
	s->st.end_ns = now_ns();
	s->st.end_wall = time(NULL);
	s->st.interrupted = *s->stop != 0;
	s->st.sent = atomic_load(&w->sent);
	s->st.bytes_sent = atomic_load(&w->bytes_sent);
	s->st.recv = atomic_load(&w->recv);
	s->st.bytes_recv = atomic_load(&w->bytes_recv);
	s->st.valid = atomic_load(&w->valid);
	s->st.bogus = atomic_load(&w->bogus);
	s->st.noroute = atomic_load(&w->noroute);
	s->st.unresolved = atomic_load(&w->unresolved);
	sweep_collect(w, s->st.passes, &s->st.pc);
}

int synscan_run(struct scan *s, char *err, size_t errlen)
{
	const struct scan_opts *o = s->opt;
	struct sweep *w = sweep_new(s);
	pthread_t rx;
	uint64_t drops0 = 0;
	int rc = -1, rx_started = 0;

	if (cookie_key_random(&w->key) < 0) {
		snprintf(err, errlen, "getrandom: %s", strerror(errno));
		goto out;
	}
	start_clocks(s, w);
	if (sweep_prepare(w, &drops0, err, errlen) < 0)
		goto out;
	if (!o->dry_run) {
		if (pthread_create(&rx, NULL, sweep_rx_main, w) != 0) {
			snprintf(err, errlen, "cannot start receive thread");
			goto out;
		}
		rx_started = 1;
	}
	/* Streaming: pass 0's length is not known; every target's bounds it. */
	progress_task_set(synscan_task_name(o), &w->pos, w->nt * w->np);
	progress_start(&w->pos, &w->pass, w->nt * w->np, &w->sent, s->res);
	sweep_loop(w);
	progress_stop();
	progress_task_clear();
	rc = 0;
out:
	if (rx_started) {
		atomic_store(&w->rx_stop, 1);
		pthread_join(rx, NULL);
	}
	sweep_stats(s, w);
	if (w->io) {
		char perr[256];

		s->st.pcap_drops = pktio_drops(w->io) - drops0;
		/* Idle until the next group: nothing queues meanwhile. */
		if (pktio_pause(w->io, perr, sizeof(perr)) < 0 && rc == 0) {
			snprintf(err, errlen, "%s", perr);
			rc = -1;
		}
	}
	sweep_free(w);
	return rc;
}
