/* test_cookie.c -- SipHash against the paper's vector; cookie properties. */
#include <stdint.h>
#include <stdio.h>

#include "netstack/cookie.h"
#include "netstack/siphash.h"
#include "tests/unit/harness.h"

int main(void)
{
	CASE("siphash24 matches the SipHash paper's test vector")
	{
		/* Appendix A: key 00..0f, message 00..0e (15 bytes). */
		uint8_t msg[15];
		uint64_t k0 = 0x0706050403020100ull, k1 = 0x0f0e0d0c0b0a0908ull;

		for (int i = 0; i < 15; i++)
			msg[i] = (uint8_t)i;
		CHECK_EQ_U(siphash24(k0, k1, msg, 15), 0xa129ca6149be45e5ull);
	}
	CASE("siphash24 of the empty message (reference vector 0)")
	{
		uint64_t k0 = 0x0706050403020100ull, k1 = 0x0f0e0d0c0b0a0908ull;

		CHECK_EQ_U(siphash24(k0, k1, "", 0), 0x726fdb47dd0e0e31ull);
	}
	CASE("cookie is deterministic under one key")
	{
		struct cookie_key k = { 1, 2 };
		struct cookie a = cookie_make(&k, 0xc6120002, 0xc612000a, 22, 6,
					      61000, 1024);
		struct cookie b = cookie_make(&k, 0xc6120002, 0xc612000a, 22, 6,
					      61000, 1024);

		CHECK_EQ_U(a.seq, b.seq);
		CHECK_EQ_U(a.sport, b.sport);
		CHECK(a.sport >= 61000 && a.sport < 62024);
	}
	CASE("cookie changes with every field of the 4-tuple and the key")
	{
		struct cookie_key k = { 1, 2 }, k2 = { 1, 3 };
		struct cookie a = cookie_make(&k, 1, 2, 3, 6, 61000, 1024);

		CHECK(cookie_make(&k, 9, 2, 3, 6, 61000, 1024).seq != a.seq);
		CHECK(cookie_make(&k, 1, 9, 3, 6, 61000, 1024).seq != a.seq);
		CHECK(cookie_make(&k, 1, 2, 9, 6, 61000, 1024).seq != a.seq);
		CHECK(cookie_make(&k, 1, 2, 3, 17, 61000, 1024).seq != a.seq);
		CHECK(cookie_make(&k2, 1, 2, 3, 6, 61000, 1024).seq != a.seq);
	}
	CASE("a fixed source port (-g) is honoured")
	{
		struct cookie_key k = { 5, 6 };

		for (uint16_t p = 1; p < 100; p++)
			CHECK_EQ_U(cookie_make(&k, 1, p, p, 6, 4444, 1).sport,
				   4444);
	}
	CASE("source ports spread over the whole range")
	{
		struct cookie_key k = { 7, 8 };
		int seen[16] = { 0 }, all = 1;

		for (uint32_t d = 0; d < 4096; d++)
			seen[(cookie_make(&k, 1, d, 80, 6, 61000, 16).sport -
			      61000)]++;
		for (int i = 0; i < 16; i++)
			all &= seen[i] > 128;
		CHECK(all);
	}
	CASE("random keys differ")
	{
		struct cookie_key a, b;

		CHECK(cookie_key_random(&a) == 0);
		CHECK(cookie_key_random(&b) == 0);
		CHECK(a.k0 != b.k0 || a.k1 != b.k1);
	}
	return DONE();
}
