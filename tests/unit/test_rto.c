/* test_rto.c -- the sweep's retransmission timeout, on a fake clock. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/sweep/rto.h"
#include "tests/unit/harness.h"

#define MS 1000000ull /* ns */
#define US 1000ull

static uint64_t rnd(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return *s >> 33;
}

/* A path's RTT: 2 ms plus up to 1 ms of jitter (p90 2.9 ms, p99 3 ms). */
static uint64_t path_rtt(uint64_t *seed)
{
	return 2 * MS + rnd(seed) % 1000 * US;
}

/* A reply in flight: to probe idx, arriving at recv. */
struct ev {
	uint64_t recv;
	size_t idx;
};

static int ev_cmp(const void *a, const void *b)
{
	const struct ev *x = a, *y = b;

	return x->recv < y->recv ? -1 : x->recv > y->recv;
}

/*
 * What synscan does, on a fake clock: pass p sends every unanswered
 * probe (one per 10 us) and waits the RTO, re-read while it waits; each
 * copy is lost with probability loss_pct% (either way), else answered
 * one path RTT later, plus up to `jitter` of queueing (replies then come
 * back out of send order). A reply is timed from the send log, which
 * holds the probe's latest copy and whether a retransmission sent it;
 * naive instead times every reply from the first copy, with no Karn (the
 * bug: the wait before the retransmission counts as RTT). Returns the
 * largest RTO any pass waited; *left counts probes never answered.
 */
static uint64_t sweep(struct rto *r, size_t n, unsigned loss_pct,
		      uint64_t jitter, int naive, uint64_t seed, size_t *left)
{
	uint64_t *first = calloc(n, sizeof(*first));
	uint64_t *last = calloc(n, sizeof(*last));
	int *retx = calloc(n, sizeof(*retx)), *done = calloc(n, sizeof(*done));
	struct ev *ev = calloc(n * 10, sizeof(*ev));
	size_t nev = 0, at = 0;
	uint64_t now = MS, worst = 0;

	*left = n;
	for (int pass = 0; pass < 10 && *left; pass++) {
		uint64_t end, wait;

		for (size_t i = 0; i < n; i++) {
			if (done[i])
				continue;
			now += 10 * US;
			if (!first[i])
				first[i] = now;
			last[i] = now;
			retx[i] = pass > 0;
			if (rnd(&seed) % 100 < loss_pct)
				continue;
			ev[nev].recv = now + path_rtt(&seed) +
				       (jitter ? rnd(&seed) % jitter : 0);
			ev[nev++].idx = i;
		}
		/* Arrival order: what the capture hands over. */
		qsort(ev + at, nev - at, sizeof(*ev), ev_cmp);
		/* The wait re-reads the RTO as each reply comes in. */
		for (;;) {
			size_t i;

			wait = rto_ms(r);
			end = now + wait * MS;
			if (at == nev || ev[at].recv > end)
				break;
			i = ev[at].idx;
			if (naive)
				rto_sample(r, first[i], ev[at].recv, 0);
			else
				rto_sample(r, last[i], ev[at].recv, retx[i]);
			at++;
			if (!done[i]) {
				done[i] = 1;
				(*left)--;
			}
		}
		if (wait > worst)
			worst = wait;
		now = end;
	}
	free(first);
	free(last);
	free(retx);
	free(done);
	free(ev);
	return worst;
}

int main(void)
{
	CASE("no sample yet: --initial-rtt-timeout, within min and max")
	{
		struct rto r;

		rto_init(&r, 1000, 100, 10000);
		CHECK_EQ_U(rto_ms(&r), 1000);
		rto_destroy(&r);
		rto_init(&r, 1000, 100, 300);
		CHECK_EQ_U(rto_ms(&r), 300);
		rto_destroy(&r);
	}

	CASE("clean samples: between their p90 and 4 x p99; -T3's floor")
	{
		struct rto r, t3;
		struct rto_stats st;
		uint64_t seed = 1, ms;

		rto_init(&r, 1000, 1, 10000);
		rto_init(&t3, 1000, 100, 10000);
		for (int i = 0; i < 10000; i++) {
			uint64_t sent = (uint64_t)(i + 1) * 10 * US, rtt;

			rtt = path_rtt(&seed);
			CHECK(rto_sample(&r, sent, sent + rtt, 0) == 1);
			rto_sample(&t3, sent, sent + rtt, 0);
		}
		rto_get_stats(&r, &st);
		ms = rto_ms(&r);
		CHECK_EQ_U(st.n, 10000);
		/* Percentiles err long, by at most one eighth of an octave. */
		CHECK(st.p90_us >= 2900 && st.p90_us <= 2900 * 9 / 8);
		CHECK(st.p99_us >= 2990 && st.p99_us <= 3000 * 9 / 8);
		CHECK(ms >= 3 && ms <= 4 * 4);
		CHECK_EQ_U(rto_ms(&t3), 100);
		rto_destroy(&r);
		rto_destroy(&t3);
	}

	CASE("Karn: a retransmitted probe's reply is never a sample")
	{
		struct rto r;
		struct rto_stats st;

		rto_init(&r, 1000, 1, 10000);
		CHECK(rto_sample(&r, 10 * MS, 10 * MS + 9 * 1000 * MS, 1) == 0);
		CHECK_EQ_U(rto_ms(&r), 1000); /* still no sample */
		for (int i = 0; i < 100; i++)
			rto_sample(&r, MS, 3 * MS, 0);
		CHECK_EQ_U(rto_ms(&r), 3);
		/* Ten seconds "measured" on retransmissions change nothing. */
		for (int i = 0; i < 1000; i++)
			CHECK(rto_sample(&r, MS, MS + 10000 * MS, 1) == 0);
		CHECK_EQ_U(rto_ms(&r), 3);
		rto_get_stats(&r, &st);
		CHECK_EQ_U(st.karn, 1001);
		CHECK_EQ_U(st.n, 100);
		rto_destroy(&r);
	}

	CASE("5% loss: the timeout stays the path's, not the wait's")
	{
		struct rto k, nv;
		size_t left;
		uint64_t wk, wn;

		rto_init(&k, 1000, 1, 10000);
		rto_init(&nv, 1000, 1, 10000);
		wk = sweep(&k, 20000, 5, 0, 0, 7, &left);
		CHECK_EQ_U(left, 0);
		wn = sweep(&nv, 20000, 5, 0, 1, 7, &left);
		/* No pass waited longer than the path's RTTs call for. */
		CHECK(wk >= 3 && wk <= 16);
		CHECK(rto_ms(&k) >= 3 && rto_ms(&k) <= 16);
		/*
		 * The old way, for contrast: each retransmission's reply
		 * timed from the first copy counts a pass and its wait as
		 * RTT, and the waits grow (here past 700 ms).
		 */
		CHECK(wn >= 50 * wk);
		rto_destroy(&k);
		rto_destroy(&nv);
	}

	CASE("20% loss, with -T3's bounds: 100 ms after the first sample")
	{
		struct rto k;
		struct rto_stats st;
		size_t left;

		rto_init(&k, 1000, 100, 10000);
		sweep(&k, 20000, 20, 0, 0, 11, &left);
		CHECK_EQ_U(left, 0);
		CHECK_EQ_U(rto_ms(&k), 100);
		rto_get_stats(&k, &st);
		CHECK(st.karn > 0 && st.p99_us <= 3000 * 9 / 8);
		rto_destroy(&k);
		rto_init(&k, 1000, 1, 10000);
		sweep(&k, 20000, 20, 0, 0, 13, &left);
		CHECK_EQ_U(left, 0);
		CHECK(rto_ms(&k) >= 3 && rto_ms(&k) <= 16);
		rto_destroy(&k);
	}

	CASE("reordering: replies out of send order give the same bounds")
	{
		struct rto k;
		struct rto_stats st;
		size_t left;

		rto_init(&k, 1000, 1, 10000);
		/* Up to 5 ms of queueing: replies overtake each other. */
		sweep(&k, 20000, 5, 5 * MS, 0, 17, &left);
		CHECK_EQ_U(left, 0);
		rto_get_stats(&k, &st);
		/* The RTTs are now 2-8 ms: the RTO covers most of them. */
		CHECK(rto_ms(&k) * 1000 >= st.p90_us);
		CHECK(rto_ms(&k) * 1000 <= 4 * st.p99_us + 1000);
		CHECK(st.p99_us >= 7500 && st.p99_us <= 8000 * 9 / 8);
		/* A reply stamped before its send answers an earlier copy. */
		CHECK(rto_sample(&k, 5 * MS, 4 * MS, 0) == 0);
		CHECK(rto_sample(&k, 5 * MS, 5 * MS, 0) == 0);
		rto_get_stats(&k, &st);
		CHECK_EQ_U(st.early, 2);
		rto_destroy(&k);
	}

	CASE("outliers: a few slow clean replies cannot stretch the timeout")
	{
		struct rto r;
		uint64_t seed = 3;

		rto_init(&r, 1000, 1, 10000);
		for (int i = 0; i < 10000; i++) {
			uint64_t rtt = path_rtt(&seed);

			/* 0.5%: a host that answers after 2 s. */
			if (i % 200 == 199)
				rtt = 2000 * MS;
			rto_sample(&r, MS, MS + rtt, 0);
		}
		CHECK(rto_ms(&r) <= 4 * 4);
		rto_destroy(&r);
	}

	CASE("the user's bounds win: --min-rtt-timeout, --max-rtt-timeout")
	{
		struct rto r;

		rto_init(&r, 1000, 50, 80);
		for (int i = 0; i < 100; i++)
			rto_sample(&r, MS, 3 * MS, 0);
		CHECK_EQ_U(rto_ms(&r), 50);
		for (int i = 0; i < 1000; i++)
			rto_sample(&r, MS, 500 * MS, 0);
		CHECK_EQ_U(rto_ms(&r), 80);
		rto_destroy(&r);
	}
	return DONE();
}
