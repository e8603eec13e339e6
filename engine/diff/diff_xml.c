/* diff_xml.c -- reads nmap XML (fathom's -oX or nmap's) into ndiff's model. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/diff/diff_int.h"
#include "netstack/base/util.h"

#define MAX_DEPTH 64
#define MAX_ATTRS 32

struct xattr {
	char *name, *value; /* value decoded */
};

/* The parser's state: what ndiff's content handler keeps. */
struct xp {
	struct dscan *scan;
	char *stack[MAX_DEPTH];
	int depth;
	struct dhost *host;
	struct dport *port;
	int skip; /* inside <hosthint> */
};

static const char *attr(const struct xattr *a, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(a[i].name, name) == 0)
			return a[i].value;
	return NULL;
}

/* Appends code point cp as UTF-8. */
static char *put_utf8(char *o, unsigned long cp)
{
	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xc0 | (cp >> 6));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xe0 | (cp >> 12));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*o++ = (char)(0xf0 | (cp >> 18));
		*o++ = (char)(0x80 | ((cp >> 12) & 0x3f));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	}
	return o;
}

/*
 * An attribute value: entities and character references decoded,
 * literal TAB/LF/CR as spaces (XML's attribute-value normalisation).
 * In place (the decoded text is never longer). -1 on a bad reference.
 */
static int decode(char *s)
{
	char *o = s;

	while (*s) {
		static const struct {
			const char *e;
			char c;
		} ent[] = { { "lt;", '<' },
			    { "gt;", '>' },
			    { "amp;", '&' },
			    { "quot;", '"' },
			    { "apos;", '\'' } };
		size_t k;

		if (*s != '&') {
			*o++ = (*s == '\t' || *s == '\n' || *s == '\r') ? ' '
									: *s;
			s++;
			continue;
		}
		s++;
		if (*s == '#') {
			int hex = s[1] == 'x';
			char *end;
			unsigned long cp =
				strtoul(s + 1 + hex, &end, hex ? 16 : 10);

			if (end == s + 1 + hex || *end != ';' || cp == 0 ||
			    cp > 0x10ffff)
				return -1;
			o = put_utf8(o, cp);
			s = end + 1;
			continue;
		}
		for (k = 0; k < sizeof(ent) / sizeof(*ent); k++)
			if (strncmp(s, ent[k].e, strlen(ent[k].e)) == 0)
				break;
		if (k == sizeof(ent) / sizeof(*ent))
			return -1;
		*o++ = ent[k].c;
		s += strlen(ent[k].e);
	}
	*o = '\0';
	return 0;
}

static const char *parent(const struct xp *p)
{
	return p->depth > 0 ? p->stack[p->depth - 1] : "";
}

/* <nmaprun>: the scan's start time, scanner, arguments and version. */
static void start_nmaprun(struct xp *p, const struct xattr *a, int n)
{
	const char *v;

	v = attr(a, n, "start");
	p->scan->start = v ? strtoll(v, NULL, 10) : -1;
	v = attr(a, n, "scanner");
	p->scan->scanner = v ? xstrdup(v) : NULL;
	v = attr(a, n, "args");
	p->scan->args = v ? xstrdup(v) : NULL;
	v = attr(a, n, "version");
	p->scan->version = v ? xstrdup(v) : NULL;
}

/* <address> of the current host; -1 with err for an unknown addrtype. */
static int start_address(struct xp *p, const struct xattr *a, int n, char *err,
			 size_t errlen)
{
	const char *t = attr(a, n, "addrtype"), *v;
	int type = !t || strcmp(t, "ipv4") == 0 ? DADDR_IPV4
		   : strcmp(t, "ipv6") == 0     ? DADDR_IPV6
		   : strcmp(t, "mac") == 0      ? DADDR_MAC
						: -1;

	if (type < 0) {
		snprintf(err, errlen, "unknown address type '%s'", t);
		return -1;
	}
	if ((v = attr(a, n, "addr")) != NULL)
		dhost_add_addr(p->host, type, v);
	return 0;
}

/* <port>: the current port, or none if its number or protocol is bad. */
static void start_port(struct xp *p, const struct xattr *a, int n)
{
	const char *id = attr(a, n, "portid");
	const char *proto = attr(a, n, "protocol");
	char *end;
	long port = id ? strtol(id, &end, 10) : -1;

	p->port = NULL;
	if (id && proto && *end == '\0' && port >= 0)
		p->port = dhost_set_port(p->host, (int)port, proto);
}

/* <service> of the current port: its fields, the last element's winning. */
static void start_service(struct xp *p, const struct xattr *a, int n)
{
	struct dservice *s = &p->port->svc;
	const char *f[5] = { "name", "product", "version", "extrainfo",
			     "tunnel" };
	char **to[5] = { &s->name, &s->product, &s->version, &s->extrainfo,
			 &s->tunnel };

	for (int k = 0; k < 5; k++) {
		const char *v = attr(a, n, f[k]);

		free(*to[k]);
		*to[k] = v ? xstrdup(v) : NULL;
	}
}

/* The elements inside a <host> that ndiff reads. */
static int start_in_host(struct xp *p, const char *name, const struct xattr *a,
			 int n, char *err, size_t errlen)
{
	const char *v;

	if (strcmp(name, "status") == 0) {
		if ((v = attr(a, n, "state")) != NULL) {
			free(p->host->state);
			p->host->state = xstrdup(v);
		}
	} else if (strcmp(name, "address") == 0) {
		return start_address(p, a, n, err, errlen);
	} else if (strcmp(name, "hostname") == 0) {
		if ((v = attr(a, n, "name")) != NULL &&
		    strcmp(parent(p), "hostnames") == 0)
			dhost_add_name(p->host, v);
	} else if (strcmp(name, "extraports") == 0) {
		v = attr(a, n, "count");
		dhost_set_extra(p->host, attr(a, n, "state"),
				v ? strtoll(v, NULL, 10) : 0);
	} else if (strcmp(name, "port") == 0) {
		start_port(p, a, n);
	} else if (strcmp(name, "state") == 0 && p->port) {
		if ((v = attr(a, n, "state")) != NULL) {
			free(p->port->state);
			p->port->state = xstrdup(v);
		}
	} else if (strcmp(name, "service") == 0 && p->port) {
		start_service(p, a, n);
	} else if (strcmp(name, "osmatch") == 0) {
		if ((v = attr(a, n, "name")) != NULL)
			dhost_add_os(p->host, v);
	}
	return 0;
}

/* ndiff's start handlers, for the elements it reads. */
static int start(struct xp *p, const char *name, const struct xattr *a, int n,
		 char *err, size_t errlen)
{
	if (strcmp(name, "hosthint") == 0)
		p->skip = 1;
	if (p->skip)
		return 0;
	if (strcmp(name, "nmaprun") == 0)
		start_nmaprun(p, a, n);
	else if (strcmp(name, "host") == 0)
		p->host = dscan_add_host(p->scan);
	else if (p->host != NULL)
		return start_in_host(p, name, a, n, err, errlen);
	return 0;
}

static void end(struct xp *p, const char *name)
{
	if (strcmp(name, "hosthint") == 0)
		p->skip = 0;
	else if (strcmp(name, "host") == 0)
		p->host = NULL;
	else if (strcmp(name, "port") == 0)
		p->port = NULL;
}

/* A port the document named without a <state> is not one (ndiff). */
static void drop_stateless(struct dscan *s)
{
	for (size_t i = 0; i < s->nhosts; i++) {
		struct dhost *h = &s->hosts[i];
		size_t n = 0;

		for (size_t k = 0; k < h->nports; k++) {
			struct dport *pt = &h->ports[k];

			if (pt->state) {
				h->ports[n++] = *pt;
				continue;
			}
			free(pt->proto);
			free(pt->svc.name);
			free(pt->svc.product);
			free(pt->svc.version);
			free(pt->svc.extrainfo);
			free(pt->svc.tunnel);
		}
		h->nports = n;
	}
}

/*
 * A closing tag at s ("/name ...>"): pops it and advances *pp past '>'.
 * -1 if it is unterminated or does not close the open element.
 */
static int close_tag(struct xp *p, char *s, char **pp)
{
	char *name, *close = strchr(s, '>');

	if (close == NULL)
		return -1;
	*close = '\0';
	name = s + 1;
	name[strcspn(name, " \t\r\n")] = '\0';
	if (p->depth == 0 || strcmp(p->stack[p->depth - 1], name))
		return -1;
	p->depth--;
	end(p, name);
	*pp = close + 1;
	return 0;
}

/* One tag at *pp (just after '<'); advances past '>'. */
static int tag(struct xp *p, char **pp, char *err, size_t errlen)
{
	char *s = *pp, *name;
	struct xattr a[MAX_ATTRS];
	int n = 0, empty = 0, rc = 0;

	if (*s == '/') {
		if (close_tag(p, s, pp) < 0)
			goto bad;
		return 0;
	}
	name = s;
	s += strcspn(s, " \t\r\n/>");
	if (*s == '\0')
		goto bad;
	while (1) {
		char q, *eq;

		while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
			*s++ = '\0';
		if (*s == '/' && s[1] == '>') {
			*s = '\0';
			empty = 1;
			s += 2;
			break;
		}
		if (*s == '>') {
			*s++ = '\0';
			break;
		}
		if (*s == '\0' || n == MAX_ATTRS)
			goto bad;
		eq = strchr(s, '=');
		if (eq == NULL || (eq[1] != '"' && eq[1] != '\''))
			goto bad;
		*eq = '\0';
		a[n].name = s;
		a[n].name[strcspn(a[n].name, " \t\r\n")] = '\0';
		q = eq[1];
		a[n].value = eq + 2;
		s = strchr(eq + 2, q);
		if (s == NULL)
			goto bad;
		*s++ = '\0';
		if (decode(a[n].value) < 0)
			goto bad;
		n++;
	}
	if (p->depth == MAX_DEPTH)
		goto bad;
	rc = start(p, name, a, n, err, errlen);
	p->stack[p->depth++] = name;
	if (empty) {
		p->depth--;
		end(p, name);
	}
	*pp = s;
	return rc;
bad:
	snprintf(err, errlen, "not well-formed XML near '%.20s'", *pp - 1);
	return -1;
}

/* Skips <?...?>, <!--...-->, <!DOCTYPE ...>, <![CDATA[...]]>. */
static char *skip_special(char *s)
{
	const char *e = s[1] == '?'                       ? "?>"
			: strncmp(s, "<!--", 4) == 0      ? "-->"
			: strncmp(s, "<![CDATA[", 9) == 0 ? "]]>"
							  : ">";
	char *x = strstr(s + 1, e);

	return x ? x + strlen(e) : NULL;
}

int diff_load_xml(const char *path, struct dscan *sc, char *err, size_t errlen)
{
	struct xp p = { .scan = sc };
	size_t n;
	char *buf = read_file(path, READ_MAX_LIST, &n, err, errlen), *s;
	int seen = 0;

	if (buf == NULL)
		return -1;
	sc->start = -1;
	for (s = buf; (s = strchr(s, '<')) != NULL;) {
		if (s[1] == '?' || s[1] == '!') {
			if ((s = skip_special(s)) == NULL)
				break;
			continue;
		}
		s++;
		if (tag(&p, &s, err, errlen) < 0)
			goto fail;
		seen = 1;
	}
	if (!seen || p.depth != 0) {
		snprintf(err, errlen, "%s",
			 seen ? "the XML document ends early"
			      : "not an XML document");
		goto fail;
	}
	if (sc->scanner == NULL && sc->args == NULL && sc->start < 0 &&
	    sc->nhosts == 0) {
		snprintf(err, errlen, "no <nmaprun> in the XML document");
		goto fail;
	}
	drop_stateless(sc);
	free(buf);
	return 0;
fail:
	free(buf);
	{
		char tmp[512];

		snprintf(tmp, sizeof(tmp), "%s: %s", path, err);
		snprintf(err, errlen, "%s", tmp);
	}
	return -1;
}
