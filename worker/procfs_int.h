/*
 * procfs_int.h: what procfs.c (the opener, listings, dispatch) and
 * procopen.c (path resolution and opens) share.  Not an interface.
 */
#ifndef SL_PROCFS_INT_H
#define SL_PROCFS_INT_H

#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define PROC_MAGIC	0x9fa0
#define PROC_ROOT_INO	1

struct pstage {
	bool rs_made;
	bool started;
	int ruleset;		/* the opener's; -1 without Landlock */
	int sock;		/* to the opener */
	pid_t pgid;
	uint64_t rights;	/* granted beneath a new /proc/PID (probed) */
};

struct pcall {
	struct pstage *p;
	int listener;
	const struct seccomp_notif *n;
	long *ids;		/* tgid, umask: read when first needed */
	int mem;		/* the caller's /proc/TID/mem, O_RDWR */
};

/* Whether the notification is still pending (what was read is its). */
bool	pf_valid(const struct pcall *c);
/* The caller's tgid and umask (from its status file, checked with
 * ID_VALID), or -1 when they cannot be read. */
long	pf_tgid(const struct pcall *c);
mode_t	pf_umask(const struct pcall *c);
/* Tgid, NSpgid and Umask (v[0..2]) of the status file at/rel; 0 or -1. */
int	pf_status_of(int at, const char *rel, long v[3]);
/* Whether fd is on a procfs (and, with root, is its root directory). */
bool	pf_is_proc(int fd, bool root);
bool	pf_digits(const char *s);
/* The caller's fd number fd as our own fd, or -errno. */
int	pf_take_fd(const struct pcall *c, int fd);
/* Sets r->error = err; returns 1. */
int	pf_fail(struct seccomp_notif_resp *r, int err);
/* The opener opens name in dir (or reopens the object dir, name NULL)
 * with flags and mode under the stage's rules: the fd, or -errno. */
int	pf_ask_opener(const struct pcall *c, int dir, const char *name,
	    int flags, mode_t mode);
/* open, creat, openat: 1 with r->error set, or 2 (answered). */
int	pf_open(const struct pcall *c, struct seccomp_notif_resp *r);

#endif
