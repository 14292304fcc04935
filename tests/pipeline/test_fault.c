/*
 * test_fault.c: fault injection through libsandlock.  The broker or the
 * supervisor of a three-stage job is SIGKILLed at start, in the middle of
 * the pipeline, or while a stage loops a mediated call; then the caller
 * (this test process) must hold exactly the fds it held before, no stage
 * and no helper may survive (not even as a zombie of ours), nothing may
 * be left in the state directory or in TMPDIR, and sandlock_job_run()
 * must fail with 125 and a message naming what died.  SECURITY.md,
 * "Escape classes": fault injection.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sandlock.h"
#include "th.h"

TestSuite(fault_lib, .timeout = 60);

enum when { AT_START, MID_PIPELINE, MEDIATED };

/* "fd -> target" lines of /proc/self/fd, sorted by fd; malloc'd. */
static char *
fd_table(void)
{
	char path[64], target[4096], *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	ssize_t n;
	int fd;

	cr_assert(f != NULL && d != NULL);
	/* readdir of /proc/self/fd lists fds in increasing order */
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9' ||
		    (fd = atoi(e->d_name)) == dirfd(d))
			continue;
		(void)snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n = readlink(path, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
		(void)fprintf(f, "%d -> %s (%s)\n", fd, target,
		    fcntl(fd, F_GETFD) == FD_CLOEXEC ? "cloexec" : "inherit");
	}
	(void)closedir(d);
	(void)fclose(f);
	return s;
}

/* Our children (zombies included), except skip, as "pid comm" lines. */
static char *
children_of(pid_t parent, pid_t skip)
{
	char path[300], buf[512], *s = NULL, *p;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);
	struct dirent *e;
	DIR *d = opendir("/proc");
	int fd;
	ssize_t n;

	cr_assert(f != NULL && d != NULL);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9' ||
		    atoi(e->d_name) == skip)
			continue;
		(void)snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		(void)close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		/* "pid (comm) S ppid ...\n" */
		if ((p = strrchr(buf, ')')) != NULL && p[1] == ' ' &&
		    atoi(p + 4) == parent)
			(void)fputs(buf, f);
	}
	(void)closedir(d);
	(void)fclose(f);
	return s;
}

/* A child of parent whose comm is comm, or -1 (one scan of /proc). */
static pid_t
child_named(pid_t parent, const char *comm)
{
	char *s = children_of(parent, -1), *p = s, want[80];
	pid_t pid = -1;

	(void)snprintf(want, sizeof(want), "(%s) ", comm);
	while (p != NULL && *p != '\0') {
		if (strncmp(strchr(p, ' ') + 1, want, strlen(want)) == 0) {
			pid = (pid_t)atoi(p);
			break;
		}
		p = strchr(p, '\n');
		p = p != NULL ? p + 1 : NULL;
	}
	free(s);
	return pid;
}

/*
 * The killer: a child of the test process that waits for the victim (a
 * child of the caller named comm), for the moment, then SIGKILLs it.
 * Exits 0 once it has, 1 if the victim never appeared.
 */
static pid_t
start_killer(const char *comm, enum when w, const char *marker)
{
	pid_t caller = getpid(), pid, victim = -1;
	int t;

	if ((pid = fork()) != 0) {
		cr_assert(gt(int, (int)pid, 0));
		return pid;
	}
	for (t = 0; t < 10000 && victim < 0; t++)
		if ((victim = child_named(caller, comm)) < 0)
			usleep(1000);
	if (victim < 0)
		_exit(1);
	if (w == MID_PIPELINE)
		for (t = 0; t < 1000 && th_env_marked(marker, NULL) < 3; t++)
			usleep(10 * 1000);
	if (w == MEDIATED) {
		for (t = 0; t < 1000 && th_env_marked(marker, "probe") < 1; t++)
			usleep(10 * 1000);
		usleep(300 * 1000);	/* the probe loops chmod */
	}
	_exit(kill(victim, SIGKILL) == 0 ? 0 : 2);
}

static struct sandlock_stage *
fault_stage(const char *w, const char *r, const char *marker,
    const char *const argv[])
{
	struct sandlock_policy *p = sandlock_policy_new();
	const char *dirs[] = { "/usr", "/lib", "/lib64", "/bin", th_build(),
	    r };
	char *const pargs[] = { "-P", "50", "--", "x", NULL };
	struct sandlock_stage *st;
	struct sandlock_error e;
	size_t i;
	int cmd;

	cr_assert_not_null(p);
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		cr_assert(eq(int, sandlock_policy_fs_read(p, dirs[i], &e), 0),
		    "%s", e.msg);
	/* -w: the supervisor mediates metadata calls; -P: and counts */
	cr_assert(eq(int, sandlock_policy_fs_write(p, w, &e), 0), "%s", e.msg);
	cr_assert(eq(int, sandlock_policy_parse_args(p, 4, pargs, &cmd, &e),
	    0), "%s", e.msg);
	cr_assert(eq(int, sandlock_policy_env(p, marker, &e), 0), "%s", e.msg);
	st = sandlock_stage_new(p, (char *const *)(uintptr_t)argv);
	cr_assert_not_null(st);
	sandlock_policy_free(p);
	return st;
}

static void
fault(const char *victim, enum when w)
{
	char *xdg = th_tmpdir(), *tmp = th_tmpdir(), *wd = th_tmpdir(),
	    *rd = th_tmpdir(), *before, *after, *s, marker[96], name[64],
	    state[4200], f[4200];
	const char *sleeper[] = { "/bin/sleep", "30", NULL };
	const char *chmodder[] = { th_probe(), "chmod-race", f, f, "100000000",
	    "600", NULL };
	struct sandlock_job_result r;
	struct sandlock_job_opts o;
	struct sandlock_error e;
	struct sandlock_job *j;
	struct stat sb;
	pid_t killer;
	int rc, err, t;

	(void)snprintf(marker, sizeof(marker), "SL_FAULT_MARKER=%d-%ld",
	    (int)getpid(), (long)time(NULL));
	(void)snprintf(name, sizeof(name), "fault-%d", (int)getpid());
	(void)snprintf(state, sizeof(state), "%s/sandlock", xdg);
	(void)snprintf(f, sizeof(f), "%s/f", rd);
	cr_assert(eq(int, th_write_file(f, "x\n"), 0));
	cr_assert(eq(int, chmod(f, 0644), 0));
	cr_assert(eq(int, chmod(xdg, 0700), 0));
	cr_assert(eq(int, setenv("XDG_RUNTIME_DIR", xdg, 1), 0));
	cr_assert(eq(int, setenv("TMPDIR", tmp, 1), 0));

	cr_assert_not_null(j = sandlock_pipeline_new());
	cr_assert(eq(int, sandlock_pipeline_add(j, fault_stage(wd, rd, marker,
	    w == MEDIATED ? chmodder : sleeper), &e), 0), "%s", e.msg);
	for (t = 0; t < 2; t++)
		cr_assert(eq(int, sandlock_pipeline_add(j, fault_stage(wd, rd,
		    marker, sleeper), &e), 0), "%s", e.msg);
	sandlock_job_opts_init(&o);
	o.capture = true;
	o.name = name;
	o.timeout_ms = 20000;

	before = fd_table();
	killer = start_killer(strcmp(victim, "broker") == 0 ?
	    "sandlock-broker" : "sandlock-sup", w, marker);
	rc = sandlock_job_run(j, &o, &r, &e);
	err = errno;
	t = th_wait(killer);
	cr_assert(eq(int, t, 0), "the killer did not kill the %s: %#x",
	    victim, t);
	after = fd_table();

	/* (d) the status and the message say what happened */
	cr_assert(eq(int, rc, -1), "the job ran: outcome %d status %d",
	    r.status.outcome, r.status.status);
	cr_assert(eq(int, err, EPIPE), "errno %d: %s", err, e.msg);
	cr_assert(eq(int, (int)r.status.outcome, (int)SANDLOCK_NOT_RUN));
	cr_assert(eq(int, r.status.status, 125));
	cr_assert(ne(ptr, strstr(e.msg, victim), NULL), "message: %s", e.msg);
	cr_assert(ne(ptr, strstr(e.msg, "died"), NULL), "message: %s", e.msg);
	/* (a) the caller's fds are those it had */
	cr_assert(eq(str, after, before), "fds before:\n%s", before);
	/* (b) no stage survives, no helper is left, not even a zombie */
	for (t = 0; t < 50 && th_env_marked(marker, NULL) > 0; t++)
		usleep(100 * 1000);
	cr_assert(eq(int, th_env_marked(marker, NULL), 0), "a stage survived");
	s = children_of(getpid(), -1);
	cr_assert(eq(str, s, ""), "children left: %s", s);
	free(s);
	/* (c) no file is left in the state directory or in TMPDIR */
	s = th_dir_list(state);
	cr_assert(eq(str, s, ""), "left in %s: %s", state, s);
	free(s);
	s = th_dir_list(tmp);
	cr_assert(eq(str, s, ""), "left in TMPDIR: %s", s);
	free(s);
	/* nothing went through unmediated */
	cr_assert(eq(int, stat(f, &sb), 0));
	cr_assert(eq(int, (int)(sb.st_mode & 07777), 0644));

	sandlock_job_free(j);
	free(before);
	free(after);
	(void)unlink(f);
	(void)rmdir(state);
	(void)rmdir(xdg);
	(void)rmdir(tmp);
	(void)rmdir(wd);
	(void)rmdir(rd);
}

Test(fault_lib, broker_killed_at_start)
{
	fault("broker", AT_START);
}

Test(fault_lib, broker_killed_mid_pipeline)
{
	fault("broker", MID_PIPELINE);
}

Test(fault_lib, broker_killed_during_mediated_calls)
{
	fault("broker", MEDIATED);
}

Test(fault_lib, supervisor_killed_at_start)
{
	fault("supervisor", AT_START);
}

Test(fault_lib, supervisor_killed_mid_pipeline)
{
	fault("supervisor", MID_PIPELINE);
}

Test(fault_lib, supervisor_killed_during_mediated_calls)
{
	fault("supervisor", MEDIATED);
}

/*
 * The broker cannot even be started (no fd left: RLIMIT_NOFILE at the
 * caller's highest fd + 1): the run fails and the caller's fds, stdin
 * included, are untouched.  A plan never built used to be freed with
 * cwd_fd 0, closing the caller's stdin.  The checks run in a child (no
 * criterion call there: it exits with a code).
 */
struct fdid {
	dev_t dev;
	ino_t ino;
	int flags;
};

static int
snap(struct fdid *v, int n)
{
	struct stat sb;
	int fd, top = -1;

	for (fd = 0; fd < n; fd++) {
		v[fd].flags = fcntl(fd, F_GETFD);
		v[fd].dev = v[fd].flags >= 0 && fstat(fd, &sb) == 0 ?
		    sb.st_dev : 0;
		v[fd].ino = v[fd].flags >= 0 ? sb.st_ino : 0;
		if (v[fd].flags >= 0)
			top = fd;
	}
	return top;
}

static void
no_fd_left(bool job)
{
	static struct fdid before[256], after[256];
	char *const argv[] = { "/bin/true", NULL };
	struct sandlock_job_result jr;
	struct sandlock_policy *p;
	struct sandlock_error e;
	struct sandlock_result r;
	struct sandlock_job *j;
	struct rlimit rl, old;
	pid_t pid;
	int top, rc;

	cr_assert_not_null(p = sandlock_policy_new());
	cr_assert(eq(int, sandlock_policy_fs_read(p, "/usr", &e), 0));
	pid = fork();
	cr_assert(ne(int, pid, -1));
	if (pid == 0) {
		if ((top = snap(before, 256)) < 0 || top >= 250 ||
		    getrlimit(RLIMIT_NOFILE, &old) < 0)
			_exit(10);
		rl = old;
		rl.rlim_cur = (rlim_t)top + 1;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			_exit(10);
		if (job) {
			j = sandlock_pipeline_new();
			if (j == NULL ||
			    sandlock_pipeline_add(j, sandlock_stage_new(p, argv),
			    &e) < 0 ||
			    sandlock_pipeline_add(j, sandlock_stage_new(p, argv),
			    &e) < 0)
				_exit(11);
			rc = sandlock_job_run(j, NULL, &jr, &e);
		} else
			rc = sandlock_run(p, argv, NULL, &r, &e);
		if (rc != -1)
			_exit(12);
		(void)setrlimit(RLIMIT_NOFILE, &old);
		(void)snap(after, 256);
		_exit(memcmp(before, after, sizeof(before)) == 0 ? 0 : 13);
	}
	/* 13: the caller's fds changed; 12: it ran; 10, 11: setup */
	cr_assert(eq(int, th_wait(pid), 0));
	sandlock_policy_free(p);
}

Test(fault_lib, broker_unstartable_run_keeps_caller_fds)
{
	no_fd_left(false);
}

Test(fault_lib, broker_unstartable_job_keeps_caller_fds)
{
	no_fd_left(true);
}
