/* cli_finish.c -- the steps after the option loop: ports, targets, --resume's cut, stdout. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "engine/cli/cli_int.h"
#include "engine/cli/resume.h"
#include "engine/cli/targetfile.h"
#include "netstack/base/util.h"

/* The services table: fathom's own, or nmap's under --datadir. */
static int load_services(struct scan_opts *o)
{
	char path[PATH_MAX + 32], err[512];

	cli_data_path("fathom-services", "nmap-services", path, sizeof(path));
	o->services = services_load(path, err, sizeof(err));
	if (o->services == NULL) {
		fprintf(stderr, "fathom: %s\n", err);
		return -1;
	}
	o->services_path = xstrdup(path);
	return 0;
}

/*
 * nmap's rule: ports without a T:/U: prefix go to every protocol
 * scanned. ports_parse() gives them to TCP; parsing "U:" + arg again
 * gives them to UDP, with T:/U: items still where they say.
 */
static int choose_ports(struct scan_opts *o, const struct cli_ports_args *pa,
			char *err, size_t errlen)
{
	size_t n = pa->top ? pa->top : pa->fast ? 100 : 1000;

	if (o->ping_only)
		return 0; /* -sn: no port is scanned (the lists stay empty). */
	if (pa->portarg) {
		if (ports_parse(pa->portarg, o->services, &o->ports, err,
				errlen) < 0)
			return -1;
		return o->udp_scan
			       ? cli_udp_reparse(pa->portarg, o, 0, err, errlen)
			       : 0;
	}
	if (o->syn_scan)
		ports_top(o->services, SVC_TCP, n, &o->ports);
	if (o->udp_scan)
		ports_top(o->services, SVC_UDP, n, &o->ports);
	return 0;
}

/* What the lists hold once chosen, excluded and finalized. */
static int check_ports(struct scan_opts *o)
{
	const char *why = NULL;

	if (o->ports.proto[SVC_UDP].n && !o->udp_scan)
		why = "UDP ports (U:) given but no UDP scan (-sU)";
	else if (cli_disc_finish(o) < 0)
		return -1;
	else if (o->syn_scan && o->ports.proto[SVC_TCP].n == 0)
		why = "no TCP ports to scan";
	else if (o->udp_scan && o->ports.proto[SVC_UDP].n == 0)
		why = "no UDP ports to scan";
	if (why)
		fprintf(stderr, "fathom: %s\n", why);
	return why ? -1 : 0;
}

int cli_finish_ports(struct scan_opts *o, const struct cli_ports_args *pa)
{
	char err[512];

	if (load_services(o) < 0)
		return -1;
	if (cli_scan_finish(o, pa->tcp_types) < 0 ||
	    (o->ping_only &&
	     cli_disc_check(o, pa->portarg || pa->fast || pa->top) < 0))
		return -1;
	o->syn_scan = !o->ping_only && (o->syn_scan || !o->udp_scan);
	if (choose_ports(o, pa, err, sizeof(err)) < 0 ||
	    (pa->exclports &&
	     (ports_exclude(pa->exclports, o->services, &o->ports, err,
			    sizeof(err)) < 0 ||
	      (o->udp_scan &&
	       cli_udp_reparse(pa->exclports, o, 1, err, sizeof(err)) < 0)))) {
		fprintf(stderr, "fathom: %s\n", err);
		return -1;
	}
	/* -sU alone: the TCP list (unprefixed or T: ports) goes unused. */
	if (!o->syn_scan)
		o->ports.proto[SVC_TCP].n = 0;
	ports_finalize(&o->ports);
	return check_ports(o);
}

/*
 * One pending target word into both sets: every target, and those
 * given without a port (with -iL HOST:PORT entries, only they get -p).
 */
static int add_pending(struct scan_opts *o, const struct pending *p, char *err,
		       size_t errlen)
{
	struct target_set *bare = o->pairs->bare;
	int r;

	switch (p->kind) {
	case PEND_TARGET:
		r = targets_add(o->targets, p->arg, o->no_dns, err, errlen);
		return r ? r
			 : targets_add(bare, p->arg, o->no_dns, err, errlen);
	case PEND_EXCLUDE:
		r = targets_exclude_list(o->targets, p->arg, o->no_dns, err,
					 errlen);
		return r ? r
			 : targets_exclude_list(bare, p->arg, o->no_dns, err,
						errlen);
	case PEND_INPUT_FILE:
		return targetfile_load(o->targets, o->pairs, p->arg, o->no_dns,
				       err, errlen);
	case PEND_EXCLUDE_FILE:
		r = targets_add_file(o->targets, p->arg, 1, o->no_dns, err,
				     errlen);
		return r ? r
			 : targets_add_file(bare, p->arg, 1, o->no_dns, err,
					    errlen);
	default: /* databases: loaded by cli_load_dbs() */
		return 0;
	}
}

int cli_finish_targets(struct scan_opts *o, const struct pending *pend,
		       size_t npend, const char *exclports)
{
	char err[512];

	o->targets = targets_new();
	o->pairs = pairs_new();
	targets_set_family(o->targets, o->family);
	targets_set_family(o->pairs->bare, o->family);
	for (size_t i = 0; i < npend; i++)
		if (add_pending(o, &pend[i], err, sizeof(err)) < 0) {
			fprintf(stderr, "fathom: %s\n", err);
			return -1;
		}
	if (targets_finalize(o->targets, err, sizeof(err)) < 0 ||
	    pairs_apply(&o->pairs, &o->ports, o->services, exclports, err,
			sizeof(err)) < 0) {
		fprintf(stderr, "fathom: %s\n", err);
		return -1;
	}
	/* -iL HOST:PORT lines name TCP ports; -sU has no such form. */
	if (o->pairs && o->udp_scan) {
		fprintf(stderr, "fathom: -iL HOST:PORT targets are TCP only: "
				"not with -sU\n");
		return -1;
	}
	return 0;
}

int cli_finish_resume(struct scan_opts *o, const struct resume_info *ri)
{
	uint64_t lo = 0, hi;

	if (ri && ri->finished) {
		printf("fathom: nothing to resume: the scan finished\n");
		return 1;
	}
	if (!ri || !ri->have_last)
		return 0;
	/* Every target up to the last completed one is done. */
	hi = targets_count(o->targets);
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		struct addr a = targets_at(o->targets, mid);

		if (addr_cmp(&a, &ri->last) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	o->resume_done = lo;
	o->resume_up = ri->ndone;
	if (lo == targets_count(o->targets)) {
		printf("fathom: nothing to resume: every target was already "
		       "scanned\n");
		return 1;
	}
	return 0;
}

int cli_finish_stdout(const struct scan_opts *o)
{
	/* nmap: "Cannot display multiple output types to stdout." */
	const char *outs[] = { o->out_normal, o->out_xml, o->out_grep,
			       o->out_json };
	int ndash = 0;

	for (size_t i = 0; i < sizeof(outs) / sizeof(*outs); i++)
		ndash += outs[i] && strcmp(outs[i], "-") == 0;
	if (ndash > 1) {
		fprintf(stderr, "fathom: only one output format can go to "
				"stdout ('-')\n");
		return -1;
	}
	return 0;
}
