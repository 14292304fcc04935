/*
 * json_parse.c: the strict reader of json.h.  Its input may be hostile: a
 * state entry lies in a directory that its user, and so a sandbox given
 * -w over it, can write.  So: the whole input is checked as UTF-8 before
 * anything else; a recursive descent whose depth SL_JSON_MAX_DEPTH bounds;
 * every string sized by a first scan to its closing quote, then decoded
 * into a buffer that long (an escape never decodes to more bytes than it
 * takes); integers checked for overflow digit by digit; duplicate keys
 * found by sorting each object's keys (no quadratic scan).  The cursor is
 * an offset; line:col are counted only for the one error reported.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json_int.h"
#include "utf8.h"

#define NOWHERE		SIZE_MAX	/* an error with no place */

struct jp {
	const unsigned char *b;
	size_t len, pos;
	struct sl_json_err *e;
};

static void	report(struct jp *, size_t, int, const char *, ...)
		    __attribute__((format(printf, 4, 5)));
static struct sl_json *value(struct jp *, unsigned);

/* Sets errno = err and, if there is one, *e: the message and where off is. */
static void
report(struct jp *p, size_t off, int err, const char *fmt, ...)
{
	struct sl_json_err *e = p->e;
	va_list ap;
	size_t i;

	if (e != NULL) {
		e->line = e->col = off == NOWHERE ? 0 : 1;
		for (i = 0; off != NOWHERE && i < off && i < p->len; i++)
			if (p->b[i] == '\n') {
				e->line++;
				e->col = 1;
			} else if ((p->b[i] & 0xc0) != 0x80)
				e->col++;
		va_start(ap, fmt);
		(void)vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
	}
	errno = err;
}

/* report(), as an expression worth -1 (the analyzer sees the error path). */
#define FAIL_AT(p, off, err, ...)					\
	(report((p), (off), (err), __VA_ARGS__), -1)

static struct sl_json *
oom(struct jp *p)
{
	report(p, NOWHERE, ENOMEM, "out of memory");
	return NULL;
}

static int
peek(const struct jp *p)
{
	return p->pos < p->len ? p->b[p->pos] : -1;
}

static bool
digit(int c)
{
	return c >= '0' && c <= '9';
}

static void
ws(struct jp *p)
{
	int c;

	while ((c = peek(p)) == ' ' || c == '\t' || c == '\n' || c == '\r')
		p->pos++;
}

/* Fails at the cursor: expected what, and what is there instead. */
static int
expected(struct jp *p, const char *what)
{
	int c = peek(p);

	if (c == -1)
		return FAIL_AT(p, p->pos, EINVAL, "expected %s, found the end "
		    "of the input", what);
	if (c > ' ' && c < 0x7f)
		return FAIL_AT(p, p->pos, EINVAL, "expected %s, found '%c'",
		    what, c);
	return FAIL_AT(p, p->pos, EINVAL, "expected %s, found byte 0x%02X",
	    what, (unsigned)c);
}

/* true, false or null at the cursor. */
static struct sl_json *
literal(struct jp *p)
{
	static const char *const words[] = { "null", "true", "false" };
	struct sl_json *v;
	size_t i, n;

	for (i = 0; i < 3; i++) {
		n = strlen(words[i]);
		if (p->len - p->pos < n ||
		    memcmp(p->b + p->pos, words[i], n) != 0)
			continue;
		v = i == 0 ? sl_json_new_null() : sl_json_new_bool(i == 1);
		if (v == NULL)
			return oom(p);
		p->pos += n;
		return v;
	}
	report(p, p->pos, EINVAL, "invalid literal (true, false or null)");
	return NULL;
}

/* -?(0|[1-9][0-9]*), within int64_t; reals are refused. */
static struct sl_json *
number(struct jp *p)
{
	size_t start = p->pos;
	uint64_t u = 0, lim = INT64_MAX, d;
	struct sl_json *v;
	bool over = false;
	int c;

	if (peek(p) == '-') {
		p->pos++;
		lim = (uint64_t)INT64_MAX + 1;
	}
	if (!digit(peek(p))) {
		(void)expected(p, "a digit");
		return NULL;
	}
	if (peek(p) == '0' && p->pos + 1 < p->len && digit(p->b[p->pos + 1])) {
		report(p, p->pos, EINVAL, "a number cannot start with 0");
		return NULL;
	}
	for (; digit(c = peek(p)); p->pos++) {
		d = (uint64_t)(c - '0');
		over = over || u > (lim - d) / 10;
		u = u * 10 + d;
	}
	if (c == '.' || c == 'e' || c == 'E') {
		report(p, start, EINVAL, "real numbers are not supported");
		return NULL;
	}
	if (over) {
		report(p, start, ERANGE, "integer out of range (a 64-bit "
		    "signed integer)");
		return NULL;
	}
	if (lim == INT64_MAX)
		v = sl_json_new_int((int64_t)u);
	else
		v = sl_json_new_int(u == lim ? INT64_MIN : -(int64_t)u);
	return v != NULL ? v : oom(p);
}

/* Four hex digits at s into *cp: 0, or -1. */
static int
hex4(const unsigned char *s, uint32_t *cp)
{
	uint32_t v = 0;
	int i, c;

	for (i = 0; i < 4; i++) {
		c = s[i];
		if (digit(c))
			v = v * 16 + (uint32_t)(c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			v = v * 16 + (uint32_t)((c | 0x20) - 'a' + 10);
		else
			return -1;
	}
	*cp = v;
	return 0;
}

/* \uXXXX at the cursor, or a surrogate pair, into *cp. */
static int
uescape(struct jp *p, size_t end, uint32_t *cp)
{
	size_t at = p->pos;
	uint32_t lo;

	if (end - at < 6 || hex4(p->b + at + 2, cp) < 0)
		return FAIL_AT(p, at, EINVAL, "\\u needs four hexadecimal "
		    "digits");
	p->pos += 6;
	if (*cp >= 0xdc00 && *cp <= 0xdfff)
		return FAIL_AT(p, at, EINVAL, "lone low surrogate \\u%04X in a "
		    "string", (unsigned)*cp);
	if (*cp < 0xd800 || *cp > 0xdbff)
		return 0;
	if (end - p->pos < 6 || p->b[p->pos] != '\\' ||
	    p->b[p->pos + 1] != 'u' || hex4(p->b + p->pos + 2, &lo) < 0 ||
	    lo < 0xdc00 || lo > 0xdfff)
		return FAIL_AT(p, at, EINVAL, "lone high surrogate \\u%04X in "
		    "a string (no \\uDC00-\\uDFFF after it)", (unsigned)*cp);
	p->pos += 6;
	*cp = 0x10000 + ((*cp - 0xd800) << 10 | (lo - 0xdc00));
	return 0;
}

/* The escape at the cursor (its backslash) into s + *n. */
static int
escape(struct jp *p, size_t end, char *s, size_t *n)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	size_t at = p->pos;
	int c = p->b[at + 1];	/* the first scan saw it: before end */
	const char *q;
	uint32_t cp;

	if (c != 'u') {
		if (c == '\0' || (q = strchr(from, c)) == NULL)
			return c > ' ' && c < 0x7f ? FAIL_AT(p, at, EINVAL,
			    "invalid escape '\\%c' in a string", c) : FAIL_AT(p,
			    at, EINVAL, "invalid escape in a string");
		s[(*n)++] = to[q - from];
		p->pos += 2;
		return 0;
	}
	if (uescape(p, end, &cp) < 0)
		return -1;
	if (cp == 0)
		return FAIL_AT(p, at, EINVAL, "\\u0000 in a string is not "
		    "supported");
	*n += pol_utf8_put(cp, s + *n);
	return 0;
}

/* The string at the cursor (its opening quote) into *out (malloc'd). */
static int
string(struct jp *p, char **out)
{
	size_t start = p->pos, end, n = 0;
	unsigned char c;
	char *s;

	for (end = start + 1; end < p->len && p->b[end] != '"'; end++)
		if (p->b[end] == '\\')
			end++;
	if (end >= p->len)
		return FAIL_AT(p, start, EINVAL, "unterminated string");
	if ((s = malloc(end - start)) == NULL)
		return FAIL_AT(p, NOWHERE, ENOMEM, "out of memory");
	for (p->pos = start + 1; p->pos < end; ) {
		c = p->b[p->pos];
		if (c < 0x20) {
			free(s);
			return FAIL_AT(p, p->pos, EINVAL, "control character "
			    "U+%04X in a string (it must be escaped)",
			    (unsigned)c);
		}
		if (c != '\\') {
			s[n++] = (char)c;
			p->pos++;
		} else if (escape(p, end, s, &n) < 0) {
			free(s);
			return -1;
		}
	}
	s[n] = '\0';
	p->pos = end + 1;
	*out = s;
	return 0;
}

static struct sl_json *
strval(struct jp *p)
{
	struct sl_json *v;
	char *s;

	if (string(p, &s) < 0)
		return NULL;
	return (v = sl_json_take_str(s)) != NULL ? v : oom(p);
}

static struct sl_json *
array(struct jp *p, unsigned depth)
{
	struct sl_json *a, *v;

	if ((a = sl_json_new_array()) == NULL)
		return oom(p);
	p->pos++;
	ws(p);
	if (peek(p) == ']') {
		p->pos++;
		return a;
	}
	for (;;) {
		ws(p);
		if ((v = value(p, depth)) == NULL)
			break;
		if (sl_json_append(a, v) < 0) {
			(void)oom(p);
			break;
		}
		ws(p);
		if (peek(p) == ',') {
			p->pos++;
			continue;
		}
		if (peek(p) == ']') {
			p->pos++;
			return a;
		}
		(void)expected(p, "',' or ']' in an array");
		break;
	}
	sl_json_free(a);
	return NULL;
}

/* By key, then by place (document order: kv is one array). */
static int
cmp_kv(const void *a, const void *b)
{
	const struct sl_json_kv *x = *(const struct sl_json_kv *const *)a;
	const struct sl_json_kv *y = *(const struct sl_json_kv *const *)b;
	int r = strcmp(x->key, y->key);

	return r != 0 ? r : (x > y) - (x < y);
}

/* Fails on a key that o holds twice, at its second place. */
static int
check_dups(struct jp *p, const struct sl_json *o)
{
	const struct sl_json_kv **v, *dup = NULL;
	char shown[41];
	size_t i;

	if (o->n < 2)
		return 0;
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): pointers, sorted */
	if ((v = calloc(o->n, sizeof(*v))) == NULL)
		return FAIL_AT(p, NOWHERE, ENOMEM, "out of memory");
	for (i = 0; i < o->n; i++)
		v[i] = &o->u.kv[i];
	/* NOLINTNEXTLINE(bugprone-sizeof-expression) */
	qsort(v, o->n, sizeof(*v), cmp_kv);
	for (i = 1; i < o->n; i++)
		if (strcmp(v[i - 1]->key, v[i]->key) == 0 &&
		    (dup == NULL || v[i] < dup))
			dup = v[i];
	free(v);
	if (dup == NULL)
		return 0;
	/* Printable ASCII only: the message may reach a terminal. */
	for (i = 0; i < sizeof(shown) - 1 && dup->key[i] != '\0'; i++) {
		shown[i] = dup->key[i];
		if (shown[i] < ' ' || shown[i] >= 0x7f)
			shown[i] = '?';
	}
	shown[i] = '\0';
	return FAIL_AT(p, dup->off, EINVAL, "duplicate key \"%s\"%s", shown,
	    dup->key[i] != '\0' ? "..." : "");
}

/* One "key": value of an object at the cursor, into o. */
static int
member(struct jp *p, struct sl_json *o, unsigned depth)
{
	size_t at = p->pos;
	struct sl_json *v;
	char *key;

	if (peek(p) != '"')
		return expected(p, "a string (a key)");
	if (string(p, &key) < 0)
		return -1;
	ws(p);
	if (peek(p) != ':') {
		free(key);
		return expected(p, "':' after a key");
	}
	p->pos++;
	ws(p);
	if ((v = value(p, depth)) == NULL) {
		free(key);
		return -1;
	}
	if (sl_json_add_kv(o, key, at, v) < 0)
		return FAIL_AT(p, NOWHERE, ENOMEM, "out of memory");
	return 0;
}

static struct sl_json *
object(struct jp *p, unsigned depth)
{
	struct sl_json *o;

	if ((o = sl_json_new_object()) == NULL)
		return oom(p);
	p->pos++;
	ws(p);
	if (peek(p) == '}') {
		p->pos++;
		return o;
	}
	for (;;) {
		ws(p);
		if (member(p, o, depth) < 0)
			break;
		ws(p);
		if (peek(p) == ',') {
			p->pos++;
			continue;
		}
		if (peek(p) == '}') {
			p->pos++;
			if (check_dups(p, o) < 0)
				break;
			return o;
		}
		(void)expected(p, "',' or '}' in an object");
		break;
	}
	sl_json_free(o);
	return NULL;
}

/* The value at the cursor; depth: the arrays and objects around it. */
static struct sl_json *
value(struct jp *p, unsigned depth)
{
	int c = peek(p);

	if ((c == '[' || c == '{') && depth >= SL_JSON_MAX_DEPTH) {
		report(p, p->pos, E2BIG, "arrays and objects nested deeper "
		    "than %d levels", SL_JSON_MAX_DEPTH);
		return NULL;
	}
	if (c == '[')
		return array(p, depth + 1);
	if (c == '{')
		return object(p, depth + 1);
	if (c == '"')
		return strval(p);
	if (c == 't' || c == 'f' || c == 'n')
		return literal(p);
	if (c == '-' || digit(c))
		return number(p);
	(void)expected(p, "a value");
	return NULL;
}

struct sl_json *
sl_json_parse(const char *buf, size_t len, struct sl_json_err *e)
{
	struct jp p = { (const unsigned char *)buf, len, 0, e };
	struct sl_json *v;
	size_t bad;

	if (len > SL_JSON_MAX_SIZE) {
		report(&p, NOWHERE, E2BIG, "larger than %d bytes",
		    SL_JSON_MAX_SIZE);
		return NULL;
	}
	if ((bad = pol_utf8_bad(p.b, len)) < len) {
		report(&p, bad, EINVAL, "invalid UTF-8 (byte 0x%02X)",
		    (unsigned)p.b[bad]);
		return NULL;
	}
	ws(&p);
	if ((v = value(&p, 0)) == NULL)
		return NULL;
	ws(&p);
	if (p.pos < len) {
		(void)expected(&p, "nothing after the value");
		sl_json_free(v);
		return NULL;
	}
	return v;
}

struct sl_json *
sl_json_load_fd(int fd, size_t max, struct sl_json_err *e)
{
	struct jp p = { NULL, 0, 0, e };
	struct sl_json *v;
	size_t len = 0, cap = 0;
	char *buf = NULL, *nb;
	ssize_t r;
	int err;

	if (max > SL_JSON_MAX_SIZE)
		max = SL_JSON_MAX_SIZE;
	for (;;) {
		if (len == cap) {
			cap = cap == 0 ? 4096 : cap * 2;
			cap = cap > max + 1 ? max + 1 : cap;
			if ((nb = realloc(buf, cap)) == NULL) {
				free(buf);
				return oom(&p);
			}
			buf = nb;
		}
		if ((r = read(fd, buf + len, cap - len)) == 0)
			break;
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || (len += (size_t)r) > max) {
			err = r < 0 ? errno : E2BIG;
			free(buf);
			if (err == E2BIG)
				report(&p, NOWHERE, E2BIG, "larger than %zu "
				    "bytes", max);
			else
				report(&p, NOWHERE, err, "unable to read: %s",
				    strerror(err));
			return NULL;
		}
	}
	v = sl_json_parse(buf, len, e);
	err = errno;
	free(buf);
	errno = err;
	return v;
}
