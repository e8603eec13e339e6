/* hostiter.c -- the hosts a scan reports, with their merged port rows. */
#include "config.h"

#include "engine/core/hostiter.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/hostdeadline.h"
#include "engine/oscan/oscan.h"
#include "engine/trace/trace.h"
#include "netstack/oui.h"
#include "engine/report/report_writer.h"
#include "engine/cli/targetfile.h"
#include "engine/disc/discovery.h"
#include "netstack/base/util.h"
#include "engine/sweep/module.h"
#include "engine/vscan/vscan.h"

struct hostiter {
	const struct scan *s;
	const struct port_result *res; /* every answer, by address and port */
	size_t nres, i;                /* next unread answer */
	uint64_t t, nt;                /* next target (-Pn, -v walks) */
	const struct disc_results *disc; /* discovery decided (or NULL) */
	int walk_all;                  /* discovery, -v: down hosts too */
	struct addr *arp;              /* targets that answered ARP, sorted */
	size_t narp, k;                /* next unread ARP answer */
	int rows_wanted;               /* 0: hostiter_count_up() */
	struct hostiter_row *rows;     /* one per scanned TCP port */
	uint8_t silent[2];             /* unanswered: TCP's, UDP's state */
	struct hostiter_host h;
};

/*
 * The MAC an on-link target answered ARP (IPv4) or neighbour discovery
 * (IPv6) with, or NULL.
 */
static const uint8_t *arp_mac(const struct scan *s, const struct addr *a)
{
	return neigh_get_addr(s->neigh, a);
}

static int is_up(const struct scan *s, const struct addr *addr,
		 const struct port_result *r, size_t nr)
{
	if (s->opt->skip_ping || arp_mac(s, addr))
		return 1;
	for (size_t i = 0; i < nr; i++)
		if (addr_eq(&r[i].from, addr))
			return 1;
	return 0;
}

static struct hostiter *iter_new(const struct scan *s, int rows_wanted)
{
	const struct scan_opts *o = s->opt;
	struct hostiter *it = xmalloc(sizeof(*it));
	size_t cap = 0;

	it->s = s;
	it->rows_wanted = rows_wanted;
	it->silent[0] = synscan_tcp_module(o)->silent_state;
	it->silent[1] = sweep_mod_udp.silent_state;
	/* Sorting needs the store writable; nothing else touches it now. */
	it->res = results_sorted(((struct scan *)s)->res, &it->nres);
	it->nt = targets_count(o->targets);
	if (rows_wanted)
		it->rows = xcalloc(o->ports.proto[SVC_TCP].n +
					   o->ports.proto[SVC_UDP].n + 1,
				   sizeof(*it->rows));
	if (s->disc && !s->disc->user_set) {
		it->disc = s->disc;
		it->walk_all = o->verbose && !o->open_only;
		it->nt = targets_count(s->disc->all);
		return it;
	}
	if (o->skip_ping)
		return it;
	/*
	 * Walk the targets only as far as the ARP answers go: replies are
	 * usually far fewer than targets.
	 */
	for (uint64_t t = 0; t < it->nt && neigh_count(s->neigh); t++) {
		struct addr a = targets_at(o->targets, t);

		if (arp_mac(s, &a)) {
			it->arp = xgrow(it->arp, &cap, it->narp + 1,
					sizeof(*it->arp));
			it->arp[it->narp++] = a;
		}
		if (it->narp == neigh_count(s->neigh))
			break;
	}
	return it;
}

struct hostiter *hostiter_new(const struct scan *s)
{
	return iter_new(s, 1);
}

void hostiter_free(struct hostiter *it)
{
	if (it == NULL)
		return;
	free(it->arp);
	free(it->rows);
	free(it);
}

/* RTTs of the host's own replies: the lowest, and nmap-style smoothing. */
static void fill_times(const struct scan *s, struct hostiter_host *h)
{
	const struct timing *tm = &s->opt->timing;
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
		int64_t lo = (int64_t)tm->min_rtt_ms * 1000;
		int64_t hi = (int64_t)tm->max_rtt_ms * 1000;

		if (hi > 0 && to > hi)
			to = hi;
		if (to < lo)
			to = lo;
		h->to_us = to;
	}
}

/* nmap's PortList::isIgnoredState() for this host's counts. */
static int state_ignored(const struct scan_opts *o, int st, uint64_t n)
{
	uint64_t max_shown = HOSTITER_MAX_SHOWN *
			     (uint64_t)(o->verbose > 1 ? o->verbose : 1);

	if (st == PS_OPEN || st == PS_UNKNOWN || n == 0)
		return 0;
	if (o->open_only && st != PS_OPEN_FILTERED && st != PS_UNFILTERED)
		return 1;
	return n > max_shown;
}

/*
 * Merges one protocol's scanned ports with the answered ones into rows
 * from *k on; *j walks h->res (sorted by protocol, then port).
 */
static void fill_proto(struct hostiter *it, int proto, size_t *j, size_t *k)
{
	const struct scan_opts *o = it->s->opt;
	const struct port_list *pl =
		&o->ports.proto[proto == IPPROTO_UDP ? SVC_UDP : SVC_TCP];
	struct hostiter_host *h = &it->h;
	int pi = proto == IPPROTO_UDP;

	for (size_t i = 0; i < pl->n; i++) {
		struct hostiter_row *r = &it->rows[*k];
		const struct port_result *x;

		/* -iL host:port: the ports this host was not scanned on. */
		if (o->pairs && !pairs_wanted(o->pairs, &h->addr, pl->ports[i]))
			continue;
		(*k)++;

		memset(r, 0, sizeof(*r));
		r->port = pl->ports[i];
		r->proto = (uint8_t)proto;
		while (*j < h->nres &&
		       (h->res[*j].proto < proto ||
			(h->res[*j].proto == proto &&
			 h->res[*j].port < r->port)))
			(*j)++;
		x = *j < h->nres ? &h->res[*j] : NULL;
		if (x && x->proto == proto && x->port == r->port) {
			r->state = x->state;
			r->reason = x->reason;
			r->ttl = x->ttl;
			/* A zero from: unknown (-sT: the kernel's
			 * unreachable does not say who sent it). */
			if (!addr_eq(&x->from, &h->addr) &&
			    !addr_eq(&x->from, &(struct addr){ 0 })) {
				r->routed = 1;
				r->from = x->from;
			}
		} else {
			/* nmap: silence is what the protocol's module says:
			 * filtered for SYN and ACK, open|filtered for UDP,
			 * FIN, NULL... (an open port may not answer). */
			r->state = it->silent[pi];
			r->reason = RS_NO_RESPONSE;
		}
		if (r->state >= PS_NSTATES)
			r->state = PS_UNKNOWN;
		if (r->reason >= RS_NREASONS)
			r->reason = RS_NONE;
		h->count[r->state]++;
		h->rcount[r->state][r->reason]++;
		h->prcount[pi][r->state][r->reason]++;
	}
}

/* Merges the scanned ports with the answered ones; counts and ignores. */
static void fill_rows(struct hostiter *it)
{
	const struct scan_opts *o = it->s->opt;
	struct hostiter_host *h = &it->h;
	size_t j = 0, k = 0;

	fill_proto(it, IPPROTO_TCP, &j, &k);
	if (o->udp_scan)
		fill_proto(it, IPPROTO_UDP, &j, &k);
	h->rows = it->rows;
	h->nrows = k;
	for (int st = 0; st < PS_NSTATES; st++) {
		h->ignored[st] = state_ignored(o, st, h->count[st]);
		if (h->ignored[st])
			h->order[h->nignored++] = st;
		else
			h->shown += h->count[st];
	}
	/* Most rows first, ties by state number (insertion keeps them). */
	for (int a = 1; a < h->nignored; a++) {
		int st = h->order[a], b = a;

		for (; b > 0 && h->count[h->order[b - 1]] < h->count[st]; b--)
			h->order[b] = h->order[b - 1];
		h->order[b] = st;
	}
	h->hidden = o->open_only && h->count[PS_OPEN] == 0 &&
		    h->count[PS_OPEN_FILTERED] == 0 &&
		    h->count[PS_UNFILTERED] == 0;
}

/* Up or down and why, as discovery found; the MAC only when up. */
static void disc_why(struct hostiter *it, struct hostiter_host *h)
{
	const struct disc_host *d = disc_find(it->disc, &h->addr);

	if (d == NULL) {
		h->down = 1;
		h->mac = NULL;
		h->reason = "no-response";
		return;
	}
	h->why = d->reason == DR_ARP ? HI_WHY_ARP : HI_WHY_REPLY;
	h->reason = disc_reason_name(d->reason);
	h->reason_ttl = d->ttl;
}

/* <times> and the latency from the one discovery reply (nmap's rule). */
static void disc_times(const struct scan *s, struct hostiter_host *h,
		       uint32_t rtt_us)
{
	const struct timing *tm = &s->opt->timing;
	int64_t to, lo = (int64_t)tm->min_rtt_ms * 1000;
	int64_t hi = (int64_t)tm->max_rtt_ms * 1000;

	h->rtt_us = rtt_us;
	h->srtt_us = rtt_us;
	/* nmap's first sample: rttvar = max(5 ms, srtt). */
	h->rttvar_us = rtt_us > 5000 ? rtt_us : 5000;
	to = h->srtt_us + 4 * h->rttvar_us;
	if (hi > 0 && to > hi)
		to = hi;
	h->to_us = to < lo ? lo : to;
}

static void fill_host(struct hostiter *it, const struct addr *addr,
		      const struct port_result *r, size_t nr)
{
	const struct scan *s = it->s;
	struct hostiter_host *h = &it->h;

	memset(h, 0, sizeof(*h));
	h->addr = *addr;
	addr_format(addr, h->ip);
	h->name = targets_name(it->disc ? it->disc->all : s->opt->targets,
			       addr);
	h->res = r;
	h->nres = nr;
	h->mac = arp_mac(s, addr);
	h->vendor = h->mac ? oui_lookup(s->opt->ouis, h->mac) : NULL;
	h->timed_out = hostdeadline_timed_out(s->hd, addr);
	h->os = oscan_find(s->os, addr);
	h->trace = trace_find(s->trace, addr);
	if (it->disc) {
		disc_why(it, h);
	} else if (h->mac) {
		/* nmap still ARPs on-link hosts under -Pn, and says so. */
		h->why = HI_WHY_ARP;
		/* nmap's names: ND is IPv6's ARP. */
		h->reason = addr_is_v6(addr) ? "nd-response" : "arp-response";
	} else if (s->opt->skip_ping) {
		h->why = HI_WHY_USER;
		h->reason = "user-set";
	} else {
		for (size_t i = 0; i < nr; i++) {
			if (!addr_eq(&r[i].from, addr))
				continue;
			h->why = HI_WHY_REPLY;
			h->reason = port_reason_name(r[i].reason);
			h->reason_ttl = r[i].ttl;
			break;
		}
	}
	fill_times(s, h);
	/* -sn: the discovery reply's time is the only one. */
	if (it->disc && h->rtt_us == 0 && !h->down) {
		const struct disc_host *d = disc_find(it->disc, addr);

		if (d && d->rtt_us)
			disc_times(s, h, d->rtt_us);
	}
	if (it->rows_wanted)
		fill_rows(it);
}

/* The answers for a, from it->i on (results are in address order). */
static const struct port_result *res_of(struct hostiter *it,
					const struct addr *a, size_t *n)
{
	size_t j;

	while (it->i < it->nres && addr_cmp(&it->res[it->i].addr, a) < 0)
		it->i++;
	for (j = it->i; j < it->nres && addr_eq(&it->res[j].addr, a); j++)
		;
	*n = j - it->i;
	it->i = j;
	return it->res + j - *n;
}

/* After discovery: its up hosts, or with -v every target of the group. */
static const struct hostiter_host *disc_next(struct hostiter *it)
{
	const struct port_result *r;
	struct addr a;
	size_t n;

	if (it->walk_all) {
		if (it->t >= it->nt)
			return NULL;
		a = targets_at(it->disc->all, it->t++);
	} else {
		if (it->k >= it->disc->nup)
			return NULL;
		a = it->disc->up[it->k++].addr;
	}
	r = res_of(it, &a, &n);
	fill_host(it, &a, r, n);
	return &it->h;
}

const struct hostiter_host *hostiter_next(struct hostiter *it)
{
	const struct scan_opts *o = it->s->opt;
	const struct port_result *res = it->res;
	size_t nres = it->nres;

	if (it->disc)
		return disc_next(it);
	/* -Pn: every target, in order, whatever it answered. */
	if (o->skip_ping) {
		struct addr a;
		size_t j;

		if (it->t >= it->nt)
			return NULL;
		a = targets_at(o->targets, it->t++);
		while (it->i < nres && addr_cmp(&res[it->i].addr, &a) < 0)
			it->i++;
		for (j = it->i; j < nres && addr_eq(&res[j].addr, &a); j++)
			;
		fill_host(it, &a, res + it->i, j - it->i);
		it->i = j;
		return &it->h;
	}
	/* Replies and ARP answers, merged in address order. */
	while (it->i < nres || it->k < it->narp) {
		struct addr a;
		size_t j, i0 = it->i;

		if (it->k < it->narp &&
		    (it->i >= nres ||
		     addr_cmp(&it->arp[it->k], &res[it->i].addr) <= 0))
			a = it->arp[it->k];
		else
			a = res[it->i].addr;
		while (it->k < it->narp && addr_eq(&it->arp[it->k], &a))
			it->k++;
		for (j = i0; j < nres && addr_eq(&res[j].addr, &a); j++)
			;
		it->i = j;
		if (!is_up(it->s, &a, res + i0, j - i0))
			continue;
		fill_host(it, &a, res + i0, j - i0);
		return &it->h;
	}
	return NULL;
}

size_t hostiter_count_up(const struct scan *s)
{
	struct hostiter *it;
	size_t n = 0;

	if (s->grouped)
		return s->hosts_up;
	it = iter_new(s, 0);
	if (it->disc) {
		n = it->disc->nup;
		hostiter_free(it);
		return n;
	}
	while (hostiter_next(it))
		n++;
	hostiter_free(it);
	return n;
}

void hostiter_service(const struct scan *s, const struct hostiter_host *h,
		      const struct hostiter_row *row, struct hostiter_svc *out)
{
	int udp = row->proto == IPPROTO_UDP;
	const char *table = services_name(cli_names(s->opt),
					  udp ? SVC_UDP : SVC_TCP, row->port);
	/* Version detection probes TCP only. */
	const struct svc_result *r =
		row->state == PS_OPEN && !udp
			? vscan_find(s->svc, &h->addr, row->port)
			: NULL;

	memset(out, 0, sizeof(*out));
	out->conf = 3;
	if (r == NULL || r->state == VS_NOMATCH || r->state == VS_EXCLUDED) {
		out->name = table;
		out->tunnel = r && r->tunnel;
		out->guess = r && table;
		out->fp = r ? r->fp : NULL;
		return;
	}
	out->probed = 1;
	if (r->state == VS_TCPWRAPPED) {
		out->name = "tcpwrapped";
		out->conf = 8;
		return;
	}
	out->name = r->ans.service;
	/* A softmatch has its print too: the one report_fingerprints()
	 * lists, kept in XML and NDJSON as nmap does. */
	out->fp = r->fp;
	out->tunnel = r->tunnel || r->ans.ssl;
	out->conf = 10;
	out->ans = &r->ans;
	out->rpc_prog = r->rpc_prog;
	out->rpc_low = r->rpc_low;
	out->rpc_high = r->rpc_high;
}

int hostiter_svc_cpes(const struct hostiter_svc *sv, const char *out[3])
{
	static const char parts[] = "aho";
	const struct svc_answer *a = sv->ans;
	int n = 0;

	for (int k = 0; a && k < 3; k++) {
		const char *last = NULL;

		for (int c = 0; c < a->ncpe && c < SVC_MAX_CPE; c++)
			if (strncmp(a->cpe[c], "cpe:/", 5) == 0 &&
			    a->cpe[c][5] == parts[k])
				last = a->cpe[c];
		if (last)
			out[n++] = last;
	}
	return n;
}

void hostiter_svc_cell(const struct hostiter_svc *sv, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", sv->tunnel ? "ssl/" : "",
		 sv->name ? sv->name : "unknown", sv->guess ? "?" : "");
}

void hostiter_svc_version(const struct hostiter_svc *sv, char *buf,
			  size_t len)
{
	char p[128], v[128], i[300];
	size_t k = 0;

	if (len)
		buf[0] = '\0';
	if (sv->ans == NULL || len == 0)
		return;
	hostiter_safe_text(sv->ans->product, p, sizeof(p));
	hostiter_safe_text(sv->ans->version, v, sizeof(v));
	hostiter_safe_text(sv->ans->info, i, sizeof(i));
	/* product version (extrainfo), each part only when present. */
	k += (size_t)snprintf(buf + k, len - k, "%s", p);
	if (*v && k < len)
		k += (size_t)snprintf(buf + k, len - k, "%s%s", k ? " " : "",
				      v);
	if (*i && k < len)
		snprintf(buf + k, len - k, "%s(%s)", k ? " " : "", i);
}

void hostiter_safe_text(const char *in, char *out, size_t len)
{
	size_t k = 0;

	if (len == 0)
		return;
	for (; *in && k + 5 < len; in++) {
		unsigned char c = (unsigned char)*in;

		if (c >= 0x20 && c < 0x7f) {
			out[k++] = (char)c;
		} else {
			snprintf(out + k, len - k, "\\x%02x", c);
			k += 4;
		}
	}
	out[k] = '\0';
}

void hostiter_ctime(time_t t, char *buf, size_t len)
{
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, len, "%a %b %e %H:%M:%S %Y", &tm);
}

uint64_t hostiter_total(const struct scan *s)
{
	return targets_count(s->opt->targets);
}

double hostiter_elapsed(const struct scan *s)
{
	uint64_t end = s->st.end_ns ? s->st.end_ns : now_ns();

	/* start_ns is 0 when the sweep never began (an early error). */
	if (s->st.start_ns == 0 || end < s->st.start_ns)
		return 0.0;
	return (double)(end - s->st.start_ns) / 1e9;
}

time_t hostiter_end_wall(const struct scan *s)
{
	return s->st.end_wall ? s->st.end_wall : time(NULL);
}

void hostiter_summary(const struct scan *s, size_t up, char *buf,
		      size_t len)
{
	uint64_t nt = hostiter_total(s);

	snprintf(buf, len,
		 "%llu IP address%s (%zu host%s up) scanned in %.2f seconds",
		 (unsigned long long)nt, nt == 1 ? "" : "es", up,
		 up == 1 ? "" : "s", hostiter_elapsed(s));
}

static void ranges_flush(struct hostiter_ranges *r)
{
	if (r->first == r->last)
		fprintf(r->f, "%u", r->first);
	else
		fprintf(r->f, "%u-%u", r->first, r->last);
}

void hostiter_ranges_add(struct hostiter_ranges *r, uint16_t port)
{
	if (r->have && port == r->last + 1) {
		r->last = port;
		return;
	}
	if (r->have) {
		ranges_flush(r);
		fputc(',', r->f);
	}
	r->have = 1;
	r->first = r->last = port;
}

void hostiter_ranges_end(struct hostiter_ranges *r)
{
	if (r->have)
		ranges_flush(r);
	r->have = 0;
}

size_t hostiter_utf8(const unsigned char *p, uint32_t *cp)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xbf;
	size_t n, i;
	uint32_t v;

	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		v = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0; /* overlong */
		if (c == 0xed)
			hi = 0x9f; /* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		v = c & 0x07;
		if (c == 0xf0)
			lo = 0x90; /* overlong */
		if (c == 0xf4)
			hi = 0x8f; /* past U+10FFFF */
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		/* A NUL terminator fails here too: no read past the end. */
		if (p[i] < lo || p[i] > hi)
			return 0;
		lo = 0x80;
		hi = 0xbf;
		v = (v << 6) | (p[i] & 0x3f);
	}
	if (v == 0xfffe || v == 0xffff)
		return 0;
	*cp = v;
	return n;
}

void report_write_all(const struct report_writer *w, FILE *f,
		      const struct scan *s)
{
	struct hostiter *it = hostiter_new(s);
	const struct hostiter_host *h;

	w->begin(f, s);
	while ((h = hostiter_next(it)) != NULL)
		w->host(f, s, h);
	hostiter_free(it);
	w->end(f, s, s->st.interrupted,
	       s->st.interrupted ? "interrupted" : NULL);
}

const char *hostiter_proto_name(int proto)
{
	return proto == IPPROTO_UDP ? "udp" : "tcp";
}
