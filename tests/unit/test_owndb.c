/*
 * test_owndb.c -- fathom's own probe database against real answers.
 *
 * Loads probes/fathom-service-probes (under $FATHOM_SRCDIR, default ".")
 * and runs every line of tests/data/banners/expected.txt through
 * svcmatch_run(): the bytes the lab's daemons sent (svc-*.bin, svc2-*.bin,
 * svc3-*.bin, captured by tools/capture-banners) and synthetic fixtures (syn-*.bin, written by
 * tests/data/banners/make-synthetic.py) must give the expected service,
 * product, version and extrainfo. A broken or reordered signature fails.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/servicedb.h"
#include "probes/svcmatch.h"
#include "tests/unit/harness.h"

static char err[1024];

static const char *src_path(const char *rel)
{
	static char buf[4096];
	const char *dir = getenv("FATHOM_SRCDIR");

	snprintf(buf, sizeof(buf), "%s/%s", dir && *dir ? dir : ".", rel);
	return buf;
}

/* Reads a whole file; NULL if it cannot. *len gets its size. */
static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (f == NULL)
		return NULL;
	do {
		if (n == cap) {
			uint8_t *nb;

			cap = cap ? cap * 2 : 4096;
			nb = realloc(buf, cap + 1);
			if (nb == NULL) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
	} while (r > 0);
	fclose(f);
	if (buf == NULL) /* empty file */
		buf = calloc(1, 1);
	else
		buf[n] = '\0';
	*len = n;
	return buf;
}

static struct svcdb *load_own(void)
{
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

static const struct svc_probe *tcp_probe(const struct svcdb *db,
					 const char *name)
{
	const struct svc_probe *p = svcdb_find(db, IPPROTO_TCP, name);

	/* A fathom-script probe may be UDP (MumblePing). */
	return p ? p : svcdb_find(db, IPPROTO_UDP, name);
}

static unsigned be16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static unsigned long be32(const uint8_t *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 |
	       (unsigned long)p[2] << 8 | p[3];
}

static void test_load(const struct svcdb *db)
{
	static const char *const names[] = {
		"NULL",
		"GenericLines",
		"GetRequest",
		"HTTPOptions",
		"TLSClientHello",
		"RPCCheck",
		"DNSVersionBindReqTCP",
		"Finger",
		"RedisInfo",
		"MemcachedVersion",
		"PgStartup",
		"AMQPHeader",
		"LDAPBindAnon",
		"SMBNegotiate",
		"RDPNegReq",
		"MongoDBIsMaster",
	};
	const struct svc_probe *p;
	size_t i;

	CASE("fathom-service-probes loads with no error")
	{
		CHECK(db != NULL);
		if (db == NULL)
			continue;
		CHECK(svcdb_null_probe(db) != NULL);
		CHECK_EQ_U(svcdb_nprobes(db), 53);
		CHECK(svcdb_nmatches(db) >= 100);
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			if (tcp_probe(db, names[i]) == NULL)
				printf("#   no probe %s\n", names[i]);
			CHECK(tcp_probe(db, names[i]) != NULL);
		}
		p = svcdb_null_probe(db);
		CHECK_EQ_U(p->totalwaitms, 5000);
		CHECK_EQ_U(p->tcpwrappedms, 3000);
		for (i = 0; i < svcdb_nprobes(db); i++) {
			p = svcdb_probe(db, i);
			CHECK(p->rarity >= 1 && p->rarity <= 9);
			/* Every probe is sent first on some port. */
			CHECK(p->ports.n > 0);
		}
		/* rlogind and rshd answer reserved source ports only. */
		p = tcp_probe(db, "RloginHello");
		CHECK(p && p->sport_lo == 512 && p->sport_hi == 1023 &&
		      svc_probe_port_listed(p, 513, 0));
		p = tcp_probe(db, "RshHello");
		CHECK(p && p->sport_lo == 512 && p->sport_hi == 1023 &&
		      svc_probe_port_listed(p, 514, 0));
		p = tcp_probe(db, "GetRequest");
		CHECK(p && svc_probe_port_listed(p, 80, 0));
		CHECK(p && svc_probe_port_listed(p, 8080, 0));
		CHECK(p && svc_probe_port_listed(p, 443, 1));
		CHECK(p && !svc_probe_port_listed(p, 443, 0));
		p = tcp_probe(db, "TLSClientHello");
		CHECK(p && svc_probe_port_listed(p, 443, 0));
		CHECK(p && svc_probe_port_listed(p, 993, 0));
		CHECK(p && svc_probe_port_listed(p, 995, 0));
		CHECK(p && p->rarity == 1);
		p = tcp_probe(db, "RedisInfo");
		CHECK(p && svc_probe_port_listed(p, 6379, 0));
		p = tcp_probe(db, "MemcachedVersion");
		CHECK(p && svc_probe_port_listed(p, 11211, 0));
		p = tcp_probe(db, "Finger");
		CHECK(p && svc_probe_port_listed(p, 79, 0));
		/* GenericLines answers from fingerd are tried on Finger's lines. */
		p = tcp_probe(db, "GenericLines");
		CHECK(p && p->nchain == 4 &&
		      p->chain[2] == tcp_probe(db, "Finger"));
	}
}

/* The probe strings are well-formed messages of their protocols. */
static void test_payloads(const struct svcdb *db)
{
	const struct svc_probe *p;
	const uint8_t *b;
	size_t n;

	CASE("probe payloads are well-formed")
	{
		if (db == NULL) {
			CHECK(db != NULL);
			continue;
		}
		/* TLS record > Handshake ClientHello, TLS 1.2 hello version,
		 * supported_versions offering 1.3, an x25519 key share. */
		p = tcp_probe(db, "TLSClientHello");
		CHECK(p != NULL);
		if (p) {
			b = p->payload;
			n = p->payload_len;
			CHECK(n > 9 && b[0] == 0x16 && b[1] == 3 && b[2] <= 3);
			CHECK_EQ_U(be16(b + 3), n - 5);
			CHECK_EQ_U(b[5], 1);
			CHECK_EQ_U(((unsigned long)b[6] << 16) | be16(b + 7),
				   n - 9);
			CHECK(b[9] == 3 && b[10] == 3);
			CHECK(memmem(b, n, "\x00\x2b\x00\x09\x08\x03\x04", 7));
			CHECK(memmem(b, n,
				     "\x00\x33\x00\x26\x00\x24\x00\x1d"
				     "\x00\x20",
				     10));
			CHECK(memmem(b, n, "\x13\x01", 2));
		}
		/* ONC RPC record mark (last fragment) and CALL to 100000. */
		p = tcp_probe(db, "RPCCheck");
		CHECK(p && p->payload_len == 44);
		if (p && p->payload_len == 44) {
			b = p->payload;
			CHECK_EQ_U(be32(b), 0x80000000UL | 40);
			CHECK_EQ_U(be32(b + 8), 0);       /* CALL */
			CHECK_EQ_U(be32(b + 12), 2);      /* RPC v2 */
			CHECK_EQ_U(be32(b + 16), 100000); /* portmapper */
			CHECK_EQ_U(be32(b + 24), 0);      /* NULL proc */
		}
		p = tcp_probe(db, "DNSVersionBindReqTCP");
		CHECK(p && p->payload_len > 2 &&
		      be16(p->payload) == p->payload_len - 2);
		p = tcp_probe(db, "SMBNegotiate");
		CHECK(p && p->payload_len > 8 && p->payload[0] == 0 &&
		      be16(p->payload + 2) == p->payload_len - 4 &&
		      memcmp(p->payload + 4, "\xffSMB\x72", 5) == 0);
		p = tcp_probe(db, "RDPNegReq");
		CHECK(p && p->payload_len > 4 && p->payload[0] == 3 &&
		      be16(p->payload + 2) == p->payload_len);
		p = tcp_probe(db, "PgStartup");
		CHECK(p && p->payload_len > 8 &&
		      be32(p->payload) == p->payload_len &&
		      be32(p->payload + 4) == 0x30000);
		p = tcp_probe(db, "MongoDBIsMaster");
		CHECK(p && p->payload_len > 16 &&
		      p->payload[0] == p->payload_len && p->payload[1] == 0 &&
		      p->payload[12] == 0xd4 && p->payload[13] == 0x07);
		p = tcp_probe(db, "LDAPBindAnon");
		CHECK(p && p->payload_len > 2 && p->payload[0] == 0x30 &&
		      p->payload[1] == p->payload_len - 2);
		/* iSCSI: immediate Login Request, a 48-byte BHS, the data
		 * segment's length in bytes 5-7, padded to 4 (RFC 7143). */
		p = tcp_probe(db, "ISCSILogin");
		CHECK(p && p->payload_len > 48 && p->payload[0] == 0x43 &&
		      (p->payload[1] & 0x80) &&
		      48 + ((be32(p->payload + 4) & 0xffffff) + 3) / 4 * 4 ==
			      p->payload_len);
		/* xrdp SCP v0: version 0, then the whole message's length. */
		p = tcp_probe(db, "SesmanGatewayAuth");
		CHECK(p && p->payload_len >= 10 && be32(p->payload) == 0 &&
		      be32(p->payload + 4) == p->payload_len);
	}
}

/*
 * nmap's own file on top of fathom's (--service-db): a probe both files
 * define must have the same string, or the second load fails.
 */
static void test_with_nmap(void)
{
	const char *nmap = getenv("FATHOM_NMAP_PROBES");
	struct svcdb *db;
	FILE *f;

	if (nmap == NULL)
		nmap = "/usr/share/nmap/nmap-service-probes";
	CASE("nmap-service-probes loads on top of it")
	{
		f = fopen(nmap, "r");
		if (f == NULL) {
			printf("#   skipped: no %s\n", nmap);
			continue;
		}
		fclose(f);
		db = svcdb_new();
		CHECK(svcdb_load_file(db,
				      src_path("probes/fathom-service-"
					       "probes"),
				      err, sizeof(err)) == 0);
		if (svcdb_load_file(db, nmap, err, sizeof(err)) < 0 ||
		    svcdb_finalize(db, err, sizeof(err)) < 0) {
			printf("#   %s\n", err);
			CHECK(!"nmap's file loads after ours");
		}
		svcdb_free(db);
	}
}

/* Splits "a|b|c|d" in place into 4 fields; 0 on success. */
static int split4(char *s, char *f[4])
{
	int i;

	for (i = 0; i < 4; i++) {
		f[i] = s;
		s = strchr(s, '|');
		if (i < 3) {
			if (s == NULL)
				return -1;
			*s++ = '\0';
		} else if (s != NULL) {
			return -1;
		}
	}
	return 0;
}

static void check_line(const struct svcdb *db, const char *dir, int lineno,
		       char *line)
{
	char *file, *pname, *want, *f[4], path[8192], name[600];
	const struct svc_probe *p;
	struct svc_answer a;
	const char *svc;
	uint8_t *data;
	size_t len = 0;
	int kind;

	file = strtok(line, " \t");
	pname = strtok(NULL, " \t");
	want = strtok(NULL, "");
	while (want && (*want == ' ' || *want == '\t'))
		want++;
	snprintf(name, sizeof(name), "%s %s", file ? file : "?",
		 pname ? pname : "?");
	CASE(name)
	{
		if (file == NULL || pname == NULL || want == NULL ||
		    split4(want, f) < 0) {
			printf("#   expected.txt:%d: bad line\n", lineno);
			CHECK(!"well-formed expected.txt line");
			continue;
		}
		p = tcp_probe(db, pname);
		if (p == NULL) {
			printf("#   expected.txt:%d: no probe %s\n", lineno,
			       pname);
			CHECK(p != NULL);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, file);
		data = slurp(path, &len);
		if (data == NULL) {
			printf("#   cannot read %s\n", path);
			CHECK(data != NULL);
			continue;
		}
		svc = f[0];
		kind = SVC_HARD;
		if (strcmp(svc, "-") == 0) {
			kind = SVC_NONE;
			svc = "";
		} else if (svc[0] == '~') {
			kind = SVC_SOFT;
			svc++;
		}
		svcmatch_run(db, p, data, len, NULL, &a);
		if (a.kind != kind || strcmp(a.service, svc) != 0)
			printf("#   expected.txt:%d: got %s %s (%s:%d)\n",
			       lineno,
			       a.kind == SVC_HARD   ? "match"
			       : a.kind == SVC_SOFT ? "softmatch"
						    : "nothing",
			       a.service, a.file ? a.file : "-", a.line);
		CHECK_EQ_U(a.kind, kind);
		CHECK_STR(a.service, svc);
		CHECK_STR(a.product, f[1]);
		CHECK_STR(a.version, f[2]);
		CHECK_STR(a.info, f[3]);
		free(data);
	}
}

static void test_expected(const struct svcdb *db)
{
	char dir[4096], path[4200], line[2048];
	int lineno = 0, n = 0;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s", src_path("tests/data/banners"));
	snprintf(path, sizeof(path), "%s/expected.txt", dir);
	f = fopen(path, "r");
	CASE("expected.txt is there")
	{
		CHECK(f != NULL);
		CHECK(db != NULL);
	}
	if (f == NULL || db == NULL) {
		if (f)
			fclose(f);
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		size_t l = strlen(line);

		lineno++;
		while (l > 0 && (line[l - 1] == '\n' || line[l - 1] == '\r'))
			line[--l] = '\0';
		if (line[0] == '#' || strspn(line, " \t") == l)
			continue;
		check_line(db, dir, lineno, line);
		n++;
	}
	fclose(f);
	CASE("expected.txt covers captured and synthetic fixtures")
	{
		CHECK(n >= 60);
	}
}

/* The TLS-wrapped ports: the engine's re-probe sees the same services. */
static void test_ssl_flow(const struct svcdb *db)
{
	static const char hello[] = "\x16\x03\x03\x00\x5a\x02\x00\x00\x56"
				    "\x03\x03";
	struct svc_answer a;
	const struct svc_probe *p;

	CASE("a ServerHello is a hard ssl match, nothing else is")
	{
		if (db == NULL ||
		    (p = tcp_probe(db, "TLSClientHello")) == NULL) {
			CHECK(!"db and TLSClientHello");
			continue;
		}
		CHECK_EQ_U(svcmatch_run(db, p, (const uint8_t *)hello,
					sizeof(hello) - 1, NULL, &a),
			   SVC_HARD);
		CHECK_STR(a.service, "ssl");
		CHECK_EQ_U(a.ssl, 0);
		/* A handshake record that is not a ServerHello, or a TLS-ish
		 * prefix with a bad version, is not enough. */
		CHECK_EQ_U(svcmatch_run(db, p,
					(const uint8_t *)"\x16\x03\x03\x00\x05"
							 "\x0b",
					6, NULL, &a),
			   SVC_NONE);
		CHECK_EQ_U(svcmatch_run(db, p,
					(const uint8_t *)"\x16\x05\x03\x00\x5a"
							 "\x02",
					6, NULL, &a),
			   SVC_NONE);
	}
}

static void test_cpe(const struct svcdb *db)
{
	static const char ssh[] = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10\r\n";
	struct svc_answer a;

	CASE("templates: OS, hostname and CPEs of lab answers")
	{
		if (db == NULL) {
			CHECK(db != NULL);
			continue;
		}
		svcmatch_run(db, svcdb_null_probe(db), (const uint8_t *)ssh,
			     sizeof(ssh) - 1, NULL, &a);
		CHECK_STR(a.ostype, "Linux");
		CHECK_EQ_U(a.ncpe, 2);
		CHECK_STR(a.cpe[0], "cpe:/a:openbsd:openssh:9.2p1");
		CHECK_STR(a.cpe[1], "cpe:/o:linux:linux_kernel");
		svcmatch_run(
			db, svcdb_null_probe(db),
			(const uint8_t *)"220 svc.fathom.test ESMTP Postfix "
					 "(Debian/GNU)\r\n",
			48, NULL, &a);
		CHECK_STR(a.service, "smtp");
		CHECK_STR(a.hostname, "svc.fathom.test");
		CHECK_STR(a.cpe[0], "cpe:/a:postfix:postfix");
		svcmatch_run(
			db, tcp_probe(db, "GetRequest"),
			(const uint8_t *)"HTTP/1.1 200 OK\r\nServer: Apache/"
					 "2.4.71 (Debian)\r\n\r\n",
			50, NULL, &a);
		CHECK_STR(a.info, "(Debian)");
		CHECK_STR(a.cpe[0], "cpe:/a:apache:http_server:2.4.71");
		svcmatch_run(db, tcp_probe(db, "MemcachedVersion"),
			     (const uint8_t *)"VERSION 1.6.18\r\n", 16, NULL,
			     &a);
		CHECK_STR(a.cpe[0], "cpe:/a:memcached:memcached:1.6.18");
	}
}

/* The requests for the generic recognisers (probes/recog.h). */
static void test_recog_probes(const struct svcdb *db)
{
	const struct svc_probe *p;
	const uint8_t *b;

	CASE("recogniser probes: well-formed, no match lines, rarity 8")
	{
		/* SIPOptionsTCP also has its own two lines (kamailio, a sip
		 * softmatch: banners/expected.txt); checked below. */
		static const char *const names[] = {
			"LDAPRootDSE", "X11Setup",       "RTSPOptions",
			"MQTTConnect", "Socks5Greeting", "Socks4Connect",
			"XMPPStream",
		};

		if (db == NULL) {
			CHECK(db != NULL);
			continue;
		}
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			p = tcp_probe(db, names[i]);
			CHECK(p != NULL);
			if (p == NULL)
				continue;
			CHECK_EQ_U(p->nmatches, 0);
			CHECK_EQ_U(p->rarity, 8);
		}
		p = tcp_probe(db, "SIPOptionsTCP");
		CHECK(p && p->nmatches == 2 && p->rarity == 8);
		/* LDAPMessage SEQUENCE, messageID 7, SearchRequest, base "",
		 * each length exact; the attributes at the end. */
		p = tcp_probe(db, "LDAPRootDSE");
		CHECK(p && p->payload_len == 79);
		if (p && p->payload_len == 79) {
			b = p->payload;
			CHECK(b[0] == 0x30 && b[1] == 79 - 2);
			CHECK(b[2] == 2 && b[3] == 1 && b[4] == 7);
			CHECK(b[5] == 0x63 && b[6] == 79 - 7);
			CHECK(b[7] == 4 && b[8] == 0);
			CHECK(memmem(b, 79, "\x87\x0bobjectClass", 13));
			CHECK(memmem(b, 79,
				     "\x04\x0b"
				     "dnsHostName",
				     13) == b + 79 - 13);
		}
		p = tcp_probe(db, "X11Setup");
		CHECK(p && p->payload_len == 12 && p->payload[0] == 'l' &&
		      p->payload[2] == 11 && p->payload[3] == 0);
		/* MQTT: remaining length covers the rest exactly. */
		p = tcp_probe(db, "MQTTConnect");
		CHECK(p && p->payload_len == 20 && p->payload[0] == 0x10 &&
		      p->payload[1] == 18 && p->payload[18] == 'o');
		p = tcp_probe(db, "Socks5Greeting");
		CHECK(p && p->payload_len == 4 &&
		      memcmp(p->payload, "\x05\x02\x00\x02", 4) == 0);
		p = tcp_probe(db, "Socks4Connect");
		CHECK(p && p->payload_len == 15 && p->payload[0] == 4 &&
		      be32(p->payload + 4) == 0 && p->payload[14] == 0);
		p = tcp_probe(db, "SIPOptionsTCP");
		CHECK(p && memmem(p->payload, p->payload_len,
				  "Content-Length: 0\r\n\r\n",
				  21) == p->payload + p->payload_len - 21);
		p = tcp_probe(db, "IRCRegister");
		/* No QUIT: a server that looks the client up first would read
		 * it before registering and never send its welcome. */
		CHECK(p && p->payload_len > 6 &&
		      memcmp(p->payload, "NICK ", 5) == 0 &&
		      memcmp(p->payload + p->payload_len - 2, "\r\n", 2) == 0 &&
		      memmem(p->payload, p->payload_len, "QUIT", 4) == NULL);
		p = tcp_probe(db, "RTSPOptions");
		CHECK(p && memcmp(p->payload + p->payload_len - 4, "\r\n\r\n",
				  4) == 0);
	}
}

int main(void)
{
	struct svcdb *db = load_own();

	test_load(db);
	test_payloads(db);
	test_with_nmap();
	test_expected(db);
	test_ssl_flow(db);
	test_cpe(db);
	test_recog_probes(db);
	svcdb_free(db);
	return DONE();
}
