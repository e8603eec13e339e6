/* privsetup.c -- the run's one privileged set-up step: route, handles, guard. */
#include "engine/core/privsetup.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/core/privs.h"
#include "engine/sweep/synscan.h"
#include "netstack/pktio.h"

/*
 * The monitor: CAP_NET_ADMIN alone, deaf to the terminal's signals,
 * holding nothing but the pipe's read end. EOF means the main process is gone, however it
 * went; then the table goes too.
 */
static void monitor_main(struct rstguard *g, int rfd)
{
	char buf[64], what[160], err[160];
	long maxfd = sysconf(_SC_OPEN_MAX);
	int null = open("/dev/null", O_RDWR);

	/*
	 * It lives as long as the run: it keeps CAP_NET_ADMIN for nft and
	 * nothing else (privs_confine_monitor()). Said while stderr is
	 * still fathom's; if some step fails it still does its one job.
	 */
	if (privs_confine_monitor(what, sizeof(what), err, sizeof(err)) < 0)
		fprintf(stderr,
			"fathom: warning: the nft guard's monitor "
			"keeps more privileges than it needs: %s\n",
			err);
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	/*
	 * The captures, the outputs, the terminal or pipes on 0-2 (a reader
	 * of fathom's stdout must see EOF when fathom ends): none of them is
	 * the monitor's.
	 */
	for (int fd = 0; fd <= 2 && null >= 0; fd++)
		if (fd != rfd)
			dup2(null, fd);
	for (long fd = 3; fd < (maxfd > 0 ? maxfd : 1024); fd++)
		if (fd != rfd)
			close((int)fd);
	for (;;) {
		ssize_t n = read(rfd, buf, sizeof(buf));

		if (n == 0 || (n < 0 && errno != EINTR))
			break;
	}
	rstguard_remove(g);
	_exit(0);
}

/* Hands the guard's table over to a monitor process. */
static int start_monitor(struct privsetup *ps, char *err, size_t errlen)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	fflush(NULL); /* nothing buffered is written twice */
	ps->monitor = fork();
	if (ps->monitor < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		ps->monitor = 0;
		return -1;
	}
	if (ps->monitor == 0) {
		close(p[1]);
		monitor_main(&ps->guard, p[0]);
	}
	close(p[0]);
	ps->monitor_fd = p[1];
	/* The table is the monitor's to delete now, never this process's. */
	ps->guard.active = 0;
	return 0;
}

int privsetup_open(struct privsetup *ps, const struct scan_opts *o, char *err,
		   size_t errlen)
{
	memset(ps, 0, sizeof(*ps));
	ps->monitor_fd = -1;
	if (synscan_plan_route(o, &ps->hop, err, errlen) < 0)
		goto fail;
	if (!synscan_needs_capture(o))
		return 0; /* -sT alone, or no CAP_NET_RAW: nothing raw */
	ps->sweep = synscan_open_capture(o, &ps->hop, err, errlen);
	if (ps->sweep == NULL)
		goto fail;
	return 0;
fail:
	privsetup_close(ps);
	return -1;
}

int privsetup_seal(struct privsetup *ps, char *err, size_t errlen)
{
	if (ps->guard.active && start_monitor(ps, err, errlen) < 0)
		return -1;
	/* Idle until the sweep resumes it: nothing queues meanwhile. */
	return ps->sweep ? pktio_pause(ps->sweep, err, errlen) : 0;
}

void privsetup_close(struct privsetup *ps)
{
	pktio_close(ps->sweep);
	pktio_close(ps->vscan);
	pktio_close(ps->os);
	pktio_close(ps->disc);
	pktio_close(ps->trace);
	ps->sweep = ps->vscan = ps->os = ps->disc = ps->trace = NULL;
	if (ps->monitor_fd >= 0) {
		close(ps->monitor_fd);
		ps->monitor_fd = -1;
	}
	/* The table is gone when the monitor is: this run leaves nothing. */
	if (ps->monitor > 0) {
		while (waitpid(ps->monitor, NULL, 0) < 0 && errno == EINTR)
			;
		ps->monitor = 0;
	}
	rstguard_remove(&ps->guard); /* only when no monitor took it */
}
