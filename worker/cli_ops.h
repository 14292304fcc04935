/*
 * cli_ops.h: the operator's verbs of sandlock(1): ps, kill, inspect,
 * check, and the options every run or job takes for them (--name,
 * --audit, --status-fd).
 */
#ifndef SL_CLI_OPS_H
#define SL_CLI_OPS_H

#include "sandlock.h"

struct cli_opts {
	const char *name;	/* --name, or the generated default; NULL
				 * when the default cannot be registered */
	const char *audit;	/* --audit, or $SANDLOCK_AUDIT; NULL: none */
	int audit_fd;		/* opened by cli_ops_prepare(), or -1 */
	int status_fd;		/* --status-fd, or -1 */
	char defname[32];	/* "sandbox-PID" */
};

/*
 * Takes --name NAME, --audit FILE and --status-fd FD (also "--opt=value")
 * out of argv[0..*argcp) before the first word stop ("--" for run, "::"
 * for pipelines and gathers; the whole list if absent), compacting argv.
 * Returns 0, or 125 after printing one line.
 */
int	cli_ops_extract(int *argcp, char *argv[], const char *stop,
	    struct cli_opts *co);
/*
 * Before anything runs: checks the name (valid, not running), opens the
 * audit file, checks the status fd.  Returns 0, or 125 after one line.
 */
int	cli_ops_prepare(struct cli_opts *co);
/* Writes the --status-fd line for a job's result (if asked). */
void	cli_ops_status(struct cli_opts *co, const struct sandlock_job_result *r,
	    int exit_status);
/* Closes what cli_ops_prepare() opened. */
void	cli_ops_done(struct cli_opts *co);

/* `sandlock ps|kill|inspect|check ...`: return the exit status. */
int	cli_ps(int argc, char *argv[]);
int	cli_kill(int argc, char *argv[]);
int	cli_inspect(int argc, char *argv[]);
int	cli_check(int argc, char *argv[]);

#endif
