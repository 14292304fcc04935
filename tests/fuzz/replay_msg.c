/*
 * replay_msg.c: replays tests/fuzz/corpus/msg/ (or the files and
 * directories named on the command line) through fuzz_msg.c's entry
 * point, built without libFuzzer, as part of `make check` (and, with
 * SAN=1, under ASan and UBSan; `make valgrind` runs it under memcheck).  Beyond what the entry point checks, a
 * file named valid-* must leave the broker serving and one named bad-*
 * must end in a protocol violation, so the seeds stay what they say.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_msg.c"

static int fails, runs;

static void
replay_file(const char *path, const char *name)
{
	static uint8_t buf[1 << 20];
	FILE *f;
	size_t n;

	if ((f = fopen(path, "rb")) == NULL) {
		perror(path);
		fails++;
		return;
	}
	n = fread(buf, 1, sizeof(buf), f);
	(void)fclose(f);
	(void)LLVMFuzzerTestOneInput(buf, n);
	runs++;
	if ((strncmp(name, "valid-", 6) == 0 && fz_status != -1) ||
	    (strncmp(name, "bad-", 4) == 0 && fz_status != BRK_EXIT_PROTO)) {
		(void)fprintf(stderr, "replay_msg: %s: broker status %d\n",
		    path, fz_status);
		fails++;
	}
}

int
main(int argc, char *argv[])
{
	const char *def[] = { NULL, SL_SRCDIR "/tests/fuzz/corpus/msg" };
	struct dirent *e;
	char path[4096];
	DIR *d;
	int i;

	fz_nolandlock_ok = 1;
	if (argc < 2) {
		argv = (char **)(uintptr_t)def;
		argc = 2;
	}
	for (i = 1; i < argc; i++) {
		if ((d = opendir(argv[i])) == NULL) {
			replay_file(argv[i], strrchr(argv[i], '/') != NULL ?
			    strrchr(argv[i], '/') + 1 : argv[i]);
			continue;
		}
		while ((e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			(void)snprintf(path, sizeof(path), "%s/%s", argv[i],
			    e->d_name);
			replay_file(path, e->d_name);
		}
		(void)closedir(d);
	}
	if (fz_sock >= 0)
		fz_teardown();
	(void)printf("replay_msg: %d inputs, %d failures\n", runs, fails);
	return fails != 0 || runs == 0;
}
