/* harness.h -- a tiny unit-test harness: TAP-style lines, one exit status. */
#ifndef FATHOM_HARNESS_H
#define FATHOM_HARNESS_H

#include <stdio.h>
#include <string.h>

/*
 * Each test binary runs its cases and prints "ok - NAME" or
 * "not ok - NAME: why" per case; tools/check counts those lines.
 * CHECK records a failure but keeps going so one run shows every fault.
 *
 * A case is reported when it is closed, and it is closed in two places:
 * the for-loop's increment (the body ran to its end, or `continue`d) and
 * the next CASE or DONE (the body left with `break`). A `break` is how a
 * case gives up on a failed precondition (`CHECK(db); if (!db) break;`),
 * so a case closed without reaching its end is a failure even if no CHECK
 * said so: a skipped case must never read as a passed one.
 */
static int h_failed, h_cases, h_case_failed, h_case_open;
static const char *h_case;

static inline void h_close(int reached_end)
{
	if (!h_case_open)
		return;
	if (!reached_end && !h_case_failed) {
		printf("#   case \"%s\" left before its end\n", h_case);
		h_case_failed++;
	}
	printf("%s - %s\n", h_case_failed ? "not ok" : "ok", h_case);
	h_failed += h_case_failed != 0;
	h_case_open = 0;
}

#define CASE(name)                                                      \
	for (h_close(0), h_case = (name), h_case_failed = 0, h_cases++, \
			 h_case_open = 1;                               \
	     h_case_open; h_close(1))

#define CHECK(cond)                                                       \
	do {                                                              \
		if (!(cond)) {                                            \
			printf("#   %s:%d: CHECK(%s) failed\n", __FILE__, \
			       __LINE__, #cond);                          \
			h_case_failed++;                                  \
		}                                                         \
	} while (0)

#define CHECK_EQ_U(a, b)                                              \
	do {                                                          \
		unsigned long long h_a = (unsigned long long)(a);     \
		unsigned long long h_b = (unsigned long long)(b);     \
		if (h_a != h_b) {                                     \
			printf("#   %s:%d: %s == %s: %llu != %llu\n", \
			       __FILE__, __LINE__, #a, #b, h_a, h_b); \
			h_case_failed++;                              \
		}                                                     \
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

/* Closes the last case (a `break` out of it is a failure) and gives the
 * exit status; a binary that ran no case at all has tested nothing. */
#define DONE() (h_close(0), (h_failed || h_cases == 0) ? 1 : 0)

#endif
