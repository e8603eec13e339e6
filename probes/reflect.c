/* reflect.c -- tells a reply that is our own probe sent back (echo services). */
#include "probes/reflect.h"

static int two_values(const uint8_t *b, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (b[i] != b[0])
			return 1;
	return 0;
}

enum reflect reflect_classify(const uint8_t *probe, size_t plen,
			      const uint8_t *resp, size_t rlen, int final)
{
	if (probe == NULL || resp == NULL || plen == 0 || rlen == 0)
		return REFLECT_NO;
	for (size_t i = 0; i < rlen; i++)
		if (resp[i] != probe[i % plen])
			return REFLECT_NO;
	if (rlen >= plen)
		return REFLECT_YES;
	if (!final)
		return REFLECT_MAYBE;
	return rlen >= REFLECT_MIN_PREFIX && two_values(resp, rlen)
		       ? REFLECT_YES
		       : REFLECT_NO;
}
