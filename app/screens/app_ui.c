/* SPDX-License-Identifier: MIT */
/* `qanat` without a sub-command: the 10-foot UI. Finds its files (database, cache, assets,
 * operator.json), opens the display (window, KMSDRM or headless), starts the services and the
 * player, and runs the UI loop, or a headless script (--headless --script FILE --snap DIR). */
#include "app.h"
#include "app_box.h"
#include "app_paths.h"
#include "app_loop.h"
#include "app_pin.h"
#include "app_ui.h"
#include "app_vod.h"

#include "plat_clock.h"
#include "plat_display_sdl.h"
#include "plat_log.h"
#include "qanat_config.h"
#include "ui_script.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct ui_opts {
	const char *server, *user, *pass, *script, *snap, *clock, *db, *operator_path, *lang, *display,
	    *input;
	bool headless;
	int width, height;
};

int64_t app_now(const struct app *app)
{
	return app->ui ? ui_ctx_wall_ms(app->ui) / 1000 : (int64_t)time(NULL);
}

/* ---- background work ---- */

struct bg_job {
	struct app *app; /* for done only (UI thread): bg_run never reads it */
	app_bg_work_fn work;
	app_bg_done_fn done;
	void *arg;
};

/* The worker side sees the job's own copies only (app.h: app_run_bg). */
static int bg_run(struct ctl_worker *w, void *p, struct plat_cancel *cancel)
{
	struct bg_job *j = p;
	return j->work(w, j->arg, cancel);
}

static void bg_done(void *p, int rc)
{
	struct bg_job *j = p;
	if (j->done)
		j->done(j->app, j->arg, rc);
	free(j);
}

int app_run_bg(struct app *app, app_bg_work_fn work, app_bg_done_fn done, void *arg, uint64_t *id)
{
	if (id)
		*id = 0;
	struct bg_job *j = calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	*j = (struct bg_job){ .app = app, .work = work, .done = done, .arg = arg };
	int rc = ctl_jobs_submit(app->jobs, bg_run, bg_done, j, id);
	if (rc < 0)
		free(j);
	return rc;
}

void app_bg_cancel(struct app *app, uint64_t *id)
{
	if (!id || !*id)
		return;
	ctl_jobs_cancel(app->jobs, *id);
	*id = 0;
}

/* ---- writes the store writer dropped ---- */

/* The writer thread reports a dropped write here; the UI thread shows it (app_session_tick runs after
 * every wake-up). The lock guards pending and sentence. */
struct app_write_notice {
	pthread_mutex_t lock;
	bool pending;
	bool setting;    /* the dropped write was a setting */
	struct app *app; /* only for app_loop_wake(), which any thread may call */
};

static void writer_error(void *opaque, const char *key, int err, const char *reason)
{
	struct app_write_notice *n = opaque;
	plat_log_warn("app", "a write was dropped (%s): %s (%d)", key ? key : "-", reason ? reason : "", err);
	pthread_mutex_lock(&n->lock);
	n->pending = true;
	n->setting = key && strncmp(key, "setting:", 8) == 0;
	pthread_mutex_unlock(&n->lock);
	app_loop_wake(n->app);
}

static void writer_notice_show(struct app *app)
{
	struct app_write_notice *n = app->write_notice;
	if (!n || !app->ui)
		return;
	pthread_mutex_lock(&n->lock);
	bool show = n->pending, setting = n->setting;
	n->pending = false;
	pthread_mutex_unlock(&n->lock);
	if (show)
		ui_toast_show(app->ui,
			      setting
				  ? TR(app, "The setting could not be saved.")
				  : TR(app, "A change could not be saved: it will be gone after a restart."),
			      4000);
}

/* ---- the UI language ---- */

int app_set_language(struct app *app, const char *lang)
{
	int rc = i18n_set_lang(app->i18n, lang);
	if (rc < 0)
		return rc;
	snprintf(app->settings.lang, sizeof(app->settings.lang), "%s", i18n_lang(app->i18n));
	app->rtl = i18n_rtl(app->i18n);
	ctl_session_set_lang(app->session, app->settings.lang);
	return 0;
}

/* ---- settings and the session ---- */

int app_settings_save(struct app *app)
{
	int rc = ctl_settings_save(app->writer, &app->settings);
	if (app->qoe)
		qoe_set_reporting(app->qoe, app->settings.qoe);
	return rc;
}

static void account_open(struct app *app)
{
	struct account_config cfg = { 0 };
	snprintf(cfg.api_base, sizeof(cfg.api_base), "%s", app->prov.api_base);
	snprintf(cfg.renewal_page, sizeof(cfg.renewal_page), "%s", app->prov.renewal_page);
	snprintf(cfg.username, sizeof(cfg.username), "%s", ctl_session_username(app->session));
	snprintf(cfg.password, sizeof(cfg.password), "%s", ctl_session_password(app->session));
	account_destroy(&app->account);
	if (account_create(app->store, &cfg, &app->account) < 0)
		plat_log_warn("app", "account service unavailable");
}

/* The session's results (UI thread, from drain): the shell decides what the viewer sees. */
static void on_session(void *ud, enum ctl_session_event ev)
{
	struct app *app = ud;
	switch (ev) {
	case CTL_SESSION_LOGIN_OK:
		app_box_login(app);
		account_open(app);
		app_screens_reset(app);
		app_show(app, APP_SCREEN_HOME, false);
		app_session_tick(app); /* plans the daily refresh */
		break;
	case CTL_SESSION_LOGIN_FAILED:
		app_box_login(app);
		app_login_failed(app);
		break;
	case CTL_SESSION_SYNCED: {
		app_screens_changed(app, APP_CHANGED_CATALOGUE | APP_CHANGED_GUIDE);
		const struct ctl_sync_problem *p = ctl_session_sync_problem(app->session);
		if (p->lists_kept || p->guide_kept)
			ui_toast_show(
			    app->ui,
			    p->lists_kept
				? TR(app, "Some lists could not be updated; the previous ones are kept.")
				: TR(app, "The guide could not be updated; the previous one is kept."),
			    5000);
		break;
	}
	}
}

int app_session_login(struct app *app)
{
	return ctl_session_login(app->session);
}

void app_session_tick(struct app *app)
{
	writer_notice_show(app);
	if (!app->session)
		return;
	int64_t now = app_now(app);
	int64_t next = ctl_session_tick(app->session, now);
	if (next > now)
		app_loop_timer_at(app, plat_clock_mono_ms() + (next - now) * 1000);
}

/* ---- screens ---- */

/* The screen table: one class per screen (app.h), by route. */
static const struct app_screen_class *const classes[APP_SCREEN_COUNT] = {
	[APP_SCREEN_LOGIN] = &app_screen_login_class,
	[APP_SCREEN_HOME] = &app_screen_home_class,
	[APP_SCREEN_LIVE] = &app_screen_live_class,
	[APP_SCREEN_PLAYER] = &app_screen_player_class,
	[APP_SCREEN_GUIDE] = &app_screen_guide_class,
	[APP_SCREEN_MOVIES] = &app_screen_movies_class,
	[APP_SCREEN_SERIES] = &app_screen_series_class,
	[APP_SCREEN_SEARCH] = &app_screen_search_class,
	[APP_SCREEN_FAVOURITES] = &app_screen_favourites_class,
	[APP_SCREEN_CONTINUE] = &app_screen_continue_class,
	[APP_SCREEN_ACCOUNT] = &app_screen_account_class,
	[APP_SCREEN_SETTINGS] = &app_screen_settings_class,
};

/* ---- start-up ---- */

static void find_assets(struct app *app)
{
	const char *env = getenv("QANAT_ASSETS_DIR");
	char exe[512] = "", candidate[600];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
	}
	snprintf(candidate, sizeof(candidate), "%s/../share/qanat", exe);
	struct stat st;
	if (env && env[0])
		snprintf(app->assets_dir, sizeof(app->assets_dir), "%s", env);
	else if (exe[0] && stat(candidate, &st) == 0 && S_ISDIR(st.st_mode))
		snprintf(app->assets_dir, sizeof(app->assets_dir), "%s", candidate);
	else
		snprintf(app->assets_dir, sizeof(app->assets_dir), "%s", QANAT_ASSETS_DIR);
	/* the catalogues: installed beside the assets, or the build tree's */
	const char *loc = getenv("QANAT_LOCALE_DIR");
	snprintf(candidate, sizeof(candidate), "%s/locale", app->assets_dir);
	if (loc && loc[0])
		snprintf(app->locale_dir, sizeof(app->locale_dir), "%s", loc);
	else if (stat(candidate, &st) == 0 && S_ISDIR(st.st_mode))
		snprintf(app->locale_dir, sizeof(app->locale_dir), "%s", candidate);
	else
		snprintf(app->locale_dir, sizeof(app->locale_dir), "%s", QANAT_LOCALE_DIR);
}

static int parse_opts(int argc, char **argv, struct ui_opts *o)
{
	*o = (struct ui_opts){ .width = 1280, .height = 720 };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		const char **slot = NULL;
		if (strcmp(a, "--headless") == 0) {
			o->headless = true;
			continue;
		}
		static const char *const names[] = { "--server", "--user",    "--pass", "--script",
						     "--snap",   "--clock",   "--db",   "--operator",
						     "--lang",   "--display", "--input" };
		const char **slots[] = { &o->server, &o->user,    &o->pass, &o->script,
					 &o->snap,   &o->clock,   &o->db,   &o->operator_path,
					 &o->lang,   &o->display, &o->input };
		for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
			if (strcmp(a, names[k]) == 0)
				slot = slots[k];
		if (slot && v) {
			*slot = v;
			i++;
		} else if (strcmp(a, "--size") == 0 && v) {
			char *x = NULL;
			o->width = (int)strtol(v, &x, 10);
			o->height = x && *x == 'x' ? (int)strtol(x + 1, NULL, 10) : 0;
			i++;
		} else {
			fprintf(stderr, "qanat: unknown or incomplete option '%s' (see qanat --help)\n", a);
			return -EINVAL;
		}
	}
	if (o->script && !o->headless) {
		fprintf(stderr, "qanat: --script needs --headless\n");
		return -EINVAL;
	}
	if (o->width < 320 || o->height < 180 || o->width > 7680 || o->height > 4320) {
		fprintf(stderr, "qanat: --size must be WxH between 320x180 and 7680x4320\n");
		return -EINVAL;
	}
	return 0;
}

static void apply_brand(struct app *app, struct ui_theme *t)
{
	ui_theme_default(t);
	if (!app->prov.has_brand_colours)
		return;
	const struct app_provision_colour *p = &app->prov.primary, *a = &app->prov.accent;
	t->accent = (struct ui_color){ p->r, p->g, p->b, p->a };
	t->focus = (struct ui_color){ a->r, a->g, a->b, a->a };
}

static int open_services(struct app *app)
{
	int rc = store_open(app->db_path, &app->store);
	if (rc >= 0)
		rc = ctl_settings_migrate(app->store);
	if (rc >= 0)
		rc = library_open(app->store, &app->library);
	if (rc >= 0)
		rc = ctl_parental_create(app->library, app->prov.features.parental_lock, &app->parental);
	if (rc >= 0)
		rc = ctl_lineup_create(app->library, app->parental, &app->lineup);
	if (rc >= 0)
		rc = epg_schema_ensure(app->store);
	if (rc >= 0)
		rc = app_vod_migrate(app->store);
	if (rc < 0) {
		fprintf(stderr, "qanat: cannot open the database %s: %s\n", app->db_path, strerror(-rc));
		return rc;
	}
	ctl_settings_load(app->store, app->prov.default_language, app->prov.live_format, &app->settings);
	/* the viewer's writes: after every migration (the writer may replay a journal into them) */
	app->write_notice = calloc(1, sizeof(*app->write_notice));
	if (!app->write_notice)
		return -ENOMEM;
	pthread_mutex_init(&app->write_notice->lock, NULL);
	app->write_notice->app = app;
	struct store_writer_opts wo = { .on_error = writer_error, .opaque = app->write_notice };
	rc = store_writer_create(app->db_path, &wo, &app->writer);
	if (rc >= 0)
		rc = ctl_viewer_create(app->library, app->writer, &app->viewer);
	if (rc < 0) {
		fprintf(stderr, "qanat: cannot start the viewer's writes on %s: %s\n", app->db_path,
			strerror(-rc));
		return rc;
	}
	rc = i18n_create(app->locale_dir, &app->i18n);
	if (rc < 0)
		return rc;

	rc = app_playback_open(app);
	if (rc < 0) {
		fprintf(stderr, "qanat: cannot start the player: %s\n", strerror(-rc));
		return rc;
	}
	rc = plat_tasks_create(1, app_loop_wake, app, &app->tasks);
	if (rc >= 0)
		rc = ctl_jobs_create(app->tasks, app->db_path, &app->jobs);
	if (rc >= 0) {
		const char *panels[APP_PROVISION_MAX_PANELS];
		for (int i = 0; i < app->prov.panel_count; i++)
			panels[i] = app->prov.panels[i];
		struct ctl_session_config sc = { .panels = panels,
						 .panel_count = (size_t)app->prov.panel_count,
						 .epg_xmltv_url = app->prov.epg_xmltv_url,
						 .epg_days_forward = app->prov.epg_days_forward };
		rc = ctl_session_create(&sc, app->jobs, app->writer, &app->session);
	}
	if (rc < 0)
		return rc;
	ctl_session_set_listener(app->session, on_session, app);
	app_set_language(app, app->settings.lang);
	return 0;
}

static void start_qoe(struct app *app, const char *operator_text)
{
	struct qoe_config qc;
	qoe_config_defaults(&qc);
	char err[200] = "";
	if (operator_text && qoe_config_from_json(operator_text, &qc, err, sizeof(err)) < 0)
		plat_log_warn("app", "%s: QoE reporting stays off", err);
	snprintf(qc.app_version, sizeof(qc.app_version), "%s", QANAT_VERSION);
	char qoe_db[600];
	snprintf(qoe_db, sizeof(qoe_db), "%s", app->db_path);
	if (qoe_create(&qc, qoe_db, &app->qoe) == 0)
		qoe_set_reporting(app->qoe, app->settings.qoe);
}

static char *read_text(const char *path)
{
	FILE *f = path ? fopen(path, "rb") : NULL;
	if (!f)
		return NULL;
	char *buf = malloc(256 * 1024 + 1);
	size_t n = buf ? fread(buf, 1, 256 * 1024, f) : 0;
	fclose(f);
	if (buf)
		buf[n] = '\0';
	return buf;
}

static void shutdown_app(struct app *app)
{
	plat_evdev_runner_stop(&app->remote_thread);
	plat_evdev_set_destroy(&app->remotes);
	/* quit never waits on the network: fire every job's token (a transfer blocked in curl returns
	 * at once), then join the worker; the done callbacks run with -ECANCELED */
	ctl_session_cancel(app->session);
	ctl_jobs_cancel_all(app->jobs);
	plat_tasks_destroy(&app->tasks);
	ctl_session_free(&app->session);
	ctl_jobs_free(&app->jobs); /* the worker's client, library and connection */
	app_playback_close(app);
	qoe_destroy(&app->qoe);
	account_destroy(&app->account);
	ui_ctx_destroy(&app->ui);
	i18n_free(&app->i18n);
	app_screen_state_free(app); /* the screens' own state, once their widgets are gone */
	app_pin_free(&app->pin);
	app_loop_free(app);
	plat_display_close(&app->display);
	ctl_viewer_free(&app->viewer);
	/* last of the writers' users: what is still queued after 300 ms goes to the journal */
	store_writer_destroy(&app->writer);
	if (app->write_notice) {
		pthread_mutex_destroy(&app->write_notice->lock);
		free(app->write_notice);
		app->write_notice = NULL;
	}
	ctl_lineup_free(&app->lineup);
	ctl_parental_free(&app->parental);
	library_close(&app->library);
	store_close(&app->store);
	plat_keymap_free(&app->keymap);
	free(app->login_ui);
	app->login_ui = NULL;
}

/* Who to log in as, handed to the session (the login form starts from it): the command line, else the
 * stored login, else the provisioning file's panels with the login form, else the login form alone.
 * True when everything for a login at once is known. */
static bool who_logs_in(struct app *app, const struct ui_opts *o)
{
	char server[512] = "", user[128] = "", pass[128] = "";
	if (o->server && o->user && o->pass) {
		snprintf(server, sizeof(server), "%s", o->server);
		snprintf(user, sizeof(user), "%s", o->user);
		snprintf(pass, sizeof(pass), "%s", o->pass);
	} else if (ctl_settings_login_recall(app->store, server, sizeof(server), user, sizeof(user), pass,
					     sizeof(pass)) < 0 &&
		   app->prov.panel_count > 0) {
		snprintf(server, sizeof(server), "%s", app->prov.panels[0]);
	}
	ctl_session_set_credentials(app->session, server, user, pass);
	bool all = server[0] && user[0] && pass[0];
	for (volatile char *c = pass; c < pass + sizeof(pass); c++)
		*c = '\0';
	return all;
}

int app_ui_main(int argc, char **argv)
{
	struct ui_opts o;
	if (parse_opts(argc, argv, &o) < 0)
		return 2;
	struct app *app = calloc(1, sizeof(*app)); /* large: not on the stack */
	if (!app)
		return 1;
	if (o.clock && plat_clock_parse_utc(o.clock, &app->pinned_clock_ms) < 0) {
		fprintf(stderr, "qanat: --clock wants epoch seconds or YYYY-MM-DDTHH:MM:SSZ\n");
		free(app);
		return 2;
	}
	find_assets(app); /* main() initialised the HTTP layer and applied operator.json's ca_file */

	const char *operator_path = o.operator_path ? o.operator_path : getenv("QANAT_OPERATOR");
	if (!operator_path)
		operator_path = "/etc/qanat/operator.json";
	char err[256] = "";
	if (app_provision_load(operator_path, &app->prov, err, sizeof(err)) < 0)
		fprintf(stderr, "qanat: %s; continuing with a manual login\n", err);

	int prc = o.db ? (snprintf(app->db_path, sizeof(app->db_path), "%s", o.db), 0)
		       : app_paths_db(app->db_path, sizeof(app->db_path));
	if (prc == 0)
		prc = app_paths_cache(app->cache_dir, sizeof(app->cache_dir));
	if (prc < 0) {
		fprintf(stderr, "qanat: no place for the database or the cache (%s); give --db FILE\n",
			strerror(-prc));
		free(app);
		return 1;
	}
	if (open_services(app) < 0) {
		shutdown_app(app);
		free(app);
		return 1;
	}
	if (o.lang) {
		app_set_language(app, o.lang);
	}
	char *operator_text = read_text(operator_path);
	start_qoe(app, operator_text);
	free(operator_text);

	const char *disp_name = o.headless ? "headless" : o.display ? o.display : getenv("QANAT_DISPLAY");
	if (!disp_name || !disp_name[0])
		disp_name = app->prov.display[0] ? app->prov.display : "sdl";
	const struct plat_display_driver *drv = plat_display_driver_find(disp_name);
	if (!drv || plat_display_open(drv, o.width, o.height, "Qanat", &app->display) < 0) {
		fprintf(stderr, "qanat: cannot open the display '%s' (try --headless)\n", disp_name);
		shutdown_app(app);
		free(app);
		return 1;
	}
	app->wake_event = SDL_RegisterEvents(1);
	struct ui_theme theme;
	apply_brand(app, &theme);
	char image_dir[600];
	snprintf(image_dir, sizeof(image_dir), "%s/images", app->cache_dir);
	mkdir(image_dir, 0700);
	struct ui_ctx_config uc = { .display = app->display,
				    .theme = &theme,
				    .rtl = app->rtl,
				    .virtual_time = o.headless,
				    .wall_ms = app->pinned_clock_ms,
				    .image_disk_dir = image_dir };
	if (ui_ctx_create(&uc, &app->ui) < 0) {
		fprintf(stderr, "qanat: cannot start the UI (fonts?)\n");
		shutdown_app(app);
		free(app);
		return 1;
	}
	char keymap_path[700];
	if (plat_keymap_path(app->prov.keymap[0] ? app->prov.keymap : NULL, app->assets_dir, keymap_path,
			     sizeof(keymap_path)) >= 0 &&
	    plat_keymap_load(keymap_path, &app->keymap, err, sizeof(err)) < 0)
		fprintf(stderr, "qanat: %s; using the built-in keys\n", err);
	if (app->keymap)
		ui_ctx_set_keymap(app->ui, app_loop_map_key, app->keymap);
	app->input_event = SDL_RegisterEvents(1);
	const char *input = o.input ? o.input : getenv("QANAT_INPUT_DIR");
	bool box = drv == &plat_display_kmsdrm;
	app_loop_start_remotes(app, input ? input : box ? "/dev/input" : NULL, box && !input);

	bool login_now = who_logs_in(app, &o);
	app->classes = classes;
	int rc = app_show(app, APP_SCREEN_LOGIN, false);
	if (rc == 0 && login_now)
		rc = app_session_login(app);

	if (rc == 0 && o.headless) {
		if (o.snap)
			mkdir(o.snap, 0755);
		rc = app_loop_script(app, o.script, o.snap, err, sizeof(err));
	} else if (rc == 0) {
		rc = app_loop_run(app);
	}
	shutdown_app(app);
	free(app);
	return rc < 0 ? 1 : 0;
}
