/*
 * test_oslabdb.c -- fathom's own OS database against the lab's real fingerprints.
 *
 * Loads fingerprints/fathom-os-db (under $FATHOM_SRCDIR, default ".") and
 * matches every fingerprint the lab's kernels produced (tests/data/os/lab:
 * one submission per host, plus runs/osN.txt and fathom-runs/osN.txt with one
 * print per line, by nmap and by fathom -O): each
 * must name its own entry with 100%, be the only perfect match, and score
 * every other entry lower. A value range drawn too tight, an entry that no
 * longer tells two variants apart, or a scoring change that lets missing data
 * count fails here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprints/osfp.h"
#include "fingerprints/osmatch.h"
#include "tests/unit/harness.h"

static const char *src_path(const char *rel)
{
	static char buf[4096];
	const char *dir = getenv("FATHOM_SRCDIR");

	snprintf(buf, sizeof(buf), "%s/%s", dir && *dir ? dir : ".", rel);
	return buf;
}

/* Reads a whole file as a NUL-terminated string; NULL if it cannot. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (!f)
		return NULL;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			char *nb = realloc(buf, cap = (cap + 4096) * 2);

			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n - 1, f);
		if (r == 0)
			break;
		n += r;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* The lab host each data file comes from and the entry it must match. */
static const struct {
	const char *host;
	const char *entry;
} want[] = {
	{ "os1", "Linux 6.X (defaults)" },
	{ "os2", "Linux 6.X (TCP timestamps disabled)" },
	{ "os3", "Linux 6.X (TCP window scaling disabled)" },
	{ "os4", "Linux 6.X (TCP SACK disabled)" },
	{ "os5", "Linux 6.X (initial TTL 128)" },
	{ "os6", "Linux 6.X (ECN disabled)" },
	{ "os7", "Linux 6.X (small receive buffer)" },
	{ "os8", "Linux 6.X (ICMP echo ignored)" },
	{ "os9", "Linux 6.X (SYN cookies always)" },
	{ "svc", "Linux 6.X (defaults)" },
};

/*
 * One fingerprint text must match exactly one entry perfectly, that one
 * being entry, with class Linux 6.X; returns 0 when it does.
 */
static int check_print(const struct osdb *db, const char *what,
		       const char *text, size_t len, const char *entry)
{
	struct osfp fp;
	struct osmatch_list ml;
	char err[256];
	int bad = 0, i;

	if (osfp_parse(&fp, text, len, err, sizeof(err)) != 0) {
		printf("#   %s: %s\n", what, err);
		return 1;
	}
	osdb_match(db, &fp, &ml);
	if (ml.n < 1 || ml.nperfect != 1 || ml.m[0].accuracy != 1.0 ||
	    strcmp(ml.m[0].name, entry) != 0) {
		printf("#   %s: want only \"%s\" at 100%%, got %d perfect, top \"%s\" %.3f\n",
		       what, entry, ml.nperfect, ml.n ? ml.m[0].name : "-",
		       ml.n ? ml.m[0].accuracy : 0.0);
		bad = 1;
	}
	if (ml.n >= 1 && (ml.m[0].nclasses < 1 ||
			  strcmp(ml.m[0].classes[0].family, "Linux") != 0 ||
			  strcmp(ml.m[0].classes[0].gen, "6.X") != 0)) {
		printf("#   %s: top entry's class is not Linux 6.X\n", what);
		bad = 1;
	}
	for (i = 1; i < ml.n; i++)
		if (ml.m[i].accuracy >= 1.0) {
			printf("#   %s: \"%s\" also 100%%\n", what,
			       ml.m[i].name);
			bad = 1;
		}
	return bad;
}

int main(void)
{
	struct osdb *db = osdb_new();
	char err[512], path[256];
	size_t i, len;

	CASE("fathom-os-db loads with one entry per lab variant")
	{
		CHECK(db != NULL);
		if (osdb_load_file(db, src_path("fingerprints/fathom-os-db"),
				   err, sizeof(err)) != 0)
			printf("#   %s\n", err), h_case_failed++;
		CHECK_EQ_U(osdb_count(db), 9);
	}

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		char name[160], *text;

		snprintf(path, sizeof(path), "tests/data/os/lab/%s.fp",
			 want[i].host);
		snprintf(name, sizeof(name), "%s.fp is %s, and only that",
			 want[i].host, want[i].entry);
		CASE(name)
		{
			text = slurp(src_path(path), &len);
			CHECK(text != NULL);
			if (text)
				h_case_failed += check_print(
					db, path, text, len, want[i].entry);
			free(text);
		}
	}

	/*
	 * Twelve more runs per variant, by nmap (runs/) and by fathom -O
	 * (fathom-runs/): the timing ranges must hold every time.
	 */
	for (i = 0; i < 2 * sizeof(want) / sizeof(want[0]); i++) {
		size_t w = i % (sizeof(want) / sizeof(want[0]));
		const char *dir = i < sizeof(want) / sizeof(want[0])
					  ? "runs"
					  : "fathom-runs";
		char name[160], *text, *line, *save = NULL;
		int n = 0;

		if (strcmp(want[w].host, "svc") == 0)
			continue;
		snprintf(path, sizeof(path), "tests/data/os/lab/%s/%s.txt", dir,
			 want[w].host);
		snprintf(name, sizeof(name), "every run in %s/%s.txt is %s",
			 dir, want[w].host, want[w].entry);
		CASE(name)
		{
			text = slurp(src_path(path), &len);
			CHECK(text != NULL);
			for (line = text ? strtok_r(text, "\n", &save) : NULL;
			     line; line = strtok_r(NULL, "\n", &save)) {
				char what[300];

				snprintf(what, sizeof(what), "%s line %d", path,
					 ++n);
				h_case_failed += check_print(db, what, line,
							     strlen(line),
							     want[w].entry);
			}
			CHECK(n == 12);
			free(text);
		}
	}

	osdb_free(db);
	return DONE();
}
