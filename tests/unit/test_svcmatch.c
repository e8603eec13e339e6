/* test_svcmatch.c -- unit tests for probes/svcmatch.c and probes/svcfp.c. */
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "netstack/base/util.h"
#include "probes/servicedb.h"
#include "probes/svcfp.h"
#include "probes/svcmatch.h"
#include "tests/unit/harness.h"

/* nmap's own file (Debian package nmap); FATHOM_NMAP_PROBES overrides. */
static const char *nmap_probes(void)
{
	const char *p = getenv("FATHOM_NMAP_PROBES");

	return p ? p : "/usr/share/nmap/nmap-service-probes";
}

static char err[1024];

static const char ssh_banner[] = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n";
static const char ftp_banner[] = "220 (vsFTPd 3.0.3)\r\n";
static const char apache_resp[] = "HTTP/1.1 200 OK\r\n"
				  "Date: Wed, 25 Nov 2026 06:00:00 GMT\r\n"
				  "Server: Apache/2.4.62 (Debian)\r\n"
				  "Content-Length: 5\r\n"
				  "Content-Type: text/html\r\n\r\nhello";
static const char php_resp[] = "HTTP/1.1 200 OK\r\n"
			       "Server: nginx\r\n"
			       "X-Powered-By: PHP/5.6.25\r\n\r\n";

static const char *data_path(const char *name)
{
	static char buf[1024];
	const char *dir = getenv("FATHOM_SRCDIR");

	snprintf(buf, sizeof(buf), "%s/tests/data/servicedb/%s",
		 dir ? dir : ".", name);
	return buf;
}

static struct svcdb *load(const char *path)
{
	struct svcdb *db = svcdb_new();

	if (svcdb_load_file(db, path, err, sizeof(err)) < 0 ||
	    svcdb_finalize(db, err, sizeof(err)) < 0) {
		printf("#   load error: %s\n", err);
		svcdb_free(db);
		return NULL;
	}
	return db;
}

static const struct svc_probe *probe(const struct svcdb *db, int proto,
				     const char *name)
{
	const struct svc_probe *p = svcdb_find(db, proto, name);

	if (p == NULL) {
		printf("#   no probe %s\n", name);
		abort();
	}
	return p;
}

/* Runs a TCP probe on a C string (or len bytes of it). */
static int run_n(const struct svcdb *db, const char *pname, const void *data,
		 size_t len, const char *only, struct svc_answer *a)
{
	return svcmatch_run(db, probe(db, IPPROTO_TCP, pname), data, len, only,
			    a);
}

static int run(const struct svcdb *db, const char *pname, const char *data,
	       const char *only, struct svc_answer *a)
{
	return run_n(db, pname, data, strlen(data), only, a);
}

static int same_answer(const struct svc_answer *a, const struct svc_answer *b)
{
	int i;

	if (a->kind != b->kind || strcmp(a->service, b->service) ||
	    a->ssl != b->ssl || strcmp(a->product, b->product) ||
	    strcmp(a->version, b->version) || strcmp(a->info, b->info) ||
	    strcmp(a->hostname, b->hostname) || strcmp(a->ostype, b->ostype) ||
	    strcmp(a->devicetype, b->devicetype) || a->ncpe != b->ncpe ||
	    a->line != b->line || a->via != b->via)
		return 0;
	for (i = 0; i < a->ncpe; i++)
		if (strcmp(a->cpe[i], b->cpe[i]) != 0)
			return 0;
	return 1;
}

static void test_banners(const struct svcdb *db)
{
	const struct svc_probe *nul = svcdb_null_probe(db);
	struct svc_answer a;

	CASE("own lines: OpenSSH, vsftpd and Apache banners")
	{
		CHECK_EQ_U(run(db, "NULL", ssh_banner, NULL, &a), SVC_HARD);
		CHECK_STR(a.service, "ssh");
		CHECK_EQ_U(a.ssl, 0);
		CHECK_STR(a.product, "OpenSSH");
		CHECK_STR(a.version, "9.2p1 Debian 2+deb12u3");
		CHECK_STR(a.info, "protocol 2.0");
		CHECK_STR(a.ostype, "Linux");
		CHECK_STR(a.hostname, "");
		CHECK_EQ_U(a.ncpe, 2);
		CHECK_STR(a.cpe[0], "cpe:/a:openbsd:openssh:9.2p1");
		CHECK_STR(a.cpe[1], "cpe:/o:linux:linux_kernel");
		CHECK_EQ_U(a.line, 4);
		CHECK(a.file && strstr(a.file, "match.probes") != NULL);
		CHECK(a.via == nul);

		CHECK_EQ_U(run(db, "NULL", ftp_banner, NULL, &a), SVC_HARD);
		CHECK_STR(a.service, "ftp");
		CHECK_STR(a.product, "vsftpd");
		CHECK_STR(a.version, "3.0.3");
		CHECK_STR(a.ostype, "Unix");
		CHECK_EQ_U(a.ncpe, 1);
		CHECK_STR(a.cpe[0], "cpe:/a:vsftpd:vsftpd:3.0.3");

		CHECK_EQ_U(run(db, "GetRequest", apache_resp, NULL, &a),
			   SVC_HARD);
		CHECK_STR(a.service, "http");
		CHECK_STR(a.product, "Apache httpd");
		CHECK_STR(a.version, "2.4.62");
		CHECK_STR(a.info, "Debian");
		CHECK_STR(a.cpe[0], "cpe:/a:apache:http_server:2.4.62");
		CHECK(a.via == probe(db, IPPROTO_TCP, "GetRequest"));

		/* A banner read after GetRequest falls back to NULL's lines. */
		CHECK_EQ_U(run(db, "GetRequest", ssh_banner, NULL, &a),
			   SVC_HARD);
		CHECK_STR(a.service, "ssh");
		CHECK(a.via == nul);

		CHECK_EQ_U(run(db, "NULL", "* OK IMAPS ready\r\n", NULL, &a),
			   SVC_HARD);
		CHECK_STR(a.service, "imap");
		CHECK_EQ_U(a.ssl, 1);

		CHECK_EQ_U(run(db, "NULL", "220 ProFTPD ftp server\r\n", NULL,
			       &a),
			   SVC_SOFT);
		CHECK_STR(a.service, "ftp");
		CHECK_STR(a.product, "");

		CHECK_EQ_U(run(db, "NULL", "hello\r\n", NULL, &a), SVC_NONE);
		CHECK_STR(a.service, "");
		CHECK(a.file == NULL && a.via == NULL);
		CHECK_EQ_U(run_n(db, "NULL", NULL, 0, NULL, &a), SVC_NONE);
	}
	CASE("regex flags i and s")
	{
		CHECK_EQ_U(run(db, "Flags", "HeLLo WORLD", NULL, &a), SVC_HARD);
		CHECK_STR(a.product, "caseless");
		CHECK_EQ_U(run(db, "Flags", "A\nB", NULL, &a), SVC_HARD);
		CHECK_STR(a.product, "dotall");
		CHECK_EQ_U(run(db, "Flags", "A\nC", NULL, &a), SVC_NONE);
		CHECK_EQ_U(run(db, "Flags", "AxC", NULL, &a), SVC_HARD);
		CHECK_STR(a.product, "plain");
	}
}

static void test_subst(const struct svcdb *db)
{
	static const char print[] = "P:W\0O\0R\0K\x01\xff\x7fG";
	static const char ints[] = "I:\x00\x01\x00\x00\x34\x12";
	static const char ints9[] = "I:\xff\xff\xff\xff\x01\x00"
				    "123456789";
	static const char nul[] = "Z:ab\0cd";
	struct svc_answer a;

	CASE("substitutions: $P, $SUBST, $I")
	{
		CHECK_EQ_U(run_n(db, "Subst", print, sizeof(print) - 1, NULL,
				 &a),
			   SVC_HARD);
		CHECK_STR(a.product, "WORKG");

		CHECK_EQ_U(run(db, "Subst", "S:1_2ab3", NULL, &a), SVC_HARD);
		CHECK_STR(a.product, "1.2ab3");
		CHECK_STR(a.version, "1AB2ab3");
		CHECK_STR(a.info, "1_2"); /* a "\0" replacement ends it */

		CHECK_EQ_U(run_n(db, "Subst", ints, sizeof(ints) - 1, NULL, &a),
			   SVC_HARD);
		CHECK_STR(a.version, "65536");
		CHECK_STR(a.info, "4660");
		CHECK_STR(a.hostname, ""); /* group 3 unset */
		CHECK_EQ_U(run_n(db, "Subst", ints9, sizeof(ints9) - 1, NULL,
				 &a),
			   SVC_HARD);
		CHECK_STR(a.version, "4294967295");
		CHECK_STR(a.info, "1");
		CHECK_STR(a.hostname, ""); /* 9 bytes: more than $I takes */
	}
	CASE("an unset group empties only its fields")
	{
		CHECK_EQ_U(run(db, "Subst", "U:b", NULL, &a), SVC_HARD);
		CHECK_STR(a.service, "unset");
		CHECK_STR(a.product, "");
		CHECK_STR(a.version, "b");
		CHECK_STR(a.info, "ok b");
		CHECK_EQ_U(run(db, "Subst", "U:ab", NULL, &a), SVC_HARD);
		CHECK_STR(a.product, "xay");
	}
	CASE("trailing whitespace and commas are trimmed")
	{
		CHECK_EQ_U(run(db, "Subst", "T:foo ,\t", NULL, &a), SVC_HARD);
		CHECK_STR(a.product, "foo");
		CHECK_STR(a.version, " foo");
		CHECK_STR(a.info, "a, b");
	}
	CASE("a NUL in a capture ends that substitution, nothing more")
	{
		CHECK_EQ_U(run_n(db, "Subst", nul, sizeof(nul) - 1, NULL, &a),
			   SVC_HARD);
		CHECK_STR(a.product, "[ab]");
		CHECK_STR(a.version, "abcd");
		CHECK_STR(a.info, "ab");
	}
	CASE("CPE text: lower case, '_' for spaces, reserved bytes %XX")
	{
		CHECK_EQ_U(run(db, "Subst", "C:Foo Bar/1.0 (x)", NULL, &a),
			   SVC_HARD);
		CHECK_EQ_U(a.ncpe, 3); /* the one using unset $2 is dropped */
		CHECK_STR(a.cpe[0], "cpe:/a:acme:foo_bar%2F1.0_%28x%29");
		CHECK_STR(a.cpe[1], "cpe:/h:acme:box:foo_bar%2F1.0_%28x%29");
		CHECK_STR(a.cpe[2], "cpe:/o:acme:os");
		CHECK_EQ_U(run(db, "Subst", "C::?#[]@!$&'()*+,;=%<>\"\tZ", NULL,
			       &a),
			   SVC_HARD);
		CHECK_STR(a.cpe[0], "cpe:/a:acme:%3A%3F%23%5B%5D%40%21%24%26%27"
				    "%28%29%2A%2B%2C%3B%3D%25%3C%3E%22_z");
	}
}

/* "L:" followed by n copies of 'a'. */
static int run_len(const struct svcdb *db, const char *tag, size_t n,
		   struct svc_answer *a)
{
	char buf[400];
	size_t t = strlen(tag);

	memcpy(buf, tag, t);
	memset(buf + t, 'a', n);
	return run_n(db, "Subst", buf, t + n, NULL, a);
}

/*
 * The limits, NUL, trimming, CPE and $I expectations here were checked
 * against nmap 7.93 itself (-sV --datadir with these lines, loopback).
 */
static void test_limits(const struct svcdb *db)
{
	struct svc_answer a;

	CASE("field limits: nmap's buffer sizes; overflow empties the field")
	{
		/* A substitution may end at 78 bytes of an 80-byte field. */
		CHECK_EQ_U(run_len(db, "L:", 78, &a), SVC_HARD);
		CHECK_EQ_U(strlen(a.product), 78);
		CHECK_EQ_U(strlen(a.info), 78);
		CHECK_STR(a.devicetype, "");
		CHECK_EQ_U(run_len(db, "L:", 79, &a), SVC_HARD);
		CHECK_STR(a.product, "");
		CHECK_EQ_U(strlen(a.info), 79);
		CHECK_EQ_U(run_len(db, "L:", 254, &a), SVC_HARD);
		CHECK_EQ_U(strlen(a.info), 254);
		CHECK_EQ_U(run_len(db, "L:", 255, &a), SVC_HARD);
		CHECK_STR(a.info, "");
		CHECK_EQ_U(run_len(db, "L:", 30, &a), SVC_HARD);
		CHECK_EQ_U(strlen(a.devicetype), 30);
		CHECK_EQ_U(run_len(db, "L:", 31, &a), SVC_HARD);
		CHECK_STR(a.devicetype, "");
		/* Literal text may fill 79 bytes. */
		CHECK_EQ_U(run(db, "Subst", "M79", NULL, &a), SVC_HARD);
		CHECK_EQ_U(strlen(a.product), 79);
		CHECK_STR(a.version, "");
		CHECK_EQ_U(run_len(db, "N", 1, &a), SVC_HARD);
		CHECK_EQ_U(strlen(a.product), 78);
		CHECK_EQ_U(run_len(db, "N", 2, &a), SVC_HARD);
		CHECK_STR(a.product, "");
		/* Even an empty substitution fails once 79 bytes are used. */
		CHECK_EQ_U(run(db, "Subst", "E", NULL, &a), SVC_HARD);
		CHECK_STR(a.service, "litend");
		CHECK_STR(a.product, "");
		CHECK_STR(a.version, "v");
		/* A CPE is 80 bytes too: 12 + 66 fits, 12 + 67 does not. */
		CHECK_EQ_U(run_len(db, "C:", 66, &a), SVC_HARD);
		CHECK_EQ_U(a.ncpe, 2);
		CHECK_EQ_U(strlen(a.cpe[0]), 78);
		CHECK_STR(a.cpe[1], "cpe:/o:acme:os");
		CHECK_EQ_U(run_len(db, "C:", 67, &a), SVC_HARD);
		CHECK_EQ_U(a.ncpe, 1);
		CHECK_STR(a.cpe[0], "cpe:/o:acme:os");
	}
}

static void test_soft(const struct svcdb *db)
{
	const struct svc_probe *help = probe(db, IPPROTO_TCP, "Help");
	static const char both[] = "220 mail ESMTP FTP server ready\r\n";
	struct svc_answer a, b;

	CASE("softmatch, then only that service's lines")
	{
		CHECK_EQ_U(run(db, "Help", both, NULL, &a), SVC_HARD);
		CHECK_STR(a.service, "smtp");
		CHECK_EQ_U(run(db, "Help", both, "ftp", &a), SVC_HARD);
		CHECK_STR(a.service, "ftp");
		CHECK_STR(a.product, "Generic FTP");
		CHECK_EQ_U(run(db, "Help", "220 x FTP\r\n", NULL, &a),
			   SVC_SOFT);
		CHECK_EQ_U(run(db, "Help", both, "ssh", &a), SVC_NONE);
		CHECK(svc_probe_can_match(help, "ftp"));
		CHECK(svc_probe_can_match(help, "smtp"));
		CHECK(!svc_probe_can_match(help, "ssh"));
		CHECK(!svc_probe_can_match(help, NULL));
	}
	CASE("a hard match never inherits softmatch fields (nmap #1042)")
	{
		CHECK_EQ_U(run(db, "GetRequest", php_resp, NULL, &a), SVC_SOFT);
		CHECK_STR(a.service, "http");
		CHECK_STR(a.product, "PHP");
		CHECK_STR(a.version, "5.6.25");
		CHECK_EQ_U(a.ncpe, 1);
		CHECK_EQ_U(run(db, "HTTPOptions", php_resp, a.service, &b),
			   SVC_HARD);
		CHECK_STR(b.product, "nginx");
		CHECK_STR(b.version, "");
		CHECK_STR(b.info, "");
		CHECK_STR(b.hostname, "");
		CHECK_EQ_U(b.ncpe, 0);
	}
}

static void test_fallback(const struct svcdb *db)
{
	const struct svc_probe *um = probe(db, IPPROTO_UDP, "Umain");
	struct svc_answer a;

	CASE("fallback order: the probe, its fallbacks, then NULL (TCP)")
	{
		CHECK_EQ_U(run(db, "Main", "Y", NULL, &a), SVC_HARD);
		CHECK_STR(a.service, "main-y");
		/* NULL's ^X would match too, but Fb comes first. */
		CHECK_EQ_U(run(db, "Main", "X1", NULL, &a), SVC_HARD);
		CHECK_STR(a.service, "fb-x");
		CHECK(a.via == probe(db, IPPROTO_TCP, "Fb"));
		CHECK_EQ_U(run(db, "Main", "X2", NULL, &a), SVC_HARD);
		CHECK_STR(a.service, "null-x");
		CHECK(a.via == svcdb_null_probe(db));
		CHECK_EQ_U(svcmatch_run(db, um, (const uint8_t *)"X1", 2, NULL,
					&a),
			   SVC_HARD);
		CHECK_STR(a.service, "fb-x");
		CHECK_EQ_U(svcmatch_run(db, um, (const uint8_t *)"X2", 2, NULL,
					&a),
			   SVC_NONE); /* UDP never tries NULL */
		CHECK_EQ_U(run(db, "Subst", "SSLTHING", NULL, &a), SVC_HARD);
		CHECK_STR(a.service, "tls-thing");
		CHECK_EQ_U(a.ssl, 1);
	}
	CASE("svcmatch_line tries one line")
	{
		const struct svc_probe *nul = svcdb_null_probe(db);

		CHECK_EQ_U(svcmatch_line(db, &nul->matches[0],
					 (const uint8_t *)ssh_banner,
					 strlen(ssh_banner), &a),
			   SVC_HARD);
		CHECK_STR(a.version, "9.2p1 Debian 2+deb12u3");
		CHECK_EQ_U(svcmatch_line(db, &nul->matches[1],
					 (const uint8_t *)ssh_banner,
					 strlen(ssh_banner), &a),
			   SVC_NONE);
	}
}

static void test_evil(const struct svcdb *db)
{
	size_t n = 1 << 20;
	uint8_t *buf = xmalloc(n + 1);
	struct svc_answer a;
	uint64_t t0;
	double ms;

	CASE("pathological regex on 1 MB: no match, fast")
	{
		memset(buf, 'a', n);
		buf[n] = 'b';
		t0 = now_ns();
		CHECK_EQ_U(run_n(db, "Evil", buf, n + 1, NULL, &a), SVC_NONE);
		ms = (double)(now_ns() - t0) / 1e6;
		printf("#   (a+)+$ and ^(a|aa)+$ on 1 MiB: %.1f ms\n", ms);
		CHECK(ms < 500);
		/* The same lines still work on sane input. */
		CHECK_EQ_U(run_n(db, "Evil", "aaa", 3, NULL, &a), SVC_HARD);
		CHECK_STR(a.service, "evil");
	}
	free(buf);
}

/* Feeds data as a stream would accumulate it, one byte more each time. */
static int stream_ok(const struct svcdb *db, const char *pname,
		     const char *data, size_t len)
{
	struct svc_answer whole, part;
	size_t i;
	uint8_t *copy;

	run_n(db, pname, data, len, NULL, &whole);
	for (i = 0; i <= len; i++) {
		/* An exact-size heap copy, so ASan sees any over-read. */
		copy = xmalloc(i ? i : 1);
		memcpy(copy, data, i);
		run_n(db, pname, copy, i, NULL, &part);
		free(copy);
	}
	return whole.kind != SVC_NONE && same_answer(&whole, &part);
}

static void test_stream(const struct svcdb *db)
{
	CASE("prefixes of a response: no crash, same final answer")
	{
		CHECK(stream_ok(db, "NULL", ssh_banner, strlen(ssh_banner)));
		CHECK(stream_ok(db, "NULL", ftp_banner, strlen(ftp_banner)));
		CHECK(stream_ok(db, "GetRequest", apache_resp,
				strlen(apache_resp)));
		CHECK(stream_ok(db, "GetRequest", php_resp, strlen(php_resp)));
		CHECK(stream_ok(db, "Subst", "Z:ab\0cd", 7));
	}
}

static void test_nmap_db(void)
{
	static const char smtp[] =
		"220 mail.example.org ESMTP Postfix (Debian/GNU)\r\n";
	struct svc_answer a;
	struct svcdb *db;
	FILE *f = fopen(nmap_probes(), "r");

	if (f == NULL) {
		printf("ok - nmap's answers # SKIP no nmap\n");
		return;
	}
	fclose(f);
	db = load(nmap_probes());
	/* Expected values: nmap 7.93 -sV on the same bytes, on loopback. */
	CASE("nmap's answers")
	{
		CHECK(db != NULL);
		if (db == NULL)
			break;
		CHECK_EQ_U(run(db, "NULL", ssh_banner, NULL, &a), SVC_HARD);
		CHECK_STR(a.service, "ssh");
		CHECK_STR(a.product, "OpenSSH");
		CHECK_STR(a.version, "9.2p1 Debian 2+deb12u3");
		CHECK_STR(a.info, "protocol 2.0");
		CHECK_STR(a.ostype, "Linux");
		CHECK(a.ncpe >= 2);
		CHECK_STR(a.cpe[0], "cpe:/a:openbsd:openssh:9.2p1");
		CHECK_STR(a.cpe[a.ncpe - 1], "cpe:/o:linux:linux_kernel");

		CHECK_EQ_U(run(db, "NULL", ftp_banner, NULL, &a), SVC_HARD);
		CHECK_STR(a.service, "ftp");
		CHECK_STR(a.product, "vsftpd");
		CHECK_STR(a.version, "3.0.3");
		CHECK_STR(a.ostype, "Unix");
		CHECK_STR(a.cpe[0], "cpe:/a:vsftpd:vsftpd:3.0.3");

		CHECK_EQ_U(run(db, "GetRequest", apache_resp, NULL, &a),
			   SVC_HARD);
		CHECK_STR(a.service, "http");
		CHECK_STR(a.product, "Apache httpd");
		CHECK_STR(a.version, "2.4.62");
		CHECK_STR(a.info, "(Debian)");
		CHECK_STR(a.cpe[0], "cpe:/a:apache:http_server:2.4.62");

		CHECK_EQ_U(run(db, "NULL", smtp, NULL, &a), SVC_HARD);
		CHECK_STR(a.service, "smtp");
		CHECK_STR(a.product, "Postfix smtpd");
		CHECK_STR(a.hostname, " mail.example.org");
		CHECK_STR(a.cpe[0], "cpe:/a:postfix:postfix");

		CHECK(stream_ok(db, "GetRequest", apache_resp,
				strlen(apache_resp)));
	}
	svcdb_free(db);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = xmalloc(1 << 16);

	*len = f ? fread(buf, 1, (1 << 16) - 1, f) : 0;
	buf[*len] = '\0';
	if (f)
		fclose(f);
	return buf;
}

/* The fingerprint with its "\nSF:" line breaks taken out. */
static char *unwrap(const char *t)
{
	char *out = xmalloc(strlen(t) + 1), *o = out;

	while (*t) {
		if (strncmp(t, "\nSF:", 4) == 0)
			t += 4;
		else
			*o++ = *t++;
	}
	*o = '\0';
	return out;
}

static void test_svcfp(void)
{
	struct svcfp fp;
	const char *t, *line;
	size_t blen, elen, i, shown;
	char *banner, *want, *flat, path[1024], big[2000];

	CASE("SF-Port text matches nmap 7.93 byte for byte")
	{
		snprintf(path, sizeof(path), "%s", data_path("sf-banner.bin"));
		banner = slurp(path, &blen);
		want = slurp(data_path("sf-nmap793.txt"), &elen);
		CHECK_EQ_U(blen, 0x43c);
		if (elen > 0 && want[elen - 1] == '\n')
			want[--elen] = '\0';
		svcfp_init(&fp, "7.93", "x86_64-pc-linux-gnu", 47124,
			   IPPROTO_TCP, 0, 7, (time_t)0x6B06846A);
		CHECK(svcfp_text(&fp) == NULL);
		svcfp_add(&fp, "NULL", (uint8_t *)banner, 0); /* ignored */
		CHECK(svcfp_text(&fp) == NULL);
		svcfp_add(&fp, "NULL", (uint8_t *)banner, blen);
		svcfp_add(&fp, "LPDString", (uint8_t *)banner, blen);
		/* Past 2200 bytes nothing more is added. */
		svcfp_add(&fp, "GetRequest", (uint8_t *)banner, blen);
		CHECK_STR(svcfp_text(&fp), want);
		svcfp_free(&fp);
		free(banner);
		free(want);
	}
	CASE("SF-Port: escapes, wrapping, 900-byte cap, SSL and UDP")
	{
		svcfp_init(&fp, "0.1.0", "x", 53, IPPROTO_UDP, 1, 9,
			   (time_t)86400 * 45);
		svcfp_add(&fp, "DNS",
			  (const uint8_t *)"\0\0"
					   "0a\0b ~\x7f",
			  9);
		t = svcfp_text(&fp);
		CHECK_STR(t, "SF-Port53-UDP:V=0.1.0%T=SSL%I=9%D=2/15%Time="
			     "3B5380%P=x%r(DNS,9,\"\\0\\x000a\\0\nSF:"
			     "b\\x20~\\x7f\");");
		svcfp_free(&fp);

		memset(big, 'A', sizeof(big));
		svcfp_init(&fp, "0.1.0", "x86_64-pc-linux-gnu", 8080,
			   IPPROTO_TCP, 0, 7, (time_t)0);
		svcfp_add(&fp, "GetRequest", (uint8_t *)big, sizeof(big));
		t = svcfp_text(&fp);
		flat = unwrap(t);
		CHECK(strstr(flat, "%r(GetRequest,7D0,\"") != NULL);
		for (i = 0, shown = 0; flat[i]; i++)
			shown += flat[i] == 'A';
		CHECK_EQ_U(shown, 900);
		free(flat);
		/* Every line is 74 columns but the last; "SF:" continues. */
		for (line = t, i = 0; line; i++) {
			const char *nl = strchr(line, '\n');
			size_t len = nl ? (size_t)(nl - line) : strlen(line);

			if (nl)
				CHECK_EQ_U(len, 74);
			else
				CHECK(len <= 75); /* + the unwrapped ';' */
			if (i > 0)
				CHECK(strncmp(line, "SF:", 3) == 0);
			line = nl ? nl + 1 : NULL;
		}
		CHECK(i > 12);
		CHECK(t[strlen(t) - 1] == ';' && t[strlen(t) - 2] == ')');
		svcfp_free(&fp);
		svcfp_free(NULL);
	}
}

int main(void)
{
	struct svcdb *db;

	setenv("TZ", "UTC", 1);
	tzset();
	db = load(data_path("match.probes"));
	CASE("match.probes loads")
	{
		CHECK(db != NULL);
	}
	if (db != NULL) {
		test_banners(db);
		test_subst(db);
		test_limits(db);
		test_soft(db);
		test_fallback(db);
		test_evil(db);
		test_stream(db);
	}
	svcdb_free(db);
	test_nmap_db();
	test_svcfp();
	return DONE();
}
