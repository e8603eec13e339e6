/* test_targets6.c -- IPv6 targets and mixed families in engine/cli/targets.c (no DNS). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/cli/targets.h"
#include "netstack/addr.h"
#include "netstack/base/util.h"
#include "tests/unit/harness.h"

static char err[512];

/*
 * A finalized set of family fam from space-separated tokens ('!' starts
 * an exclude); NULL with err set on any failure.
 */
static struct target_set *set_of(int fam, const char *spec)
{
	struct target_set *ts = targets_new();
	char *copy = xstrdup(spec), *save = NULL, *tok;
	int rc = 0;

	targets_set_family(ts, fam);
	err[0] = '\0';
	for (tok = strtok_r(copy, " ", &save); tok && rc == 0;
	     tok = strtok_r(NULL, " ", &save))
		rc = tok[0] == '!' ? targets_exclude_list(ts, tok + 1, 1, err,
							  sizeof(err))
				   : targets_add(ts, tok, 1, err, sizeof(err));
	free(copy);
	if (rc == 0 && targets_finalize(ts, err, sizeof(err)) == 0)
		return ts;
	targets_free(ts);
	return NULL;
}

/* Is the text of index i s? */
static int at_is(const struct target_set *ts, uint64_t i, const char *s)
{
	char buf[ADDR_STRLEN];
	struct addr a = targets_at(ts, i);

	addr_format(&a, buf);
	if (strcmp(buf, s) != 0) {
		printf("#   index %llu is %s, not %s\n", (unsigned long long)i,
		       buf, s);
		return 0;
	}
	return 1;
}

static int64_t index_of(const struct target_set *ts, const char *s)
{
	struct addr a;

	if (addr_parse(s, &a) < 0)
		return -2;
	return targets_index_of(ts, &a);
}

/* The error of a token that must fail, token and all. */
static int rejects(int fam, const char *token, const char *reason)
{
	struct target_set *ts = targets_new();
	char want[512];
	int rc;

	targets_set_family(ts, fam);
	err[0] = '\0';
	rc = targets_add(ts, token, 1, err, sizeof(err));
	targets_free(ts);
	snprintf(want, sizeof(want), "bad target '%s': %s", token, reason);
	if (rc != -1 || strcmp(err, want) != 0) {
		printf("#   token '%s': rc %d, err \"%s\"\n", token, rc, err);
		return 0;
	}
	return 1;
}

/* at() and index_of() inverse and strictly increasing over the set. */
static int round_trip(const struct target_set *ts)
{
	uint64_t n = targets_count(ts), step = n > 5000 ? n / 4999 : 1;
	struct addr prev = { 0 }, a;

	for (uint64_t i = 0; i < n; i += step) {
		a = targets_at(ts, i);
		if ((i > 0 && addr_cmp(&prev, &a) >= 0) ||
		    targets_index_of(ts, &a) != (int64_t)i)
			return 0;
		prev = a;
	}
	a = targets_at(ts, n - 1);
	return targets_index_of(ts, &a) == (int64_t)(n - 1);
}

int main(void)
{
	struct target_set *ts;

	CASE("an IPv6 address, in any text form, is one target")
	{
		ts = set_of(ADDR_V6, "FD5A:7A6F:1AB0:0000::0010");
		CHECK(ts != NULL);
		if (ts) {
			CHECK_EQ_U(targets_count(ts), 1);
			CHECK(at_is(ts, 0, "fd5a:7a6f:1ab0::10"));
			CHECK(index_of(ts, "fd5a:7a6f:1ab0::10") == 0);
			CHECK(index_of(ts, "fd5a:7a6f:1ab0::11") == -1);
		}
		targets_free(ts);
	}
	CASE("prefixes: /120 is 256 addresses from the network, /128 one")
	{
		ts = set_of(ADDR_V6, "fd5a:7a6f:1ab0:1::77/120");
		CHECK(ts && targets_count(ts) == 256);
		CHECK(ts && targets_nintervals(ts) == 1);
		CHECK(ts && at_is(ts, 0, "fd5a:7a6f:1ab0:1::"));
		CHECK(ts && at_is(ts, 255, "fd5a:7a6f:1ab0:1::ff"));
		CHECK(ts && index_of(ts, "fd5a:7a6f:1ab0:1::100") == -1);
		CHECK(ts && round_trip(ts));
		targets_free(ts);
		ts = set_of(ADDR_V6, "fd5a::1/128");
		CHECK(ts && targets_count(ts) == 1);
		targets_free(ts);
	}
	CASE("/96 is the largest prefix: 2^32 addresses, carries across groups")
	{
		ts = set_of(ADDR_V6, "fd5a:7a6f:1ab0:2::/96");
		CHECK(ts && targets_count(ts) == 4294967296ull);
		CHECK(ts && at_is(ts, 65536, "fd5a:7a6f:1ab0:2::1:0"));
		CHECK(ts &&
		      at_is(ts, 4294967295ull, "fd5a:7a6f:1ab0:2::ffff:ffff"));
		CHECK(ts && index_of(ts, "fd5a:7a6f:1ab0:2::1:0") == 65536);
		CHECK(ts && round_trip(ts));
		targets_free(ts);
	}
	CASE("too large: /64 and /95 are refused naming the 2^32 limit")
	{
		CHECK(rejects(ADDR_V6, "fd5a:7a6f:1ab0::/64",
			      "/64 is 2^64 addresses, more than the 2^32 "
			      "fathom enumerates (use /96 or longer)"));
		CHECK(rejects(ADDR_V6, "fd5a::/95",
			      "/95 is 2^33 addresses, more than the 2^32 "
			      "fathom enumerates (use /96 or longer)"));
		CHECK(rejects(ADDR_V6, "fd5a::/129",
			      "bad IPv6 prefix '/129' (want /96-/128)"));
		/* Two /96s fit one at a time but not together. */
		ts = set_of(ADDR_V6, "fd5a::/96 fd5b::/96");
		CHECK(ts == NULL);
		CHECK(strstr(err, "more than 4294967296 addresses") != NULL);
	}
	CASE("ranges: last group in hex, or a whole end address")
	{
		ts = set_of(ADDR_V6, "fd5a::1:a-1f");
		CHECK(ts && targets_count(ts) == 22);
		CHECK(ts && at_is(ts, 0, "fd5a::1:a"));
		CHECK(ts && at_is(ts, 21, "fd5a::1:1f"));
		targets_free(ts);
		ts = set_of(ADDR_V6, "fd5a::fffe-fd5a::1:1");
		CHECK(ts && targets_count(ts) == 4);
		CHECK(ts && at_is(ts, 2, "fd5a::1:0"));
		targets_free(ts);
		CHECK(rejects(ADDR_V6, "fd5a::10-f",
			      "range end 'f' is below its start"));
		CHECK(rejects(ADDR_V6, "fd5a::1-12345",
			      "bad range end '12345' (want an IPv6 address "
			      "or 1-4 hex digits)"));
		CHECK(rejects(ADDR_V6, "fd5a::1-fd5b::1",
			      "range has more than the 2^32 addresses fathom "
			      "enumerates"));
		CHECK(rejects(ADDR_V6, "fd5a::1-5/120",
			      "a range cannot take a /prefix"));
	}
	CASE("order: sorted and merged whatever the order given")
	{
		ts = set_of(ADDR_V6, "fd5a::20 fd5a::3-4 fd5a::/126 fd5a::5");
		CHECK(ts && targets_count(ts) == 7);
		CHECK(ts && targets_nintervals(ts) == 2);
		CHECK(ts && at_is(ts, 0, "fd5a::"));
		CHECK(ts && at_is(ts, 5, "fd5a::5"));
		CHECK(ts && at_is(ts, 6, "fd5a::20"));
		targets_free(ts);
	}
	CASE("exclusion: --exclude lists of IPv6 addresses and prefixes")
	{
		ts = set_of(
			ADDR_V6,
			"fd5a::/120 !fd5a::0-fd5a::f,fd5a::80/121,fd5a::11");
		CHECK(ts && targets_count(ts) == 256 - 16 - 128 - 1);
		CHECK(ts && at_is(ts, 0, "fd5a::10"));
		CHECK(ts && at_is(ts, 1, "fd5a::12"));
		CHECK(ts && at_is(ts, 110, "fd5a::7f"));
		CHECK(ts && index_of(ts, "fd5a::11") == -1);
		CHECK(ts && index_of(ts, "fd5a::80") == -1);
		CHECK(ts && round_trip(ts));
		targets_free(ts);
		ts = set_of(ADDR_V6, "fd5a::/126 !fd5a::/120");
		CHECK(ts == NULL);
		CHECK_STR(err, "no targets left after exclusions");
	}
	CASE("the top of the IPv6 space: no wrap past ffff:...:ffff")
	{
		ts = set_of(ADDR_V6,
			    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff00/120"
			    " !ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
		CHECK(ts && targets_count(ts) == 255);
		CHECK(ts && round_trip(ts));
		targets_free(ts);
	}
	CASE("families: -6 refuses IPv4, the default refuses IPv6")
	{
		CHECK(rejects(ADDR_V6, "198.18.0.1",
			      "is an IPv4 address and -6 scans IPv6 only"));
		CHECK(rejects(ADDR_V6, "198.18.0.0/24",
			      "is an IPv4 address and -6 scans IPv6 only"));
		CHECK(rejects(ADDR_V4, "fd5a::1",
			      "is an IPv6 address: scanning IPv6 needs -6"));
		CHECK(rejects(ADDR_V6, "fe80::1%eth0",
			      "IPv6 zone indexes ('%') are not supported"));
		CHECK(rejects(ADDR_V6, "fd5a::1::2",
			      "invalid character ':' in hostname"));
		CHECK(rejects(ADDR_V6, "lab6.example",
			      "is a hostname and name resolution is off"));
	}
	CASE("either family: IPv4 first, then IPv6, one index space")
	{
		ts = set_of(0, "fd5a::1-2 198.18.0.1 ::ffff:198.18.0.1");
		CHECK(ts && targets_count(ts) == 4);
		CHECK(ts && targets_nintervals(ts) == 3);
		CHECK(ts && at_is(ts, 0, "198.18.0.1"));
		/* IPv4-mapped is IPv6, not the IPv4 target again. */
		CHECK(ts && at_is(ts, 1, "::ffff:198.18.0.1"));
		CHECK(ts && at_is(ts, 3, "fd5a::2"));
		CHECK(ts && round_trip(ts));
		targets_free(ts);
		/* 255.255.255.255 and :: are not adjacent. */
		ts = set_of(0, "255.255.255.255 ::");
		CHECK(ts && targets_nintervals(ts) == 2);
		targets_free(ts);
	}
	CASE("slices of an IPv6 set keep order and names")
	{
		struct target_set *sl;

		ts = set_of(ADDR_V6, "fd5a::/120 fd5a::1:0/126");
		sl = ts ? targets_slice(ts, 250, 8) : NULL;
		CHECK(sl && targets_count(sl) == 8);
		CHECK(sl && at_is(sl, 0, "fd5a::fa"));
		CHECK(sl && at_is(sl, 6, "fd5a::1:0"));
		CHECK(sl && targets_nintervals(sl) == 2);
		CHECK(sl && targets_family(sl) == ADDR_V6);
		targets_free(sl);
		targets_free(ts);
	}
	return DONE();
}
