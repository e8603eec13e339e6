/* tcpadopt.c -- finishing a handshake another SYN began (tcp_adopt). */
#include <string.h>

#include "netstack/tcp.h"
#include "netstack/tcpint.h"

/*
 * An adopted connection is in ST_ADOPTED from our ACK until the peer
 * shows it is past the handshake. Our ACK alone draws nothing from a
 * healthy peer, so two probes follow it:
 *   first, a segment in the window that acknowledges one byte the peer
 *   never sent: a peer still in SYN-RECEIVED (our ACK lost, or dropped
 *   because its accept queue was full: Linux keeps the half-open
 *   connection and sends its SYN-ACK again seconds later) resets it
 *   (RFC 9293 3.10.7.3); an established one drops it (Linux) or answers
 *   with an ACK (RFC 9293 3.10.7.4);
 *   then a zero-length segment one below our next sequence (what a
 *   keepalive sends), which an established peer answers with an ACK.
 * Answers come back in order, so a RST before the ACK means the peer is
 * not (or no longer) holding an established connection: the fallback
 * opens a fresh one. A peer that dropped the half-open connection resets
 * our ACK itself; a middlebox that forgot it drops everything, and the
 * silence ends in the fallback too.
 */

#define ADOPT_TRIES 2 /* ACK + probe sent this often before falling back */

static void send_ack_and_probe(struct tcp_conn *c)
{
	tcpout_xmit(c, c->snd_nxt, PKT_ACK, NULL, 0);
	c->rcv_nxt++; /* the probe's ACK: a byte the peer never sent */
	tcpout_xmit(c, c->snd_nxt, PKT_ACK, NULL, 0);
	c->rcv_nxt--;
	tcpout_xmit(c, c->iss, PKT_ACK, NULL, 0);
}

struct tcp_conn *tcp_adopt(struct tcp_stack *st, const struct tcp_handoff *h,
			   uint16_t fb_sport, uint32_t fb_isn,
			   const uint8_t dmac[6], void *user, uint64_t now_ms)
{
	struct tcp_conn *c;
	uint16_t mss = h->mss ? h->mss : TCP_PEER_MSS;

	if (st == NULL || fb_sport == h->sport ||
	    tcpi_find(st, &h->daddr, h->dport, fb_sport))
		return NULL;
	c = tcpi_new(st, &h->daddr, h->dport, h->sport, h->iss, dmac, user,
		     now_ms);
	if (c == NULL)
		return NULL;
	if (mss < TCP_MIN_MSS)
		mss = TCP_MIN_MSS;
	c->mss = mss < st->cfg.mss ? mss : st->cfg.mss;
	c->fb_sport = fb_sport;
	c->fb_isn = fb_isn;
	c->snd_una = c->snd_max = c->snd_nxt; /* our SYN is acked */
	c->rcv_nxt = h->irs + 1;
	c->snd_wnd = h->win;
	c->snd_wl1 = h->irs;
	c->snd_wl2 = c->snd_una;
	if (h->rtt_ms)
		tcpout_rtt_sample(c, h->rtt_ms);
	c->state = ST_ADOPTED;
	c->flags |= CF_ADOPTED;
	send_ack_and_probe(c);
	c->rexmt_at = now_ms + c->rto;
	tcpout_arm(c);
	return c;
}

void tcp_handoff_reset(struct tcp_stack *st, const struct tcp_handoff *h,
		       const uint8_t dmac[6])
{
	struct tcp_conn tmp;

	if (st == NULL)
		return;
	memset(&tmp, 0, sizeof(tmp));
	tmp.st = st;
	tmp.daddr = h->daddr;
	tmp.dport = h->dport;
	tmp.sport = h->sport;
	tmp.rcv_nxt = h->irs + 1;
	memcpy(tmp.dmac, dmac, 6);
	/* In the peer's window whether or not it took an ACK of ours. */
	tcpout_xmit(&tmp, h->iss + 1, PKT_RST | PKT_ACK, NULL, 0);
}

int tcp_conn_adopted(const struct tcp_conn *c)
{
	if (!(c->flags & CF_ADOPTED))
		return 0;
	return (c->flags & CF_FELL_BACK) ? 2 : 1;
}

/*
 * The peer no longer holds the handshake: a RST for whatever it keeps of
 * the old 4-tuple, then our own SYN from the fallback port, as
 * tcp_connect_addr would send it. The connection stays the same object,
 * so the caller's handle and queued data carry over.
 */
static void fall_back(struct tcp_conn *c, uint64_t now)
{
	struct tcp_stack *st = c->st;

	tcpout_xmit(c, c->snd_nxt, PKT_RST | PKT_ACK, NULL, 0);
	tcpi_remove(c);
	if (tcpi_find(st, &c->daddr, c->dport, c->fb_sport)) {
		tcpi_finish(c, TCP_EV_TIMEOUT, 0); /* the port went meanwhile */
		return;
	}
	c->sport = c->fb_sport;
	c->iss = c->snd_una = c->snd_max = c->fb_isn;
	c->snd_nxt = c->fb_isn + 1;
	c->rcv_nxt = c->snd_wl1 = c->snd_wl2 = 0;
	c->snd_wnd = 0;
	c->mss = TCP_PEER_MSS;
	c->srtt8 = c->rttvar4 = 0;
	c->rto = tcpi_init_rto(st);
	c->nrexmt = c->dupacks = 0;
	c->flags =
		(uint16_t)((c->flags & ~(CF_RTT | CF_SYN_REXMT | CF_ACK_NOW)) |
			   CF_FELL_BACK);
	c->born_ms = now;
	c->state = ST_SYN_SENT;
	tcpi_insert(c);
	tcpout_xmit(c, c->iss, PKT_SYN, NULL, 0);
	c->rexmt_at = now + c->rto;
	tcpout_arm(c);
}

/* The peer's proof: ESTABLISHED, CONNECTED, then the segment's data. */
static void proven(struct tcp_conn *c, const struct pkt_info *p, uint64_t now)
{
	if (c->nrexmt == 0)
		tcpout_rtt_sample(c, now - c->born_ms);
	c->nrexmt = 0;
	c->rexmt_at = 0;
	c->state = (c->flags & CF_FIN_Q) ? ST_FIN_WAIT_1 : ST_ESTABLISHED;
	tcpout_arm(c);
	if (tcpi_emit(c, TCP_EV_CONNECTED, NULL, 0) < 0)
		return;
	if (p->payload_len > 0 || (p->tcp.flags & PKT_FIN))
		tcpi_input(c, p, now); /* sends what is queued too */
	else
		tcpout_output(c, now);
}

void tcpa_input(struct tcp_conn *c, const struct pkt_info *p, uint64_t now)
{
	uint8_t f = p->tcp.flags;
	uint32_t off = p->tcp.seq - c->rcv_nxt;

	if (f & PKT_RST) {
		/* In the window: the handshake is gone, or the service reset
		 * at once; a fresh connection tells which. */
		if (off < c->st->cfg.rcv_wnd)
			fall_back(c, now);
		return;
	}
	if (!(f & PKT_ACK) || p->tcp.ack != c->snd_una)
		return;
	if (f & PKT_SYN) {
		/* Its SYN-ACK again: our ACK was lost; the kernel's answer. */
		if (p->tcp.seq + 1 == c->rcv_nxt)
			tcpout_xmit(c, c->snd_nxt, PKT_ACK, NULL, 0);
		return;
	}
	if (off < c->st->cfg.rcv_wnd)
		proven(c, p, now);
}

void tcpa_timeout(struct tcp_conn *c, uint64_t now)
{
	if (!c->rexmt_at || now < c->rexmt_at) {
		tcpout_arm(c);
		return;
	}
	if (++c->nrexmt >= ADOPT_TRIES) {
		fall_back(c, now);
		return;
	}
	send_ack_and_probe(c);
	c->rexmt_at = now + tcpout_rto(c, c->nrexmt);
	tcpout_arm(c);
}
