/* recog_bin.c -- binary replies: SOCKS, RFB, X11, MQTT, AMQP, PgSQL, MySQL. */
#include <stdio.h>
#include <string.h>

#include "probes/recog_int.h"

static int probe_is(const struct recog_in *in, const char *name)
{
	return in->probe && strcmp(in->probe, name) == 0;
}

static uint32_t be16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le16(const uint8_t *p)
{
	return (uint32_t)p[1] << 8 | p[0];
}

/* n bytes of printable ASCII at p (NUL-free). */
static int printable(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			return 0;
	return 1;
}

/*
 * RFC 1928 3: our greeting offers "no authentication" and
 * "username/password"; the reply is VER 5 and the METHOD chosen. Two
 * bytes say little, so only the reply to our own greeting counts.
 */
int recog_socks5(const struct recog_in *in, struct svc_answer *a)
{
	const uint8_t *d = in->data;
	const char *how;

	if (!probe_is(in, "Socks5Greeting") || in->len != 2 || d[0] != 5)
		return 0;
	switch (d[1]) {
	case 0x00:
		how = "No authentication";
		break;
	case 0x02:
		how = "Username/password authentication";
		break;
	case 0xff:
		how = "No acceptable authentication method";
		break;
	default:
		return 0; /* we offered neither GSSAPI nor others */
	}
	rc_set(a->service, sizeof(a->service), "socks5");
	rc_set(a->info, sizeof(a->info), "%s", how);
	return 1;
}

/* SOCKS 4 (Lee, "SOCKS: A protocol for TCP proxies"): VN 0, CD 90-93. */
int recog_socks4(const struct recog_in *in, struct svc_answer *a)
{
	static const char *const cd[] = {
		"request granted",
		"request rejected",
		"rejected: no identd",
		"rejected: identd mismatch",
	};
	const uint8_t *d = in->data;

	if (!probe_is(in, "Socks4Connect") || in->len != 8 || d[0] != 0 ||
	    d[1] < 90 || d[1] > 93)
		return 0;
	rc_set(a->service, sizeof(a->service), "socks4");
	rc_set(a->info, sizeof(a->info), "%s", cd[d[1] - 90]);
	return 1;
}

/* RFC 6143 7.1.1: "RFB xxx.yyy\n", all the server says first. */
int recog_rfb(const struct recog_in *in, struct svc_answer *a)
{
	const uint8_t *d = in->data;
	unsigned maj = 0, min = 0;

	if (in->len != 12 || memcmp(d, "RFB ", 4) != 0 || d[7] != '.' ||
	    d[11] != '\n')
		return 0;
	for (int i = 4; i < 11; i++) {
		if (i == 7)
			continue;
		if (d[i] < '0' || d[i] > '9')
			return 0;
		if (i < 7)
			maj = maj * 10 + (unsigned)(d[i] - '0');
		else
			min = min * 10 + (unsigned)(d[i] - '0');
	}
	if (maj == 0)
		return 0;
	rc_set(a->service, sizeof(a->service), "vnc");
	rc_set(a->info, sizeof(a->info), "protocol %u.%u", maj, min);
	return 1;
}

/*
 * X Window System protocol, "Connection Setup": we send a little-endian
 * setup for 11.0 without authorisation. The reply's first byte is
 * 0 Failed, 1 Success, 2 Authenticate; bytes 2-5 the server's protocol
 * version; 6-7 the rest's length in 4-byte units. Success carries the
 * vendor string (byte 24: its length; it starts at byte 40).
 */
int recog_x11(const struct recog_in *in, struct svc_answer *a)
{
	const uint8_t *d = in->data;
	size_t total, vl;

	if (!probe_is(in, "X11Setup") || in->len < 8 || d[0] > 2 ||
	    le16(d + 2) != 11)
		return 0;
	total = 8 + 4 * (size_t)le16(d + 6);
	if (in->len < total)
		return 0;
	rc_set(a->service, sizeof(a->service), "X11");
	if (d[0] == 0) {
		size_t rl = d[1] < total - 8 ? d[1] : total - 8;

		/* Xorg ends its reason with a newline; keep the words. */
		while (rl && (d[8 + rl - 1] == '\n' || d[8 + rl - 1] == ' '))
			rl--;
		rc_set(a->info, sizeof(a->info), "access denied");
		if (rl && printable(d + 8, rl) && rl < 120) {
			char why[128];

			rc_set(why, sizeof(why), "%.*s", (int)rl, d + 8);
			rc_add(a->info, sizeof(a->info), why);
		}
		return 1;
	}
	if (d[0] == 2) {
		rc_set(a->info, sizeof(a->info), "authentication required");
		return 1;
	}
	if (total < 40 || (vl = le16(d + 24)) == 0 || 40 + vl > total ||
	    vl > 80 || !printable(d + 40, vl))
		return 0;
	rc_set(a->product, sizeof(a->product), "%.*s", (int)vl, d + 40);
	rc_set(a->version, sizeof(a->version), "%u",
	       (unsigned)(d[8] | d[9] << 8 | d[10] << 16 |
			  (uint32_t)d[11] << 24));
	rc_set(a->info, sizeof(a->info), "X11 protocol %u.%u",
	       (unsigned)le16(d + 2), (unsigned)le16(d + 4));
	return 1;
}

/* MQTT 3.1.1 3.2: CONNACK is 0x20 0x02, session-present, return code. */
int recog_mqtt(const struct recog_in *in, struct svc_answer *a)
{
	static const char *const rc[] = {
		"connection accepted",       "unacceptable protocol version",
		"identifier rejected",       "server unavailable",
		"bad user name or password", "not authorized",
	};
	const uint8_t *d = in->data;

	if (!probe_is(in, "MQTTConnect") || in->len != 4 || d[0] != 0x20 ||
	    d[1] != 2 || d[2] > 1 || d[3] > 5)
		return 0;
	rc_set(a->service, sizeof(a->service), "mqtt");
	rc_set(a->info, sizeof(a->info), "%s", rc[d[3]]);
	return 1;
}

/* An AMQP field value's size after its type byte, or -1 (0-9-1 4.2.1). */
static long amqp_value_len(uint8_t type, const uint8_t *p, size_t left)
{
	switch (type) {
	case 't':
	case 'b':
	case 'B':
		return 1;
	case 's':
	case 'u':
	case 'U':
		return 2;
	case 'I':
	case 'i':
	case 'f':
		return 4;
	case 'l':
	case 'L':
	case 'd':
	case 'T':
		return 8;
	case 'D':
		return 5;
	case 'V':
		return 0;
	case 'S':
	case 'x':
	case 'A':
	case 'F':
		return left < 4 ? -1 : 4 + (long)be32(p);
	default:
		return -1;
	}
}

/* server-properties: product, version, platform (long strings). */
static void amqp_props(const uint8_t *p, size_t n, struct svc_answer *a)
{
	size_t i = 0;

	while (i < n) {
		size_t kl = p[i], vl;
		const uint8_t *k = p + i + 1, *v;
		long sz;

		if (i + 1 + kl + 1 > n)
			return;
		i += 1 + kl;
		sz = amqp_value_len(p[i], p + i + 1, n - i - 1);
		if (sz < 0 || (size_t)sz > n - i - 1)
			return;
		if (p[i] == 'S' && (vl = (size_t)sz - 4) > 0 && vl < 80 &&
		    printable((v = p + i + 5), vl)) {
			if (kl == 7 && memcmp(k, "product", 7) == 0)
				rc_set(a->product, sizeof(a->product), "%.*s",
				       (int)vl, v);
			else if (kl == 7 && memcmp(k, "version", 7) == 0 &&
				 rc_is_version((const char *)v, vl))
				rc_set(a->version, sizeof(a->version), "%.*s",
				       (int)vl, v);
			else if (kl == 8 && memcmp(k, "platform", 8) == 0) {
				char t[81];

				rc_set(t, sizeof(t), "%.*s", (int)vl, v);
				rc_add(a->info, sizeof(a->info), t);
			}
		}
		i += 1 + (size_t)sz;
	}
}

/*
 * AMQP 0-9-1 2.2.4 and 4.2.3: a protocol header back (the broker speaks
 * another version), or a whole Connection.Start method frame (type 1,
 * channel 0, class 10, method 10, frame-end 0xCE).
 */
int recog_amqp(const struct recog_in *in, struct svc_answer *a)
{
	const uint8_t *d = in->data;
	size_t size, tl;

	if (in->len == 8 && memcmp(d, "AMQP", 4) == 0) {
		rc_set(a->service, sizeof(a->service), "amqp");
		if (d[4] == 0 && d[5] == 0 && d[6] == 9 && d[7] == 1)
			rc_set(a->info, sizeof(a->info), "AMQP 0-9-1");
		else if (d[5] == 1 && d[6] == 0 && d[7] == 0 && d[4] <= 3)
			rc_set(a->info, sizeof(a->info), "AMQP 1.0");
		else
			return 0;
		return 1;
	}
	if (in->len < 12 || d[0] != 1 || be16(d + 1) != 0 ||
	    (size = be32(d + 3)) < 10 || size > in->len - 8 ||
	    d[7 + size] != 0xce || be16(d + 7) != 10 || be16(d + 9) != 10 ||
	    size < 16)
		return 0;
	tl = be32(d + 13);
	if (tl > size - 10)
		return 0;
	rc_set(a->service, sizeof(a->service), "amqp");
	/* Connection.Start's version-major/minor: 0 9 is AMQP 0-9-1. */
	rc_set(a->info, sizeof(a->info), "AMQP %u-%u%s", d[11], d[12],
	       d[11] == 0 && d[12] == 9 ? "-1" : "");
	amqp_props(d + 17, tl, a);
	return 1;
}

/* ErrorResponse fields (PostgreSQL protocol 55.7): type byte, C string. */
static int pg_error(const uint8_t *m, size_t n, struct svc_answer *a)
{
	int sev = 0, code = 0, file_c = 0, routine = 0;
	size_t i = 0;

	while (i < n && m[i] != 0) {
		uint8_t t = m[i++];
		const uint8_t *v = m + i, *z = memchr(v, 0, n - i);
		size_t vl;

		if (z == NULL)
			return 0;
		vl = (size_t)(z - v);
		if (t == 'S' && ((vl == 5 && !memcmp(v, "FATAL", 5)) ||
				 (vl == 5 && !memcmp(v, "ERROR", 5)) ||
				 (vl == 5 && !memcmp(v, "PANIC", 5))))
			sev = 1;
		else if (t == 'C' && vl == 5 && printable(v, 5))
			code = 1;
		else if (t == 'F' && vl > 2 && !memcmp(v + vl - 2, ".c", 2))
			file_c = 1;
		else if (t == 'R' && vl > 0)
			routine = 1;
		i += vl + 1;
	}
	/*
	 * The backend's C source file and routine say PostgreSQL itself.
	 * Without them it is another speaker of the protocol (PgBouncer
	 * sends S, C, M only), and the port's own name says more than
	 * "postgresql" would.
	 */
	if (i + 1 != n || !sev || !code || !file_c || !routine)
		return 0;
	rc_set(a->service, sizeof(a->service), "postgresql");
	rc_set(a->product, sizeof(a->product), "PostgreSQL DB");
	return 1;
}

/* ParameterStatus "server_version" ("16.4 (Debian 16.4-1.pgdg120+1)"). */
static void pg_version(const uint8_t *v, size_t vl, struct svc_answer *a)
{
	const char *s = (const char *)v;
	size_t tl = 0;

	while (tl < vl && s[tl] != ' ')
		tl++;
	if (vl >= 120 || !printable(v, vl) || !rc_is_version(s, tl))
		return;
	rc_set(a->product, sizeof(a->product), "PostgreSQL DB");
	rc_set(a->version, sizeof(a->version), "%.*s", (int)tl, s);
	if (tl + 2 < vl && s[tl + 1] == '(' && s[vl - 1] == ')') {
		char c[120];

		rc_set(c, sizeof(c), "%.*s", (int)(vl - tl - 3), s + tl + 2);
		rc_add(a->info, sizeof(a->info), c);
		rc_os_word(a, c, strcspn(c, " "));
	}
}

/*
 * PostgreSQL's answer to a StartupMessage (protocol 3, 55.7): R, an
 * authentication request (Ok, cleartext, MD5 with salt, SASL with its
 * mechanisms), or E, an ErrorResponse. After AuthenticationOk come
 * ParameterStatus messages, one of them server_version.
 */
int recog_pgsql(const struct recog_in *in, struct svc_answer *a)
{
	const uint8_t *d = in->data;
	size_t n = in->len, ml, off;
	uint32_t code;

	if (n < 9 || (ml = be32(d + 1)) < 8 || ml > 8192 || ml + 1 > n)
		return 0;
	if (d[0] == 'E')
		return pg_error(d + 5, ml - 4, a);
	if (d[0] != 'R')
		return 0;
	code = be32(d + 5);
	if (!((code == 0 && ml == 8) || (code == 3 && ml == 8) ||
	      (code == 5 && ml == 12) || (code == 10 && ml > 9)))
		return 0;
	rc_set(a->service, sizeof(a->service), "postgresql");
	rc_set(a->info, sizeof(a->info), "%s",
	       code == 3    ? "password auth"
	       : code == 5  ? "md5 auth"
	       : code == 10 ? "SASL auth"
			    : "");
	for (off = 1 + ml; code == 0 && off + 5 <= n && d[off] == 'S';) {
		size_t sl = be32(d + off + 1);
		const uint8_t *p = d + off + 5, *z;

		if (sl < 4 || sl > 4096 || off + 1 + sl > n)
			break;
		z = memchr(p, 0, sl - 4);
		if (z && z - p == 14 && memcmp(p, "server_version", 14) == 0) {
			size_t left = (size_t)(p + sl - 4 - z - 1);
			const uint8_t *e = memchr(z + 1, 0, left);

			pg_version(z + 1, e ? (size_t)(e - z - 1) : left, a);
			break;
		}
		off += 1 + sl;
	}
	return 1;
}

/* MySQL's version string: MariaDB, TiDB, or MySQL proper (major 3-9). */
static void mysql_product(const char *v, struct svc_answer *a)
{
	const char *m = strstr(v, "-MariaDB");
	const char *t = strstr(v, "-TiDB-v");

	if (m) {
		if (strncmp(v, "5.5.5-", 6) == 0 && m > v + 6)
			v += 6; /* MariaDB 10+ fakes 5.5.5 for old clients */
		rc_set(a->product, sizeof(a->product), "MariaDB");
		if (rc_is_version(v, (size_t)(m - v)))
			rc_set(a->version, sizeof(a->version), "%.*s",
			       (int)(m - v), v);
	} else if (t) {
		rc_set(a->product, sizeof(a->product), "TiDB");
		if (rc_is_version(t + 7, strlen(t + 7)))
			rc_set(a->version, sizeof(a->version), "%s", t + 7);
	} else if (v[0] >= '3' && v[0] <= '9' && v[1] == '.' &&
		   rc_is_version(v, strlen(v))) {
		rc_set(a->product, sizeof(a->product), "MySQL");
		rc_set(a->version, sizeof(a->version), "%s", v);
	}
}

/*
 * MySQL Initial Handshake (protocol 10): 3-byte length, sequence 0,
 * 0x0a, NUL-ended version, thread id (4), scramble (8), a 0x00 filler;
 * or an ERR packet (0xff, error code) refusing us before it.
 */
int recog_mysql(const struct recog_in *in, struct svc_answer *a)
{
	const uint8_t *d = in->data, *z;
	size_t pl, vl;
	uint32_t err;

	if (in->len < 7 || d[3] != 0)
		return 0;
	pl = d[0] | (size_t)d[1] << 8 | (size_t)d[2] << 16;
	if (pl < 3 || pl > 1024 || in->len < 4 + pl)
		return 0;
	if (d[4] == 0xff) {
		static const struct {
			uint32_t code;
			const char *info;
		} errs[] = { { 1040, "too many connections" },
			     { 1129, "host blocked" },
			     { 1130, "unauthorized" } };

		err = le16(d + 5);
		for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++)
			if (errs[i].code == err && printable(d + 7, pl - 3)) {
				rc_set(a->service, sizeof(a->service), "mysql");
				rc_set(a->info, sizeof(a->info), "%s",
				       errs[i].info);
				return 1;
			}
		return 0;
	}
	if (d[4] != 0x0a || (z = memchr(d + 5, 0, pl - 1)) == NULL)
		return 0;
	vl = (size_t)(z - (d + 5));
	if (vl == 0 || vl > 80 || !printable(d + 5, vl) ||
	    5 + vl + 1 + 4 + 8 >= 4 + pl || z[1 + 4 + 8] != 0)
		return 0;
	rc_set(a->service, sizeof(a->service), "mysql");
	{
		char v[81];

		rc_set(v, sizeof(v), "%.*s", (int)vl, d + 5);
		mysql_product(v, a);
	}
	return 1;
}
