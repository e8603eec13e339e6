/* sweeprx.c -- the sweep's receive thread: each captured frame to the modules, a valid reply into the results with its RTT. */
#include "engine/sweep/synscan_int.h"

#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>

#include "engine/report/progress.h"
#include "netstack/base/util.h"
#include "netstack/packet.h"
#include "netstack/pktio.h"

/*
 * When the probe at permutation position pos was last sent, from the
 * send log: 1 with *t and *pass (the pass that sent it), or 0 if the
 * log no longer holds it.
 */
int sweep_sent_at(struct sweep *w, uint64_t pos, uint64_t *t, int *pass)
{
	struct sendlog_slot *sl = &w->sendlog[pos & ((1u << SENDLOG_BITS) - 1)];
	uint64_t p = atomic_load(&sl->pos);

	if ((p & SENDLOG_POS_MASK) != pos + 1)
		return 0;
	*t = atomic_load(&sl->t);
	*pass = (int)(p >> SENDLOG_PASS_SHIFT);
	return atomic_load(&sl->pos) == p && *t != 0;
}

/*
 * Counts a new answer for the pass whose copy drew it (the pass being
 * sent when the port does not say) and, in that pass, for the half of
 * the permutation it was sent in (the pacing trial, passes.h).
 */
static void count_draw(struct sweep *w, uint64_t pos,
		       const struct port_result *pr)
{
	int cur = atomic_load(&w->pass);
	int k = pr->pass == PASS_UNKNOWN ? cur : pr->pass;

	atomic_fetch_add(&w->pass_drawn[pass_slot(k)], 1);
	if (k == cur)
		atomic_fetch_add(&w->half_drawn[pos >= atomic_load(&w->mid)],
				 1);
	if (pr->state == PS_OPEN)
		atomic_fetch_add(&w->open, 1);
}

void sweep_record(struct sweep *w, const struct addr *target, uint16_t port,
		  const struct port_result *pr_in, uint64_t ts)
{
	int64_t ti = targets_index_of(w->o->targets, target);
	uint64_t idx, pos, slot, sent;
	struct port_result pr = *pr_in;
	int sent_pass, timed = 0, ambiguous = 1;
	int udp = pr.proto == IPPROTO_UDP;

	if (ti < 0 || (udp ? w->udp_index[port] : w->port_index[port]) < 0)
		return;
	slot = udp ? w->ntcp + (uint64_t)w->udp_index[port]
		   : (uint64_t)w->port_index[port];
	idx = (uint64_t)ti + slot * w->nt;
	pos = sweep_pos_of(w, idx);
	pr.rtt_us = 0;
	if (pos != UINT64_MAX && sweep_sent_at(w, pos, &sent, &sent_pass)) {
		/*
		 * Timed only from the copy it answers: its port names the
		 * pass (a late answer to an earlier copy is no sample);
		 * without one (-g), Karn: only a probe sent once.
		 */
		ambiguous = pr.pass == PASS_UNKNOWN ? sent_pass > 0
						    : pr.pass != sent_pass;
		/*
		 * Streaming: pass 0 lasts as long as discovery, long enough
		 * for a peer whose SYN-ACK was lost to send it again (after
		 * its initial RTO, 1 s): that delay is its timer, not the
		 * path's (a loaded run's RTO went to 4 s on them).
		 */
		if (w->feed && sent_pass == 0 && ts > sent &&
		    ts - sent >= SWEEP_PEER_RTO_NS)
			ambiguous = 1;
		if (ts > sent)
			pr.rtt_us = (ts - sent) / 1000 > UINT32_MAX
					    ? UINT32_MAX
					    : (uint32_t)((ts - sent) / 1000);
		/* The host's own answer, not a router's ICMP. */
		timed = addr_eq(&pr.from, target);
	}
	/*
	 * A duplicate is never a sample: a peer whose SYN-ACK our kernel's
	 * RST did not reach sends it again 1, 3, 7 s later, for the copy
	 * already answered, and those "RTTs" are its timer, not the path.
	 */
	if (!results_add(w->s->res, idx, &pr))
		return;
	if (timed)
		rto_sample(&w->rto, sent, ts, ambiguous);
	count_draw(w, pos, &pr);
	if (udp && pr.state == PS_CLOSED)
		atomic_fetch_add(&w->udp_closed, 1);
	if (w->o->verbose && pr.state == PS_OPEN) {
		char a[ADDR_STRLEN];

		addr_format(target, a);
		progress_clear();
		printf("Discovered open port %u/%s on %s\n", port,
		       udp ? "udp" : "tcp", a);
		fflush(stdout);
	}
}

static void on_frame(const uint8_t *frame, size_t caplen, uint64_t ts,
		     void *arg)
{
	struct sweep *w = arg;
	struct pkt_info p;
	/*
	 * The capture's timestamp (wall clock, taken by the kernel on
	 * arrival) in the monotonic clock the send log uses: RTTs do not
	 * include the time a frame waited in the ring.
	 */
	uint64_t mono = ts - w->wall_minus_mono;

	atomic_fetch_add_explicit(&w->recv, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&w->bytes_recv, caplen, memory_order_relaxed);
	switch (pkt_parse(frame, caplen, &p)) {
	case PKT_ARP:
	case PKT_ND: /* a next hop asked again between passes */
		sweep_late_note(w, &p);
		return;
	case PKT_TCP:
	case PKT_UDP:
	case PKT_ICMP_ERR:
	case PKT_ICMP6_ERR:
		break;
	default:
		return;
	}
	/* The modules tell their replies apart (module.h). */
	for (int m = w->mod_lo; m < w->nmod; m++) {
		struct port_result pr = { 0 };

		switch (w->mod[m]->classify(&w->ctx[m], &p, &pr)) {
		case SWEEP_MINE:
			atomic_fetch_add(&w->valid, 1);
			sweep_record(w, &pr.addr, pr.port, &pr, mono);
			/* One pass: the SYN-ACK is -sV's to finish. */
			if (w->handoffs && pr.state == PS_OPEN)
				sweep_onepass_note(w, &p, mono);
			return;
		case SWEEP_BOGUS:
			atomic_fetch_add(&w->bogus, 1);
			return;
		case SWEEP_NOT_OURS:
			break;
		}
	}
}

void *sweep_rx_main(void *arg)
{
	struct sweep *w = arg;

	while (!atomic_load(&w->rx_stop)) {
		pktio_wait(w->io, 5);
		if (pktio_dispatch(w->io, 4096, on_frame, w) < 0)
			break;
	}
	/* Whatever is already queued still counts. */
	while (pktio_dispatch(w->io, 4096, on_frame, w) > 0)
		;
	return NULL;
}
