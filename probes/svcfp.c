/* svcfp.c -- builds nmap's SF-Port fingerprint text for unmatched services. */
#include "probes/svcfp.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netstack/base/util.h"

#define FP_WRAP 74      /* columns per line */
#define FP_DATA_MAX 900 /* bytes of one response shown */
#define FP_FULL 2200    /* no more responses once the text is this long */

void svcfp_init(struct svcfp *fp, const char *version, const char *platform,
		uint16_t port, int proto, int ssl, int intensity, time_t now)
{
	memset(fp, 0, sizeof(*fp));
	snprintf(fp->version, sizeof(fp->version), "%s",
		 version ? version : "");
	snprintf(fp->platform, sizeof(fp->platform), "%s",
		 platform ? platform : "");
	fp->port = port;
	fp->proto = proto;
	fp->ssl = ssl;
	fp->intensity = intensity;
	fp->now = now;
}

/*
 * Wrapping counts the "\nSF:" already inserted, exactly as nmap's
 * addServiceChar does: a break goes in whenever the length reaches 74
 * modulo 75, which makes every line 74 characters including "SF:".
 * Escapes may be split across lines; nmap splits them too.
 */
static void put(struct svcfp *fp, char c)
{
	fp->buf = xgrow(fp->buf, &fp->cap, fp->len + 8, 1);
	if (fp->len % (FP_WRAP + 1) == FP_WRAP) {
		memcpy(fp->buf + fp->len, "\nSF:", 4);
		fp->len += 4;
	}
	fp->buf[fp->len++] = c;
	fp->buf[fp->len] = '\0';
}

static void puts_fp(struct svcfp *fp, const char *s)
{
	while (*s)
		put(fp, *s++);
}

/* C-locale classes, so a caller's setlocale() cannot change the text. */
static int fp_isalnum(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

static int fp_ispunct(int c)
{
	return c > 0x20 && c < 0x7f && !fp_isalnum(c);
}

static void put_byte(struct svcfp *fp, const uint8_t *d, size_t i, size_t used)
{
	uint8_t c = d[i];
	char hex[8];

	if (fp_isalnum(c)) {
		put(fp, (char)c);
	} else if (c == '\0') {
		/* "\01" would read as an octal escape in PCRE. */
		if (i + 1 < used && d[i + 1] >= '0' && d[i + 1] <= '9')
			puts_fp(fp, "\\x00");
		else
			puts_fp(fp, "\\0");
	} else if (strchr("\\?\"[]().*+$^|", c) != NULL) {
		put(fp, '\\');
		put(fp, (char)c);
	} else if (fp_ispunct(c)) {
		put(fp, (char)c);
	} else if (c == '\r') {
		puts_fp(fp, "\\r");
	} else if (c == '\n') {
		puts_fp(fp, "\\n");
	} else if (c == '\t') {
		puts_fp(fp, "\\t");
	} else {
		snprintf(hex, sizeof(hex), "\\x%02x", c);
		puts_fp(fp, hex);
	}
}

void svcfp_add(struct svcfp *fp, const char *probe, const uint8_t *data,
	       size_t len)
{
	size_t used = len < FP_DATA_MAX ? len : FP_DATA_MAX, i;
	char head[256];

	if (len == 0 || fp->len > FP_FULL)
		return;
	if (fp->len == 0) {
		struct tm tm;
		int ok = localtime_r(&fp->now, &tm) != NULL;

		snprintf(head, sizeof(head),
			 "SF-Port%u-%s:V=%s%s%%I=%d%%D=%d/%d%%Time=%X%%P=%s",
			 fp->port, fp->proto == IPPROTO_UDP ? "UDP" : "TCP",
			 fp->version, fp->ssl ? "%T=SSL" : "", fp->intensity,
			 ok ? tm.tm_mon + 1 : 0, ok ? tm.tm_mday : 0,
			 (unsigned)(uint32_t)fp->now, fp->platform);
		puts_fp(fp, head);
	}
	/* The hex length is the whole response, though we show 900 bytes. */
	snprintf(head, sizeof(head), "%%r(%.64s,%zX,\"", probe, len);
	puts_fp(fp, head);
	for (i = 0; i < used; i++)
		put_byte(fp, data, i, used);
	put(fp, '"');
	put(fp, ')');
}

const char *svcfp_text(struct svcfp *fp)
{
	if (fp->len == 0)
		return NULL;
	/* The closing ';' is never wrapped; it sits past len. */
	fp->buf = xgrow(fp->buf, &fp->cap, fp->len + 2, 1);
	fp->buf[fp->len] = ';';
	fp->buf[fp->len + 1] = '\0';
	return fp->buf;
}

void svcfp_free(struct svcfp *fp)
{
	if (fp == NULL)
		return;
	free(fp->buf);
	fp->buf = NULL;
	fp->len = fp->cap = 0;
}
