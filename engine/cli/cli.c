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

enum {
	OPT_EXCLUDE = 1000,
	OPT_EXCLUDEFILE,
	OPT_TOPPORTS,
	OPT_MINRATE,
	OPT_MAXRATE,
	OPT_MAXRETRIES,
	OPT_HOSTTIMEOUT,
	OPT_SEED,
	OPT_OPEN,
	OPT_REASON,
	OPT_DRYRUN,
	OPT_NODROP,
	OPT_IL,
	OPT_ON,
	OPT_OX,
	OPT_OG,
	OPT_OJ,
	OPT_OA,
	OPT_OS,
	OPT_PN,
	OPT_SS,
	OPT_SCANTYPE,
	OPT_DATADIR,
	OPT_EXCLUDEPORTS,
	OPT_MINRTT,
	OPT_MAXRTT,
	OPT_INITRTT,
	OPT_SCANDELAY,
	OPT_MAXSCANDELAY,
	OPT_LATER,
	OPT_SV,
	OPT_VINTENSITY,
	OPT_VLIGHT,
	OPT_VALL,
	OPT_VTRACE,
	OPT_MAXPAR,
	OPT_SERVICEDB,
	OPT_ALLPORTS,
	OPT_VERSIONDB,
	OPT_OSGUESS,
	OPT_OSLIMIT,
	OPT_MAXOSTRIES,
	OPT_OSDB,
	OPT_APPEND,
	OPT_RESUME,
	OPT_STATSEVERY,
	OPT_MAXHOSTGROUP,
	OPT_SU,
	OPT_SN,
	OPT_NOARP,
	OPT_SA, /* OPT_SA..OPT_SM: enum tcp_scan's order from TCP_SCAN_ACK */
	OPT_SW,
	OPT_SF,
	OPT_SNULL,
	OPT_SX,
	OPT_SM,
	OPT_SCANFLAGS,
	OPT_TRACEROUTE,
	OPT_SHARDS, /* OPT_SHARDS..OPT_SCANID: enum cli_shard_which's order */
	OPT_SHARD,
	OPT_SCANID,
	OPT_VPARALLEL,
	OPT_ONEPASS,
};

/*
 * getopt_long_only gives nmap's single-dash multi-letter options (-iL,
 * -oN, -Pn, -sS) while "-v", "-p80" and "-T4" stay short options.
 */
static const struct option longopts[] = {
	{ "iL", required_argument, NULL, OPT_IL },
	{ "oN", required_argument, NULL, OPT_ON },
	{ "oX", required_argument, NULL, OPT_OX },
	{ "oG", required_argument, NULL, OPT_OG },
	{ "oJ", required_argument, NULL, OPT_OJ },
	{ "oA", required_argument, NULL, OPT_OA },
	{ "oS", required_argument, NULL, OPT_OS },
	{ "Pn", no_argument, NULL, OPT_PN },
	{ "sS", no_argument, NULL, OPT_SS },
	{ "sT", no_argument, NULL, OPT_SCANTYPE },
	{ "sU", no_argument, NULL, OPT_SU },
	{ "sn", no_argument, NULL, OPT_SN },
	{ "disable-arp-ping", no_argument, NULL, OPT_NOARP },
	{ "sA", no_argument, NULL, OPT_SA },
	{ "sW", no_argument, NULL, OPT_SW },
	{ "sF", no_argument, NULL, OPT_SF },
	{ "sN", no_argument, NULL, OPT_SNULL },
	{ "sX", no_argument, NULL, OPT_SX },
	{ "sM", no_argument, NULL, OPT_SM },
	{ "scanflags", required_argument, NULL, OPT_SCANFLAGS },
	{ "traceroute", no_argument, NULL, OPT_TRACEROUTE },
	{ "shards", required_argument, NULL, OPT_SHARDS },
	{ "shard", required_argument, NULL, OPT_SHARD },
	{ "scan-id", required_argument, NULL, OPT_SCANID },
	{ "one-pass", required_argument, NULL, OPT_ONEPASS },
	{ "sV", no_argument, NULL, OPT_SV },
	{ "version-intensity", required_argument, NULL, OPT_VINTENSITY },
	{ "version-light", no_argument, NULL, OPT_VLIGHT },
	{ "version-all", no_argument, NULL, OPT_VALL },
	{ "version-trace", no_argument, NULL, OPT_VTRACE },
	{ "max-parallelism", required_argument, NULL, OPT_MAXPAR },
	{ "version-parallel", required_argument, NULL, OPT_VPARALLEL },
	{ "service-db", required_argument, NULL, OPT_SERVICEDB },
	{ "allports", no_argument, NULL, OPT_ALLPORTS },
	{ "versiondb", required_argument, NULL, OPT_VERSIONDB },
	{ "osscan-guess", no_argument, NULL, OPT_OSGUESS },
	{ "fuzzy", no_argument, NULL, OPT_OSGUESS },
	{ "osscan-limit", no_argument, NULL, OPT_OSLIMIT },
	{ "max-os-tries", required_argument, NULL, OPT_MAXOSTRIES },
	{ "os-db", required_argument, NULL, OPT_OSDB },
	{ "exclude", required_argument, NULL, OPT_EXCLUDE },
	{ "excludefile", required_argument, NULL, OPT_EXCLUDEFILE },
	{ "exclude-ports", required_argument, NULL, OPT_EXCLUDEPORTS },
	{ "top-ports", required_argument, NULL, OPT_TOPPORTS },
	{ "min-rate", required_argument, NULL, OPT_MINRATE },
	{ "max-rate", required_argument, NULL, OPT_MAXRATE },
	{ "max-retries", required_argument, NULL, OPT_MAXRETRIES },
	{ "host-timeout", required_argument, NULL, OPT_HOSTTIMEOUT },
	{ "min-rtt-timeout", required_argument, NULL, OPT_MINRTT },
	{ "max-rtt-timeout", required_argument, NULL, OPT_MAXRTT },
	{ "initial-rtt-timeout", required_argument, NULL, OPT_INITRTT },
	{ "scan-delay", required_argument, NULL, OPT_SCANDELAY },
	{ "max-scan-delay", required_argument, NULL, OPT_MAXSCANDELAY },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "open", no_argument, NULL, OPT_OPEN },
	{ "reason", no_argument, NULL, OPT_REASON },
	{ "dry-run", no_argument, NULL, OPT_DRYRUN },
	{ "no-drop", no_argument, NULL, OPT_NODROP },
	{ "datadir", required_argument, NULL, OPT_DATADIR },
	{ "append-output", no_argument, NULL, OPT_APPEND },
	{ "resume", required_argument, NULL, OPT_RESUME },
	{ "stats-every", required_argument, NULL, OPT_STATSEVERY },
	{ "max-hostgroup", required_argument, NULL, OPT_MAXHOSTGROUP },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* "P::": -PE, -PS22 (nmap's probe letters, the argument attached). */
static const char shortopts[] = ":p:FT:e:S:g:vnhVrd6OAP::";

__attribute__((format(printf, 1, 0)))
static int usage_error(const char *fmt, const char *arg)
{
	fputs("fathom: ", stderr);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	fprintf(stderr, fmt, arg);
#pragma GCC diagnostic pop
	fputs(" (see fathom -h)\n", stderr);
	return FATHOM_EXIT_USAGE;
}

/* getopt's code of a timing option as cli_timing.c names it. */
static enum cli_topt timing_kind(int c)
{
	switch (c) {
	case OPT_MINRTT:
		return CLI_T_MINRTT;
	case OPT_MAXRTT:
		return CLI_T_MAXRTT;
	case OPT_INITRTT:
		return CLI_T_INITRTT;
	case OPT_SCANDELAY:
		return CLI_T_DELAY;
	case OPT_MAXSCANDELAY:
		return CLI_T_MAXDELAY;
	case OPT_MAXRETRIES:
		return CLI_T_RETRIES;
	case OPT_HOSTTIMEOUT:
		return CLI_T_HOSTTIMEOUT;
	default:
		return CLI_T_TEMPLATE;
	}
}

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

static int parse(int argc, char **argv, struct scan_opts *o,
		 const struct resume_info *ri)
{
	char err[512];
	struct pending *pend = xcalloc((size_t)argc + 1, sizeof(*pend));
	size_t npend = 0;
	struct cli_ports_args pa = { 0 };
	uint64_t v;
	int c, rc = FATHOM_EXIT_USAGE;
	struct cli_timing tm;
	unsigned tcp_types = 0; /* 1 << enum tcp_scan, per type given */
	const char *versiondb = NULL;

	memset(o, 0, sizeof(*o));
	o->src_port = -1;
	o->family = ADDR_V4;
	o->version_intensity = 7;
	o->max_os_tries = 5;
	cli_timing_init(&tm);
	o->scanflags = -1;
	o->cmdline = join_argv(argc, argv);
	cli_set_datadir(NULL); /* an earlier parse's --datadir is not this one's */
	opterr = 0;
	optind = 1;
	if (argc < 2) {
		usage_print(stdout);
		free(pend);
		return 1;
	}
	for (;;) {
		const char *bad;

		c = getopt_long_only(argc, argv, shortopts, longopts, NULL);
		if (c == -1)
			break;
		/*
		 * The option itself, for messages: the word before its
		 * separate argument, or the word that held both.
		 */
		if (c == ':' && optopt > 0 && optopt < 128 &&
		    strchr(shortopts, optopt))
			bad = NULL;
		else if (optarg && optind >= 2 && optarg == argv[optind - 1])
			bad = argv[optind - 2];
		else
			bad = optind >= 1 && optind <= argc ? argv[optind - 1]
							    : "?";
		{
			static char one[3];

			if (bad == NULL) {
				one[0] = '-';
				one[1] = (char)optopt;
				bad = one;
			}
		}

		switch (c) {
		case 'h':
			usage_print(stdout);
			free(pend);
			return 1;
		case 'V':
			printf("fathom version %s\n", PACKAGE_VERSION);
			printf("Compiled with: libnet, libpcap, OpenSSL, "
			       "PCRE2\n");
			free(pend);
			return 1;
		case 'p':
			pa.portarg = optarg;
			break;
		case 'F':
			pa.fast = 1;
			break;
		case OPT_TOPPORTS:
			if (parse_u64(optarg, 65536, &v) < 0 || v == 0) {
				usage_error("bad --top-ports value '%s'",
					    optarg);
				goto out;
			}
			pa.top = (size_t)v;
			break;
		case OPT_EXCLUDEPORTS:
			pa.exclports = optarg;
			break;
		case OPT_MINRATE:
			if (cli_parse_rate(optarg, &o->min_rate) < 0) {
				usage_error("bad --min-rate value '%s'", optarg);
				goto out;
			}
			break;
		case OPT_MAXRATE:
			if (cli_parse_rate(optarg, &o->max_rate) < 0) {
				usage_error("bad --max-rate value '%s'", optarg);
				goto out;
			}
			break;
		case 'T':
		case OPT_MINRTT:
		case OPT_MAXRTT:
		case OPT_INITRTT:
		case OPT_SCANDELAY:
		case OPT_MAXSCANDELAY:
		case OPT_MAXRETRIES:
		case OPT_HOSTTIMEOUT:
			if (cli_timing_opt(&tm, timing_kind(c), optarg, err,
					   sizeof(err)) < 0) {
				usage_error("%s", err);
				goto out;
			}
			break;
		case OPT_SEED:
			if (parse_u64(optarg, UINT64_MAX, &o->seed) < 0) {
				usage_error("bad --seed value '%s'", optarg);
				goto out;
			}
			o->seed_set = 1;
			break;
		case 'r':
			o->sequential = 1;
			break;
		case OPT_SHARDS:
		case OPT_SHARD:
		case OPT_SCANID:
			if (cli_shard_opt(o, c - OPT_SHARDS, optarg) < 0)
				goto out;
			break;
		case OPT_ONEPASS:
			if (cli_onepass_opt(o, optarg) < 0)
				goto out;
			break;
		case 'e':
			free(o->iface);
			o->iface = xstrdup(optarg);
			break;
		case 'S':
			if (addr_parse(optarg, &o->src) < 0) {
				usage_error("bad -S address '%s'", optarg);
				goto out;
			}
			o->src_set = 1;
			break;
		case 'g':
			if (parse_u64(optarg, 65535, &v) < 0 || v == 0) {
				usage_error("bad -g source port '%s'", optarg);
				goto out;
			}
			o->src_port = (int)v;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'd':
			o->debug++;
			break;
		case 'n':
			o->no_dns = 1;
			break;
		case OPT_PN:
			o->skip_ping = 1;
			break;
		case OPT_SN:
			o->ping_only = 1;
			break;
		case OPT_NOARP:
			o->disc.no_arp = 1;
			break;
		case 'P':
			if (cli_disc_ping(o, optarg, err, sizeof(err)) < 0) {
				usage_error("%s", err);
				goto out;
			}
			break;
		case OPT_SS:
			tcp_types |= 1u << TCP_SCAN_SYN;
			break;
		case OPT_SA:
		case OPT_SW:
		case OPT_SF:
		case OPT_SNULL:
		case OPT_SX:
		case OPT_SM:
			tcp_types |= 1u << (TCP_SCAN_ACK + (c - OPT_SA));
			break;
		case OPT_SCANFLAGS:
			if (cli_scan_flags(o, optarg, err, sizeof(err)) < 0) {
				usage_error("%s", err);
				goto out;
			}
			break;
		case OPT_SU:
			o->udp_scan = 1;
			break;
		case OPT_OPEN:
			o->open_only = 1;
			break;
		case OPT_REASON:
			o->reason = 1;
			break;
		case OPT_DRYRUN:
			o->dry_run = 1;
			break;
		case OPT_NODROP:
			o->no_drop = 1;
			break;
		case OPT_APPEND:
			o->append_output = 1;
			break;
		case OPT_RESUME:
			usage_error("%s must be the only option: fathom "
				    "--resume FILE",
				    bad);
			goto out;
		case OPT_STATSEVERY:
			if (parse_time_ms(optarg, &v) < 0 || v == 0) {
				usage_error("bad --stats-every value '%s'",
					    optarg);
				goto out;
			}
			o->stats_every_ms = v;
			break;
		case OPT_MAXHOSTGROUP:
			if (parse_u64(optarg, UINT32_MAX, &v) < 0 || v == 0) {
				usage_error("bad --max-hostgroup value '%s'",
					    optarg);
				goto out;
			}
			o->max_hostgroup = v;
			break;
		case OPT_DATADIR:
			if (cli_set_datadir(optarg) < 0) {
				usage_error("--datadir '%s': not a readable "
					    "directory",
					    optarg);
				goto out;
			}
			break;
		case OPT_IL:
			pend[npend++] = (struct pending){ PEND_INPUT_FILE, optarg };
			break;
		case OPT_EXCLUDE:
			pend[npend++] = (struct pending){ PEND_EXCLUDE, optarg };
			break;
		case OPT_EXCLUDEFILE:
			pend[npend++] = (struct pending){ PEND_EXCLUDE_FILE, optarg };
			break;
		case OPT_ON:
			free(o->out_normal);
			o->out_normal = xstrdup(optarg);
			break;
		case OPT_OX:
			free(o->out_xml);
			o->out_xml = xstrdup(optarg);
			break;
		case OPT_OG:
			free(o->out_grep);
			o->out_grep = xstrdup(optarg);
			break;
		case OPT_OJ:
			free(o->out_json);
			o->out_json = xstrdup(optarg);
			break;
		case OPT_OA:
			if (cli_out_all(o, bad, optarg) < 0)
				goto out;
			break;
		case OPT_OS:
			if (cli_out_db(o, bad, optarg) < 0)
				goto out;
			break;
		case OPT_SCANTYPE:
			tcp_types |= 1u << TCP_SCAN_CONNECT;
			break;
		case OPT_SV:
			o->version_detect = 1;
			break;
		case 'A':
			/* nmap's -A: -sV -O --traceroute (scripts later). */
			o->version_detect = 1;
			o->os_detect = 1;
			/* fall through */
		case OPT_TRACEROUTE:
			cli_trace_enable(o);
			break;
		case 'O':
			o->os_detect = 1;
			break;
		case OPT_OSGUESS:
			o->osscan_guess = 1;
			break;
		case OPT_OSLIMIT:
			o->osscan_limit = 1;
			break;
		case OPT_MAXOSTRIES:
			if (parse_u64(optarg, 50, &v) < 0 || v == 0) {
				usage_error("bad --max-os-tries value '%s' "
					    "(1-50)",
					    optarg);
				goto out;
			}
			o->max_os_tries = (int)v;
			break;
		case OPT_OSDB:
			pend[npend++] = (struct pending){ PEND_OS_DB, optarg };
			break;
		case OPT_VINTENSITY:
			if (parse_u64(optarg, 9, &v) < 0) {
				usage_error("bad --version-intensity '%s' (0-9)",
					    optarg);
				goto out;
			}
			o->version_intensity = (int)v;
			break;
		case OPT_VLIGHT:
			o->version_intensity = 2;
			break;
		case OPT_VALL:
			o->version_intensity = 9;
			break;
		case OPT_VTRACE:
			o->version_trace = 1;
			break;
		case OPT_MAXPAR:
			if (parse_u64(optarg, 100000, &v) < 0 || v == 0) {
				usage_error("bad --max-parallelism '%s' "
					    "(1-100000)",
					    optarg);
				goto out;
			}
			o->max_parallelism = (int)v;
			break;
		case OPT_VPARALLEL:
			if (cli_vscan_parallel(o, optarg) < 0)
				goto out;
			break;
		case OPT_ALLPORTS:
			o->allports = 1;
			break;
		case OPT_SERVICEDB:
			pend[npend++] = (struct pending){ PEND_SERVICE_DB, optarg };
			break;
		case OPT_VERSIONDB:
			versiondb = optarg;
			break;
		case OPT_LATER:
			usage_error("option '%s' is not available in this "
				    "version yet",
				    bad);
			goto out;
		case '6':
			o->family = ADDR_V6;
			break;
		case ':':
			usage_error("option '%s' needs an argument", bad);
			goto out;
		default:
			usage_error("unrecognized option '%s'", bad);
			goto out;
		}
	}
	for (int i = optind; i < argc; i++)
		pend[npend++] = (struct pending){ PEND_TARGET, argv[i] };

	if (o->min_rate && o->max_rate && o->min_rate > o->max_rate) {
		fprintf(stderr, "fathom: --min-rate must not exceed "
				"--max-rate (see fathom -h)\n");
		goto out;
	}
	if (pa.portarg && (pa.fast || pa.top)) {
		usage_error("%s: -p cannot be combined with -F or --top-ports",
			    pa.portarg);
		goto out;
	}

	pa.tcp_types = tcp_types;
	if (cli_finish_ports(o, &pa) < 0)
		goto out;
	/* -6 may come after -S: the family is known only now. */
	if (o->src_set && (o->src.family == ADDR_V6) != (o->family == ADDR_V6)) {
		fprintf(stderr, "fathom: -S %s: the source must be %s\n",
			addr_format(&o->src, err),
			o->family == ADDR_V6 ? "IPv6 with -6"
					     : "IPv4 without -6");
		goto out;
	}
	cli_v6_options(o);
	if (cli_finish_targets(o, pend, npend, pa.exclports) < 0)
		goto out;
	if (cli_load_dbs(o, versiondb, pend, npend) < 0 ||
	    cli_load_names(o, versiondb) < 0)
		goto out;
	/* Before --resume counts: it counts within this shard's slice. */
	if (cli_shard_apply(o) < 0)
		goto out;
	rc = cli_finish_resume(o, ri);
	if (rc != 0)
		goto out;
	rc = FATHOM_EXIT_USAGE;
	/* Timing: template, then explicit options win (cli_timing.c). */
	if (cli_timing_finish(o, &tm, err, sizeof(err)) < 0) {
		usage_error("%s", err);
		goto out;
	}
	if (!o->seed_set &&
	    getrandom(&o->seed, sizeof(o->seed), 0) != sizeof(o->seed))
		o->seed = (uint64_t)now_ns();
	if (cli_finish_stdout(o) < 0)
		goto out;
	rc = cli_v6_gate(o);
out:
	free(pend);
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
		return usage_error("%s must be the only option: fathom "
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
	osdb_free(o->osdb);
	memset(o, 0, sizeof(*o));
}
