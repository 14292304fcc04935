/*
 * sandlock.h: libsandlock, the library behind the sandlock(1) CLI.
 *
 * A policy says what a confined command may touch; sandlock_run() starts
 * the broker, has it build the stage (Landlock, seccomp, fds) and exec the
 * command, and waits for it.  Link with -lsandlock (pkg-config sandlock),
 * shared or static: it needs no library but libc.  See libsandlock(3).
 * Functions return 0 on success or -1 with errno set; where a struct
 * sandlock_error is passed, it receives one line saying what failed.
 */
#ifndef SANDLOCK_H
#define SANDLOCK_H

#include <stdbool.h>
#include <stddef.h>
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
/* Frees p and everything it owns (strings it copied); NULL is a no-op. */
void	sandlock_policy_free(struct sandlock_policy *p);

/* Read and execute beneath path (absolute; must exist at run time).  The
 * setters copy their strings: the caller keeps its own. */
int	sandlock_policy_fs_read(struct sandlock_policy *p, const char *path,
	    struct sandlock_error *e);
/* Read, write, create, remove, rename and truncate beneath path. */
int	sandlock_policy_fs_write(struct sandlock_policy *p, const char *path,
	    struct sandlock_error *e);
/*
 * Network, as --net-allow SPEC, --net-deny SPEC and --net-allow-bind
 * PORTS (sandlock(1) for the grammar): EINVAL for a malformed spec, EEXIST
 * for one given twice.  Without them the command has no network.
 */
int	sandlock_policy_net_allow(struct sandlock_policy *p, const char *spec,
	    struct sandlock_error *e);
int	sandlock_policy_net_deny(struct sandlock_policy *p, const char *spec,
	    struct sandlock_error *e);
int	sandlock_policy_net_bind(struct sandlock_policy *p, const char *ports,
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

/*
 * Profiles (sandlock-policy(5)).  A profile is the base; what p already
 * holds goes over it as command-line flags do: lists extend it (a path in
 * both with the same mode is kept once, with the other mode it is an
 * error), env keys and scalars that p sets replace the profile's.  The
 * profile's [program] becomes p's command unless p has one.  Errors read
 * "file:line:col: what was expected".  buf need not be NUL-terminated;
 * filename only names it in errors.
 */
int	sandlock_policy_load_profile(struct sandlock_policy *p,
	    const char *buf, size_t len, const char *filename,
	    struct sandlock_error *e);
/* The same from a file (a regular file of at most 1 MiB). */
int	sandlock_policy_load_profile_file(struct sandlock_policy *p,
	    const char *path, struct sandlock_error *e);
/*
 * The profile directories in search order ($XDG_CONFIG_HOME/sandlock/
 * profiles, ~/.config/sandlock/profiles, /etc/sandlock/profiles; the first
 * two only if the variable holds an absolute path).  Returns how many
 * (1-3) with dirs[] malloc'd (the caller frees each), -1 on ENOMEM.
 */
int	sandlock_profile_dirs(char *dirs[3]);
/* The file of profile NAME, first in search order; *pathp malloc'd.
 * ENOENT if none, EINVAL for a name outside [A-Za-z0-9_.-]{1,64}. */
int	sandlock_profile_find(const char *name, char **pathp,
	    struct sandlock_error *e);
/*
 * Parses `sandlock run` arguments, including -p NAME / --profile-file PATH
 * (the profile is found and loaded, the flags go over it).  *cmdp is the
 * command: the words after "--", or the profile's [program] exec and args
 * when there is no "--"; it points into argv or into p (valid while p
 * lives), NULL-terminated; *cmdp is NULL when --help was asked.
 */
int	sandlock_policy_parse_run(struct sandlock_policy *p, int argc,
	    char *const argv[], char *const **cmdp, struct sandlock_error *e);
/*
 * The canonical form of p and its command (a profile with sorted lists;
 * malloc'd, the caller frees it; NULL on ENOMEM), and its SHA-256 as 64
 * hex digits: equal for any two files that compile to the same policy.
 */
char	*sandlock_policy_canonical(const struct sandlock_policy *p);
int	sandlock_policy_digest(const struct sandlock_policy *p, char hex[65]);

enum sandlock_outcome {
	SANDLOCK_EXITED = 1,	/* status: exit code */
	SANDLOCK_SIGNALED,	/* status: signal number */
	SANDLOCK_TIMEOUT,	/* killed at the timeout, with its descendants */
	SANDLOCK_NOT_RUN,	/* status: 125, 126 or 127 as for the CLI */
	SANDLOCK_MEMORY		/* killed over -m, with its descendants;
				 * status: SIGKILL (CLI: 137) */
};

struct sandlock_result {
	enum sandlock_outcome outcome;
	int status;
	int err;		/* errno behind NOT_RUN, else 0 */
};

/* Options of one run: sandlock_run_opts_init(), then set what you need. */
struct sandlock_run_opts {
	int stdio[3];		/* fds for 0, 1, 2 (borrowed); -1: inherit */
	int cancel_fd;		/* readable: forward the signal number read
				 * (one int) to the sandbox; -1: none */
	bool confine_self;	/* CLI only: Landlock the calling process once
				 * the broker runs (it can open nothing after) */
	const char *name;	/* register as a named sandbox (sandlock ps,
				 * kill, inspect; borrowed); NULL: don't */
	int audit_fd;		/* append the audit record here (borrowed;
				 * see sandlock_audit_open); -1: none */
};

/* Sets the defaults: stdio inherited, no cancel fd, no name, no audit. */
void	sandlock_run_opts_init(struct sandlock_run_opts *o);

/*
 * Installs handlers that turn SIGINT, SIGTERM, SIGHUP, SIGQUIT and the
 * signal `sandlock kill` queues to a named sandbox's process into signal
 * numbers on a pipe, and ignores SIGPIPE.  Returns the pipe's read end,
 * for cancel_fd (owned by the caller; once per process: EBUSY after), or
 * -1 with errno.  A process that registers a name (opts.name) should call
 * it, or `sandlock kill` cannot reach the sandbox (and the queued signal,
 * SIGRTMIN+4, would end the process by its default action).
 */
int	sandlock_forward_signals(void);

/*
 * Opens path for the audit record (sandlock(1), AUDIT RECORD): appending,
 * created with mode 0600, a regular file.  Returns an fd the caller owns
 * (close-on-exec), or -1 with errno and *e.  Open it before anything runs
 * so that a job is never run unaudited.
 */
int	sandlock_audit_open(const char *path, struct sandlock_error *e);

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

/*
 * Stages, pipelines and gathers.  A stage is a command bound to a policy;
 * each stage of a job runs concurrently in its own sandbox, all from one
 * broker, joined only by kernel pipes the planner never reads.
 *
 * Pipeline: stage i's stdout is stage i+1's stdin; the first stage reads
 * opts.stdin_fd; intermediate stages' stderr is opts.stderr_fd; the last
 * stage's stdout and stderr are opts.stdout_fd/stderr_fd, or captured.
 * Gather: named sources, each writing into its own pipe, and a consumer
 * that reads the last source on fd 0 and the others on fds 3, 4, ... in
 * the order added, and finds them by name in _SANDLOCK_GATHER
 * ("name:fd,name:fd,...", set even with clean_env; see sandlock_gather_fd).
 * Sources read /dev/null and write errors to opts.stderr_fd.
 */
struct sandlock_stage;
struct sandlock_job;

/* Copies p and argv (argv[0] non-empty); NULL with errno on error. */
struct sandlock_stage *sandlock_stage_new(const struct sandlock_policy *p,
	    char *const argv[]);
/* Frees st and its copies; NULL is a no-op.  Not after handing it on. */
void	sandlock_stage_free(struct sandlock_stage *st);

/* New empty jobs; NULL on ENOMEM.  Free with sandlock_job_free(). */
struct sandlock_job *sandlock_pipeline_new(void);
struct sandlock_job *sandlock_gather_new(void);
/* Frees j and every stage it took; NULL is a no-op. */
void	sandlock_job_free(struct sandlock_job *j);
/* Appends a pipeline stage; takes st, even on error (EINVAL: a gather). */
int	sandlock_pipeline_add(struct sandlock_job *j, struct sandlock_stage *st,
	    struct sandlock_error *e);
/* Adds a gather source under name ([A-Za-z0-9_.-]{1,64}, unique); takes st. */
int	sandlock_gather_add_source(struct sandlock_job *j, const char *name,
	    struct sandlock_stage *st, struct sandlock_error *e);
/* Sets the consumer (once); takes st. */
int	sandlock_gather_set_consumer(struct sandlock_job *j,
	    struct sandlock_stage *st, struct sandlock_error *e);

struct sandlock_job_opts {
	uint64_t timeout_ms;	/* whole job, every stage's tree; 0: none */
	bool pipefail;		/* status: last non-zero stage, as bash */
	bool capture;		/* collect the last stage's stdout/stderr */
	int stdin_fd;		/* first pipeline stage's stdin; -1: /dev/null */
	int stdout_fd;		/* last stage's, unless capture; -1: ours */
	int stderr_fd;		/* every stage's, unless captured; -1: ours */
	int cancel_fd;		/* as in sandlock_run_opts */
	bool confine_self;	/* as in sandlock_run_opts */
	const char *name;	/* as in sandlock_run_opts */
	int audit_fd;		/* as in sandlock_run_opts */
};

/* Sets the defaults: no timeout, every fd -1, no name, no audit. */
void	sandlock_job_opts_init(struct sandlock_job_opts *o);

struct sandlock_job_result {
	struct sandlock_result status;	/* the job's (last stage, pipefail) */
	struct sandlock_result *stages;	/* one per stage, in order */
	char (*errors)[256];		/* per stage: why it did not run */
	size_t nstages;
	char *out, *err;		/* captured, NUL-terminated, or NULL */
	size_t outlen, errlen;
};

/*
 * Runs a pipeline (2 stages or more) or a gather (1 source or more and a
 * consumer) and waits for every stage.  Nothing starts if any stage's
 * policy is invalid.  A stage that cannot be executed is reported as
 * NOT_RUN (126/127) while the others run, as in a shell.  Returns 0 when
 * the job ran (*r filled; free with sandlock_job_result_free()), -1 with
 * errno and *e when it did not (r->status is NOT_RUN 125).
 */
int	sandlock_job_run(struct sandlock_job *j,
	    const struct sandlock_job_opts *o, struct sandlock_job_result *r,
	    struct sandlock_error *e);
/* Frees what sandlock_job_run() put in r (not r itself) and zeroes it. */
void	sandlock_job_result_free(struct sandlock_job_result *r);

/*
 * Parses `sandlock pipeline` (gather false) or `sandlock gather` arguments
 * (the words after the verb) into a new job *jp and its options *o (which
 * it initialises; --stdin FILE is opened into o->stdin_fd, which the caller
 * closes).  *jp is NULL when --help was asked.  Nothing is opened or
 * created on error.
 */
int	sandlock_job_parse_args(bool gather, int argc, char *const argv[],
	    struct sandlock_job **jp, struct sandlock_job_opts *o,
	    struct sandlock_error *e);

/*
 * Reads the pipeline file at path (sandlock-policy(5)) into a new job *jp
 * and its options *o, as sandlock_job_parse_args() does for arguments
 * (o->stdin_fd is the opened job.stdin, which the caller closes).  Stage
 * profiles are found as sandlock_profile_find() does.  gather says which
 * verb runs it; a [job] kind that differs is an error.  Nothing is built
 * if any part of the file, or of a profile it names, is invalid.
 */
int	sandlock_job_load_file(bool gather, const char *path,
	    struct sandlock_job **jp, struct sandlock_job_opts *o,
	    struct sandlock_error *e);

/*
 * For a gather consumer: the fd on which source name arrives, from
 * _SANDLOCK_GATHER; -1 with ENOENT if there is no such source, EINVAL if
 * the variable is malformed.
 */
int	sandlock_gather_fd(const char *name);

/* The CLI's exit status for a result: code, 128+signal, 124, 125-127. */
int	sandlock_exit_status(const struct sandlock_result *r);

/* The Landlock ABI of the running kernel, 0 if absent. */
int	sandlock_landlock_abi(void);

/* The library's version: a static string, not to be freed. */
const char *sandlock_version(void);

#ifdef __cplusplus
}
#endif

#endif
