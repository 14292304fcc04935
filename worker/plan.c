/*
 * plan.c: turns a policy and a command into what the broker needs: the
 * command's environment, the path it will execve, an O_PATH fd per rule
 * and the cwd.  Every path is checked here, before anything starts.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compat/landlock.h"
#include "plan.h"
#include "wutil.h"

extern char **environ;

void
plan_free(struct plan *pl)
{
	size_t i;

	for (i = 0; i < pl->nrules; i++) {
		sl_close(pl->rules[i].fd);
		free(pl->rules[i].real);
	}
	free(pl->rules);
	pol_strv_free(&pl->env);
	free(pl->file);
	sl_close(pl->cwd_fd);
	netplan_free(&pl->net);
	memset(pl, 0, sizeof(*pl));
	pl->cwd_fd = -1;
}

static int
env_set(struct pol_strv *env, const char *kv)
{
	size_t klen = (size_t)(strchr(kv, '=') - kv), i;
	char *c;

	for (i = 0; i < env->n; i++)
		if (strncmp(env->v[i], kv, klen + 1) == 0) {
			if ((c = strdup(kv)) == NULL)
				return -1;
			free(env->v[i]);
			env->v[i] = c;
			return 0;
		}
	return pol_strv_add(env, kv);
}

static int
plan_env(const struct pol *p, struct plan *pl, struct sandlock_error *e)
{
	char **v;
	size_t i;

	if (!p->clean_env)
		for (v = environ; v != NULL && *v != NULL; v++)
			if (strchr(*v, '=') != NULL && env_set(&pl->env, *v) < 0)
				return sl_err(e, ENOMEM, "out of memory");
	for (i = 0; i < p->env.n; i++)
		if (env_set(&pl->env, p->env.v[i]) < 0)
			return sl_err(e, ENOMEM, "out of memory");
	return 0;
}

/* strerror() with a lower-case first letter, for "path: reason" lines. */
static const char *
lc_strerror(int err, char *buf, size_t len)
{
	(void)snprintf(buf, len, "%s", strerror(err));
	if (buf[0] >= 'A' && buf[0] <= 'Z' && buf[1] >= 'a' && buf[1] <= 'z')
		buf[0] = (char)(buf[0] - 'A' + 'a');
	return buf;
}

static int
plan_rule(struct plan *pl, const char *path, uint64_t access,
    const char *flag, struct sandlock_error *e)
{
	struct plan_rule *r;
	char buf[128];
	int fd;

	if ((fd = open(path, O_PATH | O_CLOEXEC)) < 0)
		return sl_err(e, errno, "%s: %s (given to %s)", path,
		    lc_strerror(errno, buf, sizeof(buf)), flag);
	r = &pl->rules[pl->nrules++];
	r->fd = fd;
	r->access = access;
	r->real = NULL;		/* plan_realpaths(), if a search needs it */
	return 0;
}

/*
 * The resolved paths of the -r and -w rules (the first rules, in that
 * order), which only a command without a '/' needs: see plan_file().
 */
static void
plan_realpaths(const struct pol *p, struct plan *pl)
{
	size_t i;

	for (i = 0; i < p->fs_read.n + p->fs_write.n && i < pl->nrules; i++)
		pl->rules[i].real = realpath(i < p->fs_read.n ?
		    p->fs_read.v[i] : p->fs_write.v[i - p->fs_read.n], NULL);
}

/*
 * Devices every stage gets, as shells and most programs assume them: data
 * sinks and sources that reach nothing else.  One absent here is skipped
 * (that only narrows the sandbox).
 */
static const struct {
	const char *path;
	uint64_t access;
} default_devs[] = {
	{ "/dev/null", SL_LL_FS_READ_FILE | SL_LL_FS_WRITE_FILE },
	{ "/dev/zero", SL_LL_FS_READ_FILE | SL_LL_FS_WRITE_FILE },
	{ "/dev/full", SL_LL_FS_READ_FILE | SL_LL_FS_WRITE_FILE },
	{ "/dev/random", SL_LL_FS_READ_FILE },
	{ "/dev/urandom", SL_LL_FS_READ_FILE },
};

static void
plan_devs(struct plan *pl)
{
	struct plan_rule *r;
	size_t i;
	int fd;

	for (i = 0; i < SL_NITEMS(default_devs); i++) {
		if ((fd = open(default_devs[i].path, O_PATH | O_CLOEXEC)) < 0)
			continue;
		r = &pl->rules[pl->nrules++];
		r->fd = fd;
		r->access = default_devs[i].access;
		r->real = NULL;
		r->dev = true;
	}
}

static int
plan_rules(const struct pol *p, struct plan *pl, struct sandlock_error *e)
{
	size_t i, n = p->fs_read.n + p->fs_write.n + SL_NITEMS(default_devs);

	if ((pl->rules = calloc(n + 1, sizeof(*pl->rules))) == NULL)
		return sl_err(e, ENOMEM, "out of memory");
	for (i = 0; i < p->fs_read.n; i++)
		if (plan_rule(pl, p->fs_read.v[i], SL_LL_FS_READ_SET, "-r",
		    e) < 0)
			return -1;
	for (i = 0; i < p->fs_write.n; i++)
		if (plan_rule(pl, p->fs_write.v[i], SL_LL_FS_WRITE_SET, "-w",
		    e) < 0)
			return -1;
	plan_devs(pl);
	return 0;
}

/* Whether a resolved path lies beneath a rule granting execute. */
static int
beneath_rules(const struct plan *pl, const char *path)
{
	cleanup_free char *real = realpath(path, NULL);
	size_t i, n;

	if (real == NULL)
		return 0;
	for (i = 0; i < pl->nrules; i++) {
		const char *r = pl->rules[i].real;

		if (r == NULL || !(pl->rules[i].access & SL_LL_FS_EXECUTE))
			continue;
		n = strlen(r);
		if (strncmp(real, r, n) == 0 && (real[n] == '\0' ||
		    real[n] == '/' || (n == 1 && r[0] == '/')))
			return 1;
	}
	return 0;
}

static const char *
env_get(const struct pol_strv *env, const char *key)
{
	size_t i, n = strlen(key);

	for (i = 0; i < env->n; i++)
		if (strncmp(env->v[i], key, n) == 0 && env->v[i][n] == '=')
			return env->v[i] + n + 1;
	return NULL;
}

/*
 * Searches the command's PATH (default /usr/local/bin:/usr/bin:/bin) as
 * execvp would, preferring an executable the policy lets the sandbox run.
 */
static int
plan_file(struct plan *pl, const char *cmd, struct sandlock_result *r,
    struct sandlock_error *e)
{
	const char *path = env_get(&pl->env, "PATH");
	char cand[PATH_MAX], first[PATH_MAX] = "";
	const char *p, *end;
	struct stat sb;
	size_t dlen;

	if (strchr(cmd, '/') != NULL)
		return (pl->file = strdup(cmd)) == NULL ? -1 : 0;
	if (path == NULL)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; ; p = end + 1) {
		end = strchrnul(p, ':');
		dlen = (size_t)(end - p);
		if (snprintf(cand, sizeof(cand), "%.*s%s%s", (int)dlen, p,
		    dlen > 0 ? "/" : "", cmd) < (int)sizeof(cand) &&
		    stat(cand, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    access(cand, X_OK) == 0) {
			if (beneath_rules(pl, cand))
				return (pl->file = strdup(cand)) == NULL ? -1 : 0;
			if (first[0] == '\0')
				memcpy(first, cand, sizeof(cand));
		}
		if (*end == '\0')
			break;
	}
	if (first[0] != '\0')
		return (pl->file = strdup(first)) == NULL ? -1 : 0;
	r->outcome = SANDLOCK_NOT_RUN;
	r->status = 127;
	r->err = ENOENT;
	return sl_err(e, ENOENT, "%s: command not found", cmd);
}

int
plan_build(const struct pol *p, char *const argv[], const char *extra_env,
    struct plan *pl, struct sandlock_result *r, struct sandlock_error *e)
{
	const char *cwd = p->cwd != NULL ? p->cwd : ".";
	char buf[128];

	memset(pl, 0, sizeof(*pl));
	pl->cwd_fd = -1;
	r->outcome = SANDLOCK_NOT_RUN;
	r->status = 125;
	r->err = 0;
	if (argv == NULL || argv[0] == NULL || argv[0][0] == '\0')
		return sl_err(e, EINVAL, "empty command");
	if (plan_env(p, pl, e) < 0 || plan_rules(p, pl, e) < 0 ||
	    netplan_build(p, pol_needs_supervisor(p), &pl->net, e) < 0)
		return -1;
	if (extra_env != NULL && env_set(&pl->env, extra_env) < 0)
		return sl_err(e, ENOMEM, "out of memory");
	if ((pl->cwd_fd = open(cwd, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return sl_err(e, errno, "%s: %s (the working directory%s)", cwd,
		    lc_strerror(errno, buf, sizeof(buf)),
		    p->cwd != NULL ? ", given to --cwd" : "");
	if (strchr(argv[0], '/') == NULL)
		plan_realpaths(p, pl);
	if (plan_file(pl, argv[0], r, e) < 0) {
		if (errno == ENOMEM)
			return sl_err(e, ENOMEM, "out of memory");
		return -1;
	}
	return 0;
}
