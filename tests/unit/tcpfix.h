/* tcpfix.h -- the userspace TCP tests' fixture: a fake peer, fake time. */
#ifndef FATHOM_TCPFIX_H
#define FATHOM_TCPFIX_H

/*
 * Included by exactly one file per test binary (test_tcp.c, test_tcp_end.c,
 * test_tcpadopt.c), as harness.h is: its state is the binary's own, and
 * finish() reports into the harness of the file that includes it. Frames
 * we send are queued and checked when popped; the peer's frames come from
 * tcpfix_frame.h, built independently of netstack/, so a shared mistake
 * cannot pass both ways. Functions are static inline so a binary that
 * leaves one unused still builds (-Werror).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
/* From <sanitizer/allocator_interface.h>, which Debian ships apart. */
size_t __sanitizer_get_current_allocated_bytes(void);
#else
#include <malloc.h>
#endif

#include "netstack/packet.h"
#include "netstack/tcp.h"
#include "netstack/tcpbuf.h"
#include "tests/unit/harness.h"
#include "tests/unit/tcpfix_frame.h"

#define OUR_ISN 1000u
#define PEER_ISN 5000u
#define OUR_SEQ(i) (OUR_ISN + 1 + (uint32_t)(i))   /* our data byte i */
#define PEER_SEQ(i) (PEER_ISN + 1 + (uint32_t)(i)) /* the peer's byte i */

/* ---- what we sent: a FIFO of frames, each checked when popped ---- */

struct sent {
	uint8_t *b;
	size_t len;
};

static struct sent *tx;
static size_t tx_head, tx_n, tx_cap;
static unsigned bad_frames;
static uint8_t g_ttl = 64;
static uint8_t popped[2048];

static inline int fake_xmit(void *arg, const uint8_t *f, size_t len)
{
	(void)arg;
	if (tx_n == tx_cap) {
		tx_cap = tx_cap ? tx_cap * 2 : 256;
		tx = realloc(tx, tx_cap * sizeof(*tx));
		if (tx == NULL)
			abort();
	}
	tx[tx_n].b = malloc(len);
	if (tx[tx_n].b == NULL)
		abort();
	memcpy(tx[tx_n].b, f, len);
	tx[tx_n++].len = len;
	return 0;
}

static inline size_t pending(void)
{
	return tx_n - tx_head;
}

static inline void tx_clear(void)
{
	while (tx_head < tx_n)
		free(tx[tx_head++].b);
	tx_head = tx_n = 0;
}

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Verifies the IPv4 and TCP checksums and the fixed fields of a frame. */
static inline int frame_ok(const struct pkt_info *p)
{
	const uint8_t *ip = p->l3, *th = p->l3 + p->ip.ihl;
	size_t tl = p->l3_len - p->ip.ihl;
	uint8_t ph[12];
	uint32_t sum;

	if (pkt_csum_fold(pkt_csum_add(0, ip, p->ip.ihl)) != 0)
		return 0;
	memcpy(ph, ip + 12, 8);
	ph[8] = 0;
	ph[9] = 6;
	ph[10] = (uint8_t)(tl >> 8);
	ph[11] = (uint8_t)tl;
	sum = pkt_csum_add(pkt_csum_add(0, ph, 12), th, tl);
	if (pkt_csum_fold(sum) != 0)
		return 0;
	return memcmp(p->eth_dst, peer_mac, 6) == 0 &&
	       memcmp(p->eth_src, our_mac, 6) == 0 && p->ip.src == OUR_IP &&
	       p->ip.df && p->ip.ttl == g_ttl && p->ip.len == p->l3_len;
}

/* Pops the oldest frame we sent into *p; 0 when there is none. */
static inline int pop(struct pkt_info *p)
{
	size_t len;

	memset(p, 0, sizeof(*p));
	if (tx_head == tx_n)
		return 0;
	len = tx[tx_head].len;
	if (len > sizeof(popped))
		len = sizeof(popped);
	memcpy(popped, tx[tx_head].b, len);
	free(tx[tx_head++].b);
	if (tx_head == tx_n)
		tx_head = tx_n = 0;
	if (pkt_parse(popped, len, p) != PKT_TCP || !frame_ok(p))
		bad_frames++;
	return 1;
}

/* ---- the application: records events, optionally misbehaves ---- */

struct app {
	unsigned ev[TCP_EV_CLOSED + 1];
	unsigned after_closed; /* events after CLOSED: must stay 0 */
	uint8_t rx[70000];
	size_t rxlen;
	int abort_on; /* abort from inside this event (-1: never) */
	int echo;     /* tcp_send what arrives, from inside TCP_EV_DATA */
	int send_rc;  /* tcp_send's result after the abort above */
};

static uint64_t g_now;
static unsigned g_closed, g_events;

static inline void on_event(struct tcp_conn *c, enum tcp_event ev,
			    const uint8_t *d, size_t len, void *user)
{
	struct app *a = user;

	g_events++;
	if (ev == TCP_EV_CLOSED)
		g_closed++;
	if (a == NULL)
		return;
	if (a->ev[TCP_EV_CLOSED])
		a->after_closed++;
	a->ev[ev]++;
	if (ev == TCP_EV_DATA && len <= sizeof(a->rx) - a->rxlen) {
		memcpy(a->rx + a->rxlen, d, len);
		a->rxlen += len;
	}
	if (ev == TCP_EV_DATA && a->echo)
		tcp_send(c, d, len, g_now);
	if ((int)ev == a->abort_on) {
		tcp_abort(c, g_now);
		a->send_rc = tcp_send(c, "x", 1, g_now);
		tcp_abort(c, g_now); /* twice: still one CLOSED */
		tcp_shutdown(c, g_now);
	}
}

static inline struct app *app_new(void)
{
	struct app *a = calloc(1, sizeof(*a));

	if (a == NULL)
		abort();
	a->abort_on = -1;
	return a;
}

static inline struct tcp_cfg base_cfg(void)
{
	struct tcp_cfg c;

	memset(&c, 0, sizeof(c));
	c.saddr = OUR_IP;
	memcpy(c.smac, our_mac, 6);
	c.mss = 1460;
	c.rcv_wnd = 29200;
	c.ttl = g_ttl;
	c.max_conns = 64;
	c.rx_cap = 1 << 20;
	c.reasm_cap = 16384;
	c.tx_cap = 65536;
	c.syn_timeout_ms = 10000;
	c.rto_min_ms = 200;
	c.rto_max_ms = 60000;
	c.life_ms = 0;
	c.xmit = fake_xmit;
	c.event = on_event;
	return c;
}

/* ---- the fake peer: real frames, built here independently ---- */

struct peer {
	uint32_t addr;
	uint16_t port, our_port;
};

static const struct peer P0 = { PEER_IP, 80, 40000 };

/* A frame from the fake peer pr to us (TTL 57: a few hops away). */
static inline size_t peer_frame(uint8_t *out, const struct peer *pr,
				uint32_t seq, uint32_t ack, uint8_t flags,
				uint16_t win, const uint8_t *opt, size_t optlen,
				const void *data, size_t len)
{
	struct tcpfix_seg s = {
		.smac = peer_mac,
		.dmac = our_mac,
		.saddr = pr->addr,
		.daddr = OUR_IP,
		.sport = pr->port,
		.dport = pr->our_port,
		.seq = seq,
		.ack = ack,
		.flags = flags,
		.ttl = 57,
		.win = win,
		.opt = opt,
		.optlen = optlen,
		.data = data,
		.len = len,
	};

	return tcpfix_frame(out, &s);
}

static uint8_t feedbuf[2048];

static inline int feed_opt(struct tcp_stack *st, const struct peer *pr,
			   uint32_t seq, uint32_t ack, uint8_t flags,
			   uint16_t win, const uint8_t *opt, size_t optlen,
			   const void *data, size_t len)
{
	struct pkt_info p;
	size_t n = peer_frame(feedbuf, pr, seq, ack, flags, win, opt, optlen,
			      data, len);

	if (pkt_parse(feedbuf, n, &p) != PKT_TCP)
		return -1;
	return tcp_input(st, &p, g_now);
}

static inline int feed(struct tcp_stack *st, const struct peer *pr,
		       uint32_t seq, uint32_t ack, uint8_t flags, uint16_t win,
		       const void *data, size_t len)
{
	return feed_opt(st, pr, seq, ack, flags, win, NULL, 0, data, len);
}

/* Ticks in 10 ms steps up to t. */
static inline void run_to(struct tcp_stack *st, uint64_t t)
{
	while (g_now < t) {
		g_now += 10;
		if (g_now > t)
			g_now = t;
		tcp_tick(st, g_now);
	}
}

/* Opens a connection through the handshake; the peer says mss and win. */
static inline struct tcp_conn *open_conn(struct tcp_stack *st,
					 const struct peer *pr, struct app *a,
					 uint16_t mss, uint16_t win)
{
	uint8_t opt[4] = { 2, 4, (uint8_t)(mss >> 8), (uint8_t)mss };
	struct tcp_conn *c = tcp_connect(st, pr->addr, pr->port, pr->our_port,
					 OUR_ISN, peer_mac, a, g_now);
	struct pkt_info p;

	if (c == NULL)
		return NULL;
	pop(&p); /* SYN */
	feed_opt(st, pr, PEER_ISN, OUR_ISN + 1, PKT_SYN | PKT_ACK, win, opt,
		 mss ? 4 : 0, NULL, 0);
	pop(&p); /* ACK */
	return c;
}

static inline void fill_pattern(uint8_t *b, size_t n, unsigned salt)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(i * 7 + i / 251 + salt);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static inline uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static inline size_t heap_in_use(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return __sanitizer_get_current_allocated_bytes();
#else
	return mallinfo2().uordblks;
#endif
}

/* Common end of a case: free, then exactly one CLOSED and sane frames. */
static inline void finish(struct tcp_stack *st, struct app *a)
{
	tcp_stack_free(st, g_now);
	if (a) {
		CHECK_EQ_U(a->ev[TCP_EV_CLOSED], 1);
		CHECK_EQ_U(a->after_closed, 0);
		free(a);
	}
	CHECK_EQ_U(bad_frames, 0);
	bad_frames = 0;
	tx_clear();
}

static inline struct tcp_stack *stack(const struct tcp_cfg *cfg)
{
	tx_clear();
	g_ttl = cfg->ttl;
	return tcp_stack_new(cfg, g_now);
}

#endif
