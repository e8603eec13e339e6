/* test_ratelimit.c -- the pacing schedule, driven by a fake clock. */
#include <stdint.h>

#include "engine/sweep/ratelimit.h"
#include "tests/unit/harness.h"

int main(void)
{
	CASE("exactly rate packets per second over 10 simulated seconds")
	{
		struct ratelimit rl;
		uint64_t sent = 0;

		ratelimit_init(&rl, 1000, 1, 0);
		/* Ask every 100 us for 10 s. */
		for (uint64_t t = 0; t < 10000000000ull; t += 100000)
			sent += ratelimit_take(&rl, t, 1000, NULL);
		CHECK(sent >= 9999 && sent <= 10001);
	}
	CASE("non-integer rates hold over time (2.5 pps, -T2)")
	{
		struct ratelimit rl;
		uint64_t sent = 0;

		ratelimit_init(&rl, 2.5, 1, 0);
		for (uint64_t t = 0; t < 100000000000ull; t += 1000000)
			sent += ratelimit_take(&rl, t, 10, NULL);
		CHECK(sent >= 249 && sent <= 251);
	}
	CASE("wait hint points at the next due packet")
	{
		struct ratelimit rl;
		uint64_t wait = 0;

		ratelimit_init(&rl, 100, 1, 0);
		CHECK_EQ_U(ratelimit_take(&rl, 0, 1, &wait), 1);
		CHECK_EQ_U(ratelimit_take(&rl, 1000, 1, &wait), 0);
		CHECK(wait > 9000000 && wait <= 10000000);
		CHECK_EQ_U(ratelimit_take(&rl, 10000000, 1, &wait), 1);
	}
	CASE("a stall is forgiven up to one burst, not flooded")
	{
		struct ratelimit rl;

		ratelimit_init(&rl, 1000000, 64, 0);
		CHECK_EQ_U(ratelimit_take(&rl, 0, 1000, NULL), 1);
		/* One second late: a million packets due, 64 granted. */
		CHECK_EQ_U(ratelimit_take(&rl, 1000000000ull, 1000000, NULL),
			   64);
		/* And the schedule continues from there, not from zero. */
		CHECK_EQ_U(ratelimit_take(&rl, 1000000000ull, 1000000, NULL),
			   0);
	}
	CASE("high rates in batches keep the average")
	{
		struct ratelimit rl;
		uint64_t sent = 0;

		ratelimit_init(&rl, 500000, 64, 0);
		for (uint64_t t = 0; t < 1000000000ull; t += 50000)
			sent += ratelimit_take(&rl, t, 64, NULL);
		CHECK(sent >= 499000 && sent <= 500100);
	}
	return DONE();
}
