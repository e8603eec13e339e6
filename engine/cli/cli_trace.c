/* cli_trace.c -- --traceroute (and -A's share of it). */
#include "engine/cli/cli_int.h"

/*
 * nmap traces after the port scan, -sV and -O, from the probe that worked
 * (engine/trace/): here the option only asks for the phase. With -sn the
 * trace uses an echo request, there being no port to choose.
 */
void cli_trace_enable(struct scan_opts *o)
{
	o->traceroute = 1;
}
