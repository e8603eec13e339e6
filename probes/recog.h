/* recog.h -- generic recognisers: product and version from the framing. */
#ifndef FATHOM_RECOG_H
#define FATHOM_RECOG_H

#include <stddef.h>
#include <stdint.h>

#include "probes/svcmatch.h"
#include "probes/tls.h"

/*
 * The probe database names the daemons someone wrote a line for. Many
 * protocols also say who is talking in a standard place (an HTTP Server
 * header, an SSH identification string, a MySQL handshake's version, an
 * LDAP root DSE's vendorName...). A recogniser reads that place, so a
 * daemon nobody wrote a line for still gets a name.
 *
 * Precedence (the engine's vscan.c applies it through recog_fold()):
 * a hard match of the database always wins; a recogniser's answer only
 * stands in where nothing matched, completes a softmatch or hard match
 * of the SAME service whose product is empty, and never changes the
 * service a match line named. A recogniser answers only when the framing
 * is unambiguous and complete: a wrong product is worse than none.
 */

/* One reply, as the engine has it. */
struct recog_in {
	const char *probe;   /* the probe's name ("NULL", "GetRequest"...) */
	const uint8_t *sent; /* the probe's payload (may be NULL if none) */
	size_t sent_len;
	int tls;                      /* the bytes came through TLS */
	const struct tls_names *cert; /* the TLS peer's names, or NULL */
	const uint8_t *data;          /* everything the probe received so far */
	size_t len;
};

/*
 * A recogniser. run() looks at in (any bytes: hostile, truncated, an echo
 * of the probe) and returns 1 after filling out->service and what else
 * the reply says, or 0 (out may then hold anything; the caller clears
 * it). It must answer only on a complete framing unit (a whole line, a
 * whole header block, a whole length-prefixed message), so an answer
 * on a prefix of a reply is never contradicted by the whole reply. Pure:
 * no state, bounded time (linear in in->len), no allocation.
 */
struct recog {
	const char *name; /* for tests and traces */
	int (*run)(const struct recog_in *in, struct svc_answer *out);
};

/* The recognisers in the order they are tried; *n gets the count. */
const struct recog *recog_table(size_t *n);

/*
 * Runs the recognisers on in, first answer wins, and fills *out (always
 * cleared first): kind SVC_SOFT, file "recog", line 0. A reply that
 * starts with the whole probe payload is an echo: nothing is named.
 * With in->cert and no extrainfo from the recogniser, the certificate's
 * names become the extrainfo. When no recogniser answers but a
 * certificate is known, out carries only that extrainfo, with an empty
 * service (see recog_fold()). Returns 1 if out names a service, else 0.
 */
int recog_run(const struct recog_in *in, struct svc_answer *out);

/*
 * Folds a generic answer g (from recog_run()) into a, the answer the
 * database gave (or one that names nothing yet, service ""):
 *   a names nothing, g a service:    a = g (kind SVC_SOFT), keeping an
 *                                    extrainfo a already held;
 *   same service, a's product empty: g's non-empty fields fill a's empty
 *                                    ones (cpes appended);
 *   g names no service (only the     g's extrainfo fills a's empty one
 *   certificate's names):            (a still names nothing if it did);
 *   otherwise:                       a unchanged.
 * a's kind and service never change once set. Returns 1 if a changed.
 */
int recog_fold(struct svc_answer *a, const struct svc_answer *g);

/*
 * For the engine, per reply that no match line hard-matched: runs
 * recog_run() on data (received through tls when it is not NULL: its
 * peer certificate's names come along) and folds the answer into acc,
 * the service's generic answer so far (zeroed when the service starts).
 * The first service named wins; later replies only fill empty fields.
 */
void recog_offer(struct svc_answer *acc, const struct svc_probe *probe,
		 const struct tls_conn *tls, const uint8_t *data, size_t len);

/*
 * 1 when data, a reply so far, ends in a line that says more is coming:
 * an IRC server's "*** Looking up your hostname" or "*** Checking Ident"
 * notice, sent before its lookups end and its welcome follows. The
 * engine then waits out the probe's deadline rather than calling a reply
 * that went quiet over. Pure; any bytes.
 */
int recog_reply_pending(const uint8_t *data, size_t len);

#endif
