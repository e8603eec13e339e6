/* usage.h -- the -h text, laid out like nmap's. */
#ifndef FATHOM_USAGE_H
#define FATHOM_USAGE_H

#include <stdio.h>

void usage_print(FILE *f);

#endif
