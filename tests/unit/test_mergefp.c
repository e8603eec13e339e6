/* test_mergefp.c -- fathom merge rebuilds the unrecognised services' SF-Port block of normal output as one run's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/merge/merge.h"
#include "engine/report/report.h"
#include "tests/unit/harness.h"

static char dir[64];

/* A host block: "Nmap scan report for ADDR", its open ports. */
static void host(FILE *f, const char *addr, const unsigned *ports, int n)
{
	fprintf(f,
		"Nmap scan report for %s\nHost is up.\n\n"
		"PORT   STATE SERVICE\n",
		addr);
	for (int i = 0; i < n; i++)
		fprintf(f, "%u/tcp open  http\n", ports[i]);
	fputc('\n', f);
}

/* The block a batch ends with: declared count, prints of (addr, port). */
static void block(FILE *f, unsigned declared, const char *const *addr,
		  const unsigned *port, int n, int owners)
{
	fprintf(f, "%u services" REPORT_FP_TAIL "\n", declared);
	for (int i = 0; i < n; i++)
		fprintf(f,
			REPORT_FP_SEP "\nSF-Port%u-TCP:V=0.1.0%%I=7%%r(G"
				      "\nSF:et,2,\"%s\");\n",
			port[i], addr[i]);
	for (int i = 0; owners && i < n; i++)
		fprintf(f, "%s%s/%u%s", i ? " " : REPORT_FP_OWNERS, addr[i],
			port[i], i + 1 == n ? "\n" : "");
}

/*
 * Shard 0: 198.18.0.1 (ports 80-85) and .3 (80-84), all unrecognised:
 * 11 prints, 9 shown. Shard 1: .2 (90, 91) and .4 (80), 3 prints.
 */
static void shards(int owners)
{
	static const unsigned p1[] = { 80, 81, 82, 83, 84, 85 };
	static const unsigned p2[] = { 90, 91 }, p4[] = { 80 };
	const char *a0[9],
		*a1[3] = { "198.18.0.2", "198.18.0.2", "198.18.0.4" };
	unsigned q0[9], q1[3] = { 90, 91, 80 };
	char path[128];
	FILE *f;

	for (int i = 0; i < 9; i++) {
		a0[i] = i < 6 ? "198.18.0.1" : "198.18.0.3";
		q0[i] = i < 6 ? p1[i] : p1[i - 6];
	}
	for (int s = 0; s < 2; s++) {
		snprintf(path, sizeof(path), "%s/s%d.nmap", dir, s);
		f = fopen(path, "w");
		if (f == NULL)
			return;
		fprintf(f,
			"# fathom 0.1.0 scan initiated Sat Dec  5 07:02:03 "
			"2026 as: fathom -sV x\n# fathom-shard: shard=%d "
			"shards=2 seed=7 fingerprint=00000000000000ab\n",
			s);
		if (s == 0) {
			host(f, "198.18.0.1", p1, 6);
			host(f, "198.18.0.3", p1, 5);
			block(f, 11, a0, q0, 9, owners);
		} else {
			host(f, "198.18.0.2", p2, 2);
			host(f, "198.18.0.4", p4, 1);
			block(f, 3, a1, q1, 3, owners);
		}
		fprintf(f, "Service detection performed.\n# fathom done at "
			   "Sat Dec  5 07:02:05 2026 -- 2 IP addresses (2 "
			   "hosts up) scanned in 2.00 seconds\n");
		fclose(f);
	}
}

/* "ADDR/PORT" of every print the merged file shows, and its count line. */
static void merged(char *shown, size_t len, unsigned *count)
{
	char path[128], line[256], port[16] = "";
	FILE *f;

	shown[0] = '\0';
	*count = 0;
	snprintf(path, sizeof(path), "%s/m.nmap", dir);
	if ((f = fopen(path, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *q;

		if (strstr(line, REPORT_FP_TAIL))
			*count = (unsigned)strtoul(line, NULL, 10);
		if (strncmp(line, "SF-Port", 7) == 0)
			snprintf(port, sizeof(port), "%u",
				 (unsigned)strtoul(line + 7, NULL, 10));
		if (strncmp(line, "SF:et,2,\"", 9) == 0 &&
		    (q = strchr(line + 9, '"')) != NULL)
			snprintf(shown + strlen(shown), len - strlen(shown),
				 "%.*s/%s ", (int)(q - line - 9), line + 9,
				 port);
	}
	fclose(f);
}

static int run_merge(void)
{
	char out[128], in0[128], in1[128];
	char *argv[] = { "merge", "-oN", out, in1, in0, NULL };

	snprintf(out, sizeof(out), "%s/m.nmap", dir);
	snprintf(in0, sizeof(in0), "%s/s0.nmap", dir);
	snprintf(in1, sizeof(in1), "%s/s1.nmap", dir);
	return merge_main(5, argv);
}

int main(void)
{
	static const char want[] =
		"198.18.0.1/80 198.18.0.1/81 198.18.0.1/82 198.18.0.1/83 "
		"198.18.0.1/84 198.18.0.1/85 198.18.0.2/90 198.18.0.2/91 "
		"198.18.0.3/80 ";
	char shown[1024];
	unsigned count;

	snprintf(dir, sizeof(dir), "/tmp/fathom-mergefp.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	CASE("shards' prints: one block, address then port order, 9 shown, "
	     "all counted")
	{
		shards(1);
		CHECK(run_merge() == 0);
		merged(shown, sizeof(shown), &count);
		CHECK_EQ_U(count, 14);
		CHECK_STR(shown, want);
	}
	CASE("without owners lines: placed by port, the same block")
	{
		shards(0);
		CHECK(run_merge() == 0);
		merged(shown, sizeof(shown), &count);
		CHECK_EQ_U(count, 14);
		CHECK_STR(shown, want);
	}
	for (int i = 0; i < 3; i++) {
		static const char *const names[] = { "s0.nmap", "s1.nmap",
						     "m.nmap" };
		char p[128];

		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		unlink(p);
	}
	rmdir(dir);
	return DONE();
}
