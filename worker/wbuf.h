/*
 * wbuf.h: the planner's writer of message bodies (the broker only reads,
 * so this is not part of the trusted core).  Functions return 0, or -1
 * with errno.
 */
#ifndef SL_WBUF_H
#define SL_WBUF_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

/* Writer of a body, bounded by MSG_BODY_MAX (E2BIG past it). */
struct wb {
	uint8_t buf[MSG_BODY_MAX];
	size_t len;
};

void	wb_init(struct wb *w);
int	wb_bytes(struct wb *w, const void *p, size_t len);
int	wb_u32(struct wb *w, uint32_t v);
int	wb_cstring(struct wb *w, const char *s);

#endif
