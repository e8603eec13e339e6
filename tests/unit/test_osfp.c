/* test_osfp.c -- unit tests for fingerprints/osfp.c against nmap 7.93's printed fingerprint. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fingerprints/osfp.h"
#include "tests/unit/harness.h"

static char err[256];

/* Reads tests/data/os/NAME whole; NUL-terminated, aborts when missing. */
static char *slurp(const char *name, size_t *lenp)
{
	const char *dir = getenv("FATHOM_SRCDIR");
	char path[1024];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/tests/data/os/%s", dir ? dir : ".",
		 name);
	f = fopen(path, "rb");
	if (f == NULL) {
		printf("# cannot open %s\n", path);
		exit(1);
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n)
		exit(1);
	buf[n] = '\0';
	fclose(f);
	if (lenp)
		*lenp = (size_t)n;
	return buf;
}

/* The "OS:" lines of nmap's whole -d output, in order. */
static char *os_lines(const char *all)
{
	char *out = calloc(1, strlen(all) + 1);
	const char *p = all;

	while (*p) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) + 1 : strlen(p);

		if (strncmp(p, "OS:", 3) == 0)
			strncat(out, p, n);
		p += n;
	}
	return out;
}

static int parse_str(struct osfp *fp, const char *s)
{
	return osfp_parse(fp, s, strlen(s), err, sizeof(err));
}

int main(void)
{
	struct osfp fp, fp2;
	char out[4096];
	char *nmap_out = slurp("nmap793-lab-linux6-d.txt", NULL);
	char *plain = slurp("lab-linux6.fp", NULL);
	char *wrapped = os_lines(nmap_out);

	setenv("TZ", "UTC", 1); /* nmap ran in UTC: D= is local m/d */
	tzset();

	CASE("test names and lookup")
	{
		CHECK_STR(osfp_test_name(OSFP_SEQ), "SEQ");
		CHECK_STR(osfp_test_name(OSFP_IE), "IE");
		CHECK(osfp_test_name(OSFP_NTESTS) == NULL);
		CHECK(osfp_test_name(-1) == NULL);
		CHECK_EQ_U(osfp_test_lookup("T7"), OSFP_T7);
		CHECK(osfp_test_lookup("SCAN") == -1);
		CHECK(osfp_test_lookup("t1") == -1);
	}

	CASE("set, replace in place, get, limits")
	{
		osfp_clear(&fp);
		CHECK(osfp_set(&fp, OSFP_SEQ, "SP", "%X", 0x105) == 0);
		CHECK(osfp_set(&fp, OSFP_SEQ, "GCD", "%d", 1) == 0);
		CHECK(osfp_set(&fp, OSFP_SEQ, "SP", "%X", 0xFF) == 0);
		CHECK_STR(osfp_get(&fp, OSFP_SEQ, "SP"), "FF");
		CHECK_EQ_U(fp.test[OSFP_SEQ].nattrs, 2);
		CHECK_STR(fp.test[OSFP_SEQ].attr[0].name, "SP");
		CHECK(osfp_get(&fp, OSFP_SEQ, "TI") == NULL);
		CHECK(osfp_get(&fp, OSFP_OPS, "O1") == NULL);
		CHECK(!fp.test[OSFP_OPS].present);
		osfp_touch(&fp, OSFP_T2);
		CHECK(fp.test[OSFP_T2].present && fp.test[OSFP_T2].nattrs == 0);
		/* a value of OSFP_VALUE_MAX bytes does not fit with its NUL */
		CHECK(osfp_set(&fp, OSFP_T3, "O", "%0*d", OSFP_VALUE_MAX, 0) ==
		      -1);
		CHECK(osfp_get(&fp, OSFP_T3, "O") == NULL);
		CHECK(osfp_set(&fp, OSFP_T3, "TOOLONGNAME", "x") == -1);
		CHECK(osfp_set(&fp, OSFP_T3, "O", "M5B4 ") == -1);
		CHECK(osfp_set(&fp, OSFP_T3, "O", "%s", "1%2") == -1);
		CHECK(osfp_get(&fp, OSFP_T3, "O") == NULL);
		CHECK(osfp_set(&fp, OSFP_NTESTS, "R", "Y") == -1);
		osfp_clear(&fp);
		for (int i = 0; i < OSFP_MAX_ATTRS; i++) {
			char n[8];

			snprintf(n, sizeof(n), "A%d", i);
			CHECK(osfp_set(&fp, OSFP_T4, n, "%d", i) == 0);
		}
		CHECK(osfp_set(&fp, OSFP_T4, "Z", "1") == -1);
		CHECK(osfp_set(&fp, OSFP_T4, "A3", "x") == 0);
	}

	CASE("nmap's wrapped fingerprint parses and prints as the plain form")
	{
		CHECK(parse_str(&fp, wrapped) == 0);
		CHECK_STR(err, "");
		CHECK_STR(osfp_get(&fp, OSFP_SEQ, "ISR"), "111");
		CHECK_STR(osfp_get(&fp, OSFP_OPS, "O3"), "M5B4NNT11NWA");
		CHECK_STR(osfp_get(&fp, OSFP_ECN, "Q"), "");
		CHECK_STR(osfp_get(&fp, OSFP_T2, "R"), "N");
		/* "OS:1(R=Y..." is U1 cut across two lines */
		CHECK_STR(osfp_get(&fp, OSFP_U1, "IPL"), "164");
		CHECK_STR(osfp_get(&fp, OSFP_IE, "DFI"), "N");
		size_t n = osfp_format(&fp, out, sizeof(out));

		CHECK_EQ_U(n, strlen(plain));
		CHECK_STR(out, plain);
	}

	CASE("plain form round trip, with blank lines and CRLF")
	{
		char *crlf = malloc(strlen(plain) * 2 + 8);
		char *q = crlf;

		CHECK(parse_str(&fp, plain) == 0);
		osfp_format(&fp, out, sizeof(out));
		CHECK_STR(out, plain);
		*q++ = '\n';
		for (const char *p = plain; *p; p++) {
			if (*p == '\n')
				*q++ = '\r';
			*q++ = *p;
		}
		strcpy(q, "\n  \n");
		CHECK(parse_str(&fp2, crlf) == 0);
		CHECK(memcmp(&fp, &fp2, sizeof(fp)) == 0);
		free(crlf);
	}

	CASE("format truncates but reports the needed length")
	{
		char small[10];
		size_t need;

		parse_str(&fp, plain);
		need = osfp_format(&fp, small, sizeof(small));
		CHECK_EQ_U(need, strlen(plain));
		CHECK_EQ_U(strlen(small), sizeof(small) - 1);
		CHECK(strncmp(small, plain, sizeof(small) - 1) == 0);
		CHECK_EQ_U(osfp_format(&fp, NULL, 0), strlen(plain));
	}

	CASE("submission equals nmap 7.93's OS: lines byte for byte")
	{
		struct osfp_scaninfo si = {
			.version = "7.93",
			.when = 0x6B06B09A,
			.open_port = 22,
			.closed_port = 1,
			.closed_udp = 34720,
			.private_addr = 0,
			.distance = 1,
			.dist_method = 'D',
			.good = 1,
			.mac_oui = "026678",
			.platform = "x86_64-pc-linux-gnu",
		};
		size_t n;

		parse_str(&fp, wrapped);
		n = osfp_format_submission(&fp, &si, out, sizeof(out));
		CHECK_EQ_U(n, strlen(wrapped));
		CHECK_STR(out, wrapped);
		/* every line is "OS:" + 72 characters but the last */
		CHECK(strchr(out, '\n') - out == 75);
		CHECK_EQ_U(osfp_format_submission(&fp, &si, NULL, 0), n);
	}

	CASE("submission with unknowns leaves OT/CT/CU empty, drops DS/DC/M")
	{
		struct osfp_scaninfo si = {
			.version = "0.1",
			.when = 0,
			.open_port = -1,
			.closed_port = -1,
			.closed_udp = -1,
			.private_addr = 1,
			.distance = -1,
			.dist_method = 0,
			.good = 0,
			.mac_oui = NULL,
			.platform = "p",
		};
		osfp_clear(&fp);
		osfp_set(&fp, OSFP_IE, "R", "N");
		osfp_format_submission(&fp, &si, out, sizeof(out));
		CHECK_STR(out, "OS:SCAN(V=0.1%E=4%D=1/1%OT=%CT=%CU=%PV=Y%G=N%"
			       "TM=0%P=p)IE(R=N)\n");
		/* and the parser reads it back */
		CHECK(parse_str(&fp2, out) == 0);
		CHECK_STR(osfp_get(&fp2, OSFP_IE, "R"), "N");
	}

	CASE("errors name the line")
	{
		static const struct {
			const char *text, *err;
		} bad[] = {
			{ "SEQ(SP=1)\nXYZ(A=1)\n", "line 2: unknown test XYZ" },
			{ "\n\nSEQ(SP=1\n", "line 3: unterminated SEQ(" },
			{ "SEQ(SP=1)\nSEQ(GCD=1)\n",
			  "line 2: test SEQ given twice" },
			{ "T1(R=Y%R=N)",
			  "line 1: attribute R given twice in T1(" },
			{ "T1(R)", "line 1: expected NAME=value in T1(" },
			{ "T1(R=Y%)", "line 1: expected NAME=value in T1(" },
			{ "T1(R=Y=Z)", "line 1: stray '=' in T1(" },
			{ "T1(R=Y Z)", "line 1: bad character in T1(" },
			{ "SEQ(SP=1)\nT1(R=Y%DF=\rN)",
			  "line 2: bad character in "
			  "T1(" },
			{ "hello", "line 1: expected a test such as SEQ(...)" },
			{ "SEQ(SP=1) junk", "line 1: expected a test such as "
					    "SEQ(...)" },
			{ "OS:SEQ(SP=1)\nT1(R=Y)\n",
			  "line 2: line without \"OS:\" in a submission" },
			{ "T1(R=Y)\nOS:SEQ(SP=1)\n",
			  "line 2: \"OS:\" line in a plain fingerprint" },
			{ "OS:SEQ(SP=1)T1(R=\nOS:Y\nOS:",
			  "line 2: unterminated "
			  "T1(" },
			{ "T1(RRRRRRRRR=Y)", "line 1: attribute name too long "
					     "in T1(" },
			{ "T1(O=0123456789012345678901234567890123456789012345"
			  "678)",
			  "line 1: value too long in T1(" },
			{ "", "line 1: no tests" },
			{ "\n\n", "line 2: no tests" },
			{ "SCAN(V=1)\n", "line 1: no tests" },
		};
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			int rc = parse_str(&fp, bad[i].text);

			CHECK(rc == -1);
			CHECK_STR(err, bad[i].err);
			CHECK(!fp.test[OSFP_SEQ].present);
		}
	}

	CASE("wrapped form: a line break may fall inside a name or value")
	{
		CHECK(parse_str(&fp,
				"OS:SE\nOS:Q(SP=1\nOS:0%GCD=2)T\nOS:1(R=Y)") ==
		      0);
		CHECK_STR(osfp_get(&fp, OSFP_SEQ, "SP"), "10");
		CHECK_STR(osfp_get(&fp, OSFP_T1, "R"), "Y");
	}

	free(nmap_out);
	free(plain);
	free(wrapped);
	return DONE();
}
