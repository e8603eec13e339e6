/* osfp.h -- an OS fingerprint as nmap writes it: tests of name=value attributes. */
#ifndef FATHOM_OSFP_H
#define FATHOM_OSFP_H

#include <stddef.h>
#include <time.h>

/*
 * nmap's 2nd-generation IPv4 tests, in the order nmap prints them. The
 * same shape serves a subject fingerprint (values: "SP=105") and, inside
 * osdb.c, a database entry (values are expressions: "SP=FB-10F|0").
 */
enum osfp_test_id {
	OSFP_SEQ,
	OSFP_OPS,
	OSFP_WIN,
	OSFP_ECN,
	OSFP_T1,
	OSFP_T2,
	OSFP_T3,
	OSFP_T4,
	OSFP_T5,
	OSFP_T6,
	OSFP_T7,
	OSFP_U1,
	OSFP_IE,
	OSFP_NTESTS
};

#define OSFP_MAX_ATTRS 16 /* T2-T7 have 11, U1 10: room to spare */
#define OSFP_NAME_MAX 8   /* "RIPCK" plus NUL */
#define OSFP_VALUE_MAX 48 /* a subject value: "M5B4ST11NW7" is 11 */

struct osfp_attr {
	char name[OSFP_NAME_MAX];
	char value[OSFP_VALUE_MAX];
};

struct osfp_test {
	int present; /* the test line exists (even if it only says R=N) */
	int nattrs;
	struct osfp_attr attr[OSFP_MAX_ATTRS]; /* in print order */
};

/* A subject fingerprint: what fathom measured on one host. */
struct osfp {
	struct osfp_test test[OSFP_NTESTS];
};

/* "SEQ", "OPS", ... "IE"; NULL out of range. */
const char *osfp_test_name(int id);
/* The id of a test name, or -1. */
int osfp_test_lookup(const char *name);

void osfp_clear(struct osfp *fp);

/*
 * Sets attribute name of test id to the printf-formatted value, marking
 * the test present; a second set of the same name replaces the value in
 * place (print order is first-set order). Returns 0, or -1 if the test
 * is full, the value does not fit or holds a byte other than printable
 * ASCII without blanks, '%', '(', ')', '=' (the attribute is then left
 * out).
 */
int osfp_set(struct osfp *fp, int id, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Marks test id present with no attributes (yet). */
void osfp_touch(struct osfp *fp, int id);
/* The value of an attribute, or NULL when absent. */
const char *osfp_get(const struct osfp *fp, int id, const char *name);

/*
 * Writes the tests as nmap prints them, one per line:
 *   SEQ(SP=105%GCD=1%ISR=10A%TI=Z%CI=Z%II=I%TS=A)
 * Returns the length it needed (snprintf-style; out may be truncated).
 */
size_t osfp_format(const struct osfp *fp, char *out, size_t outlen);

/*
 * Parses text in that form: lines "TEST(a=b%c=d)", optionally prefixed
 * "OS:" and wrapped as in a submission (the SCAN(...) line is skipped),
 * blank lines ignored. On error returns -1 and writes a one-line reason
 * naming the line number into err. A function of bytes in: no I/O.
 */
int osfp_parse(struct osfp *fp, const char *text, size_t len, char *err,
	       size_t errlen);

/* What the SCAN(...) line of a submission says about the conditions. */
struct osfp_scaninfo {
	const char *version; /* V= fathom's version */
	time_t when;         /* D= m/d, TM= hex epoch */
	int open_port;       /* OT=, -1 unknown */
	int closed_port;     /* CT=, -1 unknown */
	int closed_udp;      /* CU=, -1 unknown */
	int private_addr;    /* PV=Y|N */
	int distance;        /* DS=, -1 unknown */
	char dist_method; /* DC= L (local) D (direct) I (ICMP) T (traceroute) */
	int good;         /* G=Y|N: conditions good enough to submit */
	const char *mac_oui;  /* M= first 3 bytes as hex, or NULL */
	const char *platform; /* P= build triplet */
};

/*
 * nmap's submission form: "SCAN(V=...%E=4%D=...%P=...)" followed by the
 * tests, all concatenated, cut into pieces of 72 characters each prefixed
 * "OS:" (75-character lines, as nmap 7.93 prints them). Returns the
 * length needed (snprintf-style).
 */
size_t osfp_format_submission(const struct osfp *fp,
			      const struct osfp_scaninfo *si, char *out,
			      size_t outlen);

#endif
