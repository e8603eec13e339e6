/* servicedb.h -- the nmap-service-probes database: probes and match lines. */
#ifndef FATHOM_SERVICEDB_H
#define FATHOM_SERVICEDB_H

#include <stddef.h>
#include <stdint.h>

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>

/*
 * nmap 7.93's grammar ("nmap-service-probes File Format" in nmap's book):
 *
 *   Exclude <portspec>                  once per file, before any Probe
 *   Probe <TCP|UDP> <name> q<d>str<d> [no-payload]
 *   match <svc> m<d>regex<d>[is] [p/../ v/../ i/../ h/../ o/../ d/..]
 *         [cpe:/..../[flags]]...
 *   softmatch (same as match)
 *   ports <list> | sslports <list>      "21-25,53,80"; repeat to add
 *   totalwaitms <100-300000> | tcpwrappedms <100-300000>
 *   rarity <1-9> | fallback <probe>[,<probe>]...  (at most 20 names)
 *
 * fathom's own directives, which nmap's grammar lacks, are named
 * "fathom-..." (nmap's files never use the prefix, so they load
 * unchanged; nmap itself refuses a file using them):
 *   fathom-sourceports <lo>-<hi>        TCP probe: connect from a source
 *                                       port in lo-hi, within 1-1023
 *   fathom-script <name>                the probe finds what nmap's
 *                                       version script <name> adds
 *                                       (engine/vscan/vscan_script.c)
 *
 * '#' comment lines and blank lines are skipped. A delimiter <d> is any
 * non-space byte and ends at its next occurrence: nothing escapes it.
 * Where we part from nmap, it is to refuse what nmap would misread:
 * lines may be 64 KiB (7.93 silently split them at 2048 bytes); an
 * unknown probe option, a bad $-substitution, a template naming a group
 * the regex lacks, or a regex that matches an empty response (as nmap
 * HEAD) is a load error, not a silent no-op at scan time.
 */
#define SVC_LINE_MAX 65536
#define SVC_NAME_MAX 63 /* probe and service names */
#define SVC_MAX_FALLBACKS 20
#define SVC_MAX_CPE 8      /* cpe templates kept per match line */
#define SVC_SPORT_MAX 1023 /* fathom-sourceports: reserved ports only */

/* Version fields filled from a match line's templates, in this order. */
enum svc_field {
	SVC_F_PRODUCT,    /* p/ */
	SVC_F_VERSION,    /* v/ */
	SVC_F_INFO,       /* i/ */
	SVC_F_HOSTNAME,   /* h/ */
	SVC_F_OSTYPE,     /* o/ */
	SVC_F_DEVICETYPE, /* d/ */
	SVC_NFIELDS
};

/* One match or softmatch line, compiled. */
struct svc_match {
	char *service;           /* name without the "ssl/" prefix */
	int ssl;                 /* the name carried "ssl/" */
	int soft;                /* softmatch */
	char *pattern;           /* regex source, for diagnostics */
	pcre2_code *re;          /* PCRE2 8-bit, JIT-compiled once it is used */
	uint32_t ncaptures;      /* capture groups in re */
	int jit_pending;         /* JIT wanted, not compiled yet (svcmatch.c) */
	uint32_t tries;          /* matches run while jit_pending */
	char *tmpl[SVC_NFIELDS]; /* raw template text, NULL if absent */
	char *cpe[SVC_MAX_CPE];  /* "cpe:/a:vendor:product:$1" templates */
	size_t ncpe;
	const char *file; /* owned by the db */
	int line;
};

struct svc_range {
	uint16_t lo, hi;
};

struct svc_portlist {
	struct svc_range *r;
	size_t n, cap;
};

struct svc_probe {
	int proto; /* IPPROTO_TCP or IPPROTO_UDP */
	char *name;
	uint8_t *payload; /* may hold NULs; NUL-terminated for convenience */
	size_t payload_len;
	int no_payload;        /* not to be used as a UDP port-scan payload */
	int rarity;            /* 1-9, default 5 */
	unsigned totalwaitms;  /* default 5000 */
	unsigned tcpwrappedms; /* default 2000; meaningful for NULL only */
	/*
	 * fathom-sourceports: the connection's source port must be in
	 * sport_lo..sport_hi (a daemon's trust rule, e.g. rshd's 512-1023);
	 * 0, 0: any. A transport that cannot choose does not send it.
	 */
	uint16_t sport_lo, sport_hi;
	/*
	 * fathom-script: the nmap version script this probe stands in for,
	 * or NULL. When another file replaces fathom's own (--versiondb),
	 * such probes still run after that file's, on a port they list or
	 * a service their lines name, as nmap runs its version scripts.
	 */
	char *script;
	struct svc_portlist ports, sslports;
	struct svc_match *matches; /* file order; later files append */
	size_t nmatches, mcap;
	/*
	 * After svcdb_finalize(): the probes whose lines are tried on this
	 * probe's responses, in order: itself, its fallbacks, then the NULL
	 * probe for TCP probes. No probe appears twice.
	 */
	const struct svc_probe **chain;
	size_t nchain;
	char **services; /* sorted distinct service names of matches */
	size_t nservices;
	/* The unresolved fallback directive and where it was written. */
	char *fallback;
	const char *fallback_file;
	int fallback_line;
	const char *file; /* where the probe was first defined */
	int line;
	unsigned load_id; /* which svcdb_load_* call defined it */
};

struct svcdb;

/* An empty database. Never NULL (aborts on OOM). */
struct svcdb *svcdb_new(void);

/*
 * Parses nmap-service-probes text and adds it to db. name labels error
 * messages. A probe whose name and protocol already exist from an
 * EARLIER load is extended (a user file can add lines to the NULL
 * probe): its probe string must be identical; the new lines come after
 * the old ones, new ports and sslports are added, and a rarity,
 * totalwaitms, tcpwrappedms, fallback or fathom-sourceports directive
 * replaces the old value. Within one load a repeated probe is an error.
 * The NULL probe is the TCP probe with an empty string; there is at
 * most one.
 * Returns 0, or -1 with err = "NAME:LINE: reason" (or "NAME: reason").
 * After an error db holds a partial load: free it.
 * Call svcdb_finalize() after the last load.
 */
int svcdb_load_buf(struct svcdb *db, const char *buf, size_t len,
		   const char *name, char *err, size_t errlen);

/* Reads path (at most 64 MiB) and calls svcdb_load_buf(). */
int svcdb_load_file(struct svcdb *db, const char *path, char *err,
		    size_t errlen);

/*
 * Resolves fallback names (same protocol first, then any; unknown name
 * is an error naming the fallback line) and builds each probe's chain
 * and service set. May be called again after more loads.
 */
int svcdb_finalize(struct svcdb *db, char *err, size_t errlen);

void svcdb_free(struct svcdb *db); /* accepts NULL */

/* Probes in file order (load order across files), NULL probe excluded. */
size_t svcdb_nprobes(const struct svcdb *db);
const struct svc_probe *svcdb_probe(const struct svcdb *db, size_t i);

/* The NULL probe, or NULL if none was loaded. */
const struct svc_probe *svcdb_null_probe(const struct svcdb *db);

/* Exact name and protocol lookup (the NULL probe included), or NULL. */
const struct svc_probe *svcdb_find(const struct svcdb *db, int proto,
				   const char *name);

/*
 * The smallest range holding every probe's fathom-sourceports range:
 * 1 with *lo, *hi set, or 0 (both 0) when no probe has one. -sV's
 * capture and RST guard cover it too.
 */
int svcdb_sourceports(const struct svcdb *db, uint16_t *lo, uint16_t *hi);

/* Total match + softmatch lines, over all probes. */
size_t svcdb_nmatches(const struct svcdb *db);

/* 1 if an Exclude directive named proto/port, else 0. */
int svcdb_excluded(const struct svcdb *db, int proto, uint16_t port);

/* For svcmatch.c: limits shared by every match, and ovector sizing. */
const pcre2_match_context *svcdb_match_context(const struct svcdb *db);
uint32_t svcdb_max_captures(const struct svcdb *db);

/* 1 if port is on the probe's ports list (sslports list if ssl). */
int svc_probe_port_listed(const struct svc_probe *p, uint16_t port, int ssl);

/*
 * 1 if one of the probe's own match lines names service (compared
 * without "ssl/"): after a softmatch only such probes are worth sending.
 * Needs svcdb_finalize().
 */
int svc_probe_can_match(const struct svc_probe *p, const char *service);

/*
 * nmap 7.93's C-string unescape: \0 \a \b \f \n \r \t \v \xHH, and any
 * other escaped non-alphanumeric byte stands for itself (\\ \| \").
 * Escaped alphanumerics (octal) and a lone trailing backslash are
 * errors. dst needs srclen bytes. Returns 0, or -1 with why set.
 */
int svc_unescape(const char *src, size_t srclen, uint8_t *dst, size_t *dstlen,
		 char *why, size_t whylen);

#endif
