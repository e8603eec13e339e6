/* test_reflect.c -- unit tests for probes/reflect.c: our probe sent back is not an answer. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "probes/reflect.h"
#include "tests/unit/harness.h"

/* The start of an SMB1 negotiate request, as a -sV probe sends it. */
static const uint8_t smb[] = "\0\0\0\xa4\xffSMBr\0\0\0\0\x08\x01\x40\0\0\0";
#define SMBLEN (sizeof(smb) - 1)

static enum reflect cls(const void *p, size_t pl, const void *r, size_t rl,
			int final)
{
	return reflect_classify(p, pl, r, rl, final);
}

int main(void)
{
	uint8_t buf[256];

	CASE("the probe returned whole is a reflection")
	{
		CHECK(cls(smb, SMBLEN, smb, SMBLEN, 0) == REFLECT_YES);
		CHECK(cls("HELP\r\n", 6, "HELP\r\n", 6, 0) == REFLECT_YES);
	}
	CASE("the probe repeated, ending part-way, is a reflection")
	{
		memcpy(buf, smb, SMBLEN);
		memcpy(buf + SMBLEN, smb, SMBLEN);
		memcpy(buf + 2 * SMBLEN, smb, 5);
		CHECK(cls(smb, SMBLEN, buf, 2 * SMBLEN, 0) == REFLECT_YES);
		CHECK(cls(smb, SMBLEN, buf, 2 * SMBLEN + 5, 0) == REFLECT_YES);
		CHECK(cls("\r\n\r\n", 4, "\r\n\r\n\r\n\r\n\r\n", 10, 0) ==
		      REFLECT_YES);
	}
	CASE("a strict prefix waits, then counts once the connection ended")
	{
		CHECK(cls(smb, SMBLEN, smb, 9, 0) == REFLECT_MAYBE);
		CHECK(cls(smb, SMBLEN, smb, 9, 1) == REFLECT_YES);
		CHECK(cls("GET / HTTP/1.0\r\n\r\n", 18, "GET /", 5, 1) ==
		      REFLECT_YES);
	}
	CASE("a short or single-valued prefix is not a reflection")
	{
		CHECK(cls(smb, SMBLEN, smb, 3, 1) == REFLECT_NO);
		/* "\0\0\0": the first 3 bytes; a real binary reply can be this. */
		CHECK(cls(smb, SMBLEN, "\0\0\0", 3, 0) == REFLECT_MAYBE);
		CHECK(cls(smb, SMBLEN, "\0\0\0", 3, 1) == REFLECT_NO);
		CHECK(cls("\0\0\0\0\0\0\0\0", 8, "\0\0\0\0\0", 5, 1) ==
		      REFLECT_NO);
	}
	CASE("a real reply sharing the probe's first bytes is not one")
	{
		/* SMB negotiate response: same header, the reply flag set. */
		static const uint8_t resp[] =
			"\0\0\0\xa4\xffSMBr\0\0\0\0\x88\x01\x40\0\0\0";

		CHECK(cls(smb, SMBLEN, resp, sizeof(resp) - 1, 0) ==
		      REFLECT_NO);
		CHECK(cls(smb, SMBLEN, resp, sizeof(resp) - 1, 1) ==
		      REFLECT_NO);
		/* The probe, then something of the server's own. */
		memcpy(buf, "HELP\r\n214 ok\r\n", 14);
		CHECK(cls("HELP\r\n", 6, buf, 14, 0) == REFLECT_NO);
		CHECK(cls("HELP\r\n", 6, "help\r\n", 6, 0) == REFLECT_NO);
	}
	CASE("an empty probe (NULL) or empty reply is never a reflection")
	{
		CHECK(cls("", 0, "SSH-2.0-x\r\n", 11, 1) == REFLECT_NO);
		CHECK(cls(smb, SMBLEN, "", 0, 1) == REFLECT_NO);
		CHECK(cls(NULL, 0, NULL, 0, 1) == REFLECT_NO);
	}
	CASE("fed one byte at a time: MAYBE until whole, then YES")
	{
		int ok = 1;

		for (size_t i = 1; i < SMBLEN; i++)
			ok &= cls(smb, SMBLEN, smb, i, 0) == REFLECT_MAYBE;
		CHECK(ok);
		CHECK(cls(smb, SMBLEN, smb, SMBLEN, 0) == REFLECT_YES);
	}
	return DONE();
}
