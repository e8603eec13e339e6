/* trace.c -- the traceroute phase's run: every up host's hops in parallel. */
#include "engine/trace/trace.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/uio.h>
#include <time.h>

#include "engine/core/hostiter.h"
#include "engine/sweep/synscan.h"
#include "engine/core/privsetup.h"
#include "netstack/base/util.h"
#include "netstack/pktio.h"
#include "netstack/route.h"

/*
 * Source ports port0 + ttl: port0 random in [46500, 60500), between -O's
 * range (33000-46300) and the sweep's (61000-62023), so none of their
 * replies is read as ours.
 */
#define TR_PORT_BASE 46500
#define TR_PORT_RAND 14000
#define TR_TRIES 3  /* sends per TTL, as nmap's traceroute retries */
#define TR_FIRST 10 /* the first window when the distance is unknown */
#define TR_MIN_WAIT_US 50000

struct thost {
	struct trace_target t;
	struct trace_result *out;
	uint8_t want;     /* probe TTLs 1..want while the target is unseen */
	uint8_t dest_ttl; /* lowest TTL the target answered; 0: none yet */
	uint8_t stop_ttl; /* lowest TTL a router's unreachable came from */
	uint8_t sends[TRACE_MAX_TTL + 1];
	uint64_t sent_us[TRACE_MAX_TTL + 1];
	struct trace_hop got[TRACE_MAX_TTL + 1]; /* got[t].ttl: answered */
};

struct tr {
	struct scan *s;
	struct trace_ctx c;
	struct pktio *io;
	struct thost *h; /* probed hosts, by address */
	size_t nh;
	uint64_t max_rtt_us;
	/* pcap stamps frames with the wall clock: mapped onto now_us()'s. */
	int64_t wall_minus_mono_us;
	uint64_t sent, recv, bytes_sent, bytes_recv;
};

static uint64_t now_us(void)
{
	return now_ns() / 1000;
}

static int cmp_host(const void *k, const void *e)
{
	return addr_cmp(k, &((const struct thost *)e)->t.addr);
}

/* The highest TTL still worth a probe for h. */
static int limit_of(const struct thost *h)
{
	if (h->dest_ttl)
		return h->dest_ttl - 1;
	if (h->stop_ttl)
		return h->stop_ttl - 1;
	return h->want;
}

static void on_frame(const uint8_t *frame, size_t caplen, uint64_t ts,
		     void *arg)
{
	struct tr *v = arg;
	struct pkt_info p;
	struct trace_reply r;
	struct thost *h;
	struct trace_hop *g;
	/* When the frame arrived (the capture's stamp), not when it is read:
	 * a round reads in batches. */
	uint64_t at = (uint64_t)((int64_t)(ts / 1000) - v->wall_minus_mono_us);

	v->recv++;
	v->bytes_recv += caplen;
	pkt_parse(frame, caplen, &p);
	if (!trace_match(&v->c, &p, &r))
		return;
	h = bsearch(&r.target, v->h, v->nh, sizeof(*v->h), cmp_host);
	if (h == NULL || h->t.kind != r.kind || h->t.port != r.port ||
	    h->sends[r.ttl] == 0)
		return;
	if (r.dest && (h->dest_ttl == 0 || r.ttl < h->dest_ttl))
		h->dest_ttl = r.ttl;
	if (r.unreach && (h->stop_ttl == 0 || r.ttl < h->stop_ttl))
		h->stop_ttl = r.ttl;
	g = &h->got[r.ttl];
	if (g->ttl)
		return; /* a retransmission's second answer */
	g->ttl = r.ttl;
	g->addr = r.from;
	if (at < h->sent_us[r.ttl] || at > now_us())
		at = now_us(); /* a clock step: the read time will do */
	g->rtt_us = (int64_t)(at - h->sent_us[r.ttl]);
	if ((uint64_t)g->rtt_us > v->max_rtt_us)
		v->max_rtt_us = (uint64_t)g->rtt_us;
}

/* Sends h's unanswered TTLs that have tries left; returns how many. */
static size_t send_host(struct tr *v, struct thost *h)
{
	int lim = limit_of(h);
	size_t n = 0;
	uint64_t t;

	for (int ttl = 1; ttl <= lim && !*v->s->stop; ttl++) {
		uint8_t f[CRAFT_MAX];
		struct iovec iov = { f, 0 };

		if (h->got[ttl].ttl || h->sends[ttl] >= TR_TRIES)
			continue;
		iov.iov_len = trace_build(&v->c, &h->t, (uint8_t)ttl, f);
		if (iov.iov_len == 0)
			continue;
		/* Stamped before the send: on a veth the answer can be
		 * captured before sendmmsg returns. */
		t = now_us();
		if (pktio_send(v->io, &iov, 1) != 1)
			continue;
		h->sends[ttl]++;
		h->sent_us[ttl] = t;
		v->sent++;
		v->bytes_sent += iov.iov_len;
		n++;
	}
	return n;
}

/* 1 while a TTL of h sent in this round (at or after t0) is unanswered. */
static int waiting(const struct thost *h, uint64_t t0)
{
	int lim = limit_of(h);

	for (int ttl = 1; ttl <= lim; ttl++)
		if (!h->got[ttl].ttl && h->sends[ttl] && h->sent_us[ttl] >= t0)
			return 1;
	return 0;
}

/*
 * A host whose target stayed silent through its first window is probed
 * on up to TRACE_MAX_TTL (all at once: one more round of waiting), so a
 * path that never ends reads "N   ... 30" as nmap's does.
 */
static int extend(struct thost *h)
{
	if (h->dest_ttl || h->stop_ttl || h->want >= TRACE_MAX_TTL)
		return 0;
	h->want = TRACE_MAX_TTL;
	return 1;
}

static uint64_t round_wait_us(const struct tr *v)
{
	const struct timing *t = &v->s->opt->timing;
	uint64_t us = v->max_rtt_us ? 3 * v->max_rtt_us : t->init_rtt_ms * 1000;

	if (us < TR_MIN_WAIT_US)
		us = TR_MIN_WAIT_US;
	if (t->max_rtt_ms && us > t->max_rtt_ms * 1000)
		us = t->max_rtt_ms * 1000;
	return us;
}

/* Rounds: send what is due, read answers until all came or time is up. */
static void run_rounds(struct tr *v)
{
	while (!*v->s->stop) {
		uint64_t t0 = now_us(), end;
		size_t sent = 0, more = 0;

		for (size_t i = 0; i < v->nh; i++)
			sent += send_host(v, &v->h[i]);
		if (sent == 0) {
			for (size_t i = 0; i < v->nh; i++)
				more += (size_t)extend(&v->h[i]);
			if (more == 0)
				break;
			continue;
		}
		end = now_us() + round_wait_us(v);
		while (!*v->s->stop && now_us() < end) {
			size_t left = 0;

			pktio_wait(v->io, 2);
			pktio_dispatch(v->io, -1, on_frame, v);
			for (size_t i = 0; i < v->nh && !left; i++)
				left += (size_t)waiting(&v->h[i], t0);
			if (left == 0)
				break;
		}
	}
}

/* h's hops into its result: 1 up to the target, or the last answer. */
static void finish(struct thost *h)
{
	struct trace_result *o = h->out;
	int last = h->dest_ttl   ? h->dest_ttl
		   : h->stop_ttl ? h->stop_ttl
				 : h->want;

	o->nhops = last;
	for (int ttl = 1; ttl <= last; ttl++) {
		struct trace_hop *d = &o->hop[ttl - 1];

		*d = h->got[ttl];
		d->ttl = (uint8_t)ttl;
		d->timedout = h->got[ttl].ttl == 0;
		if (d->timedout)
			d->rtt_us = -1;
	}
}

/* nmap's probe for a host: an open TCP port, a closed one, a closed
 * UDP port, else an echo request. */
static void pick_probe(const struct hostiter_host *hh, struct trace_target *t)
{
	static const struct {
		uint8_t proto, state, kind;
	} pref[] = {
		{ IPPROTO_TCP, PS_OPEN, TRACE_TCP },
		{ IPPROTO_TCP, PS_CLOSED, TRACE_TCP },
		{ IPPROTO_UDP, PS_CLOSED, TRACE_UDP },
	};

	for (size_t k = 0; k < sizeof(pref) / sizeof(pref[0]); k++)
		for (size_t i = 0; i < hh->nrows; i++)
			if (hh->rows[i].proto == pref[k].proto &&
			    hh->rows[i].state == pref[k].state) {
				t->kind = pref[k].kind;
				t->port = hh->rows[i].port;
				return;
			}
	t->kind = TRACE_ICMP;
	t->port = 0;
}

/* The first window: the distance the reply's TTL tells, if it does. */
static uint8_t first_window(const struct hostiter_host *hh)
{
	int ttl = hh->reason_ttl, init, d;

	if (hh->why != HI_WHY_REPLY || ttl == 0)
		return TR_FIRST;
	init = ttl <= 32 ? 32 : ttl <= 64 ? 64 : ttl <= 128 ? 128 : 255;
	d = init - ttl + 1;
	return d >= 1 && d <= 30 ? (uint8_t)d : TR_FIRST;
}

struct routes {
	struct route_table v4;
	struct route_table6 v6;
};

/* The MAC of hh's next hop, and whether hh is on the link; NULL: none. */
static const uint8_t *next_hop(const struct scan *s, const struct routes *rt,
			       const struct addr *a, int *onlink)
{
	if (addr_is_v6(a)) {
		struct addr gw;

		if (route_table6_nexthop(&rt->v6, a, &gw) < 0)
			return NULL;
		*onlink = gw.family == 0;
		return neigh_get_addr(s->neigh, *onlink ? a : &gw);
	} else {
		uint32_t gw;

		if (route_table_nexthop(&rt->v4, addr_v4(a), &gw) < 0)
			return NULL;
		*onlink = gw == 0;
		return neigh_get(s->neigh, gw ? gw : addr_v4(a));
	}
}

/* Every up host: a result each; the routed ones into v->h. */
static void collect(struct tr *v, const struct routes *rt,
		    struct trace_results *out)
{
	struct hostiter *it = hostiter_new(v->s->tab, v->s->opt);
	const struct hostiter_host *hh;
	size_t ocap = 0, hcap = 0;

	while ((hh = hostiter_next(it)) != NULL) {
		const uint8_t *mac;
		struct trace_result *o;
		struct thost h;
		int onlink = 0;

		if (hh->timed_out || hh->down ||
		    (mac = next_hop(v->s, rt, &hh->addr, &onlink)) == NULL)
			continue;
		out->r = xgrow(out->r, &ocap, out->n + 1, sizeof(*out->r));
		o = &out->r[out->n++];
		memset(o, 0, sizeof(*o));
		o->addr = hh->addr;
		if (onlink) { /* nmap sends nothing: one hop, its RTT */
			o->kind = TRACE_NONE;
			o->nhops = 1;
			o->hop[0].ttl = 1;
			o->hop[0].addr = hh->addr;
			o->hop[0].rtt_us = hh->srtt_us >= 0 ? hh->srtt_us
					   : hh->rtt_us ? (int64_t)hh->rtt_us
							: -1;
			continue;
		}
		memset(&h, 0, sizeof(h));
		h.t.addr = hh->addr;
		memcpy(h.t.dmac, mac, 6);
		pick_probe(hh, &h.t);
		o->kind = h.t.kind;
		o->port = h.t.port;
		h.want = first_window(hh);
		v->h = xgrow(v->h, &hcap, v->nh + 1, sizeof(*v->h));
		v->h[v->nh++] = h;
	}
	hostiter_free(it);
	/* out->r moved while growing: point the hosts at their results. */
	for (size_t i = 0, k = 0; i < v->nh; i++) {
		while (addr_cmp(&out->r[k].addr, &v->h[i].t.addr) != 0)
			k++;
		v->h[i].out = &out->r[k];
	}
}

static int load_routes(const struct scan *s, struct routes *rt, char *err,
		       size_t errlen)
{
	memset(rt, 0, sizeof(*rt));
	if (s->opt->family == ADDR_V6)
		return route_table6_load(s->hop.ifname, &rt->v6, err, errlen);
	return route_table_load(s->hop.ifname, &rt->v4, err, errlen);
}

/* The run's context: key, source, port base and (TCP) SYN template. */
static int ctx_init(struct tr *v, char *err, size_t errlen)
{
	const struct route_hop *hop = &v->s->hop;
	struct craft_tcp_opts to = { .flags = PKT_SYN, .win = 1024, .ttl = 64 };

	if (cookie_key_random(&v->c.key) < 0) {
		snprintf(err, errlen, "traceroute: no random key");
		return -1;
	}
	v->c.src = hop->saddr.family ? hop->saddr : addr_from_v4(hop->src);
	memcpy(v->c.smac, hop->if_mac, 6);
	v->c.port0 = v->s->priv->trace_port0;
	{
		struct timespec rt;

		clock_gettime(CLOCK_REALTIME, &rt);
		v->wall_minus_mono_us = (int64_t)rt.tv_sec * 1000000 +
					rt.tv_nsec / 1000 - (int64_t)now_us();
	}
	if (addr_is_v6(&v->c.src))
		return craft_tcp6_template(&v->c.syn, v->c.smac, &v->c.src,
					   &to) < 0
			       ? (snprintf(err, errlen,
					   "traceroute: no SYN template"),
				  -1)
			       : 0;
	return craft_tcp_template(pktio_libnet(v->io), &v->c.syn, v->c.smac,
				  addr_v4(&v->c.src), &to, err, errlen);
}

int trace_run(struct scan *s, struct trace_results *out, char *err,
	      size_t errlen)
{
	struct tr v = { .s = s };
	struct routes rt;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (load_routes(s, &rt, err, errlen) < 0)
		return -1;
	collect(&v, &rt, out);
	if (v.nh == 0) {
		rc = 0;
		goto done;
	}
	if (s->priv->trace == NULL) { /* set-up saw no trace (a dry run) */
		snprintf(err, errlen, "no traceroute capture was opened");
		goto done;
	}
	if (pktio_resume(s->priv->trace, err, errlen) < 0)
		goto done;
	v.io = s->priv->trace;
	if (ctx_init(&v, err, errlen) == 0) {
		run_rounds(&v);
		for (size_t i = 0; i < v.nh; i++)
			finish(&v.h[i]);
		rc = 0;
	}
	s->st.sent += v.sent;
	s->st.bytes_sent += v.bytes_sent;
	s->st.recv += v.recv;
	s->st.bytes_recv += v.bytes_recv;
	{
		char perr[256];

		if (pktio_pause(v.io, perr, sizeof(perr)) < 0 && rc == 0) {
			snprintf(err, errlen, "%s", perr);
			rc = -1;
		}
	}
done:
	free(v.h);
	route_table_free(&rt.v4);
	route_table6_free(&rt.v6);
	return rc;
}

struct pktio *trace_open_capture(const struct scan_opts *o,
				 const struct route_hop *hop, uint16_t *port0,
				 char *err, size_t errlen)
{
	char bpf[256], a[ADDR_STRLEN];
	struct addr src = hop->saddr.family ? hop->saddr
					    : addr_from_v4(hop->src);
	uint32_t r;
	int v6 = o->family == ADDR_V6;

	if (getrandom(&r, sizeof(r), 0) != sizeof(r))
		r = (uint32_t)now_ns();
	*port0 = (uint16_t)(TR_PORT_BASE + r % TR_PORT_RAND);
	addr_format(&src, a);
	snprintf(bpf, sizeof(bpf),
		 "%s dst host %s and (%s or (tcp and dst portrange %u-%u))",
		 v6 ? "ip6" : "ip", a, v6 ? "icmp6" : "icmp", *port0 + 1u,
		 *port0 + (unsigned)TRACE_MAX_TTL);
	return pktio_open(hop->ifname, bpf, PKTIO_SNAP_HEADERS, err, errlen);
}

const struct trace_result *trace_find(const struct trace_results *tr,
				      const struct addr *addr)
{
	size_t lo = 0, hi;

	if (tr == NULL)
		return NULL;
	hi = tr->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = addr_cmp(&tr->r[mid].addr, addr);

		if (c == 0)
			return &tr->r[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void trace_results_free(struct trace_results *tr)
{
	if (tr == NULL)
		return;
	free(tr->r);
	tr->r = NULL;
	tr->n = 0;
}
