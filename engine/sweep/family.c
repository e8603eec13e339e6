/* family.c -- a probe's family half: target, next hop, cookie, patch. */
#include "engine/sweep/synscan_int.h"

#include <netinet/in.h>
#include <stdatomic.h>

#include "engine/cli/targetfile.h"

/*
 * One function per family, picked once per run (sweep_pick_family), so
 * the send loop makes one indirect call per probe and never asks which
 * family it is sending. The IPv4 one keeps targets as host-order
 * integers end to end: no struct addr is built for a probe.
 */

static const uint8_t zero_mac[6]; /* --dry-run: nothing is resolved */

/* Which module a slot belongs to: TCP slots first, then UDP (-sU). */
static inline int slot_mod(const struct sweep *w, uint64_t pi)
{
	return pi >= w->ntcp;
}

static inline void count(_Atomic uint64_t *c)
{
	atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
}

/*
 * TCP probes of pass k leave from the cookie's port rotated by k
 * (passes.h): a peer still holding the 4-tuple of a lost exchange
 * half-open answers a new one at once. -sU keeps the cookie's port.
 */
static inline uint16_t rotate(const struct sweep *w, int m, uint16_t sport)
{
	if (w->mod[m]->proto != IPPROTO_TCP)
		return sport;
	return sweep_sport_at(sport, w->sport_base, w->sport_count,
			      w->send_pass);
}

/* Next-hop MAC for an IPv4 target, or NULL (counted) when there is none. */
static const uint8_t *nexthop4(struct sweep *w, uint32_t addr)
{
	uint32_t gw;
	const uint8_t *mac;

	if (w->o->dry_run)
		return zero_mac;
	if (route_table_nexthop(&w->rt, addr, &gw) < 0) {
		count(&w->noroute);
		return NULL;
	}
	mac = neigh_get(w->s->neigh, gw ? gw : addr);
	if (mac == NULL)
		count(&w->unresolved);
	return mac;
}

static const uint8_t *nexthop6(struct sweep *w, const struct addr *addr)
{
	struct addr gw;
	const uint8_t *mac;

	if (w->o->dry_run)
		return zero_mac;
	if (route_table6_nexthop(&w->rt6, addr, &gw) < 0) {
		count(&w->noroute);
		return NULL;
	}
	mac = neigh_get_addr(w->s->neigh, gw.family ? &gw : addr);
	if (mac == NULL)
		count(&w->unresolved);
	return mac;
}

static size_t probe4(struct sweep *w, uint64_t ti, uint64_t pi, uint8_t *out,
		     uint16_t ipid)
{
	const struct scan_opts *o = w->o;
	int m = slot_mod(w, pi);
	uint16_t port = w->ports[pi];
	uint32_t addr = targets_at_v4(o->targets, ti);
	const uint8_t *mac;
	struct cookie c;

	/* -iL host:port: this host is scanned on its own ports. */
	if (o->pairs) {
		struct addr ta = addr_from_v4(addr);

		if (!pairs_wanted(o->pairs, &ta, port))
			return 0;
	}
	mac = nexthop4(w, addr);
	if (mac == NULL)
		return 0;
	c = cookie_make(&w->key, w->tmpl[m].saddr4, addr, port,
			w->mod[m]->proto, w->sport_base, w->sport_count);
	c.sport = rotate(w, m, c.sport);
	return w->mod[m]->patch4(&w->tmpl[m], out, mac, addr, port, c, ipid);
}

static size_t probe6(struct sweep *w, uint64_t ti, uint64_t pi, uint8_t *out,
		     uint16_t ipid)
{
	const struct scan_opts *o = w->o;
	int m = slot_mod(w, pi);
	uint16_t port = w->ports[pi];
	struct addr addr = targets_at(o->targets, ti);
	const uint8_t *mac;
	struct cookie c;

	(void)ipid; /* IPv6 has no IP ID outside fragments */
	if (o->pairs && !pairs_wanted(o->pairs, &addr, port))
		return 0;
	mac = nexthop6(w, &addr);
	if (mac == NULL)
		return 0;
	c = cookie_make_addr(&w->key, &w->tmpl[m].saddr, &addr, port,
			     w->mod[m]->proto, w->sport_base, w->sport_count);
	c.sport = rotate(w, m, c.sport);
	return w->mod[m]->patch6(&w->tmpl[m], out, mac, &addr, port, c);
}

void sweep_pick_family(struct sweep *w)
{
	w->probe = addr_is_v6(&w->s->hop.saddr) ? probe6 : probe4;
}
