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

Test(profile, rejects_cpu_limit)
{ tp_bad("[limits]\ncpu = 50\n", EINVAL, 2, 1, "limits.cpu is not supported by this version of sandlock"); }

Test(profile, rejects_gpu_devices_limit)
{ tp_bad("[limits]\ngpu_devices = [0]\n", EINVAL, 2, 1, "limits.gpu_devices is not supported by this version of sandlock"); }

Test(profile, rejects_disk_limit)
{ tp_bad("[limits]\ndisk = '1G'\n", EINVAL, 2, 1, "limits.disk is not supported by this version of sandlock"); }

Test(profile, rejects_http_section)
{ tp_bad("[http]\nallow = ['*']\n", EINVAL, 1, 2, "[http] is not supported by this version of sandlock"); }

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

/* ---- limits and no_supervisor ---------------------------------------- */

#define ALL_LIMIT_BITS	(POL_SET_PROCS | POL_SET_MEM | POL_SET_NOFILE | \
			    POL_SET_FSIZE | POL_SET_CPU)

/* Every limit lands in struct pol with its POL_SET_* bit, as flags do. */
Test(profile, limits_every_key)
{
	cr_assert(eq(int, tp_parse("[limits]\nmemory = '512M'\nprocesses = 3\n"
	    "open_files = 5\nfile_size = '1G'\ncpu_time = 10\n"
	    "[kernel]\nno_supervisor = false\n"), 0), "%u:%u: %s", tp_d.line,
	    tp_d.col, tp_d.msg);
	cr_assert(eq(u64, tp_p.max_mem, 512ULL << 20));
	cr_assert(eq(u32, tp_p.max_procs, 3));
	cr_assert(eq(u64, tp_p.max_nofile, 5));
	cr_assert(eq(u64, tp_p.max_fsize, 1ULL << 30));
	cr_assert(eq(u64, tp_p.cpu_secs, 10));
	cr_assert(not(tp_p.no_supervisor));
	cr_assert(eq(u32, tp_p.set, ALL_LIMIT_BITS | POL_SET_NOSUP));
}

/* Sizes may be an integer number of bytes, or any unit -m takes. */
Test(profile, limits_sizes_in_bytes_and_units)
{
	cr_assert(eq(int, tp_parse("[limits]\nmemory = 536870913\n"
	    "file_size = '3k'\n"), 0), "%s", tp_d.msg);
	cr_assert(eq(u64, tp_p.max_mem, 536870913));
	cr_assert(eq(u64, tp_p.max_fsize, 3072));
}

/* The largest values the flags take are accepted. */
Test(profile, limits_maximums)
{
	cr_assert(eq(int, tp_parse("[limits]\nmemory = '4194304T'\n"
	    "processes = 4194304\nopen_files = 1048576\n"
	    "file_size = 4611686018427387904\ncpu_time = 31536000\n"), 0),
	    "%s", tp_d.msg);
	cr_assert(eq(u64, tp_p.max_mem, 1ULL << 62));
	cr_assert(eq(u32, tp_p.max_procs, 4194304));
	cr_assert(eq(u64, tp_p.max_nofile, 1048576));
	cr_assert(eq(u64, tp_p.max_fsize, 1ULL << 62));
	cr_assert(eq(u64, tp_p.cpu_secs, 31536000));
}

/* no_supervisor with limits that do not need the supervisor. */
Test(profile, no_supervisor_with_rlimits)
{
	cr_assert(eq(int, tp_parse("[kernel]\nno_supervisor = true\n"
	    "[limits]\nopen_files = 64\nfile_size = '1M'\ncpu_time = 5\n"), 0),
	    "%s", tp_d.msg);
	cr_assert(tp_p.no_supervisor);
	cr_assert(eq(u32, tp_p.set & POL_SET_NOSUP, POL_SET_NOSUP));
	cr_assert(eq(int, pol_check(&tp_p, &tp_d), 0));
}

Test(profile, rejects_memory_bool)
{ tp_bad("[limits]\nmemory = true\n", EINVAL, 2, 10, "expected a string such as \"512M\" or an integer number of bytes for limits.memory"); }

Test(profile, rejects_memory_zero)
{ tp_bad("[limits]\nmemory = 0\n", EINVAL, 2, 10, "limits.memory needs a size such as 512M or 2G, got '0'"); }

Test(profile, rejects_memory_negative)
{ tp_bad("[limits]\nmemory = -512\n", EINVAL, 2, 10, "limits.memory needs a size such as 512M or 2G, got '-512'"); }

Test(profile, rejects_memory_fraction)
{ tp_bad("[limits]\nmemory = '1.5G'\n", EINVAL, 2, 10, "limits.memory needs a size such as 512M or 2G, got '1.5G'"); }

Test(profile, rejects_memory_unknown_unit)
{ tp_bad("[limits]\nmemory = \"12X\"\n", EINVAL, 2, 10, "limits.memory needs a size such as 512M or 2G, got '12X'"); }

Test(profile, rejects_memory_over_2_62)
{ tp_bad("[limits]\nmemory = '4194305T'\n", EINVAL, 2, 10, "limits.memory needs a size such as 512M or 2G, got '4194305T'"); }

Test(profile, rejects_file_size_over_2_62)
{ tp_bad("[limits]\nfile_size = 4611686018427387905\n", EINVAL, 2, 13, "limits.file_size needs a size such as 512M or 2G, got '4611686018427387905'"); }

Test(profile, rejects_memory_empty)
{ tp_bad("[limits]\nmemory = ''\n", EINVAL, 2, 10, "limits.memory needs a size such as 512M or 2G, got ''"); }

Test(profile, rejects_memory_float)
{ tp_bad("[limits]\nmemory = 1.5\n", EINVAL, 2, 10, "a float is not supported"); }

Test(profile, rejects_file_size_unit_with_space)
{ tp_bad("[limits]\nfile_size = '1 G'\n", EINVAL, 2, 13, "limits.file_size needs a size such as 512M or 2G, got '1 G'"); }

Test(profile, rejects_file_size_zero)
{ tp_bad("[limits]\nfile_size = 0\n", EINVAL, 2, 13, "limits.file_size needs a size such as 512M or 2G, got '0'"); }

Test(profile, rejects_file_size_array)
{ tp_bad("[limits]\nfile_size = ['1G']\n", EINVAL, 2, 13, "expected a string such as \"512M\" or an integer number of bytes for limits.file_size"); }

Test(profile, rejects_processes_string)
{ tp_bad("[limits]\nprocesses = '3'\n", EINVAL, 2, 13, "expected an integer for limits.processes"); }

Test(profile, rejects_processes_zero)
{ tp_bad("[limits]\nprocesses = 0\n", EINVAL, 2, 13, "limits.processes needs a number from 1 to 4194304, got '0'"); }

Test(profile, rejects_processes_negative)
{ tp_bad("[limits]\nprocesses = -3\n", EINVAL, 2, 13, "limits.processes needs a number from 1 to 4194304, got '-3'"); }

Test(profile, rejects_processes_over_range)
{ tp_bad("[limits]\nprocesses = 4194305\n", EINVAL, 2, 13, "limits.processes needs a number from 1 to 4194304, got '4194305'"); }

Test(profile, rejects_open_files_zero)
{ tp_bad("[limits]\nopen_files = 0\n", EINVAL, 2, 14, "limits.open_files needs a number from 1 to 1048576, got '0'"); }

Test(profile, rejects_open_files_over_range)
{ tp_bad("[limits]\nopen_files = 0x100001\n", EINVAL, 2, 14, "limits.open_files needs a number from 1 to 1048576, got '1048577'"); }

Test(profile, rejects_open_files_size_string)
{ tp_bad("[limits]\nopen_files = '1K'\n", EINVAL, 2, 14, "expected an integer for limits.open_files"); }

Test(profile, rejects_cpu_time_zero)
{ tp_bad("[limits]\ncpu_time = 0\n", EINVAL, 2, 12, "limits.cpu_time needs a number from 1 to 31536000, got '0'"); }

Test(profile, rejects_cpu_time_over_a_year)
{ tp_bad("[limits]\ncpu_time = 31536001\n", EINVAL, 2, 12, "limits.cpu_time needs a number from 1 to 31536000, got '31536001'"); }

Test(profile, rejects_cpu_time_string)
{ tp_bad("[limits]\ncpu_time = '10'\n", EINVAL, 2, 12, "expected an integer for limits.cpu_time"); }

Test(profile, rejects_no_supervisor_string)
{ tp_bad("[kernel]\nno_supervisor = 'yes'\n", EINVAL, 2, 17, "expected a boolean for kernel.no_supervisor"); }

/* pol_check for the profile alone: no flag can make this one runnable. */
Test(profile, rejects_no_supervisor_with_processes)
{ tp_bad("[limits]\nprocesses = 3\n[kernel]\nno_supervisor = true\n", EINVAL, 4, 17, "kernel.no_supervisor cannot enforce limits.processes"); }

Test(profile, rejects_no_supervisor_with_memory)
{ tp_bad("[kernel]\nno_supervisor = true\n[limits]\nmemory = '1G'\n", EINVAL, 2, 17, "kernel.no_supervisor cannot enforce limits.memory"); }

/* ---- [network] ----------------------------------------------------------- */

/* The three lists; bind takes integers too. */
Test(profile, network_keys)
{
	cr_assert(eq(int, tp_parse("[network]\n"
	    "allow = ['tcp://:443', 'example.com:80,443', '[::1]']\n"
	    "bind = [8080, '9000-9005', 0]\n"), 0), "%u:%u: %s", tp_d.line,
	    tp_d.col, tp_d.msg);
	cr_assert(eq(sz, tp_p.net_allow.n, 3));
	cr_assert(eq(str, tp_p.net_allow.v[1], "example.com:80,443"));
	cr_assert(eq(sz, tp_p.net_bind.n, 3));
	cr_assert(eq(str, tp_p.net_bind.v[0], "8080"));
	cr_assert(eq(str, tp_p.net_bind.v[2], "0"));
	cr_assert(eq(sz, tp_p.net_deny.n, 0));
}

Test(profile, network_deny)
{
	cr_assert(eq(int, tp_parse("[network]\ndeny = ['10.0.0.0/8', "
	    "'[2001:db8::/32]:443']\n"), 0), "%s", tp_d.msg);
	cr_assert(eq(sz, tp_p.net_deny.n, 2));
	cr_assert(eq(str, tp_p.net_deny.v[1], "[2001:db8::/32]:443"));
}

/* TCP port rules need no supervisor: no_supervisor is fine with them. */
Test(profile, network_tcp_ports_without_supervisor)
{
	cr_assert(eq(int, tp_parse("[network]\nallow = ['tcp://:443']\n"
	    "bind = ['*']\n[kernel]\nno_supervisor = true\n"), 0), "%s",
	    tp_d.msg);
	cr_assert(eq(int, pol_check(&tp_p, &tp_d), 0));
}

Test(profile, rejects_network_no_port)
{ tp_bad("[network]\nallow = ['host:']\n", EINVAL, 2, 10, "network.allow 'host:': no port after ':'"); }

Test(profile, rejects_network_unknown_scheme)
{ tp_bad("[network]\nallow = [':1', 'ftp://h']\n", EINVAL, 2, 16, "network.allow 'ftp://h': unknown scheme 'ftp' (tcp, udp or icmp)"); }

Test(profile, rejects_network_deny_hostname)
{ tp_bad("[network]\ndeny = ['example.com']\n", EINVAL, 2, 9, "network.deny 'example.com': host names are not allowed here, only '*', IP addresses and networks"); }

Test(profile, rejects_network_bind_bad_port)
{ tp_bad("[network]\nbind = [80, 'x']\n", EINVAL, 2, 13, "network.bind 'x': 'x' is not a port (0 to 65535) or a range LOW-HIGH"); }

Test(profile, rejects_network_bind_int_out_of_range)
{ tp_bad("[network]\nbind = [70000]\n", EINVAL, 2, 9, "network.bind: port 70000 out of range 0 to 65535"); }

Test(profile, rejects_network_bind_negative)
{ tp_bad("[network]\nbind = [-1]\n", EINVAL, 2, 9, "network.bind: port -1 out of range 0 to 65535"); }

Test(profile, rejects_network_bind_bool)
{ tp_bad("[network]\nbind = [true]\n", EINVAL, 2, 9, "expected an array of strings or integers for network.bind"); }

Test(profile, rejects_network_allow_string)
{ tp_bad("[network]\nallow = ':443'\n", EINVAL, 2, 9, "expected a string array for network.allow"); }

Test(profile, rejects_network_allow_integer)
{ tp_bad("[network]\nallow = [443]\n", EINVAL, 2, 10, "expected a string array for network.allow"); }

Test(profile, rejects_network_allow_twice)
{ tp_bad("[network]\nallow = [':443', ':443']\n", EEXIST, 2, 18, "network.allow: ':443' listed twice"); }

Test(profile, rejects_network_bind_twice)
{ tp_bad("[network]\nbind = [80, '80']\n", EEXIST, 2, 13, "network.bind: '80' listed twice"); }

Test(profile, rejects_network_allow_and_deny)
{ tp_bad("[network]\nallow = [':443']\ndeny = ['10.0.0.0/8']\n", EINVAL, 3, 8, "network.deny and network.allow are mutually exclusive"); }

Test(profile, rejects_network_unknown_key)
{ tp_bad("[network]\nport_remap = true\n", EINVAL, 2, 1, "unknown key 'port_remap' in [network]"); }

Test(profile, rejects_no_supervisor_with_network_allow)
{ tp_bad("[network]\nallow = ['tcp://:443', 'udp://:53']\n[kernel]\nno_supervisor = true\n", EINVAL, 4, 17, "kernel.no_supervisor cannot enforce network.allow 'udp://:53'"); }

Test(profile, rejects_no_supervisor_with_network_deny)
{ tp_bad("[kernel]\nno_supervisor = true\n[network]\ndeny = ['10.0.0.1']\n", EINVAL, 2, 17, "kernel.no_supervisor cannot enforce network.deny '10.0.0.1'"); }

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

/* Parses flags for `run` into cli (initialised here). */
static void
tp_flags(struct pol *cli, int argc, char *const argv[])
{
	struct pol_diag d;
	int cmd;

	pol_init(cli);
	cr_assert(eq(int, pol_parse_run(cli, argc, argv, &cmd, &d), 0), "%s",
	    d.msg);
}

/* -m over limits.memory; the profile's other limits stay. */
Test(profile, merge_memory_flag_over_profile)
{
	struct pol cli;
	struct pol_diag d;
	char *const argv[] = { "-m", "1G", "--", "x", NULL };

	cr_assert(eq(int, tp_parse("[limits]\nmemory = '512M'\n"
	    "processes = 3\ncpu_time = 7\n"), 0));
	tp_flags(&cli, 4, argv);
	cr_assert(eq(int, pol_merge(&tp_p, &cli, &d), 0), "%s", d.msg);
	cr_assert(eq(u64, tp_p.max_mem, 1ULL << 30));
	cr_assert(eq(u32, tp_p.max_procs, 3));
	cr_assert(eq(u64, tp_p.cpu_secs, 7));
	cr_assert(eq(u32, tp_p.set & ALL_LIMIT_BITS, POL_SET_MEM |
	    POL_SET_PROCS | POL_SET_CPU));
	cr_assert(eq(int, pol_check(&tp_p, &d), 0));
	pol_free(&cli);
}

/* Every limit flag replaces the profile's value. */
Test(profile, merge_every_limit_flag)
{
	struct pol cli;
	struct pol_diag d;
	char *const argv[] = { "-P", "9", "--max-open-files", "99",
	    "--max-file-size", "2M", "--cpu-time", "60", "--", "x", NULL };

	cr_assert(eq(int, tp_parse("[limits]\nprocesses = 3\nopen_files = 5\n"
	    "file_size = '1G'\ncpu_time = 10\n"), 0));
	tp_flags(&cli, 10, argv);
	cr_assert(eq(int, pol_merge(&tp_p, &cli, &d), 0), "%s", d.msg);
	cr_assert(eq(u32, tp_p.max_procs, 9));
	cr_assert(eq(u64, tp_p.max_nofile, 99));
	cr_assert(eq(u64, tp_p.max_fsize, 2ULL << 20));
	cr_assert(eq(u64, tp_p.cpu_secs, 60));
	pol_free(&cli);
}

/* Profile no_supervisor + -P: the merge keeps both, pol_check refuses. */
Test(profile, merge_processes_flag_over_no_supervisor)
{
	struct pol cli;
	struct pol_diag d;
	char *const argv[] = { "-P", "4", "--", "x", NULL };

	cr_assert(eq(int, tp_parse("[kernel]\nno_supervisor = true\n"), 0));
	tp_flags(&cli, 4, argv);
	cr_assert(eq(int, pol_merge(&tp_p, &cli, &d), 0), "%s", d.msg);
	cr_assert(tp_p.no_supervisor);
	cr_assert(eq(u32, tp_p.max_procs, 4));
	cr_assert(eq(int, pol_check(&tp_p, &d), -1));
	cr_assert(eq(int, errno, EINVAL));
	cr_assert(eq(str, d.msg, "--no-supervisor cannot enforce "
	    "-P/--max-processes"));
	pol_free(&cli);
}

/* --no-supervisor turns it on over a profile's memory: pol_check refuses. */
Test(profile, merge_no_supervisor_flag_over_memory)
{
	struct pol cli;
	struct pol_diag d;
	char *const argv[] = { "--no-supervisor", "--", "x", NULL };

	cr_assert(eq(int, tp_parse("[limits]\nmemory = '64M'\n"
	    "[kernel]\nno_supervisor = false\n"), 0));
	tp_flags(&cli, 3, argv);
	cr_assert(eq(int, pol_merge(&tp_p, &cli, &d), 0), "%s", d.msg);
	cr_assert(tp_p.no_supervisor);
	cr_assert(eq(int, pol_check(&tp_p, &d), -1));
	cr_assert(eq(int, errno, EINVAL));
	cr_assert(eq(str, d.msg, "--no-supervisor cannot enforce "
	    "-m/--max-memory"));
	pol_free(&cli);
}

/* A stage's no_supervisor = false replaces its profile's true. */
Test(profile, merge_stage_clears_no_supervisor)
{
	struct pol st;
	struct pol_strv prog = { NULL, 0 };
	struct pol_diag d;
	const char *doc = "[kernel]\nno_supervisor = false\n"
	    "[limits]\nprocesses = 2\n";

	cr_assert(eq(int, tp_parse("[kernel]\nno_supervisor = true\n"), 0));
	pol_init(&st);
	cr_assert(eq(int, pol_parse_profile(doc, strlen(doc), "s", &st, &prog,
	    &d), 0), "%s", d.msg);
	cr_assert(eq(int, pol_merge(&tp_p, &st, &d), 0), "%s", d.msg);
	cr_assert(not(tp_p.no_supervisor));
	cr_assert(eq(u32, tp_p.max_procs, 2));
	cr_assert(eq(int, pol_check(&tp_p, &d), 0));
	pol_free(&st);
	pol_strv_free(&prog);
}

/* Network flags append to the profile's lists; a spec in both counts once. */
Test(profile, merge_network_flags)
{
	struct pol cli;
	struct pol_diag d;
	char *const argv[] = { "--net-allow", ":443", "--net-allow", "h:80",
	    "--net-bind", "8080", "--", "x", NULL };

	cr_assert(eq(int, tp_parse("[network]\nallow = [':443', ':22']\n"
	    "bind = [80]\n"), 0), "%s", tp_d.msg);
	tp_flags(&cli, 8, argv);
	cr_assert(eq(int, pol_merge(&tp_p, &cli, &d), 0), "%s", d.msg);
	cr_assert(eq(sz, tp_p.net_allow.n, 3));
	cr_assert(eq(str, tp_p.net_allow.v[0], ":443"));
	cr_assert(eq(str, tp_p.net_allow.v[1], ":22"));
	cr_assert(eq(str, tp_p.net_allow.v[2], "h:80"));
	cr_assert(eq(sz, tp_p.net_bind.n, 2));
	cr_assert(eq(str, tp_p.net_bind.v[1], "8080"));
	cr_assert(eq(int, pol_check(&tp_p, &d), 0));
	pol_free(&cli);
}

/* --net-deny over a profile's network.allow: refused by pol_check. */
Test(profile, merge_network_deny_over_allow)
{
	struct pol cli;
	struct pol_diag d;
	char *const argv[] = { "--net-deny", "10.0.0.0/8", "--", "x", NULL };

	cr_assert(eq(int, tp_parse("[network]\nallow = [':443']\n"), 0));
	tp_flags(&cli, 4, argv);
	cr_assert(eq(int, pol_merge(&tp_p, &cli, &d), 0), "%s", d.msg);
	cr_assert(eq(int, pol_check(&tp_p, &d), -1));
	cr_assert(eq(int, errno, EINVAL));
	cr_assert(eq(str, d.msg, "--net-allow and --net-deny are mutually "
	    "exclusive"));
	pol_free(&cli);
}

/* --no-supervisor over a profile's UDP rule: refused by pol_check. */
Test(profile, merge_no_supervisor_over_network)
{
	struct pol cli;
	struct pol_diag d;
	char *const argv[] = { "--no-supervisor", "--", "x", NULL };

	cr_assert(eq(int, tp_parse("[network]\nallow = ['udp://:53']\n"), 0));
	tp_flags(&cli, 3, argv);
	cr_assert(eq(int, pol_merge(&tp_p, &cli, &d), 0), "%s", d.msg);
	cr_assert(eq(int, pol_check(&tp_p, &d), -1));
	cr_assert(eq(int, errno, EINVAL));
	cr_assert(strstr(d.msg, "--net-allow 'udp://:53'") != NULL, "%s",
	    d.msg);
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

/* Network lists: their order does not matter, their content does. */
Test(canon, digest_network)
{
	char a[65], b[65], none[65];

	digest_of("[program]\nexec = 'x'\n", none);
	digest_of("[program]\nexec = 'x'\n[network]\nallow = []\n", a);
	cr_assert(eq(str, a, none), "empty lists are no rules");
	digest_of("[network]\nallow = [':443', 'h:80']\nbind = ['1', '2']\n"
	    "[program]\nexec = 'x'\n", a);
	cr_assert(ne(str, a, none));
	digest_of("[program]\nexec = 'x'\n[network]\nbind = ['2', 1]\n"
	    "allow = ['h:80', ':443']\n", b);
	cr_assert(eq(str, a, b));
	digest_of("[program]\nexec = 'x'\n[network]\nbind = ['2', 1]\n"
	    "allow = ['h:80', ':444']\n", b);
	cr_assert(ne(str, a, b), "another port");
	digest_of("[program]\nexec = 'x'\n[network]\nbind = ['2', 1]\n"
	    "allow = ['h:80']\n", b);
	cr_assert(ne(str, a, b), "one rule fewer");
	digest_of("[program]\nexec = 'x'\n[network]\nbind = ['2']\n"
	    "allow = ['h:80', ':443']\n", b);
	cr_assert(ne(str, a, b), "one bind port fewer");
	digest_of("[program]\nexec = 'x'\n[network]\ndeny = [':443']\n", a);
	digest_of("[program]\nexec = 'x'\n[network]\nallow = [':443']\n", b);
	cr_assert(ne(str, a, b), "deny is not allow");
}

/* The canonical [network] section: sorted, and it compiles again. */
Test(canon, network_canonical_form)
{
	struct pol p;
	struct pol_strv prog = { NULL, 0 };
	struct pol_diag d;
	const char *doc = "[network]\nallow = ['udp://*:53', ':443']\n"
	    "bind = [9000, '80']\n";
	char a[65], b[65], *c;
	size_t n;

	pol_init(&p);
	cr_assert(eq(int, pol_parse_profile(doc, strlen(doc), "x", &p, &prog,
	    &d), 0), "%s", d.msg);
	cr_assert(eq(int, pol_canon(&p, &prog, &c, &n), 0));
	cr_assert(strstr(c, "\n[network]\nallow = [\":443\", \"udp://*:53\"]\n"
	    "deny = []\nbind = [\"80\", \"9000\"]\n") != NULL, "%s", c);
	digest_of(doc, a);
	digest_of(c, b);
	cr_assert(eq(str, a, b));
	free(c);
	pol_free(&p);
	pol_strv_free(&prog);
	pol_init(&p);
	cr_assert(eq(int, pol_canon(&p, &prog, &c, &n), 0));
	cr_assert(strstr(c, "[network]") == NULL, "no rules, no section: %s",
	    c);
	free(c);
	pol_free(&p);
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

/* Each stage has limits of its own. */
Test(jobfile, stage_limits)
{
	cr_assert(eq(int, tj_parse("[[stage]]\nprogram.exec = 'x'\n"
	    "limits = { processes = 2, memory = '8M' }\n"
	    "[[stage]]\nprogram.exec = 'y'\nkernel.no_supervisor = true\n"
	    "limits.open_files = 16\n", 0), 0), "%u:%u: %s", tj_d.line,
	    tj_d.col, tj_d.msg);
	cr_assert(eq(u32, tj.st[0].pol.max_procs, 2));
	cr_assert(eq(u64, tj.st[0].pol.max_mem, 8ULL << 20));
	cr_assert(eq(u64, tj.st[1].pol.max_nofile, 16));
	cr_assert(tj.st[1].pol.no_supervisor);
	pol_jobfile_free(&tj);
}

Test(jobfile, rejects_stage_bad_memory)
{ tj_bad("[[stage]]\nprogram.exec = 'x'\n[stage.limits]\nmemory = '12X'\n", 0, 4, 10, "stage.limits.memory needs a size such as 512M or 2G, got '12X'"); }

Test(jobfile, rejects_stage_no_supervisor_with_memory)
{ tj_bad("[[stage]]\nprogram.exec = 'x'\nlimits.memory = '1G'\nkernel.no_supervisor = true\n", 0, 4, 24, "stage.kernel.no_supervisor cannot enforce stage.limits.memory"); }

Test(jobfile, rejects_unknown_job_key)
{ tj_bad("[job]\nretries = 3\n", 0, 2, 1, "unknown key 'retries' in [job]"); }

/* Each stage has network rules of its own, named with their prefix. */
Test(jobfile, stage_network)
{
	cr_assert(eq(int, tj_parse("[[stage]]\nprogram.exec = 'x'\n"
	    "network = { allow = ['tcp://:443'], bind = [8080] }\n"
	    "[[stage]]\nprogram.exec = 'y'\n[stage.network]\n"
	    "deny = ['10.0.0.0/8']\n", 0), 0), "%u:%u: %s", tj_d.line,
	    tj_d.col, tj_d.msg);
	cr_assert(eq(str, tj.st[0].pol.net_allow.v[0], "tcp://:443"));
	cr_assert(eq(str, tj.st[0].pol.net_bind.v[0], "8080"));
	cr_assert(eq(sz, tj.st[0].pol.net_deny.n, 0));
	cr_assert(eq(str, tj.st[1].pol.net_deny.v[0], "10.0.0.0/8"));
	cr_assert(eq(sz, tj.st[1].pol.net_allow.n, 0));
	pol_jobfile_free(&tj);
}

Test(jobfile, rejects_stage_network_spec)
{ tj_bad("[[stage]]\nprogram.exec = 'x'\n[stage.network]\nallow = ['h:0']\n", 0, 4, 10, "stage.network.allow 'h:0': '0' is not a port (1 to 65535)"); }
