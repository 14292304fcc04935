/*
 * cli_profile.c: `sandlock profile list|show|check` and the --file form of
 * `sandlock pipeline|gather`.  See sandlock(1) and sandlock-policy(5).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli_profile.h"

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The profile names in dir (NAME.toml, valid names), sorted; *n of them. */
static char **
names_in(const char *dir, size_t *n)
{
	char **v = NULL, **nv, *name;
	struct dirent *de;
	DIR *d;
	size_t len;

	*n = 0;
	if ((d = opendir(dir)) == NULL)
		return NULL;
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len <= 5 || len > 64 + 5 || de->d_name[0] == '.' ||
		    strcmp(de->d_name + len - 5, ".toml") != 0)
			continue;
		if ((name = strndup(de->d_name, len - 5)) == NULL ||
		    (nv = reallocarray(v, *n + 1, sizeof(*v))) == NULL) {
			free(name);
			break;
		}
		v = nv;
		v[(*n)++] = name;
	}
	(void)closedir(d);
	if (*n > 0)
		qsort(v, *n, sizeof(*v), cmp_str);
	return v;
}

static void
free_names(char **v, size_t n)
{
	while (n-- > 0)
		free(v[n]);
	free(v);
}

/* Whether an earlier directory of the search order has name. */
static const char *
shadowed_by(char *dirs[], char **names[], const size_t nn[], int upto,
    const char *name)
{
	size_t k;
	int i;

	for (i = 0; i < upto; i++)
		for (k = 0; k < nn[i]; k++)
			if (strcmp(names[i][k], name) == 0)
				return dirs[i];
	return NULL;
}

static int
profile_list(void)
{
	char *dirs[3], **names[3] = { NULL, NULL, NULL };
	size_t nn[3] = { 0, 0, 0 }, k, total = 0;
	const char *by;
	int n, i;

	if ((n = sandlock_profile_dirs(dirs)) < 0) {
		(void)fprintf(stderr, "sandlock: out of memory\n");
		return 125;
	}
	for (i = 0; i < n; i++)
		names[i] = names_in(dirs[i], &nn[i]);
	for (i = 0; i < n; i++)
		for (k = 0; k < nn[i]; k++, total++) {
			by = shadowed_by(dirs, names, nn, i, names[i][k]);
			(void)printf("%s\t%s/%s.toml%s%s%s\n", names[i][k],
			    dirs[i], names[i][k], by ? "\t(shadowed by " : "",
			    by ? by : "", by ? ")" : "");
		}
	if (total == 0)
		(void)printf("no profiles in %s%s%s%s%s\n", dirs[0],
		    n > 1 ? ", " : "", n > 1 ? dirs[1] : "", n > 2 ? ", " : "",
		    n > 2 ? dirs[2] : "");
	for (i = 0; i < n; i++) {
		free_names(names[i], nn[i]);
		free(dirs[i]);
	}
	return 0;
}

static int
profile_show(const char *name)
{
	struct sandlock_error e;
	char *path, *buf;
	size_t len;
	FILE *f;

	if (sandlock_profile_find(name, &path, &e) < 0) {
		(void)fprintf(stderr, "sandlock: %s\n", e.msg);
		return 125;
	}
	if ((f = fopen(path, "re")) == NULL) {
		(void)fprintf(stderr, "sandlock: unable to open %s: %s\n", path,
		    strerror(errno));
		free(path);
		return 125;
	}
	buf = malloc(65536);
	(void)printf("# %s\n", path);
	while (buf != NULL && (len = fread(buf, 1, 65536, f)) > 0)
		(void)fwrite(buf, 1, len, stdout);
	free(buf);
	(void)fclose(f);
	free(path);
	return 0;
}

static int
profile_check(const char *file)
{
	struct sandlock_policy *p = sandlock_policy_new();
	struct sandlock_error e;
	char hex[65], *c = NULL;
	int status = 125;

	if (p == NULL)
		(void)fprintf(stderr, "sandlock: out of memory\n");
	else if (sandlock_policy_load_profile_file(p, file, &e) < 0)
		(void)fprintf(stderr, "sandlock: %s\n", e.msg);
	else if ((c = sandlock_policy_canonical(p)) == NULL ||
	    sandlock_policy_digest(p, hex) < 0)
		(void)fprintf(stderr, "sandlock: out of memory\n");
	else {
		(void)printf("%s# digest: sha256:%s\n", c, hex);
		status = 0;
	}
	free(c);
	sandlock_policy_free(p);
	return status;
}

int
cli_profile(int argc, char *argv[])
{
	if (argc == 1 && strcmp(argv[0], "list") == 0)
		return profile_list();
	if (argc == 2 && strcmp(argv[0], "show") == 0)
		return profile_show(argv[1]);
	if (argc == 2 && strcmp(argv[0], "check") == 0)
		return profile_check(argv[1]);
	(void)fprintf(stderr, "usage: sandlock profile list | show NAME | "
	    "check FILE\n");
	return 125;
}

int
cli_job_parse(bool gather, int argc, char *argv[], struct sandlock_job **jp,
    struct sandlock_job_opts *o, struct sandlock_error *e)
{
	const char *file = NULL;

	if (argc >= 1 && strncmp(argv[0], "--file=", 7) == 0)
		file = argv[0] + 7;
	else if (argc >= 1 && strcmp(argv[0], "--file") == 0) {
		if (argc < 2) {
			(void)snprintf(e->msg, sizeof(e->msg), "--file needs a "
			    "value");
			errno = EINVAL;
			return -1;
		}
		file = argv[1];
		argc--;
	}
	if (file == NULL)
		return sandlock_job_parse_args(gather, argc, argv, jp, o, e);
	if (argc > 1) {
		*jp = NULL;
		(void)snprintf(e->msg, sizeof(e->msg), "--file FILE takes no "
		    "other arguments: put job options in [job]");
		errno = EINVAL;
		return -1;
	}
	return sandlock_job_load_file(gather, file, jp, o, e);
}
