/*
 * job.c: the command line of `sandlock pipeline` and `sandlock gather`.
 * Pure.  Grammar:
 *
 *   sandlock pipeline [JOB FLAGS] :: [FLAGS] -- CMD [ARG...] :: ...
 *   sandlock gather   [JOB FLAGS] :: --as NAME [FLAGS] -- CMD ... :: ...
 *                                  :: [FLAGS] -- CONSUMER [ARG...]
 *
 * A stage ends at the next word that is exactly "::".  Policy flags given
 * before the first "::" start every stage's policy; a stage's own flags
 * extend it.  -t/--timeout, --pipefail and --stdin apply to the whole job.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

bool
pol_name_chars_ok(const char *name)
{
	const char *c;

	for (c = name; *c != '\0'; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9') || *c == '_' || *c == '.' ||
		    *c == '-'))
			return false;
	return true;
}

int
pol_check_name(const char *name, struct pol_diag *d)
{
	size_t n = strlen(name);

	if (n == 0 || n > 64)
		return pol_fail(d, EINVAL, "source name '%s' must have 1 to 64 "
		    "characters", name);
	if (!pol_name_chars_ok(name))
		return pol_fail(d, EINVAL, "source name '%s': only "
		    "letters, digits, '_', '.' and '-' are allowed", name);
	return 0;
}

static int
strv_copy(struct pol_strv *dst, const struct pol_strv *src)
{
	size_t i;

	for (i = 0; i < src->n; i++)
		if (pol_strv_add(dst, src->v[i]) < 0)
			return -1;
	return 0;
}

int
pol_copy(struct pol *dst, const struct pol *src)
{
	struct pol tmp;

	pol_init(&tmp);
	if (strv_copy(&tmp.fs_read, &src->fs_read) < 0 ||
	    strv_copy(&tmp.fs_write, &src->fs_write) < 0 ||
	    strv_copy(&tmp.env, &src->env) < 0 ||
	    strv_copy(&tmp.net_allow, &src->net_allow) < 0 ||
	    strv_copy(&tmp.net_deny, &src->net_deny) < 0 ||
	    strv_copy(&tmp.net_bind, &src->net_bind) < 0 ||
	    (src->profile != NULL &&
	    (tmp.profile = strdup(src->profile)) == NULL) ||
	    (src->cwd != NULL && (tmp.cwd = strdup(src->cwd)) == NULL)) {
		pol_free(&tmp);
		errno = ENOMEM;
		return -1;
	}
	*dst = *src;
	dst->fs_read = tmp.fs_read;
	dst->fs_write = tmp.fs_write;
	dst->env = tmp.env;
	dst->net_allow = tmp.net_allow;
	dst->net_deny = tmp.net_deny;
	dst->net_bind = tmp.net_bind;
	dst->profile = tmp.profile;
	dst->cwd = tmp.cwd;
	return 0;
}

void
pol_job_free(struct pol_job *j)
{
	size_t i;

	for (i = 0; i < j->n; i++) {
		pol_free(&j->st[i].pol);
		free(j->st[i].as);
	}
	free(j->st);
	pol_free(&j->base);
	free(j->opts.stdin_path);
	free(j->opts.as);
	memset(j, 0, sizeof(*j));
}

static int
stage_fail(struct pol_diag *d, size_t n)
{
	char msg[sizeof(d->msg)];

	memcpy(msg, d->msg, sizeof(msg));
	return pol_fail(d, errno, "stage %zu: %s", n, msg);
}

/* Parses the stage in argv[0..argc) (the words between two "::"). */
static int
parse_stage(struct pol_job *j, int off, int argc, char *const argv[],
    struct pol_diag *d)
{
	struct pol_jobopts jo = { false, NULL, NULL, 0 };
	struct pol_stage *st, *v;
	int stop;

	if ((v = reallocarray(j->st, j->n + 1, sizeof(*v))) == NULL)
		return pol_fail(d, ENOMEM, "out of memory");
	j->st = v;
	st = &j->st[j->n++];
	memset(st, 0, sizeof(*st));
	if (pol_copy(&st->pol, &j->base) < 0)
		return pol_fail(d, ENOMEM, "out of memory");
	st->pol.set &= ~(uint32_t)POL_SET_TIMEOUT;
	if (pol_parse_flags(&st->pol, &jo, j->gather ? POL_CTX_SOURCE :
	    POL_CTX_STAGE, argc, argv, &stop, d) < 0) {
		free(jo.as);
		return stage_fail(d, j->n);
	}
	st->as = jo.as;
	st->cmd = off + stop + 1;
	st->ncmd = argc - stop - 1;
	if (st->ncmd == 0 || argv[stop + 1][0] == '\0')
		return pol_fail(d, EINVAL, "stage %zu: no command after '--'",
		    j->n);
	return 0;
}

static int
check_gather(struct pol_job *j, struct pol_diag *d)
{
	size_t i, k;

	if (j->n < 2)
		return pol_fail(d, EINVAL, "a gather needs at least one source "
		    "and a consumer");
	for (i = 0; i + 1 < j->n; i++) {
		if (j->st[i].as == NULL)
			return pol_fail(d, EINVAL, "stage %zu: a gather source "
			    "needs --as NAME", i + 1);
		for (k = 0; k < i; k++)
			if (strcmp(j->st[k].as, j->st[i].as) == 0)
				return pol_fail(d, EEXIST, "stage %zu: source "
				    "name '%s' used twice", i + 1, j->st[i].as);
	}
	if (j->st[j->n - 1].as != NULL)
		return pol_fail(d, EINVAL, "stage %zu: the last stage is the "
		    "consumer and takes no --as", j->n);
	return 0;
}

int
pol_parse_job(bool gather, int argc, char *const argv[], struct pol_job *j,
    struct pol_diag *d)
{
	int stop, i, e;

	memset(j, 0, sizeof(*j));
	j->gather = gather;
	if (pol_parse_flags(&j->base, &j->opts, POL_CTX_JOB, argc, argv, &stop,
	    d) < 0)
		return -1;
	if (stop == -2) {
		j->help = true;
		return 0;
	}
	j->timeout_ms = j->base.timeout_ms;
	for (i = stop + 1; i <= argc; i = e + 1) {
		for (e = i; e < argc && strcmp(argv[e], "::") != 0; e++)
			;
		if (j->n >= SL_MAX_STAGES)
			return pol_fail(d, E2BIG, "more than %d stages",
			    SL_MAX_STAGES);
		if (parse_stage(j, i, e - i, argv + i, d) < 0)
			return -1;
	}
	if (gather)
		return check_gather(j, d);
	if (j->n < 2)
		return pol_fail(d, EINVAL, "a pipeline needs at least 2 stages "
		    "(separate them with '::')");
	return 0;
}
