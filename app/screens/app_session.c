/* SPDX-License-Identifier: MIT */
/* The login flow and the background refresh: log in on the worker (never in a loop: the Xtream client
 * backs off after a refusal), then, with the UI already usable from the cached catalogue, sync the
 * library and import the guide in the panel's time zone. */
#include "app.h"
#include "app_ui.h"
#include "app_vod.h"

#include "plat_log.h"
#include "xt_url.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { REFRESH_EVERY_S = 24 * 3600 };

struct login_job {
	struct xt_login result;
	int rc;
};

/* The worker's own connections, opened on first use (one SQLite connection per thread). */
static int bg_open(struct app *app)
{
	int rc = 0;
	if (!app->bg_store)
		rc = store_open(app->db_path, &app->bg_store);
	if (rc == 0 && !app->bg_library)
		rc = library_open(app->bg_store, &app->bg_library);
	return rc;
}

static int make_client(struct app *app)
{
	const char *urls[1 + APP_PROVISION_MAX_PANELS];
	size_t n = 0;
	if (app->server[0])
		urls[n++] = app->server;
	for (int i = 0; i < app->prov.panel_count; i++)
		if (strcmp(app->prov.panels[i], app->server) != 0)
			urls[n++] = app->prov.panels[i];
	struct xt_config cfg = {
		.urls = urls, .url_count = n, .username = app->username, .password = app->password
	};
	xt_client_destroy(&app->xt);
	return xt_client_create(&cfg, &app->xt);
}

static int login_work(struct app *app, void *arg, const _Atomic bool *cancel)
{
	struct login_job *j = arg;
	int rc = make_client(app);
	if (rc < 0) {
		j->result.outcome = XT_LOGIN_NOT_A_PANEL;
		return rc;
	}
	return xt_client_login(app->xt, &j->result);
}

struct sync_job {
	struct library_sync_report report;
	struct epg_import_stats epg;
	int epg_rc;
};

static int map_row(void *ud, const struct library_item *it)
{
	struct epg_map_row **cursor = ud;
	/* the strings live only during the callback: the mapping is applied per batch below */
	(*cursor)->stream_id = (int)it->id;
	(*cursor)->epg_channel_id = it->epg_channel_id ? strdup(it->epg_channel_id) : NULL;
	(*cursor)->name = it->name ? strdup(it->name) : NULL;
	(*cursor)++;
	return 0;
}

/* Maps the library's channels to guide channels (by epg_channel_id, else by name). */
static int map_channels(struct app *app)
{
	size_t n = 0;
	int rc = library_count(app->bg_library, LIBRARY_LIVE, -1, &n);
	if (rc < 0 || n == 0)
		return rc;
	struct epg_map_row *rows = calloc(n, sizeof(*rows)), *cursor = rows;
	if (!rows)
		return -ENOMEM;
	rc = library_items(app->bg_library, LIBRARY_LIVE, -1, 0, n, map_row, &cursor);
	size_t matched = 0;
	if (rc >= 0)
		rc = epg_map_channels(app->bg_store, rows, (size_t)(cursor - rows), &matched);
	for (struct epg_map_row *r = rows; r < cursor; r++) {
		free((char *)r->epg_channel_id);
		free((char *)r->name);
	}
	free(rows);
	plat_log_info("app", "guide: %zu of %zu channels mapped", matched, n);
	return rc;
}

static int sync_work(struct app *app, void *arg, const _Atomic bool *cancel)
{
	struct sync_job *j = arg;
	int rc = bg_open(app);
	if (rc < 0)
		return rc;
	rc = library_sync(app->bg_library, app->xt, LIBRARY_ALL_LISTS, &j->report);
	if (rc < 0)
		plat_log_warn("app", "library sync: %s", xt_strerror(rc));
	if (atomic_load(cancel))
		return -ECANCELED;

	map_channels(app);
	char xmltv[1024];
	struct xt_url_ctx uc = { xt_client_base(app->xt), app->username, app->password };
	if (app->prov.epg_xmltv_url[0])
		snprintf(xmltv, sizeof(xmltv), "%s", app->prov.epg_xmltv_url);
	else if (xt_url_xmltv(&uc, xmltv, sizeof(xmltv)) < 0)
		return rc;
	struct xt_clock clk;
	xt_clock_from_server(&app->login.server, app->login_local_time, &clk);
	struct epg_import_opts o;
	epg_import_opts_init(&o);
	o.zone = clk.zone[0] ? clk.zone : NULL;
	o.zone_offset_s = clk.have_fallback ? clk.fallback_offset_s : 0;
	o.lang = app->settings.lang;
	o.days_forward = app->prov.epg_days_forward;
	o.only_mapped = true;
	j->epg_rc = epg_import(app->bg_store, xmltv, &o, &j->epg);
	if (j->epg_rc < 0)
		plat_log_warn("app", "guide import: %s", strerror(-j->epg_rc));
	return rc;
}

static void sync_done(struct app *app, void *arg, int rc)
{
	struct sync_job *j = arg;
	if (rc != -ECANCELED) {
		plat_log_info("app", "sync: %zu channels, %zu movies, %zu series; guide %lld programmes",
			      j->report.lists[LIBRARY_LIVE].items, j->report.lists[LIBRARY_VOD].items,
			      j->report.lists[LIBRARY_SERIES].items, (long long)j->epg.programmes);
		app_screens_changed(app, APP_CHANGED_CATALOGUE | APP_CHANGED_GUIDE);
	}
	free(j);
}

static void start_sync(struct app *app)
{
	struct sync_job *j = calloc(1, sizeof(*j));
	if (j && app_run_bg(app, sync_work, sync_done, j) < 0)
		free(j);
}

static void account_from_login(struct app *app)
{
	const struct xt_user_info *u = &app->login.user;
	struct account_config cfg = { 0 };
	snprintf(cfg.api_base, sizeof(cfg.api_base), "%s", app->prov.api_base);
	snprintf(cfg.renewal_page, sizeof(cfg.renewal_page), "%s", app->prov.renewal_page);
	snprintf(cfg.username, sizeof(cfg.username), "%s", app->username);
	snprintf(cfg.password, sizeof(cfg.password), "%s", app->password);
	account_destroy(&app->account);
	if (account_create(app->store, &cfg, &app->account) < 0)
		plat_log_warn("app", "account service unavailable");
	struct account_info *i = &app->account_info;
	*i = (struct account_info){ .status = account_status_from_text(u->status_text),
				    .exp_date = u->exp_date,
				    .created_at = u->created_at,
				    .trial = u->is_trial,
				    .active_cons = (int)u->active_cons,
				    .max_connections = (int)u->max_connections };
	snprintf(i->status_text, sizeof(i->status_text), "%s", u->status_text);
	snprintf(i->message, sizeof(i->message), "%s", u->message);
}

static void login_done(struct app *app, void *arg, int rc)
{
	struct login_job *j = arg;
	if (rc == -ECANCELED) {
		free(j);
		return;
	}
	app->login = j->result;
	app->login_local_time = (int64_t)time(NULL);
	free(j);
	if (app->login.outcome != XT_LOGIN_OK) {
		app->logged_in = false;
		app_login_failed(app);
		return;
	}
	app->logged_in = true;
	app_login_remember(app);
	account_from_login(app);
	app_screens_reset(app);
	app_show(app, APP_SCREEN_HOME, false);
	start_sync(app);
	app->next_refresh = app_now(app) + REFRESH_EVERY_S;
}

void app_session_tick(struct app *app)
{
	if (!app->logged_in || !app->next_refresh || app_now(app) < app->next_refresh ||
	    plat_tasks_pending(app->tasks) > 0)
		return;
	app->next_refresh = app_now(app) + REFRESH_EVERY_S;
	start_sync(app);
}

int app_session_login(struct app *app)
{
	struct login_job *j = calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	int rc = app_run_bg(app, login_work, login_done, j);
	if (rc < 0)
		free(j);
	return rc;
}

/* The sentence of one outcome (xt_login_message's English is the msgid, so both languages say the
 * same thing, the XUI refusal included). */
static int outcome_message(const struct app *app, const struct xt_login *l, enum xt_login_outcome o,
			   char *out, size_t cap)
{
	char date[32] = "";
	if (l->user.exp_date > 0)
		app_vod_date_text(l->user.exp_date, date, sizeof(date));
	switch (o) {
	case XT_LOGIN_OK:
		if (date[0])
			return snprintf(out, cap, TR(app, "Signed in. Your subscription runs until %s."),
					date);
		return snprintf(out, cap, "%s", TR(app, "Signed in. Your subscription has no end date."));
	case XT_LOGIN_WRONG_CREDENTIALS:
		if (l->http_status == 404) /* XUI hides every refusal behind the same page */
			return snprintf(out, cap, "%s",
					TR(app,
					   "The service refused this login: wrong username or password, or "
					   "the subscription has expired or been suspended."));
		return snprintf(out, cap, "%s",
				TR(app, "Wrong username or password. Check them and try again."));
	case XT_LOGIN_EXPIRED:
		if (date[0])
			return snprintf(
			    out, cap,
			    TR(app, "Your subscription expired on %s. Renew it with your provider."), date);
		return snprintf(out, cap, "%s",
				TR(app, "Your subscription has expired. Renew it with your provider."));
	case XT_LOGIN_BANNED:
		return snprintf(
		    out, cap, "%s",
		    TR(app, "This account has been banned by the provider. Please contact them."));
	case XT_LOGIN_DISABLED:
		return snprintf(out, cap, "%s",
				TR(app, "This account is disabled. Please contact your provider."));
	case XT_LOGIN_INACTIVE:
		return snprintf(out, cap,
				TR(app, "This account is not active (%s). Please contact your provider."),
				l->user.status_text[0] ? l->user.status_text : TR(app, "unknown state"));
	case XT_LOGIN_NOT_A_PANEL:
		return snprintf(
		    out, cap, "%s",
		    TR(app, "This server does not answer like an IPTV service. Check the server address."));
	case XT_LOGIN_UNREACHABLE:
		return snprintf(
		    out, cap, "%s",
		    TR(app, "The server cannot be reached. Check the address and your internet connection."));
	case XT_LOGIN_TIMED_OUT:
		return snprintf(out, cap, "%s",
				TR(app, "The server did not answer in time. Please try again later."));
	case XT_LOGIN_SERVER_ERROR:
		return snprintf(out, cap,
				TR(app, "The service has a problem (HTTP %d). Please try again later."),
				l->http_status);
	case XT_LOGIN_BACKING_OFF:
		break;
	}
	return snprintf(out, cap, "%s", TR(app, "Please wait before trying again."));
}

int app_login_message(const struct app *app, char *out, size_t cap)
{
	const struct xt_login *l = &app->login;
	if (cap == 0)
		return -ENOSPC;
	if (l->outcome != XT_LOGIN_BACKING_OFF)
		return outcome_message(app, l, l->outcome, out, cap);
	char prev[400];
	outcome_message(app, l, l->previous, prev, sizeof(prev));
	long long secs = (long long)(l->retry_after_ms + 999) / 1000;
	return snprintf(
	    out, cap,
	    TRN(app, "%s You can try again in %lld second.", "%s You can try again in %lld seconds.", secs),
	    prev, secs);
}
