/* test_tcp_end.c -- the userspace TCP: FIN, RST, abort, limits, timers. */
#include "netstack/timerwheel.h"
#include "tests/unit/tcpfix.h"

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
		enum {
			N = 10000
		};
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
		enum {
			N = 3000
		};
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
