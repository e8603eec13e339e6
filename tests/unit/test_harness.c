/* test_harness.c -- the harness itself: a case that gives up must fail. */
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/unit/harness.h"

/*
 * Runs `body` in a child whose stdout is a pipe, and returns what it
 * printed and its exit status: the cases below are meant to fail, and
 * must not count against this binary, only be seen failing.
 */
static int run_child(void (*body)(void), char *out, size_t outlen)
{
	int fd[2], st = -1;
	size_t n = 0;
	ssize_t r;
	pid_t pid;

	if (pipe(fd) != 0)
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(fd[1], STDOUT_FILENO);
		close(fd[0]);
		/* The child starts its own run, not the parent's open case. */
		h_case_open = 0;
		h_failed = h_cases = 0;
		body(); /* exits */
		_exit(99);
	}
	close(fd[1]);
	while (n + 1 < outlen && (r = read(fd[0], out + n, outlen - n - 1)) > 0)
		n += (size_t)r;
	out[n] = '\0';
	close(fd[0]);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* The pattern the brief names: a failed precondition, then break. */
static void break_after_check(void)
{
	const void *db = NULL;

	CASE("precondition")
	{
		CHECK(db != NULL);
		if (!db)
			break;
		CHECK(1);
	}
	exit(DONE());
}

/* A break with no CHECK at all still fails. */
static void bare_break(void)
{
	CASE("bare")
	{
		break;
	}
	CASE("after")
	{
		CHECK(1);
	}
	exit(DONE());
}

static void all_pass(void)
{
	CASE("one")
	{
		CHECK(1);
	}
	CASE("two")
	{
		continue; /* reaches the increment: the case ran to its end */
	}
	exit(DONE());
}

static void no_cases(void)
{
	exit(DONE());
}

int main(void)
{
	char out[4096];
	int st;

	CASE("break after a failed CHECK is reported and exits 1")
	{
		st = run_child(break_after_check, out, sizeof out);
		CHECK_EQ_U(st, 1);
		CHECK(strstr(out, "not ok - precondition\n") != NULL);
	}
	CASE("a bare break fails its case, the next case still runs")
	{
		st = run_child(bare_break, out, sizeof out);
		CHECK_EQ_U(st, 1);
		CHECK(strstr(out, "not ok - bare\n") != NULL);
		CHECK(strstr(out, "ok - after\n") != NULL);
		CHECK(strstr(out, "not ok - after") == NULL);
	}
	CASE("passing cases exit 0, continue is not a failure")
	{
		st = run_child(all_pass, out, sizeof out);
		CHECK_EQ_U(st, 0);
		CHECK(strstr(out, "ok - one\n") != NULL);
		CHECK(strstr(out, "ok - two\n") != NULL);
		CHECK(strstr(out, "not ok") == NULL);
	}
	CASE("a binary that ran no case fails")
	{
		st = run_child(no_cases, out, sizeof out);
		CHECK_EQ_U(st, 1);
	}
	return DONE();
}
