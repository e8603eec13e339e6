/* tls.c -- OpenSSL through memory BIOs: TLS over fathom's own TCP bytes. */
#include "probes/tls.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tls_ctx {
	SSL_CTX *ssl;
};

struct tls_conn {
	SSL *ssl;
	BIO *in, *out; /* owned by ssl */
	enum tls_state state;
};

struct tls_ctx *tls_ctx_new(char *err, size_t errlen)
{
	struct tls_ctx *c = calloc(1, sizeof(*c));

	if (c == NULL)
		abort();
	c->ssl = SSL_CTX_new(TLS_client_method());
	if (c->ssl == NULL) {
		snprintf(err, errlen, "OpenSSL: cannot create a TLS context");
		free(c);
		return NULL;
	}
	/* Talk to anything: old versions, weak ciphers, broken peers. */
	SSL_CTX_set_verify(c->ssl, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_security_level(c->ssl, 0);
	SSL_CTX_set_min_proto_version(c->ssl, 0);
	SSL_CTX_set_max_proto_version(c->ssl, 0);
	SSL_CTX_set_options(c->ssl, SSL_OP_ALL | SSL_OP_LEGACY_SERVER_CONNECT |
					    SSL_OP_IGNORE_UNEXPECTED_EOF);
	SSL_CTX_set_cipher_list(c->ssl, "ALL:COMPLEMENTOFALL:@SECLEVEL=0");
	SSL_CTX_set_session_cache_mode(c->ssl, SSL_SESS_CACHE_OFF);
	return c;
}

void tls_ctx_free(struct tls_ctx *ctx)
{
	if (ctx == NULL)
		return;
	SSL_CTX_free(ctx->ssl);
	free(ctx);
}

struct tls_conn *tls_conn_new(struct tls_ctx *ctx, const char *sni)
{
	struct tls_conn *c = calloc(1, sizeof(*c));

	if (c == NULL)
		abort();
	c->ssl = SSL_new(ctx->ssl);
	c->in = BIO_new(BIO_s_mem());
	c->out = BIO_new(BIO_s_mem());
	if (c->ssl == NULL || c->in == NULL || c->out == NULL) {
		BIO_free(c->in);
		BIO_free(c->out);
		SSL_free(c->ssl);
		free(c);
		return NULL;
	}
	/* An empty read BIO means "would block", not end of file. */
	BIO_set_mem_eof_return(c->in, -1);
	SSL_set_bio(c->ssl, c->in, c->out);
	SSL_set_connect_state(c->ssl);
	if (sni && *sni)
		SSL_set_tlsext_host_name(c->ssl, sni);
	c->state = TLS_HANDSHAKING;
	return c;
}

void tls_conn_free(struct tls_conn *c)
{
	if (c == NULL)
		return;
	SSL_free(c->ssl); /* frees both BIOs */
	free(c);
}

enum tls_state tls_step(struct tls_conn *c)
{
	int r, e;

	if (c->state != TLS_HANDSHAKING)
		return c->state;
	ERR_clear_error();
	r = SSL_do_handshake(c->ssl);
	if (r == 1) {
		c->state = TLS_OPEN;
		return c->state;
	}
	e = SSL_get_error(c->ssl, r);
	if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
		c->state = TLS_FAILED;
	return c->state;
}

void tls_feed(struct tls_conn *c, const uint8_t *data, size_t len)
{
	while (len > 0) {
		int n = BIO_write(c->in, data, len > 65536 ? 65536 : (int)len);

		if (n <= 0)
			break;
		data += n;
		len -= (size_t)n;
	}
}

size_t tls_take(struct tls_conn *c, uint8_t *buf, size_t cap)
{
	int n;

	if (cap == 0 || BIO_ctrl_pending(c->out) == 0)
		return 0;
	n = BIO_read(c->out, buf, cap > 65536 ? 65536 : (int)cap);
	return n > 0 ? (size_t)n : 0;
}

int tls_write(struct tls_conn *c, const void *data, size_t len)
{
	size_t done = 0;

	if (c->state != TLS_OPEN)
		return -1;
	if (len == 0)
		return 0;
	ERR_clear_error();
	if (SSL_write_ex(c->ssl, data, len, &done) != 1 || done != len)
		return -1;
	return 0;
}

size_t tls_read(struct tls_conn *c, uint8_t *buf, size_t cap)
{
	size_t n = 0;
	int e;

	if (c->state != TLS_OPEN || cap == 0)
		return 0;
	ERR_clear_error();
	if (SSL_read_ex(c->ssl, buf, cap, &n) == 1)
		return n;
	e = SSL_get_error(c->ssl, 0);
	if (e == SSL_ERROR_ZERO_RETURN)
		c->state = TLS_CLOSED;
	else if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
		c->state = TLS_FAILED;
	return 0;
}

const char *tls_version(const struct tls_conn *c)
{
	return c->state == TLS_OPEN ? SSL_get_version(c->ssl) : "";
}

/* One name entry as UTF-8, cut at the buffer; "" when absent or odd. */
static void name_entry(const X509_NAME *n, int nid, char *buf, size_t len)
{
	int i = n ? X509_NAME_get_index_by_NID(n, nid, -1) : -1;
	const ASN1_STRING *d;
	unsigned char *u = NULL;
	int k;

	buf[0] = '\0';
	if (i < 0)
		return;
	d = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n, i));
	k = d ? ASN1_STRING_to_UTF8(&u, d) : -1;
	/* A NUL inside the name ends it: what precedes is what we keep. */
	if (k > 0)
		snprintf(buf, len, "%.*s", k, (const char *)u);
	OPENSSL_free(u);
}

int tls_peer_names(const struct tls_conn *c, struct tls_names *out)
{
	X509 *crt;

	memset(out, 0, sizeof(*out));
	crt = SSL_get0_peer_certificate(c->ssl);
	if (crt == NULL)
		return -1;
	name_entry(X509_get_subject_name(crt), NID_commonName, out->subject_cn,
		   sizeof(out->subject_cn));
	name_entry(X509_get_subject_name(crt), NID_organizationName,
		   out->subject_o, sizeof(out->subject_o));
	name_entry(X509_get_issuer_name(crt), NID_commonName, out->issuer_cn,
		   sizeof(out->issuer_cn));
	name_entry(X509_get_issuer_name(crt), NID_organizationName,
		   out->issuer_o, sizeof(out->issuer_o));
	return 0;
}
