/* passes.h -- the sweep's passes: when to resend, how fast, how complete. */
#ifndef FATHOM_PASSES_H
#define FATHOM_PASSES_H

#include <stdint.h>

/*
 * A sweep sends every probe once (pass 0), then resends what is still
 * unanswered, pass after pass, each from a new source port (a peer that
 * lost our RST still holds the old 4-tuple half-open and would ignore a
 * duplicate SYN). A reply names the pass whose copy drew it (the
 * destination port it comes back to), so the sweep counts, per pass,
 * the probes it sent and the new answers they drew. Everything here is
 * a pure function of those counts (tests/unit/test_passes.c):
 *
 * - The miss ratio r: the share of the live probes (those a peer would
 *   answer) that a pass leaves unanswered. If each copy is answered with
 *   probability q, pass k draws q * M_k of the M_k live probes still
 *   unanswered, so drawn[k+1] / drawn[k] = 1 - q = r. The estimate is
 *   sum(drawn[1..n-1]) / sum(drawn[0..n-2]).
 * - The expected missed answers after n passes: the A answers found are
 *   M (1 - r^n) of M live probes, so M r^n = A r^n / (1 - r^n) are still
 *   out there. The completeness is the share of probes with an answer or
 *   a settled silence: 1 - missed / probes.
 * - Whether to make another pass: always once (pass 1 is the loss
 *   detector, as nmap retries once), then while the chance that more
 *   than one answer in a thousand (A / PASSES_MISS_PER of the A found,
 *   rounded down) is still out there is PASSES_MISS_CHANCE or more, up
 *   to --max-retries. The missed answers are Poisson with mean M r^n.
 *   Below 1000 answers one in a thousand rounds down to none, and the
 *   rule is "a 2% chance that the sweep missed anything at all": 0.02
 *   expected misses, which a small sweep (a few hundred ports, every
 *   one answering) reaches in a pass or two more than a goal of half an
 *   answer would. A large sweep stops at the share its user reads: the
 *   crowd's /16 (16384 answers) at 9.6 expected misses, 99.94%, instead
 *   of 0.02, two resend passes fewer at 5% loss and three at 20%, each
 *   one resending all 49,152 dead addresses (README, the loss bench).
 *   A pass that drew nothing ends the passes only while no estimate
 *   exists (no answer ever, or a filtered host): with an estimate, that
 *   pass already counts in r^n, and one lost answer among few
 *   outstanding is not yet silence.
 * - Pacing: an experiment inside a pass, since random loss and
 *   congestion look alike from one rate. A pass sends its first half at
 *   the current rate and its second half at another; the permutation
 *   spreads the unanswered probes evenly over both halves, so their
 *   draw ratios compare the two rates on the same population, in one
 *   pass. The half sent slower drawing clearly more (> 1.1 x and three
 *   standard errors) is congestion.
 *   - Climbing: -T3's 150 kpps is a starting rate, not a ceiling (nmap's
 *     T3 has no fixed rate: its congestion window grows while nothing
 *     is dropped). A resend pass whose first half has drawn answers
 *     (PACE_LOSS_CLEAN or more of the last pass's draw) and enough of
 *     them sends its second half at twice the rate, at most the climb
 *     limit (-T3: -T4's rate; never above --max-rate), decided at its
 *     midpoint (pace_mid_trial()), so pass 1, the loss detector, is
 *     already the first trial and a lossless pass 1 is unchanged. No
 *     fewer answers in the fast half: the loss is the path's, and the
 *     next passes run at that rate (or at what the machine reached, if
 *     less: the limit then stops there), the next midpoint climbing
 *     again. Fewer: our rate loses answers, and it climbs no more. Enough
 *     answers: the worst a step s can do is to cross the path's
 *     capacity just above the rate, losing 1 - 1/s of the fast half's
 *     answers; the trial runs only if that would stand PACE_CLIMB_Z
 *     standard errors out (256 answers for s = 2, 1024 for 300 -> 400
 *     kpps). Resends are where a lossy sweep spends its time (each pass
 *     resends every silent probe), and a climbing trial costs nothing:
 *     its fast half is shorter than a plain pass.
 *   - Backing off: after a pass whose loss is PACE_LOSS_TRIAL or more
 *     and not yet shown to be the path's, or grew by half since, the
 *     next pass sends its second half at half the rate. Fewer answers at
 *     the high rate: the rate halves (never below the floor:
 *     --min-rate), and it climbs no more. No difference: the rate stays;
 *     no further backoff trial until the loss grows by half again. A
 *     backoff trial starts only when the next pass should draw
 *     PACE_MIN_DRAWN answers (the last pass's draw times the loss), and
 *     one that drew fewer is not repeated: later passes draw fewer
 *     still, so it could never conclude.
 *   A clean pass (loss under PACE_LOSS_CLEAN) raises a lowered rate by
 *   a quarter, up to the ceiling (--max-rate, or the rate the run
 *   started with). The loss fed in is the last pass's (pass_loss()), so
 *   an old burst does not hold the rate down.
 */
#define PASS_SLOTS 32           /* passes counted apart; later ones share */
#define PASSES_MISS_PER 1000    /* a sweep may miss one answer in this many */
#define PASSES_MISS_CHANCE 0.02 /* the chance of missing more, to stop at */
#define PACE_LOSS_TRIAL 0.10    /* round-trip loss that starts a trial */
#define PACE_LOSS_CLEAN 0.02    /* round-trip loss that restores the rate */
#define PACE_MIN_DRAWN 20       /* answers a trial needs to conclude */
#define PACE_CLIMB_STEP 2.0     /* a climbing trial's second half: rate x */
#define PACE_CLIMB_Z 4.0        /* standard errors its worst case must show */
#define PACE_REACHED_MIN 0.9    /* a half that reached less: the machine's */

/* What the sweep counted, per pass (summed over host groups). */
struct pass_counts {
	int n;                      /* passes made */
	uint64_t probes;            /* distinct probes sent at least once */
	uint64_t answered;          /* probes with an answer */
	uint64_t open;              /* of them, open ports */
	uint64_t sent[PASS_SLOTS];  /* copies sent by pass k */
	uint64_t drawn[PASS_SLOTS]; /* new answers drawn by pass k's copies */
};

/* The estimate from one run's counts. */
struct completeness {
	int known;          /* 0: fewer than 2 passes, or no answer at all */
	double miss;        /* r: a live probe's chance of no answer per pass */
	double loss_oneway; /* the loss each way that gives r: 1 - sqrt(1-r) */
	double missed;      /* expected live probes never answered */
	double missed_open; /* of them, expected open ports */
	double complete;    /* share of probes answered or settled, 0..1 */
};

/* Adds group counts g into the run's (slot by slot). */
void pass_counts_add(struct pass_counts *to, const struct pass_counts *g);

/* Slot of pass k (later passes share the last). */
int pass_slot(int k);

void passes_estimate(const struct pass_counts *pc, struct completeness *c);

/*
 * The chance that more than answered / PASSES_MISS_PER (rounded down)
 * answers were missed, the missed ones Poisson with mean `missed`: the
 * stop rule's measure (0.02 expected misses give 0.0198 below 1000
 * answers).
 */
double passes_miss_chance(double missed, uint64_t answered);

/*
 * After pass `done` (0-based) of a run allowing max_retries: 1 to make
 * another. unanswered: probes still without an answer.
 */
int passes_more(const struct pass_counts *pc, int done, int max_retries,
		uint64_t unanswered);

/*
 * One line for the reports: "Sweep completeness 99.99% (65536 probes):
 * estimated loss 5.0% each way; expected missed open ports 0.3", or
 * the same without estimate when it is not known. Returns buf.
 */
const char *passes_describe(const struct pass_counts *pc, char *buf,
			    unsigned len);

/* ---- pacing --------------------------------------------------------- */

struct pace {
	double rate;        /* the rate of the next pass's first half */
	double floor, ceil; /* --min-rate (or rate/32), --max-rate/start */
	double climb;       /* the most a climbing trial may prove */
	/* The second half of the next (or, from its midpoint, the current)
	 * pass: +1 climbs (rate x PACE_CLIMB_STEP, at most climb), -1 backs
	 * off (rate/2), 0 no trial. */
	int trial;
	int settled;         /* a trial showed our rate is not the cause */
	double settled_loss; /* the loss that trial saw */
	int backoffs, recoveries, climbs; /* for -d and the tests */
};

/* What one pass's halves drew (first half, second half). */
struct pass_halves {
	uint64_t sent[2], drawn[2];
	double rate[2];
	/* The rate each half's probes actually left at (its time spent
	 * sending, not waiting for a resend's due time); 0: not measured. */
	double reached[2];
};

/*
 * The round-trip loss pass k-1 suffered, read after pass k:
 * drawn[k] / drawn[k-1], or -1 when pass k-1 drew too few answers
 * (PACE_MIN_DRAWN) to say.
 */
double pass_loss(const struct pass_counts *pc, int k);

/*
 * rate: the run's rate; min_rate, max_rate: the user's (0 = unset);
 * climb: the highest rate a climbing trial may raise it to (at most
 * max_rate; climb <= rate: no climbing).
 */
void pace_init(struct pace *p, double rate, double min_rate, double max_rate,
	       double climb);

/* The rate of half h (0, 1) of the next pass. */
double pace_rate(const struct pace *p, int h);

/* The rate a climbing trial would send its second half at now (the
 * rate itself when it may not climb): how many lanes a pass needs. */
double pace_climb_rate(const struct pace *p);

/*
 * At the midpoint of a resend pass that runs no trial: drawn0, the new
 * answers its first half has drawn so far; last, the last pass's draw.
 * 1 when its second half climbs (pace_rate(p, 1) then says how fast).
 */
int pace_mid_trial(struct pace *p, uint64_t drawn0, uint64_t last);

/*
 * After a pass: h its halves' counts, loss the estimated round-trip loss
 * (completeness.miss; < 0 when not known). Sets up the next pass.
 */
void pace_after_pass(struct pace *p, const struct pass_halves *h, double loss);

#endif
