/*
 * test_seccomp.c: the baseline and stage seccomp filters seen from inside:
 * every deny-list entry, unknown and foreign syscall numbers, metadata
 * calls, sockets, terminal ioctls and --extra-deny-syscall.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <utmp.h>

#include "sbx.h"

TestSuite(seccomp, .timeout = 30);
TestSuite(metadata, .timeout = 30);
TestSuite(sockets, .timeout = 30);
TestSuite(tty, .timeout = 30);
TestSuite(extra_deny, .timeout = 30);

struct row {
	const char *name;	/* what the row checks */
	const char *op;		/* probe op */
	const char *arg;	/* its argument, or NULL */
	int code;		/* sandlock's exit status */
	const char *want;	/* the probe's exact line */
};

/* `probe syscall NAME` for each call of the deny list: EPERM. */
static const char *const eperm_calls[] = {
	"mount", "umount2", "pivot_root", "chroot", "unshare", "setns",
	"ptrace", "process_vm_readv", "process_vm_writev", "bpf",
	"perf_event_open", "userfaultfd", "io_uring_setup", "io_uring_enter",
	"io_uring_register", "keyctl", "add_key", "request_key", "kexec_load",
	"kexec_file_load", "init_module", "finit_module", "delete_module",
	"reboot", "swapon", "swapoff", "iopl", "ioperm", "personality",
	"open_by_handle_at", "name_to_handle_at", "setsid", "setpgid", "kcmp",
	"pidfd_getfd", "fanotify_init", "syslog", "acct", "quotactl",
	"vhangup", "sethostname", "file_setattr",
};

ParameterizedTestParameters(seccomp, deny_list_call_is_eperm)
{
	return sbx_index_params(SBX_NITEMS(eperm_calls));
}

/* Each deny-list call fails with EPERM. */
ParameterizedTest(size_t *i, seccomp, deny_list_call_is_eperm)
{
	const char *const *name = &eperm_calls[*i];
	struct th_run r;

	sbx_probe(&r, NULL, "syscall", *name, (const char *)NULL);
	cr_assert(eq(int, r.code, 1), "%s: exit %d, stdout %s, stderr %s",
	    *name, r.code, r.out, r.err);
	cr_assert(eq(str, r.out, "err EPERM\n"), "%s: %s", *name, r.out);
	th_run_free(&r);
}

/* Everything else the filters decide, one row each. */
static const struct row rows[] = {
	{ "clone3 falls back", "syscall", "clone3", 1, "err ENOSYS\n" },
	{ "personality query", "syscall", "personality-query", 0, "ok\n" },
	{ "unknown nr 470", "nr", "470", 1, "err ENOSYS\n" },
	{ "unknown nr 511", "nr", "511", 1, "err ENOSYS\n" },
	{ "unknown nr 600", "nr", "600", 1, "err ENOSYS\n" },
	{ "x32 getpid", "x32", "39", 1, "err ENOSYS\n" },
	{ "clone newuser", "clone-ns", "newuser", 1, "err EPERM\n" },
	{ "clone newns", "clone-ns", "newns", 1, "err EPERM\n" },
	{ "clone newpid", "clone-ns", "newpid", 1, "err EPERM\n" },
	{ "clone newnet", "clone-ns", "newnet", 1, "err EPERM\n" },
	{ "threads work", "thread", NULL, 0, "ok\n" },
	{ "fork works", "fork", NULL, 0, "ok\n" },
};

ParameterizedTestParameters(seccomp, filter_row)
{
	return sbx_index_params(SBX_NITEMS(rows));
}

/* Each row gets its exact answer. */
ParameterizedTest(size_t *i, seccomp, filter_row)
{
	const struct row *t = &rows[*i];
	struct th_run r;

	sbx_probe(&r, NULL, t->op, t->arg, (const char *)NULL);
	cr_assert(eq(int, r.code, t->code), "%s: exit %d, stdout %s, stderr %s",
	    t->name, r.code, r.out, r.err);
	cr_assert(eq(str, r.out, (char *)t->want), "%s: %s", t->name, r.out);
	th_run_free(&r);
}

/* ---- metadata: calls Landlock does not cover, mediated beneath -w ---- */

static char *mdir, *mfile;

static void
md_setup(void)
{
	mdir = th_tmpdir();
	mfile = sbx_join(mdir, "f");
	cr_assert(eq(int, th_write_file(mfile, "x\n"), 0));
}

static void
md_teardown(void)
{
	sbx_rmtree(mdir);
}

static const struct row md_rows[] = {
	{ "chmod", "chmod", "600", 0, "ok\n" },
	{ "fchmod (fd form)", "fchmod", "600", 1, "err EPERM\n" },
	{ "fchmodat2", "fchmodat2", "600", 0, "ok\n" },
	{ "chown", "chown", NULL, 0, "ok\n" },
	{ "setxattr", "setxattr", NULL, 0, "ok\n" },
	{ "setxattrat (not mediated)", "setxattrat", NULL, 1, "err EPERM\n" },
	{ "removexattrat (not mediated)", "removexattrat", NULL, 1,
	    "err EPERM\n" },
	{ "utimensat by path", "utimensat", NULL, 0, "ok\n" },
	{ "futimens on an fd", "futimens", NULL, 0, "ok\n" },
};

ParameterizedTestParameters(metadata, call_inside_write_rule)
{
	return sbx_index_params(SBX_NITEMS(md_rows));
}

/*
 * Inside -w the supervisor performs path-named metadata changes; the fd
 * forms (but futimens) and the *xattrat twins stay EPERM.
 */
ParameterizedTest(size_t *i, metadata, call_inside_write_rule,
    .init = md_setup, .fini = md_teardown)
{
	const struct row *t = &md_rows[*i];
	const char *extra[] = { "-w", mdir, NULL };
	struct th_run r;

	sbx_probe(&r, extra, t->op, mfile, t->arg, (const char *)NULL);
	cr_assert(eq(int, r.code, t->code), "%s: exit %d, stdout %s, stderr %s",
	    t->name, r.code, r.out, r.err);
	cr_assert(eq(str, r.out, (char *)t->want), "%s: %s", t->name, r.out);
	th_run_free(&r);
}

/* ---- sockets ---- */

static const struct row sock_rows[] = {
	{ "inet stream", "inet", "stream", 1, "err EACCES\n" },
	{ "inet dgram", "inet", "dgram", 1, "err EACCES\n" },
	{ "inet6 stream", "inet6", "stream", 1, "err EACCES\n" },
	{ "netlink dgram", "netlink", "dgram", 1, "err EACCES\n" },
	{ "packet dgram", "packet", "dgram", 1, "err EACCES\n" },
	{ "unix stream", "unix", "stream", 0, "ok\n" },
};

ParameterizedTestParameters(sockets, socket_family)
{
	return sbx_index_params(SBX_NITEMS(sock_rows));
}

/* Only AF_UNIX sockets can be made; other families get EACCES. */
ParameterizedTest(size_t *i, sockets, socket_family)
{
	const struct row *t = &sock_rows[*i];
	struct th_run r;

	sbx_probe(&r, NULL, "socket", t->op, t->arg, (const char *)NULL);
	cr_assert(eq(int, r.code, t->code), "%s: exit %d, stdout %s, stderr %s",
	    t->name, r.code, r.out, r.err);
	cr_assert(eq(str, r.out, (char *)t->want), "%s: %s", t->name, r.out);
	th_run_free(&r);
}

/* ---- terminal injection, under a real pty as the controlling tty ---- */

/*
 * Runs the probe under sandlock with a fresh pty (ECHO on) as controlling
 * terminal and stdin/stdout/stderr; returns everything the master read.
 * Anything TIOCSTI managed to inject would be echoed there.
 */
static char *
run_on_pty(const char *op, const char *arg, int *code)
{
	const char *cmd[] = { th_probe(), op, arg, NULL };
	const char *const *argv = sbx_argv(NULL, cmd);
	struct termios t;
	int master, slave, ws;
	char *out;
	pid_t pid;

	cr_assert(eq(int, openpty(&master, &slave, NULL, NULL, NULL), 0));
	cr_assert(eq(int, tcgetattr(slave, &t), 0));
	t.c_lflag |= ECHO | ICANON;
	cr_assert(eq(int, tcsetattr(slave, TCSANOW, &t), 0));
	(void)fcntl(master, F_SETFD, FD_CLOEXEC);
	cr_assert(ge(int, pid = fork(), 0));
	if (pid == 0) {
		close(master);
		if (login_tty(slave) < 0)
			_exit(126);
		execv(argv[0], (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	close(slave);
	/* The master reads EIO once the last slave fd closes. */
	out = sbx_read_all(master, 10000);
	ws = sbx_wait_ms(pid, 10000);
	cr_assert(ne(int, ws, -1), "sandlock did not exit");
	*code = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
	close(master);
	return out;
}

/* TIOCSTI on the controlling pty gets EPERM and injects nothing. */
Test(tty, tiocsti_is_eperm)
{
	int code;
	char *out = run_on_pty("tiocsti", NULL, &code);

	cr_assert(eq(int, code, 1), "output: %s", out);
	cr_assert(eq(str, out, "err EPERM\r\n"));
	free(out);
}

/* TIOCSTI with junk in the high 32 bits of the command still gets EPERM. */
Test(tty, tiocsti_high_bits_is_eperm)
{
	int code;
	char *out = run_on_pty("tiocsti", "hi", &code);

	cr_assert(eq(int, code, 1), "output: %s", out);
	cr_assert(eq(str, out, "err EPERM\r\n"));
	free(out);
}

/* TIOCLINUX on the controlling pty gets EPERM. */
Test(tty, tioclinux_is_eperm)
{
	int code;
	char *out = run_on_pty("tioclinux", NULL, &code);

	cr_assert(eq(int, code, 1), "output: %s", out);
	cr_assert(eq(str, out, "err EPERM\r\n"));
	free(out);
}

/* TIOCLINUX with junk in the high 32 bits still gets EPERM. */
Test(tty, tioclinux_high_bits_is_eperm)
{
	int code;
	char *out = run_on_pty("tioclinux", "hi", &code);

	cr_assert(eq(int, code, 1), "output: %s", out);
	cr_assert(eq(str, out, "err EPERM\r\n"));
	free(out);
}

/* ---- --extra-deny-syscall ---- */

/* An extra denial of socket beats the default AF_UNIX allowance. */
Test(extra_deny, socket_denial_beats_unix_allowance)
{
	const char *extra[] = { "--extra-deny-syscall", "socket", NULL };
	struct th_run r;

	sbx_probe(&r, extra, "socket", "unix", "stream", (const char *)NULL);
	SBX_EXPECT(&r, 1, "err EPERM\n");
	th_run_free(&r);
}

/* An extra denial of mkdir and mkdirat beats the -w rule. */
Test(extra_deny, mkdir_denial_beats_write_rule)
{
	char *dir = th_tmpdir(), *d = sbx_join(dir, "d");
	const char *extra[] = { "-w", dir, "--extra-deny-syscall", "mkdir",
	    "--extra-deny-syscall", "mkdirat", NULL };
	struct th_run r;

	sbx_probe(&r, extra, "mkdir", d, (const char *)NULL);
	SBX_EXPECT(&r, 1, "err EPERM\n");
	cr_assert(ne(int, access(d, F_OK), 0));
	th_run_free(&r);
	sbx_rmtree(dir);
	free(d);
	free(dir);
}

/* Without the extra denial the same mkdir works (control for the above). */
Test(extra_deny, mkdir_without_denial_works)
{
	char *dir = th_tmpdir(), *d = sbx_join(dir, "d");
	const char *extra[] = { "-w", dir, NULL };
	struct th_run r;

	sbx_probe(&r, extra, "mkdir", d, (const char *)NULL);
	SBX_EXPECT(&r, 0, "ok\n");
	th_run_free(&r);
	sbx_rmtree(dir);
	free(d);
	free(dir);
}

/* An unknown syscall name gives 125. */
Test(extra_deny, unknown_name_is_125)
{
	const char *extra[] = { "--extra-deny-syscall", "no_such_call", NULL };
	struct th_run r;

	sbx_probe(&r, extra, "true", (const char *)NULL);
	SBX_EXPECT(&r, 125, "");
	SBX_STDERR_HAS(&r, "unknown syscall name");
	th_run_free(&r);
}
