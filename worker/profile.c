/*
 * profile.c: libsandlock's profiles and pipeline files: finding and
 * reading them (the I/O policy/ does not do), merging command-line flags
 * over a profile, canonical form and digest.  See sandlock-policy(5).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "paths.h"
#include "profile.h"

/* "file:line:col: msg", "file: msg" or "msg", as the diagnostic has. */
int
sl_diag_err(struct sandlock_error *e, int err, const struct pol_diag *d)
{
	if (d->file[0] != '\0' && d->line > 0)
		return sl_err(e, err, "%s:%u:%u: %s", d->file, d->line, d->col,
		    d->msg);
	if (d->file[0] != '\0')
		return sl_err(e, err, "%s: %s", d->file, d->msg);
	return sl_err(e, err, "%s", d->msg);
}

int
sandlock_profile_dirs(char *dirs[3])
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	int n = 0;

	dirs[0] = dirs[1] = dirs[2] = NULL;
	if (xdg != NULL && xdg[0] == '/' &&
	    asprintf(&dirs[n++], "%s/sandlock/profiles", xdg) < 0)
		goto fail;
	if (home != NULL && home[0] == '/' &&
	    asprintf(&dirs[n++], "%s/.config/sandlock/profiles", home) < 0)
		goto fail;
	if ((dirs[n++] = strdup(SL_SYSTEM_PROFILES)) == NULL)
		goto fail;
	return n;
fail:
	while (n-- > 0) {
		free(dirs[n]);
		dirs[n] = NULL;
	}
	errno = ENOMEM;
	return -1;
}

int
sandlock_profile_find(const char *name, char **pathp,
    struct sandlock_error *e)
{
	char *dirs[3], *path;
	struct pol_diag d;
	struct stat st;
	int n, i;

	*pathp = NULL;
	if (pol_check_profile_name(name, &d) < 0)
		return sl_err(e, EINVAL, "%s", d.msg);
	if ((n = sandlock_profile_dirs(dirs)) < 0)
		return sl_err(e, ENOMEM, "out of memory");
	for (i = 0; i < n && *pathp == NULL; i++) {
		if (asprintf(&path, "%s/%s.toml", dirs[i], name) < 0)
			break;
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			*pathp = path;
		else
			free(path);
	}
	if (*pathp == NULL)
		(void)sl_err(e, ENOENT, "profile '%s' not found in %s%s%s%s%s "
		    "(see sandlock profile list)", name, dirs[0],
		    n > 1 ? ", " : "", n > 1 ? dirs[1] : "", n > 2 ? ", " : "",
		    n > 2 ? dirs[2] : "");
	while (n-- > 0)
		free(dirs[n]);
	return *pathp != NULL ? 0 : -1;
}

/* Reads all of fd (a regular file of size bytes) into a new buffer. */
static int
read_all(int fd, const char *path, size_t size, char **bufp, size_t *lenp,
    struct sandlock_error *e)
{
	size_t n = 0;
	ssize_t r;
	char *b;

	if ((b = malloc(size + 1)) == NULL)
		return sl_err(e, ENOMEM, "out of memory");
	while (n <= size) {
		r = read(fd, b + n, size + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(b);
			return sl_err(e, errno, "unable to read %s: %s", path,
			    strerror(errno));
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > size) {
		free(b);
		return sl_err(e, EAGAIN, "%s: changed while being read", path);
	}
	b[n] = '\0';
	*bufp = b;
	*lenp = n;
	return 0;
}

int
sl_read_file(const char *path, char **bufp, size_t *lenp,
    struct sandlock_error *e)
{
	struct stat st;
	int fd, r, saved;

	*bufp = NULL;
	*lenp = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return sl_err(e, errno, "unable to open %s: %s", path,
		    strerror(errno));
	if (fstat(fd, &st) < 0)
		r = sl_err(e, errno, "unable to stat %s: %s", path,
		    strerror(errno));
	else if (!S_ISREG(st.st_mode))
		r = sl_err(e, EINVAL, "%s: not a regular file", path);
	else if (st.st_size > TOML_MAX_SIZE)
		r = sl_err(e, E2BIG, "%s: larger than %d bytes", path,
		    TOML_MAX_SIZE);
	else
		r = read_all(fd, path, (size_t)st.st_size, bufp, lenp, e);
	saved = errno;
	(void)close(fd);
	errno = saved;
	return r;
}

/*
 * Parses a profile into prof and prog.  On error both may hold parts to
 * free; e says file:line:col.
 */
static int
load(const char *buf, size_t len, const char *file, struct pol *prof,
    struct pol_strv *prog, struct sandlock_error *e)
{
	struct pol_diag d;

	memset(&d, 0, sizeof(d));
	if (pol_parse_profile(buf, len, file, prof, prog, &d) < 0)
		return sl_diag_err(e, errno, &d);
	return 0;
}

int
sl_load_profile_file(const char *path, struct pol *prof,
    struct pol_strv *prog, struct sandlock_error *e)
{
	char *buf;
	size_t len;
	int r;

	if (sl_read_file(path, &buf, &len, e) < 0)
		return -1;
	r = load(buf, len, path, prof, prog, e);
	free(buf);
	return r;
}

/* Puts what p already holds over prof, then makes prof p's policy. */
static int
adopt(struct sandlock_policy *p, struct pol *prof, struct pol_strv *prog,
    struct sandlock_error *e)
{
	struct pol_diag d;

	memset(&d, 0, sizeof(d));
	if (pol_merge(prof, &p->pol, &d) < 0)
		return sl_diag_err(e, errno, &d);
	prof->profile = p->pol.profile;
	p->pol.profile = NULL;
	prof->profile_is_path = p->pol.profile_is_path;
	pol_free(&p->pol);
	p->pol = *prof;
	pol_init(prof);
	if (p->prog.n == 0) {
		p->prog = *prog;
		memset(prog, 0, sizeof(*prog));
	}
	return 0;
}

int
sandlock_policy_load_profile(struct sandlock_policy *p, const char *buf,
    size_t len, const char *filename, struct sandlock_error *e)
{
	struct pol_strv prog = { NULL, 0 };
	struct pol prof;
	int r;

	pol_init(&prof);
	if ((r = load(buf, len, filename, &prof, &prog, e)) == 0)
		r = adopt(p, &prof, &prog, e);
	pol_free(&prof);
	pol_strv_free(&prog);
	return r;
}

int
sandlock_policy_load_profile_file(struct sandlock_policy *p,
    const char *path, struct sandlock_error *e)
{
	struct pol_strv prog = { NULL, 0 };
	struct pol prof;
	int r;

	pol_init(&prof);
	if ((r = sl_load_profile_file(path, &prof, &prog, e)) == 0)
		r = adopt(p, &prof, &prog, e);
	pol_free(&prof);
	pol_strv_free(&prog);
	return r;
}

/* Loads the profile that -p/--profile-file named under p's flags. */
static int
load_named(struct sandlock_policy *p, struct sandlock_error *e)
{
	char *path = NULL;
	int r;

	if (p->pol.profile_is_path)
		return sandlock_policy_load_profile_file(p, p->pol.profile, e);
	if (sandlock_profile_find(p->pol.profile, &path, e) < 0)
		return -1;
	r = sandlock_policy_load_profile_file(p, path, e);
	free(path);
	return r;
}

static int
set_prog(struct sandlock_policy *p, int argc, char *const argv[],
    struct sandlock_error *e)
{
	int i;

	pol_strv_free(&p->prog);
	for (i = 0; i < argc; i++)
		if (pol_strv_add(&p->prog, argv[i]) < 0)
			return sl_err(e, ENOMEM, "out of memory");
	return 0;
}

int
sandlock_policy_parse_run(struct sandlock_policy *p, int argc,
    char *const argv[], char *const **cmdp, struct sandlock_error *e)
{
	struct pol_diag d;
	char **av = NULL;
	int i, stop, r = -1;

	*cmdp = NULL;
	memset(&d, 0, sizeof(d));
	for (i = 0; i < argc && strcmp(argv[i], "--") != 0; i++)
		;
	/* Without "--" only a profile's [program] can give the command. */
	if (i == argc) {
		if ((av = calloc((size_t)argc + 2, sizeof(*av))) == NULL)
			return sl_err(e, ENOMEM, "out of memory");
		memcpy(av, argv, (size_t)argc * sizeof(*av));
		av[argc] = (char *)(uintptr_t)"--";
	}
	if (pol_parse_flags(&p->pol, NULL, POL_CTX_RUN, av ? argc + 1 : argc,
	    av ? av : argv, &stop, &d) < 0) {
		r = sl_diag_err(e, errno, &d);
		goto out;
	}
	r = 0;
	if (stop == -2)
		goto out;	/* --help */
	if (av == NULL && (stop + 1 >= argc || argv[stop + 1][0] == '\0')) {
		r = sl_err(e, EINVAL, "no command after '--'");
		goto out;
	}
	if (p->pol.profile == NULL) {
		if (av != NULL)
			r = sl_err(e, EINVAL, "no command: put it after '--'");
		else
			*cmdp = argv + stop + 1;
		goto out;
	}
	if ((r = load_named(p, e)) < 0)
		goto out;
	if (av == NULL)
		r = set_prog(p, argc - stop - 1, argv + stop + 1, e);
	else if (p->prog.n == 0)
		r = sl_err(e, EINVAL, "no command: put it after '--' or set "
		    "exec in [program] of profile %s", p->pol.profile);
	if (r == 0)
		*cmdp = p->prog.v;
out:
	free(av);
	return r;
}

int
sandlock_policy_parse_args(struct sandlock_policy *p, int argc,
    char *const argv[], int *cmd, struct sandlock_error *e)
{
	char *const *cv;
	int i;

	*cmd = -1;
	if (sandlock_policy_parse_run(p, argc, argv, &cv, e) < 0)
		return -1;
	if (cv == NULL)
		return 0;
	for (i = 0; i < argc && strcmp(argv[i], "--") != 0; i++)
		;
	if (i + 1 >= argc)
		return sl_err(e, EINVAL, "the command comes from the profile: "
		    "use sandlock_policy_parse_run()");
	*cmd = i + 1;
	return 0;
}

char *
sandlock_policy_canonical(const struct sandlock_policy *p)
{
	size_t len;
	char *c;

	return pol_canon(&p->pol, &p->prog, &c, &len) < 0 ? NULL : c;
}

int
sandlock_policy_digest(const struct sandlock_policy *p, char hex[65])
{
	return pol_digest(&p->pol, &p->prog, hex);
}
