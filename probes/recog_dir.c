/* recog_dir.c -- directory and file-sharing replies: LDAP (BER), SMB. */
#include <stdio.h>
#include <string.h>

#include "probes/recog_int.h"

/* The messageID of fathom's LDAPRootDSE probe (fathom-service-probes). */
#define LDAP_ROOTDSE_ID 7

/* One BER element: tag, where its content starts, how long it is. */
struct ber {
	uint8_t tag;
	const uint8_t *c;
	size_t len;
};

/*
 * Reads the element at p (n bytes available), definite lengths of at
 * most 4 bytes, single-byte tags (all LDAP uses). 0 when it is not all
 * there yet or is malformed: the caller answers nothing.
 */
static int ber_get(const uint8_t *p, size_t n, struct ber *e, size_t *used)
{
	size_t l, h = 2;

	if (n < 2 || (p[0] & 0x1f) == 0x1f)
		return 0;
	l = p[1];
	if (l & 0x80) {
		size_t k = l & 0x7f;

		if (k == 0 || k > 4 || n < 2 + k)
			return 0;
		l = 0;
		for (size_t i = 0; i < k; i++)
			l = l << 8 | p[2 + i];
		h += k;
	}
	if (l > n - h)
		return 0;
	e->tag = p[0];
	e->c = p + h;
	e->len = l;
	*used = h + l;
	return 1;
}

static int printable(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			return 0;
	return 1;
}

/* The first value of attribute (type, vals SET) when it is text. */
static void ldap_attr(const struct ber *attr, struct svc_answer *a)
{
	struct ber type, vals, v;
	size_t u, u2;

	if (!ber_get(attr->c, attr->len, &type, &u) || type.tag != 0x04 ||
	    !ber_get(attr->c + u, attr->len - u, &vals, &u2) ||
	    vals.tag != 0x31 || !ber_get(vals.c, vals.len, &v, &u2) ||
	    v.tag != 0x04 || v.len == 0 || v.len > 80 || !printable(v.c, v.len))
		return;
	if (type.len == 10 && rc_prefix_ci((const char *)type.c, "vendorName"))
		rc_set(a->product, sizeof(a->product), "%.*s", (int)v.len,
		       (const char *)v.c);
	else if (type.len == 11 &&
		 rc_prefix_ci((const char *)type.c, "dnsHostName"))
		rc_set(a->hostname, sizeof(a->hostname), "%.*s", (int)v.len,
		       (const char *)v.c);
	else if (type.len == 13 &&
		 rc_prefix_ci((const char *)type.c, "vendorVersion")) {
		/* "389-Directory/2.4.5 B2024.010": after a '/' when there
		 * is one (a name/version token), else the first token. */
		const uint8_t *sl = memchr(v.c, '/', v.len);
		const char *s = sl ? (const char *)sl + 1 : (const char *)v.c;
		size_t left = v.len - (size_t)((const uint8_t *)s - v.c);
		size_t n = 0;

		while (n < left && s[n] != ' ')
			n++;
		if (rc_is_version(s, n))
			rc_set(a->version, sizeof(a->version), "%.*s", (int)n,
			       s);
	}
}

/*
 * RFC 4511 4.1.1: LDAPMessage ::= SEQUENCE { messageID, protocolOp }.
 * The root DSE comes back as a SearchResultEntry (APPLICATION 4) for
 * our messageID; a SearchResultDone (5), BindResponse (1) or a notice of
 * disconnection (ExtendedResponse 24, messageID 0) is LDAP without
 * names. Every element must be whole and nested exactly.
 */
int recog_ldap(const struct recog_in *in, struct svc_answer *a)
{
	struct ber msg, id, op, dn, attrs, attr, rc;
	size_t u, off, k;
	uint32_t mid = 0;

	if (!ber_get(in->data, in->len, &msg, &u) || msg.tag != 0x30 ||
	    !ber_get(msg.c, msg.len, &id, &off) || id.tag != 0x02 ||
	    id.len == 0 || id.len > 4 ||
	    !ber_get(msg.c + off, msg.len - off, &op, &u))
		return 0;
	for (size_t i = 0; i < id.len; i++)
		mid = mid << 8 | id.c[i];
	if (op.tag == 0x61 || op.tag == 0x65 || op.tag == 0x78) {
		/* LDAPResult: resultCode ENUMERATED first. */
		if (!ber_get(op.c, op.len, &rc, &u) || rc.tag != 0x0a ||
		    (op.tag == 0x78 && mid != 0))
			return 0;
		rc_set(a->service, sizeof(a->service), "ldap");
		return 1;
	}
	if (op.tag != 0x64 || mid != LDAP_ROOTDSE_ID ||
	    !ber_get(op.c, op.len, &dn, &off) || dn.tag != 0x04 ||
	    !ber_get(op.c + off, op.len - off, &attrs, &u) || attrs.tag != 0x30)
		return 0;
	rc_set(a->service, sizeof(a->service), "ldap");
	for (off = 0, k = 0; off < attrs.len && k < 64; off += u, k++) {
		if (!ber_get(attrs.c + off, attrs.len - off, &attr, &u) ||
		    attr.tag != 0x30)
			break;
		ldap_attr(&attr, a);
	}
	return 1;
}

/* UTF-16LE text of ASCII characters up to a NUL pair, into out. */
static size_t utf16_ascii(const uint8_t *p, size_t n, char *out, size_t cap)
{
	size_t k = 0, i;

	for (i = 0; i + 1 < n; i += 2) {
		if (p[i] == 0 && p[i + 1] == 0)
			break;
		if (p[i + 1] != 0 || p[i] < 0x20 || p[i] > 0x7e || k + 1 >= cap)
			return 0;
		out[k++] = (char)p[i];
	}
	out[k] = '\0';
	return i + 1 < n ? i + 2 : 0;
}

/* SMB1 NEGOTIATE response (MS-CIFS 2.2.4.52.2), without extended
 * security: the domain and server names follow the challenge. */
static void smb1_names(const uint8_t *h, size_t n, struct svc_answer *a)
{
	const uint8_t *w = h + 33, *b;
	size_t bc, cl, u;
	char dom[64], srv[64];

	if (n < 33 + 34 + 2 || h[32] != 17)
		return;
	if (w[22] & 0x80) /* CAP_EXTENDED_SECURITY (bit 31): a blob */
		return;
	cl = w[33];
	bc = w[34] | (size_t)w[35] << 8;
	b = w + 36;
	if (b + bc > h + n || cl > bc || !(h[11] & 0x80)) /* Unicode only */
		return;
	if ((u = utf16_ascii(b + cl, bc - cl, dom, sizeof(dom))) == 0)
		return;
	if (dom[0]) {
		char t[80];

		rc_set(t, sizeof(t), "workgroup: %s", dom);
		rc_add(a->info, sizeof(a->info), t);
	}
	if (utf16_ascii(b + cl + u, bc - cl - u, srv, sizeof(srv)) && srv[0])
		rc_set(a->hostname, sizeof(a->hostname), "%s", srv);
}

/*
 * A NetBIOS session message (type 0, 3-byte length) holding an SMB2
 * NEGOTIATE response (MS-SMB2 2.2.4: StructureSize 65, DialectRevision)
 * or an SMB1 one (command 0x72, status 0).
 */
int recog_smb(const struct recog_in *in, struct svc_answer *a)
{
	const uint8_t *d = in->data, *h = d + 4;
	size_t n;

	if (in->len < 4 + 36 || d[0] != 0)
		return 0;
	n = (size_t)d[1] << 16 | (size_t)d[2] << 8 | d[3];
	if (n > in->len - 4 || n < 36)
		return 0;
	if (memcmp(h, "\xfeSMB", 4) == 0) {
		unsigned dia;

		if (n < 64 + 8 || h[4] != 64 || h[12] != 0 || h[13] != 0 ||
		    h[64] != 65 || h[65] != 0 || h[8] | h[9] | h[10] | h[11])
			return 0;
		dia = h[68] | (unsigned)h[69] << 8;
		rc_set(a->service, sizeof(a->service), "microsoft-ds");
		if (dia == 0x02ff)
			rc_set(a->info, sizeof(a->info), "SMB 2.1 or later");
		else if ((dia >> 8) >= 2 && (dia >> 8) <= 3 && (dia & 15))
			rc_set(a->info, sizeof(a->info), "SMB %u.%u.%u",
			       dia >> 8, (dia >> 4) & 15, dia & 15);
		else if ((dia >> 8) >= 2 && (dia >> 8) <= 3)
			rc_set(a->info, sizeof(a->info), "SMB %u.%u", dia >> 8,
			       (dia >> 4) & 15);
		if (h[66] & 0x02)
			rc_add(a->info, sizeof(a->info), "signing required");
		return 1;
	}
	if (memcmp(h, "\xffSMB\x72", 5) != 0 || h[5] | h[6] | h[7] | h[8])
		return 0;
	rc_set(a->service, sizeof(a->service), "microsoft-ds");
	rc_set(a->info, sizeof(a->info), "SMB1");
	smb1_names(h, n, a);
	return 1;
}
