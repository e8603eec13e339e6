/* tcp.c -- fathom's userspace TCP: active opens, data both ways, no kernel. */
#include "netstack/tcp.h"

#include <stdlib.h>
#include <string.h>

#include "netstack/tcpint.h"
#include "netstack/tcpseg.h"

#define TCP_INIT_RTO_MS 1000 /* RFC 6298 2.1; also the first SYN timeout */
#define TCP_MAX_REXMT 6      /* retransmissions before TCP_EV_TIMEOUT */
#define TCP_TIMEWAIT_MS 1000 /* our ports are unique; no need for 2MSL */
#define TCP_DUPACKS 3

static void *zalloc(size_t n)
{
	void *p = calloc(1, n);

	if (p == NULL)
		abort(); /* the CLI's policy: OOM is fatal */
	return p;
}

/* Table: chained hash of (daddr, dport, sport); we pick the keys. */

/*
 * An IPv4 address hashes as its value, as before IPv6 (bucket order is
 * RST order at tcp_stack_free); an IPv6 one as its four words xored.
 */
static uint32_t addr_word(const struct addr *a)
{
	uint32_t w = 0;

	if (!addr_is_v6(a))
		return addr_v4(a);
	for (int i = 0; i < 16; i += 4)
		w ^= (uint32_t)a->b[i] << 24 | (uint32_t)a->b[i + 1] << 16 |
		     (uint32_t)a->b[i + 2] << 8 | a->b[i + 3];
	return w;
}

static size_t conn_hash(const struct tcp_stack *st, const struct addr *daddr,
			uint16_t dport, uint16_t sport)
{
	uint32_t h = addr_word(daddr) * 0x9e3779b1u ^
		     ((uint32_t)dport << 16 | sport) * 0x85ebca6bu;

	h ^= h >> 15;
	return (size_t)(h * 0xc2b2ae35u >> 8) & st->mask;
}

struct tcp_conn *tcpi_find(const struct tcp_stack *st, const struct addr *daddr,
			   uint16_t dport, uint16_t sport)
{
	struct tcp_conn *c = st->bucket[conn_hash(st, daddr, dport, sport)];

	while (c && (c->dport != dport || c->sport != sport ||
		     !addr_eq(&c->daddr, daddr)))
		c = c->hnext;
	return c;
}

void tcpi_insert(struct tcp_conn *c)
{
	struct tcp_stack *st = c->st;
	size_t h = conn_hash(st, &c->daddr, c->dport, c->sport);

	c->hnext = st->bucket[h];
	st->bucket[h] = c;
	st->count++;
}

void tcpi_remove(struct tcp_conn *c)
{
	struct tcp_stack *st = c->st;
	struct tcp_conn **pp =
		&st->bucket[conn_hash(st, &c->daddr, c->dport, c->sport)];

	while (*pp && *pp != c)
		pp = &(*pp)->hnext;
	if (*pp) {
		*pp = c->hnext;
		st->count--;
	}
}

/* Events and the end of a connection. */

/* Synchronized states owe the peer a RST when we give up. */
static int wants_rst(const struct tcp_conn *c)
{
	return c->state != ST_SYN_SENT && c->state != ST_TIME_WAIT;
}

int tcpi_emit(struct tcp_conn *c, enum tcp_event ev, const uint8_t *d,
	      size_t len)
{
	c->flags |= CF_IN_CB;
	if (c->st->cfg.event)
		c->st->cfg.event(c, ev, d, len, c->user);
	c->flags &= ~CF_IN_CB;
	if (c->flags & CF_ABORT_REQ) {
		tcpi_finish(c, -1, wants_rst(c));
		return -1;
	}
	return 0;
}

/*
 * Ends c: a RST if asked, then ev (unless -1), then TCP_EV_CLOSED, then
 * the free. Callers must not touch c afterwards.
 */
void tcpi_finish(struct tcp_conn *c, int ev, int rst)
{
	struct tcp_stack *st = c->st;

	if (c->flags & CF_DEAD)
		return;
	c->flags |= CF_DEAD | CF_IN_CB; /* the API ignores c from here */
	if (rst)
		tcpout_xmit(c, c->snd_nxt, PKT_RST | PKT_ACK, NULL, 0);
	tcpi_remove(c);
	tw_cancel(st->tw, &c->timer);
	if (ev >= 0 && st->cfg.event)
		st->cfg.event(c, (enum tcp_event)ev, NULL, 0, c->user);
	if (st->cfg.event)
		st->cfg.event(c, TCP_EV_CLOSED, NULL, 0, c->user);
	tcpq_free(&c->txq);
	tcpra_free(c->ra);
	free(c);
}

/* Timers. */

static void conn_timeout(struct tcp_conn *c, uint64_t now)
{
	const struct tcp_cfg *cfg = &c->st->cfg;

	if (c->state == ST_TIME_WAIT) {
		if (now >= c->rexmt_at)
			tcpi_finish(c, -1, 0);
		else
			tcpout_arm(c);
		return;
	}
	if ((cfg->life_ms && now >= c->born_ms + cfg->life_ms) ||
	    (c->state == ST_SYN_SENT &&
	     now >= c->born_ms + cfg->syn_timeout_ms)) {
		tcpi_finish(c, TCP_EV_TIMEOUT, wants_rst(c));
		return;
	}
	if (c->state == ST_ADOPTED) {
		tcpa_timeout(c, now);
		return;
	}
	if (!c->rexmt_at || now < c->rexmt_at) {
		tcpout_arm(c);
		return;
	}
	if (c->state == ST_SYN_SENT) {
		c->flags |= CF_SYN_REXMT;
		tcpout_xmit(c, c->iss, PKT_SYN, NULL, 0);
		c->nrexmt++;
		c->rexmt_at = now + tcpout_rto(c, c->nrexmt);
	} else if (c->flags & CF_PERSIST) {
		uint32_t out = c->snd_nxt - c->snd_una;

		/* One byte past the closed window, not counted as sent. */
		if (tcpout_unsent(c) > 0)
			tcpout_xmit(c, c->snd_nxt, PKT_ACK,
				    tcpq_at(&c->txq, out), 1);
		if (c->pshift < 16)
			c->pshift++;
		c->rexmt_at = now + tcpout_rto(c, c->pshift);
	} else if (c->snd_una == c->snd_nxt) {
		c->rexmt_at = 0; /* nothing in flight after all */
	} else {
		if (c->nrexmt >= TCP_MAX_REXMT) {
			tcpi_finish(c, TCP_EV_TIMEOUT, 1);
			return;
		}
		c->nrexmt++;
		c->flags |= CF_RECOVER;
		c->recover = c->snd_nxt;
		tcpout_rexmt_head(c);
		c->rexmt_at = now + tcpout_rto(c, c->nrexmt);
	}
	tcpout_arm(c);
}

static void timer_fire(struct tw_entry *e, void *arg)
{
	struct tcp_conn *c =
		(struct tcp_conn *)((char *)e -
				    offsetof(struct tcp_conn, timer));

	conn_timeout(c, *(const uint64_t *)arg);
}

/* Receiving. */

static void enter_time_wait(struct tcp_conn *c, uint64_t now)
{
	c->state = ST_TIME_WAIT;
	c->flags &= ~(CF_PERSIST | CF_RTT | CF_RECOVER);
	c->rexmt_at = now + TCP_TIMEWAIT_MS;
	tcpq_free(&c->txq);
	tcpra_free(c->ra);
	c->ra = NULL;
}

static void syn_sent_input(struct tcp_conn *c, const struct pkt_info *p,
			   uint64_t now)
{
	const struct tcp_cfg *cfg = &c->st->cfg;
	uint8_t f = p->tcp.flags;
	uint16_t mss;

	/* Only an ACK of our SYN is ours (RFC 9293 3.10.7.3). */
	if (!(f & PKT_ACK) || p->tcp.ack != c->iss + 1)
		return;
	if (f & PKT_RST) {
		tcpi_finish(c, TCP_EV_RESET, 0);
		return;
	}
	if (!(f & PKT_SYN))
		return;
	mss = tcpseg_find_mss(p->tcp.opts, p->tcp.optlen);
	if (mss == 0)
		mss = TCP_PEER_MSS;
	if (mss < TCP_MIN_MSS)
		mss = TCP_MIN_MSS;
	c->mss = mss < cfg->mss ? mss : cfg->mss;
	c->rcv_nxt = p->tcp.seq + 1;
	c->snd_una = c->iss + 1;
	c->snd_wnd = p->tcp.win;
	c->snd_wl1 = p->tcp.seq;
	c->snd_wl2 = p->tcp.ack;
	if (!(c->flags & CF_SYN_REXMT))
		tcpout_rtt_sample(c, now - c->born_ms);
	c->nrexmt = 0;
	c->rexmt_at = 0;
	c->state = (c->flags & CF_FIN_Q) ? ST_FIN_WAIT_1 : ST_ESTABLISHED;
	/* Data in the SYN-ACK is not taken; the peer will send it again. */
	tcpout_xmit(c, c->snd_nxt, PKT_ACK, NULL, 0);
	tcpout_arm(c);
	if (tcpi_emit(c, TCP_EV_CONNECTED, NULL, 0) < 0)
		return;
	tcpout_output(c, now);
}

/*
 * Trims a segment to our receive window (RFC 9293 3.10.7.4). Returns -1 if
 * no part of it is acceptable.
 */
static int rcv_trim(const struct tcp_conn *c, uint32_t *seq, const uint8_t **d,
		    size_t *len, int *fin)
{
	uint32_t wnd = (c->flags & CF_PEER_FIN) ? 0 : c->st->cfg.rcv_wnd;
	uint32_t off;

	if (tcp_seq_lt(*seq, c->rcv_nxt)) {
		uint32_t old = c->rcv_nxt - *seq;

		if ((uint64_t)old >= *len + (size_t)*fin)
			return -1; /* all of it delivered already */
		*d += old;
		*len -= old;
		*seq = c->rcv_nxt;
	}
	off = *seq - c->rcv_nxt;
	if (off > 0 && off >= wnd)
		return -1;
	if ((uint64_t)off + *len > wnd) {
		*len = wnd - off;
		*fin = 0; /* it lies past the window */
	}
	return 0;
}

/* Processes an acceptable ACK field. -1 if c is gone. */
static int ack_input(struct tcp_conn *c, const struct pkt_info *p, int pure,
		     uint64_t now)
{
	uint32_t ack = p->tcp.ack, seq = p->tcp.seq;

	if (tcp_seq_lt(c->snd_una, ack)) {
		uint32_t acked = ack - c->snd_una;

		tcpq_drop(&c->txq, acked);
		c->snd_una = ack;
		if (tcp_seq_lt(c->snd_nxt, ack))
			c->snd_nxt = ack; /* a persist probe got in */
		if ((c->flags & CF_RTT) && tcp_seq_le(c->rtt_seq, ack)) {
			c->flags &= ~CF_RTT;
			tcpout_rtt_sample(c, now - c->rtt_ts);
		}
		c->nrexmt = 0;
		c->dupacks = 0;
		if (!(c->flags & CF_PERSIST))
			c->rexmt_at = c->snd_una == c->snd_nxt
					      ? 0
					      : now + tcpout_rto(c, 0);
		if (c->flags & CF_RECOVER) {
			/* A partial ACK: the next hole is lost too. */
			if (tcp_seq_lt(c->snd_una, c->recover))
				tcpout_rexmt_head(c);
			else
				c->flags &= ~CF_RECOVER;
		}
	} else if (ack == c->snd_una && pure && p->tcp.win == c->snd_wnd &&
		   c->snd_una != c->snd_nxt) {
		if (++c->dupacks == TCP_DUPACKS) {
			c->flags |= CF_RECOVER;
			c->recover = c->snd_nxt;
			tcpout_rexmt_head(c); /* fast retransmit */
		}
	}
	if (tcp_seq_lt(c->snd_wl1, seq) ||
	    (c->snd_wl1 == seq && tcp_seq_le(c->snd_wl2, ack))) {
		c->snd_wnd = p->tcp.win;
		c->snd_wl1 = seq;
		c->snd_wl2 = ack;
		if (c->snd_wnd > 0)
			c->pshift = 0;
	}
	if (!(c->flags & CF_FIN_SENT) || tcp_seq_le(c->snd_una, c->fin_seq))
		return 0;
	switch (c->state) { /* our FIN is acked */
	case ST_FIN_WAIT_1:
		c->state = ST_FIN_WAIT_2;
		c->rexmt_at = 0;
		break;
	case ST_CLOSING:
		enter_time_wait(c, now);
		break;
	case ST_LAST_ACK:
		tcpi_finish(c, -1, 0);
		return -1;
	default:
		break;
	}
	return 0;
}

/* Hands in-order bytes up, stopping at rx_cap. -1 if c is gone. */
static int deliver(struct tcp_conn *c, const uint8_t *d, size_t n)
{
	size_t cap = c->st->cfg.rx_cap;
	size_t room = c->rx_bytes < cap ? cap - c->rx_bytes : 0;
	size_t take = n < room ? n : room;

	if (take) {
		c->rcv_nxt += (uint32_t)take;
		c->rx_bytes += take;
		if (tcpi_emit(c, TCP_EV_DATA, d, take) < 0)
			return -1;
	}
	if (take < n) {
		tcpi_finish(c, TCP_EV_LIMIT, 1);
		return -1;
	}
	return 0;
}

/* Takes the (trimmed) data and FIN of a segment. -1 if c is gone. */
static int data_input(struct tcp_conn *c, uint32_t seq, const uint8_t *d,
		      size_t len, int fin, uint64_t now)
{
	const uint8_t *q;
	size_t n;

	if (fin) {
		c->flags |= CF_FIN_AHEAD;
		c->peer_fin = seq + (uint32_t)len;
	}
	if (len > 0) {
		c->flags |= CF_ACK_NOW; /* in order or not (RFC 5681 4.2) */
		if (seq != c->rcv_nxt) {
			tcpra_add(&c->ra, c->rcv_nxt, seq, d, len,
				  c->st->cfg.reasm_cap);
			return 0;
		}
		if (deliver(c, d, len) < 0)
			return -1;
		while ((n = tcpra_peek(c->ra, c->rcv_nxt, &q)) > 0)
			if (deliver(c, q, n) < 0)
				return -1;
		tcpra_trim(&c->ra, c->rcv_nxt);
	}
	if (!(c->flags & CF_FIN_AHEAD) || c->peer_fin != c->rcv_nxt) {
		if (tcp_seq_lt(c->peer_fin, c->rcv_nxt))
			c->flags &= ~CF_FIN_AHEAD; /* stale: data went past */
		return 0;
	}
	c->flags = (uint16_t)((c->flags & ~CF_FIN_AHEAD) | CF_PEER_FIN |
			      CF_ACK_NOW);
	c->rcv_nxt++;
	tcpra_free(c->ra);
	c->ra = NULL;
	switch (c->state) {
	case ST_ESTABLISHED:
		c->state = ST_CLOSE_WAIT;
		break;
	case ST_FIN_WAIT_1:
		c->state = ST_CLOSING;
		break;
	case ST_FIN_WAIT_2:
		enter_time_wait(c, now);
		break;
	default:
		break;
	}
	return tcpi_emit(c, TCP_EV_EOF, NULL, 0);
}

void tcpi_input(struct tcp_conn *c, const struct pkt_info *p, uint64_t now)
{
	uint8_t f = p->tcp.flags;
	uint32_t seq = p->tcp.seq, wnd = c->st->cfg.rcv_wnd;
	const uint8_t *d = p->payload;
	size_t len = p->payload_len;
	int fin = !!(f & PKT_FIN);

	if (c->state == ST_SYN_SENT) {
		syn_sent_input(c, p, now);
		return;
	}
	if (c->state == ST_ADOPTED) {
		tcpa_input(c, p, now);
		return;
	}
	/* RFC 5961 3.2: only an exact RST resets; in-window ones are asked. */
	if (f & PKT_RST) {
		if (seq == c->rcv_nxt)
			tcpi_finish(c, TCP_EV_RESET, 0);
		else if ((uint32_t)(seq - c->rcv_nxt) < wnd)
			tcpout_oow_ack(c, now);
		return;
	}
	if ((f & PKT_SYN) || !(f & PKT_ACK) ||
	    rcv_trim(c, &seq, &d, &len, &fin) < 0) {
		/* RFC 5961 4.2 for a SYN; RFC 9293's ACK for the rest. */
		if (f & (PKT_SYN | PKT_ACK))
			tcpout_oow_ack(c, now);
		return;
	}
	/* 5961 5.2: acceptable ACKs lie in [snd_una - 64k, snd_max]. */
	if (tcp_seq_lt(c->snd_max, p->tcp.ack) ||
	    (tcp_seq_lt(p->tcp.ack, c->snd_una) &&
	     c->snd_una - p->tcp.ack > 65535u)) {
		tcpout_oow_ack(c, now);
		return;
	}
	if (c->state == ST_TIME_WAIT)
		return; /* all done; a resent FIN was re-ACKed above */
	if (ack_input(c, p, p->payload_len == 0 && !fin, now) < 0 ||
	    data_input(c, seq, d, len, fin, now) < 0)
		return;
	tcpout_output(c, now);
}

/* The API. */

struct tcp_stack *tcp_stack_new(const struct tcp_cfg *cfg, uint64_t now_ms)
{
	struct tcp_stack *st = zalloc(sizeof(*st));
	size_t nb = 64;

	st->cfg = *cfg;
	if (st->cfg.mss == 0)
		st->cfg.mss = 1460;
	if (st->cfg.mss < TCP_MIN_MSS)
		st->cfg.mss = TCP_MIN_MSS;
	if (st->cfg.rcv_wnd == 0)
		st->cfg.rcv_wnd = 65535;
	if (st->cfg.ttl == 0)
		st->cfg.ttl = 64;
	if (st->cfg.rto_min_ms == 0)
		st->cfg.rto_min_ms = 200;
	if (st->cfg.rto_max_ms == 0)
		st->cfg.rto_max_ms = 60000;
	if (st->cfg.rto_max_ms < st->cfg.rto_min_ms)
		st->cfg.rto_max_ms = st->cfg.rto_min_ms;
	if (st->cfg.syn_timeout_ms == 0)
		st->cfg.syn_timeout_ms = 10000;
	while (nb < st->cfg.max_conns && nb < (1u << 20))
		nb <<= 1;
	st->bucket = zalloc(nb * sizeof(*st->bucket));
	st->mask = nb - 1;
	st->tw = tw_new(now_ms);
	st->frame_cap = TCPSEG_HDR_MAX + st->cfg.mss;
	st->frame = zalloc(st->frame_cap);
	st->ipid = (uint32_t)(cfg->saddr ^ now_ms ^ (uintptr_t)st) | 1;
	return st;
}

void tcp_stack_free(struct tcp_stack *st, uint64_t now_ms)
{
	(void)now_ms; /* RSTs carry no time */
	if (st == NULL)
		return;
	st->closing = 1; /* callbacks cannot open more while we drain */
	for (size_t i = 0; i <= st->mask; i++)
		while (st->bucket[i]) /* a callback may end others: re-read */
			tcpi_finish(st->bucket[i], -1,
				    wants_rst(st->bucket[i]));
	tw_free(st->tw);
	free(st->bucket);
	free(st->frame);
	free(st);
}

struct tcp_conn *tcp_connect(struct tcp_stack *st, uint32_t daddr,
			     uint16_t dport, uint16_t sport, uint32_t isn,
			     const uint8_t dmac[6], void *user, uint64_t now_ms)
{
	struct addr a = addr_from_v4(daddr);

	return tcp_connect_addr(st, &a, dport, sport, isn, dmac, user, now_ms);
}

uint32_t tcpi_init_rto(const struct tcp_stack *st)
{
	uint32_t rto = TCP_INIT_RTO_MS;

	if (rto < st->cfg.rto_min_ms)
		rto = st->cfg.rto_min_ms;
	if (rto > st->cfg.rto_max_ms)
		rto = st->cfg.rto_max_ms;
	return rto;
}

struct tcp_conn *tcpi_new(struct tcp_stack *st, const struct addr *daddr,
			  uint16_t dport, uint16_t sport, uint32_t isn,
			  const uint8_t dmac[6], void *user, uint64_t now)
{
	struct tcp_conn *c;

	if (st == NULL || st->closing || st->count >= st->cfg.max_conns ||
	    (addr_is_v6(daddr) && st->cfg.saddr6.family != ADDR_V6) ||
	    tcpi_find(st, daddr, dport, sport))
		return NULL;
	c = zalloc(sizeof(*c));
	tw_entry_init(&c->timer);
	c->st = st;
	c->user = user;
	c->daddr = *daddr;
	c->dport = dport;
	c->sport = sport;
	memcpy(c->dmac, dmac, 6);
	c->iss = c->snd_una = c->snd_max = isn;
	c->snd_nxt = isn + 1;
	c->mss = TCP_PEER_MSS;
	c->born_ms = now;
	c->rto = tcpi_init_rto(st);
	c->state = ST_SYN_SENT;
	tcpi_insert(c);
	return c;
}

struct tcp_conn *tcp_connect_addr(struct tcp_stack *st,
				  const struct addr *daddr, uint16_t dport,
				  uint16_t sport, uint32_t isn,
				  const uint8_t dmac[6], void *user,
				  uint64_t now_ms)
{
	struct tcp_conn *c =
		tcpi_new(st, daddr, dport, sport, isn, dmac, user, now_ms);

	if (c == NULL)
		return NULL;
	tcpout_xmit(c, isn, PKT_SYN, NULL, 0);
	c->rexmt_at = now_ms + c->rto;
	tcpout_arm(c);
	return c;
}

int tcp_input(struct tcp_stack *st, const struct pkt_info *p, uint64_t now_ms)
{
	struct tcp_conn *c;

	if (st == NULL || p == NULL || p->kind != PKT_TCP)
		return 0;
	if (p->ip.ver == 6 ? !addr_eq(&p->ip.daddr, &st->cfg.saddr6)
			   : p->ip.dst != st->cfg.saddr)
		return 0;
	c = tcpi_find(st, &p->ip.saddr, p->tcp.sport, p->tcp.dport);
	if (c == NULL)
		return 0;
	/*
	 * A first fragment's payload is cut short, and a segment fed back
	 * from inside this conn's own callback would re-enter it: drop both.
	 */
	if ((p->ip.frag & 0x2000) || (c->flags & CF_IN_CB))
		return 1;
	tcpi_input(c, p, now_ms);
	return 1;
}

int tcp_send(struct tcp_conn *c, const void *data, size_t len, uint64_t now_ms)
{
	if (c == NULL || (c->flags & (CF_DEAD | CF_ABORT_REQ | CF_FIN_Q)))
		return -1;
	if (c->state != ST_SYN_SENT && c->state != ST_ADOPTED &&
	    c->state != ST_ESTABLISHED && c->state != ST_CLOSE_WAIT)
		return -1;
	if (len == 0)
		return 0;
	if (tcpq_push(&c->txq, data, len, c->st->cfg.tx_cap) < 0)
		return -1;
	if (c->state != ST_SYN_SENT && c->state != ST_ADOPTED)
		tcpout_output(c, now_ms);
	return 0;
}

void tcp_shutdown(struct tcp_conn *c, uint64_t now_ms)
{
	if (c == NULL || (c->flags & (CF_DEAD | CF_ABORT_REQ | CF_FIN_Q)))
		return;
	c->flags |= CF_FIN_Q;
	if (c->state == ST_ESTABLISHED)
		c->state = ST_FIN_WAIT_1;
	else if (c->state == ST_CLOSE_WAIT)
		c->state = ST_LAST_ACK;
	/* Else the FIN follows the handshake. */
	if (c->state != ST_SYN_SENT && c->state != ST_ADOPTED)
		tcpout_output(c, now_ms);
}

void tcp_abort(struct tcp_conn *c, uint64_t now_ms)
{
	if (c == NULL || (c->flags & CF_DEAD))
		return;
	if (c->flags & CF_IN_CB) {
		c->flags |= CF_ABORT_REQ; /* conn_emit ends it on return */
		return;
	}
	(void)now_ms;
	tcpi_finish(c, -1, wants_rst(c));
}

void tcp_tick(struct tcp_stack *st, uint64_t now_ms)
{
	if (st)
		tw_run(st->tw, now_ms, timer_fire, &now_ms);
}

int64_t tcp_next_timeout(const struct tcp_stack *st, uint64_t now_ms)
{
	return st ? tw_next(st->tw, now_ms) : -1;
}

size_t tcp_count(const struct tcp_stack *st)
{
	return st ? st->count : 0;
}

void *tcp_conn_user(const struct tcp_conn *c)
{
	return c->user;
}

void tcp_conn_set_user(struct tcp_conn *c, void *user)
{
	c->user = user;
}

uint32_t tcp_conn_daddr(const struct tcp_conn *c)
{
	return addr_is_v6(&c->daddr) ? 0 : addr_v4(&c->daddr);
}

const struct addr *tcp_conn_addr(const struct tcp_conn *c)
{
	return &c->daddr;
}

uint16_t tcp_conn_dport(const struct tcp_conn *c)
{
	return c->dport;
}

uint16_t tcp_conn_sport(const struct tcp_conn *c)
{
	return c->sport;
}

void *tcp_conn_stack_arg(const struct tcp_conn *c)
{
	return c->st->cfg.arg;
}

size_t tcp_conn_rx_bytes(const struct tcp_conn *c)
{
	return (size_t)c->rx_bytes;
}
