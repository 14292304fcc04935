/*
 * gatherfd.c: the consumer's side of a gather: find a source's fd by name
 * in _SANDLOCK_GATHER ("name:fd,name:fd,...").  Names are [A-Za-z0-9_.-],
 * so ':' and ',' cannot occur in them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sandlock.h"

int
sandlock_gather_fd(const char *name)
{
	const char *v = getenv("_SANDLOCK_GATHER"), *p, *colon, *end;
	size_t nlen = strlen(name);
	long fd;
	char *num_end;

	if (v == NULL) {
		errno = ENOENT;
		return -1;
	}
	for (p = v; *p != '\0'; p = *end == ',' ? end + 1 : end) {
		end = strchrnul(p, ',');
		colon = memchr(p, ':', (size_t)(end - p));
		if (colon == NULL || colon == p || colon + 1 == end)
			goto bad;
		errno = 0;
		fd = strtol(colon + 1, &num_end, 10);
		if (num_end != end || errno != 0 || fd > 1024 ||
		    colon[1] < '0' || colon[1] > '9')
			goto bad;
		if ((size_t)(colon - p) == nlen && memcmp(p, name, nlen) == 0)
			return (int)fd;
		if (*end == ',' && end[1] == '\0')
			goto bad;
	}
	errno = ENOENT;
	return -1;
bad:
	errno = EINVAL;
	return -1;
}
