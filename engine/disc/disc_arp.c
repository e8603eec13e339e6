/* disc_arp.c -- discovery's next hops: ARP (IPv4) or neighbour discovery (IPv6) of on-link targets and gateways. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/hostdeadline.h"
#include "engine/core/privsetup.h"
#include "engine/disc/disc_int.h"
#include "engine/sweep/ratelimit.h"
#include "engine/sweep/synscan.h"
#include "netstack/base/util.h"
#include "netstack/pktio.h"

#define ARP_TRIES 3
#define MAX_ONLINK_ARP (1u << 20) /* the sweep's bound (synscan.c) */

static struct arp_ent *arp_find(struct disc *d, const struct addr *a)
{
	size_t lo = 0, hi = d->narp;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (addr_cmp(&d->arp[mid].addr, a) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < d->narp && addr_eq(&d->arp[lo].addr, a) ? &d->arp[lo]
							    : NULL;
}

static int cmp_arp(const void *a, const void *b)
{
	const struct arp_ent *x = a, *y = b;

	return addr_cmp(&x->addr, &y->addr);
}

/* a's next hop into *gw (family 0: on the link); -1 without a route. */
int disc_nexthop(const struct disc *d, const struct addr *a, struct addr *gw)
{
	uint32_t g4;

	memset(gw, 0, sizeof(*gw));
	if (d->v6)
		return route_table6_nexthop(&d->rt6, a, gw);
	if (route_table_nexthop(&d->rt, addr_v4(a), &g4) < 0)
		return -1;
	if (g4)
		*gw = addr_from_v4(g4);
	return 0;
}

/* The next hop of every target: the targets on the link, the gateways. */
int disc_collect_nexthops(struct disc *d, char *err, size_t errlen)
{
	struct addr gws[64]; /* the gateways seen: a route table has few */
	size_t cap = 0, ngw = 0, k = 0;

	for (uint64_t t = 0; t < d->nt; t++) {
		struct addr a = targets_at(d->o->targets, t), gw;
		size_t g = 0;

		if (disc_nexthop(d, &a, &gw) < 0)
			continue;
		while (gw.family && g < ngw && !addr_eq(&gws[g], &gw))
			g++;
		if (gw.family && g < ngw)
			continue;
		if (gw.family && ngw < sizeof(gws) / sizeof(*gws))
			gws[ngw++] = gw;
		if (d->narp >= MAX_ONLINK_ARP) {
			snprintf(err, errlen,
				 "more than %u on-link targets to "
				 "resolve with ARP",
				 MAX_ONLINK_ARP);
			return -1;
		}
		d->arp = xgrow(d->arp, &cap, d->narp + 1, sizeof(*d->arp));
		memset(&d->arp[d->narp], 0, sizeof(*d->arp));
		d->arp[d->narp].addr = gw.family ? gw : a;
		d->arp[d->narp].target = gw.family == 0;
		d->narp++;
	}
	qsort(d->arp, d->narp, sizeof(*d->arp), cmp_arp);
	/* A gateway may also be a target: one entry, a target's. */
	for (size_t i = 0; i < d->narp; i++) {
		if (k && addr_eq(&d->arp[k - 1].addr, &d->arp[i].addr)) {
			d->arp[k - 1].target |= d->arp[i].target;
			continue;
		}
		d->arp[k++] = d->arp[i];
	}
	d->narp = k;
	return 0;
}

static void on_arp(const uint8_t *frame, size_t caplen, uint64_t ts, void *arg)
{
	struct disc *d = arg;
	struct pkt_info p;
	struct arp_ent *e;
	struct addr a;

	switch (pkt_parse(frame, caplen, &p)) {
	case PKT_ARP:
		if (d->v6 || p.arp.op != 2 || p.arp.tpa != d->s->hop.src)
			return;
		a = addr_from_v4(p.arp.spa);
		break;
	case PKT_ND:
		if (!d->v6 || p.icmp.type != 136 ||
		    !addr_eq(&p.ip.daddr, &d->s->hop.saddr))
			return;
		a = p.nd.target;
		break;
	default:
		return;
	}
	e = arp_find(d, &a);
	if (e == NULL)
		return;
	if (d->v6) {
		if (!neigh_learn(d->s->neigh, &p))
			return;
	} else {
		neigh_put(d->s->neigh, p.arp.spa, p.arp.sha);
	}
	if (!e->answered) {
		/* The kernel's arrival stamp, not when the loop got to it. */
		uint64_t now = ts - d->wall_minus_mono;

		e->answered = 1;
		e->rtt_us = now > e->sent_ns
				    ? (uint32_t)((now - e->sent_ns) / 1000)
				    : 1;
		if (e->target && d->arp_ping)
			disc_host_clock(d, &e->addr, e->sent_ns, now);
		if (e->rtt_us == 0)
			e->rtt_us = 1;
	}
}

int disc_resolve(struct disc *d, struct disc_stats *st, char *err,
		 size_t errlen)
{
	double rate = d->o->rate < 1000 ? 1000 : d->o->rate;
	uint8_t frame[96];
	size_t flen;

	for (int t = 0; t < ARP_TRIES && !disc_stopped(d); t++) {
		struct ratelimit rl;
		size_t pending = 0, answered = 0;

		ratelimit_init(&rl, rate, 1, now_ns());
		for (size_t i = 0; i < d->narp && !disc_stopped(d); i++) {
			struct iovec iov;
			uint64_t wait;

			if (d->arp[i].answered)
				continue;
			pending++;
			if (d->v6) {
				craft_nd_solicit(frame, d->s->hop.if_mac,
						 &d->s->hop.saddr,
						 &d->arp[i].addr);
				flen = CRAFT_ND_LEN;
			} else if (craft_arp_request(pktio_libnet(d->io), frame,
						     &flen, d->s->hop.if_mac,
						     d->s->hop.src,
						     addr_v4(&d->arp[i].addr),
						     err, errlen) < 0) {
				return -1;
			}
			while (ratelimit_take(&rl, now_ns(), 1, &wait) == 0)
				disc_sleep_ns(wait);
			iov.iov_base = frame;
			iov.iov_len = flen;
			d->arp[i].sent_ns = now_ns();
			if (pktio_send(d->io, &iov, 1) == 1)
				st->arp_sent++;
			pktio_dispatch(d->io, -1, on_arp, d);
		}
		if (pending == 0)
			break;
		/* A LAN answers ARP in well under this. */
		for (uint64_t end = now_ns() + (t + 1) * 200ull * 1000000ull;
		     now_ns() < end && !disc_stopped(d);) {
			pktio_wait(d->io, 10);
			pktio_dispatch(d->io, -1, on_arp, d);
			answered = 0;
			for (size_t i = 0; i < d->narp; i++)
				answered += d->arp[i].answered;
			if (answered == d->narp)
				break;
		}
	}
	return 0;
}
