/* tcpint.h -- the TCP connection's insides, shared by tcp.c and tcpout.c. */
#ifndef FATHOM_TCPINT_H
#define FATHOM_TCPINT_H

#include <stddef.h>
#include <stdint.h>

#include "netstack/tcp.h"
#include "netstack/tcpbuf.h"
#include "netstack/timerwheel.h"

/*
 * Not an API: tcp.c runs the state machine and the input side, tcpout.c
 * builds and times what goes out. Nothing outside netstack/tcp*.c may
 * include this.
 */
enum tcp_state {
	ST_SYN_SENT,
	ST_ESTABLISHED,
	ST_FIN_WAIT_1, /* tcp_shutdown called; FIN queued or sent */
	ST_FIN_WAIT_2, /* our FIN acked */
	ST_CLOSE_WAIT, /* peer FIN in */
	ST_CLOSING,    /* both FINs in flight, ours unacked */
	ST_LAST_ACK,   /* peer FIN in, then tcp_shutdown */
	ST_TIME_WAIT,
	/*
	 * tcp_adopt: our ACK to a SYN-ACK someone else's SYN drew is sent;
	 * waiting for the peer to show it holds the connection (tcpadopt.c).
	 */
	ST_ADOPTED,
};

#define TCP_PEER_MSS 536 /* RFC 9293 3.7.1: the MSS when none is sent */
#define TCP_MIN_MSS 64   /* a tiny peer MSS would make us spray */

#define CF_IN_CB 0x0001     /* inside an event callback for this conn */
#define CF_ABORT_REQ 0x0002 /* tcp_abort from that callback: do it after */
#define CF_DEAD 0x0004      /* ending: the API is a no-op from now on */
#define CF_FIN_Q 0x0008     /* tcp_shutdown called */
#define CF_FIN_SENT 0x0010  /* our FIN is at fin_seq */
#define CF_PEER_FIN 0x0020  /* peer FIN consumed; nothing more to receive */
#define CF_FIN_AHEAD 0x0040 /* peer FIN seen at peer_fin past a gap */
#define CF_RTT 0x0080       /* timing the segment that ends at rtt_seq */
#define CF_RECOVER 0x0100   /* after a loss: resend on partial ACKs */
#define CF_ACK_NOW 0x0200   /* owe the peer an ACK */
#define CF_PERSIST 0x0400   /* rexmt_at is the persist timer */
#define CF_SYN_REXMT 0x0800 /* SYN resent: no RTT sample from it (Karn) */
#define CF_ADOPTED 0x1000   /* began as tcp_adopt's, not with our SYN */
#define CF_FELL_BACK 0x2000 /* ... and was opened afresh (tcpadopt.c) */

struct tcp_conn {
	struct tw_entry timer; /* one per conn: the earliest of its deadlines */
	struct tcp_conn *hnext;
	struct tcp_stack *st;
	void *user;
	struct tcpq txq;  /* from snd_una: unacked, then unsent bytes */
	struct tcpra *ra; /* out-of-order bytes, NULL when none */
	uint64_t born_ms, rexmt_at, rtt_ts, oow_ok_ms, rx_bytes;
	struct addr daddr;
	uint16_t dport, sport;
	uint32_t iss, snd_una, snd_nxt, snd_max, snd_wl1, snd_wl2;
	uint32_t fin_seq, recover, rtt_seq, rcv_nxt, peer_fin;
	uint32_t srtt8, rttvar4, rto; /* ms; srtt x8 and rttvar x4 as BSD */
	uint32_t fb_isn;   /* tcp_adopt: the fresh connection's ISN ... */
	uint16_t fb_sport; /* ... and source port, if the peer lost it */
	uint16_t snd_wnd, mss, flags;
	uint8_t dmac[6];
	uint8_t state, nrexmt, dupacks, pshift;
};

struct tcp_stack {
	struct tcp_cfg cfg;
	struct tw_wheel *tw;
	struct tcp_conn **bucket;
	size_t mask, count;
	uint32_t ipid;
	int closing;
	uint8_t *frame;
	size_t frame_cap;
};

static inline int tcp_seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static inline int tcp_seq_le(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}

static inline uint64_t tcp_min64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/*
 * tcp.c's table and life cycle, for tcpadopt.c. tcpi_new allocates a
 * connection in ST_SYN_SENT (iss, snd_nxt = isn + 1, the initial RTO)
 * and enters it in the table, sending nothing; NULL when the table is
 * full, the family has no address or the 4-tuple is in use.
 */
struct tcp_conn *tcpi_new(struct tcp_stack *st, const struct addr *daddr,
			  uint16_t dport, uint16_t sport, uint32_t isn,
			  const uint8_t dmac[6], void *user, uint64_t now);
struct tcp_conn *tcpi_find(const struct tcp_stack *st, const struct addr *daddr,
			   uint16_t dport, uint16_t sport);
void tcpi_insert(struct tcp_conn *c);
void tcpi_remove(struct tcp_conn *c);
/* Delivers ev; -1 if the callback aborted c (which is now gone). */
int tcpi_emit(struct tcp_conn *c, enum tcp_event ev, const uint8_t *d,
	      size_t len);
/* Ends c: a RST if asked, ev (unless -1), CLOSED, the free. */
void tcpi_finish(struct tcp_conn *c, int ev, int rst);
/* A segment for a synchronized connection (tcp.c's input path). */
void tcpi_input(struct tcp_conn *c, const struct pkt_info *p, uint64_t now);
/* The initial RTO, within the stack's bounds. */
uint32_t tcpi_init_rto(const struct tcp_stack *st);

/* tcpadopt.c: ST_ADOPTED's input and timer. */
void tcpa_input(struct tcp_conn *c, const struct pkt_info *p, uint64_t now);
void tcpa_timeout(struct tcp_conn *c, uint64_t now);

/* Sends one segment now (ACK carries rcv_nxt); moves snd_max up. */
void tcpout_xmit(struct tcp_conn *c, uint32_t seq, uint8_t flags,
		 const uint8_t *d, size_t len);
/* An ACK for a segment we will not take; rate-limited (RFC 5961 7). */
void tcpout_oow_ack(struct tcp_conn *c, uint64_t now);
/* The RTO backed off shift times, capped at rto_max_ms. */
uint64_t tcpout_rto(const struct tcp_conn *c, unsigned shift);
/* Feeds one RTT measurement (ms) to the RFC 6298 estimator. */
void tcpout_rtt_sample(struct tcp_conn *c, uint64_t ms);
/* Puts the conn's one timer at the earliest of its deadlines. */
void tcpout_arm(struct tcp_conn *c);
/* Queued bytes not sent yet. */
size_t tcpout_unsent(const struct tcp_conn *c);
/* Resends the oldest unacknowledged segment (data, else our FIN). */
void tcpout_rexmt_head(struct tcp_conn *c);
/*
 * Sends what the peer's window allows, then our FIN once all data is out,
 * then any ACK still owed; sets the retransmission or persist timer.
 */
void tcpout_output(struct tcp_conn *c, uint64_t now);

#endif
