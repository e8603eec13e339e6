/* test_addr.c -- the address type: parse, format, order, hash, prefix math. */
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "netstack/addr.h"
#include "tests/unit/addrs.h"
#include "tests/unit/harness.h"

static const char *F(struct addr a)
{
	static char buf[4][ADDR_STRLEN];
	static int k;

	return addr_format(&a, buf[k++ & 3]);
}

int main(void)
{
	struct addr a, b;
	uint64_t d;

	CASE("parse and format, both families, RFC 5952 text")
	{
		CHECK_STR(F(A("198.18.0.10")), "198.18.0.10");
		CHECK_STR(F(A("FD5A:7A6F:1AB0:0001:0000:0000:0000:000A")),
			  "fd5a:7a6f:1ab0:1::a");
		CHECK_STR(F(A("2001:db8:0:0:1:0:0:1")), "2001:db8::1:0:0:1");
		CHECK_STR(F(A("::")), "::");
		CHECK_EQ_U(A("198.18.0.10").family, ADDR_V4);
		CHECK_EQ_U(A("::1").family, ADDR_V6);
		a = A("198.18.0.10");
		CHECK_EQ_U(addr_v4(&a), 0xc612000aU);
		b = addr_from_v4(0xc612000aU);
		CHECK(addr_eq(&a, &b));
	}
	CASE("junk is rejected and leaves the output alone")
	{
		static const char *bad[] = { "",           "10.1",
					     "1.2.3.256",  "1.2.3.4.5",
					     "fd5a::1::2", "fd5a:::1",
					     "[::1]",      "::1%eth0",
					     "g::1",       "1.2.3.4 " };
		size_t i;

		for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			a = addr_from_v4(7);
			CHECK(addr_parse(bad[i], &a) == -1);
			CHECK_EQ_U(addr_v4(&a), 7);
		}
	}
	CASE("order: IPv4 before IPv6, then numeric")
	{
		CHECK(addr_cmp(&(struct addr){ 0 }, &(struct addr){ 0 }) == 0);
		a = A("255.255.255.255");
		b = A("::");
		CHECK(addr_cmp(&a, &b) < 0);
		a = A("10.0.0.2");
		b = A("10.0.0.10");
		CHECK(addr_cmp(&a, &b) < 0);
		a = A("fd5a::2");
		b = A("fd5a::10");
		CHECK(addr_cmp(&a, &b) < 0);
		CHECK(addr_cmp(&b, &a) > 0);
		a = A("0.0.0.1");
		b = A("::1"); /* same low bytes, different family */
		CHECK(!addr_eq(&a, &b));
	}
	CASE("hash: keyed, family counts")
	{
		a = A("0.0.0.1");
		b = A("::1");
		CHECK(addr_hash(&a, 1, 2) != addr_hash(&b, 1, 2));
		CHECK(addr_hash(&a, 1, 2) != addr_hash(&a, 1, 3));
		CHECK(addr_hash(&a, 1, 2) == addr_hash(&a, 1, 2));
	}
	CASE("prefix first and last")
	{
		a = A("198.18.7.9");
		CHECK_STR(F(addr_prefix_first(&a, 22)), "198.18.4.0");
		CHECK_STR(F(addr_prefix_last(&a, 22)), "198.18.7.255");
		CHECK_STR(F(addr_prefix_first(&a, 0)), "0.0.0.0");
		CHECK_STR(F(addr_prefix_last(&a, 32)), "198.18.7.9");
		a = A("fd5a:7a6f:1ab0:1::a");
		CHECK_STR(F(addr_prefix_first(&a, 120)), "fd5a:7a6f:1ab0:1::");
		CHECK_STR(F(addr_prefix_last(&a, 120)), "fd5a:7a6f:1ab0:1::ff");
		CHECK_STR(F(addr_prefix_last(&a, 61)),
			  "fd5a:7a6f:1ab0:7:ffff:ffff:ffff:ffff");
		CHECK_STR(F(addr_prefix_last(&a, 128)), "fd5a:7a6f:1ab0:1::a");
	}
	CASE("add and diff, with carries and overflow")
	{
		a = A("198.18.0.255");
		CHECK(addr_add(&a, 1, &b) == 0);
		CHECK_STR(F(b), "198.18.1.0");
		a = A("255.255.255.254");
		CHECK(addr_add(&a, 2, &b) == -1);
		a = A("fd5a::ffff:ffff:ffff:ffff");
		CHECK(addr_add(&a, 1, &b) == 0);
		CHECK_STR(F(b), "fd5a:0:0:1::");
		CHECK(addr_diff(&b, &a, &d) == 0);
		CHECK_EQ_U(d, 1);
		a = A("fd5a::");
		b = A("fd5a::1:0:0:0:0"); /* 2^64 apart: too wide */
		CHECK(addr_diff(&b, &a, &d) == -1);
		b = A("fd5a::ffff:ffff:ffff:ffff");
		CHECK(addr_diff(&b, &a, &d) == 0);
		CHECK_EQ_U(d, UINT64_MAX);
		CHECK(addr_diff(&a, &b, &d) == -1); /* lo > hi */
		b = A("1.2.3.4");
		CHECK(addr_diff(&a, &b, &d) == -1); /* families differ */
		a = A("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe");
		CHECK(addr_add(&a, 2, &b) == -1);
	}
	CASE("sockaddr round trip")
	{
		struct sockaddr_storage ss;
		uint16_t port = 0;

		a = A("fd5a:7a6f:1ab0:1::a");
		CHECK(addr_to_sockaddr(&a, 443, (struct sockaddr *)&ss,
				       sizeof ss) ==
		      sizeof(struct sockaddr_in6));
		CHECK(addr_from_sockaddr((struct sockaddr *)&ss, &b, &port) ==
		      0);
		CHECK(addr_eq(&a, &b));
		CHECK_EQ_U(port, 443);
		a = A("198.18.0.10");
		CHECK(addr_to_sockaddr(&a, 22, (struct sockaddr *)&ss, 4) == 0);
		CHECK(addr_to_sockaddr(&a, 22, (struct sockaddr *)&ss,
				       sizeof ss) ==
		      sizeof(struct sockaddr_in));
		CHECK(addr_from_sockaddr((struct sockaddr *)&ss, &b, &port) ==
		      0);
		CHECK(addr_eq(&a, &b));
		CHECK_EQ_U(port, 22);
	}
	return DONE();
}
