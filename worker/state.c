/*
 * state.c: the per-user registry of running sandboxes; see state.h.
 *
 * Locking: under a flock on the directory, the planner creates its entry
 * as an unnamed file (O_TMPFILE; a named temp file where the file system
 * lacks them), locks it (LOCK_EX), writes it and links (renames) it into
 * place, so an entry is locked from the moment it is visible until its
 * planner and everything that shares the open file (nothing: it is
 * close-on-exec and the supervisor is forked before it exists) are gone.
 * Prunes happen under the same lock, so a prune never unlinks a fresh
 * entry, and a named temp file seen under it is a leftover of a planner
 * killed while registering (state_prune_temps); an unnamed one vanishes
 * with its planner.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sha256.h"
#include "state.h"
#include "wutil.h"

#define ENTRY_MAX	(1024 * 1024)

/* Whether path is a directory of ours with mode 0700 (not a symlink). */
static bool
private_dir(const char *path)
{
	struct stat sb;

	return path != NULL && path[0] == '/' && lstat(path, &sb) == 0 &&
	    S_ISDIR(sb.st_mode) && sb.st_uid == getuid() &&
	    (sb.st_mode & 07777) == 0700;
}

/* Whether path is root's world-writable sticky directory, as /tmp is. */
static bool
sticky_dir(const char *path)
{
	struct stat sb;

	return lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode) && sb.st_uid == 0 &&
	    (sb.st_mode & (S_ISVTX | S_IWOTH)) == (S_ISVTX | S_IWOTH);
}

int
state_dir_open(char path[4096], struct sandlock_error *e)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	char buf[4096], run[64];
	struct stat sb;
	bool made;
	int fd;

	(void)snprintf(run, sizeof(run), "/run/user/%u", (unsigned)getuid());
	if (private_dir(xdg) && strlen(xdg) < 4000)
		(void)snprintf(buf, sizeof(buf), "%s/sandlock", xdg);
	else if (private_dir(run))
		(void)snprintf(buf, sizeof(buf), "%s/sandlock", run);
	else
		/*
		 * Memory-backed like a runtime directory: a disk file system
		 * (ext4 /tmp) costs every run an inode allocation that scans
		 * past recently deleted inodes.  Both are sticky, root's.
		 */
		(void)snprintf(buf, sizeof(buf), "%s/sandlock-%u",
		    sticky_dir("/dev/shm") ? "/dev/shm" : "/tmp",
		    (unsigned)getuid());
	made = mkdir(buf, 0700) == 0;
	if (!made && errno != EEXIST)
		return sl_err(e, errno, "unable to create the state directory "
		    "%s: %s", buf, strerror(errno));
	fd = open(buf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno != ELOOP && errno != ENOTDIR)
		return sl_err(e, errno, "unable to open the state directory "
		    "%s: %s", buf, strerror(errno));
	if (fd < 0 || fstat(fd, &sb) < 0 || sb.st_uid != getuid() ||
	    (made && fchmod(fd, 0700) < 0) ||
	    (!made && (sb.st_mode & 07777) != 0700)) {
		sl_close(fd);
		return sl_err(e, EEXIST, "the state directory %s is not a "
		    "directory of uid %u with mode 0700 (a symlink, or "
		    "someone else's?): refusing to use it", buf,
		    (unsigned)getuid());
	}
	if (path != NULL)
		memcpy(path, buf, sizeof(buf));
	return fd;
}

int
state_check_name(const char *name, struct sandlock_error *e)
{
	size_t i, n = strlen(name);

	for (i = 0; i < n; i++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789_.-", name[i]) == NULL)
			break;
	if (n == 0 || n > 64 || i < n || name[0] == '.')
		return sl_err(e, EINVAL, "invalid sandbox name '%s': use 1 to "
		    "64 of A-Z a-z 0-9 _ . - (not starting with '.')", name);
	return 0;
}

/*
 * Opens dir/file into *fdp and says whether its planner holds it; GONE
 * (with *fdp -1) if there is none.  STALE leaves a shared lock on *fdp.
 */
static int
probe(int dfd, const char *file, int *fdp, enum state_liveness *live)
{
	*fdp = openat(dfd, file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (*fdp < 0) {
		*live = STATE_GONE;
		return errno == ENOENT ? 0 : -1;
	}
	if (flock(*fdp, LOCK_SH | LOCK_NB) == 0)
		*live = STATE_STALE;
	else if (errno == EWOULDBLOCK)
		*live = STATE_LIVE;
	else
		return -1;
	return 0;
}

/* Unlinks file if it is still the inode open on fd (under the dir lock). */
static void
prune(int dfd, const char *file, int fd)
{
	struct stat a, b;

	if (flock(dfd, LOCK_EX) < 0)
		return;
	if (fstat(fd, &a) == 0 && fstatat(dfd, file, &b,
	    AT_SYMLINK_NOFOLLOW) == 0 && a.st_ino == b.st_ino &&
	    a.st_dev == b.st_dev)
		(void)unlinkat(dfd, file, 0);
	(void)flock(dfd, LOCK_UN);
}

/* The entry's JSON, checked for the fields ps, kill and inspect use. */
static struct sl_json *
parse_entry(int fd, const char *name, char *why, size_t whylen)
{
	struct sl_json_err je;
	struct sl_json *j, *st;
	struct stat sb;

	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) ||
	    sb.st_size > ENTRY_MAX) {
		(void)snprintf(why, whylen, "not a regular file of at most "
		    "1 MiB");
		return NULL;
	}
	if ((j = sl_json_load_fd(fd, ENTRY_MAX, &je)) == NULL) {
		if (je.line > 0)
			(void)snprintf(why, whylen, "%u:%u: %s", je.line, je.col,
			    je.msg);
		else
			(void)snprintf(why, whylen, "%s", je.msg);
		return NULL;
	}
	st = sl_json_get(j, "stages");
	if (sl_json_int(sl_json_get(j, "version")) != 1 ||
	    sl_json_str(sl_json_get(j, "name")) == NULL ||
	    strcmp(sl_json_str(sl_json_get(j, "name")), name) != 0 ||
	    sl_json_int(sl_json_get(j, "pid")) <= 0 ||
	    sl_json_type(sl_json_get(j, "uid")) != SL_JSON_INT ||
	    sl_json_type(sl_json_get(j, "start_time")) != SL_JSON_INT ||
	    sl_json_type(sl_json_get(j, "started_ms")) != SL_JSON_INT ||
	    sl_json_type(st) != SL_JSON_ARRAY || sl_json_len(st) == 0) {
		(void)snprintf(why, whylen, "missing or wrong fields");
		sl_json_free(j);
		return NULL;
	}
	return j;
}

int
state_load(int dfd, const char *name, enum state_liveness *live,
    struct sl_json **jp, struct sandlock_error *e)
{
	cleanup_fd int fd = -1;
	char file[80], why[200];

	*jp = NULL;
	if (state_check_name(name, e) < 0)
		return -1;
	(void)snprintf(file, sizeof(file), "%s.json", name);
	if (probe(dfd, file, &fd, live) < 0)
		return sl_err(e, errno, "unable to read the state entry %s: %s",
		    file, strerror(errno));
	if (*live == STATE_STALE)
		prune(dfd, file, fd);
	if (*live != STATE_LIVE)
		return 0;
	if ((*jp = parse_entry(fd, name, why, sizeof(why))) == NULL)
		return sl_err(e, EBADMSG, "the state entry %s of a running "
		    "sandbox is corrupt (%s): stop its planner, or remove the "
		    "file", file, why);
	/* The name of the entry's uid, looked up here, not by every run. */
	if (sl_json_get(*jp, "user") == NULL)
		(void)sl_json_set_str(*jp, "user", state_user_name(
		    (uid_t)sl_json_int(sl_json_get(*jp, "uid"))));
	return 0;
}

unsigned long long
state_start_time(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long t = 0;
	ssize_t n;
	int i;
	cleanup_fd int fd = -1;

	(void)snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
	    (n = read(fd, buf, sizeof(buf) - 1)) <= 0)
		return 0;
	buf[n] = '\0';
	/* comm may hold spaces and parentheses: count from the last ')' */
	if ((p = strrchr(buf, ')')) == NULL)
		return 0;
	for (i = 2; i < 22 && p != NULL; i++)
		p = strchr(p + 1, ' ');
	if (p != NULL)
		t = strtoull(p + 1, NULL, 10);
	return t;
}

int
state_kill_signal(void)
{
	return SIGRTMIN + 4;
}

const char *
state_user_name(uid_t uid)
{
	static char buf[64];
	static uid_t last = (uid_t)-1;
	struct passwd *pw;

	if (buf[0] != '\0' && uid == last)
		return buf;	/* also once the planner is confined */
	pw = getpwuid(uid);
	if (pw != NULL && strlen(pw->pw_name) < sizeof(buf))
		(void)snprintf(buf, sizeof(buf), "%s", pw->pw_name);
	else
		(void)snprintf(buf, sizeof(buf), "%u", (unsigned)uid);
	last = uid;
	return buf;
}

char *
state_rfc3339(const struct timespec *ts)
{
	char buf[64], *s;
	struct tm tm;

	if (gmtime_r(&ts->tv_sec, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		return NULL;
	if (asprintf(&s, "%s.%03ldZ", buf, ts->tv_nsec / 1000000) < 0)
		return NULL;
	return s;
}

struct sl_json *
state_argv_json(char *const argv[])
{
	struct sl_json *a = sl_json_new_array();
	size_t i;

	for (i = 0; a != NULL && argv[i] != NULL; i++)
		if (sl_json_append(a, sl_json_new_text(argv[i])) < 0) {
			sl_json_free(a);
			return NULL;
		}
	return a;
}

/* {"argv", "policy" (canonical), "digest"} for one stage. */
static struct sl_json *
stage_json(const struct jstage *s)
{
	struct pol_strv prog = { NULL, 0 };
	char hex[65], *canon = NULL;
	struct sl_json *o = NULL;
	size_t i, len;

	for (i = 0; s->argv[i] != NULL; i++)
		if (pol_strv_add(&prog, s->argv[i]) < 0)
			goto out;
	if (pol_canon(s->pol, &prog, &canon, &len) < 0)
		goto out;
	sl_sha256_hex(canon, len, hex);	/* pol_digest() */
	if ((o = sl_json_new_object()) == NULL ||
	    sl_json_set(o, "argv", state_argv_json(s->argv)) < 0 ||
	    /* Not UTF-8 (a path's bytes): shown as U+FFFD; the digest is
	     * of the exact canonical form. */
	    sl_json_set(o, "policy", sl_json_new_text(canon)) < 0 ||
	    sl_json_set(o, "digest", sl_json_new_strf("sha256:%s", hex)) < 0) {
		sl_json_free(o);
		o = NULL;
	}
out:
	free(canon);
	pol_strv_free(&prog);
	return o;
}

static struct sl_json *
entry_json(const char *name, const struct jstage *st, size_t n)
{
	struct timespec now;
	struct sl_json *j, *stages = sl_json_new_array();
	char cwd[4096];
	size_t i;

	for (i = 0; stages != NULL && i < n; i++)
		if (sl_json_append(stages, stage_json(&st[i])) < 0) {
			sl_json_free(stages);
			return NULL;
		}
	(void)clock_gettime(CLOCK_REALTIME, &now);
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		(void)snprintf(cwd, sizeof(cwd), "?");
	if ((j = sl_json_new_object()) == NULL ||
	    sl_json_set_int(j, "version", 1) < 0 ||
	    sl_json_set_str(j, "name", name) < 0 ||
	    sl_json_set_int(j, "pid", getpid()) < 0 ||
	    sl_json_set_int(j, "start_time",
	    (int64_t)state_start_time(getpid())) < 0 ||
	    sl_json_set_int(j, "uid", getuid()) < 0 ||
	    sl_json_set_int(j, "started_ms", (int64_t)now.tv_sec * 1000 +
	    now.tv_nsec / 1000000) < 0 ||
	    sl_json_set(j, "cwd", sl_json_new_text(cwd)) < 0) {
		sl_json_free(j);
		sl_json_free(stages);
		return NULL;
	}
	if (sl_json_set(j, "stages", stages) < 0) {	/* consumed */
		sl_json_free(j);
		return NULL;
	}
	return j;
}

/*
 * Writes s into a new file of dfd, locked (LOCK_EX) before anything is
 * written: an unnamed one (O_TMPFILE, *tmp set to "") where the file
 * system has them, else the named temp file tmp.  Its fd, or -1.
 */
static int
write_temp(int dfd, char *tmp, const char *s)
{
	size_t len = strlen(s);
	int fd;

	fd = openat(dfd, ".", O_CLOEXEC | O_TMPFILE | O_WRONLY, 0600);
	if (fd >= 0)
		tmp[0] = '\0';
	else {
		(void)unlinkat(dfd, tmp, 0);	/* a leftover of a dead planner */
		fd = openat(dfd, tmp, O_CLOEXEC | O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW, 0600);
	}
	if (fd < 0 || flock(fd, LOCK_EX) < 0 ||
	    write(fd, s, len) != (ssize_t)len || write(fd, "\n", 1) != 1) {
		sl_close(fd);
		if (tmp[0] != '\0')
			(void)unlinkat(dfd, tmp, 0);
		return -1;
	}
	return fd;
}

/*
 * Under the directory lock: puts the entry in place unless name runs.
 * An unnamed file is linked (a stale entry is unlinked first), a named
 * temp file renamed over the name.
 */
static int
publish(struct state_reg *reg, const char *name, const char *tmp,
    struct sandlock_error *e)
{
	enum state_liveness live;
	cleanup_fd int old = -1;
	char proc[64];
	struct sl_json *j;
	long pid = 0;
	int r;

	if (probe(reg->dfd, reg->file, &old, &live) < 0)
		return sl_err(e, errno, "unable to read the state entry %s: %s",
		    reg->file, strerror(errno));
	if (live == STATE_LIVE) {
		if ((j = sl_json_load_fd(old, ENTRY_MAX, NULL)) != NULL)
			pid = (long)sl_json_int(sl_json_get(j, "pid"));
		sl_json_free(j);
		return sl_err(e, EEXIST, "a sandbox named %s is already running "
		    "(planner pid %ld): choose another --name, or stop it with "
		    "'sandlock kill %s'", name, pid, name);
	}
	if (tmp[0] != '\0')
		r = renameat(reg->dfd, tmp, reg->dfd, reg->file);
	else {
		if (live == STATE_STALE)
			(void)unlinkat(reg->dfd, reg->file, 0);
		(void)snprintf(proc, sizeof(proc), "/proc/self/fd/%d", reg->fd);
		r = linkat(AT_FDCWD, proc, reg->dfd, reg->file,
		    AT_SYMLINK_FOLLOW);
	}
	if (r < 0)
		return sl_err(e, errno, "unable to register sandbox %s: %s",
		    name, strerror(errno));
	return 0;
}

int
state_register(const char *name, const struct jstage *st, size_t n,
    struct state_reg *reg, struct sandlock_error *e)
{
	cleanup_free char *s = NULL;
	char tmp[96];
	struct sl_json *j;
	int r;

	reg->dfd = reg->fd = -1;
	if (state_check_name(name, e) < 0 ||
	    (reg->dfd = state_dir_open(NULL, e)) < 0)
		return -1;
	(void)snprintf(reg->file, sizeof(reg->file), "%s.json", name);
	(void)snprintf(tmp, sizeof(tmp), ".%s.%d", name, (int)getpid());
	if ((j = entry_json(name, st, n)) != NULL)
		s = sl_json_dump(j, NULL);
	sl_json_free(j);
	if (s == NULL) {
		sl_closep(&reg->dfd);
		return sl_err(e, ENOMEM, "out of memory");
	}
	/* The temp file lives only under the directory lock (see prune_temps). */
	if (flock(reg->dfd, LOCK_EX) < 0) {
		r = sl_err(e, errno, "unable to lock the state directory: %s",
		    strerror(errno));
	} else if ((reg->fd = write_temp(reg->dfd, tmp, s)) < 0) {
		r = sl_err(e, errno, "unable to write the state entry for %s: "
		    "%s", name, strerror(errno));
		(void)flock(reg->dfd, LOCK_UN);
	} else {
		r = publish(reg, name, tmp, e);
		(void)flock(reg->dfd, LOCK_UN);
	}
	if (r < 0) {
		if (tmp[0] != '\0')
			(void)unlinkat(reg->dfd, tmp, 0);
		sl_closep(&reg->fd);
		sl_closep(&reg->dfd);
	}
	return r;
}

bool
state_name_ours(const char *name)
{
	char own[32];

	(void)snprintf(own, sizeof(own), STATE_DEFNAME_FMT, (int)getpid());
	return strcmp(name, own) == 0;
}

void
state_prune_temps(int dfd)
{
	struct dirent *de;
	struct stat sb;
	DIR *d;
	int fd;

	if ((fd = fcntl(dfd, F_DUPFD_CLOEXEC, 3)) < 0 ||
	    (d = fdopendir(fd)) == NULL) {
		sl_close(fd);
		return;
	}
	if (flock(dfd, LOCK_EX) == 0) {
		/* Under the lock no temp file is being written: any is stale. */
		while ((de = readdir(d)) != NULL)
			if (de->d_name[0] == '.' && strcmp(de->d_name, ".") != 0 &&
			    strcmp(de->d_name, "..") != 0 &&
			    fstatat(dfd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) ==
			    0 && S_ISREG(sb.st_mode))
				(void)unlinkat(dfd, de->d_name, 0);
		(void)flock(dfd, LOCK_UN);
	}
	rewinddir(d);	/* the offset is dfd's too */
	(void)closedir(d);
}

void
state_unregister(struct state_reg *reg)
{
	/* We hold the entry's lock: nobody replaced it, we may remove it. */
	if (reg->fd >= 0 && reg->dfd >= 0)
		(void)unlinkat(reg->dfd, reg->file, 0);
	sl_closep(&reg->fd);
	sl_closep(&reg->dfd);
}
