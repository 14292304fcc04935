/*
 * fuzz_json.c: libFuzzer entry point over the JSON reader and writer
 * (worker/json_parse.c, worker/json.c).  The input is not NUL-terminated,
 * so any read past its end is caught by ASan.  Properties checked beyond
 * "no crash, no leak":
 *   - a refusal sets errno to one of the documented values and a message
 *     of printable ASCII, with a place inside the input (or none);
 *   - what parses writes out as compact JSON that parses again and writes
 *     out to the same bytes, with no raw control character in it.
 * `make fuzz` builds it with -fsanitize=fuzzer; the unit suite replays
 * tests/fuzz/corpus/json/ through the same function (test_json.c).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_refusal(const struct sl_json_err *e, const uint8_t *data, size_t size)
{
	int err = errno;
	size_t i, lines = 1;
	const char *m;

	if (err != EINVAL && err != ERANGE && err != E2BIG && err != ENOMEM) {
		(void)fprintf(stderr, "errno %d: %s\n", err, e->msg);
		abort();
	}
	for (m = e->msg; *m != '\0'; m++)
		if (*m < ' ' || *m >= 0x7f)
			abort();
	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (e->msg[0] == '\0' || (e->line == 0) != (e->col == 0) ||
	    e->line > lines || (e->line > 0 && e->col > size + 1))
		abort();
}

static void
check_output(const char *s, size_t n)
{
	size_t i;

	if (strlen(s) != n)
		abort();
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sl_json_err e;
	struct sl_json *v, *w;
	char *a = NULL, *b = NULL;
	size_t na, nb;

	memset(&e, 0, sizeof(e));
	if ((v = sl_json_parse((const char *)data, size, &e)) == NULL) {
		check_refusal(&e, data, size);
		return 0;
	}
	if ((a = sl_json_dump(v, &na)) == NULL)
		abort();
	check_output(a, na);
	if ((w = sl_json_parse(a, na, &e)) == NULL) {
		(void)fprintf(stderr, "own output refused: %u:%u: %s\n%s\n",
		    e.line, e.col, e.msg, a);
		abort();
	}
	if ((b = sl_json_dump(w, &nb)) == NULL || nb != na ||
	    memcmp(a, b, na) != 0)
		abort();
	free(a);
	free(b);
	sl_json_free(v);
	sl_json_free(w);
	return 0;
}
