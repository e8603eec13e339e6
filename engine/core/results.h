/* results.h -- what the scan learned, per (host, port), kept by replies. */
#ifndef FATHOM_RESULTS_H
#define FATHOM_RESULTS_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "netstack/addr.h"

enum port_state {
	PS_UNKNOWN = 0,
	PS_OPEN,
	PS_CLOSED,
	PS_FILTERED,
	PS_UNFILTERED,
	PS_OPEN_FILTERED,
	PS_CLOSED_FILTERED,
	PS_NSTATES
};

/* Why a port is in its state, named as nmap's --reason names them. */
enum port_reason {
	RS_NONE = 0,
	RS_SYN_ACK,
	RS_RESET,
	RS_NO_RESPONSE,
	RS_NET_UNREACH,
	RS_HOST_UNREACH,
	RS_PROTO_UNREACH,
	RS_PORT_UNREACH,
	RS_NET_PROHIBITED,
	RS_HOST_PROHIBITED,
	RS_ADMIN_PROHIBITED,
	RS_TIME_EXCEEDED,
	RS_USER_SET,
	RS_UDP_RESPONSE, /* -sU: the port answered */
	RS_CONN_REFUSED, /* -sT: connect() refused (the kernel saw a RST) */
	RS_NREASONS
};

const char *port_state_name(int state);
const char *port_reason_name(int reason);
/* The reason for an ICMP destination-unreachable code. */
int port_reason_from_icmp(uint8_t type, uint8_t code);

/* One answered probe. Unanswered probes are not stored: they are implied. */
struct port_result {
	struct addr addr; /* target */
	struct addr from; /* who answered (an ICMP error may be a router) */
	uint32_t rtt_us;  /* 0 = unknown */
	uint16_t port;
	uint8_t proto;  /* IPPROTO_TCP or IPPROTO_UDP */
	uint8_t state;  /* enum port_state */
	uint8_t reason; /* enum port_reason */
	uint8_t ttl;    /* of the reply */
	/*
	 * The sweep: which pass's copy drew the reply (its destination
	 * port says, engine/sweep/passes.h), PASS_UNKNOWN when no port
	 * tells (-g). Nothing else reads it.
	 */
	uint8_t pass;
};
#define PASS_UNKNOWN 0xff

/*
 * The store is keyed by the probe's index in the scan's (target x port)
 * space, so a probe answered twice (retransmission, duplicate) counts once
 * and the sender can ask "was this one answered" before retransmitting.
 * Memory grows with replies, never with the number of targets. Safe to use
 * from the receive thread and the send thread at once.
 */
struct results;

struct results *results_new(void);
void results_free(struct results *r); /* accepts NULL */

/* Records pr for probe idx unless idx is already answered: 1 new, 0 dup. */
int results_add(struct results *r, uint64_t idx, const struct port_result *pr);
int results_seen(struct results *r, uint64_t idx);
size_t results_count(struct results *r);

/*
 * After the scan (single-threaded): sorts by address then port and returns
 * the array. Valid until results_free.
 */
const struct port_result *results_sorted(struct results *r, size_t *n);

#endif
