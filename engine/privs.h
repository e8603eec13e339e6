/* privs.h -- capability checks: the one place privilege is reasoned about. */
#ifndef FATHOM_PRIVS_H
#define FATHOM_PRIVS_H

/*
 * 1 if the effective capability set holds CAP_NET_RAW (what raw sends and
 * captures need), read with capget(2): a setcap'd binary run by a user
 * passes, a root process that dropped the capability does not. fathom
 * checks capabilities, not the uid.
 */
int privs_have_net_raw(void);

#endif
