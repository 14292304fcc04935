/*
 * test_corpus.c: replays the committed fuzz corpus (tests/fuzz/corpus/
 * policy/, found in the source tree this suite was built from) through the
 * libFuzzer entry point, built here without libFuzzer.  valid-profile-*
 * must compile as profiles, valid-pipeline*, valid-gather* as pipeline
 * files, valid-toml-* as TOML; bad-* must be rejected as both.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fuzz/fuzz_policy.c"

#ifndef SL_SRCDIR
#define SL_SRCDIR "."
#endif

TestSuite(corpus, .timeout = 60);

static char *
slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *b = malloc(TOML_MAX_SIZE + 1);

	cr_assert_not_null(f, "%s", path);
	cr_assert_not_null(b);
	*n = fread(b, 1, TOML_MAX_SIZE + 1, f);
	fclose(f);
	return b;
}

static void
check_one(const char *name, const char *buf, size_t n)
{
	struct pol p;
	struct pol_strv prog = { NULL, 0 };
	struct pol_jobfile jf;
	struct pol_diag d;
	struct toml_val *t;
	int rp, rj;

	pol_init(&p);
	rp = pol_parse_profile(buf, n, name, &p, &prog, &d);
	pol_free(&p);
	pol_strv_free(&prog);
	if (strncmp(name, "valid-profile-", 14) == 0)
		cr_assert(eq(int, rp, 0), "%s:%u:%u: %s", name, d.line, d.col,
		    d.msg);
	rj = pol_parse_jobfile(buf, n, name, strstr(name, "gather") ? 1 : 0,
	    &jf, &d);
	pol_jobfile_free(&jf);
	if (strncmp(name, "valid-pipeline", 14) == 0 ||
	    strncmp(name, "valid-gather", 12) == 0)
		cr_assert(eq(int, rj, 0), "%s:%u:%u: %s", name, d.line, d.col,
		    d.msg);
	if (strncmp(name, "valid-toml-", 11) == 0) {
		cr_assert_not_null(t = toml_parse(buf, n, &d), "%s:%u:%u: %s",
		    name, d.line, d.col, d.msg);
		toml_free(t);
	}
	if (strncmp(name, "bad-", 4) == 0)
		cr_assert(rp == -1 && rj == -1, "%s was accepted", name);
}

/* Every corpus file: no crash, no leak, the expected verdict. */
Test(corpus, replay)
{
	const char *dir = SL_SRCDIR "/tests/fuzz/corpus/policy";
	struct dirent *de;
	char path[4096], *buf;
	size_t n, count = 0;
	DIR *d = opendir(dir);

	cr_assert_not_null(d, "%s", dir);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		(void)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		buf = slurp(path, &n);
		(void)LLVMFuzzerTestOneInput((const uint8_t *)buf, n);
		check_one(de->d_name, buf, n);
		free(buf);
		count++;
	}
	closedir(d);
	cr_assert(ge(sz, count, 10), "only %zu files in %s", count, dir);
}
