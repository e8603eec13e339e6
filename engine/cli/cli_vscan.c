/* cli_vscan.c -- -sV options beyond nmap's: --version-parallel. */
#include <stdio.h>

#include "engine/cli/cli_int.h"
#include "netstack/base/util.h"

int cli_vscan_parallel(struct scan_opts *o, const char *arg)
{
	uint64_t v;

	if (parse_u64(arg, CLI_VPAR_MAX, &v) < 0 || v == 0) {
		fprintf(stderr,
			"fathom: bad --version-parallel '%s' (1-%d) "
			"(see fathom -h)\n",
			arg, CLI_VPAR_MAX);
		return -1;
	}
	o->version_parallel = (int)v;
	return 0;
}
