/* osdb_int.h -- the compiled form of an nmap-os-db, shared by osdb.c (loading) and osmatch.c (scoring). */
#ifndef FATHOM_OSDB_INT_H
#define FATHOM_OSDB_INT_H

#include <stddef.h>
#include <stdint.h>

#include "fingerprints/osmatch.h"

/*
 * Every attribute nmap knows, numbered in print order: SEQ.SP is slot 0,
 * IE.CD slot 118. A database entry and a subject are both compared slot
 * by slot, so the matcher never looks a name up.
 */
#define OSDB_NSLOTS 119

/* The slot of attribute name (len bytes) of test id, or -1. */
int osdb_slot(int test, const char *name, size_t len);
int osdb_slot_test(int slot);
const char *osdb_slot_name(int slot);

/*
 * How one '|' alternative behaves. nmap 7.93's expr_match first asks
 * whether the subject value is entirely hex (an empty value counts, as
 * 0). If so, an alternative starting '<' or '>' compares numbers; else,
 * when a '-' appears anywhere from this alternative to the end of the
 * expression, the alternative must itself be HEX-HEX and compares as a
 * range, and otherwise matches nothing ("A|1-5" never matches "A");
 * else it compares text. Text compares exactly for the last alternative
 * but only as a prefix for the others (strncmp of the alternative's
 * length), so "|M5B4" matches every value. We keep those quirks because
 * rankings must equal nmap's.
 */
enum osdb_numkind {
	OSDB_NUM_TEXT,  /* compare text */
	OSDB_NUM_LT,    /* value < hi */
	OSDB_NUM_GT,    /* value > lo */
	OSDB_NUM_RANGE, /* lo <= value <= hi */
	OSDB_NUM_NEVER, /* a numeric value never matches */
};

/* One choice inside brackets: HEX, HEX-HEX, >HEX or <HEX (nmap 7.95). */
struct osdb_numalt {
	uint8_t kind; /* OSDB_NUM_TEXT here means equality */
	uint64_t lo, hi;
};

/* Literal text, then (if nnum) a bracket that must match a hex run. */
struct osdb_seg {
	const char *lit;
	uint16_t litlen;
	uint16_t nnum;
	const struct osdb_numalt *num;
};

struct osdb_alt {
	const char *text; /* the alternative as written (not NUL-ended) */
	uint16_t len;
	uint8_t prefix;  /* text compares as a prefix (not the last one) */
	uint8_t numkind; /* enum osdb_numkind, for an all-hex value */
	uint32_t lo, hi; /* 32-bit, as nmap's unsigned int */
	const struct osdb_seg *seg; /* non-NULL: "M[>500]ST11W[1-5]" form */
	uint16_t nseg;
};

/*
 * One (attribute, expression) pair, compiled once. nmap-os-db 7.93 has
 * 540 000 attribute lines but only 16 000 distinct pairs ("T1.R=Y" is
 * in almost every entry), so entries hold pair numbers and the matcher
 * evaluates each pair at most once per subject: the database it walks
 * is 2 MB of numbers instead of 30 MB of expressions.
 */
struct osdb_attr {
	uint16_t slot;
	uint16_t nalt;
	const struct osdb_alt *alt;
	const char *src; /* the expression as written, for interning */
	uint32_t srclen;
	uint32_t hash;
};

/* A table of distinct pairs with an open-addressing index. */
struct osdb_table {
	struct osdb_attr *v;
	size_t n, cap;
	uint32_t *index; /* pair number + 1, 0 empty */
	size_t icap;     /* a power of two, kept at least twice n */
};

struct osdb_entry {
	struct osmatch m; /* name, file, line, classes: what a match shows */
	uint32_t total;   /* sum of the weights of its attributes */
	uint16_t nattrs;
	const uint32_t *attrs; /* pair numbers, in slot order */
};

struct osdb_chunk;

struct osdb {
	struct osdb_chunk *chunks; /* arena: everything entries point at */
	struct osdb_entry **entries;
	size_t n, cap;
	struct osdb_table pairs;
	uint16_t weight[OSDB_NSLOTS];
	int have_points; /* a MatchPoints block replaced defaults */
	const char *points_file;
	int points_line;
};

/* ---- osdb_expr.c: what the loader builds with */

/* A bump allocator in 64 KiB chunks; everything an entry points at. */
void *osdb_arena_alloc(struct osdb_chunk **head, size_t n); /* zeroed */
char *osdb_arena_strndup(struct osdb_chunk **head, const char *s, size_t n);
void osdb_arena_free(struct osdb_chunk *head); /* accepts NULL */
/* Moves every chunk of from into *into (a load that succeeded). */
void osdb_arena_splice(struct osdb_chunk **into, struct osdb_chunk *from);

/* Interning: a's slot, src, srclen and hash (osdb_pair_hash) identify it. */
uint32_t osdb_pair_hash(const struct osdb_attr *a);
long osdb_table_find(const struct osdb_table *t, const struct osdb_attr *a);
uint32_t osdb_table_add(struct osdb_table *t, const struct osdb_attr *a);
void osdb_table_free(struct osdb_table *t);

/*
 * Compiles expression s (n bytes, which must outlive the db: an arena
 * copy) into at->alt/at->nalt. On error returns -1 with a short reason
 * ("bad range '1-G'") in why.
 */
int osdb_compile_expr(struct osdb_chunk **arena, struct osdb_attr *at,
		      const char *s, size_t n, char *why, size_t whylen);

/* Whether the subject value v (vlen bytes) satisfies an attribute. */
struct osdb_value {
	const char *s;
	uint16_t len;
	uint8_t present;
	uint8_t isnum; /* entirely hex, or empty (nmap: strtol consumed all) */
	uint32_t num;
};
int osdb_attr_match(const struct osdb_attr *a, const struct osdb_value *v);

#endif
