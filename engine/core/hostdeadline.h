/* hostdeadline.h -- --host-timeout: one clock per host, nmap's rules, a pure function of the times given. */
#ifndef FATHOM_HOSTDEADLINE_H
#define FATHOM_HOSTDEADLINE_H

#include <stddef.h>
#include <stdint.h>

#include "netstack/addr.h"

/*
 * nmap's host timeout (Target::startTimeOutClock and friends): each host
 * of a group has a clock that runs while a phase works on it and is
 * stopped when the phase is done with it; the time it has used adds up
 * over the phases (discovery, the sweep, -sV, -O). Once a host has used
 * the timeout, it is timed out for good: every phase drops it, and the
 * reports say "Skipping host X due to host timeout" (XML timedout="true").
 *
 * Every host of a group starts together (the group clock); only hosts
 * whose clock leaves it (stopped early, timed out) get an entry of their
 * own, so memory grows with those, never with the targets.
 *
 * Every function takes the time (ns, any monotonic origin) from the
 * caller: tests drive it with a fake clock. A table made with timeout 0
 * (no --host-timeout) never times a host out, and its functions cost
 * nothing. NULL is accepted everywhere as such a table.
 */
struct hostdeadline;

struct hostdeadline *hostdeadline_new(uint64_t timeout_ms);
void hostdeadline_free(struct hostdeadline *hd);

/* 1 when a timeout is set. */
int hostdeadline_enabled(const struct hostdeadline *hd);

/*
 * A phase begins: every host's clock runs from now, except the timed-out
 * ones' (nmap's startTimeOutClocks). Idempotent while running.
 */
void hostdeadline_start_all(struct hostdeadline *hd, uint64_t now);

/* A phase ends: every running clock stops, keeping the time used. */
void hostdeadline_stop_all(struct hostdeadline *hd, uint64_t now);

/* The phase is done with host a (it completed early): its clock stops. */
void hostdeadline_stop(struct hostdeadline *hd, const struct addr *a,
		       uint64_t now);

/*
 * The phase began with host a at `from`, later than the phase itself
 * (discovery reaches hosts one after another: a host is probed when the
 * permutation gets to it), and was done with it at `to`: a's clock
 * stops, charged only from..to for this phase (from the phase's start
 * when from is earlier). Lets discovery charge a host found up early
 * neither the probes that went to others first nor the rest of the pass.
 */
void hostdeadline_span(struct hostdeadline *hd, const struct addr *a,
		       uint64_t from, uint64_t to);

/*
 * Host a, one of a phase's, is reached only at `from` (later than the
 * phase's start): its clock runs from then on, not from the phase's
 * start. Streaming discovery into the sweep: a host's clock starts at
 * its first discovery probe and runs through its sweep.
 */
void hostdeadline_begin(struct hostdeadline *hd, const struct addr *a,
			uint64_t from);

/* Time host a has used, ns (its clock counted up to now when running). */
uint64_t hostdeadline_used(const struct hostdeadline *hd, const struct addr *a,
			   uint64_t now);

/*
 * Whether host a is timed out at now: already marked, or its time used
 * reached the timeout, in which case it is marked (its clock stops for
 * good) and 1 is returned. 0 without a timeout.
 */
int hostdeadline_expired(struct hostdeadline *hd, const struct addr *a,
			 uint64_t now);

/* Whether host a was marked timed out (no clock read). */
int hostdeadline_timed_out(const struct hostdeadline *hd, const struct addr *a);

/*
 * When the last host whose clock runs reaches the timeout (ns, the
 * caller's clock): a phase that cannot drop hosts one by one (the
 * stateless sweep) runs until then. UINT64_MAX without a timeout or
 * with no clock running.
 */
uint64_t hostdeadline_latest(const struct hostdeadline *hd, uint64_t now);

/*
 * When the first host whose clock runs reaches the timeout: how long an
 * event loop may sleep. UINT64_MAX as above.
 */
uint64_t hostdeadline_earliest(const struct hostdeadline *hd, uint64_t now);

/* Hosts marked timed out so far. */
size_t hostdeadline_count(const struct hostdeadline *hd);

#endif
