/* report.c -- nmap's normal output: the interactive screen and -oN files. */
#include "config.h"

#include "engine/report.h"

#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "engine/util.h"
#include "engine/vscan.h"

/* nmap shows a state's ports only while there are at most this many. */
#define MAX_SHOWN_PER_STATE 25

static void ip_str(uint32_t a, char *buf, size_t len)
{
	struct in_addr in = { .s_addr = htonl(a) };

	inet_ntop(AF_INET, &in, buf, (socklen_t)len);
}

void report_sigdigits(double v, int digits, char *buf, size_t len)
{
	int decimals = 0;

	if (v > 0) {
		int mag = (int)floor(log10(v));

		decimals = digits - 1 - mag;
		if (decimals < 0)
			decimals = 0;
		if (decimals > 12)
			decimals = 12;
	}
	snprintf(buf, len, "%.*f", decimals, v);
}

/* Everything known about one host, assembled from the sorted results. */
struct host_view {
	uint32_t addr;
	const struct port_result *r; /* this host's answered ports */
	size_t nr;
	const uint8_t *mac;          /* on-link: answered ARP */
	uint32_t rtt_us;
	const struct port_result *first; /* earliest reply from the host */
};

static int is_up(const struct scan *s, const struct host_view *h)
{
	if (s->opt->skip_ping || h->mac)
		return 1;
	for (size_t i = 0; i < h->nr; i++)
		if (h->r[i].from == h->addr)
			return 1;
	return 0;
}

static void host_fill(const struct scan *s, struct host_view *h,
		      uint32_t addr, const struct port_result *r, size_t nr)
{
	memset(h, 0, sizeof(*h));
	h->addr = addr;
	h->r = r;
	h->nr = nr;
	h->mac = neigh_get(s->neigh, addr);
	for (size_t i = 0; i < nr; i++) {
		if (r[i].from != addr)
			continue;
		if (h->first == NULL)
			h->first = &r[i];
		if (r[i].rtt_us && (h->rtt_us == 0 || r[i].rtt_us < h->rtt_us))
			h->rtt_us = r[i].rtt_us;
	}
}

/*
 * Calls fn for every host to report, in address order: hosts with replies,
 * hosts that answered ARP and, with -Pn, every target.
 */
static size_t for_each_host(const struct scan *s,
			    void (*fn)(FILE *, const struct scan *,
				       const struct host_view *),
			    FILE *f)
{
	const struct scan_opts *o = s->opt;
	size_t nres, i = 0, up = 0;
	const struct port_result *res =
		results_sorted(((struct scan *)s)->res, &nres);
	uint64_t nt = targets_count(o->targets);
	struct host_view h;

	/*
	 * Walk the targets in order only when every one is reported (-Pn);
	 * otherwise walk the replies, which may be far fewer.
	 */
	if (o->skip_ping) {
		for (uint64_t t = 0; t < nt; t++) {
			uint32_t a = targets_at(o->targets, t);
			size_t j;

			while (i < nres && res[i].addr < a)
				i++;
			for (j = i; j < nres && res[j].addr == a; j++)
				;
			host_fill(s, &h, a, res + i, j - i);
			i = j;
			up++;
			if (fn)
				fn(f, s, &h);
		}
		return up;
	}
	/* Replies and ARP answers, merged in address order. */
	{
		uint32_t *arp = NULL;
		size_t narp = 0, cap = 0, k = 0;

		for (uint64_t t = 0; t < nt && neigh_count(s->neigh); t++) {
			uint32_t a = targets_at(o->targets, t);

			if (neigh_get(s->neigh, a)) {
				arp = xgrow(arp, &cap, narp + 1, sizeof(*arp));
				arp[narp++] = a;
			}
			if (narp == neigh_count(s->neigh))
				break;
		}
		while (i < nres || k < narp) {
			uint32_t a;
			size_t j;

			if (k < narp && (i >= nres || arp[k] <= res[i].addr))
				a = arp[k];
			else
				a = res[i].addr;
			while (k < narp && arp[k] == a)
				k++;
			for (j = i; j < nres && res[j].addr == a; j++)
				;
			host_fill(s, &h, a, res + i, j - i);
			i = j;
			if (!is_up(s, &h))
				continue;
			up++;
			if (fn)
				fn(f, s, &h);
		}
		free(arp);
	}
	return up;
}

size_t report_hosts_up(const struct scan *s)
{
	return for_each_host(s, NULL, NULL);
}

/* A row of the port table. */
struct row {
	uint16_t port;
	uint8_t state, reason, ttl;
};

static void row_reason(const struct row *r, char *buf, size_t len)
{
	if (r->reason == RS_NO_RESPONSE)
		snprintf(buf, len, "no-response");
	else
		snprintf(buf, len, "%s ttl %u", port_reason_name(r->reason),
			 r->ttl);
}

/*
 * Copies text from the network for a terminal or a file: printable ASCII
 * as is, everything else as \\xHH, so no banner can move the cursor,
 * fake a line of the report or break the table.
 */
static void safe_text(const char *in, char *out, size_t len)
{
	size_t k = 0;

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

/* SERVICE and VERSION cells for a port, as nmap prints them. */
static void service_cells(const struct scan *s, uint32_t addr, uint16_t port,
			  int state, char *svc, size_t slen, char *ver,
			  size_t vlen)
{
	const char *table = services_name(s->opt->services, SVC_TCP, port);
	const struct svc_result *r =
		state == PS_OPEN ? vscan_find(s->svc, addr, port) : NULL;
	char p[128], v[128], i[300];

	ver[0] = '\0';
	if (r == NULL || r->state == VS_NOMATCH || r->state == VS_EXCLUDED) {
		/* A guess from the table: nmap marks it with '?'. */
		snprintf(svc, slen, "%s%s%s", r && r->tunnel ? "ssl/" : "",
			 table ? table : "unknown",
			 r && table ? "?" : "");
		return;
	}
	if (r->state == VS_TCPWRAPPED) {
		snprintf(svc, slen, "tcpwrapped");
		return;
	}
	snprintf(svc, slen, "%s%s", r->tunnel || r->ans.ssl ? "ssl/" : "",
		 r->ans.service);
	safe_text(r->ans.product, p, sizeof(p));
	safe_text(r->ans.version, v, sizeof(v));
	safe_text(r->ans.info, i, sizeof(i));
	/* product version (extrainfo), each part only when present. */
	{
		size_t k = 0;

		k += (size_t)snprintf(ver + k, vlen - k, "%s", p);
		if (*v && k < vlen)
			k += (size_t)snprintf(ver + k, vlen - k, "%s%s",
					      k ? " " : "", v);
		if (*i && k < vlen)
			snprintf(ver + k, vlen - k, "%s(%s)", k ? " " : "", i);
	}
}

/* nmap's "Service Info:" line from the host's matched services. */
static void service_info(FILE *f, const struct scan *s,
			 const struct host_view *h)
{
	char host[96] = "", os[48] = "", dev[48] = "", cpes[512] = "";
	char t[160];
	size_t n = 0;

	if (s->svc == NULL)
		return;
	for (size_t k = 0; k < h->nr; k++) {
		const struct svc_result *r;

		if (h->r[k].state != PS_OPEN)
			continue;
		r = vscan_find(s->svc, h->addr, h->r[k].port);
		if (r == NULL || r->state != VS_MATCHED)
			continue;
		/* Untrimmed: nmap prints the template's text as it is. */
		if (!host[0] && r->ans.hostname[0])
			safe_text(r->ans.hostname, host, sizeof(host));
		if (!os[0] && r->ans.ostype[0])
			safe_text(r->ans.ostype, os, sizeof(os));
		if (!dev[0] && r->ans.devicetype[0])
			safe_text(r->ans.devicetype, dev, sizeof(dev));
		for (int c = 0; c < r->ans.ncpe; c++) {
			const char *cpe = r->ans.cpe[c];

			/* Only OS and hardware CPEs, each once. */
			if (strncmp(cpe, "cpe:/o", 6) != 0 &&
			    strncmp(cpe, "cpe:/h", 6) != 0)
				continue;
			safe_text(cpe, t, sizeof(t));
			if (strstr(cpes, t))
				continue;
			n = strlen(cpes);
			snprintf(cpes + n, sizeof(cpes) - n, "%s%s",
				 n ? ", " : "", t);
		}
	}
	if (!host[0] && !os[0] && !dev[0] && !cpes[0])
		return;
	fputs("Service Info:", f);
	n = 0;
	if (host[0])
		fprintf(f, "%s Host: %s", n++ ? ";" : "", host);
	if (os[0])
		fprintf(f, "%s OS: %s", n++ ? ";" : "", os);
	if (dev[0])
		fprintf(f, "%s Device: %s", n++ ? ";" : "", dev);
	if (cpes[0])
		fprintf(f, "%s CPE: %s", n++ ? ";" : "", cpes);
	fputc('\n', f);
}

static void print_host(FILE *f, const struct scan *s,
		       const struct host_view *h)
{
	const struct scan_opts *o = s->opt;
	const struct port_list *pl = &o->ports.proto[SVC_TCP];
	uint64_t count[PS_NSTATES] = { 0 };
	uint64_t rcount[PS_NSTATES][RS_NREASONS];
	int ignored[PS_NSTATES] = { 0 };
	int max_shown = MAX_SHOWN_PER_STATE * (o->verbose > 1 ? o->verbose : 1);
	struct row *rows = xcalloc(pl->n, sizeof(*rows));
	size_t nrows = 0, j = 0, wport = 4, wstate = 5, wsvc = 7, wreason = 6;
	char a[INET_ADDRSTRLEN], lat[96] = "", buf[64];
	const char *name = targets_name(o->targets, h->addr);

	memset(rcount, 0, sizeof(rcount));
	/* Merge the scanned ports with the answered ones. */
	for (size_t i = 0; i < pl->n; i++) {
		struct row *r = &rows[nrows++];

		r->port = pl->ports[i];
		while (j < h->nr && h->r[j].port < r->port)
			j++;
		if (j < h->nr && h->r[j].port == r->port) {
			r->state = h->r[j].state;
			r->reason = h->r[j].reason;
			r->ttl = h->r[j].ttl;
		} else {
			r->state = PS_FILTERED;
			r->reason = RS_NO_RESPONSE;
		}
		count[r->state]++;
		rcount[r->state][r->reason]++;
	}
	for (int st = 0; st < PS_NSTATES; st++) {
		if (st == PS_OPEN || count[st] == 0)
			continue;
		if (o->open_only || count[st] > (uint64_t)max_shown)
			ignored[st] = 1;
	}

	ip_str(h->addr, a, sizeof(a));
	if (name)
		fprintf(f, "Nmap scan report for %s (%s)\n", name, a);
	else
		fprintf(f, "Nmap scan report for %s\n", a);
	if (h->rtt_us) {
		report_sigdigits(h->rtt_us / 1e6, 2, buf, sizeof(buf));
		snprintf(lat, sizeof(lat), " (%ss latency)", buf);
	}
	if (o->reason) {
		/* nmap still ARPs on-link hosts under -Pn, and says so. */
		if (h->mac)
			fprintf(f, "Host is up, received arp-response%s.\n",
				lat);
		else if (o->skip_ping)
			fprintf(f, "Host is up, received user-set%s.\n", lat);
		else if (h->first)
			fprintf(f, "Host is up, received %s ttl %u%s.\n",
				port_reason_name(h->first->reason),
				h->first->ttl, lat);
		else
			fprintf(f, "Host is up%s.\n", lat);
	} else {
		fprintf(f, "Host is up%s.\n", lat);
	}

	{
		uint64_t shown = 0;
		int first = 1;

		for (int st = 0; st < PS_NSTATES; st++)
			if (!ignored[st])
				shown += count[st];
		if (shown == 0)
			fprintf(f,
				"All %zu scanned ports on %s are in ignored "
				"states.\n",
				pl->n, name ? name : a);
		for (int st = PS_CLOSED; st < PS_NSTATES; st++) {
			int nreasons = 0;

			if (!ignored[st])
				continue;
			fprintf(f, "%s%llu %s tcp ports (",
				first ? "Not shown: " : ", ",
				(unsigned long long)count[st],
				port_state_name(st));
			first = 0;
			for (int rs = 0; rs < RS_NREASONS; rs++)
				nreasons += rcount[st][rs] != 0;
			for (int rs = 0, k = 0; rs < RS_NREASONS; rs++) {
				if (rcount[st][rs] == 0)
					continue;
				if (nreasons == 1)
					fputs(port_reason_name(rs), f);
				else
					fprintf(f, "%s%llu %s%s",
						k++ ? ", " : "",
						(unsigned long long)rcount[st][rs],
						port_reason_name(rs),
						rcount[st][rs] > 1 ? "s" : "");
			}
			fputc(')', f);
		}
		if (!first)
			fputc('\n', f);
		if (shown == 0)
			goto mac;
	}

	/* Column widths: the widest cell plus one space, as nmap pads. */
	for (size_t i = 0; i < nrows; i++) {
		char svc[96], ver[400];

		if (ignored[rows[i].state])
			continue;
		snprintf(buf, sizeof(buf), "%u/tcp", rows[i].port);
		if (strlen(buf) > wport)
			wport = strlen(buf);
		if (strlen(port_state_name(rows[i].state)) > wstate)
			wstate = strlen(port_state_name(rows[i].state));
		service_cells(s, h->addr, rows[i].port, rows[i].state, svc,
			      sizeof(svc), ver, sizeof(ver));
		if (strlen(svc) > wsvc)
			wsvc = strlen(svc);
		if (o->reason) {
			char rs[48];

			row_reason(&rows[i], rs, sizeof(rs));
			if (strlen(rs) > wreason)
				wreason = strlen(rs);
		}
	}
	fprintf(f, "%-*s %-*s ", (int)wport, "PORT", (int)wstate, "STATE");
	if (o->reason)
		fprintf(f, "%-*s %-*s", (int)wsvc, "SERVICE", (int)wreason,
			"REASON");
	else
		fprintf(f, "%-*s", (int)wsvc, "SERVICE");
	if (s->svc)
		fputs(" VERSION", f);
	fputc('\n', f);
	for (size_t i = 0; i < nrows; i++) {
		char svc[96], ver[400], rs[48], line[700];
		int n;

		if (ignored[rows[i].state])
			continue;
		service_cells(s, h->addr, rows[i].port, rows[i].state, svc,
			      sizeof(svc), ver, sizeof(ver));
		snprintf(buf, sizeof(buf), "%u/tcp", rows[i].port);
		n = snprintf(line, sizeof(line), "%-*s %-*s ", (int)wport, buf,
			     (int)wstate, port_state_name(rows[i].state));
		if (o->reason) {
			row_reason(&rows[i], rs, sizeof(rs));
			n += snprintf(line + n, sizeof(line) - (size_t)n,
				      "%-*s %-*s", (int)wsvc, svc,
				      (int)wreason, rs);
		} else {
			n += snprintf(line + n, sizeof(line) - (size_t)n,
				      "%-*s", (int)wsvc, svc);
		}
		if (s->svc && ver[0])
			snprintf(line + n, sizeof(line) - (size_t)n, " %s",
				 ver);
		/* No trailing spaces, as nmap. */
		n = (int)strlen(line);
		while (n > 0 && line[n - 1] == ' ')
			line[--n] = '\0';
		fprintf(f, "%s\n", line);
	}
mac:
	if (h->mac)
		fprintf(f,
			"MAC Address: %02X:%02X:%02X:%02X:%02X:%02X "
			"(Unknown)\n",
			h->mac[0], h->mac[1], h->mac[2], h->mac[3], h->mac[4],
			h->mac[5]);
	service_info(f, s, h);
	fputc('\n', f);
	free(rows);
}

static void print_host_filtered(FILE *f, const struct scan *s,
				const struct host_view *h)
{
	if (s->opt->open_only) {
		int any = 0;

		for (size_t i = 0; i < h->nr; i++)
			any |= h->r[i].state == PS_OPEN;
		if (!any)
			return;
	}
	if (s->st.timed_out) {
		char a[INET_ADDRSTRLEN];

		ip_str(h->addr, a, sizeof(a));
		fprintf(f, "Skipping host %s due to host timeout\n", a);
		return;
	}
	print_host(f, s, h);
}

void report_hosts(FILE *f, const struct scan *s)
{
	size_t nfp = 0;

	for_each_host(s, print_host_filtered, f);
	if (s->svc == NULL)
		return;
	for (size_t i = 0; i < s->svc->n; i++)
		nfp += s->svc->r[i].fp != NULL;
	if (nfp == 0)
		return;
	/* nmap prints at most 9, asking for submissions. */
	fprintf(f,
		"%zu service%s unrecognized despite returning data. If you "
		"know the service/version, please add a signature to "
		"fathom-service-probes:\n",
		nfp, nfp == 1 ? "" : "s");
	for (size_t i = 0, k = 0; i < s->svc->n && k < 9; i++) {
		if (s->svc->r[i].fp == NULL)
			continue;
		fprintf(f, "==============NEXT SERVICE FINGERPRINT (SUBMIT "
			   "INDIVIDUALLY)==============\n%s\n",
			s->svc->r[i].fp);
		k++;
	}
}

static void ctime_str(time_t t, char *buf, size_t len)
{
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, len, "%a %b %e %H:%M:%S %Y", &tm);
}

void report_header(FILE *f, const struct scan *s, int file)
{
	char buf[64];
	struct tm tm;

	if (file) {
		ctime_str(s->st.start_wall, buf, sizeof(buf));
		fprintf(f, "# fathom %s scan initiated %s as: %s\n",
			PACKAGE_VERSION, buf, s->opt->cmdline);
		return;
	}
	localtime_r(&s->st.start_wall, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M %Z", &tm);
	fprintf(f, "Starting fathom %s at %s\n", PACKAGE_VERSION, buf);
}

void report_footer(FILE *f, const struct scan *s, int file)
{
	uint64_t nt = targets_count(s->opt->targets);
	size_t up = report_hosts_up(s);
	double el = (double)(s->st.end_ns - s->st.start_ns) / 1e9;
	char when[64], what[160];

	snprintf(what, sizeof(what),
		 "%llu IP address%s (%zu host%s up) scanned in %.2f seconds",
		 (unsigned long long)nt, nt == 1 ? "" : "es", up,
		 up == 1 ? "" : "s", el);
	if (s->svc)
		fputs("Service detection performed. Please report any incorrect "
		      "results to the fathom project.\n", f);
	if (file) {
		ctime_str(s->st.end_wall, when, sizeof(when));
		fprintf(f, "# fathom done at %s -- %s\n", when, what);
	} else {
		fprintf(f, "fathom done: %s\n", what);
	}
}
