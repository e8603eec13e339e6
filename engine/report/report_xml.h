/* report_xml.h -- nmap's XML output (-oX), xmloutputversion 1.05. */
#ifndef FATHOM_REPORT_XML_H
#define FATHOM_REPORT_XML_H

#include <stdio.h>

#include "engine/core/hostiter.h"
#include "engine/report/report_writer.h"
#include "engine/core/runinfo.h"

/*
 * The document follows nmap.dtd's element order and attributes, laid out
 * one element per line where nmap breaks lines, so nmap's consumers
 * (ndiff, nmap.xsl, python-libnmap, python-nmap, Metasploit) read it.
 * One deliberate difference: nmaprun@scanner is "fathom" (the DTD fixes
 * "nmap"), so a validating parser must be told; every other part
 * validates against nmap.dtd.
 *
 * Every string that came from the network or the user is escaped: the
 * five XML specials as entities, a '-' after a '-' as &#45; (the args
 * also go in a comment, where "--" is illegal), TAB/LF/CR/DEL and C1
 * controls as character references, and what XML 1.0 cannot carry at
 * all, even as a reference (other C0 controls, bytes that are not UTF-8,
 * U+FFFE/U+FFFF), as the text \xHH. Valid UTF-8 is kept. So no banner
 * can end an attribute, open an element or make the document invalid.
 *
 * Use: xml_begin() once (before the scan: the header says when it began),
 * xml_host() for each host hostiter_next() yields, xml_end() once. Each
 * call flushes f so a reader can follow the file as it grows.
 */

/* <?xml?>, DOCTYPE, stylesheet PI (when nmap.xsl is installed), the
 * "scan initiated" comment, <nmaprun>, <scaninfo>, <verbose>, <debugging>. */
void xml_begin(FILE *f, const struct run_info *ri);

/*
 * One <host> element. Hidden hosts (--open, nothing open) write nothing;
 * a timed-out host gets timedout="true" and no <ports>.
 */
void xml_host(FILE *f, const struct run_info *ri,
	      const struct hostiter_host *h);

/*
 * <runstats> and </nmaprun>. error != 0 writes exit="error" with errmsg
 * (may be NULL), for a failed or interrupted scan: the document is still
 * complete and valid.
 */
void xml_end(FILE *f, const struct run_info *ri, int error, const char *errmsg);

/*
 * <taskbegin>, <taskprogress> or <taskend>, one line, flushed: what
 * python-libnmap's NmapProcess follows while nmap runs.
 */
void xml_task(FILE *f, const struct report_task *t);

/*
 * The comment that says the <host>s after it were cut short by an
 * interruption; --resume drops them from the document and scans them
 * again.
 */
void xml_partial(FILE *f);
#define XML_PARTIAL_MARK \
	"<!-- fathom: interrupted; the hosts below are incomplete -->"

/* Where the stylesheet PI points, when that file exists. */
#define XML_STYLESHEET "/usr/share/nmap/nmap.xsl"

#endif
