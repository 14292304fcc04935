/*
 * test_msg.c: common/msg.c over a real SOCK_SEQPACKET socketpair, and the
 * rd_* and wb_* body codecs.  One malformed input per test; every failure
 * asserts the return value and errno.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <criterion/parameterized.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "msg.h"
#include "wbuf.h"
#include "th.h"
#include "util.h"

static int tm_sv[2] = { -1, -1 };
static struct msg *tm_m;

static void
tm_setup(void)
{
	seq_socketpair(tm_sv);
	tm_m = calloc(1, sizeof(*tm_m));
	cr_assert(tm_m != NULL);
}

static void
tm_teardown(void)
{
	if (tm_m != NULL)
		msg_free(tm_m);
	free(tm_m);
	tm_m = NULL;
	sl_close(tm_sv[0]);
	sl_close(tm_sv[1]);
}

TestSuite(msg, .init = tm_setup, .fini = tm_teardown, .timeout = 10);

/* Open fds of this process, as listed in /proc/self/fd. */
static int
tm_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	cr_assert(d != NULL);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* the DIR's own fd */
}

/* Sends a header (plus padding up to total bytes) with raw fds. */
static void
tm_send_hdr(uint32_t type, uint32_t len, uint32_t nfds, size_t total,
    const int *fds, int nsend)
{
	uint8_t buf[256];
	struct msg_hdr h = { type, len, 7, nfds };

	cr_assert(total <= sizeof(buf));
	memset(buf, 0xa5, sizeof(buf));
	memcpy(buf, &h, total < sizeof(h) ? total : sizeof(h));
	cr_assert(eq(sz, (size_t)send_raw(tm_sv[0], buf, total, fds, nsend),
	    total));
}

/* Whether two fds name the same open file object's inode. */
static int
tm_same_file(int a, int b)
{
	struct stat sa, sb;

	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 &&
	    sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static void
tm_round_trip(uint32_t nfds)
{
	int fds[MSG_MAXFDS], pfd[2], i;
	const char body[] = "hello, broker";

	for (i = 0; i < (int)nfds; i++) {
		cr_assert(eq(int, pipe2(pfd, O_CLOEXEC), 0));
		close(pfd[1]);
		fds[i] = pfd[0];
	}
	cr_assert(eq(int, msg_send(tm_sv[0], MSG_STAGE_STRS, 42, body,
	    sizeof(body), fds, nfds), 0));
	cr_assert(eq(int, msg_recv(tm_sv[1], tm_m), 1));
	cr_assert(eq(u32, tm_m->hdr.type, MSG_STAGE_STRS));
	cr_assert(eq(u32, tm_m->hdr.seq, 42));
	cr_assert(eq(u32, tm_m->hdr.len, MSG_HDRSZ + sizeof(body)));
	cr_assert(eq(u32, tm_m->hdr.nfds, nfds));
	cr_assert(eq(u32, tm_m->nfds, nfds));
	cr_assert(eq(u32, tm_m->bodylen, sizeof(body)));
	cr_assert(eq(int, memcmp(tm_m->body, body, sizeof(body)), 0));
	for (i = 0; i < (int)nfds; i++) {
		int fl = fcntl(tm_m->fds[i], F_GETFD);

		cr_assert(ne(int, fl, -1));
		cr_assert(eq(int, fl & FD_CLOEXEC, FD_CLOEXEC),
		    "fd %d arrived without FD_CLOEXEC", i);
		cr_assert(tm_same_file(tm_m->fds[i], fds[i]),
		    "fd %d is not the one sent", i);
		close(fds[i]);
	}
}

/* A message without fds arrives whole. */
Test(msg, round_trip_without_fds)
{
	tm_round_trip(0);
}

/* One fd arrives, close-on-exec, naming the file sent. */
Test(msg, round_trip_with_one_fd)
{
	tm_round_trip(1);
}

/* MSG_MAXFDS fds arrive in order, each close-on-exec. */
Test(msg, round_trip_with_max_fds)
{
	tm_round_trip(MSG_MAXFDS);
}

/* A header-only message has an empty body. */
Test(msg, round_trip_empty_body)
{
	cr_assert(eq(int, msg_send(tm_sv[0], MSG_HELLO, 1, NULL, 0, NULL, 0),
	    0));
	cr_assert(eq(int, msg_recv(tm_sv[1], tm_m), 1));
	cr_assert(eq(u32, tm_m->hdr.len, MSG_HDRSZ));
	cr_assert(eq(u32, tm_m->bodylen, 0));
}

/* The largest body that fits MSG_MAX is accepted both ways. */
Test(msg, round_trip_largest_body)
{
	static uint8_t body[MSG_BODY_MAX];
	int r;

	memset(body, 'x', sizeof(body));
	cr_assert(eq(int, msg_send(tm_sv[0], MSG_STAGE_STRS, 1, body,
	    sizeof(body), NULL, 0), 0));
	r = msg_recv(tm_sv[1], tm_m);
	cr_assert(eq(int, r, 1));
	cr_assert(eq(u32, tm_m->hdr.len, MSG_MAX));
	cr_assert(eq(u32, tm_m->bodylen, MSG_BODY_MAX));
}

/* The peer closing its end reads as end of stream. */
Test(msg, eof_returns_zero)
{
	sl_closep(&tm_sv[0]);
	cr_assert(eq(int, msg_recv(tm_sv[1], tm_m), 0));
	cr_assert(eq(u32, tm_m->nfds, 0));
}

/* An empty datagram from a live peer is malformed, not end of stream. */
Test(msg, rejects_empty_datagram)
{
	int r;

	cr_assert(eq(int, (int)send_raw(tm_sv[0], "", 0, NULL, 0), 0));
	r = msg_recv(tm_sv[1], tm_m);
	cr_assert(eq(int, r, -1));
	cr_assert(eq(int, errno, EBADMSG));
}

/* Messages queued before the peer closes are read, then end of stream. */
Test(msg, eof_after_queued_message)
{
	cr_assert(eq(int, msg_send(tm_sv[0], MSG_HELLO, 1, NULL, 0, NULL, 0),
	    0));
	sl_closep(&tm_sv[0]);
	cr_assert(eq(int, msg_recv(tm_sv[1], tm_m), 1));
	cr_assert(eq(u32, tm_m->hdr.type, MSG_HELLO));
	cr_assert(eq(int, msg_recv(tm_sv[1], tm_m), 0));
}

/* A datagram shorter than a header is refused. */
Test(msg, rejects_datagram_shorter_than_header)
{
	int r;

	tm_send_hdr(MSG_HELLO, 8, 0, 8, NULL, 0);
	r = msg_recv(tm_sv[1], tm_m);
	cr_assert(eq(int, r, -1));
	cr_assert(eq(int, errno, EBADMSG));
}

/* One byte short of a header, with an fd: refused and the fd closed. */
Test(msg, rejects_short_datagram_with_fd_without_leak)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC), before, r;

	cr_assert(ne(int, fd, -1));
	before = tm_count_fds();
	tm_send_hdr(MSG_STAGE_PATH, MSG_HDRSZ - 1, 1, MSG_HDRSZ - 1, &fd, 1);
	r = msg_recv(tm_sv[1], tm_m);
	cr_assert(eq(int, r, -1));
	cr_assert(eq(int, errno, EBADMSG));
	cr_assert(eq(u32, tm_m->nfds, 0));
	cr_assert(eq(int, tm_count_fds(), before));
	close(fd);
}

/* hdr.len larger than the bytes received is refused. */
Test(msg, rejects_len_above_bytes_received)
{
	int r;

	tm_send_hdr(MSG_HELLO, MSG_HDRSZ + 8, 0, MSG_HDRSZ + 4, NULL, 0);
	r = msg_recv(tm_sv[1], tm_m);
	cr_assert(eq(int, r, -1));
	cr_assert(eq(int, errno, EBADMSG));
}

/* hdr.len smaller than the bytes received is refused. */
Test(msg, rejects_len_below_bytes_received)
{
	int r;

	tm_send_hdr(MSG_HELLO, MSG_HDRSZ, 0, MSG_HDRSZ + 8, NULL, 0);
	r = msg_recv(tm_sv[1], tm_m);
	cr_assert(eq(int, r, -1));
	cr_assert(eq(int, errno, EBADMSG));
}

/* hdr.nfds = 1 with no fd carried is refused. */
Test(msg, rejects_nfds_above_fds_carried)
{
	int r;

	tm_send_hdr(MSG_STAGE_PATH, MSG_HDRSZ, 1, MSG_HDRSZ, NULL, 0);
	r = msg_recv(tm_sv[1], tm_m);
	cr_assert(eq(int, r, -1));
	cr_assert(eq(int, errno, EPROTO));
}

/* hdr.nfds = 0 with one fd carried is refused, and the fd is closed. */
Test(msg, rejects_nfds_below_fds_carried)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC), before, r;

	cr_assert(ne(int, fd, -1));
	before = tm_count_fds();
	tm_send_hdr(MSG_HELLO, MSG_HDRSZ, 0, MSG_HDRSZ, &fd, 1);
	r = msg_recv(tm_sv[1], tm_m);
	cr_assert(eq(int, r, -1));
	cr_assert(eq(int, errno, EPROTO));
	cr_assert(eq(u32, tm_m->nfds, 0));
	cr_assert(eq(int, tm_count_fds(), before));
	close(fd);
}

/* More fds than MSG_MAXFDS are refused and none of them stays open. */
Test(msg, rejects_too_many_fds_without_leak)
{
	int fds[MSG_MAXFDS + 2], before, r, i;

	for (i = 0; i < MSG_MAXFDS + 2; i++) {
		fds[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
		cr_assert(ne(int, fds[i], -1));
	}
	before = tm_count_fds();
	tm_send_hdr(MSG_STAGE_PATH, MSG_HDRSZ, MSG_MAXFDS + 2, MSG_HDRSZ, fds,
	    MSG_MAXFDS + 2);
	r = msg_recv(tm_sv[1], tm_m);
	cr_assert(eq(int, r, -1));
	cr_assert(eq(int, errno, ETOOMANYREFS));
	cr_assert(eq(u32, tm_m->nfds, 0));
	cr_assert(eq(int, tm_count_fds(), before));
	for (i = 0; i < MSG_MAXFDS + 2; i++)
		close(fds[i]);
}

/* Exactly MSG_MAXFDS + 1 fds: still refused, still no leak. */
Test(msg, rejects_one_fd_too_many_without_leak)
{
	int fds[MSG_MAXFDS + 1], before, r, i;

	for (i = 0; i < MSG_MAXFDS + 1; i++) {
		fds[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
		cr_assert(ne(int, fds[i], -1));
	}
	before = tm_count_fds();
	tm_send_hdr(MSG_STAGE_PATH, MSG_HDRSZ, MSG_MAXFDS, MSG_HDRSZ, fds,
	    MSG_MAXFDS + 1);
	r = msg_recv(tm_sv[1], tm_m);
	cr_assert(eq(int, r, -1));
	cr_assert(eq(int, errno, ETOOMANYREFS));
	cr_assert(eq(int, tm_count_fds(), before));
	for (i = 0; i < MSG_MAXFDS + 1; i++)
		close(fds[i]);
}

/* A datagram larger than MSG_MAX is refused as truncated. */
Test(msg, rejects_datagram_above_msg_max)
{
	size_t n = MSG_MAX + 1;
	uint8_t *buf = calloc(1, n);
	struct msg_hdr h = { MSG_STAGE_STRS, (uint32_t)n, 1, 0 };
	int r;

	cr_assert(buf != NULL);
	memcpy(buf, &h, sizeof(h));
	cr_assert(eq(sz, (size_t)send_raw(tm_sv[0], buf, n, NULL, 0), n));
	free(buf);
	r = msg_recv(tm_sv[1], tm_m);
	cr_assert(eq(int, r, -1));
	cr_assert(eq(int, errno, EMSGSIZE));
}

/* Ancillary data other than SCM_RIGHTS (credentials) is refused. */
Test(msg, rejects_credentials_cmsg)
{
	int on = 1, r;

	cr_assert(eq(int, setsockopt(tm_sv[1], SOL_SOCKET, SO_PASSCRED, &on,
	    sizeof(on)), 0));
	cr_assert(eq(int, msg_send(tm_sv[0], MSG_HELLO, 1, NULL, 0, NULL, 0),
	    0));
	r = msg_recv(tm_sv[1], tm_m);
	cr_assert(eq(int, r, -1));
	cr_assert(eq(int, errno, EPROTO));
}

/* msg_send refuses a body past MSG_BODY_MAX and sends nothing. */
Test(msg, send_rejects_body_too_large)
{
	static uint8_t body[MSG_BODY_MAX + 1];
	int r;

	r = msg_send(tm_sv[0], MSG_STAGE_STRS, 1, body, sizeof(body), NULL, 0);
	cr_assert(eq(int, r, -1));
	cr_assert(eq(int, errno, EMSGSIZE));
	cr_assert(eq(int, (int)recv(tm_sv[1], body, 1, MSG_DONTWAIT), -1));
	cr_assert(eq(int, errno, EAGAIN));
}

/* msg_send refuses more than MSG_MAXFDS fds. */
Test(msg, send_rejects_too_many_fds)
{
	int fds[MSG_MAXFDS + 1] = { 0, 0, 0, 0, 0 }, r;

	r = msg_send(tm_sv[0], MSG_STAGE_PATH, 1, NULL, 0, fds,
	    MSG_MAXFDS + 1);
	cr_assert(eq(int, r, -1));
	cr_assert(eq(int, errno, EMSGSIZE));
}

/* msg_take_fd moves an fd out; a second take or an index past nfds fails. */
Test(msg, take_fd_moves_ownership)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC), got, r;

	cr_assert(ne(int, fd, -1));
	cr_assert(eq(int, msg_send(tm_sv[0], MSG_STAGE_FD, 1, NULL, 0, &fd, 1),
	    0));
	close(fd);
	cr_assert(eq(int, msg_recv(tm_sv[1], tm_m), 1));
	got = msg_take_fd(tm_m, 0);
	cr_assert(ge(int, got, 0));
	cr_assert(eq(int, tm_m->fds[0], -1));
	r = msg_take_fd(tm_m, 1);
	cr_assert(eq(int, r, -1));
	cr_assert(eq(int, errno, EBADF));
	msg_free(tm_m);
	cr_assert(ne(int, fcntl(got, F_GETFD), -1), "msg_free closed a taken fd");
	close(got);
}

/* Bad headers, one per row: each is refused with its errno. */
struct tm_bad_hdr {
	const char *name;
	uint32_t len;		/* hdr.len */
	uint32_t nfds;		/* hdr.nfds */
	uint32_t sent;		/* datagram bytes */
	int nsend;		/* fds carried */
	int err;
};

static struct tm_bad_hdr tm_bad_hdrs[] = {
	{ "one_byte", 0, 0, 1, 0, EBADMSG },
	{ "half_header", MSG_HDRSZ, 0, MSG_HDRSZ / 2, 0, EBADMSG },
	{ "len_zero", 0, 0, MSG_HDRSZ, 0, EBADMSG },
	{ "len_one_more", MSG_HDRSZ + 1, 0, MSG_HDRSZ, 0, EBADMSG },
	{ "len_one_less", MSG_HDRSZ + 3, 0, MSG_HDRSZ + 4, 0, EBADMSG },
	{ "len_huge", UINT32_MAX, 0, MSG_HDRSZ, 0, EBADMSG },
	{ "nfds_1_sent_0", MSG_HDRSZ, 1, MSG_HDRSZ, 0, EPROTO },
	{ "nfds_0_sent_2", MSG_HDRSZ, 0, MSG_HDRSZ, 2, EPROTO },
	{ "nfds_2_sent_1", MSG_HDRSZ, 2, MSG_HDRSZ, 1, EPROTO },
	{ "nfds_huge_sent_1", MSG_HDRSZ, UINT32_MAX, MSG_HDRSZ, 1, EPROTO },
	{ "nfds_5_sent_5", MSG_HDRSZ, 5, MSG_HDRSZ, 5, ETOOMANYREFS },
};

ParameterizedTestParameters(msg, rejects_bad_header)
{
	return cr_make_param_array(struct tm_bad_hdr, tm_bad_hdrs,
	    sizeof(tm_bad_hdrs) / sizeof(tm_bad_hdrs[0]));
}

/* Each row of tm_bad_hdrs is refused without keeping an fd. */
ParameterizedTest(struct tm_bad_hdr *row, msg, rejects_bad_header)
{
	int fds[8] = { -1, -1, -1, -1, -1, -1, -1, -1 }, before, r, i;

	for (i = 0; i < row->nsend; i++) {
		fds[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
		cr_assert(ne(int, fds[i], -1));
	}
	before = tm_count_fds();
	tm_send_hdr(MSG_HELLO, row->len, row->nfds, row->sent, fds,
	    row->nsend);
	r = msg_recv(tm_sv[1], tm_m);
	cr_assert(eq(int, r, -1), "%s", row->name);
	cr_assert(eq(int, errno, row->err), "%s: %s", row->name,
	    strerror(errno));
	cr_assert(eq(int, tm_count_fds(), before), "%s leaked", row->name);
	for (i = 0; i < row->nsend; i++)
		close(fds[i]);
}

/* ---- rd_* ---------------------------------------------------------- */

/* A body with a u32 length prefix and bytes. */
static size_t
tm_lstr(uint8_t *buf, uint32_t len, const void *bytes, size_t n)
{
	memcpy(buf, &len, sizeof(len));
	memcpy(buf + sizeof(len), bytes, n);
	return sizeof(len) + n;
}

/* rd_u32 and rd_bytes read in order and rd_end sees the end. */
Test(rd, reads_u32_and_bytes)
{
	uint8_t buf[8] = { 1, 0, 0, 0, 'a', 'b', 'c', 'd' }, out[4];
	struct rd r;
	uint32_t v;

	rd_init(&r, buf, sizeof(buf));
	cr_assert(eq(int, rd_u32(&r, &v), 0));
	cr_assert(eq(u32, v, 1));
	cr_assert(eq(int, rd_bytes(&r, out, 4), 0));
	cr_assert(eq(int, memcmp(out, "abcd", 4), 0));
	cr_assert(eq(int, rd_end(&r), 0));
}

/* rd_u32 on three bytes is short. */
Test(rd, u32_short)
{
	uint8_t buf[3] = { 0 };
	struct rd r;
	uint32_t v;
	int rc;

	rd_init(&r, buf, sizeof(buf));
	rc = rd_u32(&r, &v);
	cr_assert(eq(int, rc, -1));
	cr_assert(eq(int, errno, EBADMSG));
}

/* rd_end with bytes left over fails. */
Test(rd, end_with_leftovers)
{
	uint8_t buf[5] = { 0 };
	struct rd r;
	uint32_t v;
	int rc;

	rd_init(&r, buf, sizeof(buf));
	cr_assert(eq(int, rd_u32(&r, &v), 0));
	rc = rd_end(&r);
	cr_assert(eq(int, rc, -1));
	cr_assert(eq(int, errno, EBADMSG));
}

/* A string round-trips NUL-terminated. */
Test(rd, cstring_reads_string)
{
	uint8_t buf[32];
	struct rd r;
	char *s;

	rd_init(&r, buf, tm_lstr(buf, 3, "abc", 3));
	cr_assert(eq(int, rd_cstring(&r, &s, 16), 0));
	cr_assert(eq(str, s, "abc"));
	cr_assert(eq(int, rd_end(&r), 0));
	free(s);
}

/* The empty string is valid. */
Test(rd, cstring_empty_ok)
{
	uint8_t buf[8];
	struct rd r;
	char *s;

	rd_init(&r, buf, tm_lstr(buf, 0, "", 0));
	cr_assert(eq(int, rd_cstring(&r, &s, 16), 0));
	cr_assert(s != NULL);
	cr_assert(eq(str, s, ""));
	cr_assert(eq(int, rd_end(&r), 0));
	free(s);
}

/* A string exactly maxlen long is valid. */
Test(rd, cstring_at_maxlen_ok)
{
	uint8_t buf[32];
	struct rd r;
	char *s;

	rd_init(&r, buf, tm_lstr(buf, 4, "abcd", 4));
	cr_assert(eq(int, rd_cstring(&r, &s, 4), 0));
	cr_assert(eq(str, s, "abcd"));
	free(s);
}

/* A length prefix shorter than 4 bytes is short. */
Test(rd, cstring_short_length_prefix)
{
	uint8_t buf[2] = { 3, 0 };
	struct rd r;
	char *s = (char *)1;
	int rc;

	rd_init(&r, buf, sizeof(buf));
	rc = rd_cstring(&r, &s, 16);
	cr_assert(eq(int, rc, -1));
	cr_assert(eq(int, errno, EBADMSG));
	cr_assert(s == NULL);
}

/* A length past the bytes left is short, and nothing is consumed. */
Test(rd, cstring_short_body)
{
	uint8_t buf[32];
	struct rd r;
	char *s = (char *)1;
	int rc;

	rd_init(&r, buf, tm_lstr(buf, 10, "abc", 3));
	rc = rd_cstring(&r, &s, 16);
	cr_assert(eq(int, rc, -1));
	cr_assert(eq(int, errno, EBADMSG));
	cr_assert(s == NULL);
}

/* A NUL inside the string is refused. */
Test(rd, cstring_interior_nul)
{
	uint8_t buf[32];
	struct rd r;
	char *s = (char *)1;
	int rc;

	rd_init(&r, buf, tm_lstr(buf, 3, "a\0b", 3));
	rc = rd_cstring(&r, &s, 16);
	cr_assert(eq(int, rc, -1));
	cr_assert(eq(int, errno, EINVAL));
	cr_assert(s == NULL);
}

/* A trailing NUL counts as inside the string and is refused. */
Test(rd, cstring_trailing_nul)
{
	uint8_t buf[32];
	struct rd r;
	char *s = (char *)1;
	int rc;

	rd_init(&r, buf, tm_lstr(buf, 4, "abc\0", 4));
	rc = rd_cstring(&r, &s, 16);
	cr_assert(eq(int, rc, -1));
	cr_assert(eq(int, errno, EINVAL));
	cr_assert(s == NULL);
}

/* A string longer than maxlen is refused. */
Test(rd, cstring_too_long)
{
	uint8_t buf[32];
	struct rd r;
	char *s = (char *)1;
	int rc;

	rd_init(&r, buf, tm_lstr(buf, 5, "abcde", 5));
	rc = rd_cstring(&r, &s, 4);
	cr_assert(eq(int, rc, -1));
	cr_assert(eq(int, errno, E2BIG));
	cr_assert(s == NULL);
}

/* A huge length prefix is refused as too long before any read. */
Test(rd, cstring_huge_length)
{
	uint8_t buf[8];
	struct rd r;
	char *s = (char *)1;
	int rc;

	rd_init(&r, buf, tm_lstr(buf, UINT32_MAX, "", 0));
	rc = rd_cstring(&r, &s, SL_MAX_STRLEN);
	cr_assert(eq(int, rc, -1));
	cr_assert(eq(int, errno, E2BIG));
}

/* ---- wb_* ---------------------------------------------------------- */

/* wb_u32 and wb_cstring write what rd_* reads back. */
Test(wb, round_trips_through_rd)
{
	static struct wb w;
	struct rd r;
	uint32_t v;
	char *s;

	wb_init(&w);
	cr_assert(eq(int, wb_u32(&w, 0xdeadbeef), 0));
	cr_assert(eq(int, wb_cstring(&w, "argv0"), 0));
	cr_assert(eq(int, wb_cstring(&w, ""), 0));
	cr_assert(eq(sz, w.len, 4 + 4 + 5 + 4));
	rd_init(&r, w.buf, w.len);
	cr_assert(eq(int, rd_u32(&r, &v), 0));
	cr_assert(eq(u32, v, 0xdeadbeef));
	cr_assert(eq(int, rd_cstring(&r, &s, 16), 0));
	cr_assert(eq(str, s, "argv0"));
	free(s);
	cr_assert(eq(int, rd_cstring(&r, &s, 16), 0));
	cr_assert(eq(str, s, ""));
	free(s);
	cr_assert(eq(int, rd_end(&r), 0));
}

/* wb_cstring past the buffer's end fails and writes nothing. */
Test(wb, cstring_overflow)
{
	static struct wb w;
	static uint8_t fill[MSG_BODY_MAX - 6];
	int rc;

	wb_init(&w);
	cr_assert(eq(int, wb_bytes(&w, fill, sizeof(fill)), 0));
	rc = wb_cstring(&w, "abc");
	cr_assert(eq(int, rc, -1));
	cr_assert(eq(int, errno, E2BIG));
	cr_assert(eq(sz, w.len, sizeof(fill)));
	cr_assert(eq(int, wb_cstring(&w, "ab"), 0));
	cr_assert(eq(sz, w.len, (size_t)MSG_BODY_MAX));
}

/* wb_cstring refuses a string longer than SL_MAX_STRLEN. */
Test(wb, cstring_longer_than_strlen)
{
	static struct wb w;
	char *s = malloc(SL_MAX_STRLEN + 2);
	int rc;

	cr_assert(s != NULL);
	memset(s, 'a', SL_MAX_STRLEN + 1);
	s[SL_MAX_STRLEN + 1] = '\0';
	wb_init(&w);
	rc = wb_cstring(&w, s);
	free(s);
	cr_assert(eq(int, rc, -1));
	cr_assert(eq(int, errno, E2BIG));
	cr_assert(eq(sz, w.len, 0));
}

/* wb_bytes past MSG_BODY_MAX fails. */
Test(wb, bytes_overflow)
{
	static struct wb w;
	uint8_t b[2] = { 0 };
	int rc;

	wb_init(&w);
	w.len = MSG_BODY_MAX - 1;
	rc = wb_bytes(&w, b, 2);
	cr_assert(eq(int, rc, -1));
	cr_assert(eq(int, errno, E2BIG));
	cr_assert(eq(sz, w.len, (size_t)MSG_BODY_MAX - 1));
}
