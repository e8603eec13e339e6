/* recog_tls.c -- the TLS peer certificate's names as a reply's extrainfo. */
#include <stdio.h>
#include <string.h>

#include "probes/recog_int.h"

/* "CN=x, O=y" of one name; non-ASCII bytes become '?': reports are ASCII. */
static void names(const char *cn, const char *o, char *out, size_t size)
{
	rc_set(out, size, "%s%s%s%s%s", cn[0] ? "CN=" : "", cn,
	       cn[0] && o[0] ? ", " : "", o[0] ? "O=" : "", o);
	for (char *p = out; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			*p = '?';
}

/*
 * "cert CN=svc.fathom.test, O=Lab; issuer CN=Lab CA", the issuer left
 * out when it is the subject (self-signed). Nothing when the
 * certificate names neither.
 */
void recog_cert_info(const struct tls_names *cert, char *info, size_t size)
{
	char subj[140], iss[140];

	info[0] = '\0';
	names(cert->subject_cn, cert->subject_o, subj, sizeof(subj));
	names(cert->issuer_cn, cert->issuer_o, iss, sizeof(iss));
	if (subj[0] == '\0' && iss[0] == '\0')
		return;
	if (strcmp(subj, iss) == 0 || iss[0] == '\0')
		rc_set(info, size, "cert %s", subj);
	else
		rc_set(info, size, "cert %s; issuer %s", subj[0] ? subj : "-",
		       iss);
}
