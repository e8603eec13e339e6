/* stream.c -- discovery and the sweep of one host group at once: a host found up is swept without waiting for discovery's end. */
#include "engine/core/stream.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "engine/core/privsetup.h"
#include "engine/sweep/hostfeed.h"
#include "netstack/base/util.h"

int stream_wanted(const struct scan *g)
{
	const struct scan_opts *o = g->opt;

	return !o->skip_ping && !o->ping_only && !o->unprivileged &&
	       !o->dry_run && o->tcp_scan != TCP_SCAN_CONNECT &&
	       synscan_needs_capture(o) && synscan_ports_per_host(o) > 0 &&
	       g->priv && g->priv->sweep && g->priv->disc &&
	       targets_count(o->targets) <= HOSTFEED_MAX_TARGETS;
}

/* The sweep's thread: its own struct scan, sharing g's tables. */
struct sweeper {
	struct scan sw;
	int rc;
	char err[256];
};

static void *sweeper_main(void *arg)
{
	struct sweeper *sp = arg;

	sp->rc = synscan_run(&sp->sw, sp->err, sizeof(sp->err));
	return NULL;
}

int stream_run(struct scan *g, struct pktio *io, struct disc_results *r,
	       struct disc_stats *st, struct scan_stats *sweep_st, char *err,
	       size_t errlen)
{
	struct hostfeed feed;
	struct sweeper *sp = xmalloc(sizeof(*sp));
	pthread_t th;
	int rc;

	hostfeed_init(&feed, targets_count(g->opt->targets), g->opt->rate,
		      now_ns());
	/*
	 * A copy: the sweep writes its own counters and times while
	 * discovery writes g's; results, neighbours, the deadline table
	 * (read only) and the handles are shared.
	 */
	sp->sw = *g;
	sp->sw.disc = NULL;
	sp->sw.feed = &feed;
	g->feed = &feed;
	if (pthread_create(&th, NULL, sweeper_main, sp) != 0) {
		g->feed = NULL;
		hostfeed_destroy(&feed);
		free(sp);
		snprintf(err, errlen, "cannot start the sweep's thread");
		return -1;
	}
	rc = disc_run(g, io, r, st, err, errlen);
	/* Whatever happened, no more hosts: the sweep ends its passes. */
	hostfeed_close(&feed);
	pthread_join(th, NULL);
	g->feed = NULL;
	g->handoffs = sp->sw.handoffs;
	*sweep_st = sp->sw.st;
	if (rc == 0 && sp->rc < 0) {
		snprintf(err, errlen, "%s", sp->err);
		rc = -1;
	}
	hostfeed_destroy(&feed);
	free(sp);
	return rc;
}
