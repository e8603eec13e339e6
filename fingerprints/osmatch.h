/* osmatch.h -- the OS database (nmap-os-db format) and scoring a fingerprint against it. */
#ifndef FATHOM_OSMATCH_H
#define FATHOM_OSMATCH_H

#include <stddef.h>

#include "osfp.h"

/*
 * A loaded, precompiled database: every expression is parsed once at
 * load time into value/range/comparison alternatives, so matching one
 * fingerprint against thousands of entries does no string parsing
 * (nmap #2050). Entries from several files accumulate in load order.
 */
struct osdb;

struct osdb *osdb_new(void);
void osdb_free(struct osdb *db); /* accepts NULL */

/*
 * Adds the entries of one file in nmap-os-db format: MatchPoints,
 * Fingerprint, Class, CPE [auto], test lines, comments. On error returns
 * -1, writes "FILE:LINE: reason" into err and leaves db as it was.
 *
 * Weights: a new db scores with nmap 7.93's MatchPoints. The first
 * MatchPoints block loaded replaces them all (an attribute it does not
 * name then weighs nothing); a later file's block must be identical.
 * Every entry needs a name, a Class and at least one test line; an
 * unknown test or attribute, a repeated one, or a malformed expression
 * (range "A-B" needs A < B; "<X", ">X" need hex) is an error.
 */
int osdb_load_file(struct osdb *db, const char *path, char *err, size_t errlen);
/* The same from memory; name stands for the file in messages. */
int osdb_load_buf(struct osdb *db, const char *name, const char *buf,
		  size_t len, char *err, size_t errlen);
size_t osdb_count(const struct osdb *db);

#define OSCLASS_MAX_CPE 8 /* nmap-os-db 7.93 has up to 8 per Class */

struct osclass {
	const char *vendor;               /* "Linux" */
	const char *family;               /* "Linux" */
	const char *gen;                  /* "6.X", or "" */
	const char *devtype;              /* "general purpose" */
	const char *cpe[OSCLASS_MAX_CPE]; /* its CPE lines, "cpe:/o:..." */
	int ncpe;
};

#define OSMATCH_MAX 36 /* nmap's MAX_FP_RESULTS */

struct osmatch {
	const char *name; /* the Fingerprint line's text */
	const char *file; /* which database it came from */
	int line;         /* line of its Fingerprint line (XML line=) */
	double accuracy;  /* matched / possible points, 0..1 */
	const struct osclass *classes;
	int nclasses;
};

/* Pointers stay valid while the osdb lives. */
struct osmatch_list {
	struct osmatch m[OSMATCH_MAX]; /* best first */
	int n;
	int nperfect; /* leading entries with accuracy 1.0 */
};

/*
 * Scores fp against every entry as nmap does: over the attributes present
 * in both, possible += weight, matched += weight when the value satisfies
 * the expression; accuracy = matched/possible. Keeps entries >= 0.85, one
 * per OS name, best first, at most OSMATCH_MAX.
 */
void osdb_match(const struct osdb *db, const struct osfp *fp,
		struct osmatch_list *out);

/*
 * nmap's choice among the fingerprints of several rounds (osscan2.cc
 * findBestFPs): the first whose best match is strictly the best, stopping
 * at the first with a perfect match; the first one when none matches.
 * out gets that round's list; returns its index (0 when n < 1).
 */
int osdb_match_best(const struct osdb *db, const struct osfp *fps, int n,
		    struct osmatch_list *out);

#endif
