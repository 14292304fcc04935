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
};

void	pol_init(struct pol *p);
void	pol_free(struct pol *p);

/* Appends a copy of s; -1 with ENOMEM. */
int	pol_strv_add(struct pol_strv *sv, const char *s);
void	pol_strv_free(struct pol_strv *sv);

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

/* Sets d's message (printf-like); returns -1 with errno = err. */
int	pol_fail(struct pol_diag *d, int err, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

#endif
