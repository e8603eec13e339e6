/* test_rstguard.c -- the nft guard's table text for both families. */
#include <stdio.h>
#include <string.h>

#include "netstack/addr.h"
#include "netstack/rstguard.h"
#include "tests/unit/addrs.h"
#include "tests/unit/harness.h"

int main(void)
{
	char buf[512];
	struct rstguard_ports vs = { 62100, 65535 };

	CASE("IPv4: an inet table, an ip saddr rule")
	{
		struct addr a = A("198.18.0.2");
		int n = rstguard_script(buf, sizeof(buf), "fathom_42", &a, &vs,
					1);

		CHECK(n > 0 && (size_t)n == strlen(buf));
		CHECK_STR(buf, "table inet fathom_42 {\n"
			       "  chain out {\n"
			       "    type filter hook output priority 0; "
			       "policy accept;\n"
			       "    ip saddr 198.18.0.2 tcp sport 62100-65535 "
			       "tcp flags & rst == rst drop\n"
			       "  }\n"
			       "}\n");
	}
	CASE("IPv6: the same table, an ip6 saddr rule in RFC 5952 form")
	{
		struct addr a = A("fd5a:7a6f:1ab0:0001:0000::2");
		int n = rstguard_script(buf, sizeof(buf), "fathom_7", &a, &vs,
					1);

		CHECK(n > 0);
		CHECK(strstr(buf, "table inet fathom_7 {\n") == buf);
		CHECK(strstr(buf, "    ip6 saddr fd5a:7a6f:1ab0:1::2 tcp sport "
				  "62100-65535 tcp flags & rst == rst "
				  "drop\n") != NULL);
		CHECK(strstr(buf, " ip saddr") == NULL);
	}
	CASE("a probe's reserved ports too: one rule, an anonymous set")
	{
		struct addr a = A("198.18.0.2");
		struct rstguard_ports r[2] = { { 512, 1023 },
					       { 61000, 65535 } };
		int n = rstguard_script(buf, sizeof(buf), "fathom_9", &a, r, 2);

		CHECK(n > 0 && (size_t)n == strlen(buf));
		CHECK_STR(buf, "table inet fathom_9 {\n"
			       "  chain out {\n"
			       "    type filter hook output priority 0; "
			       "policy accept;\n"
			       "    ip saddr 198.18.0.2 tcp sport { 512-1023, "
			       "61000-65535 } tcp flags & rst == rst drop\n"
			       "  }\n"
			       "}\n");
	}
	CASE("the largest script fits 512 bytes")
	{
		struct addr a = A("fd5a:7a6f:1ab0:ffff:ffff:ffff:ffff:fffe");
		struct rstguard_ports r[RSTGUARD_MAX_RANGES];

		for (size_t i = 0; i < RSTGUARD_MAX_RANGES; i++)
			r[i] = (struct rstguard_ports){ 65530, 65535 };
		CHECK(rstguard_script(buf, sizeof(buf), "fathom_4294967295", &a,
				      r, RSTGUARD_MAX_RANGES) > 0);
	}
	CASE("no address, no ports, too many, reversed, or no room: -1")
	{
		struct addr none = { 0 }, a = A("fd5a:7a6f:1ab0:1::2");
		struct rstguard_ports r[RSTGUARD_MAX_RANGES + 1] = { { 1, 2 } };
		struct rstguard_ports back = { 1023, 512 };

		CHECK(rstguard_script(buf, sizeof(buf), "fathom_1", &none, r,
				      1) == -1);
		CHECK(rstguard_script(buf, sizeof(buf), "fathom_1", &a, r, 0) ==
		      -1);
		CHECK(rstguard_script(buf, sizeof(buf), "fathom_1", &a, r,
				      RSTGUARD_MAX_RANGES + 1) == -1);
		CHECK(rstguard_script(buf, sizeof(buf), "fathom_1", &a, &back,
				      1) == -1);
		CHECK(rstguard_script(buf, 40, "fathom_1", &a, r, 1) == -1);
	}
	return DONE();
}
