/* tcpout.c -- what the TCP stack sends and when: segments, RTO, persist. */
#include "netstack/tcpint.h"

#include "netstack/tcpseg.h"

#define TCP_OOW_ACK_MS 200 /* one out-of-window ACK per this (RFC 5961) */

static uint16_t next_ipid(struct tcp_stack *st)
{
	uint32_t x = st->ipid; /* xorshift32: IDs that do not count up */

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	st->ipid = x;
	return (uint16_t)(x >> 8);
}

void tcpout_xmit(struct tcp_conn *c, uint32_t seq, uint8_t flags,
		 const uint8_t *d, size_t len)
{
	struct tcp_stack *st = c->st;
	struct tcpseg s = {
		.smac = st->cfg.smac,
		.dmac = c->dmac,
		.saddr = addr_is_v6(&c->daddr) ? st->cfg.saddr6
					       : addr_from_v4(st->cfg.saddr),
		.daddr = c->daddr,
		.sport = c->sport,
		.dport = c->dport,
		.seq = seq,
		.ack = (flags & PKT_ACK) ? c->rcv_nxt : 0,
		.flags = flags,
		.win = st->cfg.rcv_wnd,
		.ttl = st->cfg.ttl,
		.ipid = next_ipid(st),
		.mss = !(flags & PKT_SYN)      ? 0
		       : addr_is_v6(&c->daddr) ? (uint16_t)(st->cfg.mss - 20)
					       : st->cfg.mss,
		.data = d,
		.len = len,
	};
	uint32_t end =
		seq + (uint32_t)len + !!(flags & PKT_SYN) + !!(flags & PKT_FIN);
	size_t n = tcpseg_build(st->frame, st->frame_cap, &s);

	if (n && st->cfg.xmit)
		st->cfg.xmit(st->cfg.arg, st->frame, n);
	if (!(flags & PKT_RST) && tcp_seq_lt(c->snd_max, end))
		c->snd_max = end;
	if (flags & PKT_ACK)
		c->flags &= ~CF_ACK_NOW;
}

void tcpout_oow_ack(struct tcp_conn *c, uint64_t now)
{
	if (now < c->oow_ok_ms)
		return;
	c->oow_ok_ms = now + TCP_OOW_ACK_MS;
	tcpout_xmit(c, c->snd_nxt, PKT_ACK, NULL, 0);
}

uint64_t tcpout_rto(const struct tcp_conn *c, unsigned shift)
{
	uint64_t r = (uint64_t)c->rto << (shift > 16 ? 16 : shift);

	return tcp_min64(r, c->st->cfg.rto_max_ms);
}

void tcpout_rtt_sample(struct tcp_conn *c, uint64_t ms)
{
	const struct tcp_cfg *cfg = &c->st->cfg;
	uint32_t r = (uint32_t)tcp_min64(ms ? ms : 1, 600000);
	uint32_t var;

	if (c->srtt8 == 0) { /* RFC 6298 2.2 */
		c->srtt8 = r << 3;
		c->rttvar4 = r << 1;
	} else { /* 2.3, in fixed point */
		int32_t delta = (int32_t)r - (int32_t)(c->srtt8 >> 3);

		c->srtt8 = (uint32_t)((int32_t)c->srtt8 + delta);
		if (delta < 0)
			delta = -delta;
		c->rttvar4 = (uint32_t)((int32_t)c->rttvar4 + delta -
					(int32_t)(c->rttvar4 >> 2));
	}
	var = c->rttvar4 > TW_TICK_MS ? c->rttvar4 : TW_TICK_MS;
	c->rto = (c->srtt8 >> 3) + var;
	if (c->rto < cfg->rto_min_ms)
		c->rto = cfg->rto_min_ms;
	if (c->rto > cfg->rto_max_ms)
		c->rto = cfg->rto_max_ms;
}

void tcpout_arm(struct tcp_conn *c)
{
	const struct tcp_cfg *cfg = &c->st->cfg;
	uint64_t t = UINT64_MAX;

	if (c->rexmt_at)
		t = c->rexmt_at;
	if (cfg->life_ms)
		t = tcp_min64(t, c->born_ms + cfg->life_ms);
	if (c->state == ST_SYN_SENT)
		t = tcp_min64(t, c->born_ms + cfg->syn_timeout_ms);
	if (t == UINT64_MAX)
		tw_cancel(c->st->tw, &c->timer);
	else
		tw_arm(c->st->tw, &c->timer, t);
}

size_t tcpout_unsent(const struct tcp_conn *c)
{
	uint32_t out = c->snd_nxt - c->snd_una;

	if (c->flags & CF_FIN_SENT)
		return 0;
	return c->txq.len > out ? c->txq.len - out : 0;
}

void tcpout_rexmt_head(struct tcp_conn *c)
{
	uint32_t out = c->snd_nxt - c->snd_una;
	size_t n = c->txq.len < out ? c->txq.len : out;

	c->flags &= ~CF_RTT; /* Karn: never time a retransmission */
	if (n > c->mss)
		n = c->mss;
	if (n > 0)
		tcpout_xmit(c, c->snd_una, PKT_ACK | PKT_PSH,
			    tcpq_at(&c->txq, 0), n);
	else if ((c->flags & CF_FIN_SENT) && c->snd_una == c->fin_seq)
		tcpout_xmit(c, c->fin_seq, PKT_FIN | PKT_ACK, NULL, 0);
}

void tcpout_output(struct tcp_conn *c, uint64_t now)
{
	size_t unsent = 0;

	if (c->state != ST_SYN_SENT && c->state != ST_ADOPTED &&
	    c->state != ST_TIME_WAIT && !(c->flags & CF_FIN_SENT)) {
		for (;;) {
			uint32_t out = c->snd_nxt - c->snd_una;
			uint32_t wend = c->snd_una + c->snd_wnd;
			size_t n, room = tcp_seq_lt(c->snd_nxt, wend)
						 ? wend - c->snd_nxt
						 : 0;

			unsent = tcpout_unsent(c);
			n = unsent < room ? unsent : room;
			if (n > c->mss)
				n = c->mss;
			if (n == 0)
				break;
			if (!(c->flags & (CF_RTT | CF_RECOVER))) {
				c->flags |= CF_RTT;
				c->rtt_seq = c->snd_nxt + (uint32_t)n;
				c->rtt_ts = now;
			}
			tcpout_xmit(c, c->snd_nxt,
				    PKT_ACK | (n == unsent ? PKT_PSH : 0),
				    tcpq_at(&c->txq, out), n);
			c->snd_nxt += (uint32_t)n;
			unsent -= n;
			if (!c->rexmt_at || (c->flags & CF_PERSIST)) {
				c->flags &= ~CF_PERSIST;
				c->rexmt_at = now + tcpout_rto(c, c->nrexmt);
			}
		}
		if ((c->flags & CF_FIN_Q) && unsent == 0) {
			c->fin_seq = c->snd_nxt;
			tcpout_xmit(c, c->snd_nxt, PKT_FIN | PKT_ACK, NULL, 0);
			c->snd_nxt++;
			c->flags |= CF_FIN_SENT;
			if (!c->rexmt_at || (c->flags & CF_PERSIST)) {
				c->flags &= ~CF_PERSIST;
				c->rexmt_at = now + tcpout_rto(c, c->nrexmt);
			}
		}
	}
	if (c->flags & CF_ACK_NOW)
		tcpout_xmit(c, c->snd_nxt, PKT_ACK, NULL, 0);
	/* A closed window with nothing in flight: probe, don't spin. */
	if (unsent > 0 && c->snd_una == c->snd_nxt && c->snd_wnd == 0) {
		if (!(c->flags & CF_PERSIST)) {
			c->flags |= CF_PERSIST;
			c->rexmt_at = now + tcpout_rto(c, c->pshift);
		}
	} else if (c->flags & CF_PERSIST) {
		c->flags &= ~CF_PERSIST;
		c->rexmt_at = 0;
	}
	tcpout_arm(c);
}
