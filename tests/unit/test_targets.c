/* test_targets.c -- unit tests for engine/cli/targets.c (no DNS needed). */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/cli/targets.h"
#include "netstack/base/util.h"
#include "tests/unit/harness.h"

#define A(a, b, c, d)                                                     \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | \
	 (uint32_t)(d))

static char err[512];

/* targets_at_v4 disagreeing with targets_at, over every at4() call. */
static unsigned v4_mismatches;

/* The IPv4 cases compare host-order integers. */
static uint32_t at4(const struct target_set *ts, uint64_t i)
{
	struct addr a = targets_at(ts, i);

	v4_mismatches += targets_at_v4(ts, i) != addr_v4(&a);
	return addr_v4(&a);
}

static int64_t idx4(const struct target_set *ts, uint32_t v)
{
	struct addr a = addr_from_v4(v);

	return targets_index_of(ts, &a);
}

static const char *name4(const struct target_set *ts, uint32_t v)
{
	struct addr a = addr_from_v4(v);

	return targets_name(ts, &a);
}

static void iv4(const struct target_set *ts, size_t k, uint32_t *f, uint32_t *l)
{
	struct addr a, b;

	targets_interval(ts, k, &a, &b);
	*f = addr_v4(&a);
	*l = addr_v4(&b);
}

/*
 * Builds and finalizes a set from space-separated tokens; a token
 * starting with '!' is an exclude. NULL (err set) on any failure.
 */
static struct target_set *set_of(const char *spec)
{
	struct target_set *ts = targets_new();
	char *copy = xstrdup(spec), *p = copy, *tok;
	int rc = 0;

	err[0] = '\0';
	while (rc == 0 && *p) {
		tok = p;
		p += strcspn(p, " ");
		if (*p)
			*p++ = '\0';
		if (tok[0] == '!')
			rc = targets_exclude(ts, tok + 1, 1, err, sizeof(err));
		else
			rc = targets_add(ts, tok, 1, err, sizeof(err));
	}
	free(copy);
	if (rc == 0)
		rc = targets_finalize(ts, err, sizeof(err));
	if (rc != 0) {
		targets_free(ts);
		return NULL;
	}
	return ts;
}

/* Counts a spec's addresses, or UINT64_MAX on error. */
static uint64_t count_of(const char *spec)
{
	struct target_set *ts = set_of(spec);
	uint64_t n = ts ? targets_count(ts) : UINT64_MAX;

	targets_free(ts);
	return n;
}

static int iv_is(const struct target_set *ts, size_t k, uint32_t first,
		 uint32_t last)
{
	uint32_t f, l;

	if (k >= targets_nintervals(ts))
		return 0;
	iv4(ts, k, &f, &l);
	return f == first && l == last;
}

/*
 * at() and index_of() must be inverse over the whole set, at() must be
 * strictly increasing, and the neighbours of every interval must be out.
 */
static int round_trip(const struct target_set *ts)
{
	uint64_t n = targets_count(ts), step = n > 20000 ? n / 19997 : 1;
	uint64_t i, sum = 0;
	uint32_t prev = 0, a, f, l;
	size_t k;

	for (i = 0; i < n; i += step) {
		a = at4(ts, i);
		if (i > 0 && a <= prev)
			return 0;
		if (idx4(ts, a) != (int64_t)i)
			return 0;
		prev = a;
	}
	a = at4(ts, n - 1);
	if (idx4(ts, a) != (int64_t)(n - 1))
		return 0;
	for (k = 0; k < targets_nintervals(ts); k++) {
		iv4(ts, k, &f, &l);
		if (at4(ts, sum) != f || at4(ts, sum + (l - f)) != l)
			return 0;
		if (f > 0 && idx4(ts, f - 1) >= 0)
			return 0;
		if (l < UINT32_MAX && idx4(ts, l + 1) >= 0)
			return 0;
		sum += (uint64_t)l - f + 1;
	}
	return sum == n;
}

/* The token fails to add with exactly "bad target 'TOKEN': reason". */
static int rejects(const char *token, const char *reason)
{
	struct target_set *ts = targets_new();
	char want[512];
	int rc;

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

static const char *data_path(const char *name)
{
	static char buf[1024];
	const char *dir = getenv("FATHOM_SRCDIR");

	snprintf(buf, sizeof(buf), "%s/tests/data/%s", dir ? dir : ".", name);
	return buf;
}

int main(void)
{
	struct target_set *ts;

	CASE("single address")
	{
		ts = set_of("198.18.0.10");
		CHECK(ts != NULL);
		if (ts) {
			CHECK_EQ_U(targets_count(ts), 1);
			CHECK_EQ_U(at4(ts, 0), A(198, 18, 0, 10));
			CHECK(idx4(ts, A(198, 18, 0, 10)) == 0);
			CHECK(idx4(ts, A(198, 18, 0, 11)) == -1);
			CHECK(name4(ts, A(198, 18, 0, 10)) == NULL);
		}
		targets_free(ts);
	}

	CASE("CIDR blocks, aligned and not")
	{
		ts = set_of("198.18.0.77/24");
		CHECK(ts && iv_is(ts, 0, A(198, 18, 0, 0), A(198, 18, 0, 255)));
		CHECK(ts && targets_count(ts) == 256);
		targets_free(ts);
		CHECK_EQ_U(count_of("198.18.0.1/32"), 1);
		CHECK_EQ_U(count_of("198.18.0.1/31"), 2);
		CHECK_EQ_U(count_of("10.0.0.0/8"), 16777216);
		CHECK_EQ_U(count_of("198.18.200.1/17"), 32768);
		ts = set_of("198.18.200.1/17");
		CHECK(ts &&
		      iv_is(ts, 0, A(198, 18, 128, 0), A(198, 18, 255, 255)));
		targets_free(ts);
	}

	CASE("/0 is all 2^32 addresses")
	{
		ts = set_of("0.0.0.0/0");
		CHECK(ts != NULL);
		if (ts) {
			CHECK_EQ_U(targets_count(ts), 4294967296ull);
			CHECK_EQ_U(targets_nintervals(ts), 1);
			CHECK_EQ_U(at4(ts, 0), 0);
			CHECK_EQ_U(at4(ts, 4294967295ull), UINT32_MAX);
			CHECK(idx4(ts, UINT32_MAX) == 4294967295ll);
			CHECK(round_trip(ts));
		}
		targets_free(ts);
		CHECK_EQ_U(count_of("203.0.113.9/0"), 4294967296ull);
		CHECK_EQ_U(count_of("-.-.-.-"), 4294967296ull);
	}

	CASE("octet ranges")
	{
		ts = set_of("198.18.0-3.1-254");
		CHECK(ts != NULL);
		if (ts) {
			CHECK_EQ_U(targets_count(ts), 4 * 254);
			CHECK_EQ_U(targets_nintervals(ts), 4);
			CHECK(iv_is(ts, 3, A(198, 18, 3, 1),
				    A(198, 18, 3, 254)));
			CHECK_EQ_U(at4(ts, 254), A(198, 18, 1, 1));
			CHECK(round_trip(ts));
		}
		targets_free(ts);

		ts = set_of("198.18.0-255.1-254");
		CHECK(ts && targets_nintervals(ts) == 256);
		CHECK(ts && targets_count(ts) == 256 * 254);
		CHECK(ts && round_trip(ts));
		targets_free(ts);

		/* Full trailing octets merge into one interval. */
		ts = set_of("198.18.0-255.0-255");
		CHECK(ts && targets_nintervals(ts) == 1);
		CHECK(ts &&
		      iv_is(ts, 0, A(198, 18, 0, 0), A(198, 18, 255, 255)));
		targets_free(ts);
		ts = set_of("198.18-19.-.-");
		CHECK(ts && targets_nintervals(ts) == 1);
		CHECK(ts && targets_count(ts) == 131072);
		targets_free(ts);
		/* Runs that touch across a prefix boundary merge too. */
		ts = set_of("198.18.0-1.0-10,200-");
		CHECK(ts && targets_nintervals(ts) == 3);
		CHECK(ts &&
		      iv_is(ts, 1, A(198, 18, 0, 200), A(198, 18, 1, 10)));
		CHECK(ts && targets_count(ts) == 2 * (11 + 56));
		targets_free(ts);
	}

	CASE("octet lists and open ends")
	{
		ts = set_of("198.18.1,3,5-7.9");
		CHECK(ts && targets_count(ts) == 5);
		if (ts) {
			CHECK_EQ_U(at4(ts, 0), A(198, 18, 1, 9));
			CHECK_EQ_U(at4(ts, 1), A(198, 18, 3, 9));
			CHECK_EQ_U(at4(ts, 2), A(198, 18, 5, 9));
			CHECK_EQ_U(at4(ts, 4), A(198, 18, 7, 9));
		}
		targets_free(ts);
		CHECK_EQ_U(count_of("198.18.0.-10"), 11);
		CHECK_EQ_U(count_of("198.18.0.250-"), 6);
		CHECK_EQ_U(count_of("198.18.0.-"), 256);
		CHECK_EQ_U(count_of("198.18.0.0-0"), 1);
		CHECK_EQ_U(count_of("198.18.0.1,1,1-2"), 2);
		ts = set_of("198.18.0.250-");
		CHECK(ts &&
		      iv_is(ts, 0, A(198, 18, 0, 250), A(198, 18, 0, 255)));
		targets_free(ts);
	}

	CASE("several tokens merge and deduplicate")
	{
		ts = set_of("198.18.0.128/25 198.18.0.0/25 198.18.0.5");
		CHECK(ts && targets_nintervals(ts) == 1);
		CHECK(ts && targets_count(ts) == 256);
		targets_free(ts);
		ts = set_of("198.18.0.9 198.18.0.1 198.18.0.5 198.18.0.1");
		CHECK(ts && targets_count(ts) == 3);
		CHECK(ts && at4(ts, 0) == A(198, 18, 0, 1));
		CHECK(ts && at4(ts, 2) == A(198, 18, 0, 9));
		CHECK(ts && idx4(ts, A(198, 18, 0, 5)) == 1);
		CHECK(ts && round_trip(ts));
		targets_free(ts);
		ts = set_of("255.255.255.255 255.255.255.254");
		CHECK(ts && targets_nintervals(ts) == 1);
		CHECK(ts && at4(ts, 1) == UINT32_MAX);
		targets_free(ts);
	}

	CASE("excludes split intervals")
	{
		ts = set_of("198.18.0.0/24 !198.18.0.128");
		CHECK(ts != NULL);
		if (ts) {
			CHECK_EQ_U(targets_count(ts), 255);
			CHECK_EQ_U(targets_nintervals(ts), 2);
			CHECK(iv_is(ts, 0, A(198, 18, 0, 0),
				    A(198, 18, 0, 127)));
			CHECK(iv_is(ts, 1, A(198, 18, 0, 129),
				    A(198, 18, 0, 255)));
			CHECK(idx4(ts, A(198, 18, 0, 128)) == -1);
			CHECK(idx4(ts, A(198, 18, 0, 129)) == 128);
			CHECK_EQ_U(at4(ts, 128), A(198, 18, 0, 129));
			CHECK(round_trip(ts));
		}
		targets_free(ts);

		/* Edges, several holes, an exclude spanning two intervals. */
		ts = set_of("198.18.0.0/24 198.18.2.0/24 !198.18.0.0 "
			    "!198.18.0.255 !198.18.0.10-19 !198.18.0.200-"
			    " !198.18.1-2.0-5");
		CHECK(ts != NULL);
		if (ts) {
			CHECK_EQ_U(targets_nintervals(ts), 3);
			CHECK(iv_is(ts, 0, A(198, 18, 0, 1), A(198, 18, 0, 9)));
			CHECK(iv_is(ts, 1, A(198, 18, 0, 20),
				    A(198, 18, 0, 199)));
			CHECK(iv_is(ts, 2, A(198, 18, 2, 6),
				    A(198, 18, 2, 255)));
			CHECK_EQ_U(targets_count(ts), 9 + 180 + 250);
			CHECK(round_trip(ts));
		}
		targets_free(ts);

		/* An exclude outside the targets changes nothing. */
		CHECK_EQ_U(count_of("198.18.0.0/30 !10.0.0.0/8"), 4);
		/* A hole in /0 leaves two intervals at both ends. */
		ts = set_of("0.0.0.0/0 !10.0.0.0/8");
		CHECK(ts && targets_count(ts) == 4294967296ull - 16777216);
		CHECK(ts && targets_nintervals(ts) == 2);
		CHECK(ts && at4(ts, 167772160) == A(11, 0, 0, 0));
		CHECK(ts && round_trip(ts));
		targets_free(ts);
		ts = set_of("10.-.-.1-254 !10.18.0.0/16");
		CHECK(ts && targets_nintervals(ts) == 65536 - 256);
		CHECK(ts && targets_count(ts) == (65536ull - 256) * 254);
		CHECK(ts && at4(ts, 18 * 256 * 254) == A(10, 19, 0, 1));
		targets_free(ts);
	}

	CASE("empty results are errors")
	{
		ts = set_of("198.18.0.0/30 !198.18.0.0/24");
		CHECK(ts == NULL);
		CHECK_STR(err, "no targets left after exclusions");
		ts = targets_new();
		CHECK(targets_finalize(ts, err, sizeof(err)) == -1);
		CHECK_STR(err, "no targets were specified");
		targets_free(ts);
		ts = set_of("!198.18.0.1");
		CHECK(ts == NULL);
		CHECK_STR(err, "no targets were specified");
	}

	CASE("index_of/at round trip for several sets")
	{
		static const char *const sets[] = {
			"198.18.0.1",
			"198.18.0.0/16 !198.18.7.7 !198.18.100.0/23",
			"198.18.1-9,200-210.3,5,250-",
			"10.0.0.0/8 172.16.0.0/12 192.168.0.0/16",
			"1.2.3.4 9.9.9.9 200.1.2.0/29 255.255.255.0/24",
			"0.0.0.0/1 !64.0-255.0.5",
		};
		size_t i;

		for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
			ts = set_of(sets[i]);
			CHECK(ts != NULL);
			if (ts && !round_trip(ts)) {
				printf("#   round trip failed: %s\n", sets[i]);
				CHECK(0);
			}
			targets_free(ts);
		}
		ts = set_of("10.0.0.0/8 172.16.0.0/12 192.168.0.0/16");
		CHECK(ts && targets_count(ts) == 16777216 + 1048576 + 65536);
		CHECK(ts && at4(ts, 16777216) == A(172, 16, 0, 0));
		CHECK(ts && idx4(ts, A(192, 168, 0, 0)) == 16777216 + 1048576);
		CHECK(ts && idx4(ts, A(11, 0, 0, 0)) == -1);
		CHECK(ts && idx4(ts, 0) == -1);
		CHECK(ts && idx4(ts, UINT32_MAX) == -1);
		targets_free(ts);
	}

	CASE("--exclude lists re-join octet lists")
	{
		ts = targets_new();
		CHECK(targets_add(ts, "198.18.0.0/24", 1, err, sizeof(err)) ==
		      0);
		CHECK(targets_exclude_list(ts, "198.18.0.1,2,5-7,198.18.0.10",
					   1, err, sizeof(err)) == 0);
		CHECK(targets_finalize(ts, err, sizeof(err)) == 0);
		CHECK_EQ_U(targets_count(ts), 256 - 6);
		CHECK(idx4(ts, A(198, 18, 0, 2)) == -1);
		CHECK(idx4(ts, A(198, 18, 0, 6)) == -1);
		CHECK(idx4(ts, A(198, 18, 0, 10)) == -1);
		CHECK(idx4(ts, A(198, 18, 0, 3)) == 1);
		targets_free(ts);

		ts = targets_new();
		CHECK(targets_exclude_list(ts, "198.18.0.1,198.18.0.300", 1,
					   err, sizeof(err)) == -1);
		CHECK_STR(err, "bad target '198.18.0.300': octet '300' is out "
			       "of range 0-255");
		CHECK(targets_exclude_list(ts, "198.18.0.1,", 1, err,
					   sizeof(err)) == -1);
		CHECK(strstr(err, "'198.18.0.1,'") != NULL);
		targets_free(ts);
	}

	CASE("-iL file with comments, --excludefile")
	{
		ts = targets_new();
		CHECK(targets_add_file(ts, data_path("targets-list.txt"), 0, 1,
				       err, sizeof(err)) == 0);
		CHECK(targets_add_file(ts, data_path("targets-exclude.txt"), 1,
				       1, err, sizeof(err)) == 0);
		CHECK(targets_finalize(ts, err, sizeof(err)) == 0);
		/* .0.1 .1.0 .1.3 .2.1-3 .2.7 .3.10; .0.2 .1.1-2 excluded. */
		CHECK_EQ_U(targets_count(ts), 8);
		CHECK(idx4(ts, A(198, 18, 0, 1)) == 0);
		CHECK(idx4(ts, A(198, 18, 0, 2)) == -1);
		CHECK(idx4(ts, A(198, 18, 1, 3)) == 2);
		CHECK(idx4(ts, A(198, 18, 2, 7)) == 6);
		CHECK(idx4(ts, A(198, 18, 3, 10)) == 7);
		CHECK(idx4(ts, A(198, 18, 9, 9)) == -1);
		targets_free(ts);
	}

	CASE("-iL errors name file and line")
	{
		char want[1200];

		ts = targets_new();
		CHECK(targets_add_file(ts, data_path("targets-bad.txt"), 0, 1,
				       err, sizeof(err)) == -1);
		snprintf(want, sizeof(want),
			 "%s:4: bad target '198.18.0.300': octet '300' is out"
			 " of range 0-255",
			 data_path("targets-bad.txt"));
		CHECK_STR(err, want);
		CHECK(targets_add_file(ts, data_path("no-such-file.txt"), 0, 1,
				       err, sizeof(err)) == -1);
		snprintf(want, sizeof(want),
			 "cannot open %s: ", data_path("no-such-file.txt"));
		CHECK(strncmp(err, want, strlen(want)) == 0);
		targets_free(ts);
	}

	CASE("hostnames: -n refuses, localhost resolves via /etc/hosts")
	{
		CHECK(rejects("localhost",
			      "is a hostname and name resolution is off"));
		CHECK(rejects("fx-svc.lab/24",
			      "is a hostname and name resolution is off"));
		ts = targets_new();
		CHECK(targets_add(ts, "localhost", 0, err, sizeof(err)) == 0);
		CHECK(targets_add(ts, "localhost/30", 0, err, sizeof(err)) ==
		      0);
		CHECK(targets_finalize(ts, err, sizeof(err)) == 0);
		CHECK_EQ_U(targets_count(ts), 4);
		CHECK_EQ_U(at4(ts, 0), A(127, 0, 0, 0));
		CHECK_STR(name4(ts, A(127, 0, 0, 1)), "localhost");
		CHECK(name4(ts, A(127, 0, 0, 2)) == NULL);
		targets_free(ts);
		/* No name is kept for an address that was excluded. */
		ts = targets_new();
		CHECK(targets_add(ts, "localhost", 0, err, sizeof(err)) == 0);
		CHECK(targets_add(ts, "198.18.0.1", 0, err, sizeof(err)) == 0);
		CHECK(targets_exclude(ts, "127.0.0.1", 0, err, sizeof(err)) ==
		      0);
		CHECK(targets_finalize(ts, err, sizeof(err)) == 0);
		CHECK(name4(ts, A(127, 0, 0, 1)) == NULL);
		targets_free(ts);
	}

	CASE("bad tokens: shape")
	{
		CHECK(rejects("", "empty target"));
		CHECK(rejects("1.2.3", "need 4 octets, got 3"));
		CHECK(rejects("1.2.3.4.5", "need 4 octets, got 5"));
		CHECK(rejects("1234", "need 4 octets, got 1"));
		CHECK(rejects("1..2.3", "empty octet"));
		CHECK(rejects("1.2.3.", "empty octet"));
		CHECK(rejects(".1.2.3", "empty octet"));
		CHECK(rejects("1.2.3,,4.5", "empty item in octet list '3,,4'"));
		CHECK(rejects("1.2.3.4,", "empty item in octet list '4,'"));
	}

	CASE("bad tokens: octet values")
	{
		CHECK(rejects("256.1.1.1",
			      "octet '256' is out of range 0-255"));
		CHECK(rejects("1.2.3.99999999999999999999",
			      "octet '99999999999999999999' is out of range "
			      "0-255"));
		CHECK(rejects("1.2.3.4-300",
			      "octet '300' is out of range 0-255"));
		CHECK(rejects("1.2.3.5-4", "octet range '5-4' is reversed"));
		CHECK(rejects("1.2.3.4-5-6", "more than one '-' in '4-5-6'"));
		CHECK(rejects("1.2.3.--", "more than one '-' in '--'"));
	}

	CASE("bad tokens: CIDR")
	{
		CHECK(rejects("1.2.3.4/33", "bad CIDR prefix '/33' (want "
					    "/0-/32)"));
		CHECK(rejects("1.2.3.4/", "bad CIDR prefix '/' (want /0-/32)"));
		CHECK(rejects("1.2.3.4/24x", "bad CIDR prefix '/24x' (want "
					     "/0-/32)"));
		CHECK(rejects("1.2.3.4/24/8", "bad CIDR prefix '/24/8' (want "
					      "/0-/32)"));
		CHECK(rejects("1.2.3.4/-1", "bad CIDR prefix '/-1' (want "
					    "/0-/32)"));
		CHECK(rejects("/24", "missing address before '/'"));
		CHECK(rejects("1.2.3.0-5/24", "CIDR needs a plain address"));
		CHECK(rejects("1.2.3/24", "need 4 octets, got 3"));
	}

	CASE("bad tokens: hostnames, IPv6, size")
	{
		CHECK(rejects("a..b", "empty label in hostname"));
		CHECK(rejects(".example", "empty label in hostname"));
		CHECK(rejects("host!", "invalid character '!' in hostname"));
		CHECK(rejects("1.2.3.4#", "invalid character '#' in hostname"));
		CHECK(rejects("a b", "invalid character ' ' in hostname"));
		CHECK(rejects("1.2.3.4x",
			      "is a hostname and name resolution is off"));
		CHECK(rejects("::1",
			      "is an IPv6 address: scanning IPv6 needs -6"));
		CHECK(rejects("2001:db8::1/64",
			      "is an IPv6 address: scanning IPv6 needs -6"));
		CHECK(rejects("fe80::1%eth0",
			      "is an IPv6 address: scanning IPv6 needs -6"));
		CHECK(rejects("host:80", "invalid character ':' in hostname"));
		CHECK(rejects("-.-.-.1,3",
			      "expands to 33554432 ranges (limit 16777216)"));
	}

	CASE("adding after finalize aborts")
	{
		pid_t pid = fork();
		int status = 0;

		if (pid == 0) {
			ts = set_of("198.18.0.1");
			/* Keep the expected abort quiet in the test log. */
			if (freopen("/dev/null", "w", stderr) == NULL)
				_exit(3);
			targets_add(ts, "198.18.0.2", 1, err, sizeof(err));
			_exit(0);
		}
		CHECK(pid > 0);
		CHECK(waitpid(pid, &status, 0) == pid);
		CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
	}

	targets_free(NULL);
	CASE("targets_at_v4 agrees with targets_at everywhere above")
	{
		CHECK_EQ_U(v4_mismatches, 0);
	}
	return DONE();
}
