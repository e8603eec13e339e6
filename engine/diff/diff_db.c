/* diff_db.c -- reads one scan of an inventory database (-oS) into ndiff's model. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/diff/diff_int.h"
#include "engine/invdb/invdb_int.h"
#include "netstack/base/util.h"

/* Hosts by address, for the rows of the other tables. */
struct byaddr {
	struct dscan *s;
	const char **addr; /* sorted */
	size_t *idx;
	int failed;
};

static struct dhost *host_of(struct byaddr *b, const char *addr)
{
	size_t lo = 0, hi = b->s->nhosts;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(b->addr[mid], addr);

		if (c == 0)
			return &b->s->hosts[b->idx[mid]];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int scan_row(void *arg, int n, const char *const *v)
{
	struct dscan *s = arg;

	if (n < 4)
		return 1;
	s->scanner = v[0] ? xstrdup(v[0]) : NULL;
	s->version = v[1] ? xstrdup(v[1]) : NULL;
	s->args = v[2] ? xstrdup(v[2]) : NULL;
	s->start = v[3] ? strtoll(v[3], NULL, 10) : -1;
	return 1;
}

static int id_row(void *arg, int n, const char *const *v)
{
	char *id = arg;

	if (n >= 1 && v[0])
		snprintf(id, 32, "%s", v[0]);
	return 1;
}

/* addr, addrtype, mac, status: in the order -oX wrote them. */
static int host_row(void *arg, int n, const char *const *v)
{
	struct dscan *s = arg;
	struct dhost *h;

	if (n < 4 || !v[0] || !v[1] || !v[3])
		return 0;
	h = dscan_add_host(s);
	h->state = xstrdup(v[3]);
	dhost_add_addr(h, strcmp(v[1], "ipv6") == 0 ? DADDR_IPV6 : DADDR_IPV4,
		       v[0]);
	if (v[2])
		dhost_add_addr(h, DADDR_MAC, v[2]);
	return 0;
}

static int name_row(void *arg, int n, const char *const *v)
{
	struct dhost *h = n >= 2 && v[0] && v[1] ? host_of(arg, v[0]) : NULL;

	if (h)
		dhost_add_name(h, v[1]);
	return 0;
}

static int extra_row(void *arg, int n, const char *const *v)
{
	struct dhost *h = n >= 3 && v[0] && v[1] ? host_of(arg, v[0]) : NULL;

	if (h)
		dhost_set_extra(h, v[1], v[2] ? strtoll(v[2], NULL, 10) : 0);
	return 0;
}

/* addr, protocol, port, state, then the service's five fields. */
static int port_row(void *arg, int n, const char *const *v)
{
	struct dhost *h = n >= 9 && v[0] && v[1] && v[2] && v[3]
				  ? host_of(arg, v[0])
				  : NULL;
	struct dport *p;
	char *end;
	long port;

	if (h == NULL)
		return 0;
	/* A row no fathom wrote (a port out of range) is not a port. */
	port = strtol(v[2], &end, 10);
	if (*end != '\0' || end == v[2] || port < 0 || port > 65535)
		return 0;
	p = dhost_set_port(h, (int)port, v[1]);
	p->state = xstrdup(v[3]);
	p->svc.name = v[4] ? xstrdup(v[4]) : NULL;
	p->svc.product = v[5] ? xstrdup(v[5]) : NULL;
	p->svc.version = v[6] ? xstrdup(v[6]) : NULL;
	p->svc.extrainfo = v[7] ? xstrdup(v[7]) : NULL;
	p->svc.tunnel = v[8] ? xstrdup(v[8]) : NULL;
	return 0;
}

static int os_row(void *arg, int n, const char *const *v)
{
	struct dhost *h = n >= 2 && v[0] && v[1] ? host_of(arg, v[0]) : NULL;

	if (h)
		dhost_add_os(h, v[1]);
	return 0;
}

static int idx_cmp(const void *x, const void *y, void *arg)
{
	const struct byaddr *b = arg;

	return strcmp(b->s->hosts[*(const size_t *)x].addrs[0].s,
		      b->s->hosts[*(const size_t *)y].addrs[0].s);
}

static void index_hosts(struct byaddr *b)
{
	size_t n = b->s->nhosts;

	b->idx = xcalloc(n + 1, sizeof(*b->idx));
	b->addr = xcalloc(n + 1, sizeof(*b->addr));
	for (size_t i = 0; i < n; i++)
		b->idx[i] = i;
	qsort_r(b->idx, n, sizeof(*b->idx), idx_cmp, b);
	for (size_t i = 0; i < n; i++)
		b->addr[i] = b->s->hosts[b->idx[i]].addrs[0].s;
}

/* "last" or "last~N": the id of that scan, newest first. */
static int resolve(const struct inv_backend *be, void *h, const char *ref,
		   char id[32], char *err, size_t errlen)
{
	char *end;
	long long back = 0;
	char off[32];
	const char *p[1] = { off };

	id[0] = '\0';
	if (strncmp(ref, "last", 4) == 0) {
		if (ref[4] == '~') {
			back = strtoll(ref + 5, &end, 10);
			if (end == ref + 5 || *end || back < 0)
				goto bad;
		} else if (ref[4]) {
			goto bad;
		}
		snprintf(off, sizeof(off), "%lld", back);
		return be->query(h,
				 "SELECT id FROM scans ORDER BY id DESC "
				 "LIMIT 1 OFFSET ?",
				 p, 1, id_row, id, err, errlen);
	}
	if (strtoll(ref, &end, 10) <= 0 || *end)
		goto bad;
	snprintf(id, 32, "%s", ref);
	return 0;
bad:
	snprintf(err, errlen, "bad scan '%s' (an id, last or last~N)", ref);
	return -1;
}

static int load(const struct inv_backend *be, void *h, const char *id,
		struct dscan *s, char *err, size_t errlen)
{
	const char *p[1] = { id };
	struct byaddr b = { .s = s };
	int rc = -1;

	s->start = -1;
	if (be->query(h,
		      "SELECT scanner, version, args, start_time FROM "
		      "scans WHERE id = ?",
		      p, 1, scan_row, s, err, errlen) < 0)
		return -1;
	if (s->scanner == NULL) {
		snprintf(err, errlen, "no scan %s in the database", id);
		return -1;
	}
	if (be->query(h,
		      "SELECT addr, addrtype, mac, status FROM hosts "
		      "WHERE scan_id = ? ORDER BY seq",
		      p, 1, host_row, s, err, errlen) < 0)
		return -1;
	index_hosts(&b);
	if (be->query(h, "SELECT addr, name FROM hostnames WHERE scan_id = ?",
		      p, 1, name_row, &b, err, errlen) < 0 ||
	    be->query(h,
		      "SELECT addr, state, count FROM extraports WHERE "
		      "scan_id = ? ORDER BY addr, seq",
		      p, 1, extra_row, &b, err, errlen) < 0 ||
	    be->query(h,
		      "SELECT p.addr, p.protocol, p.port, p.state, "
		      "s.name, s.product, s.version, s.extrainfo, "
		      "s.tunnel FROM ports p LEFT JOIN services s ON "
		      "s.scan_id = p.scan_id AND s.addr = p.addr AND "
		      "s.protocol = p.protocol AND s.port = p.port "
		      "WHERE p.scan_id = ?",
		      p, 1, port_row, &b, err, errlen) < 0 ||
	    be->query(h,
		      "SELECT addr, name FROM os_matches WHERE "
		      "scan_id = ? ORDER BY addr, rank",
		      p, 1, os_row, &b, err, errlen) < 0)
		goto out;
	rc = 0;
out:
	free(b.idx);
	free(b.addr);
	return rc;
}

int diff_load_db(const char *db, const char *ref, struct dscan *s, char *err,
		 size_t errlen)
{
	const struct inv_backend *be = inv_backend_for(db);
	char id[32], e[512];
	void *h;
	int rc;

	if (be == NULL) {
		snprintf(err, errlen, "%s: this fathom was built without %s",
			 db, inv_is_pg(db) ? "PostgreSQL (libpq)" : "SQLite");
		return -1;
	}
	/* Reading must not create an empty database file. */
	if (!inv_is_pg(db) && access(db, R_OK) < 0) {
		snprintf(err, errlen, "%s: cannot read: %m", db);
		return -1;
	}
	h = be->open(db, e, sizeof(e));
	if (h == NULL) {
		/* A URI may hold a password: only a file is named. */
		snprintf(err, errlen, "%s%s%s", inv_is_pg(db) ? "" : db,
			 inv_is_pg(db) ? "" : ": ", e);
		return -1;
	}
	rc = resolve(be, h, ref, id, e, sizeof(e));
	if (rc == 0 && id[0] == '\0') {
		snprintf(e, sizeof(e), "no scan '%s' in the database", ref);
		rc = -1;
	}
	if (rc == 0)
		rc = load(be, h, id, s, e, sizeof(e));
	be->close(h);
	if (rc < 0)
		snprintf(err, errlen, "%s", e);
	return rc;
}
