/* SPDX-License-Identifier: MIT */
/* libFuzzer entry point for image decoding (ui_pixels_decode): channel logos and posters come from
 * the panel or any host it names, so PNG, JPEG and WebP bytes are untrusted. With a small max_dim
 * (as for a logo) every success must be an image within it whose every pixel can be read; a failure
 * leaves nothing allocated. */
#include "ui_pixels.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* abort(), not assert(): the checks must hold in release builds too */
#define CHECK(c) ((c) ? (void)0 : abort())

enum { MAX_DIM = 48 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ui_pixels px;
	int rc = ui_pixels_decode(data, size, MAX_DIM, &px);
	if (rc < 0) {
		CHECK(px.rgba == NULL);
		CHECK(rc == -EINVAL || rc == -E2BIG || rc == -ENOMEM);
		return 0;
	}
	CHECK(px.rgba != NULL);
	CHECK(px.width >= 1 && px.width <= MAX_DIM && px.height >= 1 && px.height <= MAX_DIM);
	unsigned sum = 0;
	for (size_t i = 0; i < (size_t)px.width * (size_t)px.height * 4; i++)
		sum += px.rgba[i];
	(void)sum;
	ui_pixels_free(&px);
	CHECK(px.rgba == NULL);
	return 0;
}
