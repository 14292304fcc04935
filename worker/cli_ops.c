/*
 * cli_ops.c: `sandlock ps`, `kill`, `inspect`, and --name, --audit,
 * --status-fd.  See sandlock(1) and SECURITY.md, "Named sandboxes".
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
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
	json_t *j = NULL;
	int dfd;

	if (co->name == NULL) {
		(void)snprintf(co->defname, sizeof(co->defname), "sandbox-%d",
		    (int)getpid());
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
		json_decref(j);
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

void
cli_ops_status(struct cli_opts *co, const struct sandlock_job_result *r,
    int exit_status)
{
	json_t *j, *st;
	char *s;
	size_t i;

	if (co->status_fd < 0)
		return;
	st = json_array();
	for (i = 0; st != NULL && r != NULL && i < r->nstages; i++)
		(void)json_array_append_new(st, audit_status_json(&r->stages[i],
		    r->errors[i]));
	j = json_pack("{s:s?, s:i, s:o?, s:o}", "name", co->name, "exit",
	    exit_status, "status", r != NULL ? audit_status_json(&r->status,
	    r->nstages == 1 ? r->errors[0] : NULL) : NULL, "stages", st);
	if (j != NULL && (s = json_dumps(j, JSON_COMPACT)) != NULL) {
		if (dprintf(co->status_fd, "%s\n", s) < 0)
			(void)fprintf(stderr, "sandlock: warning: unable to "
			    "write to --status-fd: %s\n", strerror(errno));
		free(s);
	}
	json_decref(j);
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
uptime_ms(json_t *j)
{
	struct timespec now;
	long long t;

	(void)clock_gettime(CLOCK_REALTIME, &now);
	t = (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000 -
	    (long long)json_integer_value(json_object_get(j, "started_ms"));
	return t < 0 ? 0 : t;
}

/* "cmd args | cmd args" of an entry's stages. */
static void
print_command(json_t *j)
{
	json_t *st, *a;
	size_t i, k;

	json_array_foreach(json_object_get(j, "stages"), i, st) {
		if (i > 0)
			(void)fputs(" | ", stdout);
		json_array_foreach(json_object_get(st, "argv"), k, a)
			(void)printf("%s%s", k ? " " : "", json_string_value(a));
	}
	(void)putchar('\n');
}

static void
ps_row(json_t *j)
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
	(void)printf("%-20s %8lld %8s  ", json_string_value(json_object_get(j,
	    "name")), (long long)json_integer_value(json_object_get(j, "pid")),
	    up);
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
	json_t *j, *all;
	size_t n, i;
	char **names;
	int dfd, status = 0;
	char *s;

	if (argc != 0)
		return fail("usage: sandlock ps [--json]");
	if ((dfd = state_dir_open(NULL, &e)) < 0)
		return fail("%s", e.msg);
	if ((all = json_array()) == NULL) {
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
			(void)json_object_set_new(j, "uptime_ms",
			    json_integer(uptime_ms(j)));
			(void)json_array_append(all, j);
		} else if (live == STATE_LIVE)
			ps_row(j);
		json_decref(j);
		free(names[i]);
	}
	free(names);
	sl_close(dfd);
	if (js && (s = json_dumps(all, JSON_COMPACT)) != NULL) {
		(void)printf("%s\n", s);
		free(s);
	}
	json_decref(all);
	return status;
}

/* The live entry NAME (the caller json_decref()s it), or NULL after a line. */
static json_t *
live_entry(const char *name)
{
	enum state_liveness live;
	struct sandlock_error e;
	json_t *j = NULL;
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
	for (i = 1; i < 32; i++)
		if ((abbr = sigabbrev_np(i)) != NULL && strcasecmp(s, abbr) == 0)
			return i;
	return 0;
}

/*
 * Queues the kill signal, carrying sig, to the planner through a pidfd
 * opened before its start time is checked: the pid cannot be reused
 * between the check and the signal.
 */
static int
signal_planner(json_t *j, const char *name, int sig)
{
	pid_t pid = (pid_t)json_integer_value(json_object_get(j, "pid"));
	cleanup_fd int pfd = -1;
	siginfo_t si;

	if (json_integer_value(json_object_get(j, "uid")) != (json_int_t)getuid())
		return fail("sandbox %s belongs to another user: refusing",
		    name);
	if ((pfd = (int)syscall(SYS_pidfd_open, pid, 0)) < 0 ||
	    state_start_time(pid) != (unsigned long long)json_integer_value(
	    json_object_get(j, "start_time")))
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
	json_t *j;

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
	json_decref(j);
	return r;
}

int
cli_inspect(int argc, char *argv[])
{
	bool js = want_json(&argc, argv);
	struct sandlock_error e;
	json_t *j, *st;
	size_t i, n;
	char *s;

	if (argc != 1)
		return fail("usage: sandlock inspect NAME [--json]");
	if (state_check_name(argv[0], &e) < 0)
		return fail("%s", e.msg);
	if ((j = live_entry(argv[0])) == NULL)
		return 125;
	if (js) {
		if ((s = json_dumps(j, JSON_COMPACT)) != NULL)
			(void)printf("%s\n", s);
		free(s);
	} else {
		n = json_array_size(json_object_get(j, "stages"));
		json_array_foreach(json_object_get(j, "stages"), i, st)
			(void)printf("# sandbox %s, stage %zu of %zu, planner "
			    "pid %lld\n%s# digest: %s\n", argv[0], i + 1, n,
			    (long long)json_integer_value(json_object_get(j,
			    "pid")), json_string_value(json_object_get(st,
			    "policy")), json_string_value(json_object_get(st,
			    "digest")));
	}
	json_decref(j);
	return 0;
}
