/*
 * supervisor.h: the seccomp user-notification supervisor, an unprivileged
 * process forked by the planner before it confines itself (a Landlock
 * domain would bar it from the stages' /proc entries).  The planner hands
 * it each stage's listener fd and limits over a SOCK_SEQPACKET socket;
 * it answers the stage's notified syscalls, samples memory, and tells the
 * planner when it killed a stage for memory.  If it dies, the listeners
 * close: notified syscalls fail with ENOSYS and the planner kills the job.
 */
#ifndef SL_SUPERVISOR_H
#define SL_SUPERVISOR_H

#include <stdint.h>
#include <sys/types.h>

#include "net.h"
#include "proto.h"

enum sup_msg {
	SUP_STAGE = 2,		/* planner -> supervisor, + 0 or 1 listener fd */
	SUP_MEMKILL = 3,	/* supervisor -> planner */
	SUP_RULE = 4,		/* planner -> supervisor, before SUP_STAGE:
				 * a write rule's O_PATH fd (struct sup_rule) */
	SUP_QUERY = 5,		/* planner -> supervisor, no body */
	SUP_COUNTS = 6,		/* answer: struct sup_counts */
	SUP_NET = 8,		/* planner -> supervisor, before SUP_STAGE:
				 * a network rule (struct sup_net + u16 ports) */
	SUP_PROCRULE = 7	/* planner -> supervisor, before SUP_STAGE:
				 * any rule's O_PATH fd (struct sup_procrule),
				 * for the /proc opener's domain */
};

/* Calls the supervisor refused (any error answer), per stage index. */
struct sup_counts {
	uint64_t denied[SL_MAX_STAGES];
};

struct sup_rule {
	uint32_t stage;
	uint32_t zero;
};

struct sup_procrule {
	uint32_t stage;
	uint32_t zero;
	uint64_t access;	/* SL_LL_FS_* as sent to the broker */
};

struct sup_stage {
	uint32_t stage;
	uint32_t pgid;
	uint32_t max_procs;	/* 0: none */
	uint32_t mediate;	/* metadata calls beneath the SUP_RULEs */
	uint64_t max_mem;	/* bytes, 0: none */
	uint32_t net;		/* SUP_NET_* */
	uint32_t procfs;	/* opens and listings (procfs.h) */
};

#define SUP_NET_ON	(1U << 0)	/* connect and sends (netmed.h) */
#define SUP_NET_DENY	(1U << 1)	/* the SUP_NET rules are exclusions */
#define SUP_NET_UNIX	(1U << 2)	/* pathname UNIX beneath the SUP_RULEs */
#define SUP_NET_EPHEMERAL (1U << 3)	/* listen may bind an ephemeral port */

/* One resolved --net-allow or --net-deny rule. */
struct sup_net {
	uint32_t stage;
	uint32_t proto;		/* POL_NET_* */
	int32_t family;		/* 0, AF_INET, AF_INET6 */
	uint32_t prefix;
	uint8_t addr[16];
	uint32_t any_port;
	uint32_t nports;	/* u16 ports follow */
};

struct sup_memkill {
	uint32_t stage;
	uint32_t zero;
	uint64_t used;		/* bytes seen at the kill */
};

/* The syscalls a stage notifies for -P. */
#define SUP_NOTIFY_PROCS	{ 56 /* clone */, 57 /* fork */, 58 /* vfork */ }

/*
 * Forks the supervisor with one end of a new socketpair; returns its pid
 * and sets *sock to the planner's end, or -1 with errno.
 */
pid_t	sup_start(int *sock);

/* Sent by the planner: stage limits and its listener (fd < 0: none). */
int	sup_add_stage(int sock, const struct sup_stage *s, int listener);
/* Sent by the planner before sup_add_stage: one write rule (fd borrowed). */
int	sup_add_rule(int sock, uint32_t stage, int fd);
/* Sent by the planner before sup_add_stage: one network rule. */
int	sup_add_net(int sock, uint32_t stage, const struct pol_net_rule *r);
/* Sent before sup_add_stage: one rule of the stage's ruleset (fd borrowed). */
int	sup_add_procrule(int sock, uint32_t stage, int fd, uint64_t access);
/* Asks for the denial counts and waits (at most 2 s) for them. */
int	sup_query(int sock, struct sup_counts *c);

#endif
