/* SPDX-License-Identifier: MIT */
/* `qanat gallery`: the demo screen of the UI toolkit with every widget (labels, buttons, images, a
 * 100k-row channel list, a poster grid, the guide grid, the on-screen keyboard, a dialog, a toast, a
 * progress bar with transport controls, a spinner and the video layer) in English or Arabic, driven
 * by the remote - in a window, or headless by a script (ARCHITECTURE.md section 6) for golden
 * screenshots and the UI benchmarks. */
#include "app_commands.h"
#include "plat_clock.h"
#include "plat_display.h"
#include "plat_log.h"
#include "ui.h"
#include "ui_pixels.h"
#include "ui_script.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { LANG_EN, LANG_AR };

struct strings {
	const char *title, *dialog, *toast, *guide, *search, *lang;
	const char *dialog_title, *dialog_text, *renew, *later, *toast_text, *saved;
	const char *paragraph, *now, *rew, *play, *ff, *guide_title, *search_title, *searching;
};

static const struct strings en = {
	.title = "Qanat gallery",
	.dialog = "Dialog",
	.toast = "Toast",
	.guide = "Guide",
	.search = "Search",
	.lang = "العربية",
	.dialog_title = "Renew your subscription?",
	.dialog_text = "Your package ends in 3 days. Renew now to keep watching قناة الجزيرة and 2400 other "
		       "channels without interruption.",
	.renew = "Renew",
	.later = "Later",
	.toast_text = "Added to favourites",
	.saved = "Saved",
	.paragraph =
	    "Mixed line: قناة الجزيرة 24 and BBC One HD at 20:30. Long text wraps at spaces and ends "
	    "with an ellipsis when it does not fit in its box, which this sentence is far too long to do.",
	.now = "Now: Evening news - 20:00 to 21:00",
	.rew = "Rew",
	.play = "Play",
	.ff = "FF",
	.guide_title = "TV guide",
	.search_title = "Search channels",
	.searching = "Searching for",
};

static const struct strings ar = {
	.title = "معرض قناة",
	.dialog = "نافذة",
	.toast = "إشعار",
	.guide = "الدليل",
	.search = "بحث",
	.lang = "English",
	.dialog_title = "هل تريد تجديد اشتراكك؟",
	.dialog_text = "تنتهي باقتك خلال 3 أيام. جدد الآن لمتابعة BBC News و2400 قناة أخرى دون انقطاع.",
	.renew = "تجديد",
	.later = "لاحقا",
	.toast_text = "أضيفت إلى المفضلة",
	.saved = "تم الحفظ",
	.paragraph = "سطر مختلط: قناة الجزيرة 24 و BBC One HD الساعة 20:30. النص الطويل يلتف عند المسافات "
		     "وينتهي بعلامة حذف عندما لا يتسع له الصندوق، وهذه الجملة أطول بكثير من أن تتسع.",
	.now = "الآن: نشرة المساء - 20:00 إلى 21:00",
	.rew = "ترجيع",
	.play = "تشغيل",
	.ff = "تقديم",
	.guide_title = "دليل البرامج",
	.search_title = "ابحث عن القنوات",
	.searching = "جار البحث عن",
};

struct gallery {
	struct ui_ctx *ctx;
	int lang;
	const struct strings *s;
	size_t rows;
	char images[512]; /* directory with logo/poster files, "" for placeholders */
	struct ui_widget *home, *guide, *search;
	struct ui_widget *video, *progress, *clock;
	uint64_t video_tick;
	uint8_t yuv[320 * 180 * 3 / 2];
};

/* ---- models ---- */

static const char *const ar_names[] = {
	"الجزيرة", "العربية", "روتانا سينما", "إم بي سي", "الرياضية", "النيل"
};
static const char *const en_names[] = { "BBC One", "Sky News", "Eurosport", "CNN", "Discovery", "France 24" };

static void channel_name(const struct gallery *g, size_t i, char *buf, size_t cap)
{
	size_t k = i % 6;
	if (i % 3 == 1)
		snprintf(buf, cap, "%s %zu HD", ar_names[k], i + 1); /* Arabic with digits */
	else if (i % 3 == 2)
		snprintf(buf, cap, "%s - %s", en_names[k], ar_names[(k + 1) % 6]); /* mixed */
	else
		snprintf(buf, cap, "%s %zu", g->lang == LANG_AR ? ar_names[k] : en_names[k], i + 1);
}

static void image_url(const struct gallery *g, const char *kind, size_t i, char *buf, size_t cap)
{
	static const char *const ext[] = { "png", "jpg", "webp" };
	if (g->images[0])
		snprintf(buf, cap, "%s/%s%zu.%s", g->images, kind, i % 3, ext[i % 3]);
	else
		buf[0] = 0;
}

static size_t list_count(void *user)
{
	return ((struct gallery *)user)->rows;
}

static void list_draw(void *user, struct ui_draw *d, size_t i, int w, int h, bool focused)
{
	struct gallery *g = user;
	const struct ui_theme *t = ui_draw_theme(d);
	ui_draw_fill(d, (struct ui_rect){ 0, 0, w, h },
		     focused ? t->accent : (i % 2 ? t->surface_alt : t->surface));
	char num[24], name[128], url[600];
	snprintf(num, sizeof(num), "%zu", i + 1);
	struct ui_text_style dim = { .size = t->text_small,
				     .color = focused ? t->on_accent : t->text_dim,
				     .flags = UI_TEXT_MIDDLE | UI_TEXT_END };
	ui_draw_text(d, (struct ui_rect){ 8, 0, 110, h }, num, &dim);
	image_url(g, "logo", i, url, sizeof(url));
	ui_draw_image(d, (struct ui_rect){ 136, 8, 96, h - 16 }, url);
	channel_name(g, i, name, sizeof(name));
	struct ui_text_style st = { .color = focused ? t->on_accent : t->text,
				    .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	ui_draw_text(d, (struct ui_rect){ 252, 0, w - 268, h }, name, &st);
}

static int list_label(void *user, size_t i, char *buf, size_t cap)
{
	channel_name(user, i, buf, cap);
	return 0;
}

static void list_activate(void *user, size_t i)
{
	struct gallery *g = user;
	char name[128], msg[200];
	channel_name(g, i, name, sizeof(name));
	snprintf(msg, sizeof(msg), "%s %s", g->s->play, name);
	ui_toast_show(g->ctx, msg, 2000);
}

static const struct ui_list_model channels = {
	.count = list_count, .draw = list_draw, .label = list_label, .activate = list_activate
};

static const char *const movie_en[] = { "The Long Road", "Desert Stars", "Harbour Lights", "Night Train" };
static const char *const movie_ar[] = { "الطريق الطويل", "نجوم الصحراء", "أضواء الميناء", "قطار الليل" };

static size_t poster_count(void *user)
{
	return 24;
}

static void poster_draw(void *user, struct ui_draw *d, size_t i, int w, int h, bool focused)
{
	struct gallery *g = user;
	const struct ui_theme *t = ui_draw_theme(d);
	char url[600], title[96];
	image_url(g, "poster", i, url, sizeof(url));
	ui_draw_fill(d, (struct ui_rect){ 0, 0, w, h }, focused ? t->accent : t->surface);
	ui_draw_image(d, (struct ui_rect){ 8, 8, w - 16, h - 72 }, url);
	snprintf(title, sizeof(title), "%s %zu", (g->lang == LANG_AR ? movie_ar : movie_en)[i % 4], i + 1);
	struct ui_text_style st = { .size = t->text_small,
				    .color = focused ? t->on_accent : t->text,
				    .flags = UI_TEXT_MIDDLE | UI_TEXT_CENTER | UI_TEXT_ELLIPSIS };
	ui_draw_text(d, (struct ui_rect){ 8, h - 62, w - 16, 56 }, title, &st);
}

static int poster_label(void *user, size_t i, char *buf, size_t cap)
{
	struct gallery *g = user;
	snprintf(buf, cap, "%s %zu", (g->lang == LANG_AR ? movie_ar : movie_en)[i % 4], i + 1);
	return 0;
}

static const struct ui_list_model posters = { .count = poster_count,
					      .draw = poster_draw,
					      .label = poster_label };

/* Guide: programmes start on 30-minute slots; a slot starts a programme when a hash says so or every
 * fourth slot, so lengths vary from 30 minutes to 2 hours, the same on every run. */
#define SLOT_MS (30LL * 60 * 1000)

static bool boundary(size_t row, int64_t slot)
{
	uint64_t h = ((uint64_t)row * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)slot * 0xc2b2ae3d27d4eb4full);
	h ^= h >> 29;
	return slot % 4 == 0 || (h * 0xff51afd7ed558ccdull) >> 62 == 0 || (h >> 7) % 3 == 0;
}

static size_t guide_rows(void *user)
{
	return ((struct gallery *)user)->rows < 10000 ? ((struct gallery *)user)->rows : 10000;
}

static size_t guide_items(void *user, size_t row, int64_t from, int64_t to, struct ui_guide_item *out,
			  size_t cap)
{
	int64_t slot = from / SLOT_MS;
	while (!boundary(row, slot))
		slot--;
	size_t n = 0;
	while (n < cap && slot * SLOT_MS < to) {
		int64_t end = slot + 1;
		while (!boundary(row, end))
			end++;
		if (end * SLOT_MS > from)
			out[n++] = (struct ui_guide_item){ slot * SLOT_MS, end * SLOT_MS,
							   ((uint64_t)row << 32) | (uint32_t)slot };
		slot = end;
	}
	return n;
}

static const char *const prog_en[] = { "News",        "Football: Cup final",
				       "Documentary", "Film: Night Train",
				       "Kids",        "Weather" };
static const char *const prog_ar[] = { "الأخبار",     "كرة القدم: النهائي", "وثائقي",
				       "فيلم السهرة", "برامج الأطفال",      "الطقس" };

static void prog_title(const struct gallery *g, const struct ui_guide_item *it, char *buf, size_t cap)
{
	size_t k = (size_t)((it->id * 2654435761u) >> 8) % 6;
	snprintf(buf, cap, "%s", (g->lang == LANG_AR ? prog_ar : prog_en)[k]);
}

static void guide_channel(void *user, struct ui_draw *d, size_t row, int w, int h, bool focused_row)
{
	struct gallery *g = user;
	const struct ui_theme *t = ui_draw_theme(d);
	char name[128];
	ui_draw_fill(d, (struct ui_rect){ 0, 0, w, h }, focused_row ? t->surface : t->surface_alt);
	channel_name(g, row, name, sizeof(name));
	struct ui_text_style st = { .size = t->text_small, .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	ui_draw_text(d, (struct ui_rect){ 16, 0, w - 32, h }, name, &st);
}

static void guide_item(void *user, struct ui_draw *d, size_t row, const struct ui_guide_item *it, int w,
		       int h, bool focused)
{
	struct gallery *g = user;
	const struct ui_theme *t = ui_draw_theme(d);
	int64_t now = ui_ctx_wall_ms(ui_draw_ctx(d));
	bool on_now = it->start_ms <= now && now < it->end_ms;
	ui_draw_fill(d, (struct ui_rect){ 0, 0, w, h },
		     focused  ? t->accent
		     : on_now ? t->surface
			      : t->surface_alt);
	char title[96];
	prog_title(g, it, title, sizeof(title));
	struct ui_text_style st = { .size = t->text_small,
				    .color = focused ? t->on_accent : t->text,
				    .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	ui_draw_text(d, (struct ui_rect){ 12, 0, w - 24, h }, title, &st);
}

static int guide_label(void *user, size_t row, const struct ui_guide_item *it, char *buf, size_t cap)
{
	char name[128], title[96] = "";
	channel_name(user, row, name, sizeof(name));
	if (it)
		prog_title(user, it, title, sizeof(title));
	snprintf(buf, cap, "%s: %s", name, title);
	return 0;
}

static const struct ui_guide_model guide_model = { .rows = guide_rows,
						   .items = guide_items,
						   .draw_channel = guide_channel,
						   .draw_item = guide_item,
						   .label = guide_label };

/* ---- the video layer: colour bars with a block that moves every half second ---- */

static void feed_video(struct gallery *g)
{
	uint64_t tick = ui_ctx_now_ms(g->ctx) / 500;
	if (!g->video || tick == g->video_tick)
		return;
	g->video_tick = tick;
	enum { W = 320, H = 180 };
	static const uint8_t bars[7][3] = { { 235, 128, 128 }, { 210, 16, 146 },  { 170, 166, 16 },
					    { 145, 54, 34 },   { 106, 202, 222 }, { 81, 90, 240 },
					    { 41, 240, 110 } };
	uint8_t *y = g->yuv, *u = y + W * H, *v = u + W * H / 4;
	int bx = (int)(tick % 8) * (W / 8);
	for (int r = 0; r < H; r++)
		for (int c = 0; c < W; c++) {
			bool block = r >= H - 40 && c >= bx && c < bx + W / 8;
			y[r * W + c] = block ? 235 : bars[c * 7 / W][0];
			if (!(r & 1) && !(c & 1)) {
				u[(r / 2) * (W / 2) + c / 2] = block ? 128 : bars[c * 7 / W][1];
				v[(r / 2) * (W / 2) + c / 2] = block ? 128 : bars[c * 7 / W][2];
			}
		}
	struct ui_video_frame f = { .width = W,
				    .height = H,
				    .format = UI_VIDEO_YUV420P,
				    .planes = { y, u, v },
				    .linesize = { W, W / 2, W / 2 } };
	ui_video_show(g->video, &f);
	ui_progress_set(g->progress, (double)(tick % 120) / 120.0 + 0.25);
}

/* ---- screens ---- */

static void on_dialog_closed(void *user, int button)
{
	struct gallery *g = user;
	if (button == 0)
		ui_toast_show(g->ctx, g->s->saved, 2000);
}

static void click_dialog(void *user, struct ui_widget *w)
{
	struct gallery *g = user;
	const char *buttons[] = { g->s->renew, g->s->later };
	ui_dialog_open(g->ctx, g->s->dialog_title, g->s->dialog_text, buttons, 2, on_dialog_closed, g);
}

static void click_toast(void *user, struct ui_widget *w)
{
	struct gallery *g = user;
	ui_toast_show(g->ctx, g->s->toast_text, 3000);
}

static void click_guide(void *user, struct ui_widget *w)
{
	struct gallery *g = user;
	ui_screen_push(g->ctx, g->guide);
}

static void click_search(void *user, struct ui_widget *w)
{
	struct gallery *g = user;
	ui_screen_push(g->ctx, g->search);
}

static int switch_language(struct gallery *g, int lang);

static void relang(void *user)
{
	struct gallery *g = user;
	switch_language(g, g->lang == LANG_AR ? LANG_EN : LANG_AR);
	ui_widget_focus(ui_widget_find(g->home, "lang"));
}

static void click_lang(void *user, struct ui_widget *w)
{
	/* the screens are rebuilt after the action: this button is destroyed with them */
	ui_ctx_later(((struct gallery *)user)->ctx, relang, user);
}

static void click_transport(void *user, struct ui_widget *w)
{
	struct gallery *g = user;
	char label[64];
	ui_widget_item(w, label, sizeof(label));
	ui_toast_show(g->ctx, label, 1500);
}

static void search_done(void *user, struct ui_widget *w, const char *text)
{
	struct gallery *g = user;
	char msg[400];
	snprintf(msg, sizeof(msg), "%s \"%s\"", g->s->searching, text);
	ui_toast_show(g->ctx, msg, 3000);
	ui_screen_pop(g->ctx);
}

static bool home_keys(void *user, struct ui_widget *screen, enum plat_action a)
{
	struct gallery *g = user;
	if (a == PLAT_ACT_EPG) {
		ui_screen_push(g->ctx, g->guide);
		return true;
	}
	return false;
}

static struct ui_widget *button(struct ui_widget *parent, struct ui_rect r, const char *id, const char *text,
				ui_click_fn fn, struct gallery *g)
{
	struct ui_widget *b = ui_button_create(parent, r, text, fn, g);
	if (b)
		ui_widget_set_id(b, id);
	return b;
}

static void clock_text(struct gallery *g, char *buf, size_t cap)
{
	time_t secs = (time_t)(ui_ctx_wall_ms(g->ctx) / 1000);
	struct tm tm;
	if (localtime_r(&secs, &tm))
		strftime(buf, cap, "%H:%M", &tm);
	else
		snprintf(buf, cap, "--:--");
}

static int build_home(struct gallery *g)
{
	const struct ui_theme *t = ui_ctx_theme(g->ctx);
	const struct strings *s = g->s;
	struct ui_widget *h = g->home = ui_screen_create(g->ctx, "gallery");
	if (!h)
		return -ENOMEM;
	ui_screen_on_action(h, home_keys, g);
	struct ui_text_style title = { .size = t->text_title, .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	ui_label_create(h, (struct ui_rect){ 60, 24, 900, 80 }, s->title, &title);
	char now[16];
	clock_text(g, now, sizeof(now));
	struct ui_text_style clk = { .size = t->text_title, .flags = UI_TEXT_MIDDLE | UI_TEXT_END };
	g->clock = ui_label_create(h, (struct ui_rect){ 1560, 24, 300, 80 }, now, &clk);
	ui_widget_set_id(g->clock, "clock");
	ui_widget_set_id(
	    ui_image_create(h, (struct ui_rect){ 1400, 24, 140, 80 }, g->images[0] ? g->images : ""),
	    "brand");
	if (g->images[0]) {
		char url[600];
		image_url(g, "logo", 0, url, sizeof(url));
		ui_image_set_url(ui_widget_find(h, "brand"), url);
	}

	struct ui_widget *row = ui_box_create(h, (struct ui_rect){ 60, 120, 1800, 90 });
	ui_widget_set_wrap(row, true, false);
	const char *labels[] = { s->dialog, s->toast, s->guide, s->search, s->lang };
	const char *ids[] = { "dialog", "toast", "guide", "search", "lang" };
	ui_click_fn fns[] = { click_dialog, click_toast, click_guide, click_search, click_lang };
	for (int i = 0; i < 5; i++)
		button(row, (struct ui_rect){ i * 300, 0, 270, 80 }, ids[i], labels[i], fns[i], g);

	struct ui_widget *list = ui_list_create(h, (struct ui_rect){ 60, 240, 640, 560 }, &channels, g, 80);
	ui_widget_set_id(list, "channels");
	struct ui_widget *grid =
	    ui_grid_create(h, (struct ui_rect){ 740, 240, 1120, 560 }, &posters, g, 224, 280);
	ui_widget_set_id(grid, "posters");

	g->video = ui_video_create(h, (struct ui_rect){ 60, 830, 384, 216 });
	ui_widget_set_id(g->video, "video");
	struct ui_text_style small = { .size = t->text_small, .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	ui_label_create(h, (struct ui_rect){ 480, 830, 860, 50 }, s->now, &small);
	g->progress = ui_progress_create(h, (struct ui_rect){ 480, 890, 860, 14 });
	ui_widget_set_id(g->progress, "progress");
	ui_progress_set(g->progress, 0.4);
	struct ui_widget *transport = ui_box_create(h, (struct ui_rect){ 480, 930, 640, 80 });
	ui_widget_set_mirror(transport, false); /* playback controls keep their order */
	ui_widget_set_id(transport, "transport");
	button(transport, (struct ui_rect){ 0, 0, 200, 80 }, "rew", s->rew, click_transport, g);
	button(transport, (struct ui_rect){ 220, 0, 200, 80 }, "play", s->play, click_transport, g);
	button(transport, (struct ui_rect){ 440, 0, 200, 80 }, "ff", s->ff, click_transport, g);
	ui_widget_set_id(ui_spinner_create(h, (struct ui_rect){ 1220, 930, 80, 80 }), "spinner");
	struct ui_text_style para = { .size = t->text_small,
				      .color = t->text_dim,
				      .flags = UI_TEXT_WRAP | UI_TEXT_ELLIPSIS,
				      .max_lines = 5 };
	ui_widget_set_id(ui_label_create(h, (struct ui_rect){ 1380, 830, 480, 220 }, s->paragraph, &para),
			 "paragraph");
	ui_widget_focus(list);
	feed_video(g);
	return 0;
}

static int build_others(struct gallery *g)
{
	const struct ui_theme *t = ui_ctx_theme(g->ctx);
	struct ui_text_style title = { .size = t->text_title, .flags = UI_TEXT_MIDDLE };
	g->guide = ui_screen_create(g->ctx, "guide");
	g->search = ui_screen_create(g->ctx, "search");
	if (!g->guide || !g->search)
		return -ENOMEM;
	ui_label_create(g->guide, (struct ui_rect){ 60, 24, 1200, 80 }, g->s->guide_title, &title);
	int64_t now = ui_ctx_wall_ms(g->ctx), start = now / SLOT_MS * SLOT_MS - SLOT_MS;
	struct ui_widget *gd = ui_guide_create(g->guide, (struct ui_rect){ 60, 120, 1800, 920 }, &guide_model,
					       g, start, 4 * SLOT_MS, 340, 96);
	ui_widget_set_id(gd, "guide");
	ui_label_create(g->search, (struct ui_rect){ 60, 24, 1200, 80 }, g->s->search_title, &title);
	struct ui_widget *kb =
	    ui_keyboard_create(g->search, (struct ui_rect){ 260, 160, 1400, 760 },
			       g->lang == LANG_AR ? UI_KB_ARABIC : UI_KB_LATIN, search_done, g);
	ui_widget_set_id(kb, "keyboard");
	return 0;
}

static int build(struct gallery *g)
{
	g->s = g->lang == LANG_AR ? &ar : &en;
	ui_ctx_set_rtl(g->ctx, g->lang == LANG_AR);
	g->video_tick = (uint64_t)-1;
	int rc = build_home(g);
	if (rc == 0)
		rc = build_others(g);
	return rc;
}

/* ---- script hooks ---- */

static void hook_state(void *user, struct ui_ctx *ctx, json_t *o)
{
	struct gallery *g = user;
	json_object_set_new(o, "lang", json_string(g->lang == LANG_AR ? "ar" : "en"));
	struct ui_widget *kb = ui_widget_find(g->search, "keyboard");
	if (kb)
		json_object_set_new(o, "search_text", json_string(ui_keyboard_text(kb)));
	size_t first = 0, n = 0;
	ui_list_visible(ui_widget_find(g->home, "channels"), &first, &n);
	json_object_set_new(o, "channels_first_visible", json_integer((json_int_t)first));
	json_object_set_new(o, "channels_index",
			    json_integer((json_int_t)ui_list_index(ui_widget_find(g->home, "channels"))));
}

static void hook_tick(void *user, struct ui_ctx *ctx)
{
	struct gallery *g = user;
	feed_video(g);
	char now[16];
	clock_text(g, now, sizeof(now));
	ui_label_set_text(g->clock, now);
}

static int hook_command(void *user, struct ui_ctx *ctx, const char *cmd, const char *arg)
{
	struct gallery *g = user;
	if (strcmp(cmd, "lang") == 0) {
		if (strcmp(arg, "ar") && strcmp(arg, "en"))
			return -EINVAL;
		return switch_language(g, strcmp(arg, "ar") == 0 ? LANG_AR : LANG_EN);
	}
	return -ENOENT;
}

/* A language switch rebuilds every screen in the other language (strings are chosen at build). */
static int switch_language(struct gallery *g, int lang)
{
	struct ui_widget *old_home = g->home, *old_guide = g->guide, *old_search = g->search;
	g->lang = lang;
	g->video = g->progress = g->clock = NULL;
	int rc = build(g);
	if (rc == 0)
		rc = ui_screen_reset(g->ctx, g->home);
	ui_screen_destroy(&old_home);
	ui_screen_destroy(&old_guide);
	ui_screen_destroy(&old_search);
	return rc;
}

/* ---- the command ---- */

static double cpu_seconds(void)
{
	FILE *f = fopen("/proc/self/stat", "r");
	if (!f)
		return -1;
	char buf[1024];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	unsigned long long ut = 0, st = 0;
	for (int field = 2; p && *p && field <= 15; field++) {
		p = strchr(p + 1, ' ');
		if (!p)
			break;
		if (field == 13)
			ut = strtoull(p + 1, NULL, 10);
		if (field == 14)
			st = strtoull(p + 1, NULL, 10);
	}
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

struct opts {
	bool headless, stats, still;
	const char *script, *snap, *images, *lang, *clock;
	int width, height;
	double idle_s;
	size_t rows;
};

static int parse_args(int argc, char **argv, struct opts *o)
{
	*o = (struct opts){ .width = 1920, .height = 1080, .rows = 100000, .lang = "en" };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--headless") == 0) {
			o->headless = true;
		} else if (strcmp(a, "--still") == 0) {
			o->still = true;
		} else if (strcmp(a, "--stats") == 0) {
			o->stats = true;
		} else if (v && strcmp(a, "--script") == 0) {
			o->script = v, i++;
		} else if (v && strcmp(a, "--snap") == 0) {
			o->snap = v, i++;
		} else if (v && strcmp(a, "--images") == 0) {
			o->images = v, i++;
		} else if (v && strcmp(a, "--lang") == 0) {
			o->lang = v, i++;
		} else if (v && strcmp(a, "--clock") == 0) {
			o->clock = v, i++;
		} else if (v && strcmp(a, "--rows") == 0) {
			o->rows = strtoul(v, NULL, 10), i++;
		} else if (v && strcmp(a, "--idle") == 0) {
			o->idle_s = strtod(v, NULL), i++;
		} else if (v && strcmp(a, "--size") == 0) {
			char *x = NULL;
			o->width = (int)strtol(v, &x, 10);
			o->height = x && *x == 'x' ? (int)strtol(x + 1, NULL, 10) : 0;
			i++;
		} else {
			fprintf(stderr, "qanat gallery: unknown option '%s'\n", a);
			return -EINVAL;
		}
	}
	if (o->width < 160 || o->height < 90 || o->width > 7680 || o->height > 4320) {
		fprintf(stderr, "qanat gallery: --size must be WxH between 160x90 and 7680x4320\n");
		return -EINVAL;
	}
	if (strcmp(o->lang, "en") && strcmp(o->lang, "ar")) {
		fprintf(stderr, "qanat gallery: --lang must be en or ar\n");
		return -EINVAL;
	}
	return 0;
}

static void print_stats(struct ui_ctx *ctx, bool json, double idle_cpu, double idle_s)
{
	struct ui_ctx_stats s;
	ui_ctx_stats(ctx, &s);
	if (json) {
		json_t *o = json_pack(
		    "{s:I,s:f,s:f,s:f,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "frames", (json_int_t)s.frames,
		    "frame_ms_p50", s.frame_us_p50 / 1000.0, "frame_ms_p99", s.frame_us_p99 / 1000.0,
		    "frame_ms_max", s.frame_us_max / 1000.0, "glyphs", (json_int_t)s.glyphs,
		    "glyph_atlas_bytes", (json_int_t)s.glyph_atlas_bytes, "text_layout_bytes",
		    (json_int_t)s.text_layout_bytes, "images", (json_int_t)s.images, "image_mem_bytes",
		    (json_int_t)s.image_mem_bytes, "image_mem_cap", (json_int_t)s.image_mem_cap,
		    "image_disk_bytes", (json_int_t)s.image_disk_bytes, "list_items_drawn",
		    (json_int_t)s.list_items_drawn);
		if (idle_s > 0)
			json_object_set_new(o, "idle_cpu_percent", json_real(idle_cpu));
		char *text = json_dumps(o, JSON_COMPACT);
		puts(text ? text : "{}");
		free(text);
		json_decref(o);
		return;
	}
	printf("frames %lu, frame time p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", s.frames,
	       s.frame_us_p50 / 1000.0, s.frame_us_p99 / 1000.0, s.frame_us_max / 1000.0);
	printf("glyph cache: %zu glyphs, atlas %zu KiB; text layouts %zu KiB\n", s.glyphs,
	       s.glyph_atlas_bytes / 1024, s.text_layout_bytes / 1024);
	printf("image cache: %zu images, %zu KiB of %zu KiB; disk %zu KiB\n", s.images,
	       s.image_mem_bytes / 1024, s.image_mem_cap / 1024, s.image_disk_bytes / 1024);
	printf("list/grid items drawn: %lu\n", s.list_items_drawn);
	if (idle_s > 0)
		printf("idle: %.2f%% of one CPU over %.1f s\n", idle_cpu, idle_s);
}

int app_cmd_gallery(int argc, char **argv, bool json)
{
	struct opts o;
	if (parse_args(argc, argv, &o) < 0)
		return 2;
	if (o.script && !o.headless) {
		fprintf(stderr, "qanat gallery: --script needs --headless\n");
		return 2;
	}
	int64_t wall = 0;
	if (o.clock && plat_clock_parse_utc(o.clock, &wall) < 0) {
		fprintf(stderr, "qanat gallery: --clock wants epoch seconds or YYYY-MM-DDTHH:MM:SSZ\n");
		return 2;
	}
	if (o.headless && !o.clock)
		wall = 1717272600000LL; /* 2024-06-01 20:10 UTC: reproducible screenshots by default */
	if (o.snap && mkdir(o.snap, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "qanat gallery: cannot create %s: %s\n", o.snap, strerror(errno));
		return 1;
	}
	struct plat_display *disp = NULL;
	const struct plat_display_driver *drv = o.headless ? &plat_display_headless : &plat_display_sdl;
	if (plat_display_open(drv, o.width, o.height, "Qanat gallery", &disp) < 0) {
		fprintf(stderr, "qanat gallery: cannot open the display (%s)\n", drv->name);
		return 1;
	}
	struct gallery g = { .lang = strcmp(o.lang, "ar") == 0 ? LANG_AR : LANG_EN, .rows = o.rows };
	if (o.images)
		snprintf(g.images, sizeof(g.images), "%s", o.images);
	/* scripts run on virtual time (reproducible); the interactive loop and --idle on real time */
	struct ui_ctx_config cfg = {
		.display = disp, .rtl = g.lang == LANG_AR, .virtual_time = o.script != NULL, .wall_ms = wall
	};
	int rc = ui_ctx_create(&cfg, &g.ctx);
	if (rc == 0)
		rc = build(&g);
	if (rc == 0)
		rc = ui_screen_push(g.ctx, g.home);
	if (rc == 0 && o.still) /* nothing animates: the idle figure of a static screen */
		ui_widget_set_visible(ui_widget_find(g.home, "spinner"), false);
	int status = 0;
	if (rc < 0) {
		fprintf(stderr, "qanat gallery: cannot start the UI: %s\n", strerror(-rc));
		status = 1;
	} else if (o.script) {
		struct ui_script_hooks h = {
			.state = hook_state, .tick = hook_tick, .command = hook_command, .user = &g
		};
		char err[300];
		ui_ctx_stats_reset(g.ctx);
		rc = ui_script_run_file(g.ctx, o.script, o.snap, &h, err, sizeof(err));
		if (rc < 0) {
			fprintf(stderr, "qanat gallery: %s: %s\n", o.script, err);
			status = 1;
		} else if (o.stats) {
			print_stats(g.ctx, json, 0, 0);
		}
	} else {
		ui_ctx_frame(g.ctx, true);
		if (o.idle_s > 0) /* let the images load first: measure the idle screen, not the start */
			ui_ctx_run(g.ctx, 1000);
		ui_ctx_stats_reset(g.ctx);
		double cpu0 = cpu_seconds();
		uint64_t t0 = plat_clock_mono_ms();
		rc = ui_ctx_run(g.ctx, o.idle_s > 0 ? (uint32_t)(o.idle_s * 1000) : 0);
		double secs = (double)(plat_clock_mono_ms() - t0) / 1000.0;
		double cpu = secs > 0 ? (cpu_seconds() - cpu0) * 100.0 / secs : 0;
		if (o.stats || o.idle_s > 0)
			print_stats(g.ctx, json, cpu, o.idle_s > 0 ? secs : 0);
		status = rc < 0 ? 1 : 0;
	}
	ui_ctx_destroy(&g.ctx);
	plat_display_close(&disp);
	return status;
}
