/* osfp.c -- OS fingerprints: attribute sets, nmap's text form, the submission form. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fingerprints/osfp.h"

static const char *const test_names[OSFP_NTESTS] = {
	"SEQ", "OPS", "WIN", "ECN", "T1", "T2", "T3",
	"T4",  "T5",  "T6",  "T7",  "U1", "IE",
};

/*
 * nmap cuts the submission after every 72 characters and prefixes each
 * piece with "OS:" (75-character lines; checked against nmap 7.93's own
 * output in tests/data/os/).
 */
#define OSFP_WRAP 72

const char *osfp_test_name(int id)
{
	if (id < 0 || id >= OSFP_NTESTS)
		return NULL;
	return test_names[id];
}

int osfp_test_lookup(const char *name)
{
	for (int i = 0; i < OSFP_NTESTS; i++)
		if (strcmp(name, test_names[i]) == 0)
			return i;
	return -1;
}

void osfp_clear(struct osfp *fp)
{
	memset(fp, 0, sizeof(*fp));
}

void osfp_touch(struct osfp *fp, int id)
{
	if (id >= 0 && id < OSFP_NTESTS)
		fp->test[id].present = 1;
}

static struct osfp_attr *find_attr(struct osfp_test *t, const char *name)
{
	for (int i = 0; i < t->nattrs; i++)
		if (strcmp(t->attr[i].name, name) == 0)
			return &t->attr[i];
	return NULL;
}

/*
 * What a value may hold: printable ASCII without the separators, so that
 * every fingerprint prints and parses back to itself (no blank nmap
 * could print, no byte a line break or "OS:" wrap could lose).
 */
static int value_char(char c)
{
	return c > ' ' && c <= '~' && c != '%' && c != '(' && c != ')' &&
	       c != '=';
}

/* Stores a value that is already known to fit; -1 if the test is full. */
static int set_attr(struct osfp_test *t, const char *name, size_t namelen,
		    const char *value, size_t valuelen)
{
	char nbuf[OSFP_NAME_MAX];
	struct osfp_attr *a;

	if (namelen == 0 || namelen >= OSFP_NAME_MAX ||
	    valuelen >= OSFP_VALUE_MAX)
		return -1;
	memcpy(nbuf, name, namelen);
	nbuf[namelen] = '\0';
	a = find_attr(t, nbuf);
	if (a == NULL) {
		if (t->nattrs >= OSFP_MAX_ATTRS)
			return -1;
		a = &t->attr[t->nattrs++];
		memcpy(a->name, nbuf, namelen + 1);
	}
	memcpy(a->value, value, valuelen);
	a->value[valuelen] = '\0';
	t->present = 1;
	return 0;
}

int osfp_set(struct osfp *fp, int id, const char *name, const char *fmt, ...)
{
	char buf[OSFP_VALUE_MAX];
	va_list ap;
	int n;

	if (id < 0 || id >= OSFP_NTESTS || name == NULL)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -1;
	for (int i = 0; i < n; i++)
		if (!value_char(buf[i]))
			return -1;
	return set_attr(&fp->test[id], name, strlen(name), buf, (size_t)n);
}

const char *osfp_get(const struct osfp *fp, int id, const char *name)
{
	if (id < 0 || id >= OSFP_NTESTS)
		return NULL;
	const struct osfp_test *t = &fp->test[id];

	for (int i = 0; i < t->nattrs; i++)
		if (strcmp(t->attr[i].name, name) == 0)
			return t->attr[i].value;
	return NULL;
}

/* An snprintf-style appender: counts everything, stores what fits. */
struct sbuf {
	char *out;
	size_t cap;
	size_t len; /* needed so far */
};

static void sb_put(struct sbuf *sb, const char *s, size_t n)
{
	if (sb->len < sb->cap) {
		size_t room = sb->cap - sb->len - 1;
		size_t k = n < room ? n : room;

		memcpy(sb->out + sb->len, s, k);
		sb->out[sb->len + k] = '\0';
	}
	sb->len += n;
}

static void sb_str(struct sbuf *sb, const char *s)
{
	sb_put(sb, s, strlen(s));
}

static void sb_init(struct sbuf *sb, char *out, size_t cap)
{
	sb->out = out;
	sb->cap = cap;
	sb->len = 0;
	if (out != NULL && cap > 0)
		out[0] = '\0';
	else
		sb->cap = 0;
}

/* "T1(R=Y%DF=Y)"; nmap writes "T1()" never, but we keep it parseable. */
static void put_test(struct sbuf *sb, const struct osfp *fp, int id)
{
	const struct osfp_test *t = &fp->test[id];

	sb_str(sb, test_names[id]);
	sb_put(sb, "(", 1);
	for (int i = 0; i < t->nattrs; i++) {
		if (i > 0)
			sb_put(sb, "%", 1);
		sb_str(sb, t->attr[i].name);
		sb_put(sb, "=", 1);
		sb_str(sb, t->attr[i].value);
	}
	sb_put(sb, ")", 1);
}

size_t osfp_format(const struct osfp *fp, char *out, size_t outlen)
{
	struct sbuf sb;

	sb_init(&sb, out, outlen);
	for (int id = 0; id < OSFP_NTESTS; id++) {
		if (!fp->test[id].present)
			continue;
		put_test(&sb, fp, id);
		sb_put(&sb, "\n", 1);
	}
	return sb.len;
}

/*
 * The parser reads a stream of characters with their line numbers. In the
 * wrapped form ("OS:" lines) the line breaks and prefixes vanish, since
 * nmap cuts lines anywhere, even inside a name; in the plain form a line
 * break ends a test.
 */
struct pstream {
	char *c; /* characters */
	int *ln; /* their line numbers */
	size_t n;
	size_t i;
};

static int perr(char *err, size_t errlen, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int perr(char *err, size_t errlen, int line, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "line %d: %s", line, msg);
	return -1;
}

/* Builds the stream; -1 (with err) if the forms are mixed. */
static int build_stream(struct pstream *ps, const char *text, size_t len,
			char *err, size_t errlen)
{
	int wrapped = -1, line = 0;
	size_t pos = 0;

	ps->c = malloc(len + 2); /* a final line gains a '\n', then NUL */
	ps->ln = malloc((len + 2) * sizeof(int));
	ps->n = ps->i = 0;
	if (ps->c == NULL || ps->ln == NULL)
		return perr(err, errlen, 0, "out of memory");
	while (pos < len) {
		size_t s = pos, e;

		line++;
		while (pos < len && text[pos] != '\n')
			pos++;
		e = pos;
		if (pos < len)
			pos++; /* the '\n' */
		while (s < e && isspace((unsigned char)text[s]))
			s++;
		while (e > s && isspace((unsigned char)text[e - 1]))
			e--;
		if (s == e)
			continue;
		int w = e - s >= 3 && memcmp(text + s, "OS:", 3) == 0;

		if (wrapped == -1)
			wrapped = w;
		else if (wrapped != w)
			return perr(err, errlen, line,
				    w ? "\"OS:\" line in a plain fingerprint"
				      : "line without \"OS:\" in a "
					"submission");
		if (w)
			s += 3;
		for (size_t k = s; k < e; k++) {
			if (text[k] == '\0')
				return perr(err, errlen, line, "NUL byte");
			ps->c[ps->n] = text[k];
			ps->ln[ps->n++] = line;
		}
		if (!w) {
			ps->c[ps->n] = '\n';
			ps->ln[ps->n++] = line;
		}
	}
	ps->c[ps->n] = '\0';
	/* the end of the text belongs to its last non-blank line */
	ps->ln[ps->n] = ps->n > 0 ? ps->ln[ps->n - 1] : line > 0 ? line : 1;
	return 0;
}

static int is_name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/*
 * Reads a test's "NAME(" at ps->i into name (namelen bytes). Returns 0
 * with ps->i past the '(', or -1 with err.
 */
static int parse_test_name(struct pstream *ps, char *name, size_t namelen,
			   char *err, size_t errlen)
{
	size_t s = ps->i;
	int line = ps->ln[s];

	while (ps->i < ps->n && is_name_char(ps->c[ps->i]))
		ps->i++;
	if (ps->i == s || ps->i >= ps->n || ps->c[ps->i] != '(')
		return perr(err, errlen, line,
			    "expected a test such as SEQ(...)");
	if (ps->i - s >= namelen)
		return perr(err, errlen, line, "unknown test");
	memcpy(name, ps->c + s, ps->i - s);
	name[ps->i - s] = '\0';
	ps->i++; /* '(' */
	return 0;
}

/* Skips the body of SCAN(...): how the print was taken, not a test. */
static int skip_scan(struct pstream *ps, int line, char *err, size_t errlen)
{
	while (ps->i < ps->n && ps->c[ps->i] != ')' && ps->c[ps->i] != '\n')
		ps->i++;
	if (ps->i >= ps->n || ps->c[ps->i] != ')')
		return perr(err, errlen, line, "unterminated SCAN(");
	ps->i++;
	return 0;
}

/*
 * Parses one "NAME=value" of test t (called name) at ps->i and the '%'
 * or ')' after it. Returns 1 past a ')', 0 past a '%', or -1 with err.
 */
static int parse_attr(struct pstream *ps, struct osfp_test *t, const char *name,
		      char *err, size_t errlen)
{
	size_t ns = ps->i, vs, ve;
	int line = ps->ln[ps->i];
	char an[OSFP_NAME_MAX];

	while (ps->i < ps->n && is_name_char(ps->c[ps->i]))
		ps->i++;
	if (ps->i == ns || ps->c[ps->i] != '=')
		return perr(err, errlen, line, "expected NAME=value in %s(",
			    name);
	if (ps->i - ns >= OSFP_NAME_MAX)
		return perr(err, errlen, line, "attribute name too long in %s(",
			    name);
	vs = ++ps->i;
	while (ps->i < ps->n && value_char(ps->c[ps->i]))
		ps->i++;
	ve = ps->i;
	if (ps->i >= ps->n || ps->c[ps->i] == '\n')
		return perr(err, errlen, ps->ln[ps->i], "unterminated %s(",
			    name);
	if (ps->c[ps->i] == '(' || ps->c[ps->i] == '=')
		return perr(err, errlen, line, "stray '%c' in %s(",
			    ps->c[ps->i], name);
	if (ps->c[ps->i] != '%' && ps->c[ps->i] != ')')
		return perr(err, errlen, ps->ln[ps->i], "bad character in %s(",
			    name);
	if (ve - vs >= OSFP_VALUE_MAX)
		return perr(err, errlen, line, "value too long in %s(", name);
	memcpy(an, ps->c + ns, vs - 1 - ns);
	an[vs - 1 - ns] = '\0';
	if (find_attr(t, an) != NULL)
		return perr(err, errlen, line,
			    "attribute %s given twice in %s(", an, name);
	if (set_attr(t, an, vs - 1 - ns, ps->c + vs, ve - vs) < 0)
		return perr(err, errlen, line, "too many attributes in %s(",
			    name);
	return ps->c[ps->i++] == ')';
}

/* Parses one "NAME(a=b%...)" at ps->i into fp; 0 or -1 with err. */
static int parse_test(struct pstream *ps, struct osfp *fp, char *err,
		      size_t errlen)
{
	int line = ps->ln[ps->i];
	char name[8];
	int id, rc;
	struct osfp_test *t;

	if (parse_test_name(ps, name, sizeof(name), err, errlen) < 0)
		return -1;
	if (strcmp(name, "SCAN") == 0)
		return skip_scan(ps, line, err, errlen);
	id = osfp_test_lookup(name);
	if (id < 0)
		return perr(err, errlen, line, "unknown test %s", name);
	t = &fp->test[id];
	if (t->present)
		return perr(err, errlen, line, "test %s given twice", name);
	t->present = 1;
	if (ps->c[ps->i] == ')') {
		ps->i++;
		return 0;
	}
	do
		rc = parse_attr(ps, t, name, err, errlen);
	while (rc == 0);
	return rc < 0 ? -1 : 0;
}

int osfp_parse(struct osfp *fp, const char *text, size_t len, char *err,
	       size_t errlen)
{
	struct pstream ps;
	int rc = 0;

	osfp_clear(fp);
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	rc = build_stream(&ps, text, len, err, errlen);
	while (rc == 0 && ps.i < ps.n) {
		if (ps.c[ps.i] == '\n') {
			ps.i++;
			continue;
		}
		rc = parse_test(&ps, fp, err, errlen);
	}
	if (rc == 0) {
		int any = 0;

		for (int id = 0; id < OSFP_NTESTS; id++)
			any |= fp->test[id].present;
		if (!any)
			rc = perr(err, errlen, ps.ln[ps.n], "no tests");
	}
	free(ps.c);
	free(ps.ln);
	if (rc < 0)
		osfp_clear(fp);
	return rc;
}

/* The SCAN(...) line of a submission, from si, into tmp. */
static void scan_line(const struct osfp_scaninfo *si, char *tmp, size_t len)
{
	char num[3][16], dist[24] = "", dc[8] = "", mac[16] = "";
	struct tm tm;
	time_t when = si->when;

	if (localtime_r(&when, &tm) == NULL)
		memset(&tm, 0, sizeof(tm)), tm.tm_mon = -1;
	/* nmap leaves OT/CT/CU empty but drops DS, DC and M when unknown. */
	int ports[3] = { si->open_port, si->closed_port, si->closed_udp };

	for (int i = 0; i < 3; i++) {
		num[i][0] = '\0';
		if (ports[i] >= 0)
			snprintf(num[i], sizeof(num[i]), "%d", ports[i]);
	}
	if (si->distance >= 0)
		snprintf(dist, sizeof(dist), "%%DS=%d", si->distance);
	if (si->dist_method)
		snprintf(dc, sizeof(dc), "%%DC=%c", si->dist_method);
	if (si->mac_oui != NULL) {
		snprintf(mac, sizeof(mac), "%%M=%.6s", si->mac_oui);
		for (size_t k = 3; mac[k]; k++)
			mac[k] = (char)toupper((unsigned char)mac[k]);
	}
	snprintf(tmp, len,
		 "SCAN(V=%s%%E=4%%D=%d/%d%%OT=%s%%CT=%s%%CU=%s%%PV=%c%s%s"
		 "%%G=%c%s%%TM=%X%%P=%s)",
		 si->version ? si->version : "", tm.tm_mon + 1, tm.tm_mday,
		 num[0], num[1], num[2], si->private_addr ? 'Y' : 'N', dist, dc,
		 si->good ? 'Y' : 'N', mac, (unsigned int)si->when,
		 si->platform ? si->platform : "");
}

size_t osfp_format_submission(const struct osfp *fp,
			      const struct osfp_scaninfo *si, char *out,
			      size_t outlen)
{
	struct sbuf flat, sb;
	char tmp[256];
	char *text;
	size_t n;

	scan_line(si, tmp, sizeof(tmp));

	/* First the flat text, then cut it. */
	sb_init(&flat, NULL, 0);
	sb_str(&flat, tmp);
	for (int id = 0; id < OSFP_NTESTS; id++)
		if (fp->test[id].present)
			put_test(&flat, fp, id);
	n = flat.len;
	text = malloc(n + 1);
	if (text == NULL)
		abort(); /* fingerprints are a few hundred bytes */
	sb_init(&flat, text, n + 1);
	sb_str(&flat, tmp);
	for (int id = 0; id < OSFP_NTESTS; id++)
		if (fp->test[id].present)
			put_test(&flat, fp, id);

	sb_init(&sb, out, outlen);
	for (size_t off = 0; off < n; off += OSFP_WRAP) {
		size_t k = n - off < OSFP_WRAP ? n - off : OSFP_WRAP;

		sb_put(&sb, "OS:", 3);
		sb_put(&sb, text + off, k);
		sb_put(&sb, "\n", 1);
	}
	free(text);
	return sb.len;
}
