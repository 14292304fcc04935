/* utf8.c: see utf8.h. */
#include "utf8.h"

size_t
pol_utf8_bad(const unsigned char *b, size_t len)
{
	size_t i = 0, n, k;
	uint32_t cp;

	while (i < len) {
		if (b[i] < 0x80) {
			i++;
			continue;
		}
		if (b[i] >= 0xc2 && b[i] <= 0xdf)
			n = 1, cp = b[i] & 0x1fU;
		else if (b[i] >= 0xe0 && b[i] <= 0xef)
			n = 2, cp = b[i] & 0x0fU;
		else if (b[i] >= 0xf0 && b[i] <= 0xf4)
			n = 3, cp = b[i] & 0x07U;
		else
			return i;
		if (len - i <= n)
			return i;
		for (k = 1; k <= n; k++) {
			if ((b[i + k] & 0xc0) != 0x80)
				return i;
			cp = cp << 6 | (b[i + k] & 0x3fU);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += n + 1;
	}
	return len;
}

size_t
pol_utf8_put(uint32_t cp, char u[4])
{
	if (cp < 0x80) {
		u[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	u[0] = (char)(0xf0 | (cp >> 18));
	u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	u[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}
