/* test_connscan.c -- -sT: connect()'s reading, the engine, the options. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engine/cli/cli.h"
#include "engine/core/results.h"
#include "engine/sweep/connscan.h"
#include "tests/unit/harness.h"

static char errs[2048];

/* cli_parse on a space-separated line, stderr caught in errs. */
static int run(const char *line, struct scan_opts *o, int unpriv)
{
	char *copy = strdup(line), *argv[32], *save = NULL;
	FILE *fe = tmpfile();
	int argc = 0, se = dup(2), rc;
	size_t n;

	for (char *t = strtok_r(copy, " ", &save); t && argc < 31;
	     t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	argv[argc] = NULL;
	fflush(stderr);
	dup2(fileno(fe), 2);
	rc = cli_parse(argc, argv, o);
	if (rc == 0 && unpriv)
		rc = cli_unprivileged(o) < 0 ? -1 : 0;
	fflush(stderr);
	dup2(se, 2);
	close(se);
	rewind(fe);
	n = fread(errs, 1, sizeof(errs) - 1, fe);
	errs[n] = '\0';
	fclose(fe);
	free(copy);
	return rc;
}

/* A loopback listener (the open port) and a port nobody holds. */
static int listener(int family, uint16_t *open_port, uint16_t *closed_port)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len = family == AF_INET ? sizeof(struct sockaddr_in)
					  : sizeof(struct sockaddr_in6);
	int fd = socket(family, SOCK_STREAM, 0), gone;

	if (fd < 0)
		return -1;
	ss.ss_family = (sa_family_t)family;
	if (family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_addr.s_addr =
			htonl(INADDR_LOOPBACK);
	else
		((struct sockaddr_in6 *)&ss)->sin6_addr = in6addr_loopback;
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 64) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
		close(fd);
		return -1;
	}
	*open_port = ntohs(family == AF_INET
				   ? ((struct sockaddr_in *)&ss)->sin_port
				   : ((struct sockaddr_in6 *)&ss)->sin6_port);
	/* A port bound then released: nobody listens there now. */
	gone = socket(family, SOCK_STREAM, 0);
	if (family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_port = 0;
	else
		((struct sockaddr_in6 *)&ss)->sin6_port = 0;
	len = family == AF_INET ? sizeof(struct sockaddr_in)
				: sizeof(struct sockaddr_in6);
	bind(gone, (struct sockaddr *)&ss, len);
	getsockname(gone, (struct sockaddr *)&ss, &len);
	*closed_port = ntohs(family == AF_INET
				     ? ((struct sockaddr_in *)&ss)->sin_port
				     : ((struct sockaddr_in6 *)&ss)->sin6_port);
	close(gone);
	return fd;
}

#define LO_PORTS 64

struct lo {
	struct addr target;
	uint16_t ports[LO_PORTS];
	int outcome[LO_PORTS];
	int calls;
};

static struct addr lo_target(void *arg, uint64_t ti)
{
	(void)ti;
	return ((struct lo *)arg)->target;
}

static uint16_t lo_port(void *arg, uint64_t pi)
{
	return ((struct lo *)arg)->ports[pi];
}

static void lo_result(void *arg, uint64_t ti, uint64_t pi, int outcome,
		      uint32_t rtt_us)
{
	struct lo *l = arg;

	(void)ti, (void)rtt_us;
	l->outcome[pi] = outcome;
	l->calls++;
}

/* The engine over loopback: one open and one closed port of family. */
static void engine_loopback(int family, const char *addr)
{
	volatile sig_atomic_t stop = 0;
	struct lo l = { .calls = 0 };
	struct connscan_job j = {
		.nt = 1,
		.np = 2,
		.target = lo_target,
		.port = lo_port,
		.result = lo_result,
		.arg = &l,
		.rate = 1000,
		.parallelism = 4,
		.max_retries = 1,
		.init_rtt_ms = 1000,
		.min_rtt_ms = 100,
		.max_rtt_ms = 1000,
		.seed = 7,
		.stop = &stop,
	};
	struct connscan_stats st;
	char err[256];
	int fd = listener(family, &l.ports[0], &l.ports[1]);

	if (fd < 0) {
		/* No ::1 (IPv6 off): nothing to test in this family. */
		CHECK(family == AF_INET6);
		return;
	}
	CHECK(addr_parse(addr, &l.target) == 0);
	l.outcome[0] = l.outcome[1] = -1;
	CHECK(connscan_run(&j, &st, err, sizeof(err)) == 0);
	CHECK_EQ_U(l.outcome[0], CONN_OPEN);
	CHECK_EQ_U(l.outcome[1], CONN_REFUSED);
	CHECK_EQ_U(l.calls, 2);
	CHECK_EQ_U(st.answered, 2);
	/* Everything answered in the first pass: no retry pass. */
	CHECK_EQ_U(st.passes, 1);
	CHECK_EQ_U(st.sent, 2);
	close(fd);
}

/*
 * One socket for a whole run (parallelism 1): each refused connect is
 * reaped by connect() again and the socket connects anew; an open port
 * between them closes it and the next probe takes a fresh one. Every
 * port is read right, each once, in one pass.
 */
static void engine_reuse(int family, const char *addr)
{
	volatile sig_atomic_t stop = 0;
	struct lo l = { .calls = 0 };
	struct connscan_job j = {
		.nt = 1,
		.np = LO_PORTS,
		.target = lo_target,
		.port = lo_port,
		.result = lo_result,
		.arg = &l,
		.rate = 100000,
		.parallelism = 1,
		.max_retries = 2,
		.init_rtt_ms = 1000,
		.min_rtt_ms = 1000,
		.max_rtt_ms = 1000,
		.seed = 7,
		.sequential = 1,
		.stop = &stop,
	};
	struct connscan_stats st;
	char err[256];
	uint16_t open_port, closed_port;
	int fd = listener(family, &open_port, &closed_port);

	if (fd < 0) {
		CHECK(family == AF_INET6);
		return;
	}
	CHECK(addr_parse(addr, &l.target) == 0);
	for (int i = 0; i < LO_PORTS; i++) {
		l.ports[i] = i % 20 == 10 ? open_port : closed_port;
		l.outcome[i] = -1;
	}
	CHECK(connscan_run(&j, &st, err, sizeof(err)) == 0);
	for (int i = 0; i < LO_PORTS; i++)
		CHECK_EQ_U(l.outcome[i],
			   i % 20 == 10 ? CONN_OPEN : CONN_REFUSED);
	CHECK_EQ_U(l.calls, LO_PORTS);
	CHECK_EQ_U(st.answered, LO_PORTS);
	CHECK_EQ_U(st.passes, 1);
	CHECK_EQ_U(st.sent, LO_PORTS);
	close(fd);
}

int main(void)
{
	const char *dir = getenv("FATHOM_SRCDIR");
	char datadir[1100];
	struct scan_opts o;
	uint8_t state, reason;

	snprintf(datadir, sizeof(datadir), "%s/probes", dir ? dir : ".");
	setenv("FATHOM_DATADIR", datadir, 1);

	CASE("connect()'s errors: nmap's reading")
	{
		CHECK_EQ_U(connscan_outcome(0), CONN_OPEN);
		CHECK_EQ_U(connscan_outcome(ECONNREFUSED), CONN_REFUSED);
		CHECK_EQ_U(connscan_outcome(EHOSTUNREACH), CONN_HOST_UNREACH);
		CHECK_EQ_U(connscan_outcome(EHOSTDOWN), CONN_HOST_UNREACH);
		CHECK_EQ_U(connscan_outcome(ENETUNREACH), CONN_NET_UNREACH);
		CHECK_EQ_U(connscan_outcome(EACCES), CONN_PROHIBITED);
		CHECK_EQ_U(connscan_outcome(ETIMEDOUT), CONN_TIMEOUT);
		/* Our own shortage says nothing about the port. */
		CHECK_EQ_U(connscan_outcome(EADDRNOTAVAIL), CONN_RETRY);
		CHECK_EQ_U(connscan_outcome(EMFILE), CONN_RETRY);
	}
	CASE("outcomes: states and reasons as nmap -sT --reason prints them")
	{
		connscan_state(CONN_OPEN, &state, &reason);
		CHECK_STR(port_state_name(state), "open");
		CHECK_STR(port_reason_name(reason), "syn-ack");
		connscan_state(CONN_REFUSED, &state, &reason);
		CHECK_STR(port_state_name(state), "closed");
		CHECK_STR(port_reason_name(reason), "conn-refused");
		connscan_state(CONN_TIMEOUT, &state, &reason);
		CHECK_STR(port_state_name(state), "filtered");
		CHECK_STR(port_reason_name(reason), "no-response");
		connscan_state(CONN_HOST_UNREACH, &state, &reason);
		CHECK_STR(port_state_name(state), "filtered");
		CHECK_STR(port_reason_name(reason), "host-unreach");
		connscan_state(CONN_NET_UNREACH, &state, &reason);
		CHECK_STR(port_reason_name(reason), "net-unreach");
		connscan_state(CONN_PROHIBITED, &state, &reason);
		CHECK_STR(port_reason_name(reason), "admin-prohibited");
		connscan_state(99, &state, &reason);
		CHECK_STR(port_state_name(state), "filtered");
	}
	CASE("the engine on loopback: open and closed, IPv4 and IPv6")
	{
		engine_loopback(AF_INET, "127.0.0.1");
		engine_loopback(AF_INET6, "::1");
	}
	CASE("the engine on loopback: one socket reused for 64 probes")
	{
		engine_reuse(AF_INET, "127.0.0.1");
		engine_reuse(AF_INET6, "::1");
	}
	CASE("parallelism: --max-parallelism, the template, at least one")
	{
		CHECK_EQ_U(connscan_parallelism(7, 4), 7);
		CHECK_EQ_U(connscan_parallelism(0, 0), 1);
		CHECK(connscan_parallelism(0, 4) >= 1);
		CHECK(connscan_parallelism(0, 4) <= 2048);
	}
	CASE("-sT is a TCP scan type: alone, with -sU, not with another")
	{
		CHECK_EQ_U(run("fathom -n -sT -p80 198.18.0.15", &o, 0), 0);
		CHECK_EQ_U(o.tcp_scan, TCP_SCAN_CONNECT);
		CHECK_EQ_U(o.syn_scan, 1);
		cli_free(&o);
		CHECK_EQ_U(run("fathom -n -sT -sU -p80 198.18.0.15", &o, 0), 0);
		CHECK_EQ_U(o.tcp_scan, TCP_SCAN_CONNECT);
		CHECK_EQ_U(o.udp_scan, 1);
		cli_free(&o);
		CHECK_EQ_U(run("fathom -n -sT -sS -p80 198.18.0.15", &o, 0), 2);
		CHECK_STR(errs, "fathom: -sS and -sT: more than one TCP scan "
				"type; choose one of -sS, -sT, -sA, -sW, -sF, "
				"-sN, -sX, -sM (see fathom -h)\n");
		cli_free(&o);
		CHECK_EQ_U(run("fathom -n -sA -sT -p80 198.18.0.15", &o, 0), 2);
		cli_free(&o);
		CHECK_EQ_U(run("fathom -n -sT --scanflags SYN -p80 198.18.0.15",
			       &o, 0),
			   2);
		CHECK(strstr(errs, "--scanflags does not apply") != NULL);
		cli_free(&o);
	}
	CASE("without CAP_NET_RAW: -sT by default, the connect ping")
	{
		CHECK_EQ_U(run("fathom -n -p80 198.18.0.15", &o, 1), 0);
		CHECK_EQ_U(o.unprivileged, 1);
		CHECK_EQ_U(o.tcp_scan, TCP_SCAN_CONNECT);
		CHECK_EQ_U(o.disc.n, 2);
		CHECK_EQ_U(o.disc.probes[0].kind, DK_SYN);
		CHECK_EQ_U(o.disc.probes[0].port, 80);
		CHECK_EQ_U(o.disc.probes[1].port, 443);
		cli_free(&o);
		/* nmap: -PA becomes a connect too, each port once. */
		CHECK_EQ_U(run("fathom -n -PS22,80 -PA80 -p80 198.18.0.15", &o,
			       1),
			   0);
		CHECK_EQ_U(o.disc.n, 2);
		CHECK_EQ_U(o.disc.probes[0].port, 22);
		CHECK_EQ_U(o.disc.probes[1].port, 80);
		cli_free(&o);
	}
	CASE("without CAP_NET_RAW: what needs raw packets is refused")
	{
		static const struct {
			const char *line, *what;
		} bad[] = {
			{ "fathom -n -sS -p80 198.18.0.15", "-sS" },
			{ "fathom -n -sA -p80 198.18.0.15", "-sA" },
			{ "fathom -n -sU -p80 198.18.0.15", "-sU" },
			{ "fathom -n -O -p80 198.18.0.15", "-O" },
			{ "fathom -n -A -p80 198.18.0.15", "-O" },
			{ "fathom -n -PE -p80 198.18.0.15", "-PE" },
			{ "fathom -n -PR -p80 198.18.0.15", "-PR" },
			{ "fathom -n --scanflags SYN -p80 198.18.0.15",
			  "--scanflags" },
		};

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			char want[256];

			CHECK(run(bad[i].line, &o, 1) == -1);
			snprintf(want, sizeof(want),
				 "fathom: %s requires root privileges (the "
				 "CAP_NET_RAW capability); run as root, or "
				 "scan with -sT\n",
				 bad[i].what);
			CHECK_STR(errs, want);
			cli_free(&o);
		}
		/* -Pn: the discovery probes named go unused. */
		CHECK_EQ_U(run("fathom -n -Pn -PE -p80 198.18.0.15", &o, 1), 0);
		cli_free(&o);
	}
	return DONE();
}
