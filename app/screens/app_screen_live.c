/* SPDX-License-Identifier: MIT */
/* The Live TV screen: categories on the start side, the channels of the focused category on the
 * other (number, logo, name, now and next from the guide), OK zaps and opens the player screen, a
 * number typed on the remote and confirmed with OK zaps to that channel, the yellow key toggles a
 * favourite, red locks the parental lock again. Every zap goes through the line-up's gate
 * (app_pin_play_live: ctl_lineup_zap), so a locked channel asks for the PIN whatever the path; the
 * numbers and the CH+/CH- order are the line-up controller's (ctl_lineup.h), which the player screen
 * asks directly.
 *
 * State: one struct app_live per app (app->screen_state[APP_SCREEN_LIVE]), built on first use and
 * kept across rebuilds of the screen (a language switch); it also holds the shared PIN prompt's state
 * (app_pin.h). Everything here runs on the UI thread and reads the library and the guide through the
 * UI thread's own store connection. */
#include "app.h"
#include "app_pin.h"

#include "plat_log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { LIVE_ROW_CACHE = 64, LIVE_MAX_CHANNELS = 200000 };

/* Pseudo categories before the panel's own. */
#define CAT_ALL (-1)
#define CAT_FAVOURITES (-2)

struct live_cat {
	int64_t id;
	char name[128];
	bool locked;
};

/* What a visible row shows, cached by list index so a redraw costs no query. */
struct live_row {
	bool used;
	size_t index;
	int64_t id, number;
	char name[160];
	char icon[512];
	bool archive, fav, locked;
	bool have_nn;
	struct epg_now_next nn;
	int64_t nn_until; /* the now/next above holds until this time */
};

struct app_live {
	struct app *app;
	struct live_cat *cats;
	size_t ncats;
	size_t cat_index; /* focused category */
	int64_t *ids;     /* channels of the focused category, in panel order */
	size_t n;
	unsigned lock_gen; /* ctl_parental_generation() the lists were filtered with */
	char digits[8];    /* a channel number being typed */
	struct live_row rows[LIVE_ROW_CACHE];
	/* widgets of the current build */
	struct ui_widget *screen, *cat_list, *chan_list, *empty, *number;
};

/* ---- loading ---- */

struct id_vec {
	int64_t *v;
	size_t n, cap;
	bool skip_locked;
};

static int id_vec_push(struct id_vec *vec, int64_t id)
{
	if (vec->n == vec->cap) {
		size_t cap = vec->cap ? vec->cap * 2 : 256;
		if (cap > LIVE_MAX_CHANNELS)
			return -E2BIG;
		int64_t *v = realloc(vec->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		vec->v = v;
		vec->cap = cap;
	}
	vec->v[vec->n++] = id;
	return 0;
}

static int collect_id(void *ud, const struct library_item *it)
{
	struct id_vec *vec = ud;
	if (vec->skip_locked && it->locked)
		return 0;
	return id_vec_push(vec, it->id);
}

/* The viewer's favourite channels (most recent first) still in the catalogue. */
static void collect_favourites(struct app_live *l, struct id_vec *vec)
{
	const char *const *ids;
	size_t n = ctl_viewer_favourites(l->app->viewer, LIBRARY_LIVE, &ids);
	for (size_t i = 0; i < n; i++) {
		char *end = NULL;
		long long id = strtoll(ids[i], &end, 10);
		if (end && !*end &&
		    library_item(l->app->library, LIBRARY_LIVE, id, collect_id, vec) == -E2BIG)
			break;
	}
}

struct cat_vec {
	struct live_cat *v;
	size_t n, cap;
};

static int collect_cat(void *ud, const struct library_category *c)
{
	struct cat_vec *cv = ud;
	if (c->items == 0)
		return 0; /* an empty category is only a dead end for the viewer */
	if (cv->n == cv->cap) {
		size_t cap = cv->cap ? cv->cap * 2 : 32;
		struct live_cat *v = realloc(cv->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		cv->v = v;
		cv->cap = cap;
	}
	struct live_cat *lc = &cv->v[cv->n++];
	lc->id = c->id;
	snprintf(lc->name, sizeof(lc->name), "%s", c->name ? c->name : "?");
	lc->locked = c->locked;
	return 0;
}

static void load_categories(struct app_live *l)
{
	struct cat_vec cv = { 0 };
	struct live_cat fixed[2] = { { .id = CAT_ALL }, { .id = CAT_FAVOURITES } };
	for (int i = 0; i < 2; i++)
		if (collect_cat(&cv,
				&(struct library_category){ .id = fixed[i].id, .name = "", .items = 1 }) < 0)
			break;
	library_categories(l->app->library, LIBRARY_LIVE, collect_cat, &cv);
	free(l->cats);
	l->cats = cv.v;
	l->ncats = cv.n;
	if (l->cat_index >= l->ncats)
		l->cat_index = 0;
}

static const char *cat_name(const struct app_live *l, const struct live_cat *c)
{
	struct app *app = l->app;
	if (c->id == CAT_ALL)
		return TR(app, "All channels");
	if (c->id == CAT_FAVOURITES)
		return TR(app, "Favourites");
	return c->name;
}

static bool cat_hidden(const struct app_live *l, size_t i)
{
	return i < l->ncats && l->cats[i].id >= 0 &&
	       ctl_parental_category_hidden(l->app->parental, LIBRARY_LIVE, l->cats[i].id);
}

static void load_channels(struct app_live *l)
{
	l->lock_gen = ctl_parental_generation(l->app->parental);
	struct id_vec vec = { .skip_locked = !ctl_parental_unlocked(l->app->parental) };
	if (l->ncats && !cat_hidden(l, l->cat_index)) {
		int64_t id = l->cats[l->cat_index].id;
		if (id == CAT_FAVOURITES)
			collect_favourites(l, &vec);
		else
			library_items(l->app->library, LIBRARY_LIVE, id == CAT_ALL ? -1 : id, 0, 0,
				      collect_id, &vec);
	}
	free(l->ids);
	l->ids = vec.v;
	l->n = vec.n;
	memset(l->rows, 0, sizeof(l->rows));
}

static void live_state_free(void *p)
{
	struct app_live *l = p;
	if (!l)
		return;
	free(l->cats);
	free(l->ids);
	free(l);
}

/* The live state, created and loaded on first use. NULL only without memory. */
static struct app_live *live_state(struct app *app)
{
	struct app_live *l = app->screen_state[APP_SCREEN_LIVE];
	if (l)
		return l;
	l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	l->app = app;
	app->screen_state[APP_SCREEN_LIVE] = l;
	load_categories(l);
	load_channels(l);
	return l;
}

/* ---- rows ---- */

void app_format_hhmm(int64_t t, char *out, size_t cap)
{
	time_t secs = (time_t)t;
	struct tm tm;
	if (localtime_r(&secs, &tm))
		strftime(out, cap, "%H:%M", &tm);
	else
		snprintf(out, cap, "--:--");
}

static int fill_row(void *ud, const struct library_item *it)
{
	struct live_row *r = ud;
	snprintf(r->name, sizeof(r->name), "%s", it->name ? it->name : "");
	snprintf(r->icon, sizeof(r->icon), "%s", it->icon ? it->icon : "");
	r->archive = it->archive;
	r->locked = it->locked;
	return 0;
}

static struct live_row *row_at(struct app_live *l, size_t index)
{
	if (index >= l->n)
		return NULL;
	struct app *app = l->app;
	struct live_row *r = &l->rows[index % LIVE_ROW_CACHE];
	int64_t now = app_now(app);
	if (!r->used || r->index != index || r->id != l->ids[index]) {
		*r = (struct live_row){ .used = true, .index = index, .id = l->ids[index] };
		library_item(app->library, LIBRARY_LIVE, r->id, fill_row, r);
		r->number = ctl_lineup_number(app->lineup, r->id);
		char key[24];
		snprintf(key, sizeof(key), "%lld", (long long)r->id);
		r->fav = ctl_viewer_favourite_is(app->viewer, LIBRARY_LIVE, key);
	}
	if (!r->have_nn || now >= r->nn_until) {
		int sid = (int)r->id;
		memset(&r->nn, 0, sizeof(r->nn));
		epg_now_next(app->store, &sid, 1, now, app->settings.lang, &r->nn);
		r->have_nn = true;
		/* look again when the programme on air ends, or in a minute when the guide had nothing */
		r->nn_until = r->nn.has_now ? r->nn.now.stop : now + 60;
	}
	return r;
}

static size_t chan_count(void *user)
{
	return ((struct app_live *)user)->n;
}

static void chan_draw(void *user, struct ui_draw *d, size_t i, int w, int h, bool focused)
{
	struct app_live *l = user;
	struct app *app = l->app;
	const struct ui_theme *t = ui_draw_theme(d);
	struct live_row *r = row_at(l, i);
	if (!r)
		return;
	ui_draw_fill(d, (struct ui_rect){ 0, 0, w, h },
		     focused ? t->accent : (i % 2 ? t->surface_alt : t->surface));
	struct ui_color fg = focused ? t->on_accent : t->text, dim = focused ? t->on_accent : t->text_dim;
	char num[24];
	snprintf(num, sizeof(num), "%lld", (long long)r->number);
	struct ui_text_style st_num = { .size = t->text_body,
					.color = dim,
					.flags = UI_TEXT_MIDDLE | UI_TEXT_CENTER };
	ui_draw_text(d, (struct ui_rect){ 8, 0, 92, h }, num, &st_num);
	ui_draw_image(d, (struct ui_rect){ 108, 10, 128, h - 20 }, r->icon);
	int x = 256, tw = w - x - 24;
	if (r->fav) { /* the favourite mark, in the colour of the key that sets it */
		ui_draw_fill(d, (struct ui_rect){ x, 22, 16, 16 }, t->focus);
		x += 28;
		tw -= 28;
	}
	struct ui_text_style st_name = { .size = t->text_body,
					 .color = fg,
					 .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	ui_draw_text(d, (struct ui_rect){ x, 6, tw - 200, 48 }, r->name, &st_name);
	if (r->archive) {
		struct ui_text_style st_tag = { .size = t->text_small,
						.color = dim,
						.flags = UI_TEXT_MIDDLE | UI_TEXT_END };
		ui_draw_text(d, (struct ui_rect){ x + tw - 200, 6, 200, 48 }, TR(app, "Catch-up"), &st_tag);
	}
	char line[2 * EPG_TITLE_MAX + 64], t1[16], t2[16];
	struct ui_text_style st_epg = { .size = t->text_small,
					.color = dim,
					.flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	if (r->nn.has_now) {
		app_format_hhmm(r->nn.now.start, t1, sizeof(t1));
		snprintf(line, sizeof(line), "%s %s", t1, r->nn.now.title);
		ui_draw_text(d, (struct ui_rect){ x, 54, tw / 2 - 12, 40 }, line, &st_epg);
		if (r->nn.has_next) {
			app_format_hhmm(r->nn.next.start, t2, sizeof(t2));
			snprintf(line, sizeof(line), "%s %s", t2, r->nn.next.title);
			ui_draw_text(d, (struct ui_rect){ x + tw / 2, 54, tw / 2, 40 }, line, &st_epg);
		}
	} else {
		ui_draw_text(d, (struct ui_rect){ x, 54, tw, 40 }, TR(app, "No programme information"),
			     &st_epg);
	}
}

static int chan_label(void *user, size_t i, char *buf, size_t cap)
{
	struct live_row *r = row_at(user, i);
	if (!r)
		return -ENOENT;
	snprintf(buf, cap, "%lld %s", (long long)r->number, r->name);
	return 0;
}

static bool number_commit(struct app_live *l);

static void chan_activate(void *user, size_t i)
{
	struct app_live *l = user;
	struct app *app = l->app;
	if (number_commit(l) || i >= l->n)
		return;
	ctl_lineup_set_zap_list(app->lineup, l->ids, l->n);
	int rc = app_pin_play_live(app, l->ids[i], CTL_ZAP_LIST, "ok");
	if (rc < 0 && rc != -EACCES)
		plat_log_warn("live", "zap to %lld: %s", (long long)l->ids[i], strerror(-rc));
	if (rc != -EACCES)
		app_show(app, APP_SCREEN_PLAYER, true);
}

static const struct ui_list_model chan_model = {
	.count = chan_count, .draw = chan_draw, .activate = chan_activate, .label = chan_label
};

/* ---- categories ---- */

static void show_channels(struct app_live *l)
{
	struct app *app = l->app;
	load_channels(l);
	if (l->chan_list) {
		ui_list_set_index(l->chan_list, 0);
		ui_list_refresh(l->chan_list);
	}
	if (!l->empty)
		return;
	const char *msg = NULL;
	if (cat_hidden(l, l->cat_index))
		msg = TR(app, "This category is locked. Press OK to enter your PIN.");
	else if (l->n == 0 && l->ncats && l->cats[l->cat_index].id == CAT_FAVOURITES)
		msg = TR(app, "No favourites yet. Press the yellow key on a channel to add it.");
	else if (l->n == 0)
		msg = TR(app, "No channels yet: the list is being loaded from your provider.");
	ui_widget_set_visible(l->empty, msg != NULL);
	if (msg)
		ui_label_set_text(l->empty, msg);
}

static size_t cat_count(void *user)
{
	return ((struct app_live *)user)->ncats;
}

static void cat_draw(void *user, struct ui_draw *d, size_t i, int w, int h, bool focused)
{
	struct app_live *l = user;
	const struct ui_theme *t = ui_draw_theme(d);
	if (i >= l->ncats)
		return;
	const struct live_cat *c = &l->cats[i];
	bool current = i == l->cat_index;
	ui_draw_fill(d, (struct ui_rect){ 0, 0, w, h },
		     focused   ? t->accent
		     : current ? t->surface
			       : t->surface_alt);
	struct ui_color fg = focused ? t->on_accent : t->text;
	struct ui_text_style st = { .size = t->text_body,
				    .color = fg,
				    .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	int tag = c->locked ? 90 : 0;
	ui_draw_text(d, (struct ui_rect){ 20, 0, w - 40 - tag, h }, cat_name(l, c), &st);
	if (c->locked) {
		struct ui_text_style st_tag = { .size = t->text_small,
						.color = focused ? t->on_accent : t->danger,
						.flags = UI_TEXT_MIDDLE | UI_TEXT_END };
		ui_draw_text(d, (struct ui_rect){ w - 20 - tag, 0, tag, h },
			     ctl_parental_unlocked(l->app->parental) ? "PIN ✓" : "PIN", &st_tag);
	}
}

static int cat_label(void *user, size_t i, char *buf, size_t cap)
{
	struct app_live *l = user;
	if (i >= l->ncats)
		return -ENOENT;
	snprintf(buf, cap, "%s", cat_name(l, &l->cats[i]));
	return 0;
}

static void cat_focus(void *user, size_t i)
{
	struct app_live *l = user;
	if (i == l->cat_index || i >= l->ncats)
		return;
	l->cat_index = i;
	show_channels(l);
	if (l->cat_list)
		ui_widget_invalidate(l->cat_list);
}

static void pin_open(struct app_live *l, size_t cat);

static void cat_activate(void *user, size_t i)
{
	struct app_live *l = user;
	if (number_commit(l) || i >= l->ncats)
		return;
	cat_focus(l, i);
	if (cat_hidden(l, i))
		pin_open(l, i);
	else if (l->n > 0)
		ui_widget_focus(l->chan_list);
}

static const struct ui_list_model cat_model = { .count = cat_count,
						.draw = cat_draw,
						.activate = cat_activate,
						.focus_changed = cat_focus,
						.label = cat_label };

/* ---- the parental PIN ---- */

/* After the right PIN for a locked category: its channels, focused (the lists were reloaded by the
 * catalogue change the prompt announced). */
static void cat_unlocked(struct app *app, const void *arg)
{
	struct app_live *l = live_state(app);
	size_t cat = *(const size_t *)arg;
	if (!l || !l->screen || cat >= l->ncats)
		return;
	l->cat_index = cat;
	show_channels(l);
	if (l->cat_list) {
		ui_list_set_index(l->cat_list, cat);
		ui_widget_invalidate(l->cat_list);
	}
	if (l->n > 0)
		ui_widget_focus(l->chan_list);
}

static void pin_open(struct app_live *l, size_t cat)
{
	app_pin_ask(l->app, TR(l->app, "The category is locked."), cat_unlocked, &cat, sizeof(cat));
}

/* ---- a number typed on the remote ---- */

static void number_show(struct app_live *l)
{
	if (!l->number)
		return;
	ui_widget_set_visible(l->number, l->digits[0] != 0);
	ui_label_set_text(l->number, l->digits);
}

/* OK after digits: zap to that number (the gate asks for the PIN of a locked one). True when digits
 * were pending (the OK is used). */
static bool number_commit(struct app_live *l)
{
	struct app *app = l->app;
	if (!l->digits[0])
		return false;
	char *end = NULL;
	long long number = strtoll(l->digits, &end, 10);
	l->digits[0] = 0;
	number_show(l);
	int64_t id = ctl_lineup_by_number(app->lineup, number);
	if (!id) {
		char msg[64];
		snprintf(msg, sizeof(msg), TR(app, "No channel %lld"), number);
		ui_toast_show(app->ui, msg, 2500);
		return true;
	}
	ctl_lineup_set_zap_list(app->lineup, NULL, 0); /* CH+/CH- then follow the full list */
	int rc = app_pin_play_live(app, id, CTL_ZAP_NUMBER, "number");
	if (rc < 0 && rc != -EACCES)
		ui_toast_show(app->ui,
			      app_playing(app)->error[0] ? app_playing(app)->error
							 : TR(app, "This channel cannot be played."),
			      3000);
	return true;
}

static void number_digit(struct app_live *l, int digit)
{
	size_t n = strlen(l->digits);
	if (n + 1 >= sizeof(l->digits) || (n == 0 && digit == 0))
		return;
	l->digits[n] = (char)('0' + digit);
	l->digits[n + 1] = 0;
	number_show(l);
}

/* ---- the screen ---- */

static void toggle_favourite(struct app_live *l)
{
	struct app *app = l->app;
	if (ui_focused(app->ui) != l->chan_list || l->n == 0)
		return;
	size_t i = ui_list_index(l->chan_list);
	struct live_row *r = row_at(l, i);
	if (!r)
		return;
	char key[24];
	snprintf(key, sizeof(key), "%lld", (long long)r->id);
	bool on = !r->fav;
	if (ctl_viewer_favourite_set(app->viewer, LIBRARY_LIVE, key, on) < 0)
		return;
	app_screens_changed(app, APP_CHANGED_FAVOURITES);
	r->fav = on;
	char msg[300];
	/* the name inside the sentence: each language puts it where its word order wants it */
	snprintf(msg, sizeof(msg),
		 on ? TR(app, "%s: added to favourites") : TR(app, "%s: removed from favourites"), r->name);
	ui_toast_show(app->ui, msg, 2500);
	if (l->cats[l->cat_index].id == CAT_FAVOURITES) {
		load_channels(l);
		ui_list_refresh(l->chan_list);
	}
	ui_widget_invalidate(l->chan_list);
}

static bool live_keys(void *user, struct ui_widget *screen, enum plat_action a)
{
	struct app_live *l = user;
	struct app *app = l->app;
	if (a >= PLAT_ACT_DIGIT_0 && a <= PLAT_ACT_DIGIT_9) {
		number_digit(l, (int)(a - PLAT_ACT_DIGIT_0));
		return true;
	}
	if (a == PLAT_ACT_BACK && l->digits[0]) {
		l->digits[0] = 0;
		number_show(l);
		return true;
	}
	switch (a) {
	case PLAT_ACT_RED:
		if (!ctl_parental_unlocked(app->parental) || !ctl_parental_pin_set(app->parental))
			return true;
		ctl_parental_lock(app->parental);
		app_screens_changed(app, APP_CHANGED_CATALOGUE); /* the lists hide the locked rows again */
		ui_toast_show(app->ui, TR(app, "Locked again"), 2500);
		return true;
	case PLAT_ACT_YELLOW:
		toggle_favourite(l);
		return true;
	case PLAT_ACT_EPG:
		app_show(app, APP_SCREEN_GUIDE, true);
		return true;
	default:
		return false;
	}
}

static void live_refresh(struct app *app)
{
	struct app_live *l = live_state(app);
	if (!l)
		return;
	load_categories(l);
	size_t keep = l->chan_list ? ui_list_index(l->chan_list) : 0;
	show_channels(l);
	if (l->cat_list)
		ui_list_refresh(l->cat_list);
	if (l->chan_list && keep < l->n)
		ui_list_set_index(l->chan_list, keep);
}

static void live_report(struct app *app, json_t *obj)
{
	struct app_live *l = live_state(app);
	if (!l || !l->ncats)
		return;
	json_t *o = json_object();
	json_object_set_new(o, "category", json_string(cat_name(l, &l->cats[l->cat_index])));
	json_object_set_new(o, "category_locked", json_boolean(cat_hidden(l, l->cat_index)));
	json_object_set_new(o, "channels", json_integer((json_int_t)l->n));
	json_object_set_new(o, "unlocked", json_boolean(ctl_parental_unlocked(app->parental)));
	json_object_set_new(o, "number", json_string(l->digits));
	json_object_set_new(obj, "live", o);
}

static struct ui_widget *build(struct app *app)
{
	struct app_live *l = live_state(app);
	if (!l)
		return NULL;
	const struct ui_theme *t = ui_ctx_theme(app->ui);
	struct ui_widget *s = ui_screen_create(app->ui, "live");
	if (!s)
		return NULL;
	l->screen = s;
	ui_screen_on_action(s, live_keys, l);
	struct ui_text_style title = { .size = t->text_title, .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	ui_label_create(s, (struct ui_rect){ 60, 24, 1200, 80 }, TR(app, "Live TV"), &title);

	l->cat_list = ui_list_create(s, (struct ui_rect){ 60, 130, 480, 850 }, &cat_model, l, 72);
	ui_widget_set_id(l->cat_list, "categories");
	l->chan_list = ui_list_create(s, (struct ui_rect){ 580, 130, 1280, 850 }, &chan_model, l, 106);
	ui_widget_set_id(l->chan_list, "channels");
	struct ui_text_style msg = { .size = t->text_body,
				     .color = t->text_dim,
				     .flags = UI_TEXT_WRAP | UI_TEXT_CENTER | UI_TEXT_MIDDLE };
	l->empty = ui_label_create(s, (struct ui_rect){ 640, 400, 1160, 200 }, "", &msg);
	ui_widget_set_id(l->empty, "empty");
	ui_widget_set_visible(l->empty, false);
	struct ui_text_style hint = { .size = t->text_small,
				      .color = t->text_dim,
				      .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	ui_label_create(s, (struct ui_rect){ 60, 1000, 1800, 56 },
			TR(app, "OK: watch   0-9: number   Yellow: favourite   Red: lock again   EPG: guide"),
			&hint);
	struct ui_text_style big = { .size = t->text_title,
				     .color = t->text,
				     .flags = UI_TEXT_MIDDLE | UI_TEXT_CENTER };
	l->number = ui_label_create(s, (struct ui_rect){ 1560, 24, 300, 80 }, "", &big);
	ui_widget_set_id(l->number, "number");
	l->digits[0] = 0;
	number_show(l);

	ui_list_set_index(l->cat_list, l->cat_index);
	show_channels(l);
	ui_widget_focus(l->n > 0 ? l->chan_list : l->cat_list);
	return s;
}

const struct app_screen_class app_screen_live_class = {
	.name = "live",
	.build = build,
	.refresh = live_refresh,
	.refresh_on = APP_CHANGED_CATALOGUE | APP_CHANGED_GUIDE,
	.report = live_report,
	.free_state = live_state_free,
};
