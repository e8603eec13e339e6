/* test_osmatch.c -- unit tests for scoring, fingerprints/osmatch.c: hand-scored DBs and nmap's own ranking. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprints/osdb_int.h"
#include "tests/unit/harness.h"

static char err[1024];

static const char *src_path(const char *rel)
{
	static char buf[4][1024];
	static int i;
	const char *dir = getenv("FATHOM_SRCDIR");

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir ? dir : ".", rel);
	return buf[i];
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n)
		n = 0;
	buf[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}

static int parse_fp(struct osfp *fp, const char *text)
{
	return osfp_parse(fp, text, strlen(text), err, sizeof(err));
}

/*
 * Whether value satisfies expr for SEQ.GCD: a one-attribute entry
 * scores 1 (listed) or 0 (not).
 */
static int expr_ok(const char *expr, const char *value)
{
	char db_text[512], fp_text[128];
	struct osdb *db = osdb_new();
	struct osfp fp;
	struct osmatch_list l;

	snprintf(db_text, sizeof(db_text),
		 "Fingerprint E\nClass a | b | | c\nSEQ(GCD=%s)\n", expr);
	snprintf(fp_text, sizeof(fp_text), "SEQ(GCD=%s)\n", value);
	if (osdb_load_buf(db, "expr", db_text, strlen(db_text), err,
			  sizeof(err)) < 0 ||
	    parse_fp(&fp, fp_text) < 0) {
		printf("# setup: %s\n", err);
		osdb_free(db);
		return -1;
	}
	osdb_match(db, &fp, &l);
	osdb_free(db);
	return l.n == 1 && l.m[0].accuracy == 1.0;
}

/* Appends n entries "NAME<i>" with the given test lines to buf. */
static size_t add_entries(char *buf, size_t off, size_t cap, const char *name,
			  int from, int n, const char *tests)
{
	for (int i = from; i < from + n; i++)
		off += (size_t)snprintf(buf + off, cap - off,
					"Fingerprint %s%02d\nClass v | f | | "
					"t\n%s\n\n",
					name, i, tests);
	return off;
}

int main(void)
{
	struct osdb *db;
	struct osfp fp;
	struct osmatch_list l;

	CASE("expressions as nmap 7.93 evaluates them")
	{
		static const struct {
			const char *expr, *value;
			int ok;
		} t[] = {
			{ "FB-10F|0", "105", 1 },
			{ "FB-10F|0", "0", 1 },
			{ "FB-10F|0", "FA", 0 },
			{ "FB-10F|0", "110", 0 },
			{ "FB-10F|0", "fb", 1 }, /* strtol takes lower case */
			{ ">1000", "1001", 1 },
			{ ">1000", "1000", 0 },
			{ "<A", "9", 1 },
			{ "<A", "A", 0 },
			{ "A|1C", "1C", 1 },
			{ "A|1C", "A", 1 },
			{ "A|1C", "1", 0 },
			/* not the last alternative: a prefix is enough */
			{ "A|1C", "AB", 1 },
			{ "S|S+", "S+", 1 },
			{ "S+|S", "S", 1 },
			{ "S+|Z", "S", 0 },
			{ "|M5B4", "M5B4ST11", 1 },
			{ "M5B4|", "M5B4ST11", 1 },
			{ "M5B4|", "", 1 },
			{ "M5B4", "M5B4ST11", 0 },
			{ "", "", 1 },
			{ "", "R", 0 },
			/* a '-' further on turns a plain number into nothing */
			{ "A|1-5", "A", 0 },
			{ "A|1-5", "3", 1 },
			{ "Z|1-5", "Z", 1 },
			{ "Z|1-5", "6", 0 },
			{ "1-5|A", "A", 1 },
			/* text never compares as a number */
			{ "1-5", "M5B4", 0 },
			{ "1-5", "1-5", 1 },
			{ ">0", "Z", 0 },
			{ ">0", ">0", 1 },
			/* an empty value is the number 0 to strtol */
			{ "0-5", "", 1 },
			{ "<1", "", 1 },
			/* nmap 7.95's brackets inside option strings */
			{ "M[>500]ST11W[1-5|A]", "M5B4ST11WA", 1 },
			{ "M[>500]ST11W[1-5|A]", "M5B4ST11W3", 1 },
			{ "M[>500]ST11W[1-5|A]", "M5B4ST11W7", 0 },
			{ "M[>500]ST11W[1-5|A]", "M4FFST11W1", 0 },
			{ "M[>500]ST11W[1-5|A]", "M5B4ST11W3X", 0 },
			{ "M[>500]ST11W[1-5|A]", "MST11W3", 0 },
			{ "M[<600]|M5B4", "M5B4", 1 },
			{ "M[<600]|M5B4", "M5B3", 1 },
			{ "X|M[5B4]NNT11", "M5B4NNT11", 1 },
		};
		for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
			int got = expr_ok(t[i].expr, t[i].value);

			if (got != t[i].ok) {
				printf("#   \"%s\" vs \"%s\": got %d\n",
				       t[i].value, t[i].expr, got);
				CHECK(0);
			}
		}
	}

	CASE("hand-scored ranking: weights, threshold, names, ties, order")
	{
		char *subject =
			slurp(src_path("tests/data/osmatch/subject.fp"), NULL);

		db = osdb_new();
		CHECK(osdb_load_file(db,
				     src_path("tests/data/osmatch/"
					      "small.osdb"),
				     err, sizeof(err)) == 0);
		CHECK(subject != NULL && parse_fp(&fp, subject) == 0);
		osdb_match(db, &fp, &l);
		CHECK_EQ_U(l.n, 5);
		CHECK_EQ_U(l.nperfect, 2);
		CHECK_STR(l.m[0].name, "Alpha 1");
		CHECK(l.m[0].accuracy == 1.0);
		CHECK_EQ_U(l.m[0].line, 13);
		CHECK(strstr(l.m[0].file, "small.osdb") != NULL);
		CHECK_EQ_U(l.m[0].nclasses, 1);
		CHECK_STR(l.m[0].classes[0].cpe[0], "cpe:/o:alpha:alphaos:1");
		CHECK_STR(l.m[1].name, "Epsilon");
		CHECK(l.m[1].accuracy == 1.0);
		CHECK_STR(l.m[2].name, "Beta 2");
		CHECK(l.m[2].accuracy == 630.0 / 650);
		CHECK_STR(l.m[3].name, "Theta");
		CHECK(l.m[3].accuracy == 630.0 / 650);
		CHECK_STR(l.m[4].name, "Eta");
		CHECK(l.m[4].accuracy == 630.0 / 650);
		CHECK_STR(l.m[4].classes[0].gen, "2"); /* the later Eta */
		free(subject);
	}

	CASE("attributes missing on either side are not counted")
	{
		/* only T1.DF in common with Beta 2's T1: 0/20, the rest unknown */
		CHECK(parse_fp(&fp, "T1(DF=Y)\nOPS(O1=M5B4)\n") == 0);
		osdb_match(db, &fp, &l);
		/* Alpha 1, Eta (first, DF=Y) and Zeta, Beta match DF=Y */
		CHECK_EQ_U(l.n, 4);
		CHECK_EQ_U(l.nperfect, 4);
		CHECK_STR(l.m[0].name, "Alpha 1");
		CHECK_STR(l.m[1].name, "Beta");
		CHECK_STR(l.m[2].name, "Zeta");
		CHECK_STR(l.m[3].name, "Eta");
		/* nothing in common at all: no entry scores */
		CHECK(parse_fp(&fp, "WIN(W1=FFFF)\n") == 0);
		osdb_match(db, &fp, &l);
		CHECK_EQ_U(l.n, 0);
		CHECK_EQ_U(l.nperfect, 0);
		osdb_free(db);
	}

	CASE("at most 36; a full list takes only strictly better entries")
	{
		static char buf[65536];
		size_t off;

		/* 9/10 = 0.9 for the first 36 and #36, then 19/20 = 0.95 */
		off = (size_t)snprintf(
			buf, sizeof(buf),
			"MatchPoints\nSEQ(TI=9%%II=1%%TS=10)\n\n");
		off = add_entries(buf, off, sizeof(buf), "N", 0, 37,
				  "SEQ(TI=Z%II=X)");
		off = add_entries(buf, off, sizeof(buf), "B", 0, 1,
				  "SEQ(TI=Z%II=X%TS=A)");
		db = osdb_new();
		CHECK(osdb_load_buf(db, "gen", buf, off, err, sizeof(err)) ==
		      0);
		CHECK(parse_fp(&fp, "SEQ(TI=Z%II=I%TS=A)") == 0);
		osdb_match(db, &fp, &l);
		CHECK_EQ_U(l.n, OSMATCH_MAX);
		CHECK_EQ_U(l.nperfect, 0);
		CHECK_STR(l.m[0].name, "B00");
		CHECK(fabs(l.m[0].accuracy - 0.95) < 1e-12);
		CHECK_STR(l.m[1].name, "N00");
		CHECK(fabs(l.m[1].accuracy - 0.9) < 1e-12);
		/* N35 fell off when B00 came; N36 tied and never got in */
		CHECK_STR(l.m[OSMATCH_MAX - 1].name, "N34");
		for (int i = 1; i < l.n; i++)
			CHECK(l.m[i - 1].accuracy >= l.m[i].accuracy);
		osdb_free(db);
	}

	CASE("more than 36 perfect matches stops at 36, all perfect")
	{
		static char buf[65536];
		size_t off = add_entries(buf, 0, sizeof(buf), "P", 0, 40,
					 "SEQ(TI=Z)");

		db = osdb_new();
		CHECK(osdb_load_buf(db, "gen", buf, off, err, sizeof(err)) ==
		      0);
		CHECK(parse_fp(&fp, "SEQ(TI=Z)") == 0);
		osdb_match(db, &fp, &l);
		CHECK_EQ_U(l.n, OSMATCH_MAX);
		CHECK_EQ_U(l.nperfect, OSMATCH_MAX);
		CHECK_STR(l.m[OSMATCH_MAX - 1].name, "P35");
		osdb_free(db);
	}

	CASE("several rounds: the first strictly best, a perfect one stops")
	{
		struct osfp r[5];

		db = osdb_new();
		CHECK(osdb_load_file(db,
				     src_path("tests/data/osmatch/"
					      "small.osdb"),
				     err, sizeof(err)) == 0);
		/* tops: 0.9636 (Eta), 0.9636, 1.0 (Alpha 1), 1.0, none */
		parse_fp(&r[0], "SEQ(TI=Z%II=I%TS=A)\nT1(R=Y%DF=N%F=A)\n"
				"U1(R=Y%RID=G)");
		parse_fp(&r[1], "SEQ(TI=Z%II=I%TS=A)\nT1(R=Y%DF=N%F=A)\n"
				"U1(R=Y%RID=G)\nOPS(O1=M5B4)");
		parse_fp(&r[2], "SEQ(TI=Z%II=I%TS=A)\nT1(R=Y%DF=Y%F=AS)");
		parse_fp(&r[3], "SEQ(TI=Z%II=I%TS=A)\nT1(R=Y%DF=Y%F=AS)\n"
				"IE(CD=S)");
		parse_fp(&r[4], "WIN(W1=1)");
		CHECK_EQ_U(osdb_match_best(db, r, 5, &l), 2);
		CHECK(l.nperfect > 0);
		CHECK_EQ_U(osdb_match_best(db, r, 2, &l), 0);
		CHECK_STR(l.m[0].name, "Eta");
		CHECK_EQ_U(osdb_match_best(db, &r[4], 1, &l), 0);
		CHECK_EQ_U(l.n, 0);
		CHECK_EQ_U(osdb_match_best(db, r, 0, &l), 0);
		CHECK_EQ_U(l.n, 0);
		/* nothing for the first round, something later: the later */
		struct osfp r2[2] = { r[4], r[0] };

		CHECK_EQ_U(osdb_match_best(db, r2, 2, &l), 1);
		osdb_free(db);
	}

	CASE("nmap 7.93's own ranking for the lab host, from its output")
	{
		size_t len;
		char *out = slurp(src_path("tests/data/os/"
					   "nmap793-lab-linux6-guess.txt"),
				  &len);
		const char *nmapdb = "/usr/share/nmap/nmap-os-db";
		FILE *probe = fopen(nmapdb, "r");

		if (probe == NULL) {
			printf("# SKIP %s not installed\n", nmapdb);
		} else {
			fclose(probe);
			db = osdb_new();
			CHECK(out != NULL);
			CHECK(osdb_load_file(db, nmapdb, err, sizeof(err)) ==
			      0);
			/* the OS: lines are nmap's fingerprint of the host */
			const char *os = strstr(out, "OS:SCAN");
			const char *end = os ? strstr(os, "\n\n") : NULL;

			CHECK(os != NULL && end != NULL);
			CHECK(osfp_parse(&fp, os, (size_t)(end - os), err,
					 sizeof(err)) == 0);
			osdb_match(db, &fp, &l);
			/* "Aggressive OS guesses: A (96%), B (95%), ..." */
			const char *p = strstr(out, "Aggressive OS guesses: ");
			char line[2048];
			int k = 0;

			CHECK(p != NULL);
			p += strlen("Aggressive OS guesses: ");
			snprintf(line, sizeof(line), "%.*s",
				 (int)strcspn(p, "\n"), p);
			for (char *q = line; *q && k < l.n; k++) {
				char want[256];

				snprintf(want, sizeof(want), "%s (%d%%)",
					 l.m[k].name,
					 (int)(l.m[k].accuracy * 100));
				if (strncmp(want, q, strlen(want)) != 0) {
					printf("#   want \"%s\" at \"%s\"\n",
					       want, q);
					CHECK(0);
					break;
				}
				q += strlen(want);
				q += *q == ',' ? 2 : 0;
			}
			CHECK_EQ_U(k, 10);
			CHECK_EQ_U(l.nperfect, 0);
			osdb_free(db);
		}
		free(out);
	}
	return DONE();
}
