/* invdb_int.h -- what the inventory's backends (SQLite, PostgreSQL) provide. */
#ifndef FATHOM_INVDB_INT_H
#define FATHOM_INVDB_INT_H

#include <stddef.h>

/* The tables a host writes, in the order its rows go in. */
enum inv_table {
	INV_HOSTS,
	INV_HOSTNAMES,
	INV_EXTRAPORTS,
	INV_PORTS,
	INV_SERVICES,
	INV_OS_MATCHES,
	INV_NTABLES,
};

#define INV_MAX_COLS 20

/* Each table's columns, NULL-terminated (invdb.c). */
extern const char *const inv_columns[INV_NTABLES][INV_MAX_COLS + 1];
extern const char *const inv_table_name[INV_NTABLES];

/* One row: a value per column, as text (NULL is SQL NULL). */
struct inv_row {
	int table;
	int ncols;
	char *v[INV_MAX_COLS];
};

/* A host's rows: one transaction. */
struct inv_batch {
	struct inv_row *rows;
	size_t n, cap;
	/* A resumed scan: the same transaction first deletes the host's
	 * rows (rows[0], the hosts row, names scan_id and addr) an earlier
	 * part of the run wrote, so a host is never there twice. */
	int replace;
};

/* A result row of a query: ncols values as text (NULL for SQL NULL). */
typedef int (*inv_row_fn)(void *arg, int ncols, const char *const *vals);

/*
 * A backend. SQL handed to it uses '?' for parameters (the PostgreSQL
 * backend renumbers them $1, $2...). Every call returns 0, or -1 with a
 * one-line err.
 */
struct inv_backend {
	const char *name;
	/* The key column text that replaces @ID@ in inventory.sql. */
	const char *id_type;
	void *(*open)(const char *target, char *err, size_t errlen);
	/* The schema script: many statements, run once, atomically with
	 * respect to other processes creating it too. */
	int (*schema)(void *be, const char *sql, char *err, size_t errlen);
	/* One statement with text parameters; row() per result row (it
	 * returns nonzero to stop). */
	int (*query)(void *be, const char *sql, const char *const *params,
		     int nparams, inv_row_fn row, void *arg, char *err,
		     size_t errlen);
	/* Every row of b in one transaction. May return before the server
	 * is done (PostgreSQL): its failure then comes from the next call
	 * or from finish(). */
	int (*write)(void *be, const struct inv_batch *b, char *err,
		     size_t errlen);
	/* Waits for what write() left in flight. */
	int (*finish)(void *be, char *err, size_t errlen);
	void (*close)(void *be);
};

#ifdef HAVE_SQLITE3
extern const struct inv_backend inv_sqlite;
#endif
#ifdef HAVE_LIBPQ
extern const struct inv_backend inv_pg;
#endif

/* The backend for a target, or NULL when this build lacks it. */
const struct inv_backend *inv_backend_for(const char *target);
/* 1 when target names PostgreSQL (a postgres:// or postgresql:// URI). */
int inv_is_pg(const char *target);

/* The schema text with @ID@ replaced (malloc'd). */
char *inv_schema_text(const struct inv_backend *be);

#endif
