/* onepass.c -- the sweep's side of one pass: SYN-ACKs kept for -sV. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/uio.h>

#include "engine/core/privsetup.h"
#include "engine/sweep/handoff.h"
#include "engine/sweep/module.h"
#include "engine/sweep/synscan_int.h"
#include "netstack/base/util.h"
#include "netstack/pktio.h"
#include "netstack/tcpseg.h"

/*
 * The half-open handshakes the sweep leaves with peers for -sV: about as
 * many as -sV starts services at once by default (VS_MAX_SERVICES), the
 * ones it can take at once. Every one held is a slot in some listener's
 * SYN queue: one daemon behind many addresses (the lab's crowd: one sshd,
 * backlog 128, 256 addresses) must not be filled up by the sweep alone.
 * Past the bound, a SYN-ACK gets the RST the kernel would have sent and
 * its port a fresh -sV connection, as without one pass.
 */
#define ONEPASS_MAX 128

int synscan_onepass_wanted(const struct scan_opts *o)
{
	return o->version_detect && !o->one_pass_off && !o->unprivileged &&
	       !o->dry_run && !o->ping_only && o->syn_scan &&
	       o->tcp_scan == TCP_SCAN_SYN && o->scanflags < 0 &&
	       o->src_port <= 0;
}

void sweep_onepass_begin(struct sweep *w)
{
	struct scan *s = w->s;

	w->handoffs = NULL;
	/* Set-up guarded the ports only if it wanted one pass (privsetup.h). */
	if (s->priv == NULL || !s->priv->onepass || w->ntcp == 0 ||
	    w->mod[0] != &sweep_mod_syn)
		return;
	if (s->handoffs == NULL) {
		s->handoffs = xmalloc(sizeof(*s->handoffs));
		handoffs_init(s->handoffs, ONEPASS_MAX);
	}
	handoffs_free(s->handoffs); /* empty: a group sweeps once */
	w->handoffs = s->handoffs;
}

void sweep_onepass_note(struct sweep *w, const struct pkt_info *p,
			uint64_t mono)
{
	uint8_t rst[TCPSEG_HDR_MAX];
	struct iovec iov = { rst, 0 };

	if (p->kind != PKT_TCP ||
	    handoffs_note(w->handoffs, p, mono / 1000000ull))
		return;
	/* Not kept: the kernel's RST, which the guard now holds back. */
	iov.iov_len = tcpseg_rst_for_synack(rst, sizeof(rst), p);
	if (iov.iov_len && !w->o->dry_run)
		pktio_send(w->io, &iov, 1);
}

void sweep_onepass_reset(struct scan *s)
{
	struct handoff_entry e;
	uint8_t f[TCPSEG_HDR_MAX];
	size_t n = 0;

	if (s->handoffs == NULL)
		return;
	/*
	 * Every way out of a group comes here (an interrupt during the
	 * sweep, a phase's error, -sV finding no service left to take
	 * them): the sweep's capture, open until privsetup_close, sends
	 * what a connection -sV never took needs, or the peer keeps it
	 * half-open (or, had it taken our ACK, established) for minutes.
	 */
	while (handoffs_next_left(s->handoffs, &e)) {
		struct iovec iov = { f, handoff_rst_frame(&e, f, sizeof(f)) };

		if (iov.iov_len && s->priv && s->priv->sweep &&
		    pktio_send(s->priv->sweep, &iov, 1) == 1)
			n++;
	}
	if (n && s->opt->debug)
		fprintf(stderr,
			"sweep: one pass: %zu held handshakes reset "
			"(-sV did not take them)\n",
			n);
}

void sweep_onepass_free(struct scan *s)
{
	if (s->handoffs == NULL)
		return;
	sweep_onepass_reset(s);
	handoffs_free(s->handoffs);
	free(s->handoffs);
	s->handoffs = NULL;
}
