/*
 * th.h: helpers shared by the criterion suites.  The built binaries are
 * found in $SL_BUILD (default: ./build relative to the working directory);
 * tests/run-unpriv.sh copies them where an unprivileged user can run them.
 */
#ifndef SL_TH_H
#define SL_TH_H

#include <stddef.h>
#include <sys/types.h>

struct th_run {
	int status;		/* wait status of the process */
	int code;		/* exit code, or 128+signal */
	char *out;		/* NUL-terminated captured stdout */
	size_t outlen;
	char *err;		/* NUL-terminated captured stderr */
	size_t errlen;
};

const char *th_build(void);	/* absolute build dir */
const char *th_sandlock(void);	/* $SL_BUILD/sandlock */
const char *th_broker(void);	/* $SL_BUILD/sandlock-broker */
const char *th_probe(void);	/* $SL_BUILD/probe (static) */

/*
 * Runs argv[0] with argv (NULL-terminated), stdin from /dev/null unless
 * stdin_fd >= 0, stdout and stderr captured (read concurrently), killing it
 * after timeout_s seconds.  Returns 0, or -1 if it could not be started.
 */
int	th_runv(struct th_run *r, const char *const argv[], int stdin_fd,
	    int timeout_s);
/*
 * Runs `sandlock run <std read rules> <extra...> -- <cmd...>` where the
 * standard rules are -r /usr -r /lib -r /lib64 -r /bin -r $SL_BUILD.
 * extra and cmd are NULL-terminated; extra may be NULL.
 */
int	th_sandlock_run(struct th_run *r, const char *const extra[],
	    const char *const cmd[]);
void	th_run_free(struct th_run *r);

/* A fresh directory under /tmp (mode 0755), malloc'd path. */
char	*th_tmpdir(void);
/* Writes a file with the given contents (mode 0644); 0 or -1. */
int	th_write_file(const char *path, const char *contents);
/* Whether the process with this pid still exists (and is not a zombie). */
int	th_alive(pid_t pid);

/*
 * How many live processes hold the string marker (say "KEY=VALUE") in their
 * environment, and have comm comm if it is not NULL.  Zombies have none.
 */
int	th_env_marked(const char *marker, const char *comm);
/* The names in dir (not . and ..), one a line, malloc'd; "" if none. */
char	*th_dir_list(const char *dir);

/* SOCK_SEQPACKET|SOCK_CLOEXEC socketpair; aborts on failure. */
void	seq_socketpair(int sv[2]);
/* Starts the broker with sv[1] on fd 3; returns its pid; *sock = sv[0]. */
pid_t	run_broker(int *sock);
/* Sends one raw datagram with optional fds; returns sendmsg's result. */
ssize_t	send_raw(int fd, const void *buf, size_t n, const int *fds,
	    int nfds);
/* Waits for pid; returns its wait status. */
int	th_wait(pid_t pid);

/*
 * Parameters 0..n-1 (size_t) in criterion's shared arena, for a
 * ParameterizedTest over a static table: the test process may be a fresh
 * exec, where pointers into the parent's tables would mean nothing.
 * (Declared here, defined with criterion's headers in th.c.)
 */
struct criterion_test_params th_index_params(size_t n);

#endif
