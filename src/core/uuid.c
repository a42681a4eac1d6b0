#include "core/uuid.h"
#include "core/timeutil.h"

#include <ctype.h>
#include <sodium.h>
#include <stdint.h>
#include <string.h>

void tr_uuid_format(unsigned char b[16], int version, char out[37])
{
	static const char hex[] = "0123456789abcdef";
	b[6] = (unsigned char)((version << 4) | (b[6] & 0x0f));
	b[8] = (unsigned char)(0x80 | (b[8] & 0x3f));
	int o = 0;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[b[i] >> 4];
		out[o++] = hex[b[i] & 15];
	}
	out[o] = '\0';
}

void tr_uuid7(char out[37])
{
	tr_uuid7_at(tr_now_ms(), out);
}

void tr_uuid7_at(int64_t at_ms, char out[37])
{
	unsigned char b[16];
	uint64_t ms = (uint64_t)at_ms;
	for (int i = 0; i < 6; i++)
		b[i] = (unsigned char)(ms >> (40 - 8 * i));
	randombytes_buf(b + 6, 10);
	tr_uuid_format(b, 7, out);
}

bool tr_uuid_valid(const char *s)
{
	if (!s || strlen(s) != 36)
		return false;
	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!isxdigit((unsigned char)s[i])) {
			return false;
		}
	}
	return true;
}
