/* diff_int.h -- fathom diff's scan model (ndiff's), its loaders and printers. */
#ifndef FATHOM_DIFF_INT_H
#define FATHOM_DIFF_INT_H

#include <stddef.h>
#include <stdio.h>

/* Address types in ndiff's display order. */
enum {
	DADDR_IPV4,
	DADDR_IPV6,
	DADDR_MAC
};

struct daddr {
	int type;
	char *s;
};

/* A <service>'s fields ndiff compares (tunnel only shown). NULL: absent. */
struct dservice {
	char *name, *product, *version, *extrainfo, *tunnel;
};

struct dport {
	int port;
	char *proto;
	char *state; /* NULL: unknown (a port the other scan lacks) */
	struct dservice svc;
};

struct dextra {
	char *state;
	long long count;
};

struct dhost {
	char *state; /* "up", "down"; NULL: not in this scan */
	struct daddr *addrs;
	size_t naddrs;
	char **names;
	size_t nnames;
	struct dport *ports;
	size_t nports;
	struct dextra *extra; /* in document order */
	size_t nextra;
	char **os; /* osmatch names, in order */
	size_t nos;
	char *id; /* ndiff's host id, set by diff_scan_sort() */
};

struct dscan {
	char *scanner, *version, *args;
	long long start; /* -1: none */
	struct dhost *hosts;
	size_t nhosts;
};

/* Model building (diff_out.c). */
struct dhost *dscan_add_host(struct dscan *s);
void dhost_add_addr(struct dhost *h, int type, const char *s);
void dhost_add_name(struct dhost *h, const char *name);
/* The port with that spec, replaced if present (ndiff's dict). */
struct dport *dhost_set_port(struct dhost *h, int port, const char *proto);
void dhost_set_extra(struct dhost *h, const char *state, long long count);
void dhost_add_os(struct dhost *h, const char *name);
void dscan_free(struct dscan *s);

/*
 * ndiff's order: addresses by type then text, names, ports by number
 * then protocol, hosts by Host.get_id() ("%-40s" of the least address,
 * then the least name; stable). dscan_sort() sorts all of a scan and
 * sets each host's id.
 */
int daddr_cmp(const void *x, const void *y);
int dport_cmp(const void *x, const void *y);
int dhost_cmp(const void *x, const void *y);
void dscan_sort(struct dscan *s);

/* An nmap XML file into s. 0, or -1 with err. */
int diff_load_xml(const char *path, struct dscan *s, char *err, size_t errlen);

/*
 * A scan of an inventory database: db a SQLite file or a postgresql://
 * URI, ref a scan id, "last" or "last~N". 0, or -1 with err.
 */
int diff_load_db(const char *db, const char *ref, struct dscan *s, char *err,
		 size_t errlen);

/*
 * Prints the differences of a and b (sorted here) as ndiff's text, or
 * as NDJSON records; verbose as ndiff -v. Returns ndiff's cost: 0 when
 * they are the same.
 */
int diff_print_text(FILE *f, struct dscan *a, struct dscan *b, int verbose);
int diff_print_json(FILE *f, struct dscan *a, struct dscan *b, int verbose);

/*
 * difflib.SequenceMatcher(None, a, b).get_opcodes() over two string
 * lists (no junk; autojunk only matters from 200 items, more than any
 * OS match list): up to max opcodes into op, each {tag, i1, i2, j1, j2}
 * with tag 'e'qual, 'r'eplace, 'd'elete or 'i'nsert. Returns the count.
 */
struct seq_op {
	char tag;
	size_t i1, i2, j1, j2;
};
size_t seqmatch_opcodes(char *const *a, size_t na, char *const *b, size_t nb,
			struct seq_op *op, size_t max);

#endif
