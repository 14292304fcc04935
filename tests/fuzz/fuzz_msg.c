/*
 * fuzz_msg.c: libFuzzer entry point over the broker's message decoder:
 * common/msg.c (msg_recv) and broker/dispatch.c (the handler table, the
 * state machine and every handler), with the real broker/stage.c,
 * landlock.c and seccomp.c behind them.
 *
 * Approach.  Running the real sandlock-broker per input costs a fork and
 * an exec and loses coverage feedback; copying the handler table would
 * fuzz a copy.  Instead this file #includes broker/dispatch.c itself, so
 * the table, the handlers and their static state are the broker's own
 * code, compiled unchanged.  Two names are redirected for that one
 * translation unit only: _exit (called by brk_violation and at end of
 * stream) longjmps back here with the status, and dprintf/vdprintf format
 * into a local buffer instead of writing to stderr (the arguments are
 * still formatted, so a bad format argument is still caught).  Everything
 * a violation would leave behind when the real broker exits (fds, memory,
 * stages) is released here by brk_kill_all() and msg_free(), which is
 * what the broker itself runs before _exit; whatever is still held after
 * that is a leak and aborts the run.
 *
 * Input format: a sequence of records, each one datagram, sent through a
 * SOCK_SEQPACKET socketpair and received by brk_dispatch() via msg_recv():
 *
 *   u8 sel    sel % 5 = number of fds sent with the datagram (0-4)
 *   u8 kinds  2 bits per fd: 0 /dev/null O_RDWR, 1 O_PATH of the scratch
 *             directory, 2 the scratch directory O_RDONLY, 3 a pipe's
 *             read end
 *   u16 len   little endian; the datagram is the next len bytes (fewer if
 *             the input ends first)
 *
 * Each input starts from a fresh broker (state HELLO, every slot free).
 * The seeds in tests/fuzz/corpus/msg/ (made by tests/fuzz/mkseeds.py)
 * hold a HELLO and a complete stage, so the fuzzer reaches every handler.
 *
 * Safety: a complete spec makes stage_spawn() fork and exec a stage, as
 * the broker would.  The only O_PATH fd the harness ever sends is the
 * empty scratch directory, and the harness refuses to run without
 * Landlock, so a stage can execute nothing (its exec fails with EACCES or
 * ENOENT) whatever path and argv the fuzzer chooses.  Running stages are
 * killed and reaped after every input.
 *
 * Properties checked beyond "no crash, no sanitizer report, no leak":
 * no fd stays open after an input, and every input ends in a violation
 * (status BRK_EXIT_PROTO), or with the broker still serving.
 *
 * `make fuzz` builds this with -fsanitize=fuzzer; `make check` replays
 * the corpus through the same function (tests/fuzz/replay.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static jmp_buf fz_jmp;
static int fz_status;

SL_NORETURN static void
fz_exit(int status)
{
	fz_status = status;
	longjmp(fz_jmp, 1);
}

static int
fz_vdprintf(int fd, const char *fmt, va_list ap)
{
	char buf[512];

	(void)fd;
	return vsnprintf(buf, sizeof(buf), fmt, ap);
}

static int SL_PRINTF(2, 3)
fz_dprintf(int fd, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = fz_vdprintf(fd, fmt, ap);
	va_end(ap);
	return r;
}

/* The broker's own dispatch, with the three names above redirected. */
#define _exit		fz_exit
#define dprintf		fz_dprintf
#define vdprintf	fz_vdprintf
#include "../../broker/dispatch.c"
#undef _exit
#undef dprintf
#undef vdprintf

#define FZ_FDSCAN	1024		/* fds checked for leaks */

static int fz_sock = -1;		/* the "planner" end */
/*
 * Set by replay_msg.c only: valgrind 3.19 has no Landlock (nor seccomp)
 * wrappers, so under it the committed seeds are replayed with ABI 0
 * (EXEC answers EOPNOTSUPP, or for the degraded seed the stage's
 * seccomp_load fails); fuzzer-made inputs never run without Landlock.
 */
static int fz_nolandlock_ok;
static uint8_t fz_open[FZ_FDSCAN];	/* fds open after setup */
static char fz_dir[] = "/tmp/sandlock-fuzz-XXXXXX";

/* The scratch directory is empty; libFuzzer leaves through exit(). */
static void
fz_rmdir(void)
{
	(void)rmdir(fz_dir);
}

static void
fz_setup(void)
{
	int sv[2];

	brk_ll_abi = sl_ll_abi();
	if (brk_ll_abi < SL_LL_ABI_REQUIRED && fz_nolandlock_ok &&
	    getenv("SL_FUZZ_NO_LANDLOCK") != NULL)
		brk_ll_abi = 0;	/* replay of committed seeds under valgrind */
	else if (brk_ll_abi < SL_LL_ABI_REQUIRED) {
		/* Without Landlock a fuzzed EXEC could run anything. */
		(void)fprintf(stderr, "fuzz_msg: Landlock ABI %d < %d: refusing "
		    "to run\n", brk_ll_abi, SL_LL_ABI_REQUIRED);
		abort();
	}
	if (mkdtemp(fz_dir) == NULL || atexit(fz_rmdir) != 0 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		abort();
	brk_sock = sv[0];
	fz_sock = sv[1];
	for (int fd = 0; fd < FZ_FDSCAN; fd++)
		fz_open[fd] = fcntl(fd, F_GETFD) >= 0;
	for (uint32_t i = 0; i < SL_MAX_STAGES; i++)
		stage_init(&brk_stages[i]);
}

/* One fd of the given kind, or -1; pipes keep their write end in *wr. */
static int
fz_fd(unsigned kind, int *wr)
{
	int p[2];

	switch (kind & 3) {
	case 0:
		return open("/dev/null", O_RDWR | O_CLOEXEC);
	case 1:
		return open(fz_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	case 2:
		return open(fz_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	default:
		if (pipe2(p, O_CLOEXEC) < 0)
			return -1;
		*wr = p[1];
		return p[0];
	}
}

/* Sends one datagram with its fds; the harness's copies are closed. */
static void
fz_send(const uint8_t *buf, size_t len, uint8_t sel, uint8_t kinds)
{
	int fds[MSG_MAXFDS], wr[MSG_MAXFDS], nfds = sel % 5, i;
	struct iovec iov = { (void *)(uintptr_t)buf, len };
	union {
		char b[CMSG_SPACE(sizeof(fds))];
		struct cmsghdr align;
	} cm;
	struct msghdr mh;
	struct cmsghdr *c;

	memset(&mh, 0, sizeof(mh));
	memset(&cm, 0, sizeof(cm));
	for (i = 0; i < nfds; i++) {
		wr[i] = -1;
		if ((fds[i] = fz_fd((unsigned)kinds >> (2 * i), &wr[i])) < 0)
			abort();
	}
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (nfds > 0) {
		mh.msg_control = cm.b;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nfds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)nfds);
	}
	if (sendmsg(fz_sock, &mh, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 &&
	    errno != EMSGSIZE)
		abort();
	for (i = 0; i < nfds; i++) {
		sl_close(fds[i]);
		sl_close(wr[i]);
	}
}

/* Reads and drops the broker's answers, closing any fd they carry. */
static void
fz_drain(void)
{
	uint8_t buf[256];
	union {
		char b[CMSG_SPACE(sizeof(int) * MSG_MAXFDS)];
		struct cmsghdr align;
	} cm;
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh;
	struct cmsghdr *c;
	size_t i, n;
	int fd;

	for (;;) {
		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = cm.b;
		mh.msg_controllen = sizeof(cm.b);
		if (recvmsg(fz_sock, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC) < 0)
			return;
		for (c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c)) {
			n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			for (i = 0; i < n; i++) {
				memcpy(&fd, CMSG_DATA(c) + i * sizeof(int),
				    sizeof(fd));
				sl_close(fd);
			}
		}
	}
}

/* Back to a fresh broker; aborts if anything is left open. */
static void
fz_reset(void)
{
	int fd;

	msg_free(&brk_msg);
	brk_kill_all();
	brk_state = BRK_ST_HELLO;
	fz_drain();
	for (fd = 0; fd < FZ_FDSCAN; fd++)
		if (!fz_open[fd] && fcntl(fd, F_GETFD) >= 0) {
			(void)fprintf(stderr, "fuzz_msg: fd %d leaked\n", fd);
			abort();
		}
}

/* Closes the harness's own fds (for valgrind's --track-fds). */
static void SL_UNUSED
fz_teardown(void)
{
	fz_reset();
	sl_closep(&fz_sock);
	sl_closep(&brk_sock);
	(void)rmdir(fz_dir);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static volatile size_t off;
	size_t len;

	if (fz_sock < 0)
		fz_setup();
	off = 0;
	fz_status = -1;
	if (setjmp(fz_jmp) == 0) {
		while (size - off >= 4) {
			len = (size_t)data[off + 2] | (size_t)data[off + 3] << 8;
			if (len > size - off - 4)
				len = size - off - 4;
			fz_send(data + off + 4, len, data[off], data[off + 1]);
			off += 4 + len;
			(void)brk_dispatch(0);
			fz_drain();
		}
	}
	/* A violation is the only way out; the planner never hung up. */
	if (fz_status != -1 && fz_status != BRK_EXIT_PROTO)
		abort();
	fz_reset();
	return 0;
}
