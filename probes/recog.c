/* recog.c -- the recogniser table, its entry point, folding, shared helpers. */
#include "probes/recog.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "probes/recog_int.h"

/*
 * Order matters only where two framings could both read one reply; the
 * probe-bound binary recognisers (SOCKS, MQTT, X11) look at the probe
 * name first, so they cannot claim another probe's reply.
 */
static const struct recog recog_all[] = {
	{ .name = "ssh", .run = recog_ssh },
	{ .name = "http", .run = recog_http },
	{ .name = "rtsp", .run = recog_rtsp },
	{ .name = "sip", .run = recog_sip },
	{ .name = "smtp", .run = recog_smtp },
	{ .name = "ftp", .run = recog_ftp },
	{ .name = "pop3", .run = recog_pop3 },
	{ .name = "imap", .run = recog_imap },
	{ .name = "nntp", .run = recog_nntp },
	{ .name = "irc", .run = recog_irc },
	{ .name = "rsync", .run = recog_rsync },
	{ .name = "munin", .run = recog_munin },
	{ .name = "mpd", .run = recog_mpd },
	{ .name = "nats", .run = recog_nats },
	{ .name = "redis", .run = recog_redis },
	{ .name = "memcached", .run = recog_memcached },
	{ .name = "xmpp", .run = recog_xmpp },
	{ .name = "socks5", .run = recog_socks5 },
	{ .name = "socks4", .run = recog_socks4 },
	{ .name = "rfb", .run = recog_rfb },
	{ .name = "x11", .run = recog_x11 },
	{ .name = "mqtt", .run = recog_mqtt },
	{ .name = "amqp", .run = recog_amqp },
	{ .name = "postgresql", .run = recog_pgsql },
	{ .name = "mysql", .run = recog_mysql },
	{ .name = "ldap", .run = recog_ldap },
	{ .name = "smb", .run = recog_smb },
};

const struct recog *recog_table(size_t *n)
{
	*n = sizeof(recog_all) / sizeof(recog_all[0]);
	return recog_all;
}

int recog_run(const struct recog_in *in, struct svc_answer *out)
{
	size_t n = sizeof(recog_all) / sizeof(recog_all[0]);
	int named = 0;

	memset(out, 0, sizeof(*out));
	/* An echo of what we sent (a chargen/echo service, a proxy looping
	 * us back) says nothing about the server, whatever it looks like. */
	if (in->sent_len && in->len >= in->sent_len &&
	    memcmp(in->data, in->sent, in->sent_len) == 0)
		n = 0;
	for (size_t i = 0; in->data && in->len && i < n && !named; i++) {
		if (recog_all[i].run(in, out) && out->service[0])
			named = 1;
		else
			memset(out, 0, sizeof(*out));
	}
	if (in->cert && out->info[0] == '\0')
		recog_cert_info(in->cert, out->info, sizeof(out->info));
	out->kind = named ? SVC_SOFT : SVC_NONE;
	out->file = "recog";
	return named;
}

static void fill_empty(char *dst, size_t size, const char *src)
{
	if (dst[0] == '\0' && src[0] != '\0')
		snprintf(dst, size, "%s", src);
}

int recog_fold(struct svc_answer *a, const struct svc_answer *g)
{
	struct svc_answer old = *a;

	if (a->service[0] == '\0' && g->service[0] != '\0') {
		*a = *g;
		a->kind = SVC_SOFT;
		/* Certificate names a held before g came keep their place. */
		fill_empty(a->info, sizeof(a->info), old.info);
		return 1;
	}
	if (g->service[0] == '\0') {
		/* The certificate's names: where nothing better is said. */
		fill_empty(a->info, sizeof(a->info), g->info);
		return strcmp(a->info, old.info) != 0;
	}
	if (strcmp(a->service, g->service) != 0 || a->product[0] != '\0')
		return 0;
	fill_empty(a->product, sizeof(a->product), g->product);
	fill_empty(a->version, sizeof(a->version), g->version);
	fill_empty(a->info, sizeof(a->info), g->info);
	fill_empty(a->hostname, sizeof(a->hostname), g->hostname);
	fill_empty(a->ostype, sizeof(a->ostype), g->ostype);
	fill_empty(a->devicetype, sizeof(a->devicetype), g->devicetype);
	for (int i = 0; i < g->ncpe && a->ncpe < SVC_MAX_CPE; i++)
		rc_cpe(a, g->cpe[i]);
	return memcmp(a, &old, sizeof(old)) != 0;
}

int rc_line(const uint8_t *data, size_t len, size_t off, char *buf,
	    size_t *next)
{
	size_t i, n = 0;

	for (i = off; i < len && data[i] != '\n'; i++) {
		uint8_t c = data[i];

		if (n + 1 >= RC_LINE_MAX)
			return -1;
		if (c == '\r' && i + 1 < len && data[i + 1] == '\n')
			continue;
		if ((c < 0x20 && c != '\t') || c > 0x7e)
			return -1;
		buf[n++] = (char)c;
	}
	if (i >= len)
		return -1;
	buf[n] = '\0';
	if (next)
		*next = i + 1;
	return (int)n;
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

int rc_prefix_ci(const char *s, const char *prefix)
{
	for (; *prefix; s++, prefix++)
		if (lower((unsigned char)*s) != lower((unsigned char)*prefix))
			return 0;
	return 1;
}

int rc_has_ci(const char *s, const char *needle)
{
	for (; *s; s++)
		if (rc_prefix_ci(s, needle))
			return 1;
	return *needle == '\0';
}

void rc_set(char *field, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(field, size, fmt, ap);
	va_end(ap);
}

void rc_add(char *field, size_t size, const char *text)
{
	size_t n = strlen(field);

	if (text[0] == '\0' || n + 1 >= size)
		return;
	snprintf(field + n, size - n, "%s%s", n ? "; " : "", text);
}

void rc_cpe(struct svc_answer *a, const char *cpe)
{
	for (int i = 0; i < a->ncpe; i++)
		if (strcmp(a->cpe[i], cpe) == 0)
			return;
	if (a->ncpe < SVC_MAX_CPE)
		snprintf(a->cpe[a->ncpe++], sizeof(a->cpe[0]), "%s", cpe);
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

int rc_is_version(const char *s, size_t n)
{
	size_t i = 0;

	if (n > 40 || n == 0)
		return 0;
	if ((s[0] == 'v' || s[0] == 'V') && n > 1)
		i = 1;
	if (!is_digit((unsigned char)s[i]))
		return 0;
	for (; i < n; i++) {
		int c = (unsigned char)s[i];

		if (!is_digit(c) && !is_alpha(c) && !strchr("._+~:-", c))
			return 0;
	}
	return 1;
}

/* Words a greeting uses around the product: never a product's name. */
static const char *const filler[] = {
	"ready",  "server",    "service", "welcome",   "hello",  "esmtp",
	"smtp",   "lmtp",      "ftp",     "pop",       "pop3",   "imap",
	"imap4",  "imap4rev1", "nntp",    "mail",      "news",   "the",
	"to",     "at",        "on",      "is",        "for",    "version",
	"daemon", "host",      "ok",      "greetings", "system", "gateway",
	"proxy",  "unknown",   "none",    "localhost", "please", "you",
	"your",
};

int rc_is_product(const char *s, size_t n)
{
	if (n < 2 || n > 40 || !is_alpha((unsigned char)s[0]))
		return 0;
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i];

		if (!is_digit(c) && !is_alpha(c) && !strchr("._+-", c))
			return 0;
	}
	for (size_t i = 0; i < sizeof(filler) / sizeof(filler[0]); i++)
		if (strlen(filler[i]) == n && rc_prefix_ci(s, filler[i]))
			return 0;
	return 1;
}

static const struct {
	const char *word, *os, *cpe;
} os_words[] = {
	{ "Debian", "Linux", "cpe:/o:linux:linux_kernel" },
	{ "Ubuntu", "Linux", "cpe:/o:linux:linux_kernel" },
	{ "Raspbian", "Linux", "cpe:/o:linux:linux_kernel" },
	{ "Red Hat", "Linux", "cpe:/o:linux:linux_kernel" },
	{ "RedHat", "Linux", "cpe:/o:linux:linux_kernel" },
	{ "CentOS", "Linux", "cpe:/o:linux:linux_kernel" },
	{ "Fedora", "Linux", "cpe:/o:linux:linux_kernel" },
	{ "Alpine", "Linux", "cpe:/o:linux:linux_kernel" },
	{ "SUSE", "Linux", "cpe:/o:linux:linux_kernel" },
	{ "Linux", "Linux", "cpe:/o:linux:linux_kernel" },
	{ "FreeBSD", "FreeBSD", "cpe:/o:freebsd:freebsd" },
	{ "OpenBSD", "OpenBSD", "cpe:/o:openbsd:openbsd" },
	{ "NetBSD", "NetBSD", "cpe:/o:netbsd:netbsd" },
	{ "Win32", "Windows", "cpe:/o:microsoft:windows" },
	{ "Win64", "Windows", "cpe:/o:microsoft:windows" },
	{ "Windows", "Windows", "cpe:/o:microsoft:windows" },
};

const char *rc_os_word(struct svc_answer *a, const char *word, size_t n)
{
	for (size_t i = 0; i < sizeof(os_words) / sizeof(os_words[0]); i++) {
		size_t k = strlen(os_words[i].word);

		/* The word itself, or its start ("Debian-2+deb12u3"). */
		if (n < k || !rc_prefix_ci(word, os_words[i].word) ||
		    (n > k && is_alpha((unsigned char)word[k])))
			continue;
		rc_set(a->ostype, sizeof(a->ostype), "%s", os_words[i].os);
		rc_cpe(a, os_words[i].cpe);
		return os_words[i].os;
	}
	return NULL;
}

/* A later word of a product's name ("GStreamer RTSP server"). */
static int is_word(const char *s, size_t n)
{
	if (n == 0 || n > 40 || !is_alpha((unsigned char)s[0]))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!is_digit((unsigned char)s[i]) &&
		    !is_alpha((unsigned char)s[i]) && !strchr("._+-", s[i]))
			return 0;
	return 1;
}

/*
 * The comment "(...)" at s (after spaces), nested comments included
 * (RFC 9110 5.6.5): its inside, or 0 if none or unbalanced.
 */
static size_t comment_at(const char *s, const char **inside)
{
	int depth = 0;

	while (*s == ' ')
		s++;
	if (*s != '(')
		return 0;
	for (const char *e = s; *e; e++) {
		depth += *e == '(';
		depth -= *e == ')';
		if (depth == 0) {
			*inside = s + 1;
			return (size_t)(e - s - 1);
		}
	}
	return 0;
}

int rc_product_field(const char *value, struct svc_answer *a)
{
	const char *s = value, *c = NULL;
	size_t n, words = 0, pn = 0, cn;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strcspn(s, " /\t");
	if (s[n] == '/') {
		/* "name/version": RFC 9110's product token. */
		size_t vn = strcspn(s + n + 1, " \t;");

		if (!rc_is_product(s, n))
			return 0;
		rc_set(a->product, sizeof(a->product), "%.*s", (int)n, s);
		if (rc_is_version(s + n + 1, vn))
			rc_set(a->version, sizeof(a->version), "%.*s", (int)vn,
			       s + n + 1);
		s += n + 1 + vn;
	} else {
		/* "Asterisk PBX 18.10.0": up to three words, then a version. */
		const char *p = s;

		while (words < 3 && !rc_is_version(s, n) &&
		       (words ? is_word(s, n) : rc_is_product(s, n))) {
			pn = (size_t)(s + n - p);
			words++;
			s += n;
			while (*s == ' ')
				s++;
			n = strcspn(s, " /\t;");
		}
		if (words == 0)
			return 0;
		rc_set(a->product, sizeof(a->product), "%.*s", (int)pn, p);
		if (rc_is_version(s, n)) {
			rc_set(a->version, sizeof(a->version), "%.*s", (int)n,
			       s);
			s += n;
		}
	}
	cn = comment_at(s, &c);
	if (cn > 0 && cn < 80) {
		char info[81];
		size_t vn = strcspn(c, " ()");

		/* "kamailio (5.6.3 (x86_64/linux))": the version inside. */
		if (a->version[0] == '\0' && vn < cn && rc_is_version(c, vn)) {
			rc_set(a->version, sizeof(a->version), "%.*s", (int)vn,
			       c);
			c += vn;
			cn -= vn;
			while (cn && (*c == ' ' || *c == '('))
				c++, cn--;
			while (cn && c[cn - 1] == ')')
				cn--;
		}
		rc_set(info, sizeof(info), "%.*s", (int)cn, c);
		rc_add(a->info, sizeof(a->info), info);
		rc_os_word(a, c, strcspn(c, ";) /"));
	}
	return 1;
}

void recog_offer(struct svc_answer *acc, const struct svc_probe *probe,
		 const struct tls_conn *tls, const uint8_t *data, size_t len)
{
	struct tls_names tn;
	struct recog_in in = {
		.probe = probe->name,
		.sent = probe->payload,
		.sent_len = probe->payload_len,
		.tls = tls != NULL,
		.data = data,
		.len = len,
	};
	struct svc_answer g;

	if (tls && tls_peer_names(tls, &tn) == 0)
		in.cert = &tn;
	recog_run(&in, &g);
	recog_fold(acc, &g);
}

/* The last complete line of data (no CR LF) in buf; its length or -1. */
static int last_line(const uint8_t *data, size_t len, char *buf)
{
	size_t start, end = len;
	int n;

	if (len == 0 || data[len - 1] != '\n')
		return -1;
	end = len - 1;
	if (end > 0 && data[end - 1] == '\r')
		end--;
	for (start = end; start > 0 && data[start - 1] != '\n'; start--)
		;
	if (end - start >= RC_LINE_MAX)
		return -1;
	n = (int)(end - start);
	memcpy(buf, data + start, (size_t)n);
	buf[n] = '\0';
	return n;
}

int recog_reply_pending(const uint8_t *data, size_t len)
{
	char line[RC_LINE_MAX];
	const char *notice;

	if (data == NULL || last_line(data, len, line) < 0)
		return 0;
	/* ":server NOTICE target :*** ..." or "NOTICE AUTH :*** ..." */
	if (line[0] == ':')
		notice = strstr(line, " NOTICE ");
	else
		notice = strncmp(line, "NOTICE ", 7) == 0 ? line : NULL;
	return notice != NULL && strstr(notice, " :*** ") != NULL;
}
