/*
 * test_env.c: the command's environment and working directory, and the
 * paths sandlock checks before anything starts.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sbx.h"

TestSuite(env, .timeout = 30);
TestSuite(cwd, .timeout = 30);

/* The caller's environment passes through by default. */
Test(env, passes_through_by_default)
{
	struct th_run r;

	cr_assert(eq(int, setenv("FOO", "bar", 1), 0));
	sbx_probe(&r, NULL, "env", "FOO", (const char *)NULL);
	SBX_EXPECT(&r, 0, "ok bar\n");
	th_run_free(&r);
}

/* --clean-env drops the caller's variables. */
Test(env, clean_env_drops_variables)
{
	const char *extra[] = { "--clean-env", NULL };
	struct th_run r;

	cr_assert(eq(int, setenv("FOO", "bar", 1), 0));
	sbx_probe(&r, extra, "env", "FOO", (const char *)NULL);
	SBX_EXPECT(&r, 1, "err ENOENT\n");
	th_run_free(&r);
}

/* --clean-env drops PATH too. */
Test(env, clean_env_drops_path)
{
	const char *extra[] = { "--clean-env", NULL };
	struct th_run r;

	sbx_probe(&r, extra, "env", "PATH", (const char *)NULL);
	SBX_EXPECT(&r, 1, "err ENOENT\n");
	th_run_free(&r);
}

/* --env overrides a variable of the caller's. */
Test(env, env_flag_overrides)
{
	const char *extra[] = { "--env", "FOO=baz", NULL };
	struct th_run r;

	cr_assert(eq(int, setenv("FOO", "bar", 1), 0));
	sbx_probe(&r, extra, "env", "FOO", (const char *)NULL);
	SBX_EXPECT(&r, 0, "ok baz\n");
	th_run_free(&r);
}

/* --env sets a variable in a clean environment. */
Test(env, env_flag_with_clean_env)
{
	const char *extra[] = { "--clean-env", "--env", "K=V", NULL };
	struct th_run r;

	sbx_probe(&r, extra, "env", "K", (const char *)NULL);
	SBX_EXPECT(&r, 0, "ok V\n");
	th_run_free(&r);
}

/* --env with --clean-env brings back nothing else of the caller's. */
Test(env, env_flag_with_clean_env_keeps_others_out)
{
	const char *extra[] = { "--clean-env", "--env", "K=V", NULL };
	struct th_run r;

	cr_assert(eq(int, setenv("FOO", "bar", 1), 0));
	sbx_probe(&r, extra, "env", "FOO", (const char *)NULL);
	SBX_EXPECT(&r, 1, "err ENOENT\n");
	th_run_free(&r);
}

/* --cwd sets the command's working directory. */
Test(cwd, cwd_flag_sets_directory)
{
	char *dir = th_tmpdir();
	const char *extra[] = { "-r", dir, "--cwd", dir, NULL };
	char *want;
	struct th_run r;

	if (asprintf(&want, "ok %s\n", dir) < 0)
		abort();
	sbx_probe(&r, extra, "cwd", (const char *)NULL);
	SBX_EXPECT(&r, 0, want);
	th_run_free(&r);
	sbx_rmtree(dir);
	free(want);
	free(dir);
}

/* --cwd to a missing directory gives 125. */
Test(cwd, cwd_flag_missing_dir_is_125)
{
	const char *extra[] = { "--cwd", "/nonexistent-sandlock-dir", NULL };
	struct th_run r;

	sbx_probe(&r, extra, "cwd", (const char *)NULL);
	SBX_EXPECT(&r, 125, "");
	SBX_STDERR_HAS(&r, "/nonexistent-sandlock-dir");
	SBX_STDERR_HAS(&r, "--cwd");
	th_run_free(&r);
}

/* -r of a missing path gives 125, naming the flag. */
Test(cwd, read_rule_missing_path_is_125)
{
	const char *extra[] = { "-r", "/nonexistent-sandlock-dir", NULL };
	struct th_run r;

	sbx_probe(&r, extra, "true", (const char *)NULL);
	SBX_EXPECT(&r, 125, "");
	cr_assert(ne(ptr, strcasestr(r.err,
	    "no such file or directory (given to -r)"), NULL),
	    "stderr: %s", r.err);
	th_run_free(&r);
}

/* -w of a missing path gives 125, naming the flag. */
Test(cwd, write_rule_missing_path_is_125)
{
	const char *extra[] = { "-w", "/nonexistent-sandlock-dir", NULL };
	struct th_run r;

	sbx_probe(&r, extra, "true", (const char *)NULL);
	SBX_EXPECT(&r, 125, "");
	cr_assert(ne(ptr, strcasestr(r.err,
	    "no such file or directory (given to -w)"), NULL),
	    "stderr: %s", r.err);
	th_run_free(&r);
}

/* A relative -r path gives 125. */
Test(cwd, relative_read_rule_is_125)
{
	const char *extra[] = { "-r", "tmp", NULL };
	struct th_run r;

	sbx_probe(&r, extra, "true", (const char *)NULL);
	SBX_EXPECT(&r, 125, "");
	SBX_STDERR_HAS(&r, "must be absolute");
	th_run_free(&r);
}
