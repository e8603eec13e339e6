/* fuzz_recog.c -- the generic recognisers on any bytes a service sends. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/recog.h"
#include "tests/fuzz/fuzz.h"

const char fuzz_name[] = "recog";

/* The probe names recognisers look at, chosen by the first input byte. */
static const char *const probes[] = {
	"NULL",       "GetRequest",   "Socks5Greeting", "Socks4Connect",
	"X11Setup",   "MQTTConnect",  "LDAPRootDSE",    "PgStartup",
	"AMQPHeader", "SMBNegotiate", "RTSPOptions",    "SIPOptionsTCP",
	"XMPPStream", "GenericLines", "IRCRegister",
};

static void check_answer(const struct svc_answer *a)
{
	/* Every field a C string inside its buffer, kind one of three. */
	if (strnlen(a->service, sizeof(a->service)) == sizeof(a->service) ||
	    strnlen(a->product, sizeof(a->product)) == sizeof(a->product) ||
	    strnlen(a->version, sizeof(a->version)) == sizeof(a->version) ||
	    strnlen(a->info, sizeof(a->info)) == sizeof(a->info) ||
	    strnlen(a->hostname, sizeof(a->hostname)) == sizeof(a->hostname) ||
	    strnlen(a->ostype, sizeof(a->ostype)) == sizeof(a->ostype) ||
	    a->ncpe < 0 || a->ncpe > SVC_MAX_CPE || a->kind < 0 ||
	    a->kind > SVC_SOFT)
		abort();
	if ((a->kind == SVC_SOFT) != (a->service[0] != '\0'))
		abort();
}

/*
 * Input: byte 0 picks the probe (bit 7: through TLS, with certificate
 * names taken from bytes 1-8; bit 6: the reply's first 4 bytes are the
 * probe's payload, an echo), the rest is the reply. Besides no crash
 * and no overread: answers are well-formed, and folding one into a hard
 * match never changes the match's service or product.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct recog_in in = { 0 };
	struct tls_names tn;
	struct svc_answer g, hard;

	if (size == 0)
		return 0;
	in.probe =
		probes[(data[0] & 0x3f) % (sizeof(probes) / sizeof(probes[0]))];
	in.tls = data[0] >> 7;
	if (in.tls && size > 9) {
		memset(&tn, 0, sizeof(tn));
		memcpy(tn.subject_cn, data + 1, 4);
		memcpy(tn.issuer_o, data + 5, 4);
		in.cert = &tn;
	}
	in.data = data + 1;
	in.len = size - 1;
	if ((data[0] & 0x40) && size > 5) {
		/* The echo rule: the reply begins with "what we sent". */
		in.sent = data + 1;
		in.sent_len = 4;
	}
	recog_run(&in, &g);
	check_answer(&g);
	if (recog_reply_pending(in.data, in.len) > 1)
		abort();
	memset(&hard, 0, sizeof(hard));
	hard.kind = SVC_HARD;
	snprintf(hard.service, sizeof(hard.service), "%s",
		 g.service[0] ? g.service : "http");
	snprintf(hard.product, sizeof(hard.product), "%s",
		 (data[0] & 1) ? "Known" : "");
	recog_fold(&hard, &g);
	check_answer(&g);
	if (hard.kind != SVC_HARD ||
	    strcmp(hard.service, g.service[0] ? g.service : "http") != 0 ||
	    ((data[0] & 1) && strcmp(hard.product, "Known") != 0))
		abort();
	return 0;
}
