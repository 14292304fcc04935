/*
 * fuzz_policy.c: libFuzzer entry point over the TOML reader, the profile
 * and pipeline-file mappings and the canonical form.  Properties checked
 * beyond "no crash, no leak": a profile that parses has a canonical form
 * that parses again to the same digest.  `make fuzz` builds it with
 * -fsanitize=fuzzer; the unit suite replays tests/fuzz/corpus/policy/
 * through the same function (tests/unit/test_corpus.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
profile_roundtrip(const char *buf, size_t size)
{
	struct pol p, q;
	struct pol_strv prog = { NULL, 0 }, qprog = { NULL, 0 };
	struct pol_diag d;
	char a[65], b[65], *c = NULL;
	size_t n;

	pol_init(&p);
	pol_init(&q);
	if (pol_parse_profile(buf, size, "fuzz", &p, &prog, &d) == 0 &&
	    pol_canon(&p, &prog, &c, &n) == 0) {
		if (pol_parse_profile(c, n, "canon", &q, &qprog, &d) != 0) {
			(void)fprintf(stderr, "canonical form rejected: %u:%u: "
			    "%s\n%s", d.line, d.col, d.msg, c);
			abort();
		}
		if (pol_digest(&p, &prog, a) != 0 ||
		    pol_digest(&q, &qprog, b) != 0 || strcmp(a, b) != 0)
			abort();
	}
	free(c);
	pol_free(&p);
	pol_free(&q);
	pol_strv_free(&prog);
	pol_strv_free(&qprog);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pol_jobfile jf;
	struct pol_diag d;
	int kind;

	profile_roundtrip((const char *)data, size);
	for (kind = 0; kind < 2; kind++) {
		(void)pol_parse_jobfile((const char *)data, size, "fuzz", kind,
		    &jf, &d);
		pol_jobfile_free(&jf);
	}
	return 0;
}
