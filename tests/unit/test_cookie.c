/* test_cookie.c -- SipHash against the paper's vector; cookie properties. */
#include <stdint.h>
#include <stdio.h>

#include "netstack/addr.h"
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
	CASE("IPv4 cookies are what they were, bit for bit")
	{
		/* Values of cookie_make before struct addr existed (the
		 * paper's key); cookie_make_addr must give the same. */
		static const struct {
			uint32_t s, d;
			uint16_t port;
			uint8_t proto;
			uint32_t seq;
			uint16_t sport;
		} gold[] = {
			{ 0xc6120002, 0xc612000a, 22, 6, 0xe46f4778, 61248 },
			{ 0xc6120002, 0xc612000b, 3306, 6, 0xa9cca6e2, 61509 },
			{ 0xc6120002, 0xc6130001, 53, 17, 0xa2a805cf, 63799 },
			{ 1, 2, 3, 6, 0x35cc9ac2, 62256 },
		};
		struct cookie_key k = { 0x0706050403020100ull,
					0x0f0e0d0c0b0a0908ull };

		for (size_t i = 0; i < sizeof(gold) / sizeof(gold[0]); i++) {
			struct addr s4 = addr_from_v4(gold[i].s);
			struct addr d4 = addr_from_v4(gold[i].d);
			struct cookie a = cookie_make(&k, gold[i].s, gold[i].d,
						      gold[i].port,
						      gold[i].proto, 61000,
						      4096);
			struct cookie b =
				cookie_make_addr(&k, &s4, &d4, gold[i].port,
						 gold[i].proto, 61000, 4096);

			CHECK_EQ_U(a.seq, gold[i].seq);
			CHECK_EQ_U(a.sport, gold[i].sport);
			CHECK_EQ_U(b.seq, gold[i].seq);
			CHECK_EQ_U(b.sport, gold[i].sport);
		}
	}
	CASE("IPv6 cookies: deterministic, every field counts, in range")
	{
		struct cookie_key k = { 11, 12 }, k2 = { 11, 13 };
		struct addr s, d, d2, m;
		struct cookie a, b;

		CHECK(addr_parse("fd5a:7a6f:1ab0:1::2", &s) == 0);
		CHECK(addr_parse("fd5a:7a6f:1ab0:1::11", &d) == 0);
		CHECK(addr_parse("fd5a:7a6f:1ab0:1::12", &d2) == 0);
		CHECK(addr_parse("::ffff:198.18.0.10", &m) == 0);
		a = cookie_make_addr(&k, &s, &d, 22, 6, 61000, 1024);
		b = cookie_make_addr(&k, &s, &d, 22, 6, 61000, 1024);
		CHECK_EQ_U(a.seq, b.seq);
		CHECK_EQ_U(a.sport, b.sport);
		CHECK(a.sport >= 61000 && a.sport < 62024);
		CHECK(cookie_make_addr(&k, &d, &s, 22, 6, 61000, 1024).seq !=
		      a.seq);
		CHECK(cookie_make_addr(&k, &s, &d2, 22, 6, 61000, 1024).seq !=
		      a.seq);
		CHECK(cookie_make_addr(&k, &s, &d, 23, 6, 61000, 1024).seq !=
		      a.seq);
		CHECK(cookie_make_addr(&k, &s, &d, 22, 17, 61000, 1024).seq !=
		      a.seq);
		CHECK(cookie_make_addr(&k2, &s, &d, 22, 6, 61000, 1024).seq !=
		      a.seq);
		CHECK_EQ_U(cookie_make_addr(&k, &s, &d, 22, 6, 4444, 1).sport,
			   4444);
		/* An IPv4 target and its mapped IPv6 form differ. */
		{
			struct addr v4 = addr_from_v4(0xc612000a);
			struct addr s4 = addr_from_v4(0xc6120002);

			CHECK(cookie_make_addr(&k, &s4, &v4, 22, 6, 61000, 1024)
				      .seq !=
			      cookie_make_addr(&k, &s, &m, 22, 6, 61000, 1024)
				      .seq);
		}
	}
	CASE("cookie_check accepts our reply and nothing else")
	{
		struct cookie_key k = { 21, 22 };
		struct addr s, d;
		struct cookie c;

		CHECK(addr_parse("fd5a:7a6f:1ab0:1::2", &s) == 0);
		CHECK(addr_parse("fd5a:7a6f:1ab0:1::11", &d) == 0);
		c = cookie_make_addr(&k, &s, &d, 443, 6, 61000, 4096);
		CHECK(cookie_check(&k, &s, &d, 443, 6, 61000, 4096, c.sport,
				   c.seq + 1, 1));
		CHECK(cookie_check(&k, &s, &d, 443, 6, 61000, 4096, c.sport,
				   c.seq, 0));
		CHECK(!cookie_check(&k, &s, &d, 443, 6, 61000, 4096, c.sport,
				    c.seq, 1));
		CHECK(!cookie_check(&k, &s, &d, 443, 6, 61000, 4096,
				    (uint16_t)(c.sport + 1), c.seq + 1, 1));
		CHECK(!cookie_check(&k, &s, &d, 444, 6, 61000, 4096, c.sport,
				    c.seq + 1, 1));
	}
	return DONE();
}
