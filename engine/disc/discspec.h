/* discspec.h -- what the command line asks host discovery to send. */
#ifndef FATHOM_DISCSPEC_H
#define FATHOM_DISCSPEC_H

#include <stddef.h>
#include <stdint.h>

/*
 * The probe kinds, in the order nmap tries them on a host ("higher
 * effectiveness first": -PE -PS -PA -PP -PM -PU). A host's reason is
 * the answer to its earliest probe in this order, so the reason does
 * not depend on which reply happened to arrive first.
 */
enum disc_kind {
	DK_ECHO = 0, /* -PE: ICMP echo */
	DK_SYN,      /* -PS: TCP SYN to a port */
	DK_ACK,      /* -PA: TCP ACK to a port */
	DK_TS,       /* -PP: ICMP timestamp */
	DK_MASK,     /* -PM: ICMP address mask */
	DK_UDP,      /* -PU: UDP to a port */
	DK_NKINDS
};

struct disc_probe {
	uint8_t kind;  /* enum disc_kind */
	uint16_t port; /* DK_SYN, DK_ACK, DK_UDP */
};

struct disc_spec {
	/*
	 * The probes for targets off the local link (and on it with
	 * --disable-arp-ping), sorted by kind, each kind's ports in the
	 * order given, no duplicates. Empty until cli_disc_finish(), which
	 * puts nmap's defaults in when no -P option named a probe.
	 */
	struct disc_probe *probes;
	size_t n;
	int arp_given; /* -PR */
	int no_arp;    /* --disable-arp-ping: on-link hosts get the probes */
	int defaults;  /* no -P named a probe: nmap's defaults are in */
};

#endif
