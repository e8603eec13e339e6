/* cli.h -- nmap-style command line into one validated scan configuration. */
#ifndef FATHOM_CLI_H
#define FATHOM_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "engine/cli/ports.h"
#include "engine/core/services.h"
#include "engine/cli/targets.h"
#include "engine/disc/discspec.h"
#include "netstack/addr.h"
#include "fingerprints/osmatch.h"
#include "probes/servicedb.h"

/* nmap's timing templates, -T0..-T5 (values from nmap's timing table). */
struct oui_table;

struct timing {
	int level;              /* 0..5 */
	uint64_t init_rtt_ms;   /* first retransmission timeout */
	uint64_t min_rtt_ms;    /* RTO floor */
	uint64_t max_rtt_ms;    /* RTO ceiling */
	uint64_t scan_delay_ms; /* T0-T2: fixed gap between probes */
	/* --max-scan-delay: the longest gap an adaptive pace may reach
	 * (nmap: 1 s, T4 10 ms, T5 5 ms); never below scan_delay_ms. */
	uint64_t max_scan_delay_ms;
	int max_retries;          /* retransmissions per probe */
	uint64_t host_timeout_ms; /* 0 = none */
	double rate;              /* default packets/s for T3-T5 */
};

/* The TCP scan types (one per run, as nmap allows): -sS and the
 * firewall-mapping ones. */
enum tcp_scan {
	TCP_SCAN_SYN = 0, /* -sS, the default */
	TCP_SCAN_ACK,     /* -sA */
	TCP_SCAN_WINDOW,  /* -sW */
	TCP_SCAN_FIN,     /* -sF */
	TCP_SCAN_NULL,    /* -sN */
	TCP_SCAN_XMAS,    /* -sX */
	TCP_SCAN_MAIMON,  /* -sM */
	TCP_SCAN_CONNECT, /* -sT: kernel connects (engine/sweep/connect.h);
			     the default without CAP_NET_RAW */
	TCP_SCAN_NTYPES
};

/*
 * --shards N --shard I (zmap's form, I from 0), --shard I/N (masscan's,
 * I from 1) and --scan-id (engine/cli/cli_shard.c). Always 0-based here.
 */
struct shard_opts {
	uint32_t count;       /* N shards; 0: the run is not a shard */
	uint32_t index;       /* this shard, 0..count-1 */
	char *scan_id;        /* --scan-id NAME, or NULL */
	uint64_t fingerprint; /* of every option that changes the probe set */
	uint64_t total;       /* the whole scan's targets, before slicing */
	/* As given, until cli_shard_apply() checks them. */
	uint32_t n_given, i_given, n_inline;
	int has_n, has_i, inline_form;
};

/*
 * Everything a scan needs to know, fully validated: once cli_parse() has
 * returned 0 no further user-input error can happen, so nothing is sent
 * before every token has been checked.
 */
struct scan_opts {
	struct target_set *targets;
	/* Ports per host (-iL host:port, masscan -oL, NDJSON), or NULL when
	 * every target gets every port. engine/cli/targetfile.h */
	struct port_pairs *pairs;
	struct port_spec ports;
	struct services *services;
	char *services_path;
	/*
	 * The names the reports give ports (the SERVICE column, "ssh?"
	 * guesses): nmap's nmap-services when nmap's data is in use
	 * (--datadir holding it, or an nmap-service-probes loaded with
	 * one beside it), so the names are nmap's; NULL: services.
	 */
	struct services *names;

	struct timing timing;
	double min_rate, max_rate; /* 0 = unset */
	double rate;               /* the resulting send rate, packets/s */
	/*
	 * The most the sweep's passes may climb to once a pacing trial has
	 * shown the loss is not their rate's (engine/sweep/passes.h): -T3
	 * up to -T4's rate, never above --max-rate; otherwise rate (0 too).
	 */
	double rate_climb;
	int max_retries;
	uint64_t host_timeout_ms;

	uint64_t seed;
	int seed_set;
	int sequential; /* -r */

	char *iface;     /* -e */
	struct addr src; /* -S, of the run's family; when src_set */
	int src_set;     /* 0: the source address comes from the route */
	int src_port;    /* -g; -1 = fathom's own range */

	int family;            /* ADDR_V4, or ADDR_V6 with -6: every target's */
	int skip_ping;         /* -Pn */
	int ping_only;         /* -sn: host discovery, no port scan */
	struct disc_spec disc; /* -P*: the discovery probes */
	int no_dns;            /* -n */
	int verbose;
	int debug; /* -d: pass timings on stderr */
	int open_only;
	int reason;
	int dry_run; /* build and count every probe, send nothing */
	/*
	 * The TCP sweep runs: -sS or another TCP scan type given, or the
	 * default when no -sU. Which type: tcp_scan.
	 */
	int syn_scan;
	int tcp_scan;       /* enum tcp_scan */
	int tcp_scan_given; /* a -s? TCP type was named (not the default) */
	int scanflags;      /* --scanflags: the probes' TCP flags; -1 = unset */
	int udp_scan;       /* -sU: UDP probes too (ports.proto[SVC_UDP]) */
	int no_drop; /* --no-drop: keep root and capabilities after set-up */
	/*
	 * No CAP_NET_RAW (set by cli_unprivileged(), called by main): -sT
	 * and the connect ping, -sV over kernel sockets, nothing raw.
	 */
	int unprivileged;

	/* Version detection (-sV). */
	int version_detect;
	int version_intensity; /* 0-9, default 7 */
	int version_trace;
	/*
	 * --one-pass off: -sV opens every connection itself. By default
	 * (0) the sweep's SYN-ACK becomes a port's first -sV connection
	 * where it can (engine/sweep/onepass.c).
	 */
	int one_pass_off;
	int max_parallelism;  /* -sV connections at once; 0 = default */
	int version_parallel; /* -sV probes in flight per port; 0 = default */
	int allports;         /* probe even the Exclude'd ports */
	struct svcdb *svcdb;  /* fathom's DB plus --service-db files */
	/* fathom's own file when --versiondb replaced it: its fathom-script
	 * probes run after the other file's (engine/vscan/vscan_script.c) */
	struct svcdb *scriptdb;
	struct oui_table *ouis; /* MAC vendor names, or NULL (cli_data.c) */

	/* OS detection (-O). */
	int os_detect;
	int osscan_guess;  /* --osscan-guess, --fuzzy */
	int osscan_limit;  /* skip hosts without an open and a closed port */
	int max_os_tries;  /* rounds per host, default 5 */
	struct osdb *osdb; /* fathom's OS DB plus --os-db files */

	/* --traceroute (also -A): every up host's hops, after -sV and -O */
	int traceroute;
	/* The -sV and -O database files loaded, by file name ("a, b"), and
	 * whether every one of them is nmap's own (named nmap-*). */
	char *db_label;
	int db_nmap;

	char *out_normal;        /* -oN FILE; "-" = stdout */
	char *out_xml;           /* -oX FILE; "-" = stdout */
	char *out_grep;          /* -oG FILE; "-" = stdout */
	char *out_json;          /* -oJ FILE (NDJSON); "-" = stdout */
	char *out_db;            /* -oS: SQLite file or postgresql:// URI */
	char *cmdline;           /* argv joined, for report headers */
	int append_output;       /* --append-output: append, don't truncate */
	char *resume_path;       /* --resume FILE: continue that run */
	uint64_t resume_done;    /* targets it had finished: the first ones,
				    in address order; the scan starts after */
	uint64_t resume_up;      /* of those, hosts it reported up */
	uint64_t stats_every_ms; /* --stats-every; 0 = only on a key press */
	uint64_t max_hostgroup;  /* --max-hostgroup; 0 = all targets at once */
	struct shard_opts shard; /* --shard: targets holds only this slice */
};

/*
 * Parses argv. "fathom --resume FILE" (nmap: the only option) parses the
 * command line recorded in FILE instead, without the targets FILE
 * reports as done (engine/cli/resume.h), and sets resume_path: the outputs
 * are then appended to. Returns 0 to scan, 1 when the command was fully handled
 * (-h, -V: print and exit 0), or 2 after printing one line to stderr
 * naming the bad option, value, target, port or file ("fathom: ...").
 * Data files (fathom-services, fathom-service-probes) come from
 * cli_data_path().
 */
int cli_parse(int argc, char **argv, struct scan_opts *o);

void cli_free(struct scan_opts *o);

/*
 * For a process without CAP_NET_RAW (main asks privs_have_net_raw()),
 * after cli_parse(): nmap's unprivileged run. Sets o->unprivileged; the
 * default scan becomes -sT and host discovery nmap's connect ping (TCP
 * connects to 80 and 443, or the -PS/-PA ports). What only raw packets
 * can do (-sS and the other raw TCP types, --scanflags, -sU, -O and -A,
 * -PE/-PP/-PM/-PU/-PR, -S of an address this host does not own) is
 * refused: 0, or -1 after one line on stderr (exit status 1, as a
 * missing privilege is a runtime failure, not a usage error).
 */
int cli_unprivileged(struct scan_opts *o);

/*
 * The shard's identity for every output's header: "shard=I shards=N
 * seed=S fingerprint=HEX16" and " scan-id=NAME" when given (I 0-based).
 * Returns its length, or 0 (buf "") when the run is not a shard.
 */
size_t cli_shard_describe(const struct scan_opts *o, char *buf, size_t len);

/*
 * The data folder: --datadir, else $FATHOM_DATADIR, else the source
 * tree, else pkgdatadir.
 */
const char *cli_datadir(void);

/* The --datadir directory, or NULL. */
const char *cli_user_datadir(void);

/*
 * A data file's path: in --datadir, fathom's name own, else nmap's name
 * nmaps (nmap's --datadir: "fathom-services", "nmap-services"); without
 * either there, own in the default folder.
 */
void cli_data_path(const char *own, const char *nmaps, char *buf, size_t len);

/* The names table reports use: o->names, else o->services. */
const struct services *cli_names(const struct scan_opts *o);

/*
 * fathom's own OS database: fathom-os-db in the data folder, or in the
 * source tree's fingerprints/ beside probes/. Writes the path into buf.
 */
void cli_os_db_path(char *buf, size_t len);

#endif
