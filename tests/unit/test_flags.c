/*
 * test_flags.c: the flags of `sandlock run` (policy/flags.c) and the
 * checked adders behind them (policy/policy.c), plus the syscall name
 * table.  Valid forms first, then one bad input per test, each asserting
 * -1, errno and the diagnostic.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "compat/syscalls.h"
#include "policy.h"
#include "syscalls.h"

static struct pol tf_p;
static struct pol_diag tf_d;
static int tf_cmd;

static void
tf_setup(void)
{
	pol_init(&tf_p);
	memset(&tf_d, 0, sizeof(tf_d));
	tf_cmd = -2;
}

static void
tf_teardown(void)
{
	pol_free(&tf_p);
}

TestSuite(flags, .init = tf_setup, .fini = tf_teardown);
TestSuite(syscalls);

#define TF_ARGV(...)	((const char *const[]){ __VA_ARGS__, NULL })

/* Runs pol_parse_run over a NULL-terminated argv. */
static int
tf_parse(const char *const *argv)
{
	int argc = 0;

	while (argv[argc] != NULL)
		argc++;
	return pol_parse_run(&tf_p, argc, (char *const *)(uintptr_t)argv,
	    &tf_cmd, &tf_d);
}

/* Parses argv and asserts it fails with err and a diagnostic holding sub. */
static void
tf_fails(const char *const *argv, int err, const char *sub)
{
	int r = tf_parse(argv);
	int e = errno;

	cr_assert(eq(int, r, -1), "parse succeeded (cmd %d)", tf_cmd);
	cr_assert(eq(int, e, err), "errno %d (%s), diag \"%s\"", e,
	    strerror(e), tf_d.msg);
	cr_assert(strstr(tf_d.msg, sub) != NULL, "diag \"%s\" lacks \"%s\"",
	    tf_d.msg, sub);
}

/* ---- valid forms -------------------------------------------------- */

/* -r PATH adds a read rule; the command starts after "--". */
Test(flags, read_separate_value)
{
	cr_assert(eq(int, tf_parse(TF_ARGV("-r", "/usr", "--", "ls")), 0));
	cr_assert(eq(int, tf_cmd, 3));
	cr_assert(eq(sz, tf_p.fs_read.n, 1));
	cr_assert(eq(str, tf_p.fs_read.v[0], "/usr"));
	cr_assert(tf_p.fs_read.v[1] == NULL);
	cr_assert(eq(sz, tf_p.fs_write.n, 0));
}

/* -rPATH is the attached short form. */
Test(flags, read_attached_value)
{
	cr_assert(eq(int, tf_parse(TF_ARGV("-r/usr", "--", "ls")), 0));
	cr_assert(eq(int, tf_cmd, 2));
	cr_assert(eq(sz, tf_p.fs_read.n, 1));
	cr_assert(eq(str, tf_p.fs_read.v[0], "/usr"));
}

/* --fs-read PATH is the long form. */
Test(flags, read_long_separate_value)
{
	cr_assert(eq(int, tf_parse(TF_ARGV("--fs-read", "/usr", "--", "ls")),
	    0));
	cr_assert(eq(int, tf_cmd, 3));
	cr_assert(eq(str, tf_p.fs_read.v[0], "/usr"));
}

/* --fs-read=PATH is the long attached form. */
Test(flags, read_long_equals_value)
{
	cr_assert(eq(int, tf_parse(TF_ARGV("--fs-read=/usr", "--", "ls")), 0));
	cr_assert(eq(int, tf_cmd, 2));
	cr_assert(eq(str, tf_p.fs_read.v[0], "/usr"));
}

/* -w, -wPATH and --fs-write=PATH add write rules, in order. */
Test(flags, write_forms)
{
	cr_assert(eq(int, tf_parse(TF_ARGV("-w", "/a", "-w/b",
	    "--fs-write=/c", "--fs-write", "/d", "--", "x")), 0));
	cr_assert(eq(int, tf_cmd, 7));
	cr_assert(eq(sz, tf_p.fs_write.n, 4));
	cr_assert(eq(str, tf_p.fs_write.v[0], "/a"));
	cr_assert(eq(str, tf_p.fs_write.v[1], "/b"));
	cr_assert(eq(str, tf_p.fs_write.v[2], "/c"));
	cr_assert(eq(str, tf_p.fs_write.v[3], "/d"));
	cr_assert(eq(sz, tf_p.fs_read.n, 0));
}

/* -r and -w on different paths coexist. */
Test(flags, read_and_write_different_paths)
{
	cr_assert(eq(int, tf_parse(TF_ARGV("-r", "/a", "-w", "/a/b", "--",
	    "x")), 0));
	cr_assert(eq(str, tf_p.fs_read.v[0], "/a"));
	cr_assert(eq(str, tf_p.fs_write.v[0], "/a/b"));
}

/* --env K=V adds the pair as given, and an empty value is fine. */
Test(flags, env_pairs)
{
	cr_assert(eq(int, tf_parse(TF_ARGV("--env", "K=V", "--env=_x1=",
	    "--env", "AB=a=b", "--", "x")), 0));
	cr_assert(eq(sz, tf_p.env.n, 3));
	cr_assert(eq(str, tf_p.env.v[0], "K=V"));
	cr_assert(eq(str, tf_p.env.v[1], "_x1="));
	cr_assert(eq(str, tf_p.env.v[2], "AB=a=b"));
}

/* Keys that share a prefix are different keys. */
Test(flags, env_prefix_keys_distinct)
{
	cr_assert(eq(int, tf_parse(TF_ARGV("--env", "A=1", "--env", "AB=2",
	    "--env", "ABC=3", "--", "x")), 0));
	cr_assert(eq(sz, tf_p.env.n, 3));
}

/* --clean-env sets its flag. */
Test(flags, clean_env)
{
	cr_assert(eq(int, tf_parse(TF_ARGV("--clean-env", "--", "x")), 0));
	cr_assert(tf_p.clean_env);
	cr_assert(eq(u32, tf_p.set & POL_SET_CLEAN_ENV, POL_SET_CLEAN_ENV));
}

/* --cwd PATH sets the working directory. */
Test(flags, cwd)
{
	cr_assert(eq(int, tf_parse(TF_ARGV("--cwd", "/tmp", "--", "x")), 0));
	cr_assert(eq(str, tf_p.cwd, "/tmp"));
	cr_assert(eq(u32, tf_p.set & POL_SET_CWD, POL_SET_CWD));
}

/* -t 1 is a second. */
Test(flags, timeout_whole_seconds)
{
	cr_assert(eq(int, tf_parse(TF_ARGV("-t", "1", "--", "x")), 0));
	cr_assert(eq(u64, tf_p.timeout_ms, 1000));
	cr_assert(eq(u32, tf_p.set & POL_SET_TIMEOUT, POL_SET_TIMEOUT));
}

/* -t 0.5 is half a second. */
Test(flags, timeout_fraction)
{
	cr_assert(eq(int, tf_parse(TF_ARGV("-t", "0.5", "--", "x")), 0));
	cr_assert(eq(u64, tf_p.timeout_ms, 500));
}

/* Three decimals are kept exactly; the long and attached forms work. */
Test(flags, timeout_milliseconds)
{
	cr_assert(eq(int, tf_parse(TF_ARGV("--timeout=2.001", "--", "x")), 0));
	cr_assert(eq(u64, tf_p.timeout_ms, 2001));
}

/* -t0.001 is the smallest timeout. */
Test(flags, timeout_smallest)
{
	cr_assert(eq(int, tf_parse(TF_ARGV("-t0.001", "--", "x")), 0));
	cr_assert(eq(u64, tf_p.timeout_ms, 1));
}

/* A year is the longest timeout. */
Test(flags, timeout_a_year)
{
	cr_assert(eq(int, tf_parse(TF_ARGV("-t", "31536000", "--", "x")), 0));
	cr_assert(eq(u64, tf_p.timeout_ms, 31536000000ULL));
}

/* --extra-deny-syscall NAME adds its number. */
Test(flags, extra_deny_syscall)
{
	cr_assert(eq(int, tf_parse(TF_ARGV("--extra-deny-syscall", "ptrace",
	    "--extra-deny-syscall=fchmodat2", "--", "x")), 0));
	cr_assert(eq(sz, tf_p.ndeny, 2));
	cr_assert(eq(u32, tf_p.deny[0], 101));
	cr_assert(eq(u32, tf_p.deny[1], 452));
}

/* --allow-degraded sets its flag. */
Test(flags, allow_degraded)
{
	cr_assert(eq(int, tf_parse(TF_ARGV("--allow-degraded", "--", "x")), 0));
	cr_assert(tf_p.allow_degraded);
	cr_assert(eq(u32, tf_p.set & POL_SET_DEGRADED, POL_SET_DEGRADED));
}

/* -h asks for help: success with no command. */
Test(flags, help_short)
{
	cr_assert(eq(int, tf_parse(TF_ARGV("-h")), 0));
	cr_assert(eq(int, tf_cmd, -1));
}

/* --help asks for help even before other flags and without "--". */
Test(flags, help_long)
{
	cr_assert(eq(int, tf_parse(TF_ARGV("-r", "/a", "--help", "cmd")), 0));
	cr_assert(eq(int, tf_cmd, -1));
}

/* Words after "--" are the command's, even when they look like flags. */
Test(flags, command_words_not_parsed)
{
	cr_assert(eq(int, tf_parse(TF_ARGV("--", "ls", "-r", "rel", "--bogus")),
	    0));
	cr_assert(eq(int, tf_cmd, 1));
	cr_assert(eq(sz, tf_p.fs_read.n, 0));
}

/* A second "--" is the command's first word. */
Test(flags, command_may_be_double_dash)
{
	cr_assert(eq(int, tf_parse(TF_ARGV("--", "--")), 0));
	cr_assert(eq(int, tf_cmd, 1));
}

/* Every flag at once. */
Test(flags, all_flags_together)
{
	cr_assert(eq(int, tf_parse(TF_ARGV("-r", "/usr", "-w", "/tmp",
	    "--env", "A=1", "--clean-env", "--cwd", "/", "-t", "3",
	    "--extra-deny-syscall", "read", "--allow-degraded", "--", "true",
	    "arg")), 0));
	cr_assert(eq(int, tf_cmd, 15));
	cr_assert(eq(u32, tf_p.set, POL_SET_CWD | POL_SET_TIMEOUT |
	    POL_SET_CLEAN_ENV | POL_SET_DEGRADED));
	cr_assert(eq(u32, tf_p.deny[0], 0));
}

/* ---- bad input, one per test -------------------------------------- */

/* An unknown long flag. */
Test(flags, rejects_unknown_long_flag)
{
	tf_fails(TF_ARGV("--bogus", "--", "x"), EINVAL,
	    "unknown option '--bogus'");
}

/* An unknown short flag. */
Test(flags, rejects_unknown_short_flag)
{
	tf_fails(TF_ARGV("-x", "--", "x"), EINVAL, "unknown option '-x'");
}

/* A long flag's name followed by more letters is not that flag. */
Test(flags, rejects_long_flag_with_suffix)
{
	tf_fails(TF_ARGV("--envx", "A=1", "--", "x"), EINVAL,
	    "unknown option '--envx'");
}

/* A flag without a value does not take one with '='. */
Test(flags, rejects_value_on_switch)
{
	tf_fails(TF_ARGV("--clean-env=1", "--", "x"), EINVAL,
	    "unknown option '--clean-env=1'");
}

/* A short switch does not take an attached value. */
Test(flags, rejects_attached_value_on_short_switch)
{
	tf_fails(TF_ARGV("-hx", "--", "x"), EINVAL, "unknown option '-hx'");
}

/* A lone "-" is not a flag. */
Test(flags, rejects_lone_dash)
{
	tf_fails(TF_ARGV("-", "--", "x"), EINVAL, "expected '--'");
}

/* The command must follow "--". */
Test(flags, rejects_command_without_double_dash)
{
	tf_fails(TF_ARGV("-r", "/a", "ls"), EINVAL,
	    "expected '--' before 'ls'");
}

/* Nothing at all is no command. */
Test(flags, rejects_empty_argv)
{
	tf_fails(TF_ARGV(NULL), EINVAL, "no command");
}

/* Flags and no "--" is no command. */
Test(flags, rejects_flags_without_command)
{
	tf_fails(TF_ARGV("-r", "/a"), EINVAL, "no command");
}

/* "--" with nothing after it. */
Test(flags, rejects_nothing_after_double_dash)
{
	tf_fails(TF_ARGV("-r", "/a", "--"), EINVAL, "no command after '--'");
}

/* "--" followed by an empty word. */
Test(flags, rejects_empty_command)
{
	tf_fails(TF_ARGV("--", "", "x"), EINVAL, "no command after '--'");
}

/* A relative path to -r. */
Test(flags, rejects_relative_read_path)
{
	tf_fails(TF_ARGV("-r", "usr", "--", "x"), EINVAL,
	    "path must be absolute");
}

/* A relative path to -w. */
Test(flags, rejects_relative_write_path)
{
	tf_fails(TF_ARGV("-w./tmp", "--", "x"), EINVAL,
	    "path must be absolute (given to -w)");
}

/* An empty path. */
Test(flags, rejects_empty_path)
{
	tf_fails(TF_ARGV("--fs-read=", "--", "x"), EINVAL,
	    "path must be absolute");
}

/* A path of PATH_MAX bytes or more. */
Test(flags, rejects_path_too_long)
{
	static char path[4097];

	memset(path, 'a', sizeof(path) - 1);
	path[0] = '/';
	tf_fails(TF_ARGV("-r", path, "--", "x"), ENAMETOOLONG,
	    "path too long");
}

/* The same path to -r twice. */
Test(flags, rejects_duplicate_read_path)
{
	tf_fails(TF_ARGV("-r", "/a", "-r", "/a", "--", "x"), EEXIST,
	    "/a: path given twice");
}

/* The same path to -r and -w. */
Test(flags, rejects_read_and_write_same_path)
{
	tf_fails(TF_ARGV("-r", "/a", "-w", "/a", "--", "x"), EEXIST,
	    "path given twice");
}

/* The same path to -w and then -r. */
Test(flags, rejects_write_then_read_same_path)
{
	tf_fails(TF_ARGV("-w", "/a", "-r", "/a", "--", "x"), EEXIST,
	    "path given twice");
}

/* A flag that needs a value, last on the line. */
Test(flags, rejects_missing_value)
{
	tf_fails(TF_ARGV("-r"), EINVAL, "option '-r' needs a value");
}

/* A long flag that needs a value, last on the line. */
Test(flags, rejects_missing_long_value)
{
	tf_fails(TF_ARGV("--cwd"), EINVAL, "option '--cwd' needs a value");
}

/* --env without '='. */
Test(flags, rejects_env_without_equals)
{
	tf_fails(TF_ARGV("--env", "FOO", "--", "x"), EINVAL,
	    "--env needs KEY=VALUE, got 'FOO'");
}

/* --env whose name starts with a digit. */
Test(flags, rejects_env_name_leading_digit)
{
	tf_fails(TF_ARGV("--env", "1A=x", "--", "x"), EINVAL,
	    "'1A' is not a valid variable name");
}

/* --env with an empty name. */
Test(flags, rejects_env_empty_name)
{
	tf_fails(TF_ARGV("--env", "=x", "--", "x"), EINVAL,
	    "--env needs KEY=VALUE");
}

/* --env with a character outside [A-Za-z0-9_] in the name. */
Test(flags, rejects_env_name_bad_char)
{
	tf_fails(TF_ARGV("--env", "A-B=x", "--", "x"), EINVAL,
	    "not a valid variable name");
}

/* --env setting one key twice. */
Test(flags, rejects_env_key_twice)
{
	tf_fails(TF_ARGV("--env", "A=1", "--env", "A=2", "--", "x"), EEXIST,
	    "A set twice");
}

/* --cwd twice. */
Test(flags, rejects_cwd_twice)
{
	tf_fails(TF_ARGV("--cwd", "/a", "--cwd", "/b", "--", "x"), EEXIST,
	    "--cwd given twice");
}

/* --cwd with a relative path. */
Test(flags, rejects_relative_cwd)
{
	tf_fails(TF_ARGV("--cwd", "tmp", "--", "x"), EINVAL,
	    "path must be absolute (given to --cwd)");
}

/* -t twice. */
Test(flags, rejects_timeout_twice)
{
	tf_fails(TF_ARGV("-t", "1", "-t", "2", "--", "x"), EEXIST,
	    "--timeout given twice");
}

/* -t 0. */
Test(flags, rejects_timeout_zero)
{
	tf_fails(TF_ARGV("-t", "0", "--", "x"), EINVAL,
	    "--timeout needs seconds > 0");
}

/* -t 0.000 is zero too. */
Test(flags, rejects_timeout_zero_decimals)
{
	tf_fails(TF_ARGV("-t", "0.000", "--", "x"), EINVAL,
	    "--timeout needs seconds > 0");
}

/* -t -1. */
Test(flags, rejects_timeout_negative)
{
	tf_fails(TF_ARGV("-t", "-1", "--", "x"), EINVAL, "got '-1'");
}

/* -t abc. */
Test(flags, rejects_timeout_not_a_number)
{
	tf_fails(TF_ARGV("-t", "abc", "--", "x"), EINVAL, "got 'abc'");
}

/* -t 1.2345 has more than 3 decimals. */
Test(flags, rejects_timeout_four_decimals)
{
	tf_fails(TF_ARGV("-t", "1.2345", "--", "x"), EINVAL, "got '1.2345'");
}

/* -t 1. has a point and no decimals. */
Test(flags, rejects_timeout_bare_point)
{
	tf_fails(TF_ARGV("-t", "1.", "--", "x"), EINVAL, "got '1.'");
}

/* -t .5 has no integer part. */
Test(flags, rejects_timeout_no_integer_part)
{
	tf_fails(TF_ARGV("-t", ".5", "--", "x"), EINVAL, "got '.5'");
}

/* -t with trailing garbage. */
Test(flags, rejects_timeout_trailing_garbage)
{
	tf_fails(TF_ARGV("-t", "1s", "--", "x"), EINVAL, "got '1s'");
}

/* -t longer than a year. */
Test(flags, rejects_timeout_over_a_year)
{
	tf_fails(TF_ARGV("-t", "31536001", "--", "x"), EINVAL,
	    "got '31536001'");
}

/* -t with more digits than any integer holds. */
Test(flags, rejects_timeout_huge)
{
	tf_fails(TF_ARGV("-t", "99999999999999999999999999", "--", "x"),
	    EINVAL, "--timeout needs seconds > 0");
}

/* An empty -t value. */
Test(flags, rejects_timeout_empty)
{
	tf_fails(TF_ARGV("--timeout=", "--", "x"), EINVAL, "got ''");
}

/* An unknown syscall name. */
Test(flags, rejects_unknown_syscall)
{
	tf_fails(TF_ARGV("--extra-deny-syscall", "nosuchcall", "--", "x"),
	    EINVAL, "unknown syscall name 'nosuchcall'");
}

/* The same syscall denied twice. */
Test(flags, rejects_syscall_denied_twice)
{
	tf_fails(TF_ARGV("--extra-deny-syscall", "ptrace",
	    "--extra-deny-syscall", "ptrace", "--", "x"), EEXIST,
	    "--extra-deny-syscall ptrace given twice");
}

/* --clean-env twice. */
Test(flags, rejects_clean_env_twice)
{
	tf_fails(TF_ARGV("--clean-env", "--clean-env", "--", "x"), EEXIST,
	    "--clean-env given twice");
}

/* --allow-degraded twice. */
Test(flags, rejects_allow_degraded_twice)
{
	tf_fails(TF_ARGV("--allow-degraded", "--allow-degraded", "--", "x"),
	    EEXIST, "--allow-degraded given twice");
}

/* ---- pol_add_* directly ------------------------------------------- */

/* pol_fail without a diag still sets errno. */
Test(flags, adders_accept_null_diag)
{
	int r = pol_add_fs(&tf_p, false, "rel", NULL);

	cr_assert(eq(int, r, -1));
	cr_assert(eq(int, errno, EINVAL));
}

/*
 * A full deny list refuses one more with E2BIG.  The table has fewer than
 * SL_MAX_DENY names, so the list is filled by hand.
 */
Test(flags, rejects_deny_list_full)
{
	int r;

	tf_p.ndeny = SL_MAX_DENY;	/* all read (0): "write" is new */
	r = pol_add_deny(&tf_p, "write", &tf_d);
	cr_assert(eq(int, r, -1));
	cr_assert(eq(int, errno, E2BIG));
	cr_assert(strstr(tf_d.msg, "more than 512") != NULL, "%s", tf_d.msg);
	cr_assert(eq(sz, tf_p.ndeny, SL_MAX_DENY));
}

/* ---- syscall names ------------------------------------------------ */

/* A few known numbers. */
Test(syscalls, known_numbers)
{
	cr_assert(eq(int, pol_syscall_nr("read"), 0));
	cr_assert(eq(int, pol_syscall_nr("write"), 1));
	cr_assert(eq(int, pol_syscall_nr("ptrace"), 101));
	cr_assert(eq(int, pol_syscall_nr("fchmodat2"), SL_NR_fchmodat2));
	cr_assert(eq(int, pol_syscall_nr("fchmodat2"), 452));
	cr_assert(eq(int, pol_syscall_nr("file_setattr"), 469));
	cr_assert(eq(int, pol_syscall_nr("_sysctl"), 156));
}

/* An unknown name is ENOENT. */
Test(syscalls, unknown_name)
{
	int r = pol_syscall_nr("nosuchcall");

	cr_assert(eq(int, r, -1));
	cr_assert(eq(int, errno, ENOENT));
}

/* The empty name is unknown. */
Test(syscalls, empty_name)
{
	int r = pol_syscall_nr("");

	cr_assert(eq(int, r, -1));
	cr_assert(eq(int, errno, ENOENT));
}

/* Names are matched exactly, not by prefix or case. */
Test(syscalls, exact_match_only)
{
	int r = pol_syscall_nr("READ");

	cr_assert(eq(int, r, -1));
	cr_assert(eq(int, errno, ENOENT));
	r = pol_syscall_nr("rea");
	cr_assert(eq(int, r, -1));
	cr_assert(eq(int, errno, ENOENT));
}

/* The table is sorted (bsearch needs it), in range, and every row resolves. */
Test(syscalls, table_sorted_and_in_range)
{
	size_t i;

	cr_assert(gt(sz, pol_nsyscalls, 0));
	for (i = 0; i < pol_nsyscalls; i++) {
		cr_assert(ge(int, pol_syscalls[i].nr, 0));
		cr_assert(le(int, pol_syscalls[i].nr, SL_NR_MAX));
		if (i > 0)
			cr_assert(lt(int, strcmp(pol_syscalls[i - 1].name,
			    pol_syscalls[i].name), 0), "%s before %s",
			    pol_syscalls[i - 1].name, pol_syscalls[i].name);
		cr_assert(eq(int, pol_syscall_nr(pol_syscalls[i].name),
		    pol_syscalls[i].nr), "%s", pol_syscalls[i].name);
	}
}

/* Number to name for the ends of the table. */
Test(syscalls, names_of_numbers)
{
	cr_assert(eq(str, (char *)pol_syscall_name(0), "read"));
	cr_assert(eq(str, (char *)pol_syscall_name(469), "file_setattr"));
	cr_assert(pol_syscall_name(SL_NR_MAX + 1) == NULL);
	cr_assert(pol_syscall_name(-1) == NULL);
}
