/* test_transport.c -- -sV's transports through transport.h, on loopback. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engine/vscan/transport.h"
#include "engine/vscan/vscan_int.h"
#include "netstack/base/util.h"
#include "netstack/packet.h"
#include "netstack/tcpseg.h"
#include "tests/unit/harness.h"

/* What the transport told one connection, in order. */
struct seen {
	int ev[16];
	int n;
	char data[256];
	size_t len;
};

/* 127.0.0.1 and a lab address, as the transports take them. */
static const struct addr lo = { .family = ADDR_V4, .b = { 127, 0, 0, 1 } };
static const struct addr lab = { .family = ADDR_V4, .b = { 198, 18, 0, 2 } };

static int events_after_free;
static int freed;

static void on_event(struct tcp_conn *c, enum tcp_event ev, const uint8_t *data,
		     size_t len, void *user)
{
	struct seen *s = user;

	(void)c;
	events_after_free += freed;
	if (s->n < 16)
		s->ev[s->n++] = (int)ev;
	if (ev == TCP_EV_DATA && s->len + len < sizeof(s->data)) {
		memcpy(s->data + s->len, data, len);
		s->len += len;
	}
}

static int listener(uint16_t *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(fd, 8) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &al) < 0)
		return -1;
	*port = ntohs(a.sin_port);
	return fd;
}

/* Steps the transport as vscan's loop does until ev (about 2 s at most). */
static int wait_for(struct vs_transport *t, struct seen *s, int ev)
{
	for (int i = 0; i < 200; i++) {
		for (int j = 0; j < s->n; j++)
			if (s->ev[j] == ev)
				return 1;
		t->ops->tick(t, vs_now_ms());
		t->ops->drain(t);
		t->ops->wait(t, 10);
	}
	return 0;
}

static int count(const struct seen *s, int ev)
{
	int k = 0;

	for (int j = 0; j < s->n; j++)
		k += s->ev[j] == ev;
	return k;
}

static int complete(const struct vs_transport_ops *o)
{
	return o->name && o->open && o->send && o->abort && o->tick &&
	       o->drain && o->wait && o->capacity && o->free;
}

/* The frames the userspace transport sent (its sink, with no capture). */
struct wire {
	uint8_t last[2048];
	size_t len;
	int n;
};

static int sink(void *arg, const uint8_t *frame, size_t len)
{
	struct wire *w = arg;

	if (len <= sizeof(w->last)) {
		memcpy(w->last, frame, len);
		w->len = len;
	}
	w->n++;
	return 0;
}

static const uint8_t us_mac[6] = { 2, 0x66, 0x78, 0, 0, 2 };
static const uint8_t svc_mac[6] = { 2, 0x66, 0x78, 0, 0, 0x10 };

static struct addr A6(const char *s) {
	struct addr a = { 0 };

	if (addr_parse(s, &a) != 0)
		printf("#   bad test address %s\n", s);
	return a;
}

/* A segment from peer:sport to to:dport, fed as the capture would. */
static void
feed(struct vs_transport *u, const struct addr *peer, const struct addr *to,
     uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
     const char *data)
{
	uint8_t f[256];
	struct tcpseg s = {
		.smac = svc_mac,
		.dmac = us_mac,
		.saddr = *peer,
		.daddr = *to,
		.sport = sport,
		.dport = dport,
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

	if (n)
		vs_utcp_feed(u, f, n);
}

/*
 * fathom's TCP over IPv6 through transport.h: SYN from the hop's IPv6
 * address with the IPv6 MSS, handshake, bytes both ways, frames to other
 * addresses ignored, RST and one CLOSED on abort.
 */
static void utcp6(const struct vs_transport_cfg *cfg)
{
	CASE("userspace TCP over IPv6: SYN, handshake, data, abort")
	{
		struct addr us = A6("fd5a:7a6f:1ab0:1::2"),
			    svc = A6("fd5a:7a6f:1ab0:1::10"),
			    other = A6("fd5a:7a6f:1ab0:1::3");
		struct route_hop hop;
		struct vs_transport *u;
		struct wire w = { 0 };
		struct seen s = { 0 };
		struct pkt_info p;
		uint16_t sport;
		uint32_t isn;
		void *c;

		memset(&hop, 0, sizeof(hop));
		hop.src = 0xc6120002; /* the interface's IPv4 address too */
		hop.saddr = us;
		memcpy(hop.if_mac, us_mac, 6);
		u = vs_transport_utcp(cfg, NULL, &hop);
		vs_utcp_set_sink(u, sink, &w);
		/* One family a run: no IPv4 connection from an IPv6 hop. */
		CHECK(u->ops->open(u, &lab, 80, svc_mac, &s, vs_now_ms()) ==
		      NULL);
		c = u->ops->open(u, &svc, 22, svc_mac, &s, vs_now_ms());
		CHECK(c != NULL && w.n == 1 && s.n == 0);
		if (c == NULL || w.n != 1) {
			u->ops->free(u, vs_now_ms());
			break;
		}
		CHECK(pkt_parse(w.last, w.len, &p) == PKT_TCP);
		CHECK_EQ_U(p.ip.ver, 6);
		CHECK(addr_eq(&p.ip.saddr, &us) && addr_eq(&p.ip.daddr, &svc));
		CHECK(memcmp(p.eth_dst, svc_mac, 6) == 0);
		CHECK_EQ_U(p.tcp.flags, PKT_SYN);
		CHECK_EQ_U(p.tcp.dport, 22);
		CHECK(p.tcp.sport >= VS_PORT_LO && p.tcp.sport <= VS_PORT_HI);
		CHECK_EQ_U(tcpseg_find_mss(p.tcp.opts, p.tcp.optlen), 1440);
		sport = p.tcp.sport;
		isn = p.tcp.seq;
		feed(u, &svc, &us, 22, sport, 9000, isn + 1, PKT_SYN | PKT_ACK,
		     NULL);
		CHECK(s.n == 1 && s.ev[0] == TCP_EV_CONNECTED);
		CHECK(u->ops->send(u, c, "HELP\r\n", 6, vs_now_ms()) == 0);
		CHECK(pkt_parse(w.last, w.len, &p) == PKT_TCP &&
		      p.payload_len == 6 && memcmp(p.payload, "HELP", 4) == 0);
		/* Addressed to someone else: not this connection's. */
		feed(u, &svc, &other, 22, sport, 9001, isn + 7, PKT_ACK,
		     "bogus\r\n");
		CHECK_EQ_U(s.len, 0);
		feed(u, &svc, &us, 22, sport, 9001, isn + 7, PKT_ACK | PKT_PSH,
		     "SSH-2.0-lab\r\n");
		CHECK(s.len == 13 && memcmp(s.data, "SSH-2.0-lab", 11) == 0);
		u->ops->abort(u, c, vs_now_ms());
		CHECK(pkt_parse(w.last, w.len, &p) == PKT_TCP &&
		      (p.tcp.flags & PKT_RST) && p.ip.ver == 6);
		CHECK_EQ_U(s.ev[s.n - 1], TCP_EV_CLOSED);
		CHECK_EQ_U(count(&s, TCP_EV_CLOSED), 1);
		u->ops->free(u, vs_now_ms());
	}
}

/* The SYN the userspace transport just sent: its source port, or 0. */
static uint16_t syn_sport(const struct wire *w)
{
	struct pkt_info p;

	if (pkt_parse(w->last, w->len, &p) != PKT_TCP || p.tcp.flags != PKT_SYN)
		return 0;
	return p.tcp.sport;
}

/*
 * A probe's fathom-sourceports range (rshd's trust rule): the cursor
 * walks the range, parallel connections never share a 4-tuple, a full
 * range refuses, and kernel sockets cannot choose at all.
 */
static void utcp_sport(const struct vs_transport_cfg *cfg)
{
	CASE("reserved source ports: distinct in the range, then none")
	{
		struct addr svc = { .family = ADDR_V4,
				    .b = { 198, 18, 0, 41 } };
		uint16_t cur = 0, seen[4] = { 0 };
		struct route_hop hop;
		struct vs_transport *u;
		struct wire w = { 0 };
		struct seen s[6] = { 0 };
		void *c[6];

		CHECK_EQ_U(vs_sport_next(&cur, 512, 514), 512);
		CHECK_EQ_U(vs_sport_next(&cur, 512, 514), 513);
		CHECK_EQ_U(vs_sport_next(&cur, 512, 514), 514);
		CHECK_EQ_U(vs_sport_next(&cur, 512, 514), 512);
		cur = 62100; /* outside: folded into the range */
		CHECK_EQ_U(vs_sport_next(&cur, 600, 600), 600);
		CHECK_EQ_U(vs_sport_next(&cur, 600, 600), 600);
		cur = 1030;
		CHECK_EQ_U(vs_sport_next(&cur, 512, 1023), 518);
		CHECK_EQ_U(vs_sport_next(&cur, 512, 1023), 519);
		cur = 1023;
		CHECK_EQ_U(vs_sport_next(&cur, 512, 1023), 1023);
		CHECK_EQ_U(vs_sport_next(&cur, 512, 1023), 512);

		memset(&hop, 0, sizeof(hop));
		hop.src = 0xc6120002;
		memcpy(hop.if_mac, us_mac, 6);
		u = vs_transport_utcp(cfg, NULL, &hop);
		vs_utcp_set_sink(u, sink, &w);
		CHECK(u->ops->open_sport != NULL);
		for (int i = 0; i < 4; i++) {
			c[i] = u->ops->open_sport(u, &svc, 514, 1020, 1023,
						  svc_mac, &s[i], vs_now_ms());
			seen[i] = syn_sport(&w);
			CHECK(c[i] != NULL && seen[i] >= 1020 &&
			      seen[i] <= 1023);
			for (int j = 0; j < i; j++)
				CHECK(seen[j] != seen[i]);
		}
		/* Every port of the range holds a connection to 514: none. */
		CHECK(u->ops->open_sport(u, &svc, 514, 1020, 1023, svc_mac,
					 &s[4], vs_now_ms()) == NULL);
		CHECK_EQ_U(w.n, 4);
		/* Another peer port is another 4-tuple. */
		c[5] = u->ops->open_sport(u, &svc, 513, 1020, 1023, svc_mac,
					  &s[5], vs_now_ms());
		CHECK(c[5] != NULL && syn_sport(&w) >= 1020 &&
		      syn_sport(&w) <= 1023);
		/* One ends: its port is the one free again. */
		u->ops->abort(u, c[2], vs_now_ms());
		c[4] = u->ops->open_sport(u, &svc, 514, 1020, 1023, svc_mac,
					  &s[4], vs_now_ms());
		CHECK(c[4] != NULL && syn_sport(&w) == seen[2]);
		/* No next hop, or a bad range: nothing sent. */
		CHECK(u->ops->open_sport(u, &svc, 22, 512, 1023, NULL, &s[4],
					 vs_now_ms()) == NULL);
		CHECK(u->ops->open_sport(u, &svc, 22, 0, 0, svc_mac, &s[4],
					 vs_now_ms()) == NULL);
		u->ops->free(u, vs_now_ms());
	}
}

static int listener6(uint16_t *port)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6,
				  .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	socklen_t al = sizeof(a);
	int fd = socket(AF_INET6, SOCK_STREAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(fd, 8) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &al) < 0)
		return -1;
	*port = ntohs(a.sin6_port);
	return fd;
}

/* The socket fallback over IPv6: bound to ::1 as -S would bind it. */
static void sock6(const struct vs_transport_cfg *cfg)
{
	CASE("sockets over IPv6: -S ::1 bound, banner, one CLOSED")
	{
		struct addr lo6 = A6("::1");
		char err[128];
		struct vs_transport *k =
			vs_transport_sockets(cfg, &lo6, err, sizeof(err));
		struct seen s = { 0 };
		struct sockaddr_in6 peer;
		socklen_t pl = sizeof(peer);
		uint16_t port = 0;
		int l = listener6(&port), a = -1;
		void *c;

		/* No IPv6 loopback is a broken test host: fail, not skip. */
		CHECK(k != NULL && l >= 0);
		if (k == NULL || l < 0)
			break;
		c = k->ops->open(k, &lo6, port, NULL, &s, vs_now_ms());
		CHECK(c != NULL && s.n == 0);
		CHECK(wait_for(k, &s, TCP_EV_CONNECTED));
		a = accept(l, (struct sockaddr *)&peer, &pl);
		CHECK(a >= 0 && peer.sin6_family == AF_INET6 &&
		      IN6_IS_ADDR_LOOPBACK(&peer.sin6_addr));
		CHECK(a >= 0 && write(a, "+OK pop\r\n", 9) == 9);
		CHECK(wait_for(k, &s, TCP_EV_DATA));
		CHECK(s.len == 9 && memcmp(s.data, "+OK pop", 7) == 0);
		k->ops->abort(k, c, vs_now_ms());
		CHECK_EQ_U(s.ev[s.n - 1], TCP_EV_CLOSED);
		CHECK_EQ_U(count(&s, TCP_EV_CLOSED), 1);
		if (a >= 0)
			close(a);
		close(l);
		k->ops->free(k, vs_now_ms());
	}
}

int main(void)
{
	char err[128];
	struct vs_transport_cfg cfg = { .max_conns = 16,
					.connect_ms = 1000,
					.event = on_event };
	struct vs_transport *t =
		vs_transport_sockets(&cfg, NULL, err, sizeof(err));

	CASE("sockets: every operation, the kernel routes")
	{
		CHECK(t != NULL);
		if (t == NULL)
			break;
		CHECK(complete(t->ops));
		CHECK_STR(t->ops->name, "kernel sockets");
		CHECK(!t->ops->needs_mac);
		/* No reserved ports after the drop: such probes are skipped. */
		CHECK(t->ops->open_sport == NULL);
		CHECK_EQ_U(t->ops->capacity(t), 16);
	}

	CASE("sockets: banner, payload both ways, EOF, one CLOSED")
	{
		struct seen s = { 0 };
		uint16_t port = 0;
		int l = listener(&port), a = -1;
		void *c;
		char buf[64];

		CHECK(t != NULL && l >= 0);
		if (t == NULL || l < 0)
			break;
		/* No MAC: the kernel finds the next hop itself. */
		c = t->ops->open(t, &lo, port, NULL, &s, vs_now_ms());
		CHECK(c != NULL);
		CHECK(s.n == 0); /* nothing from inside open() */
		CHECK(wait_for(t, &s, TCP_EV_CONNECTED));
		a = accept(l, NULL, NULL);
		CHECK(a >= 0);
		CHECK(write(a, "220 ready\r\n", 11) == 11);
		CHECK(wait_for(t, &s, TCP_EV_DATA));
		CHECK(t->ops->send(t, c, "HELP\r\n", 6, vs_now_ms()) == 0);
		CHECK(read(a, buf, sizeof(buf)) == 6 &&
		      memcmp(buf, "HELP\r\n", 6) == 0);
		close(a);
		CHECK(wait_for(t, &s, TCP_EV_EOF));
		CHECK(s.len == 11 && memcmp(s.data, "220 ready", 9) == 0);
		t->ops->abort(t, c, vs_now_ms());
		CHECK_EQ_U(s.ev[0], TCP_EV_CONNECTED);
		CHECK_EQ_U(s.ev[s.n - 1], TCP_EV_CLOSED);
		CHECK_EQ_U(count(&s, TCP_EV_CLOSED), 1);
		close(l);
	}

	CASE("sockets: a refused port is RESET, then CLOSED on abort")
	{
		struct seen s = { 0 };
		uint16_t port = 0;
		int l = listener(&port);
		void *c;

		CHECK(t != NULL && l >= 0);
		if (t == NULL || l < 0)
			break;
		close(l);
		c = t->ops->open(t, &lo, port, NULL, &s, vs_now_ms());
		CHECK(c != NULL);
		CHECK(wait_for(t, &s, TCP_EV_RESET));
		CHECK_EQ_U(count(&s, TCP_EV_CONNECTED), 0);
		t->ops->abort(t, c, vs_now_ms());
		CHECK_EQ_U(s.ev[s.n - 1], TCP_EV_CLOSED);
		CHECK_EQ_U(count(&s, TCP_EV_CLOSED), 1);
	}

	CASE("sockets: the lifetime ends a silent peer with TIMEOUT")
	{
		struct vs_transport_cfg brief = cfg;
		struct vs_transport *b;
		struct seen s = { 0 };
		uint16_t port = 0;
		int l = listener(&port);
		void *c;

		brief.life_ms = 200;
		b = vs_transport_sockets(&brief, NULL, err, sizeof(err));
		CHECK(b != NULL && l >= 0);
		if (b == NULL || l < 0)
			break;
		c = b->ops->open(b, &lo, port, NULL, &s, vs_now_ms());
		CHECK(wait_for(b, &s, TCP_EV_CONNECTED));
		CHECK(wait_for(b, &s, TCP_EV_TIMEOUT));
		b->ops->abort(b, c, vs_now_ms());
		CHECK_EQ_U(s.ev[s.n - 1], TCP_EV_CLOSED);
		b->ops->free(b, vs_now_ms());
		close(l);
	}

	CASE("sockets: no more than capacity at once; free() says nothing")
	{
		struct vs_transport_cfg two = cfg;
		struct vs_transport *b;
		struct seen s[3];
		uint16_t port = 0;
		int l = listener(&port);
		void *c[3];

		memset(s, 0, sizeof(s));
		two.max_conns = 2;
		b = vs_transport_sockets(&two, NULL, err, sizeof(err));
		CHECK(b != NULL && l >= 0);
		if (b == NULL || l < 0)
			break;
		CHECK_EQ_U(b->ops->capacity(b), 2);
		for (int i = 0; i < 3; i++)
			c[i] = b->ops->open(b, &lo, port, NULL, &s[i],
					    vs_now_ms());
		CHECK(c[0] && c[1] && c[2] == NULL);
		b->ops->abort(b, c[0], vs_now_ms());
		c[2] = b->ops->open(b, &lo, port, NULL, &s[2], vs_now_ms());
		CHECK(c[2] != NULL);
		freed = 1;
		b->ops->free(b, vs_now_ms()); /* c[1], c[2] still open */
		freed = 0;
		CHECK_EQ_U(events_after_free, 0);
		close(l);
	}

	CASE("userspace TCP: every operation; no MAC, no connection")
	{
		struct route_hop hop;
		struct vs_transport *u;
		struct seen s = { 0 };

		memset(&hop, 0, sizeof(hop));
		hop.src = 0xc6120001; /* 198.18.0.1: nothing is sent */
		u = vs_transport_utcp(&cfg, NULL, &hop);
		CHECK(u != NULL && complete(u->ops));
		if (u == NULL)
			break;
		CHECK_STR(u->ops->name, "userspace TCP");
		CHECK(u->ops->needs_mac);
		CHECK_EQ_U(u->ops->capacity(u), 16);
		CHECK(u->ops->open(u, &lab, 80, NULL, &s, vs_now_ms()) == NULL);
		CHECK(s.n == 0);
		u->ops->free(u, vs_now_ms());
	}
	utcp6(&cfg);
	utcp_sport(&cfg);
	sock6(&cfg);
	if (t)
		t->ops->free(t, vs_now_ms());
	return DONE();
}
