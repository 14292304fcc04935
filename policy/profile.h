/*
 * profile.h: profiles and pipeline files (sandlock-policy(5)) mapped onto
 * struct pol and struct pol_jobfile, the canonical form of a policy and its
 * digest.  Pure: the caller reads the files; these functions see bytes.
 * Errors are -1 with errno (EINVAL, EEXIST, E2BIG, ENOMEM) and d filled:
 * d->file the name given, d->line/d->col where the bad key or value starts.
 */
#ifndef SL_PROFILE_H
#define SL_PROFILE_H

#include "policy.h"
#include "toml.h"

/*
 * Parses a profile document into p (initialised, empty) and prog, the
 * command of [program] (exec then args; left empty without exec).  The
 * caller frees both (pol_free, pol_strv_free), also on error.
 */
int	pol_parse_profile(const char *buf, size_t len, const char *file,
	    struct pol *p, struct pol_strv *prog, struct pol_diag *d);

/*
 * Applies the sections of table t (a profile's root, or a pipeline stage:
 * then limits.timeout is refused and the keys in skip are left to the
 * caller) to p and prog.  pre prefixes key names in messages.
 */
int	pol_profile_table(const struct toml_val *t, const char *pre,
	    const char *const *skip, struct pol *p, struct pol_strv *prog,
	    struct pol_diag *d);

/*
 * Applies over on top of base, as command-line flags apply on top of a
 * profile: lists extend it (a path already there with the same mode is
 * kept once; with the other mode it is an error, EEXIST), an --env key
 * replaces the profile's value, and scalars that over sets (cwd, timeout,
 * clean_env, allow_degraded, the limits and no_supervisor) replace
 * base's.  A setting of over that this merge does not know (a POL_SET_*
 * bit besides those) is refused with EINVAL rather than dropped.  The
 * result is not checked as a whole: pol_check() it before running it.
 */
int	pol_merge(struct pol *base, const struct pol *over,
	    struct pol_diag *d);

/* A profile name: 1-64 of [A-Za-z0-9_.-], not starting with '.'. */
int	pol_check_profile_name(const char *name, struct pol_diag *d);

/* One stage of a pipeline file. */
struct pol_fstage {
	struct pol pol;		/* its inline sections */
	struct pol_strv prog;	/* [stage.program] exec + args, or empty */
	char *profile;		/* profile = "NAME" it starts from, or NULL */
	char *name;		/* gather source name, or NULL */
	unsigned line, col;	/* its [[stage]] header */
};

struct pol_jobfile {
	bool gather;
	uint64_t timeout_ms;	/* [job] timeout; 0: none */
	bool pipefail;
	char *stdin_path;	/* [job] stdin, absolute, or NULL */
	struct pol_fstage *st;
	size_t n;
};

/*
 * Parses a pipeline file.  kind is 0 for a pipeline, 1 for a gather (the
 * verb that runs it); a [job] kind that differs is an error.  Stage
 * profiles are named, not loaded: the caller merges each stage's policy
 * onto its profile's with pol_merge().  Free jf with pol_jobfile_free(),
 * also on error.
 */
int	pol_parse_jobfile(const char *buf, size_t len, const char *file,
	    int kind, struct pol_jobfile *jf, struct pol_diag *d);
void	pol_jobfile_free(struct pol_jobfile *jf);

/*
 * The canonical form of a policy and its command (prog may be NULL): a
 * profile in sandlock-policy(5) syntax with sections and keys in a fixed
 * order, lists whose order does not matter sorted, strings in basic
 * quotes.  *out is malloc'd and NUL-terminated; -1 with ENOMEM.
 */
int	pol_canon(const struct pol *p, const struct pol_strv *prog,
	    char **out, size_t *len);

/* SHA-256 of the canonical form, as 64 lowercase hex digits and a NUL. */
int	pol_digest(const struct pol *p, const struct pol_strv *prog,
	    char hex[65]);

#endif
