/* test_resume.c -- --resume's parser, file-name escapes, Stats lines. */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/report/outputs.h"
#include "engine/cli/resume.h"
#include "engine/report/stats.h"
#include "netstack/base/util.h"
#include "tests/unit/harness.h"

static char *slurp(const char *name, size_t *n)
{
	char path[1024];
	const char *dir = getenv("FATHOM_SRCDIR");
	FILE *f;
	char *buf;
	size_t cap = 0, r;

	snprintf(path, sizeof(path), "%s/tests/data/resume/%s", dir ? dir : ".",
		 name);
	f = fopen(path, "r");
	*n = 0;
	if (f == NULL) {
		printf("#   cannot open %s\n", path);
		return xstrdup("");
	}
	buf = NULL;
	do {
		buf = xgrow(buf, &cap, *n + 4097, 1);
		r = fread(buf + *n, 1, 4096, f);
		*n += r;
	} while (r > 0);
	buf[*n] = '\0';
	fclose(f);
	return buf;
}

/* Is ri's highest completed address s? */
static int last_is(const struct resume_info *ri, const char *s)
{
	struct addr a;
	char buf[ADDR_STRLEN];

	if (addr_parse(s, &a) < 0 || !ri->have_last)
		return 0;
	if (!addr_eq(&a, &ri->last)) {
		printf("#   last is %s, not %s\n", addr_format(&ri->last, buf),
		       s);
		return 0;
	}
	return 1;
}

static int parse(const char *name, struct resume_info *ri, char *err,
		 size_t errlen)
{
	size_t n;
	char *buf = slurp(name, &n);
	int rc = resume_parse(buf, n, ri, err, errlen);

	free(buf);
	return rc;
}

int main(void)
{
	struct resume_info ri;
	char err[256], name[256], **argv;
	size_t n;
	int argc;

	setenv("TZ", "UTC", 1);
	tzset();

	CASE("resume: grepable: command line, hosts before the marker only")
	{
		CHECK(parse("interrupted.gnmap", &ri, err, sizeof(err)) == 0);
		CHECK_STR(ri.cmdline, "fathom -n -p22,80 --max-hostgroup 8 "
				      "-oA r 198.19.0.0-63");
		CHECK(ri.have_last);
		CHECK(last_is(&ri, "198.19.0.4"));
		CHECK_EQ_U(ri.ndone, 2);
		CHECK(!ri.finished);
		resume_info_free(&ri);
	}
	CASE("resume: normal output: names, a second run, no footer")
	{
		CHECK(parse("resumed-then-killed.nmap", &ri, err,
			    sizeof(err)) == 0);
		CHECK_STR(ri.cmdline, "fathom -n -p22,80 --max-hostgroup 8 "
				      "-oA r 198.19.0.0-63");
		/* .16 is after the marker; .20 is the resumed run's. */
		CHECK(last_is(&ri, "198.19.0.20"));
		CHECK_EQ_U(ri.ndone, 3);
		CHECK(!ri.finished);
		resume_info_free(&ri);
	}
	CASE("resume: XML: args unescaped, hosts after the comment skipped")
	{
		CHECK(parse("interrupted.xml", &ri, err, sizeof(err)) == 0);
		CHECK_STR(ri.cmdline, "fathom -n --max-hostgroup 8 -oX r.xml "
				      "\"198.19.0.0-63\"");
		CHECK(last_is(&ri, "198.19.0.4"));
		CHECK_EQ_U(ri.ndone, 1);
		CHECK(!ri.finished);
		resume_info_free(&ri);
	}
	CASE("resume: NDJSON: begin args, host records before interrupted")
	{
		CHECK(parse("interrupted.ndjson", &ri, err, sizeof(err)) == 0);
		CHECK_STR(ri.cmdline, "fathom -n \"-p22,80\" -oJ r.ndjson "
				      "198.19.0.0-63");
		CHECK(last_is(&ri, "198.19.0.12"));
		CHECK_EQ_U(ri.ndone, 2);
		CHECK(!ri.finished);
		resume_info_free(&ri);
	}
	CASE("resume: a finished scan is recognised")
	{
		CHECK(parse("finished.gnmap", &ri, err, sizeof(err)) == 0);
		CHECK(ri.finished);
		resume_info_free(&ri);
	}
	CASE("resume: a file that is not an output is refused")
	{
		CHECK(parse("not-output.txt", &ri, err, sizeof(err)) < 0);
		CHECK(strstr(err, "no command line found") != NULL);
		CHECK(ri.cmdline == NULL);
		CHECK(resume_parse("", 0, &ri, err, sizeof(err)) < 0);
	}
	CASE("resume: a truncated host does not count")
	{
		const char *x =
			"<?xml version=\"1.0\"?>\n"
			"<nmaprun scanner=\"fathom\" args=\"fathom "
			"10.0.0.0/24\" start=\"1\">\n"
			"<host><status state=\"up\"/>\n"
			"<address addr=\"10.0.0.1\" addrtype=\"ipv4\"/>\n"
			"</host>\n"
			"<host><status state=\"up\"/>\n"
			"<address addr=\"10.0.0.9\" addrtype=\"ipv4\"/>\n";

		CHECK(resume_parse(x, strlen(x), &ri, err, sizeof(err)) == 0);
		CHECK(last_is(&ri, "10.0.0.1"));
		CHECK_EQ_U(ri.ndone, 1);
		resume_info_free(&ri);
		/* Cut after the last whole host. */
		CHECK_EQ_U(resume_xml_cut(x, strlen(x)),
			   (size_t)(strstr(x, "</host>\n") + 8 - x));
	}
	CASE("resume: a -6 run's hosts in XML, grepable and NDJSON")
	{
		const char *x =
			"<?xml version=\"1.0\"?>\n"
			"<nmaprun scanner=\"fathom\" args=\"fathom -6 "
			"fd5a::/120\" start=\"1\">\n"
			"<host><status state=\"up\"/>\n"
			"<address addr=\"fd5a::10\" addrtype=\"ipv6\"/>\n"
			"</host>\n"
			"<host><status state=\"up\"/>\n"
			"<address addr=\"fd5a::9\" addrtype=\"ipv6\"/>\n"
			"</host>\n";
		const char *g = "# fathom 0.1.0 scan initiated Wed Nov 25 "
				"05:10:00 2026 as: fathom -6 fd5a::/120\n"
				"Host: fd5a::7 ()\tStatus: Up\n"
				"Host: fd5a::1:0 ()\tStatus: Up\n";
		const char *j = "{\"type\":\"begin\",\"args\":\"fathom -6 "
				"fd5a::/120\"}\n"
				"{\"type\":\"host\",\"ip\":\"fd5a::a\"}\n";

		CHECK(resume_parse(x, strlen(x), &ri, err, sizeof(err)) == 0);
		CHECK(last_is(&ri, "fd5a::10"));
		CHECK_EQ_U(ri.ndone, 2);
		resume_info_free(&ri);
		CHECK(resume_parse(g, strlen(g), &ri, err, sizeof(err)) == 0);
		CHECK(last_is(&ri, "fd5a::1:0"));
		resume_info_free(&ri);
		CHECK(resume_parse(j, strlen(j), &ri, err, sizeof(err)) == 0);
		CHECK(last_is(&ri, "fd5a::a"));
		resume_info_free(&ri);
	}
	CASE("resume: -v's down hosts are done, not up (every format)")
	{
		const char *t =
			"# fathom 0.1.0 scan initiated Wed Nov 25 "
			"05:10:00 2026 as: fathom -v -sn 198.19.0.0/30\n"
			"Nmap scan report for 198.19.0.0\n"
			"Host is up (0.00010s latency).\n"
			"Nmap scan report for 198.19.0.1 [host down, "
			"received no-response]\n";
		const char *g =
			"# fathom 0.1.0 scan initiated Wed Nov 25 "
			"05:10:00 2026 as: fathom -v -sn 198.19.0.0/30\n"
			"Host: 198.19.0.0 ()\tStatus: Up\n"
			"Host: 198.19.0.1 ()\tStatus: Down\n";
		const char *x =
			"<nmaprun scanner=\"fathom\" args=\"fathom -v "
			"-sn 198.19.0.0/30\" start=\"1\">\n"
			"<host><status state=\"up\"/>\n"
			"<address addr=\"198.19.0.0\" addrtype=\"ipv4\"/>\n"
			"</host>\n"
			"<host><status state=\"down\" reason=\"no-response\" "
			"reason_ttl=\"0\"/>\n"
			"<address addr=\"198.19.0.1\" addrtype=\"ipv4\"/>\n"
			"</host>\n";
		const char *j = "{\"type\":\"begin\",\"args\":\"fathom -v -sn "
				"198.19.0.0/30\"}\n"
				"{\"type\":\"host\",\"ip\":\"198.19.0.0\","
				"\"status\":\"up\"}\n"
				"{\"type\":\"host\",\"ip\":\"198.19.0.1\","
				"\"status\":\"down\"}\n";
		const char *all[] = { t, g, x, j };

		for (int i = 0; i < 4; i++) {
			CHECK(resume_parse(all[i], strlen(all[i]), &ri, err,
					   sizeof(err)) == 0);
			CHECK(last_is(&ri, "198.19.0.1"));
			CHECK_EQ_U(ri.ndone, 1);
			resume_info_free(&ri);
		}
	}
	CASE("resume: a timed-out host's two lines count once")
	{
		static const char nm[] =
			"# fathom 0.1.0 scan initiated Sat Dec  5 07:28:23 "
			"2026 as: fathom -n -p1-2000 --host-timeout 2s -oA t "
			"198.18.0.10-11\n"
			"Nmap scan report for 198.18.0.10\n"
			"Host is up.\n"
			"Skipping host 198.18.0.10 due to host timeout\n"
			"Nmap scan report for 198.18.0.11\n"
			"Host is up.\n"
			"Skipping host 198.18.0.11 due to host timeout\n";
		static const char gn[] =
			"# fathom 0.1.0 scan initiated Sat Dec  5 07:28:23 "
			"2026 as: fathom -n -p1-2000 --host-timeout 2s -oA t "
			"198.18.0.10-11\n"
			"Host: 198.18.0.10 ()\tStatus: Up\n"
			"Host: 198.18.0.10 ()\tStatus: Timeout\n"
			"Host: 198.18.0.11 ()\tStatus: Up\n"
			"Host: 198.18.0.11 ()\tStatus: Timeout\n";

		CHECK(resume_parse(nm, sizeof(nm) - 1, &ri, err, sizeof(err)) ==
		      0);
		CHECK_EQ_U(ri.ndone, 2);
		CHECK(last_is(&ri, "198.18.0.11"));
		resume_info_free(&ri);
		CHECK(resume_parse(gn, sizeof(gn) - 1, &ri, err, sizeof(err)) ==
		      0);
		CHECK_EQ_U(ri.ndone, 2);
		CHECK(last_is(&ri, "198.18.0.11"));
		resume_info_free(&ri);
	}
	CASE("resume: XML cut at the interruption comment")
	{
		char *buf = slurp("interrupted.xml", &n);
		long cut = resume_xml_cut(buf, n);

		CHECK(cut > 0 &&
		      strncmp(buf + cut, "<!-- fathom: interrupted", 24) == 0);
		free(buf);
		CHECK(resume_xml_cut("# fathom", 8) == -1);
	}
	CASE("resume: XML cut at <runstats> when nothing was cut short")
	{
		const char *x =
			"<nmaprun scanner=\"fathom\">\n<host>\n</host>\n"
			"<runstats><finished/></runstats>\n</nmaprun>\n";

		CHECK_EQ_U(resume_xml_cut(x, strlen(x)),
			   (size_t)(strstr(x, "<runstats>") - x));
	}
	CASE("resume: command line split at spaces")
	{
		argc = resume_split("  fathom -n  -p22 198.18.0.10 ", &argv);
		CHECK_EQ_U(argc, 4);
		CHECK_STR(argv[0], "fathom");
		CHECK_STR(argv[2], "-p22");
		CHECK_STR(argv[3], "198.18.0.10");
		CHECK(argv[4] == NULL);
		free(argv[0]);
		free(argv);
		argc = resume_split("   ", &argv);
		CHECK_EQ_U(argc, 0);
		free(argv[0]);
		free(argv);
	}
	CASE("file names: nmap's strftime escapes")
	{
		/* Wed Nov 25 05:10:09 2026 UTC */
		time_t t = 1795583409;

		CHECK(outputs_expand_name("scan-%T-%D.xml", t, name,
					  sizeof(name)) == 0);
		CHECK_STR(name, "scan-051009-112526.xml");
		CHECK(outputs_expand_name("%Y%m%d_%H%M%S_%R_%y", t, name,
					  sizeof(name)) == 0);
		CHECK_STR(name, "20261125_051009_0510_26");
		/* Anything else: the character itself; %% is %. */
		CHECK(outputs_expand_name("a%%b%Qc%", t, name, sizeof(name)) ==
		      0);
		CHECK_STR(name, "a%bQc%");
		CHECK(outputs_expand_name("plain.gnmap", t, name,
					  sizeof(name)) == 0);
		CHECK_STR(name, "plain.gnmap");
		CHECK(outputs_expand_name("%Y%Y%Y", t, name, 12) < 0);
		CHECK(outputs_expand_name("%Y%Y%Y", t, name, 13) == 0);
	}
	CASE("stats: nmap's two lines, ETC and remaining time")
	{
		struct stats_snap s = { .elapsed = 3.7,
					.completed = 0,
					.up = 1,
					.undergoing = 1,
					.task = "SYN Stealth Scan",
					.frac = 0.421,
					.task_elapsed = 3.0,
					.now = 1795583409 };
		uint64_t rem;
		time_t etc;
		char buf[512];

		stats_format(&s, buf, sizeof(buf), &rem, &etc);
		CHECK_STR(buf, "Stats: 0:00:03 elapsed; 0 hosts completed (1 "
			       "up), 1 undergoing SYN Stealth Scan\n"
			       "SYN Stealth Scan Timing: About 42.10% done; "
			       "ETC: 05:10 (0:00:04 remaining)\n");
		CHECK_EQ_U(rem, 4);
		CHECK_EQ_U(etc, 1795583413);
		s.frac = 0.005;
		s.elapsed = 3723;
		stats_format(&s, buf, sizeof(buf), &rem, &etc);
		CHECK_STR(buf, "Stats: 1:02:03 elapsed; 0 hosts completed (1 "
			       "up), 1 undergoing SYN Stealth Scan\n"
			       "SYN Stealth Scan Timing: About 0.50% done\n");
		CHECK_EQ_U(rem, 0);
		s.frac = 0.01;
		s.task_elapsed = 86400.0;
		stats_format(&s, buf, sizeof(buf), &rem, &etc);
		CHECK(strstr(buf, "About 1.00% done; ETC: Unknown (>10 days "
				  "remaining)\n") != NULL);
		s.task = NULL;
		stats_format(&s, buf, sizeof(buf), &rem, &etc);
		CHECK_STR(buf, "Stats: 1:02:03 elapsed; 0 hosts completed (1 "
			       "up)\n");
	}
	return DONE();
}
