/* osreport.h -- nmap's OS lines (normal output) and the XML selections, as pure functions of an os_result. */
#ifndef FATHOM_OSREPORT_H
#define FATHOM_OSREPORT_H

#include <stddef.h>
#include <time.h>

#include "osresult.h"

struct osreport_opts {
	int guess;   /* --osscan-guess / --fuzzy */
	int verbose; /* -v count */
	int debug;   /* -d count */
	/*
	 * Why the fingerprint is not fit to submit (nmap's OmitSubmissionFP
	 * text, e.g. "Missing a closed TCP port so results incomplete"), or
	 * NULL. Only read when r->good_conditions is 0; conditions that are
	 * not good make nmap guess even without --osscan-guess.
	 */
	const char *omit_reason;
};

/*
 * The block nmap 7.93 prints after the port table (printosscanoutput up
 * to the fingerprint), byte for byte:
 *
 *   Warning: OSScan results may be unreliable because we could not find
 *     at least 1 open and 1 closed port     (r->unreliable)
 *   Device type: / Running: or Running (JUST GUESSING): / OS CPE:
 *   OS details: A, B                        (1-8 perfect matches)
 *   Too many fingerprints match this host to give specific OS details
 *   Aggressive OS guesses: A (96%), ...     (guessing, no perfect match)
 *   No exact OS matches for host (If you know what OS is running on it,
 *     see https://nmap.org/submit/ ).  + TCP/IP fingerprint: + OS: lines
 *   No OS matches for host ...
 *
 * Percentages are floored, as nmap does. r->submission is the wrapped
 * fingerprint; the plain form nmap prints in some verbose cases is made
 * from it. Nothing is written when r->done is 0. Returns the length
 * needed (snprintf-style; out may be NULL with outlen 0).
 */
size_t osreport_normal(const struct os_result *r, const struct osreport_opts *o,
		       char *out, size_t outlen);

/*
 * The lines nmap prints after that block: "Uptime guess:" (verbose),
 * "Network Distance:", "TCP Sequence Prediction:" (verbose, more than 3
 * ISNs) and "IP ID Sequence Generation:" (verbose, more than 2 IP IDs).
 * now is the current time (the uptime is now - lastboot); ctime() of
 * lastboot uses the local time zone, as nmap's does.
 */
size_t osreport_after(const struct os_result *r, const struct osreport_opts *o,
		      time_t now, char *out, size_t outlen);

/*
 * For the XML writer: how many leading entries of r->matches nmap
 * writes as <osmatch name accuracy line> (each with all its classes as
 * <osclass> at the match's accuracy, accuracy as (int)(acc * 100)).
 */
int osreport_xml_nmatches(const struct os_result *r,
			  const struct osreport_opts *o);

/*
 * Whether nmap writes the fingerprint (normal "TCP/IP fingerprint:" and
 * XML <osfingerprint fingerprint="...">); if so, and out is not NULL,
 * the exact text (wrapped submission or plain lines) goes to out
 * (snprintf-style; *needed gets its length). Returns 1 or 0.
 */
int osreport_fingerprint(const struct os_result *r,
			 const struct osreport_opts *o, char *out,
			 size_t outlen, size_t *needed);

/* nmap's host classification: distinct (vendor, family, gen, type). */
struct osreport_class {
	const struct osclass *c;
	double accuracy; /* of the best match that has it */
};

struct osreport_classes {
	struct osreport_class v[OSMATCH_MAX];
	int n;
	int nperfect; /* leading classes from perfect matches */
	int toomany;  /* nmap gives up classifying (too many perfect) */
};

/*
 * Classes in match order, each once; after a perfect match only perfect
 * matches contribute (FingerPrintResults::populateClassification).
 */
void osreport_classify(const struct osmatch_list *l,
		       struct osreport_classes *out);

#endif
