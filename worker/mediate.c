/*
 * mediate.c: see mediate.h.
 *
 * Every read of the stage's memory (the path, the times, the xattr name
 * and value) is copied once into the supervisor, and ID_VALID is checked
 * after it: the kernel never re-reads what a racing thread may change.
 * The base directory is the stage's own (its cwd through /proc/TID/cwd, or
 * its dirfd through pidfd_getfd), the object is opened O_PATH (following
 * symlinks only where the syscall does), and the check and the change act
 * on that one fd: "beneath a write rule" walks up from the object's
 * directory through "..", comparing each directory with the rules' inodes.
 * A failure anywhere is a denial; nothing is answered with CONTINUE except
 * utimensat on an fd (path NULL), which reads no memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/limits.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "compat/syscalls.h"
#include "mediate.h"
#include "wutil.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD	O_EXCL
#endif
#define XATTR_VALUE_MAX	65536

struct call {
	const struct med_rules *mr;
	int listener;
	const struct seccomp_notif *n;
	int mem;		/* /proc/TID/mem */
	int dirfd;		/* AT_FDCWD or the stage's fd number */
	char path[PATH_MAX];
	bool nofollow;
};

int
med_add_rule(struct med_rules *mr, int fd)
{
	struct stat sb;

	if (mr->n >= MED_MAX_RULES || fstat(fd, &sb) < 0)
		return -1;
	mr->r[mr->n].dev = sb.st_dev;
	mr->r[mr->n++].ino = sb.st_ino;
	return 0;
}

/* Copies len bytes of the stage's memory; then the notification must
 * still be live, or what was read may belong to another task. */
int
med_mem_read(int mem, int listener, uint64_t id, uint64_t addr, void *buf,
    size_t len)
{
	if (len > 0 && pread(mem, buf, len, (off_t)addr) != (ssize_t)len)
		return -EFAULT;
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) < 0)
		return -EFAULT;
	return 0;
}

static int
mem_read(struct call *c, uint64_t addr, void *buf, size_t len)
{
	return med_mem_read(c->mem, c->listener, c->n->id, addr, buf, len);
}

int
med_mem_open(uint32_t tid, int flags)
{
	char p[64];

	(void)snprintf(p, sizeof(p), "/proc/%u/mem", tid);
	return open(p, flags | O_CLOEXEC);
}

/* A NUL-terminated string, read page by page (the end may be unmapped). */
int
med_mem_str(int mem, int listener, uint64_t id, uint64_t addr, char *buf,
    size_t max)
{
	size_t got = 0, chunk;
	ssize_t r;

	while (got < max) {
		chunk = 4096 - (size_t)((addr + got) % 4096);
		if (chunk > max - got)
			chunk = max - got;
		r = pread(mem, buf + got, chunk, (off_t)(addr + got));
		if (r <= 0)
			return -EFAULT;
		if (memchr(buf + got, '\0', (size_t)r) != NULL)
			return ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID,
			    &id) < 0 ? -EFAULT : 0;
		got += (size_t)r;
	}
	return -ENAMETOOLONG;
}

static int
mem_str(struct call *c, uint64_t addr, char *buf, size_t max)
{
	return med_mem_str(c->mem, c->listener, c->n->id, addr, buf, max);
}

/* The directory the stage's path is relative to, as our own fd. */
static int
base_fd(const struct call *c)
{
	char p[64];
	int pidfd, fd;

	if (c->path[0] == '/')
		return open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (c->dirfd == AT_FDCWD) {
		(void)snprintf(p, sizeof(p), "/proc/%u/cwd", c->n->pid);
		return open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	}
	if ((pidfd = (int)syscall(SYS_pidfd_open, c->n->pid, PIDFD_THREAD)) < 0)
		return -1;
	fd = (int)syscall(SYS_pidfd_getfd, pidfd, c->dirfd, 0);
	sl_close(pidfd);
	return fd;
}

static bool
is_rule(const struct med_rules *mr, const struct stat *sb)
{
	size_t i;

	for (i = 0; i < mr->n; i++)
		if (mr->r[i].dev == sb->st_dev && mr->r[i].ino == sb->st_ino)
			return true;
	return false;
}

/* The directory holding non-directory t, checked to still hold it. */
static int
parent_of(int t, const struct stat *sb)
{
	char link[64], path[PATH_MAX], *slash;
	struct stat ds;
	ssize_t n;
	int d;

	(void)snprintf(link, sizeof(link), "/proc/self/fd/%d", t);
	if ((n = readlink(link, path, sizeof(path) - 1)) <= 0 ||
	    path[0] != '/')
		return -1;
	path[n] = '\0';
	slash = strrchr(path, '/');
	*slash = '\0';
	d = open(slash == path ? "/" : path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (d >= 0 && (fstatat(d, slash + 1, &ds, AT_SYMLINK_NOFOLLOW) < 0 ||
	    ds.st_dev != sb->st_dev || ds.st_ino != sb->st_ino)) {
		sl_close(d);	/* renamed meanwhile, or deleted: deny */
		return -1;
	}
	return d;
}

/* 0 if object t lies beneath a write rule, else -EACCES. */
static int
beneath(const struct med_rules *mr, int t)
{
	struct stat sb, root, ds;
	int d, nd, depth;

	if (fstat(t, &sb) < 0 || stat("/", &root) < 0)
		return -EACCES;
	if (is_rule(mr, &sb))
		return 0;
	d = S_ISDIR(sb.st_mode) ? fcntl(t, F_DUPFD_CLOEXEC, 0) :
	    parent_of(t, &sb);
	for (depth = 0; d >= 0 && depth < 4096; depth++) {
		if (fstat(d, &ds) < 0)
			break;
		if (is_rule(mr, &ds)) {
			sl_close(d);
			return 0;
		}
		if (ds.st_dev == root.st_dev && ds.st_ino == root.st_ino)
			break;
		nd = openat(d, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		sl_close(d);
		d = nd;
	}
	sl_close(d);
	return -EACCES;
}

int
med_open_beneath(const struct med_rules *mr, const struct seccomp_notif *n,
    const char *path)
{
	cleanup_fd int base = -1;
	struct call c;
	int t, r;

	memset(&c, 0, sizeof(c));
	c.n = n;
	c.dirfd = AT_FDCWD;
	if (strlen(path) >= sizeof(c.path))
		return -ENAMETOOLONG;
	(void)strcpy(c.path, path);
	if ((base = base_fd(&c)) < 0)
		return -EACCES;
	if ((t = openat(base, path, O_PATH | O_CLOEXEC)) < 0)
		return -errno;
	if ((r = beneath(mr, t)) < 0) {
		sl_close(t);
		return r;
	}
	return t;
}

/* Opens the object the call names, checked beneath a write rule. */
static int
object(struct call *c, uint64_t path_addr, int *tp)
{
	cleanup_fd int base = -1;
	int r;

	if ((r = mem_str(c, path_addr, c->path, sizeof(c->path))) < 0)
		return r;
	if (c->path[0] == '\0')
		return -ENOENT;
	if ((base = base_fd(c)) < 0)
		return -EACCES;
	*tp = openat(base, c->path, O_PATH | O_CLOEXEC |
	    (c->nofollow ? O_NOFOLLOW : 0));
	if (*tp < 0)
		return -errno;
	if ((r = beneath(c->mr, *tp)) < 0)
		sl_closep(tp);
	return r;
}

static int
do_chmod(struct call *c, uint64_t path, uint64_t mode)
{
	cleanup_fd int t = -1;
	int r;

	/* No set-id bits: run as root, the sandbox would plant set-uid-root
	 * programs for the host's other users. */
	if (mode & (S_ISUID | S_ISGID))
		return -EPERM;
	if ((r = object(c, path, &t)) < 0)
		return r;
	r = (int)syscall(SL_NR_fchmodat2, t, "", (mode_t)mode, AT_EMPTY_PATH);
	return r < 0 ? -errno : 0;
}

static int
do_chown(struct call *c, uint64_t path, uint64_t uid, uint64_t gid)
{
	cleanup_fd int t = -1;
	int r;

	if ((r = object(c, path, &t)) < 0)
		return r;
	r = fchownat(t, "", (uid_t)uid, (gid_t)gid, AT_EMPTY_PATH);
	return r < 0 ? -errno : 0;
}

/* ts NULL: now.  A symlink itself (nofollow) is refused. */
static int
do_utimens(struct call *c, uint64_t path, const struct timespec *ts)
{
	cleanup_fd int t = -1;
	char p[64];
	struct stat sb;
	int r;

	if ((r = object(c, path, &t)) < 0)
		return r;
	if (fstat(t, &sb) < 0 || S_ISLNK(sb.st_mode))
		return -EPERM;
	(void)snprintf(p, sizeof(p), "/proc/self/fd/%d", t);
	return utimensat(AT_FDCWD, p, ts, 0) < 0 ? -errno : 0;
}

/* utime(2) (struct utimbuf) and utimes/futimesat (struct timeval[2]). */
static int
do_utimes(struct call *c, uint64_t path, uint64_t times, bool utimbuf)
{
	struct timespec ts[2];
	struct timeval tv[2];
	long ub[2];
	int r;

	if (times == 0)
		return do_utimens(c, path, NULL);
	if (utimbuf) {
		if ((r = mem_read(c, times, ub, sizeof(ub))) < 0)
			return r;
		ts[0].tv_sec = ub[0];
		ts[1].tv_sec = ub[1];
		ts[0].tv_nsec = ts[1].tv_nsec = 0;
	} else {
		if ((r = mem_read(c, times, tv, sizeof(tv))) < 0)
			return r;
		if (tv[0].tv_usec < 0 || tv[0].tv_usec >= 1000000 ||
		    tv[1].tv_usec < 0 || tv[1].tv_usec >= 1000000)
			return -EINVAL;
		ts[0].tv_sec = tv[0].tv_sec;
		ts[0].tv_nsec = tv[0].tv_usec * 1000;
		ts[1].tv_sec = tv[1].tv_sec;
		ts[1].tv_nsec = tv[1].tv_usec * 1000;
	}
	return do_utimens(c, path, ts);
}

static int
do_utimensat(struct call *c, const uint64_t *a)
{
	struct timespec ts[2];
	int r;

	if (a[3] & ~(uint64_t)AT_SYMLINK_NOFOLLOW)
		return -EINVAL;
	c->dirfd = (int)a[0];
	c->nofollow = (a[3] & AT_SYMLINK_NOFOLLOW) != 0;
	if (a[2] == 0)
		return do_utimens(c, a[1], NULL);
	if ((r = mem_read(c, a[2], ts, sizeof(ts))) < 0)
		return r;
	return do_utimens(c, a[1], ts);
}

/* setxattr/lsetxattr (value != NULL) and removexattr/lremovexattr. */
static int
do_xattr(struct call *c, const uint64_t *a, bool set)
{
	cleanup_fd int t = -1;
	cleanup_free char *val = NULL;
	char name[XATTR_NAME_MAX + 1], p[64];
	int r;

	if ((r = mem_str(c, a[1], name, sizeof(name))) < 0)
		return r == -ENAMETOOLONG ? -ERANGE : r;
	if (set && a[3] > XATTR_VALUE_MAX)
		return -E2BIG;
	if (set && a[3] > 0 && ((val = malloc(a[3])) == NULL ||
	    (r = mem_read(c, a[2], val, a[3])) < 0))
		return val == NULL ? -ENOMEM : r;
	if ((r = object(c, a[0], &t)) < 0)
		return r;
	(void)snprintf(p, sizeof(p), "/proc/self/fd/%d", t);
	r = set ? setxattr(p, name, val, a[3], (int)a[4]) : removexattr(p, name);
	return r < 0 ? -errno : 0;
}

/* Flags of fchmodat2/fchownat: nofollow; the fd form (AT_EMPTY_PATH) and
 * anything else are refused as their fd twins are. */
static int
at_flags(struct call *c, uint64_t flags)
{
	if (flags & AT_EMPTY_PATH)
		return -EPERM;
	if (flags & ~(uint64_t)AT_SYMLINK_NOFOLLOW)
		return -EINVAL;
	c->nofollow = (flags & AT_SYMLINK_NOFOLLOW) != 0;
	return 0;
}

static int
dispatch(struct call *c)
{
	uint64_t a[6];
	int r;

	memcpy(a, c->n->data.args, sizeof(a));
	switch (c->n->data.nr) {
	case 90:	/* chmod */
		return do_chmod(c, a[0], a[1]);
	case 268:	/* fchmodat */
		c->dirfd = (int)a[0];
		return do_chmod(c, a[1], a[2]);
	case 452:	/* fchmodat2 */
		c->dirfd = (int)a[0];
		return (r = at_flags(c, a[3])) < 0 ? r : do_chmod(c, a[1], a[2]);
	case 94:	/* lchown */
		c->nofollow = true;
		/* FALLTHROUGH */
	case 92:	/* chown */
		return do_chown(c, a[0], a[1], a[2]);
	case 260:	/* fchownat */
		c->dirfd = (int)a[0];
		return (r = at_flags(c, a[4])) < 0 ? r :
		    do_chown(c, a[1], a[2], a[3]);
	case 280:
		return do_utimensat(c, a);
	case 132:	/* utime */
		return do_utimes(c, a[0], a[1], true);
	case 235:	/* utimes */
		return do_utimes(c, a[0], a[1], false);
	case 261:	/* futimesat */
		c->dirfd = (int)a[0];
		return do_utimes(c, a[1], a[2], false);
	case 189:	/* lsetxattr */
	case 198:	/* lremovexattr */
		c->nofollow = true;
		/* FALLTHROUGH */
	default:	/* setxattr, removexattr */
		return do_xattr(c, a, c->n->data.nr == 188 ||
		    c->n->data.nr == 189);
	}
}

int
med_handle(const struct med_rules *mr, int listener,
    const struct seccomp_notif *n, struct seccomp_notif_resp *r)
{
	static const int nrs[] = MED_NOTIFY;
	struct call c;
	size_t i;

	for (i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++)
		if (n->data.nr == nrs[i])
			break;
	if (i == sizeof(nrs) / sizeof(nrs[0]))
		return 0;
	/* utimensat on an fd: no path, nothing read; as before mediation. */
	if (n->data.nr == 280 && n->data.args[1] == 0) {
		r->error = 0;
		r->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		return 1;
	}
	memset(&c, 0, sizeof(c));
	c.mr = mr;
	c.listener = listener;
	c.n = n;
	c.dirfd = AT_FDCWD;
	/* Unreadable (non-dumpable stage, Yama): deny, never wave through. */
	if ((c.mem = med_mem_open(n->pid, O_RDONLY)) < 0) {
		r->error = -EPERM;
		return 1;
	}
	r->error = dispatch(&c);
	sl_close(c.mem);
	return 1;
}
