/* vscan.c -- -sV probe scheduling: precedence, TLS tunnel, verdicts. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "engine/report/progress.h"
#include "engine/core/services.h"
#include "netstack/base/util.h"
#include "engine/vscan/vscan_int.h"
#include "probes/reflect.h"
#include "probes/recog.h"

/* Once a plain-text probe has a hard answer, a TLS probe that has heard
 * nothing for this long is not talking to TLS: a TLS server answers a
 * ClientHello at once, and waiting its full 5 s would stall every
 * plain-text service that ignores the hello (redis, most databases). */
#define VS_TLS_GRACE_MS 1000
/* A reply that has heard nothing more for this long is over (reply_over). */
#define VS_QUIET_MS 500

uint64_t vs_now_ms(void)
{
	return now_ns() / 1000000ull;
}

void vs_mark_dirty(struct service *sv)
{
	if (sv->dirty || sv->done)
		return;
	sv->dirty = 1;
	sv->next_dirty = sv->vs->dirty;
	sv->vs->dirty = sv;
}

void vs_trace(struct vs *v, const struct pconn *pc, const char *what)
{
	char a[ADDR_STRLEN];

	if (!v->o->version_trace)
		return;
	addr_format(&pc->svc->out->addr, a);
	progress_clear();
	fprintf(stderr, "Service scan: %.3fs %s:%u %s%s %s (%zu bytes)\n",
		(now_ns() - v->s->st.start_ns) / 1e9, a, pc->svc->out->port,
		pc->svc->tunnel &&
				!(pc->probe && pc->probe->proto == IPPROTO_UDP)
			? "ssl/"
			: "",
		pc->probe ? pc->probe->name : "RPC-grind", what, pc->len);
}

/*
 * The recognisers' answer in nmap's order, not the replies' arrival
 * order: a service named from an earlier probe replaces another one
 * named from a later probe. Dante answers both SOCKS probes on 1080,
 * and whichever reply came first used to name the port socks4 or socks5.
 */
static void offer_generic(struct service *sv, const struct pconn *pc)
{
	struct svc_answer g;
	int had = sv->generic.service[0] != '\0';

	memset(&g, 0, sizeof(g));
	recog_offer(&g, pc->probe, pc->tls, pc->buf, pc->len);
	if (had && g.service[0] && pc->rank < sv->generic_rank &&
	    strcmp(g.service, sv->generic.service) != 0) {
		sv->generic = g;
		sv->generic_rank = pc->rank;
		return;
	}
	recog_fold(&sv->generic, &g);
	if (!had && sv->generic.service[0])
		sv->generic_rank = pc->rank;
}

/* Runs the matcher on what the probe has so far. */
static void match_now(struct pconn *pc)
{
	struct service *sv = pc->svc;
	struct svc_answer a;
	int k;

	/* A softmatch narrows only the probes nmap sends after it: etcd's
	 * peer port softmatches "http" on the TLS probe, yet EtcdVersion,
	 * before it in nmap's order, still names etcd-server. */
	k = svcmatch_run(sv->vs->db, pc->probe, pc->buf, pc->len,
			 sv->have_soft && sv->soft_rank < pc->rank
				 ? sv->soft.service
				 : NULL,
			 &a);
	/* Still arriving: matched again once it settles (vs_evaluate).
	 * Not "ssl": the tunnel names the service, and holding the TLS
	 * probe back changed CUPS's 631 from ipp to ssl/ipp?. */
	pc->settling = k == SVC_HARD && !pc->concluded && !pc->got_eof &&
		       strcmp(a.service, "ssl") != 0 &&
		       vs_now_ms() - pc->last_data < VS_SETTLE_MS;
	if (pc->settling) {
		vs_mark_dirty(sv);
		return;
	}
	/* Generic recognisers: noted here while the reply is in hand (reap
	 * frees it before the verdict), used by vs_finish only. */
	if (k != SVC_HARD)
		offer_generic(sv, pc);
	if (k == SVC_HARD) {
		/* File order decides, TLS or not: CUPS answers GetRequest
		 * (before the TLS probe for 631) and is "ipp", as in nmap;
		 * HTTPS's "400 plain HTTP" page is itself an ssl line. */
		if (sv->best.kind != SVC_HARD || pc->rank < sv->best_rank) {
			sv->best = a;
			sv->best_rank = pc->rank;
		}
		pc->concluded = 1;
		vs_trace(sv->vs, pc, "matched");
		vs_mark_dirty(sv);
	} else if (k == SVC_SOFT &&
		   (!sv->have_soft || pc->rank < sv->soft_rank)) {
		sv->soft = a;
		sv->soft_rank = pc->rank;
		sv->have_soft = 1;
		vs_trace(sv->vs, pc, "softmatched");
		vs_mark_dirty(sv);
	}
}

/* The reply is our probe sent back (probes/reflect.h): it names nothing,
 * so it is never matched. A strict prefix of the probe waits (deferred)
 * for more bytes or the end of the connection (final). */
static int check_reflection(struct pconn *pc, int final)
{
	const struct svc_probe *p = pc->probe;
	enum reflect r = reflect_classify(p->payload, p->payload_len, pc->buf,
					  pc->len, final);

	pc->deferred = r == REFLECT_MAYBE;
	pc->svc->spoke |= r == REFLECT_NO;
	if (r != REFLECT_YES)
		return r != REFLECT_NO;
	pc->reflected = 1;
	pc->concluded = 1;
	pc->svc->reflected = 1;
	vs_trace(pc->svc->vs, pc, "came back as sent (echo)");
	vs_mark_dirty(pc->svc);
	return 1;
}

void vs_try_match(struct pconn *pc)
{
	if (pc->len == 0 || pc->concluded || pc->is_script)
		return;
	if (!check_reflection(pc, 0))
		match_now(pc);
}

/* A deferred prefix when its connection ended: an echo, or matched now. */
static void settle_deferred(struct pconn *pc)
{
	if (!pc->deferred || !pc->concluded)
		return;
	if (!check_reflection(pc, 1))
		match_now(pc);
	pc->deferred = 0;
}

/* nmap's answer for a service that returned our probes: "echo". */
static void echo_answer(struct service *sv)
{
	memset(&sv->best, 0, sizeof(sv->best));
	sv->best.kind = SVC_HARD;
	snprintf(sv->best.service, sizeof(sv->best.service), "echo");
}

/*
 * Phase 1: the TLS-detecting probes and the port's favoured probes, all
 * at once; in a sequential run, the first probe after the NULL one.
 */
static void phase1_rest(struct service *sv)
{
	struct vs *v = sv->vs;
	uint16_t port = sv->out->port;

	sv->phase = 1;
	if (vs_sequential(v)) {
		vs_fill(sv, 1 << 22);
		return;
	}
	if (!sv->tunnel && !sv->tls_gave_up)
		for (size_t i = 0; i < v->ntls; i++)
			vs_start_probe(sv, v->tls_probes[i],
				       vs_probe_rank(sv, v->tls_probes[i]), 1);
	for (size_t i = 0; i < svcdb_nprobes(v->db); i++) {
		const struct svc_probe *p = svcdb_probe(v->db, i);

		if (p->proto != IPPROTO_TCP || vs_is_tls_probe(v, p))
			continue;
		if (svc_probe_port_listed(p, port, sv->tunnel))
			vs_start_probe(sv, p, (int)i + 1, 0);
	}
}

/*
 * A TLS-detecting probe lists the port (443, 993...): TLS is the likely
 * answer and a TLS server says nothing to the NULL probe, so phase 1
 * starts with it.
 */
static int tls_port(const struct service *sv)
{
	const struct vs *v = sv->vs;

	if (sv->tls_gave_up)
		return 0;
	for (size_t i = 0; i < v->ntls; i++)
		if (svc_probe_port_listed(v->tls_probes[i], sv->out->port, 0))
			return 1;
	return 0;
}

/*
 * The NULL probe starts alone (phase 0) and the rest join it when it has
 * heard nothing for VS_GREET_MS, or heard something that is not a hard
 * match: a service that greets (ssh, ftp, smtp...) is named on one
 * connection, as nmap does, instead of costing the server a connection
 * (a fork, for sshd) per parallel probe. Through TLS, or on a port a
 * TLS probe lists, all start at once.
 * A sequential run waits for the NULL probe's end, as nmap does.
 */
static void phase1(struct service *sv)
{
	struct vs *v = sv->vs;
	const struct svc_probe *null = svcdb_null_probe(v->db);

	sv->next_probe = sv->seq = 0;
	sv->phase = 0;
	if (null)
		vs_start_probe(sv, null, 0, 0);
	if (null == NULL || (!vs_sequential(v) && (sv->tunnel || tls_port(sv))))
		phase1_rest(sv);
}

/* Phase 0 over: the greeting window passed, or the NULL probe spoke. */
static int greeting_over(const struct service *sv, uint64_t now)
{
	const struct svc_probe *null = svcdb_null_probe(sv->vs->db);

	for (const struct pconn *pc = sv->conns; pc; pc = pc->next) {
		if (pc->probe != null || pc->rank >= (1 << 21))
			continue;
		if (vs_sequential(sv->vs))
			return pc->concluded;
		return pc->concluded || (pc->len > 0 && !pc->settling) ||
		       (pc->connected_at &&
			now - pc->connected_at >= vs_greet_ms(sv));
	}
	return 1;
}

static void close_all(struct service *sv)
{
	uint64_t now = vs_now_ms();

	for (struct pconn *pc = sv->conns; pc; pc = pc->next)
		if (pc->conn && !pc->closed)
			vs_conn_abort(sv->vs, pc->conn, now);
}

void vs_free_conns(struct service *sv)
{
	struct pconn *pc = sv->conns, *nx;

	for (; pc; pc = nx) {
		nx = pc->next;
		tls_conn_free(pc->tls);
		free(pc->buf);
		free(pc);
	}
	sv->conns = NULL;
	vsrpc_free(sv);
	vs_script_free(sv);
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
	const struct addr *addr = &sv->out->addr;

	if (v->s->host_done == NULL)
		return;
	/* Sorted by address: the host's services are neighbours. */
	while (a > 0 && addr_eq(&v->svcs[a - 1].out->addr, addr))
		a--;
	while (b + 1 < v->nsvc && addr_eq(&v->svcs[b + 1].out->addr, addr))
		b++;
	for (size_t k = a; k <= b; k++)
		if (!v->svcs[k].done)
			return;
	v->s->host_done(v->s->host_done_arg, addr);
}

void vs_finish(struct service *sv, int state)
{
	struct svc_result *r = sv->out;

	if (sv->done)
		return;
	/*
	 * The generic recognisers (probes/recog.h) name what no match line
	 * did and fill a same-service match's empty product; they never
	 * change the service a match line named.
	 */
	if (state == VS_MATCHED)
		recog_fold(&sv->best, &sv->generic);
	else if (state == VS_SOFT || state == VS_NOMATCH)
		if (recog_fold(&sv->soft, &sv->generic) && sv->soft.service[0])
			state = VS_SOFT;
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
	sv->vs->reserved -= sv->budget;
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
	memset(&sv->generic, 0, sizeof(sv->generic));
	sv->have_soft = 0;
	sv->reflected = sv->spoke = sv->nrefused = sv->nsilent = 0;
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

/*
 * Every probe has concluded without a hard match: a softmatch stands; a
 * service that only ever returned our probes (and said nothing of its
 * own) is an echo (nmap names inetd's echo "echo"); one that closed
 * every connection without a byte is tcpwrapped; else the table's
 * guess, or RPC grinding.
 */
static void finish_unmatched(struct service *sv)
{
	int state = sv->have_soft ? VS_SOFT : VS_NOMATCH;

	/*
	 * nmap's end rule: every connection was closed on us without a
	 * byte and none timed out, even past the NULL probe's threshold.
	 */
	if (state == VS_NOMATCH && !sv->not_wrapped && !sv->tunnel) {
		vs_finish(sv, VS_TCPWRAPPED);
		return;
	}
	if (state == VS_NOMATCH && sv->reflected && !sv->spoke) {
		echo_answer(sv);
		vs_finish(sv, VS_MATCHED);
		return;
	}
	vs_conclude(sv, state);
}

void vs_conclude(struct service *sv, int state)
{
	if (vs_script_begin(sv, state) || vsrpc_begin(sv, state))
		close_all(sv);
	else
		vs_finish(sv, state);
}

/* Ends pc's wait for a reason of its own, noting it in the trace. */
static void conclude_early(struct pconn *pc, const char *why)
{
	pc->concluded = 1;
	pc->svc->not_wrapped = 1;
	vs_trace(pc->svc->vs, pc, why);
}

/*
 * A reply that has stopped: nothing more for VS_QUIET_MS, nor for three
 * times the longest pause between its pieces (a server that drips its
 * banner is waited for). nmap waits out the probe's totalwaitms, up to
 * 6 s, for bytes that do not come; a sequential run (--version-parallel
 * 1) does too, and test_vchains.sh holds the two to the same answers.
 */
static int reply_over(const struct pconn *pc, uint64_t now)
{
	uint64_t quiet = 3 * pc->max_gap;

	if (quiet < VS_QUIET_MS)
		quiet = VS_QUIET_MS;
	/* An IRC server's "*** Looking up your hostname" notice: its
	 * welcome comes once the lookups end (nmap waits for it too). */
	return pc->len > 0 && !vs_sequential(pc->svc->vs) &&
	       now - pc->last_data >= quiet &&
	       !recog_reply_pending(pc->buf, pc->len);
}

/*
 * When an unconcluded probe stops waiting: at its deadline, as in nmap
 * (a silent one after those queued before it: vs_serial_hold);
 * when its reply is over (reply_over). Once another probe holds a hard
 * answer, a TLS probe nmap would only send after that answer (its reply
 * cannot change it) stops at once, and one that heard nothing for
 * VS_TLS_GRACE_MS is not talking to TLS, unless the probe lists the
 * port: there its answer is expected and, being earlier in nmap's order,
 * is the one nmap gives (xrdp answers the ClientHello on 3389 with its
 * own X.224 error, over a second late under load, and the RDP probe's
 * bare "TLS security" used to win).
 */
static void stop_waiting(struct pconn *pc, uint64_t now)
{
	struct service *sv = pc->svc;
	int answered = sv->best.kind == SVC_HARD;

	if (pc->deadline && now >= pc->deadline) {
		/* Queued behind another silent probe: its turn first. */
		if (vs_serial_hold(pc, now))
			return;
		if (pc->len == 0 && pc->connected_at &&
		    pc->probe != svcdb_null_probe(sv->vs->db)) {
			sv->silent_end = now;
			vs_note_silent(pc);
		}
		conclude_early(pc, "timed out");
	} else if (reply_over(pc, now))
		conclude_early(pc, "quiet after its reply");
	else if (answered && pc->is_tls_probe && pc->rank > sv->best_rank)
		conclude_early(pc, "not needed after the answer");
	else if (answered && pc->is_tls_probe && pc->len == 0 &&
		 pc->connected_at &&
		 now - pc->connected_at >= VS_TLS_GRACE_MS &&
		 !svc_probe_port_listed(pc->probe, sv->out->port, 0))
		conclude_early(pc, "silent after a plain answer");
}

/* What vs_evaluate's pass over a service's connections saw. */
struct vs_tally {
	int pending, pending_tls, lower_busy, tls_ok;
	int silent, wrapped, others;
	int tls_failed, tunnel_conns;
};

/* Moves pc on: its wait, a deferred or settling reply, its connection. */
static void tend_conn(struct service *sv, struct pconn *pc, uint64_t now)
{
	if (!pc->concluded)
		stop_waiting(pc, now);
	settle_deferred(pc);
	if (pc->settling &&
	    (pc->concluded || now - pc->last_data >= VS_SETTLE_MS))
		match_now(pc);
	if (pc->concluded && !pc->closed && pc->conn)
		vs_conn_abort(sv->vs, pc->conn, now);
}

/* Adds what pc shows (TLS, pending, tcpwrapped signs) to t. */
static void tally_conn(const struct service *sv, const struct pconn *pc,
		       const struct svc_probe *null, uint64_t now,
		       struct vs_tally *t)
{
	if (pc->tls) {
		t->tunnel_conns++;
		t->tls_failed += pc->tls_failed;
		t->tls_ok += tls_version(pc->tls)[0] != '\0';
	}
	if (!pc->concluded) {
		t->pending++;
		t->pending_tls += pc->is_tls_probe;
		t->silent += vs_parked(pc, now); /* phase 2 runs beside */
		/*
		 * nmap's precedence is file order: wait for earlier
		 * probes still running, except a NULL probe that has
		 * heard nothing (a silent service's banner wait).
		 */
		if (sv->best.kind == SVC_HARD && pc->rank < sv->best_rank &&
		    (pc->probe != null || pc->len > 0))
			t->lower_busy = 1;
	}
	/* The NULL probe closing without a byte: tcpwrapped... */
	t->wrapped |= pc->probe == null && pc->concluded && !pc->len &&
		      (pc->got_eof || (pc->reset && !vs_retry_left(sv))) &&
		      pc->connected_at &&
		      now - pc->connected_at < null->tcpwrappedms;
	/* (a reserved-port probe counts from its SYN: rshd) */
	t->others += pc->probe != null && !pc->concluded &&
		     (pc->established || (pc->probe && pc->probe->sport_lo));
}

/* Tends every current connection of sv and tallies them into t. */
static void survey(struct service *sv, uint64_t now, struct vs_tally *t)
{
	const struct svc_probe *null = svcdb_null_probe(sv->vs->db);

	memset(t, 0, sizeof(*t));
	for (struct pconn *pc = sv->conns; pc; pc = pc->next) {
		if (pc->rank >= (1 << 21))
			continue; /* from before a restart */
		tend_conn(sv, pc, now);
		tally_conn(sv, pc, null, now, t);
	}
}

/* tcpwrapped, or rshd's reserved-port probes next; 1 if it acted. */
static int wrapped_end(struct service *sv, const struct vs_tally *t)
{
	/* ...unless another probe's connection is still up: a daemon that
	 * serves one client (OpenVPN) resets those queued behind it. */
	if (!t->wrapped || t->others || sv->best.kind == SVC_HARD ||
	    sv->have_soft || sv->tunnel)
		return 0;
	if (sv->phase == 0 && vs_reserved_listed(sv))
		phase1_rest(sv); /* rshd: only they can tell */
	else
		vs_finish(sv, VS_TCPWRAPPED);
	return 1;
}

/* A hard answer: through TLS, earlier probes, or done; 1 if it acted. */
static int hard_answer_next(struct service *sv, const struct vs_tally *t)
{
	if (!sv->tunnel && strcmp(sv->best.service, "ssl") == 0 &&
	    !sv->tls_gave_up && !t->lower_busy) {
		restart(sv, 1);
		return 1;
	}
	if (t->pending_tls == 0 && !t->lower_busy &&
	    vs_unsent_before_best(sv)) {
		vs_fill(sv, sv->best_rank);
		return 1;
	}
	if (t->pending_tls == 0 && !t->lower_busy) {
		vs_conclude(sv, VS_MATCHED);
		return 1;
	}
	return 0;
}

/* Adds the concluded replies not yet in sv's fingerprint to it. */
static void record_fp(struct service *sv)
{
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
}

/* Decides what a service's state means: done, tunnel, next probes. */
void vs_evaluate(struct service *sv, uint64_t now)
{
	struct vs_tally t;

	if (sv->rpc) {
		vsrpc_evaluate(sv, now);
		return;
	}
	if (sv->script) {
		vs_script_evaluate(sv, now);
		return;
	}
	survey(sv, now, &t);
	if (wrapped_end(sv, &t))
		return;
	if (sv->phase == 0 && sv->best.kind != SVC_HARD) {
		if (greeting_over(sv, now))
			phase1_rest(sv);
		return;
	}
	if (sv->best.kind == SVC_HARD && hard_answer_next(sv, &t))
		return;
	if (sv->tunnel && t.tunnel_conns > 0 && t.tls_ok == 0 &&
	    t.tls_failed == t.tunnel_conns) {
		/* TLS failed everywhere: answer from plain probes (#2528). */
		restart(sv, 0);
		return;
	}
	if (t.pending && t.pending != t.silent)
		return;
	/* Every probe so far has concluded (or is parked): record
	 * the answers for the fingerprint, then go on. */
	record_fp(sv);
	if (sv->phase == 1)
		sv->phase = 2;
	vs_fill(sv, 1 << 22);
	reap(sv);
	for (struct pconn *pc = sv->conns; pc; pc = pc->next)
		if (!pc->concluded &&
		    !(sv->reflected && vs_silent_null(pc, now)))
			return;
	if (vs_retry_refused(sv, now) || vs_retry_silent(sv))
		return;
	finish_unmatched(sv);
}

void vs_start_service(struct service *sv)
{
	struct vs *v = sv->vs;

	int reachable = sv->mac != NULL || !v->tr->ops->needs_mac;

	v->active++;
	sv->budget = vs_service_budget(v, sv->out->port);
	v->reserved += sv->budget;
	if (!reachable || (svcdb_excluded(v->db, IPPROTO_TCP, sv->out->port) &&
			   !v->o->allports)) {
		vs_finish(sv, reachable ? VS_EXCLUDED : VS_NOMATCH);
		return;
	}
	svcfp_init(&sv->fp, PACKAGE_VERSION, "x86_64-pc-linux-gnu",
		   sv->out->port, IPPROTO_TCP, 0, v->o->version_intensity,
		   time(NULL));
	phase1(sv);
	vs_mark_dirty(sv);
}
