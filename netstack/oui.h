/* oui.h -- MAC vendor names from fathom-mac-prefixes (24-bit OUI -> name). */
#ifndef FATHOM_OUI_H
#define FATHOM_OUI_H

#include <stddef.h>
#include <stdint.h>

struct oui_table;

/*
 * Loads a prefix file (probes/fathom-mac-prefixes, made by tools/gen-oui.py
 * from the IEEE registry): "# comment" lines, then "HHHHHH Name" lines
 * (six hex digits, one space, the name; longer MA-M/MA-S prefixes, as
 * newer nmap-mac-prefixes files have, are skipped). Returns the table,
 * or NULL with err ("FILE:LINE: why", or why the file could not be
 * read).
 */
struct oui_table *oui_load(const char *path, char *err, size_t errlen);

/* The vendor of mac's first three bytes, or NULL. t may be NULL. */
const char *oui_lookup(const struct oui_table *t, const uint8_t mac[6]);

void oui_free(struct oui_table *t); /* accepts NULL */

#endif
