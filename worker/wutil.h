/*
 * wutil.h: scoped cleanup for the planner's code (not the trusted core's):
 * cleanup_fd / cleanup_free locals, handed on with steal_fd / steal_ptr.
 */
#ifndef SL_WUTIL_H
#define SL_WUTIL_H

#include "util.h"

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
