/* synscan.h -- the stateless sweep of either family: send, validate, retry. */
#ifndef FATHOM_SYNSCAN_H
#define FATHOM_SYNSCAN_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "engine/cli/cli.h"
#include "engine/core/results.h"
#include "engine/sweep/passes.h"
#include "netstack/neigh.h"
#include "netstack/route.h"

struct scan_stats {
	uint64_t sent, bytes_sent; /* probes and their bytes, all passes */
	uint64_t recv, bytes_recv; /* frames captured */
	uint64_t valid, bogus;     /* replies whose cookie held / failed */
	uint64_t noroute;          /* probes skipped: no route */
	uint64_t unresolved;       /* probes skipped: next hop silent */
	uint64_t pcap_drops;
	uint64_t arp_sent;
	uint64_t connects;     /* -sT and connect ping: connect() calls */
	int passes;            /* 1 + retransmission passes made */
	struct pass_counts pc; /* per pass: sent, drawn (passes.h) */
	int interrupted;       /* SIGINT/SIGTERM */
	int timed_out;         /* stopped at until_ns (--host-timeout) */
	uint64_t start_ns, end_ns;
	time_t start_wall, end_wall;
};

/*
 * One scan's state: everything per-target lives here or in the results
 * store, never in globals, so several scans (shards, later phases) can
 * exist in one process.
 */
struct vscan_results;
struct os_results;
struct disc_results;
struct trace_results;
struct privsetup;
struct pktio;
struct handoffs;
struct hostfeed;
struct hosttab;

struct scan {
	const struct scan_opts *opt;
	struct vscan_results *svc; /* -sV results, or NULL */
	struct os_results *os;     /* -O results, or NULL */
	/* Host discovery's hosts up (engine/disc/discovery.h), or NULL
	 * when it did not run (-Pn): who is up, and why. */
	struct disc_results *disc;
	struct trace_results *trace; /* --traceroute's paths, or NULL */
	/* The group's host table (engine/core/hosttab.h), or NULL. */
	struct hosttab *tab;
	struct results *res;
	struct neigh *neigh;  /* on-link targets that answered ARP */
	struct route_hop hop; /* interface, our address */
	/* The run's route and capture handles (engine/core/privsetup.h). */
	struct privsetup *priv;
	struct scan_stats st;
	volatile sig_atomic_t *stop; /* set by the signal handler */
	/*
	 * --host-timeout (engine/core/hostdeadline.h): every host's clock,
	 * kept by the phase runner (NULL: none). A phase that cannot drop
	 * hosts one by one (the stateless sweep, discovery) stops at
	 * until_ns (now_ns()'s clock; 0 = never), when the last of its
	 * hosts is out of time, and sets st.timed_out.
	 */
	struct hostdeadline *hd;
	uint64_t until_ns;
	/*
	 * One pass (engine/sweep/handoff.h): the sweep's SYN-ACKs for -sV's
	 * first connections, when priv->onepass; NULL otherwise. Freed by
	 * scan_free().
	 */
	struct handoffs *handoffs;
	/*
	 * Called by version detection when every open port of addr (host
	 * order) has its answer, so the host can be reported at once. NULL
	 * when nobody listens.
	 */
	void (*host_done)(void *arg, const struct addr *addr);
	void *host_done_arg;
	/*
	 * A line for the screen while a phase runs (-v progress such as
	 * "Initiating OS detection"); NULL: stdout.
	 */
	void (*screen)(void *arg, const char *text);
	void *screen_arg;
	/*
	 * A whole run made of host groups (one struct scan each) reports
	 * its totals through this one: hosts_up counts every group's, and
	 * hostiter_count_up() returns it instead of counting s->res.
	 */
	int grouped;
	size_t hosts_up;
	/*
	 * Streaming (engine/core/stream.h): discovery hands the hosts it
	 * finds up to the sweep running beside it through feed (NULL:
	 * one after the other); swept: the group's sweep is done already,
	 * so its phase only reports it.
	 */
	struct hostfeed *feed;
	int swept;
};

void scan_init(struct scan *s, const struct scan_opts *o,
	       volatile sig_atomic_t *stop);
void scan_free(struct scan *s);

/*
 * The route the run takes: the interface and source address towards the
 * first target (or -e/-S), of the targets' family: hop->saddr (and, for
 * IPv4, hop->src). Unprivileged. Returns 0, or -1 with err.
 */
int synscan_plan_route(const struct scan_opts *o, struct route_hop *hop,
		       char *err, size_t errlen);

/*
 * Opens the sweep's capture and injection handle on hop (privileged:
 * called by privsetup_open() only), answering ARP (IPv4) or neighbour
 * solicitations (IPv6) for a foreign -S. The capture keeps next hops'
 * answers and every module's replies to hop->saddr (module.h filter()).
 * Returns NULL with err on failure.
 */
struct pktio *synscan_open_capture(const struct scan_opts *o,
				   const struct route_hop *hop, char *err,
				   size_t errlen);

/*
 * Takes the route and the handle from s->priv (opened once for the run;
 * resumed here, paused again at the end), resolves next hops with ARP
 * or neighbour discovery, then sweeps every (target, port) in a seeded
 * permutation at opt->rate, retransmitting unanswered probes in passes
 * for as long as retransmissions keep drawing new replies (at most
 * opt->max_retries). Results land in s->res as they are validated.
 * Returns 0 (also when interrupted: s->st.interrupted), or -1 with err for
 * a runtime failure (no route, interface down, pcap/libnet error).
 */
int synscan_run(struct scan *s, char *err, size_t errlen);

/*
 * The sweep's TCP source ports: SYNSCAN_SPORT_COUNT from
 * SYNSCAN_SPORT_BASE, or -g's one. Above the kernel's ephemeral range
 * (32768-60999 by default), so replies to fathom never collide with the
 * host's own connections and a firewall rule can name fathom's traffic
 * exactly; below -sV's.
 */
#define SYNSCAN_SPORT_BASE 61000
#define SYNSCAN_SPORT_COUNT 1024

/*
 * Whether the run's sweep may hand its SYN-ACKs to -sV (one pass,
 * engine/sweep/onepass.c): -sV over raw frames after an -sS sweep from
 * fathom's own ports (not -g, --scanflags, another TCP type, a dry run),
 * and --one-pass not off. Set-up then guards the sweep's ports too.
 */
int synscan_onepass_wanted(const struct scan_opts *o);

/*
 * Resets every handshake s's sweep holds that -sV did not take (an
 * RST+ACK each, from the sweep's capture): after -sV, and on every way
 * out of a group (scan_free calls it), so no peer keeps one.
 */
void sweep_onepass_reset(struct scan *s);

/*
 * The sweep's name for progress and task lines ("SYN Stealth Scan",
 * "UDP Scan", or both), and the ports it probes per host (TCP + UDP).
 */
const char *synscan_task_name(const struct scan_opts *o);
size_t synscan_ports_per_host(const struct scan_opts *o);

/*
 * The module of the run's TCP ports (engine/sweep/module.h): the one of
 * o->tcp_scan (-sS by default, -sA, -sW, ...). --scanflags keeps that
 * type's reading of replies; alone (or with -sS) it reads them as -sS
 * does, through the flags modules' cookies (sweep_mod_synflags).
 */
struct sweep_module;
const struct sweep_module *synscan_tcp_module(const struct scan_opts *o);

/*
 * --scanflags as nmap's XML names them ("FINACK": the bits from FIN up,
 * "" for none), into buf (25 bytes hold them all). Returns buf.
 */
const char *synscan_flags_name(int flags, char *buf, size_t len);

/*
 * Whether the run opens the sweep's capture and injection handle: a
 * raw TCP type or -sU, and the privilege to; not -sT alone, whose
 * probes are the kernel's (engine/sweep/connect.h).
 */
int synscan_needs_capture(const struct scan_opts *o);

#endif
