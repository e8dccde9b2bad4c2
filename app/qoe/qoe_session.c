/* SPDX-License-Identifier: MIT */
/* From what happens to the records QOE.md's table asks for: the app's tune and leave, the player's
 * events of the bound player session, standby and box events. Runs on the caller's thread under
 * q->lock and only hands records to the worker. */
#include "qoe_internal.h"

#include "plat_clock.h"
#include "plat_redact.h"

#include <errno.h>
#include <libavutil/error.h>
#include <stdio.h>
#include <string.h>

static json_t *rec_new(const char *e, const char *sta)
{
	json_t *r = json_object();
	if (!r)
		return NULL;
	json_object_set_new(r, "v", json_integer(2));
	json_object_set_new(r, "e", json_string(e));
	if (sta)
		json_object_set_new(r, "sta", json_string(sta));
	return r;
}

static void set_int(json_t *r, const char *k, int64_t v)
{
	json_object_set_new(r, k, json_integer(v));
}

static void set_list1(json_t *r, const char *k, int64_t v)
{
	json_t *a = json_array();
	json_array_append_new(a, json_integer(v));
	json_object_set_new(r, k, a);
}

static void set_str(json_t *r, const char *k, const char *v)
{
	if (v && v[0])
		json_object_set_new(r, k, json_string(v));
}

/* Targets that take events of this kind. */
static uint32_t targets_for(struct qoe *q, uint32_t kind)
{
	uint32_t mask = 0;
	for (int t = 0; t < q->cfg.ntargets; t++)
		if (q->cfg.targets[t].events & kind)
			mask |= 1u << t;
	return mask;
}

static void emit(struct qoe *q, json_t *r, const char *event, uint32_t kind, bool urgent, uint64_t mono_us)
{
	qoe_push_locked(q, r, q->play.sid, event, urgent, mono_us, targets_for(q, kind));
}

static void emit_state(struct qoe *q, json_t *r, char sta, bool urgent, uint64_t mono_us)
{
	q->play.sta = sta;
	emit(q, r, "ps", QOE_EVENT_PS, urgent, mono_us);
}

static void add_stats(struct qoe *q, json_t *r)
{
	if (!q->play.have_stats)
		return;
	if (q->play.stats.bitrate_kbps)
		set_list1(r, "br", q->play.stats.bitrate_kbps);
	set_list1(r, "bl", q->play.stats.buffer_ms);
}

int qoe_session_start(struct qoe *q, const struct qoe_session_info *info)
{
	pthread_mutex_lock(&q->lock);
	qoe_session_stop_locked(q);
	struct qoe_play *p = &q->play;
	memset(p, 0, sizeof(*p));
	if (!q->reporting || !q->cfg.enabled) {
		pthread_mutex_unlock(&q->lock);
		return 0;
	}
	p->active = true;
	qoe_uuid4(p->sid);
	p->start_mono_us = info->requested_mono_us ? info->requested_mono_us : plat_clock_mono_us();
	p->sf = info->sf;
	json_t *r = rec_new("ps", "s");
	set_str(r, "cid", info->cid);
	json_object_set_new(r, "sf", json_string(info->sf == QOE_SF_HLS ? "h" : "o"));
	json_object_set_new(r, "st", json_string(info->st == QOE_ST_LIVE ? "l" : "v"));
	set_str(r, QOE_CUSTOM_PREFIX "chno", info->channel_number);
	set_str(r, QOE_CUSTOM_PREFIX "tune", info->tuned_by);
	emit_state(q, r, 's', false, p->start_mono_us);
	pthread_mutex_unlock(&q->lock);
	return 0;
}

void qoe_session_stop_locked(struct qoe *q)
{
	struct qoe_play *p = &q->play;
	if (!p->active)
		return;
	if (!p->ended) {
		json_t *r = rec_new("ps", "q");
		if (p->have_stats && p->first_frame && p->stats.position_ms >= 0)
			set_int(r, "pt", p->stats.position_ms);
		emit_state(q, r, 'q', true, 0);
	}
	p->active = false;
}

void qoe_session_stop(struct qoe *q)
{
	pthread_mutex_lock(&q->lock);
	qoe_session_stop_locked(q);
	pthread_mutex_unlock(&q->lock);
}

void qoe_session_sid(struct qoe *q, char out[37])
{
	pthread_mutex_lock(&q->lock);
	snprintf(out, QOE_SID_LEN, "%s", q->play.active ? q->play.sid : "");
	pthread_mutex_unlock(&q->lock);
}

/* AVERROR values as their macro names (tech.ffmpeg.<name>). */
static void averror_name(int err, char *out, size_t cap)
{
	static const struct {
		int code;
		const char *name;
	} tags[] = {
		{ AVERROR_BSF_NOT_FOUND, "BSF_NOT_FOUND" },
		{ AVERROR_BUG, "BUG" },
		{ AVERROR_BUFFER_TOO_SMALL, "BUFFER_TOO_SMALL" },
		{ AVERROR_DECODER_NOT_FOUND, "DECODER_NOT_FOUND" },
		{ AVERROR_DEMUXER_NOT_FOUND, "DEMUXER_NOT_FOUND" },
		{ AVERROR_EOF, "EOF" },
		{ AVERROR_EXIT, "EXIT" },
		{ AVERROR_EXTERNAL, "EXTERNAL" },
		{ AVERROR_INVALIDDATA, "INVALIDDATA" },
		{ AVERROR_OPTION_NOT_FOUND, "OPTION_NOT_FOUND" },
		{ AVERROR_PATCHWELCOME, "PATCHWELCOME" },
		{ AVERROR_PROTOCOL_NOT_FOUND, "PROTOCOL_NOT_FOUND" },
		{ AVERROR_STREAM_NOT_FOUND, "STREAM_NOT_FOUND" },
		{ AVERROR_UNKNOWN, "UNKNOWN" },
		{ AVERROR_HTTP_BAD_REQUEST, "HTTP_BAD_REQUEST" },
		{ AVERROR_HTTP_UNAUTHORIZED, "HTTP_UNAUTHORIZED" },
		{ AVERROR_HTTP_FORBIDDEN, "HTTP_FORBIDDEN" },
		{ AVERROR_HTTP_NOT_FOUND, "HTTP_NOT_FOUND" },
		{ AVERROR_HTTP_OTHER_4XX, "HTTP_OTHER_4XX" },
		{ AVERROR_HTTP_SERVER_ERROR, "HTTP_SERVER_ERROR" },
		{ AVERROR(EIO), "EIO" },
		{ AVERROR(ETIMEDOUT), "ETIMEDOUT" },
		{ AVERROR(ECONNRESET), "ECONNRESET" },
		{ AVERROR(ECONNREFUSED), "ECONNREFUSED" },
		{ AVERROR(ENOMEM), "ENOMEM" },
		{ AVERROR(EINVAL), "EINVAL" },
		{ AVERROR(EPIPE), "EPIPE" },
		{ AVERROR(EAGAIN), "EAGAIN" },
		{ AVERROR(ENOSYS), "ENOSYS" },
	};
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		if (tags[i].code == err) {
			snprintf(out, cap, "%s", tags[i].name);
			return;
		}
	}
	snprintf(out, cap, "E%d", err < 0 ? -err : err);
}

/* The `ec` string of a player error (QOE.md's business/technical prefixes). */
static void error_code(const struct player_event *ev, char *out, size_t cap)
{
	char name[40];
	switch (ev->u.error.kind) {
	case PLAYER_ERR_HTTP:
		snprintf(out, cap, "tech.http.%d", ev->u.error.http_status);
		break;
	case PLAYER_ERR_NET:
		snprintf(out, cap, "tech.net.%s", ev->u.error.net[0] ? ev->u.error.net : "unknown");
		break;
	case PLAYER_ERR_FFMPEG:
		averror_name(ev->u.error.averror, name, sizeof(name));
		snprintf(out, cap, "tech.ffmpeg.%s", name);
		break;
	case PLAYER_ERR_DECODER:
		snprintf(out, cap, "tech.decoder.%s", ev->u.error.codec[0] ? ev->u.error.codec : "unknown");
		break;
	case PLAYER_ERR_NO_MEDIA:
		snprintf(out, cap, "tech.media.unplayable");
		break;
	default:
		snprintf(out, cap, "tech.unknown");
		break;
	}
}

static void emit_error(struct qoe *q, const char *ec, bool fatal, uint64_t mono_us)
{
	struct qoe_play *p = &q->play;
	json_t *r = rec_new("e", NULL);
	json_t *list = json_array();
	json_array_append_new(list, json_string(ec));
	json_object_set_new(r, "ec", list);
	emit(q, r, "e", QOE_EVENT_E, true, mono_us);
	if (fatal) {
		emit_state(q, rec_new("ps", "f"), 'f', true, mono_us);
		p->ended = true;
	}
}

void qoe_session_error(struct qoe *q, const char *ec, bool fatal)
{
	pthread_mutex_lock(&q->lock);
	if (q->play.active && !q->play.ended && ec && ec[0])
		emit_error(q, ec, fatal, 0);
	pthread_mutex_unlock(&q->lock);
}

static void on_response(struct qoe *q, const struct player_event *ev)
{
	char url[256];
	json_t *r = rec_new("rr", NULL);
	set_int(r, "rc", ev->u.response.http_status);
	if (ev->u.response.ttfb_ms)
		set_int(r, "ttfb", ev->u.response.ttfb_ms);
	/* the player redacts already; once more costs nothing and guards the contract */
	if (ev->u.response.url[0] && plat_redact_url(ev->u.response.url, url, sizeof(url)) >= 0) {
		set_str(r, "url", url);
		bool manifest = strstr(url, ".m3u8") != NULL;
		json_object_set_new(r, "ot", json_string(manifest ? "m" : "av"));
	}
	emit(q, r, "rr", QOE_EVENT_RR, false, ev->mono_us);
}

static void on_first_frame(struct qoe *q, const struct player_event *ev)
{
	struct qoe_play *p = &q->play;
	if (p->first_frame)
		return;
	p->first_frame = true;
	json_t *r = rec_new("ps", "p");
	uint64_t at = ev->mono_us ? ev->mono_us : plat_clock_mono_us();
	set_int(r, "msd", at > p->start_mono_us ? (int64_t)((at - p->start_mono_us) / 1000u) : 0);
	add_stats(q, r);
	set_str(r, QOE_CUSTOM_PREFIX "dec", p->decoder);
	for (int t = 0; t < QOE_MAX_TARGETS; t++)
		p->last_t_mono_us[t] = at;
	emit_state(q, r, 'p', true, ev->mono_us);
}

static void on_stall(struct qoe *q, const struct player_event *ev, bool start)
{
	struct qoe_play *p = &q->play;
	if (!p->first_frame)
		return; /* before the first frame it is start-up, not a stall */
	if (start) {
		if (p->sta == 'r')
			return;
		p->stall_count = ev->u.stall.count > p->stall_count ? ev->u.stall.count : p->stall_count + 1;
		json_t *r = rec_new("ps", "r");
		set_list1(r, "bl", 0);
		set_list1(r, "bsa", p->stall_count);
		emit_state(q, r, 'r', false, ev->mono_us);
		return;
	}
	if (p->sta != 'r')
		return;
	uint32_t d = ev->u.stall.duration_ms;
	p->stall_total_ms =
	    ev->u.stall.total_ms >= p->stall_total_ms + d ? ev->u.stall.total_ms : p->stall_total_ms + d;
	json_t *r = rec_new("ps", "p");
	set_list1(r, "bsa", p->stall_count);
	set_list1(r, "bsd", d);
	set_list1(r, "bsda", p->stall_total_ms);
	emit_state(q, r, 'p', false, ev->mono_us);
}

/* e=t to every target whose interval has passed since its last one. */
static void on_stats(struct qoe *q, const struct player_event *ev)
{
	struct qoe_play *p = &q->play;
	p->have_stats = true;
	p->stats.bitrate_kbps = ev->u.stats.bitrate_kbps;
	p->stats.buffer_ms = ev->u.stats.buffer_ms;
	p->stats.dropped_frames = ev->u.stats.dropped_frames;
	p->stats.position_ms = ev->u.stats.position_ms;
	if (!p->first_frame)
		return;
	uint64_t now = ev->mono_us ? ev->mono_us : plat_clock_mono_us();
	uint32_t mask = 0;
	for (int t = 0; t < q->cfg.ntargets; t++) {
		if (!(q->cfg.targets[t].events & QOE_EVENT_T))
			continue;
		if (now >= p->last_t_mono_us[t] + (uint64_t)q->cfg.targets[t].interval_ms * 1000u) {
			mask |= 1u << t;
			p->last_t_mono_us[t] = now;
		}
	}
	if (!mask)
		return;
	json_t *r = rec_new("t", NULL);
	char sta[2] = { p->sta, '\0' };
	set_str(r, "sta", sta);
	add_stats(q, r);
	if (p->sta == 'r')
		set_list1(r, "bl", 0);
	if (p->stats.position_ms >= 0)
		set_int(r, "pt", p->stats.position_ms);
	set_int(r, "dfa", p->stats.dropped_frames);
	set_list1(r, "bsa", p->stall_count);
	set_list1(r, "bsda", p->stall_total_ms);
	qoe_push_locked(q, r, p->sid, "t", false, ev->mono_us, mask);
}

static void on_state(struct qoe *q, const struct player_event *ev)
{
	struct qoe_play *p = &q->play;
	if (!p->first_frame)
		return;
	if (ev->state == PLAYER_STATE_PAUSED && p->sta != 'a')
		emit_state(q, rec_new("ps", "a"), 'a', false, ev->mono_us);
	else if (ev->state == PLAYER_STATE_PLAYING && (p->sta == 'a' || p->sta == 'k'))
		emit_state(q, rec_new("ps", "p"), 'p', false, ev->mono_us);
	else if (ev->state == PLAYER_STATE_ENDED && !p->ended) {
		emit_state(q, rec_new("ps", "e"), 'e', false, ev->mono_us);
		p->ended = true;
	}
}

void qoe_on_player_event(struct qoe *q, const struct player_event *ev)
{
	pthread_mutex_lock(&q->lock);
	struct qoe_play *p = &q->play;
	if (!p->active || p->ended) {
		pthread_mutex_unlock(&q->lock);
		return;
	}
	if (ev->type == PLAYER_EV_PLAY_REQUESTED && !p->bound) {
		p->bound = true;
		p->player_session = ev->session;
	}
	if (!p->bound || ev->session != p->player_session) {
		pthread_mutex_unlock(&q->lock);
		return; /* a stream zapped away from, or one this session never opened */
	}
	char ec[96];
	switch (ev->type) {
	case PLAYER_EV_PLAY_REQUESTED:
		break;
	case PLAYER_EV_RESPONSE:
		on_response(q, ev);
		break;
	case PLAYER_EV_FIRST_FRAME:
		on_first_frame(q, ev);
		break;
	case PLAYER_EV_STATE:
		on_state(q, ev);
		break;
	case PLAYER_EV_STALL_START:
	case PLAYER_EV_STALL_END:
		on_stall(q, ev, ev->type == PLAYER_EV_STALL_START);
		break;
	case PLAYER_EV_ERROR:
		error_code(ev, ec, sizeof(ec));
		emit_error(q, ec, ev->u.error.fatal, ev->mono_us);
		break;
	case PLAYER_EV_STATS:
		on_stats(q, ev);
		break;
	case PLAYER_EV_SEEK:
		if (p->first_frame && p->sta != 'k')
			emit_state(q, rec_new("ps", "k"), 'k', false, ev->mono_us);
		break;
	case PLAYER_EV_DECODER:
		snprintf(p->decoder, sizeof(p->decoder), "%s%s", ev->u.decoder.name,
			 ev->u.decoder.hardware ? "/hw" : "");
		break;
	case PLAYER_EV_ENDED:
		if (!p->ended) {
			emit_state(q, rec_new("ps", "e"), 'e', false, ev->mono_us);
			p->ended = true;
		}
		break;
	}
	pthread_mutex_unlock(&q->lock);
}

void qoe_standby(struct qoe *q, bool entering)
{
	pthread_mutex_lock(&q->lock);
	if (q->reporting && q->cfg.enabled) {
		json_t *r = rec_new("b", NULL);
		if (entering)
			json_object_set_new(r, "bg", json_true());
		qoe_push_locked(q, r, q->app_sid, "b", entering, 0, targets_for(q, QOE_EVENT_B));
	}
	if (entering) {
		q->flush_until_ms = plat_clock_mono_ms() + q->cfg.flush_cap_ms;
		q->flush_capped = true;
		pthread_cond_signal(&q->wake);
	}
	pthread_mutex_unlock(&q->lock);
}

int qoe_box_event(struct qoe *q, const char *name, const char *const *keys, const char *const *values,
		  size_t n)
{
	if (!name || !name[0])
		return -EINVAL;
	json_t *r = rec_new("ce", NULL);
	set_str(r, "cen", name);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(keys[i], "ec") == 0) { /* CMCD's own error-code list: biz.xtream.* */
			json_t *list = json_array();
			json_array_append_new(list, json_string(values[i] ? values[i] : ""));
			json_object_set_new(r, "ec", list);
			continue;
		}
		char key[64];
		snprintf(key, sizeof(key), QOE_CUSTOM_PREFIX "%s", keys[i]);
		json_object_set_new(r, key, json_string(values[i] ? values[i] : ""));
	}
	if (qoe_record_validate(r) < 0) {
		json_decref(r);
		return -EINVAL;
	}
	pthread_mutex_lock(&q->lock);
	qoe_push_locked(q, r, q->app_sid, "ce", false, 0, targets_for(q, QOE_EVENT_CE));
	pthread_mutex_unlock(&q->lock);
	return 0;
}
