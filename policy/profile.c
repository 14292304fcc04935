/*
 * profile.c: a profile's sections applied to struct pol through the same
 * checked adders as the flags, and the merge of flags over a profile.
 * Pure.  Sections and keys are in sandlock-policy(5); keys of the original
 * schema that this version cannot enforce are refused by name.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"
#include "profile.h"

enum pkey {
	K_EXEC, K_ARGS, K_ENV, K_CWD, K_CLEAN_ENV, K_READ, K_WRITE, K_TIMEOUT,
	K_DENY, K_DEGRADED, K_MEM, K_PROCS, K_NOFILE, K_FSIZE, K_CPU, K_NOSUP,
	K_NET_ALLOW, K_NET_DENY, K_NET_BIND, K_UNSUPPORTED
};

struct keydef {
	const char *section, *key;
	enum pkey id;
};

static const struct keydef keys[] = {
	{ "program", "exec", K_EXEC },
	{ "program", "args", K_ARGS },
	{ "program", "env", K_ENV },
	{ "program", "cwd", K_CWD },
	{ "program", "clean_env", K_CLEAN_ENV },
	{ "program", "uid", K_UNSUPPORTED },
	{ "program", "no_coredump", K_UNSUPPORTED },
	{ "program", "no_huge_pages", K_UNSUPPORTED },
	{ "filesystem", "read", K_READ },
	{ "filesystem", "write", K_WRITE },
	{ "filesystem", "deny", K_UNSUPPORTED },
	{ "filesystem", "isolation", K_UNSUPPORTED },
	{ "filesystem", "chroot", K_UNSUPPORTED },
	{ "filesystem", "mount", K_UNSUPPORTED },
	{ "filesystem", "on_exit", K_UNSUPPORTED },
	{ "filesystem", "on_error", K_UNSUPPORTED },
	{ "limits", "timeout", K_TIMEOUT },
	{ "limits", "memory", K_MEM },
	{ "limits", "processes", K_PROCS },
	{ "limits", "open_files", K_NOFILE },
	{ "limits", "file_size", K_FSIZE },
	{ "limits", "cpu_time", K_CPU },
	{ "limits", "cpu", K_UNSUPPORTED },
	{ "limits", "disk", K_UNSUPPORTED },
	{ "limits", "gpu_devices", K_UNSUPPORTED },
	{ "limits", "cpu_cores", K_UNSUPPORTED },
	{ "limits", "num_cpus", K_UNSUPPORTED },
	{ "syscalls", "extra_deny", K_DENY },
	{ "syscalls", "extra_allow", K_UNSUPPORTED },
	{ "kernel", "allow_degraded", K_DEGRADED },
	{ "kernel", "no_supervisor", K_NOSUP },
	{ "network", "allow", K_NET_ALLOW },
	{ "network", "deny", K_NET_DENY },
	{ "network", "bind", K_NET_BIND },
};

/* Sections of the original schema that this version does not enforce. */
static const char *const unsupported_sections[] = {
	"http", "config", "determinism", NULL
};

struct pm {
	const char *pre;
	bool stage;
	struct pol *p;
	struct pol_strv *prog;
	struct pol_diag *d;
	char name[128];		/* section.key of the value at hand */
	const struct toml_val *nosup;	/* kernel.no_supervisor, if given */
	const struct toml_val *netdeny;	/* network.deny, if given */
};

static int
perr(struct pol_diag *d, unsigned line, unsigned col, int err,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
	d->line = line;
	d->col = col;
	errno = err;
	return -1;
}

/* Rewrites a flag adder's message for a file: "KEY: what", no flag names. */
static int
adder_failed(struct pm *m, const struct toml_val *v)
{
	char msg[sizeof(m->d->msg)], *s = msg, *c;
	int err = errno;

	memcpy(msg, m->d->msg, sizeof(msg));
	if (strncmp(s, "--", 2) == 0 && (c = strstr(s, ": ")) != NULL)
		s = c + 2;
	if ((c = strstr(s, " (given to")) != NULL ||
	    (c = strstr(s, " (to -r")) != NULL)
		*c = '\0';
	return perr(m->d, v->line, v->col, err, "%s: %s", m->name, s);
}

static int
expected(struct pm *m, const struct toml_val *v, const char *what)
{
	return perr(m->d, v->line, v->col, EINVAL, "expected %s for %s", what,
	    m->name);
}

static int
strarr(struct pm *m, const struct toml_val *v)
{
	size_t i;

	if (v->type != TOML_ARRAY)
		return expected(m, v, "a string array");
	for (i = 0; i < v->n; i++)
		if (v->items[i]->type != TOML_STRING)
			return expected(m, v->items[i], "a string array");
	return 0;
}

static int
set_env(struct pm *m, const struct toml_val *v)
{
	char *kv;
	size_t i;
	int r;

	if (v->type != TOML_TABLE)
		return expected(m, v, "a table of strings");
	for (i = 0; i < v->n; i++) {
		const struct toml_kv *e = &v->kv[i];

		if (e->val->type != TOML_STRING)
			return expected(m, e->val, "a table of strings");
		if (e->key[0] == '\0' || strchr(e->key, '=') != NULL)
			return perr(m->d, e->line, e->col, EINVAL, "%s: '%s' is "
			    "not a valid variable name", m->name, e->key);
		if (asprintf(&kv, "%s=%s", e->key, e->val->s) < 0)
			return perr(m->d, e->line, e->col, ENOMEM,
			    "out of memory");
		r = pol_add_env(m->p, kv, m->d);
		free(kv);
		if (r < 0) {
			(void)adder_failed(m, e->val);
			m->d->line = e->line;
			m->d->col = e->col;
			return -1;
		}
	}
	return 0;
}

static int
set_timeout(struct pm *m, const struct toml_val *v)
{
	char s[32];

	if (m->stage)
		return perr(m->d, v->line, v->col, EINVAL, "%s: a stage has no "
		    "timeout of its own: use timeout in [job]", m->name);
	if (v->type == TOML_INT && v->i > 0)
		(void)snprintf(s, sizeof(s), "%lld", (long long)v->i);
	else if (v->type == TOML_STRING && strlen(v->s) < sizeof(s))
		(void)snprintf(s, sizeof(s), "%s", v->s);
	else if (v->type == TOML_INT || v->type == TOML_STRING)
		(void)snprintf(s, sizeof(s), "-");
	else
		return expected(m, v, "an integer or a string of seconds");
	if (pol_set_timeout(m->p, s, m->d) < 0)
		return perr(m->d, v->line, v->col, EINVAL, "%s needs seconds "
		    "> 0, at most a year, with at most 3 decimals", m->name);
	return 0;
}

static int
set_bool(struct pm *m, const struct toml_val *v, bool *b, uint32_t bit)
{
	if (v->type != TOML_BOOL)
		return expected(m, v, "a boolean");
	*b = v->b;
	m->p->set |= bit;
	return 0;
}

/*
 * A limit through its flag's checks (pol_set_limit): counts are integers;
 * sizes are a SIZE string as -m takes, or an integer number of bytes.
 */
static int
set_limit(struct pm *m, enum pkey id, const struct toml_val *v)
{
	bool size = id == K_MEM || id == K_FSIZE;
	const char *val = v->type == TOML_STRING ? v->s : NULL;
	uint32_t bit;
	char s[32];

	bit = id == K_MEM ? POL_SET_MEM : id == K_PROCS ? POL_SET_PROCS :
	    id == K_NOFILE ? POL_SET_NOFILE : id == K_FSIZE ? POL_SET_FSIZE :
	    POL_SET_CPU;
	if (v->type == TOML_INT) {
		(void)snprintf(s, sizeof(s), "%lld", (long long)v->i);
		val = s;
	} else if (v->type != TOML_STRING || !size)
		return expected(m, v, size ? "a string such as \"512M\" or an "
		    "integer number of bytes" : "an integer");
	if (pol_set_limit(m->p, bit, m->name, val, m->d) < 0) {
		m->d->line = v->line;
		m->d->col = v->col;
		return -1;
	}
	return 0;
}

static int
set_list(struct pm *m, enum pkey id, const struct toml_val *v)
{
	size_t i;
	int r;

	if (strarr(m, v) < 0)
		return -1;
	for (i = 0; i < v->n; i++) {
		const char *s = v->items[i]->s;

		if (id == K_DENY)
			r = pol_add_deny(m->p, s, m->d);
		else if (id == K_ARGS)
			r = pol_strv_add(m->prog, s) < 0 ? pol_fail(m->d,
			    ENOMEM, "out of memory") : 0;
		else
			r = pol_add_fs(m->p, id == K_WRITE, s, m->d);
		if (r < 0 && errno == EEXIST && id == K_DENY)
			return perr(m->d, v->items[i]->line, v->items[i]->col,
			    EEXIST, "%s: '%s' listed twice", m->name, s);
		if (r < 0)
			return adder_failed(m, v->items[i]);
	}
	return 0;
}

/*
 * network.allow, .deny, .bind: string arrays of the flags' specs; bind
 * also takes integer ports.  The messages name the key.
 */
static int
set_net(struct pm *m, enum pkey id, const struct toml_val *v)
{
	enum pol_net_kind k = id == K_NET_ALLOW ? POL_NET_ALLOW :
	    id == K_NET_DENY ? POL_NET_DENY : POL_NET_BIND;
	const struct toml_val *e;
	char num[32];
	size_t i;

	if (v->type != TOML_ARRAY)
		return expected(m, v, k == POL_NET_BIND ? "an array of strings "
		    "or integers" : "a string array");
	for (i = 0; i < v->n; i++) {
		const char *s;

		e = v->items[i];
		if (k == POL_NET_BIND && e->type == TOML_INT) {
			if (e->i < 0 || e->i > 65535)
				return perr(m->d, e->line, e->col, EINVAL, "%s: "
				    "port %lld out of range 0 to 65535",
				    m->name, (long long)e->i);
			(void)snprintf(num, sizeof(num), "%lld",
			    (long long)e->i);
			s = num;
		} else if (e->type == TOML_STRING)
			s = e->s;
		else
			return expected(m, e, k == POL_NET_BIND ? "an array of "
			    "strings or integers" : "a string array");
		if (pol_add_net(m->p, k, m->name, s, m->d) == 0)
			continue;
		if (errno == EEXIST)
			return perr(m->d, e->line, e->col, EEXIST, "%s: '%s' "
			    "listed twice", m->name, s);
		m->d->line = e->line;
		m->d->col = e->col;
		return -1;
	}
	if (k == POL_NET_DENY)
		m->netdeny = v;
	return 0;
}

static int
apply_key(struct pm *m, enum pkey id, const struct toml_val *v)
{
	switch (id) {
	case K_EXEC:
		if (v->type != TOML_STRING || v->s[0] == '\0')
			return expected(m, v, "a non-empty string");
		return pol_strv_add(m->prog, v->s) < 0 ? perr(m->d, v->line,
		    v->col, ENOMEM, "out of memory") : 0;
	case K_ARGS: case K_READ: case K_WRITE: case K_DENY:
		return set_list(m, id, v);
	case K_ENV:
		return set_env(m, v);
	case K_CWD:
		if (v->type != TOML_STRING)
			return expected(m, v, "a string");
		return pol_set_cwd(m->p, v->s, m->d) < 0 ?
		    adder_failed(m, v) : 0;
	case K_CLEAN_ENV:
		return set_bool(m, v, &m->p->clean_env, POL_SET_CLEAN_ENV);
	case K_DEGRADED:
		return set_bool(m, v, &m->p->allow_degraded, POL_SET_DEGRADED);
	case K_TIMEOUT:
		return set_timeout(m, v);
	case K_MEM: case K_PROCS: case K_NOFILE: case K_FSIZE: case K_CPU:
		return set_limit(m, id, v);
	case K_NOSUP:
		m->nosup = v;
		return set_bool(m, v, &m->p->no_supervisor, POL_SET_NOSUP);
	case K_NET_ALLOW: case K_NET_DENY: case K_NET_BIND:
		return set_net(m, id, v);
	case K_UNSUPPORTED:
		break;
	}
	return perr(m->d, v->line, v->col, EINVAL, "%s is not supported by "
	    "this version of sandlock", m->name);
}

static int
section(struct pm *m, const struct toml_kv *s)
{
	const struct toml_val *t = s->val;
	const struct toml_val *exec = NULL, *args = NULL;
	size_t i, k;

	if (t->type != TOML_TABLE)
		return perr(m->d, t->line, t->col, EINVAL, "expected a table "
		    "for [%s%s]", m->pre, s->key);
	for (i = 0; i < t->n; i++) {
		const struct toml_kv *e = &t->kv[i];

		(void)snprintf(m->name, sizeof(m->name), "%s%s.%s", m->pre,
		    s->key, e->key);
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if (strcmp(keys[k].section, s->key) == 0 &&
			    strcmp(keys[k].key, e->key) == 0)
				break;
		if (k == sizeof(keys) / sizeof(keys[0]))
			return perr(m->d, e->line, e->col, EINVAL, "unknown key "
			    "'%s' in [%s%s]", e->key, m->pre, s->key);
		if (keys[k].id == K_UNSUPPORTED)
			return perr(m->d, e->line, e->col, EINVAL, "%s is not "
			    "supported by this version of sandlock", m->name);
		if (keys[k].id == K_EXEC)
			exec = e->val;
		else if (keys[k].id == K_ARGS)
			args = e->val;
		else if (apply_key(m, keys[k].id, e->val) < 0)
			return -1;
	}
	/* exec first, whatever the order in the file. */
	(void)snprintf(m->name, sizeof(m->name), "%sprogram.exec", m->pre);
	if (exec != NULL && apply_key(m, K_EXEC, exec) < 0)
		return -1;
	(void)snprintf(m->name, sizeof(m->name), "%sprogram.args", m->pre);
	if (args != NULL && exec == NULL)
		return perr(m->d, args->line, args->col, EINVAL, "%s needs "
		    "%sprogram.exec", m->name, m->pre);
	return args != NULL ? apply_key(m, K_ARGS, args) : 0;
}

static bool
known_section(const char *name)
{
	size_t k;

	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		if (strcmp(keys[k].section, name) == 0)
			return true;
	return false;
}

/*
 * pol_check() for the table alone: network.allow with network.deny, and
 * no_supervisor with a limit or a network rule that needs the supervisor,
 * are wrong whatever goes over them (flags only add to them).
 */
static int
check_nosup(struct pm *m)
{
	const char *spec;
	struct pol_diag cd;
	char what[sizeof(cd.msg)];
	bool deny;

	if (m->p->net_allow.n > 0 && m->p->net_deny.n > 0 && m->netdeny != NULL)
		return perr(m->d, m->netdeny->line, m->netdeny->col, EINVAL,
		    "%snetwork.deny and %snetwork.allow are mutually "
		    "exclusive", m->pre, m->pre);
	if (m->nosup == NULL || pol_check(m->p, &cd) == 0)
		return 0;
	if (m->p->max_procs != 0 || m->p->max_mem != 0)
		(void)snprintf(what, sizeof(what), "%slimits.%s", m->pre,
		    m->p->max_procs != 0 ? "processes" : "memory");
	else if ((spec = pol_net_supervised_spec(m->p, &deny)) != NULL)
		(void)snprintf(what, sizeof(what), "%snetwork.%s '%s'", m->pre,
		    deny ? "deny" : "allow", spec);
	else
		(void)snprintf(what, sizeof(what), "%s", cd.msg);
	return perr(m->d, m->nosup->line, m->nosup->col, EINVAL, "%skernel."
	    "no_supervisor cannot enforce %s", m->pre, what);
}

int
pol_profile_table(const struct toml_val *t, const char *pre,
    const char *const *skip, struct pol *p, struct pol_strv *prog,
    struct pol_diag *d)
{
	struct pm m;
	size_t i, k;

	memset(&m, 0, sizeof(m));
	m.pre = pre;
	m.stage = skip != NULL;
	m.p = p;
	m.prog = prog;
	m.d = d;
	for (i = 0; i < t->n; i++) {
		const struct toml_kv *s = &t->kv[i];

		for (k = 0; skip != NULL && skip[k] != NULL; k++)
			if (strcmp(skip[k], s->key) == 0)
				break;
		if (skip != NULL && skip[k] != NULL)
			continue;
		for (k = 0; unsupported_sections[k] != NULL; k++)
			if (strcmp(unsupported_sections[k], s->key) == 0)
				return perr(d, s->line, s->col, EINVAL, "[%s%s] "
				    "is not supported by this version of "
				    "sandlock", pre, s->key);
		if (known_section(s->key)) {
			if (section(&m, s) < 0)
				return -1;
		} else if (s->val->type != TOML_TABLE)
			return perr(d, s->line, s->col, EINVAL, "%s key '%s%s' "
			    "is not allowed: keys belong in a section such as "
			    "[%sfilesystem]", skip ? "stage" : "top-level",
			    pre, s->key, pre);
		else
			return perr(d, s->line, s->col, EINVAL, "unknown section "
			    "[%s%s]", pre, s->key);
	}
	return check_nosup(&m);
}

int
pol_parse_profile(const char *buf, size_t len, const char *file,
    struct pol *p, struct pol_strv *prog, struct pol_diag *d)
{
	struct toml_val *root;
	int r;

	(void)snprintf(d->file, sizeof(d->file), "%s", file);
	if ((root = toml_parse(buf, len, d)) == NULL)
		return -1;
	r = pol_profile_table(root, "", NULL, p, prog, d);
	toml_free(root);
	return r;
}

int
pol_check_profile_name(const char *name, struct pol_diag *d)
{
	size_t n = strlen(name);

	if (n == 0 || n > 64 || name[0] == '.')
		return pol_fail(d, EINVAL, "profile name '%s' must have 1 to 64 "
		    "characters and not start with '.'", name);
	if (!pol_name_chars_ok(name))
		return pol_fail(d, EINVAL, "profile name '%s': only "
		    "letters, digits, '_', '.' and '-' are allowed", name);
	return 0;
}

static int
merge_fs(struct pol *base, const struct pol_strv *sv, bool write,
    struct pol_diag *d)
{
	size_t i;

	for (i = 0; i < sv->n; i++) {
		if (pol_strv_has(write ? &base->fs_write : &base->fs_read, sv->v[i]))
			continue;
		if (pol_strv_has(write ? &base->fs_read : &base->fs_write, sv->v[i]))
			return pol_fail(d, EEXIST, "%s: given %s, but the "
			    "profile lists it in filesystem.%s", sv->v[i],
			    write ? "writable (-w)" : "read-only (-r)",
			    write ? "read" : "write");
		if (pol_add_fs(base, write, sv->v[i], d) < 0)
			return -1;
	}
	return 0;
}

/* Network specs: appended unless base has them already. */
static int
merge_net(struct pol *base, const struct pol_strv *sv, enum pol_net_kind k,
    struct pol_diag *d)
{
	const struct pol_strv *have = k == POL_NET_ALLOW ? &base->net_allow :
	    k == POL_NET_DENY ? &base->net_deny : &base->net_bind;
	size_t i;

	for (i = 0; i < sv->n; i++)
		if (!pol_strv_has(have, sv->v[i]) &&
		    pol_add_net(base, k, NULL, sv->v[i], d) < 0)
			return -1;
	return 0;
}

static int
merge_env(struct pol *base, const char *kv)
{
	size_t i, klen = strcspn(kv, "=");
	char *c;

	for (i = 0; i < base->env.n; i++)
		if (strncmp(base->env.v[i], kv, klen + 1) == 0) {
			if ((c = strdup(kv)) == NULL)
				return -1;
			free(base->env.v[i]);
			base->env.v[i] = c;
			return 0;
		}
	return pol_strv_add(&base->env, kv);
}

/* Limits and --no-supervisor: over's replace base's, as -t does. */
static void
merge_limits(struct pol *base, const struct pol *over)
{
	if ((over->set & POL_SET_PROCS) || over->max_procs != 0)
		base->max_procs = over->max_procs;
	if ((over->set & POL_SET_MEM) || over->max_mem != 0)
		base->max_mem = over->max_mem;
	if ((over->set & POL_SET_NOFILE) || over->max_nofile != 0)
		base->max_nofile = over->max_nofile;
	if ((over->set & POL_SET_FSIZE) || over->max_fsize != 0)
		base->max_fsize = over->max_fsize;
	if ((over->set & POL_SET_CPU) || over->cpu_secs != 0)
		base->cpu_secs = over->cpu_secs;
	if ((over->set & POL_SET_NOSUP) || over->no_supervisor)
		base->no_supervisor = over->no_supervisor;
}

int
pol_merge(struct pol *base, const struct pol *over, struct pol_diag *d)
{
	const uint32_t known = POL_SET_CWD | POL_SET_TIMEOUT |
	    POL_SET_CLEAN_ENV | POL_SET_DEGRADED | POL_SET_PROCS | POL_SET_MEM |
	    POL_SET_NOFILE | POL_SET_FSIZE | POL_SET_CPU | POL_SET_NOSUP;
	size_t i, k;
	char *c;

	/* A setting this merge does not know would be dropped: refuse it. */
	if (over->set & ~known)
		return pol_fail(d, EINVAL, "a flag given here cannot be combined "
		    "with a profile in this version (setting 0x%x)",
		    (unsigned)(over->set & ~known));
	if (merge_fs(base, &over->fs_read, false, d) < 0 ||
	    merge_fs(base, &over->fs_write, true, d) < 0 ||
	    merge_net(base, &over->net_allow, POL_NET_ALLOW, d) < 0 ||
	    merge_net(base, &over->net_deny, POL_NET_DENY, d) < 0 ||
	    merge_net(base, &over->net_bind, POL_NET_BIND, d) < 0)
		return -1;
	for (i = 0; i < over->env.n; i++)
		if (merge_env(base, over->env.v[i]) < 0)
			return pol_fail(d, ENOMEM, "out of memory");
	for (i = 0; i < over->ndeny; i++) {
		for (k = 0; k < base->ndeny && base->deny[k] != over->deny[i];
		    k++)
			;
		if (k < base->ndeny)
			continue;
		if (base->ndeny >= SL_MAX_DENY)
			return pol_fail(d, E2BIG, "more than %d denied "
			    "syscalls", SL_MAX_DENY);
		base->deny[base->ndeny++] = over->deny[i];
	}
	if ((over->set & POL_SET_CWD) || over->cwd != NULL) {
		if ((c = strdup(over->cwd)) == NULL)
			return pol_fail(d, ENOMEM, "out of memory");
		free(base->cwd);
		base->cwd = c;
	}
	if ((over->set & POL_SET_TIMEOUT) || over->timeout_ms != 0)
		base->timeout_ms = over->timeout_ms;
	if ((over->set & POL_SET_CLEAN_ENV) || over->clean_env)
		base->clean_env = over->clean_env;
	if ((over->set & POL_SET_DEGRADED) || over->allow_degraded)
		base->allow_degraded = over->allow_degraded;
	merge_limits(base, over);
	base->set |= over->set & known;
	return 0;
}
