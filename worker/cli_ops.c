/*
 * cli_ops.c: `sandlock ps`, `kill`, `inspect`, and --name, --audit,
 * --status-fd.  See sandlock(1) and SECURITY.md, "Named sandboxes".
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "cli_ops.h"
#include "json.h"
#include "state.h"
#include "wutil.h"

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One line on stderr; returns 125. */
static int
fail(const char *fmt, ...)
{
	va_list ap;

	(void)fputs("sandlock: ", stderr);
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
	(void)fputc('\n', stderr);
	return 125;
}

/* Whether a is option opt ("--opt" or "--opt=..."); *val if "=". */
static bool
is_opt(const char *a, const char *opt, const char **val)
{
	size_t n = strlen(opt);

	*val = NULL;
	if (strncmp(a, opt, n) != 0 || (a[n] != '\0' && a[n] != '='))
		return false;
	if (a[n] == '=')
		*val = a + n + 1;
	return true;
}

static int
set_opt(struct cli_opts *co, int k, const char *v)
{
	static const char *const names[] = { "--name", "--audit",
	    "--status-fd" };
	char *end;
	long fd;

	if ((k == 0 && co->name != NULL) || (k == 1 && co->audit != NULL) ||
	    (k == 2 && co->status_fd >= 0))
		return fail("%s given twice (see sandlock --help)", names[k]);
	if (k == 0)
		co->name = v;
	else if (k == 1) {
		if (*v == '\0')
			return fail("%s needs a file name", names[k]);
		co->audit = v;
	} else {
		errno = 0;
		fd = strtol(v, &end, 10);
		if (*v < '0' || *v > '9' || *end != '\0' || errno != 0 ||
		    fd > 65535)
			return fail("--status-fd needs a file descriptor "
			    "number, got '%s'", v);
		co->status_fd = (int)fd;
	}
	return 0;
}

int
cli_ops_extract(int *argcp, char *argv[], const char *stop,
    struct cli_opts *co)
{
	static const char *const opts[] = { "--name", "--audit",
	    "--status-fd" };
	int i, k, out = 0, argc = *argcp, r;
	bool done = false;
	const char *v;

	memset(co, 0, sizeof(*co));
	co->audit_fd = co->status_fd = -1;
	for (i = 0; i < argc; i++) {
		if (!done && strcmp(argv[i], stop) == 0)
			done = true;
		for (k = 0; !done && k < 3; k++)
			if (is_opt(argv[i], opts[k], &v))
				break;
		if (done || k == 3) {
			argv[out++] = argv[i];
			continue;
		}
		if (v == NULL && i + 1 >= argc)
			return fail("option '%s' needs a value", opts[k]);
		if ((r = set_opt(co, k, v != NULL ? v : argv[++i])) != 0)
			return r;
	}
	argv[out] = NULL;
	*argcp = out;
	return 0;
}

int
cli_ops_prepare(struct cli_opts *co)
{
	enum state_liveness live;
	struct sandlock_error e;
	struct sl_json *j = NULL;
	int dfd;

	if (co->name == NULL) {
		(void)snprintf(co->defname, sizeof(co->defname),
		    STATE_DEFNAME_FMT, (int)getpid());
		co->name = co->defname;
	}
	if (co->audit == NULL && getenv("SANDLOCK_AUDIT") != NULL &&
	    *getenv("SANDLOCK_AUDIT") != '\0')
		co->audit = getenv("SANDLOCK_AUDIT");
	if (co->status_fd >= 0 && fcntl(co->status_fd, F_GETFD) < 0)
		return fail("--status-fd %d: not an open file descriptor",
		    co->status_fd);
	if (state_check_name(co->name, &e) < 0)
		return fail("%s", e.msg);
	if ((dfd = state_dir_open(NULL, &e)) < 0) {
		/*
		 * Without --name, a run that cannot reach the state directory
		 * (inside another sandbox: EACCES) runs unregistered.  A
		 * directory that is not ours is refused in every case.
		 */
		if (co->name != co->defname || (errno != EACCES &&
		    errno != EPERM && errno != EROFS))
			return fail("%s", e.msg);
		co->name = NULL;
		goto audit;
	}
	/*
	 * sandbox-PID cannot be in use: no other live planner has our pid
	 * (a stale entry of that name is replaced when we register).
	 */
	if (co->name != co->defname && state_load(dfd, co->name, &live, &j,
	    &e) == 0 && live == STATE_LIVE) {
		sl_json_free(j);
		sl_close(dfd);
		return fail("a sandbox named %s is already running: choose "
		    "another --name, or stop it with 'sandlock kill %s'",
		    co->name, co->name);
	}
	sl_close(dfd);
audit:
	if (co->audit != NULL &&
	    (co->audit_fd = sandlock_audit_open(co->audit, &e)) < 0)
		return fail("%s", e.msg);
	return 0;
}

/* The job's status for --status-fd: null without a result (or memory). */
static struct sl_json *
job_status(const struct sandlock_job_result *r)
{
	struct sl_json *s = NULL;

	if (r != NULL)
		s = audit_status_json(&r->status, r->nstages == 1 ?
		    r->errors[0] : NULL);
	return s != NULL ? s : sl_json_new_null();
}

/* Each stage's status; one that cannot be made is left out. */
static struct sl_json *
stage_statuses(const struct sandlock_job_result *r)
{
	struct sl_json *st = sl_json_new_array();
	size_t i;

	for (i = 0; st != NULL && r != NULL && i < r->nstages; i++)
		(void)sl_json_append(st, audit_status_json(&r->stages[i],
		    r->errors[i]));
	return st;
}

void
cli_ops_status(struct cli_opts *co, const struct sandlock_job_result *r,
    int exit_status)
{
	struct sl_json *j;
	char *s;

	if (co->status_fd < 0)
		return;
	if ((j = sl_json_new_object()) != NULL &&
	    sl_json_set_str(j, "name", co->name) == 0 &&
	    sl_json_set_int(j, "exit", exit_status) == 0 &&
	    sl_json_set(j, "status", job_status(r)) == 0 &&
	    sl_json_set(j, "stages", stage_statuses(r)) == 0 &&
	    (s = sl_json_dump(j, NULL)) != NULL) {
		if (dprintf(co->status_fd, "%s\n", s) < 0)
			(void)fprintf(stderr, "sandlock: warning: unable to "
			    "write to --status-fd: %s\n", strerror(errno));
		free(s);
	}
	sl_json_free(j);
}

void
cli_ops_done(struct cli_opts *co)
{
	sl_closep(&co->audit_fd);
}

/* ---- ps, kill, inspect --------------------------------------------- */

static bool
want_json(int *argc, char *argv[])
{
	int i;

	for (i = 0; i < *argc; i++)
		if (strcmp(argv[i], "--json") == 0) {
			memmove(&argv[i], &argv[i + 1],
			    (size_t)(*argc - i) * sizeof(char *));
			(*argc)--;
			return true;
		}
	return false;
}

static long long
uptime_ms(const struct sl_json *j)
{
	struct timespec now;
	long long t;

	(void)clock_gettime(CLOCK_REALTIME, &now);
	t = (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000 -
	    (long long)sl_json_int(sl_json_get(j, "started_ms"));
	return t < 0 ? 0 : t;
}

/* A string of an entry, or "?" where the entry has none there. */
static const char *
str_or_what(const struct sl_json *v)
{
	return sl_json_str(v) != NULL ? sl_json_str(v) : "?";
}

/*
 * s for a terminal: C0 and C1 controls and DEL (but newline and tab where
 * lines is set, in a policy's text) print as '?', so that neither an
 * argument nor a hand-made entry can move the cursor or retitle the
 * terminal.  Entries are UTF-8 (their reader checks).
 */
static void
put_text(const char *s, bool lines)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p != '\0'; p++)
		if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			(void)putchar('?');	/* U+0080-U+009F */
			p++;
		} else if (*p == 0x7f || (*p < 0x20 && !(lines &&
		    (*p == '\n' || *p == '\t'))))
			(void)putchar('?');
		else
			(void)putchar(*p);
}

/* "cmd args | cmd args" of an entry's stages. */
static void
print_command(const struct sl_json *j)
{
	const struct sl_json *st = sl_json_get(j, "stages"), *argv;
	size_t i, k;

	for (i = 0; i < sl_json_len(st); i++) {
		if (i > 0)
			(void)fputs(" | ", stdout);
		argv = sl_json_get(sl_json_at(st, i), "argv");
		for (k = 0; k < sl_json_len(argv); k++) {
			if (k > 0)
				(void)putchar(' ');
			put_text(str_or_what(sl_json_at(argv, k)), false);
		}
	}
	(void)putchar('\n');
}

static void
ps_row(const struct sl_json *j)
{
	long long s = uptime_ms(j) / 1000;
	char up[32];

	if (s >= 3600)
		(void)snprintf(up, sizeof(up), "%lldh%02lldm", s / 3600,
		    s / 60 % 60);
	else if (s >= 60)
		(void)snprintf(up, sizeof(up), "%lldm%02llds", s / 60, s % 60);
	else
		(void)snprintf(up, sizeof(up), "%llds", s);
	(void)printf("%-20s %8lld %8s  ", str_or_what(sl_json_get(j, "name")),
	    (long long)sl_json_int(sl_json_get(j, "pid")), up);
	print_command(j);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of the entries in dfd, sorted; *n of them. */
static char **
entry_names(int dfd, size_t *n)
{
	char **v = NULL, **nv;
	struct dirent *de;
	size_t len;
	DIR *d;
	int fd;

	*n = 0;
	if ((fd = fcntl(dfd, F_DUPFD_CLOEXEC, 3)) < 0 ||
	    (d = fdopendir(fd)) == NULL) {
		sl_close(fd);
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len <= 5 ||
		    strcmp(de->d_name + len - 5, ".json") != 0 ||
		    (nv = reallocarray(v, *n + 1, sizeof(*v))) == NULL)
			continue;
		v = nv;
		if ((v[*n] = strndup(de->d_name, len - 5)) != NULL)
			(*n)++;
	}
	(void)closedir(d);
	if (*n > 0)
		qsort(v, *n, sizeof(*v), cmp_str);
	return v;
}

int
cli_ps(int argc, char *argv[])
{
	bool js = want_json(&argc, argv);
	enum state_liveness live;
	struct sandlock_error e;
	struct sl_json *j, *all;
	size_t n, i;
	char **names;
	int dfd, status = 0;
	char *s;

	if (argc != 0)
		return fail("usage: sandlock ps [--json]");
	if ((dfd = state_dir_open(NULL, &e)) < 0)
		return fail("%s", e.msg);
	if ((all = sl_json_new_array()) == NULL) {
		sl_close(dfd);
		return fail("out of memory");
	}
	state_prune_temps(dfd);
	names = entry_names(dfd, &n);
	if (!js)
		(void)printf("%-20s %8s %8s  %s\n", "NAME", "PID", "UPTIME",
		    "COMMAND");
	for (i = 0; i < n; i++) {
		if (state_load(dfd, names[i], &live, &j, &e) < 0) {
			(void)fprintf(stderr, "sandlock: %s\n", e.msg);
			status = 125;
		} else if (live == STATE_LIVE && js) {
			(void)sl_json_set_int(j, "uptime_ms", uptime_ms(j));
			(void)sl_json_append(all, steal_ptr(&j));
		} else if (live == STATE_LIVE)
			ps_row(j);
		sl_json_free(j);
		free(names[i]);
	}
	free(names);
	sl_close(dfd);
	if (js && (s = sl_json_dump(all, NULL)) != NULL) {
		(void)printf("%s\n", s);
		free(s);
	}
	sl_json_free(all);
	return status;
}

/* The live entry NAME (the caller sl_json_free()s it), or NULL after a line. */
static struct sl_json *
live_entry(const char *name)
{
	enum state_liveness live;
	struct sandlock_error e;
	struct sl_json *j = NULL;
	int dfd;

	if ((dfd = state_dir_open(NULL, &e)) < 0 ||
	    state_load(dfd, name, &live, &j, &e) < 0) {
		sl_close(dfd);
		(void)fail("%s", e.msg);
		return NULL;
	}
	sl_close(dfd);
	if (live != STATE_LIVE)
		(void)fail("no running sandbox named %s (sandlock ps lists "
		    "yours)", name);
	return j;
}

/* The names kill(1) takes, by number (sigabbrev_np is glibc's only). */
static const char *const sig_names[] = {
	[SIGHUP] = "HUP", [SIGINT] = "INT", [SIGQUIT] = "QUIT",
	[SIGILL] = "ILL", [SIGTRAP] = "TRAP", [SIGABRT] = "ABRT",
	[SIGBUS] = "BUS", [SIGFPE] = "FPE", [SIGKILL] = "KILL",
	[SIGUSR1] = "USR1", [SIGSEGV] = "SEGV", [SIGUSR2] = "USR2",
	[SIGPIPE] = "PIPE", [SIGALRM] = "ALRM", [SIGTERM] = "TERM",
	[SIGSTKFLT] = "STKFLT", [SIGCHLD] = "CHLD", [SIGCONT] = "CONT",
	[SIGSTOP] = "STOP", [SIGTSTP] = "TSTP", [SIGTTIN] = "TTIN",
	[SIGTTOU] = "TTOU", [SIGURG] = "URG", [SIGXCPU] = "XCPU",
	[SIGXFSZ] = "XFSZ", [SIGVTALRM] = "VTALRM", [SIGPROF] = "PROF",
	[SIGWINCH] = "WINCH", [SIGIO] = "IO", [SIGPWR] = "PWR",
	[SIGSYS] = "SYS",
};

/* SIGTERM, TERM, term or 15; 0 if none. */
static int
parse_signal(const char *s)
{
	const char *abbr;
	char *end;
	long n;
	int i;

	if (*s >= '0' && *s <= '9') {
		n = strtol(s, &end, 10);
		return *end == '\0' && n >= 1 && n <= 64 ? (int)n : 0;
	}
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (i = 1; i < (int)SL_NITEMS(sig_names); i++)
		if ((abbr = sig_names[i]) != NULL && strcasecmp(s, abbr) == 0)
			return i;
	return 0;
}

/*
 * Queues the kill signal, carrying sig, to the planner through a pidfd
 * opened before its start time is checked: the pid cannot be reused
 * between the check and the signal.
 */
static int
signal_planner(const struct sl_json *j, const char *name, int sig)
{
	pid_t pid = (pid_t)sl_json_int(sl_json_get(j, "pid"));
	cleanup_fd int pfd = -1;
	siginfo_t si;

	if (sl_json_int(sl_json_get(j, "uid")) != (int64_t)getuid())
		return fail("sandbox %s belongs to another user: refusing",
		    name);
	if ((pfd = (int)syscall(SYS_pidfd_open, pid, 0)) < 0 ||
	    state_start_time(pid) != (unsigned long long)sl_json_int(
	    sl_json_get(j, "start_time")))
		return fail("no running sandbox named %s (its planner is "
		    "gone)", name);
	memset(&si, 0, sizeof(si));
	si.si_signo = state_kill_signal();
	si.si_code = SI_QUEUE;
	si.si_pid = getpid();
	si.si_uid = getuid();
	si.si_value.sival_int = sig;
	if (syscall(SYS_pidfd_send_signal, pfd, si.si_signo, &si, 0) < 0)
		return fail("unable to signal sandbox %s: %s", name,
		    strerror(errno));
	return 0;
}

int
cli_kill(int argc, char *argv[])
{
	struct sandlock_error e;
	int sig = SIGTERM, r;
	struct sl_json *j;

	if (argc < 1 || argc > 2)
		return fail("usage: sandlock kill NAME [SIGNAL]");
	if (state_check_name(argv[0], &e) < 0)
		return fail("%s", e.msg);
	if (argc == 2 && (sig = parse_signal(argv[1])) == 0)
		return fail("invalid signal '%s': use a name such as TERM, "
		    "SIGKILL or a number from 1 to 64", argv[1]);
	if ((j = live_entry(argv[0])) == NULL)
		return 125;
	r = signal_planner(j, argv[0], sig);
	sl_json_free(j);
	return r;
}

int
cli_inspect(int argc, char *argv[])
{
	bool js = want_json(&argc, argv);
	struct sandlock_error e;
	const struct sl_json *st;
	struct sl_json *j;
	size_t i, n;
	char *s;

	if (argc != 1)
		return fail("usage: sandlock inspect NAME [--json]");
	if (state_check_name(argv[0], &e) < 0)
		return fail("%s", e.msg);
	if ((j = live_entry(argv[0])) == NULL)
		return 125;
	if (js) {
		if ((s = sl_json_dump(j, NULL)) != NULL)
			(void)printf("%s\n", s);
		free(s);
	} else {
		n = sl_json_len(sl_json_get(j, "stages"));
		for (i = 0; i < n; i++) {
			st = sl_json_at(sl_json_get(j, "stages"), i);
			(void)printf("# sandbox %s, stage %zu of %zu, planner "
			    "pid %lld\n", argv[0], i + 1, n,
			    (long long)sl_json_int(sl_json_get(j, "pid")));
			put_text(str_or_what(sl_json_get(st, "policy")), true);
			(void)fputs("# digest: ", stdout);
			put_text(str_or_what(sl_json_get(st, "digest")), false);
			(void)putchar('\n');
		}
	}
	sl_json_free(j);
	return 0;
}
