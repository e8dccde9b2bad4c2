/* SPDX-License-Identifier: MIT */
/* libFuzzer entry point for the keymap parser (plat_keymap_parse): any bytes must give a keymap or a
 * message naming the line, never a crash, a leak or an unterminated message. A parsed keymap is then
 * queried for every code, so the lookups see whatever the parser stored. */
#include "plat_keymap.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* abort(), not assert(): the checks must hold in release builds too */
#define CHECK(c) ((c) ? (void)0 : abort())

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plat_keymap *km = NULL;
	char err[160];
	int rc = plat_keymap_parse((const char *)data, size, "fuzz", &km, err, sizeof(err));
	if (rc < 0) {
		CHECK(km == NULL);
		CHECK(memchr(err, '\0', sizeof(err)) != NULL && err[0] != '\0');
		return 0;
	}
	for (unsigned code = 0; code <= PLAT_KEYMAP_CODE_MAX + 1; code++) {
		enum plat_action a = plat_keymap_remote(km, code);
		CHECK(a >= PLAT_ACT_NONE && a < PLAT_ACT_COUNT);
	}
	size_t remote = 0, keyboard = 0;
	plat_keymap_counts(km, &remote, &keyboard);
	CHECK(remote + keyboard > 0);
	plat_keymap_free(&km);
	return 0;
}
