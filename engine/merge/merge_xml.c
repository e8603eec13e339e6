/* merge_xml.c -- fathom merge's XML side (libxml2): shards' -oX in, one nmap.dtd document out. */
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "engine/merge/merge_int.h"
#include "netstack/base/util.h"

#define SHARD_COMMENT " fathom-shard: "
#define PARTIAL_COMMENT " fathom: interrupted;"

static int is_el(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	       strcmp((const char *)n->name, name) == 0;
}

static xmlNode *child(const xmlNode *n, const char *name)
{
	for (xmlNode *c = n->children; c; c = c->next)
		if (is_el(c, name))
			return c;
	return NULL;
}

/* An attribute as a number; 0 when absent or not one. */
static uint64_t attr_u64(xmlNode *n, const char *name)
{
	xmlChar *v = n ? xmlGetProp(n, (const xmlChar *)name) : NULL;
	uint64_t r = 0;

	if (v && parse_u64((const char *)v, UINT64_MAX, &r) < 0)
		r = 0;
	xmlFree(v);
	return r;
}

/* A <host>'s address (ipv4 or ipv6, not the MAC) and state. */
static int host_of(xmlNode *h, struct addr *a, int *up)
{
	xmlNode *st = child(h, "status");
	xmlChar *s = st ? xmlGetProp(st, (const xmlChar *)"state") : NULL;
	int rc = -1;

	*up = s && strcmp((const char *)s, "up") == 0;
	xmlFree(s);
	for (xmlNode *c = h->children; c && rc < 0; c = c->next) {
		xmlChar *t, *v;

		if (!is_el(c, "address"))
			continue;
		t = xmlGetProp(c, (const xmlChar *)"addrtype");
		v = xmlGetProp(c, (const xmlChar *)"addr");
		if (t && v && strcmp((const char *)t, "mac") != 0)
			rc = addr_parse((const char *)v, a);
		xmlFree(t);
		xmlFree(v);
	}
	return rc;
}

/* The shard comment before <nmaprun>; 0, or -1 on a bad one. */
static int prolog_meta(struct merge_doc *d, xmlDoc *doc)
{
	for (xmlNode *c = doc->children; c; c = c->next) {
		const char *t = (const char *)c->content;
		size_t k = strlen(SHARD_COMMENT), n;

		if (c->type != XML_COMMENT_NODE || t == NULL ||
		    strncmp(t, SHARD_COMMENT, k) != 0)
			continue;
		n = strlen(t + k);
		while (n && t[k + n - 1] == ' ')
			n--;
		return merge_meta_parse(t + k, n, &d->meta);
	}
	return 0;
}

/* <nmaprun>'s hosts, up to an interruption mark; its runstats. */
static int read_run(struct merge_doc *d, xmlNode *run, char *err,
		    size_t errlen)
{
	xmlNode *rs = child(run, "runstats");
	xmlChar *ex = NULL, *args;
	int partial = 0;
	size_t seq = 0;

	for (xmlNode *c = run->children; c; c = c->next) {
		struct addr a;
		int up;

		if (c->type == XML_COMMENT_NODE && c->content &&
		    strncmp((const char *)c->content, PARTIAL_COMMENT,
			    strlen(PARTIAL_COMMENT)) == 0)
			partial = 1;
		if (!is_el(c, "host") || partial)
			continue;
		if (host_of(c, &a, &up) < 0) {
			snprintf(err, errlen, "line %ld: <host> without an IP "
					      "<address>",
				 (long)xmlGetLineNo(c));
			return -1;
		}
		merge_doc_add(d, &a, up, NULL, c)->seq = seq++;
	}
	args = xmlGetProp(run, (const xmlChar *)"args");
	d->cmdline = args ? xstrdup((const char *)args) : NULL;
	xmlFree(args);
	d->start = (time_t)attr_u64(run, "start");
	if (rs) {
		xmlNode *fin = child(rs, "finished");

		d->end = (time_t)attr_u64(fin, "time");
		d->total = attr_u64(child(rs, "hosts"), "total");
		ex = fin ? xmlGetProp(fin, (const xmlChar *)"exit") : NULL;
	}
	d->finished = !partial && ex && strcmp((const char *)ex, "success") == 0;
	xmlFree(ex);
	return 0;
}

int merge_parse_xml(struct merge_doc *d, const char *buf, size_t len,
		    char *err, size_t errlen)
{
	xmlDoc *doc;
	xmlNode *run;

	if (len > INT32_MAX) {
		snprintf(err, errlen, "too large");
		return -1;
	}
	/* No network, no entities from outside, no DTD loading. */
	doc = xmlReadMemory(buf, (int)len, d->name, NULL,
			    XML_PARSE_NONET | XML_PARSE_NOBLANKS |
				    XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
				    XML_PARSE_HUGE);
	if (doc == NULL) {
		const xmlError *e = xmlGetLastError();

		snprintf(err, errlen, "not well-formed XML%s%.*s",
			 e && e->message ? ": " : "",
			 e && e->message ? (int)strcspn(e->message, "\n") : 0,
			 e && e->message ? e->message : "");
		return -1;
	}
	d->xml = doc;
	run = xmlDocGetRootElement(doc);
	if (run == NULL || !is_el(run, "nmaprun")) {
		snprintf(err, errlen, "no <nmaprun>: not nmap or fathom XML");
		return -1;
	}
	if (prolog_meta(d, doc) < 0) {
		snprintf(err, errlen, "bad fathom-shard comment");
		return -1;
	}
	return read_run(d, run, err, errlen);
}

/* Drops everything under <nmaprun> but what nmap.dtd puts first. */
static void keep_preamble(xmlNode *run)
{
	xmlNode *c = run->children, *next;

	for (; c; c = next) {
		next = c->next;
		if (is_el(c, "scaninfo") || is_el(c, "verbose") ||
		    is_el(c, "debugging"))
			continue;
		xmlUnlinkNode(c);
		xmlFreeNode(c);
	}
}

static void set_u64(xmlNode *n, const char *name, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	xmlSetProp(n, (const xmlChar *)name, (const xmlChar *)buf);
}

static void set_when(xmlNode *n, const char *name, time_t t)
{
	char buf[64];
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%a %b %e %H:%M:%S %Y", &tm);
	xmlSetProp(n, (const xmlChar *)name, (const xmlChar *)buf);
}

static void add_runstats(xmlNode *run, const struct merge_sum *sum)
{
	xmlNode *rs = xmlNewChild(run, NULL, (const xmlChar *)"runstats", NULL);
	xmlNode *fin = xmlNewChild(rs, NULL, (const xmlChar *)"finished", NULL);
	xmlNode *h = xmlNewChild(rs, NULL, (const xmlChar *)"hosts", NULL);
	char what[160], line[256], el[32], tm[64];
	struct tm t;

	set_u64(fin, "time", (uint64_t)sum->end);
	set_when(fin, "timestr", sum->end);
	localtime_r(&sum->end, &t);
	strftime(tm, sizeof(tm), "%a %b %e %H:%M:%S %Y", &t);
	merge_summary(sum, what, sizeof(what));
	snprintf(line, sizeof(line), "fathom done at %s; %s", tm, what);
	xmlSetProp(fin, (const xmlChar *)"summary", (const xmlChar *)line);
	snprintf(el, sizeof(el), "%.2f", difftime(sum->end, sum->start));
	xmlSetProp(fin, (const xmlChar *)"elapsed", (const xmlChar *)el);
	xmlSetProp(fin, (const xmlChar *)"exit", (const xmlChar *)"success");
	set_u64(h, "up", sum->up);
	set_u64(h, "down", sum->total - sum->up);
	set_u64(h, "total", sum->total);
}

/* The prolog's shard comment becomes the merge's. */
static void prolog_merge(xmlDoc *doc, const struct merge_sum *sum)
{
	char meta[200], text[224];

	merge_meta_line(sum->meta, meta, sizeof(meta));
	snprintf(text, sizeof(text), " fathom-merge: %s ", meta);
	for (xmlNode *c = doc->children; c; c = c->next)
		if (c->type == XML_COMMENT_NODE && c->content &&
		    strncmp((const char *)c->content, SHARD_COMMENT,
			    strlen(SHARD_COMMENT)) == 0)
			xmlNodeSetContent(c, (const xmlChar *)text);
}

int merge_write_xml(const char *path, const struct merge_doc *d0,
		    struct merge_host *const *h, size_t n,
		    const struct merge_sum *sum, char *err, size_t errlen)
{
	xmlDoc *out = xmlCopyDoc(d0->xml, 1);
	xmlNode *run = out ? xmlDocGetRootElement(out) : NULL;
	int rc;

	if (run == NULL) {
		snprintf(err, errlen, "out of memory");
		xmlFreeDoc(out);
		return -1;
	}
	keep_preamble(run);
	prolog_merge(out, sum);
	set_u64(run, "start", (uint64_t)sum->start);
	set_when(run, "startstr", sum->start);
	for (size_t i = 0; i < n; i++)
		xmlAddChild(run, xmlDocCopyNode(h[i]->node, out, 1));
	add_runstats(run, sum);
	rc = strcmp(path, "-") == 0
		     ? xmlSaveFormatFileEnc("-", out, "UTF-8", 1)
		     : xmlSaveFormatFileEnc(path, out, "UTF-8", 1);
	xmlFreeDoc(out);
	if (rc < 0) {
		snprintf(err, errlen, "cannot write %s", path);
		return -1;
	}
	return 0;
}

void merge_xml_free(void *xml)
{
	if (xml)
		xmlFreeDoc(xml);
}
