/* invdb.c -- the inventory database (-oS): a scan's rows, backend-neutral. */
#include "config.h"

#include "engine/invdb/invdb.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/invdb/invdb_int.h"
#include "engine/sweep/module.h"
#include "engine/vscan/vscan.h"
#include "fingerprints/osreport.h"
#include "fingerprints/osresult.h"
#include "netstack/base/util.h"

const char *const inv_table_name[INV_NTABLES] = {
	"hosts", "hostnames", "extraports", "ports", "services", "os_matches",
};

/* In inventory.sql's order; invdb_row_*() fill them in this order. */
const char *const inv_columns[INV_NTABLES][INV_MAX_COLS + 1] = {
	[INV_HOSTS] = { "scan_id", "addr", "addrtype", "mac", "status",
			"reason", "reason_ttl", "timed_out", "complete",
			"latency_us", "start_time", "end_time", "os_name",
			"os_accuracy", "os_fingerprint", "distance", "uptime_s",
			"seq", NULL },
	[INV_HOSTNAMES] = { "scan_id", "addr", "name", "type", NULL },
	[INV_EXTRAPORTS] = { "scan_id", "addr", "state", "count", "seq", NULL },
	[INV_PORTS] = { "scan_id", "addr", "protocol", "port", "state",
			"reason", "reason_ttl", "reason_ip", NULL },
	[INV_SERVICES] = { "scan_id",  "addr",    "protocol",    "port",
			   "name",     "product", "version",     "extrainfo",
			   "hostname", "ostype",  "devicetype",  "tunnel",
			   "method",   "conf",    "rpcnum",      "lowver",
			   "highver",  "cpe",     "fingerprint", NULL },
	[INV_OS_MATCHES] = { "scan_id", "addr", "rank", "name", "accuracy",
			     "line", "vendor", "family", "gen", "devtype",
			     "cpe", NULL },
};

static const char schema_sql[] =
#include "engine/invdb/inventory_sql.h"
	;

struct invdb {
	const struct inv_backend *be;
	void *h;
	long long scan_id;
	char id[24];   /* scan_id as text */
	long long seq; /* hosts written */
	int partial;   /* invdb_partial() was called */
	int resumed;   /* --resume continues an earlier run's row */
	int failed;
	char err[512];
};

int inv_is_pg(const char *target)
{
	return strncmp(target, "postgresql://", 13) == 0 ||
	       strncmp(target, "postgres://", 11) == 0;
}

const struct inv_backend *inv_backend_for(const char *target)
{
	if (inv_is_pg(target)) {
#ifdef HAVE_LIBPQ
		return &inv_pg;
#else
		return NULL;
#endif
	}
#ifdef HAVE_SQLITE3
	return &inv_sqlite;
#else
	return NULL;
#endif
}

int invdb_supported(const char *target)
{
	return inv_backend_for(target) != NULL;
}

char *inv_schema_text(const struct inv_backend *be)
{
	size_t idl = strlen(be->id_type), n = 0, k = 0;
	const char *p = schema_sql, *q;
	char *out;

	for (q = schema_sql; (q = strstr(q, "@ID@")) != NULL; q += 4)
		k++;
	out = xmalloc(sizeof(schema_sql) + k * idl + 1);

	while ((q = strstr(p, "@ID@")) != NULL) {
		memcpy(out + n, p, (size_t)(q - p));
		n += (size_t)(q - p);
		memcpy(out + n, be->id_type, idl);
		n += idl;
		p = q + 4;
	}
	memcpy(out + n, p, strlen(p) + 1);
	return out;
}

/*
 * Text as the XML report carries it once parsed: valid UTF-8 kept
 * (TAB/LF/CR too), every other control or non-UTF-8 byte as "\xHH". So
 * the database holds what -oX holds, and PostgreSQL gets valid UTF-8.
 */
static char *inv_text(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	char *out, *o;

	if (s == NULL)
		return NULL;
	out = o = xmalloc(strlen(s) * 4 + 1);
	for (; *p; p++) {
		uint32_t cp;
		size_t len;

		if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') {
			o += snprintf(o, 5, "\\x%02x", *p);
			continue;
		}
		if (*p < 0x80) {
			*o++ = (char)*p;
			continue;
		}
		len = hostiter_utf8(p, &cp);
		if (len == 0) {
			o += snprintf(o, 5, "\\x%02x", *p);
			continue;
		}
		memcpy(o, p, len);
		o += len;
		p += len - 1;
	}
	*o = '\0';
	return out;
}

static char *inv_num(long long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", v);
	return xstrdup(buf);
}

static struct inv_row *row_new(struct inv_batch *b, int table,
			       const char *scan_id, const char *addr)
{
	struct inv_row *r;

	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 16;
		b->rows = xrealloc(b->rows, b->cap * sizeof(*b->rows));
	}
	r = &b->rows[b->n++];
	memset(r, 0, sizeof(*r));
	r->table = table;
	while (inv_columns[table][r->ncols])
		r->ncols++;
	r->v[0] = xstrdup(scan_id);
	r->v[1] = inv_text(addr);
	return r;
}

static void batch_free(struct inv_batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		for (int k = 0; k < b->rows[i].ncols; k++)
			free(b->rows[i].v[k]);
	free(b->rows);
	memset(b, 0, sizeof(*b));
}

static void host_os(struct inv_batch *b, const struct run_info *ri,
		    const struct hostiter_host *h, struct inv_row *hr,
		    const char *id)
{
	const struct os_result *r = h->os;
	struct osreport_opts ro;
	size_t need = 0;
	int nm;

	memset(&ro, 0, sizeof(ro));
	ro.guess = ri->opt->osscan_guess;
	ro.verbose = ri->opt->verbose;
	ro.debug = ri->opt->debug;
	ro.omit_reason = r->omit_reason;
	nm = osreport_xml_nmatches(r, &ro);
	for (int i = 0; i < nm && i < r->matches.n; i++) {
		const struct osmatch *m = &r->matches.m[i];
		struct inv_row *o = row_new(b, INV_OS_MATCHES, id, h->ip);
		char cpe[1024] = "";

		o->v[2] = inv_num(i);
		o->v[3] = inv_text(m->name);
		o->v[4] = inv_num((long long)(m->accuracy * 100));
		o->v[5] = inv_num(m->line);
		if (m->nclasses > 0) {
			const struct osclass *c = &m->classes[0];

			o->v[6] = inv_text(c->vendor);
			o->v[7] = inv_text(c->family);
			o->v[8] = c->gen && c->gen[0] ? inv_text(c->gen) : NULL;
			o->v[9] = c->devtype && c->devtype[0]
					  ? inv_text(c->devtype)
					  : NULL;
		}
		for (int c = 0; c < m->nclasses; c++)
			for (int k = 0; k < m->classes[c].ncpe; k++) {
				size_t l = strlen(cpe);

				snprintf(cpe + l, sizeof(cpe) - l, "%s%s",
					 l ? " " : "", m->classes[c].cpe[k]);
			}
		o->v[10] = cpe[0] ? inv_text(cpe) : NULL;
		if (i == 0) {
			hr->v[12] = inv_text(m->name);
			hr->v[13] = inv_num((long long)(m->accuracy * 100));
		}
	}
	if (osreport_fingerprint(r, &ro, NULL, 0, &need)) {
		char *t = xmalloc(need + 1);

		osreport_fingerprint(r, &ro, t, need + 1, &need);
		hr->v[14] = inv_text(t);
		free(t);
	}
	if (r->distance != -1)
		hr->v[15] = inv_num(r->distance);
	if (r->lastboot)
		hr->v[16] = inv_num((long long)r->uptime_s);
}

/* The services row of a port, when -oX would write a <service>. */
static void port_service(struct inv_batch *b, const struct run_info *ri,
			 const struct hostiter_host *h,
			 const struct hostiter_row *row, const char *id)
{
	struct hostiter_svc sv;
	const struct svc_answer *a;
	const char *cpe[3];
	struct inv_row *r;
	char cpes[400] = "";
	int ncpe;

	hostiter_service(ri->opt, h, row, &sv);
	if (sv.name == NULL && sv.fp == NULL)
		return;
	a = sv.ans;
	r = row_new(b, INV_SERVICES, id, h->ip);
	r->v[2] = xstrdup(hostiter_proto_name(row->proto));
	r->v[3] = inv_num(row->port);
	r->v[4] = inv_text(sv.name ? sv.name : "unknown");
	if (a) {
		const char *f[6] = { a->product,  a->version, a->info,
				     a->hostname, a->ostype,  a->devicetype };

		for (int k = 0; k < 6; k++)
			r->v[5 + k] = f[k][0] ? inv_text(f[k]) : NULL;
	}
	r->v[11] = sv.tunnel ? xstrdup("ssl") : NULL;
	r->v[12] = xstrdup(sv.probed ? "probed" : "table");
	r->v[13] = inv_num(sv.conf);
	if (sv.rpc_prog) {
		r->v[14] = inv_num(sv.rpc_prog);
		r->v[15] = inv_num(sv.rpc_low);
		r->v[16] = inv_num(sv.rpc_high);
	}
	ncpe = hostiter_svc_cpes(&sv, cpe);
	for (int k = 0; k < ncpe; k++) {
		size_t l = strlen(cpes);

		snprintf(cpes + l, sizeof(cpes) - l, "%s%s", k ? " " : "",
			 cpe[k]);
	}
	r->v[17] = ncpe ? inv_text(cpes) : NULL;
	if (sv.fp) {
		/* Without the "\nSF:" breaks, as -oX and -oJ write it. */
		char *fp = xstrdup(sv.fp), *q;

		while ((q = strstr(fp, "\nSF:")) != NULL)
			memmove(q, q + 4, strlen(q + 4) + 1);
		r->v[18] = inv_text(fp);
		free(fp);
	}
}

/* The rows of the ports -oX lists, and its <extraports>. */
static void host_ports(struct inv_batch *b, const struct run_info *ri,
		       const struct hostiter_host *h, const char *id)
{
	for (int k = 0; k < h->nignored; k++) {
		int st = h->order[k];
		struct inv_row *r = row_new(b, INV_EXTRAPORTS, id, h->ip);

		r->v[2] = xstrdup(port_state_name(st));
		r->v[3] = inv_num((long long)h->count[st]);
		r->v[4] = inv_num(k);
	}
	for (size_t i = 0; i < h->nrows; i++) {
		const struct hostiter_row *pr = &h->rows[i];
		struct inv_row *r;
		char ip[ADDR_STRLEN];

		if (h->ignored[pr->state])
			continue;
		r = row_new(b, INV_PORTS, id, h->ip);
		r->v[2] = xstrdup(hostiter_proto_name(pr->proto));
		r->v[3] = inv_num(pr->port);
		r->v[4] = xstrdup(port_state_name(pr->state));
		r->v[5] = xstrdup(port_reason_name(pr->reason));
		r->v[6] = inv_num(pr->ttl);
		r->v[7] = pr->routed ? xstrdup(addr_format(&pr->from, ip))
				     : NULL;
		port_service(b, ri, h, pr, id);
	}
}

/* Every row of one host, as -oX writes it (a down host: status only). */
static void host_rows(struct invdb *db, struct inv_batch *b,
		      const struct run_info *ri, const struct hostiter_host *h)
{
	struct inv_row *hr = row_new(b, INV_HOSTS, db->id, h->ip);
	char mac[32];

	hr->v[2] = xstrdup(addr_is_v6(&h->addr) ? "ipv6" : "ipv4");
	if (h->mac && !h->down) {
		snprintf(mac, sizeof(mac), "%02X:%02X:%02X:%02X:%02X:%02X",
			 h->mac[0], h->mac[1], h->mac[2], h->mac[3], h->mac[4],
			 h->mac[5]);
		hr->v[3] = xstrdup(mac);
	}
	hr->v[4] = xstrdup(h->down ? "down" : "up");
	hr->v[5] = inv_text(h->reason ? h->reason : "unknown");
	hr->v[6] = inv_num(h->down ? 0 : h->reason_ttl);
	hr->v[7] = inv_num(h->timed_out ? 1 : 0);
	hr->v[8] = inv_num(db->partial ? 0 : 1);
	hr->v[9] = h->rtt_us ? inv_num(h->rtt_us) : NULL;
	if (!h->down && !ri->opt->ping_only) {
		hr->v[10] = inv_num((long long)ri->start_wall);
		hr->v[11] = inv_num((long long)ri->end_wall);
	}
	hr->v[17] = inv_num(db->seq++);
	if (h->down)
		return;
	if (h->name) {
		struct inv_row *n = row_new(b, INV_HOSTNAMES, db->id, h->ip);

		n->v[2] = inv_text(h->name);
		n->v[3] = xstrdup("user");
	}
	if (!h->timed_out && !ri->opt->ping_only)
		host_ports(b, ri, h, db->id);
	/* The hosts row is rows[0]; hr may have moved as rows were added. */
	if (h->os)
		host_os(b, ri, h, &b->rows[0], db->id);
}

static int fail(struct invdb *db, const char *what)
{
	if (!db->failed) {
		db->failed = 1;
		snprintf(db->err, sizeof(db->err), "%s", what);
	}
	return -1;
}

struct invdb *invdb_open(const char *target, char *err, size_t errlen)
{
	const struct inv_backend *be = inv_backend_for(target);
	struct invdb *db;
	char *sql;
	int rc;

	if (be == NULL) {
		snprintf(err, errlen,
			 "%s: this fathom was built without %s support", target,
			 inv_is_pg(target) ? "PostgreSQL (libpq)" : "SQLite");
		return NULL;
	}
	db = xcalloc(1, sizeof(*db));
	db->be = be;
	db->h = be->open(target, err, errlen);
	if (db->h == NULL) {
		free(db);
		return NULL;
	}
	sql = inv_schema_text(be);
	rc = be->schema(db->h, sql, err, errlen);
	free(sql);
	if (rc < 0) {
		be->close(db->h);
		free(db);
		return NULL;
	}
	return db;
}

static int id_row(void *arg, int ncols, const char *const *vals)
{
	long long *id = arg;

	if (ncols >= 1 && vals[0])
		*id = strtoll(vals[0], NULL, 10);
	return 1;
}

/* The scanned ports as nmap's compact list, or NULL when none. */
static char *port_ranges(const struct scan_opts *o, int proto)
{
	const struct port_list *pl = &o->ports.proto[proto];
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (pl->n == 0 || (f = open_memstream(&buf, &len)) == NULL)
		return NULL;
	{
		struct hostiter_ranges rg = HOSTITER_RANGES_INIT(f);

		for (size_t i = 0; i < pl->n; i++)
			hostiter_ranges_add(&rg, pl->ports[i]);
		hostiter_ranges_end(&rg);
	}
	fclose(f);
	return buf;
}

/* The first scans row a resumed run may continue (query callback). */
struct cont {
	const char *node;
	long long id;
	char status[16];
};

static int cont_row(void *arg, int ncols, const char *const *v)
{
	struct cont *c = arg;
	long pid;

	if (ncols < 4 || v[0] == NULL || v[3] == NULL)
		return 0;
	/* 'running': killed (-9, a crash) only if its process is gone
	 * from this machine; one elsewhere may still be at work. */
	if (strcmp(v[3], "running") == 0) {
		if (v[1] == NULL || v[2] == NULL || strcmp(v[1], c->node) != 0)
			return 0;
		pid = strtol(v[2], NULL, 10);
		if (pid <= 0 || pid == (long)getpid() ||
		    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			return 0;
	}
	c->id = strtoll(v[0], NULL, 10);
	snprintf(c->status, sizeof(c->status), "%s", v[3]);
	return 1;
}

/*
 * --resume: the latest row of the same command line (it names the
 * targets, --seed or --scan-id and --shard) that was interrupted or
 * killed. Claims it (status back to 'running', this process), drops
 * the hosts it had cut short (they are scanned again) and continues its
 * order. 1 when continued, 0 when there is none, -1 on error.
 */
static int continue_scan(struct invdb *db, const struct run_info *ri,
			 const char *node, const char *pid, char *e,
			 size_t elen)
{
	struct cont c = { .node = node };
	const char *p[5];
	long long claimed = 0;

	p[0] = ri->opt->cmdline ? ri->opt->cmdline : "fathom";
	if (db->be->query(db->h,
			  "SELECT id, node, pid, status FROM scans WHERE "
			  "scanner = 'fathom' AND args = ? AND status IN "
			  "('interrupted', 'running') ORDER BY id DESC",
			  p, 1, cont_row, &c, e, elen) < 0)
		return -1;
	if (c.id <= 0)
		return 0;
	snprintf(db->id, sizeof(db->id), "%lld", c.id);
	p[0] = node;
	p[1] = pid;
	p[2] = db->id;
	p[3] = c.status;
	/* Conditional: of two resumes at once, one claims the row. */
	if (db->be->query(db->h,
			  "UPDATE scans SET status = 'running', end_time = "
			  "NULL, errmsg = NULL, node = ?, pid = ? WHERE id = ? "
			  "AND status = ? RETURNING id",
			  p, 4, id_row, &claimed, e, elen) < 0)
		return -1;
	if (claimed != c.id)
		return 0;
	p[0] = db->id;
	if (db->be->query(db->h,
			  "DELETE FROM hosts WHERE scan_id = ? AND "
			  "complete = 0",
			  p, 1, NULL, NULL, e, elen) < 0 ||
	    db->be->query(db->h,
			  "SELECT coalesce(max(seq), -1) + 1 FROM hosts WHERE "
			  "scan_id = ?",
			  p, 1, id_row, &db->seq, e, elen) < 0)
		return -1;
	db->scan_id = c.id;
	db->resumed = 1;
	return 1;
}

int invdb_begin(struct invdb *db, const struct run_info *ri)
{
	const struct scan_opts *o = ri->opt;
	char start[32], pid[32], node[256] = "", e[512];
	char *tcp = o->syn_scan ? port_ranges(o, SVC_TCP) : NULL;
	char *udp = o->udp_scan ? port_ranges(o, SVC_UDP) : NULL;
	const char *p[10];
	int rc;

	if (db->failed)
		return -1;
	snprintf(start, sizeof(start), "%lld", (long long)ri->start_wall);
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	gethostname(node, sizeof(node) - 1);
	p[0] = "fathom";
	p[1] = PACKAGE_VERSION;
	p[2] = o->cmdline ? o->cmdline : "fathom";
	p[3] = start;
	p[4] = "running";
	p[5] = o->syn_scan ? ri->tcp_type : NULL;
	p[6] = tcp;
	p[7] = udp;
	p[8] = node;
	p[9] = pid;
	if (o->resume_path) {
		rc = continue_scan(db, ri, node, pid, e, sizeof(e));
		if (rc != 0) {
			free(tcp);
			free(udp);
			return rc < 0 ? fail(db, e) : 0;
		}
	}
	rc = db->be->query(db->h,
			   "INSERT INTO scans (scanner, version, args, "
			   "start_time, status, scan_type, tcp_ports, "
			   "udp_ports, node, pid) VALUES (?, ?, ?, ?, ?, ?, "
			   "?, ?, ?, ?) RETURNING id",
			   p, 10, id_row, &db->scan_id, e, sizeof(e));
	free(tcp);
	free(udp);
	if (rc < 0 || db->scan_id <= 0)
		return fail(db, rc < 0 ? e : "no scan id returned");
	snprintf(db->id, sizeof(db->id), "%lld", db->scan_id);
	return 0;
}

int invdb_host(struct invdb *db, const struct run_info *ri,
	       const struct hostiter_host *h)
{
	struct inv_batch b = { 0 };
	char e[512];
	int rc;

	if (db->failed || h->hidden || db->scan_id <= 0)
		return db->failed ? -1 : 0;
	host_rows(db, &b, ri, h);
	b.replace = db->resumed;
	rc = db->be->write(db->h, &b, e, sizeof(e));
	batch_free(&b);
	return rc < 0 ? fail(db, e) : 0;
}

void invdb_partial(struct invdb *db)
{
	db->partial = 1;
}

int invdb_end(struct invdb *db, const struct run_info *ri, int error,
	      const char *errmsg)
{
	uint64_t total = ri->total;
	size_t up = ri->hosts_up;
	char end[32], el[32], nup[32], ndown[32], ntot[32], e[512];
	const char *p[8];

	if (db->failed || db->scan_id <= 0)
		return -1;
	if (db->be->finish(db->h, e, sizeof(e)) < 0)
		return fail(db, e);
	snprintf(end, sizeof(end), "%lld", (long long)ri->end_wall);
	snprintf(el, sizeof(el), "%.2f", ri->elapsed);
	snprintf(nup, sizeof(nup), "%zu", up);
	snprintf(ndown, sizeof(ndown), "%llu",
		 (unsigned long long)(total > up ? total - up : 0));
	snprintf(ntot, sizeof(ntot), "%llu", (unsigned long long)total);
	p[0] = end;
	p[1] = el;
	p[2] = ri->interrupted ? "interrupted" : error ? "error" : "success";
	p[3] = error ? (errmsg ? errmsg : "") : NULL;
	p[4] = nup;
	p[5] = ndown;
	p[6] = ntot;
	p[7] = db->id;
	/* A resumed row: the parts' times add up. */
	if (db->be->query(db->h,
			  db->resumed ? "UPDATE scans SET end_time = ?, "
					"elapsed = coalesce(elapsed, 0) + ?, "
					"status = ?, errmsg = ?, hosts_up = ?, "
					"hosts_down = ?, hosts_total = ? "
					"WHERE id = ?"
				      : "UPDATE scans SET end_time = ?, "
					"elapsed = ?, status = ?, errmsg = ?, "
					"hosts_up = ?, hosts_down = ?, "
					"hosts_total = ? WHERE id = ?",
			  p, 8, NULL, NULL, e, sizeof(e)) < 0)
		return fail(db, e);
	return 0;
}

const char *invdb_error(const struct invdb *db)
{
	return db->err;
}

long long invdb_scan_id(const struct invdb *db)
{
	return db->scan_id;
}

int invdb_close(struct invdb *db, char *err, size_t errlen)
{
	int rc;
	char e[512];

	if (db == NULL)
		return 0;
	if (!db->failed && db->be->finish(db->h, e, sizeof(e)) < 0)
		fail(db, e);
	rc = db->failed ? -1 : 0;
	snprintf(err, errlen, "%s", db->err);
	db->be->close(db->h);
	free(db);
	return rc;
}
