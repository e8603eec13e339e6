/* synscan_int.h -- the sweep's shared state, for synscan.c and udpscan.c. */
#ifndef FATHOM_SYNSCAN_INT_H
#define FATHOM_SYNSCAN_INT_H

#include <stdatomic.h>
#include <stdint.h>

#include "engine/sweep/permute.h"
#include "engine/sweep/rto.h"
#include "engine/sweep/synscan.h"
#include "netstack/cookie.h"
#include "netstack/craft.h"
#include "netstack/packet.h"
#include "netstack/route.h"

#define SENDLOG_BITS 16 /* send times of the last 65536 probes, for RTT */

/*
 * pos's top bit: the probe was sent by a retransmission pass, so a reply
 * to it is not timed (Karn's rule, engine/sweep/rto.h).
 */
#define SENDLOG_RETX (1ull << 63)

struct sendlog_slot {
	_Atomic uint64_t pos; /* permutation position + 1, | SENDLOG_RETX */
	_Atomic uint64_t t;   /* send time, ns */
};

/* Shared between the sending and the receiving thread of one sweep. */
struct sweep {
	struct scan *s;
	const struct scan_opts *o;
	struct pktio *io;
	struct route_table rt;
	struct permute perm;
	struct cookie_key key;
	struct craft_tmpl syn;
	/*
	 * The probe space is targets x slots: slots [0, ntcp) are the TCP
	 * ports, [ntcp, np) the UDP ports (-sU), so one permutation and one
	 * results index cover both protocols.
	 */
	uint64_t nt, np, total; /* targets, slots, probes */
	uint64_t ntcp;
	uint16_t *ports;               /* per slot */
	const int32_t *port_index;     /* TCP port -> slot, or -1 */
	const int32_t *udp_index;      /* UDP port -> slot - ntcp, or -1 */
	uint16_t sport_base, sport_count;
	struct sendlog_slot *sendlog;
	uint64_t wall_minus_mono; /* CLOCK_REALTIME - CLOCK_MONOTONIC, ns */

	_Atomic int rx_stop;
	_Atomic uint64_t pos;  /* sender's position in the current pass */
	_Atomic int pass;
	struct rto rto; /* sampled by rx, read by tx */
	/* Counters written by rx. */
	_Atomic uint64_t recv, bytes_recv, valid, bogus;
	_Atomic uint64_t udp_closed; /* UDP port-unreachables recorded */
	/* Counters written by tx. */
	_Atomic uint64_t sent, bytes_sent, noroute, unresolved;
};

/*
 * Records a validated reply for (target, pr_in->proto, port) under its
 * probe index, with the RTT from the send log (receive thread only).
 */
void sweep_record(struct sweep *w, const struct addr *target, uint16_t port,
		  const struct port_result *pr_in, uint64_t ts);

/* -sU replies (engine/sweep/udpscan.c): a UDP datagram, an ICMP error. */
void udpscan_on_reply(struct sweep *w, const struct pkt_info *p,
		      uint64_t mono);
void udpscan_on_icmp(struct sweep *w, const struct pkt_info *p,
		     uint64_t mono);

#endif
