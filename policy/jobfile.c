/*
 * jobfile.c: pipeline files (sandlock-policy(5)): a [job] table and
 * [[stage]] tables, each stage a profile of its own, optionally starting
 * from a named profile.  Pure; the caller loads the named profiles.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"

static const char *const stage_keys[] = { "name", "profile", NULL };

static int
jerr(struct pol_diag *d, const struct toml_val *v, int err, const char *fmt,
    ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
	d->line = v != NULL ? v->line : 0;
	d->col = v != NULL ? v->col : 0;
	errno = err;
	return -1;
}

void
pol_jobfile_free(struct pol_jobfile *jf)
{
	size_t i;

	for (i = 0; i < jf->n; i++) {
		pol_free(&jf->st[i].pol);
		pol_strv_free(&jf->st[i].prog);
		free(jf->st[i].profile);
		free(jf->st[i].name);
	}
	free(jf->st);
	free(jf->stdin_path);
	memset(jf, 0, sizeof(*jf));
}

/* A string value, checked by check (may be NULL), copied into *out. */
static int
jstring(const struct toml_val *v, const char *name,
    int (*check)(const char *, struct pol_diag *), char **out,
    struct pol_diag *d)
{
	char msg[sizeof(d->msg)];

	if (v->type != TOML_STRING)
		return jerr(d, v, EINVAL, "expected a string for %s", name);
	if (check != NULL && check(v->s, d) < 0) {
		memcpy(msg, d->msg, sizeof(msg));
		return jerr(d, v, EINVAL, "%s: %s", name, msg);
	}
	if ((*out = strdup(v->s)) == NULL)
		return jerr(d, v, ENOMEM, "out of memory");
	return 0;
}

static int
job_key(struct pol_jobfile *jf, int kind, const struct toml_kv *e,
    struct pol_diag *d)
{
	const struct toml_val *v = e->val;
	char s[32];
	struct pol p;

	if (strcmp(e->key, "kind") == 0) {
		if (v->type != TOML_STRING || (strcmp(v->s, "pipeline") != 0 &&
		    strcmp(v->s, "gather") != 0))
			return jerr(d, v, EINVAL, "expected \"pipeline\" or "
			    "\"gather\" for job.kind");
		if ((v->s[0] == 'g') != (kind == 1))
			return jerr(d, v, EINVAL, "this file is a %s: run it "
			    "with 'sandlock %s --file'", v->s, v->s);
		return 0;
	}
	if (strcmp(e->key, "pipefail") == 0) {
		if (v->type != TOML_BOOL)
			return jerr(d, v, EINVAL, "expected a boolean for "
			    "job.pipefail");
		jf->pipefail = v->b;
		return 0;
	}
	if (strcmp(e->key, "stdin") == 0) {
		if (v->type == TOML_STRING && v->s[0] != '/')
			return jerr(d, v, EINVAL, "job.stdin: %s: path must be "
			    "absolute", v->s);
		return jstring(v, "job.stdin", NULL, &jf->stdin_path, d);
	}
	if (strcmp(e->key, "timeout") != 0) {
		d->line = e->line;
		d->col = e->col;
		return pol_fail(d, EINVAL, "unknown key '%s' in [job]", e->key);
	}
	if (v->type == TOML_INT && v->i > 0)
		(void)snprintf(s, sizeof(s), "%lld", (long long)v->i);
	else if (v->type == TOML_STRING && strlen(v->s) < sizeof(s))
		(void)snprintf(s, sizeof(s), "%s", v->s);
	else if (v->type != TOML_INT && v->type != TOML_STRING)
		return jerr(d, v, EINVAL, "expected an integer or a string of "
		    "seconds for job.timeout");
	else
		(void)snprintf(s, sizeof(s), "-");
	pol_init(&p);
	if (pol_set_timeout(&p, s, d) < 0)
		return jerr(d, v, EINVAL, "job.timeout needs seconds > 0, at "
		    "most a year, with at most 3 decimals");
	jf->timeout_ms = p.timeout_ms;
	return 0;
}

static int
stage(struct pol_jobfile *jf, const struct toml_val *t, struct pol_diag *d)
{
	struct pol_fstage *st = &jf->st[jf->n++];
	const struct toml_val *v;

	memset(st, 0, sizeof(*st));
	st->line = t->line;
	st->col = t->col;
	if (t->type != TOML_TABLE)
		return jerr(d, t, EINVAL, "expected a table for each stage");
	if ((v = toml_get(t, "name")) != NULL &&
	    jstring(v, "stage.name", pol_check_name, &st->name, d) < 0)
		return -1;
	if ((v = toml_get(t, "profile")) != NULL && jstring(v,
	    "stage.profile", pol_check_profile_name, &st->profile, d) < 0)
		return -1;
	return pol_profile_table(t, "stage.", stage_keys, &st->pol, &st->prog,
	    d);
}

static int
check_stages(struct pol_jobfile *jf, const struct toml_val *root,
    struct pol_diag *d)
{
	size_t i, k;

	if (!jf->gather && jf->n < 2)
		return jerr(d, root, EINVAL, "a pipeline needs at least 2 "
		    "[[stage]] tables");
	if (jf->gather && jf->n < 2)
		return jerr(d, root, EINVAL, "a gather needs at least one "
		    "source and a consumer ([[stage]] tables)");
	for (i = 0; i < jf->n; i++) {
		struct pol_fstage *st = &jf->st[i];
		bool source = jf->gather && i + 1 < jf->n;

		d->line = st->line;
		d->col = st->col;
		if (source && st->name == NULL)
			return pol_fail(d, EINVAL, "stage %zu: a gather source "
			    "needs a name", i + 1);
		if (!source && st->name != NULL)
			return pol_fail(d, EINVAL, "stage %zu: %s", i + 1,
			    jf->gather ? "the last stage is the consumer and "
			    "takes no name" : "only gather sources take a name");
		for (k = 0; source && k < i; k++)
			if (strcmp(jf->st[k].name, st->name) == 0)
				return pol_fail(d, EEXIST, "stage %zu: source "
				    "name '%s' used twice", i + 1, st->name);
		if (st->prog.n == 0 && st->profile == NULL)
			return pol_fail(d, EINVAL, "stage %zu: no command: set "
			    "exec in [stage.program] or a profile", i + 1);
	}
	return 0;
}

static int
jobfile(struct pol_jobfile *jf, int kind, const struct toml_val *root,
    struct pol_diag *d)
{
	const struct toml_val *v;
	size_t i;

	for (i = 0; i < root->n; i++) {
		const struct toml_kv *e = &root->kv[i];

		v = e->val;
		if (strcmp(e->key, "job") == 0 && v->type == TOML_TABLE)
			continue;
		if (strcmp(e->key, "stage") == 0 && v->type == TOML_ARRAY)
			continue;
		if (strcmp(e->key, "job") == 0)
			return jerr(d, v, EINVAL, "expected a table for [job]");
		if (strcmp(e->key, "stage") == 0)
			return jerr(d, v, EINVAL, "expected [[stage]] tables "
			    "for stage");
		d->line = e->line;
		d->col = e->col;
		return pol_fail(d, EINVAL, "unknown key '%s' in a pipeline "
		    "file: expected [job] or [[stage]]", e->key);
	}
	if ((v = toml_get(root, "job")) != NULL)
		for (i = 0; i < v->n; i++)
			if (job_key(jf, kind, &v->kv[i], d) < 0)
				return -1;
	if ((v = toml_get(root, "stage")) == NULL)
		return check_stages(jf, root, d);
	if (v->n > SL_MAX_STAGES)
		return jerr(d, v, E2BIG, "more than %d stages", SL_MAX_STAGES);
	if ((jf->st = calloc(v->n, sizeof(*jf->st))) == NULL)
		return jerr(d, v, ENOMEM, "out of memory");
	for (i = 0; i < v->n; i++)
		if (stage(jf, v->items[i], d) < 0)
			return -1;
	return check_stages(jf, root, d);
}

int
pol_parse_jobfile(const char *buf, size_t len, const char *file, int kind,
    struct pol_jobfile *jf, struct pol_diag *d)
{
	struct toml_val *root;
	int r;

	memset(jf, 0, sizeof(*jf));
	jf->gather = kind == 1;
	(void)snprintf(d->file, sizeof(d->file), "%s", file);
	if ((root = toml_parse(buf, len, d)) == NULL)
		return -1;
	r = jobfile(jf, kind, root, d);
	toml_free(root);
	return r;
}
