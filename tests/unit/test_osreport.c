/* test_osreport.c -- golden text for fingerprints/osreport.c: hand-made DBs and nmap 7.93's own lab output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fingerprints/osreport.h"
#include "tests/unit/harness.h"

static char err[1024];
static char out[16384];

static const char *src_path(const char *rel)
{
	static char buf[4][1024];
	static int i;
	const char *dir = getenv("FATHOM_SRCDIR");

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir ? dir : ".", rel);
	return buf[i];
}

static char *slurp(const char *rel)
{
	FILE *f = fopen(src_path(rel), "rb");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n)
		buf[0] = '\0';
	fclose(f);
	return buf;
}

static struct osdb *load_db(const char *rel)
{
	struct osdb *db = osdb_new();

	if (osdb_load_file(db, src_path(rel), err, sizeof(err)) < 0)
		printf("# %s\n", err);
	return db;
}

/*
 * An os_result for fp_text matched against db, with a submission made as
 * osprobe makes it (fixed time and ports so the text is stable).
 */
static void make_result(struct os_result *r, const struct osdb *db,
			const char *fp_text, int good, int closed_port)
{
	struct osfp_scaninfo si = {
		.version = "0.9",
		.when = 0x6B06B09A,
		.open_port = 22,
		.closed_port = closed_port,
		.closed_udp = 40000,
		.private_addr = 1,
		.distance = 1,
		.dist_method = 'D',
		.good = good,
		.mac_oui = "026678",
		.platform = "x86_64-pc-linux-gnu",
	};
	size_t n;

	memset(r, 0, sizeof(*r));
	r->done = 1;
	r->have_fp = 1;
	r->good_conditions = good;
	r->distance = -1;
	r->seq_index = -1;
	if (osfp_parse(&r->fp, fp_text, strlen(fp_text), err, sizeof(err)))
		printf("# %s\n", err);
	n = osfp_format_submission(&r->fp, &si, NULL, 0);
	r->submission = malloc(n + 1);
	osfp_format_submission(&r->fp, &si, r->submission, n + 1);
	osdb_match(db, &r->fp, &r->matches);
}

static const char *normal(const struct os_result *r, int guess, int verbose,
			  int debug, const char *reason)
{
	struct osreport_opts o = { guess, verbose, debug, reason };
	size_t need = osreport_normal(r, &o, out, sizeof(out));

	if (need != strlen(out))
		printf("# length %zu != %zu\n", need, strlen(out));
	return out;
}

static int starts(const char *s, const char *prefix)
{
	if (strncmp(s, prefix, strlen(prefix)) == 0)
		return 1;
	printf("#   \"%.80s\" does not start with \"%s\"\n", s, prefix);
	return 0;
}

/* nmap's text between two markers of its output (start included). */
static char *between(const char *all, const char *from, const char *to)
{
	const char *a = strstr(all, from), *b = a ? strstr(a, to) : NULL;
	char *s;

	if (b == NULL)
		return strdup("(markers not found)");
	s = calloc(1, (size_t)(b - a) + 2); /* room for a "\n" */
	memcpy(s, a, (size_t)(b - a));
	return s;
}

/* n entries each perfect for SEQ(TI=Z), with classes of their own. */
static struct osdb *generated(int n)
{
	static char buf[16384];
	size_t off = 0;
	struct osdb *db = osdb_new();

	for (int i = 0; i < n; i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off,
					"Fingerprint Gen %d\nClass Gen | GenOS "
					"| %d | router\nCPE cpe:/o:gen:genos:%d"
					"\nSEQ(TI=Z)\n\n",
					i, i, i);
	if (osdb_load_buf(db, "gen", buf, off, err, sizeof(err)) < 0)
		printf("# %s\n", err);
	return db;
}

int main(void)
{
	struct os_result r;
	struct osdb *db;
	char *want, *subject;

	setenv("TZ", "UTC", 1);
	tzset();

	db = load_db("tests/data/osmatch/small.osdb");
	subject = slurp("tests/data/osreport/subject-guess.fp");

	CASE("guessing: Device type, Running (JUST GUESSING), CPE, guesses")
	{
		make_result(&r, db, subject, 1, 1);
		want = slurp("tests/data/osreport/guess.txt");
		CHECK_STR(normal(&r, 1, 0, 0, NULL), want);
		free(want);
		CHECK_EQ_U(osreport_xml_nmatches(
				   &r,
				   &(struct osreport_opts){ 1, 0, 0, NULL }),
			   4);
	}

	CASE("no --osscan-guess: only the no-exact-match text and print")
	{
		want = slurp("tests/data/osreport/guess.txt");
		CHECK_STR(normal(&r, 0, 0, 0, NULL),
			  strstr(want, "No exact OS matches"));
		/* the XML still lists the guesses within 10 points */
		struct osreport_opts o = { 0, 0, 0, NULL };
		size_t need = 0;

		CHECK_EQ_U(osreport_xml_nmatches(&r, &o), 4);
		CHECK(osreport_fingerprint(&r, &o, out, sizeof(out), &need));
		CHECK_STR(out, r.submission);
		CHECK_EQ_U(need, strlen(r.submission));
		free(want);
		free(r.submission);
	}

	CASE("non-ideal conditions guess anyway; -vv shows why and the print")
	{
		make_result(&r, db, subject, 0, -1);
		r.unreliable = 1;
		want = slurp("tests/data/osreport/nonideal-v2.txt");
		CHECK_STR(normal(&r, 0, 2, 0,
				 "Missing a closed TCP port so "
				 "results incomplete"),
			  want);
		/* without -v: no reason line, no fingerprint */
		normal(&r, 0, 0, 0,
		       "Missing a closed TCP port so results "
		       "incomplete");
		CHECK(strstr(out, "not ideal because") == NULL);
		CHECK(strstr(out, "TCP/IP fingerprint") == NULL);
		CHECK(strstr(out, "(test conditions non-ideal).\n") != NULL);
		struct osreport_opts o = { 0, 0, 0, NULL };

		CHECK(!osreport_fingerprint(&r, &o, NULL, 0, NULL));
		o.verbose = 2;
		CHECK(osreport_fingerprint(&r, &o, out, sizeof(out), NULL));
		CHECK(strncmp(out, "SCAN(V=0.9%", 11) == 0);
		free(want);
		free(r.submission);
	}

	CASE("perfect matches: OS details, Running without percentages")
	{
		char *fp = slurp("tests/data/osmatch/subject.fp");

		make_result(&r, db, fp, 1, 1);
		want = slurp("tests/data/osreport/perfect.txt");
		CHECK_STR(normal(&r, 0, 0, 0, NULL), want);
		/* with --osscan-guess nothing changes when some are perfect */
		CHECK_STR(normal(&r, 1, 0, 0, NULL), want);
		/* -d adds the fingerprint after OS details */
		normal(&r, 0, 0, 1, NULL);
		CHECK(strncmp(out, want, strlen(want)) == 0);
		CHECK(starts(out + strlen(want),
			     "TCP/IP fingerprint:\nOS:SCAN"));
		CHECK_EQ_U(osreport_xml_nmatches(
				   &r,
				   &(struct osreport_opts){ 0, 0, 0, NULL }),
			   2);
		free(want);
		free(fp);
		free(r.submission);
	}

	CASE("classification for the XML writer: distinct classes, accuracy")
	{
		struct osreport_classes cl;

		make_result(&r, db, subject, 1, 1);
		osreport_classify(&r.matches, &cl);
		CHECK_EQ_U(cl.n, 4);
		CHECK_EQ_U(cl.nperfect, 0);
		CHECK(!cl.toomany);
		CHECK_STR(cl.v[0].c->family, "EtaOS");
		CHECK(cl.v[0].accuracy == 530.0 / 550);
		CHECK_STR(cl.v[1].c->gen, "2.X");
		CHECK_STR(cl.v[1].c->cpe[0], "cpe:/o:beta:betaos:2");
		CHECK_STR(cl.v[3].c->vendor, "Alpha");
		CHECK(cl.v[3].accuracy == 420.0 / 450);
		free(r.submission);

		/* perfect ones first; lesser matches then add nothing */
		char *fp = slurp("tests/data/osmatch/subject.fp");

		make_result(&r, db, fp, 1, 1);
		osreport_classify(&r.matches, &cl);
		CHECK_EQ_U(r.matches.n, 5);
		CHECK_EQ_U(cl.n, 2);
		CHECK_EQ_U(cl.nperfect, 2);
		CHECK_STR(cl.v[1].c->devtype, "switch");
		free(fp);
		free(r.submission);
	}

	CASE("no match at all, good and non-ideal conditions")
	{
		make_result(&r, db, "WIN(W1=FFFF)\n", 1, 1);
		normal(&r, 1, 0, 0, NULL);
		CHECK(starts(out, "No OS matches for host (If you know what OS "
				  "is running on it, see "
				  "https://nmap.org/submit/ ).\n"
				  "TCP/IP fingerprint:\nOS:SCAN("));
		free(r.submission);
		make_result(&r, db, "WIN(W1=FFFF)\n", 0, -1);
		CHECK_STR(
			normal(&r, 1, 0, 0,
			       "Didn't receive UDP response. "
			       "Please try again with -sSU"),
			"OS fingerprint not ideal because: Didn't receive UDP "
			"response. Please try again with -sSU\n"
			"No OS matches for host\n");
		CHECK_EQ_U(osreport_xml_nmatches(
				   &r,
				   &(struct osreport_opts){ 1, 0, 0, NULL }),
			   0);
		free(r.submission);
	}
	osdb_free(db);

	CASE("families: vendor = family once, generations joined, CPEs")
	{
		db = load_db("tests/data/osreport/families.osdb");
		make_result(&r, db, "SEQ(TI=Z)\n", 1, 1);
		want = slurp("tests/data/osreport/families.txt");
		CHECK_STR(normal(&r, 0, 0, 0, NULL), want);
		free(want);
		free(r.submission);
		osdb_free(db);
	}

	CASE("8 perfect: listed; 9: too many, unless -d")
	{
		db = generated(8);
		make_result(&r, db, "SEQ(TI=Z)\n", 1, 1);
		normal(&r, 0, 0, 0, NULL);
		CHECK(starts(out,
			     "Device type: router\nRunning: Gen GenOS "
			     "0|1|2|3|4|5|6|7\nOS CPE: cpe:/o:gen:genos:0 "));
		CHECK(strstr(out, "\nOS details: Gen 0, Gen 1, Gen 2, Gen 3, "
				  "Gen 4, Gen 5, Gen 6, Gen 7\n") != NULL);
		free(r.submission);
		osdb_free(db);

		db = generated(9);
		make_result(&r, db, "SEQ(TI=Z)\n", 1, 1);
		r.unreliable = 1; /* nmap keeps quiet about it here */
		/* 9 CPEs overflow nmap's 8 slots: no Device type lines */
		CHECK_STR(normal(&r, 0, 0, 0, NULL),
			  "Too many fingerprints match this host to give "
			  "specific OS details\n");
		CHECK_EQ_U(osreport_xml_nmatches(
				   &r,
				   &(struct osreport_opts){ 0, 0, 0, NULL }),
			   0);
		normal(&r, 0, 0, 1, NULL);
		CHECK(starts(out, "Warning: OSScan results may be unreliable"));
		CHECK(strstr(out, "Device type") == NULL);
		CHECK(strstr(out, ", Gen 8\nTCP/IP fingerprint:\nOS:SCAN") !=
		      NULL);
		CHECK_EQ_U(osreport_xml_nmatches(
				   &r,
				   &(struct osreport_opts){ 0, 0, 1, NULL }),
			   9);
		free(r.submission);
		osdb_free(db);
	}

	CASE("36 perfect and more: too many, even with -d")
	{
		db = generated(40);
		make_result(&r, db, "SEQ(TI=Z)\n", 1, 1);
		CHECK(starts(
			normal(&r, 0, 0, 1, NULL),
			"Too many fingerprints match this host to give "
			"specific OS details\nTCP/IP fingerprint:\nSCAN(V="));
		free(r.submission);
		osdb_free(db);
	}

	CASE("not done: nothing")
	{
		memset(&r, 0, sizeof(r));
		CHECK_STR(normal(&r, 1, 2, 2, NULL), "");
	}

	CASE("nmap 7.93 on the lab host, -d and --osscan-guess -d, verbatim")
	{
		char *d = slurp("tests/data/os/nmap793-lab-linux6-d.txt");
		char *g = slurp("tests/data/os/nmap793-lab-linux6-guess.txt");
		FILE *probe = fopen("/usr/share/nmap/nmap-os-db", "r");

		if (probe == NULL) {
			printf("# SKIP /usr/share/nmap/nmap-os-db missing\n");
		} else {
			fclose(probe);
			db = osdb_new();
			CHECK(osdb_load_file(db, "/usr/share/nmap/nmap-os-db",
					     err, sizeof(err)) == 0);
			for (int k = 0; k < 2; k++) {
				char *all = k ? g : d;
				char *sub = between(all, "OS:SCAN", "\n\n");
				char *nm = between(
					all, k ? "Aggressive" : "No exact",
					"Uptime guess");

				memset(&r, 0, sizeof(r));
				r.done = r.have_fp = r.good_conditions = 1;
				strcat(sub, "\n");
				r.submission = sub;
				CHECK(osfp_parse(&r.fp, sub, strlen(sub), err,
						 sizeof(err)) == 0);
				osdb_match(db, &r.fp, &r.matches);
				CHECK_STR(normal(&r, k, 0, 1, NULL), nm);
				free(sub);
				free(nm);
			}
			/* the lines after the block, from the -d run */
			struct tm boot = { .tm_year = 126,
					   .tm_mon = 10,
					   .tm_mday = 25,
					   .tm_hour = 9,
					   .tm_min = 55,
					   .tm_sec = 36 };

			r.lastboot = timegm(&boot);
			r.distance = 1;
			r.nisn = 6;
			r.seq_index = 256;
			r.seq_difficulty = "Good luck!";
			r.nipid = 6;
			r.ipid_class = "All zeros";
			osreport_after(&r,
				       &(struct osreport_opts){ 0, 0, 1, NULL },
				       r.lastboot + 3, out, sizeof(out));
			want = between(d, "Uptime guess", "Final times");
			CHECK_STR(out, want);
			free(want);
			/* without -v only the distance is printed */
			osreport_after(&r, &(struct osreport_opts){ 0 },
				       r.lastboot, out, sizeof(out));
			CHECK_STR(out, "Network Distance: 1 hop\n");
			osdb_free(db);
		}
		free(d);
		free(g);
	}
	free(subject);
	return DONE();
}
