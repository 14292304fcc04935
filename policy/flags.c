/*
 * flags.c: command-line flags parsed into struct pol.  Pure.
 * Forms: -r PATH, -rPATH, --fs-read PATH, --fs-read=PATH.  `run` and each
 * stage of a pipeline or gather end their flags at "--" (the command
 * follows); the pipeline-wide flags end at the first "::".  An unknown or
 * misplaced flag, a missing value, a repeated scalar flag or a conflicting
 * list entry is an error with one line of diagnostic.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"
#include "policy.h"

enum opt_id {
	OPT_PROFILE, OPT_PROFILE_FILE,
	OPT_READ, OPT_WRITE, OPT_CLEAN_ENV, OPT_ENV, OPT_CWD, OPT_TIMEOUT,
	OPT_DENY, OPT_DEGRADED, OPT_HELP, OPT_AS, OPT_PIPEFAIL, OPT_STDIN,
	OPT_PROCS, OPT_MEM, OPT_NOFILE, OPT_FSIZE, OPT_CPU, OPT_NOSUP,
	OPT_NET_ALLOW, OPT_NET_DENY, OPT_NET_BIND
};

/* Where an option may appear (bit per enum pol_ctx). */
#define IN_RUN		(1U << POL_CTX_RUN)
#define IN_JOB		(1U << POL_CTX_JOB)
#define IN_STAGE	(1U << POL_CTX_STAGE)
#define IN_SOURCE	(1U << POL_CTX_SOURCE)
#define IN_POLICY	(IN_RUN | IN_JOB | IN_STAGE | IN_SOURCE)

/* NOLINTNEXTLINE(clang-analyzer-optin.performance.Padding): one small table */
struct opt {
	char shortname;
	const char *longname;
	bool arg;
	enum opt_id id;
	unsigned where;
};

static const struct opt opts[] = {
	{ 'r', "fs-read", true, OPT_READ, IN_POLICY },
	{ 'w', "fs-write", true, OPT_WRITE, IN_POLICY },
	{ 0, "clean-env", false, OPT_CLEAN_ENV, IN_POLICY },
	{ 0, "env", true, OPT_ENV, IN_POLICY },
	{ 0, "cwd", true, OPT_CWD, IN_POLICY },
	{ 't', "timeout", true, OPT_TIMEOUT, IN_RUN | IN_JOB },
	{ 0, "extra-deny-syscall", true, OPT_DENY, IN_POLICY },
	{ 0, "allow-degraded", false, OPT_DEGRADED, IN_POLICY },
	{ 'h', "help", false, OPT_HELP, IN_RUN | IN_JOB },
	{ 0, "as", true, OPT_AS, IN_SOURCE },
	{ 0, "pipefail", false, OPT_PIPEFAIL, IN_JOB },
	{ 0, "stdin", true, OPT_STDIN, IN_JOB },
	{ 'p', "profile", true, OPT_PROFILE, IN_RUN },
	{ 0, "profile-file", true, OPT_PROFILE_FILE, IN_RUN },
	{ 'P', "max-processes", true, OPT_PROCS, IN_POLICY },
	{ 'm', "max-memory", true, OPT_MEM, IN_POLICY },
	{ 0, "max-open-files", true, OPT_NOFILE, IN_POLICY },
	{ 0, "max-file-size", true, OPT_FSIZE, IN_POLICY },
	{ 0, "cpu-time", true, OPT_CPU, IN_POLICY },
	{ 0, "no-supervisor", false, OPT_NOSUP, IN_POLICY },
	{ 0, "net-allow", true, OPT_NET_ALLOW, IN_POLICY },
	{ 0, "net-deny", true, OPT_NET_DENY, IN_POLICY },
	{ 0, "net-allow-bind", true, OPT_NET_BIND, IN_POLICY },
	{ 0, "net-bind", true, OPT_NET_BIND, IN_POLICY },
};

static int
set_flag(uint32_t *set, uint32_t bit, const char *name, struct pol_diag *d)
{
	if (*set & bit)
		return pol_fail(d, EEXIST, "%s given twice", name);
	*set |= bit;
	return 0;
}

struct limit_opt {
	enum opt_id id;
	const char *name;
	uint32_t bit;
	bool size;		/* SIZE, else a count */
	uint64_t max;
	size_t off;		/* of the uint64_t field; procs is separate */
};

static const struct limit_opt limit_opts[] = {
	{ OPT_PROCS, "-P/--max-processes", POL_SET_PROCS, false, 1U << 22, 0 },
	{ OPT_MEM, "-m/--max-memory", POL_SET_MEM, true, 0,
	    offsetof(struct pol, max_mem) },
	{ OPT_NOFILE, "--max-open-files", POL_SET_NOFILE, false, 1U << 20,
	    offsetof(struct pol, max_nofile) },
	{ OPT_FSIZE, "--max-file-size", POL_SET_FSIZE, true, 0,
	    offsetof(struct pol, max_fsize) },
	{ OPT_CPU, "--cpu-time", POL_SET_CPU, false, 31536000,
	    offsetof(struct pol, cpu_secs) },
};

/* A limit flag: a count (1..max) or a SIZE, given once. */
static int
apply_limit(struct pol *p, enum opt_id id, const char *val, struct pol_diag *d)
{
	const struct limit_opt *l = &limit_opts[0];
	uint64_t v = 0;
	char *end;
	size_t i;

	for (i = 0; i < sizeof(limit_opts) / sizeof(limit_opts[0]); i++)
		if (limit_opts[i].id == id)
			l = &limit_opts[i];
	if (l->size) {
		if (pol_parse_size(val, &v) < 0)
			return pol_fail(d, EINVAL, "%s needs a size such as "
			    "512M or 2G, got '%s'", l->name, val);
	} else {
		errno = 0;
		v = strtoull(val, &end, 10);
		if (*val < '0' || *val > '9' || *end != '\0' || errno != 0 ||
		    v == 0 || v > l->max)
			return pol_fail(d, EINVAL, "%s needs a number from 1 to "
			    "%llu, got '%s'", l->name,
			    (unsigned long long)l->max, val);
	}
	if (set_flag(&p->set, l->bit, l->name, d) < 0)
		return -1;
	if (id == OPT_PROCS)
		p->max_procs = (uint32_t)v;
	else
		memcpy((char *)p + l->off, &v, sizeof(v));
	return 0;
}

int
pol_set_limit(struct pol *p, uint32_t bit, const char *name, const char *val,
    struct pol_diag *d)
{
	char msg[sizeof(d->msg)];
	size_t i, n;
	int err;

	for (i = 0; i < sizeof(limit_opts) / sizeof(limit_opts[0]); i++) {
		if (limit_opts[i].bit != bit)
			continue;
		if (apply_limit(p, limit_opts[i].id, val, d) == 0)
			return 0;
		err = errno;
		n = strlen(limit_opts[i].name);
		if (name != NULL && d != NULL &&
		    strncmp(d->msg, limit_opts[i].name, n) == 0) {
			memcpy(msg, d->msg, sizeof(msg));
			(void)snprintf(d->msg, sizeof(d->msg), "%s%s", name,
			    msg + n);
		}
		errno = err;
		return -1;
	}
	return pol_fail(d, EINVAL, "no limit has setting 0x%x", (unsigned)bit);
}

static int
apply_job(struct pol_jobopts *jo, enum opt_id id, const char *val,
    struct pol_diag *d)
{
	if (jo == NULL)		/* opts[].where keeps them to jobs */
		return pol_fail(d, EINVAL, "a job option outside a job");
	switch (id) {
	case OPT_PIPEFAIL:
		jo->pipefail = true;
		return set_flag(&jo->set, POL_SET_PIPEFAIL, "--pipefail", d);
	case OPT_STDIN:
		if (*val != '/')
			return pol_fail(d, EINVAL, "%s: path must be absolute "
			    "(given to --stdin)", val);
		if (set_flag(&jo->set, POL_SET_STDIN, "--stdin", d) < 0)
			return -1;
		return (jo->stdin_path = strdup(val)) == NULL ?
		    pol_fail(d, ENOMEM, "out of memory") : 0;
	case OPT_AS:
		if (jo->as != NULL)
			return pol_fail(d, EEXIST, "--as given twice");
		if (pol_check_name(val, d) < 0)
			return -1;
		return (jo->as = strdup(val)) == NULL ?
		    pol_fail(d, ENOMEM, "out of memory") : 0;
	case OPT_PROFILE: case OPT_PROFILE_FILE:
	case OPT_READ: case OPT_WRITE: case OPT_CLEAN_ENV: case OPT_ENV:
	case OPT_CWD: case OPT_TIMEOUT: case OPT_DENY: case OPT_DEGRADED:
	case OPT_HELP: case OPT_PROCS: case OPT_MEM: case OPT_NOFILE:
	case OPT_FSIZE: case OPT_CPU: case OPT_NOSUP: case OPT_NET_ALLOW:
	case OPT_NET_DENY: case OPT_NET_BIND:
		break;
	}
	return 0;
}

/* -p NAME or --profile-file PATH: recorded; the caller loads it. */
static int
set_profile(struct pol *p, bool path, const char *val, struct pol_diag *d)
{
	if (p->profile != NULL)
		return pol_fail(d, EINVAL, p->profile_is_path == path ?
		    "%s given twice" : "-p and --profile-file are mutually "
		    "exclusive", path ? "--profile-file" : "-p/--profile");
	if (*val == '\0')
		return pol_fail(d, EINVAL, "%s needs a value", path ?
		    "--profile-file" : "-p/--profile");
	if ((p->profile = strdup(val)) == NULL)
		return pol_fail(d, ENOMEM, "out of memory");
	p->profile_is_path = path;
	return 0;
}

static int
apply(struct pol *p, struct pol_jobopts *jo, enum opt_id id,
    const char *val, struct pol_diag *d)
{
	switch (id) {
	case OPT_READ:
		return pol_add_fs(p, false, val, d);
	case OPT_WRITE:
		return pol_add_fs(p, true, val, d);
	case OPT_CLEAN_ENV:
		p->clean_env = true;
		return set_flag(&p->set, POL_SET_CLEAN_ENV, "--clean-env", d);
	case OPT_ENV:
		return pol_add_env(p, val, d);
	case OPT_CWD:
		return pol_set_cwd(p, val, d);
	case OPT_TIMEOUT:
		return pol_set_timeout(p, val, d);
	case OPT_DENY:
		return pol_add_deny(p, val, d);
	case OPT_DEGRADED:
		p->allow_degraded = true;
		return set_flag(&p->set, POL_SET_DEGRADED, "--allow-degraded",
		    d);
	case OPT_PROFILE: case OPT_PROFILE_FILE:
		return set_profile(p, id == OPT_PROFILE_FILE, val, d);
	case OPT_AS: case OPT_PIPEFAIL: case OPT_STDIN:
		return apply_job(jo, id, val, d);
	case OPT_PROCS: case OPT_MEM: case OPT_NOFILE: case OPT_FSIZE:
	case OPT_CPU:
		return apply_limit(p, id, val, d);
	case OPT_NOSUP:
		p->no_supervisor = true;
		return set_flag(&p->set, POL_SET_NOSUP, "--no-supervisor", d);
	case OPT_NET_ALLOW:
		return pol_add_net(p, POL_NET_ALLOW, NULL, val, d);
	case OPT_NET_DENY:
		return pol_add_net(p, POL_NET_DENY, NULL, val, d);
	case OPT_NET_BIND:
		return pol_add_net(p, POL_NET_BIND, NULL, val, d);
	case OPT_HELP:
		break;
	}
	return 0;
}

/* Finds the option arg names; *val is set for "--name=value" / "-xvalue". */
static const struct opt *
lookup(const char *arg, const char **val)
{
	size_t i, n;

	*val = NULL;
	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		const struct opt *o = &opts[i];

		if (arg[1] == '-') {
			n = strlen(o->longname);
			if (strncmp(arg + 2, o->longname, n) != 0)
				continue;
			if (arg[2 + n] == '\0')
				return o;
			if (arg[2 + n] == '=' && o->arg) {
				*val = arg + 3 + n;
				return o;
			}
		} else if (o->shortname != 0 && arg[1] == o->shortname) {
			if (arg[2] == '\0')
				return o;
			if (o->arg) {
				*val = arg + 2;
				return o;
			}
		}
	}
	return NULL;
}

static const char *const ctx_where[] = {
	[POL_CTX_RUN] = "with run",
	[POL_CTX_JOB] = "before the first '::'",
	[POL_CTX_STAGE] = "in a stage",
	[POL_CTX_SOURCE] = "in a stage",
};

int
pol_parse_flags(struct pol *p, struct pol_jobopts *jo, enum pol_ctx ctx,
    int argc, char *const argv[], int *stop, struct pol_diag *d)
{
	const char *end = ctx == POL_CTX_JOB ? "::" : "--";
	const struct opt *o;
	const char *val;
	int i;

	*stop = -1;
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, end) == 0) {
			*stop = i;
			return 0;
		}
		if (a[0] != '-' || a[1] == '\0' || strcmp(a, "--") == 0)
			return pol_fail(d, EINVAL, "expected '%s' before '%s'",
			    end, a);
		if ((o = lookup(a, &val)) == NULL)
			return pol_fail(d, EINVAL, "unknown option '%s'", a);
		if (!(o->where & (1U << ctx)))
			return pol_fail(d, EINVAL, "option '%s' is not allowed "
			    "%s", a, ctx_where[ctx]);
		if (o->id == OPT_HELP) {
			*stop = -2;
			return 0;
		}
		if (o->arg && val == NULL) {
			if (i + 1 >= argc)
				return pol_fail(d, EINVAL, "option '%s' needs "
				    "a value", a);
			val = argv[++i];
		}
		/* "": options without a value never read it */
		if (apply(p, jo, o->id, val != NULL ? val : "", d) < 0)
			return -1;
	}
	return pol_fail(d, EINVAL, "expected '%s'%s", end,
	    ctx == POL_CTX_JOB ? " before the first stage" :
	    " before the command");
}

int
pol_parse_run(struct pol *p, int argc, char *const argv[], int *cmd,
    struct pol_diag *d)
{
	int stop;

	*cmd = -1;
	if (pol_parse_flags(p, NULL, POL_CTX_RUN, argc, argv, &stop, d) < 0) {
		if (d != NULL && errno == EINVAL && strcmp(d->msg,
		    "expected '--' before the command") == 0)
			(void)pol_fail(d, EINVAL, "no command: put it after "
			    "'--'");
		return -1;
	}
	if (stop == -2)
		return 0;	/* --help: *cmd stays -1 */
	if (stop + 1 >= argc || argv[stop + 1][0] == '\0')
		return pol_fail(d, EINVAL, "no command after '--'");
	*cmd = stop + 1;
	return 0;
}
