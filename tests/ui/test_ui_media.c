/* SPDX-License-Identifier: MIT */
/* Text, images, the video layer, pixels and the theme, against the real libraries: Arabic must come
 * out joined and right to left, long text must wrap or end in an ellipsis inside its box, images
 * must load off the UI thread with a placeholder meanwhile and stay inside their caches' caps, and
 * video frames must land on screen with the right colours and aspect. */
#include "plat_display_sdl.h"
#include "ui.h"
#include "ui_pixels.h"
#include "ui_script.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

struct fx {
	struct plat_display *disp;
	struct ui_ctx *ctx;
	struct ui_text *text;
};

static struct fx open_ui(const struct ui_ctx_config *extra)
{
	struct fx f = { 0 };
	assert_int_equal(plat_display_open(&plat_display_headless, 960, 540, "t", &f.disp), 0);
	struct ui_ctx_config cfg = extra ? *extra : (struct ui_ctx_config){ 0 };
	cfg.display = f.disp;
	cfg.virtual_time = true;
	assert_int_equal(ui_ctx_create(&cfg, &f.ctx), 0);
	struct ui_theme t;
	ui_theme_default(&t);
	assert_int_equal(ui_text_create(plat_display_renderer(f.disp), t.font_latin, t.font_arabic, &f.text),
			 0);
	return f;
}

static void close_ui(struct fx *f)
{
	ui_text_destroy(&f->text);
	ui_ctx_destroy(&f->ctx);
	plat_display_close(&f->disp);
}

/* ---- text ---- */

static const char qanat[] = "قناة"; /* qaf noon alef teh-marbuta */

static void test_arabic_joined_rtl(void **state)
{
	struct fx f = open_ui(NULL);
	struct ui_text_glyph g[32];
	size_t n;
	int w;
	assert_int_equal(ui_text_shape_line(f.text, qanat, 32, 0, g, 32, &n, &w), 0);
	assert_int_equal(n, 4);
	/* visual order right to left: the first glyph on the left is the last letter (byte 6) */
	assert_int_equal(g[0].cluster, 6);
	assert_int_equal(g[3].cluster, 0);
	assert_int_equal(g[0].font, 1);
	/* joined: the initial qaf is not the isolated form */
	assert_int_not_equal(g[3].glyph, ui_text_nominal_glyph(f.text, 1, 0x0642, 32));
	assert_true(w > 0 && g[0].x == 0 && g[3].x > g[0].x);
	close_ui(&f);
}

static void test_mixed_line_order(void **state)
{
	struct fx f = open_ui(NULL);
	/* "TV قناة 24": Latin first (LTR paragraph), then the Arabic run with its number */
	const char *s = "TV قناة 24";
	struct ui_text_glyph g[32];
	size_t n;
	int w;
	assert_int_equal(ui_text_shape_line(f.text, s, 32, 0, g, 32, &n, &w), 0);
	assert_true(n >= 9);
	assert_int_equal(g[0].cluster, 0); /* T at the left */
	assert_int_equal(g[0].font, 0);
	/* after "TV ", the digits come before the Arabic word on screen and keep their order "24" */
	size_t i2 = 0, i4 = 0, iq = 0;
	for (size_t i = 0; i < n; i++) {
		if (g[i].cluster == strlen("TV قناة "))
			i2 = i;
		if (g[i].cluster == strlen("TV قناة 2"))
			i4 = i;
		if (g[i].cluster == 3)
			iq = i; /* qaf */
	}
	assert_true(i2 < i4);
	assert_true(i4 < iq);
	/* in an RTL UI the same glyphs are ordered for a right-to-left paragraph only if no strong
	 * letter decides; "TV" decides LTR, so the Latin stays first */
	struct ui_text_glyph h[32];
	assert_int_equal(ui_text_shape_line(f.text, s, 32, UI_TEXT_RTL, h, 32, &n, &w), 0);
	assert_int_equal(h[0].cluster, 0);
	close_ui(&f);
}

static void test_wrap_and_ellipsis(void **state)
{
	struct fx f = open_ui(NULL);
	const char *para = "The quick brown fox jumps over the lazy dog and keeps running into the night";
	struct ui_text_metrics one, wrapped, ell, two;
	assert_int_equal(ui_text_measure(f.text, para, 24, 0, 0, 0, &one), 0);
	assert_int_equal(one.lines, 1);
	assert_int_equal(ui_text_measure(f.text, para, 24, 300, 0, UI_TEXT_WRAP, &wrapped), 0);
	assert_true(wrapped.lines >= 3);
	assert_true(wrapped.width <= 300);
	assert_false(wrapped.truncated);
	assert_int_equal(ui_text_measure(f.text, para, 24, 300, 0, UI_TEXT_ELLIPSIS, &ell), 0);
	assert_int_equal(ell.lines, 1);
	assert_true(ell.width <= 300 && ell.width > 200);
	assert_true(ell.truncated);
	assert_int_equal(ui_text_measure(f.text, para, 24, 300, 2, UI_TEXT_WRAP | UI_TEXT_ELLIPSIS, &two), 0);
	assert_int_equal(two.lines, 2);
	assert_true(two.truncated && two.width <= 300);
	/* Arabic wraps too, and an unbreakable word is cut rather than overflowing */
	struct ui_text_metrics ar, word;
	assert_int_equal(ui_text_measure(f.text, "النص الطويل يلتف عند المسافات في الصندوق", 24, 200, 0,
					 UI_TEXT_WRAP | UI_TEXT_RTL, &ar),
			 0);
	assert_true(ar.lines >= 2 && ar.width <= 200);
	assert_int_equal(
	    ui_text_measure(f.text, "Supercalifragilisticexpialidocious", 24, 120, 0, UI_TEXT_WRAP, &word),
	    0);
	assert_true(word.lines >= 3 && word.width <= 120);
	/* invalid UTF-8 is drawn as replacement characters, not a crash */
	struct ui_text_metrics bad;
	assert_int_equal(ui_text_measure(f.text, "ab\xff\xc3(", 24, 0, 0, 0, &bad), 0);
	assert_true(bad.width > 0);
	close_ui(&f);
}

/* ---- pixels ---- */

static char tmpdir[256];

static void make_tmp(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "%s/qanat-ui-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(tmpdir));
}

static struct ui_pixels solid(int w, int h, uint8_t r, uint8_t g, uint8_t b)
{
	struct ui_pixels p = { malloc((size_t)w * h * 4), w, h };
	for (int i = 0; i < w * h; i++) {
		p.rgba[i * 4] = r;
		p.rgba[i * 4 + 1] = g;
		p.rgba[i * 4 + 2] = b;
		p.rgba[i * 4 + 3] = 255;
	}
	return p;
}

static void test_png_roundtrip_and_compare(void **state)
{
	make_tmp();
	char path[300];
	snprintf(path, sizeof(path), "%s/a.png", tmpdir);
	struct ui_pixels a = solid(64, 32, 10, 200, 30), b, half, c;
	a.rgba[5 * 4] = 255; /* one odd pixel */
	assert_int_equal(ui_pixels_write_png(path, &a), 0);
	assert_int_equal(ui_pixels_load(path, 0, &b), 0);
	struct ui_pixels_diff d;
	assert_int_equal(ui_pixels_compare(&a, &b, 0, &d), 0);
	assert_int_equal(d.differing, 0);
	assert_int_equal(ui_pixels_scale(&a, 32, 16, &half), 0);
	assert_int_equal(half.rgba[1], 200);
	assert_int_equal(ui_pixels_compare(&a, &half, 0, &d), -EINVAL);
	c = solid(64, 32, 14, 200, 30);
	assert_int_equal(ui_pixels_compare(&a, &c, 8, &d), 0);
	assert_int_equal(d.differing, 1); /* only the odd pixel is beyond the tolerance */
	assert_int_equal(ui_pixels_compare(&a, &c, 2, &d), 0);
	assert_int_equal(d.differing, 64 * 32);
	/* not an image */
	FILE *fp = fopen(path, "wb");
	fputs("not a png at all", fp);
	fclose(fp);
	struct ui_pixels junk;
	assert_int_equal(ui_pixels_load(path, 0, &junk), -EINVAL);
	ui_pixels_free(&half);
	ui_pixels_free(&a);
	ui_pixels_free(&b);
	ui_pixels_free(&c);
}

/* ---- images ---- */

static int fetches;
static int fetch_cb(void *user, const char *url, uint8_t **data, size_t *len, size_t cap)
{
	__atomic_fetch_add(&fetches, 1, __ATOMIC_SEQ_CST);
	const char *path = url + strlen("test://");
	FILE *f = fopen(path, "rb");
	if (!f)
		return -ENOENT;
	*data = malloc(cap < 1 << 20 ? cap : 1 << 20);
	*len = fread(*data, 1, 1 << 20, f);
	fclose(f);
	return 0;
}

static int snap_status(struct fx *f, struct ui_widget *im)
{
	ui_script_settle(f->ctx, 5000);
	return ui_image_status(im);
}

static void test_images_async_and_capped(void **state)
{
	make_tmp();
	char disk[300];
	snprintf(disk, sizeof(disk), "%s/cache", tmpdir);
	/* 10 PNGs of 200x200 (160 KB as textures); memory cap of 3 of them */
	for (int i = 0; i < 10; i++) {
		char path[300];
		snprintf(path, sizeof(path), "%s/i%d.png", tmpdir, i);
		struct ui_pixels p = solid(200, 200, (uint8_t)(i * 20), 100, 50);
		assert_int_equal(ui_pixels_write_png(path, &p), 0);
		ui_pixels_free(&p);
	}
	struct ui_ctx_config cfg = { .image_mem_cap = 3 * 200 * 200 * 4,
				     .image_disk_dir = disk,
				     .image_disk_cap = 4000,
				     .fetch = fetch_cb };
	struct fx f = open_ui(&cfg);
	struct ui_widget *s = ui_screen_create(f.ctx, "img");
	ui_screen_push(f.ctx, s);
	char url[400];
	snprintf(url, sizeof(url), "%s/i0.png", tmpdir);
	struct ui_widget *im = ui_image_create(s, (struct ui_rect){ 0, 0, 400, 400 }, url);
	ui_ctx_frame(f.ctx, true);
	/* the first frame shows the placeholder: the decode runs on a worker */
	struct ui_pixels shot;
	assert_int_equal(ui_ctx_capture(f.ctx, &shot), 0);
	const struct ui_theme *t = ui_ctx_theme(f.ctx);
	int centre = (100 * 960 + 100) * 4;
	if (ui_image_status(im) == 0)
		assert_int_equal(shot.rgba[centre], t->placeholder.r);
	ui_pixels_free(&shot);
	assert_int_equal(snap_status(&f, im), 1);
	assert_int_equal(ui_ctx_capture(f.ctx, &shot), 0);
	assert_int_equal(shot.rgba[centre], 0); /* i0 is (0,100,50) */
	assert_int_equal(shot.rgba[centre + 1], 100);
	ui_pixels_free(&shot);
	for (int i = 1; i < 10; i++) {
		snprintf(url, sizeof(url), "%s/i%d.png", tmpdir, i);
		ui_image_set_url(im, url);
		ui_ctx_frame(f.ctx, false);
		assert_int_equal(snap_status(&f, im), 1);
	}
	struct ui_ctx_stats st;
	ui_ctx_stats(f.ctx, &st);
	assert_true(st.image_mem_bytes <= cfg.image_mem_cap);
	assert_true(st.images_evicted >= 6);
	/* a file that is not an image fails cleanly and keeps the placeholder */
	snprintf(url, sizeof(url), "%s/missing.png", tmpdir);
	ui_image_set_url(im, url);
	ui_ctx_frame(f.ctx, false);
	assert_true(snap_status(&f, im) < 0);
	/* remote URLs go through the fetch callback once, then the disk cache (capped) */
	for (int i = 0; i < 10; i++) {
		snprintf(url, sizeof(url), "test://%s/i%d.png", tmpdir, i % 2);
		ui_image_set_url(im, url);
		ui_ctx_frame(f.ctx, false);
		assert_int_equal(snap_status(&f, im), 1);
	}
	assert_int_equal(fetches, 2);
	ui_ctx_stats(f.ctx, &st);
	assert_true(st.image_disk_bytes > 0 && st.image_disk_bytes <= cfg.image_disk_cap);
	close_ui(&f);
	/* a new context finds them on disk: no fetch */
	struct fx g = open_ui(&cfg);
	struct ui_widget *s2 = ui_screen_create(g.ctx, "img");
	ui_screen_push(g.ctx, s2);
	snprintf(url, sizeof(url), "test://%s/i1.png", tmpdir);
	struct ui_widget *im2 = ui_image_create(s2, (struct ui_rect){ 0, 0, 400, 400 }, url);
	ui_ctx_frame(g.ctx, false);
	assert_int_equal(snap_status(&g, im2), 1);
	assert_int_equal(fetches, 2);
	close_ui(&g);
}

/* ---- video ---- */

static void fill_frame(uint8_t *y, uint8_t *u, uint8_t *v, int w, int h, uint8_t Y, uint8_t U, uint8_t V)
{
	memset(y, Y, (size_t)w * h);
	memset(u, U, (size_t)w * h / 4);
	memset(v, V, (size_t)w * h / 4);
}

static void test_video_layer(void **state)
{
	struct fx f = open_ui(NULL);
	struct ui_widget *s = ui_screen_create(f.ctx, "tv");
	struct ui_widget *vid = ui_video_create(s, (struct ui_rect){ 0, 0, 1920, 1080 });
	/* a label over the video: the UI stays on top */
	ui_label_create(s, (struct ui_rect){ 0, 0, 400, 100 }, "OSD", NULL);
	ui_screen_push(f.ctx, s);
	enum { W = 160, H = 120 }; /* 4:3 in a 16:9 layer */
	static uint8_t y[W * H], u[W * H / 4], v[W * H / 4], uv[W * H / 2];
	fill_frame(y, u, v, W, H, 81, 90, 240); /* red in BT.601 limited range */
	struct ui_video_frame fr = { .width = W,
				     .height = H,
				     .format = UI_VIDEO_YUV420P,
				     .planes = { y, u, v },
				     .linesize = { W, W / 2, W / 2 } };
	assert_int_equal(ui_video_show(vid, &fr), 0);
	assert_int_equal(ui_ctx_frame(f.ctx, false), 1); /* recomposed though no widget changed */
	int x, py, pw, ph;
	ui_video_picture_rect(vid, &x, &py, &pw, &ph);
	assert_int_equal(ph, 540);
	assert_int_equal(pw, 720);
	assert_int_equal(x, 120);
	struct ui_pixels shot;
	assert_int_equal(ui_ctx_capture(f.ctx, &shot), 0);
	const uint8_t *mid = &shot.rgba[(300 * 960 + 480) * 4], *bar = &shot.rgba[(300 * 960 + 20) * 4];
	assert_true(mid[0] > 200 && mid[1] < 60 && mid[2] < 60);
	assert_true(bar[0] < 10 && bar[1] < 10 && bar[2] < 10); /* letterbox */
	ui_pixels_free(&shot);
	ui_video_set_aspect(vid, UI_ASPECT_FILL);
	ui_video_picture_rect(vid, &x, &py, &pw, &ph);
	assert_int_equal(pw, 960);
	/* NV12 too */
	memset(uv, 0, sizeof(uv));
	for (size_t i = 0; i < sizeof(uv); i += 2) {
		uv[i] = 54;     /* U */
		uv[i + 1] = 34; /* V: green */
	}
	memset(y, 145, sizeof(y));
	struct ui_video_frame nv = { .width = W,
				     .height = H,
				     .format = UI_VIDEO_NV12,
				     .planes = { y, uv, NULL },
				     .linesize = { W, W, 0 } };
	assert_int_equal(ui_video_show(vid, &nv), 0);
	assert_int_equal(ui_ctx_capture(f.ctx, &shot), 0);
	mid = &shot.rgba[(300 * 960 + 480) * 4];
	assert_true(mid[1] > 200 && mid[0] < 60);
	ui_pixels_free(&shot);
	struct ui_video_frame bad = nv;
	bad.linesize[0] = 3;
	assert_int_equal(ui_video_show(vid, &bad), -EINVAL);
	close_ui(&f);
}

/* ---- theme ---- */

static void test_theme_brand(void **state)
{
	struct ui_theme t;
	ui_theme_default(&t);
	assert_int_equal(ui_theme_set(&t, "accent", "#ff8000"), 0);
	assert_int_equal(t.accent.r, 0xff);
	assert_int_equal(t.accent.g, 0x80);
	assert_int_equal(ui_theme_set(&t, "overlay", "#00000080"), 0);
	assert_int_equal(t.overlay.a, 0x80);
	assert_int_equal(ui_theme_set(&t, "accent", "red"), -EINVAL);
	assert_int_equal(ui_theme_set(&t, "text_body", "40"), 0);
	assert_int_equal(ui_theme_set(&t, "text_body", "4000"), -EINVAL);
	assert_int_equal(ui_theme_set(&t, "focus_anim_ms", "200"), -EINVAL); /* must stay under 150 ms */
	assert_int_equal(ui_theme_set(&t, "nope", "1"), -ENOENT);
	/* a branded theme restyles what is drawn */
	struct plat_display *d = NULL;
	assert_int_equal(plat_display_open(&plat_display_headless, 320, 180, "t", &d), 0);
	struct ui_theme brand;
	ui_theme_default(&brand);
	ui_theme_set(&brand, "bg", "#336699");
	struct ui_ctx_config cfg = { .display = d, .theme = &brand, .virtual_time = true };
	struct ui_ctx *ctx = NULL;
	assert_int_equal(ui_ctx_create(&cfg, &ctx), 0);
	ui_screen_push(ctx, ui_screen_create(ctx, "x"));
	struct ui_pixels shot;
	assert_int_equal(ui_ctx_capture(ctx, &shot), 0);
	assert_int_equal(shot.rgba[0], 0x33);
	assert_int_equal(shot.rgba[2], 0x99);
	ui_pixels_free(&shot);
	ui_ctx_destroy(&ctx);
	plat_display_close(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arabic_joined_rtl),
		cmocka_unit_test(test_mixed_line_order),
		cmocka_unit_test(test_wrap_and_ellipsis),
		cmocka_unit_test(test_png_roundtrip_and_compare),
		cmocka_unit_test(test_images_async_and_capped),
		cmocka_unit_test(test_video_layer),
		cmocka_unit_test(test_theme_brand),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
