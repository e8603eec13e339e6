/* dynlib.c -- a shared library mapped when a feature first needs it, not at start. */
#include "netstack/base/dynlib.h"

#include <dlfcn.h>
#include <stdio.h>

int dynlib_load(void **handle, const char *soname, const char *const *names,
		void **fns, size_t n, char *err, size_t errlen)
{
	void *h;
	const char *why;

	if (*handle)
		return 0;
	h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		why = dlerror();
		snprintf(err, errlen, "cannot load %s: %s", soname,
			 why ? why : "not found");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		fns[i] = dlsym(h, names[i]);
		if (fns[i] == NULL) {
			snprintf(err, errlen, "%s has no %s (too old?)", soname,
				 names[i]);
			dlclose(h);
			return -1;
		}
	}
	*handle = h;
	return 0;
}
