/* ports.c -- parses nmap-style port specifications into sorted lists. */
#include "engine/cli/ports.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netstack/base/util.h"

#define PORTS_NPORTS 65536
#define PORTS_MAPLEN (PORTS_NPORTS / 8)

/*
 * Parsing goes through one bitmap per protocol: items may overlap and
 * arrive in any order, and a bitmap makes both the union (-p) and the
 * difference (--exclude-ports) trivial before anything is sorted.
 */
struct ports_map {
	uint8_t bits[SVC_NPROTO][PORTS_MAPLEN];
};

static void ports_set(struct ports_map *m, int proto, unsigned port)
{
	m->bits[proto][port / 8] |= (uint8_t)(1u << (port % 8));
}

static int ports_isset(const struct ports_map *m, int proto, unsigned port)
{
	return (m->bits[proto][port / 8] >> (port % 8)) & 1;
}

struct ports_glob_arg {
	struct ports_map *m;
	int proto;
};

static void ports_glob_cb(uint16_t port, void *arg)
{
	struct ports_glob_arg *a = arg;

	ports_set(a->m, a->proto, port);
}

/* One endpoint of a range: digits only, 0..65535. */
static int ports_number(const char *s, size_t len, unsigned *out,
			const char **why)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0) {
		*why = "missing port number";
		return -1;
	}
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i])) {
			*why = "bad port number";
			return -1;
		}
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > 65535) {
			*why = "port out of range 0-65535";
			return -1;
		}
	}
	*out = (unsigned)v;
	return 0;
}

/*
 * N | N-M | -M | N- | - into [*lo, *hi]. An omitted low end is 1, not 0:
 * port 0 is only scanned when typed explicitly, as nmap does.
 */
static int ports_range(const char *s, size_t len, unsigned *lo, unsigned *hi,
		       const char **why)
{
	const char *dash = memchr(s, '-', len);
	size_t llen;

	if (dash == NULL) {
		if (ports_number(s, len, lo, why) < 0)
			return -1;
		*hi = *lo;
		return 0;
	}
	llen = (size_t)(dash - s);
	if (memchr(dash + 1, '-', len - llen - 1) != NULL) {
		*why = "more than one '-'";
		return -1;
	}
	*lo = 1;
	*hi = 65535;
	if (llen > 0 && ports_number(s, llen, lo, why) < 0)
		return -1;
	if (len - llen - 1 > 0 &&
	    ports_number(dash + 1, len - llen - 1, hi, why) < 0)
		return -1;
	if (*lo > *hi) {
		*why = "range is reversed";
		return -1;
	}
	return 0;
}

static int ports_is_name(const char *s)
{
	for (; *s; s++)
		if (isalpha((unsigned char)*s) || *s == '*' || *s == '?')
			return 1;
	return 0;
}

static int ports_name_chars_ok(const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (!isalnum(c) && !strchr("_.+-*?", c))
			return 0;
	}
	return 1;
}

/*
 * A "T:" or "U:" prefix on *pp sets *proto and is skipped. Returns 0, or
 * -1 with *why for a prefix fathom does not scan.
 */
static int ports_prefix(const char **pp, int *proto, const char **why)
{
	const char *p = *pp;

	if (p[0] == '\0' || p[1] != ':')
		return 0;
	switch (toupper((unsigned char)p[0])) {
	case 'T':
		*proto = SVC_TCP;
		break;
	case 'U':
		*proto = SVC_UDP;
		break;
	case 'S':
	case 'P':
		*why = "SCTP/IP protocol scans are not supported";
		return -1;
	default:
		*why = "unknown protocol prefix (use T: or U:)";
		return -1;
	}
	*pp = p + 2;
	return 0;
}

/*
 * "[N-M]" (p, len bytes): only the ports in the range the services table
 * names, like nmap's "[-1024]". Returns 0, or -1 with *why.
 */
static int ports_named_range(const char *p, size_t len,
			     const struct services *svc, int proto,
			     struct ports_map *m, const char **why)
{
	unsigned lo, hi, port, added = 0;

	if (len < 2 || p[len - 1] != ']') {
		*why = "missing ']'";
		return -1;
	}
	if (svc == NULL) {
		*why = "[...] needs the services table";
		return -1;
	}
	if (ports_range(p + 1, len - 2, &lo, &hi, why) < 0)
		return -1;
	for (port = lo; port <= hi; port++) {
		if (services_name(svc, proto, (uint16_t)port)) {
			ports_set(m, proto, port);
			added++;
		}
	}
	if (added == 0) {
		*why = "no port in that range has a service name";
		return -1;
	}
	return 0;
}

/* A service name or glob: every port it matches. 0, or -1 with *why. */
static int ports_names(const char *p, const struct services *svc, int proto,
		       struct ports_map *m, const char **why)
{
	struct ports_glob_arg a = { .m = m, .proto = proto };

	if (!ports_name_chars_ok(p)) {
		*why = "bad character in service name";
		return -1;
	}
	if (svc == NULL) {
		*why = "service names need the services table";
		return -1;
	}
	if (services_match(svc, proto, p, ports_glob_cb, &a) == 0) {
		*why = proto == SVC_UDP ? "no such UDP service name"
					: "no such TCP service name";
		return -1;
	}
	return 0;
}

/*
 * Parses one comma-separated item (NUL-terminated copy) into m. *proto is
 * the prefix in force and is updated when the item carries one.
 */
static int ports_item(const char *item, const struct services *svc, int *proto,
		      struct ports_map *m, char *err, size_t errlen)
{
	const char *p = item, *why = NULL;
	unsigned lo, hi, port;
	size_t len;
	int rc;

	if (ports_prefix(&p, proto, &why) < 0)
		goto bad;
	len = strlen(p);
	if (len == 0) {
		why = "empty item";
		goto bad;
	}
	if (p[0] == '[')
		rc = ports_named_range(p, len, svc, *proto, m, &why);
	else if (ports_is_name(p))
		rc = ports_names(p, svc, *proto, m, &why);
	else if (ports_range(p, len, &lo, &hi, &why) < 0)
		rc = -1;
	else {
		for (port = lo; port <= hi; port++)
			ports_set(m, *proto, port);
		rc = 0;
	}
	if (rc == 0)
		return 0;
bad:
	errf(err, errlen, "bad port spec '%s': %s", item, why);
	return -1;
}

static int ports_to_map(const char *arg, const struct services *svc,
			struct ports_map *m, char *err, size_t errlen)
{
	const char *p = arg;
	char *item = NULL;
	size_t cap = 0;
	int proto = SVC_TCP, rc = 0;

	if (arg == NULL || *arg == '\0') {
		errf(err, errlen, "bad port spec '': empty");
		return -1;
	}
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		item = xgrow(item, &cap, len + 1, 1);
		memcpy(item, p, len);
		item[len] = '\0';
		if (ports_item(item, svc, &proto, m, err, errlen) < 0) {
			rc = -1;
			break;
		}
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	free(item);
	return rc;
}

/* Appends every port set in m for proto; ports_finalize() sorts later. */
static void ports_append_map(struct port_list *pl, const struct ports_map *m,
			     int proto)
{
	size_t add = 0, port;

	for (port = 0; port < PORTS_NPORTS; port++)
		add += (size_t)ports_isset(m, proto, (unsigned)port);
	if (add == 0)
		return;
	pl->ports = xrealloc(pl->ports, (pl->n + add) * sizeof(*pl->ports));
	for (port = 0; port < PORTS_NPORTS; port++)
		if (ports_isset(m, proto, (unsigned)port))
			pl->ports[pl->n++] = (uint16_t)port;
}

int ports_parse(const char *arg, const struct services *svc,
		struct port_spec *spec, char *err, size_t errlen)
{
	struct ports_map *m = xmalloc(sizeof(*m));
	int p;

	if (ports_to_map(arg, svc, m, err, errlen) < 0) {
		free(m);
		return -1;
	}
	for (p = 0; p < SVC_NPROTO; p++)
		ports_append_map(&spec->proto[p], m, p);
	free(m);
	return 0;
}

static void ports_build_index(struct port_list *pl)
{
	size_t i;

	if (pl->index == NULL)
		pl->index = xcalloc(PORTS_NPORTS, sizeof(*pl->index));
	for (i = 0; i < PORTS_NPORTS; i++)
		pl->index[i] = -1;
	for (i = 0; i < pl->n; i++)
		pl->index[pl->ports[i]] = (int32_t)i;
}

int ports_exclude(const char *arg, const struct services *svc,
		  struct port_spec *spec, char *err, size_t errlen)
{
	struct ports_map *m = xmalloc(sizeof(*m));
	size_t i, k;
	int p;

	if (ports_to_map(arg, svc, m, err, errlen) < 0) {
		free(m);
		return -1;
	}
	for (p = 0; p < SVC_NPROTO; p++) {
		struct port_list *pl = &spec->proto[p];

		for (i = k = 0; i < pl->n; i++)
			if (!ports_isset(m, p, pl->ports[i]))
				pl->ports[k++] = pl->ports[i];
		pl->n = k;
		/* Positions moved: a finalized list must stay consistent. */
		if (pl->index != NULL)
			ports_build_index(pl);
	}
	free(m);
	return 0;
}

void ports_top(const struct services *svc, int proto, size_t n,
	       struct port_spec *spec)
{
	struct port_list *pl;
	size_t got;

	if (svc == NULL || proto < 0 || proto >= SVC_NPROTO || n == 0)
		return;
	if (n > PORTS_NPORTS)
		n = PORTS_NPORTS;
	pl = &spec->proto[proto];
	pl->ports = xrealloc(pl->ports, (pl->n + n) * sizeof(*pl->ports));
	got = services_top(svc, proto, n, pl->ports + pl->n);
	pl->n += got;
}

static int ports_cmp(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

void ports_finalize(struct port_spec *spec)
{
	size_t i, k;
	int p;

	for (p = 0; p < SVC_NPROTO; p++) {
		struct port_list *pl = &spec->proto[p];

		if (pl->n > 1)
			qsort(pl->ports, pl->n, sizeof(*pl->ports), ports_cmp);
		for (i = k = 0; i < pl->n; i++)
			if (k == 0 || pl->ports[k - 1] != pl->ports[i])
				pl->ports[k++] = pl->ports[i];
		pl->n = k;
		ports_build_index(pl);
	}
}

void ports_free(struct port_spec *spec)
{
	int p;

	if (spec == NULL)
		return;
	for (p = 0; p < SVC_NPROTO; p++) {
		free(spec->proto[p].ports);
		free(spec->proto[p].index);
	}
	memset(spec, 0, sizeof(*spec));
}

/*
 * Appends s to buf like strlcat but keeps counting past the end, so the
 * caller learns the length the whole string needs (snprintf-style).
 */
static void ports_put(char *buf, size_t buflen, size_t *pos, const char *s)
{
	size_t len = strlen(s);

	if (*pos + 1 < buflen) {
		size_t room = buflen - 1 - *pos;
		size_t n = len < room ? len : room;

		memcpy(buf + *pos, s, n);
		buf[*pos + n] = '\0';
	}
	*pos += len;
}

size_t ports_format(const struct port_list *pl, char *buf, size_t buflen)
{
	size_t pos = 0, i = 0, j;
	char tmp[16];

	if (buflen > 0)
		buf[0] = '\0';
	while (pl != NULL && i < pl->n) {
		j = i;
		while (j + 1 < pl->n && pl->ports[j + 1] == pl->ports[j] + 1)
			j++;
		if (j == i)
			snprintf(tmp, sizeof(tmp), "%s%u", i ? "," : "",
				 pl->ports[i]);
		else
			snprintf(tmp, sizeof(tmp), "%s%u-%u", i ? "," : "",
				 pl->ports[i], pl->ports[j]);
		ports_put(buf, buflen, &pos, tmp);
		i = j + 1;
	}
	return pos;
}
