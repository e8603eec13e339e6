/* recog_text.c -- line protocols: greetings and text replies. */
#include <stdio.h>
#include <string.h>

#include "probes/recog_int.h"

#define MAX_TOK 48

/* A word of a greeting, without the brackets and punctuation around it. */
struct tok {
	const char *s;
	size_t n;
	int open, close; /* it started with "(" / ended with ")" */
};

static size_t tokenize(const char *line, struct tok *t, size_t max)
{
	size_t k = 0;

	while (*line && k < max) {
		size_t n;

		while (*line == ' ' || *line == '\t')
			line++;
		n = strcspn(line, " \t");
		if (n == 0)
			break;
		t[k].s = line;
		t[k].n = n;
		t[k].open = *line == '(';
		t[k].close = line[n - 1] == ')';
		while (t[k].n && strchr("([", *t[k].s))
			t[k].s++, t[k].n--;
		while (t[k].n && strchr(")],;:.!", t[k].s[t[k].n - 1]))
			t[k].n--;
		k += t[k].n > 0;
		line += n;
	}
	return k;
}

static int tok_is(const struct tok *t, const char *word)
{
	return strlen(word) == t->n && rc_prefix_ci(t->s, word);
}

static int is_comment(const struct tok *t)
{
	return t->open && t->close;
}

/* A DNS name with at least one dot and a letter: not an address. */
static int is_hostname(const struct tok *t)
{
	int dot = 0, alpha = 0;

	if (t->n < 3 || t->n > 80 || t->open)
		return 0;
	for (size_t i = 0; i < t->n; i++) {
		char c = t->s[i];

		if (c == '.')
			dot = 1;
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
			alpha = 1;
		else if (!(c >= '0' && c <= '9') && c != '-')
			return 0;
	}
	return dot && alpha && t->s[0] != '.' && t->s[0] != '-';
}

/* The version part of a token: up to a '/' ("8.17.1.9/8.17.1.9"). */
static size_t version_len(const struct tok *t)
{
	size_t n = strcspn(t->s, "/ ");

	n = n < t->n ? n : t->n;
	return rc_is_version(t->s, n) && !t->open ? n : 0;
}

static void set_version(struct svc_answer *a, const struct tok *t, size_t n)
{
	const char *s = t->s;

	if (s[0] == 'v' || s[0] == 'V')
		s++, n--;
	rc_set(a->version, sizeof(a->version), "%.*s", (int)n, s);
}

static void set_comment(struct svc_answer *a, const struct tok *t)
{
	char info[81];

	rc_set(info, sizeof(info), "%.*s", (int)t->n, t->s);
	rc_add(a->info, sizeof(a->info), info);
	rc_os_word(a, t->s, t->n);
}

/*
 * The product a greeting names at token i: "Name version", "Name Server
 * version", or a name followed by nothing but an optional "(comment)"
 * and "ready" ("Postfix (Debian/GNU)", "Dovecot (Debian) ready."). A
 * name with "ftpd" in it is a daemon's name by itself (Pure-FTPd).
 * Anything else is prose, not a name. Returns 1 if a product was read.
 */
/*
 * "Cyrus POP3 3.6.1", "Cyrus IMAP v3.4.4": the protocol word between
 * product and version names the suite's daemon, as nmap's names go
 * ("Cyrus pop3d", "Cyrus imapd"); "" for any other filler.
 */
static const char *daemon_suffix(const struct tok *t, size_t from, size_t to)
{
	for (size_t k = from; k < to; k++) {
		if (tok_is(&t[k], "POP3"))
			return " pop3d";
		if (tok_is(&t[k], "IMAP") || tok_is(&t[k], "IMAP4") ||
		    tok_is(&t[k], "IMAP4rev1"))
			return " imapd";
	}
	return "";
}

static int greet_product(const struct tok *t, size_t nt, size_t i,
			 struct svc_answer *a)
{
	size_t j = i + 1, vn;
	char word[48];
	int ftpd;

	if (i >= nt || is_comment(&t[i]) || !rc_is_product(t[i].s, t[i].n))
		return 0;
	rc_set(word, sizeof(word), "%.*s", (int)t[i].n, t[i].s);
	ftpd = t[i].n > 4 && rc_has_ci(word, "ftpd");
	/* "FileZilla Server 1.8.1", "Cyrus IMAP v3.4.4": one filler word. */
	if (j + 1 < nt && !rc_is_product(t[j].s, t[j].n) &&
	    !is_comment(&t[j]) && version_len(&t[j + 1]))
		j++;
	if (j < nt && (vn = version_len(&t[j])) > 0) {
		set_version(a, &t[j], vn);
		j++;
	} else if (!ftpd && !(j == nt || tok_is(&t[j], "ready") ||
			      (is_comment(&t[j]) &&
			       (j + 1 == nt || tok_is(&t[j + 1], "ready"))))) {
		return 0;
	}
	rc_set(a->product, sizeof(a->product), "%.*s%s", (int)t[i].n, t[i].s,
	       daemon_suffix(t, i + 1, j));
	/* "ProFTPD 1.3.8 Server (Debian)": the comment after one filler. */
	if (j + 1 < nt && !is_comment(&t[j]) && !rc_is_product(t[j].s, t[j].n))
		j++;
	if (j < nt && is_comment(&t[j]))
		set_comment(a, &t[j]);
	return 1;
}

/*
 * A reply-code greeting (RFC 959/5321/3977 style: "220-..." lines, then
 * "220 ..."): copies the first line into first and returns 1 once the
 * last line of code has arrived.
 */
static int coded_greeting(const struct recog_in *in, const char *code,
			  char *first)
{
	char line[RC_LINE_MAX];
	size_t off = 0;

	for (int k = 0; k < 64; k++) {
		if (rc_line(in->data, in->len, off, line, &off) < 0 ||
		    strncmp(line, code, 3) != 0 ||
		    (line[3] != ' ' && line[3] != '-' && line[3] != '\0'))
			return 0;
		if (k == 0)
			memcpy(first, line, sizeof(line));
		if (line[3] != '-')
			return 1;
	}
	return 0;
}

/* RFC 4253 4.2: "SSH-protoversion-softwareversion SP comments CR LF". */
int recog_ssh(const struct recog_in *in, struct svc_answer *a)
{
	char line[RC_LINE_MAX], *sw, *cm, *us;
	size_t off = 0;
	int k;

	/* A server may send other lines before the identification. */
	for (k = 0; k < 8; k++) {
		if (rc_line(in->data, in->len, off, line, &off) < 0)
			return 0;
		if (strncmp(line, "SSH-", 4) == 0)
			break;
	}
	if (k == 8 || (sw = strchr(line + 4, '-')) == NULL)
		return 0;
	*sw++ = '\0';
	if (strcmp(line + 4, "2.0") && strcmp(line + 4, "1.99") &&
	    strncmp(line + 4, "1.", 2))
		return 0;
	cm = strchr(sw, ' ');
	if (cm)
		*cm++ = '\0';
	if (*sw == '\0')
		return 0;
	rc_set(a->service, sizeof(a->service), "ssh");
	/* "OpenSSH_9.2p1", "dropbear_2022.83": name, '_', version. */
	us = strchr(sw, '_');
	if (us && rc_is_product(sw, (size_t)(us - sw)) &&
	    rc_is_version(us + 1, strlen(us + 1))) {
		rc_set(a->product, sizeof(a->product), "%.*s", (int)(us - sw),
		       sw);
		rc_set(a->version, sizeof(a->version), "%s", us + 1);
	} else if (rc_is_product(sw, strlen(sw))) {
		rc_set(a->product, sizeof(a->product), "%s", sw);
	}
	if (cm && *cm) {
		/* "Debian-2+deb12u3" reads "Debian 2+deb12u3", as said. */
		char *dash = strchr(cm, '-');

		if (dash && dash != cm && strchr(cm, ' ') == NULL)
			*dash = ' ';
		rc_add(a->info, sizeof(a->info), cm);
		rc_os_word(a, cm, strlen(cm));
	}
	if (strcmp(line + 4, "2.0") == 0 || strcmp(line + 4, "1.99") == 0) {
		char p[32];

		rc_set(p, sizeof(p), "protocol %s", line + 4);
		rc_add(a->info, sizeof(a->info), p);
	}
	if (strcmp(a->product, "OpenSSH") == 0)
		rc_cpe(a, "cpe:/a:openbsd:openssh");
	return 1;
}

int recog_smtp(const struct recog_in *in, struct svc_answer *a)
{
	char first[RC_LINE_MAX];
	struct tok t[MAX_TOK];
	size_t nt, i;

	if (!coded_greeting(in, "220", first))
		return 0;
	nt = tokenize(first + 4, t, MAX_TOK);
	for (i = 0; i < nt && i < 4; i++)
		if (tok_is(&t[i], "ESMTP") || tok_is(&t[i], "SMTP"))
			break;
	if (i == nt || i == 4)
		return 0;
	rc_set(a->service, sizeof(a->service), "smtp");
	/* RFC 5321 4.3.1: the greeting starts with the server's domain. */
	if (nt && is_hostname(&t[0]))
		rc_set(a->hostname, sizeof(a->hostname), "%.*s", (int)t[0].n,
		       t[0].s);
	greet_product(t, nt, i + 1, a);
	return 1;
}

int recog_ftp(const struct recog_in *in, struct svc_answer *a)
{
	char first[RC_LINE_MAX];
	struct tok t[MAX_TOK];
	size_t nt;

	if (!coded_greeting(in, "220", first) || !rc_has_ci(first, "ftp") ||
	    rc_has_ci(first, "SMTP"))
		return 0;
	rc_set(a->service, sizeof(a->service), "ftp");
	nt = tokenize(first + 4, t, MAX_TOK);
	for (size_t i = 0; i < nt && i < 4; i++)
		if (greet_product(t, nt, i, a))
			break;
	return 1;
}

/* RFC 1939 4: "+OK greeting"; the greeting is free text. */
int recog_pop3(const struct recog_in *in, struct svc_answer *a)
{
	char line[RC_LINE_MAX];
	struct tok t[MAX_TOK];
	size_t nt, i = 0;

	if (rc_line(in->data, in->len, 0, line, NULL) < 0 ||
	    strncmp(line, "+OK ", 4) != 0 ||
	    !(rc_has_ci(line, "POP") || rc_has_ci(line, "ready") ||
	      strchr(line, '<')))
		return 0;
	rc_set(a->service, sizeof(a->service), "pop3");
	nt = tokenize(line + 4, t, MAX_TOK);
	if (nt && is_hostname(&t[0])) {
		rc_set(a->hostname, sizeof(a->hostname), "%.*s", (int)t[0].n,
		       t[0].s);
		i = 1;
	}
	greet_product(t, nt, i, a);
	return 1;
}

/* RFC 9051 7.1.1: "* OK [CAPABILITY IMAP4rev1 ...] text". */
int recog_imap(const struct recog_in *in, struct svc_answer *a)
{
	char line[RC_LINE_MAX], *text;
	struct tok t[MAX_TOK];
	size_t nt, i = 0;

	if (rc_line(in->data, in->len, 0, line, NULL) < 0 ||
	    !(strncmp(line, "* OK ", 5) == 0 ||
	      strncmp(line, "* PREAUTH ", 10) == 0) ||
	    !rc_has_ci(line, "IMAP4"))
		return 0;
	rc_set(a->service, sizeof(a->service), "imap");
	text = strchr(line, ']');
	text = text ? text + 1 : line + 5;
	nt = tokenize(text, t, MAX_TOK);
	if (nt && is_hostname(&t[0])) {
		rc_set(a->hostname, sizeof(a->hostname), "%.*s", (int)t[0].n,
		       t[0].s);
		i = 1;
	}
	greet_product(t, nt, i, a);
	return 1;
}

/* RFC 3977 5.1: "200"/"201" greeting; INN names itself inside. */
int recog_nntp(const struct recog_in *in, struct svc_answer *a)
{
	char line[RC_LINE_MAX];
	struct tok t[MAX_TOK];
	size_t nt, i;

	if (rc_line(in->data, in->len, 0, line, NULL) < 0 ||
	    (strncmp(line, "200 ", 4) && strncmp(line, "201 ", 4)) ||
	    !(rc_has_ci(line, "NNTP") || rc_has_ci(line, "NNRP")))
		return 0;
	rc_set(a->service, sizeof(a->service), "nntp");
	nt = tokenize(line + 4, t, MAX_TOK);
	if (nt && is_hostname(&t[0]))
		rc_set(a->hostname, sizeof(a->hostname), "%.*s", (int)t[0].n,
		       t[0].s);
	/* The name may follow prose ("NNRP server INN 2.7.1"): only
	 * "Name version" pairs count here, never a bare word. */
	for (i = 0; i + 1 < nt; i++) {
		size_t vn = version_len(&t[i + 1]);

		if (vn && rc_is_product(t[i].s, t[i].n) && !is_comment(&t[i])) {
			rc_set(a->product, sizeof(a->product), "%.*s",
			       (int)t[i].n, t[i].s);
			set_version(a, &t[i + 1], vn);
			break;
		}
	}
	return 1;
}

/* "ngircd-26.1": the product and version RPL_MYINFO's version names. */
static void irc_version(const struct tok *t, struct svc_answer *a)
{
	/* "3.6-1.3" (BitlBee): a version alone. */
	if (t->s[0] >= '0' && t->s[0] <= '9') {
		if (rc_is_version(t->s, t->n))
			rc_set(a->version, sizeof(a->version), "%.*s",
			       (int)t->n, t->s);
		return;
	}
	for (size_t i = t->n; i-- > 1;) {
		if (t->s[i - 1] != '-' || !rc_is_version(t->s + i, t->n - i))
			continue;
		if (!rc_is_product(t->s, i - 1))
			return;
		rc_set(a->product, sizeof(a->product), "%.*s", (int)(i - 1),
		       t->s);
		rc_set(a->version, sizeof(a->version), "%.*s", (int)(t->n - i),
		       t->s + i);
		return;
	}
	if (rc_is_product(t->s, t->n))
		rc_set(a->product, sizeof(a->product), "%.*s", (int)t->n, t->s);
}

/* One IRC line: 1 if it is a server's, and RPL_MYINFO read if there. */
static int irc_line(const char *line, struct svc_answer *a, int *myinfo)
{
	struct tok t[6];
	size_t nt;

	if (strncmp(line, "NOTICE AUTH :", 13) == 0)
		return 1;
	if (line[0] != ':' || (nt = tokenize(line + 1, t, 6)) < 3)
		return 0;
	/* NOTICE to "*"/"AUTH", 451 "You have not registered", or the
	 * welcome numerics 001-005 (RFC 2812 5.1) after our registration. */
	if (!((tok_is(&t[1], "NOTICE") &&
	       (tok_is(&t[2], "*") || tok_is(&t[2], "AUTH"))) ||
	      (tok_is(&t[1], "451") && rc_has_ci(line, "registered")) ||
	      (t[1].n == 3 && strncmp(t[1].s, "00", 2) == 0 &&
	       t[1].s[2] >= '1' && t[1].s[2] <= '5')))
		return 0;
	if (a->hostname[0] == '\0' && is_hostname(&t[0]))
		rc_set(a->hostname, sizeof(a->hostname), "%.*s", (int)t[0].n,
		       t[0].s);
	/* 004: "<server> <version> <user modes> <channel modes>". */
	if (tok_is(&t[1], "004") && nt >= 5 && !*myinfo) {
		irc_version(&t[4], a);
		*myinfo = 1;
	}
	return 1;
}

/* RFC 2812: a server's notices before registration, its numerics after. */
int recog_irc(const struct recog_in *in, struct svc_answer *a)
{
	char line[RC_LINE_MAX];
	size_t off = 0;
	int named = 0, myinfo = 0;

	for (int k = 0; k < 32; k++) {
		if (rc_line(in->data, in->len, off, line, &off) < 0)
			break;
		if (!irc_line(line, a, &myinfo)) {
			/* Anti-spoofing servers PING before the welcome. */
			if (k == 0 && strncmp(line, "PING :", 6) != 0)
				return 0;
			continue; /* MOTD lines and the like */
		}
		named = 1;
	}
	if (named)
		rc_set(a->service, sizeof(a->service), "irc");
	return named;
}

/* rsync daemon greeting: "@RSYNCD: <major>.<minor>[ digests]". */
int recog_rsync(const struct recog_in *in, struct svc_answer *a)
{
	char line[RC_LINE_MAX];
	size_t n;

	if (rc_line(in->data, in->len, 0, line, NULL) < 0 ||
	    strncmp(line, "@RSYNCD: ", 9) != 0)
		return 0;
	n = strcspn(line + 9, " ");
	if (!rc_is_version(line + 9, n) || line[9] == 'v')
		return 0;
	rc_set(a->service, sizeof(a->service), "rsync");
	rc_set(a->info, sizeof(a->info), "protocol version %.*s", (int)n,
	       line + 9);
	return 1;
}

/* Music Player Daemon protocol: "OK MPD <protocol version>" on connect. */
int recog_mpd(const struct recog_in *in, struct svc_answer *a)
{
	char line[RC_LINE_MAX];

	if (rc_line(in->data, in->len, 0, line, NULL) < 0 ||
	    strncmp(line, "OK MPD ", 7) != 0 ||
	    !rc_is_version(line + 7, strlen(line + 7)) || line[7] == 'v')
		return 0;
	rc_set(a->service, sizeof(a->service), "mpd");
	rc_set(a->product, sizeof(a->product), "Music Player Daemon");
	rc_set(a->info, sizeof(a->info), "protocol %s", line + 7);
	return 1;
}

/* munin-node's greeting: "# munin node at <hostname>". */
int recog_munin(const struct recog_in *in, struct svc_answer *a)
{
	char line[RC_LINE_MAX];
	struct tok t;

	if (rc_line(in->data, in->len, 0, line, NULL) < 0 ||
	    strncmp(line, "# munin node at ", 16) != 0)
		return 0;
	rc_set(a->service, sizeof(a->service), "munin");
	rc_set(a->product, sizeof(a->product), "Munin node");
	t.s = line + 16;
	t.n = strlen(t.s);
	t.open = t.close = 0;
	if (is_hostname(&t))
		rc_set(a->hostname, sizeof(a->hostname), "%s", t.s);
	return 1;
}

/* A JSON string member "key":"value" of line, into out; 0 if absent. */
static size_t json_str(const char *line, const char *key, char *out,
		       size_t size)
{
	char pat[40];
	const char *v, *e;

	rc_set(pat, sizeof(pat), "\"%s\":\"", key);
	if ((v = strstr(line, pat)) == NULL)
		return 0;
	v += strlen(pat);
	if ((e = strchr(v, '"')) == NULL || (size_t)(e - v) >= size)
		return 0;
	rc_set(out, size, "%.*s", (int)(e - v), v);
	return (size_t)(e - v);
}

/* NATS (docs.nats.io, client protocol): "INFO {json}" on connect. */
int recog_nats(const struct recog_in *in, struct svc_answer *a)
{
	char line[RC_LINE_MAX], v[41], id[81], go[41];

	if (rc_line(in->data, in->len, 0, line, NULL) < 8 ||
	    strncmp(line, "INFO {", 6) != 0 || strrchr(line, '}') == NULL ||
	    json_str(line, "server_id", id, sizeof(id)) == 0)
		return 0;
	rc_set(a->service, sizeof(a->service), "nats");
	if (json_str(line, "version", v, sizeof(v)) &&
	    rc_is_version(v, strlen(v))) {
		rc_set(a->product, sizeof(a->product), "NATS Server");
		rc_set(a->version, sizeof(a->version), "%s", v);
	}
	if (json_str(line, "go", go, sizeof(go)))
		rc_set(a->info, sizeof(a->info), "%s", go);
	return 1;
}

/* RESP: INFO's bulk string, "# Server" section up to its blank line. */
int recog_redis(const struct recog_in *in, struct svc_answer *a)
{
	char line[RC_LINE_MAX], ver[81] = "", product[32] = "";
	size_t off = 0;

	if (rc_line(in->data, in->len, 0, line, &off) < 0)
		return 0;
	if (strncmp(line, "-NOAUTH ", 8) == 0 ||
	    strncmp(line, "-DENIED Redis ", 14) == 0) {
		rc_set(a->service, sizeof(a->service), "redis");
		rc_set(a->info, sizeof(a->info), "%s",
		       line[1] == 'N' ? "authentication required"
				      : "protected mode");
		return 1;
	}
	if (line[0] != '$' || !rc_is_version(line + 1, strlen(line + 1)) ||
	    rc_line(in->data, in->len, off, line, &off) < 0 ||
	    strcmp(line, "# Server") != 0)
		return 0;
	/* The section ends at an empty line: only then is it all here. */
	for (int k = 0;; k++) {
		char *v;

		if (k == 64 || rc_line(in->data, in->len, off, line, &off) < 0)
			return 0;
		if (line[0] == '\0')
			break;
		if ((v = strchr(line, ':')) == NULL)
			return 0;
		*v++ = '\0';
		if (strcmp(line, "redis_version") == 0 && ver[0] == '\0') {
			rc_set(ver, sizeof(ver), "%s", v);
		} else if (strcmp(line, "valkey_version") == 0) {
			rc_set(ver, sizeof(ver), "%s", v);
			rc_set(product, sizeof(product), "Valkey");
		} else if (strcmp(line, "dragonfly_version") == 0) {
			rc_set(product, sizeof(product), "Dragonfly");
		} else if (strcmp(line, "os") == 0) {
			rc_os_word(a, v, strcspn(v, " "));
		}
	}
	if (ver[0] == '\0' || !rc_is_version(ver, strlen(ver)))
		return 0;
	rc_set(a->service, sizeof(a->service), "redis");
	rc_set(a->product, sizeof(a->product), "%s",
	       product[0] ? product : "Redis key-value store");
	if (strcmp(product, "Dragonfly") != 0)
		rc_set(a->version, sizeof(a->version), "%s", ver);
	return 1;
}

/* memcached's "version" reply, alone: "VERSION 1.6.18". */
int recog_memcached(const struct recog_in *in, struct svc_answer *a)
{
	char line[RC_LINE_MAX];
	size_t off;

	if (rc_line(in->data, in->len, 0, line, &off) < 0 || off != in->len ||
	    strncmp(line, "VERSION ", 8) != 0 ||
	    !rc_is_version(line + 8, strlen(line + 8)))
		return 0;
	rc_set(a->service, sizeof(a->service), "memcached");
	rc_set(a->product, sizeof(a->product), "Memcached");
	rc_set(a->version, sizeof(a->version), "%s", line + 8);
	return 1;
}

/* The value of attribute name in an XML start tag (s..e), or 0. */
static size_t xml_attr(const char *s, const char *e, const char *name,
		       const char **val)
{
	size_t n = strlen(name);

	for (const char *p = s + 1; p + n + 2 < e; p++) {
		const char *q;

		if (p[-1] != ' ' || strncmp(p, name, n) != 0 || p[n] != '=' ||
		    (p[n + 1] != '\'' && p[n + 1] != '"'))
			continue;
		q = memchr(p + n + 2, p[n + 1], (size_t)(e - p - n - 2));
		if (q == NULL)
			return 0;
		*val = p + n + 2;
		return (size_t)(q - *val);
	}
	return 0;
}

/* RFC 6120 4.2: the server's <stream:stream ...> answer to ours. */
int recog_xmpp(const struct recog_in *in, struct svc_answer *a)
{
	char buf[1024];
	const char *s, *e, *v;
	size_t n = in->len < sizeof(buf) - 1 ? in->len : sizeof(buf) - 1, k;

	memcpy(buf, in->data, n);
	buf[n] = '\0';
	if (strlen(buf) != n || (s = strstr(buf, "<stream:stream ")) == NULL ||
	    (e = strchr(s, '>')) == NULL)
		return 0;
	if (xml_attr(s, e, "xmlns", &v) == 13 &&
	    strncmp(v, "jabber:client", 13) == 0)
		rc_set(a->service, sizeof(a->service), "xmpp-client");
	else if (xml_attr(s, e, "xmlns", &v) == 13 &&
		 strncmp(v, "jabber:server", 13) == 0)
		rc_set(a->service, sizeof(a->service), "xmpp-server");
	else
		return 0;
	if ((k = xml_attr(s, e, "from", &v)) > 0 && k < 80) {
		struct tok t = { .s = v, .n = k };

		/* Our own stream header names fathom.invalid: not theirs. */
		if (is_hostname(&t) &&
		    !(k >= 8 && rc_prefix_ci(v + k - 8, ".invalid")))
			rc_set(a->hostname, sizeof(a->hostname), "%.*s", (int)k,
			       v);
	}
	if ((k = xml_attr(s, e, "version", &v)) > 0 && k < 8 &&
	    rc_is_version(v, k))
		rc_set(a->info, sizeof(a->info), "XMPP %.*s", (int)k, v);
	return 1;
}
