/* test_privs.c -- privs_drop() in a child: what it forbids, what it keeps. */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/core/privs.h"
#include "tests/unit/harness.h"

/* Bits a child sets in its exit status for each fault it saw. */
enum {
	F_DROP = 1,      /* privs_drop() failed */
	F_EXEC = 2,      /* execve not refused with EPERM */
	F_SETID = 4,     /* setuid not refused */
	F_UNSHARE = 8,   /* unshare not refused */
	F_NNP = 16,      /* no_new_privs not set */
	F_WORKS = 32,    /* an ordinary syscall failed */
	F_NOBODY = 64,   /* root did not become nobody */
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
	return DONE();
}
