/* fuzz_osattr.c -- OS replies from hostile frames into a fingerprint. */
#include <stdlib.h>
#include <string.h>

#include "fingerprints/osattr.h"
#include "netstack/packet.h"
#include "tests/fuzz/fuzz.h"

const char fuzz_name[] = "osattr";

/*
 * The input is a round: records of [slot][len hi][len lo][frame], each
 * frame parsed by pkt_parse and stored in reply slot (slot % 23: SEQ1-6,
 * OPS1-6, ECN, T1-T7, IE1, IE2, U1), as the engine stores what it
 * captures; then every attribute is computed. The first 8 bytes, when
 * present, are the ACK and sequence base the probes carried.
 */
static struct os_reply *slot(struct os_round *r, unsigned k)
{
	k %= 23;
	if (k < 6)
		return &r->seq[k];
	if (k < 12)
		return &r->ops[k - 6];
	if (k == 12)
		return &r->ecn;
	if (k < 20)
		return &r->t[k - 13];
	if (k < 22)
		return &r->ie[k - 20];
	return &r->u1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct os_round *rd = calloc(1, sizeof(*rd));
	struct osfp *fp = calloc(1, sizeof(*fp));
	struct os_result res;
	char ops[64];
	size_t i = 0;

	if (rd == NULL || fp == NULL)
		goto out;
	memset(&res, 0, sizeof(res));
	if (size >= 8) {
		rd->ack = (uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 |
			  (uint32_t)data[2] << 8 | data[3];
		rd->seq_base = (uint32_t)data[4] << 24 |
			       (uint32_t)data[5] << 16 |
			       (uint32_t)data[6] << 8 | data[7];
		i = 8;
	}
	rd->have_open = rd->have_closed = 1;
	rd->u1_ttl = 55;
	for (int k = 0; k < 6; k++)
		rd->seq_sent_us[k] = 1795599462290000ull + 100000ull * k;
	while (i + 3 <= size) {
		unsigned k = data[i];
		size_t n = (size_t)data[i + 1] << 8 | data[i + 2];
		uint8_t *copy;
		struct pkt_info p;

		i += 3;
		if (n > size - i)
			n = size - i;
		/* Exactly n bytes: ASan sees any read past the capture. */
		copy = malloc(n ? n : 1);
		if (copy == NULL)
			break;
		memcpy(copy, data + i, n);
		if (pkt_parse(copy, n, &p) != PKT_OTHER)
			osattr_reply_from_pkt(&p, i, slot(rd, k));
		osattr_ops_string(copy, n > 40 ? 40 : n, ops, sizeof(ops));
		free(copy);
		i += n;
	}
	osattr_compute(rd, fp, &res);
out:
	free(rd);
	free(fp);
	return 0;
}
