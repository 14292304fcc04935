/*
 * test_adversarial.c: one hostile operation per test, with its precise
 * outcome (SECURITY.md, "Escape classes"): cross-process attacks on the
 * caller, the planner, the broker and a sibling stage; memfd and ld.so;
 * network holes that exist before the network issue; resource
 * exhaustion; SIGKILL of the planner, the broker and the supervisor at
 * start, in the middle of a pipeline and during mediated calls (the same
 * through libsandlock, with the caller's fds: tests/pipeline/test_fault.c).
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sbx.h"

TestSuite(cross, .timeout = 30);
TestSuite(loader, .timeout = 30);
TestSuite(nethole, .timeout = 30);
TestSuite(exhaust, .timeout = 60);
TestSuite(fault, .timeout = 60);

static char *
itoa_pid(pid_t pid)
{
	static char buf[4][16];
	static int n;

	n = (n + 1) % 4;
	(void)snprintf(buf[n], sizeof(buf[n]), "%d", (int)pid);
	return buf[n];
}

static void
expect_probe(const char *op, const char *a, const char *b, const char *want)
{
	const char *extra[] = { "-r", "/proc", NULL };
	struct th_run r;

	sbx_probe(&r, extra, op, a, b, (const char *)NULL);
	SBX_EXPECT(&r, 1, want);
	th_run_free(&r);
}

/* ---- the caller (this test process, sandlock's parent) ---- */

/* ptrace, process_vm_readv, pidfd_getfd on the caller: baseline EPERM. */
Test(cross, ptrace_caller_is_eperm)
{
	expect_probe("ptrace-attach", itoa_pid(getpid()), NULL, "err EPERM\n");
}

Test(cross, process_vm_readv_caller_is_eperm)
{
	expect_probe("vm-read", itoa_pid(getpid()), NULL, "err EPERM\n");
}

Test(cross, pidfd_getfd_caller_is_eperm)
{
	expect_probe("pidfd-getfd-of", itoa_pid(getpid()), "0", "err EPERM\n");
}

/* /proc/PID/mem of the caller, even with -r /proc: not there at all (the
 * supervisor's /proc virtualization; beneath it, Landlock's ptrace check). */
Test(cross, proc_mem_of_caller_is_enoent)
{
	expect_probe("open-mem", itoa_pid(getpid()), NULL, "err ENOENT\n");
}

/* Signals out of the domain: Landlock signal scoping (ABI 6) gives EPERM. */
Test(cross, signal_to_caller_is_eperm)
{
	expect_probe("kill", itoa_pid(getpid()), "SIGCONT", "err EPERM\n");
}

Test(cross, signal_to_caller_group_is_eperm)
{
	expect_probe("killpg", itoa_pid(getpgrp()), "SIGCONT", "err EPERM\n");
}

/* The broker is the stage's parent. */
Test(cross, signal_to_broker_is_eperm)
{
	expect_probe("signal-parent", "SIGKILL", NULL, "err EPERM\n");
}

/* The planner: sh execs sandlock, so its $$ is the planner's pid. */
static void
against_planner(const char *op, const char *sig, const char *want,
    const char *const extra[])
{
	const char *cmd[] = { th_probe(), op, NULL };
	const char *const *sl = sbx_argv(extra, cmd);
	const char *argv[64] = { "/bin/sh", "-c", sig != NULL ?
	    "exec \"$@\" $$ SIGCONT" : "exec \"$@\" $$", "sh" };
	struct th_run r;
	size_t n = 4;

	while (*sl != NULL && n < 62)
		argv[n++] = *sl++;
	argv[n] = NULL;
	cr_assert(eq(int, th_runv(&r, argv, -1, 20), 0));
	SBX_EXPECT(&r, 1, want);
	th_run_free(&r);
}

Test(cross, ptrace_planner_is_eperm)
{
	against_planner("ptrace-attach", NULL, "err EPERM\n", NULL);
}

Test(cross, vm_read_planner_is_eperm)
{
	against_planner("vm-read", NULL, "err EPERM\n", NULL);
}

/* With the supervisor running (-P) too: the planner is still out of reach. */
Test(cross, signal_to_planner_is_eperm)
{
	const char *extra[] = { "-P", "20", NULL };

	against_planner("kill", "SIGCONT", "err EPERM\n", extra);
}

/* ---- a sibling stage of the same pipeline ---- */

/*
 * Stage 1 prints its pid and sleeps; stage 2 reads it and attacks it.
 * Each stage has its own Landlock domain, so neither ptrace-class access
 * nor signals cross: EPERM.
 */
static void
against_sibling(const char *op, const char *arg2, const char *want)
{
	char script[512];
	const char *argv[40];
	struct th_run r;
	size_t n = 0;

	(void)snprintf(script, sizeof(script), "read p; exec \"$0\" %s $p %s",
	    op, arg2 != NULL ? arg2 : "");
	argv[n++] = th_sandlock();
	argv[n++] = "pipeline";
	argv[n++] = "-t";
	argv[n++] = "10";
	argv[n++] = "-r"; argv[n++] = "/usr";
	argv[n++] = "-r"; argv[n++] = "/lib";
	argv[n++] = "-r"; argv[n++] = "/lib64";
	argv[n++] = "-r"; argv[n++] = "/bin";
	argv[n++] = "-r"; argv[n++] = th_build();
	argv[n++] = "::"; argv[n++] = "--";
	argv[n++] = "/bin/sh"; argv[n++] = "-c";
	argv[n++] = "echo $$; exec sleep 3";
	argv[n++] = "::"; argv[n++] = "--";
	argv[n++] = "/bin/sh"; argv[n++] = "-c"; argv[n++] = script;
	argv[n++] = th_probe();
	argv[n] = NULL;
	cr_assert(eq(int, th_runv(&r, argv, -1, 20), 0));
	cr_assert(eq(str, r.out, (char *)want), "stderr: %s", r.err);
	th_run_free(&r);
}

Test(cross, ptrace_sibling_is_eperm)
{
	against_sibling("ptrace-attach", NULL, "err EPERM\n");
}

Test(cross, vm_read_sibling_is_eperm)
{
	against_sibling("vm-read", NULL, "err EPERM\n");
}

Test(cross, pidfd_getfd_sibling_is_eperm)
{
	against_sibling("pidfd-getfd-of", "0", "err EPERM\n");
}

Test(cross, signal_to_sibling_is_eperm)
{
	against_sibling("kill", "SIGKILL", "err EPERM\n");
}

/* ---- exec rules are not a boundary against readable code ---- */

/*
 * SECURITY.md, known limits: ld.so runs a readable, non-executable file
 * beneath a -r rule ("-r means may run"), but cannot even open a file
 * outside every rule; the direct exec of the non-executable copy is 126.
 */
Test(loader, ldso_runs_readable_file_but_not_outside_rules)
{
	char *dir = th_tmpdir(), *copy = sbx_join(dir, "t");
	const char *inside[] = { "-r", dir, NULL };
	const char *ld[] = { "/lib64/ld-linux-x86-64.so.2", copy, NULL };
	const char *direct[] = { copy, NULL };
	struct th_run r;

	cr_assert(eq(int, sbx_copy("/bin/true", copy), 0));
	cr_assert(eq(int, chmod(copy, 0644), 0));
	cr_assert(eq(int, th_sandlock_run(&r, NULL, ld), 0));
	cr_assert(eq(int, r.code, 127), "stderr %s", r.err);
	SBX_STDERR_HAS(&r, "Permission denied");
	th_run_free(&r);
	cr_assert(eq(int, th_sandlock_run(&r, inside, ld), 0));
	SBX_EXPECT(&r, 0, "");
	th_run_free(&r);
	cr_assert(eq(int, th_sandlock_run(&r, inside, direct), 0));
	cr_assert(eq(int, r.code, 126), "stderr %s", r.err);
	th_run_free(&r);
	sbx_rmtree(dir);
}

/* memfd + fexecve of the probe's own (readable) image runs: documented. */
Test(loader, memfd_exec_of_readable_code_runs)
{
	struct th_run r;

	sbx_probe(&r, NULL, "memfd-exec", (const char *)NULL);
	SBX_EXPECT(&r, 0, "ok\n");
	th_run_free(&r);
}

/* ---- network holes (issue 5 will add the allow-list cases) ---- */

static const struct { const char *name, *dom, *type, *proto; } holes[] = {
	{ "mptcp", "inet", "stream", "262" },
	{ "sctp", "inet", "stream", "132" },
	{ "udp", "inet", "dgram", "0" },
	{ "udp6", "inet6", "dgram", "0" },
	{ "raw", "inet", "raw", "1" },
	{ "packet", "packet", "raw", "0" },
	{ "netlink", "netlink", "raw", "0" },
	{ "vsock", "vsock", "stream", "0" },
};

ParameterizedTestParameters(nethole, socket_denied)
{
	return sbx_index_params(SBX_NITEMS(holes));
}

/*
 * MPTCP and TFO (sendto(MSG_FASTOPEN) needs an inet socket) walk around
 * Landlock's TCP rules, UDP is not covered: no inet socket at all.
 */
ParameterizedTest(size_t *i, nethole, socket_denied)
{
	struct th_run r;

	sbx_probe(&r, NULL, "socket", holes[*i].dom, holes[*i].type,
	    holes[*i].proto, (const char *)NULL);
	cr_assert(eq(str, r.out, "err EACCES\n"), "%s: %s", holes[*i].name,
	    r.out);
	th_run_free(&r);
}

/* ---- resource exhaustion ---- */

/* Whether any process's cmdline holds marker. */
static int
marker_alive(const char *marker)
{
	char path[300], buf[4096];
	struct dirent *e;
	DIR *d = opendir("/proc");
	int found = 0, fd;
	ssize_t n, k;

	cr_assert_not_null(d);
	while (!found && (e = readdir(d)) != NULL) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		(void)snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		(void)close(fd);
		for (k = 0; k < n; k++)
			if (buf[k] == '\0')
				buf[k] = ' ';
		if (n > 0 && (buf[n] = '\0', strstr(buf, marker) != NULL))
			found = 1;
	}
	(void)closedir(d);
	return found;
}

/*
 * A fork bomb under -P 20 and -t 3: forks fail (EAGAIN) at 20 tasks, so
 * the bomb collapses (dash gives up: 0) or the timeout ends it (124);
 * nothing of it is left, and this host can still fork.
 */
Test(exhaust, fork_bomb_under_max_processes)
{
	char marker[64];
	const char *extra[] = { "-P", "20", "-t", "3", NULL };
	const char *cmd[] = { "/bin/sh", "-c",
	    "f() { f & f & wait; }; f 2>/dev/null", marker, NULL };
	struct th_run r;
	pid_t pid;

	(void)snprintf(marker, sizeof(marker), "bomb-%d-%ld", (int)getpid(),
	    (long)time(NULL));
	cr_assert(eq(int, th_sandlock_run(&r, extra, cmd), 0));
	cr_assert(r.code == 0 || r.code == 124, "exit %d stderr %s", r.code,
	    r.err);
	th_run_free(&r);
	usleep(200 * 1000);
	cr_assert(not(marker_alive(marker)), "a bomb process survived");
	if ((pid = fork()) == 0)
		_exit(0);
	cr_assert(gt(int, (int)pid, 0));
	cr_assert(eq(int, th_wait(pid), 0));
}

/* ---- fault injection: SIGKILL the planner or the broker ---- */

/* The first child of parent whose comm is name, polled for up to ms. */
static pid_t
child_named(pid_t parent, const char *name, int ms)
{
	char comm[64];
	struct dirent *e;
	int t;

	for (t = 0; t < ms; t++) {
		DIR *d = opendir("/proc");

		while (d != NULL && (e = readdir(d)) != NULL) {
			pid_t p = (pid_t)atoi(e->d_name);

			if (p <= 0 || sbx_stat_field(p, 4) != parent)
				continue;
			sbx_comm(p, comm, sizeof(comm));
			if (strncmp(comm, name, 15) == 0) {
				(void)closedir(d);
				return p;
			}
		}
		if (d != NULL)
			(void)closedir(d);
		usleep(1000);
	}
	return -1;
}

/* The pre-exec hook of the sandlock under test: its own state and TMPDIR. */
struct fault_env {
	char *xdg, *tmp;
};

static void
fault_pre(void *arg)
{
	const struct fault_env *fe = arg;

	if (setenv("XDG_RUNTIME_DIR", fe->xdg, 1) < 0 ||
	    setenv("TMPDIR", fe->tmp, 1) < 0)
		_exit(126);
}

/*
 * A three-stage pipeline of sleepers (-P: with a supervisor) whose
 * environment holds a marker; the victim ("planner", "broker" or
 * "supervisor") is SIGKILLed as soon as it exists (mid false) or once
 * every stage runs.  No stage and no helper survives; if the planner
 * lived, it exits 125 naming the victim; nothing is left in TMPDIR, and
 * the state directory is empty once `sandlock ps` has pruned the stale
 * entry (a confined or killed planner cannot unlink it).
 */
static void
kill_in_pipeline(const char *victim, bool mid)
{
	char marker[96], state[4200], *xdg = th_tmpdir(), *s;
	struct fault_env fe = { xdg, th_tmpdir() };
	const char *argv[40];
	int outfd, errfd, ws, t;
	pid_t sl, b, sup, target;
	struct th_run r;
	size_t n = 0;
	char *err;

	cr_assert(eq(int, chmod(xdg, 0700), 0));
	(void)snprintf(state, sizeof(state), "%s/sandlock", xdg);
	(void)snprintf(marker, sizeof(marker), "SL_FAULT_MARKER=%d-%ld",
	    (int)getpid(), (long)time(NULL));
	argv[n++] = th_sandlock(); argv[n++] = "pipeline";
	argv[n++] = "-r"; argv[n++] = "/usr"; argv[n++] = "-r"; argv[n++] = "/lib";
	argv[n++] = "-r"; argv[n++] = "/lib64"; argv[n++] = "-r"; argv[n++] = "/bin";
	argv[n++] = "-P"; argv[n++] = "50"; argv[n++] = "--env"; argv[n++] = marker;
	for (int i = 0; i < 3; i++) {
		argv[n++] = "::"; argv[n++] = "--"; argv[n++] = "/bin/sleep";
		argv[n++] = "30";
	}
	argv[n] = NULL;
	sl = sbx_spawn(argv, &outfd, &errfd, fault_pre, &fe);
	b = child_named(sl, "sandlock-broker", 5000);
	cr_assert(gt(int, (int)b, 0), "no broker appeared");
	if (strcmp(victim, "broker") == 0 && !mid) {
		/* at once: the supervisor may not exist yet */
		cr_assert(eq(int, kill(b, SIGKILL), 0));
		sup = sbx_find_child(sl, "sandlock-sup");
		target = b;
	} else {
		sup = child_named(sl, "sandlock-sup", 5000);
		cr_assert(gt(int, (int)sup, 0), "no supervisor appeared");
		for (t = 0; mid && t < 500 &&
		    th_env_marked(marker, NULL) < 3; t++)
			usleep(10 * 1000);
		cr_assert(not(mid && th_env_marked(marker, NULL) < 3),
		    "the stages did not start");
		target = strcmp(victim, "planner") == 0 ? sl :
		    strcmp(victim, "broker") == 0 ? b : sup;
		cr_assert(eq(int, kill(target, SIGKILL), 0));
	}
	ws = sbx_wait_ms(sl, 10000);
	cr_assert(ne(int, ws, -1), "sandlock did not exit");
	err = sbx_read_all(errfd, 1000);
	if (target == sl)
		cr_assert(eq(int, ws, SIGKILL), "status %#x", ws);
	else {
		cr_assert(eq(int, WEXITSTATUS(ws), 125), "status %#x, %s", ws,
		    err);
		cr_assert(ne(ptr, strstr(err, victim), NULL), "stderr: %s",
		    err);
		cr_assert(ne(ptr, strstr(err, "died"), NULL), "stderr: %s",
		    err);
	}
	for (t = 0; t < 50 && (th_env_marked(marker, NULL) > 0 ||
	    th_alive(b) || (sup > 0 && th_alive(sup))); t++)
		usleep(100 * 1000);
	cr_assert(eq(int, th_env_marked(marker, NULL), 0),
	    "a stage survived the %s", victim);
	cr_assert(not(th_alive(b)), "the broker survived the %s", victim);
	cr_assert(not(sup > 0 && th_alive(sup)), "the supervisor survived the %s",
	    victim);
	s = th_dir_list(fe.tmp);
	cr_assert(eq(str, s, ""), "left in TMPDIR: %s", s);
	free(s);
	cr_assert(eq(int, setenv("XDG_RUNTIME_DIR", xdg, 1), 0));
	cr_assert(eq(int, th_runv(&r, (const char *[]){ th_sandlock(), "ps",
	    NULL }, -1, 10), 0));
	cr_assert(eq(int, r.code, 0), "%s", r.err);
	th_run_free(&r);
	s = th_dir_list(state);
	cr_assert(eq(str, s, ""), "left in %s after ps: %s", state, s);
	free(s);
	free(err);
	(void)close(outfd);
	(void)close(errfd);
	sbx_rmtree(xdg);
	sbx_rmtree(fe.tmp);
}

Test(fault, broker_killed_at_start)
{
	kill_in_pipeline("broker", false);
}

Test(fault, broker_killed_mid_pipeline)
{
	kill_in_pipeline("broker", true);
}

Test(fault, planner_killed_at_start)
{
	kill_in_pipeline("planner", false);
}

Test(fault, planner_killed_mid_pipeline)
{
	kill_in_pipeline("planner", true);
}

Test(fault, supervisor_killed_at_start)
{
	kill_in_pipeline("supervisor", false);
}

Test(fault, supervisor_killed_mid_pipeline)
{
	kill_in_pipeline("supervisor", true);
}

/*
 * The supervisor SIGKILLed while the stage loops a mediated call that it
 * refuses (chmod of a file beneath -r only): no call ever goes through
 * unmediated (the mode never changes), and sandlock exits 125.
 */
Test(fault, supervisor_killed_during_mediated_calls)
{
	char *w = th_tmpdir(), *r = th_tmpdir(), *f = sbx_join(r, "f");
	const char *const extra[] = { "-w", w, "-r", r, NULL };
	const char *cmd[] = { th_probe(), "chmod-race", f, f, "100000000",
	    "600", NULL };
	struct stat sb;
	pid_t sl, sup;
	int outfd, errfd, ws;
	char *err;

	cr_assert(eq(int, th_write_file(f, "x\n"), 0));
	cr_assert(eq(int, chmod(f, 0644), 0));
	sl = sbx_spawn(sbx_argv(extra, cmd), &outfd, &errfd, NULL, NULL);
	sup = child_named(sl, "sandlock-sup", 5000);
	cr_assert(gt(int, (int)sup, 0), "no supervisor appeared");
	usleep(300 * 1000);	/* the stage is looping mediated calls */
	cr_assert(eq(int, kill(sup, SIGKILL), 0));
	ws = sbx_wait_ms(sl, 10000);
	cr_assert(ne(int, ws, -1), "sandlock did not exit");
	err = sbx_read_all(errfd, 1000);
	cr_assert(eq(int, WEXITSTATUS(ws), 125), "status %#x, %s", ws, err);
	cr_assert(ne(ptr, strstr(err, "supervisor"), NULL), "stderr: %s", err);
	cr_assert(eq(int, stat(f, &sb), 0));
	cr_assert(eq(int, (int)(sb.st_mode & 07777), 0644));
	free(err);
	(void)close(outfd);
	(void)close(errfd);
	sbx_rmtree(w);
	sbx_rmtree(r);
}
