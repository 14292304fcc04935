/*
 * test_proc.c: what a stage can reach of /proc when a policy grants it
 * (-r /proc).  Other processes' ptrace-protected entries stay closed
 * (Landlock bars ptrace access outside the domain); listing and their
 * stat/cmdline are not yet virtualized (SECURITY.md, known limits).
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdio.h>
#include <unistd.h>

#include "sbx.h"

TestSuite(proc, .timeout = 30);

#define X(...)	((const char *const[]){ __VA_ARGS__, NULL })

/* The caller's environment is out of reach (cat /proc/PPID/environ). */
Test(proc, caller_environ_denied)
{
	char path[64];
	struct th_run r;

	(void)snprintf(path, sizeof(path), "/proc/%d/environ", (int)getpid());
	sbx_probe(&r, X("-r", "/proc"), "read", path, NULL);
	SBX_EXPECT(&r, 1, "err EACCES\n");
	th_run_free(&r);
}

/* Its memory and fd table too. */
Test(proc, caller_mem_and_fds_denied)
{
	char mem[64], fd[64];
	struct th_run r;

	(void)snprintf(mem, sizeof(mem), "/proc/%d/mem", (int)getpid());
	(void)snprintf(fd, sizeof(fd), "/proc/%d/fd/0", (int)getpid());
	sbx_probe(&r, X("-r", "/proc"), "read", mem, NULL);
	SBX_EXPECT(&r, 1, "err EACCES\n");
	th_run_free(&r);
	sbx_probe(&r, X("-r", "/proc"), "read", fd, NULL);
	SBX_EXPECT(&r, 1, "err EACCES\n");
	th_run_free(&r);
}

/* /proc/sys is not writable through a read rule. */
Test(proc, sys_write_denied)
{
	struct th_run r;

	sbx_probe(&r, X("-r", "/proc"), "write", "/proc/sys/kernel/hostname",
	    NULL);
	SBX_EXPECT(&r, 1, "err EACCES\n");
	th_run_free(&r);
}

/* The stage reads its own entries. */
Test(proc, own_entries_readable)
{
	struct th_run r;

	sbx_probe(&r, X("-r", "/proc"), "read", "/proc/self/status", NULL);
	cr_assert(eq(int, r.code, 0), "%s", r.out);
	th_run_free(&r);
}
