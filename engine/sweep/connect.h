/* connect.h -- the -sT port scan: (target, TCP port) by kernel connect. */
#ifndef FATHOM_CONNECT_H
#define FATHOM_CONNECT_H

#include <stddef.h>
#include <stdint.h>

#include "engine/sweep/synscan.h"

/*
 * -sT is not a sweep module (engine/sweep/connscan.h says why: the
 * kernel does the handshake, so there is no frame and no cookie); it
 * runs on connscan's engine instead of the sweep's send loop and
 * capture, and needs no privilege. nmap's default scan without one.
 *
 * Its results go into s->res like the sweep's, keyed by
 * index_base + target + slot x targets (slot: the port's place in the
 * TCP list), so a -sU sweep of the same group (keys below index_base)
 * shares the store: open (syn-ack), closed (conn-refused), filtered
 * (host-unreach, net-unreach, admin-prohibited); a port that stays
 * silent through every retry is not stored and reads filtered
 * (no-response), sweep_mod_connect's silent_state. Honours the rate
 * (-T, --min-rate, --max-rate, --scan-delay), --max-parallelism,
 * --max-retries, the RTT timeouts, --host-timeout, -r, -S (bound) and
 * -iL's host:port pairs. Returns 0 (also when interrupted:
 * s->st.interrupted), or -1 with err.
 */
int connect_scan_run(struct scan *s, uint64_t index_base, char *err,
		     size_t errlen);

#endif
