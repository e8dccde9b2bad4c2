/* SPDX-License-Identifier: MIT */
/* libFuzzer entry point for what plat_http reads from a server before the body: the input is a
 * response head, one header line per LF, applied line by line with plat_http_header_line() as the
 * header callback does; the whole input is also read as one Retry-After value. Whatever the bytes,
 * the fields stay NUL-terminated and printable, the status a 3-digit number or 0, and a wait within
 * [-1, 86400]. */
#include "plat_http.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* abort(), not assert(): the checks must hold in release builds too */
#define CHECK(c) ((c) ? (void)0 : abort())

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const char *s, size_t cap)
{
	const char *end = memchr(s, '\0', cap);
	CHECK(end != NULL);
	for (const char *p = s; p < end; p++)
		CHECK(*p >= 0x20 && *p < 0x7f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const time_t now = 1764000000; /* 2025-11-24 */
	const char *text = (const char *)data;
	int wait = plat_http_parse_retry_after(text, size, now);
	CHECK(wait >= -1 && wait <= 86400);

	struct plat_http_response r;
	memset(&r, 0, sizeof(r));
	r.retry_after_s = -1;
	size_t start = 0;
	for (size_t i = 0; i <= size; i++) {
		if (i < size && data[i] != '\n')
			continue;
		size_t len = i - start + (i < size ? 1 : 0); /* the LF included, as libcurl hands it */
		/* a copy of exactly the line: a read past it is an ASan error */
		char *line = malloc(len ? len : 1);
		CHECK(line != NULL);
		memcpy(line, text + start, len);
		plat_http_header_line(&r, line, len, now);
		free(line);
		CHECK(r.status == 0 || (r.status >= 100 && r.status <= 999));
		CHECK(r.retry_after_s >= -1 && r.retry_after_s <= 86400);
		check_text(r.content_type, sizeof(r.content_type));
		check_text(r.content_encoding, sizeof(r.content_encoding));
		const char *sentence = plat_http_status_sentence(r.status);
		CHECK(sentence == NULL || sentence[0] != '\0');
		start = i + 1;
	}
	return 0;
}
