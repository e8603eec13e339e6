/* discovery.h -- host discovery: ARP on the link, nmap's ping probes past it. */
#ifndef FATHOM_DISCOVERY_H
#define FATHOM_DISCOVERY_H

#include <stddef.h>
#include <stdint.h>

#include "engine/disc/discspec.h"
#include "netstack/addr.h"
#include "netstack/cookie.h"
#include "netstack/craft.h"
#include "netstack/packet.h"

/*
 * Stateless like the sweep: every probe carries a cookie (SipHash of
 * our address, the target, the probe's port or kind, and a protocol tag
 * under the run's key), so a reply is matched without a table of what
 * was sent:
 *   ICMP echo/timestamp/mask: id = cookie >> 16, seq = cookie & 0xffff;
 *     the reply echoes both.
 *   TCP SYN: source port and ISN from the cookie; SYN-ACK/RST acks ISN+1.
 *   TCP ACK: source port, seq and ack from the cookie (its own tag, so a
 *     -PS and a -PA to one port differ); the RST's seq is our ack.
 *   UDP: source port from the cookie (and the payload's request ID for
 *     the ports udpprobe knows); an ICMP error quotes the port.
 * An ICMP error is believed only when it quotes our probe, cookie and
 * all; it says "up" only when the target itself sent it (port or
 * protocol unreachable), never when a router did.
 */

/* Why a host is up (nmap's reason names, disc_reason_name()). */
enum disc_reason {
	DR_NONE = 0,
	DR_ARP,          /* arp-response */
	DR_ECHO_REPLY,   /* echo-reply */
	DR_TS_REPLY,     /* timestamp-reply */
	DR_MASK_REPLY,   /* addressmask-reply */
	DR_SYN_ACK,      /* syn-ack */
	DR_RESET,        /* reset */
	DR_UDP_RESPONSE, /* udp-response */
	DR_CONN_REFUSED, /* conn-refused: the connect ping's refusal */
	DR_ND,           /* nd-response: IPv6's ARP */
	DR_LOCALHOST,    /* localhost-response: our own address */
	DR_ICMP_BASE,    /* + enum port_reason of an ICMP error */
};

/* nmap's name for r (an enum disc_reason); "unknown-response" if none. */
const char *disc_reason_name(int r);

/* The ICMP ones: DR_ICMP_BASE + port_reason_from_icmp(type, code). */
int disc_reason_icmp(uint8_t type, uint8_t code);

/* Everything a probe and its reply are keyed by, for one run. */
struct disc_keys {
	struct cookie_key key;
	uint32_t our;     /* our IPv4 address, host order */
	struct addr our6; /* IPv6 runs: our address; else 0 */
	uint16_t sport_base, sport_count;
	const struct disc_probe *probes; /* the spec's, in nmap's order */
	size_t np;
};

/* The TCP frames' fixed parts, made once (disc_templates()). */
struct disc_tmpls {
	struct craft_tmpl syn, ack;
	struct craft_tmpl syn6, ack6; /* disc_templates6() */
};

/*
 * Builds the SYN (window 1024, MSS 1460, DF) and ACK (window 1024, no
 * options, DF) templates from smac/saddr, TTL 64, without libnet.
 */
void disc_templates(struct disc_tmpls *t, const uint8_t smac[6],
		    uint32_t saddr);

/* The same over IPv6 (saddr IPv6). Returns 0, or -1. */
int disc_templates6(struct disc_tmpls *t, const uint8_t smac[6],
		    const struct addr *saddr);

/*
 * IPv6 (ks->our6 set): probe slot k to daddr, hop limit 64. ICMPv6
 * echo carries the cookie as IPv4's echo does; -PP and -PM have no
 * IPv6 form (as in nmap): 0 for them, and for k out of range.
 */
size_t disc_build6(const struct disc_keys *ks, const struct disc_tmpls *t,
		   size_t k, const struct addr *daddr, const uint8_t smac[6],
		   const uint8_t dmac[6], uint8_t *out);

/*
 * Writes probe slot k of ks to daddr (host order) via dmac into out
 * (CRAFT_MAX bytes) with IP ID ipid. Returns the frame's length, 0 when
 * k is out of range.
 */
size_t disc_build(const struct disc_keys *ks, const struct disc_tmpls *t,
		  size_t k, uint32_t daddr, const uint8_t smac[6],
		  const uint8_t dmac[6], uint16_t ipid, uint8_t *out);

/* What one captured frame says about one of our probes. */
struct disc_reply {
	uint32_t target;   /* the probed address, host order (IPv4) */
	struct addr taddr; /* the probed address, either family */
	size_t slot;       /* the probe it answers */
	uint8_t reason;    /* enum disc_reason */
	uint8_t ttl;       /* of the reply */
	int up;            /* sent by the target itself: the host is up */
};

/*
 * 1 with *out when frame p (parsed) answers one of ks's probes (cookie
 * checked), else 0: a pure function of its inputs. IPv6 frames when
 * ks->our6 is set, IPv4 ones otherwise.
 */
int disc_classify(const struct disc_keys *ks, const struct pkt_info *p,
		  struct disc_reply *out);

/*
 * Whether a retransmission pass can find anyone, judged from pass 0
 * alone: each host gets several probes, so the probes a host found up
 * left unanswered measure the loss. answered[k]: hosts that answered
 * slot k (of np); up: hosts found up. The slots at least half of the
 * up hosts answered are the ones live hosts answer (m of them); their
 * miss ratio r = (m up - sum answered + 1) / (m up + 1), and a live
 * host was missed only if all m were lost: expected missed hosts
 * up r^m / (1 - r^m). Returns that, or -1 when it cannot be told
 * (m < 2: a host seen through one kind only says nothing about its
 * loss; fewer than 20 answers). A pure function.
 */
double disc_missed_estimate(const uint64_t *answered, size_t np, uint64_t up);

/* Expected missed hosts below which discovery makes no more passes. */
#define DISC_MISS_GOAL 0.02

/* ---- the run over one host group (discovery.c) ---- */

struct scan;
struct pktio;
struct target_set;

/* One host found up. */
struct disc_host {
	struct addr addr;
	uint8_t reason;  /* enum disc_reason */
	uint8_t ttl;     /* of the reply; 0 for ARP */
	uint32_t rtt_us; /* 0 = unknown */
};

/*
 * What discovery learned about one host group: the hosts found up, in
 * address order. The group's other targets are down.
 */
struct disc_results {
	const struct target_set *all; /* the group's targets (not owned) */
	struct disc_host *up;
	size_t nup;
	int user_set; /* -Pn -sn: every target up, nothing sent */
};

/* The host's entry, or NULL (down). O(log nup). */
const struct disc_host *disc_find(const struct disc_results *r,
				  const struct addr *a);

/* Frees r's contents (not r). Accepts NULL. */
void disc_results_free(struct disc_results *r);

struct disc_stats {
	uint64_t sent, bytes_sent, arp_sent;
	uint64_t recv, bytes_recv, valid;
	uint64_t noroute, unresolved, pcap_drops;
	int passes;
};

/*
 * Discovers which of g's targets are up, through io (the phase's
 * handle: resumed here, paused again before returning). As root nmap
 * does: on-link targets are asked with ARP alone (unless
 * o->disc.no_arp), the others get o->disc's probes in one seeded
 * permutation at o->rate, retransmitted in passes while retransmissions
 * still find hosts. Next hops (and every on-link answer) go into
 * g->neigh, so the sweep after it needs no ARP of its own. Never
 * called with --dry-run (phase_discovery.c). Returns 0
 * (also when interrupted: *g->stop), or -1 with err.
 */
int disc_run(struct scan *g, struct pktio *io, struct disc_results *r,
	     struct disc_stats *st, char *err, size_t errlen);

/*
 * Without CAP_NET_RAW (disc_connect.c), nmap's connect ping: a kernel
 * TCP connect to each of o->disc's ports (80 and 443 by default,
 * cli_unprivileged()) per target, at o->rate on connscan's engine
 * (engine/sweep/connscan.h), one retry pass. A completed handshake
 * (syn-ack) or a refusal (conn-refused) says the host is up, its RTT
 * the latency; a host found up gets no more probes. No MACs (no ARP
 * without privileges). Either family. Never with --dry-run.
 * Returns 0 (also when interrupted), or -1 with err.
 */
int disc_connect_run(struct scan *g, struct disc_results *r,
		     struct disc_stats *st, char *err, size_t errlen);

#endif
