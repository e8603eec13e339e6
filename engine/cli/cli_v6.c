/* cli_v6.c -- -6: sweeps run; -sV/-O refused; a dry run lists targets. */
#include "config.h"

#include <stdio.h>

#include "engine/cli/cli_int.h"
#include "netstack/addr.h"
#include "netstack/base/util.h"

/*
 * The targets, ports and options of an IPv6 run are all checked by now,
 * so a dry run can prove what would be enumerated, in scan order (the
 * index order the sweep permutes), without any privilege.
 */
static void cli_v6_list(const struct scan_opts *o)
{
	uint64_t n = targets_count(o->targets);
	uint64_t np = o->ports.proto[SVC_TCP].n +
		      (o->udp_scan ? o->ports.proto[SVC_UDP].n : 0);
	char buf[ADDR_STRLEN];

	printf("fathom dry run: %llu IPv6 address%s x %llu port%s; nothing "
	       "is sent\n",
	       (unsigned long long)n, n == 1 ? "" : "es",
	       (unsigned long long)np, np == 1 ? "" : "s");
	for (uint64_t i = 0; i < n; i++) {
		struct addr a = targets_at(o->targets, i);
		const char *name = targets_name(o->targets, &a);

		if (name)
			printf("%s (%s)\n", name, addr_format(&a, buf));
		else
			printf("%s\n", addr_format(&a, buf));
	}
	fflush(stdout);
}

int cli_v6_gate(const struct scan_opts *o)
{
	if (o->family != ADDR_V6)
		return 0;
	/* The sweep (-sS, -sU) sends IPv6; the later phases do not yet. */
	if (o->version_detect || o->os_detect) {
		fprintf(stderr, "fathom: %s over IPv6 is not wired yet (-6 "
				"scans with -sS and -sU only)\n",
			o->version_detect && o->os_detect ? "-sV and -O"
			: o->version_detect		   ? "-sV"
							   : "-O");
		return FATHOM_EXIT_USAGE;
	}
	if (!o->dry_run)
		return 0;
	cli_v6_list(o);
	return 1;
}
