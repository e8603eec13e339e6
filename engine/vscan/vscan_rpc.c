/* vscan_rpc.c -- SunRPC grinding: program and versions behind an RPC port. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netstack/base/util.h"
#include "engine/vscan/vscan_int.h"

/*
 * A service that answered like RPC (a match or softmatch naming rpcbind
 * or rpc, or any RPC reply to an RPC call probe) gets one more
 * connection. On it go, pipelined, a NULL call with a version nobody
 * serves for each common program (PROG_MISMATCH names the program and
 * its version range; PROG_UNAVAIL rules it out) and a portmapper DUMP.
 * A DUMP that succeeds lists every program of the host with its ports:
 * the host's later RPC ports are then answered from it without a
 * connection. One round trip per port instead of nmap's one per program.
 */
#define RPC_WAIT_MS 5000
#define RPC_MAX_MAPPINGS 1024

struct vsrpc {
	struct pconn pc;
	int state;          /* the verdict if grinding finds nothing */
	struct rpc_grind t; /* the calls sent and what they drew */
	size_t used;        /* bytes of pc.buf taken as replies */
	int broken;
	uint64_t deadline;
};

static int rpc_named(const char *name)
{
	return strcmp(name, "rpcbind") == 0 || strcmp(name, "rpc") == 0 ||
	       strcmp(name, "oncrpc") == 0 || strcmp(name, "sunrpc") == 0;
}

void vsrpc_note(struct pconn *pc)
{
	uint8_t rec[256];
	size_t rl;
	struct rpc_reply r;

	if (pc->svc->rpc_seen || pc->probe == NULL ||
	    !rpc_is_call(pc->probe->payload, pc->probe->payload_len))
		return;
	if (rpc_record_take(pc->buf, pc->len, rec, sizeof(rec), &rl) > 0 &&
	    rpc_reply_parse(rec, rl, &r) == 0)
		pc->svc->rpc_seen = 1;
}

static const struct vs_dump *host_dump(const struct vs *v,
				       const struct addr *addr)
{
	for (size_t i = 0; i < v->ndumps; i++)
		if (addr_eq(&v->dumps[i].addr, addr))
			return &v->dumps[i];
	return NULL;
}

/* The answer nmap prints for an RPC program: "2-4 (RPC #100000)". */
static void set_answer(struct service *sv, uint32_t prog, uint32_t lo,
		       uint32_t hi)
{
	struct svc_answer a;
	const char *name = rpc_program_name(prog);

	memset(&a, 0, sizeof(a));
	a.kind = SVC_HARD;
	if (name == NULL)
		name = sv->best.kind == SVC_HARD ? sv->best.service
		       : sv->have_soft           ? sv->soft.service
						 : "rpc";
	snprintf(a.service, sizeof(a.service), "%s", name);
	if (lo == hi)
		snprintf(a.version, sizeof(a.version), "%u", lo);
	else
		snprintf(a.version, sizeof(a.version), "%u-%u", lo, hi);
	snprintf(a.info, sizeof(a.info), "RPC #%u", prog);
	sv->best = a;
	sv->out->rpc_prog = prog;
	sv->out->rpc_low = lo;
	sv->out->rpc_high = hi;
}

int vsrpc_begin(struct service *sv, int state)
{
	struct vs *v = sv->vs;
	const struct vs_dump *d;
	struct vsrpc *g;
	uint32_t prog, lo = 0, hi = 0;
	uint64_t now = vs_now_ms();
	int named = (state == VS_MATCHED && rpc_named(sv->best.service)) ||
		    (state == VS_SOFT && rpc_named(sv->soft.service));

	if (sv->rpc || sv->tunnel || (!named && !sv->rpc_seen))
		return 0;
	/* The host's rpcbind already told us what listens here. */
	d = host_dump(v, &sv->out->addr);
	if (d && (prog = rpc_dump_program(d->m, d->n, 6, sv->out->port)) &&
	    rpc_dump_versions(d->m, d->n, prog, 6, sv->out->port, &lo, &hi)) {
		set_answer(sv, prog, lo, hi);
		vs_finish(sv, VS_MATCHED);
		return 1;
	}
	g = xcalloc(1, sizeof(*g));
	g->state = state;
	g->pc.svc = sv;
	g->pc.is_rpc = 1;
	rpc_grind_init(&g->t, (uint32_t)now_ns() & 0xffffff00u, 0);
	g->deadline = now + RPC_WAIT_MS;
	sv->rpc = g;
	g->pc.conn = vs_conn_open(v, sv, &g->pc, now);
	if (g->pc.conn == NULL)
		g->broken = 1;
	return 1;
}

/* Sends every grinding call and the DUMP in one write. */
static void send_calls(struct vsrpc *g, uint64_t now)
{
	size_t n = rpc_grind_count(), k = 0;
	uint8_t *out = xmalloc((n + 1) * RPC_CALL_LEN);

	for (size_t i = 0; i < n && i < RPC_GRIND_XID_DUMP; i++)
		k += rpc_call_encode(out + k, RPC_CALL_LEN,
				     g->t.xid + (uint32_t)i,
				     rpc_grind_program(i), RPC_BOGUS_VERS, 0);
	rpc_grind_init(&g->t, g->t.xid, k / RPC_CALL_LEN);
	k += rpc_call_encode(out + k, RPC_CALL_LEN,
			     g->t.xid + RPC_GRIND_XID_DUMP, RPC_PROG_PORTMAP, 2,
			     RPC_PMAP_DUMP);
	if (vs_conn_send(g->pc.svc->vs, g->pc.conn, out, k, now) < 0)
		g->broken = 1;
	free(out);
}

static void keep_dump(struct vs *v, const struct addr *addr,
		      const struct rpc_reply *r)
{
	struct rpc_mapping *m = xcalloc(RPC_MAX_MAPPINGS, sizeof(*m));
	int n = rpc_dump_parse(r->body, r->body_len, m, RPC_MAX_MAPPINGS);

	if (n <= 0 || host_dump(v, addr)) {
		free(m);
		return;
	}
	v->dumps = xrealloc(v->dumps, (v->ndumps + 1) * sizeof(*v->dumps));
	v->dumps[v->ndumps].addr = *addr;
	v->dumps[v->ndumps].m = m;
	v->dumps[v->ndumps].n = n < RPC_MAX_MAPPINGS ? (size_t)n
						     : RPC_MAX_MAPPINGS;
	v->ndumps++;
}

/* Reads every complete reply received so far. */
static void take_replies(struct vsrpc *g)
{
	struct pconn *pc = &g->pc;
	static const size_t cap = VS_MAX_RESP;
	uint8_t *rec = xmalloc(cap);

	for (;;) {
		struct rpc_reply r;
		size_t rl;
		long used = rpc_record_take(pc->buf + g->used,
					    pc->len - g->used, rec, cap, &rl);

		if (used == 0)
			break;
		if (used < 0 || rpc_reply_parse(rec, rl, &r) < 0) {
			g->broken = 1; /* not RPC after all */
			break;
		}
		g->used += (size_t)used;
		/* Counted per call, not per reply: see rpc_grind_reply(). */
		if (rpc_grind_reply(&g->t, &r) == RPC_GRIND_DUMP)
			keep_dump(pc->svc->vs, &pc->svc->out->addr, &r);
	}
	free(rec);
}

void vsrpc_event(struct pconn *pc, enum tcp_event ev, const uint8_t *data,
		 size_t len)
{
	struct vsrpc *g = pc->svc->rpc;
	uint64_t now = vs_now_ms();

	switch (ev) {
	case TCP_EV_CONNECTED:
		pc->connected_at = now;
		send_calls(g, now);
		break;
	case TCP_EV_DATA:
		vs_append(pc, data, len);
		take_replies(g);
		if (pc->len >= VS_MAX_RESP)
			pc->concluded = 1;
		break;
	case TCP_EV_EOF:
	case TCP_EV_RESET:
	case TCP_EV_TIMEOUT:
	case TCP_EV_LIMIT:
		pc->concluded = 1;
		break;
	case TCP_EV_CLOSED:
		pc->conn = NULL;
		pc->closed = 1;
		pc->concluded = 1;
		break;
	}
}

void vsrpc_evaluate(struct service *sv, uint64_t now)
{
	struct vsrpc *g = sv->rpc;
	struct pconn *pc = &g->pc;

	if (!pc->concluded && !g->broken && now < g->deadline &&
	    !rpc_grind_done(&g->t))
		return;
	if (pc->conn && !pc->closed)
		vs_conn_abort(sv->vs, pc->conn, now);
	if (sv->vs->o->version_trace) {
		char a[ADDR_STRLEN];
		const struct vs_dump *d = host_dump(sv->vs, &sv->out->addr);

		addr_format(&sv->out->addr, a);
		fprintf(stderr,
			"Service scan: RPC grind %s:%u: %zu of %zu calls "
			"answered, program %u versions %u-%u, DUMP %s (%zu "
			"mappings)\n",
			a, sv->out->port, g->t.answered, g->t.ncalls, g->t.prog,
			g->t.low, g->t.high,
			g->t.dump_ok         ? "answered"
			: g->t.dump_answered ? "refused"
					     : "unanswered",
			d ? d->n : 0);
	}
	if (g->t.found) {
		set_answer(sv, g->t.prog, g->t.low, g->t.high);
		vs_finish(sv, VS_MATCHED);
	} else {
		vs_finish(sv, g->state);
	}
}

void vsrpc_free(struct service *sv)
{
	if (sv->rpc == NULL)
		return;
	free(sv->rpc->pc.buf);
	free(sv->rpc);
	sv->rpc = NULL;
}

void vsrpc_dumps_free(struct vs *v)
{
	for (size_t i = 0; i < v->ndumps; i++)
		free(v->dumps[i].m);
	free(v->dumps);
	v->dumps = NULL;
	v->ndumps = 0;
}
