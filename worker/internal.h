/* internal.h: what libsandlock's files share; not installed. */
#ifndef SL_INTERNAL_H
#define SL_INTERNAL_H

#include "policy.h"
#include "sandlock.h"

struct sandlock_policy {
	struct pol pol;
};

/* Fills e (if any) with a formatted line; returns -1 with errno = err. */
int	sl_err(struct sandlock_error *e, int err, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/*
 * Confines the planner itself once the broker runs: NO_NEW_PRIVS and a
 * Landlock domain with no filesystem right, no TCP and no abstract UNIX
 * socket outside it.  Signals stay unscoped: the planner must be able to
 * kill its stages if the broker dies.
 */
int	plan_confine_self(int abi);

#endif
