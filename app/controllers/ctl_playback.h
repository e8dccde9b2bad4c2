/* SPDX-License-Identifier: MIT */
/* Playback: what plays and what the box learns from it. Builds the stream URL of a channel, a movie,
 * an episode or a catch-up programme from the panel's login (base URL, allowed formats, the panel's
 * time zone), opens it in the player it owns, starts the QoE session, moves the player's events into
 * QoE and into what-is-playing, re-tunes catch-up programmes when the player seeks, and keeps resume
 * points and history through the viewer controller. It knows no screen and no widget: the player
 * screen reads ctl_playback_now(), pulls the due picture with ctl_playback_frame_acquire() and hears
 * the events through its listener.
 *
 * Threads: UI thread only, except the catch-up re-tune, which the player calls on its reader thread
 * (its state has its own lock, private to ctl_playback.c). Nothing here polls: ctl_playback_tick()
 * runs when the player's wake-up says there is news, and ctl_playback_next_deadline_ms() says when
 * the next time-based work (a resume point) is due. */
#ifndef CTL_PLAYBACK_H
#define CTL_PLAYBACK_H

#include "app_provision.h"
#include "ctl_lineup.h"
#include "ctl_viewer.h"
#include "i18n.h"
#include "library.h"
#include "player.h"
#include "qoe.h"
#include "xt_url.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct ctl_playback;

/* What is playing, for the info bar, resume points and the state report. */
struct ctl_now_playing {
	enum library_kind kind; /* LIBRARY_LIVE, LIBRARY_VOD, LIBRARY_EPISODE; catch-up is LIVE + catchup */
	int64_t id;             /* stream id (live, vod) */
	char episode_id[48];    /* series episode id */
	char name[256];
	int64_t number; /* channel number shown to the viewer (0: unknown, show the id) */
	bool catchup;
	int64_t catchup_start; /* unix time of the programme start */
	int64_t catchup_end;
	int session;     /* player session number (0 = nothing) */
	char error[256]; /* why the last start failed, for the viewer ("" = none) */
	/* From the player's events: */
	enum player_state state;
	uint32_t first_frame_ms; /* zap time; 0 until the first frame */
	int64_t position_ms, duration_ms;
	uint32_t bitrate_kbps, buffer_ms, dropped_frames, stalls;
	char decoder[32];
	bool hw_decoder;
	int http_status;   /* of the last failure, 0 when none */
	int width, height; /* of the last picture handed out */
};

/* The services playback works with, all borrowed (NULL: that part is skipped). They are bound after
 * creation because the app opens some of them after the player (ctl_playback_bind). */
struct ctl_playback_services {
	struct library *library;   /* the UI thread's read connection: item names */
	struct ctl_viewer *viewer; /* history and resume points */
	struct ctl_lineup *lineup; /* channel numbers, the channel before (recall) */
	struct qoe *qoe;           /* QoE sessions and beacons */
	const struct i18n *i18n;   /* the viewer's sentences */
	/* The wall clock in unix ms as the viewer sees it (pinned in headless runs); NULL: time(). */
	int64_t (*now_ms)(void *user);
	void *now_user;
};

/* Where a stream comes from and how the viewer likes it, copied at every start. */
struct ctl_playback_source {
	struct xt_url_ctx panel; /* the login's base URL and the credentials */
	unsigned formats;        /* XT_FORMAT_* the panel allows */
	bool prefer_hls;         /* the live format setting is "m3u8" */
	struct xt_clock clock;   /* the panel's clock and zone (catch-up URLs) */
	const char *audio_lang;  /* ISO 639-2 or NULL: the stream's default */
	const char *sub_lang;    /* NULL: subtitles off */
};

/* Gets told what the player says, on the UI thread, from ctl_playback_tick(). */
struct ctl_playback_listener {
	/* Every event of the current session, after ctl_playback_now() reflects it. */
	void (*on_event)(void *user, const struct player_event *ev);
	/* Once per ctl_playback_tick(), also when nothing plays, after the events: a new picture may be
	 * due (ctl_playback_frame_acquire) and the listener's own timers may have run out. */
	void (*on_update)(void *user);
};

/* Creates the controller and its idle player (player_config_default with the catch-up re-tune).
 * prov (may be NULL: the defaults) is the box's playback profile from operator.json: its "player"
 * limits (largest picture, memory of the queues) bound every stream. The TLS trust is plat_http's
 * (the system store plus the operator's ca_file, plat_http_ca_bundle), so a stream and a panel
 * request trust the same certificates. On success *out is
 * owned by the caller (ctl_playback_free). Returns 0, -ENOMEM or the player's error. */
int ctl_playback_create_with(const struct app_provision *prov, struct ctl_playback **out);
/* ctl_playback_create_with(NULL, out). */
int ctl_playback_create(struct ctl_playback **out);
/* Stops, destroys the player (joining its threads) and frees. Accepts NULL, nulls *pb. */
void ctl_playback_free(struct ctl_playback **pb);

/* Replaces the borrowed services (*s is copied; its pointers must outlive their use). */
void ctl_playback_bind(struct ctl_playback *pb, const struct ctl_playback_services *s);
/* One listener (NULL: none); l is copied, user borrowed. */
void ctl_playback_set_listener(struct ctl_playback *pb, const struct ctl_playback_listener *l, void *user);
/* Called once when the current movie or episode reaches its end (after its resume point is kept):
 * the next episode is offered. NULL: nothing. */
void ctl_playback_set_on_ended(struct ctl_playback *pb, void (*fn)(void *user), void *user);

/* Starts a channel (how: what tuned it, for QoE: "ok", "chup", "number", "recall", "epg" ...), a
 * movie or an episode (from its resume point), or a catch-up programme [start, end) in unix time.
 * The parental lock is the caller's business (ctl_lineup_zap before a channel). Whatever played is
 * stopped first (its resume point kept). Returns the new player session (> 0), or a negative errno
 * with the viewer's sentence in ctl_playback_now()->error. */
int ctl_playback_live(struct ctl_playback *pb, const struct ctl_playback_source *src, int64_t stream_id,
		      const char *how);
int ctl_playback_vod(struct ctl_playback *pb, const struct ctl_playback_source *src, int64_t stream_id,
		     const char *extension, const char *name);
int ctl_playback_episode(struct ctl_playback *pb, const struct ctl_playback_source *src,
			 const char *episode_id, const char *extension, const char *name);
int ctl_playback_catchup(struct ctl_playback *pb, const struct ctl_playback_source *src, int64_t stream_id,
			 int64_t start, int64_t end, const char *title);
/* Seeks a movie, an episode or a catch-up programme (clamped to [0, duration - 1 s]); -EAGAIN when
 * nothing plays, -ENOTSUP on live. */
int ctl_playback_seek(struct ctl_playback *pb, int64_t position_ms);
int ctl_playback_pause(struct ctl_playback *pb, bool paused);
/* Stops (the resume point is kept); nothing when nothing plays. */
void ctl_playback_stop(struct ctl_playback *pb);
/* Sets the sentence shown for what plays (the screen's own findings: a kick, a refused zap). */
void ctl_playback_set_error(struct ctl_playback *pb, const char *text);

/* Takes the player's queued events (QoE, what-is-playing, the listener), keeps the resume point when
 * it is due, then calls the listener's on_update. Call it when the player's wake-up fired, when
 * ctl_playback_next_deadline_ms() ran out, or both. */
void ctl_playback_tick(struct ctl_playback *pb);
/* ms until ctl_playback_tick() has time-based work (the next resume point, every 10 s of a movie or
 * an episode), 0 when due now, -1 when none: the loop sleeps until then. */
int ctl_playback_next_deadline_ms(const struct ctl_playback *pb);

/* What plays; borrowed, valid until the next call into the controller. */
const struct ctl_now_playing *ctl_playback_now(const struct ctl_playback *pb);
/* True for a live channel (not catch-up) of an open session. */
bool ctl_playback_is_live(const struct ctl_playback *pb);
/* Wall ms of the last resume point kept (changes whenever one is written), 0 when none. */
int64_t ctl_playback_resume_saved_ms(const struct ctl_playback *pb);

/* The picture due now, borrowed until ctl_playback_frame_release() (call it after every 1): 1 with
 * *f filled, 0 when nothing plays or no picture yet. f->seq tells a new picture from the last. */
int ctl_playback_frame_acquire(struct ctl_playback *pb, struct player_video_frame *f);
void ctl_playback_frame_release(struct ctl_playback *pb);
/* The player's figures of the current session (codecs, buffer, reconnects). */
void ctl_playback_info(struct ctl_playback *pb, struct player_info *out);
/* The player, borrowed (its wake-up is installed by the loop; everything else goes through here). */
struct player *ctl_playback_player(struct ctl_playback *pb);

/* Adds "playing" (and "last_channel") to a headless `state` report. */
void ctl_playback_report(const struct ctl_playback *pb, json_t *obj);

/* Where a catch-up (re-)tune to from_ms into the programme [start, end) starts: the archive is stored
 * a minute per file, so a URL starts at the clock's whole minute that holds that instant, never
 * before the programme's start. Stores it in *url_start (unix time) and returns 0, or -ERANGE when
 * that is at or past the end. */
int ctl_playback_catchup_start(int64_t start, int64_t end, int64_t from_ms, int64_t *url_start);

#endif
