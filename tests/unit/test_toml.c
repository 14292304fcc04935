/*
 * test_toml.c: the TOML subset reader (policy/toml.c).  Valid documents
 * first, then one bad input per test with errno and the exact line:col.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <errno.h>
#include <string.h>

#include "toml.h"

static struct pol_diag tt_d;

TestSuite(toml);

static struct toml_val *
tt_ok(const char *doc)
{
	struct toml_val *v = toml_parse(doc, strlen(doc), &tt_d);

	cr_assert_not_null(v, "%u:%u: %s", tt_d.line, tt_d.col, tt_d.msg);
	return v;
}

/* Asserts doc fails with err at line:col and a message holding sub. */
static void
tt_bad(const char *doc, int err, unsigned line, unsigned col,
    const char *sub)
{
	struct toml_val *v = toml_parse(doc, strlen(doc), &tt_d);
	int e = errno;

	cr_assert_null(v, "parsed: %s", doc);
	cr_assert(eq(int, e, err), "errno %d: %s", e, tt_d.msg);
	cr_assert(eq(u32, tt_d.line, line), "%u:%u: %s", tt_d.line, tt_d.col,
	    tt_d.msg);
	cr_assert(eq(u32, tt_d.col, col), "%u:%u: %s", tt_d.line, tt_d.col,
	    tt_d.msg);
	cr_assert(strstr(tt_d.msg, sub) != NULL, "\"%s\" lacks \"%s\"",
	    tt_d.msg, sub);
}

static const struct toml_val *
path(const struct toml_val *t, const char *a, const char *b)
{
	const struct toml_val *v = toml_get(t, a);

	cr_assert_not_null(v, "no %s", a);
	if (b != NULL) {
		v = toml_get(v, b);
		cr_assert_not_null(v, "no %s.%s", a, b);
	}
	return v;
}

/* Every string form, with escapes and multi-line rules. */
Test(toml, strings)
{
	struct toml_val *r = tt_ok(
	    "a = \"x\\ty\\u00e9\\U0001F600\\\"\\\\\"\n"
	    "b = 'C:\\dir'\n"
	    "c = \"\"\"\nl1\n  l2 \\\n    j\"\"\"\n"
	    "d = '''\nraw \\n''x'''''\n"
	    "e = \"\"\n");

	cr_assert(eq(str, path(r, "a", NULL)->s, "x\ty\xc3\xa9\xf0\x9f\x98\x80\"\\"));
	cr_assert(eq(str, path(r, "b", NULL)->s, "C:\\dir"));
	cr_assert(eq(str, path(r, "c", NULL)->s, "l1\n  l2 j"));
	cr_assert(eq(str, path(r, "d", NULL)->s, "raw \\n''x''"));
	cr_assert(eq(str, path(r, "e", NULL)->s, ""));
	toml_free(r);
}

/* Integers in every base, with underscores and signs. */
Test(toml, integers)
{
	struct toml_val *r = tt_ok("a = [0, -0, +7, 1_000, 0xff_FF, 0o17, "
	    "0b101, 9223372036854775807, -9223372036854775808]\n");
	const struct toml_val *a = path(r, "a", NULL);
	static const int64_t want[] = { 0, 0, 7, 1000, 65535, 15, 5,
	    INT64_MAX, INT64_MIN };
	size_t i;

	cr_assert(eq(sz, a->n, 9));
	for (i = 0; i < 9; i++)
		cr_assert(eq(i64, a->items[i]->i, want[i]), "item %zu", i);
	toml_free(r);
}

/* Tables, dotted keys, arrays of tables, inline tables, comments, CRLF. */
Test(toml, structure)
{
	struct toml_val *r = tt_ok(
	    "# top\r\n"
	    "x.y = true # c\r\n"
	    "[t]\n"
	    "in = { a = 1, b.c = 'z' }\n"
	    "arr = [\n  1, # one\n  2,\n]\n"
	    "[[s]]\nn = 1\n[[s]]\nn = 2\n[s.sub]\nk = false\n"
	    "[u.v]\n[u]\nw = 1\n");
	const struct toml_val *s = path(r, "s", NULL);

	cr_assert(eq(int, path(r, "x", "y")->b, 1));
	cr_assert(eq(i64, toml_get(path(r, "t", "in"), "a")->i, 1));
	cr_assert(eq(str, toml_get(toml_get(path(r, "t", "in"), "b"), "c")->s,
	    "z"));
	cr_assert(eq(sz, path(r, "t", "arr")->n, 2));
	cr_assert(eq(sz, s->n, 2));
	cr_assert(eq(i64, toml_get(s->items[1], "n")->i, 2));
	cr_assert(eq(int, toml_get(toml_get(s->items[1], "sub"), "k")->b, 0));
	cr_assert(eq(i64, path(r, "u", "w")->i, 1));
	cr_assert_not_null(path(r, "u", "v"));
	toml_free(r);
}

/* [fruit.apple.texture] may extend a table that dotted keys made. */
Test(toml, header_below_dotted)
{
	toml_free(tt_ok("[f]\napple.color = 'red'\n[f.apple.texture]\n"
	    "smooth = true\n"));
}

/* An empty document is an empty table. */
Test(toml, empty)
{
	struct toml_val *r = tt_ok("");

	cr_assert(eq(sz, r->n, 0));
	toml_free(r);
}

/* ---- one bad input per test ------------------------------------------ */

Test(toml, rejects_float)
{ tt_bad("a = 1.5\n", EINVAL, 1, 5, "a float is not supported"); }

Test(toml, rejects_exponent)
{ tt_bad("a = 1e3\n", EINVAL, 1, 5, "a float is not supported"); }

Test(toml, rejects_inf)
{ tt_bad("a = -inf\n", EINVAL, 1, 5, "a float is not supported"); }

Test(toml, rejects_date)
{ tt_bad("\na = 1979-05-27\n", EINVAL, 2, 5, "a date or time is not supported"); }

Test(toml, rejects_time)
{ tt_bad("a = 07:32:00\n", EINVAL, 1, 5, "a date or time is not supported"); }

Test(toml, rejects_duplicate_key)
{ tt_bad("a = 1\na = 2\n", EINVAL, 2, 1, "duplicate key 'a'"); }

Test(toml, rejects_duplicate_table)
{ tt_bad("[a]\nx = 1\n[a]\n", EINVAL, 3, 1, "table 'a' is already defined"); }

Test(toml, rejects_header_over_dotted)
{ tt_bad("[f]\na.b = 1\n[f.a]\n", EINVAL, 3, 1, "table 'a' is already defined"); }

Test(toml, rejects_dotted_into_header_table)
{ tt_bad("[a.b]\nx = 1\n[a]\nb.y = 2\n", EINVAL, 4, 1, "key 'b' is already defined"); }

Test(toml, rejects_extending_inline_table)
{ tt_bad("a = { x = 1 }\n[a.b]\n", EINVAL, 2, 2, "key 'a' is already defined"); }

Test(toml, rejects_aot_over_static_array)
{ tt_bad("a = []\n[[a]]\n", EINVAL, 2, 1, "array of tables 'a' is already defined"); }

Test(toml, rejects_integer_overflow)
{ tt_bad("a = 9223372036854775808\n", EINVAL, 1, 5, "integer out of range"); }

Test(toml, rejects_leading_zero)
{ tt_bad("a = 07\n", EINVAL, 1, 5, "leading zeros"); }

Test(toml, rejects_double_underscore)
{ tt_bad("a = 1__0\n", EINVAL, 1, 5, "invalid value '1__0'"); }

Test(toml, rejects_bare_word_value)
{ tt_bad("a = yes\n", EINVAL, 1, 5, "invalid value 'yes'"); }

Test(toml, rejects_missing_value)
{ tt_bad("a =\n", EINVAL, 1, 4, "expected a value"); }

Test(toml, rejects_bad_escape)
{ tt_bad("a = \"x\\qy\"\n", EINVAL, 1, 7, "invalid escape sequence"); }

Test(toml, rejects_surrogate_escape)
{ tt_bad("a = \"\\uD800\"\n", EINVAL, 1, 6, "not a Unicode scalar value"); }

Test(toml, rejects_nul_escape)
{ tt_bad("a = \"\\u0000\"\n", EINVAL, 1, 6, "NUL character"); }

Test(toml, rejects_short_unicode_escape)
{ tt_bad("a = \"\\u12\"\n", EINVAL, 1, 6, "\\u needs 4 hexadecimal digits"); }

Test(toml, rejects_newline_in_string)
{ tt_bad("a = \"x\ny\"\n", EINVAL, 1, 7, "newline in a single-line string"); }

Test(toml, rejects_control_in_string)
{ tt_bad("a = \"x\x01\"\n", EINVAL, 1, 7, "control character 0x01 in a string"); }

Test(toml, rejects_control_in_comment)
{ tt_bad("# x\x7f\n", EINVAL, 1, 4, "control character 0x7f in a comment"); }

Test(toml, rejects_unterminated_string)
{ tt_bad("a = 'abc\n", EINVAL, 1, 9, "newline in a single-line string"); }

Test(toml, rejects_unterminated_multiline)
{ tt_bad("a = \"\"\"abc\n", EINVAL, 1, 5, "unterminated string"); }

Test(toml, rejects_lone_cr)
{ tt_bad("a = 1\r b = 2\n", EINVAL, 1, 6, "carriage return"); }

Test(toml, rejects_invalid_utf8)
{ tt_bad("a = 'x'\n# \xc3\x28\n", EINVAL, 2, 3, "invalid UTF-8"); }

Test(toml, rejects_overlong_utf8)
{ tt_bad("a = '\xc0\xaf'\n", EINVAL, 1, 6, "invalid UTF-8"); }

Test(toml, rejects_garbage_after_value)
{ tt_bad("a = 1 2\n", EINVAL, 1, 7, "expected the end of the line"); }

Test(toml, rejects_key_without_equals)
{ tt_bad("a 1\n", EINVAL, 1, 3, "expected '=' after a key"); }

Test(toml, rejects_inline_table_newline)
{ tt_bad("a = { x = 1,\n y = 2 }\n", EINVAL, 1, 13, "a newline is not allowed"); }

Test(toml, rejects_inline_table_trailing_comma)
{ tt_bad("a = { x = 1, }\n", EINVAL, 1, 14, "trailing comma"); }

Test(toml, rejects_array_missing_comma)
{ tt_bad("a = [1 2]\n", EINVAL, 1, 8, "expected ',' or ']'"); }

Test(toml, rejects_unclosed_header)
{ tt_bad("[a\n", EINVAL, 1, 3, "expected ']' after a table name"); }

Test(toml, rejects_spaced_aot_brackets)
{ tt_bad("[[a] ]\n", EINVAL, 1, 4, "expected ']]' after a table name"); }

Test(toml, rejects_multiline_key)
{ tt_bad("\"\"\"a\"\"\" = 1\n", EINVAL, 1, 1, "multi-line string cannot be a key"); }

Test(toml, rejects_too_deep)
{
	char doc[200] = "a = ";
	int i;

	for (i = 0; i < 40; i++)
		strcat(doc, "[");
	tt_bad(doc, E2BIG, 1, 37, "nesting deeper than 32 levels");
}

Test(toml, rejects_too_large)
{
	static char big[TOML_MAX_SIZE + 2];
	struct toml_val *v;

	memset(big, '#', sizeof(big) - 1);
	v = toml_parse(big, sizeof(big) - 1, &tt_d);
	cr_assert_null(v);
	cr_assert(eq(int, errno, E2BIG));
	cr_assert(strstr(tt_d.msg, "larger than") != NULL);
}
