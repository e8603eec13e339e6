/* cli_onepass.c -- --one-pass on|off: -sV's first connection from the sweep's SYN-ACK. */
#include <stdio.h>
#include <string.h>

#include "engine/cli/cli_int.h"

/*
 * On by default: where it can work (engine/sweep/onepass.c says where:
 * -sS from fathom's own ports, then -sV over its own TCP) it saves a
 * handshake per open port and the second SYN an IDS would see, and a
 * handshake the peer has let go falls back to a fresh connection. Off
 * makes -sV open every connection itself, as nmap does.
 */
int cli_onepass_opt(struct scan_opts *o, const char *arg)
{
	if (strcmp(arg, "on") == 0) {
		o->one_pass_off = 0;
		return 0;
	}
	if (strcmp(arg, "off") == 0) {
		o->one_pass_off = 1;
		return 0;
	}
	fprintf(stderr,
		"fathom: bad --one-pass '%s': on or off (see fathom "
		"-h)\n",
		arg);
	return -1;
}
