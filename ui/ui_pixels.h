/* SPDX-License-Identifier: MIT */
/* RGBA pixel buffers: decoding PNG/JPEG/WebP (FFmpeg), writing PNG screenshots (FFmpeg's encoder, no
 * extra dependency), box downscaling and the tolerant comparison used by golden-screenshot tests.
 * Pure functions on caller buffers: safe on any thread. Pixels are 8-bit R, G, B, A in memory order. */
#ifndef UI_PIXELS_H
#define UI_PIXELS_H

#include <stddef.h>
#include <stdint.h>

/* An RGBA image; owned by whoever filled it, released with ui_pixels_free(). */
struct ui_pixels {
	uint8_t *rgba; /* width * height * 4 bytes, rows packed (stride = width * 4) */
	int width, height;
};

enum { UI_PIXELS_MAX_DIM = 8192 };

/* Decodes a PNG, JPEG or WebP file held in memory. When max_dim > 0 the image is scaled down (aspect
 * kept) so neither side exceeds it. On success out->rgba is owned by the caller. Returns 0, -EINVAL
 * for an unknown or corrupt format, -E2BIG for images over UI_PIXELS_MAX_DIM, -ENOMEM. */
int ui_pixels_decode(const uint8_t *data, size_t len, int max_dim, struct ui_pixels *out);

/* Reads and decodes a file (same formats; files over 32 MiB are refused with -EFBIG). */
int ui_pixels_load(const char *path, int max_dim, struct ui_pixels *out);

/* Writes a PNG file (RGBA). Returns 0 or a negative error. */
int ui_pixels_write_png(const char *path, const struct ui_pixels *p);

/* Downscales by averaging to exactly width x height (both <= the source). out is owned by the caller. */
int ui_pixels_scale(const struct ui_pixels *src, int width, int height, struct ui_pixels *out);

/* Tolerant comparison: a pixel differs when any channel differs by more than tolerance. */
struct ui_pixels_diff {
	double fraction; /* differing pixels / all pixels */
	int max_delta;   /* largest channel difference seen */
	long differing;
};
/* Returns 0 and fills *d, or -EINVAL when the sizes differ. */
int ui_pixels_compare(const struct ui_pixels *a, const struct ui_pixels *b, int tolerance,
		      struct ui_pixels_diff *d);

/* Frees the buffer; accepts an empty struct. */
void ui_pixels_free(struct ui_pixels *p);

#endif
