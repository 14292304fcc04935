/*
 * test_fs.c: Landlock's filesystem rules seen from inside the sandbox.
 * Layout per test: IN (given with -r) holds ro (a file) and w/ (given with
 * -w, holding a); OUT is covered by no rule and holds f.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sbx.h"

static char *in, *out, *wdir;

static void
fs_setup(void)
{
	char *p;

	in = th_tmpdir();
	out = th_tmpdir();
	wdir = sbx_join(in, "w");
	cr_assert(eq(int, mkdir(wdir, 0755), 0));
	p = sbx_join(in, "ro");
	cr_assert(eq(int, th_write_file(p, "read-only\n"), 0));
	free(p);
	p = sbx_join(wdir, "a");
	cr_assert(eq(int, th_write_file(p, "aaaa\n"), 0));
	free(p);
	p = sbx_join(out, "f");
	cr_assert(eq(int, th_write_file(p, "outside\n"), 0));
	free(p);
}

static void
fs_teardown(void)
{
	sbx_rmtree(in);
	sbx_rmtree(out);
}

TestSuite(fs, .timeout = 30, .init = fs_setup, .fini = fs_teardown);

/* Runs the probe with -r IN -w IN/w. */
static void
run_rw(struct th_run *r, const char *op, const char *a, const char *b)
{
	const char *extra[] = { "-r", in, "-w", wdir, NULL };

	sbx_probe(r, extra, op, a, b, (const char *)NULL);
}

/* Whether path exists (lstat). */
static int
exists(const char *path)
{
	struct stat sb;

	return lstat(path, &sb) == 0;
}

/* A file beneath -r can be read. */
Test(fs, reads_beneath_read_rule)
{
	char *ro = sbx_join(in, "ro");
	struct th_run r;

	run_rw(&r, "read", ro, NULL);
	SBX_EXPECT(&r, 0, "ok 10\n");
	th_run_free(&r);
	free(ro);
}

/* A file outside every rule cannot be read. */
Test(fs, read_outside_rules_is_eacces)
{
	char *f = sbx_join(out, "f");
	struct th_run r;

	run_rw(&r, "read", f, NULL);
	SBX_EXPECT(&r, 1, "err EACCES\n");
	th_run_free(&r);
	free(f);
}

/* A file beneath -r cannot be opened for writing. */
Test(fs, write_to_read_only_tree_is_eacces)
{
	char *ro = sbx_join(in, "ro");
	struct th_run r;

	run_rw(&r, "write", ro, NULL);
	SBX_EXPECT(&r, 1, "err EACCES\n");
	th_run_free(&r);
	free(ro);
}

/* No new file can be created in a -r directory. */
Test(fs, create_in_read_only_tree_is_eacces)
{
	char *p = sbx_join(in, "new");
	struct th_run r;

	run_rw(&r, "write", p, NULL);
	SBX_EXPECT(&r, 1, "err EACCES\n");
	cr_assert(not(exists(p)));
	th_run_free(&r);
	free(p);
}

/* A new file beneath -w can be created and written. */
Test(fs, create_and_write_beneath_write_rule)
{
	char *p = sbx_join(wdir, "b");
	struct th_run r;

	run_rw(&r, "write", p, NULL);
	SBX_EXPECT(&r, 0, "ok\n");
	cr_assert(exists(p));
	th_run_free(&r);
	free(p);
}

/* A file can be renamed within the -w directory. */
Test(fs, rename_within_write_rule)
{
	char *a = sbx_join(wdir, "a"), *c = sbx_join(wdir, "c");
	struct th_run r;

	run_rw(&r, "rename", a, c);
	SBX_EXPECT(&r, 0, "ok\n");
	cr_assert(not(exists(a)));
	cr_assert(exists(c));
	th_run_free(&r);
	free(a);
	free(c);
}

/* A file beneath -w can be unlinked. */
Test(fs, unlink_beneath_write_rule)
{
	char *a = sbx_join(wdir, "a");
	struct th_run r;

	run_rw(&r, "unlink", a, NULL);
	SBX_EXPECT(&r, 0, "ok\n");
	cr_assert(not(exists(a)));
	th_run_free(&r);
	free(a);
}

/* A directory beneath -w can be made. */
Test(fs, mkdir_beneath_write_rule)
{
	char *d = sbx_join(wdir, "d");
	struct th_run r;

	run_rw(&r, "mkdir", d, NULL);
	SBX_EXPECT(&r, 0, "ok\n");
	cr_assert(exists(d));
	th_run_free(&r);
	free(d);
}

/* A file beneath -w can be truncated by path. */
Test(fs, truncate_beneath_write_rule)
{
	char *a = sbx_join(wdir, "a");
	struct th_run r;
	struct stat sb;

	run_rw(&r, "truncate", a, NULL);
	SBX_EXPECT(&r, 0, "ok\n");
	cr_assert(eq(int, stat(a, &sb), 0));
	cr_assert(eq(long, (long)sb.st_size, 0L));
	th_run_free(&r);
	free(a);
}

/* A file beneath -r cannot be truncated. */
Test(fs, truncate_of_read_only_file_is_eacces)
{
	char *ro = sbx_join(in, "ro");
	struct th_run r;
	struct stat sb;

	run_rw(&r, "truncate", ro, NULL);
	SBX_EXPECT(&r, 1, "err EACCES\n");
	cr_assert(eq(int, stat(ro, &sb), 0));
	cr_assert(eq(long, (long)sb.st_size, 10L));
	th_run_free(&r);
	free(ro);
}

/* `..` out of the -w directory reaches no write right. */
Test(fs, dotdot_escape_from_write_dir_is_eacces)
{
	char *p = sbx_join(wdir, "../escaped");
	struct th_run r;

	run_rw(&r, "write", p, NULL);
	SBX_EXPECT(&r, 1, "err EACCES\n");
	cr_assert(not(exists(p)));
	th_run_free(&r);
	free(p);
}

/* `..` out of the -w directory reaches no read right outside the rules. */
Test(fs, dotdot_escape_read_outside_is_eacces)
{
	char *rel, *p;
	struct th_run r;

	if (asprintf(&rel, "../../%s/f", strrchr(out, '/') + 1) < 0)
		abort();
	p = sbx_join(wdir, rel);
	run_rw(&r, "read", p, NULL);
	SBX_EXPECT(&r, 1, "err EACCES\n");
	th_run_free(&r);
	free(rel);
	free(p);
}

/* A symlink in the -w directory to a file outside grants no read. */
Test(fs, symlink_escape_read_is_eacces)
{
	char *f = sbx_join(out, "f"), *l = sbx_join(wdir, "link");
	struct th_run r;

	cr_assert(eq(int, symlink(f, l), 0));
	run_rw(&r, "read", l, NULL);
	SBX_EXPECT(&r, 1, "err EACCES\n");
	th_run_free(&r);
	free(f);
	free(l);
}

/* A symlink in the -w directory to a file outside grants no write. */
Test(fs, symlink_escape_write_is_eacces)
{
	char *f = sbx_join(out, "f"), *l = sbx_join(wdir, "link");
	struct th_run r;
	struct stat sb;

	cr_assert(eq(int, symlink(f, l), 0));
	run_rw(&r, "write", l, NULL);
	SBX_EXPECT(&r, 1, "err EACCES\n");
	cr_assert(eq(int, stat(f, &sb), 0));
	cr_assert(eq(long, (long)sb.st_size, 8L));
	th_run_free(&r);
	free(f);
	free(l);
}

/* A symlinked directory in -w to outside grants no file creation there. */
Test(fs, symlink_dir_escape_create_is_eacces)
{
	char *l = sbx_join(wdir, "dirlink"), *p = sbx_join(out, "new");
	char *via = sbx_join(l, "new");
	struct th_run r;

	cr_assert(eq(int, symlink(out, l), 0));
	run_rw(&r, "write", via, NULL);
	SBX_EXPECT(&r, 1, "err EACCES\n");
	cr_assert(not(exists(p)));
	th_run_free(&r);
	free(l);
	free(p);
	free(via);
}

/* A file in -w cannot be hard-linked into a directory outside. */
Test(fs, hardlink_out_of_write_dir_is_eacces)
{
	char *a = sbx_join(wdir, "a"), *p = sbx_join(out, "lnk");
	struct th_run r;

	run_rw(&r, "link", a, p);
	SBX_EXPECT(&r, 1, "err EACCES\n");
	cr_assert(not(exists(p)));
	th_run_free(&r);
	free(a);
	free(p);
}

/* A file outside cannot be hard-linked into -w (it would gain write). */
Test(fs, hardlink_into_write_dir_is_exdev)
{
	char *f = sbx_join(out, "f"), *p = sbx_join(wdir, "lnk");
	struct th_run r;

	run_rw(&r, "link", f, p);
	SBX_EXPECT(&r, 1, "err EXDEV\n");
	cr_assert(not(exists(p)));
	th_run_free(&r);
	free(f);
	free(p);
}

/* A file in -w cannot be renamed into a directory outside. */
Test(fs, rename_out_of_write_dir_is_eacces)
{
	char *a = sbx_join(wdir, "a"), *p = sbx_join(out, "moved");
	struct th_run r;

	run_rw(&r, "rename", a, p);
	SBX_EXPECT(&r, 1, "err EACCES\n");
	cr_assert(exists(a));
	cr_assert(not(exists(p)));
	th_run_free(&r);
	free(a);
	free(p);
}

/* A file in -w cannot be renamed into the -r parent. */
Test(fs, rename_into_read_only_tree_is_eacces)
{
	char *a = sbx_join(wdir, "a"), *p = sbx_join(in, "moved");
	struct th_run r;

	run_rw(&r, "rename", a, p);
	SBX_EXPECT(&r, 1, "err EACCES\n");
	cr_assert(exists(a));
	th_run_free(&r);
	free(a);
	free(p);
}

/* A read-only fd cannot be reopened for writing through /proc/self/fd. */
Test(fs, proc_fd_reopen_for_write_is_eacces)
{
	char *ro = sbx_join(in, "ro");
	struct th_run r;

	run_rw(&r, "reopen-write", ro, NULL);
	SBX_EXPECT(&r, 1, "err EACCES\n");
	th_run_free(&r);
	free(ro);
}

/* A program outside every rule cannot be executed from inside. */
Test(fs, exec_outside_rules_from_inside_is_eacces)
{
	char *p = sbx_join(out, "prog");
	struct th_run r;

	cr_assert(eq(int, sbx_copy(th_probe(), p), 0));
	run_rw(&r, "exec", p, "true");
	SBX_EXPECT(&r, 1, "err EACCES\n");
	th_run_free(&r);
	free(p);
}
