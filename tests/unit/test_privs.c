/* test_privs.c -- privs_drop() in a child: what it forbids, what it keeps. */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <sched.h>
#include <stdlib.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/core/privs.h"
#include "tests/unit/harness.h"

/* Bits a child sets in its exit status for each fault it saw. */
enum {
	F_DROP = 1,    /* privs_drop() failed */
	F_EXEC = 2,    /* execve not refused with EPERM */
	F_SETID = 4,   /* setuid not refused */
	F_UNSHARE = 8, /* unshare not refused */
	F_NNP = 16,    /* no_new_privs not set */
	F_WORKS = 32,  /* an ordinary syscall failed */
	F_NOBODY = 64, /* root did not become nobody */
};

static int child(void)
{
	char what[160], err[256];
	/* Should the exec go through, the shell reports it as F_EXEC. */
	char *argv[] = { "/bin/sh", "-c", "exit 2", NULL };
	char *envp[] = { NULL };
	int was_root = geteuid() == 0, f = 0, fd;
	const struct passwd *pw = getpwnam("nobody");
	uid_t nobody = pw ? pw->pw_uid : 0;

	if (privs_drop(what, sizeof(what), err, sizeof(err)) != 0)
		return F_DROP;
	errno = 0;
	if (execve("/bin/sh", argv, envp) == 0 || errno != EPERM)
		f |= F_EXEC;
	errno = 0;
	if (setuid(getuid()) == 0 || errno != EPERM)
		f |= F_SETID;
	errno = 0;
	if (unshare(CLONE_NEWUSER) == 0 || errno != EPERM)
		f |= F_UNSHARE;
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		f |= F_NNP;
	/* What fathom does after set-up still works. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || close(fd) != 0 || open("/dev/null", O_RDONLY) < 0)
		f |= F_WORKS;
	if (was_root && pw && (getuid() != nobody || geteuid() != nobody))
		f |= F_NOBODY;
	return f;
}

/* Bits the monitor's child sets for each fault it saw. */
enum {
	M_CONFINE = 1, /* privs_confine_monitor() failed */
	M_CAPS = 2,    /* eff/perm/bounding other than CAP_NET_ADMIN alone */
	M_NNP = 4,     /* no_new_privs not set */
	M_NOBODY = 8,  /* still root */
	M_DUMP = 16,   /* still dumpable (ptrace-able by its uid) */
	M_NFT = 32,    /* nft delete table failed afterwards */
	M_SETID = 64,  /* setuid(0) not refused */
	M_NONFT = 128, /* no nft to run: that check did not run */
};

/* Runs nft with args; its exit status, or 127 if it cannot run. */
static int nft(const char *a1, const char *a2, const char *a3, const char *a4)
{
	int st;
	pid_t p = fork();

	if (p == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(null, 2);
		execlp("nft", "nft", a1, a2, a3, a4, (char *)NULL);
		_exit(127);
	}
	if (p < 0 || waitpid(p, &st, 0) != p || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/*
 * The nft guard's monitor, as root in a network namespace of its own (no
 * interface but a down lo: nothing leaves it): a table made before the
 * confinement must still be deletable by the nft it execs afterwards.
 */
static int monitor_child(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0
	};
	struct __user_cap_data_struct d[2];
	char what[160], err[256];
	int f = 0, have_nft;

	if (unshare(CLONE_NEWNET) != 0)
		return M_CONFINE;
	have_nft = nft("add", "table", "ip", "fathom_unit") == 0;
	if (privs_confine_monitor(what, sizeof(what), err, sizeof(err)) != 0)
		return M_CONFINE;
	if (syscall(SYS_capget, &hdr, d) != 0 ||
	    d[0].effective != 1u << CAP_NET_ADMIN ||
	    d[0].permitted != 1u << CAP_NET_ADMIN || d[1].effective ||
	    d[1].permitted)
		f |= M_CAPS;
	for (int c = 0; c <= CAP_LAST_CAP; c++)
		if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) != (c == CAP_NET_ADMIN))
			f |= M_CAPS;
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		f |= M_NNP;
	if (getuid() == 0 || geteuid() == 0)
		f |= M_NOBODY;
#if !defined(__SANITIZE_ADDRESS__)
	if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0)
		f |= M_DUMP;
#endif
	if (setuid(0) == 0)
		f |= M_SETID;
	if (!have_nft)
		f |= M_NONFT;
	else if (nft("delete", "table", "ip", "fathom_unit") != 0)
		f |= M_NFT;
	return f;
}

static void monitor_cases(void)
{
	int status = -1;
	pid_t pid;

	if (geteuid() != 0 || getpwnam("nobody") == NULL) {
		printf("ok - privs_confine_monitor # SKIP needs root and "
		       "user nobody\n");
		return;
	}
	pid = fork();
	if (pid == 0)
		_exit(monitor_child());
	CASE("monitor: child ran")
	{
		CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
		CHECK(WIFEXITED(status));
	}
	status = WIFEXITED(status) ? WEXITSTATUS(status) : 255;
	CASE("monitor: confinement succeeds")
	CHECK_EQ_U(status & M_CONFINE, 0);
	CASE("monitor: CAP_NET_ADMIN alone (effective, permitted, bounding)")
	CHECK_EQ_U(status & M_CAPS, 0);
	CASE("monitor: no_new_privs, not dumpable, setuid(0) refused")
	CHECK_EQ_U(status & (M_NNP | M_DUMP | M_SETID), 0);
	CASE("monitor: root becomes nobody")
	CHECK_EQ_U(status & M_NOBODY, 0);
	if (status & M_NONFT) {
		printf("ok - monitor: nft deletes the table # SKIP no nft\n");
		return;
	}
	CASE("monitor: the nft it execs still deletes the table")
	CHECK_EQ_U(status & M_NFT, 0);
}

int main(void)
{
	int status = -1;
	pid_t pid = fork();

	if (pid == 0)
		_exit(child());
	CASE("privs_drop: child ran")
	{
		CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
		CHECK(WIFEXITED(status));
	}
	status = WIFEXITED(status) ? WEXITSTATUS(status) : 255;
	CASE("privs_drop: succeeds")
	CHECK_EQ_U(status & F_DROP, 0);
	CASE("privs_drop: execve fails with EPERM")
	CHECK_EQ_U(status & F_EXEC, 0);
	CASE("privs_drop: setuid fails with EPERM")
	CHECK_EQ_U(status & F_SETID, 0);
	CASE("privs_drop: unshare fails with EPERM")
	CHECK_EQ_U(status & F_UNSHARE, 0);
	CASE("privs_drop: no_new_privs set")
	CHECK_EQ_U(status & F_NNP, 0);
	CASE("privs_drop: sockets and files still work")
	CHECK_EQ_U(status & F_WORKS, 0);
	CASE("privs_drop: root becomes nobody")
	CHECK_EQ_U(status & F_NOBODY, 0);
	monitor_cases();
	return DONE();
}
