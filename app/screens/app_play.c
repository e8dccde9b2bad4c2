/* SPDX-License-Identifier: MIT */
/* The playback entry points the screens call (app.h: app_play_*): each hands the playback controller
 * what it needs from the app (the login and the settings as a source, the services it borrows), goes
 * through the line-up's gate for a channel (the parental lock), and shows the player screen when
 * something starts. Also the loop's per-wake-up call, which arms the loop's timer for the
 * controller's next deadline. What plays is read from the controller (app_playing()), never copied. */
#include "app.h"
#include "app_gate.h"
#include "app_loop.h"

#include "plat_clock.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int64_t wall_ms(void *user)
{
	const struct app *app = user;
	return app->ui ? ui_ctx_wall_ms(app->ui) : (int64_t)time(NULL) * 1000;
}

/* The services are bound at every entry: the app opens QoE and the controllers after the player. */
static struct ctl_playback *bind(struct app *app)
{
	struct ctl_playback_services s = { .library = app->library,
					   .viewer = app->viewer,
					   .lineup = app->lineup,
					   .qoe = app->qoe,
					   .i18n = app->i18n,
					   .now_ms = wall_ms,
					   .now_user = app };
	ctl_playback_bind(app->playback, &s);
	return app->playback;
}

/* The session's login (base URL, formats, clock) and credentials, borrowed for the start only. */
static struct ctl_playback_source source(const struct app *app)
{
	const struct ctl_session *ss = app->session;
	const struct xt_login *l = ctl_session_last_login(ss);
	struct ctl_playback_source s = { .panel = { l->base, ctl_session_username(ss),
						    ctl_session_password(ss) },
					 .formats = l->user.formats,
					 .prefer_hls = strcmp(app->settings.live_format, "m3u8") == 0,
					 .audio_lang = app->settings.audio_lang,
					 .sub_lang = app->settings.sub_lang };
	ctl_session_clock(ss, &s.clock);
	return s;
}

/* The lock held it: the caller asks for the PIN; screens that only show the sentence show this. */
static int locked(struct app *app)
{
	ctl_playback_set_error(app->playback, TR(app, "This channel is locked."));
	return -EACCES;
}

/* After a start: the player screen shows what opened (or why it did not). */
static int started(struct app *app, int rc)
{
	return rc < 0 ? rc : app_show(app, APP_SCREEN_PLAYER, true);
}

static enum ctl_zap_from zap_from(const char *how)
{
	static const struct {
		const char *how;
		enum ctl_zap_from from;
	} table[] = { { "number", CTL_ZAP_NUMBER },
		      { "chup", CTL_ZAP_CHUPDOWN },
		      { "chdown", CTL_ZAP_CHUPDOWN },
		      { "recall", CTL_ZAP_RECALL },
		      { "search", CTL_ZAP_SEARCH },
		      { "epg", CTL_ZAP_GUIDE },
		      { "favourites", CTL_ZAP_FAVOURITES },
		      { "continue", CTL_ZAP_CONTINUE },
		      { "home", CTL_ZAP_HOME } };
	for (size_t i = 0; how && i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(how, table[i].how) == 0)
			return table[i].from;
	return CTL_ZAP_LIST;
}

int app_play_live(struct app *app, int64_t stream_id, const char *how)
{
	struct ctl_playback *pb = bind(app);
	/* -ENOENT (not in the line-up, e.g. before the first sync) still plays: only the lock refuses */
	if (app->lineup && ctl_lineup_zap(app->lineup, stream_id, zap_from(how)) == -EACCES)
		return locked(app);
	struct app_gate_request r = { .kind = APP_GATE_LIVE, .id = stream_id };
	snprintf(r.how, sizeof(r.how), "%s", how ? how : "");
	/* "retry" is the viewer's OK after a kick: they already chose to watch here */
	if ((!how || strcmp(how, "retry") != 0) && !app_gate_check(app, &r))
		return -EACCES; /* the screens question is up (app_gate.c) */
	struct ctl_playback_source src = source(app);
	return started(app, ctl_playback_live(pb, &src, stream_id, how));
}

int app_play_vod(struct app *app, int64_t stream_id, const char *extension, const char *name)
{
	struct ctl_playback *pb = bind(app);
	struct app_gate_request r = { .kind = APP_GATE_VOD, .id = stream_id };
	snprintf(r.extension, sizeof(r.extension), "%s", extension ? extension : "");
	snprintf(r.name, sizeof(r.name), "%s", name ? name : "");
	if (!app_gate_check(app, &r))
		return -EACCES;
	struct ctl_playback_source src = source(app);
	return started(app, ctl_playback_vod(pb, &src, stream_id, extension, name));
}

int app_play_episode(struct app *app, const char *episode_id, const char *extension, const char *name)
{
	struct ctl_playback *pb = bind(app);
	struct app_gate_request r = { .kind = APP_GATE_EPISODE };
	snprintf(r.episode_id, sizeof(r.episode_id), "%s", episode_id ? episode_id : "");
	snprintf(r.extension, sizeof(r.extension), "%s", extension ? extension : "");
	snprintf(r.name, sizeof(r.name), "%s", name ? name : "");
	if (!app_gate_check(app, &r))
		return -EACCES;
	struct ctl_playback_source src = source(app);
	return started(app, ctl_playback_episode(pb, &src, episode_id, extension, name));
}

int app_play_catchup(struct app *app, int64_t stream_id, int64_t start, int64_t end, const char *title)
{
	struct ctl_playback *pb = bind(app);
	if (app->parental && ctl_parental_check(app->parental, LIBRARY_LIVE, stream_id) == -EACCES)
		return locked(app);
	struct app_gate_request r = { .kind = APP_GATE_CATCHUP, .id = stream_id, .start = start, .end = end };
	snprintf(r.name, sizeof(r.name), "%s", title ? title : "");
	if (!app_gate_check(app, &r))
		return -EACCES;
	struct ctl_playback_source src = source(app);
	return started(app, ctl_playback_catchup(pb, &src, stream_id, start, end, title));
}

int app_play_seek(struct app *app, int64_t position_ms)
{
	return ctl_playback_seek(bind(app), position_ms);
}

void app_play_stop(struct app *app)
{
	ctl_playback_stop(bind(app));
}

const struct ctl_now_playing *app_playing(const struct app *app)
{
	return ctl_playback_now(app->playback);
}

/* The controller's on_ended: the screen that started the movie or episode offers what comes next. */
static void ended(void *user)
{
	struct app *app = user;
	if (app->on_playback_ended)
		app->on_playback_ended(app);
}

int app_playback_open(struct app *app)
{
	int rc = ctl_playback_create_with(&app->prov, &app->playback);
	if (rc < 0)
		return rc;
	app->player = ctl_playback_player(app->playback);
	ctl_playback_set_on_ended(app->playback, ended, app);
	bind(app);
	return 0;
}

void app_playback_close(struct app *app)
{
	if (!app->playback)
		return;
	bind(app); /* what is still open at shutdown: the last resume point goes where it belongs */
	app->player = NULL;
	ctl_playback_free(&app->playback);
}

void app_playback_tick(struct app *app)
{
	if (!app->playback)
		return;
	ctl_playback_tick(bind(app));
	int ms = ctl_playback_next_deadline_ms(app->playback);
	if (ms >= 0)
		app_loop_timer_at(app, (int64_t)plat_clock_mono_ms() + ms);
}

void app_playback_state(struct app *app, json_t *obj)
{
	if (app->playback)
		ctl_playback_report(bind(app), obj);
}
