/* SPDX-License-Identifier: MIT */
/* QoE beacons (shared/QOE.md): the box tells the operator how playback went, as CMCD v2 event-mode
 * records built from the player's events (player/player_events.h) and the app's own facts (what was
 * tuned, how, standby, box events). Records go into a durable SQLite queue first and a worker thread
 * sends them to each configured target, batching, backing off and capping as QOE.md says, so that
 * nothing below the caps is lost across a crash or a power cut (at least once; sn is fixed at
 * enqueue time, so a resend carries the same (sid, sn)).
 *
 * Threads: every function here may be called from any thread (one internal lock guards the session
 * state); none of them touches SQLite or the network, so the UI and the player never block on them.
 * struct qoe owns one worker thread, which owns the only SQLite connection and the HTTP session (plat_http.h). */
#ifndef QOE_H
#define QOE_H

#include "player_events.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define QOE_MAX_TARGETS 4

enum qoe_format {
	QOE_FORMAT_CMCD, /* Content-Type: application/cmcd, one record a line, no trailing LF */
	QOE_FORMAT_JSON  /* the JSON envelope of QOE.md */
};

/* Event kinds a target may ask for (operator.json "events": ["ps","rr","e","t","b","ce"]). */
enum {
	QOE_EVENT_PS = 1u << 0, /* play state changes */
	QOE_EVENT_RR = 1u << 1, /* response received */
	QOE_EVENT_E = 1u << 2,  /* errors */
	QOE_EVENT_T = 1u << 3,  /* periodic time interval */
	QOE_EVENT_B = 1u << 4,  /* standby (backgrounded) */
	QOE_EVENT_CE = 1u << 5, /* custom box events */
	QOE_EVENT_ALL = 0x3f
};

struct qoe_target_config {
	char url[512];
	char auth[512]; /* the Authorization header value ("Bearer ..."), "" for none */
	enum qoe_format format;
	uint32_t interval_ms; /* e=t period and the longest wait after the oldest unsent record (30 s) */
	uint32_t batch;       /* records per POST that trigger a send (20) */
	uint32_t events;      /* QOE_EVENT_* mask (all) */
};

struct qoe_config {
	bool enabled; /* operator switch (features.qoe and a "qoe" section with targets) */
	int ntargets;
	struct qoe_target_config targets[QOE_MAX_TARGETS];
	/* Delivery tuning; qoe_config_defaults() sets QOE.md's values, tests shorten them. */
	uint32_t backoff_base_ms;    /* 2000 */
	uint32_t backoff_cap_ms;     /* 300000 */
	uint32_t connect_timeout_ms; /* 5000 */
	uint32_t timeout_ms;         /* 10000 */
	uint32_t flush_cap_ms;       /* 1000: standby and shutdown flushes */
	uint32_t max_rows;           /* 5000 */
	uint32_t max_bytes;          /* 1 MiB of stored records */
	uint32_t max_age_ms;         /* 24 h */
	uint32_t max_body;           /* 64 KiB per POST */
	/* The "device" object of the JSON envelope: no IP, MAC, serial or username. */
	char device_model[64];
	char device_id[80]; /* a salted hash, or "" */
	char app_version[32];
	/* Wall clock in epoch ms, or <= 0 while it is not set (before NTP). NULL: the system clock,
	 * taken as unset while it reads a date before 2024. For tests. */
	int64_t (*wall_ms)(void *ctx);
	void *wall_ctx;
};

/* QOE.md's defaults, no targets, enabled. */
void qoe_config_defaults(struct qoe_config *c);

/* Fills c (after qoe_config_defaults) from the text of operator.json: features.qoe and the "qoe"
 * object (targets[] with url, auth, format "cmcd"|"json", interval_s, batch, events[]; optional
 * backoff_base_s, backoff_cap_s, max_rows, max_bytes, max_age_s). A missing section leaves QoE off.
 * Returns 0, or -EINVAL with a message naming the key in err (errcap bytes). */
int qoe_config_from_json(const char *text, struct qoe_config *c, char *err, size_t errcap);

struct qoe;

/* Opens (creating) the queue in the SQLite database at db_path and starts the worker. cfg is copied.
 * Records queued by an earlier run are sent as soon as their target allows. Caller owns *out:
 * release with qoe_destroy(). Returns 0 or a negative errno (the database could not be opened). */
int qoe_create(const struct qoe_config *cfg, const char *db_path, struct qoe **out);

/* Ends the current session as the viewer leaving, writes every record to the database, flushes for
 * at most flush_cap_ms, stops the worker. Accepts NULL and sets *q to NULL. */
void qoe_destroy(struct qoe **q);

/* The viewer's reporting setting. Off: no more records, and the queue is emptied. */
void qoe_set_reporting(struct qoe *q, bool on);

enum qoe_stream_type { QOE_ST_LIVE, QOE_ST_VOD /* VOD and catch-up */ };
enum qoe_streaming_format { QOE_SF_OTHER /* raw MPEG-TS, progressive file */, QOE_SF_HLS };

struct qoe_session_info {
	char cid[128]; /* "live:<id>", "vod:<id>", "episode:<id>", "tvarchive:<id>@<utc_start>" */
	enum qoe_stream_type st;
	enum qoe_streaming_format sf;
	char channel_number[16];    /* "101", "" when none */
	char tuned_by[16];          /* "ok", "number", "chup", "chdown", "epg", "resume", "" */
	uint64_t requested_mono_us; /* the key press (plat_clock_mono_us), 0 for now */
};

/* A tune: ends the previous session (as qoe_session_stop), makes a new sid (UUIDv4) and records
 * e=ps,sta=s. The next PLAYER_EV_PLAY_REQUESTED binds the player's session number to it; events of
 * other player sessions are ignored. Call it before the player's open(). Returns 0 or -errno. */
int qoe_session_start(struct qoe *q, const struct qoe_session_info *info);

/* The viewer leaves the current session (zap away, back, stop): e=ps,sta=q unless the session
 * already ended (e or f). No-op without a session. */
void qoe_session_stop(struct qoe *q);

/* The sid of the current session into out (37 bytes); "" when none. */
void qoe_session_sid(struct qoe *q, char out[37]);

/* A player event (borrowed) for the current session. */
void qoe_on_player_event(struct qoe *q, const struct player_event *ev);

/* An error the app knows better than the player (biz.xtream.auth, biz.xtream.expired,
 * biz.xtream.max_connections): e=e with ec, and e=ps,sta=f when fatal. */
void qoe_session_error(struct qoe *q, const char *ec, bool fatal);

/* Standby: e=b with bg on entering, without on leaving; entering flushes for at most flush_cap_ms
 * (on the worker; this call does not wait). */
void qoe_standby(struct qoe *q, bool entering);

/* A box event (e=ce, cen=name) with n custom string keys: keys[i] without the prefix ("ms" becomes
 * "org.qanat-ms"), values of at most 64 characters; the key "ec" is CMCD's own error-code list (one
 * code, e.g. "biz.xtream.expired" for a refused login). Returns 0 or -EINVAL. */
int qoe_box_event(struct qoe *q, const char *name, const char *const *keys, const char *const *values,
		  size_t n);

/* Waits until every record made so far is in the database (for tests and before a risky moment).
 * Returns 0 or -ETIMEDOUT. */
int qoe_sync(struct qoe *q, uint32_t timeout_ms);

/* Asks the worker to send everything queued now (as a standby flush, but not capped) and waits up to
 * timeout_ms for the queue to be empty or for no target able to send. Returns 0 or -ETIMEDOUT. */
int qoe_flush(struct qoe *q, uint32_t timeout_ms);

struct qoe_stats {
	uint64_t recorded;       /* records made (each counted once, whatever the number of targets) */
	uint64_t sent;           /* rows delivered with a 2xx */
	uint64_t dropped_4xx;    /* rows in batches a target refused with a 4xx other than 410/429 */
	uint64_t dropped_cap;    /* rows dropped by the caps */
	uint64_t dropped_memory; /* records lost before reaching the database (memory queue full) */
	uint64_t queued;         /* rows in the database now */
	int last_status;         /* last HTTP status, or a negative errno for a network error */
	uint32_t gone_targets;   /* mask of targets stopped by a 410 */
};

void qoe_stats_get(struct qoe *q, struct qoe_stats *out);

/* For support staff (`qanat qoe show`): prints the records queued in the database at db_path, per
 * target, exactly as they would be sent now (CMCD lines, or one JSON object when json). Opens its own
 * read-only connection. Returns the number of rows printed or a negative errno. */
int qoe_queue_print(const char *db_path, FILE *out, bool json);

#endif
