/*
 * test_filter.c: the stage filter the broker builds by hand
 * (broker/seccomp.c, broker/net.c), run by a small classic-BPF
 * interpreter here over every syscall number and the argument forms that
 * matter: the default answers, extra denials (one, many, all), notified
 * metadata calls, the socket rules, low-half argument compares, and a
 * program too large to load.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <errno.h>
#include <linux/audit.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "../../broker/bpf.h"
#include "../../broker/broker.h"
#include "compat/syscalls.h"

#define ALLOW	SECCOMP_RET_ALLOW
#define ERR(e)	(SECCOMP_RET_ERRNO | (e))

static struct prog tf_p;
static struct stage tf_st;

/* Runs p on one call as the kernel would; aborts the test on a bad
 * program (a jump out of it, an unknown instruction). */
static uint32_t
run(const struct prog *p, uint32_t nr, const uint64_t args[6])
{
	struct seccomp_data d;
	uint32_t a = 0, pc = 0, k, w;
	const struct sock_filter *f;

	memset(&d, 0, sizeof(d));
	d.nr = (int)nr;
	d.arch = AUDIT_ARCH_X86_64;
	memcpy(d.args, args, sizeof(d.args));
	for (;;) {
		cr_assert(lt(u32, pc, p->n), "pc %u ran off the program", pc);
		f = &p->f[pc++];
		k = f->k;
		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			cr_assert(le(u32, k + 4, sizeof(d)));
			memcpy(&w, (const char *)&d + k, 4);
			a = w;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= k;
			break;
		case BPF_JMP | BPF_JA:
			pc += k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == k ? f->jt : f->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += a >= k ? f->jt : f->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += (a & k) != 0 ? f->jt : f->jf;
			break;
		case BPF_RET | BPF_K:
			return k;
		default:
			cr_assert(false, "instruction %#x", f->code);
			return 0;
		}
	}
}

static uint32_t
call(uint32_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
    uint64_t a4)
{
	const uint64_t args[6] = { a0, a1, a2, a3, a4, 0 };

	return run(&tf_p, nr, args);
}

#define CALL0(nr)	call(nr, 0, 0, 0, 0, 0)

static void
tf_setup(void)
{
	memset(&tf_st, 0, sizeof(tf_st));
}

static void
build(const uint32_t *deny, uint32_t ndeny)
{
	sc_stage_prog(&tf_p, &tf_st, deny, ndeny);
	cr_assert(le(u32, tf_p.n, SL_BPF_MAX), "program of %u", tf_p.n);
}

TestSuite(filter, .init = tf_setup);

/* What a stage without extra denials may never do. */
Test(filter, default_denials)
{
	build(NULL, 0);
	cr_assert(eq(u32, CALL0(SYS_setsid), ERR(EPERM)));
	cr_assert(eq(u32, CALL0(SYS_setpgid), ERR(EPERM)));
	cr_assert(eq(u32, CALL0(SYS_pidfd_getfd), ERR(EPERM)));
	cr_assert(eq(u32, CALL0(SYS_chmod), ERR(EPERM)));
	cr_assert(eq(u32, CALL0(SYS_fchownat), ERR(EPERM)));
	cr_assert(eq(u32, CALL0(SL_NR_fchmodat2), ERR(EPERM)));
	cr_assert(eq(u32, CALL0(SL_NR_file_setattr), ERR(EPERM)));
	cr_assert(eq(u32, CALL0(SYS_getpid), ALLOW));
	cr_assert(eq(u32, CALL0(SYS_read), ALLOW));
	cr_assert(eq(u32, CALL0(SYS_execve), ALLOW));
}

/* Every number without a rule passes (the baseline denies the rest). */
Test(filter, everything_else_allowed)
{
	static const uint32_t ruled[] = { SYS_setsid, SYS_setpgid,
	    SYS_pidfd_getfd, SYS_chmod, SYS_fchmod, SYS_fchmodat,
	    SL_NR_fchmodat2, SYS_chown, SYS_fchown, SYS_lchown, SYS_fchownat,
	    SYS_setxattr, SYS_lsetxattr, SYS_fsetxattr, SYS_removexattr,
	    SYS_lremovexattr, SYS_fremovexattr, SL_NR_setxattrat,
	    SL_NR_removexattrat, SL_NR_file_setattr, SYS_utime, SYS_utimes,
	    SYS_futimesat, SYS_socket, SYS_socketpair,
	    SYS_connect };
	uint32_t nr, i;
	int r;

	build(NULL, 0);
	for (nr = 0; nr <= SL_NR_MAX + 10; nr++) {
		for (r = 0, i = 0; i < SL_NITEMS(ruled); i++)
			r |= ruled[i] == nr;
		if (!r)
			cr_assert(eq(u32, CALL0(nr), ALLOW), "nr %u", nr);
		else
			cr_assert(ne(u32, CALL0(nr), ALLOW), "nr %u", nr);
	}
	cr_assert(eq(u32, CALL0(0x40000000U | SYS_setsid), ALLOW));
}

/* utimensat: a path (any of the 64 bits) is denied, the fd form is not. */
Test(filter, utimensat_path_form_only)
{
	build(NULL, 0);
	cr_assert(eq(u32, call(SYS_utimensat, 3, 0, 0, 0, 0), ALLOW));
	cr_assert(eq(u32, call(SYS_utimensat, 3, 0x1000, 0, 0, 0),
	    ERR(EPERM)));
	cr_assert(eq(u32, call(SYS_utimensat, 3, 1ULL << 32, 0, 0, 0),
	    ERR(EPERM)));
}

/* No listener of its own, whatever the high halves hold. */
Test(filter, seccomp_listener_low_halves)
{
	build(NULL, 0);
	cr_assert(eq(u32, call(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
	    SECCOMP_FILTER_FLAG_NEW_LISTENER, 0, 0, 0), ERR(EPERM)));
	cr_assert(eq(u32, call(SYS_seccomp, 1ULL << 32 |
	    SECCOMP_SET_MODE_FILTER, 1ULL << 32 |
	    SECCOMP_FILTER_FLAG_NEW_LISTENER, 0, 0, 0), ERR(EPERM)));
	cr_assert(eq(u32, call(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
	    SECCOMP_FILTER_FLAG_TSYNC, 0, 0, 0), ALLOW));
	cr_assert(eq(u32, call(SYS_seccomp, SECCOMP_SET_MODE_STRICT, 0, 0, 0,
	    0), ALLOW));
}

/* One extra denial: that call only. */
Test(filter, one_extra_denial)
{
	const uint32_t deny[] = { SYS_getpid };

	build(deny, 1);
	cr_assert(eq(u32, CALL0(SYS_getpid), ERR(EPERM)));
	cr_assert(eq(u32, CALL0(SYS_getppid), ALLOW));
	cr_assert(eq(u32, CALL0(SYS_gettid), ALLOW));
}

/* An extra denial replaces a call's conditional rules. */
Test(filter, extra_denial_wins_over_rules)
{
	const uint32_t deny[] = { SYS_utimensat, SYS_socket, SYS_seccomp,
	    SYS_utimensat };

	build(deny, 4);
	cr_assert(eq(u32, call(SYS_utimensat, 3, 0, 0, 0, 0), ERR(EPERM)));
	cr_assert(eq(u32, call(SYS_socket, AF_UNIX, SOCK_STREAM, 0, 0, 0),
	    ERR(EPERM)));
	cr_assert(eq(u32, call(SYS_seccomp, SECCOMP_SET_MODE_STRICT, 0, 0, 0,
	    0), ERR(EPERM)));
}

/* Denials drawn at random, against set membership, over every number. */
Test(filter, random_denials_match_the_set)
{
	uint32_t deny[SL_MAX_DENY], nr, i, n, round;
	int in;

	srand(7);
	for (round = 0; round < 50; round++) {
		n = (uint32_t)rand() % SL_MAX_DENY;
		for (i = 0; i < n; i++)
			deny[i] = (uint32_t)rand() % (SL_NR_MAX + 1);
		build(deny, n);
		for (nr = 0; nr <= SL_NR_MAX; nr++) {
			for (in = 0, i = 0; i < n; i++)
				in |= deny[i] == nr;
			if (in)
				cr_assert(eq(u32, call(nr, 1, 1, 1, 1, 1),
				    ERR(EPERM)), "nr %u", nr);
			else if (nr == SYS_getpid || nr == SYS_read)
				cr_assert(eq(u32, CALL0(nr), ALLOW));
		}
	}
}

/* Every number denied still fits in one program. */
Test(filter, all_denied_fits)
{
	uint32_t deny[SL_NR_MAX + 1], nr;

	for (nr = 0; nr <= SL_NR_MAX; nr++)
		deny[nr] = SL_NR_MAX - nr;
	build(deny, SL_NR_MAX + 1);
	for (nr = 0; nr <= SL_NR_MAX; nr++)
		cr_assert(eq(u32, CALL0(nr), ERR(EPERM)), "nr %u", nr);
	cr_assert(eq(u32, CALL0(SL_NR_MAX + 1), ALLOW));
}

/* A notified metadata call is left to the supervisor's filter. */
Test(filter, notified_metadata_passes)
{
	tf_st.notify[0] = SYS_chmod;
	tf_st.notify[1] = SYS_utimensat;
	tf_st.nnotify = 2;
	build(NULL, 0);
	cr_assert(eq(u32, CALL0(SYS_chmod), ALLOW));
	cr_assert(eq(u32, call(SYS_utimensat, 3, 0x1000, 0, 0, 0), ALLOW));
	cr_assert(eq(u32, CALL0(SYS_fchmod), ERR(EPERM)));
}

/* No network rule: UNIX stream sockets only, no connect. */
Test(filter, sockets_without_rules)
{
	build(NULL, 0);
	cr_assert(eq(u32, call(SYS_socket, AF_UNIX, SOCK_STREAM |
	    SOCK_CLOEXEC, 0, 0, 0), ALLOW));
	cr_assert(eq(u32, call(SYS_socket, AF_UNIX, SOCK_DGRAM, 0, 0, 0),
	    ERR(EACCES)));
	cr_assert(eq(u32, call(SYS_socket, AF_INET, SOCK_STREAM, 0, 0, 0),
	    ERR(EACCES)));
	cr_assert(eq(u32, call(SYS_socket, AF_NETLINK, SOCK_RAW, 0, 0, 0),
	    ERR(EACCES)));
	cr_assert(eq(u32, CALL0(SYS_connect), ERR(EACCES)));
	cr_assert(eq(u32, call(SYS_sendto, 3, 0, 0, 0, 0x1000), ERR(EACCES)));
	cr_assert(eq(u32, call(SYS_sendto, 3, 0, 0, 0, 0), ALLOW));
	cr_assert(eq(u32, call(SYS_sendto, 3, 0, 0, MSG_FASTOPEN, 0),
	    ERR(EOPNOTSUPP)));
}

/* TCP by Landlock alone: TCP sockets, no MPTCP, no UNIX, listen only
 * with a bind rule, no TFO. */
Test(filter, tcp_rules)
{
	tf_st.netflags = SL_NET_TCP;
	build(NULL, 0);
	cr_assert(eq(u32, call(SYS_socket, AF_INET6, SOCK_STREAM, 0, 0, 0),
	    ALLOW));
	cr_assert(eq(u32, call(SYS_socket, AF_INET, SOCK_STREAM,
	    IPPROTO_TCP, 0, 0), ALLOW));
	cr_assert(eq(u32, call(SYS_socket, AF_INET, SOCK_STREAM, 262, 0, 0),
	    ERR(EACCES)));
	cr_assert(eq(u32, call(SYS_socket, AF_UNIX, SOCK_STREAM, 0, 0, 0),
	    ERR(EACCES)));
	cr_assert(eq(u32, call(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, 0, 0),
	    ALLOW));
	cr_assert(eq(u32, CALL0(SYS_connect), ALLOW));
	cr_assert(eq(u32, CALL0(SYS_listen), ERR(EACCES)));
	cr_assert(eq(u32, call(SYS_setsockopt, 3, IPPROTO_TCP, 30, 0, 0),
	    ERR(EOPNOTSUPP)));
	cr_assert(eq(u32, call(SYS_setsockopt, 3, SOL_SOCKET, 30, 0, 0),
	    ALLOW));
	cr_assert(eq(u32, call(SYS_sendmsg, 3, 0, MSG_FASTOPEN, 0, 0),
	    ERR(EOPNOTSUPP)));
	cr_assert(eq(u32, call(SYS_sendmmsg, 3, 0, 0, MSG_FASTOPEN, 0),
	    ERR(EOPNOTSUPP)));
	tf_st.bind_ok = 1;
	build(NULL, 0);
	cr_assert(eq(u32, CALL0(SYS_listen), ALLOW));
}

/* Mediated datagrams: UDP and UNIX datagram sockets, sends to the
 * supervisor (its filter), not refused here. */
Test(filter, mediated_udp)
{
	tf_st.netflags = SL_NET_UDP | SL_NET_UNIX_DGRAM;
	tf_st.notify[0] = SYS_connect;
	tf_st.notify[1] = SYS_sendto;
	tf_st.nnotify = 2;
	build(NULL, 0);
	cr_assert(eq(u32, call(SYS_socket, AF_INET, SOCK_DGRAM, 0, 0, 0),
	    ALLOW));
	cr_assert(eq(u32, call(SYS_socket, AF_INET, SOCK_DGRAM, IPPROTO_UDP,
	    0, 0), ALLOW));
	cr_assert(eq(u32, call(SYS_socket, AF_UNIX, SOCK_DGRAM, 0, 0, 0),
	    ALLOW));
	cr_assert(eq(u32, call(SYS_socket, AF_INET, SOCK_STREAM, 0, 0, 0),
	    ERR(EACCES)));
	cr_assert(eq(u32, call(SYS_sendto, 3, 0, 0, 0, 0x1000), ALLOW));
	cr_assert(eq(u32, CALL0(SYS_connect), ALLOW));
}
