/* main.c -- fathom's entry point: parse, check privileges, scan, report. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/cli.h"
#include "engine/hostiter.h"
#include "engine/oscan.h"
#include "engine/privs.h"
#include "engine/report.h"
#include "engine/report_grep.h"
#include "engine/report_json.h"
#include "engine/report_xml.h"
#include "engine/synscan.h"
#include "engine/util.h"
#include "engine/vscan.h"

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

/*
 * Opens the file of one machine-readable format. "-" is stdout, which
 * the format then owns: like nmap, fathom sends its screen output to
 * /dev/null so nothing else lands in the XML or JSON stream (cli_parse
 * allows one "-" at most). Returns NULL after a message.
 */
static FILE *out_open(const char *path)
{
	FILE *f;

	if (strcmp(path, "-") == 0) {
		int fd = dup(STDOUT_FILENO);

		f = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (f == NULL || freopen("/dev/null", "w", stdout) == NULL) {
			fprintf(stderr, "fathom: cannot redirect stdout: %s\n",
				strerror(errno));
			return NULL;
		}
		return f;
	}
	f = fopen(path, "w");
	if (f == NULL)
		fprintf(stderr, "fathom: cannot write %s: %s\n", path,
			strerror(errno));
	return f;
}

/* Closes an output file; a write error (disk full) fails the run. */
static int out_close(FILE *f, const char *path)
{
	if (f == NULL)
		return 0;
	if (fclose(f) != 0) {
		fprintf(stderr, "fathom: writing %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	return 0;
}

static void hhmm(time_t t, char *buf, size_t len)
{
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, len, "%H:%M", &tm);
}

int main(int argc, char **argv)
{
	struct scan_opts opt;
	struct scan scan;
	struct vscan_results vres = { 0 };
	struct os_results ores = { 0 };
	uint64_t svc_start;
	struct sigaction sa;
	FILE *onormal = NULL;
	/* The machine-readable formats, driven alike. */
	struct output {
		const struct report_writer *w;
		const char *path;
		FILE *f;
	} outs[3] = { { &report_xml_writer, NULL, NULL },
		      { &report_grep_writer, NULL, NULL },
		      { &report_json_writer, NULL, NULL } };
	char err[512] = "", t[16];
	int r, to_stdout, rc = FATHOM_EXIT_OK, ended = 0, nouts = 0;

	r = cli_parse(argc, argv, &opt);
	if (r != 0) {
		cli_free(&opt);
		return r == 1 ? FATHOM_EXIT_OK : FATHOM_EXIT_USAGE;
	}
	if (!privs_have_net_raw()) {
		fprintf(stderr,
			"fathom: the SYN scan needs the CAP_NET_RAW capability "
			"(run as root, or setcap cap_net_raw+ep on fathom)\n");
		cli_free(&opt);
		return FATHOM_EXIT_FAIL;
	}
	to_stdout = opt.out_normal && strcmp(opt.out_normal, "-") == 0;
	if (opt.out_normal && !to_stdout) {
		onormal = fopen(opt.out_normal, "w");
		if (onormal == NULL) {
			fprintf(stderr, "fathom: cannot write %s: %s\n",
				opt.out_normal, strerror(errno));
			cli_free(&opt);
			return FATHOM_EXIT_FAIL;
		}
	}
	outs[0].path = opt.out_xml;
	outs[1].path = opt.out_grep;
	outs[2].path = opt.out_json;
	for (int i = 0; i < 3; i++) {
		if (outs[i].path == NULL)
			continue;
		outs[i].f = out_open(outs[i].path);
		if (outs[i].f == NULL) {
			out_close(onormal, opt.out_normal);
			for (int k = 0; k < i; k++)
				out_close(outs[k].f, outs[k].path);
			cli_free(&opt);
			return FATHOM_EXIT_FAIL;
		}
		nouts++;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	scan_init(&scan, &opt, &stop_flag);
	scan.st.start_wall = time(NULL);
	if (!to_stdout)
		report_header(stdout, &scan, 0);
	else
		report_header(stdout, &scan, 1);
	if (onormal)
		report_header(onormal, &scan, 1);
	for (int i = 0; i < 3; i++)
		if (outs[i].f)
			outs[i].w->begin(outs[i].f, &scan);
	if (opt.verbose) {
		uint64_t nt = targets_count(opt.targets);

		hhmm(scan.st.start_wall, t, sizeof(t));
		printf("Initiating SYN Stealth Scan at %s\n", t);
		printf("Scanning %llu host%s [%zu port%s/host]\n",
		       (unsigned long long)nt, nt == 1 ? "" : "s",
		       opt.ports.proto[SVC_TCP].n,
		       opt.ports.proto[SVC_TCP].n == 1 ? "" : "s");
		fflush(stdout);
	}

	if (synscan_run(&scan, err, sizeof(err)) < 0) {
		fprintf(stderr, "fathom: %s\n", err);
		rc = FATHOM_EXIT_FAIL;
		goto out;
	}
	if (scan.st.sent == 0 && scan.st.noroute > 0 && !opt.dry_run) {
		snprintf(err, sizeof(err), "no route to any target via %s",
			 scan.hop.ifname);
		fprintf(stderr, "fathom: %s\n", err);
		rc = FATHOM_EXIT_FAIL;
		goto out;
	}
	if (scan.st.unresolved)
		fprintf(stderr,
			"Warning: %llu probes skipped: their next hop did not "
			"answer ARP\n",
			(unsigned long long)scan.st.unresolved);
	if (scan.st.noroute)
		fprintf(stderr,
			"Warning: %llu probes skipped: no route to their "
			"targets\n",
			(unsigned long long)scan.st.noroute);
	if (scan.st.interrupted)
		fprintf(stderr, "fathom: interrupted; reporting what was "
				"found so far\n");
	if (opt.verbose) {
		double el = (double)(scan.st.end_ns - scan.st.start_ns) / 1e9;

		hhmm(scan.st.end_wall, t, sizeof(t));
		printf("Completed SYN Stealth Scan at %s, %.2fs elapsed "
		       "(%llu total ports)\n",
		       t, el,
		       (unsigned long long)(targets_count(opt.targets) *
					    opt.ports.proto[SVC_TCP].n));
	}
	if (opt.version_detect && !scan.st.interrupted) {
		size_t nopen = 0, nres;
		const struct port_result *pr = results_sorted(scan.res, &nres);

		for (size_t i = 0; i < nres; i++)
			nopen += pr[i].state == PS_OPEN;
		if (opt.verbose) {
			hhmm(time(NULL), t, sizeof(t));
			printf("Initiating Service scan at %s\n", t);
			printf("Scanning %zu service%s\n", nopen,
			       nopen == 1 ? "" : "s");
			fflush(stdout);
		}
		svc_start = now_ns();
		if (vscan_run(&scan, opt.svcdb, &vres, err, sizeof(err)) < 0) {
			fprintf(stderr, "fathom: %s\n", err);
			rc = FATHOM_EXIT_FAIL;
			goto out;
		}
		scan.svc = &vres;
		scan.st.end_ns = now_ns();
		scan.st.end_wall = time(NULL);
		if (opt.verbose) {
			hhmm(time(NULL), t, sizeof(t));
			printf("Completed Service scan at %s, %.2fs elapsed "
			       "(%zu service%s)\n",
			       t, (now_ns() - svc_start) / 1e9, nopen,
			       nopen == 1 ? "" : "s");
		}
		if (stop_flag)
			scan.st.interrupted = 1;
	}
	if (opt.os_detect && !scan.st.interrupted) {
		uint64_t os_start = now_ns();

		if (oscan_run(&scan, opt.osdb, &ores, err, sizeof(err)) < 0) {
			fprintf(stderr, "fathom: %s\n", err);
			rc = FATHOM_EXIT_FAIL;
			goto out;
		}
		scan.os = &ores;
		scan.st.end_ns = now_ns();
		scan.st.end_wall = time(NULL);
		if (opt.debug)
			fprintf(stderr, "OS detection: %.3fs\n",
				(now_ns() - os_start) / 1e9);
		if (stop_flag)
			scan.st.interrupted = 1;
	}
	report_hosts(stdout, &scan);
	if (onormal)
		report_hosts(onormal, &scan);
	if (nouts) {
		/* One walk over the hosts feeds every format. */
		struct hostiter *it = hostiter_new(&scan);
		const struct hostiter_host *h;

		while ((h = hostiter_next(it)) != NULL)
			for (int i = 0; i < 3; i++)
				if (outs[i].f)
					outs[i].w->host(outs[i].f, &scan, h);
		hostiter_free(it);
	}
	if (opt.verbose)
		printf("Raw packets sent: %llu (%.3fKB) | Rcvd: %llu (%.3fKB)"
		       " | Dropped by capture: %llu | Passes: %d\n",
		       (unsigned long long)(scan.st.sent + scan.st.arp_sent),
		       scan.st.bytes_sent / 1000.0,
		       (unsigned long long)scan.st.recv,
		       scan.st.bytes_recv / 1000.0,
		       (unsigned long long)scan.st.pcap_drops, scan.st.passes);
	report_footer(stdout, &scan, to_stdout);
	if (onormal)
		report_footer(onormal, &scan, 1);
	for (int i = 0; i < 3; i++)
		if (outs[i].f)
			outs[i].w->end(outs[i].f, &scan, scan.st.interrupted,
				       scan.st.interrupted ? "interrupted"
							   : NULL);
	ended = 1;
	if (scan.st.interrupted)
		rc = 128 + SIGINT;
out:
	/* A failed run still closes its documents: exit="error". */
	for (int i = 0; i < 3; i++) {
		if (outs[i].f == NULL)
			continue;
		if (!ended)
			outs[i].w->end(outs[i].f, &scan, 1,
				       err[0] ? err : "scan failed");
		if (out_close(outs[i].f, outs[i].path) < 0 && rc == 0)
			rc = FATHOM_EXIT_FAIL;
	}
	if (onormal && fclose(onormal) != 0 && rc == 0) {
		fprintf(stderr, "fathom: writing %s: %s\n", opt.out_normal,
			strerror(errno));
		rc = FATHOM_EXIT_FAIL;
	}
	fflush(stdout);
	vscan_results_free(&vres);
	oscan_results_free(&ores);
	scan_free(&scan);
	cli_free(&opt);
	return rc;
}
