/*
 * sha256.c: SHA-256 as FIPS 180-4 section 6.2 describes it; see sha256.h.
 * The whole 64-byte blocks of the input are hashed where they lie; the
 * tail, the 0x80 byte, the zero padding and the 64-bit big-endian bit
 * count go through one or two blocks of a local buffer (5.1.1).  Only
 * memcpy and memset from libc.
 */
#include <string.h>

#include "sha256.h"

/* 4.2.2: the first 32 bits of the fractional parts of the cube roots of
 * the first 64 primes. */
static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* 5.3.3: the first 32 bits of the fractional parts of the square roots
 * of the first 8 primes. */
static const uint32_t H0[8] = {
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c,
	0x1f83d9ab, 0x5be0cd19,
};

static uint32_t
ror(uint32_t x, unsigned n)
{
	return x >> n | x << (32 - n);
}

static uint32_t
load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* 6.2.2: one 64-byte block into the hash value h. */
static void
block(uint32_t h[8], const uint8_t *p)
{
	uint32_t w[64], v[8], t1, t2;
	size_t i, k;

	for (i = 0; i < 16; i++)
		w[i] = load_be32(p + 4 * i);
	for (i = 16; i < 64; i++)
		w[i] = (ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^
		    w[i - 2] >> 10) + w[i - 7] + (ror(w[i - 15], 7) ^
		    ror(w[i - 15], 18) ^ w[i - 15] >> 3) + w[i - 16];
	memcpy(v, h, sizeof(v));
	for (i = 0; i < 64; i++) {
		/* v: a b c d e f g h */
		t1 = v[7] + (ror(v[4], 6) ^ ror(v[4], 11) ^ ror(v[4], 25)) +
		    ((v[4] & v[5]) ^ (~v[4] & v[6])) + K[i] + w[i];
		t2 = (ror(v[0], 2) ^ ror(v[0], 13) ^ ror(v[0], 22)) +
		    ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
		for (k = 7; k > 0; k--)
			v[k] = v[k - 1];
		v[4] += t1;
		v[0] = t1 + t2;
	}
	for (i = 0; i < 8; i++)
		h[i] += v[i];
}

void
sl_sha256(const void *p, size_t n, uint8_t out[SL_SHA256_LEN])
{
	const uint8_t *b = p;
	uint8_t tail[128];
	uint64_t bits = (uint64_t)n * 8;
	uint32_t h[8];
	size_t i, rest = n % 64, len;

	memcpy(h, H0, sizeof(h));
	for (i = 0; i + 64 <= n; i += 64)
		block(h, b + i);
	/* The tail, 0x80, zeros and the length: 64 bytes, or 128 when the
	 * tail leaves fewer than 9 bytes of its block. */
	len = rest < 56 ? 64 : 128;
	memset(tail, 0, sizeof(tail));
	if (rest > 0)
		memcpy(tail, b + i, rest);
	tail[rest] = 0x80;
	for (i = 0; i < 8; i++)
		tail[len - 1 - i] = (uint8_t)(bits >> (8 * i));
	block(h, tail);
	if (len == 128)
		block(h, tail + 64);
	for (i = 0; i < 8; i++) {
		out[4 * i] = (uint8_t)(h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(h[i] >> 8);
		out[4 * i + 3] = (uint8_t)h[i];
	}
}

void
sl_sha256_hex(const void *p, size_t n, char hex[SL_SHA256_HEX])
{
	static const char digits[] = "0123456789abcdef";
	uint8_t d[SL_SHA256_LEN];
	size_t i;

	sl_sha256(p, n, d);
	for (i = 0; i < SL_SHA256_LEN; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 0xf];
	}
	hex[SL_SHA256_HEX - 1] = '\0';
}
