/* vscan_conn.c -- one -sV probe's connection: its events, TLS, its reply. */
#include <stdlib.h>
#include <string.h>

#include "netstack/base/util.h"
#include "engine/vscan/vscan_int.h"

/* Sends the probe's payload (through TLS when tunnelling). */
static void send_payload(struct pconn *pc, uint64_t now)
{
	const struct svc_probe *p = pc->probe;

	if (pc->sent)
		return;
	pc->sent = 1;
	pc->deadline = now + p->totalwaitms;
	if (p->payload_len == 0)
		return;
	if (pc->tls) {
		uint8_t out[16384];
		size_t n;

		if (tls_write(pc->tls, p->payload, p->payload_len) < 0)
			return;
		while ((n = tls_take(pc->tls, out, sizeof(out))) > 0)
			vs_conn_send(pc->svc->vs, pc->conn, out, n, now);
	} else {
		vs_conn_send(pc->svc->vs, pc->conn, p->payload, p->payload_len,
			     now);
	}
}

/* Buffers start small and double: 10,000 connections at once must not
 * each hold VS_MAX_RESP (most answers are a banner line). */
void vs_append(struct pconn *pc, const uint8_t *d, size_t n)
{
	if (n > VS_MAX_RESP - pc->len)
		n = VS_MAX_RESP - pc->len;
	if (pc->len + n > pc->cap) {
		size_t cap = pc->cap ? pc->cap : 512;

		while (cap < pc->len + n)
			cap *= 2;
		if (cap > VS_MAX_RESP)
			cap = VS_MAX_RESP;
		pc->buf = xrealloc(pc->buf, cap);
		pc->cap = cap;
	}
	if (n)
		memcpy(pc->buf + pc->len, d, n);
	if (n && pc->len) { /* the pace of a reply that comes in pieces */
		uint64_t now = vs_now_ms();

		if (now - pc->last_data > pc->max_gap)
			pc->max_gap = now - pc->last_data;
	}
	if (n)
		pc->last_data = vs_now_ms();
	pc->len += n;
	pc->svc->not_wrapped |= n > 0;
}

/* TLS: move ciphertext both ways, plaintext into the buffer. */
static void tls_pump(struct pconn *pc, uint64_t now)
{
	uint8_t buf[16384];
	size_t n;
	enum tls_state st = tls_step(pc->tls);

	while ((n = tls_take(pc->tls, buf, sizeof(buf))) > 0)
		vs_conn_send(pc->svc->vs, pc->conn, buf, n, now);
	if (st == TLS_FAILED) {
		pc->tls_failed = 1;
		pc->concluded = 1;
		vs_mark_dirty(pc->svc);
		return;
	}
	if (st == TLS_OPEN) {
		if (!pc->sent)
			send_payload(pc, now);
		while ((n = tls_read(pc->tls, buf, sizeof(buf))) > 0)
			vs_append(pc, buf, n);
		/* close_notify: the reply is over, as at a FIN (on_data
		 * concludes once what came with it is matched). */
		if (tls_step(pc->tls) == TLS_CLOSED)
			pc->got_eof = 1;
	}
}

/* The run's counts of connections established at once. */
static void count_established(struct pconn *pc, enum tcp_event ev)
{
	if (ev == TCP_EV_CONNECTED && !pc->established) {
		struct vs *v = pc->svc->vs;

		pc->established = 1;
		if (++v->est_now > v->est_peak)
			v->est_peak = v->est_now;
	}
	if (ev == TCP_EV_CLOSED) {
		vs_conn_closed(pc->svc);
		if (pc->established)
			pc->svc->vs->est_now--;
	}
}

/* Connected: the TLS handshake starts when tunnelling, else the probe. */
static void on_connected(struct pconn *pc, uint64_t now)
{
	pc->connected_at = now;
	if (pc->svc->tunnel) {
		const struct addr *a = &pc->svc->out->addr;

		pc->tls =
			tls_conn_new(pc->svc->vs->tls,
				     targets_name(pc->svc->vs->o->targets, a));
		pc->deadline = now + VS_CONNECT_MS;
		if (pc->tls)
			tls_pump(pc, now);
	} else {
		send_payload(pc, now);
	}
}

/* Bytes from the server: buffered (through TLS), then matched. */
static void on_data(struct pconn *pc, const uint8_t *data, size_t len,
		    uint64_t now)
{
	pc->svc->heard |= len > 0;
	if (pc->tls) {
		tls_feed(pc->tls, data, len);
		tls_pump(pc, now);
	} else {
		vs_append(pc, data, len);
	}
	vs_try_match(pc);
	if (pc->got_eof)
		pc->concluded = 1;
	if (!pc->reflected)
		vsrpc_note(pc);
	/* A TLS probe answered by something that is not TLS. */
	if (pc->is_tls_probe && pc->len && pc->buf[0] != 0x16 &&
	    pc->buf[0] != 0x15)
		pc->concluded = 1;
	if (pc->len >= VS_MAX_RESP)
		pc->concluded = 1;
}

void vs_on_event(struct tcp_conn *c, enum tcp_event ev, const uint8_t *data,
		 size_t len, void *user)
{
	struct pconn *pc = user;
	uint64_t now = vs_now_ms();

	(void)c;
	count_established(pc, ev);
	if (pc->is_rpc) {
		vsrpc_event(pc, ev, data, len);
		vs_mark_dirty(pc->svc);
		return;
	}
	switch (ev) {
	case TCP_EV_CONNECTED:
		on_connected(pc, now);
		break;
	case TCP_EV_DATA:
		on_data(pc, data, len, now);
		break;
	case TCP_EV_EOF:
		pc->got_eof = 1;
		pc->concluded = 1;
		break;
	case TCP_EV_RESET:
		if (!pc->is_script)
			vs_note_refused(pc);
		/* fall through */
	case TCP_EV_TIMEOUT:
	case TCP_EV_LIMIT:
		pc->reset = ev == TCP_EV_RESET;
		pc->svc->not_wrapped |= ev != TCP_EV_RESET;
		pc->concluded = 1;
		break;
	case TCP_EV_CLOSED:
		pc->conn = NULL;
		pc->closed = 1;
		pc->concluded = 1;
		break;
	}
	vs_mark_dirty(pc->svc);
}

int vs_start_probe(struct service *sv, const struct svc_probe *p, int rank,
		   int is_tls_probe)
{
	struct vs *v = sv->vs;
	struct pconn *pc = xcalloc(1, sizeof(*pc));
	uint64_t now = vs_now_ms();

	pc->svc = sv;
	pc->probe = p;
	pc->rank = rank;
	pc->opened = sv->nopened++;
	pc->is_tls_probe = is_tls_probe;
	pc->deadline = now + VS_CONNECT_MS;
	pc->conn = vs_conn_open(v, sv, pc, now);
	if (pc->conn == NULL) {
		free(pc);
		return -1;
	}
	pc->next = sv->conns;
	sv->conns = pc;
	return 0;
}
