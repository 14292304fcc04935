/*
 * seccomp.c: the two filters every stage runs under.
 *
 * The baseline is loaded by the broker on itself at startup, so every stage
 * inherits it and cannot remove it: one program, a hand-written prefix
 * (wrong architecture kills the process; x32 numbers and numbers above
 * SL_NR_MAX get ENOSYS) followed by a libseccomp table of calls no stage
 * may make, put together at build time (broker/gen/baseline.c, with
 * SL_BASELINE_GEN).
 * The stage filter, loaded by each stage just before execve, adds what the
 * broker itself still needs (setsid, metadata calls) and the extra denials.
 * Across filters the kernel applies the most restrictive answer, so no later
 * filter (a stage's own, or a future notify filter) can undo a denial.
 * 32-bit arguments are compared on their low 32 bits with MASKED_EQ: the
 * SCMP_CMP32 form of libseccomp 2.5.4 requires the high half to be zero,
 * which lets ioctl(fd, TIOCSTI | 1UL << 32) through.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "broker.h"
#include "compat/syscalls.h"

#define LO32		0xffffffffULL
#define RET_ERRNO(e)	(SECCOMP_RET_ERRNO | ((e) & SECCOMP_RET_DATA))
#define EPERM_ACT	SCMP_ACT_ERRNO(EPERM)

#ifdef SL_BASELINE_GEN
/*
 * The prefix: architecture, x32, unknown numbers, and personality(2), whose
 * argument the kernel reads as 32 bits: only PER_LINUX (0) and the query
 * (0xffffffff) pass, whatever the high half holds.  Instruction 12, where
 * the other calls go on, is the first of the table's program, which
 * broker/gen/baseline.c appends: one filter, evaluated once per syscall.
 */
static const struct sock_filter prefix[] = {
	/* 0 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	    offsetof(struct seccomp_data, arch)),
	/* 1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SL_AUDIT_ARCH_X86_64, 1, 0),
	/* 2 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
	/* 3 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	    offsetof(struct seccomp_data, nr)),
	/* 4 */ BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, SL_X32_SYSCALL_BIT, 6, 0),
	/* 5 */ BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, SL_NR_MAX, 5, 0),
	/* 6 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SCMP_SYS(personality), 0, 5),
	/* 7 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	    offsetof(struct seccomp_data, args[0])),	/* low half */
	/* 8 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 3, 0),
	/* 9 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0xffffffffU, 2, 0),
	/* 10 */ BPF_STMT(BPF_RET | BPF_K, RET_ERRNO(EPERM)),
	/* 11 */ BPF_STMT(BPF_RET | BPF_K, RET_ERRNO(ENOSYS)),
};

/* Calls no stage may make, with EPERM (see SECURITY.md for each reason). */
static const int base_eperm[] = {
	/* mounts and root changes */
	SCMP_SYS(mount), SCMP_SYS(umount2), SCMP_SYS(pivot_root),
	SCMP_SYS(chroot), SCMP_SYS(open_tree), SCMP_SYS(move_mount),
	SCMP_SYS(fsopen), SCMP_SYS(fsconfig), SCMP_SYS(fsmount),
	SCMP_SYS(fspick), SCMP_SYS(mount_setattr), SL_NR_open_tree_attr,
	/* namespaces */
	SCMP_SYS(unshare), SCMP_SYS(setns),
	/* other processes' memory and fds */
	SCMP_SYS(ptrace), SCMP_SYS(process_vm_readv),
	SCMP_SYS(process_vm_writev), SCMP_SYS(kcmp),
	SCMP_SYS(process_madvise),
	/* kernel attack surface */
	SCMP_SYS(bpf), SCMP_SYS(perf_event_open), SCMP_SYS(userfaultfd),
	SCMP_SYS(io_uring_setup), SCMP_SYS(io_uring_enter),
	SCMP_SYS(io_uring_register), SCMP_SYS(keyctl), SCMP_SYS(add_key),
	SCMP_SYS(request_key), SCMP_SYS(fanotify_init),
	SCMP_SYS(open_by_handle_at), SCMP_SYS(name_to_handle_at),
	/* system administration */
	SCMP_SYS(kexec_load), SCMP_SYS(kexec_file_load),
	SCMP_SYS(init_module), SCMP_SYS(finit_module),
	SCMP_SYS(delete_module), SCMP_SYS(reboot), SCMP_SYS(swapon),
	SCMP_SYS(swapoff), SCMP_SYS(iopl), SCMP_SYS(ioperm),
	SCMP_SYS(quotactl), SCMP_SYS(quotactl_fd), SCMP_SYS(acct),
	SCMP_SYS(lookup_dcookie), SCMP_SYS(nfsservctl), SCMP_SYS(vhangup),
	SCMP_SYS(sethostname), SCMP_SYS(setdomainname),
	SCMP_SYS(settimeofday), SCMP_SYS(clock_settime),
	SCMP_SYS(clock_adjtime), SCMP_SYS(adjtimex), SCMP_SYS(syslog),
	SCMP_SYS(uselib), SCMP_SYS(_sysctl),
};

/* ioctl commands denied whatever the high 32 bits say. */
static const uint64_t base_ioctl[] = {
	0x5412,		/* TIOCSTI: type into a terminal */
	0x541c,		/* TIOCLINUX: console selection, also injects input */
	0x40086602,	/* FS_IOC_SETFLAGS: chattr */
	0x40046602,	/* FS_IOC32_SETFLAGS */
	0x401c5820,	/* FS_IOC_FSSETXATTR */
};

static const uint64_t clone_ns[] = {
	CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
	CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET,
};

static int
base_rules(scmp_filter_ctx c)
{
	const uint32_t eperm = EPERM_ACT;
	size_t i;
	int r = 0;

	for (i = 0; r == 0 && i < SL_NITEMS(base_eperm); i++)
		r = seccomp_rule_add(c, eperm, base_eperm[i], 0);
	for (i = 0; r == 0 && i < SL_NITEMS(base_ioctl); i++)
		r = seccomp_rule_add(c, eperm, SCMP_SYS(ioctl), 1,
		    SCMP_A1_64(SCMP_CMP_MASKED_EQ, LO32, base_ioctl[i]));
	for (i = 0; r == 0 && i < SL_NITEMS(clone_ns); i++)
		r = seccomp_rule_add(c, eperm, SCMP_SYS(clone), 1,
		    SCMP_A0_64(SCMP_CMP_MASKED_EQ, clone_ns[i], clone_ns[i]));
	/* clone3's flags sit in memory a filter cannot read: libc falls back. */
	if (r == 0)
		r = seccomp_rule_add(c, SCMP_ACT_ERRNO(ENOSYS),
		    SCMP_SYS(clone3), 0);
	return r;
}
#else
#include "baseline_bpf.h"	/* baseline_bpf[], stage_bpf[]: make */

int
sc_load_baseline(void)
{
	struct sock_fprog prog = { SL_NITEMS(baseline_bpf), baseline_bpf };

	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

int
sc_load_stage(scmp_filter_ctx c)
{
	struct sock_fprog prog = { SL_NITEMS(stage_bpf), stage_bpf };
	int r = c != NULL ? seccomp_load(c) : 0;

	if (c == NULL)
		return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0,
		    &prog);
	errno = -r;
	return r != 0 ? -1 : 0;
}
#endif

static scmp_filter_ctx
filter_new(void)
{
	scmp_filter_ctx c;

	if ((c = seccomp_init(SCMP_ACT_ALLOW)) == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	/*
	 * The prefix filter owns the architecture check.  A binary tree
	 * (optimize 2) rather than a linear chain: the kernel checks each
	 * filter it loads once per syscall number, which costs about 3 us
	 * per instruction of a chain here (0.2 ms for the baseline).
	 */
	if (seccomp_attr_set(c, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ALLOW) != 0 ||
	    seccomp_attr_set(c, SCMP_FLTATR_API_SYSRAWRC, 1) != 0 ||
	    seccomp_attr_set(c, SCMP_FLTATR_CTL_OPTIMIZE, 2) != 0) {
		seccomp_release(c);
		errno = EINVAL;
		return NULL;
	}
	return c;
}


/* Always denied to a stage: it keeps every descendant in its group. */
static const int stage_eperm[] = {
	SCMP_SYS(setsid), SCMP_SYS(setpgid),
	SCMP_SYS(pidfd_getfd),		/* the broker takes listeners with it */
};

/*
 * Metadata changes Landlock does not cover: denied, unless the planner has
 * the supervisor mediate them (path forms, beneath write rules only).
 */
static const int stage_meta[] = {
	SCMP_SYS(chmod), SCMP_SYS(fchmod), SCMP_SYS(fchmodat),
	SL_NR_fchmodat2, SCMP_SYS(chown), SCMP_SYS(fchown), SCMP_SYS(lchown),
	SCMP_SYS(fchownat), SCMP_SYS(setxattr), SCMP_SYS(lsetxattr),
	SCMP_SYS(fsetxattr), SCMP_SYS(removexattr), SCMP_SYS(lremovexattr),
	SCMP_SYS(fremovexattr), SL_NR_setxattrat, SL_NR_removexattrat,
	SL_NR_file_setattr, SCMP_SYS(utime), SCMP_SYS(utimes),
	SCMP_SYS(futimesat), SCMP_SYS(utimensat),
};

static int
denied(const uint32_t *deny, uint32_t ndeny, int nr)
{
	uint32_t i;

	for (i = 0; i < ndeny; i++)
		if ((int)deny[i] == nr)
			return 1;
	return 0;
}

int
sc_notified(const struct stage *st, int nr)
{
	return denied(st->notify, st->nnotify, nr);
}

/* Conditional rules of the stage filter: {arg, op, datum_a, datum_b}. */
static const struct cond {
	int nr;
	uint16_t err;
	uint16_t narg;
	struct scmp_arg_cmp cmp[2];
} stage_cond[] = {
	/* no listener of its own: it could answer CONTINUE for ours */
	{ SCMP_SYS(seccomp), EPERM, 2, { { 0, SCMP_CMP_EQ,
	    SECCOMP_SET_MODE_FILTER, 0 }, { 1, SCMP_CMP_MASKED_EQ,
	    SECCOMP_FILTER_FLAG_NEW_LISTENER, SECCOMP_FILTER_FLAG_NEW_LISTENER } } },
};

/*
 * Extra denials go in first and unconditionally; a default rule on the same
 * syscall is then skipped, so an extra denial always takes full effect.
 */
static int
stage_rules(scmp_filter_ctx c, const uint32_t *deny, uint32_t ndeny,
    const uint32_t *notify, uint32_t nnotify)
{
	const struct cond *k;
	size_t i;
	int r = 0;

	for (i = 0; r == 0 && i < ndeny; i++)
		if (!denied(deny, (uint32_t)i, (int)deny[i]))
			r = seccomp_rule_add(c, EPERM_ACT, (int)deny[i], 0);
	for (i = 0; r == 0 && i < SL_NITEMS(stage_eperm); i++)
		if (!denied(deny, ndeny, stage_eperm[i]))
			r = seccomp_rule_add(c, EPERM_ACT, stage_eperm[i], 0);
	/* utimensat with a NULL path (the fd form) is allowed. */
	for (i = 0; r == 0 && i < SL_NITEMS(stage_meta); i++)
		if (!denied(deny, ndeny, stage_meta[i]) &&
		    !denied(notify, nnotify, stage_meta[i]))
			r = seccomp_rule_add(c, EPERM_ACT, stage_meta[i],
			    stage_meta[i] == SCMP_SYS(utimensat),
			    SCMP_A1_64(SCMP_CMP_NE, 0));
	for (i = 0; r == 0 && i < SL_NITEMS(stage_cond); i++) {
		k = &stage_cond[i];
		if (!denied(deny, ndeny, k->nr))
			r = seccomp_rule_add_array(c, SCMP_ACT_ERRNO(k->err),
			    k->nr, k->narg, k->cmp);
	}
	return r;
}

scmp_filter_ctx
sc_stage_filter(const uint32_t *deny, uint32_t ndeny, const uint32_t *notify,
    uint32_t nnotify)
{
	scmp_filter_ctx c;
	int r;

	if ((c = filter_new()) == NULL)
		return NULL;
	if ((r = stage_rules(c, deny, ndeny, notify, nnotify)) != 0) {
		seccomp_release(c);
		errno = -r;
		return NULL;
	}
	return c;
}
