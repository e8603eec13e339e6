/* outputs.h -- a scan's reports: screen, -oN/-oX/-oG/-oJ files, streamed. */
#ifndef FATHOM_OUTPUTS_H
#define FATHOM_OUTPUTS_H

#include <stddef.h>
#include <time.h>

#include "engine/core/hostiter.h"
#include "engine/report/report_writer.h"
#include "engine/core/runinfo.h"

/*
 * Every format a run writes, driven alike and as the scan goes: the
 * header when it starts, each host when it is complete, phase events,
 * the footer at the end. Each write is flushed, so a reader (tail -f,
 * python-libnmap's NmapProcess, a pipeline reading -oJ -) sees a host
 * as soon as fathom knows it. Calls may come from two threads (the
 * scan, and the status thread of --stats-every); each call is atomic
 * with respect to the others.
 */
struct outputs;

/*
 * nmap's file-name escapes, expanded with time t (the scan's start):
 * %H %M %S %m %d %y %Y as in strftime(3), %T = %H%M%S, %R = %H%M,
 * %D = %m%d%y (no ':' or '/' in a file name); '%' before any other
 * character gives that character ("%%" is "%"). Returns 0, or -1 when
 * out (len bytes) is too small.
 */
int outputs_expand_name(const char *in, time_t t, char *out, size_t len);

/*
 * Expands the names (start time `start`) and opens every file of o:
 * truncated, or appended to with o->append_output. With o->resume_path,
 * a -oX file that holds the interrupted run's document is reopened so
 * the hosts continue that document: its closing <runstats>/</nmaprun>
 * and any hosts marked incomplete are cut off (fathom's extension: nmap
 * appends a second document). Every file is opened before any is
 * truncated or cut: when one cannot be opened, the existing ones are
 * left as they were and the ones this call created are removed. Returns
 * NULL after a one-line message on stderr ("fathom: cannot write FILE:
 * reason").
 */
struct outputs *outputs_open(const struct scan_opts *o, time_t start);

/* Headers (screen "Starting fathom", "# fathom ... as:", <nmaprun>). */
void outputs_begin(struct outputs *out, const struct run_info *ri);

/* One complete host, to every format. */
void outputs_host(struct outputs *out, const struct run_info *ri,
		  const struct hostiter_host *h);

/*
 * Writes out what the formats' buffers hold (outputs_host() leaves up
 * to 32 KiB in each); the phase runner calls it after every batch of
 * hosts, so a finished host never waits while the scan goes on.
 */
void outputs_flush(struct outputs *out);

/* After a batch of hosts: the unrecognised services' fingerprints. */
void outputs_batch_end(struct outputs *out, const struct run_info *ri);

/*
 * The hosts written from now on were cut short (interrupted): the
 * files say so, and --resume scans them again.
 */
void outputs_partial(struct outputs *out);

/*
 * A phase event: <taskbegin>/<taskprogress>/<taskend> in XML, "task"
 * records in NDJSON, and at -v nmap's "Initiating ..."/"Completed ..."
 * lines on the screen.
 */
void outputs_task(struct outputs *out, const struct report_task *t);

/*
 * Lines for the screen (stdout) while the scan runs, such as the
 * "Stats:" status; nothing when a format owns stdout.
 */
void outputs_screen(struct outputs *out, const char *text);

/*
 * Footers (error != 0: exit="error" with errmsg), then closes every
 * file. Returns 0, or -1 when any write to any file failed during the
 * run (disk full, closed pipe; -oN/-oX/-oG/-oJ, and stdout when a
 * format owns it): each such file was named once on stderr, at its first
 * failure ("fathom: cannot write FILE: reason"), and the caller exits 1.
 * Accepts NULL.
 */
int outputs_close(struct outputs *out, const struct run_info *ri, int error,
		  const char *errmsg);

#endif
