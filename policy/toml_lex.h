/*
 * toml_lex.h: what the two halves of the TOML reader share (not a public
 * interface): the cursor and the character-level readers of toml_lex.c.
 * Functions that fail return -1 with errno and the diagnostic set.
 */
#ifndef SL_TOML_LEX_H
#define SL_TOML_LEX_H

#include "toml.h"

/* The cursor: b[pos] is at line:col (columns count code points). */
struct tp {
	const unsigned char *b;
	size_t len, pos;
	unsigned line, col;
	size_t nodes;
	struct pol_diag *d;
};

struct sbuf {
	char *p;
	size_t n, cap;
};

void	tl_report(struct tp *t, unsigned line, unsigned col, int err,
	    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/*
 * Reports an error at line:col (errno = err) and evaluates to -1, in the
 * caller's sight: the static analyzer (make lint) then follows every
 * error path as one.
 */
#define tl_fail_at(t, line, col, err, ...)				\
	(tl_report((t), (line), (col), (err), __VA_ARGS__), -1)
#define FAIL(t, ...)	tl_fail_at((t), (t)->line, (t)->col, EINVAL, __VA_ARGS__)

int	tl_peek(const struct tp *t);		/* -1 at the end */
int	tl_peek_at(const struct tp *t, size_t off);
void	tl_adv(struct tp *t);
bool	tl_at(const struct tp *t, const char *s);
void	tl_skip_ws(struct tp *t);
bool	tl_newline(struct tp *t);		/* consumes LF or CRLF */
int	tl_comment(struct tp *t);
int	tl_end_of_line(struct tp *t);	/* ws, comment, newline or end */
int	tl_skip_blank(struct tp *t);	/* ws, comments, newlines */
int	tl_sb_add(struct tp *t, struct sbuf *sb, const char *s, size_t n);
/* Copies the character at the cursor into sb and moves past it. */
int	tl_sb_char(struct tp *t, struct sbuf *sb);
/* A string at the cursor into *out (malloc'd); allow_ml: """ and '''. */
int	tl_string(struct tp *t, char **out, bool allow_ml);
bool	tl_bare(int c);			/* [A-Za-z0-9_-] */
int	tl_number(struct tp *t, struct toml_val *v);

#endif
