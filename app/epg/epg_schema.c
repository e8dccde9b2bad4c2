/* SPDX-License-Identifier: MIT */
/* The EPG tables and their life cycle: the migrations (owner "epg"), the staging database an import
 * fills (a file of its own beside the main one, attached as "epg_stage", so its writes never take
 * the main database's write lock), the swap that puts a complete import in force in one short
 * transaction, settings (shifts), the stream -> channel mapping, the sweep of old programmes, and
 * the small helpers the other files share.
 *
 * Tables: epg_channel (one row per guide channel, key = the XMLTV id trimmed and lowercased),
 * epg_programme (rowid = channel << 40 | start, see epg_prog_id(): a duplicate is a rowid conflict,
 * dropped at insert), epg_fts (FTS5 over the
 * titles in every language, external content = epg_programme.search, a virtual column), epg_map
 * (stream_id -> key and name, from the library), epg_shift (seconds per key, '' = global), epg_meta. */
#include "epg_internal.h"

#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define PROGRAMME_COLUMNS                                                                                    \
	"(id INTEGER PRIMARY KEY, channel INTEGER NOT NULL, start INTEGER NOT NULL, stop INTEGER NOT NULL, " \
	"title TEXT NOT NULL, lang TEXT, subtitle TEXT, descr TEXT, category TEXT, episode TEXT, icon "      \
	"TEXT, "                                                                                             \
	"rating TEXT, alt_langs TEXT, alt_titles TEXT, alt_subs TEXT, alt_descs TEXT, "                      \
	"search TEXT GENERATED ALWAYS AS (title || coalesce(' ' || replace(alt_titles, char(30), ' '), "     \
	"'')) VIRTUAL)"
#define CHANNEL_COLUMNS                                                                                \
	"(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, raw_id TEXT NOT NULL, name TEXT NOT NULL " \
	"DEFAULT '', name_norm TEXT NOT NULL DEFAULT '', icon TEXT, source TEXT NOT NULL DEFAULT 'xmltv')"
#define FTS_OPTIONS "content_rowid='id', detail=none, columnsize=0, tokenize='unicode61 remove_diacritics 2'"
#define FTS_DEF "USING fts5(search, content='epg_programme', " FTS_OPTIONS ")"
/* the same index over the staged programmes: its pages are the live index's once copied */
#define FTS_NEW_DEF "USING fts5(search, content='epg_programme_new', " FTS_OPTIONS ")"

static const char *const migrations[] = {
	"CREATE TABLE epg_meta(key TEXT PRIMARY KEY, value);"
	"CREATE TABLE epg_channel" CHANNEL_COLUMNS ";"
	"CREATE INDEX epg_channel_name ON epg_channel(name_norm);"
	"CREATE TABLE epg_programme" PROGRAMME_COLUMNS ";"
	"CREATE VIRTUAL TABLE epg_fts " FTS_DEF ";"
	"CREATE TABLE epg_map(stream_id INTEGER PRIMARY KEY, key TEXT NOT NULL, name_norm TEXT NOT NULL);"
	"CREATE INDEX epg_map_key ON epg_map(key);"
	"CREATE TABLE epg_shift(key TEXT PRIMARY KEY, seconds INTEGER NOT NULL);",
	/* 2: staging moved to its own file (epg_stage_attach): the old in-database staging goes */
	"DROP TABLE IF EXISTS epg_programme_new; DROP TABLE IF EXISTS epg_channel_new;"
	"DELETE FROM epg_meta WHERE key LIKE 'staging_%';",
};

int epg_schema_ensure(struct store *s)
{
	return store_migrate(s, "epg", migrations, (int)(sizeof(migrations) / sizeof(migrations[0])));
}

/* Each code its own sentence. The network's codes are plat_http.h's PLAT_HTTP_E* (negative errno
 * values), worded here for the guide; the rest are the reader's, the importer's and SQLite's
 * (store_errno). */
const char *epg_strerror(int err)
{
	switch (err) {
	case 0:
		return "ok";
	case EPG_E_XML:
		return "the guide is not valid XML";
	case EPG_E_ENTITY:
		return "the guide declares its own XML entities or document type, which is refused for "
		       "safety";
	case EPG_E_GZIP:
		return "the compressed guide is damaged or incomplete";
	case EPG_E_TOOBIG:
		return "the guide contains an element too large to read safely";
	case EPG_E_HTTP:
		return "the server refused the guide";
	case EPG_E_NOTXMLTV:
		return "the file is XML but not an XMLTV guide";
	case EPG_E_EMPTY:
		return "the guide lists no programmes";
	case EPG_E_STALE:
		return "none of its programmes are in the guide window, so the guide is out of date or a "
		       "clock is wrong";
	case EPG_E_NOMATCH:
		return "none of its programmes are on the box's channels";
	case EPG_E_INVALID:
		return "none of its programmes has a channel and a valid start and end";
	case EPG_E_LARGE:
		return "the guide is larger than the box accepts";
	case -ECANCELED:
		return "the guide update was cancelled";
	case -ENOSPC:
		return "the disk is full";
	case -ENOENT:
		return "the guide file was not found";
	case -EACCES:
		return "access to the guide was refused";
	case -ENOMEM:
		return "not enough memory";
	case -EBUSY:
		return "the box's database was busy";
	case -EBADMSG: /* PLAT_HTTP_EBADREPLY too */
		return "the server's answer is not a programme list";
	case -EHOSTUNREACH: /* PLAT_HTTP_ERESOLVE */
		return "the guide server's name could not be found";
	case -ECONNREFUSED: /* PLAT_HTTP_ECONNECT */
		return "nothing answers at the guide server's address";
	case -ETIMEDOUT: /* PLAT_HTTP_ETIMEDOUT */
		return "the guide server did not answer in time";
	case -ETIME: /* PLAT_HTTP_ESTALLED */
		return "the guide server sends too slowly";
	case -ECONNRESET: /* PLAT_HTTP_ECUT */
		return "the connection to the guide server was cut";
	case -EFBIG: /* PLAT_HTTP_ETOOBIG */
		return "the guide download is larger than the box accepts";
	case -E2BIG: /* PLAT_HTTP_EBOMB */
		return "the guide unpacks to more than the box accepts";
	case -EKEYREJECTED: /* PLAT_HTTP_EUNTRUSTED */
		return "the guide server's certificate is not trusted";
	case -EPROTO: /* PLAT_HTTP_ETLS */
		return "a secure connection to the guide server could not be made";
	case -ELOOP: /* PLAT_HTTP_EREDIRECTS */
		return "the guide server redirects in a loop";
	case -EPERM: /* PLAT_HTTP_EREDIRECT_REFUSED */
		return "the guide server redirected to another kind of address (such as from https to "
		       "unencrypted http), which the box refuses";
	case -EINVAL: /* PLAT_HTTP_EBADURL */
		return "the guide's address is not valid";
	case -EIO: /* PLAT_HTTP_EIO, SQLite's other failures */
		return "the guide could not be read or stored";
	default:
		return err < 0 ? "the guide could not be read" : "ok";
	}
}

size_t epg_key_normalize(const char *s, size_t len, char *out, size_t cap)
{
	if (cap == 0)
		return 0;
	if (!s)
		s = "";
	if (len == (size_t)-1)
		len = strlen(s);
	while (len && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) {
		s++;
		len--;
	}
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n' || s[len - 1] == '\r'))
		len--;
	if (len >= cap)
		len = cap - 1;
	for (size_t i = 0; i < len; i++)
		out[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
	out[len] = '\0';
	return len;
}

bool epg_lang_match(const char *a, const char *b)
{
	if (!a || !b || !a[0] || !b[0])
		return false;
	for (;; a++, b++) {
		bool ea = !*a || *a == '-' || *a == '_', eb = !*b || *b == '-' || *b == '_';
		if (ea || eb)
			return ea && eb;
		char ca = (*a >= 'A' && *a <= 'Z') ? (char)(*a + 32) : *a;
		char cb = (*b >= 'A' && *b <= 'Z') ? (char)(*b + 32) : *b;
		if (ca != cb)
			return false;
	}
}

int epg_sql_run(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		plat_log_warn("epg", "%s", msg ? msg : sqlite3_errstr(rc));
	sqlite3_free(msg);
	return store_errno(rc);
}

static int prepare_meta(sqlite3 *db, const char *table, const char *fmt, sqlite3_stmt **st)
{
	char sql[200];
	snprintf(sql, sizeof(sql), fmt, table);
	return sqlite3_prepare_v2(db, sql, -1, st, NULL);
}

static int meta_get_int(sqlite3 *db, const char *table, const char *key, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	int rc = prepare_meta(db, table, "SELECT value FROM %s WHERE key = ?1", &st);
	int err = store_errno(rc);
	if (err == 0) {
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			*out = sqlite3_column_int64(st, 0);
		err = rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? -ENOENT : store_errno(rc);
	}
	sqlite3_finalize(st);
	return err;
}

static int meta_get_text(sqlite3 *db, const char *table, const char *key, char *out, size_t cap)
{
	sqlite3_stmt *st = NULL;
	int rc = prepare_meta(db, table, "SELECT value FROM %s WHERE key = ?1", &st);
	int err = store_errno(rc);
	if (err == 0) {
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			const unsigned char *v = sqlite3_column_text(st, 0);
			snprintf(out, cap, "%s", v ? (const char *)v : "");
		}
		err = rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? -ENOENT : store_errno(rc);
	}
	sqlite3_finalize(st);
	return err;
}

static int meta_set(sqlite3 *db, const char *table, const char *key, const char *text, int64_t value)
{
	sqlite3_stmt *st = NULL;
	int rc = prepare_meta(db, table,
			      "INSERT INTO %s(key, value) VALUES (?1, ?2) "
			      "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
			      &st);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		if (text)
			sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
		else
			sqlite3_bind_int64(st, 2, value);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	return store_errno(rc);
}

int epg_meta_get_int(sqlite3 *db, const char *key, int64_t *out)
{
	return meta_get_int(db, "main.epg_meta", key, out);
}

int epg_meta_get_text(sqlite3 *db, const char *key, char *out, size_t cap)
{
	return meta_get_text(db, "main.epg_meta", key, out, cap);
}

int epg_meta_set_int(sqlite3 *db, const char *key, int64_t value)
{
	return meta_set(db, "main.epg_meta", key, NULL, value);
}

int epg_meta_set_text(sqlite3 *db, const char *key, const char *value)
{
	return meta_set(db, "main.epg_meta", key, value, 0);
}

int epg_stage_meta_get_int(sqlite3 *db, const char *key, int64_t *out)
{
	return meta_get_int(db, "epg_stage.stage_meta", key, out);
}

int epg_stage_meta_get_text(sqlite3 *db, const char *key, char *out, size_t cap)
{
	return meta_get_text(db, "epg_stage.stage_meta", key, out, cap);
}

int epg_stage_meta_set_int(sqlite3 *db, const char *key, int64_t value)
{
	return meta_set(db, "epg_stage.stage_meta", key, NULL, value);
}

int epg_stage_meta_set_text(sqlite3 *db, const char *key, const char *value)
{
	return meta_set(db, "epg_stage.stage_meta", key, value, 0);
}

int epg_stage_attach(sqlite3 *db, char *path, size_t cap)
{
	const char *main_file = sqlite3_db_filename(db, "main");
	if (main_file && main_file[0])
		snprintf(path, cap, "%s-epg-stage", main_file);
	else
		snprintf(path, cap, "%s", ""); /* a temporary main database: a private temporary stage */
	sqlite3_exec(db, "DETACH DATABASE epg_stage", NULL, NULL, NULL); /* a leftover of a crash */
	/* private like the main file (SQLite gives its -wal and -shm the same mode) */
	store_private_file(path);
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, "ATTACH DATABASE ?1 AS epg_stage", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		plat_log_warn("epg", "staging database: %s", sqlite3_errmsg(db));
		return store_errno(rc);
	}
	/* Disposable: a power cut loses at most the last batches, which resume redoes. A feed sorted by
	 * time rather than by channel inserts at one b-tree position per channel: 8 MiB of page cache
	 * keeps ~2000 channels' last pages hot (2 MiB would thrash), within the budget. */
	return epg_sql_run(db, "PRAGMA epg_stage.journal_mode=WAL; PRAGMA epg_stage.synchronous=NORMAL;"
			       "PRAGMA epg_stage.cache_size=-8192");
}

void epg_stage_detach(sqlite3 *db, const char *path, bool remove)
{
	sqlite3_exec(db, "DETACH DATABASE epg_stage", NULL, NULL, NULL);
	if (!remove || !path[0])
		return;
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
	for (int i = 0; i < 4; i++) {
		char file[1100];
		snprintf(file, sizeof(file), "%s%s", path, suffix[i]);
		unlink(file);
	}
}

int epg_staging_create(sqlite3 *db)
{
	/* a deferred transaction that only writes epg_stage: the main database is never locked */
	return epg_sql_run(db, "BEGIN;"
			       "DROP TABLE IF EXISTS epg_stage.epg_fts_new;"
			       "DROP TABLE IF EXISTS epg_stage.epg_programme_new;"
			       "DROP TABLE IF EXISTS epg_stage.epg_channel_new;"
			       "CREATE TABLE epg_stage.epg_channel_new" CHANNEL_COLUMNS ";"
			       "CREATE TABLE epg_stage.epg_programme_new" PROGRAMME_COLUMNS ";"
			       "CREATE TABLE IF NOT EXISTS epg_stage.stage_meta(key TEXT PRIMARY KEY, value);"
			       "DELETE FROM epg_stage.stage_meta;"
			       "COMMIT");
}

int epg_staging_index(sqlite3 *db)
{
	/* the search index of the staged programmes, built in the staging file with no lock on the
	 * main one; the swap copies its pages (epg_fts_new_data / _idx) into epg_fts */
	int rc = epg_sql_run(db, "BEGIN;"
				 "DROP TABLE IF EXISTS epg_stage.epg_fts_new;"
				 "CREATE VIRTUAL TABLE epg_stage.epg_fts_new " FTS_NEW_DEF ";"
				 "INSERT INTO epg_stage.epg_fts_new(epg_fts_new) VALUES ('rebuild');"
				 "COMMIT");
	if (rc < 0) /* interrupted (a cancel) or failed: nothing half-built stays open */
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* Short-EPG channels the new guide lacks are carried over with their programmes (read from the live
 * guide inside the swap, so a short EPG stored during the import is not lost). A channel's
 * programmes are a rowid range (epg_prog_id): CROSS JOIN keeps the few short channels as the outer
 * loop, so this costs the short EPG's size, not the guide's. */
static const char carry_short_sql[] =
    "INSERT INTO epg_stage.epg_channel_new(key, raw_id, name, name_norm, icon, source) "
    "SELECT key, raw_id, name, name_norm, icon, source FROM main.epg_channel WHERE source = 'short' "
    "AND key NOT IN (SELECT key FROM epg_stage.epg_channel_new);"
    "INSERT OR IGNORE INTO epg_stage.epg_programme_new(id, channel, start, stop, title, lang, subtitle, "
    "descr, category, episode, icon, rating, alt_langs, alt_titles, alt_subs, alt_descs) "
    "SELECT (n.id << 40) | p.start, n.id, p.start, p.stop, p.title, p.lang, p.subtitle, p.descr, "
    "p.category, p.episode, p.icon, p.rating, p.alt_langs, p.alt_titles, p.alt_subs, p.alt_descs "
    "FROM main.epg_channel c CROSS JOIN main.epg_programme p "
    "ON p.id >= (c.id << 40) AND p.id < ((c.id + 1) << 40) "
    "JOIN epg_stage.epg_channel_new n ON n.key = c.key WHERE c.source = 'short' AND n.source = 'short';";

/* The live tables take the staged rows. INSERT ... SELECT * between tables of the same shape is
 * SQLite's transfer optimisation: records are copied as they are, not decoded and re-encoded. The
 * search index's pages come from the staging index, then the carried short-EPG rows are indexed
 * one by one (they were not staged when it was built). */
static const char replace_sql[] =
    "DELETE FROM main.epg_programme; DELETE FROM main.epg_channel;"
    "INSERT INTO main.epg_channel SELECT * FROM epg_stage.epg_channel_new;"
    "INSERT INTO main.epg_programme SELECT * FROM epg_stage.epg_programme_new;"
    "DROP TABLE main.epg_fts;"
    "CREATE VIRTUAL TABLE main.epg_fts " FTS_DEF ";"
    "DELETE FROM main.epg_fts_data; DELETE FROM main.epg_fts_idx;"
    "INSERT INTO main.epg_fts_data SELECT * FROM epg_stage.epg_fts_new_data;"
    "INSERT INTO main.epg_fts_idx SELECT * FROM epg_stage.epg_fts_new_idx;"
    "INSERT INTO main.epg_fts(rowid, search) SELECT p.id, p.search FROM main.epg_channel c "
    "CROSS JOIN main.epg_programme p ON p.id >= (c.id << 40) AND p.id < ((c.id + 1) << 40) "
    "WHERE c.source = 'short';"
    "DELETE FROM main.epg_meta WHERE key LIKE 'staging_%';";

int epg_staging_swap(sqlite3 *db, int64_t now)
{
	int rc = epg_sql_run(db, "BEGIN IMMEDIATE");
	if (rc < 0)
		return rc;
	rc = epg_sql_run(db, carry_short_sql);
	if (rc == 0)
		rc = epg_sql_run(db, replace_sql);
	if (rc == 0)
		rc = epg_meta_set_int(db, "last_import", now);
	if (rc == 0)
		rc = epg_sql_run(db, "COMMIT");
	if (rc < 0)
		epg_sql_run(db, "ROLLBACK");
	return rc;
}

static int exec_bound(sqlite3 *db, const char *sql, const char *text, int64_t value, int64_t *changes)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK) {
		if (text)
			sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 2, value);
		rc = sqlite3_step(st);
		if (rc == SQLITE_DONE && changes)
			*changes = sqlite3_changes64(db);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : store_errno(rc);
}

int epg_sweep(struct store *s, int64_t now, int days_back)
{
	int rc = epg_schema_ensure(s);
	if (rc < 0)
		return rc;
	sqlite3 *db = store_db(s);
	int64_t limit = now - (int64_t)(days_back < 0 ? 0 : days_back) * 86400, deleted = 0;
	rc = epg_sql_run(db, "BEGIN IMMEDIATE");
	if (rc == 0)
		rc = exec_bound(db,
				"INSERT INTO epg_fts(epg_fts, rowid, search) SELECT 'delete', id, search "
				"FROM epg_programme WHERE stop < ?2",
				NULL, limit, NULL);
	if (rc == 0)
		rc = exec_bound(db, "DELETE FROM epg_programme WHERE stop < ?2", NULL, limit, &deleted);
	if (rc == 0)
		rc = epg_sql_run(db, "COMMIT");
	if (rc < 0) {
		epg_sql_run(db, "ROLLBACK");
		return rc;
	}
	return deleted > INT32_MAX ? INT32_MAX : (int)deleted;
}

int epg_refresh_due(struct store *s, int64_t now, int64_t max_age_s)
{
	int rc = epg_schema_ensure(s);
	if (rc < 0)
		return rc;
	int64_t last = 0;
	rc = epg_meta_get_int(store_db(s), "last_import", &last);
	if (rc == -ENOENT)
		return 1;
	if (rc < 0)
		return rc;
	return now - last >= max_age_s || now < last ? 1 : 0;
}

int epg_shift_set(struct store *s, const char *channel_key, int seconds)
{
	int rc = epg_schema_ensure(s);
	if (rc < 0)
		return rc;
	char key[256];
	epg_key_normalize(channel_key, (size_t)-1, key, sizeof(key));
	return exec_bound(store_db(s),
			  "INSERT INTO epg_shift(key, seconds) VALUES (?1, ?2) "
			  "ON CONFLICT(key) DO UPDATE SET seconds = excluded.seconds",
			  key, seconds, NULL);
}

int epg_shift_get(struct store *s, const char *channel_key, int *seconds)
{
	int rc = epg_schema_ensure(s);
	if (rc < 0)
		return rc;
	char key[256];
	epg_key_normalize(channel_key, (size_t)-1, key, sizeof(key));
	sqlite3_stmt *st = NULL;
	rc = sqlite3_prepare_v2(store_db(s), "SELECT seconds FROM epg_shift WHERE key = ?1", -1, &st, NULL);
	*seconds = 0;
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			*seconds = sqlite3_column_int(st, 0);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_errno(rc);
}

int epg_shift_total(sqlite3 *db, int64_t channel_id, int *seconds)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(
	    db,
	    "SELECT coalesce((SELECT seconds FROM epg_shift WHERE key = ''), 0) + "
	    "coalesce((SELECT s.seconds FROM epg_shift s JOIN epg_channel c ON c.key = s.key "
	    "WHERE c.id = ?1), 0)",
	    -1, &st, NULL);
	*seconds = 0;
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, channel_id);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			*seconds = sqlite3_column_int(st, 0);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : store_errno(rc);
}

int epg_channel_ensure(sqlite3 *db, const char *key, const char *name, int64_t *id)
{
	char norm[256];
	epg_key_normalize(name, (size_t)-1, norm, sizeof(norm));
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db,
				    "INSERT INTO epg_channel(key, raw_id, name, name_norm, source) "
				    "VALUES (?1, ?1, ?2, ?3, 'short') ON CONFLICT(key) DO NOTHING",
				    -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, name ? name : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, norm, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_errno(rc);
	rc = sqlite3_prepare_v2(db, "SELECT id FROM epg_channel WHERE key = ?1", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			*id = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? -ENOENT : store_errno(rc);
}

int epg_map_channels(struct store *s, const struct epg_map_row *rows, size_t n, size_t *matched)
{
	int rc = epg_schema_ensure(s);
	if (rc < 0)
		return rc;
	sqlite3 *db = store_db(s);
	sqlite3_stmt *ins = NULL;
	rc = epg_sql_run(db, "BEGIN IMMEDIATE; DELETE FROM epg_map;");
	if (rc == 0)
		rc = store_errno(sqlite3_prepare_v2(
		    db, "INSERT OR REPLACE INTO epg_map(stream_id, key, name_norm) VALUES (?1, ?2, ?3)", -1,
		    &ins, NULL));
	for (size_t i = 0; rc == 0 && i < n; i++) {
		char key[256], name[256];
		epg_key_normalize(rows[i].epg_channel_id, (size_t)-1, key, sizeof(key));
		epg_key_normalize(rows[i].name, (size_t)-1, name, sizeof(name));
		sqlite3_bind_int(ins, 1, rows[i].stream_id);
		sqlite3_bind_text(ins, 2, key, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 3, name, -1, SQLITE_STATIC);
		int step = sqlite3_step(ins);
		rc = step == SQLITE_DONE ? 0 : store_errno(step);
		sqlite3_reset(ins);
	}
	sqlite3_finalize(ins);
	if (rc == 0)
		rc = epg_sql_run(db, "COMMIT");
	if (rc < 0) {
		epg_sql_run(db, "ROLLBACK");
		return rc;
	}
	if (matched) {
		sqlite3_stmt *st = NULL;
		*matched = 0;
		rc = sqlite3_prepare_v2(
		    db,
		    "SELECT count(*) FROM epg_map m WHERE EXISTS (SELECT 1 FROM epg_channel c "
		    "WHERE (m.key <> '' AND c.key = m.key) OR (m.name_norm <> '' AND "
		    "c.name_norm = m.name_norm))",
		    -1, &st, NULL);
		if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
			*matched = (size_t)sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	return 0;
}
