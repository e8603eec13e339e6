/* synscan.c -- the stateless sweep: send loop and passes (the receive thread is sweeprx.c, the streaming order stream.c). */
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
 * when): a pass that starts without lingering (early_next()) waits here
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

static void send_pass(struct sweep *w, int pass, unsigned lane, unsigned nlanes)
{
	static _Thread_local uint8_t frames[BATCH][CRAFT_MAX];
	struct iovec iov[BATCH];
	struct ratelimit rl;
	double rate = w->half_rate[0];
	uint64_t burst = rate >= 20000 ? BATCH : 1, x, credit = 0;
	uint64_t mid = atomic_load(&w->mid), hsent[2] = { 0, 0 }, hint = 0;
	/* Time spent in each half, less the resends' due waits (pace). */
	uint64_t t_half = now_ns(), spent[2] = { 0, 0 }, slept[2] = { 0, 0 };
	int half = 0;
	/* Streaming pass 0: one budget with discovery (hostfeed.h). */
	struct hostfeed *shared = pass == 0 ? w->feed : NULL;
	uint64_t tag = (uint64_t)(pass > 254 ? 254 : pass)
		       << SENDLOG_PASS_SHIFT;
	unsigned n = 0;
	uint32_t ipid;

	if (getrandom(&ipid, sizeof(ipid), 0) != sizeof(ipid))
		ipid = (uint32_t)now_ns();
	/* Forgive up to 4 batches of oversleep; grant a batch at a time. */
	ratelimit_init(&rl, rate / nlanes, 4 * burst, now_ns());
	for (x = lane;; x += nlanes) {
		uint64_t idx, wait = 0;
		size_t len;
		struct sendlog_slot *sl;

		/* Streaming: the hosts found up since come next, or wait. */
		while (x >= atomic_load(&w->total)) {
			if (n) {
				flush(w, iov, n);
				n = 0;
			}
			if (!shared || !sweep_stream_more(w, stopped))
				goto out;
		}
		/* The second half runs at its own rate (the pacing trial). */
		if (x >= mid && !half) {
			uint64_t t = now_ns();

			spent[0] = t - t_half;
			t_half = t;
			half = 1;
			if (pass > 0)
				sweep_mid_decide(w, pass);
			if (w->half_rate[1] != rate) {
				rate = w->half_rate[1];
				credit = 0;
				ratelimit_init(&rl, rate / nlanes, 4 * burst,
					       t);
			}
		}
		if ((x & 255) < nlanes) {
			if (lane == 0)
				atomic_store(&w->pos, x);
			if (stopped(w))
				break;
		}
		idx = sweep_idx_at(w, x, &hint);
		if (pass > 0 && results_seen(w->s->res, idx))
			continue;
		if (pass > 0)
			slept[half] += wait_due(w, x);
		while (credit == 0) {
			/* Waiting anyway: a slow scan's progress stays fresh. */
			if (lane == 0)
				atomic_store_explicit(&w->pos, x,
						      memory_order_relaxed);
			if (n) {
				/* Do not hold packets while waiting. */
				flush(w, iov, n);
				n = 0;
			}
			credit = shared ? hostfeed_take(shared, now_ns(), burst,
							&wait)
					: ratelimit_take(&rl, now_ns(), burst,
							 &wait);
			if (credit)
				break;
			/*
			 * Sleep until a whole batch is due rather than spin
			 * per packet: the receive thread needs the other core.
			 */
			wait += (uint64_t)((double)(burst - 1) * 1e9 * nlanes /
					   rate);
			if (wait > 30000)
				sleep_ns(wait - 10000);
			if (stopped(w))
				goto out;
		}
		/* Random IP IDs: nothing ties the probes together. */
		ipid = ipid * 1103515245u + 12345u;
		/* The family's half (family.c) and the module's patch. */
		len = w->probe(w, idx % w->nt, idx / w->nt, frames[n],
			       (uint16_t)(ipid >> 16));
		if (len == 0)
			continue; /* skipped: its credit stays */
		credit--;
		hsent[x >= mid]++;
		iov[n].iov_len = len;
		iov[n].iov_base = frames[n];
		/*
		 * Invalidate, write, publish: the receiver reads pos, t, pos
		 * and trusts t only if pos did not change. Release order is
		 * enough, not a full fence per probe.
		 */
		sl = &w->sendlog[x & ((1u << SENDLOG_BITS) - 1)];
		atomic_store_explicit(&sl->pos, 0, memory_order_relaxed);
		atomic_store_explicit(&sl->t, now_ns(), memory_order_release);
		atomic_store_explicit(&sl->pos, (x + 1) | tag,
				      memory_order_release);
		if (++n == burst) {
			flush(w, iov, n);
			n = 0;
		}
	}
out:
	if (n)
		flush(w, iov, n);
	spent[half] = now_ns() - t_half;
	for (int k = 0; k < 2; k++)
		atomic_fetch_add(&w->half_ns[k],
				 spent[k] > slept[k] ? spent[k] - slept[k] : 0);
	atomic_fetch_add(&w->half_sent[0], hsent[0]);
	atomic_fetch_add(&w->half_sent[1], hsent[1]);
	atomic_fetch_add(&w->pass_sent[pass_slot(pass)], hsent[0] + hsent[1]);
	if (lane == 0)
		atomic_store(&w->pos, w->total);
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

/*
 * -g only (every pass from one source port): how long after the first
 * probe an empty retransmission pass may end a lossy sweep. A peer whose
 * SYN-ACK was lost holds the half-open connection and ignores our
 * duplicate SYNs for 500 ms after each SYN-ACK (Linux:
 * net.ipv4.tcp_invalid_ratelimit); it answers again only with its own
 * retransmission, 1 s after the first (RFC 6298's initial RTO). With
 * fathom's own ports each pass is a new 4-tuple, answered at once.
 */
#define SWEEP_PEER_RETRY_NS 1200000000ull

/* This group's pass counts so far (passes.h), from the counters. */
static void collect(struct sweep *w, int npass, struct pass_counts *pc)
{
	memset(pc, 0, sizeof(*pc));
	pc->n = npass;
	/* Sent once at least: pass 0's, and those whose next hop
	 * answered only later (sweep_late_resolve). */
	pc->probes = atomic_load(&w->pass_sent[0]);
	if (npass > 1 && w->unresolved0 > atomic_load(&w->unresolved))
		pc->probes += w->unresolved0 - atomic_load(&w->unresolved);
	pc->answered = results_count(w->s->res);
	pc->open = atomic_load(&w->open);
	for (int k = 0; k < PASS_SLOTS; k++) {
		pc->sent[k] = atomic_load(&w->pass_sent[k]);
		pc->drawn[k] = atomic_load(&w->pass_drawn[k]);
	}
}

/* -d: what a pass drew, the estimate, and the pace of the next one. */
static void debug_pass(struct sweep *w, int pass, const struct pass_counts *pc,
		       const struct pass_halves *h)
{
	char why[256], est[256];

	rto_describe(&w->rto, why, sizeof(why));
	passes_describe(pc, est, sizeof(est));
	fprintf(stderr,
		"pass %d: waited until %.3fs (%s), %zu replies; sent %llu, "
		"drew %llu (halves %llu/%llu at %.0f pps, reached %.0f, "
		"%llu/%llu at %.0f pps, reached %.0f); next %.0f/%.0f pps "
		"(%d climbs, %d backoffs, %d recoveries)\n%s\n",
		pass, (now_ns() - w->s->st.start_ns) / 1e9, why,
		results_count(w->s->res),
		(unsigned long long)pc->sent[pass_slot(pass)],
		(unsigned long long)pc->drawn[pass_slot(pass)],
		(unsigned long long)h->drawn[0], (unsigned long long)h->sent[0],
		h->rate[0], h->reached[0], (unsigned long long)h->drawn[1],
		(unsigned long long)h->sent[1], h->rate[1], h->reached[1],
		pace_rate(&w->pace, 0), pace_rate(&w->pace, 1), w->pace.climbs,
		w->pace.backoffs, w->pace.recoveries, est);
}

/* -v: what a retransmission pass drew, through the run's screen. */
static void say_pass(struct sweep *w, int pass, const struct pass_counts *pc)
{
	char est[256], line[384];

	snprintf(line, sizeof(line),
		 "Sweep pass %d drew %llu new answers. "
		 "%s\n",
		 pass + 1, (unsigned long long)pc->drawn[pass_slot(pass)],
		 passes_describe(pc, est, sizeof(est)));
	progress_clear();
	if (w->s->screen) {
		w->s->screen(w->s->screen_arg, line);
	} else {
		fputs(line, stdout);
		fflush(stdout);
	}
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

/*
 * Whether to make pass `done` + 1: passes_more() (the estimate), else
 * for -sU while the last retransmission still drew port unreachables,
 * or when a next hop asked again has answered, else with -g the peers'
 * own retransmission after loss.
 */
static int want_more(struct sweep *w, int done, const struct pass_counts *pc,
		     uint64_t closed0, uint64_t t0)
{
	const struct scan_opts *o = w->o;
	uint64_t left = w->total - results_count(w->s->res);

	unsigned late;

	if (left == 0)
		return 0;
	if (passes_more(pc, done, o->max_retries, left))
		return 1;
	/* A next hop answered only now: its targets get their pass. */
	pthread_mutex_lock(&w->late_lock);
	late = w->nlate;
	pthread_mutex_unlock(&w->late_lock);
	if (late > 0 && done < o->max_retries)
		return 1;
	/*
	 * -sU: a target's ICMP rate limit (Linux: net.ipv4.icmp_ratelimit,
	 * one per second per peer after a burst of 6), not loss, holds the
	 * closed ports back; each such pass records at least one more
	 * result, so this ends, at about a second per closed port beyond
	 * the burst, as nmap's -sU does. --max-retries 0 sends once.
	 */
	if (w->np > w->ntcp && done >= 1 &&
	    atomic_load(&w->udp_closed) != closed0)
		return 1;
	return w->sport_count == 1 && w->ntcp && done >= 1 &&
	       done < o->max_retries && pc->drawn[pass_slot(1)] > 0 &&
	       now_ns() - t0 < SWEEP_PEER_RETRY_NS;
}

/*
 * Whether pass `done` + 1 may start at once, without the RTO's wait: the
 * counts so far already call for it (late replies only add to this
 * pass's draws, which keeps the answer yes), and TCP alone (-sU's passes
 * wait for the ICMP rate limit). Each resend still waits for its own due
 * time (wait_due). A pacing trial's halves get their replies first
 * (sweep_trial_wait).
 */
static int early_next(struct sweep *w, int done)
{
	struct pass_counts pc;

	if (done < 1 || w->np > w->ntcp)
		return 0;
	collect(w, done + 1, &pc);
	return passes_more(&pc, done, w->o->max_retries,
			   w->total - results_count(w->s->res));
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
		if (!early_next(w, pass))
			linger(w);
		else if (w->half_rate[0] != w->half_rate[1])
			sweep_trial_wait(w, stopped);
		collect(w, pass + 1, &pc);
		sweep_halves(w, &h);
		pace_after_pass(&w->pace, &h, pass_loss(&pc, pass));
		if (o->debug)
			debug_pass(w, pass, &pc, &h);
		if (o->verbose && pass >= 1 && !o->dry_run)
			say_pass(w, pass, &pc);
		if (stopped(w) || !want_more(w, pass, &pc, closed0, t0))
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

int synscan_run(struct scan *s, char *err, size_t errlen)
{
	const struct scan_opts *o = s->opt;
	struct sweep *w = xmalloc(sizeof(*w));
	pthread_t rx;
	uint64_t drops0 = 0;
	int rc = -1, rx_started = 0;

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
	if (cookie_key_random(&w->key) < 0) {
		snprintf(err, errlen, "getrandom: %s", strerror(errno));
		goto out;
	}

	s->st.start_ns = now_ns();
	s->st.start_wall = time(NULL);
	{
		struct timespec rt;

		clock_gettime(CLOCK_REALTIME, &rt);
		w->wall_minus_mono = (uint64_t)rt.tv_sec * 1000000000ull +
				     (uint64_t)rt.tv_nsec - now_ns();
	}
	/* The route and the capture were set up once for the run. */
	s->hop = s->priv->hop;
	if (sweep_routes_load(w, err, errlen) < 0)
		goto out;
	if (pktio_resume(s->priv->sweep, err, errlen) < 0)
		goto out;
	w->io = s->priv->sweep;
	drops0 = pktio_drops(w->io);
	if (setup_modules(w, err, errlen) < 0)
		goto out;
	sweep_pick_family(w);
	sweep_onepass_begin(w);
	if (!o->dry_run) {
		if (prepare_nexthops(w, err, errlen) < 0)
			goto out;
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
	collect(w, s->st.passes, &s->st.pc);
	if (w->io) {
		char perr[256];

		s->st.pcap_drops = pktio_drops(w->io) - drops0;
		/* Idle until the next group: nothing queues meanwhile. */
		if (pktio_pause(w->io, perr, sizeof(perr)) < 0 && rc == 0) {
			snprintf(err, errlen, "%s", perr);
			rc = -1;
		}
	}
	sweep_routes_free(w);
	sweep_stream_free(w);
	free(w->sendlog);
	free(w->pend);
	pthread_mutex_destroy(&w->late_lock);
	rto_destroy(&w->rto);
	free(w->ports);
	free(w);
	return rc;
}
