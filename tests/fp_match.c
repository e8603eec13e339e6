/* fp_match.c -- tests/fp-match: match a saved fingerprint against OS databases and print nmap's OS block. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/util.h"
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
 */
static void usage(void)
{
	fprintf(stderr, "usage: fp-match [--no-guess] [--repeat N] FPFILE "
			"DB...\n");
	exit(FATHOM_EXIT_USAGE);
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, got;

	*len = 0;
	if (f == NULL) {
		fprintf(stderr, "fp-match: %s: %s\n", path, strerror(errno));
		exit(FATHOM_EXIT_USAGE);
	}
	do {
		buf = xgrow(buf, &cap, *len + 4097, 1);
		got = fread(buf + *len, 1, cap - *len - 1, f);
		*len += got;
	} while (got > 0);
	fclose(f);
	buf[*len] = '\0';
	return buf;
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
	text = read_file(argv[i], &len);
	if (osfp_parse(&r.fp, text, len, err, sizeof(err)) < 0) {
		fprintf(stderr, "fp-match: %s: %s\n", argv[i], err);
		return FATHOM_EXIT_USAGE;
	}
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

	for (long k = 0; k < repeat; k++)
		osdb_match(db, &r.fp, &r.matches);
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
	free(text);
	osdb_free(db);
	return FATHOM_EXIT_OK;
}
