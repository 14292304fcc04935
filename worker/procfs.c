/*
 * procfs.c: see procfs.h.  The planner half (proc_reachable) decides
 * whether a stage's opens are mediated; the rest runs in the supervisor.
 *
 * An open: the path is copied once out of the stage's memory (ID_VALID
 * after the read) and resolved here one component at a time, from the
 * stage's cwd or dirfd, with O_PATH|O_NOFOLLOW opens: symbolic links are
 * read and spliced in, "self" and "thread-self" in a procfs root become
 * the caller's tgid and tid, and a magic link (inside a /proc/PID
 * directory) is followed only in the caller's own /proc/PID.  The
 * directory holding the last component is then placed: inside an outside
 * process's /proc/PID, the answer is ENOENT; inside the caller's own, the
 * supervisor opens it (ptrace access to the caller is needed, which the
 * opener's sibling domain lacks) if the opener's probe found the rights
 * beneath a new /proc/PID; anywhere else the opener opens that one name
 * (O_NOFOLLOW) in that directory fd, under its Landlock domain, with the
 * caller's flags and umask.  A directory that comes back is placed again
 * (/proc/PID itself).  The fd goes to the caller with ADDFD|SEND.
 *
 * A listing: the supervisor takes the caller's fd (pidfd_getfd, the same
 * open file and offset), reads the entries itself, drops the numeric
 * names of a procfs root whose process is not in the stage's process
 * group, and writes the rest into the caller's buffer (through the
 * caller's /proc/TID/mem, bound to it by ID_VALID).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "compat/landlock.h"
#include "mediate.h"
#include "msg.h"
#include "procfs.h"
#include "procfs_int.h"
#include "wutil.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD	O_EXCL
#endif
#define DENTS_MAX	32768
#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC	0x9fa0
#endif

/* A request to the opener, with one fd: a directory, or the object. */
struct oreq {
	int32_t flags;
	uint32_t mode;
	uint32_t umask;
	uint32_t reopen;	/* the fd is the object: open /proc/self/fd/N */
	char name[NAME_MAX + 1];
};

static struct pstage ps[SL_MAX_STAGES];

/* Undoes mountinfo's octal escapes (\040) in place. */
static void
unescape(char *s)
{
	char *o = s;

	while (*s != '\0')
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 |
			    (s[3] - '0'));
			s += 4;
		} else
			*o++ = *s++;
	*o = '\0';
}

/* A file's identity. */
struct ident {
	dev_t dev;
	ino_t ino;
};

/*
 * Whether the directory path, or one above it up to /, is one of id[0..n):
 * by identity rather than by name, so that no rule is named through
 * /proc (whose entries a new process pays dearly for).  -1 on doubt.
 */
static int
above(const char *path, const struct ident *id, size_t n)
{
	char buf[PATH_MAX], *slash;
	struct stat sb;
	size_t i;

	if (strlen(path) >= sizeof(buf) || path[0] != '/')
		return -1;
	(void)strcpy(buf, path);
	for (;;) {
		if (stat(buf, &sb) < 0)
			return -1;
		for (i = 0; i < n; i++)
			if (id[i].dev == sb.st_dev && id[i].ino == sb.st_ino)
				return 1;
		if (strcmp(buf, "/") == 0)
			return 0;
		slash = strrchr(buf, '/');
		slash[slash == buf] = '\0';	/* "/a" -> "/", "/a/b" -> "/a" */
	}
}

/* /proc/self/mountinfo, whole and NUL-terminated; NULL on error. */
static char *
read_mountinfo(void)
{
	size_t len = 0, cap = 16384;
	char *buf = malloc(cap), *nb;
	ssize_t n;
	int fd;

	if (buf == NULL ||
	    (fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC)) < 0) {
		free(buf);
		return NULL;
	}
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		if ((len += (size_t)n) < cap - 1)
			continue;
		if (cap >= (16U << 20) || (nb = realloc(buf, cap * 2)) == NULL) {
			n = -1;
			break;
		}
		buf = nb;
		cap *= 2;
	}
	(void)close(fd);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}

/*
 * Whether a rule reaches a procfs mount: a mount lies at or beneath a
 * rule, or a rule lies in one.  The default devices cannot.  Any doubt:
 * true (the supervisor mediates).  Each mountinfo line: "ID PARENT
 * MAJ:MIN ROOT MOUNTPOINT OPTIONS... - FSTYPE SOURCE SUPEROPTS".
 */
bool
proc_reachable(const struct plan *pl)
{
	const char *line, *next, *sep, *mp, *end;
	cleanup_free struct ident *id = NULL;
	cleanup_free char *mi = NULL;
	char point[PATH_MAX];
	struct statfs sf;
	struct stat sb;
	size_t i, n = 0;
	int f, r = 0;

	if ((line = mi = read_mountinfo()) == NULL ||
	    (id = calloc(pl->nrules + 1, sizeof(*id))) == NULL)
		return true;
	for (i = 0; i < pl->nrules; i++) {
		if (pl->rules[i].dev)
			continue;
		if (fstat(pl->rules[i].fd, &sb) < 0 ||
		    fstatfs(pl->rules[i].fd, &sf) < 0 ||
		    sf.f_type == PROC_SUPER_MAGIC)
			return true;		/* in /proc, or unsure */
		id[n].dev = sb.st_dev;
		id[n++].ino = sb.st_ino;
	}
	for (; r == 0 && n > 0 && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) == NULL)
			next = line + strlen(line);
		else
			next++;
		if ((sep = strstr(line, " - ")) == NULL || sep > next ||
		    strncmp(sep + 3, "proc ", 5) != 0)
			continue;
		for (mp = line, f = 0; f < 4 && mp != NULL && mp < sep; f++)
			if ((mp = strchr(mp, ' ')) != NULL)
				mp++;
		if (mp == NULL || mp >= sep || (end = strchr(mp, ' ')) == NULL ||
		    (size_t)(end - mp) >= sizeof(point))
			return true;
		memcpy(point, mp, (size_t)(end - mp));
		point[end - mp] = '\0';
		unescape(point);
		r = above(point, id, n);
	}
	return r != 0;
}

static int
make_ruleset(struct pstage *p)
{
	struct sl_ruleset_attr attr = { 0, 0, 0 };
	int abi = sl_ll_abi();

	p->rs_made = true;
	p->ruleset = -1;
	if (abi == 0)
		return 0;	/* no Landlock: the stage has no domain either */
	attr.handled_access_fs = sl_ll_fs_rights(abi);
	p->ruleset = sl_ll_create_ruleset(&attr, sizeof(attr), 0);
	return p->ruleset < 0 ? -1 : 0;
}

/* Stage's slot, not started yet, with its ruleset; NULL with errno. */
static struct pstage *
slot(uint32_t stage)
{
	if (stage >= SL_MAX_STAGES || ps[stage].started) {
		errno = EINVAL;
		return NULL;
	}
	if (!ps[stage].rs_made && make_ruleset(&ps[stage]) < 0)
		return NULL;
	return &ps[stage];
}

/* The broker's rule, through the same function, on the same fd and access. */
int
proc_add_rule(uint32_t stage, int fd, uint64_t access)
{
	struct pstage *p;

	if ((p = slot(stage)) == NULL)
		return -1;
	if (p->ruleset < 0)
		return 0;
	return sl_ll_add_path(p->ruleset, fd, access, sl_ll_abi());
}

/* What the domain grants beneath a /proc/PID younger than the ruleset. */
static uint64_t
probe(void)
{
	static const struct {
		const char *path;
		int flags;
		uint64_t right;
	} t[] = {
		{ "/proc/self/status", O_RDONLY, SL_LL_FS_READ_FILE },
		{ "/proc/self", O_RDONLY | O_DIRECTORY, SL_LL_FS_READ_DIR },
		{ "/proc/self/comm", O_WRONLY, SL_LL_FS_WRITE_FILE },
		{ "/proc/self/comm", O_WRONLY | O_TRUNC, SL_LL_FS_TRUNCATE },
	};
	uint64_t rights = 0;
	size_t i;
	int fd;

	for (i = 0; i < SL_NITEMS(t); i++)
		if ((fd = open(t[i].path, t[i].flags | O_CLOEXEC)) >= 0) {
			rights |= t[i].right;
			sl_close(fd);
		}
	return rights;
}

/* Closes every fd from 3 up but a and b (b may be -1). */
static void
keep_only(int a, int b)
{
	int lo = b < 0 || a < b ? a : b, hi = b < 0 || a > b ? a : b;

	if (lo > 3)
		(void)syscall(SYS_close_range, 3U, (unsigned)lo - 1, 0U);
	if (b >= 0 && hi > lo + 1)
		(void)syscall(SYS_close_range, (unsigned)lo + 1,
		    (unsigned)hi - 1, 0U);
	(void)syscall(SYS_close_range, (unsigned)hi + 1, ~0U, 0U);
}

/* The opener: the stage's rules as its own Landlock domain; one open
 * per request, the fd or the errno back. */
SL_NORETURN static void
opener(int sock, int ruleset)
{
	static struct msg m;
	struct oreq q;
	uint64_t rights;
	char p[64];
	int fd, err;

	keep_only(sock, ruleset);
	(void)prctl(PR_SET_NAME, "sandlock-open", 0, 0, 0);
	/* No controlling terminal, as the stage (in the broker's session):
	 * /dev/tty must not name the caller's. */
	if (setsid() < 0)
		_exit(1);
	if (ruleset >= 0 && sl_ll_restrict_self(ruleset, 0) < 0)
		_exit(1);
	sl_close(ruleset);
	rights = probe();
	if (msg_send(sock, 1, 0, &rights, sizeof(rights), NULL, 0) < 0)
		_exit(1);
	while (msg_recv(sock, &m) == 1) {
		if (m.bodylen != sizeof(q) || m.nfds != 1)
			_exit(1);
		memcpy(&q, m.body, sizeof(q));
		q.name[NAME_MAX] = '\0';
		(void)umask((mode_t)q.umask);
		(void)snprintf(p, sizeof(p), "/proc/self/fd/%d", m.fds[0]);
		fd = q.reopen ? open(p, q.flags | O_NOCTTY | O_CLOEXEC,
		    (mode_t)q.mode) : openat(m.fds[0], q.name, O_CLOEXEC |
		    q.flags | O_NOFOLLOW | O_NOCTTY, (mode_t)q.mode);
		err = fd < 0 ? errno : 0;
		msg_free(&m);
		if (msg_send(sock, 1, 0, &err, sizeof(err), &fd,
		    fd >= 0 ? 1 : 0) < 0)
			_exit(1);
		sl_close(fd);
	}
	_exit(0);
}

int
proc_start(uint32_t stage, pid_t pgid)
{
	static struct msg m;
	struct pstage *p;
	int sv[2];
	pid_t pid;

	if ((p = slot(stage)) == NULL)
		return -1;
	(void)signal(SIGCHLD, SIG_IGN);	/* openers and helpers: no zombies */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	if ((pid = fork()) < 0) {
		sl_close(sv[0]);
		sl_close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		opener(sv[1], p->ruleset);
	}
	sl_close(sv[1]);
	if (msg_recv(sv[0], &m) != 1 || m.bodylen != sizeof(p->rights) ||
	    m.nfds != 0) {
		msg_free(&m);
		sl_close(sv[0]);
		errno = EPROTO;
		return -1;
	}
	memcpy(&p->rights, m.body, sizeof(p->rights));
	p->sock = sv[0];
	p->pgid = pgid;
	p->started = true;
	return 0;
}

bool
pf_valid(const struct pcall *c)
{
	uint64_t id = c->n->id;

	return ioctl(c->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

/* Tgid, NSpgid and Umask of the status file at/rel; 0 or -1.  Each key
 * is matched at a line start: the Name line shows what a process chose. */
int
pf_status_of(int at, const char *rel, long v[3])
{
	static const char *const keys[3] = { "\nTgid:", "\nNSpgid:",
	    "\nUmask:" };
	char buf[8192], *s;
	ssize_t n;
	int fd, i;

	if ((fd = openat(at, rel, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	sl_close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	for (i = 0; i < 3; i++) {
		if ((s = strstr(buf, keys[i])) == NULL)
			return -1;
		v[i] = strtol(s + strlen(keys[i]), NULL, i == 2 ? 8 : 10);
	}
	return 0;
}

bool
pf_is_proc(int fd, bool root)
{
	struct statfs sf;
	struct stat sb;

	if (fstatfs(fd, &sf) < 0 || sf.f_type != PROC_MAGIC)
		return false;
	return !root || (fstat(fd, &sb) == 0 && sb.st_ino == PROC_ROOT_INO);
}

bool
pf_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* The caller's fd number fd, as our own fd (the same open file). */
int
pf_take_fd(const struct pcall *c, int fd)
{
	int pidfd, r;

	if ((pidfd = (int)syscall(SYS_pidfd_open, c->n->pid, PIDFD_THREAD)) < 0)
		return -ESRCH;
	r = pf_valid(c) ? (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0) : -1;
	r = r < 0 ? -EBADF : r;
	sl_close(pidfd);
	return r;
}

/* Has the opener open name in dir (or reopen the object dir if name is
 * NULL) under its domain; the fd, or -errno.  O_NONBLOCK is added for the
 * open (a FIFO swapped in cannot stall the supervisor) and taken off. */
int
pf_ask_opener(const struct pcall *c, int dir, const char *name, int flags,
    mode_t mode)
{
	static struct msg m;
	struct oreq q;
	int fd, err, fl;

	memset(&q, 0, sizeof(q));
	q.flags = flags | O_NONBLOCK;
	q.mode = mode;
	q.umask = (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ?
	    pf_umask(c) : 0;
	q.reopen = name == NULL;
	if (name != NULL)
		(void)snprintf(q.name, sizeof(q.name), "%s", name);
	if (msg_send(c->p->sock, 1, 0, &q, sizeof(q), &dir, 1) < 0 ||
	    msg_recv(c->p->sock, &m) != 1)
		return -EIO;
	err = EIO;
	if (m.bodylen == sizeof(err))
		memcpy(&err, m.body, sizeof(err));
	if (err != 0 || m.nfds != 1) {
		msg_free(&m);
		return -(err > 0 ? err : EIO);
	}
	fd = msg_take_fd(&m, 0);
	msg_free(&m);
	if (!(flags & O_NONBLOCK) && (fl = fcntl(fd, F_GETFL)) >= 0)
		(void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	return fd;
}

static void
load_ids(const struct pcall *c)
{
	char p[64];
	long v[3];

	(void)snprintf(p, sizeof(p), "/proc/%u/status", c->n->pid);
	if (pf_status_of(AT_FDCWD, p, v) < 0 || !pf_valid(c))
		v[0] = v[2] = -1;
	c->ids[0] = v[0];
	c->ids[1] = v[2] < 0 ? 0777 : v[2] & 0777;	/* unknown: create 0 */
}

long
pf_tgid(const struct pcall *c)
{
	if (c->ids[0] == 0)
		load_ids(c);
	return c->ids[0];
}

mode_t
pf_umask(const struct pcall *c)
{
	if (c->ids[0] == 0)
		load_ids(c);
	return (mode_t)c->ids[1];
}

int
pf_fail(struct seccomp_notif_resp *r, int err)
{
	r->error = err;
	return 1;
}

/* Drops from a listing of a procfs root the processes outside the stage:
 * n bytes of linux_dirent64 (or linux_dirent); the bytes kept. */
static size_t
keep_stage(const struct pcall *c, int root, char *buf, size_t n, bool is64)
{
	size_t in = 0, out = 0, off = is64 ? 19 : 18;
	char nm[NAME_MAX + 1], rel[NAME_MAX + 16];
	uint16_t len;
	long v[3];

	while (in + off < n) {
		memcpy(&len, buf + in + 16, sizeof(len));
		if (len <= off || len > n - in)
			break;
		(void)snprintf(nm, sizeof(nm), "%.*s", (int)(len - off),
		    buf + in + off);
		(void)snprintf(rel, sizeof(rel), "%s/status", nm);
		if (!pf_digits(nm) || (pf_status_of(root, rel, v) == 0 &&
		    v[1] == (long)c->p->pgid)) {
			memmove(buf + out, buf + in, len);
			out += len;
		}
		in += len;
	}
	return out;
}

/* getdents, getdents64: read on the caller's own open file, filtered. */
static int
do_dents(const struct pcall *c, struct seccomp_notif_resp *r, bool is64)
{
	const __u64 *a = c->n->data.args;
	cleanup_free char *buf = NULL;
	cleanup_fd int g = -1;
	size_t len = a[2] < DENTS_MAX ? (size_t)a[2] : DENTS_MAX, out;
	ssize_t n;
	bool root;

	if ((g = pf_take_fd(c, (int)a[0])) < 0)
		return pf_fail(r, g);
	if ((buf = malloc(len + 1)) == NULL)
		return pf_fail(r, -ENOMEM);
	root = pf_is_proc(g, true);
	do {
		n = syscall(is64 ? SYS_getdents64 : SYS_getdents, g, buf, len);
		if (n < 0)
			return pf_fail(r, -errno);
		out = root ? keep_stage(c, g, buf, (size_t)n, is64) : (size_t)n;
	} while (n > 0 && out == 0);
	if (out > 0 && pwrite(c->mem, buf, out, (off_t)a[1]) != (ssize_t)out)
		return pf_fail(r, -EFAULT);
	r->error = 0;
	r->val = (int64_t)out;
	return 1;
}

int
proc_handle(uint32_t stage, int listener, const struct seccomp_notif *n,
    struct seccomp_notif_resp *r)
{
	static const int nrs[] = PROC_NOTIFY;
	long ids[2] = { 0, 0 };
	struct pcall c;
	size_t i;
	int k;

	for (i = 0; i < SL_NITEMS(nrs) && n->data.nr != nrs[i]; i++)
		;
	if (i == SL_NITEMS(nrs))
		return 0;
	/* openat2: its resolve flags are not emulated; libc falls back. */
	if (stage >= SL_MAX_STAGES || !ps[stage].started || n->data.nr == 437)
		return pf_fail(r, n->data.nr == 437 ? -ENOSYS : -EACCES);
	memset(&c, 0, sizeof(c));
	c.p = &ps[stage];
	c.listener = listener;
	c.n = n;
	c.ids = ids;
	/* Unreadable (non-dumpable, Yama) or gone: deny, never wave through.
	 * Every use follows an ID_VALID check made after this open, which
	 * binds the fd to the caller (its tid cannot be reused meanwhile). */
	if ((c.mem = med_mem_open(n->pid, O_RDWR)) < 0)
		return pf_fail(r, -EPERM);
	k = n->data.nr == 78 || n->data.nr == 217 ?
	    do_dents(&c, r, n->data.nr == 217) : pf_open(&c, r);
	sl_close(c.mem);
	return k;
}
