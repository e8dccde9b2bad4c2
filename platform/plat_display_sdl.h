/* SPDX-License-Identifier: MIT */
/* SDL handles behind a plat_display, for the layers that draw with SDL (ui/ and app/ only: services
 * do not link SDL, so this header is not on their include path). */
#ifndef PLAT_DISPLAY_SDL_H
#define PLAT_DISPLAY_SDL_H

#include "plat_display.h"

#include <SDL.h>

/* Borrowed pointers, valid until plat_display_close(). */
SDL_Window *plat_display_window(struct plat_display *d);
SDL_Renderer *plat_display_renderer(struct plat_display *d);

#endif
