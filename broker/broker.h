/*
 * broker.h: the trusted core's internal interfaces.  The broker is built
 * from broker/ and common/ only, and links nothing but the C library.
 */
#ifndef SL_BROKER_H
#define SL_BROKER_H

#include <stdint.h>
#include <sys/types.h>

#include "proto.h"
#include "util.h"

enum stage_state { STAGE_FREE = 0, STAGE_BUILD, STAGE_RUNNING };

struct stage {
	enum stage_state state;
	int ruleset_fd;			/* Landlock ruleset being filled */
	uint32_t nrules;
	int err;			/* first failure while building */
	uint32_t err_step;
	int fds[SL_MAX_TARGETS];	/* fd to dup2 onto each target */
	char *file;			/* execve path */
	char **argv;			/* NULL-terminated */
	uint32_t nargv;
	char **envp;			/* NULL-terminated */
	uint32_t nenv;
	size_t strbytes;
	pid_t pid;			/* leader, = its process group */
	int pidfd;
	struct m_limits lim;		/* zero fields: unset */
	uint32_t notify[SL_MAX_NOTIFY];	/* syscalls for the supervisor */
	uint32_t nnotify;		/* 0: no notify filter */
	uint32_t ptracer;
	int listener;			/* from the stage, for EXEC_ANS */
	uint32_t netflags;		/* SL_NET_*, from NET */
	int net_given;
	int bind_ok;			/* BIND_ANY or a bind port rule */
};

/* The planner's socket and the stage table (dispatch.c). */
extern int brk_sock;
extern struct stage brk_stages[SL_MAX_STAGES];

/*
 * dispatch.c: handles one received message (1); with MSG_DONTWAIT, 0 when
 * none is queued.  Never returns on a violation or at end of stream.
 */
int	brk_dispatch(int flags);
/* Kills every stage's process group, reaps the leaders. */
void	brk_kill_all(void);
SL_NORETURN void brk_violation(const char *why, ...) SL_PRINTF(1, 2);
/* Sends EXIT for a stage whose leader has exited and frees its slot. */
void	brk_reap(struct stage *st);

/* landlock.c */
extern int brk_ll_abi;
/*
 * A new ruleset handling every right of this ABI but the TCP ones netflags
 * leave to any port (SL_NET_*_ANY), or -1 (errno).
 */
int	ll_ruleset_new(uint32_t netflags);
/* Adds a TCP port rule (port | SL_NET_PORT_*), as ll_ruleset_new handles. */
int	ll_add_port(int ruleset_fd, uint32_t rule, uint32_t netflags);

/* seccomp.c */
struct prog;
/* Loads the baseline on the broker itself; every stage inherits it. */
int	sc_load_baseline(void);
/*
 * Builds the stage filter into p: extra denials, the calls a stage may
 * never make, unmediated metadata calls and the socket rules.  p->n above
 * SL_BPF_MAX if it does not fit.
 */
void	sc_stage_prog(struct prog *p, const struct stage *st,
	    const uint32_t *deny, uint32_t ndeny);
/* Builds and loads the stage filter: 0, or -1 with errno. */
int	sc_load_stage(const struct stage *st, const uint32_t *deny,
	    uint32_t ndeny);
/* Whether the stage's NOTIFY list holds nr. */
int	sc_notified(const struct stage *st, uint32_t nr);
/* Loads a filter notifying these syscalls; returns the listener or -1. */
int	sc_load_notify(const uint32_t *nrs, uint32_t n);

/* net.c: the calls with socket rules, and the block (ending in RET) of
 * one of them for the stage filter. */
#define NET_NCALLS	8
extern const uint32_t net_calls[NET_NCALLS];
void	net_block(struct prog *p, const struct stage *st, uint32_t nr);

/* stage.c */
void	stage_init(struct stage *st);
/* Releases everything a slot holds (fds, strings); the slot becomes FREE. */
void	stage_clear(struct stage *st);
/*
 * Forks, confines and execs the stage.  cwd_fd is borrowed.  Fills *ans;
 * on success the stage is RUNNING with pid and pidfd set.
 */
void	stage_spawn(struct stage *st, uint32_t idx, int cwd_fd, uint32_t flags,
	    const uint32_t *deny, uint32_t ndeny, struct m_exec_ans *ans);

#endif
