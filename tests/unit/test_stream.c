/* test_stream.c -- the sweep's order over hosts that come while it runs (engine/sweep/stream.c, hostfeed.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/sweep/synscan_int.h"
#include "tests/unit/harness.h"

static int never(struct sweep *w)
{
	(void)w;
	return 1; /* would wait: stop instead */
}

/* Every position maps to an (up host, slot) and back, each once. */
static int bijective(struct sweep *w, const int *up, size_t nup)
{
	uint64_t total = atomic_load(&w->total), hint = 0;
	char *hit = calloc(w->nt * w->np, 1);
	int good = total == nup * w->np;

	for (uint64_t x = 0; x < total && good; x++) {
		uint64_t idx = sweep_idx_at(w, x, &hint), ti = idx % w->nt;
		int isup = 0;

		for (size_t i = 0; i < nup; i++)
			isup |= (uint64_t)up[i] == ti;
		good = isup && idx / w->nt < w->np && !hit[idx] &&
		       sweep_pos_of(w, idx) == x;
		hit[idx] = 1;
	}
	free(hit);
	return good;
}

static void setup(struct sweep *w, struct scan_opts *o, struct hostfeed *f)
{
	memset(w, 0, sizeof(*w));
	memset(o, 0, sizeof(*o));
	o->seed = 42;
	w->o = o;
	w->nt = 100;
	w->np = 3;
	hostfeed_init(f, w->nt, 1000, 0);
	w->feed = f;
}

int main(void)
{
	CASE("hosts placed in chunks as they come; positions map back")
	{
		static struct sweep w;
		struct scan_opts o;
		struct hostfeed f;
		const int up[] = { 5, 17, 3, 50, 99 };
		uint64_t hint = 0;

		setup(&w, &o, &f);
		CHECK(!sweep_stream_more(&w, never)); /* none yet: waits */
		hostfeed_add(&f, 5);
		hostfeed_add(&f, 17);
		hostfeed_add(&f, 3);
		hostfeed_add(&f, 17); /* again: nothing */
		CHECK_EQ_U(hostfeed_count(&f), 3);
		CHECK(sweep_stream_more(&w, never));
		CHECK_EQ_U(atomic_load(&w.total), 9);
		CHECK(bijective(&w, up, 3));
		hostfeed_add(&f, 50);
		hostfeed_add(&f, 99);
		CHECK(sweep_stream_more(&w, never));
		CHECK_EQ_U(atomic_load(&w.total), 15);
		CHECK_EQ_U(atomic_load(&w.nchunk), 2);
		CHECK(bijective(&w, up, 5));
		/* The first chunk's positions stay its hosts'. */
		for (uint64_t x = 0; x < 9; x++) {
			uint64_t ti = sweep_idx_at(&w, x, &hint) % 100;

			CHECK(ti == 5 || ti == 17 || ti == 3);
		}
		CHECK_EQ_U(sweep_pos_of(&w, 4 + 1 * 100), UINT64_MAX);
		hostfeed_close(&f);
		CHECK(!sweep_stream_more(&w, never));
		CHECK_EQ_U(hostfeed_rank(&f, 50), 4);
		CHECK_EQ_U(hostfeed_rank(&f, 4), 0);
		sweep_stream_free(&w);
		hostfeed_destroy(&f);
	}
	CASE("-r: each chunk in order, host by host within a slot")
	{
		static struct sweep w;
		struct scan_opts o;
		struct hostfeed f;
		const int up[] = { 7, 2 };
		uint64_t hint = 0;

		setup(&w, &o, &f);
		o.sequential = 1;
		hostfeed_add(&f, 7);
		hostfeed_add(&f, 2);
		CHECK(sweep_stream_more(&w, never));
		CHECK(bijective(&w, up, 2));
		CHECK_EQ_U(sweep_idx_at(&w, 0, &hint), 7);
		CHECK_EQ_U(sweep_idx_at(&w, 1, &hint), 2);
		CHECK_EQ_U(sweep_idx_at(&w, 2, &hint), 7 + 100);
		sweep_stream_free(&w);
		hostfeed_destroy(&f);
	}
	CASE("the shared budget grants at the rate, to any caller")
	{
		struct hostfeed f;
		uint64_t wait = 0, n;

		hostfeed_init(&f, 1, 1000, 0);
		/* Two senders asking every 10 ms for 1 s: 1000 between them. */
		n = 0;
		for (uint64_t t = 0; t <= 1000000000ull; t += 10000000ull) {
			n += hostfeed_take(&f, t, 64, &wait);
			n += hostfeed_take(&f, t, 64, &wait);
		}
		CHECK(n >= 1000 && n <= 1001);
		CHECK_EQ_U(hostfeed_take(&f, 1000000000ull, 1, &wait), 0);
		CHECK(wait > 0);
		hostfeed_destroy(&f);
	}
	return DONE();
}
