/* timerwheel.c -- a hashed timing wheel of intrusive, one-shot timers. */
#include "netstack/timerwheel.h"

#include <stdlib.h>

#define TW_MASK (TW_SLOTS - 1)
#define TW_WORDS (TW_SLOTS / 64)

struct tw_wheel {
	struct tw_entry slot[TW_SLOTS]; /* circular lists, sentinel heads */
	uint64_t busy[TW_WORDS];        /* bit set: slot may be non-empty */
	uint64_t now_tick;              /* every tick <= this has been run */
	size_t count;
};

static void list_init(struct tw_entry *h)
{
	h->next = h->prev = h;
}

static int list_empty(const struct tw_entry *h)
{
	return h->next == h;
}

static void list_add(struct tw_entry *h, struct tw_entry *e)
{
	e->prev = h->prev;
	e->next = h;
	h->prev->next = e;
	h->prev = e;
}

static void list_del(struct tw_entry *e)
{
	e->prev->next = e->next;
	e->next->prev = e->prev;
	e->next = e->prev = NULL;
}

struct tw_wheel *tw_new(uint64_t now_ms)
{
	struct tw_wheel *w = calloc(1, sizeof(*w));

	if (w == NULL)
		abort(); /* the CLI's policy: OOM is fatal */
	for (size_t i = 0; i < TW_SLOTS; i++)
		list_init(&w->slot[i]);
	w->now_tick = now_ms / TW_TICK_MS;
	return w;
}

void tw_free(struct tw_wheel *w)
{
	free(w);
}

void tw_entry_init(struct tw_entry *e)
{
	e->next = e->prev = NULL;
	e->expire = 0;
}

int tw_armed(const struct tw_entry *e)
{
	return e->next != NULL;
}

static void slot_insert(struct tw_wheel *w, struct tw_entry *e)
{
	size_t s = (size_t)(e->expire & TW_MASK);

	list_add(&w->slot[s], e);
	w->busy[s / 64] |= 1ull << (s % 64);
}

void tw_cancel(struct tw_wheel *w, struct tw_entry *e)
{
	if (!tw_armed(e))
		return;
	/*
	 * e may sit on tw_run's private list rather than in its slot; the
	 * unlink works the same, and the busy bit is only a hint.
	 */
	list_del(e);
	w->count--;
}

void tw_arm(struct tw_wheel *w, struct tw_entry *e, uint64_t when_ms)
{
	uint64_t t = when_ms / TW_TICK_MS + (when_ms % TW_TICK_MS != 0);

	if (t <= w->now_tick)
		t = w->now_tick + 1;
	if (tw_armed(e) && e->expire == t)
		return; /* re-armed every segment; usually unchanged */
	tw_cancel(w, e);
	e->expire = t;
	slot_insert(w, e);
	w->count++;
}

void tw_run(struct tw_wheel *w, uint64_t now_ms,
	    void (*fn)(struct tw_entry *e, void *arg), void *arg)
{
	uint64_t target = now_ms / TW_TICK_MS, start = w->now_tick + 1, n;
	struct tw_entry local;

	if (target < start)
		return;
	/* After a long pause one turn visits every slot once. */
	n = target - start + 1;
	if (n > TW_SLOTS)
		n = TW_SLOTS;
	/* Set first, so entries armed by callbacks land after target. */
	w->now_tick = target;
	for (uint64_t i = 0; i < n; i++) {
		size_t s = (size_t)((start + i) & TW_MASK);
		struct tw_entry *h = &w->slot[s];

		if (!(w->busy[s / 64] & (1ull << (s % 64))))
			continue;
		w->busy[s / 64] &= ~(1ull << (s % 64));
		if (list_empty(h))
			continue;
		/*
		 * Move the slot to a private list so callbacks can arm and
		 * cancel freely while we walk it.
		 */
		local.next = h->next;
		local.prev = h->prev;
		local.next->prev = &local;
		local.prev->next = &local;
		list_init(h);
		while (!list_empty(&local)) {
			struct tw_entry *e = local.next;

			list_del(e);
			if (e->expire > target) {
				slot_insert(w, e); /* a later turn */
				continue;
			}
			w->count--;
			fn(e, arg);
		}
	}
}

int64_t tw_next(const struct tw_wheel *w, uint64_t now_ms)
{
	uint64_t d = 1, due;

	if (w->count == 0)
		return -1;
	/* Every armed entry expires after now_tick; look one turn ahead. */
	while (d <= TW_SLOTS) {
		size_t s = (size_t)((w->now_tick + d) & TW_MASK);
		uint64_t bits = w->busy[s / 64] >> (s % 64);
		const struct tw_entry *h = &w->slot[s], *e;

		if (bits == 0) {
			d += 64 - s % 64; /* skip the rest of this word */
			continue;
		}
		if (!(bits & 1)) {
			d += (uint64_t)__builtin_ctzll(bits);
			continue;
		}
		for (e = h->next; e != h; e = e->next)
			if (e->expire <= w->now_tick + d)
				goto found;
		d++;
	}
	/*
	 * Nothing this turn: the rest expire more than a turn from now, so
	 * sleeping one turn only wakes us early.
	 */
	d = TW_SLOTS;
found:
	due = (w->now_tick + d) * TW_TICK_MS;
	return due > now_ms ? (int64_t)(due - now_ms) : 0;
}

size_t tw_count(const struct tw_wheel *w)
{
	return w->count;
}
