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

uint32_t pkt_csum_pseudo6(const struct addr *src, const struct addr *dst,
			  uint32_t l4_len, uint8_t proto)
{
	uint32_t sum = pkt_csum_add(0, src->b, 16);

	sum = pkt_csum_add(sum, dst->b, 16);
	sum += l4_len >> 16;
	sum += l4_len & 0xffff;
	return sum + proto;
}

void pkt_icmp6_as_icmp4(uint8_t type6, uint8_t code6, uint8_t *type4,
			uint8_t *code4)
{
	static const uint8_t unreach[7] = { 0, 13, 1, 1, 3, 13, 13 };

	*type4 = *code4 = 255;
	switch (type6) {
	case 1:
		*type4 = 3;
		*code4 = code6 < sizeof(unreach) ? unreach[code6] : 1;
		break;
	case 2:
		*type4 = 3;
		*code4 = 4; /* fragmentation needed */
		break;
	case 3:
		*type4 = 11;
		*code4 = code6;
		break;
	case 4:
		*type4 = 12;
		*code4 = code6;
		break;
	default:
		break;
	}
}

/* Parses an IPv4 header at p (avail bytes); 0 if it is not a sane one. */
static int parse_ip(const uint8_t *p, size_t avail, struct pkt_ip *ip)
{
	if (avail < 20 || (p[0] >> 4) != 4)
		return 0;
	ip->ver = 4;
	ip->ihl = (uint8_t)((p[0] & 0x0f) * 4);
	if (ip->ihl < 20 || ip->ihl > avail)
		return 0;
	ip->hlen = ip->ihl;
	ip->tos = p[1];
	ip->len = rd16(p + 2);
	ip->id = rd16(p + 4);
	ip->frag = rd16(p + 6);
	ip->df = (ip->frag & 0x4000) != 0;
	ip->ttl = p[8];
	ip->proto = p[9];
	ip->src = rd32(p + 12);
	ip->dst = rd32(p + 16);
	ip->saddr = addr_from_v4(ip->src);
	ip->daddr = addr_from_v4(ip->dst);
	return 1;
}

/* What parse_ip6 found after the fixed header. */
enum ip6_walk {
	IP6_BAD = 0, /* not an IPv6 header */
	IP6_L4,      /* an upper-layer header (proto) starts at hlen */
	IP6_CUT,     /* truncated, too many headers, ESP or no next header */
};

/*
 * Parses the IPv6 header at p and walks its extension headers within
 * avail bytes. A later fragment stops the walk at its fragment header:
 * what follows is data, not headers.
 */
static enum ip6_walk parse_ip6(const uint8_t *p, size_t avail,
			       struct pkt_ip *ip)
{
	size_t off = 40;
	uint8_t nh;

	if (avail < 40 || (p[0] >> 4) != 6)
		return IP6_BAD;
	ip->ver = 6;
	ip->tos = (uint8_t)((p[0] & 0x0f) << 4 | p[1] >> 4);
	ip->flow = (uint32_t)(p[1] & 0x0f) << 16 | rd16(p + 2);
	ip->len = rd16(p + 4) > 65535 - 40 ? 65535
					   : (uint16_t)(40 + rd16(p + 4));
	ip->ttl = p[7];
	ip->saddr = addr_from_v6(p + 8);
	ip->daddr = addr_from_v6(p + 24);
	nh = p[6];
	for (int i = 0; i <= PKT_MAX_EXTHDR; i++) {
		size_t elen;

		ip->proto = nh;
		ip->hlen = (uint16_t)off;
		if (nh != 0 && nh != 43 && nh != 44 && nh != 60 && nh != 51)
			return nh == 50 || nh == 59 ? IP6_CUT : IP6_L4;
		if (i == PKT_MAX_EXTHDR || avail - off < 8)
			return IP6_CUT;
		if (nh == 44) { /* fragment: fixed 8 bytes */
			uint16_t fo = rd16(p + off + 2);

			ip->has_frag = 1;
			ip->frag = (uint16_t)(fo >> 3 | (fo & 1 ? 0x2000 : 0));
			ip->frag_id = rd32(p + off + 4);
			elen = 8;
		} else if (nh == 51) { /* AH counts 4-byte words, minus 2 */
			elen = ((size_t)p[off + 1] + 2) * 4;
		} else {
			elen = ((size_t)p[off + 1] + 1) * 8;
		}
		if (elen > avail - off)
			return IP6_CUT;
		nh = p[off];
		off += elen;
		if (ip->frag & 0x1fff) { /* later fragment: no more headers */
			ip->proto = nh;
			ip->hlen = (uint16_t)off;
			return IP6_L4;
		}
	}
	return IP6_CUT;
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
		off = 20 <= avail ? 20
				  : avail; /* lie about options, not bounds */
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

static int is_unspecified(const struct addr *a)
{
	static const uint8_t zero[16];

	return memcmp(a->b, zero, 16) == 0;
}

/*
 * NS/NA as RFC 4861 7.1.1/7.1.2 accept them: from the link (hop limit
 * 255), code 0, 24 bytes at least, captured whole, a unicast target,
 * options of nonzero length that fit. Anything else is a plain ICMPv6
 * message to us.
 */
static enum pkt_kind parse_nd(const uint8_t *p, size_t avail,
			      struct pkt_info *out)
{
	uint8_t want = p[0] == 135 ? 1 : 2; /* source / target LL option */
	size_t off = 24;

	/* A cut capture of a message this small is not one to act on. */
	if (out->ip.ttl != 255 || p[1] != 0 || avail < 24 || p[8] == 0xff ||
	    out->l3_len < out->ip.len)
		return PKT_ICMP6;
	out->nd.target = addr_from_v6(p + 8);
	out->nd.flags = p[0] == 136 ? (uint8_t)(p[4] & 0xe0) : 0;
	while (off < avail) {
		size_t olen;

		if (avail - off < 2 || p[off + 1] == 0)
			return PKT_ICMP6;
		olen = (size_t)p[off + 1] * 8;
		if (olen > avail - off)
			return PKT_ICMP6;
		if (p[off] == want && olen == 8 && out->nd.lladdr == NULL)
			out->nd.lladdr = p + off + 2;
		off += olen;
	}
	/* An NS from :: (duplicate address detection) has no source LL. */
	if (p[0] == 135 && out->nd.lladdr && is_unspecified(&out->ip.saddr))
		return PKT_ICMP6;
	return PKT_ND;
}

static enum pkt_kind parse_icmp6(const uint8_t *p, size_t avail,
				 struct pkt_info *out)
{
	const uint8_t *q = p + 8;
	size_t qlen;

	if (avail < 8)
		return PKT_OTHER;
	out->icmp.type = p[0];
	out->icmp.code = p[1];
	out->icmp.id = rd16(p + 4);
	out->icmp.seq = rd16(p + 6);
	out->icmp.unused = rd32(p + 4);
	out->payload = q;
	out->payload_len = qlen = avail - 8;
	if (p[0] == 135 || p[0] == 136)
		return parse_nd(p, avail, out);
	/* Unreachable, packet too big, time exceeded, parameter problem. */
	if (p[0] < 1 || p[0] > 4)
		return PKT_ICMP6;
	switch (parse_ip6(q, qlen, &out->inner.ip)) {
	case IP6_BAD:
		return PKT_ICMP6;
	case IP6_L4:
		if (!(out->inner.ip.frag & 0x1fff) &&
		    qlen - out->inner.ip.hlen >= 8) {
			const uint8_t *l4 = q + out->inner.ip.hlen;

			out->inner.sport = rd16(l4);
			out->inner.dport = rd16(l4 + 2);
			out->inner.seq = rd32(l4 + 4);
			out->inner.has_l4 = 1;
		}
		break;
	case IP6_CUT:
		break;
	}
	return PKT_ICMP6_ERR;
}

/* TCP, UDP or the family's ICMP at p (l4len bytes of the datagram). */
static enum pkt_kind parse_l4(const uint8_t *p, size_t l4len,
			      struct pkt_info *out)
{
	out->l4 = p;
	out->l4_len = l4len;
	switch (out->ip.proto) {
	case 6:
		if (l4len < 20)
			return PKT_OTHER;
		parse_tcp(p, l4len, out);
		return PKT_TCP;
	case 17:
		if (l4len < 8)
			return PKT_OTHER;
		out->udp.sport = rd16(p);
		out->udp.dport = rd16(p + 2);
		out->udp.len = rd16(p + 4);
		out->payload = p + 8;
		out->payload_len = l4len - 8;
		return PKT_UDP;
	case 1:
		return out->ip.ver == 4 ? parse_icmp(p, l4len, out) : PKT_OTHER;
	case 58:
		return out->ip.ver == 6 ? parse_icmp6(p, l4len, out)
					: PKT_OTHER;
	default:
		return PKT_OTHER;
	}
}

static enum pkt_kind parse_v6(const uint8_t *p, size_t avail,
			      struct pkt_info *out)
{
	/* Trust the payload length over the capture (Ethernet padding). */
	if (avail >= 40 && (size_t)40 + rd16(p + 4) < avail)
		avail = (size_t)40 + rd16(p + 4);
	if (parse_ip6(p, avail, &out->ip) != IP6_L4)
		return PKT_OTHER;
	out->l3 = p;
	out->l3_len = avail;
	if (out->ip.frag & 0x1fff)
		return PKT_OTHER;
	return parse_l4(p + out->ip.hlen, avail - out->ip.hlen, out);
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
	if (type == 0x86dd)
		return out->kind = parse_v6(p, avail, out);
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
	return out->kind = parse_l4(p + out->ip.ihl, l4len, out);
}
