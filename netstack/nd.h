/* nd.h -- answer IPv6 neighbour solicitations for a claimed (-S) address. */
#ifndef FATHOM_ND_H
#define FATHOM_ND_H

#include <stddef.h>
#include <stdint.h>

#include "netstack/addr.h"
#include "netstack/craft.h"

#define ND_FRAME_LEN CRAFT_ND_LEN

/*
 * IPv6's counterpart of arpd: with -S naming an IPv6 address no
 * interface holds, the target (or router) solicits it before replying,
 * and fathom itself must advertise it.
 *
 * If frame[0..len) is a valid neighbour solicitation (pkt_parse's
 * PKT_ND checks) for addr, writes the advertisement "addr is-at mac" to
 * out and returns ND_FRAME_LEN; else 0. The answer goes back to the
 * solicitor (its source link-layer option, else the frame's Ethernet
 * source) with the solicited and override flags; a solicitation from ::
 * (duplicate address detection) is answered to all nodes (ff02::1)
 * without the solicited flag, as RFC 4861 7.2.4 says. Solicitations from
 * a multicast MAC, or from addr itself, get no answer. A pure function.
 */
size_t nd_reply(const uint8_t *frame, size_t len, const struct addr *addr,
		const uint8_t mac[6], uint8_t out[ND_FRAME_LEN]);

#endif
