/* targets_parse.c -- the syntax of one target token: IPv4 octet ranges, CIDR, IPv6, names. */
#include "config.h"

#include <ctype.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "engine/cli/targets_int.h"
#include "netstack/base/util.h"

/*
 * "-.-.-.1,3,5" is legal and expands to 2^24 x 3 ranges that cannot
 * merge. Past 2^24 ranges (256 MiB of intervals plus prefix sums) a
 * typo would take the machine down, so such tokens are refused.
 */
#define TARGETS_MAX_RANGES (1u << 24)
#define TARGETS_HOST_MAX 253
#define TARGETS_LABEL_MAX 63
/*
 * An IPv6 token may name at most 2^32 addresses (a /96): the whole IPv4
 * space, the most the sweep's probe index (targets x ports) was sized
 * for. A /64 is 2^64 addresses: at a million probes a second a single
 * port would take half a million years, so it can only be a typo.
 */
#define TARGETS_V6_MIN_PREFIX 96

/* One octet of a range token: which of the 256 values it allows. */
struct target_octet {
	uint8_t on[256];
	int plain;      /* a single decimal number, so CIDR may follow */
	unsigned value; /* that number, when plain */
};

/* Parses "N", "N-M", "-M", "N-" or "-" (len > 0) into [*lo, *hi]. */
static int targets_octet_item(const char *s, size_t len, unsigned *lo,
			      unsigned *hi, char *why, size_t whylen)
{
	const char *dash = memchr(s, '-', len);
	unsigned v[2] = { 0, 255 };
	size_t part[2][2], i, k;
	int nparts;

	if (dash == NULL) {
		part[0][0] = 0;
		part[0][1] = len;
		nparts = 1;
	} else {
		if (memchr(dash + 1, '-', len - (size_t)(dash - s) - 1)) {
			errf(why, whylen, "more than one '-' in '%.*s'",
			     (int)len, s);
			return -1;
		}
		part[0][0] = 0;
		part[0][1] = (size_t)(dash - s);
		part[1][0] = (size_t)(dash - s) + 1;
		part[1][1] = len;
		nparts = 2;
	}
	for (k = 0; k < (size_t)nparts; k++) {
		size_t a = part[k][0], b = part[k][1];
		unsigned n = 0;

		if (a == b)
			continue; /* open end of a range: keep 0 or 255 */
		for (i = a; i < b; i++) {
			if (!isdigit((unsigned char)s[i])) {
				errf(why, whylen, "bad octet '%.*s'", (int)len,
				     s);
				return -1;
			}
			if (n <= 255)
				n = n * 10 + (unsigned)(s[i] - '0');
		}
		if (n > 255) {
			errf(why, whylen, "octet '%.*s' is out of range 0-255",
			     (int)(b - a), s + a);
			return -1;
		}
		v[k] = n;
	}
	if (nparts == 1)
		v[1] = v[0];
	if (v[0] > v[1]) {
		errf(why, whylen, "octet range '%.*s' is reversed", (int)len,
		     s);
		return -1;
	}
	*lo = v[0];
	*hi = v[1];
	return 0;
}

/* One dot-separated piece: a comma list of octet items. */
static int targets_octet(const char *s, size_t len, struct target_octet *o,
			 char *why, size_t whylen)
{
	size_t i, start = 0;
	unsigned lo, hi, v;

	memset(o, 0, sizeof(*o));
	if (len == 0) {
		errf(why, whylen, "empty octet");
		return -1;
	}
	o->plain = 1;
	for (i = 0; i < len; i++)
		if (!isdigit((unsigned char)s[i]))
			o->plain = 0;
	for (i = 0; i <= len; i++) {
		if (i < len && s[i] != ',')
			continue;
		if (i == start) {
			errf(why, whylen, "empty item in octet list '%.*s'",
			     (int)len, s);
			return -1;
		}
		if (targets_octet_item(s + start, i - start, &lo, &hi, why,
				       whylen) < 0)
			return -1;
		for (v = lo; v <= hi; v++)
			o->on[v] = 1;
		o->value = lo;
		start = i + 1;
	}
	return 0;
}

struct target_expand {
	const struct target_octet *o;
	int k;          /* octet whose runs become intervals */
	unsigned shift; /* bits below octet k, all free */
	unsigned runs[128][2];
	size_t nruns;
	struct target_ivs *out;
};

static void targets_expand(const struct target_expand *x, int level,
			   uint32_t prefix)
{
	uint32_t low = (uint32_t)((1ull << x->shift) - 1), first, last;
	unsigned v;
	size_t r;

	if (level == x->k) {
		for (r = 0; r < x->nruns; r++) {
			first = prefix | (uint32_t)x->runs[r][0] << x->shift;
			last = prefix | (uint32_t)x->runs[r][1] << x->shift;
			targets_push_v4(x->out, first, last | low);
		}
		return;
	}
	for (v = 0; v < 256; v++) {
		if (!x->o[level].on[v])
			continue;
		first = prefix | (uint32_t)v << (24 - 8 * level);
		targets_expand(x, level + 1, first);
	}
}

/*
 * Turns four octet sets into intervals. Trailing octets that allow all
 * 256 values fold into the interval width, so "10.0-255.-.-" is one
 * interval and "198.18.0-255.1-254" is 256, not 65024.
 */
static int targets_octets(const struct target_octet o[4],
			  struct target_ivs *out, char *why, size_t whylen)
{
	struct target_expand x = { .o = o, .out = out };
	unsigned v, full = 0;
	uint64_t ranges = 1;
	int i;

	for (i = 3; i >= 0; i--) {
		for (v = 0; v < 256 && o[i].on[v]; v++)
			;
		if (v < 256)
			break;
		full++;
	}
	if (full == 4) {
		targets_push_v4(out, 0, UINT32_MAX);
		return 0;
	}
	x.k = 3 - (int)full;
	x.shift = 8 * full;
	for (v = 0; v < 256; v++) {
		if (!o[x.k].on[v])
			continue;
		if (v == 0 || !o[x.k].on[v - 1])
			x.runs[x.nruns++][0] = v;
		x.runs[x.nruns - 1][1] = v;
	}
	for (i = 0; i < x.k; i++) {
		uint64_t c = 0;

		for (v = 0; v < 256; v++)
			c += o[i].on[v];
		ranges *= c;
	}
	ranges *= x.nruns;
	if (ranges > TARGETS_MAX_RANGES) {
		errf(why, whylen, "expands to %llu ranges (limit %u)",
		     (unsigned long long)ranges, TARGETS_MAX_RANGES);
		return -1;
	}
	targets_expand(&x, 0, 0);
	return 0;
}

static int targets_hostname_ok(const char *s, char *why, size_t whylen)
{
	size_t i, label = 0, len = strlen(s);

	if (len > TARGETS_HOST_MAX) {
		errf(why, whylen, "hostname longer than %d characters",
		     TARGETS_HOST_MAX);
		return -1;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.') {
			/* One trailing dot is a fully-qualified name. */
			if (label == 0) {
				errf(why, whylen, "empty label in hostname");
				return -1;
			}
			label = 0;
			continue;
		}
		if (!isalnum(c) && c != '-' && c != '_') {
			if (isprint(c))
				errf(why, whylen,
				     "invalid character '%c' in hostname", c);
			else
				errf(why, whylen,
				     "invalid byte 0x%02x in hostname", c);
			return -1;
		}
		if (++label > TARGETS_LABEL_MAX) {
			errf(why, whylen, "hostname label longer than %d",
			     TARGETS_LABEL_MAX);
			return -1;
		}
	}
	return 0;
}

/* The first address of the set's family for host, as nmap takes it. */
static int targets_resolve(const struct target_set *ts, const char *host,
			   struct addr *addr, char *why, size_t whylen)
{
	struct addrinfo hints, *res = NULL;
	int v6 = ts->family == ADDR_V6, rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = v6 ? AF_INET6 : AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc != 0 || res == NULL ||
	    addr_from_sockaddr(res->ai_addr, addr, NULL) < 0) {
		errf(why, whylen, "cannot resolve: %s",
		     rc   ? gai_strerror(rc)
		     : v6 ? "no IPv6 address"
			  : "no IPv4 address");
		if (res)
			freeaddrinfo(res);
		return -1;
	}
	/* The first address, as nmap does; the rest are not scanned. */
	freeaddrinfo(res);
	return 0;
}

/* addr/bits; IPv6 prefixes past the enumeration limit are refused. */
static int targets_prefix(struct target_ivs *out, const struct addr *addr,
			  unsigned bits, char *why, size_t whylen)
{
	struct addr first, last;

	if (addr_is_v6(addr) && bits < TARGETS_V6_MIN_PREFIX) {
		errf(why, whylen,
		     "/%u is 2^%u addresses, more than the 2^%u fathom "
		     "enumerates (use /%u or longer)",
		     bits, 128 - bits, 128 - TARGETS_V6_MIN_PREFIX,
		     TARGETS_V6_MIN_PREFIX);
		return -1;
	}
	first = addr_prefix_first(addr, bits);
	last = addr_prefix_last(addr, bits);
	targets_push(out, &first, &last);
	return 0;
}

/* Is a literal of this family allowed in the set (-6 or not)? */
static int targets_family_ok(const struct target_set *ts, int v6, char *why,
			     size_t whylen)
{
	if (ts->family == ADDR_V4 && v6) {
		errf(why, whylen, "is an IPv6 address: scanning IPv6 needs -6");
		return -1;
	}
	if (ts->family == ADDR_V6 && !v6) {
		errf(why, whylen, "is an IPv4 address and -6 scans IPv6 only");
		return -1;
	}
	return 0;
}

/*
 * "ADDR-ADDR" or "ADDR-HHHH" (a new last group, hex): a range of IPv6
 * addresses, fathom's own form (nmap has no IPv6 ranges). s is the part
 * after the dash; the range is refused past 2^32 addresses.
 */
static int targets_v6_range(struct target_ivs *out, const struct addr *lo,
			    const char *s, char *why, size_t whylen)
{
	struct addr hi = *lo;
	uint64_t n;

	if (strchr(s, ':') != NULL) {
		if (addr_parse(s, &hi) < 0 || !addr_is_v6(&hi)) {
			errf(why, whylen, "bad range end '%s'", s);
			return -1;
		}
	} else {
		size_t len = strspn(s, "0123456789abcdefABCDEF");
		unsigned long g;

		if (len == 0 || len > 4 || s[len] != '\0') {
			errf(why, whylen,
			     "bad range end '%s' (want an IPv6 "
			     "address or 1-4 hex digits)",
			     s);
			return -1;
		}
		g = strtoul(s, NULL, 16);
		hi.b[14] = (uint8_t)(g >> 8);
		hi.b[15] = (uint8_t)g;
	}
	if (addr_cmp(&hi, lo) < 0) {
		errf(why, whylen, "range end '%s' is below its start", s);
		return -1;
	}
	/* addr_diff fails past 2^64: too many as well. */
	if (addr_diff(&hi, lo, &n) < 0 ||
	    n >= (1ull << (128 - TARGETS_V6_MIN_PREFIX))) {
		errf(why, whylen,
		     "range has more than the 2^%u addresses "
		     "fathom enumerates",
		     128 - TARGETS_V6_MIN_PREFIX);
		return -1;
	}
	targets_push(out, lo, &hi);
	return 0;
}

/* An IPv6 token: ADDR, ADDR/LEN or a range; base has no '/'. */
static int targets_v6(const struct target_set *ts, char *base,
		      const char *prefix, struct target_ivs *out, char *why,
		      size_t whylen)
{
	char *dash = strchr(base, '-');
	struct addr a;
	uint64_t bits = 128;

	if (targets_family_ok(ts, 1, why, whylen) < 0)
		return -1;
	if (strchr(base, '%')) {
		errf(why, whylen, "IPv6 zone indexes ('%%') are not supported");
		return -1;
	}
	if (dash && prefix) {
		errf(why, whylen, "a range cannot take a /prefix");
		return -1;
	}
	if (dash)
		*dash = '\0';
	if (addr_parse(base, &a) < 0 || !addr_is_v6(&a)) {
		errf(why, whylen, "bad IPv6 address '%s'", base);
		return -1;
	}
	if (dash)
		return targets_v6_range(out, &a, dash + 1, why, whylen);
	if (prefix && parse_u64(prefix, 128, &bits) < 0) {
		errf(why, whylen, "bad IPv6 prefix '/%s' (want /%u-/128)",
		     prefix, TARGETS_V6_MIN_PREFIX);
		return -1;
	}
	return targets_prefix(out, &a, (unsigned)bits, why, whylen);
}

/* A hostname, alone or with /bits (the prefix of its address). */
static int targets_host(struct target_set *ts, const char *base,
			const char *prefix, int no_dns, struct target_ivs *out,
			int names, char *why, size_t whylen)
{
	int v6 = ts->family == ADDR_V6;
	uint64_t bits = v6 ? 128 : 32;
	struct addr a;

	if (targets_hostname_ok(base, why, whylen) < 0)
		return -1;
	if (prefix && parse_u64(prefix, bits, &bits) < 0) {
		errf(why, whylen, "bad prefix '/%s' (want /0-/%u)", prefix,
		     v6 ? 128 : 32);
		return -1;
	}
	if (no_dns) {
		errf(why, whylen, "is a hostname and name resolution is off");
		return -1;
	}
	if (targets_resolve(ts, base, &a, why, whylen) < 0 ||
	    targets_prefix(out, &a, (unsigned)bits, why, whylen) < 0)
		return -1;
	if (names)
		targets_add_name(ts, &a, base);
	return 0;
}

/* An IPv4 token: octet ranges, or a plain address with /bits. */
static int targets_v4(const struct target_set *ts, const char *base,
		      const char *prefix, struct target_ivs *out, char *why,
		      size_t whylen)
{
	struct target_octet o[4];
	uint64_t bits = 32;
	uint32_t v = 0;
	const char *p;
	int dots = 0, i;

	if (targets_family_ok(ts, 0, why, whylen) < 0)
		return -1;
	if (prefix && parse_u64(prefix, 32, &bits) < 0) {
		errf(why, whylen, "bad CIDR prefix '/%s' (want /0-/32)",
		     prefix);
		return -1;
	}
	for (p = base; *p; p++)
		dots += *p == '.';
	if (dots != 3) {
		errf(why, whylen, "need 4 octets, got %d", dots + 1);
		return -1;
	}
	p = base;
	for (i = 0; i < 4; i++) {
		size_t len = strcspn(p, ".");

		if (targets_octet(p, len, &o[i], why, whylen) < 0)
			return -1;
		p += len + 1;
	}
	if (prefix == NULL)
		return targets_octets(o, out, why, whylen);
	for (i = 0; i < 4; i++) {
		if (!o[i].plain) {
			errf(why, whylen, "CIDR needs a plain address");
			return -1;
		}
		v = v << 8 | o[i].value;
	}
	{
		struct addr a = addr_from_v4(v);

		return targets_prefix(out, &a, (unsigned)bits, why, whylen);
	}
}

/* Does the token start with an IPv6 literal (before any '-' or '%')? */
static int targets_looks_v6(const char *base)
{
	char buf[ADDR_STRLEN];
	size_t n = strcspn(base, "-%");
	struct addr a;

	if (n >= sizeof(buf) || memchr(base, ':', n) == NULL)
		return 0;
	memcpy(buf, base, n);
	buf[n] = '\0';
	return addr_parse(buf, &a) == 0;
}

int targets_token(struct target_set *ts, const char *token, int no_dns,
		  struct target_ivs *out, int names, char *why, size_t whylen)
{
	char *base = xstrdup(token), *slash;
	const char *prefix = NULL;
	int rc = -1;

	if (*token == '\0') {
		errf(why, whylen, "empty target");
		goto out;
	}
	slash = strchr(base, '/');
	if (slash != NULL) {
		*slash = '\0';
		prefix = slash + 1;
		if (*base == '\0') {
			errf(why, whylen, "missing address before '/'");
			goto out;
		}
	}
	/* A colon is never part of an IPv4 token or a hostname. */
	if (targets_looks_v6(base))
		rc = targets_v6(ts, base, prefix, out, why, whylen);
	else if (base[strspn(base, "0123456789.,-")] != '\0')
		rc = targets_host(ts, base, prefix, no_dns, out, names, why,
				  whylen);
	else
		rc = targets_v4(ts, base, prefix, out, why, whylen);
out:
	free(base);
	return rc;
}
