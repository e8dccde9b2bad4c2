/* SPDX-License-Identifier: MIT */
/* The player API's short EPG (get_short_epg, get_simple_data_table) for channels the XMLTV lacks or
 * when xmltv.php is refused (XTREAM.md section 6): listings with base64 titles (plain text from some
 * clones), *_timestamp fields as strings or numbers, XUI's object keyed by stream id. The listings go
 * straight into the live tables (they are small) under their channel, marked source 'short' so a
 * later XMLTV import keeps them when it lacks that channel. */
#include "epg_internal.h"
#include "plat_base64.h"

#include "store.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

bool epg_text_from_base64(const char *text, char *out, size_t cap)
{
	return plat_base64_text(text, out, cap);
}

/* A unix time from a string or a number field; 0 when absent or not a number. */
static int64_t json_time(const json_t *v)
{
	if (json_is_integer(v))
		return json_integer_value(v);
	if (json_is_real(v))
		return (int64_t)json_real_value(v);
	if (!json_is_string(v))
		return 0;
	const char *s = json_string_value(v);
	char *end;
	long long t = strtoll(s, &end, 10);
	return end != s && *end == '\0' ? t : 0;
}

/* "2025-03-03 13:57:02" in the panel's zone. */
static int64_t local_string_time(const json_t *v, const struct epg_zone *zone)
{
	if (!json_is_string(v))
		return 0;
	const char *s = json_string_value(v);
	char compact[20];
	size_t n = 0;
	for (; *s && n + 1 < sizeof(compact); s++)
		if (*s >= '0' && *s <= '9')
			compact[n++] = *s;
	compact[n] = '\0';
	int64_t t = 0;
	if (n < 12 || epg_time_parse_xmltv(compact, zone, &t) < 0)
		return 0;
	return t;
}

static const char *json_str(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

struct short_ctx {
	sqlite3 *db;
	int stream_id;
	const struct epg_zone *zone;
	sqlite3_stmt *ins, *fts;
	size_t stored;
	int64_t fallback_channel; /* "stream:<id>" row, created on first use */
};

static int channel_for(struct short_ctx *c, const char *channel_id, int64_t *id)
{
	char key[256];
	if (channel_id && epg_key_normalize(channel_id, (size_t)-1, key, sizeof(key)) > 0)
		return epg_channel_ensure(c->db, key, "", id);
	if (c->fallback_channel) {
		*id = c->fallback_channel;
		return 0;
	}
	snprintf(key, sizeof(key), "stream:%d", c->stream_id);
	int rc = epg_channel_ensure(c->db, key, "", id);
	if (rc == 0)
		c->fallback_channel = *id;
	return rc;
}

/* The stream goes to this channel unless it already reaches another channel with programmes. */
static int map_stream(struct short_ctx *c, int64_t channel)
{
	sqlite3_stmt *st = NULL;
	int rc =
	    sqlite3_prepare_v2(c->db,
			       "INSERT INTO epg_map(stream_id, key, name_norm) SELECT ?1, key, '' FROM "
			       "epg_channel WHERE id = ?2 "
			       "ON CONFLICT(stream_id) DO UPDATE SET key = excluded.key WHERE NOT EXISTS ("
			       "SELECT 1 FROM epg_channel ch JOIN epg_programme p ON p.channel = ch.id "
			       "WHERE ch.id <> ?2 AND ((epg_map.key <> '' AND ch.key = epg_map.key) OR "
			       "(epg_map.name_norm <> '' AND ch.name_norm = epg_map.name_norm)))",
			       -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int(st, 1, c->stream_id);
		sqlite3_bind_int64(st, 2, channel);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : store_errno(rc);
}

static int store_listing(struct short_ctx *c, const json_t *l)
{
	if (!json_is_object(l))
		return 0;
	int64_t start = json_time(json_object_get(l, "start_timestamp"));
	int64_t stop = json_time(json_object_get(l, "stop_timestamp"));
	if (!start)
		start = local_string_time(json_object_get(l, "start"), c->zone);
	if (!stop)
		stop = local_string_time(json_object_get(l, "stop"), c->zone);
	if (!stop) /* XUI: "end" is a unix time */
		stop = json_time(json_object_get(l, "end"));
	if (start <= 0 || start >= EPG_START_MAX || stop <= start)
		return 0;
	char title[EPG_TITLE_MAX], desc[EPG_TEXT_MAX];
	epg_text_from_base64(json_str(l, "title"), title, sizeof(title));
	epg_text_from_base64(json_str(l, "description"), desc, sizeof(desc));
	int64_t channel;
	int rc = channel_for(c, json_str(l, "channel_id"), &channel);
	if (rc < 0)
		return rc;
	const char *lang = json_str(l, "lang");
	sqlite3_reset(c->ins);
	sqlite3_bind_int64(c->ins, 1, channel);
	sqlite3_bind_int64(c->ins, 2, start);
	sqlite3_bind_int64(c->ins, 3, stop);
	sqlite3_bind_int64(c->ins, 7, epg_prog_id(channel, start));
	sqlite3_bind_text(c->ins, 4, title, -1, SQLITE_STATIC);
	if (lang && lang[0])
		sqlite3_bind_text(c->ins, 5, lang, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(c->ins, 5);
	if (desc[0])
		sqlite3_bind_text(c->ins, 6, desc, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(c->ins, 6);
	rc = sqlite3_step(c->ins);
	if (rc != SQLITE_DONE)
		return store_errno(rc);
	if (sqlite3_changes(c->db) > 0) {
		sqlite3_reset(c->fts);
		sqlite3_bind_int64(c->fts, 1, sqlite3_last_insert_rowid(c->db));
		rc = sqlite3_step(c->fts);
		if (rc != SQLITE_DONE)
			return store_errno(rc);
		c->stored++;
	}
	return map_stream(c, channel);
}

static int store_listings(struct short_ctx *c, const json_t *list)
{
	size_t i;
	const json_t *l;
	json_array_foreach(list, i, l)
	{
		int rc = store_listing(c, l);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int epg_short_import(struct store *s, int stream_id, const char *json, size_t len,
		     const struct epg_zone *zone, size_t *count)
{
	if (count)
		*count = 0;
	int rc = epg_schema_ensure(s);
	if (rc < 0)
		return rc;
	json_error_t jerr;
	json_t *root = json_loadb(json, len, 0, &jerr);
	const json_t *listings = json_object_get(root, "epg_listings");
	if (!listings || !(json_is_array(listings) || json_is_object(listings))) {
		json_decref(root);
		return -EBADMSG;
	}
	struct short_ctx c = { .db = store_db(s), .stream_id = stream_id, .zone = zone };
	rc = epg_sql_run(c.db, "BEGIN IMMEDIATE");
	if (rc == 0)
		rc = store_errno(sqlite3_prepare_v2(
		    c.db,
		    "INSERT OR IGNORE INTO epg_programme(channel, start, stop, title, lang, "
		    "descr, id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
		    -1, &c.ins, NULL));
	if (rc == 0)
		rc = store_errno(
		    sqlite3_prepare_v2(c.db,
				       "INSERT INTO epg_fts(rowid, search) SELECT id, search FROM "
				       "epg_programme WHERE id = ?1",
				       -1, &c.fts, NULL));
	if (rc == 0 && json_is_array(listings)) {
		rc = store_listings(&c, listings);
	} else if (rc == 0) {
		/* XUI with several ids: {"<stream_id>": [...], ...}; take ours, or all when it is absent */
		char key[16];
		snprintf(key, sizeof(key), "%d", stream_id);
		const json_t *mine = json_object_get(listings, key);
		if (json_is_array(mine)) {
			rc = store_listings(&c, mine);
		} else {
			const char *k;
			const json_t *v;
			json_object_foreach((json_t *)listings, k, v)
			{
				if (rc == 0 && json_is_array(v))
					rc = store_listings(&c, v);
			}
		}
	}
	sqlite3_finalize(c.ins);
	sqlite3_finalize(c.fts);
	if (rc == 0)
		rc = epg_sql_run(c.db, "COMMIT");
	else
		epg_sql_run(c.db, "ROLLBACK");
	json_decref(root);
	if (rc == 0 && count)
		*count = c.stored;
	return rc;
}
