/* hexfile.h -- load a tests/data hex dump for a unit test. */
#ifndef FATHOM_HEXFILE_H
#define FATHOM_HEXFILE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/*
 * Reads tests/data/NAME (under $FATHOM_SRCDIR): hex digits, whitespace
 * and '#' comments to the end of a line. Returns the bytes stored in out
 * (at most cap), 0 when the file cannot be opened.
 */
static inline size_t load_hex(const char *name, uint8_t *out, size_t cap)
{
	char path[512];
	const char *dir = getenv("FATHOM_SRCDIR");
	FILE *f;
	int c, hi = -1;
	size_t n = 0;

	snprintf(path, sizeof(path), "%s/tests/data/%s", dir ? dir : ".", name);
	f = fopen(path, "r");
	if (f == NULL) {
		printf("# cannot open %s\n", path);
		return 0;
	}
	while ((c = fgetc(f)) != EOF) {
		int v;

		if (c == '#') {
			while ((c = fgetc(f)) != EOF && c != '\n')
				;
			continue;
		}
		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (c >= 'a' && c <= 'f')
			v = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v = c - 'A' + 10;
		else
			continue;
		if (hi < 0) {
			hi = v;
		} else if (n < cap) {
			out[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	fclose(f);
	return n;
}

#endif
