/* vscan_utcp.c -- -sV's transport over fathom's userspace TCP. */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/uio.h>

#include "engine/vscan/transport.h"
#include "engine/vscan/vscan_int.h"
#include "netstack/base/util.h"
#include "netstack/packet.h"
#include "netstack/pktio.h"

struct utcp {
	struct vs_transport tr;
	struct tcp_stack *tcp;
	struct pktio *io;   /* NULL in unit tests: frames go to sink */
	int (*sink)(void *arg, const uint8_t *frame, size_t len);
	void *sink_arg;
	struct addr src;    /* frames to other addresses are not ours */
	uint16_t next_port; /* source ports rotate through fathom's range */
	uint64_t rng;
	size_t max_conns;
};

static uint32_t rnd32(struct utcp *u)
{
	u->rng ^= u->rng << 13;
	u->rng ^= u->rng >> 7;
	u->rng ^= u->rng << 17;
	return (uint32_t)(u->rng >> 16);
}

static int xmit(void *arg, const uint8_t *frame, size_t len)
{
	struct utcp *u = arg;
	struct iovec iov = { (void *)frame, len };

	if (u->io == NULL)
		return u->sink ? u->sink(u->sink_arg, frame, len) : -1;
	return pktio_send(u->io, &iov, 1) == 1 ? 0 : -1;
}

static void on_frame(const uint8_t *frame, size_t caplen, uint64_t ts,
		     void *arg)
{
	struct utcp *u = arg;
	struct pkt_info p;

	(void)ts;
	/* Either family: the address the stack sends from is the check. */
	if (pkt_parse(frame, caplen, &p) != PKT_TCP ||
	    !addr_eq(&p.ip.daddr, &u->src))
		return;
	tcp_input(u->tcp, &p, vs_now_ms());
}

void vs_utcp_feed(struct vs_transport *t, const uint8_t *frame, size_t len)
{
	on_frame(frame, len, 0, t->impl);
}

void vs_utcp_set_sink(struct vs_transport *t,
		      int (*sink)(void *arg, const uint8_t *frame,
				  size_t len),
		      void *arg)
{
	struct utcp *u = t->impl;

	u->sink = sink;
	u->sink_arg = arg;
}

static void *utcp_open(struct vs_transport *t, const struct addr *addr,
		       uint16_t port,
		       const uint8_t *mac, void *user, uint64_t now)
{
	struct utcp *u = t->impl;
	void *c = NULL;

	/* Frames of its own need the next hop; one family a run. */
	if (mac == NULL || addr_is_v6(addr) != addr_is_v6(&u->src))
		return NULL;
	/* A free 4-tuple: ports rotate through fathom's range. */
	for (int tries = 0; tries < 64 && c == NULL; tries++) {
		uint16_t sport = u->next_port++;

		if (u->next_port > VS_PORT_HI)
			u->next_port = VS_PORT_LO;
		c = tcp_connect_addr(u->tcp, addr, port, sport, rnd32(u), mac,
				     user, now);
	}
	return c;
}

static int utcp_send(struct vs_transport *t, void *conn, const void *d,
		     size_t n, uint64_t now)
{
	(void)t;
	return tcp_send(conn, d, n, now);
}

static void utcp_abort(struct vs_transport *t, void *conn, uint64_t now)
{
	(void)t;
	tcp_abort(conn, now);
}

static void utcp_tick(struct vs_transport *t, uint64_t now)
{
	struct utcp *u = t->impl;

	tcp_tick(u->tcp, now);
}

static void utcp_drain(struct vs_transport *t)
{
	struct utcp *u = t->impl;

	if (u->io)
		pktio_dispatch(u->io, -1, on_frame, u);
}

static void utcp_wait(struct vs_transport *t, int max_ms)
{
	struct utcp *u = t->impl;
	int64_t wait = tcp_next_timeout(u->tcp, vs_now_ms());

	if (wait < 0 || wait > max_ms)
		wait = max_ms;
	if (u->io == NULL)
		return;
	pktio_wait(u->io, (int)wait);
	pktio_dispatch(u->io, -1, on_frame, u);
}

/* Its table's size: no descriptor per connection to run out of. */
static size_t utcp_capacity(const struct vs_transport *t)
{
	const struct utcp *u = t->impl;

	return u->max_conns;
}

static void utcp_free(struct vs_transport *t, uint64_t now)
{
	struct utcp *u;

	if (t == NULL)
		return;
	u = t->impl;
	tcp_stack_free(u->tcp, now);
	free(u);
}

static const struct vs_transport_ops utcp_ops = {
	.name = "userspace TCP",
	.needs_mac = 1,
	.open = utcp_open,
	.send = utcp_send,
	.abort = utcp_abort,
	.tick = utcp_tick,
	.drain = utcp_drain,
	.wait = utcp_wait,
	.capacity = utcp_capacity,
	.free = utcp_free,
};

struct vs_transport *vs_transport_utcp(const struct vs_transport_cfg *vc,
				       struct pktio *io,
				       const struct route_hop *hop)
{
	struct utcp *u = xcalloc(1, sizeof(*u));
	struct tcp_cfg cfg = { 0 };

	u->tr.ops = &utcp_ops;
	u->tr.impl = u;
	u->io = io;
	u->src = vs_hop_src(hop);
	u->next_port = VS_PORT_LO;
	u->max_conns = vc->max_conns;
	if (getrandom(&u->rng, sizeof(u->rng), 0) != sizeof(u->rng) || !u->rng)
		u->rng = now_ns() | 1;
	/* IPv6 connections advertise 20 bytes less MSS (tcp.h). */
	if (addr_is_v6(&u->src))
		cfg.saddr6 = u->src;
	else
		cfg.saddr = hop->src;
	memcpy(cfg.smac, hop->if_mac, 6);
	cfg.mss = 1460;
	cfg.rcv_wnd = 65535;
	cfg.ttl = 64;
	cfg.max_conns = vc->max_conns;
	cfg.rx_cap = 256 * 1024;
	cfg.reasm_cap = 64 * 1024;
	cfg.tx_cap = 64 * 1024;
	cfg.syn_timeout_ms = vc->connect_ms;
	cfg.rto_min_ms = 200;
	cfg.rto_max_ms = 3000;
	cfg.life_ms = vc->life_ms;
	cfg.xmit = xmit;
	cfg.event = vc->event;
	cfg.arg = u;
	u->tcp = tcp_stack_new(&cfg, vs_now_ms());
	return &u->tr;
}
