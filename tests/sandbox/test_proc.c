/*
 * test_proc.c: what a stage can reach of /proc when a policy grants it
 * (-r /proc): its opens and listings go to the supervisor, which hides
 * every process outside the stage (worker/procfs.c).
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sbx.h"

TestSuite(proc, .timeout = 30);

#define X(...)	((const char *const[]){ __VA_ARGS__, NULL })

/* The caller's environment is out of reach (cat /proc/PPID/environ):
 * its /proc/PID cannot be opened at all. */
Test(proc, caller_environ_denied)
{
	char path[64];
	struct th_run r;

	(void)snprintf(path, sizeof(path), "/proc/%d/environ", (int)getpid());
	sbx_probe(&r, X("-r", "/proc"), "read", path, NULL);
	SBX_EXPECT(&r, 1, "err ENOENT\n");
	th_run_free(&r);
}

/* Its memory and fd table too. */
Test(proc, caller_mem_and_fds_denied)
{
	char mem[64], fd[64];
	struct th_run r;

	(void)snprintf(mem, sizeof(mem), "/proc/%d/mem", (int)getpid());
	(void)snprintf(fd, sizeof(fd), "/proc/%d/fd/0", (int)getpid());
	sbx_probe(&r, X("-r", "/proc"), "read", mem, NULL);
	SBX_EXPECT(&r, 1, "err ENOENT\n");
	th_run_free(&r);
	sbx_probe(&r, X("-r", "/proc"), "read", fd, NULL);
	SBX_EXPECT(&r, 1, "err ENOENT\n");
	th_run_free(&r);
}

/* /proc/sys is not writable through a read rule. */
Test(proc, sys_write_denied)
{
	struct th_run r;

	sbx_probe(&r, X("-r", "/proc"), "write", "/proc/sys/kernel/hostname",
	    NULL);
	SBX_EXPECT(&r, 1, "err EACCES\n");
	th_run_free(&r);
}

/* The stage reads its own entries. */
Test(proc, own_entries_readable)
{
	struct th_run r;

	sbx_probe(&r, X("-r", "/proc"), "read", "/proc/self/status", NULL);
	cr_assert(eq(int, r.code, 0), "%s", r.out);
	th_run_free(&r);
}

/* Nor its status, by any spelling: "..", a relative path from /proc, or
 * a cwd inside its directory (chdir is not mediated; the open is). */
Test(proc, caller_status_invisible)
{
	char a[64], b[64], dir[64];
	struct th_run r;

	(void)snprintf(a, sizeof(a), "/proc/%d/status", (int)getpid());
	(void)snprintf(b, sizeof(b), "/proc/self/../%d/./status",
	    (int)getpid());
	(void)snprintf(dir, sizeof(dir), "/proc/%d", (int)getpid());
	sbx_probe(&r, X("-r", "/proc"), "read", a, NULL);
	SBX_EXPECT(&r, 1, "err ENOENT\n");
	th_run_free(&r);
	sbx_probe(&r, X("-r", "/proc"), "read", b, NULL);
	SBX_EXPECT(&r, 1, "err ENOENT\n");
	th_run_free(&r);
	sbx_probe(&r, X("-r", "/proc"), "read-in", dir, "status", NULL);
	SBX_EXPECT(&r, 1, "err ENOENT\n");
	th_run_free(&r);
	sbx_probe(&r, X("-r", "/proc"), "read-in", "/proc", a + 6, NULL);
	SBX_EXPECT(&r, 1, "err ENOENT\n");
	th_run_free(&r);
}

/* A rule above /proc reaches it: -r / hides the caller too. */
Test(proc, root_rule_reaches_proc)
{
	char a[64];
	struct th_run r;

	(void)snprintf(a, sizeof(a), "/proc/%d/status", (int)getpid());
	sbx_probe(&r, X("-r", "/"), "read", a, NULL);
	SBX_EXPECT(&r, 1, "err ENOENT\n");
	th_run_free(&r);
}

/* So does a rule inside /proc: Landlock would let the caller's status be
 * read; the supervisor hides it. */
Test(proc, rule_inside_proc_reaches_it)
{
	char a[64], dir[32];
	struct th_run r;

	(void)snprintf(dir, sizeof(dir), "/proc/%d", (int)getpid());
	(void)snprintf(a, sizeof(a), "%s/status", dir);
	sbx_probe(&r, X("-r", dir), "read", a, NULL);
	SBX_EXPECT(&r, 1, "err ENOENT\n");
	th_run_free(&r);
}

/* Rules that do not reach /proc leave it to Landlock: EACCES, no
 * supervisor. */
Test(proc, unrelated_rules_not_mediated)
{
	char a[64];
	struct th_run r;

	(void)snprintf(a, sizeof(a), "/proc/%d/status", (int)getpid());
	sbx_probe(&r, NULL, "read", a, NULL);
	SBX_EXPECT(&r, 1, "err EACCES\n");
	th_run_free(&r);
}

/* The listing shows the stage and its child, not the caller; the child's
 * status opens. */
Test(proc, listing_hides_caller)
{
	char pid[32];
	struct th_run r;

	(void)snprintf(pid, sizeof(pid), "%d", (int)getpid());
	sbx_probe(&r, X("-r", "/proc"), "proc-list", pid, NULL);
	SBX_EXPECT(&r, 0, "ok 1 1 0 2\n");
	th_run_free(&r);
}

/* Without the supervisor, nothing is hidden (sandlock(1) says so). */
Test(proc, listing_not_hidden_without_supervisor)
{
	char pid[32];
	struct th_run r;

	(void)snprintf(pid, sizeof(pid), "%d", (int)getpid());
	sbx_probe(&r, X("-r", "/proc", "--no-supervisor"), "proc-list", pid,
	    NULL);
	cr_assert(eq(int, r.code, 0), "%s", r.err);
	cr_assert(eq(int, strncmp(r.out, "ok 1 1 1 ", 9), 0), "%s", r.out);
	th_run_free(&r);
}

/* A thread flipping the path between its own status and the caller's
 * never gets the caller's opened (the path is copied once). */
Test(proc, path_race_never_reaches_caller)
{
	char mine[] = "/proc/self/status", theirs[64];
	struct th_run r;
	int oks, fails, foreign;

	(void)snprintf(theirs, sizeof(theirs), "/proc/%d/status",
	    (int)getpid());
	sbx_probe(&r, X("-r", "/proc"), "open-race", mine, theirs, "3000",
	    NULL);
	cr_assert(eq(int, r.code, 0), "%s", r.err);
	cr_assert(eq(int, sscanf(r.out, "ok %d %d %d", &oks, &fails,
	    &foreign), 3), "%s", r.out);
	cr_assert(gt(int, oks, 0), "%s", r.out);
	cr_assert(eq(int, foreign, 0), "%s", r.out);
	th_run_free(&r);
}

/* The stage's own entries through self, thread-self and magic links:
 * ptrace-checked (maps) ones too, and its fds. */
Test(proc, own_magic_and_gated_entries)
{
	static const char *const paths[] = { "/proc/thread-self/status",
	    "/proc/self/maps", "/proc/self/fd/0", "/proc/self/cwd/.",
	    "/proc/mounts" };
	struct th_run r;
	size_t i;

	for (i = 0; i < SBX_NITEMS(paths); i++) {
		sbx_probe(&r, X("-r", "/proc"), "read", paths[i], NULL);
		cr_assert(eq(int, r.code, i == 3 ? 1 : 0), "%s: %s %s",
		    paths[i], r.out, r.err);
		th_run_free(&r);
	}
}

/* Kernel memory, symbols and keys are refused whatever the rules. */
Test(proc, sensitive_files_denied)
{
	struct th_run r;

	sbx_probe(&r, X("-r", "/proc"), "read", "/proc/kallsyms", NULL);
	SBX_EXPECT(&r, 1, "err EACCES\n");
	th_run_free(&r);
	sbx_probe(&r, X("-r", "/proc"), "read", "/proc/keys", NULL);
	SBX_EXPECT(&r, 1, "err EACCES\n");
	th_run_free(&r);
}

/* /proc/sys is not writable even beneath a write rule (as root, DAC would
 * let the stage retune the host). */
Test(proc, sys_write_denied_under_write_rule)
{
	struct th_run r;

	sbx_probe(&r, X("-w", "/proc"), "write", "/proc/sys/kernel/hostname",
	    NULL);
	SBX_EXPECT(&r, 1, "err EACCES\n");
	th_run_free(&r);
}

/* Opens elsewhere still work under mediation: creation beneath -w with
 * the stage's umask, and Landlock still refuses what is outside it. */
Test(proc, other_opens_still_decided_by_landlock)
{
	char *dir = th_tmpdir(), *f = sbx_join(dir, "new");
	struct th_run r;

	sbx_probe(&r, X("-r", "/proc", "-w", dir), "write", f, NULL);
	SBX_EXPECT(&r, 0, "ok\n");
	th_run_free(&r);
	sbx_probe(&r, X("-r", "/proc"), "read", "/etc/passwd", NULL);
	SBX_EXPECT(&r, 1, "err EACCES\n");
	th_run_free(&r);
	sbx_probe(&r, X("-r", "/proc", "-r", dir), "write", f, NULL);
	SBX_EXPECT(&r, 1, "err EACCES\n");
	th_run_free(&r);
	free(f);
	sbx_rmtree(dir);
	free(dir);
}

/* Real programs under mediation: a shell and dynamically linked tools; a
 * blocking FIFO open waits for its writer (in a helper, not the
 * supervisor); a directory lists. */
Test(proc, fifo_and_listing_under_mediation)
{
	char *dir = th_tmpdir(), cmd[512];
	struct th_run r;

	(void)snprintf(cmd, sizeof(cmd), "cd %s && mkfifo f && "
	    "(echo hi > f &) && cat f && ls", dir);
	cr_assert(eq(int, th_sandlock_run(&r, X("-r", "/proc", "-w", dir),
	    X("/bin/sh", "-c", cmd)), 0));
	SBX_EXPECT(&r, 0, "hi\nf\n");
	th_run_free(&r);
	sbx_rmtree(dir);
	free(dir);
}

/* The issue's own words: `cat /proc/PPID/environ` fails (PPID, the broker,
 * is outside the sandbox), and `ls /proc` shows no pid but the sandbox's. */
Test(proc, cat_ppid_environ_fails)
{
	struct th_run r;

	cr_assert(eq(int, th_sandlock_run(&r, X("-r", "/proc"),
	    X("/bin/sh", "-c", "cat /proc/$PPID/environ; echo rc=$?; "
	    "ls /proc | grep -c '^[0-9]'")), 0));
	SBX_EXPECT(&r, 0, "rc=1\n3\n");
	SBX_STDERR_HAS(&r, "No such file or directory");
	th_run_free(&r);
}

/* In the child of sbx_spawn: a session of its own whose controlling
 * terminal is a new pty, as when sandlock runs from a terminal. */
static void
with_ctty(void *arg)
{
	int m, s;

	(void)arg;
	if (setsid() < 0 || (m = posix_openpt(O_RDWR)) < 0 ||
	    grantpt(m) < 0 || unlockpt(m) < 0 ||
	    (s = open(ptsname(m), O_RDWR)) < 0)
		_exit(126);
	(void)s;
}

/* /dev/tty opened on the stage's behalf is not the caller's terminal: the
 * opener has no controlling terminal, as the stage has none. */
Test(proc, dev_tty_is_not_the_callers)
{
	const char *const cmd[] = { "/bin/sh", "-c",
	    "(exec 3</dev/tty) 2>/dev/null && echo tty || echo none", NULL };
	char *out;
	pid_t pid;
	int fd;

	pid = sbx_spawn(sbx_argv(X("-r", "/proc", "-r", "/dev"), cmd), &fd,
	    NULL, with_ctty, NULL);
	out = sbx_read_all(fd, 10000);
	cr_assert(eq(int, sbx_wait_ms(pid, 10000), 0));
	cr_assert(eq(str, out, "none\n"));
	free(out);
	close(fd);
}
