/*
 * test_degraded.c: fail closed without Landlock.  The nolandlock wrapper
 * makes the landlock_* syscalls fail with ENOSYS for sandlock and the
 * broker, as on a kernel built without Landlock.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "th.h"

TestSuite(degraded, .timeout = 30);

static const char *
nolandlock(void)
{
	static char path[4200];

	(void)snprintf(path, sizeof(path), "%s/nolandlock", th_build());
	return path;
}

/* No Landlock: sandlock refuses, names the feature, runs nothing. */
Test(degraded, refuses_without_landlock)
{
	char *dir = th_tmpdir();
	char marker[4200];
	const char *argv[] = { nolandlock(), th_sandlock(), "run", "-r", "/usr",
	    "-r", "/lib", "-r", "/lib64", "-r", "/bin", "-w", dir, "--",
	    "/bin/sh", "-c", "echo ran > \"$0\"/marker", dir, NULL };
	struct th_run r;

	(void)snprintf(marker, sizeof(marker), "%s/marker", dir);
	cr_assert(eq(int, th_runv(&r, argv, -1, 20), 0));
	cr_assert(eq(int, r.code, 125));
	cr_assert(ne(ptr, strstr(r.err, "Landlock ABI is 0"), NULL), "%s",
	    r.err);
	cr_assert(ne(ptr, strstr(r.err, "--allow-degraded"), NULL));
	cr_assert(eq(int, access(marker, F_OK), -1), "the command ran");
	th_run_free(&r);
}

/* --allow-degraded runs the command and says what is not enforced. */
Test(degraded, allow_degraded_runs_and_warns)
{
	const char *argv[] = { nolandlock(), th_sandlock(), "run",
	    "--allow-degraded", "-r", "/usr", "--", "/bin/echo", "ran", NULL };
	struct th_run r;

	cr_assert(eq(int, th_runv(&r, argv, -1, 20), 0));
	cr_assert(eq(int, r.code, 0), "%s", r.err);
	cr_assert(eq(str, r.out, "ran\n"));
	cr_assert(ne(ptr, strstr(r.err, "warning: Landlock ABI 0: not "
	    "enforced"), NULL), "%s", r.err);
	th_run_free(&r);
}

/* Degraded still keeps the seccomp filter: no network, no mount. */
Test(degraded, degraded_keeps_seccomp)
{
	const char *argv[] = { nolandlock(), th_sandlock(), "run",
	    "--allow-degraded", "--", th_probe(), "socket", "inet", "stream",
	    NULL };
	struct th_run r;

	cr_assert(eq(int, th_runv(&r, argv, -1, 20), 0));
	cr_assert(eq(str, r.out, "err EACCES\n"), "%s", r.out);
	cr_assert(eq(int, r.code, 1));
	th_run_free(&r);
}
