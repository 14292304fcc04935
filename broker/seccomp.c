/*
 * seccomp.c: the two filters every stage runs under.
 *
 * The baseline is loaded by the broker on itself at startup, so every stage
 * inherits it and cannot remove it: one program, a hand-written prefix
 * (wrong architecture kills the process; x32 numbers and numbers above
 * SL_NR_MAX get ENOSYS) followed by a libseccomp table of calls no stage
 * may make, put together at build time (broker/gen/baseline.c, with
 * SL_BASELINE_GEN): the broker itself does not link libseccomp.
 * The stage filter, loaded by each stage just before execve, is built
 * here by hand: what the broker itself still needs (setsid, metadata
 * calls), the extra denials and the socket rules (net.c), in one program.
 * Across filters the kernel applies the most restrictive answer, so no later
 * filter (a stage's own, or a future notify filter) can undo a denial.
 * 32-bit arguments are compared on their low 32 bits only: the
 * SCMP_CMP32 form of libseccomp 2.5.4 requires the high half to be zero,
 * which lets ioctl(fd, TIOCSTI | 1UL << 32) through.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bpf.h"
#include "broker.h"
#include "compat/syscalls.h"

#ifdef SL_BASELINE_GEN
#include <seccomp.h>

#define LO32		0xffffffffULL
#define RET_ERRNO(e)	(SECCOMP_RET_ERRNO | ((e) & SECCOMP_RET_DATA))
#define EPERM_ACT	SCMP_ACT_ERRNO(EPERM)

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
#include "baseline_bpf.h"	/* baseline_bpf[]: make */

int
sc_load_baseline(void)
{
	struct sock_fprog prog = { SL_NITEMS(baseline_bpf), baseline_bpf };

	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

/* Always denied to a stage: it keeps every descendant in its group. */
static const uint32_t stage_eperm[] = {
	SYS_setsid, SYS_setpgid,
	SYS_pidfd_getfd,		/* the broker takes listeners with it */
};

/*
 * Metadata changes Landlock does not cover: denied, unless the planner has
 * the supervisor mediate them (path forms, beneath write rules only).
 */
static const uint32_t stage_meta[] = {
	SYS_chmod, SYS_fchmod, SYS_fchmodat, SL_NR_fchmodat2, SYS_chown,
	SYS_fchown, SYS_lchown, SYS_fchownat, SYS_setxattr, SYS_lsetxattr,
	SYS_fsetxattr, SYS_removexattr, SYS_lremovexattr, SYS_fremovexattr,
	SL_NR_setxattrat, SL_NR_removexattrat, SL_NR_file_setattr, SYS_utime,
	SYS_utimes, SYS_futimesat, SYS_utimensat,
};

int
sc_notified(const struct stage *st, uint32_t nr)
{
	uint32_t i;

	for (i = 0; i < st->nnotify; i++)
		if (st->notify[i] == nr)
			return 1;
	return 0;
}

enum { K_NONE, K_EPERM, K_RULES };	/* what the stage filter does */

/* The block for one listed call, ending in RET. */
static void
block(struct prog *p, const struct stage *st, const uint8_t *kind,
    uint32_t nr)
{
	if (kind[nr] == K_EPERM) {
		RET(p, DENY(EPERM));
	} else if (nr == SYS_utimensat) {	/* the fd form, NULL path, is free */
		LD(p, ARG(1));
		JNE(p, 0, 2);
		LD(p, ARG(1) + 4);
		ins(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0);
		RET(p, DENY(EPERM));
		RET(p, SECCOMP_RET_ALLOW);
	} else if (nr == SYS_seccomp) {
		/* No listener of its own: it could answer CONTINUE for ours.
		 * Both arguments are unsigned int to the kernel. */
		LD(p, ARG(0));
		JNE(p, SECCOMP_SET_MODE_FILTER, 3);
		LD(p, ARG(1));
		ins(p, BPF_JMP | BPF_JSET | BPF_K,
		    SECCOMP_FILTER_FLAG_NEW_LISTENER, 0, 1);
		RET(p, DENY(EPERM));
		RET(p, SECCOMP_RET_ALLOW);
	} else
		net_block(p, st, nr);
}

/*
 * A binary search on the number, nr[0..n) sorted: the kernel evaluates
 * each filter once per syscall number when it is loaded, so a chain of a
 * few hundred denials would cost milliseconds; a tree costs microseconds.
 * Up to four calls are tested in a row, each followed by its block.
 */
static void
tree(struct prog *p, const struct stage *st, const uint8_t *kind,
    const uint32_t *nr, size_t n)
{
	size_t i, half = n / 2;
	unsigned at;

	for (i = 0; n <= 4 && i < n; i++) {
		at = p->n;
		JEQ(p, nr[i]);
		block(p, st, kind, nr[i]);
		if (p->n - at - 1 > 255)
			p->n = SL_BPF_MAX + 1;		/* bpf_load: E2BIG */
		else if (at < SL_BPF_MAX)
			p->f[at].jf = (uint8_t)(p->n - at - 1);
	}
	if (n <= 4) {
		RET(p, SECCOMP_RET_ALLOW);
		return;
	}
	ins(p, BPF_JMP | BPF_JGE | BPF_K, nr[half], 0, 1);
	at = p->n;
	ins(p, BPF_JMP | BPF_JA, 0, 0, 0);	/* to the upper half */
	tree(p, st, kind, nr, half);
	if (at < SL_BPF_MAX)
		p->f[at].k = p->n - at - 1;
	tree(p, st, kind, nr + half, n - half);
}

/* An extra denial takes full effect: it replaces the call's other rules. */
void
sc_stage_prog(struct prog *p, const struct stage *st, const uint32_t *deny,
    uint32_t ndeny)
{
	uint8_t kind[SL_NR_MAX + 1] = { K_NONE };
	uint32_t nrs[SL_NR_MAX + 1], i;
	size_t n = 0;

	for (i = 0; i < NET_NCALLS; i++)
		kind[net_calls[i]] = K_RULES;
	kind[SYS_seccomp] = K_RULES;
	for (i = 0; i < SL_NITEMS(stage_meta); i++)
		if (!sc_notified(st, stage_meta[i]))
			kind[stage_meta[i]] = stage_meta[i] == SYS_utimensat ?
			    K_RULES : K_EPERM;
	for (i = 0; i < SL_NITEMS(stage_eperm); i++)
		kind[stage_eperm[i]] = K_EPERM;
	for (i = 0; i < ndeny; i++)
		if (deny[i] <= SL_NR_MAX)	/* checked by h_exec */
			kind[deny[i]] = K_EPERM;
	for (i = 0; i <= SL_NR_MAX; i++)
		if (kind[i] != K_NONE)
			nrs[n++] = i;
	p->n = 0;
	LD(p, NR);
	tree(p, st, kind, nrs, n);
}

int
sc_load_stage(const struct stage *st, const uint32_t *deny, uint32_t ndeny)
{
	static struct prog p;

	sc_stage_prog(&p, st, deny, ndeny);
	return bpf_load(&p, 0);
}
#endif
