/* test_passes.c -- the sweep's pass logic, pacing and completeness. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/sweep/passes.h"
#include "tests/unit/harness.h"

static double unit(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return (double)(*s >> 11) / 9007199254740992.0;
}

/*
 * A loss model: the chance that one copy sent at `rate` gets no answer
 * (probe or reply lost). Random loss ignores the rate; a congested path
 * drops what goes above its capacity.
 */
struct path {
	double oneway;   /* random loss each way */
	double capacity; /* packets/s it carries; 0 = unlimited */
};

static double p_lost(const struct path *pa, double rate)
{
	double keep = (1 - pa->oneway) * (1 - pa->oneway);

	if (pa->capacity > 0 && rate > pa->capacity)
		keep *= pa->capacity / rate;
	return 1 - keep;
}

/*
 * What synscan does with the pass logic: n probes, the first `live` of
 * them answered when neither copy nor answer is lost, the others silent
 * (a dead address, a filtered port). Each pass resends the unanswered in
 * random order, its first half at pace_rate(0); at its midpoint a resend
 * pass may start a climbing trial (pace_mid_trial(), from the first
 * half's draw); its second half at pace_rate(1). Returns the passes
 * made; *found the live probes answered; *pc the counts.
 */
static int sweep(size_t n, size_t live, const struct path *pa, int max_retries,
		 struct pace *pace, uint64_t seed, size_t *found,
		 struct pass_counts *pc)
{
	char *done = calloc(n, 1), *side = calloc(n, 1);
	int pass;

	memset(pc, 0, sizeof(*pc));
	pc->probes = n;
	*found = 0;
	for (pass = 0;; pass++) {
		struct pass_halves h = { 0 };

		pc->n = pass + 1;
		/* The permutation puts any probe in either half. */
		for (size_t i = 0; i < n; i++)
			side[i] = unit(&seed) < 0.5;
		for (int half = 0; half < 2; half++) {
			if (half && pass > 0)
				pace_mid_trial(pace, h.drawn[0],
					       pc->drawn[pass_slot(pass - 1)]);
			h.rate[half] = pace_rate(pace, half);
			for (size_t i = 0; i < n; i++) {
				if (done[i] || side[i] != half)
					continue;
				h.sent[half]++;
				pc->sent[pass_slot(pass)]++;
				if (i >= live ||
				    unit(&seed) < p_lost(pa, h.rate[half]))
					continue;
				done[i] = 1;
				h.drawn[half]++;
				pc->drawn[pass_slot(pass)]++;
				pc->answered++;
				pc->open++;
				(*found)++;
			}
		}
		pace_after_pass(pace, &h, pass_loss(pc, pass));
		if (!passes_more(pc, pass, max_retries, n - pc->answered))
			break;
	}
	free(done);
	free(side);
	return pass + 1;
}

int main(void)
{
	CASE("no loss: one retry, then done; complete, loss 0")
	{
		struct path pa = { 0, 0 };
		struct pace p;
		struct pass_counts pc;
		struct completeness c;
		size_t found;
		char line[256];

		pace_init(&p, 150000, 0, 0, 400000);
		CHECK_EQ_U(sweep(65536, 16384, &pa, 10, &p, 1, &found, &pc), 2);
		CHECK_EQ_U(found, 16384);
		passes_estimate(&pc, &c);
		CHECK(c.known && c.miss == 0 && c.missed == 0);
		CHECK(c.complete == 1);
		passes_describe(&pc, line, sizeof(line));
		CHECK(strstr(line, "100.00% of 65536 probes") != NULL);
		CHECK(strstr(line, "loss 0.0% each way") != NULL);
		CHECK(strstr(line, "open ports < 0.1") != NULL);
		/* Nothing lost: no trial, no climb (-T3 stays at 150k). */
		CHECK(p.rate == 150000 && p.backoffs == 0 && p.climbs == 0);
	}

	CASE("5% each way: >= 99.9% found; loss and misses estimated")
	{
		struct path pa = { 0.05, 0 };
		struct pace p;
		struct pass_counts pc;
		struct completeness c;
		size_t found;
		int n;

		pace_init(&p, 150000, 0, 0, 0);
		n = sweep(65536, 16384, &pa, 10, &p, 2, &found, &pc);
		CHECK(found >= 16368);
		passes_estimate(&pc, &c);
		CHECK(c.known);
		/* Round trip 9.75%, each way 5%. */
		CHECK(fabs(c.miss - 0.0975) < 0.01);
		CHECK(fabs(c.loss_oneway - 0.05) < 0.006);
		/* Stops once missing more than 16 (one in a thousand) has
		 * under a 2% chance, not after max_retries, nor at 0.02
		 * expected misses (6 passes): 16384 r^3 = 15, r^4 = 1.5. */
		CHECK(passes_miss_chance(c.missed, pc.answered) <
		      PASSES_MISS_CHANCE);
		CHECK(c.missed > 0.2 && c.missed < 9.7);
		CHECK_EQ_U(n, 4);
		/* No climb allowed, no backoff: the rate is not the cause. */
		CHECK(p.rate == 150000 && p.backoffs == 0 && p.climbs == 0);
	}

	CASE("-T3 at 5% each way: a trial shows the loss is the path's, resends climb")
	{
		struct path pa = { 0.05, 0 };
		struct pace p;
		struct pass_counts pc;
		size_t found, fsum = 0;

		for (uint64_t seed = 1; seed <= 5; seed++) {
			pace_init(&p, 150000, 0, 0, 400000);
			CHECK_EQ_U(sweep(65536, 16384, &pa, 10, &p, seed,
					 &found, &pc),
				   4);
			CHECK(found >= 16368);
			fsum += found;
			/* Pass 1's second half at 300k drew as well as its
			 * first at 150k (about 1450 answers); pass 2's
			 * midpoint has too few (about 140 expected, 1024
			 * needed) for the step to 400k. */
			CHECK(p.climbs == 1 && p.rate == 300000);
			CHECK(p.backoffs == 0);
		}
		printf("# 5%%, 5 sweeps: %zu of %d found\n", fsum, 5 * 16384);
	}

	CASE("20% each way, -T3: >= 99.9% found; resends climb to -T4's rate")
	{
		struct path pa = { 0.20, 0 };
		struct pace p;
		struct pass_counts pc;
		struct completeness c;
		size_t found, fsum = 0;

		for (uint64_t seed = 1; seed <= 5; seed++) {
			int n;

			pace_init(&p, 150000, 0, 0, 400000);
			n = sweep(65536, 16384, &pa, 10, &p, seed, &found, &pc);
			CHECK(found >= 16368);
			fsum += found;
			/* 16384 x 0.36^n under 9.6: 8 passes, not 11. */
			CHECK(n >= 7 && n <= 9);
			/* Two trials, 150k|300k in pass 1 and 300k|400k in
			 * pass 2, found the rate innocent: it climbed and
			 * stayed. */
			CHECK(p.backoffs == 0 && p.climbs == 2);
			CHECK(p.rate == 400000);
		}
		printf("# 20%%, 5 sweeps: %zu of %d found\n", fsum, 5 * 16384);
		CHECK(fsum >= 5 * 16372);
		passes_estimate(&pc, &c);
		CHECK(fabs(c.loss_oneway - 0.20) < 0.02);
		/* What was missed, the estimate saw coming. */
		CHECK(c.missed < 10);
	}

	CASE("a small sweep, every probe answered (truth.tsv's 324): none missed")
	{
		/* 3 hosts x 108 ports, each port open or closed, so every
		 * probe is live: a goal of half an answer stopped at 324 r^3
		 * = 0.3 expected misses at 5%, one sweep in four missing a
		 * port. The goal's 0.02 leaves about one sweep in fifty. */
		static const double loss[] = { 0.05, 0.20 };

		for (int l = 0; l < 2; l++) {
			struct path pa = { loss[l], 0 };
			struct pace p;
			struct pass_counts pc;
			size_t found;
			int bad = 0;

			for (uint64_t seed = 1; seed <= 200; seed++) {
				pace_init(&p, 150000, 0, 0, 400000);
				sweep(324, 324, &pa, 10, &p, seed, &found, &pc);
				bad += found < 324;
			}
			printf("# %.0f%% each way: %d of 200 sweeps missed an answer\n",
			       100 * loss[l], bad);
			CHECK(bad <= 8);
		}
	}

	CASE("-T4's 6 retries at 20%: the estimate says what is left")
	{
		struct path pa = { 0.20, 0 };
		struct pace p;
		struct pass_counts pc;
		struct completeness c;
		size_t found;

		pace_init(&p, 400000, 0, 0, 400000);
		CHECK_EQ_U(sweep(65536, 16384, &pa, 6, &p, 9, &found, &pc), 7);
		passes_estimate(&pc, &c);
		/* 16384 x 0.36^7 = 12.8 expected missed. */
		CHECK(c.missed > 4 && c.missed < 30);
		CHECK(fabs((double)(16384 - found) - c.missed) < 15);
		CHECK(c.complete < 1 && c.complete > 0.999);
	}

	CASE("filtered host: one retry costs, then silence is settled")
	{
		struct path pa = { 0, 0 };
		struct pace p;
		struct pass_counts pc;
		size_t found;

		pace_init(&p, 150000, 0, 0, 400000);
		CHECK_EQ_U(sweep(65535, 3, &pa, 10, &p, 3, &found, &pc), 2);
		CHECK_EQ_U(found, 3);
		CHECK_EQ_U(pc.sent[1], 65532);
	}

	CASE("--max-retries 0: one pass, loss not measured")
	{
		struct path pa = { 0.05, 0 };
		struct pace p;
		struct pass_counts pc;
		struct completeness c;
		size_t found;
		char line[256];

		pace_init(&p, 150000, 0, 0, 400000);
		CHECK_EQ_U(sweep(1000, 500, &pa, 0, &p, 4, &found, &pc), 1);
		passes_estimate(&pc, &c);
		CHECK(!c.known);
		passes_describe(&pc, line, sizeof(line));
		CHECK(strstr(line, "loss not measured") != NULL);
	}

	CASE("congestion: the rate backs off to what the path carries")
	{
		/* 300 kpps sent into a path that carries 60 kpps. */
		struct path pa = { 0, 60000 };
		struct pace p;
		struct pass_counts pc;
		size_t found;

		pace_init(&p, 300000, 0, 0, 0);
		sweep(65536, 16384, &pa, 10, &p, 11, &found, &pc);
		CHECK(p.backoffs >= 2);
		CHECK(p.rate <= 120000 && p.rate >= 300000 / 32.0);
		CHECK(found >= 16368);
	}

	CASE("--min-rate is a floor for every backoff")
	{
		struct path pa = { 0, 1000 };
		struct pace p;
		struct pass_counts pc;
		size_t found;

		pace_init(&p, 300000, 100000, 0, 0);
		sweep(65536, 16384, &pa, 10, &p, 6, &found, &pc);
		CHECK(p.rate >= 100000 && pace_rate(&p, 1) >= 100000);
	}

	CASE("recovery: after a clean pass the rate climbs back, capped")
	{
		struct pace p;
		struct pass_halves h = {
			{ 1000, 1000 }, { 100, 100 }, { 0 }, { 0 }
		};

		pace_init(&p, 100000, 0, 200000, 0);
		p.rate = 25000; /* as after two backoffs */
		pace_after_pass(&p, &h, 0.0);
		CHECK(p.rate == 31250); /* a quarter more */
		for (int i = 0; i < 20; i++)
			pace_after_pass(&p, &h, 0.0);
		CHECK(p.rate == 200000); /* --max-rate */
		CHECK(p.recoveries == 10);
	}

	CASE("a trial with too few answers is neither concluded nor repeated")
	{
		struct pace p;
		struct pass_halves big = {
			{ 500, 500 }, { 100, 100 }, { 0 }, { 0 }
		};
		struct pass_halves few = { { 50, 50 }, { 1, 5 }, { 0 }, { 0 } };

		pace_init(&p, 100000, 0, 0, 0);
		pace_after_pass(&p, &big, 0.3); /* 60 answers expected next */
		CHECK(p.trial && pace_rate(&p, 1) == 50000);
		pace_after_pass(&p, &few, 0.3);
		CHECK(!p.trial && p.rate == 100000 && p.backoffs == 0);
		CHECK(pace_rate(&p, 1) == 100000);
	}

	CASE("no trial when the next pass cannot draw enough to conclude")
	{
		struct pace p;
		/* 151 answers at 11% loss: about 17 next, under 20. */
		struct pass_halves h = {
			{ 25000, 25000 }, { 80, 71 }, { 0 }, { 0 }
		};

		pace_init(&p, 150000, 0, 0, 400000);
		pace_after_pass(&p, &h, 0.11);
		CHECK(!p.trial && pace_rate(&p, 1) == 150000);
	}

	CASE("-T3 on a path that carries 200 kpps: the climb is refused")
	{
		/* 5% each way, and the path drops what goes above 200k. */
		struct path pa = { 0.05, 200000 };
		struct pace p;
		struct pass_counts pc;
		size_t found;

		for (uint64_t seed = 1; seed <= 5; seed++) {
			pace_init(&p, 150000, 0, 0, 400000);
			sweep(65536, 16384, &pa, 10, &p, seed, &found, &pc);
			/* 300k's half lost a third more: no climb, and no
			 * further trial asks for it again. */
			CHECK(p.climbs == 0 && p.rate == 150000);
			CHECK(p.climb == 150000);
			CHECK(found >= 16368);
		}
	}

	CASE("--max-rate caps the climb")
	{
		struct path pa = { 0.20, 0 };
		struct pace p;
		struct pass_counts pc;
		size_t found;

		pace_init(&p, 150000, 0, 200000, 400000);
		CHECK(p.climb == 200000);
		sweep(65536, 16384, &pa, 10, &p, 7, &found, &pc);
		CHECK(p.rate == 200000 && p.climbs == 1);
		CHECK(pace_rate(&p, 0) <= 200000 && pace_rate(&p, 1) <= 200000);
	}

	CASE("a climb stops at what the machine reached")
	{
		struct pace p;
		/* 300k asked of the second half, 220k reached. */
		struct pass_halves h = { { 25000, 25000 },
					 { 300, 300 },
					 { 150000, 300000 },
					 { 150000, 220000 } };

		pace_init(&p, 150000, 0, 0, 400000);
		CHECK(pace_mid_trial(&p, 300, 3000));
		CHECK(pace_rate(&p, 1) == 300000);
		pace_after_pass(&p, &h, 0.36);
		CHECK(p.rate == 220000 && p.climb == 220000);
		/* No further climbing trial: the machine is the limit. */
		CHECK(!pace_mid_trial(&p, 5000, 3000));
		CHECK(pace_rate(&p, 1) == 220000);
	}

	CASE("the midpoint climbs only with loss and answers enough")
	{
		struct pace p;

		pace_init(&p, 150000, 0, 0, 400000);
		/* Lossless: nothing drawn, pass 1 stays at 150k. */
		CHECK(!pace_mid_trial(&p, 0, 16384));
		/* 1% of the last draw: too clean to say. */
		CHECK(!pace_mid_trial(&p, 80, 16384));
		/* 2 x 127 expected: under the 256 a doubling needs. */
		CHECK(!pace_mid_trial(&p, 127, 3000));
		CHECK(p.trial == 0 && pace_rate(&p, 1) == 150000);
		CHECK(pace_mid_trial(&p, 128, 3000));
		CHECK(pace_rate(&p, 0) == 150000 && pace_rate(&p, 1) == 300000);
		/* --max-rate 150k (climb limit = rate): never. */
		pace_init(&p, 150000, 0, 150000, 400000);
		CHECK(!pace_mid_trial(&p, 5000, 16384));
	}

	CASE("loss grown by half after a climb: backoff trial, then no more climbing")
	{
		struct pace p;
		struct pass_halves even = { { 25000, 25000 },
					    { 300, 300 },
					    { 150000, 300000 },
					    { 0 } };
		struct pass_halves plain = { { 25000, 25000 },
					     { 300, 300 },
					     { 300000, 300000 },
					     { 0 } };
		/* At 300k|150k: the slow half draws twice as much. */
		struct pass_halves cong = { { 25000, 25000 },
					    { 100, 200 },
					    { 300000, 150000 },
					    { 0 } };

		pace_init(&p, 150000, 0, 0, 400000);
		CHECK(pace_mid_trial(&p, 300, 3000));
		pace_after_pass(&p, &even, 0.36);
		CHECK(p.rate == 300000 && p.climbs == 1 && p.settled);
		CHECK(p.trial == 0);
		/* The next step, 300k -> 400k, needs 1024 answers. */
		CHECK(!pace_mid_trial(&p, 511, 3000));
		/* The loss grew from 36% to 60%: our new rate first. */
		pace_after_pass(&p, &plain, 0.60);
		CHECK(p.trial == -1 && pace_rate(&p, 1) == 150000);
		CHECK(!pace_mid_trial(&p, 5000, 3000)); /* one trial a pass */
		pace_after_pass(&p, &cong, 0.60);
		CHECK(p.rate == 150000 && p.backoffs == 1);
		CHECK(p.climb == 150000 && p.trial == 0);
		/* Whatever the draws now, no climbing trial. */
		CHECK(!pace_mid_trial(&p, 5000, 3000));
	}

	CASE("the stop rule: the chance of missing more than one answer in 1000")
	{
		/* Under 1000 answers, none may be missed: 0.02 expected
		 * misses are a 2% chance. */
		CHECK(fabs(passes_miss_chance(0.02, 324) - 0.0198) < 0.0001);
		CHECK(passes_miss_chance(0.0203, 999) >= PASSES_MISS_CHANCE);
		/* 16384 answers may miss 16: 9.6 expected misses is the
		 * limit. */
		CHECK(passes_miss_chance(9.5, 16384) < PASSES_MISS_CHANCE);
		CHECK(passes_miss_chance(9.8, 16384) >= PASSES_MISS_CHANCE);
		CHECK(passes_miss_chance(0, 16384) == 0);
		/* A million answers: 1000 allowed, mean 900 is 3.3 sd under
		 * it, mean 1100 3 sd over; exp() would underflow there. */
		CHECK(passes_miss_chance(900, 1000000) < 0.001);
		CHECK(passes_miss_chance(1100, 1000000) > 0.99);
		CHECK(passes_miss_chance(1e7, 1000000) == 1);
	}

	CASE("group counts add up slot by slot")
	{
		struct pass_counts a = { 0 }, b = { 0 };

		a.n = 2;
		a.probes = 10;
		a.drawn[0] = 4;
		b.n = 3;
		b.probes = 5;
		b.drawn[0] = 2;
		b.drawn[2] = 1;
		pass_counts_add(&a, &b);
		CHECK(a.n == 3 && a.probes == 15 && a.drawn[0] == 6 &&
		      a.drawn[2] == 1);
		CHECK(pass_slot(99) == PASS_SLOTS - 1 && pass_slot(-1) == 0);
	}
	return DONE();
}
