/* syscalls.h: the x86_64 syscall name table sandlock resolves names with. */
#ifndef SL_POL_SYSCALLS_H
#define SL_POL_SYSCALLS_H

#include <stddef.h>

struct pol_syscall {
	const char *name;
	int nr;
};

extern const struct pol_syscall pol_syscalls[];
extern const size_t pol_nsyscalls;

/* The number of a syscall name, or -1 with errno ENOENT. */
int	pol_syscall_nr(const char *name);
/* The name of a number, or NULL. */
const char *pol_syscall_name(int nr);

#endif
