/* test_ports.c -- unit tests for engine/cli/ports.c (-p, -F, --top-ports). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/cli/ports.h"
#include "engine/core/services.h"
#include "tests/unit/harness.h"

static char err[512];
static char fmt[8300];

static const char table[] = "http        80/tcp   0.50\n"
			    "http        80/udp   0.01\n"
			    "https       443/tcp  0.40\n"
			    "ssh         22/tcp   0.45\n"
			    "domain      53/tcp   0.10\n"
			    "domain      53/udp   0.50\n"
			    "snmp        161/udp  0.40\n"
			    "http-alt    8080/tcp 0.30\n"
			    "http-mgmt   280/tcp  0.01\n"
			    "mysql       3306/tcp 0.20\n"
			    "high        2000/tcp 0.05\n";

static struct services *svc;

/*
 * Parses arg into a fresh finalized spec and renders "T:<list> U:<list>"
 * into fmt; returns the parse status.
 */
static int parse(const char *arg, struct port_spec *spec)
{
	char t[4096], u[4096];
	int rc;

	memset(spec, 0, sizeof(*spec));
	err[0] = '\0';
	rc = ports_parse(arg, svc, spec, err, sizeof(err));
	ports_finalize(spec);
	ports_format(&spec->proto[SVC_TCP], t, sizeof(t));
	ports_format(&spec->proto[SVC_UDP], u, sizeof(u));
	snprintf(fmt, sizeof(fmt), "T:%s U:%s", t, u);
	return rc;
}

/* arg parses and yields exactly want ("T:... U:..."). */
static int yields(const char *arg, const char *want)
{
	struct port_spec spec;
	int rc = parse(arg, &spec);

	ports_free(&spec);
	if (rc != 0 || strcmp(fmt, want) != 0) {
		printf("#   '%s': rc %d, got \"%s\" want \"%s\" (%s)\n", arg,
		       rc, fmt, want, err);
		return 0;
	}
	return 1;
}

/* arg fails with exactly "bad port spec 'ITEM': reason". */
static int rejects(const char *arg, const struct services *s, const char *item,
		   const char *reason)
{
	struct port_spec spec;
	char want[512];
	int rc;

	memset(&spec, 0, sizeof(spec));
	err[0] = '\0';
	rc = ports_parse(arg, s, &spec, err, sizeof(err));
	ports_free(&spec);
	snprintf(want, sizeof(want), "bad port spec '%s': %s", item, reason);
	if (rc != -1 || strcmp(err, want) != 0) {
		printf("#   '%s': rc %d, err \"%s\"\n", arg, rc, err);
		return 0;
	}
	return 1;
}

static const char *table_path(void)
{
	static char buf[1024];
	const char *dir = getenv("FATHOM_SRCDIR");

	snprintf(buf, sizeof(buf), "%s/probes/fathom-services",
		 dir ? dir : ".");
	return buf;
}

int main(void)
{
	struct port_spec spec;

	svc = services_parse(table, strlen(table), "table", err, sizeof(err));
	if (svc == NULL) {
		printf("not ok - table: %s\n", err);
		return 1;
	}

	CASE("numbers, ranges and open ends")
	{
		CHECK(yields("80", "T:80 U:"));
		CHECK(yields("22,80,443", "T:22,80,443 U:"));
		CHECK(yields("1-5", "T:1-5 U:"));
		CHECK(yields("-5", "T:1-5 U:"));
		CHECK(yields("65530-", "T:65530-65535 U:"));
		CHECK(yields("-", "T:1-65535 U:"));
		CHECK(yields("7-7", "T:7 U:"));
		CHECK(yields("65535", "T:65535 U:"));
	}

	CASE("port 0 only when explicit")
	{
		CHECK(yields("0", "T:0 U:"));
		CHECK(yields("0-3", "T:0-3 U:"));
		CHECK(yields("0-", "T:0-65535 U:"));
		CHECK(yields("-3", "T:1-3 U:"));
	}

	CASE("-p- is 65535 ports with an O(1) index")
	{
		CHECK_EQ_U(parse("-", &spec), 0);
		CHECK_EQ_U(spec.proto[SVC_TCP].n, 65535);
		CHECK_EQ_U(spec.proto[SVC_UDP].n, 0);
		CHECK_EQ_U(spec.proto[SVC_TCP].ports[0], 1);
		CHECK_EQ_U(spec.proto[SVC_TCP].ports[65534], 65535);
		CHECK(spec.proto[SVC_TCP].index[0] == -1);
		CHECK(spec.proto[SVC_TCP].index[1] == 0);
		CHECK(spec.proto[SVC_TCP].index[65535] == 65534);
		CHECK(spec.proto[SVC_UDP].index != NULL &&
		      spec.proto[SVC_UDP].index[53] == -1);
		ports_free(&spec);
		CHECK(spec.proto[SVC_TCP].ports == NULL);
		CHECK(spec.proto[SVC_TCP].index == NULL);
		CHECK_EQ_U(spec.proto[SVC_TCP].n, 0);
	}

	CASE("overlaps and duplicates collapse, order does not matter")
	{
		CHECK(yields("443,80,80,1-10,5-20,22", "T:1-20,22,80,443 U:"));
		CHECK(parse("9,3,5,3", &spec) == 0);
		CHECK_EQ_U(spec.proto[SVC_TCP].n, 3);
		CHECK(spec.proto[SVC_TCP].index[3] == 0);
		CHECK(spec.proto[SVC_TCP].index[5] == 1);
		CHECK(spec.proto[SVC_TCP].index[9] == 2);
		CHECK(spec.proto[SVC_TCP].index[4] == -1);
		ports_free(&spec);
	}

	CASE("protocol prefixes persist until the next one")
	{
		CHECK(yields("U:53,161", "T: U:53,161"));
		CHECK(yields("T:22,U:53,111,T:80", "T:22,80 U:53,111"));
		CHECK(yields("22,U:53,T:25", "T:22,25 U:53"));
		CHECK(yields("u:53,t:21", "T:21 U:53"));
		CHECK(yields("U:-3,T:1", "T:1 U:1-3"));
	}

	CASE("service names and globs")
	{
		CHECK(yields("http", "T:80 U:"));
		CHECK(yields("HTTP", "T:80 U:"));
		CHECK(yields("U:http", "T: U:80"));
		CHECK(yields("U:domain,T:domain", "T:53 U:53"));
		CHECK(yields("http*", "T:80,280,443,8080 U:"));
		CHECK(yields("http-*", "T:280,8080 U:"));
		CHECK(yields("*sql*,ssh", "T:22,3306 U:"));
		CHECK(yields("ht?p", "T:80 U:"));
		CHECK(yields("*", "T:22,53,80,280,443,2000,3306,8080 U:"));
		CHECK(yields("U:*", "T: U:53,80,161"));
		CHECK(yields("ssh,1-3,https", "T:1-3,22,443 U:"));
	}

	CASE("[range] takes only ports the table names")
	{
		CHECK(yields("[-1024]", "T:22,53,80,280,443 U:"));
		CHECK(yields("[1-100]", "T:22,53,80 U:"));
		CHECK(yields("[1024-]", "T:2000,3306,8080 U:"));
		CHECK(yields("[-]", "T:22,53,80,280,443,2000,3306,8080 U:"));
		CHECK(yields("U:[-]", "T: U:53,80,161"));
		CHECK(yields("[80]", "T:80 U:"));
	}

	CASE("--exclude-ports")
	{
		CHECK(parse("1-100,U:50-60", &spec) == 0);
		CHECK(ports_exclude("10-19,80,U:53", svc, &spec, err,
				    sizeof(err)) == 0);
		ports_format(&spec.proto[SVC_TCP], fmt, sizeof(fmt));
		CHECK_STR(fmt, "1-9,20-79,81-100");
		ports_format(&spec.proto[SVC_UDP], fmt, sizeof(fmt));
		CHECK_STR(fmt, "50-52,54-60");
		/* Already finalized: the index must follow the shift. */
		CHECK(spec.proto[SVC_TCP].index[20] == 9);
		CHECK(spec.proto[SVC_TCP].index[15] == -1);
		CHECK(spec.proto[SVC_TCP].index[100] == 88);
		CHECK(spec.proto[SVC_UDP].index[53] == -1);
		CHECK(spec.proto[SVC_UDP].index[54] == 3);
		CHECK(ports_exclude("http,ssh", svc, &spec, err, sizeof(err)) ==
		      0);
		ports_format(&spec.proto[SVC_TCP], fmt, sizeof(fmt));
		CHECK_STR(fmt, "1-9,20-21,23-79,81-100");
		CHECK(ports_exclude("70000", svc, &spec, err, sizeof(err)) ==
		      -1);
		CHECK_STR(err, "bad port spec '70000': port out of range "
			       "0-65535");
		CHECK_EQ_U(spec.proto[SVC_TCP].n, 88);
		ports_free(&spec);
	}

	CASE("top ports from a small table")
	{
		memset(&spec, 0, sizeof(spec));
		ports_top(svc, SVC_TCP, 3, &spec);
		ports_top(svc, SVC_UDP, 2, &spec);
		ports_finalize(&spec);
		ports_format(&spec.proto[SVC_TCP], fmt, sizeof(fmt));
		CHECK_STR(fmt, "22,80,443");
		ports_format(&spec.proto[SVC_UDP], fmt, sizeof(fmt));
		CHECK_STR(fmt, "53,161");
		/* More than the table has: all of them, no junk. */
		ports_top(svc, SVC_TCP, 100000, &spec);
		ports_finalize(&spec);
		CHECK_EQ_U(spec.proto[SVC_TCP].n, 8);
		ports_free(&spec);
		ports_top(NULL, SVC_TCP, 10, &spec);
		CHECK_EQ_U(spec.proto[SVC_TCP].n, 0);
	}

	CASE("top 100 and 1000 from probes/fathom-services")
	{
		struct services *real;
		struct port_list *pl;
		size_t i;

		real = services_load(table_path(), err, sizeof(err));
		CHECK(real != NULL);
		if (real == NULL)
			printf("#   %s\n", err);
		memset(&spec, 0, sizeof(spec));
		ports_top(real, SVC_TCP, 100, &spec);
		ports_top(real, SVC_UDP, 100, &spec);
		ports_finalize(&spec);
		pl = &spec.proto[SVC_TCP];
		CHECK_EQ_U(pl->n, 100);
		CHECK_EQ_U(spec.proto[SVC_UDP].n, 100);
		for (i = 1; i < pl->n; i++)
			CHECK(pl->ports[i - 1] < pl->ports[i]);
		CHECK(pl->index[80] >= 0 && pl->index[443] >= 0);
		CHECK(pl->index[22] >= 0 && pl->index[3389] >= 0);
		CHECK(spec.proto[SVC_UDP].index[53] >= 0);
		CHECK(spec.proto[SVC_UDP].index[161] >= 0);
		ports_free(&spec);

		ports_top(real, SVC_TCP, 1000, &spec);
		ports_finalize(&spec);
		pl = &spec.proto[SVC_TCP];
		CHECK_EQ_U(pl->n, 1000);
		for (i = 0; i < pl->n; i++)
			CHECK(services_name(real, SVC_TCP, pl->ports[i]));
		CHECK(pl->index[8080] >= 0 && pl->index[6379] >= 0);
		ports_free(&spec);

		/* Names from the real table work in -p too. */
		CHECK(parse("ssh,U:snmp", &spec) == 0);
		ports_free(&spec);
		memset(&spec, 0, sizeof(spec));
		CHECK(ports_parse("ssh,U:snmp,T:http-proxy", real, &spec, err,
				  sizeof(err)) == 0);
		ports_finalize(&spec);
		ports_format(&spec.proto[SVC_TCP], fmt, sizeof(fmt));
		CHECK_STR(fmt, "22,8080");
		ports_format(&spec.proto[SVC_UDP], fmt, sizeof(fmt));
		CHECK_STR(fmt, "161");
		ports_free(&spec);
		services_free(real);
	}

	CASE("ports_format ranges and truncation")
	{
		static const uint16_t p[] = { 1, 3, 4, 6, 7, 65535 };
		struct port_list pl = { .ports = (uint16_t *)p, .n = 6 };
		char small[8];

		CHECK_EQ_U(ports_format(&pl, fmt, sizeof(fmt)), 15);
		CHECK_STR(fmt, "1,3-4,6-7,65535");
		memset(small, 'x', sizeof(small));
		CHECK_EQ_U(ports_format(&pl, small, sizeof(small)), 15);
		CHECK_STR(small, "1,3-4,6");
		CHECK_EQ_U(ports_format(&pl, small, 1), 15);
		CHECK_STR(small, "");
		CHECK_EQ_U(ports_format(&pl, NULL, 0), 15);
		pl.n = 0;
		CHECK_EQ_U(ports_format(&pl, fmt, sizeof(fmt)), 0);
		CHECK_STR(fmt, "");
		pl.n = 1;
		CHECK_EQ_U(ports_format(&pl, fmt, sizeof(fmt)), 1);
		CHECK_STR(fmt, "1");
	}

	CASE("errors: shape")
	{
		CHECK(rejects("", svc, "", "empty"));
		CHECK(rejects(",", svc, "", "empty item"));
		CHECK(rejects("80,", svc, "", "empty item"));
		CHECK(rejects("80,,81", svc, "", "empty item"));
		CHECK(rejects("T:", svc, "T:", "empty item"));
		CHECK(rejects("1-2-3", svc, "1-2-3", "more than one '-'"));
		CHECK(rejects("80 ", svc, "80 ", "bad port number"));
		CHECK(rejects("--", svc, "--", "more than one '-'"));
	}

	CASE("errors: numbers")
	{
		CHECK(rejects("65536", svc, "65536",
			      "port out of range 0-65535"));
		CHECK(rejects("1-99999999999999999999", svc,
			      "1-99999999999999999999",
			      "port out of range 0-65535"));
		CHECK(rejects("22,10-5", svc, "10-5", "range is reversed"));
		CHECK(rejects("U:53,T:-0", svc, "T:-0", "range is reversed"));
	}

	CASE("errors: prefixes")
	{
		CHECK(rejects("S:80", svc, "S:80",
			      "SCTP/IP protocol scans are not supported"));
		CHECK(rejects("80,P:6", svc, "P:6",
			      "SCTP/IP protocol scans are not supported"));
		CHECK(rejects("X:80", svc, "X:80",
			      "unknown protocol prefix (use T: or U:)"));
	}

	CASE("errors: names")
	{
		CHECK(rejects("nosuch", svc, "nosuch",
			      "no such TCP service name"));
		CHECK(rejects("U:ssh", svc, "U:ssh",
			      "no such UDP service name"));
		CHECK(rejects("80x", svc, "80x", "no such TCP service name"));
		CHECK(rejects("ht/tp", svc, "ht/tp",
			      "bad character in service name"));
		CHECK(rejects("http", NULL, "http",
			      "service names need the services table"));
		CHECK(rejects("[1-10", svc, "[1-10", "missing ']'"));
		CHECK(rejects("[60000-]", svc, "[60000-]",
			      "no port in that range has a service name"));
		CHECK(rejects("[http]", svc, "[http]", "bad port number"));
		CHECK(rejects("[-1024]", NULL, "[-1024]",
			      "[...] needs the services table"));
	}

	services_free(svc);
	return DONE();
}
