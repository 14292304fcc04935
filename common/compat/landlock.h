/*
 * compat/landlock.h: the Landlock uapi up to ABI 7, which Debian 12's
 * <linux/landlock.h> (ABI 2) lacks, and guarded syscall wrappers.
 * Values are those of the kernel's include/uapi/linux/landlock.h.
 */
#ifndef SL_COMPAT_LANDLOCK_H
#define SL_COMPAT_LANDLOCK_H

#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

struct sl_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;	/* ABI 4 */
	uint64_t scoped;		/* ABI 6 */
};
_Static_assert(sizeof(struct sl_ruleset_attr) == 24, "landlock_ruleset_attr");

struct sl_path_beneath_attr {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));
_Static_assert(sizeof(struct sl_path_beneath_attr) == 12, "landlock_path_beneath_attr");

struct sl_net_port_attr {
	uint64_t allowed_access;
	uint64_t port;
};
_Static_assert(sizeof(struct sl_net_port_attr) == 16, "landlock_net_port_attr");

#define SL_LL_CREATE_RULESET_VERSION	(1U << 0)
#define SL_LL_RULE_PATH_BENEATH		1
#define SL_LL_RULE_NET_PORT		2

/*
 * Filesystem rights named here are those sandlock names; bits 4-12
 * (remove, make_*) are the rest of ABI 1, covered by SL_LL_FS_ABI1.
 */
#define SL_LL_FS_EXECUTE	(1ULL << 0)
#define SL_LL_FS_WRITE_FILE	(1ULL << 1)
#define SL_LL_FS_READ_FILE	(1ULL << 2)
#define SL_LL_FS_READ_DIR	(1ULL << 3)
#define SL_LL_FS_REFER		(1ULL << 13)	/* ABI 2 */
#define SL_LL_FS_TRUNCATE	(1ULL << 14)	/* ABI 3 */
#define SL_LL_FS_IOCTL_DEV	(1ULL << 15)	/* ABI 5 */

#define SL_LL_FS_ABI1		((1ULL << 13) - 1)
#define SL_LL_FS_ABI2		(SL_LL_FS_ABI1 | SL_LL_FS_REFER)
#define SL_LL_FS_ABI3		(SL_LL_FS_ABI2 | SL_LL_FS_TRUNCATE)
#define SL_LL_FS_ABI5		(SL_LL_FS_ABI3 | SL_LL_FS_IOCTL_DEV)

/* Rights that make sense on a file (not a directory). */
#define SL_LL_FS_FILE		(SL_LL_FS_EXECUTE | SL_LL_FS_WRITE_FILE | \
    SL_LL_FS_READ_FILE | SL_LL_FS_TRUNCATE | SL_LL_FS_IOCTL_DEV)

/* What -r and -w grant (policy/ uses these too). */
#define SL_LL_FS_READ_SET	(SL_LL_FS_EXECUTE | SL_LL_FS_READ_FILE | SL_LL_FS_READ_DIR)
#define SL_LL_FS_WRITE_SET	SL_LL_FS_ABI5

/* Network rights (ABI 4). */
#define SL_LL_NET_BIND_TCP	(1ULL << 0)
#define SL_LL_NET_CONNECT_TCP	(1ULL << 1)

/* Scopes (ABI 6). */
#define SL_LL_SCOPE_ABSTRACT_UNIX	(1ULL << 0)
#define SL_LL_SCOPE_SIGNAL		(1ULL << 1)

/* The ABI below which sandlock refuses to run without --allow-degraded. */
#define SL_LL_ABI_REQUIRED	6

#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset	444
#define __NR_landlock_add_rule		445
#define __NR_landlock_restrict_self	446
#endif

static inline int
sl_ll_create_ruleset(const struct sl_ruleset_attr *attr, size_t size,
    uint32_t flags)
{
	return (int)syscall(__NR_landlock_create_ruleset, attr, size, flags);
}

static inline int
sl_ll_add_rule(int ruleset_fd, int rule_type, const void *attr, uint32_t flags)
{
	return (int)syscall(__NR_landlock_add_rule, ruleset_fd, rule_type, attr,
	    flags);
}

static inline int
sl_ll_restrict_self(int ruleset_fd, uint32_t flags)
{
	return (int)syscall(__NR_landlock_restrict_self, ruleset_fd, flags);
}

/* Every filesystem right an ABI knows. */
static inline uint64_t
sl_ll_fs_rights(int abi)
{
	if (abi >= 5)
		return SL_LL_FS_ABI5;
	if (abi >= 3)
		return SL_LL_FS_ABI3;
	if (abi == 2)
		return SL_LL_FS_ABI2;
	return abi == 1 ? SL_LL_FS_ABI1 : 0;
}

/*
 * Adds a path rule on fd (borrowed): rights trimmed to the ABI, and to the
 * file rights on a non-directory.  The broker and the supervisor's /proc
 * opener both build their rulesets with this one function.
 */
static inline int
sl_ll_add_path(int ruleset_fd, int fd, uint64_t access, int abi)
{
	struct sl_path_beneath_attr pb;
	struct stat sb;

	if (fstat(fd, &sb) < 0)
		return -1;
	access &= sl_ll_fs_rights(abi);
	if (!S_ISDIR(sb.st_mode))
		access &= SL_LL_FS_FILE;
	if (access == 0)
		return 0;
	pb.allowed_access = access;
	pb.parent_fd = fd;
	return sl_ll_add_rule(ruleset_fd, SL_LL_RULE_PATH_BENEATH, &pb, 0);
}

/* Returns the running kernel's Landlock ABI, or 0 when Landlock is absent. */
static inline int
sl_ll_abi(void)
{
	int abi = sl_ll_create_ruleset(NULL, 0, SL_LL_CREATE_RULESET_VERSION);

	return abi < 0 ? 0 : abi;
}

#endif
