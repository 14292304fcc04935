/*
 * vgkcall.h: forced (-include) into every object of the test-only broker
 * that `make valgrind` builds ($(B)/vg/sandlock-broker, never installed).
 * The broker's sources are compiled unchanged; only the way the kernel
 * confinement calls reach the kernel differs: see vgkcall.c.
 */
#ifndef SL_VGKCALL_H
#define SL_VGKCALL_H

#include <seccomp.h>
#include <unistd.h>

long	sl_vg_syscall(long nr, ...);
int	sl_vg_seccomp_load(const scmp_filter_ctx ctx);

#define syscall		sl_vg_syscall
#define seccomp_load	sl_vg_seccomp_load

#endif
