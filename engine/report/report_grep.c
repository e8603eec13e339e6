/* report_grep.c -- nmap's grepable output (-oG). */
#include "config.h"

#include "engine/report/report_grep.h"

#include <string.h>

#include "fingerprints/osresult.h"
#include "engine/report/report.h"

/* Printable ASCII as is, any other byte as \xHH; no length limit. */
static void put_safe(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c < 0x7f)
			fputc(c, f);
		else
			fprintf(f, "\\x%02x", c);
	}
}

/* '/' separates the fields: nmap turns it into '|'. */
static void slash_to_bar(char *s)
{
	for (; *s; s++)
		if (*s == '/')
			*s = '|';
}

void grep_begin(FILE *f, const struct run_info *ri)
{
	const struct scan_opts *o = ri->opt;
	char when[64];

	hostiter_ctime(ri->start_wall, when, sizeof(when));
	fprintf(f, "# fathom %s scan initiated %s as: ", PACKAGE_VERSION, when);
	put_safe(f, o->cmdline ? o->cmdline : "fathom");
	fputc('\n', f);
	report_shard_line(f, o, "# fathom-shard: ", "\n");
	if (o->verbose) {
		fputs("# Ports scanned:", f);
		for (int p = 0; p < SVC_NPROTO; p++) {
			const struct port_list *pl = &o->ports.proto[p];
			struct hostiter_ranges rg = HOSTITER_RANGES_INIT(f);

			fprintf(f, " %s(%zu;", p == SVC_TCP ? "TCP" : "UDP",
				pl->n);
			for (size_t i = 0; i < pl->n; i++)
				hostiter_ranges_add(&rg, pl->ports[i]);
			hostiter_ranges_end(&rg);
			fputc(')', f);
		}
		fputs(" SCTP(0;) PROTOCOLS(0;)\n", f);
	}
	fflush(f);
}

static void host_prefix(FILE *f, const struct hostiter_host *h)
{
	fprintf(f, "Host: %s (", h->ip);
	if (h->name)
		put_safe(f, h->name);
	fputs(")\t", f);
}

void grep_host(FILE *f, const struct run_info *ri,
	       const struct hostiter_host *h)
{
	int first = 1;

	if (h->hidden)
		return;
	host_prefix(f, h);
	if (h->down) {
		fputs("Status: Down\n", f);
		return;
	}
	if (h->timed_out) {
		/* nmap: the up line its discovery wrote, then this one. */
		fputs("Status: Up\n", f);
		host_prefix(f, h);
		fputs("Status: Timeout\n", f);
		return;
	}
	fputs("Status: Up\n", f);
	if (ri->opt->ping_only) /* -sn: no Ports line */
		return;
	host_prefix(f, h);
	fputs("Ports: ", f);
	for (size_t i = 0; i < h->nrows; i++) {
		const struct hostiter_row *r = &h->rows[i];
		struct hostiter_svc sv;
		char svc[96] = "", ver[400], rpc[128] = "";

		if (h->ignored[r->state])
			continue;
		hostiter_service(ri->opt, h, r, &sv);
		/* An unnamed service is empty here, "unknown" elsewhere. */
		if (sv.name)
			hostiter_svc_cell(&sv, svc, sizeof(svc));
		hostiter_svc_version(&sv, ver, sizeof(ver));
		slash_to_bar(svc);
		slash_to_bar(ver);
		/* nmap's SunRPC field: "(name:program*low-high)". */
		if (sv.rpc_prog)
			snprintf(rpc, sizeof(rpc), "(%s:%u*%u-%u)",
				 sv.name ? sv.name : "", sv.rpc_prog,
				 sv.rpc_low, sv.rpc_high);
		fprintf(f, "%s%u/%s/%s//%s/%s/%s/", first ? "" : ", ", r->port,
			port_state_name(r->state),
			hostiter_proto_name(r->proto), svc, rpc, ver);
		first = 0;
	}
	if (h->nignored == 1)
		fprintf(f, "\tIgnored State: %s (%llu)",
			port_state_name(h->order[0]),
			(unsigned long long)h->count[h->order[0]]);
	if (h->os) {
		const struct os_result *r = h->os;
		const struct osmatch_list *ml = &r->matches;

		/* nmap: the perfect matches when there are 1 to 8. */
		if (ml->nperfect > 0 && ml->nperfect <= 8) {
			fputs("\tOS: ", f);
			for (int i = 0; i < ml->nperfect; i++) {
				if (i)
					fputc('|', f);
				put_safe(f, ml->m[i].name);
			}
		}
		if (r->nisn > 3)
			fprintf(f, "\tSeq Index: %d", r->seq_index);
		if (r->nipid > 2 && r->ipid_class)
			fprintf(f, "\tIP ID Seq: %s", r->ipid_class);
	}
	fputc('\n', f);
}

void grep_end(FILE *f, const struct run_info *ri, int error, const char *errmsg)
{
	char when[64], what[160];

	(void)error;
	(void)errmsg;
	hostiter_ctime(ri->end_wall, when, sizeof(when));
	runinfo_summary(ri, ri->hosts_up, what, sizeof(what));
	fprintf(f, "# fathom done at %s -- %s\n", when, what);
	fflush(f);
}

void grep_partial(FILE *f)
{
	fputs(REPORT_PARTIAL_LINE "\n", f);
	fflush(f);
}

const struct report_writer report_grep_writer = {
	.name = "grepable",
	.begin = grep_begin,
	.host = grep_host,
	.end = grep_end,
	.task = NULL,
	.partial = grep_partial,
};
