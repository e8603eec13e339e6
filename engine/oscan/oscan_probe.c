/* oscan_probe.c -- -O's probes: send, match replies, RTO, per-round clock. */
#include "config.h"

#include "engine/oscan/oscan_int.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netstack/base/util.h"
#include "fingerprints/osattr.h"
#include "fingerprints/osprobe.h"
#include "netstack/packet.h"
#include "netstack/pktio.h"

uint64_t os_now_us(void)
{
	return now_ns() / 1000;
}

uint32_t os_rnd32(struct os *v)
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

void os_on_frame(const uint8_t *frame, size_t caplen, uint64_t ts, void *arg)
{
	struct os *v = arg;
	struct pkt_info p;
	struct oshost *h;
	uint64_t now = os_now_us();
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
	pp.ipid = (uint16_t)os_rnd32(v);
	/* nmap's default: a random TTL of 37-59 on TCP and ICMP probes. */
	pp.ttl = (uint8_t)(37 + os_rnd32(v) % 23);
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

int os_have_open(const struct oshost *h)
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
	int seq_done = !os_have_open(h) || h->ps[OSP_SEQ6].sends;
	int answered = slot_of((struct os_round *)rd, k)->got;

	*ready = 0;
	if (k <= OSP_SEQ6) {
		if (!os_have_open(h) || h->ps[k].sends)
			return 0;
		*ready = now >= v->round_start_us + (uint64_t)k * OS_SEQ_GAP_US;
		return 1;
	}
	if (k < OSP_IE1 && !os_have_open(h) && !osprobe_tcp_spec(k)->to_closed)
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
int os_host_step(struct os *v, struct oshost *h, uint64_t now)
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
