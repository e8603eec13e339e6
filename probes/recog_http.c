/* recog_http.c -- recognisers for header protocols: HTTP, RTSP, SIP. */
#include <stdio.h>
#include <string.h>

#include "probes/recog_int.h"

/* At most this many header lines are read before the blank line. */
#define MAX_HEADERS 100

/* The headers the recognisers read, from one complete header block. */
struct hdrs {
	char server[RC_LINE_MAX];
	char agent[RC_LINE_MAX];   /* User-Agent (SIP servers use it too) */
	char powered[RC_LINE_MAX]; /* X-Powered-By */
	char via[RC_LINE_MAX];
};

static void keep(char *dst, const char *line, size_t name_len)
{
	const char *v = line + name_len;

	while (*v == ' ' || *v == '\t')
		v++;
	if (dst[0] == '\0')
		snprintf(dst, RC_LINE_MAX, "%s", v);
}

/*
 * "<proto>/d.d ddd reason" then headers up to the empty line (RFC 9112
 * 2.1 and 4; RTSP and SIP share the form). Returns 1 once the whole
 * block has arrived and is well formed, filling h; a line that is not
 * a header, or no empty line yet, is 0: a half-received block is not
 * yet an answer.
 */
static int header_block(const struct recog_in *in, const char *proto,
			struct hdrs *h)
{
	char line[RC_LINE_MAX];
	size_t off = 0, pl = strlen(proto);
	const char *s = line + pl;

	memset(h, 0, sizeof(*h));
	if (rc_line(in->data, in->len, 0, line, &off) < 0 ||
	    strncmp(line, proto, pl) != 0)
		return 0;
	if (!(s[0] >= '0' && s[0] <= '9' && s[1] == '.' && s[2] >= '0' &&
	      s[2] <= '9' && s[3] == ' ' && s[4] >= '1' && s[4] <= '6' &&
	      s[5] >= '0' && s[5] <= '9' && s[6] >= '0' && s[6] <= '9' &&
	      (s[7] == ' ' || s[7] == '\0')))
		return 0;
	for (int k = 0; k < MAX_HEADERS; k++) {
		const char *colon;

		if (rc_line(in->data, in->len, off, line, &off) < 0)
			return 0;
		if (line[0] == '\0')
			return 1;
		colon = strchr(line, ':');
		if (colon == NULL || colon == line ||
		    strcspn(line, " \t") < (size_t)(colon - line))
			return 0;
		if (rc_prefix_ci(line, "Server:"))
			keep(h->server, line, 7);
		else if (rc_prefix_ci(line, "User-Agent:"))
			keep(h->agent, line, 11);
		else if (rc_prefix_ci(line, "X-Powered-By:"))
			keep(h->powered, line, 13);
		else if (rc_prefix_ci(line, "Via:"))
			keep(h->via, line, 4);
	}
	return 0;
}

/* Adds "label value" to the extrainfo, the value cut to 60 bytes. */
static void add_header(struct svc_answer *a, const char *label,
		       const char *value)
{
	char t[80];

	if (value[0] == '\0')
		return;
	rc_set(t, sizeof(t), "%s%.60s", label, value);
	rc_add(a->info, sizeof(a->info), t);
}

int recog_http(const struct recog_in *in, struct svc_answer *a)
{
	struct hdrs h;

	if (!header_block(in, "HTTP/", &h))
		return 0;
	rc_set(a->service, sizeof(a->service), "http");
	if (h.server[0])
		rc_product_field(h.server, a);
	add_header(a, "", h.powered);
	add_header(a, "via ", h.via);
	return 1;
}

int recog_rtsp(const struct recog_in *in, struct svc_answer *a)
{
	struct hdrs h;

	if (!header_block(in, "RTSP/", &h))
		return 0;
	rc_set(a->service, sizeof(a->service), "rtsp");
	if (h.server[0])
		rc_product_field(h.server, a);
	return 1;
}

int recog_sip(const struct recog_in *in, struct svc_answer *a)
{
	struct hdrs h;

	if (!header_block(in, "SIP/", &h))
		return 0;
	rc_set(a->service, sizeof(a->service), "sip");
	/* RFC 3261 20.35/20.41: a UAS names itself in either header. */
	if (h.server[0])
		rc_product_field(h.server, a);
	else if (h.agent[0])
		rc_product_field(h.agent, a);
	return 1;
}
