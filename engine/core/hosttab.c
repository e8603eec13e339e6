/* hosttab.c -- the host table: per host what the phases learned. */
#include "config.h"

#include "engine/core/hosttab.h"

#include <stdlib.h>
#include <string.h>

#include "netstack/base/util.h"

struct hosttab {
	/*
	 * Pointers, sorted by address: a record never moves, so a walk's
	 * item stays valid while -sV adds services to it.
	 */
	struct hosttab_host **h;
	size_t n, cap;
	int64_t min_rtt_us, max_rtt_us;
	const struct hostdeadline *hd;
	const struct disc_results *disc; /* hosttab_set_discovery() */
	int walk_all;
	int versioned;
	struct hosttab_fp *fp;
	size_t nfp, fp_cap;
	const struct trace_results *traces;
};

struct hosttab *hosttab_new(uint64_t min_rtt_ms, uint64_t max_rtt_ms,
			    const struct hostdeadline *hd)
{
	struct hosttab *t = xcalloc(1, sizeof(*t));

	t->min_rtt_us = (int64_t)min_rtt_ms * 1000;
	t->max_rtt_us = (int64_t)max_rtt_ms * 1000;
	t->hd = hd;
	return t;
}

void hosttab_free(struct hosttab *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->h[i]->svc);
		free(t->h[i]);
	}
	free(t->h);
	free(t->fp);
	free(t);
}

/* Index of a's record, or where it goes (*found 0). */
static size_t slot(const struct hosttab *t, const struct addr *a, int *found)
{
	size_t lo = 0, hi = t->n;

	/* Phases write in address order: the end is the usual place. */
	if (t->n && addr_cmp(&t->h[t->n - 1]->addr, a) < 0) {
		*found = 0;
		return t->n;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = addr_cmp(&t->h[mid]->addr, a);

		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = 0;
	return lo;
}

/* a's record, made empty when there is none. */
static struct hosttab_host *get(struct hosttab *t, const struct addr *a)
{
	int found;
	size_t i = slot(t, a, &found);
	struct hosttab_host *h;

	if (found)
		return t->h[i];
	h = xcalloc(1, sizeof(*h));
	h->addr = *a;
	h->srtt_us = h->rttvar_us = h->to_us = -1;
	t->h = xgrow(t->h, &t->cap, t->n + 1, sizeof(*t->h));
	memmove(t->h + i + 1, t->h + i, (t->n - i) * sizeof(*t->h));
	t->h[i] = h;
	t->n++;
	return h;
}

const struct hosttab_host *hosttab_find(const struct hosttab *t,
					const struct addr *a)
{
	int found;
	size_t i;

	if (t == NULL)
		return NULL;
	i = slot(t, a, &found);
	return found ? t->h[i] : NULL;
}

size_t hosttab_count(const struct hosttab *t)
{
	return t ? t->n : 0;
}

const struct hosttab_host *hosttab_at(const struct hosttab *t, size_t i)
{
	return t && i < t->n ? t->h[i] : NULL;
}

void hosttab_set_discovery(struct hosttab *t, const struct disc_results *d,
			   int walk_all)
{
	t->disc = d;
	t->walk_all = walk_all;
}

const struct disc_results *hosttab_discovered(const struct hosttab *t,
					      int *walk_all)
{
	*walk_all = t ? t->walk_all : 0;
	return t ? t->disc : NULL;
}

void hosttab_set_mac(struct hosttab *t, const struct addr *a,
		     const uint8_t mac[6])
{
	struct hosttab_host *h = get(t, a);

	h->has_mac = 1;
	memcpy(h->mac, mac, 6);
}

/* RTTs of the host's own replies: the lowest, and nmap-style smoothing. */
static void set_times(const struct hosttab *t, struct hosttab_host *h)
{
	int64_t srtt = -1, var = -1;

	h->rtt_us = 0;
	for (size_t i = 0; i < h->nres; i++) {
		const struct port_result *r = &h->res[i];
		int64_t d;

		if (!addr_eq(&r->from, &h->addr) || r->rtt_us == 0)
			continue;
		if (h->rtt_us == 0 || r->rtt_us < h->rtt_us)
			h->rtt_us = r->rtt_us;
		if (srtt < 0) {
			srtt = r->rtt_us;
			var = srtt / 2;
			continue;
		}
		d = (int64_t)r->rtt_us - srtt;
		var = (3 * var + (d < 0 ? -d : d)) / 4;
		srtt = (7 * srtt + r->rtt_us) / 8;
	}
	h->srtt_us = srtt;
	h->rttvar_us = var;
	h->to_us = -1;
	if (srtt >= 0) {
		int64_t to = srtt + 4 * var;

		if (t->max_rtt_us > 0 && to > t->max_rtt_us)
			to = t->max_rtt_us;
		if (to < t->min_rtt_us)
			to = t->min_rtt_us;
		h->to_us = to;
	}
}

/* Why a host the sweep saw is up, when discovery did not decide. */
static void sweep_why(const struct hosttab *t, struct hosttab_host *h,
		      int skip_ping)
{
	if (t->disc)
		return;
	h->why = HI_WHY_NONE;
	h->reason = NULL;
	h->reason_ttl = 0;
	if (h->has_mac) {
		/* nmap still ARPs on-link hosts under -Pn, and says so. */
		h->why = HI_WHY_ARP;
		/* nmap's names: ND is IPv6's ARP. */
		h->reason = addr_is_v6(&h->addr) ? "nd-response"
						 : "arp-response";
	} else if (skip_ping) {
		h->why = HI_WHY_USER;
		h->reason = "user-set";
	} else {
		for (size_t i = 0; i < h->nres; i++) {
			if (!addr_eq(&h->res[i].from, &h->addr))
				continue;
			h->why = HI_WHY_REPLY;
			h->reason = port_reason_name(h->res[i].reason);
			h->reason_ttl = h->res[i].ttl;
			break;
		}
	}
}

void hosttab_set_ports(struct hosttab *t, const struct port_result *res,
		       size_t n, int skip_ping)
{
	/* A later call replaces the slices: the store may have moved. */
	for (size_t i = 0; i < t->n; i++) {
		t->h[i]->res = NULL;
		t->h[i]->nres = 0;
	}
	for (size_t i = 0; i < n;) {
		struct hosttab_host *h = get(t, &res[i].addr);
		size_t j = i;

		while (j < n && addr_eq(&res[j].addr, &h->addr))
			j++;
		h->res = res + i;
		h->nres = j - i;
		i = j;
	}
	for (size_t i = 0; i < t->n; i++) {
		set_times(t, t->h[i]);
		sweep_why(t, t->h[i], skip_ping);
	}
}

void hosttab_set_why(struct hosttab *t, const struct addr *a, int skip_ping)
{
	sweep_why(t, get(t, a), skip_ping);
}

void hosttab_set_service(struct hosttab *t, const struct addr *a, int proto,
			 uint16_t port, const struct svc_result *r)
{
	struct hosttab_host *h = get(t, a);
	size_t i = 0;

	while (i < h->nsvc &&
	       (h->svc[i].proto < proto ||
		(h->svc[i].proto == proto && h->svc[i].port < port)))
		i++;
	if (i < h->nsvc && h->svc[i].proto == proto && h->svc[i].port == port) {
		h->svc[i].r = r;
		return;
	}
	h->svc = xgrow(h->svc, &h->svc_cap, h->nsvc + 1, sizeof(*h->svc));
	memmove(h->svc + i + 1, h->svc + i, (h->nsvc - i) * sizeof(*h->svc));
	h->svc[i] = (struct hosttab_svc){ .port = port,
					  .proto = (uint8_t)proto,
					  .r = r };
	h->nsvc++;
}

const struct svc_result *hosttab_service(const struct hosttab_host *h,
					 int proto, uint16_t port)
{
	size_t lo = 0, hi = h ? h->nsvc : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct hosttab_svc *s = &h->svc[mid];

		if (s->proto == proto && s->port == port)
			return s->r;
		if (s->proto < proto || (s->proto == proto && s->port < port))
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void hosttab_add_fp(struct hosttab *t, const struct addr *a, uint16_t port,
		    const char *fp)
{
	t->fp = xgrow(t->fp, &t->fp_cap, t->nfp + 1, sizeof(*t->fp));
	t->fp[t->nfp++] =
		(struct hosttab_fp){ .addr = *a, .port = port, .fp = fp };
}

size_t hosttab_nfp(const struct hosttab *t)
{
	return t ? t->nfp : 0;
}

const struct hosttab_fp *hosttab_fp_at(const struct hosttab *t, size_t i)
{
	return i < t->nfp ? &t->fp[i] : NULL;
}

void hosttab_set_versioned(struct hosttab *t)
{
	t->versioned = 1;
}

int hosttab_versioned(const struct hosttab *t)
{
	return t && t->versioned;
}

void hosttab_set_os(struct hosttab *t, const struct addr *a,
		    const struct os_result *r)
{
	get(t, a)->os = r;
}

void hosttab_set_trace(struct hosttab *t, const struct addr *a,
		       const struct trace_result *r)
{
	get(t, a)->trace = r;
}

void hosttab_set_traces(struct hosttab *t, const struct trace_results *all)
{
	t->traces = all;
}

const struct trace_results *hosttab_traces(const struct hosttab *t)
{
	return t ? t->traces : NULL;
}

void hosttab_set_deadlines(struct hosttab *t, const struct hostdeadline *hd)
{
	if (t)
		t->hd = hd;
}

const struct hostdeadline *hosttab_deadlines(const struct hosttab *t)
{
	return t ? t->hd : NULL;
}
