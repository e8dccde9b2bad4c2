/* SPDX-License-Identifier: MIT */
/* The headless display draws real pixels with the software renderer, and driver lookup by name is
 * what the provisioning file and the environment use to pick a box's display path. */
#include "plat_display_sdl.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

static void test_driver_lookup(void **state)
{
	assert_ptr_equal(plat_display_driver_find("headless"), &plat_display_headless);
	assert_ptr_equal(plat_display_driver_find("kmsdrm"), &plat_display_kmsdrm);
	assert_true(plat_display_kmsdrm.fullscreen);
	assert_null(plat_display_driver_find("x11"));
	assert_null(plat_display_driver_find(NULL));
}

static void test_headless_draws(void **state)
{
	struct plat_display *d = NULL;
	assert_int_equal(plat_display_open(&plat_display_headless, 640, 360, "t", &d), 0);
	int w = 0, h = 0;
	plat_display_size(d, &w, &h);
	assert_int_equal(w, 640);
	assert_int_equal(h, 360);
	assert_string_equal(plat_display_renderer_name(d), "software");
	SDL_Renderer *r = plat_display_renderer(d);
	SDL_SetRenderDrawColor(r, 0x12, 0x34, 0x56, 255);
	SDL_RenderClear(r);
	Uint32 px = 0;
	SDL_Rect one = { 639, 359, 1, 1 };
	assert_int_equal(SDL_RenderReadPixels(r, &one, SDL_PIXELFORMAT_RGB888, &px, sizeof(px)), 0);
	assert_int_equal(px, 0x123456);
	plat_display_close(&d);
	assert_null(d);
	plat_display_close(&d); /* NULL is accepted */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_driver_lookup),
		cmocka_unit_test(test_headless_draws),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
