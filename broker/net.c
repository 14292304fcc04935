/*
 * net.c: a stage's socket filter, hand-written BPF built from its NET
 * flags.  socket(2) and socketpair(2) pass only for the rows below (UNIX
 * stream and seqpacket always, unless TCP connects go straight to
 * Landlock, which does not see pathname UNIX sockets); everything else,
 * MPTCP, SCTP, raw and packet sockets, netlink, vsock included, is EACCES.
 * MSG_FASTOPEN and TCP_FASTOPEN_CONNECT, which reach a TCP port without
 * connect(2), are EOPNOTSUPP.  A connect or addressed sendto that the
 * supervisor does not mediate is EACCES, unless TCP is allowed (Landlock
 * decides); so is an unmediated listen without a bind rule.  Arguments are int in the kernel: only low halves are read,
 * except the sendto address pointer.  The notify filter is built here too.
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "broker.h"
#include "compat/seccomp.h"

#define ANY		0xffffffffU
#define ARG(i)		((uint32_t)offsetof(struct seccomp_data, args[i]))
#define NR		((uint32_t)offsetof(struct seccomp_data, nr))
#define MAX_INSNS	256
#define TFO_CONNECT	30		/* TCP_FASTOPEN_CONNECT */

struct prog {
	struct sock_filter f[MAX_INSNS];
	unsigned n;
};

/* Who may create which socket: {NET flag or 0, domain, type, protocol,
 * or this one}. */
static const uint32_t rows[][5] = {
	{ 0, AF_UNIX, SOCK_STREAM, ANY, ANY },
	{ 0, AF_UNIX, SOCK_SEQPACKET, ANY, ANY },
	{ SL_NET_UNIX_DGRAM, AF_UNIX, SOCK_DGRAM, ANY, ANY },
	{ SL_NET_TCP, AF_INET, SOCK_STREAM, 0, IPPROTO_TCP },
	{ SL_NET_TCP, AF_INET6, SOCK_STREAM, 0, IPPROTO_TCP },
	{ SL_NET_UDP, AF_INET, SOCK_DGRAM, 0, IPPROTO_UDP },
	{ SL_NET_UDP, AF_INET6, SOCK_DGRAM, 0, IPPROTO_UDP },
	{ SL_NET_ICMP, AF_INET, SOCK_DGRAM, IPPROTO_ICMP, IPPROTO_ICMP },
	{ SL_NET_ICMP, AF_INET6, SOCK_DGRAM, IPPROTO_ICMPV6, IPPROTO_ICMPV6 },
};

static void
ins(struct prog *p, uint16_t code, uint32_t k, uint8_t jt, uint8_t jf)
{
	if (p->n < MAX_INSNS)
		p->f[p->n] = (struct sock_filter){ code, jt, jf, k };
	p->n++;
}

#define LD(p, off)	ins(p, BPF_LD | BPF_W | BPF_ABS, off, 0, 0)
#define JEQ(p, k)	ins(p, BPF_JMP | BPF_JEQ | BPF_K, k, 0, 0)
#define JNE(p, k, n)	ins(p, BPF_JMP | BPF_JEQ | BPF_K, k, 0, n)
#define RET(p, k)	ins(p, BPF_RET | BPF_K, k, 0, 0)
#define DENY(e)		(SECCOMP_RET_ERRNO | (e))

/*
 * Points the false branch of every JEQ from 'from' on at the next
 * instruction, but for a JEQ whose true branch jumps (one of two values).
 */
static void
join(struct prog *p, unsigned from)
{
	for (; from < p->n && from < MAX_INSNS; from++)
		if (p->f[from].code == (BPF_JMP | BPF_JEQ | BPF_K) &&
		    p->f[from].jt == 0)
			p->f[from].jf = (uint8_t)(p->n - from - 1);
}

/* socket(2) (pair 0) or socketpair(2) (pair 1): the allowed rows. */
static void
sockets(struct prog *p, uint32_t flags, int unix_ok, int pair)
{
	unsigned at = p->n, row, i;

	LD(p, NR);
	JEQ(p, pair ? SYS_socketpair : SYS_socket);
	for (i = 0; i < SL_NITEMS(rows); i++) {
		if ((rows[i][0] != 0 && !(flags & rows[i][0])) ||
		    (rows[i][1] == AF_UNIX ? !unix_ok && !pair : pair))
			continue;
		row = p->n;
		LD(p, ARG(0));
		JEQ(p, rows[i][1]);
		LD(p, ARG(1));
		ins(p, BPF_ALU | BPF_AND | BPF_K, 0xf, 0, 0);	/* type */
		JEQ(p, rows[i][2]);
		if (rows[i][3] != ANY) {
			LD(p, ARG(2));
			ins(p, BPF_JMP | BPF_JEQ | BPF_K, rows[i][3], 1, 0);
			JEQ(p, rows[i][4]);
		}
		RET(p, SECCOMP_RET_ALLOW);
		join(p, row);
	}
	RET(p, DENY(EACCES));
	if (p->n < MAX_INSNS)
		p->f[at + 1].jf = (uint8_t)(p->n - at - 2);
}

/* nr with MSG_FASTOPEN in argument arg: EOPNOTSUPP. */
static void
no_fastopen(struct prog *p, int nr, uint32_t arg)
{
	LD(p, NR);
	JNE(p, (uint32_t)nr, 3);
	LD(p, ARG(arg));
	ins(p, BPF_JMP | BPF_JSET | BPF_K, MSG_FASTOPEN, 0, 1);
	RET(p, DENY(EOPNOTSUPP));
}

static int
load(struct prog *p, unsigned int flags)
{
	struct sock_fprog fp;

	if (p->n > MAX_INSNS) {
		errno = E2BIG;
		return -1;
	}
	fp.len = (unsigned short)p->n;
	fp.filter = p->f;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &fp);
}

int
net_load(const struct stage *st)
{
	int med = sc_notified(st, SYS_connect), unix_ok, tcp;
	struct prog p;
	unsigned at;

	tcp = (st->netflags & SL_NET_TCP) != 0;
	unix_ok = med || !tcp;
	p.n = 0;
	sockets(&p, st->netflags, unix_ok, 0);
	sockets(&p, st->netflags, unix_ok, 1);
	no_fastopen(&p, SYS_sendto, 3);
	no_fastopen(&p, SYS_sendmsg, 2);
	no_fastopen(&p, SYS_sendmmsg, 3);
	/* setsockopt(fd, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, ...) */
	at = p.n;
	LD(&p, NR);
	JEQ(&p, SYS_setsockopt);
	LD(&p, ARG(1));
	JEQ(&p, IPPROTO_TCP);
	LD(&p, ARG(2));
	JEQ(&p, TFO_CONNECT);
	RET(&p, DENY(EOPNOTSUPP));
	join(&p, at);
	if (!med && !tcp) {
		LD(&p, NR);
		JNE(&p, SYS_connect, 1);
		RET(&p, DENY(EACCES));
	}
	/* listen(2) on an unbound TCP socket binds an ephemeral port that
	 * Landlock never sees; unmediated, only UNIX-less TCP stages get
	 * here: no bind rule, no listen. */
	if (!med && tcp && !st->bind_ok) {
		LD(&p, NR);
		JNE(&p, SYS_listen, 1);
		RET(&p, DENY(EACCES));
	}
	if (!sc_notified(st, SYS_sendto)) {	/* sendto with an address */
		LD(&p, NR);
		JNE(&p, SYS_sendto, 5);
		LD(&p, ARG(4));
		JNE(&p, 0, 2);
		LD(&p, ARG(4) + 4);
		ins(&p, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0);
		RET(&p, DENY(EACCES));
	}
	RET(&p, SECCOMP_RET_ALLOW);
	return load(&p, 0);
}

/*
 * The notify filter: each listed syscall goes to the supervisor.  It runs
 * beside the other filters, whose denials (ERRNO) take precedence over
 * USER_NOTIF, so an extra denial of a notified call still holds.  sendto
 * is notified only with an address: send(2) reaches the connected peer.
 */
int
sc_load_notify(const uint32_t *nrs, uint32_t n)
{
	struct prog p;
	uint32_t i;

	p.n = 0;
	LD(&p, NR);
	for (i = 0; i < n && i < SL_MAX_NOTIFY; i++) {
		if (nrs[i] == SYS_sendto) {
			JNE(&p, nrs[i], 6);
			LD(&p, ARG(4));
			JNE(&p, 0, 3);
			LD(&p, ARG(4) + 4);
			JNE(&p, 0, 1);
			RET(&p, SECCOMP_RET_ALLOW);
		} else
			JNE(&p, nrs[i], 1);
		RET(&p, SECCOMP_RET_USER_NOTIF);
	}
	RET(&p, SECCOMP_RET_ALLOW);
	return load(&p, SECCOMP_FILTER_FLAG_NEW_LISTENER |
	    SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV);
}
