/* osattr.h -- the replies to one round of OS probes into nmap's fingerprint. */
#ifndef FATHOM_OSATTR_H
#define FATHOM_OSATTR_H

#include <stddef.h>
#include <stdint.h>

#include "fingerprints/osfp.h"
#include "fingerprints/osresult.h"

struct pkt_info;

#define OSATTR_MAX_OPTS 40
#define OSATTR_MAX_QUOTE 600 /* quoted datagram bytes kept (U1: 328) */

/* One reply as the attributes need it: parsed, bounded, no pointers. */
struct os_reply {
	int got;
	uint64_t rx_us; /* receive time (not used by any attribute) */
	uint8_t ttl, df;
	uint16_t ipid, iplen;
	/* TCP */
	uint8_t flags, res; /* flags as on the wire; the 4 reserved bits */
	uint16_t win, urp;
	uint32_t seq, ack;
	uint8_t opts[OSATTR_MAX_OPTS];
	uint8_t optlen;
	uint32_t data_len; /* TCP payload bytes (RD: CRC32 on RSTs) */
	uint32_t data_crc;
	/* ICMP: echo reply (IE) or port unreachable (U1) */
	uint8_t icmp_type, icmp_code;
	uint32_t icmp_unused;
	uint8_t quote[OSATTR_MAX_QUOTE]; /* from the quoted IP header on */
	uint16_t quote_len; /* to the end of the outer IP datagram */
	int retrans;        /* answered a re-sent probe (IE: IP ID useless) */
};

/*
 * Everything one round recorded for one host. Probe slots follow nmap:
 * seq[i] is the first reply to SEQ i+1, ops[i] to its OPS re-send (used
 * only when seq[i] is missing), t[0] is T1 (the SEQ1 reply, or T1's own
 * re-send), ie[0]/ie[1] the echo replies, u1 the port unreachable.
 */
struct os_round {
	uint32_t seq_base; /* SEQ i is sent with seq_base + i */
	uint32_t ack;      /* the ACK number of SEQ/T probes */
	int have_open;     /* an open TCP port was probed */
	int have_closed;   /* a known closed TCP port (not a random one) */
	uint64_t scan_delay_ms;
	uint64_t seq_sent_us[6]; /* wall-clock send times of SEQ1-6, us */

	struct os_reply seq[6];
	struct os_reply ops[6];
	struct os_reply ecn;
	struct os_reply t[7];
	struct os_reply ie[2];
	struct os_reply u1;
	/* What U1 carried, for RID/RUCK and the hop count. */
	uint8_t u1_ttl;
	uint16_t u1_sport, u1_dport, u1_udp_csum;
};

/* nmap's CRC-32 (the zlib/IEEE one) for RD. */
uint32_t osattr_crc32(const uint8_t *p, size_t n);

/*
 * Fills r from a parsed frame (TCP, ICMP echo reply or ICMP error):
 * header fields, options, payload length and CRC, the quoted datagram.
 * A function of its inputs.
 */
void osattr_reply_from_pkt(const struct pkt_info *p, uint64_t rx_us,
			   struct os_reply *r);

/* nmap's option string ("M5B4ST11NW7"); "" when the options are malformed. */
void osattr_ops_string(const uint8_t *opts, size_t n, char *out, size_t outlen);

/* IP ID sequence classes, as nmap numbers them. */
enum os_ipid_class {
	OS_IPID_UNKNOWN = 0,
	OS_IPID_INCR,
	OS_IPID_BROKEN_INCR,
	OS_IPID_RPI,
	OS_IPID_RD,
	OS_IPID_CONSTANT,
	OS_IPID_ZERO,
	OS_IPID_INCR_BY_2,
};

/* The class of n IP IDs in order (nmap's 16-bit rules); n < 2: unknown. */
int osattr_ipid_class(const uint16_t *ids, int n);
/* "Incremental", "All zeros", ... as nmap prints them. */
const char *osattr_ipid_class_name(int cls);
/* nmap's difficulty words for a sequence index ("Good luck!"). */
const char *osattr_difficulty(int index);

/*
 * Computes the fingerprint tests (SEQ OPS WIN ECN T1-T7 U1 IE, with T or
 * TG, R=N where nmap writes it) into fp, and into res the extras: U1's
 * hop count (res->distance, dist_method 'I', or -1), the SEQ replies'
 * ISNs, IP IDs and timestamps, seq index and difficulty, IP ID and TS
 * classes, uptime and last boot. Does not touch res's other fields.
 * A pure function of the round.
 */
void osattr_compute(const struct os_round *in, struct osfp *fp,
		    struct os_result *res);

#endif
