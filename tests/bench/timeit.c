/*
 * timeit: runs commands interleaved, N rounds, and prints per command the
 * median and p90 wall time in microseconds, one line each:
 *   timeit N -- CMD1 ARGS ::: CMD2 ARGS ::: ...
 * Each command runs with stdin, stdout and stderr on /dev/null unless it
 * is a shell line ("sh -c ..."), which may redirect as it likes.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAXCMD	8

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
run_once(char **argv)
{
	struct timespec a, b;
	int ws, fd;
	pid_t pid;

	clock_gettime(CLOCK_MONOTONIC, &a);
	if ((pid = fork()) == 0) {
		fd = open("/dev/null", O_RDWR);
		dup2(fd, 0);
		dup2(fd, 1);
		execvp(argv[0], argv);
		_exit(127);
	}
	waitpid(pid, &ws, 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0) {
		fprintf(stderr, "timeit: %s failed (status %#x)\n", argv[0], ws);
		exit(1);
	}
	return (double)(b.tv_sec - a.tv_sec) * 1e6 +
	    (double)(b.tv_nsec - a.tv_nsec) / 1e3;
}

int
main(int argc, char *argv[])
{
	char **cmds[MAXCMD];
	double *t[MAXCMD];
	int n, ncmd = 0, i, k;

	if (argc < 4 || strcmp(argv[2], "--") != 0) {
		fprintf(stderr, "usage: timeit N -- CMD ::: CMD ...\n");
		return 2;
	}
	n = atoi(argv[1]);
	cmds[ncmd++] = &argv[3];
	for (i = 3; i < argc; i++)
		if (strcmp(argv[i], ":::") == 0 && ncmd < MAXCMD) {
			argv[i] = NULL;
			cmds[ncmd++] = &argv[i + 1];
		}
	for (k = 0; k < ncmd; k++)
		t[k] = calloc((size_t)n, sizeof(double));
	for (i = 0; i < n; i++)
		for (k = 0; k < ncmd; k++)
			t[k][i] = run_once(cmds[k]);
	for (k = 0; k < ncmd; k++) {
		qsort(t[k], (size_t)n, sizeof(double), cmp);
		printf("%.1f %.1f\n", t[k][n / 2], t[k][(n * 9) / 10]);
	}
	return 0;
}
