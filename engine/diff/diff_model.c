/* diff_model.c -- ndiff's scan model: building it, freeing it, its order. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "engine/diff/diff_int.h"
#include "netstack/base/util.h"

#define GROW(arr, n) ((arr) = xrealloc((arr), ((n) + 1) * sizeof(*(arr))))

struct dhost *dscan_add_host(struct dscan *s)
{
	GROW(s->hosts, s->nhosts);
	memset(&s->hosts[s->nhosts], 0, sizeof(*s->hosts));
	return &s->hosts[s->nhosts++];
}

void dhost_add_addr(struct dhost *h, int type, const char *s)
{
	for (size_t i = 0; i < h->naddrs; i++)
		if (h->addrs[i].type == type && strcmp(h->addrs[i].s, s) == 0)
			return;
	GROW(h->addrs, h->naddrs);
	h->addrs[h->naddrs].type = type;
	h->addrs[h->naddrs++].s = xstrdup(s);
}

void dhost_add_name(struct dhost *h, const char *name)
{
	for (size_t i = 0; i < h->nnames; i++)
		if (strcmp(h->names[i], name) == 0)
			return;
	GROW(h->names, h->nnames);
	h->names[h->nnames++] = xstrdup(name);
}

static void svc_free(struct dservice *s)
{
	free(s->name);
	free(s->product);
	free(s->version);
	free(s->extrainfo);
	free(s->tunnel);
	memset(s, 0, sizeof(*s));
}

struct dport *dhost_set_port(struct dhost *h, int port, const char *proto)
{
	struct dport *p = NULL;

	for (size_t i = 0; i < h->nports && !p; i++)
		if (h->ports[i].port == port &&
		    strcmp(h->ports[i].proto, proto) == 0)
			p = &h->ports[i];
	if (p) {
		free(p->state);
		free(p->proto);
		svc_free(&p->svc);
	} else {
		GROW(h->ports, h->nports);
		p = &h->ports[h->nports++];
	}
	memset(p, 0, sizeof(*p));
	p->port = port;
	p->proto = xstrdup(proto);
	return p;
}

/* A Python dict's update: a known state keeps its place. */
void dhost_set_extra(struct dhost *h, const char *state, long long count)
{
	const char *st = state ? state : "unknown";

	for (size_t i = 0; i < h->nextra; i++)
		if (strcmp(h->extra[i].state, st) == 0) {
			h->extra[i].count = count;
			return;
		}
	GROW(h->extra, h->nextra);
	h->extra[h->nextra].state = xstrdup(st);
	h->extra[h->nextra++].count = count;
}

void dhost_add_os(struct dhost *h, const char *name)
{
	GROW(h->os, h->nos);
	h->os[h->nos++] = xstrdup(name);
}

void dscan_free(struct dscan *s)
{
	for (size_t i = 0; i < s->nhosts; i++) {
		struct dhost *h = &s->hosts[i];

		free(h->state);
		for (size_t k = 0; k < h->naddrs; k++)
			free(h->addrs[k].s);
		for (size_t k = 0; k < h->nnames; k++)
			free(h->names[k]);
		for (size_t k = 0; k < h->nports; k++) {
			free(h->ports[k].proto);
			free(h->ports[k].state);
			svc_free(&h->ports[k].svc);
		}
		for (size_t k = 0; k < h->nextra; k++)
			free(h->extra[k].state);
		for (size_t k = 0; k < h->nos; k++)
			free(h->os[k]);
		free(h->addrs);
		free(h->names);
		free(h->ports);
		free(h->extra);
		free(h->os);
		free(h->id);
	}
	free(s->hosts);
	free(s->scanner);
	free(s->version);
	free(s->args);
	memset(s, 0, sizeof(*s));
}

/* ---- ndiff's order of things ---- */

int daddr_cmp(const void *x, const void *y)
{
	const struct daddr *a = x, *b = y;

	if (a->type != b->type)
		return a->type - b->type;
	return strcmp(a->s, b->s);
}

static int str_cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

int dport_cmp(const void *x, const void *y)
{
	const struct dport *a = x, *b = y;

	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return strcmp(a->proto, b->proto);
}

/* Host.get_id(): "%-40s" of the least address, then the least name. */
static void host_prepare(struct dhost *h)
{
	char id[1024];

	/* qsort() of NULL (an empty list) is undefined, even for 0 items. */
	if (h->naddrs)
		qsort(h->addrs, h->naddrs, sizeof(*h->addrs), daddr_cmp);
	if (h->nnames)
		qsort(h->names, h->nnames, sizeof(*h->names), str_cmp);
	if (h->nports)
		qsort(h->ports, h->nports, sizeof(*h->ports), dport_cmp);
	if (h->naddrs)
		snprintf(id, sizeof(id), "%-40s%s", h->addrs[0].s,
			 h->nnames ? h->names[0] : "");
	else
		snprintf(id, sizeof(id), "%40s%s", "",
			 h->nnames ? h->names[0] : "");
	free(h->id);
	h->id = xstrdup(id);
}

int dhost_cmp(const void *x, const void *y)
{
	return strcmp(((const struct dhost *)x)->id,
		      ((const struct dhost *)y)->id);
}

void dscan_sort(struct dscan *s)
{
	for (size_t i = 0; i < s->nhosts; i++)
		host_prepare(&s->hosts[i]);
	/* Python's sort is stable; ties keep document order. */
	for (size_t i = 1; i < s->nhosts; i++)
		for (size_t j = i;
		     j > 0 && dhost_cmp(&s->hosts[j - 1], &s->hosts[j]) > 0;
		     j--) {
			struct dhost t = s->hosts[j];

			s->hosts[j] = s->hosts[j - 1];
			s->hosts[j - 1] = t;
		}
}
