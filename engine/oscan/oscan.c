/* oscan.c -- the OS detection phase (-O): nmap's probes to every up host. */
#include "config.h"

#include "engine/oscan/oscan.h"

#include <arpa/inet.h>
#include <netinet/in.h>
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
#include "netstack/packet.h"
#include "netstack/pktio.h"

/*
 * Source ports: nmap's base of 33000 plus a random offset, the probe's
 * number added (SEQ 0-5, OPS 6-11, ECN 12, T1-T7 13-19) and 256 more per
 * round, so a late reply to an earlier round is never taken for this
 * one's. The range stays below the sweep's 61000 and -sV's 62100.
 */
#define OS_PORT_BASE 33000
#define OS_PORT_RAND 12000
#define OS_ROUND_STEP 256
#define OS_GROUP 256          /* hosts probed at once */
#define OS_SEQ_GAP_US 100000  /* nmap's OS_SEQ_PROBE_DELAY */
#define OS_PROBE_GAP_MS 25    /* nmap's OS_PROBE_DELAY */
#define OS_MAX_SENDS 4        /* nmap retries until tryno 3 */
/*
 * nmap sleeps 1 s between rounds (2.5 s before the fourth). Nothing in
 * the probes needs that long here: Linux rate-limits its port
 * unreachables per peer with a burst of 6, far above one U1 per round.
 */
#define OS_ROUND_GAP_MS 100
#define OS_STD_TRIES 2        /* nmap's STANDARD_OS2_TRIES */

struct pstate {
	uint8_t sends;   /* times sent this round */
	uint64_t sent_us; /* last send, monotonic */
};

struct oshost {
	struct os_result *out; /* out->addr: the host as struct addr */
	uint32_t addr;         /* the same, host order, for the IPv4 frames
				  this engine sends and matches */
	uint8_t mac[6];
	int onlink;
	int closed_known;      /* a closed port the sweep saw (R=N for T5-7) */
	int closed_udp_seen;   /* U1 was answered in some round */
	int finished;          /* perfect match, or out of rounds */
	int rounds;
	double best_acc;
	int have_best;
	double max_timing_ratio;
	uint64_t srtt_us, rttvar_us;
	int rtt_samples;
	uint64_t last_send_us;
	struct os_round *rd;   /* the current round (heap: it is large) */
	struct pstate ps[OSP_NKINDS];
	int round_done;
};

struct os {
	struct scan *s;
	const struct scan_opts *o;
	const struct osdb *db;
	struct pktio *io;
	struct oshost *h;      /* the current group, by address */
	size_t nh;
	uint64_t wall_minus_mono_us;
	uint64_t rng;
	/* This round's values, shared by the group as in nmap. */
	uint16_t port0;        /* the run's random port base */
	uint16_t tcp_base, udp_base, icmp_id;
	uint32_t seq_base, ack;
	uint8_t u1_ttl;
	uint64_t round_start_us;
	uint64_t sent, recv, bytes_sent, bytes_recv;
};

static uint64_t now_us(void)
{
	return now_ns() / 1000;
}

static uint32_t rnd32(struct os *v)
{
	v->rng ^= v->rng << 13;
	v->rng ^= v->rng >> 7;
	v->rng ^= v->rng << 17;
	return (uint32_t)(v->rng >> 16);
}

static int cmp_addr(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a;
	const struct oshost *y = b;

	return x < y->addr ? -1 : x > y->addr;
}

static struct oshost *find_host(struct os *v, uint32_t addr)
{
	return bsearch(&addr, v->h, v->nh, sizeof(*v->h), cmp_addr);
}

static uint64_t rto_us(const struct os *v, const struct oshost *h)
{
	const struct timing *t = &v->o->timing;
	uint64_t us = h->rtt_samples ? h->srtt_us + 4 * h->rttvar_us
				     : t->init_rtt_ms * 1000;

	if (us < t->min_rtt_ms * 1000)
		us = t->min_rtt_ms * 1000;
	if (us > t->max_rtt_ms * 1000)
		us = t->max_rtt_ms * 1000;
	return us;
}

static void rtt_sample(struct oshost *h, uint64_t rtt)
{
	if (h->rtt_samples++ == 0) {
		h->srtt_us = rtt;
		h->rttvar_us = rtt / 2;
	} else {
		uint64_t d = h->srtt_us > rtt ? h->srtt_us - rtt
					      : rtt - h->srtt_us;

		h->rttvar_us = (3 * h->rttvar_us + d) / 4;
		h->srtt_us = (7 * h->srtt_us + rtt) / 8;
	}
}

/* The reply slot a probe kind fills. */
static struct os_reply *slot_of(struct os_round *rd, int k)
{
	if (k <= OSP_SEQ6)
		return &rd->seq[k];
	if (k <= OSP_OPS6)
		return &rd->ops[k - OSP_OPS1];
	if (k == OSP_ECN)
		return &rd->ecn;
	if (k <= OSP_T7)
		return &rd->t[k - OSP_T1];
	if (k <= OSP_IE2)
		return &rd->ie[k - OSP_IE1];
	return &rd->u1;
}

/* ---- receive ------------------------------------------------------ */

static void got_reply(struct os *v, struct oshost *h, int k,
		      const struct pkt_info *p, uint64_t now)
{
	struct os_reply *r = slot_of(h->rd, k);

	if (r->got || h->ps[k].sends == 0)
		return;
	osattr_reply_from_pkt(p, now, r);
	r->retrans = h->ps[k].sends > 1;
	if (now > h->ps[k].sent_us)
		rtt_sample(h, now - h->ps[k].sent_us);
	/* SEQ1's reply is T1, as in nmap. */
	if (k == OSP_SEQ1 && !h->rd->t[0].got)
		h->rd->t[0] = *r;
	(void)v;
}

static void on_frame(const uint8_t *frame, size_t caplen, uint64_t ts,
		     void *arg)
{
	struct os *v = arg;
	struct pkt_info p;
	struct oshost *h;
	uint64_t now = now_us();
	int k;

	(void)ts;
	v->recv++;
	v->bytes_recv += caplen;
	switch (pkt_parse(frame, caplen, &p)) {
	case PKT_TCP:
		if (p.ip.dst != v->s->hop.src ||
		    (h = find_host(v, p.ip.src)) == NULL || h->rd == NULL)
			return;
		k = (int)p.tcp.dport - v->tcp_base;
		if (k < 0 || k > OSP_T7)
			return;
		if (p.tcp.sport != (osprobe_tcp_spec(k)->to_closed
					    ? h->out->closed_port
					    : h->out->open_port))
			return;
		got_reply(v, h, k, &p, now);
		return;
	case PKT_ICMP:
		if (p.icmp.type != 0 || p.ip.dst != v->s->hop.src ||
		    (h = find_host(v, p.ip.src)) == NULL || h->rd == NULL)
			return;
		k = (int)(uint16_t)(p.icmp.id - v->icmp_id);
		if (k == 0 || k == 1)
			got_reply(v, h, OSP_IE1 + k, &p, now);
		return;
	case PKT_ICMP_ERR:
		if (p.icmp.type != 3 || p.icmp.code != 3 ||
		    p.inner.ip.proto != 17 || !p.inner.has_l4 ||
		    p.inner.ip.src != v->s->hop.src ||
		    (h = find_host(v, p.inner.ip.dst)) == NULL ||
		    h->rd == NULL || p.inner.sport != v->udp_base ||
		    p.inner.dport != h->out->closed_udp)
			return;
		got_reply(v, h, OSP_U1, &p, now);
		return;
	default:
		return;
	}
}

/* ---- send --------------------------------------------------------- */

static int send_probe(struct os *v, struct oshost *h, int k, uint64_t now)
{
	struct osprobe_params pp;
	uint8_t frame[OSP_FRAME_MAX];
	struct iovec iov;
	size_t n;

	memset(&pp, 0, sizeof(pp));
	memcpy(pp.smac, v->s->hop.if_mac, 6);
	memcpy(pp.dmac, h->mac, 6);
	pp.saddr = v->s->hop.src;
	pp.daddr = h->addr;
	pp.ipid = (uint16_t)rnd32(v);
	/* nmap's default: a random TTL of 37-59 on TCP and ICMP probes. */
	pp.ttl = (uint8_t)(37 + rnd32(v) % 23);
	pp.ack = v->ack;
	pp.seq = v->seq_base;
	pp.icmp_id = v->icmp_id;
	if (k < OSP_IE1) {
		pp.sport = (uint16_t)(v->tcp_base + k);
		pp.dport = (uint16_t)(osprobe_tcp_spec(k)->to_closed
					      ? h->out->closed_port
					      : h->out->open_port);
		if (k <= OSP_SEQ6)
			pp.seq = v->seq_base + (uint32_t)k;
	} else if (k == OSP_U1) {
		pp.sport = v->udp_base;
		pp.dport = (uint16_t)h->out->closed_udp;
		pp.ttl = v->u1_ttl;
	}
	n = osprobe_build(k, &pp, frame, sizeof(frame));
	iov.iov_base = frame;
	iov.iov_len = n;
	if (n == 0 || pktio_send(v->io, &iov, 1) != 1)
		return -1;
	v->sent++;
	v->bytes_sent += n;
	h->ps[k].sends++;
	h->ps[k].sent_us = now;
	h->last_send_us = now;
	if (k <= OSP_SEQ6)
		h->rd->seq_sent_us[k] = now + v->wall_minus_mono_us;
	return 0;
}

static int have_open(const struct oshost *h)
{
	return h->out->open_port >= 0;
}

static int timed_out(const struct os *v, const struct oshost *h, int k,
		     uint64_t now)
{
	return h->ps[k].sends && now >= h->ps[k].sent_us + rto_us(v, h);
}

/*
 * Does probe k still have to go out (now or later) this round? SEQ
 * probes go once; OPS re-sends and T1 only stand in for a SEQ probe that
 * went unanswered; everything else is retried up to OS_MAX_SENDS.
 */
static int pending(const struct os *v, const struct oshost *h, int k,
		   uint64_t now, int *ready)
{
	const struct os_round *rd = h->rd;
	int seq_done = !have_open(h) || h->ps[OSP_SEQ6].sends;
	int answered = slot_of((struct os_round *)rd, k)->got;

	*ready = 0;
	if (k <= OSP_SEQ6) {
		if (!have_open(h) || h->ps[k].sends)
			return 0;
		*ready = now >= v->round_start_us +
					(uint64_t)k * OS_SEQ_GAP_US;
		return 1;
	}
	if (k < OSP_IE1 && !have_open(h) && !osprobe_tcp_spec(k)->to_closed)
		return 0;
	if (k <= OSP_OPS6 || k == OSP_T1) {
		int s = k == OSP_T1 ? 0 : k - OSP_OPS1;

		if (rd->seq[s].got || (k == OSP_T1 && rd->t[0].got))
			return 0;
		if (!h->ps[s].sends)
			return 1; /* its SEQ probe has not gone yet */
		if (!timed_out(v, h, s, now))
			return 1; /* it may still answer */
	}
	if (answered || h->ps[k].sends >= OS_MAX_SENDS)
		return 0;
	/*
	 * The echoes wait for the last SEQ probe, as in nmap: SS compares
	 * their IP IDs with the SEQ replies'. The other probes use the
	 * 100 ms gaps between SEQ probes (nmap sends them after the SEQ
	 * phase): a shared counter then steps by a few instead of 1 between
	 * SEQ replies, which still reads as I/BI, and the round takes
	 * little more than the SEQ phase.
	 */
	if (!seq_done && (k == OSP_IE1 || k == OSP_IE2))
		return 1;
	*ready = h->ps[k].sends == 0 || timed_out(v, h, k, now);
	return 1;
}

/* Sends this host's next due probe. Returns 1 while the round goes on. */
static int host_step(struct os *v, struct oshost *h, uint64_t now)
{
	uint64_t gap = v->o->timing.scan_delay_ms > OS_PROBE_GAP_MS
			       ? v->o->timing.scan_delay_ms * 1000
			       : OS_PROBE_GAP_MS * 1000;
	int busy = 0, sent = 0;

	/* SEQ probes keep their own 100 ms clock; the rest keep 25 ms. */
	for (int k = 0; k < OSP_NKINDS; k++) {
		int ready;

		if (!pending(v, h, k, now, &ready))
			continue;
		busy = 1;
		if (!ready || sent)
			continue;
		if (k > OSP_SEQ6 && now < h->last_send_us + gap)
			continue;
		if (send_probe(v, h, k, now) == 0)
			sent = 1;
	}
	if (busy)
		return 1;
	/* Nothing left to send: wait out the last probes' timeouts. */
	for (int k = 0; k < OSP_NKINDS; k++)
		if (h->ps[k].sends && !slot_of(h->rd, k)->got &&
		    !timed_out(v, h, k, now))
			return 1;
	return 0;
}

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
	rd->have_open = have_open(h);
	rd->have_closed = h->closed_known;
	rd->scan_delay_ms = v->o->timing.scan_delay_ms;
	osattr_compute(rd, fp, &tmp);
	if (rd->u1.got)
		h->closed_udp_seen = 1;
	if (have_open(h) && h->ps[OSP_SEQ6].sends) {
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

	v->seq_base = rnd32(v);
	v->ack = rnd32(v);
	v->icmp_id = (uint16_t)rnd32(v);
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
		h->rd->u1_udp_csum = osprobe_u1_udp_csum(
			v->s->hop.src, h->addr, v->udp_base,
			(uint16_t)h->out->closed_udp);
		h->round_done = 0;
		h->last_send_us = 0;
		nactive++;
		one = h;
	}
	if (nactive == 0)
		return;
	print_round(v, round, nactive, one);
	start = v->round_start_us = now_us();
	for (;;) {
		uint64_t now = now_us();
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
			else if (host_step(v, h, now))
				running++;
			else
				h->round_done = 1;
		}
		if (running == 0)
			break;
		pktio_wait(v->io, 2);
		pktio_dispatch(v->io, -1, on_frame, v);
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
		o->closed_port = (int)(30000 + rnd32(v) % 14781);
	if (o->closed_udp < 0)
		o->closed_udp = (int)(30000 + rnd32(v) % 14781);
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
	si.private_addr = (h->addr >> 24) == 10 ||
			  (h->addr >> 20) == 0xac1 || (h->addr >> 16) == 0xc0a8;
	si.distance = o->distance;
	si.dist_method = o->dist_method ? o->dist_method : 'I';
	si.good = o->good_conditions;
	if (h->onlink) {
		snprintf(oui, sizeof(oui), "%02X%02X%02X", h->mac[0],
			 h->mac[1], h->mac[2]);
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

const struct os_result *oscan_find(const struct os_results *or,
				   const struct addr *addr)
{
	size_t lo = 0, hi;

	if (or == NULL)
		return NULL;
	hi = or->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = addr_cmp(&or->r[mid].addr, addr);

		if (c == 0)
			return or->r[mid].done ? &or->r[mid] : NULL;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void oscan_results_free(struct os_results *or)
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

int oscan_run(struct scan *s, const struct osdb *db, struct os_results *out,
	      char *err, size_t errlen)
{
	struct os v = { .s = s, .o = s->opt, .db = db };
	struct route_table rt = { 0 };
	struct hostiter *it;
	const struct hostiter_host *hh;
	struct oshost *all = NULL;
	size_t nall = 0, cap = 0, ocap = 0;
	struct timespec rtc;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (getrandom(&v.rng, sizeof(v.rng), 0) != sizeof(v.rng) || !v.rng)
		v.rng = now_ns() | 1;
	clock_gettime(CLOCK_REALTIME, &rtc);
	v.wall_minus_mono_us = (uint64_t)rtc.tv_sec * 1000000ull +
			       (uint64_t)rtc.tv_nsec / 1000 - now_us();
	if (route_table_load(s->hop.ifname, &rt, err, errlen) < 0)
		return -1;

	/* Every up host, with its ports and next hop. */
	it = hostiter_new(s);
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
		if (!pick_ports(&v, hh, &h))
			continue; /* --osscan-limit */
		if (route_table_nexthop(&rt, h.addr, &gw) == 0)
			mac = neigh_get(s->neigh, gw ? gw : h.addr);
		if (mac == NULL)
			continue; /* no next hop: nothing can be sent */
		o->done = 1;
		memcpy(h.mac, mac, 6);
		h.onlink = gw == 0;
		all = xgrow(all, &cap, nall + 1, sizeof(*all));
		all[nall++] = h;
	}
	hostiter_free(it);
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
	if (s->opt->debug)
		fprintf(stderr, "OS detection: %llu probes sent, %llu frames "
				"captured\n",
			(unsigned long long)v.sent,
			(unsigned long long)v.recv);
	s->st.sent += v.sent;
	s->st.bytes_sent += v.bytes_sent;
	s->st.recv += v.recv;
	s->st.bytes_recv += v.bytes_recv;
	rc = 0;
done:
	if (v.io && pktio_pause(v.io, err, errlen) < 0)
		rc = -1;
	free(all);
	route_table_free(&rt);
	return rc;
}
