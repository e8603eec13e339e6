/* resume.c -- what an interrupted run's output says is done (--resume). */
#include "config.h"

#include "engine/cli/resume.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/report/report.h"
#include "engine/report/report_xml.h"
#include "netstack/base/util.h"

enum {
	FMT_TEXT,
	FMT_XML,
	FMT_JSON
};

struct lineiter {
	const char *p, *end;
};

/* The next line without its newline; 0 at the end. */
static int next_line(struct lineiter *li, const char **line, size_t *n)
{
	const char *nl;

	if (li->p >= li->end)
		return 0;
	nl = memchr(li->p, '\n', (size_t)(li->end - li->p));
	*line = li->p;
	*n = nl ? (size_t)(nl - li->p) : (size_t)(li->end - li->p);
	li->p = nl ? nl + 1 : li->end;
	if (*n && (*line)[*n - 1] == '\r')
		(*n)--;
	return 1;
}

static int starts(const char *s, size_t n, const char *pfx)
{
	size_t k = strlen(pfx);

	return n >= k && memcmp(s, pfx, k) == 0;
}

/* Position of needle in s[0, n), or NULL. */
static const char *find(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	for (size_t i = 0; k <= n && i <= n - k; i++)
		if (memcmp(s + i, needle, k) == 0)
			return s + i;
	return NULL;
}

/* An address of either family from s[0, n): a -6 run's files too. */
static int addr_of(const char *s, size_t n, struct addr *out)
{
	char buf[ADDR_STRLEN];

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return addr_parse(buf, out);
}

/*
 * Host a is written. Counted once: a timed-out host takes two lines in a
 * row (-oN "Nmap scan report" then "Skipping host", -oG "Status: Up"
 * then "Status: Timeout"). Returns 1 when counted.
 */
static int done(struct resume_info *ri, const struct addr *a)
{
	if (ri->have_last && addr_eq(a, &ri->last))
		return 0;
	if (!ri->have_last || addr_cmp(a, &ri->last) > 0)
		ri->last = *a;
	ri->have_last = 1;
	ri->ndone++;
	return 1;
}

/* A host discovery found down (-v): done, but not a host up. */
static void done_down(struct resume_info *ri, const struct addr *a)
{
	if (done(ri, a))
		ri->ndone--;
}

/* A copy of s[0, n) with XML's entities and character references undone. */
static char *xml_text(const char *s, size_t n)
{
	char *out = xmalloc(n + 1), *o = out;

	for (size_t i = 0; i < n; i++) {
		static const struct {
			const char *ent;
			char c;
		} ents[] = {
			{ "&lt;", '<' },   { "&gt;", '>' },    { "&amp;", '&' },
			{ "&quot;", '"' }, { "&apos;", '\'' },
		};
		int hit = 0;

		if (s[i] != '&') {
			*o++ = s[i];
			continue;
		}
		for (size_t e = 0; e < sizeof(ents) / sizeof(*ents); e++) {
			size_t k = strlen(ents[e].ent);

			if (n - i >= k && memcmp(s + i, ents[e].ent, k) == 0) {
				*o++ = ents[e].c;
				i += k - 1;
				hit = 1;
				break;
			}
		}
		if (!hit && n - i > 3 && s[i + 1] == '#') {
			int hex = s[i + 2] == 'x';
			char *stop;
			unsigned long v =
				strtoul(s + i + 2 + hex, &stop, hex ? 16 : 10);

			if (*stop == ';' && v > 0 && v < 0x80) {
				*o++ = (char)v;
				i = (size_t)(stop - s);
				hit = 1;
			}
		}
		if (!hit)
			*o++ = '&';
	}
	*o = '\0';
	return out;
}

/* The JSON string starting after the quote at s, unescaped (ASCII). */
static char *json_text(const char *s, const char *end)
{
	char *out = xmalloc((size_t)(end - s) + 1), *o = out;

	for (; s < end && *s != '"'; s++) {
		if (*s != '\\' || s + 1 >= end) {
			*o++ = *s;
			continue;
		}
		s++;
		switch (*s) {
		case 'n':
			*o++ = '\n';
			break;
		case 't':
			*o++ = '\t';
			break;
		case 'u':
			if (end - s > 4) {
				char hex[5] = { s[1], s[2], s[3], s[4], 0 };
				unsigned long v = strtoul(hex, NULL, 16);

				*o++ = v > 0 && v < 0x80 ? (char)v : '?';
				s += 4;
			}
			break;
		default:
			*o++ = *s;
			break;
		}
	}
	*o = '\0';
	return out;
}

static void text_line(struct resume_info *ri, const char *l, size_t n,
		      int *partial)
{
	const char *p;
	struct addr a;

	if (starts(l, n, "# ") && (p = find(l, n, " scan initiated ")) &&
	    (p = find(p, n - (size_t)(p - l), " as: ")) && !ri->cmdline) {
		p += 5;
		ri->cmdline = xmalloc(n - (size_t)(p - l) + 1);
		memcpy(ri->cmdline, p, n - (size_t)(p - l));
		return;
	}
	if (n == strlen(REPORT_PARTIAL_LINE) &&
	    starts(l, n, REPORT_PARTIAL_LINE)) {
		*partial = 1;
		return;
	}
	if (starts(l, n, "# ") && find(l, n, " done at ")) {
		ri->finished = !*partial;
		*partial = 0;
		return;
	}
	ri->finished = 0;
	if (*partial)
		return;
	if (starts(l, n, "Nmap scan report for ")) {
		/* "for ADDR" or "for NAME (ADDR)" */
		const char *s = l + 21, *e = l + n;

		/* "for ADDR [host down...]" (-v after discovery) */
		if ((p = find(s, (size_t)(e - s), " [host down")) != NULL) {
			if (addr_of(s, (size_t)(p - s), &a) == 0)
				done_down(ri, &a);
			return;
		}
		if (e > s && e[-1] == ')' &&
		    (p = memchr(s, '(', (size_t)(e - s))))
			s = p + 1, e--;
		if (addr_of(s, (size_t)(e - s), &a) == 0)
			done(ri, &a);
	} else if (starts(l, n, "Host: ") && find(l, n, "\tStatus: ")) {
		const char *s = l + 6, *e = memchr(s, ' ', n - 6);

		if (e && addr_of(s, (size_t)(e - s), &a) == 0) {
			if (find(l, n, "\tStatus: Down"))
				done_down(ri, &a);
			else
				done(ri, &a);
		}
	} else if (starts(l, n, "Skipping host ") &&
		   find(l, n, " due to host timeout")) {
		const char *s = l + 14, *e = memchr(s, ' ', n - 14);

		if (e && addr_of(s, (size_t)(e - s), &a) == 0)
			done(ri, &a);
	}
}

static void xml_line(struct resume_info *ri, const char *l, size_t n,
		     int *partial, struct addr *cur, int *in_host, int *down)
{
	const char *p, *q;

	if (!ri->cmdline && (p = find(l, n, "<nmaprun ")) &&
	    (p = find(p, n - (size_t)(p - l), " args=\"")) &&
	    (q = memchr(p + 7, '"', n - (size_t)(p + 7 - l)))) {
		ri->cmdline = xml_text(p + 7, (size_t)(q - p - 7));
		return;
	}
	if (find(l, n, XML_PARTIAL_MARK)) {
		*partial = 1;
		return;
	}
	if (find(l, n, "<runstats>")) {
		ri->finished = !*partial && find(l, n, "exit=\"success\"");
		*partial = 0;
		return;
	}
	if (find(l, n, "<host") || find(l, n, "<task"))
		ri->finished = 0;
	if (find(l, n, "<host ") || find(l, n, "<host>")) {
		*in_host = 1;
		cur->family = 0; /* none yet */
	}
	if (*in_host && (p = find(l, n, "<address addr=\"")) &&
	    (find(l, n, "addrtype=\"ipv4\"") ||
	     find(l, n, "addrtype=\"ipv6\""))) {
		p += 15;
		q = memchr(p, '"', n - (size_t)(p - l));
		if (q)
			addr_of(p, (size_t)(q - p), cur);
	}
	/* A down host (discovery, -v): state before address, one line. */
	if (*in_host && find(l, n, "<status state=\"down\""))
		*down = 1;
	if (*in_host && find(l, n, "</host>")) {
		if (!*partial && cur->family != 0) {
			if (*down)
				done_down(ri, cur);
			else
				done(ri, cur);
		}
		*in_host = 0;
		*down = 0;
	}
}

static void json_line(struct resume_info *ri, const char *l, size_t n,
		      int *partial)
{
	const char *p;
	struct addr a;

	ri->finished = 0;
	if (starts(l, n, "{\"type\":\"begin\"")) {
		if (!ri->cmdline && (p = find(l, n, "\"args\":\"")))
			ri->cmdline = json_text(p + 8, l + n);
	} else if (starts(l, n, "{\"type\":\"interrupted\"")) {
		*partial = 1;
	} else if (starts(l, n, "{\"type\":\"end\"")) {
		ri->finished = !*partial &&
			       find(l, n, "\"exit\":\"success\"") != NULL;
		*partial = 0;
		return;
	} else if (starts(l, n, "{\"type\":\"host\"") && !*partial &&
		   (p = find(l, n, "\"ip\":\""))) {
		const char *s = p + 6, *e = memchr(s, '"', n - (size_t)(s - l));

		if (e && addr_of(s, (size_t)(e - s), &a) == 0) {
			if (find(l, n, "\"status\":\"down\""))
				done_down(ri, &a);
			else
				done(ri, &a);
		}
	}
}

int resume_parse(const char *buf, size_t len, struct resume_info *ri, char *err,
		 size_t errlen)
{
	struct lineiter li = { buf, buf + len };
	const char *l;
	size_t n;
	int fmt = -1, partial = 0, in_host = 0, down = 0;
	struct addr cur = { 0 }; /* family 0: no <address> in this <host> */

	memset(ri, 0, sizeof(*ri));
	while (next_line(&li, &l, &n)) {
		if (fmt < 0) {
			if (n == 0)
				continue;
			fmt = l[0] == '<'   ? FMT_XML
			      : l[0] == '{' ? FMT_JSON
					    : FMT_TEXT;
		}
		if (fmt == FMT_XML)
			xml_line(ri, l, n, &partial, &cur, &in_host, &down);
		else if (fmt == FMT_JSON)
			json_line(ri, l, n, &partial);
		else
			text_line(ri, l, n, &partial);
	}
	if (ri->cmdline == NULL || ri->cmdline[0] == '\0') {
		errf(err, errlen,
		     "no command line found (is it fathom's -oN, -oG, -oX or "
		     "-oJ output?)");
		resume_info_free(ri);
		return -1;
	}
	return 0;
}

void resume_info_free(struct resume_info *ri)
{
	free(ri->cmdline);
	memset(ri, 0, sizeof(*ri));
}

int resume_split(const char *cmdline, char ***argv)
{
	size_t n;
	char *block, *p;
	int argc = 0;

	while (*cmdline == ' ')
		cmdline++;
	/* The first word starts the block: free((*argv)[0]) frees it. */
	n = strlen(cmdline);
	block = xmalloc(n + 1);
	memcpy(block, cmdline, n + 1);
	*argv = xcalloc(n / 2 + 2, sizeof(**argv));
	for (p = block; *p;) {
		while (*p == ' ')
			*p++ = '\0';
		if (*p == '\0')
			break;
		(*argv)[argc++] = p;
		while (*p && *p != ' ')
			p++;
	}
	if (argc == 0)
		free(block);
	return argc;
}

long resume_xml_cut(const char *buf, size_t len)
{
	const char *start = NULL, *p, *end = buf + len, *cut;

	for (p = buf; (p = find(p, (size_t)(end - p), "<nmaprun ")); p++)
		start = p;
	if (start == NULL)
		return -1;
	cut = find(start, (size_t)(end - start), XML_PARTIAL_MARK);
	if (cut)
		return (long)(cut - buf);
	cut = NULL;
	for (p = start; (p = find(p, (size_t)(end - p), "<runstats>")); p++)
		cut = p;
	if (cut)
		return (long)(cut - buf);
	/* Cut off mid-write (killed): keep whole hosts and task lines. */
	for (p = start; (p = find(p, (size_t)(end - p), "</host>\n")); p++)
		cut = p + 8;
	if (cut == NULL) {
		p = find(start, (size_t)(end - start), "<debugging ");
		if (p == NULL ||
		    (p = memchr(p, '\n', (size_t)(end - p))) == NULL)
			return -1;
		cut = p + 1;
	}
	while (cut < end && starts(cut, (size_t)(end - cut), "<task")) {
		p = memchr(cut, '\n', (size_t)(end - cut));
		if (p == NULL)
			break;
		cut = p + 1;
	}
	return (long)(cut - buf);
}

int resume_load(const char *path, struct resume_info *ri, char ***argv,
		char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *buf, why[256];
	size_t n;
	int argc, rc;

	memset(ri, 0, sizeof(*ri));
	*argv = NULL;
	if (f == NULL) {
		errf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	buf = read_all(f, READ_MAX_LIST, &n);
	fclose(f);
	if (buf == NULL) {
		errf(err, errlen, "%s: cannot read: %s", path,
		     errno == EFBIG ? "larger than 1 GiB" : strerror(errno));
		return -1;
	}
	rc = resume_parse(buf, n, ri, why, sizeof(why));
	free(buf);
	if (rc < 0) {
		errf(err, errlen, "%s: %s", path, why);
		return -1;
	}
	argc = resume_split(ri->cmdline, argv);
	for (int i = 1; i < argc; i++) {
		if (strcmp((*argv)[i], "--resume") == 0 ||
		    strcmp((*argv)[i], "-resume") == 0) {
			errf(err, errlen,
			     "%s: its command line is itself a "
			     "--resume",
			     path);
			argc = 0;
		}
	}
	if (argc < 2) {
		if (argc == 1)
			errf(err, errlen,
			     "%s: no options or targets in its "
			     "command line",
			     path);
		if (argc > 0)
			free((*argv)[0]);
		free(*argv);
		*argv = NULL;
		resume_info_free(ri);
		return -1;
	}
	return argc;
}
