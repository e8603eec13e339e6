/* arpd.c -- answer ARP for an address the kernel does not own (-S). */
#include "netstack/arpd.h"

#include <string.h>

#include "netstack/packet.h"

size_t arpd_reply(const uint8_t *frame, size_t len, uint32_t addr,
		  const uint8_t mac[6], uint8_t out[ARPD_FRAME_LEN])
{
	struct pkt_info p;
	uint8_t *a = out + 14;

	if (pkt_parse(frame, len, &p) != PKT_ARP || p.arp.op != 1 ||
	    p.arp.tpa != addr || p.arp.sha == NULL || (p.arp.sha[0] & 1) ||
	    p.arp.spa == addr)
		return 0;
	memset(out, 0, ARPD_FRAME_LEN);
	memcpy(out, p.arp.sha, 6);
	memcpy(out + 6, mac, 6);
	out[12] = 0x08;
	out[13] = 0x06;
	a[1] = 1;    /* Ethernet */
	a[2] = 0x08; /* IPv4 */
	a[4] = 6;
	a[5] = 4;
	a[7] = 2; /* reply */
	memcpy(a + 8, mac, 6);
	a[14] = (uint8_t)(addr >> 24);
	a[15] = (uint8_t)(addr >> 16);
	a[16] = (uint8_t)(addr >> 8);
	a[17] = (uint8_t)addr;
	memcpy(a + 18, p.arp.sha, 6);
	a[24] = (uint8_t)(p.arp.spa >> 24);
	a[25] = (uint8_t)(p.arp.spa >> 16);
	a[26] = (uint8_t)(p.arp.spa >> 8);
	a[27] = (uint8_t)p.arp.spa;
	return ARPD_FRAME_LEN;
}
