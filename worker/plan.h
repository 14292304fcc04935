/* plan.h: what one stage needs before the broker is asked; see plan.c. */
#ifndef SL_PLAN_H
#define SL_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "internal.h"
#include "netplan.h"

struct plan_rule {
	int fd;			/* O_PATH, owned */
	uint64_t access;
	char *real;		/* realpath, for the command search; may be NULL */
	bool dev;		/* one of the default devices */
};

struct plan {
	char *file;		/* what the stage execve()s */
	struct pol_strv env;
	struct plan_rule *rules;
	size_t nrules;
	int cwd_fd;		/* O_PATH directory, owned */
	struct netplan net;
};

/*
 * Fills *pl for running argv under p; extra_env ("K=V" or NULL) is set
 * last, whatever the policy says.  On failure sets r (NOT_RUN, 125 or 127)
 * and e; the caller frees *pl with plan_free() in every case.
 */
int	plan_build(const struct pol *p, char *const argv[],
	    const char *extra_env, struct plan *pl, struct sandlock_result *r,
	    struct sandlock_error *e);
void	plan_free(struct plan *pl);

#endif
