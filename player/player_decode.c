/* SPDX-License-Identifier: MIT */
/* The decoder threads and the presenter. Video: the configured decoder order per codec (hardware
 * first, software after) with a fallback when one fails to open or errors mid-stream, frames
 * deinterlaced (bwdif) or converted to YUV420P only when they need it. Audio: resampled once to the
 * device format; on live, drift control keeps the play head near the edge (a slight speed-up by
 * resampler compensation, a jump when far behind). Subtitles: decoded to overlays. The presenter
 * paces pictures against the audio clock (or a system clock without audio), drops late ones,
 * detects stalls and reports first frame, stall, stats and end. */
#include "player_internal.h"

#include "plat_clock.h"
#include "plat_log.h"

#include <errno.h>
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/hwcontext.h>
#include <libavutil/pixdesc.h>
#include <libavutil/opt.h>
#include <stdlib.h>
#include <string.h>

/* ---- decoder choice ---- */

/* The n-th decoder name configured for codec (e.g. "h264=h264_v4l2m2m,h264"). Returns false when
 * the list has no n-th entry. */
static bool decoder_name(const char *cfg, const char *codec, int n, char *out, size_t cap)
{
	size_t clen = strlen(codec);
	const char *p = cfg;
	while (p && *p) {
		const char *end = strchr(p, ';');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len > clen && strncmp(p, codec, clen) == 0 && p[clen] == '=') {
			const char *q = p + clen + 1, *qend = p + len;
			for (int i = 0; q < qend; i++) {
				const char *c = memchr(q, ',', (size_t)(qend - q));
				size_t l = c ? (size_t)(c - q) : (size_t)(qend - q);
				if (i == n) {
					if (l + 1 > cap)
						return false;
					memcpy(out, q, l);
					out[l] = '\0';
					return true;
				}
				if (!c)
					break;
				q = c + 1;
			}
			return false;
		}
		p = end ? end + 1 : NULL;
	}
	return false;
}

static bool codec_is_hw(const AVCodec *c)
{
	return (c->capabilities & AV_CODEC_CAP_HARDWARE) || strstr(c->name, "v4l2m2m") ||
	       strstr(c->name, "_mmal") || strstr(c->name, "_rkmpp") || strstr(c->name, "_cuvid") ||
	       strstr(c->name, "_qsv") || strstr(c->name, "_mediacodec");
}

static void emit_decoder(struct decoder *d)
{
	struct player_session *s = d->s;
	if (atomic_load(&s->abort))
		return;
	struct player_event ev = { .type = PLAYER_EV_DECODER,
				   .mono_us = plat_clock_mono_us(),
				   .session = s->id,
				   .state = player_state_get(s->p) };
	snprintf(ev.u.decoder.name, sizeof(ev.u.decoder.name), "%s", d->name);
	ev.u.decoder.hardware = d->hw;
	player_emit(s->p, &ev);
	if (d->slot == SLOT_VIDEO) {
		pthread_mutex_lock(&s->lock);
		snprintf(s->info.decoder, sizeof(s->info.decoder), "%s", d->name);
		s->info.decoder_hardware = d->hw;
		pthread_mutex_unlock(&s->lock);
	}
}

/* Opens the first decoder that works from candidate `from` on. Returns 0 or a negative AVERROR. */
static int open_codec(struct decoder *d, const AVCodecParameters *par, int from)
{
	struct player_session *s = d->s;
	avcodec_free_context(&d->ctx);
	const char *cname = avcodec_get_name(par->codec_id);
	int last = AVERROR_DECODER_NOT_FOUND;
	for (int i = from; i < 8; i++) {
		char name[32];
		const AVCodec *c = NULL;
		bool listed = decoder_name(s->p->cfg.decoders, cname, i, name, sizeof(name));
		if (listed)
			c = avcodec_find_decoder_by_name(name);
		else if (i == from || i == 0)
			c = avcodec_find_decoder(par->codec_id); /* the list is exhausted: the default */
		else
			break;
		if (!c || c->id != par->codec_id) {
			if (listed)
				plat_log_info("player", "decoder %s not in this build", name);
			if (!listed)
				break;
			continue;
		}
		AVCodecContext *ctx = avcodec_alloc_context3(c);
		if (!ctx)
			return AVERROR(ENOMEM);
		avcodec_parameters_to_context(ctx, par);
		ctx->pkt_timebase = d->ctx_tb;
		if (d->slot == SLOT_VIDEO && !codec_is_hw(c))
			ctx->thread_count = 2;
		if (d->slot == SLOT_VIDEO) {
			/* the reader refuses a picture too large from its headers; this is the decoder's own
			 * guard for a codec without a parser (it allocates nothing beyond it) */
			const struct player_limits *l = &s->p->cfg.limits;
			ctx->max_pixels = (int64_t)FFALIGN(l->max_width, 16) * FFALIGN(l->max_height, 16);
		}
		AVDictionary *o = NULL;
		if (d->slot == SLOT_SUB)
			av_dict_set(&o, "sub_text_format", "ass", 0);
		int rc = avcodec_open2(ctx, c, &o);
		av_dict_free(&o);
		if (rc < 0) {
			char e[64];
			av_strerror(rc, e, sizeof(e));
			plat_log_info("player", "decoder %s failed to open (%s): falling back", c->name, e);
			avcodec_free_context(&ctx);
			last = rc;
			if (!listed)
				break;
			continue;
		}
		d->ctx = ctx;
		d->candidate = i;
		d->hw = codec_is_hw(c);
		snprintf(d->name, sizeof(d->name), "%s", c->name);
		if (d->slot != SLOT_SUB)
			emit_decoder(d);
		return 0;
	}
	return last;
}

/* ---- video ---- */

static void graph_free(struct decoder *d)
{
	avfilter_graph_free(&d->graph);
	d->src = d->sink = NULL;
}

static int graph_build(struct decoder *d, const AVFrame *f, bool deint)
{
	graph_free(d);
	d->graph = avfilter_graph_alloc();
	if (!d->graph)
		return AVERROR(ENOMEM);
	d->graph->nb_threads = 1;
	char args[256];
	int sn = f->sample_aspect_ratio.num > 0 ? f->sample_aspect_ratio.num : 1;
	int sd = f->sample_aspect_ratio.den > 0 ? f->sample_aspect_ratio.den : 1;
	snprintf(args, sizeof(args), "video_size=%dx%d:pix_fmt=%d:time_base=1/1000000:pixel_aspect=%d/%d",
		 f->width, f->height, f->format, sn, sd);
	int rc =
	    avfilter_graph_create_filter(&d->src, avfilter_get_by_name("buffer"), "in", args, NULL, d->graph);
	if (rc >= 0)
		rc = avfilter_graph_create_filter(&d->sink, avfilter_get_by_name("buffersink"), "out", NULL,
						  NULL, d->graph);
	if (rc < 0)
		return rc;
	const char *chain =
	    deint ? "bwdif=mode=send_frame:parity=auto:deint=interlaced,format=yuv420p" : "format=yuv420p";
	AVFilterInOut *out = avfilter_inout_alloc(), *in = avfilter_inout_alloc();
	if (!out || !in) {
		avfilter_inout_free(&out);
		avfilter_inout_free(&in);
		return AVERROR(ENOMEM);
	}
	out->name = av_strdup("in");
	out->filter_ctx = d->src;
	in->name = av_strdup("out");
	in->filter_ctx = d->sink;
	rc = avfilter_graph_parse_ptr(d->graph, chain, &in, &out, NULL);
	avfilter_inout_free(&out);
	avfilter_inout_free(&in);
	if (rc >= 0)
		rc = avfilter_graph_config(d->graph, NULL);
	if (rc < 0)
		return rc;
	d->graph_w = f->width;
	d->graph_h = f->height;
	d->graph_fmt = f->format;
	d->graph_interlaced = deint;
	return 0;
}

static void push_video(struct decoder *d, AVFrame *f, int serial)
{
	struct player_session *s = d->s;
	AVFrame *out = av_frame_clone(f);
	if (!out)
		return;
	if (pq_frames_push(&s->frames, out, serial) < 0)
		return;
}

static void on_video_frame(struct decoder *d, AVFrame *f, int serial)
{
	struct player_session *s = d->s;
	if (f->hw_frames_ctx) {
		AVFrame *sw = av_frame_alloc();
		if (!sw || av_hwframe_transfer_data(sw, f, 0) < 0) {
			av_frame_free(&sw);
			return;
		}
		av_frame_copy_props(sw, f);
		av_frame_unref(f);
		av_frame_move_ref(f, sw);
		av_frame_free(&sw);
	}
	f->pts = pq_ts_us(f->best_effort_timestamp, d->ctx_tb);
	if (f->pts == AV_NOPTS_VALUE)
		f->pts = d->next_pts_us;
	if (f->pts != AV_NOPTS_VALUE)
		d->next_pts_us =
		    f->pts + (f->pkt_duration > 0 ? pq_ts_us(f->pkt_duration, d->ctx_tb) : 40000);
	bool deint = s->p->cfg.deinterlace && (f->interlaced_frame || d->graph_interlaced);
	if (f->interlaced_frame) {
		pthread_mutex_lock(&s->lock);
		s->info.interlaced = true;
		pthread_mutex_unlock(&s->lock);
	}
	bool plain = f->format == AV_PIX_FMT_YUV420P || f->format == AV_PIX_FMT_NV12 ||
		     f->format == AV_PIX_FMT_YUVJ420P;
	if (plain && !deint) {
		if (f->format == AV_PIX_FMT_YUVJ420P)
			f->format = AV_PIX_FMT_YUV420P; /* same planes; full range noted in color_range */
		push_video(d, f, serial);
		return;
	}
	if (!d->graph || d->graph_w != f->width || d->graph_h != f->height || d->graph_fmt != f->format ||
	    d->graph_interlaced != deint) {
		int rc = graph_build(d, f, deint);
		if (rc < 0) {
			graph_free(d);
			session_emit_error(s, PLAYER_ERR_DECODER, false, 0, rc, NULL, d->name,
					   "video filter for %s failed", av_get_pix_fmt_name(f->format));
			return;
		}
	}
	if (av_buffersrc_add_frame_flags(d->src, f, AV_BUFFERSRC_FLAG_KEEP_REF) < 0)
		return;
	AVFrame *o = av_frame_alloc();
	/* bwdif and yadif halve the time base: bring the pts back to microseconds */
	AVRational tb = av_buffersink_get_time_base(d->sink);
	while (o && av_buffersink_get_frame(d->sink, o) >= 0) {
		if (o->pts != AV_NOPTS_VALUE)
			o->pts = av_rescale_q(o->pts, tb, AV_TIME_BASE_Q);
		push_video(d, o, serial);
		av_frame_unref(o);
	}
	av_frame_free(&o);
}

/* ---- audio ---- */

static int swr_setup(struct decoder *d, const AVFrame *f)
{
	struct player *p = d->s->p;
	if (d->swr && d->swr_rate == f->sample_rate && d->swr_fmt == f->format &&
	    av_channel_layout_compare(&d->swr_layout, &f->ch_layout) == 0)
		return 0;
	swr_free(&d->swr);
	AVChannelLayout out_layout;
	av_channel_layout_default(&out_layout, p->out.spec.channels);
	AVChannelLayout in_layout;
	if (f->ch_layout.nb_channels > 0)
		av_channel_layout_copy(&in_layout, &f->ch_layout);
	else
		av_channel_layout_default(&in_layout, 2);
	int rc = swr_alloc_set_opts2(&d->swr, &out_layout, AV_SAMPLE_FMT_S16, p->out.spec.sample_rate,
				     &in_layout, f->format, f->sample_rate, 0, NULL);
	if (rc >= 0)
		rc = swr_init(d->swr);
	av_channel_layout_uninit(&d->swr_layout);
	av_channel_layout_copy(&d->swr_layout, &in_layout);
	av_channel_layout_uninit(&in_layout);
	av_channel_layout_uninit(&out_layout);
	if (rc < 0) {
		swr_free(&d->swr);
		return rc;
	}
	d->swr_rate = f->sample_rate;
	d->swr_fmt = f->format;
	pthread_mutex_lock(&d->s->lock);
	d->s->info.audio_rate = f->sample_rate;
	d->s->info.audio_channels = f->ch_layout.nb_channels;
	pthread_mutex_unlock(&d->s->lock);
	return 0;
}

/* With video, audio waits (bounded) for the first picture of this epoch and starts with it, so a
 * zap shows picture and sound together and the audio clock starts where the picture is. Returns
 * false when this frame is to be dropped. */
static bool audio_align(struct decoder *d, int64_t pts)
{
	struct player_session *s = d->s;
	if (!atomic_load(&s->has_video))
		return true;
	if (atomic_load(&s->video_epoch) != d->epoch) {
		uint64_t until = plat_clock_mono_us() + 2000000;
		struct timespec dl;
		clock_gettime(CLOCK_MONOTONIC, &dl);
		dl.tv_sec += 2;
		pthread_mutex_lock(&s->lock);
		while (!atomic_load(&s->abort) && atomic_load(&s->video_epoch) != d->epoch &&
		       pq_serial(&d->q) == d->ctx_serial && plat_clock_mono_us() < until)
			pthread_cond_timedwait(&s->cond, &s->lock, &dl);
		pthread_mutex_unlock(&s->lock);
		if (atomic_load(&s->video_epoch) != d->epoch)
			return !atomic_load(&s->abort) &&
			       pq_serial(&d->q) == d->ctx_serial; /* no picture: play */
	}
	int64_t vpts = atomic_load(&s->video_epoch_pts);
	return pts == AV_NOPTS_VALUE || vpts == AV_NOPTS_VALUE || pts + 30000 >= vpts;
}

static void on_audio_frame(struct decoder *d, AVFrame *f, int serial)
{
	struct player_session *s = d->s;
	struct player *p = s->p;
	if (swr_setup(d, f) < 0)
		return;
	int64_t pts = pq_ts_us(f->best_effort_timestamp, d->ctx_tb);
	if (pts == AV_NOPTS_VALUE)
		pts = d->next_pts_us;
	int64_t dur = f->sample_rate > 0 ? (int64_t)f->nb_samples * 1000000 / f->sample_rate : 0;
	d->next_pts_us = pts != AV_NOPTS_VALUE ? pts + dur : AV_NOPTS_VALUE;
	if (!audio_align(d, pts))
		return;
	if (pts == AV_NOPTS_VALUE)
		pts = 0;
	int out_rate = p->out.spec.sample_rate;
	int max_out = swr_get_out_samples(d->swr, f->nb_samples) + 256;
	if (s->opts.kind == PLAYER_KIND_LIVE) {
		/* drift control: how far the play head is behind the newest data read */
		int64_t newest = atomic_load(&s->read_pts_us);
		int64_t behind = newest != AV_NOPTS_VALUE ? newest - pts : 0;
		int64_t target = (int64_t)p->cfg.live_latency_ms * 1000;
		if (behind > 3 * target && behind < 60000000) {
			return; /* far behind: drop until near the edge again (video drops its late frames) */
		}
		int n = (int)((int64_t)f->nb_samples * out_rate / f->sample_rate);
		swr_set_compensation(d->swr, behind > target + target / 2 ? -(n / 50) : 0, n);
	}
	size_t bps = (size_t)p->out.spec.channels * 2;
	uint8_t *buf = malloc((size_t)max_out * bps);
	if (!buf)
		return;
	uint8_t *outp[1] = { buf };
	int n = swr_convert(d->swr, outp, max_out, (const uint8_t **)f->extended_data, f->nb_samples);
	if (n <= 0) {
		free(buf);
		return;
	}
	/* pts of the output: the resampler's delay shifts it back a little */
	int64_t delay = swr_get_delay(d->swr, 1000000);
	player_audio_push(p, buf, (size_t)n * bps, pts - delay, s->id, serial, &s->abort);
}

/* ---- subtitles ---- */

static void on_subtitle_packet(struct decoder *d, AVPacket *pkt)
{
	struct player_session *s = d->s;
	AVSubtitle sub;
	int got = 0;
	if (avcodec_decode_subtitle2(d->ctx, &sub, &got, pkt) < 0 || !got)
		return;
	int64_t pts = sub.pts != AV_NOPTS_VALUE ? sub.pts : pq_ts_us(pkt->pts, d->ctx_tb);
	int64_t start = pts == AV_NOPTS_VALUE ? 0 : pts + (int64_t)sub.start_display_time * 1000;
	int64_t end = AV_NOPTS_VALUE;
	if (sub.end_display_time > sub.start_display_time && sub.end_display_time != UINT32_MAX)
		end = pts + (int64_t)sub.end_display_time * 1000;
	else if (pkt->duration > 0)
		end = start + pq_ts_us(pkt->duration, d->ctx_tb);
	int vw = d->ctx->width, vh = d->ctx->height;
	pthread_mutex_lock(&s->lock);
	if (!vw || !vh) {
		vw = s->info.width;
		vh = s->info.height;
	}
	pthread_mutex_unlock(&s->lock);
	if (sub.num_rects == 0) { /* a clear: end the current one */
		avsubtitle_free(&sub);
		return;
	}
	player_subtitle_set(s->p, s->id, &sub, start, end, vw, vh);
}

/* ---- the decoder thread ---- */

static void drain(struct decoder *d, AVFrame *f, int serial)
{
	while (avcodec_receive_frame(d->ctx, f) >= 0) {
		if (d->slot == SLOT_VIDEO)
			on_video_frame(d, f, serial);
		else
			on_audio_frame(d, f, serial);
		av_frame_unref(f);
	}
}

/* A hardware decoder that errors mid-stream hands over to the next one in the order. */
static void fall_back(struct decoder *d, int err)
{
	struct player_session *s = d->s;
	char old[32];
	snprintf(old, sizeof(old), "%s", d->name);
	pthread_mutex_lock(&s->lock);
	AVCodecParameters *par = avcodec_parameters_alloc();
	if (par && d->par)
		avcodec_parameters_copy(par, d->par);
	pthread_mutex_unlock(&s->lock);
	if (par && open_codec(d, par, d->candidate + 1) == 0)
		session_emit_error(s, PLAYER_ERR_DECODER, false, 0, err, NULL, old,
				   "decoder %s failed mid-stream, now %s", old, d->name);
	avcodec_parameters_free(&par);
}

void *player_decoder_thread(void *arg)
{
	struct decoder *d = arg;
	struct player_session *s = d->s;
	AVFrame *f = av_frame_alloc();
	if (!f)
		return NULL;
	int errors = 0;
	for (;;) {
		AVPacket *pkt = NULL;
		int serial = 0;
		if (pq_get(&d->q, &pkt, &serial, -1) < 0)
			break;
		if (serial != pq_serial(&d->q)) {
			av_packet_free(&pkt);
			continue;
		}
		pthread_mutex_lock(&s->lock);
		int gen = d->par_gen;
		AVCodecParameters *par = NULL;
		if (gen != d->ctx_gen && d->par && d->stream_index >= 0) {
			par = avcodec_parameters_alloc();
			if (par)
				avcodec_parameters_copy(par, d->par);
			d->ctx_tb = d->tb;
		}
		pthread_mutex_unlock(&s->lock);
		if (par) {
			d->ctx_gen = gen;
			graph_free(d);
			int rc = open_codec(d, par, 0);
			if (rc < 0)
				session_emit_error(s, PLAYER_ERR_DECODER, false, 0, rc, NULL,
						   avcodec_get_name(par->codec_id), "no decoder for %s",
						   avcodec_get_name(par->codec_id));
			avcodec_parameters_free(&par);
		}
		if (serial != d->ctx_serial) {
			if (d->ctx && d->slot != SLOT_SUB)
				avcodec_flush_buffers(d->ctx);
			d->ctx_serial = serial;
			d->epoch = atomic_load(&s->epoch);
			d->next_pts_us = AV_NOPTS_VALUE;
			d->keyframe_seen = false;
			atomic_store(&d->eof, false);
			if (d->slot == SLOT_AUDIO) {
				atomic_store(&s->audio_serial, serial);
				player_audio_reset(s->p, s->id, serial);
				/* radio: a short cushion before the first sample, and again after a dry spell */
				player_audio_prebuffer(s->p, atomic_load(&s->has_video) ? 0 : 250);
			}
		}
		if (!d->ctx) {
			av_packet_free(&pkt);
			continue;
		}
		/* a zap joins mid-GOP: what precedes the first keyframe cannot be decoded */
		if (d->slot == SLOT_VIDEO && pkt && !d->keyframe_seen) {
			if (!(pkt->flags & AV_PKT_FLAG_KEY)) {
				av_packet_free(&pkt);
				continue;
			}
			d->keyframe_seen = true;
		}
		if (d->slot == SLOT_SUB) {
			if (pkt)
				on_subtitle_packet(d, pkt);
			av_packet_free(&pkt);
			continue;
		}
		int rc = avcodec_send_packet(d->ctx, pkt);
		if (rc == AVERROR(EAGAIN)) {
			drain(d, f, serial);
			rc = avcodec_send_packet(d->ctx, pkt);
		}
		if (rc < 0 && rc != AVERROR_EOF && rc != AVERROR(EAGAIN) && rc != AVERROR_INVALIDDATA &&
		    d->hw) {
			fall_back(d, rc);
		} else if (rc == AVERROR_INVALIDDATA && ++errors % 50 == 1) {
			plat_log_info("player", "session %u: corrupt %s data (%d so far)", s->id, d->name,
				      errors);
		}
		drain(d, f, serial);
		if (!pkt) {
			/* end of stream: the decoder drained; start over if more comes (seek) */
			avcodec_flush_buffers(d->ctx);
			atomic_store(&d->eof, true);
			if (d->slot == SLOT_AUDIO)
				player_audio_prebuffer(s->p, 0);
			pthread_mutex_lock(&s->frames.lock);
			pthread_cond_broadcast(&s->frames.cond);
			pthread_mutex_unlock(&s->frames.lock);
			player_audio_wake(s->p);
		}
		av_packet_free(&pkt);
	}
	av_frame_free(&f);
	graph_free(d);
	swr_free(&d->swr);
	av_channel_layout_uninit(&d->swr_layout);
	avcodec_free_context(&d->ctx);
	return NULL;
}

/* ---- the presenter ---- */

struct presenter {
	struct player_session *s;
	int serial;         /* serial of the last picture shown, -1: none */
	int64_t last_pts;   /* media time of the last picture shown */
	uint64_t last_mono; /* when it was shown */
	int64_t frame_dur;  /* between the last two pictures */
	bool sys_valid;     /* system clock when there is no audio */
	int64_t sys_pts;
	uint64_t sys_mono;
	uint64_t next_stats;
	uint64_t last_bytes;
	uint64_t last_stats_mono;
	bool was_paused;
	bool ended;
};

static int64_t master_clock(struct presenter *pr, bool *valid)
{
	struct player_session *s = pr->s;
	int64_t pts;
	bool audio_done = atomic_load(&s->dec[SLOT_AUDIO].eof) && player_audio_buffered_ms(s->p, s->id) == 0;
	if (atomic_load(&s->has_audio) && !audio_done &&
	    player_audio_clock(s->p, s->id, atomic_load(&s->audio_serial), &pts)) {
		*valid = true;
		return pts;
	}
	if (pr->sys_valid) {
		*valid = true;
		return pr->sys_pts + (int64_t)(plat_clock_mono_us() - pr->sys_mono);
	}
	*valid = false;
	return AV_NOPTS_VALUE;
}

static void stall_begin(struct presenter *pr)
{
	struct player_session *s = pr->s;
	if (s->stalled || !atomic_load(&s->first_frame_emitted) || atomic_load(&s->abort))
		return;
	s->stalled = true;
	s->stall_start_us = plat_clock_mono_us();
	pthread_mutex_lock(&s->lock);
	s->info.stalls++;
	s->info_stall_since_us = s->stall_start_us;
	struct player_event ev = { .type = PLAYER_EV_STALL_START,
				   .mono_us = s->stall_start_us,
				   .session = s->id };
	ev.u.stall.count = s->info.stalls;
	ev.u.stall.total_ms = s->info.stall_ms;
	pthread_mutex_unlock(&s->lock);
	session_set_state(s, PLAYER_STATE_STALLED);
	ev.state = PLAYER_STATE_STALLED;
	player_emit(s->p, &ev);
}

static void stall_end(struct presenter *pr)
{
	struct player_session *s = pr->s;
	if (!s->stalled)
		return;
	s->stalled = false;
	uint64_t now = plat_clock_mono_us();
	uint32_t ms = (uint32_t)((now - s->stall_start_us) / 1000);
	pthread_mutex_lock(&s->lock);
	s->info.stall_ms += ms;
	s->info_stall_since_us = 0;
	struct player_event ev = { .type = PLAYER_EV_STALL_END, .mono_us = now, .session = s->id };
	ev.u.stall.duration_ms = ms;
	ev.u.stall.count = s->info.stalls;
	ev.u.stall.total_ms = s->info.stall_ms;
	pthread_mutex_unlock(&s->lock);
	session_set_state(s, PLAYER_STATE_PLAYING);
	ev.state = PLAYER_STATE_PLAYING;
	player_emit(s->p, &ev);
}

static uint32_t buffered_ms(struct presenter *pr)
{
	struct player_session *s = pr->s;
	int64_t newest = atomic_load(&s->read_pts_us);
	int64_t head = atomic_load(&s->play_pts_us);
	if (newest == AV_NOPTS_VALUE || head == AV_NOPTS_VALUE || newest < head)
		return 0;
	int64_t ms = (newest - head) / 1000;
	return ms > 600000 ? 0 : (uint32_t)ms;
}

static void periodic(struct presenter *pr)
{
	struct player_session *s = pr->s;
	uint64_t now = plat_clock_mono_us();
	bool valid;
	int64_t clk = master_clock(pr, &valid);
	if (valid && !(atomic_load(&s->has_video) && pr->serial < 0))
		atomic_store(&s->play_pts_us, clk);
	if (now < pr->next_stats)
		return;
	uint64_t bytes = atomic_load(&s->bytes_read);
	uint64_t dt = now - pr->last_stats_mono;
	uint32_t kbps = dt ? (uint32_t)((bytes - pr->last_bytes) * 8000 / dt) : 0;
	pr->last_bytes = bytes;
	pr->last_stats_mono = now;
	pr->next_stats = now + 2000000;
	uint32_t buf = buffered_ms(pr);
	struct player_info in;
	pthread_mutex_lock(&s->lock);
	s->info.bitrate_kbps = kbps;
	s->info.buffer_ms = buf;
	s->info.dropped_frames = atomic_load(&s->dropped);
	in = s->info;
	int64_t start = s->start_us;
	pthread_mutex_unlock(&s->lock);
	if (!atomic_load(&s->first_frame_emitted) || atomic_load(&s->abort))
		return;
	struct player_event ev = {
		.type = PLAYER_EV_STATS, .mono_us = now, .session = s->id, .state = player_state_get(s->p)
	};
	ev.u.stats.bitrate_kbps = kbps;
	ev.u.stats.buffer_ms = buf;
	ev.u.stats.dropped_frames = in.dropped_frames;
	int64_t head = atomic_load(&s->play_pts_us);
	ev.u.stats.position_ms =
	    head != AV_NOPTS_VALUE && start != AV_NOPTS_VALUE ? (head - start) / 1000 + s->pos_offset_ms : 0;
	ev.u.stats.duration_ms = in.duration_ms;
	ev.u.stats.playback_rate_x100 = atomic_load(&s->paused) ? 0 : 100;
	player_emit(s->p, &ev);
}

static void check_end(struct presenter *pr)
{
	struct player_session *s = pr->s;
	if (pr->ended || s->opts.kind == PLAYER_KIND_LIVE || !atomic_load(&s->read_eof))
		return;
	bool v_done = !atomic_load(&s->has_video) || atomic_load(&s->dec[SLOT_VIDEO].eof);
	bool a_done = !atomic_load(&s->has_audio) ||
		      (atomic_load(&s->dec[SLOT_AUDIO].eof) && player_audio_buffered_ms(s->p, s->id) == 0);
	pthread_mutex_lock(&s->frames.lock);
	bool empty = s->frames.count == 0;
	pthread_mutex_unlock(&s->frames.lock);
	if (!(v_done && a_done && empty))
		return;
	pr->ended = true;
	session_set_state(s, PLAYER_STATE_ENDED);
	struct player_event ev = { .type = PLAYER_EV_ENDED,
				   .mono_us = plat_clock_mono_us(),
				   .session = s->id,
				   .state = PLAYER_STATE_ENDED };
	if (!atomic_load(&s->abort))
		player_emit(s->p, &ev);
}

static void show(struct presenter *pr, AVFrame *f, int serial)
{
	struct player_session *s = pr->s;
	uint64_t now = plat_clock_mono_us();
	if (pr->serial == serial && f->pts > pr->last_pts && f->pts - pr->last_pts < 1000000)
		pr->frame_dur = f->pts - pr->last_pts;
	bool first_of_epoch = pr->serial != serial;
	pr->serial = serial;
	pr->last_pts = f->pts;
	pr->last_mono = now;
	bool valid;
	int64_t clk = master_clock(pr, &valid);
	/* the system clock follows the master, so it can take over when the audio runs out */
	pr->sys_valid = true;
	pr->sys_pts = valid && !first_of_epoch ? clk : f->pts;
	pr->sys_mono = now;
	if (first_of_epoch) {
		atomic_store(&s->video_epoch_pts, f->pts);
		pthread_mutex_lock(&s->lock);
		atomic_store(&s->video_epoch, atomic_load(&s->epoch));
		pthread_cond_broadcast(&s->cond);
		pthread_mutex_unlock(&s->lock);
	}
	pthread_mutex_lock(&s->lock);
	s->info.width = f->width;
	s->info.height = f->height;
	s->info.sar_num = f->sample_aspect_ratio.num > 0 ? f->sample_aspect_ratio.num : 1;
	s->info.sar_den = f->sample_aspect_ratio.den > 0 ? f->sample_aspect_ratio.den : 1;
	s->info.frames_shown++;
	if (valid && atomic_load(&s->has_audio) &&
	    player_audio_clock(s->p, s->id, atomic_load(&s->audio_serial), &clk))
		s->info.av_offset_ms = (int32_t)((f->pts - clk) / 1000);
	pthread_mutex_unlock(&s->lock);
	if (!atomic_load(&s->has_audio) || !valid)
		atomic_store(&s->play_pts_us, f->pts);
	player_display_set(s->p, s->id, f);
	stall_end(pr);
	session_first_frame(s);
}

/* No new picture for this long while playing is a stall: three frame times, at least 600 ms. */
static uint64_t stall_grace_us(const struct presenter *pr)
{
	return (uint64_t)(pr->frame_dur * 3 > 600000 ? pr->frame_dur * 3 : 600000);
}

/* When the picture shown last becomes a stall (0: no stall can begin now). */
static uint64_t stall_due(const struct presenter *pr)
{
	if (pr->serial < 0 || pr->s->stalled)
		return 0;
	return pr->last_mono + stall_grace_us(pr);
}

/* A stall is the picture standing still, whatever the reason: an empty ring, or pictures waiting
 * for an audio clock that stopped with the data. It lasts, across any reconnect, until a picture is
 * shown again (show() ends it). */
static void stall_check(struct presenter *pr, uint64_t now)
{
	struct player_session *s = pr->s;
	if (atomic_load(&s->paused) || atomic_load(&s->read_eof))
		return;
	uint64_t due = stall_due(pr);
	if (due && now >= due)
		stall_begin(pr);
}

static void resume_clock(struct presenter *pr, uint64_t now)
{
	pr->was_paused = false;
	pr->sys_pts = pr->last_pts;
	pr->sys_mono = now;
	pr->last_mono = now; /* the pause was not a stall */
}

/* Waits on the picture ring until deadline (mono us) or a signal. frames.lock held. */
static void frames_wait(struct player_session *s, uint64_t deadline_us)
{
	struct timespec dl = { .tv_sec = (time_t)(deadline_us / 1000000),
			       .tv_nsec = (long)(deadline_us % 1000000) * 1000 };
	/* plat_clock_mono_us is CLOCK_MONOTONIC: the same origin */
	pthread_cond_timedwait(&s->frames.cond, &s->frames.lock, &dl);
}

static void audio_only_step(struct presenter *pr)
{
	struct player_session *s = pr->s;
	struct player *p = s->p;
	bool valid;
	master_clock(pr, &valid);
	if (valid)
		session_first_frame(s);
	pthread_mutex_lock(&p->out.lock);
	bool underrun = p->out.session == s->id && p->out.underrun && !p->out.paused;
	if (!atomic_load(&s->abort) && !atomic_load(&s->has_video)) {
		struct timespec dl;
		clock_gettime(CLOCK_MONOTONIC, &dl);
		dl.tv_nsec += 250000000L;
		if (dl.tv_nsec >= 1000000000L) {
			dl.tv_nsec -= 1000000000L;
			dl.tv_sec++;
		}
		pthread_cond_timedwait(&p->out.cond, &p->out.lock, &dl);
	}
	pthread_mutex_unlock(&p->out.lock);
	if (underrun && !atomic_load(&s->read_eof) && atomic_load(&s->first_frame_emitted))
		stall_begin(pr);
	else if (!underrun && valid)
		stall_end(pr);
}

void *player_presenter_thread(void *arg)
{
	struct player_session *s = arg;
	struct presenter pr = { .s = s, .serial = -1, .frame_dur = 40000 };
	pr.last_stats_mono = plat_clock_mono_us();
	pr.next_stats = pr.last_stats_mono + 1000000;
	while (!atomic_load(&s->abort)) {
		periodic(&pr);
		check_end(&pr);
		if (!atomic_load(&s->has_video)) {
			audio_only_step(&pr);
			continue;
		}
		pthread_mutex_lock(&s->frames.lock);
		bool paused = atomic_load(&s->paused);
		if (paused || s->frames.count == 0) {
			uint64_t now = plat_clock_mono_us();
			uint64_t deadline = now + 250000;
			uint64_t due = stall_due(&pr);
			if (!paused && due > now && due < deadline)
				deadline = due;
			frames_wait(s, deadline);
			pthread_mutex_unlock(&s->frames.lock);
			now = plat_clock_mono_us();
			if (paused || atomic_load(&s->paused)) {
				pr.was_paused = true;
				continue;
			}
			if (pr.was_paused) /* the system clock restarts where it stopped */
				resume_clock(&pr, now);
			stall_check(&pr, now);
			continue;
		}
		if (pr.was_paused)
			resume_clock(&pr, plat_clock_mono_us());
		AVFrame *f = s->frames.frames[s->frames.rindex];
		int serial = s->frames.serials[s->frames.rindex];
		int cur = pq_serial(&s->dec[SLOT_VIDEO].q);
		bool pop = false, display = false;
		if (serial != cur) {
			pop = true; /* stale: before a seek or reconnect */
		} else if (pr.serial != serial || f->pts == AV_NOPTS_VALUE) {
			display = true; /* first picture of a stream, seek or reconnect: at once */
			pop = true;
		} else {
			bool valid;
			int64_t clk = master_clock(&pr, &valid);
			int64_t delay = valid ? f->pts - clk : 0;
			if (delay > 2000000 || delay < -5000000) {
				/* a jump in the time line (loop, discontinuity): follow it */
				pr.sys_pts = f->pts;
				pr.sys_mono = plat_clock_mono_us();
				display = pop = true;
			} else if (delay > 2000) {
				/* a picture waiting for a clock that stopped (the audio ran dry in an outage)
				 * is a stall too: wake in time to see it */
				uint64_t now = plat_clock_mono_us(), until = now + (uint64_t)delay;
				uint64_t due = stall_due(&pr);
				frames_wait(s, due > now && due < until ? due : until);
			} else if (delay < -100000 && s->frames.count > 1) {
				atomic_fetch_add(&s->dropped, 1);
				pop = true;
			} else {
				display = pop = true;
			}
		}
		if (pop)
			pq_frames_pop_locked(&s->frames);
		pthread_mutex_unlock(&s->frames.lock);
		if (display)
			show(&pr, f, serial);
		else if (pop)
			av_frame_free(&f);
		else
			stall_check(&pr, plat_clock_mono_us());
	}
	return NULL;
}
