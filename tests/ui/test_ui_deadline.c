/* SPDX-License-Identifier: MIT */
/* The frame deadline the owner's loop sleeps on: -1 when nothing will change (an idle screen must
 * cost no CPU), else exactly the ms until the next frame that differs (a toast's end, each step of
 * the gliding focus ring, a spinner's next dot, but only while it is drawn); and the image workers
 * wake the owner's loop through the config's wake callback, from their own thread. */
#include "plat_display.h"
#include "ui.h"
#include "ui_pixels.h"
#include "ui_script.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

struct fx {
	struct plat_display *disp;
	struct ui_ctx *ctx;
};

static struct fx open_ui_at(const struct ui_ctx_config *base, int w, int h)
{
	struct fx f = { 0 };
	assert_int_equal(plat_display_open(&plat_display_headless, w, h, "t", &f.disp), 0);
	struct ui_ctx_config cfg = base ? *base : (struct ui_ctx_config){ 0 };
	cfg.display = f.disp;
	cfg.virtual_time = true;
	cfg.wall_ms = 1717272600000LL;
	assert_int_equal(ui_ctx_create(&cfg, &f.ctx), 0);
	return f;
}

static struct fx open_ui(const struct ui_ctx_config *base)
{
	return open_ui_at(base, 960, 540);
}

static void close_ui(struct fx *f)
{
	ui_ctx_destroy(&f->ctx);
	plat_display_close(&f->disp);
}

/* Two buttons on a row, far apart (1400 design units). */
static struct ui_widget *two_buttons(struct ui_ctx *ctx)
{
	struct ui_widget *s = ui_screen_create(ctx, "two");
	ui_button_create(s, (struct ui_rect){ 100, 100, 300, 120 }, "a", NULL, NULL);
	ui_button_create(s, (struct ui_rect){ 1500, 100, 300, 120 }, "b", NULL, NULL);
	ui_screen_push(ctx, s);
	return s;
}

static void test_idle_is_minus_one(void **state)
{
	(void)state;
	struct fx f = open_ui(NULL);
	two_buttons(f.ctx);
	assert_int_equal(ui_ctx_next_deadline(f.ctx), 0); /* the new screen is not drawn yet */
	assert_int_equal(ui_ctx_frame(f.ctx, false), 1);
	/* the focus ring appeared where it rests: nothing will move */
	assert_int_equal(ui_ctx_next_deadline(f.ctx), -1);
	ui_ctx_advance(f.ctx, 5000);
	assert_int_equal(ui_ctx_next_deadline(f.ctx), -1);
	assert_int_equal(ui_ctx_frame(f.ctx, false), 0);
	close_ui(&f);
}

static void test_toast_deadline(void **state)
{
	(void)state;
	struct fx f = open_ui(NULL);
	two_buttons(f.ctx);
	ui_ctx_frame(f.ctx, false);
	ui_toast_show(f.ctx, "saved", 1000);
	assert_int_equal(ui_ctx_next_deadline(f.ctx), 0);
	ui_ctx_frame(f.ctx, false);
	assert_int_equal(ui_ctx_next_deadline(f.ctx), 1000);
	ui_ctx_advance(f.ctx, 400);
	assert_int_equal(ui_ctx_next_deadline(f.ctx), 600);
	ui_ctx_advance(f.ctx, 600);
	assert_int_equal(ui_ctx_next_deadline(f.ctx), 0); /* it goes now */
	assert_int_equal(ui_ctx_frame(f.ctx, false), 1);
	assert_null(ui_toast_text(f.ctx));
	assert_int_equal(ui_ctx_next_deadline(f.ctx), -1);
	close_ui(&f);
}

/* The ring glides to the new focus in theme.focus_anim_ms (120 ms, easing out): a step one display
 * frame (16 ms) after the last one drawn, the last step at the end of the glide, then nothing. At
 * 1080p the ring moves 1400 px, so it still moves 110 ms into the glide. */
static void test_focus_ring_glide(void **state)
{
	(void)state;
	struct fx f = open_ui_at(NULL, 1920, 1080);
	two_buttons(f.ctx);
	ui_ctx_frame(f.ctx, false);
	assert_int_equal(ui_ctx_theme(f.ctx)->focus_anim_ms, 120);
	ui_ctx_action(f.ctx, PLAT_ACT_RIGHT);
	assert_int_equal(ui_ctx_next_deadline(f.ctx), 0);
	assert_int_equal(ui_ctx_frame(f.ctx, false), 1); /* t0: the glide starts */
	assert_int_equal(ui_ctx_next_deadline(f.ctx), 16);
	ui_ctx_advance(f.ctx, 10);
	assert_int_equal(ui_ctx_next_deadline(f.ctx), 6);
	ui_ctx_advance(f.ctx, 6);
	assert_int_equal(ui_ctx_next_deadline(f.ctx), 0);
	assert_int_equal(ui_ctx_frame(f.ctx, false), 1); /* t0 + 16 */
	assert_int_equal(ui_ctx_next_deadline(f.ctx), 16);
	ui_ctx_advance(f.ctx, 94);
	assert_int_equal(ui_ctx_next_deadline(f.ctx), 0);  /* a step is overdue */
	assert_int_equal(ui_ctx_frame(f.ctx, false), 1);   /* t0 + 110 */
	assert_int_equal(ui_ctx_next_deadline(f.ctx), 10); /* the end of the glide, not a frame later */
	ui_ctx_advance(f.ctx, 10);
	assert_int_equal(ui_ctx_next_deadline(f.ctx), 0);
	assert_int_equal(ui_ctx_frame(f.ctx, false), 1); /* at rest */
	assert_int_equal(ui_ctx_next_deadline(f.ctx), -1);
	ui_ctx_advance(f.ctx, 1000);
	assert_int_equal(ui_ctx_next_deadline(f.ctx), -1);
	assert_int_equal(ui_ctx_frame(f.ctx, false), 0);
	close_ui(&f);
}

/* A spinner asks for a frame at its next dot (every 80 ms), only while it is drawn. */
static void test_spinner_only_while_drawn(void **state)
{
	(void)state;
	struct fx f = open_ui(NULL);
	struct ui_widget *s = ui_screen_create(f.ctx, "busy");
	struct ui_widget *sp = ui_spinner_create(s, (struct ui_rect){ 400, 400, 80, 80 });
	ui_screen_push(f.ctx, s);
	ui_ctx_advance(f.ctx, 1000); /* now = 1000: 40 ms into a dot */
	ui_ctx_frame(f.ctx, false);
	assert_int_equal(ui_ctx_next_deadline(f.ctx), 40);
	ui_ctx_advance(f.ctx, 30);
	assert_int_equal(ui_ctx_next_deadline(f.ctx), 10);
	ui_ctx_advance(f.ctx, 10);
	assert_int_equal(ui_ctx_next_deadline(f.ctx), 0);
	ui_ctx_frame(f.ctx, false);
	assert_int_equal(ui_ctx_next_deadline(f.ctx), 80);
	/* hidden: nothing animates */
	ui_widget_set_visible(sp, false);
	ui_ctx_frame(f.ctx, false);
	assert_int_equal(ui_ctx_next_deadline(f.ctx), -1);
	/* visible again but under another screen: not drawn, nothing animates */
	ui_widget_set_visible(sp, true);
	struct ui_widget *top = ui_screen_create(f.ctx, "top");
	ui_screen_push(f.ctx, top);
	ui_ctx_frame(f.ctx, false);
	assert_int_equal(ui_ctx_next_deadline(f.ctx), -1);
	/* under an overlay it is drawn: it animates */
	ui_screen_pop(f.ctx);
	ui_screen_set_overlay(top, true);
	ui_screen_push(f.ctx, top);
	ui_ctx_frame(f.ctx, false);
	int d = ui_ctx_next_deadline(f.ctx);
	assert_true(d > 0 && d <= 80);
	close_ui(&f);
}

static int later_runs;
static void later_fn(void *user)
{
	(void)user;
	later_runs++;
}

/* A callback waiting for the next frame (ui_ctx_later) is due now. */
static void test_later_is_due(void **state)
{
	(void)state;
	struct fx f = open_ui(NULL);
	two_buttons(f.ctx);
	ui_ctx_frame(f.ctx, false);
	assert_int_equal(ui_ctx_next_deadline(f.ctx), -1);
	assert_int_equal(ui_ctx_later(f.ctx, later_fn, NULL), 0);
	assert_int_equal(ui_ctx_next_deadline(f.ctx), 0);
	ui_ctx_frame(f.ctx, false);
	assert_int_equal(later_runs, 1);
	assert_int_equal(ui_ctx_next_deadline(f.ctx), -1);
	close_ui(&f);
}

/* ---- the image workers wake the owner ---- */

struct wake_rec {
	atomic_int count;
	atomic_bool other_thread;
	pthread_t ui_thread;
};

static void on_wake(void *user)
{
	struct wake_rec *w = user;
	if (!pthread_equal(pthread_self(), w->ui_thread))
		atomic_store(&w->other_thread, true);
	atomic_fetch_add(&w->count, 1);
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static void write_png(const char *path)
{
	struct ui_pixels p = { malloc(64 * 64 * 4), 64, 64 };
	assert_non_null(p.rgba);
	memset(p.rgba, 0x80, 64 * 64 * 4);
	assert_int_equal(ui_pixels_write_png(path, &p), 0);
	ui_pixels_free(&p);
}

static void test_image_load_wakes_the_owner(void **state)
{
	(void)state;
	char dir[] = "/tmp/qanat-deadline.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char a[300], b[300];
	snprintf(a, sizeof(a), "%s/a.png", dir);
	snprintf(b, sizeof(b), "%s/b.png", dir);
	write_png(a);
	write_png(b);
	struct wake_rec w = { .ui_thread = pthread_self() };
	struct ui_ctx_config cfg = { .wake = on_wake, .wake_user = &w };
	struct fx f = open_ui(&cfg);
	struct ui_widget *s = ui_screen_create(f.ctx, "img");
	struct ui_widget *im = ui_image_create(s, (struct ui_rect){ 0, 0, 400, 400 }, a);
	ui_screen_push(f.ctx, s);
	ui_ctx_frame(f.ctx, false); /* the placeholder; the load starts on a worker */
	for (int i = 0; i < 500 && atomic_load(&w.count) == 0; i++)
		sleep_ms(10);
	assert_true(atomic_load(&w.count) >= 1);
	assert_true(atomic_load(&w.other_thread));
	/* the loop woken by it takes the picture at its next frame */
	assert_int_equal(ui_ctx_frame(f.ctx, false), 1);
	assert_int_equal(ui_image_status(im), 1);
	/* once removed, nothing calls it */
	ui_ctx_set_wake(f.ctx, NULL, NULL);
	int before = atomic_load(&w.count);
	ui_image_set_url(im, b);
	ui_ctx_frame(f.ctx, false);
	ui_script_settle(f.ctx, 5000);
	assert_int_equal(ui_image_status(im), 1);
	assert_int_equal(atomic_load(&w.count), before);
	close_ui(&f);
	unlink(a);
	unlink(b);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_idle_is_minus_one), cmocka_unit_test(test_toast_deadline),
		cmocka_unit_test(test_focus_ring_glide),  cmocka_unit_test(test_spinner_only_while_drawn),
		cmocka_unit_test(test_later_is_due),      cmocka_unit_test(test_image_load_wakes_the_owner),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
