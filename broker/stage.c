/*
 * stage.c: fork -> dup2 fixed fds -> close the rest on exec -> own process
 * group (in the caller's session; the broker gave up the controlling tty)
 * -> PDEATHSIG and parent re-check -> cwd -> drop capabilities -> NO_NEW_PRIVS
 * -> Landlock -> notify filter -> rlimits -> stage filter -> execve.  The
 * child reports the first failing step through a close-on-exec pipe; EOF
 * on it means execve succeeded.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <linux/securebits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "broker.h"
#include "compat/landlock.h"
#include "proto.h"

struct step_err {
	int32_t step;
	int32_t err;
};

void
stage_init(struct stage *st)
{
	memset(st, 0, sizeof(*st));
	memset(st->fds, 0xff, sizeof(st->fds));		/* all -1 */
	st->ruleset_fd = st->pidfd = st->listener = -1;
}

static void
free_vec(char **v, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
stage_clear(struct stage *st)
{
	size_t i;

	if (st->state == STAGE_FREE)
		return;
	sl_close(st->ruleset_fd);
	sl_close(st->pidfd);
	sl_close(st->listener);
	for (i = 0; i < SL_MAX_TARGETS; i++)
		sl_close(st->fds[i]);
	free(st->file);
	free_vec(st->argv, st->nargv);
	free_vec(st->envp, st->nenv);
	stage_init(st);
}

/*
 * Root keeps nothing: securebits make exec grant no capability, and the
 * bounding, ambient, permitted and effective sets are emptied.
 */
static int
drop_caps(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	unsigned long cap;

	if (syscall(SYS_capget, &h, d) < 0)
		return -1;
	if ((d[0].permitted | d[1].permitted | d[0].effective |
	    d[1].effective) == 0)
		return 0;	/* nothing to drop; NO_NEW_PRIVS bars setuid */
	if (prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED |
	    SECBIT_NO_SETUID_FIXUP | SECBIT_NO_SETUID_FIXUP_LOCKED |
	    SECBIT_KEEP_CAPS_LOCKED | SECBIT_NO_CAP_AMBIENT_RAISE |
	    SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED, 0, 0, 0) < 0)
		return -1;
	/* Every capability the kernel knows: EINVAL past the last one. */
	for (cap = 0; prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0; cap++)
		;
	if (errno != EINVAL)
		return -1;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		return -1;
	memset(d, 0, sizeof(d));
	return (int)syscall(SYS_capset, &h, d);
}

/*
 * Puts the stage's fds on their targets.  Sources first move above the
 * highest target so that no dup2 clobbers a source still needed; then
 * everything from ntargets up is marked close-on-exec.
 */
static int
place_fds(struct stage *st, int *keep, size_t nkeep)
{
	int ntargets = 0, i;
	size_t k;

	while (ntargets < SL_MAX_TARGETS && st->fds[ntargets] >= 0)
		ntargets++;
	for (i = 0; i < ntargets; i++)
		if ((st->fds[i] = fcntl(st->fds[i], F_DUPFD_CLOEXEC,
		    ntargets)) < 0)
			return -1;
	for (k = 0; k < nkeep; k++)
		if ((keep[k] = fcntl(keep[k], F_DUPFD_CLOEXEC, ntargets)) < 0)
			return -1;
	for (i = 0; i < ntargets; i++)
		if (dup2(st->fds[i], i) < 0)
			return -1;
	return (int)syscall(SYS_close_range, (unsigned)ntargets, ~0U,
	    CLOSE_RANGE_CLOEXEC);
}

SL_NORETURN static void
child_fail(int errfd, int step)
{
	struct step_err e = { step, errno };

	if (write(errfd, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

static int
set_limits(const struct m_limits *l)
{
	static const int res[4] = { RLIMIT_NOFILE, RLIMIT_FSIZE, RLIMIT_CPU,
	    RLIMIT_DATA };
	const uint64_t v[4] = { l->nofile, l->fsize, l->cpu, l->data };
	struct rlimit rl;
	size_t i;

	for (i = 0; i < 4; i++) {
		rl.rlim_cur = rl.rlim_max = v[i];
		if (v[i] != 0 && setrlimit(res[i], &rl) < 0)
			return -1;
	}
	return 0;
}

/*
 * Loads the notify filter, names the supervisor as ptracer (Yama), tells
 * the broker the listener's fd number and waits until the broker has
 * taken it with pidfd_getfd.  Only write and read run meanwhile, which a
 * notify list may not hold (h_notify).
 */
static int
hand_listener(struct stage *st, int errfd, int gofd)
{
	struct step_err e = { SL_STEP_NONE, 0 };
	char go;

	if (prctl(PR_SET_PTRACER, st->ptracer, 0, 0, 0) < 0 && errno != EINVAL)
		return -1;
	if ((e.err = sc_load_notify(st->notify, st->nnotify)) < 0)
		return -1;
	if (write(errfd, &e, sizeof(e)) != sizeof(e) ||
	    read(gofd, &go, 1) != 1) {
		errno = EPIPE;
		return -1;
	}
	return 0;
}

SL_NORETURN static void
child(struct stage *st, const int fds[3], pid_t broker, const uint32_t *deny,
    uint32_t ndeny, uint32_t flags)
{
	int keep[4], errfd = fds[0];

	keep[0] = fds[0];	/* status out */
	keep[1] = fds[1];	/* go in */
	keep[2] = fds[2];	/* cwd */
	keep[3] = st->ruleset_fd;
	/* The broker's dispositions are the defaults but SIGPIPE (main.c). */
	(void)signal(SIGPIPE, SIG_DFL);
	(void)syscall(SYS_rt_sigprocmask, SIG_SETMASK, &(uint64_t){ 0 }, NULL,
	    8);
	if (place_fds(st, keep, st->ruleset_fd >= 0 ? 4 : 3) < 0)
		child_fail(errfd, SL_STEP_FDS);
	errfd = keep[0];
	if (setpgid(0, 0) < 0 && !(errno == EPERM && (flags & SL_EXEC_NESTED)))
		child_fail(errfd, SL_STEP_PGRP);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		child_fail(errfd, SL_STEP_PDEATHSIG);
	if (getppid() != broker) {
		errno = ESRCH;
		child_fail(errfd, SL_STEP_PDEATHSIG);
	}
	if (fchdir(keep[2]) < 0)
		child_fail(errfd, SL_STEP_CWD);
	if (drop_caps() < 0)
		child_fail(errfd, SL_STEP_CAPS);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_fail(errfd, SL_STEP_NNP);
	if (st->ruleset_fd >= 0 && sl_ll_restrict_self(keep[3], 0) < 0)
		child_fail(errfd, SL_STEP_LANDLOCK);
	if (st->nnotify > 0 && hand_listener(st, errfd, keep[1]) < 0)
		child_fail(errfd, SL_STEP_NOTIFY);
	/* After the listener exists: --max-open-files may be tiny. */
	if (set_limits(&st->lim) < 0)
		child_fail(errfd, SL_STEP_RLIMIT);
	if (sc_load_stage(st, deny, ndeny) < 0)
		child_fail(errfd, SL_STEP_SECCOMP);
	execve(st->file, st->argv, st->envp != NULL ? st->envp :
	    (char *[]){ NULL });
	child_fail(errfd, SL_STEP_EXEC);
}

static void
spawn_failed(struct stage *st, struct m_exec_ans *ans, int step)
{
	ans->err = errno != 0 ? errno : EIO;
	ans->step = (uint32_t)step;
	stage_clear(st);
}

/*
 * Reads the child's reports until execve closes the pipe (0).  A listener
 * report is answered by taking the fd with pidfd_getfd and saying go.
 */
static int
await_exec(struct stage *st, int rd, int go, int *step)
{
	struct step_err e;
	ssize_t n;

	for (;;) {
		do {
			n = read(rd, &e, sizeof(e));
		} while (n < 0 && errno == EINTR);
		if (n == 0)
			return 0;
		*step = n == (ssize_t)sizeof(e) ? e.step : SL_STEP_FORK;
		errno = n == (ssize_t)sizeof(e) ? e.err : EIO;
		if (n != (ssize_t)sizeof(e) || e.step != SL_STEP_NONE)
			return -1;
		*step = SL_STEP_NOTIFY;
		if (st->listener >= 0 || (st->listener = (int)syscall(
		    SYS_pidfd_getfd, st->pidfd, e.err, 0)) < 0 ||
		    write(go, "g", 1) != 1)
			return -1;
	}
}

void
stage_spawn(struct stage *st, uint32_t idx, int cwd_fd, uint32_t flags,
    const uint32_t *deny, uint32_t ndeny, struct m_exec_ans *ans)
{
	int sp[2] = { -1, -1 }, gp[2] = { -1, -1 }, fds[3], step = 0, err;
	pid_t self = getpid(), pid;

	ans->stage = idx;
	if (brk_ll_abi < SL_LL_ABI_REQUIRED && !(flags & SL_EXEC_DEGRADED)) {
		errno = EOPNOTSUPP;
		spawn_failed(st, ans, SL_STEP_LANDLOCK_ABI);
		return;
	}
	pid = -1;
	if (pipe2(sp, O_CLOEXEC) == 0 && pipe2(gp, O_CLOEXEC) == 0)
		pid = fork();
	if (pid == 0) {
		fds[0] = sp[1];
		fds[1] = gp[0];
		fds[2] = cwd_fd;
		child(st, fds, self, deny, ndeny, flags);
	}
	sl_closep(&sp[1]);
	sl_closep(&gp[0]);
	if (pid > 0 && (st->pid = pid, st->pidfd = (int)syscall(
	    SYS_pidfd_open, pid, 0)) >= 0 && await_exec(st, sp[0], gp[1],
	    &step) == 0) {
		st->state = STAGE_RUNNING;
		ans->pid = (uint32_t)pid;
	} else {
		err = errno;
		if (pid > 0) {
			(void)kill(pid, SIGKILL);
			(void)waitpid(pid, NULL, 0);
		}
		errno = err;
		spawn_failed(st, ans, step != 0 ? step : SL_STEP_FORK);
	}
	sl_closep(&sp[0]);
	sl_closep(&gp[1]);
}
