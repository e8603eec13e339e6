/* fuzz_packet.c -- pkt_parse on any frame a hostile network can deliver. */
#include <stdlib.h>
#include <string.h>

#include "netstack/packet.h"
#include "tests/fuzz/fuzz.h"

const char fuzz_name[] = "packet";

static const uint8_t *lo, *hi;

/* A region the parser points at must lie inside the frame: read it all. */
static unsigned touch(const uint8_t *p, size_t n)
{
	unsigned sum = 0;

	if (n == 0)
		return 0;
	if (p == NULL || p < lo || p + n > hi)
		abort();
	while (n--)
		sum += *p++;
	return sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pkt_info p;
	uint8_t *copy;
	volatile unsigned sink = 0;

	/*
	 * A private copy of exactly size bytes, so ASan flags any read past
	 * the capture length in replay builds too.
	 */
	copy = malloc(size ? size : 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	lo = copy;
	hi = copy + size;
	memset(&p, 0, sizeof(p));
	switch (pkt_parse(copy, size, &p)) {
	case PKT_TCP:
		sink += touch(p.tcp.opts, p.tcp.optlen);
		/* fall through */
	case PKT_UDP:
	case PKT_ICMP:
	case PKT_ICMP_ERR:
	case PKT_ICMP6:
	case PKT_ICMP6_ERR:
	case PKT_ND:
		sink += touch(p.payload, p.payload_len);
		sink += touch(p.l3, p.l3_len);
		sink += touch(p.l4, p.l4_len);
		if (p.l4 && (p.l4 < p.l3 || p.l4 + p.l4_len > p.l3 + p.l3_len))
			abort(); /* L4 lies inside the datagram */
		if (p.nd.lladdr)
			sink += touch(p.nd.lladdr, 6);
		break;
	case PKT_ARP:
		sink += touch(p.arp.sha, 6) + touch(p.arp.tha, 6);
		break;
	default:
		break;
	}
	(void)sink;
	free(copy);
	return 0;
}
