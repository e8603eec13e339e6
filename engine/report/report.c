/* report.c -- nmap's normal output: the interactive screen and -oN files. */
#include "config.h"

#include "engine/report/report.h"

#include <math.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/core/hostiter.h"
#include "engine/report/report_trace.h"
#include "engine/trace/trace.h"
#include "fingerprints/osresult.h"
#include "netstack/base/util.h"
#include "probes/svcmatch.h"
#include "engine/core/hosttab.h"
#include "fingerprints/osreport.h"

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

static void row_reason(const struct hostiter_row *r, char *buf, size_t len)
{
	/* A kernel connect's answer (-sT) has no TTL: nmap prints none. */
	if (r->reason == RS_NO_RESPONSE || r->ttl == 0)
		snprintf(buf, len, "%s", port_reason_name(r->reason));
	else
		snprintf(buf, len, "%s ttl %u", port_reason_name(r->reason),
			 r->ttl);
}

/* SERVICE and VERSION cells for a row, as nmap prints them. */
static void service_cells(const struct run_info *ri,
			  const struct hostiter_host *h,
			  const struct hostiter_row *row, char *svc,
			  size_t slen, char *ver, size_t vlen)
{
	struct hostiter_svc sv;

	hostiter_service(ri->opt, h, row, &sv);
	hostiter_svc_cell(&sv, svc, slen);
	hostiter_svc_version(&sv, ver, vlen);
}

/* nmap keeps at most this many of each kind (MAX_SERVICE_INFO_FIELDS). */
#define SI_MAX 5

#define SI_W 160

/* What the host's services said about the host, deduplicated. */
struct svcinfo {
	char host[SI_MAX][SI_W], os[SI_MAX][SI_W], dev[SI_MAX][SI_W];
	char cpe[SI_MAX][SI_W];
	int nhost, nos, ndev, ncpe;
};

/* Adds text (made safe to print) to tbl unless there, or tbl is full. */
static void si_add(char tbl[][SI_W], int *n, const char *text, int nocase)
{
	char t[SI_W];

	hostiter_safe_text(text, t, sizeof(t));
	for (int i = 0; i < *n; i++)
		if (nocase ? strcasecmp(tbl[i], t) == 0
			   : strcmp(tbl[i], t) == 0)
			return;
	if (*n < SI_MAX)
		memcpy(tbl[(*n)++], t, sizeof(t));
}

/*
 * Gathers, as nmap's printserviceinfooutput does, from every open port
 * with a service answer in port order: hostnames (not the name the
 * target was given; compared without case), OS and device types, and
 * the host-wide CPEs (o and h; a belongs to one port: XML only).
 */
static void si_collect(const struct run_info *ri, const struct hostiter_host *h,
		       struct svcinfo *si)
{
	memset(si, 0, sizeof(*si));
	for (size_t k = 0; k < h->nres; k++) {
		const struct port_result *pr = &h->res[k];
		const struct svc_answer *a;
		struct hostiter_svc sv = { 0 };
		const char *cpe[3];
		int n;

		if (pr->state != PS_OPEN || pr->proto != IPPROTO_TCP)
			continue;
		a = hostiter_svc_answer(h, pr->port);
		if (a == NULL)
			continue;
		if (a->hostname[0] &&
		    !(h->name && strcasecmp(h->name, a->hostname) == 0))
			si_add(si->host, &si->nhost, a->hostname, 1);
		if (a->ostype[0])
			si_add(si->os, &si->nos, a->ostype, 0);
		if (a->devicetype[0])
			si_add(si->dev, &si->ndev, a->devicetype, 0);
		sv.ans = a;
		n = hostiter_svc_cpes(&sv, cpe);
		for (int c = 0; c < n; c++)
			if (strncmp(cpe[c], "cpe:/a", 6) != 0)
				si_add(si->cpe, &si->ncpe, cpe[c], 0);
	}
}

/* One "Host: a" / "OSs: a, b" part; the noun takes an s for several. */
static void si_part(FILE *f, int *first, const char *noun, int plural,
		    char tbl[][SI_W], int n)
{
	if (n == 0)
		return;
	fprintf(f, "%s%s%s: ", *first ? " " : "; ", noun,
		plural && n > 1 ? "s" : "");
	for (int i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? ", " : "", tbl[i]);
	*first = 0;
}

/* nmap's "Service Info:" line from the host's matched services. */
static void service_info(FILE *f, const struct run_info *ri,
			 const struct hostiter_host *h)
{
	struct svcinfo si;
	int first = 1;

	if (!ri->versioned)
		return;
	si_collect(ri, h, &si);
	if (!si.nhost && !si.nos && !si.ndev && !si.ncpe)
		return;
	fputs("Service Info:", f);
	si_part(f, &first, "Host", 1, si.host, si.nhost);
	si_part(f, &first, "OS", 1, si.os, si.nos);
	si_part(f, &first, "Device", 1, si.dev, si.ndev);
	/* nmap writes "CPE:" however many there are. */
	si_part(f, &first, "CPE", 0, si.cpe, si.ncpe);
	fputc('\n', f);
}

/* What osreport needs to know about the command line. */
static void os_opts(const struct run_info *ri, const struct os_result *r,
		    struct osreport_opts *ro)
{
	memset(ro, 0, sizeof(*ro));
	ro->guess = ri->opt->osscan_guess;
	ro->verbose = ri->opt->verbose;
	ro->debug = ri->opt->debug;
	ro->omit_reason = r->omit_reason;
}

/*
 * nmap's OS lines after the MAC address (printosscanoutput): matches or
 * the fingerprint, then uptime, distance and the sequence classes.
 */
static void os_block(FILE *f, const struct run_info *ri,
		     const struct hostiter_host *h)
{
	const struct os_result *r = h->os;
	struct osreport_opts ro;
	time_t now = time(NULL);
	size_t n;
	char *t;

	if (r == NULL)
		return;
	os_opts(ri, r, &ro);
	n = osreport_normal(r, &ro, NULL, 0);
	t = xmalloc(n + 1);
	osreport_normal(r, &ro, t, n + 1);
	fputs(t, f);
	free(t);
	n = osreport_after(r, &ro, now, NULL, 0);
	t = xmalloc(n + 1);
	osreport_after(r, &ro, now, t, n + 1);
	fputs(t, f);
	free(t);
}

static void mac_line(FILE *f, const struct hostiter_host *h)
{
	if (h->mac)
		fprintf(f,
			"MAC Address: %02X:%02X:%02X:%02X:%02X:%02X "
			"(%s)\n",
			h->mac[0], h->mac[1], h->mac[2], h->mac[3], h->mac[4],
			h->mac[5], h->vendor ? h->vendor : "Unknown");
}

/* "Nmap scan report for ..." and "Host is up ...": every up host's. */
static void host_head(FILE *f, const struct run_info *ri,
		      const struct hostiter_host *h)
{
	const struct scan_opts *o = ri->opt;
	char lat[96] = "", buf[64];
	const char *a = h->ip, *name = h->name;

	if (name)
		fprintf(f, "Nmap scan report for %s (%s)\n", name, a);
	else
		fprintf(f, "Nmap scan report for %s\n", a);
	if (h->rtt_us) {
		report_sigdigits(h->rtt_us / 1e6, 2, buf, sizeof(buf));
		snprintf(lat, sizeof(lat), " (%ss latency)", buf);
	}
	if (o->reason && h->why == HI_WHY_REPLY && h->reason_ttl)
		fprintf(f, "Host is up, received %s ttl %u%s.\n", h->reason,
			h->reason_ttl, lat);
	else if (o->reason && h->reason)
		fprintf(f, "Host is up, received %s%s.\n", h->reason, lat);
	else
		fprintf(f, "Host is up%s.\n", lat);
}

/*
 * "Not shown: ..." (or "All N scanned ports ... ignored states."): nmap
 * 7.9x's one group per (state, reason, protocol), largest first.
 */
static void not_shown(FILE *f, const struct hostiter_host *h)
{
	struct {
		int st, rs, pr;
		uint64_t n;
	} g[2 * PS_NSTATES * RS_NREASONS];
	size_t ng = 0;

	if (h->shown == 0)
		fprintf(f,
			"All %zu scanned ports on %s are in ignored states.\n",
			h->nrows, h->name ? h->name : h->ip);
	for (int st = PS_CLOSED; st < PS_NSTATES; st++) {
		if (!h->ignored[st])
			continue;
		for (int pr = 0; pr < 2; pr++)
			for (int rs = 0; rs < RS_NREASONS; rs++) {
				size_t k = ng;
				uint64_t n = h->prcount[pr][st][rs];

				if (n == 0)
					continue;
				/* Equal counts stay in state order. */
				while (k > 0 && g[k - 1].n < n) {
					g[k] = g[k - 1];
					k--;
				}
				g[k].st = st;
				g[k].rs = rs;
				g[k].pr = pr;
				g[k].n = n;
				ng++;
			}
	}
	for (size_t k = 0; k < ng; k++)
		fprintf(f, "%s%llu %s %s ports (%s)",
			k ? ", " : "Not shown: ", (unsigned long long)g[k].n,
			port_state_name(g[k].st), g[k].pr ? "udp" : "tcp",
			port_reason_name(g[k].rs));
	fputc('\n', f);
}

static int imax(int a, int b)
{
	return a > b ? a : b;
}

/* The PORT table's column widths: the widest cell, as nmap pads. */
struct cols {
	int port, state, svc, reason; /* reason < 0: no REASON column */
};

static void row_port(const struct hostiter_row *r, char *buf, size_t len)
{
	snprintf(buf, len, "%u/%s", r->port, hostiter_proto_name(r->proto));
}

static struct cols col_widths(const struct run_info *ri,
			      const struct hostiter_host *h)
{
	struct cols w = { 4, 5, 7, ri->opt->reason ? 6 : -1 };

	for (size_t i = 0; i < h->nrows; i++) {
		const struct hostiter_row *r = &h->rows[i];
		char port[64], svc[96], ver[400], rs[48];

		if (h->ignored[r->state])
			continue;
		row_port(r, port, sizeof(port));
		service_cells(ri, h, r, svc, sizeof(svc), ver, sizeof(ver));
		w.port = imax(w.port, (int)strlen(port));
		w.state = imax(w.state, (int)strlen(port_state_name(r->state)));
		w.svc = imax(w.svc, (int)strlen(svc));
		if (w.reason >= 0) {
			row_reason(r, rs, sizeof(rs));
			w.reason = imax(w.reason, (int)strlen(rs));
		}
	}
	return w;
}

/*
 * One line of the PORT table (its head too): the cells padded to w,
 * the VERSION cell (ver, or NULL) last, no trailing spaces, as nmap.
 */
static void put_cols(FILE *f, const struct cols *w, const char *port,
		     const char *state, const char *svc, const char *rs,
		     const char *ver)
{
	char line[700];
	int n = snprintf(line, sizeof(line), "%-*s %-*s %-*s", w->port, port,
			 w->state, state, w->svc, svc);

	if (w->reason >= 0)
		n += snprintf(line + n, sizeof(line) - (size_t)n, " %-*s",
			      w->reason, rs);
	if (ver)
		snprintf(line + n, sizeof(line) - (size_t)n, " %s", ver);
	n = (int)strlen(line);
	while (n > 0 && line[n - 1] == ' ')
		line[--n] = '\0';
	fprintf(f, "%s\n", line);
}

/* The PORT table: the head, then each shown row. */
static void port_table(FILE *f, const struct run_info *ri,
		       const struct hostiter_host *h)
{
	struct cols w = col_widths(ri, h);

	put_cols(f, &w, "PORT", "STATE", "SERVICE", "REASON",
		 ri->versioned ? "VERSION" : NULL);
	for (size_t i = 0; i < h->nrows; i++) {
		const struct hostiter_row *r = &h->rows[i];
		char port[64], svc[96], ver[400], rs[48] = "";

		if (h->ignored[r->state])
			continue;
		row_port(r, port, sizeof(port));
		service_cells(ri, h, r, svc, sizeof(svc), ver, sizeof(ver));
		if (w.reason >= 0)
			row_reason(r, rs, sizeof(rs));
		put_cols(f, &w, port, port_state_name(r->state), svc, rs,
			 ri->versioned && ver[0] ? ver : NULL);
	}
}

static void print_host(FILE *f, const struct run_info *ri,
		       const struct hostiter_host *h)
{
	host_head(f, ri, h);
	/* -sn: the host lines alone, no blank line between hosts. */
	if (ri->opt->ping_only) {
		mac_line(f, h);
		/* nmap: a traced host's block ends with a blank line. */
		if (h->trace && h->trace->nhops) {
			report_trace_normal(f, h->trace,
					    hosttab_traces(ri->tab));
			fputc('\n', f);
		}
		return;
	}
	not_shown(f, h);
	if (h->shown)
		port_table(f, ri, h);
	mac_line(f, h);
	os_block(f, ri, h);
	service_info(f, ri, h);
	report_trace_normal(f, h->trace, hosttab_traces(ri->tab));
	fputc('\n', f);
}

void report_host(FILE *f, const struct run_info *ri,
		 const struct hostiter_host *h)
{
	if (h->hidden)
		return;
	if (h->down) {
		/* nmap -v: one line, the reason with --reason. */
		if (ri->opt->reason)
			fprintf(f,
				"Nmap scan report for %s [host down, "
				"received %s]\n",
				h->ip, h->reason);
		else
			fprintf(f, "Nmap scan report for %s [host down]\n",
				h->ip);
		return;
	}
	if (h->timed_out) {
		/* nmap: the host's head, then this line; nothing else. */
		host_head(f, ri, h);
		fprintf(f, "Skipping host %s due to host timeout\n", h->ip);
	} else
		print_host(f, ri, h);
}

void report_fingerprints(FILE *f, const struct run_info *ri)
{
	size_t nfp = hosttab_nfp(ri->tab);

	if (nfp == 0)
		return;
	/* nmap prints at most 9, asking for submissions. */
	fprintf(f, "%zu service%s" REPORT_FP_TAIL "\n", nfp,
		nfp == 1 ? "" : "s");
	for (size_t i = 0; i < nfp && i < REPORT_FP_MAX; i++)
		fprintf(f, REPORT_FP_SEP "\n%s\n",
			hosttab_fp_at(ri->tab, i)->fp);
}

void report_fingerprint_owners(FILE *f, const struct run_info *ri)
{
	char a[ADDR_STRLEN];
	size_t k = 0;

	if (ri->opt->shard.count == 0)
		return;
	for (; k < hosttab_nfp(ri->tab) && k < REPORT_FP_MAX; k++) {
		const struct hosttab_fp *fp = hosttab_fp_at(ri->tab, k);

		fprintf(f, "%s%s/%u", k ? " " : REPORT_FP_OWNERS,
			addr_format(&fp->addr, a), fp->port);
	}
	if (k)
		fputc('\n', f);
}

void report_shard_line(FILE *f, const struct scan_opts *o, const char *pre,
		       const char *post)
{
	char sh[256];

	if (cli_shard_describe(o, sh, sizeof(sh)))
		fprintf(f, "%s%s%s", pre, sh, post);
}

void report_header(FILE *f, const struct run_info *ri, int file)
{
	char buf[64];
	struct tm tm;

	if (file) {
		hostiter_ctime(ri->start_wall, buf, sizeof(buf));
		fprintf(f, "# fathom %s scan initiated %s as: %s\n",
			PACKAGE_VERSION, buf, ri->opt->cmdline);
		report_shard_line(f, ri->opt, "# fathom-shard: ", "\n");
		return;
	}
	localtime_r(&ri->start_wall, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M %Z", &tm);
	fprintf(f, "Starting fathom %s at %s\n", PACKAGE_VERSION, buf);
}

/*
 * nmap's line after a -sV/-O scan that found hosts up, naming the
 * databases that gave the answers: nmap's own text, asking for
 * submissions at nmap.org, only when every database loaded was nmap's.
 */
static void detection_footer(FILE *f, const struct run_info *ri)
{
	const char *what = ri->versioned && ri->os_ran ? "OS and Service"
			   : ri->os_ran                ? "OS"
						       : "Service";
	const char *dbs = ri->opt->db_label;

	if (dbs && ri->opt->db_nmap)
		fprintf(f,
			"%s detection performed. Please report any "
			"incorrect results at https://nmap.org/submit/ .\n",
			what);
	else
		fprintf(f,
			"%s detection performed with %s. Please report "
			"any incorrect results to the fathom project.\n",
			what, dbs ? dbs : "fathom's databases");
}

void report_footer(FILE *f, const struct run_info *ri, int file)
{
	uint64_t nt = ri->total;
	size_t up = ri->hosts_up;
	double el = (double)(ri->end_ns - ri->start_ns) / 1e9;
	char when[64], what[160];

	snprintf(what, sizeof(what),
		 "%llu IP address%s (%zu host%s up) scanned in %.2f seconds",
		 (unsigned long long)nt, nt == 1 ? "" : "es", up,
		 up == 1 ? "" : "s", el);
	if ((ri->versioned || ri->os_ran) && up > 0)
		detection_footer(f, ri);
	/* nmap's hint when its one target seemed down (screen only). */
	if (!file && nt == 1 && up == 0 && !ri->opt->skip_ping &&
	    !ri->interrupted)
		fputs("Note: Host seems down. If it is really up, but blocking "
		      "our ping probes, try -Pn\n",
		      f);
	/* What no peer says: how complete the sweep was (passes.h). */
	if (ri->pc->n > 0 && !ri->opt->dry_run) {
		char line[256];

		fprintf(f, "%s%s\n", file ? "# " : "",
			passes_describe(ri->pc, line, sizeof(line)));
	}
	if (file) {
		hostiter_ctime(ri->end_wall, when, sizeof(when));
		fprintf(f, "# fathom done at %s -- %s\n", when, what);
	} else {
		fprintf(f, "fathom done: %s\n", what);
	}
}
