/* merge_xml.c -- fathom merge's XML side (libxml2): shards' -oX in, one nmap.dtd document out. */
#include <stdlib.h>
#include <string.h>

#include "engine/merge/merge_int.h"
#include "engine/merge/xmllib.h"
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

/*
 * An attribute's text where the tree keeps it (nothing to free); NULL
 * when absent. The parser folds character references into one text
 * node; a value still split (an entity of the document's own) is NULL.
 */
static const char *prop(const xmlNode *n, const char *name)
{
	for (const xmlAttr *a = n ? n->properties : NULL; a; a = a->next) {
		const xmlNode *t = a->children;

		if (strcmp((const char *)a->name, name) != 0)
			continue;
		if (t == NULL)
			return "";
		return t->type == XML_TEXT_NODE && t->next == NULL
			       ? (const char *)t->content
			       : NULL;
	}
	return NULL;
}

/* An attribute as a number; 0 when absent or not one. */
static uint64_t attr_u64(const xmlNode *n, const char *name)
{
	const char *v = prop(n, name);
	uint64_t r = 0;

	if (v && parse_u64(v, UINT64_MAX, &r) < 0)
		r = 0;
	return r;
}

/* A <host>'s address (ipv4 or ipv6, not the MAC) and state. */
static int host_of(xmlNode *h, struct addr *a, int *up)
{
	const char *s = prop(child(h, "status"), "state");
	int rc = -1;

	*up = s && strcmp(s, "up") == 0;
	for (xmlNode *c = h->children; c && rc < 0; c = c->next) {
		const char *t, *v;

		if (!is_el(c, "address"))
			continue;
		t = prop(c, "addrtype");
		v = prop(c, "addr");
		if (t && v && strcmp(t, "mac") != 0)
			rc = addr_parse(v, a);
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
static int read_run(struct merge_doc *d, xmlNode *run, char *err, size_t errlen)
{
	xmlNode *rs = child(run, "runstats");
	const char *ex = NULL, *args;
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
			snprintf(err, errlen,
				 "line %ld: <host> without an IP "
				 "<address>",
				 (long)xmlGetLineNo(c));
			return -1;
		}
		merge_doc_add(d, &a, up, NULL, c)->seq = seq++;
	}
	args = prop(run, "args");
	d->cmdline = args ? xstrdup(args) : NULL;
	d->start = (time_t)attr_u64(run, "start");
	if (rs) {
		xmlNode *fin = child(rs, "finished");

		d->end = (time_t)attr_u64(fin, "time");
		d->total = attr_u64(child(rs, "hosts"), "total");
		ex = prop(fin, "exit");
	}
	d->finished = !partial && ex && strcmp(ex, "success") == 0;
	return 0;
}

int merge_parse_xml(struct merge_doc *d, const char *buf, size_t len, char *err,
		    size_t errlen)
{
	xmlDoc *doc;
	xmlNode *run;

	if (len > INT32_MAX) {
		snprintf(err, errlen, "too large");
		return -1;
	}
	if (xmllib_load(err, errlen) < 0)
		return -1;
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
	xmlDoc *out;
	xmlNode *run;
	int rc;

	if (xmllib_load(err, errlen) < 0)
		return -1;
	out = xmlCopyDoc(d0->xml, 1);
	run = out ? xmlDocGetRootElement(out) : NULL;
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
