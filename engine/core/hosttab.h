/* hosttab.h -- the host table: per host what the phases learned. */
#ifndef FATHOM_HOSTTAB_H
#define FATHOM_HOSTTAB_H

#include <stddef.h>
#include <stdint.h>

#include "engine/core/results.h"
#include "netstack/addr.h"

/*
 * One host group's table, keyed by address. Phases write it through
 * the hosttab_set_* calls below (engine/core/scanreport.c, from the
 * phases' adaptors, after or while they run); the report writers and
 * the phases after them read it through engine/core/hostiter.h. It is
 * sparse: a record exists only for a host some phase said something
 * about (answered a probe or ARP/ND, has a service, an OS, a path), so
 * a /8 sweep costs memory per reply, not per target. Discovery's
 * verdict (who is up, why, its reply time) stays in discovery's own
 * sorted table, which the host table refers to rather than copies: a
 * dry run of a /12 finds a million hosts "up" with nothing else to
 * say. Hosts without a record that a walk still reports (-Pn, hosts
 * discovery found up, its down hosts with -v) are the walk's.
 *
 * What a record points to (answers, services, OS, hops) belongs to the
 * phase that wrote it and lives until that phase's group_end; the
 * table itself until hosttab_free() (the group's end). Not
 * thread-safe: the phase runner's thread writes and reads it.
 */

struct svc_result;
struct os_result;
struct trace_result;
struct trace_results;
struct hostdeadline;
struct disc_results;

/* Why a host counts as up. */
enum hostiter_why {
	HI_WHY_NONE = 0, /* never for a reported host */
	HI_WHY_ARP,      /* answered ARP: "arp-response" */
	HI_WHY_USER,     /* -Pn: "user-set" */
	HI_WHY_REPLY,    /* its own reply to a probe: that reason and ttl */
};

/* A service answer, keyed by (protocol, port). */
struct hosttab_svc {
	uint16_t port;
	uint8_t proto;              /* IPPROTO_TCP or IPPROTO_UDP */
	const struct svc_result *r; /* -sV's answer (vscan.h) */
};

struct hosttab_host {
	struct addr addr;
	/*
	 * How the sweep found it up, when discovery did not decide (its
	 * verdict is hosttab_set_discovery()'s table, not copied here).
	 */
	int why;            /* enum hostiter_why; HI_WHY_NONE: not up */
	const char *reason; /* nmap's name for why (static text) */
	uint8_t reason_ttl; /* the reply's ttl for HI_WHY_REPLY, else 0 */
	int has_mac;        /* answered ARP (IPv4) or ND (IPv6) */
	uint8_t mac[6];
	/*
	 * Latency and nmap's <times> over its own replies in port order
	 * (hostiter.h says how); rtt_us 0 and the rest -1 when unknown.
	 */
	uint32_t rtt_us;
	int64_t srtt_us, rttvar_us, to_us;
	/* Its answered probes, by protocol then port (the sweep's store). */
	const struct port_result *res;
	size_t nres;
	/* Services by (protocol, port), ascending. */
	struct hosttab_svc *svc;
	size_t nsvc, svc_cap;
	const struct os_result *os;       /* -O's result, or NULL */
	const struct trace_result *trace; /* --traceroute's path, or NULL */
};

/* An unrecognised service's SF-Port print, in the order -sV gave them. */
struct hosttab_fp {
	struct addr addr;
	uint16_t port;
	const char *fp;
};

struct hosttab;

/*
 * An empty table. min_rtt_ms/max_rtt_ms bound the <times> timeout (the
 * run's --min/--max-rtt-timeout); hd is the group's --host-timeout
 * clocks (NULL: none), read by the walk.
 */
struct hosttab *hosttab_new(uint64_t min_rtt_ms, uint64_t max_rtt_ms,
			    const struct hostdeadline *hd);
void hosttab_free(struct hosttab *t); /* accepts NULL */

/* The record of a, or NULL. O(log n). */
const struct hosttab_host *hosttab_find(const struct hosttab *t,
					const struct addr *a);
/* Records in address order: i < hosttab_count(t). */
size_t hosttab_count(const struct hosttab *t);
const struct hosttab_host *hosttab_at(const struct hosttab *t, size_t i);

/* ---- written by the phases ---- */

/*
 * Discovery ran and decides who is up: d (engine/disc/discovery.h, kept
 * by discovery until its group_end) holds the hosts it found up, why,
 * and d->all every target of the group (names, and the -v walk);
 * walk_all (-v, not --open) also reports the targets it found down.
 * Without this call the sweep decides.
 */
void hosttab_set_discovery(struct hosttab *t, const struct disc_results *d,
			   int walk_all);
/* Discovery's table when it decides (then *walk_all), else NULL. */
const struct disc_results *hosttab_discovered(const struct hosttab *t,
					      int *walk_all);

/* a answered ARP or ND with mac (6 bytes). */
void hosttab_set_mac(struct hosttab *t, const struct addr *a,
		     const uint8_t mac[6]);

/*
 * The group's answered probes, sorted by address, protocol and port
 * (results_sorted()), replacing what an earlier call gave: every host
 * with an answer gets its slice, its latency and <times>, and, unless
 * discovery decided, why it is up (its MAC: ARP/ND; skip_ping:
 * user-set; else its first own reply). res must stay as it is while
 * the table is read.
 */
void hosttab_set_ports(struct hosttab *t, const struct port_result *res,
		       size_t n, int skip_ping);

/*
 * Up without an answer of its own (-Pn's targets, ARP-only hosts): the
 * same why as hosttab_set_ports() gives, when discovery did not decide.
 */
void hosttab_set_why(struct hosttab *t, const struct addr *a, int skip_ping);

/* -sV's answer for (proto, port) of a (replaces an earlier one). */
void hosttab_set_service(struct hosttab *t, const struct addr *a, int proto,
			 uint16_t port, const struct svc_result *r);
/* An SF-Port print for the batch's list (report_fingerprints()). */
void hosttab_add_fp(struct hosttab *t, const struct addr *a, uint16_t port,
		    const char *fp);
size_t hosttab_nfp(const struct hosttab *t);
const struct hosttab_fp *hosttab_fp_at(const struct hosttab *t, size_t i);
/* Whether version detection ran (or runs) on the group. */
void hosttab_set_versioned(struct hosttab *t);
int hosttab_versioned(const struct hosttab *t);

void hosttab_set_os(struct hosttab *t, const struct addr *a,
		    const struct os_result *r);
/*
 * a's traced path; all: every path of the group (nmap's "Hops 1-k are
 * the same as for X" compares them).
 */
void hosttab_set_trace(struct hosttab *t, const struct addr *a,
		       const struct trace_result *r);
void hosttab_set_traces(struct hosttab *t, const struct trace_results *all);
const struct trace_results *hosttab_traces(const struct hosttab *t);

/* The service of (proto, port), or NULL. */
const struct svc_result *hosttab_service(const struct hosttab_host *h,
					 int proto, uint16_t port);

/* The group's --host-timeout clocks, or NULL (set again when they go). */
const struct hostdeadline *hosttab_deadlines(const struct hosttab *t);
void hosttab_set_deadlines(struct hosttab *t, const struct hostdeadline *hd);

#endif
