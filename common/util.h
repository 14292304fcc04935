/*
 * util.h: small helpers shared by every process: attributes, and a close()
 * that keeps errno (skalibs' habit).  worker/wutil.h adds scoped cleanup.
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

#endif
