/*
 * proto.h: the single definition of every message between the planner
 * (sandlock, libsandlock) and the broker (sandlock-broker).
 *
 * Transport: one AF_UNIX SOCK_SEQPACKET socketpair, one datagram per message,
 * fds as SCM_RIGHTS.  Every message starts with struct msg_hdr; hdr.len
 * counts the whole datagram.  Requests have even types, answers odd ones;
 * type 0 is never valid.  Wire structs hold only uint*_t/int32_t fields,
 * reserved fields ("zero") must be 0 and unknown flag bits must be 0.
 *
 * Strings travel as u32 length + bytes, with no NUL inside and none at the
 * end.  All integers are in host byte order (both ends are one machine).
 *
 * A stage is built in one slot: BEGIN, then any number of PATH, FD and STRS,
 * then EXEC, which forks, confines and execs it and answers EXEC_ANS.  When
 * the stage's first process exits the broker kills what is left of its
 * process group, reaps it and sends EXIT.  KILL signals a running stage's
 * group.  Anything else, in any state, is a protocol violation: the broker
 * kills every stage it started and exits with BRK_EXIT_PROTO.
 */
#ifndef SL_PROTO_H
#define SL_PROTO_H

#include <stdint.h>

#define SL_PROTO_VERSION	1

#define MSG_MAX		65536		/* whole datagram, header included */
#define MSG_MAXFDS	4
#define MSG_HDRSZ	((uint32_t)sizeof(struct msg_hdr))
#define MSG_BODY_MAX	(MSG_MAX - MSG_HDRSZ)

/* Limits the broker enforces on each stage. */
#define SL_MAX_STAGES	64		/* slots in one broker */
#define SL_MAX_TARGETS	64		/* fds 0..63 in a stage */
#define SL_MAX_RULES	4096		/* PATH messages per stage */
#define SL_MAX_STRS	65536		/* argv + env entries per stage */
#define SL_MAX_STRBYTES	(2U << 20)	/* argv + env bytes per stage */
#define SL_MAX_STRLEN	(128U << 10)	/* one string (MAX_ARG_STRLEN) */
#define SL_MAX_DENY	512		/* extra denied syscalls per stage */
#define SL_MAX_NOTIFY	32		/* syscalls sent to the supervisor */
#define SL_MAX_PORTS	4096		/* Landlock port rules per stage */

/* Exit statuses of sandlock-broker itself. */
#define BRK_EXIT_OK	0
#define BRK_EXIT_USAGE	2		/* not started by a planner */
#define BRK_EXIT_SETUP	3		/* its own confinement failed */
#define BRK_EXIT_PROTO	111		/* protocol violation */
#define BRK_FD		3		/* where the planner puts the socket */

enum msg_type {
	MSG_NONE = 0,
	MSG_HELLO = 2,		MSG_HELLO_ANS = 3,
	MSG_STAGE_BEGIN = 4,
	MSG_STAGE_PATH = 6,		/* + 1 fd (O_PATH) */
	MSG_STAGE_FD = 8,		/* + 1 fd (stdio or extra) */
	MSG_STAGE_STRS = 10,
	MSG_STAGE_EXEC = 12,	MSG_STAGE_EXEC_ANS = 13,	/* + 1 fd (cwd) */
	MSG_STAGE_KILL = 14,
	MSG_STAGE_EXIT = 15,		/* unsolicited, broker -> planner */
	MSG_STAGE_LIMITS = 16,
	MSG_STAGE_NOTIFY = 18,		/* EXEC_ANS then carries 1 fd */
	MSG_STAGE_NET = 20,
	MSG_TYPE_END = 21
};

struct msg_hdr {
	uint32_t type;
	uint32_t len;		/* whole datagram */
	uint32_t seq;		/* answers echo the request's */
	uint32_t nfds;		/* SCM_RIGHTS fds carried */
};
_Static_assert(sizeof(struct msg_hdr) == 16, "wire layout");

struct m_hello {
	uint32_t version;	/* SL_PROTO_VERSION */
	uint32_t zero;
};
_Static_assert(sizeof(struct m_hello) == 8, "wire layout");

struct m_hello_ans {
	uint32_t version;
	uint32_t ll_abi;	/* Landlock ABI of this kernel, 0 = none */
	uint32_t pid;		/* the broker's */
	uint32_t zero;
};
_Static_assert(sizeof(struct m_hello_ans) == 16, "wire layout");

struct m_stage {
	uint32_t stage;		/* slot, < SL_MAX_STAGES */
	uint32_t zero;
};
_Static_assert(sizeof(struct m_stage) == 8, "wire layout");

struct m_path {
	uint32_t stage;
	uint32_t zero;
	uint64_t access;	/* SL_LL_FS_* rights beneath the fd's path */
};
_Static_assert(sizeof(struct m_path) == 16, "wire layout");

struct m_fd {
	uint32_t stage;
	uint32_t target;	/* fd number in the stage, < SL_MAX_TARGETS */
};
_Static_assert(sizeof(struct m_fd) == 8, "wire layout");

enum sl_str_kind {
	SL_STR_FILE = 1,	/* the path to execve, exactly one string */
	SL_STR_ARGV = 2,	/* appended, in order; argv[0] first */
	SL_STR_ENV = 3		/* appended, in order */
};

struct m_strs {
	uint32_t stage;
	uint32_t kind;		/* enum sl_str_kind */
	uint32_t count;		/* strings that follow: u32 len + bytes */
	uint32_t zero;
};
_Static_assert(sizeof(struct m_strs) == 16, "wire layout");

/* Resource limits set in the stage before exec (soft = hard); 0: unset. */
struct m_limits {
	uint32_t stage;
	uint32_t zero;
	uint64_t nofile;	/* RLIMIT_NOFILE */
	uint64_t fsize;		/* RLIMIT_FSIZE, bytes */
	uint64_t cpu;		/* RLIMIT_CPU, seconds */
	uint64_t data;		/* RLIMIT_DATA, bytes */
};
_Static_assert(sizeof(struct m_limits) == 40, "wire layout");

/*
 * The stage loads a filter that sends these syscalls to a listener, with
 * WAIT_KILLABLE_RECV, names ptracer with PR_SET_PTRACER (for Yama), and
 * EXEC_ANS hands the listener fd to the planner for the supervisor.
 */
struct m_notify {
	uint32_t stage;
	uint32_t ptracer;	/* the supervisor's pid */
	uint32_t n;		/* u32 syscall numbers that follow */
	uint32_t zero;
};
_Static_assert(sizeof(struct m_notify) == 16, "wire layout");

/*
 * Network of a stage, before any PATH, at most once; without it the stage
 * gets UNIX stream and seqpacket sockets only.  The flags choose which
 * sockets the stage may create (everything else is EACCES); TCP ports are
 * Landlock rules (u32 each: port | SL_NET_PORT_*) unless *_ANY.  UDP, ICMP
 * and UNIX datagram sockets need connect, sendto, sendmsg and sendmmsg in
 * the NOTIFY list: their destinations are checked by the supervisor.
 */
#define SL_NET_TCP		(1U << 0)	/* INET/INET6 stream, TCP only */
#define SL_NET_UDP		(1U << 1)	/* INET/INET6 datagram, UDP */
#define SL_NET_ICMP		(1U << 2)	/* ping sockets */
#define SL_NET_UNIX_DGRAM	(1U << 3)	/* UNIX datagram sockets */
#define SL_NET_CONNECT_ANY	(1U << 4)	/* Landlock: every TCP port */
#define SL_NET_BIND_ANY		(1U << 5)
#define SL_NET_FLAGS		0x3fU
#define SL_NET_PORT_BIND	(1U << 16)
#define SL_NET_PORT_CONNECT	(1U << 17)

struct m_net {
	uint32_t stage;
	uint32_t flags;
	uint32_t nports;	/* u32 port rules that follow */
	uint32_t zero;
};
_Static_assert(sizeof(struct m_net) == 16, "wire layout");

/* m_exec.flags */
#define SL_EXEC_DEGRADED	(1U << 0)	/* run below SL_LL_ABI_REQUIRED */
#define SL_EXEC_NESTED		(1U << 1)	/* inside a sandbox: keep the
						 * process group if setpgid is denied */
#define SL_EXEC_FLAGS		(SL_EXEC_DEGRADED | SL_EXEC_NESTED)

struct m_exec {
	uint32_t stage;
	uint32_t flags;
	uint32_t ndeny;		/* u32 syscall numbers that follow, EPERM */
	uint32_t zero;
};
_Static_assert(sizeof(struct m_exec) == 16, "wire layout");

/* Where stage setup failed (m_exec_ans.step). */
enum sl_step {
	SL_STEP_NONE = 0,
	SL_STEP_FORK, SL_STEP_FDS, SL_STEP_PGRP, SL_STEP_PDEATHSIG,
	SL_STEP_CWD, SL_STEP_CAPS, SL_STEP_NNP, SL_STEP_LANDLOCK_ABI,
	SL_STEP_LANDLOCK, SL_STEP_SECCOMP, SL_STEP_EXEC, SL_STEP_RLIMIT,
	SL_STEP_NOTIFY,
	SL_STEP_END
};

struct m_exec_ans {
	uint32_t stage;
	uint32_t pid;		/* stage leader = its process group, or 0 */
	int32_t err;		/* errno, 0 = running */
	uint32_t step;		/* enum sl_step when err != 0 */
};
_Static_assert(sizeof(struct m_exec_ans) == 16, "wire layout");

struct m_kill {
	uint32_t stage;
	uint32_t signo;		/* 1..64 */
};
_Static_assert(sizeof(struct m_kill) == 8, "wire layout");

struct m_exit {
	uint32_t stage;
	uint32_t pid;
	int32_t wstatus;	/* as from waitpid(2) */
	uint32_t zero;
};
_Static_assert(sizeof(struct m_exit) == 16, "wire layout");

#endif
