/*
 * test_pipeline.c: pipelines and gathers through libsandlock (captured
 * output, per-stage statuses) and through the CLI.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sandlock.h"
#include "th.h"

TestSuite(pipeline, .timeout = 60);
TestSuite(gather, .timeout = 60);
TestSuite(pipeline_cli, .timeout = 60);

/* The standard read-only system policy, plus optional extra read dirs. */
static struct sandlock_policy *
base_policy(const char *extra_read)
{
	struct sandlock_policy *p = sandlock_policy_new();
	const char *dirs[] = { "/usr", "/lib", "/lib64", "/bin", th_build() };
	struct sandlock_error e;
	size_t i;

	cr_assert_not_null(p);
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		cr_assert(eq(int, sandlock_policy_fs_read(p, dirs[i], &e), 0),
		    "%s", e.msg);
	if (extra_read != NULL)
		cr_assert(eq(int, sandlock_policy_fs_read(p, extra_read, &e),
		    0), "%s", e.msg);
	return p;
}

static struct sandlock_stage *
stage(const char *extra_read, const char *const argv[])
{
	struct sandlock_policy *p = base_policy(extra_read);
	struct sandlock_stage *st;

	st = sandlock_stage_new(p, (char *const *)(uintptr_t)argv);
	cr_assert_not_null(st);
	sandlock_policy_free(p);
	return st;
}

#define ARGV(...)	((const char *const[]){ __VA_ARGS__, NULL })

static void
add(struct sandlock_job *j, const char *extra, const char *const argv[])
{
	struct sandlock_error e;

	cr_assert(eq(int, sandlock_pipeline_add(j, stage(extra, argv), &e), 0),
	    "%s", e.msg);
}

static void
run_captured(struct sandlock_job *j, struct sandlock_job_result *r,
    uint64_t timeout_ms, bool pipefail)
{
	struct sandlock_job_opts o;
	struct sandlock_error e;

	sandlock_job_opts_init(&o);
	o.capture = true;
	o.timeout_ms = timeout_ms;
	o.pipefail = pipefail;
	cr_assert(eq(int, sandlock_job_run(j, &o, r, &e), 0), "%s", e.msg);
}

/* Two stages: stdout of the first is stdin of the second. */
Test(pipeline, two_stages_pass_data)
{
	struct sandlock_job *j = sandlock_pipeline_new();
	struct sandlock_job_result r;

	add(j, NULL, ARGV("/bin/echo", "hello pipeline"));
	add(j, NULL, ARGV("/bin/cat"));
	run_captured(j, &r, 0, false);
	cr_assert(eq(int, r.status.outcome, SANDLOCK_EXITED));
	cr_assert(eq(int, r.status.status, 0));
	cr_assert(eq(str, r.out, "hello pipeline\n"));
	cr_assert(eq(sz, r.nstages, 2));
	sandlock_job_result_free(&r);
	sandlock_job_free(j);
}

/* Three stages, each a sandbox of its own. */
Test(pipeline, three_stages)
{
	struct sandlock_job *j = sandlock_pipeline_new();
	struct sandlock_job_result r;

	add(j, NULL, ARGV("/bin/echo", "hello"));
	add(j, NULL, ARGV("tr", "a-z", "A-Z"));
	add(j, NULL, ARGV("cat"));
	run_captured(j, &r, 0, false);
	cr_assert(eq(str, r.out, "HELLO\n"));
	cr_assert(eq(int, r.stages[0].status, 0));
	cr_assert(eq(int, r.stages[1].status, 0));
	sandlock_job_result_free(&r);
	sandlock_job_free(j);
}

/* Disjoint policies: only stage 1 may read the secret, yet data flows. */
Test(pipeline, disjoint_policies)
{
	char *dir = th_tmpdir(), path[4200];
	struct sandlock_job *j = sandlock_pipeline_new();
	struct sandlock_job_result r;

	(void)snprintf(path, sizeof(path), "%s/secret.txt", dir);
	cr_assert(eq(int, th_write_file(path, "sensitive data\n"), 0));
	add(j, dir, ARGV("cat", path));
	add(j, NULL, ARGV("sh", "-c", "tr a-z A-Z; cat \"$0\" 2>/dev/null "
	    "|| echo denied", path));
	run_captured(j, &r, 0, false);
	cr_assert(eq(str, r.out, "SENSITIVE DATA\ndenied\n"));
	sandlock_job_result_free(&r);
	sandlock_job_free(j);
	free(dir);
}

/*
 * The library's network calls: a stage allowed one port connects, the
 * next stage, without, cannot; a malformed spec is EINVAL, a repeated
 * one EEXIST.
 */
Test(pipeline, network_per_stage_from_the_library)
{
	struct sandlock_job *j = sandlock_pipeline_new();
	struct sandlock_policy *p = base_policy(NULL);
	struct sandlock_job_result r;
	struct sandlock_error e;
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	char spec[64], port[16];
	int l, c, n = 0;

	l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert(eq(int, bind(l, (struct sockaddr *)&sin, len), 0));
	cr_assert(eq(int, listen(l, 8), 0));
	cr_assert(eq(int, getsockname(l, (struct sockaddr *)&sin, &len), 0));
	(void)snprintf(port, sizeof(port), "%u", ntohs(sin.sin_port));
	(void)snprintf(spec, sizeof(spec), "127.0.0.1:%s", port);
	cr_assert(eq(int, sandlock_policy_net_allow(p, "host:", &e), -1));
	cr_assert(eq(int, errno, EINVAL));
	cr_assert(eq(int, sandlock_policy_net_bind(p, "90-80", &e), -1));
	cr_assert(eq(int, errno, EINVAL));
	cr_assert(eq(int, sandlock_policy_net_allow(p, spec, &e), 0), "%s",
	    e.msg);
	cr_assert(eq(int, sandlock_policy_net_allow(p, spec, &e), -1));
	cr_assert(eq(int, errno, EEXIST));
	cr_assert(eq(int, sandlock_pipeline_add(j, sandlock_stage_new(p,
	    (char *const[]){ (char *)th_probe(), "connect-tcp", "127.0.0.1",
	    port, NULL }), &e), 0), "%s", e.msg);
	add(j, NULL, ARGV("sh", "-c", "cat; \"$0\" connect-tcp 127.0.0.1 \"$1\"",
	    th_probe(), port));
	run_captured(j, &r, 0, false);
	cr_assert(eq(str, r.out, "ok\nerr EACCES\n"));
	while ((c = accept(l, NULL, NULL)) >= 0) {
		close(c);
		n++;
	}
	cr_assert(eq(int, n, 1));
	sandlock_job_result_free(&r);
	sandlock_job_free(j);
	sandlock_policy_free(p);
	close(l);
}

/* The planner (no data access) emits a command the executor runs. */
Test(pipeline, planner_emits_executor_runs)
{
	char *dir = th_tmpdir(), path[4200], cmd[4300];
	struct sandlock_job *j = sandlock_pipeline_new();
	struct sandlock_job_result r;

	(void)snprintf(path, sizeof(path), "%s/mail.txt", dir);
	cr_assert(eq(int, th_write_file(path, "From: alice\nSubject: hello\n"),
	    0));
	(void)snprintf(cmd, sizeof(cmd), "cat %s", path);
	add(j, NULL, ARGV("/bin/echo", cmd));
	add(j, dir, ARGV("/bin/sh"));
	run_captured(j, &r, 0, false);
	cr_assert(eq(str, r.out, "From: alice\nSubject: hello\n"));
	sandlock_job_result_free(&r);
	sandlock_job_free(j);
	free(dir);
}

/* The last stage's stderr is captured as well as its stdout. */
Test(pipeline, captures_last_stderr)
{
	struct sandlock_job *j = sandlock_pipeline_new();
	struct sandlock_job_result r;

	add(j, NULL, ARGV("/bin/echo", "hello"));
	add(j, NULL, ARGV("sh", "-c", "cat >&2; echo stdout_line"));
	run_captured(j, &r, 0, false);
	cr_assert(eq(str, r.err, "hello\n"));
	cr_assert(eq(str, r.out, "stdout_line\n"));
	sandlock_job_result_free(&r);
	sandlock_job_free(j);
}

/* A missing first stage is 127 for that stage; the status is the last's. */
Test(pipeline, first_stage_missing)
{
	struct sandlock_job *j = sandlock_pipeline_new();
	struct sandlock_job_result r;

	add(j, NULL, ARGV("/nonexistent_binary_xyz"));
	add(j, NULL, ARGV("cat"));
	run_captured(j, &r, 0, false);
	cr_assert(eq(int, r.stages[0].outcome, SANDLOCK_NOT_RUN));
	cr_assert(eq(int, r.stages[0].status, 127));
	cr_assert(ne(ptr, strstr(r.errors[0], "nonexistent_binary_xyz"), NULL));
	cr_assert(eq(int, r.status.outcome, SANDLOCK_EXITED));
	cr_assert(eq(int, r.status.status, 0));
	cr_assert(eq(str, r.out, ""));
	sandlock_job_result_free(&r);
	sandlock_job_free(j);
}

/* The last stage's exit code is the pipeline's. */
Test(pipeline, last_stage_exit_42)
{
	struct sandlock_job *j = sandlock_pipeline_new();
	struct sandlock_job_result r;

	add(j, NULL, ARGV("/bin/echo", "hello"));
	add(j, NULL, ARGV("sh", "-c", "exit 42"));
	run_captured(j, &r, 0, false);
	cr_assert(eq(int, r.status.outcome, SANDLOCK_EXITED));
	cr_assert(eq(int, r.status.status, 42));
	cr_assert(eq(int, sandlock_exit_status(&r.status), 42));
	sandlock_job_result_free(&r);
	sandlock_job_free(j);
}

/* A pipeline of one stage is refused before anything runs. */
Test(pipeline, one_stage_rejected)
{
	struct sandlock_job *j = sandlock_pipeline_new();
	struct sandlock_job_result r;
	struct sandlock_error e;

	add(j, NULL, ARGV("/bin/true"));
	cr_assert(eq(int, sandlock_job_run(j, NULL, &r, &e), -1));
	cr_assert(eq(int, errno, EINVAL));
	cr_assert(ne(ptr, strstr(e.msg, "at least 2 stages"), NULL));
	sandlock_job_free(j);
}

/* One timeout kills every stage and their descendants within seconds. */
Test(pipeline, timeout_kills_everything)
{
	struct sandlock_job *j = sandlock_pipeline_new();
	struct sandlock_job_result r;
	struct timespec a, b;
	char *tok, *save = NULL;
	int pid, k;

	add(j, NULL, ARGV(th_probe(), "spawn-sleepers", "3", "60"));
	add(j, NULL, ARGV("cat"));
	clock_gettime(CLOCK_MONOTONIC, &a);
	run_captured(j, &r, 1000, false);
	clock_gettime(CLOCK_MONOTONIC, &b);
	cr_assert(eq(int, r.status.outcome, SANDLOCK_TIMEOUT));
	cr_assert(eq(int, sandlock_exit_status(&r.status), 124));
	cr_assert(lt(long, b.tv_sec - a.tv_sec, 4));
	cr_assert(eq(int, strncmp(r.out, "ok ", 3), 0), "%s", r.out);
	for (tok = strtok_r(r.out + 3, " \n", &save); tok != NULL;
	    tok = strtok_r(NULL, " \n", &save)) {
		pid = atoi(tok);
		cr_assert(gt(int, pid, 0));
		/* SIGKILL is sent; the orphan may take a moment to die. */
		for (k = 0; k < 200 && th_alive(pid); k++)
			usleep(10000);
		cr_assert(eq(int, th_alive(pid), 0), "pid %d survived", pid);
	}
	sandlock_job_result_free(&r);
	sandlock_job_free(j);
}

/* 100 MiB through 3 stages arrives whole, captured without deadlock. */
Test(pipeline, hundred_mib_three_stages)
{
	static const char line[] = "abcdefghijklmnopqrstuvwxyz0123456789\n";
	struct sandlock_job *j = sandlock_pipeline_new();
	struct sandlock_job_result r;
	size_t i, n = 100u << 20, bad = 0;

	add(j, NULL, ARGV("sh", "-c", "yes abcdefghijklmnopqrstuvwxyz0123456789 "
	    "| head -c 104857600"));
	add(j, NULL, ARGV("cat"));
	add(j, NULL, ARGV("cat"));
	run_captured(j, &r, 0, false);
	cr_assert(eq(int, r.status.status, 0));
	cr_assert(eq(sz, r.outlen, n));
	for (i = 0; i < n; i++)
		bad += r.out[i] != line[i % (sizeof(line) - 1)];
	cr_assert(eq(sz, bad, 0));
	sandlock_job_result_free(&r);
	sandlock_job_free(j);
}

/* An early exit downstream: SIGPIPE upstream, status as a shell's. */
Test(pipeline, early_exit_sigpipe)
{
	struct sandlock_job *j = sandlock_pipeline_new();
	struct sandlock_job_result r;

	add(j, NULL, ARGV("yes"));
	add(j, NULL, ARGV("head", "-n", "1"));
	run_captured(j, &r, 0, false);
	cr_assert(eq(str, r.out, "y\n"));
	cr_assert(eq(int, r.status.status, 0));
	cr_assert(eq(int, r.stages[0].outcome, SANDLOCK_SIGNALED));
	cr_assert(eq(int, r.stages[0].status, SIGPIPE));
	sandlock_job_result_free(&r);
	sandlock_job_free(j);
}

/* --pipefail: the status is the last stage that failed. */
Test(pipeline, pipefail)
{
	struct sandlock_job *j = sandlock_pipeline_new();
	struct sandlock_job_result r;

	add(j, NULL, ARGV("sh", "-c", "echo x; exit 3"));
	add(j, NULL, ARGV("cat"));
	run_captured(j, &r, 0, true);
	cr_assert(eq(int, r.status.outcome, SANDLOCK_EXITED));
	cr_assert(eq(int, r.status.status, 3));
	sandlock_job_result_free(&r);
	sandlock_job_free(j);
}

/* 32 stages, each its own sandbox. */
Test(pipeline, thirty_two_stages)
{
	struct sandlock_job *j = sandlock_pipeline_new();
	struct sandlock_job_result r;
	size_t i;

	add(j, NULL, ARGV("/bin/echo", "x"));
	for (i = 1; i < 32; i++)
		add(j, NULL, ARGV("cat"));
	run_captured(j, &r, 0, false);
	cr_assert(eq(str, r.out, "x\n"));
	cr_assert(eq(sz, r.nstages, 32));
	for (i = 0; i < 32; i++)
		cr_assert(eq(int, r.stages[i].status, 0), "stage %zu", i);
	sandlock_job_result_free(&r);
	sandlock_job_free(j);
}

/* No stage has an fd beyond 0, 1 and 2. */
Test(pipeline, no_extra_fds)
{
	struct sandlock_job *j = sandlock_pipeline_new();
	struct sandlock_job_result r;
	char cmd[4300];

	(void)snprintf(cmd, sizeof(cmd), "cat; %s fds", th_probe());
	add(j, NULL, ARGV(th_probe(), "fds"));
	add(j, NULL, ARGV("sh", "-c", cmd));
	add(j, NULL, ARGV("cat"));
	run_captured(j, &r, 0, false);
	cr_assert(eq(str, r.out, "ok 0 1 2\nok 0 1 2\n"));
	sandlock_job_result_free(&r);
	sandlock_job_free(j);
}

static void
source(struct sandlock_job *j, const char *name, const char *extra,
    const char *const argv[])
{
	struct sandlock_error e;

	cr_assert(eq(int, sandlock_gather_add_source(j, name,
	    stage(extra, argv), &e), 0), "%s", e.msg);
}

static void
consumer(struct sandlock_job *j, const char *extra, const char *const argv[])
{
	struct sandlock_error e;

	cr_assert(eq(int, sandlock_gather_set_consumer(j, stage(extra, argv),
	    &e), 0), "%s", e.msg);
}

/* Two sources: the first on fd 3, the last on stdin. */
Test(gather, two_sources)
{
	struct sandlock_job *j = sandlock_gather_new();
	struct sandlock_job_result r;

	source(j, "greeting", NULL, ARGV("/bin/echo", "hello"));
	source(j, "name", NULL, ARGV("/bin/echo", "world"));
	consumer(j, NULL, ARGV("sh", "-c", "cat <&3; cat"));
	run_captured(j, &r, 0, false);
	cr_assert(eq(int, r.status.status, 0));
	cr_assert(eq(str, r.out, "hello\nworld\n"));
	sandlock_job_result_free(&r);
	sandlock_job_free(j);
}

/* Three sources on fds 3, 4 and 0, named in _SANDLOCK_GATHER in order. */
Test(gather, three_sources_and_env)
{
	struct sandlock_job *j = sandlock_gather_new();
	struct sandlock_job_result r;
	char cmd[4300];

	(void)snprintf(cmd, sizeof(cmd), "echo \"$_SANDLOCK_GATHER\"; cat <&3; "
	    "cat <&4; cat; %s fds", th_probe());
	source(j, "a", NULL, ARGV("/bin/echo", "A"));
	source(j, "b", NULL, ARGV("/bin/echo", "B"));
	source(j, "c", NULL, ARGV("/bin/echo", "C"));
	consumer(j, NULL, ARGV("sh", "-c", cmd));
	run_captured(j, &r, 0, false);
	cr_assert(eq(str, r.out, "a:3,b:4,c:0\nA\nB\nC\nok 0 1 2 3 4\n"));
	sandlock_job_result_free(&r);
	sandlock_job_free(j);
}

/* _SANDLOCK_GATHER is set even when the consumer's env is clean. */
Test(gather, env_survives_clean_env)
{
	struct sandlock_policy *p = base_policy(NULL);
	struct sandlock_job *j = sandlock_gather_new();
	struct sandlock_job_result r;
	struct sandlock_error e;
	struct sandlock_stage *st;

	sandlock_policy_clean_env(p, true);
	st = sandlock_stage_new(p, (char *const *)(uintptr_t)
	    ARGV("/usr/bin/env"));
	source(j, "alpha", NULL, ARGV("/bin/true"));
	source(j, "beta", NULL, ARGV("/bin/true"));
	cr_assert(eq(int, sandlock_gather_set_consumer(j, st, &e), 0));
	run_captured(j, &r, 0, false);
	cr_assert(eq(str, r.out, "_SANDLOCK_GATHER=alpha:3,beta:0\n"));
	sandlock_job_result_free(&r);
	sandlock_job_free(j);
	sandlock_policy_free(p);
}

/* Disjoint policies: data, code and consumer each see only their own. */
Test(gather, disjoint_policies)
{
	char *dir = th_tmpdir(), path[4200];
	struct sandlock_job *j = sandlock_gather_new();
	struct sandlock_job_result r;

	(void)snprintf(path, sizeof(path), "%s/secret", dir);
	cr_assert(eq(int, th_write_file(path, "secret data\n"), 0));
	source(j, "data", dir, ARGV("cat", path));
	source(j, "code", NULL, ARGV("/bin/echo", "tr a-z A-Z <&3"));
	consumer(j, NULL, ARGV("sh", "-c", "code=$(cat); eval \"$code\""));
	run_captured(j, &r, 0, false);
	cr_assert(eq(str, r.out, "SECRET DATA\n"));
	sandlock_job_result_free(&r);
	sandlock_job_free(j);
	free(dir);
}

/* A gather without a consumer is refused. */
Test(gather, requires_consumer)
{
	struct sandlock_job *j = sandlock_gather_new();
	struct sandlock_job_result r;
	struct sandlock_error e;

	source(j, "a", NULL, ARGV("/bin/true"));
	cr_assert(eq(int, sandlock_job_run(j, NULL, &r, &e), -1));
	cr_assert(eq(int, errno, EINVAL));
	cr_assert(ne(ptr, strstr(e.msg, "consumer"), NULL));
	sandlock_job_free(j);
}

/* A gather without sources is refused. */
Test(gather, requires_sources)
{
	struct sandlock_job *j = sandlock_gather_new();
	struct sandlock_job_result r;
	struct sandlock_error e;

	consumer(j, NULL, ARGV("/bin/true"));
	cr_assert(eq(int, sandlock_job_run(j, NULL, &r, &e), -1));
	cr_assert(eq(int, errno, EINVAL));
	cr_assert(ne(ptr, strstr(e.msg, "source"), NULL));
	sandlock_job_free(j);
}

/* Source names that would break the name:fd format are refused. */
Test(gather, rejects_bad_names)
{
	static const char *const bad[] = { "", "a:b", "a,b", "a b", "a=b",
	    "0123456789012345678901234567890123456789012345678901234567890123456" };
	struct sandlock_job *j = sandlock_gather_new();
	struct sandlock_error e;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert(eq(int, sandlock_gather_add_source(j, bad[i],
		    stage(NULL, ARGV("/bin/true")), &e), -1), "'%s'", bad[i]);
		cr_assert(eq(int, errno, EINVAL));
	}
	source(j, "ok", NULL, ARGV("/bin/true"));
	cr_assert(eq(int, sandlock_gather_add_source(j, "ok",
	    stage(NULL, ARGV("/bin/true")), &e), -1));
	cr_assert(eq(int, errno, EEXIST));
	sandlock_job_free(j);
}

/* The consumer's C API finds a source's fd by name. */
Test(gather, gather_fd_lookup)
{
	cr_assert(eq(int, setenv("_SANDLOCK_GATHER", "alpha:3,beta:4,c:0", 1),
	    0));
	cr_assert(eq(int, sandlock_gather_fd("alpha"), 3));
	cr_assert(eq(int, sandlock_gather_fd("beta"), 4));
	cr_assert(eq(int, sandlock_gather_fd("c"), 0));
	cr_assert(eq(int, sandlock_gather_fd("alph"), -1));
	cr_assert(eq(int, errno, ENOENT));
	cr_assert(eq(int, setenv("_SANDLOCK_GATHER", "alpha3", 1), 0));
	cr_assert(eq(int, sandlock_gather_fd("alpha"), -1));
	cr_assert(eq(int, errno, EINVAL));
	cr_assert(eq(int, setenv("_SANDLOCK_GATHER", "a:-1", 1), 0));
	cr_assert(eq(int, sandlock_gather_fd("a"), -1));
	cr_assert(eq(int, errno, EINVAL));
	cr_assert(eq(int, unsetenv("_SANDLOCK_GATHER"), 0));
	cr_assert(eq(int, sandlock_gather_fd("alpha"), -1));
	cr_assert(eq(int, errno, ENOENT));
}

static void
cli(struct th_run *r, const char *const args[], int stdin_fd)
{
	const char *argv[128];
	size_t n = 0, i;

	argv[n++] = th_sandlock();
	for (i = 0; args[i] != NULL; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	cr_assert(eq(int, th_runv(r, argv, stdin_fd, 30), 0));
}

#define SYS	"-r", "/usr", "-r", "/lib", "-r", "/lib64", "-r", "/bin"

/* A 3-stage pipeline with one policy per stage, typed on one line. */
Test(pipeline_cli, three_stages_own_policies)
{
	struct th_run r;

	cli(&r, ARGV("pipeline", SYS, "::", "--", "echo", "hello", "::",
	    "--", "tr", "a-z", "A-Z", "::", "--env", "X=1", "--", "cat"), -1);
	cr_assert(eq(int, r.code, 0), "%s", r.err);
	cr_assert(eq(str, r.out, "HELLO\n"));
	th_run_free(&r);
}

/* The first stage reads the caller's stdin. */
Test(pipeline_cli, first_stage_reads_stdin)
{
	int p[2];
	struct th_run r;

	cr_assert(eq(int, pipe(p), 0));
	cr_assert(eq(long, write(p[1], "abc\n", 4), 4));
	close(p[1]);
	cli(&r, ARGV("pipeline", SYS, "::", "--", "cat", "::", "--", "tr",
	    "a-z", "A-Z"), p[0]);
	close(p[0]);
	cr_assert(eq(str, r.out, "ABC\n"));
	th_run_free(&r);
}

/* A 1-stage pipeline is a usage error (125) with one line. */
Test(pipeline_cli, one_stage_is_125)
{
	struct th_run r;

	cli(&r, ARGV("pipeline", SYS, "::", "--", "echo", "x"), -1);
	cr_assert(eq(int, r.code, 125));
	cr_assert(ne(ptr, strstr(r.err, "at least 2 stages"), NULL), "%s",
	    r.err);
	th_run_free(&r);
}

/* An invalid stage policy: nothing starts, 125, the stage is named. */
Test(pipeline_cli, invalid_stage_nothing_starts)
{
	char *dir = th_tmpdir(), marker[4200], cmd[4300];
	struct th_run r;

	(void)snprintf(marker, sizeof(marker), "%s/marker", dir);
	(void)snprintf(cmd, sizeof(cmd), "echo x > %s", marker);
	cli(&r, ARGV("pipeline", SYS, "::", "-w", dir, "--", "sh", "-c", cmd,
	    "::", "-r", "/nonexistent/dir", "--", "cat"), -1);
	cr_assert(eq(int, r.code, 125));
	cr_assert(ne(ptr, strstr(r.err, "stage 2"), NULL), "%s", r.err);
	cr_assert(eq(int, access(marker, F_OK), -1));
	th_run_free(&r);
	free(dir);
}

/* Timeout for the whole pipeline: 124 within a couple of seconds. */
Test(pipeline_cli, timeout_124)
{
	struct timespec a, b;
	struct th_run r;

	clock_gettime(CLOCK_MONOTONIC, &a);
	cli(&r, ARGV("pipeline", SYS, "-t", "1", "::", "--", "sleep", "60",
	    "::", "--", "cat"), -1);
	clock_gettime(CLOCK_MONOTONIC, &b);
	cr_assert(eq(int, r.code, 124));
	cr_assert(lt(long, b.tv_sec - a.tv_sec, 4));
	th_run_free(&r);
}

/* A gather on the command line, with its source names. */
Test(pipeline_cli, gather_two_sources)
{
	struct th_run r;

	cli(&r, ARGV("gather", SYS, "::", "--as", "greeting", "--", "echo",
	    "hello", "::", "--as", "name", "--", "echo", "world", "::", "--",
	    "sh", "-c", "cat <&3; cat; echo $_SANDLOCK_GATHER"), -1);
	cr_assert(eq(int, r.code, 0), "%s", r.err);
	cr_assert(eq(str, r.out, "hello\nworld\ngreeting:3,name:0\n"));
	th_run_free(&r);
}

/* A gather source without --as, or a consumer with one, is refused. */
Test(pipeline_cli, gather_needs_names)
{
	struct th_run r;

	cli(&r, ARGV("gather", SYS, "::", "--", "echo", "x", "::", "--",
	    "cat"), -1);
	cr_assert(eq(int, r.code, 125));
	cr_assert(ne(ptr, strstr(r.err, "--as NAME"), NULL), "%s", r.err);
	th_run_free(&r);
	cli(&r, ARGV("gather", SYS, "::", "--as", "a:b", "--", "echo", "x",
	    "::", "--", "cat"), -1);
	cr_assert(eq(int, r.code, 125));
	cr_assert(ne(ptr, strstr(r.err, "only letters"), NULL), "%s", r.err);
	th_run_free(&r);
}

/* A stage that cannot run is named on stderr; the others still run. */
Test(pipeline_cli, missing_stage_reported)
{
	struct th_run r;

	cli(&r, ARGV("pipeline", SYS, "::", "--", "nonexistent_xyz", "::",
	    "--", "echo", "still"), -1);
	cr_assert(eq(int, r.code, 0));
	cr_assert(eq(str, r.out, "still\n"));
	cr_assert(ne(ptr, strstr(r.err, "stage 1: nonexistent_xyz: command "
	    "not found"), NULL), "%s", r.err);
	th_run_free(&r);
}
