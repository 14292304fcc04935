/*
 * test_dispatch.c: the real sandlock-broker, black-box, over its socket.
 * One malformed or unpermitted message per test: the broker must exit with
 * BRK_EXIT_PROTO, say "protocol violation" on stderr, answer nothing more
 * and run no stage.  Where a stage could be built, the test builds one that
 * would create a marker file if it ran, sends the violation, then a valid
 * EXEC, and checks that the marker is absent.  Then the positive paths:
 * HELLO, stages that run, exit, are killed or fail to exec.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "compat/landlock.h"
#include "compat/syscalls.h"
#include "msg.h"
#include "wbuf.h"
#include "th.h"

struct td_state {
	pid_t pid;		/* the broker, until reaped */
	int sock;		/* the planner's end */
	int errfd;		/* memfd holding the broker's stderr */
	int root;		/* O_PATH "/" for EXEC's cwd */
	char *dir;		/* scratch directory, writable by stages */
	char marker[PATH_MAX];	/* created by the marker stage if it runs */
	char copy[PATH_MAX];	/* a copy of /bin/true outside every rule */
	uint32_t ll_abi;
	uint32_t seq;
	char err[4096];		/* stderr, after td_expect_violation() */
	struct msg m;
};

static struct td_state td;

static void
td_init(void)
{
	td.pid = -1;
	td.sock = -1;
	td.errfd = -1;
	td.seq = 1;
	td.dir = th_tmpdir();
	(void)snprintf(td.marker, sizeof(td.marker), "%s/marker", td.dir);
	(void)snprintf(td.copy, sizeof(td.copy), "%s/true", td.dir);
	td.root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	cr_assert(ne(int, td.root, -1));
	(void)th_broker();	/* resolve before any fork */
}

static void
td_fini(void)
{
	if (td.pid > 0) {
		(void)kill(td.pid, SIGKILL);
		(void)th_wait(td.pid);
	}
	if (td.sock >= 0)
		close(td.sock);
	if (td.errfd >= 0)
		close(td.errfd);
	if (td.root >= 0)
		close(td.root);
	(void)unlink(td.marker);
	(void)unlink(td.copy);
	(void)rmdir(td.dir);
	free(td.dir);
}

TestSuite(dispatch, .init = td_init, .fini = td_fini, .timeout = 15);

/*
 * Starts the broker like run_broker(), with its stderr in a memfd.  With
 * passcred, its end of the socket asks for SCM_CREDENTIALS first.
 */
static void
td_start_opt(bool passcred)
{
	int sv[2], on = 1;
	pid_t pid;

	seq_socketpair(sv);
	if (passcred)
		cr_assert(eq(int, setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED,
		    &on, sizeof(on)), 0));
	td.errfd = memfd_create("broker-stderr", MFD_CLOEXEC);
	cr_assert(ne(int, td.errfd, -1));
	pid = fork();
	cr_assert(ne(int, pid, -1));
	if (pid == 0) {
		if (dup2(td.errfd, 2) < 0)
			_exit(126);
		if (sv[1] == BRK_FD) {
			if (fcntl(BRK_FD, F_SETFD, 0) < 0)
				_exit(126);
		} else if (dup2(sv[1], BRK_FD) < 0)
			_exit(126);
		execl(th_broker(), "sandlock-broker", (char *)NULL);
		_exit(127);
	}
	close(sv[1]);
	td.sock = sv[0];
	td.pid = pid;
}

static void
td_start(void)
{
	td_start_opt(false);
}

/* Sends one message; the result is not checked (the broker may be gone). */
static int
td_send(uint32_t type, const void *body, size_t len, const int *fds,
    uint32_t nfds)
{
	return msg_send(td.sock, type, td.seq++, body, len, fds, nfds);
}

static void
td_sendok(uint32_t type, const void *body, size_t len, const int *fds,
    uint32_t nfds)
{
	int r = td_send(type, body, len, fds, nfds);

	cr_assert(eq(int, r, 0), "send type %u: %s", type, strerror(errno));
}

/* Receives the next message into td.m within 5 s; asserts its type. */
static void
td_recv(uint32_t type)
{
	struct pollfd p = { td.sock, POLLIN, 0 };
	int r;

	r = poll(&p, 1, 5000);
	cr_assert(eq(int, r, 1), "no message from the broker within 5 s");
	r = msg_recv(td.sock, &td.m);
	cr_assert(eq(int, r, 1), "msg_recv: %d (%s)", r, strerror(errno));
	cr_assert(eq(u32, td.m.hdr.type, type));
	msg_free(&td.m);
}

static bool
td_exited(int ws, int code)
{
	return WIFEXITED(ws) && WEXITSTATUS(ws) == code;
}

static bool
td_signaled(int ws, int sig)
{
	return WIFSIGNALED(ws) && WTERMSIG(ws) == sig;
}

/* Starts the broker and says HELLO. */
static void
td_ready(void)
{
	struct m_hello h = { SL_PROTO_VERSION, 0 };
	struct m_hello_ans a;

	td_start();
	td_sendok(MSG_HELLO, &h, sizeof(h), NULL, 0);
	td_recv(MSG_HELLO_ANS);
	cr_assert(eq(u32, td.m.bodylen, sizeof(a)));
	memcpy(&a, td.m.body, sizeof(a));
	td.ll_abi = a.ll_abi;
}

/* EXEC flags that let a stage run on this kernel. */
static uint32_t
td_flags(void)
{
	return td.ll_abi < SL_LL_ABI_REQUIRED ? SL_EXEC_DEGRADED : 0;
}

/* Waits up to ms for the broker; returns its wait status. */
static int
td_wait_exit(int ms)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int ws = 0, i;
	pid_t r;

	for (i = 0; i < ms / 10; i++) {
		r = waitpid(td.pid, &ws, WNOHANG);
		if (r == td.pid) {
			td.pid = -1;
			return ws;
		}
		cr_assert(eq(int, r, 0), "waitpid: %s", strerror(errno));
		(void)nanosleep(&ts, NULL);
	}
	(void)kill(td.pid, SIGKILL);
	(void)th_wait(td.pid);
	td.pid = -1;
	cr_fatal("the broker did not exit within %d ms", ms);
	return -1;
}

/* The broker's stderr so far, into td.err. */
static const char *
td_stderr(void)
{
	ssize_t n = pread(td.errfd, td.err, sizeof(td.err) - 1, 0);

	td.err[n > 0 ? n : 0] = '\0';
	return td.err;
}

/*
 * The broker must exit with BRK_EXIT_PROTO, report the violation, send
 * nothing more, and no marker stage may have run.
 */
static void
td_expect_violation(void)
{
	int ws = td_wait_exit(5000), r, i;

	(void)td_stderr();
	cr_assert(td_exited(ws, BRK_EXIT_PROTO),
	    "broker wait status %#x, stderr: %s", ws, td.err);
	cr_assert(strstr(td.err, "protocol violation") != NULL,
	    "stderr: %s", td.err);
	cr_assert(eq(int, access(td.marker, F_OK), -1), "a stage ran");
	cr_assert(eq(int, errno, ENOENT));
	/* Only EOF (maybe after ECONNRESET): no answer to anything. */
	for (i = 0; i < 3; i++) {
		r = msg_recv(td.sock, &td.m);
		if (r == 0)
			return;
		cr_assert(eq(int, r, -1), "answered with type %u",
		    td.m.hdr.type);
		cr_assert(eq(int, errno, ECONNRESET), "recv: %s",
		    strerror(errno));
	}
	cr_fatal("no EOF from the dead broker");
}

/* ---- stage builders ----------------------------------------------- */

static void
td_begin(uint32_t idx)
{
	struct m_stage s = { idx, 0 };

	td_sendok(MSG_STAGE_BEGIN, &s, sizeof(s), NULL, 0);
}

static void
td_path(uint32_t idx, const char *path, uint64_t access)
{
	struct m_path p = { idx, 0, access };
	int fd = open(path, O_PATH | O_CLOEXEC);

	cr_assert(ne(int, fd, -1), "%s: %s", path, strerror(errno));
	td_sendok(MSG_STAGE_PATH, &p, sizeof(p), &fd, 1);
	close(fd);
}

static void
td_fd(uint32_t idx, uint32_t target, int fd)
{
	struct m_fd f = { idx, target };

	td_sendok(MSG_STAGE_FD, &f, sizeof(f), &fd, 1);
}

static int
td_devnull(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	cr_assert(ne(int, fd, -1));
	return fd;
}

static void
td_stdio(uint32_t idx)
{
	int fd = td_devnull();
	uint32_t i;

	for (i = 0; i < 3; i++)
		td_fd(idx, i, fd);
	close(fd);
}

/* A STRS body: header, then v (NULL-terminated) as u32 len + bytes. */
static void
td_strs_body(struct wb *w, uint32_t idx, uint32_t kind, uint32_t count,
    const char *const *v)
{
	struct m_strs s = { idx, kind, count, 0 };
	size_t i;

	wb_init(w);
	cr_assert(eq(int, wb_bytes(w, &s, sizeof(s)), 0));
	for (i = 0; v != NULL && v[i] != NULL; i++)
		cr_assert(eq(int, wb_cstring(w, v[i]), 0));
}

static void
td_strs(uint32_t idx, uint32_t kind, const char *const *v)
{
	static struct wb w;
	uint32_t n = 0;

	while (v[n] != NULL)
		n++;
	td_strs_body(&w, idx, kind, n, v);
	td_sendok(MSG_STAGE_STRS, w.buf, w.len, NULL, 0);
}

#define TD_V(...)	((const char *const[]){ __VA_ARGS__, NULL })

/* Read rules for the system: enough to exec anything in /usr/bin. */
static void
td_rules(uint32_t idx)
{
	static const char *const ro[] = { "/usr", "/lib", "/lib64", "/bin" };
	size_t i;

	for (i = 0; i < sizeof(ro) / sizeof(ro[0]); i++)
		td_path(idx, ro[i], SL_LL_FS_READ_SET);
}

/* BEGIN, rules, stdio, FILE and ARGV: ready for EXEC. */
static void
td_spec(uint32_t idx, const char *file, const char *const *argv)
{
	td_begin(idx);
	td_rules(idx);
	td_stdio(idx);
	td_strs(idx, SL_STR_FILE, TD_V(file));
	td_strs(idx, SL_STR_ARGV, argv);
}

/* A complete stage that creates td.marker if it ever runs. */
static void
td_marker_stage(uint32_t idx)
{
	td_spec(idx, "/usr/bin/touch", TD_V("touch", td.marker));
	td_path(idx, td.dir, SL_LL_FS_WRITE_SET);
}

static int
td_exec_full(uint32_t idx, uint32_t flags, const uint32_t *deny,
    uint32_t ndeny, uint32_t bodyndeny, int cwd)
{
	static uint8_t buf[sizeof(struct m_exec) + 4 * (SL_MAX_DENY + 8)];
	struct m_exec e = { idx, flags, ndeny, 0 };

	memcpy(buf, &e, sizeof(e));
	if (bodyndeny > 0)
		memcpy(buf + sizeof(e), deny, 4 * (size_t)bodyndeny);
	return td_send(MSG_STAGE_EXEC, buf, sizeof(e) + 4 * (size_t)bodyndeny,
	    &cwd, 1);
}

/* A valid EXEC of slot idx in "/"; the result is not checked. */
static int
td_exec(uint32_t idx)
{
	return td_exec_full(idx, td_flags(), NULL, 0, 0, td.root);
}

/* EXEC and its answer. */
static struct m_exec_ans
td_run(uint32_t idx)
{
	struct m_exec_ans a;

	cr_assert(eq(int, td_exec(idx), 0));
	td_recv(MSG_STAGE_EXEC_ANS);
	cr_assert(eq(u32, td.m.bodylen, sizeof(a)));
	cr_assert(eq(u32, td.m.hdr.seq, td.seq - 1));
	memcpy(&a, td.m.body, sizeof(a));
	cr_assert(eq(u32, a.stage, idx));
	return a;
}

static struct m_exit
td_exit_msg(void)
{
	struct m_exit x;

	td_recv(MSG_STAGE_EXIT);
	cr_assert(eq(u32, td.m.bodylen, sizeof(x)));
	memcpy(&x, td.m.body, sizeof(x));
	cr_assert(eq(u32, x.zero, 0));
	return x;
}

/* Sends a violation after a complete marker stage, then its EXEC. */
#define TD_AFTER_MARKER(send) do {				\
	td_ready();						\
	td_marker_stage(0);					\
	send;							\
	(void)td_exec(0);					\
	td_expect_violation();					\
} while (0)

/* ---- framing and state -------------------------------------------- */

/* An unknown request type is fatal. */
Test(dispatch, rejects_unknown_type)
{
	TD_AFTER_MARKER(td_sendok(100, NULL, 0, NULL, 0));
}

/* MSG_TYPE_END, one past the table, is fatal. */
Test(dispatch, rejects_type_end)
{
	TD_AFTER_MARKER(td_sendok(MSG_TYPE_END, NULL, 0, NULL, 0));
}

/* Type 0 is never valid. */
Test(dispatch, rejects_type_zero)
{
	TD_AFTER_MARKER(td_sendok(MSG_NONE, NULL, 0, NULL, 0));
}

/* An answer type (HELLO_ANS) sent as a request is fatal. */
Test(dispatch, rejects_answer_type_hello_ans)
{
	struct m_hello_ans a = { SL_PROTO_VERSION, 1, 1, 0 };

	TD_AFTER_MARKER(td_sendok(MSG_HELLO_ANS, &a, sizeof(a), NULL, 0));
}

/* An answer type (EXEC_ANS) sent as a request is fatal. */
Test(dispatch, rejects_answer_type_exec_ans)
{
	struct m_exec_ans a = { 0, 1, 0, 0 };

	TD_AFTER_MARKER(td_sendok(MSG_STAGE_EXEC_ANS, &a, sizeof(a), NULL, 0));
}

/* The broker's own EXIT sent to it is fatal. */
Test(dispatch, rejects_answer_type_exit)
{
	struct m_exit x = { 0, 1, 0, 0 };

	TD_AFTER_MARKER(td_sendok(MSG_STAGE_EXIT, &x, sizeof(x), NULL, 0));
}

/* BEGIN before HELLO is fatal. */
Test(dispatch, rejects_begin_before_hello)
{
	struct m_stage s = { 0, 0 };

	td_start();
	td_sendok(MSG_STAGE_BEGIN, &s, sizeof(s), NULL, 0);
	td_expect_violation();
}

/* KILL before HELLO is fatal. */
Test(dispatch, rejects_kill_before_hello)
{
	struct m_kill k = { 0, SIGTERM };

	td_start();
	td_sendok(MSG_STAGE_KILL, &k, sizeof(k), NULL, 0);
	td_expect_violation();
}

/* A second HELLO is fatal. */
Test(dispatch, rejects_hello_twice)
{
	struct m_hello h = { SL_PROTO_VERSION, 0 };

	TD_AFTER_MARKER(td_sendok(MSG_HELLO, &h, sizeof(h), NULL, 0));
}

/* A HELLO with another protocol version is fatal. */
Test(dispatch, rejects_wrong_version)
{
	struct m_hello h = { SL_PROTO_VERSION + 1, 0 };

	td_start();
	td_sendok(MSG_HELLO, &h, sizeof(h), NULL, 0);
	td_expect_violation();
}

/* A HELLO with version 0 is fatal. */
Test(dispatch, rejects_version_zero)
{
	struct m_hello h = { 0, 0 };

	td_start();
	td_sendok(MSG_HELLO, &h, sizeof(h), NULL, 0);
	td_expect_violation();
}

/* A HELLO with its reserved field set is fatal. */
Test(dispatch, rejects_hello_reserved_nonzero)
{
	struct m_hello h = { SL_PROTO_VERSION, 1 };

	td_start();
	td_sendok(MSG_HELLO, &h, sizeof(h), NULL, 0);
	td_expect_violation();
}

/* A HELLO body shorter than struct m_hello is fatal. */
Test(dispatch, rejects_hello_too_short)
{
	uint32_t v = SL_PROTO_VERSION;

	td_start();
	td_sendok(MSG_HELLO, &v, sizeof(v), NULL, 0);
	td_expect_violation();
}

/* A HELLO body longer than struct m_hello is fatal. */
Test(dispatch, rejects_hello_too_long)
{
	uint32_t h[3] = { SL_PROTO_VERSION, 0, 0 };

	td_start();
	td_sendok(MSG_HELLO, h, sizeof(h), NULL, 0);
	td_expect_violation();
}

/* A HELLO carrying an fd is fatal. */
Test(dispatch, rejects_hello_with_fd)
{
	struct m_hello h = { SL_PROTO_VERSION, 0 };
	int fd = td_devnull();

	td_start();
	td_sendok(MSG_HELLO, &h, sizeof(h), &fd, 1);
	close(fd);
	td_expect_violation();
}

/* A BEGIN body longer than struct m_stage is fatal. */
Test(dispatch, rejects_begin_too_long)
{
	uint32_t s[3] = { 1, 0, 0 };

	TD_AFTER_MARKER(td_sendok(MSG_STAGE_BEGIN, s, sizeof(s), NULL, 0));
}

/* A KILL with an empty body is fatal. */
Test(dispatch, rejects_kill_empty_body)
{
	TD_AFTER_MARKER(td_sendok(MSG_STAGE_KILL, NULL, 0, NULL, 0));
}

/* A datagram shorter than a header is fatal. */
Test(dispatch, rejects_short_datagram)
{
	uint32_t h[2] = { MSG_HELLO, 8 };

	TD_AFTER_MARKER(cr_assert(eq(int, (int)send_raw(td.sock, h,
	    sizeof(h), NULL, 0), 8)));
}

/* An empty datagram is fatal, not a clean end of the session. */
Test(dispatch, rejects_empty_datagram)
{
	TD_AFTER_MARKER(cr_assert(eq(int, (int)send_raw(td.sock, "", 0, NULL,
	    0), 0)));
}

/* hdr.len differing from the datagram is fatal. */
Test(dispatch, rejects_len_mismatch)
{
	struct msg_hdr h = { MSG_STAGE_BEGIN, MSG_HDRSZ + 8, 9, 0 };

	TD_AFTER_MARKER(cr_assert(eq(int, (int)send_raw(td.sock, &h,
	    sizeof(h), NULL, 0), (int)sizeof(h))));
}

/* hdr.nfds differing from the fds carried is fatal. */
Test(dispatch, rejects_nfds_mismatch)
{
	uint8_t buf[MSG_HDRSZ + sizeof(struct m_path)];
	struct msg_hdr h = { MSG_STAGE_PATH, sizeof(buf), 9, 1 };
	struct m_path p = { 0, 0, SL_LL_FS_READ_SET };

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), &p, sizeof(p));
	TD_AFTER_MARKER(cr_assert(eq(int, (int)send_raw(td.sock, buf,
	    sizeof(buf), NULL, 0), (int)sizeof(buf))));
}

/* A datagram larger than MSG_MAX is fatal. */
Test(dispatch, rejects_datagram_above_msg_max)
{
	static uint8_t buf[MSG_MAX + 1];
	struct msg_hdr h = { MSG_STAGE_STRS, sizeof(buf), 9, 0 };

	memcpy(buf, &h, sizeof(h));
	TD_AFTER_MARKER(cr_assert(eq(int, (int)send_raw(td.sock, buf,
	    sizeof(buf), NULL, 0), (int)sizeof(buf))));
}

/* More than MSG_MAXFDS fds on one message is fatal. */
Test(dispatch, rejects_too_many_fds)
{
	struct m_path p = { 0, 0, SL_LL_FS_READ_SET };
	uint8_t buf[MSG_HDRSZ + sizeof(p)];
	struct msg_hdr h = { MSG_STAGE_PATH, sizeof(buf), 9, MSG_MAXFDS + 1 };
	int fds[MSG_MAXFDS + 1], i;

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), &p, sizeof(p));
	for (i = 0; i < MSG_MAXFDS + 1; i++)
		fds[i] = td.root;
	TD_AFTER_MARKER(cr_assert(eq(int, (int)send_raw(td.sock, buf,
	    sizeof(buf), fds, MSG_MAXFDS + 1), (int)sizeof(buf))));
}

/* SCM_CREDENTIALS instead of SCM_RIGHTS is fatal. */
Test(dispatch, rejects_credentials_cmsg)
{
	union {
		char b[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} cm;
	struct m_hello hello = { SL_PROTO_VERSION, 0 };
	uint8_t buf[MSG_HDRSZ + sizeof(hello)];
	struct msg_hdr h = { MSG_HELLO, sizeof(buf), 1, 0 };
	struct ucred uc = { getpid(), getuid(), getgid() };
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh;
	struct cmsghdr *c;

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), &hello, sizeof(hello));
	memset(&mh, 0, sizeof(mh));
	memset(&cm, 0, sizeof(cm));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cm.b;
	mh.msg_controllen = sizeof(cm.b);
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_CREDENTIALS;
	c->cmsg_len = CMSG_LEN(sizeof(uc));
	memcpy(CMSG_DATA(c), &uc, sizeof(uc));
	td_start_opt(true);
	cr_assert(eq(int, (int)sendmsg(td.sock, &mh, MSG_NOSIGNAL),
	    (int)sizeof(buf)));
	td_expect_violation();
}

/* ---- BEGIN -------------------------------------------------------- */

/* BEGIN with its reserved field set is fatal. */
Test(dispatch, rejects_begin_reserved_nonzero)
{
	struct m_stage s = { 1, 1 };

	TD_AFTER_MARKER(td_sendok(MSG_STAGE_BEGIN, &s, sizeof(s), NULL, 0));
}

/* BEGIN of slot SL_MAX_STAGES is fatal. */
Test(dispatch, rejects_begin_stage_out_of_range)
{
	struct m_stage s = { SL_MAX_STAGES, 0 };

	TD_AFTER_MARKER(td_sendok(MSG_STAGE_BEGIN, &s, sizeof(s), NULL, 0));
}

/* BEGIN of a huge slot number is fatal. */
Test(dispatch, rejects_begin_stage_huge)
{
	struct m_stage s = { UINT32_MAX, 0 };

	TD_AFTER_MARKER(td_sendok(MSG_STAGE_BEGIN, &s, sizeof(s), NULL, 0));
}

/* BEGIN twice on one slot is fatal. */
Test(dispatch, rejects_begin_twice)
{
	TD_AFTER_MARKER(td_begin(0));
}

/* BEGIN on a running stage's slot is fatal. */
Test(dispatch, rejects_begin_on_running_stage)
{
	struct m_exec_ans a;

	td_ready();
	td_spec(1, "/usr/bin/sleep", TD_V("sleep", "60"));
	a = td_run(1);
	cr_assert(eq(int, a.err, 0));
	td_marker_stage(0);
	td_begin(1);
	(void)td_exec(0);
	td_expect_violation();
	cr_assert(eq(int, th_alive((pid_t)a.pid), 0),
	    "the running stage survived");
}

/* ---- PATH --------------------------------------------------------- */

/* PATH without its fd is fatal. */
Test(dispatch, rejects_path_without_fd)
{
	struct m_path p = { 0, 0, SL_LL_FS_READ_SET };

	TD_AFTER_MARKER(td_sendok(MSG_STAGE_PATH, &p, sizeof(p), NULL, 0));
}

/* PATH with two fds is fatal. */
Test(dispatch, rejects_path_with_two_fds)
{
	struct m_path p = { 0, 0, SL_LL_FS_READ_SET };
	int fds[2] = { td.root, td.root };

	TD_AFTER_MARKER(td_sendok(MSG_STAGE_PATH, &p, sizeof(p), fds, 2));
}

/* PATH with an ordinary (not O_PATH) fd is fatal. */
Test(dispatch, rejects_path_with_regular_fd)
{
	struct m_path p = { 0, 0, SL_LL_FS_READ_SET };
	int fd = open("/usr", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	cr_assert(ne(int, fd, -1));
	TD_AFTER_MARKER(td_sendok(MSG_STAGE_PATH, &p, sizeof(p), &fd, 1));
	close(fd);
}

/* PATH with a regular file opened O_RDONLY is fatal. */
Test(dispatch, rejects_path_with_rdonly_file_fd)
{
	struct m_path p = { 0, 0, SL_LL_FS_READ_SET };
	int fd = open("/usr/bin/true", O_RDONLY | O_CLOEXEC);

	cr_assert(ne(int, fd, -1));
	TD_AFTER_MARKER(td_sendok(MSG_STAGE_PATH, &p, sizeof(p), &fd, 1));
	close(fd);
}

/* PATH granting nothing is fatal. */
Test(dispatch, rejects_path_access_zero)
{
	struct m_path p = { 0, 0, 0 };

	TD_AFTER_MARKER(td_sendok(MSG_STAGE_PATH, &p, sizeof(p), &td.root,
	    1));
}

/* PATH with an access bit past the known rights is fatal. */
Test(dispatch, rejects_path_unknown_access_bit)
{
	struct m_path p = { 0, 0, SL_LL_FS_READ_SET | (SL_LL_FS_ABI5 + 1) };

	TD_AFTER_MARKER(td_sendok(MSG_STAGE_PATH, &p, sizeof(p), &td.root,
	    1));
}

/* PATH with the top access bit is fatal. */
Test(dispatch, rejects_path_top_access_bit)
{
	struct m_path p = { 0, 0, 1ULL << 63 };

	TD_AFTER_MARKER(td_sendok(MSG_STAGE_PATH, &p, sizeof(p), &td.root,
	    1));
}

/* PATH with its reserved field set is fatal. */
Test(dispatch, rejects_path_reserved_nonzero)
{
	struct m_path p = { 0, 1, SL_LL_FS_READ_SET };

	TD_AFTER_MARKER(td_sendok(MSG_STAGE_PATH, &p, sizeof(p), &td.root,
	    1));
}

/* PATH on a slot past SL_MAX_STAGES is fatal. */
Test(dispatch, rejects_path_stage_out_of_range)
{
	struct m_path p = { SL_MAX_STAGES, 0, SL_LL_FS_READ_SET };

	TD_AFTER_MARKER(td_sendok(MSG_STAGE_PATH, &p, sizeof(p), &td.root,
	    1));
}

/* PATH on a slot never begun is fatal. */
Test(dispatch, rejects_path_on_stage_not_begun)
{
	struct m_path p = { 1, 0, SL_LL_FS_READ_SET };

	TD_AFTER_MARKER(td_sendok(MSG_STAGE_PATH, &p, sizeof(p), &td.root,
	    1));
}

/* More than SL_MAX_RULES PATH messages on one stage are fatal. */
Test(dispatch, rejects_more_than_max_rules)
{
	struct m_path p = { 0, 0, SL_LL_FS_READ_SET };
	int i;

	td_ready();
	td_marker_stage(0);
	/* td_marker_stage() sent 5 rules already. */
	for (i = 5; i < SL_MAX_RULES; i++)
		td_sendok(MSG_STAGE_PATH, &p, sizeof(p), &td.root, 1);
	td_sendok(MSG_STAGE_PATH, &p, sizeof(p), &td.root, 1);
	(void)td_exec(0);
	td_expect_violation();
	cr_assert(strstr(td.err, "PATH rules") != NULL, "stderr: %s", td.err);
}

/* ---- FD ----------------------------------------------------------- */

/* FD target SL_MAX_TARGETS is fatal. */
Test(dispatch, rejects_fd_target_out_of_range)
{
	int fd = td_devnull();

	TD_AFTER_MARKER(td_fd(0, SL_MAX_TARGETS, fd));
	close(fd);
}

/* FD given twice for one target is fatal. */
Test(dispatch, rejects_fd_target_twice)
{
	int fd = td_devnull();

	TD_AFTER_MARKER(td_fd(0, 1, fd));
	close(fd);
}

/* FD with a directory is fatal. */
Test(dispatch, rejects_fd_directory)
{
	int fd = open("/usr", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	cr_assert(ne(int, fd, -1));
	TD_AFTER_MARKER(td_fd(0, 3, fd));
	close(fd);
}

/* FD with an O_PATH fd is fatal. */
Test(dispatch, rejects_fd_o_path)
{
	int fd = open("/dev/null", O_PATH | O_CLOEXEC);

	cr_assert(ne(int, fd, -1));
	TD_AFTER_MARKER(td_fd(0, 3, fd));
	close(fd);
}

/* FD without its fd is fatal. */
Test(dispatch, rejects_fd_without_fd)
{
	struct m_fd f = { 0, 3 };

	TD_AFTER_MARKER(td_sendok(MSG_STAGE_FD, &f, sizeof(f), NULL, 0));
}

/* FD on a slot never begun is fatal. */
Test(dispatch, rejects_fd_on_stage_not_begun)
{
	int fd = td_devnull();

	TD_AFTER_MARKER(td_fd(2, 0, fd));
	close(fd);
}

/* ---- STRS --------------------------------------------------------- */

/* STRS of kind 0 is fatal. */
Test(dispatch, rejects_strs_kind_zero)
{
	static struct wb w;

	td_strs_body(&w, 0, 0, 1, TD_V("x"));
	TD_AFTER_MARKER(td_sendok(MSG_STAGE_STRS, w.buf, w.len, NULL, 0));
}

/* STRS of a kind past SL_STR_ENV is fatal. */
Test(dispatch, rejects_strs_kind_unknown)
{
	static struct wb w;

	td_strs_body(&w, 0, SL_STR_ENV + 1, 1, TD_V("x"));
	TD_AFTER_MARKER(td_sendok(MSG_STAGE_STRS, w.buf, w.len, NULL, 0));
}

/* STRS with its reserved field set is fatal. */
Test(dispatch, rejects_strs_reserved_nonzero)
{
	static struct wb w;
	struct m_strs s = { 0, SL_STR_ENV, 1, 1 };

	td_strs_body(&w, 0, SL_STR_ENV, 1, TD_V("A=1"));
	memcpy(w.buf, &s, sizeof(s));
	TD_AFTER_MARKER(td_sendok(MSG_STAGE_STRS, w.buf, w.len, NULL, 0));
}

/* STRS shorter than its header is fatal. */
Test(dispatch, rejects_strs_too_short)
{
	uint32_t s[3] = { 0, SL_STR_ENV, 0 };

	TD_AFTER_MARKER(td_sendok(MSG_STAGE_STRS, s, sizeof(s), NULL, 0));
}

/* STRS FILE with two strings is fatal. */
Test(dispatch, rejects_strs_file_count_two)
{
	static struct wb w;

	td_strs_body(&w, 1, SL_STR_FILE, 2, TD_V("/usr/bin/touch", "/x"));
	TD_AFTER_MARKER({ td_begin(1); td_sendok(MSG_STAGE_STRS, w.buf,
	    w.len, NULL, 0); });
}

/* STRS FILE with no string is fatal. */
Test(dispatch, rejects_strs_file_count_zero)
{
	static struct wb w;

	td_strs_body(&w, 1, SL_STR_FILE, 0, NULL);
	TD_AFTER_MARKER({ td_begin(1); td_sendok(MSG_STAGE_STRS, w.buf,
	    w.len, NULL, 0); });
}

/* A second STRS FILE on one stage is fatal. */
Test(dispatch, rejects_strs_file_twice)
{
	TD_AFTER_MARKER(td_strs(0, SL_STR_FILE, TD_V("/usr/bin/true")));
}

/* A string with an interior NUL is fatal. */
Test(dispatch, rejects_strs_interior_nul)
{
	static struct wb w;
	uint32_t len = 3;

	td_strs_body(&w, 0, SL_STR_ARGV, 1, NULL);
	cr_assert(eq(int, wb_u32(&w, len), 0));
	cr_assert(eq(int, wb_bytes(&w, "a\0b", len), 0));
	TD_AFTER_MARKER(td_sendok(MSG_STAGE_STRS, w.buf, w.len, NULL, 0));
}

/* A string shorter than its length prefix is fatal. */
Test(dispatch, rejects_strs_truncated_string)
{
	static struct wb w;

	td_strs_body(&w, 0, SL_STR_ARGV, 1, NULL);
	cr_assert(eq(int, wb_u32(&w, 10), 0));
	cr_assert(eq(int, wb_bytes(&w, "abc", 3), 0));
	TD_AFTER_MARKER(td_sendok(MSG_STAGE_STRS, w.buf, w.len, NULL, 0));
}

/* A count larger than the strings present is fatal. */
Test(dispatch, rejects_strs_count_above_strings)
{
	static struct wb w;

	td_strs_body(&w, 0, SL_STR_ARGV, 2, TD_V("a"));
	TD_AFTER_MARKER(td_sendok(MSG_STAGE_STRS, w.buf, w.len, NULL, 0));
}

/* Bytes after the counted strings are fatal. */
Test(dispatch, rejects_strs_trailing_garbage)
{
	static struct wb w;

	td_strs_body(&w, 0, SL_STR_ARGV, 1, TD_V("a"));
	cr_assert(eq(int, wb_bytes(&w, "x", 1), 0));
	TD_AFTER_MARKER(td_sendok(MSG_STAGE_STRS, w.buf, w.len, NULL, 0));
}

/* An empty FILE path is fatal. */
Test(dispatch, rejects_strs_empty_file)
{
	TD_AFTER_MARKER({ td_begin(1); td_strs(1, SL_STR_FILE, TD_V("")); });
}

/* STRS on a slot never begun is fatal. */
Test(dispatch, rejects_strs_on_stage_not_begun)
{
	TD_AFTER_MARKER(td_strs(3, SL_STR_ARGV, TD_V("x")));
}

/*
 * More than SL_MAX_STRS argv and env strings are fatal.  (push_str() grows
 * its vector one slot at a time: about 20 s under SAN=1, hence the timeout.)
 */
Test(dispatch, rejects_more_than_max_strs, .timeout = 60)
{
	static struct wb w;
	struct m_strs s = { 0, SL_STR_ENV, 0, 0 };
	uint32_t per = 15000, sent = 0, i;

	td_ready();
	td_marker_stage(0);
	while (sent <= SL_MAX_STRS) {
		wb_init(&w);
		s.count = per;
		cr_assert(eq(int, wb_bytes(&w, &s, sizeof(s)), 0));
		for (i = 0; i < per; i++)
			cr_assert(eq(int, wb_cstring(&w, ""), 0));
		if (td_send(MSG_STAGE_STRS, w.buf, w.len, NULL, 0) < 0)
			break;
		sent += per;
	}
	(void)td_exec(0);
	td_expect_violation();
	cr_assert(strstr(td.err, "exceed the limits") != NULL, "stderr: %s",
	    td.err);
}

/* More than SL_MAX_STRBYTES of argv and env are fatal. */
Test(dispatch, rejects_more_than_max_strbytes)
{
	static struct wb w;
	static char big[60000];
	struct m_strs s = { 0, SL_STR_ENV, 1, 0 };
	size_t sent = 0;

	memset(big, 'a', sizeof(big) - 1);
	td_ready();
	td_marker_stage(0);
	while (sent <= SL_MAX_STRBYTES) {
		wb_init(&w);
		cr_assert(eq(int, wb_bytes(&w, &s, sizeof(s)), 0));
		cr_assert(eq(int, wb_cstring(&w, big), 0));
		if (td_send(MSG_STAGE_STRS, w.buf, w.len, NULL, 0) < 0)
			break;
		sent += sizeof(big);
	}
	(void)td_exec(0);
	td_expect_violation();
	cr_assert(strstr(td.err, "exceed the limits") != NULL, "stderr: %s",
	    td.err);
}

/* ---- EXEC --------------------------------------------------------- */

/* EXEC of a stage without a FILE is fatal. */
Test(dispatch, rejects_exec_without_file)
{
	td_ready();
	td_begin(0);
	td_rules(0);
	td_stdio(0);
	td_strs(0, SL_STR_ARGV, TD_V("touch", td.marker));
	(void)td_exec(0);
	td_expect_violation();
}

/* EXEC of a stage without argv is fatal. */
Test(dispatch, rejects_exec_without_argv)
{
	td_ready();
	td_begin(0);
	td_rules(0);
	td_stdio(0);
	td_strs(0, SL_STR_FILE, TD_V("/usr/bin/true"));
	(void)td_exec(0);
	td_expect_violation();
}

/* EXEC of a stage without fd 0 is fatal. */
Test(dispatch, rejects_exec_without_fd0)
{
	int fd = td_devnull();

	td_ready();
	td_begin(0);
	td_rules(0);
	td_path(0, td.dir, SL_LL_FS_WRITE_SET);
	td_fd(0, 1, fd);
	td_fd(0, 2, fd);
	close(fd);
	td_strs(0, SL_STR_FILE, TD_V("/usr/bin/touch"));
	td_strs(0, SL_STR_ARGV, TD_V("touch", td.marker));
	(void)td_exec(0);
	td_expect_violation();
}

/* EXEC of a stage without fd 2 is fatal. */
Test(dispatch, rejects_exec_without_fd2)
{
	int fd = td_devnull();

	td_ready();
	td_begin(0);
	td_rules(0);
	td_path(0, td.dir, SL_LL_FS_WRITE_SET);
	td_fd(0, 0, fd);
	td_fd(0, 1, fd);
	close(fd);
	td_strs(0, SL_STR_FILE, TD_V("/usr/bin/touch"));
	td_strs(0, SL_STR_ARGV, TD_V("touch", td.marker));
	(void)td_exec(0);
	td_expect_violation();
}

/* EXEC with targets 0, 1, 2 and 4 (a hole at 3) is fatal. */
Test(dispatch, rejects_exec_with_fd_hole)
{
	int fd = td_devnull();

	td_ready();
	td_marker_stage(0);
	td_fd(0, 4, fd);
	close(fd);
	(void)td_exec(0);
	td_expect_violation();
}

/* EXEC whose cwd is a regular file (O_PATH) is fatal. */
Test(dispatch, rejects_exec_cwd_not_directory)
{
	int fd = open("/usr/bin/true", O_PATH | O_CLOEXEC);

	cr_assert(ne(int, fd, -1));
	td_ready();
	td_marker_stage(0);
	(void)td_exec_full(0, td_flags(), NULL, 0, 0, fd);
	close(fd);
	td_expect_violation();
}

/* EXEC whose cwd is /dev/null is fatal. */
Test(dispatch, rejects_exec_cwd_char_device)
{
	int fd = td_devnull();

	td_ready();
	td_marker_stage(0);
	(void)td_exec_full(0, td_flags(), NULL, 0, 0, fd);
	close(fd);
	td_expect_violation();
}

/* EXEC without its cwd fd is fatal. */
Test(dispatch, rejects_exec_without_cwd_fd)
{
	struct m_exec e = { 0, 0, 0, 0 };

	td_ready();
	td_marker_stage(0);
	e.flags = td_flags();
	(void)td_send(MSG_STAGE_EXEC, &e, sizeof(e), NULL, 0);
	td_expect_violation();
}

/* EXEC with an unknown flag bit is fatal. */
Test(dispatch, rejects_exec_unknown_flags)
{
	td_ready();
	td_marker_stage(0);
	(void)td_exec_full(0, td_flags() | (SL_EXEC_FLAGS + 1), NULL, 0, 0,
	    td.root);
	td_expect_violation();
}

/* EXEC with its reserved field set is fatal. */
Test(dispatch, rejects_exec_reserved_nonzero)
{
	struct m_exec e = { 0, 0, 0, 1 };

	td_ready();
	td_marker_stage(0);
	e.flags = td_flags();
	(void)td_send(MSG_STAGE_EXEC, &e, sizeof(e), &td.root, 1);
	td_expect_violation();
}

/* EXEC with ndeny above the numbers in the body is fatal. */
Test(dispatch, rejects_exec_ndeny_above_body)
{
	uint32_t deny[1] = { 101 };

	td_ready();
	td_marker_stage(0);
	(void)td_exec_full(0, td_flags(), deny, 2, 1, td.root);
	td_expect_violation();
}

/* EXEC with fewer ndeny than the numbers in the body is fatal. */
Test(dispatch, rejects_exec_ndeny_below_body)
{
	uint32_t deny[2] = { 101, 102 };

	td_ready();
	td_marker_stage(0);
	(void)td_exec_full(0, td_flags(), deny, 1, 2, td.root);
	td_expect_violation();
}

/* EXEC with ndeny past SL_MAX_DENY is fatal. */
Test(dispatch, rejects_exec_ndeny_above_max)
{
	static uint32_t deny[SL_MAX_DENY + 1];

	td_ready();
	td_marker_stage(0);
	(void)td_exec_full(0, td_flags(), deny, SL_MAX_DENY + 1,
	    SL_MAX_DENY + 1, td.root);
	td_expect_violation();
}

/* EXEC denying a syscall number above SL_NR_MAX is fatal. */
Test(dispatch, rejects_exec_syscall_above_max)
{
	uint32_t deny[2] = { 101, SL_NR_MAX + 1 };

	td_ready();
	td_marker_stage(0);
	(void)td_exec_full(0, td_flags(), deny, 2, 2, td.root);
	td_expect_violation();
}

/* EXEC denying an x32 syscall number is fatal. */
Test(dispatch, rejects_exec_syscall_x32)
{
	uint32_t deny[1] = { SL_X32_SYSCALL_BIT | 1 };

	td_ready();
	td_marker_stage(0);
	(void)td_exec_full(0, td_flags(), deny, 1, 1, td.root);
	td_expect_violation();
}

/* EXEC of a slot never begun is fatal. */
Test(dispatch, rejects_exec_stage_not_begun)
{
	td_ready();
	td_marker_stage(0);
	(void)td_exec(1);
	td_expect_violation();
}

/* EXEC of a running stage is fatal (and kills it). */
Test(dispatch, rejects_exec_of_running_stage)
{
	struct m_exec_ans a;

	td_ready();
	td_spec(0, "/usr/bin/sleep", TD_V("sleep", "60"));
	a = td_run(0);
	cr_assert(eq(int, a.err, 0));
	(void)td_exec(0);
	td_expect_violation();
	cr_assert(eq(int, th_alive((pid_t)a.pid), 0),
	    "the running stage survived");
}

/* ---- KILL --------------------------------------------------------- */

/* KILL with signal 0 is fatal. */
Test(dispatch, rejects_kill_signal_zero)
{
	struct m_kill k = { 1, 0 };

	TD_AFTER_MARKER(td_sendok(MSG_STAGE_KILL, &k, sizeof(k), NULL, 0));
}

/* KILL with signal 65 is fatal. */
Test(dispatch, rejects_kill_signal_65)
{
	struct m_kill k = { 1, 65 };

	TD_AFTER_MARKER(td_sendok(MSG_STAGE_KILL, &k, sizeof(k), NULL, 0));
}

/* KILL on a slot past SL_MAX_STAGES is fatal. */
Test(dispatch, rejects_kill_stage_out_of_range)
{
	struct m_kill k = { SL_MAX_STAGES, SIGTERM };

	TD_AFTER_MARKER(td_sendok(MSG_STAGE_KILL, &k, sizeof(k), NULL, 0));
}

/* KILL on a stage being built is fatal. */
Test(dispatch, rejects_kill_stage_being_built)
{
	struct m_kill k = { 0, SIGTERM };

	TD_AFTER_MARKER(td_sendok(MSG_STAGE_KILL, &k, sizeof(k), NULL, 0));
}

/* ---- what works --------------------------------------------------- */

/* HELLO is answered with version 1, the broker's pid and its ABI. */
Test(dispatch, hello_answers_version_pid_abi)
{
	struct m_hello h = { SL_PROTO_VERSION, 0 };
	struct m_hello_ans a;

	td_start();
	cr_assert(eq(int, msg_send(td.sock, MSG_HELLO, 77, &h, sizeof(h),
	    NULL, 0), 0));
	td_recv(MSG_HELLO_ANS);
	cr_assert(eq(u32, td.m.hdr.seq, 77));
	cr_assert(eq(u32, td.m.hdr.nfds, 0));
	cr_assert(eq(u32, td.m.bodylen, sizeof(a)));
	memcpy(&a, td.m.body, sizeof(a));
	cr_assert(eq(u32, a.version, 1));
	cr_assert(eq(u32, a.pid, (uint32_t)td.pid));
	cr_assert(ge(u32, a.ll_abi, 1));
	cr_assert(eq(u32, a.zero, 0));
}

/* A complete stage runs: EXEC_ANS err 0 with its pid, then EXIT 0. */
Test(dispatch, runs_true_and_reports_exit)
{
	struct m_exec_ans a;
	struct m_exit x;

	td_ready();
	td_spec(0, "/bin/true", TD_V("true"));
	a = td_run(0);
	cr_assert(eq(i32, a.err, 0));
	cr_assert(eq(u32, a.step, SL_STEP_NONE));
	cr_assert(gt(u32, a.pid, 0));
	x = td_exit_msg();
	cr_assert(eq(u32, x.stage, 0));
	cr_assert(eq(u32, x.pid, a.pid));
	cr_assert(td_exited(x.wstatus, 0),
	    "wstatus %#x", x.wstatus);
}

/* A stage's exit status is passed on: /bin/false gives 1. */
Test(dispatch, reports_exit_status_of_false)
{
	struct m_exec_ans a;
	struct m_exit x;

	td_ready();
	td_spec(5, "/bin/false", TD_V("false"));
	a = td_run(5);
	cr_assert(eq(i32, a.err, 0));
	x = td_exit_msg();
	cr_assert(eq(u32, x.stage, 5));
	cr_assert(eq(u32, x.pid, a.pid));
	cr_assert(td_exited(x.wstatus, 1),
	    "wstatus %#x", x.wstatus);
}

/* The marker stage, sent EXEC, does create the marker (the probe works). */
Test(dispatch, marker_stage_runs_when_valid)
{
	struct m_exec_ans a;
	struct m_exit x;

	td_ready();
	td_marker_stage(0);
	a = td_run(0);
	cr_assert(eq(i32, a.err, 0), "err %d step %u", a.err, a.step);
	x = td_exit_msg();
	cr_assert(td_exited(x.wstatus, 0),
	    "wstatus %#x", x.wstatus);
	cr_assert(eq(int, access(td.marker, F_OK), 0));
}

/* KILL signals a running stage; EXIT shows that signal. */
Test(dispatch, kill_terminates_running_stage)
{
	struct m_kill k = { 0, SIGTERM };
	struct m_exec_ans a;
	struct m_exit x;

	td_ready();
	td_spec(0, "/usr/bin/sleep", TD_V("sleep", "60"));
	a = td_run(0);
	cr_assert(eq(i32, a.err, 0));
	td_sendok(MSG_STAGE_KILL, &k, sizeof(k), NULL, 0);
	x = td_exit_msg();
	cr_assert(eq(u32, x.pid, a.pid));
	cr_assert(td_signaled(x.wstatus, SIGTERM),
	    "wstatus %#x", x.wstatus);
}

/* KILL accepts signal 64, the highest. */
Test(dispatch, kill_accepts_signal_64)
{
	struct m_kill k = { 0, 64 };
	struct m_exec_ans a;
	struct m_exit x;

	td_ready();
	td_spec(0, "/usr/bin/sleep", TD_V("sleep", "60"));
	a = td_run(0);
	cr_assert(eq(i32, a.err, 0));
	td_sendok(MSG_STAGE_KILL, &k, sizeof(k), NULL, 0);
	x = td_exit_msg();
	cr_assert(td_signaled(x.wstatus, 64),
	    "wstatus %#x", x.wstatus);
}

/* KILL on a free slot (already reaped) is ignored; the broker goes on. */
Test(dispatch, kill_on_free_slot_is_ignored)
{
	struct m_kill k = { 9, SIGKILL };
	struct m_exec_ans a;
	struct m_exit x;

	td_ready();
	td_sendok(MSG_STAGE_KILL, &k, sizeof(k), NULL, 0);
	td_spec(0, "/bin/true", TD_V("true"));
	a = td_run(0);
	cr_assert(eq(i32, a.err, 0));
	x = td_exit_msg();
	cr_assert(td_exited(x.wstatus, 0));
}

/* A slot is free again after its EXIT, and can run another stage. */
Test(dispatch, slot_reusable_after_exit)
{
	struct m_exec_ans a;
	struct m_exit x;
	int i;

	td_ready();
	for (i = 0; i < 2; i++) {
		td_spec(0, "/bin/true", TD_V("true"));
		a = td_run(0);
		cr_assert(eq(i32, a.err, 0));
		x = td_exit_msg();
		cr_assert(eq(u32, x.pid, a.pid));
	}
}

/* Closing the planner's socket ends the broker (0) and its stages. */
Test(dispatch, planner_close_kills_stages)
{
	struct m_exec_ans a;
	int ws;

	td_ready();
	td_spec(0, "/usr/bin/sleep", TD_V("sleep", "60"));
	a = td_run(0);
	cr_assert(eq(i32, a.err, 0));
	cr_assert(th_alive((pid_t)a.pid));
	close(td.sock);
	td.sock = -1;
	ws = td_wait_exit(2000);
	cr_assert(td_exited(ws, BRK_EXIT_OK),
	    "broker wait status %#x, stderr: %s", ws, td_stderr());
	cr_assert(eq(int, kill((pid_t)a.pid, 0), -1), "stage still there");
	cr_assert(eq(int, errno, ESRCH));
	cr_assert(eq(int, th_alive((pid_t)a.pid), 0));
}

/* A violation kills the stages already running. */
Test(dispatch, violation_kills_running_stages)
{
	struct m_exec_ans a;

	td_ready();
	td_spec(0, "/usr/bin/sleep", TD_V("sleep", "60"));
	a = td_run(0);
	cr_assert(eq(i32, a.err, 0));
	td_sendok(MSG_NONE, NULL, 0, NULL, 0);
	td_expect_violation();
	cr_assert(eq(int, kill((pid_t)a.pid, 0), -1), "stage still there");
	cr_assert(eq(int, errno, ESRCH));
}

/* EXEC of a file outside every rule fails at execve with EACCES. */
Test(dispatch, exec_outside_rules_is_eacces)
{
	struct m_exec_ans a;
	struct m_exit x;
	char cmd[PATH_MAX + 64];

	(void)snprintf(cmd, sizeof(cmd), "cp /bin/true %s", td.copy);
	cr_assert(eq(int, system(cmd), 0));
	cr_assert(eq(int, chmod(td.copy, 0755), 0));
	td_ready();
	if (td.ll_abi == 0)
		cr_skip_test("no Landlock on this kernel");
	td_spec(0, td.copy, TD_V("true"));
	a = td_run(0);
	cr_assert(eq(i32, a.err, EACCES), "err %d step %u", a.err, a.step);
	cr_assert(eq(u32, a.step, SL_STEP_EXEC));
	cr_assert(eq(u32, a.pid, 0));
	/* The slot was freed; the broker still serves it. */
	td_spec(0, "/bin/true", TD_V("true"));
	a = td_run(0);
	cr_assert(eq(i32, a.err, 0));
	x = td_exit_msg();
	cr_assert(td_exited(x.wstatus, 0));
}

/* EXEC of a missing file fails at execve with ENOENT. */
Test(dispatch, exec_missing_file_is_enoent)
{
	struct m_exec_ans a;

	td_ready();
	td_spec(0, "/usr/bin/sandlock-no-such-file", TD_V("x"));
	a = td_run(0);
	cr_assert(eq(i32, a.err, ENOENT), "err %d step %u", a.err, a.step);
	cr_assert(eq(u32, a.step, SL_STEP_EXEC));
	cr_assert(eq(u32, a.pid, 0));
}

/* A stage without any PATH rule cannot even exec /bin/true. */
Test(dispatch, exec_without_rules_is_eacces)
{
	struct m_exec_ans a;

	td_ready();
	if (td.ll_abi == 0)
		cr_skip_test("no Landlock on this kernel");
	td_begin(0);
	td_stdio(0);
	td_strs(0, SL_STR_FILE, TD_V("/bin/true"));
	td_strs(0, SL_STR_ARGV, TD_V("true"));
	a = td_run(0);
	cr_assert(eq(i32, a.err, EACCES), "err %d step %u", a.err, a.step);
	cr_assert(eq(u32, a.step, SL_STEP_EXEC));
}

/* A denied syscall list within bounds is accepted. */
Test(dispatch, exec_with_deny_list_runs)
{
	uint32_t deny[2] = { 101, SL_NR_MAX };
	struct m_exec_ans a;
	struct m_exit x;

	td_ready();
	td_spec(0, "/bin/true", TD_V("true"));
	cr_assert(eq(int, td_exec_full(0, td_flags(), deny, 2, 2, td.root),
	    0));
	td_recv(MSG_STAGE_EXEC_ANS);
	memcpy(&a, td.m.body, sizeof(a));
	cr_assert(eq(i32, a.err, 0), "err %d step %u", a.err, a.step);
	x = td_exit_msg();
	cr_assert(td_exited(x.wstatus, 0));
}

/* ---- LIMITS and NOTIFY ------------------------------------------------ */

/* LIMITS with its reserved field set is fatal. */
Test(dispatch, rejects_limits_reserved)
{
	struct m_limits l = { 0, 1, 5, 0, 0, 0 };

	TD_AFTER_MARKER(td_sendok(MSG_STAGE_LIMITS, &l, sizeof(l), NULL, 0));
}

/* LIMITS given twice for one stage is fatal. */
Test(dispatch, rejects_limits_twice)
{
	struct m_limits l = { 0, 0, 5, 0, 0, 0 };

	TD_AFTER_MARKER(td_sendok(MSG_STAGE_LIMITS, &l, sizeof(l), NULL, 0);
	    td_sendok(MSG_STAGE_LIMITS, &l, sizeof(l), NULL, 0));
}

/* LIMITS on a stage not begun is fatal. */
Test(dispatch, rejects_limits_on_free_stage)
{
	struct m_limits l = { 7, 0, 5, 0, 0, 0 };

	TD_AFTER_MARKER(td_sendok(MSG_STAGE_LIMITS, &l, sizeof(l), NULL, 0));
}

struct td_notify {
	struct m_notify h;
	uint32_t nr[4];
};

/* NOTIFY with no syscall is fatal. */
Test(dispatch, rejects_notify_empty)
{
	struct m_notify n = { 0, 1, 0, 0 };

	TD_AFTER_MARKER(td_sendok(MSG_STAGE_NOTIFY, &n, sizeof(n), NULL, 0));
}

/* NOTIFY of read, which the stage needs before exec, is fatal. */
Test(dispatch, rejects_notify_read)
{
	struct td_notify n = { { 0, 1, 1, 0 }, { 0 } };

	TD_AFTER_MARKER(td_sendok(MSG_STAGE_NOTIFY, &n, sizeof(n.h) + 4,
	    NULL, 0));
}

/*
 * NOTIFY of seccomp or prctl, which the stage calls between loading the
 * notify filter and execve while the broker waits for it, is fatal: it
 * used to hang the broker and the stage forever (found with fuzz_msg.c).
 */
Test(dispatch, rejects_notify_seccomp)
{
	struct td_notify n = { { 0, 1, 2, 0 }, { 57, 317 } };

	TD_AFTER_MARKER(td_sendok(MSG_STAGE_NOTIFY, &n, sizeof(n.h) + 8,
	    NULL, 0));
}

/* See rejects_notify_seccomp. */
Test(dispatch, rejects_notify_prctl)
{
	struct td_notify n = { { 0, 1, 1, 0 }, { 157 } };

	TD_AFTER_MARKER(td_sendok(MSG_STAGE_NOTIFY, &n, sizeof(n.h) + 4,
	    NULL, 0));
}

/* See rejects_notify_seccomp: set_limits calls prlimit64 (setrlimit in
 * some libcs) after the notify filter. */
Test(dispatch, rejects_notify_prlimit64)
{
	struct td_notify n = { { 0, 1, 1, 0 }, { 302 } };

	TD_AFTER_MARKER(td_sendok(MSG_STAGE_NOTIFY, &n, sizeof(n.h) + 4,
	    NULL, 0));
}

/* See rejects_notify_prlimit64. */
Test(dispatch, rejects_notify_setrlimit)
{
	struct td_notify n = { { 0, 1, 1, 0 }, { 160 } };

	TD_AFTER_MARKER(td_sendok(MSG_STAGE_NOTIFY, &n, sizeof(n.h) + 4,
	    NULL, 0));
}

/* NOTIFY of a number above the table is fatal. */
Test(dispatch, rejects_notify_unknown_nr)
{
	struct td_notify n = { { 0, 1, 1, 0 }, { 470 } };

	TD_AFTER_MARKER(td_sendok(MSG_STAGE_NOTIFY, &n, sizeof(n.h) + 4,
	    NULL, 0));
}

/* NOTIFY whose count does not match its size is fatal. */
Test(dispatch, rejects_notify_count_mismatch)
{
	struct td_notify n = { { 0, 1, 3, 0 }, { 56, 57 } };

	TD_AFTER_MARKER(td_sendok(MSG_STAGE_NOTIFY, &n, sizeof(n.h) + 8,
	    NULL, 0));
}

/* NOTIFY without a supervisor pid is fatal. */
Test(dispatch, rejects_notify_without_ptracer)
{
	struct td_notify n = { { 0, 0, 1, 0 }, { 56 } };

	TD_AFTER_MARKER(td_sendok(MSG_STAGE_NOTIFY, &n, sizeof(n.h) + 4,
	    NULL, 0));
}

/* ---- NET ---------------------------------------------------------- */

struct td_net {
	struct m_net h;
	uint32_t port[4];
};

/* NET after a PATH rule (the ruleset is remade from it) is fatal. */
Test(dispatch, rejects_net_after_path)
{
	struct m_net n = { 0, SL_NET_TCP, 0, 0 };

	TD_AFTER_MARKER(td_sendok(MSG_STAGE_NET, &n, sizeof(n), NULL, 0));
}

/* NET given twice for one stage is fatal. */
Test(dispatch, rejects_net_twice)
{
	struct m_net n = { 1, SL_NET_TCP, 0, 0 };

	TD_AFTER_MARKER(td_begin(1);
	    td_sendok(MSG_STAGE_NET, &n, sizeof(n), NULL, 0);
	    td_sendok(MSG_STAGE_NET, &n, sizeof(n), NULL, 0));
}

/* NET with an unknown flag is fatal. */
Test(dispatch, rejects_net_unknown_flag)
{
	struct m_net n = { 1, 1U << 6, 0, 0 };

	TD_AFTER_MARKER(td_begin(1);
	    td_sendok(MSG_STAGE_NET, &n, sizeof(n), NULL, 0));
}

/* NET with its reserved field set is fatal. */
Test(dispatch, rejects_net_reserved)
{
	struct m_net n = { 1, 0, 0, 1 };

	TD_AFTER_MARKER(td_begin(1);
	    td_sendok(MSG_STAGE_NET, &n, sizeof(n), NULL, 0));
}

/* NET whose port count does not match its size is fatal. */
Test(dispatch, rejects_net_count_mismatch)
{
	struct td_net n = { { 1, SL_NET_TCP, 3, 0 },
	    { 80 | SL_NET_PORT_CONNECT, 443 | SL_NET_PORT_CONNECT } };

	TD_AFTER_MARKER(td_begin(1);
	    td_sendok(MSG_STAGE_NET, &n, sizeof(n.h) + 8, NULL, 0));
}

/* A port rule granting nothing is fatal. */
Test(dispatch, rejects_net_port_without_access)
{
	struct td_net n = { { 1, SL_NET_TCP, 1, 0 }, { 80 } };

	TD_AFTER_MARKER(td_begin(1);
	    td_sendok(MSG_STAGE_NET, &n, sizeof(n.h) + 4, NULL, 0));
}

/* A port rule with an unknown access bit is fatal. */
Test(dispatch, rejects_net_port_unknown_access)
{
	struct td_net n = { { 1, SL_NET_TCP, 1, 0 }, { 80 | (1U << 18) } };

	TD_AFTER_MARKER(td_begin(1);
	    td_sendok(MSG_STAGE_NET, &n, sizeof(n.h) + 4, NULL, 0));
}

/* More port rules than SL_MAX_PORTS do not fit the NET row: fatal. */
Test(dispatch, rejects_net_too_many_ports)
{
	static uint32_t body[4 + SL_MAX_PORTS + 1];
	struct m_net n = { 1, SL_NET_TCP, SL_MAX_PORTS + 1, 0 };
	uint32_t i;

	memcpy(body, &n, sizeof(n));
	for (i = 0; i <= SL_MAX_PORTS; i++)
		body[4 + i] = 80 | SL_NET_PORT_CONNECT;
	TD_AFTER_MARKER(td_begin(1);
	    td_sendok(MSG_STAGE_NET, body, sizeof(body), NULL, 0));
}

/*
 * UDP sockets whose destinations the supervisor does not see (no NOTIFY of
 * connect and the sends) are fatal at EXEC: nothing is forked.
 */
Test(dispatch, rejects_udp_without_notified_sends)
{
	struct m_net n = { 0, SL_NET_UDP, 0, 0 };

	td_ready();
	td_begin(0);
	td_sendok(MSG_STAGE_NET, &n, sizeof(n), NULL, 0);
	td_rules(0);
	td_stdio(0);
	td_strs(0, SL_STR_FILE, TD_V("/usr/bin/touch"));
	td_strs(0, SL_STR_ARGV, TD_V("touch", td.marker));
	td_path(0, td.dir, SL_LL_FS_WRITE_SET);
	(void)td_exec(0);
	td_expect_violation();
}

/* A stage with NET (TCP, port rules of both kinds) runs. */
Test(dispatch, runs_stage_with_net)
{
	struct td_net n = { { 0, SL_NET_TCP | SL_NET_BIND_ANY, 2, 0 },
	    { 443 | SL_NET_PORT_CONNECT, 8080 | SL_NET_PORT_BIND |
	    SL_NET_PORT_CONNECT } };
	struct m_exec_ans a;
	struct m_exit x;

	td_ready();
	td_begin(0);
	td_sendok(MSG_STAGE_NET, &n, sizeof(n.h) + 8, NULL, 0);
	td_rules(0);
	td_stdio(0);
	td_strs(0, SL_STR_FILE, TD_V("/bin/true"));
	td_strs(0, SL_STR_ARGV, TD_V("true"));
	a = td_run(0);
	cr_assert(eq(i32, a.err, 0), "%s at step %u", strerror(a.err),
	    a.step);
	x = td_exit_msg();
	cr_assert(td_exited(x.wstatus, 0), "wstatus %#x", x.wstatus);
}
