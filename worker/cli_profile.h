/* cli_profile.h: the sandlock(1) verbs for profiles and pipeline files. */
#ifndef SL_CLI_PROFILE_H
#define SL_CLI_PROFILE_H

#include <stdbool.h>

#include "sandlock.h"

/* `sandlock profile list|show NAME|check FILE`; returns the exit status. */
int	cli_profile(int argc, char *argv[]);

/*
 * The arguments of `sandlock pipeline|gather`: "--file FILE" alone loads a
 * pipeline file, anything else is the command-line form.  As
 * sandlock_job_parse_args().
 */
int	cli_job_parse(bool gather, int argc, char *argv[],
	    struct sandlock_job **jp, struct sandlock_job_opts *o,
	    struct sandlock_error *e);

#endif
