/* reflect.h -- tells a reply that is our own probe sent back (echo services). */
#ifndef FATHOM_REFLECT_H
#define FATHOM_REFLECT_H

#include <stddef.h>
#include <stdint.h>

/*
 * An echo service (inetd's echo, a loopback plug) returns what it was
 * sent. Matched like any reply, our own probe's bytes name the service
 * after the probe: an echoed SMB negotiate reads as microsoft-ds, an
 * echoed ClientHello as reverse-ssl. So a reply is checked against the
 * probe first and, if it is the probe again, is never matched.
 */
enum reflect {
	REFLECT_NO = 0, /* not the probe's bytes: match it */
	REFLECT_MAYBE,  /* so far a strict prefix of the probe: wait */
	REFLECT_YES,    /* the probe reflected: do not match it */
};

/* A prefix shorter than this is not called a reflection: too easy by chance. */
#define REFLECT_MIN_PREFIX 4

/*
 * Classifies resp (everything read so far) against the probe payload:
 * YES when every byte equals the probe's byte at the same position
 * modulo plen and resp holds the whole probe at least once (the probe,
 * or the probe repeated, possibly ending part-way through a repeat).
 * A strict prefix of the probe is MAYBE while more may come (final 0);
 * once the connection has ended (final 1) it is YES if it has at least
 * REFLECT_MIN_PREFIX bytes and two different byte values (a run of
 * NULs is a common real reply), else NO. An empty probe or reply is NO.
 * Pure function of its inputs.
 */
enum reflect reflect_classify(const uint8_t *probe, size_t plen,
			      const uint8_t *resp, size_t rlen, int final);

#endif
