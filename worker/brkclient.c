/* brkclient.c: broker startup and the planner's message stubs. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "brkclient.h"
#include "compat/landlock.h"
#include "paths.h"
#include "msg.h"
#include "wbuf.h"
#include "util.h"

static struct msg rmsg;

/*
 * The broker beside our own executable (the build tree, or a relocated
 * install), else the configured libexec directory.
 */
static const char *
find_broker(void)
{
	static char path[PATH_MAX];
	ssize_t n;
	char *slash;

	n = readlink("/proc/self/exe", path, sizeof(path) - 32);
	if (n > 0) {
		path[n] = '\0';
		if ((slash = strrchr(path, '/')) != NULL) {
			strcpy(slash + 1, "sandlock-broker");
			if (access(path, X_OK) == 0)
				return path;
		}
	}
	(void)snprintf(path, sizeof(path), "%s/sandlock-broker",
	    SL_LIBEXECDIR);
	return path;
}

static int
request(struct brk *b, uint32_t type, const void *body, size_t len,
    const int *fds, uint32_t nfds)
{
	return msg_send(b->sock, type, ++b->seq, body, len, fds, nfds);
}

/* Queues an EXIT that came before the answer awaited; EPROTO if not one. */
static int
queue_exit(struct brk *b)
{
	if (rmsg.hdr.type != MSG_STAGE_EXIT ||
	    rmsg.bodylen != sizeof(struct m_exit) ||
	    b->npending >= SL_MAX_STAGES) {
		errno = EPROTO;
		return -1;
	}
	memcpy(&b->pending[b->npending++], rmsg.body, sizeof(struct m_exit));
	return 0;
}

static int hello(struct brk *);

/*
 * Waits for the answer to request seq, after HELLO_ANS if that is still
 * to come; EPROTO for anything else.  An fd it carries goes to *fdp
 * (closed when fdp is NULL).
 */
static int
answer(struct brk *b, uint32_t type, uint32_t seq, void *body, size_t len,
    int *fdp)
{
	int r;

	if (b->hello && type != MSG_HELLO_ANS && hello(b) < 0)
		return -1;
	for (;;) {
		if ((r = msg_recv(b->sock, &rmsg)) <= 0) {
			if (r == 0)
				errno = EPIPE;
			return -1;
		}
		if (rmsg.hdr.type != MSG_STAGE_EXIT)
			break;
		msg_free(&rmsg);
		if (queue_exit(b) < 0)
			return -1;
	}
	if (fdp != NULL && rmsg.nfds == 1)
		*fdp = msg_take_fd(&rmsg, 0);
	msg_free(&rmsg);
	if (rmsg.hdr.type != type || rmsg.hdr.seq != seq ||
	    rmsg.bodylen != len) {
		errno = EPROTO;
		return -1;
	}
	memcpy(body, rmsg.body, len);
	return 0;
}

/* What the broker's child side needs, and its errno if it fails. */
struct spawn_arg {
	const char *path;
	int sock, devnull;
	volatile int err;
};

/* The child runs on a stack ASan knows nothing of: no shadow writes. */
#ifdef __SANITIZE_ADDRESS__
#define CHILD_SIDE	__attribute__((no_sanitize_address))
#else
#define CHILD_SIDE
#endif
#define SPAWN_STACK	(64 << 10)

/* dup2, or clearing close-on-exec when fd is already on target. */
CHILD_SIDE static int
put_fd(int fd, int target)
{
	return fd == target ? fcntl(fd, F_SETFD, 0) : dup2(fd, target);
}

/*
 * The child of clone(CLONE_VM | CLONE_VFORK): on its own stack in our
 * memory, with every signal blocked (no handler of ours runs here) until
 * execve, after which the broker unblocks them itself.
 */
CHILD_SIDE static int
spawn_child(void *p)
{
	struct spawn_arg *a = p;

	if (put_fd(a->sock, BRK_FD) < 0 || put_fd(a->devnull, 0) < 0 ||
	    put_fd(a->devnull, 1) < 0) {
		a->err = errno;
		_exit(127);
	}
	execve(a->path, (char *[]){ "sandlock-broker", NULL },
	    (char *[]){ NULL });
	a->err = errno;
	_exit(127);
}

/*
 * clone with CLONE_VM | CLONE_VFORK rather than fork: no copy of the
 * planner's page tables and no copy-on-write faults afterwards; an exec
 * failure comes back through the shared struct.  The child's stack is
 * mapped for it, not a buffer in our frame (which the sanitizers track).
 * Rather than posix_spawn, whose child visits all 64 signal dispositions
 * (128 calls in glibc): every signal stays blocked, and the broker resets
 * the dispositions.  The child gets exactly fd 3 (the socket) and /dev/null
 * on 0 and 1, our stderr, and no environment.
 */
int
brk_start(struct brk *b, const char **path_out)
{
	const char *path = find_broker();
	struct m_hello h = { SL_PROTO_VERSION, 0 };
	uint64_t all = ~0ULL, old;
	struct spawn_arg a;
	char *stack;
	int sv[2], devnull, err;
	pid_t pid;

	*path_out = path;
	b->sock = -1;
	b->wstatus = -1;
	b->pid = 0;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	if ((devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0) {
		sl_close(sv[0]);
		sl_close(sv[1]);
		return -1;
	}
	a.path = path;
	a.sock = sv[1];
	a.devnull = devnull;
	a.err = 0;
	/* The raw call blocks libc's own signals too. */
	stack = mmap(NULL, SPAWN_STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED ||
	    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, &old, 8) < 0)
		pid = -1;
	else {
		pid = clone(spawn_child, stack + SPAWN_STACK, CLONE_VM |
		    CLONE_VFORK | SIGCHLD, &a);
		err = errno;
		(void)syscall(SYS_rt_sigprocmask, SIG_SETMASK, &old, NULL, 8);
		errno = err;
	}
	err = errno;
	if (stack != MAP_FAILED)
		(void)munmap(stack, SPAWN_STACK);
	errno = err;
	if (pid > 0 && a.err != 0) {
		(void)waitpid(pid, NULL, 0);
		errno = a.err;
		pid = -1;
	}
	err = errno;
	sl_close(devnull);
	sl_close(sv[1]);
	if (pid < 0) {
		sl_close(sv[0]);
		errno = err;
		return -1;
	}
	b->sock = sv[0];
	b->pid = pid;
	b->seq = 0;
	b->npending = 0;
	b->ll_abi = sl_ll_abi();
	b->hello = true;
	if (request(b, MSG_HELLO, &h, sizeof(h), NULL, 0) < 0) {
		brk_stop(b);
		return -1;
	}
	return 0;
}

/* HELLO_ANS (seq 1): our version, and the Landlock ABI we found. */
static int
hello(struct brk *b)
{
	struct m_hello_ans ha;

	b->hello = false;
	errno = 0;
	if (answer(b, MSG_HELLO_ANS, 1, &ha, sizeof(ha), NULL) < 0 ||
	    ha.version != SL_PROTO_VERSION || (int)ha.ll_abi != b->ll_abi) {
		if (errno == 0)
			errno = EPROTO;
		return -1;
	}
	return 0;
}

void
brk_stop(struct brk *b)
{
	pid_t r;
	int ws = 0;

	sl_closep(&b->sock);
	if (b->pid > 0) {
		while ((r = waitpid(b->pid, &ws, 0)) < 0 && errno == EINTR)
			;
		b->wstatus = r == b->pid ? ws : -1;
	}
	b->pid = 0;
}

int
brk_stage_begin(struct brk *b, uint32_t stage)
{
	struct m_stage m = { stage, 0 };

	return request(b, MSG_STAGE_BEGIN, &m, sizeof(m), NULL, 0);
}

int
brk_stage_path(struct brk *b, uint32_t stage, int fd, uint64_t access)
{
	struct m_path m = { stage, 0, access };

	return request(b, MSG_STAGE_PATH, &m, sizeof(m), &fd, 1);
}

int
brk_stage_fd(struct brk *b, uint32_t stage, uint32_t target, int fd)
{
	struct m_fd m = { stage, target };

	return request(b, MSG_STAGE_FD, &m, sizeof(m), &fd, 1);
}

static int
flush_strs(struct brk *b, struct wb *w, struct m_strs *hdr)
{
	int r;

	memcpy(w->buf, hdr, sizeof(*hdr));
	r = request(b, MSG_STAGE_STRS, w->buf, w->len, NULL, 0);
	wb_init(w);
	(void)wb_bytes(w, hdr, sizeof(*hdr));
	hdr->count = 0;
	return r;
}

int
brk_stage_strs(struct brk *b, uint32_t stage, uint32_t kind, char *const *v,
    size_t n)
{
	static struct wb w;
	struct m_strs hdr = { stage, kind, 0, 0 };
	size_t i;

	wb_init(&w);
	(void)wb_bytes(&w, &hdr, sizeof(hdr));
	for (i = 0; i < n; i++) {
		if (strlen(v[i]) > SL_MAX_STRLEN) {
			errno = E2BIG;
			return -1;
		}
		if (wb_cstring(&w, v[i]) < 0) {
			if (hdr.count == 0 || flush_strs(b, &w, &hdr) < 0 ||
			    wb_cstring(&w, v[i]) < 0)
				return -1;
		}
		hdr.count++;
	}
	return hdr.count > 0 ? flush_strs(b, &w, &hdr) : 0;
}

int
brk_stage_limits(struct brk *b, const struct m_limits *l)
{
	return request(b, MSG_STAGE_LIMITS, l, sizeof(*l), NULL, 0);
}

int
brk_stage_notify(struct brk *b, uint32_t stage, uint32_t ptracer,
    const uint32_t *nrs, uint32_t n)
{
	static struct wb w;
	struct m_notify m = { stage, ptracer, n, 0 };
	uint32_t i;

	wb_init(&w);
	if (wb_bytes(&w, &m, sizeof(m)) < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (wb_u32(&w, nrs[i]) < 0)
			return -1;
	return request(b, MSG_STAGE_NOTIFY, w.buf, w.len, NULL, 0);
}

int
brk_stage_net(struct brk *b, uint32_t stage, uint32_t flags,
    const uint32_t *ports, uint32_t n)
{
	static struct wb w;
	struct m_net m = { stage, flags, n, 0 };
	uint32_t i;

	wb_init(&w);
	if (wb_bytes(&w, &m, sizeof(m)) < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (wb_u32(&w, ports[i]) < 0)
			return -1;
	return request(b, MSG_STAGE_NET, w.buf, w.len, NULL, 0);
}

int
brk_stage_exec(struct brk *b, uint32_t stage, uint32_t flags,
    const uint32_t *deny, uint32_t ndeny, int cwd_fd, struct m_exec_ans *ans,
    int *listener)
{
	static struct wb w;
	struct m_exec m = { stage, flags, ndeny, 0 };
	uint32_t i;

	wb_init(&w);
	if (wb_bytes(&w, &m, sizeof(m)) < 0)
		return -1;
	for (i = 0; i < ndeny; i++)
		if (wb_u32(&w, deny[i]) < 0)
			return -1;
	if (request(b, MSG_STAGE_EXEC, w.buf, w.len, &cwd_fd, 1) < 0)
		return -1;
	*listener = -1;
	return answer(b, MSG_STAGE_EXEC_ANS, b->seq, ans, sizeof(*ans),
	    listener);
}

int
brk_stage_kill(struct brk *b, uint32_t stage, int signo)
{
	struct m_kill m = { stage, (uint32_t)signo };

	return request(b, MSG_STAGE_KILL, &m, sizeof(m), NULL, 0);
}

int
brk_recv_exit(struct brk *b, struct m_exit *ex)
{
	int r;

	if (b->npending > 0) {
		*ex = b->pending[0];
		memmove(&b->pending[0], &b->pending[1],
		    --b->npending * sizeof(b->pending[0]));
		return 1;
	}
	if ((r = msg_recv(b->sock, &rmsg)) <= 0)
		return r;
	msg_free(&rmsg);
	if (rmsg.hdr.type != MSG_STAGE_EXIT || rmsg.bodylen != sizeof(*ex)) {
		errno = EPROTO;
		return -1;
	}
	memcpy(ex, rmsg.body, sizeof(*ex));
	return 1;
}
