/*
 * toml.h: a strict reader for the subset of TOML 1.0 that policy files use.
 * Pure: bytes in, a tree or a diagnostic (line:col) out.
 *
 * Supported: comments; [tables], [[arrays of tables]]; bare, quoted and
 * dotted keys; basic and literal strings, single- and multi-line, with
 * every TOML 1.0 escape; integers (decimal, 0x, 0o, 0b, underscores);
 * booleans; arrays (multi-line, trailing comma); inline tables.  Floats,
 * dates and times are rejected ("a float is not supported"), as are NUL
 * characters in strings.  Duplicate keys and tables are errors.
 *
 * Limits (E2BIG): TOML_MAX_SIZE bytes of input, TOML_MAX_DEPTH levels of
 * tables and arrays, TOML_MAX_STRING bytes per string or key,
 * TOML_MAX_NODES keys and values per document.
 */
#ifndef SL_TOML_H
#define SL_TOML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"

#define TOML_MAX_SIZE	(1 << 20)
#define TOML_MAX_DEPTH	32
#define TOML_MAX_STRING	65536
#define TOML_MAX_NODES	65536

enum toml_type {
	TOML_STRING = 1,
	TOML_INT,
	TOML_BOOL,
	TOML_ARRAY,
	TOML_TABLE
};

/* How a table came to be; decides what may still be added to it. */
#define TOML_T_HEADER	(1U << 0)	/* [x] named it */
#define TOML_T_IMPLICIT	(1U << 1)	/* a prefix of a header */
#define TOML_T_DOTTED	(1U << 2)	/* created by a dotted key */
#define TOML_T_INLINE	(1U << 3)	/* { ... }: closed */
#define TOML_A_TABLES	(1U << 4)	/* array made by [[x]] */

struct toml_kv;

struct toml_val {
	enum toml_type type;
	unsigned line, col;		/* where the value starts */
	unsigned flags;			/* TOML_T_*, TOML_A_TABLES */
	unsigned depth;
	char *s;			/* TOML_STRING: NUL-terminated */
	int64_t i;			/* TOML_INT */
	bool b;				/* TOML_BOOL */
	struct toml_val **items;	/* TOML_ARRAY */
	struct toml_kv *kv;		/* TOML_TABLE, in document order */
	size_t n;			/* items or kv */
};

struct toml_kv {
	char *key;
	unsigned line, col;		/* where the key starts */
	struct toml_val *val;
};

/*
 * Parses buf[0..len) (need not be NUL-terminated).  Returns the root table
 * (free with toml_free()) or NULL with errno (EINVAL, E2BIG, ENOMEM) and
 * d->line, d->col, d->msg set; d->file is left alone.
 */
struct toml_val *toml_parse(const char *buf, size_t len, struct pol_diag *d);
void	toml_free(struct toml_val *v);

/* The value of key in table t, or NULL. */
const struct toml_val *toml_get(const struct toml_val *t, const char *key);

/* "a string", "an integer", ... for messages. */
const char *toml_type_name(enum toml_type t);

#endif
