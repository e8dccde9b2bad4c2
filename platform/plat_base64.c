/* SPDX-License-Identifier: MIT */
/* base64 decoding for the panels' text fields (the EPG of get_short_epg, get_simple_data_table):
 * one strict decoder with the quirks panels really send, and the "decoded if it is text, else as
 * sent" rule both the guide and the Xtream client use. */
#include "plat_base64.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { TEXT_INPUT_MAX = 1 << 20 /* longer fields are kept as sent */ };

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

long plat_base64_decode(const char *in, size_t len, uint8_t *out, size_t cap)
{
	if (!in)
		return -EINVAL;
	while (len > 0 &&
	       (in[len - 1] == ' ' || in[len - 1] == '\t' || in[len - 1] == '\r' || in[len - 1] == '\n'))
		len--;
	size_t i = 0;
	while (i < len && (in[i] == ' ' || in[i] == '\t'))
		i++;
	uint32_t acc = 0;
	int bits = 0;
	size_t n = 0, symbols = 0, pad = 0;
	for (; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c == '\r' || c == '\n')
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		int v = b64_value(c);
		if (v < 0 || pad) /* not base64, or data after the padding */
			return -EINVAL;
		symbols++;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n >= cap)
				return -ENOBUFS;
			out[n++] = (uint8_t)(acc >> bits);
		}
	}
	if (symbols == 0 || symbols % 4 == 1 || pad > 2 || (pad && (symbols + pad) % 4 != 0))
		return -EINVAL;
	return (long)n;
}

/* Valid UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF) without control characters but
 * tab, CR and LF. */
static bool utf8_text_ok(const uint8_t *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		uint8_t c = s[i];
		if (c < 0x80) {
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
				return false;
			if (c == 0x7f)
				return false;
			i++;
			continue;
		}
		size_t n = c >= 0xF0 && c <= 0xF4   ? 4
			   : c >= 0xE0 && c <= 0xEF ? 3
			   : c >= 0xC2 && c <= 0xDF ? 2
						    : 0;
		if (n == 0 || i + n > len)
			return false;
		uint32_t cp = c & (0xFF >> (n + 1));
		for (size_t k = 1; k < n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += n;
	}
	return true;
}

/* at most cap - 1 bytes of in, never splitting a UTF-8 sequence, and the NUL */
static void copy_cut(char *out, size_t cap, const char *in, size_t n)
{
	if (n > cap - 1) {
		n = cap - 1;
		while (n > 0 && ((unsigned char)in[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(out, in, n);
	out[n] = '\0';
}

bool plat_base64_text(const char *in, char *out, size_t cap)
{
	if (cap == 0)
		return false;
	if (!in)
		in = "";
	size_t len = strlen(in);
	bool decoded = false;
	uint8_t *buf = len > 0 && len <= TEXT_INPUT_MAX ? malloc(len / 4 * 3 + 3) : NULL;
	long n = buf ? plat_base64_decode(in, len, buf, len / 4 * 3 + 3) : -EINVAL;
	if (n > 0 && utf8_text_ok(buf, (size_t)n)) {
		copy_cut(out, cap, (const char *)buf, (size_t)n);
		decoded = true;
	} else {
		copy_cut(out, cap, in, len);
	}
	free(buf);
	return decoded;
}
