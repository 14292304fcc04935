/* internal.h: what libsandlock's files share; not installed. */
#ifndef SL_INTERNAL_H
#define SL_INTERNAL_H

#include "policy.h"
#include "sandlock.h"

struct sandlock_policy {
	struct pol pol;
	struct pol_strv prog;	/* command of a profile's [program], or of
				 * the command line when a profile is used */
};

/* Fills e (if any) with a formatted line; returns -1 with errno = err. */
int	sl_err(struct sandlock_error *e, int err, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/*
 * Confines the planner itself once the broker runs: NO_NEW_PRIVS and a
 * Landlock domain with no filesystem right but removing files beneath
 * state_dfd (the state directory, when a sandbox is registered; -1:
 * none), no TCP and no abstract UNIX socket outside it.  Signals stay
 * unscoped: the planner must be able to kill its stages if the broker
 * dies.
 */
int	plan_confine_self(int abi, int state_dfd);

/* e from a diagnostic: "file:line:col: msg" (see worker/profile.c). */
int	sl_diag_err(struct sandlock_error *e, int err, const struct pol_diag *d);
/* Reads a regular file of at most TOML_MAX_SIZE bytes; *bufp malloc'd
 * and NUL-terminated. */
int	sl_read_file(const char *path, char **bufp, size_t *lenp,
	    struct sandlock_error *e);
/* Parses the profile file at path into prof and prog (the caller frees
 * both, also on error). */
int	sl_load_profile_file(const char *path, struct pol *prof,
	    struct pol_strv *prog, struct sandlock_error *e);

#endif
