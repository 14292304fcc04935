/*
 * tomldump.c: prints what policy/toml.c reads from a file as tagged JSON
 * (the shape of toml-test: {"type": "integer", "value": "1"} for scalars),
 * for tests/toml_ref.py to compare with python3's tomllib.  Exit 0, or 1
 * with "FILE:LINE:COL: message" on stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "toml.h"

static void
put_str(const char *s)
{
	const unsigned char *p;

	putchar('"');
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

static void
dump(const struct toml_val *v)
{
	size_t i;

	switch (v->type) {
	case TOML_STRING:
		printf("{\"type\": \"string\", \"value\": ");
		put_str(v->s);
		putchar('}');
		break;
	case TOML_INT:
		printf("{\"type\": \"integer\", \"value\": \"%lld\"}",
		    (long long)v->i);
		break;
	case TOML_BOOL:
		printf("{\"type\": \"bool\", \"value\": \"%s\"}",
		    v->b ? "true" : "false");
		break;
	case TOML_ARRAY:
		putchar('[');
		for (i = 0; i < v->n; i++) {
			if (i > 0)
				printf(", ");
			dump(v->items[i]);
		}
		putchar(']');
		break;
	case TOML_TABLE:
		putchar('{');
		for (i = 0; i < v->n; i++) {
			if (i > 0)
				printf(", ");
			put_str(v->kv[i].key);
			printf(": ");
			dump(v->kv[i].val);
		}
		putchar('}');
		break;
	}
}

int
main(int argc, char *argv[])
{
	static char buf[TOML_MAX_SIZE + 1];
	struct toml_val *root;
	struct pol_diag d;
	size_t n;
	FILE *f;

	if (argc != 2 || (f = fopen(argv[1], "rbe")) == NULL) {
		fprintf(stderr, "usage: tomldump FILE\n");
		return 2;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if ((root = toml_parse(buf, n, &d)) == NULL) {
		fprintf(stderr, "%s:%u:%u: %s\n", argv[1], d.line, d.col,
		    d.msg);
		return 1;
	}
	dump(root);
	putchar('\n');
	toml_free(root);
	return 0;
}
