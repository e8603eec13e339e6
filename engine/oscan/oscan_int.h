/* oscan_int.h -- the -O engine's shared state: hosts, rounds, probe clock. */
#ifndef FATHOM_OSCAN_INT_H
#define FATHOM_OSCAN_INT_H

#include <stddef.h>
#include <stdint.h>

#include "engine/oscan/oscan.h"
#include "fingerprints/osprobe.h"
#include "netstack/pktio.h"

/*
 * Source ports: nmap's base of 33000 plus a random offset, the probe's
 * number added (SEQ 0-5, OPS 6-11, ECN 12, T1-T7 13-19) and 256 more per
 * round, so a late reply to an earlier round is never taken for this
 * one's. The range stays below the sweep's 61000 and -sV's 62100.
 */
#define OS_PORT_BASE 33000
#define OS_PORT_RAND 12000
#define OS_ROUND_STEP 256
#define OS_GROUP 256         /* hosts probed at once */
#define OS_SEQ_GAP_US 100000 /* nmap's OS_SEQ_PROBE_DELAY */
#define OS_PROBE_GAP_MS 25   /* nmap's OS_PROBE_DELAY */
#define OS_MAX_SENDS 4       /* nmap retries until tryno 3 */
/*
 * nmap sleeps 1 s between rounds (2.5 s before the fourth). Nothing in
 * the probes needs that long here: Linux rate-limits its port
 * unreachables per peer with a burst of 6, far above one U1 per round.
 */
#define OS_ROUND_GAP_MS 100
#define OS_STD_TRIES 2 /* nmap's STANDARD_OS2_TRIES */

struct pstate {
	uint8_t sends;    /* times sent this round */
	uint64_t sent_us; /* last send, monotonic */
};

struct oshost {
	struct os_result *out; /* out->addr: the host as struct addr */
	uint32_t addr;         /* the same, host order, for the IPv4 frames
				  this engine sends and matches */
	uint8_t mac[6];
	int onlink;
	int closed_known;    /* a closed port the sweep saw (R=N for T5-7) */
	int closed_udp_seen; /* U1 was answered in some round */
	int finished;        /* perfect match, or out of rounds */
	int rounds;
	double best_acc;
	int have_best;
	double max_timing_ratio;
	uint64_t srtt_us, rttvar_us;
	int rtt_samples;
	uint64_t last_send_us;
	struct os_round *rd; /* the current round (heap: it is large) */
	struct pstate ps[OSP_NKINDS];
	int round_done;
};

struct os {
	struct scan *s;
	const struct scan_opts *o;
	const struct osdb *db;
	struct pktio *io;
	struct oshost *h; /* the current group, by address */
	size_t nh;
	uint64_t wall_minus_mono_us;
	uint64_t rng;
	/* This round's values, shared by the group as in nmap. */
	uint16_t port0; /* the run's random port base */
	uint16_t tcp_base, udp_base, icmp_id;
	uint32_t seq_base, ack;
	uint8_t u1_ttl;
	uint64_t round_start_us;
	uint64_t sent, recv, bytes_sent, bytes_recv;
};

/* oscan_probe.c: sending, matching replies, timing. */
uint64_t os_now_us(void);
uint32_t os_rnd32(struct os *v);
int os_have_open(const struct oshost *h);
/* Sends this host's next due probe. Returns 1 while the round goes on. */
int os_host_step(struct os *v, struct oshost *h, uint64_t now);
/* pktio_dispatch callback: a captured frame, matched to a host's probe. */
void os_on_frame(const uint8_t *frame, size_t caplen, uint64_t ts, void *arg);

#endif
