/*
 * libsandlock-example.c: runs `echo hello from libsandlock` confined to
 * reading /usr, /lib, /lib64 and /bin, under the name given as argv[1]
 * (default: example-PID) so that `sandlock ps` lists it while it runs.
 * `make check` builds it from the installed header and pkg-config file:
 *
 *	cc -o example libsandlock-example.c $(pkg-config --cflags --libs sandlock)
 */
#include <sandlock.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	static const char *const ro[] = { "/usr", "/lib", "/lib64", "/bin" };
	char *cmd[] = { "echo", "hello from libsandlock", NULL };
	struct sandlock_run_opts o;
	struct sandlock_result r;
	struct sandlock_error e;
	struct sandlock_policy *p;
	char name[32];
	size_t i;
	int rc;

	if ((p = sandlock_policy_new()) == NULL) {
		perror("sandlock_policy_new");
		return 125;
	}
	for (i = 0; i < sizeof(ro) / sizeof(ro[0]); i++)
		if (access(ro[i], F_OK) == 0 &&
		    sandlock_policy_fs_read(p, ro[i], &e) < 0) {
			fprintf(stderr, "example: %s\n", e.msg);
			sandlock_policy_free(p);
			return 125;
		}
	(void)snprintf(name, sizeof(name), "example-%d", (int)getpid());
	sandlock_run_opts_init(&o);
	o.name = argc > 1 ? argv[1] : name;
	/* sandlock kill reaches the sandbox through these handlers */
	o.cancel_fd = sandlock_forward_signals();
	if (sandlock_run(p, cmd, &o, &r, &e) < 0)
		fprintf(stderr, "example: %s\n", e.msg);
	rc = sandlock_exit_status(&r);
	printf("example: sandlock %s, Landlock ABI %d, exit status %d\n",
	    sandlock_version(), sandlock_landlock_abi(), rc);
	sandlock_policy_free(p);
	return rc;
}
