/* SPDX-License-Identifier: MIT */
/* What the viewer reads, as the state JSON reports it: panel names with emoji and symbols draw no
 * .notdef box (the fontconfig face chain, seen failing with QANAT_FONT_FALLBACK=off), the emoji comes
 * out in colour, a label too long for its box is reported clipped, a grid title ended by a deliberate
 * ellipsis is ellipsized and not clipped, Arabic reads right to left as "ar", and texts hidden under a
 * full-screen screen or outside the clip are not listed. The emoji frame is written to
 * emoji_texts.png in the test's working directory, to be looked at. */
#include "plat_display_sdl.h"
#include "ui.h"
#include "ui_pixels.h"
#include "ui_script.h"

#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* as panels name categories and channels (the local panel has "Emoji 🎬 Picks" and "Fun 🎬") */
static const char *const panel_names[] = { "Emoji 😀 Picks", "Fun ★ 47", "PIN 🔒", "Emoji 🎬 Picks" };

struct fx {
	struct plat_display *disp;
	struct ui_ctx *ctx;
};

static struct fx open_ui(bool rtl)
{
	struct fx f = { 0 };
	assert_int_equal(plat_display_open(&plat_display_headless, 960, 540, "t", &f.disp), 0);
	struct ui_ctx_config cfg = { .display = f.disp, .rtl = rtl, .virtual_time = true };
	assert_int_equal(ui_ctx_create(&cfg, &f.ctx), 0);
	return f;
}

static void close_ui(struct fx *f)
{
	ui_ctx_destroy(&f->ctx);
	plat_display_close(&f->disp);
}

static struct ui_text *open_text(struct plat_display **disp)
{
	assert_int_equal(plat_display_open(&plat_display_headless, 320, 180, "t", disp), 0);
	struct ui_theme t;
	ui_theme_default(&t);
	struct ui_text *text = NULL;
	assert_int_equal(ui_text_create(plat_display_renderer(*disp), t.font_latin, t.font_arabic, &text), 0);
	return text;
}

/* The texts array of the state, and the entry whose text is s (fails when it is not there). */
static json_t *texts_of(struct ui_ctx *ctx)
{
	json_t *o = ui_script_state(ctx, NULL);
	assert_non_null(o);
	return o;
}

static json_t *entry(json_t *state, const char *s)
{
	json_t *a = json_object_get(state, "texts");
	assert_true(json_is_array(a));
	size_t i;
	json_t *t;
	json_array_foreach(a, i, t)
	{
		if (strcmp(json_string_value(json_object_get(t, "text")), s) == 0)
			return t;
	}
	fail_msg("'%s' is not among the %zu texts of the state", s, json_array_size(a));
	return NULL;
}

static bool has_text(json_t *state, const char *s)
{
	json_t *a = json_object_get(state, "texts");
	size_t i;
	json_t *t;
	json_array_foreach(a, i, t)
	{
		if (strcmp(json_string_value(json_object_get(t, "text")), s) == 0)
			return true;
	}
	return false;
}

static bool flag(json_t *t, const char *name)
{
	json_t *v = json_object_get(t, name);
	if (!json_is_boolean(v))
		fail_msg("field '%s' missing or not a boolean", name);
	return json_is_true(v);
}

static long num(json_t *t, const char *name)
{
	json_t *v = json_object_get(t, name);
	if (!json_is_integer(v))
		fail_msg("field '%s' missing or not an integer", name);
	return (long)json_integer_value(v);
}

/* ---- the face chain ---- */

static void test_panel_names_have_every_glyph(void **state)
{
	(void)state;
	struct plat_display *disp = NULL;
	struct ui_text *text = open_text(&disp);
	for (size_t i = 0; i < sizeof(panel_names) / sizeof(panel_names[0]); i++) {
		struct ui_text_metrics m;
		assert_int_equal(ui_text_measure(text, panel_names[i], 32, 0, 1, 0, &m), 0);
		if (m.missing_glyphs != 0)
			fail_msg("'%s': %d glyph(s) drawn as .notdef", panel_names[i], m.missing_glyphs);
	}
	/* the lock is shaped with the face that draws it, the colour emoji font, not the Latin one */
	struct ui_text_glyph g[16];
	size_t n = 0;
	int w = 0;
	assert_int_equal(ui_text_shape_line(text, "PIN 🔒", 32, 0, g, 16, &n, &w), 0);
	assert_int_equal(n, 5);
	assert_int_equal(g[4].cluster, 4);
	assert_true(g[4].font >= 2);
	assert_int_not_equal(g[4].glyph, 0);
	assert_non_null(strstr(ui_text_face_file(text, g[4].font), "Emoji"));
	assert_int_equal(g[0].font, 0);
	/* a ZWJ sequence and a flag reach the emoji face whole: one glyph each, not three or two */
	assert_int_equal(ui_text_shape_line(text, "👨‍👩‍👧", 32, 0, g, 16, &n, &w), 0);
	assert_int_equal(n, 1);
	assert_int_not_equal(g[0].glyph, 0);
	assert_int_equal(ui_text_shape_line(text, "🇸🇦", 32, 0, g, 16, &n, &w), 0);
	assert_int_equal(n, 1);
	assert_int_not_equal(g[0].glyph, 0);
	ui_text_destroy(&text);
	plat_display_close(&disp);
}

/* With the chain off (the old two-font path) the same names lose glyphs: what the test above guards. */
static void test_without_the_chain_glyphs_are_missing(void **state)
{
	(void)state;
	setenv("QANAT_FONT_FALLBACK", "off", 1);
	struct plat_display *disp = NULL;
	struct ui_text *text = open_text(&disp);
	unsetenv("QANAT_FONT_FALLBACK");
	struct ui_text_metrics m;
	assert_int_equal(ui_text_measure(text, "Emoji 😀 Picks", 32, 0, 1, 0, &m), 0);
	assert_int_equal(m.missing_glyphs, 1);
	assert_int_equal(ui_text_measure(text, "Emoji Picks", 32, 0, 1, 0, &m), 0);
	assert_int_equal(m.missing_glyphs, 0);
	ui_text_destroy(&text);
	plat_display_close(&disp);
}

/* An OEM's folder of fonts joins fontconfig's set: a font found only there draws. */
static void test_fonts_dir_joins_the_set(void **state)
{
	(void)state;
	char dir[] = "/tmp/qanat-fonts-XXXXXX";
	assert_non_null(mkdtemp(dir));
	struct ui_theme t;
	ui_theme_default(&t);
	/* a copy of the Latin font under a name fontconfig cannot know from the system's folders */
	char path[600], cmd[1400];
	snprintf(path, sizeof(path), "%s/oem-latin.ttf", dir);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", t.font_latin, path);
	assert_int_equal(system(cmd), 0);
	/* the Latin font as a fontconfig pattern that only the OEM's copy matches */
	char pattern[700];
	snprintf(pattern, sizeof(pattern), "Noto Sans:file=%s", path);
	struct plat_display *disp = NULL;
	assert_int_equal(plat_display_open(&plat_display_headless, 320, 180, "t", &disp), 0);
	SDL_Renderer *r = plat_display_renderer(disp);
	struct ui_text *text = NULL;
	setenv("QANAT_FONTS_DIR", dir, 1);
	assert_int_equal(ui_text_create(r, pattern, t.font_arabic, &text), 0);
	assert_string_equal(ui_text_face_file(text, 0), path);
	ui_text_destroy(&text);
	unsetenv("QANAT_FONTS_DIR");
	/* without the folder fontconfig answers a system font */
	assert_int_equal(ui_text_create(r, pattern, t.font_arabic, &text), 0);
	assert_string_not_equal(ui_text_face_file(text, 0), path);
	ui_text_destroy(&text);
	/* a font file that is not there (a box laid out differently) is found by fontconfig */
	assert_int_equal(ui_text_create(r, "/no/such/NotoSans-Regular.ttf", t.font_arabic, &text), 0);
	assert_non_null(strstr(ui_text_face_file(text, 0), "NotoSans"));
	ui_text_destroy(&text);
	plat_display_close(&disp);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* ---- the state's texts ---- */

static void draw_title(void *user, struct ui_draw *d, size_t index, int w, int h, bool focused)
{
	(void)user;
	(void)focused;
	static const char *const titles[] = { "A title far too long for one poster of the grid to show whole",
					      "Short" };
	struct ui_text_style st = { .size = 28, .flags = UI_TEXT_ELLIPSIS };
	ui_draw_text(d, (struct ui_rect){ 0, h - 40, w, 40 }, titles[index % 2], &st);
}

static size_t two(void *user)
{
	(void)user;
	return 2;
}

static const struct ui_list_model titles_model = { .count = two, .draw = draw_title };

static void test_state_reports_every_text(void **state)
{
	(void)state;
	struct fx f = open_ui(false);
	struct ui_widget *s = ui_screen_create(f.ctx, "texts");
	ui_widget_set_background(s, ui_ctx_theme(f.ctx)->bg);
	for (size_t i = 0; i < 3; i++)
		ui_label_create(s, (struct ui_rect){ 60, 60 + (int)i * 80, 600, 60 }, panel_names[i], NULL);
	ui_label_create(s, (struct ui_rect){ 60, 560, 600, 60 }, panel_names[3], NULL);
	/* one line, no ellipsis asked for, in a box far too narrow: the text runs out of its box */
	struct ui_text_style tight = { .size = 32, .flags = UI_TEXT_MIDDLE };
	ui_label_create(s, (struct ui_rect){ 60, 320, 200, 60 }, "Recordings and catch-up of the week",
			&tight);
	/* wrapped, two lines at most, no ellipsis: lines are dropped */
	struct ui_text_style two_lines = { .size = 32, .flags = UI_TEXT_WRAP, .max_lines = 2 };
	ui_label_create(
	    s, (struct ui_rect){ 700, 60, 300, 200 },
	    "Your subscription ends soon. Renew it from the account page to keep watching every channel",
	    &two_lines);
	ui_grid_create(s, (struct ui_rect){ 700, 400, 1000, 300 }, &titles_model, NULL, 400, 300);
	ui_label_create(s, (struct ui_rect){ 60, 440, 600, 60 }, "قناة الأخبار", NULL);
	/* a label wholly outside its parent box is not drawn, so not listed */
	struct ui_widget *box = ui_box_create(s, (struct ui_rect){ 60, 900, 400, 100 });
	ui_label_create(box, (struct ui_rect){ 0, 300, 400, 60 }, "Out of sight", NULL);
	ui_screen_push(f.ctx, s);
	ui_ctx_frame(f.ctx, true);

	json_t *o = texts_of(f.ctx);
	for (size_t i = 0; i < 4; i++) {
		json_t *t = entry(o, panel_names[i]);
		assert_int_equal(num(t, "missing_glyphs"), 0);
		assert_false(flag(t, "clipped"));
		assert_false(flag(t, "rtl"));
		assert_string_equal(json_string_value(json_object_get(t, "lang")), "en");
		assert_true(num(t, "w") > 0 && num(t, "h") > 0);
		assert_true(num(t, "x") >= ui_ctx_px(f.ctx, 60) && num(t, "y") >= ui_ctx_px(f.ctx, 60));
	}
	assert_true(flag(entry(o, "Recordings and catch-up of the week"), "clipped"));
	assert_false(flag(entry(o, "Recordings and catch-up of the week"), "ellipsized"));
	json_t *sub = entry(o, "Your subscription ends soon. Renew it from the account page to keep watching "
			       "every channel");
	assert_true(flag(sub, "clipped"));
	json_t *title = entry(o, "A title far too long for one poster of the grid to show whole");
	assert_true(flag(title, "ellipsized"));
	assert_false(flag(title, "clipped"));
	assert_false(flag(entry(o, "Short"), "ellipsized"));
	assert_false(flag(entry(o, "Short"), "clipped"));
	json_t *ar = entry(o, "قناة الأخبار");
	assert_true(flag(ar, "rtl"));
	assert_string_equal(json_string_value(json_object_get(ar, "lang")), "ar");
	assert_int_equal(num(ar, "missing_glyphs"), 0);
	assert_false(has_text(o, "Out of sight"));
	json_decref(o);

	/* the emoji line as the viewer sees it: colour pixels (the yellow face), not a grey box */
	struct ui_pixels px;
	assert_int_equal(ui_ctx_capture(f.ctx, &px), 0);
	assert_int_equal(ui_pixels_write_png("emoji_texts.png", &px), 0);
	size_t colourful = 0;
	int y0 = ui_ctx_px(f.ctx, 60), y1 = ui_ctx_px(f.ctx, 120), x1 = ui_ctx_px(f.ctx, 660);
	for (int y = y0; y < y1; y++)
		for (int x = 0; x < x1; x++) {
			const uint8_t *p = px.rgba + ((size_t)y * px.width + x) * 4;
			if (p[0] > 180 && p[1] > 120 && p[2] < 90) /* yellow */
				colourful++;
		}
	ui_pixels_free(&px);
	if (colourful < 40)
		fail_msg("only %zu yellow pixels in the 'Emoji 😀 Picks' line", colourful);

	/* a full-screen screen on top hides every text under it */
	struct ui_widget *top = ui_screen_create(f.ctx, "top");
	ui_widget_set_background(top, ui_ctx_theme(f.ctx)->bg);
	ui_label_create(top, (struct ui_rect){ 60, 60, 600, 60 }, "On top", NULL);
	ui_screen_push(f.ctx, top);
	ui_ctx_frame(f.ctx, false);
	o = texts_of(f.ctx);
	assert_true(has_text(o, "On top"));
	assert_false(has_text(o, "Fun ★ 47"));
	json_decref(o);
	close_ui(&f);
}

/* An Arabic UI: the paragraph direction and language are those of each string. */
static void test_state_texts_arabic_ui(void **state)
{
	(void)state;
	struct fx f = open_ui(true);
	struct ui_widget *s = ui_screen_create(f.ctx, "ar");
	ui_label_create(s, (struct ui_rect){ 60, 60, 600, 60 }, "الإعدادات", NULL);
	ui_label_create(s, (struct ui_rect){ 60, 160, 600, 60 }, "BBC News", NULL);
	ui_screen_push(f.ctx, s);
	ui_toast_show(f.ctx, "تم الحفظ", 3000);
	ui_ctx_frame(f.ctx, true);
	json_t *o = texts_of(f.ctx);
	json_t *t = entry(o, "الإعدادات");
	assert_true(flag(t, "rtl"));
	assert_string_equal(json_string_value(json_object_get(t, "lang")), "ar");
	/* right-aligned in a right-to-left UI: it ends near the right edge of its mirrored box */
	assert_true(num(t, "x") + num(t, "w") > ui_ctx_px(f.ctx, 1920 - 60) - 4);
	t = entry(o, "BBC News");
	assert_false(flag(t, "rtl"));
	assert_string_equal(json_string_value(json_object_get(t, "lang")), "en");
	t = entry(o, "تم الحفظ");
	assert_string_equal(json_string_value(json_object_get(t, "screen")), "toast");
	json_decref(o);
	close_ui(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_panel_names_have_every_glyph),
		cmocka_unit_test(test_without_the_chain_glyphs_are_missing),
		cmocka_unit_test(test_fonts_dir_joins_the_set),
		cmocka_unit_test(test_state_reports_every_text),
		cmocka_unit_test(test_state_texts_arabic_ui),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
