/* report_trace.c -- a host's traceroute: nmap's normal, XML and NDJSON. */
#include "engine/report/report_trace.h"

#include <string.h>

#include "engine/trace/trace.h"

/* "0.05 ms", or nmap's "--" when the RTT is unknown. */
static void rtt_text(const struct trace_hop *h, char *buf, size_t len)
{
	if (h->rtt_us < 0)
		snprintf(buf, len, "--");
	else
		snprintf(buf, len, "%.2f ms", h->rtt_us / 1000.0);
}

/* The table's rows as cells: silent runs folded into "N ... M". */
struct trow {
	char hop[8], rtt[32], addr[ADDR_STRLEN];
};

static size_t trace_rows(const struct trace_result *t, int from,
			 struct trow *rows)
{
	size_t n = 0;

	for (int i = from; i < t->nhops; i++) {
		const struct trace_hop *h = &t->hop[i];
		struct trow *r = &rows[n++];

		memset(r, 0, sizeof(*r));
		snprintf(r->hop, sizeof(r->hop), "%u", h->ttl);
		if (!h->timedout) {
			rtt_text(h, r->rtt, sizeof(r->rtt));
			addr_format(&h->addr, r->addr);
			continue;
		}
		while (i + 1 < t->nhops && t->hop[i + 1].timedout)
			i++;
		if (t->hop[i].ttl == h->ttl)
			snprintf(r->rtt, sizeof(r->rtt), "...");
		else
			snprintf(r->rtt, sizeof(r->rtt), "... %u",
				 t->hop[i].ttl);
	}
	return n;
}

/* How many first hops x and t share (answered, same address), at most
 * t's hops but its last (the host itself is never shared). */
static int shared(const struct trace_result *t, const struct trace_result *x)
{
	int k = 0;

	if (x->kind == TRACE_NONE) /* not traced (on the link): no hops */
		return 0;
	while (k < t->nhops - 1 && k < x->nhops && !t->hop[k].timedout &&
	       !x->hop[k].timedout && addr_eq(&t->hop[k].addr, &x->hop[k].addr))
		k++;
	return k;
}

/*
 * nmap's "Hops 1-k are the same as for X": the longest first stretch of
 * t's path another traced host shares, credited to the host with the
 * fewest hops that has it (lowest address on a tie), so the credit
 * always points at a host that lists those hops or credits them on.
 * 0 when t is that host itself, or shares nothing.
 */
static int shared_with(const struct trace_result *t,
		       const struct trace_results *all,
		       const struct trace_result **owner)
{
	int k = 0;

	*owner = t;
	for (size_t i = 0; all && i < all->n; i++)
		if (&all->r[i] != t && shared(t, &all->r[i]) > k)
			k = shared(t, &all->r[i]);
	for (size_t i = 0; k && i < all->n; i++) {
		const struct trace_result *x = &all->r[i];

		if (x != t && shared(t, x) >= k &&
		    (x->nhops < (*owner)->nhops ||
		     (x->nhops == (*owner)->nhops &&
		      addr_cmp(&x->addr, &(*owner)->addr) < 0)))
			*owner = x;
	}
	return *owner == t ? 0 : k;
}

void report_trace_normal(FILE *f, const struct trace_result *t,
			 const struct trace_results *all)
{
	struct trow rows[TRACE_MAX_TTL];
	const struct trace_result *owner;
	size_t n, whop = 3, wrtt = 3;
	const char *name;
	int num, k;

	if (t == NULL || t->nhops == 0)
		return;
	name = trace_proto_name(t, &num);
	if (t->kind == TRACE_TCP || t->kind == TRACE_UDP)
		fprintf(f, "\nTRACEROUTE (using port %u/%s)\n", t->port, name);
	else if (t->kind == TRACE_ICMP)
		fprintf(f, "\nTRACEROUTE (using proto %d/%s)\n", num, name);
	else
		fputs("\nTRACEROUTE\n", f);
	k = shared_with(t, all, &owner);
	n = trace_rows(t, k, rows);
	/* nmap's table: each column as wide as its widest cell, one space
	 * between, no trailing blanks. */
	for (size_t i = 0; i < n; i++) {
		if (strlen(rows[i].hop) > whop)
			whop = strlen(rows[i].hop);
		if (strlen(rows[i].rtt) > wrtt) /* "... 30" counts too */
			wrtt = strlen(rows[i].rtt);
	}
	fprintf(f, "%-*s %-*s ADDRESS\n", (int)whop, "HOP", (int)wrtt, "RTT");
	if (k) { /* a row of its own: the columns' widths ignore it */
		char a[ADDR_STRLEN];

		addr_format(&owner->addr, a);
		if (k == 1)
			fprintf(f, "%-*s Hop 1 is the same as for %s\n",
				(int)whop, "-", a);
		else
			fprintf(f, "%-*s Hops 1-%d are the same as for %s\n",
				(int)whop, "-", k, a);
	}
	for (size_t i = 0; i < n; i++) {
		if (rows[i].addr[0])
			fprintf(f, "%-*s %-*s %s\n", (int)whop, rows[i].hop,
				(int)wrtt, rows[i].rtt, rows[i].addr);
		else
			fprintf(f, "%-*s %s\n", (int)whop, rows[i].hop,
				rows[i].rtt);
	}
}

void report_trace_xml(FILE *f, const struct trace_result *t)
{
	const char *name;
	int num;

	if (t == NULL || t->nhops == 0)
		return;
	name = trace_proto_name(t, &num);
	fputs("<trace", f);
	if (t->kind == TRACE_TCP || t->kind == TRACE_UDP)
		fprintf(f, " port=\"%u\"", t->port);
	if (name)
		fprintf(f, " proto=\"%s\"", name);
	fputs(">\n", f);
	for (int i = 0; i < t->nhops; i++) {
		const struct trace_hop *h = &t->hop[i];
		char a[ADDR_STRLEN];

		if (h->timedout)
			continue;
		fprintf(f, "<hop ttl=\"%u\" ipaddr=\"%s\"", h->ttl,
			addr_format(&h->addr, a));
		if (h->rtt_us < 0)
			fputs(" rtt=\"--\"", f);
		else
			fprintf(f, " rtt=\"%.2f\"", h->rtt_us / 1000.0);
		fputs("/>\n", f);
	}
	fputs("</trace>\n", f);
}

void report_trace_json(FILE *f, const struct trace_result *t)
{
	char a[ADDR_STRLEN];
	const char *name;
	int num;

	if (t == NULL || t->nhops == 0)
		return;
	name = trace_proto_name(t, &num);
	fprintf(f, "{\"type\":\"trace\",\"ip\":\"%s\"",
		addr_format(&t->addr, a));
	if (t->kind == TRACE_TCP || t->kind == TRACE_UDP)
		fprintf(f, ",\"port\":%u", t->port);
	else
		fputs(",\"port\":null", f);
	if (name)
		fprintf(f, ",\"proto\":\"%s\"", name);
	else
		fputs(",\"proto\":null", f);
	fputs(",\"hops\":[", f);
	for (int i = 0; i < t->nhops; i++) {
		const struct trace_hop *h = &t->hop[i];

		fprintf(f, "%s{\"ttl\":%u,", i ? "," : "", h->ttl);
		if (h->timedout)
			fputs("\"ip\":null,\"rtt_ms\":null}", f);
		else if (h->rtt_us < 0)
			fprintf(f, "\"ip\":\"%s\",\"rtt_ms\":null}",
				addr_format(&h->addr, a));
		else
			fprintf(f, "\"ip\":\"%s\",\"rtt_ms\":%.2f}",
				addr_format(&h->addr, a), h->rtt_us / 1000.0);
	}
	fputs("]}\n", f);
}
