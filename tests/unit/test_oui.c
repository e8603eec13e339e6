/* test_oui.c -- the MAC vendor table: loading, lookup, bad lines. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "netstack/oui.h"

/* text into a fresh temporary file; its path into path. */
static int write_tmp(char *path, const char *text)
{
	int fd;
	FILE *f;

	snprintf(path, 64, "/tmp/fathom-oui.XXXXXX");
	fd = mkstemp(path);
	if (fd < 0 || (f = fdopen(fd, "w")) == NULL)
		return -1;
	fputs(text, f);
	fclose(f);
	return 0;
}

int main(void)
{
	static const uint8_t intel[6] = { 0x00, 0x1b, 0x21, 0x66, 0x78, 0x3c };
	static const uint8_t xerox[6] = { 0, 0, 0, 1, 2, 3 };
	static const uint8_t local[6] = { 0x02, 0x66, 0x78, 0, 0, 0x0a };
	char path[64], err[256];
	struct oui_table *t;

	CASE("comments, 24-bit lines, longer prefixes skipped, lookup")
	{
		CHECK(write_tmp(path, "# a comment\n\n001B21 Intel Corporate\n"
				      "000000 XEROX CORPORATION\n"
				      "70B3D5000 A 36-bit block\n"
				      "0055DA1 A 28-bit block\n") == 0);
		t = oui_load(path, err, sizeof(err));
		unlink(path);
		CHECK(t != NULL);
		if (t == NULL)
			break;
		CHECK_STR(oui_lookup(t, intel), "Intel Corporate");
		CHECK_STR(oui_lookup(t, xerox), "XEROX CORPORATION");
		CHECK(oui_lookup(t, local) == NULL);
		CHECK(oui_lookup(NULL, intel) == NULL);
		oui_free(t);
	}
	CASE("a malformed line: FILE:LINE, no table")
	{
		CHECK(write_tmp(path, "001B21 Intel\n001B2 Short\n") == 0);
		t = oui_load(path, err, sizeof(err));
		unlink(path);
		CHECK(t == NULL);
		CHECK(strstr(err, ":2: ") != NULL);
		oui_free(t);
	}
	CASE("a missing file: the reason")
	{
		CHECK(oui_load("/nonexistent/fathom-mac-prefixes", err,
			       sizeof(err)) == NULL);
		CHECK(strstr(err, "/nonexistent/fathom-mac-prefixes") != NULL);
	}
	CASE("the shipped table names the lab router's vendor")
	{
		const char *src = getenv("FATHOM_SRCDIR");
		char p[512];

		snprintf(p, sizeof(p), "%s/probes/fathom-mac-prefixes",
			 src ? src : ".");
		t = oui_load(p, err, sizeof(err));
		CHECK(t != NULL);
		if (t == NULL)
			break;
		CHECK_STR(oui_lookup(t, intel), "Intel Corporate");
		oui_free(t);
	}
	return DONE();
}
