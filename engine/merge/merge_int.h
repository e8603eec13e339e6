/* merge_int.h -- what merge.c shares with its readers and writers (merge_text.c, merge_xml.c). */
#ifndef FATHOM_MERGE_INT_H
#define FATHOM_MERGE_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "netstack/addr.h"

enum merge_fmt {
	MF_XML,
	MF_NORMAL,
	MF_GREP,
	MF_JSON,
	MF_NFMT
};

/* A shard's identity, from its "fathom-shard:" header or NDJSON begin. */
struct merge_meta {
	int have;
	uint32_t shard, shards; /* shard 0-based */
	uint64_t seed, fingerprint;
	char scan_id[72]; /* "" when none */
};

/* One host as its input wrote it: text (normal, grepable, NDJSON lines)
 * or an XML <host> node. */
struct merge_host {
	struct addr addr;
	int up;
	size_t seq; /* input order: of two, the later one stays */
	char *text; /* malloc'd; NULL for XML */
	void *node; /* xmlNodePtr for XML */
	char **fp;  /* normal: its unrecognised services' SF-Port prints,
			 as printed (wrapped), malloc'd */
	size_t nfp;
};

struct merge_doc {
	enum merge_fmt fmt;
	char *name; /* the input's path (a copy) */
	struct merge_meta meta;
	char *cmdline;      /* the first section's command line */
	char *extra;        /* normal: the detection line; grepable: "# Ports
			      scanned:" line; NDJSON: the begin record */
	time_t start, end;  /* the first section's start, the last's end */
	uint64_t total;     /* the last section's targets (the whole shard) */
	int finished;       /* the last section ended without interruption */
	uint64_t fp_unseen; /* normal: prints counted, not shown (past 9) */
	struct merge_host *h;
	size_t nh, cap;
	void *xml; /* xmlDocPtr for XML */
};

/* "shard=I shards=N seed=S fingerprint=HEX [scan-id=ID]": 0 or -1. */
int merge_meta_parse(const char *s, size_t len, struct merge_meta *m);

/* Appends a host (text taken over, may be NULL); never fails. */
struct merge_host *merge_doc_add(struct merge_doc *d, const struct addr *a,
				 int up, char *text, void *node);

/*
 * Readers: bytes of one input into d (fmt, name set by the caller).
 * Return 0, or -1 with err naming what is wrong ("LINE: ...").
 * merge_parse_text takes MF_NORMAL, MF_GREP and MF_JSON.
 */
int merge_parse_text(struct merge_doc *d, const char *buf, size_t len,
		     char *err, size_t errlen);
int merge_parse_xml(struct merge_doc *d, const char *buf, size_t len, char *err,
		    size_t errlen);
void merge_doc_free(struct merge_doc *d);
void merge_xml_free(void *xml); /* an xmlDocPtr; accepts NULL */

/*
 * One input's bytes, its format told by content (a name ending .gnmap
 * tells grepable from normal when neither shows a host): the fuzz
 * harness's entry. 0, or -1 with err; merge_doc_free() either way.
 */
int merge_parse(struct merge_doc *d, const char *name, const char *buf,
		size_t len, char *err, size_t errlen);

/* The merged report's figures. */
struct merge_sum {
	const struct merge_meta *meta;
	const char *cmdline;
	time_t start, end;
	uint64_t total, up;
	uint64_t fp_unseen; /* normal: the inputs' prints not shown */
};

/* Writers: the hosts (sorted, one per address) of format fmt's inputs. */
int merge_write_text(FILE *f, enum merge_fmt fmt, const struct merge_doc *d0,
		     struct merge_host *const *h, size_t n,
		     const struct merge_sum *sum);
int merge_write_xml(const char *path, const struct merge_doc *d0,
		    struct merge_host *const *h, size_t n,
		    const struct merge_sum *sum, char *err, size_t errlen);

/* The unrecognised-service block of one batch of normal output (merge_fp.c). */
struct merge_fpblock {
	int on;            /* inside a block */
	uint64_t declared; /* its "N services" */
	char **t;          /* its prints as read, wrapped */
	size_t n;
	size_t first; /* d->h index of the batch's first host */
};

/*
 * A normal-output line: 1 if it was part of a block (read into b), 0
 * otherwise, after closing the open block. Closing gives each print to
 * its host: by the shard's "# fathom-shard-fp:" owners line, else by
 * port; partial: the section was interrupted (prints not shown are not
 * counted). merge_fp_close() closes b at the end of the input.
 */
int merge_fp_line(struct merge_doc *d, struct merge_fpblock *b, int partial,
		  const char *l, size_t n);
void merge_fp_close(struct merge_doc *d, struct merge_fpblock *b, int partial,
		    const char *owners, size_t len);
/* The one block of the merged hosts' prints (address, port order, at
 * most 9 shown, unseen more counted); nothing when there is none. */
void merge_fp_write(FILE *f, struct merge_host *const *h, size_t n,
		    uint64_t unseen);

/* "N IP address(es) (M host(s) up) scanned in X seconds". */
void merge_summary(const struct merge_sum *sum, char *buf, size_t len);
/* "shards=N seed=S fingerprint=HEX [scan-id=ID]". */
void merge_meta_line(const struct merge_meta *m, char *buf, size_t len);

#endif
