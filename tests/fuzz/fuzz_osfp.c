/* fuzz_osfp.c -- the OS fingerprint parser on any file a user can pass, and its round trip. */
#include <stdlib.h>
#include <string.h>

#include "fingerprints/osfp.h"
#include "tests/fuzz/fuzz.h"

const char fuzz_name[] = "osfp";

/*
 * Whatever parses must print back to text that parses to the same
 * fingerprint, and its submission form must parse too: reports and the
 * matcher rely on both. An error is one line naming a line number.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct osfp fp, again;
	struct osfp_scaninfo si = { .version = "0.0",
				    .open_port = 22,
				    .closed_port = 1,
				    .closed_udp = -1,
				    .distance = 1,
				    .dist_method = 'D',
				    .platform = "x" };
	char err[256], *text, *out;
	size_t n;

	text = malloc(size ? size : 1);
	if (text == NULL)
		abort();
	memcpy(text, data, size);
	err[0] = '\0';
	if (osfp_parse(&fp, text, size, err, sizeof(err)) < 0) {
		if (strncmp(err, "line ", 5) != 0 || strchr(err, '\n'))
			abort();
		free(text);
		return 0;
	}
	n = osfp_format(&fp, NULL, 0);
	out = malloc(n + 1);
	if (out == NULL || osfp_format(&fp, out, n + 1) != n)
		abort();
	if (osfp_parse(&again, out, n, err, sizeof(err)) < 0 ||
	    memcmp(&fp, &again, sizeof(fp)) != 0)
		abort();
	free(out);
	n = osfp_format_submission(&fp, &si, NULL, 0);
	out = malloc(n + 1);
	if (out == NULL || osfp_format_submission(&fp, &si, out, n + 1) != n)
		abort();
	if (osfp_parse(&again, out, n, err, sizeof(err)) < 0 ||
	    memcmp(&fp, &again, sizeof(fp)) != 0)
		abort();
	free(out);
	free(text);
	return 0;
}
