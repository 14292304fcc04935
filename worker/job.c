/*
 * job.c: see job.h.  The planner never reads data between stages: it only
 * holds the fds until the broker has them, then closes its copies so that
 * end-of-file travels from stage to stage.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "brkclient.h"
#include "compat/landlock.h"
#include "job.h"
#include "mediate.h"
#include "netmed.h"
#include "msg.h"
#include "procfs.h"
#include "state.h"
#include "supervisor.h"
#include "util.h"

#define GRACE_MS	5000	/* for the broker to report killed stages */

struct buf {
	char *p;
	size_t len, cap;
};

struct jrun {
	struct jstage *st;
	size_t n;
	const struct sandlock_job_opts *o;
	struct brk b;
	int sup;			/* socket to the supervisor, or -1 */
	pid_t sup_pid;
	int cap[2];
	struct buf out[2];
	size_t running;
	bool timed_out;
	struct state_reg reg;		/* o->name's registry entry */
};

static const char *const step_names[SL_STEP_END] = {
	[SL_STEP_NONE] = "none", [SL_STEP_FORK] = "fork",
	[SL_STEP_FDS] = "fd setup", [SL_STEP_PGRP] = "process group",
	[SL_STEP_PDEATHSIG] = "parent-death signal",
	[SL_STEP_CWD] = "working directory",
	[SL_STEP_CAPS] = "dropping capabilities",
	[SL_STEP_NNP] = "no_new_privs",
	[SL_STEP_LANDLOCK_ABI] = "Landlock ABI",
	[SL_STEP_LANDLOCK] = "Landlock", [SL_STEP_SECCOMP] = "seccomp",
	[SL_STEP_EXEC] = "execve", [SL_STEP_RLIMIT] = "resource limits",
	[SL_STEP_NOTIFY] = "the supervisor's filter",
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Every fd the stage holds: nfds is only set once wiring is complete. */
static void
close_fds(struct jstage *s)
{
	uint32_t i;

	for (i = 0; i < SL_MAX_TARGETS; i++)
		sl_closep(&s->fds[i]);
}

void
job_stage_init(struct jstage *s)
{
	size_t k;

	memset(s, 0, sizeof(*s));
	for (k = 0; k < SL_MAX_TARGETS; k++)
		s->fds[k] = -1;
	s->plan.cwd_fd = -1;	/* 0 would be the caller's stdin */
}

void
job_stages_free(struct jstage *st, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		close_fds(&st[i]);
		plan_free(&st[i].plan);
		free(st[i].extra_env);
		st[i].extra_env = NULL;
	}
}

static void
not_run(struct jstage *s, int status, int err, const char *msg)
{
	size_t len = strnlen(msg, sizeof(s->errmsg) - 1);

	s->runnable = false;
	s->res.outcome = SANDLOCK_NOT_RUN;
	s->res.status = status;
	s->res.err = err;
	memcpy(s->errmsg, msg, len);	/* truncated to one line's room */
	s->errmsg[len] = '\0';
}

/* Plans every stage before anything starts. */
static int
plan_all(struct jrun *j, struct sandlock_error *e)
{
	struct sandlock_error se;
	struct pol_diag d;
	struct jstage *s;
	size_t i;

	for (i = 0; i < j->n; i++) {
		s = &j->st[i];
		s->runnable = true;
		if (pol_check(s->pol, &d) < 0)
			return j->n == 1 ? sl_err(e, errno, "%s", d.msg) :
			    sl_err(e, errno, "stage %zu (%s): %s", i + 1,
			    s->argv[0], d.msg);
		if (plan_build(s->pol, s->argv, s->extra_env, &s->plan, &s->res,
		    &se) == 0)
			continue;
		if (s->res.status != 127)
			return j->n == 1 ? sl_err(e, errno, "%s", se.msg) :
			    sl_err(e, errno, "stage %zu (%s): %s", i + 1,
			    s->argv[0], se.msg);
		not_run(s, 127, ENOENT, se.msg);
	}
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
check_abi(struct jrun *j, struct sandlock_error *e)
{
	int abi = j->b.ll_abi;
	size_t i;

	if (abi >= SL_LL_ABI_REQUIRED)
		return 0;
	for (i = 0; i < j->n; i++)
		if (!j->st[i].pol->allow_degraded)
			return sl_err(e, EOPNOTSUPP, "this kernel's Landlock "
			    "ABI is %d (%s); sandlock needs ABI %d (Linux 6.12 "
			    "or later) to enforce its policy: upgrade the "
			    "kernel, or pass --allow-degraded to run without "
			    "%s", abi, abi > 0 ? "Landlock present" :
			    "Landlock absent or disabled", SL_LL_ABI_REQUIRED,
			    ll_missing(abi));
	(void)fprintf(stderr, "sandlock: warning: Landlock ABI %d: not "
	    "enforced: %s\n", abi, ll_missing(abi));
	return 0;
}

/* Whether the supervisor mediates metadata calls for this policy. */
static bool
mediates(const struct pol *p)
{
	return p->fs_write.n > 0 && !p->no_supervisor;
}

/* Whether a stage needs the supervisor. */
static bool
supervised(const struct jstage *s)
{
	return pol_needs_supervisor(s->pol) || s->procfs;
}

static bool
needs_sup(const struct jrun *j)
{
	size_t i;

	for (i = 0; i < j->n; i++)
		if (j->st[i].runnable && supervised(&j->st[i]))
			return true;
	return false;
}

/* LIMITS and NOTIFY, for a policy that has limits or write rules. */
static int
send_limits(struct jrun *j, uint32_t idx, const struct jstage *s)
{
	static const uint32_t procs[] = SUP_NOTIFY_PROCS;
	static const uint32_t meta[] = MED_NOTIFY;
	static const uint32_t net[] = NET_NOTIFY;
	static const uint32_t proc[] = PROC_NOTIFY;
	const struct netplan *np = &j->st[idx].plan.net;
	uint32_t nrs[SL_NITEMS(procs) + SL_NITEMS(meta) + SL_NITEMS(net) +
	    SL_NITEMS(proc)];
	const struct pol *p = s->pol;
	uint32_t n = 0, i;
	struct m_limits l;

	memset(&l, 0, sizeof(l));
	l.stage = idx;
	l.nofile = p->max_nofile;
	l.fsize = p->max_fsize;
	l.cpu = p->cpu_secs;
	l.data = p->max_mem;
	if ((l.nofile | l.fsize | l.cpu | l.data) != 0 &&
	    brk_stage_limits(&j->b, &l) < 0)
		return -1;
	for (i = 0; p->max_procs != 0 && i < SL_NITEMS(procs); i++)
		nrs[n++] = procs[i];
	for (i = 0; mediates(p) && i < SL_NITEMS(meta); i++)
		nrs[n++] = meta[i];
	/* connect, listen with TCP, the three sends with datagrams */
	for (i = 0; np->connect && i < SL_NITEMS(net); i++)
		if ((net[i] != 50 || (np->flags & SL_NET_TCP)) &&
		    (i < 2 || np->sends))
			nrs[n++] = net[i];
	for (i = 0; s->procfs && i < SL_NITEMS(proc); i++)
		nrs[n++] = proc[i];
	if (n > 0 && brk_stage_notify(&j->b, idx, (uint32_t)j->sup_pid, nrs,
	    n) < 0)
		return -1;
	return 0;
}

/* A stage's rules, fds and strings: its spec but LIMITS, NOTIFY, EXEC. */
static int
send_spec(struct jrun *j, uint32_t idx, struct jstage *s)
{
	const struct plan *pl = &s->plan;
	struct brk *b = &j->b;
	size_t i, argc = 0;

	while (s->argv[argc] != NULL)
		argc++;
	if (brk_stage_begin(b, idx) < 0)
		return -1;
	if ((pl->net.flags != 0 || pl->net.nports != 0) && brk_stage_net(b,
	    idx, pl->net.flags, pl->net.ports, pl->net.nports) < 0)
		return -1;
	for (i = 0; i < pl->nrules; i++)
		if (brk_stage_path(b, idx, pl->rules[i].fd,
		    pl->rules[i].access) < 0)
			return -1;
	for (i = 0; i < s->nfds; i++)
		if (brk_stage_fd(b, idx, (uint32_t)i, s->fds[i]) < 0)
			return -1;
	if (brk_stage_strs(b, idx, SL_STR_FILE, &pl->file, 1) < 0 ||
	    brk_stage_strs(b, idx, SL_STR_ARGV, s->argv, argc) < 0 ||
	    brk_stage_strs(b, idx, SL_STR_ENV, pl->env.v, pl->env.n) < 0)
		return -1;
	return 0;
}

static int
send_exec(struct jrun *j, uint32_t idx, struct jstage *s,
    struct m_exec_ans *ans, int *listener)
{
	uint32_t flags = 0;

	if (s->pol->allow_degraded)
		flags |= SL_EXEC_DEGRADED;
	if (s->pol->no_supervisor)
		flags |= SL_EXEC_NESTED;
	return brk_stage_exec(&j->b, idx, flags, s->pol->deny,
	    (uint32_t)s->pol->ndeny, s->plan.cwd_fd, ans, listener);
}

/* Hands a started stage's limits and listener to the supervisor. */
static int
supervise(struct jrun *j, uint32_t idx, const struct jstage *s, int *lfd)
{
	struct sup_stage ss;
	size_t i;
	int r = 0;

	memset(&ss, 0, sizeof(ss));
	ss.stage = idx;
	ss.pgid = (uint32_t)s->pgid;
	ss.max_procs = s->pol->max_procs;
	ss.max_mem = s->pol->max_mem;
	ss.mediate = mediates(s->pol);
	if (s->plan.net.connect)
		ss.net = SUP_NET_ON | (s->plan.net.rules.deny ? SUP_NET_DENY :
		    0) | (s->plan.net.rules.unix_ok ? SUP_NET_UNIX : 0) |
		    (s->plan.net.rules.ephemeral_ok ? SUP_NET_EPHEMERAL : 0);
	for (i = 0; ss.net && r == 0 && i < s->plan.net.rules.n; i++)
		r = sup_add_net(j->sup, idx, &s->plan.net.rules.r[i]);
	ss.procfs = s->procfs;
	/* Every rule, for the opener's copy of the stage's ruleset. */
	for (i = 0; ss.procfs && r == 0 && i < s->plan.nrules; i++)
		r = sup_add_procrule(j->sup, idx, s->plan.rules[i].fd,
		    s->plan.rules[i].access);
	/* The write rules, as the very inodes the broker's ruleset holds. */
	for (i = 0; ss.mediate && r == 0 && i < s->plan.nrules; i++)
		if (s->plan.rules[i].access == SL_LL_FS_WRITE_SET)
			r = sup_add_rule(j->sup, idx, s->plan.rules[i].fd);
	if (r == 0)
		r = sup_add_stage(j->sup, &ss, *lfd);
	sl_closep(lfd);
	return r;
}

static void
exec_failed(struct jstage *s, const struct m_exec_ans *ans)
{
	const char *step = ans->step < SL_STEP_END ? step_names[ans->step] :
	    "an unknown step";
	char msg[512];

	if (ans->step == SL_STEP_EXEC && ans->err == ENOENT) {
		(void)snprintf(msg, sizeof(msg), "%s: no such file or "
		    "directory", s->plan.file);
		not_run(s, 127, ENOENT, msg);
	} else if (ans->step == SL_STEP_EXEC) {
		(void)snprintf(msg, sizeof(msg), "%s: cannot execute inside "
		    "the sandbox: %s%s", s->plan.file, strerror(ans->err),
		    ans->err == EACCES ? " (is it beneath a -r rule?)" : "");
		not_run(s, 126, ans->err, msg);
	} else {
		(void)snprintf(msg, sizeof(msg), "stage setup failed at %s: %s%s",
		    step, strerror(ans->err), ans->step == SL_STEP_PGRP &&
		    ans->err == EPERM ? " (inside another sandlock sandbox? "
		    "pass --no-supervisor)" : "");
		not_run(s, 125, ans->err, msg);
	}
}

/* Whether a request failed because the process at the other end died. */
static bool
peer_gone(int err)
{
	return err == EPIPE || err == ECONNRESET;
}

/* The broker died, or refused what stage i was sent. */
static int
refused(struct jrun *j, size_t i, struct sandlock_error *e)
{
	size_t k;

	for (k = 0; k < j->n; k++)
		close_fds(&j->st[k]);
	if (peer_gone(errno))
		return sl_err(e, EPIPE, "the broker died while starting stage "
		    "%zu; killed the sandbox", i + 1);
	return sl_err(e, errno, "the broker refused stage %zu: %s", i + 1,
	    strerror(errno));
}

/*
 * Every runnable stage's spec, as soon as it is planned: the broker
 * checks and files its rules and strings while the planner looks for
 * procfs mounts, and its limits while the planner registers the job and
 * confines itself.  Whether a stage reaches /proc decides its notify
 * list and whether a supervisor runs, which its NOTIFY names.
 */
static int
send_specs(struct jrun *j, struct sandlock_error *e)
{
	struct jstage *s;
	size_t i;

	for (i = 0; i < j->n; i++)
		if (j->st[i].runnable && send_spec(j, (uint32_t)i,
		    &j->st[i]) < 0)
			return refused(j, i, e);
	/* Without a supervisor nothing can hide other processes' /proc
	 * entries (sandlock(1)). */
	for (i = 0; i < j->n; i++) {
		s = &j->st[i];
		s->procfs = s->runnable && !s->pol->no_supervisor &&
		    proc_reachable(&s->plan);
	}
	if (needs_sup(j) && (j->sup_pid = sup_start(&j->sup)) < 0)
		return sl_err(e, errno, "unable to start the supervisor: %s",
		    strerror(errno));
	for (i = 0; i < j->n; i++)
		if (j->st[i].runnable && send_limits(j, (uint32_t)i,
		    &j->st[i]) < 0)
			return refused(j, i, e);
	return 0;
}

/* Starts every runnable stage (EXEC); closes each stage's fds then. */
static int
start_all(struct jrun *j, struct sandlock_error *e)
{
	struct m_exec_ans ans;
	struct jstage *s;
	int lfd = -1;
	size_t i;

	for (i = 0; i < j->n; i++) {
		s = &j->st[i];
		(void)clock_gettime(CLOCK_REALTIME, &s->t_start);
		if (s->runnable) {
			if (send_exec(j, (uint32_t)i, s, &ans, &lfd) < 0) {
				sl_closep(&lfd);	/* EPROTO after it came */
				return refused(j, i, e);
			}
			if (ans.err != 0)
				exec_failed(s, &ans);
			else {
				s->running = true;
				s->pgid = (pid_t)ans.pid;
				j->running++;
			}
			if (s->running && supervised(s)) {
				if (supervise(j, (uint32_t)i, s, &lfd) < 0) {
					close_fds(s);
					if (peer_gone(errno))
						return sl_err(e, EPIPE, "the "
						    "supervisor died while "
						    "starting stage %zu; killed "
						    "the sandbox", i + 1);
					return sl_err(e, errno, "the supervisor "
					    "refused stage %zu: %s", i + 1,
					    strerror(errno));
				}
				s->supervised = true;
			}
			sl_closep(&lfd);
		}
		close_fds(s);
	}
	return 0;
}

static void
set_status(struct jstage *s, int ws, bool timed_out)
{
	s->running = false;
	(void)clock_gettime(CLOCK_REALTIME, &s->t_end);
	s->res.err = 0;
	if (timed_out) {
		s->res.outcome = SANDLOCK_TIMEOUT;
		s->res.status = 0;
	} else if (s->mem_killed) {
		s->res.outcome = SANDLOCK_MEMORY;
		s->res.status = SIGKILL;
	} else if (WIFSIGNALED(ws)) {
		s->res.outcome = SANDLOCK_SIGNALED;
		s->res.status = WTERMSIG(ws);
	} else {
		s->res.outcome = SANDLOCK_EXITED;
		s->res.status = WEXITSTATUS(ws);
	}
}

static void
signal_all(struct jrun *j, int sig)
{
	size_t i;

	for (i = 0; i < j->n; i++)
		if (j->st[i].running)
			(void)brk_stage_kill(&j->b, (uint32_t)i, sig);
}

/* Nothing of a stage may outlive a broker that died or hangs. */
static int
broker_lost(struct jrun *j, struct sandlock_error *e)
{
	size_t i;

	for (i = 0; i < j->n; i++)
		if (j->st[i].running) {
			(void)killpg(j->st[i].pgid, SIGKILL);
			j->st[i].running = false;
			not_run(&j->st[i], 125, EPIPE, "the broker died");
		}
	if (j->b.pid > 0)
		(void)kill(j->b.pid, SIGKILL);
	return sl_err(e, EPIPE, "the broker died or stopped answering; "
	    "killed the sandbox");
}

/* The supervisor died: nothing may run unmediated. */
static int
sup_lost(struct jrun *j, struct sandlock_error *e)
{
	size_t i;

	for (i = 0; i < j->n; i++)
		if (j->st[i].running) {
			(void)brk_stage_kill(&j->b, (uint32_t)i, SIGKILL);
			(void)killpg(j->st[i].pgid, SIGKILL);
		}
	(void)broker_lost(j, NULL);
	return sl_err(e, EPIPE, "the supervisor died; killed the sandbox");
}

static struct msg smsg;

/* A memory kill report from the supervisor. */
static int
on_sup_msg(struct jrun *j)
{
	struct sup_memkill mk;

	if (msg_recv(j->sup, &smsg) <= 0)
		return -1;
	msg_free(&smsg);
	if (smsg.hdr.type != SUP_MEMKILL || smsg.bodylen != sizeof(mk))
		return -1;
	memcpy(&mk, smsg.body, sizeof(mk));
	if (mk.stage < j->n)
		j->st[mk.stage].mem_killed = true;
	return 0;
}

static int
on_exit_msg(struct jrun *j)
{
	struct m_exit ex;

	if (brk_recv_exit(&j->b, &ex) != 1 || ex.stage >= j->n ||
	    !j->st[ex.stage].running)
		return -1;
	set_status(&j->st[ex.stage], ex.wstatus, j->timed_out);
	j->running--;
	return 0;
}

static void
drain(struct jrun *j, int k)
{
	struct buf *b = &j->out[k];
	ssize_t n;
	char *p;

	if (b->cap - b->len < 65536 + 1) {
		size_t cap = b->cap ? b->cap * 2 : 131072;

		if ((p = realloc(b->p, cap)) == NULL) {
			sl_closep(&j->cap[k]);	/* out of memory: stop reading */
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	n = read(j->cap[k], b->p + b->len, 65536);
	if (n > 0)
		b->len += (size_t)n;
	else if (n == 0 || (errno != EINTR && errno != EAGAIN))
		sl_closep(&j->cap[k]);
}

static int
wait_all(struct jrun *j, struct sandlock_error *e)
{
	const struct sandlock_job_opts *o = j->o;
	int64_t deadline = o->timeout_ms ? now_ms() + (int64_t)o->timeout_ms : 0;
	struct pollfd pfd[5];
	int n, sig, k;

	while (j->running > 0 || j->cap[0] >= 0 || j->cap[1] >= 0) {
		int wait_ms = -1;

		if (j->b.npending > 0) {
			if (on_exit_msg(j) < 0)
				return broker_lost(j, e);
			continue;
		}
		if (deadline != 0)
			wait_ms = deadline > now_ms() ?
			    (int)(deadline - now_ms()) : 0;
		pfd[0].fd = j->running > 0 ? j->b.sock : -1;
		pfd[1].fd = o->cancel_fd;
		pfd[2].fd = j->cap[0];
		pfd[3].fd = j->cap[1];
		pfd[4].fd = j->running > 0 ? j->sup : -1;
		for (k = 0; k < 5; k++)
			pfd[k].events = POLLIN;
		if ((n = poll(pfd, 5, wait_ms)) < 0 && errno != EINTR)
			return broker_lost(j, e);
		if (pfd[4].revents != 0 && on_sup_msg(j) < 0)
			return sup_lost(j, e);
		if (n == 0 && (j->timed_out || j->running == 0))
			return j->running > 0 ? broker_lost(j, e) : 0;
		if (n == 0) {
			j->timed_out = true;
			signal_all(j, SIGKILL);
			deadline = now_ms() + GRACE_MS;
			continue;
		}
		if ((pfd[1].revents & POLLIN) &&
		    read(o->cancel_fd, &sig, sizeof(sig)) == sizeof(sig) &&
		    sig > 0 && sig < 65)
			signal_all(j, sig);
		for (k = 0; k < 2; k++)
			if (pfd[2 + k].revents != 0)
				drain(j, k);
		if (pfd[0].revents != 0 && on_exit_msg(j) < 0)
			return broker_lost(j, e);
	}
	return 0;
}

/* The job's status: the last stage's, or with pipefail the last failure. */
static void
job_status(struct jrun *j, struct sandlock_result *r)
{
	size_t i;

	*r = j->st[j->n - 1].res;
	if (j->timed_out) {
		r->outcome = SANDLOCK_TIMEOUT;
		r->status = 0;
		r->err = 0;
		return;
	}
	if (!j->o->pipefail)
		return;
	for (i = j->n; i-- > 0; ) {
		const struct sandlock_result *s = &j->st[i].res;

		if (s->outcome != SANDLOCK_EXITED || s->status != 0) {
			*r = *s;
			return;
		}
	}
}

static int
fill_result(struct jrun *j, struct sandlock_job_result *out)
{
	size_t i, k;

	out->nstages = j->n;
	out->stages = calloc(j->n, sizeof(*out->stages));
	out->errors = calloc(j->n, sizeof(*out->errors));
	if (out->stages == NULL || out->errors == NULL)
		return -1;
	for (i = 0; i < j->n; i++) {
		out->stages[i] = j->st[i].res;
		memcpy(out->errors[i], j->st[i].errmsg, sizeof(out->errors[i]));
	}
	job_status(j, &out->status);
	for (k = 0; k < 2; k++) {
		struct buf *b = &j->out[k];

		if (!j->o->capture)
			continue;
		if (b->p == NULL && (b->p = malloc(1)) == NULL)
			return -1;
		b->p[b->len] = '\0';
		if (k == 0) {
			out->out = b->p;
			out->outlen = b->len;
		} else {
			out->err = b->p;
			out->errlen = b->len;
		}
		b->p = NULL;
	}
	return 0;
}

/* The supervisor's denial counts, for the audit (all stages are done). */
static void
count_denials(struct jrun *j)
{
	struct sup_counts c;
	size_t i;

	if (j->sup < 0 || sup_query(j->sup, &c) < 0)
		return;
	for (i = 0; i < j->n; i++)
		j->st[i].denied = c.denied[i];
}

/* The planner's own Landlock domain, once the state directory is open. */
static int
confine(struct jrun *j, const struct sandlock_job_opts *o,
    struct sandlock_error *e)
{
	if (o->confine_self && plan_confine_self(j->b.ll_abi, j->reg.dfd) < 0)
		return sl_err(e, errno, "unable to confine the planner: %s",
		    strerror(errno));
	return 0;
}

int
job_exec(struct jstage *st, size_t n, const struct sandlock_job_opts *o,
    int cap[2], struct sandlock_job_result *out, struct sandlock_error *e)
{
	struct sandlock_error le;
	struct jrun j;
	const char *bpath;
	int rc = -1, saved;
	bool late;

	memset(&j, 0, sizeof(j));
	j.st = st;
	j.n = n;
	j.o = o;
	j.b.sock = -1;
	j.sup = -1;
	j.cap[0] = cap[0];	/* ours now, closed at done */
	j.cap[1] = cap[1];
	cap[0] = cap[1] = -1;
	j.reg.dfd = j.reg.fd = -1;
	memset(out, 0, sizeof(*out));
	out->status.outcome = SANDLOCK_NOT_RUN;
	out->status.status = 125;
	/*
	 * The broker starts first: it execs and loads its filter on one core
	 * while the planner plans and sends the stages' specs on the other;
	 * the broker files them as they come.
	 */
	if (brk_start(&j.b, &bpath) < 0) {
		if (peer_gone(errno) && j.b.wstatus != -1)
			(void)sl_err(e, EPIPE, "the broker %s died at start "
			    "(%s %d)", bpath, WIFSIGNALED(j.b.wstatus) ?
			    "killed by signal" : "exit status",
			    WIFSIGNALED(j.b.wstatus) ?
			    WTERMSIG(j.b.wstatus) : WEXITSTATUS(j.b.wstatus));
		else
			(void)sl_err(e, errno, "unable to start the broker %s: "
			    "%s (is sandlock installed completely?)", bpath,
			    strerror(errno));
		goto done;
	}
	if (plan_all(&j, e) < 0)
		goto done;
	if (send_specs(&j, e) < 0) {
		(void)broker_lost(&j, NULL);
		goto done;
	}
	/*
	 * The entry is created before confinement and locked until the end;
	 * under --name before any stage starts (the name may be taken).  A
	 * default name holds our pid and cannot be: its entry comes once the
	 * stages run, off their start's path, and failing that the job runs
	 * unregistered, as it does where the state directory is out of reach.
	 */
	late = o->name != NULL && state_name_ours(o->name);
	if (o->name != NULL && !late && state_register(o->name, st, n, &j.reg,
	    e) < 0)
		goto done;
	/* The audit record's user name: /etc/passwd is out of reach later. */
	if (o->audit_fd >= 0)
		(void)state_user_name(getuid());
	if (check_abi(&j, e) < 0)
		goto done;
	if (!late && confine(&j, o, e) < 0)
		goto done;
	if (start_all(&j, e) < 0) {
		(void)broker_lost(&j, NULL);
		goto done;
	}
	if (late) {
		if (state_register(o->name, st, n, &j.reg, &le) < 0)
			(void)fprintf(stderr, "sandlock: warning: %s; the job runs "
			    "unregistered\n", le.msg);
		if (confine(&j, o, e) < 0) {
			(void)broker_lost(&j, NULL);
			goto done;
		}
	}
	if (wait_all(&j, e) < 0)
		goto done;
	count_denials(&j);
	if (fill_result(&j, out) < 0) {
		sandlock_job_result_free(out);
		(void)sl_err(e, ENOMEM, "out of memory");
	} else
		rc = 0;
done:
	saved = errno != 0 ? errno : EIO;
	/* The broker (which kills what is left of the job) and the
	 * supervisor exit on EOF while we finish; they are reaped last. */
	sl_closep(&j.b.sock);
	sl_closep(&j.sup);
	if (o->audit_fd >= 0 && audit_write(o->audit_fd, o->name, st, n,
	    rc < 0 && e != NULL ? e->msg : NULL) < 0)
		(void)fprintf(stderr, "sandlock: warning: unable to append to "
		    "the audit file: %s\n", strerror(errno));
	state_unregister(&j.reg);
	sl_closep(&j.cap[0]);
	sl_closep(&j.cap[1]);
	free(j.out[0].p);
	free(j.out[1].p);
	job_stages_free(st, n);
	brk_stop(&j.b);
	if (j.sup_pid > 0)
		while (waitpid(j.sup_pid, NULL, 0) < 0 && errno == EINTR)
			;
	errno = rc < 0 ? saved : 0;
	return rc;
}
