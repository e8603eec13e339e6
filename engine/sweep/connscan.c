/* connscan.c -- many kernel TCP connects at once: epoll, the rate, passes. */
#include "config.h"

#include "engine/sweep/connscan.h"

#include <errno.h>
#include <pthread.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "engine/core/results.h"
#include "engine/sweep/permute.h"
#include "engine/sweep/ratelimit.h"
#include "engine/sweep/rto.h"
#include "netstack/base/util.h"

/* Descriptors kept back from the run: outputs, -iL, -sV's sockets. */
#define FD_RESERVE 128
#define MAX_EVENTS 256
/* How often in-flight sockets are checked against the RTO. */
#define EXPIRE_EVERY_NS 1000000ull

int connscan_outcome(int err)
{
	switch (err) {
	case 0:
		return CONN_OPEN;
	case ECONNREFUSED:
		return CONN_REFUSED;
	case EHOSTUNREACH:
	case EHOSTDOWN:
#ifdef ENONET
	case ENONET:
#endif
		return CONN_HOST_UNREACH;
	case ENETUNREACH:
	case ENETDOWN:
		return CONN_NET_UNREACH;
	case EACCES:
	case EPERM:
		return CONN_PROHIBITED;
	case EAGAIN:
	case EADDRNOTAVAIL:
	case EADDRINUSE:
	case EMFILE:
	case ENFILE:
	case ENOBUFS:
	case ENOMEM:
		return CONN_RETRY;
	default:
		return CONN_TIMEOUT; /* ETIMEDOUT and the unexplained */
	}
}

void connscan_state(int outcome, uint8_t *state, uint8_t *reason)
{
	static const struct {
		uint8_t state, reason;
	} map[] = {
		[CONN_TIMEOUT] = { PS_FILTERED, RS_NO_RESPONSE },
		[CONN_OPEN] = { PS_OPEN, RS_SYN_ACK },
		[CONN_REFUSED] = { PS_CLOSED, RS_CONN_REFUSED },
		[CONN_HOST_UNREACH] = { PS_FILTERED, RS_HOST_UNREACH },
		[CONN_NET_UNREACH] = { PS_FILTERED, RS_NET_UNREACH },
		[CONN_PROHIBITED] = { PS_FILTERED, RS_ADMIN_PROHIBITED },
		[CONN_RETRY] = { PS_FILTERED, RS_NO_RESPONSE },
	};

	if (outcome < 0 || outcome > CONN_RETRY)
		outcome = CONN_TIMEOUT;
	*state = map[outcome].state;
	*reason = map[outcome].reason;
}

size_t connscan_parallelism(int max_parallelism, int timing_level)
{
	/*
	 * -T0..-T2 space their probes out (--scan-delay): one at a time is
	 * what they mean. T3-T5 bound the filtered ports' cost: each socket
	 * waits one RTO for a SYN-ACK that never comes.
	 */
	static const size_t by_level[6] = { 1, 1, 1, 1024, 2048, 4096 };
	struct rlimit rl;
	size_t want = max_parallelism > 0
			      ? (size_t)max_parallelism
			      : by_level[timing_level >= 0 && timing_level <= 5
						 ? timing_level
						 : 3];

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		/* An ordinary user may raise the soft limit to the hard one. */
		if (rl.rlim_cur < rl.rlim_max &&
		    rl.rlim_cur < want + FD_RESERVE) {
			rl.rlim_cur = rl.rlim_max;
			setrlimit(RLIMIT_NOFILE, &rl);
			getrlimit(RLIMIT_NOFILE, &rl);
		}
		if (rl.rlim_cur != RLIM_INFINITY &&
		    want + FD_RESERVE > rl.rlim_cur)
			want = rl.rlim_cur > FD_RESERVE + 1
				       ? (size_t)rl.rlim_cur - FD_RESERVE
				       : 1;
	}
	return want ? want : 1;
}

/* ---- one run ---- */

/*
 * A slot: its socket outlives its probe. A refused connect leaves a TCP
 * socket that Linux lets connect() again, so a closed port costs two
 * connect() calls (start, reap) instead of socket, connect, epoll_ctl,
 * getsockopt and close; on a host that refuses 65,000 ports those
 * syscalls and the socket's allocation were most of -sT's CPU.
 */
struct conn {
	int fd;        /* -1: none yet (or closed: a fresh one next) */
	int busy;      /* a probe in flight on it */
	uint64_t idx;  /* ti + pi * nt */
	uint64_t sent; /* connect() time, ns */
	struct sockaddr_storage to; /* the probe's address, to reap it */
	socklen_t tolen;
	int family; /* fd's */
};

/*
 * One lane of a run: its own epoll, sockets and share of the rate, the
 * positions lane, lane + nlanes, ... of each pass. The permutation and
 * the RTO (locked) are the run's.
 */
struct cs {
	const struct connscan_job *j;
	struct connscan_stats st;
	const struct permute *perm;
	struct rto *rto;
	uint64_t lane, nlanes;
	int ep;
	struct conn *c;
	size_t cap, inflight;
	uint32_t *freel;
	size_t nfree;
	int pass;
	uint64_t total, last_expire;
};

static int stopped(struct cs *s)
{
	const struct connscan_job *j = s->j;

	if (j->stop && *j->stop)
		return 1;
	if (j->deadline_ns && now_ns() >= j->deadline_ns) {
		s->st.timed_out = 1;
		return 1;
	}
	return 0;
}

/* Reports an answer to the caller, and times the RTO with it. */
static void report(struct cs *s, uint64_t idx, int outcome, uint64_t sent,
		   uint64_t now)
{
	const struct connscan_job *j = s->j;
	uint64_t us = now > sent ? (now - sent) / 1000 : 0;

	/* The target's own answers time the RTO; Karn: not a retry's. */
	if (outcome == CONN_OPEN || outcome == CONN_REFUSED)
		rto_sample(s->rto, sent, now, s->pass > 0);
	s->st.answered++;
	j->result(j->arg, idx % j->nt, idx / j->nt, outcome,
		  us > UINT32_MAX ? UINT32_MAX : (uint32_t)us);
}

/*
 * An established connection goes with a RST (SO_LINGER 0), not a FIN:
 * no TIME_WAIT piles up over thousands of open ports. Set only here:
 * most sockets never connect, and a syscall per port is what -sT costs.
 */
static void close_rst(int fd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
}

/* Ends slot k's probe and closes its socket (a fresh one next time). */
static void release(struct cs *s, uint32_t k)
{
	close(s->c[k].fd);
	s->c[k].fd = -1;
	s->c[k].busy = 0;
	s->freel[s->nfree++] = k;
	s->inflight--;
}

/* Ends slot k's probe; its socket, reaped and unconnected, stays. */
static void recycle(struct cs *s, uint32_t k)
{
	s->c[k].busy = 0;
	s->freel[s->nfree++] = k;
	s->inflight--;
}

/* A socket bound like the run's others, non-blocking, RST on close. */
static int open_socket(const struct connscan_job *j, int family)
{
	int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (j->src) {
		struct sockaddr_storage ss;
		size_t n = addr_to_sockaddr(j->src, 0, (struct sockaddr *)&ss,
					    sizeof(ss));
#ifdef IP_BIND_ADDRESS_NO_PORT
		int one = 1;

		/* The port is picked at connect(), per 4-tuple: no shortage. */
		setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one,
			   sizeof(one));
#endif
		if (bind(fd, (struct sockaddr *)&ss, (socklen_t)n) < 0) {
			int e = errno;

			close(fd);
			errno = e;
			return -1;
		}
	}
	return fd;
}

/*
 * connect() on slot k to c->to: on its kept socket when it has one of
 * the family (already in epoll, edge-triggered, so the new handshake's
 * end is a new wakeup), else on a fresh one added to epoll after the
 * connect (its unconnected state then is no event). Returns 1 in
 * flight, 0 done at once (*e: 0 connected, or connect()'s errno), -1
 * when no socket could be had (*e: why).
 */
static int slot_connect(struct cs *s, uint32_t k, int *e)
{
	struct conn *c = &s->c[k];
	struct epoll_event ev = { .events = EPOLLOUT | EPOLLET, .data.u32 = k };

	if (c->fd >= 0 && c->family == c->to.ss_family) {
		if (connect(c->fd, (struct sockaddr *)&c->to, c->tolen) < 0 &&
		    errno == EINPROGRESS)
			return 1;
		/* Anything else on a reused socket: ask a fresh one. */
	}
	if (c->fd >= 0)
		close(c->fd);
	c->family = c->to.ss_family;
	c->fd = open_socket(s->j, c->family);
	if (c->fd < 0) {
		*e = errno;
		return -1;
	}
	if (connect(c->fd, (struct sockaddr *)&c->to, c->tolen) == 0) {
		*e = 0;
		return 0;
	}
	*e = errno;
	if (*e != EINPROGRESS)
		return 0;
	if (epoll_ctl(s->ep, EPOLL_CTL_ADD, c->fd, &ev) < 0) {
		*e = errno;
		close(c->fd);
		c->fd = -1;
		return -1;
	}
	return 1;
}

/*
 * Starts probe idx: an answer at once (loopback, no route) is reported
 * here. Returns 0, or CONN_RETRY when a local shortage stopped it.
 */
static int start(struct cs *s, uint64_t idx, uint64_t now)
{
	const struct connscan_job *j = s->j;
	struct addr a = j->target(j->arg, idx % j->nt);
	uint16_t port = j->port(j->arg, idx / j->nt);
	uint32_t k = s->freel[--s->nfree];
	struct conn *c = &s->c[k];
	int e = 0, outcome, rc;

	c->tolen = (socklen_t)addr_to_sockaddr(
		&a, port, (struct sockaddr *)&c->to, sizeof(c->to));
	rc = slot_connect(s, k, &e);
	if (rc < 0) {
		s->freel[s->nfree++] = k;
		return connscan_outcome(e) == CONN_RETRY ? CONN_RETRY : 0;
	}
	s->st.sent++;
	if (j->sent)
		atomic_fetch_add(j->sent, 1);
	if (rc == 0) {
		outcome = connscan_outcome(e);
		if (e == 0)
			close_rst(c->fd);
		else
			close(c->fd);
		c->fd = -1;
		s->freel[s->nfree++] = k;
		if (outcome == CONN_RETRY)
			return CONN_RETRY;
		if (outcome != CONN_TIMEOUT)
			report(s, idx, outcome, now, now_ns());
		return 0;
	}
	c->busy = 1;
	c->idx = idx;
	c->sent = now;
	s->inflight++;
	if (s->inflight > s->st.peak)
		s->st.peak = s->inflight;
	return 0;
}

/*
 * Reads slot k's handshake: connect() again to the same address says
 * how it ended (Linux: 0 once connected; the error once it failed, and
 * the socket is then disconnected, ready for the next probe; EALREADY
 * while it still waits). Returns 0 while it waits, else 1: reported
 * and the slot free.
 */
static int reap(struct cs *s, uint32_t k, uint64_t now)
{
	struct conn *c = &s->c[k];
	int e = 0, outcome;

	if (connect(c->fd, (struct sockaddr *)&c->to, c->tolen) < 0)
		e = errno;
	if (e == EALREADY || e == EINPROGRESS)
		return 0;
	if (e == EISCONN)
		e = 0;
	outcome = connscan_outcome(e);
	if (outcome != CONN_TIMEOUT && outcome != CONN_RETRY)
		report(s, c->idx, outcome, c->sent, now);
	if (outcome == CONN_OPEN) {
		close_rst(c->fd);
		c->fd = -1;
		recycle(s, k);
	} else if (outcome == CONN_TIMEOUT || outcome == CONN_RETRY) {
		release(s, k); /* an odd error: no reuse */
	} else {
		recycle(s, k);
	}
	return 1;
}

/*
 * A wakeup on slot k. One that came early (left queued by the socket's
 * previous probe) finds the handshake still waiting: the next one ends it.
 */
static void finish(struct cs *s, uint32_t k, uint64_t now)
{
	if (s->c[k].busy)
		reap(s, k, now);
}

/*
 * A socket silent for an RTO. Its answer may be there unread (a loaded
 * machine let the loop fall behind): that is taken, not retried. Else
 * Linux keeps an ICMP error that did not end a connect (IPv6 ones never
 * do in SYN-SENT) as the socket's soft error, and SO_ERROR returns it.
 * So an ICMPv6 admin-prohibited or port unreachable is read as nmap
 * reads it from its raw capture as root.
 */
static void give_up(struct cs *s, uint32_t k, uint64_t now)
{
	int e = 0, outcome;
	socklen_t len = sizeof(e);

	if (reap(s, k, now)) {
		s->st.late++;
		return;
	}
	if (getsockopt(s->c[k].fd, SOL_SOCKET, SO_ERROR, &e, &len) == 0 &&
	    e != 0) {
		s->st.late++;
		outcome = connscan_outcome(e);
		if (outcome != CONN_TIMEOUT && outcome != CONN_RETRY &&
		    outcome != CONN_OPEN)
			report(s, s->c[k].idx, outcome, s->c[k].sent, now);
	}
	release(s, k);
}

/* Gives up on sockets older than the RTO; returns ms to the next. */
static uint64_t expire(struct cs *s, uint64_t now, int all)
{
	uint64_t rto = rto_ms(s->rto) * 1000000ull, next = UINT64_MAX;

	for (uint32_t k = 0; k < s->cap; k++) {
		struct conn *c = &s->c[k];

		if (!c->busy)
			continue;
		if (all) {
			release(s, k);
			continue;
		}
		if (now > c->sent && now - c->sent >= rto) {
			give_up(s, k, now);
			continue;
		}
		if (c->sent + rto > now && c->sent + rto - now < next)
			next = c->sent + rto - now;
	}
	s->last_expire = now;
	return next == UINT64_MAX ? 10 : next / 1000000ull + 1;
}

static void drain(struct cs *s, int timeout_ms)
{
	struct epoll_event ev[MAX_EVENTS];
	int n = epoll_wait(s->ep, ev, MAX_EVENTS, timeout_ms);
	uint64_t now = now_ns();

	for (int i = 0; i < n; i++)
		finish(s, ev[i].data.u32, now);
}

/* Starts what the rate and the free sockets allow; returns wait in ms. */
static int fill(struct cs *s, struct ratelimit *rl, uint64_t *x,
		uint64_t *credit, uint64_t burst)
{
	const struct connscan_job *j = s->j;
	uint64_t wait = 0, now = now_ns();

	while (*x < s->total && s->nfree > 0) {
		uint64_t idx;

		if (*credit == 0) {
			*credit = ratelimit_take(rl, now, burst, &wait);
			if (*credit == 0)
				return (int)(wait / 1000000ull) + 1;
		}
		idx = j->sequential ? *x : permute_at(s->perm, *x);
		if (j->skip && j->skip(j->arg, idx % j->nt, idx / j->nt)) {
			*x += s->nlanes;
			continue;
		}
		if (start(s, idx, now_ns()) == CONN_RETRY) {
			/* Out of ports or descriptors: let sockets finish. */
			return s->inflight ? 1 : 10;
		}
		*x += s->nlanes;
		(*credit)--;
		if ((*x & 255) < s->nlanes) {
			if (j->pos && s->lane == 0)
				atomic_store(j->pos, *x);
			now = now_ns();
		}
	}
	return 10;
}

static void run_pass(struct cs *s)
{
	const struct connscan_job *j = s->j;
	struct ratelimit rl;
	double rate = j->rate / (double)s->nlanes;
	uint64_t x = s->lane, credit = 0;
	uint64_t burst = rate >= 2000 ? (uint64_t)(rate / 1000) : 1;

	ratelimit_init(&rl, rate, 4 * burst, now_ns());
	for (;;) {
		int wait_ms;
		uint64_t now, to;

		if (stopped(s))
			break;
		wait_ms = fill(s, &rl, &x, &credit, burst);
		if (j->pos && s->lane == 0)
			atomic_store(j->pos, x < s->total ? x : s->total);
		if (x >= s->total && s->inflight == 0)
			break;
		now = now_ns();
		to = now - s->last_expire >= EXPIRE_EVERY_NS ? expire(s, now, 0)
							     : 1;
		if (x >= s->total || s->nfree == 0 || (uint64_t)wait_ms > to)
			wait_ms = (int)(to < 10 ? to : 10);
		drain(s, s->inflight ? wait_ms : 0);
		if (s->inflight == 0 && wait_ms > 0 && x < s->total &&
		    s->nfree > 0) {
			struct timespec ts = { 0, (long)wait_ms * 1000000L };

			/* Nothing to wait on but the rate: sleep it out. */
			nanosleep(&ts, NULL);
		}
	}
	expire(s, now_ns(), 1);
}

/* A lane's sockets and epoll: 0, or -1 with err. */
static int lane_init(struct cs *s, const struct connscan_job *j,
		     const struct permute *perm, struct rto *rto, uint64_t lane,
		     uint64_t nlanes, char *err, size_t errlen)
{
	size_t par = j->parallelism ? j->parallelism : 1;

	memset(s, 0, sizeof(*s));
	s->j = j;
	s->perm = perm;
	s->rto = rto;
	s->lane = lane;
	s->nlanes = nlanes;
	s->total = j->nt * j->np;
	s->cap = par / nlanes ? par / nlanes : 1;
	s->ep = epoll_create1(EPOLL_CLOEXEC);
	if (s->ep < 0) {
		snprintf(err, errlen, "epoll_create1: %s", strerror(errno));
		return -1;
	}
	s->c = xcalloc(s->cap, sizeof(*s->c));
	s->freel = xcalloc(s->cap, sizeof(*s->freel));
	for (size_t k = 0; k < s->cap; k++) {
		s->c[k].fd = -1;
		s->freel[s->nfree++] = (uint32_t)(s->cap - 1 - k);
	}
	return 0;
}

static void lane_free(struct cs *s)
{
	if (s->ep > 0)
		close(s->ep);
	for (size_t k = 0; s->c && k < s->cap; k++)
		if (s->c[k].fd >= 0)
			close(s->c[k].fd);
	free(s->c);
	free(s->freel);
}

static void *lane_main(void *arg)
{
	run_pass(arg);
	return NULL;
}

/*
 * One pass over every lane: the others in threads, lane 0 here. The
 * kernel's work for a connect (the SYN, the peer's RST on a veth, the
 * socket's set-up and teardown) runs in the caller's context, so one
 * core is what one lane gets; two lanes use two.
 */
static void run_lanes(struct cs *l, uint64_t n, int pass)
{
	pthread_t th[CONNSCAN_MAX_LANES];
	int started[CONNSCAN_MAX_LANES] = { 0 };

	for (uint64_t i = 0; i < n; i++)
		l[i].pass = pass;
	for (uint64_t i = 1; i < n; i++)
		started[i] = pthread_create(&th[i], NULL, lane_main, &l[i]) ==
			     0;
	run_pass(&l[0]);
	for (uint64_t i = 1; i < n; i++) {
		if (started[i])
			pthread_join(th[i], NULL);
		else
			run_pass(&l[i]); /* no thread: this one does it */
	}
}

int connscan_run(const struct connscan_job *j, struct connscan_stats *st,
		 char *err, size_t errlen)
{
	struct cs l[CONNSCAN_MAX_LANES];
	struct permute perm;
	struct rto rto;
	uint64_t total = j->nt * j->np, n = 1, answered = 0;
	int rc = 0;

	memset(st, 0, sizeof(*st));
	if (total == 0)
		return 0;
	/* Lanes pay off on a large run only, and need sockets to share. */
	if (j->lanes > 1 && total >= 4096 && j->parallelism >= 64)
		n = j->lanes < CONNSCAN_MAX_LANES ? (uint64_t)j->lanes
						  : CONNSCAN_MAX_LANES;
	permute_init(&perm, total, j->seed);
	rto_init(&rto, j->init_rtt_ms, j->min_rtt_ms, j->max_rtt_ms);
	for (uint64_t i = 0; i < n; i++) {
		if (lane_init(&l[i], j, &perm, &rto, i, n, err, errlen) < 0) {
			for (uint64_t k = 0; k <= i; k++)
				lane_free(&l[k]);
			rto_destroy(&rto);
			return -1;
		}
	}
	/*
	 * The sweep's rule: retry the silent only while a retry pass still
	 * draws answers (loss seen), at most max_retries times; a filtered
	 * port then costs one retry, not ten.
	 */
	for (int pass = 0; pass <= j->max_retries; pass++) {
		uint64_t before = answered;
		int stop = 0;

		if (j->pass)
			atomic_store(j->pass, pass);
		st->passes = pass + 1;
		run_lanes(l, n, pass);
		answered = 0;
		for (uint64_t i = 0; i < n; i++) {
			answered += l[i].st.answered;
			stop |= stopped(&l[i]);
		}
		if (stop || answered >= total)
			break;
		if (pass >= 1 && answered == before)
			break;
	}
	for (uint64_t i = 0; i < n; i++) {
		st->sent += l[i].st.sent;
		st->answered += l[i].st.answered;
		st->late += l[i].st.late;
		st->peak += l[i].st.peak;
		st->timed_out |= l[i].st.timed_out;
		lane_free(&l[i]);
	}
	rto_destroy(&rto);
	return rc;
}
