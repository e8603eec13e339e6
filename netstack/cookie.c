/* cookie.c -- stateless probe validation: a keyed hash of the 4-tuple. */
#include "netstack/cookie.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "netstack/siphash.h"

int cookie_key_random(struct cookie_key *key)
{
	uint64_t k[2];
	ssize_t n = getrandom(k, sizeof(k), 0);

	if (n != (ssize_t)sizeof(k)) {
		if (n >= 0)
			errno = EIO;
		return -1;
	}
	key->k0 = k[0];
	key->k1 = k[1];
	return 0;
}

/* The sequence number is the hash's low half, the source port a slot of
 * the range chosen by its high half: the same for both families. */
static struct cookie cookie_from_hash(uint64_t h, uint16_t sport_base,
				      uint16_t sport_count)
{
	struct cookie c;

	c.seq = (uint32_t)h;
	c.sport = sport_count <= 1
			  ? sport_base
			  : (uint16_t)(sport_base + (h >> 32) % sport_count);
	return c;
}

struct cookie cookie_make(const struct cookie_key *key, uint32_t saddr,
			  uint32_t daddr, uint16_t dport, uint8_t proto,
			  uint16_t sport_base, uint16_t sport_count)
{
	uint8_t in[11];

	/* Fixed little-endian layout so the hash does not depend on padding. */
	for (int i = 0; i < 4; i++) {
		in[i] = (uint8_t)(saddr >> (8 * i));
		in[4 + i] = (uint8_t)(daddr >> (8 * i));
	}
	in[8] = (uint8_t)dport;
	in[9] = (uint8_t)(dport >> 8);
	in[10] = proto;
	return cookie_from_hash(siphash24(key->k0, key->k1, in, sizeof(in)),
				sport_base, sport_count);
}

struct cookie cookie_make_addr(const struct cookie_key *key,
			       const struct addr *saddr,
			       const struct addr *daddr, uint16_t dport,
			       uint8_t proto, uint16_t sport_base,
			       uint16_t sport_count)
{
	uint8_t in[35];

	if (!addr_is_v6(saddr) && !addr_is_v6(daddr))
		return cookie_make(key, addr_v4(saddr), addr_v4(daddr), dport,
				   proto, sport_base, sport_count);
	memcpy(in, saddr->b, 16);
	memcpy(in + 16, daddr->b, 16);
	in[32] = (uint8_t)dport;
	in[33] = (uint8_t)(dport >> 8);
	in[34] = proto;
	return cookie_from_hash(siphash24(key->k0, key->k1, in, sizeof(in)),
				sport_base, sport_count);
}

int cookie_check(const struct cookie_key *key, const struct addr *saddr,
		 const struct addr *daddr, uint16_t dport, uint8_t proto,
		 uint16_t sport_base, uint16_t sport_count, uint16_t our_port,
		 uint32_t value, uint32_t delta)
{
	struct cookie c = cookie_make_addr(key, saddr, daddr, dport, proto,
					   sport_base, sport_count);

	return c.sport == our_port && c.seq + delta == value;
}
