/* test_tcpadopt.c -- tcp_adopt: finishing the sweep's handshake, and falling back. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netstack/tcpseg.h"
#include "tests/unit/tcpfix.h"

#define ISS 70000u  /* the sweep's cookie sequence */
#define IRS 900000u /* the peer's, from its SYN-ACK */
#define SPORT 61234 /* the sweep's source port */
#define FB_SPORT 62100
#define FB_ISN 123456u
#define DPORT 22

/* The peer as the sweep's port and as the fallback port see it. */
static const struct peer SWEEP = { PEER_IP, DPORT, SPORT };
static const struct peer FALLBACK = { PEER_IP, DPORT, FB_SPORT };

/* A stack as the sweep's handoff gets it: small buffers, a short RTO cap. */
static struct tcp_stack *adopt_stack(uint64_t now)
{
	struct tcp_cfg c = base_cfg();

	c.max_conns = 16;
	c.rcv_wnd = 65535;
	c.rx_cap = 4096;
	c.reasm_cap = 4096;
	c.tx_cap = 4096;
	c.rto_max_ms = 3000;
	g_now = now;
	return stack(&c);
}

static struct tcp_handoff handoff(void)
{
	struct tcp_handoff h = {
		.daddr = addr_from_v4(PEER_IP),
		.dport = DPORT,
		.sport = SPORT,
		.iss = ISS,
		.irs = IRS,
		.win = 29200,
		.mss = 1460,
	};

	return h;
}

/* A segment from the peer at time now (with an MSS if it is a SYN). */
static void seg(struct tcp_stack *st, const struct peer *pr, uint32_t seq,
		uint32_t ack, uint8_t flags, const char *data, uint64_t now)
{
	static const uint8_t mss[4] = { 2, 4, 1460 >> 8, 1460 & 0xff };

	g_now = now;
	feed_opt(st, pr, seq, ack, flags, 29200, mss,
		 (flags & PKT_SYN) ? sizeof(mss) : 0, data,
		 data ? strlen(data) : 0);
}

/*
 * The ACK that finishes the handshake, the probe that a SYN-RECEIVED peer
 * resets (it acks a byte never sent), then the keepalive-style probe.
 */
static int sent_ack_and_probe(void)
{
	struct pkt_info a, b, k;

	return pop(&a) && pop(&b) && pop(&k) && a.tcp.flags == PKT_ACK &&
	       a.tcp.sport == SPORT && a.tcp.seq == ISS + 1 &&
	       a.tcp.ack == IRS + 1 && a.payload_len == 0 &&
	       b.tcp.flags == PKT_ACK && b.tcp.seq == ISS + 1 &&
	       b.tcp.ack == IRS + 2 && b.payload_len == 0 &&
	       k.tcp.flags == PKT_ACK && k.tcp.seq == ISS &&
	       k.tcp.ack == IRS + 1 && k.payload_len == 0;
}

/* A SYN from the fallback port with the fallback ISN, after a RST. */
static int sent_rst_then_syn(void)
{
	struct pkt_info r, s;

	return pop(&r) && pop(&s) && (r.tcp.flags & PKT_RST) &&
	       r.tcp.sport == SPORT && r.tcp.seq == ISS + 1 &&
	       s.tcp.flags == PKT_SYN && s.tcp.sport == FB_SPORT &&
	       s.tcp.seq == FB_ISN;
}

/* The end of a case: every frame we sent parsed, with sane fields. */
static void frames_ok(void)
{
	CHECK_EQ_U(bad_frames, 0);
	bad_frames = 0;
	tx_clear();
}

int main(void)
{
	struct tcp_handoff h = handoff();
	struct pkt_info p;

	CASE("adopt: ACK + probe, no SYN, CONNECTED only on the peer's ACK")
	{
		struct tcp_stack *st = adopt_stack(1000);
		struct app *a = app_new();
		struct tcp_conn *c =
			tcp_adopt(st, &h, FB_SPORT, FB_ISN, peer_mac, a, 1000);

		CHECK(c != NULL);
		if (c == NULL)
			break;
		CHECK(sent_ack_and_probe());
		CHECK_EQ_U(pending(), 0);
		CHECK_EQ_U(a->ev[TCP_EV_CONNECTED], 0);
		/* A probe queued now waits for the proof. */
		CHECK_EQ_U(tcp_send(c, "HELP\r\n", 6, 1001), 0);
		CHECK_EQ_U(pending(), 0);
		seg(st, &SWEEP, IRS + 1, ISS + 1, PKT_ACK, NULL, 1002);
		CHECK_EQ_U(a->ev[TCP_EV_CONNECTED], 1);
		CHECK(pop(&p) && p.payload_len == 6 && p.tcp.seq == ISS + 1 &&
		      p.tcp.ack == IRS + 1 && p.tcp.sport == SPORT);
		CHECK_EQ_U(tcp_conn_adopted(c), 1);
		CHECK_EQ_U(tcp_conn_sport(c), SPORT);
		tcp_stack_free(st, 1003);
		CHECK(pop(&p) && (p.tcp.flags & PKT_RST) &&
		      p.tcp.seq == ISS + 7);
		CHECK_EQ_U(a->ev[TCP_EV_CLOSED], 1);
		free(a);
		frames_ok();
	}
	CASE("adopt: the peer's greeting is the proof and is delivered")
	{
		struct tcp_stack *st = adopt_stack(0);
		struct app *a = app_new();
		struct tcp_conn *c =
			tcp_adopt(st, &h, FB_SPORT, FB_ISN, peer_mac, a, 0);

		CHECK(c != NULL);
		tx_clear();
		seg(st, &SWEEP, IRS + 1, ISS + 1, PKT_ACK | PKT_PSH,
		    "SSH-2.0-x\r\n", 5);
		CHECK_EQ_U(a->ev[TCP_EV_CONNECTED], 1);
		CHECK_EQ_U(a->ev[TCP_EV_DATA], 1);
		CHECK(a->rxlen == 11 &&
		      memcmp(a->rx, "SSH-2.0-x\r\n", 11) == 0);
		CHECK(pop(&p) && p.tcp.flags == PKT_ACK &&
		      p.tcp.ack == IRS + 12);
		g_now = 6;
		finish(st, a);
	}
	CASE("adopt: a RST (the peer let the handshake go) opens afresh")
	{
		struct tcp_stack *st = adopt_stack(0);
		struct app *a = app_new();
		struct tcp_conn *c =
			tcp_adopt(st, &h, FB_SPORT, FB_ISN, peer_mac, a, 0);

		CHECK(c != NULL);
		if (c == NULL)
			break;
		CHECK_EQ_U(tcp_send(c, "x", 1, 0), 0);
		tx_clear();
		seg(st, &SWEEP, IRS + 1, 0, PKT_RST, NULL, 1);
		CHECK(sent_rst_then_syn());
		CHECK_EQ_U(a->ev[TCP_EV_RESET] + a->ev[TCP_EV_CLOSED], 0);
		CHECK_EQ_U(tcp_conn_sport(c), FB_SPORT);
		CHECK_EQ_U(tcp_count(st), 1);
		/* The old 4-tuple is no longer ours. */
		seg(st, &SWEEP, IRS + 1, ISS + 1, PKT_ACK, NULL, 2);
		CHECK_EQ_U(a->ev[TCP_EV_CONNECTED], 0);
		seg(st, &FALLBACK, 5000, FB_ISN + 1, PKT_SYN | PKT_ACK, NULL,
		    3);
		CHECK_EQ_U(a->ev[TCP_EV_CONNECTED], 1);
		CHECK_EQ_U(tcp_conn_adopted(c), 2);
		CHECK(pop(&p) && p.tcp.flags == PKT_ACK && p.tcp.ack == 5001);
		CHECK(pop(&p) && p.payload_len == 1 && p.tcp.seq == FB_ISN + 1);
		g_now = 4;
		finish(st, a);
	}
	CASE("adopt: silence, the ACK and probe again, then a fresh SYN")
	{
		struct tcp_stack *st = adopt_stack(0);
		struct app *a = app_new();
		struct tcp_handoff hr = h;
		struct tcp_conn *c;

		hr.rtt_ms = 10; /* RTO: the 200 ms floor */
		c = tcp_adopt(st, &hr, FB_SPORT, FB_ISN, peer_mac, a, 0);
		CHECK(c != NULL);
		tx_clear();
		tcp_tick(st, 150);
		CHECK_EQ_U(pending(), 0);
		tcp_tick(st, 260);
		CHECK(sent_ack_and_probe());
		tcp_tick(st, 500);
		CHECK_EQ_U(pending(), 0);
		tcp_tick(st, 800);
		CHECK(sent_rst_then_syn());
		CHECK_EQ_U(a->ev[TCP_EV_TIMEOUT] + a->ev[TCP_EV_CLOSED], 0);
		g_now = 900;
		finish(st, a);
	}
	CASE("adopt: still SYN-RECEIVED (accept queue full): the RST to the "
	     "probe, then its ACK: afresh")
	{
		struct tcp_stack *st = adopt_stack(0);
		struct app *a = app_new();
		struct tcp_conn *c =
			tcp_adopt(st, &h, FB_SPORT, FB_ISN, peer_mac, a, 0);

		CHECK(c != NULL);
		tx_clear();
		/* Linux's listener resets the ACK of a byte never sent... */
		seg(st, &SWEEP, IRS + 2, 0, PKT_RST, NULL, 1);
		/* ... then the half-open connection ACKs the keepalive. */
		seg(st, &SWEEP, IRS + 1, ISS + 1, PKT_ACK, NULL, 1);
		CHECK(sent_rst_then_syn());
		CHECK_EQ_U(a->ev[TCP_EV_CONNECTED], 0);
		CHECK_EQ_U(tcp_count(st), 1);
		g_now = 2;
		finish(st, a);
	}
	CASE("adopt: its SYN-ACK again (our ACK lost) is answered, no proof")
	{
		struct tcp_stack *st = adopt_stack(0);
		struct app *a = app_new();
		struct tcp_conn *c =
			tcp_adopt(st, &h, FB_SPORT, FB_ISN, peer_mac, a, 0);

		CHECK(c != NULL);
		tx_clear();
		seg(st, &SWEEP, IRS, ISS + 1, PKT_SYN | PKT_ACK, NULL, 1);
		CHECK(pop(&p) && p.tcp.flags == PKT_ACK &&
		      p.tcp.seq == ISS + 1 && p.tcp.ack == IRS + 1);
		CHECK_EQ_U(a->ev[TCP_EV_CONNECTED], 0);
		/* A stray ACK of something else proves nothing. */
		seg(st, &SWEEP, IRS + 1, ISS + 9, PKT_ACK, NULL, 2);
		CHECK_EQ_U(a->ev[TCP_EV_CONNECTED], 0);
		seg(st, &SWEEP, IRS + 1, ISS + 1, PKT_ACK, NULL, 3);
		CHECK_EQ_U(a->ev[TCP_EV_CONNECTED], 1);
		g_now = 4;
		finish(st, a);
	}
	CASE("adopt: refused when a 4-tuple is in use or the ports are one")
	{
		struct tcp_stack *st = adopt_stack(0);
		struct addr peer = addr_from_v4(PEER_IP);
		unsigned closed = g_closed;

		CHECK(tcp_adopt(st, &h, SPORT, FB_ISN, peer_mac, NULL, 0) ==
		      NULL);
		CHECK(tcp_connect_addr(st, &peer, DPORT, FB_SPORT, 1, peer_mac,
				       NULL, 0) != NULL);
		CHECK(tcp_adopt(st, &h, FB_SPORT, FB_ISN, peer_mac, NULL, 0) ==
		      NULL);
		CHECK(tcp_adopt(st, &h, FB_SPORT + 1, FB_ISN, peer_mac, NULL,
				0) != NULL);
		CHECK(tcp_adopt(st, &h, FB_SPORT + 2, FB_ISN, peer_mac, NULL,
				0) == NULL);
		CHECK_EQ_U(tcp_count(st), 2);
		tcp_stack_free(st, 1);
		CHECK_EQ_U(g_closed - closed, 2);
		frames_ok();
	}
	CASE("tcp_handoff_reset: a RST in the peer's window, nothing kept")
	{
		struct tcp_stack *st = adopt_stack(0);

		tcp_handoff_reset(st, &h, peer_mac);
		CHECK(pop(&p) && (p.tcp.flags & PKT_RST) &&
		      p.tcp.sport == SPORT && p.tcp.dport == DPORT &&
		      p.tcp.seq == ISS + 1 && p.ip.dst == PEER_IP &&
		      memcmp(p.eth_dst, peer_mac, 6) == 0);
		CHECK_EQ_U(tcp_count(st), 0);
		tcp_stack_free(st, 1);
		frames_ok();
	}
	CASE("tcpseg_rst_for_synack: the kernel's RST, for SYN-ACKs only")
	{
		static const uint8_t mss[4] = { 2, 4, 1460 >> 8, 1460 & 0xff };
		uint8_t f[128], r[128];
		struct tcpfix_seg s = {
			.smac = peer_mac,
			.dmac = our_mac,
			.saddr = PEER_IP,
			.daddr = OUR_IP,
			.sport = 443,
			.dport = 61001,
			.seq = IRS,
			.ack = ISS + 1,
			.flags = PKT_SYN | PKT_ACK,
			.win = 100,
			.ttl = 64,
			.opt = mss,
			.optlen = sizeof(mss),
		};
		struct pkt_info in, out;
		size_t n = tcpfix_frame(f, &s), m;

		CHECK(pkt_parse(f, n, &in) == PKT_TCP);
		m = tcpseg_rst_for_synack(r, sizeof(r), &in);
		CHECK(m > 0 && pkt_parse(r, m, &out) == PKT_TCP);
		CHECK(out.tcp.flags == PKT_RST && out.tcp.seq == ISS + 1 &&
		      out.tcp.sport == 61001 && out.tcp.dport == 443 &&
		      out.ip.src == OUR_IP && out.ip.dst == PEER_IP &&
		      memcmp(out.eth_dst, peer_mac, 6) == 0);
		s.flags = PKT_RST | PKT_ACK;
		n = tcpfix_frame(f, &s);
		CHECK(pkt_parse(f, n, &in) == PKT_TCP);
		CHECK_EQ_U(tcpseg_rst_for_synack(r, sizeof(r), &in), 0);
	}
	tx_clear();
	free(tx);
	return DONE();
}
