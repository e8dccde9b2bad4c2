/* SPDX-License-Identifier: MIT */
/* What the player tells the rest of the box: its states and typed events with monotonic time stamps.
 * QoE beacons (app/qoe, shared/QOE.md), the stream-info overlay and the UI are built from these.
 * This header is the agreed contract between player/ and its consumers: change it with them. */
#ifndef PLAYER_EVENTS_H
#define PLAYER_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

enum player_state {
	PLAYER_STATE_IDLE,
	PLAYER_STATE_OPENING,   /* connecting, probing */
	PLAYER_STATE_BUFFERING, /* opened, waiting for the first frame */
	PLAYER_STATE_PLAYING,
	PLAYER_STATE_PAUSED,
	PLAYER_STATE_STALLED, /* buffer ran dry after playback had started */
	PLAYER_STATE_ENDED,   /* end of a VOD or catch-up programme */
	PLAYER_STATE_FAILED,  /* gave up; see the last PLAYER_EV_ERROR */
};

enum player_event_type {
	PLAYER_EV_PLAY_REQUESTED, /* open() was called: the zap's t0 */
	PLAYER_EV_RESPONSE,       /* HTTP response headers of the stream (or playlist/segment) */
	PLAYER_EV_FIRST_FRAME,    /* first video frame handed to the renderer (audio only: first audio) */
	PLAYER_EV_STATE,          /* state changed */
	PLAYER_EV_STALL_START,
	PLAYER_EV_STALL_END,
	PLAYER_EV_ERROR,   /* fatal or not: see error.fatal */
	PLAYER_EV_STATS,   /* periodic: bitrate, buffer, dropped frames */
	PLAYER_EV_SEEK,    /* a seek was requested */
	PLAYER_EV_DECODER, /* the decoder in use (changes on hardware fallback) */
	PLAYER_EV_ENDED,
};

/* Error classes, so QoE can write `ec` strings and the UI a sentence: business vs technical. */
enum player_error_kind {
	PLAYER_ERR_NONE,
	PLAYER_ERR_HTTP,    /* http_status set: 401, 403, 404, 5xx ... */
	PLAYER_ERR_NET,     /* net: "dns", "connect", "timeout", "reset" */
	PLAYER_ERR_FFMPEG,  /* averror set */
	PLAYER_ERR_DECODER, /* decoder failed: codec names it */
	PLAYER_ERR_NO_MEDIA /* nothing playable in the stream (HTML, empty body) */
};

/* Why a stream was refused (a fatal PLAYER_EV_ERROR): a rule or a limit of the box, each with its
 * own sentence for the viewer; PLAYER_REFUSAL_NONE for every other error. */
enum player_refusal {
	PLAYER_REFUSAL_NONE,
	PLAYER_REFUSAL_TLS_UNTRUSTED,   /* the server's certificate did not verify (kind NET, net "tls") */
	PLAYER_REFUSAL_TOO_LARGE,       /* picture larger than the limits (width/height, max_*) */
	PLAYER_REFUSAL_PLAYLIST_LOOP,   /* an HLS playlist points to itself or nests too deep */
	PLAYER_REFUSAL_REQUEST_RATE,    /* HLS asks for more requests than the limit, sustained */
	PLAYER_REFUSAL_NOTHING_PLAYABLE /* opened, but no picture or sound came in time */
};

struct player_event {
	enum player_event_type type;
	uint64_t mono_us; /* plat_clock_mono_us() when it happened */
	uint32_t session; /* increments on every open(): drops events of a stream zapped away from */
	enum player_state state;
	union {
		struct {
			int http_status;
			uint32_t ttfb_ms; /* time to first byte */
			char url[256];    /* redacted (plat_redact_url) */
		} response;
		struct {
			uint32_t since_request_ms; /* the zap time */
		} first_frame;
		struct {
			uint32_t duration_ms; /* STALL_END: this stall */
			uint32_t count;       /* stalls so far in this session */
			uint32_t total_ms;    /* stall time so far */
		} stall;
		struct {
			enum player_error_kind kind;
			bool fatal;
			int http_status;
			int averror;
			char net[16];   /* "dns", "connect", "timeout", "reset" */
			char codec[32]; /* PLAYER_ERR_DECODER */
			char message[160];
			enum player_refusal refusal;
			int width, height;         /* PLAYER_REFUSAL_TOO_LARGE: the stream's picture... */
			int max_width, max_height; /* ...and the box's limit */
		} error;
		struct {
			uint32_t bitrate_kbps; /* measured over the last interval */
			uint32_t buffer_ms;    /* buffered media ahead of the play head */
			uint32_t dropped_frames;
			int64_t position_ms; /* play head */
			int64_t duration_ms; /* 0 for live */
			uint32_t playback_rate_x100;
		} stats;
		struct {
			char name[32]; /* "h264", "h264_v4l2m2m" */
			bool hardware;
		} decoder;
		struct {
			int64_t to_ms;
		} seek;
	} u;
};

#endif
