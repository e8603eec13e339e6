/* test_vscan.c -- -sV scheduling against loopback peers: echoes and nmap's probe order. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netstack/base/util.h"
#include "engine/vscan/transport.h"
#include "engine/vscan/vscan_int.h"
#include "tests/unit/harness.h"

/*
 * A small database: a NULL probe that waits 1.5 s, a plain probe, and a
 * TLS-looking probe (rarity 1, a 0x16 record, an "ssl" line) that phase
 * 1 sends beside the NULL probe. Its "reverse" line matches a ClientHello
 * sent back, as nmap's reverse-ssl line does; "smb" matches our own
 * plain probe sent back, as an SMB negotiate echoed reads as SMB.
 */
static const char db_text[] =
	"Probe TCP NULL q||\n"
	"totalwaitms 1500\n"
	"tcpwrappedms 100\n"
	"Probe TCP Alpha q|ALPHA\\r\\n|\n"
	"rarity 1\n"
	"match alpha m|^alpha-ok| p/Alpha server/\n"
	"match smb m|^ALPHA| p/SMB from an echo/\n"
	"Probe TCP Hello q|\\x16\\x03\\x01\\x00\\x05hello|\n"
	"rarity 1\n"
	"match ssl m|^\\x15\\x03|\n"
	"match reverse m|^\\x16\\x03\\x01| p/Reverse from an echo/\n"
	"match hello m|^HELLO-BACK| p/Hello server/\n";

/*
 * Two probes no line matches, each bound to a generic recogniser
 * (probes/recog.h): SOCKS 5 before SOCKS 4 in the file.
 */
static const char socks_text[] =
	"Probe TCP NULL q||\n"
	"totalwaitms 1500\n"
	"tcpwrappedms 100\n"
	"Probe TCP Socks5Greeting q|\\x05\\x02\\0\\x02|\n"
	"rarity 1\n"
	"Probe TCP Socks4Connect q|\\x04\\x01\\0\\0\\0\\0\\0\\0fathom\\0|\n"
	"rarity 1\n";

/*
 * A probe from reserved source ports listing the port (rshd's trust
 * rule; %u: the peer's port). Its peer closes a connection that sends
 * nothing within 50 ms, as rshd closes one from another source port.
 */
static const char rsh_fmt[] = "Probe TCP NULL q||\n"
			      "totalwaitms 1500\n"
			      "tcpwrappedms 300\n"
			      "Probe TCP Rsh q|0\\0a\\0b\\0true\\0|\n"
			      "rarity 9\n"
			      "ports %u\n"
			      "fathom-sourceports 512-1023\n"
			      "match shell m|^\\x01Permission denied\\.\\n$|\n";

/*
 * Two probes that stall a one-client-at-a-time daemon (PEER_SERIAL)
 * and, after them in the file, the one it answers.
 */
static const char serial_text[] =
	"Probe TCP NULL q||\n"
	"totalwaitms 300\n"
	"Probe TCP Stall1 q|STALL1|\n"
	"rarity 1\n"
	"totalwaitms 500\n"
	"Probe TCP Stall2 q|STALL2|\n"
	"rarity 1\n"
	"totalwaitms 500\n"
	"Probe TCP Ask q|ASK\\r\\n|\n"
	"rarity 1\n"
	"totalwaitms 500\n"
	"match serial m|^serial-ok| p/Serial daemon/\n";

/*
 * The same daemon held by another client: Gen, its one hard line, ends
 * on its deadline before the daemon is free; Ask, waiting longer, gets
 * the softmatch.
 */
static const char held_text[] = "Probe TCP NULL q||\n"
				"totalwaitms 300\n"
				"Probe TCP Gen q|ASK-GEN\\r\\n|\n"
				"rarity 1\n"
				"totalwaitms 400\n"
				"match serial m|^serial-ok| p/Serial daemon/\n"
				"Probe TCP Ask q|ASK\\r\\n|\n"
				"rarity 1\n"
				"totalwaitms 3000\n"
				"softmatch serial m|^serial-ok|\n";

/*
 * A reply written in two pieces 50 ms apart (PEER_SPLIT), as a reply
 * in many segments can reach -sV through the capture: its first piece
 * alone fits a loose line, the whole reply the right one.
 */
static const char split_text[] =
	"Probe TCP NULL q||\n"
	"totalwaitms 300\n"
	"Probe TCP Split q|SPLIT\\r\\n|\n"
	"rarity 1\n"
	"match loose m|^HALF-ONE$| p/Loose line/\n"
	"match whole m|^HALF-ONE-HALF-TWO$| p/Whole reply/\n";

enum peer {
	PEER_ECHO,
	PEER_BOTH,
	PEER_GREET_ECHO,
	PEER_CLOSE,
	PEER_SOCKS,
	PEER_RSH,
	PEER_SPLIT
};

/* One connection: echo (after a greeting), or answer each probe its own way. */
static void serve(int c, enum peer mode)
{
	char buf[512];
	ssize_t n;

	if (mode == PEER_GREET_ECHO && write(c, "hi there\r\n", 10) != 10)
		return;
	if (mode == PEER_CLOSE) { /* past the NULL's 100 ms, no byte */
		usleep(300 * 1000);
		close(c);
		return;
	}
	if (mode == PEER_SPLIT) {
		if (read(c, buf, sizeof(buf)) > 0 && buf[0] == 'S' &&
		    write(c, "HALF-ONE", 8) == 8) {
			usleep(50 * 1000);
			if (write(c, "-HALF-TWO", 9) != 9)
				buf[0] = 0;
		}
		usleep(200 * 1000);
		close(c);
		return;
	}
	if (mode == PEER_RSH) {
		struct pollfd pfd = { .fd = c, .events = POLLIN };

		if (poll(&pfd, 1, 50) == 1 && read(c, buf, sizeof(buf)) > 0 &&
		    buf[0] == '0' &&
		    write(c, "\1Permission denied.\n", 20) != 20)
			buf[0] = 0;
		close(c);
		return;
	}
	while ((n = read(c, buf, sizeof(buf))) > 0) {
		if (mode == PEER_SOCKS && buf[0] == 5) { /* the later reply */
			usleep(300 * 1000);
			if (write(c, "\x05\x00", 2) != 2)
				break;
		} else if (mode == PEER_SOCKS && buf[0] == 4) {
			if (write(c, "\0\x5a\0\0\0\0\0\0", 8) != 8)
				break;
		} else if (mode == PEER_SOCKS) {
			break;
		} else if (mode != PEER_BOTH) {
			if (write(c, buf, (size_t)n) != n)
				break;
		} else if (buf[0] == 'A') {
			if (write(c, "alpha-ok\r\n", 10) != 10)
				break;
		} else if (buf[0] == 0x16) {
			if (write(c, "HELLO-BACK", 10) != 10)
				break;
		}
	}
	close(c);
}

/* A forked server on 127.0.0.1 (a process per connection); its pid. */
static pid_t peer_start(enum peer mode, uint16_t *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	pid_t pid;

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(fd, 16) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &al) < 0)
		return -1;
	*port = ntohs(a.sin_port);
	pid = fork();
	if (pid == 0) {
		signal(SIGCHLD, SIG_IGN);
		for (;;) {
			int c = accept(fd, NULL, NULL);

			if (c < 0)
				continue;
			if (fork() == 0) {
				close(fd);
				serve(c, mode);
				_exit(0);
			}
			close(c);
		}
	}
	close(fd);
	return pid;
}

/*
 * A daemon that serves one client at a time, as krb5's kadmind does:
 * one process, a select loop, and a blocking read of any request it
 * cannot parse until the client goes away (kadmind's RPC reader waits
 * up to 35 s for the rest of a record). It answers "ASK" at once.
 */
static void serial_loop(int lfd)
{
	fd_set all;
	int maxfd = lfd;

	FD_ZERO(&all);
	FD_SET(lfd, &all);
	for (;;) {
		fd_set rd = all;

		if (select(maxfd + 1, &rd, NULL, NULL, NULL) < 0)
			continue;
		if (FD_ISSET(lfd, &rd)) {
			int c = accept(lfd, NULL, NULL);

			if (c >= 0 && c < FD_SETSIZE) {
				FD_SET(c, &all);
				maxfd = c > maxfd ? c : maxfd;
			} else if (c >= 0) {
				close(c);
			}
		}
		for (int c = 0; c <= maxfd; c++) {
			char buf[64];

			if (c == lfd || !FD_ISSET(c, &rd) || !FD_ISSET(c, &all))
				continue;
			if (read(c, buf, sizeof(buf)) >= 3 &&
			    memcmp(buf, "ASK", 3) == 0) {
				if (write(c, "serial-ok\r\n", 11) != 11)
					buf[0] = 0;
			} else { /* stuck until the client leaves */
				while (read(c, buf, sizeof(buf)) > 0)
					;
			}
			FD_CLR(c, &all);
			close(c);
		}
	}
}

static pid_t serial_start(uint16_t *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	pid_t pid;

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(fd, 16) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &al) < 0)
		return -1;
	*port = ntohs(a.sin_port);
	pid = fork();
	if (pid == 0)
		serial_loop(fd);
	close(fd);
	return pid;
}

/* --version-parallel of the next probe_one (1: nmap's order, one by one). */
static size_t test_par = VS_PAR_DEFAULT;

/*
 * With test_sport, probe_one's sockets transport claims it can choose
 * source ports: open_sport notes the range and opens as open() does
 * (binding a reserved port needs root; the peer cannot tell anyway).
 */
static int test_sport, sport_calls;
static uint16_t sport_lo, sport_hi;
static struct vs_transport_ops sport_ops;

static void *open_noting_sport(struct vs_transport *t, const struct addr *a,
			       uint16_t port, uint16_t lo, uint16_t hi,
			       const uint8_t *mac, void *user, uint64_t now)
{
	sport_calls++;
	sport_lo = lo;
	sport_hi = hi;
	return t->ops->open(t, a, port, mac, user, now);
}

/* Runs one service to its verdict over kernel sockets; 0 or -1. */
static int probe_one(const struct svcdb *db, uint16_t port,
		     struct svc_result *out, uint64_t *ms)
{
	struct scan s = { 0 };
	struct scan_opts o = { 0 };
	size_t host_conns[1] = { 0 };
	struct vs v = { .s = &s,
			.o = &o,
			.db = db,
			.max_services = 1,
			.par = test_par,
			.host_conns = host_conns };
	struct service sv = { .vs = &v, .out = out };
	const struct svc_probe *tls[4];
	char err[128];
	uint64_t t0 = vs_now_ms();

	o.version_intensity = 7;
	s.opt = &o;
	out->addr = addr_from_v4(INADDR_LOOPBACK);
	out->port = port;
	/* As vscan_run picks them: rarity 1, a TLS record, an ssl line. */
	for (size_t i = 0; i < svcdb_nprobes(db) && v.ntls < 4; i++) {
		const struct svc_probe *p = svcdb_probe(db, i);

		if (p->rarity <= 1 && p->payload[0] == 0x16 &&
		    svc_probe_can_match(p, "ssl"))
			tls[v.ntls++] = p;
	}
	v.tls_probes = tls;
	v.svcs = &sv;
	v.nsvc = 1;
	struct vs_transport_cfg cfg = { .max_conns = 64,
					.connect_ms = 1000,
					.life_ms = 10000,
					.event = vs_on_event };

	v.tr = vs_transport_sockets(&cfg, NULL, err, sizeof(err));
	if (v.tr == NULL)
		return -1;
	if (test_sport) {
		sport_ops = *v.tr->ops;
		sport_ops.open_sport = open_noting_sport;
		v.tr->ops = &sport_ops;
	}
	vs_start_service(&sv);
	while (!sv.done && vs_now_ms() - t0 < 10000) {
		v.tr->ops->wait(v.tr, 10);
		v.tr->ops->drain(v.tr);
		v.tr->ops->tick(v.tr, vs_now_ms());
		vs_evaluate(&sv, vs_now_ms());
	}
	*ms = vs_now_ms() - t0;
	v.tr->ops->free(v.tr, vs_now_ms());
	vs_free_conns(&sv);
	svcfp_free(&sv.fp);
	return sv.done ? 0 : -1;
}

/*
 * Starts a peer in mode, runs one service against it (probe_one), and
 * stops it: 0, or -1 when the peer did not start or the probe failed.
 */
static int probe_peer(const struct svcdb *db, enum peer mode,
		      struct svc_result *out, uint64_t *ms)
{
	uint16_t port;
	pid_t pid = peer_start(mode, &port);
	int rc;

	memset(out, 0, sizeof(*out));
	if (pid <= 0)
		return -1;
	rc = probe_one(db, port, out, ms);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	return rc;
}

/* Runs rsh_fmt's database against PEER_RSH; sport: open_sport exists. */
static void rsh_one(int sport, struct svc_result *r)
{
	struct svcdb *db = svcdb_new();
	char text[sizeof(rsh_fmt) + 8], err[256];
	uint16_t port = 0;
	uint64_t ms;
	pid_t pid = peer_start(PEER_RSH, &port);

	memset(r, 0, sizeof(*r));
	snprintf(text, sizeof(text), rsh_fmt, port);
	CHECK(pid > 0);
	CHECK(svcdb_load_buf(db, text, strlen(text), "rsh", err, sizeof(err)) ==
		      0 &&
	      svcdb_finalize(db, err, sizeof(err)) == 0);
	test_sport = sport;
	sport_calls = 0;
	sport_lo = sport_hi = 0;
	if (pid > 0)
		CHECK(probe_one(db, port, r, &ms) == 0);
	test_sport = 0;
	if (pid > 0) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
	}
	svcdb_free(db);
}

/* Another client of the daemon: stalls it for hold_ms, then leaves. */
static pid_t hold_daemon(uint16_t port, int hold_ms)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
				 .sin_port = htons(port) };
	pid_t pid = fork();

	if (pid == 0) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		if (fd >= 0 &&
		    connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
		    write(fd, "STALL", 5) == 5)
			usleep((useconds_t)hold_ms * 1000);
		_exit(0);
	}
	usleep(50 * 1000); /* the daemon is stuck on it before we start */
	return pid;
}

/*
 * text's database against serial_start's daemon, held by another
 * client for hold_ms first if hold_ms > 0.
 */
static void serial_one(const char *text, int hold_ms, struct svc_result *r,
		       uint64_t *ms)
{
	struct svcdb *db = svcdb_new();
	char err[256];
	uint16_t port = 0;
	pid_t pid = serial_start(&port), holder = -1;

	memset(r, 0, sizeof(*r));
	CHECK(pid > 0);
	CHECK(svcdb_load_buf(db, text, strlen(text), "serial", err,
			     sizeof(err)) == 0 &&
	      svcdb_finalize(db, err, sizeof(err)) == 0);
	if (pid > 0 && hold_ms > 0)
		holder = hold_daemon(port, hold_ms);
	if (pid > 0) {
		CHECK(probe_one(db, port, r, ms) == 0);
		if (holder > 0)
			waitpid(holder, NULL, 0);
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
	}
	svcdb_free(db);
}

static void serial_cases(void)
{
	struct svc_result r;
	uint64_t ms = 0;

	CASE("a one-client daemon stuck on two probes still answers the third")
	{
		/* Side by side, the three probes time out together and Ask
		 * was reset before the daemon read it; nmap, one probe at a
		 * time, gets its answer. */
		serial_one(serial_text, 0, &r, &ms);
		CHECK_EQ_U(r.state, VS_MATCHED);
		CHECK_STR(r.ans.service, "serial");
		CHECK_STR(r.ans.product, "Serial daemon");
		/* Each stalled probe ends on its deadline, the next
		 * VS_SERIAL_MS later: not three waits of 500 ms in a row. */
		CHECK(ms < 500 + 2 * VS_SERIAL_MS + 700);
		printf("# serial daemon named in %llu ms\n",
		       (unsigned long long)ms);
		free(r.fp);
	}
	CASE("a probe silent while another client held the daemon: sent again")
	{
		/* Gen times out at ~700 ms, the daemon is free at 900 ms and
		 * softmatches Ask: Gen's hard line, alone, names it. */
		serial_one(held_text, 900, &r, &ms);
		CHECK_EQ_U(r.state, VS_MATCHED);
		CHECK_STR(r.ans.service, "serial");
		CHECK_STR(r.ans.product, "Serial daemon");
		free(r.fp);
	}
}

static void rsh_cases(void)
{
	struct svc_result r;

	CASE("the NULL probe's EOF waits for the port's reserved-port probe")
	{
		rsh_one(1, &r);
		CHECK_EQ_U(r.state, VS_MATCHED);
		CHECK_STR(r.ans.service, "shell");
		CHECK_EQ_U(sport_calls, 1);
		CHECK(sport_lo == 512 && sport_hi == 1023);
		free(r.fp);
	}
	CASE("a transport that cannot choose: probe skipped, tcpwrapped")
	{
		rsh_one(0, &r);
		CHECK_EQ_U(r.state, VS_TCPWRAPPED);
		CHECK_EQ_U(sport_calls, 0);
		free(r.fp);
	}
}

int main(void)
{
	struct svcdb *db = svcdb_new();
	char err[256];
	uint16_t port = 0;
	struct svc_result r;
	uint64_t ms = 0;
	pid_t pid;

	signal(SIGPIPE, SIG_IGN);
	CASE("the test database loads")
	{
		CHECK(svcdb_load_buf(db, db_text, sizeof(db_text) - 1, "t", err,
				     sizeof(err)) == 0 &&
		      svcdb_finalize(db, err, sizeof(err)) == 0);
		if (err[0])
			printf("#   %s\n", err);
	}
	CASE("an echo is 'echo': no line matches our own probe sent back")
	{
		memset(&r, 0, sizeof(r));
		pid = peer_start(PEER_ECHO, &port);
		CHECK(pid > 0);
		if (pid <= 0)
			break;
		CHECK(probe_one(db, port, &r, &ms) == 0);
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		CHECK_EQ_U(r.state, VS_MATCHED);
		CHECK_STR(r.ans.service, "echo");
		CHECK_STR(r.ans.product, "");
		/* Named once every probe came back: not the NULL's 1.5 s. */
		CHECK(ms < 1500);
		printf("# echo named in %llu ms\n", (unsigned long long)ms);
	}
	CASE("a greeting of its own, then echoes: not called echo")
	{
		memset(&r, 0, sizeof(r));
		pid = peer_start(PEER_GREET_ECHO, &port);
		CHECK(pid > 0);
		if (pid <= 0)
			break;
		CHECK(probe_one(db, port, &r, &ms) == 0);
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		CHECK_EQ_U(r.state, VS_NOMATCH);
		free(r.fp);
	}
	CASE("every connection closed without a byte, none timed out: tcpwrapped")
	{
		/* nmap's end rule, even though the NULL probe's close came
		 * after its tcpwrappedms. */
		memset(&r, 0, sizeof(r));
		pid = peer_start(PEER_CLOSE, &port);
		CHECK(pid > 0);
		if (pid <= 0)
			break;
		CHECK(probe_one(db, port, &r, &ms) == 0);
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		CHECK_EQ_U(r.state, VS_TCPWRAPPED);
		free(r.fp);
	}
	CASE("nmap's order: the plain probe before the TLS probe answers")
	{
		/*
		 * The TLS probe goes out at once (phase 1) and its answer
		 * hard-matches first, but nmap sends Alpha before it: Alpha's
		 * answer is the one nmap gives.
		 */
		memset(&r, 0, sizeof(r));
		pid = peer_start(PEER_BOTH, &port);
		CHECK(pid > 0);
		if (pid <= 0)
			break;
		CHECK(probe_one(db, port, &r, &ms) == 0);
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		CHECK_EQ_U(r.state, VS_MATCHED);
		CHECK_STR(r.ans.service, "alpha");
		CHECK_STR(r.ans.product, "Alpha server");
	}
	CASE("recognisers in nmap's order: socks5 though socks4 answered first")
	{
		struct svcdb *sdb = svcdb_new();

		CHECK(svcdb_load_buf(sdb, socks_text, sizeof(socks_text) - 1,
				     "s", err, sizeof(err)) == 0 &&
		      svcdb_finalize(sdb, err, sizeof(err)) == 0);
		CHECK(probe_peer(sdb, PEER_SOCKS, &r, &ms) == 0);
		CHECK_STR(r.ans.service, "socks5");
		free(r.fp);
		svcdb_free(sdb);
	}
	CASE("a reply in two pieces 50 ms apart is matched whole")
	{
		struct svcdb *sdb = svcdb_new();

		CHECK(svcdb_load_buf(sdb, split_text, sizeof(split_text) - 1,
				     "split", err, sizeof(err)) == 0 &&
		      svcdb_finalize(sdb, err, sizeof(err)) == 0);
		CHECK(probe_peer(sdb, PEER_SPLIT, &r, &ms) == 0);
		CHECK_EQ_U(r.state, VS_MATCHED);
		CHECK_STR(r.ans.service, "whole");
		CHECK_STR(r.ans.product, "Whole reply");
		svcdb_free(sdb);
	}
	/* One probe at a time in nmap's order: the same verdicts. */
	test_par = 1;
	CASE("sequential: the plain probe's answer, the TLS probe never sent")
	{
		memset(&r, 0, sizeof(r));
		pid = peer_start(PEER_BOTH, &port);
		CHECK(pid > 0);
		if (pid <= 0)
			break;
		CHECK(probe_one(db, port, &r, &ms) == 0);
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		CHECK_EQ_U(r.state, VS_MATCHED);
		CHECK_STR(r.ans.service, "alpha");
		CHECK_STR(r.ans.product, "Alpha server");
	}
	CASE("sequential: every connection closed without a byte: tcpwrapped")
	{
		memset(&r, 0, sizeof(r));
		pid = peer_start(PEER_CLOSE, &port);
		CHECK(pid > 0);
		if (pid <= 0)
			break;
		CHECK(probe_one(db, port, &r, &ms) == 0);
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		CHECK_EQ_U(r.state, VS_TCPWRAPPED);
		free(r.fp);
	}
	test_par = VS_PAR_DEFAULT;
	serial_cases();
	rsh_cases();
	test_par = 1;
	rsh_cases();
	svcdb_free(db);
	return DONE();
}
