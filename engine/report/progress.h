/* progress.h -- a status line on stderr while a scan runs, if a terminal. */
#ifndef FATHOM_PROGRESS_H
#define FATHOM_PROGRESS_H

#include <stdatomic.h>
#include <stdint.h>

#include "engine/core/results.h"

/*
 * Starts a thread that redraws one '\r' line on stderr twice a second
 * (percent of the current pass, send rate, results, ETA) when stderr is a
 * terminal; does nothing otherwise, so reports on stdout and files are
 * never mixed with progress.
 */
void progress_start(_Atomic uint64_t *pos, _Atomic int *pass, uint64_t total,
		    _Atomic uint64_t *sent, struct results *res);
void progress_stop(void);
/* Erases the line before something else is printed to the terminal. */
void progress_clear(void);

/*
 * The phase running now, for status lines (a key press, --stats-every):
 * its nmap name ("SYN Stealth Scan", "Service scan") and how far it is,
 * *done of total, read atomically from any thread. Set at a phase's
 * start, cleared at its end.
 */
void progress_task_set(const char *task, _Atomic uint64_t *done,
		       uint64_t total);
void progress_task_clear(void);
/*
 * The current phase: its name, the fraction done (0-1) and when it began
 * (now_ns() clock). Returns 0, or -1 when no phase runs.
 */
int progress_task_get(const char **task, double *frac, uint64_t *began_ns);

#endif
