/* report_sqlite.c -- the inventory's SQLite backend (-oS FILE). */
#include "config.h"

#ifdef HAVE_SQLITE3

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/invdb/invdb_int.h"
#include "netstack/base/util.h"

struct sq {
	sqlite3 *db;
	sqlite3_stmt *ins[INV_NTABLES]; /* prepared INSERT per table */
};

static int sq_err(struct sq *q, const char *what, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: %s", what, sqlite3_errmsg(q->db));
	return -1;
}

/*
 * WAL: a writer never blocks readers, commits need no fsync
 * (synchronous=NORMAL; a killed process still loses no committed host),
 * and the -wal/-shm files are created now, before the privilege drop,
 * and stay open: nobody could not create them later in root's directory.
 */
static void *sq_open(const char *target, char *err, size_t errlen)
{
	struct sq *q = xcalloc(1, sizeof(*q));

	if (sqlite3_open_v2(target, &q->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				    SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s",
			 q->db ? sqlite3_errmsg(q->db) : "cannot open");
		sqlite3_close(q->db);
		free(q);
		return NULL;
	}
	sqlite3_busy_timeout(q->db, 30000);
	sqlite3_extended_result_codes(q->db, 1);
	if (sqlite3_exec(q->db,
			 "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
			 " PRAGMA foreign_keys=ON;",
			 NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(q->db));
		sqlite3_close(q->db);
		free(q);
		return NULL;
	}
	return q;
}

static int sq_schema(void *be, const char *sql, char *err, size_t errlen)
{
	struct sq *q = be;

	/* IMMEDIATE: another fathom creating it waits, then sees it. */
	if (sqlite3_exec(q->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK)
		return sq_err(q, "schema", err, errlen);
	if (sqlite3_exec(q->db, sql, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(q->db,
			 "INSERT INTO fathom_schema (version) SELECT 1 WHERE "
			 "NOT EXISTS (SELECT 1 FROM fathom_schema)",
			 NULL, NULL, NULL) != SQLITE_OK) {
		sq_err(q, "schema", err, errlen);
		sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	if (sqlite3_exec(q->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return sq_err(q, "schema", err, errlen);
	return 0;
}

static int sq_query(void *be, const char *sql, const char *const *params,
		    int nparams, inv_row_fn row, void *arg, char *err,
		    size_t errlen)
{
	struct sq *q = be;
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(q->db, sql, -1, &st, NULL) != SQLITE_OK)
		return sq_err(q, "query", err, errlen);
	for (int i = 0; i < nparams; i++)
		if (params[i])
			sqlite3_bind_text(st, i + 1, params[i], -1,
					  SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int n = sqlite3_column_count(st);
		const char *v[64];

		if (n > 64)
			n = 64;
		for (int i = 0; i < n; i++)
			v[i] = (const char *)sqlite3_column_text(st, i);
		if (row && row(arg, n, v))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sq_err(q, "query", err, errlen);
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

/* INSERT INTO t (c1, c2...) VALUES (?, ?...), prepared once a run. */
static sqlite3_stmt *sq_insert(struct sq *q, int table)
{
	char sql[1024];
	size_t n;
	int nc = 0;

	if (q->ins[table])
		return q->ins[table];
	n = (size_t)snprintf(sql, sizeof(sql), "INSERT INTO %s (",
			     inv_table_name[table]);
	for (; inv_columns[table][nc]; nc++)
		n += (size_t)snprintf(sql + n, sizeof(sql) - n, "%s%s",
				      nc ? ", " : "", inv_columns[table][nc]);
	n += (size_t)snprintf(sql + n, sizeof(sql) - n, ") VALUES (");
	for (int i = 0; i < nc; i++)
		n += (size_t)snprintf(sql + n, sizeof(sql) - n, "%s?",
				      i ? ", " : "");
	snprintf(sql + n, sizeof(sql) - n, ")");
	if (sqlite3_prepare_v3(q->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
			       &q->ins[table], NULL) != SQLITE_OK)
		return NULL;
	return q->ins[table];
}

/* A resumed scan's host: its earlier rows go (the others cascade). */
static int sq_forget(struct sq *q, const struct inv_row *host)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(q->db,
			       "DELETE FROM hosts WHERE scan_id = ? AND "
			       "addr = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, host->v[0], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, host->v[1], -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int sq_write(void *be, const struct inv_batch *b, char *err,
		    size_t errlen)
{
	struct sq *q = be;
	const char *what = "begin";

	if (sqlite3_exec(q->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK)
		return sq_err(q, what, err, errlen);
	if (b->replace && b->n && sq_forget(q, &b->rows[0]) < 0) {
		what = "hosts";
		goto fail;
	}
	for (size_t i = 0; i < b->n; i++) {
		const struct inv_row *r = &b->rows[i];
		sqlite3_stmt *st = sq_insert(q, r->table);
		int rc;

		what = inv_table_name[r->table];
		if (st == NULL)
			goto fail;
		for (int k = 0; k < r->ncols; k++)
			if (r->v[k])
				sqlite3_bind_text(st, k + 1, r->v[k], -1,
						  SQLITE_STATIC);
			else
				sqlite3_bind_null(st, k + 1);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		if (rc != SQLITE_DONE)
			goto fail;
	}
	what = "commit";
	if (sqlite3_exec(q->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	return 0;
fail:
	sq_err(q, what, err, errlen);
	sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

static int sq_finish(void *be, char *err, size_t errlen)
{
	(void)be;
	(void)err;
	(void)errlen;
	return 0;
}

static void sq_close(void *be)
{
	struct sq *q = be;

	if (q == NULL)
		return;
	for (int i = 0; i < INV_NTABLES; i++)
		sqlite3_finalize(q->ins[i]);
	sqlite3_close(q->db);
	free(q);
}

const struct inv_backend inv_sqlite = {
	.name = "SQLite",
	.id_type = "INTEGER PRIMARY KEY",
	.open = sq_open,
	.schema = sq_schema,
	.query = sq_query,
	.write = sq_write,
	.finish = sq_finish,
	.close = sq_close,
};

#endif /* HAVE_SQLITE3 */
