/* merge.h -- fathom merge: one report from the outputs of one scan's shards. */
#ifndef FATHOM_MERGE_H
#define FATHOM_MERGE_H

#include <stddef.h>

/*
 * fathom merge [-oA BASE | -oX F | -oN F | -oG F | -oJ F]... IN...
 * argv[0] is "merge". Each IN is a file (XML, NDJSON, grepable or normal
 * output of a --shard run, the format told by its content), or a -oA
 * BASE whose BASE.xml, .nmap, .gnmap and .ndjson are read. Every input
 * must carry the same seed, shard count, probe-set fingerprint and
 * scan id; each requested format needs every shard 0..N-1 among the
 * inputs of that format (-oA: every format some input has). Hosts are
 * written once each, in address order, under recomputed run statistics.
 * Returns the exit status: 0, 2 after one line for a bad command or
 * input (unreadable, not a shard, shards of different scans, a shard
 * missing or interrupted), 1 when an output cannot be written.
 */
int merge_main(int argc, char **argv);

#endif
