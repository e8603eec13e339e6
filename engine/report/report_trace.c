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

static size_t trace_rows(const struct trace_result *t, struct trow *rows)
{
	size_t n = 0;

	for (int i = 0; i < t->nhops; i++) {
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

void report_trace_normal(FILE *f, const struct trace_result *t)
{
	struct trow rows[TRACE_MAX_TTL];
	size_t n, whop = 3, wrtt = 3;
	const char *name;
	int num;

	if (t == NULL || t->nhops == 0)
		return;
	name = trace_proto_name(t, &num);
	if (t->kind == TRACE_TCP || t->kind == TRACE_UDP)
		fprintf(f, "\nTRACEROUTE (using port %u/%s)\n", t->port, name);
	else if (t->kind == TRACE_ICMP)
		fprintf(f, "\nTRACEROUTE (using proto %d/%s)\n", num, name);
	else
		fputs("\nTRACEROUTE\n", f);
	n = trace_rows(t, rows);
	/* nmap's table: each column as wide as its widest cell, one space
	 * between, no trailing blanks. */
	for (size_t i = 0; i < n; i++) {
		if (strlen(rows[i].hop) > whop)
			whop = strlen(rows[i].hop);
		if (strlen(rows[i].rtt) > wrtt) /* "... 30" counts too */
			wrtt = strlen(rows[i].rtt);
	}
	fprintf(f, "%-*s %-*s ADDRESS\n", (int)whop, "HOP", (int)wrtt, "RTT");
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
	fprintf(f, "{\"type\":\"trace\",\"ip\":\"%s\"", addr_format(&t->addr, a));
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
