/* SPDX-License-Identifier: MIT */
/* The screens gate: a play that would stop another device asks first. A panel never refuses one
 * connection too many; it closes the OLDEST (XTREAM.md), so a viewer who starts a channel while
 * every screen of the subscription is in use silently stops someone else's. When nothing of ours
 * plays (replacing our own stream frees our own connection) on an account with a connection limit,
 * and the panel's figures are older than a minute or say every screen is in use, the box asks the
 * panel again (one login on the worker, before the stream opens) and, when they are full, asks the
 * viewer: "2 of 2 screens in use" - Watch here / Cancel. Zaps while something plays pay nothing.
 *
 * UI thread only; the check is a job with a copy of the panels and credentials (app_run_bg). */
#include "app.h"
#include "app_gate.h"

#include "plat_log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct app_gate {
	bool bypass;  /* replaying a request the viewer confirmed (or the panel found room for) */
	uint64_t job; /* the check in flight, 0 = none */
	unsigned gen; /* bumped by a newer request: an older check's answer is dropped */
	struct app_gate_request pending; /* the request the dialog is about */
	int64_t active, max;             /* the figures the dialog shows */
	uint64_t fresh_ms;               /* ui time the panel last told the figures */
};

/* The panel's figures are asked again before a play when they are older than this. */
enum { GATE_FRESH_MS = 60000 };

struct gate_job {
	struct ctl_panel_copy panel;
	struct xt_login login;
	unsigned gen;
	struct app_gate_request req;
};

static struct app_gate *gate_of(struct app *app)
{
	if (!app->gate)
		app->gate = calloc(1, sizeof(*app->gate));
	return app->gate;
}

void app_gate_login(struct app *app)
{
	struct app_gate *g = gate_of(app);
	if (g && app->ui)
		g->fresh_ms = ui_ctx_now_ms(app->ui);
}

void app_gate_free(struct app *app)
{
	if (app->gate)
		app_bg_cancel(app, &app->gate->job);
	free(app->gate);
	app->gate = NULL;
}

static void job_free(struct gate_job *j)
{
	for (volatile unsigned char *c = (unsigned char *)&j->panel;
	     c < (unsigned char *)&j->panel + sizeof(j->panel); c++)
		*c = 0;
	free(j);
}

static int replay(struct app *app, const struct app_gate_request *r)
{
	struct app_gate *g = gate_of(app);
	if (!g)
		return -ENOMEM;
	g->bypass = true;
	int rc;
	switch (r->kind) {
	case APP_GATE_LIVE:
		rc = app_play_live(app, r->id, r->how);
		break;
	case APP_GATE_VOD:
		rc = app_play_vod(app, r->id, r->extension, r->name);
		break;
	case APP_GATE_EPISODE:
		rc = app_play_episode(app, r->episode_id, r->extension, r->name);
		break;
	default:
		rc = app_play_catchup(app, r->id, r->start, r->end, r->name);
		break;
	}
	g->bypass = false;
	if (rc < 0 && rc != -EACCES)
		ui_toast_show(app->ui,
			      app_playing(app)->error[0] ? app_playing(app)->error
							 : TR(app, "This cannot be played now."),
			      4000);
	return rc;
}

static void on_answer(void *user, int button)
{
	struct app *app = user;
	struct app_gate *g = app->gate;
	if (!g)
		return;
	plat_log_info("gate", "screens in use: the viewer chose %s", button == 0 ? "watch here" : "cancel");
	if (button == 0)
		replay(app, &g->pending);
}

static void ask(struct app *app, const struct app_gate_request *r, int64_t active, int64_t max)
{
	struct app_gate *g = app->gate;
	g->pending = *r;
	g->active = active;
	g->max = max;
	char title[160];
	snprintf(title, sizeof(title), TRN(app, "%d of %d screen in use", "%d of %d screens in use", max),
		 (int)active, (int)max);
	const char *buttons[] = { TR(app, "Watch here"), TR(app, "Cancel") };
	ui_dialog_open(app->ui, title,
		       TR(app, "Your subscription is being watched on another device. Watching here will "
			       "stop it there."),
		       buttons, 2, on_answer, app);
}

static int gate_work(struct ctl_worker *w, void *arg, struct plat_cancel *cancel)
{
	struct gate_job *j = arg;
	struct xt_client *xt = NULL;
	int rc = ctl_worker_client(w, &j->panel, cancel, &xt);
	if (rc < 0)
		return rc == -EINVAL ? -ENOTCONN : rc;
	return xt_client_login(xt, &j->login);
}

static void gate_done(struct app *app, void *arg, int rc)
{
	struct gate_job *j = arg;
	struct app_gate *g = app->gate;
	if (rc == -ECANCELED || !g || j->gen != g->gen) {
		job_free(j);
		return;
	}
	g->job = 0;
	const struct xt_user_info *u = &j->login.user;
	if (rc == 0) {
		ctl_session_user_update(app->session, u);
		g->fresh_ms = ui_ctx_now_ms(app->ui);
	}
	if (rc == 0 && u->max_connections > 0 && u->active_cons >= u->max_connections)
		ask(app, &j->req, u->active_cons, u->max_connections);
	else
		replay(app, &j->req); /* room again, or the panel did not answer: the play decides */
	job_free(j);
}

int app_gate_check(struct app *app, const struct app_gate_request *r)
{
	struct app_gate *g = gate_of(app);
	if (!g || g->bypass || !app->session || !ctl_session_logged_in(app->session))
		return 1;
	if (app_playing(app)->session > 0)
		return 1; /* our own stream is replaced: its connection is the one the new one takes */
	const struct xt_user_info *u = &ctl_session_last_login(app->session)->user;
	if (u->max_connections <= 0)
		return 1; /* unlimited */
	uint64_t now = ui_ctx_now_ms(app->ui);
	if (u->active_cons < u->max_connections && now - g->fresh_ms < GATE_FRESH_MS)
		return 1;
	struct gate_job *j = calloc(1, sizeof(*j));
	if (!j)
		return 1;
	ctl_session_panel_copy(app->session, &j->panel);
	j->req = *r;
	j->gen = ++g->gen;
	app_bg_cancel(app, &g->job);
	if (app_run_bg(app, gate_work, gate_done, j, &g->job) < 0) {
		job_free(j);
		return 1;
	}
	plat_log_info("gate", "%lld of %lld connections in use: asking the panel before playing",
		      (long long)u->active_cons, (long long)u->max_connections);
	return 0;
}

void app_gate_report(const struct app *app, json_t *obj)
{
	const struct app_gate *g = app->gate;
	json_object_set_new(obj, "screens_gate",
			    json_pack("{s:b,s:I,s:I}", "checking", g && g->job != 0, "active",
				      (json_int_t)(g ? g->active : 0), "max", (json_int_t)(g ? g->max : 0)));
}
