/* SPDX-License-Identifier: MIT */
/* The guide screen: every channel (rows) against time, read from the EPG for the visible window
 * only, with the current time line; RED and GREEN jump a day back and forward; INFO opens the
 * programme's details; OK on a programme on air zaps to the channel, on a past programme of a channel
 * with an archive (marked with a stripe) plays it as catch-up, and on anything else shows the details.
 * A channel the parental lock hides keeps its row and number but shows neither its name nor its
 * programmes; watching it or its catch-up goes through the line-up's gate and asks for the PIN.
 *
 * State: one struct app_guide per app (app->screen_state[APP_SCREEN_GUIDE]) holding the channel
 * order and a small cache of the rows drawn recently (their channel and programmes), so a redraw costs
 * no query. UI thread only; the guide queries use the UI thread's store connection. */
#include "app.h"
#include "app_pin.h"

#include "plat_log.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum {
	GUIDE_ROW_CACHE = 48,
	GUIDE_SLOTS = 96, /* programmes kept per cached row: a day of half-hour slots and more */
	GUIDE_TITLE = 160,
};

#define HOUR_MS (3600LL * 1000)
#define DAY_S 86400LL
#define GUIDE_SPAN_MS (3 * HOUR_MS)
#define HALF_HOUR_MS (HOUR_MS / 2)

struct guide_prog {
	int64_t id, start, stop; /* unix seconds */
	char title[GUIDE_TITLE];
};

struct guide_row {
	bool used;
	size_t row;
	int64_t id, number;
	char name[128];
	char icon[512];
	bool archive;
	int archive_days;
	bool locked;      /* the parental lock hides it now */
	int64_t from, to; /* the window held in progs (unix seconds) */
	size_t n;
	struct guide_prog progs[GUIDE_SLOTS];
};

struct app_guide {
	struct app *app;
	int64_t *ids; /* channels in the full list's order */
	size_t n;
	struct guide_row rows[GUIDE_ROW_CACHE];
	struct epg_slot scratch[GUIDE_SLOTS];
	struct ui_widget *screen, *grid, *day;
	int64_t start_ms; /* window start of the current grid */
	/* the programme a details dialog is about */
	int64_t dlg_stream, dlg_start, dlg_stop;
	char dlg_title[GUIDE_TITLE];
	bool dlg_catchup, dlg_live;
};

static struct app_guide *gstate(struct app *app)
{
	return app->screen_state[APP_SCREEN_GUIDE];
}

/* ---- channels ---- */

static void load_channels(struct app_guide *g)
{
	/* the rows are the line-up's channels, in its order (the numbers the viewer knows) */
	const int64_t *ids = NULL;
	size_t n = ctl_lineup_channels(g->app->lineup, &ids);
	int64_t *copy = n ? malloc(n * sizeof(*copy)) : NULL;
	if (copy)
		memcpy(copy, ids, n * sizeof(*copy));
	free(g->ids);
	g->ids = copy;
	g->n = copy ? n : 0;
	for (size_t i = 0; i < GUIDE_ROW_CACHE; i++)
		g->rows[i].used = false;
}

static int fill_channel(void *ud, const struct library_item *it)
{
	struct guide_row *r = ud;
	snprintf(r->name, sizeof(r->name), "%s", it->name ? it->name : "");
	snprintf(r->icon, sizeof(r->icon), "%s", it->icon ? it->icon : "");
	r->archive = it->archive;
	r->archive_days = it->archive_days > 0 ? it->archive_days : (it->archive ? 1 : 0);
	return 0;
}

/* The cached row, with the programmes of [from, to) (unix seconds) loaded. */
static struct guide_row *row_get(struct app_guide *g, size_t row, int64_t from, int64_t to)
{
	if (row >= g->n)
		return NULL;
	struct app *app = g->app;
	struct guide_row *r = &g->rows[row % GUIDE_ROW_CACHE];
	if (!r->used || r->row != row || r->id != g->ids[row]) {
		memset(r, 0, offsetof(struct guide_row, progs));
		r->used = true;
		r->row = row;
		r->id = g->ids[row];
		library_item(app->library, LIBRARY_LIVE, r->id, fill_channel, r);
		r->number = ctl_lineup_number(app->lineup, r->id);
		r->locked = ctl_parental_check(app->parental, LIBRARY_LIVE, r->id) != 0;
		if (r->locked) {
			snprintf(r->name, sizeof(r->name), "%s", TR(app, "Locked channel"));
			r->icon[0] = 0;
		}
		r->from = r->to = 0;
	}
	if (from < r->from || to > r->to) {
		/* widen: the grid scrolls a little at a time */
		int64_t f = from - 3 * 3600, t = to + 3 * 3600;
		int sid = (int)r->id;
		size_t count = 0;
		int rc = epg_guide_window(app->store, &sid, 1, f, t, app->settings.lang, g->scratch,
					  GUIDE_SLOTS, &count);
		if (rc == -ENOSPC) {
			/* too many programmes for the widened window: keep exactly what was asked */
			f = from;
			t = to;
			rc = epg_guide_window(app->store, &sid, 1, f, t, app->settings.lang, g->scratch,
					      GUIDE_SLOTS, &count);
		}
		if (rc < 0 && rc != -ENOSPC)
			count = 0;
		r->n = 0;
		for (size_t i = 0; i < count && i < GUIDE_SLOTS; i++) {
			struct guide_prog *p = &r->progs[r->n++];
			p->id = g->scratch[i].id;
			p->start = g->scratch[i].start;
			p->stop = g->scratch[i].stop;
			snprintf(p->title, sizeof(p->title), "%s", g->scratch[i].title);
		}
		r->from = f;
		r->to = t;
	}
	return r;
}

/* A programme's title as the viewer may see it (a locked channel's are not shown). */
static const char *prog_title(const struct app_guide *g, const struct guide_row *r,
			      const struct guide_prog *p)
{
	if (r && r->locked)
		return TR(g->app, "Locked");
	return p ? p->title : "";
}

static const struct guide_prog *prog_find(struct app_guide *g, size_t row, const struct ui_guide_item *it)
{
	if (!it || it->id == 0)
		return NULL;
	struct guide_row *r = row_get(g, row, it->start_ms / 1000, it->end_ms / 1000);
	for (size_t i = 0; r && i < r->n; i++)
		if ((uint64_t)r->progs[i].id == it->id)
			return &r->progs[i];
	return NULL;
}

/* Catch-up: a programme that has ended, on a channel with an archive that still holds it. */
static bool catchup_ok(const struct app_guide *g, const struct guide_row *r, int64_t start, int64_t stop)
{
	int64_t now = app_now(g->app);
	return r && r->archive && stop <= now && start >= now - (int64_t)r->archive_days * DAY_S;
}

/* ---- the model ---- */

static size_t m_rows(void *user)
{
	return ((struct app_guide *)user)->n;
}

static size_t m_items(void *user, size_t row, int64_t from_ms, int64_t to_ms, struct ui_guide_item *out,
		      size_t cap)
{
	struct app_guide *g = user;
	int64_t from = from_ms / 1000, to = (to_ms + 999) / 1000;
	struct guide_row *r = row_get(g, row, from, to);
	size_t n = 0;
	for (size_t i = 0; r && i < r->n && n < cap; i++) {
		const struct guide_prog *p = &r->progs[i];
		if (p->stop <= from || p->start >= to)
			continue;
		out[n++] = (struct ui_guide_item){ p->start * 1000, p->stop * 1000, (uint64_t)p->id };
	}
	return n;
}

static void m_draw_channel(void *user, struct ui_draw *d, size_t row, int w, int h, bool focused_row)
{
	struct app_guide *g = user;
	const struct ui_theme *t = ui_draw_theme(d);
	struct guide_row *r = row_get(g, row, 0, 0);
	ui_draw_fill(d, (struct ui_rect){ 0, 0, w, h }, focused_row ? t->surface : t->surface_alt);
	if (!r)
		return;
	char num[24];
	snprintf(num, sizeof(num), "%lld", (long long)r->number);
	struct ui_text_style sn = { .size = t->text_small,
				    .color = t->text_dim,
				    .flags = UI_TEXT_MIDDLE | UI_TEXT_CENTER };
	ui_draw_text(d, (struct ui_rect){ 0, 0, 70, h }, num, &sn);
	ui_draw_image(d, (struct ui_rect){ 74, 10, 90, h - 20 }, r->icon);
	struct ui_text_style st = { .size = t->text_small, .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	ui_draw_text(d, (struct ui_rect){ 176, 0, w - 184, h }, r->name, &st);
}

static void m_draw_item(void *user, struct ui_draw *d, size_t row, const struct ui_guide_item *it, int w,
			int h, bool focused)
{
	struct app_guide *g = user;
	const struct ui_theme *t = ui_draw_theme(d);
	int64_t now_ms = ui_ctx_wall_ms(ui_draw_ctx(d));
	bool on_now = it->start_ms <= now_ms && now_ms < it->end_ms;
	bool past = it->end_ms <= now_ms;
	ui_draw_fill(d, (struct ui_rect){ 0, 0, w, h },
		     focused  ? t->accent
		     : on_now ? t->surface
			      : t->surface_alt);
	const struct guide_prog *p = prog_find(g, row, it);
	struct guide_row *r = row_get(g, row, it->start_ms / 1000, it->end_ms / 1000);
	bool cu = p && catchup_ok(g, r, p->start, p->stop);
	if (cu) /* the catch-up mark: a stripe along the start edge */
		ui_draw_fill(d, (struct ui_rect){ 0, 0, 8, h }, t->focus);
	char t1[16], line[GUIDE_TITLE + 32];
	app_format_hhmm(it->start_ms / 1000, t1, sizeof(t1));
	struct ui_text_style st = { .size = t->text_small,
				    .color = focused       ? t->on_accent
					     : past && !cu ? t->text_dim
							   : t->text,
				    .flags = UI_TEXT_ELLIPSIS };
	ui_draw_text(d, (struct ui_rect){ 16, 8, w - 24, h / 2 - 4 }, prog_title(g, r, p), &st);
	snprintf(line, sizeof(line), "%s%s", t1, cu ? TR(g->app, "  catch-up") : "");
	struct ui_text_style sd = { .size = t->text_small - 4,
				    .color = focused ? t->on_accent : t->text_dim,
				    .flags = UI_TEXT_ELLIPSIS };
	ui_draw_text(d, (struct ui_rect){ 16, h / 2 + 2, w - 24, h / 2 - 6 }, line, &sd);
}

static int m_label(void *user, size_t row, const struct ui_guide_item *it, char *buf, size_t cap)
{
	struct app_guide *g = user;
	struct guide_row *r = row_get(g, row, 0, 0);
	const struct guide_prog *p = prog_find(g, row, it);
	char t1[16] = "", t2[16] = "";
	if (p) {
		app_format_hhmm(p->start, t1, sizeof(t1));
		app_format_hhmm(p->stop, t2, sizeof(t2));
	}
	r = p ? row_get(g, row, p->start, p->stop) : r;
	snprintf(buf, cap, "%lld %s | %s-%s %s%s", r ? (long long)r->number : 0LL, r ? r->name : "", t1, t2,
		 prog_title(g, r, p), p && catchup_ok(g, r, p->start, p->stop) ? " [catch-up]" : "");
	return 0;
}

static void details_open(struct app_guide *g, size_t row, const struct ui_guide_item *it);

static void play_live_row(struct app_guide *g, int64_t id)
{
	ctl_lineup_set_zap_list(g->app->lineup, g->ids, g->n);
	int rc = app_pin_play_live(g->app, id, CTL_ZAP_GUIDE, "epg");
	if (rc < 0 && rc != -EACCES)
		ui_toast_show(g->app->ui, TR(g->app, "This channel cannot be played."), 3000);
}

static void play_catchup(struct app_guide *g, int64_t id, int64_t start, int64_t stop, const char *title)
{
	int rc = app_pin_play_catchup(g->app, id, start, stop, title);
	if (rc < 0 && rc != -EACCES) {
		plat_log_warn("guide", "catch-up of %lld at %lld: %s", (long long)id, (long long)start,
			      strerror(-rc));
		ui_toast_show(g->app->ui, TR(g->app, "This programme cannot be played."), 3000);
	}
}

static void m_activate(void *user, size_t row, const struct ui_guide_item *it)
{
	struct app_guide *g = user;
	struct guide_row *r = row_get(g, row, 0, 0);
	if (!r)
		return;
	const struct guide_prog *p = prog_find(g, row, it);
	int64_t now = app_now(g->app);
	if (!p || (p->start <= now && now < p->stop)) {
		play_live_row(g, r->id);
		return;
	}
	r = row_get(g, row, p->start, p->stop);
	if (catchup_ok(g, r, p->start, p->stop)) {
		char title[GUIDE_TITLE];
		snprintf(title, sizeof(title), "%s", p->title);
		play_catchup(g, r->id, p->start, p->stop, title);
		return;
	}
	details_open(g, row, it);
}

static const struct ui_guide_model guide_model = { .rows = m_rows,
						   .items = m_items,
						   .draw_channel = m_draw_channel,
						   .draw_item = m_draw_item,
						   .activate = m_activate,
						   .label = m_label };

/* ---- details ---- */

static void details_closed(void *user, int button)
{
	struct app_guide *g = user;
	if (button != 0)
		return;
	if (g->dlg_catchup)
		play_catchup(g, g->dlg_stream, g->dlg_start, g->dlg_stop, g->dlg_title);
	else if (g->dlg_live)
		play_live_row(g, g->dlg_stream);
}

static void details_open(struct app_guide *g, size_t row, const struct ui_guide_item *it)
{
	struct app *app = g->app;
	const struct guide_prog *p = prog_find(g, row, it);
	if (!p)
		return;
	struct guide_row *r = row_get(g, row, p->start, p->stop);
	struct epg_details *det = calloc(1, sizeof(*det));
	if (!det)
		return;
	int rc = epg_programme_details(app->store, p->id, app->settings.lang, det);
	char t1[16], t2[16], day[32] = "";
	app_format_hhmm(p->start, t1, sizeof(t1));
	app_format_hhmm(p->stop, t2, sizeof(t2));
	time_t st = (time_t)p->start;
	struct tm tm;
	if (localtime_r(&st, &tm))
		strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	char *msg = malloc(EPG_TEXT_MAX + 1024);
	if (!msg) {
		free(det);
		return;
	}
	if (r && r->locked)
		rc = -EACCES; /* the lock hides what is on, not only the picture */
	snprintf(msg, EPG_TEXT_MAX + 1024, "%s  %s - %s  %s%s%s%s\n\n%s", day, t1, t2, r ? r->name : "",
		 rc == 0 && det->episode[0] ? "  " : "", rc == 0 ? det->episode : "",
		 rc == 0 && det->categories[0] ? "" : "",
		 rc == 0 && det->desc[0] ? det->desc : TR(app, "No description."));
	int64_t now = app_now(app);
	g->dlg_stream = r ? r->id : 0;
	g->dlg_start = p->start;
	g->dlg_stop = p->stop;
	snprintf(g->dlg_title, sizeof(g->dlg_title), "%s", p->title);
	const char *title = prog_title(g, r, p);
	g->dlg_catchup = catchup_ok(g, r, p->start, p->stop);
	g->dlg_live = p->start <= now && now < p->stop;
	const char *watch = g->dlg_catchup ? TR(app, "Watch from the start") : TR(app, "Watch");
	const char *close = TR(app, "Close");
	const char *buttons[2] = { watch, close };
	if (g->dlg_catchup || g->dlg_live)
		ui_dialog_open(app->ui, title, msg, buttons, 2, details_closed, g);
	else
		ui_dialog_open(app->ui, title, msg, &close, 1, NULL, g);
	free(msg);
	free(det);
}

/* ---- the screen ---- */

static void day_label(struct app_guide *g)
{
	struct app *app = g->app;
	time_t t = (time_t)(g->start_ms / 1000);
	struct tm tm;
	char date[32] = "";
	if (localtime_r(&t, &tm))
		strftime(date, sizeof(date), "%Y-%m-%d", &tm);
	int64_t days = (g->start_ms / 1000 - app_now(app) + DAY_S / 2) / DAY_S;
	char text[128];
	if (days == 0)
		snprintf(text, sizeof(text), "%s  %s", TR(app, "Today"), date);
	else
		snprintf(text, sizeof(text), "%s  %s%+lld", date, TR(app, "day "), (long long)days);
	ui_label_set_text(g->day, text);
}

static int make_grid(struct app_guide *g, size_t row)
{
	struct app *app = g->app;
	struct ui_widget *old = g->grid;
	g->grid = ui_guide_create(g->screen, (struct ui_rect){ 60, 130, 1800, 850 }, &guide_model, g,
				  g->start_ms, GUIDE_SPAN_MS, 420, 100);
	if (!g->grid) {
		g->grid = old;
		return -ENOMEM;
	}
	ui_widget_set_id(g->grid, "guide");
	ui_widget_destroy(&old);
	if (g->n)
		ui_widget_focus(g->grid);
	/* back to the row the viewer was on */
	for (size_t i = 0; i < row && i + 1 < g->n; i++)
		ui_ctx_action(app->ui, PLAT_ACT_DOWN);
	day_label(g);
	return 0;
}

static void jump_days(struct app_guide *g, int days)
{
	size_t row = 0;
	struct ui_guide_item it;
	if (g->grid)
		ui_guide_focus(g->grid, &row, &it);
	g->start_ms += (int64_t)days * DAY_S * 1000;
	make_grid(g, row);
}

static bool guide_keys(void *user, struct ui_widget *screen, enum plat_action a)
{
	struct app_guide *g = user;
	size_t row = 0;
	struct ui_guide_item it;
	switch (a) {
	case PLAT_ACT_RED:
		jump_days(g, -1);
		return true;
	case PLAT_ACT_GREEN:
		jump_days(g, 1);
		return true;
	case PLAT_ACT_INFO:
		if (g->grid && g->n) {
			ui_guide_focus(g->grid, &row, &it);
			details_open(g, row, &it);
		}
		return true;
	case PLAT_ACT_EPG:
		ui_screen_pop(g->app->ui);
		return true;
	default:
		return false;
	}
}

static void guide_refresh(struct app *app)
{
	struct app_guide *g = gstate(app);
	if (!g || !g->screen)
		return;
	size_t row = 0;
	struct ui_guide_item it;
	if (g->grid)
		ui_guide_focus(g->grid, &row, &it);
	load_channels(g);
	/* a rebuild only when the guide is what the viewer looks at (it takes the focus) */
	if (ui_screen_top(app->ui) == g->screen)
		make_grid(g, row < g->n ? row : 0);
}

static void guide_report(struct app *app, json_t *obj)
{
	struct app_guide *g = gstate(app);
	if (!g || !g->grid)
		return;
	size_t row = 0, first = 0;
	int64_t start = 0;
	struct ui_guide_item it;
	ui_guide_focus(g->grid, &row, &it);
	ui_guide_window(g->grid, &first, &start);
	json_t *o = json_object();
	json_object_set_new(o, "channels", json_integer((json_int_t)g->n));
	json_object_set_new(o, "window_start", json_integer(start / 1000));
	json_object_set_new(o, "row", json_integer((json_int_t)row));
	struct guide_row *cr = row_get(g, row, 0, 0);
	json_object_set_new(o, "channel_locked", json_boolean(cr && cr->locked));
	const struct guide_prog *p = prog_find(g, row, &it);
	if (p) {
		struct guide_row *r = row_get(g, row, p->start, p->stop);
		json_t *po = json_object();
		json_object_set_new(po, "stream_id", json_integer(r ? r->id : 0));
		json_object_set_new(po, "start", json_integer(p->start));
		json_object_set_new(po, "stop", json_integer(p->stop));
		json_object_set_new(po, "title", json_string(prog_title(g, r, p)));
		json_object_set_new(po, "catchup", json_boolean(catchup_ok(g, r, p->start, p->stop)));
		json_object_set_new(o, "programme", po);
	}
	json_object_set_new(obj, "guide", o);
}

static void guide_state_free(void *state)
{
	struct app_guide *g = state;
	if (g)
		free(g->ids);
	free(g);
}

static struct ui_widget *build(struct app *app)
{
	struct app_guide *g = gstate(app);
	if (!g) {
		g = calloc(1, sizeof(*g));
		if (!g)
			return NULL;
		g->app = app;
		app->screen_state[APP_SCREEN_GUIDE] = g;
	}
	load_channels(g);
	const struct ui_theme *t = ui_ctx_theme(app->ui);
	struct ui_widget *s = ui_screen_create(app->ui, "guide");
	if (!s)
		return NULL;
	g->screen = s;
	g->grid = NULL;
	ui_screen_on_action(s, guide_keys, g);
	struct ui_text_style title = { .size = t->text_title, .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	ui_label_create(s, (struct ui_rect){ 60, 24, 700, 80 }, TR(app, "TV guide"), &title);
	struct ui_text_style dt = { .size = t->text_body,
				    .color = t->text_dim,
				    .flags = UI_TEXT_MIDDLE | UI_TEXT_END };
	g->day = ui_label_create(s, (struct ui_rect){ 1060, 24, 800, 80 }, "", &dt);
	ui_widget_set_id(g->day, "day");
	struct ui_text_style hint = { .size = t->text_small,
				      .color = t->text_dim,
				      .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	ui_label_create(s, (struct ui_rect){ 60, 1000, 1800, 56 },
			TR(app, "OK: watch   INFO: details   Red/Green: day before/after   Stripe: catch-up"),
			&hint);
	int64_t now_ms = app_now(app) * 1000;
	g->start_ms = now_ms / HALF_HOUR_MS * HALF_HOUR_MS - HALF_HOUR_MS;
	if (g->n == 0) {
		struct ui_text_style msg = { .size = t->text_body,
					     .color = t->text_dim,
					     .flags = UI_TEXT_WRAP | UI_TEXT_CENTER | UI_TEXT_MIDDLE };
		ui_label_create(s, (struct ui_rect){ 260, 400, 1400, 200 },
				TR(app, "No channels yet: the list is being loaded from your provider."),
				&msg);
	}
	/* the grid is made when the screen is on top (it takes the focus with key presses) */
	g->grid = ui_guide_create(s, (struct ui_rect){ 60, 130, 1800, 850 }, &guide_model, g, g->start_ms,
				  GUIDE_SPAN_MS, 420, 100);
	ui_widget_set_id(g->grid, "guide");
	if (g->grid && g->n)
		ui_widget_focus(g->grid);
	day_label(g);
	return s;
}

const struct app_screen_class app_screen_guide_class = {
	.name = "guide",
	.build = build,
	.refresh = guide_refresh,
	.refresh_on = APP_CHANGED_CATALOGUE | APP_CHANGED_GUIDE,
	.report = guide_report,
	.free_state = guide_state_free,
};
