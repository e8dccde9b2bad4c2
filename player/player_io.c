/* SPDX-License-Identifier: MIT */
/* The player's FFmpeg I/O: one place for the box's rules on every open of a stream. The top-level
 * open and FFmpeg's nested ones (HLS playlists, segments, keys, through AVFormatContext.io_open) get
 * TLS verification, host name included, against the operator's CA or the system store, the read
 * timeout, the User-Agent and only the protocols a stream needs (a remote stream never opens a
 * local file). Nested opens are counted against a request-rate bucket and pass through a watch that
 * sees the bytes before FFmpeg does: an HLS master playlist met inside a master is one nesting level,
 * and one that points to itself, or a chain deeper than the limit, is refused before FFmpeg reads a
 * line of it. An open has a deadline (connect, headers and probing together), and a stream that
 * opened but showed nothing within the limit is given up: the interrupt callback ends whatever
 * FFmpeg waits for. Everything here runs on the session's reader thread. */
#include "player_internal.h"

#include "plat_clock.h"
#include "plat_log.h"
#include "plat_redact.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { WATCH_BUFFER = 32768 };

/* ---- deadlines ---- */

static bool past_play_deadline(struct player_session *s, uint64_t now)
{
	uint64_t pd = atomic_load(&s->io.play_deadline_us);
	return pd && now > pd && !atomic_load(&s->first_frame_emitted) && !atomic_load(&s->paused);
}

static int interrupt_cb(void *opaque)
{
	struct player_session *s = opaque;
	if (atomic_load(&s->abort))
		return 1;
	uint64_t od = atomic_load(&s->io.open_deadline_us);
	if (!od && !atomic_load(&s->io.play_deadline_us))
		return 0;
	uint64_t now = plat_clock_mono_us();
	if (od && now > od) {
		atomic_store(&s->io.deadline_hit, true);
		return 1;
	}
	return past_play_deadline(s, now);
}

bool player_io_nothing_playable(struct player_session *s)
{
	return past_play_deadline(s, plat_clock_mono_us());
}

static bool is_network_url(const char *url)
{
	return strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0 ||
	       strncmp(url, "crypto+http", 11) == 0 || strncmp(url, "crypto:http", 11) == 0;
}

void player_io_init(struct player_session *s)
{
	struct session_io *io = &s->io;
	io->icb = (AVIOInterruptCB){ interrupt_cb, s };
	io->remote = is_network_url(s->url);
	io->tokens = 2.0 * s->p->cfg.limits.max_opens_per_s;
	io->tokens_mono_us = plat_clock_mono_us();
}

void player_io_open_begin(struct player_session *s, bool begin)
{
	struct session_io *io = &s->io;
	if (begin) {
		io->masters = 0;
		atomic_store(&io->deadline_hit, false);
		atomic_store(&io->open_deadline_us,
			     plat_clock_mono_us() + (uint64_t)s->p->cfg.limits.open_timeout_ms * 1000u);
	} else {
		atomic_store(&io->open_deadline_us, 0);
	}
}

/* ---- options ---- */

void player_io_options(struct player_session *s, AVDictionary **o)
{
	struct player *p = s->p;
	char tmo[32];
	snprintf(tmo, sizeof(tmo), "%u", p->cfg.read_timeout_ms * 1000u);
	av_dict_set(o, "rw_timeout", tmo, AV_DICT_DONT_OVERWRITE);
	av_dict_set(o, "timeout", tmo, AV_DICT_DONT_OVERWRITE);
	av_dict_set(o, "user_agent", p->cfg.user_agent, AV_DICT_DONT_OVERWRITE);
	/* FFmpeg's TLS does not verify unless told; these are never the stream's to choose */
	av_dict_set(o, "tls_verify", "1", 0);
	if (p->cfg.ca_file)
		av_dict_set(o, "ca_file", p->cfg.ca_file, 0);
	else
		av_dict_set(o, "ca_file", NULL, 0);
	av_dict_set(o, "protocol_whitelist",
		    s->io.remote ? "http,https,tls,tcp,crypto" : "file,crypto,http,https,tls,tcp", 0);
}

/* ---- refusals ---- */

static int refuse(struct player_session *s, enum player_refusal why, const char *what, const char *url)
{
	int expected = PLAYER_REFUSAL_NONE;
	if (atomic_compare_exchange_strong(&s->io.refusal, &expected, (int)why)) {
		char safe[256];
		plat_redact_url(url, safe, sizeof(safe));
		plat_log_warn("player", "session %u: refused %s: %s", s->id, safe, what);
	}
	return AVERROR(EPERM);
}

/* Waits ms on the session's condition, unless aborted. */
static void io_nap(struct player_session *s, uint32_t ms)
{
	struct timespec dl;
	clock_gettime(CLOCK_MONOTONIC, &dl);
	dl.tv_nsec += (long)ms * 1000000L;
	while (dl.tv_nsec >= 1000000000L) {
		dl.tv_nsec -= 1000000000L;
		dl.tv_sec++;
	}
	pthread_mutex_lock(&s->lock);
	if (!atomic_load(&s->abort))
		pthread_cond_timedwait(&s->cond, &s->lock, &dl);
	pthread_mutex_unlock(&s->lock);
}

/* The request-rate bucket: bursts of twice the rate, then the rate. An open beyond it waits for its
 * token; five seconds of opens waiting in a row is a stream that never calms down: refused. */
static int take_token(struct player_session *s, const char *url)
{
	struct session_io *io = &s->io;
	double rate = s->p->cfg.limits.max_opens_per_s, cap = 2.0 * rate;
	while (!atomic_load(&s->abort)) {
		uint64_t now = plat_clock_mono_us();
		io->tokens += (double)(now - io->tokens_mono_us) / 1e6 * rate;
		if (io->tokens > cap)
			io->tokens = cap;
		io->tokens_mono_us = now;
		if (io->tokens >= 1.0) {
			if (io->tokens >= rate)
				io->throttled = 0; /* calm for a second: the burst is over */
			io->tokens -= 1.0;
			return 0;
		}
		if (++io->throttled > 5u * s->p->cfg.limits.max_opens_per_s)
			return refuse(s, PLAYER_REFUSAL_REQUEST_RATE, "too many requests a second", url);
		io_nap(s, (uint32_t)((1.0 - io->tokens) / rate * 1000.0) + 1);
		if (interrupt_cb(s))
			return AVERROR_EXIT;
	}
	return AVERROR_EXIT;
}

/* ---- the watch over nested opens ---- */

static const char *const master_tags[] = { "#EXT-X-STREAM-INF", "#EXT-X-MEDIA:" };
#define MASTER_TAGS (sizeof(master_tags) / sizeof(master_tags[0]))

struct io_watch {
	struct player_session *s;
	AVIOContext *inner;
	char *url;
	char head[8]; /* the first bytes: "#EXTM3U" is a playlist */
	size_t head_len;
	bool watching; /* a playlist (or not known yet) */
	size_t matched[MASTER_TAGS];
	bool master;
};

/* A master playlist inside a master: one level deeper. Refused when it points to itself (the URL
 * the stream was opened with, or a master met before) or when the chain passes the limit. */
static int on_nested_master(struct io_watch *w)
{
	struct player_session *s = w->s;
	struct session_io *io = &s->io;
	bool loop = strcmp(w->url, s->cur_url) == 0;
	size_t known = io->masters < 4 ? io->masters : 4;
	for (size_t i = 0; i < known && !loop; i++)
		loop = strcmp(io->master_urls[i], w->url) == 0;
	if (io->masters < 4)
		snprintf(io->master_urls[io->masters], sizeof(io->master_urls[0]), "%s", w->url);
	io->masters++;
	if (loop)
		return refuse(s, PLAYER_REFUSAL_PLAYLIST_LOOP, "the HLS playlist points to itself", w->url);
	if (1 + io->masters > s->p->cfg.limits.hls_max_depth)
		return refuse(s, PLAYER_REFUSAL_PLAYLIST_LOOP, "HLS playlists nested too deep", w->url);
	return 0;
}

/* Looks at bytes on their way to FFmpeg. Returns 0, or a negative AVERROR to refuse them. */
static int watch_scan(struct io_watch *w, const uint8_t *buf, int n)
{
	int i = 0;
	while (w->head_len < 7 && i < n)
		w->head[w->head_len++] = (char)buf[i++];
	if (w->head_len < 7)
		return 0;
	if (memcmp(w->head, "#EXTM3U", 7) != 0) {
		w->watching = false; /* a segment or a key: nothing to watch */
		return 0;
	}
	/* the tags begin with the only '#' they hold, so a plain running match is exact; the head's
	 * bytes cannot start one */
	for (i = 0; i < n && !w->master; i++) {
		for (size_t t = 0; t < MASTER_TAGS; t++) {
			const char *tag = master_tags[t];
			if ((char)buf[i] == tag[w->matched[t]])
				w->matched[t]++;
			else
				w->matched[t] = buf[i] == '#' ? 1 : 0;
			if (!tag[w->matched[t]]) {
				w->master = true;
				break;
			}
		}
	}
	if (w->master) {
		w->watching = false;
		return on_nested_master(w);
	}
	return 0;
}

static int watch_read(void *opaque, uint8_t *buf, int size)
{
	struct io_watch *w = opaque;
	int n = avio_read_partial(w->inner, buf, size);
	if (n == 0)
		return AVERROR_EOF;
	if (n < 0)
		return n;
	if (w->watching) {
		int rc = watch_scan(w, buf, n);
		if (rc < 0)
			return rc;
	}
	return n;
}

static int64_t watch_seek(void *opaque, int64_t offset, int whence)
{
	struct io_watch *w = opaque;
	if (whence & AVSEEK_SIZE)
		return avio_size(w->inner);
	return avio_seek(w->inner, offset, whence & ~AVSEEK_FORCE);
}

static void watch_free(struct io_watch **wp)
{
	struct io_watch *w = *wp;
	if (!w)
		return;
	avio_closep(&w->inner);
	free(w->url);
	free(w);
	*wp = NULL;
}

/* AVFormatContext.io_open of a session's input: FFmpeg's nested opens. */
static int io_open(struct AVFormatContext *ic, AVIOContext **pb, const char *url, int flags,
		   AVDictionary **options)
{
	struct player_session *s = ic->opaque;
	struct session_io *io = &s->io;
	*pb = NULL;
	if (atomic_load(&io->refusal) != PLAYER_REFUSAL_NONE)
		return AVERROR(EPERM);
	if (flags & AVIO_FLAG_WRITE)
		return AVERROR(EPERM);
	if (io->remote && !is_network_url(url))
		return refuse(s, PLAYER_REFUSAL_NONE, "a remote stream may not open local files", url);
	int rc = take_token(s, url);
	if (rc < 0)
		return rc;
	io->opens++;
	AVDictionary *o = NULL;
	if (options)
		av_dict_copy(&o, *options, 0);
	player_io_options(s, &o);
	struct io_watch *w = calloc(1, sizeof(*w));
	uint8_t *buffer = av_malloc(WATCH_BUFFER);
	if (!w || !buffer || !(w->url = strdup(url))) {
		av_dict_free(&o);
		av_free(buffer);
		watch_free(&w);
		return AVERROR(ENOMEM);
	}
	w->s = s;
	w->watching = true;
	rc = avio_open2(&w->inner, url, flags, &ic->interrupt_callback, &o);
	av_dict_free(&o);
	if (rc < 0) {
		av_free(buffer);
		watch_free(&w);
		return rc;
	}
	AVIOContext *outer = avio_alloc_context(buffer, WATCH_BUFFER, 0, w, watch_read, NULL, watch_seek);
	if (!outer) {
		av_free(buffer);
		watch_free(&w);
		return AVERROR(ENOMEM);
	}
	outer->seekable = w->inner->seekable;
	*pb = outer;
	return 0;
}

static int io_close2(struct AVFormatContext *ic, AVIOContext *pb)
{
	(void)ic;
	if (!pb)
		return 0;
	if (pb->read_packet != watch_read)
		return avio_close(pb);
	struct io_watch *w = pb->opaque;
	watch_free(&w);
	av_freep(&pb->buffer);
	avio_context_free(&pb);
	return 0;
}

void player_io_install(struct player_session *s, AVFormatContext *ic)
{
	ic->opaque = s;
	ic->io_open = io_open;
	ic->io_close2 = io_close2;
	ic->interrupt_callback = s->io.icb;
}
