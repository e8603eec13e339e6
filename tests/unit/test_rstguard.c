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

	CASE("IPv4: an inet table, an ip saddr rule")
	{
		struct addr a = A("198.18.0.2");
		int n = rstguard_script(buf, sizeof(buf), "fathom_42", &a,
					62100, 65535);

		CHECK(n > 0 && (size_t)n == strlen(buf));
		CHECK_STR(buf,
			  "table inet fathom_42 {\n"
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
		int n = rstguard_script(buf, sizeof(buf), "fathom_7", &a, 62100,
					65535);

		CHECK(n > 0);
		CHECK(strstr(buf, "table inet fathom_7 {\n") == buf);
		CHECK(strstr(buf, "    ip6 saddr fd5a:7a6f:1ab0:1::2 tcp sport "
				  "62100-65535 tcp flags & rst == rst "
				  "drop\n") != NULL);
		CHECK(strstr(buf, " ip saddr") == NULL);
	}
	CASE("no address, or no room: -1")
	{
		struct addr none = { 0 }, a = A("fd5a:7a6f:1ab0:1::2");

		CHECK(rstguard_script(buf, sizeof(buf), "fathom_1", &none, 1,
				      2) == -1);
		CHECK(rstguard_script(buf, 40, "fathom_1", &a, 1, 2) == -1);
	}
	return DONE();
}
