/* cli_v6.c -- what -6 allows today, in one place; a dry run's targets. */
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

void cli_v6_options(struct scan_opts *o)
{
	if (o->family != ADDR_V6 || !o->os_detect)
		return;
	/*
	 * nmap classifies IPv6 fingerprints with a learned model, not
	 * nmap-os-db: not implemented. Once a run, as nmap warns; the
	 * rest of the scan goes on (and no OS database is loaded or named).
	 */
	fprintf(stderr, "fathom: OS detection (-O) is IPv4-only; skipped "
			"for IPv6 targets\n");
	o->os_detect = 0;
}

int cli_v6_gate(const struct scan_opts *o)
{
	if (o->family != ADDR_V6)
		return 0;
	if (o->dry_run) {
		cli_v6_list(o);
		return 1;
	}
	return 0;
}
