/*
 * test_metadata.c: chmod, chown, utimes and xattrs by path are performed
 * by the supervisor only beneath write rules, on its own copy of the
 * arguments, and never for an unreadable (non-dumpable) stage.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sbx.h"

TestSuite(mediate, .timeout = 60);

#define X(...)	((const char *const[]){ __VA_ARGS__, NULL })

static char *wdir, *rdir, *wfile, *rfile;

static void
setup(void)
{
	wdir = th_tmpdir();
	rdir = th_tmpdir();
	wfile = sbx_join(wdir, "f");
	rfile = sbx_join(rdir, "g");
	cr_assert(eq(int, th_write_file(wfile, "w\n"), 0));
	cr_assert(eq(int, th_write_file(rfile, "r\n"), 0));
	cr_assert(eq(int, chmod(rfile, 0644), 0));
}

static void
teardown(void)
{
	sbx_rmtree(wdir);
	sbx_rmtree(rdir);
}

static mode_t
mode_of(const char *p)
{
	struct stat sb;

	cr_assert(eq(int, stat(p, &sb), 0));
	return sb.st_mode & 07777;
}

/* chmod beneath -w happens, and really changes the file. */
Test(mediate, chmod_beneath_write_rule, .init = setup, .fini = teardown)
{
	struct th_run r;

	sbx_probe(&r, X("-w", wdir), "chmod", wfile, "600", NULL);
	SBX_EXPECT(&r, 0, "ok\n");
	cr_assert(eq(int, mode_of(wfile), 0600));
	th_run_free(&r);
}

/* chmod of a file beneath only a -r rule: EACCES, unchanged. */
Test(mediate, chmod_read_only_tree_is_eacces, .init = setup,
    .fini = teardown)
{
	struct th_run r;

	sbx_probe(&r, X("-w", wdir, "-r", rdir), "chmod", rfile, "600", NULL);
	SBX_EXPECT(&r, 1, "err EACCES\n");
	cr_assert(eq(int, mode_of(rfile), 0644));
	th_run_free(&r);
}

/* A symlink beneath -w pointing out: chmod follows it, and is refused. */
Test(mediate, chmod_through_symlink_out_is_eacces, .init = setup,
    .fini = teardown)
{
	char *link = sbx_join(wdir, "link");
	struct th_run r;

	cr_assert(eq(int, symlink(rfile, link), 0));
	sbx_probe(&r, X("-w", wdir, "-r", rdir), "chmod", link, "600", NULL);
	SBX_EXPECT(&r, 1, "err EACCES\n");
	cr_assert(eq(int, mode_of(rfile), 0644));
	th_run_free(&r);
	free(link);
}

/* A relative path is resolved from the stage's own cwd. */
Test(mediate, relative_path_from_stage_cwd, .init = setup, .fini = teardown)
{
	struct th_run r;

	sbx_probe(&r, X("-w", wdir, "--cwd", wdir), "chmod", "f", "640", NULL);
	SBX_EXPECT(&r, 0, "ok\n");
	cr_assert(eq(int, mode_of(wfile), 0640));
	th_run_free(&r);
}

/* The fd form stays EPERM: the fd may be a read-only one from -r. */
Test(mediate, fchmod_fd_form_is_eperm, .init = setup, .fini = teardown)
{
	struct th_run r;

	sbx_probe(&r, X("-w", wdir, "-r", rdir), "fchmod", rfile, "600", NULL);
	SBX_EXPECT(&r, 1, "err EPERM\n");
	cr_assert(eq(int, mode_of(rfile), 0644));
	th_run_free(&r);
}

/* Without the supervisor nothing is mediated: EPERM even beneath -w. */
Test(mediate, no_supervisor_denies, .init = setup, .fini = teardown)
{
	struct th_run r;

	sbx_probe(&r, X("-w", wdir, "--no-supervisor"), "chmod", wfile, "600",
	    NULL);
	SBX_EXPECT(&r, 1, "err EPERM\n");
	th_run_free(&r);
}

/* A non-dumpable stage cannot be read: its mediated calls are denied. */
Test(mediate, non_dumpable_is_denied, .init = setup, .fini = teardown)
{
	struct th_run r;

	sbx_probe(&r, X("-w", wdir), "nodump-chmod", wfile, "600", NULL);
	SBX_EXPECT(&r, 1, "err EPERM\n");
	cr_assert(eq(int, mode_of(wfile), 0644));
	th_run_free(&r);
}

/*
 * A thread flips the path between an allowed and a denied file while
 * another loops chmod: the denied file is never changed (the supervisor
 * acts on its own copy of the path, never CONTINUE).
 */
Test(mediate, racing_path_never_reaches_denied_file, .init = setup,
    .fini = teardown)
{
	struct th_run r;
	int oks = -1, fails = -1;

	sbx_probe(&r, X("-w", wdir, "-r", rdir), "chmod-race", wfile, rfile,
	    "5000", "600", NULL);
	cr_assert(eq(int, r.code, 0), "%s", r.err);
	cr_assert(eq(int, sscanf(r.out, "ok %d %d", &oks, &fails), 2));
	cr_assert(gt(int, oks, 0));
	cr_assert(eq(int, mode_of(rfile), 0644));
	th_run_free(&r);
}

/* Set-id bits are refused, even beneath -w. */
Test(mediate, setuid_bit_is_eperm, .init = setup, .fini = teardown)
{
	struct th_run r;

	sbx_probe(&r, X("-w", wdir), "chmod", wfile, "4755", NULL);
	SBX_EXPECT(&r, 1, "err EPERM\n");
	cr_assert(eq(int, mode_of(wfile), 0644));
	th_run_free(&r);
}
