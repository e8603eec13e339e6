/* cli_data.c -- what the command line points at: data files, databases. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/cli/cli_int.h"
#include "netstack/base/util.h"
#include "netstack/oui.h"
#include "fingerprints/osmatch.h"
#include "probes/servicedb.h"

int cli_parse_rate(const char *s, double *out)
{
	char *end;
	double v;

	if (s == NULL || *s == '\0')
		return -1;
	v = strtod(s, &end);
	if (*end != '\0' || !(v > 0) || v > 1e9)
		return -1;
	*out = v;
	return 0;
}

static int file_exists(const char *path)
{
	return access(path, R_OK) == 0;
}

static char datadir_buf[PATH_MAX + 16];
static char userdir_buf[PATH_MAX + 16]; /* --datadir */

int cli_set_datadir(const char *dir)
{
	struct stat st;

	if (dir == NULL) {
		userdir_buf[0] = '\0';
		return 0;
	}
	if (dir[0] == '\0' || strlen(dir) >= PATH_MAX || stat(dir, &st) != 0 ||
	    !S_ISDIR(st.st_mode) || access(dir, R_OK | X_OK) != 0)
		return -1;
	snprintf(userdir_buf, sizeof(userdir_buf), "%s", dir);
	return 0;
}

const char *cli_user_datadir(void)
{
	return userdir_buf[0] ? userdir_buf : NULL;
}

/* Where fathom's own files are when --datadir has none of them. */
static const char *default_datadir(void)
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

const char *cli_datadir(void)
{
	return userdir_buf[0] ? userdir_buf : default_datadir();
}

/*
 * nmap's --datadir: the directory is searched first, for fathom's file
 * and then nmap's (so --datadir /usr/share/nmap scans with nmap's data);
 * a file it lacks comes from the usual place.
 */
static int in_user_dir(const char *own, const char *nmaps, char *buf,
		       size_t len)
{
	if (!userdir_buf[0])
		return 0;
	snprintf(buf, len, "%s/%s", userdir_buf, own);
	if (file_exists(buf))
		return 1;
	snprintf(buf, len, "%s/%s", userdir_buf, nmaps);
	return file_exists(buf);
}

void cli_data_path(const char *own, const char *nmaps, char *buf, size_t len)
{
	if (!in_user_dir(own, nmaps, buf, len))
		snprintf(buf, len, "%s/%s", default_datadir(), own);
}

void cli_os_db_path(char *buf, size_t len)
{
	const char *dir = default_datadir();
	size_t n = strlen(dir);

	if (in_user_dir("fathom-os-db", "nmap-os-db", buf, len))
		return;
	snprintf(buf, len, "%s/fathom-os-db", dir);
	if (file_exists(buf))
		return;
	/* The source tree keeps it in fingerprints/, beside probes/. */
	if (n >= 7 && strcmp(dir + n - 7, "/probes") == 0)
		snprintf(buf, len, "%.*s/fingerprints/fathom-os-db",
			 (int)(n - 7), dir);
}

/* Adds path's file name to the footer's list of databases. */
static void note_db(struct scan_opts *o, const char *path)
{
	const char *base = strrchr(path, '/');
	size_t n = o->db_label ? strlen(o->db_label) : 0;

	base = base ? base + 1 : path;
	if (n == 0)
		o->db_nmap = 1;
	o->db_nmap &= strncmp(base, "nmap-", 5) == 0;
	o->db_label = xrealloc(o->db_label, n + strlen(base) + 3);
	snprintf(o->db_label + n, strlen(base) + 3, "%s%s", n ? ", " : "",
		 base);
}

const struct services *cli_names(const struct scan_opts *o)
{
	return o->names ? o->names : o->services;
}

int cli_load_names(struct scan_opts *o, const char *versiondb)
{
	char path[PATH_MAX + 32], err[512];
	const char *slash;

	if (cli_user_datadir()) {
		snprintf(path, sizeof(path), "%s/nmap-services",
			 cli_user_datadir());
	} else if (o->version_detect && versiondb &&
		   (slash = strrchr(versiondb, '/')) != NULL &&
		   strcmp(slash + 1, "nmap-service-probes") == 0) {
		snprintf(path, sizeof(path), "%.*s/nmap-services",
			 (int)(slash - versiondb), versiondb);
	} else if (o->version_detect && versiondb &&
		   strcmp(versiondb, "nmap-service-probes") == 0) {
		snprintf(path, sizeof(path), "nmap-services");
	} else {
		return 0;
	}
	/* Absent, or already the port table: nothing more to load. */
	if (!file_exists(path) ||
	    (o->services_path && strcmp(path, o->services_path) == 0))
		return 0;
	o->names = services_load(path, err, sizeof(err));
	if (o->names == NULL) {
		fprintf(stderr, "fathom: %s\n", err);
		return -1;
	}
	return 0;
}

/*
 * MAC vendor names for "MAC Address: ... (Vendor)": fathom's table from
 * the IEEE registry (tools/gen-oui.py), or nmap's nmap-mac-prefixes in
 * --datadir (the same format). Without the file every vendor is
 * "Unknown", as before; a malformed one stops the run like any database.
 */
static int load_ouis(struct scan_opts *o, char *err, size_t errlen)
{
	char path[PATH_MAX + 32];

	cli_data_path("fathom-mac-prefixes", "nmap-mac-prefixes", path,
		      sizeof(path));
	if (!file_exists(path))
		return 0;
	o->ouis = oui_load(path, err, errlen);
	return o->ouis ? 0 : -1;
}

/*
 * Another file (--versiondb, or nmap's in --datadir) replaced fathom's
 * own: the own file is loaded beside it for its fathom-script probes,
 * which stand in for nmap's version scripts. A missing own file means no
 * scripts; a broken one is an error.
 */
static int load_scriptdb(struct scan_opts *o, const char *main_path, char *err,
			 size_t errlen)
{
	char path[PATH_MAX + 32];
	const char *base = strrchr(main_path, '/');

	if (strcmp(base ? base + 1 : main_path, "fathom-service-probes") == 0)
		return 0;
	snprintf(path, sizeof(path), "%s/fathom-service-probes",
		 default_datadir());
	if (!file_exists(path))
		return 0;
	o->scriptdb = svcdb_new();
	if (svcdb_load_file(o->scriptdb, path, err, errlen) < 0 ||
	    svcdb_finalize(o->scriptdb, err, errlen) < 0)
		return -1;
	return 0;
}

int cli_load_dbs(struct scan_opts *o, const char *versiondb,
		 const struct pending *pend, size_t npend)
{
	char err[512];

	if (load_ouis(o, err, sizeof(err)) < 0) {
		fprintf(stderr, "fathom: %s\n", err);
		return -1;
	}

	/* Service probes: fathom's own file, then the user's, all checked
	 * (file:line) before any packet is sent. */
	if (o->version_detect) {
		char path[PATH_MAX + 32];

		o->svcdb = svcdb_new();
		/* --versiondb replaces fathom's own file (nmap's option). */
		if (versiondb)
			snprintf(path, sizeof(path), "%s", versiondb);
		else
			cli_data_path("fathom-service-probes",
				      "nmap-service-probes", path,
				      sizeof(path));
		if (svcdb_load_file(o->svcdb, path, err, sizeof(err)) < 0) {
			fprintf(stderr, "fathom: %s\n", err);
			return -1;
		}
		note_db(o, path);
		for (size_t i = 0; i < npend; i++) {
			if (pend[i].kind != PEND_SERVICE_DB)
				continue;
			if (svcdb_load_file(o->svcdb, pend[i].arg, err,
					    sizeof(err)) < 0) {
				fprintf(stderr, "fathom: %s\n", err);
				return -1;
			}
			note_db(o, pend[i].arg);
		}
		if (svcdb_finalize(o->svcdb, err, sizeof(err)) < 0 ||
		    load_scriptdb(o, path, err, sizeof(err)) < 0) {
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
		note_db(o, path);
		for (size_t i = 0; i < npend; i++) {
			if (pend[i].kind != PEND_OS_DB)
				continue;
			if (osdb_load_file(o->osdb, pend[i].arg, err,
					   sizeof(err)) < 0) {
				fprintf(stderr, "fathom: %s\n", err);
				return -1;
			}
			note_db(o, pend[i].arg);
		}
	}
	return 0;
}
