/* nexthop.c -- the sweep's route, capture and next hops (ARP, ND). */
#include "engine/sweep/synscan_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/sweep/ratelimit.h"
#include "netstack/base/util.h"
#include "netstack/pktio.h"

/*
 * 3 tries for everyone; then, up to ARP_TRIES_MAX, more for a gateway
 * still silent (every target behind it depends on it: at 20% loss each
 * way 3 tries all fail 4.7% of the time, 8 tries 0.03%) and for the
 * rest while the last try still drew answers (evidence of loss, not of
 * a dead address). Waits grow 200 ms a try, to 600 ms.
 */
#define ARP_TRIES 3
#define ARP_TRIES_MAX 8
#define MAX_ONLINK_ARP (1u << 20)

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000ull),
			       (long)(ns % 1000000000ull) };

	nanosleep(&ts, NULL);
}

int sweep_routes_load(struct sweep *w, char *err, size_t errlen)
{
	if (addr_is_v6(&w->s->hop.saddr))
		return route_table6_load(w->s->hop.ifname, &w->rt6, err,
					 errlen);
	return route_table_load(w->s->hop.ifname, &w->rt, err, errlen);
}

void sweep_routes_free(struct sweep *w)
{
	route_table_free(&w->rt);
	route_table6_free(&w->rt6);
}

int sweep_has_route(struct sweep *w, const struct addr *t0)
{
	uint32_t gw;
	struct addr gw6;

	if (addr_is_v6(t0))
		return route_table6_nexthop(&w->rt6, t0, &gw6);
	return route_table_nexthop(&w->rt, addr_v4(t0), &gw);
}

/* ARP replies and neighbour advertisements to us teach next hops. */
static void on_neigh(const uint8_t *frame, size_t caplen, uint64_t ts,
		     void *arg)
{
	struct sweep *w = arg;
	struct pkt_info p;

	(void)ts;
	switch (pkt_parse(frame, caplen, &p)) {
	case PKT_ARP:
		if (p.arp.op == 2 && p.arp.tpa == w->s->hop.src)
			neigh_put(w->s->neigh, p.arp.spa, p.arp.sha);
		return;
	case PKT_ND:
		if (p.icmp.type == 136 &&
		    addr_eq(&p.ip.daddr, &w->s->hop.saddr))
			neigh_learn(w->s->neigh, &p);
		return;
	default:
		return;
	}
}

struct hoplist {
	struct addr *a;
	size_t n, cap;
};

static int hoplist_add(struct hoplist *l, const struct addr *a, char *err,
		       size_t errlen)
{
	if (l->n >= MAX_ONLINK_ARP) {
		snprintf(err, errlen, "more than %u on-link targets to resolve",
			 MAX_ONLINK_ARP);
		return -1;
	}
	l->a = xgrow(l->a, &l->cap, l->n + 1, sizeof(*l->a));
	l->a[l->n++] = *a;
	return 0;
}

/* IPv4: every gateway in use and every on-link target. */
static int collect4(struct sweep *w, struct hoplist *l, char *err,
		    size_t errlen)
{
	const struct target_set *ts = w->o->targets;

	for (size_t k = 0; k < w->rt.n; k++) {
		const struct route_entry *e = &w->rt.e[k];
		uint32_t lo = e->prefix, hi = e->prefix | ~e->mask;

		for (size_t i = 0; i < targets_nintervals(ts); i++) {
			struct addr fa, fb, h;
			uint32_t a, b, gw;

			/* ARP and the IPv4 routes: IPv4 by nature. */
			targets_interval(ts, i, &fa, &fb);
			a = addr_v4(&fa);
			b = addr_v4(&fb);
			if (b < lo || a > hi)
				continue;
			if (e->gateway) {
				h = addr_from_v4(e->gateway);
				if (hoplist_add(l, &h, err, errlen) < 0)
					return -1;
				break;
			}
			a = a > lo ? a : lo;
			b = b < hi ? b : hi;
			for (uint64_t x = a; x <= b; x++) {
				/* A more specific route may take it. */
				if (route_table_nexthop(&w->rt, (uint32_t)x,
							&gw) < 0 ||
				    gw != 0)
					continue;
				h = addr_from_v4((uint32_t)x);
				if (hoplist_add(l, &h, err, errlen) < 0)
					return -1;
			}
		}
	}
	return 0;
}

/* IPv6: the same walk over the IPv6 routes. */
static int collect6(struct sweep *w, struct hoplist *l, char *err,
		    size_t errlen)
{
	const struct target_set *ts = w->o->targets;

	for (size_t k = 0; k < w->rt6.n; k++) {
		const struct route_entry6 *e = &w->rt6.e[k];
		struct addr lo = addr_prefix_first(&e->prefix, e->plen);
		struct addr hi = addr_prefix_last(&e->prefix, e->plen);

		for (size_t i = 0; i < targets_nintervals(ts); i++) {
			struct addr a, b, x, gw;
			uint64_t span;

			targets_interval(ts, i, &a, &b);
			if (addr_cmp(&b, &lo) < 0 || addr_cmp(&a, &hi) > 0)
				continue;
			if (e->gw.family) {
				if (hoplist_add(l, &e->gw, err, errlen) < 0)
					return -1;
				break;
			}
			if (addr_cmp(&a, &lo) < 0)
				a = lo;
			if (addr_cmp(&b, &hi) > 0)
				b = hi;
			if (addr_diff(&b, &a, &span) < 0 ||
			    span >= MAX_ONLINK_ARP) {
				snprintf(err, errlen,
					 "more than %u on-link "
					 "targets to resolve",
					 MAX_ONLINK_ARP);
				return -1;
			}
			for (uint64_t off = 0; off <= span; off++) {
				/* A more specific route may take it. */
				if (addr_add(&a, off, &x) < 0 ||
				    route_table6_nexthop(&w->rt6, &x, &gw) <
					    0 ||
				    gw.family != 0)
					continue;
				if (hoplist_add(l, &x, err, errlen) < 0)
					return -1;
			}
		}
	}
	return 0;
}

/* "Who has a": an ARP request or a neighbour solicitation. */
static int solicit(struct sweep *w, const struct addr *a, uint8_t *frame,
		   size_t *flen, char *err, size_t errlen)
{
	const struct route_hop *hop = &w->s->hop;

	if (addr_is_v6(a)) {
		craft_nd_solicit(frame, hop->if_mac, &hop->saddr, a);
		*flen = CRAFT_ND_LEN;
		return 0;
	}
	return craft_arp_request(pktio_libnet(w->io), frame, flen, hop->if_mac,
				 hop->src, addr_v4(a), err, errlen);
}

/* 1 if a is the gateway of a route in use (either family). */
static int is_gateway(const struct sweep *w, const struct addr *a)
{
	if (addr_is_v6(a)) {
		for (size_t k = 0; k < w->rt6.n; k++)
			if (w->rt6.e[k].gw.family &&
			    addr_eq(&w->rt6.e[k].gw, a))
				return 1;
		return 0;
	}
	for (size_t k = 0; k < w->rt.n; k++)
		if (w->rt.e[k].gateway && w->rt.e[k].gateway == addr_v4(a))
			return 1;
	return 0;
}

/* Whether try t (past ARP_TRIES) is worth making, with `drew` answers
 * to the last one. */
static int try_again(const struct sweep *w, const struct hoplist *l, int t,
		     size_t drew)
{
	if (t < ARP_TRIES)
		return 1;
	if (t >= ARP_TRIES_MAX)
		return 0;
	if (drew > 0)
		return 1;
	for (size_t i = 0; i < l->n; i++)
		if (!neigh_get_addr(w->s->neigh, &l->a[i]) &&
		    is_gateway(w, &l->a[i]))
			return 1;
	return 0;
}

int sweep_resolve_nexthops(struct sweep *w, char *err, size_t errlen)
{
	struct hoplist l = { 0 };
	uint8_t frame[96];
	size_t flen;
	struct ratelimit rl;
	double rate = w->o->rate < 1000 ? 1000 : w->o->rate;
	int v6 = addr_is_v6(&w->s->hop.saddr), rc = -1;
	size_t drew = 0;

	if ((v6 ? collect6 : collect4)(w, &l, err, errlen) < 0)
		goto out;
	for (int t = 0; try_again(w, &l, t, drew) && !*w->s->stop; t++) {
		size_t pending = 0, known = neigh_count(w->s->neigh);

		ratelimit_init(&rl, rate, 1, now_ns());
		for (size_t i = 0; i < l.n && !*w->s->stop; i++) {
			struct iovec iov;
			uint64_t wait;

			if (neigh_get_addr(w->s->neigh, &l.a[i]))
				continue;
			pending++;
			if (solicit(w, &l.a[i], frame, &flen, err, errlen) < 0)
				goto out;
			while (ratelimit_take(&rl, now_ns(), 1, &wait) == 0)
				sleep_ns(wait);
			iov.iov_base = frame;
			iov.iov_len = flen;
			if (pktio_send(w->io, &iov, 1) == 1)
				w->s->st.arp_sent++;
			pktio_dispatch(w->io, -1, on_neigh, w);
		}
		if (pending == 0)
			break;
		/* Wait for answers: a LAN answers in well under this. */
		{
			uint64_t end = now_ns() + (t < 2 ? t + 1 : 3) * 200ull *
							  1000000ull;

			while (now_ns() < end && !*w->s->stop &&
			       neigh_count(w->s->neigh) < l.n) {
				pktio_wait(w->io, 10);
				pktio_dispatch(w->io, -1, on_neigh, w);
			}
		}
		drew = neigh_count(w->s->neigh) - known;
	}
	/* The silent ones are asked again between passes (sweep_late_*). */
	for (size_t i = 0; i < l.n && w->npend < SWEEP_PEND_MAX; i++)
		if (!neigh_get_addr(w->s->neigh, &l.a[i]))
			w->pend[w->npend++] = l.a[i];
	rc = 0;
out:
	free(l.a);
	return rc;
}

void sweep_late_note(struct sweep *w, const struct pkt_info *p)
{
	struct addr a;
	const uint8_t *mac;

	if (w->npend == 0)
		return;
	if (p->kind == PKT_ARP && p->arp.op == 2 &&
	    p->arp.tpa == w->s->hop.src) {
		a = addr_from_v4(p->arp.spa);
		mac = p->arp.sha;
	} else if (p->kind == PKT_ND && p->icmp.type == 136 &&
		   addr_eq(&p->ip.daddr, &w->s->hop.saddr) && p->nd.lladdr) {
		a = p->nd.target;
		mac = p->nd.lladdr;
	} else {
		return;
	}
	pthread_mutex_lock(&w->late_lock);
	if (w->nlate < SWEEP_LATE_MAX) {
		w->late[w->nlate].a = a;
		memcpy(w->late[w->nlate].mac, mac, 6);
		w->nlate++;
	}
	pthread_mutex_unlock(&w->late_lock);
}

void sweep_late_resolve(struct sweep *w, int ask)
{
	uint8_t frame[96];
	size_t flen, keep = 0;
	char err[128];

	pthread_mutex_lock(&w->late_lock);
	for (unsigned i = 0; i < w->nlate; i++)
		neigh_put_addr(w->s->neigh, &w->late[i].a, w->late[i].mac);
	w->nlate = 0;
	pthread_mutex_unlock(&w->late_lock);
	for (size_t i = 0; i < w->npend && !ask; i++)
		if (!neigh_get_addr(w->s->neigh, &w->pend[i]))
			w->pend[keep++] = w->pend[i];
	for (size_t i = 0; ask && i < w->npend && !*w->s->stop; i++) {
		struct iovec iov;

		if (neigh_get_addr(w->s->neigh, &w->pend[i]))
			continue;
		w->pend[keep++] = w->pend[i];
		if (solicit(w, &w->pend[i], frame, &flen, err, sizeof(err)) < 0)
			continue;
		iov.iov_base = frame;
		iov.iov_len = flen;
		if (pktio_send(w->io, &iov, 1) == 1)
			w->s->st.arp_sent++;
		if (keep % 64 == 0)
			sleep_ns(1000000); /* a burst of 64, then 1 ms */
	}
	w->npend = keep;
}

int synscan_plan_route(const struct scan_opts *o, struct route_hop *hop,
		       char *err, size_t errlen)
{
	struct addr first = targets_at(o->targets, 0);

	memset(hop, 0, sizeof(*hop));
	if (o->iface && o->src_set && o->dry_run) {
		if (route_iface(o->iface, hop, err, errlen) < 0)
			return -1;
	} else if (route_get_addr(&first, o->iface, hop, err, errlen) < 0) {
		return -1;
	}
	if (o->src_set)
		hop->saddr = o->src;
	else if (!addr_is_v6(&first))
		hop->saddr = addr_from_v4(hop->src);
	/* The IPv4 hop's edge: ARP and the IPv4 frames use src. */
	if (!addr_is_v6(&hop->saddr))
		hop->src = addr_v4(&hop->saddr);
	return 0;
}

/*
 * The capture filter: next hops' answers (ARP replies or NAs to us) or
 * any module's replies.
 */
static int sweep_filter(const struct scan_opts *o, const struct addr *our,
			uint32_t our4, char *bpf, size_t len)
{
	const struct sweep_module *mods[2];
	int nmod = 0, n;

	/* -sT's module has no filter: the kernel reads its replies. */
	if ((o->ports.proto[SVC_TCP].n || !o->udp_scan) &&
	    synscan_tcp_module(o)->filter)
		mods[nmod++] = synscan_tcp_module(o);
	if (o->udp_scan)
		mods[nmod++] = &sweep_mod_udp;
	if (addr_is_v6(our))
		n = pktio_filter6(bpf, len, our, PKTIO_F6_ND);
	else
		n = snprintf(bpf, len,
			     "(arp and arp[6:2] = 2 and arp[24:4] = 0x%08x)",
			     our4);
	for (int i = 0; i < nmod; i++) {
		int k;

		if (n < 0 || (size_t)n + 4 >= len)
			return -1;
		memcpy(bpf + n, " or ", 5);
		n += 4;
		k = mods[i]->filter(bpf + n, len - (size_t)n, our);
		if (k < 0)
			return -1;
		n += k;
	}
	return n;
}

struct pktio *synscan_open_capture(const struct scan_opts *o,
				   const struct route_hop *hop, char *err,
				   size_t errlen)
{
	char bpf[1024];
	struct pktio *io;

	if (sweep_filter(o, &hop->saddr, hop->src, bpf, sizeof(bpf)) < 0) {
		snprintf(err, errlen, "capture filter too long");
		return NULL;
	}
	io = pktio_open(hop->ifname, bpf, PKTIO_SNAP_HEADERS, err, errlen);
	if (io == NULL)
		return NULL;
	/* -S with an address the kernel does not own: fathom answers
	 * ARP or neighbour solicitations for it. */
	if (o->dry_run || route_is_local(&hop->saddr))
		return io;
	if ((addr_is_v6(&hop->saddr)
		     ? pktio_answer_nd(io, &hop->saddr, hop->if_mac, err,
				       errlen)
		     : pktio_answer_arp(io, hop->src, hop->if_mac, err,
					errlen)) < 0) {
		pktio_close(io);
		return NULL;
	}
	return io;
}
