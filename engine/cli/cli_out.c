/* cli_out.c -- the output options that are more than a file name: -oA, -oS. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/cli/cli_int.h"
#include "engine/invdb/invdb.h"
#include "netstack/base/util.h"

int cli_out_all(struct scan_opts *o, const char *opt, const char *base)
{
	/* nmap's -oA (BASE.nmap, .xml, .gnmap) plus .ndjson. */
	size_t n = strlen(base) + sizeof(".ndjson");

	if (strcmp(base, "-") == 0) {
		fprintf(stderr,
			"fathom: %s needs a base file name, not '-' "
			"(see fathom -h)\n",
			opt);
		return -1;
	}
	free(o->out_normal);
	free(o->out_xml);
	free(o->out_grep);
	free(o->out_json);
	o->out_normal = xmalloc(n);
	o->out_xml = xmalloc(n);
	o->out_grep = xmalloc(n);
	o->out_json = xmalloc(n);
	snprintf(o->out_normal, n, "%s.nmap", base);
	snprintf(o->out_xml, n, "%s.xml", base);
	snprintf(o->out_grep, n, "%s.gnmap", base);
	snprintf(o->out_json, n, "%s.ndjson", base);
	return 0;
}

int cli_out_db(struct scan_opts *o, const char *opt, const char *target)
{
	if (target[0] == '\0' || strcmp(target, "-") == 0) {
		fprintf(stderr,
			"fathom: %s needs a database: a SQLite file "
			"or a postgresql:// URI (see fathom -h)\n",
			opt);
		return -1;
	}
	if (!invdb_supported(target)) {
		fprintf(stderr,
			"fathom: %s %s: this fathom was built without "
			"%s\n",
			opt, target,
			strncmp(target, "postgres", 8) == 0
				? "PostgreSQL (configure --with-libpq)"
				: "SQLite (configure --with-sqlite3)");
		return -1;
	}
	free(o->out_db);
	o->out_db = xstrdup(target);
	return 0;
}
