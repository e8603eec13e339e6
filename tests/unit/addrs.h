/* addrs.h -- test shorthand: a literal address as a struct addr. */
#ifndef FATHOM_TEST_ADDRS_H
#define FATHOM_TEST_ADDRS_H

#include <stdio.h>

#include "netstack/addr.h"

/* s parsed; a bad literal is said (the CHECKs that use it then fail). */
static inline struct addr A(const char *s) {
	struct addr a = { 0 };

	if (addr_parse(s, &a) != 0)
		printf("#   bad test address %s\n", s);
	return a;
}

/* A pointer to s parsed, from a small ring (valid for a few calls). */
static inline const struct addr *
PA(const char *s)
{
	static struct addr ring[8];
	static unsigned i;

	ring[i % 8] = A(s);
	return &ring[i++ % 8];
}

#endif
