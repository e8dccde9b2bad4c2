/* SPDX-License-Identifier: MIT */
/* Proves that SDL video, SDL audio and libcurl work in this build, on this machine or board. */
#include "plat_display_sdl.h"
#include "plat_selftest.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>

static void check_video(struct plat_report *r, const char *sdl_version)
{
	struct plat_display *d = NULL;
	int rc = plat_display_open(&plat_display_headless, 320, 180, "qanat selftest", &d);
	if (rc < 0) {
		plat_report_add(r, "sdl-video", sdl_version, rc, "dummy video driver: %s", SDL_GetError());
		return;
	}
	SDL_Renderer *ren = plat_display_renderer(d);
	SDL_SetRenderDrawColor(ren, 0, 0, 0, 255);
	SDL_RenderClear(ren);
	SDL_SetRenderDrawColor(ren, 11, 110, 79, 255);
	SDL_Rect box = { 100, 50, 120, 80 };
	SDL_RenderFillRect(ren, &box);
	Uint32 pixel = 0;
	SDL_Rect probe = { 160, 90, 1, 1 };
	rc = SDL_RenderReadPixels(ren, &probe, SDL_PIXELFORMAT_RGB888, &pixel, sizeof(pixel));
	SDL_RenderPresent(ren);
	if (rc < 0 || pixel != 0x0B6E4Fu)
		plat_report_add(r, "sdl-video", sdl_version, -EIO, "drew a frame but read back %06x",
				(unsigned)pixel);
	else
		plat_report_add(r, "sdl-video", sdl_version, 0, "driver %s, renderer %s, frame drawn",
				SDL_GetCurrentVideoDriver(), plat_display_renderer_name(d));
	plat_display_close(&d);
}

static void check_audio(struct plat_report *r, const char *sdl_version)
{
	SDL_SetHint("SDL_AUDIODRIVER", "dummy");
	if (SDL_InitSubSystem(SDL_INIT_AUDIO) < 0) {
		plat_report_add(r, "sdl-audio", sdl_version, -EIO, "%s", SDL_GetError());
		return;
	}
	SDL_AudioSpec want = { .freq = 48000, .format = AUDIO_S16SYS, .channels = 2, .samples = 1024 };
	SDL_AudioSpec got;
	SDL_AudioDeviceID dev = SDL_OpenAudioDevice(NULL, 0, &want, &got, 0);
	if (dev == 0)
		plat_report_add(r, "sdl-audio", sdl_version, -EIO, "%s", SDL_GetError());
	else
		plat_report_add(r, "sdl-audio", sdl_version, 0, "driver %s, %d Hz, %d channels",
				SDL_GetCurrentAudioDriver(), got.freq, got.channels);
	if (dev)
		SDL_CloseAudioDevice(dev);
	SDL_QuitSubSystem(SDL_INIT_AUDIO);
}

static void check_curl(struct plat_report *r)
{
	const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
	CURLcode cc = curl_global_init(CURL_GLOBAL_DEFAULT);
	CURL *h = cc == CURLE_OK ? curl_easy_init() : NULL;
	if (!h)
		plat_report_add(r, "curl", v->version, -EIO, "curl_global_init: %s", curl_easy_strerror(cc));
	else
		plat_report_add(r, "curl", v->version, 0, "%s, protocols http%s",
				v->ssl_version ? v->ssl_version : "no TLS",
				(v->features & CURL_VERSION_SSL) ? " https" : "");
	curl_easy_cleanup(h);
	if (cc == CURLE_OK)
		curl_global_cleanup();
}

void plat_selftest(struct plat_report *r)
{
	SDL_version v;
	SDL_GetVersion(&v);
	char sdl_version[16];
	snprintf(sdl_version, sizeof(sdl_version), "%u.%u.%u", v.major, v.minor, v.patch);
	check_video(r, sdl_version);
	check_audio(r, sdl_version);
	check_curl(r);
}
