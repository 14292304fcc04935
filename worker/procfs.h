/*
 * procfs.h: /proc virtualization.  When a stage's rules reach a procfs
 * mount, its opens and directory listings go to the supervisor, which
 * performs them on the stage's behalf: an outside process's /proc/PID
 * entries cannot be opened (ENOENT) and are left out of listings of a
 * procfs root; the stage's own processes stay visible.  Every open that
 * the supervisor performs is decided by Landlock: by an "opener" process
 * holding a domain built from the very rule fds the broker's ruleset
 * holds, or (the caller's own /proc/PID files, which need ptrace access)
 * by the supervisor after the opener has probed what that domain grants
 * beneath a /proc/PID directory.  See SECURITY.md.
 */
#ifndef SL_PROCFS_H
#define SL_PROCFS_H

#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <stdbool.h>

#include "plan.h"

/* The syscalls a stage notifies when its rules reach a procfs mount. */
#define PROC_NOTIFY	{ 2 /* open */, 85 /* creat */, 257 /* openat */, \
	437 /* openat2 */, 78 /* getdents */, 217 /* getdents64 */ }

/*
 * Planner: whether a rule of pl reaches a procfs mount (a mount point at
 * or beneath the rule, or the rule inside one).  True when unsure.
 */
bool	proc_reachable(const struct plan *pl);

/*
 * Supervisor: adds a rule (O_PATH fd borrowed, Landlock access bits) to
 * the opener's ruleset of stage; 0 or -1.
 */
int	proc_add_rule(uint32_t stage, int fd, uint64_t access);

/* Supervisor: forks the stage's opener; 0 or -1 with errno. */
int	proc_start(uint32_t stage, pid_t pgid);

/*
 * Supervisor: 0 if n is not a syscall of PROC_NOTIFY; 1 if it was handled
 * and r holds the answer to send; 2 if it was answered already (the fd
 * added with SECCOMP_ADDFD_FLAG_SEND, or by a helper process).
 */
int	proc_handle(uint32_t stage, int listener, const struct seccomp_notif *n,
	    struct seccomp_notif_resp *r);

#endif
