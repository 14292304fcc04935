/*
 * jobfile.c: sandlock_job_load_file(): a pipeline file (sandlock-policy(5))
 * read, parsed, each stage merged onto its profile, and built into the
 * same struct sandlock_job as `sandlock pipeline|gather` arguments give.
 * Everything is checked before anything runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "profile.h"

/* "file:line:col: stage N: msg" for the stage's [[stage]] header. */
static int
stage_err(struct sandlock_error *e, int err, const char *file,
    const struct pol_fstage *st, size_t i, const char *msg)
{
	return sl_err(e, err, "%s:%u:%u: stage %zu: %s", file, st->line,
	    st->col, i + 1, msg);
}

/*
 * The policy and command of stage i: its profile's (if any) with the
 * stage's own sections over it, as flags over a profile.  Takes st's
 * policy and command.
 */
static int
stage_policy(const char *file, struct pol_fstage *st, size_t i,
    struct sandlock_policy *sp, struct sandlock_error *e)
{
	struct sandlock_error pe;
	struct pol_diag d;
	char *path = NULL;

	memset(&d, 0, sizeof(d));
	if (st->profile == NULL) {
		sp->pol = st->pol;
		sp->prog = st->prog;
	} else {
		if (sandlock_profile_find(st->profile, &path, &pe) < 0 ||
		    sl_load_profile_file(path, &sp->pol, &sp->prog, &pe) < 0) {
			free(path);
			return stage_err(e, errno, file, st, i, pe.msg);
		}
		free(path);
		if (pol_merge(&sp->pol, &st->pol, &d) < 0)
			return stage_err(e, errno, file, st, i, d.msg);
		pol_free(&st->pol);
		if (st->prog.n > 0) {
			pol_strv_free(&sp->prog);
			sp->prog = st->prog;
		} else
			pol_strv_free(&st->prog);
	}
	pol_init(&st->pol);
	memset(&st->prog, 0, sizeof(st->prog));
	if (sp->prog.n == 0)
		return stage_err(e, EINVAL, file, st, i, "no command: neither "
		    "the stage nor its profile sets exec in [program]");
	return 0;
}

static int
build(const char *file, struct pol_jobfile *jf, struct sandlock_job *j,
    struct sandlock_error *e)
{
	struct sandlock_policy sp;
	struct sandlock_stage *s;
	size_t i;
	int r;

	for (i = 0; i < jf->n; i++) {
		memset(&sp, 0, sizeof(sp));
		pol_init(&sp.pol);
		r = stage_policy(file, &jf->st[i], i, &sp, e);
		s = r == 0 ? sandlock_stage_new(&sp, sp.prog.v) : NULL;
		pol_free(&sp.pol);
		pol_strv_free(&sp.prog);
		if (r < 0)
			return -1;
		if (s == NULL)
			return sl_err(e, errno, "stage %zu: %s", i + 1,
			    strerror(errno));
		if (!jf->gather)
			r = sandlock_pipeline_add(j, s, e);
		else if (i + 1 < jf->n)
			r = sandlock_gather_add_source(j, jf->st[i].name, s, e);
		else
			r = sandlock_gather_set_consumer(j, s, e);
		if (r < 0)
			return -1;
	}
	return 0;
}

int
sandlock_job_load_file(bool gather, const char *path,
    struct sandlock_job **jp, struct sandlock_job_opts *o,
    struct sandlock_error *e)
{
	struct sandlock_job *j = NULL;
	struct pol_jobfile jf;
	struct pol_diag d;
	size_t len;
	char *buf;
	int r;

	*jp = NULL;
	sandlock_job_opts_init(o);
	memset(&jf, 0, sizeof(jf));
	memset(&d, 0, sizeof(d));
	if (sl_read_file(path, &buf, &len, e) < 0)
		return -1;
	r = pol_parse_jobfile(buf, len, path, gather ? 1 : 0, &jf, &d);
	free(buf);
	if (r < 0) {
		r = sl_diag_err(e, errno, &d);
		goto out;
	}
	if ((j = gather ? sandlock_gather_new() : sandlock_pipeline_new()) ==
	    NULL) {
		r = sl_err(e, ENOMEM, "out of memory");
		goto out;
	}
	if ((r = build(path, &jf, j, e)) < 0)
		goto out;
	o->timeout_ms = jf.timeout_ms;
	o->pipefail = jf.pipefail;
	if (jf.stdin_path != NULL &&
	    (o->stdin_fd = open(jf.stdin_path, O_RDONLY | O_CLOEXEC)) < 0) {
		r = sl_err(e, errno, "%s: %s (job.stdin)", jf.stdin_path,
		    strerror(errno));
		goto out;
	}
	*jp = j;
	j = NULL;
out:
	sandlock_job_free(j);
	pol_jobfile_free(&jf);
	return r;
}
