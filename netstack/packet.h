/* packet.h -- parse captured Ethernet frames into a flat, bounded view. */
#ifndef FATHOM_PACKET_H
#define FATHOM_PACKET_H

#include <stddef.h>
#include <stdint.h>

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
	PKT_ARP,      /* arp.* valid */
	PKT_TCP,      /* ip.* and tcp.* valid */
	PKT_UDP,      /* ip.* and udp.* valid */
	PKT_ICMP,     /* ip.* and icmp.* valid (echo etc.) */
	PKT_ICMP_ERR, /* ip.*, icmp.* and the quoted inner.* valid */
};

struct pkt_ip {
	uint32_t src, dst; /* host order */
	uint16_t id, len, frag;
	uint8_t ttl, proto, tos, ihl;
	int df;
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
		uint32_t unused; /* the 4 bytes after the checksum */
	} icmp;
	struct {
		uint16_t op; /* 1 request, 2 reply */
		uint32_t spa, tpa;
		const uint8_t *sha, *tha;
	} arp;
	/* ICMP errors: the quoted datagram's header (TCP/UDP ports, seq). */
	struct {
		struct pkt_ip ip;
		uint16_t sport, dport;
		uint32_t seq; /* TCP only; the quote carries >= 8 bytes */
		int has_l4;
	} inner;
	const uint8_t *payload; /* TCP/UDP/ICMP data */
	size_t payload_len;
	const uint8_t *l3;      /* start of the IP header */
	size_t l3_len;          /* IP total length, clamped to the capture */
};

/*
 * Parses an Ethernet II frame (optionally one 802.1Q tag). Returns the kind
 * (also stored in out->kind). Never fails on junk: unknown or malformed
 * input is PKT_OTHER.
 */
enum pkt_kind pkt_parse(const uint8_t *frame, size_t caplen,
			struct pkt_info *out);

/* Internet checksum helpers (RFC 1071), for crafting and verification. */
uint32_t pkt_csum_add(uint32_t sum, const void *data, size_t len);
uint16_t pkt_csum_fold(uint32_t sum);

#endif
