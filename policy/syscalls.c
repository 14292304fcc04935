/* syscalls.c: name <-> number lookups over syscall_table.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "syscalls.h"

static int
cmp_name(const void *key, const void *elem)
{
	return strcmp(key, ((const struct pol_syscall *)elem)->name);
}

int
pol_syscall_nr(const char *name)
{
	const struct pol_syscall *s;

	s = bsearch(name, pol_syscalls, pol_nsyscalls, sizeof(*s), cmp_name);
	if (s == NULL) {
		errno = ENOENT;
		return -1;
	}
	return s->nr;
}

const char *
pol_syscall_name(int nr)
{
	size_t i;

	for (i = 0; i < pol_nsyscalls; i++)
		if (pol_syscalls[i].nr == nr)
			return pol_syscalls[i].name;
	return NULL;
}
