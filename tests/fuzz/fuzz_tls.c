/* fuzz_tls.c -- the TLS client (OpenSSL on memory BIOs) fed any server bytes. */
#include <stdlib.h>

#include "probes/tls.h"
#include "tests/fuzz/fuzz.h"

const char fuzz_name[] = "tls";

static struct tls_ctx *ctx;

/*
 * What a hostile "TLS" port can do to fathom: the input is cut into
 * records at the lengths its first bytes give and fed between steps,
 * as the TCP layer would deliver them.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tls_conn *c;
	uint8_t out[4096];
	char err[256];
	size_t chunk;

	if (ctx == NULL && (ctx = tls_ctx_new(err, sizeof(err))) == NULL)
		abort();
	c = tls_conn_new(ctx, size & 1 ? "fx-svc.lab" : NULL);
	if (c == NULL)
		abort();
	tls_step(c);
	while (tls_take(c, out, sizeof(out)) > 0)
		;
	while (size > 0) {
		chunk = 1 + data[0] % 200;
		data++;
		size--;
		if (chunk > size)
			chunk = size;
		tls_feed(c, data, chunk);
		data += chunk;
		size -= chunk;
		if (tls_step(c) == TLS_FAILED)
			break;
		while (tls_take(c, out, sizeof(out)) > 0)
			;
		while (tls_read(c, out, sizeof(out)) > 0)
			;
	}
	tls_conn_free(c);
	return 0;
}
