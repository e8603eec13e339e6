/* svcmatch.c -- runs match lines on responses and expands their templates. */
#include "probes/svcmatch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netstack/base/util.h"

#define TV_MAX_ARGS 5
#define TV_STR_MAX 128 /* nmap's SUBSTARGS_STRLEN, NUL included */

/* nmap's result buffers, NUL included: the limits of each field. */
#define CAP_FIELD 80
#define CAP_INFO 256
#define CAP_TYPE 32
#define CAP_CPE 80

/* Section 5.4 of the CPE 2.2 spec: bytes percent-encoded in a CPE. */
static const char cpe_reserved[] = ":/?#[]@!$&'()*+,;=%<>\"";

enum tv_cmd {
	TV_GROUP,
	TV_PRINT,
	TV_SUBST,
	TV_INT
};

/* One parsed "$..." substitution. */
struct tvar {
	enum tv_cmd cmd;
	unsigned group;
	uint8_t find[TV_STR_MAX], repl[TV_STR_MAX];
	size_t findlen, repllen;
	int big; /* $I byte order */
};

struct targs {
	int n;
	int isstr[TV_MAX_ARGS];
	unsigned num[TV_MAX_ARGS];
	uint8_t str[TV_MAX_ARGS][TV_STR_MAX];
	size_t len[TV_MAX_ARGS];
};

static int c_isdigit(int c)
{
	return c >= '0' && c <= '9';
}

static int c_isalpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* C-locale isspace: what nmap trims and what CPE text turns into '_'. */
static int c_isspace(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* The arguments of $NAME(...), s just past the '('. */
static int targs_parse(const char *s, struct targs *a, const char **end,
		       char *why, size_t whylen)
{
	memset(a, 0, sizeof(*a));
	for (;;) {
		s = skip_ws(s);
		if (*s == ')')
			break;
		if (a->n == TV_MAX_ARGS) {
			errf(why, whylen, "more than %d arguments",
			     TV_MAX_ARGS);
			return -1;
		}
		if (*s == '"') {
			const char *start = ++s;
			char sub[96];

			while (*s && *s != '"')
				s += (s[0] == '\\' && s[1]) ? 2 : 1;
			if (*s != '"') {
				errf(why, whylen, "unterminated string");
				return -1;
			}
			if ((size_t)(s - start) >= TV_STR_MAX - 1) {
				errf(why, whylen, "string argument too long");
				return -1;
			}
			if (svc_unescape(start, (size_t)(s - start),
					 a->str[a->n], &a->len[a->n], sub,
					 sizeof(sub)) < 0) {
				errf(why, whylen, "string argument: %s", sub);
				return -1;
			}
			a->isstr[a->n] = 1;
			s++;
		} else if (c_isdigit(*s)) {
			unsigned v = 0;

			for (; c_isdigit(*s); s++) {
				v = v * 10 + (unsigned)(*s - '0');
				if (v > 999) {
					errf(why, whylen, "number too large");
					return -1;
				}
			}
			a->num[a->n] = v;
		} else {
			errf(why, whylen, "bad argument near '%.8s'", s);
			return -1;
		}
		a->n++;
		s = skip_ws(s);
		if (*s == ',') {
			s++;
		} else if (*s != ')') {
			errf(why, whylen, "expected ',' or ')'");
			return -1;
		}
	}
	*end = s + 1;
	return 0;
}

/* Parses the substitution starting at the '$' s points to. */
static int tvar_parse(const char *s, struct tvar *v, const char **end,
		      char *why, size_t whylen)
{
	struct targs a;
	const char *name = ++s;
	size_t namelen;

	memset(v, 0, sizeof(*v));
	if (c_isdigit(*s)) {
		if (*s == '0') {
			errf(why, whylen, "$0 is not a capture group");
			return -1;
		}
		v->cmd = TV_GROUP;
		v->group = (unsigned)(*s - '0');
		*end = s + 1;
		return 0;
	}
	while (c_isalpha(*s))
		s++;
	namelen = (size_t)(s - name);
	if (namelen == 0 || *s != '(') {
		errf(why, whylen, "bad substitution '$%.*s'",
		     (int)(namelen ? namelen : 1), name);
		return -1;
	}
	if (targs_parse(s + 1, &a, end, why, whylen) < 0)
		return -1;
	if (namelen == 1 && name[0] == 'P') {
		v->cmd = TV_PRINT;
		if (a.n != 1 || a.isstr[0])
			goto usage;
	} else if (namelen == 5 && strncmp(name, "SUBST", 5) == 0) {
		v->cmd = TV_SUBST;
		if (a.n != 3 || a.isstr[0] || !a.isstr[1] || !a.isstr[2])
			goto usage;
		if (a.len[1] == 0) {
			/* nmap would loop forever on an empty needle. */
			errf(why, whylen, "$SUBST with an empty search string");
			return -1;
		}
		memcpy(v->find, a.str[1], a.len[1]);
		v->findlen = a.len[1];
		memcpy(v->repl, a.str[2], a.len[2]);
		v->repllen = a.len[2];
	} else if (namelen == 1 && name[0] == 'I') {
		v->cmd = TV_INT;
		if (a.n != 2 || a.isstr[0] || !a.isstr[1] || a.len[1] != 1 ||
		    (a.str[1][0] != '<' && a.str[1][0] != '>'))
			goto usage;
		v->big = a.str[1][0] == '>';
	} else {
		errf(why, whylen, "unknown substitution '$%.*s'", (int)namelen,
		     name);
		return -1;
	}
	v->group = a.num[0];
	if (v->group < 1 || v->group > 9) {
		errf(why, whylen, "group %u is not 1-9", v->group);
		return -1;
	}
	return 0;
usage:
	errf(why, whylen, "bad arguments to '$%.*s' (want %s)", (int)namelen,
	     name,
	     v->cmd == TV_PRINT   ? "$P(n)"
	     : v->cmd == TV_SUBST ? "$SUBST(n,\"find\",\"replace\")"
				  : "$I(n,\">\") or $I(n,\"<\")");
	return -1;
}

static int svc_template_check(const char *tmpl, uint32_t ncaptures, char *why,
			      size_t whylen)
{
	struct tvar v;
	const char *s = tmpl;

	while ((s = strchr(s, '$')) != NULL) {
		if (tvar_parse(s, &v, &s, why, whylen) < 0)
			return -1;
		if (v.group > ncaptures) {
			errf(why, whylen, "$%u but the regex has %u group%s",
			     v.group, ncaptures, ncaptures == 1 ? "" : "s");
			return -1;
		}
	}
	return 0;
}

void svc_match_free(struct svc_match *m)
{
	size_t i;

	if (m == NULL)
		return;
	free(m->service);
	free(m->pattern);
	pcre2_code_free(m->re);
	for (i = 0; i < SVC_NFIELDS; i++)
		free(m->tmpl[i]);
	for (i = 0; i < m->ncpe; i++)
		free(m->cpe[i]);
	memset(m, 0, sizeof(*m));
}

static char *strndup_x(const char *s, size_t n)
{
	char *d = xmalloc(n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/* Where one template lies: its mode (p, v... or cpe:) and its text. */
struct tspan {
	const char *mode, *text, *end; /* text: from after the delimiter */
	int modelen, cpe, field;       /* field: in "pvihod", -1 for cpe */
};

/* Reads the template at s into t; *next: past it and its flags. */
static int template_span(const char *s, struct tspan *t, const char **next,
			 char *why, size_t whylen)
{
	static const char letters[] = "pvihod";
	const char *k;
	int nflags = 0;
	char d;

	memset(t, 0, sizeof(*t));
	t->mode = s;
	t->field = -1;
	if (strncmp(s, "cpe:", 4) == 0) {
		t->cpe = 1;
		s += 4;
	} else {
		while (c_isalpha(*s))
			s++;
		if (s - t->mode == 1 && (k = strchr(letters, *t->mode)))
			t->field = (int)(k - letters);
	}
	t->modelen = (int)(s - t->mode);
	if (!t->cpe && t->field < 0) {
		errf(why, whylen, "unknown template '%.*s'",
		     t->modelen ? t->modelen : 1, t->mode);
		return -1;
	}
	d = *s;
	if (d == '\0' || c_isspace((unsigned char)d)) {
		errf(why, whylen, "template '%.*s' has no delimiter",
		     t->modelen, t->mode);
		return -1;
	}
	t->text = s + 1;
	t->end = strchr(s + 1, d);
	if (t->end == NULL) {
		errf(why, whylen,
		     "unterminated template '%.*s' (no closing '%c')",
		     t->modelen, t->mode, d);
		return -1;
	}
	/* Trailing flags (the common cpe "/a") mean nothing to us. */
	for (s = t->end + 1; c_isalpha(*s); s++)
		nflags++;
	if (nflags > 3 || (*s && !c_isspace((unsigned char)*s))) {
		errf(why, whylen, "junk after template '%.*s'", t->modelen,
		     t->mode);
		return -1;
	}
	*next = s;
	return 0;
}

/* Adds a cpe template's text (taken: freed here) as "cpe:/TEXT". */
static int add_cpe(struct svc_match *m, char *text, char *why, size_t whylen)
{
	if (text[0] != 'a' && text[0] != 'h' && text[0] != 'o') {
		errf(why, whylen, "cpe part must be a, h or o");
		free(text);
		return -1;
	}
	if (m->ncpe == SVC_MAX_CPE) {
		errf(why, whylen, "more than %d cpe templates", SVC_MAX_CPE);
		free(text);
		return -1;
	}
	m->cpe[m->ncpe] = xmalloc(strlen(text) + 6);
	memcpy(m->cpe[m->ncpe], "cpe:/", 5);
	memcpy(m->cpe[m->ncpe] + 5, text, strlen(text) + 1);
	m->ncpe++;
	free(text);
	return 0;
}

/* p/../ v/../ i/../ h/../ o/../ d/../ cpe:/../ after the regex. */
static int parse_templates(struct svc_match *m, const char *s, char *why,
			   size_t whylen)
{
	for (s = skip_ws(s); *s; s = skip_ws(s)) {
		struct tspan t;
		char *text, sub[160];

		if (template_span(s, &t, &s, why, whylen) < 0)
			return -1;
		text = strndup_x(t.text, (size_t)(t.end - t.text));
		if (svc_template_check(text, m->ncaptures, sub, sizeof(sub)) <
		    0) {
			errf(why, whylen, "bad template '%.*s': %s", t.modelen,
			     t.mode, sub);
			free(text);
			return -1;
		}
		if (!t.cpe) {
			/* A repeated template replaces the earlier one. */
			free(m->tmpl[t.field]);
			m->tmpl[t.field] = text;
			continue;
		}
		if (add_cpe(m, text, why, whylen) < 0)
			return -1;
	}
	return 0;
}

static int compile_regex(struct svc_match *m, const char *pat, size_t patlen,
			 uint32_t opts, int jit,
			 const pcre2_match_context *mctx,
			 pcre2_match_data *scratch, char *why, size_t whylen)
{
	PCRE2_SIZE off;
	int ec, rc;

	m->re = pcre2_compile((PCRE2_SPTR)pat, patlen, opts, &ec, &off, NULL);
	if (m->re == NULL) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(ec, msg, sizeof(msg));
		errf(why, whylen, "bad regex at offset %zu: %s", (size_t)off,
		     (const char *)msg);
		return -1;
	}
	/* JIT later, for the lines that are used (try_line). */
	m->jit_pending = jit;
	pcre2_pattern_info(m->re, PCRE2_INFO_CAPTURECOUNT, &m->ncaptures);
	/*
	 * A line that accepts an empty response would claim every silent
	 * port: nmap HEAD refuses such patterns, and so do we.
	 */
	rc = pcre2_match(m->re, (PCRE2_SPTR) "", 0, 0, 0, scratch,
			 (pcre2_match_context *)mctx);
	if (rc >= 0) {
		errf(why, whylen, "regex matches an empty response");
		return -1;
	}
	return 0;
}

int svc_match_parse(struct svc_match *m, const char *s, int soft, int jit,
		    const pcre2_match_context *mctx, pcre2_match_data *scratch,
		    char *why, size_t whylen)
{
	const char *name, *pat, *end;
	size_t namelen;
	uint32_t opts = 0;
	char d;

	memset(m, 0, sizeof(*m));
	name = s;
	while (*s && *s != ' ' && *s != '\t')
		s++;
	namelen = (size_t)(s - name);
	if (namelen >= 4 && strncmp(name, "ssl/", 4) == 0) {
		m->ssl = 1;
		name += 4;
		namelen -= 4;
	}
	if (namelen == 0 || namelen > SVC_NAME_MAX || name[0] == '/') {
		errf(why, whylen, "bad service name '%.*s'", (int)namelen,
		     name);
		return -1;
	}
	s = skip_ws(s);
	if (s[0] != 'm' || s[1] == '\0' || c_isspace((unsigned char)s[1])) {
		errf(why, whylen, "expected m<delim>regex<delim> after '%.*s'",
		     (int)namelen, name);
		return -1;
	}
	d = s[1];
	pat = s + 2;
	end = strchr(pat, d);
	if (end == NULL) {
		errf(why, whylen, "unterminated regex (no closing '%c')", d);
		return -1;
	}
	for (s = end + 1; c_isalpha(*s); s++) {
		if (*s == 'i') {
			opts |= PCRE2_CASELESS;
		} else if (*s == 's') {
			opts |= PCRE2_DOTALL;
		} else {
			errf(why, whylen, "bad regex flag '%c' (only i and s)",
			     *s);
			return -1;
		}
	}
	if (s - (end + 1) > 3) {
		errf(why, whylen, "too many regex flags");
		return -1;
	}
	if (*s && !c_isspace((unsigned char)*s)) {
		errf(why, whylen, "junk after regex: '%c'", *s);
		return -1;
	}
	m->soft = soft;
	m->service = strndup_x(name, namelen);
	m->pattern = strndup_x(pat, (size_t)(end - pat));
	if (compile_regex(m, pat, (size_t)(end - pat), opts, jit, mctx, scratch,
			  why, whylen) < 0 ||
	    parse_templates(m, s, why, whylen) < 0) {
		svc_match_free(m);
		return -1;
	}
	return 0;
}

/*
 * The output of one template. cap is nmap's buffer size; nmap's checks
 * let literal text fill cap - 1 bytes but fail a substitution that ends
 * past cap - 2, and we keep that quirk so the same lines overflow.
 */
struct tsink {
	char *buf;
	size_t len, cap;
	int cpe;  /* CPE escaping of substituted bytes */
	int stop; /* a NUL ended the current substitution (nmap's strlen) */
	int over;
};

static void sink_lit(struct tsink *k, char c)
{
	if (k->len + 1 > k->cap - 1)
		k->over = 1;
	else
		k->buf[k->len++] = c;
}

static void sink_sub(struct tsink *k, uint8_t b)
{
	char tmp[4];
	size_t n = 1;

	if (k->stop || k->over)
		return;
	if (b == 0) {
		k->stop = 1;
		return;
	}
	tmp[0] = (char)b;
	if (k->cpe) {
		if (b < 0x80 && strchr(cpe_reserved, b) != NULL) {
			snprintf(tmp, sizeof(tmp), "%%%02X", b);
			n = 3;
		} else if (c_isspace(b)) {
			tmp[0] = '_';
		} else if (b >= 'A' && b <= 'Z') {
			tmp[0] = (char)(b - 'A' + 'a');
		}
	}
	if (k->len + n > k->cap - 2) {
		k->over = 1;
		return;
	}
	memcpy(k->buf + k->len, tmp, n);
	k->len += n;
}

/* Feeds the bytes a substitution stands for into the sink. */
static int tvar_expand(const struct tvar *v, const uint8_t *subj,
		       const PCRE2_SIZE *ov, int rc, struct tsink *k)
{
	PCRE2_SIZE a, b, i;
	size_t j;

	if ((int)v->group >= rc || ov[2 * v->group] == PCRE2_UNSET)
		return -1; /* the group did not take part */
	a = ov[2 * v->group];
	b = ov[2 * v->group + 1];
	if (b < a)
		return -1;
	k->stop = 0;
	switch (v->cmd) {
	case TV_GROUP:
		for (i = a; i < b && !k->stop && !k->over; i++)
			sink_sub(k, subj[i]);
		break;
	case TV_PRINT:
		/* Collapses UTF-16LE "W\0O\0R\0K\0" into "WORK". */
		for (i = a; i < b && !k->over; i++)
			if (subj[i] >= 0x20 && subj[i] < 0x7f)
				sink_sub(k, subj[i]);
		break;
	case TV_SUBST:
		for (i = a; i < b && !k->stop && !k->over;) {
			if (b - i >= v->findlen &&
			    memcmp(subj + i, v->find, v->findlen) == 0) {
				for (j = 0; j < v->repllen; j++)
					sink_sub(k, v->repl[j]);
				i += v->findlen;
			} else {
				sink_sub(k, subj[i++]);
			}
		}
		break;
	case TV_INT: {
		unsigned long long val = 0;
		char num[24];

		if (b - a > 8)
			return -1;
		for (i = 0; i < b - a; i++)
			val = (val << 8) | subj[v->big ? a + i : b - 1 - i];
		snprintf(num, sizeof(num), "%llu", val);
		for (j = 0; num[j]; j++)
			sink_sub(k, (uint8_t)num[j]);
		break;
	}
	}
	if (k->len > k->cap - 2)
		k->over = 1;
	return k->over ? -1 : 0;
}

/*
 * Expands tmpl into dst (which holds at least cap bytes). On failure
 * dst is emptied and -1 returned, as nmap empties the field.
 */
static int expand(const char *tmpl, const uint8_t *subj, const PCRE2_SIZE *ov,
		  int rc, int cpe, char *dst, size_t cap)
{
	struct tsink k = { .buf = dst, .cap = cap, .cpe = cpe };
	const char *s = tmpl;
	struct tvar v;

	while (*s && !k.over) {
		if (*s != '$') {
			sink_lit(&k, *s++);
			continue;
		}
		/* Checked at load time: a failure here is only defensive. */
		if (tvar_parse(s, &v, &s, NULL, 0) < 0 ||
		    tvar_expand(&v, subj, ov, rc, &k) < 0)
			k.over = 1;
	}
	if (k.over) {
		dst[0] = '\0';
		return -1;
	}
	while (k.len > 0 && (c_isspace((unsigned char)dst[k.len - 1]) ||
			     dst[k.len - 1] == ','))
		k.len--;
	dst[k.len] = '\0';
	return 0;
}

static void fill(const struct svc_match *m, const uint8_t *subj,
		 pcre2_match_data *md, int rc, struct svc_answer *out)
{
	static const size_t caps[SVC_NFIELDS] = { CAP_FIELD, CAP_FIELD,
						  CAP_INFO,  CAP_FIELD,
						  CAP_TYPE,  CAP_TYPE };
	char *dst[SVC_NFIELDS] = {
		out->product,  out->version, out->info,
		out->hostname, out->ostype,  out->devicetype
	};
	const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
	size_t i;

	out->kind = m->soft ? SVC_SOFT : SVC_HARD;
	snprintf(out->service, sizeof(out->service), "%s", m->service);
	out->ssl = m->ssl;
	out->file = m->file;
	out->line = m->line;
	for (i = 0; i < SVC_NFIELDS; i++)
		if (m->tmpl[i] != NULL)
			(void)expand(m->tmpl[i], subj, ov, rc, 0, dst[i],
				     caps[i]);
	for (i = 0; i < m->ncpe; i++) {
		char *c = out->cpe[out->ncpe];

		if (expand(m->cpe[i], subj, ov, rc, 1, c, CAP_CPE) == 0 &&
		    c[0] != '\0')
			out->ncpe++;
	}
}

#define SVC_JIT_AFTER 8

/* Runs one regex; > 0 on a match with rc usable ovector pairs. */
static int try_line(const struct svcdb *db, const struct svc_match *m,
		    const uint8_t *subj, size_t len, pcre2_match_data *md)
{
	const pcre2_match_context *mctx = svcdb_match_context(db);
	struct svc_match *lazy = (struct svc_match *)m;
	int rc;

	/*
	 * JIT-compiling nmap's 12,000 lines at load cost more CPU than one
	 * host's whole -sV (and as much again unmapping them at exit): a
	 * line is compiled once it has run SVC_JIT_AFTER times, when a
	 * crowd of services makes it hot. Without JIT the interpreter is
	 * only slower: failures are ignored. The lazy state is the one
	 * thing a match changes in the db; -sV matches in one thread.
	 */
	if (lazy->jit_pending && ++lazy->tries >= SVC_JIT_AFTER) {
		(void)pcre2_jit_compile(m->re, PCRE2_JIT_COMPLETE);
		lazy->jit_pending = 0;
	}
	rc = pcre2_match(m->re, subj, len, 0, 0, md,
			 (pcre2_match_context *)mctx);
	/*
	 * The JIT stack is small and shared by nothing; when it runs out
	 * the interpreter, bounded by the depth and heap limits, decides.
	 */
	if (rc == PCRE2_ERROR_JIT_STACKLIMIT)
		rc = pcre2_match(m->re, subj, len, 0, PCRE2_NO_JIT, md,
				 (pcre2_match_context *)mctx);
	if (rc == 0) /* ovector too small: md_new() prevents it */
		rc = (int)pcre2_get_ovector_count(md);
	return rc;
}

static pcre2_match_data *md_new(const struct svcdb *db)
{
	/* Big enough for every line's groups, so captures are never lost. */
	pcre2_match_data *md =
		pcre2_match_data_create(svcdb_max_captures(db) + 1, NULL);

	if (md == NULL) {
		fprintf(stderr, "fathom: out of memory (pcre2)\n");
		abort();
	}
	return md;
}

int svcmatch_line(const struct svcdb *db, const struct svc_match *m,
		  const uint8_t *data, size_t len, struct svc_answer *out)
{
	pcre2_match_data *md = md_new(db);
	const uint8_t *subj = data ? data : (const uint8_t *)"";
	int rc;

	memset(out, 0, sizeof(*out));
	rc = try_line(db, m, subj, data ? len : 0, md);
	if (rc > 0)
		fill(m, subj, md, rc, out);
	pcre2_match_data_free(md);
	return out->kind;
}

int svcmatch_run(const struct svcdb *db, const struct svc_probe *probe,
		 const uint8_t *data, size_t len, const char *only_service,
		 struct svc_answer *out)
{
	const struct svc_probe *self[1] = { probe };
	const struct svc_probe *const *chain = probe->chain;
	size_t nchain = probe->nchain, i, j;
	const uint8_t *subj = data ? data : (const uint8_t *)"";
	pcre2_match_data *md;

	memset(out, 0, sizeof(*out));
	if (data == NULL)
		len = 0;
	if (nchain == 0) { /* not finalized: the probe's own lines only */
		chain = self;
		nchain = 1;
	}
	md = md_new(db);
	for (i = 0; i < nchain && out->kind == SVC_NONE; i++) {
		const struct svc_probe *q = chain[i];

		for (j = 0; j < q->nmatches; j++) {
			const struct svc_match *m = &q->matches[j];
			int rc;

			if (only_service != NULL &&
			    strcmp(m->service, only_service) != 0)
				continue;
			rc = try_line(db, m, subj, len, md);
			if (rc > 0) {
				fill(m, subj, md, rc, out);
				out->via = q;
				break;
			}
		}
	}
	pcre2_match_data_free(md);
	return out->kind;
}
