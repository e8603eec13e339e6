/* arpd.h -- answer ARP for an address the kernel does not own (-S). */
#ifndef FATHOM_ARPD_H
#define FATHOM_ARPD_H

#include <stddef.h>
#include <stdint.h>

#define ARPD_FRAME_LEN 60 /* an ARP reply padded to Ethernet's minimum */

/*
 * With -S ADDR naming an address no interface of the host holds, fathom
 * itself must answer "who has ADDR": the target (or gateway) asks before
 * sending its SYN-ACK. The kernel never sees those connections, so it
 * sends no RST and no firewall rule is needed.
 *
 * If frame[0..len) is an ARP request (Ethernet, IPv4) for addr (host
 * order), writes the reply "addr is-at mac" to out (ARPD_FRAME_LEN
 * bytes, unicast to the asker) and returns ARPD_FRAME_LEN; else 0. A
 * pure function of its inputs.
 */
size_t arpd_reply(const uint8_t *frame, size_t len, uint32_t addr,
		  const uint8_t mac[6], uint8_t out[ARPD_FRAME_LEN]);

#endif
