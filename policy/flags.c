/*
 * flags.c: the flags of `sandlock run`, parsed into struct pol.  Pure.
 * Forms: -r PATH, -rPATH, --fs-read PATH, --fs-read=PATH.  The command must
 * follow "--"; an unknown flag, a missing value, a repeated scalar flag or
 * a conflicting list entry is an error with one line of diagnostic.
 */
#include <errno.h>
#include <string.h>

#include "policy.h"

enum opt_id {
	OPT_READ, OPT_WRITE, OPT_CLEAN_ENV, OPT_ENV, OPT_CWD, OPT_TIMEOUT,
	OPT_DENY, OPT_DEGRADED, OPT_HELP
};

struct opt {
	char shortname;
	const char *longname;
	bool arg;
	enum opt_id id;
};

static const struct opt opts[] = {
	{ 'r', "fs-read", true, OPT_READ },
	{ 'w', "fs-write", true, OPT_WRITE },
	{ 0, "clean-env", false, OPT_CLEAN_ENV },
	{ 0, "env", true, OPT_ENV },
	{ 0, "cwd", true, OPT_CWD },
	{ 't', "timeout", true, OPT_TIMEOUT },
	{ 0, "extra-deny-syscall", true, OPT_DENY },
	{ 0, "allow-degraded", false, OPT_DEGRADED },
	{ 'h', "help", false, OPT_HELP },
};

static int
set_flag(struct pol *p, uint32_t bit, const char *name, struct pol_diag *d)
{
	if (p->set & bit)
		return pol_fail(d, EEXIST, "%s given twice", name);
	p->set |= bit;
	return 0;
}

static int
apply(struct pol *p, enum opt_id id, const char *val, struct pol_diag *d)
{
	switch (id) {
	case OPT_READ:
		return pol_add_fs(p, false, val, d);
	case OPT_WRITE:
		return pol_add_fs(p, true, val, d);
	case OPT_CLEAN_ENV:
		p->clean_env = true;
		return set_flag(p, POL_SET_CLEAN_ENV, "--clean-env", d);
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
		return set_flag(p, POL_SET_DEGRADED, "--allow-degraded", d);
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

int
pol_parse_run(struct pol *p, int argc, char *const argv[], int *cmd,
    struct pol_diag *d)
{
	const struct opt *o;
	const char *val;
	int i;

	*cmd = -1;
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			if (i + 1 >= argc || argv[i + 1][0] == '\0')
				return pol_fail(d, EINVAL, "no command after "
				    "'--'");
			*cmd = i + 1;
			return 0;
		}
		if (a[0] != '-' || a[1] == '\0')
			return pol_fail(d, EINVAL, "expected '--' before the "
			    "command '%s'", a);
		if ((o = lookup(a, &val)) == NULL)
			return pol_fail(d, EINVAL, "unknown option '%s'", a);
		if (o->id == OPT_HELP)
			return 0;	/* *cmd stays -1: the caller helps */
		if (o->arg && val == NULL) {
			if (i + 1 >= argc)
				return pol_fail(d, EINVAL, "option '%s' needs "
				    "a value", a);
			val = argv[++i];
		}
		if (apply(p, o->id, val, d) < 0)
			return -1;
	}
	return pol_fail(d, EINVAL, "no command: put it after '--'");
}
