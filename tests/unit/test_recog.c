/*
 * test_recog.c -- the generic recognisers against protocol-exact replies.
 *
 * Every line of tests/data/recog/expected.txt (under $FATHOM_SRCDIR,
 * default ".") names a reply file, the probe and transport it came
 * through, and the fields recog_run() must fill, or "-" for a near-miss
 * that must name nothing. Positive cases are also fed one byte at a time
 * (masscan's banner1 selftest idea): an answer on a prefix may leave
 * fields empty but never say something the whole reply contradicts.
 * Then recog_fold()'s precedence rules and the certificate extrainfo.
 */
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/recog.h"
#include "probes/servicedb.h"
#include "tests/unit/harness.h"

#define NFIELDS 6

static const char *src_path(const char *rel)
{
	static char buf[4096];
	const char *dir = getenv("FATHOM_SRCDIR");

	snprintf(buf, sizeof(buf), "%s/%s", dir && *dir ? dir : ".", rel);
	return buf;
}

/* Reads a whole file (at most 1 MiB); NULL if it cannot. */
static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	size_t n;

	if (f == NULL)
		return NULL;
	buf = malloc(1 << 20);
	n = buf ? fread(buf, 1, 1 << 20, f) : 0;
	fclose(f);
	*len = n;
	return buf;
}

static const char *field(const struct svc_answer *a, int k)
{
	switch (k) {
	case 0:
		return a->service;
	case 1:
		return a->product;
	case 2:
		return a->version;
	case 3:
		return a->info;
	case 4:
		return a->hostname;
	default:
		return a->ostype;
	}
}

/* Splits "a|b|c|d|e|f" into NFIELDS strings (in place). */
static int split(char *s, char *f[NFIELDS])
{
	for (int k = 0; k < NFIELDS; k++) {
		f[k] = s;
		s = strchr(s, '|');
		if (s == NULL)
			return k == NFIELDS - 1;
		*s++ = '\0';
	}
	return 0;
}

/* Feeds every prefix; each answer must agree with the whole one. */
static int prefixes_agree(struct recog_in in, const struct svc_answer *whole)
{
	size_t len = in.len;
	struct svc_answer a;

	for (size_t n = 1; n < len; n++) {
		in.len = n;
		if (!recog_run(&in, &a))
			continue;
		for (int k = 0; k < NFIELDS; k++)
			if (field(&a, k)[0] &&
			    strcmp(field(&a, k), field(whole, k)) != 0) {
				printf("#   prefix %zu: \"%s\" != \"%s\"\n", n,
				       field(&a, k), field(whole, k));
				return 0;
			}
	}
	return 1;
}

static int run_case(const struct svcdb *db, const char *file, const char *probe,
		    const char *tr, char *want)
{
	char path[512], *f[NFIELDS];
	struct recog_in in = { .probe = probe, .tls = strcmp(tr, "tls") == 0 };
	const struct svc_probe *p = svcdb_find(db, IPPROTO_TCP, probe);
	struct svc_answer a;
	size_t len = 0;
	uint8_t *data;
	int ok = 1, named;

	snprintf(path, sizeof(path), "tests/data/recog/%s", file);
	data = slurp(src_path(path), &len);
	if (data == NULL || !split(want, f) || p == NULL) {
		printf("#   %s: cannot read, bad expectation or no probe\n",
		       file);
		free(data);
		return 0;
	}
	in.sent = p->payload;
	in.sent_len = p->payload_len;
	in.data = data;
	in.len = len;
	named = recog_run(&in, &a);
	if (strcmp(f[0], "-") == 0) {
		ok = !named && a.service[0] == '\0' && a.kind == SVC_NONE;
		if (!ok)
			printf("#   %s: named \"%s\" \"%s\"\n", file, a.service,
			       a.product);
	} else {
		ok = named && a.kind == SVC_SOFT;
		for (int k = 0; k < NFIELDS; k++)
			if (strcmp(field(&a, k), f[k]) != 0) {
				printf("#   %s field %d: \"%s\" != \"%s\"\n",
				       file, k, field(&a, k), f[k]);
				ok = 0;
			}
		ok &= prefixes_agree(in, &a);
	}
	free(data);
	return ok;
}

static void test_cases(const struct svcdb *db)
{
	FILE *f = fopen(src_path("tests/data/recog/expected.txt"), "r");
	char line[1024], file[256], probe[64], tr[8], want[600];
	int n = 0, pos = 0, neg = 0;

	CASE("expected.txt is readable")
	{
		CHECK(f != NULL);
	}
	while (f && fgets(line, sizeof(line), f)) {
		char name[400];

		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "%255s %63s %7s %599[^\n]", file, probe, tr,
			   want) != 4) {
			CASE("expected.txt line is well formed")
			CHECK(0);
			continue;
		}
		snprintf(name, sizeof(name), "recog %s via %s", file, probe);
		n++;
		want[0] == '-' ? neg++ : pos++;
		CASE(name)
		CHECK(db && run_case(db, file, probe, tr, want));
	}
	if (f)
		fclose(f);
	CASE("expected.txt has positive and negative cases")
	{
		CHECK(pos >= 60);
		CHECK(neg >= 25);
		CHECK_EQ_U(n, pos + neg);
	}
}

static void test_table(void)
{
	size_t n;
	const struct recog *t = recog_table(&n);

	CASE("recogniser table: named, callable, distinct")
	{
		CHECK(n >= 23);
		for (size_t i = 0; i < n; i++) {
			CHECK(t[i].name && t[i].name[0] && t[i].run);
			for (size_t j = 0; j < i; j++)
				CHECK(strcmp(t[i].name, t[j].name) != 0);
		}
	}
	CASE("no recogniser answers nothing: empty or NULL data")
	{
		struct recog_in in = { .probe = "NULL" };
		struct svc_answer a;

		CHECK(recog_run(&in, &a) == 0);
		CHECK(a.kind == SVC_NONE && a.service[0] == '\0');
		in.data = (const uint8_t *)"";
		CHECK(recog_run(&in, &a) == 0);
	}
}

static void answer(struct svc_answer *a, int kind, const char *svc,
		   const char *product, const char *info)
{
	memset(a, 0, sizeof(*a));
	a->kind = kind;
	snprintf(a->service, sizeof(a->service), "%s", svc);
	snprintf(a->product, sizeof(a->product), "%s", product);
	snprintf(a->info, sizeof(a->info), "%s", info);
}

/* Replies that say more is coming (an IRC server still looking up). */
static void test_pending(void)
{
	static const struct {
		const char *reply;
		int pending;
	} t[] = {
		/* InspIRCd 3 on fx-svc3, before its welcome. */
		{ ":irc.svc3.fathom.test NOTICE * :*** Looking up your "
		  "hostname...\r\n",
		  1 },
		{ "NOTICE AUTH :*** Checking Ident\r\n", 1 },
		{ ":irc.svc3.fathom.test NOTICE * :*** Looking up your "
		  "hostname...\r\n:irc.svc3.fathom.test 001 fathom :Welcome"
		  "\r\n",
		  0 },
		{ ":irc.svc3.fathom.test NOTICE * :*** Looking", 0 },
		{ "220 ftp ready\r\n", 0 },
		{ "NOTICE without stars\r\n", 0 },
		{ "", 0 },
	};

	CASE("reply pending: an IRC lookup notice waits for the welcome")
	{
		for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
			CHECK_EQ_U(
				recog_reply_pending((const uint8_t *)t[i].reply,
						    strlen(t[i].reply)),
				t[i].pending);
		CHECK_EQ_U(recog_reply_pending(NULL, 0), 0);
	}
}

static void test_fold(void)
{
	struct svc_answer a, g;

	answer(&g, SVC_SOFT, "http", "foo", "");
	snprintf(g.version, sizeof(g.version), "1.2");
	CASE("fold: nothing known takes the generic answer, as a softmatch")
	{
		memset(&a, 0, sizeof(a));
		CHECK(recog_fold(&a, &g) == 1);
		CHECK(a.kind == SVC_SOFT);
		CHECK_STR(a.service, "http");
		CHECK_STR(a.product, "foo");
		CHECK_STR(a.version, "1.2");
	}
	CASE("fold: a softmatch of the same service gets product, version")
	{
		answer(&a, SVC_SOFT, "http", "", "");
		CHECK(recog_fold(&a, &g) == 1);
		CHECK(a.kind == SVC_SOFT);
		CHECK_STR(a.product, "foo");
		CHECK_STR(a.version, "1.2");
	}
	CASE("fold: a hard match without product is completed, stays hard")
	{
		answer(&a, SVC_HARD, "http", "", "keep me");
		CHECK(recog_fold(&a, &g) == 1);
		CHECK(a.kind == SVC_HARD);
		CHECK_STR(a.product, "foo");
		CHECK_STR(a.info, "keep me");
	}
	CASE("fold: a hard match with a product wins outright")
	{
		answer(&a, SVC_HARD, "http", "Apache httpd", "");
		CHECK(recog_fold(&a, &g) == 0);
		CHECK_STR(a.product, "Apache httpd");
		CHECK_STR(a.version, "");
	}
	CASE("fold: another service is never contradicted")
	{
		answer(&a, SVC_SOFT, "rtsp", "", "");
		CHECK(recog_fold(&a, &g) == 0);
		CHECK_STR(a.service, "rtsp");
		CHECK_STR(a.product, "");
		answer(&a, SVC_HARD, "ssl", "", "");
		CHECK(recog_fold(&a, &g) == 0);
		CHECK_STR(a.service, "ssl");
	}
	CASE("fold: certificate names only fill an empty extrainfo")
	{
		struct svc_answer c;

		answer(&c, SVC_NONE, "", "", "cert CN=x");
		answer(&a, SVC_HARD, "imap", "Dovecot", "");
		CHECK(recog_fold(&a, &c) == 1);
		CHECK_STR(a.info, "cert CN=x");
		answer(&a, SVC_HARD, "imap", "Dovecot", "Debian");
		CHECK(recog_fold(&a, &c) == 0);
		CHECK_STR(a.info, "Debian");
		/* Held while nothing is named, kept when a name comes. */
		memset(&a, 0, sizeof(a));
		CHECK(recog_fold(&a, &c) == 1);
		CHECK(a.kind == SVC_NONE && a.service[0] == '\0');
		CHECK(recog_fold(&a, &g) == 1);
		CHECK(a.kind == SVC_SOFT);
		CHECK_STR(a.service, "http");
		CHECK_STR(a.info, "cert CN=x");
	}
}

static void test_cert(void)
{
	struct tls_names tn;
	struct recog_in in = { .probe = "GetRequest", .tls = 1, .cert = &tn };
	struct svc_answer a;
	static const uint8_t http[] = "HTTP/1.1 204 No Content\r\n\r\n";
	static const uint8_t junk[] = "\x01\x02\x03";

	memset(&tn, 0, sizeof(tn));
	snprintf(tn.subject_cn, sizeof(tn.subject_cn), "svc.fathom.test");
	snprintf(tn.subject_o, sizeof(tn.subject_o), "Fathom Lab");
	snprintf(tn.issuer_cn, sizeof(tn.issuer_cn), "Fathom CA");
	CASE("cert: names become the extrainfo of a bare answer")
	{
		in.data = http;
		in.len = sizeof(http) - 1;
		CHECK(recog_run(&in, &a) == 1);
		CHECK_STR(a.service, "http");
		CHECK_STR(a.info, "cert CN=svc.fathom.test, O=Fathom Lab; "
				  "issuer CN=Fathom CA");
	}
	CASE("cert: self-signed names the subject once; no service named")
	{
		snprintf(tn.issuer_cn, sizeof(tn.issuer_cn), "svc.fathom.test");
		snprintf(tn.issuer_o, sizeof(tn.issuer_o), "Fathom Lab");
		in.data = junk;
		in.len = sizeof(junk) - 1;
		CHECK(recog_run(&in, &a) == 0);
		CHECK(a.kind == SVC_NONE && a.service[0] == '\0');
		CHECK_STR(a.info, "cert CN=svc.fathom.test, O=Fathom Lab");
	}
	CASE("cert: control bytes in a name are not passed on")
	{
		snprintf(tn.subject_cn, sizeof(tn.subject_cn), "a\x1b[2Jb");
		memset(tn.issuer_cn, 0, sizeof(tn.issuer_cn));
		memset(tn.issuer_o, 0, sizeof(tn.issuer_o));
		CHECK(recog_run(&in, &a) == 0);
		CHECK_STR(a.info, "cert CN=a?[2Jb, O=Fathom Lab");
	}
}

/* fathom's own probes: the cases' replies answer their payloads. */
static struct svcdb *load_own(void)
{
	char err[512];
	struct svcdb *db = svcdb_new();

	if (svcdb_load_file(db, src_path("probes/fathom-service-probes"), err,
			    sizeof(err)) < 0 ||
	    svcdb_finalize(db, err, sizeof(err)) < 0) {
		printf("#   load error: %s\n", err);
		svcdb_free(db);
		return NULL;
	}
	return db;
}

int main(void)
{
	struct svcdb *db = load_own();

	test_table();
	CASE("fathom-service-probes loads")
	CHECK(db != NULL);
	test_cases(db);
	test_fold();
	test_pending();
	test_cert();
	svcdb_free(db);
	return DONE();
}
