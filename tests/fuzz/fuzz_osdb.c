/* fuzz_osdb.c -- the nmap-os-db loader and matcher on any file a user can pass (--os-db). */
#include <stdlib.h>
#include <string.h>

#include "fingerprints/osmatch.h"
#include "tests/fuzz/fuzz.h"

const char fuzz_name[] = "osdb";

/* nmap 7.93's print of the lab host: every test, every attribute. */
static const char subject[] =
	"SEQ(SP=100%GCD=2%ISR=111%TI=Z%CI=Z%II=I%TS=21)\n"
	"OPS(O1=M5B4ST11NWA%O2=M5B4ST11NWA%O3=M5B4NNT11NWA%O4=M5B4ST11NWA"
	"%O5=M5B4ST11NWA%O6=M5B4ST11)\n"
	"WIN(W1=FE88%W2=FE88%W3=FE88%W4=FE88%W5=FE88%W6=FE88)\n"
	"ECN(R=Y%DF=Y%T=40%W=FAF0%O=M5B4NNSNWA%CC=Y%Q=)\n"
	"T1(R=Y%DF=Y%T=40%S=O%A=S+%F=AS%RD=0%Q=)\nT2(R=N)\nT3(R=N)\n"
	"T4(R=Y%DF=Y%T=40%W=0%S=A%A=Z%F=R%O=%RD=0%Q=)\n"
	"T5(R=Y%DF=Y%T=40%W=0%S=Z%A=S+%F=AR%O=%RD=0%Q=)\n"
	"T6(R=Y%DF=Y%T=40%W=0%S=A%A=Z%F=R%O=%RD=0%Q=)\n"
	"T7(R=Y%DF=Y%T=40%W=0%S=Z%A=S+%F=AR%O=%RD=0%Q=)\n"
	"U1(R=Y%DF=N%T=40%IPL=164%UN=0%RIPL=G%RID=G%RIPCK=G%RUCK=G%RUD=G)\n"
	"IE(R=Y%DFI=N%T=40%CD=S)\n";

/*
 * A load either fails with one line "fuzz:LINE: ..." and leaves the db
 * empty, or every entry it made can be matched: the list is sorted, at
 * most OSMATCH_MAX long, every accuracy between the threshold and 1.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct osdb *db = osdb_new();
	struct osfp fp;
	struct osmatch_list l;
	char err[512], *text;

	text = malloc(size ? size : 1);
	if (text == NULL)
		abort();
	memcpy(text, data, size);
	err[0] = '\0';
	if (osfp_parse(&fp, subject, sizeof(subject) - 1, err, sizeof(err)))
		abort();
	if (osdb_load_buf(db, "fuzz", text, size, err, sizeof(err)) < 0) {
		if (strncmp(err, "fuzz:", 5) != 0 || strchr(err, '\n') ||
		    osdb_count(db) != 0)
			abort();
	} else {
		osdb_match(db, &fp, &l);
		if (l.n < 0 || l.n > OSMATCH_MAX || l.nperfect > l.n)
			abort();
		for (int i = 0; i < l.n; i++)
			if (l.m[i].accuracy < 0.85 || l.m[i].accuracy > 1 ||
			    (i > 0 && l.m[i].accuracy > l.m[i - 1].accuracy) ||
			    l.m[i].nclasses < 1)
				abort();
	}
	osdb_free(db);
	free(text);
	return 0;
}
