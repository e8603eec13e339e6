/* rto.c -- the sweep's retransmission timeout: Karn, RFC 6298, bounded. */
#include "engine/sweep/rto.h"

#include <stdio.h>
#include <string.h>

/*
 * Bucket of an RTT in us: exact below 8, then 8 buckets per power of two
 * (12.5% wide), so a percentile is read to within an eighth of an octave
 * from 1.9 KB, whatever the number of samples.
 */
static unsigned bucket_of(uint64_t us)
{
	unsigned e;

	if (us > UINT32_MAX)
		us = UINT32_MAX;
	if (us < 8)
		return (unsigned)us;
	e = 63u - (unsigned)__builtin_clzll(us); /* 3..31 */
	return 8 * (e - 2) + (unsigned)((us >> (e - 3)) & 7);
}

/* The largest RTT of bucket b: percentiles err on the long side. */
static uint64_t bucket_top(unsigned b)
{
	unsigned e;

	if (b < 8)
		return b;
	e = b / 8 + 2;
	return ((uint64_t)(8 + b % 8 + 1) << (e - 3)) - 1;
}

/* The permille-th percentile of the samples (n > 0), lock held. */
static uint64_t percentile(const struct rto *r, unsigned permille)
{
	uint64_t rank = (r->n * permille + 999) / 1000, seen = 0;

	if (rank == 0)
		rank = 1;
	for (unsigned b = 0; b < RTO_NBUCKETS; b++) {
		seen += r->hist[b];
		if (seen >= rank)
			return bucket_top(b);
	}
	return bucket_top(RTO_NBUCKETS - 1);
}

void rto_init(struct rto *r, uint64_t init_ms, uint64_t min_ms, uint64_t max_ms)
{
	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->lock, NULL);
	r->init_us = init_ms * 1000;
	r->min_us = min_ms * 1000;
	r->max_us = max_ms * 1000;
}

void rto_destroy(struct rto *r)
{
	pthread_mutex_destroy(&r->lock);
}

int rto_sample(struct rto *r, uint64_t sent_ns, uint64_t recv_ns,
	       int retransmitted)
{
	uint64_t rtt;

	pthread_mutex_lock(&r->lock);
	if (retransmitted || sent_ns == 0 || recv_ns <= sent_ns) {
		if (retransmitted)
			r->karn++;
		else
			r->early++;
		pthread_mutex_unlock(&r->lock);
		return 0;
	}
	rtt = (recv_ns - sent_ns) / 1000;
	if (rtt > UINT32_MAX)
		rtt = UINT32_MAX;
	if (r->n++ == 0) {
		r->srtt_us = rtt;
		r->rttvar_us = rtt / 2;
	} else {
		uint64_t d = r->srtt_us > rtt ? r->srtt_us - rtt
					      : rtt - r->srtt_us;

		r->rttvar_us = (3 * r->rttvar_us + d) / 4;
		r->srtt_us = (7 * r->srtt_us + rtt) / 8;
	}
	r->hist[bucket_of(rtt)]++;
	pthread_mutex_unlock(&r->lock);
	return 1;
}

/* The timeout in us, lock held. */
static uint64_t rto_us_locked(const struct rto *r)
{
	uint64_t us, lo, hi;

	if (r->n == 0) {
		us = r->init_us;
	} else {
		us = r->srtt_us + 4 * r->rttvar_us;
		lo = percentile(r, 900);
		hi = RTO_CEIL_MULT * percentile(r, 990);
		if (hi < lo)
			hi = lo;
		us = us < lo ? lo : us > hi ? hi : us;
	}
	/* The user's bounds win over the samples'. */
	if (us < r->min_us)
		us = r->min_us;
	if (us > r->max_us)
		us = r->max_us;
	return us;
}

uint64_t rto_ms(struct rto *r)
{
	uint64_t us;

	pthread_mutex_lock(&r->lock);
	us = rto_us_locked(r);
	pthread_mutex_unlock(&r->lock);
	return (us + 999) / 1000;
}

void rto_get_stats(struct rto *r, struct rto_stats *st)
{
	pthread_mutex_lock(&r->lock);
	memset(st, 0, sizeof(*st));
	st->n = r->n;
	st->karn = r->karn;
	st->early = r->early;
	st->srtt_us = r->srtt_us;
	st->rttvar_us = r->rttvar_us;
	if (r->n) {
		st->p90_us = percentile(r, 900);
		st->p99_us = percentile(r, 990);
	}
	st->rto_ms = (rto_us_locked(r) + 999) / 1000;
	pthread_mutex_unlock(&r->lock);
}

void rto_describe(struct rto *r, char *buf, size_t len)
{
	struct rto_stats st;

	rto_get_stats(r, &st);
	snprintf(buf, len,
		 "RTO %llu ms: %llu samples, srtt %llu us, rttvar %llu us, "
		 "p90 %llu us, p99 %llu us; %llu retransmitted, not timed",
		 (unsigned long long)st.rto_ms, (unsigned long long)st.n,
		 (unsigned long long)st.srtt_us,
		 (unsigned long long)st.rttvar_us,
		 (unsigned long long)st.p90_us, (unsigned long long)st.p99_us,
		 (unsigned long long)st.karn);
}
