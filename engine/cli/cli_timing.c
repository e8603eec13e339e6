/* cli_timing.c -- nmap's timing options: -T0..5, RTT timeouts, scan delays, retries, --host-timeout. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "engine/cli/cli_int.h"
#include "netstack/base/util.h"

/*
 * nmap's timing table (nmap.cc's -T handling over NmapOps' defaults;
 * shared/reference/fast-scanners.md section 5): initial, min and max RTT
 * timeout, scan delay, max scan delay, retries, host timeout. T0 and T1
 * raise the max RTT timeout and the max scan delay to their initial
 * timeout and delay, as nmap's setters do.
 */
static const struct timing timings[6] = {
	{ 0, 300000, 100, 300000, 300000, 300000, 10, 0, 0 },
	{ 1, 15000, 100, 15000, 15000, 15000, 10, 0, 0 },
	{ 2, 1000, 100, 10000, 400, 1000, 10, 0, 0 },
	/*
	 * T3-T5 have no fixed gap in nmap; its congestion window opens to
	 * hundreds of probes in flight. fathom is stateless and paces to a
	 * rate instead: these defaults are what a switched LAN absorbs
	 * without loss, and retransmission passes recover what is lost.
	 */
	{ 3, 1000, 100, 10000, 0, 1000, 10, 0, 150000 },
	{ 4, 500, 100, 1250, 0, 10, 6, 0, 400000 },
	{ 5, 250, 50, 300, 0, 5, 2, 900000, 1000000 },
};

const struct timing *cli_timing_template(int level)
{
	return &timings[level];
}

int cli_parse_timing(const char *s)
{
	static const char *const names[] = {
		"paranoid", "sneaky", "polite", "normal", "aggressive", "insane"
	};

	if (s[0] >= '0' && s[0] <= '5' && s[1] == '\0')
		return s[0] - '0';
	for (int i = 0; i < 6; i++)
		if (strcasecmp(s, names[i]) == 0)
			return i;
	return -1;
}

void cli_timing_init(struct cli_timing *t)
{
	memset(t, 0, sizeof(*t));
	t->level = 3;
}

/* The option's name in messages, by enum cli_topt. */
static const char *const topt_name[CLI_T_N] = {
	"-T",
	"--min-rtt-timeout",
	"--max-rtt-timeout",
	"--initial-rtt-timeout",
	"--scan-delay",
	"--max-scan-delay",
	"--max-retries",
	"--host-timeout",
};

int cli_timing_opt(struct cli_timing *t, enum cli_topt k, const char *arg,
		   char *err, size_t errlen)
{
	uint64_t v;

	if (k == CLI_T_TEMPLATE) {
		t->level = cli_parse_timing(arg);
		if (t->level < 0) {
			snprintf(err, errlen,
				 "bad timing template '-T%s' "
				 "(0-5 or paranoid..insane)",
				 arg);
			return -1;
		}
		return 0;
	}
	if (k == CLI_T_RETRIES) {
		if (parse_u64(arg, 50, &v) < 0) {
			snprintf(err, errlen,
				 "bad --max-retries value '%s' (0-50)", arg);
			return -1;
		}
	} else if (parse_time_ms(arg, &v) < 0) {
		snprintf(err, errlen,
			 "bad %s value '%s' (a time: 500ms, "
			 "2s, 1m, 1h; no unit: seconds)",
			 topt_name[k], arg);
		return -1;
	}
	/* nmap's own bounds: a max RTT timeout under 5 ms waits for no
	 * reply; an initial one of 0 never retransmits. */
	if (k == CLI_T_MAXRTT && v < 5) {
		snprintf(err, errlen,
			 "bad --max-rtt-timeout value '%s' (at least 5ms)",
			 arg);
		return -1;
	}
	if (k == CLI_T_INITRTT && v == 0) {
		snprintf(err, errlen,
			 "bad --initial-rtt-timeout value '%s' "
			 "(more than 0)",
			 arg);
		return -1;
	}
	t->v[k] = v;
	t->set |= 1u << k;
	return 0;
}

static int given(const struct cli_timing *t, enum cli_topt k)
{
	return (t->set >> k) & 1;
}

/*
 * The RTT limits: the template's, each given one in its place, and the
 * others moved to agree with it as nmap's setters move them; two given
 * ones that disagree are an error.
 */
static int rtt_finish(struct timing *tm, const struct cli_timing *t, char *err,
		      size_t errlen)
{
	if (given(t, CLI_T_MINRTT) && given(t, CLI_T_MAXRTT) &&
	    t->v[CLI_T_MINRTT] > t->v[CLI_T_MAXRTT]) {
		snprintf(err, errlen,
			 "--min-rtt-timeout is above "
			 "--max-rtt-timeout");
		return -1;
	}
	if (given(t, CLI_T_MINRTT))
		tm->min_rtt_ms = t->v[CLI_T_MINRTT];
	if (given(t, CLI_T_MAXRTT))
		tm->max_rtt_ms = t->v[CLI_T_MAXRTT];
	if (given(t, CLI_T_INITRTT))
		tm->init_rtt_ms = t->v[CLI_T_INITRTT];
	if (tm->min_rtt_ms > tm->max_rtt_ms) {
		if (given(t, CLI_T_MINRTT))
			tm->max_rtt_ms = tm->min_rtt_ms;
		else
			tm->min_rtt_ms = tm->max_rtt_ms;
	}
	if (tm->init_rtt_ms > tm->max_rtt_ms) {
		if (given(t, CLI_T_INITRTT) && !given(t, CLI_T_MAXRTT))
			tm->max_rtt_ms = tm->init_rtt_ms;
		else
			tm->init_rtt_ms = tm->max_rtt_ms;
	}
	if (tm->init_rtt_ms < tm->min_rtt_ms) {
		if (given(t, CLI_T_INITRTT) && !given(t, CLI_T_MINRTT))
			tm->min_rtt_ms = tm->init_rtt_ms;
		else
			tm->init_rtt_ms = tm->min_rtt_ms;
	}
	return 0;
}

/*
 * How far the sweep's passes may climb (passes.h). nmap's T3 has no
 * fixed rate: its congestion window grows while nothing is dropped. So
 * -T3's 150 kpps is where a sweep starts, and once a pacing trial shows
 * the loss is the path's, its resends may climb to -T4's rate (the
 * template that asks for speed), never past --max-rate. -T4 and -T5
 * already run there or beyond; a scan delay (-T0..-T2, --scan-delay)
 * is a fixed pace and does not climb.
 */
static double climb_limit(const struct scan_opts *o, const struct timing *tm)
{
	double to = cli_timing_template(4)->rate;

	if (tm->level != 3 || tm->scan_delay_ms)
		return o->rate;
	if (o->max_rate && to > o->max_rate)
		to = o->max_rate;
	return to > o->rate ? to : o->rate;
}

int cli_timing_finish(struct scan_opts *o, const struct cli_timing *t,
		      char *err, size_t errlen)
{
	struct timing *tm = &o->timing;

	*tm = *cli_timing_template(t->level);
	if (rtt_finish(tm, t, err, errlen) < 0)
		return -1;
	if (given(t, CLI_T_DELAY) && given(t, CLI_T_MAXDELAY) &&
	    t->v[CLI_T_DELAY] > t->v[CLI_T_MAXDELAY]) {
		snprintf(err, errlen, "--scan-delay is above --max-scan-delay");
		return -1;
	}
	if (given(t, CLI_T_MAXDELAY))
		tm->max_scan_delay_ms = t->v[CLI_T_MAXDELAY];
	if (given(t, CLI_T_DELAY)) {
		tm->scan_delay_ms = t->v[CLI_T_DELAY];
		/* nmap: a longer --scan-delay raises the ceiling with it. */
		if (tm->max_scan_delay_ms < tm->scan_delay_ms)
			tm->max_scan_delay_ms = tm->scan_delay_ms;
	}
	if (tm->scan_delay_ms > tm->max_scan_delay_ms)
		tm->scan_delay_ms = tm->max_scan_delay_ms;
	o->max_retries = given(t, CLI_T_RETRIES) ? (int)t->v[CLI_T_RETRIES]
						 : tm->max_retries;
	/* 0 is nmap's "no host timeout" too. */
	o->host_timeout_ms = given(t, CLI_T_HOSTTIMEOUT)
				     ? t->v[CLI_T_HOSTTIMEOUT]
				     : tm->host_timeout_ms;
	/* A gap between probes sets the rate; no gap (even under -T0..-T2
	 * with --scan-delay 0) means T3's pace. */
	o->rate = tm->scan_delay_ms ? 1000.0 / (double)tm->scan_delay_ms
		  : tm->rate > 0    ? tm->rate
				    : cli_timing_template(3)->rate;
	if (o->max_rate && (o->rate == 0 || o->rate > o->max_rate))
		o->rate = o->max_rate;
	if (o->min_rate && o->rate < o->min_rate)
		o->rate = o->min_rate;
	o->rate_climb = climb_limit(o, tm);
	return 0;
}
