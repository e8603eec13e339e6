/* hostiter.h -- a group's hosts from its host table, with their port rows. */
#ifndef FATHOM_HOSTITER_H
#define FATHOM_HOSTITER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "engine/cli/cli.h"
#include "engine/core/hosttab.h"
#include "engine/core/results.h"

/*
 * Every report writer (normal, XML, grepable, NDJSON) walks the same
 * hosts in the same order and sees the same rows, so the formats cannot
 * disagree about which hosts are up or which ports are shown.
 *
 * It is a view of the group's host table (hosttab.h): the walk adds
 * what the table does not keep per host (the rows of unanswered ports,
 * the hosts no phase wrote about).
 *
 * Which hosts: with -Pn every target; after host discovery
 * (hosttab_set_discovery()) the hosts it found up, and with -v (not
 * --open) the down ones too, marked `down` (nmap's "[host down]"
 * lines); otherwise every target that answered ARP or sent a reply
 * from its own address. In address order.
 */

/* nmap lists a state's ports only while it has at most this many. */
#define HOSTITER_MAX_SHOWN 25

/* One scanned port of a host: its reply, or the lack of one. */
struct hostiter_row {
	uint16_t port;
	uint8_t proto;    /* IPPROTO_TCP or IPPROTO_UDP */
	uint8_t state;    /* enum port_state; unanswered: the module's
			   silent_state (TCP: filtered for -sS -sA -sW,
			   open|filtered for -sF -sN -sX -sM; UDP:
			   open|filtered) */
	uint8_t reason;   /* enum port_reason; RS_NO_RESPONSE when unanswered */
	uint8_t ttl;      /* of the reply; 0 when unanswered */
	uint8_t routed;   /* another host answered (a router's ICMP error) */
	struct addr from; /* that host, when routed */
};

struct hostiter_host {
	struct addr addr;
	char ip[ADDR_STRLEN]; /* addr_format(): dotted quad or RFC 5952 */
	const char *name;     /* the name the user typed for it, or NULL */

	int why;            /* enum hostiter_why */
	const char *reason; /* nmap's name for why; NULL for HI_WHY_NONE */
	uint8_t reason_ttl; /* the reply's ttl for HI_WHY_REPLY, else 0 */

	const uint8_t *mac; /* 6 bytes when it answered ARP, else NULL */
	const char *vendor; /* mac's vendor (its OUI's name), or NULL */
	uint32_t rtt_us;    /* lowest RTT of its own replies ("latency"); 0 =
			       unknown */
	/*
	 * nmap's <times>: RFC 6298 smoothing over its own replies in port
	 * order, timeout = srtt + 4 rttvar within the RTT limits. All -1
	 * when no reply had an RTT (nmap then writes no <times>).
	 */
	int64_t srtt_us, rttvar_us, to_us;

	int timed_out; /* --host-timeout expired: no port is listed */
	int down;      /* discovery found it down (-v): reason only */
	int hidden;    /* --open and no port in an open state: counted as up,
			  printed by no writer (nmap's rule) */

	const struct os_result *os; /* what -O learned, or NULL (no -O, or
				       the host was skipped) */
	/* its path (--traceroute), or NULL */
	const struct trace_result *trace;

	const struct port_result *res; /* its answered probes, by port */
	size_t nres;
	/* Its record in the table (services...), or NULL: none written. */
	const struct hosttab_host *rec;

	/*
	 * Every scanned port, TCP then UDP (nmap's order), each ascending:
	 * answered or implied (the module's silent_state).
	 */
	const struct hostiter_row *rows;
	size_t nrows;
	uint64_t count[PS_NSTATES];               /* rows per state */
	uint64_t rcount[PS_NSTATES][RS_NREASONS]; /* rows per state, reason */
	/* rcount split by protocol: [0] TCP, [1] UDP. */
	uint64_t prcount[2][PS_NSTATES][RS_NREASONS];
	/*
	 * States summarised instead of listed ("Not shown:", <extraports>):
	 * with --open every state with rows but open, open|filtered and
	 * unfiltered; otherwise a state with more than 25 rows (25 x -v
	 * level from -vv on). Never open.
	 */
	int ignored[PS_NSTATES];
	int nignored;          /* ignored states that have rows */
	int order[PS_NSTATES]; /* those states in nmap's order: most rows
				   first, ties by state number */
	uint64_t shown;        /* rows in states not ignored */
};

struct hostiter;
struct svc_answer;
struct os_result;
struct trace_result;

/*
 * Starts a walk over table t of a group scanned with options o (its
 * ports, targets, -Pn, --open, -v); both must outlive the iterator.
 */
struct hostiter *hostiter_new(const struct hosttab *t,
			      const struct scan_opts *o);
/*
 * The next host that is up, or NULL at the end. The item and its rows
 * are valid until the next call.
 */
const struct hostiter_host *hostiter_next(struct hostiter *it);
void hostiter_free(struct hostiter *it); /* accepts NULL */

/* Hosts up hostiter_next() would yield (hidden ones included, down
 * ones not). */
size_t hostiter_count_up(const struct hosttab *t, const struct scan_opts *o);

/*
 * What is known about the service on one row. Version detection results
 * count for open rows only; everything else comes from the port table.
 */
struct hostiter_svc {
	const char *name; /* without "ssl/"; NULL when nothing names it */
	int tunnel;       /* found through TLS: "ssl/" */
	int guess;        /* -sV recognised nothing; the table's name with
			     nmap's '?' */
	int probed;       /* named by a probe (method="probed"), else by the
			     table (method="table") */
	int conf;         /* nmap's confidence: 10 match, 8 tcpwrapped,
			     3 table */
	const struct svc_answer *ans; /* product, version... (match or
					 softmatch), else NULL: raw bytes */
	const char *fp; /* SF-Port fingerprint of an unrecognised answer */
	/* SunRPC program and versions (rpc_prog 0: not RPC or unknown). */
	uint32_t rpc_prog, rpc_low, rpc_high;
};

void hostiter_service(const struct scan_opts *o, const struct hostiter_host *h,
		      const struct hostiter_row *row, struct hostiter_svc *out);

/*
 * The answer -sV matched (or softmatched) on open TCP port `port` of h,
 * or NULL: what nmap's "Service Info:" line gathers.
 */
const struct svc_answer *hostiter_svc_answer(const struct hostiter_host *h,
					     uint16_t port);

/*
 * The CPEs nmap reports for the answer: the last of each part, in the
 * order a, h, o (nmap keeps one per part). out[] gets up to 3; returns
 * how many (0 without an answer).
 */
int hostiter_svc_cpes(const struct hostiter_svc *sv, const char *out[3]);

/* The SERVICE cell: "ssl/http", "http?", "unknown". */
void hostiter_svc_cell(const struct hostiter_svc *sv, char *buf, size_t len);

/*
 * The VERSION cell, "product version (extrainfo)", each part only when
 * present, made safe with hostiter_safe_text(); "" without an answer.
 */
void hostiter_svc_version(const struct hostiter_svc *sv, char *buf, size_t len);

/*
 * Copies text from the network for a terminal or a text file: printable
 * ASCII as is, every other byte as \xHH, so no banner can move the
 * cursor, fake a line of a report or break a table. Truncates to fit.
 */
void hostiter_safe_text(const char *in, char *out, size_t len);

/* ---- small things every writer formats the same way ---- */

/*
 * Length (2-4) of the well-formed UTF-8 sequence of a code point above
 * U+007F at p (NUL-terminated text), or 0: overlong forms, surrogates,
 * code points past U+10FFFF and U+FFFE/U+FFFF (not XML characters) are
 * not accepted. *cp gets the code point.
 */
size_t hostiter_utf8(const unsigned char *p, uint32_t *cp);

/* ctime()'s layout without the newline: "Wed Nov 25 05:10:00 2026". */
void hostiter_ctime(time_t t, char *buf, size_t len);

/*
 * Writes ascending ports as nmap's compact list ("1-20,23,25-40") to f,
 * one port at a time, with no length limit: start with
 * HOSTITER_RANGES_INIT(f), call _add for each port, then _end.
 */
struct hostiter_ranges {
	FILE *f;
	int have;
	uint32_t first, last;
};
#define HOSTITER_RANGES_INIT(file) \
	{                          \
		.f = (file)        \
	}
void hostiter_ranges_add(struct hostiter_ranges *r, uint16_t port);
void hostiter_ranges_end(struct hostiter_ranges *r);

/* "tcp" or "udp" for a row's protocol, as nmap names it in reports. */
const char *hostiter_proto_name(int proto);

#endif
