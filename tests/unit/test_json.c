/*
 * test_json.c: the JSON tree, writer and reader (worker/json*.c).  The
 * writer's exact bytes (those jansson's JSON_COMPACT wrote before it was
 * replaced), round trips, then one bad input per test with errno and the
 * exact line:col, then the committed fuzz corpus (tests/fuzz/corpus/json/)
 * through the libFuzzer entry point: valid-* must parse, bad-* must not.
 *
 * Decided here: a key twice in one object is refused (EINVAL, at the
 * second one), so that no two readers of a state entry can disagree on
 * which value counts; reals and \u0000 are refused too.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <criterion/parameterized.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "th.h"

/* The fuzz entry point, renamed: fuzz_policy.c's is in this binary too. */
#define LLVMFuzzerTestOneInput	json_fuzz_one
#include "../fuzz/fuzz_json.c"
#undef LLVMFuzzerTestOneInput

#ifndef SL_SRCDIR
#define SL_SRCDIR "."
#endif

static struct sl_json_err tj_e;

TestSuite(json_write);
TestSuite(json_read);
TestSuite(json_bad);

/* Dumps v (which must work), frees v, compares with want. */
static void
tj_dump_is(struct sl_json *v, const char *want)
{
	size_t n;
	char *s;

	cr_assert_not_null(v);
	s = sl_json_dump(v, &n);
	cr_assert_not_null(s);
	cr_assert(eq(sz, n, strlen(want)));
	cr_assert(eq(str, s, (char *)want));
	free(s);
	sl_json_free(v);
}

static struct sl_json *
tj_parse(const char *doc)
{
	struct sl_json *v = sl_json_parse(doc, strlen(doc), &tj_e);

	cr_assert_not_null(v, "%u:%u: %s: %s", tj_e.line, tj_e.col, tj_e.msg,
	    doc);
	return v;
}

/* Parses doc[0..len) and writes it out again: want. */
static void
tj_round(const char *doc, const char *want)
{
	tj_dump_is(tj_parse(doc), want);
}

/* Asserts doc[0..len) fails with err at line:col and a message with sub. */
static void
tj_bad_n(const char *doc, size_t len, int err, unsigned line, unsigned col,
    const char *sub)
{
	struct sl_json *v;
	int e;

	memset(&tj_e, 0, sizeof(tj_e));
	v = sl_json_parse(doc, len, &tj_e);
	e = errno;
	cr_assert_null(v, "parsed: %s", doc);
	cr_assert(eq(int, e, err), "errno %d: %s", e, tj_e.msg);
	cr_assert(eq(u32, tj_e.line, line), "%u:%u: %s", tj_e.line, tj_e.col,
	    tj_e.msg);
	cr_assert(eq(u32, tj_e.col, col), "%u:%u: %s", tj_e.line, tj_e.col,
	    tj_e.msg);
	cr_assert(strstr(tj_e.msg, sub) != NULL, "\"%s\" lacks \"%s\"",
	    tj_e.msg, sub);
}

/* ---- writing -------------------------------------------------------- */

/* Every type, keys in insertion order, "," and ":" without spaces. */
Test(json_write, every_type_in_order)
{
	struct sl_json *o = sl_json_new_object(), *a = sl_json_new_array();

	cr_assert(eq(int, sl_json_append(a, sl_json_new_int(1)), 0));
	cr_assert(eq(int, sl_json_append(a, sl_json_new_null()), 0));
	cr_assert(eq(int, sl_json_append(a, sl_json_new_bool(false)), 0));
	cr_assert(eq(int, sl_json_set_str(o, "z", "last?"), 0));
	cr_assert(eq(int, sl_json_set_int(o, "a", -7), 0));
	cr_assert(eq(int, sl_json_set_bool(o, "t", true), 0));
	cr_assert(eq(int, sl_json_set(o, "list", a), 0));
	cr_assert(eq(int, sl_json_set(o, "o", sl_json_new_object()), 0));
	cr_assert(eq(int, sl_json_set(o, "e", sl_json_new_array()), 0));
	tj_dump_is(o, "{\"z\":\"last?\",\"a\":-7,\"t\":true,"
	    "\"list\":[1,null,false],\"o\":{},\"e\":[]}");
}

/* Setting a key again replaces its value where it stands. */
Test(json_write, set_replaces_in_place)
{
	struct sl_json *o = sl_json_new_object();

	cr_assert(eq(int, sl_json_set_int(o, "a", 1), 0));
	cr_assert(eq(int, sl_json_set_int(o, "b", 2), 0));
	cr_assert(eq(int, sl_json_set_str(o, "a", "again"), 0));
	tj_dump_is(o, "{\"a\":\"again\",\"b\":2}");
}

/* jansson's escapes: short forms, \u00XX upper case, / DEL and UTF-8 raw. */
Test(json_write, escapes_as_jansson)
{
	char ctl[32];
	int i;

	for (i = 1; i < 32; i++)
		ctl[i - 1] = (char)i;
	ctl[31] = '\0';
	tj_dump_is(sl_json_new_str(ctl), "\"\\u0001\\u0002\\u0003\\u0004"
	    "\\u0005\\u0006\\u0007\\b\\t\\n\\u000B\\f\\r\\u000E\\u000F\\u0010"
	    "\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019"
	    "\\u001A\\u001B\\u001C\\u001D\\u001E\\u001F\"");
	tj_dump_is(sl_json_new_str("a\"b\\c/d\x7f\xc3\xa9\xf0\x9f\x98\x80"),
	    "\"a\\\"b\\\\c/d\x7f\xc3\xa9\xf0\x9f\x98\x80\"");
	tj_dump_is(sl_json_new_str(""), "\"\"");
}

/* Keys are escaped as strings are. */
Test(json_write, keys_escaped)
{
	struct sl_json *o = sl_json_new_object();

	cr_assert(eq(int, sl_json_set_int(o, "a\"\n", 1), 0));
	tj_dump_is(o, "{\"a\\\"\\n\":1}");
}

/* Text from the system: bytes that are not UTF-8 become U+FFFD, valid
 * sequences pass; NULL is EINVAL. */
Test(json_write, text_replaces_bad_bytes)
{
	tj_dump_is(sl_json_new_text("a\xff" "b\xc3\xa9\xe2\x82"),
	    "\"a\xef\xbf\xbd" "b\xc3\xa9\xef\xbf\xbd\xef\xbf\xbd\"");
	tj_dump_is(sl_json_new_text(""), "\"\"");
	errno = 0;
	cr_assert_null(sl_json_new_text(NULL));
	cr_assert(eq(int, errno, EINVAL));
}

/* The int64_t range, and a NULL string set as null. */
Test(json_write, extremes_and_null_string)
{
	struct sl_json *o = sl_json_new_object();

	cr_assert(eq(int, sl_json_set_int(o, "max", INT64_MAX), 0));
	cr_assert(eq(int, sl_json_set_int(o, "min", INT64_MIN), 0));
	cr_assert(eq(int, sl_json_set_str(o, "name", NULL), 0));
	tj_dump_is(o, "{\"max\":9223372036854775807,"
	    "\"min\":-9223372036854775808,\"name\":null}");
	tj_dump_is(sl_json_new_strf("%s:%d", "sha256", 7), "\"sha256:7\"");
}

/* Strings must be UTF-8, as jansson's json_string() required. */
Test(json_write, rejects_invalid_utf8)
{
	struct sl_json *o = sl_json_new_object();

	errno = 0;
	cr_assert_null(sl_json_new_str("\xff"));
	cr_assert(eq(int, errno, EINVAL));
	errno = 0;
	cr_assert_null(sl_json_new_strf("%s", "\xc0\xaf"));
	cr_assert(eq(int, errno, EINVAL));
	errno = 0;
	cr_assert(eq(int, sl_json_set_int(o, "\xed\xa0\x80", 1), -1));
	cr_assert(eq(int, errno, EINVAL));
	errno = 0;
	cr_assert(eq(int, sl_json_set_str(o, "k", "\x80"), -1));
	cr_assert(eq(int, errno, EINVAL));
	tj_dump_is(o, "{}");
}

/* Adders consume the value even on error, and pass a NULL one's errno on. */
Test(json_write, adders_consume_and_pass_errors_on)
{
	struct sl_json *o = sl_json_new_object(), *a = sl_json_new_array();

	errno = ENOMEM;
	cr_assert(eq(int, sl_json_append(a, NULL), -1));
	cr_assert(eq(int, errno, ENOMEM));
	errno = 0;
	cr_assert(eq(int, sl_json_append(o, sl_json_new_int(1)), -1));
	cr_assert(eq(int, errno, EINVAL));
	errno = 0;
	cr_assert(eq(int, sl_json_set(a, "k", sl_json_new_int(1)), -1));
	cr_assert(eq(int, errno, EINVAL));
	errno = 0;
	cr_assert(eq(int, sl_json_append(NULL, sl_json_new_str("x")), -1));
	cr_assert(eq(int, errno, EINVAL));
	errno = 0;
	cr_assert_null(sl_json_dump(NULL, NULL));
	cr_assert(eq(int, errno, EINVAL));
	sl_json_free(o);
	sl_json_free(a);
	sl_json_free(NULL);
}

/* Getters answer NULL, 0 or false for NULL and for other types. */
Test(json_write, getters_tolerate_null_and_other_types)
{
	struct sl_json *o = tj_parse("{\"i\":5,\"s\":\"x\",\"a\":[7],"
	    "\"b\":true}");

	cr_assert(eq(int, sl_json_type(NULL), SL_JSON_NONE));
	cr_assert_null(sl_json_get(NULL, "i"));
	cr_assert_null(sl_json_get(sl_json_get(o, "a"), "i"));
	cr_assert(eq(i64, sl_json_int(sl_json_get(o, "i")), 5));
	cr_assert(eq(i64, sl_json_int(sl_json_get(o, "s")), 0));
	cr_assert(eq(str, (char *)sl_json_str(sl_json_get(o, "s")), "x"));
	cr_assert_null(sl_json_str(sl_json_get(o, "i")));
	cr_assert(eq(sz, sl_json_len(sl_json_get(o, "a")), 1));
	cr_assert(eq(sz, sl_json_len(o), 0), "an object is no array");
	cr_assert_null(sl_json_at(o, 0));
	cr_assert_null(sl_json_at(sl_json_get(o, "a"), 1));
	cr_assert(eq(i64, sl_json_int(sl_json_at(sl_json_get(o, "a"), 0)), 7));
	cr_assert(sl_json_bool(sl_json_get(o, "b")));
	cr_assert(eq(int, sl_json_bool(sl_json_get(o, "i")), false));
	cr_assert(eq(int, sl_json_bool(NULL), false));
	sl_json_free(o);
}

/* ---- reading -------------------------------------------------------- */

/* White space around and between tokens; every literal. */
Test(json_read, whitespace_and_literals)
{
	tj_round(" \t\r\n{ \"a\" : [ true , false , null ] }\r\n ",
	    "{\"a\":[true,false,null]}");
	tj_round("[]", "[]");
	tj_round("{}", "{}");
}

/* Every escape; surrogate pairs; UTF-8 passed through. */
Test(json_read, escapes_decoded)
{
	struct sl_json *v = tj_parse("[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\","
	    "\"\\u00e9\\u20AC\\ud83d\\ude00\",\"\xc3\xa9\"]");

	cr_assert(eq(str, (char *)sl_json_str(sl_json_at(v, 0)),
	    "\"\\/\b\f\n\r\t"));
	cr_assert(eq(str, (char *)sl_json_str(sl_json_at(v, 1)),
	    "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));
	cr_assert(eq(str, (char *)sl_json_str(sl_json_at(v, 2)), "\xc3\xa9"));
	tj_dump_is(v, "[\"\\\"\\\\/\\b\\f\\n\\r\\t\","
	    "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\",\"\xc3\xa9\"]");
}

/* Integers: the int64_t range, -0. */
Test(json_read, integers)
{
	tj_round("[0,-0,1,-1,9223372036854775807,-9223372036854775808]",
	    "[0,0,1,-1,9223372036854775807,-9223372036854775808]");
}

/* RFC 8259: any value at the top. */
Test(json_read, top_level_scalars)
{
	tj_round("\"x\"", "\"x\"");
	tj_round(" 12 ", "12");
	tj_round("null", "null");
}

/* SL_JSON_MAX_DEPTH levels parse. */
Test(json_read, deepest_allowed)
{
	char doc[2 * SL_JSON_MAX_DEPTH + 1];

	memset(doc, '[', SL_JSON_MAX_DEPTH);
	memset(doc + SL_JSON_MAX_DEPTH, ']', SL_JSON_MAX_DEPTH);
	doc[2 * SL_JSON_MAX_DEPTH] = '\0';
	tj_round(doc, doc);
}

/* The reader does not need a NUL after the input. */
Test(json_read, not_nul_terminated)
{
	struct sl_json *v = sl_json_parse("[1,2]xyz", 5, &tj_e);

	tj_dump_is(v, "[1,2]");
}

/* sl_json_load_fd reads to the end; its limit is E2BIG. */
Test(json_read, load_fd)
{
	FILE *f = tmpfile();
	struct sl_json *v;

	cr_assert_not_null(f);
	cr_assert(eq(int, fputs("{\"pid\": 42}\n", f) >= 0, 1));
	cr_assert(eq(int, fflush(f), 0));
	cr_assert(eq(int, (int)lseek(fileno(f), 0, SEEK_SET), 0));
	v = sl_json_load_fd(fileno(f), 1024, &tj_e);
	cr_assert(eq(i64, sl_json_int(sl_json_get(v, "pid")), 42));
	sl_json_free(v);
	cr_assert(eq(int, (int)lseek(fileno(f), 0, SEEK_SET), 0));
	cr_assert_null(sl_json_load_fd(fileno(f), 11, &tj_e));
	cr_assert(eq(int, errno, E2BIG));
	cr_assert(eq(u32, tj_e.line, 0));
	cr_assert(not(eq(ptr, strstr(tj_e.msg, "larger than 11"), NULL)));
	fclose(f);
	cr_assert_null(sl_json_load_fd(-1, 1024, &tj_e));
	cr_assert(eq(int, errno, EBADF));
	cr_assert_null(sl_json_load_fd(-1, 1024, NULL));
	cr_assert(eq(int, errno, EBADF));
}

/* ---- one bad input per test ----------------------------------------- */

struct bad {
	const char *name;
	const char *doc;
	size_t len;		/* 0: strlen(doc); set for inputs with a NUL */
	int err;
	unsigned line, col;
	const char *sub;	/* in the message */
};

/* Each row is one test; the message names what is wrong, and where. */
static const struct bad bads[] = {
	{ "truncated", "{\"a\":[1,2", 0, EINVAL, 1, 10,
	    "expected ',' or ']' in an array, found the end of the input" },
	{ "truncated after a key", "{\"a\":", 0, EINVAL, 1, 6,
	    "expected a value, found the end of the input" },
	{ "unterminated string", "[\"abc", 0, EINVAL, 1, 2,
	    "unterminated string" },
	{ "escaped closing quote", "[\"abc\\\"]", 0, EINVAL, 1, 2,
	    "unterminated string" },
	{ "empty input", "", 0, EINVAL, 1, 1, "expected a value" },
	{ "only white space", " \n ", 0, EINVAL, 2, 2, "expected a value" },
	{ "bad escape", "[\"a\\x\"]", 0, EINVAL, 1, 4,
	    "invalid escape '\\x'" },
	{ "short \\u escape", "[\"\\u12\"]", 0, EINVAL, 1, 3,
	    "four hexadecimal digits" },
	{ "\\u escape not hex", "[\"\\u12G4\"]", 0, EINVAL, 1, 3,
	    "four hexadecimal digits" },
	{ "lone high surrogate", "[\"x\\ud800\"]", 0, EINVAL, 1, 4,
	    "lone high surrogate \\uD800" },
	{ "high surrogate, no low one", "[\"\\ud800\\u0041\"]", 0, EINVAL, 1,
	    3, "lone high surrogate" },
	{ "lone low surrogate", "[\"\\uDC00\\uD800\"]", 0, EINVAL, 1, 3,
	    "lone low surrogate \\uDC00" },
	{ "overlong UTF-8", "[\"\xc0\xaf\"]", 0, EINVAL, 1, 3,
	    "invalid UTF-8 (byte 0xC0)" },
	{ "UTF-8 surrogate", "[\"\xed\xa0\x80\"]", 0, EINVAL, 1, 3,
	    "invalid UTF-8" },
	{ "cut UTF-8", "[\"\xe2\x82\"]", 0, EINVAL, 1, 3, "invalid UTF-8" },
	{ "stray continuation byte", "[\"\x80\"]", 0, EINVAL, 1, 3,
	    "invalid UTF-8" },
	{ "above U+10FFFF", "[\"\xf4\x90\x80\x80\"]", 0, EINVAL, 1, 3,
	    "invalid UTF-8" },
	{ "int64 max + 1", "[9223372036854775808]", 0, ERANGE, 1, 2,
	    "out of range" },
	{ "int64 min - 1", "[-9223372036854775809]", 0, ERANGE, 1, 2,
	    "out of range" },
	{ "overlong number",
	    "{\"a\":\n 1234567890123456789012345678901234567890}", 0, ERANGE,
	    2, 2, "out of range" },
	{ "real", "{\"started_ms\":1.5}", 0, EINVAL, 1, 15, "real numbers" },
	{ "exponent", "[1e3]", 0, EINVAL, 1, 2, "real numbers" },
	{ "long real", "[99999999999999999999E-3]", 0, EINVAL, 1, 2,
	    "real numbers" },
	{ "leading zero", "[01]", 0, EINVAL, 1, 2, "cannot start with 0" },
	{ "minus alone", "[-]", 0, EINVAL, 1, 3, "expected a digit" },
	/* Refused (see the top of this file), at the second place. */
	{ "duplicate key", "{\"pid\":1,\"name\":\"a\",\n \"pid\":2}", 0,
	    EINVAL, 2, 2, "duplicate key \"pid\"" },
	{ "duplicate key, nested", "{\"o\":{\"b\":1,\"c\":2,\"b\":3}}", 0,
	    EINVAL, 1, 19, "duplicate key \"b\"" },
	/* A key shown in a message is printable ASCII: no terminal escapes. */
	{ "duplicate key shown safely",
	    "{\"\\u001b[2J\":1,\"\\u001b[2J\":2}", 0, EINVAL, 1, 16,
	    "duplicate key \"?[2J\"" },
	{ "trailing garbage", "{\"a\":1} x", 0, EINVAL, 1, 9,
	    "nothing after the value, found 'x'" },
	{ "trailing bracket", "[1]]", 0, EINVAL, 1, 4,
	    "nothing after the value" },
	{ "trailing comment", "[1] // comment", 0, EINVAL, 1, 5,
	    "nothing after the value" },
	{ "trailing comma", "[1,]", 0, EINVAL, 1, 4,
	    "expected a value, found ']'" },
	{ "trailing comma in an object", "{\"a\":1,}", 0, EINVAL, 1, 8,
	    "expected a string (a key)" },
	{ "NUL byte in a string", "[\"a\0b\"]", 7, EINVAL, 1, 4,
	    "control character U+0000" },
	{ "NUL byte after the value", "[1]\0", 4, EINVAL, 1, 4,
	    "found byte 0x00" },
	{ "\\u0000", "[\"a\\u0000\"]", 0, EINVAL, 1, 4, "\\u0000" },
	{ "raw tab", "[\"tab\there\"]", 0, EINVAL, 1, 6,
	    "control character U+0009" },
	{ "bad literal", "[nul]", 0, EINVAL, 1, 2, "invalid literal" },
	{ "capitalised literal", "[True]", 0, EINVAL, 1, 2,
	    "expected a value, found 'T'" },
	{ "no colon", "{\"a\" 1}", 0, EINVAL, 1, 6, "expected ':'" },
	{ "no comma in an array", "[1 2]", 0, EINVAL, 1, 4,
	    "expected ',' or ']'" },
	{ "no comma in an object", "{\"a\":1 \"b\":2}", 0, EINVAL, 1, 8,
	    "expected ',' or '}'" },
	{ "single quotes", "{'a':1}", 0, EINVAL, 1, 2,
	    "expected a string (a key), found" },
	/* Columns count characters, not bytes; lines count LF. */
	{ "position in characters",
	    "{\n \"\xc3\xa9\xe2\x82\xac\": [1,\n  \"\xf0\x9f\x98\x80\" x]}", 0,
	    EINVAL, 3, 7, "found 'x'" },
};

ParameterizedTestParameters(json_bad, rejected)
{
	return th_index_params(sizeof(bads) / sizeof(bads[0]));
}

ParameterizedTest(size_t *i, json_bad, rejected)
{
	const struct bad *b = &bads[*i];

	cr_log_info("%s", b->name);
	tj_bad_n(b->doc, b->len ? b->len : strlen(b->doc), b->err, b->line,
	    b->col, b->sub);
}

/* One level more than SL_JSON_MAX_DEPTH. */
Test(json_bad, too_deep)
{
	char doc[SL_JSON_MAX_DEPTH + 2];

	memset(doc, '[', SL_JSON_MAX_DEPTH + 1);
	doc[SL_JSON_MAX_DEPTH + 1] = '\0';
	tj_bad_n(doc, strlen(doc), E2BIG, 1, SL_JSON_MAX_DEPTH + 1,
	    "deeper than 64");
}

/* One byte more than SL_JSON_MAX_SIZE: refused before it is read. */
Test(json_bad, too_large)
{
	size_t n = (size_t)SL_JSON_MAX_SIZE + 1;
	char *doc = malloc(n);

	cr_assert_not_null(doc);
	memset(doc, ' ', n);
	doc[0] = '0';
	tj_bad_n(doc, n, E2BIG, 0, 0, "larger than");
	free(doc);
}

/* ---- the fuzz corpus ------------------------------------------------ */

/* Every corpus file: no crash or leak, the fuzzer's properties, its verdict. */
Test(json_read, fuzz_corpus_replay, .timeout = 60)
{
	const char *dir = SL_SRCDIR "/tests/fuzz/corpus/json";
	struct dirent *de;
	char path[4096], *buf = malloc(1 << 16);
	struct sl_json *v;
	size_t n, count = 0;
	DIR *d = opendir(dir);
	FILE *f;

	cr_assert_not_null(d, "%s", dir);
	cr_assert_not_null(buf);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		(void)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		cr_assert_not_null(f = fopen(path, "rb"), "%s", path);
		n = fread(buf, 1, 1 << 16, f);
		fclose(f);
		(void)json_fuzz_one((const uint8_t *)buf, n);
		v = sl_json_parse(buf, n, &tj_e);
		if (strncmp(de->d_name, "valid-", 6) == 0)
			cr_assert_not_null(v, "%s:%u:%u: %s", de->d_name,
			    tj_e.line, tj_e.col, tj_e.msg);
		else
			cr_assert_null(v, "%s was accepted", de->d_name);
		sl_json_free(v);
		count++;
	}
	closedir(d);
	free(buf);
	cr_assert(ge(sz, count, 20), "only %zu files in %s", count, dir);
}
