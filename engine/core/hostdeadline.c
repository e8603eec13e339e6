/* hostdeadline.c -- --host-timeout: per-host clocks that add up over the phases. */
#include "engine/core/hostdeadline.h"

#include <stdlib.h>
#include <string.h>

#include "netstack/base/util.h"

/* One clock: time used before the current run, and whether it runs. */
struct clock {
	uint64_t used;  /* ns used while stopped */
	uint64_t since; /* start of the current run, when running */
	int running;
	int timed_out; /* marked: never runs again */
};

struct entry {
	struct addr a;
	int live; /* slot in use */
	struct clock c;
};

struct hostdeadline {
	uint64_t timeout;   /* ns; 0 = none */
	struct clock group; /* every host without an entry */
	struct entry *tab;  /* open addressing, power-of-two size */
	size_t cap, n, ntimed;
};

/* A fixed key: the table's order never shows; only the spread matters. */
#define HD_K0 0x6672616d65776f72ull
#define HD_K1 0x6b2d686f73747321ull

struct hostdeadline *hostdeadline_new(uint64_t timeout_ms)
{
	struct hostdeadline *hd = xcalloc(1, sizeof(*hd));

	hd->timeout = timeout_ms > UINT64_MAX / 1000000ull
			      ? UINT64_MAX
			      : timeout_ms * 1000000ull;
	return hd;
}

void hostdeadline_free(struct hostdeadline *hd)
{
	if (hd == NULL)
		return;
	free(hd->tab);
	free(hd);
}

int hostdeadline_enabled(const struct hostdeadline *hd)
{
	return hd && hd->timeout;
}

static uint64_t clock_used(const struct clock *c, uint64_t now)
{
	return c->used + (c->running && now > c->since ? now - c->since : 0);
}

static void clock_start(struct clock *c, uint64_t now)
{
	if (c->running || c->timed_out)
		return;
	c->since = now;
	c->running = 1;
}

static void clock_stop(struct clock *c, uint64_t now)
{
	if (!c->running)
		return;
	c->used = clock_used(c, now);
	c->running = 0;
}

static struct entry *find(const struct hostdeadline *hd, const struct addr *a)
{
	size_t i;

	if (hd->cap == 0)
		return NULL;
	i = (size_t)addr_hash(a, HD_K0, HD_K1) & (hd->cap - 1);
	for (; hd->tab[i].live; i = (i + 1) & (hd->cap - 1))
		if (addr_eq(&hd->tab[i].a, a))
			return &hd->tab[i];
	return NULL;
}

static void insert(struct hostdeadline *hd, const struct entry *e)
{
	size_t i = (size_t)addr_hash(&e->a, HD_K0, HD_K1) & (hd->cap - 1);

	while (hd->tab[i].live)
		i = (i + 1) & (hd->cap - 1);
	hd->tab[i] = *e;
}

/* Host a's own clock, made from the group's the first time. */
static struct clock *own(struct hostdeadline *hd, const struct addr *a)
{
	struct entry *e = find(hd, a), ne;

	if (e)
		return &e->c;
	if (2 * (hd->n + 1) > hd->cap) {
		struct entry *old = hd->tab;
		size_t ocap = hd->cap;

		hd->cap = ocap ? 2 * ocap : 64;
		hd->tab = xcalloc(hd->cap, sizeof(*hd->tab));
		for (size_t i = 0; i < ocap; i++)
			if (old[i].live)
				insert(hd, &old[i]);
		free(old);
	}
	memset(&ne, 0, sizeof(ne));
	ne.a = *a;
	ne.live = 1;
	ne.c = hd->group;
	ne.c.timed_out = 0;
	insert(hd, &ne);
	hd->n++;
	return &find(hd, a)->c;
}

void hostdeadline_start_all(struct hostdeadline *hd, uint64_t now)
{
	if (!hostdeadline_enabled(hd))
		return;
	clock_start(&hd->group, now);
	for (size_t i = 0; i < hd->cap; i++)
		if (hd->tab[i].live)
			clock_start(&hd->tab[i].c, now);
}

void hostdeadline_stop_all(struct hostdeadline *hd, uint64_t now)
{
	if (!hostdeadline_enabled(hd))
		return;
	clock_stop(&hd->group, now);
	for (size_t i = 0; i < hd->cap; i++)
		if (hd->tab[i].live)
			clock_stop(&hd->tab[i].c, now);
}

void hostdeadline_stop(struct hostdeadline *hd, const struct addr *a,
		       uint64_t now)
{
	if (!hostdeadline_enabled(hd))
		return;
	clock_stop(own(hd, a), now);
}

void hostdeadline_span(struct hostdeadline *hd, const struct addr *a,
		       uint64_t from, uint64_t to)
{
	struct clock *c;

	if (!hostdeadline_enabled(hd))
		return;
	c = own(hd, a);
	if (!c->running)
		return;
	if (from > c->since)
		c->since = from < to ? from : to;
	clock_stop(c, to);
}

void hostdeadline_begin(struct hostdeadline *hd, const struct addr *a,
			uint64_t from)
{
	struct clock *c;

	if (!hostdeadline_enabled(hd))
		return;
	c = own(hd, a);
	if (c->running && from > c->since)
		c->since = from;
}

uint64_t hostdeadline_used(const struct hostdeadline *hd, const struct addr *a,
			   uint64_t now)
{
	const struct entry *e;

	if (!hostdeadline_enabled(hd))
		return 0;
	e = find(hd, a);
	return clock_used(e ? &e->c : &hd->group, now);
}

int hostdeadline_expired(struct hostdeadline *hd, const struct addr *a,
			 uint64_t now)
{
	const struct entry *e;
	struct clock *c;

	if (!hostdeadline_enabled(hd))
		return 0;
	e = find(hd, a);
	if (e && e->c.timed_out)
		return 1;
	if (clock_used(e ? &e->c : &hd->group, now) < hd->timeout)
		return 0;
	c = own(hd, a);
	clock_stop(c, now);
	c->timed_out = 1;
	hd->ntimed++;
	return 1;
}

int hostdeadline_timed_out(const struct hostdeadline *hd, const struct addr *a)
{
	const struct entry *e;

	if (!hostdeadline_enabled(hd))
		return 0;
	e = find(hd, a);
	return e && e->c.timed_out;
}

/* When c reaches the timeout, or UINT64_MAX when it does not run. */
static uint64_t due(const struct hostdeadline *hd, const struct clock *c,
		    uint64_t now)
{
	uint64_t used;

	if (!c->running || c->timed_out)
		return UINT64_MAX;
	used = clock_used(c, now);
	if (used >= hd->timeout)
		return now;
	return hd->timeout - used > UINT64_MAX - now ? UINT64_MAX - 1
						     : now + hd->timeout - used;
}

uint64_t hostdeadline_latest(const struct hostdeadline *hd, uint64_t now)
{
	uint64_t best = 0;
	int any = 0;

	if (!hostdeadline_enabled(hd))
		return UINT64_MAX;
	if (hd->group.running) {
		best = due(hd, &hd->group, now);
		any = 1;
	}
	for (size_t i = 0; i < hd->cap; i++) {
		uint64_t d;

		if (!hd->tab[i].live || !hd->tab[i].c.running)
			continue;
		d = due(hd, &hd->tab[i].c, now);
		best = !any || d > best ? d : best;
		any = 1;
	}
	return any ? best : UINT64_MAX;
}

uint64_t hostdeadline_earliest(const struct hostdeadline *hd, uint64_t now)
{
	uint64_t best = UINT64_MAX;

	if (!hostdeadline_enabled(hd))
		return UINT64_MAX;
	if (hd->group.running)
		best = due(hd, &hd->group, now);
	for (size_t i = 0; i < hd->cap; i++) {
		uint64_t d;

		if (!hd->tab[i].live || !hd->tab[i].c.running)
			continue;
		d = due(hd, &hd->tab[i].c, now);
		best = d < best ? d : best;
	}
	return best;
}

size_t hostdeadline_count(const struct hostdeadline *hd)
{
	return hd ? hd->ntimed : 0;
}
