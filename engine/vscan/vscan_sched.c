/* vscan_sched.c -- which service -sV starts next, and dropping a host whose --host-timeout is up. */
#include <stdatomic.h>
#include <stdlib.h>

#include "engine/core/hostdeadline.h"
#include "engine/vscan/vscan_int.h"
#include "netstack/base/util.h"

/*
 * The order services start in: one port of each host in turn (each
 * host's ports ascending), so a host with a thousand silent ports (a
 * tarpit) takes at most its share of the slots and the hosts behind it
 * start at once instead of after it. v->svcs stays sorted by address
 * (host_check and the results rely on it); only v->order interleaves.
 */
void vs_order(struct vs *v)
{
	size_t nh = 0, *first, *left, k = 0;

	v->order = xcalloc(v->nsvc ? v->nsvc : 1, sizeof(*v->order));
	v->host_conns = xcalloc(v->nsvc ? v->nsvc : 1, sizeof(*v->host_conns));
	first = xcalloc(v->nsvc ? v->nsvc : 1, sizeof(*first));
	left = xcalloc(v->nsvc ? v->nsvc : 1, sizeof(*left));
	for (size_t i = 0; i < v->nsvc; i++) {
		if (i == 0 ||
		    !addr_eq(&v->svcs[i - 1].out->addr, &v->svcs[i].out->addr))
			first[nh++] = i;
		left[nh - 1]++;
		v->svcs[i].host = nh - 1;
	}
	while (k < v->nsvc) {
		for (size_t h = 0; h < nh; h++) {
			if (left[h] == 0)
				continue;
			v->order[k++] = first[h]++;
			left[h]--;
		}
	}
	free(first);
	free(left);
}

/* The services of sv's host: [*a, *b] in v->svcs (sorted by address). */
static void host_range(const struct vs *v, const struct service *sv, size_t *a,
		       size_t *b)
{
	size_t i = (size_t)(sv - v->svcs);
	const struct addr *addr = &sv->out->addr;

	*a = *b = i;
	while (*a > 0 && addr_eq(&v->svcs[*a - 1].out->addr, addr))
		(*a)--;
	while (*b + 1 < v->nsvc && addr_eq(&v->svcs[*b + 1].out->addr, addr))
		(*b)++;
}

/*
 * sv's host is out of time: every service of it ends unanswered (the
 * reports skip the host), its connections are reset and their buffers
 * freed now, and the services not started yet never start. The host is
 * then reported done so it is written at once.
 */
static void drop_host(struct vs *v, struct service *sv)
{
	size_t a, b, pending = 0;

	host_range(v, sv, &a, &b);
	for (size_t k = a; k <= b; k++) {
		struct service *s = &v->svcs[k];

		if (s->done)
			continue;
		if (s->budget) { /* started: vs_finish reports the host */
			pending++;
			continue;
		}
		s->done = 1;
		v->finished++;
		atomic_fetch_add(&v->ndone, 1);
	}
	for (size_t k = a; k <= b; k++) {
		struct service *s = &v->svcs[k];

		if (s->done)
			continue;
		vs_finish(s, VS_NOMATCH);
		vsrpc_free(s);
		vs_script_free(s);
	}
	/* Nothing of a skipped host is reported, its fingerprints neither. */
	for (size_t k = a; k <= b; k++) {
		free(v->svcs[k].out->fp);
		v->svcs[k].out->fp = NULL;
	}
	if (pending == 0 && v->s->host_done)
		v->s->host_done(v->s->host_done_arg, &sv->out->addr);
}

int vs_host_expired(struct vs *v, struct service *sv, uint64_t now_ns)
{
	if (!hostdeadline_expired(v->s->hd, &sv->out->addr, now_ns))
		return 0;
	drop_host(v, sv);
	return 1;
}

struct service *vs_next_start(struct vs *v)
{
	uint64_t now = now_ns();

	while (v->next_start < v->nsvc) {
		struct service *sv = &v->svcs[v->order[v->next_start]];

		if (!sv->done && !vs_host_expired(v, sv, now))
			return sv;
		v->next_start++;
	}
	return NULL;
}

void vs_deadlines(struct vs *v, uint64_t now_ns)
{
	if (!hostdeadline_enabled(v->s->hd))
		return;
	for (size_t k = 0; k < v->next_start; k++) {
		struct service *sv = &v->svcs[v->order[k]];

		if (!sv->done)
			vs_host_expired(v, sv, now_ns);
	}
}
