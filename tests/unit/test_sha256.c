/*
 * test_sha256.c: policy/sha256.c against NIST's example vectors (FIPS
 * 180-2, appendix B: "abc", the 448-bit and 896-bit messages, one million
 * 'a'), the empty message, and the lengths around the padding's block
 * boundary (55, 56, 63, 64, 119, 120 bytes, values from another
 * implementation: python3's hashlib).
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdlib.h>
#include <string.h>

#include "sha256.h"

TestSuite(sha256);

static void
ts_check(const void *p, size_t n, const char *want)
{
	char hex[SL_SHA256_HEX];

	memset(hex, 'x', sizeof(hex));
	sl_sha256_hex(p, n, hex);
	cr_assert(eq(str, hex, (char *)want), "length %zu", n);
}

/* The empty message (and a NULL pointer with it). */
Test(sha256, empty)
{
	ts_check("", 0,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	ts_check(NULL, 0,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

/* B.1: one block. */
Test(sha256, abc)
{
	ts_check("abc", 3,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

/* B.2: 448 bits, whose padding needs a second block. */
Test(sha256, two_blocks_448_bits)
{
	const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

	ts_check(m, strlen(m),
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

/* The 896-bit message of the same examples. */
Test(sha256, message_896_bits)
{
	const char *m = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
	    "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

	ts_check(m, strlen(m),
	    "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

/* B.3: one million 'a'. */
Test(sha256, million_a)
{
	char *m = malloc(1000000);

	cr_assert_not_null(m);
	memset(m, 'a', 1000000);
	ts_check(m, 1000000,
	    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(m);
}

/* Around the 56-byte limit of one padding block, and whole blocks. */
Test(sha256, padding_boundaries)
{
	static const struct {
		size_t n;
		const char *hex;
	} rows[] = {
		{ 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318" },
		{ 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a" },
		{ 63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34" },
		{ 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb" },
		{ 119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb" },
		{ 120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c" },
	};
	char m[128];
	size_t i;

	memset(m, 'a', sizeof(m));
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		ts_check(m, rows[i].n, rows[i].hex);
}

/* The raw digest is the hex one's bytes. */
Test(sha256, raw_digest)
{
	static const uint8_t want[SL_SHA256_LEN] = {
		0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
		0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
		0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
	};
	uint8_t d[SL_SHA256_LEN];

	sl_sha256("abc", 3, d);
	cr_assert(eq(int, memcmp(d, want, sizeof(d)), 0));
}
