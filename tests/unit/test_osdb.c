/* test_osdb.c -- unit tests for the nmap-os-db loader, fingerprints/osdb.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprints/osdb_int.h"
#include "tests/unit/harness.h"

static char err[1024];

static const char *data_path(const char *name)
{
	static char buf[4][1024];
	static int i;
	const char *dir = getenv("FATHOM_SRCDIR");

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/tests/data/osdb/%s",
		 dir ? dir : ".", name);
	return buf[i];
}

static int load(struct osdb *db, const char *name)
{
	err[0] = '\0';
	return osdb_load_file(db, data_path(name), err, sizeof(err));
}

/* The message with the directory part of the path taken off. */
static const char *short_err(void)
{
	const char *p = strstr(err, "tests/data/osdb/");

	return p ? p + strlen("tests/data/osdb/") : err;
}

static int slot(int test, const char *name)
{
	return osdb_slot(test, name, strlen(name));
}

static struct osdb *db;

/* The compiled expression of attribute slot s in entry e. */
static const struct osdb_attr *attr(const struct osdb_entry *e, int s)
{
	for (int i = 0; i < e->nattrs; i++)
		if (db->pairs.v[e->attrs[i]].slot == s)
			return &db->pairs.v[e->attrs[i]];
	return NULL;
}

static int count_fingerprints(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	int n = 0;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += strncmp(line, "Fingerprint ", 12) == 0;
	fclose(f);
	return n;
}

int main(void)
{
	const struct osdb_entry *e;
	const struct osdb_attr *a;

	CASE("attribute slots in nmap's order")
	{
		CHECK_EQ_U(slot(OSFP_SEQ, "SP"), 0);
		CHECK_EQ_U(slot(OSFP_OPS, "O1"), 8);
		CHECK_EQ_U(slot(OSFP_T2, "W"), 41);
		CHECK_EQ_U(slot(OSFP_IE, "CD"), OSDB_NSLOTS - 1);
		CHECK(slot(OSFP_T1, "W") == -1);
		CHECK(slot(OSFP_OPS, "R") == -1);
		CHECK(slot(OSFP_NTESTS, "R") == -1);
		CHECK_STR(osdb_slot_name(OSDB_NSLOTS - 1), "CD");
		CHECK_EQ_U(osdb_slot_test(OSDB_NSLOTS - 1), OSFP_IE);
		CHECK_EQ_U(osdb_slot_test(103), OSFP_U1);
		CHECK_STR(osdb_slot_name(103), "R");
		/* SEQ, OPS and WIN are the tests without R */
		for (int t = 0; t < OSFP_NTESTS; t++)
			CHECK((slot(t, "R") == -1) == (t <= OSFP_WIN));
	}

	db = osdb_new();
	CASE("every directive: MatchPoints, Fingerprint, Class, CPE, tests")
	{
		CHECK(load(db, "good-all.osdb") == 0);
		CHECK_STR(err, "");
		CHECK_EQ_U(osdb_count(db), 2);
		CHECK(db->have_points);
		CHECK_EQ_U(db->points_line, 4);
		CHECK_EQ_U(db->weight[slot(OSFP_SEQ, "GCD")], 75);
		CHECK_EQ_U(db->weight[slot(OSFP_WIN, "W1")], 0); /* not named */
		CHECK_EQ_U(db->weight[slot(OSFP_U1, "R")], 0);

		e = db->entries[0];
		CHECK_STR(e->m.name, "Example OS 1.0 - 2.0");
		CHECK_EQ_U(e->m.line, 13);
		CHECK(strstr(e->m.file, "good-all.osdb") != NULL);
		CHECK_EQ_U(e->m.nclasses, 2);
		CHECK_STR(e->m.classes[0].vendor, "Example");
		CHECK_STR(e->m.classes[0].family, "ExampleOS");
		CHECK_STR(e->m.classes[0].gen, "1.X");
		CHECK_STR(e->m.classes[0].devtype, "general purpose");
		CHECK_EQ_U(e->m.classes[0].ncpe, 2);
		CHECK_STR(e->m.classes[0].cpe[0], "cpe:/o:example:exampleos:1");
		CHECK_STR(e->m.classes[0].cpe[1],
			  "cpe:/o:example:exampleos:1.5");
		CHECK_STR(e->m.classes[1].gen, "2.X");
		CHECK_EQ_U(e->m.classes[1].ncpe, 1);
		/* SEQ 7 + OPS 6 + ECN 8 + T1 9 + IE 4 attributes, by slot */
		CHECK_EQ_U(e->nattrs, 34);
		for (int i = 1; i < e->nattrs; i++)
			CHECK(db->pairs.v[e->attrs[i - 1]].slot <
			      db->pairs.v[e->attrs[i]].slot);
		CHECK_EQ_U(e->total, 475 + 120 + 300 + 260 + 170);

		e = db->entries[1];
		CHECK_STR(e->m.name, "Example embedded box");
		CHECK_EQ_U(e->m.line, 25);
		CHECK_STR(e->m.classes[0].vendor, "Example Corp");
		CHECK_STR(e->m.classes[0].gen, "");
		CHECK_STR(e->m.classes[0].devtype, "WAP");
		/* SEQ(R=N) and OPS(R=N) carry nothing; T1(R=N) is T1.R */
		CHECK_EQ_U(e->nattrs, 1);
		CHECK_EQ_U(db->pairs.v[e->attrs[0]].slot, slot(OSFP_T1, "R"));
		CHECK_EQ_U(e->total, 100);
	}

	CASE("expressions: ranges, comparisons, alternatives, empty values")
	{
		e = db->entries[0];
		a = attr(e, slot(OSFP_SEQ, "SP"));
		CHECK(a != NULL && a->nalt == 2);
		CHECK_EQ_U(a->alt[0].numkind, OSDB_NUM_RANGE);
		CHECK_EQ_U(a->alt[0].lo, 0xFB);
		CHECK_EQ_U(a->alt[0].hi, 0x10F);
		CHECK(a->alt[0].prefix && !a->alt[1].prefix);
		CHECK_EQ_U(a->alt[1].numkind, OSDB_NUM_TEXT);
		CHECK_EQ_U(a->alt[1].len, 1);
		a = attr(e, slot(OSFP_SEQ, "ISR"));
		CHECK_EQ_U(a->alt[0].numkind, OSDB_NUM_GT);
		CHECK_EQ_U(a->alt[0].lo, 0x1000);
		a = attr(e, slot(OSFP_SEQ, "CI"));
		CHECK_EQ_U(a->alt[0].numkind, OSDB_NUM_LT);
		CHECK_EQ_U(a->alt[0].hi, 0xA);
		a = attr(e, slot(OSFP_SEQ, "TS"));
		CHECK_EQ_U(a->nalt, 2);
		CHECK(a->alt[1].len == 2 &&
		      memcmp(a->alt[1].text, "1C", 2) == 0);
		a = attr(e, slot(OSFP_OPS, "O3"));
		CHECK_EQ_U(a->nalt, 2);
		CHECK(a->alt[0].len == 0 && a->alt[0].prefix);
		a = attr(e, slot(OSFP_OPS, "O4"));
		CHECK(a->nalt == 1 && a->alt[0].len == 0 && !a->alt[0].prefix);
		a = attr(e, slot(OSFP_ECN, "Q"));
		CHECK(a->nalt == 1 && a->alt[0].len == 0);
	}

	CASE("7.95 bracket ranges inside option strings")
	{
		a = attr(db->entries[0], slot(OSFP_OPS, "O2"));
		CHECK(a != NULL && a->nalt == 1); /* the '|' is inside [] */
		CHECK(a->alt[0].seg != NULL);
		CHECK_EQ_U(a->alt[0].nseg, 3);
		const struct osdb_seg *s = a->alt[0].seg;

		CHECK(s[0].litlen == 1 && s[0].lit[0] == 'M');
		CHECK_EQ_U(s[0].nnum, 1);
		CHECK_EQ_U(s[0].num[0].kind, OSDB_NUM_GT);
		CHECK_EQ_U(s[0].num[0].lo, 0x500);
		CHECK(s[1].litlen == 5 && memcmp(s[1].lit, "ST11W", 5) == 0);
		CHECK_EQ_U(s[1].nnum, 2);
		CHECK_EQ_U(s[1].num[0].kind, OSDB_NUM_RANGE);
		CHECK(s[1].num[0].lo == 1 && s[1].num[0].hi == 5);
		CHECK_EQ_U(s[1].num[1].kind, OSDB_NUM_TEXT);
		CHECK_EQ_U(s[1].num[1].lo, 0xA);
		CHECK(s[2].litlen == 0 && s[2].nnum == 0);
	}

	CASE("a '-' in a later alternative: nmap's numeric never-match")
	{
		struct osdb *d2 = osdb_new();
		const char *txt = "Fingerprint Q\nClass a | b | | c\n"
				  "SEQ(GCD=A|1-5)\n";

		CHECK(osdb_load_buf(d2, "mem", txt, strlen(txt), err,
				    sizeof(err)) == 0);
		a = &d2->pairs.v[d2->entries[0]->attrs[0]];
		CHECK_EQ_U(a->alt[0].numkind, OSDB_NUM_NEVER);
		CHECK_EQ_U(a->alt[1].numkind, OSDB_NUM_RANGE);
		osdb_free(d2);
	}

	CASE("equal (attribute, expression) pairs are stored once")
	{
		/* both entries of good-all say T1.R: Y and N differ */
		const struct osdb_attr *r0 =
			attr(db->entries[0], slot(OSFP_T1, "R"));
		const struct osdb_attr *r1 =
			attr(db->entries[1], slot(OSFP_T1, "R"));
		size_t before = db->pairs.n;

		CHECK(r0 != r1);
		CHECK(r0->srclen == 1 && r0->src[0] == 'Y');
		/* the same file again adds entries but no pairs */
		CHECK(load(db, "good-all.osdb") == 0);
		CHECK_EQ_U(osdb_count(db), 4);
		CHECK_EQ_U(db->pairs.n, before);
		CHECK(db->entries[2]->attrs[0] == db->entries[0]->attrs[0]);
		/* ECN.T and T1.T are both "3B-45" but different slots */
		CHECK(attr(db->entries[0], slot(OSFP_ECN, "T")) !=
		      attr(db->entries[0], slot(OSFP_T1, "T")));
		osdb_free(db);
		db = osdb_new();
		CHECK(load(db, "good-all.osdb") == 0);
	}

	CASE("CRLF lines, blank runs, no final newline")
	{
		struct osdb *d2 = osdb_new();

		CHECK(load(d2, "crlf.osdb") == 0);
		CHECK_EQ_U(osdb_count(d2), 2);
		CHECK_STR(d2->entries[0]->m.name, "CRLF entry");
		CHECK_STR(d2->entries[0]->m.classes[0].devtype, "router");
		CHECK_STR(d2->entries[0]->m.classes[0].cpe[0], "cpe:/o:v:f");
		CHECK_STR(d2->entries[1]->m.name,
			  "Last entry without final newline");
		CHECK_EQ_U(d2->entries[1]->m.line, 7);
		CHECK_STR(d2->entries[1]->m.classes[0].gen, "");
		osdb_free(d2);
	}

	CASE("default weights, then a later MatchPoints replaces them")
	{
		struct osdb *d2 = osdb_new();

		CHECK(load(d2, "nopoints.osdb") == 0);
		CHECK(!d2->have_points);
		CHECK_EQ_U(d2->entries[0]->total, 20 + 100); /* U1.DF, RUD */
		CHECK(load(d2, "points-other.osdb") == 0);
		CHECK(d2->have_points);
		CHECK_EQ_U(d2->entries[0]->total, 0);
		CHECK_EQ_U(d2->weight[0], 1);
		osdb_free(d2);
	}

	CASE("every error names FILE:LINE and leaves the db as it was")
	{
		static const struct {
			const char *file, *msg;
		} bad[] = {
			{ "bad-junk-outside.osdb",
			  ":1: expected Fingerprint or MatchPoints" },
			{ "bad-fp-noname.osdb",
			  ":1: Fingerprint without a name" },
			{ "bad-mp-args.osdb",
			  ":1: MatchPoints takes no arguments" },
			{ "bad-mp-twice.osdb",
			  ":4: second MatchPoints block (first at line 1)" },
			{ "bad-mp-in-entry.osdb",
			  ":3: MatchPoints must follow a blank line" },
			{ "bad-mp-weight.osdb",
			  ":2: weight of SEQ.SP must be 1-65535" },
			{ "bad-mp-weight-junk.osdb",
			  ":2: weight of SEQ.SP must be 1-65535" },
			{ "bad-mp-class.osdb", ":2: Class inside MatchPoints" },
			{ "bad-class-fields.osdb",
			  ":2: Class needs 'vendor | family | generation | "
			  "device type'" },
			{ "bad-class-five.osdb",
			  ":2: Class has more than four fields" },
			{ "bad-class-empty.osdb",
			  ":2: Class with an empty vendor, family or device "
			  "type" },
			{ "bad-cpe-noclass.osdb",
			  ":2: CPE without a Class line before it" },
			{ "bad-cpe-prefix.osdb", ":3: CPE must be cpe:/..." },
			{ "bad-cpe-flag.osdb",
			  ":3: unknown CPE flag 'manual'" },
			{ "bad-cpe-many.osdb",
			  ":11: more than 8 CPE lines for one Class" },
			{ "bad-no-class.osdb",
			  ":1: Fingerprint A has no Class line" },
			{ "bad-no-tests.osdb",
			  ":1: Fingerprint A has no test lines" },
			{ "bad-test-unknown.osdb", ":3: unknown test 'T8'" },
			{ "bad-test-syntax.osdb",
			  ":3: expected TEST(NAME=value%...) or a directive" },
			{ "bad-test-paren.osdb",
			  ":3: stray parenthesis in SEQ(...)" },
			{ "bad-test-twice.osdb", ":4: test SEQ given twice" },
			{ "bad-attr-unknown.osdb",
			  ":3: T1 has no attribute 'W'" },
			{ "bad-attr-twice.osdb",
			  ":3: attribute T1.R given twice" },
			{ "bad-attr-noeq.osdb",
			  ":3: expected NAME=value in T1(...)" },
			{ "bad-attr-trailing.osdb",
			  ":3: expected NAME=value in T1(...)" },
			{ "bad-range-empty.osdb",
			  ":3: empty range '10-10' in SEQ.SP" },
			{ "bad-range-bad.osdb",
			  ":3: bad range '1-G' in SEQ.SP" },
			{ "bad-cmp-bad.osdb",
			  ":3: bad comparison '>' in SEQ.SP" },
			{ "bad-nest-open.osdb",
			  ":3: unterminated '[' in OPS.O1" },
			{ "bad-nest-close.osdb",
			  ":3: ']' without '[' in OPS.O1" },
			{ "bad-nest-content.osdb", ":3: bad [S] in OPS.O1" },
			{ "bad-points-differ.osdb",
			  ":1: MatchPoints differ from " },
			{ "bad-nul.osdb", ":3: NUL byte" },
			{ "bad-long.osdb", ":3: line longer than 65536 bytes" },
		};
		uint16_t w[OSDB_NSLOTS];

		memcpy(w, db->weight, sizeof(w));
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			size_t fl = strlen(bad[i].file);

			CHECK(load(db, bad[i].file) == -1);
			if (strncmp(short_err(), bad[i].file, fl) != 0 ||
			    strncmp(short_err() + fl, bad[i].msg,
				    strlen(bad[i].msg)) != 0) {
				printf("#   %s: got \"%s\"\n", bad[i].file,
				       err);
				CHECK(0);
			}
			CHECK_EQ_U(osdb_count(db), 2);
		}
		CHECK(strstr(err, "good-all.osdb:4") == NULL); /* last: long */
		CHECK(memcmp(w, db->weight, sizeof(w)) == 0);
		CHECK_EQ_U(db->entries[1]->total, 100);
	}

	CASE("a missing file is one error line")
	{
		CHECK(load(db, "no-such-file.osdb") == -1);
		CHECK(strstr(err, "no-such-file.osdb: No such file") != NULL);
	}
	osdb_free(db);

	CASE("nmap's own nmap-os-db loads whole, zero errors")
	{
		const char *path = getenv("FATHOM_NMAP_OS_DB");
		int want;

		path = path ? path : "/usr/share/nmap/nmap-os-db";
		want = count_fingerprints(path);
		if (want < 0) {
			printf("# SKIP %s not installed\n", path);
		} else {
			db = osdb_new();
			err[0] = '\0';
			CHECK(osdb_load_file(db, path, err, sizeof(err)) == 0);
			CHECK_STR(err, "");
			CHECK_EQ_U(osdb_count(db), (size_t)want);
			CHECK(db->have_points);
			/* and nmap's MatchPoints equal our defaults */
			struct osdb *d0 = osdb_new();

			CHECK(memcmp(d0->weight, db->weight,
				     sizeof(db->weight)) == 0);
			osdb_free(d0);
			osdb_free(db);
		}
	}
	return DONE();
}
