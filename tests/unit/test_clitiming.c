/* test_clitiming.c -- the timing options: nmap's table, values that drag others, contradictions. */
#include <stdio.h>
#include <string.h>

#include "engine/cli/cli_int.h"
#include "tests/unit/harness.h"

/* Applies options "k=value" pairs to a fresh set; returns cli_timing_finish's. */
static int apply(struct scan_opts *o, int level, const enum cli_topt *k,
		 const char *const *v, size_t n, char *err, size_t errlen)
{
	struct cli_timing t;
	char lv[4];

	memset(o, 0, sizeof(*o));
	cli_timing_init(&t);
	snprintf(lv, sizeof(lv), "%d", level);
	if (cli_timing_opt(&t, CLI_T_TEMPLATE, lv, err, errlen) < 0)
		return -2;
	for (size_t i = 0; i < n; i++)
		if (cli_timing_opt(&t, k[i], v[i], err, errlen) < 0)
			return -2;
	return cli_timing_finish(o, &t, err, errlen);
}

int main(void)
{
	struct scan_opts o;
	char err[256];

	CASE("templates: nmap's values, max scan delay included")
	{
		CHECK(apply(&o, 4, NULL, NULL, 0, err, sizeof(err)) == 0);
		CHECK_EQ_U(o.timing.init_rtt_ms, 500);
		CHECK_EQ_U(o.timing.max_rtt_ms, 1250);
		CHECK_EQ_U(o.timing.max_scan_delay_ms, 10);
		CHECK_EQ_U(o.max_retries, 6);
		CHECK_EQ_U(o.host_timeout_ms, 0);
		CHECK(apply(&o, 5, NULL, NULL, 0, err, sizeof(err)) == 0);
		CHECK_EQ_U(o.timing.max_scan_delay_ms, 5);
		CHECK_EQ_U(o.host_timeout_ms, 900000);
		CHECK_EQ_U(o.max_retries, 2);
		CHECK(apply(&o, 0, NULL, NULL, 0, err, sizeof(err)) == 0);
		CHECK_EQ_U(o.timing.scan_delay_ms, 300000);
		CHECK_EQ_U(o.timing.max_scan_delay_ms, 300000);
		CHECK_EQ_U(o.timing.init_rtt_ms, 300000);
	}
	CASE("a given RTT value drags the template's others, as nmap's setters")
	{
		enum cli_topt k[] = { CLI_T_INITRTT };
		const char *v[] = { "20s" };
		enum cli_topt k2[] = { CLI_T_MAXRTT };
		const char *v2[] = { "50ms" };

		CHECK(apply(&o, 3, k, v, 1, err, sizeof(err)) == 0);
		CHECK_EQ_U(o.timing.init_rtt_ms, 20000);
		CHECK_EQ_U(o.timing.max_rtt_ms, 20000);
		CHECK(apply(&o, 3, k2, v2, 1, err, sizeof(err)) == 0);
		CHECK_EQ_U(o.timing.max_rtt_ms, 50);
		CHECK_EQ_U(o.timing.init_rtt_ms, 50);
		CHECK_EQ_U(o.timing.min_rtt_ms, 50);
	}
	CASE("two given values that disagree are refused, one line")
	{
		enum cli_topt k[] = { CLI_T_MINRTT, CLI_T_MAXRTT };
		const char *v[] = { "2s", "1s" };
		enum cli_topt k2[] = { CLI_T_DELAY, CLI_T_MAXDELAY };
		const char *v2[] = { "2s", "1s" };

		CHECK(apply(&o, 3, k, v, 2, err, sizeof(err)) == -1);
		CHECK(strstr(err, "--min-rtt-timeout") != NULL);
		CHECK(apply(&o, 3, k2, v2, 2, err, sizeof(err)) == -1);
		CHECK(strstr(err, "--max-scan-delay") != NULL);
		CHECK(strchr(err, '\n') == NULL);
	}
	CASE("--scan-delay raises the max scan delay and sets the rate")
	{
		enum cli_topt k[] = { CLI_T_DELAY };
		const char *v[] = { "50ms" };

		CHECK(apply(&o, 4, k, v, 1, err, sizeof(err)) == 0);
		CHECK_EQ_U(o.timing.scan_delay_ms, 50);
		CHECK_EQ_U(o.timing.max_scan_delay_ms, 50);
		CHECK(o.rate > 19.99 && o.rate < 20.01);
	}
	CASE("bad values: nmap's bounds, units, ranges")
	{
		struct cli_timing t;

		cli_timing_init(&t);
		CHECK(cli_timing_opt(&t, CLI_T_MAXRTT, "4ms", err,
				     sizeof(err)) < 0);
		CHECK(strstr(err, "--max-rtt-timeout") != NULL);
		CHECK(cli_timing_opt(&t, CLI_T_INITRTT, "0", err, sizeof(err)) <
		      0);
		CHECK(cli_timing_opt(&t, CLI_T_HOSTTIMEOUT, "3d", err,
				     sizeof(err)) < 0);
		CHECK(cli_timing_opt(&t, CLI_T_RETRIES, "51", err,
				     sizeof(err)) < 0);
		CHECK(cli_timing_opt(&t, CLI_T_TEMPLATE, "6", err,
				     sizeof(err)) < 0);
		CHECK(cli_timing_opt(&t, CLI_T_HOSTTIMEOUT, "0", err,
				     sizeof(err)) == 0); /* no limit */
		CHECK(cli_timing_opt(&t, CLI_T_MAXDELAY, "1.5s", err,
				     sizeof(err)) == 0);
		CHECK_EQ_U(t.v[CLI_T_MAXDELAY], 1500);
	}
	return DONE();
}
