/*
 * dispatch.c: the broker's message table and handlers (OpenSSH's mon_table,
 * with sizes and fd counts).  Every message is checked against its row
 * (type, broker state, size bounds, fd count) before its handler runs, and
 * the handler checks every field.  Any violation is fatal: the broker kills
 * every stage it started and exits with BRK_EXIT_PROTO.  A stage is only
 * forked once its spec is complete, so none runs half-configured.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "broker.h"
#include "compat/landlock.h"
#include "compat/syscalls.h"
#include "msg.h"

enum brk_state { BRK_ST_HELLO = 1, BRK_ST_READY = 2 };

struct handler {
	uint32_t type;
	uint32_t min, max;	/* body size bounds */
	uint32_t nfds;
	uint32_t states;	/* bitmask of enum brk_state */
	void (*fn)(struct msg *);
};

static void h_hello(struct msg *);
static void h_begin(struct msg *);
static void h_path(struct msg *);
static void h_fd(struct msg *);
static void h_strs(struct msg *);
static void h_exec(struct msg *);
static void h_kill(struct msg *);
static void h_limits(struct msg *);
static void h_notify(struct msg *);
static void h_net(struct msg *);

#define SZ(t)	((uint32_t)sizeof(struct t))
static const struct handler handlers[] = {
	/* type		   min		  max			  fds states	    fn */
	{ MSG_HELLO,	   SZ(m_hello),	  SZ(m_hello),		  0, BRK_ST_HELLO, h_hello },
	{ MSG_STAGE_BEGIN, SZ(m_stage),	  SZ(m_stage),		  0, BRK_ST_READY, h_begin },
	{ MSG_STAGE_PATH,  SZ(m_path),	  SZ(m_path),		  1, BRK_ST_READY, h_path },
	{ MSG_STAGE_FD,	   SZ(m_fd),	  SZ(m_fd),		  1, BRK_ST_READY, h_fd },
	{ MSG_STAGE_STRS,  SZ(m_strs),	  MSG_BODY_MAX,		  0, BRK_ST_READY, h_strs },
	{ MSG_STAGE_EXEC,  SZ(m_exec),	  SZ(m_exec) + 4 * SL_MAX_DENY, 1, BRK_ST_READY, h_exec },
	{ MSG_STAGE_KILL,  SZ(m_kill),	  SZ(m_kill),		  0, BRK_ST_READY, h_kill },
	{ MSG_STAGE_LIMITS, SZ(m_limits), SZ(m_limits),		  0, BRK_ST_READY, h_limits },
	{ MSG_STAGE_NOTIFY, SZ(m_notify), SZ(m_notify) + 4 * SL_MAX_NOTIFY, 0, BRK_ST_READY, h_notify },
	{ MSG_STAGE_NET,   SZ(m_net),	  SZ(m_net) + 4 * SL_MAX_PORTS, 0, BRK_ST_READY, h_net },
};

int brk_sock = BRK_FD;
struct stage brk_stages[SL_MAX_STAGES];
static enum brk_state brk_state = BRK_ST_HELLO;
static struct msg brk_msg;

void
brk_kill_all(void)
{
	uint32_t i;

	for (i = 0; i < SL_MAX_STAGES; i++) {
		struct stage *st = &brk_stages[i];

		if (st->state == STAGE_RUNNING) {
			(void)killpg(st->pid, SIGKILL);
			(void)waitpid(st->pid, NULL, 0);
		}
		stage_clear(st);
	}
}

void
brk_violation(const char *why, ...)
{
	va_list ap;

	va_start(ap, why);
	(void)dprintf(2, "sandlock-broker: protocol violation: ");
	(void)vdprintf(2, why, ap);
	(void)dprintf(2, "\n");
	va_end(ap);
	brk_kill_all();
	_exit(BRK_EXIT_PROTO);
}

static void
send_or_exit(uint32_t type, uint32_t seq, const void *body, size_t len,
    int fd)
{
	if (msg_send(brk_sock, type, seq, body, len, &fd, fd >= 0) < 0) {
		/* The planner is gone: nothing may keep running. */
		brk_kill_all();
		_exit(BRK_EXIT_OK);
	}
}

static void
answer(uint32_t type, const void *body, size_t len, int fd)
{
	send_or_exit(type, brk_msg.hdr.seq, body, len, fd);
}

void
brk_reap(struct stage *st)
{
	struct m_exit ex;
	int ws = 0;

	/* Leftovers of the stage die with it, before the group id is freed. */
	(void)killpg(st->pid, SIGKILL);
	while (waitpid(st->pid, &ws, 0) < 0 && errno == EINTR)
		;
	memset(&ex, 0, sizeof(ex));
	ex.stage = (uint32_t)(st - brk_stages);
	ex.pid = (uint32_t)st->pid;
	ex.wstatus = ws;
	stage_clear(st);
	send_or_exit(MSG_STAGE_EXIT, 0, &ex, sizeof(ex), -1);
}

static void
reserved(uint32_t v, const char *msg)
{
	if (v != 0)
		brk_violation("reserved field set in %s", msg);
}

static struct stage *
get_stage(uint32_t idx, enum stage_state want)
{
	if (idx >= SL_MAX_STAGES)
		brk_violation("stage %u out of range", idx);
	if (brk_stages[idx].state != want)
		brk_violation("stage %u is not in the state this message needs",
		    idx);
	return &brk_stages[idx];
}

/* The first Landlock failure while a stage is built; EXEC reports it. */
static void
ll_failed(struct stage *st)
{
	st->err = errno;
	st->err_step = SL_STEP_LANDLOCK;
}

/* Who: the planner, first message.  Carries nothing that widens rights. */
static void
h_hello(struct msg *m)
{
	struct m_hello req;
	struct m_hello_ans ans;

	memcpy(&req, m->body, sizeof(req));
	reserved(req.zero, "HELLO");
	if (req.version != SL_PROTO_VERSION)
		brk_violation("protocol version %u, expected %u", req.version,
		    SL_PROTO_VERSION);
	memset(&ans, 0, sizeof(ans));
	ans.version = SL_PROTO_VERSION;
	ans.ll_abi = (uint32_t)brk_ll_abi;
	ans.pid = (uint32_t)getpid();
	brk_state = BRK_ST_READY;
	answer(MSG_HELLO_ANS, &ans, sizeof(ans), -1);
}

/*
 * Who: the planner, on a free slot.  Starts a ruleset that handles every
 * right of the kernel's ABI, so whatever no PATH message grants is denied.
 */
static void
h_begin(struct msg *m)
{
	struct m_stage req;
	struct stage *st;

	memcpy(&req, m->body, sizeof(req));
	reserved(req.zero, "BEGIN");
	st = get_stage(req.stage, STAGE_FREE);
	stage_init(st);
	st->state = STAGE_BUILD;
	if (brk_ll_abi > 0 && (st->ruleset_fd = ll_ruleset_new(0)) < 0)
		ll_failed(st);
}

/*
 * Who: the planner, on a stage being built, with one O_PATH fd.  Grants
 * rights beneath that path; a grant can only add what the planner could
 * reach itself, and rights the ABI lacks are trimmed (EXEC checks the ABI).
 */
static void
h_path(struct msg *m)
{
	struct m_path req;
	struct stage *st;
	int fl;

	memcpy(&req, m->body, sizeof(req));
	st = get_stage(req.stage, STAGE_BUILD);
	reserved(req.zero, "PATH");
	if (req.access == 0 || (req.access & ~SL_LL_FS_ABI5) != 0)
		brk_violation("bad access mask %#llx in PATH",
		    (unsigned long long)req.access);
	if ((fl = fcntl(m->fds[0], F_GETFL)) < 0 || !(fl & O_PATH))
		brk_violation("PATH fd is not an O_PATH descriptor");
	if (++st->nrules > SL_MAX_RULES)
		brk_violation("more than %u PATH rules", SL_MAX_RULES);
	if (st->err == 0 && st->ruleset_fd >= 0 &&
	    sl_ll_add_path(st->ruleset_fd, m->fds[0], req.access,
	    brk_ll_abi) < 0)
		ll_failed(st);
	msg_free(m);
}

/*
 * Who: the planner, with one fd for a stage target (stdio, or an extra
 * input).  Each target is given once; directories and O_PATH fds, which no
 * stage reads or writes, are refused.
 */
static void
h_fd(struct msg *m)
{
	struct m_fd req;
	struct stage *st;
	struct stat sb;
	int fl;

	memcpy(&req, m->body, sizeof(req));
	st = get_stage(req.stage, STAGE_BUILD);
	if (req.target >= SL_MAX_TARGETS || st->fds[req.target] != -1)
		brk_violation("fd target %u out of range or given twice",
		    req.target);
	if ((fl = fcntl(m->fds[0], F_GETFL)) < 0 || (fl & O_PATH) ||
	    fstat(m->fds[0], &sb) < 0 || S_ISDIR(sb.st_mode) ||
	    S_ISLNK(sb.st_mode) || S_ISBLK(sb.st_mode))
		brk_violation("fd for target %u is not a file, pipe, socket "
		    "or character device", req.target);
	st->fds[req.target] = msg_take_fd(m, 0);
}

/* Appends to a NULL-terminated vector, doubling at each power of two. */
static void
push_str(char ***vec, uint32_t *n, char *s)
{
	char **v = *vec;

	if ((*n & (*n - 1)) == 0 && (v = reallocarray(v, 2 * (size_t)*n + 2,
	    sizeof(*v))) == NULL)
		brk_violation("out of memory");
	v[(*n)++] = s;
	v[*n] = NULL;
	*vec = v;
}

/* Who: the planner.  The exec path, argv or env of a stage, bounded. */
static void
h_strs(struct msg *m)
{
	struct m_strs req;
	struct stage *st;
	struct rd r;
	uint32_t i;
	char *s;

	rd_init(&r, m->body, m->bodylen);
	(void)rd_bytes(&r, &req, sizeof(req));
	st = get_stage(req.stage, STAGE_BUILD);
	reserved(req.zero, "STRS");
	if (req.kind < SL_STR_FILE || req.kind > SL_STR_ENV)
		brk_violation("bad STRS kind %u", req.kind);
	if (req.kind == SL_STR_FILE && (req.count != 1 || st->file != NULL))
		brk_violation("STRS FILE needs exactly one string, once");
	for (i = 0; i < req.count; i++) {
		if (rd_cstring(&r, &s, SL_MAX_STRLEN) < 0)
			brk_violation("string %u: %s", i, strerror(errno));
		st->strbytes += strlen(s) + 1;
		if (st->nargv + st->nenv >= SL_MAX_STRS ||
		    st->strbytes > SL_MAX_STRBYTES) {
			free(s);
			brk_violation("argv and env exceed the limits");
		}
		if (req.kind == SL_STR_FILE) {
			st->file = s;	/* the slot owns it before the check */
			if (*s == '\0')
				brk_violation("empty exec path");
		} else if (req.kind == SL_STR_ARGV)
			push_str(&st->argv, &st->nargv, s);
		else
			push_str(&st->envp, &st->nenv, s);
	}
	if (rd_end(&r) < 0)
		brk_violation("STRS longer than its %u strings", req.count);
}

/*
 * Who: the planner, with the cwd as an O_PATH directory fd, when the spec
 * is complete: exec path, argv[0], stdio 0-2 and targets without holes.
 * Extra denials can only narrow the filter.
 */
static void
h_exec(struct msg *m)
{
	struct m_exec req;
	struct m_exec_ans ans;
	struct stage *st;
	uint32_t deny[SL_MAX_DENY], i;
	struct stat sb;
	int gap = 0;

	memcpy(&req, m->body, sizeof(req));
	st = get_stage(req.stage, STAGE_BUILD);
	reserved(req.zero, "EXEC");
	if ((req.flags & ~SL_EXEC_FLAGS) != 0)
		brk_violation("unknown EXEC flags %#x", req.flags);
	if (req.ndeny > SL_MAX_DENY ||
	    m->bodylen != sizeof(req) + 4UL * req.ndeny)
		brk_violation("EXEC deny list does not match its count");
	memcpy(deny, m->body + sizeof(req), 4UL * req.ndeny);
	for (i = 0; i < req.ndeny; i++)
		if (deny[i] > SL_NR_MAX)
			brk_violation("syscall %u above %u", deny[i], SL_NR_MAX);
	if (st->file == NULL || st->nargv == 0)
		brk_violation("EXEC without a path and argv");
	for (i = 0; i < SL_MAX_TARGETS; i++) {
		if (i < 3 && st->fds[i] < 0)
			brk_violation("EXEC without fd %u", i);
		if (st->fds[i] < 0)
			gap = 1;
		else if (gap)
			brk_violation("fd targets have a hole before %u", i);
	}
	if (fstat(m->fds[0], &sb) < 0 || !S_ISDIR(sb.st_mode))
		brk_violation("EXEC cwd is not a directory");
	if ((st->netflags & (SL_NET_UDP | SL_NET_ICMP | SL_NET_UNIX_DGRAM)) &&
	    !(sc_notified(st, SYS_connect) && sc_notified(st,
	    SYS_sendto) && sc_notified(st, SYS_sendmsg) &&
	    sc_notified(st, SYS_sendmmsg)))
		brk_violation("datagram sockets whose sends are not notified");
	memset(&ans, 0, sizeof(ans));
	ans.stage = req.stage;
	if (st->err != 0) {
		ans.err = st->err;
		ans.step = st->err_step;
		stage_clear(st);
	} else
		stage_spawn(st, req.stage, m->fds[0], req.flags, deny,
		    req.ndeny, &ans);
	msg_free(m);
	answer(MSG_STAGE_EXEC_ANS, &ans, sizeof(ans), st->listener);
	sl_closep(&st->listener);
}

/*
 * Who: the planner, on a stage being built, once.  Limits only narrow
 * what the stage may use.
 */
static void
h_limits(struct msg *m)
{
	struct m_limits req;
	struct stage *st;

	memcpy(&req, m->body, sizeof(req));
	reserved(req.zero, "LIMITS");
	st = get_stage(req.stage, STAGE_BUILD);
	if (st->lim.stage != 0)
		brk_violation("LIMITS given twice");
	st->lim = req;
	st->lim.stage = 1;	/* marks "given" */
}

/*
 * Who: the planner, on a stage being built, once.  Notified syscalls only
 * reach the supervisor; denials in the other filters still win over them.
 */
static void
h_notify(struct msg *m)
{
	struct m_notify req;
	struct stage *st;
	uint32_t i, nr;

	memcpy(&req, m->body, sizeof(req));
	reserved(req.zero, "NOTIFY");
	st = get_stage(req.stage, STAGE_BUILD);
	if (st->nnotify != 0 || req.n == 0 || req.n > SL_MAX_NOTIFY ||
	    m->bodylen != sizeof(req) + 4UL * req.n || req.ptracer == 0)
		brk_violation("NOTIFY given twice, empty or of wrong size");
	memcpy(st->notify, m->body + sizeof(req), 4UL * req.n);
	/*
	 * Between loading the filter and execve the stage calls read, write
	 * (hand_listener), prctl, prlimit64 and setrlimit (set_limits),
	 * seccomp (the stage filter) and, on failure, exit_group, while the
	 * broker waits for it and nobody answers the listener yet: notifying
	 * any of them would hang both (found with tests/fuzz/fuzz_msg.c).
	 */
	for (i = 0; i < req.n; i++)
		if ((nr = st->notify[i]) > SL_NR_MAX || nr <= 1 ||
		    nr == SYS_execve || nr == SYS_prctl ||
		    nr == SYS_prlimit64 || nr == SYS_setrlimit ||
		    nr == SYS_seccomp || nr == SYS_exit_group)
			brk_violation("syscall %u cannot be notified", nr);
	st->nnotify = req.n;
	st->ptracer = req.ptracer;
}

/*
 * Who: the planner, on a stage being built, before any PATH, once.  Which
 * sockets exist (datagram ones only with notified sends, checked at EXEC)
 * and TCP port rules; the ruleset is remade to handle what the flags say.
 */
static void
h_net(struct msg *m)
{
	struct m_net req;
	struct stage *st;
	uint32_t i, r;

	memcpy(&req, m->body, sizeof(req));
	reserved(req.zero, "NET");
	st = get_stage(req.stage, STAGE_BUILD);
	if (st->net_given || st->nrules != 0 || (req.flags & ~SL_NET_FLAGS) ||
	    req.nports > SL_MAX_PORTS ||
	    m->bodylen != sizeof(req) + 4UL * req.nports)
		brk_violation("NET given twice, after PATH, or malformed");
	st->net_given = 1;
	st->netflags = req.flags;
	st->bind_ok = (req.flags & SL_NET_BIND_ANY) != 0;
	if (st->ruleset_fd >= 0) {
		sl_closep(&st->ruleset_fd);
		if ((st->ruleset_fd = ll_ruleset_new(req.flags)) < 0)
			ll_failed(st);
	}
	for (i = 0; i < req.nports; i++) {
		memcpy(&r, m->body + sizeof(req) + 4UL * i, sizeof(r));
		if ((r >> 16) == 0 || (r >> 16) > 3)
			brk_violation("bad NET port rule %#x", r);
		st->bind_ok |= (r & SL_NET_PORT_BIND) != 0;
		if (st->err == 0 && st->ruleset_fd >= 0 &&
		    ll_add_port(st->ruleset_fd, r, req.flags) < 0)
			ll_failed(st);
	}
}

/* Who: the planner (timeout, forwarded signal).  Signals only its stages. */
static void
h_kill(struct msg *m)
{
	struct m_kill req;
	struct stage *st;

	memcpy(&req, m->body, sizeof(req));
	if (req.stage >= SL_MAX_STAGES || req.signo == 0 || req.signo >= 65)
		brk_violation("bad KILL stage %u signal %u", req.stage,
		    req.signo);
	st = &brk_stages[req.stage];
	if (st->state == STAGE_BUILD)
		brk_violation("KILL on stage %u being built", req.stage);
	/* A FREE slot was reaped already: its EXIT is on the way. */
	if (st->state == STAGE_RUNNING)
		(void)killpg(st->pid, (int)req.signo);
}

int
brk_dispatch(int flags)
{
	const struct handler *h = NULL;
	struct msg *m = &brk_msg;
	size_t i;
	int r;

	if ((r = msg_recvf(brk_sock, m, flags)) == 0) {
		brk_kill_all();
		_exit(BRK_EXIT_OK);
	}
	if (r < 0 && errno == EAGAIN && (flags & MSG_DONTWAIT))
		return 0;
	if (r < 0)
		brk_violation("receive: %s", strerror(errno));
	for (i = 0; i < SL_NITEMS(handlers); i++)
		if (handlers[i].type == m->hdr.type)
			h = &handlers[i];
	if (h == NULL)
		brk_violation("unknown message type %u", m->hdr.type);
	if ((h->states & brk_state) == 0)
		brk_violation("message type %u not permitted now", h->type);
	if (m->bodylen < h->min || m->bodylen > h->max)
		brk_violation("message type %u has size %u, not in [%u, %u]",
		    h->type, m->bodylen, h->min, h->max);
	if (m->nfds != h->nfds)
		brk_violation("message type %u carries %u fds, expected %u",
		    h->type, m->nfds, h->nfds);
	h->fn(m);
	msg_free(m);
	return 1;
}
