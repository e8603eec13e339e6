/* udpprobe.c -- per-port UDP probe payloads and their reply checks. */
#include "probes/udpprobe.h"

#include <string.h>

static size_t put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return 2;
}

static size_t put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
	return 4;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

/* DNS: a 12-byte header with one question, no recursion wanted. */
static size_t dns_version(uint32_t tag, uint8_t *out)
{
	static const uint8_t q[] = { 7,   'v', 'e', 'r', 's', 'i', 'o', 'n', 4,
				     'b', 'i', 'n', 'd', 0,   0,   16, /* TXT */
				     0,   3 }; /* CHAOS */
	size_t k = put16(out, (uint16_t)tag);

	k += put16(out + k, 0); /* standard query */
	k += put16(out + k, 1); /* QDCOUNT */
	memset(out + k, 0, 6);  /* AN, NS, AR */
	k += 6;
	memcpy(out + k, q, sizeof(q));
	return k + sizeof(q);
}

/* NetBIOS node status (NBSTAT) for the wildcard name "*". */
static size_t nbstat(uint32_t tag, uint8_t *out)
{
	size_t k = put16(out, (uint16_t)tag);

	k += put16(out + k, 0);
	k += put16(out + k, 1);
	memset(out + k, 0, 6);
	k += 6;
	out[k++] = 32;
	/* First-level encoding: '*' (0x2a) is "CK", NUL padding "AA". */
	out[k++] = 'C';
	out[k++] = 'K';
	memset(out + k, 'A', 30);
	k += 30;
	out[k++] = 0;
	k += put16(out + k, 0x21); /* NBSTAT */
	k += put16(out + k, 1);    /* IN */
	return k;
}

/* ONC RPC call of procedure 0 (NULL), AUTH_NULL credential and verifier. */
static size_t rpc_null(uint32_t tag, uint32_t prog, uint32_t vers, uint8_t *out)
{
	size_t k = put32(out, tag); /* XID */

	k += put32(out + k, 0); /* CALL */
	k += put32(out + k, 2); /* RPC version */
	k += put32(out + k, prog);
	k += put32(out + k, vers);
	k += put32(out + k, 0); /* NULLPROC */
	memset(out + k, 0, 16); /* cred, verf: AUTH_NULL, length 0 */
	return k + 16;
}

/* NTPv4 client request; the transmit timestamp carries the tag. */
static size_t ntp_client(uint32_t tag, uint8_t *out)
{
	memset(out, 0, 48);
	out[0] = 0xe3; /* LI 3 (unsynchronised), VN 4, mode 3 (client) */
	put32(out + 40, tag);
	put32(out + 44, ~tag);
	return 48;
}

/* SNMPv1 GetRequest for sysDescr.0 (1.3.6.1.2.1.1.1.0), "public". */
static size_t snmp_get(uint32_t tag, uint8_t *out)
{
	static const uint8_t head[] = { 0x30, 0x29, 0x02, 0x01, 0x00, 0x04,
					0x06, 'p',  'u',  'b',  'l',  'i',
					'c',  0xa0, 0x1c, 0x02, 0x04 };
	static const uint8_t tail[] = { 0x02, 0x01, 0x00, 0x02, 0x01, 0x00,
					0x30, 0x0e, 0x30, 0x0c, 0x06, 0x08,
					0x2b, 0x06, 0x01, 0x02, 0x01, 0x01,
					0x01, 0x00, 0x05, 0x00 };
	size_t k = sizeof(head);

	memcpy(out, head, k);
	/* A positive request-id: BER INTEGER is signed. */
	k += put32(out + k, tag & 0x7fffffffu);
	memcpy(out + k, tail, sizeof(tail));
	return k + sizeof(tail);
}

size_t udpprobe_payload(uint16_t port, uint32_t tag, uint8_t *out)
{
	switch (port) {
	case 53:
		return dns_version(tag, out);
	case 111:
		return rpc_null(tag, 100000, 2, out);
	case 123:
		return ntp_client(tag, out);
	case 137:
		return nbstat(tag, out);
	case 161:
		return snmp_get(tag, out);
	case 2049:
		return rpc_null(tag, 100003, 3, out);
	default:
		return 0;
	}
}

int udpprobe_reply_ok(uint16_t port, uint32_t tag, const uint8_t *p, size_t n)
{
	switch (port) {
	case 53:
	case 137:
		/* The ID echoed, and the QR bit: a response, not a query. */
		return n >= 12 && get16(p) == (uint16_t)tag && (p[2] & 0x80);
	case 111:
	case 2049:
		return n >= 8 && get32(p) == tag && get32(p + 4) == 1;
	case 123:
		/* The server's origin timestamp is our transmit timestamp. */
		return n >= 48 && get32(p + 24) == tag &&
		       get32(p + 28) == (uint32_t)~tag;
	case 161: {
		uint8_t id[6] = { 0x02, 0x04 };

		put32(id + 2, tag & 0x7fffffffu);
		for (size_t i = 0; i + sizeof(id) <= n; i++)
			if (memcmp(p + i, id, sizeof(id)) == 0)
				return 1;
		return 0;
	}
	default:
		return 1;
	}
}
