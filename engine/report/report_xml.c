/* report_xml.c -- nmap's XML output (-oX), xmloutputversion 1.05. */
#include "config.h"

#include "engine/report/report_xml.h"

#include <arpa/inet.h>
#include <math.h>
#include <stdlib.h>
#include <time.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

#include "engine/report/report_trace.h"
#include "engine/report/report.h"
#include "probes/svcmatch.h"
#include "netstack/base/util.h"
#include "fingerprints/osreport.h"
#include "fingerprints/osresult.h"

/* Writes n bytes of s escaped for XML text, attributes and comments. */
static void xml_putn(FILE *f, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < n && p[i]; i++) {
		unsigned char c = p[i];
		uint32_t cp;
		size_t len;

		switch (c) {
		case '<':
			fputs("&lt;", f);
			continue;
		case '>':
			fputs("&gt;", f);
			continue;
		case '&':
			fputs("&amp;", f);
			continue;
		case '"':
			fputs("&quot;", f);
			continue;
		case '\'':
			fputs("&apos;", f);
			continue;
		case '-':
			/* "--" may not appear in a comment (nmap's rule). */
			fputs(i > 0 && p[i - 1] == '-' ? "&#45;" : "-", f);
			continue;
		case '\t':
		case '\n':
		case '\r':
		case 0x7f:
			/* References, so attribute normalisation keeps them. */
			fprintf(f, "&#x%X;", c);
			continue;
		default:
			break;
		}
		if (c >= 0x20 && c < 0x7f) {
			fputc(c, f);
			continue;
		}
		len = c >= 0x80 && n - i >= 2 ? hostiter_utf8(p + i, &cp) : 0;
		if (len > n - i)
			len = 0;
		if (len == 0) {
			/* Not an XML 1.0 character even as a reference. */
			fprintf(f, "\\x%02x", c);
			continue;
		}
		if (cp < 0xa0)
			fprintf(f, "&#x%X;", cp); /* C1 control */
		else
			fwrite(p + i, 1, len, f);
		i += len - 1;
	}
}

static void xml_puts(FILE *f, const char *s)
{
	xml_putn(f, s, strlen(s));
}

/* ` name="value"`, value escaped. */
static void attr(FILE *f, const char *name, const char *value)
{
	fprintf(f, " %s=\"", name);
	xml_puts(f, value);
	fputc('"', f);
}

/* The attribute only when value is not empty (nmap omits unset fields). */
static void attr_opt(FILE *f, const char *name, const char *value)
{
	if (value && value[0])
		attr(f, name, value);
}

static void attr_u(FILE *f, const char *name, unsigned long long v)
{
	fprintf(f, " %s=\"%llu\"", name, v);
}

/* servicefp without its "\nSF:" line breaks, as nmap writes it. */
static void attr_fp(FILE *f, const char *fp)
{
	const char *p = fp, *q;

	fputs(" servicefp=\"", f);
	while ((q = strstr(p, "\nSF:")) != NULL) {
		xml_putn(f, p, (size_t)(q - p));
		p = q + 4;
	}
	xml_puts(f, p);
	fputc('"', f);
}

void xml_begin(FILE *f, const struct run_info *ri)
{
	const struct scan_opts *o = ri->opt;
	char when[64];

	hostiter_ctime(ri->start_wall, when, sizeof(when));
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	      "<!DOCTYPE nmaprun>\n",
	      f);
	if (access(XML_STYLESHEET, R_OK) == 0)
		fputs("<?xml-stylesheet href=\"file://" XML_STYLESHEET
		      "\" type=\"text/xsl\"?>\n",
		      f);
	fprintf(f, "<!-- fathom %s scan initiated %s as: ", PACKAGE_VERSION,
		when);
	xml_puts(f, o->cmdline ? o->cmdline : "fathom");
	fputs(" -->\n", f);
	/* A comment: nmap.dtd has no place for it; fathom merge reads it. */
	report_shard_line(f, o, "<!-- fathom-shard: ", " -->\n");
	fputs("<nmaprun scanner=\"fathom\"", f);
	attr(f, "args", o->cmdline ? o->cmdline : "fathom");
	attr_u(f, "start", (unsigned long long)ri->start_wall);
	attr(f, "startstr", when);
	attr(f, "version", PACKAGE_VERSION);
	fputs(" xmloutputversion=\"1.05\">\n", f);
	/* One <scaninfo> per scan type, as nmap: the TCP one (syn, ack,
	 * window, fin, null, xmas, maimon) first, then UDP. */
	for (int p = 0; p < SVC_NPROTO; p++) {
		const struct port_list *pl = &o->ports.proto[p];
		struct hostiter_ranges rg = HOSTITER_RANGES_INIT(f);

		if (p == SVC_TCP ? !o->syn_scan : !o->udp_scan)
			continue;
		fprintf(f, "<scaninfo type=\"%s\" ",
			p == SVC_TCP ? ri->tcp_type : "udp");
		if (p == SVC_TCP && o->scanflags >= 0)
			fprintf(f, "scanflags=\"%s\" ", ri->scanflags);
		fprintf(f, "protocol=\"%s\" numservices=\"%zu\" services=\"",
			p == SVC_TCP ? "tcp" : "udp", pl->n);
		for (size_t i = 0; i < pl->n; i++)
			hostiter_ranges_add(&rg, pl->ports[i]);
		hostiter_ranges_end(&rg);
		fputs("\"/>\n", f);
	}
	fprintf(f, "<verbose level=\"%d\"/>\n<debugging level=\"%d\"/>\n",
		o->verbose, o->debug);
	fflush(f);
}

/* One <extrareasons>: its count and the ports in state st with reason rs. */
static void extrareason(FILE *f, const struct hostiter_host *h, int st, int rs,
			int proto, uint64_t count)
{
	struct hostiter_ranges rg = HOSTITER_RANGES_INIT(f);

	fprintf(f,
		"<extrareasons reason=\"%s\" count=\"%llu\" "
		"proto=\"%s\" ports=\"",
		port_reason_name(rs), (unsigned long long)count,
		hostiter_proto_name(proto));
	for (size_t i = 0; i < h->nrows; i++)
		if (h->rows[i].state == st && h->rows[i].reason == rs &&
		    h->rows[i].proto == proto)
			hostiter_ranges_add(&rg, h->rows[i].port);
	hostiter_ranges_end(&rg);
	fputs("\"/>\n", f);
}

/* The <extrareasons> of state st for protocol pr (0 TCP, 1 UDP), by count. */
static void extrareasons(FILE *f, const struct hostiter_host *h, int st, int pr)
{
	const uint64_t *rc = h->prcount[pr][st];
	int done[RS_NREASONS] = { 0 };

	for (;;) {
		int best = -1;

		for (int rs = 0; rs < RS_NREASONS; rs++)
			if (!done[rs] && rc[rs] &&
			    (best < 0 || rc[rs] > rc[best]))
				best = rs;
		if (best < 0)
			break;
		done[best] = 1;
		extrareason(f, h, st, best, pr ? IPPROTO_UDP : IPPROTO_TCP,
			    rc[best]);
	}
}

/* <extraports> for each ignored state, reasons by count, then by reason. */
static void extraports(FILE *f, const struct hostiter_host *h)
{
	for (int k = 0; k < h->nignored; k++) {
		int st = h->order[k];

		fprintf(f, "<extraports state=\"%s\" count=\"%llu\">\n",
			port_state_name(st), (unsigned long long)h->count[st]);
		for (int pr = 0; pr < 2; pr++)
			extrareasons(f, h, st, pr);
		fputs("</extraports>\n", f);
	}
}

static void service(FILE *f, const struct run_info *ri,
		    const struct hostiter_host *h,
		    const struct hostiter_row *row)
{
	struct hostiter_svc sv;
	const struct svc_answer *a;
	const char *cpe[3];
	int ncpe;

	hostiter_service(ri->opt, h, row, &sv);
	/* nmap writes <service> only when it has a name or a fingerprint. */
	if (sv.name == NULL && sv.fp == NULL)
		return;
	a = sv.ans;
	fputs("<service", f);
	attr(f, "name", sv.name ? sv.name : "unknown");
	if (a) {
		attr_opt(f, "product", a->product);
		attr_opt(f, "version", a->version);
		attr_opt(f, "extrainfo", a->info);
		attr_opt(f, "hostname", a->hostname);
		attr_opt(f, "ostype", a->ostype);
		attr_opt(f, "devicetype", a->devicetype);
	}
	if (sv.fp)
		attr_fp(f, sv.fp);
	if (sv.tunnel)
		fputs(" tunnel=\"ssl\"", f);
	fprintf(f, " method=\"%s\" conf=\"%d\"", sv.probed ? "probed" : "table",
		sv.conf);
	if (sv.rpc_prog)
		fprintf(f,
			" rpcnum=\"%u\" lowver=\"%u\" highver=\"%u\" "
			"proto=\"rpc\"",
			sv.rpc_prog, sv.rpc_low, sv.rpc_high);
	ncpe = hostiter_svc_cpes(&sv, cpe);
	if (ncpe == 0) {
		fputs("/>", f);
		return;
	}
	fputc('>', f);
	for (int k = 0; k < ncpe; k++) {
		fputs("<cpe>", f);
		xml_puts(f, cpe[k]);
		fputs("</cpe>", f);
	}
	fputs("</service>", f);
}

static void port(FILE *f, const struct run_info *ri,
		 const struct hostiter_host *h, const struct hostiter_row *r)
{
	fprintf(f,
		"<port protocol=\"%s\" portid=\"%u\"><state state=\"%s\" "
		"reason=\"%s\" reason_ttl=\"%u\"",
		hostiter_proto_name(r->proto), r->port,
		port_state_name(r->state), port_reason_name(r->reason), r->ttl);
	if (r->routed) {
		char ip[ADDR_STRLEN];

		/* The router whose ICMP error decided the state. */
		attr(f, "reason_ip", addr_format(&r->from, ip));
	}
	fputs("/>", f);
	service(f, ri, h, r);
	fputs("</port>\n", f);
}

/* status, addresses, hostnames: what every <host> starts with. */
static void host_head(FILE *f, const struct run_info *ri,
		      const struct hostiter_host *h)
{
	/* -sn: nmap writes a bare <host>. */
	if (ri->opt->ping_only)
		fputs("<host>", f);
	else
		fprintf(f, "<host starttime=\"%llu\" endtime=\"%llu\"%s>",
			(unsigned long long)ri->start_wall,
			(unsigned long long)ri->end_wall,
			h->timed_out ? " timedout=\"true\"" : "");
	fprintf(f, "<status state=\"up\" reason=\"%s\" reason_ttl=\"%u\"/>\n",
		h->reason ? h->reason : "unknown", h->reason_ttl);
	fprintf(f, "<address addr=\"%s\" addrtype=\"%s\"/>\n", h->ip,
		addr_is_v6(&h->addr) ? "ipv6" : "ipv4");
	if (h->mac) {
		fprintf(f,
			"<address addr=\"%02X:%02X:%02X:%02X:%02X:%02X\" "
			"addrtype=\"mac\"",
			h->mac[0], h->mac[1], h->mac[2], h->mac[3], h->mac[4],
			h->mac[5]);
		attr_opt(f, "vendor", h->vendor); /* nmap: only when known */
		fputs("/>\n", f);
	}
	fputs("<hostnames>\n", f);
	if (h->name) {
		fputs("<hostname", f);
		attr(f, "name", h->name);
		fputs(" type=\"user\"/>\n", f);
	}
	fputs("</hostnames>\n", f);
}

/* A list of numbers in hex, comma-separated, as nmap's values="". */
static void hex_list(FILE *f, const char *name, const uint32_t *v, int n)
{
	fprintf(f, " %s=\"", name);
	for (int i = 0; i < n; i++)
		fprintf(f, "%s%X", i ? "," : "", v[i]);
	fputc('"', f);
}

static void xml_osmatch(FILE *f, const struct osmatch *m)
{
	unsigned acc = (unsigned)floor(m->accuracy * 100);

	fputs("<osmatch", f);
	attr(f, "name", m->name);
	fprintf(f, " accuracy=\"%u\" line=\"%d\">\n", acc, m->line);
	for (int c = 0; c < m->nclasses; c++) {
		const struct osclass *oc = &m->classes[c];

		fputs("<osclass", f);
		attr_opt(f, "type", oc->devtype);
		attr(f, "vendor", oc->vendor);
		attr(f, "osfamily", oc->family);
		if (oc->gen && oc->gen[0])
			attr(f, "osgen", oc->gen);
		fprintf(f, " accuracy=\"%u\">", acc);
		for (int k = 0; k < oc->ncpe; k++) {
			fputs("<cpe>", f);
			xml_puts(f, oc->cpe[k]);
			fputs("</cpe>", f);
		}
		fputs("</osclass>\n", f);
	}
	fputs("</osmatch>\n", f);
}

/* The <osfingerprint>, when normal output prints the fingerprint. */
static void xml_osfingerprint(FILE *f, const struct os_result *r,
			      const struct osreport_opts *ro)
{
	size_t need = 0;

	if (osreport_fingerprint(r, ro, NULL, 0, &need)) {
		char *t = xmalloc(need + 1);

		osreport_fingerprint(r, ro, t, need + 1, &need);
		fputs("<osfingerprint", f);
		attr(f, "fingerprint", t);
		fputs("/>\n", f);
		free(t);
	}
}

/* nmap's <os>: the ports used, the matches, the fingerprint. */
static void xml_os_element(FILE *f, const struct run_info *ri,
			   const struct os_result *r)
{
	const struct osmatch_list *ml = &r->matches;
	static const struct {
		const char *state, *proto;
	} pu[3] = { { "open", "tcp" },
		    { "closed", "tcp" },
		    { "closed", "udp" } };
	int ports[3] = { r->open_port, r->closed_port, r->closed_udp };
	struct osreport_opts ro;
	int nm;

	fputs("<os>", f);
	for (int i = 0; i < 3; i++)
		if (ports[i] > 0)
			fprintf(f,
				"<portused state=\"%s\" proto=\"%s\" "
				"portid=\"%d\"/>\n",
				pu[i].state, pu[i].proto, ports[i]);
	memset(&ro, 0, sizeof(ro));
	ro.guess = ri->opt->osscan_guess;
	ro.verbose = ri->opt->verbose;
	ro.debug = ri->opt->debug;
	ro.omit_reason = r->omit_reason;
	nm = osreport_xml_nmatches(r, &ro);
	for (int i = 0; i < nm && i < ml->n; i++)
		xml_osmatch(f, &ml->m[i]);
	xml_osfingerprint(f, r, &ro);
	fputs("</os>\n", f);
}

/* <ipidsequence> and <tcptssequence>. */
static void xml_ipid_ts(FILE *f, const struct os_result *r)
{
	uint32_t ids[OSRESULT_MAX_SEQ];

	for (int i = 0; i < r->nipid; i++)
		ids[i] = r->ipid[i];
	fputs("<ipidsequence", f);
	attr(f, "class", r->ipid_class ? r->ipid_class : "");
	hex_list(f, "values", ids, r->nipid);
	fputs("/>\n", f);
	fputs("<tcptssequence", f);
	attr(f, "class", r->ts_class ? r->ts_class : "unknown class");
	if (r->ts_class == NULL ||
	    strcmp(r->ts_class, "none returned (unsupported)") != 0)
		hex_list(f, "values", r->tsval, r->ntsval);
	fputs("/>\n", f);
}

/* nmap's <os> and the sequence elements after it (nmap.dtd order). */
static void xml_os(FILE *f, const struct run_info *ri,
		   const struct os_result *r)
{
	xml_os_element(f, ri, r);
	if (r->lastboot) {
		char when[64];

		hostiter_ctime(r->lastboot, when, sizeof(when));
		fprintf(f, "<uptime seconds=\"%.0f\"",
			difftime(time(NULL), r->lastboot));
		attr(f, "lastboot", when);
		fputs("/>\n", f);
	}
	if (r->distance != -1)
		fprintf(f, "<distance value=\"%d\"/>\n", r->distance);
	if (r->nisn > 3) {
		fprintf(f, "<tcpsequence index=\"%d\"", r->seq_index);
		attr(f, "difficulty", r->seq_difficulty);
		hex_list(f, "values", r->isn, r->nisn);
		fputs("/>\n", f);
	}
	if (r->nipid > 2)
		xml_ipid_ts(f, r);
}

void xml_host(FILE *f, const struct run_info *ri, const struct hostiter_host *h)
{
	if (h->hidden)
		return;
	if (h->down) {
		/* nmap -v: status and address, nothing else. */
		fprintf(f,
			"<host><status state=\"down\" reason=\"%s\" "
			"reason_ttl=\"0\"/>\n<address addr=\"%s\" "
			"addrtype=\"%s\"/>\n</host>\n",
			h->reason, h->ip,
			addr_is_v6(&h->addr) ? "ipv6" : "ipv4");
		return;
	}
	host_head(f, ri, h);
	if (!h->timed_out && !ri->opt->ping_only) {
		fputs("<ports>", f);
		extraports(f, h);
		for (size_t i = 0; i < h->nrows; i++)
			if (!h->ignored[h->rows[i].state])
				port(f, ri, h, &h->rows[i]);
		fputs("</ports>\n", f);
	}
	if (h->os && !h->timed_out)
		xml_os(f, ri, h->os);
	report_trace_xml(f, h->trace);
	/* nmap writes no <times> for a host that never answered. */
	if (h->srtt_us >= 0)
		fprintf(f,
			"<times srtt=\"%lld\" rttvar=\"%lld\" to=\"%lld\"/>\n",
			(long long)h->srtt_us, (long long)h->rttvar_us,
			(long long)h->to_us);
	fputs("</host>\n", f);
}

void xml_end(FILE *f, const struct run_info *ri, int error, const char *errmsg)
{
	uint64_t total = ri->total;
	size_t up = ri->hosts_up;
	time_t end = ri->end_wall;
	char when[64], what[160], summary[256];

	hostiter_ctime(end, when, sizeof(when));
	runinfo_summary(ri, up, what, sizeof(what));
	snprintf(summary, sizeof(summary), "fathom done at %s; %s", when, what);
	/* nmap.dtd has no place for it: a comment (the text has no "--"). */
	if (ri->pc->n > 0 && !ri->opt->dry_run) {
		char line[256];

		fprintf(f, "<!-- %s -->\n",
			passes_describe(ri->pc, line, sizeof(line)));
	}
	fprintf(f, "<runstats><finished time=\"%llu\"",
		(unsigned long long)end);
	attr(f, "timestr", when);
	attr(f, "summary", summary);
	fprintf(f, " elapsed=\"%.2f\" exit=\"%s\"", ri->elapsed,
		error ? "error" : "success");
	if (error)
		attr(f, "errormsg", errmsg ? errmsg : "");
	fprintf(f, "/><hosts up=\"%zu\" down=\"%llu\" total=\"%llu\"/>\n", up,
		(unsigned long long)(total > up ? total - up : 0),
		(unsigned long long)total);
	fputs("</runstats>\n</nmaprun>\n", f);
	fflush(f);
}

void xml_task(FILE *f, const struct report_task *t)
{
	static const char *const el[] = { "taskbegin", "taskprogress",
					  "taskend" };

	fprintf(f, "<%s", el[t->event]);
	attr(f, "task", t->task);
	attr_u(f, "time", (unsigned long long)t->time);
	if (t->event == REPORT_TASK_PROGRESS) {
		fprintf(f, " percent=\"%.2f\"", t->percent);
		attr_u(f, "remaining", (unsigned long long)t->remaining);
		attr_u(f, "etc", (unsigned long long)t->etc);
	} else if (t->extrainfo) {
		attr(f, "extrainfo", t->extrainfo);
	}
	fputs("/>\n", f);
	fflush(f);
}

void xml_partial(FILE *f)
{
	fputs(XML_PARTIAL_MARK "\n", f);
	fflush(f);
}

const struct report_writer report_xml_writer = {
	.name = "XML",
	.begin = xml_begin,
	.host = xml_host,
	.end = xml_end,
	.task = xml_task,
	.partial = xml_partial,
};
