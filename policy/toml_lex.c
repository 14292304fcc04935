/*
 * toml_lex.c: the character level of the TOML reader (toml.c): cursor and
 * positions, whitespace, comments and line ends, strings with their
 * escapes, numbers, UTF-8 validation.  Pure.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "toml_lex.h"
#include "utf8.h"

void
tl_report(struct tp *t, unsigned line, unsigned col, int err, const char *fmt,
    ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(t->d->msg, sizeof(t->d->msg), fmt, ap);
	va_end(ap);
	t->d->line = line;
	t->d->col = col;
	errno = err;
}

int
tl_peek(const struct tp *t)
{
	return t->pos < t->len ? t->b[t->pos] : -1;
}

int
tl_peek_at(const struct tp *t, size_t off)
{
	return t->pos + off < t->len ? t->b[t->pos + off] : -1;
}

void
tl_adv(struct tp *t)
{
	unsigned char c = t->b[t->pos++];

	if (c == '\n') {
		t->line++;
		t->col = 1;
	} else if ((c & 0xc0) != 0x80)
		t->col++;
}

bool
tl_at(const struct tp *t, const char *s)
{
	size_t n = strlen(s);

	return t->len - t->pos >= n && memcmp(t->b + t->pos, s, n) == 0;
}

void
tl_skip_ws(struct tp *t)
{
	while (tl_peek(t) == ' ' || tl_peek(t) == '\t')
		tl_adv(t);
}

/* A newline (LF or CRLF) at the cursor: consumes it and returns true. */
bool
tl_newline(struct tp *t)
{
	if (tl_peek(t) == '\n') {
		tl_adv(t);
		return true;
	}
	if (tl_peek(t) == '\r' && tl_peek_at(t, 1) == '\n') {
		tl_adv(t);
		tl_adv(t);
		return true;
	}
	return false;
}

/* A character allowed in a comment or string: tab, printable, non-ASCII. */
static bool
textchar(int c)
{
	return c == '\t' || (c >= 0x20 && c != 0x7f);
}

int
tl_comment(struct tp *t)
{
	tl_adv(t);		/* '#' */
	while (tl_peek(t) != -1 && tl_peek(t) != '\n' && !tl_at(t, "\r\n")) {
		if (!textchar(tl_peek(t)))
			return FAIL(t, "control character 0x%02x in a comment",
			    tl_peek(t));
		tl_adv(t);
	}
	return 0;
}

/* Whitespace, an optional comment, then a newline or the end. */
int
tl_end_of_line(struct tp *t)
{
	tl_skip_ws(t);
	if (tl_peek(t) == '#' && tl_comment(t) < 0)
		return -1;
	if (tl_peek(t) == -1 || tl_newline(t))
		return 0;
	if (tl_peek(t) == '\r')
		return FAIL(t, "a carriage return must be followed by a "
		    "newline");
	return FAIL(t, "expected the end of the line, found '%c'", tl_peek(t));
}

/* Whitespace, newlines and comments (inside arrays). */
int
tl_skip_blank(struct tp *t)
{
	for (;;) {
		tl_skip_ws(t);
		if (tl_peek(t) == '#') {
			if (tl_comment(t) < 0)
				return -1;
		} else if (!tl_newline(t))
			return 0;
	}
}

int
tl_sb_add(struct tp *t, struct sbuf *sb, const char *s, size_t n)
{
	char *p;

	if (sb->n + n > TOML_MAX_STRING)
		return tl_fail_at(t, t->line, t->col, E2BIG, "string longer than "
		    "%d bytes", TOML_MAX_STRING);
	if (sb->n + n + 1 > sb->cap) {
		size_t cap = sb->cap ? sb->cap * 2 : 32;

		while (cap < sb->n + n + 1)
			cap *= 2;
		if ((p = realloc(sb->p, cap)) == NULL)
			return tl_fail_at(t, t->line, t->col, ENOMEM,
			    "out of memory");
		sb->p = p;
		sb->cap = cap;
	}
	memcpy(sb->p + sb->n, s, n);
	sb->n += n;
	sb->p[sb->n] = '\0';
	return 0;
}

/* Copies the (valid UTF-8) character at the cursor into sb. */
int
tl_sb_char(struct tp *t, struct sbuf *sb)
{
	size_t n = 1;

	while (t->pos + n < t->len && (t->b[t->pos + n] & 0xc0) == 0x80)
		n++;
	if (tl_sb_add(t, sb, (const char *)t->b + t->pos, n) < 0)
		return -1;
	while (n-- > 0)
		tl_adv(t);
	return 0;
}

static int
utf8_put(struct tp *t, struct sbuf *sb, uint32_t cp)
{
	char u[4];

	if (cp == 0)
		return FAIL(t, "a NUL character in a string is not supported");
	return tl_sb_add(t, sb, u, pol_utf8_put(cp, u));
}

/* After a backslash: one escape sequence. */
static int
escape(struct tp *t, struct sbuf *sb)
{
	static const char from[] = "btnfr\"\\", to[] = "\b\t\n\f\r\"\\";
	unsigned line = t->line, col = t->col - 1;
	const char *p;
	uint32_t cp = 0;
	int c = tl_peek(t), i, n;

	if (c > 0 && (p = strchr(from, c)) != NULL) {
		tl_adv(t);
		return tl_sb_add(t, sb, &to[p - from], 1);
	}
	if (c != 'u' && c != 'U')
		return tl_fail_at(t, line, col, EINVAL, "invalid escape sequence "
		    "in a string");
	n = c == 'u' ? 4 : 8;
	tl_adv(t);
	for (i = 0; i < n; i++) {
		c = tl_peek(t);
		if (c >= '0' && c <= '9')
			cp = cp * 16 + (uint32_t)(c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			cp = cp * 16 + (uint32_t)((c | 0x20) - 'a' + 10);
		else
			return tl_fail_at(t, line, col, EINVAL, "\\%c needs %d "
			    "hexadecimal digits", n == 4 ? 'u' : 'U', n);
		tl_adv(t);
	}
	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return tl_fail_at(t, line, col, EINVAL, "escape \\%c%0*X is not a "
		    "Unicode scalar value", n == 4 ? 'u' : 'U', n, cp);
	if (cp == 0)
		return tl_fail_at(t, line, col, EINVAL, "a NUL character in a "
		    "string is not supported");
	return utf8_put(t, sb, cp);
}

/* In a multi-line basic string, a backslash at the end of a line. */
static int
line_ending_backslash(struct tp *t)
{
	unsigned line = t->line, col = t->col - 1;

	tl_skip_ws(t);
	if (!tl_newline(t))
		return tl_fail_at(t, line, col, EINVAL, "invalid escape sequence "
		    "in a string");
	for (;;) {
		tl_skip_ws(t);
		if (!tl_newline(t))
			return 0;
	}
}

/*
 * A string at the cursor (on its opening quote).  Literal strings
 * (quote '\'') have no escapes; multi-line ones (three quotes) may span
 * lines and drop a newline right after the opening quotes.
 */
int
tl_string(struct tp *t, char **out, bool allow_ml)
{
	char q = (char)tl_peek(t);
	char q3[4] = { q, q, q, '\0' };
	struct sbuf sb = { NULL, 0, 0 };
	unsigned line = t->line, col = t->col;
	bool ml = tl_at(t, q3);
	int c, nq;

	if (ml && !allow_ml)
		return FAIL(t, "a multi-line string cannot be a key");
	tl_adv(t);
	if (ml) {
		tl_adv(t);
		tl_adv(t);
		(void)tl_newline(t);
	}
	if (tl_sb_add(t, &sb, "", 0) < 0)
		return -1;
	for (;;) {
		c = tl_peek(t);
		if (c == -1) {
			free(sb.p);
			return tl_fail_at(t, line, col, EINVAL, "unterminated "
			    "string");
		}
		if (c == q && !ml) {
			tl_adv(t);
			break;
		}
		if (c == q && tl_at(t, q3)) {
			for (nq = 0; tl_peek(t) == q && nq < 6; nq++)
				tl_adv(t);
			if (nq > 5) {
				free(sb.p);
				return FAIL(t, "too many quotes at the end of "
				    "a multi-line string");
			}
			if (tl_sb_add(t, &sb, q3, (size_t)nq - 3) < 0)
				goto fail;
			break;
		}
		if (ml && (c == '\n' || tl_at(t, "\r\n"))) {
			(void)tl_newline(t);
			if (tl_sb_add(t, &sb, "\n", 1) < 0)
				goto fail;
			continue;
		}
		if (c == '\\' && q == '"') {
			tl_adv(t);
			if (ml && (tl_peek(t) == ' ' || tl_peek(t) == '\t' ||
			    tl_peek(t) == '\n' || tl_peek(t) == '\r')) {
				if (line_ending_backslash(t) < 0)
					goto fail;
			} else if (escape(t, &sb) < 0)
				goto fail;
			continue;
		}
		if (!textchar(c)) {
			free(sb.p);
			if (!ml && (c == '\n' || c == '\r'))
				return FAIL(t, "newline in a single-line string");
			return FAIL(t, "control character 0x%02x in a string",
			    c);
		}
		if (tl_sb_char(t, &sb) < 0)
			goto fail;
	}
	*out = sb.p;
	return 0;
fail:
	free(sb.p);
	return -1;
}

bool
tl_bare(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* A token of a number, date, float or word: [A-Za-z0-9_+.:-]*. */
static size_t
token_len(const struct tp *t)
{
	size_t n = 0;
	int c;

	while ((c = tl_peek_at(t, n)) != -1 && (tl_bare(c) || c == '+' || c == '.' ||
	    c == ':'))
		n++;
	return n;
}

static int
digit_val(int c, int base)
{
	int v = -1;

	if (c >= '0' && c <= '9')
		v = c - '0';
	else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		v = (c | 0x20) - 'a' + 10;
	return v >= 0 && v < base ? v : -1;
}

/* Digits of base with '_' only between digits; *u is the value. */
static bool
digits(const char *s, size_t n, int base, uint64_t max, uint64_t *u)
{
	size_t i;
	int v;

	*u = 0;
	if (n == 0)
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] == '_') {
			if (i == 0 || i + 1 == n || s[i + 1] == '_')
				return false;
			continue;
		}
		if ((v = digit_val(s[i], base)) < 0)
			return false;
		if (*u > (max - (uint64_t)v) / (uint64_t)base)
			return (errno = ERANGE), false;
		*u = *u * (uint64_t)base + (uint64_t)v;
	}
	return true;
}

int
tl_number(struct tp *t, struct toml_val *v)
{
	const char *s = (const char *)t->b + t->pos;
	size_t n = token_len(t), k = 0, i;
	int base = 10, sign = 1;
	uint64_t u;

	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o' ||
	    s[1] == 'b')) {
		base = s[1] == 'x' ? 16 : s[1] == 'o' ? 8 : 2;
		k = 2;
	} else {
		if (s[0] == '+' || s[0] == '-') {
			sign = s[0] == '-' ? -1 : 1;
			k = 1;
		}
		if (n - k == 3 && (memcmp(s + k, "inf", 3) == 0 ||
		    memcmp(s + k, "nan", 3) == 0))
			return FAIL(t, "a float is not supported");
		if (k < n && s[k] >= '0' && s[k] <= '9') {
			for (i = k + 1; i < n; i++)
				if (s[i] == ':' || (s[i] == '-' &&
				    s[i - 1] >= '0' && s[i - 1] <= '9'))
					return FAIL(t, "a date or time is not "
					    "supported");
			if (memchr(s, '.', n) || memchr(s, 'e', n) ||
			    memchr(s, 'E', n))
				return FAIL(t, "a float is not supported");
		}
		if (n - k > 1 && s[k] == '0')
			return FAIL(t, "leading zeros are not allowed in an "
			    "integer");
	}
	errno = 0;
	if (!digits(s + k, n - k, base, sign < 0 ? (uint64_t)INT64_MAX + 1 :
	    (uint64_t)INT64_MAX, &u))
		return FAIL(t, errno == ERANGE ? "integer out of range" :
		    n == 0 ? "expected a value" : "invalid value '%.*s'",
		    (int)(n > 40 ? 40 : n), s);
	v->i = sign < 0 ? (int64_t)(0 - u) : (int64_t)u;
	while (n-- > 0)
		tl_adv(t);
	return 0;
}
