/* stats.c -- nmap's "Stats:" status on a key press and with --stats-every. */
#include "config.h"

#include "engine/report/stats.h"

#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "engine/core/hostiter.h"
#include "engine/report/progress.h"
#include "netstack/base/util.h"

static void hms(double secs, char *buf, size_t len)
{
	uint64_t t = secs > 0 ? (uint64_t)secs : 0;

	snprintf(buf, len, "%llu:%02llu:%02llu", (unsigned long long)(t / 3600),
		 (unsigned long long)(t / 60 % 60),
		 (unsigned long long)(t % 60));
}

size_t stats_format(const struct stats_snap *s, char *buf, size_t len,
		    uint64_t *remaining, time_t *etc)
{
	char el[32], left[32], at[16];
	size_t n;

	*remaining = 0;
	*etc = 0;
	hms(s->elapsed, el, sizeof(el));
	n = (size_t)snprintf(buf, len,
			     "Stats: %s elapsed; %llu hosts completed (%llu "
			     "up)",
			     el, (unsigned long long)s->completed,
			     (unsigned long long)s->up);
	if (n < len && s->task)
		n += (size_t)snprintf(buf + n, len - n, ", %llu undergoing %s",
				      (unsigned long long)s->undergoing,
				      s->task);
	if (n < len)
		n += (size_t)snprintf(buf + n, len - n, "\n");
	if (n >= len || s->task == NULL)
		return n < len ? n : len - 1;
	if (s->frac < 0.01) {
		n += (size_t)snprintf(buf + n, len - n,
				      "%s Timing: About %.2f%% done\n", s->task,
				      s->frac * 100.0);
	} else {
		double rem = s->task_elapsed * (1.0 - s->frac) / s->frac;

		if (rem > 10 * 86400.0) {
			n += (size_t)snprintf(buf + n, len - n,
					      "%s Timing: About %.2f%% done; "
					      "ETC: Unknown (>10 days "
					      "remaining)\n",
					      s->task, s->frac * 100.0);
		} else {
			struct tm tm;

			*remaining = (uint64_t)(rem + 0.5);
			*etc = s->now + (time_t)*remaining;
			localtime_r(etc, &tm);
			strftime(at, sizeof(at), "%H:%M", &tm);
			hms((double)*remaining, left, sizeof(left));
			n += (size_t)snprintf(buf + n, len - n,
					      "%s Timing: About %.2f%% done; "
					      "ETC: %s (%s remaining)\n",
					      s->task, s->frac * 100.0, at,
					      left);
		}
	}
	return n < len ? n : len - 1;
}

struct stats {
	struct outputs *out;
	uint64_t start_ns; /* the run's start, now_ns()'s clock */
	struct stats_counts *counts;
	uint64_t every_ms;
	int tty;              /* reading key presses */
	struct termios saved; /* the terminal as we found it */
	pthread_t th;
	_Atomic int run;
};

static void report(struct stats *st)
{
	struct stats_snap sn = { 0 };
	uint64_t began, remaining;
	time_t etc;
	char buf[512];

	sn.elapsed = (double)(now_ns() - st->start_ns) / 1e9;
	sn.completed = atomic_load(&st->counts->completed);
	sn.up = atomic_load(&st->counts->up);
	sn.undergoing = atomic_load(&st->counts->undergoing);
	sn.now = time(NULL);
	if (progress_task_get(&sn.task, &sn.frac, &began) == 0)
		sn.task_elapsed = (double)(now_ns() - began) / 1e9;
	stats_format(&sn, buf, sizeof(buf), &remaining, &etc);
	progress_clear();
	outputs_screen(st->out, buf);
	if (sn.task) {
		struct report_task t = { .event = REPORT_TASK_PROGRESS,
					 .task = sn.task,
					 .time = sn.now,
					 .percent = sn.frac * 100.0,
					 .remaining = remaining,
					 .etc = etc ? etc : sn.now };

		outputs_task(st->out, &t);
	}
}

static void *stats_main(void *arg)
{
	struct stats *st = arg;
	uint64_t next = st->every_ms ? now_ns() + st->every_ms * 1000000ull
				     : UINT64_MAX;

	while (atomic_load(&st->run)) {
		struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
		uint64_t now = now_ns();
		int wait = 100, key = 0;

		if (next != UINT64_MAX && next > now &&
		    (next - now) / 1000000ull < 100)
			wait = (int)((next - now) / 1000000ull);
		if (st->tty) {
			if (poll(&p, 1, wait) > 0 && (p.revents & POLLIN)) {
				char c[64];

				/* Any key, as nmap; the bytes are dropped. */
				key = read(STDIN_FILENO, c, sizeof(c)) > 0;
			}
		} else {
			struct timespec ts = { 0, (long)wait * 1000000L };

			nanosleep(&ts, NULL);
		}
		if (!atomic_load(&st->run))
			break;
		now = now_ns();
		if (now >= next) {
			key = 1;
			next = now + st->every_ms * 1000000ull;
		}
		if (key)
			report(st);
	}
	return NULL;
}

struct stats *stats_start(struct outputs *out, uint64_t start_ns,
			  struct stats_counts *counts, uint64_t every_ms)
{
	struct stats *st;
	int tty = isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == getpgrp();

	if (!tty && every_ms == 0)
		return NULL;
	st = xmalloc(sizeof(*st));
	st->out = out;
	st->start_ns = start_ns;
	st->counts = counts;
	st->every_ms = every_ms;
	if (tty && tcgetattr(STDIN_FILENO, &st->saved) == 0) {
		struct termios raw = st->saved;

		/* Keys arrive one at a time and are not echoed. */
		raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
		raw.c_cc[VMIN] = 0;
		raw.c_cc[VTIME] = 0;
		st->tty = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
	}
	atomic_store(&st->run, 1);
	if (pthread_create(&st->th, NULL, stats_main, st) != 0) {
		if (st->tty)
			tcsetattr(STDIN_FILENO, TCSANOW, &st->saved);
		free(st);
		return NULL;
	}
	return st;
}

void stats_stop(struct stats *st)
{
	if (st == NULL)
		return;
	atomic_store(&st->run, 0);
	pthread_join(st->th, NULL);
	if (st->tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &st->saved);
	free(st);
}
