/* transport.h -- -sV's connections behind one interface: own TCP, sockets. */
#ifndef FATHOM_VS_TRANSPORT_H
#define FATHOM_VS_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#include "netstack/addr.h"
#include "netstack/route.h"
#include "netstack/tcp.h"

/*
 * vscan's scheduling opens, feeds and ends probe connections through
 * these operations only, so it does not know whether fathom's own TCP
 * (frames over the run's -sV capture: vscan_utcp.c) or the kernel's
 * (non-blocking sockets and epoll: vscan_sock.c) carries them, and a
 * UDP transport can be added beside them. vscan_run.c picks one from
 * the RST-avoidance mode set-up chose.
 *
 * Events reach the caller through the cfg's event callback with
 * netstack/tcp.h's contract, whichever transport: CONNECTED once, then
 * DATA, then at most one of EOF/RESET/TIMEOUT/LIMIT, and exactly one
 * CLOSED per connection that open() returned (or none, for one still
 * open when free() is called).
 * Events are delivered from inside send(), abort(), tick(), drain() and
 * wait(), never from open().
 */

struct vs_transport;

/* What every transport is made with. */
struct vs_transport_cfg {
	size_t max_conns;    /* connections open at once, at most */
	uint32_t connect_ms; /* a handshake longer than this: TIMEOUT */
	uint32_t life_ms;    /* a connection older than this: TIMEOUT
				 (0: no limit) */
	void (*event)(struct tcp_conn *c, enum tcp_event ev,
		      const uint8_t *data, size_t len, void *user);
};

/*
 * Starts a connection to addr:port (host order); mac is the next hop's
 * (NULL when unknown: a transport that needs it refuses). user comes
 * back with every event. Returns the connection, or NULL when none can
 * be opened now (out of ports, slots or descriptors).
 */
typedef void *vs_tr_open_fn(struct vs_transport *t, const struct addr *addr,
			    uint16_t port, const uint8_t *mac, void *user,
			    uint64_t now);

/*
 * open() from a source port in sport_lo..sport_hi (a probe's
 * fathom-sourceports, probes/servicedb.h), never one a connection of
 * the run holds; consecutive calls take consecutive ports of the range
 * from a random start, so a port comes back only after the whole range
 * has been used (and a new run does not meet the last one's). NULL
 * as open()'s. A transport that cannot choose (kernel sockets, after
 * privileges are dropped: no reserved port) leaves it NULL, and such
 * probes are not sent.
 */
typedef void *vs_tr_open_sport_fn(struct vs_transport *t,
				  const struct addr *addr, uint16_t port,
				  uint16_t sport_lo, uint16_t sport_hi,
				  const uint8_t *mac, void *user, uint64_t now);

/*
 * Queues n bytes on conn (sent once it is connected). Returns 0, or -1
 * when conn is closing or its send queue is full.
 */
typedef int vs_tr_send_fn(struct vs_transport *t, void *conn, const void *d,
			  size_t n, uint64_t now);

/* Ends conn with a reset; its CLOSED is delivered before this returns. */
typedef void vs_tr_abort_fn(struct vs_transport *t, void *conn, uint64_t now);

/* Runs the timers due by now (retransmissions, deadlines). */
typedef void vs_tr_tick_fn(struct vs_transport *t, uint64_t now);

/*
 * Delivers what has arrived, without waiting: called between bursts of
 * opens, so the replies to thousands of SYNs are taken before they
 * overflow a capture ring.
 */
typedef void vs_tr_drain_fn(struct vs_transport *t);

/*
 * Waits up to max_ms (0: not at all) for input or the transport's next
 * timer, and delivers what came: the event loop's one blocking step.
 */
typedef void vs_tr_wait_fn(struct vs_transport *t, int max_ms);

/* Connections it can hold at once (a descriptor limit may cap it). */
typedef size_t vs_tr_capacity_fn(const struct vs_transport *t);

/*
 * Ends every connection still open (a transport may deliver their
 * CLOSED events now: their users must still be valid) and frees t.
 * Accepts NULL.
 */
typedef void vs_tr_free_fn(struct vs_transport *t, uint64_t now);

struct vs_transport_ops {
	const char *name;
	int needs_mac; /* open() needs the next hop's MAC (frames of its own) */
	vs_tr_open_fn *open;
	vs_tr_open_sport_fn *open_sport; /* NULL: cannot choose */
	vs_tr_send_fn *send;
	vs_tr_abort_fn *abort;
	vs_tr_tick_fn *tick;
	vs_tr_drain_fn *drain;
	vs_tr_wait_fn *wait;
	vs_tr_capacity_fn *capacity;
	vs_tr_free_fn *free;
};

/* A transport: its operations and its own state. */
struct vs_transport {
	const struct vs_transport_ops *ops;
	void *impl;
};

struct pktio;

/*
 * fathom's userspace TCP over io (the run's -sV capture, resumed by the
 * caller) from hop's address and MAC, on source ports
 * VS_PORT_LO..VS_PORT_HI (open_sport: the range asked for, which the
 * capture and the guard must cover: vscan_setup).
 */
struct vs_transport *vs_transport_utcp(const struct vs_transport_cfg *cfg,
				       struct pktio *io,
				       const struct route_hop *hop);

struct handoffs;

/*
 * One pass: the utcp transport t opens a port's first connection by
 * adopting the sweep's handshake for it from ho (engine/sweep/handoff.h,
 * tcp_adopt), when one younger than VS_ONEPASS_MAX_AGE_MS is there,
 * and a fresh one otherwise or when the peer has let it go (tcp.h).
 * Older handshakes, and those no connection took by free(), get a RST.
 * With debug, free() prints the counts on stderr. ho must outlive t.
 */
#define VS_ONEPASS_MAX_AGE_MS 10000
void vs_utcp_onepass(struct vs_transport *t, struct handoffs *ho, int debug);

/*
 * The lowest source port -sV's capture and guard cover with one pass:
 * the sweep's (engine/sweep/synscan.h), below -sV's own.
 */
uint16_t vs_onepass_port_lo(void);

/*
 * Kernel sockets, bound to saddr (NULL: the kernel's choice).
 * Returns NULL with err when epoll cannot be had.
 */
struct vs_transport *vs_transport_sockets(const struct vs_transport_cfg *cfg,
					  const struct addr *saddr, char *err,
					  size_t errlen);

#endif
