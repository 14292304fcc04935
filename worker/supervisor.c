/*
 * supervisor.c: see supervisor.h.
 *
 * Process limit (-P N): clone, fork and vfork are notified.  The count of
 * tasks (processes and threads) alive in the stage's process group, which
 * no task can leave, comes from a /proc scan plus the forks allowed whose
 * caller had not yet returned from them, so forks racing from several
 * tasks cannot slip past it.  Between scans, each allowed fork adds one:
 * an upper bound (exits only lower the truth), so a scan is needed only
 * when the bound reaches N.  At N: EAGAIN.  The arguments are registers;
 * nothing is read from the stage's memory, and CONTINUE is safe.
 *
 * Memory (-m SIZE): every process has RLIMIT_DATA = SIZE (the broker sets
 * it); the supervisor samples the group's resident anonymous and shared
 * memory plus swap every 50 ms and kills the group when the sum is over.
 *
 * Metadata calls: mediate.c.  Opens and listings when a rule reaches
 * /proc: procfs.c.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "compat/seccomp.h"
#include "mediate.h"
#include "netmed.h"
#include "msg.h"
#include "procfs.h"
#include "proto.h"
#include "supervisor.h"
#include "wutil.h"

#define SAMPLE_MS	50
#define MAX_INFLIGHT	64

struct sstage {
	bool active;
	struct sup_stage cfg;
	struct med_rules mr;
	struct net_rules nr;
	int listener;			/* -1: none or closed */
	pid_t inflight[MAX_INFLIGHT];	/* tids inside an allowed fork */
	int ninflight;
	uint64_t denied;		/* error answers given */
	long base;			/* tasks at the last scan, -1: none */
	long since;			/* forks allowed since that scan */
	int killed;
};

static struct sstage stages[SL_MAX_STAGES];	/* by stage index */
static int ctl = -1;

/* Reads a small /proc file into buf; its length, or -1. */
static ssize_t
read_proc(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	sl_close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/* pgrp (field 5) and num_threads (field 20) of /proc/PID/stat. */
static int
stat_of(const char *pid, long *pgrp, long *threads)
{
	char path[64], buf[1024], *p;
	int i;

	(void)snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	if (read_proc(path, buf, sizeof(buf)) <= 0 ||
	    (p = strrchr(buf, ')')) == NULL)
		return -1;
	/* after ") S ": ppid pgrp ... field 20 is 17 fields after field 3 */
	for (i = 0; i < 2 && p != NULL; i++)
		p = strchr(p + 1, ' ');
	if (p == NULL || sscanf(p + 1, "%*d %ld", pgrp) != 1)
		return -1;
	for (i = 0; i < 16 && p != NULL; i++)
		p = strchr(p + 1, ' ');
	return p != NULL && sscanf(p + 1, "%ld", threads) == 1 ? 0 : -1;
}

/* Calls fn for each process of the group; sums what it returns. */
static long
for_group(pid_t pgid, long (*fn)(const char *pid, long threads))
{
	struct dirent *de;
	long pgrp, threads, sum = 0;
	DIR *d = opendir("/proc");

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] >= '1' && de->d_name[0] <= '9' &&
		    stat_of(de->d_name, &pgrp, &threads) == 0 && pgrp == pgid)
			sum += fn(de->d_name, threads);
	(void)closedir(d);
	return sum;
}

static long
count_threads(const char *pid, long threads)
{
	(void)pid;
	return threads;
}

/* Resident anonymous + shmem + swap of one process, in KiB. */
static long
mem_of(const char *pid, long threads)
{
	static const char *const keys[] = { "RssAnon:", "RssShmem:",
	    "VmSwap:" };
	char path[sizeof("/proc//status") + NAME_MAX], buf[4096], *p;
	long kb = 0, v;
	size_t i;

	(void)threads;
	(void)snprintf(path, sizeof(path), "/proc/%s/status", pid);
	if (read_proc(path, buf, sizeof(buf)) <= 0)
		return 0;
	for (i = 0; i < SL_NITEMS(keys); i++)
		if ((p = strstr(buf, keys[i])) != NULL &&
		    sscanf(p + strlen(keys[i]), "%ld", &v) == 1)
			kb += v;
	return kb;
}

/* Whether task tid is still inside clone, fork or vfork. */
static int
in_fork(pid_t tid)
{
	char path[64], buf[64];
	int nr;

	(void)snprintf(path, sizeof(path), "/proc/%d/syscall", (int)tid);
	if (read_proc(path, buf, sizeof(buf)) <= 0)
		return errno != ENOENT && errno != ESRCH;	/* unknown: yes */
	return sscanf(buf, "%d", &nr) == 1 && nr >= 56 && nr <= 58;
}

static void
forget(struct sstage *st, int i)
{
	st->inflight[i] = st->inflight[--st->ninflight];
}

/* The answer to a fork-like call under -P. */
static void
on_fork(struct sstage *st, const struct seccomp_notif *n,
    struct seccomp_notif_resp *r)
{
	long live;
	int i;

	/* The caller is back from its last fork, if it had one. */
	for (i = st->ninflight - 1; i >= 0; i--)
		if (st->inflight[i] == (pid_t)n->pid)
			forget(st, i);
	if (st->base < 0 || st->base + st->since >= (long)st->cfg.max_procs) {
		for (i = st->ninflight - 1; i >= 0; i--)
			if (!in_fork(st->inflight[i]))
				forget(st, i);
		live = for_group((pid_t)st->cfg.pgid, count_threads);
		st->base = live < 0 ? (long)st->cfg.max_procs :
		    live + st->ninflight;
		st->since = 0;
	}
	if (st->ninflight >= MAX_INFLIGHT ||
	    st->base + st->since >= (long)st->cfg.max_procs) {
		r->error = -EAGAIN;
		return;
	}
	st->inflight[st->ninflight++] = (pid_t)n->pid;
	st->since++;
	r->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
}

static void
serve(struct sstage *st)
{
	struct seccomp_notif n;
	struct seccomp_notif_resp r;
	int h;

	memset(&n, 0, sizeof(n));
	if (ioctl(st->listener, SECCOMP_IOCTL_NOTIF_RECV, &n) < 0) {
		if (errno != EINTR && errno != ENOENT)
			sl_closep(&st->listener);
		return;
	}
	memset(&r, 0, sizeof(r));
	r.id = n.id;
	r.error = -EPERM;	/* the default answer */
	if (n.data.nr >= 56 && n.data.nr <= 58 && st->cfg.max_procs != 0)
		on_fork(st, &n, &r);
	else if (st->cfg.procfs && (h = proc_handle(st->cfg.stage,
	    st->listener, &n, &r)) != 0) {
		if (h == 2)
			return;		/* answered with the fd */
	} else if ((st->cfg.net & SUP_NET_ON) && (h = net_handle(&st->nr,
	    &st->mr, st->listener, &n, &r)) != 0) {
		if (h == 2)
			return;		/* a thread answers */
	} else if (st->cfg.mediate)
		(void)med_handle(&st->mr, st->listener, &n, &r);
	if (r.flags & SECCOMP_USER_NOTIF_FLAG_CONTINUE)
		r.error = 0;
	if (r.error < 0)
		st->denied++;
	/* ENOENT: the task is gone or was interrupted; nothing to do. */
	(void)ioctl(st->listener, SECCOMP_IOCTL_NOTIF_SEND, &r);
}

static void
sample(void)
{
	struct sup_memkill mk;
	long kb;
	size_t i;

	for (i = 0; i < SL_MAX_STAGES; i++) {
		struct sstage *st = &stages[i];

		if (!st->active || st->cfg.max_mem == 0 || st->killed)
			continue;
		kb = for_group((pid_t)st->cfg.pgid, mem_of);
		if (kb < 0 || (uint64_t)kb * 1024 <= st->cfg.max_mem)
			continue;
		memset(&mk, 0, sizeof(mk));
		mk.stage = st->cfg.stage;
		mk.used = (uint64_t)kb * 1024;
		st->killed = 1;
		(void)msg_send(ctl, SUP_MEMKILL, 0, &mk, sizeof(mk), NULL, 0);
		(void)killpg((pid_t)st->cfg.pgid, SIGKILL);
	}
}

static struct msg rmsg;

static int
on_rule(void)
{
	struct sup_rule ru;

	memcpy(&ru, rmsg.body, sizeof(ru));
	if (rmsg.nfds != 1 || ru.stage >= SL_MAX_STAGES ||
	    stages[ru.stage].active)
		return -1;
	return med_add_rule(&stages[ru.stage].mr, rmsg.fds[0]);
}

static int
on_net(void)
{
	struct pol_net_rule *r;
	struct sup_net w;
	int rc = -1;

	memcpy(&w, rmsg.body, sizeof(w));
	if (w.stage >= SL_MAX_STAGES || stages[w.stage].active ||
	    w.nports > POL_NET_MAXPORTS || w.prefix > 128 ||
	    rmsg.bodylen != sizeof(w) + 2 * w.nports ||
	    (r = calloc(1, sizeof(*r))) == NULL)
		return -1;
	r->proto = w.proto;
	r->family = w.family;
	r->prefix = (uint8_t)w.prefix;
	memcpy(r->addr, w.addr, sizeof(r->addr));
	r->any_port = w.any_port != 0;
	r->nports = w.nports;
	memcpy(r->ports, rmsg.body + sizeof(w), 2 * (size_t)w.nports);
	rc = net_add_rule(&stages[w.stage].nr, r);
	free(r);
	return rc;
}

static int
on_procrule(void)
{
	struct sup_procrule ru;

	memcpy(&ru, rmsg.body, sizeof(ru));
	if (rmsg.nfds != 1 || ru.stage >= SL_MAX_STAGES ||
	    stages[ru.stage].active)
		return -1;
	return proc_add_rule(ru.stage, rmsg.fds[0], ru.access);
}

static int
on_ctl(void)
{
	struct sup_stage cfg;
	struct sstage *st;
	int r;

	if ((r = msg_recv(ctl, &rmsg)) <= 0)
		return -1;
	if (rmsg.hdr.type == SUP_QUERY && rmsg.bodylen == 0 &&
	    rmsg.nfds == 0) {
		struct sup_counts sc;
		size_t i;

		for (i = 0; i < SL_MAX_STAGES; i++)
			sc.denied[i] = stages[i].denied;
		return msg_send(ctl, SUP_COUNTS, 0, &sc, sizeof(sc), NULL, 0);
	}
	if (rmsg.hdr.type == SUP_PROCRULE && rmsg.bodylen ==
	    sizeof(struct sup_procrule)) {
		r = on_procrule();
		msg_free(&rmsg);
		return r;
	}
	if (rmsg.hdr.type == SUP_RULE && rmsg.bodylen ==
	    sizeof(struct sup_rule)) {
		r = on_rule();
		msg_free(&rmsg);
		return r;
	}
	if (rmsg.hdr.type == SUP_NET && rmsg.nfds == 0 &&
	    rmsg.bodylen >= sizeof(struct sup_net)) {
		r = on_net();
		msg_free(&rmsg);
		return r;
	}
	if (rmsg.hdr.type != SUP_STAGE || rmsg.bodylen != sizeof(cfg)) {
		msg_free(&rmsg);
		return -1;
	}
	memcpy(&cfg, rmsg.body, sizeof(cfg));
	if (cfg.stage >= SL_MAX_STAGES || stages[cfg.stage].active) {
		msg_free(&rmsg);
		return -1;
	}
	st = &stages[cfg.stage];
	st->active = true;
	st->cfg = cfg;
	st->nr.deny = (cfg.net & SUP_NET_DENY) != 0;
	st->nr.unix_ok = (cfg.net & SUP_NET_UNIX) != 0;
	st->nr.ephemeral_ok = (cfg.net & SUP_NET_EPHEMERAL) != 0;
	st->listener = rmsg.nfds == 1 ? msg_take_fd(&rmsg, 0) : -1;
	st->base = -1;
	msg_free(&rmsg);
	if (cfg.procfs && proc_start(cfg.stage, (pid_t)cfg.pgid) < 0)
		return -1;
	/* Measured here: 140-285 us a notification without it, 7-11 with.
	 * The environment variable exists for make bench's comparison. */
	if (st->listener >= 0 && getenv("SANDLOCK_BENCH_NO_SYNC_WAKEUP") == NULL)
		(void)ioctl(st->listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS,
		    SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);
	return 0;
}

static void
sup_main(void)
{
	struct pollfd pfd[1 + SL_MAX_STAGES];
	struct sstage *who[1 + SL_MAX_STAGES];
	nfds_t n, i;
	size_t k;

	for (;;) {
		int timeout = -1;

		pfd[0].fd = ctl;
		pfd[0].events = POLLIN;
		n = 1;
		for (k = 0; k < SL_MAX_STAGES; k++) {
			if (!stages[k].active)
				continue;
			if (stages[k].cfg.max_mem != 0 && !stages[k].killed)
				timeout = SAMPLE_MS;
			if (stages[k].listener < 0)
				continue;
			pfd[n].fd = stages[k].listener;
			pfd[n].events = POLLIN;
			who[n++] = &stages[k];
		}
		if (poll(pfd, n, timeout) < 0 && errno != EINTR)
			_exit(1);
		if (pfd[0].revents != 0 && on_ctl() < 0)
			_exit(0);	/* the planner is gone or done */
		for (i = 1; i < n; i++) {
			if (pfd[i].revents & POLLIN)
				serve(who[i]);
			else if (pfd[i].revents != 0)
				sl_closep(&who[i]->listener);
		}
		if (timeout >= 0)
			sample();
	}
}

/* Root runs the supervisor without capabilities, as the stage. */
static int
drop_caps(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	return (int)syscall(SYS_capset, &h, d);
}

pid_t
sup_start(int *sock)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	if ((pid = fork()) < 0) {
		sl_close(sv[0]);
		sl_close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		/* Only stdio and the planner's socket: no copy of a stage's
		 * pipe or of the broker's socket may stay open here. */
		if (dup2(sv[1], 3) < 0 ||
		    syscall(SYS_close_range, 4U, ~0U, 0) < 0)
			_exit(1);
		ctl = 3;
		(void)signal(SIGINT, SIG_IGN);
		(void)signal(SIGTERM, SIG_DFL);
		(void)signal(SIGPIPE, SIG_IGN);
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		(void)prctl(PR_SET_NAME, "sandlock-sup", 0, 0, 0);
		/* Acts for the stage with no more than the stage's rights. */
		if (drop_caps() < 0 ||
		    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			_exit(1);
		sup_main();
	}
	sl_close(sv[1]);
	*sock = sv[0];
	return pid;
}

int
sup_add_stage(int sock, const struct sup_stage *s, int listener)
{
	return msg_send(sock, SUP_STAGE, 0, s, sizeof(*s), &listener,
	    listener >= 0 ? 1 : 0);
}

int
sup_add_rule(int sock, uint32_t stage, int fd)
{
	struct sup_rule ru = { stage, 0 };

	return msg_send(sock, SUP_RULE, 0, &ru, sizeof(ru), &fd, 1);
}

int
sup_add_net(int sock, uint32_t stage, const struct pol_net_rule *r)
{
	static uint8_t buf[sizeof(struct sup_net) + 2 * POL_NET_MAXPORTS];
	struct sup_net w;

	memset(&w, 0, sizeof(w));
	w.stage = stage;
	w.proto = r->proto;
	w.family = r->family;
	w.prefix = r->prefix;
	memcpy(w.addr, r->addr, sizeof(w.addr));
	w.any_port = r->any_port;
	w.nports = (uint32_t)r->nports;
	memcpy(buf, &w, sizeof(w));
	memcpy(buf + sizeof(w), r->ports, 2 * r->nports);
	return msg_send(sock, SUP_NET, 0, buf, sizeof(w) + 2 * r->nports,
	    NULL, 0);
}

int
sup_add_procrule(int sock, uint32_t stage, int fd, uint64_t access)
{
	struct sup_procrule ru = { stage, 0, access };

	return msg_send(sock, SUP_PROCRULE, 0, &ru, sizeof(ru), &fd, 1);
}

int
sup_query(int sock, struct sup_counts *c)
{
	static struct msg m;
	struct pollfd p = { sock, POLLIN, 0 };

	if (msg_send(sock, SUP_QUERY, 0, NULL, 0, NULL, 0) < 0 ||
	    poll(&p, 1, 2000) != 1 || msg_recv(sock, &m) != 1)
		return -1;
	msg_free(&m);
	if (m.hdr.type != SUP_COUNTS || m.bodylen != sizeof(*c)) {
		errno = EPROTO;
		return -1;
	}
	memcpy(c, m.body, sizeof(*c));
	return 0;
}
