/* connscan.h -- many kernel TCP connects at once: -sT's engine. */
#ifndef FATHOM_CONNSCAN_H
#define FATHOM_CONNSCAN_H

#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "netstack/addr.h"

/*
 * Why this is not a sweep module (engine/sweep/module.h): a module
 * crafts frames and reads captured replies statelessly, its cookie in
 * the sequence number. A connect scan has neither: the kernel builds the
 * SYN, picks the source port and ISN, completes the handshake and says
 * what happened through connect()'s error, one socket per probe. So there
 * is no template to patch, no frame to classify and no cookie; the state
 * of each probe is a file descriptor, and it works without CAP_NET_RAW,
 * which is the point of it. What it shares with the sweep is the rest:
 * the seeded permutation, the rate limiter, the RTO estimate and the
 * passes that retry the silent (permute.h, ratelimit.h, rto.h).
 *
 * One engine serves the port scan (connect.c, -sT) and the unprivileged
 * host discovery (engine/disc/disc_connect.c, nmap's connect ping): the
 * caller says what probe (ti, pi) is and where its outcome goes.
 */

/* What one connect() ended with (connscan_outcome()). */
enum conn_outcome {
	CONN_TIMEOUT = 0,  /* no answer before the timeout: filtered */
	CONN_OPEN,         /* the handshake completed: syn-ack */
	CONN_REFUSED,      /* a RST: conn-refused */
	CONN_HOST_UNREACH, /* ICMP host unreachable (or EHOSTDOWN) */
	CONN_NET_UNREACH,  /* ICMP net unreachable, no route */
	CONN_PROHIBITED,   /* ICMP administratively prohibited (EACCES) */
	CONN_RETRY,        /* a local shortage (ports, descriptors): again */
};

/*
 * The outcome of a finished connect from its error (0: connected; the
 * errno of connect() or SO_ERROR), as nmap's connect scan reads it. A
 * pure function; unknown errors are CONN_TIMEOUT (filtered, as nmap
 * treats a connect it cannot read).
 */
int connscan_outcome(int err);

/*
 * nmap's port state and --reason for an outcome (enum port_state and
 * enum port_reason of engine/core/results.h): open syn-ack, closed
 * conn-refused, filtered no-response / host-unreach / net-unreach /
 * admin-prohibited.
 */
void connscan_state(int outcome, uint8_t *state, uint8_t *reason);

/* One run of connects: nt targets x np ports, and where results go. */
struct connscan_job {
	uint64_t nt, np;
	/* Probe (ti, pi)'s address and port. */
	struct addr (*target)(void *arg, uint64_t ti);
	uint16_t (*port)(void *arg, uint64_t pi);
	/* 1: do not (or no longer) probe it (answered, host known up). */
	int (*skip)(void *arg, uint64_t ti, uint64_t pi);
	/*
	 * An answer (outcome != CONN_TIMEOUT), rtt_us 0 when unknown. Never
	 * called for a probe that stays silent: its silence is the caller's
	 * default. Called from connscan_run()'s thread only.
	 */
	void (*result)(void *arg, uint64_t ti, uint64_t pi, int outcome,
		       uint32_t rtt_us);
	void *arg;
	const struct addr *src; /* bind() to it (-S), or NULL */
	double rate;            /* connects per second, > 0 */
	size_t parallelism;     /* sockets in flight at most, >= 1 */
	int max_retries;        /* retry passes at most */
	uint64_t init_rtt_ms, min_rtt_ms, max_rtt_ms;
	uint64_t seed;
	int sequential;       /* -r: no permutation */
	uint64_t deadline_ns; /* now_ns() past it: stop; 0 = none */
	volatile sig_atomic_t *stop;
	/* Progress, for the status line (may be NULL). */
	_Atomic uint64_t *pos;
	_Atomic int *pass;
	_Atomic uint64_t *sent;
	/*
	 * Threads to share the run (at most CONNSCAN_MAX_LANES; 0 or 1:
	 * one), each with its own sockets and share of the rate; result()
	 * and skip() are then called from all of them at once.
	 */
	int lanes;
};

#define CONNSCAN_MAX_LANES 4

struct connscan_stats {
	uint64_t sent;     /* connect() calls */
	uint64_t answered; /* results reported */
	uint64_t late;     /* answers read only at the timeout (soft ICMP) */
	size_t peak;       /* sockets in flight at once, at most */
	int passes;
	int timed_out; /* deadline_ns reached */
};

/*
 * Probes every (ti, pi) in a seeded permutation (j->lanes threads
 * sharing it on a large run), at most j->rate
 * connects a second and j->parallelism at once (the descriptor limit
 * lowers it), each given the RTO (rto.h, from these connects' RTTs) to
 * answer. The silent are retried in passes while a retry pass still
 * draws answers, at most j->max_retries. Open connections are closed
 * with a RST at once (SO_LINGER 0: no TIME_WAIT piles up); a socket
 * whose connect was refused or unreachable is reused for the next probe
 * (at most j->parallelism descriptors at once, all closed on return).
 * Returns 0
 * (also when stopped), or -1 with err (epoll failed).
 */
int connscan_run(const struct connscan_job *j, struct connscan_stats *st,
		 char *err, size_t errlen);

/*
 * The sockets a run may hold, from --max-parallelism (0: the -T
 * template's default) and RLIMIT_NOFILE (raised to its hard limit when
 * allowed), leaving room for the outputs and the -sV transport.
 */
size_t connscan_parallelism(int max_parallelism, int timing_level);

#endif
