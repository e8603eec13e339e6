/* fp_match.c -- tests/fp-match: match a saved fingerprint against OS databases and print nmap's OS block. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "netstack/base/util.h"
#include "fingerprints/osreport.h"

/*
 * usage: tests/fp-match [--no-guess] [--repeat N] FPFILE DB...
 *
 * FPFILE holds a fingerprint as nmap prints it: the "OS:" submission
 * lines or the plain test lines. The block is printed as nmap -O
 * --osscan-guess would for that fingerprint under good conditions (the
 * submission, when the input was one, is echoed as the fingerprint).
 * --repeat N matches N times and reports the time on stderr: the CPU
 * cost of OS matching, which nmap #2050 found dominant on big scans.
 *
 * nmap prints the fingerprints of all its rounds merged: a test that
 * differed between rounds appears once per distinct value ("SEQ(...)"
 * twice). nmap reports the round whose best match is strictly the best,
 * the first one on a tie (osscan2.cc findBestFPs). The merged print has
 * lost which values came from the same round, so we try every
 * combination, in printed order, and keep the first with the best top
 * accuracy: the same answer unless two combinations tie at the top with
 * different lists below it.
 */
#define MAX_VARIANTS 8
#define MAX_COMBOS 4096
static void usage(void)
{
	fprintf(stderr, "usage: fp-match [--no-guess] [--repeat N] FPFILE "
			"DB...\n");
	exit(FATHOM_EXIT_USAGE);
}

/* The tests of a print, grouped by name: variants[t][k] "T1(...)". */
struct merged {
	char *variants[OSFP_NTESTS][MAX_VARIANTS];
	int n[OSFP_NTESTS];
};

/* Splits text (wrapped or plain) into tests; -1 if it is not a print. */
static int split_merged(const char *text, struct merged *m)
{
	size_t len = strlen(text), k = 0;
	char *flat = xmalloc(len + 1);
	const char *p = text;

	memset(m, 0, sizeof(*m));
	while (*p) { /* drop "OS:" prefixes and line breaks */
		if ((p == text || p[-1] == '\n') && strncmp(p, "OS:", 3) == 0)
			p += 3;
		else if (*p == '\n' || *p == '\r')
			p++;
		else
			flat[k++] = *p++;
	}
	flat[k] = '\0';
	for (char *t = flat; *t;) {
		char *open = strchr(t, '('),
		     *close = open ? strchr(open, ')') : NULL;
		char name[8];
		int id;

		if (close == NULL || open - t >= (long)sizeof(name)) {
			free(flat);
			return -1;
		}
		memcpy(name, t, (size_t)(open - t));
		name[open - t] = '\0';
		id = osfp_test_lookup(name);
		if (id >= 0 && m->n[id] < MAX_VARIANTS) {
			m->variants[id][m->n[id]] =
				xmalloc((size_t)(close - t) + 3);
			snprintf(m->variants[id][m->n[id]++],
				 (size_t)(close - t) + 3, "%.*s\n",
				 (int)(close - t + 1), t);
		}
		t = close + 1;
		t += strspn(t, " \t");
	}
	free(flat);
	return 0;
}

/* Builds every combination of variants, in printed order, for
 * osdb_match_best; *n gets their number. */
static struct osfp *combinations(const struct merged *m, int *n, char *err,
				 size_t errlen)
{
	long combos = 1;
	struct osfp *fps;

	for (int t = 0; t < OSFP_NTESTS; t++)
		combos *= m->n[t] ? m->n[t] : 1;
	if (combos > MAX_COMBOS) {
		snprintf(err, errlen, "%ld combinations of rounds", combos);
		return NULL;
	}
	fps = xcalloc((size_t)combos, sizeof(*fps));
	for (long c = 0; c < combos; c++) {
		char text[8192] = "";
		long rest = c;
		int idx[OSFP_NTESTS];

		for (int t = OSFP_NTESTS - 1; t >= 0; t--) {
			int k = m->n[t] ? m->n[t] : 1;

			idx[t] = (int)(rest % k);
			rest /= k;
		}
		for (int t = 0; t < OSFP_NTESTS; t++)
			if (m->n[t])
				strncat(text, m->variants[t][idx[t]],
					sizeof(text) - strlen(text) - 1);
		if (osfp_parse(&fps[c], text, strlen(text), err, errlen) < 0) {
			free(fps);
			return NULL;
		}
	}
	*n = (int)combos;
	return fps;
}

int main(int argc, char **argv)
{
	struct osreport_opts opts = { .guess = 1 };
	struct os_result r;
	struct osdb *db = osdb_new();
	char err[1024];
	long repeat = 1;
	int i = 1;
	size_t len, need;
	char *text, *out;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--no-guess") == 0) {
			opts.guess = 0;
		} else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
			uint64_t n;

			if (parse_u64(argv[++i], 1000000, &n) < 0 || n == 0)
				usage();
			repeat = (long)n;
		} else {
			usage();
		}
	}
	if (argc - i < 2)
		usage();

	memset(&r, 0, sizeof(r));
	text = read_file(argv[i], READ_MAX_DB, &len, err, sizeof(err));
	if (text == NULL) {
		fprintf(stderr, "fp-match: %s\n", err);
		exit(FATHOM_EXIT_USAGE);
	}
	/* the strict parser first, for its line-numbered errors */
	struct merged merged;
	int rc = osfp_parse(&r.fp, text, len, err, sizeof(err));

	if (rc < 0 && strstr(err, "given twice") != NULL &&
	    split_merged(text, &merged) == 0)
		rc = 1; /* several rounds: osdb_match_best picks one */
	if (rc < 0) {
		fprintf(stderr, "fp-match: %s: %s\n", argv[i], err);
		return FATHOM_EXIT_USAGE;
	}
	const char *fpfile = argv[i];

	for (i++; i < argc; i++) {
		if (osdb_load_file(db, argv[i], err, sizeof(err)) < 0) {
			fprintf(stderr, "fp-match: %s\n", err);
			return FATHOM_EXIT_USAGE;
		}
	}
	r.done = r.have_fp = r.good_conditions = 1;
	r.distance = r.seq_index = -1;
	if (strncmp(text + strspn(text, " \t\r\n"), "OS:", 3) == 0)
		r.submission = text; /* echoed as nmap echoes its own */

	uint64_t t0 = now_ns();

	struct osfp *rounds = &r.fp;
	int nrounds = 1;

	if (rc == 1) {
		rounds = combinations(&merged, &nrounds, err, sizeof(err));
		if (rounds == NULL) {
			fprintf(stderr, "fp-match: %s: %s\n", fpfile, err);
			return FATHOM_EXIT_USAGE;
		}
	}
	for (long k = 0; k < repeat; k++) {
		int best = osdb_match_best(db, rounds, nrounds, &r.matches);

		if (rounds != &r.fp)
			r.fp = rounds[best];
	}
	if (rounds != &r.fp)
		free(rounds);
	if (repeat > 1) {
		double ms = (double)(now_ns() - t0) / 1e6;

		fprintf(stderr,
			"fp-match: %ld matches against %zu entries in %.1f ms "
			"(%.3f ms each)\n",
			repeat, osdb_count(db), ms, ms / (double)repeat);
	}
	need = osreport_normal(&r, &opts, NULL, 0);
	out = xmalloc(need + 1);
	osreport_normal(&r, &opts, out, need + 1);
	fputs(out, stdout);
	free(out);
	if (rc == 1)
		for (int t = 0; t < OSFP_NTESTS; t++)
			for (int k = 0; k < merged.n[t]; k++)
				free(merged.variants[t][k]);
	free(text);
	osdb_free(db);
	return FATHOM_EXIT_OK;
}
