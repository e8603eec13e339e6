/* passes.c -- the sweep's passes: when to resend, how fast, how complete. */
#include "engine/sweep/passes.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int pass_slot(int k)
{
	return k < 0 ? 0 : k >= PASS_SLOTS ? PASS_SLOTS - 1 : k;
}

void pass_counts_add(struct pass_counts *to, const struct pass_counts *g)
{
	if (g->n > to->n)
		to->n = g->n;
	to->probes += g->probes;
	to->answered += g->answered;
	to->open += g->open;
	for (int k = 0; k < PASS_SLOTS; k++) {
		to->sent[k] += g->sent[k];
		to->drawn[k] += g->drawn[k];
	}
}

void passes_estimate(const struct pass_counts *pc, struct completeness *c)
{
	uint64_t num = 0, den = 0, a = 0;
	int n = pc->n < PASS_SLOTS ? pc->n : PASS_SLOTS;
	double rn;

	memset(c, 0, sizeof(*c));
	c->complete = pc->probes ? (double)pc->answered / pc->probes : 1;
	for (int k = 0; k < n; k++) {
		a += pc->drawn[k];
		if (k >= 1)
			num += pc->drawn[k];
		if (k <= n - 2)
			den += pc->drawn[k];
	}
	/* Nothing answered, or one pass only: no ratio to read. */
	if (n < 2 || den == 0 || a == 0)
		return;
	c->miss = (double)num / (double)den;
	if (c->miss >= 1) /* every pass draws as much: no bound */
		return;
	c->known = 1;
	c->loss_oneway = 1 - sqrt(1 - c->miss);
	/* Every pass counts, also those past the last slot. */
	rn = pow(c->miss, pc->n);
	c->missed = rn < 1 ? (double)a * rn / (1 - rn) : 0;
	c->missed_open = c->missed * (double)pc->open / (double)a;
	if (pc->probes)
		c->complete = 1 - c->missed / (double)pc->probes;
	if (c->complete < 0)
		c->complete = 0;
}

/*
 * P(X > k) for X Poisson with mean m: one minus the terms up to k, each
 * from logs (e^-m underflows past m = 745). Terms more than 12 standard
 * deviations below the mean are under 1e-30 and are skipped, and a k
 * beyond 40 of them leaves no tail, so a sweep of millions of answers
 * sums a few thousand terms, not k.
 */
static double poisson_tail(double m, uint64_t k)
{
	double sd, lo, lm, sum = 0;
	uint64_t i0 = 0;

	if (m <= 0)
		return 0;
	sd = sqrt(m);
	lo = m - 12 * sd - 12;
	if (lo > 0)
		i0 = (uint64_t)lo;
	if (i0 > k)
		return 1;
	if ((double)k > m + 40 * sd + 40)
		return 0;
	lm = log(m);
	for (uint64_t i = i0; i <= k; i++)
		sum += exp((double)i * lm - m - lgamma((double)i + 1));
	return sum >= 1 ? 0 : 1 - sum;
}

double passes_miss_chance(double missed, uint64_t answered)
{
	return poisson_tail(missed, answered / PASSES_MISS_PER);
}

int passes_more(const struct pass_counts *pc, int done, int max_retries,
		uint64_t unanswered)
{
	struct completeness c;

	if (done >= max_retries || unanswered == 0)
		return 0;
	if (done == 0)
		return 1; /* the first retry finds out whether there is loss */
	passes_estimate(pc, &c);
	if (!c.known) /* no ratio: silence is settled once a pass draws none */
		return pc->drawn[pass_slot(done)] > 0;
	return passes_miss_chance(c.missed, pc->answered) >= PASSES_MISS_CHANCE;
}

const char *passes_describe(const struct pass_counts *pc, char *buf,
			    unsigned len)
{
	struct completeness c;

	passes_estimate(pc, &c);
	if (!c.known) {
		snprintf(buf, len,
			 "Sweep completeness: %llu of %llu probes answered "
			 "in %d pass%s; loss not measured",
			 (unsigned long long)pc->answered,
			 (unsigned long long)pc->probes, pc->n,
			 pc->n == 1 ? "" : "es");
		return buf;
	}
	snprintf(buf, len,
		 "Sweep completeness: %.2f%% of %llu probes answered or "
		 "settled in %d pass%s; estimated loss %.1f%% each way; "
		 "expected missed open ports %s%.1f",
		 100 * c.complete, (unsigned long long)pc->probes, pc->n,
		 pc->n == 1 ? "" : "es", 100 * c.loss_oneway,
		 c.missed_open < 0.1 ? "< " : "",
		 c.missed_open < 0.1 ? 0.1 : c.missed_open);
	return buf;
}

/* ---- pacing --------------------------------------------------------- */

double pass_loss(const struct pass_counts *pc, int k)
{
	uint64_t prev;

	if (k < 1 || k >= PASS_SLOTS)
		return -1;
	prev = pc->drawn[k - 1];
	if (prev < PACE_MIN_DRAWN)
		return -1;
	return (double)pc->drawn[k] / (double)prev;
}

void pace_init(struct pace *p, double rate, double min_rate, double max_rate,
	       double climb)
{
	memset(p, 0, sizeof(*p));
	p->rate = rate > 0 ? rate : 1;
	p->ceil = max_rate > 0 ? max_rate : p->rate;
	if (p->ceil < p->rate)
		p->ceil = p->rate;
	p->floor = min_rate > 0 ? min_rate : p->rate / 32;
	if (p->floor > p->rate)
		p->floor = p->rate;
	p->climb = climb > p->rate ? climb : p->rate;
	if (max_rate > 0 && p->climb > max_rate)
		p->climb = max_rate > p->rate ? max_rate : p->rate;
}

double pace_rate(const struct pace *p, int h)
{
	double r = p->rate;

	if (h && p->trial > 0)
		r = pace_climb_rate(p);
	else if (h && p->trial < 0)
		r = r / 2;
	return r < p->floor ? p->floor : r;
}

/*
 * 1 if the slower half's draw ratio is clearly above the faster's: more
 * than 10% higher and more than three standard errors apart. Two let
 * chance halve the rate about once in forty trials (seen at 5% loss on
 * a /16: 60 against 86 answers, the rest of the sweep at half rate);
 * real congestion draws far apart.
 */
static int slower_draws_more(const struct pass_halves *h)
{
	int s = h->rate[1] < h->rate[0], f = !s; /* slower, faster half */
	double ds, df, se;

	if (h->sent[0] == 0 || h->sent[1] == 0)
		return 0;
	ds = (double)h->drawn[s] / (double)h->sent[s];
	df = (double)h->drawn[f] / (double)h->sent[f];
	se = sqrt(ds * (1 - ds) / (double)h->sent[s] +
		  df * (1 - df) / (double)h->sent[f]);
	return ds > 1.1 * df && ds - df > 3 * se;
}

/*
 * A quarter more, up to the ceiling: slower than the backoff halves it,
 * so a congested path is probed again gently, not flooded.
 */
static void recover(struct pace *p)
{
	if (p->rate >= p->ceil)
		return;
	p->rate = p->rate * 1.25 > p->ceil ? p->ceil : p->rate * 1.25;
	p->recoveries++;
}

/*
 * A climbing trial drew enough. The fast half no worse: its rate is the
 * next passes' (or the rate the machine reached, which then bounds the
 * climb). Worse: congestion above the rate, which climbs no more; a
 * backoff trial follows if the loss is high (not settled), since the
 * rate itself may be too fast.
 */
static void conclude_climb(struct pace *p, const struct pass_halves *h,
			   double loss)
{
	double to = h->rate[1];

	if (slower_draws_more(h)) {
		p->climb = p->rate;
		p->settled = 0;
		return;
	}
	if (h->reached[1] > 0 && h->reached[1] < PACE_REACHED_MIN * to) {
		to = h->reached[1] > p->rate ? h->reached[1] : p->rate;
		p->climb = to;
	}
	if (to > p->rate)
		p->climbs++;
	p->rate = to;
	p->settled = 1;
	p->settled_loss = loss;
}

/*
 * A backoff trial drew enough: halve on congestion (and climb no more:
 * the path has shown what it carries), else settle.
 */
static void conclude_backoff(struct pace *p, const struct pass_halves *h,
			     double loss)
{
	if (slower_draws_more(h)) {
		/* Congestion: our rate loses answers. */
		p->rate = p->rate / 2 < p->floor ? p->floor : p->rate / 2;
		p->climb = p->rate;
		p->backoffs++;
		p->settled = 0;
	} else {
		/* The loss is the path's, not our rate's. */
		p->settled = 1;
		p->settled_loss = loss;
	}
}

/*
 * Answers a climbing trial needs (passes.h): a step s that crosses the
 * path's capacity just above the rate loses f = 1 - 1/s of the fast
 * half's; the halves' counts then differ by about n f / 2 with a
 * standard error of about sqrt(n), so n >= (2 z / f)^2.
 */
static double climb_needs(double s)
{
	double f = 1 - 1 / s;

	return f > 0 ? 4 * PACE_CLIMB_Z * PACE_CLIMB_Z / (f * f) : 1e300;
}

double pace_climb_rate(const struct pace *p)
{
	double r = p->rate * PACE_CLIMB_STEP;

	return r > p->climb ? (p->climb > p->rate ? p->climb : p->rate) : r;
}

int pace_mid_trial(struct pace *p, uint64_t drawn0, uint64_t last)
{
	/* The permutation puts half the pass's probes before the midpoint. */
	double expect = 2.0 * (double)drawn0;

	if (p->trial || p->rate >= p->climb || last == 0 ||
	    expect < PACE_LOSS_CLEAN * (double)last ||
	    expect < climb_needs(pace_climb_rate(p) / p->rate))
		return 0;
	p->trial = 1;
	return 1;
}

void pace_after_pass(struct pace *p, const struct pass_halves *h, double loss)
{
	int was_trial = p->trial;
	uint64_t drew = h->drawn[0] + h->drawn[1];

	p->trial = 0;
	if (was_trial && drew >= PACE_MIN_DRAWN) {
		if (was_trial > 0)
			conclude_climb(p, h, loss);
		else
			conclude_backoff(p, h, loss);
		return;
	}
	/*
	 * Too few answers to conclude. The next pass draws about drew *
	 * loss, fewer still: a trial then (again or anew) would only send
	 * its slow half for nothing (at 5% loss, the last passes of a /16
	 * each took half as long again, on a dozen answers).
	 */
	if (was_trial || loss < 0)
		return;
	if (loss < PACE_LOSS_CLEAN) {
		p->settled = 0;
		recover(p);
		return;
	}
	if (loss >= PACE_LOSS_TRIAL && p->rate / 2 >= p->floor &&
	    (double)drew * loss >= PACE_MIN_DRAWN &&
	    (!p->settled || loss > 1.5 * p->settled_loss))
		p->trial = -1;
}
