/* SPDX-License-Identifier: MIT */
/* The playback controller (ctl_playback.h): starts what the viewer chose in the player it owns, feeds
 * QoE, turns the player's events into what-is-playing and the viewer's sentences, answers the
 * player's catch-up re-tunes, and keeps resume points every 10 s and at the end. */
#include "ctl_playback.h"

#include "plat_clock.h"
#include "plat_http.h"
#include "plat_log.h"
#include "plat_redact.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { RESUME_EVERY_MS = 10000 };

/* The catch-up programme the player may ask to re-tune (seek, reconnect) from its reader thread. */
struct catchup {
	pthread_mutex_t lock; /* guards everything below: the UI thread writes, the reader reads */
	char base[512], username[128], password[128];
	struct xt_clock clock;
	int64_t stream_id, start, end;
	enum xt_stream_format format;
};

struct ctl_playback {
	struct player *player;
	struct catchup catchup;
	struct ctl_playback_services svc;
	struct ctl_playback_listener listener;
	void *listener_user;
	void (*on_ended)(void *user);
	void *ended_user;
	struct ctl_now_playing now;
	int64_t resume_saved_ms; /* wall ms of the last resume point kept (or of the start) */
};

/* ---- the viewer's data ----
 * History and resume points go through the viewer controller: its memory at once (the screens read
 * them there), the database through the store writer (the UI thread never writes SQLite). */

static int64_t now_ms(const struct ctl_playback *pb);

static void history_add(struct ctl_playback *pb, enum library_kind kind, const char *id)
{
	int64_t when = now_ms(pb) / 1000;
	if (pb->svc.viewer)
		ctl_viewer_history_add(pb->svc.viewer, kind, id, when);
}

static void resume_set(struct ctl_playback *pb, enum library_kind kind, const char *id, int64_t pos,
		       int64_t dur)
{
	if (pb->svc.viewer)
		ctl_viewer_resume_set(pb->svc.viewer, kind, id, pos, dur);
}

static void resume_get(struct ctl_playback *pb, enum library_kind kind, const char *id, int64_t *pos,
		       int64_t *dur)
{
	*pos = *dur = 0;
	int rc = -ENOENT;
	if (pb->svc.viewer)
		rc = ctl_viewer_resume_get(pb->svc.viewer, kind, id, pos, dur);
	if (rc < 0)
		*pos = *dur = 0;
}

/* ---- the line-up ---- */

static int64_t channel_number(struct ctl_playback *pb, int64_t stream_id)
{
	return pb->svc.lineup ? ctl_lineup_number(pb->svc.lineup, stream_id) : 0;
}

static int64_t now_ms(const struct ctl_playback *pb)
{
	return pb->svc.now_ms ? pb->svc.now_ms(pb->svc.now_user) : (int64_t)time(NULL) * 1000;
}

/* ---- catch-up re-tune ---- */

int ctl_playback_catchup_start(int64_t start, int64_t end, int64_t from_ms, int64_t *url_start)
{
	int64_t from = start + (from_ms > 0 ? from_ms / 1000 : 0);
	from -= from % 60;
	if (from < start)
		from = start;
	*url_start = from;
	return from < end ? 0 : -ERANGE;
}

/* The player's re-tune hook (reader thread). */
static int catchup_url(void *opaque, int64_t from_ms, char *url, size_t cap, int64_t *offset_ms)
{
	struct catchup *c = opaque;
	pthread_mutex_lock(&c->lock);
	int64_t from;
	int rc = ctl_playback_catchup_start(c->start, c->end, from_ms, &from);
	struct xt_url_ctx uc = { c->base, c->username, c->password };
	if (rc == 0)
		rc = xt_url_timeshift(&uc, &c->clock, c->stream_id, from, c->end, c->format, url, cap);
	*offset_ms = (from - c->start) * 1000;
	pthread_mutex_unlock(&c->lock);
	return rc < 0 ? rc : 0;
}

/* ---- life ---- */

int ctl_playback_create_with(const struct app_provision *prov, struct ctl_playback **out)
{
	struct ctl_playback *pb = calloc(1, sizeof(*pb));
	if (!pb)
		return -ENOMEM;
	pthread_mutex_init(&pb->catchup.lock, NULL);
	struct player_config pc;
	player_config_default(&pc);
	pc.catchup = catchup_url;
	pc.catchup_opaque = &pb->catchup;
	if (prov) { /* 0: the player's default */
		pc.limits.max_width = prov->player.max_width;
		pc.limits.max_height = prov->player.max_height;
		pc.limits.max_memory_mb =
		    prov->player.max_memory_mb > 0 ? (uint32_t)prov->player.max_memory_mb : 0;
	}
	/* the trust of plat_http: the system's certificates and the operator's */
	pc.ca_bundle = plat_http_ca_bundle(&pc.ca_bundle_len);
	int rc = player_create(&pc, &pb->player);
	if (rc < 0) {
		pthread_mutex_destroy(&pb->catchup.lock);
		free(pb);
		return rc;
	}
	*out = pb;
	return 0;
}

int ctl_playback_create(struct ctl_playback **out)
{
	return ctl_playback_create_with(NULL, out);
}

void ctl_playback_free(struct ctl_playback **pbp)
{
	struct ctl_playback *pb = pbp ? *pbp : NULL;
	if (!pb)
		return;
	ctl_playback_stop(pb);
	player_destroy(&pb->player); /* joins the reader: nobody uses the catch-up state after this */
	pthread_mutex_destroy(&pb->catchup.lock);
	free(pb);
	*pbp = NULL;
}

void ctl_playback_bind(struct ctl_playback *pb, const struct ctl_playback_services *s)
{
	pb->svc = *s;
}

void ctl_playback_set_listener(struct ctl_playback *pb, const struct ctl_playback_listener *l, void *user)
{
	pb->listener = l ? *l : (struct ctl_playback_listener){ 0 };
	pb->listener_user = user;
}

void ctl_playback_set_on_ended(struct ctl_playback *pb, void (*fn)(void *user), void *user)
{
	pb->on_ended = fn;
	pb->ended_user = user;
}

/* ---- starting ---- */

static enum xt_stream_format live_format(const struct ctl_playback_source *src)
{
	return xt_stream_format_pick(src->formats, src->prefer_hls ? XT_STREAM_M3U8 : XT_STREAM_TS);
}

static struct player_open_options open_options(const struct ctl_playback_source *src, enum player_kind kind)
{
	return (struct player_open_options){
		.kind = kind,
		.audio_lang = src->audio_lang && src->audio_lang[0] ? src->audio_lang : NULL,
		.sub_lang = src->sub_lang && src->sub_lang[0] ? src->sub_lang : NULL
	};
}

/* Keeps the resume point of what plays (movies and episodes). */
static void save_resume(struct ctl_playback *pb)
{
	const struct ctl_now_playing *p = &pb->now;
	if (p->session <= 0 || p->duration_ms <= 0 || p->catchup)
		return;
	char id[48];
	if (p->kind == LIBRARY_VOD)
		snprintf(id, sizeof(id), "%lld", (long long)p->id);
	else if (p->kind == LIBRARY_EPISODE)
		snprintf(id, sizeof(id), "%s", p->episode_id);
	else
		return;
	resume_set(pb, p->kind, id, p->position_ms, p->duration_ms);
	pb->resume_saved_ms = now_ms(pb);
}

static void fresh(struct ctl_playback *pb, enum library_kind kind, int64_t id, const char *name)
{
	ctl_playback_stop(pb);
	pb->now = (struct ctl_now_playing){ .kind = kind, .id = id };
	snprintf(pb->now.name, sizeof(pb->now.name), "%s", name ? name : "");
}

static int start(struct ctl_playback *pb, const char *url, const struct player_open_options *opts,
		 const struct qoe_session_info *qi)
{
	if (pb->svc.qoe)
		qoe_session_start(pb->svc.qoe, qi);
	int session = player_open(pb->player, url, opts);
	if (session < 0) {
		snprintf(pb->now.error, sizeof(pb->now.error), "%s",
			 i18n_tr(pb->svc.i18n, "This stream cannot be played."));
		return session;
	}
	pb->now.session = session;
	pb->now.state = PLAYER_STATE_OPENING;
	pb->resume_saved_ms = now_ms(pb);
	char safe[600];
	plat_redact_url(url, safe, sizeof(safe));
	plat_log_info("playback", "play %s", safe);
	return session;
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

int ctl_playback_live(struct ctl_playback *pb, const struct ctl_playback_source *src, int64_t stream_id,
		      const char *how)
{
	struct item_copy item = { "" };
	if (pb->svc.library)
		library_item(pb->svc.library, LIBRARY_LIVE, stream_id, copy_item, &item);
	char url[1024];
	enum xt_stream_format f = live_format(src);
	int rc = xt_url_live(&src->panel, stream_id, f, url, sizeof(url));
	if (rc < 0)
		return rc;
	struct qoe_session_info qi = { .st = QOE_ST_LIVE,
				       .sf = f == XT_STREAM_M3U8 ? QOE_SF_HLS : QOE_SF_OTHER,
				       .requested_mono_us = plat_clock_mono_us() };
	snprintf(qi.cid, sizeof(qi.cid), "live:%lld", (long long)stream_id);
	int64_t number = channel_number(pb, stream_id);
	snprintf(qi.channel_number, sizeof(qi.channel_number), "%lld",
		 (long long)(number > 0 ? number : stream_id));
	snprintf(qi.tuned_by, sizeof(qi.tuned_by), "%s", how ? how : "ok");
	struct player_open_options o = open_options(src, PLAYER_KIND_LIVE);
	fresh(pb, LIBRARY_LIVE, stream_id, item.name);
	pb->now.number = number;
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)stream_id);
	history_add(pb, LIBRARY_LIVE, id);
	return start(pb, url, &o, &qi);
}

static int play_file(struct ctl_playback *pb, const struct ctl_playback_source *src, enum library_kind kind,
		     const char *id, const char *url)
{
	int64_t resume, duration;
	resume_get(pb, kind, id, &resume, &duration);
	struct qoe_session_info qi = { .st = QOE_ST_VOD,
				       .sf = QOE_SF_OTHER,
				       .requested_mono_us = plat_clock_mono_us() };
	snprintf(qi.cid, sizeof(qi.cid), "%s:%s", kind == LIBRARY_VOD ? "vod" : "episode", id);
	snprintf(qi.tuned_by, sizeof(qi.tuned_by), "%s", resume > 0 ? "resume" : "ok");
	struct player_open_options o = open_options(src, PLAYER_KIND_VOD);
	o.start_ms = resume;
	history_add(pb, kind, id);
	int rc = start(pb, url, &o, &qi);
	pb->now.position_ms = resume;
	return rc;
}

int ctl_playback_vod(struct ctl_playback *pb, const struct ctl_playback_source *src, int64_t stream_id,
		     const char *extension, const char *name)
{
	char url[1024], id[24];
	int rc = xt_url_movie(&src->panel, stream_id, extension, url, sizeof(url));
	if (rc < 0)
		return rc;
	snprintf(id, sizeof(id), "%lld", (long long)stream_id);
	fresh(pb, LIBRARY_VOD, stream_id, name);
	return play_file(pb, src, LIBRARY_VOD, id, url);
}

int ctl_playback_episode(struct ctl_playback *pb, const struct ctl_playback_source *src,
			 const char *episode_id, const char *extension, const char *name)
{
	char url[1024];
	int rc = xt_url_episode(&src->panel, episode_id, extension, url, sizeof(url));
	if (rc < 0)
		return rc;
	fresh(pb, LIBRARY_EPISODE, 0, name);
	snprintf(pb->now.episode_id, sizeof(pb->now.episode_id), "%s", episode_id);
	return play_file(pb, src, LIBRARY_EPISODE, episode_id, url);
}

int ctl_playback_catchup(struct ctl_playback *pb, const struct ctl_playback_source *src, int64_t stream_id,
			 int64_t start_s, int64_t end_s, const char *title)
{
	struct catchup *c = &pb->catchup;
	pthread_mutex_lock(&c->lock);
	snprintf(c->base, sizeof(c->base), "%s", src->panel.base ? src->panel.base : "");
	snprintf(c->username, sizeof(c->username), "%s", src->panel.username ? src->panel.username : "");
	snprintf(c->password, sizeof(c->password), "%s", src->panel.password ? src->panel.password : "");
	c->clock = src->clock;
	c->stream_id = stream_id;
	c->start = start_s;
	c->end = end_s;
	c->format = live_format(src);
	struct xt_url_ctx uc = { c->base, c->username, c->password };
	char url[1024];
	int rc = xt_url_timeshift(&uc, &c->clock, stream_id, start_s, end_s, c->format, url, sizeof(url));
	enum xt_stream_format format = c->format;
	pthread_mutex_unlock(&c->lock);
	if (rc < 0)
		return rc;
	struct qoe_session_info qi = { .st = QOE_ST_VOD,
				       .sf = format == XT_STREAM_M3U8 ? QOE_SF_HLS : QOE_SF_OTHER,
				       .requested_mono_us = plat_clock_mono_us() };
	snprintf(qi.cid, sizeof(qi.cid), "tvarchive:%lld@%lld", (long long)stream_id, (long long)start_s);
	snprintf(qi.tuned_by, sizeof(qi.tuned_by), "epg");
	struct player_open_options o = { .kind = PLAYER_KIND_CATCHUP };
	fresh(pb, LIBRARY_LIVE, stream_id, title);
	pb->now.number = channel_number(pb, stream_id);
	pb->now.catchup = true;
	pb->now.catchup_start = start_s;
	pb->now.catchup_end = end_s;
	pb->now.duration_ms = (end_s - start_s) * 1000;
	return start(pb, url, &o, &qi);
}

/* ---- controls ---- */

int ctl_playback_seek(struct ctl_playback *pb, int64_t position_ms)
{
	const struct ctl_now_playing *p = &pb->now;
	if (p->session <= 0)
		return -EAGAIN;
	if (p->kind == LIBRARY_LIVE && !p->catchup)
		return -ENOTSUP;
	if (p->duration_ms > 0 && position_ms > p->duration_ms - 1000)
		position_ms = p->duration_ms - 1000;
	if (position_ms < 0)
		position_ms = 0;
	return player_seek(pb->player, position_ms);
}

int ctl_playback_pause(struct ctl_playback *pb, bool paused)
{
	return pb->now.session > 0 ? player_set_paused(pb->player, paused) : -EAGAIN;
}

void ctl_playback_stop(struct ctl_playback *pb)
{
	if (pb->now.session <= 0)
		return;
	save_resume(pb);
	player_stop(pb->player);
	if (pb->svc.qoe)
		qoe_session_stop(pb->svc.qoe);
	pb->now.session = 0;
	pb->now.state = PLAYER_STATE_IDLE;
}

void ctl_playback_set_error(struct ctl_playback *pb, const char *text)
{
	snprintf(pb->now.error, sizeof(pb->now.error), "%s", text ? text : "");
}

/* ---- the player's events ---- */

/* The sentence for a stream the box refused by one of its rules (the player says which). */
static void describe_refusal(struct ctl_playback *pb, const struct player_event *ev)
{
	struct ctl_now_playing *p = &pb->now;
	const struct i18n *t = pb->svc.i18n;
	const char *s;
	switch (ev->u.error.refusal) {
	case PLAYER_REFUSAL_TLS_UNTRUSTED:
		s = i18n_tr(t, "The stream's server certificate is not trusted.");
		break;
	case PLAYER_REFUSAL_TOO_LARGE:
		snprintf(
		    p->error, sizeof(p->error),
		    i18n_tr(t, "This channel's picture (%dx%d) is larger than this box can show (%dx%d)."),
		    ev->u.error.width, ev->u.error.height, ev->u.error.max_width, ev->u.error.max_height);
		return;
	case PLAYER_REFUSAL_PLAYLIST_LOOP:
		s = i18n_tr(t, "This channel's playlist points to itself or nests too deep.");
		break;
	case PLAYER_REFUSAL_REQUEST_RATE:
		s = i18n_tr(t, "This channel asks for more requests than this box allows.");
		break;
	default:
		s = i18n_tr(t, "This channel sends nothing this box can play.");
		break;
	}
	snprintf(p->error, sizeof(p->error), "%s", s);
}

/* The sentence for a failed start or a fatal error. */
static void describe_error(struct ctl_playback *pb, const struct player_event *ev)
{
	struct ctl_now_playing *p = &pb->now;
	const struct i18n *t = pb->svc.i18n;
	int http = ev->u.error.kind == PLAYER_ERR_HTTP ? ev->u.error.http_status : 0;
	p->http_status = http;
	if (ev->u.error.refusal != PLAYER_REFUSAL_NONE)
		describe_refusal(pb, ev);
	else if (http == 401 || http == 403)
		snprintf(p->error, sizeof(p->error), "%s (HTTP %d)",
			 i18n_tr(t, "The panel refused this stream: check your subscription"), http);
	else if (http == 404)
		snprintf(p->error, sizeof(p->error), "%s (HTTP 404)",
			 i18n_tr(t, "This channel is not available"));
	else if (http >= 500)
		snprintf(p->error, sizeof(p->error), "%s (HTTP %d)",
			 i18n_tr(t, "The server has a problem, try again later"), http);
	else if (ev->u.error.kind == PLAYER_ERR_NET)
		snprintf(p->error, sizeof(p->error), "%s",
			 i18n_tr(t, "The stream cannot be reached: check the connection"));
	else
		snprintf(p->error, sizeof(p->error), "%s", i18n_tr(t, "This stream cannot be played"));
}

static void on_event(struct ctl_playback *pb, const struct player_event *ev)
{
	struct ctl_now_playing *p = &pb->now;
	if (pb->svc.qoe)
		qoe_on_player_event(pb->svc.qoe, ev);
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
			describe_error(pb, ev);
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
		save_resume(pb);
		if (pb->on_ended)
			pb->on_ended(pb->ended_user); /* the next episode is offered (it may start it) */
		break;
	default:
		break;
	}
}

static bool resume_kept(const struct ctl_now_playing *p)
{
	return p->session > 0 && p->duration_ms > 0 && !p->catchup &&
	       (p->kind == LIBRARY_VOD || p->kind == LIBRARY_EPISODE);
}

void ctl_playback_tick(struct ctl_playback *pb)
{
	struct player_event ev;
	while (player_event_poll(pb->player, &ev) == 1) {
		on_event(pb, &ev);
		if (pb->listener.on_event && ev.session == (uint32_t)pb->now.session)
			pb->listener.on_event(pb->listener_user, &ev);
	}
	if (ctl_playback_next_deadline_ms(pb) == 0)
		save_resume(pb);
	if (pb->listener.on_update)
		pb->listener.on_update(pb->listener_user);
}

int ctl_playback_next_deadline_ms(const struct ctl_playback *pb)
{
	if (!resume_kept(&pb->now))
		return -1;
	int64_t left = pb->resume_saved_ms + RESUME_EVERY_MS - now_ms(pb);
	return left <= 0 ? 0 : left > RESUME_EVERY_MS ? RESUME_EVERY_MS : (int)left;
}

/* ---- reading ---- */

const struct ctl_now_playing *ctl_playback_now(const struct ctl_playback *pb)
{
	return &pb->now;
}

bool ctl_playback_is_live(const struct ctl_playback *pb)
{
	return pb->now.session > 0 && pb->now.kind == LIBRARY_LIVE && !pb->now.catchup;
}

int64_t ctl_playback_resume_saved_ms(const struct ctl_playback *pb)
{
	return pb->resume_saved_ms;
}

int ctl_playback_frame_acquire(struct ctl_playback *pb, struct player_video_frame *f)
{
	if (pb->now.session <= 0 || player_video_frame_acquire(pb->player, f) != 1)
		return 0;
	pb->now.width = f->width;
	pb->now.height = f->height;
	return 1;
}

void ctl_playback_frame_release(struct ctl_playback *pb)
{
	player_video_frame_release(pb->player);
}

void ctl_playback_info(struct ctl_playback *pb, struct player_info *out)
{
	player_info_get(pb->player, out);
}

struct player *ctl_playback_player(struct ctl_playback *pb)
{
	return pb->player;
}

static const char *state_name(enum player_state s)
{
	static const char *const names[] = { "idle",   "opening", "buffering", "playing",
					     "paused", "stalled", "ended",     "failed" };
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "unknown";
}

void ctl_playback_report(const struct ctl_playback *pb, json_t *obj)
{
	const struct ctl_now_playing *p = &pb->now;
	static const char *const kinds[] = { "live", "vod", "series", "episode" };
	json_t *o = json_object();
	json_object_set_new(o, "kind",
			    json_string(p->catchup              ? "catchup"
					: (unsigned)p->kind < 4 ? kinds[p->kind]
								: "unknown"));
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
	int64_t last = pb->svc.lineup ? ctl_lineup_recall(pb->svc.lineup) : 0;
	if (last)
		json_object_set_new(obj, "last_channel", json_integer(last));
}
