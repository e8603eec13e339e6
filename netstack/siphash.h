/* siphash.h -- SipHash-2-4, the keyed PRF behind fathom's probe cookies. */
#ifndef FATHOM_SIPHASH_H
#define FATHOM_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

/*
 * SipHash-2-4 (Aumasson & Bernstein) of len bytes under the 128-bit key
 * k0||k1. Written from the paper's description; verified against its
 * test vector in tests/unit/test_cookie.c.
 */
uint64_t siphash24(uint64_t k0, uint64_t k1, const void *data, size_t len);

#endif
