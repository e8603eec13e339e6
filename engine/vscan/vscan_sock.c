/* vscan_sock.c -- -sV over kernel connect() sockets: the fallback transport. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netstack/base/util.h"
#include "engine/vscan/transport.h"
#include "engine/vscan/vscan_int.h"

/*
 * When fathom can neither own its -S address nor keep the kernel's RSTs
 * off its userspace connections (no nft, or nft refused), the probes go
 * through ordinary non-blocking sockets and one epoll set. Same events
 * and the same contract as netstack/tcp.h, so vscan.c's matcher logic is
 * shared: exactly one TCP_EV_CLOSED per connection, delivered by
 * vsock_abort() (vscan aborts every connection it has concluded).
 */
#define VSOCK_EVENTS 256
#define VSOCK_READ 16384
#define VSOCK_TX_CAP (64 * 1024)
#define VSOCK_SCAN_MS 50 /* how often deadlines are checked */

struct vconn {
	int fd;
	void *user;
	int connected, dead, quiet; /* quiet: no more events wanted */
	uint64_t deadline;          /* connect, then lifetime */
	uint8_t *out;               /* bytes the socket did not take yet */
	size_t outlen;
	size_t slot; /* index in all[] */
	struct vconn *next_dead;
};

struct vsock {
	int ep;
	size_t max;
	struct addr saddr; /* when have_saddr */
	int have_saddr;
	uint32_t connect_ms, life_ms;
	void (*event)(struct tcp_conn *, enum tcp_event, const uint8_t *,
		      size_t, void *);
	struct vconn **all;
	size_t n;
	struct vconn *dead;
	uint64_t last_scan;
};

struct vsock *vsock_new(size_t max_conns, const struct addr *saddr,
			uint32_t connect_ms, uint32_t life_ms,
			void (*event)(struct tcp_conn *, enum tcp_event,
				      const uint8_t *, size_t, void *),
			char *err, size_t errlen)
{
	struct vsock *k;
	struct rlimit rl;

	/* One descriptor per connection: take what the hard limit allows. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur > 128 &&
		    max_conns > rl.rlim_cur - 64)
			max_conns = rl.rlim_cur - 64;
	}
	k = xcalloc(1, sizeof(*k));
	k->ep = epoll_create1(EPOLL_CLOEXEC);
	if (k->ep < 0) {
		snprintf(err, errlen, "epoll: %s", strerror(errno));
		free(k);
		return NULL;
	}
	k->max = max_conns;
	if (saddr) {
		k->saddr = *saddr;
		k->have_saddr = 1;
	}
	k->connect_ms = connect_ms;
	k->life_ms = life_ms;
	k->event = event;
	k->all = xcalloc(max_conns ? max_conns : 1, sizeof(*k->all));
	return k;
}

size_t vsock_capacity(const struct vsock *k)
{
	return k->max;
}

static void reap_dead(struct vsock *k)
{
	while (k->dead) {
		struct vconn *c = k->dead;

		k->dead = c->next_dead;
		free(c->out);
		free(c);
	}
}

void vsock_free(struct vsock *k)
{
	if (k == NULL)
		return;
	for (size_t i = 0; i < k->n; i++) {
		close(k->all[i]->fd);
		free(k->all[i]->out);
		free(k->all[i]);
	}
	reap_dead(k);
	close(k->ep);
	free(k->all);
	free(k);
}

static void watch(struct vsock *k, struct vconn *c)
{
	struct epoll_event ev = { .data.ptr = c };

	if (!c->quiet)
		ev.events = c->connected ? EPOLLIN : EPOLLOUT;
	if (c->outlen)
		ev.events |= EPOLLOUT;
	epoll_ctl(k->ep, EPOLL_CTL_MOD, c->fd, &ev);
}

void *vsock_connect(struct vsock *k, const struct addr *addr, uint16_t port,
		    void *user, uint64_t now)
{
	struct sockaddr_storage to;
	socklen_t tolen = (socklen_t)addr_to_sockaddr(
		addr, port, (struct sockaddr *)&to, sizeof(to));
	struct epoll_event ev = { .events = EPOLLOUT };
	struct vconn *c;
	int fd;

	if (k->n >= k->max)
		return NULL;
	fd = socket(addr_is_v6(addr) ? AF_INET6 : AF_INET,
		    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	if (k->have_saddr) {
		struct sockaddr_storage from;
		socklen_t fromlen = (socklen_t)addr_to_sockaddr(
			&k->saddr, 0, (struct sockaddr *)&from, sizeof(from));

		if (bind(fd, (struct sockaddr *)&from, fromlen) < 0) {
			close(fd);
			return NULL;
		}
	}
	if (connect(fd, (struct sockaddr *)&to, tolen) < 0 &&
	    errno != EINPROGRESS) {
		close(fd);
		return NULL;
	}
	c = xcalloc(1, sizeof(*c));
	c->fd = fd;
	c->user = user;
	c->deadline = now + k->connect_ms;
	ev.data.ptr = c;
	if (epoll_ctl(k->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
		close(fd);
		free(c);
		return NULL;
	}
	c->slot = k->n;
	k->all[k->n++] = c;
	return c;
}

/* Delivers one event and stops watching the connection after it. */
static void end_with(struct vsock *k, struct vconn *c, enum tcp_event ev)
{
	c->quiet = 1;
	watch(k, c);
	k->event(NULL, ev, NULL, 0, c->user);
}

static void flush_out(struct vsock *k, struct vconn *c)
{
	while (c->outlen) {
		ssize_t w = send(c->fd, c->out, c->outlen, MSG_NOSIGNAL);

		if (w < 0) {
			if (errno != EAGAIN && errno != EINTR)
				c->outlen = 0; /* the read side reports it */
			break;
		}
		memmove(c->out, c->out + w, c->outlen - (size_t)w);
		c->outlen -= (size_t)w;
	}
	watch(k, c);
}

int vsock_send(struct vsock *k, void *conn, const void *d, size_t n)
{
	struct vconn *c = conn;

	if (c->dead || c->outlen + n > VSOCK_TX_CAP)
		return -1;
	c->out = xrealloc(c->out, c->outlen + n ? c->outlen + n : 1);
	memcpy(c->out + c->outlen, d, n);
	c->outlen += n;
	if (c->connected)
		flush_out(k, c);
	return 0;
}

void vsock_abort(struct vsock *k, void *conn)
{
	struct vconn *c = conn;
	struct linger lg = { 1, 0 };

	if (c == NULL || c->dead)
		return;
	c->dead = 1;
	/* A reset, as fathom's own stack ends a probe connection. */
	setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(c->fd);
	k->all[c->slot] = k->all[--k->n];
	k->all[c->slot]->slot = c->slot;
	/* Freed after the current batch of epoll events. */
	c->next_dead = k->dead;
	k->dead = c;
	k->event(NULL, TCP_EV_CLOSED, NULL, 0, c->user);
}

static void on_ready(struct vsock *k, struct vconn *c, uint32_t events,
		     uint64_t now)
{
	uint8_t buf[VSOCK_READ];

	if (!c->connected) {
		int e = 0;
		socklen_t el = sizeof(e);

		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &el);
		if (e) {
			end_with(k, c,
				 e == ECONNREFUSED || e == ECONNRESET
					 ? TCP_EV_RESET
					 : TCP_EV_TIMEOUT);
			return;
		}
		c->connected = 1;
		c->deadline = k->life_ms ? now + k->life_ms : 0;
		watch(k, c);
		k->event(NULL, TCP_EV_CONNECTED, NULL, 0, c->user);
		if (!c->dead && c->outlen)
			flush_out(k, c);
		return;
	}
	if ((events & EPOLLOUT) && c->outlen)
		flush_out(k, c);
	if (!(events & (EPOLLIN | EPOLLERR | EPOLLHUP)) || c->quiet)
		return;
	for (int i = 0; i < 4 && !c->dead && !c->quiet; i++) {
		ssize_t r = recv(c->fd, buf, sizeof(buf), 0);

		if (r > 0) {
			k->event(NULL, TCP_EV_DATA, buf, (size_t)r, c->user);
			continue;
		}
		if (r == 0)
			end_with(k, c, TCP_EV_EOF);
		else if (errno == ECONNRESET)
			end_with(k, c, TCP_EV_RESET);
		else if (errno != EAGAIN && errno != EINTR)
			end_with(k, c, TCP_EV_TIMEOUT);
		break;
	}
}

void vsock_poll(struct vsock *k, int timeout_ms, uint64_t now)
{
	struct epoll_event ev[VSOCK_EVENTS];
	int n = epoll_wait(k->ep, ev, VSOCK_EVENTS, timeout_ms);

	/*
	 * Whole batches mean more are ready: take up to 64 batches now
	 * rather than one per turn of the caller's loop (with 10,000
	 * connections one batch a turn falls behind).
	 */
	for (int round = 0; n > 0 && round < 64; round++) {
		now = vs_now_ms();
		for (int i = 0; i < n; i++) {
			struct vconn *c = ev[i].data.ptr;

			if (!c->dead)
				on_ready(k, c, ev[i].events, now);
		}
		if (n < VSOCK_EVENTS)
			break;
		reap_dead(k);
		n = epoll_wait(k->ep, ev, VSOCK_EVENTS, 0);
	}
	now = vs_now_ms();
	if (now - k->last_scan >= VSOCK_SCAN_MS) {
		k->last_scan = now;
		for (size_t i = 0; i < k->n; i++) {
			struct vconn *c = k->all[i];

			if (!c->quiet && c->deadline && now >= c->deadline)
				end_with(k, c, TCP_EV_TIMEOUT);
		}
	}
	reap_dead(k);
}

/* ---- the same through transport.h ---- */

static void *sk_open(struct vs_transport *t, const struct addr *addr,
		     uint16_t port, const uint8_t *mac, void *user,
		     uint64_t now)
{
	(void)mac; /* the kernel routes */
	return vsock_connect(t->impl, addr, port, user, now);
}

static int sk_send(struct vs_transport *t, void *conn, const void *d, size_t n,
		   uint64_t now)
{
	(void)now;
	return vsock_send(t->impl, conn, d, n);
}

static void sk_abort(struct vs_transport *t, void *conn, uint64_t now)
{
	(void)now;
	vsock_abort(t->impl, conn);
}

/* Its deadlines are checked by vsock_poll, in wait(). */
static void sk_tick(struct vs_transport *t, uint64_t now)
{
	(void)t, (void)now;
}

/*
 * Nothing to take between bursts: the kernel queues each socket's
 * bytes, there is no shared ring to overflow.
 */
static void sk_drain(struct vs_transport *t)
{
	(void)t;
}

static void sk_wait(struct vs_transport *t, int max_ms)
{
	vsock_poll(t->impl, max_ms, vs_now_ms());
}

static size_t sk_capacity(const struct vs_transport *t)
{
	return vsock_capacity(t->impl);
}

static void sk_free(struct vs_transport *t, uint64_t now)
{
	(void)now;
	if (t == NULL)
		return;
	vsock_free(t->impl);
	free(t);
}

static const struct vs_transport_ops sk_ops = {
	.name = "kernel sockets",
	.needs_mac = 0,
	.open = sk_open,
	.send = sk_send,
	.abort = sk_abort,
	.tick = sk_tick,
	.drain = sk_drain,
	.wait = sk_wait,
	.capacity = sk_capacity,
	.free = sk_free,
};

struct vs_transport *vs_transport_sockets(const struct vs_transport_cfg *cfg,
					  const struct addr *saddr, char *err,
					  size_t errlen)
{
	struct vsock *k = vsock_new(cfg->max_conns, saddr, cfg->connect_ms,
				    cfg->life_ms, cfg->event, err, errlen);
	struct vs_transport *t;

	if (k == NULL)
		return NULL;
	t = xcalloc(1, sizeof(*t));
	t->ops = &sk_ops;
	t->impl = k;
	return t;
}
