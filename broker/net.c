/*
 * net.c: the socket rules of a stage's filter, hand-written BPF from its
 * NET flags, one block per call (seccomp.c puts them in the stage filter).
 * socket(2) and socketpair(2) pass only for the rows below (UNIX
 * stream and seqpacket always, unless TCP connects go straight to
 * Landlock, which does not see pathname UNIX sockets); everything else,
 * MPTCP, SCTP, raw and packet sockets, netlink, vsock included, is EACCES.
 * MSG_FASTOPEN and TCP_FASTOPEN_CONNECT, which reach a TCP port without
 * connect(2), are EOPNOTSUPP.  A connect or addressed sendto that the
 * supervisor does not mediate is EACCES, unless TCP is allowed (Landlock
 * decides); so is an unmediated listen without a bind rule.  Arguments
 * are int in the kernel: only low halves are read, except the sendto
 * address pointer.  The notify filter is built here too.
 */
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bpf.h"
#include "broker.h"
#include "compat/seccomp.h"

#define ANY		0xffffffffU
#define TFO_CONNECT	30		/* TCP_FASTOPEN_CONNECT */

const uint32_t net_calls[NET_NCALLS] = {
	SYS_socket, SYS_socketpair, SYS_sendto, SYS_sendmsg, SYS_sendmmsg,
	SYS_setsockopt, SYS_connect, SYS_listen,
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

/*
 * Points the false branch of every JEQ from 'from' on at the next
 * instruction, but for a JEQ whose true branch jumps (one of two values).
 */
static void
join(struct prog *p, unsigned from)
{
	for (; from < p->n && from < SL_BPF_MAX; from++)
		if (p->f[from].code == (BPF_JMP | BPF_JEQ | BPF_K) &&
		    p->f[from].jt == 0)
			p->f[from].jf = (uint8_t)(p->n - from - 1);
}

/* socket(2) (pair 0) or socketpair(2) (pair 1): the allowed rows. */
static void
sockets(struct prog *p, uint32_t flags, int unix_ok, int pair)
{
	unsigned row, i;

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
}

/* MSG_FASTOPEN in argument arg: EOPNOTSUPP. */
static void
no_fastopen(struct prog *p, uint32_t arg)
{
	LD(p, ARG(arg));
	ins(p, BPF_JMP | BPF_JSET | BPF_K, MSG_FASTOPEN, 0, 1);
	RET(p, DENY(EOPNOTSUPP));
}

void
net_block(struct prog *p, const struct stage *st, uint32_t nr)
{
	int med = sc_notified(st, SYS_connect), tcp;

	tcp = (st->netflags & SL_NET_TCP) != 0;
	switch (nr) {
	case SYS_socket:
	case SYS_socketpair:
		sockets(p, st->netflags, med || !tcp, nr == SYS_socketpair);
		return;
	case SYS_sendto:
		no_fastopen(p, 3);
		if (!sc_notified(st, SYS_sendto)) {	/* with an address */
			LD(p, ARG(4));
			JNE(p, 0, 2);
			LD(p, ARG(4) + 4);
			ins(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0);
			RET(p, DENY(EACCES));
		}
		break;
	case SYS_sendmsg:
		no_fastopen(p, 2);
		break;
	case SYS_sendmmsg:
		no_fastopen(p, 3);
		break;
	case SYS_setsockopt:	/* (fd, IPPROTO_TCP, TCP_FASTOPEN_CONNECT) */
		LD(p, ARG(1));
		JNE(p, IPPROTO_TCP, 3);
		LD(p, ARG(2));
		JNE(p, TFO_CONNECT, 1);
		RET(p, DENY(EOPNOTSUPP));
		break;
	case SYS_connect:
		if (!med && !tcp)
			RET(p, DENY(EACCES));
		break;
	/* listen(2) on an unbound TCP socket binds an ephemeral port that
	 * Landlock never sees; unmediated, only UNIX-less TCP stages get
	 * here: no bind rule, no listen. */
	case SYS_listen:
		if (!med && tcp && !st->bind_ok)
			RET(p, DENY(EACCES));
		break;
	default:
		break;
	}
	RET(p, SECCOMP_RET_ALLOW);
}

int
bpf_load(const struct prog *p, unsigned int flags)
{
	struct sock_fprog fp;

	if (p->n > SL_BPF_MAX) {
		errno = E2BIG;
		return -1;
	}
	fp.len = (unsigned short)p->n;
	fp.filter = (struct sock_filter *)(uintptr_t)p->f;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &fp);
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
	static struct prog p;
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
	return bpf_load(&p, SECCOMP_FILTER_FLAG_NEW_LISTENER |
	    SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV);
}
