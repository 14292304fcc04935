/*
 * test_exit.c: the exit status of `sandlock run`, as coreutils' timeout and
 * env give it: the command's own; 128+N for signal N; 124 timeout; 125
 * sandlock's own failure; 126 cannot execute; 127 not found.  Also stdio.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sbx.h"

TestSuite(exit, .timeout = 30);
TestSuite(stdio, .timeout = 30);

/* A command that succeeds gives 0. */
Test(exit, success_is_zero)
{
	struct th_run r;

	sbx_probe(&r, NULL, "true", (const char *)NULL);
	SBX_EXPECT(&r, 0, "ok\n");
	cr_assert(eq(str, r.err, ""));
	th_run_free(&r);
}

/* The command's own exit status is passed on. */
Test(exit, own_status_is_passed_on)
{
	const char *cmd[] = { "/bin/sh", "-c", "exit 42", NULL };
	struct th_run r;

	cr_assert(eq(int, th_sandlock_run(&r, NULL, cmd), 0));
	SBX_EXPECT(&r, 42, "");
	th_run_free(&r);
}

/* A command killed by SIGKILL gives 128+9. */
Test(exit, killed_by_signal_is_128_plus_n)
{
	struct th_run r;

	sbx_probe(&r, NULL, "kill-self", "KILL", (const char *)NULL);
	SBX_EXPECT(&r, 137, "");
	th_run_free(&r);
}

/* A command still running at the timeout gives 124. */
Test(exit, timeout_is_124)
{
	const char *extra[] = { "-t", "1", NULL };
	const char *cmd[] = { "/bin/sleep", "30", NULL };
	struct th_run r;

	cr_assert(eq(int, th_sandlock_run(&r, extra, cmd), 0));
	SBX_EXPECT(&r, 124, "");
	SBX_STDERR_HAS(&r, "timeout");
	th_run_free(&r);
}

/* An unknown flag gives 125 and says which. */
Test(exit, bad_flag_is_125)
{
	const char *extra[] = { "--no-such-flag", NULL };
	struct th_run r;

	sbx_probe(&r, extra, "true", (const char *)NULL);
	SBX_EXPECT(&r, 125, "");
	SBX_STDERR_HAS(&r, "unknown option '--no-such-flag'");
	th_run_free(&r);
}

/* A program outside every rule gives 126 with a message. */
Test(exit, exec_outside_rules_is_126)
{
	char *dir = th_tmpdir(), *p = sbx_join(dir, "prog");
	const char *cmd[] = { p, "true", NULL };
	struct th_run r;

	cr_assert(eq(int, sbx_copy(th_probe(), p), 0));
	cr_assert(eq(int, th_sandlock_run(&r, NULL, cmd), 0));
	SBX_EXPECT(&r, 126, "");
	SBX_STDERR_HAS(&r, "cannot execute");
	SBX_STDERR_HAS(&r, p);
	th_run_free(&r);
	sbx_rmtree(dir);
	free(p);
	free(dir);
}

/* A file that is not executable gives 126. */
Test(exit, non_executable_file_is_126)
{
	char *dir = th_tmpdir(), *p = sbx_join(dir, "data");
	const char *extra[] = { "-r", dir, NULL };
	const char *cmd[] = { p, NULL };
	struct th_run r;

	cr_assert(eq(int, th_write_file(p, "not a program\n"), 0));
	cr_assert(eq(int, th_sandlock_run(&r, extra, cmd), 0));
	SBX_EXPECT(&r, 126, "");
	SBX_STDERR_HAS(&r, "cannot execute");
	th_run_free(&r);
	sbx_rmtree(dir);
	free(p);
	free(dir);
}

/* A command name found nowhere on PATH gives 127. */
Test(exit, missing_command_is_127)
{
	const char *cmd[] = { "sandlock-no-such-command", NULL };
	struct th_run r;

	cr_assert(eq(int, th_sandlock_run(&r, NULL, cmd), 0));
	SBX_EXPECT(&r, 127, "");
	SBX_STDERR_HAS(&r, "sandlock-no-such-command: command not found");
	th_run_free(&r);
}

/* A command path that does not exist gives 127. */
Test(exit, missing_path_command_is_127)
{
	const char *cmd[] = { "/nonexistent/x", NULL };
	struct th_run r;

	cr_assert(eq(int, th_sandlock_run(&r, NULL, cmd), 0));
	SBX_EXPECT(&r, 127, "");
	SBX_STDERR_HAS(&r, "/nonexistent/x");
	th_run_free(&r);
}

/* A command killed by seccomp (i386 int 0x80) gives 128+SIGSYS, silently. */
Test(exit, int80_is_killed_with_sigsys)
{
	struct th_run r;

	sbx_probe(&r, NULL, "int80", (const char *)NULL);
	SBX_EXPECT(&r, 128 + SIGSYS, "");
	th_run_free(&r);
}

/* The command's stdout and stderr reach the caller. */
Test(stdio, stdout_and_stderr_reach_caller)
{
	const char *cmd[] = { "/bin/sh", "-c", "echo to-out; echo to-err >&2",
	    NULL };
	struct th_run r;

	cr_assert(eq(int, th_sandlock_run(&r, NULL, cmd), 0));
	SBX_EXPECT(&r, 0, "to-out\n");
	cr_assert(eq(str, r.err, "to-err\n"));
	th_run_free(&r);
}

/* The caller's stdin reaches the command. */
Test(stdio, stdin_passes_through)
{
	const char *cmd[] = { "/bin/cat", NULL };
	struct th_run r;
	int p[2];

	cr_assert(eq(int, pipe2(p, O_CLOEXEC), 0));
	cr_assert(eq(long, (long)write(p[1], "hello", 5), 5L));
	close(p[1]);
	cr_assert(eq(int, th_runv(&r, sbx_argv(NULL, cmd), p[0], 30), 0));
	close(p[0]);
	SBX_EXPECT(&r, 0, "hello");
	th_run_free(&r);
}
