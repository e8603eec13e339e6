/* report_trace.h -- a host's traceroute: nmap's normal, XML and NDJSON. */
#ifndef FATHOM_REPORT_TRACE_H
#define FATHOM_REPORT_TRACE_H

#include <stdio.h>

struct trace_result;

/*
 * nmap's block after a host's OS and service lines: a blank line,
 * "TRACEROUTE (using port 80/tcp)" ("using proto 1/icmp"; plain
 * "TRACEROUTE" for a directly connected host, which gets no probe), then
 * the HOP RTT ADDRESS table, silent hops as "N ..." or "N ... M", and
 * nmap's "-   Hops 1-k are the same as for X" in place of the first hops
 * another host of all (the group's traces, or NULL) shares. Prints
 * nothing for NULL or a trace without hops.
 */
struct trace_results;
void report_trace_normal(FILE *f, const struct trace_result *t,
			 const struct trace_results *all);

/*
 * nmap's <trace port= proto=> with one <hop ttl= ipaddr= rtt=/> per hop
 * that answered (nmap.dtd; silent hops are left out, as nmap does).
 */
void report_trace_xml(FILE *f, const struct trace_result *t);

/*
 * One NDJSON record {"type":"trace","ip":...,"port":...,"proto":...,
 * "hops":[{"ttl":N,"ip":"A"|null,"rtt_ms":X|null},...]}: every hop, a
 * silent one with nulls. port and proto are null for a direct host.
 */
void report_trace_json(FILE *f, const struct trace_result *t);

#endif
