/*
 * mediate.h: metadata syscalls performed on the stage's behalf by the
 * supervisor: chmod, chown, utimes and xattr changes by path, allowed only
 * on an object beneath one of the stage's write rules (the rule Landlock
 * would apply if it covered metadata).
 */
#ifndef SL_MEDIATE_H
#define SL_MEDIATE_H

#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define MED_MAX_RULES	256

/* The write rules of one stage, as the inodes the broker's ruleset holds. */
struct med_rules {
	struct {
		dev_t dev;
		ino_t ino;
	} r[MED_MAX_RULES];
	size_t n;
};

/* The syscalls the supervisor mediates (see SUP_NOTIFY_META). */
#define MED_NOTIFY	{ 90 /* chmod */, 268 /* fchmodat */, \
	452 /* fchmodat2 */, 92 /* chown */, 94 /* lchown */, \
	260 /* fchownat */, 280 /* utimensat */, 132 /* utime */, \
	235 /* utimes */, 261 /* futimesat */, 188 /* setxattr */, \
	189 /* lsetxattr */, 197 /* removexattr */, 198 /* lremovexattr */ }

/* Adds the inode of an O_PATH fd (borrowed) to the rules. */
int	med_add_rule(struct med_rules *mr, int fd);

/*
 * Whether n is a mediated syscall; if so performs it (or refuses it) and
 * fills r.  Reads of the stage's memory are checked with ID_VALID on
 * listener; any failure to read is a denial.
 */
int	med_handle(const struct med_rules *mr, int listener,
	    const struct seccomp_notif *n, struct seccomp_notif_resp *r);

/* The calling task's /proc/TID/mem, opened with flags; -1 with errno. */
int	med_mem_open(uint32_t tid, int flags);
/*
 * Copies len bytes at addr of the task's memory (mem from med_mem_open),
 * then checks that notification id is still live: 0, or -EFAULT.
 */
int	med_mem_read(int mem, int listener, uint64_t id, uint64_t addr,
	    void *buf, size_t len);
/*
 * Copies the NUL-terminated string at addr (at most max bytes with the
 * NUL), then checks that notification id is still live: 0, -EFAULT or
 * -ENAMETOOLONG.
 */
int	med_mem_str(int mem, int listener, uint64_t id, uint64_t addr,
	    char *buf, size_t max);
/*
 * Opens (O_PATH, following symlinks as connect(2) does) what path names
 * for the task of n, relative to its cwd, and checks that it lies beneath
 * one of mr's write rules: the fd, or -errno (-EACCES outside).
 */
int	med_open_beneath(const struct med_rules *mr,
	    const struct seccomp_notif *n, const char *path);

#endif
