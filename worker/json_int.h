/*
 * json_int.h: what json.c (the tree and the writer) and json_parse.c (the
 * reader) share; not a public interface.
 */
#ifndef SL_JSON_INT_H
#define SL_JSON_INT_H

#include "json.h"

struct sl_json_kv {
	char *key;
	size_t off;		/* where a parsed key starts in its text */
	struct sl_json *val;
};

struct sl_json {
	enum sl_json_type type;
	size_t n, cap;		/* items or keys: used, allocated */
	union {
		bool b;
		int64_t i;
		char *s;	/* UTF-8, no NUL */
		struct sl_json **items;
		struct sl_json_kv *kv;
	} u;
};

/* A string value that takes s (malloc'd, UTF-8), or NULL with ENOMEM
 * (s freed; s NULL is ENOMEM too). */
struct sl_json *sl_json_take_str(char *s);

/* Appends key (malloc'd) and v to o, both consumed: 0, or -1 (ENOMEM). */
int	sl_json_add_kv(struct sl_json *o, char *key, size_t off,
	    struct sl_json *v);

#endif
