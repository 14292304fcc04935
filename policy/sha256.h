/*
 * sha256.h: SHA-256 (FIPS 180-4), one-shot.  Pure computation, no state
 * between calls, nothing allocated; the digest of policies (canon.c,
 * pol_digest) and of the stages of a state entry (worker/state.c).  Our
 * own, so that the planner links no library for it (a static musl build);
 * tests/unit/test_sha256.c checks it against NIST's example vectors.
 */
#ifndef SL_SHA256_H
#define SL_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SL_SHA256_LEN	32		/* bytes of a digest */
#define SL_SHA256_HEX	(2 * SL_SHA256_LEN + 1)	/* hex digits and a NUL */

/* The digest of p[0..n) into out.  p may be NULL when n is 0. */
void	sl_sha256(const void *p, size_t n, uint8_t out[SL_SHA256_LEN]);

/* The same as 64 lowercase hex digits and a NUL into hex. */
void	sl_sha256_hex(const void *p, size_t n, char hex[SL_SHA256_HEX]);

#endif
