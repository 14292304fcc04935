/*
 * toml.c: the TOML subset of toml.h.  A hand-written recursive-descent
 * reader whose recursion (values inside arrays and inline tables) is bounded
 * by TOML_MAX_DEPTH.  Lines end in LF or CRLF; a lone CR is an error.
 * Columns count characters (UTF-8 code points), from 1.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "toml.h"

#define TOML_MAX_KEYS	4096	/* per table, and items per array */

struct tp {
	const unsigned char *b;
	size_t len, pos;
	unsigned line, col;
	size_t nodes;
	struct pol_diag *d;
};

struct keypart {
	char *s;
	unsigned line, col;
};

struct sbuf {
	char *p;
	size_t n, cap;
};

static struct toml_val *parse_value(struct tp *, unsigned);
static int keyval(struct tp *, struct toml_val *);

static int
fail_at(struct tp *t, unsigned line, unsigned col, int err, const char *fmt,
    ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(t->d->msg, sizeof(t->d->msg), fmt, ap);
	va_end(ap);
	t->d->line = line;
	t->d->col = col;
	errno = err;
	return -1;
}

#define FAIL(t, ...)	fail_at((t), (t)->line, (t)->col, EINVAL, __VA_ARGS__)

static int
peek(const struct tp *t)
{
	return t->pos < t->len ? t->b[t->pos] : -1;
}

static int
peek_at(const struct tp *t, size_t off)
{
	return t->pos + off < t->len ? t->b[t->pos + off] : -1;
}

static void
adv(struct tp *t)
{
	unsigned char c = t->b[t->pos++];

	if (c == '\n') {
		t->line++;
		t->col = 1;
	} else if ((c & 0xc0) != 0x80)
		t->col++;
}

static bool
at(const struct tp *t, const char *s)
{
	size_t n = strlen(s);

	return t->len - t->pos >= n && memcmp(t->b + t->pos, s, n) == 0;
}

static void
skip_ws(struct tp *t)
{
	while (peek(t) == ' ' || peek(t) == '\t')
		adv(t);
}

/* A newline (LF or CRLF) at the cursor: consumes it and returns true. */
static bool
newline(struct tp *t)
{
	if (peek(t) == '\n') {
		adv(t);
		return true;
	}
	if (peek(t) == '\r' && peek_at(t, 1) == '\n') {
		adv(t);
		adv(t);
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

static int
comment(struct tp *t)
{
	adv(t);		/* '#' */
	while (peek(t) != -1 && peek(t) != '\n' && !at(t, "\r\n")) {
		if (!textchar(peek(t)))
			return FAIL(t, "control character 0x%02x in a comment",
			    peek(t));
		adv(t);
	}
	return 0;
}

/* Whitespace, an optional comment, then a newline or the end. */
static int
end_of_line(struct tp *t)
{
	skip_ws(t);
	if (peek(t) == '#' && comment(t) < 0)
		return -1;
	if (peek(t) == -1 || newline(t))
		return 0;
	if (peek(t) == '\r')
		return FAIL(t, "a carriage return must be followed by a "
		    "newline");
	return FAIL(t, "expected the end of the line, found '%c'", peek(t));
}

/* Whitespace, newlines and comments (inside arrays). */
static int
skip_blank(struct tp *t)
{
	for (;;) {
		skip_ws(t);
		if (peek(t) == '#') {
			if (comment(t) < 0)
				return -1;
		} else if (!newline(t))
			return 0;
	}
}

/* ---- values ---------------------------------------------------------- */

static struct toml_val *
newval(struct tp *t, enum toml_type type, unsigned line, unsigned col,
    unsigned depth)
{
	struct toml_val *v;

	if (depth > TOML_MAX_DEPTH) {
		(void)fail_at(t, line, col, E2BIG, "nesting deeper than %d "
		    "levels", TOML_MAX_DEPTH);
		return NULL;
	}
	if (++t->nodes > TOML_MAX_NODES) {
		(void)fail_at(t, line, col, E2BIG, "more than %d keys and "
		    "values", TOML_MAX_NODES);
		return NULL;
	}
	if ((v = calloc(1, sizeof(*v))) == NULL) {
		(void)fail_at(t, line, col, ENOMEM, "out of memory");
		return NULL;
	}
	v->type = type;
	v->line = line;
	v->col = col;
	v->depth = depth;
	return v;
}

void
toml_free(struct toml_val *v)
{
	size_t i;

	if (v == NULL)
		return;
	free(v->s);
	for (i = 0; v->type == TOML_ARRAY && i < v->n; i++)
		toml_free(v->items[i]);
	for (i = 0; v->type == TOML_TABLE && i < v->n; i++) {
		free(v->kv[i].key);
		toml_free(v->kv[i].val);
	}
	free(v->items);
	free(v->kv);
	free(v);
}

static int
sb_add(struct tp *t, struct sbuf *sb, const char *s, size_t n)
{
	char *p;

	if (sb->n + n > TOML_MAX_STRING)
		return fail_at(t, t->line, t->col, E2BIG, "string longer than "
		    "%d bytes", TOML_MAX_STRING);
	if (sb->n + n + 1 > sb->cap) {
		size_t cap = sb->cap ? sb->cap * 2 : 32;

		while (cap < sb->n + n + 1)
			cap *= 2;
		if ((p = realloc(sb->p, cap)) == NULL)
			return fail_at(t, t->line, t->col, ENOMEM,
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
static int
sb_char(struct tp *t, struct sbuf *sb)
{
	size_t n = 1;

	while (t->pos + n < t->len && (t->b[t->pos + n] & 0xc0) == 0x80)
		n++;
	if (sb_add(t, sb, (const char *)t->b + t->pos, n) < 0)
		return -1;
	while (n-- > 0)
		adv(t);
	return 0;
}

static int
utf8_put(struct tp *t, struct sbuf *sb, uint32_t cp)
{
	char u[4];
	size_t n;

	if (cp == 0)
		return FAIL(t, "a NUL character in a string is not supported");
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return sb_add(t, sb, u, n);
}

/* After a backslash: one escape sequence. */
static int
escape(struct tp *t, struct sbuf *sb)
{
	static const char from[] = "btnfr\"\\", to[] = "\b\t\n\f\r\"\\";
	unsigned line = t->line, col = t->col - 1;
	const char *p;
	uint32_t cp = 0;
	int c = peek(t), i, n;

	if (c > 0 && (p = strchr(from, c)) != NULL) {
		adv(t);
		return sb_add(t, sb, &to[p - from], 1);
	}
	if (c != 'u' && c != 'U')
		return fail_at(t, line, col, EINVAL, "invalid escape sequence "
		    "in a string");
	n = c == 'u' ? 4 : 8;
	adv(t);
	for (i = 0; i < n; i++) {
		c = peek(t);
		if (c >= '0' && c <= '9')
			cp = cp * 16 + (uint32_t)(c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			cp = cp * 16 + (uint32_t)((c | 0x20) - 'a' + 10);
		else
			return fail_at(t, line, col, EINVAL, "\\%c needs %d "
			    "hexadecimal digits", n == 4 ? 'u' : 'U', n);
		adv(t);
	}
	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return fail_at(t, line, col, EINVAL, "escape \\%c%0*X is not a "
		    "Unicode scalar value", n == 4 ? 'u' : 'U', n, cp);
	if (cp == 0)
		return fail_at(t, line, col, EINVAL, "a NUL character in a "
		    "string is not supported");
	return utf8_put(t, sb, cp);
}

/* In a multi-line basic string, a backslash at the end of a line. */
static int
line_ending_backslash(struct tp *t)
{
	unsigned line = t->line, col = t->col - 1;

	skip_ws(t);
	if (!newline(t))
		return fail_at(t, line, col, EINVAL, "invalid escape sequence "
		    "in a string");
	for (;;) {
		skip_ws(t);
		if (!newline(t))
			return 0;
	}
}

/*
 * A string at the cursor (on its opening quote).  Literal strings
 * (quote '\'') have no escapes; multi-line ones (three quotes) may span
 * lines and drop a newline right after the opening quotes.
 */
static int
string(struct tp *t, char **out, bool allow_ml)
{
	char q = (char)peek(t);
	char q3[4] = { q, q, q, '\0' };
	struct sbuf sb = { NULL, 0, 0 };
	unsigned line = t->line, col = t->col;
	bool ml = at(t, q3);
	int c, nq;

	if (ml && !allow_ml)
		return FAIL(t, "a multi-line string cannot be a key");
	adv(t);
	if (ml) {
		adv(t);
		adv(t);
		(void)newline(t);
	}
	if (sb_add(t, &sb, "", 0) < 0)
		return -1;
	for (;;) {
		c = peek(t);
		if (c == -1) {
			free(sb.p);
			return fail_at(t, line, col, EINVAL, "unterminated "
			    "string");
		}
		if (c == q && !ml) {
			adv(t);
			break;
		}
		if (c == q && at(t, q3)) {
			for (nq = 0; peek(t) == q && nq < 6; nq++)
				adv(t);
			if (nq > 5) {
				free(sb.p);
				return FAIL(t, "too many quotes at the end of "
				    "a multi-line string");
			}
			if (sb_add(t, &sb, q3, (size_t)nq - 3) < 0)
				goto fail;
			break;
		}
		if (ml && (c == '\n' || at(t, "\r\n"))) {
			(void)newline(t);
			if (sb_add(t, &sb, "\n", 1) < 0)
				goto fail;
			continue;
		}
		if (c == '\\' && q == '"') {
			adv(t);
			if (ml && (peek(t) == ' ' || peek(t) == '\t' ||
			    peek(t) == '\n' || peek(t) == '\r')) {
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
		if (sb_char(t, &sb) < 0)
			goto fail;
	}
	*out = sb.p;
	return 0;
fail:
	free(sb.p);
	return -1;
}

static bool
bare(int c)
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

	while ((c = peek_at(t, n)) != -1 && (bare(c) || c == '+' || c == '.' ||
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

static int
number(struct tp *t, struct toml_val *v)
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
		adv(t);
	return 0;
}

static int
add_item(struct tp *t, struct toml_val *a, struct toml_val *item)
{
	struct toml_val **v;

	if (a->n >= TOML_MAX_KEYS)
		return fail_at(t, item->line, item->col, E2BIG, "more than %d "
		    "items in an array", TOML_MAX_KEYS);
	if ((v = reallocarray(a->items, a->n + 1, sizeof(*v))) == NULL)
		return fail_at(t, item->line, item->col, ENOMEM,
		    "out of memory");
	a->items = v;
	a->items[a->n++] = item;
	return 0;
}

static struct toml_val *
array(struct tp *t, struct toml_val *a)
{
	struct toml_val *item;

	adv(t);		/* '[' */
	for (;;) {
		if (skip_blank(t) < 0)
			return NULL;
		if (peek(t) == ']')
			break;
		if ((item = parse_value(t, a->depth + 1)) == NULL)
			return NULL;
		if (add_item(t, a, item) < 0) {
			toml_free(item);
			return NULL;
		}
		if (skip_blank(t) < 0)
			return NULL;
		if (peek(t) == ',') {
			adv(t);
			continue;
		}
		if (peek(t) != ']') {
			(void)FAIL(t, "expected ',' or ']' in an array");
			return NULL;
		}
		break;
	}
	adv(t);
	return a;
}

static void
freeze(struct toml_val *v)
{
	size_t i;

	if (v->type != TOML_TABLE)
		return;
	v->flags |= TOML_T_INLINE;
	for (i = 0; i < v->n; i++)
		freeze(v->kv[i].val);
}

static struct toml_val *
inline_table(struct tp *t, struct toml_val *tab)
{
	adv(t);		/* '{' */
	skip_ws(t);
	if (peek(t) == '}') {
		adv(t);
		tab->flags |= TOML_T_INLINE;
		return tab;
	}
	for (;;) {
		skip_ws(t);
		if (peek(t) == '}') {
			(void)FAIL(t, "a trailing comma is not allowed in an "
			    "inline table");
			return NULL;
		}
		if (peek(t) == '\n' || peek(t) == '\r') {
			(void)FAIL(t, "a newline is not allowed in an inline "
			    "table");
			return NULL;
		}
		if (keyval(t, tab) < 0)
			return NULL;
		skip_ws(t);
		if (peek(t) == ',') {
			adv(t);
			continue;
		}
		if (peek(t) == '}')
			break;
		(void)FAIL(t, peek(t) == '\n' || peek(t) == '\r' ? "a newline "
		    "is not allowed in an inline table" : "expected ',' or "
		    "'}' in an inline table");
		return NULL;
	}
	adv(t);
	freeze(tab);
	return tab;
}

static struct toml_val *
parse_value(struct tp *t, unsigned depth)
{
	struct toml_val *v, *r;
	int c = peek(t);

	if (c == -1 || c == '\n' || c == '\r' || c == '#' || c == ',') {
		(void)FAIL(t, "expected a value");
		return NULL;
	}
	if ((v = newval(t, TOML_STRING, t->line, t->col, depth)) == NULL)
		return NULL;
	if (c == '"' || c == '\'') {
		if (string(t, &v->s, true) < 0)
			goto fail;
		return v;
	}
	if (c == '[' || c == '{') {
		v->type = c == '[' ? TOML_ARRAY : TOML_TABLE;
		r = c == '[' ? array(t, v) : inline_table(t, v);
		if (r == NULL)
			goto fail;
		return v;
	}
	v->type = TOML_BOOL;
	if ((at(t, "true") || at(t, "false")) && !bare(peek_at(t, c == 't' ?
	    4 : 5))) {
		v->b = c == 't';
		for (c = v->b ? 4 : 5; c > 0; c--)
			adv(t);
		return v;
	}
	v->type = TOML_INT;
	if (number(t, v) < 0)
		goto fail;
	return v;
fail:
	toml_free(v);
	return NULL;
}

/* ---- keys and tables ------------------------------------------------- */

static void
parts_free(struct keypart *k, size_t n)
{
	while (n-- > 0)
		free(k[n].s);
}

/* A dotted key: *n parts (at most TOML_MAX_DEPTH). */
static int
key(struct tp *t, struct keypart *k, size_t *n)
{
	struct sbuf sb;

	for (*n = 0;; ) {
		skip_ws(t);
		if (*n == TOML_MAX_DEPTH)
			return fail_at(t, t->line, t->col, E2BIG, "a key with "
			    "more than %d parts", TOML_MAX_DEPTH);
		k[*n].line = t->line;
		k[*n].col = t->col;
		if (peek(t) == '"' || peek(t) == '\'') {
			if (string(t, &k[*n].s, false) < 0)
				return -1;
		} else if (bare(peek(t))) {
			memset(&sb, 0, sizeof(sb));
			while (bare(peek(t)))
				if (sb_char(t, &sb) < 0) {
					free(sb.p);
					return -1;
				}
			k[*n].s = sb.p;
		} else
			return peek(t) == -1 || peek(t) == '\n' ? FAIL(t,
			    "expected a key") : FAIL(t, "expected a key, found "
			    "'%c'", peek(t));
		(*n)++;
		skip_ws(t);
		if (peek(t) != '.')
			return 0;
		adv(t);
	}
}

const struct toml_val *
toml_get(const struct toml_val *tab, const char *k)
{
	size_t i;

	for (i = 0; i < tab->n; i++)
		if (strcmp(tab->kv[i].key, k) == 0)
			return tab->kv[i].val;
	return NULL;
}

/* Adds k (taken, even on error) = v (not taken on error) to tab. */
static int
put(struct tp *t, struct toml_val *tab, struct keypart *k,
    struct toml_val *v)
{
	struct toml_kv *kv;

	if (tab->n >= TOML_MAX_KEYS) {
		free(k->s);
		k->s = NULL;
		return fail_at(t, k->line, k->col, E2BIG, "more than %d keys "
		    "in a table", TOML_MAX_KEYS);
	}
	if ((kv = reallocarray(tab->kv, tab->n + 1, sizeof(*kv))) == NULL) {
		free(k->s);
		k->s = NULL;
		return fail_at(t, k->line, k->col, ENOMEM, "out of memory");
	}
	tab->kv = kv;
	kv[tab->n].key = k->s;
	kv[tab->n].line = k->line;
	kv[tab->n].col = k->col;
	kv[tab->n++].val = v;
	k->s = NULL;
	return 0;
}

/* A new table named by k in tab; k is taken. */
static struct toml_val *
subtable(struct tp *t, struct toml_val *tab, struct keypart *k,
    unsigned flags)
{
	struct toml_val *v;

	if ((v = newval(t, TOML_TABLE, k->line, k->col, tab->depth + 1)) ==
	    NULL)
		return NULL;
	v->flags = flags;
	if (put(t, tab, k, v) < 0) {
		toml_free(v);
		return NULL;
	}
	return v;
}

/*
 * Walks the intermediate parts of a key from tab, creating tables with
 * flags as needed.  Headers may pass through any table that is not inline
 * and into the last table of an array of tables; dotted keys only through
 * tables that dotted keys or header prefixes created.
 */
static struct toml_val *
walk(struct tp *t, struct toml_val *tab, struct keypart *k, size_t n,
    bool header)
{
	struct toml_val *v;
	size_t i;

	for (i = 0; i < n; i++) {
		v = (struct toml_val *)(uintptr_t)toml_get(tab, k[i].s);
		if (v == NULL) {
			if ((v = subtable(t, tab, &k[i], header ?
			    TOML_T_IMPLICIT : TOML_T_DOTTED)) == NULL)
				return NULL;
		} else if (header && v->type == TOML_ARRAY &&
		    (v->flags & TOML_A_TABLES))
			v = v->items[v->n - 1];
		else if (v->type != TOML_TABLE)
			goto bad;
		else if (v->flags & TOML_T_INLINE)
			goto bad;
		else if (!header && (v->flags & TOML_T_HEADER))
			goto bad;
		if (!header)
			v->flags |= TOML_T_DOTTED;	/* no [header] later */
		tab = v;
	}
	return tab;
bad:
	(void)fail_at(t, k[i].line, k[i].col, EINVAL, "key '%s' is already "
	    "defined and cannot be extended here", k[i].s);
	return NULL;
}

/* key = value, into tab. */
static int
keyval(struct tp *t, struct toml_val *tab)
{
	struct keypart k[TOML_MAX_DEPTH];
	struct toml_val *v, *parent;
	size_t n = 0;
	int r = -1;

	if (key(t, k, &n) < 0)
		goto out;
	if (peek(t) != '=') {
		(void)FAIL(t, "expected '=' after a key");
		goto out;
	}
	adv(t);
	skip_ws(t);
	if ((parent = walk(t, tab, k, n - 1, false)) == NULL)
		goto out;
	if (toml_get(parent, k[n - 1].s) != NULL) {
		(void)fail_at(t, k[n - 1].line, k[n - 1].col, EINVAL,
		    "duplicate key '%s'", k[n - 1].s);
		goto out;
	}
	if ((v = parse_value(t, parent->depth + 1)) == NULL)
		goto out;
	if ((r = put(t, parent, &k[n - 1], v)) < 0)
		toml_free(v);
out:
	parts_free(k, n);
	return r;
}

/* [a.b] or [[a.b]]: returns the table that key/values now go to. */
static struct toml_val *
header(struct tp *t, struct toml_val *root)
{
	struct keypart k[TOML_MAX_DEPTH];
	struct toml_val *parent, *v, *r = NULL;
	bool aot = peek_at(t, 1) == '[';
	unsigned hl = t->line, hc = t->col;
	size_t n = 0;

	adv(t);
	if (aot)
		adv(t);
	if (key(t, k, &n) < 0)
		goto out;
	if (peek(t) != ']' || (aot && peek_at(t, 1) != ']')) {
		(void)FAIL(t, "expected '%s' after a table name", aot ? "]]" :
		    "]");
		goto out;
	}
	adv(t);
	if (aot)
		adv(t);
	if (end_of_line(t) < 0 ||
	    (parent = walk(t, root, k, n - 1, true)) == NULL)
		goto out;
	v = (struct toml_val *)(uintptr_t)toml_get(parent, k[n - 1].s);
	if (!aot && v == NULL)
		r = subtable(t, parent, &k[n - 1], TOML_T_HEADER);
	else if (!aot && v->type == TOML_TABLE &&
	    v->flags == TOML_T_IMPLICIT) {
		v->flags = TOML_T_HEADER;
		r = v;
	} else if (aot && (v == NULL || (v->type == TOML_ARRAY &&
	    (v->flags & TOML_A_TABLES)))) {
		if (v == NULL && (v = subtable(t, parent, &k[n - 1],
		    TOML_A_TABLES)) == NULL)
			goto out;
		v->type = TOML_ARRAY;
		if ((r = newval(t, TOML_TABLE, hl, hc,
		    v->depth + 1)) != NULL && add_item(t, v, r) < 0) {
			toml_free(r);
			r = NULL;
		}
		if (r != NULL)
			r->flags = TOML_T_HEADER;
	} else
		(void)fail_at(t, hl, hc, EINVAL, "%s '%s' is already "
		    "defined", aot ? "array of tables" : "table",
		    k[n - 1].s);
out:
	parts_free(k, n);
	return r;
}

/* Checks that buf is UTF-8 (no overlongs, surrogates or > U+10FFFF). */
static size_t
utf8_bad(const unsigned char *b, size_t len)
{
	size_t i = 0, n, k;
	uint32_t cp;

	while (i < len) {
		if (b[i] < 0x80) {
			i++;
			continue;
		}
		if (b[i] >= 0xc2 && b[i] <= 0xdf)
			n = 1, cp = b[i] & 0x1fU;
		else if (b[i] >= 0xe0 && b[i] <= 0xef)
			n = 2, cp = b[i] & 0x0fU;
		else if (b[i] >= 0xf0 && b[i] <= 0xf4)
			n = 3, cp = b[i] & 0x07U;
		else
			return i;
		if (len - i <= n)
			return i;
		for (k = 1; k <= n; k++) {
			if ((b[i + k] & 0xc0) != 0x80)
				return i;
			cp = cp << 6 | (b[i + k] & 0x3fU);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += n + 1;
	}
	return len;
}

static int
document(struct tp *t, struct toml_val *root)
{
	struct toml_val *cur = root;
	size_t bad = utf8_bad(t->b, t->len);

	if (bad < t->len) {
		while (t->pos < bad)
			adv(t);
		return FAIL(t, "invalid UTF-8");
	}
	for (;;) {
		skip_ws(t);
		if (peek(t) == -1)
			return 0;
		if (peek(t) == '#') {
			if (end_of_line(t) < 0)
				return -1;
		} else if (newline(t))
			continue;
		else if (peek(t) == '[') {
			if ((cur = header(t, root)) == NULL)
				return -1;
		} else if (keyval(t, cur) < 0 || end_of_line(t) < 0)
			return -1;
	}
}

struct toml_val *
toml_parse(const char *buf, size_t len, struct pol_diag *d)
{
	struct tp t = { (const unsigned char *)buf, len, 0, 1, 1, 0, d };
	struct toml_val *root;

	d->line = d->col = 0;
	d->msg[0] = '\0';
	if (len > TOML_MAX_SIZE) {
		(void)fail_at(&t, 0, 0, E2BIG, "file larger than %d bytes",
		    TOML_MAX_SIZE);
		return NULL;
	}
	if ((root = newval(&t, TOML_TABLE, 1, 1, 0)) == NULL)
		return NULL;
	root->flags = TOML_T_HEADER;
	if (document(&t, root) < 0) {
		toml_free(root);
		return NULL;
	}
	return root;
}

const char *
toml_type_name(enum toml_type type)
{
	switch (type) {
	case TOML_STRING:
		return "a string";
	case TOML_INT:
		return "an integer";
	case TOML_BOOL:
		return "a boolean";
	case TOML_ARRAY:
		return "an array";
	case TOML_TABLE:
		return "a table";
	}
	return "a value";
}
