/*
 * util.h: small helpers shared by every process: scoped cleanup of fds and
 * heap memory, and a close() that keeps errno (skalibs' habit).
 */
#ifndef SL_UTIL_H
#define SL_UTIL_H

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#define SL_UNUSED	__attribute__((unused))
#define SL_NORETURN	__attribute__((noreturn))
#define SL_PRINTF(a, b)	__attribute__((format(printf, a, b)))
#define SL_NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* close(2) that never changes errno and ignores fd < 0. */
static inline void
sl_close(int fd)
{
	int saved = errno;

	if (fd >= 0)
		(void)close(fd);
	errno = saved;
}

/* Consumes *fdp: closes it and sets it to -1. */
static inline void
sl_closep(int *fdp)
{
	sl_close(*fdp);
	*fdp = -1;
}

static inline void
sl_freep(void *pp)
{
	void **p = pp;

	free(*p);
	*p = NULL;
}

#define cleanup_fd	__attribute__((cleanup(sl_closep)))
#define cleanup_free	__attribute__((cleanup(sl_freep)))

/* Hands on ownership of an fd: returns it and leaves -1 behind. */
static inline int
steal_fd(int *fdp)
{
	int fd = *fdp;

	*fdp = -1;
	return fd;
}

static inline void *
steal_ptr(void *pp)
{
	void **p = pp;
	void *r = *p;

	*p = NULL;
	return r;
}

#endif
