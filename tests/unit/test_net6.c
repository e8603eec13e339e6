/* test_net6.c -- IPv6 routes and capture filters (on captured frames). */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "netstack/addr.h"
#include "netstack/pktio.h"
#include "netstack/route.h"
#include "tests/unit/addrs.h"
#include "tests/unit/harness.h"
#include "tests/unit/hexfile.h"

/* /proc/net/ipv6_route as fx-scan's would read with a router added (the
 * kernel pads the device name; one space does as well). */
static const char routes[] =
	"fd5a7a6f1ab000010000000000000000 40 00000000000000000000000000000000 00 "
	"00000000000000000000000000000000 00000100 00000001 00000000 00000001 eth0\n"
	"fe800000000000000000000000000000 40 00000000000000000000000000000000 00 "
	"00000000000000000000000000000000 00000100 00000002 00000000 00000001 eth0\n"
	"fd5a7a6f1ab000200000000000000000 40 00000000000000000000000000000000 00 "
	"fe800000000000000066780000000001 00000400 00000002 00000000 00000003 eth0\n"
	"00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
	"fd5a7a6f1ab000010000000000000001 00000400 00000002 00000000 00000003 eth0\n"
	"fd5a7a6f1ab000010000000000000002 80 00000000000000000000000000000000 00 "
	"00000000000000000000000000000000 00000000 00000003 00000000 80200001 eth0\n"
	"fd5a7a6f1ab000300000000000000000 40 00000000000000000000000000000000 00 "
	"00000000000000000000000000000000 00000400 00000001 00000000 00200201 eth0\n"
	"fd5a7a6f1ab000400000000000000000 40 00000000000000000000000000000000 00 "
	"00000000000000000000000000000000 00000100 00000001 00000000 00000001 eth1\n"
	"00000000000000000000000000000001 80 00000000000000000000000000000000 00 "
	"00000000000000000000000000000000 00000000 00000002 00000000 80200001 lo\n"
	"garbage line\n"
	"fd5a7a6f1ab0 40 00 00 00 0 0 0 1 eth0\n"
	"fd5a7a6f1ab000500000000000000000 ff 00000000000000000000000000000000 00 "
	"00000000000000000000000000000000 00000100 00000001 00000000 00000001 eth0";

static void routes6(void)
{
	CASE("ipv6_route: the interface's usable routes, longest first")
	{
		struct route_table6 rt;
		char err[128];
		struct addr gw;

		CHECK(route_table6_parse(routes, "eth0", &rt, err,
					 sizeof(err)) == 0);
		/* /64 lab, fe80::/64, a /64 via a router, default; not the
		 * local, rejected, other-device, junk or /255 lines. */
		CHECK_EQ_U(rt.n, 4);
		for (size_t i = 1; i < rt.n; i++)
			CHECK(rt.e[i - 1].plen >= rt.e[i].plen);
		CHECK_EQ_U(route_table6_nexthop(&rt, PA("fd5a:7a6f:1ab0:1::11"),
						&gw),
			   0);
		CHECK_EQ_U(gw.family, 0); /* on-link */
		CHECK_EQ_U(route_table6_nexthop(&rt, PA("fd5a:7a6f:1ab0:20::9"),
						&gw),
			   0);
		CHECK(addr_eq(&gw, PA("fe80::66:7800:0:1")));
		CHECK_EQ_U(route_table6_nexthop(&rt, PA("fd5a:7a6f:1ab0:30::9"),
						&gw),
			   0);
		CHECK(addr_eq(&gw, PA("fd5a:7a6f:1ab0:1::1"))); /* default */
		{
			struct addr v4 = addr_from_v4(0xc612000a);

			CHECK_EQ_U(route_table6_nexthop(&rt, &v4, &gw), -1);
		}
		route_table6_free(&rt);
		CHECK(route_table6_parse(routes, "eth1", &rt, err,
					 sizeof(err)) == 0);
		CHECK_EQ_U(rt.n, 1);
		CHECK_EQ_U(route_table6_nexthop(&rt, PA("fd5a:7a6f:1ab0:1::11"),
						&gw),
			   -1);
		route_table6_free(&rt);
		CHECK(route_table6_parse("", "eth0", &rt, err, sizeof(err)) ==
		      0);
		CHECK_EQ_U(rt.n, 0);
		route_table6_free(&rt);
	}
	CASE("route_get6 never accepts ::1 or an IPv4 address")
	{
		struct route_hop hop;
		char err[256] = "";
		struct addr lo = A("::1");
		struct addr v4 = addr_from_v4(0x7f000001);

		/* A UDP connect and a netlink question: nothing is sent. */
		CHECK_EQ_U(route_get6(&lo, NULL, &hop, err, sizeof(err)), -1);
		CHECK(strstr(err, "this host") || strstr(err, "no route"));
		CHECK_EQ_U(route_get6(&v4, NULL, &hop, err, sizeof(err)), -1);
		CHECK_EQ_U(route_get6(&lo, "no-such-if0", &hop, err,
				      sizeof(err)),
			   -1);
		CHECK(strstr(err, "no-such-if0") != NULL);
	}
}

/* 1 if the compiled filter takes the captured frame in file. */
static int takes(pcap_t *pc, const char *expr, const char *file)
{
	struct bpf_program prog;
	struct pcap_pkthdr h = { 0 };
	uint8_t f[2048];
	size_t n = load_hex(file, f, sizeof(f));
	int r;

	if (n == 0 ||
	    pcap_compile(pc, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		printf("#   cannot compile '%s': %s\n", expr, pcap_geterr(pc));
		return -1;
	}
	h.caplen = h.len = (bpf_u_int32)n;
	r = pcap_offline_filter(&prog, &h, f) != 0;
	pcap_freecode(&prog);
	return r;
}

static void filters(void)
{
	CASE("IPv6 filter fragments compile and take what they say")
	{
		pcap_t *pc = pcap_open_dead(DLT_EN10MB, 256);
		struct addr us = A("fd5a:7a6f:1ab0:1::2");
		char f[PKTIO_FILTER6_MAX];

		CHECK(pc != NULL);
		if (pc == NULL)
			break;
		CHECK(pktio_filter6(f, sizeof(f), &us,
				    PKTIO_F6_TCP | PKTIO_F6_UDP |
					    PKTIO_F6_ICMP6 | PKTIO_F6_ND) > 0);
		CHECK_EQ_U(takes(pc, f, "frame6-synack.hex"), 1);
		CHECK_EQ_U(takes(pc, f, "frame6-unreach-port.hex"), 1);
		CHECK_EQ_U(takes(pc, f, "frame6-echo-reply.hex"), 1);
		CHECK_EQ_U(takes(pc, f, "frame6-na.hex"), 1);
		CHECK_EQ_U(takes(pc, f, "frame6-ns-unicast.hex"), 1);
		/* Not to us: our NS to ::11's group, MLD to ff02::16. */
		CHECK_EQ_U(takes(pc, f, "frame6-ns.hex"), 0);
		CHECK_EQ_U(takes(pc, f, "frame6-mld-hbh.hex"), 0);
		CHECK_EQ_U(takes(pc, f, "frame-synack.hex"), 0); /* IPv4 */
		/* TCP only: no ICMPv6, no ND. */
		CHECK(pktio_filter6(f, sizeof(f), &us, PKTIO_F6_TCP) > 0);
		CHECK_EQ_U(takes(pc, f, "frame6-synack.hex"), 1);
		CHECK_EQ_U(takes(pc, f, "frame6-rst.hex"), 1);
		CHECK_EQ_U(takes(pc, f, "frame6-unreach-port.hex"), 0);
		CHECK_EQ_U(takes(pc, f, "frame6-na.hex"), 0);
		/* ND only, as fx-quiet (::11) would listen: its group. */
		CHECK(pktio_filter6(f, sizeof(f), PA("fd5a:7a6f:1ab0:1::11"),
				    PKTIO_F6_ND) > 0);
		CHECK_EQ_U(takes(pc, f, "frame6-ns.hex"), 1);
		CHECK_EQ_U(takes(pc, f, "frame6-synack.hex"), 0);
		/* UDP + ICMPv6, combined with IPv4's by the caller. */
		CHECK(pktio_filter6(f, sizeof(f), &us,
				    PKTIO_F6_UDP | PKTIO_F6_ICMP6) > 0);
		{
			char both[PKTIO_FILTER6_MAX + 64];

			snprintf(both, sizeof(both),
				 "(ip dst host 198.18.0.2 "
				 "and icmp) or %s",
				 f);
			CHECK_EQ_U(takes(pc, both, "frame6-unreach-udp.hex"),
				   1);
			CHECK_EQ_U(takes(pc, both, "frame-icmp-unreach.hex"),
				   1);
			CHECK_EQ_U(takes(pc, both, "frame6-rst.hex"), 0);
		}
		/* Bad requests. */
		CHECK_EQ_U(pktio_filter6(f, sizeof(f), &us, 0), -1);
		CHECK_EQ_U(pktio_filter6(f, 20, &us, PKTIO_F6_TCP), -1);
		{
			struct addr v4 = addr_from_v4(0xc6120002);

			CHECK_EQ_U(pktio_filter6(f, sizeof(f), &v4,
						 PKTIO_F6_TCP),
				   -1);
		}
		pcap_close(pc);
	}
}

int main(void)
{
	routes6();
	filters();
	return DONE();
}
