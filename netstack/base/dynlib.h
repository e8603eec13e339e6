/* dynlib.h -- a shared library mapped when a feature first needs it, not at start. */
#ifndef FATHOM_DYNLIB_H
#define FATHOM_DYNLIB_H

#include <stddef.h>

/*
 * Why: libpq (-oS postgresql://) and libxml2 (fathom merge) with what
 * they pull in (Kerberos, LDAP, GnuTLS, ICU) cost a scan that uses
 * neither about 6 MB of RSS at start-up, more than the sweep's tables.
 *
 * Maps soname (RTLD_NOW | RTLD_LOCAL) and stores the address of each
 * of names[0..n-1] in fns[0..n-1]; the library stays mapped until the
 * process ends, its handle in *handle. Once *handle is set, a later call
 * does nothing: callers load on every first use without a flag of their
 * own. Returns 0, or -1 with a one-line err naming the library or its
 * missing symbol (nothing stays mapped). Not thread-safe: call it while
 * a run sets up its outputs.
 */
int dynlib_load(void **handle, const char *soname, const char *const *names,
		void **fns, size_t n, char *err, size_t errlen);

#endif
