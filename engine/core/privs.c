/* privs.c -- capability checks and the drop: where privilege is reasoned about. */
#include "engine/core/privs.h"

#include <errno.h>
#include <grp.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

int privs_have_net_raw(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0
	};
	struct __user_cap_data_struct data[2] = { { 0 } };

	if (syscall(SYS_capget, &hdr, data) != 0)
		return 0;
	return (data[CAP_NET_RAW / 32].effective >> (CAP_NET_RAW % 32)) & 1;
}

#if defined(__x86_64__)
#define FATHOM_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define FATHOM_AUDIT_ARCH AUDIT_ARCH_AARCH64
#elif defined(__i386__)
#define FATHOM_AUDIT_ARCH AUDIT_ARCH_I386
#elif defined(__riscv) && __riscv_xlen == 64
#define FATHOM_AUDIT_ARCH AUDIT_ARCH_RISCV64
#endif

#if defined(__SANITIZE_ADDRESS__)
#define FATHOM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FATHOM_ASAN 1
#endif
#endif

/*
 * A deny-list, on purpose: fathom's libraries (libc, libpcap, OpenSSL,
 * PCRE2) make syscalls nobody lists in advance, and an allow-list that
 * missed one would kill a scan in some rare path. Denying what a scanner
 * has no business doing after set-up, with EPERM rather than a kill,
 * leaves every path of fathom working and takes the useful tools from
 * anyone who subverts it.
 */
static const int denied[] = {
#ifdef SYS_execve
	SYS_execve,
#endif
#ifdef SYS_execveat
	SYS_execveat,
#endif
/* LeakSanitizer ptraces the process at exit: kept in ASan builds. */
#if defined(SYS_ptrace) && !defined(FATHOM_ASAN)
	SYS_ptrace,
#endif
#ifdef SYS_mount
	SYS_mount,
#endif
#ifdef SYS_umount2
	SYS_umount2,
#endif
#ifdef SYS_pivot_root
	SYS_pivot_root,
#endif
#ifdef SYS_chroot
	SYS_chroot,
#endif
#ifdef SYS_setns
	SYS_setns,
#endif
#ifdef SYS_unshare
	SYS_unshare,
#endif
#ifdef SYS_init_module
	SYS_init_module,
#endif
#ifdef SYS_finit_module
	SYS_finit_module,
#endif
#ifdef SYS_delete_module
	SYS_delete_module,
#endif
#ifdef SYS_kexec_load
	SYS_kexec_load,
#endif
#ifdef SYS_kexec_file_load
	SYS_kexec_file_load,
#endif
#ifdef SYS_bpf
	SYS_bpf,
#endif
#ifdef SYS_perf_event_open
	SYS_perf_event_open,
#endif
#ifdef SYS_keyctl
	SYS_keyctl,
#endif
#ifdef SYS_add_key
	SYS_add_key,
#endif
#ifdef SYS_request_key
	SYS_request_key,
#endif
#ifdef SYS_process_vm_readv
	SYS_process_vm_readv,
#endif
#ifdef SYS_process_vm_writev
	SYS_process_vm_writev,
#endif
#ifdef SYS_setuid
	SYS_setuid,
#endif
#ifdef SYS_setgid
	SYS_setgid,
#endif
#ifdef SYS_setreuid
	SYS_setreuid,
#endif
#ifdef SYS_setregid
	SYS_setregid,
#endif
#ifdef SYS_setresuid
	SYS_setresuid,
#endif
#ifdef SYS_setresgid
	SYS_setresgid,
#endif
#ifdef SYS_setfsuid
	SYS_setfsuid,
#endif
#ifdef SYS_setfsgid
	SYS_setfsgid,
#endif
#ifdef SYS_setgroups
	SYS_setgroups,
#endif
#ifdef SYS_setuid32
	SYS_setuid32,
	SYS_setgid32,
	SYS_setreuid32,
	SYS_setregid32,
	SYS_setresuid32,
	SYS_setresgid32,
	SYS_setfsuid32,
	SYS_setfsgid32,
	SYS_setgroups32,
#endif
#ifdef SYS_capset
	SYS_capset,
#endif
#ifdef SYS_personality
	SYS_personality,
#endif
#ifdef SYS_open_by_handle_at
	SYS_open_by_handle_at,
#endif
#ifdef SYS_userfaultfd
	SYS_userfaultfd,
#endif
#ifdef SYS_swapon
	SYS_swapon,
#endif
#ifdef SYS_swapoff
	SYS_swapoff,
#endif
#ifdef SYS_reboot
	SYS_reboot,
#endif
};

#define NDENIED (sizeof(denied) / sizeof(denied[0]))

static int is_exec(int nr)
{
#ifdef SYS_execve
	if (nr == SYS_execve)
		return 1;
#endif
#ifdef SYS_execveat
	if (nr == SYS_execveat)
		return 1;
#endif
	(void)nr;
	return 0;
}

/* allow_exec: the nft guard's monitor must still exec nft. */
static int install_seccomp(int allow_exec, char *err, size_t errlen)
{
#ifndef FATHOM_AUDIT_ARCH
	snprintf(err, errlen,
		 "seccomp: this architecture is not supported "
		 "(use --no-drop)");
	return -1;
#else
	/* arch check, load nr, [x32 check], one test per syscall, 2 rets */
	struct sock_filter f[4 + 2 * NDENIED + 4];
	struct sock_fprog prog;
	size_t n = 0;

	/* Another ABI's numbers mean other syscalls: refuse them all. */
	f[n++] = (struct sock_filter)BPF_STMT(
		BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
					      FATHOM_AUDIT_ARCH, 1, 0);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
					      SECCOMP_RET_KILL_PROCESS);
	f[n++] = (struct sock_filter)BPF_STMT(
		BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
#if defined(__x86_64__)
	/* x32 shares x86-64's arch value: its numbers have bit 30 set. */
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K,
					      0x40000000u, 0, 1);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
					      SECCOMP_RET_ERRNO | EPERM);
#endif
	for (size_t i = 0; i < NDENIED; i++) {
		if (allow_exec && is_exec(denied[i]))
			continue;
		f[n++] = (struct sock_filter)BPF_JUMP(
			BPF_JMP | BPF_JEQ | BPF_K, (unsigned)denied[i], 0, 1);
		f[n++] = (struct sock_filter)BPF_STMT(
			BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM);
	}
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
					      SECCOMP_RET_ALLOW);
	prog.len = (unsigned short)n;
	prog.filter = f;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) != 0) {
		snprintf(err, errlen, "seccomp: %s", strerror(errno));
		return -1;
	}
	return 0;
#endif
}

/* Empties every capability set this process has. */
static int clear_caps(char *err, size_t errlen)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0
	};
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capset, &hdr, data) != 0) {
		snprintf(err, errlen, "capset: %s", strerror(errno));
		return -1;
	}
	memset(data, 0xff, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) != 0 || data[0].effective ||
	    data[1].effective || data[0].permitted || data[1].permitted) {
		snprintf(err, errlen, "capabilities remain after capset");
		return -1;
	}
	return 0;
}

int privs_drop(char *what, size_t whatlen, char *err, size_t errlen)
{
	const struct passwd *pw = NULL;
	uid_t uid = 0;
	gid_t gid = 0;
	int to_nobody = 0;

	if (geteuid() == 0 && (pw = getpwnam("nobody")) != NULL) {
		uid = pw->pw_uid;
		gid = pw->pw_gid;
		to_nobody = 1;
	}
	/* The bounding set needs CAP_SETPCAP: empty it while we have it. */
	for (int c = 0; c <= 63; c++)
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) != 0 &&
		    errno != EINVAL && errno != EPERM) {
			snprintf(err, errlen, "capability bounding set: %s",
				 strerror(errno));
			return -1;
		}
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (to_nobody) {
		uid_t r, e, s;

		if (setgroups(0, NULL) != 0 || setresgid(gid, gid, gid) != 0 ||
		    setresuid(uid, uid, uid) != 0) {
			snprintf(err, errlen, "cannot become nobody: %s",
				 strerror(errno));
			return -1;
		}
		if (getresuid(&r, &e, &s) != 0 || r != uid || e != uid ||
		    s != uid || setuid(0) == 0) {
			snprintf(err, errlen, "cannot become nobody");
			return -1;
		}
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		snprintf(err, errlen, "no_new_privs: %s", strerror(errno));
		return -1;
	}
	if (clear_caps(err, errlen) < 0)
		return -1;
#ifdef FATHOM_ASAN
	/* The sanitizers' leak check at exit must be able to ptrace us. */
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
#endif
	if (install_seccomp(0, err, errlen) < 0)
		return -1;
	snprintf(what, whatlen,
		 "%s, capabilities cleared, no_new_privs, seccomp deny-list "
		 "(%zu syscalls)",
		 to_nobody        ? "uid/gid now nobody"
		 : geteuid() == 0 ? "uid 0 kept (no user nobody)"
				  : "uid unchanged (not root)",
		 NDENIED);
	return 0;
}

/* Sets the effective, permitted and inheritable sets to exactly caps0. */
static int set_caps(uint32_t caps0, char *err, size_t errlen)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0
	};
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	data[0].effective = data[0].permitted = data[0].inheritable = caps0;
	if (syscall(SYS_capset, &hdr, data) != 0) {
		snprintf(err, errlen, "capset: %s", strerror(errno));
		return -1;
	}
	memset(data, 0xff, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) != 0 ||
	    data[0].effective != caps0 || data[0].permitted != caps0 ||
	    data[1].effective || data[1].permitted) {
		snprintf(err, errlen,
			 "capabilities other than "
			 "CAP_NET_ADMIN remain");
		return -1;
	}
	return 0;
}

/* To nobody, keeping the permitted set; nft then gets it as ambient. */
static int monitor_to_nobody(const struct passwd *pw, char *err, size_t errlen)
{
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0 || setgroups(0, NULL) ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid)) {
		snprintf(err, errlen, "cannot become nobody: %s",
			 strerror(errno));
		return -1;
	}
	prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	if (setuid(0) == 0) {
		snprintf(err, errlen, "cannot become nobody");
		return -1;
	}
	return 0;
}

int privs_confine_monitor(char *what, size_t whatlen, char *err, size_t errlen)
{
	const uint32_t keep = 1u << CAP_NET_ADMIN;
	const struct rlimit none = { 0, 0 };
	const struct passwd *pw = NULL;

	/* Ambient capabilities (Linux 4.3) carry NET_ADMIN into nft. */
	if (geteuid() == 0 && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET,
				    CAP_NET_ADMIN, 0, 0) >= 0)
		pw = getpwnam("nobody");
	for (int c = 0; c <= 63; c++)
		if (c != CAP_NET_ADMIN && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) &&
		    errno != EINVAL && errno != EPERM) {
			snprintf(err, errlen, "capability bounding set: %s",
				 strerror(errno));
			return -1;
		}
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (pw && monitor_to_nobody(pw, err, errlen) < 0)
		return -1;
	if (set_caps(keep, err, errlen) < 0)
		return -1;
	if (pw && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_ADMIN, 0,
			0) != 0) {
		snprintf(err, errlen, "ambient CAP_NET_ADMIN: %s",
			 strerror(errno));
		return -1;
	}
#ifndef FATHOM_ASAN
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); /* no ptrace, no /proc/PID/mem */
#endif
	/* Neither it nor nft writes a file or dumps core. */
	if (setrlimit(RLIMIT_CORE, &none) != 0 ||
	    setrlimit(RLIMIT_FSIZE, &none) != 0) {
		snprintf(err, errlen, "setrlimit: %s", strerror(errno));
		return -1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		snprintf(err, errlen, "no_new_privs: %s", strerror(errno));
		return -1;
	}
	if (install_seccomp(1, err, errlen) < 0)
		return -1;
	snprintf(what, whatlen,
		 "%s, CAP_NET_ADMIN only, no_new_privs, seccomp deny-list "
		 "(exec allowed)",
		 pw ? "uid/gid nobody" : "uid unchanged");
	return 0;
}
