/* test_reports.c -- every report format from hand-made scans, byte for byte. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/cli/cli.h"
#include "engine/core/hostdeadline.h"
#include "engine/core/hostiter.h"
#include "engine/core/scanreport.h"
#include "engine/report/report.h"
#include "engine/report/report_grep.h"
#include "engine/report/report_json.h"
#include "engine/report/report_xml.h"
#include "engine/sweep/synscan.h"
#include "engine/vscan/vscan.h"
#include "tests/unit/harness.h"

/*
 * The golden files are tests/data/reports/<scenario>.{nmap,xml,gnmap,
 * ndjson}. FATHOM_REGEN_GOLDEN=1 rewrites them from this build (then
 * review the diff: they are the contract with nmap's consumers).
 */

#define T_START 1795583400 /* Wed Nov 25 05:10:00 2026 UTC */

static char srcdir[1024];

struct fixture {
	struct scan_opts o;
	struct scan s;
	struct vscan_results vr;
	uint64_t idx; /* next free probe index */
};

static struct addr ip(const char *s)
{
	struct addr a = { 0 };

	addr_parse(s, &a);
	return a;
}

/* Host order, for ARP's table (IPv4 by nature). */
static uint32_t ip4(const char *s)
{
	struct addr a = ip(s);

	return addr_v4(&a);
}

static int ip_is(const struct addr *a, const char *s)
{
	struct addr b = ip(s);

	return addr_eq(a, &b);
}

static int setup(struct fixture *fx, int argc, const char **argv)
{
	memset(fx, 0, sizeof(*fx));
	if (cli_parse(argc, (char **)argv, &fx->o) != 0)
		return -1;
	scan_init(&fx->s, &fx->o, NULL);
	fx->s.st.start_wall = T_START;
	fx->s.st.end_wall = T_START + 12;
	fx->s.st.start_ns = 1000000000ull;
	fx->s.st.end_ns = 1000000000ull + 12340000000ull;
	return 0;
}

static void teardown(struct fixture *fx)
{
	free(fx->vr.r); /* the fingerprints are string literals */
	hosttab_free(fx->s.tab);
	scan_free(&fx->s);
	cli_free(&fx->o);
}

/* One answered probe; from 0 = the target itself. */
static void answer(struct fixture *fx, const char *addr, uint16_t port,
		   int state, int reason, int ttl, uint32_t rtt_us,
		   const char *from)
{
	struct port_result pr = {
		.addr = ip(addr),
		.from = from ? ip(from) : ip(addr),
		.rtt_us = rtt_us,
		.port = port,
		.proto = IPPROTO_TCP,
		.state = (uint8_t)state,
		.reason = (uint8_t)reason,
		.ttl = (uint8_t)ttl,
	};

	results_add(fx->s.res, fx->idx++, &pr);
}

static struct svc_result *svc_add(struct fixture *fx, const char *addr,
				  uint16_t port, int state)
{
	struct svc_result *r;

	fx->vr.r = realloc(fx->vr.r, (fx->vr.n + 1) * sizeof(*fx->vr.r));
	r = &fx->vr.r[fx->vr.n++];
	memset(r, 0, sizeof(*r));
	r->addr = ip(addr);
	r->port = port;
	r->state = (uint8_t)state;
	if (state == VS_MATCHED || state == VS_SOFT)
		r->ans.kind = state == VS_MATCHED ? SVC_HARD : SVC_SOFT;
	fx->s.svc = &fx->vr;
	return r;
}

static void answer_fields(struct svc_answer *a, const char *service,
			  const char *product, const char *version,
			  const char *info)
{
	snprintf(a->service, sizeof(a->service), "%s", service);
	snprintf(a->product, sizeof(a->product), "%s", product);
	snprintf(a->version, sizeof(a->version), "%s", version);
	snprintf(a->info, sizeof(a->info), "%s", info);
}

enum fmt {
	F_NORMAL,
	F_XML,
	F_GREP,
	F_JSON,
	F_N
};
static const char *const ext[F_N] = { "nmap", "xml", "gnmap", "ndjson" };

/*
 * The whole output of one format, as main writes it to a file, after
 * what the phases write into the host table.
 */
static char *render(struct scan *s, int fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct run_info ri;

	scanreport_all(s);
	switch (fmt) {
	case F_NORMAL:
		runinfo_of(s, &ri);
		ri.hosts_up = hostiter_count_up(s->tab, s->opt);
		report_header(f, &ri, 1);
		report_hosts(f, s);
		report_footer(f, &ri, 1);
		break;
	case F_XML:
		report_write_all(&report_xml_writer, f, s);
		break;
	case F_GREP:
		report_write_all(&report_grep_writer, f, s);
		break;
	default:
		report_write_all(&report_json_writer, f, s);
		break;
	}
	fclose(f);
	return buf;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, n;
	char chunk[4096];
	FILE *m;

	if (f == NULL)
		return NULL;
	m = open_memstream(&buf, &len);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, n, m);
	fclose(m);
	fclose(f);
	return buf;
}

/* Drops the line holding needle (for the optional stylesheet PI). */
static void drop_line(char *text, const char *needle)
{
	char *p = strstr(text, needle), *bol, *eol;

	if (p == NULL)
		return;
	for (bol = p; bol > text && bol[-1] != '\n'; bol--)
		;
	eol = strchr(p, '\n');
	eol = eol ? eol + 1 : p + strlen(p);
	memmove(bol, eol, strlen(eol) + 1);
}

/* Compares with the golden file; prints the first differing line. */
static int golden(const char *scenario, int fmt, const char *got)
{
	char path[1200];
	char *want;
	int same;

	snprintf(path, sizeof(path), "%s/tests/data/reports/%s.%s", srcdir,
		 scenario, ext[fmt]);
	if (getenv("FATHOM_REGEN_GOLDEN")) {
		FILE *f = fopen(path, "wb");

		if (f == NULL)
			return 0;
		fputs(got, f);
		fclose(f);
	}
	want = slurp(path);
	if (want == NULL) {
		printf("#   cannot read %s\n", path);
		return 0;
	}
	/* The PI is written only where nmap.xsl is installed. */
	if (fmt == F_XML && access(XML_STYLESHEET, R_OK) != 0)
		drop_line(want, "<?xml-stylesheet");
	same = strcmp(want, got) == 0;
	if (!same) {
		const char *a = want, *b = got;
		int line = 1;

		while (*a && *a == *b) {
			line += *a == '\n';
			a++;
			b++;
		}
		printf("#   %s differs at line %d:\n#   want: %.100s\n"
		       "#   got:  %.100s\n",
		       path, line, a, b);
	}
	free(want);
	return same;
}

/* Runs "cmd FILE suffix" on text written to a temporary FILE. */
static int run_on(const char *text, const char *cmd, const char *suffix)
{
	char path[] = "/tmp/fathom-test-reports.XXXXXX", line[1400];
	int fd = mkstemp(path), rc;
	FILE *f;

	if (fd < 0)
		return -1;
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	snprintf(line, sizeof(line), "%s %s%s", cmd, path, suffix);
	rc = system(line);
	unlink(path);
	return rc;
}

static int have(const char *tool)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", tool);
	return system(cmd) == 0;
}

/* nmap.dtd fixes nmaprun@scanner to "nmap": the only substitution. */
static int xml_valid(const char *xml)
{
	const char *tag = "<nmaprun scanner=\"fathom\"";
	const char *p = strstr(xml, tag);
	char *copy;
	int rc;

	if (p == NULL)
		return 0;
	copy = malloc(strlen(xml) + 1);
	memcpy(copy, xml, (size_t)(p - xml));
	snprintf(copy + (p - xml), strlen(xml) + 1 - (size_t)(p - xml),
		 "<nmaprun scanner=\"nmap\"%s", p + strlen(tag));
	/* xmllint's complaints go to stderr, out of the TAP lines. */
	rc = run_on(copy, "xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd",
		    " >&2");
	free(copy);
	return rc == 0;
}

static int json_valid(const char *nd)
{
	return run_on(nd,
		      "python3 -c 'import json,sys\n"
		      "for l in open(sys.argv[1], \"rb\"):\n"
		      "    json.loads(l.decode(\"utf-8\", \"strict\"))'",
		      "") == 0;
}

static size_t count_lines(const char *s, const char *prefix)
{
	size_t n = 0, plen = strlen(prefix);
	const char *p = s;

	while (p && *p) {
		n += strncmp(p, prefix, plen) == 0;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return n;
}

/*
 * fx-svc as -sV sees it, with a hostile FTP banner: markup, quotes, a C0
 * control, bytes that are not UTF-8 and a newline that tries to start a
 * line of its own.
 */
static int scenario_svc(struct fixture *fx)
{
	const char *argv[] = { "fathom", "-n", "-p",
			       "21,22,80,113,443,2222,8080,9999",
			       "198.18.0.10" };
	static const uint8_t mac[6] = { 0x02, 0x66, 0x78, 0, 0, 0x0a };
	const char *a = "198.18.0.10";
	struct svc_result *r;

	if (setup(fx, 5, argv) < 0)
		return -1;
	/* As cli_load_dbs() records fathom's own service database. */
	fx->o.db_label = strdup("fathom-service-probes");
	neigh_put(fx->s.neigh, ip4(a), mac);
	answer(fx, a, 21, PS_OPEN, RS_SYN_ACK, 64, 120, NULL);
	answer(fx, a, 22, PS_OPEN, RS_SYN_ACK, 64, 90, NULL);
	answer(fx, a, 80, PS_CLOSED, RS_RESET, 64, 100, NULL);
	answer(fx, a, 113, PS_FILTERED, RS_ADMIN_PROHIBITED, 63, 0,
	       "198.18.0.1");
	answer(fx, a, 443, PS_OPEN, RS_SYN_ACK, 64, 140, NULL);
	answer(fx, a, 2222, PS_OPEN, RS_SYN_ACK, 64, 95, NULL);
	answer(fx, a, 8080, PS_OPEN, RS_SYN_ACK, 64, 110, NULL);
	/* 9999: no answer, filtered. */

	r = svc_add(fx, a, 21, VS_MATCHED);
	answer_fields(&r->ans, "ftp", "vsftpd <b>&\"x\"'</b>",
		      "3.0.3\x01\xff\xfe-\xc3\xa9", "evil\n# fake line");
	snprintf(r->ans.hostname, sizeof(r->ans.hostname),
		 "h</service>\x7f\xc2\x85\xef\xbf\xbe\t");
	snprintf(r->ans.ostype, sizeof(r->ans.ostype), "Unix");
	r = svc_add(fx, a, 22, VS_MATCHED);
	answer_fields(&r->ans, "ssh", "OpenSSH", "9.2p1 Debian 2+deb12u3",
		      "Debian Linux; protocol 2.0");
	snprintf(r->ans.ostype, sizeof(r->ans.ostype), "Linux");
	snprintf(r->ans.cpe[0], sizeof(r->ans.cpe[0]),
		 "cpe:/a:openbsd:openssh:9.2p1");
	snprintf(r->ans.cpe[1], sizeof(r->ans.cpe[1]),
		 "cpe:/o:linux:linux_kernel");
	r->ans.ncpe = 2;
	r = svc_add(fx, a, 443, VS_MATCHED);
	r->tunnel = 1;
	answer_fields(&r->ans, "http", "Apache httpd", "2.4.62", "(Debian)");
	snprintf(r->ans.cpe[0], sizeof(r->ans.cpe[0]),
		 "cpe:/a:apache:http_server:2.4.61");
	snprintf(r->ans.cpe[1], sizeof(r->ans.cpe[1]),
		 "cpe:/a:apache:http_server:2.4.62");
	r->ans.ncpe = 2;
	svc_add(fx, a, 2222, VS_TCPWRAPPED);
	r = svc_add(fx, a, 8080, VS_NOMATCH);
	r->fp = (char *)"SF-Port8080-TCP:V=0.1.0%I=7%D=11/25%Time=6925383C%P=x"
			"86_64-pc-linux-gnu%r(NULL,6,\"<&\\x01--\")\nSF:%r(Get"
			"Request,4,\"HTTP\");";
	return 0;
}

/*
 * -Pn --reason over three targets, one named: a quiet name (no answer at
 * all), a host with 37 closed ports, and a firewalled one whose filtered
 * ports have three reasons, one from a router.
 */
static int scenario_multi(struct fixture *fx)
{
	const char *argv[] = { "fathom",   "-Pn",  "--reason",
			       "-p",       "1-40", "198.18.0.10-11",
			       "localhost" };
	static const uint8_t mac[6] = { 0x02, 0x66, 0x78, 0, 0, 0x0a };

	if (setup(fx, 7, argv) < 0)
		return -1;
	neigh_put(fx->s.neigh, ip4("198.18.0.10"), mac);
	for (uint16_t p = 1; p <= 40; p++) {
		if (p == 21 || p == 22 || p == 25)
			answer(fx, "198.18.0.10", p, PS_OPEN, RS_SYN_ACK, 64,
			       100 + p, NULL);
		else
			answer(fx, "198.18.0.10", p, PS_CLOSED, RS_RESET, 64,
			       90, NULL);
	}
	answer(fx, "198.18.0.11", 22, PS_OPEN, RS_SYN_ACK, 63, 500, NULL);
	answer(fx, "198.18.0.11", 30, PS_FILTERED, RS_HOST_UNREACH, 255, 0,
	       "198.18.0.1");
	answer(fx, "198.18.0.11", 33, PS_FILTERED, RS_PORT_UNREACH, 63, 0,
	       NULL);
	answer(fx, "198.18.0.11", 34, PS_FILTERED, RS_PORT_UNREACH, 63, 0,
	       NULL);
	return 0;
}

/* --open: 198.18.0.11 has nothing open, so no format shows it. */
static int scenario_open(struct fixture *fx)
{
	const char *argv[] = { "fathom", "-n",     "--open",
			       "-p",     "22,113", "198.18.0.10-11" };

	if (setup(fx, 6, argv) < 0)
		return -1;
	answer(fx, "198.18.0.10", 22, PS_OPEN, RS_SYN_ACK, 64, 80, NULL);
	answer(fx, "198.18.0.10", 113, PS_CLOSED, RS_RESET, 64, 80, NULL);
	answer(fx, "198.18.0.11", 113, PS_CLOSED, RS_RESET, 64, 80, NULL);
	return 0;
}

/*
 * An IPv6 host: its own answers, a router's ICMPv6 error and one
 * service. cli_parse refuses to scan with -6 until the sweep sends IPv6,
 * so the fixture parses an IPv4 command line and puts the IPv6 target
 * set in its place, as a -6 run will have it.
 */
static int scenario_v6(struct fixture *fx)
{
	const char *argv[] = { "fathom", "-n",        "--reason",
			       "-p",     "22,80,113", "198.18.0.10" };
	const char *a = "fd5a:7a6f:1ab0::10";
	char e[256];
	struct svc_result *r;

	if (setup(fx, 6, argv) < 0)
		return -1;
	fx->o.db_label = strdup("fathom-service-probes");
	free(fx->o.cmdline);
	fx->o.cmdline = strdup("fathom -6 -n --reason -p 22,80,113 "
			       "fd5a:7a6f:1ab0::10/127");
	targets_free(fx->o.targets);
	fx->o.targets = targets_new();
	fx->o.family = ADDR_V6;
	targets_set_family(fx->o.targets, ADDR_V6);
	if (targets_add(fx->o.targets, "fd5a:7a6f:1ab0::10/127", 1, e,
			sizeof(e)) < 0 ||
	    targets_finalize(fx->o.targets, e, sizeof(e)) < 0)
		return -1;
	answer(fx, a, 22, PS_OPEN, RS_SYN_ACK, 64, 120, NULL);
	answer(fx, a, 80, PS_CLOSED, RS_RESET, 64, 100, NULL);
	answer(fx, a, 113, PS_FILTERED, RS_ADMIN_PROHIBITED, 63, 0,
	       "fd5a:7a6f:1ab0::1");
	r = svc_add(fx, a, 22, VS_MATCHED);
	answer_fields(&r->ans, "ssh", "OpenSSH", "9.2p1 Debian 2+deb12u3",
		      "protocol 2.0");
	return 0;
}

static void check_goldens(const char *name, struct fixture *fx, char *out[F_N])
{
	for (int k = 0; k < F_N; k++) {
		out[k] = render(&fx->s, k);
		CHECK(golden(name, k, out[k]));
	}
}

int main(void)
{
	const char *dir = getenv("FATHOM_SRCDIR");
	char datadir[1100];
	struct fixture fx;
	char *out[F_N] = { 0 };
	int xmllint = have("xmllint") &&
		      access("/usr/share/nmap/nmap.dtd", R_OK) == 0;
	int python = have("python3");

	snprintf(srcdir, sizeof(srcdir), "%s", dir ? dir : ".");
	snprintf(datadir, sizeof(datadir), "%s/probes", srcdir);
	setenv("FATHOM_DATADIR", datadir, 1);
	setenv("TZ", "UTC", 1);
	tzset();

	CASE("svc: normal, XML, grepable and NDJSON equal the golden files")
	{
		CHECK(scenario_svc(&fx) == 0);
		check_goldens("svc", &fx, out);
	}
	CASE("svc: a hostile banner cannot add a line to any text format")
	{
		/* One line per host, header, footer: nothing injected. */
		CHECK_EQ_U(count_lines(out[F_GREP], "# fake"), 0);
		CHECK_EQ_U(count_lines(out[F_NORMAL], "# fake"), 0);
		CHECK_EQ_U(count_lines(out[F_GREP], "Host: "), 2);
		CHECK(strstr(out[F_GREP], "evil\\x0a# fake line") != NULL);
		CHECK_EQ_U(count_lines(out[F_JSON], "{\"type\":"), 11);
		CHECK(strstr(out[F_XML],
			     "extrainfo=\"evil&#xA;# fake line\"") != NULL);
		CHECK(strstr(out[F_XML],
			     "version=\"3.0.3\\x01\\xff\\xfe-\xc3\xa9\"") !=
		      NULL);
		CHECK(strstr(out[F_JSON], "\"version\":\"3.0.3\\u0001"
					  "\\u00ff\\u00fe-\xc3\xa9\"") != NULL);
	}
	CASE("svc: the XML validates against nmap.dtd (scanner=\"nmap\")")
	{
		if (xmllint)
			CHECK(xml_valid(out[F_XML]));
		else
			printf("# SKIP no xmllint or nmap.dtd\n");
	}
	CASE("svc: every NDJSON line is valid UTF-8 JSON")
	{
		if (python)
			CHECK(json_valid(out[F_JSON]));
		else
			printf("# SKIP no python3\n");
	}
	for (int k = 0; k < F_N; k++)
		free(out[k]);
	teardown(&fx);

	CASE("multi (-Pn --reason): every format equals the golden files")
	{
		CHECK(scenario_multi(&fx) == 0);
		check_goldens("multi", &fx, out);
	}
	CASE("multi: ignored states, reasons by count, reason_ip, no <times>")
	{
		CHECK(strstr(out[F_XML],
			     "<extraports state=\"filtered\" count=\"39\">\n"
			     "<extrareasons reason=\"no-response\" count=\"36\""
			     " proto=\"tcp\""
			     " ports=\"1-21,23-29,31-32,35-40\"/>\n"
			     "<extrareasons reason=\"port-unreach\" count=\"2\""
			     " proto=\"tcp\" ports=\"33-34\"/>\n"
			     "<extrareasons reason=\"host-unreach\" count=\"1\""
			     " proto=\"tcp\" ports=\"30\"/>\n"
			     "</extraports>\n") != NULL);
		CHECK(strstr(out[F_GREP],
			     "Host: 127.0.0.1 (localhost)\tPorts: "
			     "\tIgnored State: filtered (40)\n") != NULL);
		CHECK(strstr(out[F_XML], "<hostname name=\"localhost\" "
					 "type=\"user\"/>") != NULL);
		CHECK(strstr(out[F_XML], "<hosts up=\"3\" down=\"0\" "
					 "total=\"3\"/>") != NULL);
	}
	CASE("multi: the XML validates, the NDJSON parses")
	{
		if (xmllint)
			CHECK(xml_valid(out[F_XML]));
		if (python)
			CHECK(json_valid(out[F_JSON]));
	}
	for (int k = 0; k < F_N; k++)
		free(out[k]);
	teardown(&fx);

	CASE("--open: a host with nothing open is counted but not shown")
	{
		CHECK(scenario_open(&fx) == 0);
		for (int k = 0; k < F_N; k++) {
			out[k] = render(&fx.s, k);
			CHECK(strstr(out[k], "198.18.0.11") == NULL);
			CHECK(strstr(out[k], "198.18.0.10") != NULL);
		}
		CHECK(strstr(out[F_XML], "<hosts up=\"2\" down=\"0\"") != NULL);
		CHECK(strstr(out[F_JSON], "\"hosts_up\":2,") != NULL);
		CHECK(strstr(out[F_GREP], "(2 hosts up)") != NULL);
		CHECK(strstr(out[F_GREP],
			     "Ports: 22/open/tcp//ssh///\t"
			     "Ignored State: closed (1)\n") != NULL);
		CHECK(strstr(out[F_NORMAL], "(2 hosts up)") != NULL);
	}
	for (int k = 0; k < F_N; k++)
		free(out[k]);
	CASE("interrupted: XML and NDJSON still end, with exit=error")
	{
		fx.s.st.interrupted = 1;
		out[F_XML] = render(&fx.s, F_XML);
		out[F_JSON] = render(&fx.s, F_JSON);
		CHECK(strstr(out[F_XML],
			     " exit=\"error\""
			     " errormsg=\"interrupted\"/><hosts") != NULL);
		CHECK(strstr(out[F_XML], "</runstats>\n</nmaprun>\n") != NULL);
		CHECK(strstr(out[F_JSON], "\"exit\":\"error\",\"errormsg\":"
					  "\"interrupted\"}\n") != NULL);
		if (xmllint)
			CHECK(xml_valid(out[F_XML]));
		free(out[F_XML]);
		free(out[F_JSON]);
		fx.s.st.interrupted = 0;
	}
	CASE("host timeout: timedout=\"true\", Status: Timeout, no ports")
	{
		struct addr a = addr_from_v4(0xc612000a); /* 198.18.0.10 */

		/* Its clock ran past the timeout (engine/core/hostdeadline). */
		fx.s.hd = hostdeadline_new(1);
		hostdeadline_start_all(fx.s.hd, 0);
		CHECK(hostdeadline_expired(fx.s.hd, &a, 2000000));
		out[F_XML] = render(&fx.s, F_XML);
		out[F_GREP] = render(&fx.s, F_GREP);
		out[F_JSON] = render(&fx.s, F_JSON);
		CHECK(strstr(out[F_XML], "timedout=\"true\"") != NULL);
		CHECK(strstr(out[F_XML], "<ports>") == NULL);
		CHECK(strstr(out[F_GREP], "Host: 198.18.0.10 ()\tStatus: "
					  "Timeout\n") != NULL);
		CHECK(strstr(out[F_GREP], "Ports:") == NULL);
		CHECK(strstr(out[F_JSON], "\"status\":\"timeout\"") != NULL);
		CHECK(strstr(out[F_JSON], "\"type\":\"port\"") == NULL);
		if (xmllint)
			CHECK(xml_valid(out[F_XML]));
		free(out[F_XML]);
		free(out[F_GREP]);
		free(out[F_JSON]);
		hostdeadline_free(fx.s.hd);
		fx.s.hd = NULL;
	}
	teardown(&fx);

	CASE("hostiter: rows, counts and nmap's ignored order")
	{
		const struct hostiter_host *h;
		struct hostiter *it;
		int n = 0;

		CHECK(scenario_multi(&fx) == 0);
		scanreport_all(&fx.s);
		CHECK_EQ_U(hostiter_count_up(fx.s.tab, fx.s.opt), 3);
		it = hostiter_new(fx.s.tab, fx.s.opt);
		while ((h = hostiter_next(it)) != NULL) {
			n++;
			CHECK_EQ_U(h->nrows, 40);
			if (ip_is(&h->addr, "198.18.0.10")) {
				CHECK_EQ_U(h->why, HI_WHY_ARP);
				CHECK_EQ_U(h->count[PS_CLOSED], 37);
				CHECK_EQ_U(h->nignored, 1);
				CHECK_EQ_U(h->order[0], PS_CLOSED);
				CHECK_EQ_U(h->shown, 3);
				CHECK_EQ_U(h->rtt_us, 90);
			} else if (ip_is(&h->addr, "198.18.0.11")) {
				CHECK_EQ_U(h->why, HI_WHY_USER);
				CHECK_EQ_U(
					h->rcount[PS_FILTERED][RS_NO_RESPONSE],
					36);
				CHECK(h->rows[29].routed &&
				      ip_is(&h->rows[29].from, "198.18.0.1"));
				CHECK(!h->rows[32].routed);
			} else {
				CHECK_STR(h->name, "localhost");
				CHECK(h->srtt_us < 0);
			}
		}
		hostiter_free(it);
		CHECK_EQ_U(n, 3);
	}
	teardown(&fx);

	CASE("IPv6 host: every format equals the golden files")
	{
		CHECK(scenario_v6(&fx) == 0);
		check_goldens("v6", &fx, out);
	}
	CASE("IPv6 host: addrtype ipv6, RFC 5952 text in every format")
	{
		CHECK(out[F_XML] &&
		      strstr(out[F_XML], "<address addr=\"fd5a:7a6f:1ab0::10\" "
					 "addrtype=\"ipv6\"/>") != NULL);
		CHECK(out[F_XML] &&
		      strstr(out[F_XML], "addrtype=\"ipv4\"") == NULL);
		CHECK(out[F_XML] &&
		      strstr(out[F_XML], "reason_ip=\"fd5a:7a6f:1ab0::1\"") !=
			      NULL);
		CHECK(out[F_GREP] &&
		      strstr(out[F_GREP],
			     "Host: fd5a:7a6f:1ab0::10 ()\tPorts: 22/open/"
			     "tcp//ssh//OpenSSH 9.2p1 Debian 2+deb12u3 "
			     "(protocol 2.0)/") != NULL);
		CHECK(out[F_JSON] &&
		      strstr(out[F_JSON], "{\"type\":\"host\",\"ip\":"
					  "\"fd5a:7a6f:1ab0::10\"") != NULL);
		CHECK(out[F_NORMAL] &&
		      strstr(out[F_NORMAL],
			     "scan report for fd5a:7a6f:1ab0::10\n") != NULL);
		/* Only the host that answered; ::11 said nothing. */
		CHECK(out[F_NORMAL] &&
		      strstr(out[F_NORMAL], "2 IP addresses (1 host up)") !=
			      NULL);
		if (xmllint)
			CHECK(out[F_XML] && xml_valid(out[F_XML]));
		if (python)
			CHECK(out[F_JSON] && json_valid(out[F_JSON]));
		for (int k = 0; k < F_N; k++) {
			free(out[k]);
			out[k] = NULL;
		}
	}
	teardown(&fx);

	CASE("Service Info: every port's hosts, OSs, devices, o/h CPEs, as nmap")
	{
		const char *argv[] = { "fathom", "-n",  "-sV",
				       "-p",     "1-9", "198.18.0.10" };
		const char *a = "198.18.0.10";
		struct svc_result *r;
		char *txt;

		CHECK(setup(&fx, 6, argv) == 0);
		for (uint16_t p = 1; p <= 9; p++)
			answer(&fx, a, p, PS_OPEN, RS_SYN_ACK, 64, 100, NULL);
		r = svc_add(&fx, a, 1, VS_MATCHED);
		answer_fields(&r->ans, "smtp", "Postfix smtpd", "", "");
		snprintf(r->ans.hostname, 81, "Mail.Example");
		snprintf(r->ans.ostype, 33, "Unix");
		snprintf(r->ans.cpe[0], 128, "cpe:/a:postfix:postfix");
		snprintf(r->ans.cpe[1], 128, "cpe:/o:vendor:unix");
		r->ans.ncpe = 2;
		r = svc_add(&fx, a, 2, VS_MATCHED);
		answer_fields(&r->ans, "ssh", "OpenSSH", "9.2p1", "");
		snprintf(r->ans.hostname, 81, "mail.example"); /* same host */
		snprintf(r->ans.ostype, 33, "Linux");
		snprintf(r->ans.devicetype, 33, "router");
		/* nmap keeps the last CPE of each part, in a, h, o order. */
		snprintf(r->ans.cpe[0], 128, "cpe:/o:linux:linux");
		snprintf(r->ans.cpe[1], 128, "cpe:/o:linux:linux_kernel");
		snprintf(r->ans.cpe[2], 128, "cpe:/h:cisco:router");
		r->ans.ncpe = 3;
		r = svc_add(&fx, a, 3, VS_SOFT);
		answer_fields(&r->ans, "http", "", "", "");
		snprintf(r->ans.hostname, 81, "other");
		snprintf(r->ans.ostype, 33, "Linux");
		snprintf(r->ans.cpe[0], 128, "cpe:/o:vendor:unix");
		r->ans.ncpe = 1;
		svc_add(&fx, a, 4, VS_NOMATCH);
		svc_add(&fx, a, 5, VS_TCPWRAPPED);
		/* Devices past nmap's five are dropped. */
		for (uint16_t p = 6; p <= 9; p++) {
			r = svc_add(&fx, a, p, VS_MATCHED);
			answer_fields(&r->ans, "x", "", "", "");
			snprintf(r->ans.devicetype, 33, "d%u", p);
		}
		txt = render(&fx.s, F_NORMAL);
		CHECK(strstr(txt, "\nService Info: Hosts: Mail.Example, other; "
				  "OSs: Unix, Linux; Devices: router, d6, d7, "
				  "d8, d9; CPE: cpe:/o:vendor:unix, "
				  "cpe:/h:cisco:router, "
				  "cpe:/o:linux:linux_kernel\n") != NULL);
		free(txt);
		/* Several CPEs are still "CPE:"; one host is "Host:". */
		fx.vr.n = 2;
		txt = render(&fx.s, F_NORMAL);
		CHECK(strstr(txt,
			     "\nService Info: Host: Mail.Example; OSs: "
			     "Unix, Linux; Device: router; CPE: ") != NULL);
		free(txt);
	}
	CASE("footer: names the database; nmap's own text for nmap's only")
	{
		char *txt;

		free(fx.o.db_label);
		fx.o.db_label = strdup("fathom-service-probes, my.probes");
		fx.o.db_nmap = 0;
		txt = render(&fx.s, F_NORMAL);
		CHECK(strstr(txt, "\nService detection performed with "
				  "fathom-service-probes, my.probes. Please "
				  "report any incorrect results to the fathom "
				  "project.\n") != NULL);
		free(txt);
		free(fx.o.db_label);
		fx.o.db_label = strdup("nmap-service-probes");
		fx.o.db_nmap = 1;
		txt = render(&fx.s, F_NORMAL);
		CHECK(strstr(txt, "\nService detection performed. Please "
				  "report any incorrect results at "
				  "https://nmap.org/submit/ .\n") != NULL);
		free(txt);
	}
	teardown(&fx);

	CASE("hostiter_utf8: only well-formed XML characters")
	{
		uint32_t cp = 0;

		CHECK_EQ_U(hostiter_utf8((const uint8_t *)"\xc3\xa9", &cp), 2);
		CHECK_EQ_U(cp, 0xe9);
		CHECK_EQ_U(hostiter_utf8((const uint8_t *)"\xe2\x82\xac", &cp),
			   3);
		CHECK_EQ_U(hostiter_utf8((const uint8_t *)"\xf0\x9f\x98\x80",
					 &cp),
			   4);
		CHECK_EQ_U(hostiter_utf8((const uint8_t *)"\xc0\xaf", &cp), 0);
		CHECK_EQ_U(hostiter_utf8((const uint8_t *)"\xe0\x80\xaf", &cp),
			   0);
		CHECK_EQ_U(hostiter_utf8((const uint8_t *)"\xed\xa0\x80", &cp),
			   0);
		CHECK_EQ_U(hostiter_utf8((const uint8_t *)"\xef\xbf\xbf", &cp),
			   0);
		CHECK_EQ_U(hostiter_utf8((const uint8_t *)"\xf4\x90\x80\x80",
					 &cp),
			   0);
		CHECK_EQ_U(hostiter_utf8((const uint8_t *)"\xc3", &cp), 0);
		CHECK_EQ_U(hostiter_utf8((const uint8_t *)"\xff", &cp), 0);
	}
	return DONE();
}
