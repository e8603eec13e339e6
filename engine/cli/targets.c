/* targets.c -- nmap-style IPv4 target specs kept as merged intervals. */
#include "engine/cli/targets.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "netstack/base/util.h"

/*
 * "-.-.-.1,3,5" is legal and expands to 2^24 x 3 ranges that cannot
 * merge. Past 2^24 ranges (256 MiB of intervals plus prefix sums) a
 * typo would take the machine down, so such tokens are refused.
 */
#define TARGETS_MAX_RANGES (1u << 24)
#define TARGETS_HOST_MAX 253
#define TARGETS_LABEL_MAX 63

struct target_iv {
	uint32_t first, last; /* inclusive, host order */
};

struct target_ivs {
	struct target_iv *v;
	size_t n, cap;
};

struct target_name {
	uint32_t addr;
	size_t seq; /* order given: the first name for an address wins */
	char *name;
};

struct target_set {
	struct target_ivs inc, exc; /* exc is only used until finalize */
	uint64_t *before; /* before[k]: addresses in intervals 0..k-1 */
	uint64_t count;
	struct target_name *names;
	size_t nnames, capnames;
	int finalized;
};

/* One octet of a range token: which of the 256 values it allows. */
struct target_octet {
	uint8_t on[256];
	int plain;	/* a single decimal number, so CIDR may follow */
	unsigned value; /* that number, when plain */
};

struct target_set *targets_new(void)
{
	return xmalloc(sizeof(struct target_set));
}

void targets_free(struct target_set *ts)
{
	size_t i;

	if (ts == NULL)
		return;
	for (i = 0; i < ts->nnames; i++)
		free(ts->names[i].name);
	free(ts->names);
	free(ts->inc.v);
	free(ts->exc.v);
	free(ts->before);
	free(ts);
}

/*
 * Appends [first, last], merging into the previous interval when they
 * touch: tokens expand in ascending order, so "198.18.0-255.0-255"
 * collapses to one interval as it is generated.
 */
static void targets_push(struct target_ivs *l, uint32_t first, uint32_t last)
{
	struct target_iv *t;

	if (l->n > 0) {
		t = &l->v[l->n - 1];
		if (first >= t->first && first <= (uint64_t)t->last + 1) {
			if (last > t->last)
				t->last = last;
			return;
		}
	}
	l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
	l->v[l->n].first = first;
	l->v[l->n].last = last;
	l->n++;
}

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
	int k;		/* octet whose runs become intervals */
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
			targets_push(x->out, first, last | low);
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
		targets_push(out, 0, UINT32_MAX);
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

static int targets_resolve(const char *host, uint32_t *addr, char *why,
			   size_t whylen)
{
	struct addrinfo hints, *res = NULL;
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc != 0 || res == NULL) {
		errf(why, whylen, "cannot resolve: %s",
		     rc ? gai_strerror(rc) : "no IPv4 address");
		if (res)
			freeaddrinfo(res);
		return -1;
	}
	/* The first address, as nmap does; the rest are not scanned. */
	*addr = ntohl(
		((struct sockaddr_in *)(void *)res->ai_addr)->sin_addr.s_addr);
	freeaddrinfo(res);
	return 0;
}

static void targets_cidr(struct target_ivs *out, uint32_t addr, unsigned bits)
{
	uint32_t mask = bits ? (uint32_t)(UINT32_MAX << (32 - bits)) : 0;

	targets_push(out, addr & mask, (addr & mask) | ~mask);
}

static void targets_add_name(struct target_set *ts, uint32_t addr,
			     const char *name)
{
	ts->names = xgrow(ts->names, &ts->capnames, ts->nnames + 1,
			  sizeof(*ts->names));
	ts->names[ts->nnames].addr = addr;
	ts->names[ts->nnames].seq = ts->nnames;
	ts->names[ts->nnames].name = xstrdup(name);
	ts->nnames++;
}

/* Is the token an IPv6 literal (optionally with /len or %zone)? */
static int targets_is_ipv6(const char *token)
{
	char buf[INET6_ADDRSTRLEN + 1];
	unsigned char a[16];
	size_t n = strcspn(token, "/%");

	if (n >= sizeof(buf) || memchr(token, ':', n) == NULL)
		return 0;
	memcpy(buf, token, n);
	buf[n] = '\0';
	return inet_pton(AF_INET6, buf, a) == 1;
}

/*
 * Parses one token into out; records hostnames in ts when names != 0.
 * On error writes only the reason to why; the caller adds the token.
 */
static int targets_token(struct target_set *ts, const char *token, int no_dns,
			 struct target_ivs *out, int names, char *why,
			 size_t whylen)
{
	struct target_octet o[4];
	char *base = xstrdup(token), *slash, *p;
	uint64_t bits = 32;
	uint32_t addr = 0;
	int rc = -1, dots = 0, i;

	if (*token == '\0') {
		errf(why, whylen, "empty target");
		goto out;
	}
	if (targets_is_ipv6(token)) {
		errf(why, whylen, "IPv6 needs -6 (not supported yet)");
		goto out;
	}
	slash = strchr(base, '/');
	if (slash != NULL) {
		*slash = '\0';
		if (parse_u64(slash + 1, 32, &bits) < 0) {
			errf(why, whylen, "bad CIDR prefix '/%s' (want /0-/32)",
			     slash + 1);
			goto out;
		}
		if (*base == '\0') {
			errf(why, whylen, "missing address before '/'");
			goto out;
		}
	}
	if (base[strspn(base, "0123456789.,-")] != '\0') {
		if (targets_hostname_ok(base, why, whylen) < 0)
			goto out;
		if (no_dns) {
			errf(why, whylen,
			     "is a hostname and name resolution is off");
			goto out;
		}
		if (targets_resolve(base, &addr, why, whylen) < 0)
			goto out;
		targets_cidr(out, addr, (unsigned)bits);
		if (names)
			targets_add_name(ts, addr, base);
		rc = 0;
		goto out;
	}
	for (p = base; *p; p++)
		dots += *p == '.';
	if (dots != 3) {
		errf(why, whylen, "need 4 octets, got %d", dots + 1);
		goto out;
	}
	p = base;
	for (i = 0; i < 4; i++) {
		size_t len = strcspn(p, ".");

		if (targets_octet(p, len, &o[i], why, whylen) < 0)
			goto out;
		p += len + 1;
	}
	if (slash == NULL) {
		rc = targets_octets(o, out, why, whylen);
		goto out;
	}
	for (i = 0; i < 4; i++) {
		if (!o[i].plain) {
			errf(why, whylen, "CIDR needs a plain address");
			goto out;
		}
		addr = addr << 8 | o[i].value;
	}
	targets_cidr(out, addr, (unsigned)bits);
	rc = 0;
out:
	free(base);
	return rc;
}

static int targets_one(struct target_set *ts, const char *token, int exclude,
		       int no_dns, char *err, size_t errlen)
{
	char why[160];

	if (ts->finalized) {
		fprintf(stderr, "fathom: targets changed after finalize\n");
		abort();
	}
	if (targets_token(ts, token, no_dns, exclude ? &ts->exc : &ts->inc,
			  !exclude, why, sizeof(why)) < 0) {
		errf(err, errlen, "bad target '%s': %s", token, why);
		return -1;
	}
	return 0;
}

int targets_add(struct target_set *ts, const char *token, int no_dns, char *err,
		size_t errlen)
{
	return targets_one(ts, token, 0, no_dns, err, errlen);
}

int targets_exclude(struct target_set *ts, const char *token, int no_dns,
		    char *err, size_t errlen)
{
	return targets_one(ts, token, 1, no_dns, err, errlen);
}

/* A piece continues the previous token's last octet list ("…1,2"). */
static int targets_continues(const char *piece, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (piece[i] == '.' || isalpha((unsigned char)piece[i]))
			return 0;
	return 1;
}

int targets_exclude_list(struct target_set *ts, const char *list, int no_dns,
			 char *err, size_t errlen)
{
	const char *p = list;
	char *tok = NULL;
	size_t cap = 0, n = 0;
	int rc = 0, have = 0;

	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		if (have && targets_continues(p, len)) {
			tok = xgrow(tok, &cap, n + len + 2, 1);
			tok[n++] = ',';
		} else {
			if (have &&
			    targets_exclude(ts, tok, no_dns, err, errlen) < 0) {
				rc = -1;
				break;
			}
			n = 0;
			have = 1;
			tok = xgrow(tok, &cap, len + 1, 1);
		}
		memcpy(tok + n, p, len);
		n += len;
		tok[n] = '\0';
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	if (rc == 0 && have)
		rc = targets_exclude(ts, tok, no_dns, err, errlen);
	free(tok);
	return rc;
}

int targets_add_file(struct target_set *ts, const char *path, int exclude,
		     int no_dns, char *err, size_t errlen)
{
	const char *shown = strcmp(path, "-") == 0 ? "stdin" : path;
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	char *tok = NULL, inner[512];
	size_t cap = 0, n = 0, line = 1, tokline = 1;
	int c, rc = 0, comment = 0;

	if (f == NULL) {
		errf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	do {
		c = getc(f);
		if (c == '#')
			comment = 1;
		if (c != EOF && !comment && !isspace(c)) {
			if (n == 0)
				tokline = line;
			/* No target is this long: stop a file with no
			 * blanks (or /dev/zero) from growing without end. */
			if (n >= 4096) {
				errf(err, errlen, "%s:%zu: target longer than "
				     "4096 bytes", shown, tokline);
				rc = -1;
				break;
			}
			tok = xgrow(tok, &cap, n + 2, 1);
			tok[n++] = (char)c;
			continue;
		}
		if (n > 0) {
			tok[n] = '\0';
			n = 0;
			if (targets_one(ts, tok, exclude, no_dns, inner,
					sizeof(inner)) < 0) {
				errf(err, errlen, "%s:%zu: %s", shown, tokline,
				     inner);
				rc = -1;
				break;
			}
		}
		if (c == '\n') {
			line++;
			comment = 0;
		}
	} while (c != EOF);
	if (rc == 0 && ferror(f)) {
		errf(err, errlen, "%s: read error", shown);
		rc = -1;
	}
	if (f != stdin)
		fclose(f);
	free(tok);
	return rc;
}

static int targets_cmp_iv(const void *a, const void *b)
{
	const struct target_iv *x = a, *y = b;

	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return 0;
}

static int targets_cmp_name(const void *a, const void *b)
{
	const struct target_name *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Sorts and merges overlapping or adjacent intervals in place. */
static void targets_normalize(struct target_ivs *l)
{
	struct target_ivs m = { 0 };
	size_t i;

	if (l->n < 2)
		return;
	qsort(l->v, l->n, sizeof(*l->v), targets_cmp_iv);
	m.v = xcalloc(l->n, sizeof(*m.v));
	m.cap = l->n;
	for (i = 0; i < l->n; i++)
		targets_push(&m, l->v[i].first, l->v[i].last);
	free(l->v);
	*l = m;
}

/* inc minus exc, both normalized; exc only ever moves forward. */
static void targets_subtract(struct target_set *ts)
{
	struct target_ivs out = { 0 };
	const struct target_ivs *exc = &ts->exc;
	size_t i, j = 0, k;

	for (i = 0; i < ts->inc.n; i++) {
		uint64_t cur = ts->inc.v[i].first, end = ts->inc.v[i].last;

		while (j < exc->n && exc->v[j].last < cur)
			j++;
		for (k = j; k < exc->n && exc->v[k].first <= end && cur <= end;
		     k++) {
			if (exc->v[k].first > cur)
				targets_push(&out, (uint32_t)cur,
					     exc->v[k].first - 1);
			if ((uint64_t)exc->v[k].last + 1 > cur)
				cur = (uint64_t)exc->v[k].last + 1;
		}
		if (cur <= end)
			targets_push(&out, (uint32_t)cur, (uint32_t)end);
	}
	free(ts->inc.v);
	ts->inc = out;
}

int targets_finalize(struct target_set *ts, char *err, size_t errlen)
{
	size_t i, k;

	if (ts->finalized) {
		fprintf(stderr, "fathom: targets finalized twice\n");
		abort();
	}
	ts->finalized = 1;
	targets_normalize(&ts->inc);
	targets_normalize(&ts->exc);
	if (ts->inc.n == 0) {
		errf(err, errlen, "no targets were specified");
		return -1;
	}
	targets_subtract(ts);
	free(ts->exc.v);
	memset(&ts->exc, 0, sizeof(ts->exc));
	if (ts->inc.n == 0) {
		errf(err, errlen, "no targets left after exclusions");
		return -1;
	}
	ts->before = xcalloc(ts->inc.n, sizeof(*ts->before));
	ts->count = 0;
	for (i = 0; i < ts->inc.n; i++) {
		ts->before[i] = ts->count;
		ts->count +=
			(uint64_t)ts->inc.v[i].last - ts->inc.v[i].first + 1;
	}
	/* Keep the first name given per address, and only for kept ones. */
	if (ts->nnames > 1)
		qsort(ts->names, ts->nnames, sizeof(*ts->names),
		      targets_cmp_name);
	for (i = k = 0; i < ts->nnames; i++) {
		if ((k > 0 && ts->names[k - 1].addr == ts->names[i].addr) ||
		    targets_index_of(ts, ts->names[i].addr) < 0) {
			free(ts->names[i].name);
			continue;
		}
		ts->names[k++] = ts->names[i];
	}
	ts->nnames = k;
	return 0;
}

uint64_t targets_count(const struct target_set *ts)
{
	return ts->count;
}

/* The interval holding target index i (< count): largest k, before[k] <= i. */
static size_t interval_of_index(const struct target_set *ts, uint64_t i)
{
	size_t lo = 0, hi = ts->inc.n - 1;

	while (lo < hi) {
		size_t mid = lo + (hi - lo + 1) / 2;

		if (ts->before[mid] <= i)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

uint32_t targets_at(const struct target_set *ts, uint64_t i)
{
	size_t k;

	if (i >= ts->count) {
		fprintf(stderr, "fathom: target index %llu out of range\n",
			(unsigned long long)i);
		abort();
	}
	k = interval_of_index(ts, i);
	return ts->inc.v[k].first + (uint32_t)(i - ts->before[k]);
}

int64_t targets_index_of(const struct target_set *ts, uint32_t addr)
{
	size_t lo = 0, hi;

	if (ts->count == 0 || addr < ts->inc.v[0].first)
		return -1;
	/* Largest k with first <= addr. */
	hi = ts->inc.n - 1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo + 1) / 2;

		if (ts->inc.v[mid].first <= addr)
			lo = mid;
		else
			hi = mid - 1;
	}
	if (addr > ts->inc.v[lo].last)
		return -1;
	return (int64_t)(ts->before[lo] + (addr - ts->inc.v[lo].first));
}

const char *targets_name(const struct target_set *ts, uint32_t addr)
{
	size_t lo = 0, hi = ts->nnames;

	/* Sorted and unique per address only once finalize succeeded. */
	if (ts->count == 0)
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ts->names[mid].addr == addr)
			return ts->names[mid].name;
		if (ts->names[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

size_t targets_nintervals(const struct target_set *ts)
{
	return ts->inc.n;
}

void targets_interval(const struct target_set *ts, size_t k, uint32_t *first,
		      uint32_t *last)
{
	*first = ts->inc.v[k].first;
	*last = ts->inc.v[k].last;
}

struct target_set *targets_slice(const struct target_set *ts, uint64_t first,
				 uint64_t count)
{
	struct target_set *out = targets_new();
	uint64_t end = first + count;
	char err[64];

	if (end > ts->count)
		end = ts->count;
	/*
	 * Interval by interval: a /8 slice stays one interval. Only the
	 * first needs a search; the slice then walks the intervals.
	 */
	if (first < end) {
		size_t k = interval_of_index(ts, first);
		uint32_t a = ts->inc.v[k].first +
			     (uint32_t)(first - ts->before[k]);

		for (;;) {
			uint64_t run = (uint64_t)ts->inc.v[k].last - a + 1;

			if (run > end - first)
				run = end - first;
			targets_push(&out->inc, a, (uint32_t)(a + run - 1));
			first += run;
			if (first >= end || ++k >= ts->inc.n)
				break;
			a = ts->inc.v[k].first;
		}
	}
	/* finalize keeps only the names of addresses in the slice. */
	for (size_t i = 0; i < ts->nnames; i++)
		targets_add_name(out, ts->names[i].addr, ts->names[i].name);
	if (targets_finalize(out, err, sizeof(err)) < 0) {
		targets_free(out);
		return NULL;
	}
	return out;
}

