/* rto.h -- the sweep's retransmission timeout: Karn, RFC 6298, bounded. */
#ifndef FATHOM_RTO_H
#define FATHOM_RTO_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

/*
 * How long a pass waits for its replies before the next pass resends
 * what is unanswered. Replies are timed from the send log; the estimate
 * obeys three rules:
 *
 * - Karn: a reply to a probe that was sent more than once is never a
 *   sample, since nothing says which copy it answers. Timing it from the
 *   latest copy makes it too short, from the first copy too long (the
 *   wait itself is counted), and under loss the second kind fed the
 *   variance until the timeout sat at --max-rtt-timeout.
 * - RFC 6298 smoothing of the samples that remain: SRTT, RTTVAR,
 *   RTO = SRTT + 4 RTTVAR (the first sample R gives SRTT R, RTTVAR R/2).
 * - Bounds from the samples themselves, kept in a log-scale histogram:
 *   never below the 90th percentile of clean RTTs (waiting less retries
 *   probes whose answers are still on the way) and never above
 *   RTO_CEIL_MULT times the 99th (a burst of odd samples cannot stretch
 *   every later wait). The user's --min-rtt-timeout and --max-rtt-timeout
 *   bound the result last; --initial-rtt-timeout applies until the
 *   first sample, as in nmap.
 *
 * A reply stamped before its probe's send time (a late answer to an
 * earlier copy, or reordering between the log and the capture) is no
 * sample either. Samples may come in any order: the histogram does not
 * care, and the EWMA is bounded by it. Times are passed in, so the
 * estimator is a pure function of its inputs (tests/unit/test_rto.c runs
 * it on a fake clock). One thread adds samples while another reads the
 * timeout: every call takes the struct's lock.
 */
#define RTO_CEIL_MULT 4
#define RTO_NBUCKETS 240 /* 8 per octave over 1 us .. 2^32 us */

struct rto {
	pthread_mutex_t lock;
	uint64_t init_us, min_us, max_us; /* the user's, or the template's */
	uint64_t srtt_us, rttvar_us;
	uint64_t n;     /* samples taken */
	uint64_t karn;  /* replies to retransmitted probes: not timed */
	uint64_t early; /* replies stamped before the send: not timed */
	uint64_t hist[RTO_NBUCKETS];
};

/* What -d prints about the estimate. */
struct rto_stats {
	uint64_t n, karn, early;
	uint64_t srtt_us, rttvar_us, p90_us, p99_us;
	uint64_t rto_ms;
};

/* Starts an estimate: --initial-, --min- and --max-rtt-timeout in ms. */
void rto_init(struct rto *r, uint64_t init_ms, uint64_t min_ms,
	      uint64_t max_ms);
void rto_destroy(struct rto *r);

/*
 * A reply received at recv_ns to a probe last sent at sent_ns (one
 * clock); retransmitted: it is not known to answer that copy (the probe
 * went out more than once and no port names the copy; the sweep's
 * rotated ports usually do, synscan.c). Returns 1 if it became a
 * sample, 0 if it was excluded (Karn, or recv <= sent).
 */
int rto_sample(struct rto *r, uint64_t sent_ns, uint64_t recv_ns,
	       int retransmitted);

/* The timeout now, in ms, within [min, max]. */
uint64_t rto_ms(struct rto *r);

void rto_get_stats(struct rto *r, struct rto_stats *st);

/* The same as one line for -d: "RTO 100 ms: 16384 samples, ...". */
void rto_describe(struct rto *r, char *buf, size_t len);

#endif
