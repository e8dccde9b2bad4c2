/* SPDX-License-Identifier: MIT */
/* The Live TV screen: categories on the start side, the channels of the focused category on the
 * other (number, logo, name, now and next from the guide), OK zaps and opens the player screen, the
 * yellow key toggles a favourite, locked categories open only with the parental PIN typed on the
 * on-screen keyboard. It also keeps the channel order the player screen zaps through (CH+/CH-, the
 * mini guide) and the channel numbers: a channel's number is its place in the panel's full list, as
 * on the panel's own M3U, the same whatever category the viewer came from.
 *
 * State: one struct app_live per app (app->screen_state[APP_SCREEN_LIVE]), built on first use (the
 * player screen may need the numbers before this screen was ever shown) and kept across rebuilds of
 * the screen (a language switch). Everything here runs on the UI thread and reads the library and the
 * guide through the UI thread's own store connection. */
#include "app.h"

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

struct id_number {
	int64_t id, number;
};

struct app_live {
	struct app *app;
	/* the panel's full list: number = index + 1 */
	int64_t *all_ids;
	size_t all_n;
	struct id_number *by_id; /* all_ids sorted by id, for the number of a channel */
	struct live_cat *cats;
	size_t ncats;
	size_t cat_index; /* focused category */
	int64_t *ids;     /* channels of the focused category, in panel order */
	size_t n;
	int64_t *zap_ids; /* the list the viewer last zapped from (CH+/CH- order) */
	size_t zap_n;
	bool unlocked;      /* the PIN was typed in this session */
	int64_t checked_at; /* app_now() of the last look at the catalogue's size */
	struct live_row rows[LIVE_ROW_CACHE];
	/* widgets of the current build */
	struct ui_widget *screen, *cat_list, *chan_list, *empty, *clock;
	struct ui_widget *pin_screen, *pin_kb, *pin_msg;
	size_t pin_cat; /* category waiting for the PIN */
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

static int cmp_id(const void *a, const void *b)
{
	const struct id_number *x = a, *y = b;
	return x->id < y->id ? -1 : x->id > y->id;
}

static void load_all(struct app_live *l)
{
	struct id_vec vec = { 0 };
	library_items(l->app->library, LIBRARY_LIVE, -1, 0, 0, collect_id, &vec);
	free(l->all_ids);
	free(l->by_id);
	l->all_ids = vec.v;
	l->all_n = vec.n;
	l->by_id = vec.n ? calloc(vec.n, sizeof(*l->by_id)) : NULL;
	if (!l->by_id) {
		l->all_n = 0;
		return;
	}
	for (size_t i = 0; i < vec.n; i++)
		l->by_id[i] = (struct id_number){ vec.v[i], (int64_t)i + 1 };
	qsort(l->by_id, vec.n, sizeof(*l->by_id), cmp_id);
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
	return i < l->ncats && l->cats[i].locked && !l->unlocked;
}

static void load_channels(struct app_live *l)
{
	struct id_vec vec = { .skip_locked = !l->unlocked };
	if (l->ncats && !cat_hidden(l, l->cat_index)) {
		int64_t id = l->cats[l->cat_index].id;
		if (id == CAT_FAVOURITES)
			library_favourites(l->app->library, LIBRARY_LIVE, collect_id, &vec);
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
	free(l->all_ids);
	free(l->by_id);
	free(l->cats);
	free(l->ids);
	free(l->zap_ids);
	free(l);
}

/* The live state, created and loaded on first use. NULL only without memory. */
static struct app_live *live_state(struct app *app)
{
	struct app_live *l = app->screen_state[APP_SCREEN_LIVE];
	if (l) {
		/* the numbers must follow a sync even when this screen was never built (its on_refresh
		 * then does not run): a count per second at most */
		int64_t now = app_now(app);
		size_t n = 0;
		if (now != l->checked_at && !app->screens[APP_SCREEN_LIVE] &&
		    library_count(app->library, LIBRARY_LIVE, -1, &n) == 0 && n != l->all_n)
			load_all(l);
		l->checked_at = now;
		return l;
	}
	l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	l->app = app;
	app->screen_state[APP_SCREEN_LIVE] = l;
	load_all(l);
	load_categories(l);
	load_channels(l);
	return l;
}

/* ---- the helpers of app.h ---- */

int64_t app_live_number(struct app *app, int64_t stream_id)
{
	struct app_live *l = live_state(app);
	if (!l || !l->by_id)
		return 0;
	struct id_number key = { stream_id, 0 };
	const struct id_number *hit = bsearch(&key, l->by_id, l->all_n, sizeof(key), cmp_id);
	return hit ? hit->number : 0;
}

int64_t app_live_neighbour(struct app *app, int64_t stream_id, int delta)
{
	struct app_live *l = live_state(app);
	if (!l)
		return 0;
	const int64_t *ids = l->zap_n ? l->zap_ids : l->all_ids;
	size_t n = l->zap_n ? l->zap_n : l->all_n;
	for (size_t i = 0; i < n; i++) {
		if (ids[i] != stream_id)
			continue;
		long long k = ((long long)i + delta) % (long long)n;
		return ids[k < 0 ? k + (long long)n : k];
	}
	return n ? ids[0] : 0;
}

static int probe_locked(void *ud, const struct library_item *it)
{
	*(bool *)ud = it->locked;
	return 0;
}

static bool channel_locked(struct app *app, int64_t id)
{
	bool locked = false;
	library_item(app->library, LIBRARY_LIVE, id, probe_locked, &locked);
	return locked;
}

int64_t app_live_by_number(struct app *app, int64_t number)
{
	struct app_live *l = live_state(app);
	if (!l || number < 1 || (uint64_t)number > l->all_n)
		return 0;
	int64_t id = l->all_ids[number - 1];
	return channel_locked(app, id) && !l->unlocked ? 0 : id;
}

void app_live_set_zap_list(struct app *app, const int64_t *ids, size_t n)
{
	struct app_live *l = live_state(app);
	if (!l)
		return;
	int64_t *copy = n ? malloc(n * sizeof(*copy)) : NULL;
	if (n && !copy)
		return;
	if (n)
		memcpy(copy, ids, n * sizeof(*copy));
	free(l->zap_ids);
	l->zap_ids = copy;
	l->zap_n = n;
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
		r->number = app_live_number(app, r->id);
		char key[24];
		snprintf(key, sizeof(key), "%lld", (long long)r->id);
		r->fav = library_favourite_is(app->library, LIBRARY_LIVE, key) == 1;
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

static void chan_activate(void *user, size_t i)
{
	struct app_live *l = user;
	struct app *app = l->app;
	if (i >= l->n)
		return;
	app_live_set_zap_list(app, l->ids, l->n);
	int rc = app_play_live(app, l->ids[i], "ok");
	if (rc < 0)
		plat_log_warn("live", "zap to %lld: %s", (long long)l->ids[i], strerror(-rc));
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
		ui_draw_text(d, (struct ui_rect){ w - 20 - tag, 0, tag, h }, l->unlocked ? "PIN ✓" : "PIN",
			     &st_tag);
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
	if (i >= l->ncats)
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

static void pin_done(void *user, struct ui_widget *w, const char *text)
{
	struct app_live *l = user;
	struct app *app = l->app;
	int rc = library_pin_check(app->library, text);
	if (rc == 0) {
		l->unlocked = true;
		ui_screen_pop(app->ui);
		load_all(l);
		show_channels(l);
		ui_widget_invalidate(l->cat_list);
		if (l->n > 0)
			ui_widget_focus(l->chan_list);
		ui_toast_show(app->ui, TR(app, "Unlocked until the box restarts"), 3000);
		return;
	}
	ui_keyboard_set_text(w, "");
	ui_label_set_text(l->pin_msg, rc == -ENOENT
					  ? TR(app, "No PIN is set yet: set one in Settings, then come back.")
					  : TR(app, "Wrong PIN. Try again."));
}

static void pin_open(struct app_live *l, size_t cat)
{
	struct app *app = l->app;
	const struct ui_theme *t = ui_ctx_theme(app->ui);
	l->pin_cat = cat;
	if (!l->pin_screen) {
		l->pin_screen = ui_screen_create(app->ui, "pin");
		if (!l->pin_screen)
			return;
		ui_screen_set_overlay(l->pin_screen, true);
		struct ui_widget *panel =
		    ui_box_create(l->pin_screen, (struct ui_rect){ 260, 90, 1400, 900 });
		ui_widget_set_background(panel, t->surface_alt);
		struct ui_text_style title = { .size = t->text_title, .flags = UI_TEXT_MIDDLE };
		ui_label_create(panel, (struct ui_rect){ 40, 20, 1320, 80 },
				TR(app, "Enter your parental PIN"), &title);
		struct ui_text_style msg = { .size = t->text_body,
					     .color = t->text_dim,
					     .flags = UI_TEXT_MIDDLE };
		l->pin_msg = ui_label_create(panel, (struct ui_rect){ 40, 100, 1320, 60 }, "", &msg);
		ui_widget_set_id(l->pin_msg, "pin_message");
		l->pin_kb = ui_keyboard_create(panel, (struct ui_rect){ 0, 170, 1400, 720 }, UI_KB_LATIN,
					       pin_done, l);
		ui_widget_set_id(l->pin_kb, "pin");
		ui_keyboard_set_secret(l->pin_kb, true);
	}
	ui_keyboard_set_text(l->pin_kb, "");
	ui_label_set_text(l->pin_msg, TR(app, "The category is locked."));
	if (ui_screen_push(app->ui, l->pin_screen) == 0)
		ui_widget_focus(l->pin_kb);
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
	if (library_favourite_set(app->library, LIBRARY_LIVE, key, on) < 0)
		return;
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
	switch (a) {
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
	load_all(l);
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
	json_object_set_new(o, "unlocked", json_boolean(l->unlocked));
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
	l->pin_screen = NULL; /* a rebuild (language switch) makes a new one in the new language */
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
			TR(app, "OK: watch   Yellow: favourite   EPG: guide"), &hint);

	ui_list_set_index(l->cat_list, l->cat_index);
	show_channels(l);
	ui_widget_focus(l->n > 0 ? l->chan_list : l->cat_list);
	return s;
}

size_t app_live_zap_list(struct app *app, const int64_t **ids)
{
	struct app_live *l = live_state(app);
	*ids = NULL;
	if (!l)
		return 0;
	*ids = l->zap_n ? l->zap_ids : l->all_ids;
	return l->zap_n ? l->zap_n : l->all_n;
}

const struct app_screen_class app_screen_live_class = {
	.name = "live",
	.build = build,
	.refresh = live_refresh,
	.refresh_on = APP_CHANGED_CATALOGUE | APP_CHANGED_GUIDE,
	.report = live_report,
	.free_state = live_state_free,
};
