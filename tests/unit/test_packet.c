/* test_packet.c -- frame parsing from captured bytes, and hostile frames. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netstack/arpd.h"
#include "netstack/packet.h"
#include "tests/unit/harness.h"
#include "tests/unit/hexfile.h"

int main(void)
{
	uint8_t f[2048];
	size_t n;
	struct pkt_info p;

	CASE("SYN-ACK from a real Linux peer (captured in the lab)")
	{
		n = load_hex("frame-synack.hex", f, sizeof(f));
		CHECK(n > 54);
		CHECK(pkt_parse(f, n, &p) == PKT_TCP);
		CHECK_EQ_U(p.ip.src, 0xc612000a);
		CHECK_EQ_U(p.ip.dst, 0xc6120002);
		CHECK_EQ_U(p.tcp.sport, 22);
		CHECK_EQ_U(p.tcp.flags, PKT_SYN | PKT_ACK);
		CHECK_EQ_U(p.ip.ttl, 64);
		CHECK_EQ_U(p.tcp.optlen, 4);
		CHECK_EQ_U(p.tcp.opts[0], 2); /* MSS */
	}
	CASE("RST-ACK for a closed port")
	{
		n = load_hex("frame-rst.hex", f, sizeof(f));
		CHECK(pkt_parse(f, n, &p) == PKT_TCP);
		CHECK_EQ_U(p.tcp.flags, PKT_RST | PKT_ACK);
		CHECK_EQ_U(p.tcp.sport, 113);
	}
	CASE("ICMP port unreachable quoting our SYN")
	{
		n = load_hex("frame-icmp-unreach.hex", f, sizeof(f));
		CHECK(pkt_parse(f, n, &p) == PKT_ICMP_ERR);
		CHECK_EQ_U(p.icmp.type, 3);
		CHECK_EQ_U(p.icmp.code, 3);
		CHECK_EQ_U(p.inner.ip.proto, 6);
		CHECK_EQ_U(p.inner.ip.src, 0xc6120002);
		CHECK_EQ_U(p.inner.ip.dst, 0xc612000b);
		CHECK_EQ_U(p.inner.dport, 3306);
		CHECK(p.inner.has_l4);
	}
	CASE("ARP reply")
	{
		n = load_hex("frame-arp-reply.hex", f, sizeof(f));
		CHECK(pkt_parse(f, n, &p) == PKT_ARP);
		CHECK_EQ_U(p.arp.op, 2);
		CHECK_EQ_U(p.arp.spa, 0xc612000a);
		CHECK_EQ_U(p.arp.sha[5], 0x0a);
	}
	CASE("every truncation of every frame parses without reading past it")
	{
		static const char *const files[] = { "frame-synack.hex",
						     "frame-rst.hex",
						     "frame-icmp-unreach.hex",
						     "frame-arp-reply.hex" };

		for (size_t i = 0; i < 4; i++) {
			size_t len = load_hex(files[i], f, sizeof(f));

			for (size_t k = 0; k <= len; k++) {
				/* Copy to an exact-size heap block: ASan
				 * catches any read past k. */
				uint8_t *b = malloc(k ? k : 1);

				memcpy(b, f, k);
				pkt_parse(b, k, &p);
				if (p.payload)
					CHECK(p.payload + p.payload_len <=
					      b + k);
				free(b);
			}
		}
	}
	CASE("lying length fields are clamped to the capture")
	{
		n = load_hex("frame-synack.hex", f, sizeof(f));
		f[14 + 2] = 0xff; /* IP total length 65xxx */
		f[14 + 3] = 0xff;
		f[14 + 20 + 12] = 0xf0; /* TCP data offset 60 */
		pkt_parse(f, n, &p);
		CHECK(p.payload == NULL || p.payload + p.payload_len <= f + n);
	}
	CASE("checksum of a header that carries its own checksum is zero")
	{
		n = load_hex("frame-synack.hex", f, sizeof(f));
		CHECK_EQ_U(pkt_csum_fold(pkt_csum_add(0, f + 14, 20)), 0);
	}
	CASE("arpd: a captured request for the -S address gets our reply")
	{
		static const uint8_t mac[6] = { 2, 0x66, 0x78, 0, 0, 2 };
		uint8_t out[ARPD_FRAME_LEN];
		struct pkt_info q;

		n = load_hex("frame-arp-request.hex", f, sizeof(f));
		CHECK_EQ_U(n, 42);
		CHECK_EQ_U(arpd_reply(f, n, 0xc612004du, mac, out),
			   ARPD_FRAME_LEN);
		CHECK(pkt_parse(out, sizeof(out), &q) == PKT_ARP);
		CHECK_EQ_U(q.arp.op, 2);
		CHECK_EQ_U(q.arp.spa, 0xc612004du);
		CHECK_EQ_U(q.arp.tpa, 0xc612000bu);
		CHECK(memcmp(q.arp.sha, mac, 6) == 0);
		CHECK(memcmp(q.arp.tha, f + 6, 6) == 0);
		/* Unicast back to the asker, from us. */
		CHECK(memcmp(out, f + 6, 6) == 0);
		CHECK(memcmp(out + 6, mac, 6) == 0);
		/* Another address, a reply, a truncated frame: no answer. */
		CHECK_EQ_U(arpd_reply(f, n, 0xc612004eu, mac, out), 0);
		CHECK_EQ_U(arpd_reply(out, sizeof(out), 0xc612000bu, mac, out),
			   0);
		for (size_t k = 0; k < n; k++)
			CHECK_EQ_U(arpd_reply(f, k, 0xc612004du, mac, out), 0);
	}
	return DONE();
}
