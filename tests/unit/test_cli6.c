/* test_cli6.c -- -6 on the command line: families, limits, refusal, dry-run listing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/cli/cli.h"
#include "tests/unit/harness.h"

static char out[8192], errs[2048];

/*
 * cli_parse on a space-separated command line, with its stdout and
 * stderr caught in out and errs. Returns what cli_parse returned.
 */
static int run(const char *line, struct scan_opts *o)
{
	char *copy = strdup(line), *argv[32], *save = NULL;
	FILE *fo = tmpfile(), *fe = tmpfile();
	int argc = 0, so = dup(1), se = dup(2), rc;
	size_t n;

	for (char *t = strtok_r(copy, " ", &save); t && argc < 31;
	     t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	argv[argc] = NULL;
	fflush(stdout);
	fflush(stderr);
	dup2(fileno(fo), 1);
	dup2(fileno(fe), 2);
	rc = cli_parse(argc, argv, o);
	fflush(stdout);
	fflush(stderr);
	dup2(so, 1);
	dup2(se, 2);
	close(so);
	close(se);
	rewind(fo);
	rewind(fe);
	n = fread(out, 1, sizeof(out) - 1, fo);
	out[n] = '\0';
	n = fread(errs, 1, sizeof(errs) - 1, fe);
	errs[n] = '\0';
	fclose(fo);
	fclose(fe);
	free(copy);
	return rc;
}

int main(void)
{
	const char *dir = getenv("FATHOM_SRCDIR");
	char datadir[1100];
	struct scan_opts o;

	snprintf(datadir, sizeof(datadir), "%s/probes", dir ? dir : ".");
	setenv("FATHOM_DATADIR", datadir, 1);

	CASE("-6 scan: accepted; -O dropped with one warning line")
	{
		CHECK_EQ_U(run("fathom -6 -n -sV -O -p80 fd5a:7a6f:1ab0::10",
			       &o),
			   0);
		CHECK_STR(errs, "fathom: OS detection (-O) is IPv4-only; "
				"skipped for IPv6 targets\n");
		CHECK(o.version_detect && !o.os_detect);
		cli_free(&o);
		CHECK_EQ_U(run("fathom -6 -n -sU -p53 fd5a:7a6f:1ab0::10", &o),
			   0);
		CHECK_STR(errs, "");
		cli_free(&o);
	}
	CASE("-6 --dry-run lists the targets in scan order and exits 0")
	{
		CHECK_EQ_U(run("fathom -6 -n --dry-run -p22,80 fd5a::1-2 "
			       "fd5a:7a6f:1ab0:1::/127 --exclude fd5a::2",
			       &o),
			   1);
		CHECK_STR(out, "fathom dry run: 3 IPv6 addresses x 2 ports; "
			       "nothing is sent\nfd5a::1\nfd5a:7a6f:1ab0:1::\n"
			       "fd5a:7a6f:1ab0:1::1\n");
		CHECK_STR(errs, "");
		cli_free(&o);
	}
	CASE("families do not mix: the target is named")
	{
		CHECK_EQ_U(run("fathom -n -p80 198.18.0.1 fd5a::1", &o), 2);
		CHECK_STR(errs, "fathom: bad target 'fd5a::1': is an IPv6 "
				"address: scanning IPv6 needs -6\n");
		cli_free(&o);
		CHECK_EQ_U(run("fathom -6 -n --dry-run -p80 fd5a::1 "
			       "198.18.0.0/24",
			       &o),
			   2);
		CHECK_STR(errs, "fathom: bad target '198.18.0.0/24': is an "
				"IPv4 address and -6 scans IPv6 only\n");
		cli_free(&o);
		CHECK_EQ_U(run("fathom -6 -n --dry-run -p80 fd5a::1 "
			       "--exclude 198.18.0.1",
			       &o),
			   2);
		cli_free(&o);
	}
	CASE("a /64 is refused with the limit in the message")
	{
		CHECK_EQ_U(
			run("fathom -6 -n --dry-run -p80 fd5a:7a6f:1ab0::/64",
			    &o),
			2);
		CHECK_STR(errs, "fathom: bad target 'fd5a:7a6f:1ab0::/64': /64 "
				"is 2^64 addresses, more than the 2^32 fathom "
				"enumerates (use /96 or longer)\n");
		cli_free(&o);
	}
	CASE("-S takes the run's family")
	{
		CHECK_EQ_U(run("fathom -n -S fd5a::9 -p80 198.18.0.1", &o), 2);
		CHECK_STR(errs, "fathom: -S fd5a::9: the source must be IPv4 "
				"without -6\n");
		cli_free(&o);
		CHECK_EQ_U(run("fathom -S fd5a::9 -6 -n --dry-run -p80 fd5a::1",
			       &o),
			   1);
		CHECK(o.src_set && o.src.family == ADDR_V6);
		cli_free(&o);
		CHECK_EQ_U(run("fathom -n -S 198.18.0.9 -p80 198.18.0.1", &o),
			   0);
		CHECK(o.family == ADDR_V4 && o.src_set &&
		      addr_v4(&o.src) == 0xc6120009);
		cli_free(&o);
	}
	return DONE();
}
