/*
 * test_ops.c: the operator's verbs end to end: check against the kernel's
 * own answers, named sandboxes (ps, kill, inspect) and their state
 * directory, stale entries, other users, the audit record, --status-fd.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "th.h"

TestSuite(ops, .timeout = 60);

#define ARGV(...)	((const char *const[]){ __VA_ARGS__, NULL })
#define RO		"-r", "/usr", "-r", "/lib", "-r", "/lib64", "-r", "/bin"

static char *rt_dir;

/* A private XDG_RUNTIME_DIR for this test: state never mixes. */
static const char *
private_runtime(void)
{
	rt_dir = th_tmpdir();
	cr_assert(eq(int, chmod(rt_dir, 0700), 0));
	cr_assert(eq(int, setenv("XDG_RUNTIME_DIR", rt_dir, 1), 0));
	return rt_dir;
}

static void
run(struct th_run *r, const char *const argv[])
{
	cr_assert(eq(int, th_runv(r, argv, -1, 30), 0));
}

/* Starts argv in the background, stdout and stderr to /dev/null. */
static pid_t
spawn(const char *const argv[])
{
	pid_t pid = fork();
	int fd;

	cr_assert(ge(int, pid, 0));
	if (pid == 0) {
		fd = open("/dev/null", O_RDWR);
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		execv(argv[0], (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	return pid;
}

static struct sl_json *
ps_json(void)
{
	struct th_run r;
	struct sl_json_err je;
	struct sl_json *j;

	run(&r, ARGV(th_sandlock(), "ps", "--json"));
	cr_assert(eq(int, r.code, 0), "%s", r.err);
	j = sl_json_parse(r.out, strlen(r.out), &je);
	cr_assert(not(eq(ptr, j, NULL)), "ps --json: %u:%u: %s: %s", je.line,
	    je.col, je.msg, r.out);
	cr_assert(eq(int, sl_json_type(j), SL_JSON_ARRAY));
	th_run_free(&r);
	return j;
}

static struct sl_json *
ps_find(const struct sl_json *all, const char *name)
{
	size_t i;

	for (i = 0; i < sl_json_len(all); i++)
		if (strcmp(sl_json_str(sl_json_get(sl_json_at(all, i), "name")),
		    name) == 0)
			return sl_json_at(all, i);
	return NULL;
}

/* Waits (up to 10 s) until ps lists name; its planner pid. */
static pid_t
wait_listed(const char *name)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	struct sl_json *all, *v;
	pid_t pid = 0;
	int i;

	for (i = 0; i < 200 && pid == 0; i++) {
		all = ps_json();
		if ((v = ps_find(all, name)) != NULL)
			pid = (pid_t)sl_json_int(sl_json_get(v, "pid"));
		sl_json_free(all);
		if (pid == 0)
			nanosleep(&ts, NULL);
	}
	cr_assert(gt(int, pid, 0), "%s never listed", name);
	return pid;
}

static int
wait_code(pid_t pid)
{
	int ws = th_wait(pid);

	return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
}

/* sandlock check --json says what the kernel says. */
Test(ops, check_matches_kernel)
{
	long abi = syscall(444, NULL, 0, 1), errata = syscall(444, NULL, 0, 2);
	struct th_run r;
	struct sl_json *j, *ll;

	run(&r, ARGV(th_sandlock(), "check", "--json"));
	j = sl_json_parse(r.out, strlen(r.out), NULL);
	cr_assert(not(eq(ptr, j, NULL)), "%s", r.out);
	ll = sl_json_get(j, "landlock");
	cr_assert(eq(i64, sl_json_int(sl_json_get(ll, "abi")),
	    abi < 0 ? 0 : abi));
	if (errata < 0)
		cr_assert(eq(int, sl_json_type(sl_json_get(ll, "errata")),
		    SL_JSON_NULL));
	else
		cr_assert(eq(i64, sl_json_int(sl_json_get(ll,
		    "errata")), errata));
	cr_assert(eq(int, r.code, abi >= 6 ? 0 : 1), "%s", r.err);
	cr_assert(eq(int, sl_json_bool(sl_json_get(j, "minimum_met")),
	    abi >= 6));
	sl_json_free(j);
	th_run_free(&r);
}

/* Each right is reported as present exactly when the ABI has it. */
Test(ops, check_rights_by_abi)
{
	long abi = syscall(444, NULL, 0, 1);
	struct th_run r;
	struct sl_json *j, *v, *rights;
	size_t i;

	run(&r, ARGV(th_sandlock(), "check", "--json"));
	j = sl_json_parse(r.out, strlen(r.out), NULL);
	cr_assert(not(eq(ptr, j, NULL)));
	rights = sl_json_get(sl_json_get(j, "landlock"), "rights");
	for (i = 0; i < sl_json_len(rights); i++) {
		v = sl_json_at(rights, i);
		cr_assert(eq(int, sl_json_bool(sl_json_get(v, "supported")),
		    abi >= sl_json_int(sl_json_get(v, "abi"))),
		    "%s", sl_json_str(sl_json_get(v, "name")));
	}
	cr_assert(gt(sz, i, 20));
	sl_json_free(j);
	th_run_free(&r);
}

/* Under nolandlock: Landlock missing, status 1, human text says so. */
Test(ops, check_without_landlock_fails)
{
	char nl[4096];
	struct th_run r;

	snprintf(nl, sizeof(nl), "%s/nolandlock", th_build());
	run(&r, ARGV(nl, th_sandlock(), "check"));
	cr_assert(eq(int, r.code, 1), "%s", r.out);
	cr_assert(not(eq(ptr, strstr(r.out, "landlock.abi: 0 (missing"), NULL)),
	    "%s", r.out);
	cr_assert(not(eq(ptr, strstr(r.out, "MISSING"), NULL)));
	cr_assert(not(eq(ptr, strstr(r.err, "lacks"), NULL)));
	th_run_free(&r);
}

/* Two named sandboxes: listed, inspected, killed one after the other. */
Test(ops, ps_kill_inspect_lifecycle)
{
	pid_t a, b, pa;
	struct th_run r;
	struct sl_json *all, *j;

	private_runtime();
	a = spawn(ARGV(th_sandlock(), "run", "--name", "alpha", RO, "--",
	    "sleep", "30"));
	b = spawn(ARGV(th_sandlock(), "pipeline", "--name", "beta", RO, "::",
	    "--", "sleep", "30", "::", "--", "sleep", "31"));
	pa = wait_listed("alpha");
	cr_assert(eq(int, pa, a));
	cr_assert(eq(int, wait_listed("beta"), b));
	run(&r, ARGV(th_sandlock(), "ps"));
	cr_assert(not(eq(ptr, strstr(r.out, "sleep 30 | sleep 31"), NULL)), "%s",
	    r.out);
	th_run_free(&r);
	run(&r, ARGV(th_sandlock(), "inspect", "alpha"));
	cr_assert(eq(int, r.code, 0), "%s", r.err);
	cr_assert(not(eq(ptr, strstr(r.out, "exec = \"sleep\""), NULL)));
	cr_assert(not(eq(ptr, strstr(r.out, "# digest: sha256:"), NULL)));
	th_run_free(&r);
	run(&r, ARGV(th_sandlock(), "inspect", "beta", "--json"));
	j = sl_json_parse(r.out, strlen(r.out), NULL);
	cr_assert(eq(sz, sl_json_len(sl_json_get(j, "stages")), 2));
	cr_assert(eq(str, (char *)sl_json_str(sl_json_get(j, "user")),
	    getpwuid(getuid())->pw_name));
	sl_json_free(j);
	th_run_free(&r);
	run(&r, ARGV(th_sandlock(), "kill", "alpha"));
	cr_assert(eq(int, r.code, 0), "%s", r.err);
	th_run_free(&r);
	cr_assert(eq(int, wait_code(a), 128 + SIGTERM));
	all = ps_json();
	cr_assert(eq(ptr, ps_find(all, "alpha"), NULL));
	cr_assert(not(eq(ptr, ps_find(all, "beta"), NULL)));
	sl_json_free(all);
	run(&r, ARGV(th_sandlock(), "kill", "beta", "SIGKILL"));
	cr_assert(eq(int, r.code, 0), "%s", r.err);
	th_run_free(&r);
	cr_assert(eq(int, wait_code(b), 128 + SIGKILL));
	all = ps_json();
	cr_assert(eq(sz, sl_json_len(all), 0));
	sl_json_free(all);
}

/* A run without --name is listed as sandbox-PID (its entry comes once
 * the stage runs), and killed by that name. */
Test(ops, unnamed_run_listed_and_killed)
{
	char name[32];
	struct th_run r;
	pid_t a;

	private_runtime();
	a = spawn(ARGV(th_sandlock(), "run", RO, "--", "sleep", "30"));
	(void)snprintf(name, sizeof(name), "sandbox-%d", (int)a);
	cr_assert(eq(int, wait_listed(name), a));
	run(&r, ARGV(th_sandlock(), "inspect", name));
	cr_assert(eq(int, r.code, 0), "%s", r.err);
	cr_assert(not(eq(ptr, strstr(r.out, "exec = \"sleep\""), NULL)));
	th_run_free(&r);
	run(&r, ARGV(th_sandlock(), "kill", name));
	cr_assert(eq(int, r.code, 0), "%s", r.err);
	th_run_free(&r);
	cr_assert(eq(int, wait_code(a), 128 + SIGTERM));
}

/* Arguments and a working directory that are not UTF-8 run, and are
 * registered and inspected with U+FFFD in their place. */
Test(ops, non_utf8_argv_and_cwd)
{
	char *d = th_tmpdir(), dir[4200], arg[8] = "a\xfe" "b";
	struct th_run r;
	pid_t a;

	private_runtime();
	(void)snprintf(dir, sizeof(dir), "%s/\xff", d);
	cr_assert(eq(int, mkdir(dir, 0755), 0));
	a = spawn(ARGV(th_sandlock(), "run", "--name", "bytes", "--cwd", dir,
	    RO, "-r", dir, "--", "sh", "-c", "sleep 30", arg));
	cr_assert(eq(int, wait_listed("bytes"), a));
	run(&r, ARGV(th_sandlock(), "inspect", "bytes", "--json"));
	cr_assert(eq(int, r.code, 0), "%s", r.err);
	cr_assert(not(eq(ptr, strstr(r.out, "a\xef\xbf\xbd" "b"), NULL)), "%s",
	    r.out);
	th_run_free(&r);
	kill(a, SIGTERM);
	cr_assert(eq(int, wait_code(a), 128 + SIGTERM));
}

/* ps and inspect print control characters of an entry as '?': an
 * argument cannot retitle or clear the caller's terminal. */
Test(ops, control_characters_not_printed)
{
	struct th_run r;
	pid_t a;

	private_runtime();
	a = spawn(ARGV(th_sandlock(), "run", "--name", "esc", RO, "--", "sh",
	    "-c", "sleep 30", "x\033]0;owned\007y\302\233"));
	cr_assert(eq(int, wait_listed("esc"), a));
	run(&r, ARGV(th_sandlock(), "ps"));
	cr_assert(eq(int, r.code, 0), "%s", r.err);
	cr_assert(not(eq(ptr, strstr(r.out, "x?]0;owned?y?"), NULL)), "%s",
	    r.out);
	cr_assert(eq(ptr, strpbrk(r.out, "\033\007"), NULL));
	th_run_free(&r);
	run(&r, ARGV(th_sandlock(), "inspect", "esc"));
	cr_assert(eq(int, r.code, 0), "%s", r.err);
	cr_assert(eq(ptr, strpbrk(r.out, "\033\007"), NULL), "%s", r.out);
	th_run_free(&r);
	kill(a, SIGTERM);
	cr_assert(eq(int, wait_code(a), 128 + SIGTERM));
}

/* A name already running is refused before anything starts. */
Test(ops, name_in_use_refused)
{
	char *d = th_tmpdir(), *mark, *cmd;
	struct th_run r;
	pid_t a;

	private_runtime();
	cr_assert(asprintf(&mark, "%s/ran", d) > 0);
	cr_assert(asprintf(&cmd, "touch %s", mark) > 0);
	a = spawn(ARGV(th_sandlock(), "run", "--name", "dup", RO, "--",
	    "sleep", "30"));
	wait_listed("dup");
	run(&r, ARGV(th_sandlock(), "run", "--name", "dup", RO, "-w", d,
	    "--", "sh", "-c", cmd));
	cr_assert(eq(int, r.code, 125));
	cr_assert(not(eq(ptr, strstr(r.err, "already running"), NULL)), "%s",
	    r.err);
	cr_assert(eq(int, access(mark, F_OK), -1), "the command ran");
	th_run_free(&r);
	kill(a, SIGTERM);
	cr_assert(eq(int, wait_code(a), 128 + SIGTERM));
}

/* Bad names, signals, unknown sandboxes: one line, 125. */
Test(ops, bad_input_is_one_line_125)
{
	const char *const *cases[] = {
		ARGV(th_sandlock(), "run", "--name", "a/b", RO, "--", "true"),
		ARGV(th_sandlock(), "run", "--name", "", RO, "--", "true"),
		ARGV(th_sandlock(), "kill", "nosuch"),
		ARGV(th_sandlock(), "kill", "nosuch", "SIGBOGUS"),
		ARGV(th_sandlock(), "kill", "nosuch", "65"),
		ARGV(th_sandlock(), "kill", "../x"),
		ARGV(th_sandlock(), "inspect", "nosuch"),
		ARGV(th_sandlock(), "ps", "extra"),
		ARGV(th_sandlock(), "run", "--status-fd", "77", RO, "--", "true"),
		ARGV(th_sandlock(), "run", "--audit", "/proc/nonexistent/audit",
		    RO, "--", "true"),
		ARGV(th_sandlock(), "check", "--bogus"),
	};
	struct th_run r;
	size_t i;

	private_runtime();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run(&r, cases[i]);
		cr_assert(eq(int, r.code, 125), "case %zu: %s", i, r.err);
		cr_assert(eq(int, r.errlen > 0 && strchr(r.err, '\n') ==
		    r.err + r.errlen - 1, 1), "case %zu: not one line: %s", i,
		    r.err);
		th_run_free(&r);
	}
}

/* An unwritable audit file: nothing runs. */
Test(ops, unwritable_audit_runs_nothing)
{
	char *d = th_tmpdir(), *mark, *cmd;
	struct th_run r;

	private_runtime();
	cr_assert(asprintf(&mark, "%s/ran", d) > 0);
	cr_assert(asprintf(&cmd, "touch %s", mark) > 0);
	run(&r, ARGV(th_sandlock(), "run", "--audit", d, RO, "-w", d, "--",
	    "sh", "-c", cmd));
	cr_assert(eq(int, r.code, 125));
	cr_assert(not(eq(ptr, strstr(r.err, "audit"), NULL)), "%s", r.err);
	cr_assert(eq(int, access(mark, F_OK), -1));
	th_run_free(&r);
	setenv("SANDLOCK_AUDIT", "/proc/nonexistent/x", 1);
	run(&r, ARGV(th_sandlock(), "pipeline", RO, "::", "-w", d, "--", "sh",
	    "-c", cmd, "::", "--", "cat"));
	cr_assert(eq(int, r.code, 125), "%s", r.err);
	cr_assert(eq(int, access(mark, F_OK), -1));
	th_run_free(&r);
}

/* A corrupt entry: live (locked) is an error, stale is pruned. */
Test(ops, corrupt_entry)
{
	char path[4300], dir[4200];
	struct th_run r;
	int fd;

	snprintf(dir, sizeof(dir), "%s/sandlock", private_runtime());
	mkdir(dir, 0700);
	snprintf(path, sizeof(path), "%s/bad.json", dir);
	cr_assert(eq(int, th_write_file(path, "{not json"), 0));
	chmod(path, 0600);
	fd = open(path, O_RDONLY);
	cr_assert(eq(int, flock(fd, LOCK_EX), 0));
	run(&r, ARGV(th_sandlock(), "inspect", "bad"));
	cr_assert(eq(int, r.code, 125));
	cr_assert(not(eq(ptr, strstr(r.err, "corrupt"), NULL)), "%s", r.err);
	th_run_free(&r);
	run(&r, ARGV(th_sandlock(), "ps"));
	cr_assert(eq(int, r.code, 125));
	th_run_free(&r);
	close(fd);		/* unlocked: stale, whatever it holds */
	run(&r, ARGV(th_sandlock(), "ps"));
	cr_assert(eq(int, r.code, 0), "%s", r.err);
	th_run_free(&r);
	cr_assert(eq(int, access(path, F_OK), -1), "stale entry not pruned");
}

/* pid's children, from /proc (ppid is field 4). */
static size_t
children(pid_t pid, pid_t *out, size_t max)
{
	char path[300], buf[512], *p;
	struct dirent *de;
	size_t n = 0;
	DIR *d = opendir("/proc");
	FILE *f;
	int pp;

	while (d != NULL && (de = readdir(d)) != NULL && n < max) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		if (fgets(buf, sizeof(buf), f) != NULL &&
		    (p = strrchr(buf, ')')) != NULL &&
		    sscanf(p + 2, "%*c %d", &pp) == 1 && pp == pid)
			out[n++] = atoi(de->d_name);
		fclose(f);
	}
	if (d != NULL)
		closedir(d);
	return n;
}

/* SIGKILL of planner, broker, supervisor and stages: the entry is pruned. */
Test(ops, stale_entry_pruned_after_sigkill_of_everything)
{
	pid_t tree[64], a;
	size_t n = 1, i, k;
	char path[4200];
	struct th_run r;
	struct sl_json *all;

	snprintf(path, sizeof(path), "%s/sandlock/gone.json",
	    private_runtime());
	a = spawn(ARGV(th_sandlock(), "run", "--name", "gone", "-P", "20", RO,
	    "--", "sh", "-c", "sleep 30 & sleep 30"));
	wait_listed("gone");
	usleep(200 * 1000);
	tree[0] = a;
	for (i = 0; i < n; i++)
		n += children(tree[i], tree + n, 64 - n);
	cr_assert(ge(sz, n, 4), "planner, broker, supervisor, stage: %zu", n);
	for (k = 0; k < n; k++)
		kill(tree[k], SIGKILL);
	cr_assert(eq(int, wait_code(a), 128 + SIGKILL));
	for (k = 1; k < n; k++)
		for (i = 0; i < 100 && th_alive(tree[k]); i++)
			usleep(20 * 1000);
	cr_assert(eq(int, access(path, F_OK), 0), "entry already gone");
	all = ps_json();
	cr_assert(eq(ptr, ps_find(all, "gone"), NULL));
	sl_json_free(all);
	cr_assert(eq(int, access(path, F_OK), -1), "stale entry not pruned");
	/* and the name is free again */
	run(&r, ARGV(th_sandlock(), "run", "--name", "gone", RO, "--", "true"));
	cr_assert(eq(int, r.code, 0), "%s", r.err);
	th_run_free(&r);
}

/*
 * A run that ends leaves nothing in the state directory, named or not
 * (the confined planner removes its own entry), and a second run of the
 * same name goes through.
 */
Test(ops, finished_runs_leave_no_entry)
{
	char dir[4200];
	struct th_run r;
	char *s;
	int i;

	snprintf(dir, sizeof(dir), "%s/sandlock", private_runtime());
	for (i = 0; i < 2; i++) {
		run(&r, ARGV(th_sandlock(), "run", "--name", "again", RO, "--",
		    "true"));
		cr_assert(eq(int, r.code, 0), "%s", r.err);
		th_run_free(&r);
	}
	run(&r, ARGV(th_sandlock(), "run", RO, "--", "true"));
	cr_assert(eq(int, r.code, 0), "%s", r.err);
	th_run_free(&r);
	run(&r, ARGV(th_sandlock(), "pipeline", RO, "--name", "pipe", "::",
	    "--", "true", "::", "--", "true"));
	cr_assert(eq(int, r.code, 0), "%s", r.err);
	th_run_free(&r);
	s = th_dir_list(dir);
	cr_assert(eq(str, s, ""), "left in %s: %s", dir, s);
	free(s);
}

/*
 * A planner SIGKILLed between creating its temp entry and renaming it
 * leaves .NAME.PID (too brief a window to hit with a signal: the file is
 * made by hand); ps removes it, and only it.
 */
Test(ops, ps_removes_temp_of_a_planner_killed_while_registering)
{
	char dir[4200], tmp[4300], keep[4300];
	struct sl_json *all;

	snprintf(dir, sizeof(dir), "%s/sandlock", private_runtime());
	cr_assert(eq(int, mkdir(dir, 0700), 0));
	snprintf(tmp, sizeof(tmp), "%s/.gone.%d", dir, 99999);
	snprintf(keep, sizeof(keep), "%s/notes.txt", dir);
	cr_assert(eq(int, th_write_file(tmp, "{\"version\":1,"), 0));
	cr_assert(eq(int, th_write_file(keep, "x\n"), 0));
	all = ps_json();
	sl_json_free(all);
	cr_assert(eq(int, access(tmp, F_OK), -1), "temp entry left");
	cr_assert(eq(int, access(keep, F_OK), 0), "ps removed another file");
}

/* As another uid: root's sandbox is neither listed nor killable. */
Test(ops, other_uid_cannot_list_or_kill)
{
	struct passwd *pw;
	char *bin, cmd[8192 + 64];
	struct th_run r;
	pid_t a, c;
	int ws;

	if (geteuid() != 0)
		cr_skip_test("needs root (to run a second uid)");
	if ((pw = getpwnam("sandlock-test")) == NULL)
		cr_skip_test("no user sandlock-test (tests/run-unpriv.sh "
		    "creates it)");
	private_runtime();
	a = spawn(ARGV(th_sandlock(), "run", "--name", "rootbox", RO, "--",
	    "sleep", "30"));
	wait_listed("rootbox");
	/* copies that the other user can execute */
	bin = th_tmpdir();
	snprintf(cmd, sizeof(cmd), "cp %s %s %s/ && chmod 755 %s", th_sandlock(),
	    th_broker(), bin, bin);
	cr_assert(eq(int, system(cmd), 0));
	c = fork();
	if (c == 0) {
		char sl[2048];

		snprintf(sl, sizeof(sl), "%s/sandlock", bin);
		if (setgroups(0, NULL) < 0 || setgid(pw->pw_gid) < 0 ||
		    setuid(pw->pw_uid) < 0)
			_exit(90);
		/* even pointed at root's directory, it does not use it */
		snprintf(cmd, sizeof(cmd), "%s ps | grep -q rootbox && exit 91; "
		    "%s kill rootbox KILL 2>/dev/null; test $? -eq 125 || "
		    "exit 92; exit 0", sl, sl);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(93);
	}
	ws = th_wait(c);
	cr_assert(eq(int, WIFEXITED(ws) ? WEXITSTATUS(ws) : -1, 0));
	cr_assert(eq(int, th_alive(a), 1), "root's sandbox was killed");
	run(&r, ARGV(th_sandlock(), "kill", "rootbox"));
	th_run_free(&r);
	cr_assert(eq(int, wait_code(a), 128 + SIGTERM));
}

/* The digest `sandlock profile check` prints for a profile. */
static char *
profile_digest(const char *doc)
{
	char *d = th_tmpdir(), *f, *p, *dig;
	struct th_run r;

	cr_assert(asprintf(&f, "%s/p.toml", d) > 0);
	cr_assert(eq(int, th_write_file(f, doc), 0));
	run(&r, ARGV(th_sandlock(), "profile", "check", f));
	cr_assert(eq(int, r.code, 0), "%s", r.err);
	p = strstr(r.out, "# digest: ");
	cr_assert(not(eq(ptr, p, NULL)));
	dig = strndup(p + 10, 71);
	th_run_free(&r);
	return dig;
}

/* Audit lines parse, carry profile check's digest, and each status. */
Test(ops, audit_lines_for_a_pipeline)
{
	char *d = th_tmpdir(), *log, *st, line[8192], *dig1, *dig2;
	struct sl_json *j[2], *s;
	struct th_run r;
	FILE *f;
	int i;

	private_runtime();
	cr_assert(asprintf(&log, "%s/audit.log", d) > 0);
	cr_assert(asprintf(&st, "%s/status", d) > 0);
	run(&r, ARGV("/bin/sh", "-c", "exec \"$@\" 3>\"$0\"", st,
	    th_sandlock(), "pipeline", "--name", "audited", "--audit", log,
	    "--status-fd", "3", RO, "::", "--", "echo", "hi", "::", "--", "sh",
	    "-c", "cat >/dev/null; exit 3"));
	cr_assert(eq(int, r.code, 3), "%s", r.err);
	th_run_free(&r);
	f = fopen(log, "r");
	cr_assert(not(eq(ptr, f, NULL)));
	for (i = 0; i < 2; i++) {
		cr_assert(not(eq(ptr, fgets(line, sizeof(line), f), NULL)));
		j[i] = sl_json_parse(line, strlen(line), NULL);
		cr_assert(not(eq(ptr, j[i], NULL)), "%s", line);
		cr_assert(eq(str, (char *)sl_json_str(sl_json_get(j[i],
		    "name")), "audited"));
		cr_assert(eq(i64, sl_json_int(sl_json_get(j[i],
		    "stage")), i + 1));
		cr_assert(eq(i64, sl_json_int(sl_json_get(j[i],
		    "uid")), getuid()));
		/* looked up before the planner confined itself */
		cr_assert(eq(str, (char *)sl_json_str(sl_json_get(
		    j[i], "user")), getpwuid(getuid())->pw_name));
		cr_assert(eq(int, sl_json_type(sl_json_get(j[i], "start")),
		    SL_JSON_STRING));
		cr_assert(eq(sz, strlen(sl_json_str(sl_json_get(j[i],
		    "end"))), 24));
	}
	cr_assert(eq(ptr, fgets(line, sizeof(line), f), NULL));
	fclose(f);
	s = sl_json_get(j[0], "status");
	cr_assert(eq(str, (char *)sl_json_str(sl_json_get(s,
	    "outcome")), "exited"));
	cr_assert(eq(i64, sl_json_int(sl_json_get(s, "code")), 0));
	s = sl_json_get(j[1], "status");
	cr_assert(eq(i64, sl_json_int(sl_json_get(s, "code")), 3));
	dig1 = profile_digest("[program]\nexec = 'echo'\nargs = ['hi']\n"
	    "[filesystem]\nread = ['/usr', '/lib', '/lib64', '/bin']\n");
	dig2 = profile_digest("[program]\nexec = 'sh'\nargs = ['-c', "
	    "'cat >/dev/null; exit 3']\n[filesystem]\nread = ['/bin', '/lib', "
	    "'/lib64', '/usr']\n");
	cr_assert(eq(str, (char *)sl_json_str(sl_json_get(j[0],
	    "policy_digest")), dig1));
	cr_assert(eq(str, (char *)sl_json_str(sl_json_get(j[1],
	    "policy_digest")), dig2));
	sl_json_free(j[0]);
	sl_json_free(j[1]);
	/* --status-fd: one line, per-stage statuses */
	f = fopen(st, "r");
	cr_assert(not(eq(ptr, fgets(line, sizeof(line), f), NULL)));
	j[0] = sl_json_parse(line, strlen(line), NULL);
	cr_assert(not(eq(ptr, j[0], NULL)), "%s", line);
	cr_assert(eq(i64, sl_json_int(sl_json_get(j[0], "exit")), 3));
	cr_assert(eq(sz, sl_json_len(sl_json_get(j[0], "stages")), 2));
	fclose(f);
	sl_json_free(j[0]);
}

/* A run that is refused is audited too: not_run 125 with the reason. */
Test(ops, audit_records_refusal_and_signal)
{
	char *d = th_tmpdir(), *log, line[8192];
	struct th_run r;
	struct sl_json *j, *s;
	FILE *f;

	private_runtime();
	cr_assert(asprintf(&log, "%s/audit.log", d) > 0);
	setenv("SANDLOCK_AUDIT", log, 1);
	run(&r, ARGV(th_sandlock(), "run", RO, "--", "sh", "-c",
	    "kill -KILL $$"));
	cr_assert(eq(int, r.code, 128 + SIGKILL), "%s", r.err);
	th_run_free(&r);
	run(&r, ARGV(th_sandlock(), "run", "-r", "/nonexistent-dir", RO, "--",
	    "true"));
	cr_assert(eq(int, r.code, 125));
	th_run_free(&r);
	f = fopen(log, "r");
	cr_assert(not(eq(ptr, fgets(line, sizeof(line), f), NULL)));
	j = sl_json_parse(line, strlen(line), NULL);
	s = sl_json_get(j, "status");
	cr_assert(eq(str, (char *)sl_json_str(sl_json_get(s,
	    "outcome")), "signaled"));
	cr_assert(eq(i64, sl_json_int(sl_json_get(s, "signal")),
	    SIGKILL));
	sl_json_free(j);
	cr_assert(not(eq(ptr, fgets(line, sizeof(line), f), NULL)));
	j = sl_json_parse(line, strlen(line), NULL);
	s = sl_json_get(j, "status");
	cr_assert(eq(str, (char *)sl_json_str(sl_json_get(s,
	    "outcome")), "not_run"));
	cr_assert(eq(i64, sl_json_int(sl_json_get(s, "code")), 125));
	sl_json_free(j);
	fclose(f);
	cr_assert(eq(int, (int)(stat(log, &(struct stat){0}) == 0), 1));
}

/* An audit line counts the calls the supervisor refused (-P here). */
Test(ops, audit_counts_denied_calls)
{
	char *d = th_tmpdir(), *log, line[8192];
	struct sl_json *j;
	struct th_run r;
	FILE *f;

	private_runtime();
	cr_assert(asprintf(&log, "%s/audit.log", d) > 0);
	run(&r, ARGV(th_sandlock(), "run", "--audit", log, RO, "-r",
	    th_build(), "-P", "3", "--", th_probe(), "fork-many", "10", "1"));
	cr_assert(eq(int, r.code, 0), "%s", r.err);
	cr_assert(eq(str, r.out, "ok 2 8 EAGAIN\n"));
	th_run_free(&r);
	f = fopen(log, "r");
	cr_assert(not(eq(ptr, f, NULL)));
	cr_assert(not(eq(ptr, fgets(line, sizeof(line), f), NULL)));
	fclose(f);
	j = sl_json_parse(line, strlen(line), NULL);
	cr_assert(not(eq(ptr, j, NULL)), "%s", line);
	cr_assert(eq(i64, sl_json_int(sl_json_get(j,
	    "denied_calls")), 8), "%s", line);
	sl_json_free(j);
	/* No supervisor, no count: the key is absent, not a made-up 0. */
	run(&r, ARGV(th_sandlock(), "run", "--audit", log, RO, "--",
	    "/bin/true"));
	cr_assert(eq(int, r.code, 0), "%s", r.err);
	th_run_free(&r);
	f = fopen(log, "r");
	cr_assert(not(eq(ptr, fgets(line, sizeof(line), f), NULL)));
	cr_assert(not(eq(ptr, fgets(line, sizeof(line), f), NULL)));
	fclose(f);
	j = sl_json_parse(line, strlen(line), NULL);
	cr_assert(not(eq(ptr, j, NULL)), "%s", line);
	cr_assert(eq(ptr, sl_json_get(j, "denied_calls"), NULL), "%s",
	    line);
	sl_json_free(j);
}
