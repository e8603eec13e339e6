/* harness.h -- a tiny unit-test harness: TAP-style lines, one exit status. */
#ifndef FATHOM_HARNESS_H
#define FATHOM_HARNESS_H

#include <stdio.h>
#include <string.h>

/*
 * Each test binary runs its cases and prints "ok - NAME" or
 * "not ok - NAME: why" per case; tools/check counts those lines.
 * CHECK records a failure but keeps going so one run shows every fault.
 */
static int h_failed, h_cases, h_case_failed;
static const char *h_case;

#define CASE(name)                                                          \
	for (h_case = (name), h_case_failed = 0, h_cases++; h_case;         \
	     printf("%s - %s\n", h_case_failed ? "not ok" : "ok", h_case),  \
	    h_failed += h_case_failed != 0, h_case = NULL)

#define CHECK(cond)                                                         \
	do {                                                                \
		if (!(cond)) {                                              \
			printf("#   %s:%d: CHECK(%s) failed\n", __FILE__,   \
			       __LINE__, #cond);                            \
			h_case_failed++;                                    \
		}                                                           \
	} while (0)

#define CHECK_EQ_U(a, b)                                                    \
	do {                                                                \
		unsigned long long h_a = (unsigned long long)(a);           \
		unsigned long long h_b = (unsigned long long)(b);           \
		if (h_a != h_b) {                                           \
			printf("#   %s:%d: %s == %s: %llu != %llu\n",       \
			       __FILE__, __LINE__, #a, #b, h_a, h_b);       \
			h_case_failed++;                                    \
		}                                                           \
	} while (0)

#define CHECK_STR(a, b)                                                     \
	do {                                                                \
		const char *h_a = (a), *h_b = (b);                          \
		if (h_a == NULL || h_b == NULL || strcmp(h_a, h_b) != 0) {  \
			printf("#   %s:%d: %s == %s: \"%s\" != \"%s\"\n",   \
			       __FILE__, __LINE__, #a, #b,                  \
			       h_a ? h_a : "(null)", h_b ? h_b : "(null)"); \
			h_case_failed++;                                    \
		}                                                           \
	} while (0)

#define DONE() (h_failed ? 1 : 0)

#endif
