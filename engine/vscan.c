/* vscan.c -- version detection over fathom's userspace TCP (and TLS). */
#include "engine/vscan.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "config.h"
#include "engine/progress.h"
#include "engine/util.h"
#include "netstack/packet.h"
#include "netstack/pktio.h"
#include "netstack/rstguard.h"
#include "netstack/tcp.h"
#include "probes/svcfp.h"
#include "probes/tls.h"

/* fathom's connection ports: above the sweep's 61000-62023. */
#define VS_PORT_LO 62100
#define VS_PORT_HI 65500
/*
 * Services probed at once. Each holds 2-6 connections in phase 1; at 512
 * the crowd's single sshd (listen backlog 128, a fork per connection)
 * dropped handshakes and 32 of 256 ssh services came out unnamed; at 128
 * all 512 services of the sv-crowd benchmark are named.
 */
#define VS_MAX_SERVICES 128
#define VS_PHASE2_PAR 3       /* rarity probes in flight per service */
#define VS_MAX_RESP 16384     /* bytes kept per probe response */
#define VS_CONNECT_MS 5000
/*
 * Once a plain-text probe has a hard answer, a TLS probe that has heard
 * nothing for this long is not talking to TLS: a TLS server answers a
 * ClientHello at once, and waiting its full 5 s would stall every
 * plain-text service that ignores the hello (redis, most databases).
 */
#define VS_TLS_GRACE_MS 1000
/*
 * A NULL probe that has heard nothing for this long keeps listening (a
 * slow greeter is still named by it), but the next probes start beside it
 * instead of after its full wait: this is where nmap spends most of -sV.
 */
#define VS_NULL_GRACE_MS 1000

struct vs;
struct service;

/* One probe on its own connection. */
struct pconn {
	struct service *svc;
	const struct svc_probe *probe;
	int rank;              /* file order: earlier probes take precedence */
	struct tcp_conn *tc;
	struct tls_conn *tls;
	uint8_t *buf;
	size_t len;
	uint64_t deadline;     /* ms */
	uint64_t connected_at; /* ms, 0 until connected */
	int sent, concluded, closed, got_eof, reset, tls_failed, fp_added;
	int is_tls_probe;
	struct pconn *next;    /* in the service's list */
};

struct service {
	struct vs *vs;
	struct svc_result *out;
	const uint8_t *mac;
	int tunnel;            /* probing through TLS */
	int tls_gave_up;       /* TLS did not work: plain only (nmap #2528) */
	int phase;             /* 1 parallel start, 2 by rarity */
	size_t next_probe;     /* phase 2 position in the DB */
	int done, dirty;
	struct svc_answer best; /* hard match candidate */
	int best_rank;
	struct svc_answer soft;
	int have_soft;
	struct svcfp fp;
	int fp_used;
	struct pconn *conns;
	struct service *next_dirty;
};

struct vs {
	struct scan *s;
	const struct scan_opts *o;
	const struct svcdb *db;
	struct pktio *io;
	struct tcp_stack *tcp;
	struct tls_ctx *tls;
	struct service *svcs;
	size_t nsvc, next_start, active, finished;
	struct service *dirty;
	uint16_t next_port;
	uint64_t rng;
	const struct svc_probe **tls_probes;
	size_t ntls;
	_Atomic uint64_t ndone; /* for status lines (progress_task_get) */
};

static uint64_t now_ms(void)
{
	return now_ns() / 1000000ull;
}

static uint32_t rnd32(struct vs *v)
{
	v->rng ^= v->rng << 13;
	v->rng ^= v->rng >> 7;
	v->rng ^= v->rng << 17;
	return (uint32_t)(v->rng >> 16);
}

static void mark_dirty(struct service *sv)
{
	if (sv->dirty || sv->done)
		return;
	sv->dirty = 1;
	sv->next_dirty = sv->vs->dirty;
	sv->vs->dirty = sv;
}

static int xmit(void *arg, const uint8_t *frame, size_t len)
{
	struct vs *v = arg;
	struct iovec iov = { (void *)frame, len };

	return pktio_send(v->io, &iov, 1) == 1 ? 0 : -1;
}

static void trace(struct vs *v, const struct pconn *pc, const char *what)
{
	char a[INET_ADDRSTRLEN];
	struct in_addr in = { .s_addr = htonl(pc->svc->out->addr) };

	if (!v->o->version_trace)
		return;
	inet_ntop(AF_INET, &in, a, sizeof(a));
	progress_clear();
	fprintf(stderr, "Service scan: %.3fs %s:%u %s%s %s (%zu bytes)\n",
		(now_ns() - v->s->st.start_ns) / 1e9, a, pc->svc->out->port,
		pc->svc->tunnel ? "ssl/" : "", pc->probe->name, what, pc->len);
}

/* Sends the probe's payload (through TLS when tunnelling). */
static void send_payload(struct pconn *pc, uint64_t now)
{
	const struct svc_probe *p = pc->probe;

	if (pc->sent)
		return;
	pc->sent = 1;
	pc->deadline = now + p->totalwaitms;
	if (p->payload_len == 0)
		return;
	if (pc->tls) {
		uint8_t out[16384];
		size_t n;

		if (tls_write(pc->tls, p->payload, p->payload_len) < 0)
			return;
		while ((n = tls_take(pc->tls, out, sizeof(out))) > 0)
			tcp_send(pc->tc, out, n, now);
	} else {
		tcp_send(pc->tc, p->payload, p->payload_len, now);
	}
}

static void append(struct pconn *pc, const uint8_t *d, size_t n)
{
	if (pc->buf == NULL)
		pc->buf = xmalloc(VS_MAX_RESP);
	if (n > VS_MAX_RESP - pc->len)
		n = VS_MAX_RESP - pc->len;
	memcpy(pc->buf + pc->len, d, n);
	pc->len += n;
}

/* Runs the matcher on what the probe has so far. */
static void try_match(struct pconn *pc)
{
	struct service *sv = pc->svc;
	struct svc_answer a;
	int k;

	if (pc->len == 0 || pc->concluded)
		return;
	k = svcmatch_run(sv->vs->db, pc->probe, pc->buf, pc->len,
			 sv->have_soft ? sv->soft.service : NULL, &a);
	if (k == SVC_HARD) {
		/*
		 * TLS outranks everything said in plain text: a plain probe
		 * answered by an HTTPS server's "400 plain HTTP" page must not
		 * hide the tunnel.
		 */
		int tls = !sv->tunnel && strcmp(a.service, "ssl") == 0;

		if (tls || sv->best.kind != SVC_HARD ||
		    (pc->rank < sv->best_rank &&
		     strcmp(sv->best.service, "ssl") != 0)) {
			sv->best = a;
			sv->best_rank = pc->rank;
		}
		pc->concluded = 1;
		trace(sv->vs, pc, "matched");
		mark_dirty(sv);
	} else if (k == SVC_SOFT && !sv->have_soft) {
		sv->soft = a;
		sv->have_soft = 1;
		trace(sv->vs, pc, "softmatched");
		mark_dirty(sv);
	}
}

/* TLS: move ciphertext both ways, plaintext into the buffer. */
static void tls_pump(struct pconn *pc, uint64_t now)
{
	uint8_t buf[16384];
	size_t n;
	enum tls_state st = tls_step(pc->tls);

	while ((n = tls_take(pc->tls, buf, sizeof(buf))) > 0)
		tcp_send(pc->tc, buf, n, now);
	if (st == TLS_FAILED) {
		pc->tls_failed = 1;
		pc->concluded = 1;
		mark_dirty(pc->svc);
		return;
	}
	if (st == TLS_OPEN) {
		if (!pc->sent)
			send_payload(pc, now);
		while ((n = tls_read(pc->tls, buf, sizeof(buf))) > 0)
			append(pc, buf, n);
	}
}

static void on_tcp(struct tcp_conn *c, enum tcp_event ev, const uint8_t *data,
		   size_t len, void *user)
{
	struct pconn *pc = user;
	uint64_t now = now_ms();

	(void)c;
	switch (ev) {
	case TCP_EV_CONNECTED:
		pc->connected_at = now;
		if (pc->svc->tunnel) {
			pc->tls = tls_conn_new(pc->svc->vs->tls,
					       targets_name(pc->svc->vs->o->targets,
							    pc->svc->out->addr));
			pc->deadline = now + VS_CONNECT_MS;
			if (pc->tls)
				tls_pump(pc, now);
		} else {
			send_payload(pc, now);
		}
		break;
	case TCP_EV_DATA:
		if (pc->tls) {
			tls_feed(pc->tls, data, len);
			tls_pump(pc, now);
		} else {
			append(pc, data, len);
		}
		try_match(pc);
		/* A TLS probe answered by something that is not TLS. */
		if (pc->is_tls_probe && pc->len && pc->buf[0] != 0x16 &&
		    pc->buf[0] != 0x15)
			pc->concluded = 1;
		if (pc->len >= VS_MAX_RESP)
			pc->concluded = 1;
		break;
	case TCP_EV_EOF:
		pc->got_eof = 1;
		pc->concluded = 1;
		break;
	case TCP_EV_RESET:
	case TCP_EV_TIMEOUT:
	case TCP_EV_LIMIT:
		pc->reset = ev == TCP_EV_RESET;
		pc->concluded = 1;
		break;
	case TCP_EV_CLOSED:
		pc->tc = NULL;
		pc->closed = 1;
		pc->concluded = 1;
		break;
	}
	mark_dirty(pc->svc);
}

static int start_probe(struct service *sv, const struct svc_probe *p,
		       int rank, int is_tls_probe)
{
	struct vs *v = sv->vs;
	struct pconn *pc = xmalloc(sizeof(*pc));
	uint64_t now = now_ms();

	pc->svc = sv;
	pc->probe = p;
	pc->rank = rank;
	pc->is_tls_probe = is_tls_probe;
	pc->deadline = now + VS_CONNECT_MS;
	/* A free 4-tuple: ports rotate through fathom's range. */
	for (int tries = 0; tries < 64 && pc->tc == NULL; tries++) {
		uint16_t sport = v->next_port++;

		if (v->next_port > VS_PORT_HI)
			v->next_port = VS_PORT_LO;
		pc->tc = tcp_connect(v->tcp, sv->out->addr, sv->out->port,
				     sport, rnd32(v), sv->mac, pc, now);
	}
	if (pc->tc == NULL) {
		free(pc);
		return -1;
	}
	pc->next = sv->conns;
	sv->conns = pc;
	return 0;
}

static int probe_rank(const struct vs *v, const struct svc_probe *p)
{
	if (p == svcdb_null_probe(v->db))
		return 0;
	/* TLS probes rank as they stand in the file, before the others. */
	for (size_t i = 0; i < svcdb_nprobes(v->db); i++)
		if (svcdb_probe(v->db, i) == p)
			return (int)i + 1;
	return 1 << 20;
}

static int is_tls_probe(const struct vs *v, const struct svc_probe *p)
{
	for (size_t i = 0; i < v->ntls; i++)
		if (v->tls_probes[i] == p)
			return 1;
	return 0;
}

/* Phase 1: NULL, the TLS-detecting probes, the port's favoured probes. */
static void phase1(struct service *sv)
{
	struct vs *v = sv->vs;
	const struct svc_probe *null = svcdb_null_probe(v->db);
	uint16_t port = sv->out->port;

	sv->phase = 1;
	sv->next_probe = 0;
	if (null)
		start_probe(sv, null, 0, 0);
	if (!sv->tunnel && !sv->tls_gave_up)
		for (size_t i = 0; i < v->ntls; i++)
			start_probe(sv, v->tls_probes[i],
				    probe_rank(v, v->tls_probes[i]), 1);
	for (size_t i = 0; i < svcdb_nprobes(v->db); i++) {
		const struct svc_probe *p = svcdb_probe(v->db, i);

		if (p->proto != IPPROTO_TCP || is_tls_probe(v, p))
			continue;
		if (svc_probe_port_listed(p, port, sv->tunnel))
			start_probe(sv, p, (int)i + 1, 0);
	}
}

static int already_tried(const struct service *sv, const struct svc_probe *p)
{
	for (const struct pconn *pc = sv->conns; pc; pc = pc->next)
		if (pc->probe == p)
			return 1;
	return 0;
}

/* Phase 2: the next probes by file order within the intensity. */
static void phase2_fill(struct service *sv)
{
	struct vs *v = sv->vs;
	int inflight = 0;

	for (const struct pconn *pc = sv->conns; pc; pc = pc->next)
		inflight += !pc->concluded;
	while (inflight < VS_PHASE2_PAR &&
	       sv->next_probe < svcdb_nprobes(v->db)) {
		const struct svc_probe *p = svcdb_probe(v->db, sv->next_probe);
		/* After every port-favoured probe, as nmap orders them. */
		int rank = (int)(svcdb_nprobes(v->db) + sv->next_probe) + 1;

		sv->next_probe++;
		if (p->proto != IPPROTO_TCP || already_tried(sv, p))
			continue;
		if (sv->tunnel && is_tls_probe(v, p))
			continue;
		if (sv->have_soft && v->o->version_intensity < 9) {
			/* Only probes that can confirm the softmatch. */
			if (!svc_probe_can_match(p, sv->soft.service))
				continue;
		} else if (p->rarity > v->o->version_intensity) {
			continue;
		}
		if (start_probe(sv, p, rank, 0) == 0)
			inflight++;
	}
}

static void close_all(struct service *sv)
{
	uint64_t now = now_ms();

	for (struct pconn *pc = sv->conns; pc; pc = pc->next)
		if (pc->tc && !pc->closed)
			tcp_abort(pc->tc, now);
}

static void free_conns(struct service *sv)
{
	struct pconn *pc = sv->conns, *nx;

	for (; pc; pc = nx) {
		nx = pc->next;
		tls_conn_free(pc->tls);
		free(pc->buf);
		free(pc);
	}
	sv->conns = NULL;
}

/* Frees the probe connections whose TCP connection has ended. */
static void reap(struct service *sv)
{
	struct pconn **pp = &sv->conns;

	while (*pp) {
		struct pconn *pc = *pp;

		if (pc->closed && (sv->done || pc->fp_added || pc->len == 0 ||
				   pc->rank >= (1 << 21))) {
			*pp = pc->next;
			tls_conn_free(pc->tls);
			free(pc->buf);
			free(pc);
		} else {
			pp = &pc->next;
		}
	}
}

/* Tells the scan when the last open port of sv's host is answered. */
static void host_check(struct service *sv)
{
	struct vs *v = sv->vs;
	size_t i = (size_t)(sv - v->svcs), a = i, b = i;
	uint32_t addr = sv->out->addr;

	if (v->s->host_done == NULL)
		return;
	/* Sorted by address: the host's services are neighbours. */
	while (a > 0 && v->svcs[a - 1].out->addr == addr)
		a--;
	while (b + 1 < v->nsvc && v->svcs[b + 1].out->addr == addr)
		b++;
	for (size_t k = a; k <= b; k++)
		if (!v->svcs[k].done)
			return;
	v->s->host_done(v->s->host_done_arg, addr);
}

static void finish(struct service *sv, int state)
{
	struct svc_result *r = sv->out;

	if (sv->done)
		return;
	r->state = (uint8_t)state;
	r->tunnel = (uint8_t)sv->tunnel;
	if (state == VS_MATCHED)
		r->ans = sv->best;
	else if (state == VS_SOFT)
		r->ans = sv->soft;
	if (state != VS_MATCHED && sv->fp_used &&
	    sv->vs->o->version_intensity >= 7)
		r->fp = xstrdup(svcfp_text(&sv->fp));
	svcfp_free(&sv->fp);
	sv->done = 1;
	close_all(sv);
	reap(sv);
	sv->vs->active--;
	sv->vs->finished++;
	atomic_fetch_add(&sv->vs->ndone, 1);
	host_check(sv);
}

/* Restarts the service's probes through TLS, or back in plain text. */
static void restart(struct service *sv, int tunnel)
{
	close_all(sv);
	sv->tunnel = tunnel;
	if (!tunnel)
		sv->tls_gave_up = 1;
	memset(&sv->best, 0, sizeof(sv->best));
	memset(&sv->soft, 0, sizeof(sv->soft));
	sv->have_soft = 0;
	svcfp_free(&sv->fp);
	svcfp_init(&sv->fp, PACKAGE_VERSION, "x86_64-pc-linux-gnu",
		   sv->out->port, IPPROTO_TCP, tunnel,
		   sv->vs->o->version_intensity, time(NULL));
	sv->fp_used = 0;
	/* The old connections end through their CLOSED events. */
	for (struct pconn *pc = sv->conns; pc; pc = pc->next)
		pc->concluded = 1, pc->rank = 1 << 21;
	phase1(sv);
}

/* Decides what a service's state means: done, tunnel, next probes. */
static void evaluate(struct service *sv, uint64_t now)
{
	const struct svc_probe *null = svcdb_null_probe(sv->vs->db);
	int pending = 0, pending_tls = 0, lower_busy = 0, tls_ok = 0;
	int silent_null = 0;
	int tls_failed = 0, tunnel_conns = 0;

	for (struct pconn *pc = sv->conns; pc; pc = pc->next) {
		if (pc->rank >= (1 << 21))
			continue; /* from before a restart */
		if (!pc->concluded && pc->deadline && now >= pc->deadline) {
			pc->concluded = 1;
			trace(sv->vs, pc, "timed out");
		}
		if (!pc->concluded && pc->is_tls_probe && pc->len == 0 &&
		    sv->best.kind == SVC_HARD && pc->connected_at &&
		    now - pc->connected_at >= VS_TLS_GRACE_MS) {
			pc->concluded = 1;
			trace(sv->vs, pc, "silent after a plain answer");
		}
		if (pc->concluded && !pc->closed && pc->tc)
			tcp_abort(pc->tc, now);
		if (pc->tls) {
			tunnel_conns++;
			tls_failed += pc->tls_failed;
			tls_ok += tls_version(pc->tls)[0] != '\0';
		}
		if (!pc->concluded) {
			pending++;
			pending_tls += pc->is_tls_probe;
			silent_null += pc->probe == null && pc->len == 0 &&
				       pc->connected_at &&
				       now - pc->connected_at >=
					       VS_NULL_GRACE_MS;
			/*
			 * nmap's precedence is file order: wait for earlier
			 * probes still running, except a NULL probe that has
			 * heard nothing (a silent service's banner wait).
			 */
			if (sv->best.kind == SVC_HARD &&
			    pc->rank < sv->best_rank &&
			    (pc->probe != null || pc->len > 0))
				lower_busy = 1;
		}
		/* The NULL probe closing without a byte: tcpwrapped. */
		if (pc->probe == null && pc->concluded && pc->len == 0 &&
		    (pc->got_eof || pc->reset) && pc->connected_at &&
		    now - pc->connected_at < null->tcpwrappedms &&
		    sv->best.kind != SVC_HARD && !sv->have_soft &&
		    !sv->tunnel) {
			finish(sv, VS_TCPWRAPPED);
			return;
		}
	}
	if (sv->best.kind == SVC_HARD) {
		if (!sv->tunnel && strcmp(sv->best.service, "ssl") == 0 &&
		    !sv->tls_gave_up) {
			restart(sv, 1);
			return;
		}
		if (pending_tls == 0 && !lower_busy) {
			finish(sv, VS_MATCHED);
			return;
		}
	}
	if (sv->tunnel && tunnel_conns > 0 && tls_ok == 0 &&
	    tls_failed == tunnel_conns) {
		/* TLS failed everywhere: answer from plain probes (#2528). */
		restart(sv, 0);
		return;
	}
	if (pending && pending != silent_null)
		return;
	/* Every probe so far has concluded (or is a silent NULL): record
	 * the answers for the fingerprint, then go on. */
	for (struct pconn *pc = sv->conns; pc; pc = pc->next) {
		if (pc->rank >= (1 << 21) || pc->len == 0 || pc->fp_added ||
		    !pc->concluded)
			continue;
		if (!pc->tls_failed) {
			svcfp_add(&sv->fp, pc->probe->name, pc->buf, pc->len);
			sv->fp_used = 1;
		}
		pc->fp_added = 1;
	}
	if (sv->phase == 1)
		sv->phase = 2;
	phase2_fill(sv);
	reap(sv);
	for (struct pconn *pc = sv->conns; pc; pc = pc->next)
		if (!pc->concluded)
			return;
	finish(sv, sv->have_soft ? VS_SOFT : VS_NOMATCH);
}

static void on_frame(const uint8_t *frame, size_t caplen, uint64_t ts,
		     void *arg)
{
	struct vs *v = arg;
	struct pkt_info p;

	(void)ts;
	if (pkt_parse(frame, caplen, &p) != PKT_TCP ||
	    p.ip.dst != v->s->hop.src)
		return;
	tcp_input(v->tcp, &p, now_ms());
}

static int cmp_svc(const void *a, const void *b)
{
	const struct svc_result *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return (int)x->port - (int)y->port;
}

const struct svc_result *vscan_find(const struct vscan_results *vr,
				    uint32_t addr, uint16_t port)
{
	struct svc_result key = { .addr = addr, .port = port };

	if (vr == NULL || vr->n == 0)
		return NULL;
	return bsearch(&key, vr->r, vr->n, sizeof(*vr->r), cmp_svc);
}

void vscan_results_free(struct vscan_results *vr)
{
	for (size_t i = 0; i < vr->n; i++)
		free(vr->r[i].fp);
	free(vr->r);
	vr->r = NULL;
	vr->n = 0;
}

/* The open ports to probe, and where their frames go. */
static size_t collect(struct vs *v, struct vscan_results *out,
		      struct route_table *rt)
{
	size_t n, k = 0;
	const struct port_result *r = results_sorted(v->s->res, &n);

	out->r = xcalloc(n ? n : 1, sizeof(*out->r));
	for (size_t i = 0; i < n; i++) {
		if (r[i].state != PS_OPEN || r[i].proto != IPPROTO_TCP)
			continue;
		out->r[k].addr = r[i].addr;
		out->r[k].port = r[i].port;
		k++;
	}
	out->n = k;
	v->svcs = xcalloc(k ? k : 1, sizeof(*v->svcs));
	for (size_t i = 0; i < k; i++) {
		struct service *sv = &v->svcs[i];
		uint32_t gw = 0;

		sv->vs = v;
		sv->out = &out->r[i];
		if (route_table_nexthop(rt, sv->out->addr, &gw) == 0)
			sv->mac = neigh_get(v->s->neigh,
					    gw ? gw : sv->out->addr);
	}
	return k;
}

static void start_service(struct service *sv)
{
	struct vs *v = sv->vs;

	v->active++;
	if (sv->mac == NULL ||
	    (svcdb_excluded(v->db, IPPROTO_TCP, sv->out->port) &&
	     !v->o->allports)) {
		finish(sv, sv->mac ? VS_EXCLUDED : VS_NOMATCH);
		return;
	}
	svcfp_init(&sv->fp, PACKAGE_VERSION, "x86_64-pc-linux-gnu",
		   sv->out->port, IPPROTO_TCP, 0, v->o->version_intensity,
		   time(NULL));
	phase1(sv);
	mark_dirty(sv);
}

int vscan_run(struct scan *s, const struct svcdb *db,
	      struct vscan_results *out, char *err, size_t errlen)
{
	struct vs v = { .s = s, .o = s->opt, .db = db,
			.next_port = VS_PORT_LO };
	struct route_table rt = { 0 };
	struct rstguard guard;
	struct tcp_cfg cfg = { 0 };
	char bpf[160], a[INET_ADDRSTRLEN];
	struct in_addr in = { .s_addr = htonl(s->hop.src) };
	int rc = -1;

	memset(out, 0, sizeof(*out));
	memset(&guard, 0, sizeof(guard));
	if (getrandom(&v.rng, sizeof(v.rng), 0) != sizeof(v.rng) || !v.rng)
		v.rng = now_ns() | 1;
	if (route_table_load(s->hop.ifname, &rt, err, errlen) < 0)
		return -1;
	v.nsvc = collect(&v, out, &rt);
	progress_task_set("Service scan", &v.ndone, v.nsvc);
	if (v.nsvc == 0) {
		rc = 0;
		goto done;
	}
	/* The probes that tell TLS: rarity 1 with an "ssl" line. */
	v.tls_probes = xcalloc(svcdb_nprobes(db) + 1, sizeof(*v.tls_probes));
	for (size_t i = 0; i < svcdb_nprobes(db); i++) {
		const struct svc_probe *p = svcdb_probe(db, i);

		/* A TLS record or SSLv2 hello as payload, and an ssl line. */
		if (p->proto == IPPROTO_TCP && p->rarity <= 1 &&
		    p->payload_len > 0 &&
		    (p->payload[0] == 0x16 || p->payload[0] == 0x80) &&
		    svc_probe_can_match(p, "ssl"))
			v.tls_probes[v.ntls++] = p;
	}
	v.tls = tls_ctx_new(err, errlen);
	if (v.tls == NULL)
		goto done;
	if (rstguard_install(&guard, s->hop.src, VS_PORT_LO, 65535, err,
			     errlen) < 0) {
		progress_clear();
		fprintf(stderr,
			"Warning: cannot stop the kernel resetting fathom's "
			"connections (%s); version detection may miss "
			"services\n",
			err);
	}
	inet_ntop(AF_INET, &in, a, sizeof(a));
	snprintf(bpf, sizeof(bpf),
		 "tcp and dst host %s and dst portrange %u-%u", a, VS_PORT_LO,
		 VS_PORT_HI);
	v.io = pktio_open(s->hop.ifname, bpf, PKTIO_SNAP_FULL, err, errlen);
	if (v.io == NULL)
		goto done;
	cfg.saddr = s->hop.src;
	memcpy(cfg.smac, s->hop.if_mac, 6);
	cfg.mss = 1460;
	cfg.rcv_wnd = 65535;
	cfg.ttl = 64;
	cfg.max_conns = 8192;
	cfg.rx_cap = 256 * 1024;
	cfg.reasm_cap = 64 * 1024;
	cfg.tx_cap = 64 * 1024;
	cfg.syn_timeout_ms = VS_CONNECT_MS;
	cfg.rto_min_ms = 200;
	cfg.rto_max_ms = 3000;
	cfg.life_ms = 60000;
	cfg.xmit = xmit;
	cfg.event = on_tcp;
	cfg.arg = &v;
	v.tcp = tcp_stack_new(&cfg, now_ms());

	while (v.finished < v.nsvc) {
		uint64_t now;
		int64_t wait;

		if (*s->stop)
			break;
		while (v.active < VS_MAX_SERVICES && v.next_start < v.nsvc)
			start_service(&v.svcs[v.next_start++]);
		now = now_ms();
		tcp_tick(v.tcp, now);
		/* Deadlines: every active service is looked at each turn. */
		for (size_t i = 0; i < v.next_start; i++)
			if (!v.svcs[i].done)
				mark_dirty(&v.svcs[i]);
		while (v.dirty) {
			struct service *sv = v.dirty;

			v.dirty = sv->next_dirty;
			sv->dirty = 0;
			if (!sv->done)
				evaluate(sv, now);
		}
		if (v.finished >= v.nsvc)
			break;
		wait = tcp_next_timeout(v.tcp, now_ms());
		if (wait < 0 || wait > 10)
			wait = 10;
		pktio_wait(v.io, (int)wait);
		pktio_dispatch(v.io, -1, on_frame, &v);
	}
	rc = 0;
done:
	progress_task_clear();
	if (v.tcp)
		tcp_stack_free(v.tcp, now_ms());
	for (size_t i = 0; i < v.nsvc; i++) {
		svcfp_free(&v.svcs[i].fp);
		free_conns(&v.svcs[i]);
	}
	free(v.svcs);
	free(v.tls_probes);
	tls_ctx_free(v.tls);
	pktio_close(v.io);
	rstguard_remove(&guard);
	route_table_free(&rt);
	return rc;
}
