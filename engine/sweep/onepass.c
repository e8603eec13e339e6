/* onepass.c -- the sweep's side of one pass: SYN-ACKs kept for -sV. */
#include <stdlib.h>

#include "engine/core/privsetup.h"
#include "engine/sweep/handoff.h"
#include "engine/sweep/module.h"
#include "engine/sweep/synscan_int.h"
#include "netstack/base/util.h"

/*
 * Bounds the table (about 80 bytes an entry): past it, open ports get a
 * fresh -sV connection as without one pass, their half-open handshakes
 * left to the peer's own timeout.
 */
#define ONEPASS_MAX (1u << 18)

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
	if (p->kind == PKT_TCP)
		handoffs_note(w->handoffs, p, mono / 1000000ull);
}

void sweep_onepass_free(struct scan *s)
{
	if (s->handoffs == NULL)
		return;
	handoffs_free(s->handoffs);
	free(s->handoffs);
	s->handoffs = NULL;
}
