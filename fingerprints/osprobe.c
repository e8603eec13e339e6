/* osprobe.c -- nmap's 2nd-generation IPv4 OS probes as Ethernet frames. */
#include "fingerprints/osprobe.h"

#include <string.h>

#include "netstack/packet.h"

#define ETH_LEN 14
#define IP_LEN 20
#define TCP_LEN 20

/*
 * TCP options of the probes, byte for byte as nmap's table lists them
 * (reference/nmap-internals.md section 3). TS is always (0xFFFFFFFF, 0).
 */
#define TS_OPT 8, 10, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0
/* SEQ1 (= T1): WS10, NOP, MSS1460, TS, SACK */
static const uint8_t o_seq1[] = { 3, 3, 10, 1, 2, 4, 0x05, 0xb4, TS_OPT, 4, 2 };
/* SEQ2: MSS1400, WS0, SACK, TS, EOL */
static const uint8_t o_seq2[] = { 2, 4, 0x05, 0x78, 3, 3, 0, 4, 2, TS_OPT, 0 };
/* SEQ3: TS, NOP, NOP, WS5, NOP, MSS640 */
static const uint8_t o_seq3[] = { TS_OPT, 1, 1, 3, 3, 5, 1, 2, 4, 0x02, 0x80 };
/* SEQ4: SACK, TS, WS10, EOL */
static const uint8_t o_seq4[] = { 4, 2, TS_OPT, 3, 3, 10, 0 };
/* SEQ5: MSS536, SACK, TS, WS10, EOL */
static const uint8_t o_seq5[] = { 2, 4, 0x02, 0x18, 4, 2, TS_OPT, 3, 3, 10, 0 };
/* SEQ6: MSS265, SACK, TS */
static const uint8_t o_seq6[] = { 2, 4, 0x01, 0x09, 4, 2, TS_OPT };
/* ECN: WS10, NOP, MSS1460, SACK, NOP, NOP */
static const uint8_t o_ecn[] = { 3, 3, 10, 1, 2, 4, 0x05, 0xb4, 4, 2, 1, 1 };
/* T2-T6: WS10, NOP, MSS265, TS, SACK */
static const uint8_t o_t26[] = { 3, 3, 10, 1, 2, 4, 0x01, 0x09, TS_OPT, 4, 2 };
/* T7: WS15, NOP, MSS265, TS, SACK */
static const uint8_t o_t7[] = { 3, 3, 15, 1, 2, 4, 0x01, 0x09, TS_OPT, 4, 2 };

#define OPT(a) a, sizeof(a)

static const struct osprobe_tcp_spec specs[OSP_IE1] = {
	[OSP_SEQ1] = { PKT_SYN, 0, 1, 0, 0, 0, OPT(o_seq1) },
	[OSP_SEQ2] = { PKT_SYN, 0, 63, 0, 0, 0, OPT(o_seq2) },
	[OSP_SEQ3] = { PKT_SYN, 0, 4, 0, 0, 0, OPT(o_seq3) },
	[OSP_SEQ4] = { PKT_SYN, 0, 4, 0, 0, 0, OPT(o_seq4) },
	[OSP_SEQ5] = { PKT_SYN, 0, 16, 0, 0, 0, OPT(o_seq5) },
	[OSP_SEQ6] = { PKT_SYN, 0, 512, 0, 0, 0, OPT(o_seq6) },
	/* The OPS re-sends are the SEQ frames on their own ports. */
	[OSP_OPS1] = { PKT_SYN, 0, 1, 0, 0, 0, OPT(o_seq1) },
	[OSP_OPS2] = { PKT_SYN, 0, 63, 0, 0, 0, OPT(o_seq2) },
	[OSP_OPS3] = { PKT_SYN, 0, 4, 0, 0, 0, OPT(o_seq3) },
	[OSP_OPS4] = { PKT_SYN, 0, 4, 0, 0, 0, OPT(o_seq4) },
	[OSP_OPS5] = { PKT_SYN, 0, 16, 0, 0, 0, OPT(o_seq5) },
	[OSP_OPS6] = { PKT_SYN, 0, 512, 0, 0, 0, OPT(o_seq6) },
	[OSP_ECN] = { PKT_SYN | PKT_CWR | PKT_ECE, 8, 3, 0xF7F5, 0, 0,
		      OPT(o_ecn) },
	[OSP_T1] = { PKT_SYN, 0, 1, 0, 0, 0, OPT(o_seq1) },
	[OSP_T2] = { 0, 0, 128, 0, 1, 0, OPT(o_t26) },
	[OSP_T3] = { PKT_SYN | PKT_FIN | PKT_URG | PKT_PSH, 0, 256, 0, 0, 0,
		     OPT(o_t26) },
	[OSP_T4] = { PKT_ACK, 0, 1024, 0, 1, 0, OPT(o_t26) },
	[OSP_T5] = { PKT_SYN, 0, 31337, 0, 0, 1, OPT(o_t26) },
	[OSP_T6] = { PKT_ACK, 0, 32768, 0, 1, 1, OPT(o_t26) },
	[OSP_T7] = { PKT_FIN | PKT_PSH | PKT_URG, 0, 65535, 0, 0, 1,
		     OPT(o_t7) },
};

static const char *const names[OSP_NKINDS] = {
	"SEQ1", "SEQ2", "SEQ3", "SEQ4", "SEQ5", "SEQ6", "OPS1", "OPS2",
	"OPS3", "OPS4", "OPS5", "OPS6", "ECN",  "T1",   "T2",   "T3",
	"T4",   "T5",   "T6",   "T7",   "IE1",  "IE2",  "U1",
};

const struct osprobe_tcp_spec *osprobe_tcp_spec(int kind)
{
	if (kind < 0 || kind >= OSP_IE1)
		return NULL;
	return &specs[kind];
}

const char *osprobe_name(int kind)
{
	return kind >= 0 && kind < OSP_NKINDS ? names[kind] : "?";
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Ethernet and IPv4 headers; the IP checksum is filled in. */
static uint8_t *put_l2l3(uint8_t *out, const struct osprobe_params *p,
			 uint8_t tos, uint16_t iplen, uint16_t ipid, int df,
			 uint8_t proto)
{
	uint8_t *ip = out + ETH_LEN;

	memcpy(out, p->dmac, 6);
	memcpy(out + 6, p->smac, 6);
	wr16(out + 12, 0x0800);
	ip[0] = 0x45;
	ip[1] = tos;
	wr16(ip + 2, iplen);
	wr16(ip + 4, ipid);
	wr16(ip + 6, df ? 0x4000 : 0);
	ip[8] = p->ttl;
	ip[9] = proto;
	wr16(ip + 10, 0);
	wr32(ip + 12, p->saddr);
	wr32(ip + 16, p->daddr);
	wr16(ip + 10, pkt_csum_fold(pkt_csum_add(0, ip, IP_LEN)));
	return ip + IP_LEN;
}

/* The pseudo-header sum for a transport checksum. */
static uint32_t pseudo_sum(uint32_t saddr, uint32_t daddr, uint8_t proto,
			   uint16_t len)
{
	uint8_t ph[12];

	wr32(ph, saddr);
	wr32(ph + 4, daddr);
	ph[8] = 0;
	ph[9] = proto;
	wr16(ph + 10, len);
	return pkt_csum_add(0, ph, sizeof(ph));
}

static size_t build_tcp(const struct osprobe_tcp_spec *s,
			const struct osprobe_params *p, int ecn, uint8_t *out)
{
	uint16_t l4 = (uint16_t)(TCP_LEN + s->optlen);
	uint8_t *tcp =
		put_l2l3(out, p, 0, (uint16_t)(IP_LEN + l4), p->ipid, s->df, 6);

	wr16(tcp, p->sport);
	wr16(tcp + 2, p->dport);
	wr32(tcp + 4, p->seq);
	wr32(tcp + 8, ecn ? 0 : p->ack);
	tcp[12] = (uint8_t)((l4 / 4) << 4 | (s->res & 0x0f));
	tcp[13] = s->flags;
	wr16(tcp + 14, s->win);
	wr16(tcp + 16, 0);
	wr16(tcp + 18, s->urp);
	memcpy(tcp + TCP_LEN, s->opts, s->optlen);
	wr16(tcp + 16,
	     pkt_csum_fold(pkt_csum_add(pseudo_sum(p->saddr, p->daddr, 6, l4),
					tcp, l4)));
	return ETH_LEN + IP_LEN + l4;
}

/* IE1: TOS 0, DF, code 9, 120 zero bytes; IE2: TOS 4, code 0, 150. */
static size_t build_icmp(int second, const struct osprobe_params *p,
			 uint8_t *out)
{
	uint16_t dlen = second ? 150 : 120, l4 = (uint16_t)(8 + dlen);
	uint8_t *ic = put_l2l3(out, p, second ? 0x04 : 0,
			       (uint16_t)(IP_LEN + l4), p->ipid, !second, 1);

	ic[0] = 8;
	ic[1] = second ? 0 : 9;
	wr16(ic + 2, 0);
	wr16(ic + 4, (uint16_t)(p->icmp_id + (second ? 1 : 0)));
	wr16(ic + 6, (uint16_t)(OSP_IE_SEQ + (second ? 1 : 0)));
	memset(ic + 8, 0, dlen);
	wr16(ic + 2, pkt_csum_fold(pkt_csum_add(0, ic, l4)));
	return ETH_LEN + IP_LEN + l4;
}

static uint32_t u1_body_sum(uint16_t sport, uint16_t dport, uint8_t *udp)
{
	uint16_t l4 = 8 + OSP_U1_DATA;

	wr16(udp, sport);
	wr16(udp + 2, dport);
	wr16(udp + 4, l4);
	wr16(udp + 6, 0);
	memset(udp + 8, 'C', OSP_U1_DATA);
	return pkt_csum_add(0, udp, l4);
}

uint16_t osprobe_u1_udp_csum(uint32_t saddr, uint32_t daddr, uint16_t sport,
			     uint16_t dport)
{
	uint8_t udp[8 + OSP_U1_DATA];
	uint32_t sum = u1_body_sum(sport, dport, udp) +
		       pseudo_sum(saddr, daddr, 17, sizeof(udp));
	uint16_t c = pkt_csum_fold(sum);

	return c ? c : 0xffff; /* RFC 768: zero means "no checksum" */
}

static size_t build_udp(const struct osprobe_params *p, uint8_t *out)
{
	uint8_t *udp = put_l2l3(out, p, 0, OSP_U1_IPLEN, OSP_U1_IPID, 0, 17);

	u1_body_sum(p->sport, p->dport, udp);
	wr16(udp + 6,
	     osprobe_u1_udp_csum(p->saddr, p->daddr, p->sport, p->dport));
	return ETH_LEN + OSP_U1_IPLEN;
}

size_t osprobe_build(int kind, const struct osprobe_params *p, uint8_t *out,
		     size_t cap)
{
	if (cap < OSP_FRAME_MAX || kind < 0 || kind >= OSP_NKINDS)
		return 0;
	memset(out, 0, OSP_FRAME_MAX);
	if (kind < OSP_IE1)
		return build_tcp(&specs[kind], p, kind == OSP_ECN, out);
	if (kind == OSP_IE1 || kind == OSP_IE2)
		return build_icmp(kind == OSP_IE2, p, out);
	return build_udp(p, out);
}
