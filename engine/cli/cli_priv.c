/* cli_priv.c -- a run without CAP_NET_RAW: -sT, connect ping, or a refusal. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "engine/cli/cli_int.h"
#include "netstack/route.h"

/* The discovery probe kinds' options, for the refusal. */
static const char *const kind_opt[DK_NKINDS] = {
	[DK_ECHO] = "-PE", [DK_SYN] = "-PS",  [DK_ACK] = "-PA",
	[DK_TS] = "-PP",   [DK_MASK] = "-PM", [DK_UDP] = "-PU",
};

/* The first option o asks for that only raw packets can do, or NULL. */
static const char *needs_raw(const struct scan_opts *o)
{
	if (o->tcp_scan_given && o->tcp_scan != TCP_SCAN_CONNECT)
		return cli_scan_type_opt(o->tcp_scan);
	if (o->scanflags >= 0)
		return "--scanflags";
	if (o->udp_scan)
		return "-sU";
	if (o->os_detect)
		return "-O";
	if (o->traceroute)
		return "--traceroute";
	if (o->skip_ping)
		return NULL; /* no discovery: its probes go unused */
	if (o->disc.arp_given)
		return "-PR";
	for (size_t i = 0; i < o->disc.n && !o->disc.defaults; i++) {
		int k = o->disc.probes[i].kind;

		/* nmap: -PS and -PA become connects without privileges. */
		if (k != DK_SYN && k != DK_ACK)
			return kind_opt[k];
	}
	return NULL;
}

/*
 * The connect ping's probes: nmap's unprivileged default (80, then
 * 443), or the -PS/-PA ports given, each once, as connects.
 */
static void connect_ping_ports(struct disc_spec *d)
{
	size_t n = 0;

	if (d->defaults) {
		d->probes[0] = (struct disc_probe){ DK_SYN, 80 };
		d->probes[1] = (struct disc_probe){ DK_SYN, 443 };
		d->n = 2;
		return;
	}
	for (size_t i = 0; i < d->n; i++) {
		struct disc_probe p = { DK_SYN, d->probes[i].port };
		size_t k;

		for (k = 0; k < n && d->probes[k].port != p.port; k++)
			;
		if (k == n)
			d->probes[n++] = p;
	}
	d->n = n;
}

int cli_unprivileged(struct scan_opts *o)
{
	const char *what = needs_raw(o);

	o->unprivileged = 1;
	if (what) {
		fprintf(stderr,
			"fathom: %s requires root privileges (the CAP_NET_RAW "
			"capability); run as root, or scan with -sT\n",
			what);
		return -1;
	}
	if (o->src_set && !route_is_local(&o->src)) {
		char a[ADDR_STRLEN];

		fprintf(stderr,
			"fathom: -S %s: not an address of this host; answering "
			"for another address requires root privileges\n",
			addr_format(&o->src, a));
		return -1;
	}
	/* nmap's default without privileges: the connect scan. */
	if (o->syn_scan)
		o->tcp_scan = TCP_SCAN_CONNECT;
	if (o->src_port > 0 && o->syn_scan)
		fprintf(stderr,
			"Warning: -g %d is not used by -sT: the kernel "
			"picks each connection's source port\n",
			o->src_port);
	connect_ping_ports(&o->disc);
	return 0;
}
