/* svcescape.c -- the C-string escapes of nmap-service-probes, to bytes. */
#include "probes/servicedb.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "netstack/base/util.h"

int svc_unescape(const char *src, size_t srclen, uint8_t *dst, size_t *dstlen,
		 char *why, size_t whylen)
{
	static const char plain[] = "0abfnrtv";
	static const uint8_t code[] = { 0,    '\a', '\b', '\f',
					'\n', '\r', '\t', '\v' };
	size_t i = 0, o = 0;

	while (i < srclen) {
		unsigned char c = (unsigned char)src[i++];
		const char *k;

		if (c != '\\') {
			dst[o++] = c;
			continue;
		}
		if (i >= srclen) {
			errf(why, whylen, "trailing backslash");
			return -1;
		}
		c = (unsigned char)src[i++];
		if (c == 'x') {
			char hex[3] = { 0 };

			if (i + 2 > srclen ||
			    !isxdigit((unsigned char)src[i]) ||
			    !isxdigit((unsigned char)src[i + 1])) {
				errf(why, whylen, "\\x needs two hex digits");
				return -1;
			}
			memcpy(hex, src + i, 2);
			dst[o++] = (uint8_t)strtoul(hex, NULL, 16);
			i += 2;
		} else if (c != '\0' && (k = strchr(plain, c)) != NULL) {
			dst[o++] = code[k - plain];
		} else if (c < 0x80 && isalnum(c)) {
			/* nmap refuses octal and unknown letters alike. */
			errf(why, whylen, "unknown escape '\\%c'", c);
			return -1;
		} else {
			dst[o++] = c;
		}
	}
	*dstlen = o;
	return 0;
}
