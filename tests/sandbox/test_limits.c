/*
 * test_limits.c: -P (supervisor), -m (RLIMIT_DATA + supervisor sampling),
 * the rlimit flags, --no-supervisor, and what happens when the supervisor
 * dies.  The probe's fork-many/threads/fork-loop ops report counts.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sbx.h"

TestSuite(procs, .timeout = 60);
TestSuite(memory, .timeout = 60);
TestSuite(rlimits, .timeout = 60);
TestSuite(supervisor, .timeout = 60);

#define X(...)	((const char *const[]){ __VA_ARGS__, NULL })

/* 50 sleeping children under -P 10: 9 forked (the probe is the 10th). */
Test(procs, caps_sleeping_children)
{
	struct th_run r;

	sbx_probe(&r, X("-P", "10"), "fork-many", "50", "2", NULL);
	SBX_EXPECT(&r, 0, "ok 9 41 EAGAIN\n");
	th_run_free(&r);
}

/* A raw clone syscall is counted like fork(). */
Test(procs, raw_clone_counted)
{
	struct th_run r;

	sbx_probe(&r, X("-P", "10"), "fork-many", "50", "2", "clone", NULL);
	SBX_EXPECT(&r, 0, "ok 9 41 EAGAIN\n");
	th_run_free(&r);
}

/* A raw fork syscall is counted too (the original missed it). */
Test(procs, raw_fork_counted)
{
	struct th_run r;

	sbx_probe(&r, X("-P", "10"), "fork-many", "50", "2", "fork", NULL);
	SBX_EXPECT(&r, 0, "ok 9 41 EAGAIN\n");
	th_run_free(&r);
}

/*
 * Threads count as tasks alive.  They sleep 4 s: with 1 s, under ASan and
 * a loaded machine the first threads ended before the 30th was tried
 * ("ok 14 16"), freeing their slots.
 */
Test(procs, threads_counted)
{
	struct th_run r;

	sbx_probe(&r, X("-P", "10"), "threads", "30", "4", NULL);
	SBX_EXPECT(&r, 0, "ok 9 21\n");
	th_run_free(&r);
}

/* The limit is on tasks alive at once: 20 fork+wait cycles under -P 3. */
Test(procs, sequential_reuse)
{
	struct th_run r;

	sbx_probe(&r, X("-P", "3"), "fork-loop", "20", NULL);
	SBX_EXPECT(&r, 0, "ok 20\n");
	th_run_free(&r);
}

/* 64 threads issuing mediated forks at once all complete. */
Test(procs, sixty_four_threads_forking)
{
	struct th_run r;

	sbx_probe(&r, X("-P", "200"), "thread-forks", "64", "5", NULL);
	SBX_EXPECT(&r, 0, "ok 0\n");
	th_run_free(&r);
}

/* A signal storm during mediated forks completes without a hang. */
Test(procs, signal_storm_completes)
{
	struct th_run r;

	sbx_probe(&r, X("-P", "20"), "signal-storm", "200", NULL);
	SBX_EXPECT(&r, 0, "ok 200\n");
	th_run_free(&r);
}

/* A non-dumpable stage still gets its forks counted, not waved through. */
Test(procs, non_dumpable_still_limited)
{
	struct th_run r;

	sbx_probe(&r, X("-P", "1"), "nodump", NULL);
	SBX_EXPECT(&r, 1, "err EAGAIN\n");
	th_run_free(&r);
}

/* An extra denial of a notified syscall wins over the notification. */
Test(procs, extra_deny_beats_notify)
{
	struct th_run r;

	sbx_probe(&r, X("-P", "5", "--extra-deny-syscall", "clone"), "fork",
	    NULL);
	SBX_EXPECT(&r, 1, "err EPERM\n");
	th_run_free(&r);
}

/* A stage cannot install a listener of its own (it could CONTINUE ours). */
Test(procs, own_listener_denied)
{
	struct th_run r;

	sbx_probe(&r, X("-P", "5"), "seccomp-listener", NULL);
	SBX_EXPECT(&r, 1, "err EPERM\n");
	th_run_free(&r);
}

/* The same with junk in the high halves, which the kernel ignores: the
 * filter compares low halves (a 64-bit compare let this through; with a
 * supervisor the kernel refuses a second listener anyway, EBUSY). */
Test(procs, own_listener_denied_high_bits)
{
	struct th_run r;

	sbx_probe(&r, NULL, "seccomp-listener", "hi", NULL);
	SBX_EXPECT(&r, 1, "err EPERM\n");
	th_run_free(&r);
}

/* 4x the limit in one process fails with ENOMEM (RLIMIT_DATA). */
Test(memory, four_times_the_limit_fails)
{
	struct th_run r;

	sbx_probe(&r, X("-m", "64M"), "alloc", "256", NULL);
	SBX_EXPECT(&r, 1, "err ENOMEM\n");
	th_run_free(&r);
}

/* A program under the limit runs normally. */
Test(memory, under_the_limit_runs)
{
	struct th_run r;

	sbx_probe(&r, X("-m", "64M"), "alloc", "16", NULL);
	SBX_EXPECT(&r, 0, "ok 16\n");
	th_run_free(&r);
}

/* Two processes together over the limit: the sandbox is killed, 137. */
Test(memory, sum_over_the_limit_kills_the_sandbox)
{
	char cmd[4300];
	struct th_run r;

	(void)snprintf(cmd, sizeof(cmd), "%s alloc 40 & %s alloc 40; wait",
	    th_probe(), th_probe());
	cr_assert(eq(int, th_sandlock_run(&r, X("-m", "64M"), X("/bin/sh",
	    "-c", cmd)), 0));
	cr_assert(eq(int, r.code, 137), "%s", r.err);
	SBX_STDERR_HAS(&r, "memory limit (-m) exceeded");
	th_run_free(&r);
}

/* Malformed sizes and counts are usage errors (125). */
Test(memory, bad_sizes_are_125)
{
	static const char *const bad[][2] = { { "-m", "1.5G" }, { "-m", "0" },
	    { "-m", "12X" }, { "-P", "0" }, { "-P", "-1" },
	    { "--max-open-files", "abc" }, { "--cpu-time", "0" } };
	struct th_run r;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sbx_probe(&r, X(bad[i][0], bad[i][1]), "true", NULL);
		cr_assert(eq(int, r.code, 125), "%s %s", bad[i][0], bad[i][1]);
		th_run_free(&r);
	}
}

/* --max-open-files is RLIMIT_NOFILE. */
Test(rlimits, open_files)
{
	struct th_run r;

	cr_assert(eq(int, th_sandlock_run(&r, X("--max-open-files", "5"),
	    X("/bin/sh", "-c", "exec 3</dev/null 4</dev/null 5</dev/null; "
	    "echo opened")), 0));
	cr_assert(ne(int, r.code, 0));
	cr_assert(eq(str, r.out, ""));
	th_run_free(&r);
}

/*
 * A tiny --max-open-files with the supervisor (-P, -w): the limit is set
 * after the notify listener exists, so setup does not fail with EMFILE.
 */
Test(rlimits, tiny_open_files_with_supervisor)
{
	char *dir = th_tmpdir();
	struct th_run r;

	cr_assert(eq(int, th_sandlock_run(&r, X("--max-open-files", "4",
	    "-P", "8", "-w", dir), X("/bin/sh", "-c", "ulimit -n")), 0));
	cr_assert(eq(int, r.code, 0), "stderr: %s", r.err);
	cr_assert(eq(str, r.out, "4\n"));
	th_run_free(&r);
	sbx_rmtree(dir);
	free(dir);
}

/* --max-file-size is RLIMIT_FSIZE: writing past it raises SIGXFSZ. */
Test(rlimits, file_size)
{
	char *dir = th_tmpdir(), cmd[4300];
	struct th_run r;

	(void)snprintf(cmd, sizeof(cmd), "head -c 5000 /dev/zero > %s/f", dir);
	cr_assert(eq(int, th_sandlock_run(&r, X("-w", dir, "--max-file-size",
	    "1K"), X("/bin/sh", "-c", cmd)), 0));
	cr_assert(eq(int, r.code, 128 + SIGXFSZ), "%s", r.err);
	th_run_free(&r);
	sbx_rmtree(dir);
}

/*
 * A process (a child of the command, so inherited limits) filling a -w
 * tree under --max-file-size 64K: each of 100 files stops at exactly
 * 64 KiB, and growing one past that by ftruncate, fallocate or pwrite is
 * EFBIG, raising the limit EPERM.  The number of files is not limited
 * (no disk quota: SECURITY.md, "Known limits").
 */
Test(rlimits, filling_a_writable_tree)
{
	char *dir = th_tmpdir(), cmd[4400], path[4300];
	struct th_run r;
	struct stat sb;
	long long total = 0;
	int i;

	(void)snprintf(cmd, sizeof(cmd), "%s fill-tree %s 100; :", th_probe(),
	    dir);
	cr_assert(eq(int, th_sandlock_run(&r, X("-w", dir, "--max-file-size",
	    "64K"), X("/bin/sh", "-c", cmd)), 0));
	SBX_EXPECT(&r, 0, "ok 100 65536 EFBIG EFBIG EFBIG EPERM\n");
	th_run_free(&r);
	for (i = 0; i < 100; i++) {
		(void)snprintf(path, sizeof(path), "%s/f%d", dir, i);
		cr_assert(eq(int, stat(path, &sb), 0), "%s", path);
		cr_assert(eq(int, (int)sb.st_size, 65536), "%s", path);
		total += (long long)sb.st_blocks * 512;
	}
	cr_assert(le(i64, total, 100LL * (65536 + 4096)),
	    "%lld bytes allocated", total);
	sbx_rmtree(dir);
}

/* --cpu-time is RLIMIT_CPU: a busy loop is killed. */
Test(rlimits, cpu_time)
{
	struct th_run r;

	cr_assert(eq(int, th_sandlock_run(&r, X("--cpu-time", "1"),
	    X("/bin/sh", "-c", "while :; do :; done")), 0));
	cr_assert(eq(int, r.code, 128 + SIGKILL), "%s", r.err);
	th_run_free(&r);
}

/* --no-supervisor refuses the flags that need the supervisor. */
Test(supervisor, no_supervisor_refuses_limits)
{
	struct th_run r;

	sbx_probe(&r, X("--no-supervisor", "-P", "3"), "true", NULL);
	cr_assert(eq(int, r.code, 125));
	SBX_STDERR_HAS(&r, "--no-supervisor cannot enforce -P");
	th_run_free(&r);
	sbx_probe(&r, X("--no-supervisor", "-m", "1G"), "true", NULL);
	cr_assert(eq(int, r.code, 125));
	SBX_STDERR_HAS(&r, "--no-supervisor cannot enforce -m");
	th_run_free(&r);
}

/* sandlock --no-supervisor runs inside another sandlock. */
Test(supervisor, nested_with_no_supervisor)
{
	const char *const *inner = sbx_argv(X("--no-supervisor"),
	    X(th_probe(), "ids"));
	const char *argv[64];
	struct th_run r;
	size_t n = 0, k;
	char want[64];

	for (k = 0; inner[k] != NULL && n < 60; k++)
		argv[n++] = inner[k];
	argv[n] = NULL;
	/* LeakSanitizer (SAN=1 builds) needs ptrace, which a stage lacks. */
	cr_assert(eq(int, th_sandlock_run(&r, X("-r", "/proc", "--env",
	    "ASAN_OPTIONS=detect_leaks=0"), argv), 0));
	(void)snprintf(want, sizeof(want), "ok %d %d %d\n", (int)getuid(),
	    (int)geteuid(), (int)geteuid());
	SBX_EXPECT(&r, 0, want);
	th_run_free(&r);
}

/* Without it, the nested run says what to do. */
Test(supervisor, nested_without_no_supervisor_says_so)
{
	const char *const *inner = sbx_argv(NULL, X(th_probe(), "true"));
	const char *argv[64];
	struct th_run r;
	size_t n = 0, k;

	for (k = 0; inner[k] != NULL && n < 60; k++)
		argv[n++] = inner[k];
	argv[n] = NULL;
	cr_assert(eq(int, th_sandlock_run(&r, X("-r", "/proc", "--env",
	    "ASAN_OPTIONS=detect_leaks=0"), argv), 0));
	cr_assert(eq(int, r.code, 125));
	SBX_STDERR_HAS(&r, "pass --no-supervisor");
	th_run_free(&r);
}

/* The supervisor SIGKILLed mid-run: the sandbox dies, 125, no survivor. */
Test(supervisor, killed_supervisor_kills_the_sandbox)
{
	const char *cmd[] = { th_probe(), "spawn-sleepers", "2", "60", NULL };
	char line[256], *err;
	pid_t pid, sup, pids[8];
	int out, errfd, n, st;

	pid = sbx_spawn(sbx_argv(X("-P", "20"), cmd), &out, &errfd, NULL,
	    NULL);
	cr_assert(eq(int, sbx_read_line(out, line, sizeof(line), 10000), 0));
	n = sbx_parse_pids(line, pids, 8);
	cr_assert(eq(int, n, 2), "%s", line);
	sup = sbx_find_child(pid, "sandlock-sup");
	cr_assert(gt(int, sup, 0));
	cr_assert(eq(int, kill(sup, SIGKILL), 0));
	st = sbx_wait_ms(pid, 5000);
	cr_assert(ge(int, st, 0), "sandlock did not exit");
	cr_assert(eq(int, WEXITSTATUS(st), 125));
	err = sbx_read_all(errfd, 2000);
	cr_assert(ne(ptr, strstr(err, "the supervisor died"), NULL), "%s",
	    err);
	cr_assert(sbx_all_gone(pids, n, 3000));
	free(err);
	close(out);
	close(errfd);
}
