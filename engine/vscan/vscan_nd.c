/* vscan_nd.c -- -sV's IPv6 next hops: the routes, and NS for the unknown. */
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "engine/vscan/vscan_int.h"
#include "netstack/base/util.h"
#include "netstack/craft.h"
#include "netstack/neigh.h"
#include "netstack/packet.h"
#include "netstack/pktio.h"

#define ND_TRIES 3
#define ND_WAIT_MS 300

/* The hops to resolve and what was learned about them. */
struct nd_job {
	struct neigh *learned;
	struct addr *want; /* distinct next hops the sweep did not know */
	size_t nwant;
};

static void on_nd(const uint8_t *frame, size_t caplen, uint64_t ts, void *arg)
{
	struct nd_job *j = arg;
	struct pkt_info p;

	(void)ts;
	if (pkt_parse(frame, caplen, &p) == PKT_ND)
		neigh_learn(j->learned, &p);
}

static size_t unresolved(const struct nd_job *j)
{
	size_t k = 0;

	for (size_t i = 0; i < j->nwant; i++)
		k += neigh_get_addr(j->learned, &j->want[i]) == NULL;
	return k;
}

/*
 * Solicits every unknown hop, ND_TRIES rounds ND_WAIT_MS apart, until
 * all answered. The capture lets NAs to us in (pktio_filter6's ND).
 */
static void solicit(struct vs *v, struct nd_job *j)
{
	const struct route_hop *hop = &v->s->hop;
	struct addr src = vs_hop_src(hop);

	for (int t = 0; t < ND_TRIES && unresolved(j); t++) {
		uint64_t end = vs_now_ms() + ND_WAIT_MS;

		for (size_t i = 0; i < j->nwant; i++) {
			uint8_t f[CRAFT_ND_LEN];
			struct iovec iov = { f, sizeof(f) };

			if (neigh_get_addr(j->learned, &j->want[i]))
				continue;
			craft_nd_solicit(f, hop->if_mac, &src, &j->want[i]);
			pktio_send(v->io, &iov, 1);
		}
		while (unresolved(j) && !*v->s->stop) {
			uint64_t now = vs_now_ms();

			if (now >= end)
				break;
			pktio_wait(v->io, (int)(end - now));
			pktio_dispatch(v->io, -1, on_nd, j);
		}
	}
}

/* Adds a hop to the job once, unless the sweep's table knows it. */
static void want(struct vs *v, struct nd_job *j, const struct addr *a)
{
	if (v->s->neigh && neigh_get_addr(v->s->neigh, a))
		return;
	for (size_t i = 0; i < j->nwant; i++)
		if (addr_eq(&j->want[i], a))
			return;
	j->want[j->nwant++] = *a;
}

int vs_nexthops6(struct vs *v, char *err, size_t errlen)
{
	struct route_table6 rt = { 0 };
	struct nd_job j = { 0 };
	struct addr *hops;

	if (route_table6_load(v->s->hop.ifname, &rt, err, errlen) < 0)
		return -1;
	hops = xcalloc(v->nsvc ? v->nsvc : 1, sizeof(*hops));
	j.want = xcalloc(v->nsvc ? v->nsvc : 1, sizeof(*j.want));
	j.learned = neigh_new();
	for (size_t i = 0; i < v->nsvc; i++) {
		const struct addr *a = &v->svcs[i].out->addr;
		struct addr gw = { 0 };

		if (!addr_is_v6(a) || route_table6_nexthop(&rt, a, &gw) < 0)
			continue; /* no route: no MAC, the port is not probed */
		hops[i] = gw.family ? gw : *a;
		want(v, &j, &hops[i]);
	}
	if (j.nwant)
		solicit(v, &j);
	/* Pointers into the tables only now: neither grows any more. */
	for (size_t i = 0; i < v->nsvc; i++) {
		if (!hops[i].family)
			continue;
		v->svcs[i].mac = v->s->neigh
					 ? neigh_get_addr(v->s->neigh, &hops[i])
					 : NULL;
		if (v->svcs[i].mac == NULL)
			v->svcs[i].mac = neigh_get_addr(j.learned, &hops[i]);
	}
	v->neigh6 = j.learned; /* transferred: freed with v */
	free(j.want);
	free(hops);
	route_table6_free(&rt);
	return 0;
}
