/* api.c: the policy half of libsandlock's public API. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "compat/landlock.h"
#include "internal.h"
#include "net.h"
#include "paths.h"

int
sl_err(struct sandlock_error *e, int err, const char *fmt, ...)
{
	va_list ap;

	if (e != NULL) {
		va_start(ap, fmt);
		(void)vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
	}
	errno = err;
	return -1;
}

static int
from_diag(struct sandlock_error *e, const struct pol_diag *d)
{
	return sl_err(e, errno, "%s", d->msg);
}

struct sandlock_policy *
sandlock_policy_new(void)
{
	struct sandlock_policy *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	pol_init(&p->pol);
	return p;
}

void
sandlock_policy_free(struct sandlock_policy *p)
{
	if (p == NULL)
		return;
	pol_strv_free(&p->prog);
	pol_free(&p->pol);
	free(p);
}

int
sandlock_policy_fs_read(struct sandlock_policy *p, const char *path,
    struct sandlock_error *e)
{
	struct pol_diag d;

	return pol_add_fs(&p->pol, false, path, &d) < 0 ? from_diag(e, &d) : 0;
}

int
sandlock_policy_fs_write(struct sandlock_policy *p, const char *path,
    struct sandlock_error *e)
{
	struct pol_diag d;

	return pol_add_fs(&p->pol, true, path, &d) < 0 ? from_diag(e, &d) : 0;
}

int
sandlock_policy_net_allow(struct sandlock_policy *p, const char *spec,
    struct sandlock_error *e)
{
	struct pol_diag d;

	return pol_add_net(&p->pol, POL_NET_ALLOW, NULL, spec, &d) < 0 ?
	    from_diag(e, &d) : 0;
}

int
sandlock_policy_net_deny(struct sandlock_policy *p, const char *spec,
    struct sandlock_error *e)
{
	struct pol_diag d;

	return pol_add_net(&p->pol, POL_NET_DENY, NULL, spec, &d) < 0 ?
	    from_diag(e, &d) : 0;
}

int
sandlock_policy_net_bind(struct sandlock_policy *p, const char *ports,
    struct sandlock_error *e)
{
	struct pol_diag d;

	return pol_add_net(&p->pol, POL_NET_BIND, NULL, ports, &d) < 0 ?
	    from_diag(e, &d) : 0;
}

int
sandlock_policy_env(struct sandlock_policy *p, const char *kv,
    struct sandlock_error *e)
{
	struct pol_diag d;

	return pol_add_env(&p->pol, kv, &d) < 0 ? from_diag(e, &d) : 0;
}

void
sandlock_policy_clean_env(struct sandlock_policy *p, bool on)
{
	p->pol.clean_env = on;
}

int
sandlock_policy_cwd(struct sandlock_policy *p, const char *dir,
    struct sandlock_error *e)
{
	struct pol_diag d;

	return pol_set_cwd(&p->pol, dir, &d) < 0 ? from_diag(e, &d) : 0;
}

void
sandlock_policy_timeout_ms(struct sandlock_policy *p, uint64_t ms)
{
	p->pol.timeout_ms = ms;
}

int
sandlock_policy_deny_syscall(struct sandlock_policy *p, const char *name,
    struct sandlock_error *e)
{
	struct pol_diag d;

	return pol_add_deny(&p->pol, name, &d) < 0 ? from_diag(e, &d) : 0;
}

void
sandlock_policy_allow_degraded(struct sandlock_policy *p, bool on)
{
	p->pol.allow_degraded = on;
}

/* sandlock_policy_parse_args() is in profile.c: flags may name a profile. */

void
sandlock_run_opts_init(struct sandlock_run_opts *o)
{
	o->stdio[0] = o->stdio[1] = o->stdio[2] = -1;
	o->cancel_fd = -1;
	o->confine_self = false;
	o->name = NULL;
	o->audit_fd = -1;
}

int
sandlock_exit_status(const struct sandlock_result *r)
{
	switch (r->outcome) {
	case SANDLOCK_EXITED:
		return r->status & 0xff;
	case SANDLOCK_SIGNALED:
	case SANDLOCK_MEMORY:
		return 128 + r->status;
	case SANDLOCK_TIMEOUT:
		return 124;
	case SANDLOCK_NOT_RUN:
		return r->status;
	}
	return 125;
}

int
sandlock_landlock_abi(void)
{
	return sl_ll_abi();
}

const char *
sandlock_version(void)
{
	return SL_VERSION;
}
