/* report_pg.c -- the inventory's PostgreSQL backend (-oS postgresql://...). */
#include "config.h"

#ifdef HAVE_LIBPQ

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/invdb/invdb_int.h"
#include "netstack/base/dynlib.h"
#include "netstack/base/util.h"

/*
 * libpq is mapped by the first pg_open() (netstack/base/dynlib.h), not
 * linked: a scan without -oS postgresql:// never loads it. The calls
 * below go through this table under their usual names.
 */
/* clang-format off */
#define PQ_FNS(X)                                                        \
	X(PQclear) X(PQconnectdb) X(PQerrorMessage) X(PQescapeLiteral)   \
	X(PQexec) X(PQexecParams) X(PQfinish) X(PQfreemem) X(PQgetResult) \
	X(PQgetisnull) X(PQgetvalue) X(PQnfields) X(PQntuples)           \
	X(PQresultErrorMessage) X(PQresultStatus) X(PQsendQuery)         \
	X(PQsetNoticeProcessor) X(PQstatus)
/* clang-format on */
#define PQ_FIELD(f) __typeof__(f) *f;
#define PQ_NAME(f) #f,
static union {
	struct {
		PQ_FNS(PQ_FIELD)
	} f;
	void *v[1]; /* dynlib_load() fills it as an array */
} pq;
static const char *const pq_names[] = { PQ_FNS(PQ_NAME) };
#define PQ_N (sizeof(pq_names) / sizeof(*pq_names))
_Static_assert(sizeof(pq.f) == PQ_N * sizeof(void *),
	       "one pointer per libpq function");

#define PQclear (pq.f.PQclear)
#define PQconnectdb (pq.f.PQconnectdb)
#define PQerrorMessage (pq.f.PQerrorMessage)
#define PQescapeLiteral (pq.f.PQescapeLiteral)
#define PQexec (pq.f.PQexec)
#define PQexecParams (pq.f.PQexecParams)
#define PQfinish (pq.f.PQfinish)
#define PQfreemem (pq.f.PQfreemem)
#define PQgetResult (pq.f.PQgetResult)
#define PQgetisnull (pq.f.PQgetisnull)
#define PQgetvalue (pq.f.PQgetvalue)
#define PQnfields (pq.f.PQnfields)
#define PQntuples (pq.f.PQntuples)
#define PQresultErrorMessage (pq.f.PQresultErrorMessage)
#define PQresultStatus (pq.f.PQresultStatus)
#define PQsendQuery (pq.f.PQsendQuery)
#define PQsetNoticeProcessor (pq.f.PQsetNoticeProcessor)
#define PQstatus (pq.f.PQstatus)

/* Maps libpq once; 0, or -1 with err. */
static int pq_load(char *err, size_t errlen)
{
	static void *lib;

	return dynlib_load(&lib, "libpq.so.5", pq_names, pq.v, PQ_N, err,
			   errlen);
}

/* Any constant: serialises schema creation among concurrent fathoms. */
#define PG_SCHEMA_LOCK 0x66617468LL

struct pg {
	PGconn *c;
	int pending; /* a write()'s results not yet read */
};

/* "IF NOT EXISTS ... skipping" notices: not for the user's terminal. */
static void pg_quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/* The server's message, on one line. */
static int pg_err(struct pg *p, const char *what, const PGresult *res,
		  char *err, size_t errlen)
{
	const char *m = res ? PQresultErrorMessage(res) : "";
	char *nl;

	if (m == NULL || m[0] == '\0')
		m = PQerrorMessage(p->c);
	snprintf(err, errlen, "%s: %s", what, m);
	while ((nl = strchr(err, '\n')) != NULL)
		*nl = nl[1] ? ' ' : '\0';
	return -1;
}

static int ok(const PGresult *r)
{
	ExecStatusType t = PQresultStatus(r);

	return t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK;
}

/* Reads every result of the write in flight. */
static int pg_finish(void *be, char *err, size_t errlen)
{
	struct pg *p = be;
	PGresult *r;
	int rc = 0;

	if (!p->pending)
		return 0;
	p->pending = 0;
	while ((r = PQgetResult(p->c)) != NULL) {
		if (rc == 0 && !ok(r))
			rc = pg_err(p, "host", r, err, errlen);
		PQclear(r);
	}
	return rc;
}

/*
 * synchronous_commit off: a commit does not wait for the WAL flush, so
 * the scan never waits for the server's disk. A crash of the server may
 * lose the last commits, each whole; fathom being killed loses none.
 */
static void *pg_open(const char *target, char *err, size_t errlen)
{
	struct pg *p;
	PGresult *r;

	if (pq_load(err, errlen) < 0)
		return NULL;
	p = xcalloc(1, sizeof(*p));
	p->c = PQconnectdb(target);
	if (p->c == NULL || PQstatus(p->c) != CONNECTION_OK) {
		pg_err(p, "cannot connect", NULL, err, errlen);
		PQfinish(p->c);
		free(p);
		return NULL;
	}
	PQsetNoticeProcessor(p->c, pg_quiet, NULL);
	r = PQexec(p->c, "SET client_encoding = 'UTF8'; "
			 "SET synchronous_commit = off; "
			 "SET client_min_messages = warning");
	if (!ok(r)) {
		pg_err(p, "session", r, err, errlen);
		PQclear(r);
		PQfinish(p->c);
		free(p);
		return NULL;
	}
	PQclear(r);
	return p;
}

static int pg_schema(void *be, const char *sql, char *err, size_t errlen)
{
	struct pg *p = be;
	char head[128];
	char *all;
	size_t n;
	PGresult *r;
	int rc = 0;

	/* CREATE ... IF NOT EXISTS races between sessions: one at a time. */
	snprintf(head, sizeof(head),
		 "BEGIN; SELECT pg_advisory_xact_lock(%lld);\n",
		 PG_SCHEMA_LOCK);
	n = strlen(head) + strlen(sql) + 256;
	all = xmalloc(n);
	snprintf(all, n,
		 "%s%s\nINSERT INTO fathom_schema (version) SELECT 1 "
		 "WHERE NOT EXISTS (SELECT 1 FROM fathom_schema);\nCOMMIT",
		 head, sql);
	r = PQexec(p->c, all);
	free(all);
	if (!ok(r)) {
		rc = pg_err(p, "schema", r, err, errlen);
		PQclear(r);
		r = PQexec(p->c, "ROLLBACK");
	}
	PQclear(r);
	return rc;
}

/* '?' placeholders to $1, $2... (no '?' appears inside our literals). */
static char *pg_numbered(const char *sql)
{
	/* Each '?' becomes "$" and at most 10 digits. */
	char *out = xmalloc(strlen(sql) * 11 + 1), *o = out;
	int n = 0;

	for (; *sql; sql++)
		if (*sql == '?')
			o += snprintf(o, 12, "$%d", ++n);
		else
			*o++ = *sql;
	*o = '\0';
	return out;
}

static int pg_query(void *be, const char *sql, const char *const *params,
		    int nparams, inv_row_fn row, void *arg, char *err,
		    size_t errlen)
{
	struct pg *p = be;
	char *q;
	PGresult *r;
	int rc = 0;

	if (pg_finish(p, err, errlen) < 0)
		return -1;
	q = pg_numbered(sql);
	r = PQexecParams(p->c, q, nparams, NULL, params, NULL, NULL, 0);
	free(q);
	if (!ok(r)) {
		rc = pg_err(p, "query", r, err, errlen);
	} else if (row) {
		int nt = PQntuples(r), nf = PQnfields(r);

		if (nf > 64)
			nf = 64;
		for (int i = 0; i < nt; i++) {
			const char *v[64];

			for (int k = 0; k < nf; k++)
				v[k] = PQgetisnull(r, i, k)
					       ? NULL
					       : PQgetvalue(r, i, k);
			if (row(arg, nf, v))
				break;
		}
	}
	PQclear(r);
	return rc;
}

/* Appends s to the growing buffer. */
static void put(char **buf, size_t *len, size_t *cap, const char *s)
{
	size_t n = strlen(s);

	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		*buf = xrealloc(*buf, *cap);
	}
	memcpy(*buf + *len, s, n + 1);
	*len += n;
}

/*
 * One Query message holding every INSERT of the host (consecutive rows
 * of a table as one multi-row INSERT): PostgreSQL runs the statements of
 * one simple query as one implicit transaction, and only once the whole
 * message has arrived, so a fathom killed mid-send writes nothing of
 * the host. Sent without waiting; the next call reads its result.
 */
static int pg_write(void *be, const struct inv_batch *b, char *err,
		    size_t errlen)
{
	struct pg *p = be;
	char *buf = NULL;
	size_t len = 0, cap = 0;

	if (pg_finish(p, err, errlen) < 0)
		return -1;
	put(&buf, &len, &cap, "");
	/* One query string: one transaction, the delete included. */
	if (b->replace && b->n) {
		const struct inv_row *h = &b->rows[0];
		char *id = PQescapeLiteral(p->c, h->v[0], strlen(h->v[0]));
		char *a = PQescapeLiteral(p->c, h->v[1], strlen(h->v[1]));

		if (id && a) {
			put(&buf, &len, &cap,
			    "DELETE FROM hosts WHERE scan_id = ");
			put(&buf, &len, &cap, id);
			put(&buf, &len, &cap, " AND addr = ");
			put(&buf, &len, &cap, a);
			put(&buf, &len, &cap, ";\n");
		}
		PQfreemem(id);
		PQfreemem(a);
		if (id == NULL || a == NULL) {
			free(buf);
			return pg_err(p, "host", NULL, err, errlen);
		}
	}
	for (size_t i = 0; i < b->n; i++) {
		const struct inv_row *r = &b->rows[i];
		int first = i == 0 || b->rows[i - 1].table != r->table;

		if (first) {
			put(&buf, &len, &cap,
			    i ? ";\nINSERT INTO " : "INSERT INTO ");
			put(&buf, &len, &cap, inv_table_name[r->table]);
			for (int k = 0; k < r->ncols; k++) {
				put(&buf, &len, &cap, k ? ", " : " (");
				put(&buf, &len, &cap, inv_columns[r->table][k]);
			}
			put(&buf, &len, &cap, ") VALUES (");
		} else {
			put(&buf, &len, &cap, ", (");
		}
		for (int k = 0; k < r->ncols; k++) {
			char *lit = r->v[k] ? PQescapeLiteral(p->c, r->v[k],
							      strlen(r->v[k]))
					    : NULL;

			if (r->v[k] && lit == NULL) {
				free(buf);
				return pg_err(p, "host", NULL, err, errlen);
			}
			if (k)
				put(&buf, &len, &cap, ", ");
			put(&buf, &len, &cap, lit ? lit : "NULL");
			PQfreemem(lit);
		}
		put(&buf, &len, &cap, ")");
	}
	if (!PQsendQuery(p->c, buf)) {
		free(buf);
		return pg_err(p, "host", NULL, err, errlen);
	}
	free(buf);
	p->pending = 1;
	return 0;
}

static void pg_close(void *be)
{
	struct pg *p = be;
	char e[8];

	if (p == NULL)
		return;
	pg_finish(p, e, sizeof(e));
	PQfinish(p->c);
	free(p);
}

const struct inv_backend inv_pg = {
	.name = "PostgreSQL",
	.id_type = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
	.open = pg_open,
	.schema = pg_schema,
	.query = pg_query,
	.write = pg_write,
	.finish = pg_finish,
	.close = pg_close,
};

#endif /* HAVE_LIBPQ */
