/*
 * test_process.c: the process tree of a stage: what it inherits (fds,
 * privileges, session) and that nothing of it outlives the timeout, the
 * command, the planner or the broker.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <pty.h>
#include <stdint.h>
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sbx.h"

TestSuite(tree, .timeout = 30);
TestSuite(inherit, .timeout = 30);
TestSuite(privs, .timeout = 30);

/* An exit code from a wait status: its own, or 128+signal. */
static int
code_of(int ws)
{
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
}

/* ---- nothing outlives the stage ---- */

/* At the timeout every grandchild dies too. */
Test(tree, timeout_kills_grandchildren)
{
	const char *extra[] = { "-t", "1", NULL };
	struct th_run r;
	pid_t pids[2];

	sbx_probe(&r, extra, "spawn-sleepers", "2", "60", (const char *)NULL);
	cr_assert(eq(int, r.code, 124), "stdout %s stderr %s", r.out, r.err);
	cr_assert(eq(int, sbx_parse_pids(r.out, pids, 2), 2), "%s", r.out);
	cr_assert(sbx_all_gone(pids, 2, 2000), "sleepers %d %d live on",
	    (int)pids[0], (int)pids[1]);
	th_run_free(&r);
}

/* A background process left running when the command exits is killed. */
Test(tree, leftover_grandchild_is_killed)
{
	const char *cmd[] = { "/bin/sh", "-c",
	    "/bin/sleep 60 >&- 2>&- & echo $!", NULL };
	struct th_run r;
	pid_t pid;

	cr_assert(eq(int, th_sandlock_run(&r, NULL, cmd), 0));
	cr_assert(eq(int, r.code, 0), "stdout %s stderr %s", r.out, r.err);
	pid = (pid_t)strtol(r.out, NULL, 10);
	cr_assert(gt(int, (int)pid, 0), "%s", r.out);
	cr_assert(sbx_all_gone(&pid, 1, 2000), "sleep %d lives on", (int)pid);
	th_run_free(&r);
}

/* Starts `probe spawn-sleepers 2 60`; fills pids with both sleepers and
 * the probe (their process group); returns sandlock's pid. */
static pid_t
start_sleepers(pid_t pids[3], int *outfd, int *errfd)
{
	const char *cmd[] = { th_probe(), "spawn-sleepers", "2", "60", NULL };
	char line[256];
	pid_t pid;

	pid = sbx_spawn(sbx_argv(NULL, cmd), outfd, errfd, NULL, NULL);
	cr_assert(eq(int, sbx_read_line(*outfd, line, sizeof(line), 10000), 0),
	    "no line from the probe: %s", line);
	cr_assert(eq(int, sbx_parse_pids(line, pids, 2), 2), "%s", line);
	pids[2] = sbx_stat_field(pids[0], 5);
	cr_assert(gt(int, (int)pids[2], 0));
	cr_assert(th_alive(pids[2]), "the probe %d is already gone",
	    (int)pids[2]);
	cr_assert(th_alive(pids[0]) && th_alive(pids[1]), "a sleeper is gone");
	return pid;
}

/* The child of sandlock named sandlock-broker, or -1. */
static pid_t
find_broker(pid_t parent)
{
	char comm[64];
	struct dirent *de;
	pid_t pid, found = -1;
	DIR *d;

	if ((d = opendir("/proc")) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if ((pid = (pid_t)atoi(de->d_name)) <= 0 ||
		    sbx_stat_field(pid, 4) != parent)
			continue;
		sbx_comm(pid, comm, sizeof(comm));
		if (strcmp(comm, "sandlock-broker") == 0)
			found = pid;
	}
	closedir(d);
	return found;
}

/* SIGKILL to the planner (sandlock) leaves no stage process behind. */
Test(tree, killing_planner_kills_stage)
{
	pid_t pids[3], pid;
	int out, ws;

	pid = start_sleepers(pids, &out, NULL);
	cr_assert(eq(int, kill(pid, SIGKILL), 0));
	ws = sbx_wait_ms(pid, 5000);
	cr_assert(ne(int, ws, -1));
	cr_assert(sbx_all_gone(pids, 3, 3000), "left: %d %d %d",
	    th_alive(pids[0]) ? (int)pids[0] : 0,
	    th_alive(pids[1]) ? (int)pids[1] : 0,
	    th_alive(pids[2]) ? (int)pids[2] : 0);
	close(out);
}

/* SIGKILL to the broker: sandlock exits 125 and no stage process is left. */
Test(tree, killing_broker_kills_stage)
{
	pid_t pids[3], pid, broker;
	int out, err, ws;
	char *msg;

	pid = start_sleepers(pids, &out, &err);
	broker = find_broker(pid);
	cr_assert(gt(int, (int)broker, 0), "no sandlock-broker child of %d",
	    (int)pid);
	cr_assert(eq(int, kill(broker, SIGKILL), 0));
	ws = sbx_wait_ms(pid, 8000);
	cr_assert(ne(int, ws, -1), "sandlock did not exit");
	msg = sbx_read_all(err, 3000);
	cr_assert(eq(int, code_of(ws), 125), "stderr: %s", msg);
	cr_assert(ne(ptr, strstr(msg, "broker"), NULL), "stderr: %s", msg);
	cr_assert(sbx_all_gone(pids, 3, 3000), "left: %d %d %d",
	    th_alive(pids[0]) ? (int)pids[0] : 0,
	    th_alive(pids[1]) ? (int)pids[1] : 0,
	    th_alive(pids[2]) ? (int)pids[2] : 0);
	free(msg);
	close(out);
	close(err);
}

/* ---- what the stage inherits ---- */

/* Opens /dev/null on fd 10 without close-on-exec (runs in the child). */
static void
leak_fd10(void *arg)
{
	int fd;

	(void)arg;
	if ((fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0 ||
	    dup2(fd, 10) != 10)
		_exit(126);
}

/* An fd inherited by sandlock does not reach the command. */
Test(inherit, inherited_fd_is_absent)
{
	const char *cmd[] = { th_probe(), "fds", NULL };
	char *text;
	pid_t pid;
	int out, ws;

	/* Control: without sandlock the probe does see fd 10 (and more). */
	pid = sbx_spawn(cmd, &out, NULL, leak_fd10, NULL);
	text = sbx_read_all(out, 10000);
	cr_assert(ne(int, sbx_wait_ms(pid, 5000), -1));
	cr_assert(ne(ptr, strstr(text, " 10"), NULL), "control: %s", text);
	free(text);
	close(out);

	pid = sbx_spawn(sbx_argv(NULL, cmd), &out, NULL, leak_fd10, NULL);
	text = sbx_read_all(out, 10000);
	ws = sbx_wait_ms(pid, 5000);
	cr_assert(ne(int, ws, -1));
	cr_assert(eq(int, code_of(ws), 0), "stdout: %s", text);
	cr_assert(eq(str, text, "ok 0 1 2\n"));
	free(text);
	close(out);
}

/* The command runs with no_new_privs set. */
/* The caller's ignored and blocked signals, libc's own included. */
static void
sig_pre(void *arg)
{
	struct { void *h; unsigned long fl; void *r; uint64_t m; } ka = {
	    (void *)SIG_IGN, 0, NULL, 0 };
	static const int ign[] = { SIGHUP, SIGINT, SIGPIPE, SIGUSR1, 33, 34,
	    64 };
	uint64_t blk = 1ULL << (SIGUSR2 - 1) | 1ULL << (SIGTERM - 1) |
	    1ULL << 39;
	size_t i;

	(void)arg;
	for (i = 0; i < sizeof(ign) / sizeof(ign[0]); i++)
		if (syscall(SYS_rt_sigaction, ign[i], &ka, NULL, 8) < 0)
			_exit(126);
	if (syscall(SYS_rt_sigprocmask, SIG_BLOCK, &blk, NULL, 8) < 0)
		_exit(126);
}

/* A stage starts with every disposition at its default and nothing
 * blocked, whatever its caller ignored or blocked. */
Test(inherit, signals_default_and_unblocked)
{
	const char *cmd[] = { th_probe(), "sigstate", NULL };
	char *out;
	int outfd, ws;
	pid_t sl;

	sl = sbx_spawn(sbx_argv(NULL, cmd), &outfd, NULL, sig_pre, NULL);
	out = sbx_read_all(outfd, 10000);
	ws = sbx_wait_ms(sl, 10000);
	cr_assert(ne(int, ws, -1), "sandlock did not exit");
	cr_assert(eq(int, ws, 0), "status %#x", ws);
	cr_assert(eq(str, out, "ign - blk -\n"));
	free(out);
	(void)close(outfd);
}

Test(inherit, no_new_privs_is_set)
{
	struct th_run r;

	sbx_probe(&r, NULL, "nnp", (const char *)NULL);
	SBX_EXPECT(&r, 0, "ok 1\n");
	th_run_free(&r);
}

/* The command leads its own session and process group. */
/* The command leads a process group of its own, in the caller's session
 * (and so its scheduler autogroup, as a shell pipeline's processes). */
Test(inherit, command_has_own_group)
{
	struct th_run r;
	int sid, pgid, pid;

	sbx_probe(&r, NULL, "sid", (const char *)NULL);
	cr_assert(eq(int, r.code, 0), "stdout %s stderr %s", r.out, r.err);
	cr_assert(eq(int, sscanf(r.out, "ok %d %d %d", &sid, &pgid, &pid), 3),
	    "%s", r.out);
	cr_assert(eq(int, pgid, pid));
	cr_assert(eq(int, sid, (int)getsid(0)));
	cr_assert(ne(int, pgid, (int)getpgid(0)));
	th_run_free(&r);
}

/*
 * The command has no controlling terminal, even when the caller's is a
 * real one (the broker gave it up with TIOCNOTTY): TIOCSTI, tcsetpgrp
 * and job-control signals cannot reach the caller's terminal.  Checked on
 * a real pty that is our controlling tty.
 */
Test(inherit, command_has_no_controlling_terminal)
{
	const char *const extra[] = { "-r", "/proc", NULL };
	const char *const probes[][3] = { { "ctty", NULL, NULL },
	    { "tcsetpgrp", "0", NULL } };
	const char *const want[] = { "ok 0\r\n", "err ENOTTY\r\n" };
	const int code[] = { 0, 1 };
	char buf[256];
	int master, st;
	size_t i;
	pid_t pid;

	for (i = 0; i < 2; i++) {
		pid = forkpty(&master, NULL, NULL, NULL);
		cr_assert(ge(int, pid, 0));
		if (pid == 0) {
			execv(th_sandlock(), (char *const *)(uintptr_t)sbx_argv(
			    extra, (const char *const[]){ th_probe(),
			    probes[i][0], probes[i][1], NULL }));
			_exit(127);
		}
		memset(buf, 0, sizeof(buf));
		cr_assert(eq(int, sbx_read_line(master, buf, sizeof(buf), 10000),
		    0));
		st = sbx_wait_ms(pid, 10000);
		cr_assert(eq(str, buf, (char *)want[i]), "%s", probes[i][0]);
		cr_assert(eq(int, WEXITSTATUS(st), code[i]), "%s", probes[i][0]);
		close(master);
	}
}

/* ---- privileges ---- */

/* The size of our own bounding set. */
static int
own_bounding(void)
{
	int cap, n = 0, r;

	for (cap = 0; (r = prctl(PR_CAPBSET_READ, cap, 0, 0, 0)) >= 0; cap++)
		n += r;
	return n;
}

/*
 * The command holds no capability.  Root's bounding set is emptied too;
 * a non-root caller's cannot be (that needs CAP_SETPCAP) and stays its own.
 */
Test(privs, no_capabilities)
{
	struct th_run r;
	char want[64];

	(void)snprintf(want, sizeof(want), "ok 0 0 0 %d 0\n",
	    geteuid() == 0 ? 0 : own_bounding());
	sbx_probe(&r, NULL, "caps", (const char *)NULL);
	SBX_EXPECT(&r, 0, want);
	th_run_free(&r);
}

struct drop {
	uid_t uid;
	gid_t gid;
	const char *dir;
};

/* Becomes the unprivileged user (runs in the child). */
static void
drop_privs(void *arg)
{
	const struct drop *d = arg;

	if (setgroups(0, NULL) < 0 || setgid(d->gid) < 0 ||
	    setuid(d->uid) < 0 || chdir(d->dir) < 0)
		_exit(126);
}

/* Runs argv as d's user; returns its stdout; *code its exit status. */
static char *
run_as(const char *const argv[], struct drop *d, int *code)
{
	char *text;
	pid_t pid;
	int out, ws;

	pid = sbx_spawn(argv, &out, NULL, drop_privs, d);
	text = sbx_read_all(out, 10000);
	ws = sbx_wait_ms(pid, 5000);
	cr_assert(ne(int, ws, -1));
	*code = code_of(ws);
	close(out);
	return text;
}

/* A setuid-root binary gains nothing when an unprivileged user runs it. */
Test(privs, setuid_binary_gains_nothing)
{
	struct passwd *pw;
	struct drop d;
	char *dir, *sl, *brk, *probe, *out, want[64];
	int code;

	if (geteuid() != 0)
		cr_skip_test("needs root to make a setuid-root binary");
	pw = getpwnam("sandlock-test");
	d.uid = pw != NULL ? pw->pw_uid : 65534;
	d.gid = pw != NULL ? pw->pw_gid : 65534;
	d.dir = dir = th_tmpdir();
	sl = sbx_join(dir, "sandlock");
	brk = sbx_join(dir, "sandlock-broker");
	probe = sbx_join(dir, "probe");
	cr_assert(eq(int, sbx_copy(th_sandlock(), sl), 0));
	cr_assert(eq(int, sbx_copy(th_broker(), brk), 0));
	cr_assert(eq(int, sbx_copy(th_probe(), probe), 0));
	cr_assert(eq(int, chown(probe, 0, 0), 0));
	cr_assert(eq(int, chmod(probe, 04755), 0));

	/* Control: outside the sandbox the bit does raise the euid. */
	{
		const char *argv[] = { probe, "ids", NULL };

		(void)snprintf(want, sizeof(want), "ok %u 0 0\n",
		    (unsigned)d.uid);
		out = run_as(argv, &d, &code);
		cr_assert(eq(str, out, want), "setuid not honoured here");
		free(out);
	}
	{
		const char *argv[] = { sl, "run", "-r", "/usr", "-r", "/lib",
		    "-r", "/lib64", "-r", "/bin", "-r", dir, "--", probe, "ids",
		    NULL };

		(void)snprintf(want, sizeof(want), "ok %u %u %u\n",
		    (unsigned)d.uid, (unsigned)d.uid, (unsigned)d.uid);
		out = run_as(argv, &d, &code);
		cr_assert(eq(int, code, 0), "stdout: %s", out);
		cr_assert(eq(str, out, want));
		free(out);
	}
	sbx_rmtree(dir);
	free(sl);
	free(brk);
	free(probe);
	free(dir);
}
