/*
 * run.c: libsandlock's run API: sandlock_run() for one command, and
 * stages, pipelines and gathers wired onto the job engine (job.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "job.h"
#include "wutil.h"

struct sandlock_stage {
	struct pol pol;
	char **argv;
};

struct sandlock_job {
	bool gather;
	struct sandlock_stage **st;	/* gather: sources, then the consumer */
	char **names;			/* gather: source names */
	size_t n;
	struct sandlock_stage *consumer;
};

/* An owned close-on-exec copy of fd, or of /dev/null if fd is not open. */
static int
own_fd(int fd)
{
	int c = fd >= 0 ? fcntl(fd, F_DUPFD_CLOEXEC, 3) : -1;

	return c >= 0 ? c : open("/dev/null", O_RDWR | O_CLOEXEC);
}

void
sandlock_job_opts_init(struct sandlock_job_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->stdin_fd = o->stdout_fd = o->stderr_fd = o->cancel_fd = -1;
	o->audit_fd = -1;
}

int
sandlock_run(const struct sandlock_policy *sp, char *const argv[],
    const struct sandlock_run_opts *ro, struct sandlock_result *r,
    struct sandlock_error *e)
{
	struct sandlock_run_opts dflt;
	struct sandlock_job_opts o;
	struct sandlock_job_result jr;
	struct jstage s;
	int cap[2] = { -1, -1 }, i, rc;

	if (ro == NULL) {
		sandlock_run_opts_init(&dflt);
		ro = &dflt;
	}
	memset(r, 0, sizeof(*r));
	r->outcome = SANDLOCK_NOT_RUN;
	r->status = 125;
	if (argv == NULL || argv[0] == NULL || argv[0][0] == '\0')
		return sl_err(e, EINVAL, "empty command");
	sandlock_job_opts_init(&o);
	o.timeout_ms = sp->pol.timeout_ms;
	o.cancel_fd = ro->cancel_fd;
	o.confine_self = ro->confine_self;
	o.name = ro->name;
	o.audit_fd = ro->audit_fd;
	job_stage_init(&s);
	s.pol = &sp->pol;
	s.argv = argv;
	s.nfds = 3;
	for (i = 0; i < 3; i++)
		s.fds[i] = own_fd(ro->stdio[i] >= 0 ? ro->stdio[i] : i);
	rc = job_exec(&s, 1, &o, cap, &jr, e);
	if (rc < 0) {
		r->err = errno;
		return -1;
	}
	*r = jr.status;
	if (r->outcome == SANDLOCK_NOT_RUN)
		rc = sl_err(e, r->err, "%s", jr.errors[0]);
	sandlock_job_result_free(&jr);
	return rc;
}

struct sandlock_stage *
sandlock_stage_new(const struct sandlock_policy *p, char *const argv[])
{
	struct sandlock_stage *st;
	size_t n = 0, i;

	if (argv == NULL || argv[0] == NULL || argv[0][0] == '\0') {
		errno = EINVAL;
		return NULL;
	}
	while (argv[n] != NULL)
		n++;
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return NULL;
	if (pol_copy(&st->pol, &p->pol) < 0 ||
	    (st->argv = calloc(n + 1, sizeof(char *))) == NULL)
		goto fail;
	for (i = 0; i < n; i++)
		if ((st->argv[i] = strdup(argv[i])) == NULL)
			goto fail;
	return st;
fail:
	sandlock_stage_free(st);
	errno = ENOMEM;
	return NULL;
}

void
sandlock_stage_free(struct sandlock_stage *st)
{
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; st->argv != NULL && st->argv[i] != NULL; i++)
		free(st->argv[i]);
	free(st->argv);
	pol_free(&st->pol);
	free(st);
}

static struct sandlock_job *
job_new(bool gather)
{
	struct sandlock_job *j = calloc(1, sizeof(*j));

	if (j != NULL)
		j->gather = gather;
	return j;
}

struct sandlock_job *sandlock_pipeline_new(void) { return job_new(false); }
struct sandlock_job *sandlock_gather_new(void) { return job_new(true); }

void
sandlock_job_free(struct sandlock_job *j)
{
	size_t i;

	if (j == NULL)
		return;
	for (i = 0; i < j->n; i++) {
		sandlock_stage_free(j->st[i]);
		free(j->names[i]);
	}
	free(j->st);
	free(j->names);
	sandlock_stage_free(j->consumer);
	free(j);
}

static int
job_append(struct sandlock_job *j, struct sandlock_stage *st, char *name,
    struct sandlock_error *e)
{
	struct sandlock_stage **v;
	char **nv;

	if (j->n + 2 > SL_MAX_STAGES)
		goto fail;
	if ((v = reallocarray(j->st, j->n + 1, sizeof(*v))) == NULL)
		goto nomem;
	j->st = v;
	if ((nv = reallocarray(j->names, j->n + 1, sizeof(*nv))) == NULL)
		goto nomem;
	j->names = nv;
	j->st[j->n] = st;
	j->names[j->n++] = name;
	return 0;
fail:
	sandlock_stage_free(st);
	free(name);
	return sl_err(e, E2BIG, "more than %d stages", SL_MAX_STAGES);
nomem:
	sandlock_stage_free(st);
	free(name);
	return sl_err(e, ENOMEM, "out of memory");
}

int
sandlock_pipeline_add(struct sandlock_job *j, struct sandlock_stage *st,
    struct sandlock_error *e)
{
	if (j->gather || st == NULL) {
		sandlock_stage_free(st);
		return sl_err(e, EINVAL, "not a pipeline, or no stage");
	}
	return job_append(j, st, NULL, e);
}

int
sandlock_gather_add_source(struct sandlock_job *j, const char *name,
    struct sandlock_stage *st, struct sandlock_error *e)
{
	struct pol_diag d;
	char *c;
	size_t i;

	if (!j->gather || st == NULL) {
		sandlock_stage_free(st);
		return sl_err(e, EINVAL, "not a gather, or no stage");
	}
	if (pol_check_name(name, &d) < 0) {
		sandlock_stage_free(st);
		return sl_err(e, EINVAL, "%s", d.msg);
	}
	for (i = 0; i < j->n; i++)
		if (strcmp(j->names[i], name) == 0) {
			sandlock_stage_free(st);
			return sl_err(e, EEXIST, "source name '%s' used twice",
			    name);
		}
	if ((c = strdup(name)) == NULL) {
		sandlock_stage_free(st);
		return sl_err(e, ENOMEM, "out of memory");
	}
	return job_append(j, st, c, e);
}

int
sandlock_gather_set_consumer(struct sandlock_job *j,
    struct sandlock_stage *st, struct sandlock_error *e)
{
	if (!j->gather || st == NULL || j->consumer != NULL) {
		sandlock_stage_free(st);
		return sl_err(e, EINVAL, "not a gather, no stage, or a second "
		    "consumer");
	}
	j->consumer = st;
	return 0;
}

/* "_SANDLOCK_GATHER=a:3,b:4,c:0": the last source is the consumer's stdin. */
static char *
gather_env(const struct sandlock_job *j)
{
	size_t len = 32, i;
	char *s, *p;

	for (i = 0; i < j->n; i++)
		len += strlen(j->names[i]) + 8;
	if ((s = malloc(len)) == NULL)
		return NULL;
	p = s + sprintf(s, "_SANDLOCK_GATHER=");
	for (i = 0; i < j->n; i++)
		p += sprintf(p, "%s%s:%zu", i ? "," : "", j->names[i],
		    i + 1 == j->n ? (size_t)0 : i + 3);
	return s;
}

/*
 * Creates the pipes between stages.  Every fd a stage gets is an owned
 * copy; the planner's copies are closed as soon as the broker has them.
 */
static int
wire(const struct sandlock_job *j, struct jstage *s, size_t n,
    const struct sandlock_job_opts *o, int cap[2])
{
	int p[2], in, k;
	size_t i;

	for (k = 0; k < 2; k++)
		if (o->capture) {
			if (pipe2(p, O_CLOEXEC) < 0)
				return -1;
			cap[k] = p[0];
			s[n - 1].fds[1 + k] = p[1];
		} else
			s[n - 1].fds[1 + k] = own_fd(k == 0 ?
			    (o->stdout_fd >= 0 ? o->stdout_fd : 1) :
			    (o->stderr_fd >= 0 ? o->stderr_fd : 2));
	in = j->gather ? -1 : own_fd(o->stdin_fd >= 0 ? o->stdin_fd : -1);
	for (i = 0; i + 1 < n; i++) {
		if (pipe2(p, O_CLOEXEC) < 0) {
			sl_close(in);	/* held by no stage yet */
			return -1;
		}
		s[i].fds[0] = j->gather ? own_fd(-1) : in;
		s[i].fds[1] = p[1];
		s[i].fds[2] = own_fd(o->stderr_fd >= 0 ? o->stderr_fd : 2);
		s[i].nfds = 3;
		if (j->gather && i + 2 < n)
			s[n - 1].fds[3 + i] = p[0];
		else
			in = p[0];
	}
	s[n - 1].fds[0] = in;
	s[n - 1].nfds = j->gather ? (uint32_t)n + 1 : 3;
	for (i = 0; i < n; i++)
		for (k = 0; k < (int)s[i].nfds; k++)
			if (s[i].fds[k] < 0)
				return -1;
	return 0;
}

int
sandlock_job_run(struct sandlock_job *j, const struct sandlock_job_opts *o,
    struct sandlock_job_result *r, struct sandlock_error *e)
{
	struct sandlock_job_opts dflt;
	struct jstage *s;
	int cap[2] = { -1, -1 }, rc;
	size_t n = j->n + (j->consumer != NULL), i;

	memset(r, 0, sizeof(*r));
	r->status.outcome = SANDLOCK_NOT_RUN;
	r->status.status = 125;
	if (o == NULL) {
		sandlock_job_opts_init(&dflt);
		o = &dflt;
	}
	if (j->gather && (j->consumer == NULL || j->n == 0))
		return sl_err(e, EINVAL, j->consumer == NULL ? "a gather needs "
		    "a consumer" : "a gather needs at least one source");
	if (!j->gather && n < 2)
		return sl_err(e, EINVAL, "a pipeline needs at least 2 stages");
	if ((s = calloc(n, sizeof(*s))) == NULL)
		return sl_err(e, ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		const struct sandlock_stage *st = i < j->n ? j->st[i] :
		    j->consumer;

		job_stage_init(&s[i]);
		s[i].pol = &st->pol;
		s[i].argv = st->argv;
	}
	if (j->gather && (s[n - 1].extra_env = gather_env(j)) == NULL)
		rc = sl_err(e, ENOMEM, "out of memory");
	else if (wire(j, s, n, o, cap) < 0)
		rc = sl_err(e, errno, "unable to create pipes: %s",
		    strerror(errno));
	else
		rc = job_exec(s, n, o, cap, r, e);
	if (rc < 0) {
		rc = errno;
		job_stages_free(s, n);
		sl_close(cap[0]);
		sl_close(cap[1]);
		errno = rc;
		rc = -1;
	}
	free(s);
	return rc;
}

void
sandlock_job_result_free(struct sandlock_job_result *r)
{
	free(r->stages);
	free(r->errors);
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof(*r));
}

/* Moves a parsed stage into a library stage (its pol is taken). */
static struct sandlock_stage *
stage_from(struct pol_stage *ps, char *const argv[])
{
	struct sandlock_stage *st;
	int i;

	if ((st = calloc(1, sizeof(*st))) == NULL ||
	    (st->argv = calloc((size_t)ps->ncmd + 1, sizeof(char *))) == NULL)
		goto fail;
	for (i = 0; i < ps->ncmd; i++)
		if ((st->argv[i] = strdup(argv[ps->cmd + i])) == NULL)
			goto fail;
	st->pol = ps->pol;
	pol_init(&ps->pol);
	return st;
fail:
	sandlock_stage_free(st);
	return NULL;
}

static int
job_from(struct pol_job *pj, char *const argv[], struct sandlock_job *j,
    struct sandlock_error *e)
{
	struct sandlock_stage *st;
	size_t i;
	int r;

	for (i = 0; i < pj->n; i++) {
		if ((st = stage_from(&pj->st[i], argv)) == NULL)
			return sl_err(e, ENOMEM, "out of memory");
		if (!j->gather)
			r = sandlock_pipeline_add(j, st, e);
		else if (i + 1 < pj->n)
			r = sandlock_gather_add_source(j, pj->st[i].as, st, e);
		else
			r = sandlock_gather_set_consumer(j, st, e);
		if (r < 0)
			return -1;
	}
	return 0;
}

int
sandlock_job_parse_args(bool gather, int argc, char *const argv[],
    struct sandlock_job **jp, struct sandlock_job_opts *o,
    struct sandlock_error *e)
{
	struct sandlock_job *j = NULL;
	struct pol_job pj;
	struct pol_diag d;
	int rc = -1;

	*jp = NULL;
	sandlock_job_opts_init(o);
	if (pol_parse_job(gather, argc, argv, &pj, &d) < 0) {
		rc = sl_err(e, errno, "%s", d.msg);
		goto out;
	}
	rc = 0;
	if (pj.help)
		goto out;
	o->timeout_ms = pj.timeout_ms;
	o->pipefail = pj.opts.pipefail;
	if ((j = job_new(gather)) == NULL) {
		rc = sl_err(e, ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = job_from(&pj, argv, j, e)) == 0 && pj.opts.stdin_path &&
	    (o->stdin_fd = open(pj.opts.stdin_path, O_RDONLY | O_CLOEXEC)) < 0)
		rc = sl_err(e, errno, "%s: %s (given to --stdin)",
		    pj.opts.stdin_path, strerror(errno));
	if (rc == 0)
		*jp = steal_ptr(&j);
out:
	sandlock_job_free(j);
	pol_job_free(&pj);
	return rc;
}
