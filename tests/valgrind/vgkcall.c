/*
 * vgkcall.c: the kernel confinement calls of the test-only broker that
 * `make valgrind` runs under memcheck (tests/valgrind.sh).
 *
 * valgrind 3.19 has no wrapper for seccomp(2), the three Landlock
 * syscalls, pidfd_open, pidfd_getfd or fchmodat2: it answers ENOSYS
 * without calling the kernel, so the shipped broker refuses to start
 * ("unable to load the baseline seccomp filter"), its stages cannot be
 * tracked (pidfd_open) and the planner cannot confine itself.  Here those
 * seven syscalls, and only they, are issued on the real CPU
 * (VALGRIND_NON_SIMD_CALL1) by a raw `syscall` instruction, so the kernel
 * really confines the broker, its stages and the planner as the shipped
 * binaries do; every other syscall, and all of sandlock's code, runs
 * under memcheck.  libseccomp's seccomp_load() would make the same
 * unwrapped call from inside the library: the filter is exported with
 * seccomp_export_bpf() and loaded here as seccomp_load() does for a
 * context with the default attributes (no TSYNC, LOG or SSB flags;
 * NO_NEW_PRIVS is already set).  What memcheck cannot see: the kernel's
 * reads and writes of the memory passed to these seven calls, and the
 * fds they create (a ruleset, a listener, pidfds, a stolen fd).  Outside
 * valgrind every call goes to the kernel directly.
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <valgrind/valgrind.h>

#include <seccomp.h>

long	sl_vg_syscall(long nr, ...);
int	sl_vg_seccomp_load(const scmp_filter_ctx ctx);

#define NR_fchmodat2	452	/* not in Debian 12's headers */

struct kcall {
	long nr, a[6];
};

/* On the real CPU: no libc (errno and TLS are valgrind's here). */
static long
native(long tid, struct kcall *k)
{
	register long r10 __asm__("r10") = k->a[3];
	register long r8 __asm__("r8") = k->a[4];
	register long r9 __asm__("r9") = k->a[5];
	long ret;

	(void)tid;
	__asm__ volatile ("syscall" : "=a"(ret) : "a"(k->nr), "D"(k->a[0]),
	    "S"(k->a[1]), "d"(k->a[2]), "r"(r10), "r"(r8), "r"(r9) :
	    "rcx", "r11", "memory");
	return ret;
}

long
sl_vg_syscall(long nr, ...)
{
	struct kcall k;
	va_list ap;
	long r;
	int i;

	k.nr = nr;
	va_start(ap, nr);
	for (i = 0; i < 6; i++)
		k.a[i] = va_arg(ap, long);
	va_end(ap);
	if (!RUNNING_ON_VALGRIND || (nr != SYS_seccomp &&
	    nr != SYS_landlock_create_ruleset && nr != SYS_landlock_add_rule &&
	    nr != SYS_landlock_restrict_self && nr != SYS_pidfd_open &&
	    nr != SYS_pidfd_getfd && nr != NR_fchmodat2))
		return syscall(nr, k.a[0], k.a[1], k.a[2], k.a[3], k.a[4],
		    k.a[5]);
	r = (long)VALGRIND_NON_SIMD_CALL1(native, &k);
	if (r < 0 && r > -4096) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

int
sl_vg_seccomp_load(const scmp_filter_ctx ctx)
{
	struct sock_fprog prog;
	struct stat sb;
	void *buf = NULL;
	int fd, r = -EIO;

	if ((fd = memfd_create("sl-vg-bpf", MFD_CLOEXEC)) < 0)
		return -errno;
	if (seccomp_export_bpf(ctx, fd) == 0 && fstat(fd, &sb) == 0 &&
	    sb.st_size > 0 && sb.st_size % sizeof(struct sock_filter) == 0 &&
	    (buf = malloc((size_t)sb.st_size)) != NULL &&
	    pread(fd, buf, (size_t)sb.st_size, 0) == sb.st_size) {
		prog.len = (unsigned short)(sb.st_size /
		    (off_t)sizeof(struct sock_filter));
		prog.filter = buf;
		r = sl_vg_syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0L,
		    &prog) < 0 ? -errno : 0;
	}
	free(buf);
	(void)close(fd);
	return r;
}
