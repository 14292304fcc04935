/* wbuf.c: see wbuf.h. */
#include <errno.h>
#include <string.h>

#include "wbuf.h"

void
wb_init(struct wb *w)
{
	w->len = 0;
}

int
wb_bytes(struct wb *w, const void *p, size_t len)
{
	if (len > sizeof(w->buf) - w->len) {
		errno = E2BIG;
		return -1;
	}
	memcpy(w->buf + w->len, p, len);
	w->len += len;
	return 0;
}

int
wb_u32(struct wb *w, uint32_t v)
{
	return wb_bytes(w, &v, sizeof(v));
}

int
wb_cstring(struct wb *w, const char *s)
{
	size_t len = strlen(s);

	if (len > SL_MAX_STRLEN || len + 4 > sizeof(w->buf) - w->len) {
		errno = E2BIG;
		return -1;
	}
	(void)wb_u32(w, (uint32_t)len);
	return wb_bytes(w, s, len);
}
