/*
 * policy.h: the policy of one stage, and the pure functions that build it
 * from command-line flags.  Nothing here does I/O or exits: bad input comes
 * back as -1 with errno and a one-line diagnostic in struct pol_diag.
 */
#ifndef SL_POLICY_H
#define SL_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto.h"

/* A growable, NULL-terminated vector of malloc'd strings. */
struct pol_strv {
	char **v;
	size_t n;
};

struct pol_diag {
	char file[256];		/* empty for command-line flags */
	unsigned line, col;	/* 0 when not from a file */
	char msg[512];
};

/* pol.set bits: scalar flags given once. */
#define POL_SET_CWD		(1U << 0)
#define POL_SET_TIMEOUT		(1U << 1)
#define POL_SET_CLEAN_ENV	(1U << 2)
#define POL_SET_DEGRADED	(1U << 3)
#define POL_SET_PIPEFAIL	(1U << 4)
#define POL_SET_STDIN		(1U << 5)
#define POL_SET_PROCS		(1U << 6)
#define POL_SET_MEM		(1U << 7)
#define POL_SET_NOFILE		(1U << 8)
#define POL_SET_FSIZE		(1U << 9)
#define POL_SET_CPU		(1U << 10)
#define POL_SET_NOSUP		(1U << 11)

struct pol {
	struct pol_strv fs_read;	/* absolute paths, as given */
	struct pol_strv fs_write;
	struct pol_strv env;		/* KEY=VALUE, later ones win */
	bool clean_env;
	bool allow_degraded;		/* run below the Landlock ABI required */
	char *cwd;			/* absolute, or NULL: the caller's */
	uint64_t timeout_ms;		/* 0: none */
	uint32_t deny[SL_MAX_DENY];	/* extra denied syscalls */
	size_t ndeny;
	uint32_t set;			/* POL_SET_* */
	char *profile;			/* -p NAME or --profile-file PATH, which
					 * the caller loads; NULL: none */
	bool profile_is_path;		/* --profile-file */
	/* Limits; 0 = none.  Sizes in bytes, CPU time in seconds. */
	uint32_t max_procs;		/* -P: processes and threads alive */
	uint64_t max_mem;		/* -m */
	uint64_t max_nofile;		/* --max-open-files */
	uint64_t max_fsize;		/* --max-file-size */
	uint64_t cpu_secs;		/* --cpu-time */
	bool no_supervisor;		/* --no-supervisor */
	/* Network specs as given, checked (net.h); allow and deny exclude
	 * each other. */
	struct pol_strv net_allow;	/* --net-allow */
	struct pol_strv net_deny;	/* --net-deny */
	struct pol_strv net_bind;	/* --net-allow-bind, --net-bind */
};

/*
 * Whether the policy needs the supervisor process: -P, -m, or write rules
 * (metadata changes beneath them are mediated) without --no-supervisor.
 */
bool	pol_needs_supervisor(const struct pol *p);
/*
 * Checks what needs a whole policy: --no-supervisor with a flag that needs
 * the supervisor is EINVAL, naming the flag.
 */
int	pol_check(const struct pol *p, struct pol_diag *d);
/* SIZE: N, NK, NM, NG or NT (binary units), 1 to 2^62; EINVAL otherwise. */
int	pol_parse_size(const char *s, uint64_t *out);
/*
 * Sets the limit of bit (POL_SET_PROCS, _MEM, _NOFILE, _FSIZE or _CPU)
 * from val with the checks of its flag: EINVAL out of range, EEXIST if
 * set already.  Messages name the flag, or name (a profile key) if not
 * NULL.
 */
int	pol_set_limit(struct pol *p, uint32_t bit, const char *name,
	    const char *val, struct pol_diag *d);

void	pol_init(struct pol *p);
void	pol_free(struct pol *p);

/* Appends a copy of s; -1 with ENOMEM. */
int	pol_strv_add(struct pol_strv *sv, const char *s);
void	pol_strv_free(struct pol_strv *sv);
/* Whether sv holds s. */
bool	pol_strv_has(const struct pol_strv *sv, const char *s);
/* Whether name holds only [A-Za-z0-9_.-] (source and profile names). */
bool	pol_name_chars_ok(const char *name);

/* Adders with their checks (EINVAL or EEXIST, and a diagnostic). */
int	pol_add_fs(struct pol *p, bool write, const char *path,
	    struct pol_diag *d);
int	pol_add_env(struct pol *p, const char *kv, struct pol_diag *d);
int	pol_add_deny(struct pol *p, const char *name, struct pol_diag *d);
int	pol_set_cwd(struct pol *p, const char *path, struct pol_diag *d);
int	pol_set_timeout(struct pol *p, const char *secs, struct pol_diag *d);

/*
 * Parses the flags of `sandlock run` from argv[0..argc), up to and including
 * the "--" that must precede the command.  On success *cmd is the index of
 * the command's first word (there is at least one, and it is not empty).
 */
int	pol_parse_run(struct pol *p, int argc, char *const argv[], int *cmd,
	    struct pol_diag *d);

/* Where flags are parsed: each context allows its own set. */
enum pol_ctx {
	POL_CTX_RUN = 0,	/* sandlock run FLAGS -- CMD */
	POL_CTX_JOB,		/* pipeline-wide flags, before the first "::" */
	POL_CTX_STAGE,		/* a pipeline stage or the gather consumer */
	POL_CTX_SOURCE		/* a gather source: also --as NAME */
};

/* Flags that belong to a pipeline or gather rather than to a policy. */
struct pol_jobopts {
	bool pipefail;
	char *stdin_path;	/* --stdin: absolute, or NULL */
	char *as;		/* --as: a gather source's name */
	uint32_t set;		/* POL_SET_PIPEFAIL, POL_SET_STDIN */
};

/*
 * Parses flags of one context from argv[0..argc) into p (and jo, which may
 * be NULL for POL_CTX_RUN).  Stops at "--" (at "::" for POL_CTX_JOB) and
 * sets *stop to its index; *stop is -2 when --help was given.
 */
int	pol_parse_flags(struct pol *p, struct pol_jobopts *jo,
	    enum pol_ctx ctx, int argc, char *const argv[], int *stop,
	    struct pol_diag *d);

/* A gather source name: 1-64 of [A-Za-z0-9_.-]; EINVAL otherwise. */
int	pol_check_name(const char *name, struct pol_diag *d);

/* Deep copy of src into an initialised dst (ENOMEM). */
int	pol_copy(struct pol *dst, const struct pol *src);

/* One stage of a parsed pipeline or gather: argv[cmd .. cmd+ncmd). */
struct pol_stage {
	struct pol pol;
	char *as;		/* gather source name, NULL for others */
	int cmd, ncmd;
};

struct pol_job {
	bool gather;
	struct pol base;	/* flags before the first "::" */
	struct pol_jobopts opts;
	uint64_t timeout_ms;
	struct pol_stage *st;
	size_t n;
	bool help;
};

/*
 * Parses `sandlock pipeline|gather` arguments: pipeline-wide flags (and
 * policy flags every stage starts from), then stages, each "::" FLAGS
 * "--" CMD [ARG...].  A pipeline needs 2 stages or more; a gather needs
 * sources with unique --as names and a last stage, the consumer, without.
 * On error j holds nothing to free beyond what pol_job_free() releases.
 */
int	pol_parse_job(bool gather, int argc, char *const argv[],
	    struct pol_job *j, struct pol_diag *d);
void	pol_job_free(struct pol_job *j);

/* Sets d's message (printf-like); returns -1 with errno = err. */
int	pol_fail(struct pol_diag *d, int err, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

#endif
