/*
 * sandlock-broker: the trusted core.  Started by the planner with a
 * SOCK_SEQPACKET socket on fd 3; it sets NO_NEW_PRIVS, gives up the
 * controlling terminal, loads the baseline seccomp filter on itself (so
 * every stage inherits it), then serves the planner's messages and its
 * stages' exits until the planner's socket closes, when it kills every
 * stage it started.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <linux/close_range.h>
#include <unistd.h>

#include "broker.h"
#include "compat/landlock.h"

/* One line "sandlock-broker: fatal: what: reason" and exit. */
SL_NORETURN static void
fatal(int status, const char *what)
{
	(void)dprintf(2, "sandlock-broker: fatal: %s%s%s\n", what,
	    status == BRK_EXIT_SETUP ? ": " : "",
	    status == BRK_EXIT_SETUP ? strerror(errno) : "");
	_exit(status);
}

static void
startup(int argc)
{
	/* The kernel's struct sigaction: handler SIG_DFL (0), flags,
	 * restorer, mask (also the empty mask below), all zero. */
	static const uint64_t dfl[4];
	int type = 0, sig, tty, bad;
	socklen_t len = sizeof(type);

	if (argc != 1 || getsockopt(BRK_FD, SOL_SOCKET, SO_TYPE, &type,
	    &len) < 0 || type != SOCK_SEQPACKET)
		fatal(BRK_EXIT_USAGE, "not started by sandlock: fd 3 is not "
		    "the planner's socket");
	if (fcntl(BRK_FD, F_SETFD, FD_CLOEXEC) < 0 ||
	    syscall(SYS_close_range, BRK_FD + 1, ~0U, 0) < 0)
		fatal(BRK_EXIT_SETUP, "unable to close inherited fds");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		fatal(BRK_EXIT_SETUP, "unable to set no_new_privs");
	/*
	 * No controlling terminal, which stages then never get (setsid is
	 * denied them): TIOCNOTTY drops ours, ENXIO says there is none, any
	 * other doubt makes a session of our own (EPERM: inside a sandbox,
	 * whose session has no terminal).  Our own process group keeps the
	 * terminal's signals for the planner.  In the caller's session the
	 * stages share its scheduler autogroup, as a shell pipeline does.
	 */
	tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (tty < 0 && errno != ENXIO)
		bad = setsid() < 0 && errno != EPERM;
	else
		bad = (tty >= 0 && ioctl(tty, TIOCNOTTY) < 0) ||
		    (setpgid(0, 0) < 0 && errno != EPERM);
	sl_close(tty);
	if (bad)
		fatal(BRK_EXIT_SETUP, "unable to drop the controlling terminal");
	/*
	 * Every disposition to its default, once: exec reset the handlers,
	 * not what the caller ignored.  Stages are forked from here, so a
	 * stage then only undoes the SIGPIPE below and the mask (stage.c).
	 * The planner starts us with every signal blocked.  The raw call
	 * reaches the signals libc keeps for itself (32-34) too.
	 */
	for (sig = 1; sig <= 64; sig++)
		(void)syscall(SYS_rt_sigaction, sig, dfl, NULL, 8);
	(void)signal(SIGPIPE, SIG_IGN);
	(void)syscall(SYS_rt_sigprocmask, SIG_SETMASK, dfl + 3, NULL, 8);
	brk_ll_abi = sl_ll_abi();
	if (sc_load_baseline() < 0)
		fatal(BRK_EXIT_SETUP, "unable to load the baseline seccomp filter");
}

int
main(int argc, char *argv[] SL_UNUSED)
{
	struct pollfd pfd[1 + SL_MAX_STAGES];
	struct stage *who[1 + SL_MAX_STAGES];
	nfds_t n, i;

	startup(argc);
	for (;;) {
		pfd[0].fd = brk_sock;
		pfd[0].events = POLLIN;
		n = 1;
		for (i = 0; i < SL_MAX_STAGES; i++) {
			if (brk_stages[i].state != STAGE_RUNNING)
				continue;
			pfd[n].fd = brk_stages[i].pidfd;
			pfd[n].events = POLLIN;
			who[n++] = &brk_stages[i];
		}
		if (poll(pfd, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			brk_violation("poll: %s", strerror(errno));
		}
		for (i = 1; i < n; i++)
			if (pfd[i].revents != 0)
				brk_reap(who[i]);
		/* What is queued is read without a poll for each. */
		if (pfd[0].revents & POLLIN)
			while (brk_dispatch(MSG_DONTWAIT) > 0)
				;
		else if (pfd[0].revents != 0) {
			brk_kill_all();
			return BRK_EXIT_OK;
		}
	}
}
