/* SPDX-License-Identifier: MIT */
/* MUST NOT compile: a service (app/library) including SDL, which only ui/ and app/ may see. */
#include <SDL.h>

void layering_service_sdl(void);
void layering_service_sdl(void)
{
	SDL_Init(0);
}
