/* test_hostdeadline.c -- --host-timeout's per-host clocks, on a fake clock. */
#include <stdint.h>
#include <stdlib.h>

#include "engine/core/hostdeadline.h"
#include "tests/unit/harness.h"

#define MS 1000000ull /* ns */

static struct addr v4(uint32_t last)
{
	return addr_from_v4(0xc6120000u | last); /* 198.18.0.x */
}

int main(void)
{
	CASE("no timeout: nothing expires, nothing is due")
	{
		struct hostdeadline *hd = hostdeadline_new(0);
		struct addr a = v4(10);

		hostdeadline_start_all(hd, 0);
		CHECK(!hostdeadline_enabled(hd));
		CHECK(!hostdeadline_expired(hd, &a, 1000000 * MS));
		CHECK_EQ_U(hostdeadline_latest(hd, 0), UINT64_MAX);
		CHECK_EQ_U(hostdeadline_earliest(hd, 0), UINT64_MAX);
		CHECK(!hostdeadline_expired(NULL, &a, 5));
		CHECK(!hostdeadline_timed_out(NULL, &a));
		hostdeadline_free(hd);
	}
	CASE("every host shares the group clock until it leaves it")
	{
		struct hostdeadline *hd = hostdeadline_new(1000);
		struct addr a = v4(10), b = v4(11);

		hostdeadline_start_all(hd, 100 * MS);
		CHECK_EQ_U(hostdeadline_used(hd, &a, 600 * MS), 500 * MS);
		CHECK(!hostdeadline_expired(hd, &a, 1099 * MS));
		CHECK_EQ_U(hostdeadline_latest(hd, 100 * MS), 1100 * MS);
		CHECK(hostdeadline_expired(hd, &a, 1100 * MS));
		CHECK(hostdeadline_timed_out(hd, &a));
		CHECK(!hostdeadline_timed_out(hd, &b)); /* not asked yet */
		CHECK(hostdeadline_expired(hd, &b, 1100 * MS));
		CHECK_EQ_U(hostdeadline_count(hd), 2);
		/* Marked for good: asking again does not count it twice. */
		CHECK(hostdeadline_expired(hd, &a, 5 * MS));
		CHECK_EQ_U(hostdeadline_count(hd), 2);
		hostdeadline_free(hd);
	}
	CASE("a host stopped early keeps its time; others go on")
	{
		struct hostdeadline *hd = hostdeadline_new(1000);
		struct addr a = v4(10), b = v4(11);

		hostdeadline_start_all(hd, 0);
		hostdeadline_stop(hd, &a, 300 * MS); /* discovery: up */
		CHECK_EQ_U(hostdeadline_used(hd, &a, 5000 * MS), 300 * MS);
		CHECK(!hostdeadline_expired(hd, &a, 5000 * MS));
		CHECK(hostdeadline_expired(hd, &b, 1000 * MS));
		hostdeadline_free(hd);
	}
	CASE("time adds up over phases; stopped between them")
	{
		struct hostdeadline *hd = hostdeadline_new(1000);
		struct addr a = v4(10);

		hostdeadline_start_all(hd, 0); /* sweep */
		hostdeadline_stop_all(hd, 400 * MS);
		/* A pause between phases does not count. */
		CHECK_EQ_U(hostdeadline_used(hd, &a, 9000 * MS), 400 * MS);
		CHECK_EQ_U(hostdeadline_latest(hd, 9000 * MS), UINT64_MAX);
		hostdeadline_start_all(hd, 10000 * MS); /* -sV */
		CHECK_EQ_U(hostdeadline_latest(hd, 10000 * MS), 10600 * MS);
		CHECK(!hostdeadline_expired(hd, &a, 10599 * MS));
		CHECK(hostdeadline_expired(hd, &a, 10600 * MS));
		/* A timed-out host's clock never runs again. */
		hostdeadline_stop_all(hd, 11000 * MS);
		hostdeadline_start_all(hd, 12000 * MS);
		CHECK(hostdeadline_timed_out(hd, &a));
		CHECK_EQ_U(hostdeadline_used(hd, &a, 99999 * MS), 1000 * MS);
		hostdeadline_free(hd);
	}
	CASE("latest and earliest over hosts that started apart")
	{
		struct hostdeadline *hd = hostdeadline_new(1000);
		struct addr a = v4(10), b = v4(11);

		hostdeadline_start_all(hd, 0);
		hostdeadline_stop(hd, &a, 100 * MS);  /* up at 100 ms */
		hostdeadline_stop(hd, &b, 700 * MS);  /* up at 700 ms */
		hostdeadline_stop_all(hd, 800 * MS);  /* discovery ends */
		hostdeadline_start_all(hd, 800 * MS); /* the sweep */
		/* a has 900 ms left, b 300 ms, the group (down hosts) 200. */
		CHECK_EQ_U(hostdeadline_earliest(hd, 800 * MS), 1000 * MS);
		CHECK_EQ_U(hostdeadline_latest(hd, 800 * MS), 1700 * MS);
		CHECK(hostdeadline_expired(hd, &b, 1100 * MS));
		CHECK(!hostdeadline_expired(hd, &a, 1100 * MS));
		/* b no longer runs; the group is overdue: due now. */
		CHECK_EQ_U(hostdeadline_earliest(hd, 1100 * MS), 1100 * MS);
		hostdeadline_stop_all(hd, 1100 * MS);
		hostdeadline_start_all(hd, 2000 * MS);
		/* Only a runs again (b is marked): 100 + 300 ms used. */
		CHECK_EQ_U(hostdeadline_used(hd, &a, 2000 * MS), 400 * MS);
		hostdeadline_free(hd);
	}
	CASE("thousands of hosts leave the group clock (table growth)")
	{
		struct hostdeadline *hd = hostdeadline_new(1000);
		int bad = 0;

		hostdeadline_start_all(hd, 0);
		for (uint32_t i = 0; i < 5000; i++) {
			struct addr a = v4(i);

			hostdeadline_stop(hd, &a, (uint64_t)(i % 900) * MS);
		}
		for (uint32_t i = 0; i < 5000; i++) {
			struct addr a = v4(i);

			bad += hostdeadline_used(hd, &a, 1 << 30) !=
			       (uint64_t)(i % 900) * MS;
			bad += hostdeadline_expired(hd, &a, 1 << 30);
		}
		CHECK_EQ_U(bad, 0);
		CHECK_EQ_U(hostdeadline_count(hd), 0);
		hostdeadline_free(hd);
	}
	CASE("span: a host charged from its first probe to its answer")
	{
		struct hostdeadline *hd = hostdeadline_new(1000);
		struct addr a = v4(10), b = v4(11), c = v4(12);

		/* An earlier phase used 100 ms of every clock. */
		hostdeadline_start_all(hd, 0);
		hostdeadline_stop_all(hd, 100 * MS);
		/* Discovery from 1000 ms: a probed at 1600, up at 1650. */
		hostdeadline_start_all(hd, 1000 * MS);
		hostdeadline_span(hd, &a, 1600 * MS, 1650 * MS);
		CHECK_EQ_U(hostdeadline_used(hd, &a, 5000 * MS), 150 * MS);
		/* A from before the phase: charged from the phase's start. */
		hostdeadline_span(hd, &b, 500 * MS, 1200 * MS);
		CHECK_EQ_U(hostdeadline_used(hd, &b, 5000 * MS), 300 * MS);
		/* The others run on with the group. */
		CHECK_EQ_U(hostdeadline_used(hd, &c, 1800 * MS), 900 * MS);
		hostdeadline_stop_all(hd, 1800 * MS);
		/* The next phase starts every clock again. */
		hostdeadline_start_all(hd, 2000 * MS);
		CHECK_EQ_U(hostdeadline_used(hd, &a, 2100 * MS), 250 * MS);
		CHECK(!hostdeadline_expired(hd, &a, 2800 * MS));
		CHECK(hostdeadline_expired(hd, &c, 2100 * MS));
		/* No timeout: nothing happens. */
		hostdeadline_span(NULL, &a, 0, 1);
		hostdeadline_free(hd);
	}
	CASE("IPv6 hosts are keys like IPv4 ones")
	{
		struct hostdeadline *hd = hostdeadline_new(50);
		struct addr a, b;

		CHECK(addr_parse("fd5a:7a6f:1ab0:1::20", &a) == 0);
		CHECK(addr_parse("fd5a:7a6f:1ab0:1::21", &b) == 0);
		hostdeadline_start_all(hd, 0);
		hostdeadline_stop(hd, &b, 10 * MS);
		CHECK(hostdeadline_expired(hd, &a, 50 * MS));
		CHECK(!hostdeadline_expired(hd, &b, 50 * MS));
		hostdeadline_free(hd);
	}
	CASE("a huge timeout does not overflow")
	{
		struct hostdeadline *hd = hostdeadline_new(UINT64_MAX / 2);
		struct addr a = v4(1);

		hostdeadline_start_all(hd, 5);
		CHECK(!hostdeadline_expired(hd, &a, UINT64_MAX / 4));
		CHECK(hostdeadline_latest(hd, 5) > UINT64_MAX / 4);
		hostdeadline_free(hd);
	}
	CASE("begin: a host reached later runs from then, and on")
	{
		struct hostdeadline *hd = hostdeadline_new(1000);
		struct addr a = v4(10), b = v4(11);

		hostdeadline_start_all(hd, 100 * MS);
		hostdeadline_begin(hd, &a, 300 * MS);
		CHECK_EQ_U(hostdeadline_used(hd, &a, 600 * MS), 300 * MS);
		CHECK_EQ_U(hostdeadline_used(hd, &b, 600 * MS), 500 * MS);
		/* Earlier than the phase's start: the start counts. */
		hostdeadline_begin(hd, &b, 50 * MS);
		CHECK_EQ_U(hostdeadline_used(hd, &b, 600 * MS), 500 * MS);
		CHECK(!hostdeadline_expired(hd, &a, 1299 * MS));
		CHECK(hostdeadline_expired(hd, &a, 1300 * MS));
		hostdeadline_free(hd);
	}
	return DONE();
}
