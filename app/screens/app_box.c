/* SPDX-License-Identifier: MIT */
/* The box's own moments, for the viewer and for the operator's QoE (QOE.md "box events"):
 * - the app start (e=ce, cen=app_start, org.qanat-ms: from the process start to the first screen);
 * - each login's outcome (e=ce, cen=login, org.qanat-outcome, and CMCD's ec with biz.xtream.* for a
 *   refusal), so the operator counts failed logins and expired lines;
 * - each guide import (e=ce, cen=epg_import: programmes, ms, kept);
 * - standby: the remote's power key (or the window minimised on a desktop) stops what plays, blanks
 *   the screen and sends e=b with bg (flushing the queue for at most a second); any key comes back
 *   (e=b without bg) and the live channel that was playing plays again.
 * UI thread only. */
#include "app.h"
#include "app_box.h"
#include "app_gate.h"

#include "plat_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct app_box {
	bool started_sent;
	bool standby;
	struct ui_widget *screen; /* the black standby screen */
	int64_t resume_live;      /* the live channel playing when standby began (0 = none) */
};

static struct app_box *box_of(struct app *app)
{
	if (!app->box)
		app->box = calloc(1, sizeof(*app->box));
	return app->box;
}

void app_box_free(struct app *app)
{
	free(app->box);
	app->box = NULL;
}

/* Milliseconds since this process started (/proc/self/stat's starttime against CLOCK_BOOTTIME),
 * -1 when unknown. */
static int64_t since_process_start_ms(void)
{
	FILE *f = fopen("/proc/self/stat", "r");
	if (!f)
		return -1;
	char buf[1024];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	const char *p = strrchr(buf, ')'); /* the command name may hold spaces */
	if (!p)
		return -1;
	/* after ")": the state is field 3 and starttime field 22, so 19 fields on */
	const char *q = p + 1;
	for (int field = 3; field < 22 && q; field++) {
		q = strchr(q + 1, ' ');
	}
	if (!q)
		return -1;
	char *end = NULL;
	unsigned long long start = strtoull(q + 1, &end, 10);
	if (end == q + 1)
		return -1;
	long hz = sysconf(_SC_CLK_TCK);
	struct timespec ts;
	if (hz <= 0 || clock_gettime(CLOCK_BOOTTIME, &ts) != 0)
		return -1;
	int64_t now_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	int64_t ms = now_ms - (int64_t)(start * 1000ULL / (unsigned long long)hz);
	return ms >= 0 ? ms : -1;
}

void app_box_started(struct app *app)
{
	struct app_box *b = box_of(app);
	if (!b || b->started_sent || !app->qoe)
		return;
	b->started_sent = true;
	char ms[24];
	snprintf(ms, sizeof(ms), "%lld", (long long)since_process_start_ms());
	const char *keys[] = { "ms" };
	const char *vals[] = { ms };
	qoe_box_event(app->qoe, "app_start", keys, vals, 1);
}

/* A login's outcome as QOE.md's words: the outcome key and, for a refusal, CMCD's ec. */
static const char *login_ec(enum xt_login_outcome o, const char **outcome)
{
	switch (o) {
	case XT_LOGIN_OK:
		*outcome = "ok";
		return NULL;
	case XT_LOGIN_WRONG_CREDENTIALS:
		*outcome = "auth";
		return "biz.xtream.auth";
	case XT_LOGIN_EXPIRED:
		*outcome = "expired";
		return "biz.xtream.expired";
	case XT_LOGIN_BANNED:
		*outcome = "banned";
		return "biz.xtream.banned";
	case XT_LOGIN_DISABLED:
		*outcome = "disabled";
		return "biz.xtream.disabled";
	case XT_LOGIN_INACTIVE:
		*outcome = "inactive";
		return "biz.xtream.inactive";
	case XT_LOGIN_NOT_A_PANEL:
		*outcome = "not_a_panel";
		return "tech.http.not_a_panel";
	case XT_LOGIN_UNREACHABLE:
		*outcome = "unreachable";
		return "tech.net.connect";
	case XT_LOGIN_TIMED_OUT:
		*outcome = "timeout";
		return "tech.net.timeout";
	case XT_LOGIN_SERVER_ERROR:
		*outcome = "server_error";
		return "tech.http.5xx";
	default:
		*outcome = "other";
		return "biz.xtream.other";
	}
}

void app_box_login(struct app *app)
{
	if (!app->session)
		return;
	const struct xt_login *l = ctl_session_last_login(app->session);
	if (!l || l->outcome == XT_LOGIN_BACKING_OFF)
		return; /* not attempted: nothing happened on the network */
	if (l->outcome == XT_LOGIN_OK)
		app_gate_login(app);
	if (!app->qoe)
		return;
	const char *outcome = NULL;
	const char *ec = login_ec(l->outcome, &outcome);
	char http[16];
	snprintf(http, sizeof(http), "%d", l->http_status);
	const char *keys[] = { "outcome", "http", "ec" };
	const char *vals[] = { outcome, http, ec };
	qoe_box_event(app->qoe, "login", keys, vals, ec ? 3 : 2);
	/* a full house at login: the operator counts it like the refusals (QOE.md) */
	const struct xt_user_info *u = &l->user;
	if (l->outcome == XT_LOGIN_OK && u->max_connections > 0 && u->active_cons >= u->max_connections) {
		const char *k[] = { "outcome", "ec" };
		const char *v[] = { "screens_full", "biz.xtream.max_connections" };
		qoe_box_event(app->qoe, "login", k, v, 2);
	}
}

void app_box_guide(struct app *app, long long programmes, long long ms, bool kept)
{
	if (!app->qoe)
		return;
	char p[24], t[24];
	snprintf(p, sizeof(p), "%lld", programmes);
	snprintf(t, sizeof(t), "%lld", ms);
	const char *keys[] = { "programmes", "ms", "kept" };
	const char *vals[] = { p, t, kept ? "1" : "0" };
	qoe_box_event(app->qoe, "epg_import", keys, vals, 3);
}

/* ---- standby ---- */

bool app_box_in_standby(const struct app *app)
{
	return app->box && app->box->standby;
}

void app_box_standby(struct app *app, bool entering)
{
	struct app_box *b = box_of(app);
	if (!b || b->standby == entering)
		return;
	if (entering) {
		const struct ctl_now_playing *pl = app_playing(app);
		b->resume_live =
		    pl->id > 0 && ctl_playback_is_live(app->playback) && !pl->catchup ? pl->id : 0;
		app_play_stop(app);
		if (!b->screen)
			b->screen = ui_screen_create(app->ui, "standby");
		if (b->screen)
			ui_screen_push(app->ui, b->screen);
		b->standby = true;
		plat_log_info("box", "standby");
		if (app->qoe)
			qoe_standby(app->qoe, true);
		return;
	}
	b->standby = false;
	if (b->screen && ui_screen_top(app->ui) == b->screen)
		ui_screen_pop(app->ui);
	plat_log_info("box", "back from standby");
	if (app->qoe)
		qoe_standby(app->qoe, false);
	int64_t id = b->resume_live;
	b->resume_live = 0;
	if (id > 0 && app->screens[APP_SCREEN_PLAYER] &&
	    ui_screen_top(app->ui) == app->screens[APP_SCREEN_PLAYER])
		app_play_live(app, id, "resume");
}

/* Every action passes here first (ui_ctx_set_action_hook): power enters standby; in standby, any
 * key comes back and does nothing else. */
static bool box_action(void *user, enum plat_action a)
{
	struct app *app = user;
	if (app_box_in_standby(app)) {
		app_box_standby(app, false);
		return true;
	}
	if (a == PLAT_ACT_POWER) {
		app_box_standby(app, true);
		return true;
	}
	return false;
}

void app_box_attach(struct app *app)
{
	if (app->ui)
		ui_ctx_set_action_hook(app->ui, box_action, app);
	app_box_started(app); /* the loop is about to draw the first screen */
}

void app_box_report(const struct app *app, json_t *obj)
{
	json_object_set_new(obj, "standby", json_boolean(app_box_in_standby(app)));
}
