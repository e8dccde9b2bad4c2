/* SPDX-License-Identifier: MIT */
/* libFuzzer entry point for the M3U parser (library_m3u_create/feed/finish): a playlist comes from
 * whoever runs the panel or hosts the URL. The first two bytes pick how the rest is cut into feeds
 * (a download hands the parser chunks at any byte), so a line, a BOM or a CRLF split across feeds is
 * exercised too. Every entry must have a URL and NUL-terminated fields; finish must count exactly
 * the entries delivered, or say the data was not a playlist. */
#include "library.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* abort(), not assert(): the checks must hold in release builds too */
#define CHECK(c) ((c) ? (void)0 : abort())

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
	size_t entries;
	size_t bytes; /* touched, so ASan sees any read past a field's end */
};

static void touch(struct seen *s, const char *field)
{
	if (field)
		s->bytes += strlen(field);
}

static int on_entry(void *ud, const struct library_m3u_entry *e)
{
	struct seen *s = ud;
	CHECK(e->url != NULL && e->url[0] != '\0' && e->url[0] != '#');
	touch(s, e->url);
	touch(s, e->name);
	touch(s, e->tvg_id);
	touch(s, e->tvg_name);
	touch(s, e->tvg_logo);
	touch(s, e->group);
	touch(s, e->catchup);
	touch(s, e->catchup_source);
	CHECK(e->catchup_days >= 0);
	s->entries++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t chunk = size >= 2 ? (size_t)data[0] * 256 + data[1] : 0;
	if (size >= 2) {
		data += 2;
		size -= 2;
	}
	if (chunk == 0)
		chunk = size ? size : 1;
	struct seen s = { 0 };
	struct library_m3u *p = NULL;
	CHECK(library_m3u_create(on_entry, &s, &p) == 0);
	/* chunk sizes vary: chunk, then 1, then chunk again... so both big and single-byte feeds occur */
	for (size_t off = 0, i = 0; off < size; i++) {
		size_t n = i % 2 ? 1 : chunk;
		if (n > size - off)
			n = size - off;
		CHECK(library_m3u_feed(p, (const char *)data + off, n) == 0);
		off += n;
	}
	int rc = library_m3u_finish(p);
	CHECK(rc == -EBADMSG || (rc >= 0 && (size_t)rc == s.entries));
	library_m3u_destroy(&p);
	CHECK(p == NULL);
	return 0;
}
