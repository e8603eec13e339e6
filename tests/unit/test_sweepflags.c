/* test_sweepflags.c -- -sA -sW -sF -sN -sX -sM modules: probes, cookies, nmap's states. */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/results.h"
#include "engine/sweep/module.h"
#include "engine/sweep/synscan.h"
#include "netstack/packet.h"
#include "tests/unit/addrs.h"
#include "tests/unit/frames.h"
#include "tests/unit/harness.h"

static const struct cookie_key key = { 0x1122334455667788ull,
				       0x99aabbccddeeff00ull };
static int32_t tcp_index[65536];

/* The modules under test, their probes' flags and nmap's readings. */
static const struct {
	const struct sweep_module *m;
	const char *name, *task;
	uint8_t flags;
	uint8_t silent;
	uint8_t rst_state; /* a RST with window 0 */
	uint8_t rst_win;   /* a RST with a window */
} mods[] = {
	{ &sweep_mod_ack, "ack", "ACK Scan", PKT_ACK, PS_FILTERED,
	  PS_UNFILTERED, PS_UNFILTERED },
	{ &sweep_mod_window, "window", "Window Scan", PKT_ACK, PS_FILTERED,
	  PS_CLOSED, PS_OPEN },
	{ &sweep_mod_fin, "fin", "FIN Scan", PKT_FIN, PS_OPEN_FILTERED,
	  PS_CLOSED, PS_CLOSED },
	{ &sweep_mod_null, "null", "NULL Scan", 0, PS_OPEN_FILTERED, PS_CLOSED,
	  PS_CLOSED },
	{ &sweep_mod_xmas, "xmas", "XMAS Scan", PKT_FIN | PKT_PSH | PKT_URG,
	  PS_OPEN_FILTERED, PS_CLOSED, PS_CLOSED },
	{ &sweep_mod_maimon, "maimon", "Maimon Scan", PKT_FIN | PKT_ACK,
	  PS_OPEN_FILTERED, PS_CLOSED, PS_CLOSED },
	{ &sweep_mod_synflags, "syn", "SYN Stealth Scan", PKT_SYN, PS_FILTERED,
	  PS_CLOSED, PS_CLOSED },
};
#define NMODS (sizeof(mods) / sizeof(mods[0]))

static struct sweep_ctx ctx_for(const struct addr *our, uint8_t flags)
{
	struct sweep_ctx c = {
		.key = &key,
		.sport_base = 61000,
		.sport_count = 1024,
		.our = *our,
		.our4 = addr_is_v6(our) ? 0 : addr_v4(our),
		.index = tcp_index,
		.probe_flags = flags,
	};
	return c;
}

/* An ICMP(v6) error quoting up to 100 bytes of the probe. */
static size_t icmp_err(uint8_t *out, const struct addr *src,
		       const struct addr *dst, uint8_t type, uint8_t code,
		       const uint8_t *probe, size_t plen)
{
	return frame_icmp_err(out, src, dst, type, code, probe, plen, 100);
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
 * An IPv4 template with flags and no options, as craft_tcp_template
 * makes it (libnet needs CAP_NET_RAW; the lab tests cover that build).
 */
static void v4_template(struct sweep_tmpl *t, const struct addr *our,
			uint8_t flags)
{
	uint8_t tcp[20] = { 0 };

	tcp[12] = 0x50;
	tcp[13] = flags;
	tcp[14] = 1024 >> 8;
	memset(t, 0, sizeof(*t));
	memcpy(t->smac, FRAME_MAC_US, 6);
	t->saddr = *our;
	t->saddr4 = addr_v4(our);
	t->ttl = 64;
	t->tcp_flags = flags;
	t->craft.len = frame_ip(t->craft.frame, our, our, IPPROTO_TCP, tcp,
				sizeof(tcp));
	t->craft.l4_len = sizeof(tcp);
	t->craft.ver = 4;
}

/* Writes the probe of module m (or flags) to t:port; returns its length. */
static size_t probe(const struct sweep_module *m, uint8_t flags,
		    const struct addr *our, const struct addr *t, uint16_t port,
		    struct cookie k, uint8_t *out)
{
	struct sweep_tmpl tm;
	char err[128];

	if (!addr_is_v6(our)) {
		v4_template(&tm, our, flags);
		return m->patch4(&tm, out, FRAME_MAC_PEER, addr_v4(t), port, k,
				 9);
	}
	if (sweep_flags_build(&tm, NULL, FRAME_MAC_US, our, flags, err,
			      sizeof(err)) < 0)
		return 0;
	return m->patch6(&tm, out, FRAME_MAC_PEER, t, port, k);
}

static void probes(void)
{
	struct addr our6 = A("fd5a:7a6f:1ab0:1::2");
	struct addr t6 = A("fd5a:7a6f:1ab0:1::15");
	struct addr our4 = A("198.18.0.2"), t4 = A("198.18.0.15");
	struct sweep_ctx c6 = ctx_for(&our6, 0), c4 = ctx_for(&our4, 0);
	char err[128];

	CASE("flags modules: nmap's names, task names, silent states, filter")
	{
		char buf[256];

		for (size_t i = 0; i < NMODS; i++) {
			CHECK_STR(mods[i].m->name, mods[i].name);
			CHECK_STR(mods[i].m->scan_type, mods[i].task);
			CHECK_EQ_U(mods[i].m->silent_state, mods[i].silent);
			CHECK_EQ_U(mods[i].m->proto, IPPROTO_TCP);
			CHECK(mods[i].m->needs_raw);
			CHECK(mods[i].m->filter(buf, sizeof(buf), &our4) > 0);
			CHECK_STR(buf,
				  "(dst host 198.18.0.2 and (tcp or icmp))");
		}
	}
	CASE("flags modules: IPv6 build, each probe's flags, cookie in seq "
	     "(and ack with ACK), no options without SYN")
	{
		for (size_t i = 0; i < NMODS; i++) {
			struct sweep_tmpl t;
			struct cookie k =
				sweep_cookie(&c6, &t6, 87, IPPROTO_TCP);
			uint8_t f[CRAFT_MAX];
			struct pkt_info p;
			size_t n;

			CHECK(mods[i].m->build(&t, NULL, FRAME_MAC_US, &our6,
					       err, sizeof(err)) == 0);
			CHECK_EQ_U(t.tcp_flags, mods[i].flags);
			n = mods[i].m->patch6(&t, f, FRAME_MAC_PEER, &t6, 87,
					      k);
			CHECK(pkt_parse(f, n, &p) == PKT_TCP);
			CHECK_EQ_U(p.tcp.flags, mods[i].flags);
			CHECK_EQ_U(p.tcp.sport, k.sport);
			CHECK_EQ_U(p.tcp.dport, 87);
			CHECK_EQ_U(p.tcp.seq, k.seq);
			CHECK_EQ_U(p.tcp.ack,
				   mods[i].flags & PKT_ACK ? k.seq : 0);
			CHECK_EQ_U(p.tcp.win, 1024);
			CHECK_EQ_U(p.tcp.optlen,
				   mods[i].flags & PKT_SYN ? 4 : 0);
			CHECK(addr_eq(&p.ip.daddr, &t6));
		}
	}
	CASE("--scanflags: sweep_flags_build takes any flags, MSS with SYN")
	{
		struct sweep_tmpl t;
		uint8_t f[CRAFT_MAX];
		struct pkt_info p;
		struct cookie k = sweep_cookie(&c6, &t6, 80, IPPROTO_TCP);
		size_t n;

		CHECK(sweep_flags_build(&t, NULL, FRAME_MAC_US, &our6,
					PKT_SYN | PKT_FIN, err,
					sizeof(err)) == 0);
		n = sweep_mod_ack.patch6(&t, f, FRAME_MAC_PEER, &t6, 80, k);
		CHECK(pkt_parse(f, n, &p) == PKT_TCP);
		CHECK_EQ_U(p.tcp.flags, PKT_SYN | PKT_FIN);
		CHECK_EQ_U(p.tcp.optlen, 4);
		CHECK_EQ_U(p.tcp.ack, 0);
		CHECK(sweep_flags_build(&t, NULL, FRAME_MAC_US, &our6, 0xff,
					err, sizeof(err)) == 0);
		n = sweep_mod_fin.patch6(&t, f, FRAME_MAC_PEER, &t6, 80, k);
		CHECK(pkt_parse(f, n, &p) == PKT_TCP);
		CHECK_EQ_U(p.tcp.flags, 0xff);
		CHECK_EQ_U(p.tcp.ack, k.seq);
	}
	CASE("flags modules: IPv4 patch writes flags, cookie, IP ID")
	{
		for (size_t i = 0; i < NMODS; i++) {
			struct cookie k =
				sweep_cookie(&c4, &t4, 90, IPPROTO_TCP);
			uint8_t f[CRAFT_MAX];
			struct pkt_info p;
			size_t n = probe(mods[i].m, mods[i].flags, &our4, &t4,
					 90, k, f);

			CHECK_EQ_U(n, 14 + 20 + 20);
			CHECK(pkt_parse(f, n, &p) == PKT_TCP);
			CHECK_EQ_U(p.tcp.flags, mods[i].flags);
			CHECK_EQ_U(p.ip.id, 9);
			CHECK_EQ_U(p.tcp.seq, k.seq);
			CHECK_EQ_U(p.tcp.ack,
				   mods[i].flags & PKT_ACK ? k.seq : 0);
			CHECK(addr_eq(&p.ip.daddr, &t4));
		}
	}
}

/*
 * The RST a stack sends to our probe (RFC 9293 3.10.7.1): to one with
 * ACK, seq = its ack; to one without, RST|ACK with ack = seq + SYN + FIN.
 */
static size_t rst_for(uint8_t *f, uint8_t flags, const struct addr *t,
		      const struct addr *our, uint16_t port, struct cookie k,
		      uint16_t win)
{
	if (flags & PKT_ACK)
		return frame_tcp(f, t, our, port, k.sport, k.seq, 0, PKT_RST,
				 win);
	return frame_tcp(f, t, our, port, k.sport, 0,
			 k.seq + !!(flags & PKT_SYN) + !!(flags & PKT_FIN),
			 PKT_RST | PKT_ACK, win);
}

/* Every module's reading of RSTs, SYN-ACKs and bad cookies, one family. */
static void rst_replies(const char *our_s, const char *t_s, const char *r_s)
{
	struct addr our = A(our_s), t = A(t_s), r = A(r_s);
	int v6 = addr_is_v6(&our);

	CASE(v6 ? "IPv6 RST: -sA unfiltered, -sW by window, the rest closed"
		: "IPv4 RST: -sA unfiltered, -sW by window, the rest closed")
	{
		for (size_t i = 0; i < NMODS; i++) {
			struct sweep_ctx c = ctx_for(&our, mods[i].flags);
			struct cookie k = sweep_cookie(&c, &t, 88, IPPROTO_TCP);
			struct port_result pr;
			uint8_t f[256];
			size_t n;

			n = rst_for(f, mods[i].flags, &t, &our, 88, k, 0);
			CHECK(classify(mods[i].m, &c, f, n, &pr) == SWEEP_MINE);
			CHECK_EQ_U(pr.state, mods[i].rst_state);
			CHECK_EQ_U(pr.reason, RS_RESET);
			CHECK(addr_eq(&pr.addr, &t) && addr_eq(&pr.from, &t));
			CHECK_EQ_U(pr.port, 88);
			CHECK_EQ_U(pr.proto, IPPROTO_TCP);
			CHECK_EQ_U(pr.ttl, 64);
			n = rst_for(f, mods[i].flags, &t, &our, 88, k, 1024);
			CHECK(classify(mods[i].m, &c, f, n, &pr) == SWEEP_MINE);
			CHECK_EQ_U(pr.state, mods[i].rst_win);
			/* nmap's leniency: ack = seq also counts. */
			n = frame_tcp(f, &t, &our, 88, k.sport, 0, k.seq,
				      PKT_RST | PKT_ACK, 0);
			CHECK(classify(mods[i].m, &c, f, n, &pr) == SWEEP_MINE);
			/* Neither relation: the cookie fails. */
			n = frame_tcp(f, &t, &our, 88, k.sport, k.seq ^ 0x10,
				      k.seq + 7, PKT_RST | PKT_ACK, 0);
			CHECK(classify(mods[i].m, &c, f, n, &pr) ==
			      SWEEP_BOGUS);
			/* Our other source port, or to someone else. */
			n = rst_for(f, mods[i].flags, &t, &our, 88,
				    (struct cookie){ (uint16_t)(k.sport ^ 1),
						     k.seq },
				    0);
			CHECK(classify(mods[i].m, &c, f, n, &pr) ==
			      SWEEP_BOGUS);
			n = rst_for(f, mods[i].flags, &t, &r, 88, k, 0);
			CHECK(classify(mods[i].m, &c, f, n, &pr) ==
			      SWEEP_NOT_OURS);
			/* A port the sweep does not probe. */
			n = rst_for(f, mods[i].flags, &t, &our, 8088, k, 0);
			CHECK(classify(mods[i].m, &c, f, n, &pr) ==
			      SWEEP_NOT_OURS);
		}
	}
	CASE(v6 ? "IPv6 SYN-ACK: open only for SYN-read probes with SYN"
		: "IPv4 SYN-ACK: open only for SYN-read probes with SYN")
	{
		struct port_result pr;
		uint8_t f[256];
		size_t n;

		for (size_t i = 0; i < NMODS; i++) {
			struct sweep_ctx c = ctx_for(&our, mods[i].flags);
			struct cookie k = sweep_cookie(&c, &t, 80, IPPROTO_TCP);
			enum sweep_verdict v;

			n = frame_tcp(f, &t, &our, 80, k.sport, 5, k.seq + 1,
				      PKT_SYN | PKT_ACK, 64240);
			v = classify(mods[i].m, &c, f, n, &pr);
			if (mods[i].m == &sweep_mod_synflags) {
				CHECK(v == SWEEP_MINE);
				CHECK_EQ_U(pr.state, PS_OPEN);
				CHECK_EQ_U(pr.reason, RS_SYN_ACK);
			} else {
				CHECK(v == SWEEP_NOT_OURS);
			}
		}
		/* --scanflags FIN read as -sS: no SYN, so no SYN-ACK is
		 * an answer; its RST still closed. */
		{
			struct sweep_ctx c = ctx_for(&our, PKT_FIN);
			struct cookie k = sweep_cookie(&c, &t, 80, IPPROTO_TCP);

			n = frame_tcp(f, &t, &our, 80, k.sport, 5, k.seq + 1,
				      PKT_SYN | PKT_ACK, 64240);
			CHECK(classify(&sweep_mod_synflags, &c, f, n, &pr) ==
			      SWEEP_NOT_OURS);
			n = rst_for(f, PKT_FIN, &t, &our, 80, k, 0);
			CHECK(classify(&sweep_mod_synflags, &c, f, n, &pr) ==
			      SWEEP_MINE);
			CHECK_EQ_U(pr.state, PS_CLOSED);
		}
		/* --scanflags SYNFIN: the RST acknowledges seq + 2. */
		{
			uint8_t sf = PKT_SYN | PKT_FIN;
			struct sweep_ctx c = ctx_for(&our, sf);
			struct cookie k = sweep_cookie(&c, &t, 80, IPPROTO_TCP);

			n = rst_for(f, sf, &t, &our, 80, k, 0);
			CHECK(classify(&sweep_mod_synflags, &c, f, n, &pr) ==
			      SWEEP_MINE);
			CHECK_EQ_U(pr.state, PS_CLOSED);
		}
		/* A bare ACK or a FIN from the target means nothing. */
		{
			struct sweep_ctx c = ctx_for(&our, PKT_ACK);
			struct cookie k = sweep_cookie(&c, &t, 80, IPPROTO_TCP);

			n = frame_tcp(f, &t, &our, 80, k.sport, k.seq, 0,
				      PKT_ACK, 0);
			CHECK(classify(&sweep_mod_ack, &c, f, n, &pr) ==
			      SWEEP_NOT_OURS);
			n = frame_tcp(f, &t, &our, 80, k.sport, k.seq, 0,
				      PKT_FIN | PKT_ACK, 0);
			CHECK(classify(&sweep_mod_window, &c, f, n, &pr) ==
			      SWEEP_NOT_OURS);
		}
	}
}

/* ICMP errors quoting each module's probe: filtered, the error's reason. */
static void icmp_replies(const char *our_s, const char *t_s, const char *r_s)
{
	struct addr our = A(our_s), t = A(t_s), r = A(r_s);
	int v6 = addr_is_v6(&our);
	/* type, code, reason (IPv6's read as IPv4's of the same meaning). */
	static const uint8_t e4[][3] = {
		{ 3, 13, RS_ADMIN_PROHIBITED }, { 3, 3, RS_PORT_UNREACH },
		{ 3, 1, RS_HOST_UNREACH },      { 3, 10, RS_HOST_PROHIBITED },
		{ 11, 0, RS_TIME_EXCEEDED },
	};
	static const uint8_t e6[][3] = {
		{ 1, 1, RS_ADMIN_PROHIBITED }, { 1, 4, RS_PORT_UNREACH },
		{ 1, 3, RS_HOST_UNREACH },     { 1, 0, RS_NET_UNREACH },
		{ 3, 0, RS_TIME_EXCEEDED },
	};

	CASE(v6 ? "IPv6 ICMPv6 errors: filtered with nmap's reason, any type"
		: "IPv4 ICMP errors: filtered with nmap's reason, any type")
	{
		for (size_t i = 0; i < NMODS; i++) {
			struct sweep_ctx c = ctx_for(&our, mods[i].flags);
			struct cookie k = sweep_cookie(&c, &t, 83, IPPROTO_TCP);
			struct port_result pr;
			uint8_t pb[CRAFT_MAX], f[256];
			size_t pn = probe(mods[i].m, mods[i].flags, &our, &t,
					  83, k, pb),
			       n;

			CHECK(pn > 0);
			for (size_t e = 0; e < 5; e++) {
				const uint8_t *x = v6 ? e6[e] : e4[e];
				const struct addr *from = e & 1 ? &r : &t;

				n = icmp_err(f, from, &our, x[0], x[1], pb, pn);
				CHECK(classify(mods[i].m, &c, f, n, &pr) ==
				      SWEEP_MINE);
				CHECK_EQ_U(pr.state, PS_FILTERED);
				CHECK_EQ_U(pr.reason, x[2]);
				CHECK(addr_eq(&pr.addr, &t));
				CHECK(addr_eq(&pr.from, from));
				CHECK_EQ_U(pr.port, 83);
			}
			/* A quote whose seq is not the cookie. */
			pb[14 + (v6 ? 40 : 20) + 7] ^= 1;
			n = icmp_err(f, &t, &our, v6 ? 1 : 3, v6 ? 1 : 13, pb,
				     pn);
			CHECK(classify(mods[i].m, &c, f, n, &pr) ==
			      SWEEP_BOGUS);
		}
	}
}

/* Junk and truncations: bounded, never an answer. */
static void hostile(void)
{
	CASE("hostile frames: random bytes and truncations are never ours")
	{
		struct addr our = A("fd5a:7a6f:1ab0:1::2");
		struct addr t = A("fd5a:7a6f:1ab0:1::15");
		struct sweep_ctx c = ctx_for(&our, PKT_ACK);
		struct cookie k = sweep_cookie(&c, &t, 91, IPPROTO_TCP);
		struct port_result pr;
		uint8_t f[256], g[256];
		size_t n;
		unsigned seed = 7, mine = 0;

		n = rst_for(f, PKT_ACK, &t, &our, 91, k, 1024);
		for (size_t cut = 0; cut < n; cut++) {
			memcpy(g, f, cut);
			mine += classify(&sweep_mod_window, &c, g, cut, &pr) ==
				SWEEP_MINE;
		}
		CHECK_EQ_U(mine, 0);
		for (int i = 0; i < 20000; i++) {
			n = (size_t)(rand_r(&seed) % sizeof(g));
			for (size_t j = 0; j < n; j++)
				g[j] = (uint8_t)rand_r(&seed);
			if (i & 1 && n > 54) {
				g[12] = 0x86;
				g[13] = 0xdd;
				g[14] = 0x60;
				memcpy(g + 38, our.b, 16);
			}
			for (size_t m = 0; m < NMODS; m++)
				mine += classify(mods[m].m, &c, g, n, &pr) ==
					SWEEP_MINE;
		}
		CHECK_EQ_U(mine, 0);
	}
}

/* The run's module and nmap's XML spelling of --scanflags. */
static void choice(void)
{
	CASE("synscan_tcp_module: one module per type; --scanflags with -sS")
	{
		struct scan_opts o;
		static const struct sweep_module *const want[] = {
			&sweep_mod_syn,    &sweep_mod_ack,
			&sweep_mod_window, &sweep_mod_fin,
			&sweep_mod_null,   &sweep_mod_xmas,
			&sweep_mod_maimon, &sweep_mod_connect,
		};

		memset(&o, 0, sizeof(o));
		o.scanflags = -1;
		for (int ty = 0; ty < TCP_SCAN_NTYPES; ty++) {
			o.tcp_scan = ty;
			CHECK(synscan_tcp_module(&o) == want[ty]);
		}
		o.scanflags = PKT_FIN;
		o.tcp_scan = TCP_SCAN_SYN;
		CHECK(synscan_tcp_module(&o) == &sweep_mod_synflags);
		o.tcp_scan = TCP_SCAN_ACK;
		CHECK(synscan_tcp_module(&o) == &sweep_mod_ack);
		CHECK_STR(synscan_task_name(&o), "ACK Scan");
	}
	CASE("synscan_flags_name: nmap's order, from FIN up")
	{
		char b[32];

		CHECK_STR(synscan_flags_name(PKT_FIN | PKT_ACK, b, sizeof(b)),
			  "FINACK");
		CHECK_STR(synscan_flags_name(PKT_PSH | PKT_URG, b, sizeof(b)),
			  "PSHURG");
		CHECK_STR(synscan_flags_name(0, b, sizeof(b)), "");
		CHECK_STR(synscan_flags_name(0xff, b, sizeof(b)),
			  "FINSYNRSTPSHACKURGECECWR");
		/* Too small a buffer: whole names only, always terminated. */
		CHECK_STR(synscan_flags_name(0xff, b, 8), "FINSYN");
	}
}

int main(void)
{
	for (size_t i = 0; i < 65536; i++)
		tcp_index[i] = -1;
	tcp_index[80] = 0;
	tcp_index[83] = 1;
	tcp_index[87] = 2;
	tcp_index[88] = 3;
	tcp_index[90] = 4;
	tcp_index[91] = 5;
	probes();
	rst_replies("fd5a:7a6f:1ab0:1::2", "fd5a:7a6f:1ab0:1::15",
		    "fd5a:7a6f:1ab0:1::1");
	rst_replies("198.18.0.2", "198.18.0.15", "198.18.0.1");
	icmp_replies("fd5a:7a6f:1ab0:1::2", "fd5a:7a6f:1ab0:1::15",
		     "fd5a:7a6f:1ab0:1::1");
	icmp_replies("198.18.0.2", "198.18.0.15", "198.18.0.1");
	hostile();
	choice();
	return DONE();
}
