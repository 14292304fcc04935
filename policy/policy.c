/* policy.c: struct pol and its checked adders; pure. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat/syscalls.h"
#include "net.h"
#include "policy.h"
#include "syscalls.h"

void
pol_init(struct pol *p)
{
	memset(p, 0, sizeof(*p));
}

void
pol_strv_free(struct pol_strv *sv)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = 0;
}

void
pol_free(struct pol *p)
{
	pol_strv_free(&p->fs_read);
	pol_strv_free(&p->fs_write);
	pol_strv_free(&p->env);
	pol_strv_free(&p->net_allow);
	pol_strv_free(&p->net_deny);
	pol_strv_free(&p->net_bind);
	free(p->profile);
	free(p->cwd);
	pol_init(p);
}

int
pol_strv_add(struct pol_strv *sv, const char *s)
{
	char **v;
	char *c;

	if ((c = strdup(s)) == NULL)
		return -1;
	if ((v = reallocarray(sv->v, sv->n + 2, sizeof(*v))) == NULL) {
		free(c);
		return -1;
	}
	v[sv->n++] = c;
	v[sv->n] = NULL;
	sv->v = v;
	return 0;
}

int
pol_fail(struct pol_diag *d, int err, const char *fmt, ...)
{
	va_list ap;

	if (d != NULL) {
		va_start(ap, fmt);
		(void)vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
		va_end(ap);
	}
	errno = err;
	return -1;
}

bool
pol_strv_has(const struct pol_strv *sv, const char *s)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return true;
	return false;
}

int
pol_add_fs(struct pol *p, bool write, const char *path, struct pol_diag *d)
{
	const char *flag = write ? "-w" : "-r";

	if (*path != '/')
		return pol_fail(d, EINVAL, "%s: path must be absolute "
		    "(given to %s)", path, flag);
	if (strlen(path) >= 4096)
		return pol_fail(d, ENAMETOOLONG, "path too long (given to %s)",
		    flag);
	if (pol_strv_has(&p->fs_read, path) || pol_strv_has(&p->fs_write, path))
		return pol_fail(d, EEXIST, "%s: path given twice (to -r or -w)",
		    path);
	if (pol_strv_add(write ? &p->fs_write : &p->fs_read, path) < 0)
		return pol_fail(d, ENOMEM, "out of memory");
	return 0;
}

int
pol_add_env(struct pol *p, const char *kv, struct pol_diag *d)
{
	const char *eq = strchr(kv, '=');
	size_t i, klen;

	if (eq == NULL || eq == kv)
		return pol_fail(d, EINVAL, "--env needs KEY=VALUE, got '%s'",
		    kv);
	klen = (size_t)(eq - kv);
	for (i = 0; i < klen; i++)
		if (!(kv[i] == '_' || (kv[i] >= 'A' && kv[i] <= 'Z') ||
		    (kv[i] >= 'a' && kv[i] <= 'z') ||
		    (i > 0 && kv[i] >= '0' && kv[i] <= '9')))
			return pol_fail(d, EINVAL, "--env: '%.*s' is not a valid "
			    "variable name", (int)klen, kv);
	for (i = 0; i < p->env.n; i++)
		if (strncmp(p->env.v[i], kv, klen + 1) == 0)
			return pol_fail(d, EEXIST, "--env: %.*s set twice",
			    (int)klen, kv);
	if (pol_strv_add(&p->env, kv) < 0)
		return pol_fail(d, ENOMEM, "out of memory");
	return 0;
}

int
pol_add_deny(struct pol *p, const char *name, struct pol_diag *d)
{
	size_t i;
	int nr;

	if ((nr = pol_syscall_nr(name)) < 0)
		return pol_fail(d, EINVAL, "unknown syscall name '%s' (given "
		    "to --extra-deny-syscall)", name);
	for (i = 0; i < p->ndeny; i++)
		if (p->deny[i] == (uint32_t)nr)
			return pol_fail(d, EEXIST, "--extra-deny-syscall %s "
			    "given twice", name);
	if (p->ndeny >= SL_MAX_DENY)
		return pol_fail(d, E2BIG, "more than %d --extra-deny-syscall",
		    SL_MAX_DENY);
	p->deny[p->ndeny++] = (uint32_t)nr;
	return 0;
}

int
pol_set_cwd(struct pol *p, const char *path, struct pol_diag *d)
{
	if (p->set & POL_SET_CWD)
		return pol_fail(d, EEXIST, "--cwd given twice");
	if (*path != '/')
		return pol_fail(d, EINVAL, "%s: path must be absolute (given "
		    "to --cwd)", path);
	if ((p->cwd = strdup(path)) == NULL)
		return pol_fail(d, ENOMEM, "out of memory");
	p->set |= POL_SET_CWD;
	return 0;
}

/* SECS: a decimal number of seconds, > 0, at most 3 fraction digits. */
int
pol_set_timeout(struct pol *p, const char *s, struct pol_diag *d)
{
	uint64_t ms = 0, frac = 0;
	const char *c = s;
	int nfrac = 0;

	if (p->set & POL_SET_TIMEOUT)
		return pol_fail(d, EEXIST, "--timeout given twice");
	if (*c < '0' || *c > '9')
		goto bad;
	for (; *c >= '0' && *c <= '9'; c++) {
		ms = ms * 10 + (uint64_t)(*c - '0');
		if (ms > 31536000)	/* a year */
			goto bad;
	}
	if (*c == '.') {
		for (c++; *c >= '0' && *c <= '9' && nfrac < 3; c++, nfrac++)
			frac = frac * 10 + (uint64_t)(*c - '0');
		if (nfrac == 0)
			goto bad;
	}
	if (*c != '\0')
		goto bad;
	while (nfrac++ < 3)
		frac *= 10;
	ms = ms * 1000 + frac;
	if (ms == 0)
		goto bad;
	p->timeout_ms = ms;
	p->set |= POL_SET_TIMEOUT;
	return 0;
bad:
	return pol_fail(d, EINVAL, "--timeout needs seconds > 0 (at most a "
	    "year, 3 decimals), got '%s'", s);
}

int
pol_parse_size(const char *s, uint64_t *out)
{
	uint64_t v = 0, mul = 1;
	const char *c = s;

	if (*c < '0' || *c > '9')
		goto bad;
	for (; *c >= '0' && *c <= '9'; c++) {
		if (v > (UINT64_C(1) << 62) / 10)
			goto bad;
		v = v * 10 + (uint64_t)(*c - '0');
	}
	switch (*c) {
	case 'k': case 'K': mul = UINT64_C(1) << 10; c++; break;
	case 'm': case 'M': mul = UINT64_C(1) << 20; c++; break;
	case 'g': case 'G': mul = UINT64_C(1) << 30; c++; break;
	case 't': case 'T': mul = UINT64_C(1) << 40; c++; break;
	default: break;
	}
	if (*c != '\0' || v == 0 || v > (UINT64_C(1) << 62) / mul)
		goto bad;
	*out = v * mul;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

bool
pol_needs_supervisor(const struct pol *p)
{
	return p->max_procs != 0 || p->max_mem != 0 ||
	    (p->fs_write.n > 0 && !p->no_supervisor) ||
	    pol_net_needs_supervisor(p);
}

int
pol_check(const struct pol *p, struct pol_diag *d)
{
	const char *spec;
	bool deny;

	if (p->net_allow.n > 0 && p->net_deny.n > 0)
		return pol_fail(d, EINVAL, "--net-allow and --net-deny are "
		    "mutually exclusive");
	if (!p->no_supervisor)
		return 0;
	if (p->max_procs != 0)
		return pol_fail(d, EINVAL, "--no-supervisor cannot enforce "
		    "-P/--max-processes");
	if (p->max_mem != 0)
		return pol_fail(d, EINVAL, "--no-supervisor cannot enforce "
		    "-m/--max-memory");
	if ((spec = pol_net_supervised_spec(p, &deny)) != NULL)
		return pol_fail(d, EINVAL, "--no-supervisor cannot enforce "
		    "%s '%s'%s", deny ? "--net-deny" : "--net-allow", spec,
		    deny ? "" : " (only tcp:// rules without an address "
		    "can go without it)");
	return 0;
}
