/* test_packet6.c -- IPv6 parsing of lab-captured and hostile frames. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netstack/addr.h"
#include "netstack/packet.h"
#include "tests/unit/harness.h"
#include "tests/unit/hexfile.h"

static const char *const frames6[] = {
	"frame6-synack.hex",
	"frame6-rst.hex",
	"frame6-unreach-port.hex",
	"frame6-unreach-udp.hex",
	"frame6-unreach-admin.hex",
	"frame6-unreach-addr.hex",
	"frame6-na.hex",
	"frame6-na-nolla.hex",
	"frame6-ns.hex",
	"frame6-ns-unicast.hex",
	"frame6-echo-reply.hex",
	"frame6-frag-first.hex",
	"frame6-frag-rest.hex",
	"frame6-mld-hbh.hex",
};
#define NFRAMES6 (sizeof(frames6) / sizeof(frames6[0]))

static int is_addr(const struct addr *a, const char *text)
{
	struct addr want;
	char buf[ADDR_STRLEN];

	if (addr_parse(text, &want) != 0 || !addr_eq(a, &want)) {
		printf("#   address %s, expected %s\n", addr_format(a, buf),
		       text);
		return 0;
	}
	return 1;
}

/*
 * The ICMPv6/TCP/UDP checksum of a parsed IPv6 frame, summed here from
 * the raw bytes without pkt_csum_pseudo6: 0 when it is right.
 */
static uint16_t l4_sum6(const struct pkt_info *p)
{
	const uint8_t *ip = p->l3;
	size_t n = p->l4_len;
	uint32_t sum = 0;

	for (size_t i = 8; i < 40; i += 2) /* source and destination */
		sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	sum += (uint32_t)(n >> 16) + (uint32_t)(n & 0xffff) + p->ip.proto;
	for (size_t i = 0; i < n; i += 2)
		sum += (uint32_t)(p->l4[i] << 8 |
				  (i + 1 < n ? p->l4[i + 1] : 0));
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The captured SYN-ACK's IPv6 header with extension headers inserted. */
static size_t with_exthdrs(const uint8_t *f, size_t n, const uint8_t *ext,
			   size_t elen, uint8_t first, uint8_t *out)
{
	memcpy(out, f, 54);
	memcpy(out + 54, ext, elen);
	memcpy(out + 54 + elen, f + 54, n - 54);
	out[14 + 6] = first;
	out[14 + 4] = (uint8_t)((n - 54 + elen) >> 8);
	out[14 + 5] = (uint8_t)(n - 54 + elen);
	return n + elen;
}

static void captured_tcp(void)
{
	uint8_t f[2048];
	size_t n;
	struct pkt_info p;

	CASE("IPv6 SYN-ACK from a real Linux peer")
	{
		n = load_hex("frame6-synack.hex", f, sizeof(f));
		CHECK_EQ_U(n, 78);
		CHECK(pkt_parse(f, n, &p) == PKT_TCP);
		CHECK_EQ_U(p.ip.ver, 6);
		CHECK(is_addr(&p.ip.saddr, "fd5a:7a6f:1ab0:1::11"));
		CHECK(is_addr(&p.ip.daddr, "fd5a:7a6f:1ab0:1::2"));
		CHECK_EQ_U(p.ip.src, 0); /* IPv4-only fields stay zero */
		CHECK_EQ_U(p.ip.dst, 0);
		CHECK_EQ_U(p.ip.ihl, 0);
		CHECK_EQ_U(p.ip.hlen, 40);
		CHECK_EQ_U(p.ip.len, 64);
		CHECK_EQ_U(p.ip.ttl, 64);
		CHECK_EQ_U(p.ip.flow, 0x2b893);
		CHECK_EQ_U(p.tcp.sport, 22);
		CHECK_EQ_U(p.tcp.dport, 48304);
		CHECK_EQ_U(p.tcp.flags, PKT_SYN | PKT_ACK);
		CHECK_EQ_U(p.tcp.ack, 3221390662u);
		CHECK_EQ_U(p.tcp.seq, 1568561546u);
		CHECK_EQ_U(p.tcp.win, 64800);
		CHECK_EQ_U(p.tcp.optlen, 4);
		CHECK_EQ_U(p.tcp.opts[0], 2);
		CHECK_EQ_U(p.tcp.opts[2] << 8 | p.tcp.opts[3], 1440);
		CHECK_EQ_U(p.payload_len, 0);
		CHECK(p.l4 == f + 54 && p.l4_len == 24);
	}
	CASE("IPv6 RST-ACK for a closed port, checksum right")
	{
		n = load_hex("frame6-rst.hex", f, sizeof(f));
		CHECK(pkt_parse(f, n, &p) == PKT_TCP);
		CHECK_EQ_U(p.tcp.flags, PKT_RST | PKT_ACK);
		CHECK_EQ_U(p.tcp.sport, 113);
		CHECK_EQ_U(p.tcp.ack, 3221390662u);
		CHECK_EQ_U(l4_sum6(&p), 0);
		CHECK_EQ_U(pkt_csum_fold(pkt_csum_add(
				   pkt_csum_pseudo6(&p.ip.saddr, &p.ip.daddr,
						    (uint32_t)p.l4_len, 6),
				   p.l4, p.l4_len)),
			   0);
	}
}

static void captured_icmp6(void)
{
	uint8_t f[2048];
	size_t n;
	struct pkt_info p;

	CASE("ICMPv6 port unreachable quoting our SYN")
	{
		n = load_hex("frame6-unreach-port.hex", f, sizeof(f));
		CHECK(pkt_parse(f, n, &p) == PKT_ICMP6_ERR);
		CHECK_EQ_U(p.icmp.type, 1);
		CHECK_EQ_U(p.icmp.code, 4);
		CHECK(is_addr(&p.ip.saddr, "fd5a:7a6f:1ab0:1::11"));
		CHECK_EQ_U(p.inner.ip.ver, 6);
		CHECK_EQ_U(p.inner.ip.proto, 6);
		CHECK(is_addr(&p.inner.ip.saddr, "fd5a:7a6f:1ab0:1::2"));
		CHECK(is_addr(&p.inner.ip.daddr, "fd5a:7a6f:1ab0:1::11"));
		CHECK(p.inner.has_l4);
		CHECK_EQ_U(p.inner.sport, 48304);
		CHECK_EQ_U(p.inner.dport, 3306);
		CHECK_EQ_U(p.inner.seq, 3221390661u);
		CHECK_EQ_U(l4_sum6(&p), 0);
	}
	CASE("ICMPv6 port unreachable quoting a UDP probe")
	{
		n = load_hex("frame6-unreach-udp.hex", f, sizeof(f));
		CHECK(pkt_parse(f, n, &p) == PKT_ICMP6_ERR);
		CHECK_EQ_U(p.icmp.code, 4);
		CHECK(is_addr(&p.ip.saddr, "fd5a:7a6f:1ab0:1::31"));
		CHECK_EQ_U(p.inner.ip.proto, 17);
		CHECK_EQ_U(p.inner.sport, 55560);
		CHECK_EQ_U(p.inner.dport, 9);
		CHECK(p.inner.has_l4);
	}
	CASE("ICMPv6 administratively prohibited and address unreachable")
	{
		n = load_hex("frame6-unreach-admin.hex", f, sizeof(f));
		CHECK(pkt_parse(f, n, &p) == PKT_ICMP6_ERR);
		CHECK_EQ_U(p.icmp.type, 1);
		CHECK_EQ_U(p.icmp.code, 1);
		CHECK_EQ_U(p.inner.ip.proto, 6);
		CHECK_EQ_U(p.inner.dport, 3306);
		CHECK_EQ_U(p.inner.seq, 228163521u);
		n = load_hex("frame6-unreach-addr.hex", f, sizeof(f));
		CHECK(pkt_parse(f, n, &p) == PKT_ICMP6_ERR);
		CHECK_EQ_U(p.icmp.code, 3);
		CHECK_EQ_U(p.inner.ip.proto, 17);
		CHECK_EQ_U(p.inner.dport, 9);
		CHECK_EQ_U(l4_sum6(&p), 0);
	}
	CASE("packet too big, time exceeded, parameter problem: quotes too")
	{
		static const uint8_t kinds[3][2] = { { 2, 0 },
						     { 3, 0 },
						     { 4, 1 } };

		for (size_t i = 0; i < 3; i++) {
			n = load_hex("frame6-unreach-port.hex", f, sizeof(f));
			f[54] = kinds[i][0];
			f[55] = kinds[i][1];
			f[58] = 0; /* MTU 1280 / pointer 1280 */
			f[59] = 0;
			f[60] = 0x05;
			f[61] = 0x00;
			CHECK(pkt_parse(f, n, &p) == PKT_ICMP6_ERR);
			CHECK_EQ_U(p.icmp.type, kinds[i][0]);
			CHECK_EQ_U(p.icmp.unused, 1280);
			CHECK_EQ_U(p.inner.dport, 3306);
			CHECK(p.inner.has_l4);
		}
	}
	CASE("ICMPv6 echo reply")
	{
		n = load_hex("frame6-echo-reply.hex", f, sizeof(f));
		CHECK(pkt_parse(f, n, &p) == PKT_ICMP6);
		CHECK_EQ_U(p.icmp.type, 129);
		CHECK_EQ_U(p.icmp.id, 11192);
		CHECK_EQ_U(p.icmp.seq, 1);
		CHECK_EQ_U(p.payload_len, 56);
		CHECK_EQ_U(l4_sum6(&p), 0);
	}
	CASE("fragments: the first has ICMPv6, a later one no L4")
	{
		n = load_hex("frame6-frag-first.hex", f, sizeof(f));
		CHECK(pkt_parse(f, n, &p) == PKT_ICMP6);
		CHECK(p.ip.has_frag);
		CHECK_EQ_U(p.ip.frag, 0x2000); /* offset 0, more fragments */
		CHECK_EQ_U(p.ip.hlen, 48);
		CHECK_EQ_U(p.icmp.type, 129);
		CHECK_EQ_U(p.icmp.id, 13160);
		CHECK_EQ_U(p.ip.frag_id, 0x72c784aau);
		n = load_hex("frame6-frag-rest.hex", f, sizeof(f));
		CHECK(pkt_parse(f, n, &p) == PKT_OTHER);
		CHECK_EQ_U(p.ip.frag & 0x1fff, 1448 / 8);
		CHECK_EQ_U(p.ip.frag_id, 0x72c784aau);
	}
	CASE("MLD report behind a hop-by-hop header")
	{
		n = load_hex("frame6-mld-hbh.hex", f, sizeof(f));
		CHECK(pkt_parse(f, n, &p) == PKT_ICMP6);
		CHECK_EQ_U(p.icmp.type, 143);
		CHECK_EQ_U(p.ip.hlen, 48);
		CHECK_EQ_U(p.ip.ttl, 1);
		CHECK_EQ_U(l4_sum6(&p), 0);
	}
}

static void captured_nd(void)
{
	uint8_t f[2048];
	size_t n;
	struct pkt_info p;

	CASE("neighbour advertisement with the target's MAC")
	{
		static const uint8_t mac[6] = { 2, 0x66, 0x78, 0, 0, 0x0b };

		n = load_hex("frame6-na.hex", f, sizeof(f));
		CHECK(pkt_parse(f, n, &p) == PKT_ND);
		CHECK_EQ_U(p.icmp.type, 136);
		CHECK(is_addr(&p.nd.target, "fd5a:7a6f:1ab0:1::11"));
		CHECK(p.nd.lladdr && memcmp(p.nd.lladdr, mac, 6) == 0);
		CHECK(p.nd.flags & 0x40); /* solicited */
		CHECK_EQ_U(l4_sum6(&p), 0);
		n = load_hex("frame6-na-nolla.hex", f, sizeof(f));
		CHECK(pkt_parse(f, n, &p) == PKT_ND);
		CHECK(is_addr(&p.nd.target, "fd5a:7a6f:1ab0:1::2"));
		CHECK(p.nd.lladdr == NULL);
	}
	CASE("neighbour solicitations, multicast and unicast")
	{
		static const uint8_t mac2[6] = { 2, 0x66, 0x78, 0, 0, 2 };

		n = load_hex("frame6-ns.hex", f, sizeof(f));
		CHECK(pkt_parse(f, n, &p) == PKT_ND);
		CHECK_EQ_U(p.icmp.type, 135);
		CHECK(is_addr(&p.nd.target, "fd5a:7a6f:1ab0:1::11"));
		CHECK(is_addr(&p.ip.daddr, "ff02::1:ff00:11"));
		CHECK(p.nd.lladdr && memcmp(p.nd.lladdr, mac2, 6) == 0);
		n = load_hex("frame6-ns-unicast.hex", f, sizeof(f));
		CHECK(pkt_parse(f, n, &p) == PKT_ND);
		CHECK(is_addr(&p.ip.saddr, "fe80::66:78ff:fe00:b"));
		CHECK(is_addr(&p.nd.target, "fd5a:7a6f:1ab0:1::2"));
		CHECK(p.nd.lladdr != NULL);
	}
	CASE("ND that RFC 4861 says to drop is not PKT_ND")
	{
		uint8_t g[128];

		n = load_hex("frame6-na.hex", f, sizeof(f));
		memcpy(g, f, n);
		g[14 + 7] = 254; /* forwarded: not from the link */
		CHECK(pkt_parse(g, n, &p) == PKT_ICMP6);
		memcpy(g, f, n);
		g[54 + 1] = 1; /* code */
		CHECK(pkt_parse(g, n, &p) == PKT_ICMP6);
		memcpy(g, f, n);
		g[54 + 25] = 0; /* option of length 0 */
		CHECK(pkt_parse(g, n, &p) == PKT_ICMP6);
		memcpy(g, f, n);
		g[54 + 25] = 2; /* option past the end */
		CHECK(pkt_parse(g, n, &p) == PKT_ICMP6);
		memcpy(g, f, n);
		g[54 + 8] = 0xff; /* multicast target */
		CHECK(pkt_parse(g, n, &p) == PKT_ICMP6);
		n = load_hex("frame6-ns.hex", f, sizeof(f));
		memcpy(g, f, n);
		memset(g + 14 + 8, 0, 16); /* DAD from :: with a source LL */
		CHECK(pkt_parse(g, n, &p) == PKT_ICMP6);
	}
}

static void exthdrs(void)
{
	uint8_t f[2048], g[2048];
	size_t n, m;
	struct pkt_info p;

	CASE("hop-by-hop, destination options, routing, then TCP")
	{
		/* HBH (8, PadN) -> DstOpts (16) -> Routing type 4 (8) -> TCP */
		static const uint8_t ext[32] = {
			60, 0, 1, 4, 0, 0, 0, 0, 43, 1, 1, 12, 0, 0, 0, 0,
			0,  0, 0, 0, 0, 0, 0, 0, 6,  0, 4, 0,  0, 0, 0, 0,
		};

		n = load_hex("frame6-synack.hex", f, sizeof(f));
		m = with_exthdrs(f, n, ext, sizeof(ext), 0, g);
		CHECK(pkt_parse(g, m, &p) == PKT_TCP);
		CHECK_EQ_U(p.ip.hlen, 72);
		CHECK_EQ_U(p.ip.proto, 6);
		CHECK_EQ_U(p.tcp.sport, 22);
		CHECK_EQ_U(p.tcp.flags, PKT_SYN | PKT_ACK);
		CHECK_EQ_U(p.ip.len, m - 14);
	}
	CASE("too many, ESP, no next header, overlong: PKT_OTHER")
	{
		uint8_t ext[8 * (PKT_MAX_EXTHDR + 1)];

		n = load_hex("frame6-synack.hex", f, sizeof(f));
		for (size_t i = 0; i < sizeof(ext); i += 8) {
			memset(ext + i, 0, 8);
			ext[i] = i + 8 < sizeof(ext) ? 60 : 6;
		}
		m = with_exthdrs(f, n, ext, sizeof(ext), 60, g);
		CHECK(pkt_parse(g, m, &p) == PKT_OTHER);
		/* PKT_MAX_EXTHDR of them is still fine. */
		m = with_exthdrs(f, n, ext + 8, sizeof(ext) - 8, 60, g);
		CHECK(pkt_parse(g, m, &p) == PKT_TCP);
		m = with_exthdrs(f, n, ext, 0, 50, g); /* ESP */
		CHECK(pkt_parse(g, m, &p) == PKT_OTHER);
		m = with_exthdrs(f, n, ext, 0, 59, g); /* no next header */
		CHECK(pkt_parse(g, m, &p) == PKT_OTHER);
		ext[0] = 6;
		ext[1] = 200; /* 1608 bytes: past the datagram */
		m = with_exthdrs(f, n, ext, 8, 0, g);
		CHECK(pkt_parse(g, m, &p) == PKT_OTHER);
	}
	CASE("a quote cut inside its extension headers has no L4")
	{
		n = load_hex("frame6-unreach-port.hex", f, sizeof(f));
		/* Quote: claim a hop-by-hop header of 64 bytes. */
		f[62 + 6] = 0;
		f[62 + 40 + 1] = 7;
		CHECK(pkt_parse(f, n, &p) == PKT_ICMP6_ERR);
		CHECK(!p.inner.has_l4);
		CHECK_EQ_U(p.inner.ip.ver, 6);
		/* Not IPv6 at all inside: a plain ICMPv6 message. */
		f[62] = 0x45;
		CHECK(pkt_parse(f, n, &p) == PKT_ICMP6);
	}
	CASE("802.1Q-tagged IPv6, and a payload length that lies")
	{
		n = load_hex("frame6-rst.hex", f, sizeof(f));
		memcpy(g, f, 12);
		g[12] = 0x81;
		g[13] = 0x00;
		g[14] = 0;
		g[15] = 7;
		memcpy(g + 16, f + 12, n - 12);
		CHECK(pkt_parse(g, n + 4, &p) == PKT_TCP);
		CHECK_EQ_U(p.tcp.sport, 113);
		f[14 + 4] = 0xff;
		f[14 + 5] = 0xff;
		CHECK(pkt_parse(f, n, &p) == PKT_TCP);
		CHECK(p.l3 + p.l3_len <= f + n);
		f[14 + 4] = 0;
		f[14 + 5] = 8; /* shorter than TCP's header */
		CHECK(pkt_parse(f, n, &p) == PKT_OTHER);
		f[14] = 0x40; /* version 4 in an IPv6 ethertype */
		CHECK(pkt_parse(f, n, &p) == PKT_OTHER);
	}
}

static void icmp_meaning(void)
{
	CASE("ICMPv6 errors read as the ICMPv4 ones that mean the same")
	{
		static const uint8_t want[][4] = {
			{ 1, 0, 3, 0 },       { 1, 1, 3, 13 },
			{ 1, 2, 3, 1 },       { 1, 3, 3, 1 },
			{ 1, 4, 3, 3 },       { 1, 5, 3, 13 },
			{ 1, 6, 3, 13 },      { 1, 7, 3, 1 },
			{ 1, 255, 3, 1 },     { 2, 0, 3, 4 },
			{ 3, 0, 11, 0 },      { 3, 1, 11, 1 },
			{ 4, 1, 12, 1 },      { 128, 0, 255, 255 },
			{ 129, 0, 255, 255 }, { 136, 0, 255, 255 },
		};

		for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
			uint8_t t, c;

			pkt_icmp6_as_icmp4(want[i][0], want[i][1], &t, &c);
			CHECK_EQ_U(t, want[i][2]);
			CHECK_EQ_U(c, want[i][3]);
		}
	}
}

int main(void)
{
	uint8_t f[2048];
	struct pkt_info p;

	captured_tcp();
	captured_icmp6();
	captured_nd();
	exthdrs();
	icmp_meaning();
	CASE("every truncation of every IPv6 frame stays inside it")
	{
		for (size_t i = 0; i < NFRAMES6; i++) {
			size_t len = load_hex(frames6[i], f, sizeof(f));

			CHECK(len > 54);
			for (size_t k = 0; k <= len; k++) {
				uint8_t *b = malloc(k ? k : 1);

				memcpy(b, f, k);
				pkt_parse(b, k, &p);
				if (p.payload)
					CHECK(p.payload + p.payload_len <=
					      b + k);
				if (p.l4)
					CHECK(p.l4 + p.l4_len <= b + k);
				if (p.nd.lladdr)
					CHECK(p.nd.lladdr + 6 <= b + k);
				free(b);
			}
		}
	}
	return DONE();
}
