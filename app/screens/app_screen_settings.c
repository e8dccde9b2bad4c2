/* SPDX-License-Identifier: MIT */
/* The settings screen: language (English or Arabic; switching rebuilds every screen mirrored), live
 * format (TS or HLS), preferred audio and subtitle languages, guide time shift, the parental PIN (set
 * or change), QoE reporting, clearing the image cache, and three pages: about (versions, device, the
 * panel in use, redacted), diagnostics (the report support gets) and the keys (the remote codes and
 * desktop keys of the loaded keymap for every action). Rows are drawn from app->settings at draw
 * time, so they always show what is in force; every change is saved at once, through the store
 * writer (the PIN through the parental controller, the guide shift as the guide's own statement),
 * so nothing here waits on SQLite. */
#include "app.h"
#include "app_vod.h"
#include "epg_writes.h"

#include "plat_redact.h"
#include "qanat_config.h"

#include <SDL.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum row {
	ROW_LANG,
	ROW_FORMAT,
	ROW_AUDIO,
	ROW_SUBS,
	ROW_SHIFT,
	ROW_PIN,
	ROW_QOE,
	ROW_CACHE,
	ROW_ABOUT,
	ROW_DIAG,
	ROW_KEYS,
	ROW_COUNT
};

enum { PAGE_ROWS = 64 };

struct page_row {
	char text[512];
};

struct settings {
	struct app *app;
	struct ui_widget *screen, *list, *help;
	/* PIN entry */
	struct ui_widget *pin, *pin_kb, *pin_prompt;
	char old_pin[32];
	bool pin_need_old, pin_have_old;
	bool shift_waiting; /* a guide shift is queued: the guide is told once it is committed */
	/* about / diagnostics / keys: one page screen each, rows filled when opened */
	struct ui_widget *page[3], *page_list[3];
	struct page_row rows[3][PAGE_ROWS];
	size_t n_rows[3];
};

enum page { PAGE_ABOUT, PAGE_DIAG, PAGE_KEYS };

/* Preferred languages offered (ISO 639-2), "" = the stream's default / subtitles off. */
static const char *const langs[] = { "", "ara", "eng", "fra", "tur", "urd", "hin", "spa", "deu" };
static const int shifts[] = { -180, -120, -60, -30, 0, 30, 60, 120, 180 };

static const char *lang_name(const struct app *app, const char *code, bool subs)
{
	static const struct {
		const char *code, *name; /* name: an English msgid */
	} names[] = { { "ara", N_("Arabic") },  { "eng", N_("English") }, { "fra", N_("French") },
		      { "tur", N_("Turkish") }, { "urd", N_("Urdu") },    { "hin", N_("Hindi") },
		      { "spa", N_("Spanish") }, { "deu", N_("German") } };
	if (!code[0])
		return subs ? TR(app, "Off") : TR(app, "Stream default");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i].code, code) == 0)
			return TR(app, names[i].name);
	return code;
}

static void row_text(const struct settings *s, size_t row, char *key, size_t kcap, char *val, size_t vcap)
{
	const struct app *app = s->app;
	const struct app_settings *st = &app->settings;
	const char *k = "", *v = "";
	char buf[64];
	switch (row) {
	case ROW_LANG:
		k = TR(app, "Language");
		/* the language's own name: each catalogue translates this msgid to its name */
		v = TRC(app, "language name", "English");
		break;
	case ROW_FORMAT:
		k = TR(app, "Live format");
		v = strcmp(st->live_format, "m3u8") == 0 ? "HLS" : "MPEG-TS";
		break;
	case ROW_AUDIO:
		k = TR(app, "Audio language");
		v = lang_name(app, st->audio_lang, false);
		break;
	case ROW_SUBS:
		k = TR(app, "Subtitles");
		v = lang_name(app, st->sub_lang, true);
		break;
	case ROW_SHIFT:
		k = TR(app, "Guide time shift");
		snprintf(buf, sizeof(buf), "%+d %s", st->guide_shift_min, TR(app, "min"));
		v = st->guide_shift_min ? buf : TR(app, "None");
		break;
	case ROW_PIN:
		k = TR(app, "Parental PIN");
		v = !ctl_parental_pin_set(app->parental) ? TR(app, "Not set: set one")
							 : TR(app, "Set: change it");
		break;
	case ROW_QOE:
		k = TR(app, "Report playback quality");
		v = st->qoe ? TR(app, "On") : TR(app, "Off");
		break;
	case ROW_CACHE:
		k = TR(app, "Clear cache");
		v = TR(app, "Pictures");
		break;
	case ROW_ABOUT:
		k = TR(app, "About");
		v = QANAT_VERSION;
		break;
	case ROW_DIAG:
		k = TR(app, "Diagnostics");
		v = "";
		break;
	case ROW_KEYS:
		k = TR(app, "Remote and keyboard keys");
		v = "";
		break;
	}
	snprintf(key, kcap, "%s", k);
	snprintf(val, vcap, "%s", v);
}

static const char *row_help(const struct app *app, size_t row)
{
	switch (row) {
	case ROW_LANG:
		return TR(app, "OK switches between English and Arabic; the layout turns right to left.");
	case ROW_FORMAT:
		return TR(app,
			  "MPEG-TS starts channels fastest; HLS passes some networks better. Used from the "
			  "next channel.");
	case ROW_AUDIO:
	case ROW_SUBS:
		return TR(app, "OK picks the next language. Used when a stream carries it.");
	case ROW_SHIFT:
		return TR(app, "Moves every guide time, for panels whose guide is in the wrong time zone.");
	case ROW_PIN:
		return TR(app,
			  "The PIN unlocks categories hidden by the parental lock (4 to 16 characters).");
	case ROW_QOE:
		return TR(app,
			  "Lets your provider see start times, stalls and errors (never your password).");
	case ROW_CACHE:
		return TR(app,
			  "Deletes the stored channel logos and posters; they download again when shown.");
	case ROW_ABOUT:
		return TR(app, "Versions, this device and the panel in use.");
	case ROW_DIAG:
		return TR(app, "The report support receives with a request (no password in it).");
	default:
		return TR(app, "What each remote button and desktop key does.");
	}
}

static size_t rows_count(void *user)
{
	return ROW_COUNT;
}

static void rows_draw(void *user, struct ui_draw *d, size_t i, int w, int h, bool focused)
{
	struct settings *s = user;
	const struct ui_theme *t = ui_draw_theme(d);
	ui_draw_fill(d, (struct ui_rect){ 0, 0, w, h },
		     focused ? t->accent
		     : i % 2 ? t->surface_alt
			     : t->surface);
	char key[128], val[128];
	row_text(s, i, key, sizeof(key), val, sizeof(val));
	struct ui_text_style ks = { .color = focused ? t->on_accent : t->text,
				    .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	struct ui_text_style vs = { .color = focused ? t->on_accent : t->text_dim,
				    .flags = UI_TEXT_MIDDLE | UI_TEXT_END | UI_TEXT_ELLIPSIS };
	ui_draw_text(d, (struct ui_rect){ 24, 0, w / 2, h }, key, &ks);
	ui_draw_text(d, (struct ui_rect){ w / 2, 0, w / 2 - 24, h }, val, &vs);
}

static int rows_label(void *user, size_t i, char *buf, size_t cap)
{
	char key[128], val[128];
	row_text(user, i, key, sizeof(key), val, sizeof(val));
	snprintf(buf, cap, val[0] ? "%s: %s" : "%s", key, val);
	return 0;
}

static void rows_focus(void *user, size_t i)
{
	struct settings *s = user;
	if (s->help)
		ui_label_set_text(s->help, row_help(s->app, i));
}

/* ---- language ---- */

static void switch_language(void *user)
{
	struct app *app = user;
	/* the next language with a catalogue (English first), round */
	const char *const *ui_langs = i18n_languages(app->i18n);
	size_t i = 0, n = 0;
	while (ui_langs[n])
		n++;
	while (i < n && strcmp(ui_langs[i], app->settings.lang) != 0)
		i++;
	if (n < 2 || app_set_language(app, ui_langs[i < n ? (i + 1) % n : 0]) < 0)
		return;
	ui_ctx_set_rtl(app->ui, app->rtl);
	app_settings_save(app);
	/* every screen chose its strings when built: build them again in the new language */
	app_screens_reset(app);
	app_show(app, APP_SCREEN_HOME, false);
	app_show(app, APP_SCREEN_SETTINGS, true);
}

/* ---- PIN ---- */

static void pin_prompt(struct settings *s)
{
	struct app *app = s->app;
	ui_label_set_text(s->pin_prompt, s->pin_need_old && !s->pin_have_old
					     ? TR(app, "Type the current PIN, then Done.")
					     : TR(app, "Type the new PIN (4 to 16 characters), then Done."));
	ui_keyboard_set_text(s->pin_kb, "");
}

static void pin_entered(void *user, struct ui_widget *w, const char *text)
{
	struct settings *s = user;
	struct app *app = s->app;
	if (s->pin_need_old && !s->pin_have_old) {
		if (ctl_parental_pin_check(app->parental, text) != 0) {
			ui_toast_show(app->ui, TR(app, "That PIN is not right."), 3000);
			ui_keyboard_set_text(s->pin_kb, "");
			return;
		}
		snprintf(s->old_pin, sizeof(s->old_pin), "%s", text);
		s->pin_have_old = true;
		pin_prompt(s);
		return;
	}
	int rc =
	    ctl_parental_pin_change(app->parental, app->writer, s->pin_need_old ? s->old_pin : NULL, text);
	memset(s->old_pin, 0, sizeof(s->old_pin));
	if (rc == -EINVAL) {
		ui_toast_show(app->ui, TR(app, "A PIN has 4 to 16 characters."), 3000);
		ui_keyboard_set_text(s->pin_kb, "");
		return;
	}
	ui_toast_show(app->ui, rc == 0 ? TR(app, "PIN saved.") : TR(app, "The PIN could not be saved."),
		      3000);
	if (ui_screen_top(app->ui) == s->pin)
		ui_screen_pop(app->ui);
	ui_list_refresh(s->list);
}

static void pin_open(struct settings *s)
{
	s->pin_need_old = ctl_parental_pin_set(s->app->parental);
	s->pin_have_old = false;
	pin_prompt(s);
	ui_screen_push(s->app->ui, s->pin);
	ui_widget_focus(s->pin_kb);
}

/* ---- guide shift ---- */

/* The guide reads the shift from the database, so it is told once the writer committed it: checked
 * at every frame (a zero-wait flush) until then, so the UI never waits for a sync's write lock. */
static void shift_committed(void *user)
{
	struct settings *s = user;
	struct app *app = s->app;
	if (store_writer_flush(app->writer, 0) < 0 && ui_ctx_later(app->ui, shift_committed, s) == 0)
		return;
	s->shift_waiting = false;
	app_screens_changed(app, APP_CHANGED_GUIDE);
}

static int shift_save(struct settings *s, int seconds)
{
	struct app *app = s->app;
	char key[EPG_KEY_MAX];
	struct store_param params[EPG_STMT_MAX_PARAMS];
	struct store_stmt st;
	int rc = epg_stmt_shift(NULL, seconds, key, &st, params);
	if (rc >= 0)
		rc = store_writer_exec_many(app->writer, "setting:epg_shift", &st, 1);
	if (rc >= 0 && !s->shift_waiting && ui_ctx_later(app->ui, shift_committed, s) == 0)
		s->shift_waiting = true;
	return rc;
}

/* ---- cache ---- */

static int clear_dir(const char *path)
{
	DIR *d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (unlinkat(dirfd(d), e->d_name, 0) == 0)
			n++;
	}
	closedir(d);
	return n;
}

/* ---- pages: about, diagnostics, keys ---- */

static void page_add(struct settings *s, enum page p, const char *key, const char *val)
{
	if (s->n_rows[p] >= PAGE_ROWS)
		return;
	snprintf(s->rows[p][s->n_rows[p]++].text, sizeof(s->rows[0][0].text), "%s: %s", key, val);
}

static void flatten(struct settings *s, const char *prefix, json_t *v)
{
	const char *k;
	json_t *x;
	char key[128], val[400];
	if (json_is_object(v)) {
		json_object_foreach(v, k, x)
		{
			snprintf(key, sizeof(key), "%s%s%s", prefix, prefix[0] ? "." : "", k);
			flatten(s, key, x);
		}
		return;
	}
	if (json_is_string(v))
		snprintf(val, sizeof(val), "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(val, sizeof(val), "%lld", (long long)json_integer_value(v));
	else if (json_is_boolean(v))
		snprintf(val, sizeof(val), "%s", json_is_true(v) ? "true" : "false");
	else if (json_is_real(v))
		snprintf(val, sizeof(val), "%g", json_real_value(v));
	else
		snprintf(val, sizeof(val), "-");
	page_add(s, PAGE_DIAG, prefix, val);
}

static void fill_about(struct settings *s)
{
	struct app *app = s->app;
	s->n_rows[PAGE_ABOUT] = 0;
	page_add(s, PAGE_ABOUT, TR(app, "Version"), QANAT_VERSION);
	page_add(s, PAGE_ABOUT, TR(app, "Architecture"), QANAT_ARCH);
	json_t *d = app_vod_diagnostics(app);
	const char *device = json_string_value(json_object_get(d, "device"));
	const char *panel = json_string_value(json_object_get(d, "panel"));
	page_add(s, PAGE_ABOUT, TR(app, "Device"), device ? device : "-");
	page_add(s, PAGE_ABOUT, TR(app, "Panel in use"), panel ? panel : "-");
	page_add(s, PAGE_ABOUT, TR(app, "Provider"), app->prov.name[0] ? app->prov.name : "-");
	page_add(s, PAGE_ABOUT, "SQLite", sqlite3_libversion());
	page_add(s, PAGE_ABOUT, "Jansson", JANSSON_VERSION);
	SDL_version v;
	SDL_GetVersion(&v);
	char sdl[32];
	snprintf(sdl, sizeof(sdl), "%d.%d.%d", v.major, v.minor, v.patch);
	page_add(s, PAGE_ABOUT, "SDL", sdl);
	json_decref(d);
}

static void fill_diag(struct settings *s)
{
	s->n_rows[PAGE_DIAG] = 0;
	json_t *d = app_vod_diagnostics(s->app);
	if (d)
		flatten(s, "", d);
	json_decref(d);
}

static void fill_keys(struct settings *s)
{
	struct app *app = s->app;
	s->n_rows[PAGE_KEYS] = 0;
	if (!app->keymap) {
		page_add(s, PAGE_KEYS, TR(app, "Keys"),
			 TR(app,
			    "built-in: arrows, Enter, Escape/Backspace, PageUp/Down, digits, F1-F4 colours, "
			    "e i m, space, q"));
		return;
	}
	for (int a = PLAT_ACT_NONE + 1; a < PLAT_ACT_COUNT; a++) {
		char keys[400] = "";
		size_t n = 0;
		int code = plat_keymap_remote_code_for(app->keymap, (enum plat_action)a);
		const char *rname = code >= 0 ? plat_keymap_code_name((unsigned)code) : NULL;
		n += (size_t)snprintf(keys, sizeof(keys), "%s %s", TR(app, "remote"), rname ? rname : "-");
		size_t before = n;
		for (int sc = 0; sc < SDL_NUM_SCANCODES && n < sizeof(keys) - 40; sc++) {
			SDL_Keycode kc = SDL_GetKeyFromScancode((SDL_Scancode)sc);
			if (kc == SDLK_UNKNOWN ||
			    plat_keymap_keyboard(app->keymap, kc) != (enum plat_action)a)
				continue;
			n += (size_t)snprintf(keys + n, sizeof(keys) - n, "%s%s",
					      n == before ? TR(app, ", keyboard ") : " / ",
					      SDL_GetKeyName(kc));
		}
		page_add(s, PAGE_KEYS, plat_action_name((enum plat_action)a), keys);
	}
}

static size_t page_count(struct settings *s, enum page p)
{
	return s->n_rows[p];
}

static void page_draw(struct settings *s, enum page p, struct ui_draw *d, size_t i, int w, int h,
		      bool focused)
{
	const struct ui_theme *t = ui_draw_theme(d);
	ui_draw_fill(d, (struct ui_rect){ 0, 0, w, h },
		     focused ? t->accent
		     : i % 2 ? t->surface_alt
			     : t->surface);
	char text[512];
	snprintf(text, sizeof(text), "%s", s->rows[p][i].text);
	char *colon = strchr(text, ':');
	struct ui_text_style ks = { .size = t->text_small,
				    .color = focused ? t->on_accent : t->text_dim,
				    .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	struct ui_text_style vs = { .size = t->text_small,
				    .color = focused ? t->on_accent : t->text,
				    .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	if (colon) {
		*colon = '\0';
		ui_draw_text(d, (struct ui_rect){ 24, 0, 420, h }, text, &ks);
		ui_draw_text(d, (struct ui_rect){ 460, 0, w - 484, h }, colon + 2, &vs);
	}
}

#define PAGE_MODEL(P, NAME)                                                                 \
	static size_t NAME##_count(void *u)                                                 \
	{                                                                                   \
		return page_count(u, P);                                                    \
	}                                                                                   \
	static void NAME##_draw(void *u, struct ui_draw *d, size_t i, int w, int h, bool f) \
	{                                                                                   \
		page_draw(u, P, d, i, w, h, f);                                             \
	}                                                                                   \
	static int NAME##_label(void *u, size_t i, char *b, size_t c)                       \
	{                                                                                   \
		snprintf(b, c, "%s", ((struct settings *)u)->rows[P][i].text);              \
		return 0;                                                                   \
	}                                                                                   \
	static const struct ui_list_model NAME##_model = { .count = NAME##_count,           \
							   .draw = NAME##_draw,             \
							   .label = NAME##_label };

PAGE_MODEL(PAGE_ABOUT, about)
PAGE_MODEL(PAGE_DIAG, diag)
PAGE_MODEL(PAGE_KEYS, keys)

static void page_open(struct settings *s, enum page p)
{
	if (p == PAGE_ABOUT)
		fill_about(s);
	else if (p == PAGE_DIAG)
		fill_diag(s);
	else
		fill_keys(s);
	ui_list_refresh(s->page_list[p]);
	ui_list_set_index(s->page_list[p], 0);
	ui_screen_push(s->app->ui, s->page[p]);
	ui_widget_focus(s->page_list[p]);
}

/* ---- rows ---- */

static void cycle(char *value, size_t cap, const char *const *options, size_t n)
{
	size_t i = 0;
	while (i < n && strcmp(options[i], value) != 0)
		i++;
	snprintf(value, cap, "%s", options[i < n ? (i + 1) % n : 0]);
}

static void rows_activate(void *user, size_t i)
{
	struct settings *s = user;
	struct app *app = s->app;
	struct app_settings *st = &app->settings;
	switch (i) {
	case ROW_LANG:
		/* the screens are rebuilt: this list is destroyed with them, so not from inside its action */
		ui_ctx_later(app->ui, switch_language, app);
		return;
	case ROW_FORMAT:
		snprintf(st->live_format, sizeof(st->live_format), "%s",
			 strcmp(st->live_format, "m3u8") == 0 ? "ts" : "m3u8");
		break;
	case ROW_AUDIO:
		cycle(st->audio_lang, sizeof(st->audio_lang), langs, sizeof(langs) / sizeof(langs[0]));
		break;
	case ROW_SUBS:
		cycle(st->sub_lang, sizeof(st->sub_lang), langs, sizeof(langs) / sizeof(langs[0]));
		break;
	case ROW_SHIFT: {
		size_t k = 0, n = sizeof(shifts) / sizeof(shifts[0]);
		while (k < n && shifts[k] != st->guide_shift_min)
			k++;
		st->guide_shift_min = shifts[k < n ? (k + 1) % n : 4];
		if (shift_save(s, st->guide_shift_min * 60) < 0)
			ui_toast_show(app->ui, TR(app, "The setting could not be saved."), 3000);
		break;
	}
	case ROW_PIN:
		pin_open(s);
		return;
	case ROW_QOE:
		st->qoe = !st->qoe;
		break;
	case ROW_CACHE: {
		char dir[700], msg[160];
		snprintf(dir, sizeof(dir), "%s/images", app->cache_dir);
		int n = clear_dir(dir);
		if (n >= 0)
			snprintf(msg, sizeof(msg), TR(app, "Cache cleared: %d files removed."), n);
		else
			snprintf(msg, sizeof(msg), "%s", TR(app, "The cache could not be cleared."));
		ui_toast_show(app->ui, msg, 3000);
		return;
	}
	case ROW_ABOUT:
		page_open(s, PAGE_ABOUT);
		return;
	case ROW_DIAG:
		page_open(s, PAGE_DIAG);
		return;
	default:
		page_open(s, PAGE_KEYS);
		return;
	}
	if (app_settings_save(app) < 0)
		ui_toast_show(app->ui, TR(app, "The setting could not be saved."), 3000);
	ui_list_refresh(s->list);
}

static const struct ui_list_model rows_model = { .count = rows_count,
						 .draw = rows_draw,
						 .activate = rows_activate,
						 .focus_changed = rows_focus,
						 .label = rows_label };

/* ---- building ---- */

static struct ui_widget *build_page(struct settings *s, enum page p, const char *name, const char *title,
				    const struct ui_list_model *m)
{
	struct ui_widget *scr = s->page[p] = ui_screen_create(s->app->ui, name);
	if (!scr)
		return NULL;
	app_vod_header(s->app, scr, title);
	s->page_list[p] = ui_list_create(scr, (struct ui_rect){ 60, 140, 1800, 900 }, m, s, 72);
	ui_widget_set_id(s->page_list[p], "rows");
	return scr;
}

static void build_pin(struct settings *s)
{
	struct app *app = s->app;
	const struct ui_theme *t = ui_ctx_theme(app->ui);
	struct ui_widget *scr = s->pin = ui_screen_create(app->ui, "pin");
	if (!scr)
		return;
	app_vod_header(app, scr, TR(app, "Parental PIN"));
	s->pin_kb =
	    ui_keyboard_create(scr, (struct ui_rect){ 260, 220, 1400, 640 }, UI_KB_LATIN, pin_entered, s);
	ui_widget_set_id(s->pin_kb, "keyboard");
	ui_keyboard_set_secret(s->pin_kb, true);
	struct ui_text_style st = { .size = t->text_body, .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	s->pin_prompt = ui_label_create(scr, (struct ui_rect){ 260, 130, 1400, 80 }, "", &st);
	ui_widget_set_id(s->pin_prompt, "prompt");
}

static void settings_free(void *p)
{
	struct settings *s = p;
	memset(s->old_pin, 0, sizeof(s->old_pin));
	free(s);
}

static struct ui_widget *build(struct app *app)
{
	struct settings *s = app->screen_state[APP_SCREEN_SETTINGS];
	if (!s) {
		s = calloc(1, sizeof(*s));
		if (!s)
			return NULL;
		app->screen_state[APP_SCREEN_SETTINGS] = s;
	}
	/* a rebuild: the sub-screens of the previous build go (none is on the stack then) */
	for (int p = 0; p < 3; p++)
		if (s->page[p] && s->page[p] != ui_screen_top(app->ui))
			ui_screen_destroy(&s->page[p]);
	if (s->pin && s->pin != ui_screen_top(app->ui))
		ui_screen_destroy(&s->pin);
	s->app = app;
	const struct ui_theme *t = ui_ctx_theme(app->ui);
	struct ui_widget *scr = s->screen = ui_screen_create(app->ui, "settings");
	if (!scr)
		return NULL;
	app_vod_header(app, scr, TR(app, "Settings"));
	s->list = ui_list_create(scr, (struct ui_rect){ 60, 140, 1120, 900 }, &rows_model, s, 80);
	ui_widget_set_id(s->list, "settings");
	struct ui_text_style help = { .size = t->text_body,
				      .color = t->text_dim,
				      .flags = UI_TEXT_WRAP | UI_TEXT_ELLIPSIS,
				      .max_lines = 8 };
	s->help =
	    ui_label_create(scr, (struct ui_rect){ 1240, 160, 620, 600 }, row_help(app, ROW_LANG), &help);
	ui_widget_set_id(s->help, "help");
	build_pin(s);
	build_page(s, PAGE_ABOUT, "about", TR(app, "About"), &about_model);
	build_page(s, PAGE_DIAG, "diagnostics", TR(app, "Diagnostics"), &diag_model);
	build_page(s, PAGE_KEYS, "keys", TR(app, "Remote and keyboard keys"), &keys_model);
	ui_widget_focus(s->list);
	return scr;
}

const struct app_screen_class app_screen_settings_class = {
	.name = "settings",
	.build = build,
	.free_state = settings_free,
};
