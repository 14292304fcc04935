/*
 * probe.c - tiny test helper for black-box sandbox tests.
 *
 * Each invocation performs exactly ONE (possibly hostile) operation selected
 * by argv[1] and prints a machine-checkable result:
 *
 *   success            -> "ok" or "ok DATA" on stdout, exit 0
 *   failure with errno -> "err NAME" on stdout (e.g. "err EPERM"), exit 1;
 *                         unknown errno values print as "err E<number>"
 *   usage error        -> message on stderr, exit 2
 *
 * A few ops deliberately print nothing (cat, exit, kill-self,
 * write-stdout-bytes, int80 when killed, exec/memfd-exec on success).
 *
 * Build:
 *   gcc -std=gnu11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -static \
 *       -o /tmp/probe tests/bin/probe.c -lpthread
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/io_uring.h>
#include <linux/perf_event.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------------------ */
/* Constants possibly missing from Debian 12 headers                         */
/* ------------------------------------------------------------------------ */

#ifndef SYS_kcmp
#define SYS_kcmp 312
#endif
#ifndef SYS_kexec_file_load
#define SYS_kexec_file_load 320
#endif
#ifndef SYS_userfaultfd
#define SYS_userfaultfd 323
#endif
#ifndef SYS_bpf
#define SYS_bpf 321
#endif
#ifndef SYS_io_uring_setup
#define SYS_io_uring_setup 425
#endif
#ifndef SYS_io_uring_enter
#define SYS_io_uring_enter 426
#endif
#ifndef SYS_io_uring_register
#define SYS_io_uring_register 427
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif
#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#endif
#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif
#ifndef SYS_mseal
#define SYS_mseal 462
#endif
#ifndef SYS_setxattrat
#define SYS_setxattrat 463
#endif
#ifndef SYS_removexattrat
#define SYS_removexattrat 466
#endif
#ifndef SYS_file_setattr
#define SYS_file_setattr 469
#endif

#ifndef X32_SYSCALL_BIT
#define X32_SYSCALL_BIT 0x40000000UL
#endif

#ifndef MFD_CLOEXEC
#define MFD_CLOEXEC 0x0001U
#endif
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

#ifndef TIOCSTI
#define TIOCSTI 0x5412
#endif
#ifndef TIOCLINUX
#define TIOCLINUX 0x541C
#endif
#ifndef TIOCL_GETSHIFTSTATE
#define TIOCL_GETSHIFTSTATE 6
#endif

#ifndef KEYCTL_GET_KEYRING_ID
#define KEYCTL_GET_KEYRING_ID 0
#endif
#ifndef KEY_SPEC_SESSION_KEYRING
#define KEY_SPEC_SESSION_KEYRING (-3)
#endif

#ifndef KCMP_VM
#define KCMP_VM 1
#endif

#ifndef PROBE_REBOOT_MAGIC1
#define PROBE_REBOOT_MAGIC1 0xfee1deadUL
#define PROBE_REBOOT_MAGIC2 672274793UL
#define PROBE_REBOOT_CMD_CAD_OFF 0UL
#endif

#ifndef SYSLOG_ACTION_SIZE_BUFFER
#define SYSLOG_ACTION_SIZE_BUFFER 10
#endif

#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#endif
#ifndef PR_CAP_AMBIENT_IS_SET
#define PR_CAP_AMBIENT_IS_SET 1
#endif

#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif

#ifndef MAX_HANDLE_SZ
#define MAX_HANDLE_SZ 128
#endif

#ifndef ADDR_NO_RANDOMIZE
#define ADDR_NO_RANDOMIZE 0x0040000
#endif

#define UNUSED __attribute__((unused))

/* Mirrors struct clone_args (CLONE_ARGS_SIZE_VER2 == 88 bytes). */
struct probe_clone_args {
	uint64_t flags;
	uint64_t pidfd;
	uint64_t child_tid;
	uint64_t parent_tid;
	uint64_t exit_signal;
	uint64_t stack;
	uint64_t stack_size;
	uint64_t tls;
	uint64_t set_tid;
	uint64_t set_tid_size;
	uint64_t cgroup;
};

/* Mirrors struct xattr_args (uapi linux/xattr.h, 6.13+). */
struct probe_xattr_args {
	uint64_t value;
	uint32_t size;
	uint32_t flags;
};

/* ------------------------------------------------------------------------ */
/* Output helpers                                                            */
/* ------------------------------------------------------------------------ */

struct errno_name {
	int num;
	const char *name;
};

#define EN(e) { e, #e }
static const struct errno_name errno_names[] = {
	EN(EPERM), EN(ENOENT), EN(ESRCH), EN(EINTR), EN(EIO), EN(ENXIO),
	EN(E2BIG), EN(ENOEXEC), EN(EBADF), EN(ECHILD), EN(EAGAIN),
	EN(ENOMEM), EN(EACCES), EN(EFAULT), EN(ENOTBLK), EN(EBUSY),
	EN(EEXIST), EN(EXDEV), EN(ENODEV), EN(ENOTDIR), EN(EISDIR),
	EN(EINVAL), EN(ENFILE), EN(EMFILE), EN(ENOTTY), EN(ETXTBSY),
	EN(EFBIG), EN(ENOSPC), EN(ESPIPE), EN(EROFS), EN(EMLINK), EN(EPIPE),
	EN(EDOM), EN(ERANGE), EN(EDEADLK), EN(ENAMETOOLONG), EN(ENOLCK),
	EN(ENOSYS), EN(ENOTEMPTY), EN(ELOOP), EN(ENOMSG), EN(EIDRM),
	EN(ECHRNG), EN(ENOSTR), EN(ENODATA), EN(ETIME), EN(ENOSR),
	EN(ENONET), EN(ENOPKG), EN(EREMOTE), EN(ENOLINK), EN(EPROTO),
	EN(EBADMSG), EN(EOVERFLOW), EN(ENOTUNIQ), EN(EBADFD), EN(ELIBBAD),
	EN(ELIBEXEC), EN(EILSEQ), EN(ERESTART), EN(EUSERS), EN(ENOTSOCK),
	EN(EDESTADDRREQ), EN(EMSGSIZE), EN(EPROTOTYPE), EN(ENOPROTOOPT),
	EN(EPROTONOSUPPORT), EN(ESOCKTNOSUPPORT), EN(EOPNOTSUPP),
	EN(EPFNOSUPPORT), EN(EAFNOSUPPORT), EN(EADDRINUSE),
	EN(EADDRNOTAVAIL), EN(ENETDOWN), EN(ENETUNREACH), EN(ENETRESET),
	EN(ECONNABORTED), EN(ECONNRESET), EN(ENOBUFS), EN(EISCONN),
	EN(ENOTCONN), EN(ESHUTDOWN), EN(ETOOMANYREFS), EN(ETIMEDOUT),
	EN(ECONNREFUSED), EN(EHOSTDOWN), EN(EHOSTUNREACH), EN(EALREADY),
	EN(EINPROGRESS), EN(ESTALE), EN(EUCLEAN), EN(EREMOTEIO), EN(EDQUOT),
	EN(ENOMEDIUM), EN(EMEDIUMTYPE), EN(ECANCELED), EN(ENOKEY),
	EN(EKEYEXPIRED), EN(EKEYREVOKED), EN(EKEYREJECTED), EN(EOWNERDEAD),
	EN(ENOTRECOVERABLE), EN(ERFKILL), EN(EHWPOISON),
};
#undef EN

static const char *errno_name(int e)
{
	for (size_t i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++)
		if (errno_names[i].num == e)
			return errno_names[i].name;
	return "E?";
}

static int print_err(int e)
{
	for (size_t i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++) {
		if (errno_names[i].num == e) {
			printf("err %s\n", errno_names[i].name);
			return 1;
		}
	}
	printf("err E%d\n", e);
	return 1;
}

static int print_ok(void)
{
	puts("ok");
	return 0;
}

__attribute__((format(printf, 1, 2)))
static int print_okf(const char *fmt, ...)
{
	va_list ap;

	fputs("ok ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	return 0;
}

/* rc < 0 -> "err <errno>", otherwise "ok". errno must still be intact. */
static int print_rc(long rc)
{
	if (rc < 0)
		return print_err(errno);
	return print_ok();
}

static int usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "probe: %s%s%s\n", what, arg ? ": " : "", arg ? arg : "");
	return 2;
}

/* ------------------------------------------------------------------------ */
/* Argument parsing helpers (return false on malformed input)                */
/* ------------------------------------------------------------------------ */

/* Decimal, or hex with a 0x prefix; optional leading '-'. */
static bool parse_ll(const char *s, long long *out)
{
	const char *p = s;
	char *end = NULL;
	int base = 10;

	if (*p == '-' || *p == '+')
		p++;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		base = 16;
	if (*p == '\0')
		return false;
	errno = 0;
	if (*s == '-') {
		*out = strtoll(s, &end, base);
	} else {
		unsigned long long u = strtoull(s, &end, base);
		*out = (long long)u;
	}
	return errno == 0 && end && *end == '\0';
}

static bool parse_int(const char *s, int *out)
{
	long long v;

	if (!parse_ll(s, &v) || v < INT_MIN || v > INT_MAX)
		return false;
	*out = (int)v;
	return true;
}

static bool parse_hex_u64(const char *s, unsigned long long *out)
{
	char *end = NULL;

	if (*s == '\0' || *s == '-')
		return false;
	errno = 0;
	*out = strtoull(s, &end, 16);
	return errno == 0 && end && *end == '\0';
}

static bool parse_mode(const char *s, mode_t *out)
{
	char *end = NULL;
	unsigned long v;

	if (*s == '\0')
		return false;
	errno = 0;
	v = strtoul(s, &end, 8);
	if (errno || !end || *end != '\0' || v > 07777)
		return false;
	*out = (mode_t)v;
	return true;
}

struct sig_name {
	const char *name;
	int num;
};

static bool parse_signal(const char *s, int *out)
{
	static const struct sig_name sigs[] = {
		{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT },
		{ "ILL", SIGILL }, { "TRAP", SIGTRAP }, { "ABRT", SIGABRT },
		{ "BUS", SIGBUS }, { "FPE", SIGFPE }, { "KILL", SIGKILL },
		{ "USR1", SIGUSR1 }, { "SEGV", SIGSEGV }, { "USR2", SIGUSR2 },
		{ "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM },
		{ "CHLD", SIGCHLD }, { "CONT", SIGCONT }, { "STOP", SIGSTOP },
		{ "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU },
		{ "URG", SIGURG }, { "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ },
		{ "VTALRM", SIGVTALRM }, { "PROF", SIGPROF }, { "WINCH", SIGWINCH },
		{ "IO", SIGIO }, { "PWR", SIGPWR }, { "SYS", SIGSYS },
	};
	const char *n = s;

	if (parse_int(s, out))
		return *out >= 0;
	if (strncmp(n, "SIG", 3) == 0)
		n += 3;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (strcmp(n, sigs[i].name) == 0) {
			*out = sigs[i].num;
			return true;
		}
	}
	return false;
}

static bool parse_seconds(const char *s, struct timespec *ts)
{
	char *end = NULL;
	double d;

	errno = 0;
	d = strtod(s, &end);
	if (errno || !end || *end != '\0' || end == s || !(d >= 0) || d > 1e9)
		return false;
	ts->tv_sec = (time_t)d;
	ts->tv_nsec = (long)((d - (double)ts->tv_sec) * 1e9);
	if (ts->tv_nsec >= 1000000000L)
		ts->tv_nsec = 999999999L;
	return true;
}

static void sleep_ts(struct timespec ts)
{
	struct timespec rem;

	while (nanosleep(&ts, &rem) < 0 && errno == EINTR)
		ts = rem;
}

/* Wait for a specific child, retrying on EINTR; __WALL also catches children
 * created with exit_signal == 0 (raw clone3). */
static int wait_child(pid_t pid)
{
	int status;
	pid_t r;

	do {
		r = waitpid(pid, &status, __WALL);
	} while (r < 0 && errno == EINTR);
	return r < 0 ? -1 : 0;
}

/* ------------------------------------------------------------------------ */
/* File-system ops                                                           */
/* ------------------------------------------------------------------------ */

static int op_true(UNUSED int argc, UNUSED char **argv)
{
	return print_ok();
}

static int op_read(UNUSED int argc, char **argv)
{
	char buf[4096];
	ssize_t n;
	int fd = open(argv[0], O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return print_err(errno);
	n = read(fd, buf, sizeof(buf));
	if (n < 0)
		return print_err(errno);
	return print_okf("%zd", n);
}

static int op_cat(UNUSED int argc, char **argv)
{
	char buf[65536];
	int fd = open(argv[0], O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return print_err(errno);
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		ssize_t off = 0;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return print_err(errno);
		}
		if (n == 0)
			break;
		while (off < n) {
			ssize_t w = write(STDOUT_FILENO, buf + off, (size_t)(n - off));

			if (w < 0) {
				if (errno == EINTR)
					continue;
				return print_err(errno);
			}
			off += w;
		}
	}
	return 0;
}

static int op_write(UNUSED int argc, char **argv)
{
	static const char msg[] = "probe\n";
	int fd = open(argv[0], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return print_err(errno);
	if (write(fd, msg, sizeof(msg) - 1) < 0)
		return print_err(errno);
	if (close(fd) < 0)
		return print_err(errno);
	return print_ok();
}

static int op_append(UNUSED int argc, char **argv)
{
	return print_rc(open(argv[0], O_WRONLY | O_APPEND | O_CLOEXEC));
}

static int op_truncate(UNUSED int argc, char **argv)
{
	return print_rc(truncate(argv[0], 0));
}

static int op_ftruncate(UNUSED int argc, char **argv)
{
	int fd = open(argv[0], O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return print_err(errno);
	return print_rc(ftruncate(fd, 0));
}

static int op_mkdir(UNUSED int argc, char **argv)
{
	return print_rc(mkdir(argv[0], 0755));
}

static int op_rmdir(UNUSED int argc, char **argv)
{
	return print_rc(rmdir(argv[0]));
}

static int op_unlink(UNUSED int argc, char **argv)
{
	return print_rc(unlink(argv[0]));
}

static int op_rename(UNUSED int argc, char **argv)
{
	return print_rc(rename(argv[0], argv[1]));
}

static int op_link(UNUSED int argc, char **argv)
{
	return print_rc(link(argv[0], argv[1]));
}

static int op_symlink(UNUSED int argc, char **argv)
{
	return print_rc(symlink(argv[0], argv[1]));
}

static int op_mkfifo(UNUSED int argc, char **argv)
{
	return print_rc(mkfifo(argv[0], 0644));
}

static int op_chmod(UNUSED int argc, char **argv)
{
	mode_t mode;

	if (!parse_mode(argv[1], &mode))
		return usage_error("bad octal mode", argv[1]);
	return print_rc(chmod(argv[0], mode));
}

static int op_fchmod(UNUSED int argc, char **argv)
{
	mode_t mode;
	int fd;

	if (!parse_mode(argv[1], &mode))
		return usage_error("bad octal mode", argv[1]);
	fd = open(argv[0], O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return print_err(errno);
	return print_rc(fchmod(fd, mode));
}

static int op_fchmodat2(UNUSED int argc, char **argv)
{
	mode_t mode;

	if (!parse_mode(argv[1], &mode))
		return usage_error("bad octal mode", argv[1]);
	return print_rc(syscall(SYS_fchmodat2, AT_FDCWD, argv[0],
				(unsigned long)mode, 0UL));
}

static int op_chown(UNUSED int argc, char **argv)
{
	return print_rc(chown(argv[0], geteuid(), getegid()));
}

static int op_utimensat(UNUSED int argc, char **argv)
{
	return print_rc(utimensat(AT_FDCWD, argv[0], NULL, 0));
}

static int op_futimens(UNUSED int argc, char **argv)
{
	int fd = open(argv[0], O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return print_err(errno);
	return print_rc(futimens(fd, NULL));
}

static int op_setxattr(UNUSED int argc, char **argv)
{
	return print_rc(setxattr(argv[0], "user.probe", "1", 1, 0));
}

static int op_setxattrat(UNUSED int argc, char **argv)
{
	static const char value[] = "1";
	struct probe_xattr_args args;

	memset(&args, 0, sizeof(args));
	args.value = (uint64_t)(uintptr_t)value;
	args.size = 1;
	args.flags = 0;
	return print_rc(syscall(SYS_setxattrat, AT_FDCWD, argv[0], 0U,
				"user.probe", &args, sizeof(args)));
}

static int op_removexattrat(UNUSED int argc, char **argv)
{
	return print_rc(syscall(SYS_removexattrat, AT_FDCWD, argv[0], 0U,
				"user.probe"));
}

static int op_reopen_write(UNUSED int argc, char **argv)
{
	char path[64];
	int fd = open(argv[0], O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return print_err(errno);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return print_rc(open(path, O_WRONLY | O_CLOEXEC));
}

/* ------------------------------------------------------------------------ */
/* Process / identity ops                                                    */
/* ------------------------------------------------------------------------ */

static int op_exec(UNUSED int argc, char **argv)
{
	/* argv[0] is PATH and becomes the new program's argv[0]; argv is
	 * NULL-terminated because it is a tail of main's argv. */
	fflush(stdout);
	execv(argv[0], argv);
	return print_err(errno);
}

static int op_fds(UNUSED int argc, UNUSED char **argv)
{
	fputs("ok", stdout);
	for (int fd = 0; fd < 4096; fd++) {
		if (fcntl(fd, F_GETFD) != -1)
			printf(" %d", fd);
	}
	putchar('\n');
	return 0;
}

static int op_ids(UNUSED int argc, UNUSED char **argv)
{
	uid_t r, e, s;

	if (getresuid(&r, &e, &s) < 0)
		return print_err(errno);
	return print_okf("%u %u %u", (unsigned)r, (unsigned)e, (unsigned)s);
}

static int op_caps(UNUSED int argc, UNUSED char **argv)
{
	struct __user_cap_header_struct hdr;
	struct __user_cap_data_struct data[2];
	unsigned long long eff, prm, inh;
	int bnd = 0, amb = 0, ncaps = 0;

	memset(&hdr, 0, sizeof(hdr));
	memset(data, 0, sizeof(data));
	hdr.version = _LINUX_CAPABILITY_VERSION_3;
	hdr.pid = 0;
	if (syscall(SYS_capget, &hdr, data) < 0)
		return print_err(errno);
	eff = data[0].effective | ((unsigned long long)data[1].effective << 32);
	prm = data[0].permitted | ((unsigned long long)data[1].permitted << 32);
	inh = data[0].inheritable |
	      ((unsigned long long)data[1].inheritable << 32);

	for (int cap = 0; cap < 64; cap++) {
		int r = prctl(PR_CAPBSET_READ, (unsigned long)cap, 0UL, 0UL, 0UL);

		if (r < 0) {
			if (errno == EINVAL)
				break;
			return print_err(errno);
		}
		ncaps = cap + 1;
		if (r == 1)
			bnd++;
	}
	for (int cap = 0; cap < ncaps; cap++) {
		int r = prctl(PR_CAP_AMBIENT, (unsigned long)PR_CAP_AMBIENT_IS_SET,
			      (unsigned long)cap, 0UL, 0UL);

		if (r < 0) {
			if (errno == EINVAL)
				break;
			return print_err(errno);
		}
		if (r == 1)
			amb++;
	}
	return print_okf("%llx %llx %llx %d %d", eff, prm, inh, bnd, amb);
}

static int op_nnp(UNUSED int argc, UNUSED char **argv)
{
	int r = prctl(PR_GET_NO_NEW_PRIVS, 0UL, 0UL, 0UL, 0UL);

	if (r < 0)
		return print_err(errno);
	return print_okf("%d", r);
}

/* ctty: "ok N" with field 7 (tty_nr) of /proc/self/stat; 0 = no ctty. */
static int op_ctty(UNUSED int argc, UNUSED char **argv)
{
	char buf[1024], *p;
	int fd, i, tty;
	ssize_t n;

	if ((fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC)) < 0)
		return print_err(errno);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return print_err(EIO);
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL)
		return print_err(EIO);
	for (i = 0; i < 5 && p != NULL; i++)
		p = strchr(p + 1, ' ');
	if (p == NULL || sscanf(p + 1, "%d", &tty) != 1)
		return print_err(EIO);
	return print_okf("%d", tty);
}

/* tcsetpgrp FD: makes our group the foreground of FD's terminal (SIGTTOU
 * ignored, as a hijacker would); "ok" or err (ENOTTY: not our ctty). */
static int op_tcsetpgrp(UNUSED int argc, char **argv)
{
	(void)signal(SIGTTOU, SIG_IGN);
	return print_rc(tcsetpgrp(atoi(argv[0]), getpgrp()));
}

static int op_sid(UNUSED int argc, UNUSED char **argv)
{
	pid_t sid = getsid(0);
	pid_t pgid;

	if (sid < 0)
		return print_err(errno);
	pgid = getpgid(0);
	if (pgid < 0)
		return print_err(errno);
	return print_okf("%d %d %d", (int)sid, (int)pgid, (int)getpid());
}

/* ------------------------------------------------------------------------ */
/* `syscall NAME`: one function per named syscall, returning raw rc          */
/* ------------------------------------------------------------------------ */

static long sc_mount(void)
{
	long rc = mount("none", "/tmp", "tmpfs", 0, NULL);

	/* Do not leave a tmpfs over /tmp behind if this actually worked. */
	if (rc == 0)
		umount2("/tmp", MNT_DETACH);
	return rc;
}

static long sc_umount2(void)
{
	return umount2("/nonexistent-probe-mountpoint", 0);
}

static long sc_pivot_root(void)
{
	return syscall(SYS_pivot_root, "/nonexistent-probe-new",
		       "/nonexistent-probe-old");
}

static long sc_chroot(void)
{
	return chroot("/");
}

static long sc_unshare(void)
{
	return unshare(CLONE_NEWUSER);
}

static long sc_setns(void)
{
	return setns(-1, 0);
}

static long sc_ptrace(void)
{
	return ptrace(PTRACE_TRACEME, 0, NULL, NULL);
}

static long sc_process_vm_readv(void)
{
	char src = 'a', dst = 0;
	struct iovec local = { &dst, 1 };
	struct iovec remote = { &src, 1 };

	return process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
}

static long sc_process_vm_writev(void)
{
	char src = 'a', dst = 0;
	struct iovec local = { &src, 1 };
	struct iovec remote = { &dst, 1 };

	return process_vm_writev(getpid(), &local, 1, &remote, 1, 0);
}

static long sc_bpf(void)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	return syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
}

static long sc_perf_event_open(void)
{
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	return syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0UL);
}

static long sc_userfaultfd(void)
{
	return syscall(SYS_userfaultfd, 0);
}

static long sc_io_uring_setup(void)
{
	struct io_uring_params params;

	memset(&params, 0, sizeof(params));
	return syscall(SYS_io_uring_setup, 1U, &params);
}

static long sc_io_uring_enter(void)
{
	return syscall(SYS_io_uring_enter, -1, 0U, 0U, 0U, NULL, 0UL);
}

static long sc_io_uring_register(void)
{
	return syscall(SYS_io_uring_register, -1, 0U, NULL, 0U);
}

static long sc_keyctl(void)
{
	return syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID,
		       KEY_SPEC_SESSION_KEYRING, 0);
}

static long sc_add_key(void)
{
	return syscall(SYS_add_key, "user", "probe", "x", 1UL,
		       KEY_SPEC_SESSION_KEYRING);
}

static long sc_request_key(void)
{
	return syscall(SYS_request_key, "user", "probe", NULL, 0);
}

static long sc_kexec_load(void)
{
	return syscall(SYS_kexec_load, 0UL, 0UL, NULL, 0UL);
}

static long sc_kexec_file_load(void)
{
	return syscall(SYS_kexec_file_load, -1, -1, 0UL, NULL, 0UL);
}

static long sc_init_module(void)
{
	return syscall(SYS_init_module, NULL, 0UL, "");
}

static long sc_finit_module(void)
{
	return syscall(SYS_finit_module, -1, "", 0);
}

static long sc_delete_module(void)
{
	return syscall(SYS_delete_module, "probe", 0U);
}

static long sc_reboot(void)
{
	return syscall(SYS_reboot, PROBE_REBOOT_MAGIC1, PROBE_REBOOT_MAGIC2,
		       PROBE_REBOOT_CMD_CAD_OFF, NULL);
}

static long sc_swapon(void)
{
	return swapon("/nonexistent", 0);
}

static long sc_swapoff(void)
{
	return swapoff("/nonexistent");
}

static long sc_iopl(void)
{
	return syscall(SYS_iopl, 0);
}

static long sc_ioperm(void)
{
	return syscall(SYS_ioperm, 0UL, 1UL, 0);
}

static long sc_personality(void)
{
	return syscall(SYS_personality, (unsigned long)ADDR_NO_RANDOMIZE);
}

static long sc_personality_query(void)
{
	return syscall(SYS_personality, 0xffffffffUL);
}

static long sc_open_by_handle_at(void)
{
	struct file_handle *fh = calloc(1, sizeof(*fh) + MAX_HANDLE_SZ);

	if (!fh) {
		errno = ENOMEM;
		return -1;
	}
	return syscall(SYS_open_by_handle_at, -1, fh, 0);
}

static long sc_name_to_handle_at(void)
{
	struct file_handle *fh = calloc(1, sizeof(*fh) + MAX_HANDLE_SZ);
	int mount_id = 0;

	if (!fh) {
		errno = ENOMEM;
		return -1;
	}
	fh->handle_bytes = MAX_HANDLE_SZ;
	return syscall(SYS_name_to_handle_at, AT_FDCWD, "/", fh, &mount_id, 0);
}

static long sc_setsid(void)
{
	return setsid();
}

static long sc_setpgid(void)
{
	return setpgid(0, 0);
}

static long sc_clone3(void)
{
	struct probe_clone_args args;
	long pid;

	memset(&args, 0, sizeof(args));
	fflush(stdout);
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid == 0)
		_exit(0);
	if (pid < 0)
		return -1;
	return wait_child((pid_t)pid);
}

static long sc_kcmp(void)
{
	pid_t me = getpid();

	return syscall(SYS_kcmp, me, me, KCMP_VM, 0UL, 0UL);
}

static long sc_pidfd_getfd(void)
{
	long pidfd = syscall(SYS_pidfd_open, getppid(), 0U);

	if (pidfd < 0)
		return -1;
	return syscall(SYS_pidfd_getfd, (int)pidfd, 0, 0U);
}

static long sc_fanotify_init(void)
{
	return fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC, O_RDONLY);
}

static long sc_syslog(void)
{
	return syscall(SYS_syslog, SYSLOG_ACTION_SIZE_BUFFER, NULL, 0);
}

static long sc_acct(void)
{
	return acct(NULL);
}

static long sc_quotactl(void)
{
	return syscall(SYS_quotactl, 0, NULL, 0, NULL);
}

static long sc_vhangup(void)
{
	return vhangup();
}

static long sc_sethostname(void)
{
	/* Re-set the current name when possible so a successful call outside a
	 * sandbox changes nothing; the kernel checks privilege first anyway. */
	char name[HOST_NAME_MAX + 1];

	memset(name, 0, sizeof(name));
	if (gethostname(name, sizeof(name) - 1) == 0 && name[0] != '\0')
		return sethostname(name, strlen(name));
	return sethostname("x", 1);
}

static long sc_file_setattr(void)
{
	return syscall(SYS_file_setattr, -1, NULL, NULL, 0UL, 0U);
}

static long sc_landlock_create_ruleset(void)
{
	return syscall(SYS_landlock_create_ruleset, NULL, 0UL,
		       LANDLOCK_CREATE_RULESET_VERSION);
}

static long sc_mseal(void)
{
	long page = sysconf(_SC_PAGESIZE);
	void *p = mmap(NULL, (size_t)page, PROT_READ,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -1;
	return syscall(SYS_mseal, p, (unsigned long)page, 0UL);
}

struct named_syscall {
	const char *name;
	long (*fn)(void);
};

static const struct named_syscall named_syscalls[] = {
	{ "mount", sc_mount },
	{ "umount2", sc_umount2 },
	{ "pivot_root", sc_pivot_root },
	{ "chroot", sc_chroot },
	{ "unshare", sc_unshare },
	{ "setns", sc_setns },
	{ "ptrace", sc_ptrace },
	{ "process_vm_readv", sc_process_vm_readv },
	{ "process_vm_writev", sc_process_vm_writev },
	{ "bpf", sc_bpf },
	{ "perf_event_open", sc_perf_event_open },
	{ "userfaultfd", sc_userfaultfd },
	{ "io_uring_setup", sc_io_uring_setup },
	{ "io_uring_enter", sc_io_uring_enter },
	{ "io_uring_register", sc_io_uring_register },
	{ "keyctl", sc_keyctl },
	{ "add_key", sc_add_key },
	{ "request_key", sc_request_key },
	{ "kexec_load", sc_kexec_load },
	{ "kexec_file_load", sc_kexec_file_load },
	{ "init_module", sc_init_module },
	{ "finit_module", sc_finit_module },
	{ "delete_module", sc_delete_module },
	{ "reboot", sc_reboot },
	{ "swapon", sc_swapon },
	{ "swapoff", sc_swapoff },
	{ "iopl", sc_iopl },
	{ "ioperm", sc_ioperm },
	{ "personality", sc_personality },
	{ "personality-query", sc_personality_query },
	{ "open_by_handle_at", sc_open_by_handle_at },
	{ "name_to_handle_at", sc_name_to_handle_at },
	{ "setsid", sc_setsid },
	{ "setpgid", sc_setpgid },
	{ "clone3", sc_clone3 },
	{ "kcmp", sc_kcmp },
	{ "pidfd_getfd", sc_pidfd_getfd },
	{ "fanotify_init", sc_fanotify_init },
	{ "syslog", sc_syslog },
	{ "acct", sc_acct },
	{ "quotactl", sc_quotactl },
	{ "vhangup", sc_vhangup },
	{ "sethostname", sc_sethostname },
	{ "file_setattr", sc_file_setattr },
	{ "landlock_create_ruleset", sc_landlock_create_ruleset },
	{ "mseal", sc_mseal },
};

static int op_syscall(UNUSED int argc, char **argv)
{
	for (size_t i = 0; i < sizeof(named_syscalls) / sizeof(named_syscalls[0]); i++) {
		if (strcmp(argv[0], named_syscalls[i].name) == 0)
			return print_rc(named_syscalls[i].fn());
	}
	fprintf(stderr, "probe: unknown syscall name: %s\nknown:", argv[0]);
	for (size_t i = 0; i < sizeof(named_syscalls) / sizeof(named_syscalls[0]); i++)
		fprintf(stderr, " %s", named_syscalls[i].name);
	fputc('\n', stderr);
	return 2;
}

static int print_raw_result(long rc)
{
	if (rc == -1)
		return print_err(errno);
	return print_okf("%ld", rc);
}

static int op_nr(UNUSED int argc, char **argv)
{
	long long nr;

	if (!parse_ll(argv[0], &nr))
		return usage_error("bad syscall number", argv[0]);
	fflush(stdout);
	return print_raw_result(syscall((long)nr, 0L, 0L, 0L, 0L, 0L, 0L));
}

static int op_x32(UNUSED int argc, char **argv)
{
	long long nr;

	if (!parse_ll(argv[0], &nr))
		return usage_error("bad syscall number", argv[0]);
	fflush(stdout);
	return print_raw_result(syscall((long)((unsigned long)nr | X32_SYSCALL_BIT),
					0L, 0L, 0L, 0L, 0L, 0L));
}

static int op_int80(UNUSED int argc, UNUSED char **argv)
{
	long ret;

	/* i386 __NR_getpid == 20 via the compat int 0x80 entry. */
	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "0"(20L)
			 : "memory", "cc", "r8", "r9", "r10", "r11");
	if (ret < 0 && ret > -4096)
		return print_err((int)-ret);
	return print_okf("%ld", ret);
}

struct ns_flag {
	const char *name;
	unsigned long flag;
};

static int op_clone_ns(UNUSED int argc, char **argv)
{
	static const struct ns_flag flags[] = {
		{ "newns", CLONE_NEWNS },     { "newuser", CLONE_NEWUSER },
		{ "newpid", CLONE_NEWPID },   { "newnet", CLONE_NEWNET },
		{ "newuts", CLONE_NEWUTS },   { "newipc", CLONE_NEWIPC },
		{ "newcgroup", CLONE_NEWCGROUP },
	};
	long pid;

	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (strcmp(argv[0], flags[i].name) != 0)
			continue;
		fflush(stdout);
		pid = syscall(SYS_clone, (unsigned long)SIGCHLD | flags[i].flag,
			      0UL, 0UL, 0UL, 0UL);
		if (pid == 0)
			_exit(0);
		if (pid < 0)
			return print_err(errno);
		wait_child((pid_t)pid);
		return print_ok();
	}
	return usage_error("unknown clone-ns flag (newns,newuser,newpid,newnet,"
			   "newuts,newipc,newcgroup)", argv[0]);
}

static void *thread_fn(void *arg)
{
	return arg;
}

static int op_thread(UNUSED int argc, UNUSED char **argv)
{
	pthread_t t;
	int rc = pthread_create(&t, NULL, thread_fn, NULL);

	if (rc != 0)
		return print_err(rc);
	rc = pthread_join(t, NULL);
	if (rc != 0)
		return print_err(rc);
	return print_ok();
}

static int op_fork(UNUSED int argc, UNUSED char **argv)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(0);
	if (pid < 0)
		return print_err(errno);
	wait_child(pid);
	return print_ok();
}

/* One fork by the chosen path: 0 libc fork, 1 raw clone, 2 raw fork. */
static pid_t fork_by(int how)
{
	if (how == 1)
		return (pid_t)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
	if (how == 2)
		return (pid_t)syscall(SYS_fork);
	return fork();
}

/*
 * fork-many N SECS [libc|clone|fork]: forks N children that each sleep
 * SECS; prints "ok FORKED FAILED ERRNAME" (ERRNAME of the first failure or
 * "-"), then waits for them all.
 */
static int op_fork_many(int argc, char **argv)
{
	int n, secs, how = 0, forked = 0, failed = 0, first = 0, i;
	pid_t pid;

	if (!parse_int(argv[0], &n) || !parse_int(argv[1], &secs))
		return usage_error("bad number", argv[0]);
	if (argc >= 3)
		how = strcmp(argv[2], "clone") == 0 ? 1 :
		    strcmp(argv[2], "fork") == 0 ? 2 : 0;
	fflush(stdout);
	for (i = 0; i < n; i++) {
		pid = fork_by(how);
		if (pid == 0) {
			sleep((unsigned)secs);
			_exit(0);
		}
		if (pid > 0)
			forked++;
		else if (failed++ == 0)
			first = errno;
	}
	printf("ok %d %d %s\n", forked, failed, first ? errno_name(first) : "-");
	fflush(stdout);
	while (wait(NULL) > 0)
		;
	return 0;
}

static void *sleeper(void *arg)
{
	sleep((unsigned)(uintptr_t)arg);
	return NULL;
}

/* threads N SECS: starts N sleeping threads; "ok STARTED FAILED". */
static int op_threads(UNUSED int argc, char **argv)
{
	int n, secs, ok = 0, failed = 0, i;
	pthread_t t[512];

	if (!parse_int(argv[0], &n) || !parse_int(argv[1], &secs) || n > 512)
		return usage_error("bad number", argv[0]);
	for (i = 0; i < n; i++) {
		if (pthread_create(&t[ok], NULL, sleeper,
		    (void *)(uintptr_t)secs) == 0)
			ok++;
		else
			failed++;
	}
	printf("ok %d %d\n", ok, failed);
	fflush(stdout);
	for (i = 0; i < ok; i++)
		pthread_join(t[i], NULL);
	return 0;
}

/* fork-loop N: N sequential fork+wait; "ok DONE" or err at the first. */
static int op_fork_loop(UNUSED int argc, char **argv)
{
	int n, i;
	pid_t pid;

	if (!parse_int(argv[0], &n))
		return usage_error("bad number", argv[0]);
	fflush(stdout);
	for (i = 0; i < n; i++) {
		if ((pid = fork()) == 0)
			_exit(0);
		if (pid < 0)
			return print_err(errno);
		wait_child(pid);
	}
	return print_okf("%d", n);
}

static void *fork_worker(void *arg)
{
	int m = (int)(uintptr_t)arg, i, bad = 0;
	pid_t pid;

	for (i = 0; i < m; i++) {
		if ((pid = fork()) == 0)
			_exit(0);
		if (pid < 0)
			bad++;
		else
			waitpid(pid, NULL, 0);
	}
	return (void *)(uintptr_t)bad;
}

/* thread-forks T M: T threads each do M fork+wait; "ok FAILED". */
static int op_thread_forks(UNUSED int argc, char **argv)
{
	int t, m, i, bad = 0;
	pthread_t th[128];
	void *r;

	if (!parse_int(argv[0], &t) || !parse_int(argv[1], &m) || t > 128)
		return usage_error("bad number", argv[0]);
	fflush(stdout);
	for (i = 0; i < t; i++)
		if (pthread_create(&th[i], NULL, fork_worker,
		    (void *)(uintptr_t)m) != 0)
			return print_err(EAGAIN);
	for (i = 0; i < t; i++) {
		pthread_join(th[i], &r);
		bad += (int)(uintptr_t)r;
	}
	return print_okf("%d", bad);
}

static volatile sig_atomic_t storm_hits;
static void storm_handler(int sig) { (void)sig; storm_hits++; }

/*
 * signal-storm M: a child sends SIGUSR1 to us as fast as it can while we
 * do M fork+wait (each fork is a mediated call under -P); "ok M".
 */
static int op_signal_storm(UNUSED int argc, char **argv)
{
	struct sigaction sa;
	int m, i;
	pid_t parent = getpid(), spammer, pid;

	if (!parse_int(argv[0], &m))
		return usage_error("bad number", argv[0]);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = storm_handler;
	sigaction(SIGUSR1, &sa, NULL);
	fflush(stdout);
	if ((spammer = fork()) == 0) {
		for (;;)
			kill(parent, SIGUSR1);
	}
	for (i = 0; i < m; i++) {
		while ((pid = fork()) < 0 && errno == EINTR)
			;
		if (pid == 0)
			_exit(0);
		if (pid < 0)
			break;
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	kill(spammer, SIGKILL);
	waitpid(spammer, NULL, 0);
	return i == m ? print_okf("%d", m) : print_err(errno);
}

/* nodump: PR_SET_DUMPABLE 0, then one fork; "ok" or err. */
static int op_nodump(UNUSED int argc, UNUSED char **argv)
{
	pid_t pid;

	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return print_err(errno);
	fflush(stdout);
	if ((pid = fork()) == 0)
		_exit(0);
	if (pid < 0)
		return print_err(errno);
	wait_child(pid);
	return print_ok();
}

struct flip {
	char path[512];
	const char *a, *b;
	volatile int stop;
};

static void *flipper(void *arg)
{
	struct flip *f = arg;
	size_t la = strlen(f->a), lb = strlen(f->b);

	while (!f->stop) {
		memcpy(f->path, f->a, la + 1);
		memcpy(f->path, f->b, lb + 1);
	}
	return NULL;
}

/*
 * chmod-race ALLOWED DENIED N MODE: one thread flips a path buffer between
 * the two names while this one calls chmod on it N times; "ok OKS FAILS".
 */
static int op_chmod_race(UNUSED int argc, char **argv)
{
	struct flip f;
	pthread_t t;
	mode_t mode;
	int n, i, oks = 0, fails = 0;

	if (!parse_int(argv[2], &n) || !parse_mode(argv[3], &mode) ||
	    strlen(argv[0]) >= sizeof(f.path) || strlen(argv[1]) >= sizeof(f.path))
		return usage_error("bad arguments", argv[2]);
	memset(&f, 0, sizeof(f));
	f.a = argv[0];
	f.b = argv[1];
	strcpy(f.path, f.a);
	if (pthread_create(&t, NULL, flipper, &f) != 0)
		return print_err(EAGAIN);
	for (i = 0; i < n; i++) {
		if (chmod(f.path, mode) == 0)
			oks++;
		else
			fails++;
	}
	f.stop = 1;
	pthread_join(t, NULL);
	printf("ok %d %d\n", oks, fails);
	return 0;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

/* Nanoseconds from a to b. */
static long ns_between(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000000000L + (b->tv_nsec - a->tv_nsec);
}

/* The benches' answer: "ok MEDIAN P99" of t[0..n), in ns. */
static int print_quantiles(long *t, int n)
{
	qsort(t, (size_t)n, sizeof(long), cmp_long);
	printf("ok %ld %ld\n", t[n / 2], t[(n * 99) / 100]);
	return 0;
}

/*
 * fill-tree DIR N: with SIGXFSZ ignored, creates DIR/f0 .. f<N-1> and grows
 * each by 64 KiB writes until one fails (at most 64 MiB), then tries to
 * grow the last past its end by ftruncate, fallocate and pwrite, and to
 * raise RLIMIT_FSIZE's hard limit; "ok N LARGEST TRUNC FALLOC PWRITE
 * RAISE", each of the last four "ok" or an errno name.
 */
static int op_fill_tree(UNUSED int argc, char **argv)
{
	static char buf[65536];
	const char *res[4];
	char path[PATH_MAX];
	long long largest = 0, size;
	struct rlimit rl;
	ssize_t w;
	int n, i, fd = -1;

	if (!parse_int(argv[1], &n) || n < 1)
		return usage_error("bad count", argv[1]);
	(void)signal(SIGXFSZ, SIG_IGN);
	memset(buf, 'x', sizeof(buf));
	for (i = 0; i < n; i++) {
		if (fd >= 0)
			close(fd);
		snprintf(path, sizeof(path), "%s/f%d", argv[0], i);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0)
			return print_err(errno);
		for (size = 0; size < 64LL << 20; size += w)
			if ((w = write(fd, buf, sizeof(buf))) <= 0)
				break;
		if (size > largest)
			largest = size;
	}
	res[0] = ftruncate(fd, largest + 4096) == 0 ? "ok" : errno_name(errno);
	res[1] = fallocate(fd, 0, largest, 4096) == 0 ? "ok" :
	    errno_name(errno);
	res[2] = pwrite(fd, buf, 1, largest + 4096) == 1 ? "ok" :
	    errno_name(errno);
	if (getrlimit(RLIMIT_FSIZE, &rl) < 0)
		return print_err(errno);
	if (rl.rlim_max != RLIM_INFINITY)
		rl.rlim_cur = ++rl.rlim_max;
	res[3] = setrlimit(RLIMIT_FSIZE, &rl) == 0 ? "ok" : errno_name(errno);
	close(fd);
	return print_okf("%d %lld %s %s %s %s", n, largest, res[0], res[1],
	    res[2], res[3]);
}

/*
 * chmod-bench PATH N, open-bench PATH N: times N chmod calls (or opens,
 * each closed); "ok MEDIAN_NS P99_NS".
 */
static int time_calls(char **argv, bool open_it)
{
	struct timespec a, b;
	long *t;
	int n, i, fd;

	if (!parse_int(argv[1], &n) || n <= 0 ||
	    (t = calloc((size_t)n, sizeof(long))) == NULL)
		return usage_error("bad count", argv[1]);
	for (i = 0; i < n; i++) {
		clock_gettime(CLOCK_MONOTONIC, &a);
		fd = open_it ? open(argv[0], O_RDONLY | O_CLOEXEC) :
		    chmod(argv[0], 0644);
		if (fd < 0)
			return print_err(errno);
		if (open_it)
			close(fd);
		clock_gettime(CLOCK_MONOTONIC, &b);
		t[i] = ns_between(&a, &b);
	}
	return print_quantiles(t, n);
}

/* connect-bench N: N blocking connects to its own listener on 127.0.0.1
 * (needs bind of an ephemeral port); "ok MEDIAN P99" of connect, in ns. */
static int op_connect_bench(UNUSED int argc, char **argv)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	struct timespec a, b;
	int n, i, l, c, s;
	long *t;

	if (!parse_int(argv[0], &n) || n <= 0 ||
	    (t = calloc((size_t)n, sizeof(long))) == NULL)
		return usage_error("bad count", argv[0]);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    bind(l, (struct sockaddr *)&sin, len) < 0 || listen(l, 64) < 0 ||
	    getsockname(l, (struct sockaddr *)&sin, &len) < 0)
		return print_err(errno);
	for (i = 0; i < n; i++) {
		if ((c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
			return print_err(errno);
		clock_gettime(CLOCK_MONOTONIC, &a);
		if (connect(c, (struct sockaddr *)&sin, len) < 0)
			return print_err(errno);
		clock_gettime(CLOCK_MONOTONIC, &b);
		if ((s = accept(l, NULL, NULL)) < 0)
			return print_err(errno);
		close(s);
		close(c);
		t[i] = ns_between(&a, &b);
	}
	return print_quantiles(t, n);
}

static int op_chmod_bench(UNUSED int argc, char **argv)
{
	return time_calls(argv, false);
}

static int op_open_bench(UNUSED int argc, char **argv)
{
	return time_calls(argv, true);
}

/*
 * open-race ALLOWED DENIED N: one thread flips a path buffer between two
 * /proc status files while this one opens it N times and reads the Pid
 * line; "ok OKS FAILS FOREIGN", FOREIGN counting opens of another pid's.
 */
static int op_open_race(UNUSED int argc, char **argv)
{
	char buf[4096], *p;
	struct flip f;
	pthread_t t;
	int n, i, fd, oks = 0, fails = 0, foreign = 0;
	ssize_t r;

	if (!parse_int(argv[2], &n) || strlen(argv[0]) >= sizeof(f.path) ||
	    strlen(argv[1]) >= sizeof(f.path))
		return usage_error("bad arguments", argv[2]);
	memset(&f, 0, sizeof(f));
	f.a = argv[0];
	f.b = argv[1];
	strcpy(f.path, f.a);
	if (pthread_create(&t, NULL, flipper, &f) != 0)
		return print_err(EAGAIN);
	for (i = 0; i < n; i++) {
		if ((fd = open(f.path, O_RDONLY | O_CLOEXEC)) < 0) {
			fails++;
			continue;
		}
		oks++;
		r = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		buf[r > 0 ? r : 0] = '\0';
		if ((p = strstr(buf, "\nPid:")) == NULL ||
		    atoi(p + 5) != (int)getpid())
			foreign++;
	}
	f.stop = 1;
	pthread_join(t, NULL);
	printf("ok %d %d %d\n", oks, fails, foreign);
	return 0;
}

/*
 * proc-list PID: starts a child, lists /proc and opens the child's status;
 * "ok SELF CHILD PID COUNT": whether the caller's pid, the child's (listed
 * and its status opened) and PID are listed (1/0), and how many pids are.
 */
static int op_proc_list(UNUSED int argc, char **argv)
{
	int pid, self = 0, kid = 0, other = 0, count = 0, fd;
	struct dirent *de;
	char path[64];
	pid_t child;
	DIR *d;

	if (!parse_int(argv[0], &pid))
		return usage_error("bad pid", argv[0]);
	if ((child = fork()) == 0) {
		pause();
		_exit(0);
	}
	if (child < 0 || (d = opendir("/proc")) == NULL)
		return print_err(errno);
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		count++;
		self |= atoi(de->d_name) == (int)getpid();
		kid |= atoi(de->d_name) == (int)child;
		other |= atoi(de->d_name) == pid;
	}
	if (errno != 0)
		return print_err(errno);
	closedir(d);
	snprintf(path, sizeof(path), "/proc/%d/status", (int)child);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		kid = 0;
	else
		close(fd);
	kill(child, SIGKILL);
	wait_child(child);
	printf("ok %d %d %d %d\n", self, kid, other, count);
	return 0;
}

/* read-in DIR PATH: chdir(DIR), then read PATH (relative to it). */
static int op_read_in(UNUSED int argc, char **argv)
{
	if (chdir(argv[0]) < 0)
		return print_err(errno);
	return op_read(1, argv + 1);
}

/* futimens-bench PATH N: N futimens(fd, NULL), which the supervisor
 * answers at once (no memory to read); "ok MEDIAN P99" in ns. */
static int op_futimens_bench(UNUSED int argc, char **argv)
{
	struct timespec a, b;
	int fd, n, i;
	long *t;

	if (!parse_int(argv[1], &n) || n <= 0 ||
	    (t = calloc((size_t)n, sizeof(long))) == NULL)
		return usage_error("bad count", argv[1]);
	if ((fd = open(argv[0], O_RDONLY | O_CLOEXEC)) < 0)
		return print_err(errno);
	for (i = 0; i < n; i++) {
		clock_gettime(CLOCK_MONOTONIC, &a);
		if (futimens(fd, NULL) < 0)
			return print_err(errno);
		clock_gettime(CLOCK_MONOTONIC, &b);
		t[i] = ns_between(&a, &b);
	}
	return print_quantiles(t, n);
}

/* nodump-chmod PATH MODE: PR_SET_DUMPABLE 0, then chmod. */
static int op_nodump_chmod(UNUSED int argc, char **argv)
{
	mode_t mode;

	if (!parse_mode(argv[1], &mode))
		return usage_error("bad mode", argv[1]);
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return print_err(errno);
	return print_rc(chmod(argv[0], mode));
}

/* sigstate: "ign N,N,... blk N,N,..." for the signals ignored and blocked
 * (raw calls, so that libc's own 32-34 are seen too); "-" for none. */
static int op_sigstate(UNUSED int argc, UNUSED char **argv)
{
	struct { void *h; unsigned long fl; void *r; uint64_t m; } ka;
	uint64_t blk;
	const char *sep = "";
	int sig;

	printf("ign ");
	for (sig = 1; sig <= 64; sig++)
		if (syscall(SYS_rt_sigaction, sig, NULL, &ka, 8) == 0 &&
		    ka.h == (void *)SIG_IGN) {
			printf("%s%d", sep, sig);
			sep = ",";
		}
	if (*sep == '\0')
		printf("-");
	if (syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &blk, 8) < 0)
		return print_err(errno);
	printf(" blk ");
	sep = "";
	for (sig = 1; sig <= 64; sig++)
		if (blk & (1ULL << (sig - 1))) {
			printf("%s%d", sep, sig);
			sep = ",";
		}
	printf("%s\n", *sep == '\0' ? "-" : "");
	return 0;
}

/* seccomp-listener [hi]: installs a filter with NEW_LISTENER; with "hi",
 * the high halves of the operation and the flags hold junk, which the
 * kernel drops (both are unsigned int). */
static int op_seccomp_listener(int argc, char **argv)
{
	unsigned long hi = argc > 0 && strcmp(argv[0], "hi") == 0 ?
	    1UL << 32 : 0;
	struct sock_filter f[] = {
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { 1, f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return print_err(errno);
	return print_rc(syscall(SYS_seccomp, hi | SECCOMP_SET_MODE_FILTER,
	    hi | SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog) < 0 ? -1 : 0);
}

/* alloc MB: allocates and touches MB MiB; "ok MB" or err. */
static int op_alloc(UNUSED int argc, char **argv)
{
	volatile char *p;
	size_t i;
	int mb;

	if (!parse_int(argv[0], &mb))
		return usage_error("bad number", argv[0]);
	if ((p = malloc((size_t)mb << 20)) == NULL)
		return print_err(ENOMEM);
	/* Touch every page through a volatile pointer: no elision. */
	for (i = 0; i < ((size_t)mb << 20); i += 4096)
		p[i] = 1;
	sleep(1);
	return print_okf("%d", mb);
}

/* ------------------------------------------------------------------------ */
/* ioctl ops                                                                 */
/* ------------------------------------------------------------------------ */

static bool want_hi(int argc, char **argv, int *bad)
{
	*bad = 0;
	if (argc < 1)
		return false;
	if (strcmp(argv[0], "hi") == 0)
		return true;
	*bad = 1;
	return false;
}

static int op_tiocsti(int argc, char **argv)
{
	char c = 'X';
	int bad;
	unsigned long cmd = TIOCSTI;

	if (want_hi(argc, argv, &bad))
		cmd |= 1UL << 32;
	if (bad)
		return usage_error("expected optional 'hi'", argv[0]);
	return print_rc(syscall(SYS_ioctl, 0, cmd, &c));
}

static int op_tioclinux(int argc, char **argv)
{
	char buf[1] = { TIOCL_GETSHIFTSTATE };
	int bad;
	unsigned long cmd = TIOCLINUX;

	if (want_hi(argc, argv, &bad))
		cmd |= 1UL << 32;
	if (bad)
		return usage_error("expected optional 'hi'", argv[0]);
	return print_rc(syscall(SYS_ioctl, 0, cmd, buf));
}

static int op_ioctl_raw(UNUSED int argc, char **argv)
{
	int fd;
	unsigned long long cmd;

	if (!parse_int(argv[0], &fd))
		return usage_error("bad fd", argv[0]);
	if (!parse_hex_u64(argv[1], &cmd))
		return usage_error("bad hex ioctl cmd", argv[1]);
	return print_rc(syscall(SYS_ioctl, fd, (unsigned long)cmd, NULL));
}

/* ------------------------------------------------------------------------ */
/* Network ops                                                               */
/* ------------------------------------------------------------------------ */

struct name_val {
	const char *name;
	int val;
};

static bool lookup_or_int(const struct name_val *tab, size_t n,
			  const char *s, int *out)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(s, tab[i].name) == 0) {
			*out = tab[i].val;
			return true;
		}
	}
	return parse_int(s, out);
}

static int op_socket(int argc, char **argv)
{
	static const struct name_val domains[] = {
		{ "unix", AF_UNIX },       { "inet", AF_INET },
		{ "inet6", AF_INET6 },     { "netlink", AF_NETLINK },
		{ "packet", AF_PACKET },   { "vsock", AF_VSOCK },
	};
	static const struct name_val types[] = {
		{ "stream", SOCK_STREAM }, { "dgram", SOCK_DGRAM },
		{ "raw", SOCK_RAW },       { "seqpacket", SOCK_SEQPACKET },
	};
	int domain, type, proto = 0;

	if (!lookup_or_int(domains, sizeof(domains) / sizeof(domains[0]),
			   argv[0], &domain))
		return usage_error("bad socket domain", argv[0]);
	if (!lookup_or_int(types, sizeof(types) / sizeof(types[0]),
			   argv[1], &type))
		return usage_error("bad socket type", argv[1]);
	if (argc >= 3 && !parse_int(argv[2], &proto))
		return usage_error("bad socket protocol", argv[2]);
	return print_rc(socket(domain, type, proto));
}

static int unix_addr(const char *path, struct sockaddr_un *sun)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path))
		return -1;
	strcpy(sun->sun_path, path);
	return 0;
}

/* connect-unix PATH: connect a stream socket to a pathname socket. */
static int op_connect_unix(UNUSED int argc, char **argv)
{
	struct sockaddr_un sun;
	int fd;

	if (unix_addr(argv[0], &sun) < 0)
		return usage_error("path too long", argv[0]);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return print_err(errno);
	return print_rc(connect(fd, (struct sockaddr *)&sun, sizeof(sun)));
}

/* sendto-unix PATH: send one datagram to a pathname datagram socket. */
static int op_sendto_unix(UNUSED int argc, char **argv)
{
	struct sockaddr_un sun;
	int fd;

	if (unix_addr(argv[0], &sun) < 0)
		return usage_error("path too long", argv[0]);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return print_err(errno);
	return print_rc(sendto(fd, "x", 1, 0, (struct sockaddr *)&sun,
	    sizeof(sun)) < 0 ? -1 : 0);
}

static int op_connect_tcp(UNUSED int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int port, fd, rc, soerr = 0;
	socklen_t soerr_len = sizeof(soerr);
	struct pollfd pfd;

	memset(&ss, 0, sizeof(ss));
	if (!parse_int(argv[1], &port) || port < 0 || port > 65535)
		return usage_error("bad port", argv[1]);
	{
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		if (inet_pton(AF_INET, argv[0], &sin->sin_addr) == 1) {
			sin->sin_family = AF_INET;
			sin->sin_port = htons((uint16_t)port);
			len = sizeof(*sin);
		} else if (inet_pton(AF_INET6, argv[0], &sin6->sin6_addr) == 1) {
			sin6->sin6_family = AF_INET6;
			sin6->sin6_port = htons((uint16_t)port);
			len = sizeof(*sin6);
		} else {
			return usage_error("bad IP literal", argv[0]);
		}
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return print_err(errno);
	if (connect(fd, (struct sockaddr *)&ss, len) == 0)
		return print_ok();
	if (errno != EINPROGRESS)
		return print_err(errno);
	/* Bound the wait so a black-holed address cannot hang a test. */
	pfd.fd = fd;
	pfd.events = POLLOUT;
	pfd.revents = 0;
	do {
		rc = poll(&pfd, 1, 10000);
	} while (rc < 0 && errno == EINTR);
	if (rc < 0)
		return print_err(errno);
	if (rc == 0)
		return print_err(ETIMEDOUT);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &soerr_len) < 0)
		return print_err(errno);
	if (soerr != 0)
		return print_err(soerr);
	return print_ok();
}

/* IP PORT to a sockaddr; the address family follows the literal. */
static int ip_port(const char *ip, const char *port, struct sockaddr_storage *ss,
		   socklen_t *len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	int p;

	memset(ss, 0, sizeof(*ss));
	if (!parse_int(port, &p) || p < 0 || p > 65535)
		return -1;
	if (inet_pton(AF_INET, ip, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)p);
		*len = sizeof(*sin);
	} else if (inet_pton(AF_INET6, ip, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)p);
		*len = sizeof(*sin6);
	} else
		return -1;
	return 0;
}

#define IP_PORT_OR_USAGE(a, b, ss, len) do {				\
	if (ip_port(a, b, ss, len) < 0)					\
		return usage_error("bad IP or port", a);		\
} while (0)

/* tcp-connect-block IP PORT: blocking connect, then sends "x". */
static int op_tcp_connect_block(UNUSED int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;

	IP_PORT_OR_USAGE(argv[0], argv[1], &ss, &len);
	if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return print_err(errno);
	if (connect(fd, (struct sockaddr *)&ss, len) < 0)
		return print_err(errno);
	return print_rc(send(fd, "x", 1, 0) == 1 ? 0 : -1);
}

/* udp-send IP PORT MODE: one datagram by sendto, sendmsg, or connect+send. */
static int op_udp_send(UNUSED int argc, char **argv)
{
	struct sockaddr_storage ss;
	struct iovec v = { (void *)"probe", 5 };
	struct msghdr mh;
	socklen_t len;
	int fd;

	IP_PORT_OR_USAGE(argv[0], argv[1], &ss, &len);
	if ((fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return print_err(errno);
	if (strcmp(argv[2], "sendto") == 0)
		return print_rc(sendto(fd, "probe", 5, 0, (struct sockaddr *)&ss,
		    len) == 5 ? 0 : -1);
	if (strcmp(argv[2], "connect") == 0) {
		if (connect(fd, (struct sockaddr *)&ss, len) < 0)
			return print_err(errno);
		return print_rc(send(fd, "probe", 5, 0) == 5 ? 0 : -1);
	}
	memset(&mh, 0, sizeof(mh));
	mh.msg_name = &ss;
	mh.msg_namelen = len;
	mh.msg_iov = &v;
	mh.msg_iovlen = 1;
	if (strcmp(argv[2], "sendmsg") == 0)
		return print_rc(sendmsg(fd, &mh, 0) == 5 ? 0 : -1);
	if (strcmp(argv[2], "sendmmsg") == 0) {
		struct mmsghdr mm[2];
		int n;

		memset(mm, 0, sizeof(mm));
		mm[0].msg_hdr = mh;
		mm[1].msg_hdr = mh;
		if ((n = sendmmsg(fd, mm, 2, 0)) < 0)
			return print_err(errno);
		return print_okf("%d %u %u", n, mm[0].msg_len, mm[1].msg_len);
	}
	return usage_error("bad mode", argv[2]);
}

/* tfo IP PORT MODE: reach a TCP port without connect(2): sendto or
 * sendmsg with MSG_FASTOPEN, or TCP_FASTOPEN_CONNECT (setsockopt). */
static int op_tfo(UNUSED int argc, char **argv)
{
	struct sockaddr_storage ss;
	struct iovec v = { (void *)"x", 1 };
	struct msghdr mh;
	socklen_t len;
	int fd, one = 1;

	IP_PORT_OR_USAGE(argv[0], argv[1], &ss, &len);
	if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return print_err(errno);
	if (strcmp(argv[2], "sendto") == 0)
		return print_rc(sendto(fd, "x", 1, MSG_FASTOPEN,
		    (struct sockaddr *)&ss, len) < 0 ? -1 : 0);
	if (strcmp(argv[2], "sendmsg") == 0) {
		memset(&mh, 0, sizeof(mh));
		mh.msg_name = &ss;
		mh.msg_namelen = len;
		mh.msg_iov = &v;
		mh.msg_iovlen = 1;
		return print_rc(sendmsg(fd, &mh, MSG_FASTOPEN) < 0 ? -1 : 0);
	}
	if (strcmp(argv[2], "sockopt") == 0)
		return print_rc(setsockopt(fd, IPPROTO_TCP, 30 /* TCP_FASTOPEN_CONNECT */,
		    &one, sizeof(one)));
	return usage_error("bad mode", argv[2]);
}

/* tcp-bind IP PORT: binds a TCP socket and listens; prints the port. */
static int op_tcp_bind(UNUSED int argc, char **argv)
{
	struct sockaddr_storage ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;
	int fd;

	IP_PORT_OR_USAGE(argv[0], argv[1], &ss, &len);
	if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return print_err(errno);
	if (bind(fd, (struct sockaddr *)&ss, len) < 0)
		return print_err(errno);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0 ||
	    listen(fd, 1) < 0)
		return print_err(errno);
	return print_okf("%u", ntohs(sin6->sin6_port));	/* same offset in v4 */
}

struct cthread {
	struct sockaddr_storage ss;
	socklen_t len;
	int ok;
};

static void *connect_one(void *arg)
{
	struct cthread *c = arg;
	int fd = socket(c->ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	c->ok = fd >= 0 && connect(fd, (struct sockaddr *)&c->ss, c->len) == 0;
	if (fd >= 0)
		close(fd);
	return NULL;
}

/* connect-threads IP PORT N: N threads each make one blocking connect at
 * once; prints how many connected. */
static int op_connect_threads(UNUSED int argc, char **argv)
{
	struct cthread c[128];
	pthread_t t[128];
	int n, i, ok = 0;

	if (!parse_int(argv[2], &n) || n < 1 || n > 128)
		return usage_error("bad count", argv[2]);
	for (i = 0; i < n; i++) {
		IP_PORT_OR_USAGE(argv[0], argv[1], &c[i].ss, &c[i].len);
		if (pthread_create(&t[i], NULL, connect_one, &c[i]) != 0)
			return print_err(EAGAIN);
	}
	for (i = 0; i < n; i++) {
		pthread_join(t[i], NULL);
		ok += c[i].ok;
	}
	return print_okf("%d", ok);
}

/* tcp-listen: listen(2) on an unbound TCP socket (an ephemeral port). */
static int op_tcp_listen(UNUSED int argc, UNUSED char **argv)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return print_err(errno);
	if (listen(fd, 1) < 0)
		return print_err(errno);
	if (getsockname(fd, (struct sockaddr *)&sin, &len) < 0)
		return print_err(errno);
	return print_okf("%u", ntohs(sin.sin_port));
}

/* unix-abstract NAME: stream connect to the abstract socket NAME. */
static int op_unix_abstract(UNUSED int argc, char **argv)
{
	struct sockaddr_un sun;
	size_t n = strlen(argv[0]);
	int fd;

	if (n + 1 >= sizeof(sun.sun_path))
		return usage_error("name too long", argv[0]);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path + 1, argv[0], n);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return print_err(errno);
	return print_rc(connect(fd, (struct sockaddr *)&sun,
	    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n)));
}

/* unix-sendmsg PATH: one datagram to a pathname socket, by sendmsg. */
static int op_unix_sendmsg(UNUSED int argc, char **argv)
{
	struct sockaddr_un sun;
	struct iovec v = { (void *)"probe", 5 };
	struct msghdr mh;
	int fd;

	if (unix_addr(argv[0], &sun) < 0)
		return usage_error("path too long", argv[0]);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return print_err(errno);
	memset(&mh, 0, sizeof(mh));
	mh.msg_name = &sun;
	mh.msg_namelen = sizeof(sun);
	mh.msg_iov = &v;
	mh.msg_iovlen = 1;
	return print_rc(sendmsg(fd, &mh, 0) == 5 ? 0 : -1);
}

/* ping IP: one ICMP echo request on a ping socket. */
static int op_ping(UNUSED int argc, char **argv)
{
	struct sockaddr_storage ss;
	unsigned char pkt[8] = { 8, 0, 0, 0, 0, 1, 0, 1 };	/* echo */
	socklen_t len;
	int fd;

	IP_PORT_OR_USAGE(argv[0], "0", &ss, &len);
	if (ss.ss_family == AF_INET6)
		pkt[0] = 128;
	fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC,
	    ss.ss_family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6);
	if (fd < 0)
		return print_err(errno);
	return print_rc(sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&ss,
	    len) < 0 ? -1 : 0);
}

struct portflip {
	struct sockaddr_in *sin;
	uint16_t a, b;
	volatile int stop;
};

static void *port_flipper(void *arg)
{
	struct portflip *f = arg;

	while (!f->stop) {
		f->sin->sin_port = f->a;
		f->sin->sin_port = f->b;
	}
	return NULL;
}

/* connect-race IP GOOD BAD N: a thread flips the port of the one sockaddr
 * between GOOD and BAD while N connects use it; prints how many connected
 * (or were in progress). */
static int op_connect_race(UNUSED int argc, char **argv)
{
	struct sockaddr_storage ss;
	struct portflip f;
	pthread_t t;
	socklen_t len;
	int good, bad, n, i, fd, ok = 0;

	IP_PORT_OR_USAGE(argv[0], argv[1], &ss, &len);
	if (ss.ss_family != AF_INET || !parse_int(argv[1], &good) ||
	    !parse_int(argv[2], &bad) || !parse_int(argv[3], &n))
		return usage_error("bad arguments", argv[0]);
	f.sin = (struct sockaddr_in *)&ss;
	f.a = htons((uint16_t)good);
	f.b = htons((uint16_t)bad);
	f.stop = 0;
	if (pthread_create(&t, NULL, port_flipper, &f) != 0)
		return print_err(EAGAIN);
	for (i = 0; i < n; i++) {
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd < 0)
			break;
		if (connect(fd, (struct sockaddr *)&ss, len) == 0 ||
		    errno == EINPROGRESS)
			ok++;
		close(fd);
	}
	f.stop = 1;
	pthread_join(t, NULL);
	return print_okf("%d", ok);
}

/* ------------------------------------------------------------------------ */
/* Signal / timing ops                                                       */
/* ------------------------------------------------------------------------ */

static int op_kill(UNUSED int argc, char **argv)
{
	int pid, sig;

	if (!parse_int(argv[0], &pid))
		return usage_error("bad pid", argv[0]);
	if (!parse_signal(argv[1], &sig))
		return usage_error("bad signal", argv[1]);
	fflush(stdout);
	return print_rc(kill((pid_t)pid, sig));
}

static int op_signal_parent(UNUSED int argc, char **argv)
{
	int sig;

	if (!parse_signal(argv[0], &sig))
		return usage_error("bad signal", argv[0]);
	return print_rc(kill(getppid(), sig));
}

static int op_sleep(UNUSED int argc, char **argv)
{
	struct timespec ts;

	if (!parse_seconds(argv[0], &ts))
		return usage_error("bad seconds", argv[0]);
	sleep_ts(ts);
	return print_ok();
}

static bool read_full(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len > 0) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

static int op_spawn_sleepers(UNUSED int argc, char **argv)
{
	struct timespec ts;
	int n, pipefd[2];
	int *pids;

	if (!parse_int(argv[0], &n) || n < 0 || n > 4096)
		return usage_error("bad count", argv[0]);
	if (!parse_seconds(argv[1], &ts))
		return usage_error("bad seconds", argv[1]);
	pids = calloc((size_t)n + 1, sizeof(*pids));
	if (!pids)
		return print_err(ENOMEM);
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return print_err(errno);
	fflush(stdout);
	fflush(stderr);

	for (int i = 0; i < n; i++) {
		pid_t child = fork();

		if (child < 0)
			return print_err(errno);
		if (child == 0) {
			pid_t gc;

			close(pipefd[0]);
			gc = fork();
			if (gc < 0) {
				int e = -errno;

				(void)!write(pipefd[1], &e, sizeof(e));
				_exit(1);
			}
			if (gc == 0) {
				int me = (int)getpid();

				(void)!write(pipefd[1], &me, sizeof(me));
				close(pipefd[1]);
				/* Do not hold the caller's output pipes open. */
				close(STDOUT_FILENO);
				close(STDERR_FILENO);
				sleep_ts(ts);
				_exit(0);
			}
			_exit(0);
		}
		wait_child(child);
	}
	close(pipefd[1]);

	for (int i = 0; i < n; i++) {
		if (!read_full(pipefd[0], &pids[i], sizeof(pids[i])))
			return print_err(EIO);
		if (pids[i] < 0)
			return print_err(-pids[i]);
	}
	close(pipefd[0]);

	fputs("ok", stdout);
	for (int i = 0; i < n; i++)
		printf(" %d", pids[i]);
	putchar('\n');
	fflush(stdout);
	free(pids);
	sleep_ts(ts);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* memfd-exec                                                                */
/* ------------------------------------------------------------------------ */

static int op_memfd_exec(UNUSED int argc, UNUSED char **argv)
{
	char *const nargv[] = { "probe", "true", NULL };
	char buf[65536];
	int self, mfd;

	self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return print_err(errno);
	mfd = memfd_create("probe", MFD_CLOEXEC | MFD_EXEC);
	if (mfd < 0 && errno == EINVAL)	/* pre-6.3 kernels lack MFD_EXEC */
		mfd = memfd_create("probe", MFD_CLOEXEC);
	if (mfd < 0)
		return print_err(errno);
	for (;;) {
		ssize_t n = read(self, buf, sizeof(buf));
		ssize_t off = 0;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return print_err(errno);
		}
		if (n == 0)
			break;
		while (off < n) {
			ssize_t w = write(mfd, buf + off, (size_t)(n - off));

			if (w < 0) {
				if (errno == EINTR)
					continue;
				return print_err(errno);
			}
			off += w;
		}
	}
	close(self);
	fflush(stdout);
	fexecve(mfd, nargv, environ);
	return print_err(errno);
}

/* ------------------------------------------------------------------------ */
/* Misc ops                                                                  */
/* ------------------------------------------------------------------------ */

static int op_env(UNUSED int argc, char **argv)
{
	const char *v = getenv(argv[0]);

	if (!v)
		return print_err(ENOENT);
	return print_okf("%s", v);
}

static int op_cwd(UNUSED int argc, UNUSED char **argv)
{
	char buf[PATH_MAX + 1];

	if (!getcwd(buf, sizeof(buf)))
		return print_err(errno);
	return print_okf("%s", buf);
}

static int op_exit(UNUSED int argc, char **argv)
{
	int code;

	if (!parse_int(argv[0], &code))
		return usage_error("bad exit code", argv[0]);
	fflush(stdout);
	exit(code);
}

static int op_kill_self(UNUSED int argc, char **argv)
{
	int sig;

	if (!parse_signal(argv[0], &sig))
		return usage_error("bad signal", argv[0]);
	fflush(stdout);
	if (raise(sig) != 0)
		return print_err(errno);
	/* Still alive: signal ignored, blocked or non-fatal. */
	return print_ok();
}

static int op_write_stdout_bytes(UNUSED int argc, char **argv)
{
	char buf[65536];
	long long total;

	if (!parse_ll(argv[0], &total) || total < 0)
		return usage_error("bad byte count", argv[0]);
	memset(buf, 'a', sizeof(buf));
	fflush(stdout);
	while (total > 0) {
		size_t chunk = total > (long long)sizeof(buf) ? sizeof(buf)
							      : (size_t)total;
		ssize_t w = write(STDOUT_FILENO, buf, chunk);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return print_err(errno);
		}
		total -= w;
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Cross-process attacks on a given pid (test_adversarial.c)                 */
/* ------------------------------------------------------------------------ */

static int parse_pid_arg(const char *s, pid_t *pid)
{
	int v;

	if (!parse_int(s, &v) || v <= 0)
		return 0;
	*pid = (pid_t)v;
	return 1;
}

static int op_ptrace_attach(UNUSED int argc, char **argv)
{
	pid_t pid;

	if (!parse_pid_arg(argv[0], &pid))
		return usage_error("bad pid", argv[0]);
	return print_rc((int)ptrace(PTRACE_ATTACH, pid, NULL, NULL));
}

static int op_vm_read(UNUSED int argc, char **argv)
{
	static char probe_buf[16];
	char buf[16];
	struct iovec l = { buf, sizeof(buf) }, r = { probe_buf, sizeof(probe_buf) };
	pid_t pid;

	if (!parse_pid_arg(argv[0], &pid))
		return usage_error("bad pid", argv[0]);
	return print_rc((int)process_vm_readv(pid, &l, 1, &r, 1, 0));
}

static int op_pidfd_getfd_of(UNUSED int argc, char **argv)
{
	pid_t pid;
	int fd, pfd;

	if (!parse_pid_arg(argv[0], &pid) || !parse_int(argv[1], &fd))
		return usage_error("bad pid or fd", argv[0]);
	if ((pfd = (int)syscall(SYS_pidfd_open, pid, 0)) < 0)
		return print_err(errno);
	return print_rc((int)syscall(SYS_pidfd_getfd, pfd, fd, 0));
}

static int op_open_mem(UNUSED int argc, char **argv)
{
	char path[64];
	pid_t pid;

	if (!parse_pid_arg(argv[0], &pid))
		return usage_error("bad pid", argv[0]);
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	return print_rc(open(path, O_RDONLY | O_CLOEXEC));
}

static int op_killpg_of(UNUSED int argc, char **argv)
{
	pid_t pid;
	int sig;

	if (!parse_pid_arg(argv[0], &pid))
		return usage_error("bad pgrp", argv[0]);
	if (!parse_signal(argv[1], &sig))
		return usage_error("bad signal", argv[1]);
	return print_rc(kill(-pid, sig));
}

/* ------------------------------------------------------------------------ */
/* Dispatch                                                                  */
/* ------------------------------------------------------------------------ */

struct op {
	const char *name;
	int (*fn)(int argc, char **argv);
	int min_args;
	const char *usage;
};

static const struct op ops[] = {
	{ "true", op_true, 0, "" },
	{ "read", op_read, 1, "PATH" },
	{ "cat", op_cat, 1, "PATH" },
	{ "write", op_write, 1, "PATH" },
	{ "append", op_append, 1, "PATH" },
	{ "truncate", op_truncate, 1, "PATH" },
	{ "ftruncate", op_ftruncate, 1, "PATH" },
	{ "mkdir", op_mkdir, 1, "PATH" },
	{ "rmdir", op_rmdir, 1, "PATH" },
	{ "unlink", op_unlink, 1, "PATH" },
	{ "rename", op_rename, 2, "OLD NEW" },
	{ "link", op_link, 2, "OLD NEW" },
	{ "symlink", op_symlink, 2, "TARGET LINKPATH" },
	{ "mknod-fifo", op_mkfifo, 1, "PATH" },
	{ "chmod", op_chmod, 2, "PATH MODE_OCTAL" },
	{ "fchmod", op_fchmod, 2, "PATH MODE_OCTAL" },
	{ "fchmodat2", op_fchmodat2, 2, "PATH MODE_OCTAL" },
	{ "chown", op_chown, 1, "PATH" },
	{ "utimensat", op_utimensat, 1, "PATH" },
	{ "futimens", op_futimens, 1, "PATH" },
	{ "setxattr", op_setxattr, 1, "PATH" },
	{ "setxattrat", op_setxattrat, 1, "PATH" },
	{ "removexattrat", op_removexattrat, 1, "PATH" },
	{ "reopen-write", op_reopen_write, 1, "PATH" },
	{ "exec", op_exec, 1, "PATH [ARGS...]" },
	{ "fds", op_fds, 0, "" },
	{ "ids", op_ids, 0, "" },
	{ "caps", op_caps, 0, "" },
	{ "nnp", op_nnp, 0, "" },
	{ "sid", op_sid, 0, "" },
	{ "ctty", op_ctty, 0, "" },
	{ "tcsetpgrp", op_tcsetpgrp, 1, "FD" },
	{ "syscall", op_syscall, 1, "NAME" },
	{ "nr", op_nr, 1, "N" },
	{ "x32", op_x32, 1, "N" },
	{ "int80", op_int80, 0, "" },
	{ "clone-ns", op_clone_ns, 1, "FLAGNAME" },
	{ "thread", op_thread, 0, "" },
	{ "fork", op_fork, 0, "" },
	{ "fork-many", op_fork_many, 2, "N SECS [libc|clone|fork]" },
	{ "threads", op_threads, 2, "N SECS" },
	{ "fork-loop", op_fork_loop, 1, "N" },
	{ "thread-forks", op_thread_forks, 2, "T M" },
	{ "signal-storm", op_signal_storm, 1, "M" },
	{ "nodump", op_nodump, 0, "" },
	{ "seccomp-listener", op_seccomp_listener, 0, "[hi]" },
	{ "sigstate", op_sigstate, 0, "" },
	{ "chmod-race", op_chmod_race, 4, "ALLOWED DENIED N MODE" },
	{ "nodump-chmod", op_nodump_chmod, 2, "PATH MODE" },
	{ "chmod-bench", op_chmod_bench, 2, "PATH N" },
	{ "futimens-bench", op_futimens_bench, 2, "PATH N" },
	{ "connect-bench", op_connect_bench, 1, "N" },
	{ "open-bench", op_open_bench, 2, "PATH N" },
	{ "open-race", op_open_race, 3, "ALLOWED DENIED N" },
	{ "proc-list", op_proc_list, 1, "PID" },
	{ "read-in", op_read_in, 2, "DIR PATH" },
	{ "alloc", op_alloc, 1, "MB" },
	{ "tiocsti", op_tiocsti, 0, "[hi]" },
	{ "tioclinux", op_tioclinux, 0, "[hi]" },
	{ "ioctl-raw", op_ioctl_raw, 2, "FD CMDHEX" },
	{ "socket", op_socket, 2, "DOMAIN TYPE [PROTO]" },
	{ "connect-tcp", op_connect_tcp, 2, "IP PORT" },
	{ "connect-unix", op_connect_unix, 1, "PATH" },
	{ "sendto-unix", op_sendto_unix, 1, "PATH" },
	{ "tcp-connect-block", op_tcp_connect_block, 2, "IP PORT" },
	{ "udp-send", op_udp_send, 3, "IP PORT sendto|sendmsg|sendmmsg|connect" },
	{ "tfo", op_tfo, 3, "IP PORT sendto|sendmsg|sockopt" },
	{ "tcp-bind", op_tcp_bind, 2, "IP PORT" },
	{ "tcp-listen", op_tcp_listen, 0, "" },
	{ "connect-threads", op_connect_threads, 3, "IP PORT N" },
	{ "unix-abstract", op_unix_abstract, 1, "NAME" },
	{ "unix-sendmsg", op_unix_sendmsg, 1, "PATH" },
	{ "ping", op_ping, 1, "IP" },
	{ "connect-race", op_connect_race, 4, "IP GOOD BAD N" },
	{ "kill", op_kill, 2, "PID SIG" },
	{ "signal-parent", op_signal_parent, 1, "SIG" },
	{ "sleep", op_sleep, 1, "SECS" },
	{ "fill-tree", op_fill_tree, 2, "DIR N" },
	{ "spawn-sleepers", op_spawn_sleepers, 2, "N SECS" },
	{ "memfd-exec", op_memfd_exec, 0, "" },
	{ "env", op_env, 1, "NAME" },
	{ "cwd", op_cwd, 0, "" },
	{ "exit", op_exit, 1, "N" },
	{ "kill-self", op_kill_self, 1, "SIG" },
	{ "write-stdout-bytes", op_write_stdout_bytes, 1, "N" },
	{ "ptrace-attach", op_ptrace_attach, 1, "PID" },
	{ "vm-read", op_vm_read, 1, "PID" },
	{ "pidfd-getfd-of", op_pidfd_getfd_of, 2, "PID FD" },
	{ "open-mem", op_open_mem, 1, "PID" },
	{ "killpg", op_killpg_of, 2, "PGRP SIG" },
};

static int usage(void)
{
	fputs("usage: probe OP [ARGS...]\nops:\n", stderr);
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		fprintf(stderr, "  %s %s\n", ops[i].name, ops[i].usage);
	return 2;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		int rc;

		if (strcmp(argv[1], ops[i].name) != 0)
			continue;
		if (argc - 2 < ops[i].min_args) {
			fprintf(stderr, "usage: probe %s %s\n", ops[i].name,
				ops[i].usage);
			return 2;
		}
		rc = ops[i].fn(argc - 2, argv + 2);
		fflush(stdout);
		return rc;
	}
	fprintf(stderr, "probe: unknown op: %s\n", argv[1]);
	return usage();
}
