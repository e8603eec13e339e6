/* test_datadir.c -- --datadir as nmap's, and where port names come from. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/cli/cli.h"
#include "engine/core/services.h"
#include "tests/unit/harness.h"

#define NMAPDIR "/usr/share/nmap"

/* Parses argv into o; the status cli_parse() returned. */
static int parse(struct scan_opts *o, int argc, const char **argv)
{
	return cli_parse(argc, (char **)argv, o);
}

static const char *name_of(const struct scan_opts *o, uint16_t port)
{
	return services_name(cli_names(o), SVC_TCP, port);
}

int main(void)
{
	const char *dir = getenv("FATHOM_SRCDIR");
	char datadir[1100];
	struct scan_opts o;
	int nmap = access(NMAPDIR "/nmap-services", R_OK) == 0 &&
		   access(NMAPDIR "/nmap-service-probes", R_OK) == 0;

	snprintf(datadir, sizeof(datadir), "%s/probes", dir ? dir : ".");
	setenv("FATHOM_DATADIR", datadir, 1);

	CASE("default: fathom's own names and databases")
	{
		const char *argv[] = { "fathom", "-n", "-sV", "-p22",
				       "198.18.0.10" };

		CHECK_EQ_U(parse(&o, 5, argv), 0);
		CHECK(o.names == NULL);
		CHECK_STR(name_of(&o, 6000), "x11");
		CHECK_STR(o.db_label, "fathom-service-probes");
		CHECK_EQ_U(o.db_nmap, 0);
		cli_free(&o);
	}
	CASE("--datadir that is not a readable directory: exit 2")
	{
		const char *a1[] = { "fathom", "--datadir", "/nonexistent/x",
				     "198.18.0.10" };
		const char *a2[] = { "fathom", "--datadir", "/etc/hostname",
				     "198.18.0.10" };
		const char *a3[] = { "fathom", "--datadir", "", "198.18.0.10" };

		CHECK_EQ_U(parse(&o, 4, a1), 2);
		cli_free(&o);
		CHECK_EQ_U(parse(&o, 4, a2), 2);
		cli_free(&o);
		CHECK_EQ_U(parse(&o, 4, a3), 2);
		cli_free(&o);
	}
	CASE("--datadir with nmap's files: nmap's names and database")
	{
		const char *argv[] = { "fathom",     "-n",    "-sV",
				       "--datadir",  NMAPDIR, "-p22",
				       "198.18.0.10" };

		if (!nmap) {
			printf("# SKIP nmap's data files not installed\n");
			continue;
		}
		CHECK_EQ_U(parse(&o, 7, argv), 0);
		CHECK_STR(name_of(&o, 6000), "X11");
		CHECK_STR(name_of(&o, 9100), "jetdirect");
		CHECK_STR(o.services_path, NMAPDIR "/nmap-services");
		CHECK_STR(o.db_label, "nmap-service-probes");
		CHECK_EQ_U(o.db_nmap, 1);
		cli_free(&o);
	}
	CASE("--versiondb nmap-service-probes: names from nmap-services beside it")
	{
		const char *argv[] = { "fathom",
				       "-n",
				       "-sV",
				       "--versiondb",
				       NMAPDIR "/nmap-service-probes",
				       "-p22",
				       "198.18.0.10" };

		if (!nmap) {
			printf("# SKIP nmap's data files not installed\n");
			continue;
		}
		CHECK_EQ_U(parse(&o, 7, argv), 0);
		CHECK(o.names != NULL);
		CHECK_STR(name_of(&o, 6000), "X11");
		/* The ports scanned still follow fathom's own table. */
		CHECK(strstr(o.services_path, "fathom-services") != NULL);
		CHECK_EQ_U(o.db_nmap, 1);
		cli_free(&o);
	}
	CASE("a later parse without --datadir forgets the earlier one")
	{
		const char *argv[] = { "fathom", "-n", "-p22", "198.18.0.10" };

		CHECK_EQ_U(parse(&o, 4, argv), 0);
		CHECK(strstr(o.services_path, "fathom-services") != NULL);
		CHECK_STR(name_of(&o, 6000), "x11");
		cli_free(&o);
	}
	return DONE();
}
