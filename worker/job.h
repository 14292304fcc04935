/*
 * job.h: the engine behind sandlock_run() and sandlock_job_run(): plans N
 * stages, starts one broker, sends each stage with its plumbed fds, then
 * waits for every exit while draining captured output, enforcing one
 * timeout and forwarding signals.
 */
#ifndef SL_JOB_H
#define SL_JOB_H

#include <time.h>

#include "plan.h"

struct jstage {
	const struct pol *pol;		/* borrowed */
	char *const *argv;		/* borrowed */
	char *extra_env;		/* owned: "K=V" set last, or NULL */
	struct plan plan;
	bool runnable;
	int fds[SL_MAX_TARGETS];	/* owned until sent */
	uint32_t nfds;
	bool running;
	bool mem_killed;		/* by the supervisor, for -m */
	bool supervised;		/* handed to the supervisor */
	bool procfs;			/* its opens and listings mediated */
	uint64_t denied;		/* calls it refused, if supervised */
	pid_t pgid;
	struct timespec t_start, t_end;	/* CLOCK_REALTIME, for the audit */
	struct sandlock_result res;
	char errmsg[256];		/* why it did not run */
};

/*
 * Runs st[0..n) wired as their fds say (jstage.fds/nfds filled by the
 * caller, who also sets *cap to the read ends of the captured stdout and
 * stderr, or -1).  Plans first: a stage whose policy is invalid stops
 * everything (-1, e); a command not found only stops its stage.  Returns 0
 * with every st[i].res filled, or -1 with errno and e.  The fds and cap
 * are closed in every case (cap[] is set to -1 at once: job_exec owns them).
 */
int	job_exec(struct jstage *st, size_t n, const struct sandlock_job_opts *o,
	    int cap[2], struct sandlock_job_result *out,
	    struct sandlock_error *e);

/*
 * A stage with nothing yet: no fds, no plan (cwd_fd -1), so that
 * job_stages_free() closes nothing it does not own.  Call it first.
 */
void	job_stage_init(struct jstage *s);

/* Releases what job_exec() left in st (plans, env strings, fds). */
void	job_stages_free(struct jstage *st, size_t n);

#endif
