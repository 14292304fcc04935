/*
 * compat/seccomp.h: seccomp user-notification bits newer than Debian 12's
 * <linux/seccomp.h> (Linux 6.6: SET_FLAGS and SYNC_WAKE_UP).
 */
#ifndef SL_COMPAT_SECCOMP_H
#define SL_COMPAT_SECCOMP_H

#include <linux/seccomp.h>

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS	SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP	(1UL << 0)
#endif

#endif
