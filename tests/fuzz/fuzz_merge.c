/* fuzz_merge.c -- fathom merge's readers: shards' XML (libxml2), NDJSON, grepable and normal output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/merge/merge_int.h"
#include "tests/fuzz/fuzz.h"

const char fuzz_name[] = "merge";

/*
 * The same bytes under both names (the name tells grepable from normal
 * only when no host line does). An error is one line; a parsed input's
 * shard header is consistent; every text host has its text; the merge
 * writer copes with what the reader kept.
 */
static void one(const char *name, const uint8_t *data, size_t size)
{
	struct merge_doc d;
	char err[512] = "";

	if (merge_parse(&d, name, (const char *)data, size, err, sizeof(err)) <
	    0) {
		if (err[0] == '\0' || strchr(err, '\n'))
			abort();
		merge_doc_free(&d);
		return;
	}
	if (d.meta.have && d.meta.shard >= d.meta.shards)
		abort();
	for (size_t i = 0; i < d.nh; i++)
		if (d.fmt == MF_XML ? d.h[i].node == NULL : d.h[i].text == NULL)
			abort();
	if (d.fmt != MF_XML) {
		struct merge_host **v = malloc((d.nh + 1) * sizeof(*v));
		struct merge_sum sum = { .meta = &d.meta,
					 .cmdline = d.cmdline,
					 .start = d.start,
					 .end = d.end,
					 .total = d.nh,
					 .up = 0 };
		FILE *f = fopen("/dev/null", "w");

		for (size_t i = 0; i < d.nh; i++)
			v[i] = &d.h[i];
		if (f) {
			merge_write_text(f, d.fmt, &d, v, d.nh, &sum);
			fclose(f);
		}
		free(v);
	}
	merge_doc_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one("fuzz.gnmap", data, size);
	one("fuzz.nmap", data, size);
	return 0;
}
