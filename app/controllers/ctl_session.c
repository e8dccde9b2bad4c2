/* SPDX-License-Identifier: MIT */
/* The session (ctl_session.h): login on the worker (never in a loop: the Xtream client backs off
 * after a refusal), then, with the UI already usable from the cached catalogue, the library sync and
 * the guide import in the panel's time zone, each job working on its own copies. */
#include "ctl_session.h"

#include "ctl_settings.h"
#include "epg.h"
#include "plat_log.h"
#include "xt_url.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { MAX_PANELS = CTL_JOBS_MAX_URLS - 1, DAY_S = 24 * 3600 };

struct ctl_session {
	struct ctl_jobs *jobs;  /* borrowed */
	struct store_writer *w; /* borrowed */
	char panels[MAX_PANELS][512];
	size_t panel_count;
	char epg_xmltv_url[1024];
	int epg_days_forward;
	uint32_t refresh_every_s;
	ctl_session_listener_fn listener;
	void *listener_ud;
	char lang[8];

	char server[512];
	char username[128];
	char password[128];
	bool logged_in;
	struct xt_login login; /* the last answer */
	int64_t login_time;
	struct account_info account;
	uint64_t login_job, sync_job; /* task ids in flight, 0 = none */
	int64_t next_refresh;
	struct ctl_sync_problem problem; /* what the last sync kept back */
};

/* ---- copies for the jobs ---- */

void ctl_session_panel_copy(const struct ctl_session *s, struct ctl_panel_copy *p)
{
	*p = (struct ctl_panel_copy){ 0 };
	if (s->server[0])
		snprintf(p->urls[p->url_count++], sizeof(p->urls[0]), "%s", s->server);
	for (size_t i = 0; i < s->panel_count && p->url_count < CTL_JOBS_MAX_URLS; i++)
		if (strcmp(s->panels[i], s->server) != 0)
			snprintf(p->urls[p->url_count++], sizeof(p->urls[0]), "%s", s->panels[i]);
	snprintf(p->username, sizeof(p->username), "%s", s->username);
	snprintf(p->password, sizeof(p->password), "%s", s->password);
}

static void wipe(void *p, size_t n)
{
	volatile unsigned char *b = p;
	while (n--)
		*b++ = 0;
}

/* ---- the login job ---- */

struct login_job {
	struct ctl_session *owner; /* done only (UI thread); run never reads it */
	struct ctl_panel_copy panel;
	struct xt_login result;
	struct xt_client *client;
};

static int login_run(struct ctl_worker *w, void *arg, struct plat_cancel *cancel)
{
	struct login_job *j = arg;
	int rc = ctl_worker_client(w, &j->panel, cancel, &j->client);
	if (rc < 0) {
		j->result.outcome = XT_LOGIN_NOT_A_PANEL;
		return rc;
	}
	return xt_client_login(j->client, &j->result);
}

static void account_from_login(struct ctl_session *s)
{
	const struct xt_user_info *u = &s->login.user;
	struct account_info *i = &s->account;
	*i = (struct account_info){ .status = account_status_from_text(u->status_text),
				    .exp_date = u->exp_date,
				    .created_at = u->created_at,
				    .trial = u->is_trial,
				    .active_cons = (int)u->active_cons,
				    .max_connections = (int)u->max_connections };
	snprintf(i->status_text, sizeof(i->status_text), "%s", u->status_text);
	snprintf(i->message, sizeof(i->message), "%s", u->message);
}

static void tell(struct ctl_session *s, enum ctl_session_event ev)
{
	if (s->listener)
		s->listener(s->listener_ud, ev);
}

static void login_done(void *arg, int rc)
{
	struct login_job *j = arg;
	struct ctl_session *s = j->owner;
	if (rc == -ECANCELED) {
		s->login_job = 0;
		wipe(j, sizeof(*j));
		free(j);
		return;
	}
	s->login_job = 0;
	s->login = j->result;
	s->login_time = (int64_t)time(NULL);
	wipe(j, sizeof(*j));
	free(j);
	if (s->login.outcome != XT_LOGIN_OK) {
		s->logged_in = false;
		tell(s, CTL_SESSION_LOGIN_FAILED);
		return;
	}
	s->logged_in = true;
	if (s->w && ctl_settings_login_remember(s->w, s->server, s->username, s->password) < 0)
		plat_log_warn("session", "the login could not be queued for the next start");
	account_from_login(s);
	s->next_refresh = -1; /* a period from the next tick, in the UI's clock (pinned in tests) */
	ctl_session_sync(s);
	tell(s, CTL_SESSION_LOGIN_OK);
}

int ctl_session_login(struct ctl_session *s)
{
	if (!ctl_session_can_login(s))
		return -EINVAL;
	if (s->login_job)
		return -EBUSY;
	struct login_job *j = calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	j->owner = s;
	ctl_session_panel_copy(s, &j->panel);
	int rc = ctl_jobs_submit(s->jobs, login_run, login_done, j, &s->login_job);
	if (rc < 0) {
		wipe(j, sizeof(*j));
		free(j);
	}
	return rc;
}

/* ---- the sync job ---- */

struct sync_job {
	struct ctl_session *owner; /* done only (UI thread) */
	struct ctl_panel_copy panel;
	char base[256]; /* the panel that answered the login */
	char xmltv[1024];
	struct xt_clock clock;
	char lang[8];
	int days_forward;
	struct library_sync_report report;
	struct epg_import_stats epg;
	int epg_rc;
};

static int map_row(void *ud, const struct library_item *it)
{
	struct epg_map_row **cursor = ud;
	/* the strings live only during the callback */
	(*cursor)->stream_id = (int)it->id;
	(*cursor)->epg_channel_id = it->epg_channel_id ? strdup(it->epg_channel_id) : NULL;
	(*cursor)->name = it->name ? strdup(it->name) : NULL;
	(*cursor)++;
	return 0;
}

/* Maps the library's channels to guide channels (by epg_channel_id, else by name). */
static int map_channels(struct store *st, struct library *lib)
{
	size_t n = 0;
	int rc = library_count(lib, LIBRARY_LIVE, -1, &n);
	if (rc < 0 || n == 0)
		return rc;
	struct epg_map_row *rows = calloc(n, sizeof(*rows)), *cursor = rows;
	if (!rows)
		return -ENOMEM;
	rc = library_items(lib, LIBRARY_LIVE, -1, 0, n, map_row, &cursor);
	size_t matched = 0;
	if (rc >= 0)
		rc = epg_map_channels(st, rows, (size_t)(cursor - rows), &matched);
	for (struct epg_map_row *r = rows; r < cursor; r++) {
		free((char *)r->epg_channel_id);
		free((char *)r->name);
	}
	free(rows);
	plat_log_info("session", "guide: %zu of %zu channels mapped", matched, n);
	return rc;
}

static int sync_run(struct ctl_worker *w, void *arg, struct plat_cancel *cancel)
{
	struct sync_job *j = arg;
	struct store *st = NULL;
	struct library *lib = NULL;
	struct xt_client *xt = NULL;
	int rc = ctl_worker_library(w, &st, &lib);
	if (rc == 0)
		rc = ctl_worker_client(w, &j->panel, cancel, &xt);
	if (rc < 0)
		return rc;
	struct library_sync_opts so = { .cancel = cancel };
	rc = library_sync_ex(lib, xt, LIBRARY_ALL_LISTS, &so, &j->report);
	for (int k = 0; k < (int)(sizeof(j->report.lists) / sizeof(j->report.lists[0])); k++)
		if (j->report.lists[k].outcome == LIBRARY_LIST_KEPT)
			plat_log_warn("session", "library sync kept a list back: %s",
				      j->report.lists[k].reason);
	if (plat_cancel_fired(cancel))
		return -ECANCELED;
	map_channels(st, lib);
	if (!j->xmltv[0]) {
		struct xt_url_ctx uc = { j->base[0] ? j->base : xt_client_base(xt), j->panel.username,
					 j->panel.password };
		if (xt_url_xmltv(&uc, j->xmltv, sizeof(j->xmltv)) < 0)
			return rc;
	}
	struct epg_import_opts o;
	epg_import_opts_init(&o);
	o.zone = j->clock.zone[0] ? j->clock.zone : NULL;
	o.zone_offset_s = j->clock.have_fallback ? j->clock.fallback_offset_s : 0;
	o.lang = j->lang;
	if (j->days_forward > 0)
		o.days_forward = j->days_forward;
	o.only_mapped = true;
	o.cancel = cancel; /* a fired token wakes the guide download at once */
	j->epg_rc = epg_import(st, j->xmltv, &o, &j->epg);
	if (j->epg_rc < 0)
		plat_log_warn("session", "guide import: %s", epg_strerror(j->epg_rc));
	return plat_cancel_fired(cancel) ? -ECANCELED : rc;
}

static void sync_done(void *arg, int rc)
{
	struct sync_job *j = arg;
	struct ctl_session *s = j->owner;
	s->sync_job = 0;
	bool report = rc != -ECANCELED;
	if (report) {
		/* the first list kept back, and the guide: the screens say so in one sentence */
		s->problem = (struct ctl_sync_problem){ 0 };
		for (int k = 0; k < (int)(sizeof(j->report.lists) / sizeof(j->report.lists[0])) &&
				!s->problem.lists_kept;
		     k++)
			if (j->report.lists[k].outcome == LIBRARY_LIST_KEPT) {
				s->problem.lists_kept = true;
				snprintf(s->problem.detail, sizeof(s->problem.detail), "%s",
					 j->report.lists[k].reason);
			}
		s->problem.guide_kept = j->epg_rc < 0 && j->epg_rc != -ECANCELED;
		if (s->problem.guide_kept && !s->problem.lists_kept)
			snprintf(s->problem.detail, sizeof(s->problem.detail), "%s", epg_strerror(j->epg_rc));
	}
	if (report)
		plat_log_info("session", "sync: %zu channels, %zu movies, %zu series; guide %lld programmes",
			      j->report.lists[LIBRARY_LIVE].items, j->report.lists[LIBRARY_VOD].items,
			      j->report.lists[LIBRARY_SERIES].items, (long long)j->epg.programmes);
	wipe(j, sizeof(*j));
	free(j);
	if (report)
		tell(s, CTL_SESSION_SYNCED);
}

int ctl_session_sync(struct ctl_session *s)
{
	if (!s->logged_in)
		return -ENOTCONN;
	if (s->sync_job)
		return -EALREADY;
	struct sync_job *j = calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	j->owner = s;
	ctl_session_panel_copy(s, &j->panel);
	snprintf(j->base, sizeof(j->base), "%s", s->login.base);
	snprintf(j->xmltv, sizeof(j->xmltv), "%s", s->epg_xmltv_url);
	ctl_session_clock(s, &j->clock);
	snprintf(j->lang, sizeof(j->lang), "%s", s->lang);
	j->days_forward = s->epg_days_forward;
	int rc = ctl_jobs_submit(s->jobs, sync_run, sync_done, j, &s->sync_job);
	if (rc < 0) {
		wipe(j, sizeof(*j));
		free(j);
	}
	return rc;
}

const struct ctl_sync_problem *ctl_session_sync_problem(const struct ctl_session *s)
{
	return &s->problem;
}

bool ctl_session_sync_running(const struct ctl_session *s)
{
	return s->sync_job != 0;
}

int64_t ctl_session_tick(struct ctl_session *s, int64_t now)
{
	if (!s->logged_in || !s->next_refresh)
		return 0;
	if (s->next_refresh < 0)
		s->next_refresh = now + s->refresh_every_s;
	if (now >= s->next_refresh && !s->sync_job && !s->login_job) {
		s->next_refresh = now + s->refresh_every_s;
		ctl_session_sync(s);
	}
	return s->next_refresh;
}

int64_t ctl_session_next_refresh(const struct ctl_session *s)
{
	return s->logged_in && s->next_refresh > 0 ? s->next_refresh : 0;
}

void ctl_session_cancel(struct ctl_session *s)
{
	if (!s)
		return;
	if (s->login_job)
		ctl_jobs_cancel(s->jobs, s->login_job);
	if (s->sync_job)
		ctl_jobs_cancel(s->jobs, s->sync_job);
}

/* ---- state ---- */

int ctl_session_create(const struct ctl_session_config *cfg, struct ctl_jobs *jobs, struct store_writer *w,
		       struct ctl_session **out)
{
	if (!jobs || !out)
		return -EINVAL;
	struct ctl_session *s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->jobs = jobs;
	s->w = w;
	s->login.outcome = XT_LOGIN_NOT_A_PANEL;
	snprintf(s->lang, sizeof(s->lang), "en");
	s->refresh_every_s = DAY_S;
	if (cfg) {
		for (size_t i = 0; i < cfg->panel_count && s->panel_count < MAX_PANELS; i++)
			if (cfg->panels[i] && cfg->panels[i][0])
				snprintf(s->panels[s->panel_count++], sizeof(s->panels[0]), "%s",
					 cfg->panels[i]);
		if (cfg->epg_xmltv_url)
			snprintf(s->epg_xmltv_url, sizeof(s->epg_xmltv_url), "%s", cfg->epg_xmltv_url);
		s->epg_days_forward = cfg->epg_days_forward;
		if (cfg->refresh_every_s)
			s->refresh_every_s = cfg->refresh_every_s;
	}
	*out = s;
	return 0;
}

void ctl_session_free(struct ctl_session **sp)
{
	struct ctl_session *s = sp ? *sp : NULL;
	if (!s)
		return;
	wipe(s->password, sizeof(s->password));
	free(s);
	*sp = NULL;
}

void ctl_session_set_listener(struct ctl_session *s, ctl_session_listener_fn fn, void *ud)
{
	s->listener = fn;
	s->listener_ud = ud;
}

void ctl_session_set_lang(struct ctl_session *s, const char *lang)
{
	if (s && lang)
		snprintf(s->lang, sizeof(s->lang), "%s", lang);
}

void ctl_session_set_credentials(struct ctl_session *s, const char *server, const char *username,
				 const char *password)
{
	if (server)
		snprintf(s->server, sizeof(s->server), "%s", server);
	if (username)
		snprintf(s->username, sizeof(s->username), "%s", username);
	if (password)
		snprintf(s->password, sizeof(s->password), "%s", password);
}

const char *ctl_session_server(const struct ctl_session *s)
{
	return s->server;
}

const char *ctl_session_username(const struct ctl_session *s)
{
	return s->username;
}

const char *ctl_session_password(const struct ctl_session *s)
{
	return s->password;
}

bool ctl_session_can_login(const struct ctl_session *s)
{
	return s && (s->server[0] || s->panel_count > 0) && s->username[0] && s->password[0];
}

bool ctl_session_logged_in(const struct ctl_session *s)
{
	return s && s->logged_in;
}

bool ctl_session_login_pending(const struct ctl_session *s)
{
	return s && s->login_job != 0;
}

const struct xt_login *ctl_session_last_login(const struct ctl_session *s)
{
	return &s->login;
}

int64_t ctl_session_login_time(const struct ctl_session *s)
{
	return s->login_time;
}

void ctl_session_clock(const struct ctl_session *s, struct xt_clock *out)
{
	xt_clock_from_server(&s->login.server, s->login_time, out);
}

const struct account_info *ctl_session_account(const struct ctl_session *s)
{
	return &s->account;
}

void ctl_session_account_update(struct ctl_session *s, const struct account_info *info)
{
	s->account = *info;
	s->login.user.exp_date = info->exp_date;
	s->login.user.active_cons = info->active_cons;
	s->login.user.max_connections = info->max_connections;
}

void ctl_session_user_update(struct ctl_session *s, const struct xt_user_info *u)
{
	s->login.user = *u;
	s->account.active_cons = (int)u->active_cons;
	s->account.max_connections = (int)u->max_connections;
}

int ctl_session_days_left(const struct ctl_session *s, int64_t now)
{
	return account_days_left(&s->account, now);
}

int ctl_session_max_connections(const struct ctl_session *s)
{
	return s ? (int)s->login.user.max_connections : 0;
}
