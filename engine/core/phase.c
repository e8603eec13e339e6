/* phase.c -- the phase list: built from the options, set up, run per group. */
#include "engine/core/phase.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/core/hostdeadline.h"
#include "engine/core/scanreport.h"
#include "engine/report/outputs.h"
#include "netstack/base/util.h"

/*
 * The phases, in the order they run on each host group. Adding one is
 * its file (a `const struct phase phase_NAME`) and one line here.
 */
#define PHASE_LIST(X) \
	X(discovery)  \
	X(sweep)      \
	X(connect)    \
	X(version)    \
	X(os)         \
	X(trace)

#define PHASE_ENTRY(n) &phase_##n,
static const struct phase *const builtin[] = { PHASE_LIST(PHASE_ENTRY) };
#define NBUILTIN (sizeof(builtin) / sizeof(builtin[0]))

struct phase_list {
	size_t n;
	struct phase *ops; /* each type with its defaults filled in */
	struct phase_inst *ph;
};

/* ---- the defaults a NULL callback stands for ---- */

int phase_default_enabled(const struct scan_opts *o)
{
	(void)o;
	return 1;
}

int phase_default_priv_setup(struct phase_inst *ph, struct phase_run *run,
			     char *err, size_t errlen)
{
	(void)ph, (void)run, (void)err, (void)errlen;
	return 0;
}

int phase_default_holds(struct phase_inst *ph, const struct scan *g,
			const struct hostiter_host *h)
{
	(void)ph, (void)g, (void)h;
	return 1;
}

int phase_default_run(struct phase_inst *ph, struct phase_run *run,
		      struct scan *g, char *err, size_t errlen)
{
	(void)ph, (void)run, (void)g, (void)err, (void)errlen;
	return 0;
}

void phase_default_group_end(struct phase_inst *ph, struct phase_run *run,
			     struct scan *g)
{
	(void)ph, (void)run, (void)g;
}

void phase_default_free(struct phase_inst *ph, struct phase_run *run)
{
	(void)run;
	free(ph->ctx);
	ph->ctx = NULL;
}

/* ---- the list ---- */

static void fill_defaults(struct phase *d, const struct phase *t)
{
	*d = *t;
#define DEF(f)            \
	if (d->f == NULL) \
	d->f = phase_default_##f
	DEF(enabled);
	DEF(priv_setup);
	DEF(holds);
	DEF(run);
	DEF(group_end);
	DEF(free);
#undef DEF
}

struct phase_list *phase_list_from(const struct phase *const *order, size_t n,
				   const struct scan_opts *o)
{
	struct phase_list *pl = xcalloc(1, sizeof(*pl));

	pl->ops = xcalloc(n + 1, sizeof(*pl->ops));
	pl->ph = xcalloc(n + 1, sizeof(*pl->ph));
	for (size_t i = 0; i < n; i++) {
		struct phase t;

		fill_defaults(&t, order[i]);
		if (!t.enabled(o))
			continue;
		pl->ops[pl->n] = t;
		pl->ph[pl->n].type = order[i];
		pl->n++;
	}
	return pl;
}

struct phase_list *phase_list_new(const struct scan_opts *o)
{
	return phase_list_from(builtin, NBUILTIN, o);
}

size_t phase_list_count(const struct phase_list *pl)
{
	return pl->n;
}

const struct phase *phase_list_at(const struct phase_list *pl, size_t i)
{
	return i < pl->n ? pl->ph[i].type : NULL;
}

int phase_list_priv_setup(struct phase_list *pl, struct phase_run *run,
			  char *err, size_t errlen)
{
	for (size_t i = 0; i < pl->n; i++)
		if (pl->ops[i].priv_setup(&pl->ph[i], run, err, errlen) < 0)
			return -1;
	return 0;
}

void phase_list_end_group(struct phase_list *pl, struct phase_run *run,
			  struct scan *g)
{
	for (size_t i = 0; i < pl->n; i++)
		pl->ops[i].group_end(&pl->ph[i], run, g);
	/* Its records point into what the phases just freed. */
	hosttab_free(g->tab);
	g->tab = NULL;
}

void phase_list_free(struct phase_list *pl, struct phase_run *run)
{
	if (pl == NULL)
		return;
	for (size_t i = 0; i < pl->n; i++)
		pl->ops[i].free(&pl->ph[i], run);
	free(pl->ops);
	free(pl->ph);
	free(pl);
}

/* ---- one group: its phases, its hosts written as they complete ---- */

/*
 * Writes a group's hosts in address order, each as soon as no phase
 * still to finish holds it. It knows nothing of which phases there are:
 * only their holds() and the hosts the running one reported done.
 */
struct emitter {
	struct phase_list *pl;
	struct phase_run *run;
	struct scan *g;
	struct hostiter *it;           /* NULL until the first phase ends */
	const struct hostiter_host *h; /* next to write; NULL at the end */
	uint64_t written;
	size_t cur;        /* phases finished for the group */
	struct addr *done; /* min-heap: reported by phase cur */
	size_t ndone, cap;
};

static void heap_push(struct emitter *em, const struct addr *a)
{
	size_t i = em->ndone;

	em->done = xgrow(em->done, &em->cap, em->ndone + 1, sizeof(*em->done));
	em->ndone++;
	for (; i > 0 && addr_cmp(&em->done[(i - 1) / 2], a) > 0;
	     i = (i - 1) / 2)
		em->done[i] = em->done[(i - 1) / 2];
	em->done[i] = *a;
}

static void heap_pop(struct emitter *em)
{
	struct addr last = em->done[--em->ndone];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= em->ndone)
			break;
		if (c + 1 < em->ndone &&
		    addr_cmp(&em->done[c + 1], &em->done[c]) < 0)
			c++;
		if (addr_cmp(&em->done[c], &last) >= 0)
			break;
		em->done[i] = em->done[c];
		i = c;
	}
	if (em->ndone)
		em->done[i] = last;
}

/* Did the running phase report h done? Hosts come in address order. */
static int reported(struct emitter *em, const struct addr *addr)
{
	while (em->ndone && addr_cmp(&em->done[0], addr) < 0)
		heap_pop(em);
	return em->ndone && addr_eq(&em->done[0], addr);
}

static int held(struct emitter *em, const struct hostiter_host *h)
{
	/* Out of time: no phase does more for it (--host-timeout). */
	if (hostdeadline_timed_out(em->g->hd, &h->addr))
		return 0;
	for (size_t j = em->cur; j < em->pl->n; j++) {
		struct phase_inst *ph = &em->pl->ph[j];

		if (!em->pl->ops[j].holds(ph, em->g, h))
			continue;
		if (j == em->cur && reported(em, &h->addr))
			continue;
		return 1;
	}
	return 0;
}

static void emit_one(struct emitter *em)
{
	struct stats_counts *c = &em->run->counts;
	struct hostiter_host h = *em->h;

	/* Read when it was next in line: a phase may have timed it out
	 * since (-sV drops a host the moment its time is up). */
	h.timed_out |= hostdeadline_timed_out(em->g->hd, &h.addr);
	em->run->host(em->run, em->g, &h);
	atomic_fetch_add(&c->completed, 1);
	if (atomic_load(&c->undergoing) > 0)
		atomic_fetch_sub(&c->undergoing, 1);
	em->written++;
	em->h = hostiter_next(em->it);
}

static void emit_flush(struct emitter *em, uint64_t before)
{
	if (em->written != before && em->run->flush)
		em->run->flush(em->run);
}

static void emit_ready(struct emitter *em)
{
	uint64_t before = em->written;

	if (em->it == NULL)
		return;
	while (em->h && !held(em, em->h))
		emit_one(em);
	emit_flush(em, before);
}

/* The group is over: every host left, held or not. */
static void emit_rest(struct emitter *em)
{
	uint64_t before = em->written;

	while (em->h)
		emit_one(em);
	emit_flush(em, before);
}

/*
 * A new walk, past the hosts written: a host is read when it is next in
 * line, and a phase that ended since may have added to it (-O's result).
 */
static void refresh(struct emitter *em)
{
	if (em->it && em->h == NULL)
		return;
	hostiter_free(em->it);
	em->it = hostiter_new(em->g->tab, em->g->opt);
	em->h = hostiter_next(em->it);
	for (uint64_t k = 0; k < em->written && em->h; k++)
		em->h = hostiter_next(em->it);
}

static void on_host_done(void *arg, const struct addr *addr)
{
	struct emitter *em = arg;

	/* Done within a phase (-sV's host timeout): its <host> ends now. */
	em->g->st.end_wall = time(NULL);
	heap_push(em, addr);
	emit_ready(em);
}

static int interrupted(const struct phase_run *run, const struct scan *g)
{
	return g->st.interrupted || run->top.st.interrupted;
}

/*
 * --host-timeout: every host's clock runs while a phase works on the
 * group (nmap's startTimeOutClocks / stopTimeOutClock); a phase that
 * cannot drop hosts one by one stops when the last is out of time.
 */
static int run_phase(struct phase_list *pl, size_t i, struct phase_run *run,
		     struct scan *g, char *err, size_t errlen)
{
	uint64_t t = now_ns(), until;
	int r;

	hostdeadline_start_all(g->hd, t);
	until = hostdeadline_latest(g->hd, t);
	g->until_ns = until == UINT64_MAX ? 0 : until ? until : 1;
	r = pl->ops[i].run(&pl->ph[i], run, g, err, errlen);
	/* The hosts written next ended with this phase (nmap's endtime),
	 * not with the sweep. */
	g->st.end_wall = time(NULL);
	hostdeadline_stop_all(g->hd, now_ns());
	g->until_ns = 0;
	return r;
}

int phase_list_run_group(struct phase_list *pl, struct phase_run *run,
			 struct scan *g, char *err, size_t errlen)
{
	struct emitter em = { .pl = pl, .run = run, .g = g };
	int rc = -1, own_hd = g->hd == NULL;

	if (own_hd)
		g->hd = hostdeadline_new(g->opt->host_timeout_ms);
	if (g->tab == NULL)
		g->tab = hosttab_new(g->opt->timing.min_rtt_ms,
				     g->opt->timing.max_rtt_ms, g->hd);
	hosttab_set_deadlines(g->tab, g->hd);
	for (size_t i = 0; i < pl->n && !interrupted(run, g); i++) {
		int r;

		g->host_done = on_host_done;
		g->host_done_arg = &em;
		r = run_phase(pl, i, run, g, err, errlen);
		g->host_done = NULL;
		g->host_done_arg = NULL;
		if (r < 0)
			goto out;
		if (g->stop && *g->stop)
			run->top.st.interrupted = 1;
		em.cur = i + 1;
		em.ndone = 0;
		if (interrupted(run, g))
			break;
		refresh(&em);
		emit_ready(&em);
	}
	/* Always marked, so --resume knows the run did not finish. */
	if (interrupted(run, g))
		run->partial(run, g);
	em.cur = pl->n;
	refresh(&em);
	emit_rest(&em);
	rc = 0;
out:
	hostiter_free(em.it);
	free(em.done);
	if (own_hd) {
		hosttab_set_deadlines(g->tab, NULL);
		hostdeadline_free(g->hd);
		g->hd = NULL;
	}
	return rc;
}

void phase_task(struct phase_run *run, int event, const char *name,
		double elapsed, const char *extrainfo)
{
	struct report_task t = { .event = event,
				 .task = name,
				 .time = time(NULL),
				 .elapsed = elapsed,
				 .extrainfo = extrainfo };

	outputs_task(run->out, &t);
}
