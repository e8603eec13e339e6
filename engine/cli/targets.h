/* targets.h -- nmap-style IPv4 target specifications as an indexable set. */
#ifndef FATHOM_TARGETS_H
#define FATHOM_TARGETS_H

#include <stddef.h>
#include <stdint.h>

/*
 * A target set is a sorted list of disjoint IPv4 intervals (host byte
 * order) with prefix sums, so the scanner can map an index in
 * [0, count) to an address and back in O(log n) without ever expanding
 * the set: a /8 costs one interval, not 16M entries.
 *
 * Lifecycle: targets_new(), any number of targets_add*() and
 * targets_exclude*(), then targets_finalize() once; after that only the
 * const accessors may be used. Adding after finalize is a bug (abort).
 */
struct target_set;

struct target_set *targets_new(void);
void targets_free(struct target_set *ts); /* accepts NULL */

/*
 * Adds one whitespace-free token in nmap's syntax:
 *   198.18.0.10            single address
 *   198.18.0.0/24          CIDR (/0../32); hostname/24 resolves first
 *   198.18.0-3.1-254       octet ranges and lists: "1,3,5-7", "-" = 0-255,
 *                          open ends "-10" and "250-"
 *   fx-svc.lab             hostname, resolved with getaddrinfo (IPv4, first
 *                          address, as nmap does) unless no_dns is set, in
 *                          which case a hostname is an error.
 * The name a user typed is remembered for the report (targets_name()).
 * Returns 0, or -1 with err = "bad target 'TOKEN': reason" (one line).
 */
int targets_add(struct target_set *ts, const char *token, int no_dns,
		char *err, size_t errlen);

/* Same grammar, but the addresses are removed from the final set. */
int targets_exclude(struct target_set *ts, const char *token, int no_dns,
		    char *err, size_t errlen);

/*
 * Comma-separated list of tokens (--exclude a,b). Commas inside octet
 * ranges are part of the octet ("198.18.0.1,2" is one token): a comma
 * starts a new token only when what follows does not continue the octet
 * list, i.e. nmap's behaviour of splitting on commas then re-joining is NOT
 * copied; instead: split on ',' and if a piece has no '.' and no letters it
 * continues the previous token's last octet.
 */
int targets_exclude_list(struct target_set *ts, const char *list, int no_dns,
			 char *err, size_t errlen);

/*
 * Reads tokens from a file ("-" = stdin), separated by any whitespace;
 * '#' starts a comment to end of line. Errors name "FILE:LINE: bad target
 * 'TOKEN': reason" or "cannot open FILE: strerror".
 * exclude != 0 makes it --excludefile.
 */
int targets_add_file(struct target_set *ts, const char *path, int exclude,
		     int no_dns, char *err, size_t errlen);

/*
 * Sorts, merges, subtracts excludes and builds the index. Returns 0, or -1
 * with err set when the result is empty ("no targets left after
 * exclusions" / "no targets were specified").
 */
int targets_finalize(struct target_set *ts, char *err, size_t errlen);

uint64_t targets_count(const struct target_set *ts);

/* Address (host order) of index i, 0 <= i < count. O(log intervals). */
uint32_t targets_at(const struct target_set *ts, uint64_t i);

/* Index of addr, or -1 if addr is not in the set. O(log intervals). */
int64_t targets_index_of(const struct target_set *ts, uint32_t addr);

/* The hostname the user gave for addr, or NULL. */
const char *targets_name(const struct target_set *ts, uint32_t addr);

/*
 * A new finalized set of the addresses at indices [first, first + count)
 * of ts (clipped to its end), with their names: one host group. NULL
 * when that range is empty.
 */
struct target_set *targets_slice(const struct target_set *ts, uint64_t first,
				 uint64_t count);

/* Number of intervals (for tests and for route planning). */
size_t targets_nintervals(const struct target_set *ts);
/* Interval k as [first, last] inclusive, host order. */
void targets_interval(const struct target_set *ts, size_t k, uint32_t *first,
		      uint32_t *last);

#endif
