/* vscan_retry.c -- -sV probes a one-connection daemon refused or left unanswered, tried again. */
#include <string.h>

#include "engine/vscan/vscan_int.h"

/*
 * OpenVPN (tcp-server, not --mode server) leaves the connections behind
 * its one client in the listen queue and resets them when that client
 * leaves, and it restarts (resetting the client too) when its poll timer
 * ran out while it listened; its listener is back about a second later:
 * the pause covers that. A wrapper (tcpd, a daemon refusing the address)
 * closes with a FIN, which is tcpwrapped at once; a NULL probe reset
 * without a byte gets these rounds first.
 */
#define VS_REFUSED_WAIT_MS 1500
#define VS_REFUSED_ROUNDS 2

void vs_note_refused(struct pconn *pc)
{
	struct service *sv = pc->svc;
	int n = sv->nrefused;

	/* Refused before the handshake: the port was closed for a moment
	 * (the daemon between two clients), which no wrapper does. */
	if (!pc->established)
		sv->not_wrapped = 1;
	/* Only the NULL probe and the port's own probes: many daemons
	 * reset any probe they cannot parse, and retrying every one of
	 * those would cost each unnamed service several seconds. */
	if (pc->rank > (int)svcdb_nprobes(sv->vs->db))
		return;
	if (pc->len > 0 || pc->concluded || pc->is_rpc || pc->probe == NULL ||
	    pc->rank >= (1 << 21) || !vs_retry_left(sv) || n >= VS_REFUSED_MAX)
		return;
	for (int i = 0; i < n; i++)
		if (sv->refused[i] == pc->probe)
			return;
	sv->refused[n] = pc->probe;
	sv->refused_rank[n] = pc->rank;
	sv->refused_tls[n] = pc->is_tls_probe;
	sv->nrefused = n + 1;
	vs_trace(sv->vs, pc, "reset before a byte (tried again later)");
}

int vs_retry_left(const struct service *sv)
{
	return sv->refused_rounds < VS_REFUSED_ROUNDS;
}

static int null_refused(const struct service *sv)
{
	for (int i = 0; i < sv->nrefused; i++)
		if (sv->refused[i] == svcdb_null_probe(sv->vs->db))
			return 1;
	return 0;
}

int vs_retry_refused(struct service *sv, uint64_t now)
{
	int n = sv->nrefused, k = 0;

	/* Nothing stayed open or spoke and the NULL probe is not to be
	 * tried again: every connection was closed on us (tcpwrapped),
	 * not a daemon busy with another. */
	if (n == 0 || (!sv->not_wrapped && !null_refused(sv)))
		return 0;
	if (sv->refused_quiet == 0)
		sv->refused_quiet = now;
	if (now - sv->refused_quiet < VS_REFUSED_WAIT_MS)
		return 1;
	/* One at a time, first in nmap's order: side by side, all but
	 * one would be reset again. */
	for (int i = 1; i < n; i++)
		if (sv->refused_rank[i] < sv->refused_rank[k])
			k = i;
	const struct svc_probe *p = sv->refused[k];
	int rank = sv->refused_rank[k], tls = sv->refused_tls[k];

	sv->refused[k] = sv->refused[n - 1];
	sv->refused_rank[k] = sv->refused_rank[n - 1];
	sv->refused_tls[k] = sv->refused_tls[n - 1];
	sv->nrefused = n - 1;
	sv->refused_quiet = 0;
	sv->refused_rounds++;
	if (vs_start_probe(sv, p, rank, tls) < 0)
		return sv->nrefused > 0;
	vs_mark_dirty(sv);
	return 1;
}

void vs_note_silent(struct pconn *pc)
{
	struct service *sv = pc->svc;
	int k = sv->nsilent;

	if (pc->probe == NULL || pc->rank >= (1 << 21) ||
	    pc->probe == svcdb_null_probe(sv->vs->db))
		return;
	for (int i = 0; i < sv->nsilent; i++)
		if (sv->silent[i] == pc->probe) /* a retry, silent again */
			return;
	if (k == VS_SILENT_MAX) { /* full: replace the last in nmap's order */
		k = 0;
		for (int i = 1; i < VS_SILENT_MAX; i++)
			if (sv->silent_rank[i] > sv->silent_rank[k])
				k = i;
		if (sv->silent_rank[k] < pc->rank)
			return;
	} else {
		sv->nsilent++;
	}
	sv->silent[k] = pc->probe;
	sv->silent_rank[k] = pc->rank;
	sv->silent_tls[k] = pc->is_tls_probe;
}

/* A match line of p (not a softmatch) names service. */
static int hard_line_for(const struct svc_probe *p, const char *service)
{
	for (size_t i = 0; i < p->nmatches; i++)
		if (!p->matches[i].soft &&
		    strcmp(p->matches[i].service, service) == 0)
			return 1;
	return 0;
}

int vs_retry_silent(struct service *sv)
{
	const struct svc_probe *p;
	int k = -1, rank, tls;

	if (sv->silent_retried >= VS_SILENT_TRIES || !sv->have_soft ||
	    !sv->spoke || sv->best.kind == SVC_HARD)
		return 0;
	for (int i = 0; i < sv->nsilent; i++)
		if (hard_line_for(sv->silent[i], sv->soft.service) &&
		    (k < 0 || sv->silent_rank[i] < sv->silent_rank[k]))
			k = i;
	if (k < 0)
		return 0;
	p = sv->silent[k];
	rank = sv->silent_rank[k];
	tls = sv->silent_tls[k];
	/* Out of the list: back in only if the retry is silent too. */
	sv->nsilent--;
	sv->silent[k] = sv->silent[sv->nsilent];
	sv->silent_rank[k] = sv->silent_rank[sv->nsilent];
	sv->silent_tls[k] = sv->silent_tls[sv->nsilent];
	sv->silent_retried++;
	if (vs_start_probe(sv, p, rank, tls) < 0)
		return 0;
	vs_trace(sv->vs, sv->conns, "sent again alone (silent before)");
	vs_mark_dirty(sv);
	return 1;
}
