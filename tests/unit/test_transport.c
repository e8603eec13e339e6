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
static const struct addr lab = { .family = ADDR_V4,
				  .b = { 198, 18, 0, 2 } };

static int events_after_free;
static int freed;

static void on_event(struct tcp_conn *c, enum tcp_event ev,
		     const uint8_t *data, size_t len, void *user)
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

int main(void)
{
	char err[128];
	struct vs_transport_cfg cfg = { .max_conns = 16, .connect_ms = 1000,
					.event = on_event };
	struct vs_transport *t = vs_transport_sockets(&cfg, NULL, err,
						      sizeof(err));

	CASE("sockets: every operation, the kernel routes")
	{
		CHECK(t != NULL);
		if (t == NULL)
			break;
		CHECK(complete(t->ops));
		CHECK_STR(t->ops->name, "kernel sockets");
		CHECK(!t->ops->needs_mac);
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
		c = t->ops->open(t, &lo, port, NULL, &s,
				 vs_now_ms());
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
		c = t->ops->open(t, &lo, port, NULL, &s,
				 vs_now_ms());
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
		c = b->ops->open(b, &lo, port, NULL, &s,
				 vs_now_ms());
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
			c[i] = b->ops->open(b, &lo, port, NULL,
					    &s[i], vs_now_ms());
		CHECK(c[0] && c[1] && c[2] == NULL);
		b->ops->abort(b, c[0], vs_now_ms());
		c[2] = b->ops->open(b, &lo, port, NULL, &s[2],
				    vs_now_ms());
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
		CHECK(u->ops->open(u, &lab, 80, NULL, &s,
				   vs_now_ms()) == NULL);
		CHECK(s.n == 0);
		u->ops->free(u, vs_now_ms());
	}
	if (t)
		t->ops->free(t, vs_now_ms());
	return DONE();
}
