/* vscan_int.h -- what the -sV modules share: probe connections, services, the run. */
#ifndef FATHOM_VSCAN_INT_H
#define FATHOM_VSCAN_INT_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/vscan/transport.h"
#include "engine/vscan/vscan.h"
#include "netstack/tcp.h"
#include "probes/rpc.h"
#include "probes/svcfp.h"
#include "probes/tls.h"

/*
 * engine/vscan/vscan.c       probe scheduling, precedence, TLS tunnel, verdicts
 * engine/vscan/vscan_run.c   set-up, picking the transport, the event loop,
 *                            results
 * engine/vscan/vscan_order.c which probe a service sends next (parallel or
 *                            sequential), in nmap's rank order
 * engine/vscan/vscan_rpc.c   SunRPC grinding after a service looks like RPC
 * engine/vscan/transport.h   the transports' one interface:
 * engine/vscan/vscan_utcp.c    fathom's userspace TCP over the -sV capture
 * engine/vscan/vscan_sock.c    kernel connect() sockets: the fallback
 */

/* fathom's connection ports: above the sweep's 61000-62023. */
#define VS_PORT_LO 62100
#define VS_PORT_HI 65500
/*
 * Default services probed at once (--max-parallelism changes it). Each
 * holds 2-6 connections in phase 1; at 512 the crowd's single sshd
 * (listen backlog 128, a fork per connection) dropped handshakes and 32
 * of 256 ssh services came out unnamed; at 128 all 512 services of the
 * sv-crowd benchmark are named.
 */
#define VS_MAX_SERVICES 128
/*
 * Probes one service keeps in flight after phase 1 (--version-parallel
 * changes it; 1 is nmap's sequential order, one connection at a time).
 */
#define VS_PAR_DEFAULT 6
/*
 * Past this many in flight, a service adds probes only while its host
 * holds fewer than VS_HOST_CONNS probe connections: a host with many
 * unsettled ports is not sent 6 connections per port at once. At 48,
 * fx-svc3's 51 open ports filled it with their silent NULL and TLS
 * probes alone, and phase 2 of its silent services (tinc, shadowsocks)
 * waited for those to end: 18.3 s for -sV of the host, 13.6 s at 128.
 */
#define VS_PAR_BASE 3
#define VS_HOST_CONNS 128
/* The NULL probe listens alone this long for a greeting (see phase1)... */
#define VS_GREET_MS 250
/*
 * ...or this long where the port's usual service greets (vs_greet_ms):
 * the crowd's one sshd (256 hosts at once, sv-crowd) still names all
 * 512 services at 600 ms; a second's wait cost -sV of fx-svc 0.4 s on
 * the finger and DNS ports, whose daemons wait for a query.
 */
#define VS_NULL_GRACE_MS 600
#define VS_MAX_RESP 16384 /* bytes kept per probe response */
/*
 * A phase 1 probe silent this long, on a service silent everywhere, no
 * longer holds back phase 2 (vs_parked). Lab servers answer their
 * port's probes in milliseconds; one that has not after a second most
 * likely never will.
 */
#define VS_PARK_MS 1000
#define VS_CONNECT_MS 5000
#define VS_REFUSED_MAX 4 /* refused probes kept for another try */
#define VS_SILENT_MAX 4  /* silent probes kept (vs_retry_silent) */
/*
 * Times vs_retry_silent sends a probe again. A retry can meet the
 * one-client daemon held by its other port's probes (kadmind: 464's
 * GenericLines while 749's hold it, one bench run in four on
 * 2026-12-05); by the second, those have ended. Only a retry that heard
 * nothing again costs another wait.
 */
#define VS_SILENT_TRIES 2
/*
 * A hard match on a reply that came this recently waits for the rest:
 * nmap reads what the socket holds when its loop gets to it, so a reply
 * written in two pieces a moment apart is matched whole; fathom's
 * stack hands over each segment. Orthanc writes its 266-byte answer to
 * RTSPRequest a header line per segment, and nmap's loose nagios-nsca
 * line (any 132 bytes and a newline) named the first four lines; the
 * rest came over 30 ms later in 1 run of 3 (the capture hands frames
 * over in ring blocks), so 100.
 */
#define VS_SETTLE_MS 100
/*
 * vs_serial_hold's step. kadmind, freed, answers within milliseconds
 * when alone; serving its other port (464) in the same turns, 150 ms
 * missed it in 2 runs of 3, 300 ms in none. A silent service pays it
 * per probe ending together: 1.5 s for phase 2's six.
 */
#define VS_SERIAL_MS 300

struct vs;
struct service;
struct vsock;
struct vsrpc;
struct vscript;

/* One probe (or the RPC grinder) on its own connection. */
struct pconn {
	struct service *svc;
	const struct svc_probe *probe; /* NULL for the RPC grinder */
	int rank;        /* file order: earlier probes take precedence */
	unsigned opened; /* its service's count of probes opened before */
	void *conn;      /* transport's connection, NULL once closed */
	struct tls_conn *tls;
	uint8_t *buf;
	size_t len, cap;
	uint64_t deadline;     /* ms */
	uint64_t connected_at; /* ms, 0 until connected */
	uint64_t last_data;    /* ms: when the last reply bytes came */
	uint64_t max_gap;      /* ms: longest pause between them */
	int sent, concluded, closed, got_eof, reset, tls_failed, fp_added;
	int is_tls_probe, is_rpc;
	int is_script;      /* a fathom-script probe's (vscan_script.c) */
	int established;    /* counted in vs.est_now */
	int reflected;      /* the reply was the probe sent back */
	int deferred;       /* a prefix of the probe so far: not matched */
	int settling;       /* hard-matched, more may come (VS_SETTLE_MS) */
	struct pconn *next; /* in the service's list */
};

struct service {
	struct vs *vs;
	struct svc_result *out;
	const uint8_t *mac;
	int tunnel;        /* probing through TLS */
	int tls_gave_up;   /* TLS did not work: plain only (nmap #2528) */
	int phase;         /* 1 parallel start, 2 by rarity */
	size_t next_probe; /* phase 2 position in the DB */
	size_t seq;        /* sequential run: next slot (vscan_order.c) */
	size_t host;       /* its host's index in vs.host_conns */
	int done, dirty;
	struct svc_answer best; /* hard match candidate */
	int best_rank;
	struct svc_answer soft;
	int have_soft, soft_rank;  /* soft_rank: its probe's, as best_rank */
	struct svc_answer generic; /* the recognisers' answer (probes/recog.h) */
	int generic_rank;          /* its probe's, as best_rank (when named) */
	struct svcfp fp;
	int fp_used;
	int rpc_seen;  /* an RPC call drew an RPC reply */
	int reflected; /* some probe came back as sent: an echo */
	int spoke;     /* some reply was not a probe sent back */
	int heard;     /* some connection got a byte (TLS too) */
	/* nmap's tcpwrap_possible, inverted: a byte came, or a probe timed out. */
	int not_wrapped;
	size_t budget;          /* connections it may hold at once */
	struct vsrpc *rpc;      /* grinding, or NULL */
	struct vscript *script; /* a fathom-script probe out, or NULL */
	size_t script_next;     /* the next of vs.scripts to consider */
	/* Probes whose connect was refused, to try again (vscan_retry.c). */
	const struct svc_probe *refused[VS_REFUSED_MAX];
	int refused_rank[VS_REFUSED_MAX], refused_tls[VS_REFUSED_MAX];
	int nrefused, refused_rounds;
	uint64_t refused_quiet; /* ms: when the rest had all concluded */
	/* Probes that heard nothing to their deadline: the first in
	 * nmap's order kept (vscan_retry.c). */
	const struct svc_probe *silent[VS_SILENT_MAX];
	int silent_rank[VS_SILENT_MAX], silent_tls[VS_SILENT_MAX];
	int nsilent, silent_retried;
	unsigned nopened;    /* probes opened so far (pconn.opened) */
	uint64_t silent_end; /* ms: a silent probe last ended on its
				  * deadline (vs_serial_hold), 0: never */
	struct pconn *conns;
	struct service *next_dirty;
};

/* A DUMP answer of one host's rpcbind, for its other ports. */
struct vs_dump {
	struct addr addr;
	struct rpc_mapping *m;
	size_t n;
};

struct vs {
	struct scan *s;
	const struct scan_opts *o;
	const struct svcdb *db;
	struct pktio *io; /* the userspace transport's capture, or NULL */
	struct vs_transport *tr; /* every probe connection goes through it */
	struct neigh *neigh6;    /* IPv6 next hops -sV solicited itself */
	struct tls_ctx *tls;
	struct service *svcs;
	size_t *order; /* start order: indexes of svcs (vs_order) */
	size_t nsvc, next_start, active, finished;
	size_t max_services;
	size_t par;         /* --version-parallel: 1 is sequential */
	size_t *host_conns; /* probe connections open per host (vs_order) */
	size_t conns_now, conns_peak; /* probe connections open at once */
	size_t est_now, est_peak;     /* of them, past the handshake */
	size_t reserved;              /* sum of the active services' budgets */
	size_t maxc;                  /* cap on reserved (0: none) */
	struct service *dirty;
	const struct svc_probe **tls_probes;
	size_t ntls;
	struct vs_dump *dumps;
	size_t ndumps;
	/* fathom-script probes of a run on another file (vscan_script.c) */
	const struct svc_probe **scripts;
	size_t nscripts;
	_Atomic uint64_t ndone; /* for status lines (progress_task_get) */
};

uint64_t vs_now_ms(void);
void vs_mark_dirty(struct service *sv);
void vs_trace(struct vs *v, const struct pconn *pc, const char *what);

/* vscan.c: one service's life. */
/*
 * (vscan_order.c) The most connections a service on port opens at
 * once: the NULL probe, the TLS-detecting and port-favoured probes of
 * phase 1, or phase 2's up to VS_PAR_BASE beside a silent NULL (more
 * only where room_for_more allows); 1 in a sequential run.
 * --max-parallelism admits services while the sum of these stays under
 * it.
 */
size_t vs_service_budget(const struct vs *v, uint16_t port);
void vs_start_service(struct service *sv);
void vs_evaluate(struct service *sv, uint64_t now);
void vs_finish(struct service *sv, int state);
void vs_free_conns(struct service *sv);
/* Matches pc's reply so far, unless concluded or our probe sent back. */
void vs_try_match(struct pconn *pc);
/*
 * vscan_retry.c. A daemon that serves one connection at a time (OpenVPN
 * in tcp-server mode closes its listening socket while a client is on)
 * resets the probes that run beside the NULL probe. vs_note_refused
 * keeps the NULL probe or a probe listing the port (not the rarity
 * probes: many daemons reset what they cannot parse) whose connection
 * was reset before a byte;
 * vs_retry_refused, called once every probe of sv has concluded, starts
 * the first of them (nmap's order) again after a pause, at most twice
 * per service and only if some connection stayed open (else the service
 * is tcpwrapped), and returns 1 while it has retried or is waiting, 0
 * when there is nothing left to retry.
 */
void vs_note_refused(struct pconn *pc);
int vs_retry_refused(struct service *sv, uint64_t now);
/*
 * vs_note_silent keeps pc, a probe (not the NULL one) that heard
 * nothing to its deadline. vs_retry_silent, called once every probe of
 * sv has concluded: when sv ends on a softmatch, spoke, and a kept
 * probe has a hard line for the softmatched service, it starts the
 * first such probe (nmap's order) again, alone, up to VS_SILENT_TRIES
 * times per service while it stays silent, and returns 1; else 0. A one-client daemon serving two ports (kadmind:
 * 749 and 464) answers a probe of one at once, but not while a probe of
 * the other holds it: nmap's order gives that probe the daemon alone.
 */
void vs_note_silent(struct pconn *pc);
int vs_retry_silent(struct service *sv);
/*
 * vscan_script.c. nmap runs its version scripts after its probes; when
 * another file replaced fathom's own (scan_opts.scriptdb), fathom's
 * fathom-script probes (probes/servicedb.h) take their place: once sv's
 * probes are done with verdict state, vs_script_begin starts the next
 * script probe (in file order, at version intensity 7 or more, as
 * nmap's shortport.version_port_or_service) that lists sv's port or
 * names the service of sv's answer, and that the run's own file lacks;
 * it returns 1 while one runs. A TCP probe gets its own connection
 * (through TLS when sv tunnels); a UDP one goes, as a datagram, to the
 * same port number (murmur-version's UDP ping for TCP 64738). Its own
 * match lines only are tried; a hard match replaces sv's answer, as a
 * version script's does. vs_script_evaluate, called for sv while one
 * runs, ends it on its match, its connection's end or its totalwaitms,
 * then goes on to the next script, RPC grinding or the verdict.
 * vs_scripts_find lists the run's script probes; vs_script_free ends
 * and frees a running one (a host out of time).
 */
void vs_scripts_find(struct vs *v);
int vs_script_begin(struct service *sv, int state);
void vs_script_evaluate(struct service *sv, uint64_t now);
void vs_script_free(struct service *sv);
/* The DB's probes are done: scripts, RPC grinding, or the verdict. */
void vs_conclude(struct service *sv, int state);

/* Whether sv may still retry (a NULL probe's reset is not yet final). */
int vs_retry_left(const struct service *sv);

/* vscan_conn.c: one probe's connection, its events and its reply. */
/* Opens a connection for probe p of sv (rank: nmap's order); 0 or -1. */
int vs_start_probe(struct service *sv, const struct svc_probe *p, int rank,
		   int is_tls_probe);
/* The transport's event callback (tcp.h's contract, for both). */
void vs_on_event(struct tcp_conn *c, enum tcp_event ev, const uint8_t *data,
		 size_t len, void *user);
/* Appends received bytes to pc's bounded buffer (grown as needed). */
void vs_append(struct pconn *pc, const uint8_t *d, size_t n);

/* vscan_run.c: probe connections, through v->tr (transport.h). */
void *vs_conn_open(struct vs *v, struct service *sv, struct pconn *pc,
		   uint64_t now);
int vs_conn_send(struct vs *v, void *conn, const void *d, size_t n,
		 uint64_t now);
void vs_conn_abort(struct vs *v, void *conn, uint64_t now);
/* Records that a connection of sv ended (for the simultaneous counts). */
void vs_conn_closed(struct service *sv);

/* vscan_order.c: the probes a service sends, and when. */
/* A sequential run: one probe connection per service, in nmap's order. */
static inline int vs_sequential(const struct vs *v)
{
	return v->par == 1;
}
/* p's place in nmap's order (0: the NULL probe); lower answers first. */
int vs_probe_rank(const struct service *sv, const struct svc_probe *p);
/* p is one of the run's TLS-detecting probes (v->tls_probes). */
int vs_is_tls_probe(const struct vs *v, const struct svc_probe *p);
/* How long the NULL probe listens alone before the rest join it. */
uint64_t vs_greet_ms(const struct service *sv);
/* pc is a NULL probe silent past that window (never in a sequential run). */
int vs_silent_null(const struct pconn *pc, uint64_t now);
/* pc is a probe phase 2 need not wait for: a silent NULL, or see VS_PARK_MS. */
int vs_parked(const struct pconn *pc, uint64_t now);
/*
 * Starts the next probes ranked below max_rank: in parallel, phase 2's
 * by file order within the intensity until v->par are in flight (past
 * VS_PAR_BASE only while the host holds under VS_HOST_CONNS); in a
 * sequential run, the next of nmap's order once none is in flight.
 */
void vs_fill(struct service *sv, int max_rank);
/*
 * A probe with fathom-sourceports lists sv's port and the transport can
 * send it: a daemon that drops clients on other source ports (rshd)
 * closes on the NULL probe without a byte, which is not yet tcpwrapped.
 */
int vs_reserved_listed(const struct service *sv);
/* A probe nmap would send before the hard answer is still unsent. */
int vs_unsent_before_best(const struct service *sv);
/*
 * A daemon that serves one client at a time reads our next connection
 * only once we close the one it is stuck on (krb5's kadmind blocks up
 * to 35 s reading an incomplete RPC record, and GenericLines' "\r\n\r\n"
 * starts one). nmap's order gives each probe the daemon to itself; side
 * by side, the probes queued behind a silent one hear nothing either.
 * So while a service has sent no byte on any connection, its silent
 * probes past their deadline end one at a time, the first opened first,
 * VS_SERIAL_MS apart: each queued probe gets its turn. (A daemon that
 * answered one connection while others waited serves them side by side:
 * CUPS through TLS leaves non-HTTP probes unanswered, and chaining them
 * cost -sV of the lab 3 s.) Returns 1 if pc (established, past its
 * deadline) waits on: its service has heard nothing, it is not the NULL
 * probe (which sent nothing to be stuck on), and another such probe of
 * its service ended on its deadline under VS_SERIAL_MS ago or was
 * opened before it and ends first.
 */
int vs_serial_hold(const struct pconn *pc, uint64_t now);

/* vscan_sched.c: start order and --host-timeout. */
/* Fills v->order (one service of each host in turn), each service's
 * host index and v->host_conns. */
void vs_order(struct vs *v);
/*
 * The service to start next (v->order from v->next_start, skipping the
 * done ones and dropping hosts out of time), or NULL: none left.
 */
struct service *vs_next_start(struct vs *v);
/*
 * 1 when sv's host is out of time (s->hd, engine/core/hostdeadline.h):
 * then every service of the host has ended unanswered, its connections
 * reset and freed, and the host was reported done. now_ns: now_ns().
 */
int vs_host_expired(struct vs *v, struct service *sv, uint64_t now_ns);
/* vs_host_expired for every started service still running. */
void vs_deadlines(struct vs *v, uint64_t now_ns);

/* vscan_rpc.c: SunRPC grinding. */
/* Notes an RPC reply to an RPC call probe (sv->rpc_seen). */
void vsrpc_note(struct pconn *pc);
/*
 * Called instead of finishing with state: 1 if the service is RPC and
 * grinding started (vs_finish comes later, from vsrpc_evaluate), else 0.
 */
int vsrpc_begin(struct service *sv, int state);
void vsrpc_event(struct pconn *pc, enum tcp_event ev, const uint8_t *data,
		 size_t len);
void vsrpc_evaluate(struct service *sv, uint64_t now);
void vsrpc_free(struct service *sv);
void vsrpc_dumps_free(struct vs *v);

/*
 * vscan_run.c: the address -sV's connections come from: the hop's IPv6
 * address in an IPv6 run (route6 or -S fill hop->saddr), else its IPv4
 * one (hop->src, which -S replaces).
 */
struct addr vs_hop_src(const struct route_hop *hop);

/*
 * vscan_nd.c: in an IPv6 run over the userspace transport, every
 * service's next hop (route_table6 of the run's interface) and its MAC:
 * from the sweep's neighbour table, else solicited here (NS over
 * v->io, 3 tries 300 ms apart; v->neigh6 keeps the answers). A hop that
 * never answers leaves sv->mac NULL: its port is not probed. Returns 0,
 * or -1 with err when the routes cannot be read.
 */
int vs_nexthops6(struct vs *v, char *err, size_t errlen);

/*
 * vscan_utcp.c, for unit tests: with no capture (io NULL), frames the
 * stack sends go to sink, and vs_utcp_feed hands it one received frame
 * as the capture would.
 */
void vs_utcp_set_sink(struct vs_transport *t,
		      int (*sink)(void *arg, const uint8_t *frame, size_t len),
		      void *arg);
void vs_utcp_feed(struct vs_transport *t, const uint8_t *frame, size_t len);
/*
 * open_sport's choice of source port in lo..hi (1 <= lo <= hi): cursor's
 * port (lo + cursor % (hi - lo + 1) when it lies outside), cursor then
 * moves to the next, back to lo after hi. Distinct ports for hi - lo + 1
 * calls in a row.
 */
uint16_t vs_sport_next(uint16_t *cursor, uint16_t lo, uint16_t hi);

/* vscan_sock.c: probes over kernel sockets (non-blocking, epoll). */
/* saddr: the -S address to bind, or NULL for the kernel's choice. */
struct vsock *vsock_new(size_t max_conns, const struct addr *saddr,
			uint32_t connect_ms, uint32_t life_ms,
			void (*event)(struct tcp_conn *, enum tcp_event,
				      const uint8_t *, size_t, void *),
			char *err, size_t errlen);
void vsock_free(struct vsock *k);
/* Connections it can hold (bounded by the descriptor limit). */
size_t vsock_capacity(const struct vsock *k);
/* Non-blocking connect; NULL when out of descriptors or slots. */
void *vsock_connect(struct vsock *k, const struct addr *addr, uint16_t port,
		    void *user, uint64_t now);
int vsock_send(struct vsock *k, void *c, const void *d, size_t n);
/* Resets (SO_LINGER 0) and closes; CLOSED is delivered before return. */
void vsock_abort(struct vsock *k, void *c);
/* Waits up to timeout_ms and delivers events; then runs deadlines. */
void vsock_poll(struct vsock *k, int timeout_ms, uint64_t now);

#endif
