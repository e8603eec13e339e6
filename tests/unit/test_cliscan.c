/* test_cliscan.c -- the TCP scan type options: -sA ... -sM, --scanflags, conflicts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/cli/cli.h"
#include "netstack/packet.h"
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

/* One accepted command line: its type, flags and whether TCP is swept. */
static void accepted(const char *line, int type, int flags, int tcp)
{
	struct scan_opts o;

	CHECK_EQ_U(run(line, &o), 0);
	CHECK_STR(errs, "");
	CHECK_EQ_U(o.tcp_scan, type);
	CHECK_EQ_U((unsigned)(o.scanflags + 1), (unsigned)(flags + 1));
	CHECK_EQ_U(o.syn_scan, tcp);
	cli_free(&o);
}

int main(void)
{
	const char *dir = getenv("FATHOM_SRCDIR");
	char datadir[1100];
	struct scan_opts o;

	snprintf(datadir, sizeof(datadir), "%s/probes", dir ? dir : ".");
	setenv("FATHOM_DATADIR", datadir, 1);

	CASE("each type option selects its type; -sS is the default")
	{
		accepted("fathom -n -p80 198.18.0.15", TCP_SCAN_SYN, -1, 1);
		accepted("fathom -n -sS -sS -p80 198.18.0.15", TCP_SCAN_SYN, -1,
			 1);
		accepted("fathom -n -sA -p80 198.18.0.15", TCP_SCAN_ACK, -1, 1);
		accepted("fathom -n -sW -p80 198.18.0.15", TCP_SCAN_WINDOW, -1,
			 1);
		accepted("fathom -n -sF -p80 198.18.0.15", TCP_SCAN_FIN, -1, 1);
		accepted("fathom -n -sN -p80 198.18.0.15", TCP_SCAN_NULL, -1,
			 1);
		accepted("fathom -n -sX -p80 198.18.0.15", TCP_SCAN_XMAS, -1,
			 1);
		accepted("fathom -n -sM -p80 198.18.0.15", TCP_SCAN_MAIMON, -1,
			 1);
		accepted("fathom -n -sA -sU -p80 198.18.0.15", TCP_SCAN_ACK, -1,
			 1);
		accepted("fathom -6 -n -sX -p80 fd5a:7a6f:1ab0:1::15",
			 TCP_SCAN_XMAS, -1, 1);
	}
	CASE("--scanflags alone: a SYN scan's reading, the flags given")
	{
		accepted("fathom -n --scanflags URGACKPSHRSTSYNFIN -p80 "
			 "198.18.0.15",
			 TCP_SCAN_SYN, 0x3f, 1);
	}
	CASE("--scanflags: names in any order and case, numbers, ALL, NONE")
	{
		static const struct {
			const char *arg;
			int v;
		} ok[] = {
			{ "SYNACK", PKT_SYN | PKT_ACK },
			{ "ackSyn", PKT_SYN | PKT_ACK },
			{ "FIN,PSH|URG", PKT_FIN | PKT_PSH | PKT_URG },
			{ "RESETPUSH", PKT_RST | PKT_PSH },
			{ "ECECWR", PKT_ECE | PKT_CWR },
			{ "ALL", 0xff },
			{ "SYNNONE", 0 },
			{ "18", 18 },
			{ "0x29", 0x29 },
			{ "022", 18 },
			{ "0", 0 },
			{ "255", 255 },
		};
		char line[128];

		for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
			snprintf(line, sizeof(line),
				 "fathom -n --scanflags %s -p80 198.18.0.15",
				 ok[i].arg);
			CHECK_EQ_U(run(line, &o), 0);
			CHECK_EQ_U(o.scanflags, ok[i].v);
			CHECK_EQ_U(o.tcp_scan, TCP_SCAN_SYN);
			CHECK(o.syn_scan);
			cli_free(&o);
		}
		/* With a type: that type's reading, these flags. */
		accepted("fathom -n -sA --scanflags SYN -p80 198.18.0.15",
			 TCP_SCAN_ACK, PKT_SYN, 1);
		/* nmap: with -sU alone there is no TCP scan for them. */
		accepted("fathom -n -sU --scanflags SYN -p80 198.18.0.15",
			 TCP_SCAN_SYN, PKT_SYN, 0);
	}
	CASE("--scanflags: a bad value is one line, exit 2")
	{
		static const char *const bad[] = { "256",   "-1",  "SYNFOO", "",
						   "0x100", "12a", "S" };
		char line[128], want[256];

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			snprintf(line, sizeof(line),
				 "fathom -n -p80 198.18.0.15 --scanflags=%s",
				 bad[i]);
			CHECK_EQ_U(run(line, &o), 2);
			snprintf(want, sizeof(want),
				 "fathom: bad --scanflags value '%s' (a number "
				 "0-255 or flag names like URGACKPSHRSTSYNFIN) "
				 "(see fathom -h)\n",
				 bad[i]);
			CHECK_STR(errs, want);
			cli_free(&o);
		}
	}
	CASE("two TCP scan types: nmap's refusal, one line, exit 2")
	{
		CHECK_EQ_U(run("fathom -n -sS -sA -p80 198.18.0.15", &o), 2);
		CHECK_STR(errs,
			  "fathom: -sS and -sA: more than one TCP scan "
			  "type; choose one of -sS, -sT, -sA, -sW, -sF, -sN, "
			  "-sX, -sM (see fathom -h)\n");
		cli_free(&o);
		CHECK_EQ_U(run("fathom -n -sM -sU -sX -p80 198.18.0.15", &o),
			   2);
		CHECK_STR(errs,
			  "fathom: -sX and -sM: more than one TCP scan "
			  "type; choose one of -sS, -sT, -sA, -sW, -sF, -sN, "
			  "-sX, -sM (see fathom -h)\n");
		cli_free(&o);
		CHECK_EQ_U(run("fathom -n -sn -sW 198.18.0.15", &o), 2);
		CHECK(strstr(errs, "-sn (no port scan) cannot be combined") !=
		      NULL);
		cli_free(&o);
	}
	return DONE();
}
