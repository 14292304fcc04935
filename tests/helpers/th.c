/* th.c: test helpers; see th.h. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "th.h"

static char th_dir[PATH_MAX];
static char th_paths[3][PATH_MAX + 32];

const char *
th_build(void)
{
	const char *b;

	if (th_dir[0] == '\0') {
		b = getenv("SL_BUILD");
		if (b == NULL)
			b = "build";
		if (realpath(b, th_dir) == NULL) {
			(void)fprintf(stderr, "th: no build dir %s\n", b);
			abort();
		}
	}
	return th_dir;
}

static const char *
th_path(int i, const char *name)
{
	if (th_paths[i][0] == '\0')
		(void)snprintf(th_paths[i], sizeof(th_paths[i]), "%s/%s",
		    th_build(), name);
	return th_paths[i];
}

const char *th_sandlock(void) { return th_path(0, "sandlock"); }
const char *th_broker(void) { return th_path(1, "sandlock-broker"); }
const char *th_probe(void) { return th_path(2, "probe"); }

static void
append(char **buf, size_t *len, const char *p, size_t n)
{
	char *b = realloc(*buf, *len + n + 1);

	if (b == NULL)
		abort();
	memcpy(b + *len, p, n);
	*len += n;
	b[*len] = '\0';
	*buf = b;
}

static void
drain(struct th_run *r, int out, int err, pid_t pid, int timeout_s)
{
	struct pollfd pfd[2] = { { out, POLLIN, 0 }, { err, POLLIN, 0 } };
	time_t end = time(NULL) + timeout_s;
	char buf[65536];
	ssize_t n;
	int i;

	while (pfd[0].fd >= 0 || pfd[1].fd >= 0) {
		if (time(NULL) > end) {
			(void)kill(pid, SIGKILL);
			break;
		}
		if (poll(pfd, 2, 1000) <= 0)
			continue;
		for (i = 0; i < 2; i++) {
			if (pfd[i].revents == 0)
				continue;
			n = read(pfd[i].fd, buf, sizeof(buf));
			if (n <= 0) {
				close(pfd[i].fd);
				pfd[i].fd = -1;
			} else if (i == 0)
				append(&r->out, &r->outlen, buf, (size_t)n);
			else
				append(&r->err, &r->errlen, buf, (size_t)n);
		}
	}
	for (i = 0; i < 2; i++)
		if (pfd[i].fd >= 0)
			close(pfd[i].fd);
}

int
th_runv(struct th_run *r, const char *const argv[], int stdin_fd,
    int timeout_s)
{
	int op[2], ep[2], devnull;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	append(&r->out, &r->outlen, "", 0);
	append(&r->err, &r->errlen, "", 0);
	if (pipe2(op, O_CLOEXEC) < 0 || pipe2(ep, O_CLOEXEC) < 0)
		return -1;
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		devnull = open("/dev/null", O_RDONLY);
		if (dup2(stdin_fd >= 0 ? stdin_fd : devnull, 0) < 0 ||
		    dup2(op[1], 1) < 0 || dup2(ep[1], 2) < 0)
			_exit(126);
		execv(argv[0], (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	close(op[1]);
	close(ep[1]);
	drain(r, op[0], ep[0], pid, timeout_s);
	r->status = th_wait(pid);
	r->code = WIFEXITED(r->status) ? WEXITSTATUS(r->status) :
	    128 + WTERMSIG(r->status);
	return 0;
}

int
th_sandlock_run(struct th_run *r, const char *const extra[],
    const char *const cmd[])
{
	const char *argv[256];
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
	for (i = 0; cmd[i] != NULL && n < 254; i++)
		argv[n++] = cmd[i];
	argv[n] = NULL;
	return th_runv(r, argv, -1, 30);
}

void
th_run_free(struct th_run *r)
{
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof(*r));
}

char *
th_tmpdir(void)
{
	char *d = strdup("/tmp/sltest.XXXXXX");

	if (d == NULL || mkdtemp(d) == NULL || chmod(d, 0755) < 0)
		abort();
	return d;
}

int
th_write_file(const char *path, const char *contents)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	size_t len = strlen(contents);

	if (fd < 0)
		return -1;
	if (write(fd, contents, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	return close(fd);
}

int
th_alive(pid_t pid)
{
	char path[64], buf[512], *p;
	int fd;
	ssize_t n;

	(void)snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p != NULL && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

void
seq_socketpair(int sv[2])
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		abort();
}

pid_t
run_broker(int *sock)
{
	int sv[2];
	pid_t pid;

	seq_socketpair(sv);
	if ((pid = fork()) < 0)
		abort();
	if (pid == 0) {
		if (dup2(sv[1], 3) < 0)
			_exit(126);
		execl(th_broker(), "sandlock-broker", (char *)NULL);
		_exit(127);
	}
	close(sv[1]);
	*sock = sv[0];
	return pid;
}

ssize_t
send_raw(int fd, const void *buf, size_t n, const int *fds, int nfds)
{
	union {
		char b[CMSG_SPACE(sizeof(int) * 16)];
		struct cmsghdr align;
	} cm;
	struct iovec iov = { (void *)(uintptr_t)buf, n };
	struct msghdr mh;
	struct cmsghdr *c;

	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (nfds > 0) {
		memset(&cm, 0, sizeof(cm));
		mh.msg_control = cm.b;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nfds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)nfds);
	}
	return sendmsg(fd, &mh, MSG_NOSIGNAL);
}

int
th_wait(pid_t pid)
{
	int ws = 0;

	while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
		;
	return ws;
}

/* How many processes hold marker in their environment (zombies do not). */
int
th_env_marked(const char *marker, const char *comm)
{
	static char buf[256 * 1024];
	char path[300], c[64];
	struct dirent *e;
	DIR *d = opendir("/proc");
	int count = 0, fd;
	ssize_t n, k, r;

	if (d == NULL)
		abort();
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		(void)snprintf(path, sizeof(path), "/proc/%s/environ",
		    e->d_name);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			continue;
		for (n = 0; n < (ssize_t)sizeof(buf) - 1 && (r = read(fd,
		    buf + n, sizeof(buf) - 1 - (size_t)n)) > 0; n += r)
			;
		(void)close(fd);
		for (k = 0; k < n; k++)
			if (buf[k] == '\0')
				buf[k] = '\n';
		if (n <= 0 || (buf[n] = '\0', strstr(buf, marker) == NULL))
			continue;
		if (comm != NULL) {
			(void)snprintf(path, sizeof(path), "/proc/%s/comm",
			    e->d_name);
			c[0] = '\0';
			if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
				n = read(fd, c, sizeof(c) - 1);
				c[n > 0 ? n - 1 : 0] = '\0';
				(void)close(fd);
			}
			if (strcmp(c, comm) != 0)
				continue;
		}
		count++;
	}
	(void)closedir(d);
	return count;
}

/* The names in dir, one a line ("" if empty, or if dir does not exist). */
char *
th_dir_list(const char *dir)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);
	struct dirent *e;
	DIR *d = opendir(dir);

	if (f == NULL)
		abort();
	while (d != NULL && (e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			(void)fprintf(f, "%s\n", e->d_name);
	if (d != NULL)
		(void)closedir(d);
	(void)fclose(f);
	return s;
}

static void
free_params(struct criterion_test_params *p)
{
	cr_free(p->params);
}

struct criterion_test_params
th_index_params(size_t n)
{
	size_t *v = cr_malloc(n * sizeof(*v)), i;

	if (v == NULL)
		abort();
	for (i = 0; i < n; i++)
		v[i] = i;
	return cr_make_param_array(size_t, v, n, free_params);
}
