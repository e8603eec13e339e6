/* xmllib.c -- libxml2 mapped by fathom merge when it first reads XML, not linked into every scan. */
#include "engine/merge/xmllib.h"

#include "netstack/base/dynlib.h"

#define XMLLIB_NAME(f) #f,

union xmllib xmllib;

static const char *const names[] = { XMLLIB_FNS(XMLLIB_NAME) };
#define NFNS (sizeof(names) / sizeof(*names))
_Static_assert(sizeof(xmllib.f) == NFNS * sizeof(void *),
	       "one pointer per libxml2 function");

int xmllib_load(char *err, size_t errlen)
{
	static void *lib;

	return dynlib_load(&lib, "libxml2.so.2", names, xmllib.v, NFNS, err,
			   errlen);
}
