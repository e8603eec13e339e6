/* test_osprobe.c -- the OS probe frames, parsed back with pkt_parse. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fingerprints/osprobe.h"
#include "netstack/packet.h"
#include "tests/unit/harness.h"

/*
 * Decodes TCP options into the words nmap's documentation uses, so the
 * probes are checked against the table in reference/nmap-internals.md
 * rather than against the bytes they were built from.
 */
static void opt_words(const uint8_t *o, size_t n, char *out, size_t cap)
{
	size_t i = 0, k = 0;

	out[0] = '\0';
	while (i < n) {
		char w[32];

		switch (o[i]) {
		case 0:
			snprintf(w, sizeof(w), "EOL");
			i += 1;
			break;
		case 1:
			snprintf(w, sizeof(w), "NOP");
			i += 1;
			break;
		case 2:
			snprintf(w, sizeof(w), "MSS%u",
				 i + 3 < n ? o[i + 2] << 8 | o[i + 3] : 0);
			i += 4;
			break;
		case 3:
			snprintf(w, sizeof(w), "WS%u",
				 i + 2 < n ? o[i + 2] : 0);
			i += 3;
			break;
		case 4:
			snprintf(w, sizeof(w), "SACK");
			i += 2;
			break;
		case 8:
			/* nmap's TS is always (0xFFFFFFFF, 0). */
			if (i + 10 <= n && memcmp(o + i + 2,
						  "\xff\xff\xff\xff"
						  "\0\0\0\0",
						  8) == 0)
				snprintf(w, sizeof(w), "TS");
			else
				snprintf(w, sizeof(w), "TS?");
			i += 10;
			break;
		default:
			snprintf(w, sizeof(w), "?%u", o[i]);
			i = n;
		}
		k += (size_t)snprintf(out + k, cap - k, "%s%s", k ? "," : "",
				      w);
		if (k >= cap)
			return;
	}
}

/* The IPv4 header sums to 0xffff (checksum correct). */
static int ip_ok(const struct pkt_info *p)
{
	return pkt_csum_fold(pkt_csum_add(0, p->l3, p->ip.ihl)) == 0;
}

/* The transport checksum over pseudo-header + segment is correct. */
static int l4_ok(const struct pkt_info *p)
{
	uint8_t ph[12];
	uint16_t l4 = (uint16_t)(p->ip.len - p->ip.ihl);
	uint32_t sum;

	memcpy(ph, p->l3 + 12, 8);
	ph[8] = 0;
	ph[9] = p->ip.proto;
	ph[10] = (uint8_t)(l4 >> 8);
	ph[11] = (uint8_t)l4;
	sum = p->ip.proto == 1 ? 0 : pkt_csum_add(0, ph, sizeof(ph));
	sum = pkt_csum_add(sum, p->l3 + p->ip.ihl, l4);
	return pkt_csum_fold(sum) == 0;
}

struct row {
	int kind;
	const char *flags; /* in nmap's F= order: EUAPRSF, plus C for CWR */
	uint16_t win;
	int df;
	const char *opts;
};

static void flag_str(uint8_t f, char *out)
{
	static const struct {
		uint8_t bit;
		char c;
	} d[] = {
		{ PKT_CWR, 'C' }, { PKT_ECE, 'E' }, { PKT_URG, 'U' },
		{ PKT_ACK, 'A' }, { PKT_PSH, 'P' }, { PKT_RST, 'R' },
		{ PKT_SYN, 'S' }, { PKT_FIN, 'F' },
	};
	for (size_t i = 0; i < sizeof(d) / sizeof(*d); i++)
		if (f & d[i].bit)
			*out++ = d[i].c;
	*out = '\0';
}

int main(void)
{
	/* The table of reference/nmap-internals.md section 3. */
	static const struct row rows[] = {
		{ OSP_SEQ1, "S", 1, 0, "WS10,NOP,MSS1460,TS,SACK" },
		{ OSP_SEQ2, "S", 63, 0, "MSS1400,WS0,SACK,TS,EOL" },
		{ OSP_SEQ3, "S", 4, 0, "TS,NOP,NOP,WS5,NOP,MSS640" },
		{ OSP_SEQ4, "S", 4, 0, "SACK,TS,WS10,EOL" },
		{ OSP_SEQ5, "S", 16, 0, "MSS536,SACK,TS,WS10,EOL" },
		{ OSP_SEQ6, "S", 512, 0, "MSS265,SACK,TS" },
		{ OSP_OPS3, "S", 4, 0, "TS,NOP,NOP,WS5,NOP,MSS640" },
		{ OSP_ECN, "CES", 3, 0, "WS10,NOP,MSS1460,SACK,NOP,NOP" },
		{ OSP_T1, "S", 1, 0, "WS10,NOP,MSS1460,TS,SACK" },
		{ OSP_T2, "", 128, 1, "WS10,NOP,MSS265,TS,SACK" },
		{ OSP_T3, "UPSF", 256, 0, "WS10,NOP,MSS265,TS,SACK" },
		{ OSP_T4, "A", 1024, 1, "WS10,NOP,MSS265,TS,SACK" },
		{ OSP_T5, "S", 31337, 0, "WS10,NOP,MSS265,TS,SACK" },
		{ OSP_T6, "A", 32768, 1, "WS10,NOP,MSS265,TS,SACK" },
		{ OSP_T7, "UPF", 65535, 0, "WS15,NOP,MSS265,TS,SACK" },
	};
	struct osprobe_params pp = {
		.smac = { 2, 0, 0, 0, 0, 2 },
		.dmac = { 2, 0, 0, 0, 0, 0x0a },
		.saddr = 0xc6120002, /* 198.18.0.2 */
		.daddr = 0xc612000a,
		.sport = 33123,
		.dport = 22,
		.seq = 0x89abcdef,
		.ack = 0x12345678,
		.ipid = 0xbeef,
		.ttl = 47,
		.icmp_id = 0xfffe,
	};
	uint8_t f[OSP_FRAME_MAX];
	struct pkt_info p;
	size_t n;

	for (size_t i = 0; i < sizeof(rows) / sizeof(*rows); i++) {
		char name[48], fl[16], ow[128];

		snprintf(name, sizeof(name), "%s: flags, window, DF, options",
			 osprobe_name(rows[i].kind));
		CASE(name)
		{
			n = osprobe_build(rows[i].kind, &pp, f, sizeof(f));
			CHECK(n > 54);
			CHECK_EQ_U(pkt_parse(f, n, &p), PKT_TCP);
			CHECK(memcmp(p.eth_dst, pp.dmac, 6) == 0);
			CHECK(memcmp(p.eth_src, pp.smac, 6) == 0);
			CHECK_EQ_U(p.ip.src, pp.saddr);
			CHECK_EQ_U(p.ip.dst, pp.daddr);
			CHECK_EQ_U(p.ip.ttl, 47);
			CHECK_EQ_U(p.ip.id, 0xbeef);
			CHECK_EQ_U(p.ip.tos, 0);
			CHECK_EQ_U(p.ip.df, rows[i].df);
			CHECK_EQ_U(p.ip.len, n - 14);
			CHECK_EQ_U(p.tcp.sport, 33123);
			CHECK_EQ_U(p.tcp.dport, 22);
			CHECK_EQ_U(p.tcp.seq, 0x89abcdef);
			flag_str(p.tcp.flags, fl);
			CHECK_STR(fl, rows[i].flags);
			CHECK_EQ_U(p.tcp.win, rows[i].win);
			opt_words(p.tcp.opts, p.tcp.optlen, ow, sizeof(ow));
			CHECK_STR(ow, rows[i].opts);
			CHECK_EQ_U(p.payload_len, 0);
			CHECK(ip_ok(&p));
			CHECK(l4_ok(&p));
			if (rows[i].kind == OSP_ECN) {
				/* ACK 0, reserved nibble 8, urgent pointer
				 * 0xF7F5 without URG. */
				CHECK_EQ_U(p.tcp.ack, 0);
				CHECK_EQ_U(p.tcp.res, 8);
				CHECK_EQ_U(p.tcp.urp, 0xF7F5);
			} else {
				CHECK_EQ_U(p.tcp.ack, 0x12345678);
				CHECK_EQ_U(p.tcp.res, 0);
				CHECK_EQ_U(p.tcp.urp, 0);
			}
		}
	}

	CASE("T5-T7 are the closed-port probes, the rest the open port")
	{
		for (int k = 0; k < OSP_IE1; k++)
			CHECK_EQ_U(osprobe_tcp_spec(k)->to_closed,
				   k >= OSP_T5 && k <= OSP_T7);
		CHECK(osprobe_tcp_spec(OSP_IE1) == NULL);
		CHECK(osprobe_tcp_spec(OSP_U1) == NULL);
	}

	CASE("IE1: echo, TOS 0, DF, code 9, seq 295, 120 zero bytes")
	{
		static const uint8_t zero[150];

		n = osprobe_build(OSP_IE1, &pp, f, sizeof(f));
		CHECK_EQ_U(pkt_parse(f, n, &p), PKT_ICMP);
		CHECK_EQ_U(p.icmp.type, 8);
		CHECK_EQ_U(p.icmp.code, 9);
		CHECK_EQ_U(p.icmp.id, 0xfffe);
		CHECK_EQ_U(p.icmp.seq, 295);
		CHECK_EQ_U(p.ip.tos, 0);
		CHECK_EQ_U(p.ip.df, 1);
		CHECK_EQ_U(p.ip.proto, 1);
		CHECK_EQ_U(p.payload_len, 120);
		CHECK(memcmp(p.payload, zero, 120) == 0);
		CHECK(ip_ok(&p));
		CHECK(l4_ok(&p));
	}

	CASE("IE2: echo, TOS 4, no DF, code 0, id+1, seq 296, 150 bytes")
	{
		static const uint8_t zero[150];

		n = osprobe_build(OSP_IE2, &pp, f, sizeof(f));
		CHECK_EQ_U(pkt_parse(f, n, &p), PKT_ICMP);
		CHECK_EQ_U(p.icmp.type, 8);
		CHECK_EQ_U(p.icmp.code, 0);
		CHECK_EQ_U(p.icmp.id, 0xffff);
		CHECK_EQ_U(p.icmp.seq, 296);
		CHECK_EQ_U(p.ip.tos, 4);
		CHECK_EQ_U(p.ip.df, 0);
		CHECK_EQ_U(p.payload_len, 150);
		CHECK(memcmp(p.payload, zero, 150) == 0);
		CHECK(ip_ok(&p));
		CHECK(l4_ok(&p));
	}

	CASE("U1: 300 x 'C', IP ID 0x1042, no DF, 328 bytes, UDP sum")
	{
		int all_c = 1;
		uint16_t sum;

		pp.sport = 40001;
		pp.dport = 31337;
		pp.ttl = 55;
		n = osprobe_build(OSP_U1, &pp, f, sizeof(f));
		CHECK_EQ_U(n, 14 + 328);
		CHECK_EQ_U(pkt_parse(f, n, &p), PKT_UDP);
		CHECK_EQ_U(p.ip.id, 0x1042);
		CHECK_EQ_U(p.ip.ttl, 55);
		CHECK_EQ_U(p.ip.df, 0);
		CHECK_EQ_U(p.ip.len, 328);
		CHECK_EQ_U(p.udp.sport, 40001);
		CHECK_EQ_U(p.udp.dport, 31337);
		CHECK_EQ_U(p.udp.len, 308);
		CHECK_EQ_U(p.payload_len, 300);
		for (size_t i = 0; i < p.payload_len; i++)
			all_c &= p.payload[i] == 'C';
		CHECK(all_c);
		CHECK(ip_ok(&p));
		CHECK(l4_ok(&p));
		sum = (uint16_t)(p.l3[26] << 8 | p.l3[27]);
		CHECK_EQ_U(sum, osprobe_u1_udp_csum(pp.saddr, pp.daddr, 40001,
						    31337));
	}

	CASE("a buffer too small or an unknown kind builds nothing")
	{
		CHECK_EQ_U(osprobe_build(OSP_U1, &pp, f, 100), 0);
		CHECK_EQ_U(osprobe_build(OSP_NKINDS, &pp, f, sizeof(f)), 0);
		CHECK_EQ_U(osprobe_build(-1, &pp, f, sizeof(f)), 0);
	}
	return DONE();
}
