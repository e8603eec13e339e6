/* tls.h -- OpenSSL through memory BIOs: TLS over fathom's own TCP bytes. */
#ifndef FATHOM_TLS_H
#define FATHOM_TLS_H

#include <stddef.h>
#include <stdint.h>

/*
 * No file descriptor is involved: ciphertext from the network goes in with
 * tls_feed(), ciphertext to send comes out of tls_take(), plaintext goes
 * both ways through tls_write()/tls_read(). Settings are nmap's permissive
 * ones (no verification, every protocol version and cipher OpenSSL still
 * has, security level 0), because the goal is to talk to whatever is there,
 * not to trust it. SNI is sent when the target was named.
 */
struct tls_ctx;
struct tls_conn;

struct tls_ctx *tls_ctx_new(char *err, size_t errlen);
void tls_ctx_free(struct tls_ctx *ctx); /* accepts NULL */

struct tls_conn *tls_conn_new(struct tls_ctx *ctx, const char *sni);
void tls_conn_free(struct tls_conn *c); /* accepts NULL */

enum tls_state {
	TLS_HANDSHAKING,
	TLS_OPEN,
	TLS_FAILED,
	TLS_CLOSED
};

/* Drives the handshake (or reads); call after tls_feed. */
enum tls_state tls_step(struct tls_conn *c);

/* Ciphertext received from the peer. */
void tls_feed(struct tls_conn *c, const uint8_t *data, size_t len);

/* Moves up to cap bytes of ciphertext to send into buf; returns the count. */
size_t tls_take(struct tls_conn *c, uint8_t *buf, size_t cap);

/* Encrypts plaintext for the peer (after TLS_OPEN); 0 or -1. */
int tls_write(struct tls_conn *c, const void *data, size_t len);

/* Decrypted bytes into buf (up to cap); 0 if none yet. */
size_t tls_read(struct tls_conn *c, uint8_t *buf, size_t cap);

/* The negotiated protocol ("TLSv1.3") or "" before the handshake ends. */
const char *tls_version(const struct tls_conn *c);

/*
 * The peer certificate's subject and issuer common name (CN) and
 * organisation (O), UTF-8, cut to fit; a name the certificate lacks is
 * "". Returns 0, or -1 (out all "") before the handshake has a peer
 * certificate. Names are the peer's claim, unverified: fit for a report,
 * not for trust.
 */
struct tls_names {
	char subject_cn[65], subject_o[65], issuer_cn[65], issuer_o[65];
};
int tls_peer_names(const struct tls_conn *c, struct tls_names *out);

#endif
