/*
 * json.c: the value tree and the writer of json.h; the reader is in
 * json_parse.c.  Arrays and objects are arrays that double as they grow;
 * a key lookup is a linear scan (our objects have about ten keys).
 * Only C11 and POSIX (strdup, open_memstream), for glibc and musl alike.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_int.h"
#include "utf8.h"

static struct sl_json *
node(enum sl_json_type type)
{
	struct sl_json *v = calloc(1, sizeof(*v));

	if (v != NULL)
		v->type = type;
	return v;
}

struct sl_json *
sl_json_new_null(void)
{
	return node(SL_JSON_NULL);
}

struct sl_json *
sl_json_new_bool(bool b)
{
	struct sl_json *v = node(SL_JSON_BOOL);

	if (v != NULL)
		v->u.b = b;
	return v;
}

struct sl_json *
sl_json_new_int(int64_t i)
{
	struct sl_json *v = node(SL_JSON_INT);

	if (v != NULL)
		v->u.i = i;
	return v;
}

struct sl_json *
sl_json_take_str(char *s)
{
	struct sl_json *v;

	if (s == NULL || (v = node(SL_JSON_STRING)) == NULL) {
		free(s);
		errno = ENOMEM;
		return NULL;
	}
	v->u.s = s;
	return v;
}

/* Whether s is a string (not NULL) of UTF-8. */
static bool
utf8_ok(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	return s != NULL && pol_utf8_bad((const unsigned char *)s, n) == n;
}

struct sl_json *
sl_json_new_str(const char *s)
{
	if (!utf8_ok(s)) {
		errno = EINVAL;
		return NULL;
	}
	return sl_json_take_str(strdup(s));
}

struct sl_json *
sl_json_new_text(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, good, len = 0;
	char *out;

	if (s == NULL) {
		errno = EINVAL;
		return NULL;
	}
	n = strlen(s);
	if ((out = malloc(n * 3 + 1)) == NULL) {	/* each byte: U+FFFD */
		errno = ENOMEM;
		return NULL;
	}
	while (n > 0) {
		good = pol_utf8_bad(p, n);
		memcpy(out + len, p, good);
		len += good;
		p += good;
		n -= good;
		if (n > 0) {
			memcpy(out + len, "\xef\xbf\xbd", 3);
			len += 3;
			p++;
			n--;
		}
	}
	out[len] = '\0';
	return sl_json_take_str(out);
}

struct sl_json *
sl_json_new_strf(const char *fmt, ...)
{
	va_list ap, aq;
	char *s = NULL;
	int n;

	va_start(ap, fmt);
	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	if (n >= 0 && (s = malloc((size_t)n + 1)) != NULL)
		n = vsnprintf(s, (size_t)n + 1, fmt, aq);
	va_end(aq);
	va_end(ap);
	if (s == NULL || n < 0) {
		free(s);
		errno = ENOMEM;
		return NULL;
	}
	if (!utf8_ok(s)) {
		free(s);
		errno = EINVAL;
		return NULL;
	}
	return sl_json_take_str(s);
}

struct sl_json *
sl_json_new_array(void)
{
	return node(SL_JSON_ARRAY);
}

struct sl_json *
sl_json_new_object(void)
{
	return node(SL_JSON_OBJECT);
}

void
sl_json_free(struct sl_json *v)
{
	size_t i;

	if (v == NULL)
		return;
	switch (v->type) {
	case SL_JSON_STRING:
		free(v->u.s);
		break;
	case SL_JSON_ARRAY:
		for (i = 0; i < v->n; i++)
			sl_json_free(v->u.items[i]);
		free(v->u.items);
		break;
	case SL_JSON_OBJECT:
		for (i = 0; i < v->n; i++) {
			free(v->u.kv[i].key);
			sl_json_free(v->u.kv[i].val);
		}
		free(v->u.kv);
		break;
	case SL_JSON_NONE:
	case SL_JSON_NULL:
	case SL_JSON_BOOL:
	case SL_JSON_INT:
	default:
		break;
	}
	free(v);
}

/* Room for one more item or key in v: 0, or -1 with ENOMEM. */
static int
grow(struct sl_json *v, size_t size)
{
	size_t cap = v->cap ? v->cap * 2 : 4;
	void *p, *old = v->type == SL_JSON_ARRAY ? (void *)v->u.items :
	    (void *)v->u.kv;

	if (v->n < v->cap)
		return 0;
	if (cap > SIZE_MAX / size || (p = realloc(old, cap * size)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	if (v->type == SL_JSON_ARRAY)
		v->u.items = p;
	else
		v->u.kv = p;
	v->cap = cap;
	return 0;
}

int
sl_json_append(struct sl_json *a, struct sl_json *v)
{
	if (v == NULL)
		return -1;
	if (a == NULL || a->type != SL_JSON_ARRAY) {
		sl_json_free(v);
		errno = EINVAL;
		return -1;
	}
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): items are pointers */
	if (grow(a, sizeof(*a->u.items)) < 0) {
		sl_json_free(v);
		return -1;
	}
	a->u.items[a->n++] = v;
	return 0;
}

int
sl_json_add_kv(struct sl_json *o, char *key, size_t off, struct sl_json *v)
{
	if (grow(o, sizeof(*o->u.kv)) < 0) {
		free(key);
		sl_json_free(v);
		return -1;
	}
	o->u.kv[o->n].key = key;
	o->u.kv[o->n].off = off;
	o->u.kv[o->n++].val = v;
	return 0;
}

int
sl_json_set(struct sl_json *o, const char *key, struct sl_json *v)
{
	size_t i;
	char *k;

	if (v == NULL)
		return -1;
	if (o == NULL || o->type != SL_JSON_OBJECT || !utf8_ok(key)) {
		sl_json_free(v);
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < o->n; i++)
		if (strcmp(o->u.kv[i].key, key) == 0) {
			sl_json_free(o->u.kv[i].val);
			o->u.kv[i].val = v;
			return 0;
		}
	if ((k = strdup(key)) == NULL) {
		sl_json_free(v);
		errno = ENOMEM;
		return -1;
	}
	return sl_json_add_kv(o, k, 0, v);
}

int
sl_json_set_str(struct sl_json *o, const char *key, const char *s)
{
	return sl_json_set(o, key, s != NULL ? sl_json_new_str(s) :
	    sl_json_new_null());
}

int
sl_json_set_int(struct sl_json *o, const char *key, int64_t i)
{
	return sl_json_set(o, key, sl_json_new_int(i));
}

int
sl_json_set_bool(struct sl_json *o, const char *key, bool b)
{
	return sl_json_set(o, key, sl_json_new_bool(b));
}

/* ---- getters ------------------------------------------------------ */

enum sl_json_type
sl_json_type(const struct sl_json *v)
{
	return v != NULL ? v->type : SL_JSON_NONE;
}

struct sl_json *
sl_json_get(const struct sl_json *o, const char *key)
{
	size_t i;

	for (i = 0; sl_json_type(o) == SL_JSON_OBJECT && key != NULL &&
	    i < o->n; i++)
		if (strcmp(o->u.kv[i].key, key) == 0)
			return o->u.kv[i].val;
	return NULL;
}

size_t
sl_json_len(const struct sl_json *a)
{
	return sl_json_type(a) == SL_JSON_ARRAY ? a->n : 0;
}

struct sl_json *
sl_json_at(const struct sl_json *a, size_t i)
{
	return i < sl_json_len(a) ? a->u.items[i] : NULL;
}

int64_t
sl_json_int(const struct sl_json *v)
{
	return sl_json_type(v) == SL_JSON_INT ? v->u.i : 0;
}

const char *
sl_json_str(const struct sl_json *v)
{
	return sl_json_type(v) == SL_JSON_STRING ? v->u.s : NULL;
}

bool
sl_json_bool(const struct sl_json *v)
{
	return sl_json_type(v) == SL_JSON_BOOL && v->u.b;
}

/* ---- writer ------------------------------------------------------- */

static void
dump_str(FILE *f, const char *s)
{
	static const char from[] = "\"\\\b\f\n\r\t", to[] = "\"\\bfnrt";
	const unsigned char *p;
	const char *e;

	(void)fputc('"', f);
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if ((e = strchr(from, *p)) != NULL)
			(void)fprintf(f, "\\%c", to[e - from]);
		else if (*p < 0x20)
			(void)fprintf(f, "\\u%04X", *p);
		else
			(void)fputc(*p, f);
	(void)fputc('"', f);
}

/* Recursion: as deep as the tree (a parsed one: SL_JSON_MAX_DEPTH). */
static void
dump(FILE *f, const struct sl_json *v)
{
	size_t i;

	switch (v->type) {
	case SL_JSON_NULL:
		(void)fputs("null", f);
		break;
	case SL_JSON_BOOL:
		(void)fputs(v->u.b ? "true" : "false", f);
		break;
	case SL_JSON_INT:
		(void)fprintf(f, "%lld", (long long)v->u.i);
		break;
	case SL_JSON_STRING:
		dump_str(f, v->u.s);
		break;
	case SL_JSON_ARRAY:
		(void)fputc('[', f);
		for (i = 0; i < v->n; i++) {
			if (i > 0)
				(void)fputc(',', f);
			dump(f, v->u.items[i]);
		}
		(void)fputc(']', f);
		break;
	case SL_JSON_OBJECT:
		(void)fputc('{', f);
		for (i = 0; i < v->n; i++) {
			if (i > 0)
				(void)fputc(',', f);
			dump_str(f, v->u.kv[i].key);
			(void)fputc(':', f);
			dump(f, v->u.kv[i].val);
		}
		(void)fputc('}', f);
		break;
	case SL_JSON_NONE:
	default:
		break;
	}
}

char *
sl_json_dump(const struct sl_json *v, size_t *lenp)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f;
	int bad;

	if (v == NULL) {
		errno = EINVAL;
		return NULL;
	}
	if ((f = open_memstream(&s, &len)) == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	dump(f, v);
	bad = ferror(f);
	if (fclose(f) != 0 || bad) {
		free(s);
		errno = ENOMEM;
		return NULL;
	}
	if (lenp != NULL)
		*lenp = len;
	return s;
}
