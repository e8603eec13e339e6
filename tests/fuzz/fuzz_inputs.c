/* fuzz_inputs.c -- files fathom reads back: --resume outputs and -iL lists. */
#include <stdlib.h>
#include <string.h>

#include "engine/cli/resume.h"
#include "engine/cli/targetfile.h"
#include "tests/fuzz/fuzz.h"

const char fuzz_name[] = "inputs";

/*
 * The same bytes go to --resume's parser (and the XML cut) and to the
 * -iL reader (no DNS from a fuzzer; a set of either family). Errors
 * must be one line; a cut must fall inside the input; a parsed command
 * line must split.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct resume_info ri;
	struct target_set *ts = targets_new();
	struct port_pairs *pp = pairs_new();
	char err[512], **argv;
	long cut;
	int argc;

	/* Either family: IPv4 and IPv6 lines (brackets and all) mix. */
	targets_set_family(ts, 0);
	targets_set_family(pp->bare, 0);
	err[0] = '\0';
	if (resume_parse(buf, size, &ri, err, sizeof(err)) == 0) {
		argc = resume_split(ri.cmdline, &argv);
		for (int i = 0; i < argc; i++)
			if (argv[i][0] == '\0' || strchr(argv[i], ' '))
				abort();
		if (argc > 0)
			free(argv[0]);
		free(argv);
		resume_info_free(&ri);
	} else if (err[0] == '\0' || strchr(err, '\n')) {
		abort();
	}
	cut = resume_xml_cut(buf, size);
	if (cut < -1 || cut > (long)size)
		abort();
	err[0] = '\0';
	if (targetfile_parse(ts, pp, "fuzz", buf, size, 1, err, sizeof(err)) <
	    0) {
		if (err[0] == '\0' || strchr(err, '\n'))
			abort();
	} else {
		pairs_finalize(pp);
		for (size_t i = 0; i < pp->n; i++)
			if (!pairs_wanted(pp, &pp->v[i].addr, pp->v[i].port))
				abort();
	}
	pairs_free(pp);
	targets_free(ts);
	return 0;
}
