/* test_permute.c -- the probe order is a bijection for any size and seed. */
#include <stdint.h>
#include <stdlib.h>

#include "engine/sweep/permute.h"
#include "tests/unit/harness.h"

/* Visits all of [0, n) once: every value hit exactly once, inverse holds. */
static int check_bijection(uint64_t n, uint64_t seed)
{
	uint8_t *hit = calloc(n, 1);
	struct permute p;
	int ok = 1;

	permute_init(&p, n, seed);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t v = permute_at(&p, i);

		if (v >= n || hit[v]++) {
			ok = 0;
			break;
		}
		if (permute_index(&p, v) != i) {
			ok = 0;
			break;
		}
	}
	free(hit);
	return ok;
}

int main(void)
{
	static const uint64_t sizes[] = { 1,     2,     3,     7,      16,
					  17,    255,   256,   1000,   4097,
					  65535, 65536, 65537, 1000003 };
	static const uint64_t seeds[] = { 0, 1, 42, 0xdeadbeefcafef00dull };

	CASE("bijection for many sizes and seeds")
	{
		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
			for (size_t j = 0; j < 4; j++)
				CHECK(check_bijection(sizes[i], seeds[j]));
	}
	CASE("same seed, same order; other seed, other order")
	{
		struct permute a, b, c;
		int same = 1, differ = 0;

		permute_init(&a, 100000, 7);
		permute_init(&b, 100000, 7);
		permute_init(&c, 100000, 8);
		for (uint64_t i = 0; i < 100000; i++) {
			same &= permute_at(&a, i) == permute_at(&b, i);
			differ += permute_at(&a, i) != permute_at(&c, i);
		}
		CHECK(same);
		CHECK(differ > 99000);
	}
	CASE("order is shuffled, not sequential")
	{
		struct permute p;
		uint64_t fixed = 0, ascending = 0, prev = 0;

		permute_init(&p, 65536, 99);
		for (uint64_t i = 0; i < 65536; i++) {
			uint64_t v = permute_at(&p, i);

			fixed += v == i;
			ascending += v > prev;
			prev = v;
		}
		CHECK(fixed < 20);
		/* A random order rises about half the time. */
		CHECK(ascending > 30000 && ascending < 35500);
	}
	CASE("huge domains index in O(1) (2^40 targets x ports)")
	{
		struct permute p;
		uint64_t n = 1ull << 40, v;

		permute_init(&p, n, 5);
		v = permute_at(&p, n - 1);
		CHECK(v < n);
		CHECK_EQ_U(permute_index(&p, v), n - 1);
	}
	return DONE();
}
