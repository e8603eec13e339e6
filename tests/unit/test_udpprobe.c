/* test_udpprobe.c -- -sU payloads, reply checks and the UDP frame. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netstack/craft.h"
#include "netstack/packet.h"
#include "probes/udpprobe.h"
#include "tests/unit/harness.h"

/*
 * A reply captured from the lab (fx-svc's bind and rpcbind) to the probe
 * with tag 0xa1b2c3d4, stored as the fuzz seed: port (2), tag (4), reply.
 */
static size_t load_seed(const char *name, uint8_t *out, size_t cap)
{
	char path[512];
	const char *dir = getenv("FATHOM_SRCDIR");
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/tests/fuzz/corpus/udpprobe/%s",
		 dir ? dir : ".", name);
	f = fopen(path, "rb");
	if (f == NULL) {
		printf("# cannot open %s\n", path);
		return 0;
	}
	n = fread(out, 1, cap, f);
	fclose(f);
	return n;
}

/* A BER TLV's length must cover exactly the rest of its parent. */
static int ber_len_ok(const uint8_t *p, size_t n)
{
	return n >= 2 && p[1] < 0x80 && (size_t)p[1] + 2 == n;
}

int main(void)
{
	uint8_t b[UDPPROBE_MAX];
	const uint32_t tag = 0xa1b2c3d4u;

	CASE("dns: version.bind CHAOS TXT, ID from the tag")
	{
		static const uint8_t want[] = { 0xc3, 0xd4, 0x00, 0x00, 0x00,
						0x01, 0x00, 0x00, 0x00, 0x00,
						0x00, 0x00, 0x07, 'v',  'e',
						'r',  's',  'i',  'o',  'n',
						0x04, 'b',  'i',  'n',  'd',
						0x00, 0x00, 0x10, 0x00, 0x03 };
		size_t n = udpprobe_payload(53, tag, b);

		CHECK_EQ_U(n, sizeof(want));
		CHECK(memcmp(b, want, sizeof(want)) == 0);
	}
	CASE("rpc: NULL call to rpcbind v2, XID = tag")
	{
		size_t n = udpprobe_payload(111, tag, b);

		CHECK_EQ_U(n, 40);
		CHECK(memcmp(b, "\xa1\xb2\xc3\xd4", 4) == 0);
		CHECK(memcmp(b + 4,
			     "\0\0\0\0\0\0\0\2\0\1\x86\xa0\0\0\0\2"
			     "\0\0\0\0",
			     20) == 0);
		CHECK(udpprobe_payload(2049, tag, b) == 40 &&
		      memcmp(b + 12, "\0\1\x86\xa3\0\0\0\3", 8) == 0);
	}
	CASE("ntp: 48-byte v4 client request")
	{
		size_t n = udpprobe_payload(123, tag, b);

		CHECK_EQ_U(n, 48);
		CHECK_EQ_U(b[0] & 7, 3);        /* mode client */
		CHECK_EQ_U((b[0] >> 3) & 7, 4); /* version 4 */
	}
	CASE("snmp: BER lengths nest, request-id positive")
	{
		size_t n = udpprobe_payload(161, tag, b);

		CHECK_EQ_U(n, 43);
		CHECK(b[0] == 0x30 && ber_len_ok(b, n));
		/* version 0, community "public", then the GetRequest PDU */
		CHECK(memcmp(b + 2, "\x02\x01\x00\x04\x06public", 11) == 0);
		CHECK(b[13] == 0xa0 && ber_len_ok(b + 13, n - 13));
		CHECK(memcmp(b + 15, "\x02\x04\x21\xb2\xc3\xd4", 6) == 0);
	}
	CASE("nbstat: wildcard name, NBSTAT IN")
	{
		size_t n = udpprobe_payload(137, tag, b);

		CHECK_EQ_U(n, 50);
		CHECK(b[12] == 32 && b[13] == 'C' && b[14] == 'K' &&
		      b[15] == 'A' && b[44] == 'A' && b[45] == 0);
		CHECK(memcmp(b + 46, "\x00\x21\x00\x01", 4) == 0);
	}
	CASE("other ports: an empty datagram")
	{
		CHECK_EQ_U(udpprobe_payload(7, tag, b), 0);
		CHECK_EQ_U(udpprobe_payload(65535, tag, b), 0);
	}
	CASE("replies: the ID must be echoed")
	{
		uint8_t r[64] = { 0xc3, 0xd4, 0x85, 0x00 };
		uint8_t rpc[24] = { 0xa1, 0xb2, 0xc3, 0xd4, 0, 0, 0, 1 };
		uint8_t ntp[48] = { 0x24 };

		CHECK(udpprobe_reply_ok(53, tag, r, 12));
		CHECK(!udpprobe_reply_ok(53, tag ^ 1, r, 12));
		CHECK(!udpprobe_reply_ok(53, tag, r, 11)); /* truncated */
		r[2] = 0x05;                               /* a query, QR 0 */
		CHECK(!udpprobe_reply_ok(53, tag, r, 12));
		CHECK(udpprobe_reply_ok(111, tag, rpc, sizeof(rpc)));
		rpc[7] = 0; /* a CALL, not a REPLY */
		CHECK(!udpprobe_reply_ok(111, tag, rpc, sizeof(rpc)));
		memcpy(ntp + 24, "\xa1\xb2\xc3\xd4\x5e\x4d\x3c\x2b", 8);
		CHECK(udpprobe_reply_ok(123, tag, ntp, sizeof(ntp)));
		CHECK(!udpprobe_reply_ok(123, tag, ntp, 47));
		/* SNMP: our request-id anywhere in the response */
		udpprobe_payload(161, tag, b);
		b[13] = 0xa2;
		CHECK(udpprobe_reply_ok(161, tag, b, 43));
		CHECK(!udpprobe_reply_ok(161, tag + 1, b, 43));
		/* No ID to echo: any datagram */
		CHECK(udpprobe_reply_ok(9999, tag, NULL, 0));
	}
	CASE("lab replies: bind and rpcbind echo the ID")
	{
		uint8_t r[600];
		size_t n = load_seed("dns-version-bind", r, sizeof(r));

		CHECK(n > 6 + 12);
		CHECK(udpprobe_reply_ok(53, tag, r + 6, n - 6));
		CHECK(!udpprobe_reply_ok(53, tag + 1, r + 6, n - 6));
		n = load_seed("rpcbind-null", r, sizeof(r));
		CHECK_EQ_U(n, 6 + 24);
		CHECK(udpprobe_reply_ok(111, tag, r + 6, n - 6));
		CHECK(!udpprobe_reply_ok(111, ~tag, r + 6, n - 6));
	}
	CASE("frame: parses back, both checksums verify")
	{
		static const uint8_t sm[6] = { 2, 0, 0, 0, 0, 1 },
				     dm[6] = { 2, 0, 0, 0, 0, 2 };
		uint8_t f[CRAFT_MAX], pl[UDPPROBE_MAX], pseudo[12];
		size_t plen = udpprobe_payload(53, tag, pl), n;
		struct pkt_info p;
		uint32_t sum;

		n = craft_udp_frame(f, sm, dm, 0xc6120002u, 0xc612000au, 61234,
				    53, 0x1234, 64, pl, plen);
		CHECK_EQ_U(n, 14 + 20 + 8 + plen);
		CHECK(pkt_parse(f, n, &p) == PKT_UDP);
		CHECK_EQ_U(p.ip.src, 0xc6120002u);
		CHECK_EQ_U(p.ip.dst, 0xc612000au);
		CHECK_EQ_U(p.udp.sport, 61234);
		CHECK_EQ_U(p.udp.dport, 53);
		CHECK_EQ_U(p.udp.len, 8 + plen);
		CHECK(p.ip.df);
		CHECK_EQ_U(p.payload_len, plen);
		CHECK(memcmp(p.payload, pl, plen) == 0);
		CHECK_EQ_U(pkt_csum_fold(pkt_csum_add(0, f + 14, 20)), 0);
		memcpy(pseudo, f + 14 + 12, 8);
		pseudo[8] = 0;
		pseudo[9] = 17;
		pseudo[10] = (uint8_t)((8 + plen) >> 8);
		pseudo[11] = (uint8_t)(8 + plen);
		sum = pkt_csum_add(0, pseudo, 12);
		sum = pkt_csum_add(sum, f + 34, 8 + plen);
		CHECK_EQ_U(pkt_csum_fold(sum), 0);
	}
	return DONE();
}
