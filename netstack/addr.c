/* addr.c -- one address type for IPv4 and IPv6: parse, format, compare, hash, prefix math. */
#include "config.h"

#include <arpa/inet.h>
#include <assert.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "netstack/addr.h"
#include "netstack/siphash.h"

struct addr addr_from_v4(uint32_t v)
{
	struct addr a = { .family = ADDR_V4 };

	a.b[0] = (uint8_t)(v >> 24);
	a.b[1] = (uint8_t)(v >> 16);
	a.b[2] = (uint8_t)(v >> 8);
	a.b[3] = (uint8_t)v;
	return a;
}

struct addr addr_from_v6(const uint8_t b[16])
{
	struct addr a = { .family = ADDR_V6 };

	memcpy(a.b, b, 16);
	return a;
}

uint32_t addr_v4(const struct addr *a)
{
	assert(a->family == ADDR_V4);
	return (uint32_t)a->b[0] << 24 | (uint32_t)a->b[1] << 16 |
	       (uint32_t)a->b[2] << 8 | a->b[3];
}

unsigned addr_bits(const struct addr *a)
{
	return a->family == ADDR_V6 ? 128 : 32;
}

int addr_parse(const char *s, struct addr *out)
{
	struct addr a = { 0 };

	if (strchr(s, ':')) {
		if (inet_pton(AF_INET6, s, a.b) != 1)
			return -1;
		a.family = ADDR_V6;
	} else {
		if (inet_pton(AF_INET, s, a.b) != 1)
			return -1;
		a.family = ADDR_V4;
	}
	*out = a;
	return 0;
}

/* glibc's inet_ntop already writes RFC 5952 text (lower case, the
 * longest run of two or more zero groups compressed, the first if tied). */
const char *addr_format(const struct addr *a, char buf[ADDR_STRLEN])
{
	int af = a->family == ADDR_V6 ? AF_INET6 : AF_INET;

	if (!inet_ntop(af, a->b, buf, ADDR_STRLEN))
		buf[0] = '\0';
	return buf;
}

int addr_cmp(const struct addr *x, const struct addr *y)
{
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	return memcmp(x->b, y->b, addr_bits(x) / 8);
}

bool addr_eq(const struct addr *x, const struct addr *y)
{
	return addr_cmp(x, y) == 0;
}

uint64_t addr_hash(const struct addr *a, uint64_t k0, uint64_t k1)
{
	uint8_t in[17];

	in[0] = a->family;
	memcpy(in + 1, a->b, 16);
	return siphash24(k0, k1, in, sizeof in);
}

/* Sets (ones) or clears the host bits past `bits`. */
static struct addr prefix_edge(const struct addr *a, unsigned bits, int ones)
{
	struct addr r = *a;
	unsigned n = addr_bits(a) / 8, i;

	if (bits > addr_bits(a))
		bits = addr_bits(a);
	for (i = 0; i < n; i++) {
		unsigned keep = bits >= (i + 1) * 8 ? 8
				: bits > i * 8      ? bits - i * 8
						    : 0;
		uint8_t mask = (uint8_t)(keep ? 0xff << (8 - keep) : 0);

		r.b[i] = ones ? (uint8_t)(r.b[i] | ~mask)
			      : (uint8_t)(r.b[i] & mask);
	}
	return r;
}

struct addr addr_prefix_first(const struct addr *a, unsigned bits)
{
	return prefix_edge(a, bits, 0);
}

struct addr addr_prefix_last(const struct addr *a, unsigned bits)
{
	return prefix_edge(a, bits, 1);
}

int addr_add(const struct addr *a, uint64_t off, struct addr *out)
{
	struct addr r = *a;
	unsigned n = addr_bits(a) / 8;
	uint64_t carry = off;
	int i;

	for (i = (int)n - 1; i >= 0 && carry; i--) {
		uint64_t s = r.b[i] + (carry & 0xff);

		r.b[i] = (uint8_t)s;
		carry = (carry >> 8) + (s >> 8);
	}
	if (carry)
		return -1;
	*out = r;
	return 0;
}

int addr_diff(const struct addr *hi, const struct addr *lo, uint64_t *out)
{
	unsigned n = addr_bits(hi) / 8, i;
	uint64_t d = 0;
	int borrow = 0;
	uint8_t r[16];

	if (hi->family != lo->family || addr_cmp(hi, lo) < 0)
		return -1;
	for (i = n; i-- > 0;) {
		int v = hi->b[i] - lo->b[i] - borrow;

		borrow = v < 0;
		r[i] = (uint8_t)(v + (borrow ? 256 : 0));
	}
	for (i = 0; i + 8 < n; i++)
		if (r[i])
			return -1; /* wider than 64 bits */
	for (i = n > 8 ? n - 8 : 0; i < n; i++)
		d = d << 8 | r[i];
	*out = d;
	return 0;
}

size_t addr_to_sockaddr(const struct addr *a, uint16_t port,
			struct sockaddr *sa, size_t len)
{
	if (a->family == ADDR_V6) {
		struct sockaddr_in6 s6 = { .sin6_family = AF_INET6 };

		if (len < sizeof s6)
			return 0;
		s6.sin6_port = htons(port);
		memcpy(&s6.sin6_addr, a->b, 16);
		memcpy(sa, &s6, sizeof s6);
		return sizeof s6;
	} else {
		struct sockaddr_in s4 = { .sin_family = AF_INET };

		if (len < sizeof s4)
			return 0;
		s4.sin_port = htons(port);
		memcpy(&s4.sin_addr, a->b, 4);
		memcpy(sa, &s4, sizeof s4);
		return sizeof s4;
	}
}

int addr_from_sockaddr(const struct sockaddr *sa, struct addr *out,
		       uint16_t *port)
{
	struct addr a = { 0 };
	uint16_t p;

	if (sa->sa_family == AF_INET6) {
		struct sockaddr_in6 s6;

		memcpy(&s6, sa, sizeof s6);
		a.family = ADDR_V6;
		memcpy(a.b, &s6.sin6_addr, 16);
		p = ntohs(s6.sin6_port);
	} else if (sa->sa_family == AF_INET) {
		struct sockaddr_in s4;

		memcpy(&s4, sa, sizeof s4);
		a.family = ADDR_V4;
		memcpy(a.b, &s4.sin_addr, 4);
		p = ntohs(s4.sin_port);
	} else {
		return -1;
	}
	*out = a;
	if (port)
		*port = p;
	return 0;
}
