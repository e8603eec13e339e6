/* cli.c -- nmap-style command line into one validated scan configuration. */
#include "config.h"

#include "engine/cli/cli.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "engine/cli/cli_int.h"
#include "engine/cli/resume.h"
#include "engine/cli/targetfile.h"
#include "engine/cli/usage.h"
#include "netstack/base/util.h"
#include "netstack/oui.h"

static char *join_argv(int argc, char **argv)
{
	size_t len = 1;
	char *s, *p;

	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = p = xmalloc(len);
	for (int i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]);

		memcpy(p, argv[i], n);
		p += n;
		*p++ = i + 1 < argc ? ' ' : '\0';
	}
	if (argc == 0)
		*p = '\0';
	return s;
}

/*
 * Once every option is read: checks across options, then ports,
 * targets, databases, shards, --resume, timing and outputs, in the
 * order each needs the ones before. Returns 0 or an exit status.
 */
static int parse_finish(struct parse_state *ps, const struct resume_info *ri)
{
	struct scan_opts *o = ps->o;
	int rc;

	if (o->min_rate && o->max_rate && o->min_rate > o->max_rate) {
		fprintf(stderr, "fathom: --min-rate must not exceed "
				"--max-rate (see fathom -h)\n");
		return FATHOM_EXIT_USAGE;
	}
	if (ps->pa.portarg && (ps->pa.fast || ps->pa.top)) {
		cli_usage_error("%s: -p cannot be combined with -F or "
				"--top-ports",
				ps->pa.portarg);
		return FATHOM_EXIT_USAGE;
	}

	ps->pa.tcp_types = ps->tcp_types;
	if (cli_finish_ports(o, &ps->pa) < 0)
		return FATHOM_EXIT_USAGE;
	/* -6 may come after -S: the family is known only now. */
	if (o->src_set &&
	    (o->src.family == ADDR_V6) != (o->family == ADDR_V6)) {
		fprintf(stderr, "fathom: -S %s: the source must be %s\n",
			addr_format(&o->src, ps->err),
			o->family == ADDR_V6 ? "IPv6 with -6"
					     : "IPv4 without -6");
		return FATHOM_EXIT_USAGE;
	}
	cli_v6_options(o);
	if (cli_finish_targets(o, ps->pend, ps->npend, ps->pa.exclports) < 0)
		return FATHOM_EXIT_USAGE;
	if (cli_load_dbs(o, ps->versiondb, ps->pend, ps->npend) < 0 ||
	    cli_load_names(o, ps->versiondb) < 0)
		return FATHOM_EXIT_USAGE;
	/* Before --resume counts: it counts within this shard's slice. */
	if (cli_shard_apply(o) < 0)
		return FATHOM_EXIT_USAGE;
	rc = cli_finish_resume(o, ri);
	if (rc != 0)
		return rc;
	/* Timing: template, then explicit options win (cli_timing.c). */
	if (cli_timing_finish(o, &ps->tm, ps->err, sizeof(ps->err)) < 0) {
		cli_usage_error("%s", ps->err);
		return FATHOM_EXIT_USAGE;
	}
	if (!o->seed_set &&
	    getrandom(&o->seed, sizeof(o->seed), 0) != sizeof(o->seed))
		o->seed = (uint64_t)now_ns();
	if (cli_finish_stdout(o) < 0)
		return FATHOM_EXIT_USAGE;
	return cli_v6_gate(o);
}

static int parse(int argc, char **argv, struct scan_opts *o,
		 const struct resume_info *ri)
{
	struct parse_state ps = { .o = o };
	int rc;

	memset(o, 0, sizeof(*o));
	o->src_port = -1;
	o->family = ADDR_V4;
	o->version_intensity = 7;
	o->max_os_tries = 5;
	o->scanflags = -1;
	o->cmdline = join_argv(argc, argv);
	cli_timing_init(&ps.tm);
	cli_set_datadir(NULL); /* not an earlier parse's --datadir */
	opterr = 0;
	optind = 1;
	if (argc < 2) {
		usage_print(stdout);
		return 1;
	}
	ps.pend = xcalloc((size_t)argc + 1, sizeof(*ps.pend));
	while ((rc = cli_next_option(&ps, argc, argv)) == 0)
		;
	if (rc == -1) { /* every option read: the rest are targets */
		for (int i = optind; i < argc; i++) {
			ps.pend[ps.npend].kind = PEND_TARGET;
			ps.pend[ps.npend++].arg = argv[i];
		}
		rc = parse_finish(&ps, ri);
	}
	free(ps.pend);
	return rc;
}

/* fathom --resume FILE: the interrupted run's options, minus done targets. */
static int parse_resume(int argc, char **argv, struct scan_opts *o)
{
	struct resume_info ri;
	char err[512], **nargv;
	int nargc, rc;

	memset(o, 0, sizeof(*o));
	if (argc != 3)
		return cli_usage_error("%s must be the only option: fathom "
				       "--resume FILE",
				       argv[1]);
	nargc = resume_load(argv[2], &ri, &nargv, err, sizeof(err));
	if (nargc < 0) {
		fprintf(stderr, "fathom: --resume %s\n", err);
		return FATHOM_EXIT_USAGE;
	}
	rc = parse(nargc, nargv, o, &ri);
	if (rc == 0)
		o->resume_path = xstrdup(argv[2]);
	free(nargv[0]);
	free(nargv);
	resume_info_free(&ri);
	return rc;
}

int cli_parse(int argc, char **argv, struct scan_opts *o)
{
	if (argc >= 2 && (strcmp(argv[1], "--resume") == 0 ||
			  strcmp(argv[1], "-resume") == 0))
		return parse_resume(argc, argv, o);
	return parse(argc, argv, o, NULL);
}

void cli_free(struct scan_opts *o)
{
	targets_free(o->targets);
	ports_free(&o->ports);
	services_free(o->services);
	free(o->services_path);
	services_free(o->names);
	oui_free(o->ouis);
	free(o->db_label);
	free(o->iface);
	free(o->out_normal);
	free(o->out_xml);
	free(o->out_grep);
	free(o->out_json);
	free(o->out_db);
	free(o->cmdline);
	free(o->resume_path);
	free(o->shard.scan_id);
	pairs_free(o->pairs);
	cli_disc_free(o);
	svcdb_free(o->svcdb);
	svcdb_free(o->scriptdb);
	osdb_free(o->osdb);
	memset(o, 0, sizeof(*o));
}
