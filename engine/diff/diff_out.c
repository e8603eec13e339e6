/* diff_out.c -- ndiff's comparison of two scans, printed as its text or as NDJSON. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/diff/diff_int.h"
#include "netstack/base/util.h"

#define GROW(arr, n) ((arr) = xrealloc((arr), ((n) + 1) * sizeof(*(arr))))

/* ---- comparison ---- */

static int str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static int svc_eq(const struct dservice *a, const struct dservice *b)
{
	return str_eq(a->name, b->name) && str_eq(a->product, b->product) &&
	       str_eq(a->version, b->version) &&
	       str_eq(a->extrainfo, b->extrainfo);
}

static int is_extra(const struct dhost *h, const char *state)
{
	if (state == NULL)
		return 1;
	for (size_t i = 0; i < h->nextra; i++)
		if (strcmp(h->extra[i].state, state) == 0)
			return 1;
	return 0;
}

/* One port of the union of both hosts' specs, in order. */
struct pdiff {
	struct dport a, b; /* a missing side: state NULL, no service */
	int cost;
};

/* The host pair's differences, as ndiff's HostDiff. */
struct hdiff {
	const struct dhost *a, *b;
	int state_changed, id_changed, os_changed, extra_changed, cost;
	struct pdiff *ports;
	size_t nports;
	struct seq_op *os;
	size_t nos;
};

static int sets_differ(const struct dhost *a, const struct dhost *b)
{
	if (a->naddrs != b->naddrs || a->nnames != b->nnames)
		return 1;
	for (size_t i = 0; i < a->naddrs; i++)
		if (daddr_cmp(&a->addrs[i], &b->addrs[i]))
			return 1;
	for (size_t i = 0; i < a->nnames; i++)
		if (strcmp(a->names[i], b->names[i]))
			return 1;
	return 0;
}

static void port_diffs(struct hdiff *d, int verbose)
{
	const struct dhost *a = d->a, *b = d->b;
	size_t i = 0, j = 0;

	d->ports = xcalloc(a->nports + b->nports + 1, sizeof(*d->ports));
	while (i < a->nports || j < b->nports) {
		const struct dport *pa = NULL, *pb = NULL, *any;
		struct pdiff pd;
		int c;

		if (i < a->nports && j < b->nports)
			c = dport_cmp(&a->ports[i], &b->ports[j]);
		else
			c = i < a->nports ? -1 : 1;
		if (c <= 0)
			pa = &a->ports[i++];
		if (c >= 0)
			pb = &b->ports[j++];
		any = pa ? pa : pb;
		memset(&pd, 0, sizeof(pd));
		pd.a.port = pd.b.port = any->port;
		pd.a.proto = pd.b.proto = any->proto;
		if (pa)
			pd.a = *pa;
		if (pb)
			pd.b = *pb;
		pd.cost = !str_eq(pd.a.state, pd.b.state) +
			  !svc_eq(&pd.a.svc, &pd.b.svc);
		if (is_extra(a, pd.a.state) && is_extra(b, pd.b.state))
			continue;
		if (!verbose && pd.cost == 0)
			continue;
		d->ports[d->nports++] = pd;
		d->cost += pd.cost;
	}
}

static void host_diff(struct hdiff *d, const struct dhost *a,
		      const struct dhost *b, int verbose)
{
	size_t max = a->nos + b->nos + 2;

	memset(d, 0, sizeof(*d));
	d->a = a;
	d->b = b;
	d->state_changed = !str_eq(a->state, b->state);
	d->id_changed = sets_differ(a, b);
	d->cost = d->state_changed + d->id_changed;
	port_diffs(d, verbose);
	d->os = xcalloc(max, sizeof(*d->os));
	d->nos = seqmatch_opcodes(a->os, a->nos, b->os, b->nos, d->os, max);
	for (size_t i = 0; i < d->nos; i++)
		if (d->os[i].tag != 'e') {
			d->os_changed = 1;
			d->cost++;
		}
	if (a->nextra != b->nextra) {
		d->extra_changed = 1;
	} else {
		for (size_t i = 0; i < a->nextra; i++)
			if (a->extra[i].count != b->extra[i].count ||
			    strcmp(a->extra[i].state, b->extra[i].state))
				d->extra_changed = 1;
	}
	d->cost += d->extra_changed;
}

static void hdiff_free(struct hdiff *d)
{
	free(d->ports);
	free(d->os);
}

/* ---- ndiff's text ---- */

static void format_name(const struct dhost *h, char *buf, size_t len)
{
	char addrs[2048] = "", names[2048] = "";

	for (size_t i = 0; i < h->naddrs; i++) {
		size_t l = strlen(addrs);

		snprintf(addrs + l, sizeof(addrs) - l, "%s%s", i ? ", " : "",
			 h->addrs[i].s);
	}
	for (size_t i = 0; i < h->nnames; i++) {
		size_t l = strlen(names);

		snprintf(names + l, sizeof(names) - l, "%s%s", i ? ", " : "",
			 h->names[i]);
	}
	if (names[0] && addrs[0])
		snprintf(buf, len, "%s (%s)", names, addrs);
	else
		snprintf(buf, len, "%s",
			 names[0]   ? names
			 : addrs[0] ? addrs
				    : "<no name>");
}

static void banner(const struct dscan *s, char *buf, size_t len)
{
	size_t n;

	n = (size_t)snprintf(
		buf, len, "%s",
		s->scanner && strcmp(s->scanner, "nmap") ? s->scanner : "Nmap");
	if (s->version)
		n += (size_t)snprintf(buf + n, len - n, " %s", s->version);
	n += (size_t)snprintf(buf + n, len - n, " scan");
	if (s->start >= 0 && n < len) {
		time_t t = (time_t)s->start;
		struct tm tm;
		char when[64];

		localtime_r(&t, &tm);
		strftime(when, sizeof(when), "%a %b %d %H:%M:%S %Y", &tm);
		n += (size_t)snprintf(buf + n, len - n, " initiated %s", when);
	}
	if (s->args && n < len)
		snprintf(buf + n, len - n, " as: %s", s->args);
}

/* "N state ports, ..." by count, highest first (ties: state, reversed). */
static void extra_string(const struct dhost *h, char *buf, size_t len)
{
	size_t n = h->nextra, used = 0;
	const struct dextra **o = xcalloc(n + 1, sizeof(*o));

	for (size_t i = 0; i < n; i++)
		o[i] = &h->extra[i];
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0; j--) {
			const struct dextra *x = o[j - 1], *y = o[j];
			int less = x->count < y->count ||
				   (x->count == y->count &&
				    strcmp(x->state, y->state) < 0);

			if (!less)
				break;
			o[j - 1] = y;
			o[j] = x;
		}
	buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used,
					 "%s%lld %s ports", i ? ", " : "",
					 o[i]->count, o[i]->state);
	free(o);
}

/* Characters (code points) in UTF-8 text: Python pads by them. */
static size_t text_width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* ndiff's Table("** * * *"): columns padded to the widest, right-trimmed. */
#define TCOLS 5
struct table {
	char *(*rows)[TCOLS];
	int *ncols;
	size_t n;
	size_t w[TCOLS];
};

static void table_add(struct table *t, const char *const c[TCOLS])
{
	int nc = TCOLS;

	while (nc > 0 && c[nc - 1] == NULL)
		nc--;
	GROW(t->rows, t->n);
	GROW(t->ncols, t->n);
	for (int i = 0; i < TCOLS; i++) {
		t->rows[t->n][i] = xstrdup(i < nc && c[i] ? c[i] : "");
		if (i < nc && text_width(t->rows[t->n][i]) > t->w[i])
			t->w[i] = text_width(t->rows[t->n][i]);
	}
	t->ncols[t->n++] = nc;
}

static void table_print(FILE *f, struct table *t)
{
	for (size_t r = 0; r < t->n; r++) {
		char line[8192];
		size_t n = 0;

		for (int i = 0; i < t->ncols[r] && n < sizeof(line); i++) {
			const char *c = t->rows[r][i];
			int pad = (int)(t->w[i] - text_width(c));

			n += (size_t)snprintf(
				line + n, sizeof(line) - n, "%s%*s%s", c, pad,
				"", i >= 1 && i < TCOLS - 1 ? " " : "");
		}
		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t' ||
				 line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		line[n] = '\0';
		fprintf(f, "%s\n", line);
		for (int i = 0; i < TCOLS; i++)
			free(t->rows[r][i]);
	}
	free(t->rows);
	free(t->ncols);
}

static void svc_name(const struct dservice *s, char *buf, size_t len)
{
	if (s->tunnel && s->name)
		snprintf(buf, len, "%s/%s", s->tunnel, s->name);
	else
		snprintf(buf, len, "%s",
			 s->tunnel ? s->tunnel
			 : s->name ? s->name
				   : "");
}

static void svc_version(const struct dservice *s, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	if (s->product)
		n += (size_t)snprintf(buf + n, len - n, "%s", s->product);
	if (s->version && n < len)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? " " : "",
				      s->version);
	if (s->extrainfo && n < len)
		snprintf(buf + n, len - n, "%s(%s)", n ? " " : "",
			 s->extrainfo);
}

/* A port's columns: spec, state ("unknown"), service, version (or NULL). */
static void port_cols(const struct dport *p, char spec[32], char name[512],
		      char ver[1024], const char *c[TCOLS], const char *mark)
{
	snprintf(spec, 32, "%d/%s", p->port, p->proto);
	svc_name(&p->svc, name, 512);
	svc_version(&p->svc, ver, 1024);
	c[0] = mark;
	c[1] = spec;
	c[2] = p->state ? p->state : "unknown";
	c[3] = name[0] ? name : NULL;
	c[4] = ver[0] ? ver : NULL;
}

static int cols_eq(const char *const *x, const char *const *y)
{
	for (int i = 1; i < TCOLS; i++)
		if (!str_eq(x[i], y[i]))
			return 0;
	return 1;
}

static void port_table(FILE *f, const struct hdiff *d, int verbose)
{
	struct table t = { 0 };
	const char *hdr[TCOLS] = { d->a->state == NULL   ? "+"
				   : d->b->state == NULL ? "-"
							 : " ",
				   "PORT", "STATE", "SERVICE", "VERSION" };

	table_add(&t, hdr);
	for (size_t i = 0; i < d->nports; i++) {
		const struct pdiff *p = &d->ports[i];
		char sa[32], sb[32], na[512], nb[512], va[1024], vb[1024];
		const char *ca[TCOLS], *cb[TCOLS];

		port_cols(&p->a, sa, na, va, ca, "-");
		port_cols(&p->b, sb, nb, vb, cb, "+");
		if (cols_eq(ca, cb)) {
			/* ndiff: only with -v (without, it fails here). */
			if (verbose) {
				ca[0] = " ";
				table_add(&t, ca);
			}
			continue;
		}
		if (!is_extra(d->a, p->a.state))
			table_add(&t, ca);
		if (!is_extra(d->b, p->b.state))
			table_add(&t, cb);
	}
	if (t.n > 1) {
		table_print(f, &t);
	} else {
		for (size_t r = 0; r < t.n; r++)
			for (int i = 0; i < TCOLS; i++)
				free(t.rows[r][i]);
		free(t.rows);
		free(t.ncols);
	}
}

static void print_host(FILE *f, const struct hdiff *d, int verbose)
{
	const struct dhost *a = d->a, *b = d->b;
	char name[4200], ex[1024];

	if (d->id_changed) {
		if (a->state) {
			format_name(a, name, sizeof(name));
			fprintf(f, "-%s:\n", name);
		}
		if (b->state) {
			format_name(b, name, sizeof(name));
			fprintf(f, "+%s:\n", name);
		}
	} else {
		format_name(a, name, sizeof(name));
		fprintf(f, " %s:\n", name);
	}
	if (d->state_changed) {
		if (a->state)
			fprintf(f, "-Host is %s.\n", a->state);
		if (b->state)
			fprintf(f, "+Host is %s.\n", b->state);
	} else if (verbose) {
		fprintf(f, " Host is %s.\n", b->state ? b->state : "None");
	}
	if (d->extra_changed) {
		if (a->nextra) {
			extra_string(a, ex, sizeof(ex));
			fprintf(f, "-Not shown: %s\n", ex);
		}
		if (b->nextra) {
			extra_string(b, ex, sizeof(ex));
			fprintf(f, "+Not shown: %s\n", ex);
		}
	} else if (verbose && a->nextra) {
		extra_string(a, ex, sizeof(ex));
		fprintf(f, " Not shown: %s\n", ex);
	}
	port_table(f, d, verbose);
	if (d->os_changed || verbose) {
		if (a->nos)
			fprintf(f, "%cOS details:\n", b->nos ? ' ' : '-');
		else if (b->nos)
			fputs("+OS details:\n", f);
		for (size_t i = 0; i < d->nos; i++) {
			const struct seq_op *o = &d->os[i];

			if (o->tag == 'r' || o->tag == 'd')
				for (size_t k = o->i1; k < o->i2; k++)
					fprintf(f, "-  %s\n", a->os[k]);
			if (o->tag == 'r' || o->tag == 'i')
				for (size_t k = o->j1; k < o->j2; k++)
					fprintf(f, "+  %s\n", b->os[k]);
			if (o->tag == 'e')
				for (size_t k = o->i1; k < o->i2; k++)
					fprintf(f, "   %s\n", a->os[k]);
		}
	}
}

/* host_pairs(): the sorted lists merged by id; a missing side is empty. */
typedef void (*pair_fn)(void *arg, struct hdiff *d);

static int each_pair(struct dscan *a, struct dscan *b, int verbose, pair_fn fn,
		     void *arg)
{
	static const struct dhost none;
	size_t i = 0, j = 0;
	int cost = 0;

	while (i < a->nhosts || j < b->nhosts) {
		const struct dhost *ha = &none, *hb = &none;
		struct hdiff d;
		int c;

		if (i < a->nhosts && j < b->nhosts)
			c = dhost_cmp(&a->hosts[i], &b->hosts[j]);
		else
			c = i < a->nhosts ? -1 : 1;
		if (c <= 0)
			ha = &a->hosts[i++];
		if (c >= 0)
			hb = &b->hosts[j++];
		host_diff(&d, ha, hb, verbose);
		cost += d.cost;
		if (d.cost > 0 || verbose)
			fn(arg, &d);
		hdiff_free(&d);
	}
	return cost;
}

struct text_arg {
	FILE *f;
	int verbose;
};

static void text_host(void *arg, struct hdiff *d)
{
	struct text_arg *t = arg;

	fputc('\n', t->f);
	print_host(t->f, d, t->verbose);
}

int diff_print_text(FILE *f, struct dscan *a, struct dscan *b, int verbose)
{
	char ba[8192], bb[8192];
	struct text_arg t = { f, verbose };

	dscan_sort(a);
	dscan_sort(b);
	banner(a, ba, sizeof(ba));
	banner(b, bb, sizeof(bb));
	if (strcmp(ba, bb) != 0)
		fprintf(f, "-%s\n+%s\n", ba, bb);
	else if (verbose)
		fprintf(f, " %s\n", ba);
	return each_pair(a, b, verbose, text_host, &t);
}

/* ---- NDJSON ---- */

static void json_str(FILE *f, const char *s)
{
	if (s == NULL) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static void json_scan(FILE *f, const char *side, const struct dscan *s)
{
	fprintf(f, "{\"type\":\"scan\",\"side\":\"%s\",\"scanner\":", side);
	json_str(f, s->scanner);
	fputs(",\"version\":", f);
	json_str(f, s->version);
	fputs(",\"args\":", f);
	json_str(f, s->args);
	if (s->start >= 0)
		fprintf(f, ",\"start\":%lld}\n", s->start);
	else
		fputs(",\"start\":null}\n", f);
}

static void json_port_side(FILE *f, const struct dhost *h,
			   const struct dport *p)
{
	if (p->state == NULL || is_extra(h, p->state)) {
		fputs("null", f);
		return;
	}
	fputs("{\"state\":", f);
	json_str(f, p->state);
	fputs(",\"service\":", f);
	json_str(f, p->svc.name);
	fputs(",\"product\":", f);
	json_str(f, p->svc.product);
	fputs(",\"version\":", f);
	json_str(f, p->svc.version);
	fputs(",\"extrainfo\":", f);
	json_str(f, p->svc.extrainfo);
	fputs(",\"tunnel\":", f);
	json_str(f, p->svc.tunnel);
	fputc('}', f);
}

/* What happened to a port: opened, closed, state or service. */
static const char *port_change(const struct pdiff *p)
{
	int oa = str_eq(p->a.state, "open"), ob = str_eq(p->b.state, "open");

	if (!oa && ob)
		return "opened";
	if (oa && !ob)
		return "closed";
	if (!str_eq(p->a.state, p->b.state))
		return "state";
	return p->cost ? "service" : "same";
}

static const char *host_addr(const struct hdiff *d)
{
	const struct dhost *h = d->a->state ? d->a : d->b;

	return h->naddrs ? h->addrs[0].s : h->nnames ? h->names[0] : "";
}

static void json_strlist(FILE *f, char *const *v, size_t n)
{
	fputc('[', f);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', f);
		json_str(f, v[i]);
	}
	fputc(']', f);
}

static void json_extra(FILE *f, const struct dhost *h)
{
	fputc('{', f);
	for (size_t i = 0; i < h->nextra; i++) {
		if (i)
			fputc(',', f);
		json_str(f, h->extra[i].state);
		fprintf(f, ":%lld", h->extra[i].count);
	}
	fputc('}', f);
}

struct json_arg {
	FILE *f;
	size_t hosts;
};

static void json_host(void *arg, struct hdiff *d)
{
	struct json_arg *j = arg;
	FILE *f = j->f;
	const char *addr = host_addr(d);
	char name[4200];

	j->hosts++;
	format_name(d->a->state ? d->a : d->b, name, sizeof(name));
	fputs("{\"type\":\"host\",\"host\":", f);
	json_str(f, addr);
	fputs(",\"name\":", f);
	json_str(f, name);
	fprintf(f, ",\"change\":\"%s\",\"state_a\":",
		!d->a->state       ? "added"
		: !d->b->state     ? "removed"
		: d->state_changed ? "state"
		: d->cost          ? "changed"
				   : "same");
	json_str(f, d->a->state);
	fputs(",\"state_b\":", f);
	json_str(f, d->b->state);
	fprintf(f, ",\"cost\":%d}\n", d->cost);
	for (size_t i = 0; i < d->nports; i++) {
		const struct pdiff *p = &d->ports[i];

		fputs("{\"type\":\"port\",\"host\":", f);
		json_str(f, addr);
		fprintf(f, ",\"port\":%d,\"protocol\":", p->a.port);
		json_str(f, p->a.proto);
		fprintf(f, ",\"change\":\"%s\",\"a\":", port_change(p));
		json_port_side(f, d->a, &p->a);
		fputs(",\"b\":", f);
		json_port_side(f, d->b, &p->b);
		fputs("}\n", f);
	}
	if (d->extra_changed) {
		fputs("{\"type\":\"extraports\",\"host\":", f);
		json_str(f, addr);
		fputs(",\"a\":", f);
		json_extra(f, d->a);
		fputs(",\"b\":", f);
		json_extra(f, d->b);
		fputs("}\n", f);
	}
	if (d->os_changed) {
		fputs("{\"type\":\"os\",\"host\":", f);
		json_str(f, addr);
		fputs(",\"a\":", f);
		json_strlist(f, d->a->os, d->a->nos);
		fputs(",\"b\":", f);
		json_strlist(f, d->b->os, d->b->nos);
		fputs("}\n", f);
	}
}

int diff_print_json(FILE *f, struct dscan *a, struct dscan *b, int verbose)
{
	struct json_arg j = { f, 0 };
	int cost;

	dscan_sort(a);
	dscan_sort(b);
	json_scan(f, "a", a);
	json_scan(f, "b", b);
	cost = each_pair(a, b, verbose, json_host, &j);
	fprintf(f,
		"{\"type\":\"end\",\"hosts\":%zu,\"cost\":%d,"
		"\"different\":%s}\n",
		j.hosts, cost, cost ? "true" : "false");
	return cost;
}
