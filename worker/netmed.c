/*
 * netmed.c: see netmed.h.
 *
 * Each call is copied first: the sockaddr, the data, the iovec array and
 * the control messages are read from /proc/TID/mem into the supervisor,
 * and ID_VALID is checked after every read.  The socket is the stage's fd
 * duplicated with pidfd_getfd; its SO_DOMAIN, SO_TYPE and SO_PROTOCOL
 * choose the rules, so a racing dup2() over the fd number changes nothing
 * once the duplicate is held.  The destination is checked on the copy and
 * the call made with the copy: the kernel never re-reads the stage's
 * memory.  A pathname UNIX destination is opened O_PATH beneath a write
 * rule and reached through /proc/self/fd/N, that very inode.  Nothing is
 * answered with CONTINUE; any failure is a denial.
 *
 * A call that may block (connect on a blocking socket, or a send that
 * would block) runs in a thread of the supervisor, which answers it when
 * the kernel returns; the stage's thread waits as it would in the call.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "netmed.h"
#include "wutil.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD	O_EXCL
#endif
#define MAX_DATA	(256U << 10)	/* bytes one send carries */
#define MAX_TOTAL	(1U << 20)	/* bytes one sendmmsg carries */
#define MAX_IOV		1024
#define MAX_CTRL	4096
#define MAX_MMSG	64
#define MAX_THREADS	32
#define MAX_QUEUE	256
#define MAX_FDS		253		/* SCM_MAX_FD */

/* One message to send, or the address to connect to. */
struct one {
	struct sockaddr_storage name;
	socklen_t namelen;		/* 0: none */
	int target;			/* O_PATH fd of a UNIX target, or -1 */
	uint8_t *data;
	size_t len;
	uint8_t *ctrl;
	size_t ctrllen;
	int fds[MAX_FDS];		/* the stage's fds SCM_RIGHTS carries */
	int nfds;
	uint64_t lenaddr;		/* sendmmsg: where msg_len goes */
};

struct job {
	int nr;
	uint32_t tid;
	uint64_t id;
	int listener;
	int mem;			/* /proc/TID/mem */
	uint64_t sockarg;		/* the stage's fd number */
	int sock;			/* our duplicate of the stage's socket */
	int domain, type, proto;
	bool nonblock;
	int flags;			/* of the send */
	struct one *m;
	size_t nm;
};

int
net_add_rule(struct net_rules *nr, const struct pol_net_rule *r)
{
	struct pol_net_rule *v;

	if ((v = reallocarray(nr->r, nr->n + 1, sizeof(*v))) == NULL)
		return -1;
	nr->r = v;
	v[nr->n] = *r;
	v[nr->n++].host = NULL;
	return 0;
}

void
net_rules_free(struct net_rules *nr)
{
	free(nr->r);
	nr->r = NULL;
	nr->n = 0;
}

bool
net_allowed(const struct net_rules *nr, uint32_t proto, int family,
    const uint8_t *addr, uint16_t port)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };
	const struct pol_net_rule *r;
	size_t i;

	if (family == AF_INET6 && memcmp(addr, mapped, 12) == 0) {
		family = AF_INET;
		addr += 12;
	}
	for (i = 0; i < nr->n; i++) {
		r = &nr->r[i];
		if ((r->proto & proto) && pol_net_addr_in(r, family, addr) &&
		    (proto == POL_NET_ICMP || r->any_port ||
		    pol_net_port_in(r, port)))
			return !nr->deny;
	}
	return nr->deny;
}

static void
one_free(struct one *o)
{
	int i;

	sl_close(o->target);
	for (i = 0; i < o->nfds; i++)
		sl_close(o->fds[i]);
	free(o->data);
	free(o->ctrl);
}

static void
job_free(struct job *j)
{
	size_t i;

	for (i = 0; i < j->nm; i++)
		one_free(&j->m[i]);
	free(j->m);
	sl_close(j->sock);
	sl_close(j->mem);
	sl_close(j->listener);
	free(j);
}

static int
rd(struct job *j, uint64_t addr, void *buf, size_t len)
{
	return med_mem_read(j->mem, j->listener, j->id, addr, buf, len);
}

/* The stage's fd fd, as ours; -errno. */
static int
stage_fd(uint32_t tid, int fd)
{
	int pidfd, r;

	if ((pidfd = (int)syscall(SYS_pidfd_open, tid, PIDFD_THREAD)) < 0)
		return -EPERM;
	r = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	r = r < 0 ? -errno : r;
	sl_close(pidfd);
	return r;
}

static int
get_sock(struct job *j, uint64_t fd)
{
	socklen_t l = sizeof(int);
	int fl;

	if ((int64_t)(int)fd != (int64_t)fd || (int)fd < 0)
		return -EBADF;
	if ((j->sock = stage_fd(j->tid, (int)fd)) < 0)
		return j->sock;
	if (getsockopt(j->sock, SOL_SOCKET, SO_DOMAIN, &j->domain, &l) < 0)
		return errno == ENOTSOCK ? -ENOTSOCK : -EACCES;
	l = sizeof(int);
	if (getsockopt(j->sock, SOL_SOCKET, SO_TYPE, &j->type, &l) < 0)
		return -EACCES;
	l = sizeof(int);
	if (getsockopt(j->sock, SOL_SOCKET, SO_PROTOCOL, &j->proto, &l) < 0)
		return -EACCES;
	if ((fl = fcntl(j->sock, F_GETFL)) < 0)
		return -EACCES;
	j->nonblock = (fl & O_NONBLOCK) != 0;
	return 0;
}

/* The rule protocol of an INET socket, or 0. */
static uint32_t
rule_proto(const struct job *j)
{
	if (j->type == SOCK_STREAM && j->proto == IPPROTO_TCP)
		return POL_NET_TCP;
	if (j->type == SOCK_DGRAM && j->proto == IPPROTO_UDP)
		return POL_NET_UDP;
	if (j->type == SOCK_DGRAM && (j->proto == IPPROTO_ICMP ||
	    j->proto == IPPROTO_ICMPV6))
		return POL_NET_ICMP;
	return 0;
}

/* An INET or INET6 destination, checked against the rules. */
static int
check_inet(const struct net_rules *nr, const struct job *j,
    const struct one *o)
{
	const struct sockaddr_in *v4 = (const void *)&o->name;
	const struct sockaddr_in6 *v6 = (const void *)&o->name;
	uint32_t proto = rule_proto(j);

	if (proto == 0)
		return -EACCES;
	if (o->name.ss_family == AF_INET) {
		if (o->namelen < sizeof(*v4))
			return -EINVAL;
		return net_allowed(nr, proto, AF_INET, (const uint8_t *)
		    &v4->sin_addr, ntohs(v4->sin_port)) ? 0 : -EACCES;
	}
	if (o->name.ss_family == AF_INET6 && j->domain == AF_INET6) {
		if (o->namelen < 24)		/* SIN6_LEN_RFC2133 */
			return -EINVAL;
		return net_allowed(nr, proto, AF_INET6, (const uint8_t *)
		    &v6->sin6_addr, ntohs(v6->sin6_port)) ? 0 : -EACCES;
	}
	return -EAFNOSUPPORT;
}

/*
 * A pathname UNIX destination beneath a write rule, rewritten to
 * /proc/self/fd/N of the inode checked.  Abstract names are refused: the
 * supervisor is outside the stage's Landlock scope and cannot tell.
 */
static int
check_unix(const struct net_rules *nr, const struct med_rules *mr,
    const struct job *j, struct one *o)
{
	struct sockaddr_un *un = (void *)&o->name;
	struct seccomp_notif who;
	char path[sizeof(un->sun_path) + 1];
	size_t n;
	int t;

	if (o->namelen <= offsetof(struct sockaddr_un, sun_path))
		return -EINVAL;
	if (un->sun_path[0] == '\0' || !nr->unix_ok)
		return -EACCES;
	n = o->namelen - offsetof(struct sockaddr_un, sun_path);
	memcpy(path, un->sun_path, n);
	path[n] = '\0';
	memset(&who, 0, sizeof(who));
	who.pid = j->tid;
	if ((t = med_open_beneath(mr, &who, path)) < 0)
		return t;
	o->target = t;
	memset(un, 0, sizeof(*un));
	un->sun_family = AF_UNIX;
	(void)snprintf(un->sun_path, sizeof(un->sun_path), "/proc/self/fd/%d",
	    o->target);
	o->namelen = (socklen_t)SUN_LEN(un);
	return 0;
}

/* Checks o's destination (namelen 0: the connected peer, always fine). */
static int
check_dest(const struct net_rules *nr, const struct med_rules *mr,
    const struct job *j, struct one *o)
{
	if (o->namelen == 0)
		return 0;
	if (o->namelen < sizeof(sa_family_t))
		return -EINVAL;
	/* Stream sockets ignore a send's address (MSG_FASTOPEN is denied by
	 * the broker's filter and here); the kernel decides. */
	if (j->nr != 42 && (j->type == SOCK_STREAM ||
	    j->type == SOCK_SEQPACKET))
		return 0;
	/* connect(AF_UNSPEC) dissolves an association: no destination. */
	if (j->nr == 42 && o->name.ss_family == AF_UNSPEC)
		return 0;
	if (j->domain == AF_UNIX)
		return o->name.ss_family == AF_UNIX ? check_unix(nr, mr, j, o) :
		    -EINVAL;
	if (j->domain == AF_INET || j->domain == AF_INET6)
		return check_inet(nr, j, o);
	return -EACCES;
}

static int
read_name(struct job *j, struct one *o, uint64_t addr, uint64_t len)
{
	if (addr == 0)
		return 0;
	if (len > sizeof(o->name))
		return -EINVAL;
	o->namelen = (socklen_t)len;
	return rd(j, addr, &o->name, (size_t)len);
}

/* Gathers an iovec array of the stage into one buffer (at most max). */
static int
read_iov(struct job *j, struct one *o, uint64_t iov, uint64_t niov,
    size_t max)
{
	struct iovec *v;
	size_t i, want = 0, n;
	int r = 0;

	if (niov > MAX_IOV)
		return -EMSGSIZE;
	if (niov == 0)
		return 0;
	if ((v = calloc((size_t)niov, sizeof(*v))) == NULL)
		return -ENOMEM;
	if ((r = rd(j, iov, v, (size_t)niov * sizeof(*v))) == 0) {
		for (i = 0; i < niov; i++)
			want += v[i].iov_len < max ? v[i].iov_len : max;
		if (want > max && j->type != SOCK_STREAM)
			r = -EMSGSIZE;
		else if ((o->data = malloc(want < max ? want + 1 : max)) ==
		    NULL)
			r = -ENOMEM;
		for (i = 0; r == 0 && i < niov && o->len < max; i++) {
			n = v[i].iov_len;
			if (n > max - o->len)
				n = max - o->len;
			r = rd(j, (uint64_t)(uintptr_t)v[i].iov_base,
			    o->data + o->len, n);
			o->len += n;
		}
	}
	free(v);
	return r;
}

/* Control messages: the stage's SCM_RIGHTS fds become ours. */
static int
read_ctrl(struct job *j, struct one *o, uint64_t addr, uint64_t len)
{
	struct msghdr mh;
	struct cmsghdr *c;
	int *fd, k, n, r;

	if (addr == 0 || len == 0)
		return 0;
	if (len > MAX_CTRL)
		return -ENOBUFS;
	if ((o->ctrl = malloc((size_t)len)) == NULL)
		return -ENOMEM;
	o->ctrllen = (size_t)len;
	if ((r = rd(j, addr, o->ctrl, (size_t)len)) < 0)
		return r;
	memset(&mh, 0, sizeof(mh));
	mh.msg_control = o->ctrl;
	mh.msg_controllen = o->ctrllen;
	for (c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_len < CMSG_LEN(0) ||
		    c->cmsg_len > o->ctrllen - (size_t)((uint8_t *)c - o->ctrl))
			return -EINVAL;
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			n = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
			fd = (int *)(void *)CMSG_DATA(c);
			for (k = 0; k < n; k++) {
				if (o->nfds >= MAX_FDS)
					return -EINVAL;
				if ((r = stage_fd(j->tid, fd[k])) < 0)
					return r == -EBADF ? -EBADF : -EACCES;
				o->fds[o->nfds++] = fd[k] = r;
			}
		} else if (c->cmsg_level == SOL_SOCKET)
			/* SCM_CREDENTIALS would carry the supervisor's pid */
			return -EPERM;
		else if (c->cmsg_level != IPPROTO_IP &&
		    c->cmsg_level != IPPROTO_IPV6 &&
		    c->cmsg_level != IPPROTO_UDP)
			return -EINVAL;
	}
	return 0;
}

/* A struct msghdr of the stage: name, data, control. */
static int
read_msghdr(struct job *j, struct one *o, uint64_t addr, size_t max)
{
	struct msghdr mh;
	int r;

	if ((r = rd(j, addr, &mh, sizeof(mh))) < 0 ||
	    (r = read_name(j, o, (uint64_t)(uintptr_t)mh.msg_name,
	    mh.msg_namelen)) < 0 ||
	    (r = read_iov(j, o, (uint64_t)(uintptr_t)mh.msg_iov, mh.msg_iovlen,
	    max)) < 0)
		return r;
	return read_ctrl(j, o, (uint64_t)(uintptr_t)mh.msg_control,
	    mh.msg_controllen);
}

static struct one *
add_one(struct job *j)
{
	struct one *o = &j->m[j->nm++];

	memset(o, 0, sizeof(*o));
	o->target = -1;
	return o;
}

/* Copies the call's arguments into j; -errno. */
static int
prepare(struct job *j, const uint64_t *a, const struct net_rules *nr,
    const struct med_rules *mr)
{
	uint64_t vlen = 1, i, total = 0;
	struct one *o;
	int r;

	if (j->nr == 307)
		vlen = a[2] < MAX_MMSG ? a[2] : MAX_MMSG;
	if (vlen == 0)
		return 0;
	if ((j->m = calloc((size_t)vlen, sizeof(*j->m))) == NULL)
		return -ENOMEM;
	if (j->nr != 42)
		j->flags = (int)(j->nr == 46 ? a[2] : a[3]);
	if (j->nr != 42 && (j->flags & MSG_FASTOPEN))
		return -EOPNOTSUPP;
	for (i = 0; i < vlen; i++) {
		o = add_one(j);
		switch (j->nr) {
		case 42:	/* connect(fd, addr, len) */
			r = read_name(j, o, a[1], a[2]);
			if (r == 0 && o->namelen == 0)
				r = -EFAULT;
			break;
		case 44:	/* sendto(fd, buf, len, flags, addr, alen) */
			if ((r = read_name(j, o, a[4], a[5])) == 0 &&
			    a[2] > MAX_DATA && j->type != SOCK_STREAM)
				r = -EMSGSIZE;
			o->len = a[2] < MAX_DATA ? (size_t)a[2] : MAX_DATA;
			if (r == 0 && (o->data = malloc(o->len + 1)) == NULL)
				r = -ENOMEM;
			if (r == 0)
				r = rd(j, a[1], o->data, o->len);
			break;
		default:	/* sendmsg(fd, msg, flags), sendmmsg */
			r = read_msghdr(j, o, j->nr == 46 ? a[1] : a[1] +
			    i * sizeof(struct mmsghdr), MAX_DATA);
			o->lenaddr = a[1] + i * sizeof(struct mmsghdr) +
			    offsetof(struct mmsghdr, msg_len);
			break;
		}
		if (r == 0)
			r = check_dest(nr, mr, j, o);
		total += o->len;
		if (r < 0 || (j->nr == 307 && total > MAX_TOTAL)) {
			if (i == 0)
				return r < 0 ? r : -EMSGSIZE;
			one_free(o);	/* sendmmsg: send what came before */
			j->nm--;
			break;
		}
	}
	return 0;
}

static ssize_t
send_one(struct job *j, const struct one *o, int flags)
{
	struct iovec v = { o->data, o->len };
	struct msghdr mh;

	memset(&mh, 0, sizeof(mh));
	mh.msg_name = o->namelen > 0 ? (void *)(uintptr_t)&o->name : NULL;
	mh.msg_namelen = o->namelen;
	mh.msg_iov = &v;
	mh.msg_iovlen = 1;
	mh.msg_control = o->ctrl;
	mh.msg_controllen = o->ctrllen;
	return sendmsg(j->sock, &mh, flags | MSG_NOSIGNAL);
}

/* Performs the call; dontwait: no blocking.  The answer, or -errno. */
static int64_t
perform(struct job *j, bool dontwait)
{
	unsigned int len;
	ssize_t n;
	size_t i;

	if (j->nr == 42)
		return connect(j->sock, (struct sockaddr *)&j->m[0].name,
		    j->m[0].namelen) < 0 ? -errno : 0;
	for (i = 0; i < j->nm; i++) {
		n = send_one(j, &j->m[i], j->flags |
		    (dontwait ? MSG_DONTWAIT : 0));
		if (n < 0)
			return i > 0 ? (int64_t)i : -errno;
		if (j->nr != 307)
			return n;
		len = (unsigned int)n;
		if (pwrite(j->mem, &len, sizeof(len), (off_t)j->m[i].lenaddr)
		    != (ssize_t)sizeof(len))
			return i > 0 ? (int64_t)i : -EFAULT;
	}
	return (int64_t)j->nm;
}

/* An EPIPE raises SIGPIPE in the caller unless it asked otherwise. */
static void
answer(struct job *j, int64_t v, struct seccomp_notif_resp *r)
{
	int pfd;

	if (v == -EPIPE && j->nr != 42 && !(j->flags & MSG_NOSIGNAL) &&
	    (pfd = (int)syscall(SYS_pidfd_open, j->tid, PIDFD_THREAD)) >= 0) {
		(void)syscall(SYS_pidfd_send_signal, pfd, SIGPIPE, NULL, 0);
		sl_close(pfd);
	}
	if (v < 0)
		r->error = (int32_t)v;
	else {
		r->error = 0;
		r->val = v;
	}
}

/*
 * Workers for calls that block: created on demand, at most MAX_THREADS,
 * kept idle for the next one.  With every worker busy (in calls that may
 * block for long, such as connects to a silent host) a job waits its turn
 * in a FIFO of MAX_QUEUE; beyond that the answer is EAGAIN.
 */
static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t qcond = PTHREAD_COND_INITIALIZER;
static struct job *queue[MAX_QUEUE];
static unsigned qhead, qlen;
static int nworkers, nidle;

static void
run_job(struct job *j)
{
	struct seccomp_notif_resp r;

	memset(&r, 0, sizeof(r));
	r.id = j->id;
	answer(j, perform(j, false), &r);
	/* ENOENT: the caller died or was killed meanwhile. */
	(void)ioctl(j->listener, SECCOMP_IOCTL_NOTIF_SEND, &r);
	job_free(j);
}

static void *
worker(void *arg)
{
	struct job *j;

	(void)arg;
	for (;;) {
		(void)pthread_mutex_lock(&qlock);
		nidle++;
		while (qlen == 0)
			(void)pthread_cond_wait(&qcond, &qlock);
		nidle--;
		j = queue[qhead];
		qhead = (qhead + 1) % MAX_QUEUE;
		qlen--;
		(void)pthread_mutex_unlock(&qlock);
		run_job(j);
	}
	return NULL;
}

/* Hands j to a worker: 0, or -EAGAIN with j still ours. */
static int
spawn(struct job *j)
{
	pthread_attr_t at;
	pthread_t t;
	int r = 0;

	(void)pthread_mutex_lock(&qlock);
	if (nidle <= (int)qlen && nworkers < MAX_THREADS &&
	    pthread_attr_init(&at) == 0) {
		(void)pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
		(void)pthread_attr_setstacksize(&at, 64 << 10);
		if (pthread_create(&t, &at, worker, NULL) == 0)
			nworkers++;
		(void)pthread_attr_destroy(&at);
	}
	if (nworkers == 0 || qlen >= MAX_QUEUE)
		r = -EAGAIN;
	else {
		queue[(qhead + qlen++) % MAX_QUEUE] = j;
		(void)pthread_cond_signal(&qcond);
	}
	(void)pthread_mutex_unlock(&qlock);
	return r;
}

/*
 * listen(2): on an unbound TCP socket it binds an ephemeral port, which
 * Landlock never checks: refused unless ephemeral binds are allowed.  The
 * listen is made on the duplicate that was checked.  No memory is read.
 */
static int
do_listen(const struct net_rules *nr, struct job *j, uint64_t backlog)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int e;

	if ((e = get_sock(j, j->sockarg)) < 0)
		return e;
	if ((j->domain == AF_INET || j->domain == AF_INET6) && !nr->ephemeral_ok) {
		if (getsockname(j->sock, (struct sockaddr *)&ss, &len) < 0)
			return -EACCES;
		if (((struct sockaddr_in *)(void *)&ss)->sin_port == 0)
			return -EACCES;		/* same offset in sockaddr_in6 */
	}
	return listen(j->sock, (int)backlog) < 0 ? -errno : 0;
}

int
net_handle(const struct net_rules *nr, const struct med_rules *mr,
    int listener, const struct seccomp_notif *n,
    struct seccomp_notif_resp *r)
{
	static const int nrs[] = NET_NOTIFY;
	struct job *j;
	int64_t v;
	size_t i;
	int e;

	for (i = 0; i < SL_NITEMS(nrs); i++)
		if (n->data.nr == nrs[i])
			break;
	if (i == SL_NITEMS(nrs))
		return 0;
	if ((j = calloc(1, sizeof(*j))) == NULL) {
		r->error = -ENOMEM;
		return 1;
	}
	j->nr = n->data.nr;
	j->tid = n->pid;
	j->id = n->id;
	j->sock = j->mem = j->listener = -1;
	j->sockarg = n->data.args[0];
	if (j->nr == 50) {
		r->error = do_listen(nr, j, n->data.args[1]);
		job_free(j);
		return 1;
	}
	/* Unreadable (non-dumpable stage): denied, never waved through. */
	j->mem = med_mem_open(n->pid, j->nr == 307 ? O_RDWR : O_RDONLY);
	j->listener = fcntl(listener, F_DUPFD_CLOEXEC, 0);
	if (j->mem < 0 || j->listener < 0)
		e = -EPERM;
	else if ((e = get_sock(j, j->sockarg)) == 0)
		e = prepare(j, (const uint64_t *)n->data.args, nr, mr);
	if (e < 0 || j->nm == 0) {
		r->error = e;
		job_free(j);
		return 1;
	}
	/* Try without blocking; a blocking caller that would block waits
	 * in a thread.  connect cannot be tried: a blocking one waits. */
	v = j->nr == 42 && !j->nonblock ? -EAGAIN : perform(j, true);
	if (v == -EAGAIN && !j->nonblock && !(j->flags & MSG_DONTWAIT) &&
	    (e = spawn(j)) == 0)
		return 2;
	answer(j, v == -EAGAIN && e < 0 ? e : v, r);
	job_free(j);
	return 1;
}
