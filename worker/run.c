/*
 * run.c: sandlock_run(): plan, start the broker, (confine the planner),
 * send the stage, wait for its exit, a timeout or a forwarded signal.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "brkclient.h"
#include "compat/landlock.h"
#include "plan.h"

#define GRACE_MS	5000	/* for the broker to report a killed stage */

static const char *const step_names[SL_STEP_END] = {
	[SL_STEP_NONE] = "none", [SL_STEP_FORK] = "fork",
	[SL_STEP_FDS] = "fd setup", [SL_STEP_SESSION] = "new session",
	[SL_STEP_PDEATHSIG] = "parent-death signal",
	[SL_STEP_CWD] = "working directory",
	[SL_STEP_CAPS] = "dropping capabilities",
	[SL_STEP_NNP] = "no_new_privs",
	[SL_STEP_LANDLOCK_ABI] = "Landlock ABI",
	[SL_STEP_LANDLOCK] = "Landlock", [SL_STEP_SECCOMP] = "seccomp",
	[SL_STEP_EXEC] = "execve",
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
not_run(struct sandlock_result *r, int status, int err)
{
	r->outcome = SANDLOCK_NOT_RUN;
	r->status = status;
	r->err = err;
	return 0;
}

/* What the kernel's Landlock lacks, for the degraded warning. */
static const char *
ll_missing(int abi)
{
	if (abi <= 0)
		return "all filesystem, network and IPC rules";
	if (abi < 3)
		return "truncate, TCP, device ioctl, IPC and signal scoping";
	if (abi < 4)
		return "TCP, device ioctl, IPC and signal scoping";
	if (abi < 5)
		return "device ioctl, IPC and signal scoping";
	return "IPC and signal scoping";
}

static int
check_abi(const struct pol *p, int abi, struct sandlock_result *r,
    struct sandlock_error *e)
{
	if (abi >= SL_LL_ABI_REQUIRED)
		return 0;
	if (!p->allow_degraded) {
		(void)sl_err(e, EOPNOTSUPP, "this kernel's Landlock ABI is %d "
		    "(%s); sandlock needs ABI %d (Linux 6.12 or later) to "
		    "enforce its policy: upgrade the kernel, or pass "
		    "--allow-degraded to run without %s", abi, abi > 0 ?
		    "Landlock present" : "Landlock absent or disabled",
		    SL_LL_ABI_REQUIRED, ll_missing(abi));
		not_run(r, 125, EOPNOTSUPP);
		return -1;
	}
	(void)fprintf(stderr, "sandlock: warning: Landlock ABI %d: not "
	    "enforced: %s\n", abi, ll_missing(abi));
	return 0;
}

static int
send_stage(struct brk *b, const struct pol *p, const struct plan *pl,
    char *const argv[], const int stdio[3], struct m_exec_ans *ans)
{
	size_t i, argc = 0;

	while (argv[argc] != NULL)
		argc++;
	if (brk_stage_begin(b, 0) < 0)
		return -1;
	for (i = 0; i < pl->nrules; i++)
		if (brk_stage_path(b, 0, pl->rules[i].fd,
		    pl->rules[i].access) < 0)
			return -1;
	for (i = 0; i < 3; i++)
		if (brk_stage_fd(b, 0, (uint32_t)i, stdio[i]) < 0)
			return -1;
	if (brk_stage_strs(b, 0, SL_STR_FILE, &pl->file, 1) < 0 ||
	    brk_stage_strs(b, 0, SL_STR_ARGV, argv, argc) < 0 ||
	    brk_stage_strs(b, 0, SL_STR_ENV, pl->env.v, pl->env.n) < 0)
		return -1;
	return brk_stage_exec(b, 0, p->allow_degraded ? SL_EXEC_DEGRADED : 0,
	    p->deny, (uint32_t)p->ndeny, pl->cwd_fd, ans);
}

static int
exec_failed(const struct plan *pl, const struct m_exec_ans *ans,
    struct sandlock_result *r, struct sandlock_error *e)
{
	const char *step = ans->step < SL_STEP_END ? step_names[ans->step] :
	    "unknown step";

	if (ans->step == SL_STEP_EXEC && ans->err == ENOENT) {
		not_run(r, 127, ENOENT);
		return sl_err(e, ENOENT, "%s: no such file or directory",
		    pl->file);
	}
	if (ans->step == SL_STEP_EXEC) {
		not_run(r, 126, ans->err);
		return sl_err(e, ans->err, "%s: cannot execute inside the "
		    "sandbox: %s%s", pl->file, strerror(ans->err),
		    ans->err == EACCES ? " (is it beneath a -r rule?)" : "");
	}
	not_run(r, 125, ans->err);
	return sl_err(e, ans->err, "stage setup failed at %s: %s", step,
	    strerror(ans->err));
}

static void
set_status(struct sandlock_result *r, int ws, int timed_out)
{
	r->err = 0;
	if (timed_out) {
		r->outcome = SANDLOCK_TIMEOUT;
		r->status = 0;
	} else if (WIFSIGNALED(ws)) {
		r->outcome = SANDLOCK_SIGNALED;
		r->status = WTERMSIG(ws);
	} else {
		r->outcome = SANDLOCK_EXITED;
		r->status = WEXITSTATUS(ws);
	}
}

/* Waits for the stage's EXIT; kills it at the deadline; forwards signals. */
static int
wait_stage(struct brk *b, const struct pol *p, pid_t pgid, int cancel_fd,
    struct sandlock_result *r, struct sandlock_error *e)
{
	int64_t deadline = p->timeout_ms ? now_ms() + (int64_t)p->timeout_ms : 0;
	struct pollfd pfd[2];
	struct m_exit ex;
	int timed_out = 0, n, rc, sig;

	for (;;) {
		int wait_ms = -1;

		if (deadline != 0)
			wait_ms = deadline > now_ms() ? (int)(deadline -
			    now_ms()) : 0;
		pfd[0].fd = b->sock;
		pfd[0].events = POLLIN;
		pfd[1].fd = cancel_fd;
		pfd[1].events = POLLIN;
		n = poll(pfd, cancel_fd >= 0 ? 2 : 1, wait_ms);
		if (n < 0 && errno != EINTR)
			break;
		if (n == 0 && !timed_out) {
			timed_out = 1;
			if (brk_stage_kill(b, 0, SIGKILL) < 0)
				break;
			deadline = now_ms() + GRACE_MS;
			continue;
		}
		if (n == 0)
			break;
		if (cancel_fd >= 0 && (pfd[1].revents & POLLIN) &&
		    read(cancel_fd, &sig, sizeof(sig)) == sizeof(sig) &&
		    brk_stage_kill(b, 0, sig) < 0)
			break;
		if (pfd[0].revents == 0)
			continue;
		if ((rc = brk_recv_exit(b, &ex)) == 1) {
			set_status(r, ex.wstatus, timed_out);
			return 0;
		}
		break;
	}
	/* The broker is gone or wedged: nothing of the stage may live on. */
	(void)kill(pgid, SIGKILL);
	(void)killpg(pgid, SIGKILL);
	(void)kill(b->pid, SIGKILL);
	not_run(r, 125, EPIPE);
	return sl_err(e, EPIPE, "the broker died or stopped answering; "
	    "killed the sandbox");
}

static int
run_planned(const struct pol *p, const struct plan *pl, char *const argv[],
    const struct sandlock_run_opts *o, struct sandlock_result *r,
    struct sandlock_error *e)
{
	struct brk b = { -1, 0, 0, 0 };
	struct m_exec_ans ans;
	const char *bpath;
	int stdio[3], i, rc;

	if (brk_start(&b, &bpath) < 0)
		return sl_err(e, errno, "unable to start the broker %s: %s "
		    "(is sandlock installed completely?)", bpath,
		    strerror(errno));
	rc = -1;
	if (check_abi(p, b.ll_abi, r, e) < 0)
		goto out;
	if (o->confine_self && plan_confine_self(b.ll_abi) < 0) {
		(void)sl_err(e, errno, "unable to confine the planner: %s",
		    strerror(errno));
		goto out;
	}
	for (i = 0; i < 3; i++)
		stdio[i] = o->stdio[i] >= 0 ? o->stdio[i] : i;
	if (send_stage(&b, p, pl, argv, stdio, &ans) < 0) {
		(void)sl_err(e, errno, "the broker refused the stage: %s",
		    strerror(errno));
		goto out;
	}
	if (ans.err != 0) {
		rc = exec_failed(pl, &ans, r, e);
		goto out;
	}
	rc = wait_stage(&b, p, (pid_t)ans.pid, o->cancel_fd, r, e);
out:
	brk_stop(&b);
	return rc;
}

int
sandlock_run(const struct sandlock_policy *sp, char *const argv[],
    const struct sandlock_run_opts *o, struct sandlock_result *r,
    struct sandlock_error *e)
{
	struct sandlock_run_opts dflt;
	struct plan pl;
	int rc;

	if (o == NULL) {
		sandlock_run_opts_init(&dflt);
		o = &dflt;
	}
	not_run(r, 125, 0);
	rc = plan_build(&sp->pol, argv, &pl, r, e);
	if (rc == 0)
		rc = run_planned(&sp->pol, &pl, argv, o, r, e);
	plan_free(&pl);
	if (rc < 0 && r->err == 0)
		r->err = errno;
	return rc;
}
