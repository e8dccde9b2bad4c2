/* SPDX-License-Identifier: MIT */
/* Focus navigation and layout, table driven: the remote must move the focus where the eye expects in
 * both directions of writing, wrap only where asked, remember the focus across screens, and put every
 * widget at the same place at 720p, 1080p and 2160p. */
#include "plat_display.h"
#include "ui.h"
#include "ui_script.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

struct fx {
	struct plat_display *disp;
	struct ui_ctx *ctx;
};

static struct fx open_ui(int w, int h, bool rtl)
{
	struct fx f = { 0 };
	assert_int_equal(plat_display_open(&plat_display_headless, w, h, "t", &f.disp), 0);
	struct ui_ctx_config cfg = {
		.display = f.disp, .rtl = rtl, .virtual_time = true, .wall_ms = 1717272600000LL
	};
	assert_int_equal(ui_ctx_create(&cfg, &f.ctx), 0);
	return f;
}

static void close_ui(struct fx *f)
{
	ui_ctx_destroy(&f->ctx);
	assert_null(f->ctx);
	plat_display_close(&f->disp);
}

/* A 3x3 pad of buttons "b0".."b8" in a box, plus "wide" under it spanning the pad. */
static struct ui_widget *pad_screen(struct ui_ctx *ctx, struct ui_widget **box)
{
	struct ui_widget *s = ui_screen_create(ctx, "pad");
	*box = ui_box_create(s, (struct ui_rect){ 100, 100, 900, 600 });
	for (int i = 0; i < 9; i++) {
		char id[8];
		snprintf(id, sizeof(id), "b%d", i);
		struct ui_widget *b = ui_button_create(
		    *box, (struct ui_rect){ (i % 3) * 300, (i / 3) * 200, 260, 160 }, id, NULL, NULL);
		ui_widget_set_id(b, id);
	}
	struct ui_widget *wide =
	    ui_button_create(s, (struct ui_rect){ 100, 800, 900, 100 }, "wide", NULL, NULL);
	ui_widget_set_id(wide, "wide");
	ui_screen_push(ctx, s);
	return s;
}

struct nav_case {
	bool rtl, wrap;
	const char *from;
	const char *keys; /* space separated action names */
	const char *to;
};

static const struct nav_case nav_cases[] = {
	{ false, false, "b0", "right", "b1" },
	{ false, false, "b0", "right right right", "b2" }, /* no wrap: stays at the edge */
	{ false, true, "b2", "right", "b0" },              /* wrap */
	{ false, false, "b4", "down down", "wide" },       /* out of the box into the next widget */
	{ false, false, "wide", "up", "b7" },              /* nearest to the centre */
	{ false, false, "b0", "left", "b0" },
	{ true, false, "b0", "left", "b1" }, /* mirrored: b0 is on the right, b1 to its left */
	{ true, false, "b1", "right", "b0" },
	{ true, false, "b0", "down", "b3" },
	{ true, true, "b0", "right", "b2" },
	{ false, false, "b8", "up up up", "b2" },
};

static void test_navigation_table(void **state)
{
	for (size_t i = 0; i < sizeof(nav_cases) / sizeof(nav_cases[0]); i++) {
		const struct nav_case *c = &nav_cases[i];
		struct fx f = open_ui(960, 540, c->rtl);
		struct ui_widget *box;
		struct ui_widget *s = pad_screen(f.ctx, &box);
		ui_widget_set_wrap(box, c->wrap, false);
		assert_int_equal(ui_widget_focus(ui_widget_find(s, c->from)), 0);
		char keys[64];
		snprintf(keys, sizeof(keys), "%s", c->keys);
		char *save = NULL;
		for (char *k = strtok_r(keys, " ", &save); k; k = strtok_r(NULL, " ", &save))
			ui_ctx_action(f.ctx, plat_action_from_name(k));
		const char *got = ui_widget_id(ui_focused(f.ctx));
		if (strcmp(got, c->to) != 0)
			fail_msg("case %zu (%s, from %s, keys '%s'): focus on %s, expected %s", i,
				 c->rtl ? "rtl" : "ltr", c->from, c->keys, got, c->to);
		close_ui(&f);
	}
}

static size_t count_n;
static size_t n_items(void *user)
{
	return count_n;
}
static void draw_item(void *user, struct ui_draw *d, size_t i, int w, int h, bool focused)
{
	ui_draw_fill(d, (struct ui_rect){ 0, 0, w, h }, ui_draw_theme(d)->surface);
}
static const struct ui_list_model model = { .count = n_items, .draw = draw_item };

/* Grid 5 columns wide, 12 items: the last row has 2. */
struct grid_case {
	bool rtl;
	size_t from;
	const char *key;
	size_t to;
	bool used;
};
static const struct grid_case grid_cases[] = {
	{ false, 0, "right", 1, true },   { false, 4, "right", 4, false }, /* edge: passes up */
	{ false, 8, "down", 11, true }, /* short last row: nearest is the last item */
	{ false, 11, "down", 11, false }, { false, 6, "up", 1, true },      { true, 0, "left", 1, true },
	{ true, 1, "right", 0, true },    { false, 0, "pgdown", 10, true }, /* 2 visible rows of 5 */
};

static void test_grid_table(void **state)
{
	count_n = 12;
	for (size_t i = 0; i < sizeof(grid_cases) / sizeof(grid_cases[0]); i++) {
		const struct grid_case *c = &grid_cases[i];
		struct fx f = open_ui(960, 540, c->rtl);
		struct ui_widget *s = ui_screen_create(f.ctx, "g");
		struct ui_widget *g =
		    ui_grid_create(s, (struct ui_rect){ 0, 0, 1000, 400 }, &model, NULL, 200, 200);
		ui_screen_push(f.ctx, s);
		ui_list_set_index(g, c->from);
		bool used = ui_ctx_action(f.ctx, plat_action_from_name(c->key));
		if (ui_list_index(g) != c->to || used != c->used)
			fail_msg("grid case %zu: index %zu used %d, expected %zu used %d", i,
				 ui_list_index(g), used, c->to, c->used);
		close_ui(&f);
	}
}

static void test_focus_memory(void **state)
{
	struct fx f = open_ui(960, 540, false);
	count_n = 1000;
	struct ui_widget *home = ui_screen_create(f.ctx, "home");
	struct ui_widget *b = ui_button_create(home, (struct ui_rect){ 0, 0, 200, 80 }, "b", NULL, NULL);
	struct ui_widget *list = ui_list_create(home, (struct ui_rect){ 0, 100, 600, 800 }, &model, NULL, 80);
	(void)b;
	ui_screen_push(f.ctx, home);
	ui_widget_focus(list);
	ui_ctx_action(f.ctx, PLAT_ACT_PAGE_DOWN);
	ui_ctx_action(f.ctx, PLAT_ACT_DOWN);
	size_t idx = ui_list_index(list);
	assert_true(idx > 0);
	struct ui_widget *other = ui_screen_create(f.ctx, "other");
	ui_button_create(other, (struct ui_rect){ 0, 0, 200, 80 }, "x", NULL, NULL);
	ui_screen_push(f.ctx, other);
	assert_string_equal(ui_screen_name(ui_focused(f.ctx)), "other");
	assert_true(ui_ctx_action(f.ctx, PLAT_ACT_BACK)); /* pops */
	assert_ptr_equal(ui_screen_top(f.ctx), home);
	assert_ptr_equal(ui_focused(f.ctx), list);
	assert_int_equal(ui_list_index(list), idx);
	assert_false(ui_ctx_action(f.ctx, PLAT_ACT_BACK)); /* the last screen stays: the app decides */
	close_ui(&f);
}

struct layout_case {
	int out_w, out_h;
	bool rtl, mirror;
	struct ui_rect r;
	int x, y, w, h;
};
static const struct layout_case layout_cases[] = {
	{ 1920, 1080, false, true, { 60, 120, 270, 80 }, 60, 120, 270, 80 },
	{ 1280, 720, false, true, { 60, 120, 270, 80 }, 40, 80, 180, 53 },
	{ 3840, 2160, false, true, { 60, 120, 270, 80 }, 120, 240, 540, 160 },
	{ 1920, 1080, true, true, { 60, 120, 270, 80 }, 1590, 120, 270, 80 }, /* mirrored */
	{ 1280, 720, true, true, { 60, 120, 270, 80 }, 1060, 80, 180, 53 },
	{ 1920, 1080, true, false, { 60, 120, 270, 80 }, 1590, 120, 270, 80 }, /* placed mirrored itself */
};

static void test_layout_table(void **state)
{
	for (size_t i = 0; i < sizeof(layout_cases) / sizeof(layout_cases[0]); i++) {
		const struct layout_case *c = &layout_cases[i];
		struct fx f = open_ui(c->out_w, c->out_h, c->rtl);
		struct ui_widget *s = ui_screen_create(f.ctx, "l");
		struct ui_widget *w = ui_box_create(s, c->r);
		ui_widget_set_mirror(w, c->mirror);
		struct ui_widget *child = ui_box_create(w, (struct ui_rect){ 0, 0, 30, 10 });
		int x, y, wd, ht;
		ui_widget_screen_rect(w, &x, &y, &wd, &ht);
		if (x != c->x || y != c->y || wd != c->w || ht != c->h)
			fail_msg("layout case %zu: %d,%d %dx%d expected %d,%d %dx%d", i, x, y, wd, ht, c->x,
				 c->y, c->w, c->h);
		/* a child at 0 sits at the start side: left unless mirrored content */
		int cx, cy, cw, ch;
		ui_widget_screen_rect(child, &cx, &cy, &cw, &ch);
		bool at_right = cx + cw == x + wd;
		assert_int_equal(at_right, c->rtl && c->mirror);
		close_ui(&f);
	}
}

/* The 100k-row list scrolled by a script: the focus lands where the keys say, and each frame draws
 * only about a screenful of rows. */
static void test_list_100k_script(void **state)
{
	struct fx f = open_ui(960, 540, false);
	count_n = 100000;
	struct ui_widget *s = ui_screen_create(f.ctx, "big");
	struct ui_widget *list = ui_list_create(s, (struct ui_rect){ 60, 60, 800, 960 }, &model, NULL, 80);
	ui_screen_push(f.ctx, s);
	ui_widget_focus(list);
	ui_ctx_frame(f.ctx, true);
	ui_ctx_stats_reset(f.ctx);
	char err[128];
	const char *script =
	    "# scroll a long way\nkey down 250\nkey pgdown 1000\nwait 50\nkey up 3\nkey pgdown 100000\n";
	assert_int_equal(ui_script_run(f.ctx, script, NULL, NULL, err, sizeof(err)), 0);
	assert_int_equal(ui_list_index(list), 99999);
	size_t first, n;
	ui_list_visible(list, &first, &n);
	assert_true(first <= 99999 && first + n == 100000);
	struct ui_ctx_stats st;
	ui_ctx_stats(f.ctx, &st);
	assert_true(st.frames > 1000);
	/* 12 rows visible (960 / 80); a frame draws at most 13 (one partly visible) */
	assert_true(st.list_items_drawn <= st.frames * 13);
	/* bad scripts say where */
	assert_int_equal(ui_script_run(f.ctx, "wait 10\nkey sideways\n", NULL, NULL, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "line 2"));
	assert_int_equal(ui_script_run(f.ctx, "snap x\n", NULL, NULL, err, sizeof(err)), -EINVAL);
	close_ui(&f);
}

static int clicks;
static void on_click(void *user, struct ui_widget *w)
{
	clicks++;
}
static int closed_with = -2;
static void on_close(void *user, int button)
{
	closed_with = button;
}

static void test_dialog_and_toast(void **state)
{
	struct fx f = open_ui(960, 540, false);
	struct ui_widget *s = ui_screen_create(f.ctx, "home");
	ui_button_create(s, (struct ui_rect){ 0, 0, 200, 80 }, "ok", on_click, NULL);
	ui_screen_push(f.ctx, s);
	ui_ctx_action(f.ctx, PLAT_ACT_OK);
	assert_int_equal(clicks, 1);
	const char *buttons[] = { "Yes", "No" };
	assert_int_equal(ui_dialog_open(f.ctx, "T", "M", buttons, 2, on_close, NULL), 0);
	assert_int_equal(ui_screen_depth(f.ctx), 2);
	assert_string_equal(ui_widget_id(ui_focused(f.ctx)), "button0");
	ui_ctx_action(f.ctx, PLAT_ACT_RIGHT);
	ui_ctx_action(f.ctx, PLAT_ACT_OK);
	assert_int_equal(closed_with, 1);
	assert_int_equal(ui_screen_depth(f.ctx), 1);
	assert_int_equal(clicks, 1); /* the screen under the dialog did not get the OK */
	ui_dialog_open(f.ctx, "T", "M", buttons, 2, on_close, NULL);
	ui_ctx_action(f.ctx, PLAT_ACT_BACK);
	assert_int_equal(closed_with, -1);
	ui_toast_show(f.ctx, "hello", 1000);
	assert_string_equal(ui_toast_text(f.ctx), "hello");
	int d = ui_ctx_next_deadline(f.ctx);
	assert_true(d >= 0);
	ui_ctx_frame(f.ctx, false);
	ui_ctx_advance(f.ctx, 1001);
	assert_null(ui_toast_text(f.ctx));
	ui_ctx_frame(f.ctx, false);
	/* idle: nothing to draw, no deadline */
	assert_int_equal(ui_ctx_frame(f.ctx, false), 0);
	assert_int_equal(ui_ctx_next_deadline(f.ctx), -1);
	close_ui(&f);
}

static void test_keyboard(void **state)
{
	struct fx f = open_ui(960, 540, true);
	struct ui_widget *s = ui_screen_create(f.ctx, "search");
	struct ui_widget *kb =
	    ui_keyboard_create(s, (struct ui_rect){ 100, 100, 1400, 760 }, UI_KB_LATIN, NULL, NULL);
	ui_screen_push(f.ctx, s);
	/* focus starts on "1"; Latin stays left to right in an RTL UI: right goes to "2" */
	char label[16];
	ui_ctx_action(f.ctx, PLAT_ACT_RIGHT);
	ui_widget_item(kb, label, sizeof(label));
	assert_string_equal(label, "2");
	ui_ctx_action(f.ctx, PLAT_ACT_DOWN); /* "w" under "2" */
	ui_ctx_action(f.ctx, PLAT_ACT_OK);
	assert_string_equal(ui_keyboard_text(kb), "w");
	assert_true(ui_ctx_type_text(f.ctx, "قناة 5"));
	ui_ctx_action(f.ctx, PLAT_ACT_DIGIT_0 + 7);
	assert_string_equal(ui_keyboard_text(kb), "wقناة 57");
	ui_ctx_action(f.ctx, PLAT_ACT_RED); /* backspace removes one character */
	ui_ctx_action(f.ctx, PLAT_ACT_RED);
	ui_ctx_action(f.ctx, PLAT_ACT_RED);
	assert_string_equal(ui_keyboard_text(kb), "wقناة");
	ui_keyboard_set_layout(kb, UI_KB_ARABIC);
	ui_widget_item(kb, label, sizeof(label));
	assert_int_equal(ui_keyboard_layout(kb), UI_KB_ARABIC);
	close_ui(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_navigation_table), cmocka_unit_test(test_grid_table),
		cmocka_unit_test(test_focus_memory),     cmocka_unit_test(test_layout_table),
		cmocka_unit_test(test_list_100k_script), cmocka_unit_test(test_dialog_and_toast),
		cmocka_unit_test(test_keyboard),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
