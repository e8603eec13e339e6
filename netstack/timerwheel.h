/* timerwheel.h -- a hashed timing wheel of intrusive, one-shot timers. */
#ifndef FATHOM_TIMERWHEEL_H
#define FATHOM_TIMERWHEEL_H

#include <stddef.h>
#include <stdint.h>

/*
 * TW_SLOTS slots of TW_TICK_MS each (10.24 s per turn). A timer sits in the
 * slot of its expiry tick; timers further away than one turn stay in their
 * slot and are skipped until their turn comes, so arming, cancelling and
 * firing are O(1) and a tick costs only the timers hashed to its slot.
 * Timers never fire early; they fire up to one tick late.
 *
 * The entry is embedded in its owner (container_of style), so the wheel
 * never allocates after tw_new().
 */
#define TW_TICK_MS 10
#define TW_SLOTS 1024

struct tw_entry {
	struct tw_entry *next, *prev; /* NULL when not armed */
	uint64_t expire;              /* tick */
};

struct tw_wheel;

/* A wheel whose clock starts at now_ms. Aborts on OOM. */
struct tw_wheel *tw_new(uint64_t now_ms);
/* Frees the wheel; armed entries are simply forgotten. Accepts NULL. */
void tw_free(struct tw_wheel *w);

/* Marks e as not armed (call once before first use). */
void tw_entry_init(struct tw_entry *e);
int tw_armed(const struct tw_entry *e);

/*
 * (Re)arms e to fire at the first tw_run() whose now_ms >= when_ms (a time
 * in the past fires at the next tick).
 */
void tw_arm(struct tw_wheel *w, struct tw_entry *e, uint64_t when_ms);
/* Disarms e; a no-op if it is not armed. Safe from inside a callback. */
void tw_cancel(struct tw_wheel *w, struct tw_entry *e);

/*
 * Fires every entry due at now_ms, each unlinked before fn(e, arg) is
 * called. fn may arm or cancel any entry (including e, and entries due in
 * this same run); entries it arms fire on a later run, never this one.
 */
void tw_run(struct tw_wheel *w, uint64_t now_ms,
	    void (*fn)(struct tw_entry *e, void *arg), void *arg);

/* Milliseconds until the next entry is due (0 if overdue), -1 if none. */
int64_t tw_next(const struct tw_wheel *w, uint64_t now_ms);

/* Number of armed entries. */
size_t tw_count(const struct tw_wheel *w);

#endif
