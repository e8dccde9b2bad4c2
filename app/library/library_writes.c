/* SPDX-License-Identifier: MIT */
/* The SQL of the viewer's writes to lib_favourite, lib_history, lib_resume, lib_setting (the PIN)
 * and lib_lock (library.c's schema), handed to the store writer as statements; the same statements
 * library.c and library_parental.c run directly. */
#include "library_writes.h"

#include "library_internal.h"

#include <errno.h>
#include <string.h>

static bool id_ok(enum library_kind kind, const char *id)
{
	return (unsigned)kind <= LIBRARY_EPISODE && id && id[0] && strlen(id) < LIBRARY_ID_MAX;
}

static void fill(struct store_stmt *out, const char *sql, struct store_param *params, size_t n)
{
	*out = (struct store_stmt){ .sql = sql, .params = params, .n = n };
}

int library_stmt_favourite(enum library_kind kind, const char *id, bool on, int64_t now,
			   struct store_stmt *out, struct store_param params[LIBRARY_STMT_MAX_PARAMS])
{
	if (!id_ok(kind, id) || !out || !params)
		return -EINVAL;
	params[0] = STORE_PARAM_INT64((int64_t)kind);
	params[1] = STORE_PARAM_TEXT(id);
	if (!on) {
		fill(out, "DELETE FROM lib_favourite WHERE kind = ?1 AND item = ?2", params, 2);
		return 0;
	}
	params[2] = STORE_PARAM_INT64(now);
	fill(out,
	     "INSERT INTO lib_favourite(kind, item, added_at) VALUES(?1, ?2, ?3)"
	     " ON CONFLICT(kind, item) DO NOTHING",
	     params, 3);
	return 0;
}

int library_stmt_history(enum library_kind kind, const char *id, int64_t when, struct store_stmt *out,
			 struct store_param params[LIBRARY_STMT_MAX_PARAMS])
{
	if (!id_ok(kind, id) || !out || !params)
		return -EINVAL;
	params[0] = STORE_PARAM_INT64((int64_t)kind);
	params[1] = STORE_PARAM_TEXT(id);
	params[2] = STORE_PARAM_INT64(when);
	fill(out,
	     "INSERT INTO lib_history(kind, item, watched_at) VALUES(?1, ?2, ?3)"
	     " ON CONFLICT(kind, item) DO UPDATE SET watched_at = excluded.watched_at",
	     params, 3);
	return 0;
}

bool library_resume_finished(int64_t position_ms, int64_t duration_ms)
{
	return position_ms == 0 || (duration_ms > 0 && position_ms >= duration_ms - duration_ms / 20);
}

int library_stmt_watched(enum library_kind kind, const char *id, struct store_stmt *out,
			 struct store_param params[LIBRARY_STMT_MAX_PARAMS])
{
	if (!id_ok(kind, id) || !out || !params)
		return -EINVAL;
	params[0] = STORE_PARAM_INT64((int64_t)kind);
	params[1] = STORE_PARAM_TEXT(id);
	fill(out, "DELETE FROM lib_resume WHERE kind = ?1 AND item = ?2", params, 2);
	return 0;
}

int library_stmt_resume(enum library_kind kind, const char *id, int64_t position_ms, int64_t duration_ms,
			int64_t now, struct store_stmt *out,
			struct store_param params[LIBRARY_STMT_MAX_PARAMS])
{
	if (!id_ok(kind, id) || !out || !params || position_ms < 0 || duration_ms < 0)
		return -EINVAL;
	if (library_resume_finished(position_ms, duration_ms))
		return library_stmt_watched(kind, id, out, params);
	params[0] = STORE_PARAM_INT64((int64_t)kind);
	params[1] = STORE_PARAM_TEXT(id);
	params[2] = STORE_PARAM_INT64(position_ms);
	params[3] = STORE_PARAM_INT64(duration_ms);
	params[4] = STORE_PARAM_INT64(now);
	fill(out,
	     "INSERT INTO lib_resume(kind, item, position_ms, duration_ms, updated_at)"
	     " VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(kind, item) DO UPDATE SET"
	     " position_ms = excluded.position_ms, duration_ms = excluded.duration_ms,"
	     " updated_at = excluded.updated_at",
	     params, 5);
	return 0;
}

int library_stmt_pin_set(const char *new_pin, char stored[LIBRARY_PIN_STORED_MAX], struct store_stmt *out,
			 struct store_param params[LIBRARY_STMT_MAX_PARAMS])
{
	if (!stored || !out || !params)
		return -EINVAL;
	int rc = library_pin_encode(new_pin, stored, LIBRARY_PIN_STORED_MAX);
	if (rc < 0)
		return rc;
	params[0] = STORE_PARAM_TEXT("parental_pin");
	params[1] = STORE_PARAM_TEXT(stored);
	fill(out,
	     "INSERT INTO lib_setting(key, value) VALUES(?1, ?2)"
	     " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
	     params, 2);
	return 0;
}

int library_stmt_category_locked(enum library_kind kind, int64_t category, bool locked,
				 struct store_stmt *out, struct store_param params[LIBRARY_STMT_MAX_PARAMS])
{
	if ((unsigned)kind > LIBRARY_SERIES || category < 0 || !out || !params)
		return -EINVAL;
	params[0] = STORE_PARAM_INT64((int64_t)kind);
	params[1] = STORE_PARAM_INT64(category);
	params[2] = STORE_PARAM_INT64(locked ? 1 : 0);
	fill(out,
	     "INSERT INTO lib_lock(kind, category_id, locked) VALUES(?1, ?2, ?3)"
	     " ON CONFLICT(kind, category_id) DO UPDATE SET locked = excluded.locked",
	     params, 3);
	return 0;
}
