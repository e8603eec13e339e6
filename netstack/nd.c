/* nd.c -- answer IPv6 neighbour solicitations for a claimed (-S) address. */
#include "netstack/nd.h"

#include <string.h>

#include "netstack/packet.h"

static int is_unspecified(const struct addr *a)
{
	static const uint8_t zero[16];

	return memcmp(a->b, zero, 16) == 0;
}

size_t nd_reply(const uint8_t *frame, size_t len, const struct addr *addr,
		const uint8_t mac[6], uint8_t out[ND_FRAME_LEN])
{
	static const uint8_t all_nodes[16] = { 0xff, 2, [15] = 1 };
	struct pkt_info p;
	const uint8_t *dmac;
	uint8_t amac[6];

	if (!addr_is_v6(addr) || pkt_parse(frame, len, &p) != PKT_ND ||
	    p.icmp.type != 135 || !addr_eq(&p.nd.target, addr) ||
	    (p.eth_src[0] & 1) || addr_eq(&p.ip.saddr, addr))
		return 0;
	if (is_unspecified(&p.ip.saddr)) {
		struct addr all = addr_from_v6(all_nodes);

		craft_nd_group_mac(&all, amac);
		craft_nd_advert(out, mac, addr, amac, &all, CRAFT_NA_OVERRIDE);
		return ND_FRAME_LEN;
	}
	dmac = p.nd.lladdr && !(p.nd.lladdr[0] & 1) ? p.nd.lladdr : p.eth_src;
	craft_nd_advert(out, mac, addr, dmac, &p.ip.saddr,
			CRAFT_NA_SOLICITED | CRAFT_NA_OVERRIDE);
	return ND_FRAME_LEN;
}
