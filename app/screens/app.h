/* SPDX-License-Identifier: MIT */
/* The running box: the one context every screen works with (services, player, UI, settings) and the
 * small API screens use to reach each other. Only app/ includes this.
 *
 * Threads: struct app belongs to the UI thread; no other thread reads or writes it. Network and
 * database work that can take time runs as jobs on the background worker (ctl_jobs.h), with copies of
 * what it needs and its own cancel token; the worker's store connection, library and Xtream client
 * belong to the jobs module. Results come back through done callbacks on the UI thread (drain). The
 * UI thread's own store connection serves quick reads; its writes go through the store writer. */
#ifndef APP_H
#define APP_H

#include "account.h"
#include "app_provision.h"
#include "ctl_jobs.h"
#include "ctl_lineup.h"
#include "ctl_parental.h"
#include "ctl_playback.h"
#include "ctl_session.h"
#include "ctl_settings.h"
#include "ctl_viewer.h"
#include "epg.h"
#include "i18n.h"
#include "library.h"
#include "plat_display.h"
#include "plat_evdev.h"
#include "plat_keymap.h"
#include "plat_task.h"
#include "player.h"
#include "qoe.h"
#include "store.h"
#include "ui.h"
#include "xtream.h"

#include <stdbool.h>
#include <stdint.h>

/* The screens, by name (ARCHITECTURE.md: pages are routes on a back stack). */
enum app_screen {
	APP_SCREEN_LOGIN,
	APP_SCREEN_HOME,
	APP_SCREEN_LIVE,   /* categories and channels */
	APP_SCREEN_PLAYER, /* full-screen video with the info bar and overlays */
	APP_SCREEN_GUIDE,
	APP_SCREEN_MOVIES,
	APP_SCREEN_SERIES,
	APP_SCREEN_SEARCH,
	APP_SCREEN_FAVOURITES,
	APP_SCREEN_CONTINUE,
	APP_SCREEN_ACCOUNT,
	APP_SCREEN_SETTINGS,
	APP_SCREEN_COUNT
};

struct app {
	struct app_provision prov;
	struct app_settings settings; /* ctl_settings.h: loaded at start, saved by app_settings_save() */
	char db_path[512];
	char cache_dir[512];
	char assets_dir[512];
	char locale_dir[512]; /* compiled catalogues (app/i18n) */
	/* No copy of a controller's state lives here: the session (server, credentials, the last login,
	 * the account, the daily refresh) is read through ctl_session_*, what plays through
	 * app_playing() / ctl_playback_now(), the recall channel through ctl_lineup_recall(). */

	/* UI thread */
	struct plat_display *display;
	struct i18n *i18n; /* the UI language; app->rtl follows it */
	/* Controllers (app/controllers): the models the screens read and act on, created in app_ui.c's
	 * open_services and freed in shutdown_app. */
	struct store_writer *writer;           /* viewer writes (store_writer.h) */
	struct app_write_notice *write_notice; /* app_ui.c: a dropped write, for a toast */
	struct ctl_viewer *viewer;             /* favourites, history, resume points */
	struct ctl_parental *parental;         /* the parental lock, one place */
	struct ctl_lineup *lineup;             /* channel numbers, zapping, recall */
	struct ctl_playback *playback;         /* what plays (player, QoE, resume, catch-up): app_play.c */
	struct ctl_session *session;           /* login, account state, sync and guide jobs */
	struct ctl_jobs *jobs;                 /* the worker's jobs and its own connections (over tasks) */
	struct ui_ctx *ui;
	struct store *store;
	struct library *library;
	struct account *account;
	struct player *player; /* borrowed from playback (the loop installs its wake-up on it) */
	struct qoe *qoe;
	struct plat_tasks *tasks;
	struct plat_keymap *keymap;
	struct plat_evdev_set *remotes;          /* evdev remote controls (a box, or --input DIR) */
	struct plat_evdev_runner *remote_thread; /* reads them; actions arrive as input_event */
	uint32_t input_event;                    /* SDL user event carrying a remote's action */
	/* The screen table (app_ui.c sets it; app_nav.c routes over it) and the built screens. */
	const struct app_screen_class *const *classes;
	struct ui_widget *screens[APP_SCREEN_COUNT];
	struct app_pin *pin;           /* the shared parental PIN prompt (app_pin.c), built on first use */
	struct app_login_ui *login_ui; /* app_screen_login.c */
	struct ui_widget *blank;       /* an empty screen shown while the others are rebuilt */
	uint32_t wake_event;           /* SDL user event that wakes the loop for task results */
	bool rtl;
	int64_t pinned_clock_ms; /* --clock: the wall clock of a headless run, 0 = real */
	/* Screen-private state (movies, series, search, ... screens): allocated once per app by the
	 * screen's builder and reused when the screen is rebuilt; its class's free_state frees it at
	 * shutdown (app_screen_state_free). */
	void *screen_state[APP_SCREEN_COUNT];
	/* Set by the screen that started a movie or an episode (series: the next-episode offer); called
	 * once on the UI thread (the controller's on_ended, through app_play.c) when that playback
	 * reaches its end (PLAYER_EV_ENDED). */
	void (*on_playback_ended)(struct app *app);
	struct app_loop *loop; /* app_loop.c: its wake-ups, timers and figures (NULL outside the loop) */
	struct app_box *box;   /* app_box.c: QoE box events and standby */
	struct app_gate *gate; /* app_gate.c: the screens-in-use question before a play */
};

/* The UI language (app/i18n, gettext): TR(app, "Live TV") is the translation of an English msgid;
 * TRN picks the plural form for n (Arabic has six); TRC adds a context for an English word with two
 * meanings; N_ marks a msgid in a table for xgettext (translate it with TR where it is shown). */
#define TR(app, s) i18n_tr((app)->i18n, s)
#define TRN(app, s, plural, n) i18n_ntr((app)->i18n, s, plural, (unsigned long)(n))
#define TRC(app, ctx, s) i18n_ctr((app)->i18n, ctx, s)
#define N_(s) s

/* Wall clock in unix seconds as the UI sees it (pinned in headless runs). */
int64_t app_now(const struct app *app);

/* A screen's job on the background worker (ctl_jobs.h): work(w, arg, cancel) runs on the worker and
 * sees no struct app, only arg, which holds COPIES of what it needs (ids, the panels and credentials
 * from ctl_session_panel_copy(), the operator's config, JSON built on the UI thread); it gets its
 * Xtream client with ctl_worker_client(w, &copy, cancel, &xt) and hands cancel to every blocking
 * call. Then done(app, arg, rc) runs on the UI thread with work's return value, or -ECANCELED when
 * the job was cancelled (app_bg_cancel, the screen was left) or the app shut down first: then done
 * only frees arg and touches no UI. Other answers may arrive after the screen was rebuilt or left,
 * so done checks app->screen_state[] before it touches a widget. arg is owned by the pair. *id (may
 * be NULL) gets the job's id for app_bg_cancel(). Returns 0 or a negative errno (arg stays the
 * caller's). */
typedef int (*app_bg_work_fn)(struct ctl_worker *w, void *arg, struct plat_cancel *cancel);
typedef void (*app_bg_done_fn)(struct app *app, void *arg, int rc);
int app_run_bg(struct app *app, app_bg_work_fn work, app_bg_done_fn done, void *arg, uint64_t *id);
/* Cancels the job *id (0: none) and zeroes *id; its done still runs, with -ECANCELED. */
void app_bg_cancel(struct app *app, uint64_t *id);

/* Shows a screen, building it on first use (each screen file provides its builder below). push=false
 * replaces the whole stack (login -> home). Returns 0 or a negative errno. */
int app_show(struct app *app, enum app_screen s, bool push);

/* Drops every built screen so the next app_show() builds it again (language switch, new login). */
void app_screens_reset(struct app *app);

/* Settings: queues app->settings on the store writer (ctl_settings_save) and applies the QoE switch.
 * Returns 0 or the writer's refusal. */
int app_settings_save(struct app *app);
/* Switches the UI language (app->settings.lang, app->rtl); -ENOENT without a catalogue. */
int app_set_language(struct app *app, const char *lang);

/* Playback (app_play.c, over the playback controller app->playback): starts a channel, a movie, an
 * episode or a catch-up programme and shows the player screen; returns 0 or a negative errno (the
 * viewer's sentence in app_playing()->error). A channel goes through the line-up's gate first
 * (ctl_lineup_zap): -EACCES when the parental lock holds it (ask for the PIN, unlock, call again);
 * a catch-up programme through the lock too. how: what tuned it ("ok", "chup", "chdown", "number",
 * "recall", "epg", "search", "favourites", "continue", "home", "retry", "reconnect"). */
int app_play_live(struct app *app, int64_t stream_id, const char *how);
int app_play_vod(struct app *app, int64_t stream_id, const char *extension, const char *name);
int app_play_episode(struct app *app, const char *episode_id, const char *extension, const char *name);
int app_play_catchup(struct app *app, int64_t stream_id, int64_t start, int64_t end, const char *title);
/* Seeks within a VOD or catch-up programme (catch-up: a new URL with a later start). */
int app_play_seek(struct app *app, int64_t position_ms);
void app_play_stop(struct app *app);
/* What plays (borrowed from the controller, valid until the next app_play_* or loop turn). */
const struct ctl_now_playing *app_playing(const struct app *app);
/* Creates app->playback (and its player, app->player); app_playback_close() frees both. */
int app_playback_open(struct app *app);
void app_playback_close(struct app *app);
/* Called by the UI loop after every wake-up: takes the player's news (events to QoE and the player
 * screen, the due picture), keeps resume points, and arms the loop's timer for the next one
 * (app_loop_timer_at with ctl_playback_next_deadline_ms): nothing here needs a periodic tick. */
void app_playback_tick(struct app *app);
/* Adds what is playing to a headless `state` report. */
void app_playback_state(struct app *app, json_t *obj);

/* "HH:MM" of unix time t in the box's local time. */
void app_format_hhmm(int64_t t, char *out, size_t cap);

/* What changed under the screens: a built screen whose class listens to it reloads its models. */
enum app_change {
	APP_CHANGED_CATALOGUE = 1 << 0,  /* a catalogue sync finished */
	APP_CHANGED_GUIDE = 1 << 1,      /* a guide import finished */
	APP_CHANGED_FAVOURITES = 1 << 2, /* the viewer added or removed a favourite */
	APP_CHANGED_RESUME = 1 << 3,     /* a resume point or watched mark changed */
};

/* A screen class (LVGL's class records; Movian's pages over models): one constant record per screen
 * file, listed once in app_ui.c's table. Every hook runs on the UI thread. */
struct app_screen_class {
	const char *name;
	/* Builds the screen's widgets (owned by the UI context); its private state, if any, lives in
	 * app->screen_state[] and survives rebuilds (a language switch). NULL on failure. */
	struct ui_widget *(*build)(struct app *app);
	/* Reloads the models from the controllers and services after a change in refresh_on. */
	void (*refresh)(struct app *app);
	unsigned refresh_on; /* enum app_change bits */
	/* Adds what the screen shows (messages, overlays) to a headless `state` report while on top. */
	void (*report)(struct app *app, json_t *obj);
	/* Frees app->screen_state[] of this screen (at shutdown, after the widgets are gone). */
	void (*free_state)(void *state);
};

extern const struct app_screen_class app_screen_login_class, app_screen_home_class, app_screen_live_class,
    app_screen_player_class, app_screen_guide_class, app_screen_movies_class, app_screen_series_class,
    app_screen_search_class, app_screen_favourites_class, app_screen_continue_class, app_screen_account_class,
    app_screen_settings_class;

/* Tells the built screens that something changed (they reload when their class listens to it). */
void app_screens_changed(struct app *app, unsigned changes);
/* Adds the top screen's own report (its class's report hook) to a state JSON. */
void app_screens_report(struct app *app, json_t *obj);
/* Frees every screen_state[] (at shutdown, after the UI context is gone). */
void app_screen_state_free(struct app *app);
/* Home calls it when it shows: the expiry reminder (7, 3, 1 days, on the day; once per threshold)
 * and the next operator message, as a toast or a dialog (app_screen_account.c). */
void app_account_banner(struct app *app);

/* The login flow (the shell, app_ui.c, over ctl_session): logs in on the worker with the session's
 * server and credentials (the login form hands what the viewer typed to ctl_session_set_credentials
 * first); on success the shell shows home (the session syncs the library and the guide in the
 * background), on failure it calls app_login_failed(). */
int app_session_login(struct app *app);
/* Called every tick: the daily catalogue and guide refresh (ctl_session_tick), with its loop timer. */
void app_session_tick(struct app *app);
/* The viewer-facing sentence for the last login result, in the UI language (app_screen_login.c). */
int app_login_message(const struct app *app, char *out, size_t cap);

/* Implemented by the login screen: show why the last login failed (ctl_session_last_login) and let the viewer
 * retry or change the details. */
void app_login_failed(struct app *app);

#endif
