/* report_json.h -- NDJSON output (-oJ): one JSON object per line. */
#ifndef FATHOM_REPORT_JSON_H
#define FATHOM_REPORT_JSON_H

#include <stdio.h>

#include "engine/core/hostiter.h"
#include "engine/report/report_writer.h"
#include "engine/core/runinfo.h"

/*
 * Records, each a complete JSON object on one line ("type" first):
 *
 *   {"type":"begin","scanner":"fathom","version":"0.1.0","args":"...",
 *    "start":1795583400,"ports":"21-22,80"}
 *   {"type":"port","ip":"198.18.0.10","port":22,"proto":"tcp",
 *    "state":"open","reason":"syn-ack","ttl":64,
 *    "service":{"name":"ssh","product":"OpenSSH","version":"9.2p1",
 *               "extrainfo":"...","tunnel":"ssl","method":"probed",
 *               "conf":10,"cpe":["cpe:/a:openbsd:openssh:9.2p1"]}}
 *   {"type":"host","ip":"198.18.0.10","name":null,"status":"up",
 *    "reason":"arp-response","ttl":0,"latency_us":35,
 *    "mac":"02:66:78:00:00:0A","ignored":{"closed":38}}
 *   {"type":"task","task":"SYN Stealth Scan","event":"progress",
 *    "time":1795583402,"percent":42.10,"remaining":4,"etc":1795583406}
 *   {"type":"interrupted","time":1795583403}
 *   {"type":"end","time":1795583412,"elapsed":0.21,"hosts_up":1,
 *    "hosts_down":0,"hosts_total":1,"exit":"success"}
 *
 * A host's "port" records (the ports a report lists: open, and the
 * states not ignored) come first, then its "host" record, which closes
 * it. "service" appears when something names the port, and inside it
 * only the fields that are known (hostname, ostype, devicetype and the
 * unrecognised service's "servicefp" too). "name", "latency_us" and
 * "mac" of a host are null when unknown; a timed-out host has
 * "status":"timeout" and no ports. A failed or interrupted scan ends with
 * "exit":"error" and "errormsg".
 *
 * "task" records follow the scan's phases as XML's <taskbegin>,
 * <taskprogress> (with --stats-every or a key press) and <taskend> do;
 * "event" is "begin", "progress" or "end", and "extrainfo" may follow
 * begin and end. An "interrupted" record says the hosts after it were
 * cut short (SIGINT/SIGTERM): --resume scans them again.
 *
 * Strings are escaped so any banner yields valid UTF-8 JSON: '"' and '\'
 * backslashed, control characters (C0, DEL, C1) as \u00XX, valid UTF-8
 * kept, and every byte that is not UTF-8 as \u00XX of its value.
 *
 * Use: json_begin() once, json_host() for each host hostiter_next()
 * yields, json_end() once; every record is flushed as it is written.
 */
void json_begin(FILE *f, const struct run_info *ri);
/* Hidden hosts (--open, nothing open) write nothing. */
void json_host(FILE *f, const struct run_info *ri,
	       const struct hostiter_host *h);
void json_end(FILE *f, const struct run_info *ri, int error,
	      const char *errmsg);
void json_task(FILE *f, const struct report_task *t);
void json_partial(FILE *f);

#endif
