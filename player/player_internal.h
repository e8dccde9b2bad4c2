/* SPDX-License-Identifier: MIT */
/* Inside the player (player/ only): the per-stream session with its threads and queues, the
 * player-wide outputs (audio ring, display slot, subtitle slot, event queue), and the functions the
 * files of the folder share. A zap creates a new session and hands the old one to the reaper, so
 * nothing of an old stream is ever waited for on the caller's thread.
 *
 * Locking, innermost last: session->lock, then a queue lock, then player->out.lock /
 * player->disp_lock / player->ev_lock, then player->wake_lock (held while the owner's wake-up
 * callback runs, taken with none of the others held). No function takes two locks of the same
 * rank. */
#ifndef PLAYER_INTERNAL_H
#define PLAYER_INTERNAL_H

#include "player.h"

#include <libavcodec/avcodec.h>
#include <libavfilter/avfilter.h>
#include <libavformat/avformat.h>
#include <libswresample/swresample.h>
#include <pthread.h>
#include <stdatomic.h>

/* ---- queues (player_queue.c) ---- */

/* Wakes the reader when a consumer made room. */
struct pq_notify {
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

struct pq_node {
	AVPacket *pkt; /* NULL: end of stream marker (drain the decoder) */
	int serial;
	struct pq_node *next;
};

/* A packet queue: lock guards every field; abort wakes every waiter for good. */
struct pq_packet_queue {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct pq_node *head, *tail;
	int count;
	size_t bytes;
	int64_t duration_us;
	int64_t last_pts_us; /* end of the newest packet (stream time), AV_NOPTS_VALUE when unknown */
	int serial;          /* bumped by pq_flush: packets of older serials are stale */
	bool abort;
	struct pq_notify *notify;
	AVRational tb; /* time base of the packets in this queue */
};

void pq_init(struct pq_packet_queue *q, struct pq_notify *notify);
void pq_destroy(struct pq_packet_queue *q);
/* Takes ownership of pkt (moved into a new packet; pkt is left blank). NULL pkt: end marker. */
int pq_put(struct pq_packet_queue *q, AVPacket *pkt);
/* Blocks until a packet, the abort or timeout_ms (< 0: none). Returns 1 with *out (caller frees; NULL
 * for the end marker) and *serial, 0 on timeout, -1 on abort. */
int pq_get(struct pq_packet_queue *q, AVPacket **out, int *serial, int timeout_ms);
/* Drops everything and bumps the serial; returns the new serial. */
int pq_flush(struct pq_packet_queue *q, AVRational tb);
void pq_abort(struct pq_packet_queue *q);
void pq_stats(struct pq_packet_queue *q, int *count, size_t *bytes, int64_t *duration_us);
int pq_serial(struct pq_packet_queue *q);

/* A ring of decoded video frames between the video decoder and the presenter, bounded by count and
 * by bytes (the player's memory limit: four 4K pictures would not fit a box). */
#define PQ_FRAMES 4
struct pq_frame_queue {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	AVFrame *frames[PQ_FRAMES];
	int serials[PQ_FRAMES];
	size_t sizes[PQ_FRAMES];
	int rindex, count;
	size_t bytes;     /* of the pictures queued */
	size_t max_bytes; /* a picture waits while the ring holds one and this would be passed */
	bool abort;
	bool eof; /* the decoder drained: no more frames will come for this serial */
};

void pq_frames_init(struct pq_frame_queue *f, size_t max_bytes);
void pq_frames_destroy(struct pq_frame_queue *f);
/* Blocks while full (count or bytes). Takes the reference of frame. Returns 0, or -1 on abort
 * (frame freed). */
int pq_frames_push(struct pq_frame_queue *f, AVFrame *frame, int serial);
/* Removes the oldest picture (count > 0, f->lock held) and returns it (caller owns). */
AVFrame *pq_frames_pop_locked(struct pq_frame_queue *f);
/* Bytes of the buffers a picture holds. */
size_t pq_frame_bytes(const AVFrame *frame);
void pq_frames_abort(struct pq_frame_queue *f);
void pq_frames_clear(struct pq_frame_queue *f);

/* ---- player-wide outputs (player.c) ---- */

struct audio_chunk {
	uint8_t *data;
	size_t len, pos;
	int64_t pts_us; /* media time of data[0] */
	uint32_t session;
	int serial;
};

#define AUDIO_CHUNKS 64

struct audio_out {
	struct plat_audio *dev;
	struct plat_audio_spec spec;
	/* lock guards everything below */
	pthread_mutex_t lock;
	pthread_cond_t cond; /* room in the ring, clock started, underrun changes */
	struct audio_chunk ring[AUDIO_CHUNKS];
	int rindex, count;
	size_t bytes;
	uint32_t session; /* chunks of other sessions/serials are dropped unplayed */
	int serial;
	bool clock_valid;
	int64_t clock_pts_us; /* media time at the speaker at clock_mono_us */
	uint64_t clock_mono_us;
	int64_t end_pts_us; /* media time after the last queued sample */
	bool underrun;      /* the ring ran dry while playing this session */
	size_t start_bytes; /* hold playback until this much is queued (0: play at once) */
	bool started;
	uint64_t samples_played;
	_Atomic int volume; /* 0..100 */
	_Atomic bool muted;
	bool paused;
};

struct player_session;

struct player {
	struct player_config cfg;
	char *decoders; /* owned copies of cfg strings */
	char *user_agent;
	char *ca_file;      /* NULL: the system store */
	bool ca_file_owned; /* the player's private copy of cfg.ca_bundle: removed at destroy */
	struct audio_out out;

	/* ev_lock guards the event ring */
	pthread_mutex_t ev_lock;
	struct player_event events[256];
	int ev_rindex, ev_count;

	/* disp_lock guards the display slot and the subtitle slot */
	pthread_mutex_t disp_lock;
	AVFrame *disp;     /* newest picture due, owned */
	AVFrame *borrowed; /* handed to the caller between acquire and release */
	uint64_t disp_seq;
	uint32_t disp_session;
	AVSubtitle sub; /* current subtitle (owned when sub_valid) */
	bool sub_valid;
	uint32_t sub_session;
	int64_t sub_start_us, sub_end_us; /* media time */
	uint64_t sub_seq;
	uint8_t *sub_rgba; /* converted bitmap of sub, owned */
	int sub_x, sub_y, sub_w, sub_h, sub_vw, sub_vh;
	char sub_text[512];
	bool sub_bitmap;
	bool sub_borrowed;

	/* wake_lock guards wake and wake_opaque; held while wake runs (player_set_wake waits for it) */
	pthread_mutex_t wake_lock;
	player_wake_fn wake;
	void *wake_opaque;

	/* lock guards current and the reaper list */
	pthread_mutex_t lock;
	pthread_cond_t reap_cond;
	struct player_session *current;
	struct player_session *reap_list;
	bool reaper_stop;
	pthread_t reaper;
	uint32_t next_session;
	_Atomic int state;
};

/* Pushes an event (session, time stamp set by the caller) to the queue and the callbacks. */
void player_emit(struct player *p, struct player_event *ev);
/* Calls the owner's wake-up callback (something new to take). Hold none of the player's locks. */
void player_wake(struct player *p);

/* Audio clock of session/serial in media microseconds; false when it has not started. */
bool player_audio_clock(struct player *p, uint32_t session, int serial, int64_t *pts_us);
/* Queues PCM of the device format; blocks while the ring is full. Takes data (free()d by the ring).
 * Returns 0, or -1 when *abort became true. */
int player_audio_push(struct player *p, uint8_t *data, size_t len, int64_t pts_us, uint32_t session,
		      int serial, _Atomic bool *abort);
/* Makes session/serial the one the device plays: older chunks are dropped. */
void player_audio_reset(struct player *p, uint32_t session, int serial);
/* Holds playback until ms of audio are queued (0: play what there is), now and after a dry spell. */
void player_audio_prebuffer(struct player *p, uint32_t ms);
/* Wakes threads waiting on the audio ring (abort). */
void player_audio_wake(struct player *p);
/* Milliseconds of audio queued for session ahead of the speaker. */
uint32_t player_audio_buffered_ms(struct player *p, uint32_t session);

/* Publishes a picture (takes the reference). */
void player_display_set(struct player *p, uint32_t session, AVFrame *frame);
/* Publishes a subtitle (takes ownership of sub's contents). */
void player_subtitle_set(struct player *p, uint32_t session, AVSubtitle *sub, int64_t start_us,
			 int64_t end_us, int video_w, int video_h);

/* ---- session (player_session.c) ---- */

enum stream_slot { SLOT_VIDEO, SLOT_AUDIO, SLOT_SUB, SLOT_N };

struct decoder {
	struct player_session *s;
	enum stream_slot slot;
	struct pq_packet_queue q;
	pthread_t thread;
	bool started;
	/* lock of the session guards par, par_gen, stream_index, tb */
	AVCodecParameters *par;
	int par_gen;
	int stream_index;
	AVRational tb;
	/* owned by the decoder thread */
	AVRational ctx_tb; /* tb of the stream ctx decodes, copied with par under the lock */
	AVCodecContext *ctx;
	int ctx_gen;
	int ctx_serial;
	int candidate; /* index in the decoder order of the codec */
	bool hw;
	char name[32];
	AVFilterGraph *graph;
	AVFilterContext *src, *sink;
	int graph_w, graph_h, graph_fmt, graph_interlaced;
	SwrContext *swr;
	int swr_rate, swr_fmt;
	AVChannelLayout swr_layout;
	int64_t next_pts_us;
	_Atomic bool eof; /* drained after the end marker */
	bool keyframe_seen;
	int epoch; /* s->epoch when this serial began */
};

/* The session's FFmpeg I/O accounting (player_io.c): reader thread only, except the atomics. */
struct session_io {
	AVIOInterruptCB icb;
	_Atomic uint64_t open_deadline_us; /* 0: none; past it an open is interrupted */
	_Atomic uint64_t play_deadline_us; /* 0: none; past it without a first frame: nothing playable */
	_Atomic bool deadline_hit;         /* the open deadline interrupted an open */
	_Atomic bool tls_untrusted;        /* FFmpeg logged a certificate that did not verify */
	_Atomic int refusal;               /* enum player_refusal: a rule of the box refused */
	int refused_w, refused_h;          /* PLAYER_REFUSAL_TOO_LARGE: the picture's size */
	bool remote;                       /* the URL opened is not a local file: no file opens */
	double tokens;                     /* request-rate bucket */
	uint64_t tokens_mono_us;
	uint32_t throttled;       /* opens in a row that had to wait for a token */
	uint32_t opens;           /* nested opens since the session started */
	uint32_t masters;         /* nested master playlists met by the current open */
	char master_urls[4][256]; /* their URLs, for a loop */
};

struct player_session {
	struct player *p;
	uint32_t id;
	char *url;     /* canonical URL, owned */
	char *cur_url; /* what is opened now (catch-up re-tunes), owned */
	char redacted[256];
	struct player_open_options opts;
	char audio_lang[8], sub_lang[8];
	uint64_t t0_us; /* play request; set before the threads start, then read-only */
	_Atomic bool abort;
	_Atomic bool paused;

	pthread_t reader, presenter;
	bool reader_started, presenter_started;
	struct pq_notify notify;
	struct decoder dec[SLOT_N];
	struct pq_frame_queue frames;
	struct session_io io;
	size_t packet_cap; /* bytes of packets queued (the memory limit's share) */
	/* reader-owned: the video packets' picture size, learned by a parser before any decoder */
	AVCodecParserContext *vparser;
	AVCodecContext *vparser_ctx;
	int vparser_stream;
	enum AVCodecID vparser_codec;

	/* lock guards the fields below, the decoders' par/stream_index, and ic's stream list
	 * for player_tracks_get */
	pthread_mutex_t lock;
	pthread_cond_t cond; /* seek/track requests, pause */
	AVFormatContext *ic;
	int64_t seek_req_ms;   /* -1: none */
	int track_req[SLOT_N]; /* -2: none, -1: off */
	struct player_info info;
	int64_t start_us;      /* media time of position 0 */
	int64_t pos_offset_ms; /* catch-up: programme position of the URL's start */

	/* presenter-owned */
	bool first_frame_done;
	bool stalled;
	uint64_t stall_start_us;      /* also in info_stall_since_us under lock, for player_info_get */
	uint64_t info_stall_since_us; /* lock: the stall running now (0: none) */
	_Atomic bool has_video, has_audio;
	_Atomic int64_t play_pts_us; /* media time at the play head */
	_Atomic int64_t read_pts_us; /* media time of the newest demuxed packet */
	_Atomic bool read_eof;       /* VOD/catch-up: the reader reached the end */
	_Atomic bool audio_started;
	_Atomic uint32_t dropped;
	_Atomic uint64_t bytes_read;
	_Atomic bool first_frame_emitted;
	_Atomic int audio_serial;
	_Atomic int epoch;                /* bumped when every queue flushes (open, seek, reconnect) */
	_Atomic int video_epoch;          /* epoch of the first picture shown... */
	_Atomic int64_t video_epoch_pts;  /* ...and its time: audio starts with it */
	struct player_session *reap_next; /* player->lock */
	pthread_mutex_t emit_lock;        /* orders state changes from the presenter, reader and decoders */
};

int player_session_start(struct player *p, struct player_session **out, uint32_t id, uint64_t t0_us,
			 const char *url, const struct player_open_options *opts);
/* Sets the abort flag and wakes every waiter; returns at once. */
void player_session_abort(struct player_session *s);
/* Joins the threads and frees (reaper thread or destroy). */
void player_session_free(struct player_session **s);

/* Session-side emitters (player_session.c). */
void session_set_state(struct player_session *s, enum player_state st);
void session_emit_error(struct player_session *s, enum player_error_kind kind, bool fatal, int http_status,
			int averror, const char *net, const char *codec, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));
void session_first_frame(struct player_session *s);

/* FFmpeg I/O with the box's rules (player_io.c), all on the reader thread. */
/* Prepares s->io for a session (the interrupt callback included). */
void player_io_init(struct player_session *s);
/* Adds the rules of every open to *o: TLS verification and CA, timeouts, User-Agent, the protocols
 * allowed. */
void player_io_options(struct player_session *s, AVDictionary **o);
/* Makes ic's nested opens (HLS playlists, segments, keys) follow the rules, counted and watched. */
void player_io_install(struct player_session *s, AVFormatContext *ic);
/* The open deadline: starts now (true) or is lifted (false); also clears the per-open counters. */
void player_io_open_begin(struct player_session *s, bool begin);
/* True once no first frame came within the limit of the first successful open. */
bool player_io_nothing_playable(struct player_session *s);

/* Decoder threads (player_decode.c). */
void *player_decoder_thread(void *arg);
void *player_presenter_thread(void *arg);

int64_t pq_ts_us(int64_t ts, AVRational tb);

#endif
