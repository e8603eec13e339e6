/* vscan_utcp.c -- -sV's transport over fathom's userspace TCP. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/uio.h>

#include "engine/sweep/handoff.h"
#include "engine/vscan/transport.h"
#include "engine/vscan/vscan_int.h"
#include "netstack/base/util.h"
#include "netstack/packet.h"
#include "netstack/pktio.h"

struct utcp {
	struct vs_transport tr;
	struct tcp_stack *tcp;
	struct pktio *io; /* NULL in unit tests: frames go to sink */
	int (*sink)(void *arg, const uint8_t *frame, size_t len);
	void *sink_arg;
	struct addr src;     /* frames to other addresses are not ours */
	uint16_t next_port;  /* source ports rotate through fathom's range */
	uint16_t next_sport; /* open_sport's cursor (a reserved range) */
	uint64_t rng;
	size_t max_conns;
	/* One pass (vs_utcp_onepass): the sweep's handshakes, or NULL. */
	struct handoffs *ho;
	int debug;
	size_t adopted, fell_back, too_old, unused;
	void (*event)(struct tcp_conn *c, enum tcp_event ev,
		      const uint8_t *data, size_t len, void *user);
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
		      int (*sink)(void *arg, const uint8_t *frame, size_t len),
		      void *arg)
{
	struct utcp *u = t->impl;

	u->sink = sink;
	u->sink_arg = arg;
}

/* The next of fathom's -sV source ports, in turn. */
static uint16_t next_sport(struct utcp *u)
{
	uint16_t sport = u->next_port++;

	if (u->next_port > VS_PORT_HI)
		u->next_port = VS_PORT_LO;
	return sport;
}

/*
 * One pass: the sweep's handshake for addr:port, if it kept one, adopted
 * (a fallback port of ours reserved with it); NULL: open afresh. One
 * too old to trust is reset instead: a middlebox may have forgotten it
 * and would drop our ACK without a word.
 */
static void *adopt(struct utcp *u, const struct addr *addr, uint16_t port,
		   const uint8_t *mac, void *user, uint64_t now)
{
	struct handoff_entry e;
	void *c = NULL;

	if (!handoffs_take(u->ho, addr, port, &e))
		return NULL;
	if (now > e.at_ms + VS_ONEPASS_MAX_AGE_MS) {
		u->too_old++;
		tcp_handoff_reset(u->tcp, &e.h, mac);
		return NULL;
	}
	for (int tries = 0; tries < 64 && c == NULL; tries++)
		c = tcp_adopt(u->tcp, &e.h, next_sport(u), rnd32(u), mac, user,
			      now);
	if (c == NULL)
		tcp_handoff_reset(u->tcp, &e.h, mac);
	else
		u->adopted++;
	return c;
}

static void *utcp_open(struct vs_transport *t, const struct addr *addr,
		       uint16_t port, const uint8_t *mac, void *user,
		       uint64_t now)
{
	struct utcp *u = t->impl;
	void *c = NULL;

	/* Frames of its own need the next hop; one family a run. */
	if (mac == NULL || addr_is_v6(addr) != addr_is_v6(&u->src))
		return NULL;
	if (u->ho && (c = adopt(u, addr, port, mac, user, now)) != NULL)
		return c;
	/* A free 4-tuple: ports rotate through fathom's range. */
	for (int tries = 0; tries < 64 && c == NULL; tries++)
		c = tcp_connect_addr(u->tcp, addr, port, next_sport(u),
				     rnd32(u), mac, user, now);
	return c;
}

uint16_t vs_sport_next(uint16_t *cursor, uint16_t lo, uint16_t hi)
{
	uint32_t span = (uint32_t)hi - lo + 1;
	uint16_t sport = *cursor >= lo && *cursor <= hi
				 ? *cursor
				 : (uint16_t)(lo + *cursor % span);

	*cursor = sport == hi ? lo : (uint16_t)(sport + 1);
	return sport;
}

/*
 * A probe's own source range (fathom-sourceports): one cursor walks it,
 * so parallel connections take distinct ports and a port is reused only
 * after the whole range (the peer's TIME_WAIT for it has had time to
 * end); a 4-tuple still in use (tcp_connect_addr refuses it) is
 * skipped. Never adopts the sweep's handshake: its port is the sweep's.
 */
static void *utcp_open_sport(struct vs_transport *t, const struct addr *addr,
			     uint16_t port, uint16_t lo, uint16_t hi,
			     const uint8_t *mac, void *user, uint64_t now)
{
	struct utcp *u = t->impl;
	uint32_t span = (uint32_t)hi - lo + 1;
	void *c = NULL;

	if (mac == NULL || lo == 0 || hi < lo ||
	    addr_is_v6(addr) != addr_is_v6(&u->src))
		return NULL;
	for (uint32_t tries = 0; tries < span && c == NULL; tries++) {
		uint16_t sport = vs_sport_next(&u->next_sport, lo, hi);

		c = tcp_connect_addr(u->tcp, addr, port, sport, rnd32(u), mac,
				     user, now);
	}
	return c;
}

/* Counts the adopted connections that had to open afresh. */
static void on_event(struct tcp_conn *c, enum tcp_event ev, const uint8_t *data,
		     size_t len, void *user)
{
	struct utcp *u = tcp_conn_stack_arg(c);

	if (ev == TCP_EV_CLOSED && tcp_conn_adopted(c) == 2)
		u->fell_back++;
	u->event(c, ev, data, len, user);
}

void vs_utcp_onepass(struct vs_transport *t, struct handoffs *ho, int debug)
{
	struct utcp *u = t->impl;

	u->ho = ho;
	u->debug = debug;
}

uint16_t vs_onepass_port_lo(void)
{
	return SYNSCAN_SPORT_BASE;
}

/* The handshakes no connection took: each peer frees its half-open. */
static void reset_unused(struct utcp *u)
{
	struct handoff_entry e;

	while (u->ho && handoffs_next_left(u->ho, &e)) {
		tcp_handoff_reset(u->tcp, &e.h, e.mac);
		u->unused++;
	}
	if (u->ho && u->debug)
		fprintf(stderr,
			"vscan: one pass: %zu handshakes adopted (%zu of them "
			"opened afresh), %zu too old and %zu unused reset, "
			"%llu over the bound reset by the sweep\n",
			u->adopted, u->fell_back, u->too_old, u->unused,
			(unsigned long long)u->ho->dropped);
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

/*
 * One pass: the handshakes too old to adopt are reset as soon as they
 * are, not when their service starts: the peer frees its slot.
 */
static void reset_old(struct utcp *u, uint64_t now)
{
	struct handoff_entry e;

	if (u->ho == NULL || now < VS_ONEPASS_MAX_AGE_MS)
		return;
	while (handoffs_next_before(u->ho, now - VS_ONEPASS_MAX_AGE_MS, &e)) {
		tcp_handoff_reset(u->tcp, &e.h, e.mac);
		u->too_old++;
	}
}

static void utcp_tick(struct vs_transport *t, uint64_t now)
{
	struct utcp *u = t->impl;

	reset_old(u, now);
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
	reset_unused(u);
	tcp_stack_free(u->tcp, now);
	free(u);
}

static const struct vs_transport_ops utcp_ops = {
	.name = "userspace TCP",
	.needs_mac = 1,
	.open = utcp_open,
	.open_sport = utcp_open_sport,
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
	/*
	 * A reserved range starts anywhere: a run right after another must
	 * not reuse the 4-tuples the daemons (which close first) still hold
	 * in TIME_WAIT.
	 */
	u->next_sport = (uint16_t)rnd32(u);
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
	u->event = vc->event;
	cfg.event = on_event;
	cfg.arg = u;
	u->tcp = tcp_stack_new(&cfg, vs_now_ms());
	return &u->tr;
}
