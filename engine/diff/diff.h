/* diff.h -- fathom diff: two scans (XML files or inventory scans) compared as ndiff does. */
#ifndef FATHOM_DIFF_H
#define FATHOM_DIFF_H

/*
 * fathom diff [--json] [-v] A B
 * fathom diff [--json] [-v] DB SCAN1 SCAN2
 *
 * A and B are nmap XML files (fathom's -oX or nmap's) or scans in an
 * inventory database (-oS): DB#SCAN, where DB is a SQLite file or a
 * postgresql:// URI and SCAN a scan id, "last" or "last~N" (N scans
 * before the last). The text output is ndiff's (Debian's ndiff 7.93
 * prints the same for the same two XML files); --json writes NDJSON
 * records instead. argv[0] is "diff". Returns the exit status: 0 the
 * scans are the same, 1 they differ, 2 a usage error or an input that
 * cannot be read (one line on stderr).
 */
int diff_main(int argc, char **argv);

#endif
