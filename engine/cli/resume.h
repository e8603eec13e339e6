/* resume.h -- what an interrupted run's output says is done (--resume). */
#ifndef FATHOM_RESUME_H
#define FATHOM_RESUME_H

#include <stddef.h>
#include <stdint.h>

#include "netstack/addr.h"

/*
 * fathom scans its targets in address order, one host group after the
 * other, and writes a host only once it is complete (its group swept,
 * its services identified), in address order within the group. So every
 * target up to the highest address an output file reports as complete is
 * done: it was reported, or it was found down, or --open hid it. Hosts
 * written after an interruption marker (REPORT_PARTIAL_LINE, the XML
 * comment XML_PARTIAL_MARK, NDJSON's "interrupted" record) are partial
 * and do not count, up to the end of that run's section. An interrupted
 * run always writes its marker, even when no host follows it, so a file
 * whose last section ends with a footer and no marker is a finished scan.
 */
struct resume_info {
	char *cmdline;    /* the first run's command line, as it was joined */
	struct addr last; /* highest completed address (addr_cmp order) */
	int have_last;    /* 0: no host was completed */
	size_t ndone;     /* completed host records seen */
	int finished;     /* the last run in the file ended normally: there is
			   nothing left to scan */
};

/*
 * Parses the output of an interrupted run: fathom's -oN or -oG (nmap's
 * "# ... scan initiated ... as: CMD" header; "Nmap scan report for" and
 * "Host: ADDR" lines), its -oX (nmaprun@args, <address addrtype="ipv4">
 * or "ipv6" of each <host>) or its -oJ NDJSON ("begin" args, "host" records).
 * Pure: bytes in, *ri out (ri->cmdline malloc'd; resume_info_free()).
 * Returns 0, or -1 with err ("no command line found (is it fathom's -oN,
 * -oG, -oX or -oJ output?)", or "LINE: ...").
 */
int resume_parse(const char *buf, size_t len, struct resume_info *ri, char *err,
		 size_t errlen);
void resume_info_free(struct resume_info *ri);

/*
 * Splits a command line at spaces (as nmap's --resume does: arguments
 * that held spaces do not survive). *argv is malloc'd, NULL-terminated,
 * its strings in one block at (*argv)[0]; free(*argv[0]) then free(*argv).
 * Returns argc.
 */
int resume_split(const char *cmdline, char ***argv);

/*
 * Reads and parses FILE, then splits its command line: returns argc
 * (argv as resume_split() makes it; *ri filled) or -1 with err ("FILE:
 * reason": unreadable, not an output, a --resume itself, no options).
 */
int resume_load(const char *path, struct resume_info *ri, char ***argv,
		char *err, size_t errlen);

/*
 * Where a resumed run continues an interrupted -oX document: the offset
 * of its interruption marker, else of its last <runstats>, else just
 * after its last complete element line. -1 when buf holds no <nmaprun>.
 */
long resume_xml_cut(const char *buf, size_t len);

#endif
