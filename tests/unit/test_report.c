/* test_report.c -- number formatting as nmap prints latencies. */
#include "engine/report/report.h"
#include "tests/unit/harness.h"

int main(void)
{
	char b[32];

	CASE("two significant digits, never an exponent")
	{
		report_sigdigits(0.00011, 2, b, sizeof(b));
		CHECK_STR(b, "0.00011");
		report_sigdigits(0.0012, 2, b, sizeof(b));
		CHECK_STR(b, "0.0012");
		report_sigdigits(0.000095, 2, b, sizeof(b));
		CHECK_STR(b, "0.000095");
		report_sigdigits(1.234, 2, b, sizeof(b));
		CHECK_STR(b, "1.2");
		report_sigdigits(120.4, 2, b, sizeof(b));
		CHECK_STR(b, "120");
		report_sigdigits(0, 2, b, sizeof(b));
		CHECK_STR(b, "0");
	}
	return DONE();
}
