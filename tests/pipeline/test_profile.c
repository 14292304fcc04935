/*
 * test_profile.c: profiles and pipeline files end to end through the CLI:
 * each key enforced, flags over a profile, the search order, profile
 * list/show/check, and pipeline files with disjoint stage policies.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "th.h"

TestSuite(profile_cli, .timeout = 60);

#define STD_READ "read = ['/usr', '/lib', '/lib64', '/bin']\n"
#define ARGV(...)	((const char *const[]){ __VA_ARGS__, NULL })

static char *tp_dir;

/* Writes dir/name with the given contents; returns the malloc'd path. */
static char *
put(const char *dir, const char *name, const char *contents)
{
	char *p;

	cr_assert(asprintf(&p, "%s/%s", dir, name) > 0);
	cr_assert(eq(int, th_write_file(p, contents), 0), "%s", p);
	return p;
}

/* A profile file in a fresh directory; its path. */
static char *
profile(const char *contents)
{
	if (tp_dir == NULL)
		tp_dir = th_tmpdir();
	return put(tp_dir, "p.toml", contents);
}

static void
run(struct th_run *r, const char *const argv[])
{
	cr_assert(eq(int, th_runv(r, argv, -1, 30), 0));
}

/* [filesystem] read: a file beneath it is readable. */
Test(profile_cli, read_path_readable)
{
	char *d = th_tmpdir(), *doc, *f;
	struct th_run r;

	put(d, "in.txt", "from the profile\n");
	cr_assert(asprintf(&doc, "[program]\nexec = '/bin/cat'\nargs = "
	    "['%s/in.txt']\n[filesystem]\nread = ['/usr', '/lib', '/lib64', "
	    "'/bin', '%s']\n", d, d) > 0);
	f = profile(doc);
	run(&r, ARGV(th_sandlock(), "run", "--profile-file", f));
	cr_assert(eq(int, r.code, 0), "%s", r.err);
	cr_assert(eq(str, r.out, "from the profile\n"));
	th_run_free(&r);
}

/* [filesystem] write: writable; read: not writable. */
Test(profile_cli, write_path_writable_read_path_not)
{
	char *w = th_tmpdir(), *ro = th_tmpdir(), *doc, *f, out[4200];
	struct th_run r;

	cr_assert(asprintf(&doc, "[program]\nexec = '/bin/sh'\nargs = ['-c', "
	    "'echo ok > %s/f; echo no > %s/g']\n[filesystem]\n" STD_READ
	    "write = ['%s']\n", w, ro, w) > 0);
	f = profile(doc);
	/* ro is read-only: add it with -r on the command line */
	run(&r, ARGV(th_sandlock(), "run", "--profile-file", f, "-r", ro));
	cr_assert(ne(int, r.code, 0), "write to the read-only dir worked");
	(void)snprintf(out, sizeof(out), "%s/f", w);
	cr_assert(eq(int, access(out, F_OK), 0), "%s not written", out);
	(void)snprintf(out, sizeof(out), "%s/g", ro);
	cr_assert(ne(int, access(out, F_OK), 0), "%s written", out);
	th_run_free(&r);
}

/* [limits] timeout kills the command: exit 124. */
Test(profile_cli, timeout_enforced)
{
	char *f = profile("[program]\nexec = '/bin/sleep'\nargs = ['10']\n"
	    "[filesystem]\n" STD_READ "[limits]\ntimeout = '0.3'\n");
	struct th_run r;

	run(&r, ARGV(th_sandlock(), "run", "--profile-file", f));
	cr_assert(eq(int, r.code, 124), "%s", r.err);
	th_run_free(&r);
}

/* env, clean_env and cwd apply. */
Test(profile_cli, env_clean_env_cwd)
{
	char *d = th_tmpdir(), *doc, *f, want[4200];
	struct th_run r;

	cr_assert(asprintf(&doc, "[program]\nexec = '/bin/sh'\nargs = ['-c', "
	    "'echo \"$A:$SL_OUTER:$(pwd)\"']\nclean_env = true\ncwd = '%s'\n"
	    "env = { A = 'from profile' }\n[filesystem]\nread = ['/usr', "
	    "'/lib', '/lib64', '/bin', '%s']\n", d, d) > 0);
	f = profile(doc);
	setenv("SL_OUTER", "leaked", 1);
	run(&r, ARGV(th_sandlock(), "run", "--profile-file", f));
	cr_assert(eq(int, r.code, 0), "%s", r.err);
	(void)snprintf(want, sizeof(want), "from profile::%s\n", d);
	cr_assert(eq(str, r.out, want));
	th_run_free(&r);
}

/* [syscalls] extra_deny: the call fails with EPERM. */
Test(profile_cli, extra_deny)
{
	char *d = th_tmpdir(), *doc, *f, sub[4200];
	struct th_run r;

	cr_assert(asprintf(&doc, "[program]\nexec = '/bin/mkdir'\nargs = "
	    "['%s/sub']\n[filesystem]\n" STD_READ "write = ['%s']\n"
	    "[syscalls]\nextra_deny = ['mkdir', 'mkdirat']\n", d, d) > 0);
	f = profile(doc);
	run(&r, ARGV(th_sandlock(), "run", "--profile-file", f));
	cr_assert(ne(int, r.code, 0));
	cr_assert(strstr(r.err, "Operation not permitted") != NULL, "%s",
	    r.err);
	(void)snprintf(sub, sizeof(sub), "%s/sub", d);
	cr_assert(ne(int, access(sub, F_OK), 0));
	th_run_free(&r);
}

/* Flags over a profile: -t overrides, --env overrides, the command too. */
Test(profile_cli, flags_override_profile)
{
	char *f = profile("[program]\nexec = '/bin/false'\nenv = { A = '1' }\n"
	    "[filesystem]\n" STD_READ "[limits]\ntimeout = '0.2'\n");
	struct th_run r;

	run(&r, ARGV(th_sandlock(), "run", "--profile-file", f, "-t", "20",
	    "--env", "A=2", "-r", "/usr", "--", "/bin/sh", "-c",
	    "sleep 0.5; echo $A"));
	cr_assert(eq(int, r.code, 0), "%s", r.err);
	cr_assert(eq(str, r.out, "2\n"));
	th_run_free(&r);
}

/* -w on a path the profile has read-only is refused. */
Test(profile_cli, flag_mode_conflict)
{
	char *f = profile("[filesystem]\n" STD_READ);
	struct th_run r;

	run(&r, ARGV(th_sandlock(), "run", "--profile-file", f, "-w", "/usr",
	    "--", "true"));
	cr_assert(eq(int, r.code, 125));
	cr_assert(strstr(r.err, "/usr: given writable (-w), but the profile "
	    "lists it in filesystem.read") != NULL, "%s", r.err);
	th_run_free(&r);
}

/* Without "--" and without [program] exec there is no command. */
Test(profile_cli, no_command)
{
	char *f = profile("[filesystem]\n" STD_READ);
	struct th_run r;

	run(&r, ARGV(th_sandlock(), "run", "--profile-file", f));
	cr_assert(eq(int, r.code, 125));
	cr_assert(strstr(r.err, "no command") != NULL, "%s", r.err);
	th_run_free(&r);
}

/* An invalid profile: 125 and file:line:col; nothing runs. */
Test(profile_cli, invalid_profile_file)
{
	char *f = profile("[program]\nexec = '/bin/touch'\n[filesystem]\n"
	    "read = '/usr'\n");
	struct th_run r;
	char want[4300];

	run(&r, ARGV(th_sandlock(), "run", "--profile-file", f));
	cr_assert(eq(int, r.code, 125));
	(void)snprintf(want, sizeof(want), "sandlock: %s:4:8: expected a "
	    "string array for filesystem.read", f);
	cr_assert(eq(int, strncmp(r.err, want, strlen(want)), 0), "%s", r.err);
	th_run_free(&r);
}

/* Search order: $XDG_CONFIG_HOME first, then ~/.config; list shows both. */
Test(profile_cli, search_order_list_show)
{
	char *xdg = th_tmpdir(), *home = th_tmpdir(), d1[4200], d2[4200];
	char want[20000];
	struct th_run r;

	(void)snprintf(d1, sizeof(d1), "%s/sandlock", xdg);
	cr_assert(eq(int, mkdir(d1, 0755), 0));
	(void)snprintf(d1, sizeof(d1), "%s/sandlock/profiles", xdg);
	cr_assert(eq(int, mkdir(d1, 0755), 0));
	(void)snprintf(d2, sizeof(d2), "%s/.config", home);
	cr_assert(eq(int, mkdir(d2, 0755), 0));
	(void)snprintf(d2, sizeof(d2), "%s/.config/sandlock", home);
	cr_assert(eq(int, mkdir(d2, 0755), 0));
	(void)snprintf(d2, sizeof(d2), "%s/.config/sandlock/profiles", home);
	cr_assert(eq(int, mkdir(d2, 0755), 0));
	put(d1, "hi.toml", "[program]\nexec = '/bin/echo'\nargs = ['xdg']\n"
	    "[filesystem]\n" STD_READ);
	put(d2, "hi.toml", "[program]\nexec = '/bin/echo'\nargs = ['home']\n"
	    "[filesystem]\n" STD_READ);
	put(d2, "other.toml", "");
	setenv("XDG_CONFIG_HOME", xdg, 1);
	setenv("HOME", home, 1);
	run(&r, ARGV(th_sandlock(), "run", "-p", "hi"));
	cr_assert(eq(int, r.code, 0), "%s", r.err);
	cr_assert(eq(str, r.out, "xdg\n"));
	th_run_free(&r);
	run(&r, ARGV(th_sandlock(), "profile", "list"));
	(void)snprintf(want, sizeof(want), "hi\t%s/hi.toml\n"
	    "hi\t%s/hi.toml\t(shadowed by %s)\nother\t%s/other.toml\n",
	    d1, d2, d1, d2);
	cr_assert(eq(int, r.code, 0));
	cr_assert(eq(str, r.out, want));
	th_run_free(&r);
	run(&r, ARGV(th_sandlock(), "profile", "show", "hi"));
	(void)snprintf(want, sizeof(want), "# %s/hi.toml\n[program]\nexec = "
	    "'/bin/echo'\nargs = ['xdg']\n[filesystem]\n" STD_READ, d1);
	cr_assert(eq(str, r.out, want));
	th_run_free(&r);
	unsetenv("XDG_CONFIG_HOME");
	run(&r, ARGV(th_sandlock(), "run", "-p", "hi"));
	cr_assert(eq(str, r.out, "home\n"));
	th_run_free(&r);
	run(&r, ARGV(th_sandlock(), "run", "-p", "../hi"));
	cr_assert(eq(int, r.code, 125));
	cr_assert(strstr(r.err, "profile name '../hi'") != NULL, "%s", r.err);
	th_run_free(&r);
}

/* profile check: the canonical form and a digest equal across spellings. */
Test(profile_cli, check_prints_canonical_and_digest)
{
	char *d = th_tmpdir(), *a, *b;
	struct th_run r1, r2;

	a = put(d, "a.toml", "[filesystem]\nread = ['/usr', '/bin']\n"
	    "[limits]\ntimeout = 2\n");
	b = put(d, "b.toml", "# same\n[limits]\ntimeout = \"2.0\"\n"
	    "[filesystem]\nread = [\n  \"/bin\",\n  \"/usr\",\n]\n");
	run(&r1, ARGV(th_sandlock(), "profile", "check", a));
	run(&r2, ARGV(th_sandlock(), "profile", "check", b));
	cr_assert(eq(int, r1.code, 0), "%s", r1.err);
	cr_assert(eq(int, r2.code, 0), "%s", r2.err);
	cr_assert(strstr(r1.out, "read = [\"/bin\", \"/usr\"]\n") != NULL);
	cr_assert(strstr(r1.out, "# digest: sha256:") != NULL);
	cr_assert(eq(str, r1.out, r2.out));
	th_run_free(&r1);
	th_run_free(&r2);
	b = put(d, "c.toml", "[limits]\ncpu = 50\n");
	run(&r1, ARGV(th_sandlock(), "profile", "check", b));
	cr_assert(eq(int, r1.code, 125));
	cr_assert(strstr(r1.err, "c.toml:2:1: limits.cpu is not supported "
	    "by this version of sandlock\n") != NULL, "%s", r1.err);
	cr_assert(eq(str, r1.out, ""));
	th_run_free(&r1);
}

/* A pipeline file: disjoint stage policies, data flows only by pipe. */
Test(profile_cli, pipeline_file_disjoint_policies)
{
	char *d = th_tmpdir(), *doc, *f;
	struct th_run r;

	put(d, "secret.txt", "sensitive\n");
	cr_assert(asprintf(&doc, "[job]\ntimeout = 20\n"
	    "[[stage]]\nprogram.exec = '/bin/cat'\nprogram.args = "
	    "['%s/secret.txt']\nfilesystem.read = ['/usr', '/lib', '/lib64', "
	    "'/bin', '%s']\n"
	    "[[stage]]\n[stage.program]\nexec = '/bin/sh'\nargs = ['-c', "
	    "'tr a-z A-Z; cat %s/secret.txt 2>/dev/null || echo denied']\n"
	    "[stage.filesystem]\n" STD_READ, d, d, d) > 0);
	f = put(d, "job.toml", doc);
	run(&r, ARGV(th_sandlock(), "pipeline", "--file", f));
	cr_assert(eq(int, r.code, 0), "%s", r.err);
	cr_assert(eq(str, r.out, "SENSITIVE\ndenied\n"));
	th_run_free(&r);
}

/* A gather file: sources by name, the consumer reads them. */
Test(profile_cli, gather_file)
{
	char *d = th_tmpdir(), *f;
	struct th_run r;

	f = put(d, "g.toml", "[job]\nkind = 'gather'\n"
	    "[[stage]]\nname = 'a'\nprogram = { exec = '/bin/echo', args = "
	    "['A'] }\nfilesystem.read = ['/usr', '/lib', '/lib64', '/bin']\n"
	    "[[stage]]\nname = 'b'\nprogram = { exec = '/bin/echo', args = "
	    "['B'] }\nfilesystem.read = ['/usr', '/lib', '/lib64', '/bin']\n"
	    "[[stage]]\nprogram.exec = '/bin/sh'\nprogram.args = ['-c', "
	    "'cat <&3; cat; echo $_SANDLOCK_GATHER']\n"
	    "filesystem.read = ['/usr', '/lib', '/lib64', '/bin']\n");
	run(&r, ARGV(th_sandlock(), "gather", "--file", f));
	cr_assert(eq(int, r.code, 0), "%s", r.err);
	cr_assert(eq(str, r.out, "A\nB\na:3,b:0\n"));
	th_run_free(&r);
}

/* An invalid stage: 125 with file:line:col, and no stage ran. */
Test(profile_cli, pipeline_file_invalid_runs_nothing)
{
	char *d = th_tmpdir(), *doc, *f, mark[4200];
	struct th_run r;

	cr_assert(asprintf(&doc, "[[stage]]\nprogram.exec = '/bin/touch'\n"
	    "program.args = ['%s/ran']\nfilesystem.write = ['%s']\n"
	    "filesystem.read = ['/usr', '/lib', '/lib64', '/bin']\n"
	    "[[stage]]\nprogram.exec = '/bin/cat'\n"
	    "filesystem.read = ['/usr', 'lib']\n", d, d) > 0);
	f = put(d, "bad.toml", doc);
	run(&r, ARGV(th_sandlock(), "pipeline", "--file", f));
	cr_assert(eq(int, r.code, 125));
	cr_assert(strstr(r.err, "bad.toml:8:28: stage.filesystem.read: lib: "
	    "path must be absolute") != NULL, "%s", r.err);
	(void)snprintf(mark, sizeof(mark), "%s/ran", d);
	cr_assert(ne(int, access(mark, F_OK), 0), "a stage ran");
	th_run_free(&r);
}

/* ---- limits ----------------------------------------------------------- */

#define FOUR_FDS	"'exec 3</dev/null 4</dev/null 5</dev/null " \
			    "6</dev/null; echo opened'"

/* limits.open_files = 5: the shell cannot open fds 3 to 6; 7 is enough. */
Test(profile_cli, open_files_enforced)
{
	char *f = profile("[program]\nexec = '/bin/sh'\nargs = ['-c', "
	    FOUR_FDS "]\n[filesystem]\n" STD_READ
	    "[limits]\nopen_files = 5\n");
	struct th_run r;

	run(&r, ARGV(th_sandlock(), "run", "--profile-file", f));
	cr_assert(ne(int, r.code, 0), "%s", r.out);
	cr_assert(eq(str, r.out, ""));
	cr_assert(strstr(r.err, "Too many open files") != NULL, "%s", r.err);
	th_run_free(&r);
	f = profile("[program]\nexec = '/bin/sh'\nargs = ['-c', " FOUR_FDS
	    "]\n[filesystem]\n" STD_READ "[limits]\nopen_files = 7\n");
	run(&r, ARGV(th_sandlock(), "run", "--profile-file", f));
	cr_assert(eq(int, r.code, 0), "%s", r.err);
	cr_assert(eq(str, r.out, "opened\n"));
	th_run_free(&r);
}

/* A profile for the probe with extra [limits] lines; its path. */
static char *
probe_profile(const char *op_args, const char *limits)
{
	char *doc;

	cr_assert(asprintf(&doc, "[program]\nexec = '%s'\nargs = [%s]\n"
	    "[filesystem]\nread = ['/usr', '/lib', '/lib64', '/bin', '%s']\n"
	    "[limits]\n%s", th_probe(), op_args, th_build(), limits) > 0);
	return profile(doc);
}

/* limits.processes = 3: the probe and 2 children; 8 forks fail. */
Test(profile_cli, processes_enforced)
{
	char *f = probe_profile("'fork-many', '10', '1'", "processes = 3\n");
	struct th_run r;

	run(&r, ARGV(th_sandlock(), "run", "--profile-file", f));
	cr_assert(eq(int, r.code, 0), "%s", r.err);
	cr_assert(eq(str, r.out, "ok 2 8 EAGAIN\n"));
	th_run_free(&r);
}

/* -P over limits.processes, -m over limits.memory. */
Test(profile_cli, limit_flags_override_profile)
{
	char *f = probe_profile("'fork-many', '10', '1'", "processes = 8\n");
	struct th_run r;

	run(&r, ARGV(th_sandlock(), "run", "--profile-file", f, "-P", "3"));
	cr_assert(eq(int, r.code, 0), "%s", r.err);
	cr_assert(eq(str, r.out, "ok 2 8 EAGAIN\n"));
	th_run_free(&r);
	f = probe_profile("'alloc', '64'", "memory = '16M'\n");
	run(&r, ARGV(th_sandlock(), "run", "--profile-file", f));
	cr_assert(eq(int, r.code, 1), "%s", r.err);
	cr_assert(eq(str, r.out, "err ENOMEM\n"));
	th_run_free(&r);
	run(&r, ARGV(th_sandlock(), "run", "--profile-file", f, "-m", "256M"));
	cr_assert(eq(int, r.code, 0), "%s", r.err);
	cr_assert(eq(str, r.out, "ok 64\n"));
	th_run_free(&r);
}

/* kernel.no_supervisor with -P on the command line: 125, nothing runs. */
Test(profile_cli, no_supervisor_profile_refuses_processes_flag)
{
	char *f = probe_profile("'true'", "[kernel]\nno_supervisor = true\n");
	struct th_run r;

	run(&r, ARGV(th_sandlock(), "run", "--profile-file", f, "-P", "3"));
	cr_assert(eq(int, r.code, 125));
	cr_assert(eq(str, r.out, ""));
	cr_assert(strstr(r.err, "cannot enforce -P/--max-processes") != NULL,
	    "%s", r.err);
	th_run_free(&r);
	run(&r, ARGV(th_sandlock(), "run", "--profile-file", f));
	cr_assert(eq(int, r.code, 0), "%s", r.err);
	cr_assert(eq(str, r.out, "ok\n"));
	th_run_free(&r);
}

/* limits.file_size and limits.cpu_time are the processes' rlimits. */
Test(profile_cli, file_size_and_cpu_time_enforced)
{
	char *d = th_tmpdir(), *doc, *f, path[4200];
	struct th_run r;
	struct stat st;

	cr_assert(asprintf(&doc, "[program]\nexec = '/bin/sh'\nargs = ['-c', "
	    "\"trap '' XFSZ; head -c 4096 /dev/zero > %s/f\"]\n"
	    "[filesystem]\n" STD_READ "write = ['%s']\n"
	    "[limits]\nfile_size = '1K'\ncpu_time = 1\n", d, d) > 0);
	f = profile(doc);
	run(&r, ARGV(th_sandlock(), "run", "--profile-file", f));
	cr_assert(ne(int, r.code, 0));
	(void)snprintf(path, sizeof(path), "%s/f", d);
	cr_assert(eq(int, stat(path, &st), 0));
	cr_assert(eq(i64, (int64_t)st.st_size, 1024));
	th_run_free(&r);
	run(&r, ARGV(th_sandlock(), "run", "--profile-file", f, "-t", "20",
	    "--", "/bin/sh", "-c", "while :; do :; done"));
	cr_assert(eq(int, r.code, 128 + SIGKILL), "%s", r.err);
	th_run_free(&r);
}

/* profile check prints the limits in canonical form. */
Test(profile_cli, check_prints_limits)
{
	char *f = profile("[limits]\ncpu_time = 5\nmemory = 1073741824\n"
	    "[kernel]\nno_supervisor = false\n");
	struct th_run r;

	run(&r, ARGV(th_sandlock(), "profile", "check", f));
	cr_assert(eq(int, r.code, 0), "%s", r.err);
	cr_assert(strstr(r.out, "\n[limits]\nmemory = \"1G\"\ncpu_time = 5\n")
	    != NULL, "%s", r.out);
	th_run_free(&r);
	f = profile("[limits]\nprocesses = 3\n[kernel]\nno_supervisor = true\n");
	run(&r, ARGV(th_sandlock(), "profile", "check", f));
	cr_assert(eq(int, r.code, 125));
	cr_assert(strstr(r.err, "p.toml:4:17: kernel.no_supervisor cannot "
	    "enforce limits.processes\n") != NULL, "%s", r.err);
	th_run_free(&r);
}

/* A pipeline file: each stage with its own limits. */
Test(profile_cli, pipeline_file_stage_limits)
{
	char *d = th_tmpdir(), *doc, *f;
	struct th_run r;

	cr_assert(asprintf(&doc, "[[stage]]\nprogram.exec = '%s'\n"
	    "program.args = ['fork-many', '10', '1']\n"
	    "filesystem.read = ['/usr', '/lib', '/lib64', '/bin', '%s']\n"
	    "limits.processes = 3\n"
	    "[[stage]]\nprogram.exec = '/bin/sh'\nprogram.args = ['-c', "
	    "'cat; (exec 3</dev/null 4</dev/null) || echo limited']\n"
	    "[stage.filesystem]\n" STD_READ "[stage.limits]\nopen_files = 4\n",
	    th_probe(), th_build()) > 0);
	f = put(d, "job.toml", doc);
	run(&r, ARGV(th_sandlock(), "pipeline", "--file", f));
	cr_assert(eq(int, r.code, 0), "%s", r.err);
	cr_assert(eq(str, r.out, "ok 2 8 EAGAIN\nlimited\n"));
	th_run_free(&r);
}
