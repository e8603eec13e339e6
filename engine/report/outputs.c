/* outputs.c -- a scan's reports: screen, -oN/-oX/-oG/-oJ files, -oS, streamed. */
#include "config.h"

#include "engine/report/outputs.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/report/report.h"
#include "engine/report/report_grep.h"
#include "engine/report/report_json.h"
#include "engine/report/report_xml.h"
#include "engine/cli/resume.h"
#include "engine/invdb/invdb.h"
#include "netstack/base/util.h"

#define NMACHINE 3 /* XML, grepable, NDJSON */

struct outputs {
	const struct scan_opts *o;
	pthread_mutex_t lock;
	int screen;     /* interactive output on stdout */
	int normal_out; /* -oN - : the file form goes to stdout */
	FILE *normal;   /* -oN FILE */
	char *normal_path;
	int normal_err;     /* errno of its first failed write, or 0 */
	int normal_created; /* this run created it (removed if open fails) */
	struct machine {
		const struct report_writer *w;
		char *path;
		FILE *f;
		int continued; /* resumed XML: the document is already open */
		int err;       /* errno of the first failed write, or 0 */
		int created;   /* this run created the file */
		long cut;      /* truncate here once all are open; -1: keep */
	} m[NMACHINE];
	int partial;      /* outputs_partial() was called */
	struct invdb *db; /* -oS */
	char *db_name;    /* for messages: without a URI's password */
	int db_err;       /* its failure was said */
};

/*
 * Hosts are written as they complete, but not with a write() per host
 * per file: a -Pn sweep of a /16 writes 65536 hosts at its end, and a
 * flush after each (two syscalls a host with -oN) took longer than the
 * sweep's second pass. Each file gets an OUT_BUF buffer; after a host it
 * is flushed once OUT_FLUSH_AT bytes wait (so a write ends where a host
 * ends unless one host outgrows the rest of the buffer), and the phase
 * runner calls outputs_flush() after each batch of hosts it writes, so
 * no complete host waits in a buffer while the scan goes on (tail -f,
 * kill -9 and --resume see every host the run has finished).
 */
#define OUT_BUF (64 * 1024)
#define OUT_FLUSH_AT (32 * 1024)

static void buffer_file(FILE *f)
{
	if (f != NULL)
		setvbuf(f, NULL, _IOFBF, OUT_BUF);
}

/* After a host: write out what waits once it is OUT_FLUSH_AT or more. */
static void host_flush(FILE *f)
{
	if (f != NULL && __fpending(f) >= OUT_FLUSH_AT)
		fflush(f);
}

/* strftime with one of the fixed formats above. */
static size_t tm_format(char *buf, size_t len, const char *fmt,
			const struct tm *tm)
{
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	return strftime(buf, len, fmt, tm);
#pragma GCC diagnostic pop
}

int outputs_expand_name(const char *in, time_t t, char *out, size_t len)
{
	struct tm tm;
	size_t n = 0;

	localtime_r(&t, &tm);
	for (const char *p = in; *p; p++) {
		const char *fmt = NULL;
		char one[2] = { 0, 0 }, buf[32];
		size_t k;

		if (*p == '%' && p[1]) {
			switch (*++p) {
			case 'H':
				fmt = "%H";
				break;
			case 'M':
				fmt = "%M";
				break;
			case 'S':
				fmt = "%S";
				break;
			case 'm':
				fmt = "%m";
				break;
			case 'd':
				fmt = "%d";
				break;
			case 'y':
				fmt = "%y";
				break;
			case 'Y':
				fmt = "%Y";
				break;
			case 'T':
				fmt = "%H%M%S";
				break;
			case 'R':
				fmt = "%H%M";
				break;
			case 'D':
				fmt = "%m%d%y";
				break;
			default:
				one[0] = *p;
				break;
			}
		} else {
			one[0] = *p;
		}
		if (fmt)
			k = tm_format(buf, sizeof(buf), fmt, &tm);
		else
			k = (size_t)snprintf(buf, sizeof(buf), "%s", one);
		if (n + k + 1 > len)
			return -1;
		memcpy(out + n, buf, k);
		n += k;
	}
	if (n + 1 > len)
		return -1;
	out[n] = '\0';
	return 0;
}

static char *expand(const char *name, time_t t)
{
	size_t len = strlen(name) * 8 + 64;
	char *s = xmalloc(len);

	if (outputs_expand_name(name, t, s, len) < 0)
		snprintf(s, len, "%s", name);
	return s;
}

/*
 * The interrupted run's XML: *cut is where the resumed run continues it
 * (outputs_open() cuts it there once every file is open). Returns the
 * file, NULL with errno, or NULL with errno 0 when there is nothing to
 * continue (then it is written anew).
 */
static FILE *xml_continue(const char *path, long *cut)
{
	FILE *f = fopen(path, "r+");
	char *buf;
	size_t n;

	if (f == NULL)
		return NULL;
	buf = read_all(f, READ_MAX_LIST, &n);
	*cut = buf ? resume_xml_cut(buf, n) : -1;
	free(buf);
	if (*cut < 0) {
		fclose(f);
		errno = 0;
		return NULL;
	}
	return f;
}

/*
 * Opens path for writing without truncating it: outputs_open() opens
 * every file first and empties them only once all are open, so a bad
 * path among several (-oN keep.txt -oX /nonexistent/x.xml) ends the run
 * with every existing file as it was. Why not temporaries renamed over
 * the names: a rename replaces what the user named (a symlink, a FIFO,
 * /dev/stdout, a file a reader follows with tail -f) and needs a
 * writable directory; truncating the file itself keeps all of those.
 * *created says the file is new, to be removed if another one fails.
 */
static FILE *open_keep(const char *path, int append, int *created)
{
	int flags = O_WRONLY | O_CLOEXEC | (append ? O_APPEND : 0);
	int fd = open(path, flags | O_CREAT | O_EXCL, 0666);
	FILE *f;

	*created = fd >= 0;
	if (fd < 0 && errno == EEXIST)
		fd = open(path, flags);
	/* A dangling symlink: create its target, as fopen "w" would. */
	if (fd < 0 && errno == ENOENT)
		fd = open(path, flags | O_CREAT, 0666);
	if (fd < 0)
		return NULL;
	f = fdopen(fd, append ? "a" : "w");
	if (f == NULL) {
		int e = errno;

		close(fd);
		errno = e;
	}
	buffer_file(f);
	return f;
}

/*
 * Empties (cut 0) or cuts a file opened by open_keep() or xml_continue();
 * cut < 0 leaves it. Only regular files have a length: a FIFO, a
 * terminal or /dev/null is written as it is, as O_TRUNC would.
 */
static int cut_file(FILE *f, long cut)
{
	struct stat st;

	if (cut < 0 || fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	if (ftruncate(fileno(f), (off_t)cut) < 0 || fseek(f, cut, SEEK_SET) < 0)
		return -1;
	return 0;
}

/* Opens path for a format; "-" is stdout, which the format then owns. */
static FILE *open_one(const char *path, int append, int *took_stdout,
		      int *created)
{
	if (strcmp(path, "-") == 0) {
		int fd = dup(STDOUT_FILENO);
		FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

		/* Like nmap: the screen output goes to /dev/null. */
		if (f == NULL || freopen("/dev/null", "w", stdout) == NULL)
			return NULL;
		buffer_file(f);
		*took_stdout = 1;
		return f;
	}
	return open_keep(path, append, created);
}

/*
 * Opens machine format i on path (expanded), not yet truncated. Returns
 * 0, or -1 with errno (0: no reason known).
 */
static int open_machine(struct outputs *out, int i, const char *path,
			time_t start)
{
	const struct scan_opts *o = out->o;
	struct machine *m = &out->m[i];
	int append = o->append_output || o->resume_path, took = 0;

	m->path = strcmp(path, "-") == 0 ? xstrdup("-") : expand(path, start);
	m->cut = append ? -1 : 0;
	if (i == 0 && o->resume_path && strcmp(m->path, "-") != 0) {
		m->f = xml_continue(m->path, &m->cut);
		m->continued = m->f != NULL;
		if (m->f == NULL && errno != 0 && errno != ENOENT)
			return -1;
		if (m->f == NULL) {
			/* Nothing to continue: written anew. */
			m->cut = 0;
			m->f = open_keep(m->path, 0, &m->created);
		}
	} else {
		m->f = open_one(m->path, append, &took, &m->created);
	}
	if (m->f == NULL)
		return -1;
	if (took) {
		out->screen = 0;
		m->cut = -1; /* stdout: the shell's > or >> decided */
	}
	return 0;
}

/* A failed open: the files this run created go again. */
static void unlink_created(struct outputs *out)
{
	if (out->normal_created)
		unlink(out->normal_path);
	for (int i = 0; i < NMACHINE; i++)
		if (out->m[i].created)
			unlink(out->m[i].path);
}

/*
 * A postgresql://user:secret@host/db?password=secret URI as
 * postgresql://user@host/db?password=: messages name the database,
 * never the password.
 */
static char *db_display(const char *target)
{
	char *s = xstrdup(target), *at, *colon, *pw;
	char *scheme = strstr(s, "://");

	if (scheme == NULL)
		return s;
	at = strchr(scheme + 3, '@');
	colon = strchr(scheme + 3, ':');
	if (at && colon && colon < at)
		memmove(colon, at, strlen(at) + 1);
	if ((pw = strstr(s, "password=")) != NULL) {
		char *end = pw + 9 + strcspn(pw + 9, "&#");

		memmove(pw + 9, end, strlen(end) + 1);
	}
	return s;
}

/* -oS: connects (or opens the file) before the privilege drop. */
static int db_open(struct outputs *out, const char *target)
{
	char err[600];

	out->db_name = db_display(target);
	out->db = invdb_open(target, err, sizeof(err));
	if (out->db == NULL) {
		fprintf(stderr, "fathom: cannot write %s: %s\n", out->db_name,
			err);
		return -1;
	}
	return 0;
}

/* A failed -oS write is said once, as a file's is (check_one()). */
static void db_check(struct outputs *out, int rc)
{
	if (rc == 0 || out->db_err || out->db == NULL)
		return;
	out->db_err = 1;
	fprintf(stderr, "fathom: cannot write %s: %s\n", out->db_name,
		invdb_error(out->db));
}

struct outputs *outputs_open(const struct scan_opts *o, time_t start)
{
	struct outputs *out = xcalloc(1, sizeof(*out));
	const char *paths[NMACHINE] = { o->out_xml, o->out_grep, o->out_json };
	const struct report_writer *ws[NMACHINE] = { &report_xml_writer,
						     &report_grep_writer,
						     &report_json_writer };
	int append = o->append_output || o->resume_path;
	const char *bad = NULL;

	out->o = o;
	pthread_mutex_init(&out->lock, NULL);
	/* A terminal keeps stdio's line buffering: a person reads along. */
	if (!isatty(STDOUT_FILENO))
		buffer_file(stdout);
	out->screen = 1;
	for (int i = 0; i < NMACHINE; i++)
		out->m[i].w = ws[i];
	/* Every file opened first, none emptied: see open_keep(). */
	if (o->out_normal && strcmp(o->out_normal, "-") == 0) {
		out->normal_out = 1;
		out->screen = 0;
	} else if (o->out_normal) {
		out->normal_path = expand(o->out_normal, start);
		out->normal = open_keep(out->normal_path, append,
					&out->normal_created);
		bad = out->normal_path;
		if (out->normal == NULL)
			goto fail;
	}
	for (int i = 0; i < NMACHINE; i++) {
		if (paths[i] == NULL)
			continue;
		errno = 0;
		if (open_machine(out, i, paths[i], start) < 0) {
			bad = out->m[i].path;
			goto fail;
		}
	}
	if (o->out_db && db_open(out, o->out_db) < 0)
		goto dbfail;
	/* All open: now the run starts, and replaces what was there. */
	bad = out->normal_path;
	if (out->normal && cut_file(out->normal, append ? -1 : 0) < 0)
		goto fail;
	for (int i = 0; i < NMACHINE; i++) {
		bad = out->m[i].path;
		if (out->m[i].f && cut_file(out->m[i].f, out->m[i].cut) < 0)
			goto fail;
	}
	return out;
fail:
	fprintf(stderr, "fathom: cannot write %s: %s\n", bad ? bad : "-",
		strerror(errno ? errno : EIO));
dbfail:
	unlink_created(out);
	outputs_close(out, NULL, 1, NULL);
	return NULL;
}

/*
 * A write that failed (a full disk, a closed pipe, an I/O error) sets the
 * stream's error indicator, and every writer flushes: so after each
 * event a failure shows here. It is said once, naming the file, and the
 * run ends with exit 1 (outputs_close()) instead of a report silently
 * cut short; the other formats go on.
 */
static void check_one(FILE *f, const char *path, int *err)
{
	if (f == NULL || *err || !ferror(f))
		return;
	*err = errno ? errno : EIO;
	fprintf(stderr, "fathom: cannot write %s: %s\n",
		strcmp(path, "-") == 0 ? "stdout" : path, strerror(*err));
}

/* check_one() on every file; -oN - makes stdout a file too. */
static void check_writes(struct outputs *out)
{
	int e = errno;

	if (out->normal_out)
		check_one(stdout, "-", &out->normal_err);
	check_one(out->normal, out->normal_path, &out->normal_err);
	for (int i = 0; i < NMACHINE; i++)
		check_one(out->m[i].f, out->m[i].path, &out->m[i].err);
	errno = e;
}

void outputs_begin(struct outputs *out, const struct run_info *ri)
{
	pthread_mutex_lock(&out->lock);
	if (out->screen)
		report_header(stdout, ri, 0);
	if (out->normal_out)
		report_header(stdout, ri, 1);
	if (out->normal)
		report_header(out->normal, ri, 1);
	fflush(stdout);
	if (out->normal)
		fflush(out->normal);
	for (int i = 0; i < NMACHINE; i++)
		if (out->m[i].f && !out->m[i].continued)
			out->m[i].w->begin(out->m[i].f, ri);
	if (out->db)
		db_check(out, invdb_begin(out->db, ri));
	check_writes(out);
	pthread_mutex_unlock(&out->lock);
}

void outputs_host(struct outputs *out, const struct run_info *ri,
		  const struct hostiter_host *h)
{
	pthread_mutex_lock(&out->lock);
	if (out->screen || out->normal_out) {
		report_host(stdout, ri, h);
		host_flush(stdout);
	}
	if (out->normal) {
		report_host(out->normal, ri, h);
		host_flush(out->normal);
	}
	for (int i = 0; i < NMACHINE; i++)
		if (out->m[i].f) {
			out->m[i].w->host(out->m[i].f, ri, h);
			host_flush(out->m[i].f);
		}
	if (out->db)
		db_check(out, invdb_host(out->db, ri, h));
	check_writes(out);
	pthread_mutex_unlock(&out->lock);
}

void outputs_flush(struct outputs *out)
{
	pthread_mutex_lock(&out->lock);
	fflush(stdout);
	if (out->normal)
		fflush(out->normal);
	for (int i = 0; i < NMACHINE; i++)
		if (out->m[i].f)
			fflush(out->m[i].f);
	check_writes(out);
	pthread_mutex_unlock(&out->lock);
}

void outputs_batch_end(struct outputs *out, const struct run_info *ri)
{
	pthread_mutex_lock(&out->lock);
	if (out->screen || out->normal_out) {
		report_fingerprints(stdout, ri);
		fflush(stdout);
	}
	if (out->normal) {
		report_fingerprints(out->normal, ri);
		report_fingerprint_owners(out->normal, ri);
		fflush(out->normal);
	}
	check_writes(out);
	pthread_mutex_unlock(&out->lock);
}

void outputs_partial(struct outputs *out)
{
	pthread_mutex_lock(&out->lock);
	if (!out->partial) {
		out->partial = 1;
		if (out->normal_out)
			puts(REPORT_PARTIAL_LINE);
		if (out->normal) {
			fputs(REPORT_PARTIAL_LINE "\n", out->normal);
			fflush(out->normal);
		}
		for (int i = 0; i < NMACHINE; i++)
			if (out->m[i].f && out->m[i].w->partial)
				out->m[i].w->partial(out->m[i].f);
		if (out->db)
			invdb_partial(out->db);
	}
	check_writes(out);
	pthread_mutex_unlock(&out->lock);
}

void outputs_task(struct outputs *out, const struct report_task *t)
{
	struct tm tm;
	char hm[16];

	pthread_mutex_lock(&out->lock);
	localtime_r(&t->time, &tm);
	strftime(hm, sizeof(hm), "%H:%M", &tm);
	if (out->screen && out->o->verbose &&
	    t->event != REPORT_TASK_PROGRESS) {
		if (t->event == REPORT_TASK_BEGIN)
			printf("Initiating %s at %s\n", t->task, hm);
		else
			printf("Completed %s at %s, %.2fs elapsed%s%s%s\n",
			       t->task, hm, t->elapsed,
			       t->extrainfo ? " (" : "",
			       t->extrainfo ? t->extrainfo : "",
			       t->extrainfo ? ")" : "");
		fflush(stdout);
	}
	for (int i = 0; i < NMACHINE; i++)
		if (out->m[i].f && out->m[i].w->task)
			out->m[i].w->task(out->m[i].f, t);
	check_writes(out);
	pthread_mutex_unlock(&out->lock);
}

void outputs_screen(struct outputs *out, const char *text)
{
	pthread_mutex_lock(&out->lock);
	if (out->screen) {
		fputs(text, stdout);
		fflush(stdout);
	}
	check_writes(out);
	pthread_mutex_unlock(&out->lock);
}

/* Closes f; -1 when any write to it failed (said once, by check_one()). */
static int close_one(FILE *f, const char *path, int *err)
{
	if (f == NULL)
		return *err ? -1 : 0;
	fflush(f);
	check_one(f, path, err);
	if (fclose(f) != 0 && !*err) {
		*err = errno;
		fprintf(stderr, "fathom: cannot write %s: %s\n",
			strcmp(path, "-") == 0 ? "stdout" : path,
			strerror(errno));
	}
	return *err ? -1 : 0;
}

int outputs_close(struct outputs *out, const struct run_info *ri, int error,
		  const char *errmsg)
{
	int rc = 0;

	if (out == NULL)
		return 0;
	/* A failed run (not an interrupted one) ends without a summary. */
	if (ri && (!error || ri->interrupted)) {
		if (out->screen)
			report_footer(stdout, ri, 0);
		if (out->normal_out)
			report_footer(stdout, ri, 1);
		if (out->normal)
			report_footer(out->normal, ri, 1);
	}
	if (ri) {
		for (int i = 0; i < NMACHINE; i++)
			if (out->m[i].f)
				out->m[i].w->end(out->m[i].f, ri, error,
						 errmsg);
		if (out->db)
			db_check(out, invdb_end(out->db, ri, error, errmsg));
	}
	if (out->db) {
		char err[512];

		if (invdb_close(out->db, err, sizeof(err)) < 0 &&
		    !out->db_err) {
			out->db_err = 1;
			fprintf(stderr, "fathom: cannot write %s: %s\n",
				out->db_name, err);
		}
		rc = out->db_err ? -1 : rc;
	}
	free(out->db_name);
	if (out->normal_out) {
		fflush(stdout);
		check_one(stdout, "-", &out->normal_err);
	}
	if (close_one(out->normal, out->normal_path, &out->normal_err) < 0)
		rc = -1;
	for (int i = 0; i < NMACHINE; i++) {
		if (close_one(out->m[i].f, out->m[i].path, &out->m[i].err) < 0)
			rc = -1;
		free(out->m[i].path);
	}
	fflush(stdout);
	free(out->normal_path);
	pthread_mutex_destroy(&out->lock);
	free(out);
	return rc;
}
