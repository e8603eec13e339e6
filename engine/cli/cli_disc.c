/* cli_disc.c -- the host discovery options: -sn's checks, -P*, defaults. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/cli/cli_int.h"
#include "netstack/base/util.h"

/* nmap's default ports: -PS and -PA 80, -PU 40125 (DEFAULT_*_PROBE_PORT_SPEC). */
#define DEFAULT_TCP_PORT 80
#define DEFAULT_UDP_PORT 40125
/* A sane bound on one run's probes per host (nmap has MAX_PROBE_PORTS 10). */
#define MAX_DISC_PROBES 1024

static void add_probe(struct disc_spec *d, int kind, uint16_t port)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->probes[i].kind == kind && d->probes[i].port == port)
			return;
	d->probes = xrealloc(d->probes, (d->n + 1) * sizeof(*d->probes));
	d->probes[d->n].kind = (uint8_t)kind;
	d->probes[d->n].port = port;
	d->n++;
}

/* "22,80,1000-1010" (nmap's -PS list, no names); NULL/"" = def. */
static int add_ports(struct disc_spec *d, int kind, const char *list,
		     uint16_t def, char *err, size_t errlen)
{
	const char *p = list;

	if (list == NULL || *list == '\0') {
		add_probe(d, kind, def);
		return 0;
	}
	while (*p) {
		char *end;
		unsigned long lo = strtoul(p, &end, 10), hi = lo;

		if (end == p || lo > 65535)
			goto bad;
		if (*end == '-') {
			p = end + 1;
			hi = strtoul(p, &end, 10);
			if (end == p || hi > 65535 || hi < lo)
				goto bad;
		}
		if (*end != ',' && *end != '\0')
			goto bad;
		for (unsigned long x = lo; x <= hi; x++) {
			if (d->n >= MAX_DISC_PROBES) {
				snprintf(err, errlen,
					 "more than %d discovery "
					 "probes per host",
					 MAX_DISC_PROBES);
				return -1;
			}
			add_probe(d, kind, (uint16_t)x);
		}
		p = *end ? end + 1 : end;
		if (*end == ',' && *p == '\0')
			goto bad;
	}
	return 0;
bad:
	snprintf(err, errlen, "bad port list '%s'", list);
	return -1;
}

int cli_disc_ping(struct scan_opts *o, const char *arg, char *err,
		  size_t errlen)
{
	struct disc_spec *d = &o->disc;

	if (arg == NULL || *arg == '\0') {
		snprintf(err, errlen, "-P needs a probe type (-PE, -PS...)");
		return -1;
	}
	switch (arg[0]) {
	case 'E':
	case 'P':
	case 'M':
		if (arg[1] != '\0')
			break;
		add_probe(d,
			  arg[0] == 'E'   ? DK_ECHO
			  : arg[0] == 'P' ? DK_TS
					  : DK_MASK,
			  0);
		return 0;
	case 'S':
	case 'A':
		return add_ports(d, arg[0] == 'S' ? DK_SYN : DK_ACK, arg + 1,
				 DEFAULT_TCP_PORT, err, errlen);
	case 'U':
		return add_ports(d, DK_UDP, arg + 1, DEFAULT_UDP_PORT, err,
				 errlen);
	case 'R':
		if (arg[1] != '\0')
			break;
		d->arp_given = 1;
		return 0;
	default:
		break;
	}
	snprintf(err, errlen,
		 "unsupported ping type '-P%s' (-PE, -PP, -PM, "
		 "-PS, -PA, -PU, -PR, -Pn)",
		 arg);
	return -1;
}

int cli_disc_finish(struct scan_opts *o)
{
	struct disc_spec *d = &o->disc;

	if (d->n == 0) {
		/* nmap's defaults as root: -PE -PS443 -PA80 -PP (IPv6 has
		 * no timestamp request: -PE -PS443 -PA80). */
		add_probe(d, DK_ECHO, 0);
		add_probe(d, DK_SYN, 443);
		add_probe(d, DK_ACK, 80);
		if (o->family != ADDR_V6)
			add_probe(d, DK_TS, 0);
		d->defaults = 1;
		return 0;
	}
	for (size_t i = 0; i < d->n && o->family == ADDR_V6; i++)
		if (d->probes[i].kind == DK_TS ||
		    d->probes[i].kind == DK_MASK) {
			fprintf(stderr, "fathom: -PP and -PM are IPv4 only "
					"(ICMPv6 has no timestamp or address "
					"mask request)\n");
			return -1;
		}
	/* By kind; insertion keeps each kind's ports in the given order. */
	for (size_t i = 1; i < d->n; i++)
		for (size_t j = i;
		     j > 0 && d->probes[j - 1].kind > d->probes[j].kind; j--) {
			struct disc_probe t = d->probes[j];

			d->probes[j] = d->probes[j - 1];
			d->probes[j - 1] = t;
		}
	return 0;
}

int cli_disc_check(struct scan_opts *o, int ports_given)
{
	if (o->syn_scan || o->udp_scan) {
		fprintf(stderr, "fathom: -sn (no port scan) cannot be combined "
				"with a scan type (-sS, -sT, -sA, -sW, -sF, "
				"-sN, -sX, -sM, -sU)\n");
		return -1;
	}
	if (ports_given) {
		fprintf(stderr, "fathom: -p, -F and --top-ports need a port "
				"scan: not with -sn\n");
		return -1;
	}
	if (o->os_detect) {
		fprintf(stderr, "fathom: OS detection (-O) needs a port scan: "
				"not with -sn\n");
		return -1;
	}
	o->version_detect = 0;
	return 0;
}

void cli_disc_free(struct scan_opts *o)
{
	free(o->disc.probes);
	memset(&o->disc, 0, sizeof(o->disc));
}
