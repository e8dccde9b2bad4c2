/* SPDX-License-Identifier: MIT */
/* One stream being played: its reader thread (network + demux), opening with bounded probing for a
 * fast zap, routing packets to the decoders, seeks and track switches, and self-healing: a live
 * stream that ends or is cut is reopened from its canonical URL with back-off, a VOD resumes at its
 * position, a catch-up programme asks its owner for a URL with a later start. Errors are classified
 * once, here: HTTP status, network cause, AVERROR name. FFmpeg's own log goes through plat_log so
 * its URLs are redacted, and the "HTTP error NNN" line gives the exact status of a 5xx. */
#include "player_internal.h"

#include "plat_clock.h"
#include "plat_log.h"
#include "plat_redact.h"

#include <errno.h>
#include <libavutil/opt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The reader thread whose FFmpeg calls are logging right now, so that the log callback can file the
 * exact HTTP status with the right session (per thread, not a shared global). */
static _Thread_local int *tls_http_status;
/* The session whose reader runs on this thread: FFmpeg tells a certificate that did not verify only
 * in its log (the error code is a plain EIO). */
static _Thread_local struct player_session *tls_reader;

static bool is_certificate_failure(const char *line)
{
	/* GnuTLS: "Peer certificate failed verification", "Unable to verify peer certificate: ...",
	 * "The certificate's owner does not match hostname ..."; OpenSSL: "certificate verify failed" */
	return strstr(line, "certificate") && (strstr(line, "verif") || strstr(line, "does not match"));
}

static void ff_log(void *avcl, int level, const char *fmt, va_list vl)
{
	(void)avcl;
	char line[512];
	vsnprintf(line, sizeof(line), fmt, vl);
	const char *e = strstr(line, "HTTP error ");
	if (e && tls_http_status) {
		long code = strtol(e + 11, NULL, 10);
		if (code >= 400 && code < 600)
			*tls_http_status = (int)code;
	}
	if (tls_reader && is_certificate_failure(line))
		atomic_store(&tls_reader->io.tls_untrusted, true);
	size_t n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	if (!n)
		return;
	/* FFmpeg's errors reach the viewer and QoE as typed player events; its log lines are for
	 * debugging, and a live join mid-GOP prints dozens of harmless ones ("non-existing PPS"). */
	if (level <= AV_LOG_FATAL)
		plat_log_warn("ffmpeg", "%s", line);
	else if (level <= AV_LOG_WARNING)
		plat_log_info("ffmpeg", "%s", line);
	else if (level <= AV_LOG_VERBOSE)
		plat_log_debug("ffmpeg", "%s", line);
}

static pthread_once_t ff_once = PTHREAD_ONCE_INIT;
static void ff_init(void)
{
	av_log_set_callback(ff_log);
	avformat_network_init();
}

/* ---- events ---- */

static struct player_event ev_new(struct player_session *s, enum player_event_type type)
{
	struct player_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.mono_us = plat_clock_mono_us();
	ev.session = s->id;
	ev.state = player_state_get(s->p);
	return ev;
}

/* Events of a session the viewer zapped away from are dropped. */
static bool is_current(struct player_session *s)
{
	return !atomic_load(&s->abort);
}

void session_set_state(struct player_session *s, enum player_state st)
{
	pthread_mutex_lock(&s->emit_lock);
	if (!is_current(s) || player_state_get(s->p) == st) {
		pthread_mutex_unlock(&s->emit_lock);
		return;
	}
	/* a failed or ended stream only leaves that state by a new open */
	enum player_state old = player_state_get(s->p);
	if ((old == PLAYER_STATE_FAILED || old == PLAYER_STATE_ENDED) && st != PLAYER_STATE_OPENING) {
		pthread_mutex_unlock(&s->emit_lock);
		return;
	}
	atomic_store(&s->p->state, st);
	pthread_mutex_lock(&s->lock);
	s->info.state = st;
	pthread_mutex_unlock(&s->lock);
	struct player_event ev = ev_new(s, PLAYER_EV_STATE);
	ev.state = st;
	player_emit(s->p, &ev);
	pthread_mutex_unlock(&s->emit_lock);
}

void session_emit_error(struct player_session *s, enum player_error_kind kind, bool fatal, int http_status,
			int averror, const char *net, const char *codec, const char *fmt, ...)
{
	if (!is_current(s))
		return;
	struct player_event ev = ev_new(s, PLAYER_EV_ERROR);
	ev.u.error.kind = kind;
	ev.u.error.fatal = fatal;
	ev.u.error.http_status = http_status;
	ev.u.error.averror = averror;
	if (net)
		snprintf(ev.u.error.net, sizeof(ev.u.error.net), "%s", net);
	if (codec)
		snprintf(ev.u.error.codec, sizeof(ev.u.error.codec), "%s", codec);
	char msg[sizeof(ev.u.error.message)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	plat_redact_text(msg, ev.u.error.message, sizeof(ev.u.error.message));
	plat_log_warn("player", "session %u: %s%s", s->id, fatal ? "fatal: " : "", ev.u.error.message);
	player_emit(s->p, &ev);
	if (fatal)
		session_set_state(s, PLAYER_STATE_FAILED);
}

void session_first_frame(struct player_session *s)
{
	if (atomic_exchange(&s->first_frame_emitted, true) || !is_current(s))
		return;
	uint64_t now = plat_clock_mono_us();
	uint32_t ms = (uint32_t)((now - s->t0_us) / 1000);
	pthread_mutex_lock(&s->lock);
	s->info.first_frame_ms = ms ? ms : 1;
	pthread_mutex_unlock(&s->lock);
	struct player_event ev = ev_new(s, PLAYER_EV_FIRST_FRAME);
	ev.mono_us = now;
	ev.u.first_frame.since_request_ms = ms;
	player_emit(s->p, &ev);
	plat_log_info("player", "session %u: first frame after %u ms", s->id, ms);
	session_set_state(s, atomic_load(&s->paused) ? PLAYER_STATE_PAUSED : PLAYER_STATE_PLAYING);
}

/* ---- error classification ---- */

struct failure {
	enum player_error_kind kind;
	int http_status;
	int averror;
	const char *net;
	bool business;               /* 4xx: retrying will not help */
	enum player_refusal refusal; /* a rule of the box refused the stream: fatal at once */
	int width, height;           /* PLAYER_REFUSAL_TOO_LARGE */
};

static struct failure classify(int err, int logged_status)
{
	struct failure f = { .kind = PLAYER_ERR_FFMPEG, .averror = err };
	switch (err) {
	case AVERROR_HTTP_BAD_REQUEST:
		f.http_status = 400;
		break;
	case AVERROR_HTTP_UNAUTHORIZED:
		f.http_status = 401;
		break;
	case AVERROR_HTTP_FORBIDDEN:
		f.http_status = 403;
		break;
	case AVERROR_HTTP_NOT_FOUND:
		f.http_status = 404;
		break;
	case AVERROR_HTTP_OTHER_4XX:
		f.http_status = logged_status ? logged_status : 400;
		break;
	case AVERROR_HTTP_SERVER_ERROR:
		f.http_status = logged_status ? logged_status : 500;
		break;
	case AVERROR(ECONNREFUSED):
	case AVERROR(EHOSTUNREACH):
	case AVERROR(ENETUNREACH):
		f.net = "connect";
		break;
	case AVERROR(ETIMEDOUT):
		f.net = "timeout";
		break;
	case AVERROR(ECONNRESET):
	case AVERROR(EPIPE):
		f.net = "reset";
		break;
	default:
		break;
	}
	if (f.http_status) {
		f.kind = PLAYER_ERR_HTTP;
		f.business = f.http_status < 500;
	} else if (f.net) {
		f.kind = PLAYER_ERR_NET;
	} else if (err == AVERROR_INVALIDDATA || err == AVERROR_STREAM_NOT_FOUND ||
		   err == AVERROR_DEMUXER_NOT_FOUND || err == AVERROR_EOF) {
		f.kind = PLAYER_ERR_NO_MEDIA;
	}
	return f;
}

/* The sentence of a refusal, for the log, `qanat play` and QoE (the UI says its own translation). */
static void emit_refusal(struct player_session *s, const struct failure *f)
{
	if (!is_current(s))
		return;
	struct player_limits *l = &s->p->cfg.limits;
	struct player_event ev = ev_new(s, PLAYER_EV_ERROR);
	ev.u.error.kind = f->kind;
	ev.u.error.fatal = true;
	ev.u.error.averror = f->averror;
	ev.u.error.refusal = f->refusal;
	if (f->net)
		snprintf(ev.u.error.net, sizeof(ev.u.error.net), "%s", f->net);
	char *m = ev.u.error.message;
	size_t cap = sizeof(ev.u.error.message);
	switch (f->refusal) {
	case PLAYER_REFUSAL_TLS_UNTRUSTED:
		snprintf(m, cap, "The stream's server certificate is not trusted.");
		break;
	case PLAYER_REFUSAL_TOO_LARGE:
		ev.u.error.width = f->width;
		ev.u.error.height = f->height;
		ev.u.error.max_width = l->max_width;
		ev.u.error.max_height = l->max_height;
		snprintf(m, cap, "This channel's picture (%dx%d) is larger than this box can show (%dx%d).",
			 f->width, f->height, l->max_width, l->max_height);
		break;
	case PLAYER_REFUSAL_PLAYLIST_LOOP:
		snprintf(m, cap, "This channel's playlist points to itself or nests too deep.");
		break;
	case PLAYER_REFUSAL_REQUEST_RATE:
		snprintf(m, cap, "This channel asks for more requests than this box allows.");
		break;
	default:
		snprintf(m, cap, "This channel sends nothing this box can play.");
		break;
	}
	plat_log_warn("player", "session %u: fatal: %s", s->id, m);
	player_emit(s->p, &ev);
	session_set_state(s, PLAYER_STATE_FAILED);
}

/* What the session's I/O found out about a failed open or read: a rule that refused, a certificate
 * that did not verify, the open deadline. */
static void io_findings(struct player_session *s, struct failure *f)
{
	if (atomic_load(&s->io.tls_untrusted)) {
		*f = (struct failure){ .kind = PLAYER_ERR_NET,
				       .net = "tls",
				       .averror = f->averror,
				       .refusal = PLAYER_REFUSAL_TLS_UNTRUSTED };
		return;
	}
	int why = atomic_load(&s->io.refusal);
	if (why != PLAYER_REFUSAL_NONE) {
		*f = (struct failure){ .kind = PLAYER_ERR_NO_MEDIA,
				       .averror = f->averror,
				       .refusal = (enum player_refusal)why,
				       .width = s->io.refused_w,
				       .height = s->io.refused_h };
		return;
	}
	if (player_io_nothing_playable(s)) {
		*f = (struct failure){ .kind = PLAYER_ERR_NO_MEDIA,
				       .averror = f->averror,
				       .refusal = PLAYER_REFUSAL_NOTHING_PLAYABLE };
		return;
	}
	if (atomic_load(&s->io.deadline_hit) && !f->http_status) {
		f->kind = PLAYER_ERR_NET;
		f->net = "timeout";
	}
}

static void emit_failure(struct player_session *s, const struct failure *f, bool fatal, const char *what)
{
	if (f->refusal != PLAYER_REFUSAL_NONE) {
		emit_refusal(s, f);
		return;
	}
	char reason[64];
	av_strerror(f->averror, reason, sizeof(reason));
	if (f->kind == PLAYER_ERR_HTTP)
		session_emit_error(s, f->kind, fatal, f->http_status, f->averror, NULL, NULL,
				   "%s %s: HTTP %d", what, s->redacted, f->http_status);
	else if (f->kind == PLAYER_ERR_NET)
		session_emit_error(s, f->kind, fatal, 0, f->averror, f->net, NULL, "%s %s: network %s (%s)",
				   what, s->redacted, f->net, reason);
	else if (f->kind == PLAYER_ERR_NO_MEDIA)
		session_emit_error(s, f->kind, fatal, 0, f->averror, NULL, NULL,
				   "%s %s: nothing playable (%s)", what, s->redacted, reason);
	else
		session_emit_error(s, f->kind, fatal, 0, f->averror, NULL, NULL, "%s %s: %s", what,
				   s->redacted, reason);
}

/* ---- opening ---- */

static bool is_live(const struct player_session *s)
{
	return s->opts.kind == PLAYER_KIND_LIVE;
}

/* A picture larger than the box's limits, before any decoder allocates it. */
static bool too_large(struct player_session *s, int w, int h)
{
	const struct player_limits *l = &s->p->cfg.limits;
	return w > l->max_width || h > l->max_height;
}

/* Notes a picture too large; the reader ends the session with it (io_findings). */
static int refuse_size(struct player_session *s, int w, int h)
{
	int expected = PLAYER_REFUSAL_NONE;
	if (atomic_compare_exchange_strong(&s->io.refusal, &expected, PLAYER_REFUSAL_TOO_LARGE)) {
		s->io.refused_w = w;
		s->io.refused_h = h;
		plat_log_warn("player", "session %u: picture %dx%d refused (limit %dx%d)", s->id, w, h,
			      s->p->cfg.limits.max_width, s->p->cfg.limits.max_height);
	}
	return AVERROR(ERANGE);
}

static void vparser_free(struct player_session *s)
{
	av_parser_close(s->vparser);
	s->vparser = NULL;
	avcodec_free_context(&s->vparser_ctx);
}

/* Learns the picture size of a video packet from FFmpeg's parser (its headers only: SPS, sequence
 * header), so a picture too large is refused before a decoder allocates it, at the start or at an
 * SPS change mid-stream. Returns 0, or a negative AVERROR once refused. Reader thread. */
static int vparser_check(struct player_session *s, const AVPacket *pkt)
{
	const AVCodecParameters *par = s->ic->streams[pkt->stream_index]->codecpar;
	if (s->vparser_stream != pkt->stream_index || s->vparser_codec != par->codec_id) {
		vparser_free(s);
		s->vparser_stream = pkt->stream_index;
		s->vparser_codec = par->codec_id;
		s->vparser = av_parser_init(par->codec_id);
		s->vparser_ctx = s->vparser ? avcodec_alloc_context3(NULL) : NULL;
		if (!s->vparser_ctx || avcodec_parameters_to_context(s->vparser_ctx, par) < 0)
			vparser_free(s); /* no parser for this codec: the decoder's max_pixels guards */
		else
			s->vparser->flags |= PARSER_FLAG_COMPLETE_FRAMES;
	}
	if (!s->vparser || !pkt->size)
		return 0;
	uint8_t *data = NULL;
	int size = 0;
	av_parser_parse2(s->vparser, s->vparser_ctx, &data, &size, pkt->data, pkt->size, pkt->pts, pkt->dts,
			 pkt->pos);
	int w = s->vparser->width > 0 ? s->vparser->width : s->vparser->coded_width;
	int h = s->vparser->height > 0 ? s->vparser->height : s->vparser->coded_height;
	if (w <= 0 || h <= 0) {
		w = s->vparser_ctx->width;
		h = s->vparser_ctx->height;
	}
	return too_large(s, w, h) ? refuse_size(s, w, h) : 0;
}

/* avformat_find_stream_info decodes a picture or two: its decoders get the box's pixel limit, so a
 * picture too large is never allocated there either (the size still comes from the headers). */
static int find_stream_info(struct player_session *s, AVFormatContext *ic)
{
	const struct player_limits *l = &s->p->cfg.limits;
	unsigned n = ic->nb_streams;
	AVDictionary **o = n ? calloc(n, sizeof(*o)) : NULL;
	if (n && !o)
		return AVERROR(ENOMEM);
	char px[32];
	snprintf(px, sizeof(px), "%lld", (long long)FFALIGN(l->max_width, 16) * FFALIGN(l->max_height, 16));
	for (unsigned i = 0; i < n; i++)
		av_dict_set(&o[i], "max_pixels", px, 0);
	int rc = avformat_find_stream_info(ic, o);
	for (unsigned i = 0; i < n; i++)
		av_dict_free(&o[i]);
	free(o);
	return rc;
}

static int open_input_timed(struct player_session *s, const char *url, AVFormatContext **out,
			    struct failure *f)
{
	struct player *p = s->p;
	int status = 0;
	tls_http_status = &status;
	AVDictionary *o = NULL;
	player_io_options(s, &o);
	av_dict_set(&o, "reconnect", "0", 0);
	av_dict_set(&o, "multiple_requests", "1", 0);
	AVIOContext *pb = NULL;
	uint64_t t = plat_clock_mono_us();
	int rc = avio_open2(&pb, url, AVIO_FLAG_READ, &s->io.icb, &o);
	av_dict_free(&o);
	uint32_t ttfb = (uint32_t)((plat_clock_mono_us() - t) / 1000);
	if (rc < 0) {
		tls_http_status = NULL;
		*f = classify(rc, status);
		if (f->kind == PLAYER_ERR_HTTP && is_current(s)) {
			struct player_event ev = ev_new(s, PLAYER_EV_RESPONSE);
			ev.u.response.http_status = f->http_status;
			ev.u.response.ttfb_ms = ttfb;
			plat_redact_url(url, ev.u.response.url, sizeof(ev.u.response.url));
			player_emit(p, &ev);
		}
		return rc;
	}
	if (is_current(s)) {
		struct player_event ev = ev_new(s, PLAYER_EV_RESPONSE);
		ev.u.response.http_status = strncmp(url, "http", 4) == 0 ? 200 : 0;
		ev.u.response.ttfb_ms = ttfb;
		uint8_t *loc = NULL;
		if (av_opt_get(pb, "location", AV_OPT_SEARCH_CHILDREN, &loc) >= 0 && loc && *loc)
			plat_redact_url((const char *)loc, ev.u.response.url, sizeof(ev.u.response.url));
		else
			plat_redact_url(url, ev.u.response.url, sizeof(ev.u.response.url));
		av_free(loc);
		player_emit(p, &ev);
	}

	AVFormatContext *ic = avformat_alloc_context();
	if (!ic) {
		avio_closep(&pb);
		tls_http_status = NULL;
		*f = classify(AVERROR(ENOMEM), 0);
		return AVERROR(ENOMEM);
	}
	ic->pb = pb;
	player_io_install(s, ic);
	AVDictionary *fo = NULL;
	/* a zap reads as little as it can: the PMT ends the TS header scan (never scan_all_pmts) */
	av_dict_set(&fo, "scan_all_pmts", "0", 0);
	av_dict_set(&fo, "probesize", is_live(s) ? "524288" : "2000000", 0);
	av_dict_set(&fo, "analyzeduration", is_live(s) ? "500000" : "2000000", 0);
	av_dict_set(&fo, "fpsprobesize", "0", 0);
	av_dict_set(&fo, "live_start_index", "-2", 0);
	/* HLS: every playlist and segment is its own request through player_io.c's watch (FFmpeg's
	 * keep-alive reuses the connection underneath a watched context, which it cannot) */
	av_dict_set(&fo, "http_persistent", "0", 0);
	av_dict_set(&fo, "http_multiple", "0", 0);
	player_io_options(s, &fo); /* protocol_whitelist is the nested opens' too */
	rc = avformat_open_input(&ic, url, NULL, &fo);
	av_dict_free(&fo);
	if (rc < 0) {
		/* avformat_open_input freed ic but not our pb */
		avio_closep(&pb);
		tls_http_status = NULL;
		*f = classify(rc, status);
		if (rc == AVERROR_INVALIDDATA || rc == AVERROR_EOF)
			f->kind = PLAYER_ERR_NO_MEDIA;
		return rc;
	}
	bool known = false;
	for (unsigned i = 0; i < ic->nb_streams; i++) {
		enum AVMediaType mt = ic->streams[i]->codecpar->codec_type;
		if ((mt == AVMEDIA_TYPE_VIDEO || mt == AVMEDIA_TYPE_AUDIO) &&
		    ic->streams[i]->codecpar->codec_id != AV_CODEC_ID_NONE)
			known = true;
	}
	/* live: stream info probing only when the header named nothing playable (decoders learn
	 * size and sample rate from the first frames); VOD: probe, for the duration and seek bar. A
	 * live header that named no stream at all (a TS joined after its PMT) is not probed either:
	 * the read loop meets its streams as they come, each past the picture limit's parser, where
	 * probing would decode a picture of any size (FFmpeg opens the decoders of streams found while
	 * probing without the options find_stream_info() passes) */
	if (!is_live(s) || (!known && ic->nb_streams > 0)) {
		ic->max_analyze_duration = is_live(s) ? 700000 : 3000000;
		rc = find_stream_info(s, ic);
		if (rc < 0 && rc != AVERROR_EOF) {
			*f = classify(rc, status);
			goto fail;
		}
	}
	tls_http_status = NULL;
	*out = ic;
	return 0;
fail:
	tls_http_status = NULL;
	avio_closep(&ic->pb);
	avformat_close_input(&ic);
	return rc < 0 ? rc : AVERROR_STREAM_NOT_FOUND;
}

/* Opens url within the open deadline; a failure carries what the I/O rules found (refusal, TLS). */
static int open_input(struct player_session *s, const char *url, AVFormatContext **out, struct failure *f)
{
	player_io_open_begin(s, true);
	int rc = open_input_timed(s, url, out, f);
	if (rc < 0)
		io_findings(s, f);
	player_io_open_begin(s, false);
	return rc;
}

static void close_input(AVFormatContext **ic)
{
	if (!*ic)
		return;
	AVIOContext *pb = (*ic)->pb;
	avformat_close_input(ic);
	avio_closep(&pb);
}

/* ---- stream selection ---- */

static bool lang_is(const AVStream *st, const char *lang)
{
	const AVDictionaryEntry *e = av_dict_get(st->metadata, "language", NULL, 0);
	return lang && *lang && e && strcasecmp(e->value, lang) == 0;
}

static int pick_stream(struct player_session *s, enum AVMediaType type, const char *lang)
{
	AVFormatContext *ic = s->ic;
	int best = -1;
	for (unsigned i = 0; i < ic->nb_streams; i++) {
		const AVStream *st = ic->streams[i];
		if (st->codecpar->codec_type != type || st->codecpar->codec_id == AV_CODEC_ID_NONE ||
		    (st->disposition & AV_DISPOSITION_ATTACHED_PIC))
			continue;
		if (lang_is(st, lang))
			return (int)i;
		if (best < 0 || (st->disposition & AV_DISPOSITION_DEFAULT))
			if (best < 0 || !(ic->streams[best]->disposition & AV_DISPOSITION_DEFAULT))
				best = (int)i;
	}
	if (type == AVMEDIA_TYPE_SUBTITLE && (!lang || !*lang))
		return -1; /* subtitles stay off unless asked for */
	if (type == AVMEDIA_TYPE_SUBTITLE && best >= 0 && !lang_is(ic->streams[best], lang))
		return -1;
	return best;
}

/* Points a decoder at stream idx (-1: none) of the current input and flushes its queue. Reader
 * thread; takes s->lock. */
static void route(struct player_session *s, enum stream_slot slot, int idx)
{
	struct decoder *d = &s->dec[slot];
	AVRational tb = idx >= 0 ? s->ic->streams[idx]->time_base : (AVRational){ 1, 90000 };
	pthread_mutex_lock(&s->lock);
	d->stream_index = idx;
	if (idx >= 0) {
		if (!d->par)
			d->par = avcodec_parameters_alloc();
		if (d->par)
			avcodec_parameters_copy(d->par, s->ic->streams[idx]->codecpar);
		d->tb = tb;
	}
	d->par_gen++;
	pthread_mutex_unlock(&s->lock);
	pq_flush(&d->q, tb);
}

static void fill_info(struct player_session *s)
{
	pthread_mutex_lock(&s->lock);
	struct player_info *in = &s->info;
	in->session = s->id;
	in->kind = s->opts.kind;
	snprintf(in->url, sizeof(in->url), "%s", s->redacted);
	snprintf(in->container, sizeof(in->container), "%s", s->ic->iformat->name);
	char *comma = strchr(in->container, ',');
	if (comma)
		*comma = '\0';
	in->video_codec[0] = in->audio_codec[0] = '\0';
	int v = s->dec[SLOT_VIDEO].stream_index, a = s->dec[SLOT_AUDIO].stream_index;
	if (v >= 0)
		snprintf(in->video_codec, sizeof(in->video_codec), "%s",
			 avcodec_get_name(s->ic->streams[v]->codecpar->codec_id));
	if (a >= 0)
		snprintf(in->audio_codec, sizeof(in->audio_codec), "%s",
			 avcodec_get_name(s->ic->streams[a]->codecpar->codec_id));
	in->duration_ms = (!is_live(s) && s->ic->duration > 0) ? s->ic->duration / 1000 : 0;
	pthread_mutex_unlock(&s->lock);
}

/* Routes the streams of a freshly opened input. Returns false when nothing is playable. */
static bool setup_streams(struct player_session *s)
{
	int v = pick_stream(s, AVMEDIA_TYPE_VIDEO, NULL);
	int a = pick_stream(s, AVMEDIA_TYPE_AUDIO, s->audio_lang);
	int sub = pick_stream(s, AVMEDIA_TYPE_SUBTITLE, s->sub_lang);
	pthread_mutex_lock(&s->lock);
	/* a track chosen by the viewer survives a reconnect */
	if (s->track_req[SLOT_AUDIO] >= 0 && (unsigned)s->track_req[SLOT_AUDIO] < s->ic->nb_streams)
		a = s->track_req[SLOT_AUDIO];
	if (s->track_req[SLOT_SUB] != -2)
		sub = s->track_req[SLOT_SUB];
	s->track_req[SLOT_AUDIO] = s->track_req[SLOT_SUB] = -2;
	pthread_mutex_unlock(&s->lock);
	/* live with no stream yet (see open_input_timed): the read loop routes them as they come */
	bool later = is_live(s) && s->ic->nb_streams == 0;
	if (v < 0 && a < 0 && !later)
		return false;
	/* probed (VOD, HLS): the header says the size before any packet is decoded */
	if (v >= 0 && too_large(s, s->ic->streams[v]->codecpar->width, s->ic->streams[v]->codecpar->height)) {
		refuse_size(s, s->ic->streams[v]->codecpar->width, s->ic->streams[v]->codecpar->height);
		return false;
	}
	atomic_fetch_add(&s->epoch, 1);
	route(s, SLOT_VIDEO, v);
	route(s, SLOT_AUDIO, a);
	route(s, SLOT_SUB, sub);
	atomic_store(&s->has_video, v >= 0);
	atomic_store(&s->has_audio, a >= 0);
	/* a new input: its pictures restart the presenter's timing */
	pq_frames_clear(&s->frames);
	atomic_store(&s->read_eof, false);
	fill_info(s);
	return true;
}

/* ---- read loop ---- */

static bool queues_full(struct player_session *s)
{
	size_t total = 0;
	bool all_enough = true, any = false;
	for (int i = 0; i < SLOT_N; i++) {
		int count;
		size_t bytes;
		int64_t dur;
		pq_stats(&s->dec[i].q, &count, &bytes, &dur);
		total += bytes;
		if (s->dec[i].stream_index >= 0 && i != SLOT_SUB) {
			any = true;
			if (count < 25 || dur < 1000000)
				all_enough = false;
		}
	}
	if (!any) /* no stream routed yet (a TS before its PMT): read on */
		all_enough = false;
	/* live keeps a short read-ahead so the play head stays near the edge; VOD reads further */
	return total > s->packet_cap || all_enough;
}

static void wait_for_room(struct player_session *s)
{
	pthread_mutex_lock(&s->notify.lock);
	while (!atomic_load(&s->abort) && queues_full(s)) {
		pthread_mutex_lock(&s->lock);
		bool req =
		    s->seek_req_ms >= 0 || s->track_req[SLOT_AUDIO] != -2 || s->track_req[SLOT_SUB] != -2;
		pthread_mutex_unlock(&s->lock);
		if (req)
			break;
		pthread_cond_wait(&s->notify.cond, &s->notify.lock);
	}
	pthread_mutex_unlock(&s->notify.lock);
}

static void wake_reader(struct player_session *s)
{
	pthread_mutex_lock(&s->notify.lock);
	pthread_cond_broadcast(&s->notify.cond);
	pthread_mutex_unlock(&s->notify.lock);
}

static int64_t position_ms(struct player_session *s)
{
	int64_t pts = atomic_load(&s->play_pts_us);
	if (pts == AV_NOPTS_VALUE || s->start_us == AV_NOPTS_VALUE)
		return s->opts.start_ms;
	return (pts - s->start_us) / 1000 + s->pos_offset_ms;
}

static void flush_all(struct player_session *s)
{
	atomic_fetch_add(&s->epoch, 1);
	for (int i = 0; i < SLOT_N; i++) {
		struct decoder *d = &s->dec[i];
		pthread_mutex_lock(&s->lock);
		AVRational tb = d->tb;
		pthread_mutex_unlock(&s->lock);
		pq_flush(&d->q, tb);
	}
	pq_frames_clear(&s->frames);
	atomic_store(&s->read_eof, false);
}

static int seek_to(struct player_session *s, int64_t ms)
{
	int64_t target = (s->start_us != AV_NOPTS_VALUE ? s->start_us : 0) + (ms - s->pos_offset_ms) * 1000;
	int rc = avformat_seek_file(s->ic, -1, INT64_MIN, target, target, 0);
	if (rc < 0)
		rc = avformat_seek_file(s->ic, -1, INT64_MIN, target, INT64_MAX, AVSEEK_FLAG_ANY);
	flush_all(s);
	return rc;
}

/* Handles requests from the controlling thread. Returns 1 when the input must be reopened (a
 * catch-up seek), 0 otherwise. */
static int handle_requests(struct player_session *s, int64_t *reopen_at_ms)
{
	pthread_mutex_lock(&s->lock);
	int64_t seek = s->seek_req_ms;
	int a = s->track_req[SLOT_AUDIO], sub = s->track_req[SLOT_SUB];
	s->seek_req_ms = -1;
	s->track_req[SLOT_AUDIO] = s->track_req[SLOT_SUB] = -2;
	pthread_mutex_unlock(&s->lock);
	if (seek >= 0) {
		if (s->opts.kind == PLAYER_KIND_CATCHUP && s->p->cfg.catchup) {
			*reopen_at_ms = seek;
			return 1;
		}
		int rc = seek_to(s, seek);
		if (rc < 0)
			session_emit_error(s, PLAYER_ERR_FFMPEG, false, 0, rc, NULL, NULL,
					   "seek to %lld ms failed", (long long)seek);
	}
	if (a >= 0 && a != s->dec[SLOT_AUDIO].stream_index) {
		int64_t at = position_ms(s);
		route(s, SLOT_AUDIO, a);
		fill_info(s);
		/* VOD: the read position is ahead of the play head; go back so the new language starts now */
		if (!is_live(s) && seek < 0)
			seek_to(s, at);
	}
	if (sub != -2 && sub != s->dec[SLOT_SUB].stream_index)
		route(s, SLOT_SUB, sub);
	return 0;
}

/* After reconnect_max failed attempts in a row: a stream that never showed anything gives up; one
 * that played keeps trying until it has been lost for reconnect_window_ms (a panel's outage heals,
 * and the viewer sees one stall, not a failure). lost_us: when the series of failures began. */
static bool give_up(struct player_session *s, uint32_t attempt, uint64_t lost_us)
{
	const struct player_config *c = &s->p->cfg;
	if (attempt + 1 < c->reconnect_max)
		return false;
	if (!atomic_load(&s->first_frame_emitted) || !lost_us)
		return true;
	return plat_clock_mono_us() - lost_us >= (uint64_t)c->reconnect_window_ms * 1000u;
}

static uint32_t backoff_ms(uint32_t attempt)
{
	uint32_t ms = 250u << (attempt < 5 ? attempt : 5);
	return ms > 5000 ? 5000 : ms;
}

/* Waits ms unless aborted. */
static void nap(struct player_session *s, uint32_t ms)
{
	struct timespec dl;
	clock_gettime(CLOCK_MONOTONIC, &dl);
	dl.tv_sec += ms / 1000;
	dl.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (dl.tv_nsec >= 1000000000L) {
		dl.tv_nsec -= 1000000000L;
		dl.tv_sec++;
	}
	pthread_mutex_lock(&s->lock);
	while (!atomic_load(&s->abort) && pthread_cond_timedwait(&s->cond, &s->lock, &dl) != ETIMEDOUT)
		;
	pthread_mutex_unlock(&s->lock);
}

static void send_eof(struct player_session *s)
{
	for (int i = 0; i < SLOT_N; i++)
		if (s->dec[i].stream_index >= 0)
			pq_put(&s->dec[i].q, NULL);
	atomic_store(&s->read_eof, true);
}

/* Reads until error or end. Returns 0 at a clean end of a VOD, 1 when a reopen is wanted (with
 * *at_ms, -1 for live), or a negative AVERROR. */
static int read_loop(struct player_session *s, int64_t *at_ms)
{
	AVPacket *pkt = av_packet_alloc();
	if (!pkt)
		return AVERROR(ENOMEM);
	int rc = 0;
	bool eof_sent = false;
	while (!atomic_load(&s->abort)) {
		/* a rule of the box refused something, or nothing came to show in time: the end */
		if (atomic_load(&s->io.refusal) != PLAYER_REFUSAL_NONE || atomic_load(&s->io.tls_untrusted) ||
		    player_io_nothing_playable(s)) {
			rc = AVERROR_EXIT;
			break;
		}
		int64_t reopen = -1;
		if (handle_requests(s, &reopen) == 1) {
			*at_ms = reopen;
			rc = 1;
			break;
		}
		if (eof_sent) {
			/* the end reached: wait for a seek or the abort */
			pthread_mutex_lock(&s->lock);
			while (!atomic_load(&s->abort) && s->seek_req_ms < 0 &&
			       s->track_req[SLOT_AUDIO] == -2)
				pthread_cond_wait(&s->cond, &s->lock);
			bool seeking = s->seek_req_ms >= 0;
			pthread_mutex_unlock(&s->lock);
			if (seeking)
				eof_sent = false;
			continue;
		}
		wait_for_room(s);
		if (atomic_load(&s->abort))
			break;
		int status = 0;
		tls_http_status = &status;
		rc = av_read_frame(s->ic, pkt);
		tls_http_status = NULL;
		if (rc < 0) {
			if (atomic_load(&s->abort))
				break;
			bool eof = rc == AVERROR_EOF || avio_feof(s->ic->pb);
			if (eof && !is_live(s) && !(s->ic->pb && s->ic->pb->error)) {
				send_eof(s);
				eof_sent = true;
				rc = 0;
				continue;
			}
			break;
		}
		atomic_fetch_add(&s->bytes_read, (uint64_t)pkt->size);
		int idx = pkt->stream_index;
		bool routed = false;
		for (int i = 0; i < SLOT_N; i++) {
			if (s->dec[i].stream_index == idx) {
				AVStream *st = s->ic->streams[idx];
				int64_t ts =
				    pq_ts_us(pkt->pts != AV_NOPTS_VALUE ? pkt->pts : pkt->dts, st->time_base);
				if (i == SLOT_VIDEO && vparser_check(s, pkt) < 0) {
					av_packet_unref(pkt); /* refused: the loop ends at its top */
					routed = true;
					break;
				}
				if (ts != AV_NOPTS_VALUE && i != SLOT_SUB)
					atomic_store(&s->read_pts_us, ts);
				if (s->start_us == AV_NOPTS_VALUE && ts != AV_NOPTS_VALUE && i != SLOT_SUB) {
					pthread_mutex_lock(&s->lock);
					s->start_us = !is_live(s) && s->ic->start_time != AV_NOPTS_VALUE
							  ? s->ic->start_time
							  : ts;
					pthread_mutex_unlock(&s->lock);
				}
				pq_put(&s->dec[i].q, pkt);
				routed = true;
				break;
			}
		}
		if (!routed) {
			/* MPEG-TS without stream info adds streams as it meets them: a late audio or
			 * video stream is picked up here */
			AVStream *st = idx < (int)s->ic->nb_streams ? s->ic->streams[idx] : NULL;
			enum AVMediaType mt = st ? st->codecpar->codec_type : AVMEDIA_TYPE_UNKNOWN;
			if (st && st->codecpar->codec_id != AV_CODEC_ID_NONE &&
			    ((mt == AVMEDIA_TYPE_VIDEO && s->dec[SLOT_VIDEO].stream_index < 0) ||
			     (mt == AVMEDIA_TYPE_AUDIO && s->dec[SLOT_AUDIO].stream_index < 0))) {
				enum stream_slot slot = mt == AVMEDIA_TYPE_VIDEO ? SLOT_VIDEO : SLOT_AUDIO;
				if (slot == SLOT_VIDEO && vparser_check(s, pkt) < 0) {
					av_packet_unref(pkt);
					continue;
				}
				route(s, slot, idx);
				atomic_store(slot == SLOT_VIDEO ? &s->has_video : &s->has_audio, true);
				fill_info(s);
				pq_put(&s->dec[slot].q, pkt);
			}
			av_packet_unref(pkt);
		}
	}
	av_packet_free(&pkt);
	if (rc < 0 && is_live(s))
		*at_ms = -1;
	else if (rc < 0)
		*at_ms = position_ms(s);
	return rc;
}

static void *reader_thread(void *arg)
{
	struct player_session *s = arg;
	struct player *p = s->p;
	uint32_t attempt = 0;
	uint64_t lost_us = 0; /* when the stream was lost (0: it plays, or never did) */
	int64_t resume_ms = s->opts.start_ms;
	bool ever_opened = false;
	tls_reader = s;
	while (!atomic_load(&s->abort)) {
		struct failure f = { 0 };
		AVFormatContext *ic = NULL;
		int rc = open_input(s, s->cur_url, &ic, &f);
		if (atomic_load(&s->abort)) {
			close_input(&ic);
			break;
		}
		if (rc < 0) {
			bool fatal = f.business || f.refusal != PLAYER_REFUSAL_NONE ||
				     give_up(s, attempt, lost_us) ||
				     (!ever_opened && f.kind == PLAYER_ERR_NO_MEDIA && attempt + 1 >= 2);
			emit_failure(s, &f, fatal, ever_opened ? "reconnect" : "open");
			if (fatal)
				break;
			nap(s, backoff_ms(attempt++));
			continue;
		}
		pthread_mutex_lock(&s->lock);
		s->ic = ic;
		s->start_us = AV_NOPTS_VALUE;
		pthread_mutex_unlock(&s->lock);
		if (!setup_streams(s)) {
			pthread_mutex_lock(&s->lock);
			s->ic = NULL;
			pthread_mutex_unlock(&s->lock);
			close_input(&ic);
			struct failure nf = { .kind = PLAYER_ERR_NO_MEDIA,
					      .averror = AVERROR_STREAM_NOT_FOUND };
			io_findings(s, &nf);
			bool fatal = attempt + 1 >= 2 || nf.refusal != PLAYER_REFUSAL_NONE;
			emit_failure(s, &nf, fatal, "open");
			if (fatal)
				break;
			nap(s, backoff_ms(attempt++));
			continue;
		}
		if (!ever_opened) {
			session_set_state(s, PLAYER_STATE_BUFFERING);
			/* from now on, a picture or sound within the limit, or the end */
			atomic_store(&s->io.play_deadline_us,
				     plat_clock_mono_us() +
					 (uint64_t)p->cfg.limits.nothing_playable_ms * 1000u);
		} else {
			pthread_mutex_lock(&s->lock);
			s->info.reconnects++;
			pthread_mutex_unlock(&s->lock);
		}
		ever_opened = true;
		if (resume_ms > 0 && s->opts.kind != PLAYER_KIND_LIVE &&
		    !(s->opts.kind == PLAYER_KIND_CATCHUP && p->cfg.catchup)) {
			/* s->start_us is not known before the first packet: seek on the container's start */
			s->start_us = s->ic->start_time != AV_NOPTS_VALUE ? s->ic->start_time : 0;
			seek_to(s, resume_ms);
		}
		uint64_t opened_at = plat_clock_mono_us();
		int64_t at_ms = -1;
		rc = read_loop(s, &at_ms);
		if (atomic_load(&s->abort))
			break;
		/* played for a while: the next failure starts a fresh series of attempts */
		if (plat_clock_mono_us() - opened_at > 10000000ULL) {
			attempt = 0;
			lost_us = 0;
		}
		if (!lost_us && rc < 0)
			lost_us = plat_clock_mono_us();
		if (rc >= 0 && rc != 1) {
			/* VOD end: the decoders drain, the presenter reports ENDED; wait for abort */
			break;
		}
		if (rc < 0) {
			struct failure cf = classify(rc, 0);
			if (cf.kind == PLAYER_ERR_NO_MEDIA && rc == AVERROR_EOF)
				cf.kind = PLAYER_ERR_NET, cf.net = "reset";
			io_findings(s, &cf);
			if (cf.refusal != PLAYER_REFUSAL_NONE) {
				emit_failure(s, &cf, true, "stream refused");
				break;
			}
			if (give_up(s, attempt, lost_us)) {
				emit_failure(s, &cf, true, "stream lost");
				break;
			}
			emit_failure(s, &cf, false,
				     is_live(s) ? "stream ended, reconnecting" : "stream cut, resuming");
		}
		/* tear the input down; the decoders stay and flush by serial */
		pthread_mutex_lock(&s->lock);
		s->ic = NULL;
		pthread_mutex_unlock(&s->lock);
		close_input(&ic);
		resume_ms = at_ms;
		if (s->opts.kind == PLAYER_KIND_CATCHUP && p->cfg.catchup && at_ms >= 0) {
			char url[2048];
			int64_t off = at_ms;
			int crc = p->cfg.catchup(p->cfg.catchup_opaque, at_ms, url, sizeof(url), &off);
			if (crc < 0) {
				session_emit_error(s, PLAYER_ERR_FFMPEG, true, 0, crc, NULL, NULL,
						   "catch-up owner gave no URL for %lld ms",
						   (long long)at_ms);
				break;
			}
			char *dup = strdup(url);
			if (dup) {
				free(s->cur_url);
				s->cur_url = dup;
			}
			pthread_mutex_lock(&s->lock);
			s->pos_offset_ms = off;
			pthread_mutex_unlock(&s->lock);
		}
		if (rc < 0)
			nap(s, backoff_ms(attempt++));
	}
	pthread_mutex_lock(&s->lock);
	AVFormatContext *ic = s->ic;
	s->ic = NULL;
	pthread_mutex_unlock(&s->lock);
	close_input(&ic);
	vparser_free(s);
	tls_reader = NULL;
	return NULL;
}

/* ---- lifetime ---- */

int player_session_start(struct player *p, struct player_session **out, uint32_t id, uint64_t t0_us,
			 const char *url, const struct player_open_options *opts)
{
	pthread_once(&ff_once, ff_init);
	struct player_session *s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->p = p;
	s->id = id;
	s->t0_us = t0_us; /* before the threads start: the presenter reads it at the first frame */
	s->url = strdup(url);
	s->cur_url = strdup(url);
	if (!s->url || !s->cur_url) {
		free(s->url);
		free(s->cur_url);
		free(s);
		return -ENOMEM;
	}
	if (opts)
		s->opts = *opts;
	if (opts && opts->audio_lang)
		snprintf(s->audio_lang, sizeof(s->audio_lang), "%s", opts->audio_lang);
	if (opts && opts->sub_lang)
		snprintf(s->sub_lang, sizeof(s->sub_lang), "%s", opts->sub_lang);
	s->opts.audio_lang = s->audio_lang;
	s->opts.sub_lang = s->sub_lang;
	plat_redact_url(url, s->redacted, sizeof(s->redacted));
	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_init(&s->emit_lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->cond, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&s->notify.lock, NULL);
	pthread_cond_init(&s->notify.cond, NULL);
	size_t memory = (size_t)p->cfg.limits.max_memory_mb * 1024 * 1024;
	s->packet_cap = memory / 4; /* 16 MB of 64: a few seconds of any stream */
	pq_frames_init(&s->frames, memory - s->packet_cap);
	s->vparser_stream = -1;
	player_io_init(s);
	s->seek_req_ms = -1;
	s->start_us = AV_NOPTS_VALUE;
	atomic_store(&s->play_pts_us, AV_NOPTS_VALUE);
	atomic_store(&s->read_pts_us, AV_NOPTS_VALUE);
	for (int i = 0; i < SLOT_N; i++) {
		s->track_req[i] = -2;
		s->dec[i].s = s;
		s->dec[i].slot = (enum stream_slot)i;
		s->dec[i].stream_index = -1;
		s->dec[i].ctx_gen = -1;
		s->dec[i].ctx_serial = -1;
		pq_init(&s->dec[i].q, &s->notify);
	}
	s->info.session = id;
	s->info.kind = s->opts.kind;
	snprintf(s->info.url, sizeof(s->info.url), "%s", s->redacted);
	s->info.state = PLAYER_STATE_OPENING;
	plat_log_info("player", "session %u: open %s (%s)", id, s->redacted,
		      s->opts.kind == PLAYER_KIND_LIVE  ? "live"
		      : s->opts.kind == PLAYER_KIND_VOD ? "vod"
							: "catchup");

	pthread_mutex_lock(&p->out.lock);
	p->out.paused = false;
	pthread_mutex_unlock(&p->out.lock);
	plat_audio_set_paused(p->out.dev, false);

	bool ok = pthread_create(&s->reader, NULL, reader_thread, s) == 0;
	s->reader_started = ok;
	for (int i = 0; ok && i < SLOT_N; i++) {
		ok = pthread_create(&s->dec[i].thread, NULL, player_decoder_thread, &s->dec[i]) == 0;
		s->dec[i].started = ok;
	}
	if (ok) {
		ok = pthread_create(&s->presenter, NULL, player_presenter_thread, s) == 0;
		s->presenter_started = ok;
	}
	if (!ok) {
		player_session_abort(s);
		player_session_free(&s);
		return -EAGAIN;
	}
	*out = s;
	return 0;
}

void player_session_abort(struct player_session *s)
{
	atomic_store(&s->abort, true);
	for (int i = 0; i < SLOT_N; i++)
		pq_abort(&s->dec[i].q);
	pq_frames_abort(&s->frames);
	pthread_mutex_lock(&s->lock);
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	wake_reader(s);
	player_audio_wake(s->p);
}

void player_session_free(struct player_session **sp)
{
	struct player_session *s = *sp;
	if (!s)
		return;
	if (s->reader_started)
		pthread_join(s->reader, NULL);
	for (int i = 0; i < SLOT_N; i++)
		if (s->dec[i].started)
			pthread_join(s->dec[i].thread, NULL);
	if (s->presenter_started)
		pthread_join(s->presenter, NULL);
	close_input(&s->ic);
	for (int i = 0; i < SLOT_N; i++) {
		pq_destroy(&s->dec[i].q);
		avcodec_parameters_free(&s->dec[i].par);
	}
	pq_frames_destroy(&s->frames);
	pthread_mutex_destroy(&s->lock);
	pthread_mutex_destroy(&s->emit_lock);
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->notify.lock);
	pthread_cond_destroy(&s->notify.cond);
	free(s->url);
	free(s->cur_url);
	free(s);
	*sp = NULL;
}
