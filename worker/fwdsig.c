/*
 * fwdsig.c: sandlock_forward_signals(): the caller's SIGINT, SIGTERM,
 * SIGHUP and SIGQUIT, and `sandlock kill`'s queued signal, become signal
 * numbers on a pipe that the job engine reads (cancel_fd) and forwards to
 * every stage through the broker.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "state.h"

static int fwd_w = -1;

static void
on_signal(int sig, siginfo_t *si, void *uc)
{
	int saved = errno;

	(void)uc;
	/* sandlock kill: SI_QUEUE carries the signal to forward. */
	if (sig == state_kill_signal()) {
		if (si == NULL || si->si_code != SI_QUEUE)
			return;
		sig = si->si_value.sival_int;
		if (sig <= 0 || sig >= 65)
			return;
	}
	if (write(fwd_w, &sig, sizeof(sig)) < 0)
		(void)0;
	errno = saved;
}

int
sandlock_forward_signals(void)
{
	const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT,
	    state_kill_signal() };
	struct sigaction sa;
	int p[2];
	size_t i;

	if (fwd_w >= 0) {
		errno = EBUSY;
		return -1;
	}
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	fwd_w = p[1];
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_RESTART | SA_SIGINFO;
	(void)sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		(void)sigaction(sigs[i], &sa, NULL);
	(void)signal(SIGPIPE, SIG_IGN);
	return p[0];
}
