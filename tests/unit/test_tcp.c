/* test_tcp.c -- the userspace TCP against a scripted fake peer, fake time. */
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
#include "netstack/timerwheel.h"
#include "tests/unit/harness.h"

#define OUR_IP 0x0a000001u
#define PEER_IP 0x0a000002u
#define OUR_ISN 1000u
#define PEER_ISN 5000u
#define OUR_SEQ(i) (OUR_ISN + 1 + (uint32_t)(i))   /* our data byte i */
#define PEER_SEQ(i) (PEER_ISN + 1 + (uint32_t)(i)) /* the peer's byte i */

static const uint8_t our_mac[6] = { 2, 0, 0, 0, 0, 1 };
static const uint8_t peer_mac[6] = { 2, 0, 0, 0, 0, 2 };

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

static int fake_xmit(void *arg, const uint8_t *f, size_t len)
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

static size_t pending(void)
{
	return tx_n - tx_head;
}

static void tx_clear(void)
{
	while (tx_head < tx_n)
		free(tx[tx_head++].b);
	tx_head = tx_n = 0;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Verifies the IPv4 and TCP checksums and the fixed fields of a frame. */
static int frame_ok(const struct pkt_info *p)
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
static int pop(struct pkt_info *p)
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

static void on_event(struct tcp_conn *c, enum tcp_event ev, const uint8_t *d,
		     size_t len, void *user)
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

static struct app *app_new(void)
{
	struct app *a = calloc(1, sizeof(*a));

	if (a == NULL)
		abort();
	a->abort_on = -1;
	return a;
}

static struct tcp_cfg base_cfg(void)
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

static size_t peer_frame(uint8_t *out, const struct peer *pr, uint32_t seq,
			 uint32_t ack, uint8_t flags, uint16_t win,
			 const uint8_t *opt, size_t optlen, const void *data,
			 size_t len)
{
	uint8_t *ip = out + 14, *th = ip + 20, ph[12];
	size_t thl = 20 + optlen, tot = 20 + thl + len;
	uint32_t sum;

	memset(out, 0, 14 + 20 + thl);
	memcpy(out, our_mac, 6);
	memcpy(out + 6, peer_mac, 6);
	out[12] = 0x08;
	ip[0] = 0x45;
	ip[2] = (uint8_t)(tot >> 8);
	ip[3] = (uint8_t)tot;
	ip[6] = 0x40;
	ip[8] = 57;
	ip[9] = 6;
	ip[12] = (uint8_t)(pr->addr >> 24);
	ip[13] = (uint8_t)(pr->addr >> 16);
	ip[14] = (uint8_t)(pr->addr >> 8);
	ip[15] = (uint8_t)pr->addr;
	ip[16] = (uint8_t)(OUR_IP >> 24);
	ip[17] = (uint8_t)(OUR_IP >> 16);
	ip[18] = (uint8_t)(OUR_IP >> 8);
	ip[19] = (uint8_t)OUR_IP;
	sum = pkt_csum_fold(pkt_csum_add(0, ip, 20));
	ip[10] = (uint8_t)(sum >> 8);
	ip[11] = (uint8_t)sum;
	th[0] = (uint8_t)(pr->port >> 8);
	th[1] = (uint8_t)pr->port;
	th[2] = (uint8_t)(pr->our_port >> 8);
	th[3] = (uint8_t)pr->our_port;
	for (int i = 0; i < 4; i++) {
		th[4 + i] = (uint8_t)(seq >> (24 - 8 * i));
		th[8 + i] = (uint8_t)(ack >> (24 - 8 * i));
	}
	th[12] = (uint8_t)((thl / 4) << 4);
	th[13] = flags;
	th[14] = (uint8_t)(win >> 8);
	th[15] = (uint8_t)win;
	if (optlen)
		memcpy(th + 20, opt, optlen);
	if (len)
		memcpy(th + thl, data, len);
	memcpy(ph, ip + 12, 8);
	ph[8] = 0;
	ph[9] = 6;
	ph[10] = (uint8_t)((thl + len) >> 8);
	ph[11] = (uint8_t)(thl + len);
	sum = pkt_csum_fold(
		pkt_csum_add(pkt_csum_add(0, ph, 12), th, thl + len));
	th[16] = (uint8_t)(sum >> 8);
	th[17] = (uint8_t)sum;
	return 14 + tot;
}

static uint8_t feedbuf[2048];

static int feed_opt(struct tcp_stack *st, const struct peer *pr, uint32_t seq,
		    uint32_t ack, uint8_t flags, uint16_t win,
		    const uint8_t *opt, size_t optlen, const void *data,
		    size_t len)
{
	struct pkt_info p;
	size_t n = peer_frame(feedbuf, pr, seq, ack, flags, win, opt, optlen,
			      data, len);

	if (pkt_parse(feedbuf, n, &p) != PKT_TCP)
		return -1;
	return tcp_input(st, &p, g_now);
}

static int feed(struct tcp_stack *st, const struct peer *pr, uint32_t seq,
		uint32_t ack, uint8_t flags, uint16_t win, const void *data,
		size_t len)
{
	return feed_opt(st, pr, seq, ack, flags, win, NULL, 0, data, len);
}

/* Ticks in 10 ms steps up to t. */
static void run_to(struct tcp_stack *st, uint64_t t)
{
	while (g_now < t) {
		g_now += 10;
		if (g_now > t)
			g_now = t;
		tcp_tick(st, g_now);
	}
}

/* Opens a connection through the handshake; the peer says mss and win. */
static struct tcp_conn *open_conn(struct tcp_stack *st, const struct peer *pr,
				  struct app *a, uint16_t mss, uint16_t win)
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

static void fill_pattern(uint8_t *b, size_t n, unsigned salt)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(i * 7 + i / 251 + salt);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static size_t heap_in_use(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return __sanitizer_get_current_allocated_bytes();
#else
	return mallinfo2().uordblks;
#endif
}

/* Timer wheel test state. */
struct tw_item {
	struct tw_entry e;
	uint64_t due, fired_at;
	unsigned fired;
};

static uint64_t tw_now;
static struct tw_wheel *tw_w;
static struct tw_item *tw_victim;

static void tw_cb(struct tw_entry *e, void *arg)
{
	struct tw_item *it = (struct tw_item *)e;

	(void)arg;
	it->fired++;
	it->fired_at = tw_now;
	if (tw_victim && tw_victim != it) {
		tw_cancel(tw_w, &tw_victim->e); /* may sit on tw_run's list */
		tw_victim = NULL;
	}
}

/* Common end of a case: free, then exactly one CLOSED and sane frames. */
static void finish(struct tcp_stack *st, struct app *a)
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

static struct tcp_stack *stack(const struct tcp_cfg *cfg)
{
	tx_clear();
	g_ttl = cfg->ttl;
	return tcp_stack_new(cfg, g_now);
}

static void t_handshake(void)
{
	CASE("handshake: SYN fields, ACK after the SYN-ACK, CONNECTED once")
	{
		struct tcp_cfg cfg = base_cfg();
		struct app *a = app_new();
		struct peer other = P0;
		uint8_t opt[4] = { 2, 4, 0x05, 0xb4 };
		struct tcp_stack *st;
		struct tcp_conn *c;
		struct pkt_info p;

		g_now = 1000;
		st = stack(&cfg);
		CHECK_EQ_U(tcp_next_timeout(st, g_now), (uint64_t)-1);
		c = tcp_connect(st, PEER_IP, 80, 40000, OUR_ISN, peer_mac, a,
				g_now);
		CHECK(c != NULL);
		CHECK_EQ_U(tcp_count(st), 1);
		CHECK_EQ_U(pending(), 1);
		pop(&p);
		CHECK_EQ_U(p.tcp.flags, PKT_SYN);
		CHECK_EQ_U(p.tcp.seq, OUR_ISN);
		CHECK_EQ_U(p.tcp.ack, 0);
		CHECK_EQ_U(p.tcp.win, 29200);
		CHECK_EQ_U(p.tcp.sport, 40000);
		CHECK_EQ_U(p.tcp.dport, 80);
		CHECK_EQ_U(p.ip.dst, PEER_IP);
		CHECK_EQ_U(p.payload_len, 0);
		CHECK(p.tcp.optlen == 4 && p.tcp.opts[0] == 2 &&
		      p.tcp.opts[1] == 4 && rd16(p.tcp.opts + 2) == 1460);
		CHECK_EQ_U(tcp_next_timeout(st, g_now), 1000);
		/* A SYN-ACK acking the wrong number, and a stranger's. */
		CHECK_EQ_U(feed_opt(st, &P0, PEER_ISN, OUR_ISN + 7,
				    PKT_SYN | PKT_ACK, 64240, opt, 4, NULL, 0),
			   1);
		other.port = 81;
		CHECK_EQ_U(feed(st, &other, PEER_ISN, OUR_ISN + 1,
				PKT_SYN | PKT_ACK, 64240, NULL, 0),
			   0);
		CHECK_EQ_U(pending(), 0);
		CHECK_EQ_U(a->ev[TCP_EV_CONNECTED], 0);
		g_now += 30;
		CHECK_EQ_U(feed_opt(st, &P0, PEER_ISN, OUR_ISN + 1,
				    PKT_SYN | PKT_ACK, 64240, opt, 4, NULL, 0),
			   1);
		CHECK_EQ_U(a->ev[TCP_EV_CONNECTED], 1);
		CHECK_EQ_U(pending(), 1);
		pop(&p);
		CHECK_EQ_U(p.tcp.flags, PKT_ACK);
		CHECK_EQ_U(p.tcp.seq, OUR_ISN + 1);
		CHECK_EQ_U(p.tcp.ack, PEER_ISN + 1);
		CHECK_EQ_U(p.tcp.optlen, 0);
		CHECK_EQ_U(p.payload_len, 0);
		CHECK(tcp_conn_user(c) == a);
		CHECK_EQ_U(tcp_conn_daddr(c), PEER_IP);
		CHECK_EQ_U(tcp_conn_dport(c), 80);
		CHECK_EQ_U(tcp_conn_sport(c), 40000);
		CHECK_EQ_U(tcp_next_timeout(st, g_now), (uint64_t)-1);
		/* Not ours: another address, not TCP. */
		memset(&p, 0, sizeof(p));
		p.kind = PKT_UDP;
		CHECK_EQ_U(tcp_input(st, &p, g_now), 0);
		finish(st, a);
	}
}

static void t_refused(void)
{
	CASE("refused: only a RST acking our SYN ends the connect")
	{
		struct tcp_cfg cfg = base_cfg();
		struct app *a = app_new();
		struct tcp_stack *st = stack(&cfg);
		struct pkt_info p;

		tcp_connect(st, PEER_IP, 80, 40000, OUR_ISN, peer_mac, a,
			    g_now);
		pop(&p);
		feed(st, &P0, 0, OUR_ISN + 5, PKT_RST | PKT_ACK, 0, NULL, 0);
		feed(st, &P0, 0, 0, PKT_RST, 0, NULL, 0);
		CHECK_EQ_U(a->ev[TCP_EV_RESET], 0);
		CHECK_EQ_U(tcp_count(st), 1);
		feed(st, &P0, 0, OUR_ISN + 1, PKT_RST | PKT_ACK, 0, NULL, 0);
		CHECK_EQ_U(a->ev[TCP_EV_RESET], 1);
		CHECK_EQ_U(a->ev[TCP_EV_CLOSED], 1);
		CHECK_EQ_U(a->ev[TCP_EV_CONNECTED], 0);
		CHECK_EQ_U(tcp_count(st), 0);
		CHECK_EQ_U(pending(), 0); /* no RST to a RST */
		CHECK_EQ_U(feed(st, &P0, 0, OUR_ISN + 1, PKT_RST | PKT_ACK, 0,
				NULL, 0),
			   0);
		CHECK_EQ_U(tcp_next_timeout(st, g_now), (uint64_t)-1);
		finish(st, a);
	}
}

static void t_connect_timeout(void)
{
	CASE("connect timeout: SYN resent at 1, 3, 7 s, TIMEOUT at 10 s")
	{
		struct tcp_cfg cfg = base_cfg();
		struct app *a = app_new();
		struct tcp_stack *st;
		struct pkt_info p;
		uint64_t when[8], t_timeout = 0;
		unsigned n = 0, other = 0;

		g_now = 0;
		st = stack(&cfg);
		tcp_connect(st, PEER_IP, 80, 40000, OUR_ISN, peer_mac, a,
			    g_now);
		pop(&p);
		while (g_now < 12000) {
			run_to(st, g_now + 10);
			while (pop(&p)) {
				if (p.tcp.flags == PKT_SYN &&
				    p.tcp.seq == OUR_ISN && n < 8)
					when[n++] = g_now;
				else
					other++;
			}
			if (a->ev[TCP_EV_TIMEOUT] && !t_timeout)
				t_timeout = g_now;
		}
		CHECK_EQ_U(n, 3);
		CHECK(n == 3 && when[0] == 1000 && when[1] == 3000 &&
		      when[2] == 7000);
		CHECK_EQ_U(t_timeout, 10000);
		CHECK_EQ_U(other, 0);
		CHECK_EQ_U(a->ev[TCP_EV_TIMEOUT], 1);
		CHECK_EQ_U(a->ev[TCP_EV_CLOSED], 1);
		CHECK_EQ_U(tcp_count(st), 0);
		finish(st, a);
	}
}

static void t_in_order(void)
{
	CASE("data in order: delivered as sent, each segment ACKed")
	{
		struct tcp_cfg cfg = base_cfg();
		struct app *a = app_new();
		struct tcp_stack *st = stack(&cfg);
		struct tcp_conn *c = open_conn(st, &P0, a, 1460, 65535);
		struct pkt_info p;

		feed(st, &P0, PEER_SEQ(0), OUR_SEQ(0), PKT_ACK | PKT_PSH, 65535,
		     "hello ", 6);
		CHECK_EQ_U(pending(), 1);
		pop(&p);
		CHECK_EQ_U(p.tcp.flags, PKT_ACK);
		CHECK_EQ_U(p.tcp.ack, PEER_SEQ(6));
		feed(st, &P0, PEER_SEQ(6), OUR_SEQ(0), PKT_ACK | PKT_PSH, 65535,
		     "world", 5);
		pop(&p);
		CHECK_EQ_U(p.tcp.ack, PEER_SEQ(11));
		CHECK_EQ_U(a->ev[TCP_EV_DATA], 2);
		CHECK(a->rxlen == 11 && memcmp(a->rx, "hello world", 11) == 0);
		CHECK_EQ_U(tcp_conn_rx_bytes(c), 11);
		/* Data without the ACK bit is not a valid segment. */
		feed(st, &P0, PEER_SEQ(11), 0, PKT_PSH, 65535, "!", 1);
		CHECK_EQ_U(a->rxlen, 11);
		finish(st, a);
	}
}

static void t_out_of_order(void)
{
	CASE("out of order: segments 3, 2, 1 delivered once, in order")
	{
		struct tcp_cfg cfg = base_cfg();
		struct app *a = app_new();
		struct tcp_stack *st = stack(&cfg);
		uint8_t d[300];
		struct pkt_info p;

		open_conn(st, &P0, a, 1460, 65535);
		fill_pattern(d, sizeof(d), 1);
		feed(st, &P0, PEER_SEQ(200), OUR_SEQ(0), PKT_ACK, 65535,
		     d + 200, 100);
		CHECK_EQ_U(pending(), 1); /* a duplicate ACK shows the gap */
		pop(&p);
		CHECK_EQ_U(p.tcp.ack, PEER_SEQ(0));
		feed(st, &P0, PEER_SEQ(100), OUR_SEQ(0), PKT_ACK, 65535,
		     d + 100, 100);
		pop(&p);
		CHECK_EQ_U(p.tcp.ack, PEER_SEQ(0));
		CHECK_EQ_U(a->ev[TCP_EV_DATA], 0);
		feed(st, &P0, PEER_SEQ(0), OUR_SEQ(0), PKT_ACK, 65535, d, 100);
		CHECK_EQ_U(pending(), 1);
		pop(&p);
		CHECK_EQ_U(p.tcp.ack, PEER_SEQ(300));
		CHECK_EQ_U(a->rxlen, 300);
		CHECK(memcmp(a->rx, d, 300) == 0);
		finish(st, a);
	}
}

static void t_overlap(void)
{
	CASE("overlapping and duplicate segments: every byte once")
	{
		struct tcp_cfg cfg = base_cfg();
		struct app *a = app_new();
		struct tcp_stack *st = stack(&cfg);
		struct tcp_conn *c;
		uint8_t d[400];
		struct pkt_info p;

		c = open_conn(st, &P0, a, 1460, 65535);
		fill_pattern(d, sizeof(d), 2);
		feed(st, &P0, PEER_SEQ(100), OUR_SEQ(0), PKT_ACK, 65535,
		     d + 100, 100);
		feed(st, &P0, PEER_SEQ(150), OUR_SEQ(0), PKT_ACK, 65535,
		     d + 150, 150);
		feed(st, &P0, PEER_SEQ(100), OUR_SEQ(0), PKT_ACK, 65535,
		     d + 100, 100);
		CHECK_EQ_U(a->rxlen, 0);
		feed(st, &P0, PEER_SEQ(0), OUR_SEQ(0), PKT_ACK, 65535, d, 120);
		CHECK_EQ_U(a->rxlen, 300);
		feed(st, &P0, PEER_SEQ(250), OUR_SEQ(0), PKT_ACK, 65535,
		     d + 250, 150);
		CHECK_EQ_U(a->rxlen, 400);
		tx_clear();
		g_now += 1000;
		feed(st, &P0, PEER_SEQ(0), OUR_SEQ(0), PKT_ACK, 65535, d, 400);
		CHECK_EQ_U(a->rxlen, 400);
		CHECK(memcmp(a->rx, d, 400) == 0);
		CHECK_EQ_U(tcp_conn_rx_bytes(c), 400);
		CHECK_EQ_U(pending(), 1);
		pop(&p);
		CHECK_EQ_U(p.tcp.ack, PEER_SEQ(400));
		finish(st, a);
	}
}

static void t_reack(void)
{
	CASE("retransmitted data already ACKed: re-ACKed, not redelivered")
	{
		struct tcp_cfg cfg = base_cfg();
		struct app *a = app_new();
		struct tcp_stack *st = stack(&cfg);
		uint8_t d[150];
		struct pkt_info p;

		open_conn(st, &P0, a, 1460, 65535);
		fill_pattern(d, sizeof(d), 3);
		feed(st, &P0, PEER_SEQ(0), OUR_SEQ(0), PKT_ACK, 65535, d, 100);
		pop(&p);
		CHECK_EQ_U(a->ev[TCP_EV_DATA], 1);
		g_now += 300; /* the peer's RTO: our ACK was lost */
		feed(st, &P0, PEER_SEQ(0), OUR_SEQ(0), PKT_ACK, 65535, d, 100);
		CHECK_EQ_U(a->ev[TCP_EV_DATA], 1);
		CHECK_EQ_U(pending(), 1);
		pop(&p);
		CHECK_EQ_U(p.tcp.flags, PKT_ACK);
		CHECK_EQ_U(p.tcp.ack, PEER_SEQ(100));
		CHECK_EQ_U(p.tcp.seq, OUR_SEQ(0));
		/* Half old, half new: only the new half goes up. */
		feed(st, &P0, PEER_SEQ(50), OUR_SEQ(0), PKT_ACK, 65535, d + 50,
		     100);
		CHECK_EQ_U(a->ev[TCP_EV_DATA], 2);
		CHECK_EQ_U(a->rxlen, 150);
		CHECK(memcmp(a->rx, d, 150) == 0);
		pop(&p);
		CHECK_EQ_U(p.tcp.ack, PEER_SEQ(150));
		finish(st, a);
	}
}

static void t_reasm_cap(void)
{
	CASE("reassembly cap: bytes past reasm_cap dropped, then resent")
	{
		struct tcp_cfg cfg = base_cfg();
		struct app *a = app_new();
		struct tcp_stack *st;
		uint8_t d[500];

		cfg.reasm_cap = 300;
		st = stack(&cfg);
		open_conn(st, &P0, a, 1460, 65535);
		fill_pattern(d, sizeof(d), 4);
		for (int i = 1; i < 5; i++)
			feed(st, &P0, PEER_SEQ(100 * i), OUR_SEQ(0), PKT_ACK,
			     65535, d + 100 * i, 100);
		feed(st, &P0, PEER_SEQ(0), OUR_SEQ(0), PKT_ACK, 65535, d, 100);
		CHECK_EQ_U(a->rxlen, 300); /* 300..500 was not kept */
		tx_clear();
		feed(st, &P0, PEER_SEQ(300), OUR_SEQ(0), PKT_ACK, 65535,
		     d + 300, 200);
		CHECK_EQ_U(a->rxlen, 500);
		CHECK(memcmp(a->rx, d, 500) == 0);
		finish(st, a);
	}
	CASE("reassembly store: bounded bytes and ranges, correct contents")
	{
		struct tcpra *ra = NULL;
		uint8_t d[2000], got[2000];
		const uint8_t *q;
		uint32_t nxt = 0xfffffff0u; /* wraps during the test */
		size_t n, total = 0;

		fill_pattern(d, sizeof(d), 5);
		/* 1-byte segments two apart: only TCPRA_RANGES kept. */
		for (uint32_t i = 1; i < 200; i += 2)
			tcpra_add(&ra, nxt, nxt + i, d + i, 1, 1000);
		CHECK_EQ_U(tcpra_held(ra), TCPRA_RANGES);
		/* A new range must wait; one that joins two is taken. */
		CHECK_EQ_U(tcpra_add(&ra, nxt, nxt + 500, d, 10, 1000), 0);
		CHECK_EQ_U(tcpra_add(&ra, nxt, nxt + 2, d + 2, 1, 1000), 1);
		CHECK_EQ_U(tcpra_held(ra), TCPRA_RANGES + 1);
		/* Past the cap nothing is kept; across it, the front part. */
		CHECK_EQ_U(tcpra_add(&ra, nxt, nxt + 1000, d, 10, 1000), 0);
		CHECK_EQ_U(tcpra_add(&ra, nxt, nxt + 1, d + 1, 150, 1000), 150);
		CHECK_EQ_U(tcpra_add(&ra, nxt, nxt + 995, d + 995, 10, 1000),
			   5);
		CHECK(tcpra_held(ra) <= 1000);
		/* Fill everything below 1000 in random chunks. */
		for (int k = 0; k < 400; k++) {
			uint32_t off = (uint32_t)(rnd() % 1000);
			size_t len = 1 + rnd() % 80;

			if (off + len > 1000)
				len = 1000 - off;
			if (off == 0)
				continue;
			tcpra_add(&ra, nxt, nxt + off, d + off, len, 1000);
			CHECK(tcpra_held(ra) <= 1000);
		}
		for (uint32_t off = 1; off < 1000; off += 50)
			tcpra_add(&ra, nxt, nxt + off, d + off,
				  off + 50 > 1000 ? 1000 - off : 50, 1000);
		CHECK_EQ_U(tcpra_held(ra), 999);
		memcpy(got, d, 1);
		nxt += 1;
		total = 1;
		while ((n = tcpra_peek(ra, nxt, &q)) > 0) {
			memcpy(got + total, q, n);
			total += n;
			nxt += (uint32_t)n;
		}
		CHECK_EQ_U(total, 1000);
		CHECK(memcmp(got, d, 1000) == 0);
		tcpra_trim(&ra, nxt);
		CHECK(ra == NULL);
	}
	CASE("send queue: capped, freed when drained")
	{
		struct tcpq q = { 0 };
		uint8_t d[3000];

		fill_pattern(d, sizeof(d), 6);
		CHECK_EQ_U(tcpq_push(&q, d, 1000, 2500), 0);
		CHECK_EQ_U(tcpq_push(&q, d + 1000, 1000, 2500), 0);
		CHECK_EQ_U(tcpq_push(&q, d + 2000, 1000, 2500), -1);
		CHECK_EQ_U(q.len, 2000);
		tcpq_drop(&q, 1500);
		CHECK_EQ_U(tcpq_push(&q, d + 2000, 1000, 2500), 0);
		CHECK(q.size <= 2500);
		CHECK(memcmp(tcpq_at(&q, 0), d + 1500, 1500) == 0);
		tcpq_drop(&q, 5000);
		CHECK(q.buf == NULL && q.len == 0);
	}
}

static void t_rx_cap(void)
{
	CASE("rx_cap: LIMIT, RST and CLOSED once the cap is passed")
	{
		struct tcp_cfg cfg = base_cfg();
		struct app *a = app_new();
		struct tcp_stack *st;
		uint8_t d[1200];
		struct pkt_info p;

		cfg.rx_cap = 1000;
		st = stack(&cfg);
		open_conn(st, &P0, a, 1460, 65535);
		fill_pattern(d, sizeof(d), 7);
		feed(st, &P0, PEER_SEQ(0), OUR_SEQ(0), PKT_ACK, 65535, d, 600);
		pop(&p);
		CHECK_EQ_U(a->ev[TCP_EV_LIMIT], 0);
		feed(st, &P0, PEER_SEQ(600), OUR_SEQ(0), PKT_ACK, 65535,
		     d + 600, 600);
		CHECK_EQ_U(a->rxlen, 1000);
		CHECK_EQ_U(a->ev[TCP_EV_LIMIT], 1);
		CHECK_EQ_U(a->ev[TCP_EV_CLOSED], 1);
		CHECK_EQ_U(pending(), 1);
		pop(&p);
		CHECK(p.tcp.flags & PKT_RST);
		CHECK_EQ_U(p.tcp.seq, OUR_SEQ(0));
		CHECK_EQ_U(tcp_count(st), 0);
		finish(st, a);
	}
}

static void t_send_split(void)
{
	CASE("send: split at the peer's MSS, held to its window")
	{
		struct tcp_cfg cfg = base_cfg();
		struct app *a = app_new(), *b = app_new();
		struct peer pb = P0;
		struct tcp_stack *st = stack(&cfg);
		struct tcp_conn *c;
		uint8_t d[1000], got[1000];
		struct pkt_info p;
		unsigned n = 0, bad = 0;

		fill_pattern(d, sizeof(d), 8);
		c = open_conn(st, &P0, a, 100, 65535);
		CHECK_EQ_U(tcp_send(c, d, 1000, g_now), 0);
		while (pop(&p)) {
			if (p.payload_len != 100 ||
			    p.tcp.seq != OUR_SEQ(100 * n) ||
			    !(p.tcp.flags & PKT_ACK) || n >= 10) {
				bad++;
				continue;
			}
			memcpy(got + 100 * n, p.payload, 100);
			if (n == 9)
				CHECK(p.tcp.flags & PKT_PSH);
			n++;
		}
		CHECK_EQ_U(n, 10);
		CHECK_EQ_U(bad, 0);
		CHECK(memcmp(got, d, 1000) == 0);

		pb.our_port = 40001;
		c = open_conn(st, &pb, b, 100, 500);
		tcp_send(c, d, 1000, g_now);
		CHECK_EQ_U(pending(), 5);
		tx_clear();
		feed(st, &pb, PEER_SEQ(0), OUR_SEQ(200), PKT_ACK, 500, NULL, 0);
		CHECK_EQ_U(pending(), 2);
		pop(&p);
		CHECK_EQ_U(p.tcp.seq, OUR_SEQ(500));
		tx_clear();
		feed(st, &pb, PEER_SEQ(0), OUR_SEQ(700), PKT_ACK, 500, NULL, 0);
		CHECK_EQ_U(pending(), 3);
		tx_clear();
		feed(st, &pb, PEER_SEQ(0), OUR_SEQ(1000), PKT_ACK, 500, NULL,
		     0);
		CHECK_EQ_U(pending(), 0);
		CHECK_EQ_U(b->ev[TCP_EV_TIMEOUT], 0);
		tcp_stack_free(st, g_now);
		CHECK_EQ_U(b->ev[TCP_EV_CLOSED], 1);
		free(b);
		st = stack(&cfg);
		finish(st, a);
	}
}

static void t_zero_window(void)
{
	CASE("zero window: 1-byte persist probes with backoff, then data")
	{
		struct tcp_cfg cfg = base_cfg();
		struct app *a = app_new();
		struct tcp_stack *st;
		struct tcp_conn *c;
		uint64_t when[16];
		unsigned n = 0, bad = 0;
		struct pkt_info p;

		g_now = 0;
		st = stack(&cfg);
		c = open_conn(st, &P0, a, 1460, 0);
		CHECK_EQ_U(tcp_send(c, "0123456789", 10, g_now), 0);
		CHECK_EQ_U(pending(), 0);
		while (g_now < 3000) {
			run_to(st, g_now + 10);
			while (pop(&p)) {
				uint32_t una = n >= 2 ? OUR_SEQ(1) : OUR_SEQ(0);

				if (p.payload_len != 1 || p.tcp.seq != una ||
				    n >= 16) {
					bad++;
					continue;
				}
				CHECK_EQ_U(p.payload[0], n >= 2 ? '1' : '0');
				when[n++] = g_now;
				/* Probe 2 gets in; the window stays shut. */
				feed(st, &P0, PEER_SEQ(0),
				     n == 2 ? OUR_SEQ(1) : una, PKT_ACK, 0,
				     NULL, 0);
			}
		}
		CHECK_EQ_U(bad, 0);
		CHECK_EQ_U(n, 4);
		CHECK(n == 4 && when[0] == 200 && when[1] == 600 &&
		      when[2] == 1400 && when[3] == 3000);
		feed(st, &P0, PEER_SEQ(0), OUR_SEQ(1), PKT_ACK, 1000, NULL, 0);
		CHECK_EQ_U(pending(), 1);
		pop(&p);
		CHECK_EQ_U(p.payload_len, 9);
		CHECK_EQ_U(p.tcp.seq, OUR_SEQ(1));
		CHECK(memcmp(p.payload, "123456789", 9) == 0);
		feed(st, &P0, PEER_SEQ(0), OUR_SEQ(10), PKT_ACK, 1000, NULL, 0);
		CHECK_EQ_U(tcp_next_timeout(st, g_now), (uint64_t)-1);
		finish(st, a);
	}
}

static void t_rto(void)
{
	CASE("lost data: resent on RTO with backoff, TIMEOUT after 6")
	{
		struct tcp_cfg cfg = base_cfg();
		struct app *a = app_new();
		struct tcp_stack *st;
		struct tcp_conn *c;
		uint64_t when[8], t_timeout = 0;
		unsigned n = 0, rst = 0, other = 0;
		uint8_t d[100];
		struct pkt_info p;

		g_now = 0;
		st = stack(&cfg);
		c = open_conn(st, &P0, a, 1460, 65535);
		fill_pattern(d, sizeof(d), 9);
		tcp_send(c, d, 100, g_now);
		pop(&p);
		while (g_now < 30000) {
			run_to(st, g_now + 10);
			while (pop(&p)) {
				if ((p.tcp.flags & PKT_RST) &&
				    p.tcp.seq == OUR_SEQ(100))
					rst++;
				else if (p.payload_len == 100 &&
					 p.tcp.seq == OUR_SEQ(0) && n < 8 &&
					 memcmp(p.payload, d, 100) == 0)
					when[n++] = g_now;
				else
					other++;
			}
			if (a->ev[TCP_EV_TIMEOUT] && !t_timeout)
				t_timeout = g_now;
		}
		CHECK_EQ_U(n, 6);
		CHECK(n == 6 && when[0] == 200 && when[1] == 600 &&
		      when[2] == 1400 && when[3] == 3000 && when[4] == 6200 &&
		      when[5] == 12600);
		CHECK_EQ_U(t_timeout, 25400);
		CHECK_EQ_U(rst, 1);
		CHECK_EQ_U(other, 0);
		CHECK_EQ_U(a->ev[TCP_EV_TIMEOUT], 1);
		finish(st, a);
	}
	CASE("RTO follows the measured RTT; a good ACK resets backoff")
	{
		struct tcp_cfg cfg = base_cfg();
		struct app *a = app_new();
		struct tcp_stack *st;
		struct tcp_conn *c;
		uint8_t opt[4] = { 2, 4, 0x05, 0xb4 };
		struct pkt_info p;

		g_now = 0;
		st = stack(&cfg);
		c = tcp_connect(st, PEER_IP, 80, 40000, OUR_ISN, peer_mac, a,
				g_now);
		pop(&p);
		g_now = 300; /* RTT 300: RTO = 300 + 4 * 150 */
		feed_opt(st, &P0, PEER_ISN, OUR_ISN + 1, PKT_SYN | PKT_ACK,
			 65535, opt, 4, NULL, 0);
		pop(&p);
		tcp_send(c, "abc", 3, g_now);
		pop(&p);
		CHECK_EQ_U(tcp_next_timeout(st, g_now), 900);
		run_to(st, 1190);
		CHECK_EQ_U(pending(), 0);
		run_to(st, 1200);
		CHECK_EQ_U(pending(), 1);
		pop(&p);
		CHECK_EQ_U(p.payload_len, 3);
		feed(st, &P0, PEER_SEQ(0), OUR_SEQ(3), PKT_ACK, 65535, NULL, 0);
		CHECK_EQ_U(tcp_next_timeout(st, g_now), (uint64_t)-1);
		finish(st, a);
	}
	CASE("three duplicate ACKs resend the head; partial ACK the next")
	{
		struct tcp_cfg cfg = base_cfg();
		struct app *a = app_new();
		struct tcp_stack *st = stack(&cfg);
		struct tcp_conn *c = open_conn(st, &P0, a, 100, 65535);
		uint8_t d[300];
		struct pkt_info p;

		fill_pattern(d, sizeof(d), 10);
		tcp_send(c, d, 300, g_now);
		tx_clear();
		for (int i = 0; i < 3; i++)
			feed(st, &P0, PEER_SEQ(0), OUR_SEQ(0), PKT_ACK, 65535,
			     NULL, 0);
		CHECK_EQ_U(pending(), 1);
		pop(&p);
		CHECK_EQ_U(p.tcp.seq, OUR_SEQ(0));
		CHECK_EQ_U(p.payload_len, 100);
		feed(st, &P0, PEER_SEQ(0), OUR_SEQ(100), PKT_ACK, 65535, NULL,
		     0);
		CHECK_EQ_U(pending(), 1);
		pop(&p);
		CHECK_EQ_U(p.tcp.seq, OUR_SEQ(100));
		feed(st, &P0, PEER_SEQ(0), OUR_SEQ(300), PKT_ACK, 65535, NULL,
		     0);
		CHECK_EQ_U(pending(), 0);
		finish(st, a);
	}
}

static void t_peer_fin(void)
{
	CASE("peer FIN: EOF after its data; half-close lets us send")
	{
		struct tcp_cfg cfg = base_cfg();
		struct app *a = app_new();
		struct tcp_stack *st = stack(&cfg);
		struct tcp_conn *c = open_conn(st, &P0, a, 1460, 65535);
		struct pkt_info p;

		feed(st, &P0, PEER_SEQ(0), OUR_SEQ(0),
		     PKT_ACK | PKT_PSH | PKT_FIN, 65535, "abc", 3);
		CHECK(a->rxlen == 3 && memcmp(a->rx, "abc", 3) == 0);
		CHECK_EQ_U(a->ev[TCP_EV_EOF], 1);
		CHECK_EQ_U(pending(), 1);
		pop(&p);
		CHECK_EQ_U(p.tcp.ack, PEER_SEQ(4));
		CHECK_EQ_U(tcp_send(c, "xyz", 3, g_now), 0);
		pop(&p);
		CHECK_EQ_U(p.payload_len, 3);
		CHECK_EQ_U(p.tcp.seq, OUR_SEQ(0));
		CHECK_EQ_U(p.tcp.ack, PEER_SEQ(4));
		feed(st, &P0, PEER_SEQ(4), OUR_SEQ(3), PKT_ACK, 65535, NULL, 0);
		/* Data after the peer's FIN is refused. */
		feed(st, &P0, PEER_SEQ(4), OUR_SEQ(3), PKT_ACK, 65535, "zz", 2);
		CHECK_EQ_U(a->rxlen, 3);
		tx_clear();
		tcp_shutdown(c, g_now);
		pop(&p);
		CHECK_EQ_U(p.tcp.flags, PKT_FIN | PKT_ACK);
		CHECK_EQ_U(p.tcp.seq, OUR_SEQ(3));
		feed(st, &P0, PEER_SEQ(4), OUR_SEQ(4), PKT_ACK, 65535, NULL, 0);
		CHECK_EQ_U(a->ev[TCP_EV_CLOSED], 1);
		CHECK_EQ_U(pending(), 0); /* a clean close: no RST */
		CHECK_EQ_U(tcp_count(st), 0);
		CHECK_EQ_U(a->ev[TCP_EV_EOF], 1);
		finish(st, a);
	}
	CASE("peer FIN ahead of a gap: EOF only once the gap fills")
	{
		struct tcp_cfg cfg = base_cfg();
		struct app *a = app_new();
		struct tcp_stack *st = stack(&cfg);
		uint8_t d[200];
		struct pkt_info p;

		open_conn(st, &P0, a, 1460, 65535);
		fill_pattern(d, sizeof(d), 11);
		feed(st, &P0, PEER_SEQ(100), OUR_SEQ(0), PKT_ACK | PKT_FIN,
		     65535, d + 100, 100);
		CHECK_EQ_U(a->ev[TCP_EV_EOF], 0);
		tx_clear();
		feed(st, &P0, PEER_SEQ(0), OUR_SEQ(0), PKT_ACK, 65535, d, 100);
		CHECK_EQ_U(a->rxlen, 200);
		CHECK(memcmp(a->rx, d, 200) == 0);
		CHECK_EQ_U(a->ev[TCP_EV_EOF], 1);
		CHECK_EQ_U(pending(), 1);
		pop(&p);
		CHECK_EQ_U(p.tcp.ack, PEER_SEQ(201));
		finish(st, a);
	}
}

static void t_shutdown(void)
{
	CASE("shutdown: FIN after queued data, resent, TIME_WAIT ~1 s")
	{
		struct tcp_cfg cfg = base_cfg();
		struct app *a = app_new();
		struct tcp_stack *st;
		struct tcp_conn *c;
		uint8_t d[500];
		struct pkt_info p;

		g_now = 0;
		st = stack(&cfg);
		c = open_conn(st, &P0, a, 100, 200);
		fill_pattern(d, sizeof(d), 12);
		tcp_send(c, d, 500, g_now);
		tcp_shutdown(c, g_now);
		CHECK_EQ_U(tcp_send(c, "x", 1, g_now), -1);
		CHECK_EQ_U(pending(), 2);
		tx_clear();
		feed(st, &P0, PEER_SEQ(0), OUR_SEQ(200), PKT_ACK, 200, NULL, 0);
		CHECK_EQ_U(pending(), 2);
		tx_clear();
		feed(st, &P0, PEER_SEQ(0), OUR_SEQ(400), PKT_ACK, 200, NULL, 0);
		CHECK_EQ_U(pending(), 2);
		pop(&p);
		CHECK_EQ_U(p.payload_len, 100);
		CHECK_EQ_U(p.tcp.seq, OUR_SEQ(400));
		pop(&p);
		CHECK_EQ_U(p.tcp.flags, PKT_FIN | PKT_ACK);
		CHECK_EQ_U(p.tcp.seq, OUR_SEQ(500));
		feed(st, &P0, PEER_SEQ(0), OUR_SEQ(500), PKT_ACK, 200, NULL, 0);
		run_to(st, g_now + 250);
		CHECK_EQ_U(pending(), 1); /* the FIN again */
		pop(&p);
		CHECK_EQ_U(p.tcp.flags, PKT_FIN | PKT_ACK);
		CHECK_EQ_U(p.tcp.seq, OUR_SEQ(500));
		feed(st, &P0, PEER_SEQ(0), OUR_SEQ(501), PKT_ACK, 200, NULL, 0);
		CHECK_EQ_U(tcp_next_timeout(st, g_now), (uint64_t)-1);
		feed(st, &P0, PEER_SEQ(0), OUR_SEQ(501), PKT_ACK | PKT_FIN, 200,
		     NULL, 0);
		CHECK_EQ_U(a->ev[TCP_EV_EOF], 1);
		pop(&p);
		CHECK_EQ_U(p.tcp.flags, PKT_ACK);
		CHECK_EQ_U(p.tcp.ack, PEER_SEQ(1));
		CHECK_EQ_U(tcp_count(st), 1); /* TIME_WAIT */
		g_now += 300;
		feed(st, &P0, PEER_SEQ(0), OUR_SEQ(501), PKT_ACK | PKT_FIN, 200,
		     NULL, 0);
		pop(&p); /* our last ACK was lost: say it again */
		CHECK_EQ_U(p.tcp.ack, PEER_SEQ(1));
		run_to(st, g_now + 1000);
		CHECK_EQ_U(a->ev[TCP_EV_CLOSED], 1);
		CHECK_EQ_U(tcp_count(st), 0);
		CHECK_EQ_U(pending(), 0);
		finish(st, a);
	}
	CASE("shutdown before the handshake: data, then FIN, after it")
	{
		struct tcp_cfg cfg = base_cfg();
		struct app *a = app_new();
		struct tcp_stack *st = stack(&cfg);
		uint8_t opt[4] = { 2, 4, 0x05, 0xb4 };
		struct tcp_conn *c;
		struct pkt_info p;

		c = tcp_connect(st, PEER_IP, 80, 40000, OUR_ISN, peer_mac, a,
				g_now);
		pop(&p);
		CHECK_EQ_U(tcp_send(c, "GET /", 5, g_now), 0);
		tcp_shutdown(c, g_now);
		CHECK_EQ_U(pending(), 0);
		feed_opt(st, &P0, PEER_ISN, OUR_ISN + 1, PKT_SYN | PKT_ACK,
			 65535, opt, 4, NULL, 0);
		CHECK_EQ_U(pending(), 3);
		pop(&p);
		CHECK_EQ_U(p.tcp.flags, PKT_ACK);
		pop(&p);
		CHECK(p.payload_len == 5 && memcmp(p.payload, "GET /", 5) == 0);
		pop(&p);
		CHECK_EQ_U(p.tcp.flags, PKT_FIN | PKT_ACK);
		CHECK_EQ_U(p.tcp.seq, OUR_SEQ(5));
		finish(st, a);
	}
}

static void t_abort(void)
{
	CASE("abort: RST at snd_nxt when synchronized, none in SYN_SENT")
	{
		struct tcp_cfg cfg = base_cfg();
		struct app *a = app_new(), *b = app_new();
		struct tcp_stack *st = stack(&cfg);
		struct tcp_conn *c = open_conn(st, &P0, a, 1460, 65535);
		struct pkt_info p;

		tcp_send(c, "hello", 5, g_now);
		tx_clear();
		tcp_abort(c, g_now);
		CHECK_EQ_U(pending(), 1);
		pop(&p);
		CHECK(p.tcp.flags & PKT_RST);
		CHECK_EQ_U(p.tcp.seq, OUR_SEQ(5));
		CHECK_EQ_U(a->ev[TCP_EV_CLOSED], 1);
		CHECK_EQ_U(tcp_count(st), 0);
		c = tcp_connect(st, PEER_IP, 80, 40000, OUR_ISN, peer_mac, b,
				g_now);
		tx_clear();
		tcp_abort(c, g_now);
		CHECK_EQ_U(pending(), 0);
		CHECK_EQ_U(b->ev[TCP_EV_CLOSED], 1);
		CHECK_EQ_U(b->after_closed, 0);
		free(b);
		finish(st, NULL);
		CHECK_EQ_U(a->after_closed, 0);
		free(a);
	}
	CASE("stack_free: every state gets exactly one CLOSED")
	{
		struct tcp_cfg cfg = base_cfg();
		struct app *a[4];
		struct peer pr[4];
		struct tcp_stack *st = stack(&cfg);
		struct pkt_info p;
		unsigned rst = 0;

		for (int i = 0; i < 4; i++) {
			a[i] = app_new();
			pr[i] = P0;
			pr[i].our_port = (uint16_t)(41000 + i);
		}
		tcp_connect(st, PEER_IP, 80, 41000, OUR_ISN, peer_mac, a[0],
			    g_now);
		open_conn(st, &pr[1], a[1], 1460, 65535);
		open_conn(st, &pr[2], a[2], 1460, 65535); /* -> CLOSE_WAIT */
		feed(st, &pr[2], PEER_SEQ(0), OUR_SEQ(0), PKT_ACK | PKT_FIN,
		     65535, NULL, 0);
		tcp_shutdown(open_conn(st, &pr[3], a[3], 1460, 65535), g_now);
		feed(st, &pr[3], PEER_SEQ(0), OUR_SEQ(1), PKT_ACK | PKT_FIN,
		     65535, NULL, 0); /* -> TIME_WAIT */
		CHECK_EQ_U(a[3]->ev[TCP_EV_EOF], 1);
		tx_clear();
		CHECK_EQ_U(tcp_count(st), 4);
		tcp_stack_free(st, g_now);
		while (pop(&p))
			rst += (p.tcp.flags & PKT_RST) != 0;
		CHECK_EQ_U(rst, 2); /* ESTABLISHED and CLOSE_WAIT only */
		CHECK_EQ_U(a[0]->ev[TCP_EV_CONNECTED], 0);
		for (int i = 0; i < 4; i++) {
			CHECK_EQ_U(a[i]->ev[TCP_EV_CLOSED], 1);
			CHECK_EQ_U(a[i]->after_closed, 0);
			free(a[i]);
		}
		tx_clear();
		bad_frames = 0;
	}
}

static void t_callbacks(void)
{
	CASE("abort from inside DATA: safe, one CLOSED, no more DATA")
	{
		struct tcp_cfg cfg = base_cfg();
		struct app *a = app_new();
		struct tcp_stack *st = stack(&cfg);
		uint8_t d[200];
		struct pkt_info p;

		open_conn(st, &P0, a, 1460, 65535);
		fill_pattern(d, sizeof(d), 13);
		a->abort_on = TCP_EV_DATA;
		feed(st, &P0, PEER_SEQ(100), OUR_SEQ(0), PKT_ACK | PKT_FIN,
		     65535, d + 100, 100);
		tx_clear();
		feed(st, &P0, PEER_SEQ(0), OUR_SEQ(0), PKT_ACK, 65535, d, 100);
		CHECK_EQ_U(a->ev[TCP_EV_DATA], 1);
		CHECK_EQ_U(a->ev[TCP_EV_EOF], 0);
		CHECK_EQ_U(a->ev[TCP_EV_CLOSED], 1);
		CHECK_EQ_U(a->send_rc, -1);
		CHECK_EQ_U(pending(), 1);
		pop(&p);
		CHECK(p.tcp.flags & PKT_RST);
		CHECK_EQ_U(tcp_count(st), 0);
		finish(st, a);
	}
	CASE("abort from inside CONNECTED and EOF; echo from inside DATA")
	{
		struct tcp_cfg cfg = base_cfg();
		struct app *a = app_new(), *b = app_new(), *e = app_new();
		struct peer pb = P0, pe = P0;
		struct tcp_stack *st = stack(&cfg);
		struct pkt_info p;

		a->abort_on = TCP_EV_CONNECTED;
		open_conn(st, &P0, a, 1460, 65535);
		CHECK_EQ_U(a->ev[TCP_EV_CLOSED], 1);
		CHECK_EQ_U(a->after_closed, 0);
		pb.our_port = 40001;
		b->abort_on = TCP_EV_EOF;
		open_conn(st, &pb, b, 1460, 65535);
		feed(st, &pb, PEER_SEQ(0), OUR_SEQ(0), PKT_ACK | PKT_FIN, 65535,
		     NULL, 0);
		CHECK_EQ_U(b->ev[TCP_EV_EOF], 1);
		CHECK_EQ_U(b->ev[TCP_EV_CLOSED], 1);
		CHECK_EQ_U(b->after_closed, 0);
		CHECK_EQ_U(tcp_count(st), 0);
		pe.our_port = 40002;
		e->echo = 1;
		open_conn(st, &pe, e, 1460, 65535);
		tx_clear();
		feed(st, &pe, PEER_SEQ(0), OUR_SEQ(0), PKT_ACK, 65535, "ping",
		     4);
		CHECK_EQ_U(pending(), 1); /* the echo carries the ACK */
		pop(&p);
		CHECK(p.payload_len == 4 && memcmp(p.payload, "ping", 4) == 0);
		CHECK_EQ_U(p.tcp.ack, PEER_SEQ(4));
		free(a);
		free(b);
		finish(st, e);
	}
}

static void t_rst_rules(void)
{
	CASE("peer RST: exact seq resets, in-window is challenged, else drop")
	{
		struct tcp_cfg cfg = base_cfg();
		struct app *a = app_new();
		struct tcp_stack *st = stack(&cfg);
		struct pkt_info p;

		open_conn(st, &P0, a, 1460, 65535);
		feed(st, &P0, PEER_SEQ(10), 0, PKT_RST, 0, NULL, 0);
		CHECK_EQ_U(a->ev[TCP_EV_RESET], 0);
		CHECK_EQ_U(pending(), 1);
		pop(&p);
		CHECK_EQ_U(p.tcp.flags, PKT_ACK);
		CHECK_EQ_U(p.tcp.ack, PEER_SEQ(0));
		feed(st, &P0, PEER_SEQ(0) - 100000, 0, PKT_RST, 0, NULL, 0);
		CHECK_EQ_U(pending(), 0);
		/* An ACK of data never sent: ACKed back, its data dropped. */
		g_now += 1000;
		feed(st, &P0, PEER_SEQ(0), OUR_SEQ(50), PKT_ACK, 65535, "x", 1);
		CHECK_EQ_U(a->rxlen, 0);
		CHECK_EQ_U(pending(), 1);
		tx_clear();
		/* A SYN on an open connection is challenged too. */
		g_now += 1000;
		feed(st, &P0, PEER_SEQ(0), 0, PKT_SYN, 65535, NULL, 0);
		CHECK_EQ_U(pending(), 1);
		tx_clear();
		CHECK_EQ_U(a->ev[TCP_EV_CLOSED], 0);
		feed(st, &P0, PEER_SEQ(0), 0, PKT_RST, 0, NULL, 0);
		CHECK_EQ_U(a->ev[TCP_EV_RESET], 1);
		CHECK_EQ_U(a->ev[TCP_EV_CLOSED], 1);
		CHECK_EQ_U(pending(), 0);
		finish(st, a);
	}
	CASE("life_ms: any connection is aborted when it is that old")
	{
		struct tcp_cfg cfg = base_cfg();
		struct app *a = app_new();
		struct tcp_stack *st;
		struct pkt_info p;

		cfg.life_ms = 5000;
		g_now = 0;
		st = stack(&cfg);
		open_conn(st, &P0, a, 1460, 65535);
		CHECK_EQ_U(tcp_next_timeout(st, g_now), 5000);
		run_to(st, 4990);
		CHECK_EQ_U(a->ev[TCP_EV_CLOSED], 0);
		run_to(st, 5000);
		CHECK_EQ_U(a->ev[TCP_EV_TIMEOUT], 1);
		CHECK_EQ_U(a->ev[TCP_EV_CLOSED], 1);
		pop(&p);
		CHECK(p.tcp.flags & PKT_RST);
		finish(st, a);
	}
}

static void t_table(void)
{
	CASE("table full: tcp_connect returns NULL; a freed slot is reused")
	{
		struct tcp_cfg cfg = base_cfg();
		struct tcp_conn *c[4];
		struct tcp_stack *st;
		unsigned closed = g_closed;

		cfg.max_conns = 4;
		st = stack(&cfg);
		for (int i = 0; i < 4; i++) {
			c[i] = tcp_connect(st, PEER_IP, 80, (uint16_t)(100 + i),
					   OUR_ISN, peer_mac, NULL, g_now);
			CHECK(c[i] != NULL);
		}
		CHECK(tcp_connect(st, PEER_IP, 80, 200, OUR_ISN, peer_mac, NULL,
				  g_now) == NULL);
		tcp_abort(c[0], g_now);
		CHECK(tcp_connect(st, PEER_IP, 80, 101, OUR_ISN, peer_mac, NULL,
				  g_now) == NULL); /* in use */
		CHECK(tcp_connect(st, PEER_IP, 80, 200, OUR_ISN, peer_mac, NULL,
				  g_now) != NULL);
		CHECK_EQ_U(tcp_count(st), 4);
		finish(st, NULL);
		CHECK_EQ_U(g_closed - closed, 5);
	}
	CASE("10,000 connections: cheap when idle, all memory returned")
	{
		enum { N = 10000 };
		struct tcp_cfg cfg = base_cfg();
		struct tcp_conn **c = calloc(N, sizeof(*c));
		unsigned closed = g_closed, bad = 0;
		size_t base, open_bytes, after;
		struct tcp_stack *st;
		uint8_t opt[4] = { 2, 4, 0x05, 0xb4 };

		cfg.max_conns = N;
		g_now = 0;
		st = stack(&cfg);
		tx_clear();
		fake_xmit(NULL, opt, 4); /* grow the capture array now */
		tx_clear();
		base = heap_in_use();
		for (int i = 0; i < N; i++) {
			struct peer pr = { PEER_IP + (uint32_t)(i % 97), 80,
					   (uint16_t)(10000 + i) };

			c[i] = tcp_connect(st, pr.addr, 80, pr.our_port,
					   OUR_ISN, peer_mac, NULL, g_now);
			if (c[i] == NULL) {
				bad++;
				continue;
			}
			feed_opt(st, &pr, PEER_ISN, OUR_ISN + 1,
				 PKT_SYN | PKT_ACK, 65535, opt, 4, NULL, 0);
			tx_clear();
		}
		CHECK_EQ_U(bad, 0);
		CHECK_EQ_U(tcp_count(st), N);
		CHECK(tcp_connect(st, PEER_IP, 81, 1, 1, peer_mac, NULL,
				  g_now) == NULL);
		CHECK_EQ_U(tcp_next_timeout(st, g_now), (uint64_t)-1);
		open_bytes = heap_in_use() - base;
		printf("# %zu bytes per idle connection\n", open_bytes / N);
		CHECK(open_bytes / N < 512);
		g_now += 50;
		for (int i = 0; i < N; i++) {
			struct peer pr = { PEER_IP + (uint32_t)(i % 97), 80,
					   (uint16_t)(10000 + i) };

			if (c[i] == NULL)
				continue;
			tcp_send(c[i], "request", 7, g_now);
			switch (i % 4) {
			case 0:
				tcp_abort(c[i], g_now);
				break;
			case 1:
				feed(st, &pr, PEER_SEQ(0), 0, PKT_RST, 0, NULL,
				     0);
				break;
			case 2: /* the peer closes first */
				feed(st, &pr, PEER_SEQ(0), OUR_SEQ(7),
				     PKT_ACK | PKT_FIN, 65535, "reply", 5);
				tcp_shutdown(c[i], g_now);
				feed(st, &pr, PEER_SEQ(6), OUR_SEQ(8), PKT_ACK,
				     65535, NULL, 0);
				break;
			default: /* we close first: TIME_WAIT */
				tcp_shutdown(c[i], g_now);
				feed(st, &pr, PEER_SEQ(0), OUR_SEQ(8),
				     PKT_ACK | PKT_FIN, 65535, NULL, 0);
				break;
			}
			tx_clear();
		}
		CHECK_EQ_U(tcp_count(st), N / 4);
		run_to(st, g_now + 1100);
		CHECK_EQ_U(tcp_count(st), 0);
		CHECK_EQ_U(g_closed - closed, N);
		CHECK_EQ_U(tcp_next_timeout(st, g_now), (uint64_t)-1);
		after = heap_in_use();
		CHECK(after <= base);
		free(c);
		finish(st, NULL);
		CHECK_EQ_U(g_closed - closed, N);
	}
}

static void t_wheel(void)
{
	CASE("timer wheel: each timer once, never early, at most a tick late")
	{
		enum { N = 3000 };
		struct tw_item *it = calloc(N, sizeof(*it));
		unsigned early = 0, late = 0, twice = 0, missed = 0, over = 0;

		tw_now = 5;
		tw_w = tw_new(tw_now);
		for (int i = 0; i < N; i++) {
			tw_entry_init(&it[i].e);
			it[i].due = tw_now + rnd() % 40000; /* ~4 turns */
			tw_arm(tw_w, &it[i].e, it[i].due);
		}
		for (int i = 0; i < N; i += 10) /* re-arm some */
			tw_arm(tw_w, &it[i].e, it[i].due);
		for (int i = 5; i < N; i += 50) {
			tw_cancel(tw_w, &it[i].e);
			it[i].fired = 100;
		}
		CHECK_EQ_U(tw_count(tw_w), N - N / 50);
		while (tw_count(tw_w) > 0 && tw_now < 50000) {
			int64_t nx = tw_next(tw_w, tw_now);
			uint64_t step = 1 + rnd() % 37;

			for (int i = 0; i < N; i++)
				if (tw_armed(&it[i].e) && nx >= 0 &&
				    (it[i].due + 9) / 10 * 10 <
					    tw_now + (uint64_t)nx)
					over++; /* tw_next would oversleep */
			if (tw_victim == NULL) {
				int v = (int)(rnd() % N);

				if (!it[v].fired)
					tw_victim = &it[v];
			}
			tw_now += step;
			tw_run(tw_w, tw_now, tw_cb, NULL);
			if (tw_victim && !tw_armed(&tw_victim->e))
				tw_victim = NULL;
		}
		for (int i = 0; i < N; i++) {
			if (it[i].fired >= 100)
				continue; /* cancelled */
			if (it[i].fired == 0) {
				/* cancelled from a callback, or missed */
				missed += tw_armed(&it[i].e);
				continue;
			}
			twice += it[i].fired > 1;
			early += it[i].fired_at < it[i].due;
			late += it[i].fired_at >= it[i].due + 10 + 37;
		}
		CHECK_EQ_U(early, 0);
		CHECK_EQ_U(late, 0);
		CHECK_EQ_U(twice, 0);
		CHECK_EQ_U(missed, 0);
		CHECK_EQ_U(over, 0);
		CHECK_EQ_U(tw_count(tw_w), 0);
		CHECK_EQ_U(tw_next(tw_w, tw_now), (uint64_t)-1);
		/* A long pause fires everything overdue in one turn. */
		tw_arm(tw_w, &it[0].e, tw_now + 5000);
		tw_arm(tw_w, &it[1].e, tw_now + 25000);
		it[0].fired = it[1].fired = 0;
		tw_now += 1000000;
		tw_run(tw_w, tw_now, tw_cb, NULL);
		CHECK(it[0].fired == 1 && it[1].fired == 1);
		tw_free(tw_w);
		tw_w = NULL;
		free(it);
	}
}

static void t_hostile(void)
{
	CASE("hostile peer: 100k random segments, no crash, bounded memory")
	{
		struct tcp_cfg cfg = base_cfg();
		struct tcp_stack *st;
		struct tcp_conn *c;
		struct app *a = app_new();
		struct peer pr = P0;
		uint8_t pay[1400], opt[40], raw[200];
		unsigned opened = 1, closed = g_closed, burst = 0;
		size_t base, peak = 0, rxtotal = 0;
		struct pkt_info p;

		cfg.rx_cap = 200000;
		cfg.life_ms = 30000; /* else a peer FIN parks it for good */
		g_now = 0;
		st = stack(&cfg);
		c = open_conn(st, &pr, a, 536, 65535);
		tcp_send(c, pay, sizeof(pay), g_now);
		tx_clear();
		fake_xmit(NULL, opt, 4);
		tx_clear();
		base = heap_in_use();
		for (int i = 0; i < 100000; i++) {
			uint32_t rcv = PEER_SEQ(tcp_conn_rx_bytes(c)), seq, ack;
			size_t len = rnd() % 4 ? rnd() % 600 : rnd() % 1400;
			size_t optlen = rnd() % 3 ? 0 : (rnd() % 11) * 4;
			size_t n = 0;

			uint8_t fl = (uint8_t)rnd();

			if (rnd() % 4 == 0) { /* anything at all */
				seq = (uint32_t)rnd();
				ack = (uint32_t)rnd();
			} else { /* near the window: reaches the data paths */
				seq = rcv + (uint32_t)(rnd() % 2400) - 400;
				if (rnd() % 8 == 0) /* fill the store */
					seq = rcv + (uint32_t)(rnd() % 32000);
				ack = OUR_SEQ(0) + (uint32_t)(rnd() % 1600) -
				      100;
				fl = (uint8_t)(PKT_ACK |
					       (fl & (PKT_PSH | PKT_URG)));
				if (rnd() % 32 == 0) /* rare, or all ends */
					fl |= rnd() % 2 ? PKT_RST : PKT_SYN;
				if (rnd() % 64 == 0)
					fl |= PKT_FIN;
			}
			for (size_t k = 0; k < len; k++)
				pay[k] = (uint8_t)rnd();
			for (size_t k = 0; k < optlen; k++)
				opt[k] = (uint8_t)rnd();
			feed_opt(st, &pr, seq, ack, fl, (uint16_t)rnd(), opt,
				 optlen, pay, len);
			if (i % 8 == 0) {
				struct pkt_info q;
				size_t rl = rnd() % sizeof(raw);

				for (size_t k = 0; k < rl; k++)
					raw[k] = (uint8_t)rnd();
				if (rl > 34) { /* aim some at us */
					raw[12] = 8;
					raw[13] = 0;
					raw[14] = 0x45;
				}
				pkt_parse(raw, rl, &q);
				tcp_input(st, &q, g_now);
			}
			g_now += rnd() % 20;
			tcp_tick(st, g_now);
			while (pop(&p))
				n++;
			if (n > burst)
				burst = n;
			if (heap_in_use() > base + peak)
				peak = heap_in_use() - base;
			if (a->ev[TCP_EV_CLOSED]) {
				rxtotal += a->rxlen;
				CHECK_EQ_U(a->ev[TCP_EV_CLOSED], 1);
				CHECK_EQ_U(a->after_closed, 0);
				free(a);
				a = app_new();
				pr.our_port++;
				c = open_conn(st, &pr, a, 536, 65535);
				tcp_send(c, pay, 1000, g_now);
				opened++;
				tx_clear();
			}
			CHECK(tcp_count(st) <= 1);
		}
		printf("# %u connections, %zu bytes taken, peak %zu bytes, "
		       "burst %u frames\n",
		       opened, rxtotal, peak, burst);
		CHECK(peak < 16384 + 65536 + 8192);
		CHECK(burst <= 70);
		finish(st, a);
		CHECK_EQ_U(g_closed - closed, opened);
	}
}

int main(void)
{
	t_handshake();
	t_refused();
	t_connect_timeout();
	t_in_order();
	t_out_of_order();
	t_overlap();
	t_reack();
	t_reasm_cap();
	t_rx_cap();
	t_send_split();
	t_zero_window();
	t_rto();
	t_peer_fin();
	t_shutdown();
	t_abort();
	t_callbacks();
	t_rst_rules();
	t_table();
	t_wheel();
	t_hostile();
	return DONE();
}
