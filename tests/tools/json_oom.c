/*
 * json_oom.c: makes each allocation of the JSON code fail in turn (the
 * first, then the second, ... until a run goes through), while reading a
 * document, writing it back and building a tree with every constructor
 * and adder.  Every failure must come back as NULL or -1 with ENOMEM:
 * no crash, no abort; under SAN=1 LeakSanitizer also checks that nothing
 * leaks on those paths.  The sources are #included with malloc, calloc,
 * realloc, strdup and open_memstream (not the stream's own growth)
 * replaced.  Part of `make suites`; exit 0, or 1 with what failed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long countdown = -1;	/* the allocation that fails; -1: none */

static int
fail_now(void)
{
	if (countdown < 0 || countdown-- > 0)
		return 0;
	errno = ENOMEM;
	return 1;
}

static void *
t_malloc(size_t n)
{
	return fail_now() ? NULL : malloc(n);
}

static void *
t_calloc(size_t a, size_t b)
{
	return fail_now() ? NULL : calloc(a, b);
}

static void *
t_realloc(void *p, size_t n)
{
	return fail_now() ? NULL : realloc(p, n);
}

static char *
t_strdup(const char *s)
{
	return fail_now() ? NULL : strdup(s);
}

static FILE *
t_open_memstream(char **p, size_t *n)
{
	return fail_now() ? NULL : open_memstream(p, n);
}

#define malloc(n)		t_malloc(n)
#define calloc(a, b)		t_calloc(a, b)
#define realloc(p, n)		t_realloc(p, n)
#define strdup(s)		t_strdup(s)
#define open_memstream(p, n)	t_open_memstream(p, n)
#include "../../worker/json.c"
#include "../../worker/json_parse.c"
#undef malloc
#undef calloc
#undef realloc
#undef strdup
#undef open_memstream

static const char doc[] =
    "{\"version\":1,\"name\":\"a\\u00e9\",\"pid\":-5,\"ok\":true,"
    "\"none\":null,\"stages\":[{\"argv\":[\"sh\",\"-c\",\"x\\n\"],"
    "\"policy\":\"\\ud83d\\ude00\"},[],{}],\"k1\":1,\"k2\":2,\"k3\":3}";

/* Parses doc and writes it back: 0, 1 (ENOMEM, as it must be), or -1. */
static int
read_write(void)
{
	struct sl_json_err e;
	struct sl_json *v;
	char *s;

	if ((v = sl_json_parse(doc, sizeof(doc) - 1, &e)) == NULL)
		return errno == ENOMEM && strcmp(e.msg, "out of memory") == 0 &&
		    e.line == 0 ? 1 : -1;
	s = sl_json_dump(v, NULL);
	sl_json_free(v);
	if (s == NULL)
		return errno == ENOMEM ? 1 : -1;
	free(s);
	return 0;
}

/* Every constructor and adder: 0, 1 (ENOMEM somewhere), or -1. */
static int
build(void)
{
	struct sl_json *o = sl_json_new_object(), *a = sl_json_new_array();
	int r = 0, i;

	if (o == NULL || a == NULL ||
	    sl_json_set_str(o, "s", "x") < 0 ||
	    sl_json_set_str(o, "n", NULL) < 0 ||
	    sl_json_set_int(o, "i", 1) < 0 ||
	    sl_json_set_bool(o, "b", true) < 0 ||
	    sl_json_set(o, "f", sl_json_new_strf("%d", 7)) < 0)
		r = errno == ENOMEM ? 1 : -1;
	for (i = 0; i < 6 && r == 0; i++)
		if (sl_json_append(a, sl_json_new_str("item")) < 0)
			r = errno == ENOMEM ? 1 : -1;
	if (r == 0)
		r = sl_json_set(o, "a", a) == 0 ? 0 : errno == ENOMEM ? 1 : -1;
	else
		sl_json_free(a);
	sl_json_free(o);
	return r;
}

int
main(void)
{
	long k;
	int r;

	for (k = 0; k < 10000; k++) {
		countdown = k;
		if ((r = read_write()) == 0)
			r = build();
		if (r < 0 || (r == 0) != (countdown >= 0)) {
			(void)fprintf(stderr, "json-oom: allocation %ld failed: "
			    "%s (errno %d)\n", k, r == 0 ? "not reported" :
			    "not reported as ENOMEM", errno);
			return 1;
		}
		if (r == 0)
			break;		/* went through: every allocation done */
	}
	if (k < 20 || k == 10000) {
		(void)fprintf(stderr, "json-oom: %ld allocations?\n", k);
		return 1;
	}
	(void)printf("json-oom: each of %ld allocations failed in turn, each "
	    "reported as ENOMEM: ok\n", k);
	return 0;
}
