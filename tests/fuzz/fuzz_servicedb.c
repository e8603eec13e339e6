/* fuzz_servicedb.c -- the nmap-service-probes parser on any file a user can pass. */
#include <stdlib.h>
#include <string.h>

#include "probes/servicedb.h"
#include "tests/fuzz/fuzz.h"

const char fuzz_name[] = "servicedb";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct svcdb *db = svcdb_new();
	char err[512];
	char *text;

	/* Exactly size bytes, no NUL: the parser is given a length. */
	text = malloc(size ? size : 1);
	if (text == NULL)
		abort();
	memcpy(text, data, size);
	err[0] = '\0';
	if (svcdb_load_buf(db, text, size, "fuzz", err, sizeof(err)) == 0)
		svcdb_finalize(db, err, sizeof(err));
	else if (err[0] == '\0' || strchr(err, '\n') != NULL)
		abort(); /* an error must be one line that says something */
	svcdb_free(db);
	free(text);
	return 0;
}
