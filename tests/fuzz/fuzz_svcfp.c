/* fuzz_svcfp.c -- the SF-Port fingerprint writer on any bytes a service sends. */
#include <stdlib.h>
#include <string.h>

#include "probes/svcfp.h"
#include "tests/fuzz/fuzz.h"

const char fuzz_name[] = "svcfp";

/*
 * The fingerprint goes into reports verbatim, so whatever the service
 * sent, the text must be printable ASCII lines of at most 74 columns
 * (75 for the last: nmap never wraps the closing ';'), with no control
 * byte a terminal or XML consumer could be fooled by.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct svcfp fp;
	const char *t, *line;
	size_t half = size / 2;

	svcfp_init(&fp, "0.0", "x86_64-pc-linux-gnu", 7005, 6, size & 1, 7, 0);
	svcfp_add(&fp, "NULL", data, half);
	svcfp_add(&fp, "GetRequest", data + half, size - half);
	t = svcfp_text(&fp);
	for (line = t; t != NULL && *line != '\0';) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		size_t i;

		if (len > 75 || (len == 75 && (nl || line[74] != ';')))
			abort();
		for (i = 0; i < len; i++)
			if (line[i] < 0x20 || line[i] > 0x7e)
				abort();
		line += len + (nl != NULL);
	}
	svcfp_free(&fp);
	return 0;
}
