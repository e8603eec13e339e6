/* report_writer.h -- the machine-readable formats behind one interface. */
#ifndef FATHOM_REPORT_WRITER_H
#define FATHOM_REPORT_WRITER_H

#include <stdio.h>

#include "engine/hostiter.h"
#include "engine/synscan.h"

/*
 * Each format (XML, grepable, NDJSON) is a writer: begin() once before the
 * scan's hosts, host() for each host hostiter_next() yields, end() once.
 * end() with error != 0 closes the file as a failed or interrupted run
 * (errmsg may be NULL); formats without an error field ignore it. Every
 * call flushes f, so a reader can follow the file as it grows.
 */
struct report_writer {
	const char *name;
	void (*begin)(FILE *f, const struct scan *s);
	void (*host)(FILE *f, const struct scan *s,
		     const struct hostiter_host *h);
	void (*end)(FILE *f, const struct scan *s, int error,
		    const char *errmsg);
};

extern const struct report_writer report_xml_writer;
extern const struct report_writer report_grep_writer;
extern const struct report_writer report_json_writer;

/* The whole file after the scan: error if the scan was interrupted. */
void report_write_all(const struct report_writer *w, FILE *f,
		      const struct scan *s);

#endif
