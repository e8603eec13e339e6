/* test_servicedb.c -- unit tests for the probe file parser, servicedb.c. */
#include <dirent.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netstack/base/util.h"
#include "probes/servicedb.h"
#include "probes/svcmatch.h"
#include "tests/unit/harness.h"

/* nmap's own file (Debian package nmap); FATHOM_NMAP_PROBES overrides. */
static const char *nmap_probes(void)
{
	const char *p = getenv("FATHOM_NMAP_PROBES");

	return p ? p : "/usr/share/nmap/nmap-service-probes";
}

static char err[1024];

static const char *data_path(const char *name)
{
	static char buf[4][1024];
	static int i;
	const char *dir = getenv("FATHOM_SRCDIR");

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/tests/data/servicedb/%s",
		 dir ? dir : ".", name);
	return buf[i];
}

/* Loads the named data files in order and finalizes; NULL on error. */
static struct svcdb *load(const char *a, const char *b)
{
	struct svcdb *db = svcdb_new();

	err[0] = '\0';
	if (svcdb_load_file(db, data_path(a), err, sizeof(err)) < 0 ||
	    (b && svcdb_load_file(db, data_path(b), err, sizeof(err)) < 0) ||
	    svcdb_finalize(db, err, sizeof(err)) < 0) {
		printf("#   load error: %s\n", err);
		svcdb_free(db);
		return NULL;
	}
	return db;
}

static const struct svc_probe *find(const struct svcdb *db, int proto,
				    const char *name)
{
	const struct svc_probe *p = svcdb_find(db, proto, name);

	if (p == NULL)
		printf("#   no probe %s\n", name);
	return p;
}

static void test_basic(void)
{
	struct svcdb *db = load("basic.probes", NULL);
	const struct svc_probe *nul, *get, *dns, *esc;
	static const uint8_t esc_bytes[] = { 0,    7,   8,   12,  10,
					     13,   9,   11,  'A', 0xff,
					     '\\', '|', '"', ' ', 'z' };
	static const uint8_t dns_bytes[] = { 0, 0, 0x10, 0, 0, 0,
					     0, 0, 0,    0, 0, 0 };

	CASE("basic: probes, defaults and every directive")
	{
		CHECK(db != NULL);
		if (db == NULL)
			break;
		CHECK_EQ_U(svcdb_nprobes(db), 3); /* NULL kept apart */
		nul = svcdb_null_probe(db);
		CHECK(nul != NULL && strcmp(nul->name, "NULL") == 0);
		CHECK(nul == svcdb_find(db, IPPROTO_TCP, "NULL"));
		CHECK_EQ_U(nul->payload_len, 0);
		CHECK_EQ_U(nul->totalwaitms, 6000);
		CHECK_EQ_U(nul->tcpwrappedms, 3000);
		CHECK_EQ_U(nul->rarity, 5);
		CHECK_EQ_U(nul->nmatches, 4);

		get = find(db, IPPROTO_TCP, "GetRequest");
		CHECK(get == svcdb_probe(db, 0));
		CHECK_EQ_U(get->proto, IPPROTO_TCP);
		CHECK_EQ_U(get->payload_len, 18);
		CHECK(memcmp(get->payload, "GET / HTTP/1.0\r\n\r\n", 18) == 0);
		CHECK_EQ_U(get->rarity, 1);
		CHECK_EQ_U(get->totalwaitms, 5000);
		CHECK_EQ_U(get->tcpwrappedms, 2000);
		CHECK_EQ_U(get->no_payload, 0);
		CHECK(svc_probe_port_listed(get, 80, 0));
		CHECK(svc_probe_port_listed(get, 8000, 0));
		CHECK(svc_probe_port_listed(get, 8005, 0));
		CHECK(svc_probe_port_listed(get, 8010, 0));
		CHECK(svc_probe_port_listed(get, 8080, 0));
		CHECK(!svc_probe_port_listed(get, 8011, 0));
		CHECK(!svc_probe_port_listed(get, 443, 0));
		CHECK(svc_probe_port_listed(get, 443, 1));
		CHECK(!svc_probe_port_listed(get, 80, 1));
		CHECK_STR(get->fallback, "NULL");
		CHECK_EQ_U(get->fallback_line, 18);

		dns = find(db, IPPROTO_UDP, "DNSStatusRequest");
		CHECK(dns == svcdb_probe(db, 1));
		CHECK(svcdb_find(db, IPPROTO_TCP, "DNSStatusRequest") == NULL);
		CHECK_EQ_U(dns->proto, IPPROTO_UDP);
		CHECK_EQ_U(dns->payload_len, sizeof(dns_bytes));
		CHECK(memcmp(dns->payload, dns_bytes, sizeof(dns_bytes)) == 0);
		CHECK_EQ_U(dns->no_payload, 1);
		CHECK_EQ_U(dns->rarity, 4);
		CHECK(svc_probe_port_listed(dns, 53, 0));

		esc = find(db, IPPROTO_TCP, "Escapes");
		CHECK(esc == svcdb_probe(db, 2));
		CHECK(svcdb_probe(db, 3) == NULL);
		CHECK_EQ_U(esc->payload_len, sizeof(esc_bytes));
		CHECK(memcmp(esc->payload, esc_bytes, sizeof(esc_bytes)) == 0);
		CHECK_EQ_U(esc->line, 26);
		CHECK_EQ_U(svcdb_nmatches(db), 6);
	}
	CASE("basic: Exclude with T: and U: prefixes")
	{
		if (db == NULL)
			break;
		CHECK(svcdb_excluded(db, IPPROTO_TCP, 9100));
		CHECK(svcdb_excluded(db, IPPROTO_TCP, 9104));
		CHECK(svcdb_excluded(db, IPPROTO_TCP, 9107));
		CHECK(!svcdb_excluded(db, IPPROTO_TCP, 9108));
		CHECK(!svcdb_excluded(db, IPPROTO_TCP, 9099));
		CHECK(!svcdb_excluded(db, IPPROTO_UDP, 9100));
		CHECK(svcdb_excluded(db, IPPROTO_UDP, 53));
		CHECK(!svcdb_excluded(db, IPPROTO_TCP, 53));
		CHECK(svcdb_excluded(db, IPPROTO_TCP, 1));
		CHECK(!svcdb_excluded(db, IPPROTO_UDP, 1));
	}
	CASE("basic: match lines, flags and templates")
	{
		const struct svc_match *m;

		if (db == NULL)
			break;
		nul = svcdb_null_probe(db);
		m = &nul->matches[0];
		CHECK_STR(m->service, "ssh");
		CHECK_EQ_U(m->soft, 0);
		CHECK_EQ_U(m->ssl, 0);
		CHECK_EQ_U(m->ncaptures, 2);
		CHECK_STR(m->tmpl[SVC_F_PRODUCT], "OpenSSH");
		CHECK_STR(m->tmpl[SVC_F_VERSION], "$2");
		CHECK_STR(m->tmpl[SVC_F_INFO], "protocol $1");
		CHECK(m->tmpl[SVC_F_HOSTNAME] == NULL);
		CHECK_EQ_U(m->ncpe, 1);
		CHECK_STR(m->cpe[0], "cpe:/a:openbsd:openssh:$2");
		CHECK_EQ_U(m->line, 7);
		CHECK(strstr(m->file, "basic.probes") != NULL);

		m = &nul->matches[1]; /* other delimiters throughout */
		CHECK_STR(m->service, "ftp");
		CHECK_STR(m->pattern, "^220 \\(vsFTPd ([\\d.]+)\\)\\r\\n");
		CHECK_STR(m->tmpl[SVC_F_PRODUCT], "vsftpd");
		CHECK_STR(m->tmpl[SVC_F_OSTYPE], "Unix");
		CHECK_STR(m->cpe[0], "cpe:/a:vsftpd:vsftpd:$1");

		m = &nul->matches[2];
		CHECK_EQ_U(m->soft, 1);
		CHECK_STR(m->service, "ftp");

		m = &nul->matches[3];
		CHECK_STR(m->service, "imap");
		CHECK_EQ_U(m->ssl, 1);
		/* A repeated template replaces the first. */
		CHECK_STR(m->tmpl[SVC_F_PRODUCT], "Fake IMAPS 2");
	}
	CASE("basic: chains and service sets")
	{
		if (db == NULL)
			break;
		nul = svcdb_null_probe(db);
		get = svcdb_find(db, IPPROTO_TCP, "GetRequest");
		dns = svcdb_find(db, IPPROTO_UDP, "DNSStatusRequest");
		esc = svcdb_find(db, IPPROTO_TCP, "Escapes");
		CHECK_EQ_U(nul->nchain, 1);
		CHECK(nul->chain[0] == nul);
		/* "fallback NULL" does not put NULL in twice. */
		CHECK_EQ_U(get->nchain, 2);
		CHECK(get->chain[0] == get && get->chain[1] == nul);
		CHECK_EQ_U(dns->nchain, 1); /* UDP: no NULL probe */
		/* A TCP probe may fall back to a UDP-only name. */
		CHECK_EQ_U(esc->nchain, 4);
		CHECK(esc->chain[0] == esc && esc->chain[1] == get &&
		      esc->chain[2] == dns && esc->chain[3] == nul);
		CHECK(svc_probe_can_match(nul, "ssh"));
		CHECK(svc_probe_can_match(nul, "ftp"));
		CHECK(svc_probe_can_match(nul, "imap"));
		CHECK(!svc_probe_can_match(nul, "ssl/imap"));
		CHECK(!svc_probe_can_match(nul, "http"));
		CHECK(svc_probe_can_match(get, "http"));
		CHECK(!svc_probe_can_match(get, "ssh")); /* own lines only */
		CHECK(!svc_probe_can_match(esc, "http"));
		CHECK_EQ_U(nul->nservices, 3);
	}
	svcdb_free(db);
}

static void test_fallback(void)
{
	struct svcdb *db = load("fallback.probes", NULL);

	CASE("fallback: own protocol first, then any; each probe once")
	{
		const struct svc_probe *nul, *tboth, *uboth, *fb, *mn, *um, *tm;

		CHECK(db != NULL);
		if (db == NULL)
			break;
		nul = svcdb_null_probe(db);
		tboth = svcdb_find(db, IPPROTO_TCP, "Both");
		uboth = svcdb_find(db, IPPROTO_UDP, "Both");
		fb = svcdb_find(db, IPPROTO_TCP, "Fb");
		mn = svcdb_find(db, IPPROTO_TCP, "Main");
		um = svcdb_find(db, IPPROTO_UDP, "Umain");
		tm = svcdb_find(db, IPPROTO_TCP, "Tmain");
		CHECK(tboth && uboth && fb && mn && um && tm && tboth != uboth);
		if (!(tboth && uboth && fb && mn && um && tm))
			break;
		/* "Fb,NULL,Main,Fb": self first, repeats dropped. */
		CHECK_EQ_U(mn->nchain, 3);
		CHECK(mn->chain[0] == mn && mn->chain[1] == fb &&
		      mn->chain[2] == nul);
		/* UDP Umain: TCP-only Fb by any-protocol lookup; UDP Both. */
		CHECK_EQ_U(um->nchain, 3);
		CHECK(um->chain[0] == um && um->chain[1] == fb &&
		      um->chain[2] == uboth);
		CHECK_EQ_U(tm->nchain, 3);
		CHECK(tm->chain[1] == tboth && tm->chain[2] == nul);
		CHECK_EQ_U(tm->nmatches, 0);
	}
	svcdb_free(db);
}

static void test_extend(void)
{
	struct svcdb *db = load("basic.probes", "extend.probes");
	struct svcdb *db2;

	CASE("extend: a later file adds lines, ports and probes")
	{
		const struct svc_probe *nul, *get, *np;

		CHECK(db != NULL);
		if (db == NULL)
			break;
		CHECK_EQ_U(svcdb_nprobes(db), 4);
		nul = svcdb_null_probe(db);
		CHECK_EQ_U(nul->nmatches, 5);
		CHECK_STR(nul->matches[0].service, "ssh"); /* order kept */
		CHECK_STR(nul->matches[4].service, "fathom-test");
		CHECK(strstr(nul->matches[4].file, "extend.probes") != NULL);
		CHECK_EQ_U(nul->matches[4].line, 3);
		CHECK(svc_probe_can_match(nul, "fathom-test"));
		CHECK_EQ_U(nul->totalwaitms, 6000); /* untouched */
		get = svcdb_find(db, IPPROTO_TCP, "GetRequest");
		CHECK_EQ_U(get->nmatches, 2);
		CHECK_EQ_U(get->rarity, 2);
		CHECK(svc_probe_port_listed(get, 9999, 0));
		CHECK(svc_probe_port_listed(get, 80, 0));
		CHECK_EQ_U(get->line, 14); /* first definition */
		np = svcdb_probe(db, 3);
		CHECK(np != NULL && strcmp(np->name, "NewProbe") == 0);
		CHECK(np && np->nchain == 2 && np->chain[1] == nul);
		CHECK_EQ_U(svcdb_nmatches(db), 9);
	}
	CASE("extend: a different probe string is an error")
	{
		db2 = svcdb_new();
		err[0] = '\0';
		CHECK(svcdb_load_file(db2, data_path("basic.probes"), err,
				      sizeof(err)) == 0);
		CHECK(svcdb_load_file(db2, data_path("merge-payload.probes"),
				      err, sizeof(err)) < 0);
		CHECK(strstr(err, "merge-payload.probes:3: probe GetRequest: "
				  "different string than at ") != NULL);
		CHECK(strstr(err, "basic.probes:14") != NULL);
		printf("#   %s\n", err);
		svcdb_free(db2);
	}
	CASE("extend: the same file twice extends, never duplicates")
	{
		db2 = svcdb_new();
		CHECK(svcdb_load_file(db2, data_path("basic.probes"), err,
				      sizeof(err)) == 0);
		CHECK(svcdb_load_file(db2, data_path("basic.probes"), err,
				      sizeof(err)) == 0);
		CHECK(svcdb_finalize(db2, err, sizeof(err)) == 0);
		CHECK_EQ_U(svcdb_nprobes(db2), 3);
		CHECK_EQ_U(svcdb_null_probe(db2)->nmatches, 8);
		CHECK_EQ_U(svcdb_null_probe(db2)->nservices, 3);
		svcdb_free(db2);
	}
	svcdb_free(db);
}

static void test_crlf(void)
{
	struct svcdb *db = load("crlf.probes", NULL);

	CASE("CRLF line endings")
	{
		const struct svc_probe *two;
		struct svc_answer a;

		CHECK(db != NULL);
		if (db == NULL)
			break;
		CHECK_EQ_U(svcdb_null_probe(db)->rarity, 3);
		two = svcdb_find(db, IPPROTO_TCP, "Two");
		CHECK(two && two->payload_len == 5 &&
		      memcmp(two->payload, "two\r\n", 5) == 0);
		CHECK(two && svc_probe_port_listed(two, 7, 0));
		/* The '\r' is not part of the regex or the template. */
		CHECK_EQ_U(svcmatch_run(db, svcdb_null_probe(db),
					(const uint8_t *)"crlf", 4, NULL, &a),
			   SVC_HARD);
		CHECK_STR(a.product, "CRLF");
	}
	svcdb_free(db);
}

/* Each bad-*.probes starts with "# expect: FILE:LINE: reason". */
static int check_bad(const char *name)
{
	char text[512], want[512], *nl;
	struct svcdb *db = svcdb_new();
	FILE *f = fopen(data_path(name), "r");
	int rc, ok;

	if (f == NULL || fgets(text, sizeof(text), f) == NULL ||
	    strncmp(text, "# expect: ", 10) != 0) {
		printf("#   %s: no '# expect:' line\n", name);
		if (f)
			fclose(f);
		svcdb_free(db);
		return 0;
	}
	fclose(f);
	snprintf(want, sizeof(want), "%s", text + 10);
	if ((nl = strchr(want, '\n')) != NULL)
		*nl = '\0';
	err[0] = '\0';
	rc = svcdb_load_file(db, data_path(name), err, sizeof(err));
	if (rc == 0)
		rc = svcdb_finalize(db, err, sizeof(err));
	/* The message must carry the path as given, then ":LINE: reason". */
	ok = rc < 0 && strstr(err, want) != NULL &&
	     strncmp(err, data_path(name), strlen(data_path(name))) == 0;
	if (!ok)
		printf("#   %s: want \"%s\", got %s \"%s\"\n", name, want,
		       rc < 0 ? "error" : "success", err);
	svcdb_free(db);
	return ok;
}

static void test_bad_files(void)
{
	char dir[1024];
	struct dirent *de;
	DIR *d;
	int n = 0;

	snprintf(dir, sizeof(dir), "%s", data_path(""));
	CASE("bad files: every error stops the load and names FILE:LINE")
	{
		d = opendir(dir);
		CHECK(d != NULL);
		if (d == NULL)
			break;
		while ((de = readdir(d)) != NULL) {
			size_t len = strlen(de->d_name);

			if (strncmp(de->d_name, "bad-", 4) != 0 || len < 7 ||
			    strcmp(de->d_name + len - 7, ".probes") != 0)
				continue;
			n++;
			CHECK(check_bad(de->d_name));
		}
		closedir(d);
		printf("#   %d bad files\n", n);
		CHECK(n >= 60);
	}
}

static void test_limits(void)
{
	size_t big = 70000, n;
	char *buf = xmalloc(big + 64);
	struct svcdb *db;

	CASE("long lines: 60 KB accepted, over 64 KiB refused")
	{
		/* nmap's own lines reach 1.8 KB; user files may go further. */
		n = (size_t)snprintf(buf, 64,
				     "Probe TCP NULL q||\nmatch x m=^a= i/");
		memset(buf + n, 'c', 60000);
		n += 60000;
		n += (size_t)snprintf(buf + n, 64, "/ p/long/\n");
		db = svcdb_new();
		err[0] = '\0';
		CHECK(svcdb_load_buf(db, buf, n, "long", err, sizeof(err)) ==
		      0);
		svcdb_free(db);

		n = (size_t)snprintf(buf, 64, "Probe TCP NULL q||\n# ");
		memset(buf + n, 'c', big - n);
		buf[big] = '\n';
		db = svcdb_new();
		CHECK(svcdb_load_buf(db, buf, big + 1, "long", err,
				     sizeof(err)) < 0);
		CHECK_STR(err, "long:2: line longer than 65536 bytes");
		svcdb_free(db);
	}
	CASE("buffers without a final newline, and empty ones")
	{
		static const char t[] = "Probe TCP NULL q||\nrarity 2";

		db = svcdb_new();
		CHECK(svcdb_load_buf(db, t, strlen(t), "t", err, sizeof(err)) ==
		      0);
		CHECK(svcdb_load_buf(db, "", 0, "empty", err, sizeof(err)) ==
		      0);
		CHECK(svcdb_finalize(db, err, sizeof(err)) == 0);
		CHECK_EQ_U(svcdb_null_probe(db)->rarity, 2);
		svcdb_free(db);
		svcdb_free(NULL);
	}
	CASE("missing file names the path")
	{
		db = svcdb_new();
		CHECK(svcdb_load_file(db, "/nonexistent/x.probes", err,
				      sizeof(err)) < 0);
		CHECK_STR(err,
			  "/nonexistent/x.probes: No such file or directory");
		svcdb_free(db);
	}
	free(buf);
}

static void test_nmap_file(void)
{
	const struct svc_probe *nul, *get;
	struct svcdb *db;
	FILE *f = fopen(nmap_probes(), "r");
	uint64_t t0;
	uint16_t lo, hi;
	size_t i, nudp = 0;

	if (f == NULL) {
		printf("ok - nmap's file loads # SKIP no nmap\n");
		return;
	}
	fclose(f);
	CASE("nmap's file loads with no error")
	{
		db = svcdb_new();
		t0 = now_ns();
		err[0] = '\0';
		CHECK(svcdb_load_file(db, nmap_probes(), err, sizeof(err)) ==
		      0);
		CHECK(svcdb_finalize(db, err, sizeof(err)) == 0);
		printf("#   %s: %zu probes + NULL, %zu lines, %.0f ms%s%s\n",
		       nmap_probes(), svcdb_nprobes(db), svcdb_nmatches(db),
		       (double)(now_ns() - t0) / 1e6, err[0] ? ": " : "", err);
		CHECK(svcdb_nprobes(db) > 100);
		CHECK(svcdb_nmatches(db) > 10000);
		nul = svcdb_null_probe(db);
		CHECK(nul != NULL);
		if (nul != NULL) {
			CHECK(nul->nmatches > 3000);
			CHECK_EQ_U(nul->totalwaitms, 6000);
			CHECK_EQ_U(nul->tcpwrappedms, 3000);
			CHECK(svc_probe_can_match(nul, "ssh"));
		}
		get = svcdb_find(db, IPPROTO_TCP, "GetRequest");
		CHECK(get != NULL && get->nmatches > 4000);
		CHECK(get && svc_probe_port_listed(get, 80, 0));
		CHECK(get && svc_probe_port_listed(get, 443, 1));
		CHECK(svcdb_excluded(db, IPPROTO_TCP, 9100));
		CHECK(svcdb_excluded(db, IPPROTO_TCP, 9107));
		CHECK(!svcdb_excluded(db, IPPROTO_TCP, 9108));
		CHECK(!svcdb_excluded(db, IPPROTO_UDP, 9100));
		for (i = 0; i < svcdb_nprobes(db); i++) {
			const struct svc_probe *p = svcdb_probe(db, i);

			nudp += p->proto == IPPROTO_UDP;
			CHECK(p->nchain >= 1 && p->chain[0] == p);
			CHECK(p->rarity >= 1 && p->rarity <= 9);
		}
		CHECK(nudp > 20);
		/* fathom-sourceports is fathom's: nmap's file has none. */
		CHECK(svcdb_sourceports(db, &lo, &hi) == 0);
		svcdb_free(db);
	}
}

static void test_sourceports(void)
{
	static const char a[] = "Probe TCP NULL q||\n"
				"Probe TCP Rlogin q|\\0a\\0b\\0vt100/9600\\0|\n"
				"fathom-sourceports 512-1023\n"
				"Probe TCP Plain q|x|\n"
				"Probe TCP Low q|y|\n"
				"fathom-sourceports\t1-99 \n";
	static const char b[] = "Probe TCP Rlogin q|\\0a\\0b\\0vt100/9600\\0|\n"
				"fathom-sourceports 600-700\n";
	const struct svc_probe *r, *x;
	uint16_t lo, hi;
	struct svcdb *db = svcdb_new();

	CASE("fathom-sourceports: a probe's reserved range, the hull of all")
	{
		CHECK(svcdb_sourceports(db, &lo, &hi) == 0 && lo == 0 &&
		      hi == 0);
		CHECK(svcdb_load_buf(db, a, strlen(a), "a", err, sizeof(err)) ==
		      0);
		CHECK(svcdb_finalize(db, err, sizeof(err)) == 0);
		r = svcdb_find(db, IPPROTO_TCP, "Rlogin");
		x = svcdb_find(db, IPPROTO_TCP, "Plain");
		CHECK(r && r->sport_lo == 512 && r->sport_hi == 1023);
		CHECK(r && r->payload_len == 16);
		CHECK(x && x->sport_lo == 0 && x->sport_hi == 0);
		CHECK(svcdb_null_probe(db)->sport_lo == 0);
		CHECK(svcdb_sourceports(db, &lo, &hi) == 1);
		CHECK_EQ_U(lo, 1);
		CHECK_EQ_U(hi, 1023);
	}
	CASE("fathom-sourceports: a later file's replaces the range")
	{
		CHECK(svcdb_load_buf(db, b, strlen(b), "b", err, sizeof(err)) ==
		      0);
		CHECK(svcdb_finalize(db, err, sizeof(err)) == 0);
		r = svcdb_find(db, IPPROTO_TCP, "Rlogin");
		CHECK(r && r->sport_lo == 600 && r->sport_hi == 700);
	}
	svcdb_free(db);
}

static void test_script(void)
{
	static const char a[] = "Probe TCP NULL q||\n"
				"Probe TCP PPTP q|\\0|\n"
				"fathom-script pptp-version\n"
				"Probe UDP Ping q|\\0|\n"
				"fathom-script\tmurmur-version \n"
				"Probe TCP Plain q|x|\n";
	struct svcdb *db = svcdb_new();
	const struct svc_probe *p, *u, *x;

	CASE("fathom-script: the nmap version script a probe stands in for")
	{
		CHECK(svcdb_load_buf(db, a, strlen(a), "a", err, sizeof(err)) ==
		      0);
		CHECK(svcdb_finalize(db, err, sizeof(err)) == 0);
		p = svcdb_find(db, IPPROTO_TCP, "PPTP");
		u = svcdb_find(db, IPPROTO_UDP, "Ping");
		x = svcdb_find(db, IPPROTO_TCP, "Plain");
		CHECK(p && p->script && strcmp(p->script, "pptp-version") == 0);
		CHECK(u && u->script &&
		      strcmp(u->script, "murmur-version") == 0);
		CHECK(x && x->script == NULL);
		CHECK(svcdb_null_probe(db)->script == NULL);
	}
	svcdb_free(db);
}

int main(void)
{
	test_basic();
	test_fallback();
	test_extend();
	test_crlf();
	test_bad_files();
	test_limits();
	test_sourceports();
	test_script();
	test_nmap_file();
	return DONE();
}
