/* addr.h -- one address type for IPv4 and IPv6: parse, format, compare, hash, prefix math. */
#ifndef FATHOM_ADDR_H
#define FATHOM_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * An IP address of either family, by value (18 bytes, no pointers), so it
 * can be copied, compared with addr_cmp and used as a hash key.
 *
 * Invariants every function keeps (and expects):
 * - family is ADDR_V4 or ADDR_V6;
 * - b holds the address in network byte order; an IPv4 address fills
 *   b[0..3] and b[4..15] are zero. IPv4 is never stored as ::ffff:a.b.c.d:
 *   an IPv4 target and an IPv4-mapped IPv6 target are different targets.
 * Order (addr_cmp): every IPv4 address before every IPv6 address, then
 * numeric order, which is also the order nmap reports hosts in.
 *
 * Code that is IPv4 by nature (ARP, the IPv4 header) converts at its edge
 * with addr_v4()/addr_from_v4(); nothing else keeps a bare uint32_t.
 */
enum addr_family {
	ADDR_V4 = 4,
	ADDR_V6 = 6
};

struct addr {
	uint8_t family; /* enum addr_family */
	uint8_t b[16];
};

/* Longest text form, NUL included (INET6_ADDRSTRLEN). */
#define ADDR_STRLEN 46

/* IPv4 from a host-order integer (198.18.0.1 == 0xc6120001). */
struct addr addr_from_v4(uint32_t host_order);
/* IPv6 from 16 network-order bytes. */
struct addr addr_from_v6(const uint8_t b[16]);
/* The host-order IPv4 value; only for ADDR_V4 (asserted in debug builds). */
uint32_t addr_v4(const struct addr *a);

static inline bool addr_is_v6(const struct addr *a)
{
	return a->family == ADDR_V6;
}

/* Address width in bits: 32 or 128. */
unsigned addr_bits(const struct addr *a);

/*
 * Parses a literal address (dotted quad or any RFC 4291 text form, no
 * brackets, no zone). 0 and *out set, or -1 and *out untouched.
 * No name resolution, no shorthand ("10.1" is rejected, as inet_pton does).
 */
int addr_parse(const char *s, struct addr *out);

/* Text form into buf (RFC 5952 for IPv6: lower case, longest zero run
 * compressed), returned for use in printf. buf holds ADDR_STRLEN. */
const char *addr_format(const struct addr *a, char buf[ADDR_STRLEN]);

/* <0, 0, >0 in the order above. */
int addr_cmp(const struct addr *x, const struct addr *y);
bool addr_eq(const struct addr *x, const struct addr *y);

/* A 64-bit hash of the address under key (SipHash-2-4; use a per-run
 * random key where peers choose the addresses). */
uint64_t addr_hash(const struct addr *a, uint64_t k0, uint64_t k1);

/*
 * Prefix math. bits is the prefix length, at most addr_bits(a).
 * addr_prefix_first/last: the lowest and highest address of the prefix
 * a/bits (host bits cleared or set).
 */
struct addr addr_prefix_first(const struct addr *a, unsigned bits);
struct addr addr_prefix_last(const struct addr *a, unsigned bits);

/*
 * *out = a + off. -1 if the sum leaves the family's address space (then
 * *out is untouched).
 */
int addr_add(const struct addr *a, uint64_t off, struct addr *out);

/*
 * hi - lo for lo <= hi of one family, in *out. -1 if lo > hi, the families
 * differ, or the distance does not fit 64 bits (an IPv6 span that large
 * can never be enumerated anyway; callers name their own, lower limit).
 */
int addr_diff(const struct addr *hi, const struct addr *lo, uint64_t *out);

/* To/from struct sockaddr_in/_in6 (port in host order). to_sockaddr
 * returns the length written (sizeof the family's sockaddr), 0 if len is
 * too small; from_sockaddr returns -1 for another family. */
struct sockaddr;
size_t addr_to_sockaddr(const struct addr *a, uint16_t port,
			struct sockaddr *sa, size_t len);
int addr_from_sockaddr(const struct sockaddr *sa, struct addr *out,
		       uint16_t *port);

#endif
