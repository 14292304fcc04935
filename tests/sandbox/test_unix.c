/*
 * test_unix.c: pathname UNIX sockets outside the sandbox stay out of reach
 * (Landlock below ABI 9 does not check connect), and the planner confines
 * itself once the broker runs.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "sbx.h"

TestSuite(unix_sock, .timeout = 30);
TestSuite(planner, .timeout = 30);

static int
listen_at(const char *path, int type)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	(void)snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	fd = socket(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	cr_assert(ge(int, fd, 0));
	cr_assert(eq(int, bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0));
	cr_assert(eq(int, chmod(path, 0777), 0));
	if (type == SOCK_STREAM)
		cr_assert(eq(int, listen(fd, 4), 0));
	return fd;
}

/* Connecting to a user's daemon socket (ssh-agent, D-Bus) is refused. */
Test(unix_sock, connect_to_outside_socket_is_eacces)
{
	char *dir = th_tmpdir(), *path = sbx_join(dir, "agent.sock");
	int lfd = listen_at(path, SOCK_STREAM), c;
	struct th_run r;

	sbx_probe(&r, NULL, "connect-unix", path, NULL);
	SBX_EXPECT(&r, 1, "err EACCES\n");
	c = accept(lfd, NULL, NULL);
	cr_assert(eq(int, c, -1), "the listener saw a connection");
	cr_assert(eq(int, errno, EAGAIN));
	th_run_free(&r);
	close(lfd);
	sbx_rmtree(dir);
}

/* An addressed datagram to an outside socket is refused, none arrives. */
Test(unix_sock, sendto_outside_socket_is_eacces)
{
	char *dir = th_tmpdir(), *path = sbx_join(dir, "log.sock"), b;
	int lfd = listen_at(path, SOCK_DGRAM);
	struct th_run r;

	sbx_probe(&r, NULL, "sendto-unix", path, NULL);
	SBX_EXPECT(&r, 1, "err EACCES\n");
	cr_assert(eq(long, recv(lfd, &b, 1, 0), -1), "a datagram arrived");
	th_run_free(&r);
	close(lfd);
	sbx_rmtree(dir);
}

static int
status_field(pid_t pid, const char *key)
{
	char path[64], buf[4096], *p;
	int fd, v = -1;
	ssize_t n;

	(void)snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if ((p = strstr(buf, key)) != NULL)
		v = atoi(p + strlen(key));
	return v;
}

/*
 * While the stage runs, the planner has no_new_privs (the Landlock domain
 * it adds cannot be seen from outside; its effect is that it can open
 * nothing, which SECURITY.md states) and the broker has its baseline
 * seccomp filter (Seccomp: 2).
 */
Test(planner, planner_and_broker_confined_while_stage_runs)
{
	const char *cmd[] = { th_probe(), "sleep", "3", NULL };
	char line[256];
	int out;
	pid_t pid, broker;

	pid = sbx_spawn(sbx_argv(NULL, cmd), &out, NULL, NULL, NULL);
	usleep(500 * 1000);
	broker = sbx_find_child(pid, "sandlock-broker");
	cr_assert(gt(int, broker, 0), "no broker under %d", (int)pid);
	cr_assert(eq(int, status_field(pid, "NoNewPrivs:"), 1));
	cr_assert(eq(int, status_field(broker, "NoNewPrivs:"), 1));
	cr_assert(eq(int, status_field(broker, "Seccomp:"), 2));
	(void)kill(pid, SIGTERM);
	(void)sbx_read_line(out, line, sizeof(line), 5000);
	cr_assert(ge(int, sbx_wait_ms(pid, 5000), 0));
	close(out);
}
