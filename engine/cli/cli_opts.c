/* cli_opts.c -- the command line's options, and what each one records. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/cli/cli_int.h"
#include "engine/cli/usage.h"
#include "netstack/base/util.h"

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

int cli_usage_error(const char *fmt, const char *arg)
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

/* An option group's answer for one option. */
enum grp_rc {
	GRP_BAD = -1,  /* a bad value: said on stderr */
	GRP_TAKEN = 0, /* the group's own, recorded */
	GRP_OTHER = 1, /* not the group's: ask the next */
	GRP_STOP = 2,  /* -h, -V: printed, nothing to scan */
};

/*
 * optarg as a number in min..max into *v. Returns 0, or 1 when it is not
 * one, after the usage error fmt (its %s the argument) on stderr.
 */
static int bad_num(const char *fmt, uint64_t min, uint64_t max, uint64_t *v)
{
	if (parse_u64(optarg, max, v) < 0 || *v < min) {
		cli_usage_error(fmt, optarg);
		return 1;
	}
	return 0;
}

static void pend_add(struct parse_state *ps, enum pending_kind kind,
		     const char *arg)
{
	ps->pend[ps->npend++] = (struct pending){ kind, arg };
}

/* Targets, ports and their order: -p -F -iL --exclude -6 -n --seed --shard. */
static int opt_targets(struct parse_state *ps, int c)
{
	struct scan_opts *o = ps->o;
	uint64_t v;

	switch (c) {
	case 'p':
		ps->pa.portarg = optarg;
		return GRP_TAKEN;
	case 'F':
		ps->pa.fast = 1;
		return GRP_TAKEN;
	case OPT_TOPPORTS:
		if (bad_num("bad --top-ports value '%s'", 1, 65536, &v))
			return GRP_BAD;
		ps->pa.top = (size_t)v;
		return GRP_TAKEN;
	case OPT_EXCLUDEPORTS:
		ps->pa.exclports = optarg;
		return GRP_TAKEN;
	case OPT_SEED:
		if (bad_num("bad --seed value '%s'", 0, UINT64_MAX, &o->seed))
			return GRP_BAD;
		o->seed_set = 1;
		return GRP_TAKEN;
	case 'r':
		o->sequential = 1;
		return GRP_TAKEN;
	case OPT_SHARDS:
	case OPT_SHARD:
	case OPT_SCANID:
		if (cli_shard_opt(o, c - OPT_SHARDS, optarg) < 0)
			return GRP_BAD;
		return GRP_TAKEN;
	case 'n':
		o->no_dns = 1;
		return GRP_TAKEN;
	case OPT_DATADIR:
		if (cli_set_datadir(optarg) < 0) {
			cli_usage_error("--datadir '%s': not a readable "
					"directory",
					optarg);
			return GRP_BAD;
		}
		return GRP_TAKEN;
	case OPT_IL:
		pend_add(ps, PEND_INPUT_FILE, optarg);
		return GRP_TAKEN;
	case OPT_EXCLUDE:
		pend_add(ps, PEND_EXCLUDE, optarg);
		return GRP_TAKEN;
	case OPT_EXCLUDEFILE:
		pend_add(ps, PEND_EXCLUDE_FILE, optarg);
		return GRP_TAKEN;
	case '6':
		o->family = ADDR_V6;
		return GRP_TAKEN;
	}
	return GRP_OTHER;
}

/* Rates and timing: --min-rate, -T and nmap's timing options, group sizes. */
static int opt_timing(struct parse_state *ps, int c)
{
	struct scan_opts *o = ps->o;
	uint64_t v;

	switch (c) {
	case OPT_MINRATE:
		if (cli_parse_rate(optarg, &o->min_rate) < 0) {
			cli_usage_error("bad --min-rate value '%s'", optarg);
			return GRP_BAD;
		}
		return GRP_TAKEN;
	case OPT_MAXRATE:
		if (cli_parse_rate(optarg, &o->max_rate) < 0) {
			cli_usage_error("bad --max-rate value '%s'", optarg);
			return GRP_BAD;
		}
		return GRP_TAKEN;
	case 'T':
	case OPT_MINRTT:
	case OPT_MAXRTT:
	case OPT_INITRTT:
	case OPT_SCANDELAY:
	case OPT_MAXSCANDELAY:
	case OPT_MAXRETRIES:
	case OPT_HOSTTIMEOUT:
		if (cli_timing_opt(&ps->tm, timing_kind(c), optarg, ps->err,
				   sizeof(ps->err)) < 0) {
			cli_usage_error("%s", ps->err);
			return GRP_BAD;
		}
		return GRP_TAKEN;
	case OPT_STATSEVERY:
		if (parse_time_ms(optarg, &v) < 0 || v == 0) {
			cli_usage_error("bad --stats-every value '%s'", optarg);
			return GRP_BAD;
		}
		o->stats_every_ms = v;
		return GRP_TAKEN;
	case OPT_MAXHOSTGROUP:
		if (bad_num("bad --max-hostgroup value '%s'", 1, UINT32_MAX,
			    &v))
			return GRP_BAD;
		o->max_hostgroup = v;
		return GRP_TAKEN;
	case OPT_MAXPAR:
		if (bad_num("bad --max-parallelism '%s' (1-100000)", 1, 100000,
			    &v))
			return GRP_BAD;
		o->max_parallelism = (int)v;
		return GRP_TAKEN;
	}
	return GRP_OTHER;
}

/* Where probes leave from, and whether: -e -S -g --dry-run --no-drop. */
static int opt_source(struct parse_state *ps, int c)
{
	struct scan_opts *o = ps->o;
	uint64_t v;

	switch (c) {
	case 'e':
		free(o->iface);
		o->iface = xstrdup(optarg);
		return GRP_TAKEN;
	case 'S':
		if (addr_parse(optarg, &o->src) < 0) {
			cli_usage_error("bad -S address '%s'", optarg);
			return GRP_BAD;
		}
		o->src_set = 1;
		return GRP_TAKEN;
	case 'g':
		if (bad_num("bad -g source port '%s'", 1, 65535, &v))
			return GRP_BAD;
		o->src_port = (int)v;
		return GRP_TAKEN;
	case OPT_DRYRUN:
		o->dry_run = 1;
		return GRP_TAKEN;
	case OPT_NODROP:
		o->no_drop = 1;
		return GRP_TAKEN;
	}
	return GRP_OTHER;
}

/* Scan and discovery types: -sS -sT -sU -sA... --scanflags -P* -Pn -sn. */
static int opt_scan(struct parse_state *ps, int c)
{
	struct scan_opts *o = ps->o;

	switch (c) {
	case OPT_ONEPASS:
		if (cli_onepass_opt(o, optarg) < 0)
			return GRP_BAD;
		return GRP_TAKEN;
	case OPT_PN:
		o->skip_ping = 1;
		return GRP_TAKEN;
	case OPT_SN:
		o->ping_only = 1;
		return GRP_TAKEN;
	case OPT_NOARP:
		o->disc.no_arp = 1;
		return GRP_TAKEN;
	case 'P':
		if (cli_disc_ping(o, optarg, ps->err, sizeof(ps->err)) < 0) {
			cli_usage_error("%s", ps->err);
			return GRP_BAD;
		}
		return GRP_TAKEN;
	case OPT_SS:
		ps->tcp_types |= 1u << TCP_SCAN_SYN;
		return GRP_TAKEN;
	case OPT_SA:
	case OPT_SW:
	case OPT_SF:
	case OPT_SNULL:
	case OPT_SX:
	case OPT_SM:
		ps->tcp_types |= 1u << (TCP_SCAN_ACK + (c - OPT_SA));
		return GRP_TAKEN;
	case OPT_SCANFLAGS:
		if (cli_scan_flags(o, optarg, ps->err, sizeof(ps->err)) < 0) {
			cli_usage_error("%s", ps->err);
			return GRP_BAD;
		}
		return GRP_TAKEN;
	case OPT_SU:
		o->udp_scan = 1;
		return GRP_TAKEN;
	case OPT_SCANTYPE:
		ps->tcp_types |= 1u << TCP_SCAN_CONNECT;
		return GRP_TAKEN;
	}
	return GRP_OTHER;
}

/* Version detection: -sV, its intensity, parallelism and databases. */
static int opt_version(struct parse_state *ps, int c)
{
	struct scan_opts *o = ps->o;
	uint64_t v;

	switch (c) {
	case OPT_SV:
		o->version_detect = 1;
		return GRP_TAKEN;
	case OPT_VINTENSITY:
		if (bad_num("bad --version-intensity '%s' (0-9)", 0, 9, &v))
			return GRP_BAD;
		o->version_intensity = (int)v;
		return GRP_TAKEN;
	case OPT_VLIGHT:
		o->version_intensity = 2;
		return GRP_TAKEN;
	case OPT_VALL:
		o->version_intensity = 9;
		return GRP_TAKEN;
	case OPT_VTRACE:
		o->version_trace = 1;
		return GRP_TAKEN;
	case OPT_VPARALLEL:
		if (cli_vscan_parallel(o, optarg) < 0)
			return GRP_BAD;
		return GRP_TAKEN;
	case OPT_ALLPORTS:
		o->allports = 1;
		return GRP_TAKEN;
	case OPT_SERVICEDB:
		pend_add(ps, PEND_SERVICE_DB, optarg);
		return GRP_TAKEN;
	case OPT_VERSIONDB:
		ps->versiondb = optarg;
		return GRP_TAKEN;
	}
	return GRP_OTHER;
}

/* OS detection and the rest of -A: -O and its options, --traceroute. */
static int opt_detect(struct parse_state *ps, int c)
{
	struct scan_opts *o = ps->o;
	uint64_t v;

	switch (c) {
	case 'A':
		/* nmap's -A: -sV -O --traceroute (scripts later). */
		o->version_detect = 1;
		o->os_detect = 1;
		/* fall through */
	case OPT_TRACEROUTE:
		cli_trace_enable(o);
		return GRP_TAKEN;
	case 'O':
		o->os_detect = 1;
		return GRP_TAKEN;
	case OPT_OSGUESS:
		o->osscan_guess = 1;
		return GRP_TAKEN;
	case OPT_OSLIMIT:
		o->osscan_limit = 1;
		return GRP_TAKEN;
	case OPT_MAXOSTRIES:
		if (bad_num("bad --max-os-tries value '%s' (1-50)", 1, 50, &v))
			return GRP_BAD;
		o->max_os_tries = (int)v;
		return GRP_TAKEN;
	case OPT_OSDB:
		pend_add(ps, PEND_OS_DB, optarg);
		return GRP_TAKEN;
	}
	return GRP_OTHER;
}

/* What is printed and where: -v -d --open --reason -oN -oX -oG -oJ -oA -oS. */
static int opt_output(struct parse_state *ps, int c)
{
	struct scan_opts *o = ps->o;

	switch (c) {
	case 'v':
		o->verbose++;
		return GRP_TAKEN;
	case 'd':
		o->debug++;
		return GRP_TAKEN;
	case OPT_OPEN:
		o->open_only = 1;
		return GRP_TAKEN;
	case OPT_REASON:
		o->reason = 1;
		return GRP_TAKEN;
	case OPT_APPEND:
		o->append_output = 1;
		return GRP_TAKEN;
	case OPT_ON:
		free(o->out_normal);
		o->out_normal = xstrdup(optarg);
		return GRP_TAKEN;
	case OPT_OX:
		free(o->out_xml);
		o->out_xml = xstrdup(optarg);
		return GRP_TAKEN;
	case OPT_OG:
		free(o->out_grep);
		o->out_grep = xstrdup(optarg);
		return GRP_TAKEN;
	case OPT_OJ:
		free(o->out_json);
		o->out_json = xstrdup(optarg);
		return GRP_TAKEN;
	case OPT_OA:
		if (cli_out_all(o, ps->bad, optarg) < 0)
			return GRP_BAD;
		return GRP_TAKEN;
	case OPT_OS:
		if (cli_out_db(o, ps->bad, optarg) < 0)
			return GRP_BAD;
		return GRP_TAKEN;
	}
	return GRP_OTHER;
}

/* What no group takes: help, version, and the options that end the parse. */
static int opt_rest(struct parse_state *ps, int c)
{
	switch (c) {
	case 'h':
		usage_print(stdout);
		return GRP_STOP;
	case 'V':
		printf("fathom version %s\n", PACKAGE_VERSION);
		printf("Compiled with: libnet, libpcap, OpenSSL, PCRE2\n");
		return GRP_STOP;
	case OPT_RESUME:
		cli_usage_error("%s must be the only option: fathom "
				"--resume FILE",
				ps->bad);
		return GRP_BAD;
	case OPT_LATER:
		cli_usage_error("option '%s' is not available in this "
				"version yet",
				ps->bad);
		return GRP_BAD;
	case ':':
		cli_usage_error("option '%s' needs an argument", ps->bad);
		return GRP_BAD;
	default:
		cli_usage_error("unrecognized option '%s'", ps->bad);
		return GRP_BAD;
	}
}

/*
 * The option getopt just read (c), for messages: the word before its
 * separate argument, or the word that held both.
 */
static const char *option_word(int c, int argc, char **argv)
{
	static char one[3];

	if (c == ':' && optopt > 0 && optopt < 128 &&
	    strchr(shortopts, optopt)) {
		one[0] = '-';
		one[1] = (char)optopt;
		return one;
	}
	if (optarg && optind >= 2 && optarg == argv[optind - 1])
		return argv[optind - 2];
	return optind >= 1 && optind <= argc ? argv[optind - 1] : "?";
}

/*
 * Each group in turn, until one takes the next option. The option
 * word goes into ps->bad first, for the groups' messages.
 */
int cli_next_option(struct parse_state *ps, int argc, char **argv)
{
	static int (*const groups[])(struct parse_state *, int) = {
		opt_targets, opt_timing, opt_scan,   opt_source,
		opt_version, opt_detect, opt_output, opt_rest,
	};
	int c = getopt_long_only(argc, argv, shortopts, longopts, NULL);

	if (c == -1)
		return -1;
	ps->bad = option_word(c, argc, argv);
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		switch (groups[i](ps, c)) {
		case GRP_TAKEN:
			return 0;
		case GRP_STOP:
			return 1;
		case GRP_BAD:
			return FATHOM_EXIT_USAGE;
		default:
			break;
		}
	}
	return FATHOM_EXIT_USAGE; /* opt_rest takes everything */
}
