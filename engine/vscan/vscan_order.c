/* vscan_order.c -- the probes a service sends next: nmap's order, side by side or one by one. */
#include <netinet/in.h>

#include "engine/core/services.h"
#include "engine/vscan/vscan_int.h"

/*
 * nmap's order (reference/nmap-internals.md section 2): the NULL probe,
 * then the probes listing the port in file order, then the rest in file
 * order. An answer stands only if no probe before it in this order could
 * still say something else.
 */
int vs_probe_rank(const struct service *sv, const struct svc_probe *p)
{
	const struct vs *v = sv->vs;
	size_t n = svcdb_nprobes(v->db);

	if (p == svcdb_null_probe(v->db))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (svcdb_probe(v->db, i) == p)
			return svc_probe_port_listed(p, sv->out->port,
						     sv->tunnel)
				       ? (int)i + 1
				       : (int)(n + i) + 1;
	return 1 << 20;
}

int vs_is_tls_probe(const struct vs *v, const struct svc_probe *p)
{
	for (size_t i = 0; i < v->ntls; i++)
		if (v->tls_probes[i] == p)
			return 1;
	return 0;
}

/*
 * The greeting window: longer where the port's usual service (the
 * services table's name) is one the NULL probe can name, i.e. one that
 * greets: a busy sshd forking for hundreds of connections may take a
 * while to say hello, and every extra probe would add to its load.
 */
uint64_t vs_greet_ms(const struct service *sv)
{
	const struct vs *v = sv->vs;
	const char *table =
		services_name(cli_names(v->o), SVC_TCP, sv->out->port);

	if (table && svc_probe_can_match(svcdb_null_probe(v->db), table))
		return VS_NULL_GRACE_MS;
	return VS_GREET_MS;
}

static int already_tried(const struct service *sv, const struct svc_probe *p)
{
	for (const struct pconn *pc = sv->conns; pc; pc = pc->next)
		if (pc->probe == p)
			return 1;
	return 0;
}

/*
 * The NULL probe still listening but silent past the greeting window:
 * it keeps listening (a slow greeter is still named by it), but the
 * next probes start beside it instead of after its full wait. A
 * sequential run (--version-parallel 1) waits for it, as nmap does.
 */
int vs_silent_null(const struct pconn *pc, uint64_t now)
{
	const struct service *sv = pc->svc;

	return !vs_sequential(sv->vs) &&
	       pc->probe == svcdb_null_probe(sv->vs->db) && pc->len == 0 &&
	       pc->connected_at && now - pc->connected_at >= vs_greet_ms(sv);
}

/*
 * A probe phase 2 runs beside instead of waiting for: a silent NULL
 * probe (vs_silent_null), or a phase 1 probe (TLS-detecting, or listing
 * the port) silent for VS_PARK_MS on a service that has not sent a byte
 * on any connection, most likely a silent service. Either keeps
 * listening (a late answer still counts, and its rank still takes
 * precedence); a silent service (tinc, shadowsocks, rsyslog's 514) no
 * longer pays phase 1's full wait, 5 s, before the rest of nmap's
 * order. A service that answered anything (xrdp: RDPNegReq at once, the
 * ClientHello over a second late under load) is waited for as before.
 */
int vs_parked(const struct pconn *pc, uint64_t now)
{
	const struct service *sv = pc->svc;
	const struct svc_probe *p = pc->probe;

	if (vs_silent_null(pc, now))
		return 1;
	if (vs_sequential(sv->vs) || sv->heard || p == NULL ||
	    p == svcdb_null_probe(sv->vs->db) || pc->is_script || pc->len > 0 ||
	    !pc->connected_at || now - pc->connected_at < VS_PARK_MS)
		return 0;
	return pc->is_tls_probe ||
	       svc_probe_port_listed(p, sv->out->port, sv->tunnel);
}

/* After a softmatch, only probes that can confirm it (nmap 7.70+). */
static int within_intensity(const struct service *sv, const struct svc_probe *p)
{
	const struct vs *v = sv->vs;

	if (sv->have_soft && v->o->version_intensity < 9)
		return svc_probe_can_match(p, sv->soft.service);
	return p->rarity <= v->o->version_intensity;
}

/* Whether phase 2 sends p at all: TCP, new, within the intensity. */
static int phase2_wants(const struct service *sv, const struct svc_probe *p)
{
	const struct vs *v = sv->vs;

	if (p->proto != IPPROTO_TCP || already_tried(sv, p))
		return 0;
	/* Phase 1 sent these (their connections may be reaped by now). */
	if (svc_probe_port_listed(p, sv->out->port, sv->tunnel))
		return 0;
	if (vs_is_tls_probe(v, p) && (sv->tunnel || !sv->tls_gave_up))
		return 0;
	return within_intensity(sv, p);
}

/*
 * Slot k of the sequential order (2n slots: the probes listing the port,
 * then the others, each in file order): its probe if a sequential run
 * sends it, else NULL; *rank gets the slot's rank either way. The TLS
 * probes take their place in the file; through TLS they are not sent
 * again (phase 1 does the same).
 */
static const struct svc_probe *seq_slot(const struct service *sv, size_t k,
					int *rank)
{
	const struct vs *v = sv->vs;
	size_t n = svcdb_nprobes(v->db);
	const struct svc_probe *p = svcdb_probe(v->db, k < n ? k : k - n);
	int listed = svc_probe_port_listed(p, sv->out->port, sv->tunnel);

	*rank = (int)k + 1;
	if (p->proto != IPPROTO_TCP || p == svcdb_null_probe(v->db) ||
	    (sv->tunnel && vs_is_tls_probe(v, p)) || listed != (k < n))
		return NULL;
	return k < n || within_intensity(sv, p) ? p : NULL;
}

/*
 * sv's probes in flight; with parked, how many of them phase 2 runs
 * beside (vs_parked) goes there too.
 */
static int inflight(const struct service *sv, int *parked)
{
	uint64_t now = parked ? vs_now_ms() : 0;
	int n = 0;

	for (const struct pconn *pc = sv->conns; pc; pc = pc->next) {
		if (pc->concluded || pc->rank >= (1 << 21))
			continue;
		n++;
		if (parked)
			*parked += vs_parked(pc, now);
	}
	return n;
}

/* The sequential order's next probe, once nothing is in flight. */
static void seq_fill(struct service *sv, int max_rank)
{
	size_t n = svcdb_nprobes(sv->vs->db);

	if (inflight(sv, NULL) > 0)
		return;
	while (sv->seq < 2 * n) {
		int rank;
		const struct svc_probe *p = seq_slot(sv, sv->seq, &rank);

		if (rank >= max_rank)
			return;
		sv->seq++;
		if (p && vs_start_probe(sv, p, rank,
					vs_is_tls_probe(sv->vs, p)) == 0)
			return;
	}
}

/*
 * Probes past VS_PAR_BASE are not in the service's budget (what
 * --max-parallelism admits services by): they start only while the
 * host holds under VS_HOST_CONNS and the run under --max-parallelism.
 */
static int room_for_more(const struct vs *v, const struct service *sv)
{
	return v->host_conns[sv->host] < VS_HOST_CONNS &&
	       (v->maxc == 0 || v->conns_now < v->maxc);
}

void vs_fill(struct service *sv, int max_rank)
{
	struct vs *v = sv->vs;
	size_t n = svcdb_nprobes(v->db);
	int parked = 0;
	size_t busy, own;

	if (vs_sequential(v)) {
		seq_fill(sv, max_rank);
		return;
	}
	/* --version-parallel counts phase 2's own probes (not the parked
	 * ones); the service's budget (VS_PAR_BASE) every connection. */
	busy = (size_t)inflight(sv, &parked);
	own = busy - (size_t)parked;
	while (own < v->par && sv->next_probe < n) {
		if (busy >= VS_PAR_BASE && !room_for_more(v, sv))
			break;
		const struct svc_probe *p = svcdb_probe(v->db, sv->next_probe);
		/* After every port-favoured probe, as nmap orders them. */
		int rank = (int)(n + sv->next_probe) + 1;

		if (rank >= max_rank)
			break;
		sv->next_probe++;
		if (phase2_wants(sv, p) &&
		    vs_start_probe(sv, p, rank, 0) == 0) {
			busy++;
			own++;
		}
	}
}

int vs_unsent_before_best(const struct service *sv)
{
	const struct vs *v = sv->vs;
	size_t n = svcdb_nprobes(v->db);
	int rank;

	if (vs_sequential(v)) {
		for (size_t k = sv->seq; k < 2 * n; k++)
			if (seq_slot(sv, k, &rank) && rank < sv->best_rank)
				return 1;
		return 0;
	}
	for (size_t i = sv->next_probe; i < n; i++) {
		if ((int)(n + i) + 1 >= sv->best_rank)
			break;
		if (phase2_wants(sv, svcdb_probe(v->db, i)))
			return 1;
	}
	return 0;
}

int vs_reserved_listed(const struct service *sv)
{
	const struct vs *v = sv->vs;

	if (v->tr == NULL || v->tr->ops->open_sport == NULL)
		return 0;
	for (size_t i = 0; i < svcdb_nprobes(v->db); i++) {
		const struct svc_probe *p = svcdb_probe(v->db, i);

		if (p->proto == IPPROTO_TCP && p->sport_lo &&
		    svc_probe_port_listed(p, sv->out->port, sv->tunnel))
			return 1;
	}
	return 0;
}

/* A probe that has heard nothing past its deadline (vs_serial_hold). */
static int silent_expired(const struct pconn *pc, uint64_t now)
{
	const struct service *sv = pc->svc;

	return !pc->concluded && pc->rank < (1 << 21) && pc->len == 0 &&
	       pc->connected_at && pc->probe != NULL &&
	       pc->probe != svcdb_null_probe(sv->vs->db) && pc->deadline &&
	       now >= pc->deadline;
}

int vs_serial_hold(const struct pconn *pc, uint64_t now)
{
	const struct service *sv = pc->svc;

	if (sv->heard || !silent_expired(pc, now))
		return 0;
	if (sv->silent_end && now - sv->silent_end < VS_SERIAL_MS)
		return 1;
	for (const struct pconn *q = sv->conns; q; q = q->next)
		if (q != pc && q->opened < pc->opened && silent_expired(q, now))
			return 1;
	return 0;
}

size_t vs_service_budget(const struct vs *v, uint16_t port)
{
	size_t n = 1 + v->ntls;
	size_t par = v->par < VS_PAR_BASE ? v->par : VS_PAR_BASE;

	for (size_t i = 0; i < svcdb_nprobes(v->db); i++) {
		const struct svc_probe *p = svcdb_probe(v->db, i);

		if (p->proto == IPPROTO_TCP && !vs_is_tls_probe(v, p) &&
		    svc_probe_port_listed(p, port, 0))
			n++;
	}
	if (vs_sequential(v))
		return 1;
	return n > 1 + par ? n : 1 + par;
}
