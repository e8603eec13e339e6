/* fuzz.h -- what every fuzz harness provides: libFuzzer's entry point and its name. */
#ifndef FATHOM_FUZZ_H
#define FATHOM_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/*
 * Each tests/fuzz/fuzz_*.c is one parser fed bytes from the network or a
 * user's file. Built with --enable-fuzz (clang) it links libFuzzer and is
 * driven by tools/fuzz; in every other build it links replay.c instead
 * and `make check` replays its seed corpus tests/fuzz/corpus/<name>/ (and
 * every crash ever found, kept there as a regression input). A harness
 * must not leak, must not keep state that makes one input depend on the
 * previous one, and aborts only when the code under test is wrong.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The corpus directory name, e.g. "packet". */
extern const char fuzz_name[];

#endif
