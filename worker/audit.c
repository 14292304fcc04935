/*
 * audit.c: the audit record; see audit.h.  JSON is built with json.h,
 * never by hand.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "profile.h"
#include "state.h"
#include "wutil.h"

static const char *const outcomes[] = {
	[SANDLOCK_EXITED] = "exited", [SANDLOCK_SIGNALED] = "signaled",
	[SANDLOCK_TIMEOUT] = "timeout", [SANDLOCK_NOT_RUN] = "not_run",
	[SANDLOCK_MEMORY] = "memory",
};

struct sl_json *
audit_status_json(const struct sandlock_result *r, const char *err)
{
	struct sandlock_result nr = { SANDLOCK_NOT_RUN, 125, 0 };
	struct sl_json *o;
	int bad;

	if (r->outcome < SANDLOCK_EXITED || r->outcome > SANDLOCK_MEMORY)
		r = &nr;
	if ((o = sl_json_new_object()) == NULL ||
	    sl_json_set_str(o, "outcome", outcomes[r->outcome]) < 0 ||
	    sl_json_set_int(o, "exit", sandlock_exit_status(r)) < 0) {
		sl_json_free(o);
		return NULL;
	}
	switch (r->outcome) {
	case SANDLOCK_EXITED:
	case SANDLOCK_NOT_RUN:
		bad = sl_json_set_int(o, "code", r->status);
		if (bad == 0 && r->outcome == SANDLOCK_NOT_RUN && err != NULL &&
		    *err)
			bad = sl_json_set_str(o, "error", err);
		break;
	case SANDLOCK_SIGNALED:
	case SANDLOCK_MEMORY:
		bad = sl_json_set_int(o, "signal", r->status);
		break;
	case SANDLOCK_TIMEOUT:
	default:
		bad = 0;
		break;
	}
	if (bad) {
		sl_json_free(o);
		return NULL;
	}
	return o;
}

/* The digest `sandlock profile check` prints for the stage's policy. */
static int
stage_digest(const struct jstage *s, char out[72])
{
	struct pol_strv prog = { NULL, 0 };
	char hex[65];
	size_t i;
	int r = -1;

	for (i = 0; s->argv[i] != NULL; i++)
		if (pol_strv_add(&prog, s->argv[i]) < 0)
			goto out;
	if ((r = pol_digest(s->pol, &prog, hex)) == 0)
		(void)snprintf(out, 72, "sha256:%s", hex);
out:
	pol_strv_free(&prog);
	return r;
}

static struct sl_json *
stage_line(const char *name, const struct jstage *s, size_t i, size_t n,
    const char *why)
{
	cleanup_free char *now_s = NULL, *t0 = NULL, *t1 = NULL;
	const char *err = s->errmsg[0] ? s->errmsg : why;
	struct timespec now;
	struct sl_json *line;
	char dig[72], cwd[4096];

	(void)clock_gettime(CLOCK_REALTIME, &now);
	if (s->pol->cwd != NULL)
		(void)snprintf(cwd, sizeof(cwd), "%s", s->pol->cwd);
	else if (getcwd(cwd, sizeof(cwd)) == NULL)
		(void)snprintf(cwd, sizeof(cwd), "?");
	if (stage_digest(s, dig) < 0 || (now_s = state_rfc3339(&now)) == NULL ||
	    (t0 = state_rfc3339(s->t_start.tv_sec ? &s->t_start : &now)) ==
	    NULL || (t1 = state_rfc3339(s->t_end.tv_sec ? &s->t_end : &now)) ==
	    NULL)
		return NULL;
	if ((line = sl_json_new_object()) == NULL ||
	    sl_json_set_str(line, "time", now_s) < 0 ||
	    sl_json_set_int(line, "uid", getuid()) < 0 ||
	    sl_json_set_str(line, "user", state_user_name(getuid())) < 0 ||
	    sl_json_set_str(line, "name", name) < 0 ||	/* null if none */
	    sl_json_set_int(line, "stage", (int64_t)i + 1) < 0 ||
	    sl_json_set_int(line, "stages", (int64_t)n) < 0 ||
	    sl_json_set(line, "argv", state_argv_json(s->argv)) < 0 ||
	    sl_json_set(line, "cwd", sl_json_new_text(cwd)) < 0 ||
	    sl_json_set_str(line, "policy_digest", dig) < 0 ||
	    sl_json_set_str(line, "start", t0) < 0 ||
	    sl_json_set_str(line, "end", t1) < 0 ||
	    sl_json_set(line, "status", audit_status_json(&s->res, err)) < 0 ||
	    /* Present only when a supervisor answered the stage's calls. */
	    (s->supervised && sl_json_set_int(line, "denied_calls",
	    (int64_t)s->denied) < 0)) {
		sl_json_free(line);
		return NULL;
	}
	return line;
}

int
audit_write(int fd, const char *name, const struct jstage *st, size_t n,
    const char *why)
{
	size_t i, len;
	int rc = 0;

	for (i = 0; i < n; i++) {
		struct sl_json *j = stage_line(name, &st[i], i, n, why);
		char *s = j != NULL ? sl_json_dump(j, &len) : NULL;

		sl_json_free(j);
		if (s == NULL) {
			rc = -1;
			errno = ENOMEM;
			continue;
		}
		s[len] = '\n';		/* over the NUL: one write(2) */
		if (write(fd, s, len + 1) != (ssize_t)len + 1)
			rc = -1;
		free(s);
	}
	return rc;
}

int
audit_open(const char *path, struct sandlock_error *e)
{
	struct stat sb;
	int fd;

	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY,
	    0600);
	if (fd < 0)
		return sl_err(e, errno, "unable to open the audit file %s: %s "
		    "(nothing was run)", path, strerror(errno));
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		sl_close(fd);
		return sl_err(e, EINVAL, "the audit file %s is not a regular "
		    "file (nothing was run)", path);
	}
	return fd;
}

int
sandlock_audit_open(const char *path, struct sandlock_error *e)
{
	return audit_open(path, e);
}
