/* SPDX-License-Identifier: MIT */
/* The player object: what outlives a stream. The audio device (opened once, fed from a ring of
 * resampled chunks tagged with session and serial, so a zap silences the old stream at once), the
 * display slot the UI borrows pictures from, the subtitle slot, the event queue, and the reaper
 * thread that joins and frees the sessions a zap left behind, so player_open() never waits. */
#include "player_internal.h"

#include "plat_clock.h"
#include "plat_log.h"

#include <errno.h>
#include <libavutil/imgutils.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void player_limits_default(struct player_limits *l)
{
	*l = (struct player_limits){ .max_width = 4096,
				     .max_height = 2304,
				     .max_memory_mb = 64,
				     .hls_max_depth = 3,
				     .max_opens_per_s = 20,
				     .open_timeout_ms = 15000,
				     .nothing_playable_ms = 20000 };
}

void player_config_default(struct player_config *c)
{
	memset(c, 0, sizeof(*c));
	c->reconnect_max = 6;
	c->reconnect_window_ms = 60000;
	c->read_timeout_ms = 4000;
	c->live_latency_ms = 1000;
	c->deinterlace = true;
	player_limits_default(&c->limits);
}

/* A zero (or negative) field of the owner's limits takes the default. */
static void limits_fill(struct player_limits *l)
{
	struct player_limits d;
	player_limits_default(&d);
	if (l->max_width <= 0)
		l->max_width = d.max_width;
	if (l->max_height <= 0)
		l->max_height = d.max_height;
	if (!l->max_memory_mb)
		l->max_memory_mb = d.max_memory_mb;
	if (!l->hls_max_depth)
		l->hls_max_depth = d.hls_max_depth;
	if (!l->max_opens_per_s)
		l->max_opens_per_s = d.max_opens_per_s;
	if (!l->open_timeout_ms)
		l->open_timeout_ms = d.open_timeout_ms;
	if (!l->nothing_playable_ms)
		l->nothing_playable_ms = d.nothing_playable_ms;
}

const char *player_error_kind_name(enum player_error_kind k)
{
	switch (k) {
	case PLAYER_ERR_HTTP:
		return "http";
	case PLAYER_ERR_NET:
		return "net";
	case PLAYER_ERR_FFMPEG:
		return "ffmpeg";
	case PLAYER_ERR_DECODER:
		return "decoder";
	case PLAYER_ERR_NO_MEDIA:
		return "no_media";
	default:
		return "none";
	}
}

const char *player_refusal_name(enum player_refusal r)
{
	static const char *const names[] = { "none",          "tls_untrusted", "too_large",
					     "playlist_loop", "request_rate",  "nothing_playable" };
	return (unsigned)r < sizeof(names) / sizeof(names[0]) ? names[r] : "?";
}

const char *player_state_name(enum player_state s)
{
	static const char *const names[] = { "idle",   "opening", "buffering", "playing",
					     "paused", "stalled", "ended",     "failed" };
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

/* ---- events ---- */

void player_emit(struct player *p, struct player_event *ev)
{
	if (!ev->mono_us)
		ev->mono_us = plat_clock_mono_us();
	pthread_mutex_lock(&p->ev_lock);
	int cap = (int)(sizeof(p->events) / sizeof(p->events[0]));
	if (p->ev_count == cap) { /* keep the newest: drop the oldest */
		p->ev_rindex = (p->ev_rindex + 1) % cap;
		p->ev_count--;
	}
	p->events[(p->ev_rindex + p->ev_count) % cap] = *ev;
	p->ev_count++;
	pthread_mutex_unlock(&p->ev_lock);
	if (p->cfg.on_event)
		p->cfg.on_event(p->cfg.event_opaque, ev);
	player_wake(p);
}

void player_wake(struct player *p)
{
	pthread_mutex_lock(&p->wake_lock);
	if (p->wake)
		p->wake(p->wake_opaque);
	pthread_mutex_unlock(&p->wake_lock);
}

void player_set_wake(struct player *p, player_wake_fn fn, void *opaque)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->wake_lock);
	p->wake = fn;
	p->wake_opaque = opaque;
	pthread_mutex_unlock(&p->wake_lock);
}

int player_event_poll(struct player *p, struct player_event *ev)
{
	int got = 0;
	pthread_mutex_lock(&p->ev_lock);
	if (p->ev_count > 0) {
		*ev = p->events[p->ev_rindex];
		p->ev_rindex = (p->ev_rindex + 1) % (int)(sizeof(p->events) / sizeof(p->events[0]));
		p->ev_count--;
		got = 1;
	}
	pthread_mutex_unlock(&p->ev_lock);
	return got;
}

enum player_state player_state_get(const struct player *p)
{
	return (enum player_state)atomic_load(&((struct player *)p)->state);
}

/* ---- audio output ---- */

static void chunk_drop(struct audio_out *o)
{
	struct audio_chunk *c = &o->ring[o->rindex];
	o->bytes -= c->len - c->pos;
	free(c->data);
	memset(c, 0, sizeof(*c));
	o->rindex = (o->rindex + 1) % AUDIO_CHUNKS;
	o->count--;
}

static void apply_volume(int16_t *s, size_t n, int vol)
{
	if (vol >= 100)
		return;
	for (size_t i = 0; i < n; i++)
		s[i] = (int16_t)((int32_t)s[i] * vol / 100);
}

/* Runs on the device's thread. */
static void audio_pull(void *opaque, uint8_t *buf, size_t len)
{
	struct player *p = opaque;
	struct audio_out *o = &p->out;
	size_t bps = (size_t)o->spec.channels * 2;
	size_t done = 0;
	bool muted = atomic_load(&o->muted);
	int vol = atomic_load(&o->volume);
	pthread_mutex_lock(&o->lock);
	int64_t pts_after = AV_NOPTS_VALUE;
	if (!o->started && o->bytes >= o->start_bytes && o->count > 0)
		o->started = true;
	while (o->started && done < len && o->count > 0) {
		struct audio_chunk *c = &o->ring[o->rindex];
		if (c->session != o->session || c->serial != o->serial) {
			chunk_drop(o);
			continue;
		}
		size_t n = c->len - c->pos;
		if (n > len - done)
			n = len - done;
		memcpy(buf + done, c->data + c->pos, n);
		c->pos += n;
		o->bytes -= n;
		done += n;
		pts_after = c->pts_us + (int64_t)(c->pos / bps) * 1000000 / o->spec.sample_rate;
		if (c->pos == c->len)
			chunk_drop(o);
	}
	if (done < len)
		memset(buf + done, 0, len - done);
	if (muted)
		memset(buf, 0, done);
	else
		apply_volume((int16_t *)buf, done / 2, vol);
	bool was_underrun = o->underrun;
	if (pts_after != AV_NOPTS_VALUE) {
		/* the speaker plays the end of this buffer one device latency from now */
		o->clock_pts_us = pts_after - (int64_t)plat_audio_latency_us(o->dev);
		o->clock_mono_us = plat_clock_mono_us();
		o->clock_valid = true;
		o->samples_played += done / bps;
		o->underrun = done < len;
	} else if (o->clock_valid) {
		o->underrun = true;
	}
	if (o->count == 0 && o->start_bytes > 0)
		o->started = false; /* dry: build the cushion again */
	if (was_underrun != o->underrun || done > 0)
		pthread_cond_broadcast(&o->cond);
	pthread_mutex_unlock(&o->lock);
}

bool player_audio_clock(struct player *p, uint32_t session, int serial, int64_t *pts_us)
{
	struct audio_out *o = &p->out;
	bool ok = false;
	pthread_mutex_lock(&o->lock);
	if (o->clock_valid && o->session == session && o->serial == serial) {
		int64_t pts = o->clock_pts_us;
		if (!o->paused && !o->underrun)
			pts += (int64_t)(plat_clock_mono_us() - o->clock_mono_us);
		if (o->end_pts_us != AV_NOPTS_VALUE && pts > o->end_pts_us)
			pts = o->end_pts_us;
		*pts_us = pts;
		ok = true;
	}
	pthread_mutex_unlock(&o->lock);
	return ok;
}

void player_audio_reset(struct player *p, uint32_t session, int serial)
{
	struct audio_out *o = &p->out;
	pthread_mutex_lock(&o->lock);
	o->session = session;
	o->serial = serial;
	while (o->count > 0)
		chunk_drop(o);
	o->clock_valid = false;
	o->underrun = false;
	o->end_pts_us = AV_NOPTS_VALUE;
	o->started = false;
	o->start_bytes = 0;
	pthread_cond_broadcast(&o->cond);
	pthread_mutex_unlock(&o->lock);
}

void player_audio_prebuffer(struct player *p, uint32_t ms)
{
	struct audio_out *o = &p->out;
	pthread_mutex_lock(&o->lock);
	o->start_bytes = (size_t)o->spec.sample_rate * (size_t)o->spec.channels * 2 * ms / 1000;
	if (!ms)
		o->started = true;
	pthread_mutex_unlock(&o->lock);
}

void player_audio_wake(struct player *p)
{
	pthread_mutex_lock(&p->out.lock);
	pthread_cond_broadcast(&p->out.cond);
	pthread_mutex_unlock(&p->out.lock);
}

uint32_t player_audio_buffered_ms(struct player *p, uint32_t session)
{
	struct audio_out *o = &p->out;
	pthread_mutex_lock(&o->lock);
	uint64_t b = o->session == session ? o->bytes : 0;
	uint32_t ms = (uint32_t)(b * 1000 / ((uint64_t)o->spec.sample_rate * (uint64_t)o->spec.channels * 2));
	pthread_mutex_unlock(&o->lock);
	return ms;
}

int player_audio_push(struct player *p, uint8_t *data, size_t len, int64_t pts_us, uint32_t session,
		      int serial, _Atomic bool *abort)
{
	struct audio_out *o = &p->out;
	/* at most ~300 ms in the ring: the packet queue holds the rest, so a zap or seek drops little */
	size_t cap = (size_t)o->spec.sample_rate * (size_t)o->spec.channels * 2 * 3 / 10;
	pthread_mutex_lock(&o->lock);
	while (!atomic_load(abort) && o->session == session && o->serial == serial &&
	       (o->count == AUDIO_CHUNKS || o->bytes >= cap))
		pthread_cond_wait(&o->cond, &o->lock);
	if (atomic_load(abort) || o->session != session || o->serial != serial) {
		pthread_mutex_unlock(&o->lock);
		free(data);
		return atomic_load(abort) ? -1 : 0;
	}
	struct audio_chunk *c = &o->ring[(o->rindex + o->count) % AUDIO_CHUNKS];
	c->data = data;
	c->len = len;
	c->pos = 0;
	c->pts_us = pts_us;
	c->session = session;
	c->serial = serial;
	o->count++;
	o->bytes += len;
	o->end_pts_us =
	    pts_us + (int64_t)(len / ((size_t)o->spec.channels * 2)) * 1000000 / o->spec.sample_rate;
	pthread_mutex_unlock(&o->lock);
	return 0;
}

void player_set_volume(struct player *p, int percent)
{
	atomic_store(&p->out.volume, percent < 0 ? 0 : percent > 100 ? 100 : percent);
}

void player_set_muted(struct player *p, bool muted)
{
	atomic_store(&p->out.muted, muted);
}

/* ---- display and subtitles ---- */

void player_display_set(struct player *p, uint32_t session, AVFrame *frame)
{
	pthread_mutex_lock(&p->disp_lock);
	av_frame_free(&p->disp);
	p->disp = frame;
	p->disp_session = session;
	p->disp_seq++;
	pthread_mutex_unlock(&p->disp_lock);
	player_wake(p); /* a new picture is due */
}

int player_video_frame_acquire(struct player *p, struct player_video_frame *f)
{
	int rc = 0;
	pthread_mutex_lock(&p->disp_lock);
	if (p->disp && !p->borrowed) {
		p->borrowed = av_frame_clone(p->disp);
		if (p->borrowed) {
			AVFrame *b = p->borrowed;
			memset(f, 0, sizeof(*f));
			f->width = b->width;
			f->height = b->height;
			f->format = b->format == AV_PIX_FMT_NV12 ? PLAYER_PIXFMT_NV12 : PLAYER_PIXFMT_YUV420P;
			for (int i = 0; i < 3; i++) {
				f->planes[i] = b->data[i];
				f->linesize[i] = b->linesize[i];
			}
			f->pts_us = b->pts;
			f->sar_num = b->sample_aspect_ratio.num > 0 ? b->sample_aspect_ratio.num : 1;
			f->sar_den = b->sample_aspect_ratio.den > 0 ? b->sample_aspect_ratio.den : 1;
			f->seq = p->disp_seq;
			rc = 1;
		}
	}
	pthread_mutex_unlock(&p->disp_lock);
	return rc;
}

void player_video_frame_release(struct player *p)
{
	pthread_mutex_lock(&p->disp_lock);
	av_frame_free(&p->borrowed);
	pthread_mutex_unlock(&p->disp_lock);
}

/* Strips ASS override blocks ({...}) and turns \N, \n into new lines. */
static void ass_to_text(const char *ass, char *out, size_t cap)
{
	/* "ReadOrder,Layer,Style,Name,MarginL,MarginR,MarginV,Effect,Text": text after the 8th comma */
	const char *t = ass;
	for (int commas = 0; *t && commas < 8; t++)
		if (*t == ',')
			commas++;
	size_t n = strlen(out);
	bool in_tag = false;
	for (; *t && n + 1 < cap; t++) {
		if (*t == '{') {
			in_tag = true;
		} else if (*t == '}') {
			in_tag = false;
		} else if (!in_tag) {
			if (t[0] == '\\' && (t[1] == 'N' || t[1] == 'n')) {
				out[n++] = '\n';
				t++;
			} else if (t[0] == '\\' && t[1] == 'h') {
				out[n++] = ' ';
				t++;
			} else if (*t != '\r') {
				out[n++] = *t;
			}
		}
	}
	out[n] = '\0';
}

static void text_append(char *text, size_t cap, const char *more)
{
	size_t n = strlen(text);
	if (n + 1 < cap)
		snprintf(text + n, cap - n, "%s", more);
}

static void sub_clear_locked(struct player *p)
{
	if (p->sub_valid)
		avsubtitle_free(&p->sub);
	p->sub_valid = false;
	free(p->sub_rgba);
	p->sub_rgba = NULL;
	p->sub_text[0] = '\0';
}

void player_subtitle_set(struct player *p, uint32_t session, AVSubtitle *sub, int64_t start_us,
			 int64_t end_us, int video_w, int video_h)
{
	char text[512] = "";
	uint8_t *rgba = NULL;
	int x0 = 0, y0 = 0, w = 0, h = 0;
	bool bitmap = false;
	for (unsigned i = 0; i < sub->num_rects; i++) {
		AVSubtitleRect *r = sub->rects[i];
		if (r->type == SUBTITLE_BITMAP && !rgba && r->w > 0 && r->h > 0 && r->w <= 8192 &&
		    r->h <= 8192) {
			rgba = malloc((size_t)r->w * (size_t)r->h * 4);
			if (!rgba)
				continue;
			const uint32_t *pal = (const uint32_t *)r->data[1];
			for (int yy = 0; yy < r->h; yy++)
				for (int xx = 0; xx < r->w; xx++) {
					uint32_t argb = pal[r->data[0][yy * r->linesize[0] + xx]];
					uint8_t *d = rgba + ((size_t)yy * (size_t)r->w + (size_t)xx) * 4;
					d[0] = (uint8_t)(argb >> 16);
					d[1] = (uint8_t)(argb >> 8);
					d[2] = (uint8_t)argb;
					d[3] = (uint8_t)(argb >> 24);
				}
			x0 = r->x;
			y0 = r->y;
			w = r->w;
			h = r->h;
			bitmap = true;
		} else if (r->type == SUBTITLE_ASS && r->ass) {
			if (text[0])
				text_append(text, sizeof(text), "\n");
			ass_to_text(r->ass, text, sizeof(text));
		} else if (r->type == SUBTITLE_TEXT && r->text) {
			if (text[0])
				text_append(text, sizeof(text), "\n");
			text_append(text, sizeof(text), r->text);
		}
	}
	pthread_mutex_lock(&p->disp_lock);
	if (p->sub_borrowed) { /* the caller still reads the old overlay: keep it, drop this one */
		pthread_mutex_unlock(&p->disp_lock);
		free(rgba);
		avsubtitle_free(sub);
		return;
	}
	sub_clear_locked(p);
	p->sub = *sub;
	memset(sub, 0, sizeof(*sub));
	p->sub_valid = true;
	p->sub_session = session;
	p->sub_start_us = start_us;
	p->sub_end_us = end_us;
	p->sub_rgba = rgba;
	p->sub_bitmap = bitmap;
	p->sub_x = x0;
	p->sub_y = y0;
	p->sub_w = w;
	p->sub_h = h;
	p->sub_vw = video_w;
	p->sub_vh = video_h;
	snprintf(p->sub_text, sizeof(p->sub_text), "%s", text);
	p->sub_seq++;
	pthread_mutex_unlock(&p->disp_lock);
	player_wake(p);
}

int player_subtitle_acquire(struct player *p, struct player_subtitle *s)
{
	pthread_mutex_lock(&p->lock);
	struct player_session *cur = p->current;
	uint32_t sid = cur ? cur->id : 0;
	int64_t now = cur ? atomic_load(&cur->play_pts_us) : AV_NOPTS_VALUE;
	pthread_mutex_unlock(&p->lock);
	int rc = 0;
	pthread_mutex_lock(&p->disp_lock);
	if (p->sub_valid && !p->sub_borrowed && p->sub_session == sid && now != AV_NOPTS_VALUE &&
	    now >= p->sub_start_us && (p->sub_end_us == AV_NOPTS_VALUE || now < p->sub_end_us) &&
	    (p->sub_bitmap || p->sub_text[0])) {
		memset(s, 0, sizeof(*s));
		s->seq = p->sub_seq;
		s->bitmap = p->sub_bitmap;
		snprintf(s->text, sizeof(s->text), "%s", p->sub_text);
		s->x = p->sub_x;
		s->y = p->sub_y;
		s->w = p->sub_w;
		s->h = p->sub_h;
		s->video_w = p->sub_vw;
		s->video_h = p->sub_vh;
		s->rgba = p->sub_rgba;
		p->sub_borrowed = true;
		rc = 1;
	}
	pthread_mutex_unlock(&p->disp_lock);
	return rc;
}

void player_subtitle_release(struct player *p)
{
	pthread_mutex_lock(&p->disp_lock);
	p->sub_borrowed = false;
	pthread_mutex_unlock(&p->disp_lock);
}

/* ---- sessions ---- */

static void *reaper_thread(void *arg)
{
	struct player *p = arg;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->reap_list && !p->reaper_stop)
			pthread_cond_wait(&p->reap_cond, &p->lock);
		if (!p->reap_list)
			break;
		struct player_session *s = p->reap_list;
		p->reap_list = s->reap_next;
		pthread_mutex_unlock(&p->lock);
		player_session_free(&s);
		pthread_mutex_lock(&p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* Detaches the current session and hands it to the reaper. p->lock held. */
static void retire_current_locked(struct player *p)
{
	struct player_session *s = p->current;
	if (!s)
		return;
	p->current = NULL;
	player_session_abort(s);
	s->reap_next = p->reap_list;
	p->reap_list = s;
	pthread_cond_signal(&p->reap_cond);
}

/* FFmpeg's TLS takes its trust from one CA file (GnuTLS: instead of the system store): a bundle is
 * written to a private file of the player's. Sets p->ca_file (owned) from the copied config. */
static int trust_setup(struct player *p)
{
	const struct player_config *c = &p->cfg;
	if (!c->ca_bundle || !c->ca_bundle_len) {
		p->ca_file = c->ca_file && c->ca_file[0] ? strdup(c->ca_file) : NULL;
		return c->ca_file && c->ca_file[0] && !p->ca_file ? -ENOMEM : 0;
	}
	const char *dir = getenv("TMPDIR");
	char path[512];
	snprintf(path, sizeof(path), "%s/qanat-player-ca-XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path);
	bool ok = fd >= 0;
	for (size_t done = 0; ok && done < c->ca_bundle_len;) {
		ssize_t n = write(fd, c->ca_bundle + done, c->ca_bundle_len - done);
		ok = n > 0;
		done += ok ? (size_t)n : 0;
	}
	if (fd >= 0 && close(fd) < 0)
		ok = false;
	if (ok)
		p->ca_file = strdup(path);
	if (!ok || !p->ca_file) {
		if (fd >= 0)
			unlink(path);
		plat_log_warn("player", "the CA bundle cannot be written to %s", dir && *dir ? dir : "/tmp");
		return -EIO;
	}
	p->ca_file_owned = true;
	return 0;
}

static void trust_free(struct player *p)
{
	if (p->ca_file && p->ca_file_owned)
		unlink(p->ca_file);
	free(p->ca_file);
	p->ca_file = NULL;
}

int player_create(const struct player_config *config, struct player **out)
{
	if (!out)
		return -EINVAL;
	struct player *p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	if (config)
		p->cfg = *config;
	else
		player_config_default(&p->cfg);
	if (!p->cfg.reconnect_max)
		p->cfg.reconnect_max = 6;
	if (!p->cfg.reconnect_window_ms)
		p->cfg.reconnect_window_ms = 60000;
	if (!p->cfg.read_timeout_ms)
		p->cfg.read_timeout_ms = 4000;
	if (!p->cfg.live_latency_ms)
		p->cfg.live_latency_ms = 1000;
	limits_fill(&p->cfg.limits);
	p->decoders = strdup(p->cfg.decoders ? p->cfg.decoders : "");
	p->user_agent = strdup(p->cfg.user_agent ? p->cfg.user_agent : "Qanat");
	p->cfg.decoders = p->decoders;
	p->cfg.user_agent = p->user_agent;
	int trc = trust_setup(p);
	p->cfg.ca_bundle = NULL;
	p->cfg.ca_bundle_len = 0;
	p->cfg.ca_file = p->ca_file;
	pthread_mutex_init(&p->ev_lock, NULL);
	pthread_mutex_init(&p->wake_lock, NULL);
	p->wake = p->cfg.on_wake;
	p->wake_opaque = p->cfg.wake_opaque;
	pthread_mutex_init(&p->disp_lock, NULL);
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->reap_cond, NULL);
	pthread_mutex_init(&p->out.lock, NULL);
	pthread_cond_init(&p->out.cond, NULL);
	atomic_store(&p->out.volume, 100);
	p->out.end_pts_us = AV_NOPTS_VALUE;
	p->out.paused = true;
	int rc = trc < 0 ? trc : -ENOMEM;
	if (!p->decoders || !p->user_agent || trc < 0)
		goto fail;
	struct plat_audio_spec want = { .sample_rate = 48000, .channels = 2, .period = 1024 };
	rc = plat_audio_open(p->cfg.audio, &want, audio_pull, p, &p->out.dev, &p->out.spec);
	if (rc < 0 && p->cfg.audio && p->cfg.audio != &plat_audio_null) {
		plat_log_warn("player", "audio driver %s failed (%d): no sound", p->cfg.audio->name, rc);
		rc = plat_audio_open(&plat_audio_null, &want, audio_pull, p, &p->out.dev, &p->out.spec);
	}
	if (rc < 0)
		goto fail;
	if (pthread_create(&p->reaper, NULL, reaper_thread, p) != 0) {
		rc = -EAGAIN;
		plat_audio_close(&p->out.dev);
		goto fail;
	}
	*out = p;
	return 0;
fail:
	free(p->decoders);
	free(p->user_agent);
	trust_free(p);
	free(p);
	return rc;
}

void player_destroy(struct player **pp)
{
	if (!pp || !*pp)
		return;
	struct player *p = *pp;
	pthread_mutex_lock(&p->lock);
	retire_current_locked(p);
	p->reaper_stop = true;
	pthread_cond_signal(&p->reap_cond);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->reaper, NULL);
	plat_audio_close(&p->out.dev);
	player_audio_reset(p, 0, 0);
	av_frame_free(&p->disp);
	av_frame_free(&p->borrowed);
	sub_clear_locked(p);
	pthread_mutex_destroy(&p->ev_lock);
	pthread_mutex_destroy(&p->wake_lock);
	pthread_mutex_destroy(&p->disp_lock);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->reap_cond);
	pthread_mutex_destroy(&p->out.lock);
	pthread_cond_destroy(&p->out.cond);
	free(p->decoders);
	free(p->user_agent);
	trust_free(p);
	free(p);
	*pp = NULL;
}

static void clear_outputs(struct player *p, uint32_t session)
{
	player_audio_reset(p, session, 0);
	pthread_mutex_lock(&p->disp_lock);
	av_frame_free(&p->disp);
	p->disp_seq++;
	if (!p->sub_borrowed)
		sub_clear_locked(p);
	pthread_mutex_unlock(&p->disp_lock);
}

int player_open(struct player *p, const char *url, const struct player_open_options *opts)
{
	if (!p || !url || !*url)
		return -EINVAL;
	uint64_t t0 = plat_clock_mono_us();
	pthread_mutex_lock(&p->lock);
	retire_current_locked(p);
	uint32_t id = ++p->next_session;
	pthread_mutex_unlock(&p->lock);
	clear_outputs(p, id);

	struct player_event ev = {
		.type = PLAYER_EV_PLAY_REQUESTED, .mono_us = t0, .session = id, .state = PLAYER_STATE_OPENING
	};
	atomic_store(&p->state, PLAYER_STATE_OPENING);
	player_emit(p, &ev);

	struct player_session *s = NULL;
	int rc = player_session_start(p, &s, id, t0, url, opts);
	if (rc < 0) {
		atomic_store(&p->state, PLAYER_STATE_FAILED);
		return rc;
	}
	pthread_mutex_lock(&p->lock);
	p->current = s;
	pthread_mutex_unlock(&p->lock);
	return (int)id;
}

void player_stop(struct player *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	bool had = p->current != NULL;
	retire_current_locked(p);
	uint32_t id = ++p->next_session;
	pthread_mutex_unlock(&p->lock);
	clear_outputs(p, id);
	plat_audio_set_paused(p->out.dev, true);
	atomic_store(&p->state, PLAYER_STATE_IDLE);
	if (had) {
		struct player_event ev = { .type = PLAYER_EV_STATE,
					   .session = id - 1,
					   .state = PLAYER_STATE_IDLE };
		player_emit(p, &ev);
	}
}

int player_set_paused(struct player *p, bool paused)
{
	pthread_mutex_lock(&p->lock);
	struct player_session *s = p->current;
	if (!s) {
		pthread_mutex_unlock(&p->lock);
		return -EAGAIN;
	}
	pthread_mutex_lock(&s->lock);
	bool was = atomic_exchange(&s->paused, paused);
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	if (was != paused) {
		pthread_mutex_lock(&p->out.lock);
		p->out.paused = paused;
		/* the clock freezes while paused and restarts from where it stopped */
		if (p->out.clock_valid && paused)
			p->out.clock_pts_us += (int64_t)(plat_clock_mono_us() - p->out.clock_mono_us);
		p->out.clock_mono_us = plat_clock_mono_us();
		pthread_cond_broadcast(&p->out.cond);
		pthread_mutex_unlock(&p->out.lock);
		plat_audio_set_paused(p->out.dev, paused);
		pthread_mutex_lock(&s->frames.lock);
		pthread_cond_broadcast(&s->frames.cond);
		pthread_mutex_unlock(&s->frames.lock);
		session_set_state(s, paused ? PLAYER_STATE_PAUSED : PLAYER_STATE_PLAYING);
	}
	pthread_mutex_unlock(&p->lock);
	return 0;
}

int player_seek(struct player *p, int64_t position_ms)
{
	pthread_mutex_lock(&p->lock);
	struct player_session *s = p->current;
	int rc = -EAGAIN;
	if (s && s->opts.kind == PLAYER_KIND_LIVE) {
		rc = -ENOTSUP;
	} else if (s) {
		pthread_mutex_lock(&s->lock);
		s->seek_req_ms = position_ms < 0 ? 0 : position_ms;
		pthread_cond_broadcast(&s->cond);
		pthread_mutex_unlock(&s->lock);
		struct player_event ev = { .type = PLAYER_EV_SEEK,
					   .session = s->id,
					   .state = player_state_get(p) };
		ev.u.seek.to_ms = position_ms;
		player_emit(p, &ev);
		rc = 0;
	}
	pthread_mutex_unlock(&p->lock);
	return rc;
}

static void track_from_stream(const AVStream *st, struct player_track *t)
{
	memset(t, 0, sizeof(*t));
	t->id = st->index;
	enum AVMediaType mt = st->codecpar->codec_type;
	t->type = mt == AVMEDIA_TYPE_AUDIO      ? PLAYER_TRACK_AUDIO
		  : mt == AVMEDIA_TYPE_SUBTITLE ? PLAYER_TRACK_SUBTITLE
						: PLAYER_TRACK_VIDEO;
	const AVDictionaryEntry *e = av_dict_get(st->metadata, "language", NULL, 0);
	if (e)
		snprintf(t->lang, sizeof(t->lang), "%s", e->value);
	e = av_dict_get(st->metadata, "title", NULL, 0);
	if (e)
		snprintf(t->title, sizeof(t->title), "%s", e->value);
	snprintf(t->codec, sizeof(t->codec), "%s", avcodec_get_name(st->codecpar->codec_id));
	const AVCodecDescriptor *d = avcodec_descriptor_get(st->codecpar->codec_id);
	t->bitmap = d && (d->props & AV_CODEC_PROP_BITMAP_SUB);
}

int player_tracks_get(struct player *p, struct player_track *out, size_t cap, size_t *n)
{
	*n = 0;
	pthread_mutex_lock(&p->lock);
	struct player_session *s = p->current;
	int rc = -EAGAIN;
	if (s) {
		pthread_mutex_lock(&s->lock);
		if (s->ic) {
			rc = 0;
			for (unsigned i = 0; i < s->ic->nb_streams && *n < cap; i++) {
				const AVStream *st = s->ic->streams[i];
				enum AVMediaType mt = st->codecpar->codec_type;
				if ((mt != AVMEDIA_TYPE_AUDIO && mt != AVMEDIA_TYPE_SUBTITLE &&
				     mt != AVMEDIA_TYPE_VIDEO) ||
				    st->codecpar->codec_id == AV_CODEC_ID_NONE ||
				    (st->disposition & AV_DISPOSITION_ATTACHED_PIC))
					continue;
				track_from_stream(st, &out[*n]);
				enum stream_slot slot = mt == AVMEDIA_TYPE_AUDIO      ? SLOT_AUDIO
							: mt == AVMEDIA_TYPE_SUBTITLE ? SLOT_SUB
										      : SLOT_VIDEO;
				int want =
				    s->track_req[slot] != -2 ? s->track_req[slot] : s->dec[slot].stream_index;
				out[*n].selected = want == (int)i;
				(*n)++;
			}
		}
		pthread_mutex_unlock(&s->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return rc;
}

int player_track_select(struct player *p, enum player_track_type type, int id)
{
	if (type == PLAYER_TRACK_VIDEO)
		return -ENOTSUP;
	pthread_mutex_lock(&p->lock);
	struct player_session *s = p->current;
	int rc = -EAGAIN;
	if (s) {
		pthread_mutex_lock(&s->lock);
		enum AVMediaType want =
		    type == PLAYER_TRACK_AUDIO ? AVMEDIA_TYPE_AUDIO : AVMEDIA_TYPE_SUBTITLE;
		if (!s->ic) {
			rc = -EAGAIN;
		} else if (id == -1 && type == PLAYER_TRACK_SUBTITLE) {
			s->track_req[SLOT_SUB] = -1;
			rc = 0;
		} else if (id < 0 || (unsigned)id >= s->ic->nb_streams ||
			   s->ic->streams[id]->codecpar->codec_type != want) {
			rc = -ENOENT;
		} else {
			s->track_req[type == PLAYER_TRACK_AUDIO ? SLOT_AUDIO : SLOT_SUB] = id;
			rc = 0;
		}
		pthread_cond_broadcast(&s->cond);
		pthread_mutex_unlock(&s->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return rc;
}

void player_info_get(struct player *p, struct player_info *out)
{
	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&p->lock);
	struct player_session *s = p->current;
	if (s) {
		pthread_mutex_lock(&s->lock);
		*out = s->info;
		int64_t start = s->start_us, offset = s->pos_offset_ms;
		uint64_t stall_since = s->info_stall_since_us;
		pthread_mutex_unlock(&s->lock);
		/* the stall running now counts too (a run that ends in an outage shows it) */
		uint64_t now = plat_clock_mono_us();
		if (stall_since && now > stall_since)
			out->stall_ms += (uint32_t)((now - stall_since) / 1000);
		out->dropped_frames = atomic_load(&s->dropped);
		int64_t pts = atomic_load(&s->play_pts_us);
		if (pts != AV_NOPTS_VALUE && start != AV_NOPTS_VALUE)
			out->position_ms = (pts - start) / 1000 + offset;
	}
	out->state = player_state_get(p);
	pthread_mutex_unlock(&p->lock);
}
