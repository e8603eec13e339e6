/* privsetup.h -- the run's one privileged set-up step: route, handles, guard. */
#ifndef FATHOM_PRIVSETUP_H
#define FATHOM_PRIVSETUP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "engine/cli/cli.h"
#include "netstack/route.h"
#include "netstack/rstguard.h"

struct pktio;

/* How -sV keeps the kernel from resetting fathom's connections. */
enum vscan_mode {
	VSCAN_FOREIGN, /* -S the kernel does not own: fathom answers ARP */
	VSCAN_GUARD,   /* an nftables table drops the kernel's RSTs */
	VSCAN_SOCKETS, /* neither: the probes go over kernel sockets */
};

/*
 * Everything privileged a run needs, made once by privsetup_open() before
 * the first host group and shared by every group (struct scan's priv).
 * After it, nothing in fathom needs a privilege: privs_drop() may follow.
 * The handles are left paused (pktio_pause); each phase resumes its own
 * while it runs and pauses it again.
 */
struct privsetup {
	struct route_hop hop; /* the run's interface and source address */
	struct pktio *sweep;  /* the SYN sweep's capture and injection;
				     NULL: synscan_needs_capture() says
				     none (-sT alone, no CAP_NET_RAW) */
	struct pktio *vscan;  /* -sV's, in the userspace modes; or NULL */
	enum vscan_mode vmode;
	char vwhy[256]; /* VSCAN_SOCKETS: why nft refused */
	int vwarned;    /* its warning was printed */
	/*
	 * One pass: the guard (or a foreign -S) covers the sweep's source
	 * ports too and -sV's capture takes them, so the sweep keeps its
	 * SYN-ACKs for -sV (synscan_onepass_wanted()).
	 */
	int onepass;
	struct pktio *os;      /* -O's, or NULL */
	struct pktio *disc;    /* host discovery's, or NULL (-Pn) */
	uint16_t os_port0;     /* -O's source ports start here */
	struct pktio *trace;   /* --traceroute's, or NULL */
	uint16_t trace_port0;  /* its source ports are this + TTL */
	struct rstguard guard; /* VSCAN_GUARD's table */
	/*
	 * The guard's table outlives an unprivileged process's rights to
	 * delete it: a monitor forked here stays root, waits for EOF on this
	 * pipe (the main process exits, crashes or is killed) and deletes it.
	 */
	int monitor_fd; /* write end; -1: no monitor */
	pid_t monitor;
};

/*
 * The part every phase shares: plans the route and opens the sweep's
 * handle when synscan_needs_capture() (also with --dry-run). The phases then open their own into ps
 * (phase.h's priv_setup: -sV's capture, mode and guard; -O's capture
 * and port base), then privsetup_seal(). Returns 0, or -1 with err (ps
 * is then closed).
 */
int privsetup_open(struct privsetup *ps, const struct scan_opts *o, char *err,
		   size_t errlen);

/*
 * After the phases' set-up, still privileged: hands an installed guard's
 * table to the monitor and pauses the sweep's handle. Returns 0, or -1
 * with err (the caller closes ps).
 */
int privsetup_seal(struct privsetup *ps, char *err, size_t errlen);

/*
 * Closes the handles and ends the monitor, which deletes the guard's
 * table before this returns. Safe on a zeroed or failed ps.
 */
void privsetup_close(struct privsetup *ps);

#endif
