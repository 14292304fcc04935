/* confine.c: the planner confines itself; see internal.h. */
#include <fcntl.h>
#include <linux/landlock.h>
#include <sys/prctl.h>

#include "compat/landlock.h"
#include "internal.h"
#include "wutil.h"

int
plan_confine_self(int abi, int state_dfd)
{
	struct sl_ruleset_attr attr = { 0, 0, 0 };
	size_t size = sizeof(attr);
	cleanup_fd int fd = -1;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	if (abi <= 0)
		return 0;
	attr.handled_access_fs = sl_ll_fs_rights(abi);
	if (abi >= 4)
		attr.handled_access_net = SL_LL_NET_BIND_TCP |
		    SL_LL_NET_CONNECT_TCP;
	if (abi >= 6)
		attr.scoped = SL_LL_SCOPE_ABSTRACT_UNIX;
	else
		size = abi >= 4 ? 16 : 8;
	if ((fd = sl_ll_create_ruleset(&attr, size, 0)) < 0)
		return -1;
	if (state_dfd >= 0) {
		/* Its own registry entry goes when the job ends (state.c). */
		struct sl_path_beneath_attr pb = {
		    LANDLOCK_ACCESS_FS_REMOVE_FILE, state_dfd };

		if (sl_ll_add_rule(fd, SL_LL_RULE_PATH_BENEATH, &pb, 0) < 0)
			return -1;
	}
#ifdef SL_SAN
	{
		/* Sanitizer builds only: LeakSanitizer reads /proc at exit. */
		struct sl_path_beneath_attr pb = { SL_LL_FS_READ_FILE |
		    SL_LL_FS_READ_DIR, open("/proc", O_PATH | O_CLOEXEC) };

		if (pb.parent_fd < 0 || sl_ll_add_rule(fd, SL_LL_RULE_PATH_BENEATH,
		    &pb, 0) < 0)
			return -1;
		sl_close(pb.parent_fd);
	}
#endif
	return sl_ll_restrict_self(fd, 0);
}
