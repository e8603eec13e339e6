/* test_tcp.c -- the userspace TCP: handshake, data both ways, resending. */
#include "tests/unit/tcpfix.h"

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
	return DONE();
}
