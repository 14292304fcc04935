/*
 * test_profile.c: profiles and pipeline files mapped onto struct pol
 * (policy/profile.c, policy/jobfile.c), the merge of flags over a
 * profile, and the canonical form and digest (policy/canon.c).  One bad
 * input per test, with errno and the exact file:line:col.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <errno.h>
#include <string.h>

#include "profile.h"
#include "syscalls.h"

static struct pol tp_p;
static struct pol_strv tp_prog;
static struct pol_diag tp_d;

static void
tp_setup(void)
{
	pol_init(&tp_p);
	memset(&tp_prog, 0, sizeof(tp_prog));
	memset(&tp_d, 0, sizeof(tp_d));
}

static void
tp_teardown(void)
{
	pol_free(&tp_p);
	pol_strv_free(&tp_prog);
}

TestSuite(profile, .init = tp_setup, .fini = tp_teardown);
TestSuite(jobfile);
TestSuite(canon);

static int
tp_parse(const char *doc)
{
	return pol_parse_profile(doc, strlen(doc), "prof.toml", &tp_p,
	    &tp_prog, &tp_d);
}

static void
tp_bad(const char *doc, int err, unsigned line, unsigned col,
    const char *msg)
{
	int r = tp_parse(doc), e = errno;

	cr_assert(eq(int, r, -1), "parsed: %s", doc);
	cr_assert(eq(int, e, err), "errno %d: %s", e, tp_d.msg);
	cr_assert(eq(str, tp_d.file, "prof.toml"));
	cr_assert(eq(u32, tp_d.line, line), "%u:%u: %s", tp_d.line, tp_d.col,
	    tp_d.msg);
	cr_assert(eq(u32, tp_d.col, col), "%u:%u: %s", tp_d.line, tp_d.col,
	    tp_d.msg);
	cr_assert(eq(str, tp_d.msg, (char *)msg));
}

/* Every supported key lands in struct pol. */
Test(profile, every_key)
{
	cr_assert(eq(int, tp_parse(
	    "[program]\n"
	    "args = ['-c', 'x']\n"
	    "exec = '/bin/sh'\n"
	    "clean_env = true\n"
	    "cwd = '/tmp'\n"
	    "env = { A = '1', B_2 = 'x=y' }\n"
	    "[filesystem]\n"
	    "read = ['/usr', '/lib']\n"
	    "write = ['/tmp']\n"
	    "[limits]\n"
	    "timeout = 3\n"
	    "[syscalls]\n"
	    "extra_deny = ['chmod', 'mount']\n"
	    "[kernel]\n"
	    "allow_degraded = true\n"), 0), "%u:%u: %s", tp_d.line, tp_d.col,
	    tp_d.msg);
	cr_assert(eq(sz, tp_prog.n, 3));
	cr_assert(eq(str, tp_prog.v[0], "/bin/sh"));
	cr_assert(eq(str, tp_prog.v[2], "x"));
	cr_assert(tp_p.clean_env);
	cr_assert(eq(str, tp_p.cwd, "/tmp"));
	cr_assert(eq(sz, tp_p.env.n, 2));
	cr_assert(eq(str, tp_p.env.v[1], "B_2=x=y"));
	cr_assert(eq(sz, tp_p.fs_read.n, 2));
	cr_assert(eq(str, tp_p.fs_write.v[0], "/tmp"));
	cr_assert(eq(u64, tp_p.timeout_ms, 3000));
	cr_assert(eq(sz, tp_p.ndeny, 2));
	cr_assert(eq(str, (char *)pol_syscall_name((int)tp_p.deny[1]), "mount"));
	cr_assert(tp_p.allow_degraded);
}

/* A timeout may be a string with up to 3 decimals. */
Test(profile, timeout_string)
{
	cr_assert(eq(int, tp_parse("[limits]\ntimeout = \"1.5\"\n"), 0));
	cr_assert(eq(u64, tp_p.timeout_ms, 1500));
}

/* Empty sections and an empty document are an empty policy. */
Test(profile, empty_sections)
{
	cr_assert(eq(int, tp_parse("[program]\n[filesystem]\n"), 0));
	cr_assert(eq(sz, tp_prog.n, 0));
	cr_assert(eq(sz, tp_p.fs_read.n, 0));
}

Test(profile, rejects_string_for_read)
{ tp_bad("[filesystem]\n\nread = \"/usr\"\n", EINVAL, 3, 8, "expected a string array for filesystem.read"); }

Test(profile, rejects_non_string_item)
{ tp_bad("[filesystem]\nwrite = ['/a', 1]\n", EINVAL, 2, 16, "expected a string array for filesystem.write"); }

Test(profile, rejects_relative_path)
{ tp_bad("[filesystem]\nread = ['usr']\n", EINVAL, 2, 9, "filesystem.read: usr: path must be absolute"); }

Test(profile, rejects_path_read_and_write)
{ tp_bad("[filesystem]\nread = ['/a']\nwrite = ['/a']\n", EEXIST, 3, 10, "filesystem.write: /a: path given twice"); }

Test(profile, rejects_unknown_section)
{ tp_bad("[programme]\nexec = 'x'\n", EINVAL, 1, 2, "unknown section [programme]"); }

Test(profile, rejects_unknown_key)
{ tp_bad("[program]\nexe = 'x'\n", EINVAL, 2, 1, "unknown key 'exe' in [program]"); }

Test(profile, rejects_flat_key)
{ tp_bad("fs_readable = ['/usr']\n", EINVAL, 1, 1, "top-level key 'fs_readable' is not allowed: keys belong in a section such as [filesystem]"); }

Test(profile, rejects_section_not_table)
{ tp_bad("program = 'x'\n", EINVAL, 1, 11, "expected a table for [program]"); }

Test(profile, rejects_memory_limit)
{ tp_bad("[limits]\nmemory = '512M'\n", EINVAL, 2, 1, "limits.memory is not supported by this version of sandlock"); }

Test(profile, rejects_processes_limit)
{ tp_bad("[limits]\nprocesses = 10\n", EINVAL, 2, 1, "limits.processes is not supported by this version of sandlock"); }

Test(profile, rejects_open_files_limit)
{ tp_bad("[limits]\nopen_files = 10\n", EINVAL, 2, 1, "limits.open_files is not supported by this version of sandlock"); }

Test(profile, rejects_network_section)
{ tp_bad("[network]\nallow = [':443']\n", EINVAL, 1, 2, "[network] is not supported by this version of sandlock"); }

Test(profile, rejects_fs_deny)
{ tp_bad("[filesystem]\ndeny = ['/etc']\n", EINVAL, 2, 1, "filesystem.deny is not supported by this version of sandlock"); }

Test(profile, rejects_bad_timeout)
{ tp_bad("[limits]\ntimeout = 0\n", EINVAL, 2, 11, "limits.timeout needs seconds > 0, at most a year, with at most 3 decimals"); }

Test(profile, rejects_timeout_bool)
{ tp_bad("[limits]\ntimeout = true\n", EINVAL, 2, 11, "expected an integer or a string of seconds for limits.timeout"); }

Test(profile, rejects_unknown_syscall)
{ tp_bad("[syscalls]\nextra_deny = ['nope']\n", EINVAL, 2, 15, "syscalls.extra_deny: unknown syscall name 'nope'"); }

Test(profile, rejects_syscall_twice)
{ tp_bad("[syscalls]\nextra_deny = ['chmod', 'chmod']\n", EEXIST, 2, 24, "syscalls.extra_deny: 'chmod' listed twice"); }

Test(profile, rejects_env_not_table)
{ tp_bad("[program]\nenv = ['A=1']\n", EINVAL, 2, 7, "expected a table of strings for program.env"); }

Test(profile, rejects_env_bad_name)
{ tp_bad("[program]\nenv = { 1A = 'x' }\n", EINVAL, 2, 9, "program.env: '1A' is not a valid variable name"); }

Test(profile, rejects_env_number)
{ tp_bad("[program.env]\nA = 1\n", EINVAL, 2, 5, "expected a table of strings for program.env"); }

Test(profile, rejects_args_without_exec)
{ tp_bad("[program]\nargs = ['x']\n", EINVAL, 2, 8, "program.args needs program.exec"); }

Test(profile, rejects_empty_exec)
{ tp_bad("[program]\nexec = ''\n", EINVAL, 2, 8, "expected a non-empty string for program.exec"); }

Test(profile, rejects_relative_cwd)
{ tp_bad("[program]\ncwd = 'tmp'\n", EINVAL, 2, 7, "program.cwd: tmp: path must be absolute"); }

Test(profile, rejects_clean_env_string)
{ tp_bad("[program]\nclean_env = 'yes'\n", EINVAL, 2, 13, "expected a boolean for program.clean_env"); }

Test(profile, rejects_toml_error)
{ tp_bad("[limits]\ntimeout = 1.5\n", EINVAL, 2, 11, "a float is not supported"); }

/* ---- merge ------------------------------------------------------------ */

/* Flags extend lists, override scalars and env keys; same path is fine. */
Test(profile, merge_flags_over_profile)
{
	struct pol cli;
	struct pol_diag d;
	int cmd;
	char *const argv[] = { "-r", "/usr", "-r", "/opt", "--env", "A=2",
	    "-t", "9", "--cwd", "/var", "--", "x", NULL };

	cr_assert(eq(int, tp_parse("[program]\ncwd = '/tmp'\n"
	    "env = { A = '1', B = '1' }\n[filesystem]\nread = ['/usr']\n"
	    "[limits]\ntimeout = 3\n"), 0));
	pol_init(&cli);
	cr_assert(eq(int, pol_parse_run(&cli, 12, argv, &cmd, &d), 0), "%s",
	    d.msg);
	cr_assert(eq(int, pol_merge(&tp_p, &cli, &d), 0), "%s", d.msg);
	cr_assert(eq(sz, tp_p.fs_read.n, 2));
	cr_assert(eq(str, tp_p.fs_read.v[1], "/opt"));
	cr_assert(eq(str, tp_p.env.v[0], "A=2"));
	cr_assert(eq(str, tp_p.env.v[1], "B=1"));
	cr_assert(eq(u64, tp_p.timeout_ms, 9000));
	cr_assert(eq(str, tp_p.cwd, "/var"));
	pol_free(&cli);
}

/* -w on a path the profile has read-only is a conflict. */
Test(profile, merge_rejects_mode_conflict)
{
	struct pol cli;
	struct pol_diag d;

	cr_assert(eq(int, tp_parse("[filesystem]\nread = ['/data']\n"), 0));
	pol_init(&cli);
	cr_assert(eq(int, pol_add_fs(&cli, true, "/data", &d), 0));
	cr_assert(eq(int, pol_merge(&tp_p, &cli, &d), -1));
	cr_assert(eq(int, errno, EEXIST));
	cr_assert(eq(str, d.msg, "/data: given writable (-w), but the profile "
	    "lists it in filesystem.read"));
	pol_free(&cli);
}

/* A setting the merge does not know is refused, not dropped. */
Test(profile, merge_refuses_unknown_setting)
{
	struct pol cli;
	struct pol_diag d;

	pol_init(&cli);
	cli.set = 1U << 31;
	cr_assert(eq(int, pol_merge(&tp_p, &cli, &d), -1));
	cr_assert(eq(int, errno, EINVAL));
	cr_assert(strstr(d.msg, "cannot be combined with a profile") != NULL);
	pol_free(&cli);
}

/* -p and --profile-file are recorded, and exclusive. */
Test(profile, flags_record_profile)
{
	struct pol cli;
	struct pol_diag d;
	int cmd;
	char *const ok[] = { "-p", "web", "--", "x", NULL };
	char *const both[] = { "-p", "web", "--profile-file", "/f", "--", "x",
	    NULL };

	pol_init(&cli);
	cr_assert(eq(int, pol_parse_run(&cli, 4, ok, &cmd, &d), 0));
	cr_assert(eq(str, cli.profile, "web"));
	cr_assert(not(cli.profile_is_path));
	pol_free(&cli);
	pol_init(&cli);
	cr_assert(eq(int, pol_parse_run(&cli, 6, both, &cmd, &d), -1));
	cr_assert(eq(int, errno, EINVAL));
	cr_assert(eq(str, d.msg, "-p and --profile-file are mutually exclusive"));
	pol_free(&cli);
}

Test(profile, name_rules)
{
	struct pol_diag d;

	cr_assert(eq(int, pol_check_profile_name("web-1.x_y", &d), 0));
	cr_assert(eq(int, pol_check_profile_name("../etc", &d), -1));
	cr_assert(eq(int, errno, EINVAL));
	cr_assert(eq(int, pol_check_profile_name("a/b", &d), -1));
	cr_assert(eq(int, pol_check_profile_name(".hidden", &d), -1));
	cr_assert(eq(int, pol_check_profile_name("", &d), -1));
}

/* ---- canonical form and digest --------------------------------------- */

static void
digest_of(const char *doc, char hex[65])
{
	struct pol p;
	struct pol_strv prog = { NULL, 0 };
	struct pol_diag d;

	pol_init(&p);
	cr_assert(eq(int, pol_parse_profile(doc, strlen(doc), "x", &p, &prog,
	    &d), 0), "%u:%u: %s", d.line, d.col, d.msg);
	cr_assert(eq(int, pol_digest(&p, &prog, hex), 0));
	cr_assert(eq(sz, strlen(hex), 64));
	pol_free(&p);
	pol_strv_free(&prog);
}

static const char canon_a[] =
    "[program]\nexec = \"/bin/cat\"\nargs = [\"-n\"]\n"
    "env = { A = \"1\", B = \"2\" }\n"
    "[filesystem]\nread = [\"/usr\", \"/lib\"]\nwrite = [\"/tmp\"]\n"
    "[limits]\ntimeout = 2\n[syscalls]\nextra_deny = [\"chmod\", \"mount\"]\n";

/* Key order, whitespace, comments, quoting and list order do not matter. */
Test(canon, digest_stable_across_spelling)
{
	char a[65], b[65];

	digest_of(canon_a, a);
	digest_of("# the same policy, spelled differently\n"
	    "[syscalls]\n  extra_deny = [ 'mount' ,\n 'chmod', ]\n"
	    "[limits]\ntimeout = \"2.000\"   # seconds\n"
	    "[filesystem]\nwrite=['/tmp']\nread=['/lib','/usr']\n"
	    "[program.env]\nB = 'two'\n\"A\" = \"\\u0031\"\n"
	    "[program]\nargs = ['-n']\nexec = '/bin/cat'\n", b);
	cr_assert(ne(str, a, b), "B differs on purpose first");
	digest_of("# the same policy, spelled differently\n"
	    "[syscalls]\n  extra_deny = [ 'mount' ,\n 'chmod', ]\n"
	    "[limits]\ntimeout = \"2.000\"   # seconds\n"
	    "[filesystem]\nwrite=['/tmp']\nread=['/lib','/usr']\n"
	    "[program.env]\nB = '2'\n\"A\" = \"\\u0031\"\n"
	    "[program]\nargs = ['-n']\nexec = '/bin/cat'\n", b);
	cr_assert(eq(str, a, b));
}

/* Argument order matters. */
Test(canon, digest_differs_for_other_policy)
{
	char a[65], b[65];

	digest_of("[program]\nexec = 'x'\nargs = ['1', '2']\n", a);
	digest_of("[program]\nexec = 'x'\nargs = ['2', '1']\n", b);
	cr_assert(ne(str, a, b));
	digest_of("[filesystem]\nread = ['/a']\n", a);
	digest_of("[filesystem]\nwrite = ['/a']\n", b);
	cr_assert(ne(str, a, b));
}

/* The canonical form is a profile that compiles to the same digest. */
Test(canon, canonical_form_reparses)
{
	struct pol p;
	struct pol_strv prog = { NULL, 0 };
	struct pol_diag d;
	char a[65], b[65], *c;
	size_t n;

	digest_of(canon_a, a);
	pol_init(&p);
	cr_assert(eq(int, pol_parse_profile(canon_a, strlen(canon_a), "x", &p,
	    &prog, &d), 0));
	cr_assert(eq(int, pol_canon(&p, &prog, &c, &n), 0));
	cr_assert(eq(sz, strlen(c), n));
	cr_assert(strstr(c, "read = [\"/lib\", \"/usr\"]\n") != NULL, "%s", c);
	digest_of(c, b);
	cr_assert(eq(str, a, b));
	free(c);
	pol_free(&p);
	pol_strv_free(&prog);
}

/* ---- pipeline files --------------------------------------------------- */

static struct pol_jobfile tj;
static struct pol_diag tj_d;

static int
tj_parse(const char *doc, int kind)
{
	memset(&tj_d, 0, sizeof(tj_d));
	return pol_parse_jobfile(doc, strlen(doc), "job.toml", kind, &tj,
	    &tj_d);
}

static void
tj_bad(const char *doc, int kind, unsigned line, unsigned col,
    const char *msg)
{
	int r = tj_parse(doc, kind), e = errno;

	cr_assert(eq(int, r, -1));
	cr_assert(eq(int, e, EINVAL), "errno %d: %s", e, tj_d.msg);
	cr_assert(eq(u32, tj_d.line, line), "%u:%u: %s", tj_d.line, tj_d.col,
	    tj_d.msg);
	cr_assert(eq(u32, tj_d.col, col), "%u:%u: %s", tj_d.line, tj_d.col,
	    tj_d.msg);
	cr_assert(eq(str, tj_d.msg, (char *)msg));
	pol_jobfile_free(&tj);
}

Test(jobfile, pipeline)
{
	cr_assert(eq(int, tj_parse("[job]\ntimeout = '1.5'\npipefail = true\n"
	    "stdin = '/etc/hostname'\n"
	    "[[stage]]\n[stage.program]\nexec = 'cat'\n"
	    "[stage.filesystem]\nread = ['/data']\n"
	    "[[stage]]\nprofile = 'web'\n", 0), 0), "%u:%u: %s", tj_d.line,
	    tj_d.col, tj_d.msg);
	cr_assert(eq(sz, tj.n, 2));
	cr_assert(eq(u64, tj.timeout_ms, 1500));
	cr_assert(tj.pipefail);
	cr_assert(eq(str, tj.stdin_path, "/etc/hostname"));
	cr_assert(eq(str, tj.st[0].prog.v[0], "cat"));
	cr_assert(eq(str, tj.st[0].pol.fs_read.v[0], "/data"));
	cr_assert(eq(str, tj.st[1].profile, "web"));
	pol_jobfile_free(&tj);
}

Test(jobfile, gather)
{
	cr_assert(eq(int, tj_parse("[job]\nkind = 'gather'\n"
	    "[[stage]]\nname = 'a'\nprogram.exec = 'x'\n"
	    "[[stage]]\nprogram = { exec = 'y' }\n", 1), 0), "%s", tj_d.msg);
	cr_assert(eq(str, tj.st[0].name, "a"));
	pol_jobfile_free(&tj);
}

Test(jobfile, rejects_kind_mismatch)
{ tj_bad("[job]\nkind = 'gather'\n", 0, 2, 8, "this file is a gather: run it with 'sandlock gather --file'"); }

Test(jobfile, rejects_one_stage)
{ tj_bad("[[stage]]\nprogram.exec = 'x'\n", 0, 1, 1, "a pipeline needs at least 2 [[stage]] tables"); }

Test(jobfile, rejects_stage_timeout)
{ tj_bad("[[stage]]\nprogram.exec = 'x'\n[stage.limits]\ntimeout = 1\n", 0, 4, 11, "stage.limits.timeout: a stage has no timeout of its own: use timeout in [job]"); }

Test(jobfile, rejects_source_without_name)
{ tj_bad("[[stage]]\nprogram.exec = 'x'\n[[stage]]\nprogram.exec = 'y'\n", 1, 1, 1, "stage 1: a gather source needs a name"); }

Test(jobfile, rejects_bad_source_name)
{ tj_bad("[[stage]]\nname = 'a:b'\n", 1, 2, 8, "stage.name: source name 'a:b': only letters, digits, '_', '.' and '-' are allowed"); }

Test(jobfile, rejects_stage_without_command)
{ tj_bad("[[stage]]\n[stage.filesystem]\n[[stage]]\nprogram.exec = 'y'\n", 0, 1, 1, "stage 1: no command: set exec in [stage.program] or a profile"); }

Test(jobfile, rejects_unknown_top_key)
{ tj_bad("stages = 1\n", 0, 1, 1, "unknown key 'stages' in a pipeline file: expected [job] or [[stage]]"); }

Test(jobfile, rejects_unknown_stage_key)
{ tj_bad("[[stage]]\ncmd = 'x'\n", 0, 2, 1, "stage key 'stage.cmd' is not allowed: keys belong in a section such as [stage.filesystem]"); }

Test(jobfile, rejects_unknown_job_key)
{ tj_bad("[job]\nretries = 3\n", 0, 2, 1, "unknown key 'retries' in [job]"); }
