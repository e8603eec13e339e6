/* svcmatch.h -- matches service responses against the probe database. */
#ifndef FATHOM_SVCMATCH_H
#define FATHOM_SVCMATCH_H

#include <stddef.h>
#include <stdint.h>

#include "probes/servicedb.h"

enum svc_kind {
	SVC_NONE = 0,
	SVC_SOFT = 1, /* softmatch: service known, keep probing for more */
	SVC_HARD = 2, /* match: done */
};

/*
 * What one match line said about one response. Text fields hold the
 * template output as raw bytes (no NUL inside; control and 8-bit bytes
 * are possible: reports must escape them). A field whose template
 * overflows nmap's buffer size (product, version, hostname 80, info
 * 256, ostype, devicetype 32, each cpe 80, NUL included) or names a
 * group that did not participate comes out empty, as in nmap.
 *
 * Each answer stands alone. nmap copies only the non-empty fields of a
 * hard match over what an earlier softmatch left (nmap #1042: a PHP
 * softmatch's version ends up on an nginx hard match). Callers must
 * replace a softmatch answer with the hard one, never merge them.
 *
 * cpe keeps every cpe template of the line that expanded, in line
 * order; nmap keeps only the last one of each part (a, h, o).
 */
struct svc_answer {
	int kind;                       /* enum svc_kind */
	char service[SVC_NAME_MAX + 1]; /* without "ssl/" */
	int ssl;                        /* the line said "ssl/<service>" */
	char product[81], version[81], info[257], hostname[81];
	char ostype[33], devicetype[33];
	char cpe[SVC_MAX_CPE][128]; /* "cpe:/a:openbsd:openssh:9.2p1" */
	int ncpe;
	const char *file; /* the match line, for traces */
	int line;
	const struct svc_probe *via; /* probe whose line matched */
};

/*
 * Matches data (the whole response accumulated so far) the way nmap
 * does: the lines of probe->chain in order (the probe itself, its
 * fallbacks, then the NULL probe for TCP), file order within a probe;
 * the first line that matches, soft or hard, wins. If only_service is
 * not NULL (after a softmatch) only lines for that service (compared
 * without "ssl/") are tried. nmap tries every line instead: a hard
 * match for another service still wins there, and a softmatch for
 * another service is ignored; pass NULL to get that behaviour.
 * A regex that hits the match, depth or heap limit does not match.
 * Fills *out (always cleared first) and returns out->kind. probe is
 * not NULL; data may be NULL when len is 0. db must be finalized.
 * Thread-safe: db is only read.
 */
int svcmatch_run(const struct svcdb *db, const struct svc_probe *probe,
		 const uint8_t *data, size_t len, const char *only_service,
		 struct svc_answer *out);

/* Tries the single line m (for tools and tests); same contract. */
int svcmatch_line(const struct svcdb *db, const struct svc_match *m,
		  const uint8_t *data, size_t len, struct svc_answer *out);

/*
 * Parses the text after "match " or "softmatch " (soft) into m:
 *   <service> m<d>regex<d>[is] [p/../ v/../ i/../ h/../ o/../ d/..]
 *   [cpe:/<a|h|o>:...<d>[flags]]...
 * compiling the regex (PCRE2 bytes; i = CASELESS, s = DOTALL), JIT
 * when jit is set, and refusing one that matches an empty response
 * (tested with mctx and scratch, a match data block of any size).
 * Template substitutions are checked here, so a bad one is a load
 * error rather than a silently empty field:
 *   $1..$9               the group's bytes (up to a NUL, like nmap)
 *   $P(n)                the group's printable ASCII bytes only
 *   $SUBST(n,"a","b")    the group with every "a" replaced by "b"
 *   $I(n,">") $I(n,"<")  a big/little-endian group of <= 8 bytes, decimal
 * String arguments take svc_unescape() escapes, at most 126 bytes;
 * groups must exist in the regex. m->file and m->line are left for the
 * caller. Returns 0, or -1 with why set (m then holds nothing).
 */
int svc_match_parse(struct svc_match *m, const char *text, int soft, int jit,
		    const pcre2_match_context *mctx, pcre2_match_data *scratch,
		    char *why, size_t whylen);

/* Frees what m holds and zeroes it; accepts NULL. */
void svc_match_free(struct svc_match *m);

#endif
