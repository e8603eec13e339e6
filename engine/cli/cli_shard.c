/* cli_shard.c -- --shards/--shard/--scan-id: this run's slice of a scan, and the probe set's fingerprint. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/cli/cli_int.h"
#include "engine/cli/targetfile.h"
#include "netstack/base/util.h"

#define SHARD_SLICE_KEY 0x5348415244ull /* "SHARD": not the sweep's order */
#define SCAN_ID_MAX 64

static int shard_err(const char *what, const char *arg, const char *why)
{
	fprintf(stderr, "fathom: %s '%s': %s (see fathom -h)\n", what, arg,
		why);
	return -1;
}

/* Letters, digits, '.', '_' and single '-': it goes into an XML comment. */
static int scan_id_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > SCAN_ID_MAX || s[0] == '-' || strstr(s, "--"))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' ||
		      *s == '-'))
			return 0;
	return 1;
}

/* --shard I/N: masscan's form, I counts from 1. */
static int shard_inline(struct shard_opts *sh, const char *arg)
{
	char ibuf[24];
	const char *slash = strchr(arg, '/');
	size_t il = (size_t)(slash - arg);
	uint64_t i, n;

	if (il == 0 || il >= sizeof(ibuf))
		return shard_err("bad --shard", arg, "I/N wants two numbers");
	memcpy(ibuf, arg, il);
	ibuf[il] = '\0';
	if (parse_u64(ibuf, UINT32_MAX, &i) < 0 ||
	    parse_u64(slash + 1, UINT32_MAX, &n) < 0 || n == 0)
		return shard_err("bad --shard", arg,
				 "I/N wants two numbers, "
				 "N at least 1");
	if (i == 0 || i > n)
		return shard_err("bad --shard", arg,
				 "in the form I/N, I counts from 1 as in "
				 "masscan (1..N); zmap's 0-based form is "
				 "--shards N --shard I");
	sh->i_given = (uint32_t)i;
	sh->n_inline = (uint32_t)n;
	sh->inline_form = 1;
	sh->has_i = 1;
	return 0;
}

int cli_shard_opt(struct scan_opts *o, int which, const char *arg)
{
	struct shard_opts *sh = &o->shard;
	uint64_t v;

	switch (which) {
	case CLI_SHARDS:
		if (parse_u64(arg, UINT32_MAX, &v) < 0 || v == 0)
			return shard_err("bad --shards value", arg,
					 "a number of shards, at least 1");
		sh->n_given = (uint32_t)v;
		sh->has_n = 1;
		return 0;
	case CLI_SHARD:
		if (strchr(arg, '/'))
			return shard_inline(sh, arg);
		if (parse_u64(arg, UINT32_MAX, &v) < 0)
			return shard_err("bad --shard value", arg,
					 "I (0-based, with --shards N) or I/N "
					 "(1-based)");
		sh->i_given = (uint32_t)v;
		sh->inline_form = 0;
		sh->has_i = 1;
		return 0;
	default: /* CLI_SCAN_ID */
		if (!scan_id_ok(arg))
			return shard_err("bad --scan-id", arg,
					 "1-64 letters, digits, '.', '_' or "
					 "'-' (no leading '-', no '--')");
		free(sh->scan_id);
		sh->scan_id = xstrdup(arg);
		return 0;
	}
}

/* The seed every shard of --scan-id NAME derives: a hash of the name. */
static uint64_t seed_of_id(const char *id)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (const char *p = "fathom-scan-id:"; *p; p++)
		h = (h ^ (uint8_t)*p) * 0x100000001b3ull;
	for (; *id; id++)
		h = (h ^ (uint8_t)*id) * 0x100000001b3ull;
	return h;
}

/* N and 0-based I from the forms given; 0, or -1 after one line. */
static int shard_resolve(struct shard_opts *sh)
{
	if (sh->has_n && !sh->has_i) {
		fprintf(stderr,
			"fathom: --shards %u needs --shard I (0..%u, "
			"zmap's 0-based form)\n",
			sh->n_given, sh->n_given - 1);
		return -1;
	}
	if (sh->inline_form) {
		if (sh->has_n && sh->n_given != sh->n_inline) {
			fprintf(stderr,
				"fathom: --shards %u disagrees with "
				"--shard %u/%u\n",
				sh->n_given, sh->i_given, sh->n_inline);
			return -1;
		}
		sh->count = sh->n_inline;
		sh->index = sh->i_given - 1;
		return 0;
	}
	if (!sh->has_n) {
		fprintf(stderr,
			"fathom: --shard %u needs --shards N (zmap's "
			"form, I from 0) or the form --shard I/N "
			"(masscan's, I from 1)\n",
			sh->i_given);
		return -1;
	}
	if (sh->i_given >= sh->n_given) {
		fprintf(stderr,
			"fathom: --shard %u: with --shards %u it is "
			"0..%u (zmap's form counts from 0; the form "
			"I/N counts from 1)\n",
			sh->i_given, sh->n_given, sh->n_given - 1);
		return -1;
	}
	sh->count = sh->n_given;
	sh->index = sh->i_given;
	return 0;
}

int cli_shard_apply(struct scan_opts *o)
{
	struct shard_opts *sh = &o->shard;
	struct target_set *slice;

	if (sh->scan_id && !o->seed_set) {
		o->seed = seed_of_id(sh->scan_id);
		o->seed_set = 1;
	}
	if (!sh->has_n && !sh->has_i)
		return 0;
	if (shard_resolve(sh) < 0)
		return -1;
	if (!o->seed_set) {
		fprintf(stderr, "fathom: --shard needs --seed N or --scan-id "
				"NAME, the same on every shard: each must "
				"slice the same permutation\n");
		return -1;
	}
	sh->total = targets_count(o->targets);
	if (sh->count > sh->total) {
		fprintf(stderr,
			"fathom: --shards %u: more shards than the "
			"%llu targets\n",
			sh->count, (unsigned long long)sh->total);
		return -1;
	}
	sh->fingerprint = cli_probeset_fingerprint(o);
	slice = targets_shard(o->targets, o->seed ^ SHARD_SLICE_KEY, sh->count,
			      sh->index);
	if (slice == NULL) { /* count <= total: every slice has a target */
		fprintf(stderr, "fathom: --shard %u of %u holds no target\n",
			sh->index, sh->count);
		return -1;
	}
	targets_free(o->targets);
	o->targets = slice;
	return 0;
}

size_t cli_shard_describe(const struct scan_opts *o, char *buf, size_t len)
{
	const struct shard_opts *sh = &o->shard;
	int n;

	if (len)
		buf[0] = '\0';
	if (sh->count == 0)
		return 0;
	n = snprintf(buf, len,
		     "shard=%u shards=%u seed=%llu fingerprint=%016llx%s%s",
		     sh->index, sh->count, (unsigned long long)o->seed,
		     (unsigned long long)sh->fingerprint,
		     sh->scan_id ? " scan-id=" : "",
		     sh->scan_id ? sh->scan_id : "");
	return n < 0 ? 0 : (size_t)n < len ? (size_t)n : len - 1;
}

/* FNV-1a-64, fed field by field. */
struct fp {
	uint64_t h;
};

static void fp_bytes(struct fp *f, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		f->h = (f->h ^ b[i]) * 0x100000001b3ull;
}

static void fp_int(struct fp *f, const char *name, long long v)
{
	fp_bytes(f, name, strlen(name) + 1);
	fp_bytes(f, &v, sizeof(v));
}

static void fp_targets(struct fp *f, const char *name,
		       const struct target_set *ts)
{
	size_t n = ts ? targets_nintervals(ts) : 0;

	fp_int(f, name, (long long)n);
	for (size_t k = 0; k < n; k++) {
		struct addr a, b;

		targets_interval(ts, k, &a, &b);
		fp_bytes(f, &a, sizeof(a));
		fp_bytes(f, &b, sizeof(b));
	}
}

/*
 * What decides which probes go out: the targets (the whole scan's),
 * per-host ports, the ports, the scan types, discovery's probes, -sV's
 * and -O's settings and databases, the source port. Not the rate,
 * timing, retries or outputs: shards may differ in those and still
 * cover the same probes. struct addr has no padding (uint8_t fields).
 */
uint64_t cli_probeset_fingerprint(const struct scan_opts *o)
{
	struct fp f = { 0xcbf29ce484222325ull };

	fp_int(&f, "fathom-probeset", 1);
	fp_int(&f, "family", o->family);
	fp_targets(&f, "targets", o->targets);
	if (o->pairs) {
		fp_targets(&f, "bare", o->pairs->bare);
		fp_int(&f, "pairs", (long long)o->pairs->n);
		for (size_t i = 0; i < o->pairs->n; i++) {
			fp_bytes(&f, &o->pairs->v[i].addr,
				 sizeof(o->pairs->v[i].addr));
			fp_bytes(&f, &o->pairs->v[i].port,
				 sizeof(o->pairs->v[i].port));
		}
	}
	for (int p = 0; p < SVC_NPROTO; p++) {
		fp_int(&f, "ports", (long long)o->ports.proto[p].n);
		fp_bytes(&f, o->ports.proto[p].ports,
			 o->ports.proto[p].n * sizeof(uint16_t));
	}
	fp_int(&f, "syn", o->syn_scan);
	fp_int(&f, "tcp", o->tcp_scan);
	fp_int(&f, "flags", o->scanflags);
	fp_int(&f, "udp", o->udp_scan);
	fp_int(&f, "sn", o->ping_only);
	fp_int(&f, "Pn", o->skip_ping);
	fp_int(&f, "disc", (long long)o->disc.n);
	for (size_t i = 0; i < o->disc.n; i++)
		fp_int(&f, "probe",
		       o->disc.probes[i].kind * 65536LL +
			       o->disc.probes[i].port);
	fp_int(&f, "PR", o->disc.arp_given);
	fp_int(&f, "noarp", o->disc.no_arp);
	fp_int(&f, "sV", o->version_detect);
	fp_int(&f, "intensity", o->version_detect ? o->version_intensity : 0);
	fp_int(&f, "allports", o->allports);
	fp_int(&f, "O", o->os_detect);
	fp_int(&f, "oslimit", o->osscan_limit);
	fp_int(&f, "ostries", o->os_detect ? o->max_os_tries : 0);
	fp_int(&f, "g", o->src_port);
	if ((o->version_detect || o->os_detect) && o->db_label)
		fp_bytes(&f, o->db_label, strlen(o->db_label) + 1);
	return f.h;
}
