/* SPDX-License-Identifier: MIT */
/* SDL2 display backends: desktop window, headless dummy + software renderer, KMSDRM on boxes. */
#include "plat_display_sdl.h"
#include "plat_log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct plat_display {
	const struct plat_display_driver *drv;
	SDL_Window *window;
	SDL_Renderer *renderer;
	char renderer_name[32];
};

const struct plat_display_driver plat_display_sdl = {
	.name = "sdl", .video_driver = NULL, .render_driver = NULL, .fullscreen = false, .vsync = true
};

/* The dummy driver with the software renderer is deterministic and works under qemu-user; without
 * SDL_FRAMEBUFFER_ACCELERATION=0 SDL tries GL there and hangs (EMBEDDED.md). */
const struct plat_display_driver plat_display_headless = { .name = "headless",
							   .video_driver = "dummy",
							   .render_driver = "software",
							   .fullscreen = false,
							   .vsync = false };

const struct plat_display_driver plat_display_kmsdrm = { .name = "kmsdrm",
							 .video_driver = "kmsdrm",
							 .render_driver = "opengles2",
							 .fullscreen = true,
							 .vsync = true };

const struct plat_display_driver *plat_display_driver_find(const char *name)
{
	static const struct plat_display_driver *const all[] = { &plat_display_sdl, &plat_display_headless,
								 &plat_display_kmsdrm };
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (name && strcmp(all[i]->name, name) == 0)
			return all[i];
	return NULL;
}

int plat_display_open(const struct plat_display_driver *drv, int width, int height, const char *title,
		      struct plat_display **out)
{
	*out = NULL;
	if (drv->video_driver)
		SDL_SetHint(SDL_HINT_VIDEODRIVER, drv->video_driver);
	if (drv->render_driver)
		SDL_SetHint(SDL_HINT_RENDER_DRIVER, drv->render_driver);
	if (strcmp(drv->name, "headless") == 0)
		SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
	if (SDL_InitSubSystem(SDL_INIT_VIDEO) < 0) {
		plat_log_error("display", "%s: cannot start video: %s", drv->name, SDL_GetError());
		return -EIO;
	}
	struct plat_display *d = calloc(1, sizeof(*d));
	if (!d) {
		SDL_QuitSubSystem(SDL_INIT_VIDEO);
		return -ENOMEM;
	}
	d->drv = drv;
	Uint32 flags = drv->fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : SDL_WINDOW_RESIZABLE;
	d->window =
	    SDL_CreateWindow(title, SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, width, height, flags);
	if (d->window) {
		Uint32 rflags = drv->vsync ? SDL_RENDERER_PRESENTVSYNC : 0;
		if (drv->render_driver && strcmp(drv->render_driver, "software") == 0)
			rflags |= SDL_RENDERER_SOFTWARE;
		d->renderer = SDL_CreateRenderer(d->window, -1, rflags);
	}
	if (!d->window || !d->renderer) {
		plat_log_error("display", "%s: cannot open a %dx%d window: %s", drv->name, width, height,
			       SDL_GetError());
		plat_display_close(&d);
		return -EIO;
	}
	SDL_RendererInfo info;
	if (SDL_GetRendererInfo(d->renderer, &info) == 0)
		SDL_strlcpy(d->renderer_name, info.name, sizeof(d->renderer_name));
	*out = d;
	return 0;
}

void plat_display_size(const struct plat_display *d, int *width, int *height)
{
	if (SDL_GetRendererOutputSize(d->renderer, width, height) < 0)
		*width = *height = 0;
}

const char *plat_display_renderer_name(const struct plat_display *d)
{
	return d->renderer_name;
}

SDL_Window *plat_display_window(struct plat_display *d)
{
	return d->window;
}

SDL_Renderer *plat_display_renderer(struct plat_display *d)
{
	return d->renderer;
}

void plat_display_close(struct plat_display **dp)
{
	struct plat_display *d = dp ? *dp : NULL;
	if (!d)
		return;
	if (d->renderer)
		SDL_DestroyRenderer(d->renderer);
	if (d->window)
		SDL_DestroyWindow(d->window);
	SDL_QuitSubSystem(SDL_INIT_VIDEO);
	free(d);
	*dp = NULL;
}
