/*
 * json.h: a small JSON (RFC 8259) value tree, writer and strict reader
 * for the planner's records: the state entries that ps, kill and inspect
 * read back, the audit record, --status-fd and check --json.  Our own, so
 * that the planner links no JSON library (a static musl build); fuzzed by
 * tests/fuzz/fuzz_json.c.  Not for the broker, which parses no text.
 *
 * Values are null, booleans, integers (int64_t), strings (UTF-8 without
 * NUL), arrays, and objects whose keys keep their insertion order.  Reals
 * are not supported.  A tree belongs to its root: sl_json_free() frees it
 * whole, and a value added to an array or object belongs to it.
 *
 * Getters take NULL or a value of another type and then answer NULL, 0
 * or false, so that lookups chain: sl_json_int(sl_json_get(o, "pid")).
 */
#ifndef SL_JSON_H
#define SL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SL_JSON_MAX_SIZE	(16 << 20)	/* bytes of input (E2BIG) */
#define SL_JSON_MAX_DEPTH	64		/* nested arrays and objects */

enum sl_json_type {
	SL_JSON_NONE = 0,	/* what sl_json_type(NULL) answers */
	SL_JSON_NULL,
	SL_JSON_BOOL,
	SL_JSON_INT,
	SL_JSON_STRING,
	SL_JSON_ARRAY,
	SL_JSON_OBJECT
};

struct sl_json;

/* ---- building -------------------------------------------------------- */

/*
 * A new value (the caller frees it with sl_json_free()), or NULL with
 * errno: ENOMEM, or EINVAL for a string that is not UTF-8 (or NULL).
 */
struct sl_json *sl_json_new_null(void);
struct sl_json *sl_json_new_bool(bool b);
struct sl_json *sl_json_new_int(int64_t i);
struct sl_json *sl_json_new_str(const char *s);
/* s as text: each byte that does not start valid UTF-8 becomes U+FFFD
 * (for names from the system, such as argv and the cwd). */
struct sl_json *sl_json_new_text(const char *s);
struct sl_json *sl_json_new_strf(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
struct sl_json *sl_json_new_array(void);
struct sl_json *sl_json_new_object(void);

/* Frees v and everything in it; NULL is fine. */
void	sl_json_free(struct sl_json *v);

/*
 * Appends v to the array a.  v is consumed, even on error, and may be
 * NULL: the -1 of a failed constructor is passed on with its errno, so
 * that sl_json_append(a, sl_json_new_str(s)) needs one check.  Returns 0,
 * or -1 with errno (ENOMEM; EINVAL if a is not an array).
 */
int	sl_json_append(struct sl_json *a, struct sl_json *v);

/*
 * Sets key of the object o to v: the value of a key o has is replaced
 * where it stands, else the key is appended.  v is consumed as by
 * sl_json_append().  Returns 0, or -1 with errno (ENOMEM; EINVAL if o is
 * not an object, key is NULL or not UTF-8).
 */
int	sl_json_set(struct sl_json *o, const char *key, struct sl_json *v);

/* sl_json_set() of a new string (null if s is NULL), integer, boolean. */
int	sl_json_set_str(struct sl_json *o, const char *key, const char *s);
int	sl_json_set_int(struct sl_json *o, const char *key, int64_t i);
int	sl_json_set_bool(struct sl_json *o, const char *key, bool b);

/* ---- reading a tree -------------------------------------------------- */

enum sl_json_type sl_json_type(const struct sl_json *v);
/* The value of key in the object o, or NULL (the tree keeps it). */
struct sl_json *sl_json_get(const struct sl_json *o, const char *key);
/* The number of items of an array; 0 for any other value. */
size_t	sl_json_len(const struct sl_json *a);
/* Item i of an array, or NULL (past the end, or not an array). */
struct sl_json *sl_json_at(const struct sl_json *a, size_t i);
int64_t	sl_json_int(const struct sl_json *v);		/* 0 if no integer */
const char *sl_json_str(const struct sl_json *v);	/* NULL if no string */
bool	sl_json_bool(const struct sl_json *v);		/* true for true only */

/* ---- writing --------------------------------------------------------- */

/*
 * v as compact JSON, in the bytes jansson's JSON_COMPACT wrote: no
 * white space, "," and ":" as separators, keys in their order; in
 * strings \" \\ \b \f \n \r \t, \u00XX (upper-case hex) for the other
 * control characters, everything else (/, DEL, non-ASCII) as it is.
 * Returns a malloc'd NUL-terminated string (the caller frees it; it
 * holds *lenp bytes before the NUL if lenp is not NULL), or NULL with
 * ENOMEM.
 */
char	*sl_json_dump(const struct sl_json *v, size_t *lenp);

/* ---- reading text ---------------------------------------------------- */

/*
 * Where and why reading failed: line and column (in characters) from 1,
 * or both 0 when the error has no place (a read error, the size limit,
 * out of memory).  msg is printable ASCII (of the input it quotes only
 * printable ASCII characters), safe to show on a terminal.
 */
struct sl_json_err {
	unsigned line, col;
	char msg[128];
};

/*
 * Parses buf[0..len) (need not be NUL-terminated) as one JSON value with
 * optional white space around it.  Strict: the grammar of RFC 8259 and
 * nothing more (no comments, trailing commas, leading zeros, NaN), UTF-8
 * only.  Refused besides, so that no two readers of a file can see two
 * different documents in it: reals (EINVAL), integers outside int64_t
 * (ERANGE), \u0000 (EINVAL: strings are C strings), lone surrogates
 * (EINVAL), a key twice in one object (EINVAL, the second one reported),
 * more than SL_JSON_MAX_SIZE bytes or SL_JSON_MAX_DEPTH levels (E2BIG).
 * Returns the tree (free it with sl_json_free()), or NULL with errno
 * (those, and ENOMEM) and *e set if e is not NULL.
 */
struct sl_json *sl_json_parse(const char *buf, size_t len,
	    struct sl_json_err *e);

/*
 * Reads fd (borrowed) from its offset to its end and parses that: max
 * bytes at most (E2BIG beyond; SL_JSON_MAX_SIZE caps it).  As
 * sl_json_parse(), and errno from read(2).
 */
struct sl_json *sl_json_load_fd(int fd, size_t max, struct sl_json_err *e);

#endif
