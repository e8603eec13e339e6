/* test_discovery6.c -- discovery's IPv6 probe frames and the replies they draw. */
#include <netinet/in.h>
#include <string.h>

#include "engine/disc/discovery.h"
#include "netstack/packet.h"
#include "tests/unit/harness.h"

static const uint8_t our_mac[6] = { 2, 0, 0, 0, 0, 2 };
static const uint8_t gw_mac[6] = { 2, 0, 0, 0, 0, 13 };

/* nmap's IPv6 defaults, and -PP (no IPv6 form). */
static const struct disc_probe probes[] = {
	{ DK_ECHO, 0 },
	{ DK_SYN, 443 },
	{ DK_ACK, 80 },
	{ DK_TS, 0 },
};
enum {
	S_ECHO,
	S_SYN,
	S_ACK,
	S_TS
};

static struct addr our, target, router;

static void keys(struct disc_keys *ks)
{
	memset(ks, 0, sizeof(*ks));
	ks->key.k0 = 0x0123456789abcdefull;
	ks->key.k1 = 0xfedcba9876543210ull;
	ks->our6 = our;
	ks->sport_base = 61000;
	ks->sport_count = 1024;
	ks->probes = probes;
	ks->np = sizeof(probes) / sizeof(*probes);
}

static struct disc_tmpls tm;

/* The probe of slot k to target, parsed. */
static size_t probe(const struct disc_keys *ks, size_t k, uint8_t *f,
		    struct pkt_info *p)
{
	size_t n = disc_build6(ks, &tm, k, &target, our_mac, gw_mac, f);

	if (n)
		pkt_parse(f, n, p);
	return n;
}

/* The probe turned around: addresses and MACs swapped (no checksum: the
 * parser checks none). */
static void turn(uint8_t *f)
{
	uint8_t t[16];

	memcpy(f, our_mac, 6);
	memcpy(f + 6, gw_mac, 6);
	memcpy(t, f + 14 + 8, 16);
	memcpy(f + 14 + 8, f + 14 + 24, 16);
	memcpy(f + 14 + 24, t, 16);
}

/* A TCP segment from target:sport to us:dport. */
static size_t tcp_reply(uint8_t *f, uint16_t sport, uint16_t dport,
			uint32_t seq, uint32_t ack, uint8_t flags)
{
	struct craft_tmpl t;
	struct craft_tcp_opts o = { .flags = flags, .win = 512, .ttl = 63 };

	craft_tcp6_template(&t, gw_mac, &target, &o);
	craft_tcp6_fill(&t, f, our_mac, &our, sport, dport, seq, ack);
	return t.len;
}

/* An ICMPv6 error from src quoting the probe's IPv6 header + 8 bytes. */
static size_t icmp6_error(uint8_t *f, const struct addr *src, uint8_t type,
			  uint8_t code, const uint8_t *probe_frame)
{
	uint8_t *ip = f + 14, *ic = ip + 40;

	memset(f, 0, 14 + 40 + 8 + 48);
	memcpy(f, our_mac, 6);
	memcpy(f + 6, gw_mac, 6);
	f[12] = 0x86;
	f[13] = 0xdd;
	ip[0] = 0x60;
	ip[5] = 8 + 48;
	ip[6] = IPPROTO_ICMPV6;
	ip[7] = 64;
	memcpy(ip + 8, src->b, 16);
	memcpy(ip + 24, our.b, 16);
	ic[0] = type;
	ic[1] = code;
	memcpy(ic + 8, probe_frame + 14, 48);
	return 14 + 40 + 8 + 48;
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

	addr_parse("fd5a:7a6f:1ab0:1::2", &our);
	addr_parse("fd5a:7a6f:1ab0:200::4", &target);
	addr_parse("fd5a:7a6f:1ab0:1::13", &router);
	keys(&ks);
	CHECK(disc_templates6(&tm, our_mac, &our) == 0);

	CASE("ICMPv6 echo with the cookie in id/seq; no -PP over IPv6")
	{
		n = probe(&ks, S_ECHO, f, &p);
		CHECK(n > 0);
		CHECK_EQ_U(p.kind, PKT_ICMP6);
		CHECK_EQ_U(p.icmp.type, 128);
		CHECK(addr_eq(&p.ip.saddr, &our));
		CHECK(addr_eq(&p.ip.daddr, &target));
		CHECK(memcmp(f, gw_mac, 6) == 0);
		CHECK_EQ_U(probe(&ks, S_TS, f, &p), 0);
		CHECK_EQ_U(probe(&ks, ks.np, f, &p), 0);
	}

	CASE("echo-reply: up, the slot, the target")
	{
		n = probe(&ks, S_ECHO, f, &p);
		memcpy(g, f, n);
		turn(g);
		g[14 + 40] = 129;
		CHECK(classify(&ks, g, n, &r) == 1);
		CHECK_EQ_U(r.slot, S_ECHO);
		CHECK(addr_eq(&r.taddr, &target));
		CHECK(r.up);
		CHECK_STR(disc_reason_name(r.reason), "echo-reply");
		/* Another seq: not our cookie. */
		g[14 + 40 + 7] ^= 1;
		CHECK(classify(&ks, g, n, &r) == 0);
		/* The request itself is no reply. */
		memcpy(g, f, n);
		turn(g);
		CHECK(classify(&ks, g, n, &r) == 0);
	}

	CASE("SYN to 443 and ACK to 80 over IPv6: syn-ack, reset")
	{
		probe(&ks, S_SYN, f, &p);
		CHECK_EQ_U(p.kind, PKT_TCP);
		CHECK_EQ_U(p.tcp.flags, PKT_SYN);
		CHECK_EQ_U(p.tcp.dport, 443);
		n = tcp_reply(g, 443, p.tcp.sport, 77, p.tcp.seq + 1,
			      PKT_SYN | PKT_ACK);
		CHECK(classify(&ks, g, n, &r) == 1);
		CHECK_EQ_U(r.slot, S_SYN);
		CHECK_STR(disc_reason_name(r.reason), "syn-ack");
		n = tcp_reply(g, 443, p.tcp.sport, 0, p.tcp.seq, PKT_RST);
		CHECK(classify(&ks, g, n, &r) == 0);

		probe(&ks, S_ACK, f, &p);
		CHECK_EQ_U(p.tcp.flags, PKT_ACK);
		n = tcp_reply(g, 80, p.tcp.sport, p.tcp.ack, 0, PKT_RST);
		CHECK(classify(&ks, g, n, &r) == 1);
		CHECK_EQ_U(r.slot, S_ACK);
		CHECK_STR(disc_reason_name(r.reason), "reset");
	}

	CASE("ICMPv6 errors: up from the target itself, never from a router")
	{
		probe(&ks, S_SYN, f, &p);
		n = icmp6_error(g, &target, 1, 4, f); /* port unreachable */
		CHECK(classify(&ks, g, n, &r) == 1);
		CHECK_EQ_U(r.slot, S_SYN);
		CHECK(r.up);
		CHECK_STR(disc_reason_name(r.reason), "port-unreach");
		probe(&ks, S_ECHO, f, &p);
		n = icmp6_error(g, &router, 1, 3, f); /* address unreachable */
		CHECK(classify(&ks, g, n, &r) == 1);
		CHECK_EQ_U(r.slot, S_ECHO);
		CHECK(!r.up);
		/* The quoted echo's seq altered: not our probe. */
		f[14 + 40 + 7] ^= 1;
		n = icmp6_error(g, &router, 1, 3, f);
		CHECK(classify(&ks, g, n, &r) == 0);
	}

	CASE("IPv4 frames are nobody's reply in an IPv6 run")
	{
		struct disc_keys k4;
		struct disc_tmpls t4;

		keys(&k4);
		memset(&k4.our6, 0, sizeof(k4.our6));
		k4.our = 0xc6120002u;
		disc_templates(&t4, our_mac, k4.our);
		n = disc_build(&k4, &t4, S_ECHO, 0xc6130004u, our_mac, gw_mac,
			       1, f);
		pkt_parse(f, n, &p);
		CHECK(disc_classify(&ks, &p, &r) == 0);
		CHECK_STR(disc_reason_name(DR_ND), "nd-response");
		CHECK_STR(disc_reason_name(DR_LOCALHOST), "localhost-response");
	}
	return DONE();
}
