/* test_invdb.c -- the inventory (-oS, SQLite) and fathom diff, without a network. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/cli/cli.h"
#include "engine/core/hostiter.h"
#include "engine/core/scanreport.h"
#include "engine/diff/diff_int.h"
#include "engine/invdb/invdb.h"
#include "engine/invdb/invdb_int.h"
#include "engine/report/report_xml.h"
#include "engine/sweep/synscan.h"
#include "engine/vscan/vscan.h"
#include "tests/unit/harness.h"

/*
 * The scans are test_reports.c's "svc" and "multi" scenarios, whose -oX
 * is tests/data/reports/{svc,multi}.xml: what the database holds must be
 * what the XML holds, as fathom diff (ndiff's model) reads both.
 */
#define T_START 1795583400

#ifndef HAVE_SQLITE3
/* Without SQLite, -oS FILE must be refused (cli_out.c says so). */
int main(void)
{
	CASE("built without SQLite: -oS FILE is not supported")
	CHECK(!invdb_supported("inv.sqlite"));
	return DONE();
}
#else

static char srcdir[1024];

struct fixture {
	struct scan_opts o;
	struct scan s;
	struct vscan_results vr;
	uint64_t idx;
};

static struct addr ip(const char *s)
{
	struct addr a = { 0 };

	addr_parse(s, &a);
	return a;
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
	free(fx->vr.r);
	hosttab_free(fx->s.tab);
	scan_free(&fx->s);
	cli_free(&fx->o);
}

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

static void fields(struct svc_answer *a, const char *service,
		   const char *product, const char *version, const char *info)
{
	snprintf(a->service, sizeof(a->service), "%s", service);
	snprintf(a->product, sizeof(a->product), "%s", product);
	snprintf(a->version, sizeof(a->version), "%s", version);
	snprintf(a->info, sizeof(a->info), "%s", info);
}

/* test_reports.c's svc: a hostile FTP banner, TLS, CPEs, a print. */
static int scenario_svc(struct fixture *fx)
{
	const char *argv[] = { "fathom", "-n", "-p",
			       "21,22,80,113,443,2222,8080,9999",
			       "198.18.0.10" };
	static const uint8_t mac[6] = { 0x02, 0x66, 0x78, 0, 0, 0x0a };
	const char *a = "198.18.0.10";
	struct addr aa = ip(a);
	struct svc_result *r;

	if (setup(fx, 5, argv) < 0)
		return -1;
	fx->o.db_label = strdup("fathom-service-probes");
	neigh_put(fx->s.neigh, addr_v4(&aa), mac);
	answer(fx, a, 21, PS_OPEN, RS_SYN_ACK, 64, 120, NULL);
	answer(fx, a, 22, PS_OPEN, RS_SYN_ACK, 64, 90, NULL);
	answer(fx, a, 80, PS_CLOSED, RS_RESET, 64, 100, NULL);
	answer(fx, a, 113, PS_FILTERED, RS_ADMIN_PROHIBITED, 63, 0,
	       "198.18.0.1");
	answer(fx, a, 443, PS_OPEN, RS_SYN_ACK, 64, 140, NULL);
	answer(fx, a, 2222, PS_OPEN, RS_SYN_ACK, 64, 95, NULL);
	answer(fx, a, 8080, PS_OPEN, RS_SYN_ACK, 64, 110, NULL);
	r = svc_add(fx, a, 21, VS_MATCHED);
	fields(&r->ans, "ftp", "vsftpd <b>&\"x\"'</b>",
	       "3.0.3\x01\xff\xfe-\xc3\xa9", "evil\n# fake line");
	snprintf(r->ans.hostname, sizeof(r->ans.hostname),
		 "h</service>\x7f\xc2\x85\xef\xbf\xbe\t");
	snprintf(r->ans.ostype, sizeof(r->ans.ostype), "Unix");
	r = svc_add(fx, a, 22, VS_MATCHED);
	fields(&r->ans, "ssh", "OpenSSH", "9.2p1 Debian 2+deb12u3",
	       "Debian Linux; protocol 2.0");
	snprintf(r->ans.ostype, sizeof(r->ans.ostype), "Linux");
	snprintf(r->ans.cpe[0], sizeof(r->ans.cpe[0]),
		 "cpe:/a:openbsd:openssh:9.2p1");
	snprintf(r->ans.cpe[1], sizeof(r->ans.cpe[1]),
		 "cpe:/o:linux:linux_kernel");
	r->ans.ncpe = 2;
	r = svc_add(fx, a, 443, VS_MATCHED);
	r->tunnel = 1;
	fields(&r->ans, "http", "Apache httpd", "2.4.62", "(Debian)");
	svc_add(fx, a, 2222, VS_TCPWRAPPED);
	r = svc_add(fx, a, 8080, VS_NOMATCH);
	r->fp = (char *)"SF-Port8080-TCP:V=0.1.0%r(NULL,6,\"<&\\x01--\")\n"
			"SF:%r(GetRequest,4,\"HTTP\");";
	return 0;
}

/* test_reports.c's multi: -Pn --reason, a named host, extraports. */
static int scenario_multi(struct fixture *fx)
{
	const char *argv[] = { "fathom",   "-Pn",  "--reason",
			       "-p",       "1-40", "198.18.0.10-11",
			       "localhost" };
	static const uint8_t mac[6] = { 0x02, 0x66, 0x78, 0, 0, 0x0a };
	struct addr aa = ip("198.18.0.10");

	if (setup(fx, 7, argv) < 0)
		return -1;
	neigh_put(fx->s.neigh, addr_v4(&aa), mac);
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

/* The scan through -oS as outputs.c drives it; its id, or -1. */
static long long write_db(const char *path, struct fixture *fx)
{
	char err[512];
	struct invdb *db = invdb_open(path, err, sizeof(err));
	struct hostiter *it;
	const struct hostiter_host *h;
	struct run_info ri;
	long long id;

	if (db == NULL) {
		printf("#   %s\n", err);
		return -1;
	}
	scanreport_all(&fx->s);
	runinfo_of(&fx->s, &ri);
	invdb_begin(db, &ri);
	it = hostiter_new(fx->s.tab, fx->s.opt);
	while ((h = hostiter_next(it)) != NULL)
		invdb_host(db, &ri, h);
	hostiter_free(it);
	ri.hosts_up = hostiter_count_up(fx->s.tab, fx->s.opt);
	invdb_end(db, &ri, 0, NULL);
	id = invdb_scan_id(db);
	if (invdb_close(db, err, sizeof(err)) < 0) {
		printf("#   %s\n", err);
		return -1;
	}
	return id;
}

/* diff of DB#id against the scenario's golden XML: 0 = same, as ndiff. */
static int diff_db_xml(const char *db, long long id, const char *name,
		       int expect_same)
{
	struct dscan a = { 0 }, b = { 0 };
	char ref[32], xml[1200], err[600];
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	int cost = -1;

	snprintf(ref, sizeof(ref), "%lld", id);
	snprintf(xml, sizeof(xml), "%s/tests/data/reports/%s.xml", srcdir,
		 name);
	if (diff_load_db(db, ref, &a, err, sizeof(err)) < 0 ||
	    diff_load_xml(xml, &b, err, sizeof(err)) < 0)
		printf("#   %s\n", err);
	else
		cost = diff_print_text(f, &a, &b, 0);
	fclose(f);
	if (cost != 0 && expect_same && out)
		printf("#   %s", out);
	free(out);
	dscan_free(&a);
	dscan_free(&b);
	return cost;
}

struct cell {
	char v[4][256];
	int n;
};

static int one_row(void *arg, int n, const char *const *v)
{
	struct cell *c = arg;

	for (int i = 0; i < n && i < 4; i++)
		snprintf(c->v[i], sizeof(c->v[i]), "%s", v[i] ? v[i] : "NULL");
	c->n++;
	return 0;
}

/* The scans a backend's cases wrote: "@1" and "@2" in q()'s SQL. */
static long long sid[3];

/*
 * One query: the first row's columns, the row count. "@1"/"@2" stand
 * for the first/second scan's id (a PostgreSQL database may hold others).
 */
static int q(const char *path, const char *sqlt, struct cell *c)
{
	const struct inv_backend *be = inv_backend_for(path);
	char err[256], sql[1024];
	size_t n = 0;

	for (const char *p = sqlt; *p && n < sizeof(sql) - 32; p++)
		if (p[0] == '@' && (p[1] == '1' || p[1] == '2'))
			n += (size_t)snprintf(sql + n, sizeof(sql) - n, "%lld",
					      sid[*++p - '0']);
		else
			sql[n++] = *p;
	sql[n] = '\0';
	void *h = be ? be->open(path, err, sizeof(err)) : NULL;
	int rc;

	memset(c, 0, sizeof(*c));
	if (h == NULL)
		return -1;
	rc = be->query(h, sql, NULL, 0, one_row, c, err, sizeof(err));
	if (rc < 0)
		printf("#   %s\n", err);
	be->close(h);
	return rc;
}

static void seqmatch_cases(void)
{
	static char *a[] = { "Linux 4.15", "Linux 5.0", "Linux 5.4" };
	static char *b[] = { "Linux 5.0", "Linux 5.4", "Linux 6.1" };
	struct seq_op op[8];
	size_t n;

	/* Python: [('delete',0,1,0,0), ('equal',1,3,0,2), ('insert',3,3,2,3)] */
	CASE("seqmatch: difflib's opcodes for a shifted OS list")
	{
		n = seqmatch_opcodes(a, 3, b, 3, op, 8);
		CHECK_EQ_U(n, 3);
		CHECK(op[0].tag == 'd' && op[0].i1 == 0 && op[0].i2 == 1);
		CHECK(op[1].tag == 'e' && op[1].i1 == 1 && op[1].i2 == 3 &&
		      op[1].j1 == 0 && op[1].j2 == 2);
		CHECK(op[2].tag == 'i' && op[2].j1 == 2 && op[2].j2 == 3);
	}
	/* Python: [('replace',0,3,0,1)] */
	CASE("seqmatch: nothing in common is one replace")
	{
		n = seqmatch_opcodes(a, 3, b + 2, 1, op, 8);
		CHECK_EQ_U(n, 1);
		CHECK(op[0].tag == 'r' && op[0].i2 == 3 && op[0].j2 == 1);
	}
}

/* "<backend>: <what>", kept until the case is reported. */
static char names[16][160];
static const char *backend_name;

static const char *name(int k, const char *what)
{
	snprintf(names[k], sizeof(names[k]), "%s: %s", backend_name, what);
	return names[k];
}

/* Every case that writes: the same for SQLite and PostgreSQL. */
static void run_backend(const char *bname, const char *path)
{
	const struct inv_backend *be = inv_backend_for(path);
	struct fixture fx;
	struct cell c;
	long long id1 = -1, id2 = -1;
	int k = 0;

	backend_name = bname;
	CASE(name(k++, "the svc scan is written, it gets a scan id"))
	{
		CHECK(scenario_svc(&fx) == 0);
		id1 = sid[1] = write_db(path, &fx);
		/* A new SQLite file numbers from 1. */
		CHECK(strcmp(bname, "sqlite") ? id1 > 0 : id1 == 1);
		teardown(&fx);
	}
	CASE(name(k++, "the database holds what -oX holds (diff cost 0)"))
	{
		CHECK(diff_db_xml(path, id1, "svc", 1) == 0);
	}
	CASE(name(k++, "rows, a hostile banner as the XML carries it"))
	{
		CHECK(q(path,
			"SELECT status, hosts_up, tcp_ports FROM scans "
			"WHERE id = @1",
			&c) == 0);
		CHECK_STR(c.v[0], "success");
		CHECK_STR(c.v[1], "1");
		CHECK_STR(c.v[2], "21-22,80,113,443,2222,8080,9999");
		CHECK(q(path, "SELECT count(*) FROM ports WHERE scan_id = @1",
			&c) == 0);
		CHECK_STR(c.v[0], "8");
		CHECK(q(path,
			"SELECT version, hostname, extrainfo FROM "
			"services WHERE port = 21 AND scan_id = @1",
			&c) == 0);
		CHECK_STR(c.v[0], "3.0.3\\x01\\xff\\xfe-\xc3\xa9");
		CHECK_STR(c.v[1], "h</service>\x7f\xc2\x85\\xef\\xbf\\xbe\t");
		CHECK_STR(c.v[2], "evil\n# fake line");
		CHECK(q(path,
			"SELECT cpe, tunnel FROM services WHERE port = 22 "
			"AND scan_id = @1",
			&c) == 0);
		CHECK_STR(c.v[0], "cpe:/a:openbsd:openssh:9.2p1 "
				  "cpe:/o:linux:linux_kernel");
		CHECK(q(path,
			"SELECT tunnel, reason_ip FROM services s JOIN "
			"ports p USING (scan_id, addr, protocol, port) "
			"WHERE port = 443 AND scan_id = @1",
			&c) == 0);
		CHECK_STR(c.v[0], "ssl");
		CHECK(q(path,
			"SELECT reason_ip, mac FROM ports JOIN hosts "
			"USING (scan_id, addr) WHERE port = 113 AND "
			"scan_id = @1",
			&c) == 0);
		CHECK_STR(c.v[0], "198.18.0.1");
		CHECK_STR(c.v[1], "02:66:78:00:00:0A");
		CHECK(q(path,
			"SELECT fingerprint FROM services WHERE port = "
			"8080 AND scan_id = @1",
			&c) == 0);
		CHECK(strstr(c.v[0], "\nSF:") == NULL);
	}
	CASE(name(k++,
		  "a second scan in the same database; diff tells them apart"))
	{
		CHECK(scenario_multi(&fx) == 0);
		id2 = sid[2] = write_db(path, &fx);
		CHECK(id2 == id1 + 1);
		teardown(&fx);
		CHECK(diff_db_xml(path, id2, "multi", 1) == 0);
		CHECK(diff_db_xml(path, id2, "svc", 0) > 0);
		CHECK(q(path,
			"SELECT name, type FROM hostnames WHERE scan_id = @2",
			&c) == 0);
		CHECK_STR(c.v[0], "localhost");
		CHECK(q(path,
			"SELECT state, count FROM extraports WHERE addr "
			"= '198.18.0.10' AND scan_id = @2",
			&c) == 0);
		CHECK_STR(c.v[0], "closed");
		CHECK_STR(c.v[1], "37");
	}
	CASE(name(k++, "a host whose rows fail is not written at all"))
	{
		char err[256];
		void *h = be->open(path, err, sizeof(err));
		struct inv_batch b = { 0 };
		struct inv_row rows[2];
		char id[32];

		snprintf(id, sizeof(id), "%lld", id1);
		CHECK(h != NULL);
		if (h == NULL)
			break;
		/* A new host, then a port row that repeats a key: the
		 * transaction must take the host back with it. */
		memset(rows, 0, sizeof(rows));
		rows[0].table = INV_HOSTS;
		rows[0].ncols = 18;
		rows[0].v[0] = id;
		rows[0].v[1] = "198.18.0.99";
		rows[0].v[2] = "ipv4";
		rows[0].v[4] = "up";
		rows[0].v[7] = "0";
		rows[0].v[8] = "1";
		rows[0].v[17] = "9";
		rows[1].table = INV_PORTS;
		rows[1].ncols = 8;
		rows[1].v[0] = id;
		rows[1].v[1] = "198.18.0.10"; /* exists: port 22 */
		rows[1].v[2] = "tcp";
		rows[1].v[3] = "22";
		rows[1].v[4] = "open";
		rows[1].v[5] = "syn-ack";
		rows[1].v[6] = "64";
		b.rows = rows;
		b.n = 2;
		CHECK(be->write(h, &b, err, sizeof(err)) < 0 ||
		      be->finish(h, err, sizeof(err)) < 0);
		be->close(h);
		CHECK(q(path,
			"SELECT count(*) FROM hosts WHERE addr = "
			"'198.18.0.99' AND scan_id = @1",
			&c) == 0);
		CHECK_STR(c.v[0], "0");
	}
}

int main(void)
{
	const char *dir = getenv("FATHOM_SRCDIR");
	char datadir[1100], db[] = "/tmp/fathom-test-invdb.XXXXXX";
	char path[64];
	int fd = mkstemp(db);

	snprintf(srcdir, sizeof(srcdir), "%s", dir ? dir : ".");
	snprintf(datadir, sizeof(datadir), "%s/probes", srcdir);
	setenv("FATHOM_DATADIR", datadir, 1);
	setenv("TZ", "UTC", 1);
	tzset();
	if (fd >= 0)
		close(fd);
	unlink(db);
	snprintf(path, sizeof(path), "%s.sqlite", db);

	seqmatch_cases();
	run_backend("sqlite", path);
	if (getenv("FATHOM_TEST_PG")) {
		/* A fresh database: its scans are numbered from 1 too. */
		run_backend("postgresql", getenv("FATHOM_TEST_PG"));
	}
	CASE("diff: the XML golden files against each other, both ways")
	{
		char xa[1200], xb[1200], err[600];
		struct dscan a = { 0 }, b = { 0 };
		FILE *f = fopen("/dev/null", "w");

		snprintf(xa, sizeof(xa), "%s/tests/data/reports/svc.xml",
			 srcdir);
		snprintf(xb, sizeof(xb), "%s/tests/data/reports/multi.xml",
			 srcdir);
		CHECK(diff_load_xml(xa, &a, err, sizeof(err)) == 0);
		CHECK(diff_load_xml(xb, &b, err, sizeof(err)) == 0);
		/* ndiff's cost for this pair (ndiff.py, counted by hand:
		 * 17 for .10 as above, 3 for localhost, 3 for .11). */
		CHECK(f && diff_print_text(f, &a, &b, 0) > 0);
		dscan_free(&a);
		dscan_free(&b);
		if (f)
			fclose(f);
	}
	CASE("diff: bad XML is one error naming the file")
	{
		char err[600];
		struct dscan a = { 0 };
		FILE *f = fopen(db, "w");

		if (f) {
			fputs("<nmaprun><host><status state=\"up\"", f);
			fclose(f);
		}
		CHECK(diff_load_xml(db, &a, err, sizeof(err)) < 0);
		CHECK(strstr(err, db) != NULL);
		dscan_free(&a);
		unlink(db);
	}
	CASE("diff: a scan id that is not in the database is refused")
	{
		char err[600];
		struct dscan a = { 0 };

		CHECK(diff_load_db(path, "77", &a, err, sizeof(err)) < 0);
		CHECK(strstr(err, "no scan 77") != NULL);
		dscan_free(&a);
		CHECK(diff_load_db(path, "last~1", &a, err, sizeof(err)) == 0);
		CHECK(a.nhosts == 1);
		dscan_free(&a);
	}
	{
		char p2[128];

		unlink(path);
		snprintf(p2, sizeof(p2), "%s-wal", path);
		unlink(p2);
		snprintf(p2, sizeof(p2), "%s-shm", path);
		unlink(p2);
	}
	return DONE();
}
#endif /* HAVE_SQLITE3 */
