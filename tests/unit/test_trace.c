/* test_trace.c -- traceroute probes and the reading of their answers. */
#include <netinet/in.h>
#include <string.h>

#include "engine/report/report_trace.h"
#include "engine/trace/trace.h"
#include "harness.h"
#include "addrs.h"
#include "frames.h"

/*
 * A hand-built IPv4 SYN template, as craft_tcp_template builds it with
 * libnet (which needs a link-layer socket: the lab test covers that):
 * Ethernet, IPv4 TTL 64, TCP without options.
 */
static void v4_syn(struct craft_tmpl *t, const struct addr *our)
{
	static const uint8_t tcp[20] = {
		[12] = 0x50, [13] = PKT_SYN, [14] = 0x04, [15] = 0x00
	};

	memset(t, 0, sizeof(*t));
	t->len = frame_ip(t->frame, our, our, IPPROTO_TCP, tcp, sizeof(tcp));
	memset(t->frame, 0, 6);
	t->l4_len = sizeof(tcp);
	t->ver = 4;
}

static void ctx_for(struct trace_ctx *c, const struct addr *our)
{
	struct craft_tcp_opts to = { .flags = PKT_SYN, .win = 1024, .ttl = 64 };

	memset(c, 0, sizeof(*c));
	c->key.k0 = 0x0123456789abcdefull;
	c->key.k1 = 0xfedcba9876543210ull;
	c->src = *our;
	memcpy(c->smac, FRAME_MAC_US, 6);
	c->port0 = 50000;
	if (addr_is_v6(our))
		craft_tcp6_template(&c->syn, c->smac, our, &to);
	else
		v4_syn(&c->syn, our);
}

static struct trace_target target(const char *a, int kind, uint16_t port)
{
	struct trace_target t;

	memset(&t, 0, sizeof(t));
	t.addr = A(a);
	memcpy(t.dmac, FRAME_MAC_PEER, 6);
	t.kind = (uint8_t)kind;
	t.port = port;
	return t;
}

/* The probe of t at ttl, answered by a time exceeded (type) from. */
static int via_router(const struct trace_ctx *c, const struct trace_target *t,
		      uint8_t ttl, const char *from, uint8_t type, uint8_t code,
		      struct trace_reply *r)
{
	uint8_t probe[CRAFT_MAX], err[256];
	struct pkt_info p;
	size_t n = trace_build(c, t, ttl, probe), m;

	if (n == 0)
		return -1;
	m = frame_icmp_err(err, PA(from), &c->src, type, code, probe, n, 100);
	pkt_parse(err, m, &p);
	return trace_match(c, &p, r);
}

static void probes(void)
{
	static const char *const us[] = { "198.18.0.2", "fd5a:7a6f:1ab0:1::2" };
	static const char *const far[] = { "198.18.17.10",
					   "fd5a:7a6f:1ab0:17::10" };
	static const char *const rtr[] = { "198.18.16.2",
					   "fd5a:7a6f:1ab0:16::2" };

	for (int v6 = 0; v6 < 2; v6++) {
		struct trace_ctx c;
		struct trace_target t = target(far[v6], TRACE_TCP, 80);
		struct trace_reply r;
		struct pkt_info p;
		uint8_t f[CRAFT_MAX];
		size_t n;
		uint8_t te = v6 ? 3 : 11;

		ctx_for(&c, PA(us[v6]));
		CASE(v6 ? "IPv6 SYN probe: hop limit, port0 + ttl, port"
			: "IPv4 SYN probe: TTL, port0 + ttl, port")
		{
			n = trace_build(&c, &t, 7, f);
			CHECK(n > 0);
			CHECK_EQ_U(pkt_parse(f, n, &p), PKT_TCP);
			CHECK_EQ_U(p.ip.ttl, 7);
			CHECK_EQ_U(p.tcp.sport, 50007);
			CHECK_EQ_U(p.tcp.dport, 80);
			CHECK_EQ_U(p.tcp.flags, PKT_SYN);
			CHECK(addr_eq(&p.ip.daddr, &t.addr));
		}
		CASE(v6 ? "IPv6 time exceeded quoting a SYN: the hop"
			: "IPv4 time exceeded quoting a SYN: the hop")
		{
			CHECK_EQ_U(via_router(&c, &t, 2, rtr[v6], te, 0, &r),
				   1);
			CHECK(addr_eq(&r.target, &t.addr));
			CHECK(addr_eq(&r.from, PA(rtr[v6])));
			CHECK_EQ_U(r.ttl, 2);
			CHECK_EQ_U(r.kind, TRACE_TCP);
			CHECK_EQ_U(r.port, 80);
			CHECK(!r.dest && !r.unreach);
		}
		CASE(v6 ? "IPv6: the target's SYN-ACK ends the path"
			: "IPv4: the target's SYN-ACK ends the path")
		{
			uint32_t seq;

			n = trace_build(&c, &t, 3, f);
			pkt_parse(f, n, &p);
			seq = p.tcp.seq;
			n = frame_tcp(f, &t.addr, &c.src, 80, 50003, 777,
				      seq + 1, PKT_SYN | PKT_ACK, 65535);
			pkt_parse(f, n, &p);
			CHECK_EQ_U(trace_match(&c, &p, &r), 1);
			CHECK(r.dest);
			CHECK_EQ_U(r.ttl, 3);
			CHECK(addr_eq(&r.from, &t.addr));
			/* Another ack: not ours (a spoofer without the key). */
			n = frame_tcp(f, &t.addr, &c.src, 80, 50003, 777,
				      seq + 2, PKT_RST | PKT_ACK, 0);
			pkt_parse(f, n, &p);
			CHECK_EQ_U(trace_match(&c, &p, &r), 0);
			/* A port outside port0 + 1..50. */
			n = frame_tcp(f, &t.addr, &c.src, 80, 50051, 777,
				      seq + 1, PKT_RST | PKT_ACK, 0);
			pkt_parse(f, n, &p);
			CHECK_EQ_U(trace_match(&c, &p, &r), 0);
		}
		CASE(v6 ? "IPv6: a quote whose flow label lost the cookie"
			: "IPv4: a quote whose IP ID lost the cookie")
		{
			uint8_t e[256];

			n = trace_build(&c, &t, 2, f);
			f[14 + (v6 ? 3 : 5)] ^= 1;
			n = frame_icmp_err(e, PA(rtr[v6]), &c.src, te, 0, f, n,
					   100);
			pkt_parse(e, n, &p);
			CHECK_EQ_U(trace_match(&c, &p, &r), 0);
		}
		CASE(v6 ? "IPv6: another scanner's quote is not ours"
			: "IPv4: another scanner's quote is not ours")
		{
			struct trace_ctx o;
			uint8_t e[256];

			ctx_for(&o,
				PA(v6 ? "fd5a:7a6f:1ab0:1::3" : "198.18.0.3"));
			n = trace_build(&o, &t, 2, f);
			n = frame_icmp_err(e, PA(rtr[v6]), &c.src, te, 0, f, n,
					   100);
			pkt_parse(e, n, &p);
			CHECK_EQ_U(trace_match(&c, &p, &r), 0);
		}
		CASE(v6 ? "IPv6 UDP: the target's port unreachable ends it, a router's unreachable stops"
			: "IPv4 UDP: the target's port unreachable ends it, a router's unreachable stops")
		{
			struct trace_target u =
				target(far[v6], TRACE_UDP, 40125);

			CHECK_EQ_U(via_router(&c, &u, 3, far[v6], v6 ? 1 : 3,
					      v6 ? 4 : 3, &r),
				   1);
			CHECK(r.dest && !r.unreach);
			CHECK_EQ_U(r.kind, TRACE_UDP);
			CHECK_EQ_U(r.port, 40125);
			CHECK_EQ_U(r.ttl, 3);
			CHECK_EQ_U(via_router(&c, &u, 2, rtr[v6], v6 ? 1 : 3, 1,
					      &r),
				   1);
			CHECK(!r.dest && r.unreach);
			CHECK_EQ_U(via_router(&c, &u, 1, rtr[v6], te, 0, &r),
				   1);
			CHECK(!r.dest && !r.unreach);
		}
		CASE(v6 ? "IPv6 echo: time exceeded and the echo reply"
			: "IPv4 echo: time exceeded and the echo reply")
		{
			struct trace_target e = target(far[v6], TRACE_ICMP, 0);
			uint8_t m[8] = { v6 ? 129 : 0 };

			CHECK_EQ_U(via_router(&c, &e, 2, rtr[v6], te, 0, &r),
				   1);
			CHECK_EQ_U(r.kind, TRACE_ICMP);
			CHECK_EQ_U(r.ttl, 2);
			n = trace_build(&c, &e, 3, f);
			pkt_parse(f, n, &p);
			m[4] = (uint8_t)(p.icmp.id >> 8);
			m[5] = (uint8_t)p.icmp.id;
			m[7] = 3;
			n = frame_ip(f, &e.addr, &c.src,
				     v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP, m, 8);
			pkt_parse(f, n, &p);
			CHECK_EQ_U(trace_match(&c, &p, &r), 1);
			CHECK(r.dest);
			CHECK_EQ_U(r.ttl, 3);
			m[5] ^= 1; /* another id */
			n = frame_ip(f, &e.addr, &c.src,
				     v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP, m, 8);
			pkt_parse(f, n, &p);
			CHECK_EQ_U(trace_match(&c, &p, &r), 0);
		}
		CASE(v6 ? "IPv6: TTL 0 and past the maximum: no probe"
			: "IPv4: TTL 0 and past the maximum: no probe")
		{
			CHECK_EQ_U(trace_build(&c, &t, 0, f), 0);
			CHECK_EQ_U(trace_build(&c, &t, TRACE_MAX_TTL + 1, f),
				   0);
		}
	}
}

/* What writer w prints for t, into buf. */
static const char *printed(void (*w)(FILE *, const struct trace_result *),
			   const struct trace_result *t, char *buf, size_t len)
{
	FILE *f = fmemopen(buf, len, "w");

	buf[0] = '\0';
	if (f == NULL)
		return buf;
	w(f, t);
	fclose(f);
	return buf;
}

/* The normal block with no other host's trace. */
static void normal(FILE *f, const struct trace_result *t)
{
	report_trace_normal(f, t, NULL);
}

static void hop(struct trace_result *t, int ttl, const char *a, int64_t us)
{
	struct trace_hop *h = &t->hop[ttl - 1];

	h->ttl = (uint8_t)ttl;
	h->timedout = a == NULL;
	if (a)
		h->addr = A(a);
	h->rtt_us = a ? us : -1;
	if (ttl > t->nhops)
		t->nhops = ttl;
}

static void outputs(void)
{
	struct trace_result t;
	char buf[2048];

	memset(&t, 0, sizeof(t));
	t.addr = A("198.18.17.10");
	t.kind = TRACE_TCP;
	t.port = 22;
	hop(&t, 1, "198.18.0.60", 120);
	hop(&t, 2, NULL, 0);
	hop(&t, 3, NULL, 0);
	hop(&t, 4, "198.18.16.2", 15730);
	hop(&t, 5, NULL, 0);
	hop(&t, 6, "198.18.17.10", 1234567);
	CASE("normal: nmap's block, silent runs as 'N ...' and 'N ... M'")
	{
		CHECK_STR(printed(normal, &t, buf, sizeof(buf)),
			  "\nTRACEROUTE (using port 22/tcp)\n"
			  "HOP RTT        ADDRESS\n"
			  "1   0.12 ms    198.18.0.60\n"
			  "2   ... 3\n"
			  "4   15.73 ms   198.18.16.2\n"
			  "5   ...\n"
			  "6   1234.57 ms 198.18.17.10\n");
	}
	CASE("XML: <trace port proto>, answering hops only")
	{
		CHECK_STR(
			printed(report_trace_xml, &t, buf, sizeof(buf)),
			"<trace port=\"22\" proto=\"tcp\">\n"
			"<hop ttl=\"1\" ipaddr=\"198.18.0.60\" rtt=\"0.12\"/>\n"
			"<hop ttl=\"4\" ipaddr=\"198.18.16.2\" rtt=\"15.73\"/>\n"
			"<hop ttl=\"6\" ipaddr=\"198.18.17.10\" rtt=\"1234.57\"/>\n"
			"</trace>\n");
	}
	CASE("NDJSON: every hop, silent ones with nulls")
	{
		CHECK(strstr(printed(report_trace_json, &t, buf, sizeof(buf)),
			     "{\"type\":\"trace\",\"ip\":\"198.18.17.10\","
			     "\"port\":22,\"proto\":\"tcp\",\"hops\":["
			     "{\"ttl\":1,\"ip\":\"198.18.0.60\",\"rtt_ms\":0.12},"
			     "{\"ttl\":2,\"ip\":null,\"rtt_ms\":null},") ==
		      buf);
	}
	CASE("a direct host: plain TRACEROUTE, <trace> without attributes")
	{
		memset(&t, 0, sizeof(t));
		t.addr = A("fd5a:7a6f:1ab0:1::10");
		hop(&t, 1, "fd5a:7a6f:1ab0:1::10", 40);
		CHECK_STR(printed(normal, &t, buf, sizeof(buf)),
			  "\nTRACEROUTE\nHOP RTT     ADDRESS\n"
			  "1   0.04 ms fd5a:7a6f:1ab0:1::10\n");
		CHECK_STR(printed(report_trace_xml, &t, buf, sizeof(buf)),
			  "<trace>\n<hop ttl=\"1\" "
			  "ipaddr=\"fd5a:7a6f:1ab0:1::10\" rtt=\"0.04\"/>\n"
			  "</trace>\n");
	}
	CASE("ICMPv6: using proto 58/ipv6-icmp")
	{
		t.kind = TRACE_ICMP;
		CHECK(strncmp(printed(normal, &t, buf, sizeof(buf)),
			      "\nTRACEROUTE (using proto 58/ipv6-icmp)\n",
			      38) == 0);
	}
	CASE("nmap's 'Hops 1-k are the same as for X': the shortest sharer")
	{
		struct trace_result r[3];
		struct trace_results all = { r, 3 };
		FILE *f;

		memset(r, 0, sizeof(r));
		r[0].addr = A("198.18.16.2"); /* 2 hops: rtr1, itself */
		hop(&r[0], 1, "198.18.0.60", 20);
		hop(&r[0], 2, "198.18.16.2", 30);
		r[1].addr = A("198.18.17.10"); /* 3 hops through it */
		hop(&r[1], 1, "198.18.0.60", 20);
		hop(&r[1], 2, "198.18.16.2", 30);
		hop(&r[1], 3, "198.18.17.10", 40);
		r[2].addr = A("198.18.17.11"); /* a sibling of .10 */
		hop(&r[2], 1, "198.18.0.60", 20);
		hop(&r[2], 2, "198.18.16.2", 30);
		hop(&r[2], 3, "198.18.17.11", 50);
		for (int i = 0; i < 3; i++)
			r[i].kind = TRACE_TCP, r[i].port = 22;
		f = fmemopen(buf, sizeof(buf), "w");
		CHECK(f != NULL);
		if (f == NULL)
			break;
		report_trace_normal(f, &r[1], &all);
		fclose(f);
		CHECK_STR(buf, "\nTRACEROUTE (using port 22/tcp)\n"
			       "HOP RTT     ADDRESS\n"
			       "-   Hops 1-2 are the same as for 198.18.16.2\n"
			       "3   0.04 ms 198.18.17.10\n");
		/* The shortest path lists its own hops; hop 1 alone. */
		f = fmemopen(buf, sizeof(buf), "w");
		report_trace_normal(f, &r[0], &all);
		fclose(f);
		CHECK(strstr(buf, "\n1   0.02 ms 198.18.0.60\n") != NULL);
		CHECK(strstr(buf, "same as") == NULL);
		r[0].hop[1].addr = A("198.18.16.9"); /* now only hop 1 */
		f = fmemopen(buf, sizeof(buf), "w");
		report_trace_normal(f, &r[2], &all);
		fclose(f);
		CHECK(strstr(buf,
			     "-   Hops 1-2 are the same as for 198.18.17.10\n") !=
		      NULL);
		r[1].hop[1].addr = A("198.18.16.9");
		f = fmemopen(buf, sizeof(buf), "w");
		report_trace_normal(f, &r[2], &all);
		fclose(f);
		CHECK(strstr(buf,
			     "-   Hop 1 is the same as for 198.18.16.2\n") !=
		      NULL);
	}
	CASE("no trace, no output")
	{
		CHECK_STR(printed(normal, NULL, buf, sizeof(buf)), "");
	}
}

int main(void)
{
	probes();
	outputs();
	return DONE();
}
