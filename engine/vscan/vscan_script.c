/* vscan_script.c -- fathom-script probes: what nmap's version scripts add. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netstack/base/util.h"
#include "engine/cli/cli.h"
#include "engine/vscan/vscan_int.h"

/*
 * nmap -sV ends with its version scripts: pptp-version, mqtt-subscribe,
 * murmur-version... fathom has no script engine; its own file carries,
 * as ordinary probes, what those scripts learn (PPTPStart,
 * MQTTSysVersion), marked fathom-script. A run on nmap's file would lose
 * them, so they are loaded beside it (cli_data.c) and sent here, after
 * that file's probes, on the ports nmap's scripts would visit.
 */
#define VSCRIPT_MIN_INTENSITY 7 /* nmap's version scripts' default rarity */

struct vscript {
	struct pconn pc; /* TCP: the probe's connection (pc.is_script) */
	const struct svc_probe *p;
	int state;         /* the verdict so far */
	int fd;            /* UDP: a connected datagram socket, else -1 */
	uint64_t deadline; /* UDP: ms */
};

void vs_scripts_find(struct vs *v)
{
	const struct svcdb *sdb = v->o->scriptdb;

	v->nscripts = 0;
	if (sdb == NULL)
		return;
	v->scripts = xcalloc(svcdb_nprobes(sdb) + 1, sizeof(*v->scripts));
	for (size_t i = 0; i < svcdb_nprobes(sdb); i++) {
		const struct svc_probe *p = svcdb_probe(sdb, i);

		/* The run's own file has it (a user's copy of ours). */
		if (p->script && !svcdb_find(v->db, p->proto, p->name))
			v->scripts[v->nscripts++] = p;
	}
}

/* nmap's shortport.version_port_or_service: the port or the service. */
static int script_applies(const struct service *sv, const struct svc_probe *p,
			  const char *service)
{
	if (svc_probe_port_listed(p, sv->out->port, 0))
		return 1;
	for (size_t i = 0; service && i < p->nservices; i++)
		if (strcmp(p->services[i], service) == 0)
			return 1;
	return 0;
}

/* A datagram socket connected to the service's port number, or -1. */
static int udp_open(const struct service *sv)
{
	struct sockaddr_storage to;
	socklen_t tolen =
		(socklen_t)addr_to_sockaddr(&sv->out->addr, sv->out->port,
					    (struct sockaddr *)&to, sizeof(to));
	int fd = socket(to.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			0);

	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&to, tolen) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Sends p for sv: 0, or -1 when it cannot go (no socket, no slot). */
static int script_start(struct service *sv, const struct svc_probe *p,
			int state)
{
	struct vscript *g = xcalloc(1, sizeof(*g));
	uint64_t now = vs_now_ms();

	g->p = p;
	g->state = state;
	g->fd = -1;
	g->pc.svc = sv;
	g->pc.probe = p;
	g->pc.rank = 1 << 20;
	g->pc.is_script = 1;
	if (p->proto == IPPROTO_UDP) {
		g->fd = udp_open(sv);
		g->deadline = now + p->totalwaitms;
		if (g->fd < 0 || send(g->fd, p->payload, p->payload_len, 0) < 0)
			goto fail;
	} else {
		g->pc.deadline = now + VS_CONNECT_MS;
		g->pc.conn = vs_conn_open(sv->vs, sv, &g->pc, now);
		if (g->pc.conn == NULL)
			goto fail;
	}
	sv->script = g;
	vs_trace(sv->vs, &g->pc, "sent (fathom-script)");
	return 0;
fail:
	if (g->fd >= 0)
		close(g->fd);
	free(g);
	return -1;
}

int vs_script_begin(struct service *sv, int state)
{
	struct vs *v = sv->vs;
	const char *service = state == VS_MATCHED ? sv->best.service
			      : state == VS_SOFT  ? sv->soft.service
						  : NULL;

	if (v->o->version_intensity < VSCRIPT_MIN_INTENSITY ||
	    (state != VS_MATCHED && state != VS_SOFT && state != VS_NOMATCH))
		return 0;
	while (sv->script_next < v->nscripts) {
		const struct svc_probe *p = v->scripts[sv->script_next++];

		if (script_applies(sv, p, service) &&
		    script_start(sv, p, state) == 0)
			return 1;
	}
	return 0;
}

/* A hard match among p's own lines (not its fallbacks' or NULL's). */
static int script_match(const struct vs *v, const struct svc_probe *p,
			const uint8_t *d, size_t n, struct svc_answer *a)
{
	for (size_t i = 0; i < p->nmatches; i++)
		if (!p->matches[i].soft &&
		    svcmatch_line(v->o->scriptdb, &p->matches[i], d, n, a) ==
			    SVC_HARD)
			return 1;
	return 0;
}

/* The UDP reply, if one has come (the first datagram only). */
static void udp_take(struct vscript *g)
{
	uint8_t buf[2048];
	ssize_t n;

	if (g->pc.len || g->fd < 0)
		return;
	n = recv(g->fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n > 0)
		vs_append(&g->pc, buf, (size_t)n);
	else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
		g->pc.concluded = 1; /* ICMP unreachable: nobody there */
}

void vs_script_evaluate(struct service *sv, uint64_t now)
{
	struct vscript *g = sv->script;
	struct svc_answer a;
	int matched, state = g->state;

	if (g->p->proto == IPPROTO_UDP)
		udp_take(g);
	matched = g->pc.len &&
		  script_match(sv->vs, g->p, g->pc.buf, g->pc.len, &a);
	if (!matched && !g->pc.concluded &&
	    now < (g->fd >= 0 ? g->deadline : g->pc.deadline))
		return;
	vs_trace(sv->vs, &g->pc,
		 matched ? "matched (fathom-script)"
			 : "no match (fathom-script)");
	if (matched) {
		sv->best = a;
		state = VS_MATCHED;
	}
	vs_script_free(sv);
	if (!vs_script_begin(sv, state) && !vsrpc_begin(sv, state))
		vs_finish(sv, state);
}

void vs_script_free(struct service *sv)
{
	struct vscript *g = sv->script;

	if (g == NULL)
		return;
	if (g->pc.conn && !g->pc.closed)
		vs_conn_abort(sv->vs, g->pc.conn, vs_now_ms());
	if (g->fd >= 0)
		close(g->fd);
	tls_conn_free(g->pc.tls);
	free(g->pc.buf);
	free(g);
	sv->script = NULL;
}
