/*
 * compat/syscalls.h: x86_64 syscall numbers newer than Debian 12's headers,
 * and the highest number sandlock knows.  Every number above SL_NR_MAX, and
 * every x32 number, gets ENOSYS from the baseline filter, so a syscall added
 * after this table (a new twin of a denied call) cannot walk around it.
 * policy/syscall_table.c names every number up to SL_NR_MAX; only those
 * the broker's filters use are defined here.
 */
#ifndef SL_COMPAT_SYSCALLS_H
#define SL_COMPAT_SYSCALLS_H

#if !defined(__x86_64__)
#error "sandlock's syscall table is written for x86_64 only"
#endif

#define SL_NR_fchmodat2		452
#define SL_NR_setxattrat	463
#define SL_NR_removexattrat	466
#define SL_NR_open_tree_attr	467
#define SL_NR_file_setattr	469

#define SL_NR_MAX		469
#define SL_X32_SYSCALL_BIT	0x40000000U
#define SL_AUDIT_ARCH_X86_64	0xc000003eU

#endif
