/* handoff.h -- the sweep's validated SYN-ACKs, kept for -sV's first connection. */
#ifndef FATHOM_HANDOFF_H
#define FATHOM_HANDOFF_H

#include <stddef.h>
#include <stdint.h>

#include "netstack/addr.h"
#include "netstack/packet.h"
#include "netstack/tcp.h"

/*
 * One pass (--one-pass, docs/ARCHITECTURE.md): when -sV follows the
 * sweep over fathom's own TCP, the nft guard keeps the kernel from
 * resetting the sweep's SYN-ACKs, so each open port's peer holds a
 * half-open connection; the sweep's receive thread notes here what
 * finishing it takes (tcp.h's struct tcp_handoff) and -sV's transport
 * adopts it (tcp_adopt) for the port's first probe instead of sending a
 * second SYN. The receive thread is the only writer and -sV reads only
 * after the sweep has joined it, so there is no lock. Pure: no I/O.
 */
struct handoff_entry {
	struct tcp_handoff h;
	uint8_t mac[6];    /* the SYN-ACK's Ethernet source: the next hop */
	uint8_t smac[6];   /* its destination: our interface */
	struct addr saddr; /* our address it was sent to */
	uint64_t at_ms;    /* when it arrived (vs_now_ms()'s clock) */
	uint8_t taken;     /* adopted, reset, or a repeat of another */
};

struct handoffs {
	struct handoff_entry *e;
	size_t n, cap, max;
	uint64_t dropped; /* SYN-ACKs not kept: the table was full */
	int sorted;
};

/* An empty table that keeps at most max entries. */
void handoffs_init(struct handoffs *t, size_t max);
/* Frees the entries; the table is empty again. Accepts a zeroed t. */
void handoffs_free(struct handoffs *t);

/*
 * Keeps the SYN-ACK in p (parsed; the caller validated its cookie and
 * called the port open), received at at_ms. Returns 1 if kept (or a
 * repeat of one kept: the peer's own retransmission, same 4-tuple), 0
 * when it is no SYN-ACK or the table is full (then the caller resets
 * it: nobody will finish it). Linear in the entries: for small tables.
 */
int handoffs_note(struct handoffs *t, const struct pkt_info *p, uint64_t at_ms);

/*
 * Takes the earliest handshake for addr:port not taken yet (and marks
 * its repeats taken): 1 with *out, 0 when there is none.
 */
int handoffs_take(struct handoffs *t, const struct addr *addr, uint16_t port,
		  struct handoff_entry *out);

/*
 * The next handshake nobody took (one per 4-tuple), marked taken: 1
 * with *out, 0 when none is left. For resetting what -sV did not use.
 */
int handoffs_next_left(struct handoffs *t, struct handoff_entry *out);

/*
 * The same, only among those that arrived before at_ms (older than
 * -sV's limit): reset promptly, so no peer holds them for nothing.
 */
int handoffs_next_before(struct handoffs *t, uint64_t at_ms,
			 struct handoff_entry *out);

/*
 * The RST+ACK that ends e's handshake at the peer whether or not it
 * took an ACK of ours (sequence iss + 1, acknowledging irs + 1, as
 * tcp_handoff_reset sends), from e's own addresses, into out (cap
 * bytes). For exits that leave handshakes nobody adopted: the peer must
 * not hold them. Returns the frame length, or 0 if it does not fit.
 */
size_t handoff_rst_frame(const struct handoff_entry *e, uint8_t *out,
			 size_t cap);

#endif
