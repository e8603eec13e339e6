/* test_handoff.c -- the sweep's SYN-ACKs kept for -sV: note, take, leftovers. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "engine/sweep/handoff.h"
#include "netstack/packet.h"
#include "netstack/tcpseg.h"
#include "tests/unit/harness.h"

#define OUR_IP 0xc6120002u  /* 198.18.0.2 */
#define PEER_IP 0xc612000au /* 198.18.0.10 */

static const uint8_t our_mac[6] = { 2, 0x66, 0x78, 0, 0, 2 };
static const uint8_t peer_mac[6] = { 2, 0x66, 0x78, 0, 0, 10 };

/* Builds and notes a segment from peer:port to our sport at at_ms. */
static int note(struct handoffs *t, const struct addr *peer, uint16_t port,
		uint16_t sport, uint8_t flags, uint32_t seq, uint32_t ack,
		uint16_t mss, uint64_t at_ms)
{
	static uint8_t f[256];
	struct tcpseg s = {
		.smac = peer_mac,
		.dmac = our_mac,
		.saddr = *peer,
		.daddr = addr_is_v6(peer) ? *peer : addr_from_v4(OUR_IP),
		.sport = port,
		.dport = sport,
		.seq = seq,
		.ack = ack,
		.flags = flags,
		.win = 29200,
		.ttl = 64,
		.mss = mss,
	};
	struct pkt_info p;
	size_t n;

	if (addr_is_v6(peer))
		s.daddr.b[15] ^= 1; /* some other address of ours */
	n = tcpseg_build(f, sizeof(f), &s);
	if (n == 0 || pkt_parse(f, n, &p) != PKT_TCP)
		return -1;
	return handoffs_note(t, &p, at_ms);
}

int main(void)
{
	struct addr peer = addr_from_v4(PEER_IP);
	struct handoff_entry e;

	CASE("a SYN-ACK becomes what tcp_adopt needs")
	{
		struct handoffs t;

		handoffs_init(&t, 16);
		CHECK_EQ_U(note(&t, &peer, 22, 61500, PKT_SYN | PKT_ACK, 777,
				4001, 1400, 10),
			   1);
		CHECK(handoffs_take(&t, &peer, 22, &e));
		CHECK(addr_eq(&e.h.daddr, &peer) && e.h.dport == 22 &&
		      e.h.sport == 61500);
		CHECK(e.h.iss == 4000 && e.h.irs == 777 && e.h.win == 29200 &&
		      e.h.mss == 1400 && e.at_ms == 10);
		CHECK(memcmp(e.mac, peer_mac, 6) == 0);
		/* Taken once. */
		CHECK(!handoffs_take(&t, &peer, 22, &e));
		CHECK(!handoffs_next_left(&t, &e));
		handoffs_free(&t);
	}
	CASE("only SYN-ACKs are kept; a missing MSS is 0")
	{
		struct handoffs t;

		handoffs_init(&t, 16);
		CHECK_EQ_U(note(&t, &peer, 22, 61500, PKT_RST | PKT_ACK, 1, 2,
				0, 1),
			   0);
		CHECK_EQ_U(note(&t, &peer, 22, 61500, PKT_ACK, 1, 2, 0, 1), 0);
		CHECK_EQ_U(note(&t, &peer, 22, 61500, PKT_SYN, 1, 0, 0, 1), 0);
		CHECK_EQ_U(t.n, 0);
		CHECK_EQ_U(note(&t, &peer, 80, 61501, PKT_SYN | PKT_ACK, 1, 2,
				0, 1),
			   1);
		CHECK(handoffs_take(&t, &peer, 80, &e) && e.h.mss == 0);
		handoffs_free(&t);
	}
	CASE("repeats and a second pass's copy: the earliest is taken, "
	     "the other reset once")
	{
		struct handoffs t;

		handoffs_init(&t, 16);
		/* The second pass's SYN-ACK first in the table, then pass
		 * 0's, then the peer's retransmission of pass 0's. */
		note(&t, &peer, 443, 61700, PKT_SYN | PKT_ACK, 50, 9001, 1460,
		     300);
		note(&t, &peer, 443, 61600, PKT_SYN | PKT_ACK, 40, 9001, 1460,
		     100);
		note(&t, &peer, 443, 61600, PKT_SYN | PKT_ACK, 40, 9001, 1460,
		     1100);
		note(&t, &peer, 80, 61600, PKT_SYN | PKT_ACK, 60, 7001, 1460,
		     100);
		CHECK(handoffs_take(&t, &peer, 443, &e) && e.h.sport == 61600 &&
		      e.at_ms == 100);
		/* Left: port 80's, and 443's from 61700 (address order). */
		CHECK(handoffs_next_left(&t, &e) && e.h.dport == 80);
		CHECK(handoffs_next_left(&t, &e) && e.h.dport == 443 &&
		      e.h.sport == 61700);
		CHECK(!handoffs_next_left(&t, &e));
		CHECK(!handoffs_take(&t, &peer, 80, &e));
		handoffs_free(&t);
	}
	CASE("many hosts and ports: each found by address and port")
	{
		struct handoffs t;
		int all = 1;

		handoffs_init(&t, 4096);
		for (uint32_t h = 0; h < 50; h++)
			for (uint16_t port = 1; port <= 20; port++) {
				struct addr a = addr_from_v4(PEER_IP + 49 - h);

				note(&t, &a, port, (uint16_t)(61000 + h),
				     PKT_SYN | PKT_ACK, h * 100 + port,
				     port * 3 + 1, 1460, h);
			}
		for (uint32_t h = 0; h < 50; h++)
			for (uint16_t port = 20; port >= 1; port--) {
				struct addr a = addr_from_v4(PEER_IP + 49 - h);

				all &= handoffs_take(&t, &a, port, &e) &&
				       e.h.irs == h * 100 + port &&
				       e.h.iss == port * 3u &&
				       e.h.sport == 61000 + h;
			}
		CHECK(all);
		CHECK(!handoffs_next_left(&t, &e));
		handoffs_free(&t);
	}
	CASE("the table is bounded: past max, dropped and counted")
	{
		struct handoffs t;

		handoffs_init(&t, 3);
		for (uint16_t port = 1; port <= 5; port++)
			note(&t, &peer, port, 61000, PKT_SYN | PKT_ACK, 1, 2, 0,
			     port);
		CHECK_EQ_U(t.n, 3);
		CHECK_EQ_U(t.dropped, 2);
		CHECK(handoffs_take(&t, &peer, 3, &e));
		CHECK(!handoffs_take(&t, &peer, 4, &e));
		handoffs_free(&t);
		CHECK_EQ_U(t.n, 0);
		CHECK_EQ_U(t.max, 3);
	}
	CASE("a repeat is kept once, even in a full table; old ones first")
	{
		struct handoffs t;

		handoffs_init(&t, 2);
		CHECK_EQ_U(note(&t, &peer, 22, 61001, PKT_SYN | PKT_ACK, 1, 2,
				0, 100),
			   1);
		CHECK_EQ_U(note(&t, &peer, 80, 61002, PKT_SYN | PKT_ACK, 1, 2,
				0, 5000),
			   1);
		/* The peer's retransmission: kept already, not reset. */
		CHECK_EQ_U(note(&t, &peer, 22, 61001, PKT_SYN | PKT_ACK, 1, 2,
				0, 1100),
			   1);
		CHECK_EQ_U(note(&t, &peer, 25, 61003, PKT_SYN | PKT_ACK, 1, 2,
				0, 1200),
			   0);
		CHECK_EQ_U(t.n, 2);
		CHECK_EQ_U(t.dropped, 1);
		CHECK(handoffs_next_before(&t, 1000, &e) && e.h.dport == 22);
		CHECK(!handoffs_next_before(&t, 1000, &e));
		CHECK(handoffs_take(&t, &peer, 80, &e) && e.at_ms == 5000);
		CHECK(!handoffs_take(&t, &peer, 22, &e));
		handoffs_free(&t);
	}
	CASE("IPv6 peers")
	{
		struct handoffs t;
		struct addr a6, b6;

		CHECK(addr_parse("fd5a:7a6f:1ab0:1::10", &a6) == 0);
		CHECK(addr_parse("fd5a:7a6f:1ab0:1::11", &b6) == 0);
		handoffs_init(&t, 16);
		CHECK_EQ_U(note(&t, &a6, 22, 61010, PKT_SYN | PKT_ACK, 5, 6,
				1440, 1),
			   1);
		CHECK(!handoffs_take(&t, &b6, 22, &e));
		CHECK(handoffs_take(&t, &a6, 22, &e) &&
		      addr_eq(&e.h.daddr, &a6) && e.h.mss == 1440 &&
		      e.h.iss == 5);
		handoffs_free(&t);
	}
	return DONE();
}
