/* fuzz_udpprobe.c -- -sU reply checks on a hostile datagram: port, tag, bytes. */
#include <stdlib.h>
#include <string.h>

#include "probes/udpprobe.h"
#include "tests/fuzz/fuzz.h"

const char fuzz_name[] = "udpprobe";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy, pl[UDPPROBE_MAX];
	uint16_t port;
	uint32_t tag;
	size_t n;

	/* Input: the probed port (2 bytes), the cookie (4), the reply. */
	if (size < 6)
		return 0;
	port = (uint16_t)(data[0] << 8 | data[1]);
	tag = (uint32_t)data[2] << 24 | (uint32_t)data[3] << 16 |
	      (uint32_t)data[4] << 8 | data[5];
	n = size - 6;
	/* An exact-size copy: ASan sees any read past the datagram. */
	copy = malloc(n ? n : 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, data + 6, n);
	(void)udpprobe_reply_ok(port, tag, copy, n);
	if (udpprobe_payload(port, tag, pl) > UDPPROBE_MAX)
		abort();
	free(copy);
	return 0;
}
