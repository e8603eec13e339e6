/* test_discovery.c -- discovery's probe frames and the replies they draw. */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "engine/disc/discovery.h"
#include "engine/core/results.h"
#include "netstack/packet.h"
#include "tests/unit/harness.h"

#define OUR 0xc6120002u    /* 198.18.0.2 */
#define TARGET 0xc6130004u /* 198.19.0.4 */
#define ROUTER 0xc612000cu /* 198.18.0.12 */

static const uint8_t our_mac[6] = { 2, 0, 0, 0, 0, 2 };
static const uint8_t gw_mac[6] = { 2, 0, 0, 0, 0, 12 };

/* nmap's defaults plus -PM and -PU40125, in nmap's order. */
static const struct disc_probe probes[] = {
	{ DK_ECHO, 0 }, { DK_SYN, 443 }, { DK_ACK, 80 },
	{ DK_TS, 0 },   { DK_MASK, 0 },  { DK_UDP, 40125 },
};
enum {
	S_ECHO,
	S_SYN,
	S_ACK,
	S_TS,
	S_MASK,
	S_UDP
};

static void keys(struct disc_keys *ks)
{
	memset(ks, 0, sizeof(*ks));
	ks->key.k0 = 0x0123456789abcdefull;
	ks->key.k1 = 0xfedcba9876543210ull;
	ks->our = OUR;
	ks->sport_base = 61000;
	ks->sport_count = 1024;
	ks->probes = probes;
	ks->np = sizeof(probes) / sizeof(*probes);
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void wr32(uint8_t *p, uint32_t v)
{
	wr16(p, (uint16_t)(v >> 16));
	wr16(p + 2, (uint16_t)v);
}

/* 1 when the IPv4 header's checksum holds. */
static int ip_csum_ok(const uint8_t *frame)
{
	return pkt_csum_fold(pkt_csum_add(0, frame + 14, 20)) == 0;
}

/* The probe of slot k to TARGET, parsed. */
static size_t probe(const struct disc_keys *ks, size_t k, uint8_t *f,
		    struct pkt_info *p)
{
	struct disc_tmpls t;
	size_t n;

	disc_templates(&t, our_mac, OUR);
	n = disc_build(ks, &t, k, TARGET, our_mac, gw_mac, 0x1234, f);
	pkt_parse(f, n, p);
	return n;
}

/* A TCP segment from TARGET:sport to OUR:dport. */
static size_t tcp_reply(uint8_t *f, uint16_t sport, uint16_t dport,
			uint32_t seq, uint32_t ack, uint8_t flags)
{
	uint8_t *ip = f + 14, *tcp = ip + 20;

	memset(f, 0, 54);
	wr16(f + 12, 0x0800);
	ip[0] = 0x45;
	wr16(ip + 2, 40);
	ip[8] = 63;
	ip[9] = IPPROTO_TCP;
	wr32(ip + 12, TARGET);
	wr32(ip + 16, OUR);
	wr16(tcp, sport);
	wr16(tcp + 2, dport);
	wr32(tcp + 4, seq);
	wr32(tcp + 8, ack);
	tcp[12] = 5 << 4;
	tcp[13] = flags;
	return 54;
}

/* An ICMP error from src quoting the probe's IP header + 8 bytes. */
static size_t icmp_error(uint8_t *f, uint32_t src, uint8_t type, uint8_t code,
			 const uint8_t *probe_frame)
{
	uint8_t *ip = f + 14, *ic = ip + 20;

	memset(f, 0, 14 + 20 + 8 + 28);
	wr16(f + 12, 0x0800);
	ip[0] = 0x45;
	wr16(ip + 2, 20 + 8 + 28);
	ip[8] = 64;
	ip[9] = IPPROTO_ICMP;
	wr32(ip + 12, src);
	wr32(ip + 16, OUR);
	ic[0] = type;
	ic[1] = code;
	memcpy(ic + 8, probe_frame + 14, 28);
	return 14 + 20 + 8 + 28;
}

/* The ICMP query answered: the probe from TARGET back, type changed. */
static size_t icmp_reply(uint8_t *f, const struct pkt_info *q, uint8_t type)
{
	size_t n = craft_icmp4_query(f, CRAFT_MAX, gw_mac, our_mac, TARGET, OUR,
				     q->icmp.type, q->icmp.id, q->icmp.seq, 7,
				     61);

	f[14 + 20] = type;
	return n;
}

static int classify(const struct disc_keys *ks, const uint8_t *f, size_t n,
		    struct disc_reply *r)
{
	struct pkt_info p;

	pkt_parse(f, n, &p);
	return disc_classify(ks, &p, r);
}

int main(void)
{
	struct disc_keys ks;
	struct pkt_info p;
	struct disc_reply r;
	uint8_t f[CRAFT_MAX], g[CRAFT_MAX];
	size_t n;

	keys(&ks);

	CASE("ICMP probes: echo, timestamp, mask with the cookie in id/seq")
	{
		static const uint8_t types[] = { 8, 13, 17 };
		static const size_t slots[] = { S_ECHO, S_TS, S_MASK };
		static const size_t lens[] = { 42, 54, 46 };

		for (int i = 0; i < 3; i++) {
			n = probe(&ks, slots[i], f, &p);
			CHECK_EQ_U(n, lens[i]);
			CHECK_EQ_U(p.kind, PKT_ICMP);
			CHECK_EQ_U(p.icmp.type, types[i]);
			CHECK_EQ_U(p.ip.src, OUR);
			CHECK_EQ_U(p.ip.dst, TARGET);
			CHECK(memcmp(f, gw_mac, 6) == 0);
			CHECK(ip_csum_ok(f));
			CHECK_EQ_U(
				pkt_csum_fold(pkt_csum_add(0, f + 34, n - 34)),
				0);
		}
		/* Different kinds, different cookies. */
		probe(&ks, S_ECHO, f, &p);
		{
			uint16_t id = p.icmp.id, seq = p.icmp.seq;

			probe(&ks, S_TS, f, &p);
			CHECK(id != p.icmp.id || seq != p.icmp.seq);
		}
	}

	CASE("TCP probes: SYN to 443 and ACK to 80 from the cookie's port")
	{
		n = probe(&ks, S_SYN, f, &p);
		CHECK_EQ_U(p.kind, PKT_TCP);
		CHECK_EQ_U(p.tcp.flags, PKT_SYN);
		CHECK_EQ_U(p.tcp.dport, 443);
		CHECK(p.tcp.sport >= 61000 && p.tcp.sport < 62024);
		CHECK_EQ_U(p.ip.df, 1);
		CHECK(ip_csum_ok(f));
		CHECK_EQ_U(n, 58);
		n = probe(&ks, S_ACK, f, &p);
		CHECK_EQ_U(p.tcp.flags, PKT_ACK);
		CHECK_EQ_U(p.tcp.dport, 80);
		CHECK_EQ_U(p.tcp.ack, p.tcp.seq);
		CHECK_EQ_U(n, 54);
		CHECK_EQ_U(disc_build(&ks, NULL, ks.np, TARGET, our_mac, gw_mac,
				      1, f),
			   0);
	}

	CASE("echo-reply, timestamp-reply, addressmask-reply: up, slot, ttl")
	{
		static const size_t slots[] = { S_ECHO, S_TS, S_MASK };
		static const uint8_t rtype[] = { 0, 14, 18 };
		static const char *const names[] = { "echo-reply",
						     "timestamp-reply",
						     "addressmask-reply" };

		for (int i = 0; i < 3; i++) {
			probe(&ks, slots[i], f, &p);
			n = icmp_reply(g, &p, rtype[i]);
			CHECK(classify(&ks, g, n, &r) == 1);
			CHECK_EQ_U(r.slot, slots[i]);
			CHECK_EQ_U(r.target, TARGET);
			CHECK_EQ_U(r.ttl, 61);
			CHECK(r.up);
			CHECK_STR(disc_reason_name(r.reason), names[i]);
		}
		/* A wrong seq (not our cookie) is nobody's reply. */
		probe(&ks, S_ECHO, f, &p);
		p.icmp.seq ^= 1;
		n = icmp_reply(g, &p, 0);
		CHECK(classify(&ks, g, n, &r) == 0);
		/* The request itself is not a reply. */
		probe(&ks, S_ECHO, f, &p);
		n = icmp_reply(g, &p, 8);
		CHECK(classify(&ks, g, n, &r) == 0);
	}

	CASE("SYN-ACK and RST to the SYN probe; RST to the ACK probe")
	{
		probe(&ks, S_SYN, f, &p);
		n = tcp_reply(g, 443, p.tcp.sport, 77, p.tcp.seq + 1,
			      PKT_SYN | PKT_ACK);
		CHECK(classify(&ks, g, n, &r) == 1);
		CHECK_EQ_U(r.slot, S_SYN);
		CHECK_STR(disc_reason_name(r.reason), "syn-ack");
		CHECK(r.up);
		n = tcp_reply(g, 443, p.tcp.sport, 0, p.tcp.seq + 1,
			      PKT_RST | PKT_ACK);
		CHECK(classify(&ks, g, n, &r) == 1);
		CHECK_STR(disc_reason_name(r.reason), "reset");
		/* Acking the ISN itself, not ISN+1: not ours. */
		n = tcp_reply(g, 443, p.tcp.sport, 0, p.tcp.seq,
			      PKT_RST | PKT_ACK);
		CHECK(classify(&ks, g, n, &r) == 0);

		/* RFC 793: the RST to an ACK takes its seq from our ack. */
		probe(&ks, S_ACK, f, &p);
		n = tcp_reply(g, 80, p.tcp.sport, p.tcp.ack, 0, PKT_RST);
		CHECK(classify(&ks, g, n, &r) == 1);
		CHECK_EQ_U(r.slot, S_ACK);
		CHECK_STR(disc_reason_name(r.reason), "reset");
		n = tcp_reply(g, 80, p.tcp.sport, p.tcp.ack + 1, 0, PKT_RST);
		CHECK(classify(&ks, g, n, &r) == 0);
		/* A port no probe went to. */
		n = tcp_reply(g, 81, p.tcp.sport, p.tcp.ack, 0, PKT_RST);
		CHECK(classify(&ks, g, n, &r) == 0);
	}

	CASE("missed-host estimate: no pass 1 on a clean LAN, one under loss")
	{
		uint64_t all[4] = { 1000, 1000, 1000, 1000 };
		uint64_t lossy[4] = { 900, 905, 890, 910 };
		uint64_t one[4] = { 1000, 3, 0, 0 };
		uint64_t few[4] = { 5, 5, 5, 0 };
		double m;

		/* Every up host answered all four: nothing missed. */
		m = disc_missed_estimate(all, 4, 1000);
		CHECK(m >= 0 && m < DISC_MISS_GOAL);
		/* 10% of the answers lost: 1e-4 of 1000 hosts is 0.1. */
		m = disc_missed_estimate(lossy, 4, 1000);
		CHECK(m > DISC_MISS_GOAL && m < 1);
		/* One kind answered: its loss cannot be told. */
		CHECK(disc_missed_estimate(one, 4, 1000) < 0);
		/* Too few answers to tell. */
		CHECK(disc_missed_estimate(few, 4, 5) < 0);
		CHECK(disc_missed_estimate(all, 4, 0) < 0);
	}

	CASE("ICMP errors: up from the target itself, never from a router")
	{
		probe(&ks, S_UDP, f, &p);
		CHECK_EQ_U(p.kind, PKT_UDP);
		CHECK_EQ_U(p.udp.dport, 40125);
		n = icmp_error(g, TARGET, 3, 3, f);
		CHECK(classify(&ks, g, n, &r) == 1);
		CHECK_EQ_U(r.slot, S_UDP);
		CHECK_STR(disc_reason_name(r.reason), "port-unreach");
		CHECK(r.up);
		n = icmp_error(g, ROUTER, 3, 1, f);
		CHECK(classify(&ks, g, n, &r) == 1);
		CHECK_STR(disc_reason_name(r.reason), "host-unreach");
		CHECK(!r.up);

		/* Port unreachable quoting the SYN (fx-quiet's 3306). */
		probe(&ks, S_SYN, f, &p);
		n = icmp_error(g, TARGET, 3, 3, f);
		CHECK(classify(&ks, g, n, &r) == 1);
		CHECK_EQ_U(r.slot, S_SYN);
		CHECK(r.up);
		/* The quoted seq altered: not our probe. */
		f[14 + 20 + 4] ^= 0x80;
		n = icmp_error(g, TARGET, 3, 3, f);
		CHECK(classify(&ks, g, n, &r) == 0);

		/* A router's host unreachable for the echo: down. */
		probe(&ks, S_ECHO, f, &p);
		n = icmp_error(g, ROUTER, 3, 1, f);
		CHECK(classify(&ks, g, n, &r) == 1);
		CHECK_EQ_U(r.slot, S_ECHO);
		CHECK(!r.up);
	}

	CASE("reason names: nmap's, unknown-response for none")
	{
		CHECK_STR(disc_reason_name(DR_ARP), "arp-response");
		CHECK_STR(disc_reason_name(DR_NONE), "unknown-response");
		CHECK_STR(disc_reason_name(200), "unknown-response");
		CHECK_STR(disc_reason_name(disc_reason_icmp(3, 2)),
			  "proto-unreach");
		CHECK_EQ_U(disc_reason_icmp(8, 0), DR_NONE);
	}
	return DONE();
}
