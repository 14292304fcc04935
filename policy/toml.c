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

#include "toml_lex.h"
#include "utf8.h"

#define TOML_MAX_KEYS	4096	/* per table, and items per array */

struct keypart {
	char *s;
	unsigned line, col;
};


static struct toml_val *parse_value(struct tp *, unsigned);
static int keyval(struct tp *, struct toml_val *);


/* ---- values ---------------------------------------------------------- */

static struct toml_val *
newval(struct tp *t, enum toml_type type, unsigned line, unsigned col,
    unsigned depth)
{
	struct toml_val *v;

	if (depth > TOML_MAX_DEPTH) {
		(void)tl_fail_at(t, line, col, E2BIG, "nesting deeper than %d "
		    "levels", TOML_MAX_DEPTH);
		return NULL;
	}
	if (++t->nodes > TOML_MAX_NODES) {
		(void)tl_fail_at(t, line, col, E2BIG, "more than %d keys and "
		    "values", TOML_MAX_NODES);
		return NULL;
	}
	if ((v = calloc(1, sizeof(*v))) == NULL) {
		(void)tl_fail_at(t, line, col, ENOMEM, "out of memory");
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
add_item(struct tp *t, struct toml_val *a, struct toml_val *item)
{
	struct toml_val **v;

	if (a->n >= TOML_MAX_KEYS)
		return tl_fail_at(t, item->line, item->col, E2BIG, "more than %d "
		    "items in an array", TOML_MAX_KEYS);
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): items are pointers */
	if ((v = reallocarray(a->items, a->n + 1, sizeof(*v))) == NULL)
		return tl_fail_at(t, item->line, item->col, ENOMEM,
		    "out of memory");
	a->items = v;
	a->items[a->n++] = item;
	return 0;
}

static struct toml_val *
array(struct tp *t, struct toml_val *a)
{
	struct toml_val *item;

	tl_adv(t);		/* '[' */
	for (;;) {
		if (tl_skip_blank(t) < 0)
			return NULL;
		if (tl_peek(t) == ']')
			break;
		if ((item = parse_value(t, a->depth + 1)) == NULL)
			return NULL;
		if (add_item(t, a, item) < 0) {
			toml_free(item);
			return NULL;
		}
		if (tl_skip_blank(t) < 0)
			return NULL;
		if (tl_peek(t) == ',') {
			tl_adv(t);
			continue;
		}
		if (tl_peek(t) != ']') {
			(void)FAIL(t, "expected ',' or ']' in an array");
			return NULL;
		}
		break;
	}
	tl_adv(t);
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
	tl_adv(t);		/* '{' */
	tl_skip_ws(t);
	if (tl_peek(t) == '}') {
		tl_adv(t);
		tab->flags |= TOML_T_INLINE;
		return tab;
	}
	for (;;) {
		tl_skip_ws(t);
		if (tl_peek(t) == '}') {
			(void)FAIL(t, "a trailing comma is not allowed in an "
			    "inline table");
			return NULL;
		}
		if (tl_peek(t) == '\n' || tl_peek(t) == '\r') {
			(void)FAIL(t, "a newline is not allowed in an inline "
			    "table");
			return NULL;
		}
		if (keyval(t, tab) < 0)
			return NULL;
		tl_skip_ws(t);
		if (tl_peek(t) == ',') {
			tl_adv(t);
			continue;
		}
		if (tl_peek(t) == '}')
			break;
		(void)FAIL(t, tl_peek(t) == '\n' || tl_peek(t) == '\r' ? "a newline "
		    "is not allowed in an inline table" : "expected ',' or "
		    "'}' in an inline table");
		return NULL;
	}
	tl_adv(t);
	freeze(tab);
	return tab;
}

static struct toml_val *
parse_value(struct tp *t, unsigned depth)
{
	struct toml_val *v, *r;
	int c = tl_peek(t);

	if (c == -1 || c == '\n' || c == '\r' || c == '#' || c == ',') {
		(void)FAIL(t, "expected a value");
		return NULL;
	}
	if ((v = newval(t, TOML_STRING, t->line, t->col, depth)) == NULL)
		return NULL;
	if (c == '"' || c == '\'') {
		if (tl_string(t, &v->s, true) < 0)
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
	if ((tl_at(t, "true") || tl_at(t, "false")) && !tl_bare(tl_peek_at(t, c == 't' ?
	    4 : 5))) {
		v->b = c == 't';
		for (c = v->b ? 4 : 5; c > 0; c--)
			tl_adv(t);
		return v;
	}
	v->type = TOML_INT;
	if (tl_number(t, v) < 0)
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
		tl_skip_ws(t);
		if (*n == TOML_MAX_DEPTH)
			return tl_fail_at(t, t->line, t->col, E2BIG, "a key with "
			    "more than %d parts", TOML_MAX_DEPTH);
		k[*n].line = t->line;
		k[*n].col = t->col;
		if (tl_peek(t) == '"' || tl_peek(t) == '\'') {
			if (tl_string(t, &k[*n].s, false) < 0)
				return -1;
		} else if (tl_bare(tl_peek(t))) {
			memset(&sb, 0, sizeof(sb));
			do {
				if (tl_sb_char(t, &sb) < 0) {
					free(sb.p);
					return -1;
				}
			} while (tl_bare(tl_peek(t)));
			k[*n].s = sb.p;
		} else
			return tl_peek(t) == -1 || tl_peek(t) == '\n' ? FAIL(t,
			    "expected a key") : FAIL(t, "expected a key, found "
			    "'%c'", tl_peek(t));
		(*n)++;
		tl_skip_ws(t);
		if (tl_peek(t) != '.')
			return 0;
		tl_adv(t);
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
		return tl_fail_at(t, k->line, k->col, E2BIG, "more than %d keys "
		    "in a table", TOML_MAX_KEYS);
	}
	if ((kv = reallocarray(tab->kv, tab->n + 1, sizeof(*kv))) == NULL) {
		free(k->s);
		k->s = NULL;
		return tl_fail_at(t, k->line, k->col, ENOMEM, "out of memory");
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
		else if (v->type != TOML_TABLE || (v->flags & TOML_T_INLINE) ||
		    (!header && (v->flags & TOML_T_HEADER)))
			goto bad;
		if (!header)
			v->flags |= TOML_T_DOTTED;	/* no [header] later */
		tab = v;
	}
	return tab;
bad:
	(void)tl_fail_at(t, k[i].line, k[i].col, EINVAL, "key '%s' is already "
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
	if (tl_peek(t) != '=') {
		(void)FAIL(t, "expected '=' after a key");
		goto out;
	}
	tl_adv(t);
	tl_skip_ws(t);
	if ((parent = walk(t, tab, k, n - 1, false)) == NULL)
		goto out;
	if (toml_get(parent, k[n - 1].s) != NULL) {
		(void)tl_fail_at(t, k[n - 1].line, k[n - 1].col, EINVAL,
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
	bool aot = tl_peek_at(t, 1) == '[';
	unsigned hl = t->line, hc = t->col;
	size_t n = 0;

	tl_adv(t);
	if (aot)
		tl_adv(t);
	if (key(t, k, &n) < 0)
		goto out;
	if (tl_peek(t) != ']' || (aot && tl_peek_at(t, 1) != ']')) {
		(void)FAIL(t, "expected '%s' after a table name", aot ? "]]" :
		    "]");
		goto out;
	}
	tl_adv(t);
	if (aot)
		tl_adv(t);
	if (tl_end_of_line(t) < 0 ||
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
		(void)tl_fail_at(t, hl, hc, EINVAL, "%s '%s' is already "
		    "defined", aot ? "array of tables" : "table",
		    k[n - 1].s);
out:
	parts_free(k, n);
	return r;
}


static int
document(struct tp *t, struct toml_val *root)
{
	struct toml_val *cur = root;
	size_t bad = pol_utf8_bad(t->b, t->len);

	if (bad < t->len) {
		while (t->pos < bad)
			tl_adv(t);
		return FAIL(t, "invalid UTF-8");
	}
	for (;;) {
		tl_skip_ws(t);
		if (tl_peek(t) == -1)
			return 0;
		if (tl_peek(t) == '#') {
			if (tl_end_of_line(t) < 0)
				return -1;
		} else if (tl_newline(t))
			continue;
		else if (tl_peek(t) == '[') {
			if ((cur = header(t, root)) == NULL)
				return -1;
		} else if (keyval(t, cur) < 0 || tl_end_of_line(t) < 0)
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
		(void)tl_fail_at(&t, 0, 0, E2BIG, "file larger than %d bytes",
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
