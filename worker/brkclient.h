/*
 * brkclient.h: the planner's side of proto.h.  Each stub mirrors one broker
 * handler (brk_stage_path() <-> h_path()).  All return 0 or -1 with errno;
 * fds passed in are borrowed (the kernel duplicates them into the broker).
 */
#ifndef SL_BRKCLIENT_H
#define SL_BRKCLIENT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "proto.h"

struct brk {
	int sock;		/* -1 when closed */
	pid_t pid;
	int wstatus;		/* its wait status once reaped, else -1 */
	uint32_t seq;
	int ll_abi;		/* ours, which HELLO_ANS must confirm */
	bool hello;		/* HELLO_ANS still to come */
	/* EXITs that arrived while an answer was awaited, oldest first */
	struct m_exit pending[SL_MAX_STAGES];
	uint32_t npending;
};

/*
 * Finds and starts sandlock-broker with its socket on fd 3, stdin on
 * /dev/null and our stderr, sets b->ll_abi to the Landlock ABI this
 * kernel has, and sends HELLO without waiting: the planner goes on
 * planning and sending while the broker starts, and the first answer
 * awaited (EXEC_ANS) comes after HELLO_ANS, which must carry the same
 * ABI (else EPROTO).  *path_out names the broker binary (static storage).
 */
int	brk_start(struct brk *b, const char **path_out);
/*
 * Closes the socket (the broker then kills what is left) and reaps it,
 * keeping its wait status in wstatus.
 */
void	brk_stop(struct brk *b);

int	brk_stage_begin(struct brk *b, uint32_t stage);
int	brk_stage_path(struct brk *b, uint32_t stage, int fd, uint64_t access);
int	brk_stage_fd(struct brk *b, uint32_t stage, uint32_t target, int fd);
/* Sends n strings of one kind, split over as many messages as needed. */
int	brk_stage_strs(struct brk *b, uint32_t stage, uint32_t kind,
	    char *const *v, size_t n);
int	brk_stage_limits(struct brk *b, const struct m_limits *l);
/* NET: which sockets exist, and Landlock TCP port rules. */
int	brk_stage_net(struct brk *b, uint32_t stage, uint32_t flags,
	    const uint32_t *ports, uint32_t n);
int	brk_stage_notify(struct brk *b, uint32_t stage, uint32_t ptracer,
	    const uint32_t *nrs, uint32_t n);
/*
 * Sends EXEC and waits for EXEC_ANS (EXITs meanwhile are queued).  The
 * stage's listener fd, when NOTIFY was sent, goes to *listener (else -1);
 * the caller closes it.
 */
int	brk_stage_exec(struct brk *b, uint32_t stage, uint32_t flags,
	    const uint32_t *deny, uint32_t ndeny, int cwd_fd,
	    struct m_exec_ans *ans, int *listener);
int	brk_stage_kill(struct brk *b, uint32_t stage, int signo);
/*
 * Receives one EXIT, the oldest queued one first (b->npending).  Returns 1
 * with *ex filled, 0 if the broker is gone, -1 with errno (EPROTO for any
 * other message).
 */
int	brk_recv_exit(struct brk *b, struct m_exit *ex);

#endif
