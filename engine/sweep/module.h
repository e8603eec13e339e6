/* module.h -- a sweep module: one probe type behind function pointers. */
#ifndef FATHOM_SWEEP_MODULE_H
#define FATHOM_SWEEP_MODULE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/core/results.h"
#include "netstack/addr.h"
#include "netstack/cookie.h"
#include "netstack/craft.h"
#include "netstack/packet.h"

/*
 * The sweep (synscan.c) owns the send loop, the passes, the permutation,
 * the rate and the receive thread; a module owns what one kind of probe
 * looks like on the wire and what a reply to it means, as zmap's probe
 * modules do. A module keeps no state of its own: everything it needs is
 * passed in (a template built once, a context), so several sweeps can run
 * at once and every callback is a pure function, unit-tested without
 * privileges (tests/unit/test_sweepmod.c).
 *
 * Families: a module builds one template per family and has one patch
 * callback per family. The sweep picks the pair once per run, so the send
 * loop never asks "which family" per probe.
 */

/* The per-run part of a probe every family shares: our side of it. */
struct sweep_tmpl {
	struct craft_tmpl craft; /* SYN: the frame, patched per probe */
	uint8_t smac[6];
	struct addr saddr; /* our address, the run's family */
	uint32_t saddr4;   /* IPv4: saddr in host order; 0 for IPv6 */
	uint8_t ttl;       /* TTL / hop limit */
	uint8_t tcp_flags; /* TCP modules: the flags every probe carries */
};

/* What classify() needs to tell our replies from anything else. */
struct sweep_ctx {
	const struct cookie_key *key;
	uint16_t sport_base, sport_count; /* the cookies' source ports */
	struct addr our;                  /* replies must be to it */
	uint32_t our4;                    /* IPv4: our in host order */
	/*
	 * This module's ports: index[port] >= 0 when the sweep probes it
	 * (65536 entries). A reply about another port is not ours.
	 */
	const int32_t *index;
	/*
	 * TCP modules: the flags the probes carry (the template's
	 * tcp_flags), which decide how a RST must acknowledge them.
	 */
	uint8_t probe_flags;
	/*
	 * The sweep's current pass (NULL: pass 0 only). Pass k sends from
	 * the cookie's source port rotated by k (sweep_sport_at), so a
	 * reply to any pass so far is ours, and its port names the pass.
	 */
	const _Atomic int *pass;
};

/* What classify() says about one parsed frame. */
enum sweep_verdict {
	SWEEP_NOT_OURS = 0, /* not a reply to this module's probes */
	SWEEP_BOGUS,        /* looks like one, but the cookie fails */
	SWEEP_MINE,         /* a reply: *pr filled */
};

/*
 * The capture filter's part for this module's replies to our (either
 * family), in pcap syntax, to be joined with "or" by the sweep: the
 * protocols the replies come in, to our address. Writes at most len
 * bytes (NUL included); returns the length, or -1 if it does not fit.
 */
typedef int (*sweep_filter_fn)(char *buf, size_t len, const struct addr *our);

/*
 * Builds the run's template for saddr's family, once, before any probe:
 * headers and constant fields, so patch() only writes what changes per
 * target. ln is the sweep's libnet context (IPv4 templates are libnet's,
 * craft.h); it may be NULL for IPv6. Returns 0, or -1 with err.
 */
typedef int (*sweep_build_fn)(struct sweep_tmpl *t, void *ln,
			      const uint8_t smac[6], const struct addr *saddr,
			      char *err, size_t errlen);

/*
 * Writes the probe to daddr:dport into out (CRAFT_MAX bytes) from the
 * template: destination MAC and address, the cookie (c: source port and
 * sequence number or request ID), IP ID (IPv4), checksums. Returns the
 * frame's length, or 0 when no probe can be written (it is skipped).
 * Called per probe at up to millions a second: no allocation, no
 * formatting, no system call. IPv4 takes the address in host order.
 */
typedef size_t (*sweep_patch4_fn)(const struct sweep_tmpl *t, uint8_t *out,
				  const uint8_t dmac[6], uint32_t daddr,
				  uint16_t dport, struct cookie c,
				  uint16_t ipid);
typedef size_t (*sweep_patch6_fn)(const struct sweep_tmpl *t, uint8_t *out,
				  const uint8_t dmac[6],
				  const struct addr *daddr, uint16_t dport,
				  struct cookie c);

/*
 * Reads a parsed frame (either family; pkt_parse has bounded every
 * field). SWEEP_MINE when it answers one of our probes: pr gets the
 * target (addr), who answered (from: an ICMP error may be a router's),
 * port, proto, state, reason (nmap's), ttl; rtt_us is the sweep's.
 * SWEEP_BOGUS when it is addressed like a reply but its cookie fails
 * (counted, dropped). SWEEP_NOT_OURS for anything else: other protocols,
 * other ports, foreign traffic. Never reads past pkt_info's bounds.
 */
typedef enum sweep_verdict (*sweep_classify_fn)(const struct sweep_ctx *c,
						const struct pkt_info *p,
						struct port_result *pr);

struct sweep_module {
	const char *name;      /* nmap's XML scaninfo type: "syn", "ack" */
	const char *scan_type; /* nmap's task name: "SYN Stealth Scan" */
	uint8_t proto;         /* IPPROTO_TCP or IPPROTO_UDP: the cookies' */
	uint8_t silent_state;  /* an unanswered probe: PS_FILTERED, ... */
	bool needs_raw;        /* crafted frames: CAP_NET_RAW */
	sweep_filter_fn filter;
	sweep_build_fn build;
	sweep_patch4_fn patch4;
	sweep_patch6_fn patch6;
	sweep_classify_fn classify;
};

extern const struct sweep_module sweep_mod_syn;
extern const struct sweep_module sweep_mod_udp;

/*
 * The firewall-mapping TCP scans (mod_tcpflags.c), nmap's -sA, -sW, -sF,
 * -sN, -sX and -sM: a probe with other flags than SYN, and nmap's
 * reading of the RST (or silence) it draws. synflags is -sS's reading
 * for --scanflags without another type (a SYN-ACK is open only when the
 * probes carry SYN).
 */
extern const struct sweep_module sweep_mod_ack;
extern const struct sweep_module sweep_mod_window;
extern const struct sweep_module sweep_mod_fin;
extern const struct sweep_module sweep_mod_null;
extern const struct sweep_module sweep_mod_xmas;
extern const struct sweep_module sweep_mod_maimon;
extern const struct sweep_module sweep_mod_synflags;

/*
 * -sT's names only (connect.c): "connect", "Connect Scan", silent =
 * filtered, needs_raw false. Its callbacks are NULL and never called:
 * the kernel writes its probes and reads its replies, so it runs on
 * connscan.h's engine, not the sweep (connect.h says why).
 */
extern const struct sweep_module sweep_mod_connect;

/*
 * --scanflags: the template of the flags modules with other flags than
 * the module's own (the MSS option only when they include SYN, as nmap
 * sends). The same contract as sweep_build_fn.
 */
int sweep_flags_build(struct sweep_tmpl *t, void *ln, const uint8_t smac[6],
		      const struct addr *saddr, uint8_t flags, char *err,
		      size_t errlen);

/*
 * Shared by the modules: the reason an ICMP or ICMPv6 error gives
 * (ICMPv6 read as the ICMPv4 error of the same meaning, packet.h), or
 * RS_NONE for an error that says nothing about a port.
 */
int sweep_icmp_reason(const struct pkt_info *p);

/*
 * The quote of an ICMP/ICMPv6 error p is of our probe (sent from c->our,
 * proto, to a port of c->index): 1 and *target set, or 0.
 */
int sweep_quote_ours(const struct sweep_ctx *c, const struct pkt_info *p,
		     uint8_t proto, struct addr *target);

/*
 * An ICMP or ICMPv6 error quoting one of our TCP probes, cookie (the
 * probe's seq) and all: nmap's "filtered" with the error's reason,
 * whoever sent it (a port unreachable too: only -sU reads it as
 * closed). Every TCP module's classify hands such errors here.
 */
enum sweep_verdict sweep_tcp_icmp(const struct sweep_ctx *c,
				  const struct pkt_info *p,
				  struct port_result *pr);

/* The cookie of our probe to target:dport (either family). */
struct cookie sweep_cookie(const struct sweep_ctx *c, const struct addr *target,
			   uint16_t dport, uint8_t proto);

/*
 * The source port pass `pass` sends from: the cookie's port sport0
 * rotated by pass within [sport_base, sport_base + sport_count).
 */
uint16_t sweep_sport_at(uint16_t sport0, uint16_t sport_base,
			uint16_t sport_count, int pass);

/*
 * Which pass a reply to our port `got` answers, for a probe whose
 * cookie port is sport0: 0..*c->pass (254 at most), PASS_UNKNOWN when every pass
 * sends from one port (-g), or -1 when no pass so far sent from got
 * (not our reply).
 */
int sweep_sport_pass(const struct sweep_ctx *c, uint16_t sport0, uint16_t got);

#endif
