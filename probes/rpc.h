/* rpc.h -- ONC RPC (RFC 5531) calls and replies over TCP record marking. */
#ifndef FATHOM_RPC_H
#define FATHOM_RPC_H

#include <stddef.h>
#include <stdint.h>

/*
 * Pure encoders and decoders of bytes for SunRPC grinding: no sockets, no
 * clock, no allocation. Every decoder takes untrusted bytes and either
 * fills its output or returns an error; it never reads past len.
 *
 * Grinding: a NULL call (procedure 0) to program P with a version no
 * server implements is answered MSG_ACCEPTED/PROG_UNAVAIL when P is not
 * served on that port and MSG_ACCEPTED/PROG_MISMATCH with the lowest and
 * highest version it serves when it is.
 */

#define RPC_PROG_PORTMAP 100000u
#define RPC_PMAP_DUMP 4u           /* portmapper version 2, PMAPPROC_DUMP */
#define RPC_BOGUS_VERS 0x9e3779b1u /* no real program serves this */
#define RPC_CALL_LEN 44            /* record mark + a call without arguments */
#define RPC_MAX_RECORD 65536       /* a reply longer than this is refused */

enum rpc_status {
	RPC_ST_SUCCESS = 0,       /* accepted, procedure ran; body follows */
	RPC_ST_PROG_UNAVAIL = 1,  /* program not served here */
	RPC_ST_PROG_MISMATCH = 2, /* program served: low..high versions */
	RPC_ST_PROC_UNAVAIL = 3,
	RPC_ST_GARBAGE_ARGS = 4,
	RPC_ST_SYSTEM_ERR = 5,
	RPC_ST_DENIED_VERS = 16, /* MSG_DENIED, RPC_MISMATCH: low..high */
	RPC_ST_DENIED_AUTH = 17, /* MSG_DENIED, AUTH_ERROR */
};

struct rpc_reply {
	uint32_t xid;
	int status;          /* enum rpc_status */
	uint32_t low, high;  /* PROG_MISMATCH / DENIED_VERS */
	const uint8_t *body; /* SUCCESS: the procedure's results */
	size_t body_len;
};

/* One rpcbind/portmapper mapping (pmap), as DUMP lists them. */
struct rpc_mapping {
	uint32_t prog, vers, proto, port; /* proto 6 tcp, 17 udp */
};

/*
 * Writes a record-marked CALL (RPC version 2, AUTH_NONE credentials and
 * verifier, no arguments) to out. Returns RPC_CALL_LEN, or 0 if cap is
 * too small.
 */
size_t rpc_call_encode(uint8_t *out, size_t cap, uint32_t xid, uint32_t prog,
		       uint32_t vers, uint32_t proc);

/*
 * 1 if d (record mark included) is one whole, single-fragment RPC CALL
 * message (how a probe payload is recognised as RPC), else 0.
 */
int rpc_is_call(const uint8_t *d, size_t len);

/*
 * Takes the first complete record from a TCP byte stream d[0..len): its
 * fragments (4-byte marks, high bit on the last) are joined into
 * rec[0..cap) and *rec_len is set. Returns the stream bytes the record
 * used (> 0), 0 if more bytes are needed, -1 if the stream is not record
 * marked RPC (a fragment or record larger than cap or RPC_MAX_RECORD).
 */
long rpc_record_take(const uint8_t *d, size_t len, uint8_t *rec, size_t cap,
		     size_t *rec_len);

/*
 * Parses one record's bytes as a REPLY. Returns 0 with *r filled (body
 * points into rec), or -1 if it is not a well-formed RPC reply.
 */
int rpc_reply_parse(const uint8_t *rec, size_t len, struct rpc_reply *r);

/*
 * Parses a PMAPPROC_DUMP result (a "value follows" list of mappings) into
 * out[0..max). Returns the number of mappings (entries past max are
 * skipped but still checked), or -1 if the list is malformed.
 */
int rpc_dump_parse(const uint8_t *body, size_t len, struct rpc_mapping *out,
		   size_t max);

/*
 * The versions of prog served over proto according to a DUMP list:
 * returns 1 with *low and *high, or 0 if prog is not listed for that port
 * (port 0: any port) or its versions are no believable range
 * (rpc_versions_sane()).
 */
int rpc_dump_versions(const struct rpc_mapping *m, size_t n, uint32_t prog,
		      uint32_t proto, uint16_t port, uint32_t *low,
		      uint32_t *high);
/* The program registered for proto/port in a DUMP list, or 0. */
uint32_t rpc_dump_program(const struct rpc_mapping *m, size_t n, uint32_t proto,
			  uint16_t port);

/*
 * The widest version range believed: real programs serve a handful
 * (nfs 2-4, nlockmgr 1-4); a peer claiming 2-4294967295 is broken or
 * lying, and its answer names no version at all.
 */
#define RPC_MAX_VERS_SPAN 64

/* 1 if low..high is a believable version range (low <= high, narrow). */
int rpc_versions_sane(uint32_t low, uint32_t high);

/*
 * One port's grinding tally. Call i (i < ncalls) goes out with xid
 * base + i, the DUMP with base + RPC_GRIND_XID_DUMP. Each call counts
 * once however often it is answered (a peer may answer every call
 * twice): the first answer to an xid is the one believed, and the
 * program is the first call answered PROG_MISMATCH with a believable
 * range.
 */
#define RPC_GRIND_XID_DUMP 0xffu
struct rpc_grind {
	uint32_t xid;                             /* base; low byte 0 */
	size_t ncalls;                            /* <= RPC_GRIND_XID_DUMP */
	size_t answered;                          /* distinct calls answered */
	uint8_t seen[RPC_GRIND_XID_DUMP / 8 + 1]; /* by call index */
	int dump_answered, dump_ok;
	int found;
	uint32_t prog, low, high; /* when found */
};

enum rpc_grind_what {
	RPC_GRIND_IGNORED, /* an unknown xid, or one already answered */
	RPC_GRIND_CALL,    /* the first answer to a grinding call */
	RPC_GRIND_DUMP,    /* the first DUMP answer, a SUCCESS: keep r->body */
};

/* Starts a tally for ncalls calls (capped at RPC_GRIND_XID_DUMP) at xid. */
void rpc_grind_init(struct rpc_grind *g, uint32_t xid, size_t ncalls);

/* Counts reply r; returns enum rpc_grind_what. */
int rpc_grind_reply(struct rpc_grind *g, const struct rpc_reply *r);

/* 1 once every call and the DUMP have been answered. */
int rpc_grind_done(const struct rpc_grind *g);

/* The common programs ground on an unknown port, in the order tried. */
size_t rpc_grind_count(void);
uint32_t rpc_grind_program(size_t i);

/* The usual name of program number prog ("nfs", "mountd"), or NULL. */
const char *rpc_program_name(uint32_t prog);

#endif
