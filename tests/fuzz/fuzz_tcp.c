/* fuzz_tcp.c -- the userspace TCP fed any sequence of segments a peer can send. */
#include <stdlib.h>
#include <string.h>

#include "netstack/packet.h"
#include "netstack/tcp.h"
#include "tests/fuzz/fuzz.h"
#include "tests/unit/tcpfix_frame.h"

const char fuzz_name[] = "tcp";

#define OUR_PORT 62100
#define PEER_PORT 80
#define OUR_ISN 1000u

static uint32_t peer_isn;
static int closed;

static int xmit(void *arg, const uint8_t *f, size_t len)
{
	struct pkt_info p;

	/* Whatever the stack sends must itself parse as TCP. */
	(void)arg;
	if (pkt_parse(f, len, &p) != PKT_TCP)
		abort();
	return 0;
}

static void event(struct tcp_conn *c, enum tcp_event ev, const uint8_t *data,
		  size_t len, void *user)
{
	static const char req[] = "GET / HTTP/1.0\r\n\r\n";

	(void)data;
	(void)len;
	(void)user;
	if (ev == TCP_EV_CONNECTED)
		tcp_send(c, req, sizeof(req) - 1, 0);
	else if (ev == TCP_EV_CLOSED)
		closed = 1;
}

/*
 * The next segment from the peer, from the input at d (n bytes): flags,
 * seq/ack offsets relative to the connection, window, options and payload
 * all come from it. Returns the bytes used, 0 when fewer than 8 are left.
 */
static size_t next_seg(struct tcpfix_seg *s, const uint8_t *d, size_t n)
{
	size_t optlen, plen, off = 8;

	if (n < 8)
		return 0;
	optlen = (size_t)(d[6] & 0x0f) * 4;
	if (optlen > 40)
		optlen = 40;
	plen = d[7];
	if (optlen > n - off)
		optlen = n - off;
	optlen &= ~(size_t)3;
	if (plen > n - off - optlen)
		plen = n - off - optlen;
	memset(s, 0, sizeof(*s));
	s->smac = peer_mac;
	s->dmac = our_mac;
	s->saddr = PEER_IP;
	s->daddr = OUR_IP;
	s->sport = PEER_PORT;
	/* Bit 4 of d[6]: to an adopted connection's fallback port. */
	s->dport = (uint16_t)(OUR_PORT + !!(d[6] & 0x10));
	/* Offsets near the expected numbers, so segments are mostly in play. */
	s->seq = peer_isn + 1 + (uint32_t)(int8_t)d[1] * 97u + (uint32_t)d[2];
	s->ack = OUR_ISN + 1 + (uint32_t)(int8_t)d[3];
	s->flags = d[0];
	s->ttl = 64;
	s->win = (uint16_t)(d[4] << 8 | d[5]);
	s->opt = d + off;
	s->optlen = optlen;
	s->data = d + off + optlen;
	s->len = plen;
	return off + optlen + plen;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tcp_cfg cfg;
	struct tcp_stack *st;
	struct tcpfix_seg s;
	struct pkt_info p;
	uint8_t frame[14 + 40 + 40 + 256];
	uint64_t now = 1;
	size_t used, flen;

	memset(&cfg, 0, sizeof(cfg));
	cfg.saddr = OUR_IP;
	memcpy(cfg.smac, our_mac, 6);
	cfg.max_conns = 4;
	cfg.rx_cap = 4096;
	cfg.reasm_cap = 4096;
	cfg.tx_cap = 4096;
	cfg.life_ms = 20000;
	cfg.xmit = xmit;
	cfg.event = event;
	st = tcp_stack_new(&cfg, now);
	closed = 0;
	peer_isn = 5000;
	/* The first four bytes set the peer's ISN; its low bit makes the
	 * connection an adopted one (tcp_adopt: the sweep's SYN-ACK). */
	if (size >= 4)
		peer_isn = (uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 |
			   (uint32_t)data[2] << 8 | data[3];
	if (peer_isn & 1) {
		struct tcp_handoff h = {
			.daddr = addr_from_v4(PEER_IP),
			.dport = PEER_PORT,
			.sport = OUR_PORT,
			.iss = OUR_ISN,
			.irs = peer_isn,
			.win = (uint16_t)peer_isn,
			.mss = (uint16_t)(peer_isn >> 16),
		};

		if (tcp_adopt(st, &h, OUR_PORT + 1, OUR_ISN, peer_mac, NULL,
			      now) == NULL)
			abort();
	} else if (tcp_connect(st, PEER_IP, PEER_PORT, OUR_PORT, OUR_ISN,
			       peer_mac, NULL, now) == NULL) {
		abort();
	}
	data += size >= 4 ? 4 : size;
	size -= size >= 4 ? 4 : size;
	while ((used = next_seg(&s, data, size)) > 0) {
		flen = tcpfix_frame(frame, &s);
		if (pkt_parse(frame, flen, &p) == PKT_TCP)
			tcp_input(st, &p, now);
		/* Time moves on between segments: timers fire in between. */
		now += (uint64_t)((s.win >> 8) & 0x3f) * 50;
		tcp_tick(st, now);
		data += used;
		size -= used;
	}
	tcp_tick(st, now + 60000);
	tcp_stack_free(st, now + 60000);
	return 0;
}
