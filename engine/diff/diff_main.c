/* diff_main.c -- fathom diff: its command line, inputs and exit status. */
#include "config.h"

#include "engine/diff/diff.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/diff/diff_int.h"
#include "engine/invdb/invdb_int.h"
#include "netstack/base/util.h"

enum {
	DIFF_SAME = 0,
	DIFF_DIFFERENT = 1,
	DIFF_ERROR = 2
};

static void usage(FILE *f)
{
	fputs("Usage: fathom diff [--json] [-v] A B\n"
	      "       fathom diff [--json] [-v] DB SCAN1 SCAN2\n"
	      "Compares two scans as ndiff does: hosts up/down, ports opened\n"
	      "or closed, services and versions changed, OS matches.\n"
	      "A and B: nmap XML files (-oX), or DB#SCAN: a scan of an\n"
	      "inventory database (-oS), DB a SQLite file or a\n"
	      "postgresql:// URI, SCAN an id, last or last~N.\n"
	      "  --json         NDJSON records instead of ndiff's text\n"
	      "  --text         ndiff's text (the default)\n"
	      "  -v, --verbose  also hosts and ports that did not change\n"
	      "Exit status: 0 the same, 1 different, 2 trouble.\n",
	      f);
}

/* 1 when path is a SQLite database file (its 16-byte header). */
static int is_sqlite(const char *path)
{
	char head[16] = "";
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL)
		return 0;
	n = fread(head, 1, sizeof(head), f);
	fclose(f);
	return n == sizeof(head) && memcmp(head, "SQLite format 3", 16) == 0;
}

/*
 * One side: DB#SCAN, or an XML file. A database named without a scan is
 * refused (which scan would it be?).
 */
static int load_side(const char *arg, struct dscan *s, char *err, size_t errlen)
{
	const char *hash = strrchr(arg, '#');

	if (hash && (inv_is_pg(arg) || hash > arg)) {
		char *db = xstrdup(arg);
		int rc;

		db[hash - arg] = '\0';
		if (inv_is_pg(db) || is_sqlite(db)) {
			rc = diff_load_db(db, hash + 1, s, err, errlen);
			free(db);
			return rc;
		}
		free(db);
	}
	if (inv_is_pg(arg) || is_sqlite(arg)) {
		snprintf(err, errlen,
			 "%s is a database: name a scan (%s#ID, #last) or "
			 "give two (fathom diff DB SCAN1 SCAN2)",
			 arg, arg);
		return -1;
	}
	return diff_load_xml(arg, s, err, errlen);
}

static int bad_usage(const char *what)
{
	fprintf(stderr, "fathom diff: %s (fathom diff --help)\n", what);
	return DIFF_ERROR;
}

/*
 * The options, with optind left at the first scan. Returns -1 to go on,
 * or the exit status: DIFF_SAME after --help, DIFF_ERROR for a bad one.
 */
static int diff_opts(int argc, char **argv, int *json, int *verbose)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "text", no_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char err[1024];
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+vh", lo, NULL)) != -1) {
		switch (c) {
		case 'j':
			*json = 1;
			break;
		case 't':
			*json = 0;
			break;
		case 'v':
			*verbose = 1;
			break;
		case 'h':
			usage(stdout);
			return DIFF_SAME;
		default:
			snprintf(err, sizeof(err), "unrecognized option '%s'",
				 argv[optind - 1]);
			return bad_usage(err);
		}
	}
	return -1;
}

/*
 * DB SCAN1 SCAN2: both scans from one database. Returns -1 with err when
 * DB is not a database (a usage error), else 0 with err set if a scan
 * could not be loaded.
 */
static int load_db_scans(char **argv, struct dscan *a, struct dscan *b,
			 char *err, size_t errlen)
{
	size_t na = strlen(argv[0]) + strlen(argv[1]) + 2;
	size_t nb = strlen(argv[0]) + strlen(argv[2]) + 2;
	char *ra = xmalloc(na), *rb = xmalloc(nb);

	if (!inv_is_pg(argv[0]) && !is_sqlite(argv[0])) {
		free(ra);
		free(rb);
		snprintf(err, errlen,
			 "%s is not a database (a SQLite file or a "
			 "postgresql:// URI)",
			 argv[0]);
		return -1;
	}
	snprintf(ra, na, "%s#%s", argv[0], argv[1]);
	snprintf(rb, nb, "%s#%s", argv[0], argv[2]);
	if (load_side(ra, a, err, errlen) == 0)
		load_side(rb, b, err, errlen);
	free(ra);
	free(rb);
	return 0;
}

/*
 * The two scans of the command line (argc, argv past the options).
 * Returns -1 with err for a usage error, else 0 with err set if a scan
 * could not be loaded.
 */
static int load_scans(int argc, char **argv, struct dscan *a, struct dscan *b,
		      char *err, size_t errlen)
{
	if (argc == 3)
		return load_db_scans(argv, a, b, err, errlen);
	if (argc != 2) {
		snprintf(err, errlen,
			 "needs two scans: A B, or DB SCAN1 SCAN2");
		return -1;
	}
	if (load_side(argv[0], a, err, errlen) == 0)
		load_side(argv[1], b, err, errlen);
	return 0;
}

int diff_main(int argc, char **argv)
{
	struct dscan a = { 0 }, b = { 0 };
	int json = 0, verbose = 0, cost, rc;
	char err[1024] = "";

	rc = diff_opts(argc, argv, &json, &verbose);
	if (rc >= 0)
		return rc;
	rc = DIFF_ERROR;
	if (load_scans(argc - optind, argv + optind, &a, &b, err, sizeof(err)) <
	    0)
		return bad_usage(err);
	if (err[0]) {
		fprintf(stderr, "fathom diff: %s\n", err);
		goto out;
	}
	cost = json ? diff_print_json(stdout, &a, &b, verbose)
		    : diff_print_text(stdout, &a, &b, verbose);
	fflush(stdout);
	if (ferror(stdout)) {
		fprintf(stderr, "fathom diff: cannot write stdout\n");
		goto out;
	}
	rc = cost ? DIFF_DIFFERENT : DIFF_SAME;
out:
	dscan_free(&a);
	dscan_free(&b);
	return rc;
}
