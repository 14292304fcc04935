/*
 * canon.c: the canonical form of a compiled policy and its SHA-256.
 * The form is itself a profile (sandlock-policy(5)): fixed section and key
 * order, every section present (the limits and no_supervisor only when
 * set, [network] only when it has a rule, so that the digests of
 * policies without them do not change), read/write paths, env keys,
 * network specs and denied syscalls sorted (their order has no meaning), program arguments in order, strings in basic quotes with
 * \" \\ and \uXXXX for control characters.  Sizes are written with the
 * largest binary unit that divides them ("512M").  Two documents that
 * compile to the same policy render the same bytes, whatever their key
 * order, comments, whitespace or quoting.
 * SHA-256 is sha256.c's.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"
#include "sha256.h"
#include "syscalls.h"

static void
qstr(FILE *f, const char *s)
{
	const unsigned char *p;

	(void)fputc('"', f);
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p == '"' || *p == '\\')
			(void)fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			(void)fprintf(f, "\\u%04X", *p);
		else
			(void)fputc(*p, f);
	(void)fputc('"', f);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Env entries compare by key (keys are unique), then by whole string. */
static int
cmp_env(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	size_t kx = strcspn(x, "="), ky = strcspn(y, "=");
	int r = strncmp(x, y, kx < ky ? kx : ky);

	return r != 0 ? r : kx != ky ? (kx < ky ? -1 : 1) : strcmp(x, y);
}

/* A sorted copy of the pointers of sv (the strings stay sv's). */
static char **
sorted(const struct pol_strv *sv, int (*cmp)(const void *, const void *))
{
	char **v = calloc(sv->n + 1, sizeof(*v));

	if (v == NULL)
		return NULL;
	if (sv->n > 0) {
		memcpy(v, sv->v, sv->n * sizeof(*v));
		qsort(v, sv->n, sizeof(*v), cmp);
	}
	return v;
}

static void
strlist(FILE *f, const char *key, char **v, size_t n)
{
	size_t i;

	(void)fprintf(f, "%s = [", key);
	for (i = 0; i < n; i++) {
		if (i > 0)
			(void)fputs(", ", f);
		qstr(f, v[i]);
	}
	(void)fputs("]\n", f);
}

static void
program(FILE *f, const struct pol *p, const struct pol_strv *prog,
    char **env)
{
	size_t i;

	(void)fputs("[program]\n", f);
	if (prog != NULL && prog->n > 0) {
		(void)fputs("exec = ", f);
		qstr(f, prog->v[0]);
		(void)fputc('\n', f);
		strlist(f, "args", prog->v + 1, prog->n - 1);
	}
	(void)fprintf(f, "clean_env = %s\n", p->clean_env ? "true" : "false");
	if (p->cwd != NULL) {
		(void)fputs("cwd = ", f);
		qstr(f, p->cwd);
		(void)fputc('\n', f);
	}
	(void)fputs("env = {", f);
	for (i = 0; i < p->env.n; i++) {
		size_t k = strcspn(env[i], "=");

		(void)fprintf(f, "%s\"%.*s\" = ", i ? ", " : " ", (int)k, env[i]);
		qstr(f, env[i] + k + 1);
	}
	(void)fputs(p->env.n ? " }\n" : "}\n", f);
}

/* A size as -m takes it: the largest binary unit that divides it. */
static void
size_key(FILE *f, const char *key, uint64_t v)
{
	static const char units[] = "TGMK";
	int i;

	for (i = 0; i < 4; i++)
		if (v % (UINT64_C(1) << (10 * (4 - i))) == 0) {
			(void)fprintf(f, "%s = \"%llu%c\"\n", key,
			    (unsigned long long)(v >> (10 * (4 - i))), units[i]);
			return;
		}
	(void)fprintf(f, "%s = \"%llu\"\n", key, (unsigned long long)v);
}

/* [limits]: timeout, then each limit that is set, in a fixed order. */
static void
limits(FILE *f, const struct pol *p)
{
	(void)fputs("\n[limits]\n", f);
	if (p->timeout_ms % 1000 == 0 && p->timeout_ms > 0)
		(void)fprintf(f, "timeout = %llu\n",
		    (unsigned long long)(p->timeout_ms / 1000));
	else if (p->timeout_ms > 0)
		(void)fprintf(f, "timeout = \"%llu.%03llu\"\n",
		    (unsigned long long)(p->timeout_ms / 1000),
		    (unsigned long long)(p->timeout_ms % 1000));
	if (p->max_mem != 0)
		size_key(f, "memory", p->max_mem);
	if (p->max_procs != 0)
		(void)fprintf(f, "processes = %u\n", (unsigned)p->max_procs);
	if (p->max_nofile != 0)
		(void)fprintf(f, "open_files = %llu\n",
		    (unsigned long long)p->max_nofile);
	if (p->max_fsize != 0)
		size_key(f, "file_size", p->max_fsize);
	if (p->cpu_secs != 0)
		(void)fprintf(f, "cpu_time = %llu\n",
		    (unsigned long long)p->cpu_secs);
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int
denied(FILE *f, const struct pol *p)
{
	const char *names[SL_MAX_DENY];
	size_t i;

	for (i = 0; i < p->ndeny; i++)
		if ((names[i] = pol_syscall_name((int)p->deny[i])) == NULL)
			return -1;
	/* cppcheck-suppress uninitvar ; qsort reads the ndeny set above */
	qsort(names, p->ndeny, sizeof(names[0]), cmp_name);
	(void)fputs("\n[syscalls]\nextra_deny = [", f);
	for (i = 0; i < p->ndeny; i++) {
		(void)fputs(i ? ", " : "", f);
		qstr(f, names[i]);
	}
	(void)fputs("]\n", f);
	return 0;
}

int
pol_canon(const struct pol *p, const struct pol_strv *prog, char **out,
    size_t *len)
{
	char **r = sorted(&p->fs_read, cmp_str);
	char **w = sorted(&p->fs_write, cmp_str);
	char **env = sorted(&p->env, cmp_env);
	char **na = sorted(&p->net_allow, cmp_str);
	char **nd = sorted(&p->net_deny, cmp_str);
	char **nb = sorted(&p->net_bind, cmp_str);
	FILE *f = NULL;
	int rc = -1;

	*out = NULL;
	*len = 0;
	if (r == NULL || w == NULL || env == NULL || na == NULL ||
	    nd == NULL || nb == NULL ||
	    (f = open_memstream(out, len)) == NULL)
		goto done;
	(void)fputs("# sandlock canonical policy 1\n", f);
	program(f, p, prog, env);
	(void)fputs("\n[filesystem]\n", f);
	strlist(f, "read", r, p->fs_read.n);
	strlist(f, "write", w, p->fs_write.n);
	limits(f, p);
	if (p->net_allow.n + p->net_deny.n + p->net_bind.n > 0) {
		(void)fputs("\n[network]\n", f);
		strlist(f, "allow", na, p->net_allow.n);
		strlist(f, "deny", nd, p->net_deny.n);
		strlist(f, "bind", nb, p->net_bind.n);
	}
	if (denied(f, p) < 0)
		goto done;
	(void)fprintf(f, "\n[kernel]\nallow_degraded = %s\n",
	    p->allow_degraded ? "true" : "false");
	if (p->no_supervisor)
		(void)fputs("no_supervisor = true\n", f);
	if (ferror(f) == 0)
		rc = 0;
done:
	if (f != NULL && fclose(f) != 0)
		rc = -1;
	if (rc < 0) {
		free(*out);
		*out = NULL;
		errno = ENOMEM;
	}
	free(r);
	free(w);
	free(env);
	free(na);
	free(nd);
	free(nb);
	return rc;
}

int
pol_digest(const struct pol *p, const struct pol_strv *prog, char hex[65])
{
	char *c;
	size_t n;

	if (pol_canon(p, prog, &c, &n) < 0)
		return -1;
	sl_sha256_hex(c, n, hex);
	free(c);
	return 0;
}
