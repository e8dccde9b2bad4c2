/* SPDX-License-Identifier: MIT */
/* The durable queue: one row per record and target, sn assigned in the same transaction as the
 * insert from a persisted per-(target, sid) counter (so a restart never reuses an sn), the caps of
 * QOE.md (rows, bytes, age; oldest e=t dropped first), and the 410 state of each target. */
#include "qoe_internal.h"

#include "plat_clock.h"
#include "plat_log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const migrations[] = {
	"CREATE TABLE qoe_queue(id INTEGER PRIMARY KEY AUTOINCREMENT, target TEXT NOT NULL,"
	" sid TEXT NOT NULL, sn INTEGER NOT NULL, event TEXT NOT NULL, wall_ms INTEGER,"
	" mono_ms INTEGER NOT NULL, boot TEXT NOT NULL, record TEXT NOT NULL, bytes INTEGER NOT NULL,"
	" UNIQUE(target, sid, sn));"
	"CREATE INDEX qoe_queue_by_target ON qoe_queue(target, id);"
	"CREATE TABLE qoe_seq(target TEXT NOT NULL, sid TEXT NOT NULL, next INTEGER NOT NULL,"
	" PRIMARY KEY(target, sid));"
	"CREATE TABLE qoe_target(url TEXT PRIMARY KEY, config TEXT NOT NULL, gone INTEGER NOT NULL)",
};

int qoe_db_migrate(struct store *db)
{
	int rc = store_migrate(db, "qoe", migrations, (int)(sizeof(migrations) / sizeof(migrations[0])));
	return rc < 0 ? rc : 0;
}

static int prep(struct store *db, const char *sql, sqlite3_stmt **st)
{
	int rc = sqlite3_prepare_v2(store_db(db), sql, -1, st, NULL);
	if (rc != SQLITE_OK)
		plat_log_error("qoe", "sql: %s", sqlite3_errmsg(store_db(db)));
	return store_errno(rc);
}

static int step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : store_errno(rc);
}

/* The next sn of (target, sid), advancing the counter. Inside the caller's transaction. */
static int next_sn(struct store *db, sqlite3_stmt *up, sqlite3_stmt *get, const char *target, const char *sid,
		   int64_t *sn)
{
	sqlite3_bind_text(up, 1, target, -1, SQLITE_STATIC);
	sqlite3_bind_text(up, 2, sid, -1, SQLITE_STATIC);
	int rc = step_done(up);
	if (rc < 0)
		return rc;
	sqlite3_bind_text(get, 1, target, -1, SQLITE_STATIC);
	sqlite3_bind_text(get, 2, sid, -1, SQLITE_STATIC);
	rc = sqlite3_step(get);
	*sn = rc == SQLITE_ROW ? sqlite3_column_int64(get, 0) - 1 : -1;
	sqlite3_reset(get);
	(void)db;
	return *sn >= 0 ? 0 : -EIO;
}

static int insert_one(struct qoe *q, sqlite3_stmt *ins, sqlite3_stmt *up, sqlite3_stmt *get,
		      const struct qoe_pending *p, int t, const char *text)
{
	int64_t sn;
	const char *url = q->cfg.targets[t].url;
	int rc = next_sn(q->db, up, get, url, p->sid, &sn);
	if (rc < 0)
		return rc;
	sqlite3_bind_text(ins, 1, url, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 2, p->sid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 3, sn);
	sqlite3_bind_text(ins, 4, p->event, -1, SQLITE_STATIC);
	if (p->wall_ms >= 0)
		sqlite3_bind_int64(ins, 5, p->wall_ms);
	else
		sqlite3_bind_null(ins, 5);
	sqlite3_bind_int64(ins, 6, (sqlite3_int64)p->mono_ms);
	sqlite3_bind_text(ins, 7, q->boot_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 8, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 9, (sqlite3_int64)strlen(text));
	return step_done(ins);
}

int qoe_db_insert(struct qoe *q, struct qoe_pending *p, size_t n)
{
	sqlite3_stmt *ins = NULL, *up = NULL, *get = NULL;
	int rc = prep(q->db,
		      "INSERT INTO qoe_queue(target, sid, sn, event, wall_ms, mono_ms, boot, record, bytes)"
		      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		      &ins);
	if (rc == 0)
		rc = prep(q->db,
			  "INSERT INTO qoe_seq(target, sid, next) VALUES (?, ?, 1)"
			  " ON CONFLICT(target, sid) DO UPDATE SET next = next + 1",
			  &up);
	if (rc == 0)
		rc = prep(q->db, "SELECT next FROM qoe_seq WHERE target = ? AND sid = ?", &get);
	if (rc == 0)
		rc = store_exec(q->db, "BEGIN IMMEDIATE");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		char *text = json_dumps(p[i].rec, JSON_COMPACT);
		if (!text) {
			rc = -ENOMEM;
			break;
		}
		for (int t = 0; rc == 0 && t < q->cfg.ntargets; t++) {
			if (!(p[i].targets & (1u << t)) || q->ts[t].gone)
				continue;
			rc = insert_one(q, ins, up, get, &p[i], t, text);
			if (rc == 0) {
				struct qoe_target_state *ts = &q->ts[t];
				if (ts->unsent++ == 0)
					ts->oldest_mono_ms = plat_clock_mono_ms();
				ts->urgent |= p[i].urgent;
			}
		}
		free(text);
	}
	if (rc == 0)
		rc = store_exec(q->db, "COMMIT");
	else
		store_exec(q->db, "ROLLBACK");
	sqlite3_finalize(ins);
	sqlite3_finalize(up);
	sqlite3_finalize(get);
	if (rc < 0) {
		plat_log_error("qoe", "cannot queue %zu records: %s", n, strerror(-rc));
		/* the in-memory counts may have moved for rows that were rolled back */
		for (int t = 0; t < q->cfg.ntargets; t++)
			qoe_db_count(q, t, &q->ts[t].unsent);
	}
	return rc;
}

int qoe_db_count(struct qoe *q, int target, uint64_t *out)
{
	sqlite3_stmt *st = NULL;
	int rc = prep(q->db, "SELECT COUNT(*) FROM qoe_queue WHERE target = ?", &st);
	if (rc == 0) {
		sqlite3_bind_text(st, 1, q->cfg.targets[target].url, -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_ROW ? 0 : -EIO;
		if (rc == 0)
			*out = (uint64_t)sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return rc;
}

int qoe_db_total(struct qoe *q, uint64_t *out)
{
	sqlite3_stmt *st = NULL;
	int rc = prep(q->db, "SELECT COUNT(*) FROM qoe_queue", &st);
	if (rc == 0) {
		rc = sqlite3_step(st) == SQLITE_ROW ? 0 : -EIO;
		if (rc == 0)
			*out = (uint64_t)sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return rc;
}

/* Deletes the rows over the age limit, then over the row and byte caps, oldest e=t first. */
int qoe_db_enforce_caps(struct qoe *q, uint64_t *dropped)
{
	*dropped = 0;
	int64_t wall = qoe_wall_now(q);
	uint64_t mono = plat_clock_mono_ms();
	sqlite3_stmt *st = NULL;
	int rc = prep(q->db,
		      "DELETE FROM qoe_queue WHERE (wall_ms IS NOT NULL AND ?1 >= 0 AND wall_ms < ?1 - ?3)"
		      " OR (wall_ms IS NULL AND boot = ?2 AND mono_ms < ?4 - ?3)",
		      &st);
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, wall);
		sqlite3_bind_text(st, 2, q->boot_id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, q->cfg.max_age_ms);
		sqlite3_bind_int64(st, 4, (sqlite3_int64)mono);
		rc = step_done(st);
		*dropped += (uint64_t)sqlite3_changes(store_db(q->db));
	}
	sqlite3_finalize(st);
	st = NULL;
	int64_t rows = 0, bytes = 0;
	if (rc == 0)
		rc = prep(q->db, "SELECT COUNT(*), COALESCE(SUM(bytes), 0) FROM qoe_queue", &st);
	if (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		rows = sqlite3_column_int64(st, 0);
		bytes = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	st = NULL;
	int64_t excess_rows = rows - (int64_t)q->cfg.max_rows;
	int64_t excess_bytes = bytes - (int64_t)q->cfg.max_bytes;
	if (rc < 0 || (excess_rows <= 0 && excess_bytes <= 0))
		return rc;
	/* Walk the rows in drop order and remember the last one to drop of each class: e=t rows go
	 * first, then the others, each class oldest first. */
	rc = prep(q->db, "SELECT id, bytes, event = 't' FROM qoe_queue ORDER BY event = 't' DESC, id", &st);
	int64_t last_t = -1, last_other = -1;
	while (rc == 0 && (excess_rows > 0 || excess_bytes > 0) && sqlite3_step(st) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		if (sqlite3_column_int(st, 2))
			last_t = id;
		else
			last_other = id;
		excess_rows--;
		excess_bytes -= sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc == 0)
		rc = prep(
		    q->db,
		    "DELETE FROM qoe_queue WHERE (event = 't' AND id <= ?1) OR (event <> 't' AND id <= ?2)",
		    &st);
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, last_t);
		sqlite3_bind_int64(st, 2, last_other);
		rc = step_done(st);
		*dropped += (uint64_t)sqlite3_changes(store_db(q->db));
	}
	sqlite3_finalize(st);
	if (*dropped)
		plat_log_warn("qoe", "queue over its caps: dropped %llu records",
			      (unsigned long long)*dropped);
	return rc;
}

int qoe_db_purge(struct qoe *q)
{
	return store_exec(q->db, "DELETE FROM qoe_queue; DELETE FROM qoe_seq");
}

/* A target's identity for "until the configuration changes": everything that could make a 410
 * answer change. */
static void config_key(const struct qoe_target_config *t, char *out, size_t cap)
{
	uint64_t h = 1469598103934665603ull;
	for (const char *p = t->auth; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	snprintf(out, cap, "%s|%016llx|%u", t->format == QOE_FORMAT_JSON ? "json" : "cmcd",
		 (unsigned long long)h, t->events);
}

/* Reads each target's 410 state (reset when its configuration changed), drops the rows and the
 * counters of targets that are no longer configured, and counts what is queued. */
int qoe_db_load_targets(struct qoe *q)
{
	int rc = store_exec(q->db, "BEGIN IMMEDIATE; CREATE TEMP TABLE IF NOT EXISTS qoe_conf(url TEXT);"
				   "DELETE FROM qoe_conf");
	sqlite3_stmt *conf = NULL, *get = NULL, *put = NULL;
	if (rc == 0)
		rc = prep(q->db, "INSERT INTO qoe_conf(url) VALUES (?)", &conf);
	if (rc == 0)
		rc = prep(q->db, "SELECT config, gone FROM qoe_target WHERE url = ?", &get);
	if (rc == 0)
		rc = prep(q->db,
			  "INSERT INTO qoe_target(url, config, gone) VALUES (?, ?, 0)"
			  " ON CONFLICT(url) DO UPDATE SET config = excluded.config, gone = 0",
			  &put);
	for (int t = 0; rc == 0 && t < q->cfg.ntargets; t++) {
		struct qoe_target_state *ts = &q->ts[t];
		const char *url = q->cfg.targets[t].url;
		config_key(&q->cfg.targets[t], ts->config_key, sizeof(ts->config_key));
		sqlite3_bind_text(conf, 1, url, -1, SQLITE_STATIC);
		rc = step_done(conf);
		sqlite3_bind_text(get, 1, url, -1, SQLITE_STATIC);
		bool same = false;
		if (rc == 0 && sqlite3_step(get) == SQLITE_ROW) {
			same = strcmp((const char *)sqlite3_column_text(get, 0), ts->config_key) == 0;
			ts->gone = same && sqlite3_column_int(get, 1) != 0;
		}
		sqlite3_reset(get);
		if (rc == 0 && !same) {
			sqlite3_bind_text(put, 1, url, -1, SQLITE_STATIC);
			sqlite3_bind_text(put, 2, ts->config_key, -1, SQLITE_STATIC);
			rc = step_done(put);
		}
		if (ts->gone)
			plat_log_warn("qoe", "target %s answered 410 Gone before: not sending to it", url);
	}
	sqlite3_finalize(conf);
	sqlite3_finalize(get);
	sqlite3_finalize(put);
	if (rc == 0)
		rc = store_exec(q->db,
				"DELETE FROM qoe_queue WHERE target NOT IN (SELECT url FROM qoe_conf)"
				" OR target IN (SELECT url FROM qoe_target WHERE gone);"
				"DELETE FROM qoe_seq WHERE NOT EXISTS (SELECT 1 FROM qoe_queue"
				" WHERE qoe_queue.target = qoe_seq.target AND qoe_queue.sid = qoe_seq.sid);"
				"COMMIT");
	else
		store_exec(q->db, "ROLLBACK");
	for (int t = 0; rc == 0 && t < q->cfg.ntargets; t++) {
		rc = qoe_db_count(q, t, &q->ts[t].unsent);
		/* rows from an earlier run are overdue */
		q->ts[t].oldest_mono_ms = q->ts[t].unsent ? 1 : 0;
	}
	return rc;
}

int qoe_db_set_gone(struct qoe *q, int target)
{
	sqlite3_stmt *st = NULL;
	int rc = store_exec(q->db, "BEGIN IMMEDIATE");
	if (rc == 0)
		rc = prep(q->db, "UPDATE qoe_target SET gone = 1 WHERE url = ?", &st);
	if (rc == 0) {
		sqlite3_bind_text(st, 1, q->cfg.targets[target].url, -1, SQLITE_STATIC);
		rc = step_done(st);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc == 0)
		rc = prep(q->db, "DELETE FROM qoe_queue WHERE target = ?", &st);
	if (rc == 0) {
		sqlite3_bind_text(st, 1, q->cfg.targets[target].url, -1, SQLITE_STATIC);
		rc = step_done(st);
	}
	sqlite3_finalize(st);
	rc = store_exec(q->db, rc == 0 ? "COMMIT" : "ROLLBACK") < 0 && rc == 0 ? -EIO : rc;
	return rc;
}

int qoe_db_select(struct store *db, const char *target, const char *boot_id, int64_t wall_now,
		  uint64_t mono_now, struct qoe_row *rows, int max)
{
	sqlite3_stmt *st = NULL;
	int rc = prep(db,
		      "SELECT id, sid, sn, wall_ms, mono_ms, boot, record, bytes FROM qoe_queue"
		      " WHERE target = ? ORDER BY id LIMIT ?",
		      &st);
	if (rc < 0)
		return rc;
	sqlite3_bind_text(st, 1, target, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, max);
	int n = 0;
	while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_error_t jerr;
		json_t *rec = json_loads((const char *)sqlite3_column_text(st, 6), 0, &jerr);
		if (!json_is_object(rec)) {
			/* cannot happen unless the file was edited: skip rather than block the queue */
			json_decref(rec);
			rec = json_object();
		}
		json_object_set_new(rec, "sid", json_string((const char *)sqlite3_column_text(st, 1)));
		json_object_set_new(rec, "sn", json_integer(sqlite3_column_int64(st, 2)));
		int64_t ts = -1;
		if (sqlite3_column_type(st, 3) != SQLITE_NULL)
			ts = sqlite3_column_int64(st, 3);
		else if (wall_now >= 0 && strcmp((const char *)sqlite3_column_text(st, 5), boot_id) == 0)
			ts = wall_now - ((int64_t)mono_now - sqlite3_column_int64(st, 4));
		/* a record from an earlier boot queued before the clock was set has no knowable ts:
		 * omitted, like every unknown */
		if (ts >= 0)
			json_object_set_new(rec, "ts", json_integer(ts));
		rows[n].id = sqlite3_column_int64(st, 0);
		rows[n].rec = rec;
		rows[n].bytes = (size_t)sqlite3_column_int64(st, 7);
		n++;
	}
	sqlite3_finalize(st);
	return n;
}

int qoe_db_delete(struct qoe *q, const struct qoe_row *rows, int n)
{
	sqlite3_stmt *st = NULL;
	int rc = store_exec(q->db, "BEGIN IMMEDIATE");
	if (rc == 0)
		rc = prep(q->db, "DELETE FROM qoe_queue WHERE id = ?", &st);
	for (int i = 0; rc == 0 && i < n; i++) {
		sqlite3_bind_int64(st, 1, rows[i].id);
		rc = step_done(st);
	}
	sqlite3_finalize(st);
	if (rc == 0)
		rc = store_exec(q->db, "COMMIT");
	else
		store_exec(q->db, "ROLLBACK");
	return rc;
}

void qoe_rows_free(struct qoe_row *rows, int n)
{
	for (int i = 0; i < n; i++) {
		json_decref(rows[i].rec);
		rows[i].rec = NULL;
	}
}
