/*
 * state.h: the per-user registry of running sandboxes (sandlock ps, kill,
 * inspect).  One file NAME.json per sandbox in a directory only its user
 * can reach; the planner holds an exclusive flock(2) on it while the job
 * runs, so an unlocked entry is stale whatever happened to the planner.
 * See SECURITY.md, "Named sandboxes".
 */
#ifndef SL_STATE_H
#define SL_STATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "job.h"
#include "json.h"
#include "profile.h"

/*
 * Opens (creating it 0700 if needed) and verifies the state directory:
 * $XDG_RUNTIME_DIR/sandlock if that variable names a directory owned by
 * us with mode 0700, else /run/user/UID/sandlock if /run/user/UID is
 * such a directory, else /dev/shm/sandlock-UID (/tmp/sandlock-UID if
 * /dev/shm is not root's sticky directory).  The directory itself must be
 * ours, not a symlink, mode 0700.  Returns an O_DIRECTORY fd (the caller
 * closes it) and the path in path[] (if not NULL), or -1 with e: EEXIST
 * when it exists but is not ours, mode 0700 and a directory; the errno of
 * mkdir or open otherwise (EACCES inside another sandbox).
 */
int	state_dir_open(char path[4096], struct sandlock_error *e);

/* A sandbox name: [A-Za-z0-9_.-]{1,64}, not starting with '.'. */
int	state_check_name(const char *name, struct sandlock_error *e);
/* The name of a run without --name: "sandbox-PID". */
#define STATE_DEFNAME_FMT	"sandbox-%d"
/*
 * Whether name is STATE_DEFNAME_FMT with our own pid, which no other live
 * planner can hold: its entry may be published after the stages start.
 */
bool	state_name_ours(const char *name);

enum state_liveness {
	STATE_LIVE = 0,		/* its planner holds the lock */
	STATE_STALE,		/* nobody holds it: the job ended or crashed */
	STATE_GONE		/* no such entry */
};

/*
 * Reads entry name from dfd (borrowed): *live says whether it runs, *jp
 * the parsed JSON (the caller sl_json_free()s it; NULL when GONE).  A
 * stale entry is pruned (unlinked under the directory lock) and reported
 * as STALE with *jp NULL.  A live entry gets "user", the name of its
 * "uid".  -1 with e for a corrupt live entry or an I/O error.
 */
int	state_load(int dfd, const char *name, enum state_liveness *live,
	    struct sl_json **jp, struct sandlock_error *e);

/* A registration: the directory and the locked entry (both owned). */
struct state_reg {
	int dfd, fd;		/* -1 when not registered */
	char file[80];		/* NAME.json */
};

/*
 * Registers the job st[0..n) under name: refuses (EEXIST) if a live entry
 * has that name, prunes a stale one, writes NAME.json atomically (an
 * unnamed file linked into place, or a temp file renamed) under the
 * directory lock, and fills *reg, whose entry fd
 * holds the exclusive lock: keep it while the job runs.  Must be called
 * before the planner confines itself.  reg->dfd and reg->fd are -1 on
 * error.
 */
int	state_register(const char *name, const struct jstage *st, size_t n,
	    struct state_reg *reg, struct sandlock_error *e);

/*
 * Removes the temp files that planners killed while registering left in
 * dfd (borrowed): any, since they exist only under the directory lock.
 */
void	state_prune_temps(int dfd);

/*
 * Removes the entry (a confined planner keeps that right beneath the
 * state directory: plan_confine_self) and releases the lock; if it cannot,
 * the next ps, kill, inspect or registration prunes it.  Closes reg's
 * fds; harmless on an unregistered reg.
 */
void	state_unregister(struct state_reg *reg);

/* The start time of pid (field 22 of /proc/PID/stat), 0 if unknown. */
unsigned long long state_start_time(pid_t pid);

/* The signal sandlock kill sends the planner (SI_QUEUE, value: signo). */
int	state_kill_signal(void);

/*
 * The name of user uid, or the uid as text (static storage); the last
 * answer is kept, so a lookup made before the planner confines itself
 * (which closes /etc/passwd to it) serves the audit record afterwards.
 */
const char *state_user_name(uid_t uid);

/* A malloc'd "YYYY-MM-DDTHH:MM:SS.mmmZ" for a CLOCK_REALTIME time. */
char	*state_rfc3339(const struct timespec *ts);

/*
 * A JSON array of argv's strings (the caller frees it), or NULL with
 * errno (ENOMEM; EINVAL if a string is not UTF-8).
 */
struct sl_json *state_argv_json(char *const argv[]);

#endif
