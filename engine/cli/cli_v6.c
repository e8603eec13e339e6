/* cli_v6.c -- -6 until the sweep sends IPv6: refuse to scan, list a dry run's targets. */
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
	       "is sent (IPv6 scanning is not wired yet)\n",
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
	if (!o->dry_run) {
		fprintf(stderr, "fathom: IPv6 scanning is not wired yet (the "
				"sweep, -sV and -O send IPv4 frames only); "
				"-6 --dry-run lists the targets\n");
		return FATHOM_EXIT_USAGE;
	}
	cli_v6_list(o);
	return 1;
}
