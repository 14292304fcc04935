/*
 * procopen.c: opens on the stage's behalf (see procfs.c for the whole).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compat/landlock.h"
#include "mediate.h"
#include "procfs_int.h"
#include "wutil.h"

#define MAX_LINKS	40

/* Where an open ends: a name in a directory, or a magic link's target. */
struct dest {
	int dir;		/* O_PATH */
	char name[NAME_MAX + 1];
	int obj;		/* O_PATH, or -1 */
	bool slash;		/* the path ended in '/' */
};

enum place { PL_NOT, PL_OTHER, PL_OWN, PL_STAGE, PL_OUT };

/* Whether entry (a directory fd) is what its name leads to in root. */
static bool
named(int root, const char *name, int entry)
{
	struct stat a, b;
	int fd = openat(root, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	bool same;

	same = fd >= 0 && fstat(fd, &a) == 0 && fstat(entry, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino;
	sl_close(fd);
	return same;
}

/*
 * Where directory d lies: outside procfs, in procfs outside any /proc/PID,
 * in the caller's own /proc/PID, in another of the stage's, or in an
 * outside (or vanished, or unrecognized) process's.  Walks up through
 * ".." to the procfs root; the entry below it is named by its own path
 * (checked to lead back to it) and placed by its status file.
 */
static enum place
place(const struct pcall *c, int d)
{
	cleanup_fd int cur = -1, prev = -1;
	char link[64], path[PATH_MAX], *name;
	ssize_t n;
	long v[3];
	int depth;

	if (!pf_is_proc(d, false))
		return PL_NOT;
	if ((cur = fcntl(d, F_DUPFD_CLOEXEC, 0)) < 0)
		return PL_OUT;
	for (depth = 0; !pf_is_proc(cur, true); depth++) {
		if (depth == 64 || !pf_is_proc(cur, false))
			return PL_OUT;	/* a procfs subtree mounted elsewhere */
		sl_close(prev);
		prev = steal_fd(&cur);
		if ((cur = openat(prev, "..", O_CLOEXEC | O_PATH |
		    O_DIRECTORY)) < 0)
			return PL_OUT;
	}
	if (prev < 0)
		return PL_OTHER;
	(void)snprintf(link, sizeof(link), "/proc/self/fd/%d", prev);
	if ((n = readlink(link, path, sizeof(path) - 1)) <= 0)
		return PL_OUT;
	path[n] = '\0';
	if ((name = strrchr(path, '/')) == NULL || !named(cur, ++name, prev))
		return PL_OUT;
	if (!pf_digits(name))
		return PL_OTHER;
	if (pf_status_of(prev, "status", v) < 0)
		return PL_OUT;
	if (v[0] == pf_tgid(c))
		return PL_OWN;
	return v[1] == (long)c->p->pgid ? PL_STAGE : PL_OUT;
}


/* The directory a path starts from: "/", the caller's cwd, or its dirfd. */
static int
base_of(const struct pcall *c, int dirfd, const char *path)
{
	struct stat sb;
	char p[64];
	int fd;

	if (path[0] == '/')
		return open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	/* Through the fd's link: the same directory, whatever its flags. */
	if (dirfd != AT_FDCWD)
		(void)snprintf(p, sizeof(p), "/proc/%u/fd/%d", c->n->pid,
		    dirfd);
	else
		(void)snprintf(p, sizeof(p), "/proc/%u/cwd", c->n->pid);
	fd = open(p, O_PATH | O_CLOEXEC);
	if (fd >= 0 && !pf_valid(c))
		sl_closep(&fd);
	if (fd < 0)
		return dirfd != AT_FDCWD ? -EBADF : -ENOENT;
	if (fd >= 0 && (fstat(fd, &sb) < 0 || !S_ISDIR(sb.st_mode))) {
		sl_close(fd);
		return -ENOTDIR;
	}
	return fd;
}

/* Replaces buf's remaining path rest with head + '/' + rest. */
static int
path_splice(char *buf, size_t size, char **rest, const char *head, bool sep)
{
	char tmp[2 * PATH_MAX];
	int n;

	n = snprintf(tmp, sizeof(tmp), "%s%s%s", head, sep ? "/" : "", *rest);
	if (n < 0 || (size_t)n >= size || (size_t)n >= PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(buf, tmp, (size_t)n + 1);
	*rest = buf;
	return 0;
}

/* A symbolic link at dir/name (fd l): 0 with its text in lnk, or 1 with
 * *l replaced by a magic link's target (the caller's own only). */
static int
link_at(const struct pcall *c, int dir, const char *name, int *l, char *lnk)
{
	ssize_t n;
	int t;

	switch (place(c, dir)) {
	case PL_NOT:
	case PL_OTHER:
		if ((n = readlinkat(dir, name, lnk, PATH_MAX - 1)) < 0)
			return -errno;
		lnk[n] = '\0';
		return n == 0 ? -ENOENT : 0;
	case PL_OWN:
		if ((t = openat(dir, name, O_PATH | O_CLOEXEC)) < 0)
			return -errno;
		sl_closep(l);
		*l = t;
		return 1;
	case PL_OUT:
		return -ENOENT;		/* as the rest of its /proc/PID */
	case PL_STAGE:
	default:
		return -EACCES;		/* Landlock might not allow it */
	}
}

/* Sets d to the directory cur (consumed) and name. */
static int
dest_at(struct dest *d, int *cur, const char *name, bool slash)
{
	d->dir = steal_fd(cur);
	(void)snprintf(d->name, sizeof(d->name), "%s", name);
	d->slash = slash;
	return 0;
}

static int
root_dir(int *cur)
{
	sl_closep(cur);
	*cur = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	return *cur < 0 ? -errno : 0;
}

/* "self" and "thread-self" in a procfs root: the caller's ids instead. */
static int
self_name(const struct pcall *c, int cur, const char *comp, char *ids,
    size_t size)
{
	bool thread = strcmp(comp, "thread-self") == 0;

	if ((!thread && strcmp(comp, "self") != 0) || !pf_is_proc(cur, true))
		return 0;
	(void)snprintf(ids, size, thread ? "%ld/task/%u" : "%ld", pf_tgid(c),
	    c->n->pid);
	return 1;
}

/* Takes the next component of *rest (NUL-terminated in place). */
static char *
next_comp(char **rest, bool *sep, bool *last)
{
	char *comp = *rest, *e;

	if ((e = strchr(comp, '/')) != NULL) {
		*e = '\0';
		*rest = e + 1;
		while (**rest == '/')
			(*rest)++;
	} else
		*rest = comp + strlen(comp);
	*sep = e != NULL;
	*last = **rest == '\0';
	return comp;
}

/* "." stays, ".." moves *cur up: 1; another name: 0; or -errno. */
static int
dots(int *cur, const char *comp)
{
	int up;

	if (strcmp(comp, ".") == 0)
		return 1;
	if (strcmp(comp, "..") != 0)
		return 0;
	if ((up = openat(*cur, "..", O_CLOEXEC | O_PATH | O_DIRECTORY)) < 0)
		return -errno;
	sl_close(*cur);
	*cur = up;
	return 1;
}

/* A symbolic link at *cur/comp (fd *nx): its text spliced into buf
 * before rest (0), its magic target now in *nx (1), or -errno. */
static int
on_link(const struct pcall *c, int *cur, const char *comp, int *nx,
    char *buf, char **rest, bool sep, int *links)
{
	char lnk[PATH_MAX];
	int r;

	if ((r = link_at(c, *cur, comp, nx, lnk)) != 0)
		return r;
	if (++*links > MAX_LINKS)
		return -ELOOP;
	if ((lnk[0] == '/' && (r = root_dir(cur)) < 0) ||
	    (r = path_splice(buf, PATH_MAX, rest, lnk, sep)) < 0)
		return r;
	sl_closep(nx);
	return 0;
}

/*
 * Resolves path from *base (consumed) for the caller as the kernel would,
 * one component at a time (see the top of the file); fills d.
 */
static int
walk(const struct pcall *c, int *base, const char *path, int flags,
    struct dest *d)
{
	char buf[PATH_MAX], ids[64], *rest = buf, *comp;
	cleanup_fd int cur = steal_fd(base), nx = -1;
	bool last, sep, follow;
	int links = 0, r;
	struct stat sb;

	(void)snprintf(buf, sizeof(buf), "%s", path);
	for (;;) {
		while (*rest == '/')
			rest++;
		if (*rest == '\0')
			return dest_at(d, &cur, ".", true);
		comp = next_comp(&rest, &sep, &last);
		if (strlen(comp) > NAME_MAX)
			return -ENAMETOOLONG;
		if ((r = dots(&cur, comp)) != 0) {
			if (r < 0 || last)
				return r < 0 ? r : dest_at(d, &cur, ".", sep);
			continue;
		}
		if (self_name(c, cur, comp, ids, sizeof(ids))) {
			if ((r = path_splice(buf, sizeof(buf), &rest, ids, sep)) < 0)
				return r;
			continue;
		}
		follow = !last || sep || (!(flags & O_NOFOLLOW) &&
		    (flags & (O_CREAT | O_EXCL)) != (O_CREAT | O_EXCL));
		if ((nx = openat(cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC)) < 0)
			return last && errno == ENOENT ?
			    dest_at(d, &cur, comp, sep) : -errno;
		if (fstat(nx, &sb) < 0)
			return -errno;
		if (S_ISLNK(sb.st_mode) && follow) {
			if ((r = on_link(c, &cur, comp, &nx, buf, &rest, sep,
			    &links)) < 0)
				return r;
			if (r == 0)
				continue;
			if (last) {
				d->obj = steal_fd(&nx);
				return dest_at(d, &cur, "", sep);
			}
			if (fstat(nx, &sb) < 0)
				return -errno;
		}
		if (last)
			return dest_at(d, &cur, comp, sep);
		if (!S_ISDIR(sb.st_mode))
			return -ENOTDIR;
		sl_close(cur);
		cur = steal_fd(&nx);
	}
}

/* The caller's own /proc/PID: the supervisor opens it, within the rights
 * the opener's probe found (its ptrace check is the caller's on itself). */
static int
own_open(const struct pcall *c, int dir, const char *name, int flags)
{
	uint64_t need = 0;
	int acc = flags & O_ACCMODE, fd;
	struct stat sb;

	if (!(flags & O_PATH)) {
		if (fstatat(dir, name, &sb, AT_SYMLINK_NOFOLLOW) < 0)
			return errno == ENOENT && (flags & O_CREAT) ?
			    -EACCES : -errno;
		if (acc == O_RDONLY || acc == O_RDWR)
			need |= S_ISDIR(sb.st_mode) ? SL_LL_FS_READ_DIR :
			    SL_LL_FS_READ_FILE;
		if (acc == O_WRONLY || acc == O_RDWR)
			need |= SL_LL_FS_WRITE_FILE;
		if ((flags & O_TRUNC) && S_ISREG(sb.st_mode))
			need |= SL_LL_FS_TRUNCATE;
		if (need & ~c->p->rights)
			return -EACCES;
	}
	fd = openat(dir, name, (flags & ~O_CREAT) | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* Gives fd to the caller as its answer: 2, or 1 with r->error. */
static int
add_fd(const struct pcall *c, int fd, int flags, struct seccomp_notif_resp *r)
{
	struct seccomp_notif_addfd a;

	memset(&a, 0, sizeof(a));
	a.id = c->n->id;
	a.flags = SECCOMP_ADDFD_FLAG_SEND;
	a.srcfd = (uint32_t)fd;
	a.newfd_flags = (flags & O_CLOEXEC) ? O_CLOEXEC : 0;
	if (ioctl(c->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &a) >= 0 ||
	    errno == ENOENT)
		return 2;
	r->error = -errno;
	return 1;
}

/*
 * A blocking FIFO open cannot wait in the supervisor: a helper forked for
 * it takes the opener's domain itself, waits, and answers.
 */
static int
fifo_open(const struct pcall *c, const struct dest *d, int flags, mode_t mode,
    struct seccomp_notif_resp *r)
{
	struct seccomp_notif_resp e;
	char p[64];
	pid_t pid;
	int fd;

	if ((pid = fork()) < 0) {
		r->error = -EAGAIN;
		return 1;
	}
	if (pid > 0)
		return 2;
	(void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (setsid() < 0)	/* no controlling terminal, as the opener */
		_exit(1);
	memset(&e, 0, sizeof(e));
	e.id = c->n->id;
	e.error = -EACCES;
	if (c->p->ruleset < 0 || sl_ll_restrict_self(c->p->ruleset, 0) == 0) {
		(void)umask(pf_umask(c));
		(void)snprintf(p, sizeof(p), "/proc/self/fd/%d", d->obj);
		fd = d->obj >= 0 ? open(p, flags | O_NOCTTY | O_CLOEXEC, mode) :
		    openat(d->dir, d->name, O_CLOEXEC | flags | O_NOFOLLOW |
		    O_NOCTTY, mode);
		if (fd >= 0 && add_fd(c, fd, flags, &e) == 2)
			_exit(0);
		e.error = fd < 0 ? -errno : e.error;
	}
	(void)ioctl(c->listener, SECCOMP_IOCTL_NOTIF_SEND, &e);
	_exit(0);
}

/* Whether an open may change the file (O_PATH cannot). */
static bool
writes(int flags)
{
	return !(flags & O_PATH) && ((flags & O_ACCMODE) != O_RDONLY ||
	    (flags & (O_TRUNC | O_CREAT)));
}

/* Kernel memory, symbols, log and keys: never opened, whatever the rules. */
static bool
sensitive(const struct dest *d)
{
	static const char *const names[] = { "kcore", "kmsg", "kallsyms",
	    "keys", "key-users", "sysrq-trigger" };
	size_t i;

	for (i = 0; i < SL_NITEMS(names); i++)
		if (strcmp(d->name, names[i]) == 0)
			return pf_is_proc(d->dir, true);
	return false;
}

/*
 * Opens d for the caller: the fd, or -errno.  In an outside /proc/PID, or
 * a directory landing in one: ENOENT.  Outside every /proc/PID (/proc/sys
 * and the rest), writes are EACCES, as are the sensitive files.
 */
static int
final_open(const struct pcall *c, const struct dest *d, int flags,
    mode_t mode)
{
	struct stat sb;
	enum place pl = PL_NOT;
	int fd;

	if (d->obj >= 0) {
		if (fstat(d->obj, &sb) < 0)
			return -errno;
		if (!S_ISDIR(sb.st_mode) && pf_is_proc(d->obj, false))
			return -EACCES;
		fd = pf_ask_opener(c, d->obj, NULL, flags, mode);
	} else if ((pl = place(c, d->dir)) == PL_OUT)
		return -ENOENT;
	else if (pl == PL_OTHER && (writes(flags) || sensitive(d)))
		return -EACCES;
	else if (pl == PL_OWN)
		fd = own_open(c, d->dir, d->name, flags);
	else
		fd = pf_ask_opener(c, d->dir, d->name, flags, mode);
	/* A directory placed again (/proc/PID itself); a procfs file whose
	 * directory is not in procfs (a bind mount) is refused. */
	if (fd >= 0 && pf_is_proc(fd, false) && (fstat(fd, &sb) < 0 ||
	    (S_ISDIR(sb.st_mode) ? place(c, fd) == PL_OUT : pl == PL_NOT))) {
		sl_close(fd);
		return -ENOENT;
	}
	return fd;
}

/* Whether the open would wait for a FIFO's other end (none in procfs). */
static bool
blocks(const struct dest *d, int flags)
{
	struct stat sb;

	if (flags & (O_NONBLOCK | O_PATH))
		return false;
	if (d->obj >= 0)
		return fstat(d->obj, &sb) == 0 && S_ISFIFO(sb.st_mode);
	return fstatat(d->dir, d->name, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISFIFO(sb.st_mode);
}

/* open, creat, openat: 1 with r->error, or 2 (answered). */
int
pf_open(const struct pcall *c, struct seccomp_notif_resp *r)
{
	const __u64 *a = c->n->data.args;
	struct dest d = { -1, "", -1, false };
	int nr = c->n->data.nr, dirfd = AT_FDCWD, flags, fd, base, k;
	char path[PATH_MAX];
	uint64_t addr = a[0];
	mode_t mode;

	flags = nr == 85 ? O_CREAT | O_WRONLY | O_TRUNC :
	    (int)a[nr == 2 ? 1 : 2];
	mode = (mode_t)a[nr == 2 ? 2 : nr == 85 ? 1 : 3] & 07777;
	if (nr == 257) {
		dirfd = (int)a[0];
		addr = a[1];
	}
	/*
	 * O_PATH (a register, nothing read): ADDFD cannot pass such an fd,
	 * Landlock does not check it, and what it reaches of an outside
	 * /proc/PID is what stat(2) shows: every open through it is
	 * mediated again.  The kernel does it.
	 */
	if (flags & O_PATH) {
		r->error = 0;
		r->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		return 1;
	}
	/* The path, copied once; the notification is then checked live. */
	if ((k = med_mem_str(c->mem, c->listener, c->n->id, addr, path,
	    sizeof(path))) < 0)
		return pf_fail(r, k);
	if (path[0] == '\0')
		return pf_fail(r, -ENOENT);
	if ((base = base_of(c, dirfd, path)) < 0)
		return pf_fail(r, base);
	if ((k = walk(c, &base, path, flags, &d)) < 0)
		k = pf_fail(r, k);
	else if (d.slash && (flags & O_CREAT))
		k = pf_fail(r, -EISDIR);
	else {
		flags |= d.slash ? O_DIRECTORY : 0;
		flags &= d.obj >= 0 ? ~O_NOFOLLOW : ~0;
		if (blocks(&d, flags))
			k = fifo_open(c, &d, flags, mode, r);
		else if ((fd = final_open(c, &d, flags, mode)) < 0)
			k = pf_fail(r, fd);
		else {
			k = add_fd(c, fd, flags, r);
			sl_close(fd);
		}
	}
	sl_close(d.dir);
	sl_close(d.obj);
	return k;
}
