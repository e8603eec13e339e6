/* tcpbuf.h -- the bounded send queue and reassembly store of a TCP conn. */
#ifndef FATHOM_TCPBUF_H
#define FATHOM_TCPBUF_H

#include <stddef.h>
#include <stdint.h>

/*
 * Both stores start empty with no allocation and give their memory back
 * as soon as they are empty again, so ten thousand idle connections cost
 * nothing here. Both take their maximum on every call; nothing a peer
 * sends can grow them past it. Allocation failure aborts.
 */

/* Bytes queued to send, oldest (snd_una) first. */
struct tcpq {
	uint8_t *buf;
	uint32_t off, len, size;
};

/* Appends n bytes; -1 (nothing queued) if len + n would pass max. */
int tcpq_push(struct tcpq *q, const void *d, size_t n, size_t max);
/* Drops the n oldest bytes (at most len); frees the buffer when empty. */
void tcpq_drop(struct tcpq *q, size_t n);
/* The byte i places after the oldest (i < len). */
const uint8_t *tcpq_at(const struct tcpq *q, size_t i);
void tcpq_free(struct tcpq *q);

/*
 * Out-of-order bytes held for reassembly, as at most TCPRA_RANGES disjoint
 * ranges in a flat buffer that starts at the receiver's next expected
 * sequence number. Only bytes less than cap past that number are held: a
 * peer's window of tiny scattered segments costs at most cap bytes and a
 * fixed header, never an allocation per segment.
 */
#define TCPRA_RANGES 16

struct tcpra;

/*
 * Stores the bytes of [seq, seq + len) that lie in (rcv_nxt, rcv_nxt +
 * cap), overwriting any bytes already held there. Returns the number of
 * bytes stored; 0 if none fit or the range list is full (the segment is
 * dropped and the peer will send it again). *ra may be NULL (allocated on
 * demand) and is set to NULL when the store ends up empty.
 */
size_t tcpra_add(struct tcpra **ra, uint32_t rcv_nxt, uint32_t seq,
		 const uint8_t *d, size_t len, size_t cap);

/*
 * Forgets bytes before rcv_nxt, then returns how many bytes are held
 * contiguously from rcv_nxt, with *p pointing at them (valid until the
 * next call on ra). Freeing when empty is left to tcpra_add/tcpra_trim.
 */
size_t tcpra_peek(struct tcpra *ra, uint32_t rcv_nxt, const uint8_t **p);

/* Forgets bytes before rcv_nxt; frees and NULLs *ra when nothing is left. */
void tcpra_trim(struct tcpra **ra, uint32_t rcv_nxt);

/* Bytes held (0 for NULL). */
size_t tcpra_held(const struct tcpra *ra);

void tcpra_free(struct tcpra *ra);

#endif
