/* cli_int.h -- what cli.c shares with cli_data.c; not for other modules. */
#ifndef FATHOM_CLI_INT_H
#define FATHOM_CLI_INT_H

#include <stddef.h>

#include "engine/cli/cli.h"

/*
 * Arguments kept until every option is read: targets need -n first,
 * databases need -sV/-O. Kept in command-line order.
 */
enum pending_kind {
	PEND_TARGET,       /* a target token */
	PEND_EXCLUDE,      /* --exclude LIST */
	PEND_INPUT_FILE,   /* -iL FILE */
	PEND_EXCLUDE_FILE, /* --excludefile FILE */
	PEND_SERVICE_DB,   /* --service-db FILE */
	PEND_OS_DB,        /* --os-db FILE */
};

struct pending {
	enum pending_kind kind;
	const char *arg;
};

/* What the option loop gathers for choosing ports (cli_finish.c). */
struct cli_ports_args {
	const char *portarg;   /* -p, or NULL */
	const char *exclports; /* --exclude-ports, or NULL */
	int fast;              /* -F */
	size_t top;            /* --top-ports, 0 if not given */
	unsigned tcp_types;    /* 1 << enum tcp_scan, per type given */
};

/*
 * The steps after the option loop, in this order (cli_finish.c). Each
 * returns 0, or -1 after printing "fathom: why" (one line).
 * ports: the services table, the scan types, the port lists.
 * targets: every pending target word, then -iL pairs (needs ports).
 * resume: with --resume, how many targets are done; 1 (after printing
 * why) when nothing is left to do.
 * stdout: at most one output goes to '-'.
 */
int cli_finish_ports(struct scan_opts *o, const struct cli_ports_args *pa);
int cli_finish_targets(struct scan_opts *o, const struct pending *pend,
		       size_t npend, const char *exclports);
struct resume_info;
int cli_finish_resume(struct scan_opts *o, const struct resume_info *ri);
int cli_finish_stdout(const struct scan_opts *o);

/*
 * --datadir: where data files are looked for first from now on.
 * Returns -1 (nothing changed) unless dir is a readable directory;
 * NULL forgets the last one.
 */
int cli_set_datadir(const char *dir);

/*
 * Loads o->names (see cli.h) when nmap's data is in use: nmap-services
 * in --datadir, or beside versiondb when that is an nmap-service-probes
 * (with -sV). Returns 0, or -1 after printing "fathom: FILE:LINE: why".
 */
int cli_load_names(struct scan_opts *o, const char *versiondb);

/* Timing template 0-5 (-T0..-T5); level must be in range. */
const struct timing *cli_timing_template(int level);
/* -T's argument: a digit 0-5 or nmap's name ("aggressive"); -1 if bad. */
int cli_parse_timing(const char *s);
/* --min-rate/--max-rate: a number > 0 and <= 1e9 into *out; 0, or -1. */
int cli_parse_rate(const char *s, double *out);

/* The timing options (cli_timing.c), as cli_opts.c hands them on. */
enum cli_topt {
	CLI_T_TEMPLATE,    /* -T */
	CLI_T_MINRTT,      /* --min-rtt-timeout */
	CLI_T_MAXRTT,      /* --max-rtt-timeout */
	CLI_T_INITRTT,     /* --initial-rtt-timeout */
	CLI_T_DELAY,       /* --scan-delay */
	CLI_T_MAXDELAY,    /* --max-scan-delay */
	CLI_T_RETRIES,     /* --max-retries */
	CLI_T_HOSTTIMEOUT, /* --host-timeout */
	CLI_T_N
};

/* What the timing options said, until the template is applied. */
struct cli_timing {
	int level;           /* -T, 3 by default */
	uint64_t v[CLI_T_N]; /* each given value: ms, or the retry count */
	unsigned set;        /* 1 << enum cli_topt for each given */
};

void cli_timing_init(struct cli_timing *t);
/*
 * One timing option k with its argument (the last one given wins).
 * Returns 0, or -1 with a one-line err naming the option and value.
 */
int cli_timing_opt(struct cli_timing *t, enum cli_topt k, const char *arg,
		   char *err, size_t errlen);
/*
 * o->timing from the template, then every option given (nmap's rules:
 * the RTT limits move to agree with a given one; a --scan-delay above
 * the max scan delay raises it), o->max_retries, o->host_timeout_ms and
 * o->rate (after --min-rate/--max-rate are known). Returns 0, or -1
 * with err when two given values contradict each other.
 */
int cli_timing_finish(struct scan_opts *o, const struct cli_timing *t,
		      char *err, size_t errlen);

/*
 * Loads what -sV and -O need into o->svcdb and o->osdb: fathom's own
 * files (or --versiondb instead of the own service file), then every
 * --service-db / --os-db in pend, in command-line order. Every file is
 * parsed before any packet is sent; the first error is printed as
 * "fathom: FILE:LINE: reason" and -1 returned.
 */
int cli_load_dbs(struct scan_opts *o, const char *versiondb,
		 const struct pending *pend, size_t npend);

/*
 * After a -6 command line is fully checked (cli_v6.c): 0 to go on (every
 * phase but -O speaks IPv6; cli_v6_options drops -O with a warning), 1
 * when a -6 --dry-run has listed its targets (done, exit 0).
 */
int cli_v6_gate(const struct scan_opts *o);

/*
 * Once the family is known, before the data files are loaded: with -6,
 * -O (IPv4-only) is cleared after one warning line on stderr.
 */
void cli_v6_options(struct scan_opts *o);

/*
 * Host discovery options (cli_disc.c). cli_disc_ping() takes what
 * follows "-P" ("S22,80", "E", "R"); 0, or -1 with err. After every
 * option, cli_disc_finish() puts nmap's default probes in when none was
 * named and sorts them into nmap's order. cli_disc_free() frees them.
 */
int cli_disc_ping(struct scan_opts *o, const char *arg, char *err,
		  size_t errlen);
int cli_disc_finish(struct scan_opts *o); /* -1: said why (-PP/-PM with -6) */
void cli_disc_free(struct scan_opts *o);
/*
 * -sn with what needs a port scan: nmap's refusals (-sV is dropped, as
 * nmap ignores it). ports_given: -p, -F or --top-ports. Returns 0, or
 * -1 after one line on stderr.
 */
int cli_disc_check(struct scan_opts *o, int ports_given);

/*
 * The scan type options (cli_scan.c). cli_scan_flags() reads
 * --scanflags (a number 0-255, base as strtol's 0, or nmap's flag names
 * in any order) into o->scanflags: 0, or -1 with err. After every
 * option, cli_scan_finish() takes the TCP types given (1 << enum
 * tcp_scan each) and sets o->tcp_scan and o->syn_scan (the TCP sweep
 * runs); more than one type is nmap's refusal: -1 after one line on
 * stderr.
 */
int cli_scan_flags(struct scan_opts *o, const char *arg, char *err,
		   size_t errlen);
int cli_scan_finish(struct scan_opts *o, unsigned types);

/* The option of a TCP scan type ("-sS", "-sT"...): enum tcp_scan. */
const char *cli_scan_type_opt(int type);

/*
 * -sU: parses (or with exclude, removes) "U:" + arg so that unprefixed
 * ports reach UDP too; only the UDP list of the result is kept. 0, or
 * -1 with err.
 */
int cli_udp_reparse(const char *arg, struct scan_opts *o, int exclude,
		    char *err, size_t errlen);

/*
 * --traceroute (cli_trace.c), also set by -A: the trace phase runs after
 * -sV and -O on every up host.
 */
void cli_trace_enable(struct scan_opts *o);

/*
 * --version-parallel N (cli_vscan.c): the probes one -sV service keeps in
 * flight after its first ones (engine/vscan/vscan_order.c); 1 sends them
 * one at a time in nmap's order. 0, or -1 after one line on stderr (a
 * usage error).
 */
#define CLI_VPAR_MAX 32
int cli_vscan_parallel(struct scan_opts *o, const char *arg);

/*
 * Output options (cli_out.c): -oA BASE sets the four file names; -oS
 * TARGET the inventory database (engine/invdb/invdb.h), refused when
 * this build lacks its backend. opt is the option as typed. 0, or -1
 * after one line on stderr (a usage error).
 */
int cli_out_all(struct scan_opts *o, const char *opt, const char *base);
int cli_out_db(struct scan_opts *o, const char *opt, const char *target);

/*
 * The shard options (cli_shard.c). cli_shard_opt() takes one of them
 * (enum cli_shard_which) as given: 0, or -1 after one line on stderr.
 * cli_shard_apply(), once the targets and ports are final and before
 * --resume counts what is done: checks them together, derives the seed
 * from --scan-id, refuses a shard without a seed, computes the
 * fingerprint over the whole scan and narrows o->targets to the slice.
 * 0, or -1 after one line on stderr.
 */
enum cli_shard_which {
	CLI_SHARDS,
	CLI_SHARD,
	CLI_SCAN_ID
};
int cli_shard_opt(struct scan_opts *o, int which, const char *arg);

/* --one-pass on|off (cli_onepass.c). 0, or -1 after its error line. */
int cli_onepass_opt(struct scan_opts *o, const char *arg);
int cli_shard_apply(struct scan_opts *o);

/* FNV-1a-64 of every option that changes the set of probes sent. */
uint64_t cli_probeset_fingerprint(const struct scan_opts *o);

/* One parse's state: what the option loop gathers (cli.c, cli_opts.c). */
struct parse_state {
	struct scan_opts *o;
	struct pending *pend; /* kept until every option is read */
	size_t npend;
	struct cli_ports_args pa;
	struct cli_timing tm;
	unsigned tcp_types; /* 1 << enum tcp_scan, per type given */
	const char *versiondb;
	const char *bad; /* the option as written, for messages */
	char err[512];
};

/*
 * Reads and records the next option of argv (getopt_long_only: nmap's
 * spellings, cli_opts.c). Returns 0 for an option recorded, -1 when no
 * option is left (optind: the first operand), 1 after -h or -V (printed),
 * or FATHOM_EXIT_USAGE after a bad one (said on stderr, one line).
 */
int cli_next_option(struct parse_state *ps, int argc, char **argv);

/* Prints "fathom: " fmt(arg) " (see fathom -h)"; FATHOM_EXIT_USAGE. */
__attribute__((format(printf, 1, 0))) int cli_usage_error(const char *fmt,
							  const char *arg);

#endif
