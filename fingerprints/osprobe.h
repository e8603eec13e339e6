/* osprobe.h -- nmap's 2nd-generation IPv4 OS probes as Ethernet frames. */
#ifndef FATHOM_OSPROBE_H
#define FATHOM_OSPROBE_H

#include <stddef.h>
#include <stdint.h>

/*
 * The probes of one round, in nmap's numbering of source ports: the six
 * SEQ SYNs (base+0..5), the OPS re-sends of a SEQ probe whose reply was
 * lost (base+6..11, same frames as SEQ1-6), ECN (base+12), T1-T7
 * (base+13..19). IE1/IE2 and U1 are not TCP and carry no port offset.
 */
enum osprobe_kind {
	OSP_SEQ1 = 0,
	OSP_SEQ2,
	OSP_SEQ3,
	OSP_SEQ4,
	OSP_SEQ5,
	OSP_SEQ6,
	OSP_OPS1,
	OSP_OPS2,
	OSP_OPS3,
	OSP_OPS4,
	OSP_OPS5,
	OSP_OPS6,
	OSP_ECN,
	OSP_T1,
	OSP_T2,
	OSP_T3,
	OSP_T4,
	OSP_T5,
	OSP_T6,
	OSP_T7,
	OSP_IE1,
	OSP_IE2,
	OSP_U1,
	OSP_NKINDS
};

#define OSP_NSEQ 6
#define OSP_IE_SEQ 295 /* IE1's ICMP sequence; IE2 uses 296 */
#define OSP_U1_IPID 0x1042
#define OSP_U1_DATA 300   /* bytes of 'C' */
#define OSP_U1_IPLEN 328  /* 20 + 8 + 300: RIPL=G */
#define OSP_FRAME_MAX 384 /* the largest probe: U1, 14 + 328 */

/* What varies per probe; the rest is fixed by the kind. */
struct osprobe_params {
	uint8_t smac[6], dmac[6];
	uint32_t saddr, daddr; /* host order */
	uint16_t sport, dport; /* TCP and UDP; ignored for ICMP */
	uint32_t seq, ack;     /* TCP; the ECN probe ignores ack (sends 0) */
	uint16_t ipid;         /* U1 ignores it: always 0x1042 */
	uint8_t ttl;
	uint16_t icmp_id; /* IE1 sends it, IE2 sends it + 1 */
};

/* The fixed shape of a TCP probe kind, as nmap's table gives it. */
struct osprobe_tcp_spec {
	uint8_t flags; /* PKT_SYN ... */
	uint8_t res;   /* the 4 reserved bits: 8 for ECN */
	uint16_t win;
	uint16_t urp; /* 0xF7F5 for ECN, without URG */
	int df;
	int to_closed; /* T5-T7 go to the closed port */
	const uint8_t *opts;
	size_t optlen; /* a multiple of 4 */
};

/* The spec of a TCP kind, or NULL for IE1/IE2/U1 and out of range. */
const struct osprobe_tcp_spec *osprobe_tcp_spec(int kind);

/* "SEQ1", "OPS1", "ECN", "T1", "IE1", "U1"...; "?" out of range. */
const char *osprobe_name(int kind);

/*
 * Builds the probe frame (Ethernet II + IPv4 + TCP/ICMP/UDP) with
 * correct IPv4 and transport checksums into out. A pure function of its
 * arguments. Returns the frame length, or 0 if cap is too small or the
 * kind is unknown.
 */
size_t osprobe_build(int kind, const struct osprobe_params *p, uint8_t *out,
		     size_t cap);

/*
 * The UDP checksum U1 carries for these addresses and ports: what an
 * ICMP error must quote back for RUCK=G.
 */
uint16_t osprobe_u1_udp_csum(uint32_t saddr, uint32_t daddr, uint16_t sport,
			     uint16_t dport);

#endif
