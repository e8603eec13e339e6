/* test_sweepmod.c -- sweep modules: templates, patches, classification. */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/results.h"
#include "engine/sweep/module.h"
#include "netstack/packet.h"
#include "probes/udpprobe.h"
#include "tests/unit/addrs.h"
#include "tests/unit/frames.h"
#include "tests/unit/harness.h"

static const struct cookie_key key = { 0x0123456789abcdefull,
				       0xfedcba9876543210ull };
static int32_t tcp_index[65536], udp_index[65536];

static void indexes(void)
{
	static const uint16_t tcp[] = { 22, 80, 113, 3306 };
	static const uint16_t udp[] = { 53, 54 };

	for (size_t i = 0; i < 65536; i++)
		tcp_index[i] = udp_index[i] = -1;
	for (size_t i = 0; i < 4; i++)
		tcp_index[tcp[i]] = (int32_t)i;
	for (size_t i = 0; i < 2; i++)
		udp_index[udp[i]] = (int32_t)i;
}

static struct sweep_ctx ctx_for(const struct addr *our, int udp)
{
	struct sweep_ctx c = {
		.key = &key,
		.sport_base = 61000,
		.sport_count = 1024,
		.our = *our,
		.our4 = addr_is_v6(our) ? 0 : addr_v4(our),
		.index = udp ? udp_index : tcp_index,
	};
	return c;
}

static uint32_t sum16(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | (i + 1 < n ? p[i + 1] : 0));
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/*
 * Both checksums of a frame recomputed byte by byte, without packet.c:
 * 0 when the IPv4 header's and the L4 checksum are right.
 */
static int csum_errors(const uint8_t *f, size_t n)
{
	const uint8_t *ip = f + 14;
	uint32_t sum;
	size_t l4len;
	int bad = 0;

	if (n < 34)
		return 99;
	if ((ip[0] >> 4) == 4) {
		size_t ihl = (size_t)(ip[0] & 15) * 4;

		bad += fold(sum16(0, ip, ihl)) != 0;
		l4len = (size_t)(ip[2] << 8 | ip[3]) - ihl;
		sum = sum16(0, ip + 12, 8) + ip[9] + (uint32_t)l4len;
		bad += fold(sum16(sum, ip + ihl, l4len)) != 0;
		return bad;
	}
	l4len = (size_t)(ip[4] << 8 | ip[5]);
	sum = sum16(0, ip + 8, 32) + ip[6] + (uint32_t)l4len;
	return fold(sum16(sum, ip + 40, l4len)) != 0;
}

/* A TCP reply from src:sport to dst:dport (window 0xff00). */
static size_t tcp_reply(uint8_t *out, const struct addr *src,
			const struct addr *dst, uint16_t sport, uint16_t dport,
			uint32_t seq, uint32_t ack, uint8_t flags)
{
	return frame_tcp(out, src, dst, sport, dport, seq, ack, flags, 0xff00);
}

static enum sweep_verdict classify(const struct sweep_module *m,
				   const struct sweep_ctx *c, const uint8_t *f,
				   size_t n, struct port_result *pr)
{
	struct pkt_info p;

	memset(pr, 0, sizeof(*pr));
	pkt_parse(f, n, &p);
	return m->classify(c, &p, pr);
}

/*
 * A hand-built IPv4 SYN template, byte for byte what craft_tcp_template
 * makes with libnet (which needs a link-layer socket, so CAP_NET_RAW:
 * the lab tests cover that build): Ethernet, IPv4 with DF and TTL 64,
 * TCP with MSS 1460.
 */
static void v4_template(struct sweep_tmpl *t, const struct addr *our)
{
	static const uint8_t tcp[24] = {
		0,    0,       0,    0,    0, 0, 0, 0, 0, 0, 0, 0,
		0x60, PKT_SYN, 0xfa, 0xf0, 0, 0, 0, 0, 2, 4, 5, 0xb4
	};
	memset(t, 0, sizeof(*t));
	memcpy(t->smac, FRAME_MAC_US, 6);
	t->saddr = *our;
	t->saddr4 = addr_v4(our);
	t->ttl = 64;
	t->craft.len = frame_ip(t->craft.frame, our, our, IPPROTO_TCP, tcp,
				sizeof(tcp));
	memset(t->craft.frame, 0, 6);
	t->craft.frame[14 + 6] = 0x40; /* DF */
	t->craft.l4_len = sizeof(tcp);
	t->craft.ver = 4;
}

static void templates(void)
{
	struct addr our6 = A("fd5a:7a6f:1ab0:1::2");
	struct addr t6 = A("fd5a:7a6f:1ab0:1::10");
	struct addr our4 = A("198.18.0.2"), t4 = A("198.18.0.10");
	struct sweep_ctx c6 = ctx_for(&our6, 0), c4 = ctx_for(&our4, 0);
	char err[128];

	CASE("SYN module: IPv6 template, patch writes cookie and checksum")
	{
		struct sweep_tmpl t;
		uint8_t f[CRAFT_MAX];
		struct pkt_info p;
		struct cookie k = sweep_cookie(&c6, &t6, 80, IPPROTO_TCP);
		size_t n;

		CHECK(sweep_mod_syn.build(&t, NULL, FRAME_MAC_US, &our6, err,
					  sizeof(err)) == 0);
		n = sweep_mod_syn.patch6(&t, f, FRAME_MAC_PEER, &t6, 80, k);
		CHECK_EQ_U(n, t.craft.len);
		CHECK(pkt_parse(f, n, &p) == PKT_TCP);
		CHECK(addr_eq(&p.ip.saddr, &our6) && addr_eq(&p.ip.daddr, &t6));
		CHECK_EQ_U(p.tcp.flags, PKT_SYN);
		CHECK_EQ_U(p.tcp.sport, k.sport);
		CHECK_EQ_U(p.tcp.dport, 80);
		CHECK_EQ_U(p.tcp.seq, k.seq);
		CHECK(k.sport >= 61000 && k.sport < 62024);
		CHECK(memcmp(f, FRAME_MAC_PEER, 6) == 0);
		CHECK_EQ_U(csum_errors(f, n), 0);
		/* The same cookie netstack gives for struct addr. */
		CHECK_EQ_U(cookie_make_addr(&key, &our6, &t6, 80, IPPROTO_TCP,
					    61000, 1024)
				   .seq,
			   k.seq);
	}
	CASE("SYN module: IPv4 patch writes cookie, IP ID and both checksums")
	{
		struct sweep_tmpl t;
		uint8_t f[CRAFT_MAX];
		struct pkt_info p;
		struct cookie k = sweep_cookie(&c4, &t4, 22, IPPROTO_TCP);
		size_t n;

		v4_template(&t, &our4);
		n = sweep_mod_syn.patch4(&t, f, FRAME_MAC_PEER, addr_v4(&t4),
					 22, k, 0x1234);
		CHECK_EQ_U(n, 14 + 20 + 24);
		CHECK(pkt_parse(f, n, &p) == PKT_TCP);
		CHECK(addr_eq(&p.ip.daddr, &t4));
		CHECK_EQ_U(p.ip.id, 0x1234);
		CHECK_EQ_U(p.tcp.sport, k.sport);
		CHECK_EQ_U(p.tcp.seq, k.seq);
		CHECK_EQ_U(csum_errors(f, n), 0);
		/* IPv4's fast cookie is struct addr's cookie. */
		CHECK_EQ_U(cookie_make_addr(&key, &our4, &t4, 22, IPPROTO_TCP,
					    61000, 1024)
				   .seq,
			   k.seq);
	}
	CASE("UDP module: both families, payload carries the cookie")
	{
		struct sweep_tmpl t6u, t4u;
		struct sweep_ctx u6 = ctx_for(&our6, 1), u4 = ctx_for(&our4, 1);
		struct cookie k6 = sweep_cookie(&u6, &t6, 53, IPPROTO_UDP);
		struct cookie k4 = sweep_cookie(&u4, &t4, 53, IPPROTO_UDP);
		uint8_t f[CRAFT_MAX], pl[UDPPROBE_MAX];
		struct pkt_info p;
		size_t n, plen;

		CHECK(sweep_mod_udp.build(&t6u, NULL, FRAME_MAC_US, &our6, err,
					  sizeof(err)) == 0);
		CHECK(sweep_mod_udp.build(&t4u, NULL, FRAME_MAC_US, &our4, err,
					  sizeof(err)) == 0);
		n = sweep_mod_udp.patch6(&t6u, f, FRAME_MAC_PEER, &t6, 53, k6);
		CHECK(pkt_parse(f, n, &p) == PKT_UDP);
		plen = udpprobe_payload(53, k6.seq, pl);
		CHECK_EQ_U(p.udp.sport, k6.sport);
		CHECK_EQ_U(p.payload_len, plen);
		CHECK(p.payload_len == plen &&
		      memcmp(p.payload, pl, plen) == 0);
		CHECK_EQ_U(csum_errors(f, n), 0);
		n = sweep_mod_udp.patch4(&t4u, f, FRAME_MAC_PEER, addr_v4(&t4),
					 53, k4, 7);
		CHECK(pkt_parse(f, n, &p) == PKT_UDP);
		plen = udpprobe_payload(53, k4.seq, pl);
		CHECK_EQ_U(p.udp.sport, k4.sport);
		CHECK(p.payload_len == plen &&
		      memcmp(p.payload, pl, plen) == 0);
		CHECK(addr_eq(&p.ip.daddr, &t4));
		CHECK_EQ_U(csum_errors(f, n), 0);
	}
	CASE("modules: names, silent states, filters per family")
	{
		char buf[256];

		CHECK_STR(sweep_mod_syn.scan_type, "SYN Stealth Scan");
		CHECK_STR(sweep_mod_udp.scan_type, "UDP Scan");
		CHECK_EQ_U(sweep_mod_syn.silent_state, PS_FILTERED);
		CHECK_EQ_U(sweep_mod_udp.silent_state, PS_OPEN_FILTERED);
		CHECK(sweep_mod_syn.needs_raw && sweep_mod_udp.needs_raw);
		CHECK(sweep_mod_syn.filter(buf, sizeof(buf), &our6) > 0);
		CHECK_STR(buf, "(ip6 dst host fd5a:7a6f:1ab0:1::2 and (tcp or "
			       "icmp6))");
		CHECK(sweep_mod_udp.filter(buf, sizeof(buf), &our4) > 0);
		CHECK_STR(buf, "(dst host 198.18.0.2 and (udp or icmp))");
		CHECK(sweep_mod_syn.filter(buf, 10, &our6) < 0);
	}
}

/* Classifies SYN replies of one family: targets t, router r. */
static void syn_replies(const char *our_s, const char *t_s, const char *r_s)
{
	struct addr our = A(our_s), t = A(t_s), r = A(r_s);
	struct sweep_ctx c = ctx_for(&our, 0);
	struct cookie k = sweep_cookie(&c, &t, 113, IPPROTO_TCP);
	struct sweep_tmpl tm;
	struct port_result pr;
	uint8_t probe[CRAFT_MAX], f[256];
	size_t pn, n;
	char err[128];
	int v6 = addr_is_v6(&our);

	if (v6) {
		sweep_mod_syn.build(&tm, NULL, FRAME_MAC_US, &our, err,
				    sizeof(err));
		pn = sweep_mod_syn.patch6(&tm, probe, FRAME_MAC_PEER, &t, 113,
					  k);
	} else {
		v4_template(&tm, &our);
		pn = sweep_mod_syn.patch4(&tm, probe, FRAME_MAC_PEER,
					  addr_v4(&t), 113, k, 1);
	}
	CASE(v6 ? "SYN classify IPv6: SYN-ACK open, RST closed, cookie checked"
		: "SYN classify IPv4: SYN-ACK open, RST closed, cookie checked")
	{
		n = tcp_reply(f, &t, &our, 113, k.sport, 9, k.seq + 1,
			      PKT_SYN | PKT_ACK);
		CHECK(classify(&sweep_mod_syn, &c, f, n, &pr) == SWEEP_MINE);
		CHECK_EQ_U(pr.state, PS_OPEN);
		CHECK_EQ_U(pr.reason, RS_SYN_ACK);
		CHECK(addr_eq(&pr.addr, &t) && addr_eq(&pr.from, &t));
		CHECK_EQ_U(pr.port, 113);
		CHECK_EQ_U(pr.proto, IPPROTO_TCP);
		CHECK_EQ_U(pr.ttl, 64);
		n = tcp_reply(f, &t, &our, 113, k.sport, 0, k.seq + 1,
			      PKT_RST | PKT_ACK);
		CHECK(classify(&sweep_mod_syn, &c, f, n, &pr) == SWEEP_MINE);
		CHECK_EQ_U(pr.state, PS_CLOSED);
		CHECK_EQ_U(pr.reason, RS_RESET);
		/* Wrong ack, wrong port of ours: the cookie fails. */
		n = tcp_reply(f, &t, &our, 113, k.sport, 9, k.seq + 2,
			      PKT_SYN | PKT_ACK);
		CHECK(classify(&sweep_mod_syn, &c, f, n, &pr) == SWEEP_BOGUS);
		n = tcp_reply(f, &t, &our, 113, (uint16_t)(k.sport ^ 1), 9,
			      k.seq + 1, PKT_SYN | PKT_ACK);
		CHECK(classify(&sweep_mod_syn, &c, f, n, &pr) == SWEEP_BOGUS);
		/* A port not probed, another destination, a bare ACK. */
		n = tcp_reply(f, &t, &our, 8080, k.sport, 9, k.seq + 1,
			      PKT_SYN | PKT_ACK);
		CHECK(classify(&sweep_mod_syn, &c, f, n, &pr) ==
		      SWEEP_NOT_OURS);
		n = tcp_reply(f, &t, &r, 113, k.sport, 9, k.seq + 1,
			      PKT_SYN | PKT_ACK);
		CHECK(classify(&sweep_mod_syn, &c, f, n, &pr) ==
		      SWEEP_NOT_OURS);
		n = tcp_reply(f, &t, &our, 113, k.sport, 9, k.seq + 1, PKT_ACK);
		CHECK(classify(&sweep_mod_syn, &c, f, n, &pr) ==
		      SWEEP_NOT_OURS);
		/* The UDP module does not take TCP. */
		n = tcp_reply(f, &t, &our, 113, k.sport, 9, k.seq + 1,
			      PKT_SYN | PKT_ACK);
		{
			struct sweep_ctx cu = ctx_for(&our, 1);

			CHECK(classify(&sweep_mod_udp, &cu, f, n, &pr) ==
			      SWEEP_NOT_OURS);
		}
	}
	CASE(v6 ? "SYN classify IPv6: pass k's rotated port names pass k"
		: "SYN classify IPv4: pass k's rotated port names pass k")
	{
		_Atomic int pass = 0;
		struct sweep_ctx cp = c;
		uint16_t p2 = sweep_sport_at(k.sport, 61000, 1024, 2);

		cp.pass = &pass;
		CHECK(p2 != k.sport && p2 >= 61000 && p2 < 61000 + 1024);
		/* Pass 2's port is no reply while only pass 0 was sent. */
		n = tcp_reply(f, &t, &our, 113, p2, 9, k.seq + 1,
			      PKT_SYN | PKT_ACK);
		CHECK(classify(&sweep_mod_syn, &cp, f, n, &pr) == SWEEP_BOGUS);
		pass = 3;
		CHECK(classify(&sweep_mod_syn, &cp, f, n, &pr) == SWEEP_MINE);
		CHECK_EQ_U(pr.pass, 2);
		n = tcp_reply(f, &t, &our, 113, k.sport, 9, k.seq + 1,
			      PKT_RST | PKT_ACK);
		CHECK(classify(&sweep_mod_syn, &cp, f, n, &pr) == SWEEP_MINE);
		CHECK_EQ_U(pr.pass, 0);
		/* The rotation wraps inside fathom's 1024 ports. */
		CHECK_EQ_U(sweep_sport_at(62023, 61000, 1024, 1), 61000);
		/* -g: one port for every pass, which then says nothing. */
		cp.sport_count = 1;
		cp.sport_base = 53;
		CHECK_EQ_U(sweep_sport_at(53, 53, 1, 5), 53);
		CHECK(sweep_sport_pass(&cp, 53, 53) == PASS_UNKNOWN);
		CHECK(sweep_sport_pass(&cp, 53, 54) == -1);
	}
	CASE(v6 ? "SYN classify IPv6: every ICMPv6 error to nmap's reason"
		: "SYN classify IPv4: every ICMP unreachable to nmap's reason")
	{
		/* type, code, reason: nmap's filtered, whoever sends it. */
		static const uint8_t e6[][3] = {
			{ 1, 0, RS_NET_UNREACH },
			{ 1, 1, RS_ADMIN_PROHIBITED },
			{ 1, 2, RS_HOST_UNREACH },
			{ 1, 3, RS_HOST_UNREACH },
			{ 1, 4, RS_PORT_UNREACH },
			{ 1, 5, RS_ADMIN_PROHIBITED },
			{ 1, 6, RS_ADMIN_PROHIBITED },
			{ 3, 0, RS_TIME_EXCEEDED },
			{ 2, 0, RS_HOST_UNREACH },
		};
		static const uint8_t e4[][3] = {
			{ 3, 0, RS_NET_UNREACH },
			{ 3, 1, RS_HOST_UNREACH },
			{ 3, 2, RS_PROTO_UNREACH },
			{ 3, 3, RS_PORT_UNREACH },
			{ 3, 9, RS_NET_PROHIBITED },
			{ 3, 10, RS_HOST_PROHIBITED },
			{ 3, 13, RS_ADMIN_PROHIBITED },
			{ 11, 0, RS_TIME_EXCEEDED },
		};
		const uint8_t(*e)[3] = v6 ? e6 : e4;
		size_t ne = v6 ? sizeof(e6) / 3 : sizeof(e4) / 3;

		for (size_t i = 0; i < ne; i++) {
			const struct addr *from = i & 1 ? &r : &t;

			n = frame_icmp_err(f, from, &our, e[i][0], e[i][1],
					   probe, pn, v6 ? 48 : 28);
			CHECK(classify(&sweep_mod_syn, &c, f, n, &pr) ==
			      SWEEP_MINE);
			CHECK_EQ_U(pr.state, PS_FILTERED);
			CHECK_EQ_U(pr.reason, e[i][2]);
			CHECK(addr_eq(&pr.addr, &t) && addr_eq(&pr.from, from));
			CHECK_EQ_U(pr.port, 113);
		}
		/* A quote whose sequence number is not the cookie's. */
		memcpy(f, probe, pn);
		f[pn - 24 + 7] ^= 1; /* the quoted TCP seq (MSS option: 24) */
		n = frame_icmp_err(f + 128, &t, &our, v6 ? 1 : 3, v6 ? 4 : 3, f,
				   pn, v6 ? 48 : 28);
		CHECK(classify(&sweep_mod_syn, &c, f + 128, n, &pr) ==
		      SWEEP_BOGUS);
		/* A quote too short for the ports; to another host. */
		n = frame_icmp_err(f, &t, &our, v6 ? 1 : 3, 1, probe, pn,
				   v6 ? 42 : 22);
		CHECK(classify(&sweep_mod_syn, &c, f, n, &pr) ==
		      SWEEP_NOT_OURS);
		n = frame_icmp_err(f, &t, &r, v6 ? 1 : 3, 1, probe, pn, 48);
		CHECK(classify(&sweep_mod_syn, &c, f, n, &pr) ==
		      SWEEP_NOT_OURS);
	}
}

/* -sU replies of one family. */
static void udp_replies(const char *our_s, const char *t_s, const char *r_s)
{
	struct addr our = A(our_s), t = A(t_s), r = A(r_s);
	struct sweep_ctx c = ctx_for(&our, 1);
	struct sweep_tmpl tm;
	struct port_result pr;
	uint8_t probe[CRAFT_MAX], f[256], pl[UDPPROBE_MAX];
	size_t pn, n, plen;
	char err[128];
	int v6 = addr_is_v6(&our);
	struct cookie k = sweep_cookie(&c, &t, 53, IPPROTO_UDP);

	sweep_mod_udp.build(&tm, NULL, FRAME_MAC_US, &our, err, sizeof(err));
	pn = v6 ? sweep_mod_udp.patch6(&tm, probe, FRAME_MAC_PEER, &t, 53, k)
		: sweep_mod_udp.patch4(&tm, probe, FRAME_MAC_PEER, addr_v4(&t),
				       53, k, 1);
	CASE(v6 ? "UDP classify IPv6: reply open, port unreachable closed"
		: "UDP classify IPv4: reply open, port unreachable closed")
	{
		/* The DNS answer echoes the request's ID (and is an answer). */
		plen = udpprobe_payload(53, k.seq, pl);
		pl[2] |= 0x80;
		n = frame_udp(f, &t, &our, 53, k.sport, pl, plen);
		CHECK(classify(&sweep_mod_udp, &c, f, n, &pr) == SWEEP_MINE);
		CHECK_EQ_U(pr.state, PS_OPEN);
		CHECK_EQ_U(pr.reason, RS_UDP_RESPONSE);
		CHECK_EQ_U(pr.proto, IPPROTO_UDP);
		pl[0] ^= 0xff; /* another request's ID */
		n = frame_udp(f, &t, &our, 53, k.sport, pl, plen);
		CHECK(classify(&sweep_mod_udp, &c, f, n, &pr) == SWEEP_BOGUS);
		n = frame_udp(f, &t, &our, 5353, k.sport, pl, plen);
		CHECK(classify(&sweep_mod_udp, &c, f, n, &pr) ==
		      SWEEP_NOT_OURS);
		/* Port unreachable: closed from the target, else filtered. */
		n = frame_icmp_err(f, &t, &our, v6 ? 1 : 3, v6 ? 4 : 3, probe,
				   pn, 160);
		CHECK(classify(&sweep_mod_udp, &c, f, n, &pr) == SWEEP_MINE);
		CHECK_EQ_U(pr.state, PS_CLOSED);
		CHECK_EQ_U(pr.reason, RS_PORT_UNREACH);
		CHECK(addr_eq(&pr.addr, &t));
		n = frame_icmp_err(f, &r, &our, v6 ? 1 : 3, v6 ? 4 : 3, probe,
				   pn, 160);
		CHECK(classify(&sweep_mod_udp, &c, f, n, &pr) == SWEEP_MINE);
		CHECK_EQ_U(pr.state, PS_FILTERED);
		CHECK(addr_eq(&pr.from, &r));
		n = frame_icmp_err(f, &t, &our, v6 ? 1 : 3, v6 ? 1 : 13, probe,
				   pn, 160);
		CHECK(classify(&sweep_mod_udp, &c, f, n, &pr) == SWEEP_MINE);
		CHECK_EQ_U(pr.state, PS_FILTERED);
		CHECK_EQ_U(pr.reason, RS_ADMIN_PROHIBITED);
		/* The quoted length must be the probe's. */
		memcpy(f + 128, probe, pn);
		f[128 + 14 + (v6 ? 40 : 20) + 5] ^= 4;
		n = frame_icmp_err(f, &t, &our, v6 ? 1 : 3, v6 ? 4 : 3, f + 128,
				   pn, 160);
		CHECK(classify(&sweep_mod_udp, &c, f, n, &pr) == SWEEP_BOGUS);
		/* The SYN module does not take a UDP quote. */
		n = frame_icmp_err(f, &t, &our, v6 ? 1 : 3, v6 ? 4 : 3, probe,
				   pn, 160);
		{
			struct sweep_ctx ct = ctx_for(&our, 0);

			CHECK(classify(&sweep_mod_syn, &ct, f, n, &pr) ==
			      SWEEP_NOT_OURS);
		}
	}
}

/* Junk and truncations of real replies: bounded, never ours. */
static void hostile(void)
{
	CASE("hostile frames: random bytes and truncations are never ours")
	{
		struct addr our = A("fd5a:7a6f:1ab0:1::2");
		struct addr t = A("fd5a:7a6f:1ab0:1::10");
		struct sweep_ctx cs = ctx_for(&our, 0), cu = ctx_for(&our, 1);
		struct cookie k = sweep_cookie(&cs, &t, 22, IPPROTO_TCP);
		struct port_result pr;
		uint8_t f[256], g[256];
		size_t n;
		unsigned seed = 1, mine = 0;

		n = tcp_reply(f, &t, &our, 22, k.sport, 1, k.seq + 1,
			      PKT_SYN | PKT_ACK);
		for (size_t cut = 0; cut < n; cut++) {
			memcpy(g, f, cut); /* a fresh copy of each length */
			mine += classify(&sweep_mod_syn, &cs, g, cut, &pr) ==
				SWEEP_MINE;
		}
		CHECK_EQ_U(mine, 0);
		for (int i = 0; i < 20000; i++) {
			n = (size_t)(rand_r(&seed) % sizeof(g));
			for (size_t j = 0; j < n; j++)
				g[j] = (uint8_t)rand_r(&seed);
			/* Half of them IPv6 to us, to reach the classifiers. */
			if (i & 1 && n > 54) {
				g[12] = 0x86;
				g[13] = 0xdd;
				g[14] = 0x60;
				memcpy(g + 38, our.b, 16);
			}
			mine += classify(&sweep_mod_syn, &cs, g, n, &pr) !=
					SWEEP_NOT_OURS &&
				pr.state == PS_OPEN;
			mine += classify(&sweep_mod_udp, &cu, g, n, &pr) ==
				SWEEP_MINE;
		}
		CHECK_EQ_U(mine, 0);
	}
}

int main(void)
{
	indexes();
	templates();
	syn_replies("fd5a:7a6f:1ab0:1::2", "fd5a:7a6f:1ab0:1::10",
		    "fd5a:7a6f:1ab0:1::1");
	syn_replies("198.18.0.2", "198.18.0.10", "198.18.0.1");
	udp_replies("fd5a:7a6f:1ab0:1::2", "fd5a:7a6f:1ab0:1::10",
		    "fd5a:7a6f:1ab0:1::1");
	udp_replies("198.18.0.2", "198.18.0.10", "198.18.0.1");
	hostile();
	return DONE();
}
