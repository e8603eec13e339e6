/* invdb.h -- the inventory database (-oS): scans and hosts into SQLite or PostgreSQL. */
#ifndef FATHOM_INVDB_H
#define FATHOM_INVDB_H

#include <stddef.h>

#include "engine/core/hostiter.h"
#include "engine/core/runinfo.h"

/*
 * -oS TARGET: "postgresql://..." or "postgres://..." (a libpq URI) is a
 * PostgreSQL database, anything else a SQLite file (created if absent).
 * The schema is inventory.sql (docs/INVENTORY.md). A run is one row of
 * `scans`, written by invdb_begin(); each host the reports list is one
 * transaction (invdb_host()): its hosts row and every hostnames, ports,
 * services, extraports and os_matches row, or none of them, so a run
 * killed at any point leaves whole hosts. Many processes may write one
 * database at once (each its own scan id).
 *
 * Opening happens before the privilege drop (outputs_open()): the
 * connection, or the SQLite file and its WAL, stay open for the run.
 * Calls after a failure do nothing; the first failure is kept for
 * invdb_close().
 */
struct invdb;

/* 1 when this build has the backend TARGET names (SQLite or libpq). */
int invdb_supported(const char *target);

/* Connects or opens, and creates the schema. NULL with err. */
struct invdb *invdb_open(const char *target, char *err, size_t errlen);

/* The scans row ("running"). 0, or -1 with the error kept. */
int invdb_begin(struct invdb *db, const struct run_info *ri);

/* One host, in one transaction. Hidden hosts write nothing. */
int invdb_host(struct invdb *db, const struct run_info *ri,
	       const struct hostiter_host *h);

/* The hosts written from now on were cut short: complete = 0. */
void invdb_partial(struct invdb *db);

/* Completes the scans row: status, end time, counts. */
int invdb_end(struct invdb *db, const struct run_info *ri, int error,
	      const char *errmsg);

/*
 * The first error of the run ("" when none). Valid until invdb_close().
 */
const char *invdb_error(const struct invdb *db);

/*
 * Waits for writes in flight and closes; accepts NULL. -1 if anything
 * failed during the run, with the first error in err.
 */
int invdb_close(struct invdb *db, char *err, size_t errlen);

/* The scan id invdb_begin() got (0 before). */
long long invdb_scan_id(const struct invdb *db);

#endif
