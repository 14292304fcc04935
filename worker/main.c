/*
 * sandlock(1): a thin CLI over libsandlock.  See sandlock.1.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sandlock.h"
#include "cli_ops.h"
#include "cli_profile.h"

static const char usage[] =
"usage: sandlock run [OPTIONS] -- COMMAND [ARG...]\n"
"       sandlock run -p NAME | --profile-file FILE [OPTIONS] [-- COMMAND...]\n"
"       sandlock pipeline --file FILE.toml | gather --file FILE.toml\n"
"       sandlock profile list | show NAME | check FILE\n"
"       sandlock pipeline [JOB OPTIONS] :: [OPTIONS] -- CMD [ARG...] :: ...\n"
"       sandlock gather [JOB OPTIONS] :: --as NAME [OPTIONS] -- CMD ... ::\n"
"                ... :: [OPTIONS] -- CONSUMER [ARG...]\n"
"       sandlock ps [--json] | kill NAME [SIGNAL] | inspect NAME [--json]\n"
"       sandlock check [--json]\n"
"       sandlock --version | --help\n"
"\n"
"Runs COMMAND confined by Landlock and seccomp.  By default it may read,\n"
"write and execute nothing, and has no network.\n"
"\n"
"  -r, --fs-read PATH            read and execute beneath PATH (repeatable)\n"
"  -w, --fs-write PATH           also write, create, remove beneath PATH\n"
"      --clean-env               start from an empty environment\n"
"      --env KEY=VALUE           set a variable (repeatable)\n"
"      --cwd DIR                 working directory (default: the current)\n"
"  -t, --timeout SECS            kill the whole process tree after SECS\n"
"      --extra-deny-syscall NAME deny a syscall with EPERM (repeatable)\n"
"  -P, --max-processes N         at most N processes and threads alive\n"
"  -m, --max-memory SIZE         memory limit (512M, 2G): ENOMEM, or killed\n"
"      --max-open-files N        RLIMIT_NOFILE\n"
"      --max-file-size SIZE      RLIMIT_FSIZE\n"
"      --cpu-time SECS           RLIMIT_CPU\n"
"      --net-allow SPEC          allow destinations: :443, host:80,443,\n"
"                                10.0.0.0/8:22, [::1]:*, udp://, icmp://host\n"
"      --net-deny SPEC           allow all but these addresses (CIDR[:PORTS])\n"
"      --net-allow-bind PORTS    TCP ports it may bind: 8080,9000-9005, *\n"
"      --no-supervisor           no supervisor (refuses -P, -m, address\n"
"                                rules); nests\n"
"      --allow-degraded          run even if Landlock is missing or too old\n"
"  -p, --profile NAME            start from profile NAME (see profile list)\n"
"      --profile-file FILE       start from the profile in FILE\n"
"      --name NAME               name it for ps, kill, inspect (default:\n"
"                                sandbox-PID)\n"
"      --audit FILE              append a JSON line per stage to FILE\n"
"      --status-fd FD            write the result as one JSON line to FD\n"
"\n"
"Pipelines and gathers: each stage starts at a word '::' and has its own\n"
"OPTIONS (the policy flags above) before '--'.  Policy flags before the\n"
"first '::' start every stage's policy.  JOB OPTIONS also take:\n"
"  -t, --timeout SECS            one timeout for every stage and descendant\n"
"      --pipefail                status of the last stage that failed\n"
"      --stdin FILE              the first stage reads FILE (pipeline)\n"
"A gather's sources take --as NAME; the consumer (last stage) reads the\n"
"last source on fd 0, the others on fds 3, 4, ..., listed by name in\n"
"$_SANDLOCK_GATHER (e.g. \"a:3,b:0\").\n"
"\n"
"Exit status: the command's own; 128+N if it died of signal N; 124 on\n"
"timeout; 125 if sandlock failed; 126 if the command could not be\n"
"executed; 127 if it was not found.\n";

static int
cmd_run(int argc, char *argv[])
{
	struct sandlock_policy *p;
	struct sandlock_run_opts o;
	struct sandlock_result r;
	struct sandlock_error e;
	struct sandlock_job_result jr;
	char why[1][256];
	struct cli_opts co;
	char *const *cmd;
	int status;

	if ((status = cli_ops_extract(&argc, argv, "--", &co)) != 0)
		return status;
	if ((p = sandlock_policy_new()) == NULL) {
		(void)fprintf(stderr, "sandlock: out of memory\n");
		return 125;
	}
	if (sandlock_policy_parse_run(p, argc, argv, &cmd, &e) < 0) {
		(void)fprintf(stderr, "sandlock: %s (see sandlock --help)\n",
		    e.msg);
		sandlock_policy_free(p);
		return 125;
	}
	if (cmd == NULL) {
		(void)fputs(usage, stdout);
		sandlock_policy_free(p);
		return 0;
	}
	sandlock_run_opts_init(&o);
	o.confine_self = true;
	if ((status = cli_ops_prepare(&co)) != 0) {
		sandlock_policy_free(p);
		cli_ops_done(&co);
		return status;
	}
	o.name = co.name;
	o.audit_fd = co.audit_fd;
	if ((o.cancel_fd = sandlock_forward_signals()) < 0) {
		(void)fprintf(stderr, "sandlock: pipe: %s\n", strerror(errno));
		sandlock_policy_free(p);
		cli_ops_done(&co);
		return 125;
	}
	if (sandlock_run(p, cmd, &o, &r, &e) < 0)
		(void)fprintf(stderr, "sandlock: %s\n", e.msg);
	else if (r.outcome == SANDLOCK_TIMEOUT)
		(void)fprintf(stderr, "sandlock: timeout: killed %s and every "
		    "process it started\n", cmd[0]);
	else if (r.outcome == SANDLOCK_MEMORY)
		(void)fprintf(stderr, "sandlock: memory limit (-m) exceeded: "
		    "killed %s and every process it started\n", cmd[0]);
	status = sandlock_exit_status(&r);
	memset(&jr, 0, sizeof(jr));
	jr.status = r;
	jr.stages = &r;
	jr.errors = why;
	jr.nstages = 1;
	memset(why, 0, sizeof(why));
	if (r.outcome == SANDLOCK_NOT_RUN)
		memcpy(why[0], e.msg, strnlen(e.msg, sizeof(why[0]) - 1));
	cli_ops_status(&co, &jr, status);
	cli_ops_done(&co);
	sandlock_policy_free(p);
	return status;
}

/* Says which stages did not run, and which others failed. */
static void
report(const struct sandlock_job_result *r, char *const argv[])
{
	size_t i;

	(void)argv;
	for (i = 0; i < r->nstages; i++) {
		const struct sandlock_result *s = &r->stages[i];

		if (s->outcome == SANDLOCK_NOT_RUN)
			(void)fprintf(stderr, "sandlock: stage %zu: %s\n", i + 1,
			    r->errors[i]);
		else if (s->outcome == SANDLOCK_MEMORY)
			(void)fprintf(stderr, "sandlock: stage %zu: memory limit "
			    "(-m) exceeded: killed it and its processes\n",
			    i + 1);
		else if (i + 1 < r->nstages && s->outcome == SANDLOCK_EXITED &&
		    s->status != 0)
			(void)fprintf(stderr, "sandlock: stage %zu exited with "
			    "status %d\n", i + 1, s->status);
		else if (i + 1 < r->nstages && s->outcome == SANDLOCK_SIGNALED &&
		    s->status != SIGPIPE)
			(void)fprintf(stderr, "sandlock: stage %zu killed by "
			    "signal %d\n", i + 1, s->status);
	}
}

static int
cmd_job(bool gather, int argc, char *argv[])
{
	struct sandlock_job_result r;
	struct sandlock_job_opts o;
	struct sandlock_error e;
	struct sandlock_job *j;
	struct cli_opts co;
	int status;

	if ((status = cli_ops_extract(&argc, argv, "::", &co)) != 0)
		return status;
	if (cli_job_parse(gather, argc, argv, &j, &o, &e) < 0) {
		(void)fprintf(stderr, "sandlock: %s (see sandlock --help)\n",
		    e.msg);
		return 125;
	}
	if (j == NULL) {
		(void)fputs(usage, stdout);
		return 0;
	}
	o.confine_self = true;
	if (o.stdin_fd < 0)
		o.stdin_fd = 0;		/* the caller's, unless --stdin */
	if ((status = cli_ops_prepare(&co)) != 0) {
		sandlock_job_free(j);
		cli_ops_done(&co);
		return status;
	}
	o.name = co.name;
	o.audit_fd = co.audit_fd;
	if ((o.cancel_fd = sandlock_forward_signals()) < 0) {
		(void)fprintf(stderr, "sandlock: pipe: %s\n", strerror(errno));
		sandlock_job_free(j);
		return 125;
	}
	if (sandlock_job_run(j, &o, &r, &e) < 0) {
		(void)fprintf(stderr, "sandlock: %s\n", e.msg);
		status = 125;
		cli_ops_status(&co, NULL, status);
	} else {
		report(&r, argv);
		if (r.status.outcome == SANDLOCK_TIMEOUT)
			(void)fprintf(stderr, "sandlock: timeout: killed every "
			    "stage and every process they started\n");
		status = sandlock_exit_status(&r.status);
		cli_ops_status(&co, &r, status);
		sandlock_job_result_free(&r);
	}
	cli_ops_done(&co);
	sandlock_job_free(j);
	return status;
}

int
main(int argc, char *argv[])
{
	if (argc < 2) {
		(void)fputs(usage, stderr);
		return 125;
	}
	if (strcmp(argv[1], "run") == 0)
		return cmd_run(argc - 2, argv + 2);
	if (strcmp(argv[1], "pipeline") == 0 || strcmp(argv[1], "gather") == 0)
		return cmd_job(argv[1][0] == 'g', argc - 2, argv + 2);
	if (strcmp(argv[1], "profile") == 0)
		return cli_profile(argc - 2, argv + 2);
	if (strcmp(argv[1], "ps") == 0)
		return cli_ps(argc - 2, argv + 2);
	if (strcmp(argv[1], "kill") == 0)
		return cli_kill(argc - 2, argv + 2);
	if (strcmp(argv[1], "inspect") == 0)
		return cli_inspect(argc - 2, argv + 2);
	if (strcmp(argv[1], "check") == 0)
		return cli_check(argc - 2, argv + 2);
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		(void)printf("sandlock %s\n", sandlock_version());
		return 0;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		(void)fputs(usage, stdout);
		return 0;
	}
	(void)fprintf(stderr, "sandlock: unknown command '%s' (see sandlock "
	    "--help)\n", argv[1]);
	return 125;
}
