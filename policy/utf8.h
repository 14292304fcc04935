/*
 * utf8.h: UTF-8 (RFC 3629) checking and encoding, shared by the TOML
 * reader (policy/toml*.c) and the JSON reader and writer (worker/json.c).
 * Pure.
 */
#ifndef SL_UTF8_H
#define SL_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * The offset of the first byte of b[0..len) that does not start a valid
 * UTF-8 sequence (an overlong form, a surrogate, above U+10FFFF, a stray
 * or missing continuation byte, a sequence cut by the end), or len if
 * there is none.  NUL bytes are valid here: callers refuse them.
 */
size_t	pol_utf8_bad(const unsigned char *b, size_t len);

/*
 * Writes the code point cp (a Unicode scalar value: at most U+10FFFF,
 * not a surrogate) as 1 to 4 bytes at u; returns how many.
 */
size_t	pol_utf8_put(uint32_t cp, char u[4]);

#endif
