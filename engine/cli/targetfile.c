/* targetfile.c -- -iL files: targets, host:port lines, masscan -oL, NDJSON. */
#include "config.h"

#include "engine/cli/targetfile.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "netstack/base/util.h"

struct port_pairs *pairs_new(void)
{
	struct port_pairs *pp = xmalloc(sizeof(*pp));

	pp->bare = targets_new();
	return pp;
}

void pairs_free(struct port_pairs *pp)
{
	if (pp == NULL)
		return;
	free(pp->v);
	targets_free(pp->bare);
	free(pp);
}

void pairs_add(struct port_pairs *pp, const struct addr *addr, uint16_t port)
{
	pp->v = xgrow(pp->v, &pp->cap, pp->n + 1, sizeof(*pp->v));
	pp->v[pp->n].addr = *addr;
	pp->v[pp->n].port = port;
	pp->n++;
}

static int cmp_pair(const void *a, const void *b)
{
	const struct port_pair *x = a, *y = b;
	int c = addr_cmp(&x->addr, &y->addr);

	if (c != 0)
		return c;
	return (int)x->port - (int)y->port;
}

void pairs_finalize(struct port_pairs *pp)
{
	size_t k = 0;
	char err[128];

	if (pp->n > 1)
		qsort(pp->v, pp->n, sizeof(*pp->v), cmp_pair);
	for (size_t i = 0; i < pp->n; i++)
		if (k == 0 || cmp_pair(&pp->v[k - 1], &pp->v[i]) != 0)
			pp->v[k++] = pp->v[i];
	pp->n = k;
	pp->bare_empty = targets_finalize(pp->bare, err, sizeof(err)) < 0;
}

int pairs_wanted(const struct port_pairs *pp, const struct addr *addr,
		 uint16_t port)
{
	struct port_pair key = { .addr = *addr, .port = port };
	size_t lo = 0, hi = pp->n;

	if (pp->base[port] && !pp->bare_empty &&
	    targets_index_of(pp->bare, addr) >= 0)
		return 1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_pair(&pp->v[mid], &key);

		if (c == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* A TCP port 1-65535 from s[0, n). */
static int port_of(const char *s, size_t n, uint16_t *port)
{
	unsigned long v = 0;

	if (n == 0 || n > 5)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v == 0 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

/*
 * One address for a host:port host: a literal, or a name (the first
 * address of the set's family). A literal of the other family is left
 * to targets_add, which names the mismatch.
 */
static int host_addr(const struct target_set *ts, const char *host, int no_dns,
		     struct addr *addr, char *why, size_t whylen)
{
	int v6 = targets_family(ts) == ADDR_V6;
	struct addrinfo hints = { .ai_family = v6 ? AF_INET6 : AF_INET },
			*res = NULL;
	int rc;

	if (addr_parse(host, addr) == 0)
		return 0;
	if (strpbrk(host, "/,*") ||
	    (isdigit((unsigned char)host[0]) &&
	     strspn(host, "0123456789.-") == strlen(host))) {
		errf(why, whylen, "needs one host, not a range");
		return -1;
	}
	if (no_dns) {
		errf(why, whylen, "a hostname, and -n forbids resolving it");
		return -1;
	}
	rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc != 0 || res == NULL ||
	    addr_from_sockaddr(res->ai_addr, addr, NULL) < 0) {
		errf(why, whylen, "cannot resolve: %s",
		     rc ? gai_strerror(rc) : "no address");
		if (res)
			freeaddrinfo(res);
		return -1;
	}
	freeaddrinfo(res);
	return 0;
}

/*
 * Where HOST ends and ":PORT" starts in tok, or NULL for a plain target:
 * "[v6]:port" in brackets; otherwise the only colon (a token with more
 * colons and no brackets is an IPv6 target). *hlen and *host0 frame HOST.
 */
static const char *port_colon(const char *tok, const char **host0, size_t *hlen)
{
	const char *colon = strchr(tok, ':');

	if (tok[0] == '[') {
		const char *close = strchr(tok, ']');

		if (close == NULL || close[1] != ':')
			return NULL; /* targets_add refuses it */
		*host0 = tok + 1;
		*hlen = (size_t)(close - tok - 1);
		return close + 1;
	}
	if (colon == NULL || strchr(colon + 1, ':'))
		return NULL;
	*host0 = tok;
	*hlen = (size_t)(colon - tok);
	return colon;
}

/* A target token: HOST:PORT, or nmap's grammar (also kept as bare). */
static int token(struct target_set *ts, struct port_pairs *pp, const char *tok,
		 int no_dns, char *why, size_t whylen)
{
	const char *host0 = NULL, *colon;
	char host[300], inner[400];
	size_t hlen = 0;
	uint16_t port;
	struct addr addr;

	colon = port_colon(tok, &host0, &hlen);
	if (colon == NULL) {
		if (targets_add(ts, tok, no_dns, why, whylen) < 0)
			return -1;
		return targets_add(pp->bare, tok, no_dns, inner, sizeof(inner));
	}
	if (hlen >= sizeof(host) || hlen == 0 ||
	    port_of(colon + 1, strlen(colon + 1), &port) < 0) {
		errf(why, whylen,
		     "bad target '%s': expected HOST:PORT (IPv6: "
		     "[ADDR]:PORT) with a port 1-65535",
		     tok);
		return -1;
	}
	memcpy(host, host0, hlen);
	host[hlen] = '\0';
	if (host_addr(ts, host, no_dns, &addr, inner, sizeof(inner)) < 0) {
		errf(why, whylen, "bad target '%s': %s", tok, inner);
		return -1;
	}
	if (targets_add(ts, host, no_dns, why, whylen) < 0)
		return -1;
	pairs_add(pp, &addr, port);
	return 0;
}

/* The value after "key": in a one-line JSON object, or NULL. */
static const char *json_value(const char *l, const char *key)
{
	char pat[32];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(l, pat);
	return p ? p + strlen(pat) : NULL;
}

/* A fathom NDJSON record: "port" records name a host and a port. */
static int json_record(struct target_set *ts, struct port_pairs *pp,
		       const char *l, size_t n, char *why, size_t whylen)
{
	const char *type = json_value(l, "type"), *ip, *port, *proto;
	char addr[ADDR_STRLEN], tok[ADDR_STRLEN + 16];
	size_t k;
	uint16_t pn;

	if (n < 2 || l[n - 1] != '}' || type == NULL) {
		errf(why, whylen, "not a fathom NDJSON record");
		return -1;
	}
	if (strncmp(type, "\"port\"", 6) != 0)
		return 0;
	ip = json_value(l, "ip");
	port = json_value(l, "port");
	proto = json_value(l, "proto");
	if (ip == NULL || *ip != '"' || port == NULL || proto == NULL) {
		errf(why, whylen, "port record without ip, port and proto");
		return -1;
	}
	if (strncmp(proto, "\"tcp\"", 5) != 0) {
		errf(why, whylen, "a %.*s port record: only TCP is scanned",
		     (int)strcspn(proto, ","), proto);
		return -1;
	}
	k = strcspn(ip + 1, "\"");
	if (k >= sizeof(addr)) {
		errf(why, whylen, "bad ip in port record");
		return -1;
	}
	memcpy(addr, ip + 1, k);
	addr[k] = '\0';
	if (port_of(port, strspn(port, "0123456789"), &pn) < 0) {
		errf(why, whylen, "bad port in port record");
		return -1;
	}
	snprintf(tok, sizeof(tok), strchr(addr, ':') ? "[%s]:%u" : "%s:%u",
		 addr, pn);
	return token(ts, pp, tok, 1, why, whylen);
}

/* masscan -oL: "open tcp 80 198.19.0.4 1700000000". 1 when it was one. */
static int masscan_line(struct target_set *ts, struct port_pairs *pp, char **w,
			int nw, char *why, size_t whylen, int *rc)
{
	char tok[ADDR_STRLEN + 16];
	uint16_t port;

	if (nw < 4 ||
	    (strcmp(w[0], "open") != 0 && strcmp(w[0], "closed") != 0 &&
	     strcmp(w[0], "banner") != 0))
		return 0;
	if (strcmp(w[1], "tcp") != 0 && strcmp(w[1], "udp") != 0 &&
	    strcmp(w[1], "sctp") != 0 && strcmp(w[1], "icmp") != 0)
		return 0;
	*rc = 0;
	if (strcmp(w[0], "open") != 0)
		return 1; /* banners and closed ports add nothing */
	if (strcmp(w[1], "tcp") != 0) {
		errf(why, whylen, "masscan %s result: only TCP is scanned",
		     w[1]);
		*rc = -1;
		return 1;
	}
	if (port_of(w[2], strlen(w[2]), &port) < 0) {
		errf(why, whylen, "masscan line with a bad port '%s'", w[2]);
		*rc = -1;
		return 1;
	}
	/* masscan writes IPv6 bare: bracket it for token(). */
	if (strlen(w[3]) >= ADDR_STRLEN) {
		errf(why, whylen, "masscan line with a bad address");
		*rc = -1;
		return 1;
	}
	snprintf(tok, sizeof(tok), strchr(w[3], ':') ? "[%s]:%u" : "%s:%u",
		 w[3], port);
	*rc = token(ts, pp, tok, 1, why, whylen);
	return 1;
}

static int one_line(struct target_set *ts, struct port_pairs *pp, char *l,
		    int no_dns, char *why, size_t whylen)
{
	char *w[64];
	int nw = 0, rc = 0;
	size_t n;

	while (isspace((unsigned char)*l))
		l++;
	n = strlen(l);
	while (n && isspace((unsigned char)l[n - 1]))
		l[--n] = '\0';
	if (l[0] == '{')
		return json_record(ts, pp, l, n, why, whylen);
	l[strcspn(l, "#")] = '\0';
	for (char *p = l; *p;) {
		while (isspace((unsigned char)*p))
			*p++ = '\0';
		if (*p == '\0')
			break;
		if (nw == 64) {
			/* A long line of plain targets: take them in turns. */
			for (int i = 0; i < nw; i++)
				if (token(ts, pp, w[i], no_dns, why, whylen) <
				    0)
					return -1;
			nw = 0;
		}
		w[nw++] = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
	}
	if (masscan_line(ts, pp, w, nw, why, whylen, &rc))
		return rc;
	for (int i = 0; i < nw; i++)
		if (token(ts, pp, w[i], no_dns, why, whylen) < 0)
			return -1;
	return 0;
}

int targetfile_parse(struct target_set *ts, struct port_pairs *pp,
		     const char *name, const char *buf, size_t len, int no_dns,
		     char *err, size_t errlen)
{
	size_t line = 0;
	char why[512];

	for (const char *p = buf, *end = buf + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *copy = xmalloc(n + 1);
		int rc;

		line++;
		memcpy(copy, p, n);
		copy[n] = '\0';
		if (memchr(p, '\0', n)) {
			errf(err, errlen, "%s:%zu: a NUL byte (binary file?)",
			     name, line);
			free(copy);
			return -1;
		}
		rc = one_line(ts, pp, copy, no_dns, why, sizeof(why));
		free(copy);
		if (rc < 0) {
			errf(err, errlen, "%s:%zu: %s", name, line, why);
			return -1;
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

int targetfile_load(struct target_set *ts, struct port_pairs *pp,
		    const char *path, int no_dns, char *err, size_t errlen)
{
	int is_stdin = strcmp(path, "-") == 0;
	FILE *f = is_stdin ? stdin : fopen(path, "r");
	char *buf;
	size_t n;
	int rc;

	if (f == NULL) {
		errf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	buf = read_all(f, READ_MAX_LIST, &n);
	if (buf == NULL) {
		errf(err, errlen, "%s: %s", is_stdin ? "stdin" : path,
		     errno == EFBIG ? "larger than 1 GiB" : "read error");
		rc = -1;
	} else {
		rc = targetfile_parse(ts, pp, is_stdin ? "stdin" : path, buf, n,
				      no_dns, err, errlen);
	}
	if (!is_stdin)
		fclose(f);
	free(buf);
	return rc;
}

int pairs_apply(struct port_pairs **ppp, struct port_spec *ports,
		const struct services *svc, const char *exclports, char *err,
		size_t errlen)
{
	struct port_list *pl = &ports->proto[SVC_TCP];
	struct port_pairs *pp = *ppp;

	pairs_finalize(pp);
	if (pp->n == 0) {
		pairs_free(pp);
		*ppp = NULL;
		return 0;
	}
	for (size_t i = 0; i < pl->n; i++)
		pp->base[pl->ports[i]] = 1;
	if (pp->bare_empty)
		pl->n = 0;
	pl->ports = xrealloc(pl->ports, (pl->n + pp->n) * sizeof(*pl->ports));
	for (size_t i = 0; i < pp->n; i++)
		pl->ports[pl->n++] = pp->v[i].port;
	if (exclports && ports_exclude(exclports, svc, ports, err, errlen) < 0)
		return -1;
	ports_finalize(ports);
	if (pl->n == 0) {
		errf(err, errlen, "no TCP ports to scan");
		return -1;
	}
	return 0;
}
