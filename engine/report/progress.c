/* progress.c -- a status line on stderr while a scan runs, if a terminal. */
#include "engine/report/progress.h"

#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "netstack/base/util.h"

/*
 * One progress line per process is a property of the terminal, not of a
 * scan, so this module keeps its state in file statics on purpose.
 */
static struct {
	_Atomic uint64_t *pos, *sent;
	_Atomic int *pass;
	uint64_t total, start;
	struct results *res;
	pthread_t th;
	_Atomic int run, drawn;
	pthread_mutex_t lock;
} pg = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void draw(void)
{
	uint64_t pos = atomic_load(pg.pos), sent = atomic_load(pg.sent);
	double el = (double)(now_ns() - pg.start) / 1e9;
	double pct = pg.total ? 100.0 * (double)pos / (double)pg.total : 100;
	double rate = el > 0 ? (double)sent / el : 0;
	double eta = pos && pos < pg.total
			     ? el * (double)(pg.total - pos) / (double)pos
			     : 0;

	pthread_mutex_lock(&pg.lock);
	fprintf(stderr,
		"\r\033[Kpass %d: %5.1f%% done, %.1f kpps, %zu replies, "
		"ETA %d:%02d",
		atomic_load(pg.pass) + 1, pct, rate / 1000.0,
		results_count(pg.res), (int)eta / 60, (int)eta % 60);
	atomic_store(&pg.drawn, 1);
	pthread_mutex_unlock(&pg.lock);
}

static void *progress_main(void *arg)
{
	struct timespec ts = { 0, 250000000L };
	int tick = 0;

	(void)arg;
	while (atomic_load(&pg.run)) {
		nanosleep(&ts, NULL);
		if (++tick % 2 == 0 && atomic_load(&pg.run))
			draw();
	}
	return NULL;
}

void progress_start(_Atomic uint64_t *pos, _Atomic int *pass, uint64_t total,
		    _Atomic uint64_t *sent, struct results *res)
{
	if (!isatty(STDERR_FILENO) || atomic_load(&pg.run))
		return;
	pg.pos = pos;
	pg.pass = pass;
	pg.total = total;
	pg.sent = sent;
	pg.res = res;
	pg.start = now_ns();
	atomic_store(&pg.run, 1);
	if (pthread_create(&pg.th, NULL, progress_main, NULL) != 0)
		atomic_store(&pg.run, 0);
}

void progress_clear(void)
{
	if (!atomic_load(&pg.drawn))
		return;
	pthread_mutex_lock(&pg.lock);
	fputs("\r\033[K", stderr);
	atomic_store(&pg.drawn, 0);
	pthread_mutex_unlock(&pg.lock);
}

void progress_stop(void)
{
	if (!atomic_load(&pg.run))
		return;
	atomic_store(&pg.run, 0);
	pthread_join(pg.th, NULL);
	progress_clear();
}

/* The phase for status lines; like the line, one per process. */
static struct {
	pthread_mutex_t lock;
	const char *task;
	_Atomic uint64_t *done;
	uint64_t total, began;
} pt = { .lock = PTHREAD_MUTEX_INITIALIZER };

void progress_task_set(const char *task, _Atomic uint64_t *done, uint64_t total)
{
	pthread_mutex_lock(&pt.lock);
	pt.task = task;
	pt.done = done;
	pt.total = total;
	pt.began = now_ns();
	pthread_mutex_unlock(&pt.lock);
}

void progress_task_clear(void)
{
	pthread_mutex_lock(&pt.lock);
	pt.task = NULL;
	pt.done = NULL;
	pthread_mutex_unlock(&pt.lock);
}

int progress_task_get(const char **task, double *frac, uint64_t *began_ns)
{
	int rc = -1;

	pthread_mutex_lock(&pt.lock);
	if (pt.task) {
		uint64_t d = atomic_load(pt.done);

		*task = pt.task;
		*frac = pt.total ? (double)(d > pt.total ? pt.total : d) /
					   (double)pt.total
				 : 1.0;
		*began_ns = pt.began;
		rc = 0;
	}
	pthread_mutex_unlock(&pt.lock);
	return rc;
}
