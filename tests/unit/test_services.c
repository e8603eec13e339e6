/* test_services.c -- unit tests for engine/core/services.c and its table file. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/core/services.h"
#include "tests/unit/harness.h"

static char err[512];

static struct services *parse(const char *text)
{
	err[0] = '\0';
	return services_parse(text, strlen(text), "t", err, sizeof(err));
}

/* The text fails with exactly "t:LINE: reason". */
static int fails(const char *text, const char *want)
{
	struct services *s = parse(text);

	services_free(s);
	if (s != NULL || strcmp(err, want) != 0) {
		printf("#   want \"%s\", got %s \"%s\"\n", want,
		       s ? "success" : "error", err);
		return 0;
	}
	return 1;
}

static void collect(uint16_t port, void *arg)
{
	char *buf = arg;
	size_t len = strlen(buf);

	snprintf(buf + len, 256 - len, "%s%u", len ? "," : "", port);
}

static const char *table_path(void)
{
	static char buf[1024];
	const char *dir = getenv("FATHOM_SRCDIR");

	snprintf(buf, sizeof(buf), "%s/probes/fathom-services",
		 dir ? dir : ".");
	return buf;
}

static const char small[] = "# a comment line\n"
			    "\n"
			    "http      80/tcp   0.48   # trailing comment\n"
			    "  ssh\t22/tcp\t0.30\n"
			    "https     443/tcp  0.30\r\n"
			    "domain    53/udp   .25\n"
			    "domain    53/tcp   0.05\n"
			    "http-alt  8080/tcp 0.1\n"
			    "HTTP-MGMT 280/tcp  0\n"
			    "snmp      161/udp  1\n"
			    "x         0/tcp    1.000";

int main(void)
{
	struct services *s;
	uint16_t out[16];
	char buf[256];

	CASE("parse names per protocol")
	{
		s = parse(small);
		CHECK(s != NULL);
		CHECK_STR(services_name(s, SVC_TCP, 80), "http");
		CHECK_STR(services_name(s, SVC_TCP, 22), "ssh");
		CHECK_STR(services_name(s, SVC_TCP, 443), "https");
		CHECK_STR(services_name(s, SVC_TCP, 53), "domain");
		CHECK_STR(services_name(s, SVC_UDP, 53), "domain");
		CHECK_STR(services_name(s, SVC_UDP, 161), "snmp");
		CHECK_STR(services_name(s, SVC_TCP, 0), "x");
		CHECK(services_name(s, SVC_UDP, 80) == NULL);
		CHECK(services_name(s, SVC_TCP, 161) == NULL);
		CHECK(services_name(s, SVC_TCP, 81) == NULL);
		CHECK(services_name(s, 7, 80) == NULL);
		CHECK(services_name(NULL, SVC_TCP, 80) == NULL);
		services_free(s);
	}

	CASE("top-N by frequency, ties to the lower port, output ascending")
	{
		s = parse(small);
		CHECK(s != NULL);
		/* tcp: 0 (1.0) 80 (.48) 22 = 443 (.30) 8080 53 280 */
		CHECK_EQ_U(services_top(s, SVC_TCP, 1, out), 1);
		CHECK_EQ_U(out[0], 0);
		CHECK_EQ_U(services_top(s, SVC_TCP, 3, out), 3);
		CHECK_EQ_U(out[0], 0);
		CHECK_EQ_U(out[1], 22);
		CHECK_EQ_U(out[2], 80);
		CHECK_EQ_U(services_top(s, SVC_TCP, 4, out), 4);
		CHECK_EQ_U(out[3], 443);
		CHECK_EQ_U(services_top(s, SVC_TCP, 16, out), 7);
		CHECK_EQ_U(out[6], 8080);
		CHECK_EQ_U(services_top(s, SVC_UDP, 1, out), 1);
		CHECK_EQ_U(out[0], 161);
		CHECK_EQ_U(services_top(s, SVC_UDP, 16, out), 2);
		CHECK_EQ_U(out[0], 53);
		CHECK_EQ_U(services_top(s, SVC_UDP, 0, out), 0);
		services_free(s);
	}

	CASE("glob matching")
	{
		s = parse(small);
		CHECK(s != NULL);
		buf[0] = '\0';
		CHECK_EQ_U(services_match(s, SVC_TCP, "http", collect, buf), 1);
		CHECK_STR(buf, "80");
		buf[0] = '\0';
		CHECK_EQ_U(services_match(s, SVC_TCP, "http*", collect, buf),
			   4);
		CHECK_STR(buf, "80,280,443,8080");
		buf[0] = '\0';
		CHECK_EQ_U(services_match(s, SVC_TCP, "*-*", collect, buf), 2);
		CHECK_STR(buf, "280,8080");
		buf[0] = '\0';
		CHECK_EQ_U(services_match(s, SVC_TCP, "S?H", collect, buf), 1);
		CHECK_STR(buf, "22");
		CHECK_EQ_U(services_match(s, SVC_TCP, "*", NULL, NULL), 7);
		CHECK_EQ_U(services_match(s, SVC_TCP, "*a*n*", NULL, NULL), 1);
		CHECK_EQ_U(services_match(s, SVC_UDP, "domain", NULL, NULL), 1);
		CHECK_EQ_U(services_match(s, SVC_UDP, "http", NULL, NULL), 0);
		CHECK_EQ_U(services_match(s, SVC_TCP, "htt", NULL, NULL), 0);
		CHECK_EQ_U(services_match(s, SVC_TCP, "https?", NULL, NULL), 0);
		CHECK_EQ_U(services_match(s, SVC_TCP, "?", NULL, NULL), 1);
		services_free(s);
	}

	CASE("empty and comment-only tables")
	{
		s = parse("");
		CHECK(s != NULL);
		CHECK_EQ_U(services_top(s, SVC_TCP, 5, out), 0);
		services_free(s);
		s = parse("# nothing\n\n   \n\t# indented comment\n");
		CHECK(s != NULL);
		CHECK(services_name(s, SVC_TCP, 80) == NULL);
		services_free(s);
		services_free(NULL);
	}

	CASE("errors: name")
	{
		CHECK(fails("-x 1/tcp 0.1\n", "t:1: bad name '-x'"));
		CHECK(fails("ok 1/tcp 0.1\nb@d 2/tcp 0.1\n",
			    "t:2: bad name 'b@d'"));
		CHECK(fails("_x 1/tcp 0.1\n", "t:1: bad name '_x'"));
		{
			char line[128], want[160];

			/* 63 characters is the longest name accepted. */
			memset(line, 'n', 63);
			snprintf(line + 63, sizeof(line) - 63, " 1/tcp 0.1\n");
			s = parse(line);
			CHECK(s != NULL);
			services_free(s);
			memset(line, 'n', 64);
			snprintf(line + 64, sizeof(line) - 64, " 1/tcp 0.1\n");
			snprintf(want, sizeof(want), "t:1: bad name '%.64s'",
				 line);
			CHECK(fails(line, want));
		}
	}

	CASE("errors: port and proto")
	{
		CHECK(fails("x 65536/tcp 0.1\n", "t:1: bad port '65536'"));
		CHECK(fails("x 8o/tcp 0.1\n", "t:1: bad port '8o'"));
		CHECK(fails("x /tcp 0.1\n", "t:1: bad port ''"));
		CHECK(fails("x -1/tcp 0.1\n", "t:1: bad port '-1'"));
		CHECK(fails("\n\nx 80/ftp 0.1\n", "t:3: bad proto 'ftp'"));
		CHECK(fails("x 80/TCP 0.1\n", "t:1: bad proto 'TCP'"));
		CHECK(fails("x 80/ 0.1\n", "t:1: bad proto ''"));
		CHECK(fails("x 80 0.1\n",
			    "t:1: bad proto: '80' lacks '/tcp' or '/udp'"));
		CHECK(fails("x\n", "t:1: missing PORT/PROTO after 'x'"));
		CHECK(fails("x # c\n", "t:1: missing PORT/PROTO after 'x'"));
	}

	CASE("errors: frequency and trailing junk")
	{
		CHECK(fails("x 1/tcp 1.5\n", "t:1: bad frequency '1.5'"));
		CHECK(fails("x 1/tcp 2\n", "t:1: bad frequency '2'"));
		CHECK(fails("x 1/tcp -0.1\n", "t:1: bad frequency '-0.1'"));
		CHECK(fails("x 1/tcp 0.5x\n", "t:1: bad frequency '0.5x'"));
		CHECK(fails("x 1/tcp .\n", "t:1: bad frequency '.'"));
		CHECK(fails("x 1/tcp 1e-3\n", "t:1: bad frequency '1e-3'"));
		CHECK(fails("x 1/tcp 1.0000001\n",
			    "t:1: bad frequency '1.0000001'"));
		CHECK(fails("x 1/tcp\n", "t:1: missing frequency for 1/tcp"));
		CHECK(fails("x 1/tcp 0.1 extra\n",
			    "t:1: unexpected 'extra' after frequency"));
	}

	CASE("errors: duplicates and NUL bytes")
	{
		static const char nul[] = "x 1/tcp 0.1\ny 2/tcp\0 0.1\n";

		CHECK(fails("x 1/tcp 0.1\ny 1/udp 0.1\nz 1/tcp 0.2\n",
			    "t:3: duplicate port/proto 1/tcp"));
		CHECK(fails("x 65535/udp 0\nx 65535/udp 0\n",
			    "t:2: duplicate port/proto 65535/udp"));
		s = services_parse(nul, sizeof(nul) - 1, "t", err, sizeof(err));
		CHECK(s == NULL);
		CHECK_STR(err, "t:2: NUL byte in line");
	}

	CASE("load errors")
	{
		s = services_load("/nonexistent/fathom-services", err,
				  sizeof(err));
		CHECK(s == NULL);
		CHECK_STR(err, "cannot open /nonexistent/fathom-services: "
			       "No such file or directory");
	}

	CASE("the shipped table: size, names, top ports")
	{
		static const struct {
			uint16_t port;
			const char *name;
		} need[] = {
			{ 21, "ftp" },          { 22, "ssh" },
			{ 25, "smtp" },         { 53, "domain" },
			{ 79, "finger" },       { 80, "http" },
			{ 110, "pop3" },        { 111, "rpcbind" },
			{ 113, "ident" },       { 143, "imap" },
			{ 443, "https" },       { 953, "rndc" },
			{ 993, "imaps" },       { 995, "pop3s" },
			{ 3306, "mysql" },      { 6379, "redis" },
			{ 8080, "http-proxy" }, { 11211, "memcache" },
		};
		static uint16_t top[65536];
		size_t i, n;

		s = services_load(table_path(), err, sizeof(err));
		CHECK(s != NULL);
		if (s == NULL)
			printf("#   %s\n", err);
		for (i = 0; s && i < sizeof(need) / sizeof(need[0]); i++)
			CHECK_STR(services_name(s, SVC_TCP, need[i].port),
				  need[i].name);
		CHECK(services_name(s, SVC_TCP, 2222) != NULL);
		CHECK(services_name(s, SVC_TCP, 7979) != NULL);
		CHECK_STR(services_name(s, SVC_UDP, 53), "domain");
		CHECK_STR(services_name(s, SVC_UDP, 161), "snmp");
		n = services_top(s, SVC_TCP, 65536, top);
		CHECK(n >= 1000);
		n = services_top(s, SVC_UDP, 65536, top);
		CHECK(n >= 300);
		/* The head of the ranking is what every scanner expects. */
		CHECK_EQ_U(services_top(s, SVC_TCP, 1, top), 1);
		CHECK_EQ_U(top[0], 80);
		CHECK_EQ_U(services_top(s, SVC_TCP, 20, top), 20);
		for (i = 1; i < 20; i++)
			CHECK(top[i - 1] < top[i]);
		CHECK_EQ_U(top[0], 21);
		CHECK_EQ_U(top[19], 8080);
		CHECK_EQ_U(services_top(s, SVC_UDP, 1, top), 1);
		CHECK_EQ_U(top[0], 53);
		services_free(s);
	}

	CASE("sctp lines are skipped, as nmap's nmap-services has them")
	{
		struct services *t = parse("x 80/sctp 0.1\nhttp 80/tcp 0.2\n"
					   "x 80/sctp 0.1 # again\n");

		CHECK(t != NULL);
		CHECK_STR(t ? services_name(t, SVC_TCP, 80) : NULL, "http");
		services_free(t);
	}

	CASE("nmap's own nmap-services loads, with nmap's names")
	{
		const char *path = "/usr/share/nmap/nmap-services";
		struct services *n;

		if (access(path, R_OK) != 0) {
			printf("# %s not installed: nothing to compare\n",
			       path);
			continue;
		}
		n = services_load(path, err, sizeof(err));
		CHECK(n != NULL);
		if (n == NULL) {
			printf("#   %s\n", err);
			break;
		}
		CHECK_STR(services_name(n, SVC_TCP, 6000), "X11");
		CHECK_STR(services_name(n, SVC_TCP, 9100), "jetdirect");
		CHECK_STR(services_name(n, SVC_TCP, 22), "ssh");
		services_free(n);
	}

	return DONE();
}
