/* SPDX-License-Identifier: MIT */
/* Inside app/qoe: struct qoe, the memory hand-off between the callers and the worker, and the
 * functions each .c file gives the others. Only app/qoe includes this. */
#ifndef QOE_INTERNAL_H
#define QOE_INTERNAL_H

#include "plat_http.h"
#include "qoe.h"
#include "qoe_record.h"
#include "store.h"

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>

#define QOE_RING 1024 /* records waiting for the worker to write them (a few seconds' worth) */
#define QOE_SID_LEN 37

/* A record made by a caller, on its way to the database. */
struct qoe_pending {
	json_t *rec; /* owned; no sn, no ts */
	char sid[QOE_SID_LEN];
	char event[4];    /* "ps", "rr", "e", "t", "b", "ce" */
	bool urgent;      /* first p, f, q, e=e: send at once */
	int64_t wall_ms;  /* when it happened, -1 while the wall clock was not set */
	uint64_t mono_ms; /* when it happened, monotonic */
	uint32_t targets; /* bit i: targets[i] wants it */
};

/* Per-target delivery state: worker only. */
struct qoe_target_state {
	uint64_t unsent;           /* rows in the database */
	uint64_t oldest_mono_ms;   /* when the oldest unsent row was queued (0: none) */
	bool urgent;               /* send as soon as back-off allows */
	uint64_t backoff_until_ms; /* monotonic */
	uint32_t attempt;          /* consecutive failures */
	bool gone;                 /* 410: stopped until the configuration changes */
	char config_key[96];       /* what "the configuration changed" compares */
};

/* The current playback session (guarded by qoe.lock). */
struct qoe_play {
	bool active, bound, first_frame, ended;
	char sid[QOE_SID_LEN];
	uint32_t player_session;
	uint64_t start_mono_us;
	char sta; /* last play state sent: s p a k r e f q */
	enum qoe_streaming_format sf;
	uint32_t stall_count, stall_total_ms;
	bool have_stats;
	struct {
		uint32_t bitrate_kbps, buffer_ms, dropped_frames;
		int64_t position_ms;
	} stats;
	char decoder[40];
	uint64_t last_t_mono_us[QOE_MAX_TARGETS];
};

struct qoe {
	struct qoe_config cfg; /* immutable after create */
	char boot_id[40];      /* immutable: monotonic times are comparable within one boot only */
	char app_sid[QOE_SID_LEN];

	pthread_mutex_t lock; /* guards everything down to `stats` */
	pthread_cond_t wake;  /* the worker waits on it */
	pthread_cond_t done;  /* qoe_sync / qoe_flush wait on it */
	bool stop, purge, reporting;
	uint64_t flush_until_ms;   /* 0: no flush asked */
	bool flush_capped;         /* standby/shutdown: curl time limited to the flush */
	uint64_t stop_deadline_ms; /* shutdown: the worker leaves at this time at the latest */
	struct qoe_pending ring[QOE_RING];
	size_t ring_head, ring_count;
	uint64_t pushed, written;
	struct qoe_play play;
	uint64_t rng;
	struct qoe_stats stats;

	/* Worker only (created in qoe_create before the thread starts, then used by it alone). */
	struct store *db;
	struct plat_http_session *http; /* the worker's: keeps the connections between batches */
	struct qoe_target_state ts[QOE_MAX_TARGETS];
	pthread_t thread;
};

/* qoe.c */
int64_t qoe_wall_now(struct qoe *q); /* epoch ms, or -1 while unset */
uint64_t qoe_random(struct qoe *q);  /* call with q->lock held */
void qoe_uuid4(char out[QOE_SID_LEN]);
/* Hands a record to the worker (q->lock held); takes rec. */
void qoe_push_locked(struct qoe *q, json_t *rec, const char *sid, const char *event, bool urgent,
		     uint64_t mono_us, uint32_t targets);

/* qoe_session.c: records from sessions (q->lock held). */
void qoe_session_stop_locked(struct qoe *q);

/* qoe_db.c: the queue tables (worker thread). */
int qoe_db_migrate(struct store *db);
int qoe_db_insert(struct qoe *q, struct qoe_pending *p, size_t n);
int qoe_db_enforce_caps(struct qoe *q, uint64_t *dropped);
int qoe_db_purge(struct qoe *q);
int qoe_db_load_targets(struct qoe *q);
int qoe_db_set_gone(struct qoe *q, int target);
int qoe_db_count(struct qoe *q, int target, uint64_t *out);
int qoe_db_total(struct qoe *q, uint64_t *out);

/* One row read back for sending. */
struct qoe_row {
	int64_t id;
	json_t *rec; /* owned: the record with sn and ts (when known) set */
	size_t bytes;
};
/* Reads up to max rows of target, oldest first, with sn and ts filled in (ts fixed up from the
 * monotonic time when the wall clock was unset at queue time). Returns the count or -errno. */
int qoe_db_select(struct store *db, const char *target, const char *boot_id, int64_t wall_now,
		  uint64_t mono_now, struct qoe_row *rows, int max);
int qoe_db_delete(struct qoe *q, const struct qoe_row *rows, int n);
void qoe_rows_free(struct qoe_row *rows, int n);

/* qoe_send.c: one POST of one batch of target i (worker thread). */
int qoe_send_batch(struct qoe *q, int target, uint64_t flush_deadline_ms);

#endif
