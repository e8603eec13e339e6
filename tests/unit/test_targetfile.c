/* test_targetfile.c -- -iL lines: targets, host:port, masscan -oL, NDJSON. */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/cli/targetfile.h"
#include "tests/unit/harness.h"

static const char *data(const char *name)
{
	static char buf[1024];
	const char *dir = getenv("FATHOM_SRCDIR");

	snprintf(buf, sizeof(buf), "%s/tests/data/targetfile/%s",
		 dir ? dir : ".", name);
	return buf;
}

/* s parsed, in one of four slots: enough for one call's arguments. */
static const struct addr *ip(const char *s)
{
	static struct addr ring[4];
	static unsigned k;
	struct addr *a = &ring[k++ % 4];

	memset(a, 0, sizeof(*a));
	addr_parse(s, a);
	return a;
}

static int in_set(const struct target_set *ts, const char *s)
{
	struct addr a;

	return addr_parse(s, &a) == 0 && targets_index_of(ts, &a) >= 0;
}

/* Loads name into fresh sets; finalizes both. */
static int load(const char *name, struct target_set **ts,
		struct port_pairs **pp, char *err, size_t errlen)
{
	char e2[256];
	int rc;

	*ts = targets_new();
	*pp = pairs_new();
	rc = targetfile_load(*ts, *pp, data(name), 1, err, errlen);
	if (rc == 0 && targets_finalize(*ts, e2, sizeof(e2)) < 0)
		rc = -1;
	pairs_finalize(*pp);
	return rc;
}

static void drop(struct target_set *ts, struct port_pairs *pp)
{
	targets_free(ts);
	pairs_free(pp);
}

int main(void)
{
	struct target_set *ts;
	struct port_pairs *pp;
	char err[512];

	CASE("-iL masscan -oL: open tcp lines give host:port pairs")
	{
		CHECK(load("masscan.txt", &ts, &pp, err, sizeof(err)) == 0);
		CHECK_EQ_U(targets_count(ts), 2);
		CHECK(in_set(ts, "198.19.0.4"));
		CHECK(in_set(ts, "198.19.0.8"));
		/* The banner and the closed port add nothing. */
		CHECK_EQ_U(pp->n, 3);
		CHECK(pp->bare_empty);
		CHECK(pairs_wanted(pp, ip("198.19.0.4"), 80));
		CHECK(pairs_wanted(pp, ip("198.19.0.4"), 22));
		CHECK(!pairs_wanted(pp, ip("198.19.0.4"), 443));
		CHECK(pairs_wanted(pp, ip("198.19.0.8"), 443));
		CHECK(!pairs_wanted(pp, ip("198.19.0.8"), 25));
		drop(ts, pp);
	}
	CASE("-iL host:port beside plain targets: bare ones get the -p ports")
	{
		CHECK(load("hostport.txt", &ts, &pp, err, sizeof(err)) == 0);
		/* .10, .11, 198.19.0.0-3, 198.19.1.1 */
		CHECK_EQ_U(targets_count(ts), 7);
		CHECK_EQ_U(pp->n, 3);
		CHECK(!pp->bare_empty);
		pp->base[443] = 1; /* as if -p443 */
		CHECK(pairs_wanted(pp, ip("198.18.0.10"), 22));
		CHECK(pairs_wanted(pp, ip("198.18.0.10"), 80));
		CHECK(!pairs_wanted(pp, ip("198.18.0.10"), 443));
		CHECK(pairs_wanted(pp, ip("198.18.0.11"), 113));
		CHECK(!pairs_wanted(pp, ip("198.18.0.11"), 22));
		CHECK(pairs_wanted(pp, ip("198.19.0.2"), 443));
		CHECK(!pairs_wanted(pp, ip("198.19.0.2"), 22));
		CHECK(pairs_wanted(pp, ip("198.19.1.1"), 443));
		drop(ts, pp);
	}
	CASE("-iL fathom NDJSON: port records, any state; '#' inside strings")
	{
		CHECK(load("fathom.ndjson", &ts, &pp, err, sizeof(err)) == 0);
		CHECK_EQ_U(targets_count(ts), 2);
		CHECK_EQ_U(pp->n, 3);
		CHECK(pairs_wanted(pp, ip("198.18.0.10"), 22));
		CHECK(pairs_wanted(pp, ip("198.18.0.10"), 113));
		CHECK(pairs_wanted(pp, ip("198.18.0.11"), 22));
		CHECK(!pairs_wanted(pp, ip("198.18.0.11"), 113));
		drop(ts, pp);
	}
	CASE("-iL errors name file:line")
	{
		CHECK(load("bad-port.txt", &ts, &pp, err, sizeof(err)) < 0);
		CHECK(strstr(err,
			     "bad-port.txt:2: bad target '198.18.0.10:0'") !=
		      NULL);
		drop(ts, pp);
		CHECK(load("bad-masscan.txt", &ts, &pp, err, sizeof(err)) < 0);
		CHECK(strstr(err, "bad-masscan.txt:2: masscan udp result: only "
				  "TCP is scanned") != NULL);
		drop(ts, pp);
		CHECK(load("bad-json.txt", &ts, &pp, err, sizeof(err)) < 0);
		CHECK(strstr(err,
			     "bad-json.txt:2: not a fathom NDJSON record") !=
		      NULL);
		drop(ts, pp);
		CHECK(load("bad-range.txt", &ts, &pp, err, sizeof(err)) < 0);
		CHECK(strstr(err,
			     "bad-range.txt:1: bad target '198.18.0.0/24:80'"
			     ": needs one host, not a range") != NULL);
		drop(ts, pp);
		CHECK(load("missing.txt", &ts, &pp, err, sizeof(err)) < 0);
		CHECK(strstr(err, "cannot open ") != NULL);
		drop(ts, pp);
	}
	CASE("-iL: parser over bytes, hostnames need DNS, -n refuses them")
	{
		const char *x = "fx-svc.lab:22\n";

		ts = targets_new();
		pp = pairs_new();
		CHECK(targetfile_parse(ts, pp, "mem", x, strlen(x), 1, err,
				       sizeof(err)) < 0);
		CHECK(strstr(err,
			     "mem:1: bad target 'fx-svc.lab:22': a "
			     "hostname, and -n forbids resolving it") != NULL);
		drop(ts, pp);
		x = "198.18.0.10:22 198.18.0.10:22\t198.18.0.12\n";
		ts = targets_new();
		pp = pairs_new();
		CHECK(targetfile_parse(ts, pp, "mem", x, strlen(x), 1, err,
				       sizeof(err)) == 0);
		pairs_finalize(pp);
		CHECK_EQ_U(pp->n, 1); /* duplicates merge */
		CHECK(!pp->bare_empty);
		drop(ts, pp);
	}
	CASE("-iL -6: [ADDR]:PORT, bare IPv6, NDJSON and masscan lines")
	{
		const char *x =
			"[fd5a:7a6f:1ab0::10]:22 fd5a:7a6f:1ab0::12\n"
			"open tcp 443 fd5a:7a6f:1ab0::11 1700000000\n"
			"{\"type\":\"port\",\"ip\":\"fd5a:7a6f:1ab0::10\","
			"\"port\":8080,\"proto\":\"tcp\"}\n";

		ts = targets_new();
		pp = pairs_new();
		targets_set_family(ts, ADDR_V6);
		targets_set_family(pp->bare, ADDR_V6);
		CHECK(targetfile_parse(ts, pp, "mem", x, strlen(x), 1, err,
				       sizeof(err)) == 0);
		CHECK(targets_finalize(ts, err, sizeof(err)) == 0);
		pairs_finalize(pp);
		CHECK_EQ_U(targets_count(ts), 3);
		CHECK_EQ_U(pp->n, 3);
		CHECK(pairs_wanted(pp, ip("fd5a:7a6f:1ab0::10"), 22));
		CHECK(pairs_wanted(pp, ip("fd5a:7a6f:1ab0::10"), 8080));
		CHECK(!pairs_wanted(pp, ip("fd5a:7a6f:1ab0::10"), 443));
		CHECK(pairs_wanted(pp, ip("fd5a:7a6f:1ab0::11"), 443));
		/* The bare target gets the -p ports (base), not the pairs'. */
		pp->base[80] = 1;
		CHECK(pairs_wanted(pp, ip("fd5a:7a6f:1ab0::12"), 80));
		CHECK(!pairs_wanted(pp, ip("fd5a:7a6f:1ab0::10"), 80));
		drop(ts, pp);
	}
	CASE("-iL IPv6 errors: a port needs brackets, and -6")
	{
		const char *x = "[fd5a::10]:0\n";

		ts = targets_new();
		pp = pairs_new();
		targets_set_family(ts, ADDR_V6);
		CHECK(targetfile_parse(ts, pp, "mem", x, strlen(x), 1, err,
				       sizeof(err)) < 0);
		CHECK_STR(err, "mem:1: bad target '[fd5a::10]:0': expected "
			       "HOST:PORT (IPv6: [ADDR]:PORT) with a port "
			       "1-65535");
		drop(ts, pp);
		x = "[fd5a::10]:80\n";
		ts = targets_new();
		pp = pairs_new();
		CHECK(targetfile_parse(ts, pp, "mem", x, strlen(x), 1, err,
				       sizeof(err)) < 0);
		CHECK_STR(err, "mem:1: bad target 'fd5a::10': is an IPv6 "
			       "address: scanning IPv6 needs -6");
		drop(ts, pp);
	}
	return DONE();
}
