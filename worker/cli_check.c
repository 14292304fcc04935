/*
 * cli_check.c: `sandlock check [--json]`: what this kernel can enforce,
 * asked of the kernel itself (Landlock's version and errata calls, a
 * trivial filter loaded in a throwaway child, pidfd_getfd on a child),
 * and what sandlock refuses or degrades here.  Exit 0 when the minimum
 * (Landlock ABI 6, seccomp filters, user notification) is there, else 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_ops.h"
#include "compat/landlock.h"
#include "compat/seccomp.h"
#include "json.h"
#include "state.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV	(1UL << 5)
#endif
#define LL_CREATE_RULESET_ERRATA	(1U << 1)	/* ABI 7 */

struct right {
	const char *name;
	int abi;
};

/* Each right by the Landlock ABI that introduced it. */
static const struct right rights[] = {
	{ "fs.execute", 1 }, { "fs.write_file", 1 }, { "fs.read_file", 1 },
	{ "fs.read_dir", 1 }, { "fs.remove_dir", 1 }, { "fs.remove_file", 1 },
	{ "fs.make_char", 1 }, { "fs.make_dir", 1 }, { "fs.make_reg", 1 },
	{ "fs.make_sock", 1 }, { "fs.make_fifo", 1 }, { "fs.make_block", 1 },
	{ "fs.make_sym", 1 }, { "fs.refer", 2 }, { "fs.truncate", 3 },
	{ "net.bind_tcp", 4 }, { "net.connect_tcp", 4 }, { "fs.ioctl_dev", 5 },
	{ "scope.abstract_unix_socket", 6 }, { "scope.signal", 6 },
	{ "log.same_exec_off", 7 }, { "log.new_exec_on", 7 },
	{ "log.subdomains_off", 7 },
};

struct kcheck {
	int abi;		/* <= 0: none (-errno) */
	long errata;		/* -1: unsupported */
	int filter, notif, killable, sync, getfd;	/* 0 or errno */
};

static int
load(unsigned flags)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { 1, f };

	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
}

/* In a throwaway child: r[0] filter, r[1] listener, r[2] SYNC_WAKE_UP. */
static void
seccomp_child(int w, bool killable)
{
	int r[3] = { ENOSYS, ENOSYS, ENOSYS }, fd;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		r[0] = errno;
	else if (!killable) {
		r[0] = load(0) < 0 ? errno : 0;
		if ((fd = load(SECCOMP_FILTER_FLAG_NEW_LISTENER)) < 0)
			r[1] = errno;
		else {
			r[1] = 0;
			r[2] = ioctl(fd, SECCOMP_IOCTL_NOTIF_SET_FLAGS,
			    SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) < 0 ? errno : 0;
		}
	} else
		r[1] = load(SECCOMP_FILTER_FLAG_NEW_LISTENER |
		    SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV) < 0 ? errno : 0;
	if (write(w, r, sizeof(r)) < 0)
		_exit(1);
	_exit(0);
}

static void
probe_seccomp(bool killable, int r[3])
{
	int p[2];
	pid_t pid;

	r[0] = r[1] = r[2] = ECHILD;
	if (pipe2(p, O_CLOEXEC) < 0)
		return;
	if ((pid = fork()) == 0)
		seccomp_child(p[1], killable);
	close(p[1]);
	if (pid > 0) {
		if (read(p[0], r, 3 * sizeof(int)) != 3 * sizeof(int))
			r[0] = r[1] = r[2] = ECHILD;
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	close(p[0]);
}

/* pidfd_getfd of fd 0 of a child that waits to be killed. */
static int
probe_getfd(void)
{
	int pfd, fd, err;
	pid_t pid;

	if ((pid = fork()) == 0) {
		pause();
		_exit(0);
	}
	if (pid < 0)
		return errno;
	if ((pfd = (int)syscall(SYS_pidfd_open, pid, 0)) < 0)
		err = errno;
	else if ((fd = (int)syscall(SYS_pidfd_getfd, pfd, 0, 0)) < 0)
		err = errno;
	else {
		err = 0;
		close(fd);
	}
	if (pfd >= 0)
		close(pfd);
	(void)kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return err;
}

static void
kernel_check(struct kcheck *k)
{
	int r[3];

	k->abi = (int)syscall(__NR_landlock_create_ruleset, NULL, 0,
	    SL_LL_CREATE_RULESET_VERSION);
	if (k->abi < 0)
		k->abi = -errno;
	k->errata = syscall(__NR_landlock_create_ruleset, NULL, 0,
	    LL_CREATE_RULESET_ERRATA);
	probe_seccomp(false, r);
	k->filter = r[0];
	k->notif = r[1];
	k->sync = r[1] == 0 ? r[2] : r[1];
	probe_seccomp(true, r);
	k->killable = r[1];
	k->getfd = probe_getfd();
}

static bool
minimum(const struct kcheck *k)
{
	return k->abi >= SL_LL_ABI_REQUIRED && k->filter == 0 && k->notif == 0;
}

/* What sandlock refuses (refuse) or runs weaker (!refuse) here. */
static struct sl_json *
limits(const struct kcheck *k, bool refuse)
{
	struct sl_json *a = sl_json_new_array();

	if (refuse && k->abi < SL_LL_ABI_REQUIRED)
		(void)sl_json_append(a, sl_json_new_strf("every run without "
		    "--allow-degraded: Landlock ABI %d, sandlock needs %d",
		    k->abi < 0 ? 0 : k->abi, SL_LL_ABI_REQUIRED));
	if (refuse && (k->notif || k->killable || k->getfd))
		(void)sl_json_append(a, sl_json_new_str("-P and -m: they "
		    "need seccomp user notification, WAIT_KILLABLE_RECV and "
		    "pidfd_getfd"));
	if (!refuse && k->abi < SL_LL_ABI_REQUIRED)
		(void)sl_json_append(a, sl_json_new_strf("with "
		    "--allow-degraded, not enforced: %s", k->abi < 4 ?
		    "TCP rules, IPC and signal scoping and more" :
		    "IPC and signal scoping and more"));
	if (!refuse && k->notif == 0 && k->sync != 0)
		(void)sl_json_append(a, sl_json_new_str("the supervisor runs "
		    "without SYNC_WAKE_UP (slower notifications)"));
	if (!refuse && k->filter != 0)
		(void)sl_json_append(a, sl_json_new_str("no seccomp: nothing "
		    "can run"));
	return a;
}

/* [{"name", "abi", "supported"}] of every right; one that cannot be
 * made (no memory) is left out. */
static struct sl_json *
rights_json(const struct kcheck *k)
{
	struct sl_json *a = sl_json_new_array(), *o;
	size_t i;

	for (i = 0; a != NULL && i < sizeof(rights) / sizeof(rights[0]); i++) {
		if ((o = sl_json_new_object()) == NULL ||
		    sl_json_set_str(o, "name", rights[i].name) < 0 ||
		    sl_json_set_int(o, "abi", rights[i].abi) < 0 ||
		    sl_json_set_bool(o, "supported", k->abi >= rights[i].abi) <
		    0) {
			sl_json_free(o);
			continue;
		}
		(void)sl_json_append(a, o);
	}
	return a;
}

static struct sl_json *
landlock_json(const struct kcheck *k)
{
	struct sl_json *o = sl_json_new_object();

	if (o == NULL ||
	    sl_json_set_int(o, "abi", k->abi < 0 ? 0 : k->abi) < 0 ||
	    sl_json_set(o, "errata", k->errata >= 0 ?
	    sl_json_new_int(k->errata) : sl_json_new_null()) < 0 ||
	    sl_json_set(o, "rights", rights_json(k)) < 0) {
		sl_json_free(o);
		return NULL;
	}
	return o;
}

static struct sl_json *
seccomp_json(const struct kcheck *k)
{
	struct sl_json *o = sl_json_new_object();

	if (o == NULL || sl_json_set_bool(o, "filter", k->filter == 0) < 0 ||
	    sl_json_set_bool(o, "user_notif", k->notif == 0) < 0 ||
	    sl_json_set_bool(o, "wait_killable_recv", k->killable == 0) < 0 ||
	    sl_json_set_bool(o, "sync_wake_up", k->sync == 0) < 0) {
		sl_json_free(o);
		return NULL;
	}
	return o;
}

static struct sl_json *
report_json(const struct kcheck *k)
{
	struct sl_json *o = sl_json_new_object();

	if (o == NULL ||
	    sl_json_set_str(o, "version", sandlock_version()) < 0 ||
	    sl_json_set(o, "landlock", landlock_json(k)) < 0 ||
	    sl_json_set(o, "seccomp", seccomp_json(k)) < 0 ||
	    sl_json_set_bool(o, "pidfd_getfd", k->getfd == 0) < 0 ||
	    sl_json_set(o, "refused", limits(k, true)) < 0 ||
	    sl_json_set(o, "degraded", limits(k, false)) < 0 ||
	    sl_json_set_bool(o, "minimum_met", minimum(k)) < 0) {
		sl_json_free(o);
		return NULL;
	}
	return o;
}

static const char *
yn(int err)
{
	return err == 0 ? "yes" : strerror(err);
}

/* Prints and frees the array a. */
static void
print_list(const char *what, struct sl_json *a)
{
	size_t i;

	if (sl_json_len(a) == 0)
		(void)printf("%s: nothing\n", what);
	for (i = 0; i < sl_json_len(a); i++)
		(void)printf("%s: %s\n", what, sl_json_str(sl_json_at(a, i)));
	sl_json_free(a);
}

static void
report_text(const struct kcheck *k)
{
	struct utsname u;
	size_t i;

	if (uname(&u) == 0)
		(void)printf("kernel: %s %s\n", u.sysname, u.release);
	if (k->abi > 0)
		(void)printf("landlock.abi: %d\n", k->abi);
	else
		(void)printf("landlock.abi: 0 (missing: %s)\n", strerror(-k->abi));
	if (k->errata >= 0)
		(void)printf("landlock.errata: 0x%lx\n", k->errata);
	else
		(void)printf("landlock.errata: unsupported\n");
	for (i = 0; i < sizeof(rights) / sizeof(rights[0]); i++)
		(void)printf("landlock.%s: %s (ABI %d)\n", rights[i].name,
		    k->abi >= rights[i].abi ? "yes" : "no", rights[i].abi);
	(void)printf("seccomp.filter: %s\n", yn(k->filter));
	(void)printf("seccomp.user_notif: %s\n", yn(k->notif));
	(void)printf("seccomp.wait_killable_recv: %s\n", yn(k->killable));
	(void)printf("seccomp.sync_wake_up: %s\n", yn(k->sync));
	(void)printf("pidfd_getfd: %s\n", yn(k->getfd));
	print_list("refused", limits(k, true));
	print_list("degraded", limits(k, false));
	(void)printf("minimum (Landlock ABI %d, seccomp filters, user "
	    "notification): %s\n", SL_LL_ABI_REQUIRED, minimum(k) ? "met" :
	    "MISSING");
}

int
cli_check(int argc, char *argv[])
{
	struct kcheck k;
	struct sl_json *j;
	char *s;

	if (argc > 1 || (argc == 1 && strcmp(argv[0], "--json") != 0)) {
		(void)fprintf(stderr, "sandlock: usage: sandlock check "
		    "[--json]\n");
		return 125;
	}
	(void)fflush(stdout);
	kernel_check(&k);
	if (argc == 1) {
		if ((j = report_json(&k)) == NULL ||
		    (s = sl_json_dump(j, NULL)) == NULL) {
			sl_json_free(j);
			(void)fprintf(stderr, "sandlock: out of memory\n");
			return 125;
		}
		(void)printf("%s\n", s);
		free(s);
		sl_json_free(j);
	} else
		report_text(&k);
	if (!minimum(&k))
		(void)fprintf(stderr, "sandlock: this kernel lacks what "
		    "sandlock needs (Landlock ABI %d, seccomp filters and user "
		    "notification): see above\n", SL_LL_ABI_REQUIRED);
	return minimum(&k) ? 0 : 1;
}
