/* packet.h -- parse captured Ethernet frames into a flat, bounded view. */
#ifndef FATHOM_PACKET_H
#define FATHOM_PACKET_H

#include <stddef.h>
#include <stdint.h>

#include "netstack/addr.h"

/* TCP flag bits as on the wire. */
#define PKT_FIN 0x01
#define PKT_SYN 0x02
#define PKT_RST 0x04
#define PKT_PSH 0x08
#define PKT_ACK 0x10
#define PKT_URG 0x20
#define PKT_ECE 0x40
#define PKT_CWR 0x80

enum pkt_kind {
	PKT_OTHER = 0,
	PKT_ARP,       /* arp.* valid */
	PKT_TCP,       /* ip.* and tcp.* valid */
	PKT_UDP,       /* ip.* and udp.* valid */
	PKT_ICMP,      /* ip.* and icmp.* valid (echo etc.) */
	PKT_ICMP_ERR,  /* ip.*, icmp.* and the quoted inner.* valid */
	PKT_ICMP6,     /* ip.* and icmp.* valid (echo, MLD, RS/RA, ...) */
	PKT_ICMP6_ERR, /* ip.*, icmp.* and the quoted inner.* valid */
	PKT_ND,        /* ip.*, icmp.* and nd.* valid: an NS or NA */
};

/*
 * One IP header, either family. ver says which; saddr/daddr are set for
 * both. src/dst, id, df and ihl are IPv4's only (zero for IPv6), so code
 * written for IPv4 never mistakes an IPv6 frame for one of its own.
 * For IPv6: len is 40 + the payload length, ttl the hop limit, tos the
 * traffic class, proto the upper-layer protocol found after the
 * extension headers, hlen the bytes from the IPv6 header to it, and frag
 * the fragment header's offset and M bit in IPv4's layout (offset in
 * 8-byte units in the low 13 bits, M = 0x2000), so (frag & 0x1fff) != 0
 * means "a later fragment" in both families.
 */
struct pkt_ip {
	uint32_t src, dst; /* IPv4, host order */
	struct addr saddr, daddr;
	uint16_t id, len, frag;
	uint8_t ttl, proto, tos, ihl;
	int df;
	uint8_t ver;      /* 4 or 6 */
	uint16_t hlen;    /* header bytes before L4 (IPv4: ihl) */
	uint32_t flow;    /* IPv6 flow label */
	uint32_t frag_id; /* IPv6 fragment header's identification */
	int has_frag;     /* IPv6: a fragment header was present */
};

struct pkt_tcp {
	uint16_t sport, dport, win, urp;
	uint32_t seq, ack;
	uint8_t flags, res; /* res: the 4 reserved bits */
	const uint8_t *opts;
	size_t optlen;
};

/*
 * What a frame says, with pointers into the caller's buffer (valid while
 * it is). The parser checks every length against the captured bytes and
 * the headers' own length fields before reading, so truncated or hostile
 * frames give PKT_OTHER or a shorter payload, never an out-of-bounds read.
 */
struct pkt_info {
	enum pkt_kind kind;
	const uint8_t *eth_src, *eth_dst;
	struct pkt_ip ip;
	struct pkt_tcp tcp;
	struct {
		uint16_t sport, dport, len;
	} udp;
	struct {
		uint8_t type, code;
		uint16_t id, seq;
		uint32_t unused; /* the 4 bytes after the checksum (ICMPv6:
				  * the MTU of "packet too big", the pointer
				  * of "parameter problem") */
	} icmp;
	/* PKT_ND: icmp.type 135 (NS) or 136 (NA). */
	struct {
		struct addr target;
		/* The source (NS) or target (NA) link-layer address option,
		 * or NULL when the message carries none. */
		const uint8_t *lladdr;
		/* NA: router 0x80, solicited 0x40, override 0x20 */
		uint8_t flags;
	} nd;
	struct {
		uint16_t op; /* 1 request, 2 reply */
		uint32_t spa, tpa;
		const uint8_t *sha, *tha;
	} arp;
	/*
	 * ICMP and ICMPv6 errors: the quoted datagram's header (TCP/UDP
	 * ports, seq). For an IPv6 quote inner.ip.proto is the protocol after
	 * the quoted extension headers; has_l4 only when 8 bytes of it are
	 * there and the quote is not a later fragment.
	 */
	struct {
		struct pkt_ip ip;
		uint16_t sport, dport;
		uint32_t seq; /* TCP only; the quote carries >= 8 bytes */
		int has_l4;
	} inner;
	const uint8_t *payload; /* TCP/UDP/ICMP data; ICMPv6: after 8 bytes */
	size_t payload_len;
	const uint8_t *l3; /* start of the IP header */
	size_t l3_len;     /* IP total length, clamped to the capture */
	const uint8_t *l4; /* start of the TCP/UDP/ICMP header */
	size_t l4_len;     /* from l4 to the end of l3_len */
};

/*
 * Parses an Ethernet II frame (optionally one 802.1Q tag). Returns the kind
 * (also stored in out->kind). Never fails on junk: unknown or malformed
 * input is PKT_OTHER.
 *
 * IPv6: at most PKT_MAX_EXTHDR extension headers (hop-by-hop, routing,
 * fragment, destination options, AH) are walked, each checked against the
 * datagram; more, ESP, "no next header" or a later fragment is PKT_OTHER.
 * An NS or NA is PKT_ND only as RFC 4861 7.1 accepts it (hop limit 255,
 * code 0, long enough and captured whole, target not multicast, sane
 * options); otherwise PKT_ICMP6. ICMPv6 types 1-4 are PKT_ICMP6_ERR
 * when the quote holds an IPv6 header. No checksum is verified (the
 * cookies make forged replies worthless).
 */
#define PKT_MAX_EXTHDR 8

enum pkt_kind pkt_parse(const uint8_t *frame, size_t caplen,
			struct pkt_info *out);

/*
 * The ICMP (IPv4) type and code that mean what ICMPv6 type6/code6 means,
 * so one table of port states and reasons serves both families:
 * unreachable 1/0 no route -> 3/0 net, 1/1 administratively prohibited
 * -> 3/13, 1/2 beyond scope and 1/3 address -> 3/1 host, 1/4 port -> 3/3,
 * 1/5 source policy and 1/6 reject route -> 3/13, other 1/x -> 3/1;
 * 2 packet too big -> 3/4; 3/c time exceeded -> 11/c; 4/c parameter
 * problem -> 12/c; anything else -> 255/255 (no ICMPv4 meaning).
 */
void pkt_icmp6_as_icmp4(uint8_t type6, uint8_t code6, uint8_t *type4,
			uint8_t *code4);

/* Internet checksum helpers (RFC 1071), for crafting and verification. */
uint32_t pkt_csum_add(uint32_t sum, const void *data, size_t len);
uint16_t pkt_csum_fold(uint32_t sum);

/*
 * The unfolded sum of the IPv6 pseudo-header (RFC 8200 8.1): both
 * addresses, the upper-layer length and next header. Add the L4 bytes
 * (checksum field zero) and fold.
 */
uint32_t pkt_csum_pseudo6(const struct addr *src, const struct addr *dst,
			  uint32_t l4_len, uint8_t proto);

#endif
