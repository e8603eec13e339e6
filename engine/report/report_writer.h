/* report_writer.h -- the machine-readable formats behind one interface. */
#ifndef FATHOM_REPORT_WRITER_H
#define FATHOM_REPORT_WRITER_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "engine/core/hostiter.h"
#include "engine/core/runinfo.h"

/* A scan phase's event: nmap's <taskbegin>, <taskprogress>, <taskend>. */
enum report_task_event {
	REPORT_TASK_BEGIN,
	REPORT_TASK_PROGRESS,
	REPORT_TASK_END,
};

struct report_task {
	int event;        /* enum report_task_event */
	const char *task; /* nmap's names: "SYN Stealth Scan", "Service scan" */
	time_t time;      /* when it happened */
	double percent;   /* PROGRESS: 0-100 */
	uint64_t remaining;    /* PROGRESS: seconds left, estimated */
	time_t etc;            /* PROGRESS: estimated time of completion */
	double elapsed;        /* END: seconds the phase took */
	const char *extrainfo; /* BEGIN/END: "2 hosts", "34 total ports"; or
				  NULL */
};

/*
 * Each format (XML, grepable, NDJSON) is a writer: begin() once before the
 * scan's hosts, host() for each host hostiter_next() yields, end() once.
 * A writer reads the run through ri (a snapshot: engine/core/runinfo.h)
 * and each host through its host table's view (hostiter.h), nothing else.
 * end() with error != 0 closes the file as a failed or interrupted run
 * (errmsg may be NULL); formats without an error field ignore it. Every
 * call flushes f, so a reader can follow the file as it grows.
 */
struct report_writer {
	const char *name;
	void (*begin)(FILE *f, const struct run_info *ri);
	void (*host)(FILE *f, const struct run_info *ri,
		     const struct hostiter_host *h);
	void (*end)(FILE *f, const struct run_info *ri, int error,
		    const char *errmsg);
	/* A phase event; NULL for formats that do not record them. */
	void (*task)(FILE *f, const struct report_task *t);
	/*
	 * The hosts written after this call were cut short by an
	 * interruption: --resume does not count them as done. NULL for
	 * formats that need no marker.
	 */
	void (*partial)(FILE *f);
};

extern const struct report_writer report_xml_writer;
extern const struct report_writer report_grep_writer;
extern const struct report_writer report_json_writer;

#endif
