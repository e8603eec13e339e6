/* tcp.h -- fathom's userspace TCP: active opens, data both ways, no kernel. */
#ifndef FATHOM_TCP_H
#define FATHOM_TCP_H

#include <stddef.h>
#include <stdint.h>

#include "netstack/addr.h"
#include "netstack/packet.h"

/*
 * A table of client connections driven entirely by the caller: frames come
 * in through tcp_input() (parsed by pkt_parse), frames go out through the
 * xmit callback, time is passed in as milliseconds, and timers live on a
 * wheel (never a scan of the table). Nothing here reads a clock or a
 * socket, so every behaviour is a function of its inputs and is unit-tested
 * with fake peers.
 *
 * Limits that hold whatever the peer does: max_conns connections, rx_cap
 * bytes received per connection (then TCP_EV_LIMIT and an abort),
 * reasm_cap out-of-order bytes held per connection, tx_cap bytes queued to
 * send, life_ms lifetime per connection. No window scaling, no SACK:
 * banner grabbing needs neither, and both widen the attack surface.
 */
struct tcp_stack;
struct tcp_conn;

enum tcp_event {
	TCP_EV_CONNECTED, /* handshake done; may send */
	TCP_EV_DATA,      /* in-order bytes from the peer (data, len) */
	TCP_EV_EOF,       /* the peer sent FIN after all its data */
	TCP_EV_RESET,     /* the peer reset (refused if before CONNECTED) */
	TCP_EV_TIMEOUT,   /* connect, retransmission or lifetime expired */
	TCP_EV_LIMIT,     /* rx_cap exceeded; the connection is aborted */
	TCP_EV_CLOSED,    /* last event: the connection is freed after it */
};

/*
 * Zero mss, rcv_wnd, ttl, rto_min_ms, rto_max_ms or syn_timeout_ms take the
 * defaults 1460, 65535, 64, 200, 60000 and 10000; zero life_ms is no limit.
 */
struct tcp_cfg {
	uint32_t saddr;     /* our IPv4 address, host order (0: none) */
	struct addr saddr6; /* our IPv6 address (family 0: none) */
	uint8_t smac[6];    /* our MAC */
	/* Advertised in our SYN (1460); IPv6 connections advertise 20 less,
	 * the larger header on the same MTU. */
	uint16_t mss;
	uint16_t rcv_wnd; /* advertised window (65535 max) */
	uint8_t ttl;
	size_t max_conns;
	size_t rx_cap, reasm_cap, tx_cap;
	uint32_t syn_timeout_ms; /* connect gives up after this */
	uint32_t rto_min_ms, rto_max_ms;
	uint32_t life_ms; /* any connection is aborted after this */
	/* Sends one complete Ethernet frame. */
	int (*xmit)(void *arg, const uint8_t *frame, size_t len);
	/*
	 * Delivers an event for c. The callback may call tcp_send,
	 * tcp_shutdown and tcp_abort on c (an abort from inside a callback
	 * takes effect when it returns); every connection gets exactly one
	 * TCP_EV_CLOSED, after which its pointer is invalid.
	 */
	void (*event)(struct tcp_conn *c, enum tcp_event ev,
		      const uint8_t *data, size_t len, void *user);
	void *arg; /* for xmit */
};

struct tcp_stack *tcp_stack_new(const struct tcp_cfg *cfg, uint64_t now_ms);
/*
 * Aborts every connection (sending RSTs), then frees. Accepts NULL. Not
 * from inside an event callback.
 */
void tcp_stack_free(struct tcp_stack *st, uint64_t now_ms);

/*
 * Sends a SYN (MSS option only, window rcv_wnd, sequence isn) from sport to
 * daddr:dport via dmac. user is handed back with every event. Returns NULL
 * when the table is full or the 4-tuple is in use.
 */
struct tcp_conn *tcp_connect(struct tcp_stack *st, uint32_t daddr,
			     uint16_t dport, uint16_t sport, uint32_t isn,
			     const uint8_t dmac[6], void *user,
			     uint64_t now_ms);
/*
 * The same for either family: an IPv6 daddr needs cfg.saddr6 (NULL
 * without it). An IPv4 daddr is exactly tcp_connect.
 */
struct tcp_conn *tcp_connect_addr(struct tcp_stack *st,
				  const struct addr *daddr, uint16_t dport,
				  uint16_t sport, uint32_t isn,
				  const uint8_t dmac[6], void *user,
				  uint64_t now_ms);

/*
 * A handshake begun by another part of fathom (the sweep's SYN, from
 * sport with sequence iss) and answered by the peer's SYN-ACK: all
 * tcp_adopt needs to finish it instead of sending a SYN of its own.
 */
struct tcp_handoff {
	struct addr daddr;
	uint16_t dport, sport;
	uint32_t iss;    /* our SYN's sequence: the SYN-ACK acked iss + 1 */
	uint32_t irs;    /* the peer's initial sequence (the SYN-ACK's) */
	uint16_t win;    /* the window in the SYN-ACK */
	uint16_t mss;    /* its MSS option, 0 when it had none */
	uint32_t rtt_ms; /* the SYN's round trip, 0 when unknown */
};

/*
 * Takes over h: sends the ACK that completes the handshake, then a
 * segment acknowledging a byte the peer never sent (a peer still in
 * SYN-RECEIVED resets it) and a keepalive-style probe (sequence iss, no
 * data) that a peer holding the connection answers with an ACK
 * (tcpadopt.c). TCP_EV_CONNECTED follows only that answer (or the
 * peer's first data) with no RST before it, so the connection behaves as
 * tcp_connect_addr's from then on. If the peer is not established (it
 * resets, or stays silent for the RTO twice: h->rtt_ms sets the
 * first), the old 4-tuple gets a RST and the connection opens afresh,
 * a SYN from fb_sport with fb_isn, with no event in between: the caller
 * sees one connection either way, never the lost handshake's end. A RST
 * from a service that accepts and resets at once takes that path too,
 * and the fresh connection gives its real answer. Data queued with
 * tcp_send before CONNECTED goes out after it. Returns NULL when the
 * table is full or either 4-tuple is in use.
 */
struct tcp_conn *tcp_adopt(struct tcp_stack *st, const struct tcp_handoff *h,
			   uint16_t fb_sport, uint32_t fb_isn,
			   const uint8_t dmac[6], void *user, uint64_t now_ms);

/*
 * Sends a RST for h, a handshake nobody will adopt (not in the table),
 * so the peer frees its half-open connection at once.
 */
void tcp_handoff_reset(struct tcp_stack *st, const struct tcp_handoff *h,
		       const uint8_t dmac[6]);

/* How c began: 0 our SYN, 1 tcp_adopt, 2 tcp_adopt then afresh. */
int tcp_conn_adopted(const struct tcp_conn *c);

/*
 * Handles one received segment addressed to us. Returns 1 if it belonged to
 * a connection in the table (it was consumed), 0 otherwise; segments for
 * unknown connections are left to the caller (who decides about RSTs).
 */
int tcp_input(struct tcp_stack *st, const struct pkt_info *p, uint64_t now_ms);

/*
 * Queues len bytes to send; they go out in segments of at most the peer's
 * MSS as its window allows, retransmitted with backoff until acknowledged.
 * Returns 0, or -1 if the connection is closing or tx_cap would be passed.
 */
int tcp_send(struct tcp_conn *c, const void *data, size_t len, uint64_t now_ms);

/* Sends FIN once the queued data is out (half-close; we keep reading). */
void tcp_shutdown(struct tcp_conn *c, uint64_t now_ms);

/* Sends RST and ends the connection (TCP_EV_CLOSED follows). */
void tcp_abort(struct tcp_conn *c, uint64_t now_ms);

/* Runs the timers due at now_ms. */
void tcp_tick(struct tcp_stack *st, uint64_t now_ms);

/* Milliseconds until the next timer is due (for poll), or -1 if none. */
int64_t tcp_next_timeout(const struct tcp_stack *st, uint64_t now_ms);

size_t tcp_count(const struct tcp_stack *st);
void *tcp_conn_user(const struct tcp_conn *c);
void tcp_conn_set_user(struct tcp_conn *c, void *user);
/* The peer's IPv4 address (host order; 0 for an IPv6 connection). */
uint32_t tcp_conn_daddr(const struct tcp_conn *c);
/* The peer's address, either family. */
const struct addr *tcp_conn_addr(const struct tcp_conn *c);
uint16_t tcp_conn_dport(const struct tcp_conn *c);
uint16_t tcp_conn_sport(const struct tcp_conn *c);
/* The arg of c's stack (tcp_cfg.arg, xmit's). */
void *tcp_conn_stack_arg(const struct tcp_conn *c);
/* Bytes received in order so far. */
size_t tcp_conn_rx_bytes(const struct tcp_conn *c);

#endif
