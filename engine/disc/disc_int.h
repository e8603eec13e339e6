/* disc_int.h -- what discprobe.c and discprobe6.c share (not a public contract). */
#ifndef FATHOM_DISC_INT_H
#define FATHOM_DISC_INT_H

#include "engine/disc/discovery.h"

/* The slot of (kind, port) in ks, or -1 when no such probe is sent. */
long disc_slot_of(const struct disc_keys *ks, int kind, uint16_t port);

/* disc_classify() for IPv6 frames (ks->our6 set). */
int disc_classify6(const struct disc_keys *ks, const struct pkt_info *p,
		   struct disc_reply *out);

#endif
