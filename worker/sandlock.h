/*
 * sandlock.h: libsandlock, the library behind the sandlock(1) CLI.
 *
 * A policy says what a confined command may touch; sandlock_run() starts
 * the broker, has it build the stage (Landlock, seccomp, fds) and exec the
 * command, and waits for it.  Link with -lsandlock (pkg-config sandlock).
 * Functions return 0 on success or -1 with errno set; where a struct
 * sandlock_error is passed, it receives one line saying what failed.
 */
#ifndef SANDLOCK_H
#define SANDLOCK_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct sandlock_policy;		/* opaque */

struct sandlock_error {
	char msg[768];		/* one line, no trailing newline */
};

/* A new empty policy (no filesystem access, no network); NULL on ENOMEM.
 * Free it with sandlock_policy_free(). */
struct sandlock_policy *sandlock_policy_new(void);
void	sandlock_policy_free(struct sandlock_policy *p);

/* Read and execute beneath path (absolute; must exist at run time). */
int	sandlock_policy_fs_read(struct sandlock_policy *p, const char *path,
	    struct sandlock_error *e);
/* Read, write, create, remove, rename and truncate beneath path. */
int	sandlock_policy_fs_write(struct sandlock_policy *p, const char *path,
	    struct sandlock_error *e);
/* Set KEY=VALUE in the command's environment (after clean_env). */
int	sandlock_policy_env(struct sandlock_policy *p, const char *kv,
	    struct sandlock_error *e);
/* Start from an empty environment instead of the caller's. */
void	sandlock_policy_clean_env(struct sandlock_policy *p, bool on);
/* Working directory of the command (absolute); default: the caller's. */
int	sandlock_policy_cwd(struct sandlock_policy *p, const char *dir,
	    struct sandlock_error *e);
/* Wall-clock limit in milliseconds for the whole process tree; 0: none. */
void	sandlock_policy_timeout_ms(struct sandlock_policy *p, uint64_t ms);
/* Deny a syscall by name with EPERM (unknown name: EINVAL). */
int	sandlock_policy_deny_syscall(struct sandlock_policy *p,
	    const char *name, struct sandlock_error *e);
/* Run even if the kernel's Landlock ABI is older than sandlock needs. */
void	sandlock_policy_allow_degraded(struct sandlock_policy *p, bool on);
/*
 * Parses `sandlock run` flags (argv without the "run" word).  On success
 * *cmd is the index of the command after "--", or -1 if --help was asked.
 */
int	sandlock_policy_parse_args(struct sandlock_policy *p, int argc,
	    char *const argv[], int *cmd, struct sandlock_error *e);

enum sandlock_outcome {
	SANDLOCK_EXITED = 1,	/* status: exit code */
	SANDLOCK_SIGNALED,	/* status: signal number */
	SANDLOCK_TIMEOUT,	/* killed at the timeout, with its descendants */
	SANDLOCK_NOT_RUN	/* status: 125, 126 or 127 as for the CLI */
};

struct sandlock_result {
	enum sandlock_outcome outcome;
	int status;
	int err;		/* errno behind NOT_RUN, else 0 */
};

/* Options of one run; zero-initialise, then set what you need. */
struct sandlock_run_opts {
	int stdio[3];		/* fds for 0, 1, 2 (borrowed); -1: inherit */
	int cancel_fd;		/* readable: forward the signal number read
				 * (one int) to the sandbox; -1: none */
	bool confine_self;	/* CLI only: Landlock the calling process once
				 * the broker runs (it can open nothing after) */
};

void	sandlock_run_opts_init(struct sandlock_run_opts *o);

/*
 * Runs argv (argv[0] searched in the command's PATH, preferring a file the
 * policy lets it execute) under p and waits for it.  Returns 0 when the
 * command ran: *r says how it ended (EXITED, SIGNALED or TIMEOUT).  Returns
 * -1 with errno and *e when it did not run: r->outcome is NOT_RUN and
 * r->status 127 (not found), 126 (cannot execute) or 125 (anything else).
 * o may be NULL for the defaults.
 */
int	sandlock_run(const struct sandlock_policy *p, char *const argv[],
	    const struct sandlock_run_opts *o, struct sandlock_result *r,
	    struct sandlock_error *e);

/* The CLI's exit status for a result: code, 128+signal, 124, 125-127. */
int	sandlock_exit_status(const struct sandlock_result *r);

/* The Landlock ABI of the running kernel, 0 if absent. */
int	sandlock_landlock_abi(void);

const char *sandlock_version(void);

#ifdef __cplusplus
}
#endif

#endif
