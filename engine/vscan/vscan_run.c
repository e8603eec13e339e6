/* vscan_run.c -- -sV set-up, picking the transport, the event loop, results. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/privsetup.h"
#include "engine/report/progress.h"
#include "netstack/base/util.h"
#include "engine/vscan/transport.h"
#include "engine/vscan/vscan_int.h"
#include "netstack/neigh.h"
#include "netstack/pktio.h"
#include "netstack/route.h"
#include "netstack/rstguard.h"

#define VS_STARTS_PER_DRAIN 128

void *vs_conn_open(struct vs *v, struct service *sv, struct pconn *pc,
		   uint64_t now)
{
	const struct svc_probe *p = pc->probe;
	void *c;

	/* fathom-sourceports: from the probe's range or not at all. */
	if (p && p->sport_lo)
		c = v->tr->ops->open_sport
			    ? v->tr->ops->open_sport(v->tr, &sv->out->addr,
						     sv->out->port, p->sport_lo,
						     p->sport_hi, sv->mac, pc,
						     now)
			    : NULL;
	else
		c = v->tr->ops->open(v->tr, &sv->out->addr, sv->out->port,
				     sv->mac, pc, now);

	if (c && ++v->conns_now > v->conns_peak)
		v->conns_peak = v->conns_now;
	if (c) {
		v->host_conns[sv->host]++;
		/* test_onepass counts these against the SYNs on the wire. */
		vs_trace(v, pc, "connection opened");
	}
	return c;
}

int vs_conn_send(struct vs *v, void *conn, const void *d, size_t n,
		 uint64_t now)
{
	if (conn == NULL)
		return -1;
	return v->tr->ops->send(v->tr, conn, d, n, now);
}

void vs_conn_abort(struct vs *v, void *conn, uint64_t now)
{
	v->tr->ops->abort(v->tr, conn, now);
}

void vs_conn_closed(struct service *sv)
{
	struct vs *v = sv->vs;

	if (v->conns_now)
		v->conns_now--;
	if (v->host_conns[sv->host])
		v->host_conns[sv->host]--;
}

static int cmp_svc(const void *a, const void *b)
{
	const struct svc_result *x = a, *y = b;
	int c = addr_cmp(&x->addr, &y->addr);

	if (c != 0)
		return c;
	return (int)x->port - (int)y->port;
}

const struct svc_result *vscan_find(const struct vscan_results *vr,
				    const struct addr *addr, uint16_t port)
{
	struct svc_result key = { .addr = *addr, .port = port };

	if (vr == NULL || vr->n == 0)
		return NULL;
	return bsearch(&key, vr->r, vr->n, sizeof(*vr->r), cmp_svc);
}

void vscan_results_free(struct vscan_results *vr)
{
	for (size_t i = 0; i < vr->n; i++)
		free(vr->r[i].fp);
	free(vr->r);
	vr->r = NULL;
	vr->n = 0;
}

/* The open ports to probe, and where their frames go. */
static size_t collect(struct vs *v, struct vscan_results *out,
		      struct route_table *rt)
{
	size_t n, k = 0;
	const struct port_result *r = results_sorted(v->s->res, &n);

	out->r = xcalloc(n ? n : 1, sizeof(*out->r));
	for (size_t i = 0; i < n; i++) {
		if (r[i].state != PS_OPEN || r[i].proto != IPPROTO_TCP)
			continue;
		out->r[k].addr = r[i].addr;
		out->r[k].port = r[i].port;
		k++;
	}
	out->n = k;
	v->svcs = xcalloc(k ? k : 1, sizeof(*v->svcs));
	for (size_t i = 0; i < k; i++) {
		struct service *sv = &v->svcs[i];
		uint32_t gw = 0;

		sv->vs = v;
		sv->out = &out->r[i];
		/* IPv4's route and ARP; IPv6's are vs_nexthops6's. */
		if (!addr_is_v6(&sv->out->addr) &&
		    route_table_nexthop(rt, addr_v4(&sv->out->addr), &gw) == 0)
			sv->mac = neigh_get(v->s->neigh,
					    gw ? gw : addr_v4(&sv->out->addr));
	}
	return k;
}

struct addr vs_hop_src(const struct route_hop *hop)
{
	return addr_is_v6(&hop->saddr) ? hop->saddr : addr_from_v4(hop->src);
}

/* -sV's source ports: lo-VS_PORT_HI, and a probe's reserved ones. */
struct vs_ports {
	uint16_t lo, xlo, xhi; /* xlo 0: no reserved range */
};

/*
 * The -sV capture's filter: TCP to fathom's -sV ports (from lo: one
 * pass adds the sweep's; and the probes' reserved range) at src; for
 * IPv6 also the neighbour advertisements that answer vs_nexthops6's NS.
 */
static int capture_filter(const struct addr *src, const struct vs_ports *vp,
			  char *bpf, size_t len)
{
	char a[ADDR_STRLEN], tcp6[PKTIO_FILTER6_MAX], nd6[PKTIO_FILTER6_MAX];
	char ports[96];
	int n;

	n = vp->xlo ? snprintf(ports, sizeof(ports),
			       "(dst portrange %u-%u or dst portrange %u-%u)",
			       vp->xlo, vp->xhi, vp->lo, VS_PORT_HI)
		    : snprintf(ports, sizeof(ports), "dst portrange %u-%u",
			       vp->lo, VS_PORT_HI);
	if (n < 0 || (size_t)n >= sizeof(ports))
		return -1;
	if (!addr_is_v6(src)) {
		n = snprintf(bpf, len, "tcp and dst host %s and %s",
			     addr_format(src, a), ports);
		return n < 0 || (size_t)n >= len ? -1 : 0;
	}
	if (pktio_filter6(tcp6, sizeof(tcp6), src, PKTIO_F6_TCP) < 0 ||
	    pktio_filter6(nd6, sizeof(nd6), src, PKTIO_F6_ND) < 0)
		return -1;
	n = snprintf(bpf, len, "(%s and %s) or %s", tcp6, ports, nd6);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* The capture of whole frames to fathom's -sV ports. */
static struct pktio *open_capture(const struct route_hop *hop, int foreign,
				  const struct vs_ports *vp, char *err,
				  size_t errlen)
{
	char bpf[2 * PKTIO_FILTER6_MAX + 160];
	struct addr src = vs_hop_src(hop);
	struct pktio *io;
	int rc;

	if (capture_filter(&src, vp, bpf, sizeof(bpf)) < 0) {
		snprintf(err, errlen, "-sV capture filter: too long");
		return NULL;
	}
	io = pktio_open(hop->ifname, bpf, PKTIO_SNAP_FULL, err, errlen);
	if (io == NULL || !foreign)
		return io;
	/* -S the kernel does not own: fathom answers for it. */
	rc = addr_is_v6(&src)
		     ? pktio_answer_nd(io, &src, hop->if_mac, err, errlen)
		     : pktio_answer_arp(io, hop->src, hop->if_mac, err, errlen);
	if (rc < 0) {
		pktio_close(io);
		return NULL;
	}
	return io;
}

int vscan_setup(const struct route_hop *hop, const struct svcdb *db,
		struct rstguard *guard, int onepass, struct pktio **io,
		char *why, size_t whylen, char *err, size_t errlen)
{
	struct addr src = vs_hop_src(hop);
	/* One pass: the sweep's SYN-ACKs are -sV's (vscan_utcp.c). */
	struct vs_ports vp = { .lo = onepass ? vs_onepass_port_lo()
					     : VS_PORT_LO };
	struct rstguard_ports r[2];
	size_t nr = 0;
	int mode;

	*io = NULL;
	why[0] = '\0';
	if (db)
		svcdb_sourceports(db, &vp.xlo, &vp.xhi);
	if (vp.xlo)
		r[nr++] = (struct rstguard_ports){ vp.xlo, vp.xhi };
	r[nr++] = (struct rstguard_ports){ vp.lo, 65535 };
	if (!route_is_local(&src))
		mode = VSCAN_FOREIGN;
	else if (rstguard_install(guard, &src, r, nr, why, whylen) == 0)
		mode = VSCAN_GUARD;
	else
		return VSCAN_SOCKETS;
	*io = open_capture(hop, mode == VSCAN_FOREIGN, &vp, err, errlen);
	return *io ? mode : -1;
}

/*
 * The transport set-up's mode calls for: fathom's own TCP over the
 * run's -sV capture (resumed here, paused by vscan_run at the end), or
 * kernel sockets when nothing could keep the kernel's RSTs off.
 */
static int open_transport(struct vs *v, enum vscan_mode mode, char *err,
			  size_t errlen)
{
	struct scan *s = v->s;
	/* Admission keeps about max_parallelism open; room for overshoot. */
	struct vs_transport_cfg cfg = {
		.max_conns = v->maxc > 8192 ? v->maxc + 1024 : 8192,
		.connect_ms = VS_CONNECT_MS,
		.life_ms = 60000,
		.event = vs_on_event,
	};

	if (mode == VSCAN_SOCKETS) {
		v->tr = vs_transport_sockets(
			&cfg, v->o->src_set ? &v->o->src : NULL, err, errlen);
		if (v->tr == NULL)
			return -1;
		/* One descriptor per connection: the cap follows the limit. */
		if (v->maxc > v->tr->ops->capacity(v->tr))
			v->maxc = v->tr->ops->capacity(v->tr);
		return 0;
	}
	if (s->priv->vscan == NULL) { /* set-up saw no -sV (a dry run) */
		snprintf(err, errlen, "no -sV capture was opened");
		return -1;
	}
	if (pktio_resume(s->priv->vscan, err, errlen) < 0)
		return -1;
	v->io = s->priv->vscan;
	v->tr = vs_transport_utcp(&cfg, v->io, &s->hop);
	if (s->priv->onepass) /* one pass: the sweep's handshakes first */
		vs_utcp_onepass(v->tr, s->handoffs, v->o->debug);
	return 0;
}

/*
 * The next service may start: under the service count and, with
 * --max-parallelism, its connection budget fits (one service always
 * may, or a cap below one service's budget would stall the scan).
 */
static struct service *can_start(struct vs *v)
{
	struct service *sv;

	if (v->active >= v->max_services || (sv = vs_next_start(v)) == NULL)
		return NULL;
	if (v->maxc == 0 || v->active == 0 ||
	    v->reserved + vs_service_budget(v, sv->out->port) <= v->maxc)
		return sv;
	return NULL;
}

static void loop(struct vs *v)
{
	struct scan *s = v->s;

	while (v->finished < v->nsvc) {
		struct service *turn, *next;
		uint64_t now;

		if (*s->stop)
			break;
		/*
		 * Thousands of SYNs in one burst come back as SYN-ACKs
		 * faster than a turn that starts them all gets back to the
		 * capture ring: drain it every VS_STARTS_PER_DRAIN starts.
		 */
		for (int k = 1; (next = can_start(v)) != NULL; k++) {
			v->next_start++;
			vs_start_service(next);
			if (k % VS_STARTS_PER_DRAIN == 0)
				v->tr->ops->drain(v->tr);
		}
		now = vs_now_ms();
		v->tr->ops->tick(v->tr, now);
		/* --host-timeout: hosts out of time are dropped now. */
		vs_deadlines(v, now_ns());
		/* Deadlines: every active service is looked at each turn. */
		for (size_t i = 0; i < v->next_start; i++)
			if (!v->svcs[v->order[i]].done)
				vs_mark_dirty(&v->svcs[v->order[i]]);
		/*
		 * This turn's dirty services only: frames drained meanwhile
		 * mark services for the next turn, so a busy capture cannot
		 * keep the loop from starting new services.
		 */
		turn = v->dirty;
		v->dirty = NULL;
		for (int k = 1; turn; k++) {
			struct service *sv = turn;

			turn = sv->next_dirty;
			sv->dirty = 0;
			if (!sv->done)
				vs_evaluate(sv, now);
			/* Evaluations start probes too: drain as above. */
			if (k % VS_STARTS_PER_DRAIN == 0)
				v->tr->ops->drain(v->tr);
		}
		if (v->finished >= v->nsvc)
			break;
		/* Marked while draining: the next turn at once. */
		v->tr->ops->wait(v->tr, v->dirty ? 0 : 10);
	}
}

/* The probes that tell TLS: rarity 1 with an "ssl" line. */
static void find_tls_probes(struct vs *v)
{
	const struct svcdb *db = v->db;

	v->tls_probes = xcalloc(svcdb_nprobes(db) + 1, sizeof(*v->tls_probes));
	for (size_t i = 0; i < svcdb_nprobes(db); i++) {
		const struct svc_probe *p = svcdb_probe(db, i);

		/* A TLS record or SSLv2 hello as payload, and an ssl line. */
		if (p->proto == IPPROTO_TCP && p->rarity <= 1 &&
		    p->payload_len > 0 &&
		    (p->payload[0] == 0x16 || p->payload[0] == 0x80) &&
		    svc_probe_can_match(p, "ssl"))
			v->tls_probes[v->ntls++] = p;
	}
}

/* Once a run, when the first group has services to probe. */
static void warn_sockets(struct scan *s, enum vscan_mode mode)
{
	if (mode != VSCAN_SOCKETS || s->priv->vwarned)
		return;
	s->priv->vwarned = 1;
	progress_clear();
	fprintf(stderr,
		"Warning: cannot stop the kernel resetting fathom's "
		"connections (%s); -sV probes go through kernel "
		"sockets\n",
		s->priv->vwhy);
}

/* --debug's account of the run: transport, peaks, capture counts. */
static void debug_summary(const struct vs *v, enum vscan_mode mode)
{
	if (!v->o->debug)
		return;
	fprintf(stderr,
		"vscan: %zu services, %s, peak %zu connections at "
		"once (%zu established)\n",
		v->nsvc,
		mode == VSCAN_FOREIGN ? "userspace TCP (foreign -S)"
		: mode == VSCAN_GUARD ? "userspace TCP (nft guard)"
				      : "kernel sockets",
		v->conns_peak, v->est_peak);
	if (v->io)
		fprintf(stderr, "vscan: %llu frames dropped by the capture\n",
			(unsigned long long)pktio_drops(v->io));
	if (v->io && mode == VSCAN_FOREIGN)
		fprintf(stderr,
			"vscan: answered %llu ARP requests, %llu "
			"neighbour solicitations\n",
			(unsigned long long)pktio_arp_answered(v->io),
			(unsigned long long)pktio_nd_answered(v->io));
}

/* Frees what the run allocated (the capture stays open, paused later). */
static void release(struct vs *v)
{
	progress_task_clear();
	if (v->tr)
		v->tr->ops->free(v->tr, vs_now_ms());
	for (size_t i = 0; i < v->nsvc; i++) {
		svcfp_free(&v->svcs[i].fp);
		vs_free_conns(&v->svcs[i]);
	}
	vsrpc_dumps_free(v);
	neigh_free(v->neigh6);
	free(v->svcs);
	free(v->order);
	free(v->host_conns);
	free(v->tls_probes);
	free(v->scripts);
	tls_ctx_free(v->tls);
}

int vscan_run(struct scan *s, const struct svcdb *db, struct vscan_results *out,
	      char *err, size_t errlen)
{
	struct vs v = { .s = s, .o = s->opt, .db = db };
	struct route_table rt = { 0 };
	enum vscan_mode mode = s->priv->vmode;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (route_table_load(s->hop.ifname, &rt, err, errlen) < 0)
		return -1;
	v.nsvc = collect(&v, out, &rt);
	vs_order(&v);
	progress_task_set("Service scan", &v.ndone, v.nsvc);
	if (v.nsvc == 0) {
		rc = 0;
		goto done;
	}
	/* --max-parallelism bounds connections; services follow from it. */
	v.max_services = v.o->max_parallelism ? (size_t)v.o->max_parallelism
					      : VS_MAX_SERVICES;
	v.maxc = (size_t)v.o->max_parallelism;
	v.par = v.o->version_parallel ? (size_t)v.o->version_parallel
				      : VS_PAR_DEFAULT;
	find_tls_probes(&v);
	vs_scripts_find(&v);
	v.tls = tls_ctx_new(err, errlen);
	if (v.tls == NULL)
		goto done;
	warn_sockets(s, mode);
	if (open_transport(&v, mode, err, errlen) < 0)
		goto done;
	/* IPv6 next hops: the sweep's NAs, else solicited now. */
	if (v.tr->ops->needs_mac && addr_is_v6(&v.svcs[0].out->addr) &&
	    vs_nexthops6(&v, err, errlen) < 0)
		goto done;
	loop(&v);
	debug_summary(&v, mode);
	rc = 0;
done:
	release(&v);
	if (v.io && pktio_pause(v.io, err, errlen) < 0)
		rc = -1;
	route_table_free(&rt);
	return rc;
}
