/* oscan.c -- the OS detection phase (-O): nmap's probes to every up host. */
#include "config.h"

#include "engine/oscan/oscan_int.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "engine/core/hostdeadline.h"
#include "engine/core/hostiter.h"
#include "engine/core/privsetup.h"
#include "engine/report/progress.h"
#include "netstack/base/util.h"
#include "engine/vscan/vscan.h"
#include "fingerprints/osattr.h"
#include "fingerprints/osprobe.h"
#include "netstack/pktio.h"

/* ---- rounds -------------------------------------------------------- */

/* Why nmap would not trust this host's print (OmitSubmissionFP). */
static const char *omit_reason(const struct os *v, const struct oshost *h)
{
	const struct os_result *r = h->out;

	if (v->o->timing.scan_delay_ms > 500)
		return "Scan delay is greater than 500";
	if (v->o->timing.level > 4)
		return "Timing level 5 (Insane) used";
	if (r->open_port < 0)
		return "Missing an open TCP port so results incomplete";
	if (!h->closed_known)
		return "Missing a closed TCP port so results incomplete";
	if (r->distance < -1)
		return "Host distance appears to be negative";
	if (r->distance > 5)
		return "Host distance is greater than five";
	if (h->max_timing_ratio > 1.4)
		return "maxTimingRatio is greater than 1.4";
	if (!h->closed_udp_seen)
		return "Didn't receive UDP response. Please try again with -sSU";
	return NULL;
}

static void end_round(struct os *v, struct oshost *h)
{
	struct os_result tmp;
	struct osmatch_list ml;
	struct osfp *fp = xmalloc(sizeof(*fp));
	struct os_round *rd = h->rd;
	double acc, ratio;
	int max_tries = v->o->max_os_tries;

	memset(&tmp, 0, sizeof(tmp));
	memset(&ml, 0, sizeof(ml));
	rd->have_open = os_have_open(h);
	rd->have_closed = h->closed_known;
	rd->scan_delay_ms = v->o->timing.scan_delay_ms;
	osattr_compute(rd, fp, &tmp);
	if (rd->u1.got)
		h->closed_udp_seen = 1;
	if (os_have_open(h) && h->ps[OSP_SEQ6].sends) {
		ratio = (double)(h->ps[OSP_SEQ6].sent_us -
				 h->ps[OSP_SEQ1].sent_us) /
			(OS_SEQ_GAP_US * 5.0);
		if (ratio > h->max_timing_ratio)
			h->max_timing_ratio = ratio;
	}
	if (v->db)
		osdb_match(v->db, fp, &ml);
	acc = ml.n ? ml.m[0].accuracy : 0;
	h->rounds++;
	if (!h->have_best || acc > h->best_acc) {
		struct os_result *o = h->out;

		h->have_best = 1;
		h->best_acc = acc;
		o->have_fp = 1;
		o->fp = *fp;
		o->matches = ml;
		o->seq_index = tmp.seq_index;
		o->seq_difficulty = tmp.seq_difficulty;
		memcpy(o->isn, tmp.isn, sizeof(o->isn));
		o->nisn = tmp.nisn;
		o->ipid_class = tmp.ipid_class;
		memcpy(o->ipid, tmp.ipid, sizeof(o->ipid));
		o->nipid = tmp.nipid;
		o->ts_class = tmp.ts_class;
		memcpy(o->tsval, tmp.tsval, sizeof(o->tsval));
		o->ntsval = tmp.ntsval;
		o->uptime_s = tmp.uptime_s;
		o->lastboot = tmp.lastboot;
		if (!h->onlink) {
			o->distance = tmp.distance;
			o->dist_method = tmp.distance >= 0 ? 'I' : 0;
		}
	}
	free(fp);
	if (omit_reason(v, h) && max_tries > OS_STD_TRIES)
		max_tries = OS_STD_TRIES;
	if (ml.nperfect > 0 || h->rounds >= max_tries)
		h->finished = 1;
	if (v->o->debug) {
		char a[ADDR_STRLEN];

		fprintf(stderr, "OS round %d on %s: best %.2f%s\n", h->rounds,
			addr_format(&h->out->addr, a), acc * 100,
			ml.nperfect ? " (perfect)" : "");
	}
}

/* A -v line for the screen, through the run's outputs when it has them. */
static void say(struct os *v, const char *line)
{
	progress_clear();
	if (v->s->screen) {
		v->s->screen(v->s->screen_arg, line);
	} else {
		fputs(line, stdout);
		fflush(stdout);
	}
}

static void print_round(struct os *v, int round, size_t nactive,
			const struct oshost *one)
{
	char a[ADDR_STRLEN], what[64];

	if (!v->o->verbose)
		return;
	if (nactive == 1) {
		snprintf(what, sizeof(what), "%s",
			 addr_format(&one->out->addr, a));
	} else {
		snprintf(what, sizeof(what), "%zu hosts", nactive);
	}
	{
		char line[128];

		snprintf(line, sizeof(line),
			 "%s OS detection (try #%d) against %s\n",
			 round == 0 ? "Initiating" : "Retrying", round + 1,
			 what);
		say(v, line);
	}
}

static void run_round(struct os *v, int round)
{
	size_t nactive = 0;
	struct oshost *one = NULL;
	uint64_t start;

	v->seq_base = os_rnd32(v);
	v->ack = os_rnd32(v);
	v->icmp_id = (uint16_t)os_rnd32(v);
	v->u1_ttl = (uint8_t)(time(NULL) % 14 + 51);
	v->tcp_base = (uint16_t)(v->port0 + (unsigned)round * OS_ROUND_STEP);
	v->udp_base = (uint16_t)(v->tcp_base + OSP_U1);
	for (size_t i = 0; i < v->nh; i++) {
		struct oshost *h = &v->h[i];

		if (h->finished)
			continue;
		memset(h->rd, 0, sizeof(*h->rd));
		memset(h->ps, 0, sizeof(h->ps));
		h->rd->seq_base = v->seq_base;
		h->rd->ack = v->ack;
		h->rd->u1_ttl = v->u1_ttl;
		h->rd->u1_sport = v->udp_base;
		h->rd->u1_dport = (uint16_t)h->out->closed_udp;
		h->rd->u1_udp_csum =
			osprobe_u1_udp_csum(v->s->hop.src, h->addr, v->udp_base,
					    (uint16_t)h->out->closed_udp);
		h->round_done = 0;
		h->last_send_us = 0;
		nactive++;
		one = h;
	}
	if (nactive == 0)
		return;
	print_round(v, round, nactive, one);
	start = v->round_start_us = os_now_us();
	for (;;) {
		uint64_t now = os_now_us();
		size_t running = 0;

		if (*v->s->stop)
			break;
		for (size_t i = 0; i < v->nh; i++) {
			struct oshost *h = &v->h[i];

			if (h->finished || h->round_done)
				continue;
			/* --host-timeout: dropped, no result reported. */
			if (hostdeadline_expired(v->s->hd, &h->out->addr,
						 now * 1000))
				h->finished = 1;
			else if (os_host_step(v, h, now))
				running++;
			else
				h->round_done = 1;
		}
		if (running == 0)
			break;
		pktio_wait(v->io, 2);
		pktio_dispatch(v->io, -1, os_on_frame, v);
	}
	(void)start;
	for (size_t i = 0; i < v->nh; i++)
		if (!v->h[i].finished)
			end_round(v, &v->h[i]);
}

/* ---- set-up ------------------------------------------------------- */

/* nmap's port choice for one host; 0 if it is to be skipped. */
static int pick_ports(struct os *v, const struct hostiter_host *hh,
		      struct oshost *h)
{
	const struct scan *s = v->s;
	struct os_result *o = h->out;

	o->open_port = o->closed_port = o->closed_udp = -1;
	for (size_t i = 0; i < hh->nres; i++) {
		const struct port_result *r = &hh->res[i];
		const struct svc_result *sv;

		/* nmap's U1 goes to a UDP port -sU found closed, if any. */
		if (r->proto == IPPROTO_UDP && r->state == PS_CLOSED &&
		    r->port && o->closed_udp < 0)
			o->closed_udp = r->port;
		if (r->proto != IPPROTO_TCP || r->port == 0)
			continue;
		if (r->state == PS_OPEN && o->open_port < 0) {
			sv = vscan_find(s->svc, &hh->addr, r->port);
			if (sv == NULL || sv->state != VS_TCPWRAPPED)
				o->open_port = r->port;
		}
		if (r->state == PS_CLOSED && o->closed_port < 0)
			o->closed_port = r->port;
	}
	/* No closed port (-sA): nmap takes an unfiltered one, whose RST
	 * is as good. */
	for (size_t i = 0; o->closed_port < 0 && i < hh->nres; i++)
		if (hh->res[i].state == PS_UNFILTERED && hh->res[i].port &&
		    hh->res[i].proto == IPPROTO_TCP)
			o->closed_port = hh->res[i].port;
	/* Every open port tcpwrapped: nmap still uses the last one. */
	if (o->open_port < 0)
		for (size_t i = 0; i < hh->nres; i++)
			if (hh->res[i].state == PS_OPEN && hh->res[i].port &&
			    hh->res[i].proto == IPPROTO_TCP)
				o->open_port = hh->res[i].port;
	h->closed_known = o->closed_port >= 0;
	o->unreliable = o->open_port < 0 || o->closed_port < 0;
	if (o->unreliable && v->o->osscan_limit) {
		if (v->o->verbose) {
			char line[160];

			snprintf(line, sizeof(line),
				 "Skipping OS Scan against %s due to absence "
				 "of open (or perhaps closed) ports\n",
				 hh->ip);
			say(v, line);
		}
		return 0;
	}
	if (o->closed_port < 0)
		o->closed_port = (int)(30000 + os_rnd32(v) % 14781);
	if (o->closed_udp < 0)
		o->closed_udp = (int)(30000 + os_rnd32(v) % 14781);
	return 1;
}

static void finish_host(struct os *v, struct oshost *h)
{
	struct os_result *o = h->out;
	struct osfp_scaninfo si;
	char oui[8];
	size_t need;

	if (h->onlink) {
		o->distance = 1;
		o->dist_method = 'D';
	}
	o->omit_reason = omit_reason(v, h);
	o->good_conditions = o->omit_reason == NULL;
	if (!h->closed_udp_seen)
		o->closed_udp = -1;
	if (!h->closed_known)
		o->closed_port = -1;
	if (!o->have_fp)
		return;
	memset(&si, 0, sizeof(si));
	si.version = PACKAGE_VERSION;
	si.when = time(NULL);
	si.open_port = o->open_port;
	si.closed_port = o->closed_port;
	si.closed_udp = o->closed_udp;
	/* 198.18.0.0/15 is not in nmap's private list: PV=N. */
	si.private_addr = (h->addr >> 24) == 10 || (h->addr >> 20) == 0xac1 ||
			  (h->addr >> 16) == 0xc0a8;
	si.distance = o->distance;
	si.dist_method = o->dist_method ? o->dist_method : 'I';
	si.good = o->good_conditions;
	if (h->onlink) {
		snprintf(oui, sizeof(oui), "%02X%02X%02X", h->mac[0], h->mac[1],
			 h->mac[2]);
		si.mac_oui = oui;
	}
	si.platform = "x86_64-pc-linux-gnu";
	need = osfp_format_submission(&o->fp, &si, NULL, 0);
	o->submission = xmalloc(need + 1);
	osfp_format_submission(&o->fp, &si, o->submission, need + 1);
}

static void run_group(struct os *v)
{
	for (size_t i = 0; i < v->nh; i++)
		v->h[i].rd = xcalloc(1, sizeof(*v->h[i].rd));
	for (int round = 0; round < v->o->max_os_tries && !*v->s->stop;
	     round++) {
		int left = 0;

		for (size_t i = 0; i < v->nh; i++)
			left += !v->h[i].finished;
		if (left == 0)
			break;
		if (round > 0) {
			struct timespec ts = { 0, OS_ROUND_GAP_MS * 1000000L };

			nanosleep(&ts, NULL);
		}
		run_round(v, round);
	}
	for (size_t i = 0; i < v->nh; i++) {
		finish_host(v, &v->h[i]);
		free(v->h[i].rd);
		v->h[i].rd = NULL;
	}
}

const struct os_result *oscan_find(const struct os_results * or,
				   const struct addr *addr)
{
	size_t lo = 0, hi;

	if (or == NULL)
		return NULL;
	hi = or->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = addr_cmp(& or->r[mid].addr, addr);

		if (c == 0)
			return or->r[mid].done ? & or->r[mid] : NULL;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void oscan_results_free(struct os_results * or)
{
	if (or == NULL)
		return;
	for (size_t i = 0; i < or->n; i++)
		free(or->r[i].submission);
	free(or->r);
	or->r = NULL;
	or->n = 0;
}

struct pktio *oscan_open_capture(const struct scan_opts *o,
				 const struct route_hop *hop, uint16_t *port0,
				 char *err, size_t errlen)
{
	char bpf[200], a[INET_ADDRSTRLEN];
	struct in_addr in = { .s_addr = htonl(hop->src) };
	uint32_t r;

	if (getrandom(&r, sizeof(r), 0) != sizeof(r))
		r = (uint32_t)now_ns();
	*port0 = (uint16_t)(OS_PORT_BASE + r % OS_PORT_RAND);
	inet_ntop(AF_INET, &in, a, sizeof(a));
	snprintf(bpf, sizeof(bpf),
		 "dst host %s and (icmp or (tcp and dst portrange %u-%u))", a,
		 *port0,
		 *port0 + OS_ROUND_STEP * (unsigned)o->max_os_tries +
			 OSP_NKINDS);
	return pktio_open(hop->ifname, bpf, PKTIO_SNAP_FULL, err, errlen);
}

/* The run's random state and its wall clock against the monotonic one. */
static void seed_clocks(struct os *v)
{
	struct timespec rtc;

	if (getrandom(&v->rng, sizeof(v->rng), 0) != sizeof(v->rng) || !v->rng)
		v->rng = now_ns() | 1;
	clock_gettime(CLOCK_REALTIME, &rtc);
	v->wall_minus_mono_us = (uint64_t)rtc.tv_sec * 1000000ull +
				(uint64_t)rtc.tv_nsec / 1000 - os_now_us();
}

/*
 * Every up host, with its ports and next hop, into *all (their results
 * into out); returns how many.
 */
static size_t collect_hosts(struct os *v, const struct route_table *rt,
			    struct os_results *out, struct oshost **all)
{
	struct hostiter *it = hostiter_new(v->s->tab, v->s->opt);
	const struct hostiter_host *hh;
	size_t nall = 0, cap = 0, ocap = 0;

	while ((hh = hostiter_next(it)) != NULL) {
		struct oshost h;
		struct os_result *o;
		uint32_t gw = 0;
		const uint8_t *mac = NULL;

		/* nmap's IPv6 OS engine is another one (FPEngine): these
		 * IPv4 probes skip IPv6 hosts, which get no OS result. */
		if (hh->timed_out || addr_is_v6(&hh->addr))
			continue;
		out->r = xgrow(out->r, &ocap, out->n + 1, sizeof(*out->r));
		o = &out->r[out->n++];
		memset(o, 0, sizeof(*o));
		o->addr = hh->addr;
		o->distance = -1;
		o->seq_index = -1;
		memset(&h, 0, sizeof(h));
		h.addr = addr_v4(&hh->addr);
		h.out = o;
		if (!pick_ports(v, hh, &h))
			continue; /* --osscan-limit */
		if (route_table_nexthop(rt, h.addr, &gw) == 0)
			mac = neigh_get(v->s->neigh, gw ? gw : h.addr);
		if (mac == NULL)
			continue; /* no next hop: nothing can be sent */
		o->done = 1;
		memcpy(h.mac, mac, 6);
		h.onlink = gw == 0;
		*all = xgrow(*all, &cap, nall + 1, sizeof(**all));
		(*all)[nall++] = h;
	}
	hostiter_free(it);
	return nall;
}

/* The run's counts: printed with --debug, added to the scan's. */
static void add_counts(struct os *v)
{
	struct scan *s = v->s;

	if (s->opt->debug)
		fprintf(stderr,
			"OS detection: %llu probes sent, %llu frames "
			"captured\n",
			(unsigned long long)v->sent,
			(unsigned long long)v->recv);
	s->st.sent += v->sent;
	s->st.bytes_sent += v->bytes_sent;
	s->st.recv += v->recv;
	s->st.bytes_recv += v->bytes_recv;
}

int oscan_run(struct scan *s, const struct osdb *db, struct os_results *out,
	      char *err, size_t errlen)
{
	struct os v = { .s = s, .o = s->opt, .db = db };
	struct route_table rt = { 0 };
	struct oshost *all = NULL;
	size_t nall;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	seed_clocks(&v);
	if (route_table_load(s->hop.ifname, &rt, err, errlen) < 0)
		return -1;
	nall = collect_hosts(&v, &rt, out, &all);
	/* out->r moved while growing: point the hosts at their results. */
	for (size_t i = 0, k = 0; i < nall; i++) {
		while (addr_v4(&out->r[k].addr) != all[i].addr)
			k++;
		all[i].out = &out->r[k];
	}
	if (nall == 0) {
		rc = 0;
		goto done;
	}
	/* The run's capture (privsetup), its port range fixed with it. */
	v.port0 = s->priv->os_port0;
	if (s->priv->os == NULL) { /* set-up saw no -O (a dry run) */
		snprintf(err, errlen, "no -O capture was opened");
		goto done;
	}
	if (pktio_resume(s->priv->os, err, errlen) < 0)
		goto done;
	v.io = s->priv->os;
	for (size_t g = 0; g < nall && !*s->stop; g += OS_GROUP) {
		v.h = all + g;
		v.nh = nall - g < OS_GROUP ? nall - g : OS_GROUP;
		run_group(&v);
	}
	add_counts(&v);
	rc = 0;
done:
	if (v.io && pktio_pause(v.io, err, errlen) < 0)
		rc = -1;
	free(all);
	route_table_free(&rt);
	return rc;
}
