/* svcfp.h -- nmap's SF-Port fingerprint of an unrecognised service. */
#ifndef FATHOM_SVCFP_H
#define FATHOM_SVCFP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/*
 * The text nmap prints for a service that answered but matched no hard
 * line, byte for byte, so it can be submitted and fed to nmap tools:
 *
 *   SF-Port<port>-<TCP|UDP>:V=<ver>[%T=SSL]%I=<intensity>%D=<m>/<d>
 *   %Time=<hex epoch>%P=<platform>%r(<probe>,<hex len>,"<data>")...;
 *
 * wrapped every 74 columns with "\nSF:" continuation lines. Each
 * response shows at most 900 bytes (its full length stays in the hex
 * count); responses stop being added once the text passes 2200 bytes.
 * Data is escaped PCRE-ready: alnum as is, NUL as \0 (\x00 before a
 * digit), \?"[]().*+$^| backslashed, other punctuation as is, \r \n
 * \t, everything else \xhh.
 */
struct svcfp {
	char *buf;
	size_t len, cap;
	uint16_t port;
	int proto; /* IPPROTO_TCP or IPPROTO_UDP */
	int ssl;
	int intensity;
	time_t now;
	char version[32];
	char platform[64];
};

/*
 * version is fathom's version string (V=), platform the build triplet
 * (P=, e.g. "x86_64-pc-linux-gnu"); now dates the print (local time).
 * Nothing is allocated until the first svcfp_add().
 */
void svcfp_init(struct svcfp *fp, const char *version, const char *platform,
		uint16_t port, int proto, int ssl, int intensity, time_t now);

/* Appends one probe's response; empty responses are ignored. */
void svcfp_add(struct svcfp *fp, const char *probe, const uint8_t *data,
	       size_t len);

/*
 * The finished text ending in ';', or NULL if nothing was added.
 * Valid until the next svcfp_add() or svcfp_free().
 */
const char *svcfp_text(struct svcfp *fp);

void svcfp_free(struct svcfp *fp); /* leaves fp empty; accepts NULL */

#endif
