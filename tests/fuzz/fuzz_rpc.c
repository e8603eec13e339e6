/* fuzz_rpc.c -- SunRPC record marking, replies and DUMP lists from a hostile peer; arpd on any frame. */
#include <stdlib.h>
#include <string.h>

#include "netstack/arpd.h"
#include "probes/rpc.h"
#include "tests/fuzz/fuzz.h"

const char fuzz_name[] = "rpc";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 };
	uint8_t *copy, *rec, frame[ARPD_FRAME_LEN];
	size_t off = 0;
	volatile unsigned sink = 0;
	struct rpc_grind g;

	/* An exact-size copy: ASan sees any read past the stream. */
	copy = malloc(size ? size : 1);
	rec = malloc(RPC_MAX_RECORD);
	if (copy == NULL || rec == NULL) {
		free(copy);
		free(rec);
		return 0;
	}
	memcpy(copy, data, size);
	/* xid 0 and 28 calls: stream bytes can hit every slot, twice. */
	rpc_grind_init(&g, 0, 28);
	/* The stream as the grinder reads it: record after record. */
	for (;;) {
		struct rpc_reply r;
		struct rpc_mapping m[8];
		size_t rl;
		long used = rpc_record_take(copy + off, size - off, rec,
					    RPC_MAX_RECORD, &rl);

		if (used <= 0)
			break;
		if ((size_t)used > size - off || rl > RPC_MAX_RECORD)
			abort();
		off += (size_t)used;
		if (rpc_reply_parse(rec, rl, &r) < 0)
			continue;
		/* The tally never counts a call twice or an absurd range. */
		rpc_grind_reply(&g, &r);
		if (g.answered > g.ncalls ||
		    (g.found && !rpc_versions_sane(g.low, g.high)))
			abort();
		if (r.body && (r.body < rec || r.body + r.body_len > rec + rl))
			abort();
		if (r.status == RPC_ST_SUCCESS)
			sink += (unsigned)rpc_dump_parse(r.body, r.body_len, m,
							 8);
	}
	sink += (unsigned)rpc_is_call(copy, size);
	/* And the same bytes as a frame: arpd answers only real requests. */
	if (arpd_reply(copy, size, 0xc612004du, mac, frame) &&
	    memcmp(frame + 6, mac, 6) != 0)
		abort();
	(void)sink;
	free(rec);
	free(copy);
	return 0;
}
