/* SPDX-License-Identifier: MIT */
/* Helpers shared by the catalogue and account screens (app_vod.h): header, durations, dates, the
 * progress bar of list items, and the table of episodes played (app_vod_episode). */
#include "app_vod.h"

#include "plat_redact.h"
#include "qanat_config.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <sys/utsname.h>
#include <time.h>

void app_vod_header(struct app *app, struct ui_widget *screen, const char *title)
{
	const struct ui_theme *t = ui_ctx_theme(app->ui);
	ui_widget_set_background(screen, t->bg);
	struct ui_text_style st = { .size = t->text_title, .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	struct ui_widget *l = ui_label_create(screen, (struct ui_rect){ 60, 30, 1200, 90 }, title, &st);
	ui_widget_set_id(l, "title");
}

int app_vod_duration_text(const struct app *app, int64_t secs, char *out, size_t cap)
{
	int64_t h = secs / 3600, m = (secs % 3600 + 30) / 60;
	if (m == 60) {
		h++;
		m = 0;
	}
	if (h > 0)
		return snprintf(out, cap, TR(app, "%lld h %lld min"), (long long)h, (long long)m);
	return snprintf(out, cap, TR(app, "%lld min"), (long long)(m > 0 ? m : 1));
}

int app_vod_clock_text(int64_t ms, char *out, size_t cap)
{
	int64_t s = ms / 1000;
	if (s >= 3600)
		return snprintf(out, cap, "%lld:%02lld:%02lld", (long long)(s / 3600),
				(long long)(s % 3600 / 60), (long long)(s % 60));
	return snprintf(out, cap, "%lld:%02lld", (long long)(s / 60), (long long)(s % 60));
}

int app_vod_date_text(int64_t t, char *out, size_t cap)
{
	if (t <= 0)
		return snprintf(out, cap, "-");
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm))
		return snprintf(out, cap, "-");
	return (int)strftime(out, cap, "%Y-%m-%d", &tm);
}

void app_vod_draw_progress(const struct app *app, struct ui_draw *d, struct ui_rect r, double fraction,
			   bool focused)
{
	const struct ui_theme *t = ui_draw_theme(d);
	if (fraction < 0)
		fraction = 0;
	if (fraction > 1)
		fraction = 1;
	int fill = (int)(r.w * fraction);
	ui_draw_fill(d, r, t->surface_alt);
	/* item rectangles are mirrored in a right-to-left layout: start the fill at the mirrored side so
	 * that it still grows from the left on screen */
	struct ui_rect f = { app->rtl ? r.x + r.w - fill : r.x, r.y, fill, r.h };
	ui_draw_fill(d, f, focused ? t->on_accent : t->accent);
}

/* The episodes table belongs to the app's screens ("app_vod" in the store's migrations). */
static const char *const vod_migrations[] = {
	"CREATE TABLE app_vod_episode(id TEXT PRIMARY KEY, series_id INTEGER NOT NULL, series_name TEXT NOT "
	"NULL,"
	" season INTEGER NOT NULL, episode INTEGER NOT NULL, title TEXT NOT NULL, ext TEXT NOT NULL,"
	" duration INTEGER NOT NULL);",
};

int app_vod_migrate(struct store *s)
{
	int rc = store_migrate(s, "app_vod", vod_migrations, 1);
	return rc < 0 ? rc : 0;
}

int app_vod_episode_remember(struct app *app, const struct app_vod_episode *e)
{
	/* a viewer write: through the store writer, like history and resume points (keyed per episode) */
	const struct store_param p[] = {
		STORE_PARAM_TEXT(e->id),          STORE_PARAM_INT64(e->series_id),
		STORE_PARAM_TEXT(e->series_name), STORE_PARAM_INT64(e->season),
		STORE_PARAM_INT64(e->episode),    STORE_PARAM_TEXT(e->title),
		STORE_PARAM_TEXT(e->ext),         STORE_PARAM_INT64(e->duration_secs)
	};
	char key[96];
	snprintf(key, sizeof(key), "episode:%s", e->id);
	return store_writer_exec(app->writer, key,
				 "INSERT OR REPLACE INTO app_vod_episode(id, series_id, series_name, season,"
				 " episode, title, ext, duration) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
				 p, sizeof(p) / sizeof(p[0]));
}

static void column_text(sqlite3_stmt *st, int col, char *out, size_t cap)
{
	const unsigned char *v = sqlite3_column_text(st, col);
	snprintf(out, cap, "%s", v ? (const char *)v : "");
}

int app_vod_episode_lookup(struct app *app, const char *id, struct app_vod_episode *out)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(
	    store_db(app->store),
	    "SELECT series_id, series_name, season, episode, title, ext, duration FROM app_vod_episode"
	    " WHERE id = ?",
	    -1, &st, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_finalize(st);
		return store_errno(rc);
	}
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = (struct app_vod_episode){ .series_id = sqlite3_column_int64(st, 0),
						 .season = sqlite3_column_int(st, 2),
						 .episode = sqlite3_column_int(st, 3),
						 .duration_secs = sqlite3_column_int64(st, 6) };
		snprintf(out->id, sizeof(out->id), "%s", id);
		column_text(st, 1, out->series_name, sizeof(out->series_name));
		column_text(st, 4, out->title, sizeof(out->title));
		column_text(st, 5, out->ext, sizeof(out->ext));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? -ENOENT : store_errno(rc);
}

static const char *state_text(enum player_state s)
{
	return player_state_name(s);
}

json_t *app_vod_diagnostics(struct app *app)
{
	json_t *d = json_object();
	if (!d)
		return NULL;
	json_object_set_new(d, "app_version", json_string(QANAT_VERSION));
	json_object_set_new(d, "arch", json_string(QANAT_ARCH));
	json_object_set_new(d, "sqlite", json_string(sqlite3_libversion()));
	json_object_set_new(d, "jansson", json_string(JANSSON_VERSION));
	struct utsname u;
	if (uname(&u) == 0) {
		char dev[400];
		snprintf(dev, sizeof(dev), "%s %s %s", u.sysname, u.release, u.machine);
		json_object_set_new(d, "device", json_string(dev));
	}
	char panel[600];
	const struct xt_login *login = ctl_session_last_login(app->session);
	plat_redact_url(login->base[0] ? login->base : ctl_session_server(app->session), panel,
			sizeof(panel));
	json_object_set_new(d, "panel", json_string(panel));
	json_object_set_new(d, "operator", json_string(app->prov.name));
	json_object_set_new(d, "language", json_string(app->settings.lang));
	json_object_set_new(d, "live_format", json_string(app->settings.live_format));
	const struct account_info *ai = ctl_session_account(app->session);
	json_object_set_new(d, "account",
			    json_pack("{s:s,s:I,s:b,s:i,s:i}", "status", ai->status_text, "exp_date",
				      (json_int_t)ai->exp_date, "trial", ai->trial, "active_connections",
				      ai->active_cons, "max_connections", ai->max_connections));
	const struct ctl_now_playing *p = app_playing(app);
	json_t *pl =
	    json_pack("{s:s,s:s,s:i,s:s,s:b,s:i,s:i,s:I,s:I}", "name", p->name, "state",
		      p->session > 0 ? state_text(p->state) : "idle", "first_frame_ms",
		      (int)p->first_frame_ms, "decoder", p->decoder, "hardware_decoder", p->hw_decoder,
		      "stalls", (int)p->stalls, "dropped_frames", (int)p->dropped_frames, "position_ms",
		      (json_int_t)p->position_ms, "duration_ms", (json_int_t)p->duration_ms);
	if (pl && p->error[0])
		json_object_set_new(pl, "error", json_string(p->error));
	if (pl && p->http_status)
		json_object_set_new(pl, "http_status", json_integer(p->http_status));
	json_object_set_new(d, "playback", pl);
	int64_t recall = ctl_lineup_recall(app->lineup);
	if (recall)
		json_object_set_new(d, "last_channel", json_integer(recall));
	account_diagnostics_redact(d, ctl_session_password(app->session));
	return d;
}

struct ui_widget *app_vod_pin_screen(struct app *app, const char *prompt, ui_text_done_fn done, void *user,
				     struct ui_widget **kb)
{
	const struct ui_theme *t = ui_ctx_theme(app->ui);
	struct ui_widget *s = ui_screen_create(app->ui, "pin");
	if (!s)
		return NULL;
	app_vod_header(app, s, TR(app, "Parental PIN"));
	struct ui_text_style st = { .size = t->text_body, .flags = UI_TEXT_MIDDLE | UI_TEXT_ELLIPSIS };
	ui_widget_set_id(ui_label_create(s, (struct ui_rect){ 260, 130, 1400, 80 }, prompt, &st), "prompt");
	*kb = ui_keyboard_create(s, (struct ui_rect){ 260, 220, 1400, 640 }, UI_KB_LATIN, done, user);
	ui_widget_set_id(*kb, "keyboard");
	ui_keyboard_set_secret(*kb, true);
	return s;
}
