/* SPDX-License-Identifier: MIT */
/* The display: a window on a desktop, full screen on a box (KMSDRM), or an off-screen dummy surface
 * for headless runs and tests. Backends are driver tables chosen at run time (STYLE.md rule 9).
 * UI thread only. */
#ifndef PLAT_DISPLAY_H
#define PLAT_DISPLAY_H

#include <stdbool.h>

struct plat_display;

/* A display backend. All hooks are mandatory. */
struct plat_display_driver {
	const char *name;          /* "sdl", "headless", "kmsdrm" */
	const char *video_driver;  /* SDL_VIDEODRIVER to force, NULL for SDL's own choice */
	const char *render_driver; /* SDL_RENDER_DRIVER hint, NULL for the best available */
	bool fullscreen;           /* take the whole screen at the mode the TV prefers */
	bool vsync;
};

extern const struct plat_display_driver plat_display_sdl;
extern const struct plat_display_driver plat_display_headless;
extern const struct plat_display_driver plat_display_kmsdrm;

/* Picks a driver by name ("sdl", "headless", "kmsdrm"); NULL when the name is unknown. */
const struct plat_display_driver *plat_display_driver_find(const char *name);

/* Opens the display at width x height (ignored when full screen). On success *out is owned by the
 * caller and released with plat_display_close(). Returns 0 or a negative error (-EIO with the SDL
 * reason logged). */
int plat_display_open(const struct plat_display_driver *drv, int width, int height, const char *title,
		      struct plat_display **out);

/* Output size in pixels. */
void plat_display_size(const struct plat_display *d, int *width, int *height);

/* Name of the renderer in use ("software", "opengles2", ...). */
const char *plat_display_renderer_name(const struct plat_display *d);

/* Closes and frees; accepts NULL and sets *d to NULL. */
void plat_display_close(struct plat_display **d);

#endif
