/* test_tls.c -- the memory-BIO TLS client against a real OpenSSL server. */
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <string.h>

#include "probes/tls.h"
#include "tests/unit/harness.h"

/* An in-process server: a self-signed EC certificate, memory BIOs. */
struct server {
	SSL_CTX *ctx;
	SSL *ssl;
	BIO *in, *out;
};

static int server_init(struct server *s)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *crt = X509_new();

	if (key == NULL || crt == NULL)
		return -1;
	ASN1_INTEGER_set(X509_get_serialNumber(crt), 1);
	X509_gmtime_adj(X509_getm_notBefore(crt), 0);
	X509_gmtime_adj(X509_getm_notAfter(crt), 3600);
	X509_set_pubkey(crt, key);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(crt), "CN",
				   MBSTRING_ASC,
				   (const unsigned char *)"fx-svc", -1, -1, 0);
	X509_set_issuer_name(crt, X509_get_subject_name(crt));
	if (!X509_sign(crt, key, EVP_sha256()))
		return -1;
	s->ctx = SSL_CTX_new(TLS_server_method());
	SSL_CTX_use_certificate(s->ctx, crt);
	SSL_CTX_use_PrivateKey(s->ctx, key);
	X509_free(crt);
	EVP_PKEY_free(key);
	s->ssl = SSL_new(s->ctx);
	s->in = BIO_new(BIO_s_mem());
	s->out = BIO_new(BIO_s_mem());
	BIO_set_mem_eof_return(s->in, -1);
	SSL_set_bio(s->ssl, s->in, s->out);
	SSL_set_accept_state(s->ssl);
	return 0;
}

static void server_free(struct server *s)
{
	SSL_free(s->ssl);
	SSL_CTX_free(s->ctx);
}

/* Moves bytes both ways until neither side has anything to say. */
static void pump(struct tls_conn *c, struct server *s)
{
	uint8_t buf[32768];

	for (int round = 0; round < 50; round++) {
		size_t n;
		int moved = 0, r;

		tls_step(c);
		while ((n = tls_take(c, buf, sizeof(buf))) > 0) {
			BIO_write(s->in, buf, (int)n);
			moved = 1;
		}
		SSL_do_handshake(s->ssl);
		while ((r = BIO_read(s->out, buf, sizeof(buf))) > 0) {
			tls_feed(c, buf, (size_t)r);
			moved = 1;
		}
		if (!moved)
			break;
	}
}

int main(void)
{
	char err[256];
	struct tls_ctx *ctx = tls_ctx_new(err, sizeof(err));

	CASE("context with nmap's permissive settings")
	CHECK(ctx != NULL);
	CASE("handshake and data both ways over memory BIOs")
	{
		struct server s;
		struct tls_conn *c = tls_conn_new(ctx, "fx-svc.lab");
		uint8_t buf[256];
		size_t n;
		int r;

		CHECK(server_init(&s) == 0);
		pump(c, &s);
		CHECK(tls_step(c) == TLS_OPEN);
		CHECK(strncmp(tls_version(c), "TLSv1", 5) == 0);
		{
			/* The self-signed certificate's names (server_init). */
			struct tls_names tn;

			CHECK(tls_peer_names(c, &tn) == 0);
			CHECK_STR(tn.subject_cn, "fx-svc");
			CHECK_STR(tn.issuer_cn, "fx-svc");
			CHECK_STR(tn.subject_o, "");
		}
		/* SNI went out with the hello. */
		CHECK_STR(SSL_get_servername(s.ssl, TLSEXT_NAMETYPE_host_name),
			  "fx-svc.lab");
		CHECK(tls_write(c, "GET / HTTP/1.0\r\n\r\n", 18) == 0);
		pump(c, &s);
		r = SSL_read(s.ssl, buf, sizeof(buf));
		CHECK(r == 18 && memcmp(buf, "GET / HTTP/1.0", 14) == 0);
		SSL_write(s.ssl, "HTTP/1.0 200 OK\r\n", 17);
		pump(c, &s);
		n = tls_read(c, buf, sizeof(buf));
		CHECK(n == 17 && memcmp(buf, "HTTP/1.0 200", 12) == 0);
		tls_conn_free(c);
		server_free(&s);
	}
	CASE("a peer that answers the hello with garbage fails cleanly")
	{
		struct tls_conn *c = tls_conn_new(ctx, NULL);
		uint8_t buf[4096];
		static const char junk[] = "SSH-2.0-OpenSSH_9.2p1\r\n";

		tls_step(c);
		CHECK(tls_take(c, buf, sizeof(buf)) > 0); /* the hello */
		tls_feed(c, (const uint8_t *)junk, sizeof(junk) - 1);
		CHECK(tls_step(c) == TLS_FAILED);
		{
			struct tls_names tn;

			/* No peer certificate: -1 and every name empty. */
			memset(&tn, 'x', sizeof(tn));
			CHECK(tls_peer_names(c, &tn) == -1);
			CHECK_STR(tn.subject_cn, "");
			CHECK_STR(tn.issuer_o, "");
		}
		CHECK(tls_write(c, "x", 1) < 0);
		CHECK_EQ_U(tls_read(c, buf, sizeof(buf)), 0);
		tls_conn_free(c);
	}
	CASE("a truncated server flight keeps handshaking, never crashes")
	{
		struct server s;
		struct tls_conn *c = tls_conn_new(ctx, NULL);
		uint8_t buf[32768];
		size_t n;
		int r;

		CHECK(server_init(&s) == 0);
		tls_step(c);
		n = tls_take(c, buf, sizeof(buf));
		BIO_write(s.in, buf, (int)n);
		SSL_do_handshake(s.ssl);
		r = BIO_read(s.out, buf, sizeof(buf));
		CHECK(r > 10);
		tls_feed(c, buf, (size_t)r / 2); /* half the flight */
		CHECK(tls_step(c) == TLS_HANDSHAKING);
		tls_conn_free(c);
		server_free(&s);
	}
	tls_ctx_free(ctx);
	return DONE();
}
