/* hostiter.c -- the hosts a scan reports, with their merged port rows. */
#include "config.h"

#include "engine/core/hostiter.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/cli/targetfile.h"
#include "engine/core/runinfo.h"
#include "engine/disc/discovery.h"
#include "engine/core/hostdeadline.h"
#include "engine/sweep/module.h"
#include "engine/sweep/synscan.h"
#include "engine/vscan/vscan.h"
#include "netstack/base/util.h"
#include "netstack/oui.h"

struct hostiter {
	const struct hosttab *tab;
	const struct scan_opts *o;
	size_t k;       /* next record of the table */
	uint64_t t, nt; /* next target (-Pn, -v walks) */
	/* Discovery's verdict when it decided who is up, else NULL. */
	const struct disc_results *disc;
	int walk_all;                 /* discovery, -v: down hosts too */
	const struct target_set *all; /* discovery's targets */
	int rows_wanted;              /* 0: hostiter_count_up() */
	struct hostiter_row *rows;    /* one per scanned port */
	uint8_t silent[2];            /* unanswered: TCP's, UDP's state */
	struct hostiter_host h;
};

static struct hostiter *iter_new(const struct hosttab *t,
				 const struct scan_opts *o, int rows_wanted)
{
	struct hostiter *it = xcalloc(1, sizeof(*it));

	it->tab = t;
	it->o = o;
	it->rows_wanted = rows_wanted;
	it->silent[0] = synscan_tcp_module(o)->silent_state;
	it->silent[1] = sweep_mod_udp.silent_state;
	it->nt = targets_count(o->targets);
	if (rows_wanted)
		it->rows = xcalloc(o->ports.proto[SVC_TCP].n +
					   o->ports.proto[SVC_UDP].n + 1,
				   sizeof(*it->rows));
	it->disc = hosttab_discovered(t, &it->walk_all);
	if (it->disc) {
		it->all = it->disc->all;
		it->nt = targets_count(it->all);
	}
	return it;
}

struct hostiter *hostiter_new(const struct hosttab *t,
			      const struct scan_opts *o)
{
	return iter_new(t, o, 1);
}

void hostiter_free(struct hostiter *it)
{
	if (it == NULL)
		return;
	free(it->rows);
	free(it);
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
	const struct scan_opts *o = it->o;
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
		while (*j < h->nres && (h->res[*j].proto < proto ||
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
	const struct scan_opts *o = it->o;
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

/* <times> and the latency from the one discovery reply (nmap's rule). */
static void disc_times(const struct scan_opts *o, struct hostiter_host *h,
		       uint32_t rtt_us)
{
	const struct timing *tm = &o->timing;
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

/*
 * Why it is up (or down): discovery's verdict d when it decided, else
 * its record's; mac only when up.
 */
static void fill_why(struct hostiter *it, struct hostiter_host *h,
		     const struct hosttab_host *rec, const struct disc_host *d)
{
	if (it->disc && d == NULL) {
		h->down = 1;
		h->mac = NULL;
		h->reason = "no-response";
	} else if (it->disc) {
		h->why = d->reason == DR_ARP ? HI_WHY_ARP : HI_WHY_REPLY;
		h->reason = disc_reason_name(d->reason);
		h->reason_ttl = d->ttl;
	} else if (rec && rec->why != HI_WHY_NONE) {
		h->why = rec->why;
		h->reason = rec->reason;
		h->reason_ttl = rec->reason_ttl;
	} else if (it->o->skip_ping) {
		/* A -Pn target nothing answered for. */
		h->why = HI_WHY_USER;
		h->reason = "user-set";
	}
}

static void fill_host(struct hostiter *it, const struct addr *addr,
		      const struct hosttab_host *rec, const struct disc_host *d)
{
	const struct scan_opts *o = it->o;
	struct hostiter_host *h = &it->h;

	memset(h, 0, sizeof(*h));
	h->addr = *addr;
	addr_format(addr, h->ip);
	h->name = targets_name(it->disc ? it->all : o->targets, addr);
	h->rec = rec;
	h->srtt_us = h->rttvar_us = h->to_us = -1;
	if (rec) {
		h->res = rec->res;
		h->nres = rec->nres;
		h->mac = rec->has_mac ? rec->mac : NULL;
		h->os = rec->os;
		h->trace = rec->trace;
		h->rtt_us = rec->rtt_us;
		h->srtt_us = rec->srtt_us;
		h->rttvar_us = rec->rttvar_us;
		h->to_us = rec->to_us;
	}
	h->vendor = h->mac ? oui_lookup(o->ouis, h->mac) : NULL;
	h->timed_out = hostdeadline_timed_out(hosttab_deadlines(it->tab), addr);
	fill_why(it, h, rec, d);
	/* -sn: the discovery reply's time is the only one. */
	if (d && h->rtt_us == 0 && d->rtt_us)
		disc_times(o, h, d->rtt_us);
	if (it->rows_wanted)
		fill_rows(it);
}

/* The next record the sweep found up, or NULL. */
static const struct hosttab_host *next_up(struct hostiter *it)
{
	while (it->k < hosttab_count(it->tab)) {
		const struct hosttab_host *r = hosttab_at(it->tab, it->k++);

		if (r->why != HI_WHY_NONE)
			return r;
	}
	return NULL;
}

const struct hostiter_host *hostiter_next(struct hostiter *it)
{
	const struct hosttab_host *rec;
	struct addr a;

	/*
	 * Every target, in order, whatever it answered: -Pn, and
	 * discovery's -v walk (the down ones marked).
	 */
	if (it->walk_all || (!it->disc && it->o->skip_ping)) {
		if (it->t >= it->nt)
			return NULL;
		a = targets_at(it->disc ? it->all : it->o->targets, it->t++);
		fill_host(it, &a, hosttab_find(it->tab, &a),
			  it->disc ? disc_find(it->disc, &a) : NULL);
		return &it->h;
	}
	/* Discovery's hosts up, each with its record if it has one. */
	if (it->disc) {
		const struct disc_host *d;

		if (it->k >= it->disc->nup)
			return NULL;
		d = &it->disc->up[it->k++];
		fill_host(it, &d->addr, hosttab_find(it->tab, &d->addr), d);
		return &it->h;
	}
	/* The hosts the sweep found up, from the table. */
	rec = next_up(it);
	if (rec == NULL)
		return NULL;
	fill_host(it, &rec->addr, rec, NULL);
	return &it->h;
}

size_t hostiter_count_up(const struct hosttab *t, const struct scan_opts *o)
{
	struct hostiter *it = iter_new(t, o, 0);
	size_t n = 0;

	if (it->disc) {
		n = it->disc->nup;
	} else {
		while (hostiter_next(it))
			n++;
	}
	hostiter_free(it);
	return n;
}

void hostiter_service(const struct scan_opts *o, const struct hostiter_host *h,
		      const struct hostiter_row *row, struct hostiter_svc *out)
{
	int udp = row->proto == IPPROTO_UDP;
	const char *table =
		services_name(cli_names(o), udp ? SVC_UDP : SVC_TCP, row->port);
	/* Version detection probes TCP only. */
	const struct svc_result *r =
		row->state == PS_OPEN && !udp
			? hosttab_service(h->rec, IPPROTO_TCP, row->port)
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

const struct svc_answer *hostiter_svc_answer(const struct hostiter_host *h,
					     uint16_t port)
{
	const struct svc_result *r = hosttab_service(h->rec, IPPROTO_TCP, port);

	if (r == NULL || (r->state != VS_MATCHED && r->state != VS_SOFT))
		return NULL;
	return &r->ans;
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

void hostiter_svc_version(const struct hostiter_svc *sv, char *buf, size_t len)
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

const char *hostiter_proto_name(int proto)
{
	return proto == IPPROTO_UDP ? "udp" : "tcp";
}

void runinfo_summary(const struct run_info *ri, size_t up, char *buf,
		     size_t len)
{
	snprintf(buf, len,
		 "%llu IP address%s (%zu host%s up) scanned in %.2f seconds",
		 (unsigned long long)ri->total, ri->total == 1 ? "" : "es", up,
		 up == 1 ? "" : "s", ri->elapsed);
}
