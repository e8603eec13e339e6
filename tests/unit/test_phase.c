/* test_phase.c -- the phase list: which phases, their order, when hosts go. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/cli/cli.h"
#include "engine/core/phase.h"
#include "engine/core/scanreport.h"
#include "netstack/addr.h"
#include "tests/unit/harness.h"

static volatile sig_atomic_t stop;

/* ---- the names of a built-in list ---- */

/* The names of the list argv's options build, comma-separated. */
static int names(char **argv, char *buf, size_t len)
{
	int argc = 0;
	struct scan_opts o;
	struct phase_list *pl;
	size_t k = 0;

	while (argv[argc])
		argc++;
	if (cli_parse(argc, argv, &o) != 0)
		return -1;
	pl = phase_list_new(&o);
	buf[0] = '\0';
	for (size_t i = 0; i < phase_list_count(pl); i++)
		k += (size_t)snprintf(buf + k, len - k, "%s%s", i ? "," : "",
				      phase_list_at(pl, i)->name);
	phase_list_free(pl, NULL);
	cli_free(&o);
	return 0;
}

#define NAMES(...) \
	names((char *[]){ "fathom", __VA_ARGS__, NULL }, buf, sizeof(buf))

/* ---- fake phases that record what was called ---- */

struct journal {
	char log[512];         /* "name.callback " in call order */
	int stop_in;           /* a phase of this number sets the stop flag */
	int fail_in;           /* a phase of this number fails */
	struct addr report[4]; /* hosts the "version" fake reports, in order */
	size_t nreport;
};

static struct journal J;

static void note(const char *what)
{
	size_t k = strlen(J.log);

	snprintf(J.log + k, sizeof(J.log) - k, "%s ", what);
}

static void on_host(struct phase_run *run, const struct scan *g,
		    const struct hostiter_host *h)
{
	char b[64];

	(void)run, (void)g;
	snprintf(b, sizeof(b), "host.%s", h->ip);
	note(b);
}

static void on_partial(struct phase_run *run, const struct scan *g)
{
	(void)run, (void)g;
	note("partial");
}

/* Every callback of "off", which its enabled() refuses. */
static int off_enabled(const struct scan_opts *o)
{
	(void)o;
	note("off.enabled");
	return 0;
}

static int off_priv(struct phase_inst *ph, struct phase_run *run, char *err,
		    size_t errlen)
{
	(void)ph, (void)run, (void)err, (void)errlen;
	note("off.priv_setup");
	return 0;
}

static int off_holds(struct phase_inst *ph, const struct scan *g,
		     const struct hostiter_host *h)
{
	(void)ph, (void)g, (void)h;
	note("off.holds");
	return 1;
}

static int off_run(struct phase_inst *ph, struct phase_run *run, struct scan *g,
		   char *err, size_t errlen)
{
	(void)ph, (void)run, (void)g, (void)err, (void)errlen;
	note("off.run");
	return 0;
}

static void off_end(struct phase_inst *ph, struct phase_run *run,
		    struct scan *g)
{
	(void)ph, (void)run, (void)g;
	note("off.group_end");
}

static void off_free(struct phase_inst *ph, struct phase_run *run)
{
	(void)ph, (void)run;
	note("off.free");
}

static const struct phase fake_off = {
	.name = "off",
	.enabled = off_enabled,
	.priv_setup = off_priv,
	.holds = off_holds,
	.run = off_run,
	.group_end = off_end,
	.free = off_free,
};

/*
 * The shape a new phase takes: one struct in its own file, filling only
 * what it needs; the list supplies every other callback.
 */
static int first_run(struct phase_inst *ph, struct phase_run *run,
		     struct scan *g, char *err, size_t errlen)
{
	(void)run, (void)g, (void)err, (void)errlen;
	note("first.run");
	ph->ctx = malloc(16); /* the default free() frees it */
	return 0;
}

static const struct phase fake_first = { .name = "first", .run = first_run };

/* Like -sV: holds hosts with an open TCP port, reports them one by one. */
static int ver_holds(struct phase_inst *ph, const struct scan *g,
		     const struct hostiter_host *h)
{
	(void)ph, (void)g;
	for (size_t i = 0; i < h->nres; i++)
		if (h->res[i].state == PS_OPEN)
			return 1;
	return 0;
}

static int ver_run(struct phase_inst *ph, struct phase_run *run, struct scan *g,
		   char *err, size_t errlen)
{
	(void)ph, (void)run;
	note("ver.run");
	for (size_t i = 0; i < J.nreport; i++) {
		char b[32];

		snprintf(b, sizeof(b), "ver.done.%u", J.report[i].b[3]);
		note(b);
		g->host_done(g->host_done_arg, &J.report[i]);
		if (J.stop_in == 2 && i == 0) {
			*g->stop = 1;
			return 0;
		}
	}
	if (J.fail_in == 2) {
		snprintf(err, errlen, "ver failed");
		return -1;
	}
	return 0;
}

static const struct phase fake_ver = {
	.name = "ver",
	.holds = ver_holds,
	.run = ver_run,
};

/* Like -O: every host waits for its end (the default holds). */
static int last_run(struct phase_inst *ph, struct phase_run *run,
		    struct scan *g, char *err, size_t errlen)
{
	(void)ph, (void)run, (void)g, (void)err, (void)errlen;
	note("last.run");
	return 0;
}

static const struct phase fake_last = { .name = "last", .run = last_run };

/* ---- a group of three hosts: .1 open, .2 closed only, .3 open ---- */

struct fixture {
	struct scan_opts o;
	struct phase_run run;
	struct scan g;
	uint64_t idx;
};

static struct addr ip(const char *s)
{
	struct addr a = { 0 };

	addr_parse(s, &a);
	return a;
}

static void answer(struct fixture *fx, const char *addr, uint16_t port,
		   int state)
{
	struct port_result pr = {
		.addr = ip(addr),
		.from = ip(addr),
		.port = port,
		.proto = IPPROTO_TCP,
		.state = (uint8_t)state,
		.reason = state == PS_OPEN ? RS_SYN_ACK : RS_RESET,
		.ttl = 64,
	};

	results_add(fx->g.res, fx->idx++, &pr);
}

static int setup(struct fixture *fx)
{
	char *argv[] = { "fathom", "-p22,80", "198.18.9.1-3", NULL };

	memset(fx, 0, sizeof(*fx));
	memset(&J, 0, sizeof(J));
	stop = 0;
	if (cli_parse(3, argv, &fx->o) != 0)
		return -1;
	scan_init(&fx->run.top, &fx->o, &stop);
	fx->run.host = on_host;
	fx->run.partial = on_partial;
	scan_init(&fx->g, &fx->o, &stop);
	answer(fx, "198.18.9.1", 22, PS_OPEN);
	answer(fx, "198.18.9.2", 80, PS_CLOSED);
	answer(fx, "198.18.9.3", 80, PS_OPEN);
	/* As a sweep before these phases would have left the table. */
	fx->g.tab = hosttab_new(fx->o.timing.min_rtt_ms,
				fx->o.timing.max_rtt_ms, NULL);
	scanreport_ports(&fx->g);
	return 0;
}

static int run_with(struct fixture *fx, const struct phase *const *order,
		    size_t n)
{
	struct phase_list *pl = phase_list_from(order, n, &fx->o);
	char err[64] = "";
	int rc = phase_list_run_group(pl, &fx->run, &fx->g, err, sizeof(err));

	phase_list_end_group(pl, &fx->run, &fx->g);
	phase_list_free(pl, &fx->run);
	return rc;
}

static void teardown(struct fixture *fx)
{
	hosttab_free(fx->g.tab); /* a run's group end freed it already */
	scan_free(&fx->g);
	scan_free(&fx->run.top);
	cli_free(&fx->o);
}

int main(void)
{
	const char *dir = getenv("FATHOM_SRCDIR");
	char datadir[1100], buf[128];

	snprintf(datadir, sizeof(datadir), "%s/probes", dir ? dir : ".");
	setenv("FATHOM_DATADIR", datadir, 1);

	CASE("the built-in list follows the options, in the run's order")
	{
		CHECK(NAMES("198.18.0.1") == 0);
		CHECK_STR(buf, "discovery,sweep");
		CHECK(NAMES("-sU", "198.18.0.1") == 0);
		CHECK_STR(buf, "discovery,sweep");
		CHECK(NAMES("-sV", "198.18.0.1") == 0);
		CHECK_STR(buf, "discovery,sweep,version");
		CHECK(NAMES("-O", "198.18.0.1") == 0);
		CHECK_STR(buf, "discovery,sweep,os");
		CHECK(NAMES("-O", "-sV", "198.18.0.1") == 0);
		CHECK_STR(buf, "discovery,sweep,version,os");
		CHECK(NAMES("-A", "198.18.0.1") == 0);
		CHECK_STR(buf, "discovery,sweep,version,os,trace");
		CHECK(NAMES("--traceroute", "198.18.0.1") == 0);
		CHECK_STR(buf, "discovery,sweep,trace");
		CHECK(NAMES("-sn", "--traceroute", "198.18.0.1") == 0);
		CHECK_STR(buf, "discovery,trace");
		/* -Pn: no discovery; -sn: discovery alone (-sV ignored). */
		CHECK(NAMES("-Pn", "-sV", "198.18.0.1") == 0);
		CHECK_STR(buf, "sweep,version");
		CHECK(NAMES("-sn", "198.18.0.1") == 0);
		CHECK_STR(buf, "discovery");
		CHECK(NAMES("-sn", "-sV", "198.18.0.1") == 0);
		CHECK_STR(buf, "discovery");
		CHECK(NAMES("-sn", "-Pn", "198.18.0.1") == 0);
		CHECK_STR(buf, "discovery");
	}

	CASE("-6: discovery, -sV and the trace stay, -O is dropped (IPv4-only) after a warning")
	{
		char *argv[] = { "fathom",    "-6", "-A",
				 "--dry-run", "-n", "fd5a:7a6f:1ab0:1::10",
				 NULL };
		struct scan_opts o;
		struct phase_list *pl;
		size_t k = 0;

		/* A dry run lists its targets and says 1: done. */
		CHECK_EQ_U(cli_parse(6, argv, &o), 1);
		CHECK(o.version_detect && !o.os_detect);
		pl = phase_list_new(&o);
		buf[0] = '\0';
		for (size_t i = 0; i < phase_list_count(pl); i++)
			k += (size_t)snprintf(buf + k, sizeof(buf) - k, "%s%s",
					      i ? "," : "",
					      phase_list_at(pl, i)->name);
		CHECK_STR(buf, "discovery,sweep,version,trace");
		phase_list_free(pl, NULL);
		cli_free(&o);
	}

	CASE("a disabled phase: asked once, no other callback ever called")
	{
		static const struct phase *const order[] = { &fake_first,
							     &fake_off,
							     &fake_last };
		struct fixture fx;
		struct phase_list *pl;
		char err[64];

		CHECK(setup(&fx) == 0);
		pl = phase_list_from(order, 3, &fx.o);
		CHECK_EQ_U(phase_list_count(pl), 2);
		CHECK(phase_list_at(pl, 1) == &fake_last);
		CHECK(phase_list_priv_setup(pl, &fx.run, err, sizeof(err)) ==
		      0);
		CHECK(phase_list_run_group(pl, &fx.run, &fx.g, err,
					   sizeof(err)) == 0);
		phase_list_end_group(pl, &fx.run, &fx.g);
		phase_list_free(pl, &fx.run);
		CHECK_STR(J.log, "off.enabled first.run last.run "
				 "host.198.18.9.1 host.198.18.9.2 "
				 "host.198.18.9.3 ");
		teardown(&fx);
	}

	CASE("a new phase is one struct plus one line in the order")
	{
		/* fake_first fills only .name and .run. */
		static const struct phase *const order[] = { &fake_first,
							     &fake_ver };
		struct fixture fx;

		CHECK(setup(&fx) == 0);
		J.report[J.nreport++] = ip("198.18.9.1");
		J.report[J.nreport++] = ip("198.18.9.3");
		CHECK(run_with(&fx, order, 2) == 0);
		/* .2 has nothing for "ver": written before it starts. */
		CHECK_STR(J.log, "first.run ver.run ver.done.1 "
				 "host.198.18.9.1 host.198.18.9.2 ver.done.3 "
				 "host.198.18.9.3 ");
		teardown(&fx);
	}

	CASE("hosts wait in address order for every phase that holds them")
	{
		static const struct phase *const order[] = { &fake_first,
							     &fake_ver };
		static const struct phase *const with_last[] = { &fake_first,
								 &fake_ver,
								 &fake_last };
		struct fixture fx;

		/* .3 first: it waits for .1, which waits for "ver". */
		CHECK(setup(&fx) == 0);
		J.report[J.nreport++] = ip("198.18.9.3");
		J.report[J.nreport++] = ip("198.18.9.1");
		CHECK(run_with(&fx, order, 2) == 0);
		CHECK_STR(J.log, "first.run ver.run ver.done.3 ver.done.1 "
				 "host.198.18.9.1 host.198.18.9.2 "
				 "host.198.18.9.3 ");
		teardown(&fx);

		/* A later phase that holds every host: all after it. */
		CHECK(setup(&fx) == 0);
		J.report[J.nreport++] = ip("198.18.9.1");
		J.report[J.nreport++] = ip("198.18.9.3");
		CHECK(run_with(&fx, with_last, 3) == 0);
		CHECK_STR(J.log, "first.run ver.run ver.done.1 ver.done.3 "
				 "last.run host.198.18.9.1 host.198.18.9.2 "
				 "host.198.18.9.3 ");
		teardown(&fx);
	}

	CASE("interrupted: no later phase, the marker, then the rest")
	{
		static const struct phase *const order[] = { &fake_first,
							     &fake_ver,
							     &fake_last };
		struct fixture fx;

		CHECK(setup(&fx) == 0);
		J.stop_in = 2;
		J.report[J.nreport++] = ip("198.18.9.3");
		J.report[J.nreport++] = ip("198.18.9.1");
		CHECK(run_with(&fx, order, 3) == 0);
		CHECK(fx.run.top.st.interrupted);
		CHECK_STR(J.log, "first.run ver.run ver.done.3 partial "
				 "host.198.18.9.1 host.198.18.9.2 "
				 "host.198.18.9.3 ");
		teardown(&fx);
	}

	CASE("a failed phase: -1, no later phase, no host written")
	{
		static const struct phase *const order[] = { &fake_first,
							     &fake_ver,
							     &fake_last };
		struct fixture fx;

		CHECK(setup(&fx) == 0);
		J.fail_in = 2;
		CHECK(run_with(&fx, order, 3) == -1);
		CHECK_STR(J.log, "first.run ver.run ");
		teardown(&fx);
	}
	return DONE();
}
