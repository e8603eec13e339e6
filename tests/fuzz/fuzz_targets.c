/* fuzz_targets.c -- target and port grammars on any command line a user can type. */
#include <stdlib.h>
#include <string.h>

#include "engine/cli/ports.h"
#include "engine/cli/targets.h"
#include "tests/fuzz/fuzz.h"

const char fuzz_name[] = "targets";

/*
 * The input is whitespace-separated tokens: "-p SPEC" parses a port
 * spec, "-x TOKEN" an exclusion, anything else a target (names are
 * errors: no DNS from a fuzzer). The set takes either family, so IPv4
 * and IPv6 tokens mix. Errors must be one line naming the token; a
 * finalized set must answer index/at queries consistently.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct target_set *ts = targets_new();
	struct port_spec spec;
	char *text, *save = NULL, *tok, err[512];
	int mode = 0;

	text = malloc(size + 1);
	if (text == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	memset(&spec, 0, sizeof(spec));
	targets_set_family(ts, 0);
	for (tok = strtok_r(text, " \t\n", &save); tok != NULL;
	     tok = strtok_r(NULL, " \t\n", &save)) {
		int rc;

		if (strcmp(tok, "-p") == 0 || strcmp(tok, "-x") == 0) {
			mode = tok[1];
			continue;
		}
		err[0] = '\0';
		if (mode == 'p')
			rc = ports_parse(tok, NULL, &spec, err, sizeof(err));
		else if (mode == 'x')
			rc = targets_exclude(ts, tok, 1, err, sizeof(err));
		else
			rc = targets_add(ts, tok, 1, err, sizeof(err));
		if (rc != 0 && (err[0] == '\0' || strchr(err, '\n')))
			abort();
		mode = 0;
	}
	ports_finalize(&spec);
	if (targets_finalize(ts, err, sizeof(err)) == 0) {
		uint64_t n = targets_count(ts);

		if (n > 0) {
			struct addr first = targets_at(ts, 0);
			struct addr mid = targets_at(ts, n / 2);
			struct addr last = targets_at(ts, n - 1);

			if (targets_index_of(ts, &first) != 0 ||
			    targets_index_of(ts, &mid) != (int64_t)(n / 2) ||
			    targets_index_of(ts, &last) != (int64_t)(n - 1) ||
			    addr_cmp(&first, &last) > (n > 1 ? -1 : 0))
				abort();
		}
	}
	ports_free(&spec);
	targets_free(ts);
	free(text);
	return 0;
}
