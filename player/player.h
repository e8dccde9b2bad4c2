/* SPDX-License-Identifier: MIT */
/* The playback engine: opens live TS/HLS, VOD and catch-up URLs through FFmpeg, decodes on its own
 * threads, hands video frames over as planes (YUV420P or NV12) for a texture upload, plays audio
 * through a plat_audio driver, heals itself (reconnect, resume, catch-up re-tune) and reports typed
 * events (player_events.h). It knows nothing of the UI, Xtream or SQLite.
 *
 * Threads: every public function may be called from one controlling thread (the UI thread) and
 * none of them blocks on the network: player_open() and player_stop() hand the old stream to a
 * reaper thread and return at once. Callbacks in struct player_config run on player threads. */
#ifndef PLAYER_H
#define PLAYER_H

#include "plat_audio.h"
#include "player_events.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct player;

/* Called on a player thread for every event (also queued for player_event_poll()). Keep it short:
 * copy what you need and wake your own thread. */
typedef void (*player_event_fn)(void *opaque, const struct player_event *ev);

/* Wakes the owner's loop: called on a player thread (sometimes on the caller's) whenever there is
 * something new to take: an event was queued (player_event_poll() has one more), a new picture is
 * due (player_video_frame_acquire() gives a new seq) or the subtitle overlay changed. It runs with a
 * player lock held, so it must be quick and must not call into the player: push onto your own
 * thread's queue (an SDL user event, a pipe write) and take the news on your thread. */
typedef void (*player_wake_fn)(void *opaque);

/* Catch-up re-tune: the owner writes a URL whose programme starts at from_ms into the programme
 * (from the start of what was opened) into url (cap bytes) and stores in *offset_ms the programme
 * position that URL starts at (panels round to the minute). Returns 0, or a negative errno to give
 * up. Runs on the player's reader thread; may block briefly (it is interruptible by nothing). */
typedef int (*player_catchup_fn)(void *opaque, int64_t from_ms, char *url, size_t cap, int64_t *offset_ms);

/* The box's limits for what a stream may make the player do: a hostile or broken stream is refused
 * with its own reason (player_events.h, enum player_refusal) instead of exhausting memory, hammering
 * a server or leaving the viewer on "opening" forever. 0 in a field: the default named. */
struct player_limits {
	int max_width, max_height;    /* largest picture decoded; 4096 x 2304 */
	uint32_t max_memory_mb;       /* packet and decoded-picture queues together, in bytes; 64 */
	uint32_t hls_max_depth;       /* master playlists in a chain (one pointing to itself: refused); 3 */
	uint32_t max_opens_per_s;     /* nested opens (HLS playlists, segments, keys), sustained; 20 */
	uint32_t open_timeout_ms;     /* connect, headers and probing of one open together; 15000 */
	uint32_t nothing_playable_ms; /* opened, yet no picture or sound within this: the end; 20000 */
};

struct player_config {
	const struct plat_audio_driver *audio; /* NULL: plat_audio_null */
	/* Decoder order per codec: "h264=h264_v4l2m2m,h264;hevc=hevc_v4l2m2m,hevc". Codecs not named use
	 * FFmpeg's default decoder. NULL or "": defaults everywhere. */
	const char *decoders;
	player_event_fn on_event; /* may be NULL: use player_event_poll() */
	void *event_opaque;
	player_wake_fn on_wake; /* may be NULL; player_set_wake() replaces it later */
	void *wake_opaque;
	player_catchup_fn catchup; /* may be NULL: catch-up then behaves as VOD */
	void *catchup_opaque;
	uint32_t reconnect_max; /* attempts in a row before giving up; 0: 6 */
	/* a stream that played and was lost keeps reconnecting (past reconnect_max) this long; 0: 60000 */
	uint32_t reconnect_window_ms;
	uint32_t read_timeout_ms; /* no byte for this long: the connection is dead; 0: 4000 */
	uint32_t live_latency_ms; /* live buffer target; beyond 3x it the play head jumps; 0: 1000 */
	const char *user_agent;   /* NULL: "Qanat" */
	bool deinterlace;         /* bwdif on interlaced frames (default true via player_config_default) */
	/* TLS of every FFmpeg open (the stream, HLS playlists, segments and keys) is verified, the host
	 * name included, against the system store, or instead against: ca_bundle, PEM certificates
	 * (ca_bundle_len bytes; plat_http_ca_bundle(): the system's and the operator's), copied into a
	 * private file for FFmpeg (removed by player_destroy); else ca_file, a PEM file. NULL: none. */
	const char *ca_bundle;
	size_t ca_bundle_len;
	const char *ca_file;
	struct player_limits limits;
};

/* Fills *c with the defaults described above (limits included). */
void player_config_default(struct player_config *c);
/* Fills *l with the default limits (4096 x 2304, 64 MB, depth 3, 20 opens/s, 15 s, 20 s). */
void player_limits_default(struct player_limits *l);

/* Creates an idle player. *config is copied (strings too). On success *out is owned by the caller
 * (player_destroy()). Returns 0, -EINVAL, -ENOMEM, -EIO (the CA bundle could not be written) or the
 * audio device's error. */
int player_create(const struct player_config *config, struct player **out);

/* Replaces the wake-up callback (config.on_wake; fn NULL: none). Once it returns the old callback
 * is not running and will not be called again, so its opaque may be freed. Controlling thread. */
void player_set_wake(struct player *p, player_wake_fn fn, void *opaque);

/* Stops whatever plays, joins every thread and frees. Accepts NULL and sets *p to NULL. This one
 * does wait for the old stream's threads (at most the time an interrupted read takes to return). */
void player_destroy(struct player **p);

enum player_kind { PLAYER_KIND_LIVE, PLAYER_KIND_VOD, PLAYER_KIND_CATCHUP };

struct player_open_options {
	enum player_kind kind;
	int64_t start_ms;       /* VOD: resume position; catch-up: position of the URL's start */
	const char *audio_lang; /* ISO 639-2 ("ara", "eng"), NULL: the stream's default */
	const char *sub_lang;   /* NULL: subtitles off until player_track_select() */
};

/* Starts playing url (the canonical URL: reconnects go back to it, not to a redirect target).
 * Never blocks: the previous stream is aborted and reaped in the background, and its events stop at
 * once (a new session number). opts may be NULL (live). Returns the new session number (> 0) or a
 * negative errno (-EINVAL, -ENOMEM). */
int player_open(struct player *p, const char *url, const struct player_open_options *opts);

/* Stops playback (state IDLE); never blocks. */
void player_stop(struct player *p);

/* Pause/resume (live too: a resumed live stream jumps back to the edge if it fell too far behind). */
int player_set_paused(struct player *p, bool paused);

/* Seeks a VOD (Range request) or a catch-up programme (asks config.catchup for a new URL) to
 * position_ms. Returns 0, -ENOTSUP on live, -EAGAIN when nothing is open. */
int player_seek(struct player *p, int64_t position_ms);

/* Volume 0..100 and mute, applied to the samples at once. */
void player_set_volume(struct player *p, int percent);
void player_set_muted(struct player *p, bool muted);

/* Pops the oldest queued event into *ev. Returns 1 when one was popped, 0 when the queue is empty.
 * The queue keeps the last 256 events. Any thread. */
int player_event_poll(struct player *p, struct player_event *ev);

/* Current state. Any thread. */
enum player_state player_state_get(const struct player *p);

/* ---- video ---- */

enum player_pixfmt { PLAYER_PIXFMT_YUV420P, PLAYER_PIXFMT_NV12 };

/* One decoded picture, borrowed between acquire and release. */
struct player_video_frame {
	int width, height;
	enum player_pixfmt format;
	const uint8_t *planes[3]; /* Y, U, V (YUV420P) or Y, UV (NV12; planes[2] NULL) */
	int linesize[3];
	int64_t pts_us;       /* media time */
	int sar_num, sar_den; /* sample aspect ratio (1:1 when the stream does not say) */
	uint64_t seq;         /* increases with every new picture: skip the upload when unchanged */
};

/* Borrows the picture that is due now (the presenter thread paces them against the clock). Returns
 * 1 and fills *f (valid until player_video_frame_release()), or 0 when there is no picture (nothing
 * open, audio only, or before the first frame). Call release after every successful acquire. */
int player_video_frame_acquire(struct player *p, struct player_video_frame *f);
void player_video_frame_release(struct player *p);

/* ---- tracks and subtitles ---- */

enum player_track_type { PLAYER_TRACK_AUDIO, PLAYER_TRACK_SUBTITLE, PLAYER_TRACK_VIDEO };

struct player_track {
	enum player_track_type type;
	int id;         /* stream index in the container: pass to player_track_select() */
	char lang[8];   /* ISO 639-2, "" when unknown */
	char codec[32]; /* "aac", "mp2", "subrip", "dvb_subtitle" ... */
	char title[64]; /* the stream's title metadata or "" */
	bool bitmap;    /* subtitles drawn as pictures (dvbsub, pgs) */
	bool selected;
};

/* Copies up to cap tracks of the current stream into out and their number into *n. Returns 0, or
 * -EAGAIN before the stream is opened. */
int player_tracks_get(struct player *p, struct player_track *out, size_t cap, size_t *n);

/* Selects an audio or subtitle track by id (-1 for subtitles: off). Returns 0, -ENOENT, -EAGAIN. */
int player_track_select(struct player *p, enum player_track_type type, int id);

/* A subtitle overlay: text, or an RGBA picture at a place in a video of video_w x video_h. */
struct player_subtitle {
	uint64_t seq; /* changes whenever the overlay changes (0: none ever) */
	bool bitmap;
	char text[512]; /* text subtitles: plain text (ASS tags removed), lines separated by '\n' */
	int x, y, w, h; /* bitmap: position and size in video pixels */
	int video_w, video_h;
	const uint8_t *rgba; /* bitmap: w*h*4 bytes, stride w*4 */
};

/* Borrows the overlay to show now (active at the play head). Returns 1 and fills *s (valid until
 * player_subtitle_release()), or 0 when nothing is to be shown. Release after every acquire. */
int player_subtitle_acquire(struct player *p, struct player_subtitle *s);
void player_subtitle_release(struct player *p);

/* ---- what plays ---- */

struct player_info {
	uint32_t session;
	enum player_state state;
	enum player_kind kind;
	char url[256]; /* redacted */
	char container[32];
	char video_codec[32];
	char audio_codec[32];
	char decoder[32];
	bool decoder_hardware;
	int width, height;
	int sar_num, sar_den;
	bool interlaced;
	int audio_rate, audio_channels;
	int64_t position_ms;
	int64_t duration_ms;
	uint32_t buffer_ms;
	uint32_t bitrate_kbps;
	uint32_t first_frame_ms; /* 0 until the first frame */
	uint32_t stalls, stall_ms;
	uint32_t dropped_frames;
	uint32_t frames_shown;
	uint32_t reconnects;
	int32_t av_offset_ms; /* video pts - audio clock at the last presented frame */
};

/* Snapshot of the current session. Any thread. */
void player_info_get(struct player *p, struct player_info *out);

/* Text of an error kind for logs and QoE codes: "http", "net", "ffmpeg", "decoder", "no_media". */
const char *player_error_kind_name(enum player_error_kind k);
/* Text of a refusal for logs and scripts: "none", "tls_untrusted", "too_large", "playlist_loop",
 * "request_rate", "nothing_playable". */
const char *player_refusal_name(enum player_refusal r);
const char *player_state_name(enum player_state s);

#endif
