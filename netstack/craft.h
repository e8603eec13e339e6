/* craft.h -- frame templates built with libnet, patched per probe. */
#ifndef FATHOM_CRAFT_H
#define FATHOM_CRAFT_H

#include <stddef.h>
#include <stdint.h>

#include "netstack/addr.h"

/* Ethernet + IPv4 + TCP with 40 bytes of options (IPv6: 20 bytes more,
 * still inside) */
#define CRAFT_MAX 128

/*
 * A frame built once by libnet (headers, options, lengths, constant fields)
 * and then copied and patched for each probe: only the per-target fields
 * and the two checksums change, as zmap and masscan do, so the send path
 * never calls into libnet's allocator.
 */
struct craft_tmpl {
	uint8_t frame[CRAFT_MAX];
	size_t len;
	size_t l4_len; /* TCP header + options */
	uint8_t ver;   /* 4 (craft_tcp_template) or 6 (craft_tcp6_template) */
};

struct craft_tcp_opts {
	uint8_t flags;
	uint16_t win;
	uint8_t ttl;
	int df;
	const uint8_t *opts; /* raw TCP options, padded by the caller to x4 */
	size_t optlen;
};

/*
 * Builds the template with libnet on ln (a libnet_t in LIBNET_LINK_ADV
 * mode, from pktio_libnet()). smac/saddr are our side (saddr host order).
 * Returns 0, or -1 with err = "libnet: ...".
 */
int craft_tcp_template(void *ln, struct craft_tmpl *t, const uint8_t smac[6],
		       uint32_t saddr, const struct craft_tcp_opts *o,
		       char *err, size_t errlen);

/*
 * Writes the probe into out (t->len bytes): destination MAC and address,
 * ports, seq, ack, IP ID, then the IPv4 and TCP checksums.
 */
void craft_tcp_fill(const struct craft_tmpl *t, uint8_t *out,
		    const uint8_t dmac[6], uint32_t daddr, uint16_t sport,
		    uint16_t dport, uint32_t seq, uint32_t ack, uint16_t ipid);

/*
 * Writes a whole Ethernet + IPv4 + UDP frame into out (CRAFT_MAX bytes;
 * plen at most CRAFT_MAX - 42) without libnet: DF set, TTL ttl, both
 * checksums. Returns the frame's length.
 */
size_t craft_udp_frame(uint8_t *out, const uint8_t smac[6],
		       const uint8_t dmac[6], uint32_t saddr, uint32_t daddr,
		       uint16_t sport, uint16_t dport, uint16_t ipid,
		       uint8_t ttl, const uint8_t *payload, size_t plen);

/*
 * An ARP request "who-has target tell saddr" (broadcast), built with libnet.
 * out must hold 64 bytes; *len gets the frame length. 0 or -1 with err.
 */
int craft_arp_request(void *ln, uint8_t *out, size_t *len,
		      const uint8_t smac[6], uint32_t saddr, uint32_t target,
		      char *err, size_t errlen);

/* An ARP reply "saddr is-at smac" to (dmac, daddr), for -S spoofing. */
int craft_arp_reply(void *ln, uint8_t *out, size_t *len, const uint8_t smac[6],
		    uint32_t saddr, const uint8_t dmac[6], uint32_t daddr,
		    char *err, size_t errlen);

/*
 * IPv6 (craft6.c). Built by hand rather than by libnet: the IPv6 header
 * is fixed and libnet adds nothing to it, and pure builders are unit-
 * tested without CAP_NET_RAW. Every frame has traffic class and flow
 * label 0; checksums use the RFC 8200 pseudo-header.
 */

/*
 * The IPv6 form of craft_tcp_template: Ethernet + IPv6 (hop limit
 * o->ttl; o->df is meaningless and ignored) + TCP with o's options, from
 * smac/saddr (saddr IPv6). Returns 0, or -1 when the options are not a
 * multiple of 4 up to 40 bytes or saddr is not IPv6.
 */
int craft_tcp6_template(struct craft_tmpl *t, const uint8_t smac[6],
			const struct addr *saddr,
			const struct craft_tcp_opts *o);

/* Patches an IPv6 template: destination MAC and address, ports, seq,
 * ack, then the TCP checksum. */
void craft_tcp6_fill(const struct craft_tmpl *t, uint8_t *out,
		     const uint8_t dmac[6], const struct addr *daddr,
		     uint16_t sport, uint16_t dport, uint32_t seq,
		     uint32_t ack);

/*
 * Either family's fill, chosen by the template (ipid unused for IPv6;
 * daddr must be of the template's family): what a send loop calls once
 * its targets are struct addr.
 */
void craft_tcp_fill_addr(const struct craft_tmpl *t, uint8_t *out,
			 const uint8_t dmac[6], const struct addr *daddr,
			 uint16_t sport, uint16_t dport, uint32_t seq,
			 uint32_t ack, uint16_t ipid);

/*
 * A whole Ethernet + IPv6 + UDP frame into out (CRAFT_MAX bytes; plen at
 * most CRAFT_UDP6_MAXPAYLOAD), hop limit hlim, checksum (never 0: RFC
 * 8200 makes it mandatory). Returns the length, 0 if plen is too long.
 */
#define CRAFT_UDP6_MAXPAYLOAD (CRAFT_MAX - 14 - 40 - 8)
size_t craft_udp6_frame(uint8_t *out, const uint8_t smac[6],
			const uint8_t dmac[6], const struct addr *saddr,
			const struct addr *daddr, uint16_t sport,
			uint16_t dport, uint8_t hlim, const uint8_t *payload,
			size_t plen);

/*
 * An ICMPv6 echo request (type 128) with id, seq and plen bytes of data
 * into out (cap bytes). Returns the length, 0 if it does not fit.
 */
size_t craft_icmp6_echo(uint8_t *out, size_t cap, const uint8_t smac[6],
			const uint8_t dmac[6], const struct addr *saddr,
			const struct addr *daddr, uint16_t id, uint16_t seq,
			uint8_t hlim, const uint8_t *payload, size_t plen);

/* An NS or NA with one link-layer option: 14 + 40 + 24 + 8 bytes. */
#define CRAFT_ND_LEN 86

/* NA flag bits (RFC 4861 4.4), as pkt_info's nd.flags reads them. */
#define CRAFT_NA_ROUTER 0x80
#define CRAFT_NA_SOLICITED 0x40
#define CRAFT_NA_OVERRIDE 0x20

/*
 * The solicited-node multicast group of target (ff02::1:ffXX:XXXX, the
 * low 24 bits of target) and the Ethernet address of any IPv6 multicast
 * group (33:33 + its low 32 bits).
 */
struct addr craft_nd_group(const struct addr *target);
void craft_nd_group_mac(const struct addr *group, uint8_t mac[6]);

/*
 * "Who has target, tell saddr": a neighbour solicitation from
 * (smac, saddr) to target's solicited-node group, hop limit 255, with
 * the source link-layer option. Both addresses IPv6.
 */
void craft_nd_solicit(uint8_t out[CRAFT_ND_LEN], const uint8_t smac[6],
		      const struct addr *saddr, const struct addr *target);

/*
 * "target is-at smac": a neighbour advertisement from (smac, target) to
 * (dmac, daddr) with flags (CRAFT_NA_*) and the target link-layer option.
 */
void craft_nd_advert(uint8_t out[CRAFT_ND_LEN], const uint8_t smac[6],
		     const struct addr *target, const uint8_t dmac[6],
		     const struct addr *daddr, uint8_t flags);

/*
 * ICMPv4 queries (craft_icmp.c), built by hand like the IPv6 forms: the
 * request types host discovery sends (-PE, -PP, -PM).
 */
#define CRAFT_ICMP_ECHO 8       /* reply: 0 */
#define CRAFT_ICMP_TIMESTAMP 13 /* reply: 14 */
#define CRAFT_ICMP_MASK 17      /* reply: 18 */

/*
 * A whole Ethernet + IPv4 + ICMP query of type (CRAFT_ICMP_*) with id
 * and seq, no DF, TTL ttl, both checksums; echo carries no data, the
 * timestamp and mask bodies are zero. Addresses host order. Returns
 * the length, 0 for another type or when cap is too small.
 */
size_t craft_icmp4_query(uint8_t *out, size_t cap, const uint8_t smac[6],
			 const uint8_t dmac[6], uint32_t saddr, uint32_t daddr,
			 uint8_t type, uint16_t id, uint16_t seq, uint16_t ipid,
			 uint8_t ttl);

#endif
