/* oui.c -- MAC vendor names from fathom-mac-prefixes: load once, bsearch. */
#include "netstack/oui.h"

#include <stdlib.h>
#include <string.h>

#include "netstack/base/util.h"

struct oui_entry {
	uint32_t prefix;  /* the OUI's 24 bits */
	const char *name; /* into the table's text */
};

struct oui_table {
	char *text;          /* the file, lines cut in place */
	struct oui_entry *e; /* sorted by prefix */
	size_t n;
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * "HHHHHH Name" into e: 0; 1 for a longer (28- or 36-bit, MA-M/MA-S)
 * prefix, which newer nmap-mac-prefixes files list and a 24-bit table
 * skips; -1 for a malformed line.
 */
static int parse_line(char *line, struct oui_entry *e)
{
	uint32_t v = 0;
	int n = 0;

	while (hexval(line[n]) >= 0)
		n++;
	if (n > 6 && n <= 9 && line[n] == ' ')
		return 1;
	if (n != 6 || line[6] != ' ' || line[7] == '\0')
		return -1;
	for (int i = 0; i < 6; i++)
		v = v << 4 | (uint32_t)hexval(line[i]);
	e->prefix = v;
	e->name = line + 7;
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	uint32_t x = ((const struct oui_entry *)a)->prefix;
	uint32_t y = ((const struct oui_entry *)b)->prefix;

	return x < y ? -1 : x > y;
}

struct oui_table *oui_load(const char *path, char *err, size_t errlen)
{
	struct oui_table *t = xcalloc(1, sizeof(*t));
	size_t len, cap = 0, lineno = 0;
	char *p, *nl;

	t->text = read_file(path, READ_MAX_DB, &len, err, errlen);
	if (t->text == NULL) {
		free(t);
		return NULL;
	}
	for (p = t->text; p < t->text + len; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(t->text + len - p));
		if (nl == NULL)
			nl = t->text + len; /* read_file NUL-terminates */
		*nl = '\0';
		lineno++;
		if (*p == '#' || *p == '\0')
			continue;
		t->e = xgrow(t->e, &cap, t->n + 1, sizeof(*t->e));
		switch (parse_line(p, &t->e[t->n])) {
		case 0:
			t->n++;
			break;
		case 1:
			break;
		default:
			errf(err, errlen, "%s:%zu: not \"HHHHHH Name\"", path,
			     lineno);
			oui_free(t);
			return NULL;
		}
	}
	qsort(t->e, t->n, sizeof(*t->e), cmp_entry);
	return t;
}

const char *oui_lookup(const struct oui_table *t, const uint8_t mac[6])
{
	struct oui_entry key = { .prefix = (uint32_t)mac[0] << 16 |
					   (uint32_t)mac[1] << 8 | mac[2] };
	const struct oui_entry *e;

	if (t == NULL)
		return NULL;
	e = bsearch(&key, t->e, t->n, sizeof(*t->e), cmp_entry);
	return e ? e->name : NULL;
}

void oui_free(struct oui_table *t)
{
	if (t == NULL)
		return;
	free(t->text);
	free(t->e);
	free(t);
}
