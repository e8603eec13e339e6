/* targets.h -- nmap-style IPv4 and IPv6 target specifications as an indexable set. */
#ifndef FATHOM_TARGETS_H
#define FATHOM_TARGETS_H

#include <stddef.h>
#include <stdint.h>

#include "netstack/addr.h"

/*
 * A target set is a sorted list of disjoint address intervals (struct
 * addr, each interval within one family) with prefix sums, so the
 * scanner can map an index in [0, count) to an address and back in
 * O(log n) without ever expanding the set: a /8 costs one interval, not
 * 16M entries. Index order is addr_cmp's order (IPv4 before IPv6, then
 * numeric), which is the order hosts are reported in.
 *
 * A set holds at most 2^32 addresses (finalize refuses more), the whole
 * IPv4 space: an IPv6 prefix must be /96 or longer.
 *
 * Lifecycle: targets_new(), optionally targets_set_family(), any number
 * of targets_add*() and targets_exclude*(), then targets_finalize()
 * once; after that only the const accessors may be used. Adding after
 * finalize is a bug (abort).
 */
struct target_set;

/* A new set that takes IPv4 targets (nmap without -6). */
struct target_set *targets_new(void);
void targets_free(struct target_set *ts); /* accepts NULL */

/*
 * Which family the set takes, before anything is added (abort otherwise):
 * ADDR_V4 (the default), ADDR_V6 (-6: literals must be IPv6, names
 * resolve to their first AAAA record), or 0 for either family (names
 * resolve to IPv4; for tests and tools). A literal of a family the set
 * does not take is an error naming it, as nmap refuses to mix them.
 */
void targets_set_family(struct target_set *ts, int family);
int targets_family(const struct target_set *ts);

/*
 * Adds one whitespace-free token in nmap's syntax:
 *   198.18.0.10            single address
 *   198.18.0.0/24          CIDR (/0../32); hostname/24 resolves first
 *   198.18.0-3.1-254       octet ranges and lists: "1,3,5-7", "-" = 0-255,
 *                          open ends "-10" and "250-"
 *   fd5a:7a6f:1ab0::10     an IPv6 address (any RFC 4291 form, no zone)
 *   fd5a:7a6f:1ab0:1::/120 an IPv6 prefix, /96../128 (at most 2^32
 *                          addresses: /64 is refused with that limit)
 *   fd5a::1-ff             fathom's IPv6 range (nmap has none): the last
 *   fd5a::1-fd5a::1:0      group replaced by 1-4 hex digits, or a whole
 *                          end address; at most 2^32 addresses
 *   fx-svc.lab             hostname, resolved with getaddrinfo (the set's
 *                          family, first address, as nmap does) unless
 *                          no_dns is set, in which case a hostname is an
 *                          error.
 * The name a user typed is remembered for the report (targets_name()).
 * Returns 0, or -1 with err = "bad target 'TOKEN': reason" (one line).
 */
int targets_add(struct target_set *ts, const char *token, int no_dns, char *err,
		size_t errlen);

/* Same grammar, but the addresses are removed from the final set. */
int targets_exclude(struct target_set *ts, const char *token, int no_dns,
		    char *err, size_t errlen);

/*
 * Comma-separated list of tokens (--exclude a,b). Commas inside octet
 * ranges are part of the octet ("198.18.0.1,2" is one token): a comma
 * starts a new token only when what follows does not continue the octet
 * list, i.e. nmap's behaviour of splitting on commas then re-joining is NOT
 * copied; instead: split on ',' and if a piece has no '.', ':' or letters
 * it continues the previous token's last octet.
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
 * exclusions" / "no targets were specified") or holds more than 2^32
 * addresses (the message states the limit).
 */
int targets_finalize(struct target_set *ts, char *err, size_t errlen);

uint64_t targets_count(const struct target_set *ts);

/*
 * Address of index i, 0 <= i < count. O(log intervals), no allocation:
 * the sweep calls it once per probe.
 */
struct addr targets_at(const struct target_set *ts, uint64_t i);

/*
 * The same as a host-order integer, for code that is IPv4 by nature (the
 * sweep's IPv4 frames): the set must hold IPv4 there (abort otherwise).
 */
uint32_t targets_at_v4(const struct target_set *ts, uint64_t i);

/* Index of addr, or -1 if addr is not in the set. O(log intervals). */
int64_t targets_index_of(const struct target_set *ts, const struct addr *addr);

/* The hostname the user gave for addr, or NULL. */
const char *targets_name(const struct target_set *ts, const struct addr *addr);

/*
 * A new finalized set of the addresses at indices [first, first + count)
 * of ts (clipped to its end), with their names: one host group. NULL
 * when that range is empty.
 */
struct target_set *targets_slice(const struct target_set *ts, uint64_t first,
				 uint64_t count);

/*
 * A new finalized set of the n addresses keep (ascending, each in ts),
 * with their names (targets_subset.c): a host group narrowed to the
 * hosts discovery found up. NULL when n is 0.
 */
struct target_set *targets_subset(const struct target_set *ts,
				  const struct addr *keep, size_t n);
/*
 * A new finalized set of the addresses of ts in slice shard (0-based) of
 * nshards slices of a seeded permutation of its indices (permute_slice),
 * with their names: --shard. The same (ts, seed, nshards) always slices
 * the same way, the slices are disjoint and their union is ts. O(count)
 * time; the result holds one interval per run of neighbours kept. NULL
 * when the slice is empty (nshards > count).
 */
struct target_set *targets_shard(const struct target_set *ts, uint64_t seed,
				 uint32_t nshards, uint32_t shard);

/* Number of intervals (for tests and for route planning). */
size_t targets_nintervals(const struct target_set *ts);
/* Interval k as [first, last] inclusive, one family. */
void targets_interval(const struct target_set *ts, size_t k, struct addr *first,
		      struct addr *last);

#endif
