/* test_rpc.c -- SunRPC encoder/decoders on replies captured from the lab. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/rpc.h"
#include "tests/unit/harness.h"
#include "tests/unit/hexfile.h"

/* The captures live in tests/data/rpc/. */
static size_t load_rpc(const char *name, uint8_t *out, size_t cap)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "rpc/%s", name);
	return load_hex(rel, out, cap);
}

/* Takes one record from s and parses it as a reply; -1 on any failure. */
static int one_reply(const uint8_t *s, size_t len, long *used, uint8_t *rec,
		     struct rpc_reply *r)
{
	size_t rl;

	*used = rpc_record_take(s, len, rec, RPC_MAX_RECORD, &rl);
	if (*used <= 0)
		return -1;
	return rpc_reply_parse(rec, rl, r);
}

/* A parsed reply, as rpc_reply_parse() would give it. */
static struct rpc_reply reply(uint32_t xid, int status, uint32_t lo,
			      uint32_t hi)
{
	struct rpc_reply r;

	memset(&r, 0, sizeof(r));
	r.xid = xid;
	r.status = status;
	r.low = lo;
	r.high = hi;
	return r;
}

int main(void)
{
	static uint8_t s[70000], rec[RPC_MAX_RECORD];
	struct rpc_reply r;
	size_t n;
	long used;

	CASE("call encoding: record mark, xid, CALL, RPC v2, prog/vers/proc")
	{
		uint8_t c[RPC_CALL_LEN];
		static const uint8_t want[RPC_CALL_LEN] = {
			0x80, 0,    0,    0x28, 0x11, 0x11, 0x11,
			0x11, 0,    0,    0,    0,    0,    0,
			0,    2,    0,    0x01, 0x86, 0xa0, 0x9e,
			0x37, 0x79, 0xb1, 0,    0,    0,    0,
		};

		CHECK_EQ_U(rpc_call_encode(c, sizeof(c), 0x11111111u, 100000,
					   RPC_BOGUS_VERS, 0),
			   RPC_CALL_LEN);
		CHECK(memcmp(c, want, sizeof(want)) == 0);
		CHECK(rpc_is_call(c, sizeof(c)));
		CHECK(!rpc_is_call(c, sizeof(c) - 1));
		CHECK_EQ_U(rpc_call_encode(c, sizeof(c) - 1, 1, 1, 1, 1), 0);
	}

	CASE("lab rpcbind: NULL with a bogus version is PROG_MISMATCH 2-4")
	{
		n = load_rpc("rpcbind-null-mismatch.hex", s, sizeof(s));
		CHECK(n == 36);
		CHECK(one_reply(s, n, &used, rec, &r) == 0);
		CHECK_EQ_U(used, n);
		CHECK_EQ_U(r.xid, 0x11111111u);
		CHECK_EQ_U(r.status, RPC_ST_PROG_MISMATCH);
		CHECK_EQ_U(r.low, 2);
		CHECK_EQ_U(r.high, 4);
	}

	CASE("lab rpcbind: another program is PROG_UNAVAIL")
	{
		n = load_rpc("rpcbind-prog-unavail.hex", s, sizeof(s));
		CHECK(one_reply(s, n, &used, rec, &r) == 0);
		CHECK_EQ_U(r.xid, 0x33333333u);
		CHECK_EQ_U(r.status, RPC_ST_PROG_UNAVAIL);
	}

	CASE("lab rpcbind: DUMP lists 100000 v2-4 on tcp and udp 111")
	{
		struct rpc_mapping m[16];
		uint32_t lo = 0, hi = 0;
		int k;

		n = load_rpc("rpcbind-dump.hex", s, sizeof(s));
		CHECK(one_reply(s, n, &used, rec, &r) == 0);
		CHECK_EQ_U(r.status, RPC_ST_SUCCESS);
		k = rpc_dump_parse(r.body, r.body_len, m, 16);
		CHECK_EQ_U(k, 6);
		CHECK(rpc_dump_versions(m, (size_t)k, 100000, 6, 111, &lo,
					&hi));
		CHECK_EQ_U(lo, 2);
		CHECK_EQ_U(hi, 4);
		CHECK_EQ_U(rpc_dump_program(m, (size_t)k, 6, 111), 100000);
		CHECK_EQ_U(rpc_dump_program(m, (size_t)k, 6, 2049), 0);
		CHECK(!rpc_dump_versions(m, (size_t)k, 100003, 6, 0, &lo, &hi));
		/* Fewer slots than entries: counted, not written past. */
		CHECK_EQ_U(rpc_dump_parse(r.body, r.body_len, m, 2), 6);
		/* Cut anywhere: malformed, never an overread. */
		for (size_t cut = 0; cut < r.body_len; cut++)
			CHECK(rpc_dump_parse(r.body, cut, m, 16) == -1);
	}

	CASE("lab rpcbind: four pipelined calls, four replies in order")
	{
		size_t off = 0;
		int mism = 0, unav = 0;

		n = load_rpc("rpcbind-pipelined.hex", s, sizeof(s));
		for (int i = 0; i < 4; i++) {
			CHECK(one_reply(s + off, n - off, &used, rec, &r) == 0);
			if (used <= 0)
				break;
			off += (size_t)used;
			CHECK_EQ_U(r.xid, 0x55550000u + (uint32_t)i);
			mism += r.status == RPC_ST_PROG_MISMATCH;
			unav += r.status == RPC_ST_PROG_UNAVAIL;
			if (r.status == RPC_ST_PROG_MISMATCH)
				CHECK_EQ_U(r.xid, 0x55550002u);
		}
		CHECK_EQ_U(off, n);
		CHECK_EQ_U(mism, 1);
		CHECK_EQ_U(unav, 3);
	}

	CASE("record marking: byte at a time needs more, then one record")
	{
		size_t rl;

		n = load_rpc("rpcbind-null-mismatch.hex", s, sizeof(s));
		for (size_t k = 0; k < n; k++)
			CHECK(rpc_record_take(s, k, rec, sizeof(rec), &rl) ==
			      0);
		CHECK(rpc_record_take(s, n, rec, sizeof(rec), &rl) == (long)n);
		CHECK_EQ_U(rl, n - 4);
	}

	CASE("record marking: fragments are joined")
	{
		uint8_t two[64], one[64];
		size_t rl, rl1;

		n = load_rpc("rpcbind-null-mismatch.hex", s, sizeof(s));
		/* Split the 32-byte record into 12 + 20 byte fragments. */
		memcpy(two, "\x00\x00\x00\x0c", 4);
		memcpy(two + 4, s + 4, 12);
		memcpy(two + 16, "\x80\x00\x00\x14", 4);
		memcpy(two + 20, s + 16, 20);
		CHECK(rpc_record_take(two, 40, rec, sizeof(rec), &rl) == 40);
		CHECK(rpc_record_take(s, n, one, sizeof(one), &rl1) == (long)n);
		CHECK(rl == rl1 && memcmp(rec, one, rl) == 0);
		CHECK(rpc_reply_parse(rec, rl, &r) == 0 && r.high == 4);
	}

	CASE("hostile streams: huge fragment, empty fragments, not RPC")
	{
		size_t rl;
		uint8_t empty[8] = { 0, 0, 0, 0, 0, 0, 0, 0 };

		CHECK(rpc_record_take((const uint8_t *)"\x80\x10\0\0", 4, rec,
				      sizeof(rec), &rl) == -1);
		CHECK(rpc_record_take(empty, sizeof(empty), rec, sizeof(rec),
				      &rl) == -1);
		CHECK(rpc_record_take((const uint8_t *)"\x80\0\0\x08", 4, rec,
				      4, &rl) == -1);
		CHECK(rpc_reply_parse((const uint8_t *)"SSH-2.0-OpenSSH_9.2p1",
				      21, &r) == -1);
		/* Every truncation of a real reply: an error, no overread. */
		n = load_rpc("rpcbind-null-mismatch.hex", s, sizeof(s));
		for (size_t cut = 0; cut < n - 4; cut++)
			CHECK(rpc_reply_parse(s + 4, cut, &r) == -1);
	}

	CASE("program table: names and grinding order")
	{
		CHECK_STR(rpc_program_name(100000), "rpcbind");
		CHECK_STR(rpc_program_name(100003), "nfs");
		CHECK_STR(rpc_program_name(100005), "mountd");
		CHECK_STR(rpc_program_name(100021), "nlockmgr");
		CHECK_STR(rpc_program_name(100024), "status");
		CHECK(rpc_program_name(42) == NULL);
		CHECK(rpc_grind_count() >= 20);
		CHECK_EQ_U(rpc_grind_program(0), 100000);
		CHECK_EQ_U(rpc_grind_program(rpc_grind_count()), 0);
	}
	CASE("grinding: a peer answering every call twice: 28 of 28, not 56")
	{
		struct rpc_grind g;
		struct rpc_reply d = reply(0x1000 + RPC_GRIND_XID_DUMP,
					   RPC_ST_SUCCESS, 0, 0);

		rpc_grind_init(&g, 0x1000, 28);
		for (int twice = 0; twice < 2; twice++) {
			for (uint32_t i = 0; i < 28; i++) {
				/* The copy claims other versions: ignored. */
				struct rpc_reply x =
					i == 3 ? reply(0x1000 + i,
						       RPC_ST_PROG_MISMATCH,
						       twice ? 7 : 2,
						       twice ? 9 : 4)
					       : reply(0x1000 + i,
						       RPC_ST_PROG_UNAVAIL, 0,
						       0);

				CHECK_EQ_U(rpc_grind_reply(&g, &x),
					   twice ? RPC_GRIND_IGNORED
						 : RPC_GRIND_CALL);
			}
		}
		CHECK_EQ_U(g.answered, 28);
		CHECK(g.found);
		CHECK_EQ_U(g.prog, rpc_grind_program(3));
		CHECK_EQ_U(g.low, 2);
		CHECK_EQ_U(g.high, 4);
		CHECK(!rpc_grind_done(&g)); /* the DUMP is still out */
		CHECK_EQ_U(rpc_grind_reply(&g, &d), RPC_GRIND_DUMP);
		CHECK_EQ_U(rpc_grind_reply(&g, &d), RPC_GRIND_IGNORED);
		CHECK(g.dump_ok);
		CHECK(rpc_grind_done(&g));
		/* xids never sent count for nothing. */
		d = reply(0x1000 - 1, RPC_ST_PROG_UNAVAIL, 0, 0);
		CHECK_EQ_U(rpc_grind_reply(&g, &d), RPC_GRIND_IGNORED);
		d = reply(0x1000 + 28, RPC_ST_PROG_UNAVAIL, 0, 0);
		CHECK_EQ_U(rpc_grind_reply(&g, &d), RPC_GRIND_IGNORED);
		CHECK_EQ_U(g.answered, 28);
	}

	CASE("grinding: an absurd version range names no program")
	{
		struct rpc_grind g;
		struct rpc_reply x;

		CHECK(rpc_versions_sane(2, 4));
		CHECK(rpc_versions_sane(7, 7));
		CHECK(rpc_versions_sane(1, 1 + RPC_MAX_VERS_SPAN));
		CHECK(!rpc_versions_sane(1, 2 + RPC_MAX_VERS_SPAN));
		CHECK(!rpc_versions_sane(4, 2));
		CHECK(!rpc_versions_sane(2, 4294967295u));
		rpc_grind_init(&g, 0x2000, 5);
		/* The lab's real reply, its high version made 4294967295. */
		n = load_rpc("rpcbind-null-mismatch.hex", s, sizeof(s));
		CHECK(n == 36);
		s[32] = s[33] = s[34] = s[35] = 0xff;
		CHECK(one_reply(s, n, &used, rec, &x) == 0);
		CHECK_EQ_U(x.high, 4294967295u);
		x.xid = 0x2000;
		CHECK_EQ_U(rpc_grind_reply(&g, &x), RPC_GRIND_CALL);
		CHECK(!g.found);
		/* A believable answer to another call still counts. */
		x = reply(0x2001, RPC_ST_PROG_MISMATCH, 1, 3);
		CHECK_EQ_U(rpc_grind_reply(&g, &x), RPC_GRIND_CALL);
		CHECK(g.found);
		CHECK_EQ_U(g.prog, rpc_grind_program(1));
		CHECK_EQ_U(g.answered, 2);
		/* More calls than xids below the DUMP's are capped. */
		rpc_grind_init(&g, 0, 1000);
		CHECK_EQ_U(g.ncalls, RPC_GRIND_XID_DUMP);
	}

	CASE("DUMP versions: an absurd range is no answer")
	{
		struct rpc_mapping m[3] = {
			{ 100003, 2, 6, 2049 },
			{ 100003, 4294967295u, 6, 2049 },
			{ 100005, 3, 6, 20048 },
		};
		uint32_t lo = 0, hi = 0;

		CHECK(!rpc_dump_versions(m, 3, 100003, 6, 2049, &lo, &hi));
		CHECK(rpc_dump_versions(m, 3, 100005, 6, 20048, &lo, &hi));
		CHECK_EQ_U(lo, 3);
		CHECK_EQ_U(hi, 3);
	}
	return DONE();
}
