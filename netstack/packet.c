/* packet.c -- parse captured Ethernet frames into a flat, bounded view. */
#include "netstack/packet.h"

#include <string.h>

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

uint32_t pkt_csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len > 1) {
		sum += rd16(p);
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

uint16_t pkt_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Parses an IPv4 header at p (avail bytes); 0 if it is not a sane one. */
static int parse_ip(const uint8_t *p, size_t avail, struct pkt_ip *ip)
{
	if (avail < 20 || (p[0] >> 4) != 4)
		return 0;
	ip->ihl = (uint8_t)((p[0] & 0x0f) * 4);
	if (ip->ihl < 20 || ip->ihl > avail)
		return 0;
	ip->tos = p[1];
	ip->len = rd16(p + 2);
	ip->id = rd16(p + 4);
	ip->frag = rd16(p + 6);
	ip->df = (ip->frag & 0x4000) != 0;
	ip->ttl = p[8];
	ip->proto = p[9];
	ip->src = rd32(p + 12);
	ip->dst = rd32(p + 16);
	return 1;
}

static void parse_tcp(const uint8_t *p, size_t avail, struct pkt_info *out)
{
	size_t off = (size_t)(p[12] >> 4) * 4;

	out->tcp.sport = rd16(p);
	out->tcp.dport = rd16(p + 2);
	out->tcp.seq = rd32(p + 4);
	out->tcp.ack = rd32(p + 8);
	out->tcp.res = p[12] & 0x0f;
	out->tcp.flags = p[13];
	out->tcp.win = rd16(p + 14);
	out->tcp.urp = rd16(p + 18);
	if (off < 20 || off > avail)
		off = 20 <= avail ? 20 : avail; /* lie about options, not bounds */
	out->tcp.opts = p + 20;
	out->tcp.optlen = off > 20 ? off - 20 : 0;
	out->payload = p + off;
	out->payload_len = avail - off;
}

static enum pkt_kind parse_icmp(const uint8_t *p, size_t avail,
				struct pkt_info *out)
{
	const uint8_t *q;
	size_t qlen;

	if (avail < 8)
		return PKT_OTHER;
	out->icmp.type = p[0];
	out->icmp.code = p[1];
	out->icmp.id = rd16(p + 4);
	out->icmp.seq = rd16(p + 6);
	out->icmp.unused = rd32(p + 4);
	out->payload = p + 8;
	out->payload_len = avail - 8;
	/* Destination unreachable, source quench, time exceeded, param. */
	if (p[0] != 3 && p[0] != 4 && p[0] != 11 && p[0] != 12)
		return PKT_ICMP;
	q = p + 8;
	qlen = avail - 8;
	if (!parse_ip(q, qlen, &out->inner.ip))
		return PKT_ICMP;
	if (qlen >= (size_t)out->inner.ip.ihl + 8) {
		const uint8_t *l4 = q + out->inner.ip.ihl;

		out->inner.sport = rd16(l4);
		out->inner.dport = rd16(l4 + 2);
		out->inner.seq = rd32(l4 + 4);
		out->inner.has_l4 = 1;
	}
	return PKT_ICMP_ERR;
}

enum pkt_kind pkt_parse(const uint8_t *frame, size_t caplen,
			struct pkt_info *out)
{
	const uint8_t *p = frame;
	size_t avail = caplen, l4len;
	uint16_t type;

	memset(out, 0, sizeof(*out));
	if (caplen < 14)
		return out->kind = PKT_OTHER;
	out->eth_dst = frame;
	out->eth_src = frame + 6;
	type = rd16(frame + 12);
	p += 14;
	avail -= 14;
	if (type == 0x8100 && avail >= 4) {
		type = rd16(p + 2);
		p += 4;
		avail -= 4;
	}
	if (type == 0x0806) {
		/* Ethernet/IPv4 ARP only: htype 1, ptype 0x800, 6/4 lengths. */
		if (avail < 28 || rd16(p) != 1 || rd16(p + 2) != 0x0800 ||
		    p[4] != 6 || p[5] != 4)
			return out->kind = PKT_OTHER;
		out->arp.op = rd16(p + 6);
		out->arp.sha = p + 8;
		out->arp.spa = rd32(p + 14);
		out->arp.tha = p + 18;
		out->arp.tpa = rd32(p + 24);
		return out->kind = PKT_ARP;
	}
	if (type != 0x0800 || !parse_ip(p, avail, &out->ip))
		return out->kind = PKT_OTHER;
	/* Trust the IP length over the capture (Ethernet pads short frames). */
	if (out->ip.len >= out->ip.ihl && out->ip.len < avail)
		avail = out->ip.len;
	out->l3 = p;
	out->l3_len = avail;
	/* Later fragments carry no L4 header. */
	if ((out->ip.frag & 0x1fff) != 0)
		return out->kind = PKT_OTHER;
	l4len = avail - out->ip.ihl;
	p += out->ip.ihl;
	switch (out->ip.proto) {
	case 6:
		if (l4len < 20)
			return out->kind = PKT_OTHER;
		parse_tcp(p, l4len, out);
		return out->kind = PKT_TCP;
	case 17:
		if (l4len < 8)
			return out->kind = PKT_OTHER;
		out->udp.sport = rd16(p);
		out->udp.dport = rd16(p + 2);
		out->udp.len = rd16(p + 4);
		out->payload = p + 8;
		out->payload_len = l4len - 8;
		return out->kind = PKT_UDP;
	case 1:
		return out->kind = parse_icmp(p, l4len, out);
	default:
		return out->kind = PKT_OTHER;
	}
}
