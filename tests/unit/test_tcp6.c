/* test_tcp6.c -- tcpseg in both families; the userspace TCP over IPv6. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "netstack/addr.h"
#include "netstack/packet.h"
#include "netstack/tcp.h"
#include "netstack/tcpseg.h"
#include "tests/unit/addrs.h"
#include "tests/unit/harness.h"

static const uint8_t our_mac[6] = { 2, 0x66, 0x78, 0, 0, 2 };
static const uint8_t peer_mac[6] = { 2, 0x66, 0x78, 0, 0, 0x0b };

/* The L4 checksum of an IPv6 frame, summed here from its bytes: 0 = ok. */
static uint16_t verify6(const uint8_t *f, size_t n)
{
	const uint8_t *ip = f + 14;
	size_t plen = n >= 54 ? (size_t)ip[4] << 8 | ip[5] : 0, i;
	uint32_t sum = 0;

	if (n < 54 || 54 + plen > n)
		return 0xdead;
	for (i = 8; i < 40; i += 2)
		sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	sum += (uint32_t)plen + ip[6];
	for (i = 0; i < plen; i += 2)
		sum += (uint32_t)(ip[40 + i] << 8 |
				  (i + 1 < plen ? ip[40 + i + 1] : 0));
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The fake peer's view: the last frame the stack sent and its events. */
struct peer {
	uint8_t frame[2048];
	size_t len;
	int nframes, connected, eof, closed;
	char data[64];
	size_t dlen;
};

static int xmit(void *arg, const uint8_t *frame, size_t len)
{
	struct peer *pr = arg;

	if (len <= sizeof(pr->frame)) {
		memcpy(pr->frame, frame, len);
		pr->len = len;
	}
	pr->nframes++;
	return 0;
}

static void event(struct tcp_conn *c, enum tcp_event ev, const uint8_t *d,
		  size_t len, void *user)
{
	struct peer *pr = user;

	(void)c;
	if (ev == TCP_EV_CONNECTED)
		pr->connected = 1;
	if (ev == TCP_EV_EOF)
		pr->eof = 1;
	if (ev == TCP_EV_CLOSED)
		pr->closed = 1;
	if (ev == TCP_EV_DATA && pr->dlen + len <= sizeof(pr->data)) {
		memcpy(pr->data + pr->dlen, d, len);
		pr->dlen += len;
	}
}

/* Feeds a segment from the peer to the stack, through pkt_parse. */
static int from_peer(struct tcp_stack *st, const struct addr *peer,
		     const struct addr *us, uint32_t seq, uint32_t ack,
		     uint8_t flags, const char *data, uint64_t now)
{
	uint8_t f[256];
	struct pkt_info p;
	struct tcpseg s = {
		.smac = peer_mac,
		.dmac = our_mac,
		.saddr = *peer,
		.daddr = *us,
		.sport = 22,
		.dport = 40000,
		.seq = seq,
		.ack = ack,
		.flags = flags,
		.win = 64800,
		.ttl = 64,
		.mss = (flags & PKT_SYN) ? 1440 : 0,
		.data = (const uint8_t *)data,
		.len = data ? strlen(data) : 0,
	};
	size_t n = tcpseg_build(f, sizeof(f), &s);

	if (n == 0 || pkt_parse(f, n, &p) != PKT_TCP)
		return -1;
	return tcp_input(st, &p, now);
}

static void segments(void)
{
	CASE("IPv4 segments are byte for byte what they were")
	{
		/* tcpseg_build's output before struct addr (same inputs). */
		static const uint8_t syn[58] = {
			0x02, 0x66, 0x78, 0x00, 0x00, 0x0b, 0x02, 0x66, 0x78,
			0x00, 0x00, 0x02, 0x08, 0x00, 0x45, 0x00, 0x00, 0x2c,
			0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0x9c, 0x66, 0xc6,
			0x12, 0x00, 0x02, 0xc6, 0x12, 0x00, 0x0b, 0x9c, 0x40,
			0x00, 0x16, 0x01, 0x02, 0x03, 0x04, 0x00, 0x00, 0x00,
			0x00, 0x60, 0x02, 0xff, 0xff, 0x6b, 0x98, 0x00, 0x00,
			0x02, 0x04, 0x05, 0xb4,
		};
		static const uint8_t psh[59] = {
			0x02, 0x66, 0x78, 0x00, 0x00, 0x0b, 0x02, 0x66, 0x78,
			0x00, 0x00, 0x02, 0x08, 0x00, 0x45, 0x00, 0x00, 0x2d,
			0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0x9c, 0x65, 0xc6,
			0x12, 0x00, 0x02, 0xc6, 0x12, 0x00, 0x0b, 0x9c, 0x40,
			0x00, 0x16, 0x01, 0x02, 0x03, 0x04, 0x0a, 0x0b, 0x0c,
			0x0d, 0x50, 0x18, 0xff, 0xff, 0x29, 0x4f, 0x00, 0x00,
			0x68, 0x65, 0x6c, 0x6c, 0x6f,
		};
		struct tcpseg s = {
			.smac = our_mac,
			.dmac = peer_mac,
			.saddr = addr_from_v4(0xc6120002),
			.daddr = addr_from_v4(0xc612000b),
			.sport = 40000,
			.dport = 22,
			.seq = 0x01020304,
			.flags = PKT_SYN,
			.win = 65535,
			.ttl = 64,
			.ipid = 0x1234,
			.mss = 1460,
		};
		uint8_t f[128];

		CHECK_EQ_U(tcpseg_build(f, sizeof(f), &s), sizeof(syn));
		CHECK(memcmp(f, syn, sizeof(syn)) == 0);
		s.mss = 0;
		s.flags = PKT_PSH | PKT_ACK;
		s.ack = 0x0a0b0c0d;
		s.data = (const uint8_t *)"hello";
		s.len = 5;
		CHECK_EQ_U(tcpseg_build(f, sizeof(f), &s), sizeof(psh));
		CHECK(memcmp(f, psh, sizeof(psh)) == 0);
	}
	CASE("IPv6 segments parse back with a right checksum")
	{
		struct tcpseg s = {
			.smac = our_mac,
			.dmac = peer_mac,
			.saddr = A("fd5a:7a6f:1ab0:1::2"),
			.daddr = A("fd5a:7a6f:1ab0:1::11"),
			.sport = 40000,
			.dport = 22,
			.seq = 7,
			.ack = 9,
			.flags = PKT_SYN | PKT_ACK,
			.win = 1000,
			.ttl = 61,
			.mss = 1440,
			.data = (const uint8_t *)"abc",
			.len = 3,
		};
		uint8_t f[128];
		struct pkt_info p;
		size_t n = tcpseg_build(f, sizeof(f), &s);

		CHECK_EQ_U(n, 14 + 40 + 24 + 3);
		CHECK_EQ_U(verify6(f, n), 0);
		CHECK(pkt_parse(f, n, &p) == PKT_TCP);
		CHECK(addr_eq(&p.ip.saddr, &s.saddr));
		CHECK(addr_eq(&p.ip.daddr, &s.daddr));
		CHECK_EQ_U(p.ip.ttl, 61);
		CHECK_EQ_U(p.tcp.seq, 7);
		CHECK_EQ_U(p.tcp.ack, 9);
		CHECK_EQ_U(tcpseg_find_mss(p.tcp.opts, p.tcp.optlen), 1440);
		CHECK_EQ_U(p.payload_len, 3);
		CHECK_EQ_U(tcpseg_build(f, n - 1, &s), 0);
		s.daddr = addr_from_v4(0xc612000b); /* mixed families */
		CHECK_EQ_U(tcpseg_build(f, sizeof(f), &s), 0);
	}
}

static void stack6(void)
{
	CASE("userspace TCP over IPv6: handshake, data, FIN")
	{
		struct addr us = A("fd5a:7a6f:1ab0:1::2"),
			    peer = A("fd5a:7a6f:1ab0:1::11");
		struct peer pr = { 0 };
		struct tcp_cfg cfg = { .saddr6 = us,
				       .max_conns = 4,
				       .rx_cap = 4096,
				       .reasm_cap = 4096,
				       .tx_cap = 4096,
				       .xmit = xmit,
				       .event = event,
				       .arg = &pr };
		struct tcp_stack *st;
		struct tcp_conn *c;
		struct pkt_info p;

		memcpy(cfg.smac, our_mac, 6);
		st = tcp_stack_new(&cfg, 0);
		c = tcp_connect_addr(st, &peer, 22, 40000, 1000, peer_mac, &pr,
				     0);
		CHECK(c != NULL);
		if (c == NULL)
			break;
		CHECK(addr_eq(tcp_conn_addr(c), &peer));
		CHECK_EQ_U(tcp_conn_daddr(c), 0);
		CHECK_EQ_U(verify6(pr.frame, pr.len), 0);
		CHECK(pkt_parse(pr.frame, pr.len, &p) == PKT_TCP);
		CHECK_EQ_U(p.tcp.flags, PKT_SYN);
		CHECK(addr_eq(&p.ip.saddr, &us));
		CHECK(addr_eq(&p.ip.daddr, &peer));
		CHECK_EQ_U(tcpseg_find_mss(p.tcp.opts, p.tcp.optlen), 1440);
		/* The same 4-tuple again is refused. */
		CHECK(tcp_connect_addr(st, &peer, 22, 40000, 5, peer_mac, &pr,
				       0) == NULL);
		CHECK_EQ_U(from_peer(st, &peer, &us, 5000, 1001,
				     PKT_SYN | PKT_ACK, NULL, 10),
			   1);
		CHECK(pr.connected);
		CHECK(pkt_parse(pr.frame, pr.len, &p) == PKT_TCP);
		CHECK_EQ_U(p.tcp.flags, PKT_ACK);
		CHECK_EQ_U(p.tcp.ack, 5001);
		CHECK_EQ_U(from_peer(st, &peer, &us, 5001, 1001,
				     PKT_ACK | PKT_PSH, "SSH-2.0-x\r\n", 20),
			   1);
		CHECK_EQ_U(pr.dlen, 11);
		CHECK(memcmp(pr.data, "SSH-2.0-x\r\n", 11) == 0);
		CHECK(tcp_send(c, "hi\r\n", 4, 30) == 0);
		CHECK(pkt_parse(pr.frame, pr.len, &p) == PKT_TCP);
		CHECK_EQ_U(p.payload_len, 4);
		CHECK_EQ_U(verify6(pr.frame, pr.len), 0);
		CHECK_EQ_U(from_peer(st, &peer, &us, 5012, 1005,
				     PKT_ACK | PKT_FIN, NULL, 40),
			   1);
		CHECK(pr.eof);
		/* Another address, or an IPv4 frame, is not this conn's. */
		CHECK_EQ_U(from_peer(st, &peer, &peer, 5013, 1005, PKT_ACK,
				     NULL, 50),
			   0);
		tcp_stack_free(st, 60);
		CHECK(pr.closed);
	}
}

int main(void)
{
	segments();
	stack6();
	return DONE();
}
