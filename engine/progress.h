/* progress.h -- a status line on stderr while a scan runs, if a terminal. */
#ifndef FATHOM_PROGRESS_H
#define FATHOM_PROGRESS_H

#include <stdatomic.h>
#include <stdint.h>

#include "engine/results.h"

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

#endif
