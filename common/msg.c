/* msg.c: message framing and body codecs; see msg.h. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "msg.h"
#include "util.h"

int
msg_send(int sock, uint32_t type, uint32_t seq, const void *body, size_t len,
    const int *fds, uint32_t nfds)
{
	struct msg_hdr hdr;
	struct iovec iov[2];
	struct msghdr mh;
	union {
		char buf[CMSG_SPACE(sizeof(int) * MSG_MAXFDS)];
		struct cmsghdr align;
	} cm;
	struct cmsghdr *c;
	ssize_t n;

	if (len > MSG_BODY_MAX || nfds > MSG_MAXFDS) {
		errno = EMSGSIZE;
		return -1;
	}
	hdr.type = type;
	hdr.len = MSG_HDRSZ + (uint32_t)len;
	hdr.seq = seq;
	hdr.nfds = nfds;
	iov[0].iov_base = &hdr;
	iov[0].iov_len = sizeof(hdr);
	iov[1].iov_base = (void *)(uintptr_t)body;
	iov[1].iov_len = len;
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = iov;
	mh.msg_iovlen = len > 0 ? 2 : 1;
	if (nfds > 0) {
		memset(&cm, 0, sizeof(cm));
		mh.msg_control = cm.buf;
		mh.msg_controllen = (socklen_t)CMSG_SPACE(sizeof(int) * nfds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = (socklen_t)CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	do {
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if ((size_t)n != hdr.len) {
		errno = EMSGSIZE;
		return -1;
	}
	return 0;
}

/* Collects the SCM_RIGHTS fds of mh into m; 1 if there was anything else. */
static int
msg_collect_fds(struct msghdr *mh, struct msg *m)
{
	struct cmsghdr *c;
	int bad = 0;
	size_t i, n;

	for (c = CMSG_FIRSTHDR(mh); c != NULL; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
		    c->cmsg_len < CMSG_LEN(0)) {
			bad = 1;
			continue;
		}
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
			if (m->nfds < MSG_MAXFDS)
				m->fds[m->nfds++] = fd;
			else {
				sl_close(fd);
				bad = 1;
			}
		}
	}
	return bad;
}

int
msg_recvf(int sock, struct msg *m, int flags)
{
	struct iovec iov;
	struct msghdr mh;
	union {
		char buf[CMSG_SPACE(sizeof(int) * MSG_MAXFDS)];
		struct cmsghdr align;
	} cm;
	ssize_t n;
	int err = 0;

	m->nfds = 0;
	m->body = NULL;
	m->bodylen = 0;
	iov.iov_base = m->buf;
	iov.iov_len = sizeof(m->buf);
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cm.buf;
	mh.msg_controllen = sizeof(cm.buf);
	do {
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC | flags);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if (msg_collect_fds(&mh, m))
		err = EPROTO;
	if (n == 0 && m->nfds == 0 && err == 0) {
		/* 0 is also an empty datagram: EOF only once the peer hung up. */
		struct pollfd p = { sock, POLLIN | POLLRDHUP, 0 };

		if (poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLRDHUP)))
			return 0;
	}
	if (mh.msg_flags & MSG_TRUNC)
		err = EMSGSIZE;
	else if (mh.msg_flags & MSG_CTRUNC)
		err = ETOOMANYREFS;
	else if (err == 0 && (size_t)n < MSG_HDRSZ)
		err = EBADMSG;
	if (err == 0) {
		memcpy(&m->hdr, m->buf, sizeof(m->hdr));
		if (m->hdr.len != (uint32_t)n)
			err = EBADMSG;
		else if (m->hdr.nfds != m->nfds)
			err = EPROTO;
	}
	if (err != 0) {
		msg_free(m);
		errno = err;
		return -1;
	}
	m->body = m->buf + MSG_HDRSZ;
	m->bodylen = m->hdr.len - MSG_HDRSZ;
	return 1;
}

void
msg_free(struct msg *m)
{
	uint32_t i;

	for (i = 0; i < m->nfds; i++)
		sl_close(m->fds[i]);
	m->nfds = 0;
}

int
msg_take_fd(struct msg *m, uint32_t i)
{
	int fd;

	if (i >= m->nfds) {
		errno = EBADF;
		return -1;
	}
	fd = m->fds[i];
	m->fds[i] = -1;
	return fd;
}

void
rd_init(struct rd *r, const void *p, size_t len)
{
	r->p = p;
	r->left = len;
}

int
rd_bytes(struct rd *r, void *out, size_t len)
{
	if (r->left < len) {
		errno = EBADMSG;
		return -1;
	}
	memcpy(out, r->p, len);
	r->p += len;
	r->left -= len;
	return 0;
}

int
rd_u32(struct rd *r, uint32_t *v)
{
	return rd_bytes(r, v, sizeof(*v));
}

int
rd_cstring(struct rd *r, char **out, size_t maxlen)
{
	uint32_t len;
	char *s;

	*out = NULL;
	if (rd_u32(r, &len) < 0)
		return -1;
	if (len > maxlen) {
		errno = E2BIG;
		return -1;
	}
	if (r->left < len) {
		errno = EBADMSG;
		return -1;
	}
	if (memchr(r->p, '\0', len) != NULL) {
		errno = EINVAL;
		return -1;
	}
	if ((s = malloc((size_t)len + 1)) == NULL)
		return -1;
	memcpy(s, r->p, len);
	s[len] = '\0';
	r->p += len;
	r->left -= len;
	*out = s;
	return 0;
}

int
rd_end(const struct rd *r)
{
	if (r->left != 0) {
		errno = EBADMSG;
		return -1;
	}
	return 0;
}
