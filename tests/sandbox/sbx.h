/*
 * sbx.h: helpers shared by the black-box suites in tests/sandbox/.  They
 * build on tests/helpers/th.h; every path comes from th_build() or
 * th_tmpdir(), so the suites run unchanged from a copy in /tmp.
 */
#ifndef SL_SBX_H
#define SL_SBX_H

#include <stddef.h>
#include <sys/types.h>

#include <criterion/parameterized.h>

#include "th.h"

#define SBX_NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* Asserts a run's exit code and its exact stdout; stderr goes in the message. */
#define SBX_EXPECT(r, xcode, xout) do {					\
	cr_assert(eq(int, (r)->code, (xcode)), "stdout: %s\nstderr: %s",	\
	    (r)->out, (r)->err);						\
	cr_assert(eq(str, (r)->out, (char *)(xout)), "stderr: %s",	\
	    (r)->err);							\
} while (0)

/* Asserts that a run's stderr holds a substring. */
#define SBX_STDERR_HAS(r, s)						\
	cr_assert(ne(ptr, strstr((r)->err, (s)), NULL),			\
	    "stderr lacks \"%s\": %s", (s), (r)->err)

/*
 * Parameters 0..n-1 (size_t) in criterion's shared arena, for a
 * ParameterizedTest over a static table: the test process may be a fresh
 * exec, where pointers into the parent's tables would mean nothing.
 */
struct criterion_test_params sbx_index_params(size_t n);

/*
 * Runs `sandlock run <std rules> <extra...> -- probe ARG...` (extra may be
 * NULL; the probe arguments end with NULL).  Aborts if nothing started.
 */
void	sbx_probe(struct th_run *r, const char *const extra[], ...);

/*
 * The whole sandlock argv for extra and cmd, as th_sandlock_run builds it,
 * in a static buffer that the next call overwrites.
 */
const char *const *sbx_argv(const char *const extra[],
	    const char *const cmd[]);

/*
 * Starts argv with stdin from /dev/null and stdout on a pipe whose read end
 * is returned in *outfd (close-on-exec); stderr on a pipe in *errfd if it is
 * not NULL, else /dev/null.  pre (if not NULL) runs in the child just before
 * execv and may _exit(126) on failure.  Returns the pid; aborts on failure.
 */
pid_t	sbx_spawn(const char *const argv[], int *outfd, int *errfd,
	    void (*pre)(void *), void *arg);

/* Reads fd until EOF or ms elapse; malloc'd NUL-terminated text. */
char	*sbx_read_all(int fd, int ms);
/* Reads up to and including the first newline within ms; 0 or -1. */
int	sbx_read_line(int fd, char *buf, size_t size, int ms);
/* Waits up to ms for pid; its wait status, or -1 (still running). */
int	sbx_wait_ms(pid_t pid, int ms);

/* Parses "ok PID PID ..." into pids; returns the count. */
int	sbx_parse_pids(const char *line, pid_t *pids, int max);
/* Whether every pid is gone (or a zombie) within ms. */
int	sbx_all_gone(const pid_t *pids, int n, int ms);
/* Field 4 (ppid) or 5 (pgrp) of /proc/PID/stat, or -1. */
pid_t	sbx_stat_field(pid_t pid, int field);
/* A child of parent whose comm is comm, or -1 (one scan of /proc). */
pid_t	sbx_find_child(pid_t parent, const char *comm);
/* The comm of pid in buf, or "" if it is gone. */
void	sbx_comm(pid_t pid, char *buf, size_t size);

/* Copies a file, mode 0755; 0 or -1. */
int	sbx_copy(const char *from, const char *to);
/* Removes a directory tree (best effort). */
void	sbx_rmtree(const char *dir);
/* malloc'd "a/b". */
char	*sbx_join(const char *a, const char *b);

#endif
