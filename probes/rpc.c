/* rpc.c -- ONC RPC (RFC 5531) calls and replies over TCP record marking. */
#include "probes/rpc.h"

#include <string.h>

#define RPC_CALL 0u
#define RPC_REPLY 1u
#define RPC_MSG_ACCEPTED 0u
#define RPC_MSG_DENIED 1u
#define RPC_AUTH_MAX 400 /* RFC 5531: opaque_auth bodies are <= 400 bytes */

/*
 * Program numbers and names as /etc/rpc and rpcinfo give them; the first
 * ones are those a Unix host most often serves over TCP, so grinding
 * tries them first. rpcbind is named "rpcbind" (nmap's name for the
 * service on port 111), not "portmapper".
 */
static const struct {
	uint32_t prog;
	const char *name;
} programs[] = {
	{ 100000, "rpcbind" }, { 100003, "nfs" },
	{ 100005, "mountd" },  { 100021, "nlockmgr" },
	{ 100024, "status" },  { 100227, "nfs_acl" },
	{ 100011, "rquotad" }, { 100004, "ypserv" },
	{ 100007, "ypbind" },  { 100009, "yppasswdd" },
	{ 100069, "ypxfrd" },  { 100001, "rstatd" },
	{ 100002, "rusersd" }, { 100008, "walld" },
	{ 100012, "sprayd" },  { 100026, "bootparam" },
	{ 100029, "keyserv" }, { 100028, "ypupdated" },
	{ 100068, "cmsd" },    { 100083, "ttdbserverd" },
	{ 100232, "sadmind" }, { 150001, "pcnfsd" },
	{ 300019, "amd" },     { 391002, "sgi_fam" },
	{ 100017, "rexd" },    { 100020, "llockmgr" },
	{ 100023, "statmon" }, { 100010, "etherstatd" },
};

#define NPROGRAMS (sizeof(programs) / sizeof(programs[0]))

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

size_t rpc_call_encode(uint8_t *out, size_t cap, uint32_t xid, uint32_t prog,
		       uint32_t vers, uint32_t proc)
{
	if (cap < RPC_CALL_LEN)
		return 0;
	memset(out, 0, RPC_CALL_LEN);
	put32(out, 0x80000000u | (RPC_CALL_LEN - 4)); /* one last fragment */
	put32(out + 4, xid);
	put32(out + 8, RPC_CALL);
	put32(out + 12, 2); /* RPC version */
	put32(out + 16, prog);
	put32(out + 20, vers);
	put32(out + 24, proc);
	/* cred and verf: AUTH_NONE (0), length 0: already zero. */
	return RPC_CALL_LEN;
}

int rpc_is_call(const uint8_t *d, size_t len)
{
	uint32_t mark;

	if (d == NULL || len < RPC_CALL_LEN)
		return 0;
	mark = get32(d);
	return (mark & 0x80000000u) && (mark & 0x7fffffffu) == len - 4 &&
	       get32(d + 8) == RPC_CALL && get32(d + 12) == 2;
}

long rpc_record_take(const uint8_t *d, size_t len, uint8_t *rec, size_t cap,
		     size_t *rec_len)
{
	size_t off = 0, got = 0;

	*rec_len = 0;
	for (;;) {
		uint32_t mark, flen;

		if (len - off < 4)
			return 0;
		mark = get32(d + off);
		flen = mark & 0x7fffffffu;
		if (flen > RPC_MAX_RECORD || flen > cap - got)
			return -1;
		if (len - off - 4 < flen)
			return 0;
		memcpy(rec + got, d + off + 4, flen);
		got += flen;
		off += 4 + (size_t)flen;
		if (mark & 0x80000000u)
			break;
		/* An empty non-final fragment would let a peer spin us. */
		if (flen == 0)
			return -1;
	}
	*rec_len = got;
	return (long)off;
}

int rpc_reply_parse(const uint8_t *rec, size_t len, struct rpc_reply *r)
{
	size_t off;
	uint32_t stat;

	memset(r, 0, sizeof(*r));
	if (rec == NULL || len < 12 || get32(rec + 4) != RPC_REPLY)
		return -1;
	r->xid = get32(rec);
	if (get32(rec + 8) == RPC_MSG_DENIED) {
		if (len < 16)
			return -1;
		stat = get32(rec + 12);
		if (stat == 0) { /* RPC_MISMATCH */
			if (len < 24)
				return -1;
			r->status = RPC_ST_DENIED_VERS;
			r->low = get32(rec + 16);
			r->high = get32(rec + 20);
			return 0;
		}
		if (stat != 1)
			return -1;
		r->status = RPC_ST_DENIED_AUTH;
		return 0;
	}
	if (get32(rec + 8) != RPC_MSG_ACCEPTED || len < 24)
		return -1;
	/* verf: flavor, length, body padded to 4 bytes */
	{
		uint32_t vlen = get32(rec + 16);

		if (vlen > RPC_AUTH_MAX)
			return -1;
		off = 20 + (((size_t)vlen + 3) & ~(size_t)3);
	}
	if (len < off + 4)
		return -1;
	stat = get32(rec + off);
	off += 4;
	if (stat > RPC_ST_SYSTEM_ERR)
		return -1;
	r->status = (int)stat;
	if (stat == RPC_ST_PROG_MISMATCH) {
		if (len < off + 8)
			return -1;
		r->low = get32(rec + off);
		r->high = get32(rec + off + 4);
		if (r->low > r->high)
			return -1;
	} else if (stat == RPC_ST_SUCCESS) {
		r->body = rec + off;
		r->body_len = len - off;
	}
	return 0;
}

int rpc_dump_parse(const uint8_t *body, size_t len, struct rpc_mapping *out,
		   size_t max)
{
	size_t off = 0;
	int n = 0;

	for (;;) {
		uint32_t more;

		if (len - off < 4)
			return -1;
		more = get32(body + off);
		off += 4;
		if (more == 0)
			return n;
		if (more != 1 || len - off < 16 || n == 1 << 20)
			return -1;
		if ((size_t)n < max) {
			out[n].prog = get32(body + off);
			out[n].vers = get32(body + off + 4);
			out[n].proto = get32(body + off + 8);
			out[n].port = get32(body + off + 12);
		}
		n++;
		off += 16;
	}
}

int rpc_dump_versions(const struct rpc_mapping *m, size_t n, uint32_t prog,
		      uint32_t proto, uint16_t port, uint32_t *low,
		      uint32_t *high)
{
	int found = 0;

	for (size_t i = 0; i < n; i++) {
		if (m[i].prog != prog || m[i].proto != proto ||
		    (port && m[i].port != port))
			continue;
		if (!found || m[i].vers < *low)
			*low = m[i].vers;
		if (!found || m[i].vers > *high)
			*high = m[i].vers;
		found = 1;
	}
	return found && rpc_versions_sane(*low, *high);
}

uint32_t rpc_dump_program(const struct rpc_mapping *m, size_t n, uint32_t proto,
			  uint16_t port)
{
	for (size_t i = 0; i < n; i++)
		if (m[i].proto == proto && m[i].port == port)
			return m[i].prog;
	return 0;
}

int rpc_versions_sane(uint32_t low, uint32_t high)
{
	return low <= high && high - low <= RPC_MAX_VERS_SPAN;
}

void rpc_grind_init(struct rpc_grind *g, uint32_t xid, size_t ncalls)
{
	memset(g, 0, sizeof(*g));
	g->xid = xid;
	g->ncalls = ncalls < RPC_GRIND_XID_DUMP ? ncalls : RPC_GRIND_XID_DUMP;
}

int rpc_grind_reply(struct rpc_grind *g, const struct rpc_reply *r)
{
	uint32_t i = r->xid - g->xid;

	if (i == RPC_GRIND_XID_DUMP) {
		if (g->dump_answered)
			return RPC_GRIND_IGNORED;
		g->dump_answered = 1;
		g->dump_ok = r->status == RPC_ST_SUCCESS;
		return g->dump_ok ? RPC_GRIND_DUMP : RPC_GRIND_IGNORED;
	}
	if (i >= g->ncalls || (g->seen[i / 8] >> (i % 8)) & 1)
		return RPC_GRIND_IGNORED;
	g->seen[i / 8] |= (uint8_t)(1u << (i % 8));
	g->answered++;
	if (r->status == RPC_ST_PROG_MISMATCH && !g->found &&
	    rpc_versions_sane(r->low, r->high)) {
		g->found = 1;
		g->prog = rpc_grind_program(i);
		g->low = r->low;
		g->high = r->high;
	}
	return RPC_GRIND_CALL;
}

int rpc_grind_done(const struct rpc_grind *g)
{
	return g->ncalls > 0 && g->answered >= g->ncalls && g->dump_answered;
}

size_t rpc_grind_count(void)
{
	return NPROGRAMS;
}

uint32_t rpc_grind_program(size_t i)
{
	return i < NPROGRAMS ? programs[i].prog : 0;
}

const char *rpc_program_name(uint32_t prog)
{
	for (size_t i = 0; i < NPROGRAMS; i++)
		if (programs[i].prog == prog)
			return programs[i].name;
	return NULL;
}
