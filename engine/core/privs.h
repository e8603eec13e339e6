/* privs.h -- capability checks and the drop: where privilege is reasoned about. */
#ifndef FATHOM_PRIVS_H
#define FATHOM_PRIVS_H

#include <stddef.h>

/*
 * 1 if the effective capability set holds CAP_NET_RAW (what raw sends and
 * captures need), read with capget(2): a setcap'd binary run by a user
 * passes, a root process that dropped the capability does not. fathom
 * checks capabilities, not the uid.
 */
int privs_have_net_raw(void);

/*
 * Gives up every privilege once privsetup_open() has run (nothing after
 * it needs one; open handles keep working): as root, when the user
 * "nobody" exists, setgroups(0), setresgid and setresuid to it; then, for
 * root and setcap'd runs alike, the capability bounding, ambient,
 * permitted, effective and inheritable sets emptied, PR_SET_NO_NEW_PRIVS,
 * and a seccomp filter that fails with EPERM the syscalls fathom never
 * makes after set-up (exec, ptrace, mounts, namespaces, modules, bpf,
 * keyrings, setuid and friends...). Must run before any thread starts
 * (the filter binds the calling thread and its future threads).
 * Writes what was done in what (for -d). Returns 0, or -1 with err: the
 * caller must then exit, never go on half-dropped.
 */
int privs_drop(char *what, size_t whatlen, char *err, size_t errlen);

/*
 * For the nft guard's monitor (privsetup.c), a forked process whose one
 * job is to run `nft delete table` when fathom ends; that needs
 * CAP_NET_ADMIN and nothing else (in a network namespace too: it is the
 * init namespace's capability that nftables checks). So: the bounding
 * set down to CAP_NET_ADMIN; as root, when the user "nobody" exists and
 * the kernel has ambient capabilities, setgroups(0)/setresgid/setresuid
 * to nobody, keeping CAP_NET_ADMIN as the one effective, permitted,
 * inheritable and ambient capability so the nft it execs gets it (a uid 0
 * without capabilities would still own most of the file system); not
 * dumpable; RLIMIT_CORE and RLIMIT_FSIZE 0; PR_SET_NO_NEW_PRIVS; and
 * privs_drop()'s seccomp deny-list except exec. Writes what was done in
 * what. Returns 0, or -1 with err; the monitor still does its job then,
 * with whatever it could not give up.
 */
int privs_confine_monitor(char *what, size_t whatlen, char *err, size_t errlen);

#endif
