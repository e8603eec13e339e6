/* recog_int.h -- what the recogniser families share: lines, tokens, fields. */
#ifndef FATHOM_RECOG_INT_H
#define FATHOM_RECOG_INT_H

#include <stddef.h>
#include <stdint.h>

#include "probes/recog.h"

/*
 * probes/recog.c       the table, recog_run(), recog_fold(), these helpers
 * probes/recog_text.c  line protocols: SSH, SMTP, FTP, POP3, IMAP, NNTP,
 *                      IRC, rsync, munin, MPD, NATS, Redis, memcached,
 *                      XMPP
 * probes/recog_http.c  header protocols: HTTP, RTSP, SIP
 * probes/recog_bin.c   binary: SOCKS 4/5, RFB, X11, MQTT, AMQP,
 *                      PostgreSQL, MySQL
 * probes/recog_dir.c   BER and SMB: LDAP root DSE, SMB negotiate
 * probes/recog_tls.c   the TLS peer certificate's names
 */

/* The longest line a line recogniser reads; longer is not a greeting. */
#define RC_LINE_MAX 512

/*
 * Copies line k (0-based) of data into buf as a C string without its
 * CR LF. Returns its length, or -1 if data holds no complete line k
 * (no LF yet), the line is longer than RC_LINE_MAX - 1, or it holds a
 * byte outside printable ASCII and TAB (a binary reply is not a line).
 * *next (may be NULL) gets the offset after the line's LF.
 */
int rc_line(const uint8_t *data, size_t len, size_t off, char *buf,
	    size_t *next);

/* 1 if s starts with prefix, ASCII case-insensitively. */
int rc_prefix_ci(const char *s, const char *prefix);

/* 1 if needle occurs in s, ASCII case-insensitively. */
int rc_has_ci(const char *s, const char *needle);

/* snprintf into a field, never failing: a cut field is still a field. */
void rc_set(char *field, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Appends "; text" (or text to an empty field); cut at size. */
void rc_add(char *field, size_t size, const char *text);

/* Adds a CPE to a (ignored once SVC_MAX_CPE are held). */
void rc_cpe(struct svc_answer *a, const char *cpe);

/*
 * 1 if the n bytes at s are a version token: a digit first (or "v"/"V"
 * then a digit), then only [A-Za-z0-9._+~:-], at most 40 bytes. A
 * leading "v" is part of the token; callers drop it.
 */
int rc_is_version(const char *s, size_t n);

/* 1 if s (n bytes) is a product word: a letter first, then only
 * [A-Za-z0-9._+-], 2 to 40 bytes, and not a greeting's filler word
 * ("ready", "server", "service", "welcome", "ESMTP"...). */
int rc_is_product(const char *s, size_t n);

/*
 * The operating system a distribution or platform word names (Debian,
 * Ubuntu, Red Hat, CentOS, Fedora, Raspbian, Alpine, FreeBSD, OpenBSD,
 * NetBSD, Win32/Win64/Windows), or NULL: "Linux", "FreeBSD", "Windows"...
 * Sets a's ostype and its OS cpe when found.
 */
const char *rc_os_word(struct svc_answer *a, const char *word, size_t n);

/*
 * Reads a product field the way HTTP Server, SIP User-Agent and RTSP
 * Server values write it (RFC 9110 10.2.4: product tokens "name/version"
 * and "(comments)"): "nginx/1.22.1", "Apache/2.4.71 (Debian) OpenSSL/3",
 * "Asterisk PBX 18.10.0". The first product becomes a's product and
 * version; its comment (if any) the extrainfo and, when it names a
 * distribution, the ostype. Returns 1 if a product was read.
 */
int rc_product_field(const char *value, struct svc_answer *a);

/* The families' recognisers, for recog.c's table. */
int recog_ssh(const struct recog_in *in, struct svc_answer *out);
int recog_smtp(const struct recog_in *in, struct svc_answer *out);
int recog_ftp(const struct recog_in *in, struct svc_answer *out);
int recog_pop3(const struct recog_in *in, struct svc_answer *out);
int recog_imap(const struct recog_in *in, struct svc_answer *out);
int recog_nntp(const struct recog_in *in, struct svc_answer *out);
int recog_irc(const struct recog_in *in, struct svc_answer *out);
int recog_rsync(const struct recog_in *in, struct svc_answer *out);
int recog_munin(const struct recog_in *in, struct svc_answer *out);
int recog_mpd(const struct recog_in *in, struct svc_answer *out);
int recog_nats(const struct recog_in *in, struct svc_answer *out);
int recog_redis(const struct recog_in *in, struct svc_answer *out);
int recog_memcached(const struct recog_in *in, struct svc_answer *out);
int recog_xmpp(const struct recog_in *in, struct svc_answer *out);
int recog_http(const struct recog_in *in, struct svc_answer *out);
int recog_rtsp(const struct recog_in *in, struct svc_answer *out);
int recog_sip(const struct recog_in *in, struct svc_answer *out);
int recog_socks5(const struct recog_in *in, struct svc_answer *out);
int recog_socks4(const struct recog_in *in, struct svc_answer *out);
int recog_rfb(const struct recog_in *in, struct svc_answer *out);
int recog_x11(const struct recog_in *in, struct svc_answer *out);
int recog_mqtt(const struct recog_in *in, struct svc_answer *out);
int recog_amqp(const struct recog_in *in, struct svc_answer *out);
int recog_pgsql(const struct recog_in *in, struct svc_answer *out);
int recog_mysql(const struct recog_in *in, struct svc_answer *out);
int recog_ldap(const struct recog_in *in, struct svc_answer *out);
int recog_smb(const struct recog_in *in, struct svc_answer *out);

/* recog_tls.c: the certificate's names as extrainfo ("" if none). */
void recog_cert_info(const struct tls_names *cert, char *info, size_t size);

#endif
