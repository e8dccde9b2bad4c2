/* SPDX-License-Identifier: MIT */
/* What plays, and what the box learns from it: builds the stream URL for a channel, a movie, an
 * episode or a catch-up programme from the last login (panel URL, allowed formats, the panel's time
 * zone), opens it in the player, starts the QoE session, and every frame moves the player's events
 * into the QoE queue and the screens, uploads the due video frame, and keeps resume points. */
#include "app.h"

#include "plat_clock.h"
#include "plat_log.h"
#include "plat_redact.h"
#include "xt_url.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The catch-up programme the player may ask to re-tune (seek, reconnect) from its reader thread. */
struct app_catchup {
	pthread_mutex_t lock; /* guards everything below: the UI thread writes, the reader reads */
	char base[512], username[128], password[128];
	struct xt_clock clock;
	int64_t stream_id, start, end;
	enum xt_stream_format format;
};

static int catchup_url(void *opaque, int64_t from_ms, char *url, size_t cap, int64_t *offset_ms)
{
	struct app_catchup *c = opaque;
	pthread_mutex_lock(&c->lock);
	/* the archive is stored a minute per file: start at the minute that holds from_ms */
	int64_t from = c->start + (from_ms > 0 ? from_ms / 1000 : 0);
	from -= from % 60;
	if (from < c->start)
		from = c->start;
	struct xt_url_ctx uc = { c->base, c->username, c->password };
	int rc = from < c->end
		     ? xt_url_timeshift(&uc, &c->clock, c->stream_id, from, c->end, c->format, url, cap)
		     : -ERANGE;
	*offset_ms = (from - c->start) * 1000;
	pthread_mutex_unlock(&c->lock);
	return rc < 0 ? rc : 0;
}

int app_playback_open(struct app *app)
{
	app->catchup = calloc(1, sizeof(*app->catchup));
	if (!app->catchup)
		return -ENOMEM;
	pthread_mutex_init(&app->catchup->lock, NULL);
	struct player_config pc;
	player_config_default(&pc);
	pc.catchup = catchup_url;
	pc.catchup_opaque = app->catchup;
	return player_create(&pc, &app->player);
}

void app_playback_close(struct app *app)
{
	player_destroy(&app->player); /* joins the reader: nobody uses the catch-up state after this */
	if (app->catchup) {
		pthread_mutex_destroy(&app->catchup->lock);
		free(app->catchup);
		app->catchup = NULL;
	}
}

static struct xt_url_ctx url_ctx(const struct app *app)
{
	return (struct xt_url_ctx){ app->login.base, app->username, app->password };
}

static enum xt_stream_format live_format(const struct app *app)
{
	enum xt_stream_format want =
	    strcmp(app->settings.live_format, "m3u8") == 0 ? XT_STREAM_M3U8 : XT_STREAM_TS;
	return xt_stream_format_pick(app->login.user.formats, want);
}

struct item_copy {
	char name[256];
};

static int copy_item(void *ud, const struct library_item *it)
{
	struct item_copy *c = ud;
	snprintf(c->name, sizeof(c->name), "%s", it->name ? it->name : "");
	return 0;
}

/* Saves the resume point of what plays (VOD and episodes). */
static void save_resume(struct app *app)
{
	const struct app_now_playing *p = &app->playing;
	if (p->session <= 0 || p->duration_ms <= 0 || p->catchup)
		return;
	char id[48];
	if (p->kind == LIBRARY_VOD)
		snprintf(id, sizeof(id), "%lld", (long long)p->id);
	else if (p->kind == LIBRARY_EPISODE)
		snprintf(id, sizeof(id), "%s", p->episode_id);
	else
		return;
	library_resume_set(app->library, p->kind, id, p->position_ms, p->duration_ms);
	app->resume_saved_ms = app_now(app);
}

static int start(struct app *app, const char *url, const struct player_open_options *opts,
		 const struct qoe_session_info *qi)
{
	if (app->playing.session > 0)
		app_play_stop(app);
	if (app->qoe)
		qoe_session_start(app->qoe, qi);
	int session = player_open(app->player, url, opts);
	if (session < 0) {
		snprintf(app->playing.error, sizeof(app->playing.error), "%s",
			 TR(app, "This stream cannot be played."));
		return session;
	}
	app->playing.session = session;
	app->playing.state = PLAYER_STATE_OPENING;
	if (app->video)
		ui_video_clear(app->video); /* no picture of the previous stream while this one opens */
	char safe[600];
	plat_redact_url(url, safe, sizeof(safe));
	plat_log_info("app", "play %s", safe);
	return app_show(app, APP_SCREEN_PLAYER, true);
}

static void fresh(struct app *app, enum library_kind kind, int64_t id, const char *name)
{
	struct app_now_playing *p = &app->playing;
	*p = (struct app_now_playing){ .kind = kind, .id = id };
	snprintf(p->name, sizeof(p->name), "%s", name ? name : "");
}

int app_play_live(struct app *app, int64_t stream_id, const char *how)
{
	if (app->playing.session > 0 && app->playing.kind == LIBRARY_LIVE && !app->playing.catchup &&
	    app->playing.id != stream_id)
		app->last_live = app->playing;
	struct item_copy item = { 0 };
	library_item(app->library, LIBRARY_LIVE, stream_id, copy_item, &item);
	char url[1024];
	struct xt_url_ctx uc = url_ctx(app);
	enum xt_stream_format f = live_format(app);
	int rc = xt_url_live(&uc, stream_id, f, url, sizeof(url));
	if (rc < 0)
		return rc;
	struct qoe_session_info qi = { .st = QOE_ST_LIVE,
				       .sf = f == XT_STREAM_M3U8 ? QOE_SF_HLS : QOE_SF_OTHER,
				       .requested_mono_us = plat_clock_mono_us() };
	snprintf(qi.cid, sizeof(qi.cid), "live:%lld", (long long)stream_id);
	int64_t number = app_live_number(app, stream_id);
	snprintf(qi.channel_number, sizeof(qi.channel_number), "%lld",
		 (long long)(number > 0 ? number : stream_id));
	snprintf(qi.tuned_by, sizeof(qi.tuned_by), "%s", how ? how : "ok");
	struct player_open_options o = { .kind = PLAYER_KIND_LIVE,
					 .audio_lang =
					     app->settings.audio_lang[0] ? app->settings.audio_lang : NULL,
					 .sub_lang =
					     app->settings.sub_lang[0] ? app->settings.sub_lang : NULL };
	fresh(app, LIBRARY_LIVE, stream_id, item.name);
	app->playing.number = number;
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)stream_id);
	library_history_add(app->library, LIBRARY_LIVE, id, app_now(app));
	return start(app, url, &o, &qi);
}

static int play_file(struct app *app, enum library_kind kind, const char *id, const char *url,
		     const char *name)
{
	int64_t resume = 0, duration = 0;
	library_resume_get(app->library, kind, id, &resume, &duration);
	struct qoe_session_info qi = { .st = QOE_ST_VOD,
				       .sf = QOE_SF_OTHER,
				       .requested_mono_us = plat_clock_mono_us() };
	snprintf(qi.cid, sizeof(qi.cid), "%s:%s", kind == LIBRARY_VOD ? "vod" : "episode", id);
	snprintf(qi.tuned_by, sizeof(qi.tuned_by), "%s", resume > 0 ? "resume" : "ok");
	struct player_open_options o = { .kind = PLAYER_KIND_VOD,
					 .start_ms = resume,
					 .audio_lang =
					     app->settings.audio_lang[0] ? app->settings.audio_lang : NULL,
					 .sub_lang =
					     app->settings.sub_lang[0] ? app->settings.sub_lang : NULL };
	library_history_add(app->library, kind, id, app_now(app));
	int rc = start(app, url, &o, &qi);
	app->playing.position_ms = resume;
	return rc;
}

int app_play_vod(struct app *app, int64_t stream_id, const char *extension, const char *name)
{
	char url[1024], id[24];
	struct xt_url_ctx uc = url_ctx(app);
	int rc = xt_url_movie(&uc, stream_id, extension, url, sizeof(url));
	if (rc < 0)
		return rc;
	snprintf(id, sizeof(id), "%lld", (long long)stream_id);
	fresh(app, LIBRARY_VOD, stream_id, name);
	return play_file(app, LIBRARY_VOD, id, url, name);
}

int app_play_episode(struct app *app, const char *episode_id, const char *extension, const char *name)
{
	char url[1024];
	struct xt_url_ctx uc = url_ctx(app);
	int rc = xt_url_episode(&uc, episode_id, extension, url, sizeof(url));
	if (rc < 0)
		return rc;
	fresh(app, LIBRARY_EPISODE, 0, name);
	snprintf(app->playing.episode_id, sizeof(app->playing.episode_id), "%s", episode_id);
	return play_file(app, LIBRARY_EPISODE, episode_id, url, name);
}

int app_play_catchup(struct app *app, int64_t stream_id, int64_t start_s, int64_t end_s, const char *title)
{
	struct app_catchup *c = app->catchup;
	pthread_mutex_lock(&c->lock);
	snprintf(c->base, sizeof(c->base), "%s", app->login.base);
	snprintf(c->username, sizeof(c->username), "%s", app->username);
	snprintf(c->password, sizeof(c->password), "%s", app->password);
	xt_clock_from_server(&app->login.server, app->login_local_time, &c->clock);
	c->stream_id = stream_id;
	c->start = start_s;
	c->end = end_s;
	c->format = live_format(app);
	struct xt_url_ctx uc = { c->base, c->username, c->password };
	char url[1024];
	int rc = xt_url_timeshift(&uc, &c->clock, stream_id, start_s, end_s, c->format, url, sizeof(url));
	pthread_mutex_unlock(&c->lock);
	if (rc < 0)
		return rc;
	struct qoe_session_info qi = { .st = QOE_ST_VOD,
				       .sf = c->format == XT_STREAM_M3U8 ? QOE_SF_HLS : QOE_SF_OTHER,
				       .requested_mono_us = plat_clock_mono_us() };
	snprintf(qi.cid, sizeof(qi.cid), "tvarchive:%lld@%lld", (long long)stream_id, (long long)start_s);
	snprintf(qi.tuned_by, sizeof(qi.tuned_by), "epg");
	struct player_open_options o = { .kind = PLAYER_KIND_CATCHUP };
	fresh(app, LIBRARY_LIVE, stream_id, title);
	app->playing.catchup = true;
	app->playing.catchup_start = start_s;
	app->playing.catchup_end = end_s;
	app->playing.duration_ms = (end_s - start_s) * 1000;
	return start(app, url, &o, &qi);
}

int app_play_seek(struct app *app, int64_t position_ms)
{
	if (app->playing.session <= 0)
		return -EAGAIN;
	if (position_ms < 0)
		position_ms = 0;
	if (app->playing.duration_ms > 0 && position_ms > app->playing.duration_ms - 1000)
		position_ms = app->playing.duration_ms - 1000;
	return player_seek(app->player, position_ms);
}

void app_play_stop(struct app *app)
{
	if (app->playing.session <= 0)
		return;
	save_resume(app);
	player_stop(app->player);
	if (app->qoe)
		qoe_session_stop(app->qoe);
	app->playing.session = 0;
	app->playing.state = PLAYER_STATE_IDLE;
	if (app->video)
		ui_video_clear(app->video);
}

/* The sentence for a failed start or a fatal error. */
static void describe_error(struct app *app, const struct player_event *ev)
{
	struct app_now_playing *p = &app->playing;
	int http = ev->u.error.kind == PLAYER_ERR_HTTP ? ev->u.error.http_status : 0;
	p->http_status = http;
	if (http == 401 || http == 403)
		snprintf(p->error, sizeof(p->error), "%s (HTTP %d)",
			 TR(app, "The panel refused this stream: check your subscription"), http);
	else if (http == 404)
		snprintf(p->error, sizeof(p->error), "%s (HTTP 404)",
			 TR(app, "This channel is not available"));
	else if (http >= 500)
		snprintf(p->error, sizeof(p->error), "%s (HTTP %d)",
			 TR(app, "The server has a problem, try again later"), http);
	else if (ev->u.error.kind == PLAYER_ERR_NET)
		snprintf(p->error, sizeof(p->error), "%s",
			 TR(app, "The stream cannot be reached: check the connection"));
	else
		snprintf(p->error, sizeof(p->error), "%s", TR(app, "This stream cannot be played"));
}

static void on_event(struct app *app, const struct player_event *ev)
{
	struct app_now_playing *p = &app->playing;
	if (app->qoe)
		qoe_on_player_event(app->qoe, ev);
	if (ev->session != (uint32_t)p->session)
		return;
	switch (ev->type) {
	case PLAYER_EV_STATE:
		p->state = ev->state;
		break;
	case PLAYER_EV_FIRST_FRAME:
		p->first_frame_ms = ev->u.first_frame.since_request_ms;
		p->error[0] = '\0';
		break;
	case PLAYER_EV_STALL_START:
		p->stalls++;
		break;
	case PLAYER_EV_ERROR:
		if (ev->u.error.fatal)
			describe_error(app, ev);
		break;
	case PLAYER_EV_STATS:
		p->position_ms = ev->u.stats.position_ms;
		if (ev->u.stats.duration_ms > 0)
			p->duration_ms = ev->u.stats.duration_ms;
		p->bitrate_kbps = ev->u.stats.bitrate_kbps;
		p->buffer_ms = ev->u.stats.buffer_ms;
		p->dropped_frames = ev->u.stats.dropped_frames;
		break;
	case PLAYER_EV_DECODER:
		snprintf(p->decoder, sizeof(p->decoder), "%s", ev->u.decoder.name);
		p->hw_decoder = ev->u.decoder.hardware;
		break;
	case PLAYER_EV_ENDED:
		p->state = PLAYER_STATE_ENDED;
		save_resume(app);
		if (app->on_playback_ended)
			app->on_playback_ended(app); /* the next episode is offered */
		break;
	default:
		break;
	}
}

void app_playback_tick(struct app *app)
{
	struct player_event ev;
	while (app->player && player_event_poll(app->player, &ev) == 1) {
		on_event(app, &ev);
		if (app->on_player_event && ev.session == (uint32_t)app->playing.session)
			app->on_player_event(app, &ev);
	}
	if (app->on_tick)
		app->on_tick(app); /* the player screen's timers run also when nothing plays */
	if (app->playing.session <= 0)
		return;
	struct player_video_frame f;
	if (app->video && player_video_frame_acquire(app->player, &f) == 1) {
		if (f.seq != app->video_seq) {
			struct ui_video_frame uf = { .width = f.width,
						     .height = f.height,
						     .format = f.format == PLAYER_PIXFMT_NV12
								   ? UI_VIDEO_NV12
								   : UI_VIDEO_YUV420P,
						     .sar_num = f.sar_num,
						     .sar_den = f.sar_den };
			for (int i = 0; i < 3; i++) {
				uf.planes[i] = f.planes[i];
				uf.linesize[i] = f.linesize[i];
			}
			ui_video_show(app->video, &uf);
			app->video_seq = f.seq;
			app->playing.width = f.width;
			app->playing.height = f.height;
		}
		player_video_frame_release(app->player);
	}
	if (app_now(app) - app->resume_saved_ms >= 10)
		save_resume(app);
}

static const char *state_name(enum player_state s)
{
	static const char *const names[] = { "idle",   "opening", "buffering", "playing",
					     "paused", "stalled", "ended",     "failed" };
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "unknown";
}

void app_playback_state(struct app *app, json_t *obj)
{
	const struct app_now_playing *p = &app->playing;
	static const char *const kinds[] = { "live", "vod", "series", "episode" };
	json_t *o = json_object();
	json_object_set_new(o, "kind", json_string(p->catchup ? "catchup" : kinds[p->kind]));
	json_object_set_new(o, "id", json_integer(p->id));
	if (p->episode_id[0])
		json_object_set_new(o, "episode_id", json_string(p->episode_id));
	json_object_set_new(o, "name", json_string(p->name));
	json_object_set_new(o, "state", json_string(p->session > 0 ? state_name(p->state) : "idle"));
	json_object_set_new(o, "first_frame_ms", json_integer(p->first_frame_ms));
	json_object_set_new(o, "position_ms", json_integer(p->position_ms));
	json_object_set_new(o, "duration_ms", json_integer(p->duration_ms));
	json_object_set_new(o, "width", json_integer(p->width));
	json_object_set_new(o, "height", json_integer(p->height));
	json_object_set_new(o, "decoder", json_string(p->decoder));
	json_object_set_new(o, "stalls", json_integer(p->stalls));
	if (p->catchup)
		json_object_set_new(o, "catchup_start", json_integer(p->catchup_start));
	if (p->error[0])
		json_object_set_new(o, "error", json_string(p->error));
	if (p->http_status)
		json_object_set_new(o, "http_status", json_integer(p->http_status));
	json_object_set_new(obj, "playing", o);
	if (app->last_live.id)
		json_object_set_new(obj, "last_channel", json_integer(app->last_live.id));
}
