/* fuzz_svcmatch.c -- fathom's own service DB matched against any reply bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/servicedb.h"
#include "probes/svcmatch.h"
#include "tests/fuzz/fuzz.h"

const char fuzz_name[] = "svcmatch";

static struct svcdb *db;

/*
 * The database is loaded once (it is only read while matching). The
 * first input byte picks the probe whose chain is tried, the rest is the
 * service's reply: every line's regex and template runs on hostile bytes.
 */
static void load_db(void)
{
	const char *src = getenv("FATHOM_SRCDIR");
	char path[4096], err[512];

	snprintf(path, sizeof(path), "%s/probes/fathom-service-probes",
		 src ? src : ".");
	db = svcdb_new();
	if (svcdb_load_file(db, path, err, sizeof(err)) != 0 ||
	    svcdb_finalize(db, err, sizeof(err)) != 0) {
		fprintf(stderr, "fuzz_svcmatch: %s (set FATHOM_SRCDIR)\n", err);
		exit(1);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct svc_answer a;
	const struct svc_probe *probe;
	uint8_t *reply;
	size_t n;

	if (db == NULL)
		load_db();
	if (size == 0)
		return 0;
	n = svcdb_nprobes(db);
	probe = svcdb_probe(db, data[0] % n);
	reply = malloc(size - 1 ? size - 1 : 1);
	if (reply == NULL)
		abort();
	memcpy(reply, data + 1, size - 1);
	svcmatch_run(db, probe, reply, size - 1, NULL, &a);
	if (a.kind != 0 &&
	    (strlen(a.service) == 0 || strlen(a.service) > SVC_NAME_MAX))
		abort();
	free(reply);
	return 0;
}
