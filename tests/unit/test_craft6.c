/* test_craft6.c -- IPv6 frames we build, read back; ND answers; neighbours. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netstack/addr.h"
#include "netstack/craft.h"
#include "netstack/nd.h"
#include "netstack/neigh.h"
#include "netstack/packet.h"
#include "tests/unit/addrs.h"
#include "tests/unit/harness.h"
#include "tests/unit/hexfile.h"

static const uint8_t mac_us[6] = { 2, 0x66, 0x78, 0, 0, 2 };
static const uint8_t mac_peer[6] = { 2, 0x66, 0x78, 0, 0, 0x0b };

/*
 * RFC 8200 8.1 checksum over the frame's own bytes, summed here byte by
 * byte without packet.c's helpers: 0 when the L4 checksum is right.
 */
static uint16_t verify6(const uint8_t *f, size_t n)
{
	const uint8_t *ip = f + 14;
	size_t plen, i;
	uint32_t sum = 0;

	if (n < 54)
		return 0xdead;
	plen = (size_t)ip[4] << 8 | ip[5];
	if (54 + plen > n)
		return 0xbeef;
	for (i = 8; i < 40; i += 2)
		sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	sum += (uint32_t)plen + ip[6];
	for (i = 0; i < plen; i += 2)
		sum += (uint32_t)(ip[40 + i] << 8 |
				  (i + 1 < plen ? ip[40 + i + 1] : 0));
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void tcp_udp(void)
{
	struct addr us = A("fd5a:7a6f:1ab0:1::2"),
		    peer = A("fd5a:7a6f:1ab0:1::11");
	struct pkt_info p;
	uint8_t f[CRAFT_MAX];

	CASE("IPv6 SYN template, filled per probe, parses back")
	{
		static const uint8_t mss[4] = { 2, 4, 0x05, 0xa0 };
		struct craft_tcp_opts o = { .flags = PKT_SYN,
					    .win = 1024,
					    .ttl = 64,
					    .opts = mss,
					    .optlen = 4 };
		struct craft_tmpl t;

		CHECK(craft_tcp6_template(&t, mac_us, &us, &o) == 0);
		CHECK_EQ_U(t.ver, 6);
		CHECK_EQ_U(t.len, 14 + 40 + 24);
		for (uint32_t i = 0; i < 50; i++) {
			uint32_t seq = 0x9e3779b9u * (i + 1);

			craft_tcp6_fill(&t, f, mac_peer, &peer,
					(uint16_t)(40000 + i),
					(uint16_t)(1 + i * 1000), seq, 0);
			CHECK_EQ_U(verify6(f, t.len), 0);
			CHECK(pkt_parse(f, t.len, &p) == PKT_TCP);
			CHECK(addr_eq(&p.ip.saddr, &us));
			CHECK(addr_eq(&p.ip.daddr, &peer));
			CHECK_EQ_U(p.tcp.sport, 40000 + i);
			CHECK_EQ_U(p.tcp.dport, 1 + i * 1000);
			CHECK_EQ_U(p.tcp.seq, seq);
			CHECK_EQ_U(p.tcp.flags, PKT_SYN);
			CHECK_EQ_U(p.tcp.win, 1024);
			CHECK_EQ_U(p.ip.ttl, 64);
			CHECK_EQ_U(p.tcp.optlen, 4);
			CHECK(memcmp(p.eth_dst, mac_peer, 6) == 0);
			CHECK(memcmp(p.eth_src, mac_us, 6) == 0);
		}
		/* The family dispatch gives the same bytes. */
		{
			uint8_t g[CRAFT_MAX];

			craft_tcp6_fill(&t, f, mac_peer, &peer, 1, 2, 3, 4);
			craft_tcp_fill_addr(&t, g, mac_peer, &peer, 1, 2, 3, 4,
					    99);
			CHECK(memcmp(f, g, t.len) == 0);
		}
		o.optlen = 3;
		CHECK(craft_tcp6_template(&t, mac_us, &us, &o) == -1);
		o.optlen = 4;
		{
			struct addr v4 = addr_from_v4(0xc6120002);

			CHECK(craft_tcp6_template(&t, mac_us, &v4, &o) == -1);
		}
	}
	CASE("IPv6 UDP datagrams of every payload length")
	{
		uint8_t pl[CRAFT_UDP6_MAXPAYLOAD + 1];

		for (size_t i = 0; i < sizeof(pl); i++)
			pl[i] = (uint8_t)(i * 7 + 1);
		for (size_t k = 0; k <= CRAFT_UDP6_MAXPAYLOAD; k++) {
			size_t n = craft_udp6_frame(f, mac_us, mac_peer, &us,
						    &peer, 53000, 53, 64, pl,
						    k);

			CHECK_EQ_U(n, 62 + k);
			CHECK_EQ_U(verify6(f, n), 0);
			CHECK(f[14 + 40 + 6] || f[14 + 40 + 7]); /* never 0 */
			CHECK(pkt_parse(f, n, &p) == PKT_UDP);
			CHECK_EQ_U(p.udp.dport, 53);
			CHECK_EQ_U(p.udp.len, 8 + k);
			CHECK_EQ_U(p.payload_len, k);
			CHECK(k == 0 || memcmp(p.payload, pl, k) == 0);
		}
		CHECK_EQ_U(craft_udp6_frame(f, mac_us, mac_peer, &us, &peer, 1,
					    2, 64, pl, sizeof(pl)),
			   0);
	}
}

static void icmp_nd(void)
{
	struct addr us = A("fd5a:7a6f:1ab0:1::2"),
		    peer = A("fd5a:7a6f:1ab0:1::11");
	struct pkt_info p;
	uint8_t f[256];

	CASE("ICMPv6 echo request")
	{
		static const uint8_t data[5] = "hello";
		size_t n = craft_icmp6_echo(f, sizeof(f), mac_us, mac_peer, &us,
					    &peer, 0x1234, 7, 64, data,
					    sizeof(data));

		CHECK_EQ_U(n, 14 + 40 + 8 + 5);
		CHECK_EQ_U(verify6(f, n), 0);
		CHECK(pkt_parse(f, n, &p) == PKT_ICMP6);
		CHECK_EQ_U(p.icmp.type, 128);
		CHECK_EQ_U(p.icmp.id, 0x1234);
		CHECK_EQ_U(p.icmp.seq, 7);
		CHECK_EQ_U(p.payload_len, 5);
		CHECK_EQ_U(craft_icmp6_echo(f, 66, mac_us, mac_peer, &us, &peer,
					    1, 1, 64, data, 5),
			   0);
	}
	CASE("solicited-node group and its MAC")
	{
		struct addr g = craft_nd_group(&peer);
		uint8_t m[6];
		char buf[ADDR_STRLEN];

		CHECK_STR(addr_format(&g, buf), "ff02::1:ff00:11");
		g = A("2001:db8::1234:5678");
		g = craft_nd_group(&g);
		CHECK_STR(addr_format(&g, buf), "ff02::1:ff34:5678");
		craft_nd_group_mac(&g, m);
		CHECK(memcmp(m, "\x33\x33\xff\x34\x56\x78", 6) == 0);
	}
	CASE("our NS is byte for byte the kernel's (captured) one")
	{
		uint8_t cap[128], ns[CRAFT_ND_LEN];
		size_t n = load_hex("frame6-ns.hex", cap, sizeof(cap));

		CHECK_EQ_U(n, CRAFT_ND_LEN);
		craft_nd_solicit(ns, mac_us, &us, &peer);
		/* The kernel's NS has flow label 0 and hop limit 255 too. */
		CHECK(memcmp(ns, cap, CRAFT_ND_LEN) == 0);
		CHECK_EQ_U(verify6(ns, sizeof(ns)), 0);
		CHECK(pkt_parse(ns, sizeof(ns), &p) == PKT_ND);
		CHECK(addr_eq(&p.nd.target, &peer));
	}
	CASE("our NA matches the peer's captured one but for the MAC")
	{
		uint8_t cap[128], na[CRAFT_ND_LEN];
		size_t n = load_hex("frame6-na.hex", cap, sizeof(cap));

		CHECK_EQ_U(n, CRAFT_ND_LEN);
		craft_nd_advert(na, mac_peer, &peer, mac_us, &us,
				CRAFT_NA_SOLICITED | CRAFT_NA_OVERRIDE);
		CHECK(memcmp(na, cap, CRAFT_ND_LEN) == 0);
		CHECK(pkt_parse(na, sizeof(na), &p) == PKT_ND);
		CHECK_EQ_U(p.nd.flags, 0x60);
	}
}

static void nd_answers(void)
{
	static const uint8_t mac_s[6] = { 2, 0x66, 0x78, 0, 0, 0x4d };
	struct addr claimed = A("fd5a:7a6f:1ab0:1::4d");
	uint8_t ns[CRAFT_ND_LEN], out[ND_FRAME_LEN], f[256];
	struct pkt_info p;
	struct addr asker = A("fd5a:7a6f:1ab0:1::11");

	CASE("nd_reply answers an NS for the -S address")
	{
		craft_nd_solicit(ns, mac_peer, &asker, &claimed);
		CHECK_EQ_U(nd_reply(ns, sizeof(ns), &claimed, mac_s, out),
			   ND_FRAME_LEN);
		CHECK_EQ_U(verify6(out, sizeof(out)), 0);
		CHECK(pkt_parse(out, sizeof(out), &p) == PKT_ND);
		CHECK_EQ_U(p.icmp.type, 136);
		CHECK(addr_eq(&p.nd.target, &claimed));
		CHECK(addr_eq(&p.ip.saddr, &claimed));
		CHECK(addr_eq(&p.ip.daddr, &asker));
		CHECK(p.nd.lladdr && memcmp(p.nd.lladdr, mac_s, 6) == 0);
		CHECK_EQ_U(p.nd.flags, CRAFT_NA_SOLICITED | CRAFT_NA_OVERRIDE);
		CHECK(memcmp(out, mac_peer, 6) == 0);
		CHECK(memcmp(out + 6, mac_s, 6) == 0);
	}
	CASE("nd_reply: DAD to all nodes; other targets, NAs, junk: nothing")
	{
		struct addr zero = { .family = ADDR_V6 };
		size_t n;

		/* A DAD probe carries no source LL option (RFC 4861 7.1.1):
		 * build one by hand from ours, option dropped. */
		craft_nd_solicit(ns, mac_peer, &zero, &claimed);
		memcpy(f, ns, 78);
		f[14 + 5] = 24;
		f[56] = f[57] = 0;
		{
			struct addr g = craft_nd_group(&claimed);
			uint32_t s = pkt_csum_pseudo6(&zero, &g, 24, 58);
			uint16_t c = pkt_csum_fold(pkt_csum_add(s, f + 54, 24));

			f[56] = (uint8_t)(c >> 8);
			f[57] = (uint8_t)c;
		}
		CHECK_EQ_U(verify6(f, 78), 0);
		CHECK_EQ_U(nd_reply(f, 78, &claimed, mac_s, out), ND_FRAME_LEN);
		CHECK(pkt_parse(out, sizeof(out), &p) == PKT_ND);
		CHECK(addr_eq(&p.ip.daddr, PA("ff02::1")));
		CHECK(memcmp(out, "\x33\x33\x00\x00\x00\x01", 6) == 0);
		CHECK_EQ_U(p.nd.flags, CRAFT_NA_OVERRIDE);
		/* Not for us, an NA, truncated, IPv4 address: no answer. */
		craft_nd_solicit(ns, mac_peer, &asker, &asker);
		CHECK_EQ_U(nd_reply(ns, sizeof(ns), &claimed, mac_s, out), 0);
		craft_nd_advert(ns, mac_peer, &claimed, mac_s, &asker, 0x60);
		CHECK_EQ_U(nd_reply(ns, sizeof(ns), &claimed, mac_s, out), 0);
		craft_nd_solicit(ns, mac_peer, &asker, &claimed);
		for (n = 0; n < sizeof(ns); n++)
			CHECK_EQ_U(nd_reply(ns, n, &claimed, mac_s, out), 0);
		{
			struct addr v4 = addr_from_v4(0xc612004d);

			CHECK_EQ_U(nd_reply(ns, sizeof(ns), &v4, mac_s, out),
				   0);
		}
		/* From our own address (another box claims it): silence. */
		craft_nd_solicit(ns, mac_peer, &claimed, &claimed);
		CHECK_EQ_U(nd_reply(ns, sizeof(ns), &claimed, mac_s, out), 0);
	}
	CASE("nd_reply answers the kernel's captured NS for its target")
	{
		size_t n = load_hex("frame6-ns.hex", f, sizeof(f));

		CHECK_EQ_U(nd_reply(f, n, PA("fd5a:7a6f:1ab0:1::11"), mac_s,
				    out),
			   ND_FRAME_LEN);
		CHECK(memcmp(out, mac_us, 6) == 0);
		n = load_hex("frame6-ns-unicast.hex", f, sizeof(f));
		CHECK_EQ_U(nd_reply(f, n, PA("fd5a:7a6f:1ab0:1::2"), mac_s,
				    out),
			   ND_FRAME_LEN);
		CHECK(pkt_parse(out, sizeof(out), &p) == PKT_ND);
		CHECK(addr_eq(&p.ip.daddr, PA("fe80::66:78ff:fe00:b")));
	}
}

static void table(void)
{
	CASE("neighbour table: both families, learning from ARP and NA")
	{
		struct neigh *n = neigh_new();
		struct pkt_info p;
		uint8_t f[256], mac[6] = { 2, 0, 0, 0, 0, 0 };
		size_t len;
		struct addr v6 = A("fd5a:7a6f:1ab0:1::11");
		struct addr mapped = A("::ffff:198.18.0.10");

		neigh_put(n, 0xc612000a, mac_peer);
		CHECK(neigh_get(n, 0xc612000a) != NULL);
		CHECK(neigh_get_addr(n, &(struct addr){ .family = ADDR_V4,
							.b = { 198, 18, 0,
							       10 } }) != NULL);
		CHECK(neigh_get_addr(n, &mapped) == NULL);
		len = load_hex("frame6-na.hex", f, sizeof(f));
		CHECK(pkt_parse(f, len, &p) == PKT_ND);
		CHECK_EQ_U(neigh_learn(n, &p), 1);
		CHECK(neigh_get_addr(n, &v6) &&
		      memcmp(neigh_get_addr(n, &v6), mac_peer, 6) == 0);
		len = load_hex("frame6-na-nolla.hex", f, sizeof(f));
		CHECK(pkt_parse(f, len, &p) == PKT_ND);
		CHECK_EQ_U(neigh_learn(n, &p), 1); /* solicited: Ethernet src */
		CHECK(neigh_get_addr(n, PA("fd5a:7a6f:1ab0:1::2")) &&
		      memcmp(neigh_get_addr(n, PA("fd5a:7a6f:1ab0:1::2")),
			     mac_us, 6) == 0);
		len = load_hex("frame6-ns.hex", f, sizeof(f));
		pkt_parse(f, len, &p);
		CHECK_EQ_U(neigh_learn(n, &p), 0); /* an NS teaches nothing */
		len = load_hex("frame-arp-reply.hex", f, sizeof(f));
		CHECK(pkt_parse(f, len, &p) == PKT_ARP);
		CHECK_EQ_U(neigh_learn(n, &p), 1);
		CHECK(neigh_get(n, p.arp.spa) != NULL);
		/* Growth: thousands of each family, all found again. */
		for (uint32_t i = 0; i < 3000; i++) {
			struct addr a = v6;

			a.b[10] = (uint8_t)(i >> 8 | 0x80);
			a.b[11] = (uint8_t)i;
			mac[4] = (uint8_t)(i >> 8);
			mac[5] = (uint8_t)i;
			neigh_put_addr(n, &a, mac);
			neigh_put(n, 0x0a000000 + i, mac);
		}
		for (uint32_t i = 0; i < 3000; i++) {
			struct addr a = v6;
			const uint8_t *m;

			a.b[10] = (uint8_t)(i >> 8 | 0x80);
			a.b[11] = (uint8_t)i;
			m = neigh_get_addr(n, &a);
			CHECK(m && m[4] == (uint8_t)(i >> 8) &&
			      m[5] == (uint8_t)i);
			m = neigh_get(n, 0x0a000000 + i);
			CHECK(m && m[5] == (uint8_t)i);
		}
		/* .10 (twice), ::11, ::2, then the 6000. */
		CHECK_EQ_U(neigh_count(n), 6000 + 3);
		neigh_free(n);
		neigh_free(NULL);
	}
}

int main(void)
{
	tcp_udp();
	icmp_nd();
	nd_answers();
	table();
	return DONE();
}
