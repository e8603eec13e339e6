/* cli_data.c -- what the command line points at: timing templates, data files, databases. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "engine/cli/cli_int.h"
#include "fingerprints/osmatch.h"
#include "probes/servicedb.h"

/* nmap's timing table (reference/fast-scanners.md section 5). */
static const struct timing timings[6] = {
	{ 0, 300000, 100, 300000, 300000, 10, 0, 0 },
	{ 1, 15000, 100, 15000, 15000, 10, 0, 0 },
	{ 2, 1000, 100, 10000, 400, 10, 0, 0 },
	/*
	 * T3-T5 have no fixed gap in nmap; its congestion window opens to
	 * hundreds of probes in flight. fathom is stateless and paces to a
	 * rate instead: these defaults are what a switched LAN absorbs
	 * without loss, and retransmission passes recover what is lost.
	 */
	{ 3, 1000, 100, 10000, 0, 10, 0, 150000 },
	{ 4, 500, 100, 1250, 0, 6, 0, 400000 },
	{ 5, 250, 50, 300, 0, 2, 900000, 1000000 },
};

const struct timing *cli_timing_template(int level)
{
	return &timings[level];
}

int cli_parse_timing(const char *s)
{
	static const char *const names[] = { "paranoid", "sneaky", "polite",
					     "normal", "aggressive", "insane" };

	if (s[0] >= '0' && s[0] <= '5' && s[1] == '\0')
		return s[0] - '0';
	for (int i = 0; i < 6; i++)
		if (strcasecmp(s, names[i]) == 0)
			return i;
	return -1;
}

static int file_exists(const char *path)
{
	return access(path, R_OK) == 0;
}

static char datadir_buf[PATH_MAX + 16];

void cli_set_datadir(const char *dir)
{
	snprintf(datadir_buf, sizeof(datadir_buf), "%s", dir);
}

const char *cli_datadir(void)
{
	const char *env = getenv("FATHOM_DATADIR");
	char exe[PATH_MAX], try[PATH_MAX + 32];
	ssize_t n;

	if (datadir_buf[0])
		return datadir_buf;
	if (env && *env) {
		snprintf(datadir_buf, sizeof(datadir_buf), "%s", env);
		return datadir_buf;
	}
	/* Run from the build tree: ./fathom sits beside probes/. */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(try, sizeof(try), "%s/probes/fathom-services",
				 exe);
			if (file_exists(try)) {
				snprintf(datadir_buf, sizeof(datadir_buf),
					 "%s/probes", exe);
				return datadir_buf;
			}
		}
	}
	snprintf(datadir_buf, sizeof(datadir_buf), "%s", PKGDATADIR);
	return datadir_buf;
}

void cli_os_db_path(char *buf, size_t len)
{
	const char *dir = cli_datadir();
	size_t n = strlen(dir);

	snprintf(buf, len, "%s/fathom-os-db", dir);
	if (file_exists(buf))
		return;
	/* The source tree keeps it in fingerprints/, beside probes/. */
	if (n >= 7 && strcmp(dir + n - 7, "/probes") == 0)
		snprintf(buf, len, "%.*s/fingerprints/fathom-os-db",
			 (int)(n - 7), dir);
}

int cli_load_dbs(struct scan_opts *o, const char *versiondb,
		 const struct pending *pend, size_t npend)
{
	char err[512];

	/* Service probes: fathom's own file, then the user's, all checked
	 * (file:line) before any packet is sent. */
	if (o->version_detect) {
		char path[PATH_MAX + 32];

		o->svcdb = svcdb_new();
		/* --versiondb replaces fathom's own file (nmap's option). */
		if (versiondb)
			snprintf(path, sizeof(path), "%s", versiondb);
		else
			snprintf(path, sizeof(path), "%s/fathom-service-probes",
				 cli_datadir());
		if (svcdb_load_file(o->svcdb, path, err, sizeof(err)) < 0) {
			fprintf(stderr, "fathom: %s\n", err);
			return -1;
		}
		for (size_t i = 0; i < npend; i++) {
			if (pend[i].kind != PEND_SERVICE_DB)
				continue;
			if (svcdb_load_file(o->svcdb, pend[i].arg, err,
					    sizeof(err)) < 0) {
				fprintf(stderr, "fathom: %s\n", err);
				return -1;
			}
		}
		if (svcdb_finalize(o->svcdb, err, sizeof(err)) < 0) {
			fprintf(stderr, "fathom: %s\n", err);
			return -1;
		}
	}

	/* OS databases: fathom's own, then each --os-db, all parsed
	 * (file:line errors) before any packet is sent. */
	if (o->os_detect) {
		char path[PATH_MAX + 32];

		o->osdb = osdb_new();
		cli_os_db_path(path, sizeof(path));
		if (osdb_load_file(o->osdb, path, err, sizeof(err)) < 0) {
			fprintf(stderr, "fathom: %s\n", err);
			return -1;
		}
		for (size_t i = 0; i < npend; i++) {
			if (pend[i].kind != PEND_OS_DB)
				continue;
			if (osdb_load_file(o->osdb, pend[i].arg, err,
					   sizeof(err)) < 0) {
				fprintf(stderr, "fathom: %s\n", err);
				return -1;
			}
		}
	}
	return 0;
}
