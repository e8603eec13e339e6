/* util.h -- allocation that dies on OOM, error buffers, monotonic time. */
#ifndef FATHOM_UTIL_H
#define FATHOM_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdarg.h>

/* Exit statuses, documented in fathom(1). */
#define FATHOM_EXIT_OK 0    /* scan done, even if nothing was up */
#define FATHOM_EXIT_FAIL 1  /* runtime failure: privileges, route, pcap... */
#define FATHOM_EXIT_USAGE 2 /* bad option, target, port, file */

/*
 * The CLI aborts on OOM (as zmap's xalloc does): every size that comes from
 * the network is bounded before it reaches these, so running out of memory
 * is a bug or a hostile machine, never a recoverable condition.
 */
void *xmalloc(size_t n); /* zero-filled */
void *xcalloc(size_t nmemb, size_t n);
void *xrealloc(void *p, size_t n);
/* Grows *p (holding *cap elements of size elt) to hold at least want. */
void *xgrow(void *p, size_t *cap, size_t want, size_t elt);
char *xstrdup(const char *s);

/*
 * Error buffers: parsers take `char *err, size_t errlen` and fill a
 * one-line message naming the bad token (no trailing newline).
 */
void errf(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Monotonic clock in nanoseconds. */
uint64_t now_ns(void);

/* Strict unsigned parse of the whole string: 0 ok, -1 on junk/overflow. */
int parse_u64(const char *s, uint64_t max, uint64_t *out);

/*
 * nmap time specs: "500ms", "2s", "1.5m", "1h"; a bare number is seconds.
 * Stores milliseconds; -1 on junk.
 */
int parse_time_ms(const char *s, uint64_t *ms);

/*
 * Reads all of f into a malloc'd buffer (NUL-terminated, *n bytes
 * before the NUL). NULL on a read error (errno set), or with errno
 * EFBIG once more than max bytes arrive: a user's "file" may be
 * /dev/zero or a FIFO that never ends, and memory must stay bounded.
 */
char *read_all(FILE *f, size_t max, size_t *n);

/*
 * Reads the whole file at path (at most max bytes) for a parser. NULL
 * with err = "PATH: reason" (the OS's words, or "file larger than N
 * MiB"); the databases' loaders share it so their messages agree.
 */
char *read_file(const char *path, size_t max, size_t *n, char *err,
		size_t errlen);

/* Limits for read_all: databases, and target/output files. */
#define READ_MAX_DB ((size_t)64 << 20)
#define READ_MAX_LIST ((size_t)1 << 30)

#endif
