/* sbx.c: helpers of the black-box suites; see sbx.h. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sbx.h"

#define SBX_MAXARGS	256

static long
now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

struct criterion_test_params
sbx_index_params(size_t n)
{
	return th_index_params(n);
}

const char *const *
sbx_argv(const char *const extra[], const char *const cmd[])
{
	static const char *argv[SBX_MAXARGS];
	const char *std[] = { "-r", "/usr", "-r", "/lib", "-r", "/lib64",
	    "-r", "/bin", "-r", th_build() };
	size_t n = 0, i;

	argv[n++] = th_sandlock();
	argv[n++] = "run";
	for (i = 0; i < sizeof(std) / sizeof(std[0]); i++)
		argv[n++] = std[i];
	for (i = 0; extra != NULL && extra[i] != NULL && n < 200; i++)
		argv[n++] = extra[i];
	argv[n++] = "--";
	for (i = 0; cmd[i] != NULL && n < SBX_MAXARGS - 1; i++)
		argv[n++] = cmd[i];
	argv[n] = NULL;
	return argv;
}

void
sbx_probe(struct th_run *r, const char *const extra[], ...)
{
	const char *cmd[32];
	const char *a;
	size_t n = 0;
	va_list ap;

	cmd[n++] = th_probe();
	va_start(ap, extra);
	while ((a = va_arg(ap, const char *)) != NULL && n < 31)
		cmd[n++] = a;
	va_end(ap);
	cmd[n] = NULL;
	if (th_sandlock_run(r, extra, cmd) < 0)
		abort();
}

pid_t
sbx_spawn(const char *const argv[], int *outfd, int *errfd,
    void (*pre)(void *), void *arg)
{
	int op[2], ep[2] = { -1, -1 }, null;
	pid_t pid;

	if (pipe2(op, O_CLOEXEC) < 0 ||
	    (errfd != NULL && pipe2(ep, O_CLOEXEC) < 0))
		abort();
	if ((pid = fork()) < 0)
		abort();
	if (pid == 0) {
		if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0 ||
		    dup2(null, 0) < 0 || dup2(op[1], 1) < 0 ||
		    dup2(errfd != NULL ? ep[1] : null, 2) < 0)
			_exit(126);
		if (pre != NULL)
			pre(arg);
		execv(argv[0], (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	close(op[1]);
	*outfd = op[0];
	if (errfd != NULL) {
		close(ep[1]);
		*errfd = ep[0];
	}
	return pid;
}

char *
sbx_read_all(int fd, int ms)
{
	long end = now_ms() + ms;
	struct pollfd pfd = { fd, POLLIN, 0 };
	size_t len = 0;
	char *buf = calloc(1, 1), *nb;
	char chunk[4096];
	ssize_t n;

	while (buf != NULL && now_ms() < end) {
		if (poll(&pfd, 1, (int)(end - now_ms())) <= 0)
			continue;
		if ((n = read(fd, chunk, sizeof(chunk))) <= 0)
			break;
		if ((nb = realloc(buf, len + (size_t)n + 1)) == NULL)
			break;
		buf = nb;
		memcpy(buf + len, chunk, (size_t)n);
		len += (size_t)n;
		buf[len] = '\0';
	}
	if (buf == NULL)
		abort();
	return buf;
}

int
sbx_read_line(int fd, char *buf, size_t size, int ms)
{
	long end = now_ms() + ms;
	struct pollfd pfd = { fd, POLLIN, 0 };
	size_t len = 0;

	while (len + 1 < size && now_ms() < end) {
		if (poll(&pfd, 1, (int)(end - now_ms())) <= 0)
			continue;
		if (read(fd, buf + len, 1) != 1)
			break;
		if (buf[len++] == '\n') {
			buf[len] = '\0';
			return 0;
		}
	}
	buf[len] = '\0';
	return -1;
}

int
sbx_wait_ms(pid_t pid, int ms)
{
	long end = now_ms() + ms;
	int ws;
	pid_t r;

	for (;;) {
		r = waitpid(pid, &ws, WNOHANG);
		if (r == pid)
			return ws;
		if (r < 0 && errno != EINTR)
			return -1;
		if (now_ms() >= end)
			return -1;
		(void)usleep(10000);
	}
}

int
sbx_parse_pids(const char *line, pid_t *pids, int max)
{
	const char *p;
	char *end;
	long v;
	int n = 0;

	if (strncmp(line, "ok", 2) != 0)
		return 0;
	for (p = line + 2; n < max; p = end) {
		v = strtol(p, &end, 10);
		if (end == p || v <= 0)
			break;
		pids[n++] = (pid_t)v;
	}
	return n;
}

int
sbx_all_gone(const pid_t *pids, int n, int ms)
{
	long end = now_ms() + ms;
	int i, alive;

	for (;;) {
		for (alive = 0, i = 0; i < n; i++)
			alive |= th_alive(pids[i]);
		if (!alive)
			return 1;
		if (now_ms() >= end)
			return 0;
		(void)usleep(20000);
	}
}

static int
read_stat(pid_t pid, char *buf, size_t size)
{
	char path[64];
	ssize_t n;
	int fd;

	(void)snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

pid_t
sbx_stat_field(pid_t pid, int field)
{
	char buf[512], *p;
	int f;

	if (read_stat(pid, buf, sizeof(buf)) < 0 ||
	    (p = strrchr(buf, ')')) == NULL)
		return -1;
	/* p + 2 is field 3 (state). */
	for (p += 2, f = 3; f < field && p != NULL; f++)
		if ((p = strchr(p, ' ')) != NULL)
			p++;
	return p == NULL ? -1 : (pid_t)strtol(p, NULL, 10);
}

void
sbx_comm(pid_t pid, char *buf, size_t size)
{
	char st[512], *a, *b;

	buf[0] = '\0';
	if (read_stat(pid, st, sizeof(st)) < 0 ||
	    (a = strchr(st, '(')) == NULL || (b = strrchr(st, ')')) == NULL)
		return;
	(void)snprintf(buf, size, "%.*s", (int)(b - a - 1), a + 1);
}

int
sbx_copy(const char *from, const char *to)
{
	char buf[65536];
	int in, out, rc = -1;
	ssize_t n;

	if ((in = open(from, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if ((out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0755)) >= 0) {
		while ((n = read(in, buf, sizeof(buf))) > 0)
			if (write(out, buf, (size_t)n) != n)
				break;
		rc = n == 0 && fchmod(out, 0755) == 0 ? 0 : -1;
		if (close(out) < 0)
			rc = -1;
	}
	close(in);
	return rc;
}

static int
rm_one(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (type == FTW_DP)
		(void)rmdir(path);
	else
		(void)unlink(path);
	return 0;
}

void
sbx_rmtree(const char *dir)
{
	if (dir != NULL)
		(void)nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

char *
sbx_join(const char *a, const char *b)
{
	char *p;

	if (asprintf(&p, "%s/%s", a, b) < 0)
		abort();
	return p;
}

pid_t
sbx_find_child(pid_t parent, const char *comm)
{
	struct dirent *de;
	char name[64];
	pid_t pid, found = -1;
	DIR *d = opendir("/proc");

	if (d == NULL)
		return -1;
	while (found < 0 && (de = readdir(d)) != NULL) {
		if ((pid = atoi(de->d_name)) <= 0 ||
		    sbx_stat_field(pid, 4) != parent)
			continue;
		sbx_comm(pid, name, sizeof(name));
		if (strcmp(name, comm) == 0)
			found = pid;
	}
	closedir(d);
	return found;
}
