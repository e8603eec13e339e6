/* test_shard.c -- shards: disjoint slices of one permutation whose union is the scan; the options; merge's readers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/cli/cli.h"
#include "engine/merge/merge.h"
#include "engine/merge/merge_int.h"
#include "engine/sweep/permute.h"
#include "tests/unit/harness.h"

/* Each of [0, n) in exactly one of k slices, sizes within one. */
static int slices_partition(uint64_t n, uint32_t k, uint64_t seed)
{
	uint64_t *size = calloc(k, sizeof(*size)), lo = UINT64_MAX, hi = 0;
	struct permute p;

	permute_init(&p, n, seed);
	for (uint64_t v = 0; v < n; v++) {
		uint32_t s = permute_slice(&p, v, k);

		if (s >= k) {
			free(size);
			return 0;
		}
		size[s]++;
	}
	for (uint32_t s = 0; s < k; s++) {
		lo = size[s] < lo ? size[s] : lo;
		hi = size[s] > hi ? size[s] : hi;
		n -= size[s];
	}
	free(size);
	/* Each element counted once (n back to 0): disjoint and complete. */
	return n == 0 && hi - lo <= 1;
}

static struct target_set *set_of(const char *spec)
{
	struct target_set *ts = targets_new();
	char err[128];

	if (targets_add(ts, spec, 1, err, sizeof(err)) < 0 ||
	    targets_finalize(ts, err, sizeof(err)) < 0) {
		targets_free(ts);
		return NULL;
	}
	return ts;
}

/* targets_shard's k slices of ts: disjoint, union ts, each ascending. */
static int shards_partition(const struct target_set *ts, uint32_t k,
			    uint64_t seed)
{
	uint64_t n = targets_count(ts), seen = 0;
	uint8_t *hit = calloc(n, 1);
	int ok = 1;

	for (uint32_t s = 0; s < k && ok; s++) {
		struct target_set *sl = targets_shard(ts, seed, k, s);
		uint64_t m = sl ? targets_count(sl) : 0;

		ok = sl != NULL;
		for (uint64_t i = 0; i < m && ok; i++) {
			struct addr a = targets_at(sl, i);
			int64_t j = targets_index_of(ts, &a);

			ok = j >= 0 && !hit[j]++;
			seen++;
		}
		targets_free(sl);
	}
	free(hit);
	return ok && seen == n;
}

static void case_slices(void)
{
	static const uint64_t sizes[] = { 1,   2,    3,    5,     64,
					  255, 1000, 4097, 65536, 65537 };
	static const uint32_t ks[] = { 1, 2, 3, 4, 7, 16, 100, 1000 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(*sizes); i++)
		for (size_t j = 0; j < sizeof(ks) / sizeof(*ks); j++)
			if (ks[j] <= sizes[i]) {
				CHECK(slices_partition(sizes[i], ks[j], 1));
				CHECK(slices_partition(sizes[i], ks[j],
						       0xfeedull << 40));
			}
}

static void case_targets(void)
{
	struct target_set *crowd = set_of("198.19.0-255.0,4,8,12,200-255");
	struct target_set *a, *b;

	CHECK(crowd != NULL);
	if (crowd == NULL)
		return;
	for (uint32_t k = 1; k <= 9; k++)
		CHECK(shards_partition(crowd, k, 42));
	CHECK(shards_partition(crowd, 64, 7));
	/* Same seed, same slice; another seed, another slice. */
	a = targets_shard(crowd, 42, 4, 1);
	b = targets_shard(crowd, 42, 4, 1);
	CHECK(a && b && targets_count(a) == targets_count(b));
	for (uint64_t i = 0; a && b && i < targets_count(a); i++) {
		struct addr x = targets_at(a, i), y = targets_at(b, i);

		CHECK(addr_cmp(&x, &y) == 0);
		/* Address order, as hosts are reported and resumed. */
		if (i) {
			struct addr p = targets_at(a, i - 1);

			CHECK(addr_cmp(&p, &x) < 0);
		}
	}
	targets_free(b);
	b = targets_shard(crowd, 43, 4, 1);
	{
		uint64_t same = 0;

		for (uint64_t i = 0; a && b && i < targets_count(a); i++) {
			struct addr x = targets_at(a, i);

			same += targets_index_of(b, &x) >= 0;
		}
		CHECK(a && same < targets_count(a));
	}
	CHECK(targets_shard(crowd, 1, 4, 4) == NULL);
	targets_free(a);
	targets_free(b);
	targets_free(crowd);
}

static char errs[2048];

/* cli_parse on a space-separated line, stderr caught in errs. */
static int run(const char *line, struct scan_opts *o)
{
	char *copy = strdup(line), *argv[40], *save = NULL;
	FILE *fe = tmpfile();
	int argc = 0, se = dup(2), rc;
	size_t n;

	for (char *t = strtok_r(copy, " ", &save); t && argc < 39;
	     t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	argv[argc] = NULL;
	fflush(stderr);
	dup2(fileno(fe), 2);
	rc = cli_parse(argc, argv, o);
	fflush(stderr);
	dup2(se, 2);
	close(se);
	rewind(fe);
	n = fread(errs, 1, sizeof(errs) - 1, fe);
	errs[n] = '\0';
	fclose(fe);
	free(copy);
	return rc;
}

static void case_options(void)
{
	struct scan_opts a, b, c;
	char d[256];

	/* zmap's 0-based form and masscan's 1-based one: the same shard. */
	CHECK_EQ_U(run("fathom -n -p22,80 --seed 9 --shards 4 --shard 1 "
		       "198.19.0.0/24",
		       &a),
		   0);
	CHECK_EQ_U(run("fathom -n -p22,80 --seed 9 --shard 2/4 --max-rate 10 "
		       "198.19.0.0/24",
		       &b),
		   0);
	if (a.targets == NULL || b.targets == NULL)
		return;
	CHECK_EQ_U(a.shard.count, 4);
	CHECK_EQ_U(a.shard.index, 1);
	CHECK_EQ_U(b.shard.index, 1);
	CHECK_EQ_U(a.shard.total, 256);
	CHECK_EQ_U(targets_count(a.targets), 64);
	CHECK(a.shard.fingerprint == b.shard.fingerprint); /* rate: no */
	CHECK(cli_shard_describe(&a, d, sizeof(d)) > 0);
	CHECK(strncmp(d, "shard=1 shards=4 seed=9 fingerprint=", 36) == 0);
	cli_free(&b);
	/* Another port: another probe set. */
	CHECK_EQ_U(run("fathom -n -p22 --seed 9 --shard 2/4 198.19.0.0/24", &c),
		   0);
	CHECK(a.shard.fingerprint != c.shard.fingerprint);
	cli_free(&c);
	/* --scan-id: the seed is the name's, on every shard. */
	CHECK_EQ_U(run("fathom -n -p22,80 --scan-id crowd --shard 1/4 "
		       "198.19.0.0/24",
		       &b),
		   0);
	CHECK_EQ_U(run("fathom -n -p22,80 --scan-id crowd --shard 4/4 "
		       "198.19.0.0/24",
		       &c),
		   0);
	CHECK(b.seed == c.seed && b.seed_set);
	CHECK(cli_shard_describe(&c, d, sizeof(d)) > 0 &&
	      strstr(d, " scan-id=crowd") != NULL);
	cli_free(&a);
	cli_free(&b);
	cli_free(&c);
	/* Not a shard: no header line. */
	CHECK_EQ_U(run("fathom -n -p22 198.19.0.0/30", &a), 0);
	CHECK(cli_shard_describe(&a, d, sizeof(d)) == 0 && d[0] == '\0');
	cli_free(&a);
	/* Refusals, one line each. */
	CHECK_EQ_U(run("fathom -n -p22 --shard 1/4 198.19.0.0/24", &a), 2);
	CHECK(strstr(errs, "--seed") != NULL && !strchr(errs, '\n')[1]);
	cli_free(&a);
	CHECK_EQ_U(run("fathom -n -p22 --seed 1 --shard 0/4 198.19.0.0/24", &a),
		   2);
	CHECK(strstr(errs, "counts from 1") != NULL);
	cli_free(&a);
	CHECK_EQ_U(run("fathom -n -p22 --seed 1 --shards 4 --shard 4 "
		       "198.19.0.0/24",
		       &a),
		   2);
	cli_free(&a);
	CHECK_EQ_U(run("fathom -n -p22 --seed 1 --shard 3 198.19.0.0/24", &a),
		   2);
	cli_free(&a);
	CHECK_EQ_U(run("fathom -n -p22 --seed 1 --shards 5 --shard 0 "
		       "198.19.0.0/30",
		       &a),
		   2);
	CHECK(strstr(errs, "more shards than the 4 targets") != NULL);
	cli_free(&a);
}

static const char xml_shard[] =
	"<?xml version=\"1.0\"?>\n<!DOCTYPE nmaprun>\n"
	"<!-- fathom-shard: shard=1 shards=2 seed=5 fingerprint=00000000000000ab -->\n"
	"<nmaprun scanner=\"fathom\" args=\"fathom x\" start=\"100\">\n"
	"<host><status state=\"up\"/><address addr=\"198.19.0.8\" "
	"addrtype=\"ipv4\"/></host>\n"
	"<host><status state=\"up\"/><address addr=\"02:00:00:00:00:01\" "
	"addrtype=\"mac\"/><address addr=\"198.19.0.4\" "
	"addrtype=\"ipv4\"/></host>\n"
	"<runstats><finished time=\"110\" exit=\"success\"/>"
	"<hosts up=\"2\" down=\"3\" total=\"5\"/></runstats></nmaprun>\n";

static const char json_shard[] =
	"{\"type\":\"begin\",\"start\":100,\"shard\":0,\"shards\":2,"
	"\"seed\":\"5\",\"fingerprint\":\"00000000000000ab\"}\n"
	"{\"type\":\"port\",\"ip\":\"198.19.0.0\",\"port\":22}\n"
	"{\"type\":\"host\",\"ip\":\"198.19.0.0\",\"status\":\"up\"}\n"
	"{\"type\":\"interrupted\",\"time\":105}\n"
	"{\"type\":\"host\",\"ip\":\"198.19.0.12\",\"status\":\"up\"}\n"
	"{\"type\":\"end\",\"time\":106,\"hosts_total\":5,"
	"\"exit\":\"error\"}\n";

static const char normal_shard[] =
	"# fathom 0.1.0 scan initiated Sat Dec  5 07:02:03 2026 as: fathom x\n"
	"# fathom-shard: shard=0 shards=2 seed=5 fingerprint=00000000000000ab\n"
	"Nmap scan report for 198.19.0.0\nHost is up.\n\n"
	"Nmap scan report for crowd (198.19.0.12)\nHost is up.\n\n"
	"Nmap scan report for 198.19.0.13 [host down]\n"
	"# fathom done at Sat Dec  5 07:02:13 2026 -- 5 IP addresses (2 hosts "
	"up) scanned in 10.00 seconds\n";

static void case_readers(void)
{
	struct merge_doc d;
	char err[256];

	CHECK_EQ_U(merge_parse(&d, "x.xml", xml_shard, strlen(xml_shard), err,
			       sizeof(err)),
		   0);
	CHECK(d.fmt == MF_XML && d.meta.have && d.meta.shard == 1 &&
	      d.meta.shards == 2 && d.meta.seed == 5 &&
	      d.meta.fingerprint == 0xab);
	CHECK(d.nh == 2 && d.finished && d.total == 5 && d.start == 100 &&
	      d.end == 110);
	merge_doc_free(&d);
	/* An interrupted NDJSON: the host after the mark is not kept. */
	CHECK_EQ_U(merge_parse(&d, "x.ndjson", json_shard, strlen(json_shard),
			       err, sizeof(err)),
		   0);
	CHECK(d.fmt == MF_JSON && d.meta.have && d.meta.shard == 0);
	CHECK(d.nh == 1 && !d.finished && d.h[0].up);
	CHECK(d.nh && d.h[0].text && strstr(d.h[0].text, "\"port\":22"));
	merge_doc_free(&d);
	CHECK_EQ_U(merge_parse(&d, "x.nmap", normal_shard, strlen(normal_shard),
			       err, sizeof(err)),
		   0);
	CHECK(d.fmt == MF_NORMAL && d.meta.have && d.finished);
	CHECK(d.nh == 3 && d.total == 5 && d.h[0].up && d.h[1].up &&
	      !d.h[2].up && d.end - d.start == 10);
	merge_doc_free(&d);
	/* Junk: one line naming what is wrong. */
	CHECK_EQ_U(merge_parse(&d, "bad.xml", "<nmaprun><host>", 15, err,
			       sizeof(err)),
		   (unsigned long long)-1);
	CHECK(strstr(err, "XML") != NULL);
	merge_doc_free(&d);
	CHECK_EQ_U(merge_parse(&d, "bad.ndjson", "{\"x\":1}\n", 8, err,
			       sizeof(err)),
		   (unsigned long long)-1);
	merge_doc_free(&d);
}

/* A shard's NDJSON: hosts 198.19.0.A for each A in ips (all up). */
static void write_shard(const char *path, unsigned shard, unsigned shards,
			const char *seed, const unsigned *ips, size_t n)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return;
	fprintf(f,
		"{\"type\":\"begin\",\"start\":%u,\"shard\":%u,"
		"\"shards\":%u,\"seed\":\"%s\",\"fingerprint\":"
		"\"00000000000000ab\"}\n",
		100 + shard, shard, shards, seed);
	for (size_t i = 0; i < n; i++)
		fprintf(f,
			"{\"type\":\"host\",\"ip\":\"198.19.0.%u\","
			"\"status\":\"up\"}\n",
			ips[i]);
	fprintf(f,
		"{\"type\":\"end\",\"time\":%u,\"hosts_total\":%zu,"
		"\"exit\":\"success\"}\n",
		110 + shard, n + 1);
	fclose(f);
}

static int merge_run(const char *a, const char *b, const char *c)
{
	char *argv[] = { "merge", "-oJ", (char *)a, (char *)b, (char *)c, NULL };
	FILE *fe = tmpfile();
	int se = dup(2), rc, argc = c ? 5 : 4;
	size_t n;

	fflush(stderr);
	dup2(fileno(fe), 2);
	rc = merge_main(argc, argv);
	fflush(stderr);
	dup2(se, 2);
	close(se);
	rewind(fe);
	n = fread(errs, 1, sizeof(errs) - 1, fe);
	errs[n] = '\0';
	fclose(fe);
	return rc;
}

static void case_merge(void)
{
	char dir[] = "/tmp/test_shard.XXXXXX", p[4][256], out[256];
	static const unsigned s0[] = { 12, 4 }, s1[] = { 8, 0 };
	char buf[2048];
	FILE *f;
	size_t n;

	CHECK(mkdtemp(dir) != NULL);
	for (int i = 0; i < 4; i++)
		snprintf(p[i], sizeof(p[i]), "%s/s%d.ndjson", dir, i);
	snprintf(out, sizeof(out), "%s/m.ndjson", dir);
	write_shard(p[0], 0, 2, "5", s0, 2);
	write_shard(p[1], 1, 2, "5", s1, 2);
	write_shard(p[2], 1, 2, "6", s1, 2); /* another seed */
	CHECK_EQ_U(merge_run(out, p[1], p[0]), 0);
	f = fopen(out, "r");
	n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	buf[n] = '\0';
	if (f)
		fclose(f);
	/* Address order, recomputed end: 4 up of 6, the span 100..111. */
	{
		const char *a = strstr(buf, "198.19.0.0\""),
			   *b = strstr(buf, "198.19.0.4\""),
			   *c = strstr(buf, "198.19.0.8\""),
			   *d = strstr(buf, "198.19.0.12\"");

		CHECK(a && b && c && d && a < b && b < c && c < d);
	}
	CHECK(strstr(buf, "\"hosts_up\":4,\"hosts_down\":2,"
			  "\"hosts_total\":6") != NULL);
	CHECK(strstr(buf, "\"elapsed\":11.00") != NULL);
	CHECK(strstr(buf, "\"shard\":") == NULL &&
	      strstr(buf, "\"shards\":2") != NULL);
	/* Refusals: another scan, a missing shard; each one line. */
	CHECK_EQ_U(merge_run(out, p[0], p[2]), 2);
	CHECK(strstr(errs, "not a shard of the same scan") != NULL &&
	      strchr(errs, '\n') == errs + strlen(errs) - 1);
	CHECK_EQ_U(merge_run(out, p[0], NULL), 2);
	CHECK(strstr(errs, "missing shard 1 of 2") != NULL);
	for (int i = 0; i < 3; i++)
		unlink(p[i]);
	unlink(out);
	rmdir(dir);
}

int main(void)
{
	const char *dir = getenv("FATHOM_SRCDIR");
	char datadir[1100];

	snprintf(datadir, sizeof(datadir), "%s/probes", dir ? dir : ".");
	setenv("FATHOM_DATADIR", datadir, 1);
	CASE("permute_slice: disjoint, complete, balanced for many N")
	{
		case_slices();
	}
	CASE("targets_shard: the slices partition the targets, in order")
	{
		case_targets();
	}
	CASE("--shards/--shard/--shard I/N/--scan-id: parsed, refused")
	{
		case_options();
	}
	CASE("merge readers: XML, NDJSON, normal; shard header; partial")
	{
		case_readers();
	}
	CASE("merge: address order, recomputed totals, refusals")
	{
		case_merge();
	}
	return DONE();
}
