/* test_vsock.c -- the kernel-socket fallback transport against loopback peers. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netstack/base/util.h"
#include "engine/vscan/vscan_int.h"
#include "tests/unit/harness.h"

/* 127.0.0.1 as vsock_connect takes it. */
#define LOOPBACK4 (&(struct addr){ .family = ADDR_V4, .b = { 127, 0, 0, 1 } })

/* What the transport told one connection, in order. */
struct seen {
	int ev[16];
	int n;
	char data[256];
	size_t len;
};

static void on_event(struct tcp_conn *c, enum tcp_event ev, const uint8_t *data,
		     size_t len, void *user)
{
	struct seen *s = user;

	(void)c;
	if (s->n < 16)
		s->ev[s->n++] = (int)ev;
	if (ev == TCP_EV_DATA && s->len + len < sizeof(s->data)) {
		memcpy(s->data + s->len, data, len);
		s->len += len;
	}
}

/* A listener on 127.0.0.1; its port in *port. */
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

/* A listener on ::1 (-1 where the host has no IPv6 loopback). */
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

/* Polls until the connection has seen ev (or about 2 s passed). */
static int wait_for(struct vsock *k, struct seen *s, int ev)
{
	for (int i = 0; i < 200; i++) {
		for (int j = 0; j < s->n; j++)
			if (s->ev[j] == ev)
				return 1;
		vsock_poll(k, 10, vs_now_ms());
	}
	return 0;
}

int main(void)
{
	char err[128];
	struct vsock *k =
		vsock_new(16, NULL, 1000, 0, on_event, err, sizeof(err));

	CASE("banner, a probe's payload both ways, EOF, one CLOSED")
	{
		struct seen s = { 0 };
		uint16_t port = 0;
		int l = listener(&port), a;
		void *c;
		char buf[64];
		ssize_t n;

		CHECK(k != NULL && l >= 0);
		c = vsock_connect(k, LOOPBACK4, port, &s, vs_now_ms());
		CHECK(c != NULL);
		CHECK(wait_for(k, &s, TCP_EV_CONNECTED));
		a = accept(l, NULL, NULL);
		CHECK(a >= 0);
		CHECK(write(a, "SSH-2.0-test\r\n", 14) == 14);
		CHECK(wait_for(k, &s, TCP_EV_DATA));
		CHECK(vsock_send(k, c, "GET / HTTP/1.0\r\n\r\n", 18) == 0);
		n = read(a, buf, sizeof(buf));
		CHECK(n == 18 && memcmp(buf, "GET /", 5) == 0);
		close(a);
		CHECK(wait_for(k, &s, TCP_EV_EOF));
		CHECK(s.len == 14 && memcmp(s.data, "SSH-2.0-test", 12) == 0);
		vsock_abort(k, c);
		vsock_abort(k, c); /* twice: still one CLOSED */
		CHECK_EQ_U(s.ev[0], TCP_EV_CONNECTED);
		CHECK_EQ_U(s.ev[s.n - 1], TCP_EV_CLOSED);
		{
			int closed = 0;

			for (int j = 0; j < s.n; j++)
				closed += s.ev[j] == TCP_EV_CLOSED;
			CHECK_EQ_U(closed, 1);
		}
		close(l);
	}

	CASE("a closed port is refused: RESET, then CLOSED on abort")
	{
		struct seen s = { 0 };
		uint16_t port = 0;
		int l = listener(&port);
		void *c;

		close(l); /* nothing listens there now */
		c = vsock_connect(k, LOOPBACK4, port, &s, vs_now_ms());
		CHECK(c != NULL);
		CHECK(wait_for(k, &s, TCP_EV_RESET));
		CHECK(s.n == 1); /* no CONNECTED before it */
		vsock_abort(k, c);
		CHECK_EQ_U(s.ev[s.n - 1], TCP_EV_CLOSED);
	}

	CASE("a silent peer: the lifetime ends it with TIMEOUT")
	{
		struct vsock *brief = vsock_new(4, NULL, 1000, 200, on_event,
						err, sizeof(err));
		struct seen s = { 0 };
		uint16_t port = 0;
		int l = listener(&port);
		void *c;

		c = vsock_connect(brief, LOOPBACK4, port, &s, vs_now_ms());
		CHECK(c != NULL);
		CHECK(wait_for(brief, &s, TCP_EV_CONNECTED));
		CHECK(wait_for(brief, &s, TCP_EV_TIMEOUT));
		vsock_abort(brief, c);
		CHECK_EQ_U(s.ev[s.n - 1], TCP_EV_CLOSED);
		vsock_free(brief);
		close(l);
	}

	CASE("capacity: no more than max connections at once")
	{
		struct vsock *small =
			vsock_new(2, NULL, 1000, 0, on_event, err, sizeof(err));
		struct seen s[3];
		uint16_t port = 0;
		int l = listener(&port);
		void *c[3];

		memset(s, 0, sizeof(s));
		CHECK(small != NULL && vsock_capacity(small) == 2);
		for (int i = 0; i < 3; i++)
			c[i] = vsock_connect(small, LOOPBACK4, port, &s[i],
					     vs_now_ms());
		CHECK(c[0] && c[1] && c[2] == NULL);
		vsock_abort(small, c[0]);
		c[2] = vsock_connect(small, LOOPBACK4, port, &s[2],
				     vs_now_ms());
		CHECK(c[2] != NULL);
		vsock_free(small);
		close(l);
	}
	vsock_free(k);
	CASE("IPv6: connect to ::1 from a bound ::1 (-S), banner, CLOSED")
	{
		struct addr lo6 = { .family = ADDR_V6, .b = { [15] = 1 } };
		struct vsock *k6 =
			vsock_new(4, &lo6, 1000, 0, on_event, err, sizeof(err));
		struct seen s = { 0 };
		struct sockaddr_in6 peer;
		socklen_t pl = sizeof(peer);
		uint16_t port = 0;
		int l = listener6(&port), a = -1;
		void *c = NULL;

		CHECK(k6 != NULL && l >= 0);
		if (k6 && l >= 0)
			c = vsock_connect(k6, &lo6, port, &s, vs_now_ms());
		CHECK(c != NULL);
		if (c) {
			CHECK(wait_for(k6, &s, TCP_EV_CONNECTED));
			a = accept(l, (struct sockaddr *)&peer, &pl);
			CHECK(a >= 0 && peer.sin6_family == AF_INET6 &&
			      IN6_IS_ADDR_LOOPBACK(&peer.sin6_addr));
			CHECK(a >= 0 && write(a, "220 ok\r\n", 8) == 8);
			CHECK(wait_for(k6, &s, TCP_EV_DATA));
			CHECK(s.len == 8 && memcmp(s.data, "220 ok", 6) == 0);
			vsock_abort(k6, c);
			CHECK_EQ_U(s.ev[s.n - 1], TCP_EV_CLOSED);
		}
		if (a >= 0)
			close(a);
		if (l >= 0)
			close(l);
		vsock_free(k6);
	}
	return DONE();
}
